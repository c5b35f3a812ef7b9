// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The requester: IVssBackupComponents over a session of the module. Each
 * VSS call is one session command; the long ones return a struct
 * libvss_async that the completion finishes (async.c, event.c). The
 * backup keeps what the completions report: the session state, every
 * writer's status (GatherWriterStatus needs no operation of its own), and
 * the snapshot set of DoSnapshotSet.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Most volumes in one set, as the module allows (E2BIG beyond). */
#define VSS_SET_VOLUMES_MAX	64

struct libvss_backup {
	struct libvss_ctx *ctx;		/* NULL once the context is closed */
	struct libvss_backup *next;	/* in ctx->backups */
	uint32_t id;
	uint32_t type;			/* enum vss_session_type */
	uint32_t state;			/* enum vss_session_state */
	uint32_t backup_type;
	char *document;
	uint32_t *selected;
	unsigned int nr_selected;
	char *volumes[VSS_SET_VOLUMES_MAX];
	unsigned int nr_volumes;
	struct libvss_async *pending;	/* operations not yet completed */
	struct libvss_snapset *set;
	struct libvss_writer_info *writers;
	unsigned int nr_writers;
	struct kept_doc *docs;		/* every document handed out */
};

/*
 * A document that libvss_backup_writer_metadata() or _restore_status()
 * returned. libvss.h promises it lives until the backup is freed, so it is
 * kept here rather than with the writer's status, which the next
 * completion replaces; a document read again unchanged is handed out once.
 */
struct kept_doc {
	struct kept_doc *next;
	uint32_t writer_id;
	bool restore_status;		/* else the metadata */
	char text[];
};

struct libvss_async **vss_backup_pending(struct libvss_backup *b)
{
	return &b->pending;
}

/* The attribute room a document takes; 0 for none. */
static size_t doc_size(const char *doc)
{
	return doc ? vss_str_attr_size(doc) : 0;
}

static int check_document(const char *doc)
{
	if (doc && strnlen(doc, VSS_DOCUMENT_MAX) == VSS_DOCUMENT_MAX)
		return -E2BIG;
	return 0;
}

static int set_string(char **dst, const char *src)
{
	char *copy = NULL;

	if (src && !(copy = strdup(src)))
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

/* ---- SESSION_CREATE ---- */

static int create_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			 void *arg, const char **why)
{
	struct nlattr *tb[VSS_A_SESSION_MAX + 1];
	uint32_t *id = arg;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_SESSION_CREATE, tb,
			      VSS_A_SESSION_MAX, vss_session_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_SESSION_ID] || !nla_get_u32(tb[VSS_A_SESSION_ID])) {
		*why = "SESSION_CREATE reply lacks the session id";
		return -EBADMSG;
	}
	*id = nla_get_u32(tb[VSS_A_SESSION_ID]);
	return 0;
}

