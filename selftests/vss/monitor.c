// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor group: an administrator's socket hears, in order, a snapshot
 * created, its storage crossing 80% and 95%, the snapshot invalidated by
 * overflow, and its deletion; and a change tracker starting a new
 * generation (TRACKER_RESET, an epoch wrap), with the old and new
 * generations, the epoch and the reason.
 */
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_cbt.h"
#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)

struct event {
	uint8_t cmd;
	uint64_t used;
	uint32_t reason;
	uint8_t id[16];
	/* TRACKER_NTF */
	char origin[64];
	uint8_t generation[16], old_generation[16];
	uint64_t epoch;
};

#define LIMIT_FILE	"/sys/kernel/debug/vss/cbt_epoch_limit"

/* Copies attribute @type of the message into @dst if it has @len bytes. */
static void attr_copy(const char *buf, ssize_t n, int type, void *dst, size_t len)
{
	const struct nlattr *a = vss_nl_attr(buf, n, type);

	if (a && a->nla_len == NLA_HDRLEN + len)
		memcpy(dst, a + 1, len);
}

/* Waits up to 5 s for the next notification on the monitor socket. */
static int next_event(struct vss_nl *mon, struct event *ev)
{
	static char buf[VSS_NL_BUF];
	struct pollfd pfd = { .fd = mon->fd, .events = POLLIN };
	const struct nlattr *a;
	const struct nlmsghdr *h = (const void *)buf;
	ssize_t n;

	if (poll(&pfd, 1, 5000) != 1)
		return -ETIMEDOUT;
	n = recv(mon->fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN) || h->nlmsg_type != mon->family)
		return -EBADMSG;
	memset(ev, 0, sizeof(*ev));
	ev->cmd = ((const struct genlmsghdr *)NLMSG_DATA(h))->cmd;
	if (ev->cmd == VSS_CMD_TRACKER_NTF) {
		a = vss_nl_attr(buf, n, VSS_A_TRACKER_ORIGIN);
		if (a)
			snprintf(ev->origin, sizeof(ev->origin), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN), (const char *)(a + 1));
		attr_copy(buf, n, VSS_A_TRACKER_GENERATION, ev->generation, 16);
		attr_copy(buf, n, VSS_A_TRACKER_OLD_GENERATION, ev->old_generation, 16);
		attr_copy(buf, n, VSS_A_TRACKER_EPOCH, &ev->epoch, 8);
		attr_copy(buf, n, VSS_A_TRACKER_REASON, &ev->reason, 4);
	} else if (ev->cmd == VSS_CMD_STORAGE_THRESHOLD_NTF) {
		a = vss_nl_attr(buf, n, VSS_A_STORAGE_USED_BYTES);
		if (a)
			memcpy(&ev->used, a + 1, sizeof(ev->used));
	} else {
		a = vss_nl_attr(buf, n, VSS_A_SNAPSHOT_ID);
		if (a)
			memcpy(ev->id, a + 1, 16);
		a = vss_nl_attr(buf, n, VSS_A_SNAPSHOT_INVALID_REASON);
		if (a)
			memcpy(&ev->reason, a + 1, sizeof(ev->reason));
	}
	return 0;
}

FIXTURE(monitor) {
	struct vss_nl nl, mon;
	char dev[64];
	char img[64];
};

FIXTURE_SETUP(monitor)
{
	uint32_t grp;

	ASSERT_EQ(0, vss_sh("modprobe loop"));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-mon-%d.img", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s 8M %s", self->img));
	ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
				"losetup --find --show %s", self->img));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_nl_open(&self->mon));
	ASSERT_EQ(0, vss_nl_resolve(&self->mon));
	grp = self->mon.grp_monitor;
	ASSERT_EQ(0, setsockopt(self->mon.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)));
}

FIXTURE_TEARDOWN(monitor)
{
	vss_sh("echo 65534 > " LIMIT_FILE " 2>/dev/null");
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_storage_remove(&self->nl, self->dev);
	vss_nl_close(&self->mon);
	vss_nl_close(&self->nl);
	vss_sh("losetup -d %s", self->dev);
	unlink(self->img);
}

