// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol commands' front door: the feature bit, CAP_SYS_ADMIN for
 * every command (EPERM with the status "access denied"), notifications
 * that are not requests, and malformed requests refused by the per-op
 * strict policies or the handlers, each with its exact errno and extack
 * message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

FIXTURE(pol) {
	struct vss_nl nl;
	struct vss_nl_msg m;
};

FIXTURE_SETUP(pol)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN(pol)
{
	struct vss_nl_msg ok;

	/* Whatever the test sent, the family must still answer. */
	vss_nl_msg_init(&ok, self->nl.family, VSS_CMD_GET_FEATURES, VSS_FAMILY_VERSION);
	EXPECT_GT(vss_nl_transact(&self->nl, &ok, NULL, 0), 0);
	vss_nl_close(&self->nl);
}

static void init(FIXTURE_DATA(pol) *self, uint8_t cmd)
{
	vss_nl_msg_init(&self->m, self->nl.family, cmd, VSS_FAMILY_VERSION);
}

static void put_u32(FIXTURE_DATA(pol) *self, uint16_t type, uint32_t v)
{
	vss_nl_put(&self->m, type, &v, sizeof(v));
}

static void put_str(FIXTURE_DATA(pol) *self, uint16_t type, const char *s)
{
	vss_nl_put(&self->m, type, s, strlen(s) + 1);
}

static int send_it(FIXTURE_DATA(pol) *self)
{
	return vss_nl_transact(&self->nl, &self->m, NULL, 0);
}

/* A complete WRITER_REGISTER, but for the attribute skip. */
static void writer(FIXTURE_DATA(pol) *self, uint16_t skip)
{
	static const uint8_t id[16] = { 1, 2, 3 };

	init(self, VSS_CMD_WRITER_REGISTER);
	if (skip != VSS_A_WRITER_CLASS_ID)
		vss_nl_put(&self->m, VSS_A_WRITER_CLASS_ID, id, 16);
	if (skip != VSS_A_WRITER_INSTANCE_ID)
		vss_nl_put(&self->m, VSS_A_WRITER_INSTANCE_ID, id, 16);
	if (skip != VSS_A_WRITER_NAME)
		put_str(self, VSS_A_WRITER_NAME, "w");
	if (skip != VSS_A_WRITER_LEVEL)
		put_u32(self, VSS_A_WRITER_LEVEL, VSS_WRITER_LEVEL_SYSTEM);
}

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static void count(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

TEST_F_TIMEOUT(pol, sessions_feature_is_reported, 120)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	uint64_t features;
	int len;

	init(self, VSS_CMD_GET_FEATURES);
	len = vss_nl_transact(&self->nl, &self->m, reply, sizeof(reply));
	ASSERT_LT(0, len);
	a = vss_nl_attr(reply, len, VSS_A_FEATURES_FEATURES);
	ASSERT_NE(NULL, a);
	memcpy(&features, a + 1, sizeof(features));
	EXPECT_TRUE(features & VSS_FEATURE_SESSIONS);
}

TEST_F_TIMEOUT(pol, every_protocol_command_needs_cap_sys_admin, 120)
{
	static const uint8_t cmds[] = {
		VSS_CMD_WRITER_REGISTER, VSS_CMD_WRITER_UNREGISTER, VSS_CMD_WRITER_GET,
		VSS_CMD_WRITER_EVENT_DONE, VSS_CMD_SESSION_CREATE,
		VSS_CMD_SESSION_GATHER_METADATA, VSS_CMD_SESSION_PREPARE_BACKUP,
		VSS_CMD_SESSION_DO_SNAPSHOT_SET, VSS_CMD_SESSION_BACKUP_COMPLETE,
		VSS_CMD_SESSION_PRE_RESTORE, VSS_CMD_SESSION_POST_RESTORE,
		VSS_CMD_SESSION_ABORT, VSS_CMD_SESSION_DELETE_SNAPSHOTS,
		VSS_CMD_SESSION_RELEASE, VSS_CMD_SESSION_GET, VSS_CMD_SESSION_WRITER_GET,
	};
	int n = 0;

	if (geteuid() != 0)
		SKIP(return, "must start as root to drop CAP_SYS_ADMIN itself");
	ASSERT_EQ(0, drop_cap_sys_admin());
	for (unsigned int i = 0; i < sizeof(cmds); i++) {
		init(self, cmds[i]);
		EXPECT_EQ(-EPERM, send_it(self));
		EXPECT_STREQ("needs CAP_SYS_ADMIN", self->nl.ext_msg);
		EXPECT_TRUE(self->nl.has_status);
		EXPECT_EQ(VSS_STATUS_ACCESS_DENIED, self->nl.ext_status);
		if (self->nl.ext_status != VSS_STATUS_ACCESS_DENIED)
			TH_LOG("command %u", cmds[i]);
	}
	/* The dumps too. */
	init(self, VSS_CMD_WRITER_GET);
	EXPECT_EQ(-EPERM, vss_nl_dump(&self->nl, &self->m, count, &n));
	init(self, VSS_CMD_SESSION_GET);
	EXPECT_EQ(-EPERM, vss_nl_dump(&self->nl, &self->m, count, &n));
	EXPECT_EQ(0, n);
}

