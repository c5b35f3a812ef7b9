// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Snapshots: SNAPSHOT_CREATE of a set, SNAPSHOT_GET (one, or a dump of
 * all), SNAPSHOT_DELETE by id, set, oldest of an origin, or all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct libvss_snapshot {
	uint8_t id[LIBVSS_ID_SIZE];
	uint8_t set_id[LIBVSS_ID_SIZE];
	uint32_t flags;
	uint32_t state;
	uint32_t invalid_reason;
	uint32_t consistency;
	uint64_t creation_time_ns;
	uint64_t freeze_window_ns;
	uint64_t storage_used_bytes;	/* 0 from a module that sends none */
	bool has_token;			/* a module without tracking sends none */
	struct vss_token token;
	const char *device;		/* in strings[], after the origin */
	char strings[];			/* origin first */
};

struct libvss_snapshot_list {
	struct vss_objlist objs;
};

/* One snapshot of a new set, as the nested ENTRY carries it. */
struct snapset_entry {
	uint8_t id[LIBVSS_ID_SIZE];
	char *origin;			/* one allocation with device */
	const char *device;
	bool has_token;
	struct vss_token token;
};

struct libvss_snapset {
	uint8_t id[LIBVSS_ID_SIZE];
	uint32_t consistency;
	uint64_t freeze_window_ns;
	unsigned int n;
	struct snapset_entry *entries;
};

static const char *const state_names[] = {
	[VSS_SNAPSHOT_ACTIVE]		= "active",
	[VSS_SNAPSHOT_INVALID]		= "invalid",
};

static const char *const invalid_reason_names[] = {
	[VSS_INVALID_NONE]		= "none",
	[VSS_INVALID_OVERFLOW]		= "overflow",
	[VSS_INVALID_STORAGE_ERROR]	= "storage-error",
	[VSS_INVALID_ORIGIN_GONE]	= "origin-gone",
	[VSS_INVALID_ORIGIN_ERROR]	= "origin-error",
};

static const char *const consistency_names[] = {
	[VSS_CONSISTENCY_FROZEN]	= "frozen",
	[VSS_CONSISTENCY_CRASH]		= "crash",
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Every attribute a reply may carry, nested ENTRY contents included (the
 * spec's snapshot-entry is a subset of this set). PAD and the request-only
 * VOLUME, ALL and OLDEST_OF are left NLA_UNSPEC.
 */
static const struct nla_policy snapshot_policy[VSS_A_SNAPSHOT_MAX + 1] = {
	[VSS_A_SNAPSHOT_ID]		= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_SNAPSHOT_SET_ID]		= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_SNAPSHOT_FLAGS]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SNAPSHOT_ORIGIN]		= { .type = NLA_STRING },
	[VSS_A_SNAPSHOT_DEVICE]		= { .type = NLA_STRING },
	[VSS_A_SNAPSHOT_CREATION_TIME]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_SNAPSHOT_STATE]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SNAPSHOT_INVALID_REASON]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SNAPSHOT_CONSISTENCY]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SNAPSHOT_FREEZE_WINDOW_NS] = { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_SNAPSHOT_ENTRY]		= { .type = NLA_NESTED },
	[VSS_A_SNAPSHOT_COUNT]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SNAPSHOT_STORAGE_USED_BYTES] = { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_SNAPSHOT_TOKEN]		= { .type = NLA_NESTED },
};

static struct nl_msg *snapshot_msg(const struct libvss_ctx *ctx, uint32_t seq,
				   uint8_t cmd, int flags, size_t attrlen)
{
	return vss_genl_msg_ext(ctx->family_id, cmd, VSS_FAMILY_VERSION,
				ctx->tp->portid, seq, flags, attrlen);
}

/* Origin and device in one allocation; returns the copy of @a. */
static char *dup_pair(const char *a, const char *b, const char **b_copy)
{
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;
	char *p = malloc(la + lb);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	memcpy(p + la, b, lb);
	*b_copy = p + la;
	return p;
}

/* ---- SNAPSHOT_CREATE ---- */

