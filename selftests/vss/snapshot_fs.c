// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of mounted filesystems: frozen for the switch, the snapshot
 * mounts read-only with the files of its moment (checksums), fscks clean,
 * and the origin goes on with the new data. Also: one instant across a
 * set of volumes under a live writer, and the hold watchdog.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_kmsg.h"
#include "../lib/vss_ops.h"

#define MiB		(1ULL << 20)
#define NR_VOLS		3

struct volume {
	char img[64];
	char dev[64];
	char mnt[64];
};

static int volume_setup(struct volume *v, const char *tag, int i, const char *mkfs)
{
	snprintf(v->img, sizeof(v->img), "/tmp/vss-%s-%d-%d.img", tag, getpid(), i);
	snprintf(v->mnt, sizeof(v->mnt), "/tmp/vss-%s-%d-%d.mnt", tag, getpid(), i);
	if (vss_sh("modprobe loop && truncate -s 320M %s && mkdir -p %s", v->img, v->mnt) ||
	    vss_sh_out(v->dev, sizeof(v->dev), "losetup --find --show %s", v->img))
		return -1;
	if (mkfs && vss_sh("%s %s >/dev/null 2>&1 && mount %s %s", mkfs, v->dev,
			   v->dev, v->mnt))
		return -1;
	return 0;
}

static void volume_teardown(struct volume *v)
{
	vss_sh("umount %s 2>/dev/null; losetup -d %s; rm -rf %s %s", v->mnt,
	       v->dev, v->mnt, v->img);
}

FIXTURE(fs) {
	struct vss_nl nl;
	struct volume vol[NR_VOLS];
	int nr;
};

FIXTURE_VARIANT(fs) {
	const char *mkfs;
	const char *snap_mount_opts;
	const char *fsck;
};

FIXTURE_VARIANT_ADD(fs, ext4) {
	.mkfs = "mkfs.ext4 -q -F",
	.snap_mount_opts = "ro",
	.fsck = "e2fsck -fn",
};

/*
 * A frozen XFS keeps its covered log dirty (the superblock counters live in
 * it), so xfs_repair -n on the read-only snapshot itself reports the log,
 * as it would for any XFS snapshot. The check that means something: replay
 * the log on a copy, as mounting the snapshot writable would, then repair
 * -n must find nothing.
 */
FIXTURE_VARIANT_ADD(fs, xfs) {
	.mkfs = "mkfs.xfs -q -f",
	.snap_mount_opts = "ro,nouuid,norecovery",
	.fsck = "f() { d=/tmp/xfscopy.$$ && cp --sparse=always \"$1\" $d && "
		"mkdir -p $d.m && mount -o loop,nouuid $d $d.m && umount $d.m && "
		"xfs_repair -n -f $d; rc=$?; rm -rf $d $d.m; return $rc; }; f",
};

FIXTURE_SETUP(fs)
{
	int i;

	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	for (i = 0; i < NR_VOLS; i++) {
		ASSERT_EQ(0, volume_setup(&self->vol[i], "fs", i, variant->mkfs));
		self->nr++;
		ASSERT_EQ(0, vss_storage_add(&self->nl, self->vol[i].dev, 64 * MiB, 0));
	}
}

FIXTURE_TEARDOWN(fs)
{
	int i;

	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_sh("echo 0 > /sys/module/vss/parameters/test_hold_delay_ms; "
	       "echo 10000 > /sys/module/vss/parameters/hold_timeout_ms");
	for (i = 0; i < self->nr; i++) {
		vss_storage_remove(&self->nl, self->vol[i].dev);
		volume_teardown(&self->vol[i]);
	}
	vss_nl_close(&self->nl);
}

