// SPDX-License-Identifier: GPL-2.0
/*
 * Diff storage, the part common to both kinds: slot accounting, frees
 * deferred while snapshot reads copy out of a slot, use thresholds, and
 * resizing. The kinds themselves are in store_mem.c and store_file.c.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vss.h>

#include "engine.h"
#include "fault.h"

/*
 * A slot freed while reads copy out of the storage waits for the reads in
 * flight at its free, and only for those: marked with the generation new
 * reads then joined (XA_MARK_0 is the allocator's free mark).
 */
static const xa_mark_t vss_slot_dying[2] = { XA_MARK_1, XA_MARK_2 };

static const unsigned int vss_default_thresholds[] = { 80, 95 };

static void vss_store_set_thresholds(struct vss_store *st, unsigned int nr,
				     const unsigned int *pct)
{
	unsigned int i, j, v;

	for (i = 0; i < nr; i++) {
		/* Insertion sort: at most VSS_MAX_THRESHOLDS entries. */
		v = pct[i];
		for (j = i; j > 0 && st->thresholds[j - 1] > v; j--)
			st->thresholds[j] = st->thresholds[j - 1];
		st->thresholds[j] = v;
	}
	st->nr_thresholds = nr;
	st->thresholds_sent = 0;
}

int vss_store_init(struct vss_store *st, const struct vss_store_config *cfg)
{
	st->kind = cfg->kind;
	st->max_bytes = cfg->max_bytes;
	st->chunk_bytes = cfg->chunk_bytes;
	st->chunk_order = cfg->chunk_bytes > PAGE_SIZE ?
			  ilog2(cfg->chunk_bytes / PAGE_SIZE) : 0;
	atomic64_set(&st->used_bytes, 0);
	xa_init_flags(&st->slots, XA_FLAGS_ALLOC);
	spin_lock_init(&st->lock);
	if (cfg->nr_thresholds)
		vss_store_set_thresholds(st, cfg->nr_thresholds, cfg->thresholds);
	else
		vss_store_set_thresholds(st, ARRAY_SIZE(vss_default_thresholds),
					 vss_default_thresholds);
	if (st->kind == VSS_STORAGE_FILE)
		return vss_store_file_open(st, cfg->dir);
	return 0;
}

static void vss_store_release_slot(struct vss_store *st, unsigned long slot)
{
	void *entry = xa_erase(&st->slots, slot);

	if (!entry)
		return;
	if (st->kind == VSS_STORAGE_MEMORY)
		vss_store_mem_release(st, entry);
	atomic64_sub(st->chunk_bytes, &st->used_bytes);
}

/* Every snapshot of the origin is gone: no reader is left. */
void vss_store_destroy(struct vss_store *st)
{
	unsigned long slot;
	void *entry;

	WARN_ON_ONCE(st->readers[0] || st->readers[1]);
	xa_for_each(&st->slots, slot, entry)
		vss_store_release_slot(st, slot);
	xa_destroy(&st->slots);
	if (st->kind == VSS_STORAGE_FILE)
		vss_store_file_close(st);
}

/*
 * Takes a slot for @entry, within max-bytes: -ENOSPC when the storage is
 * full. Slots are below max-bytes / chunk size, so a storage file never
 * grows past max-bytes.
 */
int vss_store_reserve(struct vss_store *st, void *entry, u32 *slot)
{
	u64 max = READ_ONCE(st->max_bytes);
	u64 nr = min_t(u64, div_u64(max, st->chunk_bytes), U32_MAX);
	int err;

	if (!nr)
		return -ENOSPC;
	if (atomic64_add_return(st->chunk_bytes, &st->used_bytes) > max) {
		atomic64_sub(st->chunk_bytes, &st->used_bytes);
		return -ENOSPC;
	}
	err = xa_alloc(&st->slots, slot, entry, XA_LIMIT(0, nr - 1), GFP_NOIO);
	if (err) {
		atomic64_sub(st->chunk_bytes, &st->used_bytes);
		return err == -EBUSY ? -ENOSPC : err;
	}
	return 0;
}

/*
 * A chunk's copy into a new slot, in two halves around the read of the old
 * chunk. Both run before a write to the origin may proceed, so no
 * allocation in them may wait for I/O to a tracked device: callers are in
 * a NOIO scope.
 *
 * The first half reserves the slot and returns the read, built but not
 * submitted, into the copy's memory; the caller submits it. On failure
 * nothing is left to undo.
 */
int vss_store_copy_prepare(struct vss_origin *o, struct vss_copy *cp,
			   struct bio **biop)
{
	sector_t sector = cp->chunk << o->chunk_shift;

	cp->bytes = min_t(sector_t, 1U << o->chunk_shift, o->nr_sects - sector)
		    << SECTOR_SHIFT;
	cp->buf = NULL;
	if (o->store.kind == VSS_STORAGE_FILE)
		return vss_store_file_prepare(o, cp, biop);
	return vss_store_mem_prepare(o, cp, biop);
}

/*
 * The second half, after the read completed with @read_err: stores what
 * was read (a file store writes it), or frees the slot if either failed.
 * Returns the copy's result.
 */
