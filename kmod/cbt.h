/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed-block tracking (Documentation/cbt.md is the contract,
 * design.md "Changed-block tracking" the data path and locking).
 *
 * Per origin, a map of 16-bit epochs, one per tracking block, in sparse
 * pages. A write marks every block it touches with the epoch in force,
 * after the tracker's hold check (so a write held by a set's switch gets
 * the new epoch). Each snapshot is a *point*: its epoch e(S), and the
 * copies of map pages that writes after it changed while it was the
 * newest point, so that the map as it was at S's switch can be read back.
 */
#ifndef VSS_CBT_H
#define VSS_CBT_H

#include <linux/blkdev.h>
#include <linux/uuid.h>

struct vss_origin;
struct vss_snapshot;
struct vss_cbt;

/* What a snapshot's token says (enum vss_a_token). */
struct vss_cbt_token {
	uuid_t generation;
	u64 epoch;
	u64 capacity;
	u32 logical_block;
	u32 block_bytes;
	uuid_t origin_uuid;
};

/*
 * A query of changes(S0 -> S1), as an iterator over runs of changed blocks.
 * Holds no lock between calls: each page of S1's map view is copied under
 * the tracker's lock, after checking that S1's generation still holds.
 */
struct vss_cbt_iter {
	struct vss_origin *origin;	/* pinned by the caller */
	struct vss_cbt_token s1;
	u64 since;			/* e(S0) */
	u64 next;			/* next block to look at */
	long page;			/* index of buf's page, -1: none */
	bool present;			/* buf holds a page of the view */
	u16 *buf;
};

/* Testing only: the epoch at which the next switch wraps (debugfs). */
extern u32 vss_cbt_epoch_limit;

int vss_cbt_init(void);
void vss_cbt_exit(void);

int vss_cbt_create(struct vss_origin *o, u32 block_bytes);
void vss_cbt_destroy(struct vss_origin *o);

/* Marking: see tracker.c for where these are called. */
bool vss_cbt_mark_atomic(struct vss_origin *o, sector_t rel, sector_t nr);
void vss_cbt_mark(struct vss_origin *o, sector_t rel, sector_t nr);

/* Snapshots: alloc (before the window), link (in it), delete, free. */
int vss_cbt_snapshot_prepare(struct vss_snapshot *s);
void vss_cbt_snapshot_link(struct vss_snapshot *s);
void vss_cbt_snapshot_delete(struct vss_snapshot *s);
void vss_cbt_snapshot_free(struct vss_snapshot *s);

/* Queries and control (nl_cbt.c). */
u32 vss_cbt_check(struct vss_snapshot *s1, const struct vss_cbt_token *since,
		  const char **msg);
const char *vss_cbt_check_msg(u32 reason);
int vss_cbt_iter_init(struct vss_cbt_iter *it, struct vss_snapshot *s1,
		      u64 since, u64 start_byte);
void vss_cbt_iter_release(struct vss_cbt_iter *it);
int vss_cbt_iter_next(struct vss_cbt_iter *it, u64 *first, u64 *count,
		      u32 *reason);
void vss_cbt_extent_bytes(const struct vss_cbt_token *t, u64 first, u64 count,
			  u64 *off, u64 *len);
void vss_cbt_reset(struct vss_origin *o, u32 reason);

struct vss_cbt_info {
	uuid_t generation;
	u64 epoch;
	u32 block_bytes;
	u64 capacity;
	u64 blocks_marked;
	u64 map_bytes;
	u32 reason;
	u32 seal;			/* 0: none */
};

void vss_cbt_info(struct vss_origin *o, struct vss_cbt_info *info);
u32 vss_cbt_block_bytes(struct vss_origin *o);

/* Persistence (TRACKER_EXPORT, TRACKER_IMPORT), under vss_lock but chunk_get. */
u32 vss_cbt_nr_chunks(struct vss_origin *o);
int vss_cbt_seal(struct vss_origin *o, struct vss_cbt_token *state, u32 *seal);
u32 vss_cbt_chunk_get(struct vss_origin *o, u32 ci, u16 *buf);
int vss_cbt_import_stage(struct vss_origin *o, const struct vss_cbt_token *st,
			 u32 step, u32 portid, const char **msg);
int vss_cbt_import_chunk(struct vss_origin *o, u32 ci, const u16 *marks,
			 const char **msg);
int vss_cbt_import_commit(struct vss_origin *o, uuid_t *old, const char **msg);
void vss_cbt_import_abort(struct vss_origin *o);

/* nl_cbt.c */
void vss_notify_tracker(struct vss_origin *o, const uuid_t *gen,
			const uuid_t *old_gen, u64 epoch, u32 reason);

#endif /* VSS_CBT_H */
