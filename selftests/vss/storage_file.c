// SPDX-License-Identifier: GPL-2.0
/*
 * Diff storage in a file: snapshots read back exactly from chunks written
 * through the VFS into an unnamed file on another filesystem; the file
 * grows with use and never past max-bytes; a full storage (max-bytes, or
 * the filesystem itself) invalidates the snapshot and never fails an
 * origin write; a storage file on an origin is refused both ways.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_storage.h"

#define MiB		(1ULL << 20)
#define DEV_BYTES	(32 * MiB)
#define CHUNK		65536

FIXTURE(file) {
	struct vss_nl nl;
	char dev[64], img[64];		/* the origin */
	char sdev[64], simg[64];	/* holds the storage filesystem */
	char dir[64];			/* its mount point */
};

static int loop_dev(char *dev, size_t size, char *img, size_t isize,
		    const char *name, unsigned long long bytes)
{
	snprintf(img, isize, "/tmp/vss-%s-%d.img", name, getpid());
	if (vss_sh("truncate -s %llu %s", bytes, img))
		return -1;
	return vss_sh_out(dev, size, "losetup --find --show %s", img);
}

FIXTURE_SETUP(file)
{
	ASSERT_EQ(0, vss_sh("modprobe loop"));
	ASSERT_EQ(0, loop_dev(self->dev, sizeof(self->dev), self->img,
			      sizeof(self->img), "forig", DEV_BYTES));
	ASSERT_EQ(0, loop_dev(self->sdev, sizeof(self->sdev), self->simg,
			      sizeof(self->simg), "fstore", 64 * MiB));
	snprintf(self->dir, sizeof(self->dir), "/tmp/vss-store-%d", getpid());
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mkdir -p %s && mount %s %s",
			    self->sdev, self->dir, self->sdev, self->dir));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, DEV_BYTES, 1));
}

FIXTURE_TEARDOWN(file)
{
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_storage_remove(&self->nl, self->dev);
	vss_storage_remove(&self->nl, self->sdev);
	vss_nl_close(&self->nl);
	vss_sh("umount %s; rmdir %s", self->dir, self->dir);
	vss_sh("losetup -d %s; losetup -d %s", self->dev, self->sdev);
	unlink(self->img);
	unlink(self->simg);
}

static int snap(struct vss_nl *nl, const char *dev, struct vss_set *set)
{
	const char *vols[] = { dev };

	return vss_snapshot_create(nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, set);
}

TEST_F_TIMEOUT(file, snapshot_reads_back_from_the_file_which_grows_with_use, 180)
{
	struct vss_storage_info info;
	struct vss_set set;

	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					self->dir, 24 * MiB, CHUNK, NULL, 0));
	ASSERT_EQ(0, vss_storage_get(&self->nl, self->dev, &info));
	EXPECT_EQ(VSS_STORAGE_FILE, info.kind);
	EXPECT_STREQ(self->dir, info.path);
	EXPECT_EQ(0, info.file_bytes);
	EXPECT_EQ(0, info.used_bytes);
	/* The file is unnamed: nothing shows in the directory. */
	EXPECT_EQ(0, vss_sh("[ -z \"$(ls -A %s | grep -v lost+found)\" ]", self->dir));

	ASSERT_EQ(0, snap(&self->nl, self->dev, &set));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 8 * MiB, 2));
	ASSERT_EQ(0, vss_write_gen(self->dev, 16 * MiB, 4 * MiB, 3));
	ASSERT_EQ(0, vss_check_gen(set.device[0], 0, DEV_BYTES, 1));
	ASSERT_EQ(0, vss_check_gen(self->dev, 0, 8 * MiB, 2));
	ASSERT_EQ(0, vss_check_gen(self->dev, 16 * MiB, 4 * MiB, 3));
	ASSERT_EQ(0, vss_storage_get(&self->nl, self->dev, &info));
	EXPECT_EQ(12 * MiB, info.used_bytes);
	/* Slots are dense: the file is as large as the chunks it holds. */
	EXPECT_EQ(12 * MiB, info.file_bytes);
	/* Read it again after dropping every cache: it comes from the file. */
	ASSERT_EQ(0, vss_sh("sync; echo 3 > /proc/sys/vm/drop_caches"));
	ASSERT_EQ(0, vss_check_gen(set.device[0], 0, DEV_BYTES, 1));
	/* The storage filesystem's space is really used. */
	EXPECT_EQ(0, vss_sh("[ $(df -k --output=used %s | tail -1) -ge 12288 ]",
			    self->dir));
}

