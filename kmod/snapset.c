// SPDX-License-Identifier: GPL-2.0
/*
 * Creating a snapshot set: one snapshot per volume, all at one instant.
 *
 *   resolve volumes, allocate snapshots and devices, start write tracking
 *   flush every volume                     (outside the window: no sync in it)
 *   freeze every filesystem  ----+ (in parallel, RCU grace periods
 *   switch copy-on-write on      |  expedited) the freeze window, timed
 *   thaw every filesystem    ----+  with ktime, guarded by the watchdog
 *   publish the snapshot devices
 *
 * The watchdog thaws whatever is frozen if the window outlives
 * hold_timeout_ms, and the set then fails with ETIMEDOUT. Every exit path
 * thaws what it froze; nothing is left frozen.
 *
 * The creator's wait for the freezes is bounded by that same deadline and
 * killable: a freeze_super() that blocks (a filesystem whose device stalls,
 * or in an image on a frozen filesystem) does not keep the creator, nor the
 * creation slot, in D state. Such a freeze is abandoned to its worker: the
 * window is refcounted, and whichever of the creator and the freeze works
 * lets go of it last releases the volumes; an abandoned freeze that ever
 * completes is thawed at once (the window has expired).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/netlink.h>
#include <linux/vss.h>

#include "engine.h"
#include "fs_members.h"

static unsigned int hold_timeout_ms = 10000;
module_param(hold_timeout_ms, uint, 0644);
MODULE_PARM_DESC(hold_timeout_ms,
		 "longest a snapshot set may hold filesystems frozen (ms, default 10000)");

/*
 * Test-only fault knob: stretches the window, to prove the watchdog and to
 * let tests act inside the window (its start and end are logged).
 */
static unsigned int test_hold_delay_ms;
module_param(test_hold_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_hold_delay_ms,
		 "testing only: sleep this long inside the freeze window (ms)");

/*
 * Each freeze_super() takes three percpu rwsems for write, and each of
 * those waits for an RCU grace period: with normal grace periods that is
 * most of the window (64 ext4 volumes frozen in parallel: 640 ms; with
 * expedited ones: 56 ms, under emulation). See rcu_expedite_gp() in
 * engine.h. The cost is IPIs to every CPU per grace period for the length
 * of the window.
 */
static bool expedite_grace_periods = true;
module_param(expedite_grace_periods, bool, 0644);
MODULE_PARM_DESC(expedite_grace_periods,
		 "expedite RCU grace periods during the freeze window (default Y)");

/* Test-only knob: measures what the flush before the window saves. */
static bool test_skip_preflush;
module_param(test_skip_preflush, bool, 0644);
MODULE_PARM_DESC(test_skip_preflush,
		 "testing only: do not flush volumes before the freeze window");

static DEFINE_MUTEX(vss_create_lock);
DECLARE_WAIT_QUEUE_HEAD(vss_snapset_slot_wait);

bool vss_snapset_slot_tryget(void)
{
	return mutex_trylock(&vss_create_lock);
}

void vss_snapset_slot_put(void)
{
	mutex_unlock(&vss_create_lock);
	wake_up_all(&vss_snapset_slot_wait);
}

/* A hint only: the answer may be stale by the time the caller acts on it. */
bool vss_snapset_slot_busy(void)
{
	return mutex_is_locked(&vss_create_lock);
}

struct vss_window;

/*
 * Freeze works, which may outlive their creator (see above): destroyed at
 * module exit, which thereby waits for the last one to return.
 */
static struct workqueue_struct *vss_freeze_wq;

int vss_snapset_init(void)
{
	vss_freeze_wq = alloc_workqueue("vss_freeze", WQ_UNBOUND, 0);
	return vss_freeze_wq ? 0 : -ENOMEM;
}

void vss_snapset_exit(void)
{
	destroy_workqueue(vss_freeze_wq);
}

struct vss_volume {
	struct path path;		/* held for mount points */
	struct super_block *sb;		/* to freeze, or NULL for a raw device */
	bool sb_active;			/* sb from a device path: ours to deactivate */
	bool via_bdev;			/* 6.1 device path: freeze_bdev() */
	bool fs_frozen;			/* a filesystem was frozen (the window) */
	bool fs_covered;		/* one of the devices of another volume's fs */
	struct vss_origin *origin;	/* pinned: origin->creating counts us */
	struct vss_snapshot *snap;
	bool frozen;
	int freeze_err;
	struct work_struct freeze_work;
	struct work_struct thaw_work;
	struct vss_window *w;
};

