// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for libvss with canned answers, linked with vssctl's objects so
 * that the output of a loaded module and of each failure is tested on a host
 * where the module never is. It implements only the public API, so it also
 * proves vssctl uses nothing else. FAKE_LIBVSS picks the behaviour:
 * "loaded" (default), "absent", "eperm", "features-error", "empty" (no
 * storage, no snapshots, no freezes), "op-error" (every storage, snapshot
 * and filesystem call fails with EBUSY; so do the writer and session
 * lists), "fs-early" and "fs-other" (a freeze ends, or is another owner's,
 * at FS_GET's second look); FAKE_MASK the feature mask (default 1). With
 * FAKE_LOG set, each call appends a line with its arguments to that file,
 * so the tests see what vssctl asked for. FAKE_CBT=1: a module with
 * changed-block tracking (tokens, trackers, a tracking block size);
 * FAKE_CHANGES: "stale" (ESTALE, reason reset), "enoent", "broken" (the
 * answer fails after its first extent, -EBADMSG), else three extents.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libvss.h>

struct libvss_ctx {
	const char *ext_error;
};

struct libvss_features {
	uint64_t mask;
};

static const char *open_error;

static bool mode(const char *m)
{
	const char *env = getenv("FAKE_LIBVSS");

	return !strcmp(env ? env : "loaded", m);
}

const char *libvss_version(void)
{
	return "9.8.7";
}

int libvss_open(struct libvss_ctx **ctxp)
{
	*ctxp = NULL;
	if (mode("absent")) {
		open_error = "fake: family absent";
		return -ENOENT;
	}
	if (mode("eperm")) {
		open_error = "fake: no socket for you";
		return -EPERM;
	}
	*ctxp = calloc(1, sizeof(**ctxp));
	return *ctxp ? 0 : -ENOMEM;
}

void libvss_close(struct libvss_ctx *ctx)
{
	free(ctx);
}

const char *libvss_ext_error(const struct libvss_ctx *ctx)
{
	return ctx ? ctx->ext_error : open_error;
}

int libvss_get_features(struct libvss_ctx *ctx, uint64_t required,
			struct libvss_features **featp)
{
	const char *mask = getenv("FAKE_MASK");

	(void)required;
	*featp = NULL;
	if (mode("features-error")) {
		ctx->ext_error = "fake: the kernel said no";
		return -EOPNOTSUPP;
	}
	*featp = calloc(1, sizeof(**featp));
	if (!*featp)
		return -ENOMEM;
	(*featp)->mask = mask ? strtoull(mask, NULL, 0) : 1;
	return 0;
}

void libvss_features_free(struct libvss_features *f)
{
	free(f);
}

const char *libvss_features_module_version(const struct libvss_features *f)
{
	(void)f;
	return "0.1.0";
}

uint32_t libvss_features_protocol_version(const struct libvss_features *f)
{
	(void)f;
	return 1;
}

uint64_t libvss_features_mask(const struct libvss_features *f)
{
	return f->mask;
}

const char *libvss_feature_name(uint64_t bit)
{
	return bit == VSS_FEATURE_FREEZE_HOLDER ? "freeze-holder" :
	       bit == VSS_FEATURE_FILE_STORAGE ? "file-storage" : NULL;
}

/* ---- storage and snapshots: canned tables, and a log of the calls ---- */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct libvss_storage {
	const char *origin;
	uint32_t kind;
	uint64_t max_bytes, used_bytes;
	uint32_t chunk_bytes;
	const uint32_t *pct;
	unsigned int nr;
	const char *path;
	uint64_t file_bytes;
};

struct libvss_storage_opts {
	uint32_t track;			/* 0: not set */
	uint32_t kind;
	char *path;
	uint64_t max_bytes;
	uint32_t chunk_bytes;
	uint32_t pct[100];
	unsigned int nr;
};

struct libvss_storage_list {
	unsigned int n;
};

struct libvss_snapshot {
	uint8_t id[LIBVSS_ID_SIZE], set_id[LIBVSS_ID_SIZE];
	uint32_t flags;
	const char *origin, *device;
	uint64_t creation_time_ns;
	uint32_t state, invalid_reason, consistency;
	uint64_t freeze_window_ns;
	uint64_t storage_used_bytes;
};

struct libvss_snapshot_list {
	unsigned int n;
};

struct libvss_snapset {
	uint8_t id[LIBVSS_ID_SIZE];
	uint32_t consistency;
	uint64_t freeze_window_ns;
	unsigned int n;
	struct {
		uint8_t id[LIBVSS_ID_SIZE];
		char origin[16], device[16];
	} e[64];
};

static const uint32_t default_pct[] = { 80, 95 };
static const uint32_t sdb_pct[] = { 50, 75, 90, 100 };
static const uint32_t vdz_pct[] = { 99 };

/* dm-0 is as a module before file storage reports it: no thresholds. */
static const struct libvss_storage storages[] = {
	{ "vda1", VSS_STORAGE_MEMORY, 1ULL << 30, 3 * 65536, 65536,
	  default_pct, 2, NULL, 0 },
	{ "dm-0", VSS_STORAGE_MEMORY, 1500000000, 0, 4096, NULL, 0, NULL, 0 },
	{ "sdb", VSS_STORAGE_FILE, 24ULL << 20, 12ULL << 20, 65536,
	  sdb_pct, 4, "/mnt/vss store", 12ULL << 20 },
	{ "vdz", 7, 5ULL << 40, 1, 1048576, vdz_pct, 1, NULL, 0 },
};

#define SET_A	{ 0xaa, 0xaa, 0xaa, 0xaa, 0, 1, 0x40, 2, 0x80, 3, 4, 5, 6, 7, 8, 9 }
#define SET_B	{ 0xbb, 0xbb, 0xbb, 0xbb, 0, 1, 0x40, 2, 0x80, 3, 4, 5, 6, 7, 8, 9 }

static const struct libvss_snapshot snapshots[] = {
	{ { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x46, 0x77,
	    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0 }, SET_A,
	  VSS_SNAPSHOT_F_PERSISTENT, "vda1", "vss-snap0", 1714566896123456789ULL,
	  VSS_SNAPSHOT_ACTIVE, VSS_INVALID_NONE, VSS_CONSISTENCY_FROZEN, 1234567,
	  3 * 65536 },
	{ { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x46, 0x77,
	    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf1 }, SET_A,
	  VSS_SNAPSHOT_F_PERSISTENT, "dm-0", "vss-snap1", 1714566896123456789ULL,
	  VSS_SNAPSHOT_ACTIVE, VSS_INVALID_NONE, VSS_CONSISTENCY_FROZEN, 1234567,
	  0 },
	{ { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x46, 0x77,
	    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf2 }, SET_B,
	  0, "vda1", "vss-snap2", 1714570496000000000ULL,
	  VSS_SNAPSHOT_INVALID, VSS_INVALID_OVERFLOW, VSS_CONSISTENCY_CRASH, 0,
	  1500000000 },
	{ { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x46, 0x77,
	    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf3 }, SET_B,
	  VSS_SNAPSHOT_F_PERSISTENT, "sdb", "vss-snap3", 1714570496000000000ULL,
	  VSS_SNAPSHOT_INVALID, VSS_INVALID_ORIGIN_GONE, VSS_CONSISTENCY_CRASH, 0,
	  12ULL << 20 },
};

__attribute__((format(printf, 1, 2)))
static void fake_log(const char *fmt, ...)
{
	const char *path = getenv("FAKE_LOG");
	va_list ap;
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* The mode "op-error": every storage and snapshot call fails. */
static int op_error(struct libvss_ctx *ctx)
{
	if (!mode("op-error"))
		return 0;
	ctx->ext_error = "fake: busy";
	return -EBUSY;
}

static int fail(struct libvss_ctx *ctx, int err, const char *msg)
{
	ctx->ext_error = msg;
	return err;
}

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *libvss_id_to_string(const uint8_t id[LIBVSS_ID_SIZE],
			  char buf[LIBVSS_ID_STRING_SIZE])
{
	snprintf(buf, LIBVSS_ID_STRING_SIZE,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8],
		 id[9], id[10], id[11], id[12], id[13], id[14], id[15]);
	return buf;
}

int libvss_id_parse(const char *s, uint8_t id[LIBVSS_ID_SIZE])
{
	unsigned int b[LIBVSS_ID_SIZE];
	int n = 0, i;

	if (strlen(s) != LIBVSS_ID_STRING_SIZE - 1 ||
	    sscanf(s, "%2x%2x%2x%2x-%2x%2x-%2x%2x-%2x%2x-%2x%2x%2x%2x%2x%2x%n",
		   &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &b[8],
		   &b[9], &b[10], &b[11], &b[12], &b[13], &b[14], &b[15], &n) != 16 ||
	    n != LIBVSS_ID_STRING_SIZE - 1)
		return -EINVAL;
	for (i = 0; i < LIBVSS_ID_SIZE; i++)
		id[i] = (uint8_t)b[i];
	return 0;
}

int libvss_storage_add(struct libvss_ctx *ctx, const char *origin,
		       uint64_t max_bytes, uint32_t chunk_bytes)
{
	fake_log("storage_add %s max=%" PRIu64 " chunk=%u", origin, max_bytes,
		 chunk_bytes);
	if (!strcmp(base(origin), "vda1"))
		return fail(ctx, -EEXIST, "fake: origin already has diff storage");
	return op_error(ctx);
}

int libvss_storage_opts_new(struct libvss_storage_opts **optsp)
{
	*optsp = calloc(1, sizeof(**optsp));
	if (!*optsp)
		return -ENOMEM;
	(*optsp)->kind = VSS_STORAGE_MEMORY;
	return 0;
}

void libvss_storage_opts_free(struct libvss_storage_opts *opts)
{
	if (opts)
		free(opts->path);
	free(opts);
}

void libvss_storage_opts_set_kind(struct libvss_storage_opts *opts,
				  uint32_t kind)
{
	opts->kind = kind;
}

int libvss_storage_opts_set_path(struct libvss_storage_opts *opts,
				 const char *dir)
{
	char *copy = NULL;

	if (dir && strlen(dir) >= 4096)
		return -ENAMETOOLONG;
	if (dir && !(copy = strdup(dir)))
		return -ENOMEM;
	free(opts->path);
	opts->path = copy;
	return 0;
}

void libvss_storage_opts_set_max_bytes(struct libvss_storage_opts *opts,
				       uint64_t max_bytes)
{
	opts->max_bytes = max_bytes;
}

void libvss_storage_opts_set_chunk_bytes(struct libvss_storage_opts *opts,
					 uint32_t chunk_bytes)
{
	opts->chunk_bytes = chunk_bytes;
}

int libvss_storage_opts_set_thresholds(struct libvss_storage_opts *opts,
				       const uint32_t *pct, unsigned int nr)
{
	if (nr && !pct)
		return -EINVAL;
	if (nr > ARRAY_SIZE(opts->pct))
		return -E2BIG;
	if (nr)
		memcpy(opts->pct, pct, nr * sizeof(*pct));
	opts->nr = nr;
	return 0;
}

/* " thresholds=a,b,c" for the log, or "" with none. */
static const char *pct_str(const uint32_t *pct, unsigned int nr, char *buf,
			   size_t len)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < nr && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u",
					i ? "," : " thresholds=", pct[i]);
	return buf;
}

