// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor group: an administrator's socket hears, in order, a snapshot
 * created, its storage crossing 80% and 95%, the snapshot invalidated by
 * overflow, and its deletion.
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

#define KiB 1024ULL
#define MiB (1024 * KiB)

struct event {
	uint8_t cmd;
	uint64_t used;
	uint32_t reason;
	uint8_t id[16];
};

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
	if (ev->cmd == VSS_CMD_STORAGE_THRESHOLD_NTF) {
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

TEST_HARNESS_MAIN
