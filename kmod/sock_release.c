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
#include <net/net_namespace.h>

#include "engine.h"
#include "proto.h"
#include "vss.h"

static struct workqueue_struct *vss_release_wq;

struct vss_release_work {
	struct work_struct work;
	u32 portid;
};

static void vss_release_work_fn(struct work_struct *work)
{
	struct vss_release_work *rw = container_of(work, struct vss_release_work, work);

	/*
	 * Writers first: a session of the same socket must not wait for
	 * them. Releasing a session only queues its teardown (BackupShutdown,
	 * its auto-release snapshots) on the session's own work item.
	 */
	vss_writers_release_owner(rw->portid);
	vss_sessions_release_owner(rw->portid);
	vss_snapshots_release_owner(rw->portid);
	kfree(rw);
}

/* Called under RCU from the notifier: the teardown sleeps, so defer it. */
void vss_sock_released(struct net *net, u32 portid)
{
	struct vss_release_work *rw;

	pr_debug("netlink socket portid %u released\n", portid);
	rw = kmalloc(sizeof(*rw), GFP_ATOMIC);
	if (!rw) {
		pr_warn("no memory to release what portid %u owned\n", portid);
		return;
	}
	INIT_WORK(&rw->work, vss_release_work_fn);
	rw->portid = portid;
	queue_work(vss_release_wq, &rw->work);
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
	netlink_unregister_notifier(&vss_netlink_notifier);
	destroy_workqueue(vss_release_wq);	/* runs what is queued */
}
