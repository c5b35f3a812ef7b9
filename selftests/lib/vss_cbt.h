/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changed-block tracking requests for the selftests (Documentation/cbt.md):
 * snapshot tokens, CHANGES_GET (dump and do), TRACKER_GET, TRACKER_RESET.
 */
#ifndef VSS_SELFTEST_CBT_H
#define VSS_SELFTEST_CBT_H

#include <stdint.h>

#include "vss_nl.h"

struct vss_token {
	uint8_t generation[16];
	uint64_t epoch;
	uint64_t capacity;
	uint32_t logical_block;
	uint32_t block_bytes;
	uint8_t origin_uuid[16];
};

struct vss_extent {
	uint64_t off;
	uint64_t len;
};

struct vss_tracker_info {
	uint8_t generation[16];
	uint64_t epoch;
	uint32_t block_bytes;
	uint64_t capacity;
	uint64_t blocks_marked;
	uint64_t map_bytes;
	uint32_t reason;
};

/* STORAGE_ADD (memory) with a tracking block size (0: the default). */
int vss_storage_add_tracked(struct vss_nl *nl, const char *origin,
			    uint64_t max_bytes, uint32_t chunk_bytes,
			    uint32_t track_block_bytes);
/* The token SNAPSHOT_GET reports for snapshot @id. */
int vss_snapshot_token(struct vss_nl *nl, const uint8_t id[16], struct vss_token *t);
/*
 * CHANGES_GET as a dump: the extents into a malloc'd *ext (free it), their
 * number into *nr; -errno (nl->ext_msg, nl->ext_kind/value) on refusal.
 */
int vss_changes(struct vss_nl *nl, const uint8_t id[16], const struct vss_token *since,
		uint64_t start, struct vss_extent **ext, unsigned int *nr);
/* CHANGES_GET as a do: the totals. */
int vss_changes_sum(struct vss_nl *nl, const uint8_t id[16],
		    const struct vss_token *since, uint64_t start,
		    uint64_t *bytes, uint64_t *count);
int vss_tracker_get(struct vss_nl *nl, const char *origin, struct vss_tracker_info *ti);
int vss_tracker_reset(struct vss_nl *nl, const char *origin);

#endif /* VSS_SELFTEST_CBT_H */
