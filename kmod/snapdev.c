// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot devices: one read-only, bio-based disk per snapshot, named
 * vss-snapN. A read is served chunk piece by chunk piece: from the diff
 * storage where a snapshot map in the chain holds the chunk, else from the
 * origin through a clone of the bio. The work is done in a worker, never in
 * ->submit_bio, because the origin clones are submitted (and, for a file
 * store, the storage read) while current->bio_list would defer them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vss.h>

#include "engine.h"
#include "fault.h"

static int vss_major;
static DEFINE_IDA(vss_minor_ida);
static struct workqueue_struct *vss_read_wq;
static struct bio_set vss_read_bioset;

/* Tries of a storage read that fails for want of memory. */
#define VSS_STORAGE_READ_TRIES	5

/* Per-snapshot read queue; allocated with the disk. */
struct vss_snapdev {
	struct vss_snapshot *snap;
	spinlock_t lock;
	struct bio_list bios;
	struct work_struct work;
};

/*
 * One read, served in a work item of its own: reads from the diff storage
 * wait for it (a file's page cache, then its disk), and several bios in
 * flight then wait side by side instead of one after the other.
 */
struct vss_read_work {
	struct work_struct work;
	struct bio *bio;
	struct vss_snapshot *snap;
};

/* A piece of a snapshot read served by the origin. */
struct vss_origin_clone {
	struct vss_origin_read rec;
	struct bio *parent;
	struct vss_snapshot *snap;
};

/* A piece of a snapshot read served by a direct read of the storage file. */
struct vss_storage_read {
	struct kiocb iocb;
	struct work_struct work;
	/*
	 * The completion's and the submitter's: the completion may run
	 * before ->read_iter() has returned, which still uses the kiocb.
	 */
	atomic_t ref;
	struct bio *parent;
	struct vss_snapshot *snap;
	unsigned int ticket;		/* the storage read's */
	u32 slot;			/* where, to read it again */
	unsigned int off, done;
	long ret;
	unsigned int bytes;
};

/*
 * Once the count is 0 the deleter may pass its wait and queue @s's free;
 * the free waits for an RCU grace period, so the read-side section keeps
 * s->drain alive for the wake.
 */
static void vss_snap_put_inflight(struct vss_snapshot *s)
{
	rcu_read_lock();
	if (atomic_dec_and_test(&s->inflight))
		wake_up_all(&s->drain);
	rcu_read_unlock();
}

/*
 * Errors of a storage read that say nothing about what the storage holds:
 * memory ran short. Retried, and if they persist the read fails alone;
 * the snapshots stay whole.
 */
static bool vss_storage_err_transient(long err)
{
	return err == -ENOMEM || err == -EAGAIN;
}

/* A copy out of the storage, retried while it fails for want of memory. */
static int vss_snap_copy_from_storage(struct vss_store *st, u32 slot,
				      unsigned int off, struct bio *bio,
				      unsigned int done, unsigned int bytes)
{
	unsigned int tries = 0;
	int err;

	while ((err = vss_store_copy_to_bio(st, slot, off, bio, done, bytes)) &&
	       vss_storage_err_transient(err) && ++tries < VSS_STORAGE_READ_TRIES)
		msleep(tries * 10);	/* let reclaim make room */
	return err;
}

/*
 * Ends a piece's storage read (vss_store_read_begin()). If it failed for
 * another reason than memory, the storage lost a chunk: no snapshot of @o
 * is whole now.
 */
static blk_status_t vss_snap_storage_read_end(struct vss_origin *o,
					      unsigned int ticket, int err)
{
	vss_store_read_end(&o->store, ticket);
	if (!err)
		return BLK_STS_OK;
	if (vss_storage_err_transient(err)) {
		pr_warn_ratelimited("snapshot read of %s: out of memory reading the diff storage (%d): the read fails, the snapshots stay valid\n",
				    o->name, err);
		return BLK_STS_RESOURCE;
	}
	mutex_lock(&o->cow_mutex);
	vss_origin_invalidate(o, VSS_INVALID_STORAGE_ERROR);
	mutex_unlock(&o->cow_mutex);
	return BLK_STS_IOERR;
}

