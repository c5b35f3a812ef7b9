// SPDX-License-Identifier: GPL-2.0
/*
 * Changed-block tracking: the per-origin map of epochs, its snapshot points,
 * generations, and the query iterator. Documentation/cbt.md is the
 * contract; design.md ("Changed-block tracking") explains the data path.
 *
 * The map: one u16 epoch per tracking block, 2048 per page, pages in an
 * xarray allocated on first write. page->private holds the page's *owner*
 * epoch: the epoch in force when the page was created or last saved. A
 * write marks its blocks with the epoch in force; the first write to a page
 * after a switch (owner < epoch) first copies the page into the newest
 * point, if the newest point may still need its old contents, exactly as a
 * first write preserves a data chunk for the newest snapshot.
 *
 * S's view of page i: the first copy of i from S's point towards the
 * newest, else the live page. changes(S0 -> S1) = blocks whose mark in
 * S1's view is in (e(S0), e(S1)].
 *
 * Concurrency. Marks are written with plain stores by any number of CPUs,
 * all with the same epoch: the epoch only changes inside a set's window,
 * when every counted write has completed and new ones are held, and every
 * marker is counted (tracker.c). The same quiescence lets the window swap
 * the whole map (at a wrap). Saving a page, inserting or removing points
 * and their copies, changing the generation, and a query's copy of a page
 * of a view all happen under t->lock (irqsave: the callback can run in any
 * context); a page's owner is published with release after its copy, so
 * that a marker that sees the owner current (acquire) writes after it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/vss.h>

#include "cbt.h"
#include "engine.h"
#include "fault.h"

#define VSS_CBT_PER_PAGE	(PAGE_SIZE / sizeof(u16))
/* The callback marks at most this many map pages; more go to a worker. */
#define VSS_CBT_ATOMIC_PAGES	4
/* Epochs are u16 marks, 0 meaning "never written". */
#define VSS_CBT_EPOCH_HARD_LIMIT	0xfffe
#define VSS_CBT_HISTORY		8

/*
 * Testing only (debugfs vss/cbt_epoch_limit): the epoch at which the next
 * snapshot wraps the map into a new generation, so that a selftest can
 * reach a wrap in a few snapshots. Clamped to [2, 0xfffe].
 */
u32 vss_cbt_epoch_limit = VSS_CBT_EPOCH_HARD_LIMIT;

struct vss_cbt_map {
	struct xarray pages;		/* index -> struct page of marks */
	unsigned int epoch;		/* in force; changed in a window only */
	atomic_long_t nr_pages;
	atomic64_t marked;		/* blocks with a mark */
	struct list_head node;		/* t->retired */
};

/* A map page as it was when a write after a switch first changed it. */
struct vss_cbt_frozen {
	struct rb_node node;
	unsigned long index;
	struct page *page;
};

/* One per linked snapshot of the generation in force. */
struct vss_cbt_point {
	struct list_head node;		/* t->points, by ascending epoch */
	unsigned int epoch;
	struct rb_root frozen;		/* struct vss_cbt_frozen, by index */
};

struct vss_cbt_history {
	uuid_t generation;
	u32 ended_by;			/* enum vss_stale_reason */
};

struct vss_cbt {
	struct vss_origin *origin;
	spinlock_t lock;		/* see the top of the file */
	struct vss_cbt_map *map;	/* swapped inside a window only */
	struct vss_cbt_map *spare;	/* ready for a wrap (set slot held) */
	unsigned int sect_shift;	/* log2(block / sector) */
	u32 block_bytes;
	u64 nr_blocks;
	u64 capacity;
	u32 logical_block;
	uuid_t origin_uuid;
	sector_t seen_sects;		/* device size at the last snapshot */

	uuid_t generation;
	u32 reason;			/* why the generation in force began */
	struct vss_cbt_history history[VSS_CBT_HISTORY];
	unsigned int history_next;

	struct list_head points;
	atomic_long_t nr_frozen;

	/* Freed, and announced, by @work: a wrap happens inside a window. */
	struct list_head retired;	/* struct vss_cbt_map */
	struct list_head dead;		/* struct vss_cbt_point */
	bool ntf_pending;
	uuid_t ntf_old;
	struct work_struct work;

	/*
	 * Persistence (TRACKER_EXPORT, TRACKER_IMPORT). @seal: the seal in
	 * force, 0 when none: set by an export with writes drained, cleared
	 * by the next write, snapshot or generation. @stage: an import being
	 * received, under vss_lock.
	 */
	u32 seal;
	u32 seal_seq;
	struct vss_cbt_stage *stage;

	/*
	 * A write went unrecorded under the benchmark's knob cbt_skip_marks:
	 * no answer of this generation is sound. Queries say ESTALE (lost),
	 * an export is refused, the next snapshot starts a new generation.
	 */
	bool skipped;
};

/* An import's map, staged until its COMMIT. */
struct vss_cbt_stage {
	struct vss_cbt_token state;
	u32 portid;
	struct vss_cbt_map *map;
};

static unsigned int vss_cbt_limit(void)
{
	return clamp_t(u32, READ_ONCE(vss_cbt_epoch_limit), 2,
		       VSS_CBT_EPOCH_HARD_LIMIT);
}

/* Frozen copies: an rbtree per point, inserted without allocating. */

static struct vss_cbt_frozen *vss_cbt_frozen_find(struct vss_cbt_point *p,
						  unsigned long index)
{
	struct rb_node *n = p->frozen.rb_node;

	while (n) {
		struct vss_cbt_frozen *f = rb_entry(n, struct vss_cbt_frozen, node);

		if (index < f->index)
			n = n->rb_left;
		else if (index > f->index)
			n = n->rb_right;
		else
			return f;
	}
	return NULL;
}

