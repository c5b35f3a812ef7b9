// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CHANGES_GET (Documentation/cbt.md): the extents that may differ between
 * an earlier snapshot, named by its token, and a later one. The dump is
 * read one datagram at a time as the caller asks for extents, so a map of
 * millions of extents never sits in memory whole: the iterator holds the
 * extents of one datagram (at most 32 KiB of them). While it is open the
 * context's socket belongs to it (transact.c and libvss_process() refuse
 * with -EBUSY); closing it early reads the rest of the dump to its end,
 * because a dump half read would feed its parts to the next request.
 * The do form answers the totals only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "internal.h"

struct extent {
	uint64_t offset, length;
};

struct libvss_changes {
	struct libvss_ctx *ctx;
	struct nl_msg *req;		/* for the extack's attribute offsets */
	bool done;			/* the dump's end (DONE or ERROR) read */
	int result;			/* once done: the verdict */
	int decode_err;			/* a part did not decode */
	const char *why;
	bool intr;			/* NLM_F_DUMP_INTR on a part */
	uint64_t next_off;		/* extents must start at or after */
	struct extent *ext;		/* of the datagram last read */
	unsigned int n, pos, cap;
};

static const struct nla_policy changes_policy[VSS_A_CHANGES_MAX + 1] = {
	[VSS_A_CHANGES_EXTENT]		= { .type = NLA_NESTED },
	[VSS_A_CHANGES_CHANGED_BYTES]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_CHANGES_EXTENT_COUNT]	= { .type = NLA_U64, .maxlen = 8 },
};

static const struct nla_policy extent_policy[VSS_A_EXTENT_MAX + 1] = {
	[VSS_A_EXTENT_OFFSET]		= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_EXTENT_LENGTH]		= { .type = NLA_U64, .maxlen = 8 },
};

