// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * STORAGE_ADD, STORAGE_GET, STORAGE_SET and STORAGE_REMOVE requests are
 * byte for byte what the module's strict policies accept: MAX_BYTES as a
 * plain u64 with no PAD (the request policy has none), KIND MEMORY unless
 * the options say otherwise, CHUNK_BYTES, PATH and THRESHOLD only when
 * asked for (one THRESHOLD per value, in the caller's order), STORAGE_SET
 * with only what changes, and the dump a bare NLM_F_DUMP request.
 * libvss_storage_add() sends what it sent before options existed.
 * Arguments the library cannot send are refused before anything is sent.
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

/* STORAGE_ADD with every option; @path NULL and @nr 0 leave them out. */
static void want_add_ex(struct raw *r, uint32_t seq, const char *origin,
			uint32_t kind, uint64_t max, uint32_t chunk,
			const char *path, const uint32_t *pct, unsigned int nr)
{
	unsigned int i;

	raw_start(r, TEST_FAMILY_ID, REQ, seq, VSS_CMD_STORAGE_ADD);
	raw_u64(r, VSS_A_STORAGE_MAX_BYTES, max);	/* payload at 24 */
	raw_u32(r, VSS_A_STORAGE_KIND, kind);
	raw_str(r, VSS_A_STORAGE_ORIGIN, origin);
	if (chunk)
		raw_u32(r, VSS_A_STORAGE_CHUNK_BYTES, chunk);
	if (path)
		raw_str(r, VSS_A_STORAGE_PATH, path);
	for (i = 0; i < nr; i++)
		raw_u32(r, VSS_A_STORAGE_THRESHOLD, pct[i]);
	raw_end(r);
}

static void want_add(struct raw *r, uint32_t seq, const char *origin,
		     uint64_t max, uint32_t chunk)
{
	want_add_ex(r, seq, origin, VSS_STORAGE_MEMORY, max, chunk, NULL,
		    NULL, 0);
}

/* STORAGE_SET: @max 0 and @nr 0 leave MAX_BYTES and THRESHOLD out. */
static void want_set(struct raw *r, uint32_t seq, const char *origin,
		     uint64_t max, const uint32_t *pct, unsigned int nr)
{
	unsigned int i;

	raw_start(r, TEST_FAMILY_ID, REQ, seq, VSS_CMD_STORAGE_SET);
	if (max)
		raw_u64(r, VSS_A_STORAGE_MAX_BYTES, max);
	raw_str(r, VSS_A_STORAGE_ORIGIN, origin);
	for (i = 0; i < nr; i++)
		raw_u32(r, VSS_A_STORAGE_THRESHOLD, pct[i]);
	raw_end(r);
}

/* libvss_storage_add_opts() and libvss_storage_opts_*(). */
static void test_add_opts(struct mock *m, struct libvss_ctx *ctx)
{
	static const uint32_t pct[] = { 90, 50, 99 };
	static const uint32_t hundred[101] = { 1 };
	struct libvss_storage_opts *opts;
	struct raw want;
	unsigned int n;
	char *longpath;

	if (!ok_int(libvss_storage_opts_new(&opts), 0, "opts: new"))
		return;

	/* The defaults with a max: what libvss_storage_add() sends. */
	libvss_storage_opts_set_max_bytes(opts, 1ULL << 30);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_add_opts(ctx, "/dev/vda1", opts), 0,
	       "add_opts, defaults: ACK is success");
	want_add(&want, ctx->seq, "/dev/vda1", 1ULL << 30, 0);
	ok_request(m, mock_nsent(m) - 1, &want,
		   "add_opts, defaults: as libvss_storage_add()");

	/* Everything: file kind, directory, chunk, thresholds in order. */
	libvss_storage_opts_set_kind(opts, VSS_STORAGE_FILE);
	ok_int(libvss_storage_opts_set_path(opts, "/var/lib/vss store"), 0,
	       "opts: set_path");
	libvss_storage_opts_set_max_bytes(opts, 0x123456789abcULL);
	libvss_storage_opts_set_chunk_bytes(opts, 4096);
	ok_int(libvss_storage_opts_set_thresholds(opts, pct, 3), 0,
	       "opts: set_thresholds of 3");
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_add_opts(ctx, "/dev/sdb", opts), 0,
	       "add_opts, file: ACK is success");
	want_add_ex(&want, ctx->seq, "/dev/sdb", VSS_STORAGE_FILE,
		    0x123456789abcULL, 4096, "/var/lib/vss store", pct, 3);
	ok_request(m, mock_nsent(m) - 1, &want,
		   "add_opts, file: kind, path, chunk, three thresholds");

	/* The encoder alone, as an asynchronous driver will use it. */
	{
		struct nl_msg *msg = vss_storage_add_encode(ctx, 77, "/dev/sdb",
							    opts);

		want_add_ex(&want, 77, "/dev/sdb", VSS_STORAGE_FILE,
			    0x123456789abcULL, 4096, "/var/lib/vss store",
			    pct, 3);
		if (ok(msg != NULL, "vss_storage_add_encode() of options"))
			ok_mem(nlmsg_hdr(msg), want.buf, want.len,
			       "vss_storage_add_encode() of options exact for seq 77");
		nlmsg_free(msg);
	}

	/* Refused setters leave the options as they were. */
	ok_int(libvss_storage_opts_set_thresholds(opts, NULL, 2), -EINVAL,
	       "opts: thresholds NULL with nr 2: -EINVAL");
	ok_int(libvss_storage_opts_set_thresholds(opts, hundred, 101), -E2BIG,
	       "opts: 101 thresholds: -E2BIG");
	ok_int(libvss_storage_opts_set_thresholds(opts, hundred, 100), 0,
	       "opts: 100 thresholds are the kernel's to refuse");
	ok_int(libvss_storage_opts_set_thresholds(opts, pct, 3), 0,
	       "opts: back to 3 thresholds");
	longpath = malloc(PATH_MAX + 1);
	if (!longpath)
		exit(1);
	memset(longpath, 'd', PATH_MAX);
	longpath[0] = '/';
	longpath[PATH_MAX] = '\0';
	ok_int(libvss_storage_opts_set_path(opts, longpath), -ENAMETOOLONG,
	       "opts: a PATH_MAX-long directory: -ENAMETOOLONG");
	free(longpath);
	mock_queue1(m, 0, build_ack());
	libvss_storage_add_opts(ctx, "/dev/sdb", opts);
	want_add_ex(&want, ctx->seq, "/dev/sdb", VSS_STORAGE_FILE,
		    0x123456789abcULL, 4096, "/var/lib/vss store", pct, 3);
	ok_request(m, mock_nsent(m) - 1, &want,
		   "add_opts after refused setters: options unchanged");

	/* Cleared again: no PATH, no THRESHOLD; the kind is sent as set. */
	ok_int(libvss_storage_opts_set_path(opts, NULL), 0, "opts: path cleared");
	ok_int(libvss_storage_opts_set_thresholds(opts, NULL, 0), 0,
	       "opts: thresholds cleared");
	libvss_storage_opts_set_chunk_bytes(opts, 0);
	libvss_storage_opts_set_kind(opts, 9);
	mock_queue1(m, 0, build_ack());
	libvss_storage_add_opts(ctx, "/dev/sdb", opts);
	want_add_ex(&want, ctx->seq, "/dev/sdb", 9, 0x123456789abcULL, 0, NULL,
		    NULL, 0);
	ok_request(m, mock_nsent(m) - 1, &want,
		   "add_opts, cleared: an unknown kind is the kernel's to judge");

	n = mock_nsent(m);
	ok_int(libvss_storage_add_opts(ctx, "/dev/sdb", NULL), -EINVAL,
	       "add_opts without options: -EINVAL");
	ok_int(libvss_storage_add_opts(ctx, NULL, opts), -EINVAL,
	       "add_opts without origin: -EINVAL");
	ok_int(mock_nsent(m), n, "add_opts: refused requests were not sent");

	libvss_storage_opts_free(opts);
	libvss_storage_opts_free(NULL);
}