static void vss_cbt_frozen_insert(struct vss_cbt_point *p, struct vss_cbt_frozen *f)
{
	struct rb_node **link = &p->frozen.rb_node, *parent = NULL;

	while (*link) {
		struct vss_cbt_frozen *e = rb_entry(*link, struct vss_cbt_frozen, node);

		parent = *link;
		link = f->index < e->index ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&f->node, parent, link);
	rb_insert_color(&f->node, &p->frozen);
}

static struct vss_cbt_frozen *vss_cbt_frozen_alloc(gfp_t gfp)
{
	struct vss_cbt_frozen *f = kmalloc(sizeof(*f), gfp);

	if (!f)
		return NULL;
	f->page = alloc_page(gfp);
	if (!f->page) {
		kfree(f);
		return NULL;
	}
	return f;
}

static void vss_cbt_frozen_free(struct vss_cbt_frozen *f)
{
	__free_page(f->page);
	kfree(f);
}

static void vss_cbt_point_free(struct vss_cbt *t, struct vss_cbt_point *p)
{
	struct rb_node *n;

	while ((n = rb_first(&p->frozen))) {
		rb_erase(n, &p->frozen);
		vss_cbt_frozen_free(rb_entry(n, struct vss_cbt_frozen, node));
		atomic_long_dec(&t->nr_frozen);
	}
	kfree(p);
}

static struct vss_cbt_map *vss_cbt_map_alloc(void)
{
	struct vss_cbt_map *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	/* LOCK_IRQ: the callback inserts pages with interrupts off. */
	xa_init_flags(&m->pages, XA_FLAGS_LOCK_IRQ);
	m->epoch = 1;
	atomic_long_set(&m->nr_pages, 0);
	atomic64_set(&m->marked, 0);
	INIT_LIST_HEAD(&m->node);
	return m;
}

static void vss_cbt_map_free(struct vss_cbt_map *m)
{
	struct page *page;
	unsigned long i;

	if (!m)
		return;
	xa_for_each(&m->pages, i, page)
		__free_page(page);
	xa_destroy(&m->pages);
	kfree(m);
}

/* Generations. */

static void vss_cbt_history_add(struct vss_cbt *t, const uuid_t *gen, u32 ended_by)
{
	struct vss_cbt_history *h = &t->history[t->history_next++ % VSS_CBT_HISTORY];

	h->generation = *gen;
	h->ended_by = ended_by;
}

/* 0 if @gen is not a past generation of @t. Under t->lock. */
static u32 vss_cbt_history_reason(struct vss_cbt *t, const uuid_t *gen)
{
	unsigned int i;

	for (i = 0; i < VSS_CBT_HISTORY; i++)
		if (t->history[i].ended_by && uuid_equal(&t->history[i].generation, gen))
			return t->history[i].ended_by;
	return VSS_STALE_NONE;
}

/* Under t->lock: a new generation; the old points go to @dead. */
static void vss_cbt_new_generation_locked(struct vss_cbt *t, u32 reason,
					  struct list_head *dead, uuid_t *old)
{
	*old = t->generation;
	vss_cbt_history_add(t, &t->generation, reason);
	uuid_gen(&t->generation);
	t->reason = reason;
	WRITE_ONCE(t->seal, 0);
	list_splice_tail_init(&t->points, dead);
}

static void vss_cbt_points_free(struct vss_cbt *t, struct list_head *dead)
{
	struct vss_cbt_point *p, *tmp;

	list_for_each_entry_safe(p, tmp, dead, node) {
		list_del(&p->node);
		vss_cbt_point_free(t, p);
		cond_resched();
	}
}

/*
 * Process or worker context, outside a window. The live map stays: its
 * marks are all at or below the epoch in force, so below the first
 * snapshot of the new generation, and never reported in it. A write being
 * marked meanwhile completes before that snapshot's switch.
 */
static void vss_cbt_new_generation(struct vss_origin *o, u32 reason)
{
	struct vss_cbt *t = o->cbt;
	unsigned long flags;
	LIST_HEAD(dead);
	uuid_t old, gen;
	u64 epoch;

	spin_lock_irqsave(&t->lock, flags);
	vss_cbt_new_generation_locked(t, reason, &dead, &old);
	gen = t->generation;
	epoch = t->map->epoch;
	spin_unlock_irqrestore(&t->lock, flags);
	vss_cbt_points_free(t, &dead);
	pr_info("%s: change tracker: new generation (reason %u)\n", o->name, reason);
	vss_notify_tracker(o, &gen, &old, epoch, reason);
}

void vss_cbt_reset(struct vss_origin *o, u32 reason)
{
	vss_cbt_new_generation(o, reason);
}

/* Frees what a wrap retired inside a window, and announces the wrap. */
static void vss_cbt_work_fn(struct work_struct *work)
{
	struct vss_cbt *t = container_of(work, struct vss_cbt, work);
	struct vss_cbt_map *m, *tmp;
	LIST_HEAD(retired);
	unsigned long flags;
	LIST_HEAD(dead);
	bool ntf;
	uuid_t old, gen;
	u64 epoch;
	u32 reason;

	spin_lock_irqsave(&t->lock, flags);
	list_splice_init(&t->retired, &retired);
	list_splice_init(&t->dead, &dead);
	ntf = t->ntf_pending;
	t->ntf_pending = false;
	old = t->ntf_old;
	gen = t->generation;
	epoch = t->map->epoch;
	reason = t->reason;
	spin_unlock_irqrestore(&t->lock, flags);

	vss_cbt_points_free(t, &dead);
	list_for_each_entry_safe(m, tmp, &retired, node) {
		list_del(&m->node);
		vss_cbt_map_free(m);
	}
	if (ntf) {
		pr_info("%s: change tracker: new generation (reason %u)\n",
			t->origin->name, reason);
		vss_notify_tracker(t->origin, &gen, &old, epoch, reason);
	}
}

