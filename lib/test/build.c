// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"

static void must(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "build: %s failed\n", what);
		exit(1);
	}
}

static struct nl_msg *genl_new(uint16_t family, uint8_t cmd, uint8_t version)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 0, 0, family, 0, 0, cmd, version)) {
		fprintf(stderr, "build: genlmsg_put failed\n");
		exit(1);
	}
	return msg;
}

static void put_group(struct nl_msg *msg, int idx, uint32_t id, const char *name)
{
	struct nlattr *grp = nla_nest_start(msg, idx);

	must(grp ? 0 : -1, "nest");
	must(nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, id), "group id");
	must(nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, name), "group name");
	nla_nest_end(msg, grp);
}

struct nl_msg *build_family(uint16_t id, uint32_t version, bool groups)
{
	struct nl_msg *msg = genl_new(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2);
	struct nlattr *nest;

	must(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, VSS_FAMILY_NAME), "name");
	must(nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, id), "id");
	must(nla_put_u32(msg, CTRL_ATTR_VERSION, version), "version");
	must(nla_put_u32(msg, CTRL_ATTR_HDRSIZE, 0), "hdrsize");
	must(nla_put_u32(msg, CTRL_ATTR_MAXATTR, VSS_A_FEATURES_MAX), "maxattr");
	if (groups) {
		nest = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
		must(nest ? 0 : -1, "groups");
		put_group(msg, 1, TEST_MCGRP_EVENTS, VSS_MCGRP_EVENTS);
		put_group(msg, 2, TEST_MCGRP_MONITOR, VSS_MCGRP_MONITOR);
		nla_nest_end(msg, nest);
	}
	return msg;
}

static struct nl_msg *error_new(int error, int flags, const struct nlmsghdr *req)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	size_t echo = req ? req->nlmsg_len - NLMSG_HDRLEN : 0;
	struct nlmsgerr *err;

	must(msg ? 0 : -1, "nlmsg_alloc_simple");
	err = nlmsg_reserve(msg, sizeof(*err) + echo, NLMSG_ALIGNTO);
	must(err ? 0 : -1, "nlmsg_reserve");
	memset(err, 0, sizeof(*err));
	err->error = error;
	if (req)
		memcpy(&err->msg, req, req->nlmsg_len);
	return msg;
}

struct nl_msg *build_ack(void)
{
	return error_new(0, NLM_F_CAPPED, NULL);
}

struct nl_msg *build_error(int error)
{
	return error_new(error, NLM_F_CAPPED, NULL);
}

struct nl_msg *build_extack(int error, const char *text, long offs,
			    long miss_type)
{
	struct nl_msg *msg = error_new(error, NLM_F_CAPPED | NLM_F_ACK_TLVS, NULL);

	if (text)
		must(nla_put_string(msg, NLMSGERR_ATTR_MSG, text), "msg");
	if (offs >= 0)
		must(nla_put_u32(msg, NLMSGERR_ATTR_OFFS, (uint32_t)offs), "offs");
	if (miss_type >= 0)
		must(nla_put_u32(msg, NLMSGERR_ATTR_MISS_TYPE,
				 (uint32_t)miss_type), "miss type");
	return msg;
}

struct nl_msg *build_extack_uncapped(const struct nlmsghdr *req, int error,
				     const char *text)
{
	struct nl_msg *msg = error_new(error, NLM_F_ACK_TLVS, req);

	must(nla_put_string(msg, NLMSGERR_ATTR_MSG, text), "msg");
	return msg;
}

struct nl_msg *build_features(const char *version, uint32_t protocol,
			      uint64_t mask, unsigned int how)
{
	struct nl_msg *msg = genl_new(TEST_FAMILY_ID, VSS_CMD_GET_FEATURES,
				      VSS_FAMILY_VERSION);

	if (how & FEAT_UNTERMINATED)
		must(nla_put(msg, VSS_A_FEATURES_MODULE_VERSION,
			     (int)strlen(version), version), "version");
	else if (!(how & FEAT_NO_VERSION))
		must(nla_put_string(msg, VSS_A_FEATURES_MODULE_VERSION, version),
		     "version");
	if (!(how & FEAT_NO_PROTOCOL))
		must(nla_put_u32(msg, VSS_A_FEATURES_PROTOCOL_VERSION, protocol),
		     "protocol");
	/* What nla_put_u64_64bit() emits where it must align the payload. */
	if (how & FEAT_PAD)
		must(nla_put(msg, VSS_A_FEATURES_PAD, 0, NULL), "pad");
	if (how & FEAT_SHORT_FEATURES)
		must(nla_put_u32(msg, VSS_A_FEATURES_FEATURES, (uint32_t)mask),
		     "features");
	else if (!(how & FEAT_NO_FEATURES))
		must(nla_put_u64(msg, VSS_A_FEATURES_FEATURES, mask), "features");
	if (how & FEAT_UNKNOWN_ATTR)
		must(nla_put_u32(msg, VSS_A_FEATURES_MAX + 10, 0xdeadbeef),
		     "unknown");
	return msg;
}

int open_mocked(struct mock **mp, struct libvss_ctx **ctxp)
{
	*mp = mock_new();
	/* Two datagrams, as the kernel unicasts the reply and the ACK. */
	mock_queue1(*mp, 0, build_family(TEST_FAMILY_ID, 1, true));
	mock_queue1(*mp, 0, build_ack());
	return vss_ctx_open(mock_transport(*mp), ctxp);
}
