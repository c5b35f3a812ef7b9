// SPDX-License-Identifier: GPL-2.0
/*
 * Diff-storage settings: thresholds chosen at STORAGE_ADD fire on the
 * monitor group with the threshold crossed; STORAGE_SET resizes and
 * replaces thresholds, refusing to shrink below what is held; each
 * snapshot reports the storage its chunks use, and a deleted newest
 * snapshot's chunks pass to the older one.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_storage.h"

#define MiB		(1ULL << 20)
#define DEV_BYTES	(16 * MiB)
#define CHUNK		65536

FIXTURE(cfg) {
	struct vss_nl nl, mon;
	char dev[64], img[64];
};

FIXTURE_SETUP(cfg)
{
	uint32_t grp;

	ASSERT_EQ(0, vss_sh("modprobe loop"));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-cfg-%d.img", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s %llu %s", DEV_BYTES, self->img));
	ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
				"losetup --find --show %s", self->img));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_nl_open(&self->mon));
	ASSERT_EQ(0, vss_nl_resolve(&self->mon));
	grp = self->mon.grp_monitor;
	ASSERT_EQ(0, setsockopt(self->mon.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, DEV_BYTES, 1));
}

FIXTURE_TEARDOWN(cfg)
{
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_storage_remove(&self->nl, self->dev);
	vss_nl_close(&self->mon);
	vss_nl_close(&self->nl);
	vss_sh("losetup -d %s", self->dev);
	unlink(self->img);
}

/* The threshold of the next STORAGE_THRESHOLD_NTF, skipping other events. */
static int next_threshold(struct vss_nl *mon, uint64_t *used)
{
	static char buf[VSS_NL_BUF];
	struct pollfd pfd = { .fd = mon->fd, .events = POLLIN };
	const struct nlmsghdr *h = (const void *)buf;
	const struct nlattr *a;
	uint32_t pct;
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, 5000) != 1)
			return -ETIMEDOUT;
		n = recv(mon->fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN))
			return -EBADMSG;
		if (((const struct genlmsghdr *)NLMSG_DATA(h))->cmd !=
		    VSS_CMD_STORAGE_THRESHOLD_NTF)
			continue;
		a = vss_nl_attr(buf, n, VSS_A_STORAGE_USED_BYTES);
		if (!a)
			return -EBADMSG;
		memcpy(used, a + 1, sizeof(*used));
		a = vss_nl_attr(buf, n, VSS_A_STORAGE_THRESHOLD);
		if (!a)
			return -EBADMSG;
		memcpy(&pct, a + 1, sizeof(pct));
		return pct;
	}
}

static int no_more_events(struct vss_nl *mon)
{
	struct pollfd pfd = { .fd = mon->fd, .events = POLLIN };

	return poll(&pfd, 1, 200) == 0;
}

static int snap(struct vss_nl *nl, const char *dev, struct vss_set *set)
{
	const char *vols[] = { dev };

	return vss_snapshot_create(nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, set);
}

TEST_F_TIMEOUT(cfg, chosen_thresholds_fire_once_each_in_order, 120)
{
	const uint32_t thr[] = { 60, 25 };	/* any order; reported sorted */
	struct vss_storage_info info;
	struct vss_set set;
	uint64_t used;

	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					NULL, 8 * MiB, CHUNK, thr, 2));
	ASSERT_EQ(0, vss_storage_get(&self->nl, self->dev, &info));
	ASSERT_EQ(2, info.nr_thresholds);
	EXPECT_EQ(25, info.thresholds[0]);
	EXPECT_EQ(60, info.thresholds[1]);
	ASSERT_EQ(0, snap(&self->nl, self->dev, &set));
	/* 2 MiB = 25% exactly: the first threshold. */
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 2 * MiB, 2));
	EXPECT_EQ(25, next_threshold(&self->mon, &used));
	EXPECT_EQ(2 * MiB, used);
	EXPECT_TRUE(no_more_events(&self->mon));
	/* Up to 5 MiB: past 60% (4.8 MiB) at the 77th chunk. */
	ASSERT_EQ(0, vss_write_gen(self->dev, 2 * MiB, 3 * MiB, 2));
	EXPECT_EQ(60, next_threshold(&self->mon, &used));
	EXPECT_EQ(77 * CHUNK, used);
	EXPECT_TRUE(no_more_events(&self->mon));
}

