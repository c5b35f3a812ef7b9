// SPDX-License-Identifier: GPL-2.0
/*
 * The mount layer of `snapshot expose`, `snapshot unexpose` and `backup`:
 * every system call that reads a device or changes mounts is here, so that
 * the host tests can link test/fake-mount.c instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount.h"

int vssctl_probe(const char *dev, const struct vssctl_fstype **fsp)
{
	static unsigned char buf[VSSCTL_PROBE_BYTES];
	size_t len = 0;
	ssize_t n;
	int fd;

	*fsp = NULL;
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf)) {
		n = pread(fd, buf + len, sizeof(buf) - len, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return (int)n;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	*fsp = vssctl_fstype_detect(buf, len);
	return 0;
}

int vssctl_mount_ro(const char *dev, const char *dir,
		    const struct vssctl_fstype *fs, const char *data)
{
	if (mount(dev, dir, fs->mount_type, MS_RDONLY | MS_NOSUID | MS_NODEV,
		  data[0] ? data : NULL))
		return -errno;
	return 0;
}

int vssctl_umount(const char *dir)
{
	return umount2(dir, UMOUNT_NOFOLLOW) ? -errno : 0;
}

/* A mountinfo path field, its octal escapes (\040 for a space) undone. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

struct mount_entry {
	unsigned int major, minor;
	char *dir;	/* the mount point */
	char *type;
	char *source;
	char *opts;	/* the superblock's */
};

/* One line of /proc/self/mountinfo, split in place. 0, or -EINVAL. */
static int parse_mountinfo(char *line, struct mount_entry *e)
{
	char *save = NULL, *tok, *sep;
	int i;

	sep = strstr(line, " - ");
	if (!sep)
		return -EINVAL;
	*sep = '\0';
	tok = strtok_r(line, " ", &save);
	for (i = 0; tok && i < 4; i++) {
		if (i == 2 && sscanf(tok, "%u:%u", &e->major, &e->minor) != 2)
			return -EINVAL;
		tok = strtok_r(NULL, " ", &save);
	}
	if (!tok)
		return -EINVAL;
	e->dir = tok;
	unescape(e->dir);
	save = NULL;
	/* After the separator: type, source, options. */
	e->type = strtok_r(sep + 3, " ", &save);
	if (!e->type)
		return -EINVAL;
	e->source = strtok_r(NULL, " ", &save);
	if (!e->source)
		return -EINVAL;
	unescape(e->source);
	e->opts = strtok_r(NULL, " ", &save);
	if (!e->opts)
		e->opts = "";
	return 0;
}

/* Every line of mountinfo, newest last; the caller frees *linesp[0]. */
static int read_mountinfo(char ***linesp, size_t *np)
{
	char **lines = NULL, *buf = NULL, *p;
	size_t n = 0, cap = 0, size = 0;
	FILE *f;
	int c;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	/* Read whole first: a mount table read in pieces may tear. */
	while ((c = getc(f)) != EOF) {
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = p;
		}
		buf[n++] = (char)c;
	}
	fclose(f);
	if (!buf)
		return -ENOENT;
	buf[n] = '\0';
	for (p = buf; *p; p++)
		size += *p == '\n';
	lines = calloc(size + 1, sizeof(*lines));
	if (!lines) {
		free(buf);
		return -ENOMEM;
	}
	n = 0;
	for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n"))
		lines[n++] = p;
	if (!n)
		free(buf);
	*linesp = lines;
	*np = n;
	return 0;
}

static void free_mountinfo(char **lines, size_t n)
{
	if (n)
		free(lines[0]);
	free(lines);
}

int vssctl_mount_source(const char *dir, char *dev, size_t len)
{
	char real[PATH_MAX], **lines;
	struct mount_entry e;
	size_t n, i;
	int ret;

	if (!realpath(dir, real))
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	ret = read_mountinfo(&lines, &n);
	if (ret)
		return ret;
	ret = 0;
	/* The newest mount on @dir is the one seen there. */
	for (i = n; i-- > 0;) {
		if (parse_mountinfo(lines[i], &e) || strcmp(e.dir, real))
			continue;
		if (!strncmp(e.source, "/dev/vss-snap", 13)) {
			snprintf(dev, len, "%s", e.source);
			ret = 1;
		}
		break;
	}
	free_mountinfo(lines, n);
	return ret;
}

int vssctl_mounts_of(const char *dev, int (*fn)(const char *dir, void *arg),
		     void *arg)
{
	struct mount_entry e;
	struct stat st;
	char **lines;
	size_t n, i;
	int ret;

	if (stat(dev, &st))
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	ret = read_mountinfo(&lines, &n);
	if (ret)
		return ret;
	for (i = n; !ret && i-- > 0;)
		if (!parse_mountinfo(lines[i], &e) &&
		    e.major == major(st.st_rdev) && e.minor == minor(st.st_rdev))
			ret = fn(e.dir, arg);
	free_mountinfo(lines, n);
	return ret;
}

/* Whether @e is a mount of the block device @rdev. */
static bool mount_of(const struct mount_entry *e, dev_t rdev)
{
	struct stat st;

	if (e->major == major(rdev) && e->minor == minor(rdev))
		return true;
	/* btrfs shows an anonymous device number, and its device as source. */
	return !e->major && e->source[0] == '/' && !stat(e->source, &st) &&
	       S_ISBLK(st.st_mode) && st.st_rdev == rdev;
}

int vssctl_host_mount(const char *dev, char type[VSSCTL_FSTYPE_LEN],
		      char opts[VSSCTL_MOUNT_DATA_LEN])
{
	struct mount_entry e;
	struct stat st;
	char **lines;
	size_t n, i;
	int ret;

	if (stat(dev, &st))
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	ret = read_mountinfo(&lines, &n);
	if (ret)
		return ret;
	for (i = n; !ret && i-- > 0;) {
		if (parse_mountinfo(lines[i], &e) || !mount_of(&e, st.st_rdev))
			continue;
		snprintf(type, VSSCTL_FSTYPE_LEN, "%s", e.type);
		snprintf(opts, VSSCTL_MOUNT_DATA_LEN, "%s", e.opts);
		ret = 1;
	}
	free_mountinfo(lines, n);
	return ret;
}

int vssctl_private_mounts(const char *dir)
{
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	if (unshare(CLONE_NEWNS))
		return -errno;
	/* Nothing mounted from now on may propagate back (systemd's / is shared). */
	if (mount("none", "/", NULL, MS_REC | MS_SLAVE, NULL))
		return -errno;
	if (mount("vss", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0700"))
		return -errno;
	return 0;
}

int vssctl_mkdir(const char *path)
{
	return mkdir(path, 0700) ? -errno : 0;
}

int vssctl_rmdir(const char *path)
{
	return rmdir(path) ? -errno : 0;
}

int vssctl_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);

	return fd < 0 ? -errno : fd;
}

void vssctl_unlink(const char *path)
{
	unlink(path);
}
