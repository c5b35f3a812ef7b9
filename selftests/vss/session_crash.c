// SPDX-License-Identifier: GPL-2.0
/*
 * A requester killed (SIGKILL) at every phase of a backup of a mounted
 * ext4: its socket's release releases the session. Each writer then gets
 * BackupShutdown with the session's set id (zero before a set was
 * started), preceded by Abort only if the requester died between
 * PrepareForSnapshot and PostSnapshot; the auto-release snapshots are
 * deleted and nothing is left frozen.
 *
 * The dead requester's port id may be taken by a new socket before the
 * operation it had started ends: that socket never gets its completion.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

enum phase {
	AFTER_GATHER,
	IN_PREPARE,		/* a writer is slow to answer PrepareForBackup */
	AFTER_PREPARE,
	IN_FREEZE,		/* a writer is slow to answer Freeze */
	IN_WINDOW,		/* inside the engine's flush-freeze-switch */
	AFTER_SNAPSHOT,
	AFTER_COMPLETE,
};

FIXTURE(crash) {
	struct vss_nl nl;
	struct vss_loopvol vol;
	struct vss_tw *front, *back;
	pid_t requester;
};

FIXTURE_VARIANT(crash) {
	enum phase phase;
	const char *front_seq;
	const char *back_seq;
};

FIXTURE_VARIANT_ADD(crash, after_gather) {
	.phase = AFTER_GATHER,
	.front_seq = "identify backup-shutdown",
	.back_seq = "identify backup-shutdown",
};

/* A release is not an abort: no Abort before PrepareForSnapshot. */
FIXTURE_VARIANT_ADD(crash, while_a_writer_prepares_backup) {
	.phase = IN_PREPARE,
	.front_seq = "identify prepare-backup backup-shutdown",
	.back_seq = "identify prepare-backup backup-shutdown",
};

FIXTURE_VARIANT_ADD(crash, after_prepare_backup) {
	.phase = AFTER_PREPARE,
	.front_seq = "identify prepare-backup backup-shutdown",
	.back_seq = "identify prepare-backup backup-shutdown",
};

FIXTURE_VARIANT_ADD(crash, while_a_writer_freezes) {
	.phase = IN_FREEZE,
	.front_seq = "identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
	.back_seq = "identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
};

FIXTURE_VARIANT_ADD(crash, inside_the_engine_window) {
	.phase = IN_WINDOW,
	.front_seq = "identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
	.back_seq = "identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
};

FIXTURE_VARIANT_ADD(crash, after_do_snapshot_set) {
	.phase = AFTER_SNAPSHOT,
	.front_seq = "identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-shutdown",
	.back_seq = "identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		    "backup-shutdown",
};

FIXTURE_VARIANT_ADD(crash, after_backup_complete) {
	.phase = AFTER_COMPLETE,
	.front_seq = "identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		     "backup-complete backup-shutdown",
	.back_seq = "identify prepare-backup prepare-snapshot freeze thaw post-snapshot "
		    "backup-complete backup-shutdown",
};

FIXTURE_SETUP(crash)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "sc", "mkfs.ext4 -q -F"));
	self->front = vss_tw_new("front", VSS_WRITER_LEVEL_FRONT_END);
	self->back = vss_tw_new("back", VSS_WRITER_LEVEL_BACK_END);
	ASSERT_NE(NULL, self->front);
	ASSERT_NE(NULL, self->back);
	if (variant->phase == IN_FREEZE)
		vss_tw_on(self->back, VSS_EVENT_FREEZE)->delay_ms = 3000;
	if (variant->phase == IN_PREPARE)
		vss_tw_on(self->back, VSS_EVENT_PREPARE_BACKUP)->delay_ms = 3000;
	ASSERT_EQ(0, vss_tw_start(self->front));
	ASSERT_EQ(0, vss_tw_start(self->back));
}

FIXTURE_TEARDOWN(crash)
{
	if (self->requester > 0) {
		kill(self->requester, SIGKILL);
		waitpid(self->requester, NULL, 0);
	}
	vss_sh("echo 0 > /sys/module/vss/parameters/test_hold_delay_ms");
	vss_tw_free(self->front);
	vss_tw_free(self->back);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->nl);
}