/* Creation and destruction, with the origin (STORAGE_ADD, STORAGE_REMOVE). */

int vss_cbt_create(struct vss_origin *o, u32 block_bytes)
{
	struct block_device *bdev = o->bdev;
	struct vss_cbt *t;
	u64 b;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->map = vss_cbt_map_alloc();
	if (!t->map) {
		kfree(t);
		return -ENOMEM;
	}
	t->origin = o;
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->points);
	INIT_LIST_HEAD(&t->retired);
	INIT_LIST_HEAD(&t->dead);
	INIT_WORK(&t->work, vss_cbt_work_fn);
	atomic_long_set(&t->nr_frozen, 0);

	t->logical_block = bdev_logical_block_size(bdev);
	t->capacity = (u64)o->nr_sects << SECTOR_SHIFT;
	b = max_t(u64, block_bytes ? block_bytes : VSS_TRACK_BLOCK_DEFAULT,
		  t->logical_block);
	/* Few enough blocks that a full map stays small (32 MiB at most). */
	while (DIV_ROUND_UP_ULL(t->capacity, b) > VSS_TRACK_BLOCKS_MAX)
		b <<= 1;
	t->block_bytes = b > U32_MAX ? 0 : b;
	if (!t->block_bytes) {		/* beyond 2^55 bytes: not a disk */
		vss_cbt_map_free(t->map);
		kfree(t);
		return -EFBIG;
	}
	t->sect_shift = ilog2(b) - SECTOR_SHIFT;
	t->nr_blocks = DIV_ROUND_UP_ULL(t->capacity, b);
	t->seen_sects = bdev_nr_sectors(bdev);
	/* A GPT partition's unique GUID; MBR "uuids" do not parse: zero. */
	if (bdev_is_partition(bdev) && bdev->bd_meta_info &&
	    uuid_parse(bdev->bd_meta_info->uuid, &t->origin_uuid))
		uuid_copy(&t->origin_uuid, &uuid_null);
	uuid_gen(&t->generation);
	t->reason = VSS_STALE_GENERATION;
	o->cbt = t;
	return 0;
}

static void vss_cbt_stage_free(struct vss_cbt *t);

/* The origin is untracked and has no snapshot left. */
void vss_cbt_destroy(struct vss_origin *o)
{
	struct vss_cbt *t = o->cbt;
	struct vss_cbt_map *m, *tmp;

	if (!t)
		return;
	vss_cbt_stage_free(t);
	cancel_work_sync(&t->work);
	vss_cbt_points_free(t, &t->points);
	vss_cbt_points_free(t, &t->dead);
	list_for_each_entry_safe(m, tmp, &t->retired, node) {
		list_del(&m->node);
		vss_cbt_map_free(m);
	}
	vss_cbt_map_free(t->spare);
	vss_cbt_map_free(t->map);
	kfree(t);
	o->cbt = NULL;
}

/* Marking. */

/*
 * Before the first write of epoch @e changes @page: save its contents for
 * the newest point, unless no point can need them (the newest point is
 * older than the page's owner epoch: the page has not changed since it).
 */
static int vss_cbt_save(struct vss_cbt *t, unsigned long index, struct page *page,
			unsigned int e, gfp_t gfp)
{
	struct vss_cbt_frozen *f = NULL;
	struct vss_cbt_point *newest;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&t->lock, flags);
		if (page_private(page) == e)
			break;		/* another writer saved it */
		newest = list_empty(&t->points) ? NULL :
			 list_last_entry(&t->points, struct vss_cbt_point, node);
		if (newest && newest->epoch >= page_private(page) &&
		    !vss_cbt_frozen_find(newest, index)) {
			if (!f) {
				spin_unlock_irqrestore(&t->lock, flags);
				f = vss_cbt_frozen_alloc(gfp);
				if (!f)
					return -ENOMEM;
				continue;
			}
			copy_page(page_address(f->page), page_address(page));
			f->index = index;
			vss_cbt_frozen_insert(newest, f);
			atomic_long_inc(&t->nr_frozen);
			f = NULL;
		}
		/* After the copy: a marker that sees @e writes after it. */
		smp_store_release(&page->private, e);
		break;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	if (f)
		vss_cbt_frozen_free(f);
	return 0;
}

