// SPDX-License-Identifier: GPL-2.0
/*
 * Scale of the coordination protocol: 256 registered writers (one process
 * and socket each, every level) in one backup, each getting the exact
 * event sequence, Freeze by level and Thaw in reverse across all of them;
 * 64 sessions at once, each waiting for the creation slot (the wait flag),
 * each getting its own set. Each test prints its time and the kernel
 * memory it took (Slab delta from /proc/meminfo) for Documentation/scale.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

#define NR_WRITERS	VSS_WRITERS_MAX
#define NR_SESSIONS	VSS_SESSIONS_MAX

static long slab_kb(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Slab:", 5)) {
			v = atol(line + 5);
			break;
		}
	fclose(f);
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(scale) {
	struct vss_nl nl;
	struct vss_loopvol vol;
	struct vss_tw *w[NR_WRITERS];
};

FIXTURE_SETUP(scale)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "sp", NULL));
}

FIXTURE_TEARDOWN(scale)
{
	for (int i = 0; i < NR_WRITERS; i++)
		if (self->w[i])
			vss_tw_free(self->w[i]);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 60000));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->nl);
}

/* Front-end, back-end, system: the order writers are frozen in. */
static const uint32_t levels[] = {
	VSS_WRITER_LEVEL_FRONT_END, VSS_WRITER_LEVEL_BACK_END, VSS_WRITER_LEVEL_SYSTEM,
};

TEST_F_TIMEOUT(scale, writers_256_in_one_backup, 1200)
{
	static const char want[] = "identify prepare-backup prepare-snapshot freeze thaw "
				   "post-snapshot backup-complete backup-shutdown";
	struct vss_op_args prep = { .backup_type = VSS_BACKUP_TYPE_FULL };
	const char *vol = vss_loopvol_path(&self->vol);
	struct vss_op_args snap = { .volumes = &vol, .nr_volumes = 1 };
	uint64_t freeze_max[3] = { 0 }, freeze_min[3], thaw_max[3] = { 0 }, thaw_min[3];
	double t0, t_reg, t_gather, t_prep, t_snap, t_done;
	struct vss_completion c;
	struct vss_req req;
	long slab0, slab1;
	char name[32], seq[512];
	uint32_t id;
	int i, l, bad = 0;

	slab0 = slab_kb();
	t0 = now();
	for (i = 0; i < NR_WRITERS; i++) {
		snprintf(name, sizeof(name), "w%d", i);
		self->w[i] = vss_tw_new(name, levels[i % 3]);
		ASSERT_NE(NULL, self->w[i]);
		ASSERT_EQ(0, vss_tw_start(self->w[i]));
	}
	t_reg = now() - t0;
	slab1 = slab_kb();
	ASSERT_EQ(NR_WRITERS, vss_writer_count(&self->nl));

	ASSERT_EQ(0, vss_req_open(&req));
	ASSERT_EQ(0, vss_req_create(&req, VSS_SESSION_BACKUP, NULL, &id));
	t0 = now();
	ASSERT_EQ(0, vss_req_op(&req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, &c));
	ASSERT_EQ(0, c.error);
	t_gather = now() - t0;
	t0 = now();
	ASSERT_EQ(0, vss_req_op(&req, VSS_CMD_SESSION_PREPARE_BACKUP, id, &prep, &c));
	ASSERT_EQ(0, c.error);
	t_prep = now() - t0;
	t0 = now();
	ASSERT_EQ(0, vss_req_op(&req, VSS_CMD_SESSION_DO_SNAPSHOT_SET, id, &snap, &c));
	ASSERT_EQ(0, c.error) {
		TH_LOG("DoSnapshotSet: %s", c.message);
	}
	EXPECT_EQ(1, c.nr_snaps);
	t_snap = now() - t0;
	t0 = now();
	ASSERT_EQ(0, vss_req_op(&req, VSS_CMD_SESSION_BACKUP_COMPLETE, id, NULL, &c));
	ASSERT_EQ(0, c.error);
	t_done = now() - t0;
	ASSERT_EQ(0, vss_req_cmd(&req, VSS_CMD_SESSION_RELEASE, id));

	for (i = 0; i < 3; i++)
		freeze_min[i] = thaw_min[i] = UINT64_MAX;
	for (i = 0; i < NR_WRITERS; i++) {
		struct vss_tw *w = self->w[i];
		int f, t;

		ASSERT_LE(0, vss_tw_wait_event(w, VSS_EVENT_BACKUP_SHUTDOWN, 60000));
		if (strcmp(want, vss_tw_seq(w, seq, sizeof(seq)))) {
			if (bad++ < 5)
				TH_LOG("writer %d: %s", i, seq);
			continue;
		}
		l = i % 3;
		f = vss_tw_find(w, VSS_EVENT_FREEZE, 0);
		t = vss_tw_find(w, VSS_EVENT_THAW, 0);
		if (w->ev[f].order > freeze_max[l])
			freeze_max[l] = w->ev[f].order;
		if (w->ev[f].order < freeze_min[l])
			freeze_min[l] = w->ev[f].order;
		if (w->ev[t].order > thaw_max[l])
			thaw_max[l] = w->ev[t].order;
		if (w->ev[t].order < thaw_min[l])
			thaw_min[l] = w->ev[t].order;
	}
	EXPECT_EQ(0, bad);
	/* Every front-end writer frozen before any back-end one, and so on. */
	EXPECT_LT(freeze_max[0], freeze_min[1]);
	EXPECT_LT(freeze_max[1], freeze_min[2]);
	/* Thawed in reverse: system first. */
	EXPECT_LT(thaw_max[2], thaw_min[1]);
	EXPECT_LT(thaw_max[1], thaw_min[0]);
	vss_req_close(&req);

	printf("# %d writers: registered in %.1f s (%.2f KiB of slab each, its process and socket included); Identify %.0f ms, PrepareForBackup %.0f ms, DoSnapshotSet %.0f ms, BackupComplete %.0f ms\n",
	       NR_WRITERS, t_reg, (double)(slab1 - slab0) / NR_WRITERS, t_gather * 1000,
	       t_prep * 1000, t_snap * 1000, t_done * 1000);
}