TEST_F_TIMEOUT(pol, notifications_are_not_requests, 120)
{
	static const uint8_t ntfs[] = {
		VSS_CMD_WRITER_EVENT_NTF, VSS_CMD_SESSION_COMPLETE_NTF,
		VSS_CMD_SESSION_STATE_NTF,
	};

	for (unsigned int i = 0; i < sizeof(ntfs); i++) {
		init(self, ntfs[i]);
		EXPECT_EQ(-EOPNOTSUPP, send_it(self));
	}
}

TEST_F_TIMEOUT(pol, writer_register_policy, 120)
{
	static const uint8_t short_id[15];
	char long_name[200];

	writer(self, VSS_A_WRITER_NAME);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("missing writer name", self->nl.ext_msg);
	writer(self, VSS_A_WRITER_CLASS_ID);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("missing writer class id", self->nl.ext_msg);
	writer(self, VSS_A_WRITER_LEVEL);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("missing writer level", self->nl.ext_msg);

	writer(self, VSS_A_WRITER_INSTANCE_ID);
	vss_nl_put(&self->m, VSS_A_WRITER_INSTANCE_ID, short_id, sizeof(short_id));
	EXPECT_EQ(-ERANGE, send_it(self));
	EXPECT_STREQ("binary attribute size out of range", self->nl.ext_msg);

	writer(self, VSS_A_WRITER_LEVEL);
	put_u32(self, VSS_A_WRITER_LEVEL, VSS_WRITER_LEVEL_UNKNOWN);
	EXPECT_EQ(-ERANGE, send_it(self));
	EXPECT_STREQ("integer out of range", self->nl.ext_msg);
	writer(self, VSS_A_WRITER_LEVEL);
	put_u32(self, VSS_A_WRITER_LEVEL, VSS_WRITER_LEVEL_FRONT_END + 1);
	EXPECT_EQ(-ERANGE, send_it(self));

	writer(self, 0);
	put_u32(self, VSS_A_WRITER_FREEZE_TIMEOUT_MS, 0);
	EXPECT_EQ(-ERANGE, send_it(self));
	EXPECT_STREQ("integer out of range", self->nl.ext_msg);

	writer(self, VSS_A_WRITER_NAME);
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	put_str(self, VSS_A_WRITER_NAME, long_name);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("Attribute failed policy validation", self->nl.ext_msg);

	writer(self, VSS_A_WRITER_NAME);
	put_str(self, VSS_A_WRITER_NAME, "");
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("the writer name is empty", self->nl.ext_msg);

	/* Reply-only and unknown attributes. */
	writer(self, 0);
	put_u32(self, VSS_A_WRITER_PORTID, 1);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("Unknown attribute type", self->nl.ext_msg);
	writer(self, 0);
	put_u32(self, VSS_A_WRITER_MAX + 1, 1);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("Unknown attribute type", self->nl.ext_msg);
}

TEST_F_TIMEOUT(pol, session_policy, 120)
{
	struct vss_nl_msg *bigmsg;
	char *big;

	init(self, VSS_CMD_SESSION_CREATE);
	put_u32(self, VSS_A_SESSION_TYPE, VSS_SESSION_RESTORE + 1);
	EXPECT_EQ(-ERANGE, send_it(self));
	EXPECT_STREQ("integer out of range", self->nl.ext_msg);

	/* A document over VSS_DOCUMENT_MAX bytes, in a message big enough. */
	big = malloc(VSS_DOCUMENT_MAX + 1);
	bigmsg = malloc(VSS_DOCUMENT_MAX + 1024);
	ASSERT_NE(NULL, big);
	ASSERT_NE(NULL, bigmsg);
	memset(big, 'd', VSS_DOCUMENT_MAX);
	big[VSS_DOCUMENT_MAX] = '\0';
	vss_nl_msg_init(bigmsg, self->nl.family, VSS_CMD_SESSION_CREATE, VSS_FAMILY_VERSION);
	vss_nl_put(bigmsg, VSS_A_SESSION_BACKUP_DOCUMENT, big, VSS_DOCUMENT_MAX + 1);
	EXPECT_EQ(-EINVAL, vss_nl_transact(&self->nl, bigmsg, NULL, 0));
	EXPECT_STREQ("Attribute failed policy validation", self->nl.ext_msg);
	free(big);
	free(bigmsg);

	init(self, VSS_CMD_SESSION_GATHER_METADATA);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("missing session id", self->nl.ext_msg);
	EXPECT_FALSE(self->nl.has_status);

	/* Attributes another operation takes are not this one's. */
	init(self, VSS_CMD_SESSION_GATHER_METADATA);
	put_u32(self, VSS_A_SESSION_ID, 1);
	put_str(self, VSS_A_SESSION_BACKUP_DOCUMENT, "{}");
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("Unknown attribute type", self->nl.ext_msg);

	init(self, VSS_CMD_SESSION_PREPARE_BACKUP);
	put_u32(self, VSS_A_SESSION_ID, 1);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("missing backup type", self->nl.ext_msg);
	put_u32(self, VSS_A_SESSION_BACKUP_TYPE, VSS_BACKUP_TYPE_OTHER + 1);
	EXPECT_EQ(-ERANGE, send_it(self));

	init(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET);
	put_u32(self, VSS_A_SESSION_ID, 1);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("no volume given", self->nl.ext_msg);
	put_u32(self, VSS_A_SESSION_FLAGS, 8);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("reserved bit set", self->nl.ext_msg);

	/* A volume that is not a NUL-terminated string. */
	init(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET);
	put_u32(self, VSS_A_SESSION_ID, 1);
	vss_nl_put(&self->m, VSS_A_SESSION_VOLUME, "/dev", 4);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_NE(0, strlen(self->nl.ext_msg));
}