/* The add of the canned origin vda1 fails as the module would: EEXIST. */
int libvss_storage_add_opts(struct libvss_ctx *ctx, const char *origin,
			    const struct libvss_storage_opts *opts)
{
	char kind[64] = "", pct[512];

	if (opts->kind != VSS_STORAGE_MEMORY)
		snprintf(kind, sizeof(kind), " kind=%u", opts->kind);
	if (opts->track)
		snprintf(kind + strlen(kind), sizeof(kind) - strlen(kind),
			 " track=%u", opts->track);
	fake_log("storage_add %s max=%" PRIu64 " chunk=%u%s%s%s%s", origin,
		 opts->max_bytes, opts->chunk_bytes, kind,
		 opts->path ? " path=" : "", opts->path ? opts->path : "",
		 pct_str(opts->pct, opts->nr, pct, sizeof(pct)));
	if (!strcmp(base(origin), "vda1"))
		return fail(ctx, -EEXIST, "fake: origin already has diff storage");
	if (opts->path && !strncmp(opts->path, "/srv", 4))
		return fail(ctx, -EXDEV, "fake: the storage file would be on origin vda1");
	return op_error(ctx);
}

/* Resizing vda1 below its use fails as the module would: EBUSY. */
int libvss_storage_set(struct libvss_ctx *ctx, const char *origin,
		       uint64_t max_bytes, const uint32_t *pct, unsigned int nr)
{
	char buf[512];
	size_t i;

	fake_log("storage_set %s max=%" PRIu64 "%s", origin, max_bytes,
		 pct_str(pct, nr, buf, sizeof(buf)));
	if (op_error(ctx))
		return op_error(ctx);
	for (i = 0; i < ARRAY_SIZE(storages); i++) {
		if (strcmp(base(origin), storages[i].origin))
			continue;
		if (max_bytes && max_bytes < storages[i].used_bytes)
			return fail(ctx, -EBUSY, "fake: max-bytes below the bytes in use");
		return 0;
	}
	return fail(ctx, -ENOENT, "fake: origin has no diff storage");
}

int libvss_storage_remove(struct libvss_ctx *ctx, const char *origin)
{
	fake_log("storage_remove %s", origin);
	return op_error(ctx);
}

int libvss_storage_get(struct libvss_ctx *ctx, const char *origin,
		       struct libvss_storage **storagep)
{
	size_t i;

	fake_log("storage_get %s", origin);
	*storagep = NULL;
	if (op_error(ctx))
		return op_error(ctx);
	for (i = 0; i < ARRAY_SIZE(storages) && !mode("empty"); i++) {
		if (strcmp(base(origin), storages[i].origin))
			continue;
		*storagep = malloc(sizeof(**storagep));
		if (!*storagep)
			return -ENOMEM;
		**storagep = storages[i];
		return 0;
	}
	return fail(ctx, -ENOENT, "fake: origin has no diff storage");
}

void libvss_storage_free(struct libvss_storage *storage)
{
	free(storage);
}

int libvss_storage_list(struct libvss_ctx *ctx,
			struct libvss_storage_list **listp)
{
	fake_log("storage_list");
	*listp = NULL;
	if (op_error(ctx))
		return op_error(ctx);
	*listp = malloc(sizeof(**listp));
	if (!*listp)
		return -ENOMEM;
	(*listp)->n = mode("empty") ? 0 : ARRAY_SIZE(storages);
	return 0;
}

void libvss_storage_list_free(struct libvss_storage_list *list)
{
	free(list);
}

unsigned int libvss_storage_list_count(const struct libvss_storage_list *list)
{
	return list->n;
}

const struct libvss_storage *
libvss_storage_list_entry(const struct libvss_storage_list *list,
			  unsigned int i)
{
	return i < list->n ? &storages[i] : NULL;
}

const char *libvss_storage_origin(const struct libvss_storage *storage)
{
	return storage->origin;
}

uint32_t libvss_storage_kind(const struct libvss_storage *storage)
{
	return storage->kind;
}

uint64_t libvss_storage_max_bytes(const struct libvss_storage *storage)
{
	return storage->max_bytes;
}

uint64_t libvss_storage_used_bytes(const struct libvss_storage *storage)
{
	return storage->used_bytes;
}

uint32_t libvss_storage_chunk_bytes(const struct libvss_storage *storage)
{
	return storage->chunk_bytes;
}

const char *libvss_storage_path(const struct libvss_storage *storage)
{
	return storage->path;
}

uint64_t libvss_storage_file_bytes(const struct libvss_storage *storage)
{
	return storage->file_bytes;
}

unsigned int libvss_storage_thresholds(const struct libvss_storage *storage,
				       const uint32_t **pct)
{
	if (pct)
		*pct = storage->pct;
	return storage->nr;
}

const char *libvss_storage_kind_name(uint32_t kind)
{
	return kind == VSS_STORAGE_MEMORY ? "memory" :
	       kind == VSS_STORAGE_FILE ? "file" :
	       kind == VSS_STORAGE_NONE ? "none" : NULL;
}