static int session_new(struct libvss_ctx *ctx, uint32_t type,
		       const char *document, struct libvss_backup **bp)
{
	struct libvss_backup *b;
	struct nl_msg *msg;
	uint32_t id = 0;
	int ret;

	*bp = NULL;
	vss_ctx_clear_error(ctx);
	b = calloc(1, sizeof(*b));
	if (!b || set_string(&b->document, document)) {
		free(b);
		return -ENOMEM;
	}
	msg = vss_genl_msg_ext(ctx->family_id, VSS_CMD_SESSION_CREATE,
			       VSS_FAMILY_VERSION, ctx->tp->portid,
			       vss_ctx_next_seq(ctx), 0,
			       NLA_ALIGN(NLA_HDRLEN + 4) + doc_size(document));
	if (msg && (nla_put_u32(msg, VSS_A_SESSION_TYPE, type) < 0 ||
		    (document &&
		     nla_put_string(msg, VSS_A_SESSION_BACKUP_DOCUMENT, document) < 0))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = vss_request(ctx, msg, create_decode, &id);
	ret = vss_need_reply(ctx, ret, id, "SESSION_CREATE");
	if (ret) {
		free(b->document);
		free(b);
		return ret;
	}
	b->ctx = ctx;
	b->id = id;
	b->type = type;
	b->backup_type = VSS_BACKUP_TYPE_FULL;
	b->next = ctx->backups;
	ctx->backups = b;
	*bp = b;
	return 0;
}

LIBVSS_EXPORT int libvss_backup_new(struct libvss_ctx *ctx,
				    struct libvss_backup **bp)
{
	return session_new(ctx, VSS_SESSION_BACKUP, NULL, bp);
}

LIBVSS_EXPORT int libvss_restore_new(struct libvss_ctx *ctx,
				     const char *document,
				     struct libvss_backup **bp)
{
	*bp = NULL;
	if (!document)
		return -EINVAL;
	if (check_document(document))
		return -E2BIG;
	return session_new(ctx, VSS_SESSION_RESTORE, document, bp);
}

/* ---- state the next operations send ---- */

LIBVSS_EXPORT uint32_t libvss_backup_id(const struct libvss_backup *b)
{
	return b->id;
}

LIBVSS_EXPORT int libvss_backup_set_type(struct libvss_backup *b,
					 uint32_t backup_type)
{
	if (backup_type > VSS_BACKUP_TYPE_OTHER)
		return -ERANGE;
	b->backup_type = backup_type;
	return 0;
}

LIBVSS_EXPORT int libvss_backup_select_writer(struct libvss_backup *b,
					      uint32_t writer_id)
{
	uint32_t *sel;

	sel = realloc(b->selected, (b->nr_selected + 1) * sizeof(*sel));
	if (!sel)
		return -ENOMEM;
	sel[b->nr_selected++] = writer_id;
	b->selected = sel;
	return 0;
}

LIBVSS_EXPORT int libvss_backup_set_document(struct libvss_backup *b,
					     const char *document)
{
	if (check_document(document))
		return -E2BIG;
	return set_string(&b->document, document);
}

LIBVSS_EXPORT int libvss_backup_start_snapshot_set(struct libvss_backup *b)
{
	while (b->nr_volumes)
		free(b->volumes[--b->nr_volumes]);
	return 0;
}

LIBVSS_EXPORT int libvss_backup_add_volume(struct libvss_backup *b,
					   const char *volume)
{
	int ret = vss_check_path(volume);

	if (ret)
		return ret;
	if (b->nr_volumes == VSS_SET_VOLUMES_MAX)
		return -E2BIG;
	b->volumes[b->nr_volumes] = strdup(volume);
	if (!b->volumes[b->nr_volumes])
		return -ENOMEM;
	b->nr_volumes++;
	return 0;
}

/* ---- the asynchronous operations ---- */

/* What an operation's request carries besides the session id. */
static int put_op_args(struct libvss_backup *b, struct nl_msg *msg, uint8_t cmd,
		       uint32_t flags)
{
	unsigned int i;

	switch (cmd) {
	case VSS_CMD_SESSION_PREPARE_BACKUP:
		if (nla_put_u32(msg, VSS_A_SESSION_BACKUP_TYPE, b->backup_type) < 0)
			return -ENOMEM;
		for (i = 0; i < b->nr_selected; i++)
			if (nla_put_u32(msg, VSS_A_SESSION_WRITER_ID,
					b->selected[i]) < 0)
				return -ENOMEM;
		break;
	case VSS_CMD_SESSION_DO_SNAPSHOT_SET:
		for (i = 0; i < b->nr_volumes; i++)
			if (nla_put_string(msg, VSS_A_SESSION_VOLUME,
					   b->volumes[i]) < 0)
				return -ENOMEM;
		if (flags && nla_put_u32(msg, VSS_A_SESSION_FLAGS, flags) < 0)
			return -ENOMEM;
		return 0;	/* DoSnapshotSet takes no document */
	default:
		break;
	}
	if (cmd != VSS_CMD_SESSION_GATHER_METADATA && b->document &&
	    nla_put_string(msg, VSS_A_SESSION_BACKUP_DOCUMENT, b->document) < 0)
		return -ENOMEM;
	return 0;
}

static size_t op_args_size(const struct libvss_backup *b)
{
	size_t n = doc_size(b->document) + 2 * NLA_ALIGN(NLA_HDRLEN + 4);
	unsigned int i;

	n += b->nr_selected * NLA_ALIGN(NLA_HDRLEN + 4);
	for (i = 0; i < b->nr_volumes; i++)
		n += vss_str_attr_size(b->volumes[i]);
	return n;
}

static int start_op(struct libvss_backup *b, uint8_t cmd, uint32_t op,
		    uint32_t flags, struct libvss_async **ap)
{
	struct libvss_ctx *ctx = b->ctx;
	struct libvss_async *a;
	struct nl_msg *msg;
	uint32_t seq;
	int ret;

	*ap = NULL;
	if (!ctx)
		return -ENOTCONN;
	vss_ctx_clear_error(ctx);
	seq = vss_ctx_next_seq(ctx);
	/* Made first: once the kernel acks, the completion must find it. */
	a = vss_async_new(b, op, seq);
	if (!a)
		return -ENOMEM;
	a->ctx = ctx;
	msg = vss_session_msg(ctx, seq, cmd, b->id, op_args_size(b));
	if (msg && put_op_args(b, msg, cmd, flags)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	/*
	 * Listed before sending: the completion may come before the ack, and
	 * vss_transact() stashes it; libvss_process() then finds the async.
	 */
	a->next = b->pending;
	b->pending = a;
	ret = vss_request(ctx, msg, NULL, NULL);
	if (ret) {
		b->pending = a->next;
		free(a);
		return ret;
	}
	*ap = a;
	return 0;
}

LIBVSS_EXPORT int libvss_backup_gather_metadata(struct libvss_backup *b,
						struct libvss_async **ap)
{
	return start_op(b, VSS_CMD_SESSION_GATHER_METADATA,
			VSS_SESSION_OP_GATHER_METADATA, 0, ap);
}

LIBVSS_EXPORT int libvss_backup_prepare(struct libvss_backup *b,
					struct libvss_async **ap)
{
	return start_op(b, VSS_CMD_SESSION_PREPARE_BACKUP,
			VSS_SESSION_OP_PREPARE_BACKUP, 0, ap);
}

LIBVSS_EXPORT int libvss_backup_do_snapshot_set(struct libvss_backup *b,
						uint32_t flags,
						struct libvss_async **ap)
{
	*ap = NULL;
	if (!b->nr_volumes)
		return -EINVAL;
	return start_op(b, VSS_CMD_SESSION_DO_SNAPSHOT_SET,
			VSS_SESSION_OP_DO_SNAPSHOT_SET, flags, ap);
}

LIBVSS_EXPORT int libvss_backup_complete(struct libvss_backup *b,
					 struct libvss_async **ap)
{
	return start_op(b, VSS_CMD_SESSION_BACKUP_COMPLETE,
			VSS_SESSION_OP_BACKUP_COMPLETE, 0, ap);
}

LIBVSS_EXPORT int libvss_restore_pre(struct libvss_backup *b,
				     struct libvss_async **ap)
{
	return start_op(b, VSS_CMD_SESSION_PRE_RESTORE,
			VSS_SESSION_OP_PRE_RESTORE, 0, ap);
}

LIBVSS_EXPORT int libvss_restore_post(struct libvss_backup *b,
				      struct libvss_async **ap)
{
	return start_op(b, VSS_CMD_SESSION_POST_RESTORE,
			VSS_SESSION_OP_POST_RESTORE, 0, ap);
}

/* ---- the completion ---- */

/* The set of a successful DoSnapshotSet, from the completion's attributes. */
static int completion_set(struct nlmsghdr *nlh, struct nlattr **tb,
			  struct libvss_snapset **setp, const char **why)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *nests[VSS_SET_VOLUMES_MAX];
	struct nlattr *pos;
	unsigned int n = 0;
	int rem;

	if (!tb[VSS_A_SESSION_SET_ID] || !tb[VSS_A_SESSION_CONSISTENCY] ||
	    !tb[VSS_A_SESSION_FREEZE_WINDOW_NS]) {
		*why = "DoSnapshotSet completion lacks set id, consistency or freeze window";
		return -EBADMSG;
	}
	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
			  rem) {
		if (nla_type(pos) != VSS_A_SESSION_SNAPSHOT)
			continue;
		if (n == VSS_SET_VOLUMES_MAX) {
			*why = "DoSnapshotSet completion has more than 64 snapshots";
			return -EBADMSG;
		}
		nests[n++] = pos;
	}
	return vss_snapset_build(nla_data(tb[VSS_A_SESSION_SET_ID]),
				 nla_get_u32(tb[VSS_A_SESSION_CONSISTENCY]),
				 nla_get_u64(tb[VSS_A_SESSION_FREEZE_WINDOW_NS]),
				 nests, n, setp, why);
}

