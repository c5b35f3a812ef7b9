// SPDX-License-Identifier: GPL-2.0
/*
 * The writer registry. A writer is bound to the netlink socket that
 * registered it: events go to that socket's portid, and the writer is gone
 * when the socket unregisters it or closes (vss_writers_release_owner()
 * from the NETLINK_URELEASE work). Sessions hold a reference to each
 * writer that takes part, so a gone writer's status stays readable; a
 * session waiting on it records it as not responding.
 *
 * Every registered writer pins the module: rmmod fails with EBUSY while a
 * writer process lives.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include "nl.h"
#include "proto.h"

DEFINE_MUTEX(vss_proto_lock);
LIST_HEAD(vss_writers);
unsigned int vss_nr_writers;		/* (P) */
static u32 vss_next_writer_id = 1;	/* (P); ids are never reused */

static void vss_writer_free(struct kref *ref)
{
	struct vss_writer *w = container_of(ref, struct vss_writer, ref);

	kfree(w);
	module_put(THIS_MODULE);
}

void vss_writer_put(struct vss_writer *w)
{
	kref_put(&w->ref, vss_writer_free);
}

/* Takes over @w (allocated, identity filled in) on success. */
int vss_writer_register(struct vss_writer *w, struct netlink_ext_ack *extack)
{
	struct vss_writer *o;
	int err = 0;

	/* genl does not pin the module for a doit: the writer does. */
	if (!try_module_get(THIS_MODULE)) {
		vss_nl_err(extack, VSS_STATUS_UNEXPECTED,
			   "the vss module is being unloaded");
		return -ENODEV;
	}
	mutex_lock(&vss_proto_lock);
	list_for_each_entry(o, &vss_writers, node) {
		if (uuid_equal(&o->class_id, &w->class_id) &&
		    uuid_equal(&o->instance_id, &w->instance_id)) {
			vss_nl_err(extack, VSS_STATUS_WRITER_ALREADY_SUBSCRIBED,
				   "a writer with this class and instance id is registered");
			err = -EEXIST;
			goto out;
		}
	}
	if (vss_nr_writers >= VSS_WRITERS_MAX) {
		vss_nl_err(extack, VSS_STATUS_OUT_OF_RESOURCES,
			   "too many writers registered");
		err = -ENOSPC;
		goto out;
	}
	kref_init(&w->ref);
	w->id = vss_next_writer_id++;
	w->state = VSS_WRITER_STATE_STABLE;
	list_add_tail(&w->node, &vss_writers);
	vss_nr_writers++;
	pr_debug("writer %u \"%s\" registered by portid %u\n", w->id, w->name,
		 w->portid);
out:
	mutex_unlock(&vss_proto_lock);
	if (err)
		module_put(THIS_MODULE);
	return err;
}

struct vss_writer *vss_writer_find(u32 id)
{
	struct vss_writer *w;

	lockdep_assert_held(&vss_proto_lock);
	list_for_each_entry(w, &vss_writers, node)
		if (w->id == id)
			return w;
	return NULL;
}

/* Unregistered or its socket closed: sessions stop waiting for it. */
void vss_writer_gone(struct vss_writer *w)
{
	lockdep_assert_held(&vss_proto_lock);
	pr_debug("writer %u \"%s\" gone\n", w->id, w->name);
	w->gone = true;
	list_del(&w->node);
	vss_nr_writers--;
	vss_sessions_writer_gone(w);
	vss_writer_put(w);		/* the list's reference */
}

/* The socket @portid was released: its writers go with it. */
void vss_writers_release_owner(u32 portid)
{
	struct vss_writer *w, *tmp;

	mutex_lock(&vss_proto_lock);
	list_for_each_entry_safe(w, tmp, &vss_writers, node)
		if (w->portid == portid)
			vss_writer_gone(w);
	mutex_unlock(&vss_proto_lock);
}