static int vss_cbt_mark_page(struct vss_cbt *t, struct vss_cbt_map *m,
			     unsigned long index, unsigned int from,
			     unsigned int to, unsigned int e, gfp_t gfp)
{
	struct page *page = xa_load(&m->pages, index);
	unsigned long flags;
	unsigned int i;
	u16 *marks;
	int err;

	if (!page) {
		struct page *old;

		page = alloc_page(gfp | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		/* Nothing before it to save: its views are all zero. */
		set_page_private(page, e);
		if (gfpflags_allow_blocking(gfp)) {
			old = xa_cmpxchg_irq(&m->pages, index, NULL, page, gfp);
		} else {
			xa_lock_irqsave(&m->pages, flags);
			old = __xa_cmpxchg(&m->pages, index, NULL, page, gfp);
			xa_unlock_irqrestore(&m->pages, flags);
		}
		if (old) {
			__free_page(page);
			if (xa_is_err(old))
				return -ENOMEM;
			page = old;
		} else {
			atomic_long_inc(&m->nr_pages);
		}
	}
	if (smp_load_acquire(&page->private) != e) {
		err = vss_cbt_save(t, index, page, e, gfp);
		if (err)
			return err;
	}
	marks = page_address(page);
	for (i = from; i < to; i++) {
		u16 old = READ_ONCE(marks[i]);

		if (old == e)
			continue;
		if (!old)
			atomic64_inc(&m->marked);
		WRITE_ONCE(marks[i], e);
	}
	return 0;
}

static int vss_cbt_mark_range(struct vss_cbt *t, sector_t rel, sector_t nr, gfp_t gfp)
{
	u64 first = rel >> t->sect_shift, last = (rel + nr - 1) >> t->sect_shift;
	unsigned long index, first_page = first / VSS_CBT_PER_PAGE;
	unsigned long last_page = last / VSS_CBT_PER_PAGE;
	struct vss_cbt_map *m;
	unsigned int e;
	int err;

	/*
	 * The caller is counted and saw no hold: read the map and epoch the
	 * last switch left (it wrote them before releasing the hold).
	 */
	smp_rmb();
	m = READ_ONCE(t->map);
	e = READ_ONCE(m->epoch);
	/* An export's map no longer says everything: break its seal. */
	if (unlikely(READ_ONCE(t->seal)))
		WRITE_ONCE(t->seal, 0);
	/* The benchmark's "tracking off": the write is not recorded, and known not to be. */
	if (unlikely(READ_ONCE(vss_faults.cbt_skip_marks))) {
		if (!READ_ONCE(t->skipped))
			WRITE_ONCE(t->skipped, true);
		return 0;
	}
	for (index = first_page; index <= last_page; index++) {
		unsigned int from = index == first_page ? first % VSS_CBT_PER_PAGE : 0;
		unsigned int to = index == last_page ? last % VSS_CBT_PER_PAGE + 1 :
				  VSS_CBT_PER_PAGE;

		err = vss_cbt_mark_page(t, m, index, from, to, e, gfp);
		if (err)
			return err;
		if (gfpflags_allow_blocking(gfp))
			cond_resched();
	}
	return 0;
}

/*
 * From the interception callback, for a write it lets pass: true if the
 * write must be diverted to a worker instead (too many map pages for a
 * callback, or no memory without waiting). Marks it may have made are
 * over-reporting at worst: the worker marks again.
 */
bool notrace vss_cbt_mark_atomic(struct vss_origin *o, sector_t rel, sector_t nr)
{
	struct vss_cbt *t = o->cbt;
	u64 first = rel >> t->sect_shift, last = (rel + nr - 1) >> t->sect_shift;

	if (last / VSS_CBT_PER_PAGE - first / VSS_CBT_PER_PAGE >= VSS_CBT_ATOMIC_PAGES)
		return true;
	return vss_cbt_mark_range(t, rel, nr, GFP_NOWAIT | __GFP_NOWARN) != 0;
}

/*
 * From the copy-on-write worker (may sleep, memalloc_noio). If the map
 * cannot take the write, the tracker cannot vouch for the interval: a new
 * generation, before this write (counted) can complete and so before any
 * snapshot can include it.
 */
void vss_cbt_mark(struct vss_origin *o, sector_t rel, sector_t nr)
{
	if (vss_cbt_mark_range(o->cbt, rel, nr, GFP_NOIO | __GFP_NOWARN))
		vss_cbt_new_generation(o, VSS_STALE_LOST);
}

/* Snapshots. */

/*
 * Before the window, with the set creation slot held (no epoch changes
 * meanwhile): the point, a new generation if the device was resized, and
 * a spare map if the next switch wraps.
 */
int vss_cbt_snapshot_prepare(struct vss_snapshot *s)
{
	struct vss_origin *o = s->origin;
	struct vss_cbt *t = o->cbt;
	struct vss_cbt_point *p;
	sector_t sects;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->frozen = RB_ROOT;
	INIT_LIST_HEAD(&p->node);
	if (READ_ONCE(t->map->epoch) >= vss_cbt_limit() && !t->spare) {
		t->spare = vss_cbt_map_alloc();
		if (!t->spare) {
			kfree(p);
			return -ENOMEM;
		}
	}
	s->cbt_point = p;
	if (READ_ONCE(t->skipped)) {
		WRITE_ONCE(t->skipped, false);
		vss_cbt_new_generation(o, VSS_STALE_LOST);
	}
	sects = bdev_nr_sectors(o->bdev);
	if (sects != t->seen_sects) {
		t->seen_sects = sects;
		vss_cbt_new_generation(o, VSS_STALE_RESIZED);
	}
	return 0;
}

/*
 * Inside the window (every counted write completed, new ones held): @s's
 * point takes the epoch in force, and writes from now on carry the next.
 */
void vss_cbt_snapshot_link(struct vss_snapshot *s)
{
	struct vss_cbt_point *p = s->cbt_point;
	struct vss_cbt *t = s->origin->cbt;
	struct vss_cbt_map *m;
	unsigned long flags;

	s->cbt_point = NULL;
	spin_lock_irqsave(&t->lock, flags);
	m = t->map;
	if (m->epoch >= vss_cbt_limit() && t->spare) {
		/* Epochs restart: the marks of the old map must all go. */
		list_add_tail(&m->node, &t->retired);
		WRITE_ONCE(t->map, t->spare);
		t->spare = NULL;
		m = t->map;
		vss_cbt_new_generation_locked(t, VSS_STALE_WRAPPED, &t->dead, &t->ntf_old);
		t->ntf_pending = true;
		queue_work(system_wq, &t->work);
	}
	p->epoch = m->epoch;
	/* A snapshot after an export takes an epoch the export does not know. */
	WRITE_ONCE(t->seal, 0);
	list_add_tail(&p->node, &t->points);
	s->token.generation = t->generation;
	s->token.epoch = p->epoch;
	s->token.capacity = t->capacity;
	s->token.logical_block = t->logical_block;
	s->token.block_bytes = t->block_bytes;
	s->token.origin_uuid = t->origin_uuid;
	WRITE_ONCE(m->epoch, m->epoch + 1);
	spin_unlock_irqrestore(&t->lock, flags);
}

static struct vss_cbt_point *vss_cbt_point_find(struct vss_cbt *t,
						const struct vss_cbt_token *tok)
{
	struct vss_cbt_point *p;

	if (!uuid_equal(&tok->generation, &t->generation))
		return NULL;
	list_for_each_entry(p, &t->points, node)
		if (p->epoch == tok->epoch)
			return p;
	return NULL;
}

/*
 * Its copies go to the next older point, which used to find them through
 * this one, except pages that point holds itself: those served only the
 * deleted one. The oldest point's copies serve nobody else.
 */
void vss_cbt_snapshot_delete(struct vss_snapshot *s)
{
	struct vss_cbt *t = s->origin->cbt;
	struct vss_cbt_point *p, *older;
	struct rb_node *n;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	p = vss_cbt_point_find(t, &s->token);
	if (!p) {
		spin_unlock_irqrestore(&t->lock, flags);
		return;
	}
	older = p->node.prev == &t->points ? NULL : list_prev_entry(p, node);
	while ((n = rb_first(&p->frozen))) {
		struct vss_cbt_frozen *f = rb_entry(n, struct vss_cbt_frozen, node);

		rb_erase(n, &p->frozen);
		if (older && !vss_cbt_frozen_find(older, f->index)) {
			vss_cbt_frozen_insert(older, f);
		} else {
			vss_cbt_frozen_free(f);
			atomic_long_dec(&t->nr_frozen);
		}
	}
	list_del(&p->node);
	spin_unlock_irqrestore(&t->lock, flags);
	kfree(p);
}

/* A snapshot that was never linked. */
void vss_cbt_snapshot_free(struct vss_snapshot *s)
{
	kfree(s->cbt_point);
	s->cbt_point = NULL;
}

/* Queries. */

static bool vss_cbt_gen_known(struct vss_cbt *t, const uuid_t *gen)
{
	unsigned long flags;
	bool known;

	spin_lock_irqsave(&t->lock, flags);
	known = uuid_equal(&t->generation, gen) || vss_cbt_history_reason(t, gen);
	spin_unlock_irqrestore(&t->lock, flags);
	return known;
}

const char *vss_cbt_check_msg(u32 reason)
{
	switch (reason) {
	case VSS_STALE_RESET:
		return "stale: reset: the tracker was reset after the token's snapshot";
	case VSS_STALE_WRAPPED:
		return "stale: wrapped: the tracker's epochs wrapped after the token's snapshot";
	case VSS_STALE_RESIZED:
		return "stale: resized: the origin's size changed after the token's snapshot";
	case VSS_STALE_LOST:
		return "stale: lost: a write could not be recorded after the token's snapshot";
	case VSS_STALE_IDENTITY:
		return "stale: identity: the token is of another origin or another geometry";
	case VSS_STALE_NOT_OLDER:
		return "stale: not-older: the token's snapshot is not older than the snapshot";
	default:
		return "stale: generation: the token's generation is unknown to this tracker (module reloaded, storage removed, or too old)";
	}
}

/* Why @gen of @t is not in force: a remembered reason, else generation. */
static u32 vss_cbt_ended_reason(struct vss_cbt *t, const uuid_t *gen)
{
	unsigned long flags;
	u32 reason;

	spin_lock_irqsave(&t->lock, flags);
	reason = vss_cbt_history_reason(t, gen);
	spin_unlock_irqrestore(&t->lock, flags);
	return reason ? reason : VSS_STALE_GENERATION;
}

/*
 * Under vss_lock: whether changes(since -> s1) can be answered. Returns
 * VSS_STALE_NONE or the reason, with its message.
 */
u32 vss_cbt_check(struct vss_snapshot *s1, const struct vss_cbt_token *since,
		  const char **msg)
{
	const struct vss_cbt_token *tok = &s1->token;
	struct vss_cbt *t = s1->origin->cbt;
	struct vss_origin *o;
	unsigned long flags;
	bool current_gen;
	u32 reason = VSS_STALE_NONE;

	lockdep_assert_held(&vss_lock);
	if (since->capacity != tok->capacity ||
	    since->logical_block != tok->logical_block ||
	    since->block_bytes != tok->block_bytes ||
	    !uuid_equal(&since->origin_uuid, &tok->origin_uuid)) {
		reason = VSS_STALE_IDENTITY;
		goto out;
	}
	if (READ_ONCE(t->skipped)) {
		reason = VSS_STALE_LOST;
		goto out;
	}
	spin_lock_irqsave(&t->lock, flags);
	current_gen = uuid_equal(&tok->generation, &t->generation);
	spin_unlock_irqrestore(&t->lock, flags);
	if (!current_gen) {
		/* S1 itself is of a generation that ended. */
		reason = vss_cbt_ended_reason(t, &tok->generation);
		goto out;
	}
	if (!uuid_equal(&since->generation, &tok->generation)) {
		list_for_each_entry(o, &vss_origins, node)
			if (o != s1->origin && o->cbt &&
			    vss_cbt_gen_known(o->cbt, &since->generation)) {
				reason = VSS_STALE_IDENTITY;
				goto out;
			}
		reason = vss_cbt_ended_reason(t, &since->generation);
		goto out;
	}
	if (since->epoch > tok->epoch)
		reason = VSS_STALE_NOT_OLDER;
out:
	*msg = vss_cbt_check_msg(reason);
	return reason;
}

/* Under vss_lock (S1 exists, its origin pinned by the caller after). */
int vss_cbt_iter_init(struct vss_cbt_iter *it, struct vss_snapshot *s1,
		      u64 since, u64 start_byte)
{
	struct vss_cbt *t = s1->origin->cbt;

	it->buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!it->buf)
		return -ENOMEM;
	it->origin = s1->origin;
	it->s1 = s1->token;
	it->since = since;
	it->next = start_byte >> (t->sect_shift + SECTOR_SHIFT);
	it->page = -1;
	it->present = false;
	return 0;
}

