/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A transport moves whole netlink datagrams between the library and the
 * kernel. The request/response core above it works on raw bytes only, so the
 * unit tests swap the socket for a mock; libvss_fd() watches the transport's
 * fd and libvss_process() reads it without blocking.
 */
#ifndef LIBVSS_TRANSPORT_H
#define LIBVSS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vss_transport;

struct vss_transport_ops {
	/* Sends one datagram. Returns 0 or -errno; never sends part of it. */
	int (*send)(struct vss_transport *tp, const void *buf, size_t len);
	/*
	 * Receives one datagram from the kernel into @buf. Returns its full
	 * length, which exceeds @len if it did not fit (the caller treats that
	 * as a truncated message), or -errno. With @nowait it returns -EAGAIN
	 * at once when nothing is queued: libvss_process() never blocks.
	 */
	ssize_t (*recv)(struct vss_transport *tp, void *buf, size_t len,
			bool nowait);
	/*
	 * Joins (@join true) or leaves multicast group @group, whose id the
	 * family's resolution gave. Returns 0 or -errno (-EPERM: the group
	 * needs a capability the caller lacks).
	 */
	int (*membership)(struct vss_transport *tp, uint32_t group, bool join);
	/* Releases the transport, including @tp itself. */
	void (*close)(struct vss_transport *tp);
};

struct vss_transport {
	const struct vss_transport_ops *ops;
	/* Our netlink port id: requests carry it and replies are sent to it. */
	uint32_t portid;
	/*
	 * Readable (POLLIN) whenever recv() has a datagram: what libvss_fd()
	 * watches. The socket itself; the mock's is an eventfd.
	 */
	int fd;
};

/* rcvbuf_bytes: the receive buffer, 0 for the default. */
int vss_sock_open(struct vss_transport **tpp, uint32_t rcvbuf_bytes);

#endif /* LIBVSS_TRANSPORT_H */
