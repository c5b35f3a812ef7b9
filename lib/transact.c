// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The synchronous driver of the request/response core: send one request,
 * then read until its ACK or error, or for a dump until NLMSG_DONE (the
 * parts of a dump, NLM_F_MULTI, come in as many datagrams as the kernel
 * needs). Notifications met on the way (completions, writer events) are
 * kept for libvss_process(); everything else that is not ours (replies to
 * an earlier, abandoned request; NOOPs) is skipped by seq and port id.
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/netlink.h>

#include "internal.h"

/* One request's exchange, from send to its ACK, error or NLMSG_DONE. */
struct exchange {
	struct libvss_ctx *ctx;
	const struct nlmsghdr *req;
	vss_reply_fn decode;
	void *arg;
	/*
	 * The first reply that did not decode. Reading goes on to the end
	 * anyway (ACK, error or DONE), so that the socket holds nothing of
	 * this exchange after it: a dump is never left half read.
	 */
	int decode_err;
	const char *why;
	/* A dump part said the listing changed while it was being read. */
	bool dump_intr;
};

/* The exchange is over: the kernel's verdict, else our decode verdict. */
static int finish(struct exchange *x, const struct vss_nlerr *e)
{
	if (e && e->error) {
		vss_nlerr_describe(e, x->req, x->ctx->ext_err,
				   sizeof(x->ctx->ext_err));
		x->ctx->ext_status = e->status;
		x->ctx->ext_stale = e->stale;
		return e->error;
	}
	if (x->decode_err) {
		if (x->why)
			vss_ctx_set_error(x->ctx, "%s", x->why);
		return x->decode_err;
	}
	if (x->dump_intr) {
		vss_ctx_set_error(x->ctx,
			"the list changed while it was read (NLM_F_DUMP_INTR); try again");
		return -EAGAIN;
	}
	return 0;
}

/* Returns 1 when the exchange is over, with *@result set; 0 to read on. */
static int dispatch(struct exchange *x, struct nlmsghdr *nlh, int *result)
{
	struct vss_nlerr e;
	int ret;

	/*
	 * A completion or writer event that arrives while we wait for a
	 * reply is not dropped: libvss_process() dispatches it later.
	 */
	if (vss_is_ntf(x->ctx, nlh)) {
		vss_stash_push(x->ctx, nlh);
		return 0;
	}
	if (!vss_msg_is_reply(nlh, x->ctx->tp->portid, x->req->nlmsg_seq))
		return 0;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		x->dump_intr = true;

	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		ret = vss_nlerr_decode(nlh, &e);
		if (ret) {
			vss_ctx_set_error(x->ctx, "malformed netlink error message");
			*result = ret;
		} else {
			*result = finish(x, &e);
		}
		return 1;
	case NLMSG_DONE:
		ret = vss_done_decode(nlh, &e);
		if (ret) {
			vss_ctx_set_error(x->ctx, "malformed netlink done message");
			*result = ret;
		} else {
			*result = finish(x, &e);
		}
		return 1;
	default:
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			return 0;	/* NOOP, OVERRUN: nothing for us */
		/* A command answered by an ACK alone ignores any reply. */
		if (!x->decode_err && x->decode) {
			x->why = NULL;
			x->decode_err = x->decode(x->ctx, nlh, x->arg, &x->why);
			if (x->decode_err == -EBADMSG && !x->why)
				x->why = "malformed reply";
		}
		return 0;
	}
}

int vss_transact(struct libvss_ctx *ctx, struct nl_msg *msg,
		 vss_reply_fn decode, void *arg)
{
	struct exchange x = {
		.ctx = ctx,
		.req = nlmsg_hdr(msg),
		.decode = decode,
		.arg = arg,
	};
	int result;
	ssize_t n;
	int ret;

	if (ctx->changes) {
		vss_ctx_set_error(ctx, "a changed-block iterator is open on this context: close it first");
		return -EBUSY;
	}
	ret = ctx->tp->ops->send(ctx->tp, x.req, x.req->nlmsg_len);
	if (ret)
		return ret;

	for (;;) {
		struct nlmsghdr *nlh;
		size_t off = 0;

		n = ctx->tp->ops->recv(ctx->tp, ctx->rbuf, VSS_RECV_BUF_SIZE,
				      false);
		if (n < 0)
			return (int)n;
		if (n > VSS_RECV_BUF_SIZE) {
			vss_ctx_set_error(ctx, "netlink message of %zd bytes truncated",
					  n);
			return -EBADMSG;
		}
		while ((ret = vss_dgram_next(ctx->rbuf, (size_t)n, &off, &nlh)) > 0)
			if (dispatch(&x, nlh, &result))
				return result;
		if (ret < 0) {
			/* Its header cannot be trusted, not even its seq. */
			vss_ctx_set_error(ctx, "truncated or malformed netlink message");
			return ret;
		}
	}
}

int vss_request(struct libvss_ctx *ctx, struct nl_msg *req,
		vss_reply_fn decode, void *arg)
{
	int ret;

	if (!req)
		return -ENOMEM;
	ret = vss_transact(ctx, req, decode, arg);
	nlmsg_free(req);
	return ret;
}

int vss_need_reply(struct libvss_ctx *ctx, int ret, bool seen, const char *cmd)
{
	if (ret || seen)
		return ret;
	vss_ctx_set_error(ctx, "%s acknowledged without a reply", cmd);
	return -EBADMSG;
}

int vss_objlist_add(struct vss_objlist *l, void *obj)
{
	if (l->n == l->cap) {
		unsigned int cap = l->cap ? 2 * l->cap : 8;
		void **items = realloc(l->items, cap * sizeof(*items));

		if (!items) {
			free(obj);
			return -ENOMEM;
		}
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = obj;
	return 0;
}

void vss_objlist_free(struct vss_objlist *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}
