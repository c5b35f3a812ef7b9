// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A writer's registration and status, as three replies carry it with the
 * same attributes (enum vss_a_writer): WRITER_GET (its last session), and
 * the VSS_A_SESSION_WRITER nests of completions and SESSION_GET (one
 * session). One decoder and one set of getters serve all three; the
 * WRITER_GET dump is libvss_writer_list(), its do libvss_writer_get().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct libvss_writer_list {
	unsigned int n, cap;
	struct libvss_writer_info *items;
};

const struct nla_policy vss_writer_policy[VSS_A_WRITER_MAX + 1] = {
	[VSS_A_WRITER_ID]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_CLASS_ID]		= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_WRITER_INSTANCE_ID]	= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_WRITER_NAME]		= { .type = NLA_STRING },
	[VSS_A_WRITER_INSTANCE_NAME]	= { .type = NLA_STRING },
	[VSS_A_WRITER_USAGE_TYPE]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_SOURCE_TYPE]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_LEVEL]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_FREEZE_TIMEOUT_MS] = { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_PORTID]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_STATE]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_FAILURE]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_ERROR]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_MESSAGE]		= { .type = NLA_STRING },
	[VSS_A_WRITER_SESSION_ID]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_WRITER_SELECTED]		= { .type = NLA_FLAG },
};

static uint32_t get_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

/* Copies a string attribute, cut to @size (the kernel's own limits). */
static void get_str(struct nlattr **tb, int type, char *buf, size_t size)
{
	buf[0] = '\0';
	if (tb[type])
		snprintf(buf, size, "%s", nla_get_string(tb[type]));
}

int vss_writer_info_parse(struct nlattr **tb, struct libvss_writer_info *wi,
			  const char **why)
{
	memset(wi, 0, sizeof(*wi));
	/* Every source has the identity and the state; the rest varies. */
	if (!tb[VSS_A_WRITER_ID] || !tb[VSS_A_WRITER_CLASS_ID] ||
	    !tb[VSS_A_WRITER_INSTANCE_ID] || !tb[VSS_A_WRITER_NAME] ||
	    !tb[VSS_A_WRITER_LEVEL] || !tb[VSS_A_WRITER_STATE]) {
		*why = "writer status lacks id, class id, instance id, name, level or state";
		return -EBADMSG;
	}
	wi->id = get_u32(tb, VSS_A_WRITER_ID);
	memcpy(wi->class_id, nla_data(tb[VSS_A_WRITER_CLASS_ID]), LIBVSS_ID_SIZE);
	memcpy(wi->instance_id, nla_data(tb[VSS_A_WRITER_INSTANCE_ID]),
	       LIBVSS_ID_SIZE);
	get_str(tb, VSS_A_WRITER_NAME, wi->name, sizeof(wi->name));
	get_str(tb, VSS_A_WRITER_INSTANCE_NAME, wi->instance_name,
		sizeof(wi->instance_name));
	wi->level = get_u32(tb, VSS_A_WRITER_LEVEL);
	wi->usage_type = get_u32(tb, VSS_A_WRITER_USAGE_TYPE);
	wi->source_type = get_u32(tb, VSS_A_WRITER_SOURCE_TYPE);
	wi->freeze_timeout_ms = get_u32(tb, VSS_A_WRITER_FREEZE_TIMEOUT_MS);
	wi->portid = get_u32(tb, VSS_A_WRITER_PORTID);
	wi->state = get_u32(tb, VSS_A_WRITER_STATE);
	wi->failure = get_u32(tb, VSS_A_WRITER_FAILURE);
	wi->error = get_u32(tb, VSS_A_WRITER_ERROR);
	get_str(tb, VSS_A_WRITER_MESSAGE, wi->message, sizeof(wi->message));
	wi->session_id = get_u32(tb, VSS_A_WRITER_SESSION_ID);
	wi->selected = tb[VSS_A_WRITER_SELECTED] != NULL;
	return 0;
}

int vss_writer_infos_parse(struct nlmsghdr *nlh,
			   struct libvss_writer_info **wip, unsigned int *np,
			   const char **why)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *tb[VSS_A_WRITER_MAX + 1];
	struct libvss_writer_info *wi;
	struct nlattr *pos;
	unsigned int n = 0;
	int rem, ret;

	*wip = NULL;
	*np = 0;
	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
			  rem)
		if (nla_type(pos) == VSS_A_SESSION_WRITER)
			n++;
	if (!n)
		return 0;
	wi = calloc(n, sizeof(*wi));
	if (!wi)
		return -ENOMEM;
	n = 0;
	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
			  rem) {
		if (nla_type(pos) != VSS_A_SESSION_WRITER)
			continue;
		if (vss_attrs_parse(tb, VSS_A_WRITER_MAX, nla_data(pos),
				    nla_len(pos), vss_writer_policy)) {
			*why = "malformed writer status";
			ret = -EBADMSG;
		} else {
			ret = vss_writer_info_parse(tb, &wi[n], why);
		}
		if (ret) {
			vss_writer_infos_free(wi, n);
			return ret;
		}
		n++;
	}
	*wip = wi;
	*np = n;
	return 0;
}

void vss_writer_infos_free(struct libvss_writer_info *wi, unsigned int n)
{
	(void)n;
	free(wi);
}

/* ---- WRITER_GET dump ---- */

