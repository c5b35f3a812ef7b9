// SPDX-License-Identifier: GPL-2.0
/*
 * Diff storage in a file: an unnamed file (O_TMPFILE) in a directory the
 * administrator chose, chunk in slot i at offset i * chunk size. It is
 * written and read through the VFS (kernel_write/kernel_read), never by raw
 * I/O to the file's extents, so the filesystem stays in charge of its
 * blocks; it grows as slots are first used and disappears with the last
 * reference, when the storage is removed or the machine stops.
 *
 * The filesystem must not live on an origin (origin.c refuses both
 * orders): copying a chunk would then write to a tracked device from the
 * copy-on-write path of that same device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/fadvise.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mempool.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>

#include "engine.h"
#include "fault.h"

/*
 * The copy's buffer, one chunk, comes from a reserve of one per storage:
 * a write that waits for its copy must not depend on finding a 64 KiB
 * buffer when memory is short (a swapfile on a snapshotted filesystem
 * writes out pages through that very wait). With the reserve in use by
 * another copy, mempool_alloc() waits for its return, which every copy
 * makes once its chunk is written. The first try may reclaim: called in
 * the copy's NOIO scope, GFP_KERNEL reclaims without I/O and lets
 * kvmalloc() fall back to vmalloc.
 */
static void *vss_copy_buf_alloc(gfp_t gfp, void *size)
{
	if (vss_fault_hit(&vss_faults.fail_copy_buf_alloc))
		return NULL;
	return kvmalloc((size_t)size, (gfp & __GFP_DIRECT_RECLAIM) ? GFP_KERNEL :
				      GFP_NOWAIT | __GFP_NOWARN);
}

static void vss_copy_buf_free(void *buf, void *size)
{
	kvfree(buf);
}

/*
 * Buffers of finished copies are kept for the next ones, in front of the
 * reserve: kvmalloc() of a 64 KiB chunk (an order-4 allocation, or a
 * vmalloc mapping and its later TLB purge) and its kvfree() were about
 * 100 us of a first write's lane time under TCG, as much as the read of
 * the old chunk (BENCHMARKS.md, "First write: where the time goes"). As
 * many are kept as copies ran at once, at most one per lane and at most
 * VSS_COPY_BUFS_KEPT_BYTES in all; they go with the storage.
 */
#define VSS_COPY_BUFS_KEPT		16	/* the lanes: one copy each */
#define VSS_COPY_BUFS_KEPT_BYTES	(1024 * 1024)

static void *vss_copy_buf_get(struct vss_store *st)
{
	void **buf;

	spin_lock(&st->buf_lock);
	buf = st->free_bufs;
	if (buf) {
		st->free_bufs = *buf;
		st->nr_free_bufs--;
	}
	spin_unlock(&st->buf_lock);
	if (buf)
		return buf;
	/* Waits for the reserve rather than fail: never NULL. */
	return mempool_alloc(st->copy_bufs, GFP_NOIO);
}

/*
 * The reserve is refilled first: a copy may be waiting for it in
 * mempool_alloc(), and only mempool_free() wakes it. The unlocked look at
 * curr_nr is mempool_free()'s own; if it misses a reserve emptied just
 * after, that copy's wait ends at mempool_alloc()'s next retry (5 s),
 * which only happens when memory is so short that kvmalloc() failed.
 */
void vss_store_file_put_buf(struct vss_store *st, void *buf)
{
	void **node = buf;

	if (READ_ONCE(st->copy_bufs->curr_nr) < st->copy_bufs->min_nr) {
		mempool_free(buf, st->copy_bufs);
		return;
	}
	spin_lock(&st->buf_lock);
	if (st->nr_free_bufs < st->max_free_bufs) {
		*node = st->free_bufs;
		st->free_bufs = node;
		st->nr_free_bufs++;
		node = NULL;
	}
	spin_unlock(&st->buf_lock);
	if (node)
		mempool_free(buf, st->copy_bufs);
}

static void vss_copy_bufs_drop(struct vss_store *st)
{
	void **buf;

	while ((buf = st->free_bufs)) {
		st->free_bufs = *buf;
		kvfree(buf);
	}
	st->nr_free_bufs = 0;
}

