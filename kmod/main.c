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

#include "vss.h"

static int __init vss_init(void)
{
	int err;

	err = vss_nl_register();
	if (err)
		return err;

	err = vss_sock_release_register();
	if (err) {
		vss_nl_unregister();
		return err;
	}

	pr_info("loaded, version %s\n", VSS_MODULE_VERSION);
	return 0;
}

static void __exit vss_exit(void)
{
	vss_sock_release_unregister();
	vss_nl_unregister();
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
