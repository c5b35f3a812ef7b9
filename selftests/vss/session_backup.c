// SPDX-License-Identifier: GPL-2.0
/*
 * Backup and restore sessions that succeed: the exact events each writer
 * gets, Freeze by application level and Thaw in reverse, the set id only
 * where the rules allow it, documents both ways, the snapshots' lifetime,
 * a writer in two sessions at once, and the writer and session lists.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

#define SEQ(w)		vss_tw_seq(w, seqbuf, sizeof(seqbuf))
#define FULL_BACKUP	"identify prepare-backup prepare-snapshot freeze thaw " \
			"post-snapshot backup-complete backup-shutdown"

static char seqbuf[1024];

FIXTURE(backup) {
	struct vss_nl nl;
	struct vss_req req, other;
	struct vss_loopvol vol;
	struct vss_tw *w[3];
	const char *vols[1];
};

FIXTURE_SETUP(backup)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "sb", NULL));
	ASSERT_EQ(0, vss_req_open(&self->req));
	ASSERT_EQ(0, vss_req_open(&self->other));
	self->vols[0] = vss_loopvol_path(&self->vol);
}

FIXTURE_TEARDOWN(backup)
{
	for (int i = 0; i < 3; i++)
		vss_tw_free(self->w[i]);
	vss_req_close(&self->req);
	vss_req_close(&self->other);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->nl);
}

/* Starts writers front-end, back-end and system (in that array order). */
static int start_three(struct vss_tw **w)
{
	static const uint32_t levels[] = {
		VSS_WRITER_LEVEL_FRONT_END, VSS_WRITER_LEVEL_BACK_END,
		VSS_WRITER_LEVEL_SYSTEM,
	};
	static const char *const names[] = { "front", "back", "system" };

	/* Registered in the reverse order, so list order is not level order. */
	for (int i = 2; i >= 0; i--) {
		w[i] = vss_tw_new(names[i], levels[i]);
		if (!w[i] || vss_tw_start(w[i]))
			return -1;
	}
	return 0;
}

/* Runs Identify, PrepareForBackup and DoSnapshotSet; 0 if all succeeded. */
static int backup_to_snapshot(struct __test_metadata *_metadata, struct vss_req *req,
			      uint32_t id, const char *const *vols, uint32_t flags,
			      struct vss_completion *c)
{
	struct vss_op_args prep = { .backup_type = VSS_BACKUP_TYPE_FULL,
				    .document = "{\"components\":[\"db\"]}" };
	struct vss_op_args snap = { .volumes = vols, .nr_volumes = 1, .flags = flags };

	EXPECT_EQ(0, vss_req_op(req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, c));
	EXPECT_EQ(0, c->error);
	EXPECT_EQ(VSS_SESSION_STATE_METADATA_GATHERED, c->state);
	EXPECT_EQ(0, vss_req_op(req, VSS_CMD_SESSION_PREPARE_BACKUP, id, &prep, c));
	EXPECT_EQ(0, c->error);
	EXPECT_EQ(VSS_SESSION_STATE_PREPARED, c->state);
	EXPECT_EQ(0, vss_req_op(req, VSS_CMD_SESSION_DO_SNAPSHOT_SET, id, &snap, c));
	EXPECT_EQ(0, c->error);
	EXPECT_EQ(VSS_STATUS_SUCCESS, c->status);
	EXPECT_EQ(VSS_SESSION_STATE_SNAPSHOT_DONE, c->state);
	EXPECT_EQ(VSS_SESSION_OP_DO_SNAPSHOT_SET, c->op);
	EXPECT_TRUE(c->has_set_id);
	EXPECT_EQ(1, c->nr_snaps);
	return c->error ? -1 : 0;
}

static uint64_t order_of(struct vss_tw *w, uint32_t event)
{
	int i = vss_tw_find(w, event, 0);

	return i < 0 ? 0 : w->ev[i].order;
}

