/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot engine's objects. See Documentation/design.md for the data
 * path; in short:
 *
 * An origin is a block device (disk or partition) with diff storage. Its
 * snapshots form a chain, oldest first. Each snapshot has a chunk map
 * (chunk number -> storage slot) holding the chunks that were preserved
 * while it was the newest. A first write to a chunk the newest snapshot has
 * not preserved copies the old chunk once into the storage and records it
 * in the newest snapshot's map; an older snapshot reading chunk c takes the
 * first map in the chain, from itself towards the newest, that holds c, and
 * the origin if none does.
 *
 * Locking:
 *   vss_lock (mutex)       origins, snapshot lists, storage config
 *   origin->cow_mutex      pending copies, map inserts, and the decision of
 *                          a snapshot read to go to the origin
 *   origin->reads_lock     in-flight snapshot reads of origin chunks, and
 *                          captured copies whose store is in flight
 *   RCU                    origin->newest, origin->snapshots, tracker hash,
 *                          chunk map lookups (xarray)
 */
#ifndef VSS_ENGINE_H
#define VSS_ENGINE_H

#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/uuid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "cbt.h"
#include "compat.h"

#define VSS_CHUNK_MIN		4096
#define VSS_CHUNK_MAX		(1024 * 1024)
#define VSS_CHUNK_DEFAULT	65536
#define VSS_MAX_VOLUMES		64

extern struct mutex vss_lock;

/*
 * rcu_expedite_gp() asks for expedited RCU grace periods system-wide until
 * the matching rcu_unexpedite_gp() (a nesting count); suspend and boot use
 * it the same way. The set's freeze window and snapshot deletion (whose
 * del_gendisk() waits for several grace periods) use it to keep their
 * latency down. Both are exported (EXPORT_SYMBOL_GPL) but declared only in
 * the kernel's private kernel/rcu/rcu.h, hence the declarations here.
 */
void rcu_expedite_gp(void);
void rcu_unexpedite_gp(void);

#define VSS_MAX_THRESHOLDS	4

struct vss_origin;
struct vss_pass;

/*
 * One chunk being copied into the diff storage (cow.c): started by the
 * lane worker of the write that needs it, which submits the read of the
 * old chunk and goes on with other writes; ended by a work item after the
 * read completes. Writes to the chunk meanwhile wait on it, not in a
 * worker.
 */
struct vss_copy {
	/*
	 * origin->pending (under cow_mutex) until the chunk is read; then,
	 * captured, origin->storing (under both) until it is stored.
	 */
	struct list_head node;
	struct vss_origin *origin;	/* holds its inflight count */
	sector_t chunk;
	struct vss_snapshot *snap;	/* the newest when it started */
	unsigned long gen;		/* origin->chain_gen then */
	u32 slot;
	int read_err;
	unsigned int ticket;		/* captured: holds the slot (store.c) */
	unsigned int bytes;		/* of the chunk (the last may be short) */
	void *buf;			/* kind file: the chunk's bytes */
	struct bio_list waiters;	/* writes waiting for it, under cow_mutex */
	struct work_struct work;
};

/*
 * Diff storage of one origin: numbered slots of one chunk each, allocated
 * lowest-free-first so that the slot space (and a storage file) stays
 * dense. Kind memory keeps a compound page per slot (store_mem.c); kind
 * file keeps chunk i at offset i * chunk size of an unnamed file
 * (store_file.c). A slot freed while a snapshot read may be copying from it
 * is only marked dying, and freed when the last reader is done.
 */
#define VSS_STORE_MAX_UNDER	4	/* a file on a loop on a loop on ... */

