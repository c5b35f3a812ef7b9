// SPDX-License-Identifier: GPL-2.0
/*
 * vss: volume shadow copy for Linux.
 *
 * Module entry points. The netlink family is registered first and removed
 * last, so that the socket-release notifier never runs against a family
 * that is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <linux/vss.h>

#include "engine.h"
#include "fault.h"
#include "fsfreeze.h"
#include "vss.h"

static int __init vss_init(void)
{
	int err;

	err = vss_cbt_init();
	if (err)
		return err;
	err = vss_cow_init();
	if (err)
		goto out_cbt;
	err = vss_tracker_init();
	if (err)
		goto out_cow;
	err = vss_unplug_init();
	if (err)
		goto out_tracker;
	err = vss_snapshot_init();
	if (err)
		goto out_unplug;
	err = vss_snapdev_init();
	if (err)
		goto out_snapshot;
	err = vss_snapset_init();
	if (err)
		goto out_snapdev;
	err = vss_fs_init();
	if (err)
		goto out_snapset;
	/* The notifier first: no socket may own anything unnoticed. */
	err = vss_sock_release_register();
	if (err)
		goto out_fs;
	err = vss_nl_register();
	if (err)
		goto out_release;

	vss_fault_init();
	pr_info("loaded, version %s\n", VSS_MODULE_VERSION);
	return 0;

out_release:
	vss_sock_release_unregister();
out_fs:
	vss_fs_exit();
out_snapset:
	vss_snapset_exit();
out_snapdev:
	vss_snapdev_exit();
out_snapshot:
	vss_snapshot_exit();
out_unplug:
	vss_unplug_exit();
out_tracker:
	vss_tracker_exit();
out_cow:
	vss_cow_exit();
out_cbt:
	vss_cbt_exit();
	return err;
}

static void __exit vss_exit(void)
{
	/*
	 * Snapshots pin the module: none is left. Origins are tracked from
	 * STORAGE_ADD on, so they are untracked and dropped before the
	 * interception goes.
	 */
	vss_nl_unregister();
	vss_fault_exit();
	vss_sock_release_unregister();
	vss_fs_exit();
	vss_snapset_exit();
	vss_snapdev_exit();
	vss_snapshot_exit();
	vss_unplug_exit();
	vss_origins_release();
	vss_tracker_exit();
	vss_cow_exit();
	vss_cbt_exit();
	pr_info("unloaded\n");
}

module_init(vss_init);
module_exit(vss_exit);

MODULE_DESCRIPTION("Volume shadow copy: point-in-time snapshots of block devices and backup coordination");
MODULE_AUTHOR("The vss authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(VSS_MODULE_VERSION);
/* Resolving the family by name loads the module on demand. */
MODULE_ALIAS_GENL_FAMILY(VSS_FAMILY_NAME);
