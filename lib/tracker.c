// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Change trackers (Documentation/cbt.md): TRACKER_GET of one origin or a
 * dump of all, and TRACKER_RESET, which starts a new generation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct libvss_tracker {
	uint8_t generation[LIBVSS_ID_SIZE];
	uint64_t epoch;
	uint64_t capacity;
	uint64_t blocks_marked;
	uint64_t map_bytes;
	uint32_t block_bytes;
	uint32_t reason;
	uint32_t seal;
	char origin[];
};

struct libvss_tracker_list {
	struct vss_objlist objs;
};

const struct nla_policy vss_tracker_policy[VSS_A_TRACKER_MAX + 1] = {
	[VSS_A_TRACKER_ORIGIN]		= { .type = NLA_STRING },
	[VSS_A_TRACKER_GENERATION]	= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_TRACKER_EPOCH]		= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_TRACKER_BLOCK_BYTES]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_TRACKER_CAPACITY]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_TRACKER_BLOCKS_MARKED]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_TRACKER_MAP_BYTES]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_TRACKER_REASON]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_TRACKER_OLD_GENERATION]	= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_TRACKER_STATE]		= { .type = NLA_NESTED },
	[VSS_A_TRACKER_CHUNK]		= { .type = NLA_NESTED },
	[VSS_A_TRACKER_SEAL]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_TRACKER_IMPORT_STEP]	= { .type = NLA_U32, .maxlen = 4 },
};

struct nl_msg *vss_tracker_encode(const struct libvss_ctx *ctx, uint32_t seq,
				  uint8_t cmd, const char *origin)
{
	struct nl_msg *msg;

	if (!origin)
		return vss_genl_msg_ext(ctx->family_id, cmd, VSS_FAMILY_VERSION,
					ctx->tp->portid, seq, NLM_F_DUMP, 0);
	msg = vss_genl_msg_ext(ctx->family_id, cmd, VSS_FAMILY_VERSION,
			       ctx->tp->portid, seq, 0,
			       vss_str_attr_size(origin));
	if (msg && nla_put_string(msg, VSS_A_TRACKER_ORIGIN, origin) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int tracker_parse(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			 struct libvss_tracker **tp, const char **why)
{
	static const int required[] = {
		VSS_A_TRACKER_ORIGIN, VSS_A_TRACKER_GENERATION,
		VSS_A_TRACKER_EPOCH, VSS_A_TRACKER_BLOCK_BYTES,
		VSS_A_TRACKER_CAPACITY, VSS_A_TRACKER_BLOCKS_MARKED,
		VSS_A_TRACKER_MAP_BYTES, VSS_A_TRACKER_REASON,
	};
	struct nlattr *tb[VSS_A_TRACKER_MAX + 1];
	struct libvss_tracker *t;
	const char *origin;
	size_t i, lo;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_TRACKER_GET, tb,
			      VSS_A_TRACKER_MAX, vss_tracker_policy, why);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!tb[required[i]]) {
			*why = "TRACKER_GET reply lacks one of origin, generation, epoch, block-bytes, capacity, blocks-marked, map-bytes, reason";
			return -EBADMSG;
		}
	}
	origin = nla_get_string(tb[VSS_A_TRACKER_ORIGIN]);
	lo = strlen(origin) + 1;
	t = malloc(sizeof(*t) + lo);
	if (!t)
		return -ENOMEM;
	memcpy(t->origin, origin, lo);
	memcpy(t->generation, nla_data(tb[VSS_A_TRACKER_GENERATION]),
	       LIBVSS_ID_SIZE);
	t->epoch = nla_get_u64(tb[VSS_A_TRACKER_EPOCH]);
	t->block_bytes = nla_get_u32(tb[VSS_A_TRACKER_BLOCK_BYTES]);
	t->capacity = nla_get_u64(tb[VSS_A_TRACKER_CAPACITY]);
	t->blocks_marked = nla_get_u64(tb[VSS_A_TRACKER_BLOCKS_MARKED]);
	t->map_bytes = nla_get_u64(tb[VSS_A_TRACKER_MAP_BYTES]);
	t->reason = nla_get_u32(tb[VSS_A_TRACKER_REASON]);
	t->seal = tb[VSS_A_TRACKER_SEAL] ? nla_get_u32(tb[VSS_A_TRACKER_SEAL]) : 0;
	*tp = t;
	return 0;
}

