// SPDX-License-Identifier: GPL-2.0
/*
 * Copy-on-write: before a write reaches a chunk of the origin that the
 * newest snapshot has not preserved, copy the old chunk into the diff
 * storage and record it in the newest snapshot's map. Only the writes to
 * that chunk wait for it; see tracker.c for how writes get here.
 *
 * A copy is asynchronous: the lane worker of the write that needs it
 * submits the read of the old chunk and goes on with the next write; the
 * read's completion queues vss_copy_work(), where the map gets the chunk
 * and the waiting writes go back to their lanes. So every write in a deep
 * queue waits for one read, side by side, instead of for the copies
 * queued before it on its lane. A file store writes the chunk after
 * that, behind the writes (vss_copy_capture()): snapshot reads of the
 * chunk wait for that store instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/mempool.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>
#include <linux/vss.h>

#include "engine.h"
#include "fault.h"

static bool vss_snapshot_active(const struct vss_snapshot *s)
{
	return s && READ_ONCE(s->state) == VSS_SNAPSHOT_ACTIVE;
}

/*
 * The callback looks up at most this many chunks (a few microseconds with
 * preemption off); a longer write (a write-zeroes or secure erase of a
 * whole disk: a million 4 KiB chunks per 4 GiB bio) is diverted and its
 * chunks are looked up by the worker, which may sleep between them.
 */
#define VSS_COW_ATOMIC_CHUNKS	1024

/*
 * Lock-free check, from the write-interception callback: does a write of
 * [rel, rel + nr) need a copy first? A chunk already in the newest map is
 * preserved, and a write to it goes straight to the device.
 */
bool vss_cow_needed_rcu(struct vss_origin *o, sector_t rel, sector_t nr)
{
	struct vss_snapshot *s = rcu_dereference(o->newest);
	sector_t c, last;

	if (!vss_snapshot_active(s) || !nr)
		return false;
	last = vss_chunk_of(o, rel + nr - 1);
	if (last - vss_chunk_of(o, rel) >= VSS_COW_ATOMIC_CHUNKS)
		return true;
	for (c = vss_chunk_of(o, rel); c <= last; c++)
		if (!xa_load(&s->map, c))
			return true;
	return false;
}

/*
 * From the callback, or the worker with the write counted and no hold: does
 * a snapshot of @o still read data of the origin? Only through the newest:
 * an older snapshot finds a chunk in a newer one's map or on the origin,
 * and invalidation takes every snapshot of the origin at once. Stable until
 * the caller's count is dropped: a switch (the only way a snapshot becomes
 * active) waits for it; a deletion or an invalidation only ends the need.
 */
bool vss_origin_preserving_rcu(struct vss_origin *o)
{
	return vss_snapshot_active(rcu_dereference(o->newest));
}

/* Called with cow_mutex held, which every change of the chain takes. */
void vss_origin_invalidate(struct vss_origin *o, int reason)
{
	struct vss_snapshot *s;

	lockdep_assert_held(&o->cow_mutex);
	list_for_each_entry(s, &o->snapshots, node) {
		if (cmpxchg(&s->state, VSS_SNAPSHOT_ACTIVE, VSS_SNAPSHOT_INVALID) !=
		    VSS_SNAPSHOT_ACTIVE)
			continue;
		WRITE_ONCE(s->invalid_reason, reason);
		pr_warn("snapshot vss-snap%d of %s invalid: %s\n", s->number,
			o->name, reason == VSS_INVALID_OVERFLOW ? "diff storage full" :
			reason == VSS_INVALID_ORIGIN_GONE ? "origin removed" :
			reason == VSS_INVALID_ORIGIN_ERROR ? "origin read error" :
			"diff storage error");
		vss_notify_snapshot(VSS_CMD_SNAPSHOT_INVALID_NTF, s);
	}
}

/* The copy of @chunk in flight, if any. */
static struct vss_copy *vss_copy_of(struct vss_origin *o, sector_t chunk)
{
	struct vss_copy *cp;