static struct libvss_backup *find_backup(struct libvss_ctx *ctx, uint32_t id)
{
	struct libvss_backup *b;

	for (b = ctx->backups; b; b = b->next)
		if (b->id == id)
			return b;
	return NULL;
}

static struct libvss_async *take_pending(struct libvss_backup *b, uint32_t seq)
{
	struct libvss_async **pp, *a;

	for (pp = &b->pending; (a = *pp); pp = &a->next) {
		if (a->seq == seq) {
			*pp = a->next;
			a->next = NULL;
			return a;
		}
	}
	return NULL;
}

void vss_backup_complete_ntf(struct libvss_ctx *ctx, struct nlmsghdr *nlh)
{
	struct nlattr *tb[VSS_A_SESSION_MAX + 1];
	struct libvss_writer_info *wi = NULL;
	struct libvss_snapset *set = NULL;
	const char *why = NULL;
	struct libvss_backup *b;
	struct libvss_async *a;
	unsigned int nw = 0;
	uint32_t error, op;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_SESSION_COMPLETE_NTF, tb,
			      VSS_A_SESSION_MAX, vss_session_policy, &why);
	if (!ret && (!tb[VSS_A_SESSION_ID] || !tb[VSS_A_SESSION_OP] ||
		     !tb[VSS_A_SESSION_SEQ] || !tb[VSS_A_SESSION_ERROR] ||
		     !tb[VSS_A_SESSION_STATUS] || !tb[VSS_A_SESSION_STATE])) {
		why = "completion lacks id, op, seq, error, status or state";
		ret = -EBADMSG;
	}
	if (ret)
		goto bad;
	/* Another requester's session cannot reach us; a freed one's can. */
	b = find_backup(ctx, nla_get_u32(tb[VSS_A_SESSION_ID]));
	if (!b)
		return;
	op = nla_get_u32(tb[VSS_A_SESSION_OP]);
	error = nla_get_u32(tb[VSS_A_SESSION_ERROR]);
	ret = vss_writer_infos_parse(nlh, &wi, &nw, &why);
	if (!ret && op == VSS_SESSION_OP_DO_SNAPSHOT_SET && !error)
		ret = completion_set(nlh, tb, &set, &why);
	if (ret)
		goto bad;

	b->state = nla_get_u32(tb[VSS_A_SESSION_STATE]);
	vss_writer_infos_free(b->writers, b->nr_writers);
	b->writers = wi;
	b->nr_writers = nw;
	if (set) {
		libvss_snapset_free(b->set);
		b->set = set;
	}
	a = take_pending(b, nla_get_u32(tb[VSS_A_SESSION_SEQ]));
	if (a)
		vss_async_finish(a, error, nla_get_u32(tb[VSS_A_SESSION_STATUS]),
				 tb[VSS_A_SESSION_MESSAGE] ?
				 nla_get_string(tb[VSS_A_SESSION_MESSAGE]) : NULL);
	return;
