// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The writer: CVssWriter over a writer registration bound to the context's
 * socket. libvss_process() hands each WRITER_EVENT_NTF here: the event is
 * decoded, the writer's callback runs, and its verdict goes back as
 * WRITER_EVENT_DONE (Identify's with the metadata document, PreRestore's
 * and PostRestore's with the restore status). Abort and BackupShutdown
 * take no answer.
 *
 * The writer also keeps, per session, the set id from PrepareForSnapshot
 * through PostSnapshot, which is all GetCurrentSnapshotSetId may return; a
 * writer in two sessions at once keeps two.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Volumes an event lists: at most a set's. */
#define VSS_EVENT_VOLUMES_MAX	64

struct libvss_event {
	uint32_t type, session_id, backup_type;
	bool has_set_id;
	uint8_t set_id[LIBVSS_ID_SIZE];
	unsigned int nr_volumes;
	const char *volumes[VSS_EVENT_VOLUMES_MAX];
	const char *document;
};

/* A session the writer takes part in, until its BackupShutdown. */
struct writer_session {
	struct writer_session *next;
	uint32_t id;
	bool in_set;			/* PrepareForSnapshot to PostSnapshot */
	uint8_t set_id[LIBVSS_ID_SIZE];
};

struct libvss_writer {
	struct libvss_ctx *ctx;		/* NULL once the context is closed */
	struct libvss_writer *next;	/* in ctx->writers */
	struct libvss_writer_ops ops;
	void *data;
	uint32_t id;			/* 0 while not registered */
	char *instance_name;
	uint32_t usage_type, source_type, freeze_timeout_ms;
	char *metadata;
	struct writer_session *sessions;

	/* The event being handled, and what its answer carries. */
	const struct libvss_event *cur;
	struct writer_session *cur_session;
	int fail_error;
	char fail_message[VSS_MESSAGE_MAX];
	char *restore_status;
};

LIBVSS_EXPORT int libvss_writer_new(struct libvss_ctx *ctx,
				    const struct libvss_writer_ops *ops,
				    void *data, struct libvss_writer **wp)
{
	struct libvss_writer *w;

	*wp = NULL;
	if (!ops)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ctx = ctx;
	w->ops = *ops;
	w->data = data;
	w->next = ctx->writers;
	ctx->writers = w;
	*wp = w;
	return 0;
}

static void forget_sessions(struct libvss_writer *w)
{
	struct writer_session *s;

	while ((s = w->sessions)) {
		w->sessions = s->next;
		free(s);
	}
}

static void unlink_writer(struct libvss_writer *w)
{
	struct libvss_writer **pp;

	for (pp = &w->ctx->writers; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	w->ctx = NULL;
}

void vss_writer_detach_all(struct libvss_ctx *ctx)
{
	/* The socket's closing unregisters them in the kernel. */
	while (ctx->writers) {
		ctx->writers->id = 0;
		unlink_writer(ctx->writers);
	}
}

LIBVSS_EXPORT void libvss_writer_free(struct libvss_writer *w)
{
	if (!w)
		return;
	if (w->ctx) {
		if (w->id)
			libvss_writer_unregister(w);
		unlink_writer(w);
	}
	forget_sessions(w);
	free(w->instance_name);
	free(w->metadata);
	free(w->restore_status);
	free(w);
}

/* ---- registration ---- */

LIBVSS_EXPORT int libvss_writer_set_instance_name(struct libvss_writer *w,
						  const char *name)
{
	char *copy = NULL;

	if (w->id)
		return -EBUSY;
	if (name && strnlen(name, VSS_WRITER_NAME_MAX) == VSS_WRITER_NAME_MAX)
		return -ENAMETOOLONG;
	if (name && !(copy = strdup(name)))
		return -ENOMEM;
	free(w->instance_name);
	w->instance_name = copy;
	return 0;
}

LIBVSS_EXPORT int libvss_writer_set_usage_type(struct libvss_writer *w,
					       uint32_t usage_type)
{
	if (w->id)
		return -EBUSY;
	w->usage_type = usage_type;
	return 0;
}

LIBVSS_EXPORT int libvss_writer_set_source_type(struct libvss_writer *w,
						uint32_t source_type)
{
	if (w->id)
		return -EBUSY;
	w->source_type = source_type;
	return 0;
}

LIBVSS_EXPORT int libvss_writer_set_freeze_timeout_ms(struct libvss_writer *w,
						      uint32_t ms)
{
	if (w->id)
		return -EBUSY;
	w->freeze_timeout_ms = ms;
	return 0;
}

static int set_document(char **dst, const char *doc)
{
	char *copy = NULL;

	if (doc && strnlen(doc, VSS_DOCUMENT_MAX) == VSS_DOCUMENT_MAX)
		return -E2BIG;
	if (doc && !(copy = strdup(doc)))
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

LIBVSS_EXPORT int libvss_writer_set_metadata(struct libvss_writer *w,
					     const char *document)
{
	return set_document(&w->metadata, document);
}

static int register_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			   void *arg, const char **why)
{
	struct nlattr *tb[VSS_A_WRITER_MAX + 1];
	uint32_t *id = arg;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_WRITER_REGISTER, tb,
			      VSS_A_WRITER_MAX, vss_writer_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_WRITER_ID] || !nla_get_u32(tb[VSS_A_WRITER_ID])) {
		*why = "WRITER_REGISTER reply lacks the writer id";
		return -EBADMSG;
	}
	*id = nla_get_u32(tb[VSS_A_WRITER_ID]);
	return 0;
}

