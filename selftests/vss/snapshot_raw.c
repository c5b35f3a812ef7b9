// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of a raw block device (a loop device, blk-mq): each snapshot
 * holds exactly the data of its moment, checked byte for byte; overflow,
 * deletion, auto-release and the module pin.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define DEV_BYTES	(64ULL << 20)
#define MiB		(1ULL << 20)

FIXTURE(raw) {
	struct vss_nl nl;
	char dev[64];
	char img[64];
};

FIXTURE_SETUP(raw)
{
	ASSERT_EQ(0, vss_sh("modprobe loop"));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-raw-%d.img", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s %llu %s", DEV_BYTES, self->img));
	ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
				"losetup --find --show %s", self->img));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, 48 * MiB, 65536));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, DEV_BYTES, 1));
}

FIXTURE_TEARDOWN(raw)
{
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	EXPECT_EQ(0, vss_storage_remove(&self->nl, self->dev));
	vss_nl_close(&self->nl);
	vss_sh("losetup -d %s", self->dev);
	unlink(self->img);
}

static int create_one(struct vss_nl *nl, const char *dev, uint32_t flags,
		      struct vss_set *set)
{
	const char *vols[] = { dev };

	return vss_snapshot_create(nl, vols, 1, flags, set);
}

TEST_F_TIMEOUT(raw, snapshot_keeps_old_data_origin_gets_new, 180)
{
	struct vss_set set;

	ASSERT_EQ(0, create_one(&self->nl, self->dev, VSS_SNAPSHOT_F_PERSISTENT, &set));
	EXPECT_EQ(VSS_CONSISTENCY_CRASH, set.consistency);
	EXPECT_EQ(0, set.window_ns);
	/* Overwrite half the device, in unaligned pieces too. */
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, DEV_BYTES / 2, 2));
	ASSERT_EQ(0, vss_check_gen(set.device[0], 0, DEV_BYTES, 1));
	ASSERT_EQ(0, vss_check_gen(self->dev, 0, DEV_BYTES / 2, 2));
	ASSERT_EQ(0, vss_check_gen(self->dev, DEV_BYTES / 2, DEV_BYTES / 2, 1));
	/* 32 MiB of 64 KiB chunks were preserved, once each. */
	EXPECT_EQ(DEV_BYTES / 2, vss_storage_used(&self->nl, self->dev));
	/* Rewrites of preserved chunks copy nothing more. */
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, DEV_BYTES / 2, 3));
	EXPECT_EQ(DEV_BYTES / 2, vss_storage_used(&self->nl, self->dev));
	ASSERT_EQ(0, vss_check_gen(set.device[0], 0, DEV_BYTES, 1));
}

/* Generation snapshot i holds in [0, 4 MiB): writes follow odd snapshots. */
static uint32_t gen_at(int i)
{
	return 2 * (i / 2) + 1;
}

TEST_F_TIMEOUT(raw, eight_snapshots_each_show_their_moment, 180)
{
	struct vss_set set[8];
	int i;

	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, create_one(&self->nl, self->dev,
					VSS_SNAPSHOT_F_PERSISTENT, &set[i]));
		if (i % 2)
			ASSERT_EQ(0, vss_write_gen(self->dev, 0, 4 * MiB, i + 2));
	}
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, vss_check_gen(set[i].device[0], 0, 4 * MiB, gen_at(i)));
		EXPECT_EQ(0, vss_check_gen(set[i].device[0], 4 * MiB,
					   DEV_BYTES - 4 * MiB, 1));
	}
	EXPECT_EQ(0, vss_check_gen(self->dev, 0, 4 * MiB, 9));
	/*
	 * Each write copied its chunks once, for the newest snapshot only;
	 * the even snapshots find their data through the odd ones.
	 */
	EXPECT_EQ(4 * 4 * MiB, vss_storage_used(&self->nl, self->dev));

	/* Deleting the odd ones hands their chunks to the older even ones. */
	for (i = 1; i < 8; i += 2)
		ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID,
						 set[i].id[0], 16));
	EXPECT_EQ(4 * 4 * MiB, vss_storage_used(&self->nl, self->dev));
	for (i = 0; i < 8; i += 2) {
		EXPECT_EQ(0, vss_check_gen(set[i].device[0], 0, 4 * MiB, gen_at(i)));
		EXPECT_EQ(0, vss_check_gen(set[i].device[0], 4 * MiB,
					   DEV_BYTES - 4 * MiB, 1));
	}
	/* The oldest one's chunks served nobody else: freed with it. */
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, set[0].id[0], 16));
	EXPECT_EQ(3 * 4 * MiB, vss_storage_used(&self->nl, self->dev));
	EXPECT_EQ(0, vss_check_gen(set[2].device[0], 0, 4 * MiB, gen_at(2)));
}

