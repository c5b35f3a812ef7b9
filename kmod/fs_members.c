// SPDX-License-Identifier: GPL-2.0
/*
 * Every block device a mounted filesystem lives on, so that a snapshot set
 * never freezes a filesystem and snapshots only part of it: ext4 with an
 * external journal, XFS with a log or realtime device. A set that names
 * one of them must name them all (snapset.c).
 *
 * The kernel has no list of a filesystem's devices, but each of them is
 * claimed exclusively by the filesystem, and the claim's holder says whose
 * it is. The holders, as the filesystems pass them (Debian's 6.1 and 6.12):
 *
 *   device                     6.1               6.12
 *   main (sb->s_bdev)          fs type           sb
 *   ext4 external journal      sb                sb
 *   XFS log, realtime          sb->s_fs_info     sb
 *
 * A holder equal to the superblock or to its private info is this
 * filesystem's alone. btrfs has no main device (sb->s_bdev is NULL; it
 * holds all its devices with one token for every btrfs), so a btrfs mount
 * point is refused as a volume before this is asked, and a btrfs device
 * named by its path is a raw, crash-consistent image of that device.
 *
 * The devices are the inodes of the block device pseudo-filesystem
 * (blockdev_superblock, as iterate_bdevs() walks it); under its inode list
 * lock an inode on the list stays allocated, and only pointers are read.
 */
#include <linux/blkdev.h>
#include <linux/fs.h>

#include "fs_members.h"

static void vss_member_found(struct vss_fs_members *m, struct block_device *bdev)
{
	unsigned int i;

	for (i = 0; i < m->nr_set; i++)
		if (m->set[i] == bdev->bd_dev) {
			m->covered |= BIT_ULL(i);
			return;
		}
	if (!m->nr_missing++) {
		m->missing = bdev->bd_dev;
		snprintf(m->missing_name, sizeof(m->missing_name), "%pg", bdev);
	}
}

void vss_fs_members_check(struct super_block *sb, struct vss_fs_members *m)
{
	struct inode *inode;

	m->covered = 0;
	m->nr_missing = 0;
	if (!sb->s_bdev)
		return;
	vss_member_found(m, sb->s_bdev);

	spin_lock(&blockdev_superblock->s_inode_list_lock);
	list_for_each_entry(inode, &blockdev_superblock->s_inodes, i_sb_list) {
		struct block_device *bdev = I_BDEV(inode);
		void *holder = READ_ONCE(bdev->bd_holder);

		if (holder && (holder == sb || holder == sb->s_fs_info) &&
		    bdev != sb->s_bdev)
			vss_member_found(m, bdev);
	}
	spin_unlock(&blockdev_superblock->s_inode_list_lock);
}
