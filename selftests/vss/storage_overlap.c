// SPDX-License-Identifier: GPL-2.0
/*
 * A disk and its partitions: origins may not overlap (the tracker copies a
 * write for the one origin it finds), in either order, while disjoint
 * partitions of one disk may both be origins. A write that reaches a
 * snapshotted partition through the whole-disk node is still copied, and
 * one to its sibling partition is not; one that spans both partitions must
 * be copied for both. Partitions 1 MiB-aligned, and at the DOS sector 63
 * (aligned to no chunk).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define MiB		(1ULL << 20)
#define KiB		1024ULL
#define DISK_BYTES	(16 * MiB)
#define P1_BYTES	(7 * MiB)
#define P2_BYTES	(8 * MiB)

#define P1_START	(variant->p1_start)
#define P2_START	(variant->p1_start + P1_BYTES)

/*
 * The refusal names the origin in the way, where the kernel has formatted
 * extack messages (6.2 on; kmod/compat.h vss_compat_err_attr_fmt).
 */
static const char *overlap_msg(const char *other)
{
	static char msg[128];
	char path[72];

	if (vss_kernel_older(6, 2))
		return "origin overlaps another origin (a disk and its partition?)";
	snprintf(path, sizeof(path), "%s", other);
	snprintf(msg, sizeof(msg), "origin overlaps origin %s (a disk and its partition?)",
		 basename(path));
	return msg;
}

/* One MBR primary partition entry (LBA only; CHS left zero). */
static void mbr_entry(uint8_t *e, uint64_t start, uint64_t bytes)
{
	uint32_t lba = start / 512, nr = bytes / 512;

	e[4] = 0x83;	/* Linux */
	memcpy(e + 8, &lba, 4);	/* little endian, like x86 */
	memcpy(e + 12, &nr, 4);
}

/* Writes a partition table (no fdisk in the guest): two primaries. */
static int write_mbr(const char *img, uint64_t p1_start, uint64_t p2_start)
{
	uint8_t mbr[512] = { 0 };
	int fd, ok;

	mbr_entry(mbr + 446, p1_start, P1_BYTES);
	mbr_entry(mbr + 446 + 16, p2_start, P2_BYTES);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	fd = open(img, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = pwrite(fd, mbr, sizeof(mbr), 0) == sizeof(mbr);
	close(fd);
	return ok ? 0 : -1;
}

FIXTURE(overlap) {
	struct vss_nl nl;
	char img[64];
	char disk[64];
	char p1[72];
	char p2[72];
};

/* p2 follows p1 directly, so that one write can span both. */
FIXTURE_VARIANT(overlap) {
	uint64_t p1_start;
};

FIXTURE_VARIANT_ADD(overlap, aligned) {
	.p1_start = 1 * MiB,
};

FIXTURE_VARIANT_ADD(overlap, sector63) {
	.p1_start = 63 * 512,
};

FIXTURE_SETUP(overlap)
{
	int i;

	ASSERT_EQ(0, vss_sh("modprobe loop"));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-overlap-%d.img", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s %llu %s", DISK_BYTES, self->img));
	ASSERT_EQ(0, write_mbr(self->img, variant->p1_start, P2_START));
	ASSERT_EQ(0, vss_sh_out(self->disk, sizeof(self->disk),
				"losetup --partscan --find --show %s", self->img));
	snprintf(self->p1, sizeof(self->p1), "%sp1", self->disk);
	snprintf(self->p2, sizeof(self->p2), "%sp2", self->disk);
	/* devtmpfs makes the partition nodes once the scan has added them. */
	for (i = 0; i < 100 && (access(self->p1, F_OK) || access(self->p2, F_OK)); i++)
		usleep(20000);
	ASSERT_EQ(0, access(self->p1, F_OK));
	ASSERT_EQ(0, access(self->p2, F_OK));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

/* In the parent: see snapshot_busy_fs.c. No socket of the test's. */
FIXTURE_TEARDOWN_PARENT(overlap)
{
	struct vss_nl nl;

	if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
		TH_LOG("no netlink socket to clean up with");
	vss_snapshot_delete(&nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_storage_remove(&nl, self->disk);
	vss_storage_remove(&nl, self->p1);
	vss_storage_remove(&nl, self->p2);
	vss_nl_close(&nl);
	vss_sh("losetup -d %s", self->disk);
	unlink(self->img);
}

TEST_F(overlap, partition_refused_while_its_disk_has_storage)
{
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->disk, 8 * MiB, 0));
	EXPECT_EQ(-EADDRINUSE, vss_storage_add(&self->nl, self->p1, 8 * MiB, 0));
	EXPECT_STREQ(overlap_msg(self->disk), self->nl.ext_msg);
	EXPECT_EQ(-EADDRINUSE, vss_storage_add(&self->nl, self->p2, 8 * MiB, 0));
	EXPECT_STREQ(overlap_msg(self->disk), self->nl.ext_msg);
	/* The refusals left nothing behind: no storage for the partitions. */
	EXPECT_EQ(-ENOENT, vss_storage_remove(&self->nl, self->p1));
	EXPECT_EQ(-ENOENT, vss_storage_remove(&self->nl, self->p2));
	/* Once the disk's storage is gone, a partition may have some. */
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->disk));
	EXPECT_EQ(0, vss_storage_add(&self->nl, self->p1, 8 * MiB, 0));
}

