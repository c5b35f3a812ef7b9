// SPDX-License-Identifier: GPL-2.0
/*
 * Write tracking: every write to a tracked origin is seen before it reaches
 * the device, through an ftrace redirect of the exported submit_bio_noacct()
 * (no symbol lookups, no patched text, no swapped fops).
 *
 * How a write to a tracked origin travels:
 *
 *   submitter: submit_bio_noacct(bio)
 *     ftrace -> vss_ftrace_handler(): not ours, modifies data, tracked
 *       range, and a chunk the newest snapshot has not preserved?
 *       yes -> set IP to vss_divert_bio(); no -> counted in its origin
 *       until it completes (vss_count_get()), straight on to the device. A discard to an origin
 *       with a live snapshot: marked, then completed here (vss_discard_end)
 *       without reaching the device: no copy, no diff storage.
 *     vss_divert_bio(bio): queue on a lane of the origin, return. The
 *       submitter never waits for us, whatever current->bio_list holds.
 *   worker (WQ_MEM_RECLAIM, memalloc_noio): vss_lane_work()
 *     the bio's completion is taken over (so the handler recognises the
 *     bio as ours, whoever resubmits it or a split remainder of it);
 *     vss_cow_range() preserves its chunks: a chunk not yet preserved
 *     gets a copy started, the bio waits on it and the lane goes on with
 *     the next bio; the copy's end hands the bio back to the lane
 *     (vss_tracker_resume()), which goes on where it stopped. Once every
 *     chunk is preserved the bio is resubmitted.
 *   completion: vss_passthrough_endio() restores the owner's bi_end_io.
 *
 * The recursion guard is that completion mark, not the caller's address:
 * a tail call or a block-layer split would defeat within_module(parent_ip).
 *
 * Untracked devices pay the callback: two compares, a switch on the op and
 * an RCU hash-bucket walk.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "engine.h"

/*
 * A lane starts copies and resubmits writes, in order; it does not wait
 * for a copy (cow.c), only for the hold, a copy slot or a snapshot read of
 * the origin. A write goes to the lane of its first chunk, by a hash of
 * the chunk's index: writes to one chunk keep one lane (and their order),
 * and aligned writes of any size spread over all of them. (The sector's bits
 * above 128 KiB, taken as they were, sent every aligned 1 MiB write to 2
 * of the 16 lanes.)
 */
#define VSS_LANE_BITS		4
#define VSS_NR_LANES		(1U << VSS_LANE_BITS)
#define VSS_CTX_POOL_MIN	64

/* Bios queue per lane in submission order; one work item drains a lane. */
struct vss_lane {
	spinlock_t lock;
	struct bio_list bios;
	struct work_struct work;
	struct vss_origin *origin;
};

/* Where a write that passed is counted until it completes. */
enum vss_count {
	VSS_COUNT_NONE,			/* not (yet), or its origin went */
	VSS_COUNT_ORIGIN,		/* in ->counted's pass counts */
	VSS_COUNT_SPAN,			/* in vss_passed_span */
};

/* Saved completion of a bio we resubmit, or let pass and count. */
struct vss_bio_ctx {
	struct vss_origin *origin;	/* if ->inflight: holds that count */
	bio_end_io_t *end_io;
	void *private;
	bool inflight;			/* diverted: holds origin->inflight */
	enum vss_count count;
	struct vss_origin *counted;	/* VSS_COUNT_ORIGIN */
	bool passed;			/* past the hold: ->count is set */
	/* A diverted bio, between its lane's turns (vss_lane_bio()): */
	bool keep;			/* a kept discard */
	struct vss_lane *lane;
	sector_t from;			/* the origins' walk: whole-disk sector */
	sector_t next;			/* in that origin: the next chunk */
};

static DEFINE_HASHTABLE(vss_track_hash, 6);	/* by whole-disk dev_t, RCU */
static bool vss_hooked;		/* vss_ftrace_ops registered: vss_tracker_hook() */

/*
 * While a set switches copy-on-write on, one origin after the other, every
 * write to one of its origins is held (diverted, then set aside by its
 * lane; vss_origin->holding) so that no write lands on one volume after
 * its switch and on another before its switch: the set is one instant
 * across all its volumes. Writes to other origins go on: one stacked
 * below an origin of the set (its PV, its loop file's filesystem) must,
 * for the set's own writes in flight to complete.
 */
/*
 * Diverted writes that came to their lane during a hold wait here, not in
 * the lane: the lane must go on resubmitting the writes whose copies end,
 * which the switch is draining. Handed back to their lanes at the release.
 */
static DEFINE_SPINLOCK(vss_held_lock);
static struct bio_list vss_held = BIO_EMPTY_LIST;
static struct workqueue_struct *vss_cow_wq;
static mempool_t *vss_ctx_pool;
static DECLARE_WAIT_QUEUE_HEAD(vss_drain_wq);

