// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "vss_nl.h"

#define NLA_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))

int vss_nl_open(struct vss_nl *nl)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	socklen_t addrlen = sizeof(addr);
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    bind(nl->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(nl->fd, (struct sockaddr *)&addr, &addrlen)) {
		int err = -errno;

		close(nl->fd);
		nl->fd = -1;
		return err;
	}
	nl->portid = addr.nl_pid;
	return 0;
}

void vss_nl_close(struct vss_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

void vss_nl_msg_init(struct vss_nl_msg *m, uint16_t type, uint8_t cmd,
		     uint8_t version)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = version;
}

void vss_nl_put(struct vss_nl_msg *m, uint16_t type, const void *data,
		size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(NLA_DATA(a), data, len);
	memset((char *)NLA_DATA(a) + len, 0, NLA_ALIGN(len) - len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Walks the extack TLVs that follow the echoed request in NLMSG_ERROR. */
static void vss_nl_parse_extack(struct vss_nl *nl, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (h->nlmsg_type == NLMSG_DONE)	/* int error, then the TLVs */
		off = NLMSG_HDRLEN + sizeof(int);
	/* With NETLINK_CAP_ACK only the request's header is echoed. */
	else if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		a = (const struct nlattr *)((const char *)h + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len)
			break;
		if (a->nla_type == NLMSGERR_ATTR_MSG) {
			size_t n = a->nla_len - NLA_HDRLEN;

			if (n >= sizeof(nl->ext_msg))
				n = sizeof(nl->ext_msg) - 1;
			memcpy(nl->ext_msg, NLA_DATA(a), n);
			nl->ext_msg[n] = '\0';
		} else if (a->nla_type == NLMSGERR_ATTR_OFFS) {
			memcpy(&nl->ext_offs, NLA_DATA(a), sizeof(nl->ext_offs));
		} else if (a->nla_type == NLMSGERR_ATTR_COOKIE &&
			   a->nla_len == NLA_HDRLEN + sizeof(uint32_t)) {
			memcpy(&nl->ext_status, NLA_DATA(a), sizeof(nl->ext_status));
			nl->has_status = 1;
		} else if (a->nla_type == NLMSGERR_ATTR_COOKIE &&
			   a->nla_len == NLA_HDRLEN + 2 * sizeof(uint32_t)) {
			memcpy(&nl->ext_kind, NLA_DATA(a), sizeof(nl->ext_kind));
			memcpy(&nl->ext_value, (const char *)NLA_DATA(a) + 4,
			       sizeof(nl->ext_value));
			nl->has_cookie8 = 1;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Sends m with flags and reads the answer: every message of m's sequence
 * goes to @fn until the NLMSG_ERROR (an ack or an error) or NLMSG_DONE that
 * ends it. Returns 0 or the -errno that ended it, with ext_msg filled in.
 */
static int vss_nl_exchange(struct vss_nl *nl, struct vss_nl_msg *m, int flags,
			   void (*fn)(const struct nlmsghdr *h, void *arg), void *arg)
{
	static char buf[VSS_NL_BUF];
	ssize_t n;

	nl->ext_msg[0] = '\0';
	nl->ext_offs = 0;
	nl->has_status = 0;
	nl->ext_status = 0;
	nl->has_cookie8 = 0;
	nl->ext_kind = 0;
	nl->ext_value = 0;
	m->nlh.nlmsg_flags |= NLM_F_REQUEST | flags;
	m->nlh.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, m->buf, m->nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0)
			return -errno;
		if (n > (ssize_t)sizeof(buf))
			return -EMSGSIZE;	/* never parse a datagram cut short */
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			int err = 0;

			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type != NLMSG_ERROR && h->nlmsg_type != NLMSG_DONE) {
				fn(h, arg);
				continue;
			}
			/* Both start with the errno; a dump refused at its start too. */
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
				memcpy(&err, NLMSG_DATA(h), sizeof(err));
			if (err < 0)
				vss_nl_parse_extack(nl, h);
			return err < 0 ? err : 0;
		}
	}
}

