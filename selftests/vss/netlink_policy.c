// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed requests: every one is refused with the exact errno and an
 * extack message that says why, and the family keeps answering after.
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_nl.h"

FIXTURE(policy) {
	struct vss_nl nl;
	struct vss_nl_msg m;
};

FIXTURE_SETUP(policy)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	vss_nl_msg_init(&self->m, self->nl.family, VSS_CMD_GET_FEATURES,
			VSS_FAMILY_VERSION);
}

FIXTURE_TEARDOWN(policy)
{
	struct vss_nl_msg ok;

	/* Whatever the test sent, the family must still answer. */
	vss_nl_msg_init(&ok, self->nl.family, VSS_CMD_GET_FEATURES,
			VSS_FAMILY_VERSION);
	EXPECT_GT(vss_nl_transact(&self->nl, &ok, NULL, 0), 0);
	vss_nl_close(&self->nl);
}

TEST_F(policy, short_u64_attribute_is_einval)
{
	uint32_t half = 0;

	vss_nl_put(&self->m, VSS_A_FEATURES_REQUIRED, &half, sizeof(half));
	EXPECT_EQ(-EINVAL, vss_nl_transact(&self->nl, &self->m, NULL, 0));
	EXPECT_STREQ("invalid attribute length", self->nl.ext_msg);
	EXPECT_EQ(NLMSG_LENGTH(GENL_HDRLEN), self->nl.ext_offs);
}

TEST_F(policy, long_u64_attribute_is_einval)
{
	char twelve[12] = { 0 };

	vss_nl_put(&self->m, VSS_A_FEATURES_REQUIRED, twelve, sizeof(twelve));
	EXPECT_EQ(-EINVAL, vss_nl_transact(&self->nl, &self->m, NULL, 0));
	EXPECT_STREQ("invalid attribute length", self->nl.ext_msg);
}

TEST_F(policy, unknown_attribute_type_is_einval)
{
	uint32_t v = 1;

	vss_nl_put(&self->m, VSS_A_FEATURES_MAX + 1, &v, sizeof(v));
	EXPECT_EQ(-EINVAL, vss_nl_transact(&self->nl, &self->m, NULL, 0));
	EXPECT_STREQ("Unknown attribute type", self->nl.ext_msg);
}

TEST_F(policy, reply_only_attribute_in_request_is_einval)
{
	uint32_t v = 1;

	/* Strict per-op policy: attributes the request does not take. */
	vss_nl_put(&self->m, VSS_A_FEATURES_PROTOCOL_VERSION, &v, sizeof(v));
	EXPECT_EQ(-EINVAL, vss_nl_transact(&self->nl, &self->m, NULL, 0));
	EXPECT_NE(0, strlen(self->nl.ext_msg));
}

TEST_F(policy, truncated_attribute_header_is_einval)
{
	/* An attribute claiming more bytes than the message holds. */
	struct nlattr *a = (struct nlattr *)(self->m.buf + self->m.nlh.nlmsg_len);

	a->nla_type = VSS_A_FEATURES_REQUIRED;
	a->nla_len = 64;
	self->m.nlh.nlmsg_len += NLA_HDRLEN;
	EXPECT_EQ(-EINVAL, vss_nl_transact(&self->nl, &self->m, NULL, 0));
	EXPECT_NE(0, strlen(self->nl.ext_msg));
}

TEST_F(policy, reserved_genl_header_field_is_einval)
{
	struct genlmsghdr *g = NLMSG_DATA(&self->m.nlh);

	g->reserved = 1;
	EXPECT_EQ(-EINVAL, vss_nl_transact(&self->nl, &self->m, NULL, 0));
	EXPECT_STREQ("genlmsghdr.reserved field is not 0", self->nl.ext_msg);
}

TEST_F(policy, unknown_command_is_eopnotsupp)
{
	struct genlmsghdr *g = NLMSG_DATA(&self->m.nlh);

	g->cmd = VSS_CMD_MAX + 1;
	EXPECT_EQ(-EOPNOTSUPP, vss_nl_transact(&self->nl, &self->m, NULL, 0));
}

TEST_F(policy, command_zero_is_eopnotsupp)
{
	struct genlmsghdr *g = NLMSG_DATA(&self->m.nlh);

	g->cmd = VSS_CMD_UNSPEC;
	EXPECT_EQ(-EOPNOTSUPP, vss_nl_transact(&self->nl, &self->m, NULL, 0));
}

TEST_HARNESS_MAIN
