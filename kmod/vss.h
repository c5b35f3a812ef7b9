/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the parts of the vss module.
 */
#ifndef VSS_H
#define VSS_H

#include <linux/types.h>

struct net;
struct netlink_ext_ack;

/* netlink.c: the generic-netlink family. */
int vss_nl_register(void);
void vss_nl_unregister(void);
u64 vss_features_supported(void);

/* sock_release.c: notice when a netlink socket that may own state closes. */
int vss_sock_release_register(void);
void vss_sock_release_unregister(void);
void vss_sock_released(struct net *net, u32 portid);
/* Before socket @portid owns anything: its release will tear it down. */
int vss_owner_bind(u32 portid, struct netlink_ext_ack *extack);

#endif /* VSS_H */
