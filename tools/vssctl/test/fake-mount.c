// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for mount.c, linked into the fake vssctl: nothing is read or
 * mounted, each call appends a line to $FAKE_LOG, and the mount table is
 * the file $FAKE_MOUNTS ("DEVICE DIR" per line, newest last), so that one
 * run's expose is seen by the next run's unexpose (without it, a table in
 * memory). Devices: vss-snap0,
 * vss-snap2, vss-snap3 hold ext4, vss-snap1 and vss-snap4 xfs, vss-snap5
 * nothing; others do not exist. Directories: /missing does not exist,
 * /busy has a mount on it; /busy-mnt cannot be unmounted (in use).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mount.h"

__attribute__((format(printf, 1, 2)))
static void fake_log(const char *fmt, ...)
{
	const char *path = getenv("FAKE_LOG");
	va_list ap;
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

#define MAX_MOUNTS	16

static struct {
	char dev[64], dir[256];
} table[MAX_MOUNTS];
static int nr_mounts;

static void load(void)
{
	const char *path = getenv("FAKE_MOUNTS");
	FILE *f;

	/* Without the file, the table lives in this process only. */
	if (!path)
		return;
	nr_mounts = 0;
	if (!(f = fopen(path, "r")))
		return;
	while (nr_mounts < MAX_MOUNTS &&
	       fscanf(f, "%63s %255s", table[nr_mounts].dev,
		      table[nr_mounts].dir) == 2)
		nr_mounts++;
	fclose(f);
}

static void save(void)
{
	const char *path = getenv("FAKE_MOUNTS");
	FILE *f;
	int i;

	if (!path || !(f = fopen(path, "w")))
		return;
	for (i = 0; i < nr_mounts; i++)
		fprintf(f, "%s %s\n", table[i].dev, table[i].dir);
	fclose(f);
}

int vssctl_probe(const char *dev, const struct vssctl_fstype **fsp)
{
	static const struct {
		const char *dev;
		unsigned int sb_off;
		const char *magic;
	} devs[] = {
		{ "/dev/vss-snap0", 0, "ext4" }, { "/dev/vss-snap1", 0, "XFSB" },
		{ "/dev/vss-snap2", 0, "ext4" }, { "/dev/vss-snap3", 0, "ext4" },
		{ "/dev/vss-snap4", 0, "XFSB" }, { "/dev/vss-snap5", 0, "" },
	};
	static unsigned char sb[2048];
	size_t i;

	fake_log("probe %s", dev);
	*fsp = NULL;
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (strcmp(dev, devs[i].dev))
			continue;
		/* A superblock for the real detector: ext4 has extents. */
		memset(sb, 0, sizeof(sb));
		if (!strcmp(devs[i].magic, "ext4")) {
			sb[1024 + 0x38] = 0x53;
			sb[1024 + 0x39] = 0xef;
			sb[1024 + 0x5c] = 0x04;
			sb[1024 + 0x60] = 0x40;
		} else {
			memcpy(sb, devs[i].magic, strlen(devs[i].magic));
		}
		*fsp = vssctl_fstype_detect(sb, sizeof(sb));
		return 0;
	}
	return -ENOENT;
}

int vssctl_mount_ro(const char *dev, const char *dir,
		    const struct vssctl_fstype *fs)
{
	fake_log("mount %s %s type=%s flags=%s data=%s", dev, dir, fs->mount_type,
		 VSSCTL_MOUNT_FLAGS_STR, fs->data);
	if (!strcmp(dir, "/missing"))
		return -ENOENT;
	if (!strcmp(dir, "/busy"))
		return -EBUSY;
	load();
	if (nr_mounts < MAX_MOUNTS) {
		snprintf(table[nr_mounts].dev, sizeof(table[0].dev), "%s", dev);
		snprintf(table[nr_mounts].dir, sizeof(table[0].dir), "%s", dir);
		nr_mounts++;
	}
	save();
	return 0;
}

int vssctl_umount(const char *dir)
{
	int i;

	fake_log("umount %s", dir);
	if (!strcmp(dir, "/busy-mnt"))
		return -EBUSY;
	load();
	for (i = nr_mounts - 1; i >= 0; i--) {
		if (strcmp(table[i].dir, dir))
			continue;
		memmove(&table[i], &table[i + 1],
			(size_t)(nr_mounts - i - 1) * sizeof(table[0]));
		nr_mounts--;
		save();
		return 0;
	}
	return -EINVAL;
}

int vssctl_mount_source(const char *dir, char *dev, size_t len)
{
	int i;

	fake_log("mount_source %s", dir);
	load();
	for (i = nr_mounts - 1; i >= 0; i--) {
		if (strcmp(table[i].dir, dir))
			continue;
		if (strncmp(table[i].dev, "/dev/vss-snap", 13))
			return 0;
		snprintf(dev, len, "%s", table[i].dev);
		return 1;
	}
	return 0;
}

int vssctl_mounts_of(const char *dev, int (*fn)(const char *dir, void *arg),
		     void *arg)
{
	char dirs[MAX_MOUNTS][256];
	int i, n = 0, ret = 0;

	fake_log("mounts_of %s", dev);
	load();
	/* Copied first: @fn unmounts, which rewrites the table. */
	for (i = nr_mounts - 1; i >= 0; i--)
		if (!strcmp(table[i].dev, dev))
			memcpy(dirs[n++], table[i].dir, sizeof(dirs[0]));
	for (i = 0; !ret && i < n; i++)
		ret = fn(dirs[i], arg);
	return ret;
}

int vssctl_private_mounts(const char *dir)
{
	fake_log("private_mounts %s", dir);
	return 0;
}

int vssctl_mkdir(const char *path)
{
	fake_log("mkdir %s", path);
	return 0;
}

int vssctl_rmdir(const char *path)
{
	fake_log("rmdir %s", path);
	return 0;
}