LIBVSS_EXPORT int libvss_writer_register(struct libvss_writer *w,
					 const uint8_t class_id[LIBVSS_ID_SIZE],
					 const uint8_t instance_id[LIBVSS_ID_SIZE],
					 const char *name, uint32_t level)
{
	struct libvss_ctx *ctx = w->ctx;
	struct nl_msg *msg;
	uint32_t id = 0;
	int ret;

	if (!ctx)
		return -ENOTCONN;
	if (w->id)
		return -EALREADY;
	if (!class_id || !instance_id || !name || !name[0])
		return -EINVAL;
	if (strnlen(name, VSS_WRITER_NAME_MAX) == VSS_WRITER_NAME_MAX)
		return -ENAMETOOLONG;
	vss_ctx_clear_error(ctx);
	msg = vss_genl_msg(ctx->family_id, VSS_CMD_WRITER_REGISTER,
			   VSS_FAMILY_VERSION, ctx->tp->portid,
			   vss_ctx_next_seq(ctx));
	if (msg &&
	    (nla_put(msg, VSS_A_WRITER_CLASS_ID, LIBVSS_ID_SIZE, class_id) < 0 ||
	     nla_put(msg, VSS_A_WRITER_INSTANCE_ID, LIBVSS_ID_SIZE, instance_id) < 0 ||
	     nla_put_string(msg, VSS_A_WRITER_NAME, name) < 0 ||
	     (w->instance_name &&
	      nla_put_string(msg, VSS_A_WRITER_INSTANCE_NAME, w->instance_name) < 0) ||
	     (w->usage_type &&
	      nla_put_u32(msg, VSS_A_WRITER_USAGE_TYPE, w->usage_type) < 0) ||
	     (w->source_type &&
	      nla_put_u32(msg, VSS_A_WRITER_SOURCE_TYPE, w->source_type) < 0) ||
	     nla_put_u32(msg, VSS_A_WRITER_LEVEL, level) < 0 ||
	     (w->freeze_timeout_ms &&
	      nla_put_u32(msg, VSS_A_WRITER_FREEZE_TIMEOUT_MS,
			  w->freeze_timeout_ms) < 0))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = vss_request(ctx, msg, register_decode, &id);
	ret = vss_need_reply(ctx, ret, id, "WRITER_REGISTER");
	if (!ret)
		w->id = id;
	return ret;
}

LIBVSS_EXPORT int libvss_writer_unregister(struct libvss_writer *w)
{
	struct libvss_ctx *ctx = w->ctx;
	struct nl_msg *msg;
	int ret;

	if (!ctx || !w->id)
		return -ENOENT;
	vss_ctx_clear_error(ctx);
	msg = vss_genl_msg(ctx->family_id, VSS_CMD_WRITER_UNREGISTER,
			   VSS_FAMILY_VERSION, ctx->tp->portid,
			   vss_ctx_next_seq(ctx));
	if (msg && nla_put_u32(msg, VSS_A_WRITER_ID, w->id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = vss_request(ctx, msg, NULL, NULL);
	/* Gone either way but for ENOMEM: the kernel knows it no more. */
	if (ret != -ENOMEM) {
		w->id = 0;
		forget_sessions(w);
	}
	return ret;
}

LIBVSS_EXPORT uint32_t libvss_writer_id(const struct libvss_writer *w)
{
	return w->id;
}

/* ---- inside a callback ---- */

LIBVSS_EXPORT int libvss_writer_set_failure(struct libvss_writer *w, int error,
					    const char *message)
{
	if (!w->cur)
		return -EBADFD;
	if (error < 0 || error > 4095)
		return -ERANGE;
	w->fail_error = error;
	snprintf(w->fail_message, sizeof(w->fail_message), "%s",
		 message ? message : "");
	return 0;
}

LIBVSS_EXPORT int libvss_writer_set_restore_status(struct libvss_writer *w,
						   const char *document)
{
	if (!w->cur || (w->cur->type != VSS_EVENT_PRE_RESTORE &&
			w->cur->type != VSS_EVENT_POST_RESTORE))
		return -EBADFD;
	return set_document(&w->restore_status, document);
}

LIBVSS_EXPORT int libvss_writer_current_set_id(const struct libvss_writer *w,
					       uint8_t id[LIBVSS_ID_SIZE])
{
	const struct writer_session *s, *found = NULL;

	if (w->cur) {
		found = w->cur_session && w->cur_session->in_set ?
			w->cur_session : NULL;
	} else {
		for (s = w->sessions; s; s = s->next) {
			if (!s->in_set)
				continue;
			/* Two sessions in their sets: which one is "current"? */
			if (found)
				return -EBADFD;
			found = s;
		}
	}
	if (!found)
		return -EBADFD;
	memcpy(id, found->set_id, LIBVSS_ID_SIZE);
	return 0;
}

/* ---- an event ---- */

static int event_parse(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		       struct libvss_event *ev, uint32_t *writer_id,
		       const char **why)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *tb[VSS_A_SESSION_MAX + 1];
	struct nlattr *pos;
	int rem, ret;

	memset(ev, 0, sizeof(*ev));
	ret = vss_reply_parse(ctx, nlh, VSS_CMD_WRITER_EVENT_NTF, tb,
			      VSS_A_SESSION_MAX, vss_session_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_SESSION_ID] || !tb[VSS_A_SESSION_EVENT] ||
	    !tb[VSS_A_SESSION_WRITER_ID]) {
		*why = "writer event lacks session id, event or writer id";
		return -EBADMSG;
	}
	ev->session_id = nla_get_u32(tb[VSS_A_SESSION_ID]);
	ev->type = nla_get_u32(tb[VSS_A_SESSION_EVENT]);
	*writer_id = nla_get_u32(tb[VSS_A_SESSION_WRITER_ID]);
	if (tb[VSS_A_SESSION_BACKUP_TYPE])
		ev->backup_type = nla_get_u32(tb[VSS_A_SESSION_BACKUP_TYPE]);
	if (tb[VSS_A_SESSION_SET_ID]) {
		ev->has_set_id = true;
		memcpy(ev->set_id, nla_data(tb[VSS_A_SESSION_SET_ID]),
		       LIBVSS_ID_SIZE);
	}
	if (tb[VSS_A_SESSION_BACKUP_DOCUMENT])
		ev->document = nla_get_string(tb[VSS_A_SESSION_BACKUP_DOCUMENT]);
	/* VOLUME is repeated; vss_reply_parse() checked every one. */
	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
			  rem) {
		if (nla_type(pos) != VSS_A_SESSION_VOLUME)
			continue;
		if (ev->nr_volumes == VSS_EVENT_VOLUMES_MAX) {
			*why = "writer event lists more than 64 volumes";
			return -EBADMSG;
		}
		ev->volumes[ev->nr_volumes++] = nla_get_string(pos);
	}
	return 0;
}

