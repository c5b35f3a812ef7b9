// SPDX-License-Identifier: GPL-2.0
/*
 * Default diff storage for `vssctl backup`: the one-liner works on a machine
 * where nobody ran `storage add`, as Windows' VSS creates a shadow storage
 * association the first time. The policy (vssctl-backup.md, "Diff
 * storage"):
 *
 * - a volume that has diff storage keeps it, untouched;
 * - else a file storage in DIR (--storage-dir, default /var/lib/vss/storage,
 *   made 0700 if missing), when DIR is a root-owned directory that nobody
 *   else can write, on a filesystem that is none of the set's volumes, and
 *   has room: a tenth of the volume (Windows' default) but at least 64 MiB
 *   (or the whole of a smaller volume), within half of DIR's free space;
 * - else kernel memory: a tenth of the volume but at least 16 MiB, within
 *   an eighth of MemAvailable (16 MiB needed);
 * - else nothing: DoSnapshotSet fails with the module's reason
 *   (insufficient-storage).
 *
 * What was added is removed after the backup (after the snapshots are
 * deleted), unless --keep-storage: a storage is also where the changed
 * blocks are tracked, so incrementals (--since) want it kept.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup_storage.h"
#include "vssctl.h"

#define MiB		(UINT64_C(1) << 20)
#define FILE_MIN	(64 * MiB)
#define MEMORY_MIN	(16 * MiB)

__attribute__((format(printf, 1, 2)))
static void note(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vssctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int add_storage(struct libvss_ctx *ctx, const char *origin,
		       uint32_t kind, const char *dir, uint64_t max)
{
	struct libvss_storage_opts *opts;
	int err;

	err = libvss_storage_opts_new(&opts);
	if (err)
		return err;
	libvss_storage_opts_set_kind(opts, kind);
	libvss_storage_opts_set_max_bytes(opts, max);
	if (kind == VSS_STORAGE_FILE)
		err = libvss_storage_opts_set_path(opts, dir);
	if (!err)
		err = libvss_storage_add_opts(ctx, origin, opts);
	libvss_storage_opts_free(opts);
	return err;
}

/* The default for one volume; 0 when added (and announced), else -errno. */
static int add_default(struct libvss_ctx *ctx, const char *volume,
		       const struct vssctl_volume_dev *v, const char *dir,
		       int dir_err, const char *dir_why, bool dir_on_set,
		       uint64_t dir_free)
{
	char size[VSSCTL_SIZE_LEN];
	uint64_t tenth = v->bytes / 10, max;
	int err;

	if (!dir_err && !dir_on_set) {
		/* A tenth, at least FILE_MIN (never more than the volume). */
		max = tenth > FILE_MIN ? tenth : FILE_MIN;
		if (max > v->bytes)
			max = v->bytes;
		if (max > dir_free / 2)
			max = dir_free / 2;
		if (max >= FILE_MIN || max == v->bytes) {
			err = add_storage(ctx, v->path, VSS_STORAGE_FILE, dir, max);
			if (!err) {
				note("%s (%s) has no diff storage: added a file storage in %s, at most %s (a tenth of the volume, at least 64M, within half of the free space there)",
				     volume, v->path, dir,
				     vssctl_format_size(max, size));
				return 0;
			}
			note("%s: a file storage in %s was refused: %s: %s",
			     volume, dir, strerror(-err),
			     libvss_ext_error(ctx) ?: "");
		} else {
			note("%s: %s has too little free space for a file storage",
			     volume, dir);
		}
	} else if (dir_err) {
		note("%s: no file storage in %s: %s (%s)", volume, dir, dir_why,
		     strerror(-dir_err));
	} else {
		note("%s: no file storage in %s: it is on a volume of the set",
		     volume, dir);
	}
	/* A tenth, at least MEMORY_MIN, within an eighth of MemAvailable. */
	max = tenth > MEMORY_MIN ? tenth : MEMORY_MIN;
	if (max > v->bytes)
		max = v->bytes;
	if (max > vssctl_mem_available() / 8)
		max = vssctl_mem_available() / 8;
	if (max < MEMORY_MIN && max < v->bytes) {
		note("%s: not enough memory for a storage in memory either", volume);
		return -ENOSPC;
	}
	err = add_storage(ctx, v->path, VSS_STORAGE_MEMORY, NULL, max);
	if (err) {
		note("%s: a storage in memory was refused: %s: %s", volume,
		     strerror(-err), libvss_ext_error(ctx) ?: "");
		return err;
	}
	note("%s (%s) has no diff storage: added one in kernel memory, at most %s",
	     volume, v->path, vssctl_format_size(max, size));
	return 0;
}

unsigned int vssctl_auto_storage_add(struct libvss_ctx *ctx,
				     const char *const *volumes, unsigned int n,
				     const char *dir,
				     struct vssctl_auto_storage *added)
{
	const char *where = dir ?: VSSCTL_AUTO_STORAGE_DIR, *dir_why = NULL;
	bool dir_looked = false, dir_on_set = false;
	unsigned int i, j, count = 0;
	struct vssctl_volume_dev *devs;
	uint64_t dir_free = 0;
	dev_t dir_dev = 0;
	int dir_err = 0;
	bool *known;

	devs = calloc(n ? n : 1, sizeof(*devs));
	known = calloc(n ? n : 1, sizeof(*known));
	if (!devs || !known) {
		note("out of memory: no default diff storage");
		goto out;
	}
	for (i = 0; i < n; i++) {
		added[i].origin[0] = '\0';
		known[i] = !vssctl_volume_device(volumes[i], &devs[i]);
	}
	for (i = 0; i < n; i++) {
		struct libvss_storage *s;
		int err;

		if (!known[i])
			continue;	/* the module will say what it is */
		err = libvss_storage_get(ctx, devs[i].path, &s);
		if (!err)
			libvss_storage_free(s);
		if (err != -ENOENT)
			continue;	/* has one, or the module will say */
		if (!dir_looked) {
			dir_looked = true;
			dir_err = vssctl_storage_dir(where, !dir, &dir_dev, &dir_free,
					      &dir_why);
			for (j = 0; !dir_err && j < n; j++)
				if (known[j] && devs[j].devno == dir_dev)
					dir_on_set = true;
		}
		if (!add_default(ctx, volumes[i], &devs[i], where, dir_err,
				 dir_why, dir_on_set, dir_free)) {
			snprintf(added[i].origin, sizeof(added[i].origin), "%s",
				 devs[i].path);
			count++;
		}
	}
out:
	free(devs);
	free(known);
	return count;
}

int vssctl_auto_storage_remove(struct libvss_ctx *ctx,
			       struct vssctl_auto_storage *added,
			       unsigned int n)
{
	unsigned int i;
	int err, ret = 0;

	for (i = 0; i < n; i++) {
		if (!added[i].origin[0])
			continue;
		err = libvss_storage_remove(ctx, added[i].origin);
		if (err) {
			note("cannot remove the diff storage added for %s: %s: %s",
			     added[i].origin, strerror(-err),
			     libvss_ext_error(ctx) ?: "");
			ret = ret ?: err;
			continue;
		}
		note("removed the diff storage added for %s", added[i].origin);
		added[i].origin[0] = '\0';
	}
	return ret;
}