/* A set of one snapshot per volume: vd<a, b, ...>1 on vss-snap<3, 4, ...>. */
int libvss_snapshot_create(struct libvss_ctx *ctx, const char *const *volumes,
			   unsigned int n, uint32_t flags,
			   struct libvss_snapset **setp)
{
	static const uint8_t set_id[LIBVSS_ID_SIZE] = SET_B;
	struct libvss_snapset *set;
	bool crash = false;
	unsigned int i;

	*setp = NULL;
	for (i = 0; i < n; i++) {
		fake_log("snapshot_create flags=%u volume=%s", flags, volumes[i]);
		crash |= !strncmp(volumes[i], "/dev/", 5);
	}
	if (op_error(ctx))
		return op_error(ctx);
	if (n > 64)
		return fail(ctx, -E2BIG, "fake: more than 64 volumes in one set");
	set = calloc(1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	memcpy(set->id, set_id, sizeof(set->id));
	set->consistency = crash ? VSS_CONSISTENCY_CRASH : VSS_CONSISTENCY_FROZEN;
	set->freeze_window_ns = crash ? 0 : 2500000;
	set->n = n;
	for (i = 0; i < n; i++) {
		memset(set->e[i].id, 0x10 * (i + 1), LIBVSS_ID_SIZE);
		snprintf(set->e[i].origin, sizeof(set->e[i].origin), "vd%c1",
			 'a' + i % 26);
		snprintf(set->e[i].device, sizeof(set->e[i].device), "vss-snap%u",
			 3 + i);
	}
	*setp = set;
	return 0;
}

void libvss_snapset_free(struct libvss_snapset *set)
{
	free(set);
}

const uint8_t *libvss_snapset_id(const struct libvss_snapset *set)
{
	return set->id;
}

uint32_t libvss_snapset_consistency(const struct libvss_snapset *set)
{
	return set->consistency;
}

uint64_t libvss_snapset_freeze_window_ns(const struct libvss_snapset *set)
{
	return set->freeze_window_ns;
}

unsigned int libvss_snapset_count(const struct libvss_snapset *set)
{
	return set->n;
}

const uint8_t *libvss_snapset_entry_id(const struct libvss_snapset *set,
				       unsigned int i)
{
	return i < set->n ? set->e[i].id : NULL;
}

const char *libvss_snapset_entry_origin(const struct libvss_snapset *set,
					unsigned int i)
{
	return i < set->n ? set->e[i].origin : NULL;
}

const char *libvss_snapset_entry_device(const struct libvss_snapset *set,
					unsigned int i)
{
	return i < set->n ? set->e[i].device : NULL;
}

int libvss_snapshot_get(struct libvss_ctx *ctx,
			const uint8_t id[LIBVSS_ID_SIZE],
			struct libvss_snapshot **snapp)
{
	char buf[LIBVSS_ID_STRING_SIZE];
	size_t i;

	fake_log("snapshot_get %s", libvss_id_to_string(id, buf));
	*snapp = NULL;
	if (op_error(ctx))
		return op_error(ctx);
	for (i = 0; i < ARRAY_SIZE(snapshots) && !mode("empty"); i++) {
		if (memcmp(id, snapshots[i].id, LIBVSS_ID_SIZE))
			continue;
		*snapp = malloc(sizeof(**snapp));
		if (!*snapp)
			return -ENOMEM;
		**snapp = snapshots[i];
		return 0;
	}
	return fail(ctx, -ENOENT, "fake: no snapshot with this id");
}

void libvss_snapshot_free(struct libvss_snapshot *snap)
{
	free(snap);
}

int libvss_snapshot_list(struct libvss_ctx *ctx,
			 struct libvss_snapshot_list **listp)
{
	fake_log("snapshot_list");
	*listp = NULL;
	if (op_error(ctx))
		return op_error(ctx);
	*listp = malloc(sizeof(**listp));
	if (!*listp)
		return -ENOMEM;
	(*listp)->n = mode("empty") ? 0 : ARRAY_SIZE(snapshots);
	return 0;
}

void libvss_snapshot_list_free(struct libvss_snapshot_list *list)
{
	free(list);
}

unsigned int libvss_snapshot_list_count(const struct libvss_snapshot_list *list)
{
	return list->n;
}

const struct libvss_snapshot *
libvss_snapshot_list_entry(const struct libvss_snapshot_list *list,
			   unsigned int i)
{
	return i < list->n ? &snapshots[i] : NULL;
}

const uint8_t *libvss_snapshot_id(const struct libvss_snapshot *snap)
{
	return snap->id;
}

const uint8_t *libvss_snapshot_set_id(const struct libvss_snapshot *snap)
{
	return snap->set_id;
}

uint32_t libvss_snapshot_flags(const struct libvss_snapshot *snap)
{
	return snap->flags;
}

const char *libvss_snapshot_origin(const struct libvss_snapshot *snap)
{
	return snap->origin;
}

const char *libvss_snapshot_device(const struct libvss_snapshot *snap)
{
	return snap->device;
}

uint64_t libvss_snapshot_creation_time_ns(const struct libvss_snapshot *snap)
{
	return snap->creation_time_ns;
}

uint32_t libvss_snapshot_state(const struct libvss_snapshot *snap)
{
	return snap->state;
}

uint32_t libvss_snapshot_invalid_reason(const struct libvss_snapshot *snap)
{
	return snap->invalid_reason;
}

uint32_t libvss_snapshot_consistency(const struct libvss_snapshot *snap)
{
	return snap->consistency;
}

uint64_t libvss_snapshot_freeze_window_ns(const struct libvss_snapshot *snap)
{
	return snap->freeze_window_ns;
}

uint64_t libvss_snapshot_storage_used_bytes(const struct libvss_snapshot *snap)
{
	return snap->storage_used_bytes;
}

/* Counts the canned snapshots @match accepts; none is ENOENT, as the module. */
static int delete_matching(struct libvss_ctx *ctx, const uint8_t *id,
			   const uint8_t *set_id, unsigned int *count)
{
	unsigned int n = 0;
	size_t i;

	if (op_error(ctx))
		return op_error(ctx);
	for (i = 0; i < ARRAY_SIZE(snapshots) && !mode("empty"); i++)
		n += (!id || !memcmp(id, snapshots[i].id, LIBVSS_ID_SIZE)) &&
		     (!set_id || !memcmp(set_id, snapshots[i].set_id,
					 LIBVSS_ID_SIZE));
	if (!n)
		return fail(ctx, -ENOENT, "fake: no snapshot matched");
	if (count)
		*count = n;
	return 0;
}

int libvss_snapshot_delete_id(struct libvss_ctx *ctx,
			      const uint8_t id[LIBVSS_ID_SIZE],
			      unsigned int *count)
{
	char buf[LIBVSS_ID_STRING_SIZE];

	fake_log("snapshot_delete id=%s", libvss_id_to_string(id, buf));
	return delete_matching(ctx, id, NULL, count);
}

int libvss_snapshot_delete_set(struct libvss_ctx *ctx,
			       const uint8_t set_id[LIBVSS_ID_SIZE],
			       unsigned int *count)
{
	char buf[LIBVSS_ID_STRING_SIZE];

	fake_log("snapshot_delete set=%s", libvss_id_to_string(set_id, buf));
	return delete_matching(ctx, NULL, set_id, count);
}

int libvss_snapshot_delete_oldest(struct libvss_ctx *ctx, const char *origin,
				  unsigned int *count)
{
	fake_log("snapshot_delete oldest=%s", origin);
	if (op_error(ctx))
		return op_error(ctx);
	if (strcmp(base(origin), "vda1") && strcmp(base(origin), "dm-0"))
		return fail(ctx, -ENOENT, "fake: no snapshot matched");
	if (count)
		*count = 1;
	return 0;
}

int libvss_snapshot_delete_all(struct libvss_ctx *ctx, unsigned int *count)
{
	fake_log("snapshot_delete all");
	return delete_matching(ctx, NULL, NULL, count);
}

const char *libvss_snapshot_state_name(uint32_t state)
{
	return state == VSS_SNAPSHOT_ACTIVE ? "active" :
	       state == VSS_SNAPSHOT_INVALID ? "invalid" : NULL;
}

const char *libvss_invalid_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		"none", "overflow", "storage-error", "origin-gone", "origin-error",
	};

	return reason < ARRAY_SIZE(names) ? names[reason] : NULL;
}

