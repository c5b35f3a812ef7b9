// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * FS_FREEZE, FS_THAW and FS_GET over the mock. Requests are byte for byte
 * what the module's strict policies accept: PATH, then TIMEOUT_MS and
 * FLAGS only when given (0 leaves the module's default), the dump a bare
 * NLM_F_DUMP request. Replies are read whole, with or without the pad
 * before FROZEN_NS and with unknown attributes; a reply without a required
 * attribute, or with a malformed one, is -EBADMSG with an explanation and
 * no report. Failures carry the kernel's errno and extack. Thaw reasons
 * are named as the YNL spec names them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

#define REQ	(NLM_F_REQUEST | NLM_F_ACK)

struct test_fs {
	const char *path, *device;
	uint32_t owner, timeout_ms, flags, remaining_ms;
	uint64_t frozen_ns;
};

static const struct test_fs srv = {
	.path = "/srv/data base",
	.device = "vdb1",
	.owner = 0x4321,
	.timeout_ms = 30000,
	.remaining_ms = 28500,
	.frozen_ns = 0x100000000ULL + 1500,	/* both halves matter */
};

static const struct test_fs detached = {
	.path = "/var",
	.device = "dm-3",
	.owner = 0,
	.timeout_ms = VSS_FS_TIMEOUT_MAX_MS,
	.flags = VSS_FS_F_DETACHED,
	.remaining_ms = 1,
	.frozen_ns = 7,
};

/* The module's FS_GET reply, in the order of its vss_fs_fill_attrs(). */
static struct nl_msg *build_fs(const struct test_fs *f, unsigned int how,
			       uint32_t omit)
{
	struct nl_msg *msg = build_vss(VSS_CMD_FS_GET);

	if (how & BUILD_MULTI)
		build_multi(msg);
	if (!(omit & OMIT(VSS_A_FS_PATH)))
		nla_put_string(msg, VSS_A_FS_PATH, f->path);
	if (!(omit & OMIT(VSS_A_FS_DEVICE)))
		nla_put_string(msg, VSS_A_FS_DEVICE, f->device);
	if (!(omit & OMIT(VSS_A_FS_OWNER)))
		nla_put_u32(msg, VSS_A_FS_OWNER, f->owner);
	if (!(omit & OMIT(VSS_A_FS_TIMEOUT_MS)))
		nla_put_u32(msg, VSS_A_FS_TIMEOUT_MS, f->timeout_ms);
	if (!(omit & OMIT(VSS_A_FS_FLAGS)))
		nla_put_u32(msg, VSS_A_FS_FLAGS, f->flags);
	if (!(omit & OMIT(VSS_A_FS_FROZEN_NS))) {
		if (how & BUILD_PAD)
			nla_put(msg, VSS_A_FS_PAD, 0, NULL);
		nla_put_u64(msg, VSS_A_FS_FROZEN_NS, f->frozen_ns);
	}
	if (!(omit & OMIT(VSS_A_FS_REMAINING_MS)))
		nla_put_u32(msg, VSS_A_FS_REMAINING_MS, f->remaining_ms);
	if (how & BUILD_UNKNOWN_ATTR)
		nla_put_u32(msg, VSS_A_FS_MAX + 3, 0xdeadbeef);
	return msg;
}

static void want_freeze(struct raw *r, uint32_t seq, const char *path,
			uint32_t timeout_ms, uint32_t flags)
{
	raw_start(r, TEST_FAMILY_ID, REQ, seq, VSS_CMD_FS_FREEZE);
	raw_str(r, VSS_A_FS_PATH, path);
	if (timeout_ms)
		raw_u32(r, VSS_A_FS_TIMEOUT_MS, timeout_ms);
	if (flags)
		raw_u32(r, VSS_A_FS_FLAGS, flags);
	raw_end(r);
}

static void want_path(struct raw *r, uint32_t seq, uint8_t cmd,
		      const char *path)
{
	raw_start(r, TEST_FAMILY_ID, REQ, seq, cmd);
	raw_str(r, VSS_A_FS_PATH, path);
	raw_end(r);
}

static void is_fs(const struct libvss_fs_info *fi, const struct test_fs *f,
		  const char *what)
{
	ok_str(libvss_fs_info_path(fi), f->path, "%s: path", what);
	ok_str(libvss_fs_info_device(fi), f->device, "%s: device", what);
	ok_int(libvss_fs_info_owner(fi), f->owner, "%s: owner", what);
	ok_int(libvss_fs_info_timeout_ms(fi), f->timeout_ms, "%s: timeout", what);
	ok_int(libvss_fs_info_flags(fi), f->flags, "%s: flags", what);
	ok(libvss_fs_info_frozen_ns(fi) == f->frozen_ns, "%s: frozen ns", what);
	ok_int(libvss_fs_info_remaining_ms(fi), f->remaining_ms,
	       "%s: remaining", what);
}

static int get(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
	       struct libvss_fs_info **fi)
{
	if (reply)
		mock_queue1(m, 0, reply);
	mock_queue1(m, 0, build_ack());
	return libvss_fs_get(ctx, "/srv/data base", fi);
}

static void good(struct mock *m, struct libvss_ctx *ctx, unsigned int how,
		 const char *what)
{
	struct libvss_fs_info *fi;
	struct raw want;

	if (!ok_int(get(m, ctx, build_fs(&srv, how, 0), &fi), 0,
		    "%s: decodes", what))
		return;
	want_path(&want, ctx->seq, VSS_CMD_FS_GET, "/srv/data base");
	ok_request(m, mock_nsent(m) - 1, &want, "%s: FS_GET of the path", what);
	is_fs(fi, &srv, what);
	ok_str(libvss_ext_error(ctx), NULL, "%s: no ext error", what);
	libvss_fs_info_free(fi);
}

static void bad(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
		const char *explains, const char *what)
{
	struct libvss_fs_info *fi = (struct libvss_fs_info *)1;

	ok_int(get(m, ctx, reply, &fi), -EBADMSG, "%s: -EBADMSG", what);
	ok(fi == NULL, "%s: no report", what);
	ok_contains(libvss_ext_error(ctx), explains, "%s: explained", what);
	ok_int((long long)mock_pending(m), 0, "%s: read up to the ACK", what);
}

static void test_freeze(struct mock *m, struct libvss_ctx *ctx)
{
	struct raw want;
	char *longpath;

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_fs_freeze(ctx, "/srv", 0, 0), 0, "freeze: ACK is success");
	want_freeze(&want, ctx->seq, "/srv", 0, 0);
	ok_request(m, mock_nsent(m) - 1, &want,
		   "freeze with defaults: PATH alone");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_fs_freeze(ctx, "/srv", 2000, VSS_FS_F_DETACHED), 0,
	       "freeze detached with a timeout: success");
	want_freeze(&want, ctx->seq, "/srv", 2000, VSS_FS_F_DETACHED);
	ok_request(m, mock_nsent(m) - 1, &want,
		   "freeze detached with a timeout: PATH, TIMEOUT_MS, FLAGS");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_fs_freeze(ctx, "/", VSS_FS_TIMEOUT_MAX_MS, 0), 0,
	       "freeze with the longest timeout: success");
	want_freeze(&want, ctx->seq, "/", VSS_FS_TIMEOUT_MAX_MS, 0);
	ok_request(m, mock_nsent(m) - 1, &want,
		   "freeze with a timeout only: no FLAGS");

	{
		struct nl_msg *msg = vss_fs_freeze_encode(ctx, 77, "/srv", 1,
							  VSS_FS_F_DETACHED);

		want_freeze(&want, 77, "/srv", 1, VSS_FS_F_DETACHED);
		if (ok(msg != NULL, "vss_fs_freeze_encode()"))
			ok_mem(nlmsg_hdr(msg), want.buf, want.len,
			       "vss_fs_freeze_encode() exact for seq 77");
		nlmsg_free(msg);
	}

	/* The kernel's refusals, each with its message. */
	mock_queue1(m, 0, build_extack(-EBUSY, "the filesystem is frozen by vss already",
				       -1, -1));
	ok_int(libvss_fs_freeze(ctx, "/srv", 0, 0), -EBUSY,
	       "freeze twice: -EBUSY");
	ok_str(libvss_ext_error(ctx), "the filesystem is frozen by vss already",
	       "freeze twice: the kernel's message");
	/* nlmsghdr 16, genlmsghdr 4: PATH, the first, at 20. */
	mock_queue1(m, 0, build_extack(-EINVAL,
				       "not a mount point (the root of a mounted filesystem)",
				       20, -1));
	ok_int(libvss_fs_freeze(ctx, "/srv/sub", 0, 0), -EINVAL,
	       "freeze of a directory: -EINVAL");
	ok_str(libvss_ext_error(ctx),
	       "not a mount point (the root of a mounted filesystem) (attribute type 2)",
	       "freeze of a directory: the kernel's message and PATH");
	mock_queue1(m, 0, build_extack(-EOPNOTSUPP, "this filesystem cannot be frozen",
				       -1, -1));
	ok_int(libvss_fs_freeze(ctx, "/proc", 0, 0), -EOPNOTSUPP,
	       "freeze of procfs: -EOPNOTSUPP");
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_fs_freeze(ctx, "/srv", 0, 0), 0,
	       "freeze: success after a failure");
	ok_str(libvss_ext_error(ctx), NULL, "freeze: success clears the ext error");

	/* What cannot be sent is refused before anything is. */
	longpath = malloc(PATH_MAX + 1);
	if (longpath) {
		unsigned int sent = mock_nsent(m);

		memset(longpath, 'a', PATH_MAX);
		longpath[PATH_MAX] = '\0';
		ok_int(libvss_fs_freeze(ctx, longpath, 0, 0), -ENAMETOOLONG,
		       "freeze of a path of PATH_MAX bytes: -ENAMETOOLONG");
		ok_int(libvss_fs_thaw(ctx, longpath), -ENAMETOOLONG,
		       "thaw of a path of PATH_MAX bytes: -ENAMETOOLONG");
		ok_int(libvss_fs_freeze(ctx, NULL, 0, 0), -EINVAL,
		       "freeze of NULL: -EINVAL");
		ok_int(mock_nsent(m), sent, "refused paths: nothing sent");
		free(longpath);
	}
}