static libvss_writer_cb callback_of(const struct libvss_writer *w,
				    uint32_t event)
{
	switch (event) {
	case VSS_EVENT_IDENTIFY:		return w->ops.on_identify;
	case VSS_EVENT_PREPARE_BACKUP:		return w->ops.on_prepare_backup;
	case VSS_EVENT_PREPARE_SNAPSHOT:	return w->ops.on_prepare_snapshot;
	case VSS_EVENT_FREEZE:			return w->ops.on_freeze;
	case VSS_EVENT_THAW:			return w->ops.on_thaw;
	case VSS_EVENT_POST_SNAPSHOT:		return w->ops.on_post_snapshot;
	case VSS_EVENT_ABORT:			return w->ops.on_abort;
	case VSS_EVENT_BACKUP_COMPLETE:		return w->ops.on_backup_complete;
	case VSS_EVENT_BACKUP_SHUTDOWN:		return w->ops.on_backup_shutdown;
	case VSS_EVENT_PRE_RESTORE:		return w->ops.on_pre_restore;
	case VSS_EVENT_POST_RESTORE:		return w->ops.on_post_restore;
	default:				return NULL;
	}
}

static struct writer_session *session_of(struct libvss_writer *w, uint32_t id)
{
	struct writer_session *s;

	for (s = w->sessions; s; s = s->next)
		if (s->id == id)
			return s;
	s = calloc(1, sizeof(*s));
	if (s) {
		s->id = id;
		s->next = w->sessions;
		w->sessions = s;
	}
	return s;
}

