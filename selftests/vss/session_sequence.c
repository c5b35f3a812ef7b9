// SPDX-License-Identifier: GPL-2.0
/*
 * Sequencing: every call out of order is refused with EBADFD, the VSS
 * status "bad state" in the extack cookie and a message saying why, and
 * the session is left as it was. Also: unknown ids, other sockets'
 * sessions and writers, and duplicate writers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

static char seqbuf[512];
#define SEQ(w)	vss_tw_seq(w, seqbuf, sizeof(seqbuf))

FIXTURE(seq) {
	struct vss_nl nl;
	struct vss_req req, other;
	struct vss_loopvol vol;
	struct vss_tw *w;
	const char *vols[1];
	uint32_t id;
	struct vss_completion c;
};

FIXTURE_SETUP(seq)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "sq", NULL));
	ASSERT_EQ(0, vss_req_open(&self->req));
	ASSERT_EQ(0, vss_req_open(&self->other));
	self->vols[0] = vss_loopvol_path(&self->vol);
	self->w = vss_tw_new("seq-writer", VSS_WRITER_LEVEL_BACK_END);
	ASSERT_NE(NULL, self->w);
	ASSERT_EQ(0, vss_tw_start(self->w));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &self->id));
}

FIXTURE_TEARDOWN(seq)
{
	vss_tw_free(self->w);
	vss_req_close(&self->req);
	vss_req_close(&self->other);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->nl);
}

#define EXPECT_BAD_STATE(call, msg) do {					\
	EXPECT_EQ(-EBADFD, (call));						\
	EXPECT_STREQ(msg, self->req.nl.ext_msg);				\
	EXPECT_TRUE(self->req.nl.has_status);					\
	EXPECT_EQ(VSS_STATUS_BAD_STATE, self->req.nl.ext_status);		\
} while (0)

static int op(FIXTURE_DATA(seq) *self, uint8_t cmd, const struct vss_op_args *args)
{
	return vss_req_op(&self->req, cmd, self->id, args, &self->c);
}

static const struct vss_op_args full = { .backup_type = VSS_BACKUP_TYPE_FULL };

static int prepared(FIXTURE_DATA(seq) *self)
{
	if (op(self, VSS_CMD_SESSION_GATHER_METADATA, NULL) || self->c.error ||
	    op(self, VSS_CMD_SESSION_PREPARE_BACKUP, &full) || self->c.error)
		return -1;
	return 0;
}

static int snapshot_done(FIXTURE_DATA(seq) *self)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };

	if (prepared(self) || op(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET, &snap) ||
	    self->c.error)
		return -1;
	return 0;
}

TEST_F_TIMEOUT(seq, backup_complete_before_do_snapshot_set_is_bad_state, 120)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };

	EXPECT_BAD_STATE(op(self, VSS_CMD_SESSION_BACKUP_COMPLETE, NULL),
			 "BackupComplete needs a successful DoSnapshotSet first, once");
	ASSERT_EQ(0, prepared(self));
	EXPECT_BAD_STATE(op(self, VSS_CMD_SESSION_BACKUP_COMPLETE, NULL),
			 "BackupComplete needs a successful DoSnapshotSet first, once");
	/* The session is where it was: DoSnapshotSet and BackupComplete work. */
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET, &snap));
	EXPECT_EQ(0, self->c.error);
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_BACKUP_COMPLETE, NULL));
	EXPECT_EQ(0, self->c.error);
}

TEST_F_TIMEOUT(seq, backup_complete_after_failed_do_snapshot_set_is_bad_state, 120)
{
	const char *nowhere[] = { "/nonexistent" };
	const char *file[] = { "/etc/hostname" };
	struct vss_op_args snap = { .volumes = nowhere, .nr_volumes = 1 };

	ASSERT_EQ(0, prepared(self));
	/* Paths are looked up at once, in the caller's root. */
	EXPECT_EQ(-ENOENT, vss_req_start(&self->req, VSS_CMD_SESSION_DO_SNAPSHOT_SET,
					 self->id, &snap, NULL));
	EXPECT_STREQ("volume path not found", self->req.nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_OBJECT_NOT_FOUND, self->req.nl.ext_status);
	/* The engine refuses a file: after PrepareForSnapshot and Freeze. */
	snap.volumes = file;
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET, &snap));
	EXPECT_EQ(EINVAL, self->c.error);
	EXPECT_EQ(VSS_STATUS_VOLUME_NOT_SUPPORTED, self->c.status);
	EXPECT_EQ(VSS_SESSION_STATE_FAILED, self->c.state);
	EXPECT_STREQ("volume is neither a block device nor a mount point", self->c.message);
	EXPECT_BAD_STATE(op(self, VSS_CMD_SESSION_BACKUP_COMPLETE, NULL),
			 "BackupComplete needs a successful DoSnapshotSet first, once");
	/* A failure after PrepareForSnapshot: Abort, with the set id. */
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, self->id));
	ASSERT_EQ(0, vss_tw_wait_count(self->w, 6, 10000));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->w));
	EXPECT_TRUE(self->w->ev[4].has_set_id);
	EXPECT_EQ(0, memcmp(self->w->ev[2].set_id, self->w->ev[4].set_id, 16));
}

