// SPDX-License-Identifier: GPL-2.0
/*
 * FS_FREEZE and FS_THAW: a filesystem freeze with an owner and a deadline.
 * A writer of the filesystem blocks while it is frozen and finishes once it
 * is thawed, whichever way the freeze ends: FS_THAW, the deadline, the
 * death of the process that took it (unless detached). Each end is told on
 * the monitor group with its reason; rmmod is refused while a freeze
 * exists; bad requests are refused with the exact errno and a reason.
 * A freeze that blocks holds up no other freeze's end, and an owner's
 * death thaws its filesystems before it waits for anything else.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_nl.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"
#include "../lib/vss_storage.h"

static int fs_cmd(struct vss_nl *nl, uint8_t cmd, const char *path,
		  uint32_t timeout_ms, uint32_t flags)
{
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, cmd, VSS_FAMILY_VERSION);
	if (path)
		vss_nl_put(&m, VSS_A_FS_PATH, path, strlen(path) + 1);
	if (timeout_ms)
		vss_nl_put(&m, VSS_A_FS_TIMEOUT_MS, &timeout_ms, sizeof(timeout_ms));
	if (flags)
		vss_nl_put(&m, VSS_A_FS_FLAGS, &flags, sizeof(flags));
	return vss_nl_transact(nl, &m, NULL, 0);
}

struct fs_info {
	uint32_t owner, timeout_ms, flags, remaining_ms;
	char device[32];
};

static int fs_get(struct vss_nl *nl, const char *path, struct fs_info *fi)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_FS_GET, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_FS_PATH, path, strlen(path) + 1);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	memset(fi, 0, sizeof(*fi));
#define GET_U32(attr, field) \
	if ((a = vss_nl_attr(reply, len, attr))) memcpy(&fi->field, a + 1, 4)
	GET_U32(VSS_A_FS_OWNER, owner);
	GET_U32(VSS_A_FS_TIMEOUT_MS, timeout_ms);
	GET_U32(VSS_A_FS_FLAGS, flags);
	GET_U32(VSS_A_FS_REMAINING_MS, remaining_ms);
#undef GET_U32
	a = vss_nl_attr(reply, len, VSS_A_FS_DEVICE);
	if (a)
		snprintf(fi->device, sizeof(fi->device), "%s", (const char *)(a + 1));
	return 0;
}

/*
 * A process that creates, writes and syncs a file on the filesystem; with
 * a @gate (a pipe's read end), only once a byte comes through it: forked
 * beforehand, it is at the filesystem at once when a short freeze starts.
 */
static pid_t start_writer_gated(const char *mnt, int gate)
{
	pid_t pid = fork();

	if (pid == 0) {
		char path[128], c;
		int fd;

		if (gate >= 0 && read(gate, &c, 1) != 1)
			_exit(1);
		snprintf(path, sizeof(path), "%s/written-%d", mnt, getpid());
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "x", 1) != 1 || fsync(fd))
			_exit(1);
		_exit(0);
	}
	return pid;
}

static pid_t start_writer(const char *mnt)
{
	return start_writer_gated(mnt, -1);
}

/* The contents of /proc/PID/NAME, NUL-terminated; the length or -errno. */
static int proc_read(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n < 0 ? -EIO : (int)n;
}

/*
 * 0 once @pid sleeps in the kernel on a frozen filesystem: a task that
 * wants to write to one waits uninterruptibly (D) in sb_start_write(), on
 * the superblock's percpu rwsem. Its stack, scheduler frames left out,
 * starts at percpu_rwsem_wait() or, were that inlined, at the
 * mnt_want_write() that called it. -EIO if it ended first (it was not
 * held), -ETIMEDOUT after @ms.
 */
static int wait_blocked(pid_t pid, int ms)
{
	char stat[512], stack[4096];
	siginfo_t si;

	for (int t = 0; t <= ms; t += 10) {
		const char *state;

		si.si_pid = 0;
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) || si.si_pid)
			return -EIO;
		if (proc_read(pid, "stat", stat, sizeof(stat)) < 0 ||
		    proc_read(pid, "stack", stack, sizeof(stack)) < 0)
			return -EIO;
		state = strrchr(stat, ')');
		if (state && !strncmp(state, ") D", 3) &&
		    (strstr(stack, "percpu_rwsem_wait") || strstr(stack, "mnt_want_write")))
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/*
 * 0 once @pid sleeps in the kernel with @fn on its stack (for 200 ms, so
 * that it is waiting there, not passing through), -EIO if it ended,
 * -ETIMEDOUT after @ms.
 */
