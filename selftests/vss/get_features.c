// SPDX-License-Identifier: GPL-2.0
/*
 * VSS_CMD_GET_FEATURES: the versions and the feature mask the module
 * reports, and how it treats a caller's required features.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_nl.h"

/* The module must report, on this kernel, exactly these features. */
static uint64_t expected_features(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	/* Every build has file storage; the freeze holder needs 6.6. */
	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return ~0ULL;
	/* The protocol, fs freezes and change tracking are in every build. */
	if (major > 6 || (major == 6 && minor >= 6))
		return VSS_FEATURE_FREEZE_HOLDER | VSS_FEATURE_FILE_STORAGE |
		       VSS_FEATURE_SESSIONS | VSS_FEATURE_FS_FREEZE |
		       VSS_FEATURE_CHANGE_TRACKING | VSS_FEATURE_TRACKER_PERSIST;
	return VSS_FEATURE_FILE_STORAGE | VSS_FEATURE_SESSIONS | VSS_FEATURE_FS_FREEZE |
	       VSS_FEATURE_CHANGE_TRACKING | VSS_FEATURE_TRACKER_PERSIST;
}

static int get_features(struct vss_nl *nl, const uint64_t *required,
			char *reply, size_t size)
{
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_GET_FEATURES, VSS_FAMILY_VERSION);
	if (required)
		vss_nl_put(&m, VSS_A_FEATURES_REQUIRED, required, sizeof(*required));
	return vss_nl_transact(nl, &m, reply, size);
}

FIXTURE(features) {
	struct vss_nl nl;
	char reply[VSS_NL_BUF];
};

FIXTURE_SETUP(features)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN(features)
{
	vss_nl_close(&self->nl);
}

TEST_F(features, family_resolves_with_version_and_groups)
{
	EXPECT_EQ(VSS_FAMILY_VERSION, self->nl.family_version);
	EXPECT_NE(0, self->nl.grp_events);
	EXPECT_NE(0, self->nl.grp_monitor);
	EXPECT_NE(self->nl.grp_events, self->nl.grp_monitor);
}

TEST_F(features, reports_module_version_protocol_and_mask)
{
	const struct nlattr *a;
	uint64_t mask;
	uint32_t proto;
	int len;

	len = get_features(&self->nl, NULL, self->reply, sizeof(self->reply));
	ASSERT_GT(len, 0);

	a = vss_nl_attr(self->reply, len, VSS_A_FEATURES_MODULE_VERSION);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ(VSS_VERSION, (const char *)(a + 1));

	a = vss_nl_attr(self->reply, len, VSS_A_FEATURES_PROTOCOL_VERSION);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(NLA_HDRLEN + sizeof(proto), a->nla_len);
	memcpy(&proto, a + 1, sizeof(proto));
	EXPECT_EQ(VSS_FAMILY_VERSION, proto);

	a = vss_nl_attr(self->reply, len, VSS_A_FEATURES_FEATURES);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(NLA_HDRLEN + sizeof(mask), a->nla_len);
	memcpy(&mask, a + 1, sizeof(mask));
	EXPECT_EQ(expected_features(), mask);
}

TEST_F(features, required_features_present_are_accepted)
{
	uint64_t required = expected_features();

	EXPECT_GT(get_features(&self->nl, &required, self->reply,
			       sizeof(self->reply)), 0);
}

TEST_F(features, required_feature_missing_is_eopnotsupp_with_reason)
{
	uint64_t required = 1ULL << 63;

	EXPECT_EQ(-EOPNOTSUPP, get_features(&self->nl, &required, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "not supported by this module"));
	/* The offending attribute is pointed at: after nlmsghdr + genlmsghdr. */
	EXPECT_EQ(NLMSG_LENGTH(GENL_HDRLEN), self->nl.ext_offs);
}

TEST_F(features, freeze_holder_required_matches_kernel)
{
	uint64_t required = VSS_FEATURE_FREEZE_HOLDER;
	int ret = get_features(&self->nl, &required, NULL, 0);

	if (expected_features() & VSS_FEATURE_FREEZE_HOLDER) {
		EXPECT_GT(ret, 0);
	} else {
		EXPECT_EQ(-EOPNOTSUPP, ret);
	}
}

TEST_HARNESS_MAIN
