// SPDX-License-Identifier: GPL-2.0
/*
 * Where a storage file's data lands: every block device a write into it
 * can reach, so that none of them is an origin (origin.c). A copy written
 * to a tracked device from its own copy-on-write path would be copied
 * again, or wait for itself.
 *
 * - The file's own filesystem, seen through stacking: an overlayfs file
 *   is written into its upper layer's file (d_real_inode()).
 * - A filesystem on a loop device writes into the loop's backing file,
 *   which lives on another filesystem: followed, through its path as the
 *   loop driver shows it in sysfs (the loop device's fields are private),
 *   up to VSS_STORE_MAX_UNDER devices deep.
 * - A filesystem with no block device at all is memory (tmpfs, ramfs:
 *   nothing below) or something whose writes go where this module cannot
 *   see (NFS, FUSE, 9p, CIFS: possibly to a server on this very machine,
 *   onto an origin). Only memory is accepted.
 *
 * The devices found stay valid for the storage's life without references
 * of their own: the open storage file pins its filesystem and so its
 * device, and a mounted loop device keeps its backing file open.
 */
#include <linux/blkdev.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/namei.h>
#include <linux/netlink.h>
#include <linux/slab.h>

#include "engine.h"

/* The path of @disk's loop backing file (sysfs), in @buf; 0 or -errno. */
static int vss_loop_backing_path(struct gendisk *disk, char *buf, size_t size)
{
	char attr[64];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(attr, sizeof(attr), "/sys/block/%s/loop/backing_file",
		 disk->disk_name);
	f = filp_open(attr, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, size - 1, &pos);
	fput(f);
	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static bool vss_sb_is_memory(struct super_block *sb)
{
	return sb->s_magic == TMPFS_MAGIC || sb->s_magic == RAMFS_MAGIC;
}

int vss_store_locate(struct vss_store *st, struct netlink_ext_ack *extack)
{
	struct inode *inode;
	struct path lower = {};
	char *buf = NULL;
	int err = 0;

	st->nr_under = 0;
	if (!st->file)
		return 0;
	inode = d_real_inode(st->file->f_path.dentry);
	for (;;) {
		struct super_block *sb = inode->i_sb;
		struct block_device *bdev = sb->s_bdev;

		if (!bdev) {
			if (vss_sb_is_memory(sb))
				break;
			NL_SET_ERR_MSG(extack, "the storage filesystem has no block device of its own (network, FUSE, 9p): it could write onto an origin; use a local disk's filesystem, tmpfs or memory storage");
			err = -EXDEV;
			break;
		}
		if (st->nr_under == VSS_STORE_MAX_UNDER) {
			NL_SET_ERR_MSG(extack, "the storage file is under too many loop devices");
			err = -ELOOP;
			break;
		}
		st->under[st->nr_under++] = bdev;
		if (bdev->bd_disk->major != LOOP_MAJOR)
			break;

		if (!buf)
			buf = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!buf) {
			err = -ENOMEM;
			break;
		}
		path_put(&lower);
		lower = (struct path){};
		err = vss_loop_backing_path(bdev->bd_disk, buf, PATH_MAX);
		if (!err)
			err = kern_path(buf, LOOKUP_FOLLOW, &lower);
		if (err) {
			NL_SET_ERR_MSG(extack, "the storage filesystem is on a loop device whose backing file cannot be found (deleted, or not visible here): it could be on an origin");
			err = -EXDEV;
			break;
		}
		inode = d_real_inode(lower.dentry);
		if (S_ISBLK(inode->i_mode)) {
			NL_SET_ERR_MSG(extack, "the storage filesystem is on a loop device over a block device: put it on that device's filesystem instead");
			err = -EXDEV;
			break;
		}
	}
	path_put(&lower);
	kfree(buf);
	return err;
}
