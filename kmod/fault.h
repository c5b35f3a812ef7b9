/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-only fault injection (fault.c): files in debugfs, vss/, that the
 * selftests use to provoke failures no test could otherwise cause on
 * demand (a failed allocation, a read caught between two steps). Not
 * module parameters: nothing here is for an administrator to set, and with
 * every file at 0 (the default) each hook costs one load.
 */
#ifndef VSS_FAULT_H
#define VSS_FAULT_H

#include <linux/types.h>

struct vss_faults {
	/* So many of the next merges on delete fail their first allocation. */
	u32 merge_alloc;
	/* A snapshot read sleeps this long between its state check and its piece. */
	u32 snap_read_delay_ms;
	/* So many of the next copies out of the storage fail with ENOMEM. */
	u32 storage_read_enomem;
	/* A snapshot read of a preserved chunk holds its storage read this long. */
	u32 storage_read_hold_ms;
	/* STORAGE_ADD sleeps this long before it settles (the origin unsettled). */
	u32 settle_delay_ms;
	/* The memory store's page allocations above order 0 fail (fragmentation). */
	u32 fail_high_order_alloc;
	/* So many of the next allocations of a file store's copy buffer fail. */
	u32 fail_copy_buf_alloc;
	/* A captured copy sleeps this long before its store (its writes gone). */
	u32 copy_store_hold_ms;
	/* So many of the next stores of captured copies fail with EIO. */
	u32 fail_copy_store;
	/*
	 * The benchmark's "tracking off": writes are not marked in the change
	 * trackers, which then answer ESTALE (lost) until a new generation.
	 */
	u32 cbt_skip_marks;
};

extern struct vss_faults vss_faults;

/* Consumes one of *@count injected failures: true if this call must fail. */
bool vss_fault_hit(u32 *count);

void vss_fault_init(void);
void vss_fault_exit(void);

#endif /* VSS_FAULT_H */
