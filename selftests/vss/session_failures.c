// SPDX-License-Identifier: GPL-2.0
/*
 * Writers that fail and requesters that abort: a veto at Freeze, the
 * strict option, a freeze held past the writer's timeout, a writer killed
 * while frozen, a veto at Thaw, the engine's hold watchdog, an explicit
 * abort before and after the set, and a cancel of a running DoSnapshotSet. Each writer's exact events are checked:
 * Abort follows a failure at PrepareForSnapshot, Freeze or Thaw, never
 * comes after PostSnapshot, and BackupShutdown ends everything.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

static char seqbuf[512];
#define SEQ(w)	vss_tw_seq(w, seqbuf, sizeof(seqbuf))

FIXTURE(fail) {
	struct vss_nl nl;
	struct vss_req req;
	struct vss_loopvol vol;
	struct vss_tw *front, *back;
	const char *vols[1];
	uint32_t id;
	struct vss_completion c;
};

FIXTURE_SETUP(fail)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "sf", NULL));
	ASSERT_EQ(0, vss_req_open(&self->req));
	self->vols[0] = vss_loopvol_path(&self->vol);
	self->front = vss_tw_new("front", VSS_WRITER_LEVEL_FRONT_END);
	self->back = vss_tw_new("back", VSS_WRITER_LEVEL_BACK_END);
	ASSERT_NE(NULL, self->front);
	ASSERT_NE(NULL, self->back);
}

FIXTURE_TEARDOWN(fail)
{
	vss_sh("echo 0 > /sys/module/vss/parameters/test_hold_delay_ms; "
	       "echo 10000 > /sys/module/vss/parameters/hold_timeout_ms");
	vss_tw_free(self->front);
	vss_tw_free(self->back);
	vss_req_close(&self->req);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->nl);
}

static const struct vss_op_args full = { .backup_type = VSS_BACKUP_TYPE_FULL };

/* Starts both writers and a session, through PrepareForBackup. */
static int prepared(FIXTURE_DATA(fail) *self)
{
	if (vss_tw_start(self->front) || vss_tw_start(self->back) ||
	    vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &self->id) ||
	    vss_req_op(&self->req, VSS_CMD_SESSION_GATHER_METADATA, self->id, NULL,
		       &self->c) || self->c.error ||
	    vss_req_op(&self->req, VSS_CMD_SESSION_PREPARE_BACKUP, self->id, &full,
		       &self->c) || self->c.error)
		return -1;
	return 0;
}

static int do_snapshot_set(FIXTURE_DATA(fail) *self, uint32_t flags)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1,
				    .flags = flags };

	return vss_req_op(&self->req, VSS_CMD_SESSION_DO_SNAPSHOT_SET, self->id, &snap,
			  &self->c);
}

/* Releases the session, waits for each writer's last event, then a bit. */
static void release_and_wait(FIXTURE_DATA(fail) *self, int front_events, int back_events)
{
	vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, self->id);
	vss_tw_wait_count(self->front, front_events, 10000);
	vss_tw_wait_count(self->back, back_events, 10000);
	usleep(200000);	/* nothing more may come */
}

/* The writer status of writer_id in the last completion. */
static int status_of(FIXTURE_DATA(fail) *self, uint32_t writer_id)
{
	for (int i = 0; i < self->c.nr_writers; i++)
		if (self->c.w[i].id == writer_id)
			return i;
	return 0;
}

TEST_F_TIMEOUT(fail, veto_at_freeze_fails_that_writer_and_aborts_it, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->front, VSS_EVENT_FREEZE);
	int i;

	r->failure = VSS_WRITER_FAILURE_RETRYABLE;
	r->error = EAGAIN;
	snprintf(r->message, sizeof(r->message), "transaction log busy");
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, do_snapshot_set(self, 0));
	/* Not strict: the set is made, the failure reported. */
	EXPECT_EQ(0, self->c.error);
	EXPECT_EQ(1, self->c.nr_snaps);
	i = status_of(self, self->front->writer_id);
	EXPECT_EQ(VSS_WRITER_STATE_FAILED_AT_FREEZE, self->c.w[i].state);
	EXPECT_EQ(VSS_WRITER_FAILURE_RETRYABLE, self->c.w[i].failure);
	EXPECT_EQ(EAGAIN, self->c.w[i].error);
	EXPECT_STREQ("transaction log busy", self->c.w[i].message);
	i = status_of(self, self->back->writer_id);
	EXPECT_EQ(VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE, self->c.w[i].state);
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_BACKUP_COMPLETE, self->id,
				NULL, &self->c));
	release_and_wait(self, 6, 8);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-complete backup-shutdown", SEQ(self->back));
}