/*
 * In a work item or the submitter: the storage's locks sleep. A direct
 * read that came back short or without memory is done again through the
 * page cache, with its retries.
 */
static void vss_storage_read_finish(struct vss_storage_read *rd)
{
	struct vss_snapshot *s = rd->snap;
	int err = 0;
	blk_status_t st;

	if (rd->ret != rd->bytes) {
		if (rd->ret >= 0 || vss_storage_err_transient(rd->ret))
			err = vss_snap_copy_from_storage(&s->origin->store, rd->slot,
							 rd->off, rd->parent,
							 rd->done, rd->bytes);
		else
			err = rd->ret;
	}
	st = vss_snap_storage_read_end(s->origin, rd->ticket, err);
	if (st)
		rd->parent->bi_status = st;
	bio_endio(rd->parent);
	kfree(rd);
	vss_snap_put_inflight(s);
}

static void vss_storage_read_work(struct work_struct *work)
{
	vss_storage_read_finish(container_of(work, struct vss_storage_read, work));
}

/* Any context: the last of the two references finishes in a work item. */
static void vss_storage_read_put(struct vss_storage_read *rd)
{
	if (atomic_dec_and_test(&rd->ref))
		queue_work(vss_read_wq, &rd->work);
}

/* Any context, a bio's completion included. */
static void vss_storage_read_complete(struct kiocb *iocb, long ret)
{
	struct vss_storage_read *rd = container_of(iocb, struct vss_storage_read, iocb);

	rd->ret = ret;
	vss_storage_read_put(rd);
}

/*
 * Serves a piece from slot @slot of a file storage by a direct read into
 * the bio, asynchronously: the bio completes when its last piece has. The
 * caller holds a storage read (vss_store_read_begin(): @ticket), which
 * ends with the piece. False: serve it through the page cache instead.
 */
static bool vss_snap_read_direct(struct vss_snapshot *s, struct bio *bio,
				 unsigned int done, u32 slot, unsigned int off,
				 unsigned int bytes, unsigned int ticket)
{
	struct vss_store *st = &s->origin->store;
	struct vss_storage_read *rd;
	ssize_t ret;

	if (st->kind != VSS_STORAGE_FILE || READ_ONCE(st->no_direct))
		return false;
	rd = kzalloc(sizeof(*rd), GFP_NOIO);
	if (!rd)
		return false;
	INIT_WORK(&rd->work, vss_storage_read_work);
	rd->parent = bio;
	rd->snap = s;
	rd->bytes = bytes;
	rd->ticket = ticket;
	rd->slot = slot;
	rd->off = off;
	rd->done = done;
	rd->iocb.ki_complete = vss_storage_read_complete;
	atomic_set(&rd->ref, 2);
	atomic_inc(&s->inflight);
	bio_inc_remaining(bio);
	ret = vss_store_file_read_direct(st, slot, off, bio, done, bytes, &rd->iocb);
	if (ret == -EIOCBQUEUED) {
		vss_storage_read_put(rd);
		return true;
	}
	/* Done at once: ->ki_complete was not called and will not be. */
	if (ret == -ENOTBLK) {
		bio_endio(bio);	/* drops the count taken above, never the last */
		kfree(rd);
		vss_snap_put_inflight(s);
		return false;
	}
	rd->ret = ret;
	vss_storage_read_finish(rd);
	return true;
}

