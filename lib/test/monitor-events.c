// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The monitor over the mock: joining and leaving the group, the refusal
 * without CAP_SYS_ADMIN, each of the seven notifications decoded into its
 * fields (and the fields it does not carry left empty), one met by a
 * blocking request kept for libvss_process(), a malformed one dropped and
 * counted by libvss_lost(), nothing heard before start or after stop; and the
 * administrator's abort, byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

static const uint8_t snap_id[16] = { 0x51, [15] = 0x01 };
static const uint8_t set_id[16] = { 0x5e, [15] = 0x02 };

struct seen {
	int calls;
	uint32_t type;
	uint8_t snapshot_id[16], set_id[16];
	bool has_snapshot_id, has_set_id;
	char origin[32], device[32], path[32];
	bool has_origin, has_device, has_path;
	uint32_t invalid_reason, threshold;
	uint64_t max_bytes, used_bytes;
	uint32_t session_id, session_type, session_state, session_op, owner;
	uint32_t timeout_ms, flags, thaw_reason;
	uint64_t frozen_ns;
	int nested;
};

static void copy_str(char *dst, const char *src, bool *has)
{
	*has = src != NULL;
	snprintf(dst, 32, "%s", src ? src : "");
}

static void cb(struct libvss_ctx *ctx, const struct libvss_monitor_event *ev,
	       void *data)
{
	struct seen *s = data;
	const uint8_t *p;
	int calls = s->calls;

	memset(s, 0, sizeof(*s));
	s->calls = calls + 1;
	s->type = libvss_monitor_event_type(ev);
	p = libvss_monitor_event_snapshot_id(ev);
	s->has_snapshot_id = p != NULL;
	if (p)
		memcpy(s->snapshot_id, p, 16);
	p = libvss_monitor_event_set_id(ev);
	s->has_set_id = p != NULL;
	if (p)
		memcpy(s->set_id, p, 16);
	copy_str(s->origin, libvss_monitor_event_origin(ev), &s->has_origin);
	copy_str(s->device, libvss_monitor_event_device(ev), &s->has_device);
	copy_str(s->path, libvss_monitor_event_path(ev), &s->has_path);
	s->invalid_reason = libvss_monitor_event_invalid_reason(ev);
	s->threshold = libvss_monitor_event_threshold(ev);
	s->max_bytes = libvss_monitor_event_max_bytes(ev);
	s->used_bytes = libvss_monitor_event_used_bytes(ev);
	s->session_id = libvss_monitor_event_session_id(ev);
	s->session_type = libvss_monitor_event_session_type(ev);
	s->session_state = libvss_monitor_event_session_state(ev);
	s->session_op = libvss_monitor_event_session_op(ev);
	s->owner = libvss_monitor_event_owner(ev);
	s->timeout_ms = libvss_monitor_event_timeout_ms(ev);
	s->flags = libvss_monitor_event_flags(ev);
	s->frozen_ns = libvss_monitor_event_frozen_ns(ev);
	s->thaw_reason = libvss_monitor_event_thaw_reason(ev);
	s->nested = libvss_process(ctx);
}

/* As notify.c fills them. */
static struct nl_msg *snapshot_ntf(uint8_t cmd, bool with_reason)
{
	struct nl_msg *msg = build_vss(cmd);

	nla_put(msg, VSS_A_SNAPSHOT_ID, 16, snap_id);
	nla_put(msg, VSS_A_SNAPSHOT_SET_ID, 16, set_id);
	nla_put_string(msg, VSS_A_SNAPSHOT_ORIGIN, "vdb");
	nla_put_string(msg, VSS_A_SNAPSHOT_DEVICE, "vss-snap3");
	if (with_reason)
		nla_put_u32(msg, VSS_A_SNAPSHOT_INVALID_REASON, VSS_INVALID_OVERFLOW);
	return msg;
}

static struct nl_msg *threshold_ntf(void)
{
	struct nl_msg *msg = build_vss(VSS_CMD_STORAGE_THRESHOLD_NTF);

