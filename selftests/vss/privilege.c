// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege: what a caller without CAP_SYS_ADMIN may and may not do.
 * Each test runs in its own child (the harness forks), so dropping the
 * capability does not leak into the next test.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_nl.h"

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].inheritable &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static int join_group(struct vss_nl *nl, uint32_t group)
{
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)))
		return -errno;
	return 0;
}

FIXTURE(priv) {
	struct vss_nl nl;
};

FIXTURE_SETUP(priv)
{
	if (geteuid() != 0)
		SKIP(return, "must start as root to drop CAP_SYS_ADMIN itself");
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN(priv)
{
	vss_nl_close(&self->nl);
}

TEST_F(priv, admin_joins_monitor_group)
{
	EXPECT_EQ(0, join_group(&self->nl, self->nl.grp_monitor));
}

TEST_F(priv, unprivileged_cannot_join_monitor_group)
{
	ASSERT_EQ(0, drop_cap_sys_admin());
	EXPECT_EQ(-EPERM, join_group(&self->nl, self->nl.grp_monitor));
}

TEST_F(priv, unprivileged_joins_events_group)
{
	ASSERT_EQ(0, drop_cap_sys_admin());
	EXPECT_EQ(0, join_group(&self->nl, self->nl.grp_events));
}

TEST_F(priv, unprivileged_may_get_features)
{
	struct vss_nl_msg m;

	ASSERT_EQ(0, drop_cap_sys_admin());
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_GET_FEATURES,
			VSS_FAMILY_VERSION);
	EXPECT_GT(vss_nl_transact(&self->nl, &m, NULL, 0), 0);
}

TEST_HARNESS_MAIN
