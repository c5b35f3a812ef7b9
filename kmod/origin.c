// SPDX-License-Identifier: GPL-2.0
/*
 * Origins: block devices with diff storage configured (STORAGE_ADD). An
 * origin keeps its device open, without a holder, from STORAGE_ADD to
 * STORAGE_REMOVE, and is tracked for writes all that time: a write in
 * flight when the first snapshot is taken has then passed the interception
 * and been counted, so the switch waits for it (vss_tracker_drain()).
 * Tracking only from the first snapshot on left writes submitted just
 * before it uncounted: they could land after the switch, uncopied.
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

static bool vss_ranges_overlap(struct block_device *a, struct block_device *b)
{
	sector_t a_end = a->bd_start_sect + bdev_nr_sectors(a);
	sector_t b_end = b->bd_start_sect + bdev_nr_sectors(b);

	return bdev_whole(a) == bdev_whole(b) && a->bd_start_sect < b_end &&
	       b->bd_start_sect < a_end;
}

/* Whether a device that @st's data lands on overlaps @bdev. */
static bool vss_store_overlaps(struct vss_store *st, struct block_device *bdev)
{
	unsigned int i;

	for (i = 0; i < st->nr_under; i++)
		if (vss_ranges_overlap(st->under[i], bdev))
			return true;
	return false;
}

/*
 * A disk and its partition, or two overlapping ranges, cannot both be
 * origins: a write is copied for the one origin the tracker finds. Nor may
 * a storage file live on an origin: copying a chunk would write to a
 * tracked device from its own copy-on-write path
 * (store_where.c finds every device below the file).
 */
static int vss_origin_check_overlaps(struct vss_origin *new,
				     struct netlink_ext_ack *extack)
{
	struct vss_origin *o;

	if (vss_store_overlaps(&new->store, new->bdev)) {
		NL_SET_ERR_MSG(extack, "the storage file would be on the origin itself");
		return -EXDEV;
	}
	list_for_each_entry(o, &vss_origins, node) {
		if (vss_ranges_overlap(o->bdev, new->bdev)) {
			vss_compat_err_attr_fmt(extack, NULL,
						"origin overlaps another origin (a disk and its partition?)",
						"origin overlaps origin %s (a disk and its partition?)",
						o->name);
			return -EADDRINUSE;
		}
		if (vss_store_overlaps(&o->store, new->bdev)) {
			vss_compat_err_attr_fmt(extack, NULL,
						"origin holds the storage file of another origin",
						"origin holds the storage file of origin %s",
						o->name);
			return -EXDEV;
		}
		if (vss_store_overlaps(&new->store, o->bdev)) {
			vss_compat_err_attr_fmt(extack, NULL,
						"the storage file would be on another origin",
						"the storage file would be on origin %s",
						o->name);
			return -EXDEV;
		}
	}
	return 0;
}

static void vss_origin_free(struct vss_origin *o)
{
	vss_store_destroy(&o->store);
	vss_cbt_destroy(o);
	vss_compat_bdev_close(o->handle);
	mutex_destroy(&o->cow_mutex);
	kfree(o);
}

int vss_origin_add(dev_t dev, const struct vss_store_config *cfg,
		   struct vss_origin **op, struct netlink_ext_ack *extack)
{
	struct block_device *bdev;
	struct vss_origin *o;
	int err;

	lockdep_assert_held(&vss_lock);
	if (vss_origin_find(dev)) {
		NL_SET_ERR_MSG(extack, "origin already has diff storage");
		return -EEXIST;
	}
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->handle = vss_compat_bdev_open(dev);
	if (IS_ERR(o->handle)) {
		err = PTR_ERR(o->handle);
		kfree(o);
		NL_SET_ERR_MSG(extack, "cannot open the origin device");
		return err;
	}
	bdev = vss_compat_handle_bdev(o->handle);
	o->bdev = bdev;
	o->dev = dev;
	o->disk_dev = bdev_whole(bdev)->bd_dev;
	o->start = bdev->bd_start_sect;
	o->nr_sects = bdev_nr_sectors(bdev);
	snprintf(o->name, sizeof(o->name), "%pg", bdev);
	o->chunk_shift = ilog2(cfg->chunk_bytes) - SECTOR_SHIFT;
	err = vss_cbt_create(o, cfg->track_block_bytes);
	if (err) {
		vss_compat_bdev_close(o->handle);
		kfree(o);
		NL_SET_ERR_MSG(extack, "cannot create the origin's change tracker");
		return err;
	}
	INIT_LIST_HEAD(&o->snapshots);
	mutex_init(&o->cow_mutex);
	INIT_LIST_HEAD(&o->pending);
	atomic_set(&o->nr_copies, 0);
	init_waitqueue_head(&o->cow_wait);
	spin_lock_init(&o->reads_lock);
	INIT_LIST_HEAD(&o->origin_reads);
	INIT_LIST_HEAD(&o->storing);
	init_waitqueue_head(&o->reads_wait);
	atomic_set(&o->inflight, 0);
	atomic_set(&o->nr_origin_reads, 0);
	INIT_WORK(&o->gone_work, vss_origin_gone_work);