TEST_F_TIMEOUT(backup, full_backup_events_in_order_freeze_by_level, 120)
{
	struct vss_completion c;
	uint8_t set_id[16];
	uint32_t id;
	int i, j;

	ASSERT_EQ(0, start_three(self->w));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &id));
	ASSERT_EQ(0, backup_to_snapshot(_metadata, &self->req, id, self->vols, 0, &c));
	memcpy(set_id, c.set_id, 16);
	ASSERT_EQ(3, c.nr_writers);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE, c.w[i].state);
		EXPECT_EQ(VSS_WRITER_FAILURE_NONE, c.w[i].failure);
		EXPECT_TRUE(c.w[i].selected);
	}
	EXPECT_EQ(1, vss_snapshot_count(&self->nl));
	EXPECT_EQ(0, vss_sh("dd if=%s of=/dev/null bs=64k count=1 status=none",
			    c.device[0]));

	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_BACKUP_COMPLETE, id, NULL, &c));
	EXPECT_EQ(0, c.error);
	EXPECT_EQ(VSS_SESSION_STATE_BACKUP_COMPLETE, c.state);
	for (i = 0; i < c.nr_writers; i++)
		EXPECT_EQ(VSS_WRITER_STATE_STABLE, c.w[i].state);
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, id));

	for (i = 0; i < 3; i++) {
		struct vss_tw *w = self->w[i];

		ASSERT_EQ(0, vss_tw_wait_count(w, 8, 10000));
		EXPECT_STREQ(FULL_BACKUP, SEQ(w));
		for (j = 0; j < w->nr_events; j++) {
			uint32_t ev = w->ev[j].event;
			int want_set = ev != VSS_EVENT_IDENTIFY &&
				       ev != VSS_EVENT_PREPARE_BACKUP &&
				       ev != VSS_EVENT_BACKUP_COMPLETE;

			/* The set id from PrepareForSnapshot to PostSnapshot, and at shutdown. */
			EXPECT_EQ(want_set, w->ev[j].has_set_id);
			if (want_set)
				EXPECT_EQ(0, memcmp(set_id, w->ev[j].set_id, 16));
			EXPECT_EQ(id, w->ev[j].session_id);
			EXPECT_EQ(0, vss_tw_done_err(w, j, 5000));
		}
	}
	/* Every PrepareForSnapshot before any Freeze; front, back, system. */
	for (i = 0; i < 3; i++)
		EXPECT_LT(order_of(self->w[i], VSS_EVENT_PREPARE_SNAPSHOT),
			  order_of(self->w[0], VSS_EVENT_FREEZE));
	EXPECT_LT(order_of(self->w[0], VSS_EVENT_FREEZE),
		  order_of(self->w[1], VSS_EVENT_FREEZE));
	EXPECT_LT(order_of(self->w[1], VSS_EVENT_FREEZE),
		  order_of(self->w[2], VSS_EVENT_FREEZE));
	/* Thaw in reverse: system, back, front; then PostSnapshot. */
	EXPECT_LT(order_of(self->w[2], VSS_EVENT_FREEZE),
		  order_of(self->w[2], VSS_EVENT_THAW));
	EXPECT_LT(order_of(self->w[2], VSS_EVENT_THAW),
		  order_of(self->w[1], VSS_EVENT_THAW));
	EXPECT_LT(order_of(self->w[1], VSS_EVENT_THAW),
		  order_of(self->w[0], VSS_EVENT_THAW));
	for (i = 0; i < 3; i++)
		EXPECT_LT(order_of(self->w[0], VSS_EVENT_THAW),
			  order_of(self->w[i], VSS_EVENT_POST_SNAPSHOT));
	/* Deleted before BackupShutdown: the auto-release snapshot is gone. */
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
}

