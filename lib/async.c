// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IVssAsync without threads. A session operation is accepted by the kernel
 * at once (its ack) and ends later with a SESSION_COMPLETE_NTF that names
 * the request's seq; a struct libvss_async stands for it in between. It is
 * finished by libvss_process() (requester.c matches the completion), waited
 * for by polling libvss_fd(), cancelled with SESSION_ABORT.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

struct libvss_async *vss_async_new(struct libvss_backup *b, uint32_t op,
				   uint32_t seq)
{
	struct libvss_async *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->b = b;
	a->op = op;
	a->seq = seq;
	a->state = LIBVSS_ASYNC_PENDING;
	return a;
}

void vss_async_finish(struct libvss_async *a, uint32_t error, uint32_t status,
		      const char *message)
{
	/* The kernel's errno of a cancelled operation: VSS_S_ASYNC_CANCELLED. */
	a->state = error == ECANCELED ? LIBVSS_ASYNC_CANCELLED :
		   LIBVSS_ASYNC_FINISHED;
	a->result = error > 0 && error <= 4095 ? -(int)error : error ? -EIO : 0;
	a->status = status;
	snprintf(a->message, sizeof(a->message), "%s", message ? message : "");
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

LIBVSS_EXPORT int libvss_async_wait(struct libvss_async *a, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	struct pollfd pfd = { .events = POLLIN };
	int ret;

	if (a->state != LIBVSS_ASYNC_PENDING)
		return 0;
	ret = libvss_fd(a->ctx);
	if (ret < 0)
		return ret;
	pfd.fd = ret;
	for (;;) {
		int64_t left;

		ret = libvss_process(a->ctx);
		if (ret < 0)
			return ret;
		if (a->state != LIBVSS_ASYNC_PENDING)
			return 0;
		left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left <= 0)
			return -ETIMEDOUT;
		if (left > INT32_MAX)
			left = INT32_MAX;
		ret = poll(&pfd, 1, (int)left);
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
}

LIBVSS_EXPORT int libvss_async_status(const struct libvss_async *a,
				      int *result)
{
	if (result)
		*result = a->state == LIBVSS_ASYNC_PENDING ? 0 : a->result;
	return a->state;
}

LIBVSS_EXPORT int libvss_async_vss_status(const struct libvss_async *a)
{
	return a->state == LIBVSS_ASYNC_PENDING ? -EINPROGRESS : (int)a->status;
}

LIBVSS_EXPORT const char *libvss_async_message(const struct libvss_async *a)
{
	return a->state != LIBVSS_ASYNC_PENDING && a->message[0] ? a->message :
	       NULL;
}

LIBVSS_EXPORT int libvss_async_cancel(struct libvss_async *a)
{
	if (a->state != LIBVSS_ASYNC_PENDING)
		return -EALREADY;
	/* The kernel ends the operation; its completion says how (ECANCELED). */
	return libvss_backup_abort(a->b);
}

LIBVSS_EXPORT void libvss_async_free(struct libvss_async *a)
{
	struct libvss_async **pp;

	if (!a)
		return;
	/* A pending one leaves its backup's list: its completion is dropped. */
	if (a->b && a->state == LIBVSS_ASYNC_PENDING) {
		for (pp = vss_backup_pending(a->b); *pp; pp = &(*pp)->next) {
			if (*pp == a) {
				*pp = a->next;
				break;
			}
		}
	}
	free(a);
}