static int wait_in_kernel(pid_t pid, const char *fn, int ms)
{
	char stack[4096];
	int seen = 0;

	for (int t = 0; t <= ms; t += 10) {
		if (proc_read(pid, "stack", stack, sizeof(stack)) < 0)
			return -EIO;
		seen = strstr(stack, fn) ? seen + 10 : 0;
		if (seen >= 200)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* 0 if @pid exited with status 0 within @ms, -ETIMEDOUT if still running. */
static int wait_writer(pid_t pid, int ms)
{
	int status;

	for (int t = 0; t <= ms; t += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
		if (r < 0)
			return -errno;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next FS_* notification: its command, and its reason if it has one. */
static int next_fs_ntf(struct vss_nl *mon, uint32_t *reason, int timeout_ms)
{
	static char buf[VSS_NL_BUF];
	struct pollfd pfd = { .fd = mon->fd, .events = POLLIN };

	for (;;) {
		const struct nlattr *a;
		struct genlmsghdr *g;
		struct nlmsghdr *h;
		int n;

		if (poll(&pfd, 1, timeout_ms) != 1)
			return -ETIMEDOUT;
		n = recv(mon->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		h = (void *)buf;
		if (!NLMSG_OK(h, n) || h->nlmsg_type != mon->family)
			continue;
		g = NLMSG_DATA(h);
		if (g->cmd != VSS_CMD_FS_FROZEN_NTF && g->cmd != VSS_CMD_FS_THAWED_NTF)
			continue;
		*reason = 0;
		a = vss_nl_attr(buf, h->nlmsg_len, VSS_A_FS_REASON);
		if (a)
			memcpy(reason, a + 1, 4);
		return g->cmd;
	}
}

FIXTURE(fs) {
	struct vss_nl nl, mon;
	struct vss_loopvol vol;
	/* A second volume, for the tests that need one. */
	char img2[128], dev2[64], mnt2[64];
};

FIXTURE_SETUP(fs)
{
	uint32_t grp;

	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_nl_open(&self->mon));
	ASSERT_EQ(0, vss_nl_resolve(&self->mon));
	grp = self->mon.grp_monitor;
	ASSERT_EQ(0, setsockopt(self->mon.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "fsfreeze",
				       "mkfs.ext4 -q -F"));
}

FIXTURE_TEARDOWN(fs)
{
	/* Whatever a failed test left frozen, or set. */
	fs_cmd(&self->nl, VSS_CMD_FS_THAW, self->vol.mnt, 0, 0);
	vss_sh("echo 0 > /sys/module/vss/parameters/test_skip_preflush");
	vss_sh("echo 10000 > /sys/module/vss/parameters/hold_timeout_ms");
	if (self->mnt2[0]) {
		fs_cmd(&self->nl, VSS_CMD_FS_THAW, self->mnt2, 0, 0);
		vss_sh("umount %s; rmdir %s", self->mnt2, self->mnt2);
	}
	if (self->dev2[0]) {
		vss_storage_remove(&self->nl, self->dev2);
		vss_sh("losetup -d %s", self->dev2);
	}
	if (self->img2[0])
		unlink(self->img2);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->mon);
	vss_nl_close(&self->nl);
}

TEST_F(fs, freeze_holds_writers_until_thaw)
{
	struct fs_info fi;
	uint32_t reason;
	long elapsed;
	pid_t w;

	elapsed = now_ms();
	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 30000, 0));
	ASSERT_EQ(VSS_CMD_FS_FROZEN_NTF, next_fs_ntf(&self->mon, &reason, 5000));
	ASSERT_EQ(0, fs_get(&self->nl, self->vol.mnt, &fi));
	elapsed = now_ms() - elapsed;
	EXPECT_EQ(self->nl.portid, fi.owner);
	EXPECT_EQ(30000, fi.timeout_ms);
	EXPECT_EQ(0, fi.flags);
	/* What is left: the deadline less what passed, give or take a tick. */
	EXPECT_LE(30000 - elapsed - 20, (long)fi.remaining_ms);
	EXPECT_GE(30000, fi.remaining_ms);
	EXPECT_EQ(0, strcmp(fi.device, strrchr(self->vol.dev, '/') + 1));

	w = start_writer(self->vol.mnt);
	ASSERT_LT(0, w);
	EXPECT_EQ(0, wait_blocked(w, 30000));
	/* A second freeze of the same filesystem is refused. */
	EXPECT_EQ(-EBUSY, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 0, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "frozen by vss already"));

	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_THAW, self->vol.mnt, 0, 0));
	EXPECT_EQ(0, wait_writer(w, 10000));
	ASSERT_EQ(VSS_CMD_FS_THAWED_NTF, next_fs_ntf(&self->mon, &reason, 5000));
	EXPECT_EQ(VSS_THAW_REQUESTED, reason);
	EXPECT_EQ(-ENOENT, fs_get(&self->nl, self->vol.mnt, &fi));
	EXPECT_EQ(-ENOENT, fs_cmd(&self->nl, VSS_CMD_FS_THAW, self->vol.mnt, 0, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "no freeze of vss"));
}

