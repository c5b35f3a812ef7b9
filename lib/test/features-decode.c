// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * GET_FEATURES replies: all three attributes read, with or without the pad
 * the kernel adds before 64-bit values on some architectures; unknown
 * attributes and a newer protocol accepted; anything missing or malformed
 * is -EBADMSG with an explanation, and never a half-filled report.
 */
#include <errno.h>
#include <linux/genetlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

static int get(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
	       struct libvss_features **f)
{
	if (reply)
		mock_queue1(m, 0, reply);
	mock_queue1(m, 0, build_ack());
	return libvss_get_features(ctx, 0, f);
}

static void good(struct mock *m, struct libvss_ctx *ctx, unsigned int how,
		 const char *what)
{
	struct libvss_features *f;
	int ret;

	ret = get(m, ctx, build_features("0.1.0", 1, VSS_FEATURE_FREEZE_HOLDER,
					 how), &f);
	if (!ok_int(ret, 0, "%s: decodes", what))
		return;
	ok_str(libvss_features_module_version(f), "0.1.0", "%s: module version",
	       what);
	ok_int(libvss_features_protocol_version(f), 1, "%s: protocol version",
	       what);
	ok_int((long long)libvss_features_mask(f), VSS_FEATURE_FREEZE_HOLDER,
	       "%s: feature mask", what);
	ok_str(libvss_ext_error(ctx), NULL, "%s: no ext error", what);
	libvss_features_free(f);
}

static void bad(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
		const char *explains, const char *what)
{
	struct libvss_features *f = (struct libvss_features *)1;
	int ret;

	ret = get(m, ctx, reply, &f);
	ok_int(ret, -EBADMSG, "%s: -EBADMSG", what);
	ok(f == NULL, "%s: no report", what);
	ok_contains(libvss_ext_error(ctx), explains, "%s: explained", what);
	ok_int((long long)mock_pending(m), 0, "%s: read up to the ACK", what);
}

int main(void)
{
	struct libvss_features *f;
	struct libvss_ctx *ctx;
	struct nl_msg *msg, *msgs[3];
	struct mock *m;
	int ret;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	good(m, ctx, 0, "plain reply");
	good(m, ctx, FEAT_PAD, "reply with PAD before FEATURES");

	ret = get(m, ctx, build_features("0.2.0", 7, (1ULL << 40) | 1,
					 FEAT_UNKNOWN_ATTR), &f);
	if (ok_int(ret, 0, "newer protocol with an unknown attribute: decodes")) {
		ok_int(libvss_features_protocol_version(f), 7,
		       "newer protocol: its version reported as is");
		ok((libvss_features_mask(f) == ((1ULL << 40) | 1)),
		   "newer protocol: unknown feature bits kept");
		libvss_features_free(f);
	}

	bad(m, ctx, build_features("0.1.0", 1, 1, FEAT_NO_VERSION),
	    "module-version", "reply without MODULE_VERSION");
	bad(m, ctx, build_features("0.1.0", 1, 1, FEAT_NO_PROTOCOL),
	    "protocol-version", "reply without PROTOCOL_VERSION");
	bad(m, ctx, build_features("0.1.0", 1, 1, FEAT_NO_FEATURES),
	    "features", "reply without FEATURES");
	bad(m, ctx, build_features("0.1.0", 1, 1, FEAT_SHORT_FEATURES),
	    "malformed", "FEATURES of 4 bytes");
	bad(m, ctx, build_features("0.1.0", 1, 1, FEAT_UNTERMINATED),
	    "malformed", "MODULE_VERSION without NUL");
	bad(m, ctx, NULL, "without a reply", "ACK without a reply");

	msg = build_features("0.1.0", 1, 1, 0);
	((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd = 99;
	bad(m, ctx, msg, "unexpected command", "reply with another command");

	msg = build_features("0.1.0", 1, 1, 0);
	nlmsg_hdr(msg)->nlmsg_type = TEST_FAMILY_ID + 1;
	bad(m, ctx, msg, "another family", "reply from another family");

	msgs[0] = build_features("0.1.0", 1, 1, 0);
	msgs[1] = build_features("0.1.0", 1, 1, 0);
	msgs[2] = build_ack();
	mock_queue(m, 0, msgs, 3);
	ret = libvss_get_features(ctx, 0, &f);
	ok_int(ret, -EBADMSG, "two replies to one request: -EBADMSG");
	ok_contains(libvss_ext_error(ctx), "more than one",
		    "two replies to one request: explained");

	good(m, ctx, 0, "good reply after bad ones");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