void vss_cbt_iter_release(struct vss_cbt_iter *it)
{
	kfree(it->buf);
	it->buf = NULL;
}

/*
 * S1's view of map page @index into it->buf: 0 copied, 1 no such page
 * (nothing was ever written there in the generation), or -ESTALE / -ENOENT
 * (S1's generation ended, or S1 was deleted) with @reason.
 */
static int vss_cbt_view(struct vss_cbt_iter *it, unsigned long index, u32 *reason)
{
	struct vss_cbt *t = it->origin->cbt;
	struct vss_cbt_frozen *f;
	struct vss_cbt_point *p;
	unsigned long flags;
	struct page *page;
	int ret = 1;

	spin_lock_irqsave(&t->lock, flags);
	if (!uuid_equal(&it->s1.generation, &t->generation)) {
		*reason = vss_cbt_history_reason(t, &it->s1.generation) ?:
			  VSS_STALE_GENERATION;
		ret = -ESTALE;
		goto out;
	}
	p = vss_cbt_point_find(t, &it->s1);
	if (!p) {
		ret = -ENOENT;
		goto out;
	}
	list_for_each_entry_from(p, &t->points, node) {
		f = vss_cbt_frozen_find(p, index);
		if (f) {
			memcpy(it->buf, page_address(f->page), PAGE_SIZE);
			ret = 0;
			goto out;
		}
	}
	page = xa_load(&t->map->pages, index);
	if (page) {
		memcpy(it->buf, page_address(page), PAGE_SIZE);
		ret = 0;
	}
out:
	spin_unlock_irqrestore(&t->lock, flags);
	return ret;
}

