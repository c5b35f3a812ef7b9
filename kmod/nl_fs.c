// SPDX-License-Identifier: GPL-2.0
/* FS_FREEZE, FS_THAW, FS_GET: filesystem freezes with an owner and a deadline. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "fsfreeze.h"
#include "nl.h"
#include "vss.h"

static struct netlink_range_validation vss_fs_timeout_range __ro_after_init = {
	.min = 1,
	.max = VSS_FS_TIMEOUT_MAX_MS,
};

const struct nla_policy vss_fs_freeze_policy[VSS_A_FS_FLAGS + 1] = {
	[VSS_A_FS_PATH] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[VSS_A_FS_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &vss_fs_timeout_range),
	[VSS_A_FS_FLAGS] = NLA_POLICY_MASK(NLA_U32, VSS_FS_F_DETACHED),
};

const struct nla_policy vss_fs_path_policy[VSS_A_FS_PATH + 1] = {
	[VSS_A_FS_PATH] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
};

int vss_nl_fs_freeze_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	u32 timeout_ms = VSS_FS_TIMEOUT_DEFAULT_MS, flags = 0;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_FS_PATH, "missing mount point"))
		return -EINVAL;
	if (a[VSS_A_FS_TIMEOUT_MS])
		timeout_ms = nla_get_u32(a[VSS_A_FS_TIMEOUT_MS]);
	if (a[VSS_A_FS_FLAGS])
		flags = nla_get_u32(a[VSS_A_FS_FLAGS]);
	if (!(flags & VSS_FS_F_DETACHED)) {
		err = vss_owner_bind(info->snd_portid, info->extack);
		if (err)
			return err;
	}
	return vss_fs_freeze(nla_data(a[VSS_A_FS_PATH]), timeout_ms, flags,
			     info->snd_portid, info->extack);
}

int vss_nl_fs_thaw_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_FS_PATH, "missing mount point"))
		return -EINVAL;
	return vss_fs_thaw(nla_data(info->attrs[VSS_A_FS_PATH]), info->extack);
}

struct vss_fs_fill_ctx {
	struct sk_buff *msg;
	u32 portid, seq;
	int flags;
};

static int vss_nl_fs_fill(const struct vss_fs_freeze *f, void *arg)
{
	struct vss_fs_fill_ctx *c = arg;
	void *hdr;

	hdr = genlmsg_put(c->msg, c->portid, c->seq, &vss_nl_family, c->flags,
			  VSS_CMD_FS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (vss_fs_fill_attrs(c->msg, f)) {
		genlmsg_cancel(c->msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(c->msg, hdr);
	return 0;
}

int vss_nl_fs_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_fs_fill_ctx c = {
		.portid = info->snd_portid,
		.seq = info->snd_seq,
	};
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_FS_PATH, "missing mount point"))
		return -EINVAL;
	c.msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!c.msg)
		return -ENOMEM;
	err = vss_fs_get(nla_data(info->attrs[VSS_A_FS_PATH]), vss_nl_fs_fill, &c,
			 info->extack);
	if (err) {
		nlmsg_free(c.msg);
		return err;
	}
	return genlmsg_reply(c.msg, info);
}

int vss_nl_fs_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vss_fs_fill_ctx c = {
		.msg = skb,
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
	};
	long done = cb->args[0];
	int err;

	err = vss_nl_require_admin(cb->skb, cb->extack);
	if (err)
		return err;
	err = vss_fs_for_each(cb->args[0], &done, vss_nl_fs_fill, &c);
	cb->args[0] = done;
	return err == -EMSGSIZE && skb->len ? skb->len : (err ?: skb->len);
}
