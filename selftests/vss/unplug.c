// SPDX-License-Identifier: GPL-2.0
/*
 * Hot unplug of an origin (a scsi_debug disk deleted through sysfs, which
 * runs del_gendisk() as a real removal does): its snapshots become invalid
 * with reason origin-gone and a notification, their reads fail, nothing
 * oopses, and the storage is still removable by kernel name.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define MiB (1ULL << 20)

FIXTURE(unplug) {
	struct vss_nl nl, mon;
	char name[32];		/* "sdb" */
	char dev[48];		/* "/dev/sdb" */
};

FIXTURE_SETUP(unplug)
{
	uint32_t grp;
	int i;

	if (vss_sh("modprobe sd_mod && modprobe scsi_debug dev_size_mb=16 num_tgts=1 max_luns=1"))
		SKIP(return, "scsi_debug is not available");
	for (i = 0; i < 100; i++) {
		if (!vss_sh_out(self->name, sizeof(self->name),
				"ls /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/ 2>/dev/null | head -1") &&
		    self->name[0])
			break;
		usleep(100000);
	}
	ASSERT_NE(0, self->name[0]);
	snprintf(self->dev, sizeof(self->dev), "/dev/%s", self->name);
	ASSERT_EQ(0, vss_sh("test -b %s", self->dev));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_nl_open(&self->mon));
	ASSERT_EQ(0, vss_nl_resolve(&self->mon));
	grp = self->mon.grp_monitor;
	ASSERT_EQ(0, setsockopt(self->mon.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 16 * MiB, 1));
}

FIXTURE_TEARDOWN(unplug)
{
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	if (self->name[0])
		vss_storage_remove(&self->nl, self->name);
	vss_nl_close(&self->mon);
	vss_nl_close(&self->nl);
	vss_sh("rmmod scsi_debug");
}

/* Reason of the next SNAPSHOT_INVALID_NTF within 10 s, or -errno. */
static int next_invalid(struct vss_nl *mon)
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
		a = vss_nl_attr(buf, n, VSS_A_SNAPSHOT_INVALID_REASON);
		if (!a)
			return -EBADMSG;
		memcpy(&reason, a + 1, sizeof(reason));
		return reason;
	}
}

TEST_F_TIMEOUT(unplug, removed_origin_invalidates_its_snapshots, 120)
{
	const char *vols[] = { self->dev };
	struct vss_snap_info si;
	struct vss_set set;

	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, 16 * MiB, 65536));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1,
					 VSS_SNAPSHOT_F_PERSISTENT, &set));
	ASSERT_EQ(0, vss_write_gen(self->dev, 0, 2 * MiB, 2));
	ASSERT_EQ(0, vss_check_gen(set.device[0], 0, 16 * MiB, 1));

	ASSERT_EQ(0, vss_sh("echo 1 > /sys/block/%s/device/delete", self->name));
	EXPECT_EQ(VSS_INVALID_ORIGIN_GONE, next_invalid(&self->mon));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &si));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, si.state);
	EXPECT_EQ(VSS_INVALID_ORIGIN_GONE, si.invalid_reason);
	/* Even the chunks held in the diff storage: the snapshot is invalid. */
	EXPECT_NE(0, vss_sh("dd if=%s of=/dev/null bs=64k count=1 iflag=direct 2>/dev/null",
			    set.device[0]));
	EXPECT_NE(0, vss_sh("test -b %s", self->dev));

	/* Cleanup works without the device node: by kernel name. */
	EXPECT_EQ(-EBUSY, vss_storage_remove(&self->nl, self->name));
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0));
	EXPECT_EQ(0, vss_storage_remove(&self->nl, self->name));
	self->name[0] = 0;
}

TEST_HARNESS_MAIN