struct nl_msg *vss_snapshot_create_encode(const struct libvss_ctx *ctx,
					  uint32_t seq,
					  const char *const *volumes,
					  unsigned int n, uint32_t flags)
{
	size_t attrlen = NLA_ALIGN(NLA_HDRLEN + sizeof(flags));
	struct nl_msg *msg;
	unsigned int i;

	for (i = 0; i < n; i++)
		attrlen += vss_str_attr_size(volumes[i]);
	msg = snapshot_msg(ctx, seq, VSS_CMD_SNAPSHOT_CREATE, 0, attrlen);
	if (!msg)
		return NULL;
	/* The kernel takes every VOLUME, in order: a multi-attr. */
	for (i = 0; i < n; i++)
		if (nla_put_string(msg, VSS_A_SNAPSHOT_VOLUME, volumes[i]) < 0)
			goto fail;
	if (flags && nla_put_u32(msg, VSS_A_SNAPSHOT_FLAGS, flags) < 0)
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

static int entry_parse(struct nlattr *nest, struct snapset_entry *e,
		       const char **why)
{
	struct nlattr *tb[VSS_A_SNAPSHOT_MAX + 1];

	if (vss_attrs_parse(tb, VSS_A_SNAPSHOT_MAX, nla_data(nest),
			    nla_len(nest), snapshot_policy)) {
		*why = "reply has a malformed snapshot entry";
		return -EBADMSG;
	}
	if (!tb[VSS_A_SNAPSHOT_ID] || !tb[VSS_A_SNAPSHOT_ORIGIN] ||
	    !tb[VSS_A_SNAPSHOT_DEVICE]) {
		*why = "reply has a snapshot entry without id, origin or device";
		return -EBADMSG;
	}
	if (tb[VSS_A_SNAPSHOT_TOKEN]) {
		int ret = vss_token_from_nest(tb[VSS_A_SNAPSHOT_TOKEN],
					      &e->token, why);

		if (ret)
			return ret;
		e->has_token = true;
	}
	e->origin = dup_pair(nla_get_string(tb[VSS_A_SNAPSHOT_ORIGIN]),
			     nla_get_string(tb[VSS_A_SNAPSHOT_DEVICE]),
			     &e->device);
	if (!e->origin)
		return -ENOMEM;
	memcpy(e->id, nla_data(tb[VSS_A_SNAPSHOT_ID]), LIBVSS_ID_SIZE);
	return 0;
}

/* Every ENTRY of the reply, in order; vss_reply_parse() checked them all. */
static int entries_parse(struct nlmsghdr *nlh, struct libvss_snapset *set,
			 const char **why)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *pos;
	unsigned int n = 0;
	int rem, ret;

	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem)
		if (nla_type(pos) == VSS_A_SNAPSHOT_ENTRY)
			n++;
	if (!n) {
		*why = "SNAPSHOT_CREATE reply has no entry";
		return -EBADMSG;
	}
	set->entries = calloc(n, sizeof(*set->entries));
	if (!set->entries)
		return -ENOMEM;
	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		if (nla_type(pos) != VSS_A_SNAPSHOT_ENTRY)
			continue;
		ret = entry_parse(pos, &set->entries[set->n], why);
		if (ret)
			return ret;
		set->n++;
	}
	return 0;
}

int vss_snapshot_create_decode(const struct libvss_ctx *ctx,
			       struct nlmsghdr *nlh, void *arg,
			       const char **why)
{
	struct nlattr *tb[VSS_A_SNAPSHOT_MAX + 1];
	struct libvss_snapset **setp = arg, *set;
	int ret;

	if (*setp) {
		*why = "more than one SNAPSHOT_CREATE reply";
		return -EBADMSG;
	}
	ret = vss_reply_parse(ctx, nlh, VSS_CMD_SNAPSHOT_CREATE, tb,
			      VSS_A_SNAPSHOT_MAX, snapshot_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_SNAPSHOT_SET_ID] || !tb[VSS_A_SNAPSHOT_CONSISTENCY] ||
	    !tb[VSS_A_SNAPSHOT_FREEZE_WINDOW_NS]) {
		*why = "SNAPSHOT_CREATE reply lacks set-id, consistency or freeze-window-ns";
		return -EBADMSG;
	}
	set = calloc(1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	ret = entries_parse(nlh, set, why);
	if (ret) {
		libvss_snapset_free(set);
		return ret;
	}
	memcpy(set->id, nla_data(tb[VSS_A_SNAPSHOT_SET_ID]), LIBVSS_ID_SIZE);
	set->consistency = nla_get_u32(tb[VSS_A_SNAPSHOT_CONSISTENCY]);
	set->freeze_window_ns = nla_get_u64(tb[VSS_A_SNAPSHOT_FREEZE_WINDOW_NS]);
	*setp = set;
	return 0;
}