const char *libvss_consistency_name(uint32_t consistency)
{
	return consistency == VSS_CONSISTENCY_FROZEN ? "frozen" :
	       consistency == VSS_CONSISTENCY_CRASH ? "crash" : NULL;
}

/* ---- writers and sessions ---- */

struct libvss_writer_info {
	uint32_t id;
	uint8_t class_id[LIBVSS_ID_SIZE], instance_id[LIBVSS_ID_SIZE];
	const char *name, *instance_name;
	uint32_t level, state, failure, error;
	const char *message;
	uint32_t session_id, freeze_timeout_ms, portid;
	int selected;
};

struct libvss_writer_list {
	unsigned int n;
};

struct libvss_session {
	uint32_t id, owner, type, state, op, error, status;
	int has_set;
	uint8_t set_id[LIBVSS_ID_SIZE];
	unsigned int nr_writers;
	const struct libvss_writer_info *writers;
	uint32_t backup_type;
};

struct libvss_session_list {
	unsigned int n;
};

#define CLASS_PG	{ 0xc1, 0xa5, 0x50, 0x00, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1 }
#define INST_1		{ 0x1e, 0x57, 0x00, 0x01, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 2 }

static const struct libvss_writer_info writers[] = {
	{ 3, CLASS_PG, INST_1, "PostgreSQL Writer", "main",
	  VSS_WRITER_LEVEL_BACK_END, VSS_WRITER_STATE_STABLE,
	  VSS_WRITER_FAILURE_NONE, 0, "", 12, 60000, 4242, 0 },
	{ 5, CLASS_PG, INST_1, "app", "", VSS_WRITER_LEVEL_FRONT_END,
	  VSS_WRITER_STATE_FAILED_AT_FREEZE, VSS_WRITER_FAILURE_RETRYABLE, 5,
	  "disk busy", 12, 1000, 4243, 0 },
};

/* The same writers as a session sees them: selected or not. */
static const struct libvss_writer_info session_writers[] = {
	{ 3, CLASS_PG, INST_1, "PostgreSQL Writer", "main",
	  VSS_WRITER_LEVEL_BACK_END, VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE,
	  VSS_WRITER_FAILURE_NONE, 0, "", 0, 0, 0, 1 },
	{ 5, CLASS_PG, INST_1, "app", "", VSS_WRITER_LEVEL_FRONT_END,
	  VSS_WRITER_STATE_FAILED_AT_FREEZE, VSS_WRITER_FAILURE_RETRYABLE, 5,
	  "disk busy", 0, 0, 0, 0 },
};

/* Owners above pid_max, below autobind's port ids: never a live socket's. */
static const struct libvss_session sessions[] = {
	{ 12, 4200000, VSS_SESSION_BACKUP, VSS_SESSION_STATE_SNAPSHOT_DONE, 0, 0, 0,
	  1, SET_A, 2, session_writers, VSS_BACKUP_TYPE_FULL },
	{ 13, 4200001, VSS_SESSION_RESTORE, VSS_SESSION_STATE_METADATA_GATHERED,
	  VSS_SESSION_OP_PRE_RESTORE, 0, 0, 0, { 0 }, 0, NULL, 0 },
};

int libvss_writer_list(struct libvss_ctx *ctx, struct libvss_writer_list **lp)
{
	int err = op_error(ctx);

	fake_log("writer_list");
	*lp = NULL;
	if (err)
		return err;
	*lp = calloc(1, sizeof(**lp));
	if (!*lp)
		return -ENOMEM;
	(*lp)->n = mode("empty") ? 0 : ARRAY_SIZE(writers);
	return 0;
}

void libvss_writer_list_free(struct libvss_writer_list *l)
{
	free(l);
}

unsigned int libvss_writer_list_count(const struct libvss_writer_list *l)
{
	return l->n;
}

const struct libvss_writer_info *
libvss_writer_list_entry(const struct libvss_writer_list *l, unsigned int i)
{
	return i < l->n ? &writers[i] : NULL;
}

#define WI(type, field)							\
type libvss_writer_info_##field(const struct libvss_writer_info *wi)	\
{									\
	return wi->field;						\
}
WI(uint32_t, id)
WI(const uint8_t *, class_id)
WI(const uint8_t *, instance_id)
WI(const char *, name)
WI(const char *, instance_name)
WI(uint32_t, level)
WI(uint32_t, state)
WI(uint32_t, failure)
WI(uint32_t, error)
WI(const char *, message)
WI(uint32_t, session_id)
WI(uint32_t, freeze_timeout_ms)
WI(uint32_t, portid)
WI(int, selected)

int libvss_session_list(struct libvss_ctx *ctx, struct libvss_session_list **lp)
{
	int err = op_error(ctx);

	fake_log("session_list");
	*lp = NULL;
	if (err)
		return err;
	*lp = calloc(1, sizeof(**lp));
	if (!*lp)
		return -ENOMEM;
	(*lp)->n = mode("empty") ? 0 : ARRAY_SIZE(sessions);
	return 0;
}

void libvss_session_list_free(struct libvss_session_list *l)
{
	free(l);
}

unsigned int libvss_session_list_count(const struct libvss_session_list *l)
{
	return l->n;
}

const struct libvss_session *
libvss_session_list_entry(const struct libvss_session_list *l, unsigned int i)
{
	return i < l->n ? &sessions[i] : NULL;
}

int libvss_session_get(struct libvss_ctx *ctx, uint32_t id,
		       struct libvss_session **sp)
{
	unsigned int i;

	fake_log("session_get %u", id);
	*sp = NULL;
	for (i = 0; i < ARRAY_SIZE(sessions); i++) {
		if (sessions[i].id != id)
			continue;
		*sp = malloc(sizeof(**sp));
		if (!*sp)
			return -ENOMEM;
		**sp = sessions[i];
		return 0;
	}
	return fail(ctx, -ENOENT, "fake: no session with this id");
}

void libvss_session_free(struct libvss_session *s)
{
	free(s);
}

#define SG(field)							\
uint32_t libvss_session_##field(const struct libvss_session *s)		\
{									\
	return s->field;						\
}
SG(id)
SG(owner)
SG(type)
SG(state)
SG(op)
SG(error)
SG(status)
SG(backup_type)

const uint8_t *libvss_session_set_id(const struct libvss_session *s)
{
	return s->has_set ? s->set_id : NULL;
}

unsigned int libvss_session_writer_count(const struct libvss_session *s)
{
	return s->nr_writers;
}

const struct libvss_writer_info *
libvss_session_writer(const struct libvss_session *s, unsigned int i)
{
	return i < s->nr_writers ? &s->writers[i] : NULL;
}

/* Names: only those the canned data uses, as the real library spells them. */
const char *libvss_writer_state_name(uint32_t v)
{
	return v == VSS_WRITER_STATE_STABLE ? "stable" :
	       v == VSS_WRITER_STATE_FAILED_AT_FREEZE ? "failed-at-freeze" :
	       v == VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE ?
	       "waiting-for-backup-complete" : NULL;
}

const char *libvss_writer_failure_name(uint32_t v)
{
	return v == VSS_WRITER_FAILURE_NONE ? "none" :
	       v == VSS_WRITER_FAILURE_RETRYABLE ? "retryable" : NULL;
}

const char *libvss_writer_level_name(uint32_t v)
{
	return v == VSS_WRITER_LEVEL_BACK_END ? "back-end" :
	       v == VSS_WRITER_LEVEL_FRONT_END ? "front-end" : NULL;
}

const char *libvss_session_type_name(uint32_t v)
{
	return v == VSS_SESSION_BACKUP ? "backup" :
	       v == VSS_SESSION_RESTORE ? "restore" : NULL;
}

const char *libvss_session_state_name(uint32_t v)
{
	return v == VSS_SESSION_STATE_SNAPSHOT_DONE ? "snapshot-done" :
	       v == VSS_SESSION_STATE_METADATA_GATHERED ? "metadata-gathered" :
	       v == VSS_SESSION_STATE_FAILED ? "failed" :
	       v == VSS_SESSION_STATE_ABORTED ? "aborted" : NULL;
}

const char *libvss_session_op_name(uint32_t v)
{
	return v == VSS_SESSION_OP_NONE ? "none" :
	       v == VSS_SESSION_OP_PRE_RESTORE ? "pre-restore" : NULL;
}