/* SNAPSHOT_ID, SINCE, then START when not 0: the spec's request order. */
struct nl_msg *vss_changes_encode(const struct libvss_ctx *ctx, uint32_t seq,
				  int flags, const uint8_t *id,
				  const struct vss_token *since, uint64_t start)
{
	size_t attrlen = NLA_ALIGN(NLA_HDRLEN + LIBVSS_ID_SIZE) +
			 vss_token_attr_size() + NLA_ALIGN(NLA_HDRLEN + 8);
	struct nl_msg *msg;

	msg = vss_genl_msg_ext(ctx->family_id, VSS_CMD_CHANGES_GET,
			       VSS_FAMILY_VERSION, ctx->tp->portid, seq, flags,
			       attrlen);
	if (!msg)
		return NULL;
	if (nla_put(msg, VSS_A_CHANGES_SNAPSHOT_ID, LIBVSS_ID_SIZE, id) < 0 ||
	    vss_token_put(msg, VSS_A_CHANGES_SINCE, since) < 0 ||
	    (start && nla_put_u64(msg, VSS_A_CHANGES_START, start) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Every EXTENT of one dump part, appended; they must keep ascending. */
static int part_decode(struct libvss_changes *it, struct nlmsghdr *nlh)
{
	struct nlattr *tb[VSS_A_CHANGES_MAX + 1];
	struct genlmsghdr *ghdr;
	struct nlattr *pos;
	int rem, ret;

	ret = vss_reply_parse(it->ctx, nlh, VSS_CMD_CHANGES_GET, tb,
			      VSS_A_CHANGES_MAX, changes_policy, &it->why);
	if (ret)
		return ret;
	ghdr = nlmsg_data(nlh);
	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		struct nlattr *e[VSS_A_EXTENT_MAX + 1];
		uint64_t off, len;

		if (nla_type(pos) != VSS_A_CHANGES_EXTENT)
			continue;
		if (vss_attrs_parse(e, VSS_A_EXTENT_MAX, nla_data(pos),
				    nla_len(pos), extent_policy) ||
		    !e[VSS_A_EXTENT_OFFSET] || !e[VSS_A_EXTENT_LENGTH]) {
			it->why = "CHANGES_GET reply has a malformed extent";
			return -EBADMSG;
		}
		off = nla_get_u64(e[VSS_A_EXTENT_OFFSET]);
		len = nla_get_u64(e[VSS_A_EXTENT_LENGTH]);
		/*
		 * The contract promises sorted, disjoint extents; one that
		 * is not would make a consumer copy in the wrong order or
		 * twice, so it is a broken reply, not something to pass on.
		 */
		if (!len || off < it->next_off || off + len < off) {
			it->why = "CHANGES_GET reply has an empty, overlapping or unsorted extent";
			return -EBADMSG;
		}
		if (it->n == it->cap) {
			unsigned int cap = it->cap ? 2 * it->cap : 256;
			struct extent *x = realloc(it->ext, cap * sizeof(*x));

			if (!x)
				return -ENOMEM;
			it->ext = x;
			it->cap = cap;
		}
		it->ext[it->n++] = (struct extent){ off, len };
		it->next_off = off + len;
	}
	return 0;
}

/* The dump ended: its verdict, else ours. */
static void finish(struct libvss_changes *it, const struct vss_nlerr *e)
{
	struct libvss_ctx *ctx = it->ctx;

	it->done = true;
	vss_ctx_clear_error(ctx);
	if (e && e->error) {
		vss_nlerr_describe(e, nlmsg_hdr(it->req), ctx->ext_err,
				   sizeof(ctx->ext_err));
		ctx->ext_status = e->status;
		ctx->ext_stale = e->stale;
		it->result = e->error;
	} else if (it->decode_err) {
		if (it->why)
			vss_ctx_set_error(ctx, "%s", it->why);
		it->result = it->decode_err;
	} else if (it->intr) {
		vss_ctx_set_error(ctx, "the map changed while it was read (NLM_F_DUMP_INTR); try again");
		it->result = -EAGAIN;
	}
	/* Extents that came with a failed end are not part of any answer. */
	if (it->result)
		it->n = it->pos = 0;
}

static void dispatch(struct libvss_changes *it, struct nlmsghdr *nlh)
{
	struct libvss_ctx *ctx = it->ctx;
	struct vss_nlerr e;
	int ret;

	if (vss_is_ntf(ctx, nlh)) {
		vss_stash_push(ctx, nlh);
		return;
	}
	if (it->done ||
	    !vss_msg_is_reply(nlh, ctx->tp->portid, nlmsg_hdr(it->req)->nlmsg_seq))
		return;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		it->intr = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
	case NLMSG_DONE:
		ret = nlh->nlmsg_type == NLMSG_ERROR ? vss_nlerr_decode(nlh, &e) :
						      vss_done_decode(nlh, &e);
		if (ret) {
			it->done = true;
			it->result = ret;
			it->n = it->pos = 0;
			vss_ctx_set_error(ctx, "malformed netlink %s message",
					  nlh->nlmsg_type == NLMSG_ERROR ?
					  "error" : "done");
			return;
		}
		finish(it, &e);
		return;
	default:
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE || it->decode_err)
			return;
		it->why = NULL;
		it->decode_err = part_decode(it, nlh);
		if (it->decode_err == -EBADMSG && !it->why)
			it->why = "malformed reply";
		if (it->decode_err)
			it->n = it->pos = 0;
	}
}

/* Reads one datagram and takes in what it holds. */
static void read_dgram(struct libvss_changes *it)
{
	struct libvss_ctx *ctx = it->ctx;
	struct nlmsghdr *nlh;
	size_t off = 0;
	ssize_t n;
	int ret;

	n = ctx->tp->ops->recv(ctx->tp, ctx->rbuf, VSS_RECV_BUF_SIZE, false);
	if (n < 0 || n > VSS_RECV_BUF_SIZE) {
		it->done = true;
		it->n = it->pos = 0;
		vss_ctx_clear_error(ctx);
		if (n < 0) {
			it->result = (int)n;
			return;
		}
		vss_ctx_set_error(ctx, "netlink message of %zd bytes truncated", n);
		it->result = -EBADMSG;
		return;
	}
	while ((ret = vss_dgram_next(ctx->rbuf, (size_t)n, &off, &nlh)) > 0)
		dispatch(it, nlh);
	if (ret < 0) {
		it->done = true;
		it->n = it->pos = 0;
		vss_ctx_clear_error(ctx);
		vss_ctx_set_error(ctx, "truncated or malformed netlink message");
		it->result = ret;
	}
}