	nla_put_string(msg, VSS_A_STORAGE_ORIGIN, "vdc");
	nla_put_u64(msg, VSS_A_STORAGE_MAX_BYTES, 1 << 20);
	nla_put_u64(msg, VSS_A_STORAGE_USED_BYTES, 13 * 65536);
	nla_put_u32(msg, VSS_A_STORAGE_THRESHOLD, 80);
	return msg;
}

/* As session_msg.c fills it; the set id once the session has one. */
static struct nl_msg *session_ntf(bool with_set)
{
	struct nl_msg *msg = build_vss(VSS_CMD_SESSION_STATE_NTF);

	nla_put_u32(msg, VSS_A_SESSION_ID, 7);
	nla_put_u32(msg, VSS_A_SESSION_OWNER, 0x1234);
	nla_put_u32(msg, VSS_A_SESSION_TYPE, VSS_SESSION_BACKUP);
	nla_put_u32(msg, VSS_A_SESSION_STATE, VSS_SESSION_STATE_PREPARED);
	nla_put_u32(msg, VSS_A_SESSION_OP, VSS_SESSION_OP_DO_SNAPSHOT_SET);
	if (with_set)
		nla_put(msg, VSS_A_SESSION_SET_ID, 16, set_id);
	return msg;
}

/* As fsfreeze.c fills them: REMAINING_MS while frozen, REASON at the end. */
static struct nl_msg *fs_ntf(uint8_t cmd)
{
	struct nl_msg *msg = build_vss(cmd);

	nla_put_string(msg, VSS_A_FS_PATH, "/mnt/a");
	nla_put_string(msg, VSS_A_FS_DEVICE, "vdd");
	nla_put_u32(msg, VSS_A_FS_OWNER, 0x4242);
	nla_put_u32(msg, VSS_A_FS_TIMEOUT_MS, 30000);
	nla_put_u32(msg, VSS_A_FS_FLAGS, VSS_FS_F_DETACHED);
	nla_put_u64(msg, VSS_A_FS_FROZEN_NS, cmd == VSS_CMD_FS_THAWED_NTF ?
		    1500000000ULL : 0);
	if (cmd == VSS_CMD_FS_FROZEN_NTF)
		nla_put_u32(msg, VSS_A_FS_REMAINING_MS, 30000);
	else
		nla_put_u32(msg, VSS_A_FS_REASON, VSS_THAW_DEADLINE);
	return msg;
}

static void deliver(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *msg,
		    const char *what)
{
	mock_queue_ntf(m, msg);
	ok_int(libvss_process(ctx), 1, "%s: one notification handled", what);
}

static void check_snapshot(const struct seen *s, uint32_t type, uint32_t reason)
{
	const char *n = libvss_monitor_event_name(type);

	ok_int(s->type, type, "%s: type", n);
	ok(s->has_snapshot_id && !memcmp(s->snapshot_id, snap_id, 16),
	   "%s: snapshot id", n);
	ok(s->has_set_id && !memcmp(s->set_id, set_id, 16), "%s: set id", n);
	ok_str(s->origin, "vdb", "%s: origin", n);
	ok_str(s->device, "vss-snap3", "%s: device", n);
	ok_int(s->invalid_reason, reason, "%s: invalid reason", n);
	ok(!s->has_path && !s->session_id && !s->threshold && !s->owner &&
	   !s->used_bytes && !s->thaw_reason, "%s: nothing else", n);
}