TEST_F_TIMEOUT(backup, documents_reach_writers_and_metadata_the_requester, 120)
{
	struct vss_op_args done = { .document = "{\"components\":[\"db\"],\"succeeded\":true}" };
	struct vss_completion c;
	char doc[256];
	uint32_t id;
	int i;

	self->w[0] = vss_tw_new("pgsql", VSS_WRITER_LEVEL_BACK_END);
	ASSERT_NE(NULL, self->w[0]);
	snprintf(self->w[0]->metadata, sizeof(self->w[0]->metadata),
		 "{\"components\":[{\"name\":\"db\",\"selectable\":true}]}");
	ASSERT_EQ(0, vss_tw_start(self->w[0]));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &id));
	ASSERT_EQ(0, backup_to_snapshot(_metadata, &self->req, id, self->vols, 0, &c));
	ASSERT_EQ(0, vss_req_writer_metadata(&self->req, id, self->w[0]->writer_id,
					     VSS_A_SESSION_WRITER_METADATA, doc,
					     sizeof(doc)));
	EXPECT_STREQ(self->w[0]->metadata, doc);
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_BACKUP_COMPLETE, id,
				&done, &c));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, id));
	ASSERT_EQ(0, vss_tw_wait_count(self->w[0], 8, 10000));
	i = vss_tw_find(self->w[0], VSS_EVENT_PREPARE_BACKUP, 0);
	ASSERT_LE(0, i);
	EXPECT_STREQ("{\"components\":[\"db\"]}", self->w[0]->ev[i].document);
	EXPECT_EQ(VSS_BACKUP_TYPE_FULL, self->w[0]->ev[i].backup_type);
	i = vss_tw_find(self->w[0], VSS_EVENT_PREPARE_SNAPSHOT, 0);
	ASSERT_LE(0, i);
	EXPECT_EQ(1, self->w[0]->ev[i].nr_volumes);
	i = vss_tw_find(self->w[0], VSS_EVENT_BACKUP_COMPLETE, 0);
	ASSERT_LE(0, i);
	EXPECT_STREQ(done.document, self->w[0]->ev[i].document);
}

TEST_F_TIMEOUT(backup, persistent_snapshots_outlive_the_session, 120)
{
	struct vss_completion c;
	uint32_t id;

	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &id));
	ASSERT_EQ(0, backup_to_snapshot(_metadata, &self->req, id, self->vols,
					VSS_SESSION_F_PERSISTENT, &c));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, id));
	ASSERT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
	EXPECT_EQ(1, vss_snapshot_count(&self->nl));
}

TEST_F_TIMEOUT(backup, delete_snapshots_before_release, 120)
{
	struct vss_completion c;
	char seq[256];
	uint32_t id;

	self->w[0] = vss_tw_new("w", VSS_WRITER_LEVEL_SYSTEM);
	ASSERT_EQ(0, vss_tw_start(self->w[0]));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &id));
	ASSERT_EQ(0, backup_to_snapshot(_metadata, &self->req, id, self->vols,
					VSS_SESSION_F_PERSISTENT, &c));
	EXPECT_EQ(1, vss_req_delete_snapshots(&self->req, id));
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	EXPECT_EQ(-ENOENT, vss_req_delete_snapshots(&self->req, id));
	EXPECT_STREQ("the session has no snapshots", self->req.nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_OBJECT_NOT_FOUND, self->req.nl.ext_status);
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, id));
	ASSERT_EQ(0, vss_tw_wait_count(self->w[0], 7, 10000));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", vss_tw_seq(self->w[0], seq, sizeof(seq)));
}

TEST_F_TIMEOUT(backup, restore_session_events_and_restore_status, 120)
{
	struct vss_op_args pre = { .document = "{\"restore\":[\"db\"]}" };
	struct vss_completion c;
	char doc[128];
	uint32_t id;

	self->w[0] = vss_tw_new("pgsql", VSS_WRITER_LEVEL_BACK_END);
	ASSERT_EQ(0, vss_tw_start(self->w[0]));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_RESTORE,
				    "{\"saved\":\"bcd\"}", &id));
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, &c));
	EXPECT_EQ(0, c.error);
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_PRE_RESTORE, id, &pre, &c));
	EXPECT_EQ(0, c.error);
	EXPECT_EQ(VSS_SESSION_STATE_PRE_RESTORED, c.state);
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_POST_RESTORE, id, NULL, &c));
	EXPECT_EQ(0, c.error);
	EXPECT_EQ(VSS_SESSION_STATE_POST_RESTORED, c.state);
	ASSERT_EQ(1, c.nr_writers);
	EXPECT_EQ(VSS_WRITER_STATE_STABLE, c.w[0].state);
	ASSERT_EQ(0, vss_req_writer_metadata(&self->req, id, self->w[0]->writer_id,
					     VSS_A_SESSION_RESTORE_STATUS, doc, sizeof(doc)));
	EXPECT_STREQ("{\"pgsql\":\"post-restore\"}", doc);
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, id));
	ASSERT_EQ(0, vss_tw_wait_count(self->w[0], 4, 10000));
	EXPECT_STREQ("identify pre-restore post-restore backup-shutdown", SEQ(self->w[0]));
	EXPECT_STREQ("{\"restore\":[\"db\"]}", self->w[0]->ev[1].document);
	/* No set in a restore: BackupShutdown carries the zero id. */
	EXPECT_TRUE(self->w[0]->ev[3].has_set_id);
	EXPECT_EQ(0, memcmp(self->w[0]->ev[3].set_id, (uint8_t[16]){ 0 }, 16));
}

