// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for mount.c, linked into the fake vssctl: nothing is read or
 * mounted, each call appends a line to $FAKE_LOG, and the mount table is
 * the file $FAKE_MOUNTS ("DEVICE DIR" per line, newest last), so that one
 * run's expose is seen by the next run's unexpose (without it, a table in
 * memory). Devices: vss-snap0,
 * vss-snap2, vss-snap3 hold ext4, vss-snap1 and vss-snap4 xfs, vss-snap5
 * nothing; others do not exist; $FAKE_PROBE ("DEV=TYPE ...", TYPE ext4,
 * xfs, btrfs, vfat, exfat or none) says otherwise. Directories: /missing
 * does not exist, /busy has a mount on it; /busy-mnt cannot be unmounted
 * (in use). The host's own mounts, which vssctl_host_mount() reads, are
 * $FAKE_HOST_MOUNTS ("DEV TYPE OPTIONS;..."), by default vda1 as ext4,
 * vdb1 and dm-0 as xfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A superblock of @type for the real detector to read. */
static const struct vssctl_fstype *detect(const char *type)
{
	static unsigned char sb[VSSCTL_PROBE_BYTES];

	memset(sb, 0, sizeof(sb));
	if (!strcmp(type, "ext4")) {	/* with extents */
		sb[1024 + 0x38] = 0x53;
		sb[1024 + 0x39] = 0xef;
		sb[1024 + 0x5c] = 0x04;
		sb[1024 + 0x60] = 0x40;
	} else if (!strcmp(type, "xfs")) {
		memcpy(sb, "XFSB", 4);
	} else if (!strcmp(type, "btrfs")) {
		memcpy(sb + 65536 + 64, "_BHRfS_M", 8);
	} else if (!strcmp(type, "vfat")) {
		memcpy(sb + 82, "FAT32", 5);
		sb[510] = 0x55;
		sb[511] = 0xaa;
	} else if (!strcmp(type, "exfat")) {
		memcpy(sb + 3, "EXFAT   ", 8);
	}
	return vssctl_fstype_detect(sb, sizeof(sb));
}

int vssctl_probe(const char *dev, const struct vssctl_fstype **fsp)
{
	static const struct {
		const char *dev, *type;
	} devs[] = {
		{ "/dev/vss-snap0", "ext4" }, { "/dev/vss-snap1", "xfs" },
		{ "/dev/vss-snap2", "ext4" }, { "/dev/vss-snap3", "ext4" },
		{ "/dev/vss-snap4", "xfs" }, { "/dev/vss-snap5", "none" },
	};
	const char *over = getenv("FAKE_PROBE"), *p;
	char type[16];
	size_t i, n = strlen(dev);

	fake_log("probe %s", dev);
	*fsp = NULL;
	for (p = over; p && (p = strstr(p, dev)); p += n) {
		if ((p == over || p[-1] == ' ') && p[n] == '=' &&
		    sscanf(p + n + 1, "%15[a-z0-9]", type) == 1) {
			*fsp = detect(type);
			return 0;
		}
	}
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (!strcmp(dev, devs[i].dev)) {
			*fsp = detect(devs[i].type);
			return 0;
		}
	}
	return -ENOENT;
}

int vssctl_host_mount(const char *dev, char type[VSSCTL_FSTYPE_LEN],
		      char opts[VSSCTL_MOUNT_DATA_LEN])
{
	const char *host = getenv("FAKE_HOST_MOUNTS"), *p;
	char d[64];
	int len;

	fake_log("host_mount %s", dev);
	if (!host)
		host = "/dev/vda1 ext4 rw,relatime;/dev/vdb1 xfs rw,relatime,attr2;"
			"/dev/dm-0 xfs rw,relatime,attr2";
	for (p = host; *p; p += strcspn(p, ";"), p += *p == ';') {
		len = 0;
		if (sscanf(p, "%63s %15s %n", d, type, &len) < 2 || !len)
			continue;
		if (strcmp(d, dev))
			continue;
		snprintf(opts, VSSCTL_MOUNT_DATA_LEN, "%.*s",
			 (int)strcspn(p + len, ";"), p + len);
		return 1;
	}
	return 0;
}

int vssctl_mount_ro(const char *dev, const char *dir,
		    const struct vssctl_fstype *fs, const char *data)
{
	fake_log("mount %s %s type=%s flags=%s data=%s", dev, dir, fs->mount_type,
		 VSSCTL_MOUNT_FLAGS_STR, data);
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

/* The file goes to $FAKE_DIR under its last name, for the test to read. */
int vssctl_create(const char *path)
{
	const char *dir = getenv("FAKE_DIR"), *name = strrchr(path, '/');
	char real[4096];
	int fd;

	fake_log("create %s", path);
	if (!dir)
		return -EROFS;
	snprintf(real, sizeof(real), "%s/%s", dir, name ? name + 1 : path);
	fd = open(real, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return fd < 0 ? -errno : fd;
}

void vssctl_unlink(const char *path)
{
	const char *dir = getenv("FAKE_DIR"), *name = strrchr(path, '/');
	char real[4096];

	fake_log("unlink %s", path);
	if (dir) {
		snprintf(real, sizeof(real), "%s/%s", dir, name ? name + 1 : path);
		unlink(real);
	}
}

int vssctl_rmdir(const char *path)
{
	fake_log("rmdir %s", path);
	return 0;
}