int vss_snapset_build(const uint8_t *id, uint32_t consistency,
		      uint64_t window_ns, struct nlattr *const *nests,
		      unsigned int n, struct libvss_snapset **setp,
		      const char **why)
{
	struct libvss_snapset *set;
	unsigned int i;
	int ret;

	*setp = NULL;
	set = calloc(1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	set->entries = n ? calloc(n, sizeof(*set->entries)) : NULL;
	if (n && !set->entries) {
		free(set);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		ret = entry_parse(nests[i], &set->entries[i], why);
		if (ret) {
			libvss_snapset_free(set);
			return ret;
		}
		set->n++;
	}
	memcpy(set->id, id, LIBVSS_ID_SIZE);
	set->consistency = consistency;
	set->freeze_window_ns = window_ns;
	*setp = set;
	return 0;
}

/* ---- SNAPSHOT_GET ---- */

struct nl_msg *vss_snapshot_get_encode(const struct libvss_ctx *ctx,
				       uint32_t seq, const uint8_t *id)
{
	struct nl_msg *msg;

	if (!id)
		return snapshot_msg(ctx, seq, VSS_CMD_SNAPSHOT_GET, NLM_F_DUMP, 0);
	msg = snapshot_msg(ctx, seq, VSS_CMD_SNAPSHOT_GET, 0, 0);
	if (msg && nla_put(msg, VSS_A_SNAPSHOT_ID, LIBVSS_ID_SIZE, id) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * One SNAPSHOT_GET reply, of a do or a dump part, into a new report.
 * STORAGE_USED_BYTES is optional: modules before file storage lack it.
 */
static int snapshot_parse(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			  struct libvss_snapshot **sp, const char **why)
{
	static const int required[] = {
		VSS_A_SNAPSHOT_ID, VSS_A_SNAPSHOT_SET_ID, VSS_A_SNAPSHOT_FLAGS,
		VSS_A_SNAPSHOT_ORIGIN, VSS_A_SNAPSHOT_DEVICE,
		VSS_A_SNAPSHOT_CREATION_TIME, VSS_A_SNAPSHOT_STATE,
		VSS_A_SNAPSHOT_INVALID_REASON, VSS_A_SNAPSHOT_CONSISTENCY,
		VSS_A_SNAPSHOT_FREEZE_WINDOW_NS,
	};
	struct nlattr *tb[VSS_A_SNAPSHOT_MAX + 1];
	const char *origin, *device;
	struct libvss_snapshot *s;
	struct vss_token token;
	size_t lo, ld, i;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_SNAPSHOT_GET, tb,
			      VSS_A_SNAPSHOT_MAX, snapshot_policy, why);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		if (!tb[required[i]]) {
			*why = "SNAPSHOT_GET reply lacks one of id, set-id, flags, origin, device, creation-time, state, invalid-reason, consistency, freeze-window-ns";
			return -EBADMSG;
		}
	}
	if (tb[VSS_A_SNAPSHOT_TOKEN]) {
		ret = vss_token_from_nest(tb[VSS_A_SNAPSHOT_TOKEN], &token, why);
		if (ret)
			return ret;
	}
	origin = nla_get_string(tb[VSS_A_SNAPSHOT_ORIGIN]);
	device = nla_get_string(tb[VSS_A_SNAPSHOT_DEVICE]);
	lo = strlen(origin) + 1;
	ld = strlen(device) + 1;
	s = malloc(sizeof(*s) + lo + ld);
	if (!s)
		return -ENOMEM;
	memcpy(s->strings, origin, lo);
	memcpy(s->strings + lo, device, ld);
	s->device = s->strings + lo;
	memcpy(s->id, nla_data(tb[VSS_A_SNAPSHOT_ID]), LIBVSS_ID_SIZE);
	memcpy(s->set_id, nla_data(tb[VSS_A_SNAPSHOT_SET_ID]), LIBVSS_ID_SIZE);
	s->flags = nla_get_u32(tb[VSS_A_SNAPSHOT_FLAGS]);
	s->creation_time_ns = nla_get_u64(tb[VSS_A_SNAPSHOT_CREATION_TIME]);
	s->state = nla_get_u32(tb[VSS_A_SNAPSHOT_STATE]);
	s->invalid_reason = nla_get_u32(tb[VSS_A_SNAPSHOT_INVALID_REASON]);
	s->consistency = nla_get_u32(tb[VSS_A_SNAPSHOT_CONSISTENCY]);
	s->freeze_window_ns = nla_get_u64(tb[VSS_A_SNAPSHOT_FREEZE_WINDOW_NS]);
	s->storage_used_bytes = tb[VSS_A_SNAPSHOT_STORAGE_USED_BYTES] ?
		nla_get_u64(tb[VSS_A_SNAPSHOT_STORAGE_USED_BYTES]) : 0;
	s->has_token = tb[VSS_A_SNAPSHOT_TOKEN] != NULL;
	if (s->has_token)
		s->token = token;
	*sp = s;
	return 0;
}

int vss_snapshot_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			void *arg, const char **why)
{
	struct libvss_snapshot **sp = arg;

	if (*sp) {
		*why = "more than one SNAPSHOT_GET reply";
		return -EBADMSG;
	}
	return snapshot_parse(ctx, nlh, sp, why);
}

