// SPDX-License-Identifier: GPL-2.0
/*
 * Filesystem freezes with an owner and a deadline (FS_FREEZE, FS_THAW).
 *
 * fsfreeze(8) leaves a filesystem frozen until someone remembers to thaw
 * it; if the process that was to thaw it dies, every writer of that
 * filesystem hangs. A freeze taken here is the kernel's (a user's FITHAW
 * cannot end it on 6.6 and later), ends at its deadline whatever happens,
 * and, unless detached, ends as soon as the socket that took it closes.
 *
 * Each freeze pins the module: rmmod is refused (EBUSY) while one exists,
 * so unloading can never leave a filesystem frozen.
 *
 * freeze_super() never runs under vss_fs_lock, which every deadline,
 * FS_THAW and owner release needs: a freeze that blocks (a filesystem on a
 * loop image stored on a filesystem frozen already, a stalled device)
 * would keep every other freeze frozen past its deadline. The request
 * lists its freeze as "freezing" first, so that a second request for the
 * same filesystem is refused, and arms the deadline from the request; a
 * deadline, FS_THAW or owner release that comes while it freezes unlists
 * it, and the request thaws it as soon as its freeze returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "fsfreeze.h"
#include "nl.h"

/* Freezes live; vss_fs_lock protects the list and each ->listed. */
static LIST_HEAD(vss_fs_freezes);
static DEFINE_MUTEX(vss_fs_lock);
/* The deadlines run here: module exit waits for a running one. */
static struct workqueue_struct *vss_fs_wq;

static struct vss_fs_freeze *vss_fs_find_sb(struct super_block *sb)
{
	struct vss_fs_freeze *f;

	lockdep_assert_held(&vss_fs_lock);
	list_for_each_entry(f, &vss_fs_freezes, node)
		if (f->sb == sb)
			return f;
	return NULL;
}

static void vss_fs_notify(u8 cmd, const struct vss_fs_freeze *f, u32 reason)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vss_nl_family, 0, cmd);
	if (!hdr || vss_fs_fill_attrs(msg, f) ||
	    (reason && nla_put_u32(msg, VSS_A_FS_REASON, reason))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&vss_nl_family, msg, 0, VSS_NL_MCGRP_MONITOR, GFP_KERNEL);
}

/* Thaws @f, already off the list with its deadline cancelled, and frees it. */
static void vss_fs_end(struct vss_fs_freeze *f, u32 reason)
{
	int err;

	err = vss_compat_thaw(f->sb);
	if (err) {
		/* Before 6.6 a user's FITHAW may have thawed it already. */
		pr_info("freeze of %s ended by someone else (%d)\n", f->device, err);
		reason = VSS_THAW_LOST;
	}
	f->thawed_at = ktime_get();
	vss_fs_notify(VSS_CMD_FS_THAWED_NTF, f, reason);
	path_put(&f->path);
	kfree(f->path_name);
	kfree(f);
	module_put(THIS_MODULE);
}

/*
 * Takes @f off the list for the caller, who then ends it. False if the
 * deadline (or another caller) took it first.
 */
static bool vss_fs_unlist(struct vss_fs_freeze *f)
{
	lockdep_assert_held(&vss_fs_lock);
	if (!f->listed)
		return false;
	f->listed = false;
	list_del(&f->node);
	return true;
}

/* Ends a freeze unlisted by the caller: its deadline must not run after. */
static void vss_fs_end_unlisted(struct vss_fs_freeze *f, u32 reason)
{
	/* A deadline running now finds it unlisted and leaves it alone. */
	cancel_delayed_work_sync(&f->deadline);
	vss_fs_end(f, reason);
}

/*
 * Under vss_fs_lock, for whoever unlisted @f: true if the caller ends it;
 * false if its request is still freezing and ends it itself.
 */
static bool vss_fs_unlisted_ends(struct vss_fs_freeze *f, u32 reason)
{
	lockdep_assert_held(&vss_fs_lock);
	if (!f->freezing)
		return true;
	f->end_reason = reason;
	return false;
}

static void vss_fs_deadline_fn(struct work_struct *work)
{
	struct vss_fs_freeze *f = container_of(to_delayed_work(work),
					       struct vss_fs_freeze, deadline);
	bool mine;

	mutex_lock(&vss_fs_lock);
	mine = vss_fs_unlist(f) && vss_fs_unlisted_ends(f, VSS_THAW_DEADLINE);
	mutex_unlock(&vss_fs_lock);
	if (mine) {
		pr_info("freeze of %s reached its deadline (%u ms): thawed\n",
			f->device, f->timeout_ms);
		vss_fs_end(f, VSS_THAW_DEADLINE);	/* frees f: allowed here */
	}
}