TEST_F(fs, deadline_thaws)
{
	int gate[2];
	uint32_t reason;
	long t0, ms;
	pid_t w;

	/* The writer waits at the gate before the freeze: no fork in the 3 s. */
	ASSERT_EQ(0, pipe(gate));
	w = start_writer_gated(self->vol.mnt, gate[0]);
	ASSERT_LT(0, w);
	t0 = now_ms();
	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 3000, 0));
	ASSERT_EQ(1, write(gate[1], "w", 1));
	EXPECT_EQ(0, wait_blocked(w, 30000));
	EXPECT_EQ(0, wait_writer(w, 30000));
	ms = now_ms() - t0;
	TH_LOG("the writer went on after %ld ms", ms);
	EXPECT_LE(3000, ms);
	close(gate[0]);
	close(gate[1]);
	ASSERT_EQ(VSS_CMD_FS_FROZEN_NTF, next_fs_ntf(&self->mon, &reason, 5000));
	ASSERT_EQ(VSS_CMD_FS_THAWED_NTF, next_fs_ntf(&self->mon, &reason, 5000));
	EXPECT_EQ(VSS_THAW_DEADLINE, reason);
}

TEST_F(fs, owner_killed_thaws)
{
	int pipefd[2];
	uint32_t reason;
	char c;
	pid_t owner, w;

	ASSERT_EQ(0, pipe(pipefd));
	owner = fork();
	ASSERT_LE(0, owner);
	if (owner == 0) {
		struct vss_nl nl;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl) ||
		    fs_cmd(&nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 600000, 0))
			_exit(1);
		if (write(pipefd[1], "f", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	w = start_writer(self->vol.mnt);
	ASSERT_LT(0, w);
	EXPECT_EQ(0, wait_blocked(w, 30000));
	kill(owner, SIGKILL);
	ASSERT_EQ(owner, waitpid(owner, NULL, 0));
	/* The 10-minute deadline is not what thaws it. */
	EXPECT_EQ(0, wait_writer(w, 15000));
	ASSERT_EQ(VSS_CMD_FS_FROZEN_NTF, next_fs_ntf(&self->mon, &reason, 5000));
	ASSERT_EQ(VSS_CMD_FS_THAWED_NTF, next_fs_ntf(&self->mon, &reason, 5000));
	EXPECT_EQ(VSS_THAW_OWNER_GONE, reason);
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST_F(fs, detached_freeze_outlives_its_socket)
{
	struct vss_nl other;
	struct fs_info fi;
	uint32_t reason;
	pid_t w;

	ASSERT_EQ(0, vss_nl_open(&other));
	ASSERT_EQ(0, vss_nl_resolve(&other));
	ASSERT_EQ(0, fs_cmd(&other, VSS_CMD_FS_FREEZE, self->vol.mnt, 600000,
			    VSS_FS_F_DETACHED));
	vss_nl_close(&other);
	/* Until the socket's release work has run: the freeze loses its owner. */
	for (int t = 0; t < 20000; t += 20) {
		ASSERT_EQ(0, fs_get(&self->nl, self->vol.mnt, &fi));
		if (!fi.owner)
			break;
		usleep(20000);
	}
	EXPECT_EQ(0, fi.owner);
	EXPECT_EQ(VSS_FS_F_DETACHED, fi.flags);
	w = start_writer(self->vol.mnt);
	ASSERT_LT(0, w);
	EXPECT_EQ(0, wait_blocked(w, 30000));
	/* Another socket may end it. */
	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_THAW, self->vol.mnt, 0, 0));
	EXPECT_EQ(0, wait_writer(w, 10000));
	ASSERT_EQ(VSS_CMD_FS_FROZEN_NTF, next_fs_ntf(&self->mon, &reason, 5000));
	ASSERT_EQ(VSS_CMD_FS_THAWED_NTF, next_fs_ntf(&self->mon, &reason, 5000));
	EXPECT_EQ(VSS_THAW_REQUESTED, reason);
}