	lockdep_assert_held(&o->cow_mutex);
	list_for_each_entry(cp, &o->pending, node)
		if (cp->chunk == chunk)
			return cp;
	return NULL;
}

/* Is a snapshot read of this chunk from the origin still in flight? */
static bool vss_origin_read_busy(struct vss_origin *o, sector_t chunk)
{
	struct vss_origin_read *r;
	bool busy = false;

	spin_lock_irq(&o->reads_lock);
	list_for_each_entry(r, &o->origin_reads, node)
		if (r->chunk == chunk) {
			busy = true;
			break;
		}
	spin_unlock_irq(&o->reads_lock);
	return busy;
}

/*
 * The origin reads of the copy path come from a reserve of their own: the
 * write waiting for its copy may hold the last bio of the filesystem's own
 * set (or fs_bio_set), and a read allocated from it would wait for itself
 * under memory pressure. Each read completes on its own and gives its bio
 * back, so the reserve serves any number of copies in flight.
 */
static struct bio_set vss_cow_bioset;
static struct kmem_cache *vss_copy_cache;
static mempool_t *vss_copy_pool;
/*
 * The copies' ends: WQ_MEM_RECLAIM, as the lanes', since writes wait for
 * them. Not the lanes' workqueue: a lane waiting for a copy slot or a
 * buffer must not stand in the way of the copy that frees it.
 */
static struct workqueue_struct *vss_copy_wq;

/*
 * Copies in flight per origin, each holding a chunk's memory: at most
 * VSS_COPY_BYTES of chunks, and between VSS_COPIES_MIN and VSS_COPIES_MAX
 * copies (16 at 1 MiB chunks, 64 at the default 64 KiB, 256 at 4 KiB).
 */
#define VSS_COPY_BYTES		(4U << 20)
#define VSS_COPIES_MIN		16U
#define VSS_COPIES_MAX		256U
#define VSS_COPY_POOL_MIN	16

static unsigned int vss_copies_max(const struct vss_origin *o)
{
	return clamp(VSS_COPY_BYTES / vss_chunk_bytes(o), VSS_COPIES_MIN, VSS_COPIES_MAX);
}

int vss_cow_init(void)
{
	int err;

	err = bioset_init(&vss_cow_bioset, BIO_POOL_SIZE, 0, BIOSET_NEED_BVECS);
	if (err)
		return err;
	err = -ENOMEM;
	vss_copy_cache = KMEM_CACHE(vss_copy, 0);
	if (!vss_copy_cache)
		goto out_bioset;
	vss_copy_pool = mempool_create_slab_pool(VSS_COPY_POOL_MIN, vss_copy_cache);
	if (!vss_copy_pool)
		goto out_cache;
	vss_copy_wq = alloc_workqueue("vss_copy", WQ_MEM_RECLAIM, 0);
	if (!vss_copy_wq)
		goto out_pool;
	return 0;

out_pool:
	mempool_destroy(vss_copy_pool);
out_cache:
	kmem_cache_destroy(vss_copy_cache);
out_bioset:
	bioset_exit(&vss_cow_bioset);
	return err;
}

/* Every origin is gone: no copy is left in flight. */
void vss_cow_exit(void)
{
	destroy_workqueue(vss_copy_wq);
	mempool_destroy(vss_copy_pool);
	kmem_cache_destroy(vss_copy_cache);
	bioset_exit(&vss_cow_bioset);
}

/*
 * A read of @bytes at @sector of the origin into @buf (from kmalloc, a page
 * allocation or vmalloc), for the caller to complete and submit. A read:
 * the interception callback lets it through.
 */
