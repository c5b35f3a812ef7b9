// SPDX-License-Identifier: GPL-2.0
/*
 * A filesystem that lives on more than one device is snapshotted on all of
 * them or not at all (issue 15, item 4): ext4 with an external journal,
 * XFS with an external log. A set naming only the data device is refused
 * with EXDEV and the missing device's name, before anything is frozen or
 * created; naming both gives one set, frozen once, whose two snapshots
 * check clean together (e2fsck with the journal snapshot, xfs_repair with
 * the log snapshot) and mount together with the data of their instant.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define MiB		(1ULL << 20)
/* 6.1 has no formatted extack messages: its static one (kmod/snapset.c). */
#define MISSING_STATIC_MSG "a filesystem of the set also lives on a device that is not in the set (its journal, log or other devices): add them"

struct loopdev {
	char img[64];
	char dev[32];
};

static int loop_setup(struct loopdev *l, const char *tag, const char *size)
{
	snprintf(l->img, sizeof(l->img), "/tmp/vss-md-%s-%d.img", tag, getpid());
	if (vss_sh("modprobe loop && truncate -s %s %s", size, l->img))
		return -1;
	return vss_sh_out(l->dev, sizeof(l->dev), "losetup --find --show %s", l->img);
}

static void loop_teardown(struct loopdev *l)
{
	if (l->dev[0])
		vss_sh("losetup -d %s", l->dev);
	if (l->img[0])
		unlink(l->img);
}

FIXTURE(multidev) {
	struct vss_nl nl;
	struct loopdev data, aux;	/* aux: the journal or log device */
	char mnt[64];
	int mounted, storage;
};

FIXTURE_VARIANT(multidev) {
	const char *aux_kind;
	const char *aux_size;
	/* %1$s data device, %2$s aux device */
	const char *mkfs;
	const char *mount_opts;
	/*
	 * On writable copies of the two snapshots ($ld data, $ll aux): checks
	 * them, and mounts them together on $d.m, where f must say "before".
	 */
	const char *check;
};

FIXTURE_VARIANT_ADD(multidev, ext4_external_journal) {
	.aux_kind = "journal",
	.aux_size = "64M",
	.mkfs = "mke2fs -q -F -O journal_dev -b 4096 %2$s && "
		"mkfs.ext4 -q -F -b 4096 -J device=%2$s %1$s",
	.mount_opts = "",
	.check = "e2fsck -fn -j $ll $ld && mkdir -p $d.m && "
		 "mount -o ro,journal_path=$ll $ld $d.m && grep -qx before $d.m/f && umount $d.m",
};

/*
 * The frozen XFS keeps a dirty covered log (its counters live there): the
 * log is replayed into the copies first, as a writable mount would (see
 * snapshot_fs.c), then xfs_repair -n must find nothing.
 */
FIXTURE_VARIANT_ADD(multidev, xfs_external_log) {
	.aux_kind = "log",
	.aux_size = "96M",
	.mkfs = "mkfs.xfs -q -f -l logdev=%2$s,size=64m %1$s",
	.mount_opts = "-o logdev=%2$s",
	.check = "mkdir -p $d.m && mount -o nouuid,logdev=$ll $ld $d.m && "
		 "grep -qx before $d.m/f && umount $d.m && xfs_repair -n -l $ll $ld",
};

/*
 * Checks the two snapshots together on writable copies: e2fsck and
 * xfs_repair open an external journal or log for writing even with -n.
 */
static int check_copies(const char *check, const char *data, const char *aux)
{
	return vss_sh("f() { d=/tmp/vss-md-copy.$$ && "
		      "cp --sparse=always %s $d.data && cp --sparse=always %s $d.aux && "
		      "ld=$(losetup --find --show $d.data) && ll=$(losetup --find --show $d.aux) && "
		      "{ %s; } >/dev/null 2>&1; rc=$?; umount $d.m 2>/dev/null; losetup -d $ld $ll; "
		      "rm -rf $d.data $d.aux $d.m; return $rc; }; f",
		      data, aux, check);
}