static void vss_origin_clone_endio(struct bio *clone)
{
	struct vss_origin_clone *oc = clone->bi_private;
	struct vss_snapshot *s = oc->snap;

	if (clone->bi_status)
		oc->parent->bi_status = clone->bi_status;
	/* Invalidated while we read: whatever we read, the snapshot is gone. */
	else if (READ_ONCE(s->state) != VSS_SNAPSHOT_ACTIVE)
		oc->parent->bi_status = BLK_STS_IOERR;
	vss_origin_read_end(s->origin, &oc->rec);
	bio_endio(oc->parent);
	bio_put(clone);
	kfree(oc);
	vss_snap_put_inflight(s);
}

/* Returns 0, or a blk_status_t error for the whole bio. */
static blk_status_t vss_snap_read_piece(struct vss_snapshot *s, struct bio *bio,
					unsigned int done, sector_t pos, sector_t nr)
{
	struct vss_origin *o = s->origin;
	sector_t chunk = vss_chunk_of(o, pos);
	struct vss_origin_clone *oc;
	struct bio *clone;
	u32 slot;
	int err;

	oc = kmalloc(sizeof(*oc), GFP_NOIO);
	if (!oc)
		return BLK_STS_RESOURCE;

again:
	mutex_lock(&o->cow_mutex);
	/*
	 * Checked again under the mutex that an invalidation takes: a copy
	 * that failed invalidated the snapshot, and let its write through
	 * without waiting for a read of the origin registered after that.
	 */
	if (READ_ONCE(s->state) != VSS_SNAPSHOT_ACTIVE) {
		mutex_unlock(&o->cow_mutex);
		kfree(oc);
		return BLK_STS_IOERR;
	}
	if (vss_cow_locate(s, chunk, &slot)) {
		unsigned int off = (pos - (chunk << o->chunk_shift)) << SECTOR_SHIFT;
		unsigned int ticket;

		/*
		 * A captured copy's slot, not written yet: its write has gone
		 * to the origin, so only the store will hold the old chunk.
		 * Wait for it, then look again (a failed store invalidated).
		 */
		if (vss_copy_storing(o, slot)) {
			mutex_unlock(&o->cow_mutex);
			wait_event(o->reads_wait, !vss_copy_storing(o, slot));
			goto again;
		}
		/* A delete may free the slot once we unlock: it then waits for us. */
		ticket = vss_store_read_begin(&o->store);

		mutex_unlock(&o->cow_mutex);
		kfree(oc);
		if (unlikely(READ_ONCE(vss_faults.storage_read_hold_ms)))
			msleep(READ_ONCE(vss_faults.storage_read_hold_ms));
		if (vss_snap_read_direct(s, bio, done, slot, off, nr << SECTOR_SHIFT,
					 ticket))
			return BLK_STS_OK;
		err = vss_snap_copy_from_storage(&o->store, slot, off, bio, done,
						 nr << SECTOR_SHIFT);
		return vss_snap_storage_read_end(o, ticket, err);
	}
	/* The copy-on-write path waits for this read before the write. */
	vss_origin_read_begin(o, &oc->rec, chunk);
	mutex_unlock(&o->cow_mutex);

	clone = bio_alloc_clone(o->bdev, bio, GFP_NOIO, &vss_read_bioset);
	bio_trim(clone, done >> SECTOR_SHIFT, nr);
	oc->parent = bio;
	oc->snap = s;
	clone->bi_private = oc;
	clone->bi_end_io = vss_origin_clone_endio;
	atomic_inc(&s->inflight);
	bio_inc_remaining(bio);
	submit_bio_noacct(clone);
	return BLK_STS_OK;
}

/*
 * A bio over several chunks of a file storage: start the storage reads of
 * all of them before copying any (runs of neighbouring slots as one read).
 * Copying chunk after chunk would otherwise wait for each read in turn.
 */
