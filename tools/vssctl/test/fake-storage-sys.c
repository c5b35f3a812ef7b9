// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for backup_storage_sys.c, linked into the fake vssctl: no
 * device, directory or /proc file is looked at.
 *
 * $FAKE_VOLUME_DEVS, "VOLUME=NAME:DEVNO:BYTES;...": the device behind each
 * volume (/dev/NAME); any other volume has none (-ENODEV), so a test that
 * sets nothing sees no default storage added. $FAKE_STORAGE_DIR,
 * "DIR=DEVNO:FREE_BYTES" or "DIR=!WHY": the storage directory (any other
 * DIR: -ENOENT, "not a directory (or a symlink)"). $FAKE_MEM_AVAILABLE:
 * bytes (default 8 GiB).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup_storage.h"

/* The value of KEY in "KEY=VALUE;KEY=VALUE" into @buf; NULL if absent. */
static const char *lookup(const char *list, const char *key, char *buf,
			  size_t len)
{
	size_t klen = strlen(key);
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ';');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(buf, len, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return buf;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

int vssctl_volume_device(const char *volume, struct vssctl_volume_dev *v)
{
	char buf[256], name[64];
	unsigned long long devno, bytes;

	if (!lookup(getenv("FAKE_VOLUME_DEVS"), volume, buf, sizeof(buf)) ||
	    sscanf(buf, "%63[^:]:%llu:%llu", name, &devno, &bytes) != 3)
		return -ENODEV;
	v->devno = devno;
	snprintf(v->path, sizeof(v->path), "/dev/%s", name);
	v->bytes = bytes;
	return 0;
}

int vssctl_storage_dir(const char *dir, bool is_default, dev_t *devno,
		       uint64_t *free_bytes, const char **why)
{
	static char reason[160];
	unsigned long long d, f;
	char buf[160];

	(void)is_default;
	if (!lookup(getenv("FAKE_STORAGE_DIR"), dir, buf, sizeof(buf))) {
		*why = "not a directory (or a symlink)";
		return -ENOENT;
	}
	if (buf[0] == '!') {
		snprintf(reason, sizeof(reason), "%s", buf + 1);
		*why = reason;
		return -EPERM;
	}
	if (sscanf(buf, "%llu:%llu", &d, &f) != 2)
		return *why = "bad $FAKE_STORAGE_DIR", -EINVAL;
	*devno = d;
	*free_bytes = f;
	return 0;
}

uint64_t vssctl_mem_available(void)
{
	const char *v = getenv("FAKE_MEM_AVAILABLE");

	return v ? strtoull(v, NULL, 10) : 8ULL << 30;
}