/*
 * Writes to tracked origins that are past the interception, on their way
 * to the device, and not yet completed: let pass by the callback, or
 * resubmitted by a worker after its copy. A switch waits until none of
 * its origins has one left (vss_tracker_drain()) while the hold diverts
 * every new write, so a write that was not acknowledged before the switch
 * cannot land after it, uncopied, and change what the snapshot shows from
 * one read to the next: whether it is still in the request queue, on a
 * task's bio_list, inside a stacked (bio-based) device, or copied for the
 * previous snapshot.
 *
 * Counted per origin and per CPU, never in a shared counter: every write
 * to a tracked origin adds to its CPU's ->in, its completion to the
 * completing CPU's ->out (struct vss_pass), so writers on different CPUs
 * share no cache line. Both only grow (modulo the word): the origin is
 * idle when the sums are equal, read ->out first (vss_pass_idle()), so a
 * completion seen implies its start seen, and a start counted on one CPU
 * and ended on another never makes the sum look idle too early.
 *
 * Counted before the hold is looked at, with a full barrier on both sides
 * (vss_count_get() against vss_tracker_hold()): either the switch sees
 * the count and waits, or the write sees the hold (and the maps linked
 * after it) and is diverted. A write that spans several tracked origins
 * (through the whole-disk node) is diverted, and its worker counts it in
 * vss_passed_span, which every drain waits for: rare, and shared.
 */
struct vss_pass {
	unsigned long in;
	unsigned long out;
};

static atomic_t vss_passed_span = ATOMIC_INIT(0);
/* Drains and untracking waiting: completions wake vss_drain_wq. */
static atomic_t vss_drainers = ATOMIC_INIT(0);

static void vss_count_get(struct vss_origin *o)
{
	if (o)
		this_cpu_inc(o->pass->in);
	else
		atomic_inc(&vss_passed_span);
	smp_mb();	/* the count, then the hold: see vss_pass */
}

/* Last touch of @o: untracking may free it as soon as it is counted out. */
static void vss_count_put(struct vss_origin *o)
{
	smp_mb();	/* what the write did, then its count: see vss_pass_idle() */
	if (o)
		this_cpu_inc(o->pass->out);
	else
		atomic_dec(&vss_passed_span);
	smp_mb();	/* the count, then vss_drainers: see vss_drain_begin() */
	if (atomic_read(&vss_drainers))
		wake_up_all(&vss_drain_wq);
}

static bool vss_pass_idle(struct vss_origin *o)
{
	unsigned long in = 0, out = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		out += READ_ONCE(per_cpu_ptr(o->pass, cpu)->out);
	smp_mb();	/* pairs with vss_count_put(): a seen ->out has its ->in */
	for_each_possible_cpu(cpu)
		in += READ_ONCE(per_cpu_ptr(o->pass, cpu)->in);
	return in == out;
}

static void vss_drain_begin(void)
{
	atomic_inc(&vss_drainers);
	smp_mb__after_atomic();	/* then the counts: see vss_count_put() */
}

static void vss_drain_end(void)
{
	atomic_dec(&vss_drainers);
}

static void vss_passthrough_endio(struct bio *bio);

static DEFINE_SPINLOCK(vss_orphan_lock);
static struct bio_list vss_orphans = BIO_EMPTY_LIST;

static void vss_orphan_work_fn(struct work_struct *work)
{
	struct bio *bio;

	for (;;) {
		spin_lock_irq(&vss_orphan_lock);
		bio = bio_list_pop(&vss_orphans);
		spin_unlock_irq(&vss_orphan_lock);
		if (!bio)
			break;
		submit_bio_noacct(bio);
	}
}
static DECLARE_WORK(vss_orphan_work, vss_orphan_work_fn);

/*
 * Bios that change the device's data. A write without data is a flush: it
 * only makes completed writes durable, and no diverted write has completed.
 */
static __always_inline bool vss_bio_modifies_data(const struct bio *bio)
{
	switch (bio_op(bio)) {
	case REQ_OP_WRITE:
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
	case REQ_OP_WRITE_ZEROES:
		return bio_sectors(bio) != 0;
	default:
		return false;
	}
}

/* Absolute (whole-disk) start sector. */
static __always_inline sector_t vss_bio_abs_sector(struct bio *bio)
{
	if (bio_flagged(bio, BIO_REMAPPED))
		return bio->bi_iter.bi_sector;
	return bio->bi_iter.bi_sector + bio->bi_bdev->bd_start_sect;
}

/*
 * The first origin, in disk order from sector @from on, whose range the
 * bio touches; keyed by whole disk so that a tracked disk sees writes
 * through its partitions and a tracked partition sees writes through the
 * whole-disk node. A write through the disk node may span several tracked
 * partitions: callers walk them with @from = the previous one's end.
 * Caller holds rcu_read_lock().
 */