struct vss_store {
	int kind;			/* enum vss_storage_kind */
	u64 max_bytes;			/* changed under vss_lock; READ_ONCE */
	unsigned int chunk_bytes;
	unsigned int chunk_order;	/* memory: page order of one chunk */
	atomic64_t used_bytes;		/* live slots * chunk_bytes */
	struct xarray slots;		/* slot -> page, or a value for a file */
	spinlock_t lock;		/* readers and dying slots */
	unsigned int cur;		/* the generation new reads join */
	unsigned int readers[2];	/* reads in flight, per generation */
	unsigned int nr_dying[2];	/* slots freed, waiting for them */
	unsigned int nr_thresholds;	/* changed under vss_lock */
	unsigned int thresholds[VSS_MAX_THRESHOLDS];	/* percent, ascending */
	unsigned long thresholds_sent;	/* bit i: thresholds[i] crossed */
	struct file *file;		/* kind file */
	char *dir;			/* kind file: where it was created */
	errseq_t wb_err;		/* kind file: writeback errors since open */
	mempool_t *copy_bufs;		/* kind file: the copy's chunk buffers */
	spinlock_t buf_lock;		/* kind file: free_bufs, nr_free_bufs */
	void *free_bufs;		/* kind file: buffers kept, a list through word 0 */
	unsigned int nr_free_bufs;
	unsigned int max_free_bufs;
	bool failed;			/* kind file: the storage failed for good */
	bool no_direct;			/* kind file: read it through the page cache */
	/* kind file: the devices its data lands on, outermost first */
	struct block_device *under[VSS_STORE_MAX_UNDER];
	unsigned int nr_under;
};

struct vss_store_config {
	int kind;
	u64 max_bytes;
	unsigned int chunk_bytes;
	const char *dir;
	unsigned int nr_thresholds;
	unsigned int thresholds[VSS_MAX_THRESHOLDS];
	u32 track_block_bytes;		/* changed-block tracking, 0: default */
};

/* store.c */
int vss_store_init(struct vss_store *st, const struct vss_store_config *cfg);
void vss_store_destroy(struct vss_store *st);
int vss_store_reserve(struct vss_store *st, void *entry, u32 *slot);
int vss_store_copy_prepare(struct vss_origin *o, struct vss_copy *cp,
			   struct bio **biop);
int vss_store_copy_finish(struct vss_origin *o, struct vss_copy *cp, int read_err);
int vss_store_copy_write(struct vss_origin *o, struct vss_copy *cp);
bool vss_copy_storing(struct vss_origin *o, u32 slot);
void vss_store_free(struct vss_store *st, u32 slot);
/* Returns the ticket that vss_store_read_end() takes. */
unsigned int vss_store_read_begin(struct vss_store *st);
int vss_store_copy_to_bio(struct vss_store *st, u32 slot, unsigned int off,
			  struct bio *bio, unsigned int done, unsigned int bytes);
void vss_store_read_end(struct vss_store *st, unsigned int ticket);
int vss_store_set(struct vss_store *st, u64 max_bytes, unsigned int nr_thresholds,
		  const unsigned int *thresholds);
unsigned int vss_store_threshold_crossed(struct vss_store *st, u64 *used);
u64 vss_store_file_bytes(struct vss_store *st);
int vss_cow_init(void);
void vss_cow_exit(void);
struct bio *vss_origin_read_bio(struct vss_origin *o, sector_t sector, void *buf,
				unsigned int bytes);
struct bio *vss_origin_read_pages_bio(struct vss_origin *o, sector_t sector,
				      struct page **pages, unsigned int bytes);

/* store_mem.c and store_file.c: one kind each */
int vss_store_mem_prepare(struct vss_origin *o, struct vss_copy *cp,
			  struct bio **biop);
void vss_store_mem_copy_to_bio(void *entry, unsigned int off, struct bio *bio,
			       struct bvec_iter it, unsigned int bytes);
void vss_store_mem_release(struct vss_store *st, void *entry);
int vss_store_file_open(struct vss_store *st, const char *dir);
/* store_where.c */
int vss_store_locate(struct vss_store *st, struct netlink_ext_ack *extack);
void vss_store_file_close(struct vss_store *st);
int vss_store_file_prepare(struct vss_origin *o, struct vss_copy *cp,
			   struct bio **biop);
int vss_store_file_finish(struct vss_origin *o, struct vss_copy *cp);
void vss_store_file_put_buf(struct vss_store *st, void *buf);
void vss_store_file_prefetch(struct vss_store *st, loff_t pos, loff_t bytes);
ssize_t vss_store_file_read_direct(struct vss_store *st, u32 slot, unsigned int off,
				   struct bio *bio, unsigned int done,
				   unsigned int bytes, struct kiocb *iocb);
int vss_store_file_copy_to_bio(struct vss_store *st, u32 slot, unsigned int off,
			       struct bio *bio, unsigned int done, unsigned int bytes);

struct vss_snapshot;