struct bio *vss_origin_read_bio(struct vss_origin *o, sector_t sector, void *buf,
				unsigned int bytes)
{
	unsigned int nr_pages = DIV_ROUND_UP(offset_in_page(buf) + bytes, PAGE_SIZE);
	bool vmapped = is_vmalloc_addr(buf);
	unsigned int done = 0;
	struct bio *bio;

	/*
	 * A chunk of VSS_CHUNK_MAX bytes fits in one bio: the buffer is a
	 * power of two of at least a page from kvmalloc(), so page-aligned.
	 */
	BUILD_BUG_ON(VSS_CHUNK_MAX / PAGE_SIZE > BIO_MAX_VECS);
	bio = bio_alloc_bioset(o->bdev, nr_pages, REQ_OP_READ | REQ_SYNC, GFP_NOIO,
			       &vss_cow_bioset);
	bio->bi_iter.bi_sector = sector;
	while (done < bytes) {
		void *p = buf + done;
		unsigned int len = min_t(unsigned int, bytes - done,
					 PAGE_SIZE - offset_in_page(p));
		struct page *page = vmapped ? vmalloc_to_page(p) : virt_to_page(p);

		__bio_add_page(bio, page, len, offset_in_page(p));
		done += len;
	}
	return bio;
}

/* The same into the order-0 @pages, in order. */
struct bio *vss_origin_read_pages_bio(struct vss_origin *o, sector_t sector,
				      struct page **pages, unsigned int bytes)
{
	unsigned int nr_pages = DIV_ROUND_UP(bytes, PAGE_SIZE), i;
	struct bio *bio;

	bio = bio_alloc_bioset(o->bdev, nr_pages, REQ_OP_READ | REQ_SYNC, GFP_NOIO,
			       &vss_cow_bioset);
	bio->bi_iter.bi_sector = sector;
	for (i = 0; i < nr_pages; i++)
		__bio_add_page(bio, pages[i],
			       min_t(unsigned int, bytes - i * PAGE_SIZE, PAGE_SIZE), 0);
	return bio;
}

/* Why a copy failed, for the snapshots it invalidates. */
static int vss_cow_invalid_reason(struct vss_origin *o, int err, bool origin_err)
{
	if (vss_origin_gone(o))
		return VSS_INVALID_ORIGIN_GONE;
	/* Before the errno: a disk's BLK_STS_NOSPC is -ENOSPC too. */
	if (origin_err)
		return VSS_INVALID_ORIGIN_ERROR;
	if (err == -ENOSPC || err == -EDQUOT)
		return VSS_INVALID_OVERFLOW;
	return VSS_INVALID_STORAGE_ERROR;
}

/* Waits for a copy slot of @o (the bound above); never fails. */
static struct vss_copy *vss_copy_alloc(struct vss_origin *o)
{
	unsigned int max = vss_copies_max(o);
	struct vss_copy *cp;

	wait_event(o->cow_wait, atomic_add_unless(&o->nr_copies, 1, max));
	cp = mempool_alloc(vss_copy_pool, GFP_NOIO);
	cp->origin = o;
	bio_list_init(&cp->waiters);
	atomic_inc(&o->inflight);	/* untracking waits for the copy */
	return cp;
}

static void vss_copy_free(struct vss_copy *cp)
{
	struct vss_origin *o = cp->origin;

	mempool_free(cp, vss_copy_pool);
	atomic_dec(&o->nr_copies);
	wake_up(&o->cow_wait);
	vss_origin_put_inflight(o);	/* last: @o may go after it */
}

/*
 * After a chunk was stored: tell the listeners if the storage's use rose
 * past one of its thresholds. In a worker (the message is GFP_KERNEL).
 */
static void vss_copy_announce_use(struct vss_origin *o)
{
	unsigned int pct;
	u64 used;

	pct = vss_store_threshold_crossed(&o->store, &used);
	if (pct)
		vss_notify_threshold(o, used, pct);
}

/*
 * The copy's end, in a worker: the chunk is stored or the copy failed.
 * Then, under cow_mutex, the map of the snapshot it was for gets the chunk
 * (or, if the chain changed meanwhile, the slot is freed and the waiting
 * writes copy again for the newest), and the writes go back to their
 * lanes, which look at the chunk again.
 */