/* The first page at or after @index that was ever written, or ULONG_MAX. */
static unsigned long vss_cbt_next_page(struct vss_cbt *t, unsigned long index)
{
	unsigned long flags;
	void *entry;

	spin_lock_irqsave(&t->lock, flags);
	entry = xa_find(&t->map->pages, &index, ULONG_MAX, XA_PRESENT);
	spin_unlock_irqrestore(&t->lock, flags);
	return entry ? index : ULONG_MAX;
}

/*
 * The next run of changed blocks: 1 with [*first, *first + *count), 0 at
 * the end, or a negative errno (-ESTALE with @reason, -ENOENT).
 */
int vss_cbt_iter_next(struct vss_cbt_iter *it, u64 *first, u64 *count, u32 *reason)
{
	struct vss_cbt *t = it->origin->cbt;
	u64 b = it->next, run = 0;
	bool in_run = false;
	int err;

	while (b < t->nr_blocks) {
		unsigned long index = b / VSS_CBT_PER_PAGE;
		unsigned int off, end;

		if ((long)index != it->page) {
			err = vss_cbt_view(it, index, reason);
			if (err < 0)
				return err;
			it->page = index;
			it->present = !err;
		}
		if (!it->present) {
			unsigned long next;

			if (in_run)
				break;
			next = vss_cbt_next_page(t, index + 1);
			b = next == ULONG_MAX ? t->nr_blocks :
			    max_t(u64, (u64)next * VSS_CBT_PER_PAGE, b);
			continue;
		}
		off = b % VSS_CBT_PER_PAGE;
		end = min_t(u64, VSS_CBT_PER_PAGE,
			    t->nr_blocks - (u64)index * VSS_CBT_PER_PAGE);
		for (; off < end; off++, b++) {
			u16 e = it->buf[off];
			bool changed = e > it->since && e <= it->s1.epoch;

			if (changed && !in_run) {
				in_run = true;
				run = b;
			} else if (!changed && in_run) {
				goto done;
			}
		}
		cond_resched();
	}
done:
	it->next = b;
	if (!in_run)
		return 0;
	*first = run;
	*count = b - run;
	return 1;
}

/* Blocks to bytes: the last block of an odd capacity ends at the capacity. */
void vss_cbt_extent_bytes(const struct vss_cbt_token *tok, u64 first, u64 count,
			  u64 *off, u64 *len)
{
	u64 end = (first + count) * tok->block_bytes;

	*off = first * tok->block_bytes;
	*len = min(end, tok->capacity) - *off;
}

void vss_cbt_info(struct vss_origin *o, struct vss_cbt_info *info)
{
	struct vss_cbt *t = o->cbt;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	info->generation = t->generation;
	info->epoch = t->map->epoch;
	info->block_bytes = t->block_bytes;
	info->capacity = t->capacity;
	info->blocks_marked = atomic64_read(&t->map->marked);
	info->map_bytes = (atomic_long_read(&t->map->nr_pages) +
			   atomic_long_read(&t->nr_frozen)) * PAGE_SIZE;
	info->reason = t->reason;
	info->seal = t->seal;
	spin_unlock_irqrestore(&t->lock, flags);
}

u32 vss_cbt_block_bytes(struct vss_origin *o)
{
	return o->cbt ? o->cbt->block_bytes : 0;
}

/*
 * Persistence: TRACKER_EXPORT and TRACKER_IMPORT (Documentation/cbt.md,
 * "Across reloads and reboots"). The module does no file I/O: userspace
 * saves what an export streams and imports it into the next tracker.
 *
 * An export seals the tracker with writes drained: from then on the live
 * map is what the export streams, until a write, a snapshot or a new
 * generation breaks the seal. A tool keeps the file only if the seal
 * still holds after it has written it. An import stages the map, then,
 * with writes held and drained, installs it with its generation and
 * epoch; writes the fresh tracker saw since STORAGE_ADD are merged in with
 * the epoch in force, so that none is lost.
 */

