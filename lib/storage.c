// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The diff storage of origin volumes: STORAGE_ADD (with its options
 * object), STORAGE_GET (one origin, or a dump of all), STORAGE_SET,
 * STORAGE_REMOVE.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One allocation: the struct, its thresholds, then origin and path. */
struct libvss_storage {
	uint32_t kind;
	uint32_t chunk_bytes;
	uint32_t track_block_bytes;	/* 0 from a module without tracking */
	uint64_t max_bytes;
	uint64_t used_bytes;
	uint64_t file_bytes;		/* 0 unless VSS_STORAGE_FILE */
	const char *origin;
	const char *path;		/* NULL unless VSS_STORAGE_FILE */
	unsigned int nr_thresholds;
	uint32_t thresholds[];
};

struct libvss_storage_list {
	struct vss_objlist objs;
};

static const char *const kind_names[] = {
	[VSS_STORAGE_NONE]	= "none",
	[VSS_STORAGE_MEMORY]	= "memory",
	[VSS_STORAGE_FILE]	= "file",
};

/*
 * PAD is left NLA_UNSPEC: the kernel pads 64-bit attributes only on
 * architectures without efficient unaligned access.
 */
static const struct nla_policy storage_policy[VSS_A_STORAGE_MAX + 1] = {
	[VSS_A_STORAGE_ORIGIN]		= { .type = NLA_STRING },
	[VSS_A_STORAGE_KIND]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_STORAGE_MAX_BYTES]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_STORAGE_USED_BYTES]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_STORAGE_CHUNK_BYTES]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_STORAGE_PATH]		= { .type = NLA_STRING },
	[VSS_A_STORAGE_THRESHOLD]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_STORAGE_FILE_BYTES]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_STORAGE_TRACK_BLOCK_BYTES] = { .type = NLA_U32, .maxlen = 4 },
};

/* Bytes of @n u32 attributes in a message. */
static size_t u32_attrs_size(unsigned int n)
{
	return (size_t)n * NLA_ALIGN(NLA_HDRLEN + 4);
}

/* The repeated THRESHOLD attributes of a request, in the caller's order. */
static int put_thresholds(struct nl_msg *msg, const uint32_t *pct,
			  unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (nla_put_u32(msg, VSS_A_STORAGE_THRESHOLD, pct[i]) < 0)
			return -1;
	return 0;
}

/* What a threshold list must be to be sent at all. */
static int check_thresholds(const uint32_t *pct, unsigned int nr)
{
	if (nr && !pct)
		return -EINVAL;
	return nr > VSS_THRESHOLDS_MAX ? -E2BIG : 0;
}

static struct nl_msg *storage_msg(const struct libvss_ctx *ctx, uint32_t seq,
				  uint8_t cmd, int flags, size_t attrlen)
{
	return vss_genl_msg_ext(ctx->family_id, cmd, VSS_FAMILY_VERSION,
				ctx->tp->portid, seq, flags, attrlen);
}