/* libvss_storage_set(): only what changes is sent. */
static void test_set(struct mock *m, struct libvss_ctx *ctx)
{
	static const uint32_t pct[] = { 70, 85, 95, 100 };
	struct nl_msg *msg;
	struct raw want;
	unsigned int n;

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_set(ctx, "/dev/vda1", 2ULL << 30, NULL, 0), 0,
	       "set max: ACK is success");
	want_set(&want, ctx->seq, "/dev/vda1", 2ULL << 30, NULL, 0);
	ok_request(m, mock_nsent(m) - 1, &want, "set max: MAX_BYTES and ORIGIN");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_set(ctx, "sdb", 0, pct, 4), 0,
	       "set thresholds by kernel name: ACK is success");
	want_set(&want, ctx->seq, "sdb", 0, pct, 4);
	ok_request(m, mock_nsent(m) - 1, &want,
		   "set thresholds: ORIGIN as given, four THRESHOLDs, no MAX_BYTES");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_set(ctx, "/dev/vda1", 0x100000001ULL, pct + 1, 2),
	       0, "set both: ACK is success");
	want_set(&want, ctx->seq, "/dev/vda1", 0x100000001ULL, pct + 1, 2);
	ok_request(m, mock_nsent(m) - 1, &want, "set both");

	/* Nothing to change is the kernel's to say, with its message. */
	mock_queue1(m, 0, build_ack());
	libvss_storage_set(ctx, "/dev/vda1", 0, NULL, 0);
	want_set(&want, ctx->seq, "/dev/vda1", 0, NULL, 0);
	ok_request(m, mock_nsent(m) - 1, &want, "set of nothing: ORIGIN alone");

	msg = vss_storage_set_encode(ctx, 99, "/dev/sda", 4096, pct, 1);
	want_set(&want, 99, "/dev/sda", 4096, pct, 1);
	if (ok(msg != NULL, "vss_storage_set_encode() builds a message"))
		ok_mem(nlmsg_hdr(msg), want.buf, want.len,
		       "vss_storage_set_encode() output exact for seq 99");
	nlmsg_free(msg);

	n = mock_nsent(m);
	ok_int(libvss_storage_set(ctx, NULL, 1, NULL, 0), -EINVAL,
	       "set NULL origin: -EINVAL");
	ok_int(libvss_storage_set(ctx, "/dev/vda1", 0, NULL, 3), -EINVAL,
	       "set NULL thresholds with nr 3: -EINVAL");
	ok_int(libvss_storage_set(ctx, "/dev/vda1", 0, pct, 101), -E2BIG,
	       "set of 101 thresholds: -E2BIG");
	ok_int(mock_nsent(m), n, "set: refused requests were not sent");
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
	{
		struct libvss_storage_opts *opts;

		libvss_storage_opts_new(&opts);
		libvss_storage_opts_set_max_bytes(opts, 4096);
		libvss_storage_opts_set_chunk_bytes(opts, 4096);
		msg = vss_storage_add_encode(ctx, 99, "/dev/sda", opts);
		libvss_storage_opts_free(opts);
	}
	want_add(&want, 99, "/dev/sda", 4096, 4096);
	if (ok(msg != NULL, "vss_storage_add_encode() builds a message"))
		ok_mem(nlmsg_hdr(msg), want.buf, want.len,
		       "vss_storage_add_encode() output exact for seq 99");
	nlmsg_free(msg);

	test_add_opts(m, ctx);
	test_set(m, ctx);

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
