/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filesystem freezes with an owner and a deadline: fsfreeze.c, and the
 * netlink commands of nl_fs.c.
 */
#ifndef VSS_FSFREEZE_H
#define VSS_FSFREEZE_H

#include <linux/blkdev.h>
#include <linux/ktime.h>
#include <linux/path.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

struct netlink_ext_ack;

struct vss_fs_freeze {
	struct list_head node;		/* in vss_fs_freezes while listed */
	bool listed;			/* whoever clears it ends the freeze */
	/*
	 * freeze_super() runs, without vss_fs_lock: whoever unlists it
	 * meanwhile leaves the end (@end_reason) to the freezing request.
	 */
	bool freezing;
	u32 end_reason;			/* enum vss_thaw_reason */
	struct path path;		/* pins the mount and its superblock */
	struct super_block *sb;
	char *path_name;		/* as the request gave it */
	char device[32];		/* sb->s_id */
	u32 owner;			/* portid, 0 if detached */
	u32 timeout_ms;
	u32 flags;			/* enum vss_fs_flags */
	ktime_t frozen_at, thawed_at;
	unsigned long deadline_at;	/* jiffies */
	struct delayed_work deadline;
};

int vss_fs_freeze(const char *name, u32 timeout_ms, u32 flags, u32 owner,
		  struct netlink_ext_ack *extack);
int vss_fs_thaw(const char *name, struct netlink_ext_ack *extack);
void vss_fs_release_owner(u32 portid);
int vss_fs_fill_attrs(struct sk_buff *msg, const struct vss_fs_freeze *f);
int vss_fs_get(const char *name, int (*fill)(const struct vss_fs_freeze *f, void *arg),
	       void *arg, struct netlink_ext_ack *extack);
int vss_fs_for_each(long skip, long *done,
		    int (*fill)(const struct vss_fs_freeze *f, void *arg), void *arg);
int vss_fs_init(void);
void vss_fs_exit(void);

#endif /* VSS_FSFREEZE_H */
