// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sessions as the module reports them to anyone with CAP_SYS_ADMIN:
 * SESSION_GET of one (with every writer's status in it) or a dump of all.
 * Also what every session request shares: the message with its id, and the
 * policy of the session attribute set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct libvss_session {
	uint32_t id, owner, type, state, op, error, status, backup_type;
	bool has_set_id;
	uint8_t set_id[LIBVSS_ID_SIZE];
	unsigned int nr_writers;
	struct libvss_writer_info *writers;
};

struct libvss_session_list {
	unsigned int n, cap;
	struct libvss_session *items;
};

/*
 * Every attribute a reply, completion or event may carry. Documents are
 * NLA_STRING: nla_get_string() needs their NUL, which the policy checks.
 */
const struct nla_policy vss_session_policy[VSS_A_SESSION_MAX + 1] = {
	[VSS_A_SESSION_ID]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_TYPE]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_STATE]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_OP]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_SEQ]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_ERROR]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_STATUS]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_SET_ID]		= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_SESSION_BACKUP_TYPE]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_FLAGS]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_VOLUME]		= { .type = NLA_STRING },
	[VSS_A_SESSION_BACKUP_DOCUMENT]	= { .type = NLA_STRING },
	[VSS_A_SESSION_EVENT]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_WRITER_ID]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_MESSAGE]		= { .type = NLA_STRING },
	[VSS_A_SESSION_WRITER_METADATA]	= { .type = NLA_STRING },
	[VSS_A_SESSION_RESTORE_STATUS]	= { .type = NLA_STRING },
	[VSS_A_SESSION_WRITER]		= { .type = NLA_NESTED },
	[VSS_A_SESSION_SNAPSHOT]	= { .type = NLA_NESTED },
	[VSS_A_SESSION_CONSISTENCY]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_FREEZE_WINDOW_NS] = { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_SESSION_OWNER]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_SESSION_COUNT]		= { .type = NLA_U32, .maxlen = 4 },
};

struct nl_msg *vss_session_msg(const struct libvss_ctx *ctx, uint32_t seq,
			       uint8_t cmd, uint32_t id, size_t attrlen)
{
	struct nl_msg *msg;

	msg = vss_genl_msg_ext(ctx->family_id, cmd, VSS_FAMILY_VERSION,
			       ctx->tp->portid, seq, 0,
			       attrlen + NLA_ALIGN(NLA_HDRLEN + sizeof(id)) +
			       NLA_ALIGN(NLA_HDRLEN + sizeof(uint32_t)));
	if (msg && nla_put_u32(msg, VSS_A_SESSION_ID, id) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static uint32_t get_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

static int session_parse(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			 struct libvss_session *s, const char **why)
{
	struct nlattr *tb[VSS_A_SESSION_MAX + 1];
	int ret;

	memset(s, 0, sizeof(*s));
	ret = vss_reply_parse(ctx, nlh, VSS_CMD_SESSION_GET, tb,
			      VSS_A_SESSION_MAX, vss_session_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_SESSION_ID] || !tb[VSS_A_SESSION_TYPE] ||
	    !tb[VSS_A_SESSION_STATE]) {
		*why = "SESSION_GET reply lacks id, type or state";
		return -EBADMSG;
	}
	s->id = get_u32(tb, VSS_A_SESSION_ID);
	s->owner = get_u32(tb, VSS_A_SESSION_OWNER);
	s->type = get_u32(tb, VSS_A_SESSION_TYPE);
	s->state = get_u32(tb, VSS_A_SESSION_STATE);
	s->op = get_u32(tb, VSS_A_SESSION_OP);
	s->error = get_u32(tb, VSS_A_SESSION_ERROR);
	s->status = get_u32(tb, VSS_A_SESSION_STATUS);
	s->backup_type = get_u32(tb, VSS_A_SESSION_BACKUP_TYPE);
	if (tb[VSS_A_SESSION_SET_ID]) {
		s->has_set_id = true;
		memcpy(s->set_id, nla_data(tb[VSS_A_SESSION_SET_ID]),
		       LIBVSS_ID_SIZE);
	}
	return vss_writer_infos_parse(nlh, &s->writers, &s->nr_writers, why);
}

static int session_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			  void *arg, const char **why)
{
	struct libvss_session **sp = arg;
	struct libvss_session *s;
	int ret;

	if (*sp) {
		*why = "more than one SESSION_GET reply";
		return -EBADMSG;
	}
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = session_parse(ctx, nlh, s, why);
	if (ret) {
		free(s);
		return ret;
	}
	*sp = s;
	return 0;
}