TEST_F_TIMEOUT(fail, strict_veto_fails_the_set_and_aborts_everyone, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->front, VSS_EVENT_FREEZE);

	r->failure = VSS_WRITER_FAILURE_NON_RETRYABLE;
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, do_snapshot_set(self, VSS_SESSION_F_STRICT));
	EXPECT_EQ(EREMOTEIO, self->c.error);
	EXPECT_EQ(VSS_STATUS_WRITER_NON_RETRYABLE, self->c.status);
	EXPECT_EQ(VSS_SESSION_STATE_FAILED, self->c.state);
	EXPECT_EQ(0, self->c.nr_snaps);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	EXPECT_EQ(-EBADFD, vss_req_start(&self->req, VSS_CMD_SESSION_BACKUP_COMPLETE,
					 self->id, NULL, NULL));
	release_and_wait(self, 6, 5);
	/* The back-end writer was never frozen: Abort after PrepareForSnapshot. */
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot abort backup-shutdown",
		     SEQ(self->back));
}

TEST_F_TIMEOUT(fail, strict_with_unselected_failed_writer_succeeds, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->front, VSS_EVENT_PREPARE_SNAPSHOT);
	struct vss_op_args prep = { .backup_type = VSS_BACKUP_TYPE_LOG };
	uint32_t sel;

	r->failure = VSS_WRITER_FAILURE_OUT_OF_RESOURCES;
	ASSERT_EQ(0, vss_tw_start(self->front));
	ASSERT_EQ(0, vss_tw_start(self->back));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &self->id));
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_GATHER_METADATA, self->id,
				NULL, &self->c));
	/* Only the back-end writer's components are selected. */
	sel = self->back->writer_id;
	prep.writers = &sel;
	prep.nr_writers = 1;
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_PREPARE_BACKUP, self->id,
				&prep, &self->c));
	ASSERT_EQ(0, do_snapshot_set(self, VSS_SESSION_F_STRICT));
	EXPECT_EQ(0, self->c.error);
	EXPECT_FALSE(self->c.w[status_of(self, self->front->writer_id)].selected);
	EXPECT_TRUE(self->c.w[status_of(self, self->back->writer_id)].selected);
	EXPECT_EQ(VSS_WRITER_STATE_FAILED_AT_PREPARE_SNAPSHOT,
		  self->c.w[status_of(self, self->front->writer_id)].state);
	release_and_wait(self, 5, 7);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot abort backup-shutdown",
		     SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", SEQ(self->back));
	EXPECT_EQ(VSS_BACKUP_TYPE_LOG, self->back->ev[1].backup_type);
}

TEST_F_TIMEOUT(fail, freeze_held_past_the_writer_timeout_fails_it, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->front, VSS_EVENT_FREEZE);
	int i;

	/* Answers Freeze after 1 s; it said it tolerates 200 ms. */
	self->front->freeze_timeout_ms = 200;
	r->delay_ms = 1000;
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, do_snapshot_set(self, 0));
	EXPECT_EQ(0, self->c.error);
	i = status_of(self, self->front->writer_id);
	EXPECT_EQ(VSS_WRITER_STATE_FAILED_AT_FREEZE, self->c.w[i].state);
	EXPECT_EQ(VSS_WRITER_FAILURE_TIMEOUT, self->c.w[i].failure);
	release_and_wait(self, 6, 7);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->front));
	/* Its late answer to Freeze was refused. */
	EXPECT_EQ(-EBADFD, vss_tw_done_err(self->front, 3, 5000));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", SEQ(self->back));
}

TEST_F_TIMEOUT(fail, strict_freeze_timeout_is_writer_timeout_status, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->back, VSS_EVENT_FREEZE);

	self->back->freeze_timeout_ms = 200;
	r->no_answer = 1;
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, do_snapshot_set(self, VSS_SESSION_F_STRICT));
	EXPECT_EQ(EREMOTEIO, self->c.error);
	EXPECT_EQ(VSS_STATUS_WRITER_TIMEOUT, self->c.status);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	release_and_wait(self, 6, 6);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->back));
}

TEST_F_TIMEOUT(fail, writer_killed_while_frozen_is_not_responding, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->front, VSS_EVENT_FREEZE);
	int i;

	r->die = 1;
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, do_snapshot_set(self, 0));
	EXPECT_EQ(0, self->c.error);
	i = status_of(self, self->front->writer_id);
	EXPECT_EQ(VSS_WRITER_STATE_FAILED_AT_FREEZE, self->c.w[i].state);
	EXPECT_EQ(VSS_WRITER_FAILURE_NOT_RESPONDING, self->c.w[i].failure);
	EXPECT_STREQ("the writer went away", self->c.w[i].message);
	i = status_of(self, self->back->writer_id);
	EXPECT_EQ(VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE, self->c.w[i].state);
	release_and_wait(self, 4, 7);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze", SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", SEQ(self->back));
}

