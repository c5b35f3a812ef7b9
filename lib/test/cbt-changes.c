// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CHANGES_GET through libvss_changes_open/next/close and
 * libvss_changes_summary(): the requests byte for byte (the token nest
 * with NLA_F_NESTED, START only when set, NLM_F_DUMP only for the
 * extents); the extents streamed in order across datagrams, one datagram
 * read at a time; ESTALE with its reason from the 8-byte cookie, and from
 * the "stale: NAME:" prefix when the cookie is missing (6.1's NLMSG_DONE);
 * extents that share a datagram with a failed end dropped; an unsorted or
 * overlapping extent -EBADMSG; every other call -EBUSY while an iterator
 * is open; closing early reads the dump to its end.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
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

static const char token[] =
	"vss1:000102030405060708090a0b0c0d0e0f0102030405060708"
	"00000000400002000000020000010000"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff626b93f5";

static const uint8_t snap_id[16] = { 0x5e, [15] = 0x1d };

#define MANY	3000

static struct test_extent ext[MANY];

/* The request as the module's strict policy will see it. */
static void want_request(struct raw *r, uint16_t flags, uint32_t seq,
			 uint64_t start)
{
	struct raw in = { .len = 0 };

	raw_start(r, TEST_FAMILY_ID, flags, seq, VSS_CMD_CHANGES_GET);
	raw_attr(r, VSS_A_CHANGES_SNAPSHOT_ID, snap_id, 16);
	raw_attr(&in, VSS_A_TOKEN_GENERATION, tok.generation, 16);
	raw_u64(&in, VSS_A_TOKEN_EPOCH, tok.epoch);
	raw_u64(&in, VSS_A_TOKEN_CAPACITY, tok.capacity);
	raw_u32(&in, VSS_A_TOKEN_LOGICAL_BLOCK, tok.logical_block);
	raw_u32(&in, VSS_A_TOKEN_BLOCK_BYTES, tok.block_bytes);
	raw_attr(&in, VSS_A_TOKEN_ORIGIN_UUID, tok.origin_uuid, 16);
	raw_attr(r, VSS_A_CHANGES_SINCE | NLA_F_NESTED, in.buf, in.len);
	if (start)
		raw_u64(r, VSS_A_CHANGES_START, start);
	raw_end(r);
}

/* Reads every extent; 1 if they are ext[from..to) exactly. */
static int drain(struct libvss_changes *it, unsigned int from, unsigned int to,
		 int *endp)
{
	uint64_t off, len;
	unsigned int i = from;
	int ret, good = 1;

	while ((ret = libvss_changes_next(it, &off, &len)) == 1) {
		if (i >= to || off != ext[i].offset || len != ext[i].length)
			good = 0;
		i++;
	}
	*endp = ret;
	return good && i == to;
}

static void stale_end(struct mock *m, struct libvss_ctx *ctx, bool cookie,
		      const char *what)
{
	struct libvss_changes *it;
	uint64_t off, len;
	struct nl_msg *msgs[2];
	int end;

	mock_queue1(m, 0, build_extents(ext, 10, 0));
	msgs[0] = build_extents(ext + 10, 5, 0);
	msgs[1] = build_stale(true, -ESTALE,
			      "stale: reset: the tracker was reset since the token's snapshot",
			      cookie ? VSS_COOKIE_STALE_REASON : VSS_COOKIE_NONE,
			      VSS_STALE_RESET);
	mock_queue(m, 0, msgs, 2);
	if (!ok_int(libvss_changes_open(ctx, snap_id, token, 0, &it), 0,
		    "%s: opens", what))
		return;
	ok(drain(it, 0, 10, &end), "%s: the first datagram's 10 extents", what);
	ok_int(end, -ESTALE, "%s: then -ESTALE, the 5 beside it dropped", what);
	ok_int(libvss_ext_stale_reason(ctx), VSS_STALE_RESET,
	       "%s: reason reset", what);
	ok_str(libvss_ext_error(ctx),
	       "stale: reset: the tracker was reset since the token's snapshot",
	       "%s: the kernel's message", what);
	ok_int(libvss_changes_next(it, &off, &len), -ESTALE,
	       "%s: -ESTALE again", what);
	libvss_changes_close(it);
	ok_int((long long)mock_pending(m), 0, "%s: nothing left", what);
}

int main(void)
{
	struct libvss_snapshot_list *l;
	struct libvss_changes *it, *it2;
	struct libvss_ctx *ctx;
	uint64_t off, len, bytes, count;
	struct mock *m;
	unsigned int i, n;
	struct raw r;
	int end;

	for (i = 0; i < MANY; i++)
		ext[i] = (struct test_extent){ (uint64_t)i * 3 * 65536 + 65536,
					       65536 * (1 + i % 2) };
	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	/* The request; an empty answer. */
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_changes_open(ctx, snap_id, token, 0, &it), 0,
		   "opens")) {
		want_request(&r, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 2, 0);
		ok_request(m, 1, &r, "CHANGES_GET dump");
		ok_int(libvss_changes_next(it, &off, &len), 0, "no extent: end");
		ok_int(libvss_changes_next(it, &off, &len), 0, "end again");
		libvss_changes_close(it);
	}
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_changes_open(ctx, snap_id, token, 0x123450000ULL, &it),
		   0, "opens with a start")) {
		want_request(&r, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 3,
			     0x123450000ULL);
		ok_request(m, 2, &r, "CHANGES_GET dump from a start");
		libvss_changes_close(it);
	}

	/* 3000 extents in 30 datagrams, read one datagram at a time. */
	for (i = 0; i < MANY; i += n) {
		n = MANY - i < 100 ? MANY - i : 100;
		mock_queue1(m, 0, build_extents(ext + i, n, i % 500 ? 0 : BUILD_PAD));
	}
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_changes_open(ctx, snap_id, token, 0, &it), 0,
		   "opens for 3000 extents")) {
		ok_int(libvss_changes_next(it, &off, &len), 1, "a first extent");
		ok(off == ext[0].offset && len == ext[0].length, "it is the first");
		ok_int((long long)mock_pending(m), 30,
		       "one datagram read of 31: the answer streams");
		ok(drain(it, 1, MANY, &end), "the other 2999, in order");
		ok_int(end, 0, "then the end");
		libvss_changes_close(it);
	}

	/* Busy while open; closing early drains the rest. */
	for (i = 0; i < 4; i++)
		mock_queue1(m, 0, build_extents(ext + 100 * i, 100, 0));
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_changes_open(ctx, snap_id, token, 0, &it), 0,
		   "opens for an early close")) {
		ok_int(libvss_changes_next(it, &off, &len), 1, "one extent");
		ok_int(libvss_snapshot_list(ctx, &l), -EBUSY,
		       "another request while it is open: -EBUSY");
		ok_contains(libvss_ext_error(ctx), "iterator", "-EBUSY explained");
		ok_int(libvss_process(ctx), -EBUSY, "libvss_process(): -EBUSY");
		ok_int(libvss_changes_open(ctx, snap_id, token, 0, &it2), -EBUSY,
		       "a second iterator: -EBUSY");
		libvss_changes_close(it);
		ok_int((long long)mock_pending(m), 0, "close read the dump to its end");
		mock_queue1(m, 0, build_done(0, NULL));
		ok_int(libvss_snapshot_list(ctx, &l), 0, "then requests work again");
		libvss_snapshot_list_free(l);
	}

	stale_end(m, ctx, true, "ESTALE in DONE with the cookie (6.12)");
	stale_end(m, ctx, false, "ESTALE in DONE without a cookie (6.1)");

	/* Refused at once, as an NLMSG_ERROR with the cookie. */
	mock_queue1(m, 0, build_stale(false, -ESTALE,
				      "stale: generation: unknown generation",
				      VSS_COOKIE_STALE_REASON,
				      VSS_STALE_GENERATION));
	if (ok_int(libvss_changes_open(ctx, snap_id, token, 0, &it), 0,
		   "opens for an NLMSG_ERROR")) {
		ok_int(libvss_changes_next(it, &off, &len), -ESTALE,
		       "NLMSG_ERROR ESTALE: -ESTALE");
		ok_int(libvss_ext_stale_reason(ctx), VSS_STALE_GENERATION,
		       "reason generation");
		libvss_changes_close(it);
	}
	/* The cookie outranks the prefix; a 4-byte cookie is a status. */
	mock_queue1(m, 0, build_stale(false, -ESTALE, "stale: reset: x",
				      VSS_COOKIE_STALE_REASON, VSS_STALE_LOST));
	libvss_changes_open(ctx, snap_id, token, 0, &it);
	ok_int(libvss_changes_next(it, &off, &len), -ESTALE, "cookie lost, text reset");
	ok_int(libvss_ext_stale_reason(ctx), VSS_STALE_LOST, "the cookie wins");
	libvss_changes_close(it);
	mock_queue1(m, 0, build_stale(false, -EINVAL,
				      "stale: not-older: since is newer than the snapshot",
				      VSS_COOKIE_NONE, 0));
	libvss_changes_open(ctx, snap_id, token, 0, &it);
	ok_int(libvss_changes_next(it, &off, &len), -EINVAL, "not-older: -EINVAL");
	ok_int(libvss_ext_stale_reason(ctx), VSS_STALE_NOT_OLDER,
	       "not-older from the prefix");
	libvss_changes_close(it);
	mock_queue1(m, 0, build_stale(false, -ENOENT, "stale:reset: no space",
				      VSS_COOKIE_NONE, 0));
	libvss_changes_open(ctx, snap_id, token, 0, &it);
	ok_int(libvss_changes_next(it, &off, &len), -ENOENT, "-ENOENT");
	ok_int(libvss_ext_stale_reason(ctx), VSS_STALE_NONE,
	       "a message that is not the prefix: no reason");
	libvss_changes_close(it);

	/* Broken answers. */
	{
		struct test_extent bad[3] = {
			{ 65536, 65536 }, { 65536 * 10, 65536 }, { 65536 * 5, 65536 },
		};
		struct test_extent overlap[2] = { { 0, 131072 }, { 65536, 65536 } };
		struct test_extent empty[1] = { { 0, 0 } };

		mock_queue1(m, 0, build_extents(bad, 3, 0));
		mock_queue1(m, 0, build_extents(ext + 2000, 3, 0));
		mock_queue1(m, 0, build_done(0, NULL));
		libvss_changes_open(ctx, snap_id, token, 0, &it);
		drain(it, 0, 0, &end);
		ok_int(end, -EBADMSG, "unsorted extents: -EBADMSG");
		ok_contains(libvss_ext_error(ctx), "unsorted", "explained");
		ok_int((long long)mock_pending(m), 0, "read to its end");
		libvss_changes_close(it);

		mock_queue1(m, 0, build_extents(overlap, 2, 0));
		mock_queue1(m, 0, build_done(0, NULL));
		libvss_changes_open(ctx, snap_id, token, 0, &it);
		ok_int(libvss_changes_next(it, &off, &len), -EBADMSG,
		       "overlapping extents: -EBADMSG, none returned");
		libvss_changes_close(it);

		mock_queue1(m, 0, build_extents(empty, 1, 0));
		mock_queue1(m, 0, build_done(0, NULL));
		libvss_changes_open(ctx, snap_id, token, 0, &it);
		ok_int(libvss_changes_next(it, &off, &len), -EBADMSG,
		       "an empty extent: -EBADMSG");
		libvss_changes_close(it);

		/* Across datagrams too. */
		mock_queue1(m, 0, build_extents(ext + 5, 1, 0));
		mock_queue1(m, 0, build_extents(ext + 4, 1, 0));
		mock_queue1(m, 0, build_done(0, NULL));
		libvss_changes_open(ctx, snap_id, token, 0, &it);
		ok_int(libvss_changes_next(it, &off, &len), 1, "a first extent");
		ok_int(libvss_changes_next(it, &off, &len), -EBADMSG,
		       "an earlier one in the next datagram: -EBADMSG");
		libvss_changes_close(it);
	}

	/* A token that is not one: nothing is sent. */
	n = mock_nsent(m);
	ok_int(libvss_changes_open(ctx, snap_id, "vss1:00", 0, &it), -EINVAL,
	       "a bad token: -EINVAL");
	ok(it == NULL, "no iterator");
	ok_int(mock_nsent(m), n, "nothing sent");
	ok_int(libvss_changes_summary(ctx, snap_id, "x", 0, &bytes, &count),
	       -EINVAL, "summary of a bad token: -EINVAL");

	/* The do: totals. */
	mock_queue1(m, 0, build_changes_totals(0x123456789ULL, 77, 0));
	mock_queue1(m, 0, build_ack());
	if (ok_int(libvss_changes_summary(ctx, snap_id, token, 0, &bytes, &count),
		   0, "summary")) {
		want_request(&r, NLM_F_REQUEST | NLM_F_ACK, mock_nsent(m) + 1, 0);
		ok_request(m, mock_nsent(m) - 1, &r, "CHANGES_GET do");
		ok(bytes == 0x123456789ULL, "changed bytes");
		ok(count == 77, "extent count");
	}
	mock_queue1(m, 0, build_changes_totals(1, 1,
					       OMIT(VSS_A_CHANGES_EXTENT_COUNT)));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_changes_summary(ctx, snap_id, token, 0, &bytes, &count),
	       -EBADMSG, "summary without extent-count: -EBADMSG");
	mock_queue1(m, 0, build_stale(false, -ESTALE, "stale: resized: capacity changed",
				      VSS_COOKIE_STALE_REASON, VSS_STALE_RESIZED));
	ok_int(libvss_changes_summary(ctx, snap_id, token, 0, &bytes, &count),
	       -ESTALE, "summary refused: -ESTALE");
	ok_int(libvss_ext_stale_reason(ctx), VSS_STALE_RESIZED, "reason resized");
	mock_queue1(m, 0, build_done(0, NULL));
	ok_int(libvss_snapshot_list(ctx, &l), 0, "the next call...");
	ok_int(libvss_ext_stale_reason(ctx), VSS_STALE_NONE, "...clears the reason");
	libvss_snapshot_list_free(l);

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