int vss_store_file_open(struct vss_store *st, const char *dir)
{
	struct file *f;

	f = filp_open(dir, O_TMPFILE | O_RDWR | O_LARGEFILE | O_NOATIME, 0600);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!(f->f_mode & FMODE_CAN_READ) || !(f->f_mode & FMODE_CAN_WRITE)) {
		fput(f);
		return -EOPNOTSUPP;
	}
	st->dir = kstrdup(dir, GFP_KERNEL);
	spin_lock_init(&st->buf_lock);
	st->free_bufs = NULL;
	st->nr_free_bufs = 0;
	st->max_free_bufs = clamp_t(unsigned int, VSS_COPY_BUFS_KEPT_BYTES / st->chunk_bytes,
				    1, VSS_COPY_BUFS_KEPT);
	st->copy_bufs = mempool_create(1, vss_copy_buf_alloc, vss_copy_buf_free,
				       (void *)(size_t)st->chunk_bytes);
	if (!st->dir || !st->copy_bufs) {
		kfree(st->dir);
		st->dir = NULL;
		if (st->copy_bufs)
			mempool_destroy(st->copy_bufs);
		st->copy_bufs = NULL;
		fput(f);
		return -ENOMEM;
	}
	st->file = f;
	st->wb_err = filemap_sample_wb_err(f->f_mapping);
	return 0;
}

void vss_store_file_close(struct vss_store *st)
{
	if (st->file)
		fput(st->file);
	st->file = NULL;
	kfree(st->dir);
	st->dir = NULL;
	vss_copy_bufs_drop(st);
	if (st->copy_bufs)
		mempool_destroy(st->copy_bufs);
	st->copy_bufs = NULL;
}

u64 vss_store_file_bytes(struct vss_store *st)
{
	return st->file ? i_size_read(file_inode(st->file)) : 0;
}

/*
 * A write reaches only the page cache. A chunk written earlier may since
 * have failed to reach the disk, or the filesystem may have given up (an
 * aborted journal remounts it read-only; its writeback then fails without
 * a trace in the file's error sequence, while delayed-allocation writes
 * still succeed): either way the storage can no longer keep what the
 * snapshots need. Checked at each copy and each snapshot read.
 */
static int vss_store_file_check(struct vss_store *st)
{
	if (READ_ONCE(st->failed))
		return -EIO;
	if (filemap_check_wb_err(st->file->f_mapping, st->wb_err) ||
	    sb_rdonly(file_inode(st->file)->i_sb)) {
		/*
		 * Drop the file's page cache once: pages the filesystem can
		 * no longer write back stay dirty, and would hold every
		 * writer on the system in dirty throttling. What they held
		 * serves only snapshots now invalid.
		 */
		if (!xchg(&st->failed, true))
			truncate_inode_pages(st->file->f_mapping, 0);
		return -EIO;
	}
	return 0;
}

/*
 * The copy's first half, in the NOIO scope of the lane worker: the chunk's
 * slot, a buffer, and the read of the old chunk into it, not yet submitted.
 */
int vss_store_file_prepare(struct vss_origin *o, struct vss_copy *cp,
			   struct bio **biop)
{
	struct vss_store *st = &o->store;
	int err;

	/* Not a byte more into a storage that failed: see above. */
	err = vss_store_file_check(st);
	if (err)
		return err;
	err = vss_store_reserve(st, xa_mk_value(0), &cp->slot);
	if (err)
		return err;
	cp->buf = vss_copy_buf_get(st);
	*biop = vss_origin_read_bio(o, cp->chunk << o->chunk_shift, cp->buf, cp->bytes);
	return 0;
}

/*
 * The second half, in the NOIO scope of the copy's work item, once the old
 * chunk is in the buffer: it goes to the slot, through the page cache.
 */
int vss_store_file_finish(struct vss_origin *o, struct vss_copy *cp)
{
	struct vss_store *st = &o->store;
	loff_t pos = (loff_t)cp->slot * st->chunk_bytes;
	ssize_t n;

	if (is_vmalloc_addr(cp->buf))
		invalidate_kernel_vmap_range(cp->buf, cp->bytes);
	n = kernel_write(st->file, cp->buf, cp->bytes, &pos);
	if (n != cp->bytes)
		return n < 0 ? n : -ENOSPC;
	return vss_store_file_check(st);
}

