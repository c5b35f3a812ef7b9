/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exposing snapshots: which filesystem a snapshot holds, how it mounts
 * read-only, and the mount layer itself (mount.c; the host tests link
 * test/fake-mount.c in its place, so that vssctl's use of it is tested
 * without mounting anything).
 */
#ifndef VSSCTL_MOUNT_H
#define VSSCTL_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#define VSSCTL_FSTYPE_LEN	16
/* What vssctl_fstype_detect() looks at: btrfs's superblock is at 64 KiB. */
#define VSSCTL_PROBE_BYTES	(65536 + 4096)

/* How a filesystem found on a snapshot is mounted. */
struct vssctl_fstype {
	const char *name;	/* as detected: "ext4", "xfs", ... */
	const char *mount_type;	/* the type given to mount(2) */
	const char *data;	/* its options besides the flags, "" for none */
	/* Owner and modes are mount options (vfat, exfat): the origin's kept. */
	bool access_opts;
};

/* Room for a snapshot's mount options (vssctl_mount_plan()). */
#define VSSCTL_MOUNT_DATA_LEN	1024

/* mount(2) flags of every exposed snapshot, and how they read. */
#define VSSCTL_MOUNT_FLAGS_STR	"ro,nosuid,nodev"

/*
 * The filesystem whose superblock starts @buf, the first @len bytes of a
 * device (fewer than VSSCTL_PROBE_BYTES for a small one): its mount
 * parameters, or NULL for none that vssctl knows.
 */
const struct vssctl_fstype *vssctl_fstype_detect(const unsigned char *buf,
						 size_t len);

/* "ext2, ext3, ext4, xfs, ...": what vssctl_fstype_detect() knows. */
const char *vssctl_fstype_known(void);

/*
 * Whether the host trusts the filesystem @fs found on a snapshot of block
 * device @origin, and its mount options. The host trusts what it mounts
 * itself: @origin mounted here by @fs's driver. Anything else (a VM's
 * disk, a tenant's volume, an unmounted disk) may hold a crafted image,
 * and filesystem drivers do not treat those as a security boundary.
 * @data gets @fs's options, and for a filesystem whose access is in its
 * mount options (vfat, exfat) the origin's uid, gid, fmask and dmask, or
 * root's and 0077 when @origin is not mounted, so that a copy is never
 * more open than its origin. 0, or -errno if the mounts cannot be read.
 */
int vssctl_mount_plan(const char *origin, const struct vssctl_fstype *fs,
		      bool *trusted, char data[VSSCTL_MOUNT_DATA_LEN]);

/* ---- the mount layer ---- */

/*
 * The filesystem on block device @dev: 0 with *@fsp set (NULL: none
 * vssctl knows, a raw volume), or -errno if @dev cannot be read.
 */
int vssctl_probe(const char *dev, const struct vssctl_fstype **fsp);

/*
 * Mounts @dev, holding @fs, on the directory @dir read-only, with the
 * options @data (vssctl_mount_plan()). 0 or -errno.
 */
int vssctl_mount_ro(const char *dev, const char *dir,
		    const struct vssctl_fstype *fs, const char *data);

/*
 * How block device @dev is mounted here, its newest mount in
 * /proc/self/mountinfo (by device number, or by source for btrfs, whose
 * mounts have an anonymous one): 1 with its filesystem type in @type and
 * its superblock options in @opts ("rw,uid=1000,fmask=0077,..."), 0 if it
 * is not mounted, -errno if @dev or the mounts cannot be read.
 */
int vssctl_host_mount(const char *dev, char type[VSSCTL_FSTYPE_LEN],
		      char opts[VSSCTL_MOUNT_DATA_LEN]);

/* Unmounts @dir. 0 or -errno. */
int vssctl_umount(const char *dir);

/*
 * The snapshot device mounted at @dir: 1 with @dev set to its path
 * ("/dev/vss-snap3"); 0 if @dir is not a mount point or another device's;
 * -errno if mounts cannot be read.
 */
int vssctl_mount_source(const char *dir, char *dev, size_t len);

/*
 * Calls @fn with each mount point of block device @dev (a path), newest
 * mount first, stopping at @fn's first non-zero return, which it returns;
 * 0 after the last. -errno if mounts cannot be read.
 */
int vssctl_mounts_of(const char *dev, int (*fn)(const char *dir, void *arg),
		     void *arg);

/*
 * Gives vssctl a mount namespace of its own, with a tmpfs on @dir (made
 * if missing): mounts made there after are seen by vssctl and its
 * children only and vanish with them, however they end. 0 or -errno.
 */
int vssctl_private_mounts(const char *dir);

/* mkdir(2) and rmdir(2), as 0 or -errno. */
int vssctl_mkdir(const char *path);
int vssctl_rmdir(const char *path);
/* A new file for writing, never an existing one or a symlink: fd or -errno. */
int vssctl_create(const char *path);
/* unlink(2) of what vssctl_create() made. */
void vssctl_unlink(const char *path);

#endif /* VSSCTL_MOUNT_H */