TEST_F_TIMEOUT(fs, snapshot_mounts_with_files_of_its_moment_and_fscks_clean, 300)
{
	const char *m = self->vol[0].mnt;
	const char *vols[] = { m };
	char snapmnt[80], path[96];
	struct vss_set set;

	/* Files of every size class, then their checksums. */
	ASSERT_EQ(0, vss_sh("cd %s && for i in 1 2 3 4 5 6; do "
			    "head -c $((i * 300000)) /dev/urandom > f$i; done && "
			    "mkdir d && seq 1 20000 > d/seq && sync && "
			    "sha256sum f* d/seq > %s.sum", m, m));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT,
					 &set));
	EXPECT_EQ(VSS_CONSISTENCY_FROZEN, set.consistency);
	EXPECT_LT(0, set.window_ns);
	TH_LOG("freeze window %llu ns", (unsigned long long)set.window_ns);

	/* Overwrite, delete, truncate and append under fio. */
	ASSERT_EQ(0, vss_sh("cd %s && head -c 1000000 /dev/urandom > f1 && rm f2 && "
			    "truncate -s 1000 f3 && head -c 500000 /dev/urandom >> f4 && "
			    "fio --name=w --filename=f5 --rw=randwrite --bs=4k --size=1800k "
			    "--direct=1 --ioengine=psync --randrepeat=0 >/dev/null && "
			    "rm -r d && sync", m));

	snprintf(snapmnt, sizeof(snapmnt), "%s.snap", m);
	ASSERT_EQ(0, vss_sh("mkdir -p %s && mount -o %s %s %s", snapmnt,
			    variant->snap_mount_opts, set.device[0], snapmnt));
	EXPECT_EQ(0, vss_sh("cd %s && sha256sum -c --quiet %s.sum", snapmnt, m));
	/* The origin holds the new data. */
	EXPECT_NE(0, vss_sh("cd %s && sha256sum -c --quiet %s.sum 2>/dev/null", m, m));
	/* d/ is gone from the origin, and still in the snapshot. */
	snprintf(path, sizeof(path), "%s/d", m);
	EXPECT_EQ(-ENOENT, access(path, F_OK) ? -errno : 0);
	snprintf(path, sizeof(path), "%s/d/seq", snapmnt);
	EXPECT_EQ(0, access(path, F_OK));
	ASSERT_EQ(0, vss_sh("umount %s && rmdir %s", snapmnt, snapmnt));
	EXPECT_EQ(0, vss_sh("%s %s >&2", variant->fsck, set.device[0]));
}

/*
 * A writer stamps a sequence number on each volume in turn, each write
 * acknowledged (O_DSYNC) before the next: any single instant shows
 * A >= B >= C >= A - 1. The set of the three raw devices must too.
 */
static void stamp_writer(struct volume *vol)
{
	void *buf;
	int fd[NR_VOLS], i;
	uint64_t seq;

	if (posix_memalign(&buf, 4096, 4096))
		_exit(1);
	memset(buf, 0, 4096);
	for (i = 0; i < NR_VOLS; i++) {
		fd[i] = open(vol[i].dev, O_WRONLY | O_DIRECT | O_DSYNC);
		if (fd[i] < 0)
			_exit(1);
	}
	for (seq = 1;; seq++)
		for (i = 0; i < NR_VOLS; i++) {
			memcpy(buf, &seq, sizeof(seq));
			if (pwrite(fd[i], buf, 4096, 0) != 4096)
				_exit(2);
		}
}

static uint64_t read_stamp(const char *dev)
{
	uint64_t seq = 0;
	void *buf;
	int fd;

	if (posix_memalign(&buf, 4096, 4096))
		return 0;
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd >= 0 && pread(fd, buf, 4096, 0) == 4096)
		memcpy(&seq, buf, sizeof(seq));
	if (fd >= 0)
		close(fd);
	free(buf);
	return seq;
}

TEST_F_TIMEOUT(fs, set_of_three_volumes_is_one_instant, 300)
{
	const char *vols[NR_VOLS];
	struct vss_set set;
	uint64_t s[NR_VOLS];
	int i, round, status;
	pid_t writer;

	/* Raw devices: the filesystems are unmounted and written over. */
	for (i = 0; i < NR_VOLS; i++) {
		ASSERT_EQ(0, vss_sh("umount %s", self->vol[i].mnt));
		vols[i] = self->vol[i].dev;
	}
	writer = fork();
	ASSERT_LE(0, writer);
	if (writer == 0)
		stamp_writer(self->vol);

	for (round = 0; round < 5; round++) {
		usleep(200000);
		ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, NR_VOLS,
						 VSS_SNAPSHOT_F_PERSISTENT, &set));
		for (i = 0; i < NR_VOLS; i++)
			s[i] = read_stamp(set.device[i]);
		TH_LOG("round %d: stamps %llu %llu %llu", round,
		       (unsigned long long)s[0], (unsigned long long)s[1],
		       (unsigned long long)s[2]);
		EXPECT_LT(0, s[2]);
		EXPECT_TRUE(s[0] >= s[1] && s[1] >= s[2] && s[0] <= s[2] + 1);
		ASSERT_EQ(NR_VOLS, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_SET_ID,
						       set.set_id, 16));
	}
	kill(writer, SIGKILL);
	waitpid(writer, &status, 0);
	EXPECT_TRUE(WIFSIGNALED(status));
}

