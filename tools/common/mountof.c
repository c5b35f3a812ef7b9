// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "mountof.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = 0;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

void writer_mount_of(const char *path, dev_t dev, char *source, size_t source_size,
		     char *fstype, size_t fstype_size, char *mount, size_t mount_size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0, best = 0;

	snprintf(source, source_size, "%u:%u", major(dev), minor(dev));
	snprintf(fstype, fstype_size, "?");
	snprintf(mount, mount_size, "?");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char mnt[PATH_MAX], type[32], src[PATH_MAX];
		unsigned int maj, min;
		const char *sep;

		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mnt) != 3 ||
		    makedev(maj, min) != dev)
			continue;
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep, " - %31s %4095s", type, src) != 2)
			continue;
		unescape(mnt);
		unescape(src);
		if (!under(path, mnt) || strlen(mnt) < best)
			continue;
		best = strlen(mnt);
		snprintf(mount, mount_size, "%s", mnt);
		snprintf(fstype, fstype_size, "%s", type);
		snprintf(source, source_size, "%s", src);
	}
	free(line);
	fclose(f);
}

bool writer_dev_on_volume(dev_t dev, const char *volume)
{
	struct stat st;

	if (stat(volume, &st))
		return false;
	if (S_ISBLK(st.st_mode))
		return st.st_rdev == dev;
	return st.st_dev == dev;
}