TEST_F_TIMEOUT(backup, writer_in_two_sessions_tells_them_apart_by_set_id, 120)
{
	struct vss_completion ca, cb;
	struct vss_req *other = &self->other;
	char seq[256];
	uint32_t a, b;
	int i;

	self->w[0] = vss_tw_new("shared", VSS_WRITER_LEVEL_FRONT_END);
	ASSERT_EQ(0, vss_tw_start(self->w[0]));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &a));
	ASSERT_EQ(0, vss_req_create(other, VSS_SESSION_BACKUP, NULL, &b));
	ASSERT_EQ(0, backup_to_snapshot(_metadata, &self->req, a, self->vols, 0, &ca));
	ASSERT_EQ(0, backup_to_snapshot(_metadata, other, b, self->vols, 0, &cb));
	EXPECT_NE(0, memcmp(ca.set_id, cb.set_id, 16));
	/* b ends first, then a. */
	ASSERT_EQ(0, vss_req_cmd(other, VSS_CMD_SESSION_RELEASE, b));
	ASSERT_LE(0, vss_tw_wait_event(self->w[0], VSS_EVENT_BACKUP_SHUTDOWN, 10000));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, a));
	ASSERT_EQ(0, vss_tw_wait_count(self->w[0], 14, 10000));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", vss_tw_seq_session(self->w[0], a, seq, sizeof(seq)));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown", vss_tw_seq_session(self->w[0], b, seq, sizeof(seq)));
	i = vss_tw_find(self->w[0], VSS_EVENT_BACKUP_SHUTDOWN, 0);
	EXPECT_EQ(b, self->w[0]->ev[i].session_id);
	EXPECT_EQ(0, memcmp(cb.set_id, self->w[0]->ev[i].set_id, 16));
	i = vss_tw_find(self->w[0], VSS_EVENT_BACKUP_SHUTDOWN, 1);
	EXPECT_EQ(a, self->w[0]->ev[i].session_id);
	EXPECT_EQ(0, memcmp(ca.set_id, self->w[0]->ev[i].set_id, 16));
}

struct listed {
	int writers;
	uint32_t level, state;
	char name[64];
	int sessions;
	uint32_t session_state, owner;
};

static void on_writer(const struct nlmsghdr *h, void *arg)
{
	struct listed *l = arg;
	const struct nlattr *a;

	l->writers++;
	a = vss_nl_attr(h, h->nlmsg_len, VSS_A_WRITER_NAME);
	if (a)
		snprintf(l->name, sizeof(l->name), "%s", (const char *)(a + 1));
	a = vss_nl_attr(h, h->nlmsg_len, VSS_A_WRITER_LEVEL);
	if (a)
		memcpy(&l->level, a + 1, 4);
	a = vss_nl_attr(h, h->nlmsg_len, VSS_A_WRITER_STATE);
	if (a)
		memcpy(&l->state, a + 1, 4);
}

static void on_session(const struct nlmsghdr *h, void *arg)
{
	struct listed *l = arg;
	const struct nlattr *a;

	l->sessions++;
	a = vss_nl_attr(h, h->nlmsg_len, VSS_A_SESSION_STATE);
	if (a)
		memcpy(&l->session_state, a + 1, 4);
	a = vss_nl_attr(h, h->nlmsg_len, VSS_A_SESSION_OWNER);
	if (a)
		memcpy(&l->owner, a + 1, 4);
}

