// SPDX-License-Identifier: GPL-2.0
/*
 * Failing disks. Diff storage whose disk starts failing (a device-mapper
 * table switched to the error target under the storage filesystem):
 * origin writes never fail, that origin's snapshot becomes invalid with a
 * notification, and another origin's snapshot, whose storage file is on a
 * second filesystem on the same disk, keeps working; a snapshot read from
 * the dead storage fails and invalidates. An origin disk that fails: the
 * writer gets EIO, as it would without a snapshot, and the snapshot is
 * invalid for an origin error, not a storage one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_storage.h"

#define MiB (1ULL << 20)

FIXTURE(fail) {
	struct vss_nl nl, mon;
	char a[64], b[64], s[64];		/* loop devices */
	char img[3][64];
	char dm_store[64], dm_other[64];	/* /dev/mapper/... */
	char dir[64], other_dir[64];
};

static int make_loop(char *dev, size_t size, char *img, size_t isize,
		     const char *tag, unsigned int mib)
{
	snprintf(img, isize, "/tmp/vss-fail-%s-%d.img", tag, getpid());
	if (vss_sh("truncate -s %uM %s", mib, img))
		return -1;
	return vss_sh_out(dev, size, "losetup --find --show %s", img);
}

/* A linear dm device over @dev; its table can later become "error". */
static int make_dm(const char *name, const char *dev, char *out, size_t size)
{
	snprintf(out, size, "/dev/mapper/%s", name);
	return vss_sh("dmsetup create %s --table \"0 $(blockdev --getsz %s) linear %s 0\" && dmsetup mknodes %s",
		      name, dev, dev, name);
}

/* The same over @mib MiB of @dev from @start_mib on: one disk, two devices. */
static int make_dm_part(const char *name, const char *dev, unsigned int start_mib,
			unsigned int mib, char *out, size_t size)
{
	snprintf(out, size, "/dev/mapper/%s", name);
	return vss_sh("dmsetup create %s --table \"0 %u linear %s %u\" && dmsetup mknodes %s",
		      name, mib * 2048, dev, start_mib * 2048, name);
}

static int fail_dm(const char *name)
{
	return vss_sh("dmsetup suspend --nolockfs %s && dmsetup load %s --table \"0 $(dmsetup table %s | cut -d' ' -f2) error\" && dmsetup resume %s",
		      name, name, name, name);
}

FIXTURE_SETUP(fail)
{
	uint32_t grp;

	ASSERT_EQ(0, vss_sh("modprobe loop && modprobe dm_mod"));
	ASSERT_EQ(0, make_loop(self->a, sizeof(self->a), self->img[0],
			       sizeof(self->img[0]), "a", 16));
	ASSERT_EQ(0, make_loop(self->b, sizeof(self->b), self->img[1],
			       sizeof(self->img[1]), "b", 16));
	ASSERT_EQ(0, make_loop(self->s, sizeof(self->s), self->img[2],
			       sizeof(self->img[2]), "s", 128));
	snprintf(self->dir, sizeof(self->dir), "/tmp/vss-fail-%d", getpid());
	snprintf(self->other_dir, sizeof(self->other_dir), "/tmp/vss-fail-other-%d",
		 getpid());
	/* The storage disk's two halves: only the first one will fail. */
	ASSERT_EQ(0, make_dm_part("vss_fail_store", self->s, 0, 64, self->dm_store,
				  sizeof(self->dm_store)));
	ASSERT_EQ(0, make_dm_part("vss_fail_other", self->s, 64, 64, self->dm_other,
				  sizeof(self->dm_other)));
	/*
	 * No journal: a journalled ext4 aborts on the first failed write
	 * and then fails writeback without recording it for the file (see
	 * Documentation/design.md, known gaps); without one, every failed
	 * data write is recorded where the module looks.
	 */
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F -O ^has_journal %s && mkdir -p %s && mount -o errors=continue %s %s",
			    self->dm_store, self->dir, self->dm_store, self->dir));
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F -O ^has_journal %s && mkdir -p %s && mount -o errors=continue %s %s",
			    self->dm_other, self->other_dir, self->dm_other,
			    self->other_dir));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_nl_open(&self->mon));
	ASSERT_EQ(0, vss_nl_resolve(&self->mon));
	grp = self->mon.grp_monitor;
	ASSERT_EQ(0, setsockopt(self->mon.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)));
	ASSERT_EQ(0, vss_write_gen(self->a, 0, 16 * MiB, 1));
	ASSERT_EQ(0, vss_write_gen(self->b, 0, 16 * MiB, 1));
}

