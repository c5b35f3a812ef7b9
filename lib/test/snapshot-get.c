// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SNAPSHOT_GET of one snapshot: the request is the 16-byte ID alone, byte
 * for byte; all eleven attributes of the reply are read, with or without
 * pad; each of the ten a module has always sent, missing, or of the wrong
 * size, is -EBADMSG and no report. STORAGE_USED_BYTES, which modules before
 * file storage do not send, reads as 0 when missing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

static const struct test_snapshot snap = {
	.id = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 },
	.set_id = { 0xaa, [15] = 0xbb },
	.flags = VSS_SNAPSHOT_F_PERSISTENT,
	.origin = "nvme0n1p2",
	.device = "vss-snap12",
	.creation_time_ns = 1714566896123456789ULL,
	.state = VSS_SNAPSHOT_INVALID,
	.invalid_reason = VSS_INVALID_OVERFLOW,
	.consistency = VSS_CONSISTENCY_FROZEN,
	.freeze_window_ns = 0x100000002ULL,
	.storage_used_bytes = 0x300000000ULL + 65536,
};

static int get(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
	       struct libvss_snapshot **s)
{
	if (reply)
		mock_queue1(m, 0, reply);
	mock_queue1(m, 0, build_ack());
	return libvss_snapshot_get(ctx, snap.id, s);
}

static void good(struct mock *m, struct libvss_ctx *ctx, unsigned int how,
		 const char *what)
{
	struct libvss_snapshot *s;

	if (!ok_int(get(m, ctx, build_snapshot(&snap, how, 0), &s), 0,
		    "%s: decodes", what))
		return;
	ok_mem(libvss_snapshot_id(s), snap.id, 16, "%s: id", what);
	ok_mem(libvss_snapshot_set_id(s), snap.set_id, 16, "%s: set id", what);
	ok_int(libvss_snapshot_flags(s), VSS_SNAPSHOT_F_PERSISTENT, "%s: flags",
	       what);
	ok_str(libvss_snapshot_origin(s), "nvme0n1p2", "%s: origin", what);
	ok_str(libvss_snapshot_device(s), "vss-snap12", "%s: device", what);
	ok(libvss_snapshot_creation_time_ns(s) == snap.creation_time_ns,
	   "%s: creation time", what);
	ok_int(libvss_snapshot_state(s), VSS_SNAPSHOT_INVALID, "%s: state", what);
	ok_int(libvss_snapshot_invalid_reason(s), VSS_INVALID_OVERFLOW,
	       "%s: invalid reason", what);
	ok_int(libvss_snapshot_consistency(s), VSS_CONSISTENCY_FROZEN,
	       "%s: consistency", what);
	ok(libvss_snapshot_freeze_window_ns(s) == snap.freeze_window_ns,
	   "%s: freeze window", what);
	ok(libvss_snapshot_storage_used_bytes(s) == snap.storage_used_bytes,
	   "%s: storage used bytes", what);
	libvss_snapshot_free(s);
}

static void bad(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
		const char *explains, const char *what)
{
	struct libvss_snapshot *s = (struct libvss_snapshot *)1;

	ok_int(get(m, ctx, reply, &s), -EBADMSG, "%s: -EBADMSG", what);
	ok(s == NULL, "%s: no report", what);
	ok_contains(libvss_ext_error(ctx), explains, "%s: explained", what);
	ok_int((long long)mock_pending(m), 0, "%s: read up to the ACK", what);
}