/*
 * A large read of the snapshot covers chunks in the storage file and chunks
 * still on the origin. Chunks copied in descending order (slots run against
 * positions) in the first half, ascending (every other chunk: neighbouring
 * slots) in the second; reads of 1020 KiB straddle chunk boundaries. Every
 * byte must be the origin's at the snapshot, after @first (a read of the
 * snapshot, or NULL).
 */
static void large_reads(struct __test_metadata *_metadata,
			FIXTURE_DATA(file) *self, const char *dir, const char *first)
{
	const char *reads[] = {
		"bs=1020k iflag=direct", "bs=1M iflag=direct", "bs=4k",
		"bs=1020k skip=3584 iflag=skip_bytes,direct",
	};
	struct vss_set set;
	long long c, half = DEV_BYTES / CHUNK / 2;
	const char *sum = self->img;	/* its sums go beside it */
	unsigned int i;

	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					dir, 24 * MiB, CHUNK, NULL, 0));
	for (i = 0; i < ARRAY_SIZE(reads); i++)
		ASSERT_EQ(0, vss_sh("dd if=%s %s 2>/dev/null | sha256sum > %s.sum%u",
				    self->dev, reads[i], sum, i));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &set));
	for (c = half - 2; c >= 0; c -= 2)
		ASSERT_EQ(0, vss_write_gen(self->dev, c * CHUNK + 4096, 4096, 7));
	for (c = half; c < 2 * half; c += 2)
		ASSERT_EQ(0, vss_write_gen(self->dev, c * CHUNK + 8192, 8192, 7));
	ASSERT_EQ(0, vss_sh("sync; echo 3 > /proc/sys/vm/drop_caches"));
	if (first)
		ASSERT_EQ(0, vss_sh("dd if=%s of=/dev/null %s 2>/dev/null",
				    set.device[0], first));
	for (i = 0; i < ARRAY_SIZE(reads); i++) {
		EXPECT_EQ(0, vss_sh("dd if=%s %s 2>/dev/null | sha256sum | cmp -s - %s.sum%u",
				    set.device[0], reads[i], sum, i))
			TH_LOG("snapshot read with %s differs from the origin at the snapshot",
			       reads[i]);
		/* The origin did change: the comparison can fail. */
		EXPECT_NE(0, vss_sh("dd if=%s %s 2>/dev/null | sha256sum | cmp -s - %s.sum%u",
				    self->dev, reads[i], sum, i));
		ASSERT_EQ(0, vss_sh("echo 3 > /proc/sys/vm/drop_caches"));
	}
	vss_sh("rm -f %s.sum*", sum);
}

/* Storage chunks read straight into the reader's pages (direct reads). */
TEST_F_TIMEOUT(file, large_reads_mixing_stored_and_origin_chunks, 180)
{
	large_reads(_metadata, self, self->dir, NULL);
	EXPECT_NE(0, vss_sh("dmesg | grep -q 'diff storage in %s: read through the page cache'",
			    self->dir));
}

/*
 * The storage filesystem on 4 KiB sectors: a 512-byte read of the snapshot
 * cannot be read directly from it, so the storage is read through its page
 * cache from then on (storage reads of a bio started together). The same
 * contents either way.
 */
