// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/netlink.h>

#include "mock.h"

#define MOCK_MAX_SENT	64
#define MOCK_MAX_QUEUE	128
#define MOCK_MAX_MSGS	16	/* in one datagram */

struct mock_dgram {
	uint8_t *buf;
	size_t len;
	size_t claimed_extra;	/* recv reports len + this */
	bool patch;		/* fill in seq, port id, echoed header */
	int seq_delta[MOCK_MAX_MSGS];	/* per message */
	uint32_t portid;
	int error;		/* recv returns this instead (-ENOBUFS) */
};

struct mock {
	struct vss_transport tp;
	struct mock_dgram sent[MOCK_MAX_SENT];
	unsigned int nsent;
	struct mock_dgram queue[MOCK_MAX_QUEUE];
	unsigned int head, tail;
	bool closed;
	uint32_t groups;		/* joined: bit (id - 1) for ids 1 to 32 */
	int membership_error;		/* the next join fails with it */
};

static struct mock *to_mock(struct vss_transport *tp)
{
	return (struct mock *)((char *)tp - offsetof(struct mock, tp));
}

static void *xmemdup(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	if (!q) {
		perror("malloc");
		exit(1);
	}
	memcpy(q, p, len);
	return q;
}

static int mock_send(struct vss_transport *tp, const void *buf, size_t len)
{
	struct mock *m = to_mock(tp);

	if (m->nsent == MOCK_MAX_SENT)
		return -ENOBUFS;
	m->sent[m->nsent].buf = xmemdup(buf, len);
	m->sent[m->nsent].len = len;
	m->nsent++;
	return 0;
}

static void patch(struct mock *m, struct mock_dgram *d, uint8_t *buf)
{
	const struct nlmsghdr *req = mock_sent(m, m->nsent - 1);
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < MOCK_MAX_MSGS && off + sizeof(struct nlmsghdr) <= d->len; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + off);

		nlh->nlmsg_seq = (req ? req->nlmsg_seq : 0) + d->seq_delta[i];
		nlh->nlmsg_pid = d->portid;
		/* Uncapped errors carry their own echo, built by the test. */
		if (nlh->nlmsg_type == NLMSG_ERROR && req &&
		    (nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(struct nlmsgerr)) {
			struct nlmsgerr *err = NLMSG_DATA(nlh);

			err->msg = *req;
		}
		if (nlh->nlmsg_len < sizeof(*nlh))
			break;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
}

static ssize_t mock_recv(struct vss_transport *tp, void *buf, size_t len,
			 bool nowait)
{
	struct mock *m = to_mock(tp);
	struct mock_dgram *d;
	uint64_t one;
	ssize_t n;

	/* A real socket would block forever; fail the test instead. */
	if (m->head == m->tail)
		return nowait ? -EAGAIN : -ETIMEDOUT;
	/* The eventfd counts queued datagrams (EFD_SEMAPHORE): one less. */
	if (read(m->tp.fd, &one, sizeof(one)) != sizeof(one)) {
		perror("mock: eventfd read");
		exit(1);
	}
	d = &m->queue[m->head++];
	if (d->error) {
		free(d->buf);
		d->buf = NULL;
		return d->error;
	}
	memcpy(buf, d->buf, d->len < len ? d->len : len);
	if (d->patch && d->len <= len)
		patch(m, d, buf);
	n = (ssize_t)(d->len + d->claimed_extra);
	free(d->buf);
	d->buf = NULL;
	return n;
}

static int mock_membership(struct vss_transport *tp, uint32_t group, bool join)
{
	struct mock *m = to_mock(tp);
	int err = m->membership_error;

	if (!group || group > 32)
		return -EINVAL;
	if (join && err) {
		m->membership_error = 0;
		return err;
	}
	if (join)
		m->groups |= 1u << (group - 1);
	else
		m->groups &= ~(1u << (group - 1));
	return 0;
}

void mock_fail_membership(struct mock *m, int error)
{
	m->membership_error = error;
}

bool mock_joined(const struct mock *m, uint32_t group)
{
	return group && group <= 32 && (m->groups & (1u << (group - 1)));
}

static void mock_close(struct vss_transport *tp)
{
	to_mock(tp)->closed = true;
}

static const struct vss_transport_ops mock_ops = {
	.send = mock_send,
	.recv = mock_recv,
	.membership = mock_membership,
	.close = mock_close,
};

struct mock *mock_new(void)
{
	struct mock *m = calloc(1, sizeof(*m));