static __always_inline struct vss_origin *vss_lookup_from_rcu(struct bio *bio,
							       sector_t from,
							       sector_t *rel,
							       sector_t *nr)
{
	dev_t disk = bdev_whole(bio->bi_bdev)->bd_dev;
	sector_t start = max(vss_bio_abs_sector(bio), from);
	sector_t end = vss_bio_abs_sector(bio) + bio_sectors(bio);
	struct vss_origin *o, *first = NULL;

	hash_for_each_possible_rcu(vss_track_hash, o, hnode, disk)
		if (o->disk_dev == disk && o->bdev->bd_disk == bio->bi_bdev->bd_disk &&
		    start < o->start + o->nr_sects && end > o->start &&
		    (!first || o->start < first->start))
			first = o;
	if (first) {
		*rel = max(start, first->start) - first->start;
		*nr = min(end, first->start + first->nr_sects) - first->start - *rel;
	}
	return first;
}

static __always_inline struct vss_origin *vss_lookup_rcu(struct bio *bio,
							  sector_t *rel, sector_t *nr)
{
	return vss_lookup_from_rcu(bio, 0, rel, nr);
}

#define vss_for_each_origin_rcu(o, bio, rel, nr)			\
	for (o = vss_lookup_rcu(bio, &(rel), &(nr)); o;			\
	     o = vss_lookup_from_rcu(bio, o->start + o->nr_sects, &(rel), &(nr)))

/*
 * Whether @bio, which touches @first, also touches a tracked origin past
 * it (a write through a whole-disk node over several tracked partitions).
 * Most writes end inside @first: no second lookup for them.
 */
static __always_inline bool vss_bio_spans_rcu(struct bio *bio,
					      struct vss_origin *first)
{
	sector_t end = first->start + first->nr_sects, rel, nr;

	return unlikely(vss_bio_abs_sector(bio) + bio_sectors(bio) > end) &&
	       vss_lookup_from_rcu(bio, end, &rel, &nr);
}

void vss_origin_put_inflight(struct vss_origin *o)
{
	if (atomic_dec_and_test(&o->inflight))
		wake_up_all(&vss_drain_wq);	/* untracking: vss_tracker_retire() */
}

/*
 * Runs instead of submit_bio_noacct() for writes that need a copy first;
 * entered from the ftrace trampoline on the submitter's stack. It may run
 * in any context (inside another ->submit_bio, with current->bio_list set),
 * so it only queues: it neither sleeps nor submits.
 */
static void notrace vss_divert_bio(struct bio *bio)
{
	struct vss_origin *o;
	struct vss_lane *lane;
	sector_t rel, nr;
	unsigned long flags;

	rcu_read_lock();
	o = vss_lookup_rcu(bio, &rel, &nr);
	if (o)
		atomic_inc(&o->inflight);	/* untracking waits for this */
	rcu_read_unlock();

	/*
	 * Untracked between the callback and here: the origin's storage was
	 * removed, so the write needs nothing from us; but we must not submit
	 * from here. A worker resubmits it, and the callback then lets it pass.
	 */
	if (unlikely(!o)) {
		spin_lock_irqsave(&vss_orphan_lock, flags);
		bio_list_add(&vss_orphans, bio);
		spin_unlock_irqrestore(&vss_orphan_lock, flags);
		queue_work(vss_cow_wq, &vss_orphan_work);
		return;
	}

	/* Completion now comes from a worker: drop polling and nowait. */
	bio_clear_polled(bio);
	bio->bi_opf &= ~REQ_NOWAIT;

	lane = &o->lanes[hash_64(rel >> o->chunk_shift, VSS_LANE_BITS)];
	spin_lock_irqsave(&lane->lock, flags);
	bio_list_add(&lane->bios, bio);
	spin_unlock_irqrestore(&lane->lock, flags);
	queue_work(vss_cow_wq, &lane->work);
}

/*
 * From the callback, under RCU, the write counted in @o: its completion
 * is routed through vss_passthrough_endio(), which drops the count (and
 * untracking waits for that). No sleeping here: false if no context is to
 * be had.
 */
static bool notrace vss_pass_counted(struct vss_origin *o, struct bio *bio)
{
	struct vss_bio_ctx *ctx;

	ctx = mempool_alloc(vss_ctx_pool, GFP_NOWAIT | __GFP_NOWARN);
	if (!ctx)
		return false;
	ctx->origin = o;
	ctx->end_io = bio->bi_end_io;
	ctx->private = bio->bi_private;
	ctx->inflight = false;
	ctx->count = VSS_COUNT_ORIGIN;
	ctx->counted = o;
	ctx->passed = true;
	bio->bi_private = ctx;
	bio->bi_end_io = vss_passthrough_endio;
	return true;
}

