/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw generic-netlink client for the selftests. It deliberately does not
 * use libvss: the selftests check the module on its own, and they must be
 * able to send messages no well-behaved library would build (wrong lengths,
 * unknown attributes, bad commands).
 */
#ifndef VSS_SELFTEST_NL_H
#define VSS_SELFTEST_NL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

/* A reply of a 64-volume set, tokens included, is about 16 KiB. */
#define VSS_NL_BUF 32768

struct vss_nl {
	int fd;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;		/* resolved id of the vss family */
	uint32_t family_version;
	uint32_t grp_events;		/* multicast group ids, 0 if absent */
	uint32_t grp_monitor;
	char ext_msg[256];		/* extack message of the last error */
	uint32_t ext_offs;		/* extack offending-attribute offset */
	int has_status;			/* the last error carried a VSS status */
	uint32_t ext_status;		/* enum vss_status from the extack cookie */
	int has_cookie8;		/* ... or a struct vss_changes_cookie */
	uint32_t ext_kind;		/* its kind and value */
	uint32_t ext_value;
};

/* A request being built: netlink + genetlink header, then attributes. */
struct vss_nl_msg {
	union {
		struct nlmsghdr nlh;
		char buf[VSS_NL_BUF];
	};
};

int vss_nl_open(struct vss_nl *nl);
void vss_nl_close(struct vss_nl *nl);

/* Resolves the "vss" family and its groups; -ENOENT if not registered. */
int vss_nl_resolve(struct vss_nl *nl);

void vss_nl_msg_init(struct vss_nl_msg *m, uint16_t type, uint8_t cmd,
		     uint8_t version);
/* Appends an attribute with exactly len bytes of payload (any len). */
void vss_nl_put(struct vss_nl_msg *m, uint16_t type, const void *data,
		size_t len);

/*
 * Sends m (adding NLM_F_REQUEST | NLM_F_ACK and a sequence number) and
 * waits for its answer. Returns -errno from an NLMSG_ERROR (with ext_msg
 * filled in), 0 for a plain ack, or the length of the first reply message,
 * copied into reply when reply is not NULL.
 */
int vss_nl_transact(struct vss_nl *nl, struct vss_nl_msg *m, void *reply,
		    size_t reply_size);

/*
 * Sends a dump request (NLM_F_DUMP) and calls @fn for every reply message
 * until NLMSG_DONE. Returns the number of messages, or -errno.
 */
int vss_nl_dump(struct vss_nl *nl, struct vss_nl_msg *m,
		void (*fn)(const struct nlmsghdr *h, void *arg), void *arg);

/*
 * Reads the errno of an NLMSG_ERROR (or NLMSG_DONE) and its extack TLVs
 * (message, offset, cookie) into nl; returns the errno (0 for an ack).
 */
int vss_nl_parse_error(struct vss_nl *nl, const struct nlmsghdr *h);

/* Finds attribute type in a reply message (after the genetlink header). */
const struct nlattr *vss_nl_attr(const void *reply, int reply_len,
				 uint16_t type);

#endif /* VSS_SELFTEST_NL_H */