bad:
	/* The operation stays pending: SESSION_GET still knows the result. */
	vss_ctx_set_error(ctx, "%s", why ? why : "out of memory reading a completion");
}

/* ---- synchronous session commands ---- */

LIBVSS_EXPORT int libvss_backup_abort(struct libvss_backup *b)
{
	if (!b->ctx)
		return -ENOTCONN;
	vss_ctx_clear_error(b->ctx);
	return vss_request(b->ctx, vss_session_msg(b->ctx, vss_ctx_next_seq(b->ctx),
						   VSS_CMD_SESSION_ABORT, b->id, 0),
			   NULL, NULL);
}

static int count_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			void *arg, const char **why)
{
	struct nlattr *tb[VSS_A_SESSION_MAX + 1];
	struct vss_count *c = arg;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_SESSION_DELETE_SNAPSHOTS, tb,
			      VSS_A_SESSION_MAX, vss_session_policy, why);
	if (ret)
		return ret;
	if (c->seen || !tb[VSS_A_SESSION_COUNT]) {
		*why = "SESSION_DELETE_SNAPSHOTS reply lacks count";
		return -EBADMSG;
	}
	c->count = nla_get_u32(tb[VSS_A_SESSION_COUNT]);
	c->seen = true;
	return 0;
}

LIBVSS_EXPORT int libvss_backup_delete_snapshots(struct libvss_backup *b,
						 unsigned int *count)
{
	struct vss_count c = { 0 };
	int ret;

	if (count)
		*count = 0;
	if (!b->ctx)
		return -ENOTCONN;
	vss_ctx_clear_error(b->ctx);
	ret = vss_request(b->ctx,
			  vss_session_msg(b->ctx, vss_ctx_next_seq(b->ctx),
					  VSS_CMD_SESSION_DELETE_SNAPSHOTS, b->id, 0),
			  count_decode, &c);
	ret = vss_need_reply(b->ctx, ret, c.seen, "SESSION_DELETE_SNAPSHOTS");
	if (!ret && count)
		*count = c.count;
	return ret;
}