const char *libvss_status_name(uint32_t v)
{
	return v == VSS_STATUS_SUCCESS ? "success" :
	       v == VSS_STATUS_WRITER_RETRYABLE ? "writer-retryable" :
	       v == VSS_STATUS_VOLUME_NOT_SUPPORTED ? "volume-not-supported" :
	       v == VSS_STATUS_INSUFFICIENT_STORAGE ? "insufficient-storage" :
	       v == VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS ? "snapshot-set-in-progress" :
	       v == VSS_STATUS_CANCELLED ? "cancelled" : NULL;
}

const char *libvss_backup_type_name(uint32_t v)
{
	static const char *const names[] = {
		"undefined", "full", "incremental", "differential", "log",
		"copy", "other",
	};

	return v < ARRAY_SIZE(names) ? names[v] : NULL;
}

int libvss_ext_status(const struct libvss_ctx *ctx)
{
	(void)ctx;
	return 0;
}

/* ---- the requester ---- */

/*
 * A backup whose operations complete at once, as the module would answer
 * them, with the writers pg (back-end, two components in its metadata)
 * and app (front-end, no metadata); none with FAKE_LIBVSS "empty". The
 * volumes decide DoSnapshotSet: "/veto" fails it as a strict veto of app
 * at Freeze, "/nostorage" as a volume without diff storage; otherwise the
 * set is vd<a, b, ...>1 on vss-snap<3, 4, ...>, as snapshot create's.
 */
struct libvss_async {
	int result, vss_status;
	const char *message;
	int state;
};

struct libvss_backup {
	struct libvss_ctx *ctx;
	unsigned int nr_volumes, nr_writers, nr_selected;
	char *volumes[64];
	struct libvss_writer_info w[2];
	struct libvss_snapset set;
	int have_set;
};

static const char pg_metadata[] =
	"{\"document\":\"vss-writer-metadata\",\"version\":1,"
	"\"writer\":{\"class_id\":\"c1a55000-0000-4000-8000-000000000001\","
	"\"instance_id\":\"1e570001-0000-4000-8000-000000000002\",\"name\":\"PostgreSQL Writer\"},"
	"\"components\":[{\"type\":\"database\",\"name\":\"cluster\",\"logical_path\":\"15/main\"},"
	"{\"type\":\"file-group\",\"name\":\"configuration\"}]}";

static struct libvss_async *async_done(int result, int vss_status,
				       const char *message)
{
	struct libvss_async *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->result = result;
	a->vss_status = vss_status;
	a->message = message;
	a->state = LIBVSS_ASYNC_FINISHED;
	return a;
}

static int async_op(struct libvss_async **ap, int result, int vss_status,
		    const char *message)
{
	*ap = async_done(result, vss_status, message);
	return *ap ? 0 : -ENOMEM;
}

int libvss_async_wait(struct libvss_async *a, int timeout_ms)
{
	(void)a, (void)timeout_ms;
	return 0;
}

int libvss_async_status(const struct libvss_async *a, int *result)
{
	if (result)
		*result = a->result;
	return a->state;
}

int libvss_async_vss_status(const struct libvss_async *a)
{
	return a->vss_status;
}

const char *libvss_async_message(const struct libvss_async *a)
{
	return a->message;
}

int libvss_async_cancel(struct libvss_async *a)
{
	fake_log("async_cancel");
	(void)a;
	return 0;
}

void libvss_async_free(struct libvss_async *a)
{
	free(a);
}

int libvss_backup_new(struct libvss_ctx *ctx, struct libvss_backup **bp)
{
	struct libvss_backup *b;
	unsigned int i;
	int err = op_error(ctx);

	fake_log("backup_new");
	*bp = NULL;
	if (err)
		return err;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->ctx = ctx;
	for (i = 0; i < 2; i++) {
		b->w[i] = writers[i];
		b->w[i].state = VSS_WRITER_STATE_STABLE;
		b->w[i].failure = VSS_WRITER_FAILURE_NONE;
		b->w[i].error = 0;
		b->w[i].message = "";
		b->w[i].selected = 1;
	}
	*bp = b;
	return 0;
}

void libvss_backup_free(struct libvss_backup *b)
{
	if (!b)
		return;
	fake_log("backup_free");
	while (b->nr_volumes)
		free(b->volumes[--b->nr_volumes]);
	free(b);
}

uint32_t libvss_backup_id(const struct libvss_backup *b)
{
	(void)b;
	return 7;
}

int libvss_backup_set_type(struct libvss_backup *b, uint32_t backup_type)
{
	(void)b;
	fake_log("backup_set_type %u", backup_type);
	return 0;
}

int libvss_backup_select_writer(struct libvss_backup *b, uint32_t writer_id)
{
	unsigned int i;

	fake_log("backup_select_writer %u", writer_id);
	if (!b->nr_selected++)
		for (i = 0; i < b->nr_writers; i++)
			b->w[i].selected = 0;
	for (i = 0; i < b->nr_writers; i++)
		if (b->w[i].id == writer_id)
			b->w[i].selected = 1;
	return 0;
}

int libvss_backup_set_document(struct libvss_backup *b, const char *document)
{
	(void)b;
	fake_log("backup_set_document %s", document ? document : "(null)");
	return 0;
}

int libvss_backup_gather_metadata(struct libvss_backup *b,
				  struct libvss_async **ap)
{
	fake_log("backup_gather_metadata");
	b->nr_writers = mode("empty") ? 0 : 2;
	return async_op(ap, 0, VSS_STATUS_SUCCESS, NULL);
}

int libvss_backup_prepare(struct libvss_backup *b, struct libvss_async **ap)
{
	(void)b;
	fake_log("backup_prepare");
	return async_op(ap, 0, VSS_STATUS_SUCCESS, NULL);
}

int libvss_backup_start_snapshot_set(struct libvss_backup *b)
{
	fake_log("backup_start_snapshot_set");
	while (b->nr_volumes)
		free(b->volumes[--b->nr_volumes]);
	return 0;
}

int libvss_backup_add_volume(struct libvss_backup *b, const char *volume)
{
	fake_log("backup_add_volume %s", volume);
	b->volumes[b->nr_volumes] = strdup(volume);
	if (!b->volumes[b->nr_volumes])
		return -ENOMEM;
	b->nr_volumes++;
	return 0;
}

int libvss_backup_do_snapshot_set(struct libvss_backup *b, uint32_t flags,
				  struct libvss_async **ap)
{
	static const uint8_t set_id[LIBVSS_ID_SIZE] = SET_B;
	unsigned int i;

	static unsigned int settling = 2;	/* /settling: EAGAIN twice */

	fake_log("backup_do_snapshot_set flags=%u", flags);
	for (i = 0; i < b->nr_volumes; i++) {
		if (!strcmp(b->volumes[i], "/settling") && settling) {
			settling--;
			return async_op(ap, -EAGAIN, VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS,
					"a volume's diff storage is still being added; retry");
		}
		if (!strcmp(b->volumes[i], "/nostorage"))
			return async_op(ap, -ENOSPC, VSS_STATUS_INSUFFICIENT_STORAGE,
					"volume has no diff storage (STORAGE_ADD first)");
		if (!strcmp(b->volumes[i], "/veto") && b->nr_writers) {
			b->w[1].state = VSS_WRITER_STATE_FAILED_AT_FREEZE;
			b->w[1].failure = VSS_WRITER_FAILURE_RETRYABLE;
			b->w[1].error = 5;
			b->w[1].message = "disk busy";
			return async_op(ap, -EREMOTEIO, VSS_STATUS_WRITER_RETRYABLE,
					"selected writer app failed at Freeze");
		}
	}
	memcpy(b->set.id, set_id, sizeof(b->set.id));
	b->set.consistency = VSS_CONSISTENCY_FROZEN;
	b->set.freeze_window_ns = 1234567;
	b->set.n = b->nr_volumes;
	for (i = 0; i < b->nr_volumes; i++) {
		memset(b->set.e[i].id, 0x10 * (i + 1), LIBVSS_ID_SIZE);
		snprintf(b->set.e[i].origin, sizeof(b->set.e[i].origin), "vd%c1",
			 'a' + i % 26);
		snprintf(b->set.e[i].device, sizeof(b->set.e[i].device),
			 "vss-snap%u", 3 + i);
	}
	b->have_set = 1;
	return async_op(ap, 0, VSS_STATUS_SUCCESS, NULL);
}