static void test_thaw(struct mock *m, struct libvss_ctx *ctx)
{
	struct raw want;

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_fs_thaw(ctx, "/srv"), 0, "thaw: ACK is success");
	want_path(&want, ctx->seq, VSS_CMD_FS_THAW, "/srv");
	ok_request(m, mock_nsent(m) - 1, &want, "thaw: PATH alone");
	mock_queue1(m, 0, build_extack(-ENOENT, "the filesystem has no freeze of vss",
				       -1, -1));
	ok_int(libvss_fs_thaw(ctx, "/srv"), -ENOENT, "thaw twice: -ENOENT");
	ok_str(libvss_ext_error(ctx), "the filesystem has no freeze of vss",
	       "thaw twice: the kernel's message");
}

static void test_list(struct mock *m, struct libvss_ctx *ctx)
{
	struct libvss_fs_list *l;
	struct raw want;

	mock_queue1(m, 0, build_fs(&srv, BUILD_MULTI, 0));
	mock_queue1(m, 0, build_fs(&detached, BUILD_MULTI | BUILD_PAD, 0));
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_fs_list(ctx, &l), 0, "dump of two: success")) {
		raw_start(&want, TEST_FAMILY_ID, REQ | NLM_F_DUMP, ctx->seq,
			  VSS_CMD_FS_GET);
		raw_end(&want);
		ok_request(m, mock_nsent(m) - 1, &want,
			   "dump: a bare NLM_F_DUMP request");
		ok_int(libvss_fs_list_count(l), 2, "dump: two entries");
		is_fs(libvss_fs_list_entry(l, 0), &srv, "dump entry 0");
		is_fs(libvss_fs_list_entry(l, 1), &detached, "dump entry 1");
		ok(libvss_fs_list_entry(l, 2) == NULL, "dump: no entry 2");
		libvss_fs_list_free(l);
	}

	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_fs_list(ctx, &l), 0, "empty dump: success")) {
		ok_int(libvss_fs_list_count(l), 0, "empty dump: no entries");
		libvss_fs_list_free(l);
	}

	mock_queue1(m, 0, build_fs(&srv, BUILD_MULTI, 0));
	mock_queue1(m, 0, build_fs(&detached, BUILD_MULTI, OMIT(VSS_A_FS_DEVICE)));
	mock_queue1(m, 0, build_done(0, NULL));
	l = (struct libvss_fs_list *)1;
	ok_int(libvss_fs_list(ctx, &l), -EBADMSG,
	       "dump with a bad entry: -EBADMSG");
	ok(l == NULL, "dump with a bad entry: no list");
	ok_contains(libvss_ext_error(ctx), "lacks",
		    "dump with a bad entry: explained");

	mock_queue1(m, 0, build_extack(-EPERM, "needs CAP_SYS_ADMIN", -1, -1));
	ok_int(libvss_fs_list(ctx, &l), -EPERM, "dump refused: -EPERM");
	ok_str(libvss_ext_error(ctx), "needs CAP_SYS_ADMIN",
	       "dump refused: the kernel's message");
}

