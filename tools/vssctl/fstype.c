// SPDX-License-Identifier: GPL-2.0
/*
 * Which filesystem a snapshot holds, from its superblock, and how it
 * mounts read-only. A snapshot is a read-only block device holding a copy
 * of a filesystem that is mounted elsewhere, which decides the options:
 *
 * - nothing may be written, not even a journal replay: a frozen
 *   filesystem's snapshot is clean, but one of a volume taken without a
 *   freeze (a block device) is not, and replaying needs a writable device
 *   (ext3/4 "noload", xfs "norecovery", btrfs "rescue=nologreplay");
 * - the copy has the origin's UUID: xfs refuses a second mount of a UUID
 *   unless "nouuid"; btrfs has no such option and mounts a clone of a
 *   mounted single-device filesystem from Linux 6.7 on (temp-fsid) only.
 *
 * The superblocks are read here rather than with libblkid: five magic
 * numbers, no dependency, and what is not recognised is treated as a raw
 * volume, which `backup` hands to its command as a device.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mount.h"

static const struct vssctl_fstype fstypes[] = {
	/* The ext4 driver mounts ext2 and ext3 too. */
	{ "ext2", "ext4", "", false },
	{ "ext3", "ext4", "noload", false },
	{ "ext4", "ext4", "noload", false },
	{ "xfs", "xfs", "nouuid,norecovery", false },
	{ "btrfs", "btrfs", "rescue=nologreplay", false },
	{ "vfat", "vfat", "", true },
	{ "exfat", "exfat", "", true },
};

enum { EXT2, EXT3, EXT4, XFS, BTRFS, VFAT, EXFAT };

#define EXT_SB			1024
#define EXT_MAGIC		0xef53
#define EXT_COMPAT_HAS_JOURNAL	0x0004
/* extents, 64bit, flex_bg: features ext3 never had. */
#define EXT_INCOMPAT_EXT4	(0x0040 | 0x0080 | 0x0200)
#define BTRFS_MAGIC_OFF		(65536 + 64)

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* Whether @buf, of @len bytes, has the bytes @magic at @off. */
static int has(const unsigned char *buf, size_t len, size_t off,
	       const char *magic)
{
	size_t n = strlen(magic);

	return off + n <= len && !memcmp(buf + off, magic, n);
}

const struct vssctl_fstype *vssctl_fstype_detect(const unsigned char *buf,
						 size_t len)
{
	if (len >= EXT_SB + 0x68 && le16(buf + EXT_SB + 0x38) == EXT_MAGIC) {
		if (le32(buf + EXT_SB + 0x60) & EXT_INCOMPAT_EXT4)
			return &fstypes[EXT4];
		if (le32(buf + EXT_SB + 0x5c) & EXT_COMPAT_HAS_JOURNAL)
			return &fstypes[EXT3];
		return &fstypes[EXT2];
	}
	if (has(buf, len, 0, "XFSB"))
		return &fstypes[XFS];
	if (has(buf, len, BTRFS_MAGIC_OFF, "_BHRfS_M"))
		return &fstypes[BTRFS];
	if (has(buf, len, 3, "EXFAT   "))
		return &fstypes[EXFAT];
	if (len >= 512 && buf[510] == 0x55 && buf[511] == 0xaa &&
	    (has(buf, len, 54, "FAT1") || has(buf, len, 82, "FAT32")))
		return &fstypes[VFAT];
	return NULL;
}

const char *vssctl_fstype_known(void)
{
	return "ext2, ext3, ext4, xfs, btrfs, vfat, exfat";
}

/* Whether a mount of type @type is one of @fs's driver (ext3: ext4's). */
static bool same_driver(const struct vssctl_fstype *fs, const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(fstypes) / sizeof(fstypes[0]); i++)
		if (!strcmp(fstypes[i].name, type))
			return !strcmp(fstypes[i].mount_type, fs->mount_type);
	return false;
}

/* The options of @opts that say who may access the files. */
static bool access_opt(const char *opt, size_t len)
{
	static const char *const names[] = { "uid=", "gid=", "fmask=", "dmask=" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (len > strlen(names[i]) && !strncmp(opt, names[i], strlen(names[i])))
			return true;
	return false;
}

int vssctl_mount_plan(const char *origin, const struct vssctl_fstype *fs,
		      bool *trusted, char data[VSSCTL_MOUNT_DATA_LEN])
{
	char type[VSSCTL_FSTYPE_LEN], opts[VSSCTL_MOUNT_DATA_LEN];
	const char *p, *end;
	size_t len;
	int ret;

	ret = vssctl_host_mount(origin, type, opts);
	if (ret < 0)
		return ret;
	*trusted = ret && same_driver(fs, type);
	len = (size_t)snprintf(data, VSSCTL_MOUNT_DATA_LEN, "%s", fs->data);
	if (!fs->access_opts)
		return 0;
	if (!*trusted) {
		/* Nobody's files but root's, as a copy of /boot/efi would be. */
		snprintf(opts, sizeof(opts), "uid=0,gid=0,fmask=0077,dmask=0077");
	}
	for (p = opts; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		if (!access_opt(p, (size_t)(end - p)))
			continue;
		len += (size_t)snprintf(data + len, len < VSSCTL_MOUNT_DATA_LEN ?
					VSSCTL_MOUNT_DATA_LEN - len : 0,
					"%s%.*s", len ? "," : "", (int)(end - p), p);
		if (len >= VSSCTL_MOUNT_DATA_LEN)
			return -ENAMETOOLONG;
	}
	return 0;
}