FIXTURE_TEARDOWN(fail)
{
	int i;

	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_storage_remove(&self->nl, self->a);
	vss_storage_remove(&self->nl, self->b);
	vss_storage_remove(&self->nl, "/dev/mapper/vss_fail_origin");
	vss_nl_close(&self->mon);
	vss_nl_close(&self->nl);
	vss_sh("umount %s; rmdir %s", self->dir, self->dir);
	vss_sh("umount %s; rmdir %s", self->other_dir, self->other_dir);
	vss_sh("dmsetup remove vss_fail_store; dmsetup remove vss_fail_other; "
	       "dmsetup remove vss_fail_origin 2>/dev/null");
	vss_sh("losetup -d %s; losetup -d %s; losetup -d %s", self->a, self->b, self->s);
	for (i = 0; i < 3; i++)
		unlink(self->img[i]);
}

/* The reason of the next SNAPSHOT_INVALID_NTF within 10 s, or -errno. */
static int next_invalid(struct vss_nl *mon, uint8_t id[16])
{
	static char buf[VSS_NL_BUF];
	struct pollfd pfd = { .fd = mon->fd, .events = POLLIN };
	const struct nlmsghdr *h = (const void *)buf;
	const struct nlattr *a;
	uint32_t reason;
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, 10000) != 1)
			return -ETIMEDOUT;
		n = recv(mon->fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN))
			return -EBADMSG;
		if (((const struct genlmsghdr *)NLMSG_DATA(h))->cmd !=
		    VSS_CMD_SNAPSHOT_INVALID_NTF)
			continue;
		a = vss_nl_attr(buf, n, VSS_A_SNAPSHOT_ID);
		if (a)
			memcpy(id, a + 1, 16);
		a = vss_nl_attr(buf, n, VSS_A_SNAPSHOT_INVALID_REASON);
		if (!a)
			return -EBADMSG;
		memcpy(&reason, a + 1, sizeof(reason));
		return reason;
	}
}

TEST_F_TIMEOUT(fail, failing_storage_invalidates_only_its_snapshots, 180)
{
	const char *vols[] = { self->a, self->b };
	struct vss_snap_info si;
	struct vss_set set;
	uint8_t id[16];
	int i;

	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->a, VSS_STORAGE_FILE,
					self->dir, 16 * MiB, 65536, NULL, 0));
	/* b's storage: the same kind, on the same disk, but not on its failing part. */
	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->b, VSS_STORAGE_FILE,
					self->other_dir, 16 * MiB, 65536, NULL, 0));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 2, VSS_SNAPSHOT_F_PERSISTENT,
					 &set));
	ASSERT_EQ(0, vss_write_gen(self->a, 0, 2 * MiB, 2));
	ASSERT_EQ(0, vss_write_gen(self->b, 0, 2 * MiB, 2));
	ASSERT_EQ(0, vss_check_gen(set.device[0], 0, 16 * MiB, 1));

	/* The storage disk dies; its filesystem's writeback fails. */
	ASSERT_EQ(0, fail_dm("vss_fail_store"));
	ASSERT_EQ(0, vss_write_gen(self->a, 4 * MiB, 8 * MiB, 3));
	ASSERT_EQ(0, vss_sh("sync -f %s 2>/dev/null; true", self->dir));
	/*
	 * Writeback failed; the filesystem may also abort its journal and go
	 * read-only, from a worker. Copies and snapshot reads check the
	 * storage: keep making both (each origin write must succeed) until
	 * the snapshot is declared invalid, for at most 30 s.
	 */
	for (i = 0; i < 60; i++) {
		ASSERT_EQ(0, vss_write_gen(self->a, (12 + i % 4) * MiB, 64 * 1024, 3));
		vss_check_gen(set.device[0], 0, 64 * 1024, 1);
		ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &si));
		if (si.state == VSS_SNAPSHOT_INVALID)
			break;
		usleep(500000);
	}
	/* Every origin write succeeded, and lands. */
	ASSERT_EQ(0, vss_write_gen(self->a, 12 * MiB, 4 * MiB, 3));
	ASSERT_EQ(0, vss_check_gen(self->a, 4 * MiB, 12 * MiB, 3));

	EXPECT_EQ(VSS_INVALID_STORAGE_ERROR, next_invalid(&self->mon, id));
	EXPECT_EQ(0, memcmp(id, set.id[0], 16));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &si));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, si.state);
	EXPECT_EQ(VSS_INVALID_STORAGE_ERROR, si.invalid_reason);
	EXPECT_NE(0, vss_check_gen(set.device[0], 0, 64 * 1024, 1));

	/*
	 * The other origin's snapshot is untouched: it copies on into its
	 * own storage file after the failure, and reads back byte-exact from
	 * its disk (no page cache), with no notification about it.
	 */
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[1], &si));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, si.state);
	ASSERT_EQ(0, vss_write_gen(self->b, 8 * MiB, 2 * MiB, 3));
	EXPECT_EQ(4 * MiB, vss_storage_used(&self->nl, self->b));
	ASSERT_EQ(0, vss_sh("sync -f %s && echo 3 > /proc/sys/vm/drop_caches",
			    self->other_dir));
	EXPECT_EQ(0, vss_check_gen(set.device[1], 0, 16 * MiB, 1));
	EXPECT_EQ(-ETIMEDOUT, next_invalid(&self->mon, id));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[1], &si));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, si.state);
	EXPECT_EQ(VSS_INVALID_NONE, si.invalid_reason);
}