/* Longest wait for writes in flight at a seal or an import's commit. */
#define VSS_CBT_PERSIST_DRAIN_NS	(5ULL * NSEC_PER_SEC)
#define VSS_CBT_CHUNK_BYTES		(VSS_TRACK_CHUNK_MARKS * sizeof(u16))

static void vss_cbt_state_locked(struct vss_cbt *t, struct vss_cbt_token *st)
{
	st->generation = t->generation;
	st->epoch = t->map->epoch;
	st->capacity = t->capacity;
	st->logical_block = t->logical_block;
	st->block_bytes = t->block_bytes;
	st->origin_uuid = t->origin_uuid;
}

u32 vss_cbt_nr_chunks(struct vss_origin *o)
{
	return DIV_ROUND_UP_ULL(o->cbt->nr_blocks, VSS_TRACK_CHUNK_MARKS);
}

/* Under vss_lock. */
int vss_cbt_seal(struct vss_origin *o, struct vss_cbt_token *state, u32 *seal)
{
	struct vss_cbt *t = o->cbt;
	unsigned long flags;

	lockdep_assert_held(&vss_lock);
	if (READ_ONCE(t->skipped))
		return -ESTALE;
	vss_tracker_hold(o, true);
	if (!vss_tracker_drain(o, ktime_get_ns() + VSS_CBT_PERSIST_DRAIN_NS)) {
		vss_tracker_hold(o, false);
		return -ETIMEDOUT;
	}
	spin_lock_irqsave(&t->lock, flags);
	if (!++t->seal_seq)
		t->seal_seq = 1;
	/* Before the hold's release (the unlock orders it): see the marker. */
	WRITE_ONCE(t->seal, t->seal_seq);
	*seal = t->seal_seq;
	vss_cbt_state_locked(t, state);
	spin_unlock_irqrestore(&t->lock, flags);
	vss_tracker_hold(o, false);
	return 0;
}

/*
 * The first chunk at or after @ci that lies in a page of the live map,
 * copied into @buf; U32_MAX when there is none. The origin is pinned.
 */
u32 vss_cbt_chunk_get(struct vss_origin *o, u32 ci, u16 *buf)
{
	struct vss_cbt *t = o->cbt;
	u32 n = vss_cbt_nr_chunks(o);
	unsigned long flags, index;
	struct page *page;

	BUILD_BUG_ON(VSS_CBT_PER_PAGE % VSS_TRACK_CHUNK_MARKS);
	while (ci < n) {
		u64 first = (u64)ci * VSS_TRACK_CHUNK_MARKS;

		index = first / VSS_CBT_PER_PAGE;
		spin_lock_irqsave(&t->lock, flags);
		page = xa_find(&t->map->pages, &index, ULONG_MAX, XA_PRESENT);
		if (page && index == first / VSS_CBT_PER_PAGE) {
			memcpy(buf, (u16 *)page_address(page) + first % VSS_CBT_PER_PAGE,
			       VSS_CBT_CHUNK_BYTES);
			spin_unlock_irqrestore(&t->lock, flags);
			return ci;
		}
		spin_unlock_irqrestore(&t->lock, flags);
		if (!page)
			break;
		ci = (u64)index * VSS_CBT_PER_PAGE / VSS_TRACK_CHUNK_MARKS;
	}
	return U32_MAX;
}

static void vss_cbt_stage_free(struct vss_cbt *t)
{
	if (!t->stage)
		return;
	vss_cbt_map_free(t->stage->map);
	kfree(t->stage);
	t->stage = NULL;
}

/* Under vss_lock: an import's first message, or the next one. */
int vss_cbt_import_stage(struct vss_origin *o, const struct vss_cbt_token *st,
			 u32 step, u32 portid, const char **msg)
{
	struct vss_cbt *t = o->cbt;
	struct vss_cbt_stage *sg;

	lockdep_assert_held(&vss_lock);
	if (step != VSS_IMPORT_BEGIN) {
		if (!t->stage || t->stage->portid != portid ||
		    memcmp(&t->stage->state, st, sizeof(*st))) {
			*msg = "no import of this state was begun from this socket";
			return -EINVAL;
		}
		return 0;
	}
	vss_cbt_stage_free(t);
	if (st->capacity != t->capacity || st->logical_block != t->logical_block ||
	    st->block_bytes != t->block_bytes ||
	    !uuid_equal(&st->origin_uuid, &t->origin_uuid)) {
		*msg = "stale: identity: the saved tracker is of another origin or another geometry";
		return -ESTALE;
	}
	if (!st->epoch || st->epoch > VSS_CBT_EPOCH_HARD_LIMIT ||
	    uuid_is_null(&st->generation)) {
		*msg = "the state's epoch or generation is out of range";
		return -EINVAL;
	}
	/*
	 * Imported twice, the writes since the first import would all be
	 * merged down to its epoch, under tokens that came after it.
	 */
	if (vss_cbt_gen_known(t, &st->generation)) {
		*msg = "this generation is the tracker's, or was: a saved tracker serves once";
		return -EINVAL;
	}
	sg = kzalloc(sizeof(*sg), GFP_KERNEL);
	if (!sg)
		return -ENOMEM;
	sg->map = vss_cbt_map_alloc();
	if (!sg->map) {
		kfree(sg);
		return -ENOMEM;
	}
	sg->map->epoch = st->epoch;
	sg->state = *st;
	sg->portid = portid;
	t->stage = sg;
	return 0;
}

/*
 * Under vss_lock, into the staged map: chunk @ci. Its marks must be of the
 * state's epochs and within the origin: a map is trusted for nothing but
 * its shape.
 */