static int vss_fs_lookup(const char *name, struct path *path,
			 struct netlink_ext_ack *extack)
{
	int err;

	err = kern_path(name, LOOKUP_FOLLOW, path);
	if (err) {
		NL_SET_ERR_MSG(extack, "path not found");
		return err;
	}
	if (path->dentry != path->mnt->mnt_root) {
		path_put(path);
		NL_SET_ERR_MSG(extack, "not a mount point (the root of a mounted filesystem)");
		return -EINVAL;
	}
	return 0;
}

int vss_fs_freeze(const char *name, u32 timeout_ms, u32 flags, u32 owner,
		  struct netlink_ext_ack *extack)
{
	struct vss_fs_freeze *f;
	struct super_block *sb;
	int err;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->path_name = kstrdup(name, GFP_KERNEL);
	if (!f->path_name) {
		err = -ENOMEM;
		goto out_free;
	}
	err = vss_fs_lookup(name, &f->path, extack);
	if (err)
		goto out_free;
	sb = f->path.mnt->mnt_sb;
	if (!sb->s_op->freeze_fs && !sb->s_op->freeze_super) {
		NL_SET_ERR_MSG(extack, "this filesystem cannot be frozen");
		err = -EOPNOTSUPP;
		goto out_put;
	}
	if (!try_module_get(THIS_MODULE)) {
		NL_SET_ERR_MSG(extack, "the vss module is being unloaded");
		err = -ENODEV;
		goto out_put;
	}
	f->sb = sb;
	strscpy(f->device, sb->s_id, sizeof(f->device));
	f->timeout_ms = timeout_ms;
	f->flags = flags;
	f->owner = (flags & VSS_FS_F_DETACHED) ? 0 : owner;
	INIT_DELAYED_WORK(&f->deadline, vss_fs_deadline_fn);

	mutex_lock(&vss_fs_lock);
	if (vss_fs_find_sb(sb)) {
		mutex_unlock(&vss_fs_lock);
		NL_SET_ERR_MSG(extack, "the filesystem is frozen by vss already");
		err = -EBUSY;
		goto out_module;
	}
	/* Whatever the freeze takes, it ends at the deadline of the request. */
	f->deadline_at = jiffies + msecs_to_jiffies(timeout_ms);
	f->freezing = true;
	f->listed = true;
	list_add_tail(&f->node, &vss_fs_freezes);
	queue_delayed_work(vss_fs_wq, &f->deadline, msecs_to_jiffies(timeout_ms));
	mutex_unlock(&vss_fs_lock);

	err = vss_compat_freeze(sb);

	mutex_lock(&vss_fs_lock);
	f->freezing = false;
	if (!err && f->listed) {
		f->frozen_at = ktime_get();
		/* The deadline or an FS_THAW may free it once the lock is dropped. */
		vss_fs_notify(VSS_CMD_FS_FROZEN_NTF, f, 0);
		pr_debug("%s (%s) frozen for portid %u, %u ms\n", f->path_name,
			 f->device, owner, timeout_ms);
		mutex_unlock(&vss_fs_lock);
		return 0;
	}
	/* Failed, or ended (f->end_reason) while it froze: ours to end either way. */
	vss_fs_unlist(f);
	mutex_unlock(&vss_fs_lock);
	cancel_delayed_work_sync(&f->deadline);
	if (err) {
		if (err == -EBUSY)
			NL_SET_ERR_MSG(extack, "the filesystem is frozen already (a snapshot set?)");
		else
			NL_SET_ERR_MSG(extack, "the filesystem refused to freeze");
		goto out_module;
	}
	f->frozen_at = ktime_get();
	vss_fs_notify(VSS_CMD_FS_FROZEN_NTF, f, 0);
	pr_info("freeze of %s ended while it was being frozen: thawed\n", f->device);
	err = f->end_reason == VSS_THAW_DEADLINE ? -ETIMEDOUT : -ECANCELED;
	if (err == -ETIMEDOUT)
		NL_SET_ERR_MSG(extack, "freezing took longer than the timeout: thawed at once");
	else
		NL_SET_ERR_MSG(extack, "thawed (FS_THAW, or the owner went away) while being frozen");
	vss_fs_end(f, f->end_reason);	/* frees f, puts the module */
	return err;

out_module:
	module_put(THIS_MODULE);
out_put:
	path_put(&f->path);
out_free:
	kfree(f->path_name);
	kfree(f);
	return err;
}

