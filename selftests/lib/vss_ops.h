/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot-engine requests for the selftests, over the raw client in
 * vss_nl.h, plus the shell and data helpers the engine tests share.
 */
#ifndef VSS_SELFTEST_OPS_H
#define VSS_SELFTEST_OPS_H

#include <stdint.h>
#include <stddef.h>

#include "vss_nl.h"

#define VSS_TEST_MAX_VOLS 64

struct vss_set {
	uint8_t set_id[16];
	uint32_t consistency;
	uint64_t window_ns;
	unsigned int nr;
	uint8_t id[VSS_TEST_MAX_VOLS][16];
	char device[VSS_TEST_MAX_VOLS][32];	/* "/dev/vss-snapN" */
};

struct vss_snap_info {
	uint32_t state;
	uint32_t invalid_reason;
	uint32_t consistency;
	uint32_t flags;
	char device[32];
};

int vss_storage_add(struct vss_nl *nl, const char *origin, uint64_t max_bytes,
		    uint32_t chunk_bytes);
int vss_storage_remove(struct vss_nl *nl, const char *origin);
/* Used bytes of the origin's diff storage, or -errno. */
int64_t vss_storage_used(struct vss_nl *nl, const char *origin);
int vss_snapshot_create(struct vss_nl *nl, const char *const *vols,
			unsigned int nr, uint32_t flags, struct vss_set *set);
int vss_snapshot_get(struct vss_nl *nl, const uint8_t id[16],
		     struct vss_snap_info *info);
/* Number of snapshots the module lists, or -errno. */
int vss_snapshot_count(struct vss_nl *nl);
/* selector: VSS_A_SNAPSHOT_ID/SET_ID (16-byte key), OLDEST_OF (path), ALL. */
int vss_snapshot_delete(struct vss_nl *nl, int selector, const void *key,
			size_t key_len);

/* Runs a shell command; returns its exit status (or -1). */
int vss_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like vss_sh, with the first line of its output in out. */
int vss_sh_out(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The VM's scratch disk (selftests/vm/run.sh --scratch-disk): the virtio
 * disk whose serial is "vss-scratch", so that a test never takes a disk
 * that is not its own to overwrite. Fills dev with "/dev/vdX"; -ENOENT if
 * there is none.
 */
int vss_scratch_disk(char *dev, size_t size);
/* A fresh brd ramdisk /dev/ram0 of mib MiB (brd reloaded); 0 on success. */
int vss_brd_setup(unsigned int mib);
void vss_brd_teardown(void);
/* Non-zero if the running kernel is older than major.minor. */
int vss_kernel_older(int major, int minor);
/*
 * Before 6.9 brd has ->rw_page: a snapshot of it is refused with this
 * errno and extack message (kmod/compat.h, Documentation/design.md).
 */
#define VSS_RW_PAGE_REFUSED_MSG	"cannot track writes to the volume (a zoned disk, or a driver that writes without bios)"

/* Deterministic pattern: byte i of block `blk` of generation `gen`. */
void vss_fill(void *buf, size_t len, uint64_t blk, uint32_t gen);
/* Writes len bytes of generation gen at off with O_DIRECT, blockwise. */
int vss_write_gen(const char *dev, uint64_t off, uint64_t len, uint32_t gen);
/* Checks that [off, off+len) of dev holds generation gen; 0 if so. */
int vss_check_gen(const char *dev, uint64_t off, uint64_t len, uint32_t gen);

#endif /* VSS_SELFTEST_OPS_H */