TEST_F(fs, rmmod_refused_while_frozen)
{
	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 60000, 0));
	EXPECT_NE(0, vss_sh("rmmod vss 2>/dev/null"));
	EXPECT_EQ(0, vss_sh("test -d /sys/module/vss"));
	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_THAW, self->vol.mnt, 0, 0));
	EXPECT_EQ(0, vss_loopvol_writable(&self->vol));
}

TEST_F(fs, bad_requests_say_why)
{
	char sub[128];
	struct vss_nl_msg m;
	uint32_t zero = 0, bad_flags = 2;

	snprintf(sub, sizeof(sub), "%s/lost+found", self->vol.mnt);
	EXPECT_EQ(-EINVAL, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, sub, 0, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "not a mount point"));
	EXPECT_EQ(-ENOENT, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, "/nonexistent/x", 0, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "path not found"));
	EXPECT_EQ(-EINVAL, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, NULL, 0, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "missing mount point"));
	EXPECT_EQ(-EOPNOTSUPP, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, "/proc", 0, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "cannot be frozen"));

	/* Policy: a zero timeout, an unknown flag. */
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_FS_FREEZE, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_FS_PATH, self->vol.mnt, strlen(self->vol.mnt) + 1);
	vss_nl_put(&m, VSS_A_FS_TIMEOUT_MS, &zero, sizeof(zero));
	EXPECT_EQ(-ERANGE, vss_nl_transact(&self->nl, &m, NULL, 0));
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_FS_FREEZE, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_FS_PATH, self->vol.mnt, strlen(self->vol.mnt) + 1);
	vss_nl_put(&m, VSS_A_FS_FLAGS, &bad_flags, sizeof(bad_flags));
	EXPECT_EQ(-EINVAL, vss_nl_transact(&self->nl, &m, NULL, 0));
	EXPECT_NE(0, self->nl.ext_msg[0]);
	/* Nothing of that froze anything. */
	EXPECT_EQ(0, vss_loopvol_writable(&self->vol));
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Filesystem B lives in an image file on A, frozen: B's freeze blocks in
 * its sync (the loop device writes to A) until A thaws at its deadline.
 * Meanwhile nothing may hold up A's deadline, and B, whose own deadline
 * passed while it froze, is thawed at once.
 */
TEST_F_TIMEOUT(fs, a_blocked_freeze_holds_up_no_other_freeze, 120)
{
	struct timespec t0;
	struct fs_info fi;
	int pipefd[2], status;
	char msg[256];
	pid_t freezer, w;
	long ms;
	int rc;

	snprintf(self->img2, sizeof(self->img2), "%s/b.img", self->vol.mnt);
	snprintf(self->mnt2, sizeof(self->mnt2), "/tmp/vss-fsb-%d.mnt", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s 32M %s && mkfs.ext4 -q -F %s", self->img2,
			    self->img2));
	ASSERT_EQ(0, vss_sh_out(self->dev2, sizeof(self->dev2),
				"losetup --find --show %s", self->img2));
	ASSERT_EQ(0, vss_sh("mkdir -p %s && mount %s %s", self->mnt2, self->dev2,
			    self->mnt2));
	/* Dirty in B's page cache: B's freeze must write it through A. */
	ASSERT_EQ(0, vss_sh("dd if=/dev/urandom of=%s/dirty bs=1M count=4 2>/dev/null",
			    self->mnt2));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 3000, 0));
	ASSERT_EQ(0, pipe(pipefd));
	freezer = fork();
	ASSERT_LE(0, freezer);
	if (freezer == 0) {
		struct vss_nl nl;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
			_exit(1);
		rc = fs_cmd(&nl, VSS_CMD_FS_FREEZE, self->mnt2, 2000, 0);
		if (write(pipefd[1], &rc, sizeof(rc)) != sizeof(rc) ||
		    write(pipefd[1], nl.ext_msg, sizeof(msg)) != sizeof(msg))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	w = start_writer(self->vol.mnt);
	ASSERT_LT(0, w);
	/* A thaws at its deadline (3 s), however long B's freeze takes. */
	EXPECT_EQ(0, wait_writer(w, 10000)) {
		TH_LOG("A is still frozen %ld ms after its 3 s freeze began", ms_since(&t0));
	}
	ms = ms_since(&t0);
	EXPECT_LE(3000, ms);
	EXPECT_GT(8000, ms);
	/* B's request ends once A is thawed: its 2 s were over, B thawed at once. */
	ASSERT_EQ(sizeof(rc), read(pipefd[0], &rc, sizeof(rc)));
	ASSERT_EQ(sizeof(msg), read(pipefd[0], msg, sizeof(msg)));
	close(pipefd[0]);
	ASSERT_EQ(freezer, waitpid(freezer, &status, 0));
	EXPECT_EQ(-ETIMEDOUT, rc);
	EXPECT_NE(NULL, strstr(msg, "longer than the timeout")) {
		TH_LOG("extack: %s", msg);
	}
	EXPECT_EQ(-ENOENT, fs_get(&self->nl, self->mnt2, &fi));
	w = start_writer(self->mnt2);
	ASSERT_LT(0, w);
	EXPECT_EQ(0, wait_writer(w, 10000));
}