/*
 * A discard that reaches a tracked origin while a snapshot of it is live
 * (one of the origins the bio touches, if it spans several through the
 * whole-disk node) is completed here, successfully, and never reaches the
 * device. A discard leaves the range's contents unspecified (zeroes are
 * REQ_OP_WRITE_ZEROES, which is copied like any write), so the origin's
 * users lose nothing, while a discard copied like a write would fill the
 * diff storage with free space: a weekly fstrim would invalidate every
 * snapshot. Constant work, however long the range: no chunk is looked at.
 * The trim is lost, not deferred (Documentation/design.md).
 *
 * Only a discard that submit_bio_noacct() would take: on a device without
 * discard support it fails with EOPNOTSUPP, past the end of the device
 * (the partition, if submitted to one) with EIO, and so it must still.
 */
static __always_inline bool vss_discard_kept_rcu(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	struct vss_origin *o;
	sector_t rel, nr;

	if (bio_op(bio) != REQ_OP_DISCARD || !bdev_max_discard_sectors(bdev) ||
	    vss_bio_abs_sector(bio) + bio_sectors(bio) >
	    bdev->bd_start_sect + bdev_nr_sectors(bdev))
		return false;
	vss_for_each_origin_rcu(o, bio, rel, nr)
		if (vss_origin_preserving_rcu(o))
			return true;
	return false;
}

/* Whether a switch holds writes to any origin @bio touches. Under RCU. */
static bool vss_bio_held_rcu(struct bio *bio)
{
	struct vss_origin *o;
	sector_t rel, nr;

	vss_for_each_origin_rcu(o, bio, rel, nr)
		if (READ_ONCE(o->holding))
			return true;
	return false;
}

/* Runs instead of submit_bio_noacct() for a discard kept from the device. */
static void notrace vss_discard_end(struct bio *bio)
{
	bio_endio(bio);
}

static void notrace vss_ftrace_handler(unsigned long ip, unsigned long parent_ip,
				       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct bio *bio = (struct bio *)vss_compat_fregs_arg(fregs, 0);
	struct vss_origin *o, *first;
	sector_t rel, nr;
	bool divert = false, keep;

	/* Ours: resubmitted or counted writes (and their split remainders). */
	if (bio->bi_end_io == vss_passthrough_endio || !vss_bio_modifies_data(bio))
		return;

	rcu_read_lock();
	first = vss_lookup_rcu(bio, &rel, &nr);
	if (!first) {			/* untracked: the common case */
		rcu_read_unlock();
		return;
	}
	/* Spanning several origins: counted by a worker (see vss_pass). */
	if (vss_bio_spans_rcu(bio, first)) {
		rcu_read_unlock();
		vss_compat_fregs_set_ip(fregs, (unsigned long)vss_divert_bio);
		return;
	}
	/* Counted first, then the hold and the maps are looked at. */
	vss_count_get(first);
	/* A kept discard changes no data: nothing to copy, no read to wait for. */
	keep = vss_discard_kept_rcu(bio);
	vss_for_each_origin_rcu(o, bio, rel, nr) {
		if (READ_ONCE(o->holding) ||
		    (!keep && (vss_cow_needed_rcu(o, rel, nr) ||
			       vss_origin_reads_overlap(o, rel, nr)))) {
			divert = true;
			break;
		}
	}
	/*
	 * Changed-block tracking marks a write that passes here, after the
	 * hold check: a held (diverted) one is marked by the worker, with
	 * the epoch of the switch that held it. Without memory to mark it or
	 * to count its completion, a worker takes it.
	 */
	if (!divert) {
		vss_for_each_origin_rcu(o, bio, rel, nr)
			if (vss_cbt_mark_atomic(o, rel, nr)) {
				divert = true;
				break;
			}
	}
	if (!divert && keep) {
		vss_count_put(first);	/* marked: the epoch may change now */
		rcu_read_unlock();
		vss_compat_fregs_set_ip(fregs, (unsigned long)vss_discard_end);
		return;
	}
	if (!divert)
		divert = !vss_pass_counted(first, bio);
	if (divert)
		vss_count_put(first);
	rcu_read_unlock();
	if (divert)
		vss_compat_fregs_set_ip(fregs, (unsigned long)vss_divert_bio);
}