TEST_F_TIMEOUT(fail, abort_after_prepare_backup_sends_abort_without_set_id, 120)
{
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_ABORT, self->id));
	EXPECT_EQ(-EBADFD, do_snapshot_set(self, 0));
	EXPECT_EQ(VSS_STATUS_BAD_STATE, self->req.nl.ext_status);
	release_and_wait(self, 4, 4);
	EXPECT_STREQ("identify prepare-backup abort backup-shutdown", SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup abort backup-shutdown", SEQ(self->back));
	EXPECT_FALSE(self->front->ev[2].has_set_id);
}

TEST_F_TIMEOUT(fail, abort_after_post_snapshot_sends_no_abort, 120)
{
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, do_snapshot_set(self, 0));
	ASSERT_EQ(0, self->c.error);
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_ABORT, self->id));
	EXPECT_EQ(-EBADFD, vss_req_start(&self->req, VSS_CMD_SESSION_BACKUP_COMPLETE,
					 self->id, NULL, NULL));
	release_and_wait(self, 7, 7);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", SEQ(self->front));
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
}

TEST_F_TIMEOUT(fail, abort_cancels_a_running_do_snapshot_set, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->back, VSS_EVENT_FREEZE);
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };
	uint32_t seq;

	r->delay_ms = 2000;
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, vss_req_start(&self->req, VSS_CMD_SESSION_DO_SNAPSHOT_SET,
				   self->id, &snap, &seq));
	ASSERT_LE(0, vss_tw_wait_event(self->back, VSS_EVENT_FREEZE, 10000));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_ABORT, self->id));
	ASSERT_EQ(0, vss_req_wait(&self->req, seq, &self->c, 10000));
	EXPECT_EQ(ECANCELED, self->c.error);
	EXPECT_EQ(VSS_STATUS_CANCELLED, self->c.status);
	EXPECT_EQ(VSS_SESSION_STATE_ABORTED, self->c.state);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	release_and_wait(self, 6, 6);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->back));
	/* Abort and BackupShutdown carry the set id of PrepareForSnapshot. */
	EXPECT_TRUE(self->back->ev[4].has_set_id);
	EXPECT_EQ(0, memcmp(self->back->ev[2].set_id, self->back->ev[4].set_id, 16));
	EXPECT_TRUE(self->back->ev[5].has_set_id);
	EXPECT_EQ(0, memcmp(self->back->ev[2].set_id, self->back->ev[5].set_id, 16));
}

TEST_F_TIMEOUT(fail, veto_at_thaw_fails_that_writer_and_keeps_the_set, 120)
{
	struct vss_tw_reply *r = vss_tw_on(self->back, VSS_EVENT_THAW);
	int i;

	r->failure = VSS_WRITER_FAILURE_INCONSISTENT_SNAPSHOT;
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, do_snapshot_set(self, 0));
	EXPECT_EQ(0, self->c.error);
	EXPECT_EQ(1, self->c.nr_snaps);
	i = status_of(self, self->back->writer_id);
	EXPECT_EQ(VSS_WRITER_STATE_FAILED_AT_THAW, self->c.w[i].state);
	EXPECT_EQ(VSS_WRITER_FAILURE_INCONSISTENT_SNAPSHOT, self->c.w[i].failure);
	release_and_wait(self, 7, 6);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw abort "
		     "backup-shutdown", SEQ(self->back));
}

TEST_F_TIMEOUT(fail, engine_hold_timeout_is_hold_writes_timeout_and_aborts, 120)
{
	ASSERT_EQ(0, vss_sh("echo 300 > /sys/module/vss/parameters/hold_timeout_ms && "
			    "echo 1500 > /sys/module/vss/parameters/test_hold_delay_ms"));
	ASSERT_EQ(0, prepared(self));
	ASSERT_EQ(0, do_snapshot_set(self, 0));
	vss_sh("echo 0 > /sys/module/vss/parameters/test_hold_delay_ms; "
	       "echo 10000 > /sys/module/vss/parameters/hold_timeout_ms");
	EXPECT_EQ(ETIMEDOUT, self->c.error);
	EXPECT_EQ(VSS_STATUS_HOLD_WRITES_TIMEOUT, self->c.status);
	EXPECT_EQ(VSS_SESSION_STATE_FAILED, self->c.state);
	EXPECT_NE(NULL, strstr(self->c.message, "hold writes timeout"));
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	release_and_wait(self, 6, 6);
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->front));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     SEQ(self->back));
}

TEST_HARNESS_MAIN