/*
 * The storage disk dies after the chunks reached it: a snapshot read of a
 * stored chunk (a direct read of the storage file) fails with EIO, never
 * returns other data, and the snapshot becomes invalid with a notification;
 * the origin goes on.
 */
TEST_F_TIMEOUT(fail, storage_read_error_invalidates_never_returns_other_data, 180)
{
	const char *vols[] = { self->a };
	struct vss_snap_info si;
	struct vss_set set;
	uint8_t id[16];

	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->a, VSS_STORAGE_FILE,
					self->dir, 16 * MiB, 65536, NULL, 0));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT,
					 &set));
	ASSERT_EQ(0, vss_write_gen(self->a, 0, 2 * MiB, 2));
	/* The copies on the storage disk, none left in any cache. */
	ASSERT_EQ(0, vss_sh("sync -f %s && echo 3 > /proc/sys/vm/drop_caches", self->dir));
	ASSERT_EQ(0, vss_check_gen(set.device[0], 0, 2 * MiB, 1));
	ASSERT_EQ(0, vss_sh("echo 3 > /proc/sys/vm/drop_caches"));

	ASSERT_EQ(0, fail_dm("vss_fail_store"));
	EXPECT_EQ(-EIO, vss_check_gen(set.device[0], 0, 2 * MiB, 1));
	EXPECT_EQ(VSS_INVALID_STORAGE_ERROR, next_invalid(&self->mon, id));
	EXPECT_EQ(0, memcmp(id, set.id[0], 16));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &si));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, si.state);
	EXPECT_EQ(VSS_INVALID_STORAGE_ERROR, si.invalid_reason);
	/* The origin is untouched by it. */
	ASSERT_EQ(0, vss_write_gen(self->a, 4 * MiB, 2 * MiB, 3));
	EXPECT_EQ(0, vss_check_gen(self->a, 0, 2 * MiB, 2));
	EXPECT_EQ(0, vss_check_gen(self->a, 4 * MiB, 2 * MiB, 3));
}

TEST_F_TIMEOUT(fail, failing_origin_errors_reach_the_writer_unchanged, 180)
{
	const char *origin = "/dev/mapper/vss_fail_origin";
	const char *vols[] = { origin };
	struct vss_snap_info si;
	struct vss_set set;
	uint8_t id[16];
	char dm[64];
	int fd;
	void *buf;

	ASSERT_EQ(0, make_dm("vss_fail_origin", self->b, dm, sizeof(dm)));
	ASSERT_EQ(0, vss_storage_add(&self->nl, origin, 16 * MiB, 65536));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT,
					 &set));
	ASSERT_EQ(0, fail_dm("vss_fail_origin"));
	fd = open(origin, O_WRONLY | O_DIRECT);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, posix_memalign(&buf, 4096, 65536));
	memset(buf, 0x5a, 65536);
	/* EIO, exactly what the device says: the snapshot changes nothing. */
	EXPECT_EQ(-1, pwrite(fd, buf, 65536, 0));
	EXPECT_EQ(EIO, errno);
	close(fd);
	free(buf);
	/*
	 * The copy could not read the old chunk: the snapshot says so, and
	 * names the origin, whose disk failed, not the storage, which is fine.
	 */
	EXPECT_EQ(VSS_INVALID_ORIGIN_ERROR, next_invalid(&self->mon, id));
	EXPECT_EQ(0, memcmp(id, set.id[0], 16));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &si));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, si.state);
	EXPECT_EQ(VSS_INVALID_ORIGIN_ERROR, si.invalid_reason);
}

TEST_HARNESS_MAIN