TEST_F_TIMEOUT(scale, sessions_64_wait_for_the_slot, 1200)
{
	static struct vss_req req[NR_SESSIONS];
	struct vss_op_args prep = { .backup_type = VSS_BACKUP_TYPE_FULL };
	const char *vol = vss_loopvol_path(&self->vol);
	struct vss_op_args snap = {
		.volumes = &vol, .nr_volumes = 1, .flags = VSS_SESSION_F_WAIT,
	};
	uint32_t id[NR_SESSIONS], seq[NR_SESSIONS];
	struct vss_completion c;
	double t0, t_all;
	long slab0, slab1;
	int i, ok = 0;

	for (i = 0; i < NR_SESSIONS; i++) {
		ASSERT_EQ(0, vss_req_open(&req[i]));
		ASSERT_EQ(0, vss_req_create(&req[i], VSS_SESSION_BACKUP, NULL, &id[i]));
		ASSERT_EQ(0, vss_req_op(&req[i], VSS_CMD_SESSION_GATHER_METADATA, id[i],
					NULL, &c));
		ASSERT_EQ(0, vss_req_op(&req[i], VSS_CMD_SESSION_PREPARE_BACKUP, id[i],
					&prep, &c));
	}
	/* One more session is refused: the limit is real. */
	EXPECT_EQ(-ENOSPC, vss_req_create(&req[0], VSS_SESSION_BACKUP, NULL, &seq[0]));

	slab0 = slab_kb();
	t0 = now();
	/* All at once: one takes the slot, 63 wait for it. */
	for (i = 0; i < NR_SESSIONS; i++)
		ASSERT_EQ(0, vss_req_start(&req[i], VSS_CMD_SESSION_DO_SNAPSHOT_SET, id[i],
					   &snap, &seq[i]));
	for (i = 0; i < NR_SESSIONS; i++) {
		ASSERT_EQ(0, vss_req_wait(&req[i], seq[i], &c, 600000));
		if (c.error == 0 && c.nr_snaps == 1)
			ok++;
		else
			TH_LOG("session %u: error %u: %s", id[i], c.error, c.message);
	}
	t_all = now() - t0;
	slab1 = slab_kb();
	EXPECT_EQ(NR_SESSIONS, ok);
	EXPECT_EQ(NR_SESSIONS, vss_snapshot_count(&self->nl));

	/* Released, each session's auto-release set goes with it. */
	for (i = 0; i < NR_SESSIONS; i++) {
		EXPECT_EQ(0, vss_req_cmd(&req[i], VSS_CMD_SESSION_RELEASE, id[i]));
		vss_req_close(&req[i]);
	}
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 60000));
	for (i = 0; i < 500 && vss_snapshot_count(&self->nl); i++)
		usleep(20000);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));

	printf("# %d sessions waiting for the slot: all sets in %.1f s (%.0f ms per set), %.1f KiB of slab per session with its set\n",
	       NR_SESSIONS, t_all, t_all * 1000 / NR_SESSIONS,
	       (double)(slab1 - slab0) / NR_SESSIONS);
}

TEST_HARNESS_MAIN
