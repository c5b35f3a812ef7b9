// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Change trackers: TRACKER_GET (do and dump) and TRACKER_RESET requests
 * byte for byte, every field of the reply read, each required one missing
 * -EBADMSG; the tracking block size of STORAGE_ADD sent only when set and
 * read back from STORAGE_GET (0 from a module without it); TRACKER_NTF on
 * the monitor group decoded with its generations, epoch and reason, and
 * one lacking the old generation dropped as malformed.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

#define REQ	(NLM_F_REQUEST | NLM_F_ACK)

static const struct test_tracker trk = {
	.origin = "vdb1",
	.generation = { 0xde, 0xad, [15] = 0xef },
	.epoch = 0x100000007ULL,
	.block_bytes = 1048576,
	.capacity = 17592186044416ULL,	/* 16 TiB */
	.blocks_marked = 3,
	.map_bytes = 4096 * 2,
	.reason = VSS_STALE_RESET,
};

static const uint8_t old_gen[16] = { 0x01, [15] = 0x02 };

struct seen {
	int calls;
	uint32_t type, reason;
	uint8_t gen[16], old[16];
	uint64_t epoch;
	char origin[32];
};

static void cb(struct libvss_ctx *ctx, const struct libvss_monitor_event *ev,
	       void *data)
{
	struct seen *s = data;

	(void)ctx;
	s->calls++;
	s->type = libvss_monitor_event_type(ev);
	memcpy(s->gen, libvss_monitor_event_generation(ev), 16);
	memcpy(s->old, libvss_monitor_event_old_generation(ev), 16);
	s->epoch = libvss_monitor_event_epoch(ev);
	s->reason = libvss_monitor_event_stale_reason(ev);
	strncpy(s->origin, libvss_monitor_event_origin(ev), sizeof(s->origin) - 1);
}

static bool same(const struct libvss_tracker *t, const char *what)
{
	bool good = !strcmp(libvss_tracker_origin(t), trk.origin) &&
		    !memcmp(libvss_tracker_generation(t), trk.generation, 16) &&
		    libvss_tracker_epoch(t) == trk.epoch &&
		    libvss_tracker_block_bytes(t) == trk.block_bytes &&
		    libvss_tracker_capacity(t) == trk.capacity &&
		    libvss_tracker_blocks_marked(t) == trk.blocks_marked &&
		    libvss_tracker_map_bytes(t) == trk.map_bytes &&
		    libvss_tracker_reason(t) == trk.reason;

	return ok(good, "%s: every field", what);
}

