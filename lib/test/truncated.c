// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Truncated and malformed messages are -EBADMSG, never a read past the end
 * (valgrind watches): short datagrams, headers that claim more than arrived,
 * datagrams that did not fit the buffer, attributes that overrun.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

static void expect_bad(struct libvss_ctx *ctx, struct mock *m, const char *what)
{
	struct libvss_features *f = (struct libvss_features *)1;
	int ret;

	ret = libvss_get_features(ctx, 0, &f);
	ok_int(ret, -EBADMSG, "%s: -EBADMSG", what);
	ok(f == NULL, "%s: no report", what);
	ok(libvss_ext_error(ctx) != NULL, "%s: explained", what);
	ok_int((long long)mock_pending(m), 0, "%s: nothing left behind", what);
}

/* A reply whose bytes are cut to @len, header untouched. */
static void queue_cut(struct mock *m, size_t len)
{
	struct nl_msg *msg = build_features("0.1.0", 1, 1, 0);
	uint8_t buf[256];

	memcpy(buf, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	mock_queue_raw(m, buf, len);
}

int main(void)
{
	struct nlmsghdr *nlh;
	struct libvss_ctx *ctx;
	uint8_t buf[64];
	struct nl_msg *msg;
	struct mock *m;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	queue_cut(m, 8);
	expect_bad(ctx, m, "datagram shorter than a header");

	queue_cut(m, 30);
	expect_bad(ctx, m, "header claims more than arrived");

	msg = build_ack();
	memcpy(buf, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	((struct nlmsghdr *)buf)->nlmsg_len = 4;
	mock_queue_raw(m, buf, nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	expect_bad(ctx, m, "header claims less than a header");

	mock_queue1(m, 0, build_features("0.1.0", 1, 1, 0));
	mock_queue_oversized(m, VSS_RECV_BUF_SIZE);
	expect_bad(ctx, m, "datagram larger than the buffer");
	ok_contains(libvss_ext_error(ctx), "truncated",
		    "datagram larger than the buffer: says truncated");

	msg = build_features("0.1.0", 1, 1, 0);
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	expect_bad(ctx, m, "message ends inside the genl header");

	/* The last attribute (FEATURES) claims 8 bytes more than it has. */
	msg = build_features("0.1.0", 1, 1, 0);
	nlh = nlmsg_hdr(msg);
	((struct nlattr *)((char *)nlh + nlh->nlmsg_len - 12))->nla_len += 8;
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	expect_bad(ctx, m, "attribute overruns its message");

	/* Four zero bytes after the attributes. */
	msg = build_features("0.1.0", 1, 1, 0);
	nlmsg_reserve(msg, 4, NLMSG_ALIGNTO);
	memset((char *)nlmsg_hdr(msg) + nlmsg_hdr(msg)->nlmsg_len - 4, 0, 4);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	expect_bad(ctx, m, "trailing bytes after the attributes");

	/* Extack TLVs said to follow an echo longer than the message. */
	msg = build_extack(-EINVAL, "x", -1, -1);
	nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_CAPPED;
	((struct nlmsgerr *)nlmsg_data(nlmsg_hdr(msg)))->msg.nlmsg_len = 4000;
	mock_queue1(m, 0, msg);
	expect_bad(ctx, m, "extack echo longer than the message");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
