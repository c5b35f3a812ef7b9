// SPDX-License-Identifier: GPL-2.0
/*
 * A DAX-capable origin is refused (issue 15, item 3). ext4 and xfs write
 * a DAX file by memcpy into persistent memory, with no bio, so the module
 * would never see the write and the snapshot would change under its
 * reader. The guest's /dev/pmem0 is legacy persistent memory carved out of
 * its RAM (selftests/vm/run.sh --pmem): a snapshot of it, raw or as a
 * filesystem mounted -o dax, fails EOPNOTSUPP with the reason, nothing is
 * created, and the filesystem is left writable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define MiB		(1ULL << 20)
#define PMEM		"/dev/pmem0"
#define DAX_REFUSED_MSG	"cannot track writes to the volume (it supports DAX: writes through DAX mappings bypass the block layer)"

/* Whether run.sh carved legacy persistent memory out of the guest's RAM. */
static int have_legacy_pmem(void)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return strstr(line, "memmap=") && strchr(line, '!');
}

static int read_sysfs(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

FIXTURE(dax) {
	struct vss_nl nl;
	char mnt[64];
	int mounted;
	int have_storage;
};

FIXTURE_SETUP(dax)
{
	char dax[16];
	struct stat st;
	int i;

	self->mounted = 0;
	self->have_storage = 0;
	snprintf(self->mnt, sizeof(self->mnt), "/tmp/vss-dax-%d", getpid());
	if (!have_legacy_pmem())
		SKIP(return, "no legacy persistent memory in this guest (selftests/vm/run.sh --pmem)");
	ASSERT_EQ(0, vss_sh("modprobe nd_e820 && modprobe nd_pmem"));
	for (i = 0; i < 50 && stat(PMEM, &st); i++)
		usleep(100000);
	ASSERT_EQ(0, stat(PMEM, &st)) TH_LOG("%s did not appear", PMEM);
	/* What the test is about: the disk itself says it supports DAX. */
	ASSERT_EQ(0, read_sysfs("/sys/block/pmem0/queue/dax", dax, sizeof(dax)));
	ASSERT_STREQ("1", dax);
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_storage_add(&self->nl, PMEM, 8 * MiB, 65536));
	self->have_storage = 1;
}

FIXTURE_TEARDOWN(dax)
{
	if (!self->have_storage)
		return;
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	if (self->mounted)
		vss_sh("umount %s", self->mnt);
	rmdir(self->mnt);
	EXPECT_EQ(0, vss_storage_remove(&self->nl, PMEM));
	vss_nl_close(&self->nl);
}

TEST_F(dax, raw_pmem_snapshot_is_refused_with_the_reason)
{
	const char *vols[] = { PMEM };
	struct vss_set set;

	EXPECT_EQ(-EOPNOTSUPP, vss_snapshot_create(&self->nl, vols, 1, 0, &set));
	EXPECT_STREQ(DAX_REFUSED_MSG, self->nl.ext_msg);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
}

TEST_F_TIMEOUT(dax, ext4_mounted_dax_is_refused_and_left_writable, 120)
{
	const char *vols[] = { self->mnt };
	struct vss_set set;
	char opts[256];

	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F -b 4096 %s", PMEM));
	ASSERT_EQ(0, mkdir(self->mnt, 0700));
	ASSERT_EQ(0, vss_sh("mount -o dax=always %s %s", PMEM, self->mnt));
	self->mounted = 1;
	/* ext4 itself says the mount is DAX: the writes below bypass bios. */
	ASSERT_EQ(0, vss_sh_out(opts, sizeof(opts),
				"findmnt -n -o OPTIONS --target %s", self->mnt));
	ASSERT_NE(NULL, strstr(opts, "dax")) TH_LOG("mount options: %s", opts);
	ASSERT_EQ(0, vss_sh("echo before > %s/f && sync %s/f", self->mnt, self->mnt));

	EXPECT_EQ(-EOPNOTSUPP, vss_snapshot_create(&self->nl, vols, 1, 0, &set));
	EXPECT_STREQ(DAX_REFUSED_MSG, self->nl.ext_msg);
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	/* Refused before any freeze, or thawed: a write completes. */
	EXPECT_EQ(0, vss_sh("timeout 20 sh -c 'echo after > %s/f && sync %s/f'",
			    self->mnt, self->mnt));
}

TEST_HARNESS_MAIN