int libvss_backup_complete(struct libvss_backup *b, struct libvss_async **ap)
{
	(void)b;
	fake_log("backup_complete");
	return async_op(ap, 0, VSS_STATUS_SUCCESS, NULL);
}

int libvss_backup_abort(struct libvss_backup *b)
{
	(void)b;
	fake_log("backup_abort");
	return 0;
}

int libvss_backup_delete_snapshots(struct libvss_backup *b, unsigned int *count)
{
	fake_log("backup_delete_snapshots");
	if (count)
		*count = b->have_set ? b->set.n : 0;
	return b->have_set ? 0 : fail(b->ctx, -ENOENT, "fake: the session has no snapshots");
}

const struct libvss_snapset *libvss_backup_snapset(const struct libvss_backup *b)
{
	return b->have_set ? &b->set : NULL;
}

unsigned int libvss_backup_writer_count(const struct libvss_backup *b)
{
	return b->nr_writers;
}

const struct libvss_writer_info *
libvss_backup_writer(const struct libvss_backup *b, unsigned int i)
{
	return i < b->nr_writers ? &b->w[i] : NULL;
}

int libvss_backup_writer_metadata(struct libvss_backup *b, uint32_t writer_id,
				  const char **docp)
{
	(void)b;
	*docp = writer_id == 3 ? pg_metadata : NULL;
	return 0;
}

/*
 * An administrator's abort: session 12 is there, 13 was released, others
 * do not exist; "unpriv" refuses it as the kernel does without
 * CAP_SYS_ADMIN.
 */
int libvss_session_abort(struct libvss_ctx *ctx, uint32_t id)
{
	fake_log("session_abort %u", id);
	if (mode("unpriv"))
		return fail(ctx, -EPERM, "fake: needs CAP_SYS_ADMIN");
	if (id == 12)
		return 0;
	if (id == 13)
		return fail(ctx, -EBADFD, "fake: the session was released");
	return fail(ctx, -ENOENT, "fake: no session with this id");
}

/* ---- the monitor ---- */

/*
 * One canned event of each kind, delivered by the first libvss_process()
 * after libvss_monitor_start(); then nothing until a signal. "unpriv": the
 * join is refused; "monitor-lost": the first libvss_process() also
 * loses notifications to two overruns and a malformed one (libvss_lost());
 * "monitor-fail": it fails (-EIO) after them.
 */
struct libvss_monitor_event {
	uint32_t type;
	const uint8_t *snapshot_id, *set_id;
	const char *origin, *device, *path;
	uint32_t invalid_reason, threshold;
	uint64_t max_bytes, used_bytes;
	uint32_t session_id, session_type, session_state, session_op, owner;
	uint32_t timeout_ms, flags, thaw_reason;
	uint64_t frozen_ns;
};

static const uint8_t mon_snap[LIBVSS_ID_SIZE] = { 0x11, 0x22, 0x33, 0x44, 0, 1,
						  0x40, 2, 0x80, 3, 4, 5, 6, 7, 8, 9 };
static const uint8_t mon_set[LIBVSS_ID_SIZE] = SET_A;

static const struct libvss_monitor_event mon_events[] = {
	{ .type = VSS_CMD_SNAPSHOT_CREATED_NTF, .snapshot_id = mon_snap,
	  .set_id = mon_set, .origin = "vdb", .device = "vss-snap0" },
	{ .type = VSS_CMD_STORAGE_THRESHOLD_NTF, .origin = "vdb",
	  .threshold = 80, .max_bytes = 1 << 20, .used_bytes = 13 * 65536 },
	{ .type = VSS_CMD_SNAPSHOT_INVALID_NTF, .snapshot_id = mon_snap,
	  .set_id = mon_set, .origin = "vdb", .device = "vss-snap0",
	  .invalid_reason = VSS_INVALID_OVERFLOW },
	{ .type = VSS_CMD_SNAPSHOT_DELETED_NTF, .snapshot_id = mon_snap,
	  .set_id = mon_set, .origin = "vdb", .device = "vss-snap0" },
	{ .type = VSS_CMD_SESSION_STATE_NTF, .session_id = 13,
	  .session_type = VSS_SESSION_RESTORE,
	  .session_state = VSS_SESSION_STATE_METADATA_GATHERED,
	  .session_op = VSS_SESSION_OP_PRE_RESTORE, .owner = 4001 },
	{ .type = VSS_CMD_SESSION_STATE_NTF, .session_id = 12,
	  .session_type = VSS_SESSION_BACKUP,
	  .session_state = VSS_SESSION_STATE_SNAPSHOT_DONE, .owner = 4000,
	  .set_id = mon_set },
	{ .type = VSS_CMD_FS_FROZEN_NTF, .path = "/srv", .device = "vdc",
	  .owner = 4242, .timeout_ms = 30000 },
	{ .type = VSS_CMD_FS_THAWED_NTF, .path = "/srv", .device = "vdc",
	  .owner = 0, .timeout_ms = 600000, .flags = VSS_FS_F_DETACHED,
	  .frozen_ns = 1500000000, .thaw_reason = VSS_THAW_DEADLINE },
};

static struct {
	libvss_monitor_cb cb;
	void *data;
	int fd[2];
	int delivered;
	struct libvss_losses losses;
} mon = { .fd = { -1, -1 } };

int libvss_monitor_start(struct libvss_ctx *ctx, libvss_monitor_cb cb,
			 void *data)
{
	fake_log("monitor_start");
	if (mode("unpriv"))
		return fail(ctx, -EPERM, "joining the monitor group needs CAP_SYS_ADMIN");
	mon.cb = cb;
	mon.data = data;
	return 0;
}

int libvss_monitor_stop(struct libvss_ctx *ctx)
{
	(void)ctx;
	mon.cb = NULL;
	return 0;
}

/*
 * A pipe with a byte in it until the canned events are out. Without a
 * monitor there is nothing to read: the fake's asyncs end at once.
 */
int libvss_fd(struct libvss_ctx *ctx)
{
	(void)ctx;
	if (!mon.cb)
		return -1;
	if (mon.fd[0] >= 0)
		return mon.fd[0];
	if (pipe(mon.fd) < 0 || write(mon.fd[1], "", 1) != 1)
		return -EIO;
	return mon.fd[0];
}

uint64_t libvss_lost(struct libvss_ctx *ctx, struct libvss_losses *losses)
{
	uint64_t sum = mon.losses.overruns + mon.losses.dropped + mon.losses.malformed;

	(void)ctx;
	if (losses)
		*losses = mon.losses;
	memset(&mon.losses, 0, sizeof(mon.losses));
	return sum;
}

int libvss_process(struct libvss_ctx *ctx)
{
	unsigned int i;
	char c;

	if (!mon.cb || mon.delivered)
		return 0;
	mon.delivered = 1;
	if (mon.fd[0] >= 0 && read(mon.fd[0], &c, 1) != 1)
		return -EIO;
	fake_log("process");
	for (i = 0; mon.cb && i < ARRAY_SIZE(mon_events); i++)
		mon.cb(ctx, &mon_events[i], mon.data);
	if (mode("monitor-lost")) {
		mon.losses.overruns += 2;
		mon.losses.malformed++;
	}
	if (mode("monitor-fail"))
		return fail(ctx, -EIO, "fake: the socket broke");
	return (int)i;
}

const char *libvss_monitor_event_name(uint32_t type)
{
	switch (type) {
	case VSS_CMD_SNAPSHOT_CREATED_NTF:
		return "snapshot-created";
	case VSS_CMD_SNAPSHOT_DELETED_NTF:
		return "snapshot-deleted";
	case VSS_CMD_SNAPSHOT_INVALID_NTF:
		return "snapshot-invalid";
	case VSS_CMD_STORAGE_THRESHOLD_NTF:
		return "storage-threshold";
	case VSS_CMD_SESSION_STATE_NTF:
		return "session-state";
	case VSS_CMD_FS_FROZEN_NTF:
		return "fs-frozen";
	case VSS_CMD_FS_THAWED_NTF:
		return "fs-thawed";
	}
	return NULL;
}