static void vss_snap_prefetch(struct vss_snapshot *s, struct bio *bio)
{
	struct vss_origin *o = s->origin;
	struct vss_store *st = &o->store;
	sector_t pos = bio->bi_iter.bi_sector;
	sector_t end = bio_end_sector(bio);
	loff_t run_pos = 0, run_len = 0;

	/* Direct reads bypass the page cache: nothing to read ahead for. */
	if (st->kind != VSS_STORAGE_FILE || !READ_ONCE(st->no_direct) ||
	    vss_chunk_of(o, pos) == vss_chunk_of(o, end - 1))
		return;
	while (pos < end) {
		sector_t chunk = vss_chunk_of(o, pos);
		sector_t chunk_end = (chunk + 1) << o->chunk_shift;
		sector_t nr = min(end, chunk_end) - pos;
		loff_t off, len = nr << SECTOR_SHIFT;
		bool stored;
		u32 slot;

		mutex_lock(&o->cow_mutex);
		stored = vss_cow_locate(s, chunk, &slot);
		mutex_unlock(&o->cow_mutex);
		if (stored) {
			off = (loff_t)slot * st->chunk_bytes +
			      ((pos - (chunk << o->chunk_shift)) << SECTOR_SHIFT);
			if (run_len && off == run_pos + run_len) {
				run_len += len;
			} else {
				if (run_len)
					vss_store_file_prefetch(st, run_pos, run_len);
				run_pos = off;
				run_len = len;
			}
		}
		pos += nr;
	}
	if (run_len)
		vss_store_file_prefetch(st, run_pos, run_len);
}

static void vss_snap_read(struct vss_snapshot *s, struct bio *bio)
{
	struct vss_origin *o = s->origin;
	sector_t pos = bio->bi_iter.bi_sector;
	sector_t left = bio_sectors(bio);
	unsigned int done = 0;
	blk_status_t st = BLK_STS_OK;

	vss_snap_prefetch(s, bio);
	while (left && st == BLK_STS_OK) {
		sector_t chunk_end = (vss_chunk_of(o, pos) + 1) << o->chunk_shift;
		sector_t nr = min(left, chunk_end - pos);

		if (READ_ONCE(s->state) != VSS_SNAPSHOT_ACTIVE) {
			st = BLK_STS_IOERR;
		} else {
			if (unlikely(READ_ONCE(vss_faults.snap_read_delay_ms)))
				msleep(READ_ONCE(vss_faults.snap_read_delay_ms));
			st = vss_snap_read_piece(s, bio, done, pos, nr);
		}
		pos += nr;
		left -= nr;
		done += nr << SECTOR_SHIFT;
	}
	if (st)
		bio->bi_status = st;
	bio_endio(bio);
}

static void vss_snapdev_work(struct work_struct *work)
{
	struct vss_snapdev *sd = container_of(work, struct vss_snapdev, work);
	/* Like a block driver's I/O thread: reclaim must not wait on us. */
	unsigned int noio = memalloc_noio_save();
	struct bio *bio;

	for (;;) {
		spin_lock_irq(&sd->lock);
		bio = bio_list_pop(&sd->bios);
		spin_unlock_irq(&sd->lock);
		if (!bio)
			break;
		vss_snap_read(sd->snap, bio);
		vss_snap_put_inflight(sd->snap);
	}
	memalloc_noio_restore(noio);
}

static void vss_read_work_fn(struct work_struct *work)
{
	struct vss_read_work *rw = container_of(work, struct vss_read_work, work);
	struct vss_snapshot *s = rw->snap;
	unsigned int noio = memalloc_noio_save();

	vss_snap_read(s, rw->bio);
	kfree(rw);
	vss_snap_put_inflight(s);
	memalloc_noio_restore(noio);
}