TEST_F_TIMEOUT(backup, writers_and_sessions_are_listed, 120)
{
	struct listed l = { 0 };
	struct vss_completion c;
	struct vss_nl_msg m;
	uint32_t id;

	self->w[0] = vss_tw_new("listed-writer", VSS_WRITER_LEVEL_BACK_END);
	ASSERT_EQ(0, vss_tw_start(self->w[0]));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &id));
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, &c));

	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_WRITER_GET, VSS_FAMILY_VERSION);
	EXPECT_EQ(1, vss_nl_dump(&self->nl, &m, on_writer, &l));
	EXPECT_STREQ("listed-writer", l.name);
	EXPECT_EQ(VSS_WRITER_LEVEL_BACK_END, l.level);
	EXPECT_EQ(VSS_WRITER_STATE_STABLE, l.state);

	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_SESSION_GET, VSS_FAMILY_VERSION);
	EXPECT_EQ(1, vss_nl_dump(&self->nl, &m, on_session, &l));
	EXPECT_EQ(VSS_SESSION_STATE_METADATA_GATHERED, l.session_state);
	EXPECT_EQ(self->req.nl.portid, l.owner);

	/* WRITER_GET of one writer by id, and an unknown id. */
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_WRITER_GET, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_WRITER_ID, (uint32_t *)&self->w[0]->writer_id, 4);
	EXPECT_LT(0, vss_nl_transact(&self->nl, &m, NULL, 0));
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_WRITER_GET, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_WRITER_ID, &(uint32_t){ 0xfffffff0 }, 4);
	EXPECT_EQ(-ENOENT, vss_nl_transact(&self->nl, &m, NULL, 0));
	EXPECT_STREQ("no writer with this id", self->nl.ext_msg);
	EXPECT_EQ(VSS_STATUS_OBJECT_NOT_FOUND, self->nl.ext_status);

	/* The writer's socket closes: it is gone from the list. */
	vss_tw_free(self->w[0]);
	self->w[0] = NULL;
	for (int i = 0; i < 100 && vss_writer_count(&self->nl); i++)
		usleep(20000);
	EXPECT_EQ(0, vss_writer_count(&self->nl));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, id));
}

/* The next SESSION_STATE_NTF of session id on mon, as "state/op". */
static int next_state(struct vss_nl *mon, uint32_t id, char *out, size_t size)
{
	static char buf[VSS_NL_BUF];

	for (;;) {
		struct pollfd pfd = { .fd = mon->fd, .events = POLLIN };
		const struct nlmsghdr *h = (const void *)buf;
		const struct nlattr *a;
		uint32_t sid = 0, state = 0, op = 0;
		ssize_t n;

		if (poll(&pfd, 1, 5000) != 1)
			return -ETIMEDOUT;
		n = recv(mon->fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN) || h->nlmsg_type != mon->family ||
		    ((const struct genlmsghdr *)NLMSG_DATA(h))->cmd != VSS_CMD_SESSION_STATE_NTF)
			continue;
		a = vss_nl_attr(buf, n, VSS_A_SESSION_ID);
		if (a)
			memcpy(&sid, a + 1, 4);
		a = vss_nl_attr(buf, n, VSS_A_SESSION_STATE);
		if (a)
			memcpy(&state, a + 1, 4);
		a = vss_nl_attr(buf, n, VSS_A_SESSION_OP);
		if (a)
			memcpy(&op, a + 1, 4);
		if (sid != id)
			continue;
		snprintf(out, size, "%u/%u", state, op);
		return 0;
	}
}

TEST_F_TIMEOUT(backup, state_changes_are_announced_on_the_monitor_group, 120)
{
	struct vss_completion c;
	struct vss_nl mon;
	uint32_t grp, id;
	char st[32];

	ASSERT_EQ(0, vss_nl_open(&mon));
	ASSERT_EQ(0, vss_nl_resolve(&mon));
	grp = mon.grp_monitor;
	ASSERT_EQ(0, setsockopt(mon.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				sizeof(grp)));
	ASSERT_EQ(0, vss_req_create(&self->req, VSS_SESSION_BACKUP, NULL, &id));
	ASSERT_EQ(0, vss_req_op(&self->req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, &c));
	ASSERT_EQ(0, vss_req_cmd(&self->req, VSS_CMD_SESSION_RELEASE, id));
	/* created; gathering; gathered; released. */
	ASSERT_EQ(0, next_state(&mon, id, st, sizeof(st)));
	EXPECT_STREQ("0/0", st);
	ASSERT_EQ(0, next_state(&mon, id, st, sizeof(st)));
	EXPECT_STREQ("0/1", st);
	ASSERT_EQ(0, next_state(&mon, id, st, sizeof(st)));
	EXPECT_STREQ("1/0", st);
	ASSERT_EQ(0, next_state(&mon, id, st, sizeof(st)));
	EXPECT_STREQ("9/0", st);
	vss_nl_close(&mon);
}

TEST_HARNESS_MAIN