int main(void)
{
	struct seen s = { 0 };
	struct libvss_ctx *ctx;
	struct raw want;
	struct mock *m;

	ok_str(libvss_monitor_event_name(VSS_CMD_SNAPSHOT_CREATED_NTF),
	       "snapshot-created", "name: snapshot-created");
	ok_str(libvss_monitor_event_name(VSS_CMD_STORAGE_THRESHOLD_NTF),
	       "storage-threshold", "name: storage-threshold");
	ok_str(libvss_monitor_event_name(VSS_CMD_SESSION_STATE_NTF),
	       "session-state", "name: session-state");
	ok_str(libvss_monitor_event_name(VSS_CMD_FS_THAWED_NTF), "fs-thawed",
	       "name: fs-thawed");
	ok(!libvss_monitor_event_name(VSS_CMD_SESSION_COMPLETE_NTF),
	   "name: a unicast notification has none");
	ok(!libvss_monitor_event_name(200), "name: an unknown value has none");

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	/* Not monitoring: a notification is dropped, no callback. */
	mock_queue_ntf(m, snapshot_ntf(VSS_CMD_SNAPSHOT_CREATED_NTF, false));
	ok_int(libvss_process(ctx), 0, "before start: nothing dispatched");
	ok_int(s.calls, 0, "before start: no callback");

	ok_int(libvss_monitor_stop(ctx), -ENOENT, "stop before start: -ENOENT");
	ok_int(libvss_monitor_start(ctx, NULL, &s), -EINVAL, "NULL callback: -EINVAL");
	mock_fail_membership(m, -EPERM);
	ok_int(libvss_monitor_start(ctx, cb, &s), -EPERM,
	       "unprivileged: -EPERM");
	ok_str(libvss_ext_error(ctx), "joining the monitor group needs CAP_SYS_ADMIN",
	       "unprivileged: says why");
	ok(!mock_joined(m, TEST_MCGRP_MONITOR), "unprivileged: not joined");

	ok_int(libvss_monitor_start(ctx, cb, &s), 0, "start");
	ok(mock_joined(m, TEST_MCGRP_MONITOR), "start: joined the monitor group");
	ok(!mock_joined(m, TEST_MCGRP_EVENTS), "start: not the events group");
	ok(libvss_ext_error(ctx) == NULL, "start: no error left");
	ok_int(libvss_monitor_start(ctx, cb, &s), -EALREADY, "second start: -EALREADY");

	deliver(m, ctx, snapshot_ntf(VSS_CMD_SNAPSHOT_CREATED_NTF, false),
		"snapshot-created");
	check_snapshot(&s, VSS_CMD_SNAPSHOT_CREATED_NTF, VSS_INVALID_NONE);
	ok_int(s.nested, -EBUSY, "libvss_process() inside the callback: -EBUSY");
	deliver(m, ctx, snapshot_ntf(VSS_CMD_SNAPSHOT_DELETED_NTF, false),
		"snapshot-deleted");
	check_snapshot(&s, VSS_CMD_SNAPSHOT_DELETED_NTF, VSS_INVALID_NONE);
	deliver(m, ctx, snapshot_ntf(VSS_CMD_SNAPSHOT_INVALID_NTF, true),
		"snapshot-invalid");
	check_snapshot(&s, VSS_CMD_SNAPSHOT_INVALID_NTF, VSS_INVALID_OVERFLOW);

	deliver(m, ctx, threshold_ntf(), "storage-threshold");
	ok_int(s.type, VSS_CMD_STORAGE_THRESHOLD_NTF, "storage-threshold: type");
	ok_str(s.origin, "vdc", "storage-threshold: origin");
	ok_int(s.max_bytes, 1 << 20, "storage-threshold: max bytes");
	ok_int(s.used_bytes, 13 * 65536, "storage-threshold: used bytes");
	ok_int(s.threshold, 80, "storage-threshold: percent");
	ok(!s.has_snapshot_id && !s.has_set_id && !s.has_device && !s.has_path &&
	   !s.session_id, "storage-threshold: nothing else");

	deliver(m, ctx, session_ntf(false), "session-state");
	ok_int(s.type, VSS_CMD_SESSION_STATE_NTF, "session-state: type");
	ok_int(s.session_id, 7, "session-state: id");
	ok_int(s.owner, 0x1234, "session-state: owner");
	ok_int(s.session_type, VSS_SESSION_BACKUP, "session-state: type of session");
	ok_int(s.session_state, VSS_SESSION_STATE_PREPARED, "session-state: state");
	ok_int(s.session_op, VSS_SESSION_OP_DO_SNAPSHOT_SET, "session-state: op");
	ok(!s.has_set_id, "session-state without a set: no set id");
	ok(!s.has_origin && !s.has_device && !s.has_path && !s.threshold,
	   "session-state: nothing else");
	deliver(m, ctx, session_ntf(true), "session-state with a set");
	ok(s.has_set_id && !memcmp(s.set_id, set_id, 16),
	   "session-state with a set: its id");

	deliver(m, ctx, fs_ntf(VSS_CMD_FS_FROZEN_NTF), "fs-frozen");
	ok_int(s.type, VSS_CMD_FS_FROZEN_NTF, "fs-frozen: type");
	ok_str(s.path, "/mnt/a", "fs-frozen: path");
	ok_str(s.device, "vdd", "fs-frozen: device");
	ok_int(s.owner, 0x4242, "fs-frozen: owner");
	ok_int(s.timeout_ms, 30000, "fs-frozen: timeout");
	ok_int(s.flags, VSS_FS_F_DETACHED, "fs-frozen: flags");
	ok_int(s.thaw_reason, 0, "fs-frozen: no thaw reason");
	ok(!s.has_origin && !s.has_snapshot_id && !s.session_id,
	   "fs-frozen: nothing else");
	deliver(m, ctx, fs_ntf(VSS_CMD_FS_THAWED_NTF), "fs-thawed");
	ok_int(s.type, VSS_CMD_FS_THAWED_NTF, "fs-thawed: type");
	ok_str(s.path, "/mnt/a", "fs-thawed: path");
	ok_int(s.frozen_ns, 1500000000ULL, "fs-thawed: time frozen");
	ok_int(s.thaw_reason, VSS_THAW_DEADLINE, "fs-thawed: reason");

	/* Met by a blocking request: kept, then dispatched in order. */
	s.calls = 0;
	mock_queue_ntf(m, snapshot_ntf(VSS_CMD_SNAPSHOT_DELETED_NTF, false));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_session_abort(ctx, 7), 0, "abort while a notification waits");
	ok_int(s.calls, 0, "no callback inside a blocking call");
	ok_int(libvss_process(ctx), 1, "then libvss_process() dispatches it");
	ok_int(s.type, VSS_CMD_SNAPSHOT_DELETED_NTF, "the one kept");

	/* The administrator's abort: SESSION_ABORT with the id, nothing else. */
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_SESSION_ABORT);
	raw_u32(&want, VSS_A_SESSION_ID, 7);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "abort: the request");
	mock_queue1(m, 0, build_extack_status(-ENOENT, "no session with this id",
					      VSS_STATUS_OBJECT_NOT_FOUND));
	ok_int(libvss_session_abort(ctx, 99), -ENOENT, "abort of no session: -ENOENT");
	ok_str(libvss_ext_error(ctx), "no session with this id",
	       "abort of no session: the kernel's message");

	/* Malformed: dropped and counted, the others still dispatched. */
	s.calls = 0;
	{
		struct nl_msg *bad = build_vss(VSS_CMD_SNAPSHOT_INVALID_NTF);

		nla_put(bad, VSS_A_SNAPSHOT_ID, 16, snap_id);
		mock_queue_ntf(m, bad);
	}
	mock_queue_ntf(m, threshold_ntf());
	ok_int(libvss_process(ctx), 2, "malformed: not an error, both read");
	ok_int(s.calls, 1, "malformed: the good one after it still dispatched");
	ok_int(s.type, VSS_CMD_STORAGE_THRESHOLD_NTF, "malformed: the good one");
	{
		struct libvss_losses l;

		ok_int((int)libvss_lost(ctx, &l), 1, "malformed: one loss");
		ok_int((int)l.malformed, 1, "malformed: counted as malformed");
		ok_int((int)libvss_lost(ctx, NULL), 0, "malformed: counted once");
	}
	ok_int(libvss_process(ctx), 0, "malformed: the next call finds nothing");

	/* Stop: left the group; one already received is not dispatched. */
	s.calls = 0;
	mock_queue_ntf(m, threshold_ntf());
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_session_abort(ctx, 7), 0, "abort stashes one");
	ok_int(libvss_monitor_stop(ctx), 0, "stop");
	ok(!mock_joined(m, TEST_MCGRP_MONITOR), "stop: left the group");
	ok_int(libvss_process(ctx), 1, "stop: the kept one is consumed");
	ok_int(s.calls, 0, "stop: no callback after it");
	ok_int(libvss_monitor_start(ctx, cb, &s), 0, "start again");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