LIBVSS_EXPORT int libvss_changes_open(struct libvss_ctx *ctx,
				      const uint8_t snapshot_id[LIBVSS_ID_SIZE],
				      const char *since, uint64_t start,
				      struct libvss_changes **itp)
{
	struct libvss_changes *it;
	struct vss_token t;
	int ret;

	*itp = NULL;
	vss_ctx_clear_error(ctx);
	if (ctx->changes) {
		vss_ctx_set_error(ctx, "a changed-block iterator is open on this context: close it first");
		return -EBUSY;
	}
	if (!snapshot_id)
		return -EINVAL;
	if (vss_token_parse(since, &t)) {
		vss_ctx_set_error(ctx, "not a vss token (damaged, or of another format)");
		return -EINVAL;
	}
	it = calloc(1, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->ctx = ctx;
	it->req = vss_changes_encode(ctx, vss_ctx_next_seq(ctx), NLM_F_DUMP,
				     snapshot_id, &t, start);
	if (!it->req) {
		free(it);
		return -ENOMEM;
	}
	ret = ctx->tp->ops->send(ctx->tp, nlmsg_hdr(it->req),
				 nlmsg_hdr(it->req)->nlmsg_len);
	if (ret) {
		nlmsg_free(it->req);
		free(it);
		return ret;
	}
	ctx->changes = it;
	*itp = it;
	return 0;
}

LIBVSS_EXPORT int libvss_changes_next(struct libvss_changes *it,
				      uint64_t *offset, uint64_t *length)
{
	while (it->pos == it->n) {
		if (it->done)
			return it->result;
		it->n = it->pos = 0;
		read_dgram(it);
	}
	*offset = it->ext[it->pos].offset;
	*length = it->ext[it->pos].length;
	it->pos++;
	return 1;
}

LIBVSS_EXPORT void libvss_changes_close(struct libvss_changes *it)
{
	if (!it)
		return;
	/* The rest of the dump is read and dropped, the verdict too. */
	while (!it->done) {
		it->n = it->pos = 0;
		read_dgram(it);
	}
	it->ctx->changes = NULL;
	nlmsg_free(it->req);
	free(it->ext);
	free(it);
}

/* ---- the do: totals ---- */

struct totals {
	bool seen;
	uint64_t bytes, count;
};

static int totals_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			 void *arg, const char **why)
{
	struct nlattr *tb[VSS_A_CHANGES_MAX + 1];
	struct totals *t = arg;
	int ret;

	if (t->seen) {
		*why = "more than one CHANGES_GET reply";
		return -EBADMSG;
	}
	ret = vss_reply_parse(ctx, nlh, VSS_CMD_CHANGES_GET, tb,
			      VSS_A_CHANGES_MAX, changes_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_CHANGES_CHANGED_BYTES] || !tb[VSS_A_CHANGES_EXTENT_COUNT]) {
		*why = "CHANGES_GET reply lacks changed-bytes or extent-count";
		return -EBADMSG;
	}
	t->bytes = nla_get_u64(tb[VSS_A_CHANGES_CHANGED_BYTES]);
	t->count = nla_get_u64(tb[VSS_A_CHANGES_EXTENT_COUNT]);
	t->seen = true;
	return 0;
}

LIBVSS_EXPORT int libvss_changes_summary(struct libvss_ctx *ctx,
					 const uint8_t snapshot_id[LIBVSS_ID_SIZE],
					 const char *since, uint64_t start,
					 uint64_t *changed_bytes,
					 uint64_t *extent_count)
{
	struct totals t = { 0 };
	struct vss_token tok;
	int ret;

	vss_ctx_clear_error(ctx);
	if (!snapshot_id)
		return -EINVAL;
	if (vss_token_parse(since, &tok)) {
		vss_ctx_set_error(ctx, "not a vss token (damaged, or of another format)");
		return -EINVAL;
	}
	ret = vss_request(ctx, vss_changes_encode(ctx, vss_ctx_next_seq(ctx), 0,
						  snapshot_id, &tok, start),
			  totals_decode, &t);
	ret = vss_need_reply(ctx, ret, t.seen, "CHANGES_GET");
	if (ret)
		return ret;
	if (changed_bytes)
		*changed_bytes = t.bytes;
	if (extent_count)
		*extent_count = t.count;
	return 0;
}