/* Windows' answer for a volume without shadow storage, not "unsupported". */
TEST_F_TIMEOUT(seq, do_snapshot_set_without_diff_storage_is_insufficient_storage, 120)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };

	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->vol.dev));
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET, &snap));
	EXPECT_EQ(ENOSPC, self->c.error);
	EXPECT_EQ(VSS_STATUS_INSUFFICIENT_STORAGE, self->c.status);
	EXPECT_EQ(VSS_SESSION_STATE_FAILED, self->c.state);
	EXPECT_STREQ("volume has no diff storage (STORAGE_ADD first)", self->c.message);
}

static int write_debugfs(const char *name, unsigned int val)
{
	return vss_sh("echo %u > /sys/kernel/debug/vss/%s", val, name);
}

/*
 * STORAGE_ADD settling (held 4 s by a test-only knob) while DoSnapshotSet
 * comes: refused with EAGAIN before any writer hears of the set, the
 * session still prepared; once settled, the same DoSnapshotSet succeeds.
 */
TEST_F_TIMEOUT(seq, do_snapshot_set_while_storage_settles_is_retryable, 120)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };
	pid_t adder;
	int status, tries;

	if (access("/sys/kernel/debug/vss/settle_delay_ms", W_OK))
		vss_sh("mount -t debugfs none /sys/kernel/debug 2>/dev/null");
	ASSERT_EQ(0, access("/sys/kernel/debug/vss/settle_delay_ms", W_OK));
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->vol.dev));
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, write_debugfs("settle_delay_ms", 4000));
	adder = fork();
	ASSERT_LE(0, adder);
	if (adder == 0) {
		struct vss_nl nl;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
			_exit(1);
		_exit(vss_storage_add(&nl, self->vol.dev, 16 << 20, 65536) ? 2 : 0);
	}
	/* Until the adder's origin exists (it is then settling for 4 s). */
	for (tries = 0; tries < 200 && vss_storage_used(&self->nl, self->vol.dev) < 0; tries++)
		usleep(10000);
	ASSERT_LE(0, vss_storage_used(&self->nl, self->vol.dev));

	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET, &snap));
	EXPECT_EQ(EAGAIN, self->c.error);
	EXPECT_EQ(VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS, self->c.status);
	EXPECT_EQ(VSS_SESSION_STATE_PREPARED, self->c.state);
	EXPECT_STREQ("a volume's diff storage is still being added; retry", self->c.message);

	ASSERT_EQ(adder, waitpid(adder, &status, 0));
	write_debugfs("settle_delay_ms", 0);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Retried, in the same session: done, and no writer saw the first try. */
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET, &snap));
	EXPECT_EQ(0, self->c.error);
	EXPECT_EQ(VSS_SESSION_STATE_SNAPSHOT_DONE, self->c.state);
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_BACKUP_COMPLETE, NULL));
	EXPECT_EQ(0, self->c.error);
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, self->id));
	ASSERT_EQ(0, vss_tw_wait_count(self->w, 8, 10000));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete backup-shutdown",
		     SEQ(self->w));
}

TEST_F_TIMEOUT(seq, backup_complete_on_restore_session_is_bad_state, 120)
{
	uint32_t id;

	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_RESTORE, "{}", &id));
	EXPECT_BAD_STATE(vss_req_op(&self->req, VSS_CMD_SESSION_BACKUP_COMPLETE, id,
				    NULL, &self->c),
			 "not allowed on a restore session");
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL,
				&self->c));
	EXPECT_BAD_STATE(vss_req_op(&self->req, VSS_CMD_SESSION_BACKUP_COMPLETE, id,
				    NULL, &self->c),
			 "not allowed on a restore session");
	EXPECT_BAD_STATE(vss_req_op(&self->req, VSS_CMD_SESSION_PREPARE_BACKUP, id,
				    &full, &self->c),
			 "not allowed on a restore session");
	/* And the restore events on a backup session. */
	EXPECT_BAD_STATE(op(self, VSS_CMD_SESSION_PRE_RESTORE, NULL),
			 "not allowed on a backup session");
}