TEST_F_TIMEOUT(fs, hold_watchdog_thaws_and_fails_the_set, 300)
{
	const char *vols[NR_VOLS];
	struct vss_set set;
	int i;

	for (i = 0; i < NR_VOLS; i++)
		vols[i] = self->vol[i].mnt;
	ASSERT_EQ(0, vss_sh("echo 300 > /sys/module/vss/parameters/hold_timeout_ms && "
			    "echo 2000 > /sys/module/vss/parameters/test_hold_delay_ms"));
	EXPECT_EQ(-ETIMEDOUT, vss_snapshot_create(&self->nl, vols, NR_VOLS,
						  VSS_SNAPSHOT_F_PERSISTENT, &set));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "hold writes timeout"));
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	/* Nothing stays frozen: a write to each filesystem goes through. */
	for (i = 0; i < NR_VOLS; i++)
		EXPECT_EQ(0, vss_sh("timeout 20 sh -c 'echo x > %s/after && sync -f %s/after'",
				    self->vol[i].mnt, self->vol[i].mnt));
}

TEST_F_TIMEOUT(fs, creator_killed_inside_the_window_leaves_nothing_frozen, 300)
{
	const char *vols[NR_VOLS];
	int64_t open_seq, kill_seq, over_seq;
	int i, status, kmsg, kmsg2;
	char mark[64];
	pid_t child;

	for (i = 0; i < NR_VOLS; i++)
		vols[i] = self->vol[i].mnt;
	/*
	 * A window of 2 s, well inside the watchdog's 10 s. The module logs
	 * when the held window opens and when the hold is over: the kill is
	 * sent after the first line was seen, and a line of ours written
	 * after the kill must come before the second.
	 */
	kmsg = vss_kmsg_open();
	kmsg2 = vss_kmsg_open();
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, kmsg2);
	ASSERT_EQ(0, vss_sh("echo 2000 > /sys/module/vss/parameters/test_hold_delay_ms"));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct vss_nl nl;
		struct vss_set set;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
			_exit(1);
		vss_snapshot_create(&nl, vols, NR_VOLS, 0, &set);
		_exit(0);
	}
	open_seq = vss_kmsg_wait(kmsg, "vss: test_hold_delay_ms: window open", 60000);
	EXPECT_LE(0, open_seq);
	ASSERT_EQ(0, kill(child, SIGKILL));
	ASSERT_EQ(0, vss_kmsg_mark("vss-test: creator %d killed", child));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(0, vss_sh("echo 0 > /sys/module/vss/parameters/test_hold_delay_ms"));
	snprintf(mark, sizeof(mark), "vss-test: creator %d killed", child);
	kill_seq = vss_kmsg_wait(kmsg, mark, 10000);
	over_seq = vss_kmsg_wait(kmsg2, "vss: test_hold_delay_ms: hold over", 20000);
	TH_LOG("kernel log: window open #%lld, kill #%lld, hold over #%lld",
	       (long long)open_seq, (long long)kill_seq, (long long)over_seq);
	/* The kill fell inside the window. */
	EXPECT_LT(open_seq, kill_seq);
	EXPECT_LT(kill_seq, over_seq);
	close(kmsg);
	close(kmsg2);
	/* Its auto-release snapshots go with its socket... */
	for (i = 0; i < 100 && vss_snapshot_count(&self->nl); i++)
		usleep(50000);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	/* ... and every filesystem takes writes again. */
	for (i = 0; i < NR_VOLS; i++)
		EXPECT_EQ(0, vss_sh("timeout 20 sh -c 'echo x > %s/after && sync -f %s/after'",
				    self->vol[i].mnt, self->vol[i].mnt));
}

/* The fixture makes three filesystems: slow under emulation, hence the timeout. */
TEST_F_TIMEOUT(fs, unknown_volume_and_missing_storage_are_refused, 300)
{
	const char *nowhere[] = { "/nonexistent" };
	const char *file[] = { "/etc/hostname" };
	const char *tmp[] = { "/tmp" };
	const char *m[] = { self->vol[0].mnt };
	struct vss_set set;

	EXPECT_EQ(-ENOENT, vss_snapshot_create(&self->nl, nowhere, 1, 0, &set));
	EXPECT_STREQ("volume path not found", self->nl.ext_msg);
	EXPECT_EQ(-EINVAL, vss_snapshot_create(&self->nl, file, 1, 0, &set));
	EXPECT_EQ(-EINVAL, vss_snapshot_create(&self->nl, tmp, 1, 0, &set));
	EXPECT_STREQ("volume's filesystem is not on a block device", self->nl.ext_msg);
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->vol[0].dev));
	EXPECT_EQ(-ENOSPC, vss_snapshot_create(&self->nl, m, 1, 0, &set));
	EXPECT_STREQ("volume has no diff storage (STORAGE_ADD first)", self->nl.ext_msg);
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->vol[0].dev, 64 * MiB, 0));
}

TEST_HARNESS_MAIN