struct vss_origin {
	struct list_head node;		/* vss_origins, under vss_lock */
	dev_t dev;
	dev_t disk_dev;			/* whole disk the origin is on */
	sector_t start;			/* first sector on the whole disk */
	sector_t nr_sects;
	vss_bdev_handle_t handle;	/* open while the origin has storage */
	struct block_device *bdev;
	char name[BDEVNAME_SIZE];
	unsigned int chunk_shift;	/* log2(chunk size in sectors) */
	struct vss_store store;

	unsigned int creating;		/* sets being created on it, under vss_lock */
	bool settled;			/* uncounted writes waited for (STORAGE_ADD) */
	struct list_head snapshots;	/* oldest first; RCU readers */
	struct vss_snapshot __rcu *newest;
	unsigned int nr_snapshots;

	struct mutex cow_mutex;
	struct list_head pending;	/* struct vss_copy, chunks being copied */
	unsigned long chain_gen;	/* bumped when the chain changes */
	atomic_t nr_copies;		/* in flight: bounded (cow.c) */
	wait_queue_head_t cow_wait;	/* for nr_copies to drop */
	spinlock_t reads_lock;
	struct list_head origin_reads;	/* struct vss_origin_read in flight */
	atomic_t nr_origin_reads;	/* their number, for a lock-free check */
	struct list_head storing;	/* struct vss_copy, captured, being stored */
	wait_queue_head_t reads_wait;	/* an origin read or a store ended */

	/* Write tracking (tracker.c). */
	struct hlist_node hnode;
	bool tracked;
	atomic_t inflight;		/* diverted bios not yet resubmitted */
	struct vss_pass __percpu *pass;	/* writes that passed, in flight */
	bool holding;			/* its set is switching: writes held */
	struct vss_lane *lanes;
	unsigned int nr_lanes;

	/* Hot unplug (unplug.c): del_gendisk() of the origin's disk was seen. */
	bool gone;
	struct work_struct gone_work;
	struct work_struct retire_work;	/* a killed STORAGE_REMOVE's rest */

	struct vss_cbt *cbt;		/* changed-block tracking (cbt.c) */
};

/* Removed, or being removed: its snapshots cannot stay faithful. */
static inline bool vss_origin_gone(const struct vss_origin *o)
{
	return READ_ONCE(o->gone) || test_bit(GD_DEAD, &o->bdev->bd_disk->state);
}

static inline sector_t vss_chunk_of(const struct vss_origin *o, sector_t rel)
{
	return rel >> o->chunk_shift;
}

static inline unsigned int vss_chunk_bytes(const struct vss_origin *o)
{
	return 1U << (o->chunk_shift + SECTOR_SHIFT);
}

struct vss_origin *vss_origin_find(dev_t dev);
int vss_origin_add(dev_t dev, const struct vss_store_config *cfg,
		   struct vss_origin **op, struct netlink_ext_ack *extack);
int vss_origin_remove(struct vss_origin *o);
int vss_origin_retire(struct vss_origin *o);
extern struct list_head vss_origins;
void vss_origins_release(void);

/* unplug.c */
int vss_unplug_init(void);
void vss_unplug_exit(void);
void vss_origin_gone_work(struct work_struct *work);

struct vss_snapshot {
	struct list_head node;		/* origin->snapshots, RCU */
	struct list_head all_node;	/* vss_snapshots, creation order */
	struct rcu_head rcu;
	struct vss_origin *origin;
	uuid_t id;
	uuid_t set_id;
	u32 flags;			/* enum vss_snapshot_flags */
	u32 owner_portid;		/* auto-release: the creating socket */
	u64 ctime_ns;
	u32 consistency;
	u64 window_ns;
	int number;			/* N of vss-snapN */
	int state;			/* enum vss_snapshot_state, READ_ONCE */
	int invalid_reason;
	struct xarray map;		/* chunk -> xa_mk_value(slot) */
	unsigned long nr_chunks;	/* entries in map, under cow_mutex */
	struct gendisk *disk;
	bool disk_added;
	atomic_t inflight;		/* reads being served */
	wait_queue_head_t drain;
	struct rcu_work free_work;	/* deletion: freed after a grace period */
	struct vss_cbt_token token;	/* set when linked (cbt.c) */
	struct vss_cbt_point *cbt_point;	/* until linked */
};

extern struct list_head vss_snapshots;

/* cow.c */
struct vss_origin_read {
	struct list_head node;
	sector_t chunk;
};

