// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening a context resolves "vss" through nlctrl: the request is exact, the
 * family id, version and multicast group ids are taken from the reply, and
 * an absent family is -ENOENT with an explanation that the module is not
 * loaded, available from libvss_ext_error(NULL).
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }

static int open_with(struct mock **mp, struct libvss_ctx **ctxp,
		     struct nl_msg *reply, bool ack)
{
	*mp = mock_new();
	mock_queue1(*mp, 0, reply);
	if (ack)
		mock_queue1(*mp, 0, build_ack());
	return vss_ctx_open(mock_transport(*mp), ctxp);
}

static void request_exact(void)
{
	struct libvss_ctx *ctx;
	struct mock *m;
	uint8_t want[28] = { 0 };

	put32(want + 0, sizeof(want));
	put16(want + 4, GENL_ID_CTRL);
	put16(want + 6, NLM_F_REQUEST | NLM_F_ACK);
	put32(want + 8, 1);			/* first seq of a context */
	put32(want + 12, MOCK_PORTID);
	want[16] = CTRL_CMD_GETFAMILY;
	want[17] = 1;
	put16(want + 20, 8);			/* "vss" and its NUL */
	put16(want + 22, CTRL_ATTR_FAMILY_NAME);
	memcpy(want + 24, "vss", 4);

	if (!ok_int(open_mocked(&m, &ctx), 0, "resolves with groups"))
		return;
	ok_int((long long)mock_sent_len(m, 0), sizeof(want),
	       "GETFAMILY request is 28 bytes");
	ok_mem(mock_sent(m, 0), want, sizeof(want), "GETFAMILY request exact");
	ok_int(ctx->family_id, TEST_FAMILY_ID, "family id from the reply");
	ok_int(ctx->family_version, 1, "family version from the reply");
	ok_int(ctx->mcgrp_events, TEST_MCGRP_EVENTS, "\"events\" group id");
	ok_int(ctx->mcgrp_monitor, TEST_MCGRP_MONITOR, "\"monitor\" group id");
	libvss_close(ctx);
	mock_free(m);
}

static void absent(void)
{
	struct libvss_ctx *ctx = (struct libvss_ctx *)1;
	struct mock *m;

	/* nlctrl answers a name it does not know with a bare ENOENT. */
	ok_int(open_with(&m, &ctx, build_error(-ENOENT), false), -ENOENT,
	       "absent family: -ENOENT");
	ok(ctx == NULL, "absent family: no context");
	ok_contains(libvss_ext_error(NULL), "not loaded",
		    "absent family: ext error says the module is not loaded");
	ok_contains(libvss_ext_error(NULL), "\"vss\"",
		    "absent family: ext error names the family");
	ok(mock_closed(m), "absent family: transport closed");
	mock_free(m);

	ok_int(open_mocked(&m, &ctx), 0, "a later open succeeds");
	ok_str(libvss_ext_error(NULL), NULL, "a later open clears the ext error");
	libvss_close(ctx);
	mock_free(m);
}

int main(void)
{
	struct libvss_ctx *ctx;
	struct mock *m;

	request_exact();

	if (ok_int(open_with(&m, &ctx, build_family(TEST_FAMILY_ID, 1, false), true),
		   0, "resolves without groups")) {
		ok_int(ctx->mcgrp_events, 0, "no groups: events id 0");
		ok_int(ctx->mcgrp_monitor, 0, "no groups: monitor id 0");
		libvss_close(ctx);
	}
	mock_free(m);

	if (ok_int(open_with(&m, &ctx, build_family(TEST_FAMILY_ID, 2, true), true),
		   0, "resolves a newer family version"))
		ok_int(ctx->family_version, 2, "newer family version kept");
	libvss_close(ctx);
	mock_free(m);

	absent();

	ok_int(open_with(&m, &ctx, build_family(0, 1, true), true), -EBADMSG,
	       "family id 0: -EBADMSG");
	ok_contains(libvss_ext_error(NULL), "family id",
		    "family id 0: explained");
	mock_free(m);

	ok_int(open_with(&m, &ctx, build_ack(), false), -EBADMSG,
	       "ACK without a reply: -EBADMSG");
	mock_free(m);

	ok_int(open_with(&m, &ctx, build_error(-EPERM), false), -EPERM,
	       "other nlctrl errors pass through");
	ok_str(libvss_ext_error(NULL), NULL,
	       "other nlctrl errors: no invented explanation");
	mock_free(m);

	return tap_done();
}