/*
 * IPMODIFY: we change the IP. PERMANENT: refuse `sysctl
 * kernel.ftrace_enabled=0` while registered, which would silently stop
 * interception.
 *
 * No RECURSION flag, on purpose. The flag asks ftrace for recursion
 * protection (include/linux/ftrace.h): ftrace_ops_get_func() then routes
 * the callback through ftrace_ops_assist_func(), whose
 * trace_test_and_set_recursion() returns without calling it when it sees
 * recursion, and that write would pass untracked, silently (6.1 and 6.12
 * alike). The callback does not need the guard: it calls nothing the
 * filter covers (submit_bio_noacct() is reached again only after it has
 * returned: from vss_divert_bio()'s worker, or as the diverted target),
 * takes only rcu_read_lock() and allocates with GFP_NOWAIT. Without the
 * flag, our own trampoline calls it directly. When another ftrace user
 * also hooks submit_bio_noacct(), every callback runs from
 * ftrace_ops_list_func(), which applies that guard to all of them
 * whatever their flags: nothing a module can change.
 */
static struct ftrace_ops vss_ftrace_ops = {
	.func	= vss_ftrace_handler,
	.flags	= FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT,
};

/*
 * Chained bios (bio_chain(): a split's front part, every bio but the last
 * of a discard or zero-out series) end their parent from their own
 * completion, bio_chain_endio() calling bio_endio() on it. bio_endio()
 * walks such a chain in a loop, but not through a completion we took
 * over: calling bio_chain_endio() from ours, then ours again for the
 * parent, and so on, is a recursion, a few frames per bio, in IRQ
 * context, and a long chain whose first bio completes last overflowed
 * the stack (selftests/vss/chain_endio.sh). So one CPU runs one such step
 * at a time: a step that comes while one runs (the parent's, from inside
 * it, or an interrupt's) is queued, and the running one takes it next,
 * in a loop.
 *
 * bio_chain_endio() is not exported: its address is read off a chain
 * made with the exported bio_chain() (vss_learn_chain_endio()).
 */
static bio_end_io_t *vss_bio_chain_endio;
static DEFINE_PER_CPU(struct bio_list, vss_chain_queue);
static DEFINE_PER_CPU(bool, vss_chain_running);

static void vss_learn_chain_endio(void)
{
	struct bio child, parent;

	bio_init(&child, NULL, NULL, 0, 0);
	bio_init(&parent, NULL, NULL, 0, 0);
	bio_chain(&child, &parent);
	vss_bio_chain_endio = child.bi_end_io;
	bio_uninit(&child);
	bio_uninit(&parent);
}

/* The owner's completion of @bio, its ->bi_end_io restored. */
static void vss_owner_endio(struct bio *bio)
{
	unsigned long flags;

	if (bio->bi_end_io != vss_bio_chain_endio) {
		if (bio->bi_end_io)
			bio->bi_end_io(bio);
		return;
	}
	preempt_disable();	/* the queue and the flag are this CPU's */
	local_irq_save(flags);
	if (__this_cpu_read(vss_chain_running)) {
		bio_list_add(this_cpu_ptr(&vss_chain_queue), bio);
		local_irq_restore(flags);
		preempt_enable();
		return;
	}
	__this_cpu_write(vss_chain_running, true);
	do {
		local_irq_restore(flags);
		bio->bi_end_io(bio);	/* bio_chain_endio() */
		local_irq_save(flags);
		bio = bio_list_pop(this_cpu_ptr(&vss_chain_queue));
	} while (bio);
	__this_cpu_write(vss_chain_running, false);
	local_irq_restore(flags);
	preempt_enable();
}

static void vss_passthrough_endio(struct bio *bio)
{
	struct vss_bio_ctx *ctx = bio->bi_private;
	struct vss_origin *o = ctx->origin, *counted = ctx->counted;
	enum vss_count count = ctx->count;
	bool inflight = ctx->inflight;

	/*
	 * bio_endio() did its bookkeeping and called us as ->bi_end_io; restore
	 * the owner's and call it the same way (bio_endio() again would repeat
	 * the rq_qos accounting).
	 */
	bio->bi_end_io = ctx->end_io;
	bio->bi_private = ctx->private;
	mempool_free(ctx, vss_ctx_pool);
	vss_owner_endio(bio);
	if (count != VSS_COUNT_NONE)
		vss_count_put(count == VSS_COUNT_ORIGIN ? counted : NULL);
	if (inflight)
		vss_origin_put_inflight(o);
}

/* A diverted bio's first turn on its lane: its completion taken over. */
static struct vss_bio_ctx *vss_lane_adopt(struct vss_lane *lane, struct bio *bio)
{
	struct vss_bio_ctx *ctx;

	ctx = mempool_alloc(vss_ctx_pool, GFP_NOIO);	/* waits, never fails */
	ctx->origin = lane->origin;
	ctx->end_io = bio->bi_end_io;
	ctx->private = bio->bi_private;
	ctx->inflight = true;		/* vss_divert_bio()'s */
	ctx->count = VSS_COUNT_NONE;
	ctx->counted = NULL;
	ctx->passed = false;
	ctx->lane = lane;
	ctx->from = 0;
	ctx->next = 0;
	bio->bi_private = ctx;
	bio->bi_end_io = vss_passthrough_endio;	/* from here on: ours */
	return ctx;
}

