// SPDX-License-Identifier: GPL-2.0
/*
 * Scale: one set of 64 mounted ext4 volumes, frozen together; 512
 * snapshots of one volume, each holding its own moment. Each test prints
 * its time and the kernel memory it took (MemAvailable and Slab deltas
 * from /proc/meminfo), the figures Documentation/scale.md records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define MiB		(1ULL << 20)
#define NR_VOLS		64
#define NR_SNAPS	512

static long meminfo_kb(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':') {
			v = atol(line + strlen(key) + 1);
			break;
		}
	fclose(f);
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(scale) {
	struct vss_nl nl;
	int nr;
	char dev[NR_VOLS][32];
	char mnt[NR_VOLS][48];
	char img[NR_VOLS][48];
};

FIXTURE_SETUP(scale)
{
	ASSERT_EQ(0, vss_sh("modprobe loop"));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN(scale)
{
	int i;

	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	for (i = 0; i < self->nr; i++) {
		vss_storage_remove(&self->nl, self->dev[i]);
		if (self->mnt[i][0])
			vss_sh("umount %s; rmdir %s", self->mnt[i], self->mnt[i]);
		vss_sh("losetup -d %s", self->dev[i]);
		unlink(self->img[i]);
	}
	vss_nl_close(&self->nl);
}

static int add_loop(struct __test_metadata *_metadata, FIXTURE_DATA(scale) *self,
		    unsigned long long bytes)
{
	int i = self->nr;

	snprintf(self->img[i], sizeof(self->img[i]), "/tmp/vss-sc%d-%d.img", i, getpid());
	if (vss_sh("truncate -s %llu %s", bytes, self->img[i]) ||
	    vss_sh_out(self->dev[i], sizeof(self->dev[i]), "losetup --find --show %s",
		       self->img[i]))
		return -1;
	self->nr++;
	return i;
}

TEST_F_TIMEOUT(scale, set_of_64_mounted_volumes_is_one_frozen_instant, 900)
{
	const char *vols[NR_VOLS];
	long avail0, slab0;
	struct vss_set set;
	double t0, t = 0;
	int i;

	for (i = 0; i < NR_VOLS; i++) {
		ASSERT_EQ(i, add_loop(_metadata, self, 8 * MiB));
		snprintf(self->mnt[i], sizeof(self->mnt[i]), "/tmp/vss-sc%d-%d", i, getpid());
		ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F -O ^has_journal %s && mkdir -p %s && mount %s %s && echo before-%d > %s/f",
				    self->dev[i], self->mnt[i], self->dev[i], self->mnt[i], i,
				    self->mnt[i]));
		ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev[i], 4 * MiB, 65536));
		vols[i] = self->mnt[i];
	}
	avail0 = meminfo_kb("MemAvailable");
	slab0 = meminfo_kb("Slab");
	t0 = now();
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, NR_VOLS,
					 VSS_SNAPSHOT_F_PERSISTENT, &set));
	t = now() - t0;
	ASSERT_EQ(NR_VOLS, set.nr);
	EXPECT_EQ(VSS_CONSISTENCY_FROZEN, set.consistency);
	EXPECT_LT(0, set.window_ns);
	printf("# 64-volume set: create request %.0f ms, freeze window %.1f ms, kernel memory %ld KiB (slab %ld KiB)\n",
	       t * 1000, set.window_ns / 1e6, avail0 - meminfo_kb("MemAvailable"),
	       meminfo_kb("Slab") - slab0);
	for (i = 0; i < NR_VOLS; i++)
		ASSERT_EQ(0, vss_sh("echo after-%d > %s/f && sync -f %s/f", i,
				    self->mnt[i], self->mnt[i]));
	/* Every snapshot holds its volume as it was at the one instant. */
	for (i = 0; i < NR_VOLS; i++)
		EXPECT_EQ(0, vss_sh("mkdir -p /tmp/vss-scs && mount -o ro %s /tmp/vss-scs && grep -qx before-%d /tmp/vss-scs/f; rc=$?; umount /tmp/vss-scs; exit $rc",
				    set.device[i], i));
}

TEST_F_TIMEOUT(scale, snapshots_512_of_one_volume_each_hold_their_moment, 1500)
{
	static const int probe[] = { 0, 1, 63, 64, 255, 256, 510, 511 };
	static uint8_t ids[NR_SNAPS][16];
	static char devs[NR_SNAPS][32];
	long avail0, slab0, avail1 = 0, slab1 = 0;
	double t0, t = 0;
	unsigned int p;
	int i;

	/* 512 chunks of 64 KiB: between snapshot i and i+1, chunk i changes. */
	ASSERT_EQ(0, add_loop(_metadata, self, NR_SNAPS * 65536ULL));
	ASSERT_EQ(0, vss_write_gen(self->dev[0], 0, NR_SNAPS * 65536ULL, 1000));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev[0], 64 * MiB, 65536));
	avail0 = meminfo_kb("MemAvailable");
	slab0 = meminfo_kb("Slab");
	t0 = now();
	for (i = 0; i < NR_SNAPS; i++) {
		const char *vols[] = { self->dev[0] };
		struct vss_set set;

		ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1,
						 VSS_SNAPSHOT_F_PERSISTENT, &set));
		memcpy(ids[i], set.id[0], 16);
		memcpy(devs[i], set.device[0], sizeof(devs[i]));
		if (i == NR_SNAPS - 1) {
			t = now() - t0;
			avail1 = meminfo_kb("MemAvailable");
			slab1 = meminfo_kb("Slab");
		}
		ASSERT_EQ(0, vss_write_gen(self->dev[0], i * 65536ULL, 65536, i));
	}
	/* By then 511 chunks (64 KiB each) sat in the memory storage. */
	printf("# 512 snapshots: %.1f ms per create, %ld KiB kernel memory per idle snapshot beside the preserved chunks (slab %ld KiB)\n",
	       t * 1000 / NR_SNAPS,
	       (avail0 - avail1 - (NR_SNAPS - 1) * 64) / NR_SNAPS,
	       (slab1 - slab0) / NR_SNAPS);
	/* Each chunk was copied once, however many snapshots there are. */
	EXPECT_EQ(NR_SNAPS * 65536LL, vss_storage_used(&self->nl, self->dev[0]));
	/* Snapshot s: chunks before s hold their new generation, the rest the old. */
	for (p = 0; p < ARRAY_SIZE(probe); p++) {
		int s = probe[p], c;

		for (c = 0; c < NR_SNAPS; c += (c < s + 2 && c + 2 > s) ? 1 : 37)
			EXPECT_EQ(0, vss_check_gen(devs[s], c * 65536ULL, 65536,
						   c < s ? c : 1000));
	}
	t0 = now();
	EXPECT_EQ(NR_SNAPS, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0));
	printf("# 512 snapshots deleted in %.0f ms\n", (now() - t0) * 1000);
	EXPECT_EQ(0, vss_storage_used(&self->nl, self->dev[0]));
}

TEST_HARNESS_MAIN