/* A parameter of the module: set to @val, its old value returned (or -1). */
static int set_param(const char *name, unsigned int val)
{
	unsigned int old = 0;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/vss/parameters/%s", name);
	f = fopen(path, "r+");
	if (!f)
		return -1;
	if (fscanf(f, "%u", &old) != 1) {
		/* A bool reads Y or N. */
		rewind(f);
		old = fgetc(f) == 'Y';
	}
	rewind(f);
	fprintf(f, "%u\n", val);
	if (fclose(f))
		return -1;
	return (int)old;
}

/*
 * B: an ext4 in an image on A, with dirty data, and memory diff storage:
 * with A frozen, B's freeze blocks in its sync until A thaws.
 */
static void setup_b_on_a(struct __test_metadata *_metadata, FIXTURE_DATA(fs) *self)
{
	snprintf(self->img2, sizeof(self->img2), "%s/b.img", self->vol.mnt);
	snprintf(self->mnt2, sizeof(self->mnt2), "/tmp/vss-fsb-%d.mnt", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s 32M %s && mkfs.ext4 -q -F %s", self->img2,
			    self->img2));
	ASSERT_EQ(0, vss_sh_out(self->dev2, sizeof(self->dev2),
				"losetup --find --show %s", self->img2));
	ASSERT_EQ(0, vss_sh("mkdir -p %s && mount %s %s", self->mnt2, self->dev2,
			    self->mnt2));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev2, 8 << 20, 65536));
	ASSERT_EQ(0, vss_sh("dd if=/dev/urandom of=%s/dirty bs=1M count=4 2>/dev/null",
			    self->mnt2));
	/*
	 * Or the flush before the window would write B's dirty data, and
	 * block there, outside the window (test-only knob).
	 */
	ASSERT_EQ(0, set_param("test_skip_preflush", 1));
}

/* Once A is thawed: B writable, the set's volumes released (no EBUSY). */
static void expect_b_released(struct __test_metadata *_metadata, FIXTURE_DATA(fs) *self)
{
	pid_t w = start_writer(self->mnt2);
	int rc = -EBUSY;

	ASSERT_LT(0, w);
	EXPECT_EQ(0, wait_writer(w, 20000));
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	set_param("test_skip_preflush", 0);
	for (int t = 0; t < 100 && rc == -EBUSY; t++) {
		rc = vss_storage_remove(&self->nl, self->dev2);
		if (rc == -EBUSY)
			usleep(100000);
	}
	EXPECT_EQ(0, rc);
}

/*
 * A set whose freeze of B blocks (B in an image on A, A frozen for 40 s)
 * fails with ETIMEDOUT at its own hold_timeout_ms (2 s), not when A
 * thaws: the creator is not held in D state by a freeze that does not
 * end. B's freeze, left to its worker, is undone once A thaws.
 */
