/* SPDX-License-Identifier: GPL-2.0 */
/* Netlink handlers, by object; the family and its op table are in netlink.c. */
#ifndef VSS_NL_H
#define VSS_NL_H

#include <net/genetlink.h>
#include <linux/vss.h>

extern struct genl_family vss_nl_family;

/* Index by these, not by position in a literal, when sending to a group. */
enum vss_nl_mcgrp {
	VSS_NL_MCGRP_EVENTS,
	VSS_NL_MCGRP_MONITOR,
};

/* Every command but GET_FEATURES: backups are every user's business. */
static inline int vss_nl_require_admin(struct sk_buff *skb,
				       struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "needs CAP_SYS_ADMIN");
	return -EPERM;
}

extern const struct nla_policy vss_storage_add_policy[VSS_A_STORAGE_THRESHOLD + 1];
extern const struct nla_policy vss_storage_set_policy[VSS_A_STORAGE_THRESHOLD + 1];
extern const struct nla_policy vss_storage_origin_policy[VSS_A_STORAGE_ORIGIN + 1];
int vss_nl_storage_add_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_storage_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_storage_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_storage_remove_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_storage_set_doit(struct sk_buff *skb, struct genl_info *info);

extern const struct nla_policy vss_snapshot_create_policy[VSS_A_SNAPSHOT_FLAGS + 1];
extern const struct nla_policy vss_snapshot_get_policy[VSS_A_SNAPSHOT_ID + 1];
extern const struct nla_policy vss_snapshot_delete_policy[VSS_A_SNAPSHOT_OLDEST_OF + 1];
int vss_nl_snapshot_create_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_snapshot_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_snapshot_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_snapshot_delete_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* VSS_NL_H */