static void vss_copy_end(struct vss_copy *cp, int err, bool origin_err)
{
	struct vss_origin *o = cp->origin;
	struct vss_snapshot *s = cp->snap;
	struct bio_list waiters;
	struct bio *bio;

	if (!err)
		vss_copy_announce_use(o);

	mutex_lock(&o->cow_mutex);
	if (err) {
		vss_origin_invalidate(o, vss_cow_invalid_reason(o, err, origin_err));
	} else if (cp->gen == o->chain_gen && vss_snapshot_active(s)) {
		/* @s may be freed and its address reused: compared by generation. */
		if (xa_err(xa_store(&s->map, cp->chunk, xa_mk_value(cp->slot), GFP_NOIO))) {
			vss_store_free(&o->store, cp->slot);
			vss_origin_invalidate(o, VSS_INVALID_STORAGE_ERROR);
		} else {
			WRITE_ONCE(s->nr_chunks, s->nr_chunks + 1);
		}
	} else {
		vss_store_free(&o->store, cp->slot);
	}
	list_del(&cp->node);
	waiters = cp->waiters;
	mutex_unlock(&o->cow_mutex);

	while ((bio = bio_list_pop(&waiters)))
		vss_tracker_resume(bio);
	vss_copy_free(cp);
}

/*
 * A file store's copy whose read succeeded is *captured*: its buffer holds
 * the chunk as of the snapshot. Under cow_mutex, as vss_copy_end() would
 * after the store, the snapshot's map gets the slot, and the waiting
 * writes go back to their lanes now, before the store: their wait is the
 * read alone. The chain is settled here, while the origin still holds
 * the old chunk (a changed chain: false, and the copy ends as before).
 * From here until vss_copy_stored():
 * - the copy is on origin->storing, and a snapshot read that finds its
 *   slot waits for the store (vss_copy_storing()) instead of reading a
 *   slot not written yet;
 * - it holds a storage read ticket, so a delete that frees the slot
 *   meanwhile (no older snapshot to merge into) only marks it dying: no
 *   new copy can take the slot before this store has written it;
 * - a link, a delete or a merge sees an ordinary map entry: the slot is
 *   the chunk's home whichever map it moves to.
 */
static bool vss_copy_capture(struct vss_copy *cp)
{
	struct vss_origin *o = cp->origin;
	struct vss_snapshot *s = cp->snap;
	struct bio_list waiters;
	struct bio *bio;

	mutex_lock(&o->cow_mutex);
	if (cp->gen != o->chain_gen || !vss_snapshot_active(s) ||
	    xa_err(xa_store(&s->map, cp->chunk, xa_mk_value(cp->slot), GFP_NOIO))) {
		mutex_unlock(&o->cow_mutex);
		return false;
	}
	WRITE_ONCE(s->nr_chunks, s->nr_chunks + 1);
	cp->ticket = vss_store_read_begin(&o->store);
	spin_lock_irq(&o->reads_lock);
	list_move(&cp->node, &o->storing);
	spin_unlock_irq(&o->reads_lock);
	waiters = cp->waiters;
	bio_list_init(&cp->waiters);
	mutex_unlock(&o->cow_mutex);

	while ((bio = bio_list_pop(&waiters)))
		vss_tracker_resume(bio);
	return true;
}

/*
 * A captured copy's store ended with @err. A failure invalidates every
 * snapshot of the origin before the readers waiting for the slot look
 * again, so they fail with EIO rather than read a slot never written.
 */
static void vss_copy_stored(struct vss_copy *cp, int err)
{
	struct vss_origin *o = cp->origin;

	if (err) {
		mutex_lock(&o->cow_mutex);
		vss_origin_invalidate(o, vss_cow_invalid_reason(o, err, false));
		mutex_unlock(&o->cow_mutex);
	} else {
		vss_copy_announce_use(o);
	}
	spin_lock_irq(&o->reads_lock);
	list_del(&cp->node);
	spin_unlock_irq(&o->reads_lock);
	vss_store_read_end(&o->store, cp->ticket);
	wake_up_all(&o->reads_wait);
	vss_copy_free(cp);
}

/*
 * Under cow_mutex, or from a wait condition: is slot @slot the home of a
 * captured copy not yet stored? (A slot number, not a chunk: a merge may
 * have moved the entry to another snapshot's map, same slot.)
 */