TEST_F_TIMEOUT(cfg, storage_set_resizes_and_replaces_thresholds, 120)
{
	const uint32_t thr[] = { 50 };
	struct vss_storage_info info;
	struct vss_snap_info si;
	struct vss_set set;
	uint64_t used;

	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					NULL, 2 * MiB, CHUNK, NULL, 0));
	ASSERT_EQ(0, vss_storage_get(&self->nl, self->dev, &info));
	ASSERT_EQ(2, info.nr_thresholds);	/* the defaults */
	EXPECT_EQ(80, info.thresholds[0]);
	EXPECT_EQ(95, info.thresholds[1]);
	ASSERT_EQ(0, snap(&self->nl, self->dev, &set));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 1 * MiB, 2));
	/* Below the bytes in use: refused, nothing changes. */
	EXPECT_EQ(-EBUSY, vss_storage_set(&self->nl, self->dev, 512 * 1024, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "below the bytes in use"));
	/* Grow to 8 MiB with one threshold at 50%. */
	ASSERT_EQ(0, vss_storage_set(&self->nl, self->dev, 8 * MiB, thr, 1));
	ASSERT_EQ(0, vss_storage_get(&self->nl, self->dev, &info));
	EXPECT_EQ(8 * MiB, info.max_bytes);
	ASSERT_EQ(1, info.nr_thresholds);
	EXPECT_EQ(50, info.thresholds[0]);
	/* 6 MiB of first writes would have overflowed the old 2 MiB. */
	ASSERT_EQ(0, vss_write_gen(self->dev, 1 * MiB, 5 * MiB, 2));
	EXPECT_EQ(50, next_threshold(&self->mon, &used));
	EXPECT_EQ(4 * MiB, used);
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &si));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, si.state);
	ASSERT_EQ(0, vss_check_gen(set.device[0], 0, DEV_BYTES, 1));
}

TEST_F(cfg, bad_settings_are_refused_with_reasons)
{
	const uint32_t five[] = { 10, 20, 30, 40, 50 };
	const uint32_t dup[] = { 30, 30 };
	const uint32_t zero[] = { 0 };
	const uint32_t over[] = { 101 };

	EXPECT_EQ(-E2BIG, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					     NULL, MiB, 0, five, 5));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "more than 4"));
	EXPECT_EQ(-EINVAL, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					      NULL, MiB, 0, dup, 2));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "twice"));
	EXPECT_EQ(-ERANGE, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					      NULL, MiB, 0, zero, 1));
	EXPECT_EQ(-ERANGE, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					      NULL, MiB, 0, over, 1));
	EXPECT_NE(0, self->nl.ext_msg[0]);
	EXPECT_EQ(-ENOENT, vss_storage_set(&self->nl, self->dev, MiB, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "no diff storage"));
	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					NULL, MiB, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, vss_storage_set(&self->nl, self->dev, 0, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.ext_msg, "nothing to change"));
}

TEST_F_TIMEOUT(cfg, each_snapshot_reports_its_storage_and_passes_it_on, 120)
{
	struct vss_set a, b;

	ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_MEMORY,
					NULL, 16 * MiB, CHUNK, NULL, 0));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &a));
	EXPECT_EQ(0, vss_snapshot_storage_used(&self->nl, a.id[0]));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 3 * MiB, 2));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &b));
	/* Chunks 0-47 already preserved for a; b preserves only what it needs. */
	ASSERT_EQ(0, vss_write_gen(self->dev, 2 * MiB, 3 * MiB, 3));
	EXPECT_EQ(3 * MiB, vss_snapshot_storage_used(&self->nl, a.id[0]));
	EXPECT_EQ(3 * MiB, vss_snapshot_storage_used(&self->nl, b.id[0]));
	EXPECT_EQ(6 * MiB, vss_storage_used(&self->nl, self->dev));
	/*
	 * Deleting b: a needs b's chunks 48-79 (written after a, first
	 * preserved for b); chunks 32-47, which a holds itself, are freed.
	 */
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, b.id[0], 16));
	EXPECT_EQ(5 * MiB, vss_snapshot_storage_used(&self->nl, a.id[0]));
	EXPECT_EQ(5 * MiB, vss_storage_used(&self->nl, self->dev));
	ASSERT_EQ(0, vss_check_gen(a.device[0], 0, DEV_BYTES, 1));
}

TEST_HARNESS_MAIN
