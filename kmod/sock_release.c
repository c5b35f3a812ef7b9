// SPDX-License-Identifier: GPL-2.0
/*
 * Noticing process death. Requesters and writers are bound to the netlink
 * socket they talk from; when that socket is released (close, exit, crash)
 * the netlink core raises NETLINK_URELEASE, and everything the socket owned
 * must be torn down: later parts of the module hang their cleanup on
 * vss_sock_released().
 *
 * The per-socket private data of newer genl families is not exported to
 * modules, so the notifier is the one mechanism that works on 6.1 and 6.12.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

#include "engine.h"
#include "proto.h"
#include "vss.h"

static struct workqueue_struct *vss_release_wq;

/*
 * A socket that owns something (a writer, a session, an auto-release
 * snapshot) has an owner record, made when it first took ownership, in
 * process context. The notifier runs in atomic context and must not
 * allocate: a failed allocation there would leave what the socket owned
 * behind for good. With the record made beforehand, the notifier only
 * unlinks it and queues its work; sockets that own nothing cost nothing.
 */
struct vss_owner {
	struct work_struct release_work;
	u32 portid;
};

static DEFINE_XARRAY(vss_owners);

static void vss_owner_release_fn(struct work_struct *work)
{
	struct vss_owner *o = container_of(work, struct vss_owner, release_work);

	/*
	 * Writers first: a session of the same socket must not wait for
	 * them. Releasing a session only queues its teardown (BackupShutdown,
	 * its auto-release snapshots) on the session's own work item.
	 */
	vss_writers_release_owner(o->portid);
	vss_sessions_release_owner(o->portid);
	vss_snapshots_release_owner(o->portid);
	kfree(o);
}

/*
 * Called from a request of socket @portid, before it takes ownership of
 * anything. The socket cannot be released meanwhile: the request runs in
 * its sender's context, which holds the socket.
 */
int vss_owner_bind(u32 portid, struct netlink_ext_ack *extack)
{
	struct vss_owner *o;
	int err;

	if (xa_load(&vss_owners, portid))
		return 0;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	INIT_WORK(&o->release_work, vss_owner_release_fn);
	o->portid = portid;
	err = xa_insert(&vss_owners, portid, o, GFP_KERNEL);
	if (err) {
		kfree(o);
		if (err == -EBUSY)	/* another request of the socket won */
			return 0;
		NL_SET_ERR_MSG(extack, "out of memory");
	}
	return err;
}

/* Called under RCU from the notifier: the teardown sleeps, so defer it. */
void vss_sock_released(struct net *net, u32 portid)
{
	struct vss_owner *o;

	pr_debug("netlink socket portid %u released\n", portid);
	o = xa_erase(&vss_owners, portid);	/* no allocation */
	if (o)
		queue_work(vss_release_wq, &o->release_work);
}

/* Atomic notifier chain: called under RCU, so it must not sleep. */
static int vss_netlink_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	/* The family is not netnsok: only init_net sockets can own state. */
	if (!net_eq(n->net, &init_net) || !n->portid)
		return NOTIFY_DONE;

	vss_sock_released(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block vss_netlink_notifier = {
	.notifier_call = vss_netlink_event,
};

int vss_sock_release_register(void)
{
	int err;

	vss_release_wq = alloc_workqueue("vss_release", 0, 0);
	if (!vss_release_wq)
		return -ENOMEM;
	err = netlink_register_notifier(&vss_netlink_notifier);
	if (err)
		destroy_workqueue(vss_release_wq);
	return err;
}

/* Waits for running callbacks: the chain unregister synchronizes RCU. */
void vss_sock_release_unregister(void)
{
	struct vss_owner *o;
	unsigned long portid;

	netlink_unregister_notifier(&vss_netlink_notifier);
	destroy_workqueue(vss_release_wq);	/* runs what is queued */
	/* Sockets still open, owning nothing (unload is refused otherwise). */
	xa_for_each(&vss_owners, portid, o)
		kfree(o);
	xa_destroy(&vss_owners);
}
