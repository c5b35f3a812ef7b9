// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot lifecycle: allocation before the freeze window, linking into the
 * origin's chain inside it, publication of the device after it, deletion.
 *
 * Deleting snapshot S hands its preserved chunks to the next older
 * snapshot, which finds chunks through the newer ones: a chunk the older
 * one holds itself was only S's, and is freed; the others move into the
 * older map. The oldest snapshot's chunks serve nobody else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vss.h>

#include "engine.h"
#include "fault.h"

LIST_HEAD(vss_snapshots);

/* Frees deleted snapshots once lock-free readers are done with them. */
static struct workqueue_struct *vss_free_wq;

int vss_snapshot_init(void)
{
	vss_free_wq = alloc_workqueue("vss_free", 0, 0);
	return vss_free_wq ? 0 : -ENOMEM;
}

/* Every snapshot is deleted (each pins the module): wait for the frees. */
void vss_snapshot_exit(void)
{
	rcu_barrier();			/* the grace periods queue the works */
	destroy_workqueue(vss_free_wq);	/* and this runs them */
}

static void vss_snapshot_free_fn(struct work_struct *work)
{
	struct vss_snapshot *s = container_of(to_rcu_work(work),
					      struct vss_snapshot, free_work);

	xa_destroy(&s->map);
	kfree(s);
}

struct vss_snapshot *vss_snapshot_alloc(struct vss_origin *o)
{
	struct vss_snapshot *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->origin = o;
	uuid_gen(&s->id);
	xa_init(&s->map);
	atomic_set(&s->inflight, 0);
	init_waitqueue_head(&s->drain);
	INIT_LIST_HEAD(&s->node);
	INIT_LIST_HEAD(&s->all_node);
	err = vss_cbt_snapshot_prepare(s);
	if (err) {
		kfree(s);
		return ERR_PTR(err);
	}
	err = vss_snapdev_create(s);
	if (err) {
		vss_cbt_snapshot_free(s);
		kfree(s);
		return ERR_PTR(err);
	}
	return s;
}

/* For a snapshot that was never linked (creation failed). */
void vss_snapshot_free_unlinked(struct vss_snapshot *s)
{
	vss_snapdev_destroy(s);
	vss_cbt_snapshot_free(s);
	xa_destroy(&s->map);
	kfree(s);
}

/* Inside the freeze window: from now on, writes preserve chunks for @s. */
void vss_snapshot_link(struct vss_snapshot *s)
{
	struct vss_origin *o = s->origin;

	lockdep_assert_held(&vss_lock);
	vss_cbt_snapshot_link(s);	/* the change tracker's epoch too */
	__module_get(THIS_MODULE);	/* rmmod: EBUSY while snapshots live */
	mutex_lock(&o->cow_mutex);
	list_add_tail_rcu(&s->node, &o->snapshots);
	rcu_assign_pointer(o->newest, s);
	o->nr_snapshots++;
	o->chain_gen++;
	mutex_unlock(&o->cow_mutex);
	list_add_tail(&s->all_node, &vss_snapshots);
}

static struct vss_snapshot *vss_snapshot_older(struct vss_snapshot *s)
{
	if (s->node.prev == &s->origin->snapshots)
		return NULL;
	return list_prev_entry(s, node);
}

/* Does @map hold an entry, or a reservation for one, at @chunk? */
static bool vss_map_has_room(struct xarray *map, unsigned long chunk)
{
	XA_STATE(xas, map, chunk);
	void *entry;

	rcu_read_lock();
	do {
		entry = xas_load(&xas);
	} while (xas_retry(&xas, entry) && !xa_is_zero(entry));
	rcu_read_unlock();
	return entry != NULL;
}

/*
 * Before the merge, outside cow_mutex (the allocation may reclaim, and
 * reclaim may write to the origin, whose copies need that mutex): reserve
 * in @older's map a place for every chunk of @s's map it does not hold, so
 * that the merge under the mutex allocates nothing and cannot fail. A
 * chunk dropped there would be read from the overwritten origin. If the
 * normal allocation fails (an OOM victim deleting its auto-release
 * snapshots on its way out), the reservation insists: memory for a map
 * node is the price of keeping a backup faithful.
 *
 * Under vss_lock: the chain does not change and only copies for the
 * newest snapshot add to a map, so the caller loops until no chunk of @s
 * is left without a place.
 */
static void vss_snapshot_reserve_merge(struct vss_snapshot *s,
				       struct vss_snapshot *older)
{
	unsigned long chunk;
	void *entry;

	lockdep_assert_held(&vss_lock);
	/* Invalid snapshots form the oldest part of the chain: nobody needs them. */
	if (READ_ONCE(older->state) != VSS_SNAPSHOT_ACTIVE)
		return;
	xa_for_each(&s->map, chunk, entry) {
		if (vss_map_has_room(&older->map, chunk))
			continue;
		if (!vss_fault_hit(&vss_faults.merge_alloc) &&
		    !xa_reserve(&older->map, chunk, GFP_KERNEL | __GFP_NOWARN))
			continue;
		pr_warn_ratelimited("merging vss-snap%d into vss-snap%d: out of memory, retrying\n",
				    s->number, older->number);
		WARN_ON_ONCE(xa_reserve(&older->map, chunk, GFP_KERNEL | __GFP_NOFAIL));
	}
}

