// SPDX-License-Identifier: GPL-2.0
/*
 * Copy-on-write: before a write reaches a chunk of the origin that the
 * newest snapshot has not preserved, copy the old chunk into the diff
 * storage and record it in the newest snapshot's map. Only the write that
 * needs the copy waits for it; see tracker.c for how writes get here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>
#include <linux/vss.h>

#include "engine.h"

/* A chunk being copied; lives on the copying worker's stack. */
struct vss_pending {
	struct list_head node;
	sector_t chunk;
};

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

static bool vss_chunk_pending(struct vss_origin *o, sector_t chunk)
{
	struct vss_pending *p;

	lockdep_assert_held(&o->cow_mutex);
	list_for_each_entry(p, &o->pending, node)
		if (p->chunk == chunk)
			return true;
	return false;
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
 * under memory pressure.
 */
static struct bio_set vss_cow_bioset;

int vss_cow_init(void)
{
	return bioset_init(&vss_cow_bioset, BIO_POOL_SIZE, 0, BIOSET_NEED_BVECS);
}

void vss_cow_exit(void)
{
	bioset_exit(&vss_cow_bioset);
}

/*
 * Reads @bytes at @sector of the origin into @buf (from kmalloc, a page
 * allocation or vmalloc). A read: the interception callback lets it through.
 */
int vss_origin_read(struct vss_origin *o, sector_t sector, void *buf,
		    unsigned int bytes)
{
	unsigned int nr_pages = DIV_ROUND_UP(offset_in_page(buf) + bytes, PAGE_SIZE);
	bool vmapped = is_vmalloc_addr(buf);
	unsigned int done = 0;
	struct bio *bio;
	int err;

	bio = bio_alloc_bioset(o->bdev, min_t(unsigned int, nr_pages, BIO_MAX_VECS),
			       REQ_OP_READ | REQ_SYNC, GFP_NOIO, &vss_cow_bioset);
	bio->bi_iter.bi_sector = sector;
	while (done < bytes) {
		void *p = buf + done;
		unsigned int len = min_t(unsigned int, bytes - done,
					 PAGE_SIZE - offset_in_page(p));
		struct page *page = vmapped ? vmalloc_to_page(p) : virt_to_page(p);

		__bio_add_page(bio, page, len, offset_in_page(p));
		done += len;
	}
	err = submit_bio_wait(bio);
	bio_put(bio);
	if (vmapped)
		invalidate_kernel_vmap_range(buf, bytes);
	return err;
}

/* Reads @bytes at @sector of the origin into the order-0 @pages, in order. */
int vss_origin_read_pages(struct vss_origin *o, sector_t sector, struct page **pages,
			  unsigned int bytes)
{
	unsigned int nr_pages = DIV_ROUND_UP(bytes, PAGE_SIZE), i;
	struct bio *bio;
	int err;

	/* A chunk of VSS_CHUNK_MAX bytes fits in one bio. */
	BUILD_BUG_ON(VSS_CHUNK_MAX / PAGE_SIZE > BIO_MAX_VECS);
	bio = bio_alloc_bioset(o->bdev, nr_pages, REQ_OP_READ | REQ_SYNC, GFP_NOIO,
			       &vss_cow_bioset);
	bio->bi_iter.bi_sector = sector;
	for (i = 0; i < nr_pages; i++)
		__bio_add_page(bio, pages[i],
			       min_t(unsigned int, bytes - i * PAGE_SIZE, PAGE_SIZE), 0);
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
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

/*
 * Preserves one chunk for whichever snapshot is the newest when the copy
 * lands. Loops because a new snapshot may become the newest while the copy
 * is under way: the write must then be preserved for that one too.
 */
static void vss_cow_chunk(struct vss_origin *o, sector_t chunk)
{
	struct vss_pending p = { .chunk = chunk };
	struct vss_snapshot *s;
	unsigned long seq, gen;
	bool origin_err;
	u32 slot;
	int err;

	for (;;) {
		mutex_lock(&o->cow_mutex);
		s = rcu_dereference_protected(o->newest, lockdep_is_held(&o->cow_mutex));
		if (!vss_snapshot_active(s) || xa_load(&s->map, chunk)) {
			mutex_unlock(&o->cow_mutex);
			break;
		}
		if (vss_chunk_pending(o, chunk)) {
			/* Another write is copying it: wait for that copy. */
			seq = READ_ONCE(o->cow_seq);
			mutex_unlock(&o->cow_mutex);
			wait_event(o->cow_wait, READ_ONCE(o->cow_seq) != seq);
			continue;
		}
		list_add(&p.node, &o->pending);
		/* @s may be freed and its address reused: compare generations. */
		gen = o->chain_gen;
		mutex_unlock(&o->cow_mutex);

		err = vss_store_preserve(o, chunk, &slot, &origin_err);
		if (!err) {
			unsigned int pct;
			u64 used;

			pct = vss_store_threshold_crossed(&o->store, &used);
			if (pct)
				vss_notify_threshold(o, used, pct);
		}

		mutex_lock(&o->cow_mutex);
		if (err) {
			vss_origin_invalidate(o, vss_cow_invalid_reason(o, err, origin_err));
		} else if (gen == o->chain_gen && vss_snapshot_active(s)) {
			if (xa_err(xa_store(&s->map, chunk, xa_mk_value(slot), GFP_NOIO))) {
				vss_store_free(&o->store, slot);
				vss_origin_invalidate(o, VSS_INVALID_STORAGE_ERROR);
			} else {
				WRITE_ONCE(s->nr_chunks, s->nr_chunks + 1);
			}
		} else {
			/* The chain changed meanwhile: copy again for the newest. */
			vss_store_free(&o->store, slot);
		}
		list_del(&p.node);
		WRITE_ONCE(o->cow_seq, o->cow_seq + 1);
		mutex_unlock(&o->cow_mutex);
		wake_up_all(&o->cow_wait);
		if (err)
			break;
	}

	/*
	 * A snapshot read that chose the origin for this chunk before the map
	 * had it must finish before the write changes the chunk.
	 */
	wait_event(o->reads_wait, !vss_origin_read_busy(o, chunk));
}

/* From the tracker's worker, before it lets a write through. */
void vss_cow_range(struct vss_origin *o, sector_t rel, sector_t nr)
{
	sector_t c, last;

	if (!nr)
		return;
	last = vss_chunk_of(o, min(rel + nr, o->nr_sects) - 1);
	for (c = vss_chunk_of(o, rel); c <= last; c++) {
		vss_cow_chunk(o, c);
		cond_resched();	/* a whole-disk write-zeroes: a million chunks */
	}
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
