/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the parts of the vss module.
 */
#ifndef VSS_H
#define VSS_H

#include <linux/types.h>

struct net;

/* netlink.c: the generic-netlink family. */
int vss_nl_register(void);
void vss_nl_unregister(void);
u64 vss_features_supported(void);

/* sock_release.c: notice when a netlink socket that may own state closes. */
int vss_sock_release_register(void);
void vss_sock_release_unregister(void);
void vss_sock_released(struct net *net, u32 portid);

#endif /* VSS_H */