TEST_F(overlap, disk_refused_while_a_partition_has_storage)
{
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->p1, 8 * MiB, 0));
	EXPECT_EQ(-EADDRINUSE, vss_storage_add(&self->nl, self->disk, 8 * MiB, 0));
	EXPECT_STREQ(overlap_msg(self->p1), self->nl.ext_msg);
	/* Disjoint partitions of one disk do not overlap. */
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->p2, 8 * MiB, 0));
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->p1));
	/* Either partition alone still covers part of the disk. */
	EXPECT_EQ(-EADDRINUSE, vss_storage_add(&self->nl, self->disk, 8 * MiB, 0));
	EXPECT_STREQ(overlap_msg(self->p2), self->nl.ext_msg);
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->p2));
	EXPECT_EQ(0, vss_storage_add(&self->nl, self->disk, 8 * MiB, 0));
}

TEST_F_TIMEOUT(overlap, disk_node_writes_to_a_snapshotted_partition_are_copied, 120)
{
	const char *vols[] = { self->p1 };
	struct vss_set set;

	ASSERT_EQ(0, vss_write_gen(self->p1, 0, P1_BYTES, 1));
	ASSERT_EQ(0, vss_write_gen(self->p2, 0, P2_BYTES, 1));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->p1, 8 * MiB, 0));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT,
					 &set));
	/* The sibling partition, through the disk node: nothing to copy. */
	ASSERT_EQ(0, vss_write_gen(self->disk, P2_START, P2_BYTES, 2));
	EXPECT_EQ(0, vss_storage_used(&self->nl, self->p1));
	/* 1 MiB of the partition, through the disk node: 16 chunks copied. */
	ASSERT_EQ(0, vss_write_gen(self->disk, P1_START + MiB, MiB, 2));
	EXPECT_EQ(MiB, vss_storage_used(&self->nl, self->p1));
	EXPECT_EQ(0, vss_check_gen(set.device[0], 0, P1_BYTES, 1));
	EXPECT_EQ(0, vss_check_gen(self->disk, P1_START + MiB, MiB, 2));
	EXPECT_EQ(0, vss_check_gen(self->disk, P2_START, P2_BYTES, 2));
	/* The snapshot has the partition's size, not the disk's. */
	EXPECT_EQ(0, vss_sh("test $(blockdev --getsize64 %s) -eq %llu",
			    set.device[0], P1_BYTES));
}

/*
 * One write through the disk node that ends in p1 and begins in p2, both
 * snapshotted: each snapshot must keep its old data (the write must be
 * copied for both origins, not for the first one the tracker finds).
 */
TEST_F_TIMEOUT(overlap, disk_node_write_across_two_partitions_is_copied_for_both, 120)
{
	const char *vols[] = { self->p1, self->p2 };
	struct vss_set set;

	ASSERT_EQ(0, vss_write_gen(self->p1, 0, P1_BYTES, 1));
	ASSERT_EQ(0, vss_write_gen(self->p2, 0, P2_BYTES, 1));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->p1, 8 * MiB, 0));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->p2, 8 * MiB, 0));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 2, VSS_SNAPSHOT_F_PERSISTENT,
					 &set));
	/* 64 KiB at the boundary: one O_DIRECT pwrite, one bio. */
	ASSERT_EQ(0, vss_write_gen(self->disk, P2_START - 32 * KiB, 64 * KiB, 2));
	/* The origins hold it... */
	EXPECT_EQ(0, vss_check_gen(self->disk, P2_START - 32 * KiB, 64 * KiB, 2));
	/* ... and one 64 KiB chunk of each partition was preserved. */
	EXPECT_EQ(65536, vss_storage_used(&self->nl, self->p1));
	EXPECT_EQ(65536, vss_storage_used(&self->nl, self->p2));
	EXPECT_EQ(0, vss_check_gen(set.device[0], 0, P1_BYTES, 1));
	EXPECT_EQ(0, vss_check_gen(set.device[1], 0, P2_BYTES, 1));
}

TEST_HARNESS_MAIN