int main(void)
{
	static const int attrs[] = {
		VSS_A_FS_PATH, VSS_A_FS_DEVICE, VSS_A_FS_OWNER,
		VSS_A_FS_TIMEOUT_MS, VSS_A_FS_FLAGS, VSS_A_FS_FROZEN_NS,
	};
	struct libvss_fs_info *fi;
	struct libvss_ctx *ctx;
	struct nl_msg *msg;
	struct mock *m;
	unsigned int i;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	test_freeze(m, ctx);
	test_thaw(m, ctx);

	good(m, ctx, 0, "plain reply");
	good(m, ctx, BUILD_PAD, "reply with PAD before FROZEN_NS");
	good(m, ctx, BUILD_UNKNOWN_ATTR, "reply with an unknown attribute");

	if (ok_int(get(m, ctx, build_fs(&srv, 0, OMIT(VSS_A_FS_REMAINING_MS)),
		       &fi), 0, "reply without REMAINING_MS: decodes")) {
		ok_int(libvss_fs_info_remaining_ms(fi), 0,
		       "reply without REMAINING_MS: 0");
		libvss_fs_info_free(fi);
	}

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "reply without attribute %d", attrs[i]);
		bad(m, ctx, build_fs(&srv, 0, OMIT(attrs[i])), "lacks", what);
	}
	msg = build_fs(&srv, 0, OMIT(VSS_A_FS_FROZEN_NS));
	nla_put_u32(msg, VSS_A_FS_FROZEN_NS, 1);
	bad(m, ctx, msg, "malformed", "FROZEN_NS of 4 bytes");
	msg = build_fs(&srv, 0, OMIT(VSS_A_FS_OWNER));
	nla_put_u64(msg, VSS_A_FS_OWNER, 1);
	bad(m, ctx, msg, "malformed", "OWNER of 8 bytes");
	msg = build_fs(&srv, 0, OMIT(VSS_A_FS_DEVICE));
	nla_put(msg, VSS_A_FS_DEVICE, 4, "vdb1");
	bad(m, ctx, msg, "malformed", "DEVICE without NUL");
	msg = build_fs(&srv, 0, 0);
	((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd =
		VSS_CMD_STORAGE_GET;
	bad(m, ctx, msg, "unexpected command", "reply with another command");
	bad(m, ctx, NULL, "without a reply", "ACK without a reply");
	{
		struct nl_msg *msgs[3] = {
			build_fs(&srv, 0, 0), build_fs(&srv, 0, 0), build_ack(),
		};

		mock_queue(m, 0, msgs, 3);
		ok_int(libvss_fs_get(ctx, "/srv", &fi), -EBADMSG,
		       "two replies to one get: -EBADMSG");
		ok_contains(libvss_ext_error(ctx), "more than one",
			    "two replies to one get: explained");
	}

	mock_queue1(m, 0, build_extack(-ENOENT, "the filesystem has no freeze of vss",
				       -1, -1));
	fi = (struct libvss_fs_info *)1;
	ok_int(libvss_fs_get(ctx, "/srv", &fi), -ENOENT,
	       "get of a filesystem not frozen: -ENOENT");
	ok(fi == NULL, "get of a filesystem not frozen: no report");
	ok_str(libvss_ext_error(ctx), "the filesystem has no freeze of vss",
	       "get of a filesystem not frozen: the kernel's message");

	test_list(m, ctx);
	good(m, ctx, 0, "good reply after bad ones");

	ok_str(libvss_thaw_reason_name(VSS_THAW_REQUESTED), "requested",
	       "VSS_THAW_REQUESTED is \"requested\"");
	ok_str(libvss_thaw_reason_name(VSS_THAW_DEADLINE), "deadline",
	       "VSS_THAW_DEADLINE is \"deadline\"");
	ok_str(libvss_thaw_reason_name(VSS_THAW_OWNER_GONE), "owner-gone",
	       "VSS_THAW_OWNER_GONE is \"owner-gone\"");
	ok_str(libvss_thaw_reason_name(VSS_THAW_LOST), "lost",
	       "VSS_THAW_LOST is \"lost\"");
	ok_str(libvss_thaw_reason_name(0), NULL, "thaw reason 0 has no name");
	ok_str(libvss_thaw_reason_name(VSS_THAW_LOST + 1), NULL,
	       "thaw reason past the last has no name");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