/*
 * Starts reading @bytes at @pos of the file into its page cache, without
 * waiting: a snapshot read announces every storage chunk of its bio this
 * way before copying them one by one, so that their reads are in flight
 * together instead of one after the other. Only a hint: if the slot is
 * freed and reused meanwhile, the copy still reads what it must.
 */
void vss_store_file_prefetch(struct vss_store *st, loff_t pos, loff_t bytes)
{
	if (!READ_ONCE(st->failed))
		vfs_fadvise(st->file, pos, bytes, POSIX_FADV_WILLNEED);
}

/*
 * Starts reading @bytes at @off of slot @slot straight into @bio's pages,
 * @done bytes into it: a direct read of the file, asynchronous, completed
 * through @iocb->ki_complete (set by the caller) when it returns
 * -EIOCBQUEUED. A direct read costs the guest neither the page cache pages
 * nor the copy out of them, and a snapshot read is read once. The
 * filesystem writes back what the page cache holds of the range first
 * (chunks copied but not yet written back), so it reads what was stored.
 *
 * Returns -EIOCBQUEUED, or the result of a read done at once (bytes or
 * -errno), or -ENOTBLK: read through the page cache instead (no direct
 * I/O on this file, or not at this alignment: then never again).
 */
ssize_t vss_store_file_read_direct(struct vss_store *st, u32 slot, unsigned int off,
				   struct bio *bio, unsigned int done,
				   unsigned int bytes, struct kiocb *iocb)
{
	struct bvec_iter it = bio->bi_iter;
	struct bvec_iter i;
	struct iov_iter iter;
	struct bio_vec bv;
	unsigned int nr = 0;
	ssize_t ret;

	if (READ_ONCE(st->no_direct) || !(st->file->f_mode & FMODE_CAN_ODIRECT) ||
	    vss_store_file_check(st))
		return -ENOTBLK;
	bio_advance_iter(bio, &it, done);
	it.bi_size = bytes;
	/* The bio's own vector, from the piece's first segment on. */
	__bio_for_each_bvec(bv, bio, i, it)
		nr++;
	iov_iter_bvec(&iter, ITER_DEST, __bvec_iter_bvec(bio->bi_io_vec, it), nr,
		      bytes);
	iter.iov_offset = it.bi_bvec_done;

	iocb->ki_filp = st->file;
	iocb->ki_pos = (loff_t)slot * st->chunk_bytes + off;
	iocb->ki_flags = IOCB_DIRECT;
	iocb->ki_ioprio = 0;
	ret = st->file->f_op->read_iter(iocb, &iter);
	/* Refused before any I/O: the alignment, or no direct I/O after all. */
	if (ret == -EINVAL || ret == -ENOTBLK || ret == -EOPNOTSUPP) {
		if (!xchg(&st->no_direct, true))
			pr_info("diff storage in %s: read through the page cache from now on (a direct read was refused: %zd)\n",
				st->dir, ret);
		return -ENOTBLK;
	}
	return ret;
}

int vss_store_file_copy_to_bio(struct vss_store *st, u32 slot, unsigned int off,
			       struct bio *bio, unsigned int done, unsigned int bytes)
{
	loff_t pos = (loff_t)slot * st->chunk_bytes + off;
	struct bvec_iter it = bio->bi_iter;
	struct bvec_iter i;
	struct bio_vec bv;

	if (vss_store_file_check(st))
		return -EIO;
	bio_advance_iter(bio, &it, done);
	it.bi_size = bytes;
	__bio_for_each_segment(bv, bio, i, it) {
		void *dst = bvec_kmap_local(&bv);
		unsigned int got = 0;
		ssize_t n = 0;

		/* A short read is read on; the end of the file is an error. */
		while (got < bv.bv_len) {
			n = kernel_read(st->file, dst + got, bv.bv_len - got, &pos);
			if (n <= 0)
				break;
			got += n;
		}
		kunmap_local(dst);
		if (got != bv.bv_len)
			return n < 0 ? n : -EIO;
	}
	return 0;
}