/* SESSION_WRITER_GET: the writer's documents, kept on the backup. */
struct writer_docs {
	struct libvss_backup *b;
	uint32_t writer_id;
	bool want_status;	/* the restore status, else the metadata */
	bool seen;
	struct kept_doc *kept;	/* NULL: the writer sent none */
};

/*
 * The kept copy of @text for the writer: an identical one handed out before,
 * or a new one (the old ones stay: a caller may still hold them).
 */
static struct kept_doc *keep_doc(struct libvss_backup *b, uint32_t writer_id,
				 bool restore_status, const char *text)
{
	struct kept_doc *k;
	size_t len = strlen(text) + 1;

	for (k = b->docs; k; k = k->next)
		if (k->writer_id == writer_id &&
		    k->restore_status == restore_status && !strcmp(k->text, text))
			return k;
	k = malloc(sizeof(*k) + len);
	if (!k)
		return NULL;
	k->writer_id = writer_id;
	k->restore_status = restore_status;
	memcpy(k->text, text, len);
	k->next = b->docs;
	b->docs = k;
	return k;
}

static void free_docs(struct libvss_backup *b)
{
	struct kept_doc *k;

	while ((k = b->docs)) {
		b->docs = k->next;
		free(k);
	}
}

static int writer_get_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			     void *arg, const char **why)
{
	struct nlattr *tb[VSS_A_SESSION_MAX + 1];
	struct writer_docs *d = arg;
	struct nlattr *doc;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_SESSION_WRITER_GET, tb,
			      VSS_A_SESSION_MAX, vss_session_policy, why);
	if (ret)
		return ret;
	if (d->seen) {
		*why = "more than one SESSION_WRITER_GET reply";
		return -EBADMSG;
	}
	d->seen = true;
	doc = tb[d->want_status ? VSS_A_SESSION_RESTORE_STATUS :
				  VSS_A_SESSION_WRITER_METADATA];
	/* The reply goes once this returns: keep a copy. */
	if (doc && !(d->kept = keep_doc(d->b, d->writer_id, d->want_status,
					nla_get_string(doc))))
		return -ENOMEM;
	return 0;
}

