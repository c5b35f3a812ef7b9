// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The real transport: a NETLINK_GENERIC socket.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "internal.h"

/* Bytes of receive buffer asked for (the kernel doubles it, capped by rmem_max). */
#define VSS_SOCK_RCVBUF	(1 << 20)

struct vss_sock {
	struct vss_transport tp;
	int fd;
};

static struct vss_sock *to_sock(struct vss_transport *tp)
{
	return (struct vss_sock *)((char *)tp - offsetof(struct vss_sock, tp));
}

static int sock_send(struct vss_transport *tp, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do {
		n = sendto(to_sock(tp)->fd, buf, len, 0,
			   (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* Netlink datagrams go out whole or not at all. */
	return (size_t)n == len ? 0 : -EIO;
}

static ssize_t sock_recv(struct vss_transport *tp, void *buf, size_t len,
			 bool nowait)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		/* MSG_TRUNC: learn the real length of a datagram that did not fit. */
		n = recvmsg(to_sock(tp)->fd, &msg,
			    MSG_TRUNC | (nowait ? MSG_DONTWAIT : 0));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* Only the kernel speaks this protocol; drop anything else. */
		if (msg.msg_namelen != sizeof(from) || from.nl_pid != 0)
			continue;
		return n;
	}
}

static int sock_membership(struct vss_transport *tp, uint32_t group, bool join)
{
	if (setsockopt(to_sock(tp)->fd, SOL_NETLINK,
		       join ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP,
		       &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

static void sock_close(struct vss_transport *tp)
{
	struct vss_sock *s = to_sock(tp);

	close(s->fd);
	free(s);
}

static const struct vss_transport_ops sock_ops = {
	.send = sock_send,
	.recv = sock_recv,
	.membership = sock_membership,
	.close = sock_close,
};

static int sock_setopt(int fd, int opt)
{
	int one = 1;

	if (setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

int vss_sock_open(struct vss_transport **tpp, uint32_t rcvbuf_bytes)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	socklen_t alen = sizeof(local);
	int rcvbuf = !rcvbuf_bytes ? VSS_SOCK_RCVBUF :
		     rcvbuf_bytes > INT_MAX / 2 ? INT_MAX / 2 : (int)rcvbuf_bytes;
	struct vss_sock *s;
	int ret;

	*tpp = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->tp.ops = &sock_ops;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0) {
		ret = -errno;
		free(s);
		return ret;
	}
	/*
	 * EXT_ACK: errors carry the kernel's message and the offending
	 * attribute. CAP_ACK: errors do not echo our request back, so every
	 * reply fits the receive buffer.
	 */
	ret = sock_setopt(s->fd, NETLINK_EXT_ACK);
	if (!ret)
		ret = sock_setopt(s->fd, NETLINK_CAP_ACK);
	/* Bind now so the port id is known before the first request. */
	if (!ret && bind(s->fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		ret = -errno;
	if (!ret && getsockname(s->fd, (struct sockaddr *)&local, &alen) < 0)
		ret = -errno;
	if (ret) {
		sock_close(&s->tp);
		return ret;
	}
	/*
	 * Completions and writer events arrive unasked, possibly in bursts
	 * (every writer's status, documents of up to 64 KiB); one that does
	 * not fit is lost. A larger buffer where allowed (past rmem_max with
	 * CAP_NET_ADMIN); failing is harmless.
	 */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	s->tp.portid = local.nl_pid;
	s->tp.fd = s->fd;
	*tpp = &s->tp;
	return 0;
}