struct vss_window {
	struct kref ref;		/* the creator, and each freeze work */
	struct mutex lock;		/* frozen flags, expired */
	bool expired;
	unsigned int nr;
	struct vss_volume *vols;
	struct delayed_work watchdog;
	bool expedited;			/* rcu_expedite_gp() in force */
	atomic_t freezing;		/* freeze works not done */
	struct completion frozen;	/* the last one is done */
};

static void vss_thaw_volume(struct vss_volume *v)
{
	int err;

	if (!v->frozen)
		return;
	err = v->via_bdev ? vss_compat_thaw_bdev(v->origin->bdev) :
			    vss_compat_thaw(v->sb);
	/* 6.1: a user's FITHAW may already have thawed it. */
	if (err)
		pr_warn("thawing %s: %d\n", v->origin->name, err);
	v->frozen = false;
}

static void vss_thaw_work(struct work_struct *work)
{
	vss_thaw_volume(container_of(work, struct vss_volume, thaw_work));
}

/*
 * Thaws every frozen volume, in parallel like the freezes: a thaw writes
 * the filesystem's superblock synchronously (ext4: about 1 ms each on real
 * disks, 3 ms under emulation), and the window ends with the last of them.
 * The workers run while the caller holds w->lock, which stands for them.
 */
static void vss_window_thaw_all(struct vss_window *w)
{
	u64 queued = 0;
	unsigned int i;

	BUILD_BUG_ON(VSS_MAX_VOLUMES > 64);
	lockdep_assert_held(&w->lock);
	for (i = 0; i < w->nr; i++)
		if (w->vols[i].frozen) {
			INIT_WORK(&w->vols[i].thaw_work, vss_thaw_work);
			queue_work(system_unbound_wq, &w->vols[i].thaw_work);
			queued |= BIT_ULL(i);
		}
	for (i = 0; i < w->nr; i++)
		if (queued & BIT_ULL(i))
			flush_work(&w->vols[i].thaw_work);
}

static void vss_watchdog_fn(struct work_struct *work)
{
	struct vss_window *w = container_of(to_delayed_work(work),
					    struct vss_window, watchdog);

	mutex_lock(&w->lock);
	w->expired = true;
	vss_window_thaw_all(w);
	mutex_unlock(&w->lock);
	pr_warn("snapshot set held writes longer than %u ms: thawed, set failed\n",
		hold_timeout_ms);
}

static int vss_resolve_volume(const char *name, const struct path *resolved,
			      struct vss_volume *v, struct netlink_ext_ack *extack)
{
	struct inode *inode;
	dev_t dev;
	int err;

	if (resolved) {
		v->path = *resolved;
		path_get(&v->path);
	} else {
		err = kern_path(name, LOOKUP_FOLLOW, &v->path);
		if (err) {
			NL_SET_ERR_MSG(extack, "volume path not found");
			return err;
		}
	}
	inode = d_backing_inode(v->path.dentry);
	if (S_ISBLK(inode->i_mode)) {
		dev = inode->i_rdev;
		path_put(&v->path);
		v->path.mnt = NULL;
	} else if (S_ISDIR(inode->i_mode)) {
		v->sb = v->path.mnt->mnt_sb;
		if (!v->sb->s_bdev) {
			path_put(&v->path);
			v->path.mnt = NULL;
			NL_SET_ERR_MSG(extack, "volume's filesystem is not on a block device");
			return -EINVAL;
		}
		dev = v->sb->s_bdev->bd_dev;
	} else {
		path_put(&v->path);
		v->path.mnt = NULL;
		NL_SET_ERR_MSG(extack, "volume is neither a block device nor a mount point");
		return -EINVAL;
	}

	mutex_lock(&vss_lock);
	v->origin = vss_origin_find(dev);
	/* Not removed until this creation is over. */
	if (v->origin)
		v->origin->creating++;
	mutex_unlock(&vss_lock);
	if (!v->origin) {
		NL_SET_ERR_MSG(extack, "volume has no diff storage (STORAGE_ADD first)");
		return -ENOSPC;
	}
	if (vss_origin_gone(v->origin)) {
		NL_SET_ERR_MSG(extack, "the volume's device was removed");
		return -ENODEV;
	}
	/* A device path: a filesystem mounted on it is frozen all the same. */
	if (!v->sb) {
		v->sb = vss_compat_bdev_super(v->origin->bdev);
		v->sb_active = v->sb != NULL;
		v->via_bdev = VSS_COMPAT_FREEZE_BDEV;
	}
	return 0;
}

