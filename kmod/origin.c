// SPDX-License-Identifier: GPL-2.0
/*
 * Origins: block devices with diff storage configured (STORAGE_ADD). An
 * origin keeps its device open, without a holder, from STORAGE_ADD to
 * STORAGE_REMOVE, and is tracked for writes while it has snapshots.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "engine.h"

DEFINE_MUTEX(vss_lock);
LIST_HEAD(vss_origins);

struct vss_origin *vss_origin_find(dev_t dev)
{
	struct vss_origin *o;

	lockdep_assert_held(&vss_lock);
	list_for_each_entry(o, &vss_origins, node)
		if (o->dev == dev)
			return o;
	return NULL;
}

/*
 * A disk and its partition, or two overlapping ranges, cannot both be
 * origins: a write is copied for the one origin the tracker finds.
 */
static bool vss_origin_overlaps(struct block_device *bdev)
{
	dev_t disk = bdev_whole(bdev)->bd_dev;
	sector_t start = bdev->bd_start_sect;
	sector_t end = start + bdev_nr_sectors(bdev);
	struct vss_origin *o;

	list_for_each_entry(o, &vss_origins, node)
		if (o->disk_dev == disk && start < o->start + o->nr_sects &&
		    end > o->start)
			return true;
	return false;
}

int vss_origin_add(dev_t dev, u64 max_bytes, unsigned int chunk_bytes,
		   struct vss_origin **op)
{
	struct block_device *bdev;
	struct vss_origin *o;
	int err;

	lockdep_assert_held(&vss_lock);
	if (vss_origin_find(dev))
		return -EEXIST;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->handle = vss_compat_bdev_open(dev);
	if (IS_ERR(o->handle)) {
		err = PTR_ERR(o->handle);
		kfree(o);
		return err;
	}
	bdev = vss_compat_handle_bdev(o->handle);
	if (vss_origin_overlaps(bdev)) {
		vss_compat_bdev_close(o->handle);
		kfree(o);
		return -EADDRINUSE;
	}
	o->bdev = bdev;
	o->dev = dev;
	o->disk_dev = bdev_whole(bdev)->bd_dev;
	o->start = bdev->bd_start_sect;
	o->nr_sects = bdev_nr_sectors(bdev);
	snprintf(o->name, sizeof(o->name), "%pg", bdev);
	o->chunk_shift = ilog2(chunk_bytes) - SECTOR_SHIFT;
	vss_store_init(&o->store, max_bytes, chunk_bytes);
	INIT_LIST_HEAD(&o->snapshots);
	mutex_init(&o->cow_mutex);
	INIT_LIST_HEAD(&o->pending);
	init_waitqueue_head(&o->cow_wait);
	spin_lock_init(&o->reads_lock);
	INIT_LIST_HEAD(&o->origin_reads);
	init_waitqueue_head(&o->reads_wait);
	atomic_set(&o->inflight, 0);
	list_add_tail(&o->node, &vss_origins);
	*op = o;
	return 0;
}

int vss_origin_remove(struct vss_origin *o)
{
	lockdep_assert_held(&vss_lock);
	if (o->nr_snapshots || o->creating)
		return -EBUSY;
	list_del(&o->node);
	vss_store_destroy(&o->store);
	vss_compat_bdev_close(o->handle);
	mutex_destroy(&o->cow_mutex);
	kfree(o);
	return 0;
}

/* Stops tracking once nothing needs copies: no snapshot, no set being made. */
void vss_origin_untrack_if_idle(struct vss_origin *o)
{
	lockdep_assert_held(&vss_lock);
	if (!o->nr_snapshots && !o->creating)
		vss_tracker_remove(o);
}

/* Module exit: storage configured without snapshots is simply dropped. */
void vss_origins_release(void)
{
	struct vss_origin *o, *tmp;

	mutex_lock(&vss_lock);
	list_for_each_entry_safe(o, tmp, &vss_origins, node)
		WARN_ON(vss_origin_remove(o));
	mutex_unlock(&vss_lock);
}