/* The requester: runs the backup up to @phase, tells the parent, waits to die. */
static void requester(enum phase phase, const char *volume, int tell)
{
	struct vss_op_args prep = { .backup_type = VSS_BACKUP_TYPE_FULL };
	struct vss_op_args snap = { .volumes = &volume, .nr_volumes = 1 };
	struct vss_completion c;
	struct vss_req req;
	uint32_t id;
	char ok = 1;

	if (vss_req_open(&req) || vss_req_create(&req, VSS_SESSION_BACKUP, NULL, &id) ||
	    vss_req_op(&req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, &c) ||
	    (phase >= AFTER_PREPARE &&
	     vss_req_op(&req, VSS_CMD_SESSION_PREPARE_BACKUP, id, &prep, &c)) ||
	    (phase == IN_PREPARE &&
	     vss_req_start(&req, VSS_CMD_SESSION_PREPARE_BACKUP, id, &prep, NULL)))
		_exit(1);
	if (phase == IN_FREEZE || phase == IN_WINDOW) {
		if (vss_req_start(&req, VSS_CMD_SESSION_DO_SNAPSHOT_SET, id, &snap, NULL))
			_exit(1);
	} else if (phase >= AFTER_SNAPSHOT) {
		if (vss_req_op(&req, VSS_CMD_SESSION_DO_SNAPSHOT_SET, id, &snap, &c) ||
		    c.error) {
			fprintf(stderr, "# DoSnapshotSet: %s (errno %u)\n", c.message,
				c.error);
			_exit(1);
		}
		if (phase == AFTER_COMPLETE &&
		    vss_req_op(&req, VSS_CMD_SESSION_BACKUP_COMPLETE, id, NULL, &c))
			_exit(1);
	}
	if (write(tell, &ok, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

TEST_F_TIMEOUT(crash, writers_get_backup_shutdown_and_nothing_stays_frozen, 180)
{
	static const uint8_t zero[16];
	struct vss_tw *ws[] = { self->front, self->back };
	const char *want[] = { variant->front_seq, variant->back_seq };
	char seq[512], ok;
	int pipefd[2], status, i;

	if (variant->phase == IN_WINDOW)
		ASSERT_EQ(0, vss_sh("echo 3000 > /sys/module/vss/parameters/test_hold_delay_ms"));
	ASSERT_EQ(0, pipe(pipefd));
	self->requester = fork();
	ASSERT_LE(0, self->requester);
	if (self->requester == 0)
		requester(variant->phase, vss_loopvol_path(&self->vol), pipefd[1]);
	close(pipefd[1]);	/* a requester that fails closes the pipe */
	ASSERT_EQ(1, read(pipefd[0], &ok, 1));
	close(pipefd[0]);
	if (variant->phase == IN_PREPARE) {
		/* The back-end writer sits on its PrepareForBackup for 3 s. */
		ASSERT_LE(0, vss_tw_wait_event(self->back, VSS_EVENT_PREPARE_BACKUP, 10000));
		usleep(300000);
	} else if (variant->phase == IN_FREEZE) {
		/* The back-end writer sits on its Freeze for 3 s. */
		ASSERT_LE(0, vss_tw_wait_event(self->back, VSS_EVENT_FREEZE, 10000));
		usleep(300000);
	} else if (variant->phase == IN_WINDOW) {
		/* Both answered Freeze at once; the window lasts 3 s. */
		ASSERT_LE(0, vss_tw_wait_event(self->back, VSS_EVENT_FREEZE, 10000));
		usleep(1000000);
	}
	ASSERT_EQ(0, kill(self->requester, SIGKILL));
	ASSERT_EQ(self->requester, waitpid(self->requester, &status, 0));
	self->requester = 0;
	ASSERT_TRUE(WIFSIGNALED(status));

	for (i = 0; i < 2; i++) {
		struct vss_tw *w = ws[i];
		int pfs, last;

		ASSERT_LE(0, vss_tw_wait_event(w, VSS_EVENT_BACKUP_SHUTDOWN, 20000));
		usleep(200000);
		EXPECT_STREQ(want[i], vss_tw_seq(w, seq, sizeof(seq)));
		last = w->nr_events - 1;
		ASSERT_EQ(VSS_EVENT_BACKUP_SHUTDOWN, w->ev[last].event);
		EXPECT_TRUE(w->ev[last].has_set_id);
		/* The set id of this backup, or zero if it never had one. */
		pfs = vss_tw_find(w, VSS_EVENT_PREPARE_SNAPSHOT, 0);
		EXPECT_EQ(0, memcmp(pfs < 0 ? zero : w->ev[pfs].set_id,
				    w->ev[last].set_id, 16));
	}
	/* The session is gone, so are its auto-release snapshots. */
	for (i = 0; i < 500 && vss_session_count(&self->nl); i++)
		usleep(20000);
	EXPECT_EQ(0, vss_session_count(&self->nl));
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	/* Nothing is frozen: the filesystem takes a write. */
	EXPECT_EQ(0, vss_loopvol_writable(&self->vol));
}

FIXTURE(reuse) {
	struct vss_nl nl;
	struct vss_loopvol vol;
	pid_t requester;
};

FIXTURE_SETUP(reuse)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "pr", NULL));
}