int vss_store_copy_finish(struct vss_origin *o, struct vss_copy *cp, int read_err)
{
	int err = read_err;

	if (!err && o->store.kind == VSS_STORAGE_FILE)
		err = vss_store_file_finish(o, cp);
	if (cp->buf)
		vss_store_file_put_buf(&o->store, cp->buf);
	cp->buf = NULL;
	if (err)
		vss_store_free(&o->store, cp->slot);
	return err;
}

/*
 * The second half for a captured copy (kind file, cow.c): its slot is in
 * a map already, so a failure frees nothing here; the caller invalidates.
 */
int vss_store_copy_write(struct vss_origin *o, struct vss_copy *cp)
{
	int err;

	if (unlikely(vss_fault_hit(&vss_faults.fail_copy_store)))
		err = -EIO;
	else
		err = vss_store_file_finish(o, cp);
	vss_store_file_put_buf(&o->store, cp->buf);
	cp->buf = NULL;
	return err;
}

/*
 * Deferred frees, as two generations of readers (like SRCU): new reads
 * join generation cur; a slot freed while reads are in flight is marked
 * cur. Once the other, older generation has no reader left, the
 * generations flip, so new reads stop joining the one the dying slots wait
 * for, which then only drains. A reader that started before a free is in
 * one of the two, and both have drained before its slot goes: a
 * continuously reading backup delays a deleted snapshot's space by the
 * length of a read or two, not for as long as it reads.
 */
static void vss_store_release_dying(struct vss_store *st)
{
	unsigned long slot;
	void *entry;

	lockdep_assert_held(&st->lock);
	for (;;) {
		unsigned int old = st->cur ^ 1;

		if (st->readers[old])
			return;
		if (st->nr_dying[old]) {
			xa_for_each_marked(&st->slots, slot, entry, vss_slot_dying[old])
				vss_store_release_slot(st, slot);
			st->nr_dying[old] = 0;
		}
		if (!st->nr_dying[st->cur])
			return;
		st->cur = old;	/* flip: cur's dying slots are now the old ones */
	}
}

void vss_store_free(struct vss_store *st, u32 slot)
{
	spin_lock(&st->lock);
	if (st->readers[0] || st->readers[1]) {
		xa_set_mark(&st->slots, slot, vss_slot_dying[st->cur]);
		st->nr_dying[st->cur]++;
		vss_store_release_dying(st);
	} else {
		vss_store_release_slot(st, slot);
	}
	spin_unlock(&st->lock);
}

/*
 * A snapshot read found its chunk in slot X (under cow_mutex, which every
 * free of X holds): from here until vss_store_read_end() with the ticket
 * returned, X stays.
 */
unsigned int vss_store_read_begin(struct vss_store *st)
{
	unsigned int gen;

	spin_lock(&st->lock);
	gen = st->cur;
	st->readers[gen]++;
	spin_unlock(&st->lock);
	return gen;
}

void vss_store_read_end(struct vss_store *st, unsigned int ticket)
{
	spin_lock(&st->lock);
	st->readers[ticket]--;
	vss_store_release_dying(st);
	spin_unlock(&st->lock);
}

/* Copies @bytes at @off of slot @slot into @bio, @done bytes into it. */
int vss_store_copy_to_bio(struct vss_store *st, u32 slot, unsigned int off,
			  struct bio *bio, unsigned int done, unsigned int bytes)
{
	struct bvec_iter it = bio->bi_iter;
	void *entry;

	if (unlikely(vss_fault_hit(&vss_faults.storage_read_enomem)))
		return -ENOMEM;
	if (st->kind == VSS_STORAGE_FILE)
		return vss_store_file_copy_to_bio(st, slot, off, bio, done, bytes);
	entry = xa_load(&st->slots, slot);
	if (WARN_ON_ONCE(!entry))
		return -EIO;
	bio_advance_iter(bio, &it, done);
	vss_store_mem_copy_to_bio(entry, off, bio, it, bytes);
	return 0;
}

/*
 * STORAGE_SET, under vss_lock. Shrinking below what is held is refused; a
 * file cannot shrink below its size (slots in use may sit at its end).
 */
int vss_store_set(struct vss_store *st, u64 max_bytes, unsigned int nr_thresholds,
		  const unsigned int *thresholds)
{
	if (max_bytes) {
		if (max_bytes < (u64)atomic64_read(&st->used_bytes) ||
		    max_bytes < vss_store_file_bytes(st))
			return -EBUSY;
		WRITE_ONCE(st->max_bytes, max_bytes);
		st->thresholds_sent = 0;
	}
	if (nr_thresholds)
		vss_store_set_thresholds(st, nr_thresholds, thresholds);
	return 0;
}

/*
 * After a chunk was stored: the highest threshold the use rose past since
 * the last call (0 if none). A threshold fires again after use has fallen
 * back below it.
 */
unsigned int vss_store_threshold_crossed(struct vss_store *st, u64 *usedp)
{
	u64 used = atomic64_read(&st->used_bytes);
	u64 max = READ_ONCE(st->max_bytes);
	unsigned int i, crossed = 0;

	for (i = 0; i < READ_ONCE(st->nr_thresholds); i++) {
		unsigned int pct = READ_ONCE(st->thresholds[i]);
		bool above = used * 100 >= (u64)pct * max;

		if (above && !test_and_set_bit(i, &st->thresholds_sent))
			crossed = pct;
		else if (!above && test_bit(i, &st->thresholds_sent))
			clear_bit(i, &st->thresholds_sent);
	}
	*usedp = used;
	return crossed;
}