bool vss_copy_storing(struct vss_origin *o, u32 slot)
{
	struct vss_copy *cp;
	bool busy = false;

	spin_lock_irq(&o->reads_lock);
	list_for_each_entry(cp, &o->storing, node)
		if (cp->slot == slot) {
			busy = true;
			break;
		}
	spin_unlock_irq(&o->reads_lock);
	return busy;
}

/*
 * PF_LOCAL_THROTTLE, as loop's workers: a file store's copy writes through
 * the page cache, and balance_dirty_pages() would otherwise hold this
 * worker (and so the origin's writes waiting on it) against the whole
 * machine's dirty pages, most of which may be another, slow disk's, or the
 * origin's own that cannot be written out until the copies land.
 * Throttled only by its own storage's dirty pages. Restored: a workqueue
 * thread runs other work after this.
 */
static void vss_copy_work(struct work_struct *work)
{
	struct vss_copy *cp = container_of(work, struct vss_copy, work);
	struct vss_origin *o = cp->origin;
	unsigned int local_throttle = current->flags & PF_LOCAL_THROTTLE;
	unsigned int noio = memalloc_noio_save();
	bool captured;
	int err;

	current->flags |= PF_LOCAL_THROTTLE;
	captured = !cp->read_err && o->store.kind == VSS_STORAGE_FILE &&
		   vss_copy_capture(cp);
	if (captured) {
		if (unlikely(READ_ONCE(vss_faults.copy_store_hold_ms)))
			msleep(READ_ONCE(vss_faults.copy_store_hold_ms));
		err = vss_store_copy_write(o, cp);
	} else {
		err = vss_store_copy_finish(o, cp, cp->read_err);
	}
	memalloc_noio_restore(noio);
	current->flags = (current->flags & ~PF_LOCAL_THROTTLE) | local_throttle;
	if (captured)
		vss_copy_stored(cp, err);
	else
		vss_copy_end(cp, err, cp->read_err != 0);
}

/* Any context. */
static void vss_copy_read_endio(struct bio *bio)
{
	struct vss_copy *cp = bio->bi_private;

	cp->read_err = blk_status_to_errno(bio->bi_status);
	bio_put(bio);
	queue_work(vss_copy_wq, &cp->work);
}

/* In the lane worker's NOIO scope: @cp is on the pending list, unlocked. */
static void vss_copy_start(struct vss_copy *cp)
{
	struct bio *bio;
	int err;

	err = vss_store_copy_prepare(cp->origin, cp, &bio);
	if (err) {
		vss_copy_end(cp, err, false);
		return;
	}
	INIT_WORK(&cp->work, vss_copy_work);
	bio->bi_end_io = vss_copy_read_endio;
	bio->bi_private = cp;
	submit_bio(bio);
}

/*
 * One chunk for write @bio: false if nothing is (any longer) to be copied,
 * once no snapshot read of the chunk from the origin is in flight; true if
 * @bio now waits for the chunk's copy, which hands it back to its lane.
 */
static bool vss_cow_chunk(struct vss_origin *o, sector_t chunk, struct bio *bio)
{
	struct vss_copy *cp = NULL, *busy;
	struct vss_snapshot *s;

	for (;;) {
		mutex_lock(&o->cow_mutex);
		s = rcu_dereference_protected(o->newest, lockdep_is_held(&o->cow_mutex));
		if (!vss_snapshot_active(s) || xa_load(&s->map, chunk)) {
			mutex_unlock(&o->cow_mutex);
			break;
		}
		busy = vss_copy_of(o, chunk);
		if (busy || cp) {
			if (!busy) {
				busy = cp;
				cp->chunk = chunk;
				cp->snap = s;
				cp->gen = o->chain_gen;
				list_add(&cp->node, &o->pending);
			}
			bio_list_add(&busy->waiters, bio);
			mutex_unlock(&o->cow_mutex);
			if (busy == cp)
				vss_copy_start(cp);
			else if (cp)
				vss_copy_free(cp);
			return true;
		}
		mutex_unlock(&o->cow_mutex);
		/* Outside the mutex: it may wait for another copy to end. */
		cp = vss_copy_alloc(o);
	}
	if (cp)
		vss_copy_free(cp);

	/*
	 * A snapshot read that chose the origin for this chunk before the map
	 * had it must finish before the write changes the chunk.
	 */
	wait_event(o->reads_wait, !vss_origin_read_busy(o, chunk));
	return false;
}