TEST_F_TIMEOUT(fs, a_set_whose_freeze_blocks_fails_at_its_hold_timeout, 120)
{
	const char *vols[1];
	struct timespec t0;
	struct vss_set set;
	int old, rc;
	long ms;

	setup_b_on_a(_metadata, self);
	vols[0] = self->mnt2;
	old = set_param("hold_timeout_ms", 2000);
	ASSERT_LT(0, old);
	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 40000, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = vss_snapshot_create(&self->nl, vols, 1, 0, &set);
	ms = ms_since(&t0);
	EXPECT_EQ(-ETIMEDOUT, rc);
	EXPECT_STREQ("hold writes timeout: the freeze window outlived hold_timeout_ms",
		     self->nl.ext_msg);
	/* 2 s, and far from A's 40 s. */
	EXPECT_LE(2000, ms);
	EXPECT_GT(15000, ms) TH_LOG("the set failed only after %ld ms", ms);
	set_param("hold_timeout_ms", (unsigned int)old);
	EXPECT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_THAW, self->vol.mnt, 0, 0));
	expect_b_released(_metadata, self);
}

/*
 * The same blocked freeze, hold_timeout_ms 60 s: SIGKILL ends the
 * creator at once (not in D state until A thaws).
 */
TEST_F_TIMEOUT(fs, a_creator_blocked_in_a_freeze_dies_at_sigkill, 120)
{
	struct timespec t0;
	int old, status;
	pid_t creator;
	long ms;

	setup_b_on_a(_metadata, self);
	old = set_param("hold_timeout_ms", 60000);
	ASSERT_LT(0, old);
	ASSERT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 40000, 0));
	creator = fork();
	ASSERT_LE(0, creator);
	if (creator == 0) {
		const char *vols[] = { self->mnt2 };
		struct vss_set set;
		struct vss_nl nl;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
			_exit(1);
		vss_snapshot_create(&nl, vols, 1, 0, &set);
		_exit(2);
	}
	/* Inside the set's creation, its freeze of B waiting for A. */
	ASSERT_EQ(0, wait_in_kernel(creator, "vss_snapset_create", 20000));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, kill(creator, SIGKILL));
	ASSERT_EQ(creator, waitpid(creator, &status, 0));
	ms = ms_since(&t0);
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_GT(5000, ms) TH_LOG("the killed creator took %ld ms to die", ms);
	set_param("hold_timeout_ms", (unsigned int)old);
	EXPECT_EQ(0, fs_cmd(&self->nl, VSS_CMD_FS_THAW, self->vol.mnt, 0, 0));
	expect_b_released(_metadata, self);
}

/*
 * The owner of a freeze of A dies while STORAGE_ADD holds vss_lock and
 * waits for A (it creates its storage file in a directory on A): the
 * death thaws A at once, not at the 20 s deadline.
 */
TEST_F_TIMEOUT(fs, owner_death_thaws_before_waiting_for_anything, 120)
{
	struct timespec t0;
	int pipefd[2], status;
	pid_t owner, adder, w;
	char c;

	/* A file storage may not be on an origin's filesystem: A is none here. */
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->vol.dev));
	snprintf(self->img2, sizeof(self->img2), "/tmp/vss-fso-%d.img", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s 16M %s", self->img2));
	ASSERT_EQ(0, vss_sh_out(self->dev2, sizeof(self->dev2),
				"losetup --find --show %s", self->img2));
	ASSERT_EQ(0, pipe(pipefd));
	owner = fork();
	ASSERT_LE(0, owner);
	if (owner == 0) {
		struct vss_nl nl;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl) ||
		    fs_cmd(&nl, VSS_CMD_FS_FREEZE, self->vol.mnt, 20000, 0))
			_exit(1);
		if (write(pipefd[1], "f", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);
	close(pipefd[1]);
	adder = fork();
	ASSERT_LE(0, adder);
	if (adder == 0) {
		struct vss_nl nl;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
			_exit(2);
		_exit(vss_storage_add_ex(&nl, self->dev2, VSS_STORAGE_FILE, self->vol.mnt,
					 16 << 20, 0, NULL, 0) ? 1 : 0);
	}
	usleep(1000000);
	/* Still waiting for A, holding vss_lock. */
	ASSERT_EQ(0, waitpid(adder, &status, WNOHANG));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, kill(owner, SIGKILL));
	ASSERT_EQ(owner, waitpid(owner, NULL, 0));
	w = start_writer(self->vol.mnt);
	ASSERT_LT(0, w);
	EXPECT_EQ(0, wait_writer(w, 15000));
	EXPECT_GT(5000, ms_since(&t0)) {
		TH_LOG("A thawed %ld ms after its owner's death (deadline: 20 s)",
		       ms_since(&t0));
	}
	ASSERT_EQ(adder, waitpid(adder, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_HARNESS_MAIN
