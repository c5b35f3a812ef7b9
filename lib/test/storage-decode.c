// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * STORAGE_GET replies: every attribute read, with or without the pad the
 * kernel puts before 64-bit values on some architectures; unknown attributes
 * ignored; a missing or malformed attribute is -EBADMSG with an explanation
 * and no report. A file storage's path, file size and the thresholds are
 * read, every threshold in order; a reply without them (a module before
 * file storage) reads as none. ADD, SET and REMOVE succeed on their ACK,
 * and fail with the kernel's errno and extack.
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

static const uint32_t file_pct[] = { 10, 50, 80, 100 };

static const struct test_storage sdb = {
	.origin = "sdb",
	.kind = VSS_STORAGE_FILE,
	.max_bytes = 24ULL << 20,
	.used_bytes = 12ULL << 20,
	.chunk_bytes = 65536,
	.thresholds = file_pct,
	.nr_thresholds = 4,
	.path = "/tmp/vss store",
	.file_bytes = 0x100000000ULL + 4096,	/* both halves matter */
};

static const uint32_t mem_pct[] = { 80, 95 };

/* A memory storage of a module with thresholds: no path, no file. */
static const struct test_storage vdc = {
	.origin = "vdc",
	.kind = VSS_STORAGE_MEMORY,
	.max_bytes = 1ULL << 20,
	.chunk_bytes = 4096,
	.thresholds = mem_pct,
	.nr_thresholds = 2,
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
	const uint32_t *pct = (const uint32_t *)1;
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
	ok_str(libvss_storage_path(s), NULL, "%s: no path", what);
	ok(libvss_storage_file_bytes(s) == 0, "%s: no file bytes", what);
	ok_int(libvss_storage_thresholds(s, &pct), 0, "%s: no thresholds", what);
	ok(pct == NULL, "%s: no threshold array", what);
	ok_str(libvss_ext_error(ctx), NULL, "%s: no ext error", what);
	libvss_storage_free(s);
}

static void bad(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
		const char *explains, const char *what);

/* The file storage sdb, as a do's reply or a dump's entry. */
static void is_sdb(const struct libvss_storage *s, const char *what)
{
	const uint32_t *pct = NULL;

	ok_str(libvss_storage_origin(s), "sdb", "%s: origin", what);
	ok_int(libvss_storage_kind(s), VSS_STORAGE_FILE, "%s: kind", what);
	ok_str(libvss_storage_path(s), "/tmp/vss store", "%s: path", what);
	ok(libvss_storage_file_bytes(s) == sdb.file_bytes, "%s: file bytes",
	   what);
	ok(libvss_storage_max_bytes(s) == sdb.max_bytes, "%s: max bytes", what);
	ok(libvss_storage_used_bytes(s) == sdb.used_bytes, "%s: used bytes",
	   what);
	if (ok_int(libvss_storage_thresholds(s, &pct), 4,
		   "%s: four thresholds", what) && ok(pct != NULL, "%s: array", what))
		ok_mem(pct, file_pct, sizeof(file_pct), "%s: thresholds in order",
		       what);
	ok_int(libvss_storage_thresholds(s, NULL), 4,
	       "%s: the count without the array", what);
}

static void good_file(struct mock *m, struct libvss_ctx *ctx,
		      unsigned int how, const char *what)
{
	struct libvss_storage *s;

	if (!ok_int(get(m, ctx, build_storage(&sdb, how, 0), &s), 0,
		    "%s: decodes", what))
		return;
	is_sdb(s, what);
	libvss_storage_free(s);
}