FIXTURE_TEARDOWN(reuse)
{
	if (self->requester > 0) {
		kill(self->requester, SIGKILL);
		waitpid(self->requester, NULL, 0);
	}
	vss_sh("echo 0 > /sys/module/vss/parameters/test_hold_delay_ms");
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->nl);
}

/* Starts a DoSnapshotSet, sends the parent its port id, waits to die. */
static void requester_in_window(const char *volume, int tell)
{
	struct vss_op_args prep = { .backup_type = VSS_BACKUP_TYPE_FULL };
	struct vss_op_args snap = { .volumes = &volume, .nr_volumes = 1 };
	struct vss_completion c;
	struct vss_req req;
	uint32_t id;

	if (vss_req_open(&req) || vss_req_create(&req, VSS_SESSION_BACKUP, NULL, &id) ||
	    vss_req_op(&req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, &c) ||
	    vss_req_op(&req, VSS_CMD_SESSION_PREPARE_BACKUP, id, &prep, &c) ||
	    vss_req_start(&req, VSS_CMD_SESSION_DO_SNAPSHOT_SET, id, &snap, NULL))
		_exit(1);
	if (write(tell, &req.nl.portid, sizeof(req.nl.portid)) != sizeof(req.nl.portid))
		_exit(1);
	for (;;)
		pause();
}

TEST_F_TIMEOUT(reuse, a_new_socket_on_the_dead_requesters_portid_gets_no_completion, 120)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct pollfd pfd = { .events = POLLIN };
	uint32_t portid = 0;
	char buf[8192];
	int pipefd[2], status, i;
	ssize_t n;

	/* The engine's window lasts 3 s: the operation ends after the death. */
	ASSERT_EQ(0, vss_sh("echo 3000 > /sys/module/vss/parameters/test_hold_delay_ms"));
	ASSERT_EQ(0, pipe(pipefd));
	self->requester = fork();
	ASSERT_LE(0, self->requester);
	if (self->requester == 0)
		requester_in_window(vss_loopvol_path(&self->vol), pipefd[1]);
	close(pipefd[1]);
	ASSERT_EQ(sizeof(portid), read(pipefd[0], &portid, sizeof(portid)));
	close(pipefd[0]);
	ASSERT_NE(0, portid);
	usleep(1000000);	/* inside the window */
	ASSERT_EQ(0, kill(self->requester, SIGKILL));
	ASSERT_EQ(self->requester, waitpid(self->requester, &status, 0));
	self->requester = 0;

	/* Its release ran in its exit: the port id is free, and taken. */
	pfd.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, pfd.fd);
	sa.nl_pid = portid;
	ASSERT_EQ(0, bind(pfd.fd, (struct sockaddr *)&sa, sizeof(sa)));
	/* The window ends about 2 s from now: wait well past it. */
	for (i = 0; i < 60 && vss_session_count(&self->nl); i++)
		usleep(100000);
	EXPECT_EQ(0, vss_session_count(&self->nl));
	ASSERT_EQ(0, poll(&pfd, 1, 1000)) {
		n = recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT);
		TH_LOG("the socket on port id %u got %zd bytes, type %u cmd %u", portid, n,
		       n >= (ssize_t)sizeof(struct nlmsghdr) ? ((struct nlmsghdr *)buf)->nlmsg_type : 0,
		       n >= (ssize_t)sizeof(struct nlmsghdr) + 1 ? (unsigned char)buf[sizeof(struct nlmsghdr)] : 0);
	}
	close(pfd.fd);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
}

TEST_HARNESS_MAIN
