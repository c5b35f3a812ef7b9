// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resolving the "vss" family, its version and multicast group ids through
 * the nlctrl family (CTRL_CMD_GETFAMILY), over the same transport and core
 * as every other request.
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "internal.h"

/* nlctrl ignores the version of requests; 1 is what libnl and libmnl send. */
#define VSS_CTRL_VERSION	1

static const struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]		= { .type = NLA_U16, .maxlen = 2 },
	[CTRL_ATTR_VERSION]		= { .type = NLA_U32, .maxlen = 4 },
	[CTRL_ATTR_MCAST_GROUPS]	= { .type = NLA_NESTED },
};

static const struct nla_policy grp_policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME]	= { .type = NLA_STRING },
	[CTRL_ATTR_MCAST_GRP_ID]	= { .type = NLA_U32, .maxlen = 4 },
};

struct nl_msg *vss_family_encode(const struct libvss_ctx *ctx, uint32_t seq)
{
	struct nl_msg *msg;

	msg = vss_genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, VSS_CTRL_VERSION,
			   ctx->tp->portid, seq);
	if (msg && nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, VSS_FAMILY_NAME) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A module without a group is not an error: its users will find out. */
static int decode_groups(struct nlattr *groups, struct vss_family *fam)
{
	struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nlattr *grp;
	int rem;

	nla_for_each_nested(grp, groups, rem) {
		const char *name;
		uint32_t id;

		if (vss_attrs_parse(tb, CTRL_ATTR_MCAST_GRP_MAX, nla_data(grp),
				    nla_len(grp), grp_policy) ||
		    !tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
			return -EBADMSG;
		name = nla_get_string(tb[CTRL_ATTR_MCAST_GRP_NAME]);
		id = nla_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		if (!strcmp(name, VSS_MCGRP_EVENTS))
			fam->mcgrp_events = id;
		else if (!strcmp(name, VSS_MCGRP_MONITOR))
			fam->mcgrp_monitor = id;
	}
	return rem > 0 ? -EBADMSG : 0;
}

int vss_family_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		      void *arg, const char **why)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct vss_family *fam = arg;
	int ret;

	(void)ctx;
	if (nlh->nlmsg_type != GENL_ID_CTRL) {
		*why = "nlctrl reply from another family";
		return -EBADMSG;
	}
	if (fam->id) {
		*why = "more than one nlctrl reply";
		return -EBADMSG;
	}
	ret = vss_genl_parse(nlh, CTRL_CMD_NEWFAMILY, tb, CTRL_ATTR_MAX,
			     ctrl_policy, why);
	if (ret)
		return ret;
	if (!tb[CTRL_ATTR_FAMILY_ID] || !nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) ||
	    !tb[CTRL_ATTR_VERSION]) {
		*why = "nlctrl reply without family id or version";
		return -EBADMSG;
	}
	if (tb[CTRL_ATTR_MCAST_GROUPS] &&
	    decode_groups(tb[CTRL_ATTR_MCAST_GROUPS], fam)) {
		*why = "nlctrl reply has malformed multicast groups";
		return -EBADMSG;
	}
	fam->id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	fam->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	return 0;
}

int vss_family_resolve(struct libvss_ctx *ctx)
{
	struct vss_family fam = { 0 };
	struct nl_msg *req;
	int ret;

	vss_ctx_clear_error(ctx);
	req = vss_family_encode(ctx, vss_ctx_next_seq(ctx));
	if (!req)
		return -ENOMEM;
	ret = vss_transact(ctx, req, vss_family_decode, &fam);
	nlmsg_free(req);
	if (ret == -ENOENT) {
		vss_ctx_set_error(ctx,
			"generic netlink family \"%s\" not found: the vss kernel module is not loaded",
			VSS_FAMILY_NAME);
		return ret;
	}
	if (ret)
		return ret;
	if (!fam.id) {
		vss_ctx_set_error(ctx, "nlctrl acknowledged without a reply");
		return -EBADMSG;
	}
	ctx->family_id = fam.id;
	ctx->family_version = fam.version;
	ctx->mcgrp_events = fam.mcgrp_events;
	ctx->mcgrp_monitor = fam.mcgrp_monitor;
	return 0;
}