	if (!m) {
		perror("calloc");
		exit(1);
	}
	m->tp.ops = &mock_ops;
	m->tp.portid = MOCK_PORTID;
	m->tp.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
	if (m->tp.fd < 0) {
		perror("eventfd");
		exit(1);
	}
	return m;
}

struct vss_transport *mock_transport(struct mock *m)
{
	return &m->tp;
}

bool mock_closed(const struct mock *m)
{
	return m->closed;
}

void mock_free(struct mock *m)
{
	unsigned int i;

	for (i = 0; i < m->nsent; i++)
		free(m->sent[i].buf);
	for (i = m->head; i < m->tail; i++)
		free(m->queue[i].buf);
	close(m->tp.fd);
	free(m);
}

/* Takes ownership of @buf. */
static struct mock_dgram *enqueue(struct mock *m, uint8_t *buf, size_t len)
{
	struct mock_dgram *d;

	if (m->tail == MOCK_MAX_QUEUE) {
		fprintf(stderr, "mock: queue full\n");
		exit(1);
	}
	d = &m->queue[m->tail++];
	memset(d, 0, sizeof(*d));
	/* So that poll() on the transport's fd sees it, as on a socket. */
	if (write(m->tp.fd, &(uint64_t){ 1 }, sizeof(uint64_t)) != sizeof(uint64_t)) {
		perror("mock: eventfd write");
		exit(1);
	}
	d->buf = buf;
	d->len = len;
	return d;
}

void mock_queue_seqs(struct mock *m, const int *seq_deltas,
		     struct nl_msg **msgs, size_t n)
{
	struct mock_dgram *d;
	size_t len = 0, i;
	uint8_t *buf;

	if (n > MOCK_MAX_MSGS) {
		fprintf(stderr, "mock: too many messages in a datagram\n");
		exit(1);
	}
	for (i = 0; i < n; i++)
		len += NLMSG_ALIGN(nlmsg_hdr(msgs[i])->nlmsg_len);
	buf = calloc(1, len ? len : 1);
	if (!buf) {
		perror("calloc");
		exit(1);
	}
	for (i = 0, len = 0; i < n; i++) {
		struct nlmsghdr *nlh = nlmsg_hdr(msgs[i]);

		memcpy(buf + len, nlh, nlh->nlmsg_len);
		len += NLMSG_ALIGN(nlh->nlmsg_len);
		nlmsg_free(msgs[i]);
	}
	d = enqueue(m, buf, len);
	d->patch = true;
	for (i = 0; i < n; i++)
		d->seq_delta[i] = seq_deltas[i];
	d->portid = MOCK_PORTID;
}

void mock_queue(struct mock *m, int seq_delta, struct nl_msg **msgs, size_t n)
{
	int deltas[MOCK_MAX_MSGS];
	size_t i;

	for (i = 0; i < n && i < MOCK_MAX_MSGS; i++)
		deltas[i] = seq_delta;
	mock_queue_seqs(m, deltas, msgs, n);
}

void mock_queue1(struct mock *m, int seq_delta, struct nl_msg *msg)
{
	mock_queue(m, seq_delta, &msg, 1);
}

void mock_queue_from(struct mock *m, uint32_t portid, struct nl_msg *msg)
{
	mock_queue1(m, 0, msg);
	m->queue[m->tail - 1].portid = portid;
}

void mock_queue_raw(struct mock *m, const void *buf, size_t len)
{
	enqueue(m, xmemdup(buf, len), len);
}

void mock_queue_ntf(struct mock *m, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	nlh->nlmsg_seq = 0;
	nlh->nlmsg_pid = 0;
	mock_queue_raw(m, nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

void mock_queue_recv_error(struct mock *m, int error)
{
	enqueue(m, xmemdup("", 0), 0)->error = error;
}

void mock_queue_oversized(struct mock *m, size_t extra)
{
	m->queue[m->tail - 1].claimed_extra = extra;
}

size_t mock_pending(const struct mock *m)
{
	return m->tail - m->head;
}

unsigned int mock_nsent(const struct mock *m)
{
	return m->nsent;
}

const struct nlmsghdr *mock_sent(const struct mock *m, unsigned int i)
{
	return i < m->nsent ? (const struct nlmsghdr *)m->sent[i].buf : NULL;
}

size_t mock_sent_len(const struct mock *m, unsigned int i)
{
	return i < m->nsent ? m->sent[i].len : 0;
}