/*
 * A filesystem of the set is snapshotted on every device it lives on, or
 * the set is refused: freezing it and snapshotting part of it (the data
 * without its external journal or log) would call a torn image
 * consistent. The volumes that are its other devices (an
 * external journal named by its path) are not frozen again: the
 * filesystem is frozen once, through @v.
 */
static int vss_check_fs_devices(struct vss_window *w, struct vss_volume *v,
				struct super_block *sb,
				struct netlink_ext_ack *extack)
{
	dev_t devs[VSS_MAX_VOLUMES];
	struct vss_fs_members m = { .set = devs, .nr_set = w->nr };
	unsigned int j;

	for (j = 0; j < w->nr; j++)
		devs[j] = w->vols[j].origin->bdev->bd_dev;
	vss_fs_members_check(sb, &m);
	if (m.nr_missing) {
		pr_warn("snapshot set refused: the filesystem on %s also lives on %s (%u:%u)%s, not in the set\n",
			v->origin->name, m.missing_name, MAJOR(m.missing),
			MINOR(m.missing), m.nr_missing > 1 ? " and more" : "");
		vss_compat_err_fmt(extack,
			"a filesystem of the set also lives on a device that is not in the set (its journal, log or other devices): add them",
			"the filesystem on %s also lives on %s%s, which is not in the set: add it",
			v->origin->name, m.missing_name,
			m.nr_missing > 1 ? " and other devices" : "");
		return -EXDEV;
	}
	for (j = 0; j < w->nr; j++)
		if ((m.covered & BIT_ULL(j)) && &w->vols[j] != v)
			w->vols[j].fs_covered = true;
	return 0;
}

/* Every filesystem known before the freeze (mount points; device paths from 6.6). */
static int vss_check_set_filesystems(struct vss_window *w,
				     struct netlink_ext_ack *extack)
{
	unsigned int i;
	int err;

	for (i = 0; i < w->nr; i++) {
		struct vss_volume *v = &w->vols[i];

		if (!v->sb || v->fs_covered)
			continue;
		err = vss_check_fs_devices(w, v, v->sb, extack);
		if (err)
			return err;
	}
	return 0;
}

/*
 * On 6.1 a device path's filesystem is known only once freeze_bdev() has
 * found and frozen it: checked then, before the switch. The reference
 * keeps the superblock while the window lock is dropped for the check.
 */
static int vss_check_bdev_filesystems(struct vss_window *w,
				      struct netlink_ext_ack *extack)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < w->nr && !err; i++) {
		struct vss_volume *v = &w->vols[i];
		struct super_block *sb = NULL;

		mutex_lock(&w->lock);
		if (v->via_bdev && v->fs_frozen && !v->fs_covered && !w->expired)
			sb = vss_compat_bdev_frozen_super(v->origin->bdev);
		mutex_unlock(&w->lock);
		if (!sb)
			continue;
		err = vss_check_fs_devices(w, v, sb, extack);
		deactivate_super(sb);
	}
	return err;
}

/*
 * Whether a volume among @paths (a session's, resolved) has diff storage
 * whose STORAGE_ADD is still settling: a set would fail EAGAIN. Asked by a
 * session before any writer hears of the set, so that DoSnapshotSet can
 * be retried instead of failing the session. A hint: the engine checks
 * again.
 */
bool vss_snapset_settling(const struct path *paths, unsigned int nr)
{
	bool settling = false;
	unsigned int i;

	mutex_lock(&vss_lock);
	for (i = 0; i < nr && !settling; i++) {
		struct inode *inode = d_backing_inode(paths[i].dentry);
		struct super_block *sb = paths[i].mnt->mnt_sb;
		struct vss_origin *o = NULL;

		if (S_ISBLK(inode->i_mode))
			o = vss_origin_find(inode->i_rdev);
		else if (S_ISDIR(inode->i_mode) && sb->s_bdev)
			o = vss_origin_find(sb->s_bdev->bd_dev);
		settling = o && o->tracked && !READ_ONCE(o->settled);
	}
	mutex_unlock(&vss_lock);
	return settling;
}

static void vss_release_volumes(struct vss_volume *vols, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct vss_volume *v = &vols[i];

		if (v->snap)
			vss_snapshot_free_unlinked(v->snap);
		if (v->origin) {
			mutex_lock(&vss_lock);
			v->origin->creating--;
			mutex_unlock(&vss_lock);
		}
		if (v->path.mnt)
			path_put(&v->path);
		if (v->sb_active)
			deactivate_super(v->sb);
	}
}