int vss_snapshot_decode_part(const struct libvss_ctx *ctx,
			     struct nlmsghdr *nlh, void *arg,
			     const char **why)
{
	struct libvss_snapshot_list *l = arg;
	struct libvss_snapshot *s;
	int ret = snapshot_parse(ctx, nlh, &s, why);

	return ret ? ret : vss_objlist_add(&l->objs, s);
}

/* ---- SNAPSHOT_DELETE ---- */

struct nl_msg *vss_snapshot_delete_encode(const struct libvss_ctx *ctx,
					  uint32_t seq, uint16_t selector,
					  const void *key, size_t keylen)
{
	struct nl_msg *msg;
	int ret;

	if (selector != VSS_A_SNAPSHOT_ID && selector != VSS_A_SNAPSHOT_SET_ID &&
	    selector != VSS_A_SNAPSHOT_OLDEST_OF && selector != VSS_A_SNAPSHOT_ALL)
		return NULL;
	/* An OLDEST_OF path may take more than libnl's default of a page. */
	msg = snapshot_msg(ctx, seq, VSS_CMD_SNAPSHOT_DELETE, 0,
			   NLA_ALIGN(NLA_HDRLEN + keylen));
	if (!msg)
		return NULL;
	if (selector == VSS_A_SNAPSHOT_ALL)
		ret = nla_put_flag(msg, selector);
	else
		ret = nla_put(msg, selector, (int)keylen, key);
	if (ret < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int vss_snapshot_delete_decode(const struct libvss_ctx *ctx,
			       struct nlmsghdr *nlh, void *arg,
			       const char **why)
{
	struct nlattr *tb[VSS_A_SNAPSHOT_MAX + 1];
	struct vss_count *c = arg;
	int ret;

	if (c->seen) {
		*why = "more than one SNAPSHOT_DELETE reply";
		return -EBADMSG;
	}
	ret = vss_reply_parse(ctx, nlh, VSS_CMD_SNAPSHOT_DELETE, tb,
			      VSS_A_SNAPSHOT_MAX, snapshot_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_SNAPSHOT_COUNT]) {
		*why = "SNAPSHOT_DELETE reply lacks count";
		return -EBADMSG;
	}
	c->count = nla_get_u32(tb[VSS_A_SNAPSHOT_COUNT]);
	c->seen = true;
	return 0;
}

/* ---- entry points ---- */

LIBVSS_EXPORT int libvss_snapshot_create(struct libvss_ctx *ctx,
					 const char *const *volumes,
					 unsigned int n, uint32_t flags,
					 struct libvss_snapset **setp)
{
	struct libvss_snapset *set = NULL;
	unsigned int i;
	int ret;

	*setp = NULL;
	vss_ctx_clear_error(ctx);
	if (n && !volumes)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		ret = vss_check_path(volumes[i]);
		if (ret)
			return ret;
	}
	ret = vss_request(ctx, vss_snapshot_create_encode(ctx,
							  vss_ctx_next_seq(ctx),
							  volumes, n, flags),
			  vss_snapshot_create_decode, &set);
	ret = vss_need_reply(ctx, ret, set, "SNAPSHOT_CREATE");
	if (ret) {
		libvss_snapset_free(set);
		return ret;
	}
	*setp = set;
	return 0;
}

