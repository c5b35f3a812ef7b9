/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VSS_FS_MEMBERS_H
#define VSS_FS_MEMBERS_H

#include <linux/blkdev.h>
#include <linux/types.h>

struct super_block;

/* A filesystem's devices, checked against a snapshot set's (fs_members.c). */
struct vss_fs_members {
	const dev_t *set;		/* the set's origin devices */
	unsigned int nr_set;		/* at most 64 */
	u64 covered;			/* out: set[i] is one of the devices */
	unsigned int nr_missing;	/* out: devices not in the set */
	dev_t missing;			/* out: the first of them */
	char missing_name[BDEVNAME_SIZE];
};

void vss_fs_members_check(struct super_block *sb, struct vss_fs_members *m);

#endif