int vss_nl_parse_error(struct vss_nl *nl, const struct nlmsghdr *h)
{
	int err = 0;

	nl->ext_msg[0] = '\0';
	nl->ext_offs = 0;
	nl->has_status = 0;
	nl->ext_status = 0;
	nl->has_cookie8 = 0;
	nl->ext_kind = 0;
	nl->ext_value = 0;
	if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
		memcpy(&err, NLMSG_DATA(h), sizeof(err));
	if (err < 0)
		vss_nl_parse_extack(nl, h);
	return err < 0 ? err : 0;
}

struct vss_nl_first {
	void *reply;
	size_t size;
	int len;
};

static void vss_nl_keep_first(const struct nlmsghdr *h, void *arg)
{
	struct vss_nl_first *f = arg;

	if (f->len)
		return;
	/* A reply cut short would be parsed past its end: an error instead. */
	if (f->reply && h->nlmsg_len > f->size) {
		f->len = -EMSGSIZE;
		return;
	}
	f->len = h->nlmsg_len;
	if (f->reply)
		memcpy(f->reply, h, h->nlmsg_len);
}

int vss_nl_transact(struct vss_nl *nl, struct vss_nl_msg *m, void *reply,
		    size_t reply_size)
{
	struct vss_nl_first first = { .reply = reply, .size = reply_size };
	int err = vss_nl_exchange(nl, m, NLM_F_ACK, vss_nl_keep_first, &first);

	return err ? err : first.len;
}

const struct nlattr *vss_nl_attr(const void *reply, int reply_len,
				 uint16_t type)
{
	const struct nlmsghdr *h = reply;
	int off = NLMSG_LENGTH(GENL_HDRLEN);

	if (reply_len > (int)h->nlmsg_len)
		reply_len = h->nlmsg_len;
	while (off + NLA_HDRLEN <= reply_len) {
		const struct nlattr *a = (const void *)((const char *)reply + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > reply_len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/* Reads the id of group name out of a CTRL_ATTR_MCAST_GROUPS nest. */
static uint32_t vss_nl_group_id(const struct nlattr *groups, const char *name)
{
	int off = NLA_HDRLEN;

	while (off + NLA_HDRLEN <= groups->nla_len) {
		const struct nlattr *grp = (const void *)((const char *)groups + off);
		int goff = NLA_HDRLEN;
		const char *gname = NULL;
		uint32_t id = 0;

		while (goff + NLA_HDRLEN <= grp->nla_len) {
			const struct nlattr *a = (const void *)((const char *)grp + goff);

			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				gname = NLA_DATA(a);
			else if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				memcpy(&id, NLA_DATA(a), sizeof(id));
			goff += NLA_ALIGN(a->nla_len);
		}
		if (gname && !strcmp(gname, name))
			return id;
		off += NLA_ALIGN(grp->nla_len);
	}
	return 0;
}

int vss_nl_resolve(struct vss_nl *nl)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	vss_nl_put(&m, CTRL_ATTR_FAMILY_NAME, VSS_FAMILY_NAME,
		   sizeof(VSS_FAMILY_NAME));
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = vss_nl_attr(reply, len, CTRL_ATTR_FAMILY_ID);
	if (!a)
		return -EBADMSG;
	memcpy(&nl->family, NLA_DATA(a), sizeof(nl->family));
	a = vss_nl_attr(reply, len, CTRL_ATTR_VERSION);
	if (a)
		memcpy(&nl->family_version, NLA_DATA(a), sizeof(uint32_t));
	a = vss_nl_attr(reply, len, CTRL_ATTR_MCAST_GROUPS);
	if (a) {
		nl->grp_events = vss_nl_group_id(a, VSS_MCGRP_EVENTS);
		nl->grp_monitor = vss_nl_group_id(a, VSS_MCGRP_MONITOR);
	}
	return 0;
}

struct vss_nl_counted {
	void (*fn)(const struct nlmsghdr *h, void *arg);
	void *arg;
	int count;
};

static void vss_nl_count(const struct nlmsghdr *h, void *arg)
{
	struct vss_nl_counted *c = arg;

	c->fn(h, c->arg);
	c->count++;
}

int vss_nl_dump(struct vss_nl *nl, struct vss_nl_msg *m,
		void (*fn)(const struct nlmsghdr *h, void *arg), void *arg)
{
	struct vss_nl_counted c = { .fn = fn, .arg = arg };
	int err = vss_nl_exchange(nl, m, NLM_F_DUMP, vss_nl_count, &c);

	return err ? err : c.count;
}