TEST_F_TIMEOUT(pol, event_done_policy, 120)
{
	init(self, VSS_CMD_WRITER_EVENT_DONE);
	put_u32(self, VSS_A_SESSION_ID, 1);
	put_u32(self, VSS_A_SESSION_WRITER_ID, 1);
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("missing event", self->nl.ext_msg);

	put_u32(self, VSS_A_SESSION_EVENT, VSS_EVENT_FREEZE);
	put_u32(self, VSS_A_SESSION_FAILURE, VSS_WRITER_FAILURE_NOT_RESPONDING);
	EXPECT_EQ(-ERANGE, send_it(self));
	EXPECT_STREQ("integer out of range", self->nl.ext_msg);

	init(self, VSS_CMD_WRITER_EVENT_DONE);
	put_u32(self, VSS_A_SESSION_ID, 1);
	put_u32(self, VSS_A_SESSION_WRITER_ID, 1);
	put_u32(self, VSS_A_SESSION_EVENT, VSS_EVENT_POST_RESTORE + 1);
	EXPECT_EQ(-ERANGE, send_it(self));

	init(self, VSS_CMD_WRITER_EVENT_DONE);
	put_u32(self, VSS_A_SESSION_ID, 1);
	put_u32(self, VSS_A_SESSION_WRITER_ID, 1);
	put_u32(self, VSS_A_SESSION_EVENT, VSS_EVENT_FREEZE);
	put_str(self, VSS_A_SESSION_WRITER_METADATA, "{}");
	EXPECT_EQ(-EINVAL, send_it(self));
	EXPECT_STREQ("writer metadata answers Identify only", self->nl.ext_msg);

	init(self, VSS_CMD_WRITER_EVENT_DONE);
	put_u32(self, VSS_A_SESSION_ID, 1);
	put_u32(self, VSS_A_SESSION_WRITER_ID, 1);
	put_u32(self, VSS_A_SESSION_EVENT, VSS_EVENT_FREEZE);
	put_u32(self, VSS_A_SESSION_WRITER_ERROR, 4096);
	EXPECT_EQ(-ERANGE, send_it(self));
}

TEST_F_TIMEOUT(pol, unregister_needs_the_writers_socket, 120)
{
	struct vss_tw *w = vss_tw_new("mine", VSS_WRITER_LEVEL_SYSTEM);

	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, vss_tw_start(w));
	init(self, VSS_CMD_WRITER_UNREGISTER);
	put_u32(self, VSS_A_WRITER_ID, w->writer_id);
	EXPECT_EQ(-EACCES, send_it(self));
	EXPECT_STREQ("the writer belongs to another socket", self->nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_ACCESS_DENIED, self->nl.ext_status);
	init(self, VSS_CMD_WRITER_UNREGISTER);
	put_u32(self, VSS_A_WRITER_ID, 0x7fffffff);
	EXPECT_EQ(-ENOENT, send_it(self));
	EXPECT_EQ(VSS_STATUS_OBJECT_NOT_FOUND, self->nl.ext_status);
	vss_tw_free(w);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
}

TEST_F_TIMEOUT(pol, rmmod_is_refused_while_a_writer_or_session_exists, 120)
{
	struct vss_tw *w = vss_tw_new("pin", VSS_WRITER_LEVEL_SYSTEM);
	struct vss_req req;
	uint32_t id;

	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, vss_tw_start(w));
	EXPECT_NE(0, vss_sh("rmmod vss 2>/dev/null"));
	EXPECT_EQ(0, access("/sys/module/vss", F_OK));
	vss_tw_free(w);
	ASSERT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));

	ASSERT_EQ(0, vss_req_open(&req));
	ASSERT_EQ(0, vss_req_create(&req, VSS_SESSION_BACKUP, NULL, &id));
	EXPECT_NE(0, vss_sh("rmmod vss 2>/dev/null"));
	EXPECT_EQ(0, access("/sys/module/vss", F_OK));
	vss_req_close(&req);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
}

TEST_HARNESS_MAIN