int vss_fs_thaw(const char *name, struct netlink_ext_ack *extack)
{
	struct vss_fs_freeze *f;
	struct path path;
	bool mine = false;
	int err;

	err = vss_fs_lookup(name, &path, extack);
	if (err)
		return err;

	mutex_lock(&vss_fs_lock);
	f = vss_fs_find_sb(path.mnt->mnt_sb);
	if (f && !vss_fs_unlist(f))
		f = NULL;
	if (f)
		mine = vss_fs_unlisted_ends(f, VSS_THAW_REQUESTED);
	mutex_unlock(&vss_fs_lock);
	path_put(&path);
	if (!f) {
		NL_SET_ERR_MSG(extack, "the filesystem has no freeze of vss");
		return -ENOENT;
	}
	/* Still freezing: its request thaws it as soon as it is frozen. */
	if (mine)
		vss_fs_end_unlisted(f, VSS_THAW_REQUESTED);
	return 0;
}

/* The socket @portid closed: its freezes (those not detached) end. */
void vss_fs_release_owner(u32 portid)
{
	struct vss_fs_freeze *f, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&vss_fs_lock);
	list_for_each_entry_safe(f, tmp, &vss_fs_freezes, node) {
		if (f->owner != portid)
			continue;
		vss_fs_unlist(f);
		/* Still freezing: its request thaws it as soon as it is frozen. */
		if (vss_fs_unlisted_ends(f, VSS_THAW_OWNER_GONE))
			list_add_tail(&f->node, &gone);
	}
	mutex_unlock(&vss_fs_lock);
	list_for_each_entry_safe(f, tmp, &gone, node) {
		list_del(&f->node);
		vss_fs_end_unlisted(f, VSS_THAW_OWNER_GONE);
	}
}

int vss_fs_fill_attrs(struct sk_buff *msg, const struct vss_fs_freeze *f)
{
	ktime_t end = f->thawed_at ? f->thawed_at : ktime_get();
	long left = (long)(f->deadline_at - jiffies);

	return nla_put_string(msg, VSS_A_FS_PATH, f->path_name) ||
	       nla_put_string(msg, VSS_A_FS_DEVICE, f->device) ||
	       nla_put_u32(msg, VSS_A_FS_OWNER, f->owner) ||
	       nla_put_u32(msg, VSS_A_FS_TIMEOUT_MS, f->timeout_ms) ||
	       nla_put_u32(msg, VSS_A_FS_FLAGS, f->flags) ||
	       nla_put_u64_64bit(msg, VSS_A_FS_FROZEN_NS,
				 ktime_to_ns(ktime_sub(end, f->frozen_at)), VSS_A_FS_PAD) ||
	       (!f->thawed_at &&
		nla_put_u32(msg, VSS_A_FS_REMAINING_MS,
			    left > 0 ? jiffies_to_msecs(left) : 0)) ? -EMSGSIZE : 0;
}

/*
 * Calls @fill for each freeze from the @skip'th on, under the lock, until
 * it fails; returns how many were filled in all (skip included) or @fill's
 * error with the count so far in *@done.
 */
int vss_fs_for_each(long skip, long *done,
		    int (*fill)(const struct vss_fs_freeze *f, void *arg), void *arg)
{
	struct vss_fs_freeze *f;
	long idx = 0;
	int err = 0;

	mutex_lock(&vss_fs_lock);
	list_for_each_entry(f, &vss_fs_freezes, node) {
		if (f->freezing)	/* not frozen yet */
			continue;
		if (idx++ < skip)
			continue;
		err = fill(f, arg);
		if (err)
			break;
		*done = idx;
	}
	mutex_unlock(&vss_fs_lock);
	return err;
}

/* FS_GET do: @fill is called under the lock with the freeze of @name. */
int vss_fs_get(const char *name, int (*fill)(const struct vss_fs_freeze *f, void *arg),
	       void *arg, struct netlink_ext_ack *extack)
{
	struct vss_fs_freeze *f;
	struct path path;
	int err;

	err = vss_fs_lookup(name, &path, extack);
	if (err)
		return err;
	mutex_lock(&vss_fs_lock);
	f = vss_fs_find_sb(path.mnt->mnt_sb);
	if (f && f->freezing)	/* not frozen yet */
		f = NULL;
	if (f)
		err = fill(f, arg);
	mutex_unlock(&vss_fs_lock);
	path_put(&path);
	if (!f) {
		NL_SET_ERR_MSG(extack, "the filesystem has no freeze of vss");
		return -ENOENT;
	}
	return err;
}

int vss_fs_init(void)
{
	vss_fs_wq = alloc_workqueue("vss_fs", 0, 0);
	return vss_fs_wq ? 0 : -ENOMEM;
}

/* Every freeze pins the module, so none is left; the queue is idle. */
void vss_fs_exit(void)
{
	WARN_ON_ONCE(!list_empty(&vss_fs_freezes));
	destroy_workqueue(vss_fs_wq);
}
