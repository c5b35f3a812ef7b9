/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diff-storage requests beyond vss_ops.h: file storage, thresholds,
 * resizing, the full STORAGE_GET reply, and per-snapshot storage use.
 */
#ifndef VSS_SELFTEST_STORAGE_H
#define VSS_SELFTEST_STORAGE_H

#include <stdint.h>

#include "vss_nl.h"

struct vss_storage_info {
	uint32_t kind;
	uint64_t max_bytes;
	uint64_t used_bytes;
	uint64_t file_bytes;
	uint32_t chunk_bytes;
	unsigned int nr_thresholds;
	uint32_t thresholds[8];
	char path[256];
};

/*
 * STORAGE_ADD of any kind; dir may be NULL, thresholds may be NULL with
 * nr_thr 0 (the module's default).
 */
int vss_storage_add_ex(struct vss_nl *nl, const char *origin, uint32_t kind,
		       const char *dir, uint64_t max_bytes, uint32_t chunk_bytes,
		       const uint32_t *thresholds, unsigned int nr_thr);
/* STORAGE_SET: max_bytes 0 leaves it; nr_thr 0 leaves the thresholds. */
int vss_storage_set(struct vss_nl *nl, const char *origin, uint64_t max_bytes,
		    const uint32_t *thresholds, unsigned int nr_thr);
int vss_storage_get(struct vss_nl *nl, const char *origin,
		    struct vss_storage_info *info);
/* STORAGE_USED_BYTES of one snapshot, or -errno. */
int64_t vss_snapshot_storage_used(struct vss_nl *nl, const uint8_t id[16]);

#endif /* VSS_SELFTEST_STORAGE_H */