TEST_F_TIMEOUT(file, large_reads_through_the_page_cache_after_a_misaligned_one, 180)
{
	char dev4k[64], dir4k[80];

	snprintf(dir4k, sizeof(dir4k), "%s-4k", self->dir);
	ASSERT_EQ(0, vss_sh_out(dev4k, sizeof(dev4k),
				"truncate -s 64M %s.4k && losetup --find --show --sector-size 4096 %s.4k",
				self->simg, self->simg));
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mkdir -p %s && mount %s %s",
			    dev4k, dir4k, dev4k, dir4k));
	large_reads(_metadata, self, dir4k, "bs=512 count=1 iflag=direct");
	EXPECT_EQ(0, vss_sh("dmesg | grep -q 'diff storage in %s: read through the page cache from now on (a direct read was refused: -22)'",
			    dir4k));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_storage_remove(&self->nl, self->dev);
	vss_sh("umount %s; rmdir %s; losetup -d %s; rm -f %s.4k", dir4k, dir4k,
	       dev4k, self->simg);
}

TEST_F_TIMEOUT(file, max_bytes_reached_invalidates_never_fails_the_origin, 180)
{
	struct vss_storage_info info;
	struct vss_snap_info si;
	struct vss_set set;

	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					self->dir, 4 * MiB, CHUNK, NULL, 0));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &set));
	/* 8 MiB of first writes into 4 MiB of storage: every write succeeds. */
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 8 * MiB, 2));
	ASSERT_EQ(0, vss_check_gen(self->dev, 0, 8 * MiB, 2));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &si));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, si.state);
	EXPECT_EQ(VSS_INVALID_OVERFLOW, si.invalid_reason);
	EXPECT_NE(0, vss_sh("dd if=%s of=/dev/null bs=64k count=1 iflag=direct 2>/dev/null",
			    set.device[0]));
	ASSERT_EQ(0, vss_storage_get(&self->nl, self->dev, &info));
	EXPECT_LE(info.file_bytes, 4 * MiB);
}

TEST_F_TIMEOUT(file, full_storage_filesystem_invalidates_never_fails_the_origin, 180)
{
	struct vss_snap_info si;
	struct vss_set set;

	/* Leave about 6 MiB free on the storage filesystem, allow 1 GiB. */
	ASSERT_EQ(0, vss_sh("fallocate -l $(( $(df -B1 --output=avail %s | tail -1) - 6291456 )) %s/filler",
			    self->dir, self->dir));
	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					self->dir, 1024 * MiB, CHUNK, NULL, 0));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &set));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 16 * MiB, 2));
	ASSERT_EQ(0, vss_check_gen(self->dev, 0, 16 * MiB, 2));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &si));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, si.state);
	EXPECT_EQ(VSS_INVALID_OVERFLOW, si.invalid_reason);
}

TEST_F_TIMEOUT(file, storage_file_on_an_origin_is_refused_both_ways, 120)
{
	char sub[96];

	/* On the origin itself. */
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mkdir -p %s-o && mount %s %s-o",
			    self->dev, self->dir, self->dev, self->dir));
	snprintf(sub, sizeof(sub), "%s-o", self->dir);
	EXPECT_EQ(-EXDEV, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					     sub, 4 * MiB, 0, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "on the origin itself"));

	/* The storage filesystem's device already is an origin. */
	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->sdev, VSS_STORAGE_MEMORY,
					NULL, 4 * MiB, 0, NULL, 0));
	EXPECT_EQ(-EXDEV, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					     self->dir, 4 * MiB, 0, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "storage file would be on"));
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->sdev));

	/* The reverse order: the device holding a storage file becomes an origin. */
	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					self->dir, 4 * MiB, 0, NULL, 0));
	EXPECT_EQ(-EXDEV, vss_storage_add_ex(&self->nl, self->sdev, VSS_STORAGE_MEMORY,
					     NULL, 4 * MiB, 0, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "holds the storage file"));
	/* While it has storage, the filesystem holding the file stays busy. */
	EXPECT_NE(0, vss_sh("umount %s 2>/dev/null", self->dir));
	EXPECT_EQ(0, vss_storage_remove(&self->nl, self->dev));
	vss_sh("umount %s-o; rmdir %s-o", self->dir, self->dir);
}

/*
 * A storage filesystem in a loop-mounted image that lives on an origin
 * writes onto that origin all the same (store_where.c): refused, both ways.
 */
