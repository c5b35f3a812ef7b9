// SPDX-License-Identifier: GPL-2.0
/*
 * The kill matrix: a writer SIGKILLed on receipt of each event of a backup
 * of a mounted ext4 (the requester's deaths at every phase are
 * session_crash's), then 200 backups (VSS_KILL_LOOPS) in each of which the
 * requester, a writer or nobody is SIGKILLed at a random moment. After
 * each: nothing is frozen, every surviving writer that took part got
 * BackupShutdown last, and no session, snapshot or snapshot device node is
 * left.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_kmsg.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

/* Device nodes of snapshots: /dev/vss-snapN. */
static int snap_nodes(void)
{
	struct dirent *d;
	DIR *dir = opendir("/dev");
	int n = 0;

	if (!dir)
		return -errno;
	while ((d = readdir(dir)))
		n += !strncmp(d->d_name, "vss-snap", 8);
	closedir(dir);
	return n;
}

/* A whole backup; exits 0 if every operation succeeded. */
static void requester(const char *volume, int tell)
{
	struct vss_op_args prep = { .backup_type = VSS_BACKUP_TYPE_FULL };
	struct vss_op_args snap = { .volumes = &volume, .nr_volumes = 1 };
	struct vss_completion c;
	struct vss_req req;
	uint32_t id;

	if (vss_req_open(&req) || vss_req_create(&req, VSS_SESSION_BACKUP, NULL, &id))
		_exit(1);
	if (tell >= 0 && write(tell, "s", 1) != 1)	/* the session exists */
		_exit(1);
	if (vss_req_op(&req, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, &c) || c.error ||
	    vss_req_op(&req, VSS_CMD_SESSION_PREPARE_BACKUP, id, &prep, &c) || c.error ||
	    vss_req_op(&req, VSS_CMD_SESSION_DO_SNAPSHOT_SET, id, &snap, &c) || c.error ||
	    vss_req_op(&req, VSS_CMD_SESSION_BACKUP_COMPLETE, id, NULL, &c) || c.error ||
	    vss_req_cmd(&req, VSS_CMD_SESSION_RELEASE, id))
		_exit(2);
	_exit(0);
}

FIXTURE(kill) {
	struct vss_nl nl;
	struct vss_loopvol vol;
	struct vss_tw *front, *back;
};

FIXTURE_VARIANT(kill) {
	uint32_t event;		/* the front-end writer dies on receiving it */
};

FIXTURE_VARIANT_ADD(kill, writer_at_identify) { .event = VSS_EVENT_IDENTIFY };
FIXTURE_VARIANT_ADD(kill, writer_at_prepare_backup) { .event = VSS_EVENT_PREPARE_BACKUP };
FIXTURE_VARIANT_ADD(kill, writer_at_prepare_snapshot) { .event = VSS_EVENT_PREPARE_SNAPSHOT };
FIXTURE_VARIANT_ADD(kill, writer_at_freeze) { .event = VSS_EVENT_FREEZE };
FIXTURE_VARIANT_ADD(kill, writer_at_thaw) { .event = VSS_EVENT_THAW };
FIXTURE_VARIANT_ADD(kill, writer_at_post_snapshot) { .event = VSS_EVENT_POST_SNAPSHOT };
FIXTURE_VARIANT_ADD(kill, writer_at_backup_complete) { .event = VSS_EVENT_BACKUP_COMPLETE };

/* The random loop: the same objects, no variants. */
FIXTURE(loop) {
	struct vss_nl nl;
	struct vss_loopvol vol;
	struct vss_tw *front, *back;
};

#define SETUP_BODY()								\
	ASSERT_EQ(0, vss_nl_open(&self->nl));					\
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));				\
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "km", "mkfs.ext4 -q -F"))

#define TEARDOWN_BODY()								\
	vss_tw_free(self->front);						\
	vss_tw_free(self->back);						\
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 20000));			\
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);		\
	vss_loopvol_teardown(&self->nl, &self->vol);				\
	vss_nl_close(&self->nl)

FIXTURE_SETUP(kill) { SETUP_BODY(); }
FIXTURE_TEARDOWN(kill) { TEARDOWN_BODY(); }
FIXTURE_SETUP(loop) { SETUP_BODY(); }
FIXTURE_TEARDOWN(loop)
{
	vss_sh("echo 0 > /sys/module/vss/parameters/test_hold_delay_ms");
	TEARDOWN_BODY();
}

/* Nothing left: no session, snapshot or node, and the filesystem writable. */
static void expect_clean(struct __test_metadata *_metadata, struct vss_nl *nl,
			 const struct vss_loopvol *vol)
{
	int i;

	for (i = 0; i < 500 && (vss_session_count(nl) || vss_snapshot_count(nl) ||
				snap_nodes()); i++)
		usleep(20000);
	EXPECT_EQ(0, vss_session_count(nl));
	EXPECT_EQ(0, vss_snapshot_count(nl));
	EXPECT_EQ(0, snap_nodes());
	EXPECT_EQ(0, vss_loopvol_writable(vol));
}