/* Asks the module for one of a writer's documents; *docp NULL for none. */
static int writer_doc(struct libvss_backup *b, uint32_t writer_id,
		      bool restore_status, const char **docp)
{
	struct writer_docs d = { .b = b, .writer_id = writer_id,
				 .want_status = restore_status };
	struct libvss_writer_info *wi = NULL;
	struct nl_msg *msg;
	unsigned int i;
	int ret;

	*docp = NULL;
	if (!b->ctx)
		return -ENOTCONN;
	vss_ctx_clear_error(b->ctx);
	for (i = 0; i < b->nr_writers; i++)
		if (b->writers[i].id == writer_id)
			wi = &b->writers[i];
	if (!wi) {
		vss_ctx_set_error(b->ctx, "writer %u takes no part in session %u",
				  writer_id, b->id);
		return -ENOENT;
	}
	msg = vss_session_msg(b->ctx, vss_ctx_next_seq(b->ctx),
			      VSS_CMD_SESSION_WRITER_GET, b->id, 0);
	if (msg && nla_put_u32(msg, VSS_A_SESSION_WRITER_ID, writer_id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = vss_request(b->ctx, msg, writer_get_decode, &d);
	ret = vss_need_reply(b->ctx, ret, d.seen, "SESSION_WRITER_GET");
	if (ret)
		return ret;
	*docp = d.kept ? d.kept->text : NULL;
	return 0;
}

LIBVSS_EXPORT int libvss_backup_writer_metadata(struct libvss_backup *b,
						uint32_t writer_id,
						const char **docp)
{
	return writer_doc(b, writer_id, false, docp);
}

LIBVSS_EXPORT int libvss_backup_writer_restore_status(struct libvss_backup *b,
						      uint32_t writer_id,
						      const char **docp)
{
	return writer_doc(b, writer_id, true, docp);
}

/* ---- getters ---- */

LIBVSS_EXPORT uint32_t libvss_backup_state(const struct libvss_backup *b)
{
	return b->state;
}

LIBVSS_EXPORT const struct libvss_snapset *
libvss_backup_snapset(const struct libvss_backup *b)
{
	return b->set;
}

LIBVSS_EXPORT unsigned int
libvss_backup_writer_count(const struct libvss_backup *b)
{
	return b->nr_writers;
}

LIBVSS_EXPORT const struct libvss_writer_info *
libvss_backup_writer(const struct libvss_backup *b, unsigned int i)
{
	return i < b->nr_writers ? &b->writers[i] : NULL;
}

/* ---- release ---- */

/* Its pending operations end as cancelled: no completion will name them. */
static void cancel_pending(struct libvss_backup *b)
{
	struct libvss_async *a;

	while ((a = b->pending)) {
		b->pending = a->next;
		a->next = NULL;
		vss_async_finish(a, ECANCELED, VSS_STATUS_CANCELLED,
				 "the session was released");
		a->b = NULL;
	}
}

static void unlink_backup(struct libvss_backup *b)
{
	struct libvss_backup **pp;

	for (pp = &b->ctx->backups; *pp; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	}
	b->ctx = NULL;
}

void vss_backup_detach_all(struct libvss_ctx *ctx)
{
	while (ctx->backups) {
		cancel_pending(ctx->backups);
		unlink_backup(ctx->backups);
	}
}

LIBVSS_EXPORT void libvss_backup_free(struct libvss_backup *b)
{
	if (!b)
		return;
	cancel_pending(b);
	if (b->ctx) {
		/* Best effort: closing the socket would release it too. */
		vss_request(b->ctx, vss_session_msg(b->ctx, vss_ctx_next_seq(b->ctx),
						    VSS_CMD_SESSION_RELEASE,
						    b->id, 0),
			    NULL, NULL);
		unlink_backup(b);
	}
	libvss_backup_start_snapshot_set(b);
	vss_writer_infos_free(b->writers, b->nr_writers);
	free_docs(b);
	libvss_snapset_free(b->set);
	free(b->selected);
	free(b->document);
	free(b);
}