TEST_F_TIMEOUT(raw, overflow_invalidates_snapshot_never_the_origin, 180)
{
	struct vss_snap_info info;
	struct vss_set set;
	void *buf;
	int fd;

	/* 48 MiB of storage, 64 MiB overwritten: every write must succeed. */
	ASSERT_EQ(0, create_one(&self->nl, self->dev, VSS_SNAPSHOT_F_PERSISTENT, &set));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, DEV_BYTES, 2));
	ASSERT_EQ(0, vss_check_gen(self->dev, 0, DEV_BYTES, 2));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, info.state);
	EXPECT_EQ(VSS_INVALID_OVERFLOW, info.invalid_reason);
	ASSERT_EQ(0, posix_memalign(&buf, 4096, 4096));
	fd = open(set.device[0], O_RDONLY | O_DIRECT);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, pread(fd, buf, 4096, 0));
	EXPECT_EQ(EIO, errno);
	close(fd);
	free(buf);
}

TEST_F_TIMEOUT(raw, delete_selectors_count_and_refuse_unknown, 180)
{
	uint8_t nobody[16] = { 0 };
	struct vss_set a, b;

	ASSERT_EQ(0, create_one(&self->nl, self->dev, VSS_SNAPSHOT_F_PERSISTENT, &a));
	ASSERT_EQ(0, create_one(&self->nl, self->dev, VSS_SNAPSHOT_F_PERSISTENT, &b));
	ASSERT_EQ(0, create_one(&self->nl, self->dev, VSS_SNAPSHOT_F_PERSISTENT, &b));
	EXPECT_EQ(3, vss_snapshot_count(&self->nl));
	EXPECT_EQ(-ENOENT, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, nobody, 16));
	EXPECT_EQ(-EBUSY, vss_storage_remove(&self->nl, self->dev));
	EXPECT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_OLDEST_OF,
					 self->dev, strlen(self->dev) + 1));
	EXPECT_EQ(-ENOENT, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_SET_ID,
					       a.set_id, 16));
	EXPECT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_SET_ID, b.set_id, 16));
	EXPECT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0));
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	EXPECT_EQ(-1, access(a.device[0], F_OK));
}

TEST_F_TIMEOUT(raw, storage_add_refusals_say_why, 180)
{
	/* The fixture already gave the device storage. */
	EXPECT_EQ(-EEXIST, vss_storage_add(&self->nl, self->dev, MiB, 65536));
	EXPECT_STREQ("origin already has diff storage", self->nl.ext_msg);
	EXPECT_EQ(-ENOTBLK, vss_storage_add(&self->nl, "/dev/null", MiB, 65536));
	EXPECT_STREQ("not a block device", self->nl.ext_msg);
	EXPECT_EQ(-EINVAL, vss_storage_add(&self->nl, "/dev/null", MiB, 3 * 4096));
	EXPECT_STREQ("chunk size must be a power of two", self->nl.ext_msg);
	EXPECT_EQ(-ERANGE, vss_storage_add(&self->nl, "/dev/null", MiB, 2048));
}

TEST_F_TIMEOUT(raw, module_unload_refused_while_snapshots_live, 180)
{
	struct vss_set set;

	ASSERT_EQ(0, create_one(&self->nl, self->dev, VSS_SNAPSHOT_F_PERSISTENT, &set));
	EXPECT_EQ(-1, syscall(SYS_delete_module, "vss", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
}

TEST_F_TIMEOUT(raw, auto_release_snapshots_vanish_with_their_process, 180)
{
	int pipefd[2], status;
	struct vss_set set;
	pid_t child;

	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct vss_nl nl;
		struct vss_set s;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl) ||
		    create_one(&nl, self->dev, 0, &s))
			_exit(1);
		if (write(pipefd[1], &s, sizeof(s)) != sizeof(s))
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(sizeof(set), read(pipefd[0], &set, sizeof(set)));
	EXPECT_EQ(0, access(set.device[0], F_OK));
	EXPECT_EQ(1, vss_snapshot_count(&self->nl));
	ASSERT_EQ(0, kill(child, SIGKILL));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	/* The release runs in a worker: give it a moment. */
	for (int i = 0; i < 100 && vss_snapshot_count(&self->nl); i++)
		usleep(20000);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	EXPECT_EQ(-1, access(set.device[0], F_OK));
}

TEST_F_TIMEOUT(raw, unprivileged_cannot_add_storage_or_snapshot, 180)
{
	int status;
	pid_t child;

	/* In a child: setuid to nobody drops every capability for good. */
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct vss_set set;
		int bad = 0;

		if (setresuid(65534, 65534, 65534))
			_exit(100);
		bad |= (vss_storage_add(&self->nl, self->dev, MiB, 0) != -EPERM) << 0;
		bad |= (strcmp(self->nl.ext_msg, "needs CAP_SYS_ADMIN") != 0) << 1;
		bad |= (create_one(&self->nl, self->dev, 0, &set) != -EPERM) << 2;
		bad |= (vss_snapshot_count(&self->nl) != -EPERM) << 3;
		bad |= (vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0) !=
			-EPERM) << 4;
		bad |= (vss_storage_remove(&self->nl, self->dev) != -EPERM) << 5;
		_exit(bad);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