static void vss_snapdev_submit_bio(struct bio *bio)
{
	struct vss_snapdev *sd = bio->bi_bdev->bd_disk->private_data;
	struct vss_snapshot *s = sd->snap;
	struct vss_read_work *rw;
	unsigned long flags;

	if (bio_op(bio) != REQ_OP_READ) {
		/* Flushes are trivially done; the device is read-only. */
		if (op_is_flush(bio->bi_opf) && !bio_sectors(bio))
			bio_endio(bio);
		else
			bio_io_error(bio);
		return;
	}
	if (bio_end_sector(bio) > s->origin->nr_sects) {
		bio_io_error(bio);
		return;
	}
	atomic_inc(&s->inflight);
	/* Without memory for it, the read joins the device's queue. */
	rw = kmalloc(sizeof(*rw), GFP_NOWAIT | __GFP_NOWARN);
	if (rw) {
		INIT_WORK(&rw->work, vss_read_work_fn);
		rw->bio = bio;
		rw->snap = s;
		queue_work(vss_read_wq, &rw->work);
		return;
	}
	spin_lock_irqsave(&sd->lock, flags);
	bio_list_add(&sd->bios, bio);
	spin_unlock_irqrestore(&sd->lock, flags);
	queue_work(vss_read_wq, &sd->work);
}

static const struct block_device_operations vss_snapdev_fops = {
	.owner = THIS_MODULE,
	.submit_bio = vss_snapdev_submit_bio,
};

int vss_snapdev_create(struct vss_snapshot *s)
{
	struct vss_origin *o = s->origin;
	struct vss_snapdev *sd;
	struct gendisk *disk;
	int minor;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return -ENOMEM;
	minor = ida_alloc_max(&vss_minor_ida, MINORMASK, GFP_KERNEL);
	if (minor < 0) {
		kfree(sd);
		return minor;
	}
	disk = vss_compat_alloc_disk(bdev_logical_block_size(o->bdev));
	if (IS_ERR(disk)) {
		ida_free(&vss_minor_ida, minor);
		kfree(sd);
		return PTR_ERR(disk);
	}
	sd->snap = s;
	spin_lock_init(&sd->lock);
	bio_list_init(&sd->bios);
	INIT_WORK(&sd->work, vss_snapdev_work);

	disk->major = vss_major;
	disk->first_minor = minor;
	disk->minors = 1;
	disk->flags |= GENHD_FL_NO_PART;
	disk->fops = &vss_snapdev_fops;
	disk->private_data = sd;
	snprintf(disk->disk_name, DISK_NAME_LEN, "vss-snap%d", minor);
	set_capacity(disk, o->nr_sects);
	set_disk_ro(disk, true);
	s->number = minor;
	s->disk = disk;
	return 0;
}

/* Makes the device visible; after the freeze window, never inside it. */
int vss_snapshot_publish(struct vss_snapshot *s)
{
	int err = add_disk(s->disk);

	if (!err)
		s->disk_added = true;
	return err;
}

/* Removes the device and waits until no read of it is being served. */
void vss_snapdev_destroy(struct vss_snapshot *s)
{
	struct gendisk *disk = s->disk;
	struct vss_snapdev *sd;

	if (!disk)
		return;
	sd = disk->private_data;
	if (s->disk_added)
		del_gendisk(disk);
	wait_event(s->drain, !atomic_read(&s->inflight));
	flush_work(&sd->work);
	put_disk(disk);
	ida_free(&vss_minor_ida, s->number);
	kfree(sd);
	s->disk = NULL;
}

int vss_snapdev_init(void)
{
	int err;

	vss_major = register_blkdev(0, "vss");
	if (vss_major < 0)
		return vss_major;
	err = bioset_init(&vss_read_bioset, BIO_POOL_SIZE, 0, BIOSET_NEED_BVECS);
	if (err)
		goto out_blkdev;
	vss_read_wq = alloc_workqueue("vss_read", WQ_MEM_RECLAIM, 0);
	if (!vss_read_wq) {
		err = -ENOMEM;
		goto out_bioset;
	}
	return 0;

out_bioset:
	bioset_exit(&vss_read_bioset);
out_blkdev:
	unregister_blkdev(vss_major, "vss");
	return err;
}

void vss_snapdev_exit(void)
{
	destroy_workqueue(vss_read_wq);
	bioset_exit(&vss_read_bioset);
	unregister_blkdev(vss_major, "vss");
	ida_destroy(&vss_minor_ida);
}
