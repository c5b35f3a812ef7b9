// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SNAPSHOT_GET as a dump: a bare NLM_F_DUMP request; every part decoded in
 * the module's order (oldest first) up to NLMSG_DONE; an empty list; a
 * dump refused after it started (NLMSG_DONE carrying -EPERM and extack) or
 * before (NLMSG_ERROR); a malformed part fails the whole list.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

static const struct test_snapshot snaps[3] = {
	{ .id = { 1 }, .set_id = { 0xa }, .flags = VSS_SNAPSHOT_F_PERSISTENT,
	  .origin = "vda1", .device = "vss-snap0", .creation_time_ns = 1000,
	  .state = VSS_SNAPSHOT_ACTIVE, .consistency = VSS_CONSISTENCY_FROZEN,
	  .freeze_window_ns = 5000 },
	{ .id = { 2 }, .set_id = { 0xa }, .flags = VSS_SNAPSHOT_F_PERSISTENT,
	  .origin = "vdb", .device = "vss-snap1", .creation_time_ns = 1000,
	  .state = VSS_SNAPSHOT_ACTIVE, .consistency = VSS_CONSISTENCY_FROZEN,
	  .freeze_window_ns = 5000 },
	{ .id = { 3 }, .set_id = { 0xb }, .origin = "vda1",
	  .device = "vss-snap2", .creation_time_ns = 2000,
	  .state = VSS_SNAPSHOT_INVALID,
	  .invalid_reason = VSS_INVALID_STORAGE_ERROR,
	  .consistency = VSS_CONSISTENCY_CRASH },
};

static void fails(struct mock *m, struct libvss_ctx *ctx, int want,
		  const char *explains, const char *what)
{
	struct libvss_snapshot_list *l = (struct libvss_snapshot_list *)1;

	ok_int(libvss_snapshot_list(ctx, &l), want, "%s: %d", what, want);
	ok(l == NULL, "%s: no list", what);
	ok_contains(libvss_ext_error(ctx), explains, "%s: explained", what);
	ok_int((long long)mock_pending(m), 0, "%s: read to the end", what);
}

int main(void)
{
	struct libvss_snapshot_list *l;
	const struct libvss_snapshot *s;
	struct libvss_ctx *ctx;
	struct nl_msg *msgs[3];
	struct raw want;
	struct mock *m;
	unsigned int i;
	bool good = true;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	msgs[0] = build_snapshot(&snaps[0], BUILD_MULTI, 0);
	msgs[1] = build_snapshot(&snaps[1], BUILD_MULTI | BUILD_PAD, 0);
	mock_queue(m, 0, msgs, 2);
	msgs[0] = build_snapshot(&snaps[2], BUILD_MULTI, 0);
	msgs[1] = build_done(0, NULL);
	mock_queue(m, 0, msgs, 2);
	if (ok_int(libvss_snapshot_list(ctx, &l), 0,
		   "three parts in two datagrams: success")) {
		ok_int(libvss_snapshot_list_count(l), 3, "three snapshots");
		for (i = 0; i < 3; i++) {
			s = libvss_snapshot_list_entry(l, i);
			good &= s && !memcmp(libvss_snapshot_id(s), snaps[i].id, 16) &&
				!memcmp(libvss_snapshot_set_id(s), snaps[i].set_id, 16) &&
				!strcmp(libvss_snapshot_origin(s), snaps[i].origin) &&
				!strcmp(libvss_snapshot_device(s), snaps[i].device) &&
				libvss_snapshot_flags(s) == snaps[i].flags &&
				libvss_snapshot_state(s) == snaps[i].state &&
				libvss_snapshot_invalid_reason(s) == snaps[i].invalid_reason &&
				libvss_snapshot_consistency(s) == snaps[i].consistency &&
				libvss_snapshot_creation_time_ns(s) ==
					snaps[i].creation_time_ns &&
				libvss_snapshot_freeze_window_ns(s) ==
					snaps[i].freeze_window_ns;
		}
		ok(good, "every snapshot decoded, in order");
		ok(libvss_snapshot_list_entry(l, 3) == NULL, "no entry past the count");
		libvss_snapshot_list_free(l);
	}
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		  ctx->seq, VSS_CMD_SNAPSHOT_GET);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "dump");

	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_snapshot_list(ctx, &l), 0, "no snapshots: success")) {
		ok_int(libvss_snapshot_list_count(l), 0, "no snapshots: empty list");
		ok(libvss_snapshot_list_entry(l, 0) == NULL,
		   "no snapshots: no entry 0");
		libvss_snapshot_list_free(l);
	}

	mock_queue1(m, 0, build_done(-EPERM, "needs CAP_SYS_ADMIN"));
	fails(m, ctx, -EPERM, "needs CAP_SYS_ADMIN", "dump refused in DONE");
	mock_queue1(m, 0, build_extack(-EINVAL, "Unsupported attribute", 20, -1));
	fails(m, ctx, -EINVAL, "Unsupported attribute", "dump refused by NLMSG_ERROR");

	msgs[0] = build_snapshot(&snaps[0], BUILD_MULTI, 0);
	msgs[1] = build_snapshot(&snaps[1], BUILD_MULTI,
				 OMIT(VSS_A_SNAPSHOT_STATE));
	msgs[2] = build_done(0, NULL);
	mock_queue(m, 0, msgs, 3);
	fails(m, ctx, -EBADMSG, "lacks", "a part without STATE");

	libvss_snapshot_list_free(NULL);
	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
