// SPDX-License-Identifier: GPL-2.0
/*
 * Discards while a snapshot lives (issue 15, item 12): fstrim on a mounted
 * ext4 or xfs, and BLKDISCARD of a raw origin, each discarding far more
 * than the diff storage holds. The snapshot stays active, the storage use
 * does not grow (exactly 0 for a raw origin), the snapshot reads its exact
 * old data (the whole device's checksum, the files', a clean fsck), and
 * changed-block tracking reports the discarded range. A write-zeroes is
 * still copied like a write. A discard with no snapshot reaches the device.
 * A 5 GiB discard of a whole disk at 4 KiB chunks (1.3 million chunks)
 * completes in constant work in the interception callback (the VM runner
 * fails on a soft lockup or RCU stall).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_cbt.h"
#include "../lib/vss_ops.h"

#define KiB		1024ULL
#define MiB		(1024ULL * KiB)
#define GiB		(1024ULL * MiB)

static int blk_range_ioctl(const char *dev, unsigned long req, uint64_t off, uint64_t len)
{
	uint64_t range[2] = { off, len };
	int fd = open(dev, O_WRONLY), err;

	if (fd < 0)
		return -errno;
	err = ioctl(fd, req, range) ? -errno : 0;
	close(fd);
	return err;
}

static int snap_state(struct vss_nl *nl, const uint8_t id[16])
{
	struct vss_snap_info info;
	int err = vss_snapshot_get(nl, id, &info);

	return err ? err : (int)info.state;
}

/* Bytes of [off, off + len) that changes(@since -> @id) does not report. */
static int64_t unreported(struct vss_nl *nl, const uint8_t id[16],
			  const struct vss_token *since, uint64_t off, uint64_t len)
{
	uint64_t end = off + len, pos = off;
	struct vss_extent *e;
	unsigned int n, i;
	int err;

	err = vss_changes(nl, id, since, 0, &e, &n);
	if (err)
		return err;
	/* Sorted and coalesced (cbt.md): walk them once. */
	for (i = 0; i < n && pos < end; i++)
		if (e[i].off <= pos && e[i].off + e[i].len > pos)
			pos = e[i].off + e[i].len;
	free(e);
	return pos >= end ? 0 : (int64_t)(end - pos);
}

/* Whether [off, off + len) of @dev reads as zeroes: 1, 0, or -1. */
static int reads_zero(const char *dev, uint64_t off, uint64_t len)
{
	char *buf = calloc(1, MiB), *zero = calloc(1, MiB);
	int fd = open(dev, O_RDONLY), ret = 1;
	uint64_t done;

	if (fd < 0 || !buf || !zero)
		ret = -1;
	for (done = 0; ret == 1 && done < len; done += MiB) {
		if (pread(fd, buf, MiB, off + done) != (ssize_t)MiB)
			ret = -1;
		else if (memcmp(buf, zero, MiB))
			ret = 0;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	free(zero);
	return ret;
}

/* A mounted filesystem on a loop origin, fstrim'd under a snapshot. */

FIXTURE(fs) {
	struct vss_nl nl;
	char img[64];
	char dev[64];
	char mnt[64];
	char snapmnt[80];
	int have_storage;
};

FIXTURE_VARIANT(fs) {
	const char *mkfs;
	const char *snap_mount_opts;
	const char *fsck;
};

FIXTURE_VARIANT_ADD(fs, ext4) {
	/* No background inode-table zeroing to write meanwhile. */
	.mkfs = "mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0",
	.snap_mount_opts = "ro",
	.fsck = "e2fsck -fn",
};

/* As in snapshot_fs.c: the frozen log replayed on a copy, then repair -n. */
FIXTURE_VARIANT_ADD(fs, xfs) {
	.mkfs = "mkfs.xfs -q -f",
	.snap_mount_opts = "ro,nouuid,norecovery",
	.fsck = "f() { d=/tmp/xfscopy.$$ && cp --sparse=always \"$1\" $d && "
		"mkdir -p $d.m && mount -o loop,nouuid $d $d.m && umount $d.m && "
		"xfs_repair -n -f $d; rc=$?; rm -rf $d $d.m; return $rc; }; f",
};

FIXTURE_SETUP(fs)
{
	snprintf(self->img, sizeof(self->img), "/tmp/vss-discard-%d.img", getpid());
	snprintf(self->mnt, sizeof(self->mnt), "/tmp/vss-discard-%d.mnt", getpid());
	snprintf(self->snapmnt, sizeof(self->snapmnt), "%s.snap", self->mnt);
	self->dev[0] = '\0';
	self->have_storage = 0;
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_sh("modprobe loop && truncate -s 320M %s && mkdir -p %s %s",
			    self->img, self->mnt, self->snapmnt));
	ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
				"losetup --find --show %s", self->img));
	ASSERT_EQ(0, vss_sh("%s %s >/dev/null 2>&1 && mount %s %s", variant->mkfs,
			    self->dev, self->dev, self->mnt));
	/* 32 MiB: far less than the free space that fstrim discards. */
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, 32 * MiB, 0));
	self->have_storage = 1;
}

