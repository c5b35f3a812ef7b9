// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The request/response core: building request headers, splitting datagrams,
 * matching replies, reading NLMSG_ERROR and its extended ack. Pure functions
 * on message bytes; nothing here does I/O.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#include "internal.h"

/* Largest errno the kernel returns; anything beyond is not an errno. */
#define VSS_MAX_ERRNO	4095

struct nl_msg *vss_genl_msg(uint16_t family, uint8_t cmd, uint8_t version,
			    uint32_t portid, uint32_t seq)
{
	return vss_genl_msg_ext(family, cmd, version, portid, seq, 0, 0);
}

struct nl_msg *vss_genl_msg_ext(uint16_t family, uint8_t cmd, uint8_t version,
				uint32_t portid, uint32_t seq, int flags,
				size_t attrlen)
{
	struct nl_msg *msg;

	/* libnl's default is a page: enough unless the caller says more. */
	if (attrlen)
		msg = nlmsg_alloc_size(NLMSG_SPACE(GENL_HDRLEN + attrlen));
	else
		msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	/*
	 * Always ask for an ACK: it marks the end of a do exchange. A dump
	 * ends with NLMSG_DONE instead; the kernel sends no ACK after a dump
	 * it started, and an NLMSG_ERROR if it could not start one.
	 */
	if (!genlmsg_put(msg, portid, seq, family, 0,
			 NLM_F_REQUEST | NLM_F_ACK | flags, cmd, version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int vss_check_path(const char *path)
{
	if (!path)
		return -EINVAL;
	/* What the kernel's NLA_NUL_STRING policies of paths accept. */
	if (strnlen(path, PATH_MAX) == PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

size_t vss_str_attr_size(const char *s)
{
	return NLA_ALIGN(NLA_HDRLEN + strlen(s) + 1);
}

int vss_dgram_next(void *buf, size_t len, size_t *off, struct nlmsghdr **nlhp)
{
	struct nlmsghdr *nlh;
	size_t rem;

	if (*off >= len)
		return 0;
	rem = len - *off;
	nlh = (struct nlmsghdr *)((char *)buf + *off);
	if (rem < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
	    nlh->nlmsg_len > rem)
		return -EBADMSG;
	*off += NLMSG_ALIGN(nlh->nlmsg_len);
	*nlhp = nlh;
	return 1;
}

bool vss_msg_is_reply(const struct nlmsghdr *nlh, uint32_t portid,
		      uint32_t seq)
{
	return nlh->nlmsg_seq == seq && nlh->nlmsg_pid == portid;
}

/*
 * nla_parse() and genlmsg_parse() skip types above maxtype, so a newer
 * module's extra attributes are ignored; but they stop quietly at a
 * malformed attribute, which must not pass for the end of the message.
 */
static bool attrs_overrun(struct nlattr *head, int len)
{
	struct nlattr *pos;
	int rem;

	nla_for_each_attr(pos, head, len, rem)
		;
	return rem > 0;
}

int vss_attrs_parse(struct nlattr **tb, int maxtype, struct nlattr *head,
		    int len, const struct nla_policy *policy)
{
	if (nla_parse(tb, maxtype, head, len, policy) < 0 ||
	    attrs_overrun(head, len))
		return -EBADMSG;
	return 0;
}

int vss_genl_parse(struct nlmsghdr *nlh, uint8_t cmd, struct nlattr **tb,
		   int maxtype, const struct nla_policy *policy,
		   const char **why)
{
	struct genlmsghdr *ghdr;

	if (!genlmsg_valid_hdr(nlh, 0)) {
		*why = "reply too short for a generic netlink header";
		return -EBADMSG;
	}
	ghdr = nlmsg_data(nlh);
	if (ghdr->cmd != cmd) {
		*why = "reply carries an unexpected command";
		return -EBADMSG;
	}
	if (genlmsg_parse(nlh, 0, tb, maxtype, policy) < 0 ||
	    attrs_overrun(genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0))) {
		*why = "reply has malformed attributes";
		return -EBADMSG;
	}
	return 0;
}

int vss_reply_parse(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		    uint8_t cmd, struct nlattr **tb, int maxtype,
		    const struct nla_policy *policy, const char **why)
{
	if (nlh->nlmsg_type != ctx->family_id) {
		*why = "reply from another family";
		return -EBADMSG;
	}
	return vss_genl_parse(nlh, cmd, tb, maxtype, policy, why);
}

static const struct nla_policy nlerr_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]		= { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS]		= { .type = NLA_U32, .maxlen = 4 },
	[NLMSGERR_ATTR_MISS_TYPE]	= { .type = NLA_U32, .maxlen = 4 },
	[NLMSGERR_ATTR_COOKIE]		= { .type = NLA_UNSPEC },
};

/* The extack TLVs of an NLMSG_ERROR or NLMSG_DONE, from payload byte @hlen. */
static int nlerr_tlvs(const struct nlmsghdr *nlh, size_t hlen,
		      struct vss_nlerr *e)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;

	hlen = NLMSG_ALIGN(hlen);
	if (hlen > plen)
		return -EBADMSG;
	if (vss_attrs_parse(tb, NLMSGERR_ATTR_MAX,
			    (struct nlattr *)((char *)NLMSG_DATA(nlh) + hlen),
			    (int)(plen - hlen), nlerr_policy))
		return -EBADMSG;

	if (tb[NLMSGERR_ATTR_MSG])
		e->msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
	if (tb[NLMSGERR_ATTR_OFFS]) {
		e->has_offs = true;
		e->offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		e->has_miss_type = true;
		e->miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
	/*
	 * The vss family puts its VSS status, a u32, in the cookie
	 * (Documentation/protocol.md); a cookie of another size is not ours
	 * to read, and nlctrl's refusals carry none.
	 */
	if (tb[NLMSGERR_ATTR_COOKIE] &&
	    nla_len(tb[NLMSGERR_ATTR_COOKIE]) == sizeof(uint32_t)) {
		uint32_t status;

		memcpy(&status, nla_data(tb[NLMSGERR_ATTR_COOKIE]), sizeof(status));
		if (status <= INT32_MAX)
			e->status = (int)status;
	}
	/*
	 * CHANGES_GET's refusals carry a struct vss_changes_cookie instead;
	 * the size tells the two apart. Without one (a dump's end on 6.1)
	 * the message's stable prefix says the same.
	 */
	if (tb[NLMSGERR_ATTR_COOKIE] &&
	    nla_len(tb[NLMSGERR_ATTR_COOKIE]) == sizeof(struct vss_changes_cookie)) {
		struct vss_changes_cookie c;

		memcpy(&c, nla_data(tb[NLMSGERR_ATTR_COOKIE]), sizeof(c));
		if (c.kind == VSS_COOKIE_STALE_REASON)
			e->stale = c.value;
	}
	if (e->stale == VSS_STALE_NONE)
		e->stale = vss_stale_from_message(e->msg);
	return 0;
}

int vss_nlerr_decode(const struct nlmsghdr *nlh, struct vss_nlerr *e)
{
	const struct nlmsgerr *err;
	size_t hlen = sizeof(*err);

	memset(e, 0, sizeof(*e));
	e->status = -1;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
		return -EBADMSG;
	err = NLMSG_DATA(nlh);
	if (err->error > 0 || err->error < -VSS_MAX_ERRNO)
		return -EBADMSG;
	e->error = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;

	/* Without NETLINK_CAP_ACK the request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < NLMSG_HDRLEN)
			return -EBADMSG;
		hlen += err->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	return nlerr_tlvs(nlh, hlen, e);
}

/*
 * The kernel's NLMSG_DONE (netlink_dump_done()) carries the dump's verdict
 * as an int, 0 or -errno: a dump that fails after it started ends this way,
 * not with an NLMSG_ERROR. Its extack message, if any, follows directly.
 */
int vss_done_decode(const struct nlmsghdr *nlh, struct vss_nlerr *e)
{
	size_t plen;
	int error;

	memset(e, 0, sizeof(*e));
	e->status = -1;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EBADMSG;
	plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	/* Some senders end a dump with no payload at all: a plain end. */
	if (plen == 0)
		return 0;
	if (plen < sizeof(error))
		return -EBADMSG;
	memcpy(&error, NLMSG_DATA(nlh), sizeof(error));
	if (error > 0 || error < -VSS_MAX_ERRNO)
		return -EBADMSG;
	e->error = error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	return nlerr_tlvs(nlh, sizeof(error), e);
}

/*
 * The attribute type at byte @offs of our own request, or -1: the kernel
 * points at the attribute it rejected, and a type number says more than an
 * offset. Requests are flat, so a non-nested lookup is enough for now.
 */
static int req_attr_type(const struct nlmsghdr *req, uint32_t offs)
{
	const struct nlattr *nla;

	if (!req || offs < NLMSG_HDRLEN + GENL_HDRLEN ||
	    offs > req->nlmsg_len || req->nlmsg_len - offs < NLA_HDRLEN)
		return -1;
	nla = (const struct nlattr *)((const char *)req + offs);
	return nla->nla_type & NLA_TYPE_MASK;
}

static size_t append(char *buf, size_t len, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t append(char *buf, size_t len, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (pos >= len)
		return pos;
	va_start(ap, fmt);
	n = vsnprintf(buf + pos, len - pos, fmt, ap);
	va_end(ap);
	return n < 0 ? pos : pos + (size_t)n;
}

void vss_nlerr_describe(const struct vss_nlerr *e, const struct nlmsghdr *req,
			char *buf, size_t len)
{
	size_t pos = 0;
	int type;

	if (!len)
		return;
	buf[0] = '\0';
	if (e->msg)
		pos = append(buf, len, pos, "%s", e->msg);
	/* After the kernel's text in parentheses, alone as its own phrase. */
	if (e->has_offs) {
		type = req_attr_type(req, e->offs);
		if (type >= 0)
			pos = append(buf, len, pos, pos ? " (attribute type %d)" :
				     "invalid attribute type %d", type);
		else
			pos = append(buf, len, pos, pos ? " (attribute at offset %u)" :
				     "invalid attribute at offset %u", e->offs);
	}
	if (e->has_miss_type)
		append(buf, len, pos, pos ? " (missing attribute type %u)" :
		       "missing attribute type %u", e->miss_type);
}