	err = vss_store_init(&o->store, cfg);
	if (err) {
		if (err == -EOPNOTSUPP || err == -EISDIR)
			NL_SET_ERR_MSG(extack, "the storage filesystem cannot hold unnamed files (O_TMPFILE)");
		else if (err == -ENOENT || err == -ENOTDIR)
			NL_SET_ERR_MSG(extack, "the storage path is not a directory");
		else
			NL_SET_ERR_MSG(extack, "cannot create the storage file");
		goto out_free;
	}
	err = vss_store_locate(&o->store, extack);
	if (err)
		goto out_free;
	err = vss_origin_check_overlaps(o, extack);
	if (err)
		goto out_free;
	/*
	 * A disk the tracker cannot see every write of (zoned, or ->rw_page
	 * before 6.9) may still be configured: creating a snapshot of it is
	 * refused, with the reason, as before.
	 */
	err = vss_tracker_add(o);
	if (err == -EBUSY) {
		NL_SET_ERR_MSG(extack, "another module redirects submit_bio_noacct (ftrace IPMODIFY): cannot track writes");
		goto out_free;
	}
	if (err && err != -EOPNOTSUPP) {
		NL_SET_ERR_MSG(extack, "cannot track writes to the origin");
		goto out_free;
	}
	list_add_tail(&o->node, &vss_origins);
	*op = o;
	return 0;

out_free:
	vss_origin_free(o);
	return err;
}

/*
 * Under vss_lock: unlinks @o, which no command and no new write finds
 * after this. The caller then calls vss_origin_retire() without the lock.
 */
int vss_origin_remove(struct vss_origin *o)
{
	lockdep_assert_held(&vss_lock);
	if (o->nr_snapshots || o->creating)
		return -EBUSY;
	list_del(&o->node);
	vss_tracker_detach(o);
	return 0;
}

/* Retirements a killed STORAGE_REMOVE left to a worker: unload waits. */
static atomic_t vss_retiring = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(vss_retired_wq);

static void vss_origin_finish(struct vss_origin *o)
{
	/* Does not take vss_lock: safe to wait for here. */
	cancel_work_sync(&o->gone_work);
	vss_origin_free(o);
}

static void vss_origin_retire_work(struct work_struct *work)
{
	struct vss_origin *o = container_of(work, struct vss_origin, retire_work);

	vss_tracker_retire(o, false);
	vss_origin_finish(o);
	if (atomic_dec_and_test(&vss_retiring))
		wake_up_all(&vss_retired_wq);
}

/*
 * After vss_origin_remove(), without vss_lock: waits for the origin's
 * writes in flight and frees it. A stalled device makes that wait
 * forever; the caller may be killed meanwhile: -EINTR, and a worker
 * finishes the removal when the writes complete.
 */
int vss_origin_retire(struct vss_origin *o)
{
	if (vss_tracker_retire(o, true)) {
		atomic_inc(&vss_retiring);
		INIT_WORK(&o->retire_work, vss_origin_retire_work);
		vss_tracker_defer(&o->retire_work);
		return -EINTR;
	}
	vss_origin_finish(o);
	return 0;
}

/* Module exit: storage configured without snapshots is simply dropped. */
void vss_origins_release(void)
{
	struct vss_origin *o, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&vss_lock);
	list_for_each_entry_safe(o, tmp, &vss_origins, node) {
		if (WARN_ON(vss_origin_remove(o)))
			continue;
		list_add_tail(&o->node, &gone);
	}
	mutex_unlock(&vss_lock);
	list_for_each_entry_safe(o, tmp, &gone, node) {
		vss_tracker_retire(o, false);
		vss_origin_finish(o);
	}
	wait_event(vss_retired_wq, !atomic_read(&vss_retiring));
}