static int writer_decode_part(const struct libvss_ctx *ctx,
			      struct nlmsghdr *nlh, void *arg,
			      const char **why)
{
	struct nlattr *tb[VSS_A_WRITER_MAX + 1];
	struct libvss_writer_list *l = arg;
	int ret;

	if (l->n == l->cap) {
		unsigned int cap = l->cap ? 2 * l->cap : 8;
		struct libvss_writer_info *items;

		items = realloc(l->items, cap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	ret = vss_reply_parse(ctx, nlh, VSS_CMD_WRITER_GET, tb, VSS_A_WRITER_MAX,
			      vss_writer_policy, why);
	if (!ret)
		ret = vss_writer_info_parse(tb, &l->items[l->n], why);
	if (!ret)
		l->n++;
	return ret;
}

LIBVSS_EXPORT int libvss_writer_list(struct libvss_ctx *ctx,
				     struct libvss_writer_list **listp)
{
	struct libvss_writer_list *l;
	int ret;

	*listp = NULL;
	vss_ctx_clear_error(ctx);
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	ret = vss_request(ctx, vss_genl_msg_ext(ctx->family_id, VSS_CMD_WRITER_GET,
						VSS_FAMILY_VERSION,
						ctx->tp->portid,
						vss_ctx_next_seq(ctx),
						NLM_F_DUMP, 0),
			  writer_decode_part, l);
	if (ret) {
		libvss_writer_list_free(l);
		return ret;
	}
	*listp = l;
	return 0;
}

LIBVSS_EXPORT void libvss_writer_list_free(struct libvss_writer_list *list)
{
	if (!list)
		return;
	vss_writer_infos_free(list->items, list->n);
	free(list);
}

LIBVSS_EXPORT unsigned int
libvss_writer_list_count(const struct libvss_writer_list *list)
{
	return list->n;
}

LIBVSS_EXPORT const struct libvss_writer_info *
libvss_writer_list_entry(const struct libvss_writer_list *list, unsigned int i)
{
	return i < list->n ? &list->items[i] : NULL;
}

/* ---- WRITER_GET do: one writer by id ---- */

struct writer_get {
	uint32_t id;
	struct libvss_writer_info *wi;
};

static int writer_decode_one(const struct libvss_ctx *ctx,
			     struct nlmsghdr *nlh, void *arg, const char **why)
{
	struct nlattr *tb[VSS_A_WRITER_MAX + 1];
	struct writer_get *g = arg;
	struct libvss_writer_info *wi;
	int ret;

	if (g->wi) {
		*why = "more than one WRITER_GET reply";
		return -EBADMSG;
	}
	wi = malloc(sizeof(*wi));
	if (!wi)
		return -ENOMEM;
	ret = vss_reply_parse(ctx, nlh, VSS_CMD_WRITER_GET, tb, VSS_A_WRITER_MAX,
			      vss_writer_policy, why);
	if (!ret)
		ret = vss_writer_info_parse(tb, wi, why);
	/* The caller would take it for the writer it asked about. */
	if (!ret && wi->id != g->id) {
		*why = "WRITER_GET reply is another writer's";
		ret = -EBADMSG;
	}
	if (ret) {
		free(wi);
		return ret;
	}
	g->wi = wi;
	return 0;
}

/* The kernel has the do (vss_nl_writer_get_doit): no dump to filter. */
LIBVSS_EXPORT int libvss_writer_get(struct libvss_ctx *ctx, uint32_t id,
				    struct libvss_writer_info **wip)
{
	struct writer_get g = { .id = id };
	struct nl_msg *msg;
	int ret;

	*wip = NULL;
	vss_ctx_clear_error(ctx);
	msg = vss_genl_msg_ext(ctx->family_id, VSS_CMD_WRITER_GET,
			       VSS_FAMILY_VERSION, ctx->tp->portid,
			       vss_ctx_next_seq(ctx), 0,
			       NLA_ALIGN(NLA_HDRLEN + sizeof(id)));
	if (msg && nla_put_u32(msg, VSS_A_WRITER_ID, id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = vss_request(ctx, msg, writer_decode_one, &g);
	ret = vss_need_reply(ctx, ret, g.wi, "WRITER_GET");
	if (ret) {
		free(g.wi);
		return ret;
	}
	*wip = g.wi;
	return 0;
}

LIBVSS_EXPORT void libvss_writer_info_free(struct libvss_writer_info *wi)
{
	free(wi);
}

/* ---- getters ---- */

#define WI_GETTER(type, field)						\
LIBVSS_EXPORT type libvss_writer_info_##field(const struct libvss_writer_info *wi) \
{									\
	return wi->field;						\
}

WI_GETTER(uint32_t, id)
WI_GETTER(const uint8_t *, class_id)
WI_GETTER(const uint8_t *, instance_id)
WI_GETTER(const char *, name)
WI_GETTER(const char *, instance_name)
WI_GETTER(uint32_t, level)
WI_GETTER(uint32_t, usage_type)
WI_GETTER(uint32_t, source_type)
WI_GETTER(uint32_t, freeze_timeout_ms)
WI_GETTER(uint32_t, portid)
WI_GETTER(uint32_t, state)
WI_GETTER(uint32_t, failure)
WI_GETTER(uint32_t, error)
WI_GETTER(const char *, message)
WI_GETTER(uint32_t, session_id)

LIBVSS_EXPORT int libvss_writer_info_selected(const struct libvss_writer_info *wi)
{
	return wi->selected;
}
