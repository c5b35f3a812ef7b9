// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Changed-block tracking tokens: the nest SNAPSHOT_GET and SNAPSHOT_CREATE
 * carry becomes exactly the string an independent encoder (Python's
 * struct and zlib.crc32) gives for the same fields; a snapshot without one
 * is -ENODATA; a nest lacking a field is -EBADMSG; a short buffer -ENOSPC.
 * libvss_token_check() takes that string and refuses every damaged copy:
 * each single-digit change anywhere, cut, extended, other prefix, upper
 * case, NULL.
 */
#include <errno.h>
#include <string.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

static const struct test_token tok = {
	.generation = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	.epoch = 0x0102030405060708ULL,
	.capacity = 0x40000200ULL,
	.logical_block = 512,
	.block_bytes = 65536,
	.origin_uuid = { 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
			 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff },
};

/* python3: 'vss1:' + (body + struct.pack('>I', zlib.crc32(body))).hex() */
static const char want[] =
	"vss1:"
	"000102030405060708090a0b0c0d0e0f"	/* generation */
	"0102030405060708"			/* epoch */
	"0000000040000200"			/* capacity */
	"00000200"				/* logical block */
	"00010000"				/* block bytes */
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"	/* origin uuid */
	"626b93f5";				/* CRC-32 */

static struct test_snapshot snap = {
	.id = { 0x11, [15] = 0x22 },
	.set_id = { 0x33 },
	.origin = "vdb",
	.device = "vss-snap1",
	.state = VSS_SNAPSHOT_ACTIVE,
	.consistency = VSS_CONSISTENCY_FROZEN,
};

static int get(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
	       struct libvss_snapshot **s)
{
	mock_queue1(m, 0, reply);
	mock_queue1(m, 0, build_ack());
	return libvss_snapshot_get(ctx, snap.id, s);
}

static void damaged(void)
{
	char t[sizeof(want) + 1];
	size_t i;
	int bad = 0;

	ok_int(libvss_token_check(want), 0, "the reference string is a token");
	/* Every digit changed to every other hex digit: all refused. */
	for (i = 5; i < sizeof(want) - 1; i++) {
		const char *d;

		for (d = "0123456789abcdef"; *d; d++) {
			if (*d == want[i])
				continue;
			memcpy(t, want, sizeof(want));
			t[i] = *d;
			bad += libvss_token_check(t) != -EINVAL;
		}
	}
	ok_int(bad, 0, "each of the 1800 one-digit changes is refused");
	memcpy(t, want, sizeof(want));
	t[sizeof(want) - 2] = '\0';
	ok_int(libvss_token_check(t), -EINVAL, "cut by one digit: refused");
	memcpy(t, want, sizeof(want));
	t[sizeof(want) - 1] = '0';
	t[sizeof(want)] = '\0';
	ok_int(libvss_token_check(t), -EINVAL, "one digit more: refused");
	memcpy(t, want, sizeof(want));
	t[3] = '2';
	ok_int(libvss_token_check(t), -EINVAL, "vss2: refused");
	memcpy(t, want, sizeof(want));
	t[10] = (char)(t[10] - 'a' + 'A');
	ok_int(libvss_token_check(t), -EINVAL, "upper case: refused");
	ok_int(libvss_token_check(NULL), -EINVAL, "NULL: refused");
	ok_int(libvss_token_check(""), -EINVAL, "empty: refused");
	ok_int(libvss_token_check("vss1:"), -EINVAL, "prefix alone: refused");
	ok_int(libvss_token_check("garbage"), -EINVAL, "garbage: refused");
}

int main(void)
{
	static const struct test_entry entries[2] = {
		{ .id = { 1 }, .origin = "vdb", .device = "vss-snap1",
		  .token = &tok },
		{ .id = { 2 }, .origin = "vdc", .device = "vss-snap2" },
	};
	char buf[LIBVSS_TOKEN_STRING_SIZE];
	struct libvss_snapshot *s;
	struct libvss_snapset *set;
	struct libvss_ctx *ctx;
	struct mock *m;
	const char *vols[2] = { "/dev/vdb", "/dev/vdc" };

	damaged();
	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	snap.token = &tok;
	if (ok_int(get(m, ctx, build_snapshot(&snap, 0, 0), &s), 0,
		   "SNAPSHOT_GET with a token decodes")) {
		ok_int(libvss_snapshot_token(s, buf, sizeof(buf)), 0,
		       "the token is there");
		ok_str(buf, want, "it is the reference string exactly");
		ok_int(libvss_snapshot_token(s, buf, sizeof(buf) - 1), -ENOSPC,
		       "a buffer one byte short: -ENOSPC");
		ok_int(libvss_snapshot_token(s, NULL, 0), -EINVAL, "NULL: -EINVAL");
		libvss_snapshot_free(s);
	}
	if (ok_int(get(m, ctx, build_snapshot(&snap, BUILD_PAD | BUILD_UNKNOWN_ATTR,
					      0), &s), 0,
		   "with pads and unknown attributes: decodes")) {
		ok_int(libvss_snapshot_token(s, buf, sizeof(buf)), 0, "token there");
		ok_str(buf, want, "the same string");
		libvss_snapshot_free(s);
	}
	snap.token = NULL;
	if (ok_int(get(m, ctx, build_snapshot(&snap, 0, 0), &s), 0,
		   "SNAPSHOT_GET without a token decodes")) {
		ok_int(libvss_snapshot_token(s, buf, sizeof(buf)), -ENODATA,
		       "no token: -ENODATA");
		libvss_snapshot_free(s);
	}

	/* A token nest that lacks any one field is a malformed reply. */
	{
		static const int fields[] = {
			VSS_A_TOKEN_GENERATION, VSS_A_TOKEN_EPOCH,
			VSS_A_TOKEN_CAPACITY, VSS_A_TOKEN_LOGICAL_BLOCK,
			VSS_A_TOKEN_BLOCK_BYTES, VSS_A_TOKEN_ORIGIN_UUID,
		};
		unsigned int i;

		for (i = 0; i < 6; i++) {
			struct nl_msg *msg = build_snapshot(&snap, 0, 0);

			build_token(msg, VSS_A_SNAPSHOT_TOKEN, &tok, 0,
				    OMIT(fields[i]));
			s = (struct libvss_snapshot *)1;
			ok_int(get(m, ctx, msg, &s), -EBADMSG,
			       "token without field %d: -EBADMSG", fields[i]);
			ok(s == NULL, "token without field %d: no report",
			   fields[i]);
			ok_contains(libvss_ext_error(ctx), "token",
				    "token without field %d: explained", fields[i]);
		}
	}

	/* SNAPSHOT_CREATE: the entries' tokens. */
	mock_queue1(m, 0, build_snapset(snap.set_id, VSS_CONSISTENCY_FROZEN, 5,
					entries, 2, 0, 0, 0));
	mock_queue1(m, 0, build_ack());
	if (ok_int(libvss_snapshot_create(ctx, vols, 2, 0, &set), 0,
		   "SNAPSHOT_CREATE with a token in one entry")) {
		ok_int(libvss_snapset_entry_token(set, 0, buf, sizeof(buf)), 0,
		       "entry 0 has its token");
		ok_str(buf, want, "entry 0: the reference string");
		ok_int(libvss_snapset_entry_token(set, 1, buf, sizeof(buf)),
		       -ENODATA, "entry 1 has none: -ENODATA");
		ok_int(libvss_snapset_entry_token(set, 2, buf, sizeof(buf)),
		       -EINVAL, "entry 2 does not exist: -EINVAL");
		libvss_snapset_free(set);
	}

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