static void drop_session(struct libvss_writer *w, uint32_t id)
{
	struct writer_session **pp, *s;

	for (pp = &w->sessions; (s = *pp); pp = &s->next) {
		if (s->id == id) {
			*pp = s->next;
			free(s);
			return;
		}
	}
}

static int answer(struct libvss_writer *w, const struct libvss_event *ev,
		  uint32_t failure)
{
	struct libvss_ctx *ctx = w->ctx;
	const char *doc = NULL;
	struct nl_msg *msg;
	uint16_t doc_attr = 0;

	/* A veto carries no document: the module would keep none of it. */
	if (!failure && ev->type == VSS_EVENT_IDENTIFY) {
		doc = w->metadata;
		doc_attr = VSS_A_SESSION_WRITER_METADATA;
	} else if (!failure && (ev->type == VSS_EVENT_PRE_RESTORE ||
				ev->type == VSS_EVENT_POST_RESTORE)) {
		doc = w->restore_status;
		doc_attr = VSS_A_SESSION_RESTORE_STATUS;
	}
	msg = vss_session_msg(ctx, vss_ctx_next_seq(ctx),
			      VSS_CMD_WRITER_EVENT_DONE, ev->session_id,
			      4 * NLA_ALIGN(NLA_HDRLEN + 4) +
			      NLA_ALIGN(NLA_HDRLEN + VSS_MESSAGE_MAX) +
			      (doc ? vss_str_attr_size(doc) : 0));
	if (msg &&
	    (nla_put_u32(msg, VSS_A_SESSION_EVENT, ev->type) < 0 ||
	     nla_put_u32(msg, VSS_A_SESSION_WRITER_ID, w->id) < 0 ||
	     (failure && nla_put_u32(msg, VSS_A_SESSION_FAILURE, failure) < 0) ||
	     (failure && w->fail_error &&
	      nla_put_u32(msg, VSS_A_SESSION_WRITER_ERROR, w->fail_error) < 0) ||
	     (failure && w->fail_message[0] &&
	      nla_put_string(msg, VSS_A_SESSION_MESSAGE, w->fail_message) < 0) ||
	     (doc && nla_put_string(msg, doc_attr, doc) < 0))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return vss_request(ctx, msg, NULL, NULL);
}

void vss_writer_event_ntf(struct libvss_ctx *ctx, struct nlmsghdr *nlh)
{
	struct writer_session *s;
	struct libvss_writer *w;
	struct libvss_event ev;
	const char *why = NULL;
	uint32_t writer_id, failure = VSS_WRITER_FAILURE_NONE;
	libvss_writer_cb cb;

	if (event_parse(ctx, nlh, &ev, &writer_id, &why)) {
		/*
		 * Unanswerable without its ids; the session records the
		 * writer as not responding when the event times out.
		 */
		vss_ctx_set_error(ctx, "%s", why);
		return;
	}
	for (w = ctx->writers; w && w->id != writer_id; w = w->next)
		;
	if (!w)
		return;		/* unregistered meanwhile: nobody to answer */

	s = session_of(w, ev.session_id);
	if (s && ev.type == VSS_EVENT_PREPARE_SNAPSHOT && ev.has_set_id) {
		memcpy(s->set_id, ev.set_id, LIBVSS_ID_SIZE);
		s->in_set = true;
	}
	/* Abort ends the set's window before its callback runs. */
	if (s && ev.type == VSS_EVENT_ABORT)
		s->in_set = false;

	w->cur = &ev;
	w->cur_session = s;
	w->fail_error = 0;
	w->fail_message[0] = '\0';
	cb = callback_of(w, ev.type);
	if (cb)
		failure = cb(w, &ev, w->data);
	if (!s && !failure) {
		/* No memory to track the session: say so rather than lie. */
		failure = VSS_WRITER_FAILURE_OUT_OF_RESOURCES;
		w->fail_error = ENOMEM;
	}

	if (ev.type != VSS_EVENT_ABORT && ev.type != VSS_EVENT_BACKUP_SHUTDOWN) {
		/* Codes the module sets itself are not the writer's to send. */
		if (failure > VSS_WRITER_FAILURE_NON_RETRYABLE)
			failure = VSS_WRITER_FAILURE_NON_RETRYABLE;
		/*
		 * Refused with -EBADFD if late (the session moved on and
		 * recorded the writer as failed, which the requester sees);
		 * the kernel's message stays in libvss_ext_error().
		 */
		answer(w, &ev, failure);
	}
	w->cur = NULL;
	w->cur_session = NULL;
	free(w->restore_status);
	w->restore_status = NULL;

	if (s && (ev.type == VSS_EVENT_POST_SNAPSHOT ||
		  (failure && ev.type == VSS_EVENT_PREPARE_SNAPSHOT)))
		s->in_set = false;
	if (ev.type == VSS_EVENT_BACKUP_SHUTDOWN)
		drop_session(w, ev.session_id);
}

/* ---- the event's getters ---- */

LIBVSS_EXPORT uint32_t libvss_event_type(const struct libvss_event *ev)
{
	return ev->type;
}

LIBVSS_EXPORT uint32_t libvss_event_session_id(const struct libvss_event *ev)
{
	return ev->session_id;
}

LIBVSS_EXPORT uint32_t libvss_event_backup_type(const struct libvss_event *ev)
{
	return ev->backup_type;
}

LIBVSS_EXPORT const uint8_t *libvss_event_set_id(const struct libvss_event *ev)
{
	return ev->has_set_id ? ev->set_id : NULL;
}

LIBVSS_EXPORT unsigned int
libvss_event_volume_count(const struct libvss_event *ev)
{
	return ev->nr_volumes;
}

LIBVSS_EXPORT const char *libvss_event_volume(const struct libvss_event *ev,
					      unsigned int i)
{
	return i < ev->nr_volumes ? ev->volumes[i] : NULL;
}

LIBVSS_EXPORT const char *libvss_event_document(const struct libvss_event *ev)
{
	return ev->document;
}