int vss_cbt_import_chunk(struct vss_origin *o, u32 ci, const u16 *marks,
			 const char **msg)
{
	struct vss_cbt *t = o->cbt;
	struct vss_cbt_map *m = t->stage->map;
	u64 first = (u64)ci * VSS_TRACK_CHUNK_MARKS;
	unsigned int i, nr = 0;
	struct page *page;
	u16 *dst;

	if (ci >= vss_cbt_nr_chunks(o)) {
		*msg = "a chunk's index is past the origin's last block";
		return -EINVAL;
	}
	for (i = 0; i < VSS_TRACK_CHUNK_MARKS; i++) {
		if (!marks[i])
			continue;
		if (marks[i] > m->epoch) {
			*msg = "a chunk has a mark newer than the state's epoch";
			return -EINVAL;
		}
		if (first + i >= t->nr_blocks) {
			*msg = "a chunk marks a block past the origin's last";
			return -EINVAL;
		}
		nr++;
	}
	if (!nr)
		return 0;
	page = xa_load(&m->pages, first / VSS_CBT_PER_PAGE);
	if (!page) {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		/* Owned by the epoch in force: the next snapshot's first write saves it. */
		set_page_private(page, m->epoch);
		if (xa_err(xa_store_irq(&m->pages, first / VSS_CBT_PER_PAGE, page,
					GFP_KERNEL))) {
			__free_page(page);
			return -ENOMEM;
		}
		atomic_long_inc(&m->nr_pages);
	}
	dst = (u16 *)page_address(page) + first % VSS_CBT_PER_PAGE;
	for (i = 0; i < VSS_TRACK_CHUNK_MARKS; i++)
		if (dst[i]) {
			*msg = "a chunk was sent twice";
			return -EINVAL;
		}
	memcpy(dst, marks, VSS_CBT_CHUNK_BYTES);
	atomic64_add(nr, &m->marked);
	return 0;
}

/* A staged page for every page of the live map (before the hold). */
static int vss_cbt_stage_cover(struct vss_cbt *t, struct vss_cbt_map *m, bool alloc)
{
	struct page *page, *sp;
	unsigned long i;

	xa_for_each(&t->map->pages, i, page) {
		if (xa_load(&m->pages, i))
			continue;
		if (!alloc)
			return -EAGAIN;
		sp = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!sp)
			return -ENOMEM;
		set_page_private(sp, m->epoch);
		if (xa_err(xa_store_irq(&m->pages, i, sp, GFP_KERNEL))) {
			__free_page(sp);
			return -ENOMEM;
		}
		atomic_long_inc(&m->nr_pages);
	}
	return 0;
}

/*
 * Under vss_lock: installs the staged import. The origin has no snapshot,
 * so no point and no query; with writes held and drained, nobody marks
 * either, and the live map's marks (writes since STORAGE_ADD, all seen)
 * are merged in with the epoch in force. Returns the generation replaced.
 */
int vss_cbt_import_commit(struct vss_origin *o, uuid_t *old, const char **msg)
{
	struct vss_cbt *t = o->cbt;
	struct vss_cbt_map *m = t->stage->map, *old_map;
	struct page *page, *sp;
	unsigned long flags, i;
	unsigned int tries, j;
	LIST_HEAD(dead);
	int err;

	lockdep_assert_held(&vss_lock);
	if (o->nr_snapshots || o->creating || !READ_ONCE(o->settled)) {
		*msg = "the origin has a snapshot, or one is being created: import before the first";
		return -EBUSY;
	}
	for (tries = 0;; tries++) {
		err = vss_cbt_stage_cover(t, m, true);
		if (err)
			return err;
		vss_tracker_hold(o, true);
		if (!vss_tracker_drain(o, ktime_get_ns() + VSS_CBT_PERSIST_DRAIN_NS)) {
			vss_tracker_hold(o, false);
			*msg = "writes in flight did not complete in 5 s";
			return -ETIMEDOUT;
		}
		if (!vss_cbt_stage_cover(t, m, false))
			break;
		vss_tracker_hold(o, false);	/* a new page meanwhile: again */
		if (tries == 3) {
			*msg = "the origin's writes kept adding map pages";
			return -EAGAIN;
		}
	}
	xa_for_each(&t->map->pages, i, page) {
		const u16 *live = page_address(page);
		u16 *dst;

		sp = xa_load(&m->pages, i);
		dst = page_address(sp);
		for (j = 0; j < VSS_CBT_PER_PAGE; j++) {
			if (!live[j])
				continue;
			if (!dst[j])
				atomic64_inc(&m->marked);
			dst[j] = m->epoch;
		}
		cond_resched();
	}
	spin_lock_irqsave(&t->lock, flags);
	old_map = t->map;
	WRITE_ONCE(t->map, m);
	*old = t->generation;
	vss_cbt_history_add(t, &t->generation, VSS_STALE_GENERATION);
	t->generation = t->stage->state.generation;
	t->reason = VSS_STALE_GENERATION;
	WRITE_ONCE(t->seal, 0);
	list_splice_tail_init(&t->points, &dead);
	spin_unlock_irqrestore(&t->lock, flags);
	vss_tracker_hold(o, false);

	t->stage->map = NULL;
	vss_cbt_stage_free(t);
	vss_cbt_points_free(t, &dead);
	vss_cbt_map_free(old_map);
	pr_info("%s: change tracker: restored generation %pUb at epoch %u\n",
		o->name, &t->generation, m->epoch);
	return 0;
}

/* Under vss_lock: a failed import leaves nothing staged. */
void vss_cbt_import_abort(struct vss_origin *o)
{
	vss_cbt_stage_free(o->cbt);
}

/* The test knob vss/cbt_epoch_limit is one of fault.c's debugfs files. */
int vss_cbt_init(void)
{
	return 0;
}

void vss_cbt_exit(void)
{
}