/* Under cow_mutex: has every chunk of @s's map a place in @older's? */
static bool vss_snapshot_merge_ready(struct vss_snapshot *s,
				     struct vss_snapshot *older)
{
	unsigned long chunk;
	void *entry;

	if (READ_ONCE(older->state) != VSS_SNAPSHOT_ACTIVE)
		return true;		/* its chunks are freed, not moved */
	xa_for_each(&s->map, chunk, entry)
		if (!vss_map_has_room(&older->map, chunk))
			return false;
	return true;
}

/* The snapshots older than @s found @chunk through it: none is faithful now. */
static void vss_snapshot_merge_lost(struct vss_snapshot *s, unsigned long chunk)
{
	struct vss_snapshot *t;

	pr_err("merging vss-snap%d: chunk %lu lost\n", s->number, chunk);
	list_for_each_entry(t, &s->origin->snapshots, node) {
		if (t == s)
			break;
		if (cmpxchg(&t->state, VSS_SNAPSHOT_ACTIVE, VSS_SNAPSHOT_INVALID) !=
		    VSS_SNAPSHOT_ACTIVE)
			continue;
		WRITE_ONCE(t->invalid_reason, VSS_INVALID_STORAGE_ERROR);
		pr_warn("snapshot vss-snap%d of %s invalid: a chunk was lost merging vss-snap%d\n",
			t->number, s->origin->name, s->number);
		vss_notify_snapshot(VSS_CMD_SNAPSHOT_INVALID_NTF, t);
	}
}

/* Under cow_mutex, with every place reserved (vss_snapshot_reserve_merge()). */
static void vss_snapshot_merge_into_older(struct vss_snapshot *s)
{
	struct vss_origin *o = s->origin;
	struct vss_snapshot *older = vss_snapshot_older(s);
	bool keep = older && READ_ONCE(older->state) == VSS_SNAPSHOT_ACTIVE;
	unsigned long chunk;
	void *entry;

	lockdep_assert_held(&o->cow_mutex);
	xa_for_each(&s->map, chunk, entry) {
		u32 slot = xa_to_value(entry);

		if (older && xa_load(&older->map, chunk)) {
			vss_store_free(&o->store, slot);	/* served only @s */
			continue;
		}
		if (!keep) {
			if (older)
				xa_release(&older->map, chunk);
			vss_store_free(&o->store, slot);
			continue;
		}
		/* Into the reserved place: no allocation, cannot fail. */
		if (WARN_ON_ONCE(xa_err(xa_store(&older->map, chunk, entry, GFP_NOWAIT)))) {
			vss_store_free(&o->store, slot);
			vss_snapshot_merge_lost(s, chunk);
			keep = false;
			continue;
		}
		WRITE_ONCE(older->nr_chunks, older->nr_chunks + 1);
	}
}

void vss_snapshot_delete(struct vss_snapshot *s)
{
	struct vss_origin *o = s->origin;

	lockdep_assert_held(&vss_lock);
	vss_notify_snapshot(VSS_CMD_SNAPSHOT_DELETED_NTF, s);
	rcu_expedite_gp();
	vss_snapdev_destroy(s);
	rcu_unexpedite_gp();

	for (;;) {
		struct vss_snapshot *older = vss_snapshot_older(s);

		if (older)
			vss_snapshot_reserve_merge(s, older);
		mutex_lock(&o->cow_mutex);
		/* A copy for @s, the newest, may have added a chunk meanwhile. */
		if (!older || vss_snapshot_merge_ready(s, older))
			break;
		mutex_unlock(&o->cow_mutex);
	}
	vss_snapshot_merge_into_older(s);
	if (rcu_access_pointer(o->newest) == s)
		rcu_assign_pointer(o->newest, s->node.prev == &o->snapshots ?
				   NULL : list_prev_entry(s, node));
	list_del_rcu(&s->node);
	o->nr_snapshots--;
	o->chain_gen++;
	mutex_unlock(&o->cow_mutex);
	list_del(&s->all_node);
	vss_cbt_snapshot_delete(s);

	pr_info("deleted snapshot vss-snap%d of %s\n", s->number, o->name);
	/*
	 * Lock-free readers of the chain and of the map (the interception
	 * callback) may still hold @s: free it after a grace period, without
	 * waiting for one here (a delete of 512 snapshots took 512 of them).
	 */
	INIT_RCU_WORK(&s->free_work, vss_snapshot_free_fn);
	queue_rcu_work(vss_free_wq, &s->free_work);
	module_put(THIS_MODULE);
}

struct vss_snapshot *vss_snapshot_find(const uuid_t *id)
{
	struct vss_snapshot *s;

	lockdep_assert_held(&vss_lock);
	list_for_each_entry(s, &vss_snapshots, all_node)
		if (uuid_equal(&s->id, id))
			return s;
	return NULL;
}

/* Auto-release: the socket that created these snapshots is gone. */
void vss_snapshots_release_owner(u32 portid)
{
	struct vss_snapshot *s, *tmp;

	mutex_lock(&vss_lock);
	list_for_each_entry_safe(s, tmp, &vss_snapshots, all_node)
		if (!(s->flags & VSS_SNAPSHOT_F_PERSISTENT) &&
		    s->owner_portid == portid)
			vss_snapshot_delete(s);
	mutex_unlock(&vss_lock);
}