TEST_F_TIMEOUT(seq, do_snapshot_set_twice_is_bad_state, 120)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };

	ASSERT_EQ(0, snapshot_done(self));
	EXPECT_BAD_STATE(op(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET, &snap),
			 "DoSnapshotSet needs PrepareForBackup first, once");
	EXPECT_EQ(1, vss_snapshot_count(&self->nl));
}

TEST_F_TIMEOUT(seq, phases_out_of_order_are_bad_state, 120)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };

	EXPECT_BAD_STATE(op(self, VSS_CMD_SESSION_PREPARE_BACKUP, &full),
			 "PrepareForBackup needs GatherWriterMetadata first, once");
	EXPECT_BAD_STATE(op(self, VSS_CMD_SESSION_DO_SNAPSHOT_SET, &snap),
			 "DoSnapshotSet needs PrepareForBackup first, once");
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_GATHER_METADATA, NULL));
	EXPECT_BAD_STATE(op(self, VSS_CMD_SESSION_GATHER_METADATA, NULL),
			 "GatherWriterMetadata was done already");
}

TEST_F_TIMEOUT(seq, a_second_operation_while_one_runs_is_bad_state, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->w, VSS_EVENT_IDENTIFY);
	uint32_t seq;

	/* The writer is slow to answer Identify: the gather still runs. */
	r->delay_ms = 1500;
	ASSERT_EQ(0, vss_req_start(&self->req, VSS_CMD_SESSION_GATHER_METADATA,
				   self->id, NULL, &seq));
	EXPECT_BAD_STATE(vss_req_start(&self->req, VSS_CMD_SESSION_PREPARE_BACKUP,
				       self->id, &full, NULL),
			 "another operation of the session is running");
	EXPECT_BAD_STATE(vss_req_delete_snapshots(&self->req, self->id),
			 "an operation of the session is running");
	ASSERT_EQ(0, vss_req_wait(&self->req, seq, &self->c, 10000));
	EXPECT_EQ(0, self->c.error);
}

TEST_F_TIMEOUT(seq, anything_after_release_is_bad_state, 120)
{
	static const uint8_t cmds[] = {
		VSS_CMD_SESSION_GATHER_METADATA, VSS_CMD_SESSION_PREPARE_BACKUP,
		VSS_CMD_SESSION_DO_SNAPSHOT_SET, VSS_CMD_SESSION_BACKUP_COMPLETE,
		VSS_CMD_SESSION_PRE_RESTORE, VSS_CMD_SESSION_POST_RESTORE,
		VSS_CMD_SESSION_ABORT, VSS_CMD_SESSION_DELETE_SNAPSHOTS,
		VSS_CMD_SESSION_RELEASE, VSS_CMD_SESSION_GET,
	};
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };

	ASSERT_EQ(0, snapshot_done(self));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, self->id));
	for (unsigned int i = 0; i < sizeof(cmds); i++) {
		/* Each well formed, as it would be accepted before release. */
		int err = cmds[i] == VSS_CMD_SESSION_PREPARE_BACKUP ?
			  vss_req_start(&self->req, cmds[i], self->id, &full, NULL) :
			  cmds[i] == VSS_CMD_SESSION_DO_SNAPSHOT_SET ?
			  vss_req_start(&self->req, cmds[i], self->id, &snap, NULL) :
			  vss_req_cmd(&self->req, cmds[i], self->id);

		if (err != -EBADFD)
			TH_LOG("command %u", cmds[i]);
		EXPECT_BAD_STATE(err, "the session was released");
	}
	/* Nor can the writer answer in it. */
	ASSERT_EQ(0, vss_tw_wait_count(self->w, 7, 10000));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", SEQ(self->w));
}

TEST_F_TIMEOUT(seq, unknown_and_foreign_sessions_are_refused, 120)
{
	EXPECT_EQ(-ENOENT, vss_req_cmd(&self->req, VSS_CMD_SESSION_ABORT, 0x7fffffff));
	EXPECT_STREQ("no session with this id", self->req.nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_OBJECT_NOT_FOUND, self->req.nl.ext_status);
	/* Another socket may read the session, abort it, but not drive it. */
	EXPECT_EQ(-EACCES, vss_req_start(&self->other, VSS_CMD_SESSION_GATHER_METADATA,
					 self->id, NULL, NULL));
	EXPECT_STREQ("the session belongs to another socket", self->other.nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_ACCESS_DENIED, self->other.nl.ext_status);
	EXPECT_EQ(-EACCES, vss_req_cmd(&self->other, VSS_CMD_SESSION_RELEASE, self->id));
	EXPECT_EQ(-EACCES, vss_req_cmd(&self->other, VSS_CMD_SESSION_DELETE_SNAPSHOTS,
				       self->id));
	EXPECT_EQ(0, vss_req_cmd(&self->other, VSS_CMD_SESSION_GET, self->id));
	/* An administrator's abort, from outside the requester. */
	EXPECT_EQ(0, vss_req_cmd(&self->other, VSS_CMD_SESSION_ABORT, self->id));
	/* The session stays its owner's: still released by the owner only. */
	EXPECT_EQ(-EACCES, vss_req_cmd(&self->other, VSS_CMD_SESSION_RELEASE, self->id));
	EXPECT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, self->id));
}