FIXTURE_TEARDOWN(fs)
{
	vss_sh("umount %s 2>/dev/null", self->snapmnt);
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	if (self->have_storage)
		vss_storage_remove(&self->nl, self->dev);
	vss_nl_close(&self->nl);
	vss_sh("umount %s 2>/dev/null; losetup -d %s; rm -rf %s %s %s %s.sum",
	       self->mnt, self->dev, self->mnt, self->snapmnt, self->img, self->mnt);
}

TEST_F_TIMEOUT(fs, fstrim_keeps_snapshot_active_and_exact_and_costs_no_storage, 600)
{
	const char *vols[] = { self->mnt };
	char before[80], after[80];
	struct vss_token t0, t1;
	struct vss_set s0, s1;
	struct statvfs sv;
	uint64_t free_bytes, bytes, count;
	int64_t u0, u1;

	/* 12 files of 8 MiB, 10 deleted: 80 MiB of freed blocks with old data. */
	ASSERT_EQ(0, vss_sh("cd %s && for i in $(seq 1 12); do "
			    "head -c 8M /dev/urandom > f$i || exit 1; done && sync && "
			    "rm f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 && "
			    "mkdir d && seq 1 20000 > d/seq && sync && "
			    "sha256sum f11 f12 d/seq > %s.sum", self->mnt, self->mnt));
	ASSERT_EQ(0, statvfs(self->mnt, &sv));
	free_bytes = (uint64_t)sv.f_bfree * sv.f_frsize;

	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &s0));
	ASSERT_EQ(0, vss_snapshot_token(&self->nl, s0.id[0], &t0));
	ASSERT_EQ(0, vss_sh_out(before, sizeof(before), "sha256sum < %s", s0.device[0]));
	u0 = vss_storage_used(&self->nl, self->dev);
	ASSERT_LE(0, u0);

	ASSERT_EQ(0, vss_sh("fstrim -v %s >&2", self->mnt));

	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, snap_state(&self->nl, s0.id[0]));
	u1 = vss_storage_used(&self->nl, self->dev);
	TH_LOG("free %llu MiB discarded; storage used %lld -> %lld bytes",
	       (unsigned long long)(free_bytes / MiB), (long long)u0, (long long)u1);
	/*
	 * Nothing of the discarded space is copied: at most what the
	 * filesystem itself writes meanwhile (none seen, but xfs covers its
	 * log when idle: 16 chunks of slack against 200 MiB discarded).
	 */
	EXPECT_LE(u1, u0 + (int64_t)MiB);
	/* Every block of the snapshot as it was, free space included. */
	ASSERT_EQ(0, vss_sh_out(after, sizeof(after), "sha256sum < %s", s0.device[0]));
	EXPECT_STREQ(before, after);
	ASSERT_EQ(0, vss_sh("mount -o %s %s %s", variant->snap_mount_opts, s0.device[0],
			    self->snapmnt));
	EXPECT_EQ(0, vss_sh("cd %s && sha256sum -c --quiet %s.sum", self->snapmnt, self->mnt));
	ASSERT_EQ(0, vss_sh("umount %s", self->snapmnt));
	EXPECT_EQ(0, vss_sh("%s %s >&2", variant->fsck, s0.device[0]));

	/* The trimmed free space is in the next interval's changes. */
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &s1));
	ASSERT_EQ(0, vss_snapshot_token(&self->nl, s1.id[0], &t1));
	ASSERT_EQ(0, vss_changes_sum(&self->nl, s1.id[0], &t0, 0, &bytes, &count));
	TH_LOG("changes S0 -> S1: %llu MiB in %llu extents",
	       (unsigned long long)(bytes / MiB), (unsigned long long)count);
	EXPECT_LE(free_bytes - free_bytes / 10, bytes);
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, snap_state(&self->nl, s0.id[0]));
}

/* A raw loop origin. */

FIXTURE(raw) {
	struct vss_nl nl;
	char img[64];
	char dev[64];
	uint64_t bytes;
	int have_storage;
};

FIXTURE_SETUP(raw)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-discard-raw-%d.img", getpid());
	self->dev[0] = '\0';
	self->have_storage = 0;
	ASSERT_EQ(0, vss_sh("modprobe loop"));
}

FIXTURE_TEARDOWN(raw)
{
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	if (self->have_storage)
		vss_storage_remove(&self->nl, self->dev);
	vss_nl_close(&self->nl);
	if (self->dev[0])
		vss_sh("losetup -d %s", self->dev);
	unlink(self->img);
}