int main(void)
{
	static const int required[] = {
		VSS_A_TRACKER_ORIGIN, VSS_A_TRACKER_GENERATION,
		VSS_A_TRACKER_EPOCH, VSS_A_TRACKER_BLOCK_BYTES,
		VSS_A_TRACKER_CAPACITY, VSS_A_TRACKER_BLOCKS_MARKED,
		VSS_A_TRACKER_MAP_BYTES, VSS_A_TRACKER_REASON,
	};
	static const struct test_storage st = {
		.origin = "vdb1", .kind = VSS_STORAGE_MEMORY, .max_bytes = 1 << 30,
		.chunk_bytes = 65536,
	};
	struct libvss_storage_opts *opts;
	struct libvss_tracker_list *l;
	struct libvss_storage *sto;
	struct libvss_tracker *t;
	struct libvss_ctx *ctx;
	struct seen seen = { 0 };
	struct nl_msg *msg;
	struct mock *m;
	unsigned int i;
	struct raw r;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	mock_queue1(m, 0, build_tracker(VSS_CMD_TRACKER_GET, &trk, NULL, 0, 0));
	mock_queue1(m, 0, build_ack());
	if (ok_int(libvss_tracker_get(ctx, "/dev/vdb1", &t), 0, "TRACKER_GET")) {
		raw_start(&r, TEST_FAMILY_ID, REQ, 2, VSS_CMD_TRACKER_GET);
		raw_str(&r, VSS_A_TRACKER_ORIGIN, "/dev/vdb1");
		raw_end(&r);
		ok_request(m, 1, &r, "TRACKER_GET");
		same(t, "TRACKER_GET");
		libvss_tracker_free(t);
	}
	mock_queue1(m, 0, build_tracker(VSS_CMD_TRACKER_GET, &trk, NULL,
					BUILD_PAD | BUILD_UNKNOWN_ATTR, 0));
	mock_queue1(m, 0, build_ack());
	if (ok_int(libvss_tracker_get(ctx, "vdb1", &t), 0,
		   "TRACKER_GET with pads and an unknown attribute")) {
		same(t, "pads, unknown");
		libvss_tracker_free(t);
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		mock_queue1(m, 0, build_tracker(VSS_CMD_TRACKER_GET, &trk, NULL,
						0, OMIT(required[i])));
		mock_queue1(m, 0, build_ack());
		t = (struct libvss_tracker *)1;
		ok_int(libvss_tracker_get(ctx, "vdb1", &t), -EBADMSG,
		       "without attribute %d: -EBADMSG", required[i]);
		ok(t == NULL, "without attribute %d: no report", required[i]);
	}
	mock_queue1(m, 0, build_extack(-ENOENT, "no diff storage on vdb1", -1, -1));
	ok_int(libvss_tracker_get(ctx, "vdb1", &t), -ENOENT, "no tracker: -ENOENT");
	ok_str(libvss_ext_error(ctx), "no diff storage on vdb1", "explained");
	ok_int(libvss_tracker_get(ctx, NULL, &t), -EINVAL, "NULL origin: -EINVAL");

	/* The dump. */
	mock_queue1(m, 0, build_tracker(VSS_CMD_TRACKER_GET, &trk, NULL,
					BUILD_MULTI, 0));
	mock_queue1(m, 0, build_tracker(VSS_CMD_TRACKER_GET, &trk, NULL,
					BUILD_MULTI, 0));
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_tracker_list(ctx, &l), 0, "TRACKER_GET dump")) {
		raw_start(&r, TEST_FAMILY_ID, REQ | NLM_F_DUMP, mock_nsent(m),
			  VSS_CMD_TRACKER_GET);
		raw_end(&r);
		ok_request(m, mock_nsent(m) - 1, &r, "TRACKER_GET dump");
		ok_int(libvss_tracker_list_count(l), 2, "two trackers");
		same(libvss_tracker_list_entry(l, 1), "dump entry 1");
		ok(libvss_tracker_list_entry(l, 2) == NULL, "none past the count");
		libvss_tracker_list_free(l);
	}

	/* Reset: an ACK alone. */
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_tracker_reset(ctx, "/dev/vdb1"), 0, "TRACKER_RESET");
	raw_start(&r, TEST_FAMILY_ID, REQ, mock_nsent(m), VSS_CMD_TRACKER_RESET);
	raw_str(&r, VSS_A_TRACKER_ORIGIN, "/dev/vdb1");
	raw_end(&r);
	ok_request(m, mock_nsent(m) - 1, &r, "TRACKER_RESET");

	/* STORAGE_ADD's tracking block, and STORAGE_GET's. */
	libvss_storage_opts_new(&opts);
	libvss_storage_opts_set_max_bytes(opts, 1 << 30);
	libvss_storage_opts_set_track_block_bytes(opts, 262144);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_storage_add_opts(ctx, "/dev/vdb1", opts), 0,
	       "STORAGE_ADD with a tracking block");
	raw_start(&r, TEST_FAMILY_ID, REQ, mock_nsent(m), VSS_CMD_STORAGE_ADD);
	raw_u64(&r, VSS_A_STORAGE_MAX_BYTES, 1 << 30);
	raw_u32(&r, VSS_A_STORAGE_KIND, VSS_STORAGE_MEMORY);
	raw_str(&r, VSS_A_STORAGE_ORIGIN, "/dev/vdb1");
	raw_u32(&r, VSS_A_STORAGE_TRACK_BLOCK_BYTES, 262144);
	raw_end(&r);
	ok_request(m, mock_nsent(m) - 1, &r, "STORAGE_ADD track-block-bytes");
	libvss_storage_opts_set_track_block_bytes(opts, 0);
	mock_queue1(m, 0, build_ack());
	libvss_storage_add_opts(ctx, "/dev/vdb1", opts);
	raw_start(&r, TEST_FAMILY_ID, REQ, mock_nsent(m), VSS_CMD_STORAGE_ADD);
	raw_u64(&r, VSS_A_STORAGE_MAX_BYTES, 1 << 30);
	raw_u32(&r, VSS_A_STORAGE_KIND, VSS_STORAGE_MEMORY);
	raw_str(&r, VSS_A_STORAGE_ORIGIN, "/dev/vdb1");
	raw_end(&r);
	ok_request(m, mock_nsent(m) - 1, &r, "STORAGE_ADD: 0 sends none");
	libvss_storage_opts_free(opts);

	msg = build_storage(&st, 0, 0);
	nla_put_u32(msg, VSS_A_STORAGE_TRACK_BLOCK_BYTES, 131072);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	if (ok_int(libvss_storage_get(ctx, "vdb1", &sto), 0, "STORAGE_GET")) {
		ok_int(libvss_storage_track_block_bytes(sto), 131072,
		       "tracking block in force");
		libvss_storage_free(sto);
	}
	mock_queue1(m, 0, build_storage(&st, 0, 0));
	mock_queue1(m, 0, build_ack());
	if (ok_int(libvss_storage_get(ctx, "vdb1", &sto), 0,
		   "STORAGE_GET of an older module")) {
		ok_int(libvss_storage_track_block_bytes(sto), 0, "no tracking: 0");
		libvss_storage_free(sto);
	}

	/* TRACKER_NTF. */
	ok_int(libvss_monitor_start(ctx, cb, &seen), 0, "monitor");
	mock_queue_ntf(m, build_tracker(VSS_CMD_TRACKER_NTF, &trk, old_gen, 0, 0));
	ok_int(libvss_process(ctx), 1, "one notification");
	ok_int(seen.calls, 1, "the callback ran");
	ok_int(seen.type, VSS_CMD_TRACKER_NTF, "type TRACKER_NTF");
	ok_str(libvss_monitor_event_name(seen.type), "tracker-generation", "named");
	ok_str(seen.origin, "vdb1", "origin");
	ok_mem(seen.gen, trk.generation, 16, "new generation");
	ok_mem(seen.old, old_gen, 16, "old generation");
	ok(seen.epoch == trk.epoch, "epoch");
	ok_int(seen.reason, VSS_STALE_RESET, "reason");
	mock_queue_ntf(m, build_tracker(VSS_CMD_TRACKER_NTF, &trk, old_gen, 0,
					OMIT(VSS_A_TRACKER_OLD_GENERATION)));
	ok_int(libvss_process(ctx), 1, "without old generation: read");
	ok_int(seen.calls, 1, "and no callback");
	ok_int((int)libvss_lost(ctx, NULL), 1, "and counted as lost");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
