/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A transport that records what the library sends and plays back queued
 * datagrams, so the request/response core is tested without a kernel.
 */
#ifndef LIBVSS_TEST_MOCK_H
#define LIBVSS_TEST_MOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* An arbitrary, recognisable port id for the library's socket. */
#define MOCK_PORTID	0x4321

struct mock;

struct mock *mock_new(void);
/* The transport for vss_ctx_open(); closing it only marks the mock closed. */
struct vss_transport *mock_transport(struct mock *m);
void mock_free(struct mock *m);
bool mock_closed(const struct mock *m);
/* Whether the library's socket is in multicast group @group now. */
bool mock_joined(const struct mock *m, uint32_t group);
/* The next join of a group fails with @error (-EPERM: not privileged). */
void mock_fail_membership(struct mock *m, int error);

/*
 * Queues one datagram holding the messages in @msgs (freed here). When it is
 * received, each message gets our port id and the seq of the last request
 * plus @seq_delta, as a kernel reply would; an NLMSG_ERROR also gets the
 * header of that request, as the kernel echoes it with NETLINK_CAP_ACK.
 */
void mock_queue(struct mock *m, int seq_delta, struct nl_msg **msgs,
		size_t n);
/* The same with a seq delta of its own for each message. */
void mock_queue_seqs(struct mock *m, const int *seq_deltas,
		     struct nl_msg **msgs, size_t n);
void mock_queue1(struct mock *m, int seq_delta, struct nl_msg *msg);
/*
 * Queues one kernel notification (seq 0, port id 0, as the module unicasts
 * completions and writer events), received as it is; @msg is freed here.
 */
void mock_queue_ntf(struct mock *m, struct nl_msg *msg);
/* The next recv() fails with @error, as a socket that overran (-ENOBUFS). */
void mock_queue_recv_error(struct mock *m, int error);
/* Queues bytes that are received as they are. */
void mock_queue_raw(struct mock *m, const void *buf, size_t len);
/* The last queued datagram claims @extra more bytes than it holds, as
 * recv(MSG_TRUNC) reports one that did not fit. */
void mock_queue_oversized(struct mock *m, size_t extra);
/* Queues a datagram from another port: the library must skip it. */
void mock_queue_from(struct mock *m, uint32_t portid, struct nl_msg *msg);
size_t mock_pending(const struct mock *m);

unsigned int mock_nsent(const struct mock *m);
/* The @i-th request sent, or NULL. */
const struct nlmsghdr *mock_sent(const struct mock *m, unsigned int i);
size_t mock_sent_len(const struct mock *m, unsigned int i);

#endif /* LIBVSS_TEST_MOCK_H */