bool vss_cow_needed_rcu(struct vss_origin *o, sector_t rel, sector_t nr);
bool vss_origin_preserving_rcu(struct vss_origin *o);
bool vss_cow_range(struct vss_origin *o, sector_t rel, sector_t nr, sector_t *next,
		   struct bio *bio);
bool vss_cow_locate(struct vss_snapshot *s, sector_t chunk, u32 *slot);
void vss_origin_read_begin(struct vss_origin *o, struct vss_origin_read *r,
			   sector_t chunk);
void vss_origin_read_end(struct vss_origin *o, struct vss_origin_read *r);
bool vss_origin_reads_overlap(struct vss_origin *o, sector_t rel, sector_t nr);
void vss_origin_invalidate(struct vss_origin *o, int reason);

/* snapshot.c */
int vss_snapshot_init(void);
void vss_snapshot_exit(void);
struct vss_snapshot *vss_snapshot_alloc(struct vss_origin *o);
int vss_snapshot_publish(struct vss_snapshot *s);
void vss_snapshot_link(struct vss_snapshot *s);
void vss_snapshot_delete(struct vss_snapshot *s);
void vss_snapshot_free_unlinked(struct vss_snapshot *s);
struct vss_snapshot *vss_snapshot_find(const uuid_t *id);
void vss_snapshots_release_owner(u32 portid);

/* notify.c */
void vss_notify_snapshot(u8 cmd, struct vss_snapshot *s);
void vss_notify_threshold(struct vss_origin *o, u64 used, unsigned int pct);

/* snapdev.c */
int vss_snapdev_init(void);
void vss_snapdev_exit(void);
int vss_snapdev_create(struct vss_snapshot *s);
void vss_snapdev_destroy(struct vss_snapshot *s);

/* tracker.c */
int vss_tracker_init(void);
void vss_tracker_exit(void);
bool vss_tracker_sees_all_writes(struct block_device *bdev);
int vss_tracker_add(struct vss_origin *o);
void vss_tracker_settle(struct vss_origin *o);
void vss_tracker_detach(struct vss_origin *o);
int vss_tracker_retire(struct vss_origin *o, bool killable);
void vss_tracker_defer(struct work_struct *work);
void vss_tracker_hold(struct vss_origin *o, bool hold);
bool vss_tracker_drain(struct vss_origin *o, u64 deadline_ns);
void vss_tracker_disk_gone(struct gendisk *disk);
void vss_tracker_resume(struct bio *bio);
void vss_origin_put_inflight(struct vss_origin *o);

/* snapset.c */
int vss_snapset_init(void);
void vss_snapset_exit(void);
bool vss_snapset_settling(const struct path *paths, unsigned int nr);
struct vss_set_request {
	unsigned int nr;
	const char *paths[VSS_MAX_VOLUMES];
	u32 flags;
	u32 owner_portid;
	const uuid_t *set_id;		/* NULL: a new random id */
	bool slot_held;			/* the caller holds the creation slot */
	/*
	 * NULL, or paths[i] already looked up by the caller in its own root
	 * and mount namespace (a session's worker has neither).
	 */
	const struct path *resolved;
};

/* A created snapshot as it was at creation, safe to read after vss_lock. */
struct vss_set_entry {
	uuid_t id;
	int number;			/* N of vss-snapN */
	char origin[BDEVNAME_SIZE];
	struct vss_cbt_token token;
};

struct vss_set_result {
	uuid_t set_id;
	u32 consistency;
	u64 window_ns;
	unsigned int nr;
	struct vss_snapshot *snaps[VSS_MAX_VOLUMES];
	struct vss_set_entry entries[VSS_MAX_VOLUMES];
};

int vss_snapset_create(const struct vss_set_request *req,
		       struct vss_set_result *res, struct netlink_ext_ack *extack);

/*
 * The system-wide creation slot: one set is created at a time. A session
 * holds it from PrepareForSnapshot to PostSnapshot, around its
 * vss_snapset_create(); the slot is a mutex, so it is taken and put by the
 * same task. vss_snapset_slot_wait is woken whenever it is put.
 */
extern wait_queue_head_t vss_snapset_slot_wait;
bool vss_snapset_slot_tryget(void);
void vss_snapset_slot_put(void);
bool vss_snapset_slot_busy(void);

#endif /* VSS_ENGINE_H */