/*
 * Once no switch holds writes, counted as passed (in its origin, or in
 * vss_passed_span if it spans several): a switch that starts from here on
 * waits until this write has completed. False if a switch holds them:
 * @bio is set aside until its release.
 */
static bool vss_lane_count(struct bio *bio)
{
	struct vss_bio_ctx *ctx = bio->bi_private;
	enum vss_count count;
	struct vss_origin *p;
	sector_t rel, nr;
	bool held;

	for (;;) {
		rcu_read_lock();
		p = vss_lookup_rcu(bio, &rel, &nr);
		count = p ? VSS_COUNT_ORIGIN : VSS_COUNT_NONE;
		if (p && vss_bio_spans_rcu(bio, p)) {
			count = VSS_COUNT_SPAN;
			p = NULL;
		}
		if (count != VSS_COUNT_NONE)
			vss_count_get(p);	/* untracking waits for it */
		held = vss_bio_held_rcu(bio);
		rcu_read_unlock();
		if (!held)
			break;
		if (count != VSS_COUNT_NONE)
			vss_count_put(p);
		spin_lock_irq(&vss_held_lock);
		rcu_read_lock();
		held = vss_bio_held_rcu(bio);
		rcu_read_unlock();
		if (held) {
			bio_list_add(&vss_held, bio);
			spin_unlock_irq(&vss_held_lock);
			return false;
		}
		spin_unlock_irq(&vss_held_lock);
	}
	ctx->passed = true;
	ctx->count = count;
	ctx->counted = p;
	/* Decided again: a discard held by the first snapshot's switch is kept. */
	rcu_read_lock();
	ctx->keep = vss_discard_kept_rcu(bio);
	rcu_read_unlock();
	return true;
}

/*
 * Every tracked origin the write touches, in disk order, from where its
 * last turn stopped. The bio holds its lane's origin's inflight count;
 * another one is held for each other origin while working on it, so that
 * untracking waits for us (a copy holds its own).
 */
static void vss_lane_bio(struct vss_lane *lane, struct bio *bio)
{
	struct vss_origin *o = lane->origin, *p;
	struct vss_bio_ctx *ctx;
	sector_t rel, nr;
	bool waits;

	if (bio->bi_end_io == vss_passthrough_endio)
		ctx = bio->bi_private;	/* back from a copy, or from a hold */
	else
		ctx = vss_lane_adopt(lane, bio);
	if (!ctx->passed && !vss_lane_count(bio))
		return;

	for (;;) {
		rcu_read_lock();
		p = vss_lookup_from_rcu(bio, ctx->from, &rel, &nr);
		if (p && p != o)
			atomic_inc(&p->inflight);
		rcu_read_unlock();
		if (!p)
			break;
		/* From here until its copy ends, @bio is the copy's. */
		waits = !ctx->keep && vss_cow_range(p, rel, nr, &ctx->next, bio);
		if (!waits) {
			vss_cbt_mark(p, rel, nr);	/* after the hold: the new epoch */
			ctx->from = p->start + p->nr_sects;
			ctx->next = 0;
		}
		if (p != o)
			vss_origin_put_inflight(p);
		if (waits)
			return;
	}
	if (ctx->keep)
		bio_endio(bio);	/* through vss_passthrough_endio() */
	else
		submit_bio_noacct(bio);
}

/* From a copy's end (cow.c), or a hold's: @bio goes on, on its lane. */
void vss_tracker_resume(struct bio *bio)
{
	struct vss_bio_ctx *ctx = bio->bi_private;
	struct vss_lane *lane = ctx->lane;
	unsigned long flags;

	spin_lock_irqsave(&lane->lock, flags);
	bio_list_add(&lane->bios, bio);
	spin_unlock_irqrestore(&lane->lock, flags);
	queue_work(vss_cow_wq, &lane->work);
}

/* NOIO: the lane allocates what the copies need, before writes may pass. */
static void vss_lane_work(struct work_struct *work)
{
	struct vss_lane *lane = container_of(work, struct vss_lane, work);
	unsigned int noio = memalloc_noio_save();
	struct bio *bio;

	for (;;) {
		spin_lock_irq(&lane->lock);
		bio = bio_list_pop(&lane->bios);
		spin_unlock_irq(&lane->lock);
		if (!bio)
			break;
		vss_lane_bio(lane, bio);
		cond_resched();
	}
	memalloc_noio_restore(noio);
}

/*
 * From the del_gendisk() callback (unplug.c), any context: queue the
 * invalidation of the tracked origins on @disk. Untracked origins have no
 * snapshot to invalidate. The disk pointer, not the dev_t, identifies the
 * disk: a new disk may reuse the number.
 */
