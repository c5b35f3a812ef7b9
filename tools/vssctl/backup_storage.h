/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VSSCTL_BACKUP_STORAGE_H
#define VSSCTL_BACKUP_STORAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <sys/types.h>
#include <libvss.h>

/* Where the default file storages go unless --storage-dir says otherwise. */
#define VSSCTL_AUTO_STORAGE_DIR	"/var/lib/vss/storage"

/* A diff storage that vssctl backup added, to remove afterwards. */
struct vssctl_auto_storage {
	char origin[PATH_MAX];		/* "" when none was added */
};

/*
 * Gives each of the @n @volumes (mount points or block devices) that has
 * no diff storage a default one (vssctl-backup.md, "Diff storage"): a file
 * in @dir when @dir's filesystem is outside every volume and has room,
 * else capped kernel memory. Each is announced on stderr and recorded in
 * @added[i]. A volume whose device cannot be told, or a storage the module
 * refuses, is left alone and said so: DoSnapshotSet then fails with the
 * module's reason (insufficient-storage). Returns how many were added.
 */
unsigned int vssctl_auto_storage_add(struct libvss_ctx *ctx,
				     const char *const *volumes, unsigned int n,
				     const char *dir,
				     struct vssctl_auto_storage *added);

/* Removes what vssctl_auto_storage_add() added. 0 or the first -errno. */
int vssctl_auto_storage_remove(struct libvss_ctx *ctx,
			       struct vssctl_auto_storage *added,
			       unsigned int n);

/* ---- the system's side (backup_storage_sys.c; faked in the tests) ---- */

struct vssctl_volume_dev {
	dev_t devno;
	char path[PATH_MAX];		/* /dev/NAME, as the module names it */
	uint64_t bytes;
};

/*
 * The block device a volume is: itself, or the device of the filesystem a
 * directory is on. 0, or -errno (-ENODEV when it is none).
 */
int vssctl_volume_device(const char *volume, struct vssctl_volume_dev *v);
/*
 * DIR as a place for storage files (made 0700 if @is_default and
 * missing): a directory, never a symlink, owned by root and writable by
 * nobody else. Its device and free bytes; 0, or -errno with *@why set.
 */
int vssctl_storage_dir(const char *dir, bool is_default, dev_t *devno,
		       uint64_t *free_bytes, const char **why);
/* MemAvailable in bytes; 0 if unknown. */
uint64_t vssctl_mem_available(void);

#endif /* VSSCTL_BACKUP_STORAGE_H */
