// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An NLMSG_ERROR becomes its -errno, and its extended ack (message, offset
 * of the rejected attribute, type of a missing one) becomes the text of
 * libvss_ext_error(), which the next successful call clears.
 */
#include <errno.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

static int fail_with(struct mock *m, struct libvss_ctx *ctx, uint64_t required,
		     struct nl_msg *err, const char *what)
{
	struct libvss_features *f = (struct libvss_features *)1;
	int ret;

	mock_queue1(m, 0, err);
	ret = libvss_get_features(ctx, required, &f);
	ok(f == NULL, "%s: no report", what);
	return ret;
}

int main(void)
{
	struct libvss_features *f;
	struct libvss_ctx *ctx;
	struct nl_msg *msgs[2], *req;
	struct mock *m;
	int ret;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	/* What the module sends for a required feature it lacks. */
	ret = fail_with(m, ctx, 2, build_extack(-EOPNOTSUPP,
			"required features 0x2 not supported by this module",
			20, -1), "missing required feature");
	ok_int(ret, -EOPNOTSUPP, "missing required feature: -EOPNOTSUPP");
	ok_str(libvss_ext_error(ctx),
	       "required features 0x2 not supported by this module (attribute type 5)",
	       "missing required feature: kernel message and attribute");

	ret = fail_with(m, ctx, 0, build_error(-EPERM),
			"error without extack");
	ok_int(ret, -EPERM, "error without extack: its errno");
	ok_str(libvss_ext_error(ctx), NULL, "error without extack: no text");

	ret = fail_with(m, ctx, 0, build_extack(-EINVAL, NULL, -1, 5),
			"missing attribute");
	ok_int(ret, -EINVAL, "missing attribute: -EINVAL");
	ok_str(libvss_ext_error(ctx), "missing attribute type 5",
	       "missing attribute: named by type");

	ret = fail_with(m, ctx, 0, build_extack(-EINVAL, NULL, 200, -1),
			"offset outside the request");
	ok_int(ret, -EINVAL, "offset outside the request: -EINVAL");
	ok_str(libvss_ext_error(ctx), "invalid attribute at offset 200",
	       "offset outside the request: reported as an offset");

	/* Without NETLINK_CAP_ACK the TLVs follow the echoed request. */
	req = vss_features_encode(ctx, ctx->seq + 1, 0);
	ret = fail_with(m, ctx, 0, build_extack_uncapped(nlmsg_hdr(req), -EINVAL,
							 "Unsupported attribute"),
			"uncapped error");
	nlmsg_free(req);
	ok_int(ret, -EINVAL, "uncapped error: -EINVAL");
	ok_str(libvss_ext_error(ctx), "Unsupported attribute",
	       "uncapped error: message found after the echo");

	/* The kernel's verdict outranks a reply we could not decode. */
	msgs[0] = build_features("0.1.0", 1, 1, FEAT_NO_VERSION);
	msgs[1] = build_extack(-ENOMEM, "out of memory", -1, -1);
	mock_queue(m, 0, msgs, 2);
	ret = libvss_get_features(ctx, 0, &f);
	ok_int(ret, -ENOMEM, "error after a bad reply: the kernel's errno");
	ok_str(libvss_ext_error(ctx), "out of memory",
	       "error after a bad reply: the kernel's message");

	/* A message on an ACK is a warning, not a failure. */
	mock_queue1(m, 0, build_features("0.1.0", 1, 1, 0));
	mock_queue1(m, 0, build_extack(0, "just saying", -1, -1));
	ret = libvss_get_features(ctx, 0, &f);
	ok_int(ret, 0, "success after a failure");
	ok_str(libvss_ext_error(ctx), NULL,
	       "success clears the ext error, ignores ACK warnings");
	libvss_features_free(f);

	/* An error message too short for struct nlmsgerr. */
	msgs[0] = nlmsg_alloc_simple(NLMSG_ERROR, 0);
	*(int *)nlmsg_reserve(msgs[0], sizeof(int), NLMSG_ALIGNTO) = -EINVAL;
	ret = fail_with(m, ctx, 0, msgs[0], "short NLMSG_ERROR");
	ok_int(ret, -EBADMSG, "short NLMSG_ERROR: -EBADMSG");
	ok_contains(libvss_ext_error(ctx), "malformed",
		    "short NLMSG_ERROR: explained");

	/* A positive error is not an errno. */
	ret = fail_with(m, ctx, 0, build_error(5), "positive error value");
	ok_int(ret, -EBADMSG, "positive error value: -EBADMSG");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
