// SPDX-License-Identifier: GPL-2.0
/*
 * What backup_storage.c's policy needs from the system: the device behind
 * a volume, the storage directory, the memory available. The fake vssctl
 * links test/fake-storage-sys.o instead, so that its tests touch nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "backup_storage.h"

/* One line of a sysfs file of device @d into @buf. 0 or -errno. */
static int sysfs_read(dev_t d, const char *file, char *buf, size_t len)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%s", major(d),
		 minor(d), file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/*
 * The block device a volume is: itself, or the device of the filesystem a
 * directory is on. -ENODEV when it is none (btrfs's anonymous devices,
 * tmpfs): the module says why at DoSnapshotSet.
 */
int vssctl_volume_device(const char *volume, struct vssctl_volume_dev *v)
{
	char uevent[512], size[32];
	const char *name;
	struct stat st;
	char *nl;

	if (stat(volume, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		v->devno = st.st_rdev;
	else if (S_ISDIR(st.st_mode))
		v->devno = st.st_dev;
	else
		return -ENODEV;
	if (sysfs_read(v->devno, "uevent", uevent, sizeof(uevent)) ||
	    sysfs_read(v->devno, "size", size, sizeof(size)))
		return -ENODEV;
	name = strstr(uevent, "DEVNAME=");
	if (!name)
		return -ENODEV;
	name += strlen("DEVNAME=");
	nl = strchr(name, '\n');
	if (nl)
		*nl = '\0';
	snprintf(v->path, sizeof(v->path), "/dev/%s", name);
	v->bytes = strtoull(size, NULL, 10) * 512;
	return 0;
}

uint64_t vssctl_mem_available(void)
{
	unsigned long long kib = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return (uint64_t)kib * 1024;
}

/*
 * DIR as a place for storage files: made if it is the default and missing;
 * then a directory (never a symlink) that root owns and nobody else can
 * write. Its device and free bytes. 0, or -errno with *why set.
 */
int vssctl_storage_dir(const char *dir, bool is_default, dev_t *devno,
		       uint64_t *free_bytes, const char **why)
{
	struct statvfs sv;
	struct stat st;
	int fd, err = 0;

	if (is_default) {
		/* /var/lib exists on Debian; only our two levels are made. */
		if (mkdir("/var/lib/vss", 0755) && errno != EEXIST)
			return *why = "cannot create /var/lib/vss", -errno;
		if (mkdir(dir, 0700) && errno != EEXIST)
			return *why = "cannot create it", -errno;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return *why = "not a directory (or a symlink)", -errno;
	if (fstat(fd, &st) || fstatvfs(fd, &sv)) {
		err = -errno;
		*why = "cannot stat it";
	} else if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		err = -EPERM;
		*why = "not owned by root, or writable by others";
	} else {
		*devno = st.st_dev;
		*free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
	}
	close(fd);
	return err;
}