LIBVSS_EXPORT void libvss_snapset_free(struct libvss_snapset *set)
{
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		free(set->entries[i].origin);
	free(set->entries);
	free(set);
}

LIBVSS_EXPORT const uint8_t *libvss_snapset_id(const struct libvss_snapset *set)
{
	return set->id;
}

LIBVSS_EXPORT uint32_t
libvss_snapset_consistency(const struct libvss_snapset *set)
{
	return set->consistency;
}

LIBVSS_EXPORT uint64_t
libvss_snapset_freeze_window_ns(const struct libvss_snapset *set)
{
	return set->freeze_window_ns;
}

LIBVSS_EXPORT unsigned int libvss_snapset_count(const struct libvss_snapset *set)
{
	return set->n;
}

LIBVSS_EXPORT const uint8_t *
libvss_snapset_entry_id(const struct libvss_snapset *set, unsigned int i)
{
	return i < set->n ? set->entries[i].id : NULL;
}

LIBVSS_EXPORT const char *
libvss_snapset_entry_origin(const struct libvss_snapset *set, unsigned int i)
{
	return i < set->n ? set->entries[i].origin : NULL;
}

LIBVSS_EXPORT const char *
libvss_snapset_entry_device(const struct libvss_snapset *set, unsigned int i)
{
	return i < set->n ? set->entries[i].device : NULL;
}

LIBVSS_EXPORT int libvss_snapshot_get(struct libvss_ctx *ctx,
				      const uint8_t id[LIBVSS_ID_SIZE],
				      struct libvss_snapshot **snapp)
{
	struct libvss_snapshot *s = NULL;
	int ret;

	*snapp = NULL;
	vss_ctx_clear_error(ctx);
	if (!id)
		return -EINVAL;
	ret = vss_request(ctx, vss_snapshot_get_encode(ctx, vss_ctx_next_seq(ctx),
						       id),
			  vss_snapshot_decode, &s);
	ret = vss_need_reply(ctx, ret, s, "SNAPSHOT_GET");
	if (ret) {
		libvss_snapshot_free(s);
		return ret;
	}
	*snapp = s;
	return 0;
}

LIBVSS_EXPORT void libvss_snapshot_free(struct libvss_snapshot *snap)
{
	free(snap);
}

LIBVSS_EXPORT int libvss_snapshot_list(struct libvss_ctx *ctx,
				       struct libvss_snapshot_list **listp)
{
	struct libvss_snapshot_list *l;
	int ret;

	*listp = NULL;
	vss_ctx_clear_error(ctx);
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	ret = vss_request(ctx, vss_snapshot_get_encode(ctx, vss_ctx_next_seq(ctx),
						       NULL),
			  vss_snapshot_decode_part, l);
	if (ret) {
		libvss_snapshot_list_free(l);
		return ret;
	}
	*listp = l;
	return 0;
}

LIBVSS_EXPORT void libvss_snapshot_list_free(struct libvss_snapshot_list *list)
{
	if (!list)
		return;
	vss_objlist_free(&list->objs);
	free(list);
}

LIBVSS_EXPORT unsigned int
libvss_snapshot_list_count(const struct libvss_snapshot_list *list)
{
	return list->objs.n;
}

LIBVSS_EXPORT const struct libvss_snapshot *
libvss_snapshot_list_entry(const struct libvss_snapshot_list *list,
			   unsigned int i)
{
	return vss_objlist_entry(&list->objs, i);
}

LIBVSS_EXPORT const uint8_t *
libvss_snapshot_id(const struct libvss_snapshot *snap)
{
	return snap->id;
}

LIBVSS_EXPORT const uint8_t *
libvss_snapshot_set_id(const struct libvss_snapshot *snap)
{
	return snap->set_id;
}

LIBVSS_EXPORT uint32_t libvss_snapshot_flags(const struct libvss_snapshot *snap)
{
	return snap->flags;
}

LIBVSS_EXPORT const char *
libvss_snapshot_origin(const struct libvss_snapshot *snap)
{
	return snap->strings;
}

LIBVSS_EXPORT const char *
libvss_snapshot_device(const struct libvss_snapshot *snap)
{
	return snap->device;
}

LIBVSS_EXPORT uint64_t
libvss_snapshot_creation_time_ns(const struct libvss_snapshot *snap)
{
	return snap->creation_time_ns;
}