static int tracker_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			  void *arg, const char **why)
{
	struct libvss_tracker **tp = arg;

	if (*tp) {
		*why = "more than one TRACKER_GET reply";
		return -EBADMSG;
	}
	return tracker_parse(ctx, nlh, tp, why);
}

static int tracker_decode_part(const struct libvss_ctx *ctx,
			       struct nlmsghdr *nlh, void *arg,
			       const char **why)
{
	struct libvss_tracker_list *l = arg;
	struct libvss_tracker *t;
	int ret = tracker_parse(ctx, nlh, &t, why);

	return ret ? ret : vss_objlist_add(&l->objs, t);
}

LIBVSS_EXPORT int libvss_tracker_get(struct libvss_ctx *ctx, const char *origin,
				     struct libvss_tracker **trackerp)
{
	struct libvss_tracker *t = NULL;
	int ret;

	*trackerp = NULL;
	vss_ctx_clear_error(ctx);
	ret = vss_check_path(origin);
	if (ret)
		return ret;
	ret = vss_request(ctx, vss_tracker_encode(ctx, vss_ctx_next_seq(ctx),
						  VSS_CMD_TRACKER_GET, origin),
			  tracker_decode, &t);
	ret = vss_need_reply(ctx, ret, t, "TRACKER_GET");
	if (ret) {
		free(t);
		return ret;
	}
	*trackerp = t;
	return 0;
}

LIBVSS_EXPORT void libvss_tracker_free(struct libvss_tracker *tracker)
{
	free(tracker);
}

LIBVSS_EXPORT int libvss_tracker_list(struct libvss_ctx *ctx,
				      struct libvss_tracker_list **listp)
{
	struct libvss_tracker_list *l;
	int ret;

	*listp = NULL;
	vss_ctx_clear_error(ctx);
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	ret = vss_request(ctx, vss_tracker_encode(ctx, vss_ctx_next_seq(ctx),
						  VSS_CMD_TRACKER_GET, NULL),
			  tracker_decode_part, l);
	if (ret) {
		libvss_tracker_list_free(l);
		return ret;
	}
	*listp = l;
	return 0;
}

LIBVSS_EXPORT void libvss_tracker_list_free(struct libvss_tracker_list *list)
{
	if (!list)
		return;
	vss_objlist_free(&list->objs);
	free(list);
}

LIBVSS_EXPORT unsigned int
libvss_tracker_list_count(const struct libvss_tracker_list *list)
{
	return list->objs.n;
}

LIBVSS_EXPORT const struct libvss_tracker *
libvss_tracker_list_entry(const struct libvss_tracker_list *list,
			  unsigned int i)
{
	return vss_objlist_entry(&list->objs, i);
}

LIBVSS_EXPORT int libvss_tracker_reset(struct libvss_ctx *ctx,
				       const char *origin)
{
	int ret;

	vss_ctx_clear_error(ctx);
	ret = vss_check_path(origin);
	if (ret)
		return ret;
	return vss_request(ctx, vss_tracker_encode(ctx, vss_ctx_next_seq(ctx),
						   VSS_CMD_TRACKER_RESET,
						   origin),
			   NULL, NULL);
}

LIBVSS_EXPORT const char *
libvss_tracker_origin(const struct libvss_tracker *tracker)
{
	return tracker->origin;
}

LIBVSS_EXPORT const uint8_t *
libvss_tracker_generation(const struct libvss_tracker *tracker)
{
	return tracker->generation;
}

#define GETTER(rtype, field)						\
LIBVSS_EXPORT rtype							\
libvss_tracker_##field(const struct libvss_tracker *tracker)		\
{									\
	return tracker->field;						\
}

GETTER(uint64_t, epoch)
GETTER(uint32_t, block_bytes)
GETTER(uint64_t, capacity)
GETTER(uint64_t, blocks_marked)
GETTER(uint64_t, map_bytes)
GETTER(uint32_t, reason)
GETTER(uint32_t, seal)