int main(void)
{
	static const int attrs[] = {
		VSS_A_SNAPSHOT_ID, VSS_A_SNAPSHOT_SET_ID, VSS_A_SNAPSHOT_FLAGS,
		VSS_A_SNAPSHOT_ORIGIN, VSS_A_SNAPSHOT_DEVICE,
		VSS_A_SNAPSHOT_CREATION_TIME, VSS_A_SNAPSHOT_STATE,
		VSS_A_SNAPSHOT_INVALID_REASON, VSS_A_SNAPSHOT_CONSISTENCY,
		VSS_A_SNAPSHOT_FREEZE_WINDOW_NS,
	};
	struct libvss_snapshot *s;
	struct libvss_ctx *ctx;
	struct nl_msg *msg, *msgs[3];
	struct raw want;
	struct mock *m;
	unsigned int i, n;
	char what[64];

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	good(m, ctx, 0, "plain reply");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_SNAPSHOT_GET);
	raw_attr(&want, VSS_A_SNAPSHOT_ID, snap.id, 16);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "get by id");

	good(m, ctx, BUILD_PAD, "reply with PAD before each u64");
	good(m, ctx, BUILD_UNKNOWN_ATTR, "reply with an unknown attribute");

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(what, sizeof(what), "reply without attribute %d", attrs[i]);
		bad(m, ctx, build_snapshot(&snap, 0, OMIT(attrs[i])), "lacks", what);
	}
	msg = build_snapshot(&snap, 0, OMIT(VSS_A_SNAPSHOT_ID));
	nla_put(msg, VSS_A_SNAPSHOT_ID, 8, snap.id);
	bad(m, ctx, msg, "malformed", "ID of 8 bytes");
	msg = build_snapshot(&snap, 0, OMIT(VSS_A_SNAPSHOT_CREATION_TIME));
	nla_put_u32(msg, VSS_A_SNAPSHOT_CREATION_TIME, 1);
	bad(m, ctx, msg, "malformed", "CREATION_TIME of 4 bytes");
	msg = build_snapshot(&snap, 0, OMIT(VSS_A_SNAPSHOT_STORAGE_USED_BYTES));
	nla_put_u32(msg, VSS_A_SNAPSHOT_STORAGE_USED_BYTES, 1);
	bad(m, ctx, msg, "malformed", "STORAGE_USED_BYTES of 4 bytes");
	if (ok_int(get(m, ctx, build_snapshot(&snap, 0,
					      OMIT(VSS_A_SNAPSHOT_STORAGE_USED_BYTES)),
		       &s), 0, "reply without STORAGE_USED_BYTES (older module): decodes")) {
		ok(libvss_snapshot_storage_used_bytes(s) == 0,
		   "reply without STORAGE_USED_BYTES: 0");
		ok(libvss_snapshot_freeze_window_ns(s) == snap.freeze_window_ns,
		   "reply without STORAGE_USED_BYTES: the rest read");
		libvss_snapshot_free(s);
	}
	msg = build_snapshot(&snap, 0, OMIT(VSS_A_SNAPSHOT_DEVICE));
	nla_put(msg, VSS_A_SNAPSHOT_DEVICE, 3, "vss");
	bad(m, ctx, msg, "malformed", "DEVICE without NUL");
	msg = build_snapshot(&snap, 0, 0);
	nlmsg_hdr(msg)->nlmsg_type = TEST_FAMILY_ID + 1;
	bad(m, ctx, msg, "another family", "reply from another family");
	bad(m, ctx, NULL, "without a reply", "ACK without a reply");

	msgs[0] = build_snapshot(&snap, 0, 0);
	msgs[1] = build_snapshot(&snap, 0, 0);
	msgs[2] = build_ack();
	mock_queue(m, 0, msgs, 3);
	ok_int(libvss_snapshot_get(ctx, snap.id, &s), -EBADMSG,
	       "two replies to one get: -EBADMSG");
	ok_contains(libvss_ext_error(ctx), "more than one",
		    "two replies to one get: explained");

	mock_queue1(m, 0, build_extack(-ENOENT, "no snapshot with this id", 20, -1));
	s = (struct libvss_snapshot *)1;
	ok_int(libvss_snapshot_get(ctx, snap.id, &s), -ENOENT,
	       "unknown id: -ENOENT");
	ok(s == NULL, "unknown id: no report");
	ok_str(libvss_ext_error(ctx), "no snapshot with this id (attribute type 2)",
	       "unknown id: the kernel's message and the ID attribute");

	n = mock_nsent(m);
	ok_int(libvss_snapshot_get(ctx, NULL, &s), -EINVAL, "NULL id: -EINVAL");
	ok_int(mock_nsent(m), n, "NULL id: nothing sent");

	good(m, ctx, 0, "good reply after bad ones");
	libvss_snapshot_free(NULL);

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
