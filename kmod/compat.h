/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions vss builds for (Debian's 6.1
 * and 6.12 lines) is decided here and nowhere else, by LINUX_VERSION_CODE or
 * by testing for the macro that introduced an API. Callers use the vss_compat
 * names and never test versions themselves.
 */
#ifndef VSS_COMPAT_H
#define VSS_COMPAT_H

#include <linux/version.h>
#include <linux/netlink.h>

/*
 * From 6.6, freeze_super() takes a holder: a freeze the kernel holds is
 * counted apart from a userspace FIFREEZE, so FITHAW cannot undo it.
 */
#define VSS_HAVE_FREEZE_HOLDER (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0))

/*
 * Formatted extack messages (NL_SET_ERR_MSG_ATTR_FMT) exist from 6.2. Older
 * kernels have only static messages, so callers give both forms.
 */
#ifdef NL_SET_ERR_MSG_ATTR_FMT
#define vss_compat_err_attr_fmt(extack, attr, static_msg, fmt, args...) \
	NL_SET_ERR_MSG_ATTR_FMT(extack, attr, fmt, ##args)
#else
#define vss_compat_err_attr_fmt(extack, attr, static_msg, fmt, args...) \
	NL_SET_ERR_MSG_ATTR(extack, attr, static_msg)
#endif
#ifdef NL_SET_ERR_MSG_FMT
#define vss_compat_err_fmt(extack, static_msg, fmt, args...) \
	NL_SET_ERR_MSG_FMT(extack, fmt, ##args)
#else
#define vss_compat_err_fmt(extack, static_msg, fmt, args...) \
	NL_SET_ERR_MSG(extack, static_msg)
#endif

/*
 * A dump's parsed request attributes: genl_dumpit_info holds them itself on
 * 6.1, in its genl_info from 6.2 on (split ops).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define vss_compat_dump_attrs(cb) (genl_dumpit_info(cb)->info.attrs)
#else
#define vss_compat_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif


#include <linux/blkdev.h>
#include <linux/fs.h>

/*
 * Freezing a filesystem as the kernel. fsfreeze's ioctl calls the
 * filesystem's own ->freeze_super when it has one, else freeze_super();
 * so do we.
 */
#if VSS_HAVE_FREEZE_HOLDER
static inline int vss_compat_freeze(struct super_block *sb)
{
	if (sb->s_op->freeze_super)
		return sb->s_op->freeze_super(sb, FREEZE_HOLDER_KERNEL);
	return freeze_super(sb, FREEZE_HOLDER_KERNEL);
}

static inline int vss_compat_thaw(struct super_block *sb)
{
	if (sb->s_op->thaw_super)
		return sb->s_op->thaw_super(sb, FREEZE_HOLDER_KERNEL);
	return thaw_super(sb, FREEZE_HOLDER_KERNEL);
}
#else
static inline int vss_compat_freeze(struct super_block *sb)
{
	if (sb->s_op->freeze_super)
		return sb->s_op->freeze_super(sb);
	return freeze_super(sb);
}

static inline int vss_compat_thaw(struct super_block *sb)
{
	if (sb->s_op->thaw_super)
		return sb->s_op->thaw_super(sb);
	return thaw_super(sb);
}
#endif

/*
 * A volume named by its device path may carry a mounted filesystem; it is
 * frozen like a mount point (issue 15, item 5: without it, the snapshot of
 * a busy ext4 needed journal recovery).
 *
 * From 6.6 a filesystem is the holder of its devices (fs_holder_ops, the
 * superblock as holder: the data device, ext4's external journal, XFS's log
 * and realtime devices), cleared under bd_holder_lock before the superblock
 * can go; vss_compat_bdev_super() takes an active reference to it there, and
 * the volume is frozen as the kernel, like a mount point. btrfs holds its
 * devices without holder ops: its devices stay crash-consistent.
 *
 * 6.1 has no exported way from a device to its superblock but freeze_bdev(),
 * which finds it and freezes it (as userspace would: FITHAW can undo it, as
 * it can undo every 6.1 freeze); thaw_bdev() undoes it. So on 6.1 a
 * device-path volume is frozen with freeze_bdev() (VSS_COMPAT_FREEZE_BDEV),
 * which only syncs a device that carries no filesystem, and
 * vss_compat_bdev_fs_frozen() says whether it froze one.
 */
#if VSS_HAVE_FREEZE_HOLDER
#define VSS_COMPAT_FREEZE_BDEV	0

static inline struct super_block *vss_compat_bdev_super(struct block_device *bdev)
{
	struct super_block *sb = NULL;

	mutex_lock(&bdev->bd_holder_lock);
	if (bdev->bd_holder_ops == &fs_holder_ops) {
		sb = bdev->bd_holder;
		if (!atomic_inc_not_zero(&sb->s_active))
			sb = NULL;
	}
	mutex_unlock(&bdev->bd_holder_lock);
	/* Mounted and alive, or being torn down: then it is not ours to freeze. */
	if (sb && (!READ_ONCE(sb->s_root) || !(READ_ONCE(sb->s_flags) & SB_ACTIVE))) {
		deactivate_super(sb);
		sb = NULL;
	}
	return sb;
}

static inline int vss_compat_freeze_bdev(struct block_device *bdev)
{
	return -EOPNOTSUPP;
}

static inline int vss_compat_thaw_bdev(struct block_device *bdev)
{
	return -EOPNOTSUPP;
}

static inline bool vss_compat_bdev_fs_frozen(struct block_device *bdev)
{
	return false;
}

static inline struct super_block *vss_compat_bdev_frozen_super(struct block_device *bdev)
{
	return NULL;
}
#else
#define VSS_COMPAT_FREEZE_BDEV	1

static inline struct super_block *vss_compat_bdev_super(struct block_device *bdev)
{
	return NULL;
}

static inline int vss_compat_freeze_bdev(struct block_device *bdev)
{
	return freeze_bdev(bdev);
}

static inline int vss_compat_thaw_bdev(struct block_device *bdev)
{
	return thaw_bdev(bdev);
}

/* Our freeze_bdev() holds bd_fsfreeze_count, so bd_fsfreeze_sb stays. */
static inline bool vss_compat_bdev_fs_frozen(struct block_device *bdev)
{
	struct super_block *sb = READ_ONCE(bdev->bd_fsfreeze_sb);

	return sb && READ_ONCE(sb->s_writers.frozen) == SB_FREEZE_COMPLETE;
}

/* The filesystem our freeze_bdev() froze, with an active reference, or NULL. */
static inline struct super_block *vss_compat_bdev_frozen_super(struct block_device *bdev)
{
	struct super_block *sb = READ_ONCE(bdev->bd_fsfreeze_sb);

	if (sb && !atomic_inc_not_zero(&sb->s_active))
		sb = NULL;
	return sb;
}
#endif

/*
 * Opening a block device by number, read-only and without a holder: the
 * origin stays usable (mounted, opened exclusively by others) while we read
 * old chunks from it. 6.1 returns the bdev; 6.9+ a struct file.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
typedef struct file *vss_bdev_handle_t;

static inline vss_bdev_handle_t vss_compat_bdev_open(dev_t dev)
{
	return bdev_file_open_by_dev(dev, BLK_OPEN_READ, NULL, NULL);
}

static inline struct block_device *vss_compat_handle_bdev(vss_bdev_handle_t h)
{
	return file_bdev(h);
}

static inline void vss_compat_bdev_close(vss_bdev_handle_t h)
{
	fput(h);
}
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
typedef struct block_device *vss_bdev_handle_t;

static inline vss_bdev_handle_t vss_compat_bdev_open(dev_t dev)
{
	return blkdev_get_by_dev(dev, FMODE_READ, NULL);
}

static inline struct block_device *vss_compat_handle_bdev(vss_bdev_handle_t h)
{
	return h;
}

static inline void vss_compat_bdev_close(vss_bdev_handle_t h)
{
	blkdev_put(h, FMODE_READ);
}
#else
#error "block device open API of 6.5-6.8 not handled (6.1 and 6.12 are supported)"
#endif

/*
 * A bio-based disk with the origin's logical block size. 6.1 returns NULL on
 * failure and sets limits afterwards; 6.9+ takes the limits and returns an
 * ERR_PTR.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
static inline struct gendisk *vss_compat_alloc_disk(unsigned int lbs)
{
	struct queue_limits lim = {
		.logical_block_size = lbs,
		.physical_block_size = lbs,
	};

	return blk_alloc_disk(&lim, NUMA_NO_NODE);
}
#else
static inline struct gendisk *vss_compat_alloc_disk(unsigned int lbs)
{
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	blk_queue_logical_block_size(disk->queue, lbs);
	blk_queue_physical_block_size(disk->queue, lbs);
	return disk;
}
#endif


/*
 * ftrace redirect of submit_bio_noacct(). x86-64 has
 * DYNAMIC_FTRACE_WITH_ARGS on both kernels: the trampoline saves the
 * argument registers and honours a changed instruction pointer without a
 * full pt_regs. Without it the IP setter would silently do nothing and
 * writes would reach the disk unseen, so refuse to build instead.
 */
#include <linux/ftrace.h>

#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#error "vss needs CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS (x86-64 has it from 5.11)"
#endif

#ifdef ftrace_regs_get_argument
#define vss_compat_fregs_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#else
#define vss_compat_fregs_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#endif

#if defined(ftrace_regs_set_instruction_pointer)
#define vss_compat_fregs_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#elif defined(ftrace_instruction_pointer_set)
#define vss_compat_fregs_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#else
#error "no way to set the instruction pointer from an ftrace callback"
#endif

/*
 * Before 6.9, drivers could implement ->rw_page (brd, zram, pmem, btt), and
 * mpage writeback (ext2, fat, ...) and swap wrote pages through it without
 * any bio: such writes never reach submit_bio_noacct(). Hooking the
 * unexported bdev_write_page() would need a lookup by name, so tracking
 * such a disk is refused instead.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
static inline bool vss_compat_bdev_bypasses_bio(struct block_device *bdev)
{
	return bdev->bd_disk->fops->rw_page != NULL;
}
#else
static inline bool vss_compat_bdev_bypasses_bio(struct block_device *bdev)
{
	return false;
}
#endif

#endif /* VSS_COMPAT_H */
