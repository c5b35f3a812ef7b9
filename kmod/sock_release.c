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
#include <net/net_namespace.h>

#include "vss.h"

void vss_sock_released(struct net *net, u32 portid)
{
	/*
	 * Nothing is owned by a socket yet. The debug line lets the selftests
	 * prove that the notifier is wired and filters on family and netns.
	 */
	pr_debug("netlink socket portid %u released\n", portid);
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
	return netlink_register_notifier(&vss_netlink_notifier);
}

/* Waits for running callbacks: the chain unregister synchronizes RCU. */
void vss_sock_release_unregister(void)
{
	netlink_unregister_notifier(&vss_netlink_notifier);
}