TEST_F_TIMEOUT(monitor, events_of_a_snapshot_life_in_order, 120)
{
	const char *vols[] = { self->dev };
	struct vss_set set;
	struct event ev;

	/* 16 chunks of 64 KiB fit; the 17th overflows. */
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, MiB, 65536));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT,
					 &set));
	ASSERT_EQ(0, next_event(&self->mon, &ev));
	EXPECT_EQ(VSS_CMD_SNAPSHOT_CREATED_NTF, ev.cmd);
	EXPECT_EQ(0, memcmp(ev.id, set.id[0], 16));

	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 2 * MiB, 2));

	ASSERT_EQ(0, next_event(&self->mon, &ev));
	EXPECT_EQ(VSS_CMD_STORAGE_THRESHOLD_NTF, ev.cmd);
	EXPECT_EQ(13 * 64 * KiB, ev.used);	/* first use >= 80% */
	ASSERT_EQ(0, next_event(&self->mon, &ev));
	EXPECT_EQ(VSS_CMD_STORAGE_THRESHOLD_NTF, ev.cmd);
	EXPECT_EQ(16 * 64 * KiB, ev.used);	/* first use >= 95% */
	ASSERT_EQ(0, next_event(&self->mon, &ev));
	EXPECT_EQ(VSS_CMD_SNAPSHOT_INVALID_NTF, ev.cmd);
	EXPECT_EQ(VSS_INVALID_OVERFLOW, ev.reason);
	EXPECT_EQ(0, memcmp(ev.id, set.id[0], 16));

	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0));
	ASSERT_EQ(0, next_event(&self->mon, &ev));
	EXPECT_EQ(VSS_CMD_SNAPSHOT_DELETED_NTF, ev.cmd);
	EXPECT_EQ(0, memcmp(ev.id, set.id[0], 16));
	/* Nothing more. */
	EXPECT_EQ(-ETIMEDOUT, next_event(&self->mon, &ev));
}

/* The origin's name as the module reports it: the device without /dev/. */
static const char *dev_name(const char *dev)
{
	return strncmp(dev, "/dev/", 5) ? dev : dev + 5;
}

TEST_F_TIMEOUT(monitor, tracker_new_generation_on_reset_and_on_wrap, 120)
{
	const char *vols[] = { self->dev };
	struct vss_tracker_info t0, t1, t2;
	struct event ev, wrap = { 0 };
	struct vss_set set;
	int i;

	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, MiB, 65536));
	ASSERT_EQ(0, vss_tracker_get(&self->nl, self->dev, &t0));

	/* TRACKER_RESET: one notification, from t0's generation to the next. */
	ASSERT_EQ(0, vss_tracker_reset(&self->nl, self->dev));
	ASSERT_EQ(0, vss_tracker_get(&self->nl, self->dev, &t1));
	ASSERT_EQ(0, next_event(&self->mon, &ev));
	EXPECT_EQ(VSS_CMD_TRACKER_NTF, ev.cmd);
	EXPECT_STREQ(dev_name(self->dev), ev.origin);
	EXPECT_EQ(0, memcmp(ev.old_generation, t0.generation, 16));
	EXPECT_EQ(0, memcmp(ev.generation, t1.generation, 16));
	EXPECT_NE(0, memcmp(t0.generation, t1.generation, 16));
	EXPECT_EQ(VSS_STALE_RESET, ev.reason);
	EXPECT_EQ(t1.epoch, ev.epoch);
	EXPECT_EQ(-ETIMEDOUT, next_event(&self->mon, &ev));

	/* A wrap: the epoch limit lowered to 3, the third snapshot wraps. */
	if (access(LIMIT_FILE, W_OK))
		SKIP(return, "no debugfs knob %s", LIMIT_FILE);
	ASSERT_EQ(0, vss_sh("echo 3 > " LIMIT_FILE));
	for (i = 0; i < 3; i++) {
		bool created = false;

		ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, 0, &set));
		ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID,
						 set.id[0], 16));
		/*
		 * Created, deleted, and with the third snapshot the wrap, which
		 * a worker announces after the window: before or after the
		 * other two, so matched by kind, each exactly once.
		 */
		for (int k = 0; k < (i < 2 ? 2 : 3); k++) {
			ASSERT_EQ(0, next_event(&self->mon, &ev));
			if (ev.cmd == VSS_CMD_SNAPSHOT_CREATED_NTF) {
				EXPECT_FALSE(created);
				created = true;
			} else if (ev.cmd == VSS_CMD_TRACKER_NTF) {
				EXPECT_EQ(2, i);
				wrap = ev;
			} else {
				EXPECT_EQ(VSS_CMD_SNAPSHOT_DELETED_NTF, ev.cmd);
				EXPECT_TRUE(created);
			}
		}
	}
	EXPECT_EQ(-ETIMEDOUT, next_event(&self->mon, &ev));
	ev = wrap;
	ASSERT_EQ(VSS_CMD_TRACKER_NTF, ev.cmd);
	ASSERT_EQ(0, vss_tracker_get(&self->nl, self->dev, &t2));
	EXPECT_STREQ(dev_name(self->dev), ev.origin);
	EXPECT_EQ(0, memcmp(ev.old_generation, t1.generation, 16));
	EXPECT_EQ(0, memcmp(ev.generation, t2.generation, 16));
	EXPECT_EQ(VSS_STALE_WRAPPED, ev.reason);
	EXPECT_EQ(t2.epoch, ev.epoch);
}

TEST_HARNESS_MAIN
