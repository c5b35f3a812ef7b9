// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Context lifecycle and the per-context error explanation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * libvss_open() has no context to leave its explanation in when it fails,
 * so it leaves it here, per thread, like errno but only for that one call.
 */
static __thread char open_err[VSS_EXT_ERR_SIZE];

/* Takes ownership of @tp, also on failure. */
int vss_ctx_new(struct vss_transport *tp, struct libvss_ctx **ctxp)
{
	struct libvss_ctx *ctx;

	*ctxp = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (ctx)
		ctx->rbuf = malloc(VSS_RECV_BUF_SIZE);
	if (!ctx || !ctx->rbuf) {
		free(ctx);
		tp->ops->close(tp);
		return -ENOMEM;
	}
	ctx->tp = tp;
	ctx->ext_status = -1;
	ctx->stash_tail = &ctx->stash;
	ctx->epfd = -1;
	ctx->evfd = -1;
	*ctxp = ctx;
	return 0;
}

/* libvss_open() over any transport: the unit tests pass a mock. */
int vss_ctx_open(struct vss_transport *tp, struct libvss_ctx **ctxp)
{
	struct libvss_ctx *ctx;
	int ret;

	*ctxp = NULL;
	open_err[0] = '\0';
	ret = vss_ctx_new(tp, &ctx);
	if (ret)
		return ret;
	ret = vss_family_resolve(ctx);
	if (ret) {
		memcpy(open_err, ctx->ext_err, sizeof(open_err));
		libvss_close(ctx);
		return ret;
	}
	*ctxp = ctx;
	return 0;
}

uint32_t vss_ctx_next_seq(struct libvss_ctx *ctx)
{
	/* 0 is skipped after a wrap: it is the seq of unsolicited messages. */
	if (++ctx->seq == 0)
		ctx->seq = 1;
	return ctx->seq;
}

void vss_ctx_clear_error(struct libvss_ctx *ctx)
{
	ctx->ext_err[0] = '\0';
	ctx->ext_status = -1;
	ctx->ext_stale = VSS_STALE_NONE;
}

void vss_ctx_set_error(struct libvss_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->ext_err, sizeof(ctx->ext_err), fmt, ap);
	va_end(ap);
}

LIBVSS_EXPORT int libvss_open(struct libvss_ctx **ctxp)
{
	return libvss_open_opts(ctxp, NULL);
}

/* The options a caller built against another version of this library passed. */
static int open_opts_get(const struct libvss_open_opts *opts,
			 struct libvss_open_opts *out)
{
	size_t known = sizeof(*out), i;

	memset(out, 0, sizeof(*out));
	out->sz = sizeof(*out);
	if (!opts)
		return 0;
	if (opts->sz < sizeof(opts->sz)) {
		snprintf(open_err, sizeof(open_err), "libvss_open_opts: sz %zu is too small",
			 opts->sz);
		return -EINVAL;
	}
	for (i = known; i < opts->sz; i++)
		if (((const char *)opts)[i]) {
			snprintf(open_err, sizeof(open_err),
				 "libvss_open_opts: an option this libvss (%s) does not know",
				 libvss_version());
			return -E2BIG;
		}
	memcpy(out, opts, opts->sz < known ? opts->sz : known);
	out->sz = sizeof(*out);
	return 0;
}

LIBVSS_EXPORT int libvss_open_opts(struct libvss_ctx **ctxp,
				   const struct libvss_open_opts *opts)
{
	struct libvss_open_opts o;
	struct vss_transport *tp;
	int ret;

	*ctxp = NULL;
	open_err[0] = '\0';
	ret = open_opts_get(opts, &o);
	if (ret)
		return ret;
	ret = vss_sock_open(&tp, o.rcvbuf_bytes);
	if (ret) {
		snprintf(open_err, sizeof(open_err),
			 "cannot open a generic netlink socket");
		return ret;
	}
	return vss_ctx_open(tp, ctxp);
}

LIBVSS_EXPORT void libvss_close(struct libvss_ctx *ctx)
{
	if (!ctx)
		return;
	/* Handles the caller still holds stay valid, but inert. */
	vss_backup_detach_all(ctx);
	vss_writer_detach_all(ctx);
	vss_stash_free(ctx);
	vss_event_close(ctx);
	ctx->tp->ops->close(ctx->tp);
	free(ctx->rbuf);
	free(ctx);
}

LIBVSS_EXPORT const char *libvss_ext_error(const struct libvss_ctx *ctx)
{
	const char *s = ctx ? ctx->ext_err : open_err;

	return s[0] ? s : NULL;
}

LIBVSS_EXPORT uint32_t libvss_ext_stale_reason(const struct libvss_ctx *ctx)
{
	return ctx ? ctx->ext_stale : VSS_STALE_NONE;
}

LIBVSS_EXPORT int libvss_ext_status(const struct libvss_ctx *ctx)
{
	if (!ctx || ctx->ext_status < 0)
		return -ENODATA;
	return ctx->ext_status;
}
