// SPDX-License-Identifier: GPL-2.0
/*
 * Every command but GET_FEATURES, do and dump alike, is refused with EPERM
 * and a reason to a caller without CAP_SYS_ADMIN, before the request's
 * attributes are even looked at: one test per command. A last test fails
 * when the module implements a command this table does not cover, so a
 * new command cannot arrive without its privilege test.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_nl.h"

/* Commands with a test below; GET_FEATURES is open to everyone. */
static const uint8_t covered[] = {
	VSS_CMD_GET_FEATURES, VSS_CMD_STORAGE_ADD, VSS_CMD_STORAGE_GET,
	VSS_CMD_STORAGE_REMOVE, VSS_CMD_STORAGE_SET, VSS_CMD_SNAPSHOT_CREATE,
	VSS_CMD_SNAPSHOT_GET, VSS_CMD_SNAPSHOT_DELETE,
	VSS_CMD_WRITER_REGISTER, VSS_CMD_WRITER_UNREGISTER, VSS_CMD_WRITER_GET,
	VSS_CMD_WRITER_EVENT_DONE, VSS_CMD_SESSION_CREATE,
	VSS_CMD_SESSION_GATHER_METADATA, VSS_CMD_SESSION_PREPARE_BACKUP,
	VSS_CMD_SESSION_DO_SNAPSHOT_SET, VSS_CMD_SESSION_BACKUP_COMPLETE,
	VSS_CMD_SESSION_PRE_RESTORE, VSS_CMD_SESSION_POST_RESTORE,
	VSS_CMD_SESSION_ABORT, VSS_CMD_SESSION_DELETE_SNAPSHOTS,
	VSS_CMD_SESSION_RELEASE, VSS_CMD_SESSION_GET, VSS_CMD_SESSION_WRITER_GET,
	VSS_CMD_FS_FREEZE, VSS_CMD_FS_THAW, VSS_CMD_FS_GET,
	VSS_CMD_CHANGES_GET, VSS_CMD_TRACKER_GET, VSS_CMD_TRACKER_RESET,
	VSS_CMD_TRACKER_EXPORT, VSS_CMD_TRACKER_IMPORT,
};

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int i = CAP_TO_INDEX(CAP_SYS_ADMIN);

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[i].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[i].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[i].inheritable &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

FIXTURE(cmd) {
	struct vss_nl nl;
};

FIXTURE_VARIANT(cmd) {
	uint8_t cmd;
	bool dump;
};

#define PRIV_CMD(name, c, d) \
	FIXTURE_VARIANT_ADD(cmd, name) { .cmd = c, .dump = d }

PRIV_CMD(storage_add, VSS_CMD_STORAGE_ADD, false);
PRIV_CMD(storage_get, VSS_CMD_STORAGE_GET, false);
PRIV_CMD(storage_get_dump, VSS_CMD_STORAGE_GET, true);
PRIV_CMD(storage_remove, VSS_CMD_STORAGE_REMOVE, false);
PRIV_CMD(storage_set, VSS_CMD_STORAGE_SET, false);
PRIV_CMD(snapshot_create, VSS_CMD_SNAPSHOT_CREATE, false);
PRIV_CMD(snapshot_get, VSS_CMD_SNAPSHOT_GET, false);
PRIV_CMD(snapshot_get_dump, VSS_CMD_SNAPSHOT_GET, true);
PRIV_CMD(snapshot_delete, VSS_CMD_SNAPSHOT_DELETE, false);
PRIV_CMD(writer_register, VSS_CMD_WRITER_REGISTER, false);
PRIV_CMD(writer_unregister, VSS_CMD_WRITER_UNREGISTER, false);
PRIV_CMD(writer_get, VSS_CMD_WRITER_GET, false);
PRIV_CMD(writer_get_dump, VSS_CMD_WRITER_GET, true);
PRIV_CMD(writer_event_done, VSS_CMD_WRITER_EVENT_DONE, false);
PRIV_CMD(session_create, VSS_CMD_SESSION_CREATE, false);
PRIV_CMD(session_gather_metadata, VSS_CMD_SESSION_GATHER_METADATA, false);
PRIV_CMD(session_prepare_backup, VSS_CMD_SESSION_PREPARE_BACKUP, false);
PRIV_CMD(session_do_snapshot_set, VSS_CMD_SESSION_DO_SNAPSHOT_SET, false);
PRIV_CMD(session_backup_complete, VSS_CMD_SESSION_BACKUP_COMPLETE, false);
PRIV_CMD(session_pre_restore, VSS_CMD_SESSION_PRE_RESTORE, false);
PRIV_CMD(session_post_restore, VSS_CMD_SESSION_POST_RESTORE, false);
PRIV_CMD(session_abort, VSS_CMD_SESSION_ABORT, false);
PRIV_CMD(session_delete_snapshots, VSS_CMD_SESSION_DELETE_SNAPSHOTS, false);
PRIV_CMD(session_release, VSS_CMD_SESSION_RELEASE, false);
PRIV_CMD(session_get, VSS_CMD_SESSION_GET, false);
PRIV_CMD(session_get_dump, VSS_CMD_SESSION_GET, true);
PRIV_CMD(session_writer_get, VSS_CMD_SESSION_WRITER_GET, false);
PRIV_CMD(fs_freeze, VSS_CMD_FS_FREEZE, false);
PRIV_CMD(fs_thaw, VSS_CMD_FS_THAW, false);
PRIV_CMD(fs_get, VSS_CMD_FS_GET, false);
PRIV_CMD(fs_get_dump, VSS_CMD_FS_GET, true);
PRIV_CMD(changes_get, VSS_CMD_CHANGES_GET, false);
PRIV_CMD(changes_get_dump, VSS_CMD_CHANGES_GET, true);
PRIV_CMD(tracker_get, VSS_CMD_TRACKER_GET, false);
PRIV_CMD(tracker_get_dump, VSS_CMD_TRACKER_GET, true);
PRIV_CMD(tracker_reset, VSS_CMD_TRACKER_RESET, false);
PRIV_CMD(tracker_export_dump, VSS_CMD_TRACKER_EXPORT, true);
PRIV_CMD(tracker_import, VSS_CMD_TRACKER_IMPORT, false);

