/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvss-uring: drive a libvss context from the caller's own io_uring.
 *
 * Header-only on purpose: liburing's struct io_uring changes layout between
 * releases, so libvss.so never takes or returns one. These helpers touch
 * only an SQE and a CQE, which are kernel ABI, and the public libvss calls
 * libvss_fd() and libvss_process(): the application's liburing, whatever
 * its version, is the only one involved.
 *
 * The loop: arm one poll with libvss_uring_prep_poll(); when its CQE comes
 * back, hand it to libvss_uring_handle_cqe(), which runs libvss_process()
 * (completions, writer callbacks), then arm again. The poll is one-shot so
 * that it is re-armed only after libvss_process() has drained the fd, and
 * a kernel without multishot poll works too.
 */
#ifndef LIBVSS_URING_H
#define LIBVSS_URING_H

#include <errno.h>
#include <poll.h>
#include <liburing.h>
#include <libvss.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * libvss_uring_prep_poll() - Prepare an SQE that waits for @ctx.
 * @sqe: An SQE from io_uring_get_sqe() on the application's ring.
 * @ctx: Context.
 * @user_data: What the CQE will carry, to recognise it.
 *
 * Return: 0; the negative errno of libvss_fd() (the SQE is then a NOP, so
 * that a submitted SQE is never left half prepared).
 */
static inline int libvss_uring_prep_poll(struct io_uring_sqe *sqe,
					 struct libvss_ctx *ctx,
					 void *user_data)
{
	int fd = libvss_fd(ctx);

	if (fd < 0) {
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data(sqe, user_data);
		return fd;
	}
	io_uring_prep_poll_add(sqe, fd, POLLIN);
	io_uring_sqe_set_data(sqe, user_data);
	return 0;
}

/**
 * libvss_uring_handle_cqe() - Hand back the CQE of that poll.
 * @ctx: Context.
 * @cqe: The CQE (its user_data is the caller's to check); the caller marks
 *   it seen as usual.
 *
 * Return: What libvss_process() returns (notifications handled, or a
 * negative errno); the poll's own negative result if it failed.
 */
static inline int libvss_uring_handle_cqe(struct libvss_ctx *ctx,
					  const struct io_uring_cqe *cqe)
{
	if (cqe->res < 0)
		return cqe->res;
	return libvss_process(ctx);
}

#ifdef __cplusplus
}
#endif

#endif /* LIBVSS_URING_H */