LIBVSS_EXPORT uint32_t libvss_snapshot_state(const struct libvss_snapshot *snap)
{
	return snap->state;
}

LIBVSS_EXPORT uint32_t
libvss_snapshot_invalid_reason(const struct libvss_snapshot *snap)
{
	return snap->invalid_reason;
}

LIBVSS_EXPORT uint32_t
libvss_snapshot_consistency(const struct libvss_snapshot *snap)
{
	return snap->consistency;
}

LIBVSS_EXPORT uint64_t
libvss_snapshot_freeze_window_ns(const struct libvss_snapshot *snap)
{
	return snap->freeze_window_ns;
}

LIBVSS_EXPORT uint64_t
libvss_snapshot_storage_used_bytes(const struct libvss_snapshot *snap)
{
	return snap->storage_used_bytes;
}

LIBVSS_EXPORT int libvss_snapshot_token(const struct libvss_snapshot *snap,
					char *buf, size_t len)
{
	if (!snap->has_token)
		return -ENODATA;
	return vss_token_format(&snap->token, buf, len);
}

LIBVSS_EXPORT int libvss_snapset_entry_token(const struct libvss_snapset *set,
					     unsigned int i, char *buf,
					     size_t len)
{
	if (i >= set->n)
		return -EINVAL;
	if (!set->entries[i].has_token)
		return -ENODATA;
	return vss_token_format(&set->entries[i].token, buf, len);
}

/* The exchange of every selector. */
static int snapshot_delete(struct libvss_ctx *ctx, uint16_t selector,
			   const void *key, size_t keylen, unsigned int *count)
{
	struct vss_count c = { 0 };
	int ret;

	if (count)
		*count = 0;
	ret = vss_request(ctx, vss_snapshot_delete_encode(ctx,
							  vss_ctx_next_seq(ctx),
							  selector, key,
							  keylen),
			  vss_snapshot_delete_decode, &c);
	ret = vss_need_reply(ctx, ret, c.seen, "SNAPSHOT_DELETE");
	if (!ret && count)
		*count = c.count;
	return ret;
}

LIBVSS_EXPORT int libvss_snapshot_delete_id(struct libvss_ctx *ctx,
					    const uint8_t id[LIBVSS_ID_SIZE],
					    unsigned int *count)
{
	vss_ctx_clear_error(ctx);
	if (!id)
		return -EINVAL;
	return snapshot_delete(ctx, VSS_A_SNAPSHOT_ID, id, LIBVSS_ID_SIZE,
			       count);
}

LIBVSS_EXPORT int libvss_snapshot_delete_set(struct libvss_ctx *ctx,
					     const uint8_t set_id[LIBVSS_ID_SIZE],
					     unsigned int *count)
{
	vss_ctx_clear_error(ctx);
	if (!set_id)
		return -EINVAL;
	return snapshot_delete(ctx, VSS_A_SNAPSHOT_SET_ID, set_id,
			       LIBVSS_ID_SIZE, count);
}

LIBVSS_EXPORT int libvss_snapshot_delete_oldest(struct libvss_ctx *ctx,
						const char *origin,
						unsigned int *count)
{
	int ret;

	vss_ctx_clear_error(ctx);
	ret = vss_check_path(origin);
	if (ret)
		return ret;
	return snapshot_delete(ctx, VSS_A_SNAPSHOT_OLDEST_OF, origin,
			       strlen(origin) + 1, count);
}

LIBVSS_EXPORT int libvss_snapshot_delete_all(struct libvss_ctx *ctx,
					     unsigned int *count)
{
	vss_ctx_clear_error(ctx);
	return snapshot_delete(ctx, VSS_A_SNAPSHOT_ALL, NULL, 0, count);
}

static const char *enum_name(const char *const *names, size_t n, uint32_t v)
{
	return v < n ? names[v] : NULL;
}

LIBVSS_EXPORT const char *libvss_snapshot_state_name(uint32_t state)
{
	return enum_name(state_names, ARRAY_SIZE(state_names), state);
}

LIBVSS_EXPORT const char *libvss_invalid_reason_name(uint32_t reason)
{
	return enum_name(invalid_reason_names, ARRAY_SIZE(invalid_reason_names),
			 reason);
}

LIBVSS_EXPORT const char *libvss_consistency_name(uint32_t consistency)
{
	return enum_name(consistency_names, ARRAY_SIZE(consistency_names),
			 consistency);
}