/* The new attributes, each alone and malformed. */
static void test_file(struct mock *m, struct libvss_ctx *ctx)
{
	struct libvss_storage_list *l;
	struct libvss_storage *s;
	const uint32_t *pct;
	struct nl_msg *msg;

	good_file(m, ctx, 0, "file reply");
	good_file(m, ctx, BUILD_PAD, "file reply with PAD before each u64");
	good_file(m, ctx, BUILD_UNKNOWN_ATTR, "file reply with an unknown attribute");

	if (ok_int(get(m, ctx, build_storage(&vdc, 0, 0), &s), 0,
		   "memory reply with thresholds: decodes")) {
		ok_str(libvss_storage_path(s), NULL, "memory reply: no path");
		ok(libvss_storage_file_bytes(s) == 0, "memory reply: no file bytes");
		ok_int(libvss_storage_thresholds(s, &pct), 2,
		       "memory reply: two thresholds");
		ok(pct && pct[0] == 80 && pct[1] == 95,
		   "memory reply: 80 and 95, in order");
		libvss_storage_free(s);
	}

	if (ok_int(get(m, ctx, build_storage(&sdb, 0,
					     OMIT(VSS_A_STORAGE_FILE_BYTES) |
					     OMIT(VSS_A_STORAGE_THRESHOLD)), &s),
		   0, "file reply without file bytes and thresholds: decodes")) {
		ok_str(libvss_storage_path(s), "/tmp/vss store",
		       "file reply without file bytes: path");
		ok(libvss_storage_file_bytes(s) == 0,
		   "file reply without file bytes: 0");
		ok_int(libvss_storage_thresholds(s, NULL), 0,
		       "file reply without thresholds: none");
		libvss_storage_free(s);
	}

	msg = build_storage(&sdb, 0, OMIT(VSS_A_STORAGE_THRESHOLD));
	nla_put_u64(msg, VSS_A_STORAGE_THRESHOLD, 80);
	bad(m, ctx, msg, "malformed", "THRESHOLD of 8 bytes");
	msg = build_storage(&sdb, 0, 0);
	nla_put_u16(msg, VSS_A_STORAGE_THRESHOLD, 90);
	bad(m, ctx, msg, "malformed", "a last THRESHOLD of 2 bytes");
	msg = build_storage(&sdb, 0, OMIT(VSS_A_STORAGE_FILE_BYTES));
	nla_put_u32(msg, VSS_A_STORAGE_FILE_BYTES, 1);
	bad(m, ctx, msg, "malformed", "FILE_BYTES of 4 bytes");
	msg = build_storage(&sdb, 0, OMIT(VSS_A_STORAGE_PATH));
	nla_put(msg, VSS_A_STORAGE_PATH, 4, "/tmp");
	bad(m, ctx, msg, "malformed", "PATH without NUL");

	/* A dump: each entry owns its thresholds and strings. */
	mock_queue1(m, 0, build_storage(&vdc, BUILD_MULTI, 0));
	mock_queue1(m, 0, build_storage(&sdb, BUILD_MULTI | BUILD_PAD, 0));
	mock_queue1(m, 0, build_storage(&vda1, BUILD_MULTI, 0));
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_storage_list(ctx, &l), 0, "dump of three kinds: success")) {
		ok_int(libvss_storage_list_count(l), 3, "dump: three entries");
		ok_int(libvss_storage_thresholds(libvss_storage_list_entry(l, 0),
						 NULL), 2, "dump: vdc's thresholds");
		is_sdb(libvss_storage_list_entry(l, 1), "dump entry sdb");
		ok_int(libvss_storage_thresholds(libvss_storage_list_entry(l, 2),
						 NULL), 0, "dump: vda1 has none");
		libvss_storage_list_free(l);
	}
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

	test_file(m, ctx);

	/* SET: an ACK alone, or the kernel's error pointing at MAX_BYTES. */
	{
		static const uint32_t pct[] = { 50 };

		mock_queue1(m, 0, build_ack());
		ok_int(libvss_storage_set(ctx, "/dev/vda1", 1 << 20, pct, 1), 0,
		       "set: ACK is success");
		ok_str(libvss_ext_error(ctx), NULL, "set: no ext error");
		/* nlmsghdr 16, genlmsghdr 4: MAX_BYTES, the first, at 20. */
		mock_queue1(m, 0, build_extack(-EBUSY,
					       "max-bytes below the bytes in use (or the storage file's size)",
					       20, -1));
		ok_int(libvss_storage_set(ctx, "/dev/vda1", 4096, NULL, 0), -EBUSY,
		       "set below the use: -EBUSY");
		ok_str(libvss_ext_error(ctx),
		       "max-bytes below the bytes in use (or the storage file's size) (attribute type 4)",
		       "set below the use: the kernel's message and MAX_BYTES");
		mock_queue1(m, 0, build_extack(-EINVAL,
					       "nothing to change: give max-bytes or thresholds",
					       -1, -1));
		ok_int(libvss_storage_set(ctx, "vda1", 0, NULL, 0), -EINVAL,
		       "set of nothing: -EINVAL");
		ok_contains(libvss_ext_error(ctx), "nothing to change",
			    "set of nothing: the kernel's message");
		mock_queue1(m, 0, build_extack(-EXDEV,
					       "the storage file would be on origin sdb",
					       -1, -1));
	}
	{
		struct libvss_storage_opts *opts;

		libvss_storage_opts_new(&opts);
		libvss_storage_opts_set_kind(opts, VSS_STORAGE_FILE);
		libvss_storage_opts_set_path(opts, "/srv");
		libvss_storage_opts_set_max_bytes(opts, 1 << 20);
		ok_int(libvss_storage_add_opts(ctx, "/dev/sdc", opts), -EXDEV,
		       "add_opts of a file on an origin: -EXDEV");
		ok_str(libvss_ext_error(ctx), "the storage file would be on origin sdb",
		       "add_opts of a file on an origin: the kernel's message");
		libvss_storage_opts_free(opts);
	}

	good(m, ctx, 0, "good reply after bad ones");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