static struct vss_window *vss_window_alloc(unsigned int nr)
{
	struct vss_window *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	w->vols = kcalloc(nr, sizeof(*w->vols), GFP_KERNEL);
	if (!w->vols) {
		kfree(w);
		return NULL;
	}
	w->nr = nr;
	kref_init(&w->ref);
	mutex_init(&w->lock);
	INIT_DELAYED_WORK(&w->watchdog, vss_watchdog_fn);
	/* Its last put may run in a freeze work, after the creator is gone. */
	__module_get(THIS_MODULE);
	return w;
}

static void vss_window_free(struct kref *ref)
{
	struct vss_window *w = container_of(ref, struct vss_window, ref);

	vss_release_volumes(w->vols, w->nr);
	kfree(w->vols);
	mutex_destroy(&w->lock);
	kfree(w);
	/* The work returns after this: vss_snapset_exit() waits for it. */
	module_put(THIS_MODULE);
}

static void vss_window_put(struct vss_window *w)
{
	kref_put(&w->ref, vss_window_free);
}

static void vss_flush_volume(struct vss_volume *v)
{
	if (v->sb) {
		down_read(&v->sb->s_umount);
		sync_filesystem(v->sb);
		up_read(&v->sb->s_umount);
	} else {
		sync_blockdev(v->origin->bdev);
	}
}

/*
 * Freezes one filesystem, in a worker: the filesystems of a set freeze in
 * parallel, so the window grows with the slowest freeze, not with their
 * sum (each freeze_super() waits for RCU grace periods). A freeze that
 * ends after the watchdog fired is undone at once.
 */
static void vss_freeze_work(struct work_struct *work)
{
	struct vss_volume *v = container_of(work, struct vss_volume, freeze_work);
	struct vss_window *w = v->w;
	int err = v->via_bdev ? vss_compat_freeze_bdev(v->origin->bdev) :
				vss_compat_freeze(v->sb);

	mutex_lock(&w->lock);
	v->freeze_err = err;
	if (!err) {
		v->frozen = true;
		/* freeze_bdev() of a device without a filesystem only syncs. */
		v->fs_frozen = !v->via_bdev ||
			       vss_compat_bdev_fs_frozen(v->origin->bdev);
	}
	if (w->expired)
		vss_thaw_volume(v);
	mutex_unlock(&w->lock);
	if (atomic_dec_and_test(&w->freezing))
		complete(&w->frozen);
	vss_window_put(w);
}

/*
 * Waits for the freeze works until the window's deadline (the watchdog
 * fires then), or a fatal signal. 0 when all are done; otherwise the
 * window is expired here and now, what is frozen thawed, and the works
 * still in a freeze are left to finish (and thaw) on their own.
 */
static int vss_wait_frozen(struct vss_window *w, u64 deadline_ns)
{
	s64 left_ns = deadline_ns - ktime_get_ns();
	long ret;

	/* A little past the deadline: the watchdog's own thaw comes first. */
	ret = wait_for_completion_killable_timeout(&w->frozen,
			nsecs_to_jiffies(max_t(s64, left_ns, 0)) + HZ / 10 + 1);
	if (ret > 0)
		return 0;
	mutex_lock(&w->lock);
	w->expired = true;
	vss_window_thaw_all(w);
	mutex_unlock(&w->lock);
	pr_warn("a snapshot set's freeze %s: abandoned to its worker, thawed when it ends\n",
		ret ? "was interrupted by a fatal signal" : "outlived hold_timeout_ms");
	return ret ? -EINTR : -ETIMEDOUT;
}

/* The window itself: freeze all, switch, thaw all. */
/* The end of the switch: the set's writes go on. */
static void vss_window_release(struct vss_window *w)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++)
		vss_tracker_hold(w->vols[i].origin, false);
}

static int vss_window_run(struct vss_window *w, struct vss_set_result *res,
			  struct netlink_ext_ack *extack)
{
	u64 t0 = 0, t1;
	unsigned int i, hold_ms;
	bool drained;
	int err = 0;

	t0 = ktime_get_ns();
	schedule_delayed_work(&w->watchdog, msecs_to_jiffies(hold_timeout_ms));
	w->expedited = READ_ONCE(expedite_grace_periods);
	if (w->expedited)
		rcu_expedite_gp();