void notrace vss_tracker_disk_gone(struct gendisk *disk)
{
	dev_t devt = disk_devt(disk);
	struct vss_origin *o;

	rcu_read_lock();
	hash_for_each_possible_rcu(vss_track_hash, o, hnode, devt)
		if (o->bdev->bd_disk == disk) {
			WRITE_ONCE(o->gone, true);
			queue_work(system_wq, &o->gone_work);
		}
	rcu_read_unlock();
}

/*
 * Brackets the switch of a set, for each of its origins (under vss_lock:
 * one switch at a time); never held across anything that sleeps long.
 */
void vss_tracker_hold(struct vss_origin *o, bool hold)
{
	struct bio_list held;
	struct bio *bio;

	lockdep_assert_held(&vss_lock);
	WRITE_ONCE(o->holding, hold);
	smp_mb();	/* pairs with vss_count_get(): see vss_pass */
	if (hold)
		return;
	/*
	 * A lane that saw the hold has set its bio aside by now (the lock).
	 * All go back to their lanes: one still held is set aside again.
	 */
	spin_lock_irq(&vss_held_lock);
	held = vss_held;
	bio_list_init(&vss_held);
	spin_unlock_irq(&vss_held_lock);
	while ((bio = bio_list_pop(&held)))
		vss_tracker_resume(bio);
}

static bool vss_drained(struct vss_origin *o)
{
	return (!o->tracked || vss_pass_idle(o)) && !atomic_read(&vss_passed_span);
}

/*
 * Under the hold and vss_lock: waits until no write to @o that passed the
 * interception is still in flight, until @deadline_ns (ktime); false if
 * it passed. A set drains each of its origins, with one deadline: a
 * stalled device elsewhere does not hold it up.
 */
bool vss_tracker_drain(struct vss_origin *o, u64 deadline_ns)
{
	s64 left = deadline_ns - ktime_get_ns();
	bool ok;

	lockdep_assert_held(&vss_lock);
	vss_drain_begin();
	if (left <= 0)
		ok = vss_drained(o);
	else
		ok = wait_event_timeout(vss_drain_wq, vss_drained(o),
					nsecs_to_jiffies(left) + 1) > 0;
	vss_drain_end();
	return ok;
}

/*
 * Whether every write to @bdev passes submit_bio_noacct(). A disk that
 * fails this may still get diff storage; a snapshot of it is refused
 * with the reason (snapset.c). A DAX-capable disk (pmem, virtio-pmem, dm
 * over them) is written by ext4 and xfs through DAX mappings, by memcpy,
 * with no bio at all: with -o dax, and per file too (dax=inode, their
 * default, and chattr +x), at any time. Only refusing the disk is safe.
 */
bool vss_tracker_sees_all_writes(struct block_device *bdev)
{
	return !blk_queue_dax(bdev_get_queue(bdev)) && !bdev_is_zoned(bdev) &&
	       !vss_compat_bdev_bypasses_bio(bdev);
}

/*
 * The interception is registered by the first STORAGE_ADD, not at load:
 * a module loaded and never given an origin (any user can load it, by
 * resolving the genetlink family) patches nothing and costs no bio
 * anything. Once registered it stays until unload, whatever the origins:
 * registering and unregistering as origins came and went patched text
 * under live I/O, and on 6.1 livelocked a writer against the
 * RCU-tasks-rude grace period (1 boot in 16). With nothing tracked the
 * callback returns after one hash lookup.
 */
static int vss_tracker_hook(void)
{
	int err;

	if (vss_hooked)
		return 0;
	err = register_ftrace_function(&vss_ftrace_ops);
	if (err) {
		pr_err("register_ftrace_function: %d (another IPMODIFY user?)\n", err);
		return err;
	}
	vss_hooked = true;
	return 0;
}

int vss_tracker_add(struct vss_origin *o)
{
	unsigned int i;
	int err;

	lockdep_assert_held(&vss_lock);
	if (o->tracked)
		return 0;
	if (!vss_tracker_sees_all_writes(o->bdev))
		return -EOPNOTSUPP;
	err = vss_tracker_hook();
	if (err)
		return err;
	o->pass = alloc_percpu(struct vss_pass);
	if (!o->pass)
		return -ENOMEM;
	o->lanes = kcalloc(VSS_NR_LANES, sizeof(*o->lanes), GFP_KERNEL);
	if (!o->lanes) {
		free_percpu(o->pass);
		o->pass = NULL;
		return -ENOMEM;
	}
	o->nr_lanes = VSS_NR_LANES;
	for (i = 0; i < o->nr_lanes; i++) {
		spin_lock_init(&o->lanes[i].lock);
		bio_list_init(&o->lanes[i].bios);
		INIT_WORK(&o->lanes[i].work, vss_lane_work);
		o->lanes[i].origin = o;
	}
	hash_add_rcu(vss_track_hash, &o->hnode, o->disk_dev);
	o->tracked = true;
	return 0;
}

