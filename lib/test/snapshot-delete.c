// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SNAPSHOT_DELETE: each of the four calls sends exactly its one selector
 * (ID, SET_ID, OLDEST_OF or the ALL flag), byte for byte, and returns the
 * reply's COUNT; no COUNT is -EBADMSG; nothing matched is the kernel's
 * -ENOENT with its message; @count may be NULL.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

static const uint8_t id[16] = { 0xde, 0xad, [14] = 0xbe, [15] = 0xef };
static const uint8_t set_id[16] = { 0x5e, 0x7, [15] = 0x1d };

static void want_start(struct raw *r, uint32_t seq)
{
	raw_start(r, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, seq,
		  VSS_CMD_SNAPSHOT_DELETE);
}

int main(void)
{
	struct libvss_ctx *ctx;
	struct nl_msg *msg;
	struct raw want;
	struct mock *m;
	unsigned int count, n;
	char *longpath;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	mock_queue1(m, 0, build_deleted(1, 0));
	mock_queue1(m, 0, build_ack());
	count = 99;
	ok_int(libvss_snapshot_delete_id(ctx, id, &count), 0, "by id: success");
	ok_int(count, 1, "by id: count 1");
	want_start(&want, ctx->seq);
	raw_attr(&want, VSS_A_SNAPSHOT_ID, id, 16);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "by id: ID alone");

	mock_queue1(m, 0, build_deleted(3, 0));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_snapshot_delete_set(ctx, set_id, &count), 0, "by set: success");
	ok_int(count, 3, "by set: count 3");
	want_start(&want, ctx->seq);
	raw_attr(&want, VSS_A_SNAPSHOT_SET_ID, set_id, 16);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "by set: SET_ID alone");

	mock_queue1(m, 0, build_deleted(1, 0));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_snapshot_delete_oldest(ctx, "/dev/vda1", &count), 0,
	       "oldest: success");
	ok_int(count, 1, "oldest: count 1");
	want_start(&want, ctx->seq);
	raw_str(&want, VSS_A_SNAPSHOT_OLDEST_OF, "/dev/vda1");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "oldest: OLDEST_OF alone");

	mock_queue1(m, 0, build_deleted(70000, 0));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_snapshot_delete_all(ctx, &count), 0, "all: success");
	ok_int(count, 70000, "all: count 70000");
	want_start(&want, ctx->seq);
	raw_attr(&want, VSS_A_SNAPSHOT_ALL, NULL, 0);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "all: the ALL flag alone");

	mock_queue1(m, 0, build_deleted(2, 0));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_snapshot_delete_all(ctx, NULL), 0, "count NULL: success");

	msg = vss_snapshot_delete_encode(ctx, 5, VSS_A_SNAPSHOT_SET_ID, set_id,
					 16);
	want_start(&want, 5);
	raw_attr(&want, VSS_A_SNAPSHOT_SET_ID, set_id, 16);
	raw_end(&want);
	if (ok(msg != NULL, "vss_snapshot_delete_encode() builds a message"))
		ok_mem(nlmsg_hdr(msg), want.buf, want.len,
		       "vss_snapshot_delete_encode() output exact for seq 5");
	nlmsg_free(msg);
	ok(vss_snapshot_delete_encode(ctx, 5, VSS_A_SNAPSHOT_COUNT, NULL, 0) ==
	   NULL,
	   "vss_snapshot_delete_encode() refuses a non-selector");

	/* Failures. */
	mock_queue1(m, 0, build_extack(-ENOENT, "no snapshot matched", -1, -1));
	count = 99;
	ok_int(libvss_snapshot_delete_id(ctx, id, &count), -ENOENT,
	       "nothing matched: -ENOENT");
	ok_int(count, 0, "nothing matched: count 0");
	ok_str(libvss_ext_error(ctx), "no snapshot matched",
	       "nothing matched: the kernel's message");

	mock_queue1(m, 0, build_deleted(1, OMIT(VSS_A_SNAPSHOT_COUNT)));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_snapshot_delete_set(ctx, set_id, &count), -EBADMSG,
	       "reply without COUNT: -EBADMSG");
	ok_contains(libvss_ext_error(ctx), "lacks count",
		    "reply without COUNT: explained");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_snapshot_delete_all(ctx, &count), -EBADMSG,
	       "ACK without a reply: -EBADMSG");
	ok_contains(libvss_ext_error(ctx), "without a reply",
		    "ACK without a reply: explained");
	ok_int((long long)mock_pending(m), 0, "everything read");

	/* A path of PATH_MAX - 1 is sent; one of PATH_MAX is refused. */
	longpath = malloc(PATH_MAX + 1);
	if (!longpath)
		return 1;
	memset(longpath, 'a', PATH_MAX);
	longpath[0] = '/';
	longpath[PATH_MAX - 1] = '\0';
	mock_queue1(m, 0, build_deleted(1, 0));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_snapshot_delete_oldest(ctx, longpath, &count), 0,
	       "oldest of a PATH_MAX - 1 long path: sent");
	ok_int((long long)mock_sent_len(m, mock_nsent(m) - 1),
	       20 + 4 + PATH_MAX, "oldest of a long path: whole path sent");
	longpath[PATH_MAX - 1] = 'a';
	longpath[PATH_MAX] = '\0';
	n = mock_nsent(m);
	ok_int(libvss_snapshot_delete_oldest(ctx, longpath, &count),
	       -ENAMETOOLONG, "oldest of a PATH_MAX long path: -ENAMETOOLONG");
	free(longpath);

	ok_int(libvss_snapshot_delete_id(ctx, NULL, &count), -EINVAL,
	       "NULL id: -EINVAL");
	ok_int(libvss_snapshot_delete_set(ctx, NULL, &count), -EINVAL,
	       "NULL set id: -EINVAL");
	ok_int(libvss_snapshot_delete_oldest(ctx, NULL, &count), -EINVAL,
	       "NULL origin: -EINVAL");
	ok_int(mock_nsent(m), n, "refused requests were not sent");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