/*
 * From the tracker's lane worker, before it lets write @bio through: the
 * chunks of [@rel, @rel + @nr), from chunk *@next on. False when every one
 * is preserved (or no snapshot needs them); true when @bio waits for a
 * copy: its end hands @bio back to its lane, which calls again with *@next
 * where it stopped.
 */
bool vss_cow_range(struct vss_origin *o, sector_t rel, sector_t nr, sector_t *next,
		   struct bio *bio)
{
	sector_t c, last;

	if (!nr)
		return false;
	last = vss_chunk_of(o, min(rel + nr, o->nr_sects) - 1);
	for (c = max(vss_chunk_of(o, rel), *next); c <= last; c++) {
		if (vss_cow_chunk(o, c, bio)) {
			*next = c;
			return true;
		}
		cond_resched();	/* a whole-disk write-zeroes: a million chunks */
	}
	return false;
}

/*
 * Where snapshot @s finds chunk @chunk: the first map from @s towards the
 * newest that holds it (returns true and the slot), else the origin.
 */
bool vss_cow_locate(struct vss_snapshot *s, sector_t chunk, u32 *slot)
{
	struct vss_origin *o = s->origin;
	struct vss_snapshot *t = s;
	void *entry;

	lockdep_assert_held(&o->cow_mutex);
	list_for_each_entry_from(t, &o->snapshots, node) {
		entry = xa_load(&t->map, chunk);
		if (entry) {
			*slot = xa_to_value(entry);
			return true;
		}
	}
	return false;
}

void vss_origin_read_begin(struct vss_origin *o, struct vss_origin_read *r,
			   sector_t chunk)
{
	lockdep_assert_held(&o->cow_mutex);
	r->chunk = chunk;
	spin_lock_irq(&o->reads_lock);
	atomic_inc(&o->nr_origin_reads);
	list_add(&r->node, &o->origin_reads);
	spin_unlock_irq(&o->reads_lock);
}

/*
 * From the interception callback, for a write that needs no copy: is a
 * snapshot read of one of its chunks from the origin in flight? Such a
 * read chose the origin before the chunk was preserved; the copy that
 * preserved it waited for the read, and this later write must wait too,
 * or the read returns it. Costs one atomic read when no read is in flight.
 */
bool vss_origin_reads_overlap(struct vss_origin *o, sector_t rel, sector_t nr)
{
	struct vss_origin_read *r;
	sector_t first, last;
	unsigned long flags;
	bool busy = false;

	/*
	 * The caller saw the chunk in the newest map; the read registered
	 * itself before that entry was made (both under cow_mutex).
	 */
	smp_rmb();
	if (!atomic_read(&o->nr_origin_reads) || !nr)
		return false;
	first = vss_chunk_of(o, rel);
	last = vss_chunk_of(o, rel + nr - 1);
	spin_lock_irqsave(&o->reads_lock, flags);
	list_for_each_entry(r, &o->origin_reads, node)
		if (r->chunk >= first && r->chunk <= last) {
			busy = true;
			break;
		}
	spin_unlock_irqrestore(&o->reads_lock, flags);
	return busy;
}

/* From bio completion (any context). */
void vss_origin_read_end(struct vss_origin *o, struct vss_origin_read *r)
{
	unsigned long flags;

	spin_lock_irqsave(&o->reads_lock, flags);
	list_del(&r->node);
	atomic_dec(&o->nr_origin_reads);
	spin_unlock_irqrestore(&o->reads_lock, flags);
	wake_up_all(&o->reads_wait);
}