/* A request whose one attribute is ORIGIN. */
static struct nl_msg *origin_msg(const struct libvss_ctx *ctx, uint32_t seq,
				 uint8_t cmd, const char *origin)
{
	struct nl_msg *msg = storage_msg(ctx, seq, cmd, 0,
					 vss_str_attr_size(origin));

	if (msg && nla_put_string(msg, VSS_A_STORAGE_ORIGIN, origin) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Attributes in the order of the spec's request list, but MAX_BYTES first,
 * with plain nla_put_u64() and no PAD, as in vss_features_encode(): the
 * request policy has no pad attribute, and as the first attribute its
 * payload is 8-byte aligned anyway. What libvss_storage_add() sent before
 * there were options is what it still sends: PATH and THRESHOLD only when
 * set.
 */
struct nl_msg *vss_storage_add_encode(const struct libvss_ctx *ctx,
				      uint32_t seq, const char *origin,
				      const struct libvss_storage_opts *opts)
{
	/* Paths reach PATH_MAX: more than libnl's default of a page. */
	size_t attrlen = vss_str_attr_size(origin) + NLA_ALIGN(NLA_HDRLEN + 8) +
			 u32_attrs_size(3 + opts->nr_thresholds) +
			 (opts->path ? vss_str_attr_size(opts->path) : 0);
	struct nl_msg *msg = storage_msg(ctx, seq, VSS_CMD_STORAGE_ADD, 0,
					 attrlen);

	if (!msg)
		return NULL;
	if (nla_put_u64(msg, VSS_A_STORAGE_MAX_BYTES, opts->max_bytes) < 0 ||
	    nla_put_u32(msg, VSS_A_STORAGE_KIND, opts->kind) < 0 ||
	    nla_put_string(msg, VSS_A_STORAGE_ORIGIN, origin) < 0 ||
	    (opts->chunk_bytes &&
	     nla_put_u32(msg, VSS_A_STORAGE_CHUNK_BYTES, opts->chunk_bytes) < 0) ||
	    (opts->path &&
	     nla_put_string(msg, VSS_A_STORAGE_PATH, opts->path) < 0) ||
	    put_thresholds(msg, opts->thresholds, opts->nr_thresholds) < 0 ||
	    (opts->track_block_bytes &&
	     nla_put_u32(msg, VSS_A_STORAGE_TRACK_BLOCK_BYTES,
			 opts->track_block_bytes) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* MAX_BYTES first for its alignment, as in vss_storage_add_encode(). */
struct nl_msg *vss_storage_set_encode(const struct libvss_ctx *ctx,
				      uint32_t seq, const char *origin,
				      uint64_t max_bytes, const uint32_t *pct,
				      unsigned int nr)
{
	size_t attrlen = vss_str_attr_size(origin) + NLA_ALIGN(NLA_HDRLEN + 8) +
			 u32_attrs_size(nr);
	struct nl_msg *msg = storage_msg(ctx, seq, VSS_CMD_STORAGE_SET, 0,
					 attrlen);

	if (!msg)
		return NULL;
	if ((max_bytes &&
	     nla_put_u64(msg, VSS_A_STORAGE_MAX_BYTES, max_bytes) < 0) ||
	    nla_put_string(msg, VSS_A_STORAGE_ORIGIN, origin) < 0 ||
	    put_thresholds(msg, pct, nr) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *vss_storage_get_encode(const struct libvss_ctx *ctx,
				      uint32_t seq, const char *origin)
{
	if (!origin)
		return storage_msg(ctx, seq, VSS_CMD_STORAGE_GET, NLM_F_DUMP, 0);
	return origin_msg(ctx, seq, VSS_CMD_STORAGE_GET, origin);
}

struct nl_msg *vss_storage_remove_encode(const struct libvss_ctx *ctx,
					 uint32_t seq, const char *origin)
{
	return origin_msg(ctx, seq, VSS_CMD_STORAGE_REMOVE, origin);
}

/*
 * Every THRESHOLD of a reply, in order, into @pct (room for @n, or NULL to
 * count them); vss_reply_parse() checked each one's size.
 */
static unsigned int thresholds_parse(struct nlmsghdr *nlh, uint32_t *pct)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *pos;
	unsigned int n = 0;
	int rem;

	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		if (nla_type(pos) != VSS_A_STORAGE_THRESHOLD)
			continue;
		if (pct)
			pct[n] = nla_get_u32(pos);
		n++;
	}
	return n;
}

/*
 * One STORAGE_GET reply, of a do or a dump part, into a new report. PATH,
 * FILE_BYTES and THRESHOLD are optional: a module without file storage
 * sends none of them, and a memory storage has no path or file.
 */
static int storage_parse(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			 struct libvss_storage **sp, const char **why)
{
	struct nlattr *tb[VSS_A_STORAGE_MAX + 1];
	const char *origin, *path = NULL;
	struct libvss_storage *s;
	size_t lo, lp = 0, head;
	unsigned int nr;
	char *strings;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_STORAGE_GET, tb,
			      VSS_A_STORAGE_MAX, storage_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_STORAGE_ORIGIN] || !tb[VSS_A_STORAGE_KIND] ||
	    !tb[VSS_A_STORAGE_MAX_BYTES] || !tb[VSS_A_STORAGE_USED_BYTES] ||
	    !tb[VSS_A_STORAGE_CHUNK_BYTES]) {
		*why = "STORAGE_GET reply lacks origin, kind, max-bytes, used-bytes or chunk-bytes";
		return -EBADMSG;
	}
	origin = nla_get_string(tb[VSS_A_STORAGE_ORIGIN]);
	lo = strlen(origin) + 1;
	if (tb[VSS_A_STORAGE_PATH]) {
		path = nla_get_string(tb[VSS_A_STORAGE_PATH]);
		lp = strlen(path) + 1;
	}
	nr = thresholds_parse(nlh, NULL);
	head = sizeof(*s) + nr * sizeof(s->thresholds[0]);
	s = malloc(head + lo + lp);
	if (!s)
		return -ENOMEM;
	strings = (char *)s + head;
	memcpy(strings, origin, lo);
	s->origin = strings;
	s->path = NULL;
	if (path) {
		memcpy(strings + lo, path, lp);
		s->path = strings + lo;
	}
	s->nr_thresholds = thresholds_parse(nlh, s->thresholds);
	s->kind = nla_get_u32(tb[VSS_A_STORAGE_KIND]);
	s->max_bytes = nla_get_u64(tb[VSS_A_STORAGE_MAX_BYTES]);
	s->used_bytes = nla_get_u64(tb[VSS_A_STORAGE_USED_BYTES]);
	s->chunk_bytes = nla_get_u32(tb[VSS_A_STORAGE_CHUNK_BYTES]);
	s->file_bytes = tb[VSS_A_STORAGE_FILE_BYTES] ?
			nla_get_u64(tb[VSS_A_STORAGE_FILE_BYTES]) : 0;
	s->track_block_bytes = tb[VSS_A_STORAGE_TRACK_BLOCK_BYTES] ?
		nla_get_u32(tb[VSS_A_STORAGE_TRACK_BLOCK_BYTES]) : 0;
	*sp = s;
	return 0;
}

int vss_storage_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		       void *arg, const char **why)
{
	struct libvss_storage **sp = arg;

	if (*sp) {
		*why = "more than one STORAGE_GET reply";
		return -EBADMSG;
	}
	return storage_parse(ctx, nlh, sp, why);
}

int vss_storage_decode_part(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			    void *arg, const char **why)
{
	struct libvss_storage_list *l = arg;
	struct libvss_storage *s;
	int ret = storage_parse(ctx, nlh, &s, why);

	return ret ? ret : vss_objlist_add(&l->objs, s);
}

/* ---- options of STORAGE_ADD ---- */

static void opts_init(struct libvss_storage_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->kind = VSS_STORAGE_MEMORY;
}

LIBVSS_EXPORT int libvss_storage_opts_new(struct libvss_storage_opts **optsp)
{
	struct libvss_storage_opts *opts = malloc(sizeof(*opts));

	*optsp = opts;
	if (!opts)
		return -ENOMEM;
	opts_init(opts);
	return 0;
}

LIBVSS_EXPORT void libvss_storage_opts_free(struct libvss_storage_opts *opts)
{
	if (!opts)
		return;
	free(opts->path);
	free(opts);
}

LIBVSS_EXPORT void libvss_storage_opts_set_kind(struct libvss_storage_opts *opts,
						uint32_t kind)
{
	opts->kind = kind;
}

LIBVSS_EXPORT int libvss_storage_opts_set_path(struct libvss_storage_opts *opts,
					       const char *dir)
{
	char *copy = NULL;

	if (dir) {
		if (strlen(dir) >= PATH_MAX)
			return -ENAMETOOLONG;
		copy = strdup(dir);
		if (!copy)
			return -ENOMEM;
	}
	free(opts->path);
	opts->path = copy;
	return 0;
}

LIBVSS_EXPORT void
libvss_storage_opts_set_max_bytes(struct libvss_storage_opts *opts,
				  uint64_t max_bytes)
{
	opts->max_bytes = max_bytes;
}

LIBVSS_EXPORT void
libvss_storage_opts_set_track_block_bytes(struct libvss_storage_opts *opts,
					  uint32_t bytes)
{
	opts->track_block_bytes = bytes;
}

LIBVSS_EXPORT uint32_t
libvss_storage_track_block_bytes(const struct libvss_storage *storage)
{
	return storage->track_block_bytes;
}

LIBVSS_EXPORT void
libvss_storage_opts_set_chunk_bytes(struct libvss_storage_opts *opts,
				    uint32_t chunk_bytes)
{
	opts->chunk_bytes = chunk_bytes;
}

LIBVSS_EXPORT int
libvss_storage_opts_set_thresholds(struct libvss_storage_opts *opts,
				   const uint32_t *pct, unsigned int nr)
{
	int ret = check_thresholds(pct, nr);

	if (ret)
		return ret;
	if (nr)
		memcpy(opts->thresholds, pct, nr * sizeof(*pct));
	opts->nr_thresholds = nr;
	return 0;
}

/* ---- entry points ---- */

LIBVSS_EXPORT int libvss_storage_add_opts(struct libvss_ctx *ctx,
					  const char *origin,
					  const struct libvss_storage_opts *opts)
{
	int ret;

	vss_ctx_clear_error(ctx);
	if (!opts)
		return -EINVAL;
	ret = vss_check_path(origin);
	if (ret)
		return ret;
	return vss_request(ctx, vss_storage_add_encode(ctx, vss_ctx_next_seq(ctx),
						       origin, opts),
			   NULL, NULL);
}

LIBVSS_EXPORT int libvss_storage_add(struct libvss_ctx *ctx, const char *origin,
				     uint64_t max_bytes, uint32_t chunk_bytes)
{
	struct libvss_storage_opts opts;

	opts_init(&opts);
	opts.max_bytes = max_bytes;
	opts.chunk_bytes = chunk_bytes;
	return libvss_storage_add_opts(ctx, origin, &opts);
}

LIBVSS_EXPORT int libvss_storage_set(struct libvss_ctx *ctx, const char *origin,
				     uint64_t max_bytes, const uint32_t *pct,
				     unsigned int nr)
{
	int ret;

	vss_ctx_clear_error(ctx);
	ret = vss_check_path(origin);
	if (!ret)
		ret = check_thresholds(pct, nr);
	if (ret)
		return ret;
	return vss_request(ctx, vss_storage_set_encode(ctx, vss_ctx_next_seq(ctx),
						       origin, max_bytes, pct,
						       nr),
			   NULL, NULL);
}

LIBVSS_EXPORT int libvss_storage_remove(struct libvss_ctx *ctx,
					const char *origin)
{
	int ret;

	vss_ctx_clear_error(ctx);
	ret = vss_check_path(origin);
	if (ret)
		return ret;
	return vss_request(ctx, vss_storage_remove_encode(ctx,
							  vss_ctx_next_seq(ctx),
							  origin),
			   NULL, NULL);
}

LIBVSS_EXPORT int libvss_storage_get(struct libvss_ctx *ctx, const char *origin,
				     struct libvss_storage **storagep)
{
	struct libvss_storage *s = NULL;
	int ret;

	*storagep = NULL;
	vss_ctx_clear_error(ctx);
	ret = vss_check_path(origin);
	if (ret)
		return ret;
	ret = vss_request(ctx, vss_storage_get_encode(ctx, vss_ctx_next_seq(ctx),
						      origin),
			  vss_storage_decode, &s);
	ret = vss_need_reply(ctx, ret, s, "STORAGE_GET");
	if (ret) {
		libvss_storage_free(s);
		return ret;
	}
	*storagep = s;
	return 0;
}

LIBVSS_EXPORT void libvss_storage_free(struct libvss_storage *storage)
{
	free(storage);
}

LIBVSS_EXPORT int libvss_storage_list(struct libvss_ctx *ctx,
				      struct libvss_storage_list **listp)
{
	struct libvss_storage_list *l;
	int ret;

	*listp = NULL;
	vss_ctx_clear_error(ctx);
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	ret = vss_request(ctx, vss_storage_get_encode(ctx, vss_ctx_next_seq(ctx),
						      NULL),
			  vss_storage_decode_part, l);
	if (ret) {
		libvss_storage_list_free(l);
		return ret;
	}
	*listp = l;
	return 0;
}

LIBVSS_EXPORT void libvss_storage_list_free(struct libvss_storage_list *list)
{
	if (!list)
		return;
	vss_objlist_free(&list->objs);
	free(list);
}

LIBVSS_EXPORT unsigned int
libvss_storage_list_count(const struct libvss_storage_list *list)
{
	return list->objs.n;
}

LIBVSS_EXPORT const struct libvss_storage *
libvss_storage_list_entry(const struct libvss_storage_list *list,
			  unsigned int i)
{
	return vss_objlist_entry(&list->objs, i);
}

LIBVSS_EXPORT const char *
libvss_storage_origin(const struct libvss_storage *storage)
{
	return storage->origin;
}

LIBVSS_EXPORT uint32_t libvss_storage_kind(const struct libvss_storage *storage)
{
	return storage->kind;
}

LIBVSS_EXPORT uint64_t
libvss_storage_max_bytes(const struct libvss_storage *storage)
{
	return storage->max_bytes;
}

LIBVSS_EXPORT uint64_t
libvss_storage_used_bytes(const struct libvss_storage *storage)
{
	return storage->used_bytes;
}

LIBVSS_EXPORT uint32_t
libvss_storage_chunk_bytes(const struct libvss_storage *storage)
{
	return storage->chunk_bytes;
}

LIBVSS_EXPORT const char *
libvss_storage_path(const struct libvss_storage *storage)
{
	return storage->path;
}

LIBVSS_EXPORT uint64_t
libvss_storage_file_bytes(const struct libvss_storage *storage)
{
	return storage->file_bytes;
}

LIBVSS_EXPORT unsigned int
libvss_storage_thresholds(const struct libvss_storage *storage,
			  const uint32_t **pct)
{
	if (pct)
		*pct = storage->nr_thresholds ? storage->thresholds : NULL;
	return storage->nr_thresholds;
}

LIBVSS_EXPORT const char *libvss_storage_kind_name(uint32_t kind)
{
	if (kind < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[kind];
	return NULL;
}