FIXTURE_SETUP(multidev)
{
	char cmd[1024];

	memset(self, 0, sizeof(*self));
	snprintf(self->mnt, sizeof(self->mnt), "/tmp/vss-md-%d.mnt", getpid());
	ASSERT_EQ(0, loop_setup(&self->data, "data", "320M"));
	ASSERT_EQ(0, loop_setup(&self->aux, variant->aux_kind, variant->aux_size));
	snprintf(cmd, sizeof(cmd), variant->mkfs, self->data.dev, self->aux.dev);
	ASSERT_EQ(0, vss_sh("%s >/dev/null", cmd));
	ASSERT_EQ(0, vss_sh("mkdir -p %s", self->mnt));
	snprintf(cmd, sizeof(cmd), variant->mount_opts, self->data.dev, self->aux.dev);
	ASSERT_EQ(0, vss_sh("mount %s %s %s", cmd, self->data.dev, self->mnt));
	self->mounted = 1;
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->data.dev, 32 * MiB, 65536));
	self->storage |= 1;
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->aux.dev, 32 * MiB, 65536));
	self->storage |= 2;
}

FIXTURE_TEARDOWN(multidev)
{
	if (self->storage) {
		vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
		if (self->storage & 1)
			EXPECT_EQ(0, vss_storage_remove(&self->nl, self->data.dev));
		if (self->storage & 2)
			EXPECT_EQ(0, vss_storage_remove(&self->nl, self->aux.dev));
		vss_nl_close(&self->nl);
	}
	if (self->mounted)
		vss_sh("umount %s", self->mnt);
	rmdir(self->mnt);
	loop_teardown(&self->data);
	loop_teardown(&self->aux);
}

/* What the refusal says: the data device's fs and the device it lacks. */
static void expect_missing_msg(struct __test_metadata *_metadata,
			       const char *msg, const char *data, const char *aux)
{
	char want[256];

	if (vss_kernel_older(6, 2)) {
		EXPECT_STREQ(MISSING_STATIC_MSG, msg);
		return;
	}
	snprintf(want, sizeof(want),
		 "the filesystem on %s also lives on %s, which is not in the set: add it",
		 strrchr(data, '/') + 1, strrchr(aux, '/') + 1);
	EXPECT_STREQ(want, msg);
}

TEST_F_TIMEOUT(multidev, the_data_device_alone_is_refused_naming_the_other, 120)
{
	const char *by_mount[] = { self->mnt };
	const char *by_dev[] = { self->data.dev };
	struct vss_set set;

	ASSERT_EQ(0, vss_sh("echo before > %s/f && sync", self->mnt));
	EXPECT_EQ(-EXDEV, vss_snapshot_create(&self->nl, by_mount, 1, 0, &set));
	expect_missing_msg(_metadata, self->nl.ext_msg, self->data.dev, self->aux.dev);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	/* By its device path: the same filesystem, the same answer. */
	EXPECT_EQ(-EXDEV, vss_snapshot_create(&self->nl, by_dev, 1, 0, &set));
	expect_missing_msg(_metadata, self->nl.ext_msg, self->data.dev, self->aux.dev);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	/* Nothing left frozen: a write completes. */
	EXPECT_EQ(0, vss_sh("timeout 20 sh -c 'echo after > %s/f && sync'", self->mnt));
}

TEST_F_TIMEOUT(multidev, both_devices_give_one_consistent_set, 240)
{
	const char *vols[] = { self->mnt, self->aux.dev };
	struct vss_set set;

	ASSERT_EQ(0, vss_sh("echo before > %s/f && sync", self->mnt));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 2, 0, &set))
		TH_LOG("%s", self->nl.ext_msg);
	ASSERT_EQ(2u, set.nr);
	/* Frozen once, through the mount point: the whole set is consistent. */
	EXPECT_EQ(VSS_CONSISTENCY_FROZEN, set.consistency);
	ASSERT_EQ(0, vss_sh("echo after > %s/f && sync", self->mnt));

	EXPECT_EQ(0, check_copies(variant->check, set.device[0], set.device[1]));
}

/* Named by both device paths (on 6.1 the filesystem is found by the freeze). */
TEST_F_TIMEOUT(multidev, both_device_paths_give_one_consistent_set, 240)
{
	const char *vols[] = { self->data.dev, self->aux.dev };
	struct vss_set set;

	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 2, 0, &set))
		TH_LOG("%s", self->nl.ext_msg);
	ASSERT_EQ(2u, set.nr);
	EXPECT_EQ(VSS_CONSISTENCY_FROZEN, set.consistency);
	EXPECT_EQ(0, vss_sh("timeout 20 sh -c 'echo after > %s/f && sync'", self->mnt));
}

TEST_HARNESS_MAIN