TEST_F_TIMEOUT(file, storage_file_in_a_loop_image_on_an_origin_is_refused_both_ways, 120)
{
	char outer[96], inner[96], idev[64];

	snprintf(outer, sizeof(outer), "%s-o", self->dir);
	snprintf(inner, sizeof(inner), "%s-i", self->dir);
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mkdir -p %s %s && mount %s %s",
			    self->dev, outer, inner, self->dev, outer));
	ASSERT_EQ(0, vss_sh("truncate -s 16M %s/inner.img", outer));
	ASSERT_EQ(0, vss_sh_out(idev, sizeof(idev), "losetup --find --show %s/inner.img", outer));
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mount %s %s", idev, idev, inner));

	EXPECT_EQ(-EXDEV, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					     inner, 4 * MiB, 0, NULL, 0));
	EXPECT_STREQ("the storage file would be on the origin itself", self->nl.ext_msg);

	/* The reverse: the device under the loop's image becomes an origin. */
	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->sdev, VSS_STORAGE_FILE,
					inner, 4 * MiB, 0, NULL, 0));
	EXPECT_EQ(-EXDEV, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					     NULL, 4 * MiB, 0, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "holds the storage file of"));
	EXPECT_EQ(0, vss_storage_remove(&self->nl, self->sdev));
	vss_storage_remove(&self->nl, self->dev);	/* had it been taken */
	EXPECT_EQ(0, vss_sh("umount %s && losetup -d %s", inner, idev));
	vss_sh("umount %s; rmdir %s %s", outer, outer, inner);
}

/*
 * An overlayfs file is written into its upper layer's file: on an origin,
 * refused (store_where.c). Kernels whose overlayfs has no O_TMPFILE
 * (before 6.6) refuse it for that reason first.
 */
TEST_F_TIMEOUT(file, storage_file_in_an_overlay_whose_upper_is_on_an_origin_is_refused, 120)
{
	char outer[96], lower[96], ovl[96], probe[128];
	int fd, expect, saved;

	snprintf(outer, sizeof(outer), "%s-o", self->dir);
	snprintf(lower, sizeof(lower), "%s-l", self->dir);
	snprintf(ovl, sizeof(ovl), "%s-ovl", self->dir);
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mkdir -p %s %s %s && mount %s %s",
			    self->dev, outer, lower, ovl, self->dev, outer));
	ASSERT_EQ(0, vss_sh("mkdir %s/u %s/w && mount -t overlay overlay "
			    "-o lowerdir=%s,upperdir=%s/u,workdir=%s/w %s",
			    outer, outer, lower, outer, outer, ovl));
	/* What this kernel's overlayfs can do decides the refusal's reason. */
	fd = open(ovl, O_TMPFILE | O_RDWR, 0600);
	saved = errno;
	if (fd >= 0)
		close(fd);
	snprintf(probe, sizeof(probe), "O_TMPFILE in the overlay: %s",
		 fd >= 0 ? "yes" : strerror(saved));
	TH_LOG("%s", probe);
	ASSERT_TRUE(fd >= 0 || saved == EOPNOTSUPP);
	expect = fd >= 0 ? -EXDEV : -EOPNOTSUPP;

	EXPECT_EQ(expect, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					     ovl, 4 * MiB, 0, NULL, 0));
	if (expect == -EXDEV)
		EXPECT_STREQ("the storage file would be on the origin itself", self->nl.ext_msg);
	vss_sh("umount %s; umount %s; rmdir %s %s %s", ovl, outer, ovl, lower, outer);
}

TEST_F(file, bad_file_storage_requests_say_why)
{
	char path[96];

	EXPECT_EQ(-EINVAL, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					      NULL, 4 * MiB, 0, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "needs a directory"));
	EXPECT_EQ(-EINVAL, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					      self->dir, 4 * MiB, 0, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "only for file storage"));
	snprintf(path, sizeof(path), "%s/missing", self->dir);
	EXPECT_EQ(-ENOENT, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
					      path, 4 * MiB, 0, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "not a directory"));
	/* Nothing was configured by the refusals. */
	EXPECT_EQ(-ENOENT, vss_storage_remove(&self->nl, self->dev));
}

TEST_HARNESS_MAIN