FIXTURE_SETUP(cmd)
{
	if (geteuid() != 0)
		SKIP(return, "must start as root to drop CAP_SYS_ADMIN itself");
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN(cmd)
{
	vss_nl_close(&self->nl);
}

static void ignore(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	(void)arg;
}

TEST_F(cmd, unprivileged_is_eperm_with_reason)
{
	struct vss_nl_msg m;
	int err;

	ASSERT_EQ(0, drop_cap_sys_admin());
	vss_nl_msg_init(&m, self->nl.family, variant->cmd, VSS_FAMILY_VERSION);
	if (variant->dump)
		err = vss_nl_dump(&self->nl, &m, ignore, NULL);
	else
		err = vss_nl_transact(&self->nl, &m, NULL, 0);
	EXPECT_EQ(-EPERM, err);
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "CAP_SYS_ADMIN"));
}

/* The family's commands, as nlctrl lists them. */
static int family_ops(struct vss_nl *nl, uint8_t *ops, int max)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *list, *op, *a;
	struct vss_nl_msg m;
	int len, off, ooff, n = 0;

	vss_nl_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	vss_nl_put(&m, CTRL_ATTR_FAMILY_NAME, VSS_FAMILY_NAME, sizeof(VSS_FAMILY_NAME));
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	list = vss_nl_attr(reply, len, CTRL_ATTR_OPS);
	if (!list)
		return -EBADMSG;
	for (off = NLA_HDRLEN; off + NLA_HDRLEN <= list->nla_len && n < max;
	     off += NLA_ALIGN(op->nla_len)) {
		op = (const void *)((const char *)list + off);
		if (op->nla_len < NLA_HDRLEN)
			break;
		for (ooff = NLA_HDRLEN; ooff + NLA_HDRLEN <= op->nla_len;
		     ooff += NLA_ALIGN(a->nla_len)) {
			a = (const void *)((const char *)op + ooff);
			if (a->nla_len < NLA_HDRLEN)
				break;
			if (a->nla_type == CTRL_ATTR_OP_ID)
				ops[n++] = *(const uint32_t *)(a + 1);
		}
	}
	return n;
}

TEST(every_command_has_a_privilege_test)
{
	uint8_t ops[64];
	struct vss_nl nl;
	unsigned int j;
	int i, n;

	ASSERT_EQ(0, vss_nl_open(&nl));
	ASSERT_EQ(0, vss_nl_resolve(&nl));
	n = family_ops(&nl, ops, 64);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(covered) && covered[j] != ops[i]; j++)
			;
		if (j == sizeof(covered))
			TH_LOG("command %u has no privilege test", ops[i]);
		EXPECT_LT(j, sizeof(covered));
	}
	vss_nl_close(&nl);
}

TEST_HARNESS_MAIN