TEST_F_TIMEOUT(kill, writer_killed_on_an_event_backup_goes_on, 300)
{
	static const char full[] = "identify prepare-backup prepare-snapshot freeze thaw "
				   "post-snapshot backup-complete backup-shutdown";
	char seq[512];
	int status;
	pid_t req;

	self->front = vss_tw_new("front", VSS_WRITER_LEVEL_FRONT_END);
	self->back = vss_tw_new("back", VSS_WRITER_LEVEL_BACK_END);
	ASSERT_NE(NULL, self->front);
	ASSERT_NE(NULL, self->back);
	vss_tw_on(self->front, variant->event)->die = 1;
	ASSERT_EQ(0, vss_tw_start(self->front));
	ASSERT_EQ(0, vss_tw_start(self->back));

	req = fork();
	ASSERT_LE(0, req);
	if (req == 0)
		requester(vss_loopvol_path(&self->vol), -1);
	ASSERT_EQ(req, waitpid(req, &status, 0));
	/* Not strict: a writer's death fails that writer, not the backup. */
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The dead writer's last event is the one it died on. */
	ASSERT_LT(0, self->front->nr_events);
	EXPECT_EQ(variant->event, self->front->ev[self->front->nr_events - 1].event);
	/* The other writer saw the whole backup. */
	ASSERT_LE(0, vss_tw_wait_event(self->back, VSS_EVENT_BACKUP_SHUTDOWN, 20000));
	EXPECT_STREQ(full, vss_tw_seq(self->back, seq, sizeof(seq)));
	vss_tw_free(self->back);
	self->back = NULL;
	expect_clean(_metadata, &self->nl, &self->vol);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned int rnd(unsigned int *state, unsigned int n)
{
	*state = *state * 1103515245 + 12345;
	return (*state >> 16) % n;
}

/*
 * Where a kill fell, proved after the fact: a writer had received Freeze
 * (Thaw) before the kill and had not answered it until after, so the
 * backup was in that phase; or our kernel-log lines around the kill lie
 * between the module's lines for the held window (test_hold_delay_ms).
 */
enum phase { PH_ELSEWHERE, PH_FREEZE, PH_WINDOW, PH_THAW, NR_PHASES };
static const char *const phase_name[] = { "elsewhere", "freeze", "window", "thaw" };

/* How long the back-end writer takes to answer Freeze and Thaw, and the window lasts. */
#define PHASE_MS	200

static int writer_holds(struct vss_tw *const ws[2], uint32_t event, uint64_t before,
			uint64_t after)
{
	int j, idx;

	for (j = 0; j < 2; j++) {
		uint64_t answered;

		idx = vss_tw_find(ws[j], event, 0);
		if (idx < 0)
			continue;
		answered = __atomic_load_n(&ws[j]->ev[idx].answer_order, __ATOMIC_SEQ_CST);
		if (ws[j]->ev[idx].order < before && (!answered || answered > after))
			return 1;
	}
	return 0;
}

static enum phase kill_phase(struct vss_tw *const ws[2], int kmsg, int i,
			     uint64_t before, uint64_t after)
{
	char mark[2][64];
	const char *needles[] = { "vss: test_hold_delay_ms: window open",
				  "vss: test_hold_delay_ms: hold over", mark[0], mark[1] };
	int64_t seq[4];

	if (writer_holds(ws, VSS_EVENT_FREEZE, before, after))
		return PH_FREEZE;
	if (writer_holds(ws, VSS_EVENT_THAW, before, after))
		return PH_THAW;
	snprintf(mark[0], sizeof(mark[0]), "vss-test: kill_matrix %d kill %d sent", getpid(), i);
	snprintf(mark[1], sizeof(mark[1]), "vss-test: kill_matrix %d kill %d done", getpid(), i);
	vss_kmsg_scan(kmsg, needles, seq, 4);
	/* A window the kill did not end may still be held: its end comes. */
	if (seq[0] >= 0 && seq[1] < 0)
		seq[1] = vss_kmsg_wait(kmsg, needles[1], 20000);
	if (seq[0] >= 0 && seq[2] > seq[0] && seq[3] >= 0 &&
	    (seq[1] < 0 ? 0 : seq[3] < seq[1]))
		return PH_WINDOW;
	return PH_ELSEWHERE;
}

/* Waits for the start of the phase aimed at, then a random moment inside it. */
static void aim(enum phase target, struct vss_tw *back, int kmsg, unsigned int *state)
{
	if (target == PH_FREEZE)
		vss_tw_wait_event(back, VSS_EVENT_FREEZE, 20000);
	else if (target == PH_WINDOW)
		vss_kmsg_wait(kmsg, "vss: test_hold_delay_ms: window open", 20000);
	else if (target == PH_THAW)
		vss_tw_wait_event(back, VSS_EVENT_THAW, 20000);
	if (target != PH_ELSEWHERE)
		usleep(rnd(state, PHASE_MS / 2) * 1000);
}

/*
 * Backups in turn aim at a random moment of the whole backup, or at one
 * inside Freeze, the engine's window or Thaw; the victim is the requester,
 * a writer or nobody, in turn; the moment and the writer are random.
 * Every kill's phase is proved afterwards: each of the three phases must
 * have had the requester and a writer killed inside it.
 */
TEST_F_TIMEOUT(loop, random_kills_over_many_backups, 1800)
{
	const char *env = getenv("VSS_KILL_LOOPS");
	int loops = env ? atoi(env) : 200;
	unsigned int seed = getpid();
	int kills[3] = { 0 }, landed[2][NR_PHASES] = { { 0 } }, completed = 0, i, p;
	/* How long a backup nobody disturbs takes: kills land within it. */
	long span_ms = 200;

	/* Each aim (4) with each victim (3) at least twice. */
	if (loops < 24)
		loops = 24;
	printf("# %d backups, seed %u\n", loops, seed);
	ASSERT_EQ(0, vss_sh("echo %d > /sys/module/vss/parameters/test_hold_delay_ms", PHASE_MS));
	for (i = 0; i < loops; i++) {
		enum phase target = i % 4, where;
		int who = (i / 4) % 3;
		struct vss_tw *ws[2];
		int pipefd[2], status, j, kmsg, aim_kmsg;
		uint64_t before = 0, after = 0;
		long t0;
		char c;
		pid_t req;

		ws[0] = self->front = vss_tw_new("front", VSS_WRITER_LEVEL_FRONT_END);
		ws[1] = self->back = vss_tw_new("back", VSS_WRITER_LEVEL_BACK_END);
		ASSERT_NE(NULL, self->front);
		ASSERT_NE(NULL, self->back);
		/* Freeze goes front then back, Thaw back then front. */
		vss_tw_on(self->back, VSS_EVENT_FREEZE)->delay_ms = PHASE_MS;
		vss_tw_on(self->back, VSS_EVENT_THAW)->delay_ms = PHASE_MS;
		ASSERT_EQ(0, vss_tw_start(self->front));
		ASSERT_EQ(0, vss_tw_start(self->back));
		kmsg = vss_kmsg_open();
		aim_kmsg = vss_kmsg_open();
		ASSERT_LE(0, kmsg);
		ASSERT_LE(0, aim_kmsg);
		ASSERT_EQ(0, pipe(pipefd));
		req = fork();
		ASSERT_LE(0, req);
		if (req == 0)
			requester(vss_loopvol_path(&self->vol), pipefd[1]);
		close(pipefd[1]);
		ASSERT_EQ(1, read(pipefd[0], &c, 1));
		close(pipefd[0]);

		t0 = now_ms();
		if (who != 2) {
			if (target == PH_ELSEWHERE)
				usleep(rnd(&seed, span_ms + 1) * 1000);
			else
				aim(target, self->back, aim_kmsg, &seed);
			vss_kmsg_mark("vss-test: kill_matrix %d kill %d sent", getpid(), i);
			before = vss_order_next();
			if (who == 0)
				kill(req, SIGKILL);
			else
				vss_tw_kill(ws[rnd(&seed, 2)]);
			after = vss_order_next();
			vss_kmsg_mark("vss-test: kill_matrix %d kill %d done", getpid(), i);
		}
		ASSERT_EQ(req, waitpid(req, &status, 0));
		if (who == 2)
			span_ms = (span_ms * 3 + (now_ms() - t0)) / 4;
		kills[who]++;
		completed += WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (who == 2)
			EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

		/* A surviving writer that took part heard the session end. */
		for (j = 0; j < 2; j++) {
			struct vss_tw *w = ws[j];

			if (!w->pid || !w->nr_events)
				continue;
			EXPECT_LE(0, vss_tw_wait_event(w, VSS_EVENT_BACKUP_SHUTDOWN, 20000));
			usleep(50000);
			EXPECT_EQ(VSS_EVENT_BACKUP_SHUTDOWN, w->ev[w->nr_events - 1].event);
		}
		if (who != 2) {
			where = kill_phase(ws, kmsg, i, before, after);
			landed[who][where]++;
		}
		close(kmsg);
		close(aim_kmsg);
		vss_tw_free(self->front);
		vss_tw_free(self->back);
		self->front = self->back = NULL;
		EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 20000));
		expect_clean(_metadata, &self->nl, &self->vol);
		if (_metadata->exit_code != KSFT_PASS) {
			TH_LOG("backup %d (killed: %s) left something", i,
			       who == 0 ? "requester" : who == 1 ? "a writer" : "nobody");
			break;
		}
	}
	vss_sh("echo 0 > /sys/module/vss/parameters/test_hold_delay_ms");
	printf("# killed: requester %d, a writer %d, nobody %d; %d backups completed; a backup takes about %ld ms\n",
	       kills[0], kills[1], kills[2], completed, span_ms);
	for (p = 0; p < NR_PHASES; p++)
		printf("# kills proved inside %s: requester %d, a writer %d\n",
		       phase_name[p], landed[0][p], landed[1][p]);
	for (p = PH_FREEZE; p < NR_PHASES; p++) {
		EXPECT_LT(0, landed[0][p]);
		EXPECT_LT(0, landed[1][p]);
	}
}

TEST_HARNESS_MAIN