#define MG(rtype, field)						\
rtype libvss_monitor_event_##field(const struct libvss_monitor_event *ev) \
{									\
	return ev->field;						\
}
MG(uint32_t, type)
MG(const uint8_t *, snapshot_id)
MG(const uint8_t *, set_id)
MG(const char *, origin)
MG(const char *, device)
MG(const char *, path)
MG(uint32_t, invalid_reason)
MG(uint32_t, threshold)
MG(uint64_t, max_bytes)
MG(uint64_t, used_bytes)
MG(uint32_t, session_id)
MG(uint32_t, session_type)
MG(uint32_t, session_state)
MG(uint32_t, session_op)
MG(uint32_t, owner)
MG(uint32_t, timeout_ms)
MG(uint32_t, flags)
MG(uint32_t, thaw_reason)
MG(uint64_t, frozen_ns)

/* ---- filesystem freezes ---- */

/*
 * `fs list` shows a canned table; `fs thaw` finds its paths. A freeze
 * taken by `fs freeze` lives in this process, as the module's would for
 * vssctl's socket: FS_GET sees it until its deadline (with FAKE_LIBVSS
 * "fs-early", until the second look: someone else thawed it; with
 * "fs-other", another owner's freeze from the second look on).
 */
struct libvss_fs_info {
	const char *path, *device;
	uint32_t owner, timeout_ms, flags;
	uint64_t frozen_ns;
	uint32_t remaining_ms;
};

struct libvss_fs_list {
	unsigned int n;
};

static const struct libvss_fs_info freezes[] = {
	{ "/srv", "vdb", 4242, 30000, 0, 1500000000ULL, 28500 },
	{ "/var/lib/db", "dm-3", 0, 600000, VSS_FS_F_DETACHED, 125000000000ULL,
	  475000 },
};

static struct {
	char path[64];
	uint32_t timeout_ms, flags;
	struct timespec at;
	unsigned int looks;
} frozen;

static uint64_t since_ms(const struct timespec *at)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - at->tv_sec) * 1000 +
	       (uint64_t)((now.tv_nsec - at->tv_nsec) / 1000000);
}

static int fs_refusal(struct libvss_ctx *ctx, const char *path)
{
	int err = op_error(ctx);

	if (err)
		return err;
	if (!strcmp(path, "/proc"))
		return fail(ctx, -EOPNOTSUPP, "fake: this filesystem cannot be frozen");
	if (!strcmp(path, "/srv/sub"))
		return fail(ctx, -EINVAL, "fake: not a mount point");
	if (!strcmp(path, "/busy"))
		return fail(ctx, -EBUSY, "fake: the filesystem is frozen by vss already");
	return 0;
}

int libvss_fs_freeze(struct libvss_ctx *ctx, const char *mountpoint,
		     uint32_t timeout_ms, uint32_t flags)
{
	int err;

	fake_log("fs_freeze %s %u %u", mountpoint, timeout_ms, flags);
	err = fs_refusal(ctx, mountpoint);
	if (err)
		return err;
	snprintf(frozen.path, sizeof(frozen.path), "%s", mountpoint);
	frozen.timeout_ms = timeout_ms ? timeout_ms : VSS_FS_TIMEOUT_DEFAULT_MS;
	frozen.flags = flags;
	frozen.looks = 0;
	clock_gettime(CLOCK_MONOTONIC, &frozen.at);
	return 0;
}

int libvss_fs_thaw(struct libvss_ctx *ctx, const char *mountpoint)
{
	unsigned int i;
	int err;

	fake_log("fs_thaw %s", mountpoint);
	err = fs_refusal(ctx, mountpoint);
	if (err)
		return err;
	if (frozen.path[0] && !strcmp(frozen.path, mountpoint)) {
		frozen.path[0] = '\0';
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(freezes); i++)
		if (!strcmp(freezes[i].path, mountpoint))
			return 0;
	return fail(ctx, -ENOENT, "fake: the filesystem has no freeze of vss");
}

int libvss_fs_get(struct libvss_ctx *ctx, const char *mountpoint,
		  struct libvss_fs_info **infop)
{
	uint64_t ms;

	fake_log("fs_get %s", mountpoint);
	*infop = NULL;
	if (!frozen.path[0] || strcmp(frozen.path, mountpoint))
		return fail(ctx, -ENOENT, "fake: the filesystem has no freeze of vss");
	ms = since_ms(&frozen.at);
	if (ms >= frozen.timeout_ms || (mode("fs-early") && ++frozen.looks > 1)) {
		frozen.path[0] = '\0';
		return fail(ctx, -ENOENT, "fake: the filesystem has no freeze of vss");
	}
	*infop = calloc(1, sizeof(**infop));
	if (!*infop)
		return -ENOMEM;
	(*infop)->path = frozen.path;
	(*infop)->device = "vdc";
	(*infop)->owner = frozen.flags & VSS_FS_F_DETACHED ? 0 : 4321;
	if (mode("fs-other") && ++frozen.looks > 1)
		(*infop)->owner = 999;
	(*infop)->timeout_ms = frozen.timeout_ms;
	(*infop)->flags = frozen.flags;
	(*infop)->frozen_ns = ms * 1000000;
	(*infop)->remaining_ms = (uint32_t)(frozen.timeout_ms - ms);
	return 0;
}

void libvss_fs_info_free(struct libvss_fs_info *info)
{
	free(info);
}

int libvss_fs_list(struct libvss_ctx *ctx, struct libvss_fs_list **lp)
{
	int err = op_error(ctx);

	fake_log("fs_list");
	*lp = NULL;
	if (err)
		return err;
	*lp = calloc(1, sizeof(**lp));
	if (!*lp)
		return -ENOMEM;
	(*lp)->n = mode("empty") ? 0 : ARRAY_SIZE(freezes);
	return 0;
}

void libvss_fs_list_free(struct libvss_fs_list *l)
{
	free(l);
}

unsigned int libvss_fs_list_count(const struct libvss_fs_list *l)
{
	return l->n;
}

const struct libvss_fs_info *
libvss_fs_list_entry(const struct libvss_fs_list *l, unsigned int i)
{
	return i < l->n ? &freezes[i] : NULL;
}

#define FI(type, field)							\
type libvss_fs_info_##field(const struct libvss_fs_info *fi)		\
{									\
	return fi->field;						\
}
FI(const char *, path)
FI(const char *, device)
FI(uint32_t, owner)
FI(uint32_t, timeout_ms)
FI(uint32_t, flags)
FI(uint64_t, frozen_ns)
FI(uint32_t, remaining_ms)

const char *libvss_thaw_reason_name(uint32_t v)
{
	return v == VSS_THAW_REQUESTED ? "requested" :
	       v == VSS_THAW_DEADLINE ? "deadline" : NULL;
}

/* ---- changed-block tracking ---- */

static bool cbt(void)
{
	const char *env = getenv("FAKE_CBT");

	return env && !strcmp(env, "1");
}

/* A token of the fake's own making: "vss1:", 120 hex digits from @id. */
static int fake_token(const uint8_t *id, char *buf, size_t len)
{
	size_t i;

	if (!cbt())
		return -ENODATA;
	if (len < LIBVSS_TOKEN_STRING_SIZE)
		return -ENOSPC;
	memcpy(buf, "vss1:", 5);
	for (i = 0; i < 60; i++)
		sprintf(buf + 5 + 2 * i, "%02x", id[i % LIBVSS_ID_SIZE]);
	return 0;
}

int libvss_token_check(const char *token)
{
	size_t i;

	if (!token || strncmp(token, "vss1:", 5) || strlen(token) != 125)
		return -EINVAL;
	for (i = 5; i < 125; i++)
		if (!strchr("0123456789abcdef", token[i]))
			return -EINVAL;
	return 0;
}

int libvss_snapshot_token(const struct libvss_snapshot *snap, char *buf,
			  size_t len)
{
	return fake_token(snap->id, buf, len);
}

int libvss_snapset_entry_token(const struct libvss_snapset *set,
			       unsigned int i, char *buf, size_t len)
{
	if (i >= set->n)
		return -EINVAL;
	return fake_token(set->e[i].id, buf, len);
}

static uint32_t stale_reason;

uint32_t libvss_ext_stale_reason(const struct libvss_ctx *ctx)
{
	(void)ctx;
	return stale_reason;
}

