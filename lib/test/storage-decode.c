// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * STORAGE_GET replies: every attribute read, with or without the pad the
 * kernel puts before 64-bit values on some architectures; unknown attributes
 * ignored; a missing or malformed attribute is -EBADMSG with an explanation
 * and no report. ADD and REMOVE succeed on their ACK, and fail with the
 * kernel's errno and extack.
 */
#include <errno.h>
#include <stdio.h>
#include <linux/genetlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

static const struct test_storage vda1 = {
	.origin = "vda1",
	.kind = VSS_STORAGE_MEMORY,
	.max_bytes = 0x100000000ULL + 7,	/* both halves matter */
	.used_bytes = 3 * 65536,
	.chunk_bytes = 65536,
};

static int get(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
	       struct libvss_storage **s)
{
	if (reply)
		mock_queue1(m, 0, reply);
	mock_queue1(m, 0, build_ack());
	return libvss_storage_get(ctx, "/dev/vda1", s);
}

static void good(struct mock *m, struct libvss_ctx *ctx, unsigned int how,
		 const char *what)
{
	struct libvss_storage *s;

	if (!ok_int(get(m, ctx, build_storage(&vda1, how, 0), &s), 0,
		    "%s: decodes", what))
		return;
	ok_str(libvss_storage_origin(s), "vda1", "%s: origin", what);
	ok_int(libvss_storage_kind(s), VSS_STORAGE_MEMORY, "%s: kind", what);
	ok(libvss_storage_max_bytes(s) == vda1.max_bytes, "%s: max bytes", what);
	ok(libvss_storage_used_bytes(s) == vda1.used_bytes, "%s: used bytes",
	   what);
	ok_int(libvss_storage_chunk_bytes(s), 65536, "%s: chunk bytes", what);
	ok_str(libvss_ext_error(ctx), NULL, "%s: no ext error", what);
	libvss_storage_free(s);
}

static void bad(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
		const char *explains, const char *what)
{
	struct libvss_storage *s = (struct libvss_storage *)1;

	ok_int(get(m, ctx, reply, &s), -EBADMSG, "%s: -EBADMSG", what);
	ok(s == NULL, "%s: no report", what);
	ok_contains(libvss_ext_error(ctx), explains, "%s: explained", what);
	ok_int((long long)mock_pending(m), 0, "%s: read up to the ACK", what);
}

int main(void)
{
	static const int attrs[] = {
		VSS_A_STORAGE_ORIGIN, VSS_A_STORAGE_KIND,
		VSS_A_STORAGE_MAX_BYTES, VSS_A_STORAGE_USED_BYTES,
		VSS_A_STORAGE_CHUNK_BYTES,
	};
	struct nl_msg *msg, *msgs[3];
	struct libvss_storage *s;
	struct libvss_ctx *ctx;
	struct mock *m;
	unsigned int i;
	int ret;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	good(m, ctx, 0, "plain reply");
	good(m, ctx, BUILD_PAD, "reply with PAD before each u64");
	good(m, ctx, BUILD_UNKNOWN_ATTR, "reply with an unknown attribute");

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "reply without attribute %d", attrs[i]);
		bad(m, ctx, build_storage(&vda1, 0, OMIT(attrs[i])), "lacks", what);
	}

	msg = build_storage(&vda1, 0, OMIT(VSS_A_STORAGE_KIND));
	nla_put_u64(msg, VSS_A_STORAGE_KIND, 1);
	bad(m, ctx, msg, "malformed", "KIND of 8 bytes");
	msg = build_storage(&vda1, 0, OMIT(VSS_A_STORAGE_USED_BYTES));
	nla_put_u32(msg, VSS_A_STORAGE_USED_BYTES, 1);
	bad(m, ctx, msg, "malformed", "USED_BYTES of 4 bytes");
	msg = build_storage(&vda1, 0, OMIT(VSS_A_STORAGE_ORIGIN));
	nla_put(msg, VSS_A_STORAGE_ORIGIN, 4, "vda1");
	bad(m, ctx, msg, "malformed", "ORIGIN without NUL");

	msg = build_storage(&vda1, 0, 0);
	((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd =
		VSS_CMD_SNAPSHOT_GET;
	bad(m, ctx, msg, "unexpected command", "reply with another command");
	msg = build_storage(&vda1, 0, 0);
	nlmsg_hdr(msg)->nlmsg_type = TEST_FAMILY_ID + 1;
	bad(m, ctx, msg, "another family", "reply from another family");
	bad(m, ctx, NULL, "without a reply", "ACK without a reply");

	msgs[0] = build_storage(&vda1, 0, 0);
	msgs[1] = build_storage(&vda1, 0, 0);
	msgs[2] = build_ack();
	mock_queue(m, 0, msgs, 3);
	ok_int(libvss_storage_get(ctx, "/dev/vda1", &s), -EBADMSG,
	       "two replies to one get: -EBADMSG");
	ok_contains(libvss_ext_error(ctx), "more than one",
		    "two replies to one get: explained");

	mock_queue1(m, 0, build_extack(-ENOENT, "origin has no diff storage",
				       20, -1));
	s = (struct libvss_storage *)1;
	ok_int(libvss_storage_get(ctx, "/dev/vdz", &s), -ENOENT,
	       "get of an origin without storage: -ENOENT");
	ok(s == NULL, "get of an origin without storage: no report");
	ok_str(libvss_ext_error(ctx), "origin has no diff storage (attribute type 2)",
	       "get of an origin without storage: the kernel's message");

	/* ADD and REMOVE: an ACK alone, or an error. */
	mock_queue1(m, 0, build_extack(-EEXIST, "origin already has diff storage",
				       40, -1));
	ret = libvss_storage_add(ctx, "/dev/vda1", 1 << 20, 0);
	ok_int(ret, -EEXIST, "add twice: -EEXIST");
	ok_str(libvss_ext_error(ctx),
	       "origin already has diff storage (attribute type 2)",
	       "add twice: the kernel's message and the ORIGIN attribute");
	mock_queue1(m, 0, build_extack(-EINVAL, "chunk size must be a power of two",
				       56, -1));
	ret = libvss_storage_add(ctx, "/dev/vda1", 1 << 20, 5000);
	ok_int(ret, -EINVAL, "add with a bad chunk: -EINVAL");
	ok_str(libvss_ext_error(ctx),
	       "chunk size must be a power of two (attribute type 6)",
	       "add with a bad chunk: points at CHUNK_BYTES");
	mock_queue1(m, 0, build_extack(-EBUSY, "origin still has snapshots",
				       20, -1));
	ok_int(libvss_storage_remove(ctx, "/dev/vda1"), -EBUSY,
	       "remove with snapshots: -EBUSY");
	ok_contains(libvss_ext_error(ctx), "origin still has snapshots",
		    "remove with snapshots: the kernel's message");
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_remove(ctx, "/dev/vda1"), 0,
	       "remove: success after a failure");
	ok_str(libvss_ext_error(ctx), NULL, "remove: success clears the ext error");

	/* A newer module may answer ADD with a reply: not an error. */
	mock_queue1(m, 0, build_storage(&vda1, 0, 0));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_add(ctx, "/dev/vda1", 1 << 20, 0), 0,
	       "add answered with a reply and an ACK: success");
	ok_int((long long)mock_pending(m), 0, "add answered with a reply: all read");

	good(m, ctx, 0, "good reply after bad ones");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