/*
 * After vss_tracker_add(), without vss_lock: waits for the writes that
 * passed the interception before @o was hashed, uncounted, and are inside
 * its disk's request queue already (bio-based disks count a write there
 * while their ->submit_bio runs), so that none of them is still in flight
 * when the first snapshot switches. Costs a queue freeze, once, outside
 * any freeze window. A write that passed and had not reached the queue by
 * then, or that a stacked disk has passed on below, is not waited for
 * (Documentation/design.md, known gaps).
 */
void vss_tracker_settle(struct vss_origin *o)
{
	struct request_queue *q = bdev_get_queue(o->bdev);

	synchronize_rcu();	/* every lookup that missed @o has ended */
	blk_mq_freeze_queue(q);
	blk_mq_unfreeze_queue(q);
}

/*
 * STORAGE_REMOVE or module exit, under vss_lock: the origin has no
 * snapshot left, and from here on no new write finds it. The writes
 * already counted are waited for by vss_tracker_retire(), without the lock.
 */
void vss_tracker_detach(struct vss_origin *o)
{
	lockdep_assert_held(&vss_lock);
	if (!o->tracked)
		return;
	hash_del_rcu(&o->hnode);
	o->tracked = false;
}

/*
 * A killed STORAGE_REMOVE's rest (origin.c), on the module's own
 * workqueue: vss_tracker_exit() destroys it, so no such work still runs
 * the module's text when it goes.
 */
void vss_tracker_defer(struct work_struct *work)
{
	queue_work(vss_cow_wq, work);
}

/*
 * After vss_tracker_detach(), without vss_lock: waits for every write to
 * @o still in flight, then frees the tracking. On a stalled device (a
 * multipath device queueing without paths, a dead NBD server) that may
 * take forever: no command waits behind it, and with @killable a fatal
 * signal ends the wait with -EINTR (nothing freed: call again).
 */
int vss_tracker_retire(struct vss_origin *o, bool killable)
{
	unsigned int i;
	int err = 0;

	if (!o->lanes)
		return 0;	/* never tracked */
	synchronize_rcu();	/* no callback can find @o after this */
	/*
	 * A divert that found @o before the unhash has queued its bio; every
	 * queued and resubmitted bio is counted in inflight until it completes,
	 * every write that passed in its pass counts.
	 */
	vss_drain_begin();
	if (killable)
		err = wait_event_killable(vss_drain_wq, !atomic_read(&o->inflight) &&
					  vss_pass_idle(o));
	else
		wait_event(vss_drain_wq, !atomic_read(&o->inflight) && vss_pass_idle(o));
	vss_drain_end();
	if (err)
		return -EINTR;
	for (i = 0; i < o->nr_lanes; i++)
		cancel_work_sync(&o->lanes[i].work);
	kfree(o->lanes);
	o->lanes = NULL;
	free_percpu(o->pass);
	o->pass = NULL;
	return 0;
}

int vss_tracker_init(void)
{
	int err;

	vss_learn_chain_endio();
	/* An exported symbol: its address is known at link time. */
	err = ftrace_set_filter_ip(&vss_ftrace_ops, (unsigned long)submit_bio_noacct, 0, 0);
	if (err)
		return err;
	vss_ctx_pool = mempool_create_kmalloc_pool(VSS_CTX_POOL_MIN,
						   sizeof(struct vss_bio_ctx));
	if (!vss_ctx_pool) {
		ftrace_free_filter(&vss_ftrace_ops);
		return -ENOMEM;
	}
	/* WQ_MEM_RECLAIM: a rescuer keeps writeback going under memory pressure. */
	vss_cow_wq = alloc_workqueue("vss_cow", WQ_MEM_RECLAIM, 0);
	if (!vss_cow_wq) {
		err = -ENOMEM;
		goto out_pool;
	}
	return 0;

out_pool:
	mempool_destroy(vss_ctx_pool);
	ftrace_free_filter(&vss_ftrace_ops);
	return err;
}

/*
 * Every origin is untracked by now: vss_origins_release() ran first.
 * unregister_ftrace_function() synchronizes RCU tasks: when it returns no
 * task is in the callback or in vss_divert_bio(), so their text may go.
 */
void vss_tracker_exit(void)
{
	if (vss_hooked)
		unregister_ftrace_function(&vss_ftrace_ops);
	flush_work(&vss_orphan_work);
	destroy_workqueue(vss_cow_wq);
	mempool_destroy(vss_ctx_pool);
	ftrace_free_filter(&vss_ftrace_ops);
}