TEST_F_TIMEOUT(seq, writer_answers_are_checked, 120)
{
	struct vss_nl_msg m;
	uint32_t v;

	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_GATHER_METADATA, NULL));
	/* An answer nobody waits for. */
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_WRITER_EVENT_DONE, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_SESSION_ID, &self->id, 4);
	v = VSS_EVENT_FREEZE;
	vss_nl_put(&m, VSS_A_SESSION_EVENT, &v, 4);
	v = self->w->writer_id;
	vss_nl_put(&m, VSS_A_SESSION_WRITER_ID, &v, 4);
	/* From a socket that is not the writer's. */
	EXPECT_EQ(-EACCES, vss_nl_transact(&self->nl, &m, NULL, 0));
	EXPECT_STREQ("the writer belongs to another socket", self->nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_ACCESS_DENIED, self->nl.ext_status);
	/* The writer's own late answer to Identify (already answered). */
	EXPECT_EQ(0, vss_tw_done_err(self->w, 0, 5000));
	/* Abort and BackupShutdown take no answer. */
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_WRITER_EVENT_DONE, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_SESSION_ID, &self->id, 4);
	v = VSS_EVENT_ABORT;
	vss_nl_put(&m, VSS_A_SESSION_EVENT, &v, 4);
	v = self->w->writer_id;
	vss_nl_put(&m, VSS_A_SESSION_WRITER_ID, &v, 4);
	EXPECT_EQ(-EBADFD, vss_nl_transact(&self->nl, &m, NULL, 0));
	EXPECT_STREQ("Abort and BackupShutdown take no answer", self->nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_BAD_STATE, self->nl.ext_status);
}

TEST_F_TIMEOUT(seq, late_answer_after_timeout_is_bad_state, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->w, VSS_EVENT_IDENTIFY);

	ASSERT_EQ(0, vss_sh("echo 300 > /sys/module/vss/parameters/event_timeout_ms"));
	r->delay_ms = 1000;
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_GATHER_METADATA, NULL));
	ASSERT_EQ(0, vss_sh("echo 60000 > /sys/module/vss/parameters/event_timeout_ms"));
	EXPECT_EQ(0, self->c.error);
	ASSERT_EQ(1, self->c.nr_writers);
	EXPECT_EQ(VSS_WRITER_STATE_FAILED_AT_IDENTIFY, self->c.w[0].state);
	EXPECT_EQ(VSS_WRITER_FAILURE_NOT_RESPONDING, self->c.w[0].failure);
	EXPECT_STREQ("no answer within event_timeout_ms", self->c.w[0].message);
	/* The late answer is refused; the writer gets nothing but the shutdown. */
	EXPECT_EQ(-EBADFD, vss_tw_done_err(self->w, 0, 5000));
	ASSERT_EQ(0, op(self, VSS_CMD_SESSION_PREPARE_BACKUP, &full));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, self->id));
	ASSERT_EQ(0, vss_tw_wait_count(self->w, 2, 10000));
	usleep(200000);
	EXPECT_STREQ("identify backup-shutdown", SEQ(self->w));
}

TEST_F_TIMEOUT(seq, duplicate_writer_and_too_many_volumes_are_refused, 120)
{
	struct vss_tw *dup = vss_tw_new("dup", VSS_WRITER_LEVEL_SYSTEM);
	const char *many[65];
	struct vss_op_args snap = { .volumes = many, .nr_volumes = 65 };

	ASSERT_NE(NULL, dup);
	memcpy(dup->class_id, self->w->class_id, 16);
	memcpy(dup->instance_id, self->w->instance_id, 16);
	EXPECT_EQ(-EEXIST, vss_tw_start(dup));
	vss_tw_free(dup);

	for (int i = 0; i < 65; i++)
		many[i] = self->vols[0];
	ASSERT_EQ(0, prepared(self));
	EXPECT_EQ(-E2BIG, vss_req_start(&self->req, VSS_CMD_SESSION_DO_SNAPSHOT_SET,
					self->id, &snap, NULL));
	EXPECT_STREQ("more than 64 volumes in one set", self->req.nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, self->req.nl.ext_status);
}

TEST_HARNESS_MAIN
