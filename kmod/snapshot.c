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

static void vss_snapshot_merge_into_older(struct vss_snapshot *s)
{
	struct vss_origin *o = s->origin;
	struct vss_snapshot *older = NULL;
	unsigned long chunk;
	void *entry;

	lockdep_assert_held(&o->cow_mutex);
	if (s->node.prev != &o->snapshots)
		older = list_prev_entry(s, node);
	xa_for_each(&s->map, chunk, entry) {
		u32 slot = xa_to_value(entry);

		if (!older || READ_ONCE(older->state) != VSS_SNAPSHOT_ACTIVE ||
		    xa_load(&older->map, chunk) ||
		    xa_err(xa_store(&older->map, chunk, entry, GFP_NOIO)))
			vss_store_free(&o->store, slot);
		else
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

	mutex_lock(&o->cow_mutex);
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
