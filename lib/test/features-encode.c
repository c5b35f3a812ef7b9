// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * GET_FEATURES requests are byte for byte what the module's strict policy
 * accepts: headers, flags and seq right, REQUIRED only when asked for, and
 * never preceded by a PAD attribute (the request policy has none).
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, sizeof(v)); }

/* The request written out field by field, independently of libnl. */
static size_t expected(uint8_t *buf, uint32_t seq, uint64_t required)
{
	size_t len = required ? 32 : 20;

	memset(buf, 0, 32);
	put32(buf + 0, (uint32_t)len);		/* nlmsg_len */
	put16(buf + 4, TEST_FAMILY_ID);		/* nlmsg_type */
	put16(buf + 6, NLM_F_REQUEST | NLM_F_ACK);
	put32(buf + 8, seq);
	put32(buf + 12, MOCK_PORTID);
	buf[16] = VSS_CMD_GET_FEATURES;		/* genlmsghdr.cmd */
	buf[17] = VSS_FAMILY_VERSION;		/* genlmsghdr.version */
	if (required) {				/* reserved stays 0 */
		put16(buf + 20, 12);		/* nla_len: 4 + 8, no pad */
		put16(buf + 22, VSS_A_FEATURES_REQUIRED);
		put64(buf + 24, required);	/* 8-byte aligned as is */
	}
	return len;
}

static void check_request(struct mock *m, struct libvss_ctx *ctx,
			  uint64_t required, struct nl_msg *reply,
			  const char *what)
{
	struct libvss_features *f;
	unsigned int i = mock_nsent(m);
	uint8_t want[32];
	size_t len;

	bool is_error = nlmsg_hdr(reply)->nlmsg_type == NLMSG_ERROR;

	mock_queue1(m, 0, reply);
	if (!is_error)
		mock_queue1(m, 0, build_ack());
	libvss_get_features(ctx, required, &f);
	libvss_features_free(f);

	len = expected(want, ctx->seq, required);
	ok_int((long long)mock_sent_len(m, i), (long long)len,
	       "%s: request is %zu bytes", what, len);
	if (mock_sent_len(m, i) == len)
		ok_mem(mock_sent(m, i), want, len, "%s: request bytes exact", what);
	else
		ok(false, "%s: request bytes exact", what);
}

int main(void)
{
	struct libvss_ctx *ctx;
	struct nl_msg *msg;
	struct mock *m;
	uint8_t want[32];
	uint32_t seq;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	seq = ctx->seq;
	check_request(m, ctx, 0, build_features("0.1.0", 1, 1, 0),
		      "required 0");
	ok_int(ctx->seq, seq + 1, "each request takes the next seq");

	check_request(m, ctx, VSS_FEATURE_FREEZE_HOLDER,
		      build_features("0.1.0", 1, 1, 0), "required freeze-holder");

	/* Every bit travels, including those this library has no name for. */
	check_request(m, ctx, (1ULL << 63) | VSS_FEATURE_FREEZE_HOLDER,
		      build_extack(-EOPNOTSUPP, "missing", 20, -1),
		      "required bits 63 and 0");

	/* The encoder alone, as an asynchronous driver will use it. */
	msg = vss_features_encode(ctx, 77, VSS_FEATURE_FREEZE_HOLDER);
	expected(want, 77, VSS_FEATURE_FREEZE_HOLDER);
	if (ok(msg != NULL, "vss_features_encode() builds a message"))
		ok_mem(nlmsg_hdr(msg), want, 32,
		       "vss_features_encode() output exact for seq 77");
	nlmsg_free(msg);

	libvss_close(ctx);
	ok(mock_closed(m), "libvss_close() closes the transport");
	mock_free(m);
	return tap_done();
}