const char *libvss_stale_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		"none", "generation", "reset", "wrapped", "resized", "lost",
		"identity", "not-older",
	};

	return reason < ARRAY_SIZE(names) ? names[reason] : NULL;
}

struct libvss_changes {
	struct libvss_ctx *ctx;
	unsigned int pos;
};

static const uint64_t fake_extents[][2] = {
	{ 0, 65536 }, { 1048576, 131072 }, { 4294967296ULL, 65536 },
};

int libvss_changes_open(struct libvss_ctx *ctx,
			const uint8_t snapshot_id[LIBVSS_ID_SIZE],
			const char *since, uint64_t start,
			struct libvss_changes **itp)
{
	char buf[LIBVSS_ID_STRING_SIZE];

	fake_log("changes_open %s since=%.13s... start=%" PRIu64,
		 libvss_id_to_string(snapshot_id, buf), since, start);
	*itp = NULL;
	if (op_error(ctx))
		return op_error(ctx);
	if (libvss_token_check(since))
		return -EINVAL;
	*itp = calloc(1, sizeof(**itp));
	if (!*itp)
		return -ENOMEM;
	(*itp)->ctx = ctx;
	return 0;
}

int libvss_changes_next(struct libvss_changes *it, uint64_t *offset,
			uint64_t *length)
{
	const char *how = getenv("FAKE_CHANGES");

	how = how ? how : "";
	if (!strcmp(how, "stale")) {
		stale_reason = VSS_STALE_RESET;
		return fail(it->ctx, -ESTALE,
			    "stale: reset: the tracker was reset since the token's snapshot");
	}
	if (!strcmp(how, "enoent"))
		return fail(it->ctx, -ENOENT, "fake: no snapshot with this id");
	if (!strcmp(how, "broken") && it->pos == 1)
		return fail(it->ctx, -EBADMSG, "fake: malformed reply");
	if (it->pos == ARRAY_SIZE(fake_extents))
		return 0;
	*offset = fake_extents[it->pos][0];
	*length = fake_extents[it->pos][1];
	it->pos++;
	return 1;
}

void libvss_changes_close(struct libvss_changes *it)
{
	free(it);
}

void libvss_storage_opts_set_track_block_bytes(struct libvss_storage_opts *opts,
					       uint32_t bytes)
{
	opts->track = bytes;
}

uint32_t libvss_storage_track_block_bytes(const struct libvss_storage *storage)
{
	return cbt() ? storage->chunk_bytes * 2 : 0;
}

struct libvss_tracker {
	const char *origin;
	uint8_t generation[LIBVSS_ID_SIZE];
	uint64_t epoch;
	uint32_t block_bytes;
	uint64_t capacity, marked, map;
	uint32_t reason;
};

struct libvss_tracker_list {
	unsigned int n;
};

static const struct libvss_tracker trackers[] = {
	{ "vda1", { 0x9e, 0x9e, 0, 1, 2, 3, 0x40, 4, 0x80, 5, 6, 7, 8, 9, 10, 11 },
	  42, 65536, 1ULL << 34, 300, 8192, VSS_STALE_GENERATION },
	{ "sdb", { 0x5d, 0xb0, 0, 1, 2, 3, 0x40, 4, 0x80, 5, 6, 7, 8, 9, 10, 12 },
	  3, 1048576, 16ULL << 40, 0, 0, VSS_STALE_RESET },
};

int libvss_tracker_get(struct libvss_ctx *ctx, const char *origin,
		       struct libvss_tracker **trackerp)
{
	size_t i;

	fake_log("tracker_get %s", origin);
	*trackerp = NULL;
	if (op_error(ctx))
		return op_error(ctx);
	for (i = 0; i < ARRAY_SIZE(trackers) && !mode("empty"); i++) {
		if (strcmp(base(origin), trackers[i].origin))
			continue;
		*trackerp = malloc(sizeof(**trackerp));
		if (!*trackerp)
			return -ENOMEM;
		**trackerp = trackers[i];
		return 0;
	}
	return fail(ctx, -ENOENT, "fake: no diff storage on this origin");
}

void libvss_tracker_free(struct libvss_tracker *tracker)
{
	free(tracker);
}

int libvss_tracker_list(struct libvss_ctx *ctx,
			struct libvss_tracker_list **listp)
{
	fake_log("tracker_list");
	*listp = NULL;
	if (op_error(ctx))
		return op_error(ctx);
	*listp = calloc(1, sizeof(**listp));
	if (!*listp)
		return -ENOMEM;
	(*listp)->n = mode("empty") ? 0 : ARRAY_SIZE(trackers);
	return 0;
}

void libvss_tracker_list_free(struct libvss_tracker_list *list)
{
	free(list);
}

unsigned int libvss_tracker_list_count(const struct libvss_tracker_list *list)
{
	return list->n;
}

const struct libvss_tracker *
libvss_tracker_list_entry(const struct libvss_tracker_list *list,
			  unsigned int i)
{
	return i < list->n ? &trackers[i] : NULL;
}

int libvss_tracker_reset(struct libvss_ctx *ctx, const char *origin)
{
	fake_log("tracker_reset %s", origin);
	if (strcmp(base(origin), "vda1") && strcmp(base(origin), "sdb"))
		return fail(ctx, -ENOENT, "fake: no diff storage on this origin");
	return op_error(ctx);
}

const char *libvss_tracker_origin(const struct libvss_tracker *t)
{
	return t->origin;
}

const uint8_t *libvss_tracker_generation(const struct libvss_tracker *t)
{
	return t->generation;
}

uint64_t libvss_tracker_epoch(const struct libvss_tracker *t)
{
	return t->epoch;
}

uint32_t libvss_tracker_block_bytes(const struct libvss_tracker *t)
{
	return t->block_bytes;
}

uint64_t libvss_tracker_capacity(const struct libvss_tracker *t)
{
	return t->capacity;
}

uint64_t libvss_tracker_blocks_marked(const struct libvss_tracker *t)
{
	return t->marked;
}

uint64_t libvss_tracker_map_bytes(const struct libvss_tracker *t)
{
	return t->map;
}

uint32_t libvss_tracker_reason(const struct libvss_tracker *t)
{
	return t->reason;
}

/*
 * Saving and restoring trackers needs the module (and root's devices): the
 * fake refuses, and the VM test selftests/vss/cbt_persist.sh covers them.
 */
uint32_t libvss_tracker_seal(const struct libvss_tracker *t)
{
	(void)t;
	return 0;
}

int libvss_tracker_export(struct libvss_ctx *ctx, const char *origin,
			  struct libvss_tracker_image **imgp)
{
	fake_log("tracker_export %s", origin);
	*imgp = NULL;
	return fail(ctx, -EOPNOTSUPP, "fake: no tracker export");
}

int libvss_tracker_import(struct libvss_ctx *ctx, const char *origin,
			  const struct libvss_tracker_image *img)
{
	(void)img;
	fake_log("tracker_import %s", origin);
	return fail(ctx, -EOPNOTSUPP, "fake: no tracker import");
}

void libvss_tracker_image_free(struct libvss_tracker_image *img)
{
	(void)img;
}

int libvss_tracker_image_encode(const struct libvss_tracker_image *img,
				void **bufp, size_t *lenp)
{
	(void)img;
	*bufp = NULL;
	*lenp = 0;
	return -EOPNOTSUPP;
}

int libvss_tracker_image_decode(const void *buf, size_t len,
				struct libvss_tracker_image **imgp)
{
	(void)buf;
	(void)len;
	*imgp = NULL;
	return -EINVAL;
}

uint32_t libvss_tracker_image_seal(const struct libvss_tracker_image *img)
{
	(void)img;
	return 0;
}

uint64_t libvss_tracker_image_epoch(const struct libvss_tracker_image *img)
{
	(void)img;
	return 0;
}

uint64_t libvss_tracker_image_capacity(const struct libvss_tracker_image *img)
{
	(void)img;
	return 0;
}

const uint8_t *
libvss_tracker_image_generation(const struct libvss_tracker_image *img)
{
	(void)img;
	return NULL;
}

unsigned int libvss_tracker_image_chunks(const struct libvss_tracker_image *img)
{
	(void)img;
	return 0;
}