static int raw_origin(FIXTURE_DATA(raw) *self, uint64_t bytes, uint64_t storage,
		      uint32_t chunk)
{
	self->bytes = bytes;
	if (vss_sh("truncate -s %llu %s", (unsigned long long)bytes, self->img) ||
	    vss_sh_out(self->dev, sizeof(self->dev), "losetup --find --show %s", self->img))
		return -1;
	if (vss_storage_add(&self->nl, self->dev, storage, chunk))
		return -1;
	self->have_storage = 1;
	return 0;
}

TEST_F_TIMEOUT(raw, blkdiscard_kept_zeroout_copied_discard_passes_without_snapshot, 300)
{
	const char *vols[1];
	struct vss_token t0;
	struct vss_set s0, s1;
	int64_t u0;

	ASSERT_EQ(0, raw_origin(self, 64 * MiB, 8 * MiB, 65536));
	vols[0] = self->dev;
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 64 * MiB, 1));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &s0));
	ASSERT_EQ(0, vss_snapshot_token(&self->nl, s0.id[0], &t0));
	u0 = vss_storage_used(&self->nl, self->dev);
	ASSERT_EQ(0, u0);

	/* 48 MiB discarded: six times the storage. */
	ASSERT_EQ(0, blk_range_ioctl(self->dev, BLKDISCARD, 8 * MiB, 48 * MiB));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, snap_state(&self->nl, s0.id[0]));
	EXPECT_EQ(0, vss_storage_used(&self->nl, self->dev));
	EXPECT_EQ(0, vss_check_gen(s0.device[0], 0, 64 * MiB, 1));

	/* Write-zeroes changes data: copied, exactly its 16 chunks. */
	ASSERT_EQ(0, blk_range_ioctl(self->dev, BLKZEROOUT, 0, MiB));
	EXPECT_EQ((int64_t)MiB, vss_storage_used(&self->nl, self->dev));
	EXPECT_EQ(1, reads_zero(self->dev, 0, MiB));
	EXPECT_EQ(0, vss_check_gen(s0.device[0], 0, 64 * MiB, 1));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, snap_state(&self->nl, s0.id[0]));

	/* Both are changes: reported after the next snapshot. */
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &s1));
	EXPECT_EQ(0, unreported(&self->nl, s1.id[0], &t0, 8 * MiB, 48 * MiB));
	EXPECT_EQ(0, unreported(&self->nl, s1.id[0], &t0, 0, MiB));

	/* No snapshot left: the discard reaches the device (the loop punches a hole). */
	ASSERT_EQ(2, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0));
	EXPECT_EQ(0, reads_zero(self->dev, 8 * MiB, 8 * MiB));
	ASSERT_EQ(0, blk_range_ioctl(self->dev, BLKDISCARD, 8 * MiB, 8 * MiB));
	EXPECT_EQ(1, reads_zero(self->dev, 8 * MiB, 8 * MiB));
}

TEST_F_TIMEOUT(raw, discard_of_a_5_GiB_disk_at_4_KiB_chunks, 600)
{
	const uint64_t bytes = 5 * GiB;
	const char *vols[1];
	struct timespec a, b;
	struct vss_token t0;
	struct vss_set s0, s1;
	uint64_t sum, count;
	double secs;

	/* 1.3 million chunks, a map of 16 MiB of storage at most. */
	ASSERT_EQ(0, raw_origin(self, bytes, 16 * MiB, 4096));
	vols[0] = self->dev;
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, MiB, 2));
	ASSERT_EQ(0, vss_write_gen(self->dev, bytes - MiB, MiB, 3));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &s0));
	ASSERT_EQ(0, vss_snapshot_token(&self->nl, s0.id[0], &t0));

	clock_gettime(CLOCK_MONOTONIC, &a);
	ASSERT_EQ(0, blk_range_ioctl(self->dev, BLKDISCARD, 0, bytes));
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	TH_LOG("BLKDISCARD of 5 GiB: %.3f s", secs);

	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, snap_state(&self->nl, s0.id[0]));
	EXPECT_EQ(0, vss_storage_used(&self->nl, self->dev));
	EXPECT_EQ(0, vss_check_gen(s0.device[0], 0, MiB, 2));
	EXPECT_EQ(0, vss_check_gen(s0.device[0], bytes - MiB, MiB, 3));
	EXPECT_EQ(1, reads_zero(s0.device[0], 2 * GiB, 4 * MiB));

	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &s1));
	ASSERT_EQ(0, vss_changes_sum(&self->nl, s1.id[0], &t0, 0, &sum, &count));
	EXPECT_EQ(bytes, sum);
	EXPECT_EQ(1, count);
}

TEST_HARNESS_MAIN
