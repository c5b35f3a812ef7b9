// SPDX-License-Identifier: GPL-2.0
/*
 * Noticing process death. Requesters, writers and the takers of
 * auto-release snapshots and filesystem freezes are bound to the netlink
 * socket they talk from; when that socket is released (close, exit, crash)
 * the netlink core raises NETLINK_URELEASE, and everything the socket owned
 * is torn down here.
 *
 * The per-socket private data of newer genl families is not exported to
 * modules, so the notifier is the one mechanism that works on 6.1 and 6.12.
 * Its chain is a blocking one on both (netlink_release() calls it in the
 * closing task's context, after the socket left the port table), so the
 * teardown runs right there: when close() returns, what the socket owned
 * is gone, and a new socket that reuses the port id cannot find the old
 * one's objects still waiting for a deferred teardown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

#include "engine.h"
#include "fsfreeze.h"
#include "proto.h"
#include "vss.h"

/*
 * Port ids of the sockets that own something (a writer, a session, an
 * auto-release snapshot, a freeze), recorded when they first take
 * ownership: the notifier fires for every generic-netlink socket in the
 * system, and only these need a look through every list.
 */
static DEFINE_XARRAY(vss_owners);

/*
 * Called from a request of socket @portid, before it takes ownership of
 * anything. The socket cannot be released meanwhile: the request runs in
 * its sender's context, which holds the socket.
 */
int vss_owner_bind(u32 portid, struct netlink_ext_ack *extack)
{
	int err;

	err = xa_insert(&vss_owners, portid, xa_mk_value(portid), GFP_KERNEL);
	if (err == -EBUSY)	/* an earlier request of the socket bound it */
		return 0;
	if (err)
		NL_SET_ERR_MSG(extack, "out of memory");
	return err;
}

/* In the closing task's context: may sleep. */
void vss_sock_released(struct net *net, u32 portid)
{
	pr_debug("netlink socket portid %u released\n", portid);
	if (!xa_erase(&vss_owners, portid))
		return;
	/*
	 * Filesystem freezes first: they take only vss_fs_lock, which no
	 * freeze is ever held under, while what follows takes vss_lock, whose
	 * holder may be waiting for one of these filesystems (STORAGE_ADD
	 * creating its file in a directory on it). Then writers: a session of
	 * the same socket must not wait for them. Releasing a session only
	 * queues its teardown (BackupShutdown, its auto-release snapshots) on
	 * the session's own work item.
	 */
	vss_fs_release_owner(portid);
	vss_writers_release_owner(portid);
	vss_sessions_release_owner(portid);
	vss_snapshots_release_owner(portid);
}

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
	return netlink_register_notifier(&vss_netlink_notifier);
}

/*
 * After the family is unregistered (no request can bind an owner any
 * more); waits for a running callback (the chain's rwsem).
 */
void vss_sock_release_unregister(void)
{
	netlink_unregister_notifier(&vss_netlink_notifier);
	/* Sockets still open, owning nothing (unload is refused otherwise). */
	xa_destroy(&vss_owners);
}
