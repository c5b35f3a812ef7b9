// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * STORAGE_ADD, STORAGE_GET and STORAGE_REMOVE requests are byte for byte
 * what the module's strict policies accept: MAX_BYTES as a plain u64 with
 * no PAD (the request policy has none), KIND always MEMORY, CHUNK_BYTES
 * only when asked for, and the dump a bare NLM_F_DUMP request. Arguments
 * the library cannot send are refused before anything is sent.
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

#define REQ	(NLM_F_REQUEST | NLM_F_ACK)

static void want_add(struct raw *r, uint32_t seq, const char *origin,
		     uint64_t max, uint32_t chunk)
{
	raw_start(r, TEST_FAMILY_ID, REQ, seq, VSS_CMD_STORAGE_ADD);
	raw_u64(r, VSS_A_STORAGE_MAX_BYTES, max);	/* payload at 24 */
	raw_u32(r, VSS_A_STORAGE_KIND, VSS_STORAGE_MEMORY);
	raw_str(r, VSS_A_STORAGE_ORIGIN, origin);
	if (chunk)
		raw_u32(r, VSS_A_STORAGE_CHUNK_BYTES, chunk);
	raw_end(r);
}

int main(void)
{
	struct libvss_storage_list *l;
	struct libvss_storage *s;
	struct libvss_ctx *ctx;
	struct nl_msg *msg;
	struct raw want;
	struct mock *m;
	unsigned int n;
	char *longpath;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_add(ctx, "/dev/vda1", 1ULL << 30, 0), 0,
	       "add without chunk: ACK is success");
	want_add(&want, ctx->seq, "/dev/vda1", 1ULL << 30, 0);
	ok_request(m, mock_nsent(m) - 1, &want, "add without chunk");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_add(ctx, "/dev/mapper/vg-data", 0x123456789abcULL,
				  1048576), 0, "add with chunk: ACK is success");
	want_add(&want, ctx->seq, "/dev/mapper/vg-data", 0x123456789abcULL,
		 1048576);
	ok_request(m, mock_nsent(m) - 1, &want, "add with chunk");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_remove(ctx, "/dev/vda1"), 0,
	       "remove: ACK is success");
	raw_start(&want, TEST_FAMILY_ID, REQ, ctx->seq, VSS_CMD_STORAGE_REMOVE);
	raw_str(&want, VSS_A_STORAGE_ORIGIN, "/dev/vda1");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "remove");

	mock_queue1(m, 0, build_error(-ENOENT));
	libvss_storage_get(ctx, "/dev/vdb", &s);
	raw_start(&want, TEST_FAMILY_ID, REQ, ctx->seq, VSS_CMD_STORAGE_GET);
	raw_str(&want, VSS_A_STORAGE_ORIGIN, "/dev/vdb");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "get");

	mock_queue1(m, 0, build_done(0, NULL));
	ok_int(libvss_storage_list(ctx, &l), 0, "list: DONE alone is success");
	libvss_storage_list_free(l);
	raw_start(&want, TEST_FAMILY_ID, REQ | NLM_F_DUMP, ctx->seq,
		  VSS_CMD_STORAGE_GET);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "list (dump)");

	/* The encoders alone, as an asynchronous driver will use them. */
	msg = vss_storage_add_encode(ctx, 99, "/dev/sda", 4096, 4096);
	want_add(&want, 99, "/dev/sda", 4096, 4096);
	if (ok(msg != NULL, "vss_storage_add_encode() builds a message"))
		ok_mem(nlmsg_hdr(msg), want.buf, want.len,
		       "vss_storage_add_encode() output exact for seq 99");
	nlmsg_free(msg);

	/* Refused before sending: nothing to send, or too long to send. */
	n = mock_nsent(m);
	ok_int(libvss_storage_add(ctx, NULL, 1, 0), -EINVAL, "add NULL: -EINVAL");
	ok_int(libvss_storage_remove(ctx, NULL), -EINVAL, "remove NULL: -EINVAL");
	s = (struct libvss_storage *)1;
	ok_int(libvss_storage_get(ctx, NULL, &s), -EINVAL, "get NULL: -EINVAL");
	ok(s == NULL, "get NULL: no report");
	longpath = malloc(PATH_MAX + 1);
	if (!longpath)
		return 1;
	memset(longpath, 'a', PATH_MAX);
	longpath[0] = '/';
	longpath[PATH_MAX] = '\0';
	ok_int(libvss_storage_add(ctx, longpath, 1, 0), -ENAMETOOLONG,
	       "add of a PATH_MAX-long path: -ENAMETOOLONG");
	longpath[PATH_MAX - 1] = '\0';
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_add(ctx, longpath, 1, 0), 0,
	       "add of a PATH_MAX - 1 long path is sent");
	free(longpath);
	ok_int(mock_nsent(m), n + 1, "refused requests were not sent");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
