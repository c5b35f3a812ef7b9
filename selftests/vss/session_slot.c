// SPDX-License-Identifier: GPL-2.0
/*
 * One snapshot set is created at a time, system-wide, and a session holds
 * that slot from PrepareForSnapshot to PostSnapshot: another session's
 * DoSnapshotSet and a plain SNAPSHOT_CREATE get EBUSY with the status
 * "snapshot set in progress", unless the session asks to wait; a wait
 * ends when the slot is free or the session is aborted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

FIXTURE(slot) {
	struct vss_nl nl;
	struct vss_req a, b;
	struct vss_loopvol vol;
	struct vss_tw *w;
	const char *vols[1];
	uint32_t ida, idb;
};

static const struct vss_op_args full = { .backup_type = VSS_BACKUP_TYPE_FULL };

static int prepare(struct vss_req *r, uint32_t *id)
{
	struct vss_completion c;

	if (vss_req_create(r, VSS_SESSION_BACKUP, NULL, id) ||
	    vss_req_op(r, VSS_CMD_SESSION_GATHER_METADATA, *id, NULL, &c) || c.error ||
	    vss_req_op(r, VSS_CMD_SESSION_PREPARE_BACKUP, *id, &full, &c) || c.error)
		return -1;
	return 0;
}

FIXTURE_SETUP(slot)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "sl", NULL));
	self->vols[0] = vss_loopvol_path(&self->vol);
	ASSERT_EQ(0, vss_req_open(&self->a));
	ASSERT_EQ(0, vss_req_open(&self->b));
	self->w = vss_tw_new("slow", VSS_WRITER_LEVEL_FRONT_END);
	ASSERT_NE(NULL, self->w);
	/* Every Freeze takes 3 s: a DoSnapshotSet holds the slot that long. */
	vss_tw_on(self->w, VSS_EVENT_FREEZE)->delay_ms = 3000;
	ASSERT_EQ(0, vss_tw_start(self->w));
	ASSERT_EQ(0, prepare(&self->a, &self->ida));
	ASSERT_EQ(0, prepare(&self->b, &self->idb));
}

FIXTURE_TEARDOWN(slot)
{
	vss_tw_free(self->w);
	vss_req_close(&self->a);
	vss_req_close(&self->b);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->nl);
}

static uint64_t order_of(struct vss_tw *w, uint32_t session, uint32_t event)
{
	for (int i = 0; i < w->nr_events; i++)
		if (w->ev[i].session_id == session && w->ev[i].event == event)
			return w->ev[i].order;
	return 0;
}

TEST_F_TIMEOUT(slot, busy_slot_is_ebusy_and_wait_waits_for_it, 120)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };
	struct vss_op_args wait = { .volumes = self->vols, .nr_volumes = 1,
				    .flags = VSS_SESSION_F_WAIT };
	struct vss_completion ca, cb;
	struct vss_set set;
	uint32_t seqa, seqb;

	ASSERT_EQ(0, vss_req_start(&self->a, VSS_CMD_SESSION_DO_SNAPSHOT_SET, self->ida,
				   &snap, &seqa));
	ASSERT_LE(0, vss_tw_wait_event(self->w, VSS_EVENT_FREEZE, 10000));

	EXPECT_EQ(-EBUSY, vss_req_start(&self->b, VSS_CMD_SESSION_DO_SNAPSHOT_SET,
					self->idb, &snap, NULL));
	EXPECT_STREQ("another snapshot set is being created", self->b.nl.ext_msg);
	EXPECT_TRUE(self->b.nl.has_status);
	EXPECT_EQ(VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS, self->b.nl.ext_status);
	EXPECT_EQ(-EBUSY, vss_snapshot_create(&self->nl, self->vols, 1, 0, &set));

	/* With the wait flag: accepted, and done after a's set. */
	ASSERT_EQ(0, vss_req_start(&self->b, VSS_CMD_SESSION_DO_SNAPSHOT_SET, self->idb,
				   &wait, &seqb));
	ASSERT_EQ(0, vss_req_wait(&self->a, seqa, &ca, 30000));
	EXPECT_EQ(0, ca.error);
	ASSERT_EQ(0, vss_req_wait(&self->b, seqb, &cb, 30000));
	EXPECT_EQ(0, cb.error);
	EXPECT_EQ(VSS_SESSION_STATE_SNAPSHOT_DONE, cb.state);
	EXPECT_LT(ca.order, cb.order);
	EXPECT_NE(0, memcmp(ca.set_id, cb.set_id, 16));
	/* b's PrepareForSnapshot came after a's PostSnapshot. */
	EXPECT_LT(order_of(self->w, self->ida, VSS_EVENT_POST_SNAPSHOT),
		  order_of(self->w, self->idb, VSS_EVENT_PREPARE_SNAPSHOT));
	EXPECT_EQ(2, vss_snapshot_count(&self->nl));
}

TEST_F_TIMEOUT(slot, abort_ends_a_wait_for_the_slot, 120)
{
	struct vss_op_args snap = { .volumes = self->vols, .nr_volumes = 1 };
	struct vss_op_args wait = { .volumes = self->vols, .nr_volumes = 1,
				    .flags = VSS_SESSION_F_WAIT };
	struct vss_completion ca, cb;
	uint32_t seqa, seqb;
	char seq[256];

	ASSERT_EQ(0, vss_req_start(&self->a, VSS_CMD_SESSION_DO_SNAPSHOT_SET, self->ida,
				   &snap, &seqa));
	ASSERT_LE(0, vss_tw_wait_event(self->w, VSS_EVENT_FREEZE, 10000));
	ASSERT_EQ(0, vss_req_start(&self->b, VSS_CMD_SESSION_DO_SNAPSHOT_SET, self->idb,
				   &wait, &seqb));
	ASSERT_EQ(0, vss_req_cmd(&self->b, VSS_CMD_SESSION_ABORT, self->idb));
	ASSERT_EQ(0, vss_req_wait(&self->b, seqb, &cb, 10000));
	EXPECT_EQ(ECANCELED, cb.error);
	EXPECT_EQ(VSS_STATUS_CANCELLED, cb.status);
	EXPECT_EQ(VSS_SESSION_STATE_ABORTED, cb.state);
	ASSERT_EQ(0, vss_req_wait(&self->a, seqa, &ca, 30000));
	EXPECT_EQ(0, ca.error);
	/* b never reached PrepareForSnapshot: Abort without a set id. */
	ASSERT_EQ(0, vss_req_cmd(&self->b, VSS_CMD_SESSION_RELEASE, self->idb));
	for (int i = 0; i < 500 && !strstr(vss_tw_seq_session(self->w, self->idb, seq,
							       sizeof(seq)), "shutdown"); i++)
		usleep(10000);
	EXPECT_STREQ("identify prepare-backup abort backup-shutdown", seq);
	EXPECT_EQ(1, vss_snapshot_count(&self->nl));
}

TEST_HARNESS_MAIN