	atomic_set(&w->freezing, 1);
	init_completion(&w->frozen);
	for (i = 0; i < w->nr; i++) {
		struct vss_volume *v = &w->vols[i];

		if ((!v->sb && !v->via_bdev) || v->fs_covered)
			continue;
		v->w = w;
		INIT_WORK(&v->freeze_work, vss_freeze_work);
		atomic_inc(&w->freezing);
		kref_get(&w->ref);
		queue_work(vss_freeze_wq, &v->freeze_work);
	}
	if (!atomic_dec_and_test(&w->freezing)) {
		err = vss_wait_frozen(w, t0 + (u64)hold_timeout_ms * NSEC_PER_MSEC);
		if (err == -EINTR)
			NL_SET_ERR_MSG(extack, "interrupted while filesystems were freezing: thawed");
		if (err)
			goto out;
	}

	mutex_lock(&w->lock);
	for (i = 0; i < w->nr && !err; i++)
		err = w->vols[i].freeze_err;
	if (w->expired) {
		err = -ETIMEDOUT;
	} else if (err) {
		NL_SET_ERR_MSG(extack, "freezing a volume's filesystem failed");
		vss_window_thaw_all(w);
	}
	mutex_unlock(&w->lock);
	if (err)
		goto out;
	if (VSS_COMPAT_FREEZE_BDEV) {
		err = vss_check_bdev_filesystems(w, extack);
		if (err) {
			mutex_lock(&w->lock);
			vss_window_thaw_all(w);
			mutex_unlock(&w->lock);
			goto out;
		}
	}

	hold_ms = READ_ONCE(test_hold_delay_ms);
	if (hold_ms) {
		/* Tests that aim a kill inside the window order it by these. */
		pr_info("test_hold_delay_ms: window open, holding %u ms\n", hold_ms);
		msleep(hold_ms);
		pr_info("test_hold_delay_ms: hold over\n");
	}

	/*
	 * vss_lock before the window lock: the watchdog takes only the window
	 * lock, so it can still thaw while we wait here for vss_lock.
	 */
	mutex_lock(&vss_lock);
	mutex_lock(&w->lock);
	if (w->expired) {
		mutex_unlock(&w->lock);
		mutex_unlock(&vss_lock);
		err = -ETIMEDOUT;
		goto out;
	}
	res->consistency = VSS_CONSISTENCY_FROZEN;
	for (i = 0; i < w->nr; i++) {
		struct vss_volume *v = &w->vols[i];

		/* Its filesystem is another volume's, judged there. */
		if (v->fs_covered)
			continue;
		/*
		 * On 6.1 a user's FITHAW can undo our freeze: say so. A device
		 * frozen with freeze_bdev() may carry no filesystem.
		 */
		if (v->via_bdev ? !vss_compat_bdev_fs_frozen(v->origin->bdev) :
		    !v->sb || v->sb->s_writers.frozen != SB_FREEZE_COMPLETE)
			res->consistency = VSS_CONSISTENCY_CRASH;
	}
	/*
	 * Every write to an origin since its STORAGE_ADD was counted: with new
	 * ones held, wait for those still in flight, so none lands after the
	 * switch uncopied.
	 */
	for (i = 0; i < w->nr; i++)
		vss_tracker_hold(w->vols[i].origin, true);
	drained = true;
	for (i = 0; i < w->nr && drained; i++)
		drained = vss_tracker_drain(w->vols[i].origin,
					    t0 + (u64)hold_timeout_ms * NSEC_PER_MSEC);
	if (!drained) {
		vss_window_release(w);
		vss_window_thaw_all(w);
		mutex_unlock(&w->lock);
		mutex_unlock(&vss_lock);
		err = -ETIMEDOUT;
		goto out;
	}
	for (i = 0; i < w->nr; i++) {
		w->vols[i].snap->consistency = res->consistency;
		w->vols[i].snap->ctime_ns = ktime_get_real_ns();
		vss_snapshot_link(w->vols[i].snap);
	}
	vss_window_release(w);
	vss_window_thaw_all(w);
	mutex_unlock(&w->lock);
	/* Success returns with vss_lock held: see vss_snapset_create(). */

out:
	t1 = ktime_get_ns();
	if (w->expedited)
		rcu_unexpedite_gp();
	cancel_delayed_work_sync(&w->watchdog);
	if (err == -ETIMEDOUT)
		NL_SET_ERR_MSG(extack, "hold writes timeout: the freeze window outlived hold_timeout_ms");
	res->window_ns = 0;
	mutex_lock(&w->lock);	/* an abandoned freeze may still set it */
	for (i = 0; i < w->nr; i++)
		if (w->vols[i].fs_frozen)
			res->window_ns = t1 - t0;
	mutex_unlock(&w->lock);
	return err;
}

