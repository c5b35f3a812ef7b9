// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The incoming side of a context: the notifications the module sends unasked
 * (SESSION_COMPLETE_NTF to a requester, WRITER_EVENT_NTF to a writer, and
 * with libvss_monitor_start() those of the monitor group), the
 * pollable fd that says they are there, and libvss_process(), which reads
 * them without blocking and dispatches each: a completion finishes its
 * libvss_async, an event runs the writer's callback and sends its answer.
 *
 * No thread of ours runs anything. A notification can be read at two
 * moments: by libvss_process(), or by a blocking request that meets it
 * before its own reply (vss_transact()). Both put it on the context's stash
 * first and libvss_process() dispatches from there, in arrival order. The
 * stash would hide a notification from a caller that polls the socket, so
 * libvss_fd() is an epoll fd over the socket and an eventfd that is
 * signalled while the stash holds anything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "internal.h"

bool vss_is_ntf(const struct libvss_ctx *ctx, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *ghdr;

	/* Unicast notifications carry seq 0; replies never do (see ctx.c). */
	if (!ctx->family_id || nlh->nlmsg_type != ctx->family_id ||
	    nlh->nlmsg_seq != 0 || !genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return false;
	ghdr = nlmsg_data(nlh);
	/* Multicast ones too: seq 0 as well, and only if we listen. */
	return ghdr->cmd == VSS_CMD_SESSION_COMPLETE_NTF ||
	       ghdr->cmd == VSS_CMD_WRITER_EVENT_NTF ||
	       (ctx->monitor_cb && vss_is_monitor_cmd(ghdr->cmd));
}

static void evfd_signal(struct libvss_ctx *ctx)
{
	uint64_t one = 1;
	ssize_t r;

	if (ctx->evfd < 0)
		return;
	/* Can only fail at its maximum count, when it is readable anyway. */
	r = write(ctx->evfd, &one, sizeof(one));
	(void)r;
}

static void evfd_clear(struct libvss_ctx *ctx)
{
	uint64_t n;
	ssize_t r;

	if (ctx->evfd < 0)
		return;
	/* EAGAIN if it was not signalled: the same result. */
	r = read(ctx->evfd, &n, sizeof(n));
	(void)r;
}

void vss_stash_push(struct libvss_ctx *ctx, const struct nlmsghdr *nlh)
{
	struct vss_inmsg *m = malloc(sizeof(*m) + nlh->nlmsg_len);

	if (!m) {
		/* Counted for libvss_lost(); nothing else to do. */
		ctx->losses.dropped++;
		return;
	}
	memcpy(m->data, nlh, nlh->nlmsg_len);
	m->next = NULL;
	*ctx->stash_tail = m;
	ctx->stash_tail = &m->next;
	evfd_signal(ctx);
}

static struct vss_inmsg *stash_pop(struct libvss_ctx *ctx)
{
	struct vss_inmsg *m = ctx->stash;

	if (m) {
		ctx->stash = m->next;
		if (!ctx->stash)
			ctx->stash_tail = &ctx->stash;
	}
	return m;
}

void vss_stash_free(struct libvss_ctx *ctx)
{
	struct vss_inmsg *m;

	while ((m = stash_pop(ctx)))
		free(m);
}

void vss_event_close(struct libvss_ctx *ctx)
{
	if (ctx->epfd >= 0)
		close(ctx->epfd);
	if (ctx->evfd >= 0)
		close(ctx->evfd);
	ctx->epfd = ctx->evfd = -1;
}

LIBVSS_EXPORT int libvss_fd(struct libvss_ctx *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	if (ctx->epfd >= 0)
		return ctx->epfd;
	/* Made on first use: a context that never polls pays no fds. */
	ctx->epfd = epoll_create1(EPOLL_CLOEXEC);
	ctx->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ctx->epfd < 0 || ctx->evfd < 0)
		goto fail;
	if (epoll_ctl(ctx->epfd, EPOLL_CTL_ADD, ctx->tp->fd, &ev) < 0 ||
	    epoll_ctl(ctx->epfd, EPOLL_CTL_ADD, ctx->evfd, &ev) < 0)
		goto fail;
	if (ctx->stash)
		evfd_signal(ctx);
	return ctx->epfd;
fail:
	ret = -errno;
	vss_event_close(ctx);
	return ret;
}

static void dispatch(struct libvss_ctx *ctx, struct nlmsghdr *nlh)
{
	const struct genlmsghdr *ghdr = nlmsg_data(nlh);

	if (ghdr->cmd == VSS_CMD_SESSION_COMPLETE_NTF)
		vss_backup_complete_ntf(ctx, nlh);
	else if (ghdr->cmd == VSS_CMD_WRITER_EVENT_NTF)
		vss_writer_event_ntf(ctx, nlh);
	else
		vss_monitor_ntf(ctx, nlh);
}

/*
 * Reads one datagram without blocking onto the stash: 1, 0 if none,
 * -ENOBUFS after an overrun, -EBADMSG if it was truncated or malformed
 * (gone either way), another -errno if the socket failed.
 */
static int read_one(struct libvss_ctx *ctx)
{
	struct nlmsghdr *nlh;
	size_t off = 0;
	ssize_t n;
	int ret;

	n = ctx->tp->ops->recv(ctx->tp, ctx->rbuf, VSS_RECV_BUF_SIZE, true);
	if (n == -EAGAIN)
		return 0;
	if (n < 0)
		return (int)n;
	if (n > VSS_RECV_BUF_SIZE)
		return -EBADMSG;	/* truncated */
	/* Stashed first: a callback's own requests reuse ctx->rbuf. */
	while ((ret = vss_dgram_next(ctx->rbuf, (size_t)n, &off, &nlh)) > 0)
		if (vss_is_ntf(ctx, nlh))
			vss_stash_push(ctx, nlh);
	/* What was stashed before a malformed message stays. */
	return ret < 0 ? -EBADMSG : 1;
}

LIBVSS_EXPORT int libvss_process(struct libvss_ctx *ctx)
{
	struct vss_inmsg *m;
	int n = 0, ret = 0;

	/* A callback calling it would dispatch events inside events. */
	if (ctx->in_process)
		return -EBUSY;
	vss_ctx_clear_error(ctx);
	/* It would read the parts of the iterator's dump, and drop them. */
	if (ctx->changes) {
		vss_ctx_set_error(ctx, "a changed-block iterator is open on this context: close it first");
		return -EBUSY;
	}
	ctx->in_process = true;
	for (;;) {
		while ((m = stash_pop(ctx))) {
			dispatch(ctx, vss_inmsg_hdr(m));
			free(m);
			n++;
		}
		ret = read_one(ctx);
		/*
		 * An overrun lost something, but what follows is intact:
		 * counted, and read on.
		 */
		if (ret == -ENOBUFS) {
			ctx->losses.overruns++;
			continue;
		}
		/* A datagram too large or malformed was read, and is gone. */
		if (ret == -EBADMSG) {
			ctx->losses.malformed++;
			continue;
		}
		if (ret <= 0)
			break;
	}
	/* Drained (the socket said EAGAIN), unless a read failed midway. */
	if (!ctx->stash)
		evfd_clear(ctx);
	ctx->in_process = false;
	return ret < 0 ? ret : n;
}

LIBVSS_EXPORT uint64_t libvss_lost(struct libvss_ctx *ctx, struct libvss_losses *losses)
{
	uint64_t sum = ctx->losses.overruns + ctx->losses.dropped +
		       ctx->losses.malformed;

	if (losses)
		*losses = ctx->losses;
	memset(&ctx->losses, 0, sizeof(ctx->losses));
	return sum;
}
