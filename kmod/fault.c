// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only fault injection, in debugfs: see fault.h. Without debugfs the
 * files are simply absent and every fault stays off.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>

#include "engine.h"
#include "cbt.h"
#include "fault.h"

struct vss_faults vss_faults;

static struct dentry *vss_fault_dir;

bool vss_fault_hit(u32 *count)
{
	u32 old = READ_ONCE(*count);

	while (old) {
		u32 prev = cmpxchg(count, old, old - 1);

		if (prev == old)
			return true;
		old = prev;
	}
	return false;
}

void vss_fault_init(void)
{
	vss_fault_dir = debugfs_create_dir("vss", NULL);
	debugfs_create_u32("fail_merge_alloc", 0600, vss_fault_dir,
			   &vss_faults.merge_alloc);
	debugfs_create_u32("snap_read_delay_ms", 0600, vss_fault_dir,
			   &vss_faults.snap_read_delay_ms);
	debugfs_create_u32("fail_storage_read_enomem", 0600, vss_fault_dir,
			   &vss_faults.storage_read_enomem);
	debugfs_create_u32("storage_read_hold_ms", 0600, vss_fault_dir,
			   &vss_faults.storage_read_hold_ms);
	debugfs_create_u32("settle_delay_ms", 0600, vss_fault_dir,
			   &vss_faults.settle_delay_ms);
	debugfs_create_u32("fail_high_order_alloc", 0600, vss_fault_dir,
			   &vss_faults.fail_high_order_alloc);
	debugfs_create_u32("fail_copy_buf_alloc", 0600, vss_fault_dir,
			   &vss_faults.fail_copy_buf_alloc);
	debugfs_create_u32("copy_store_hold_ms", 0600, vss_fault_dir,
			   &vss_faults.copy_store_hold_ms);
	debugfs_create_u32("fail_copy_store", 0600, vss_fault_dir,
			   &vss_faults.fail_copy_store);
	debugfs_create_u32("cbt_skip_marks", 0600, vss_fault_dir,
			   &vss_faults.cbt_skip_marks);
	debugfs_create_u32("cbt_epoch_limit", 0600, vss_fault_dir,
			   &vss_cbt_epoch_limit);
}

void vss_fault_exit(void)
{
	debugfs_remove(vss_fault_dir);
}