int vss_snapset_create(const struct vss_set_request *req,
		       struct vss_set_result *res, struct netlink_ext_ack *extack)
{
	struct vss_volume *vols;
	struct vss_window *w;
	unsigned int i, j;
	int err;

	/* genl does not pin the module for a doit: snapshots will. */
	if (!try_module_get(THIS_MODULE)) {
		NL_SET_ERR_MSG(extack, "the vss module is being unloaded");
		return -ENODEV;
	}
	if (!req->slot_held && !vss_snapset_slot_tryget()) {
		module_put(THIS_MODULE);
		NL_SET_ERR_MSG(extack, "another snapshot set is being created");
		return -EBUSY;
	}
	w = vss_window_alloc(req->nr);
	if (!w) {
		NL_SET_ERR_MSG(extack, "out of memory");
		err = -ENOMEM;
		goto out_unlock;
	}
	vols = w->vols;
	if (req->set_id)
		res->set_id = *req->set_id;
	else
		uuid_gen(&res->set_id);

	for (i = 0; i < req->nr; i++) {
		err = vss_resolve_volume(req->paths[i],
					 req->resolved ? &req->resolved[i] : NULL,
					 &vols[i], extack);
		if (err)
			goto out_release;
		for (j = 0; j < i; j++)
			if (vols[j].origin == vols[i].origin) {
				NL_SET_ERR_MSG(extack, "the same volume is named twice");
				err = -EINVAL;
				goto out_release;
			}
		vols[i].snap = vss_snapshot_alloc(vols[i].origin);
		if (IS_ERR(vols[i].snap)) {
			err = PTR_ERR(vols[i].snap);
			vols[i].snap = NULL;
			NL_SET_ERR_MSG(extack, "cannot allocate the snapshot or its device");
			goto out_release;
		}
		vols[i].snap->set_id = res->set_id;
		vols[i].snap->flags = req->flags;
		vols[i].snap->owner_portid = req->owner_portid;
		/* Tracked from STORAGE_ADD on, unless the disk cannot be. */
		if (!vols[i].origin->tracked) {
			if (blk_queue_dax(bdev_get_queue(vols[i].origin->bdev)))
				NL_SET_ERR_MSG(extack, "cannot track writes to the volume (it supports DAX: writes through DAX mappings bypass the block layer)");
			else
				NL_SET_ERR_MSG(extack, "cannot track writes to the volume (a zoned disk, or a driver that writes without bios)");
			err = -EOPNOTSUPP;
			goto out_release;
		}
		if (!READ_ONCE(vols[i].origin->settled)) {
			NL_SET_ERR_MSG(extack, "the volume's diff storage is still being added; retry");
			err = -EAGAIN;
			goto out_release;
		}
	}

	err = vss_check_set_filesystems(w, extack);
	if (err)
		goto out_release;

	for (i = 0; i < req->nr && !test_skip_preflush; i++)
		if (!vols[i].fs_covered)
			vss_flush_volume(&vols[i]);

	err = vss_window_run(w, res, extack);
	if (err)
		goto out_release;

	/* vss_lock is held: no delete can run before the devices exist. */
	for (i = 0; i < req->nr; i++) {
		struct vss_snapshot *s = vols[i].snap;

		s->window_ns = res->window_ns;
		res->snaps[i] = s;
		res->entries[i].id = s->id;
		res->entries[i].number = s->number;
		strscpy(res->entries[i].origin, s->origin->name,
			sizeof(res->entries[i].origin));
		res->entries[i].token = s->token;
		vols[i].snap = NULL;	/* linked: no longer ours to free */
		if (vss_snapshot_publish(s))
			pr_warn("snapshot vss-snap%d: adding its device failed\n", s->number);
		vss_notify_snapshot(VSS_CMD_SNAPSHOT_CREATED_NTF, s);
	}
	mutex_unlock(&vss_lock);
	res->nr = req->nr;
	pr_info("snapshot set of %u volume(s) created, freeze window %llu ns\n",
		req->nr, res->window_ns);

out_release:
	/* vss_window_run() cancelled the watchdog, if it ever ran. */
	vss_window_put(w);
out_unlock:
	if (!req->slot_held)
		vss_snapset_slot_put();
	module_put(THIS_MODULE);
	return err;
}
