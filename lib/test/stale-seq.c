// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Only messages with our seq and port id belong to the exchange: replies,
 * ACKs and errors left over from an earlier, abandoned request are skipped,
 * as are NOOPs, whether they come in datagrams of their own or share one.
 */
#include <errno.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

static void expect_good(struct libvss_ctx *ctx, struct mock *m,
			const char *what)
{
	struct libvss_features *f;
	int ret;

	ret = libvss_get_features(ctx, 0, &f);
	if (ok_int(ret, 0, "%s: succeeds", what)) {
		ok_str(libvss_features_module_version(f), "0.1.0",
		       "%s: the current reply is used", what);
		libvss_features_free(f);
	}
	ok_int((long long)mock_pending(m), 0, "%s: all read", what);
}

int main(void)
{
	struct libvss_features *f;
	struct libvss_ctx *ctx;
	struct nl_msg *msgs[6];
	struct mock *m;
	int deltas[6];
	int ret;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	/* Separate datagrams. */
	mock_queue1(m, -1, build_features("9.9.9", 1, 1, 0));
	mock_queue1(m, -1, build_ack());
	mock_queue1(m, -1, build_extack(-EINVAL, "stale", -1, -1));
	mock_queue_from(m, 0x999, build_features("8.8.8", 1, 1, 0));
	mock_queue1(m, 0, nlmsg_alloc_simple(NLMSG_NOOP, 0));
	mock_queue1(m, 0, build_features("0.1.0", 1, 1, 0));
	mock_queue1(m, 0, build_ack());
	expect_good(ctx, m, "stale datagrams");

	/* One datagram. */
	msgs[0] = build_features("9.9.9", 1, 1, 0);	deltas[0] = -5;
	msgs[1] = build_error(-EINVAL);			deltas[1] = -5;
	msgs[2] = nlmsg_alloc_simple(NLMSG_NOOP, 0);	deltas[2] = 0;
	msgs[3] = build_features("0.1.0", 1, 1, 0);	deltas[3] = 0;
	msgs[4] = build_ack();				deltas[4] = 0;
	msgs[5] = build_error(-EINVAL);			deltas[5] = 1;
	mock_queue_seqs(m, deltas, msgs, 6);
	expect_good(ctx, m, "stale messages in the datagram");

	/*
	 * A call that gave up early leaves its ACK behind; the next call
	 * must not take it for its own.
	 */
	mock_queue_raw(m, "\x08\0\0\0", 4);
	ret = libvss_get_features(ctx, 0, &f);
	ok_int(ret, -EBADMSG, "abandoned exchange: -EBADMSG");
	mock_queue1(m, -1, build_ack());
	mock_queue1(m, 0, build_features("0.1.0", 1, 1, 0));
	mock_queue1(m, 0, build_ack());
	expect_good(ctx, m, "after an abandoned exchange");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
