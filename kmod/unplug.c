// SPDX-License-Identifier: GPL-2.0
/*
 * Hot unplug of an origin. The origin keeps its device open without a
 * holder (a mounted filesystem is the holder), so no holder callback tells
 * us the disk is going. An ftrace callback on the entry of the exported
 * del_gendisk() does, on both kernels: it finds the tracked origins on
 * that disk and queues their invalidation. Nothing else is needed for
 * safety: the open handle keeps the gendisk and queue alive, and I/O to a
 * dead disk fails, which the copy-on-write path turns into the same
 * invalidation (vss_origin_gone() checks GD_DEAD too).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/ftrace.h>
#include <linux/vss.h>

#include "engine.h"

void vss_origin_gone_work(struct work_struct *work)
{
	struct vss_origin *o = container_of(work, struct vss_origin, gone_work);

	pr_warn("origin %s removed\n", o->name);
	mutex_lock(&o->cow_mutex);
	vss_origin_invalidate(o, VSS_INVALID_ORIGIN_GONE);
	mutex_unlock(&o->cow_mutex);
}

static void notrace vss_del_gendisk_handler(unsigned long ip, unsigned long parent_ip,
					    struct ftrace_ops *op,
					    struct ftrace_regs *fregs)
{
	vss_tracker_disk_gone((struct gendisk *)vss_compat_fregs_arg(fregs, 0));
}

/* PERMANENT, as the tracker's: a disabled ftrace would hide the unplug. */
static struct ftrace_ops vss_unplug_ops = {
	.func	= vss_del_gendisk_handler,
	.flags	= FTRACE_OPS_FL_PERMANENT,
};

int vss_unplug_init(void)
{
	int err;

	err = ftrace_set_filter_ip(&vss_unplug_ops, (unsigned long)del_gendisk, 0, 0);
	if (err)
		return err;
	err = register_ftrace_function(&vss_unplug_ops);
	if (err)
		ftrace_free_filter(&vss_unplug_ops);
	return err;
}

void vss_unplug_exit(void)
{
	unregister_ftrace_function(&vss_unplug_ops);
	ftrace_free_filter(&vss_unplug_ops);
}