static int session_decode_part(const struct libvss_ctx *ctx,
			       struct nlmsghdr *nlh, void *arg,
			       const char **why)
{
	struct libvss_session_list *l = arg;
	int ret;

	if (l->n == l->cap) {
		unsigned int cap = l->cap ? 2 * l->cap : 8;
		struct libvss_session *items;

		items = realloc(l->items, cap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	ret = session_parse(ctx, nlh, &l->items[l->n], why);
	if (!ret)
		l->n++;
	return ret;
}

LIBVSS_EXPORT int libvss_session_get(struct libvss_ctx *ctx, uint32_t id,
				     struct libvss_session **sp)
{
	struct libvss_session *s = NULL;
	int ret;

	*sp = NULL;
	vss_ctx_clear_error(ctx);
	ret = vss_request(ctx, vss_session_msg(ctx, vss_ctx_next_seq(ctx),
					       VSS_CMD_SESSION_GET, id, 0),
			  session_decode, &s);
	ret = vss_need_reply(ctx, ret, s, "SESSION_GET");
	if (ret) {
		libvss_session_free(s);
		return ret;
	}
	*sp = s;
	return 0;
}

LIBVSS_EXPORT void libvss_session_free(struct libvss_session *s)
{
	if (!s)
		return;
	vss_writer_infos_free(s->writers, s->nr_writers);
	free(s);
}

LIBVSS_EXPORT int libvss_session_list(struct libvss_ctx *ctx,
				      struct libvss_session_list **listp)
{
	struct libvss_session_list *l;
	int ret;

	*listp = NULL;
	vss_ctx_clear_error(ctx);
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	ret = vss_request(ctx, vss_genl_msg_ext(ctx->family_id,
						VSS_CMD_SESSION_GET,
						VSS_FAMILY_VERSION,
						ctx->tp->portid,
						vss_ctx_next_seq(ctx),
						NLM_F_DUMP, 0),
			  session_decode_part, l);
	if (ret) {
		libvss_session_list_free(l);
		return ret;
	}
	*listp = l;
	return 0;
}

LIBVSS_EXPORT void libvss_session_list_free(struct libvss_session_list *list)
{
	unsigned int i;

	if (!list)
		return;
	for (i = 0; i < list->n; i++)
		vss_writer_infos_free(list->items[i].writers,
				      list->items[i].nr_writers);
	free(list->items);
	free(list);
}

LIBVSS_EXPORT unsigned int
libvss_session_list_count(const struct libvss_session_list *list)
{
	return list->n;
}

LIBVSS_EXPORT const struct libvss_session *
libvss_session_list_entry(const struct libvss_session_list *list,
			  unsigned int i)
{
	return i < list->n ? &list->items[i] : NULL;
}

#define S_GETTER(field)							\
LIBVSS_EXPORT uint32_t libvss_session_##field(const struct libvss_session *s) \
{									\
	return s->field;						\
}

S_GETTER(id)
S_GETTER(owner)
S_GETTER(type)
S_GETTER(state)
S_GETTER(op)
S_GETTER(error)
S_GETTER(status)
S_GETTER(backup_type)

LIBVSS_EXPORT const uint8_t *libvss_session_set_id(const struct libvss_session *s)
{
	return s->has_set_id ? s->set_id : NULL;
}

LIBVSS_EXPORT unsigned int
libvss_session_writer_count(const struct libvss_session *s)
{
	return s->nr_writers;
}

LIBVSS_EXPORT const struct libvss_writer_info *
libvss_session_writer(const struct libvss_session *s, unsigned int i)
{
	return i < s->nr_writers ? &s->writers[i] : NULL;
}

/*
 * Unlike libvss_backup_abort(), from any context: the module lets any
 * administrator abort a session, and its owner sees what its own abort
 * would have given it.
 */
LIBVSS_EXPORT int libvss_session_abort(struct libvss_ctx *ctx, uint32_t id)
{
	vss_ctx_clear_error(ctx);
	return vss_request(ctx, vss_session_msg(ctx, vss_ctx_next_seq(ctx),
						VSS_CMD_SESSION_ABORT, id, 0),
			   NULL, NULL);
}
