// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The writer over the mock: registration byte for byte, each event to its
 * callback with its decoded fields, the answer (WRITER_EVENT_DONE) byte for
 * byte: metadata for Identify, failure code, errno and message for a veto,
 * restore status for PostRestore, none for Abort and BackupShutdown; the
 * current set id exactly from PrepareForSnapshot through PostSnapshot;
 * what may and may not be called inside and outside a callback.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

#define WID	9
#define SID	4

static const uint8_t class_id[16] = { 1, 2, 3 };
static const uint8_t instance_id[16] = { 4, 5, 6 };
static const uint8_t set_id[16] = { 0xee, [15] = 0x11 };

struct seen {
	int calls;
	uint32_t type, session_id, backup_type;
	unsigned int nr_volumes;
	char volume1[32];
	char document[32];
	bool has_set_id;
	int cur_ret;
	uint8_t cur[16];
	uint32_t veto;			/* what the next callback returns */
	int nested;			/* libvss_process() from inside */
	struct libvss_ctx *ctx;
};

static uint32_t cb(struct libvss_writer *w, const struct libvss_event *ev,
		   void *data)
{
	struct seen *s = data;

	s->calls++;
	s->type = libvss_event_type(ev);
	s->session_id = libvss_event_session_id(ev);
	s->backup_type = libvss_event_backup_type(ev);
	s->nr_volumes = libvss_event_volume_count(ev);
	snprintf(s->volume1, sizeof(s->volume1), "%s",
		 libvss_event_volume(ev, 1) ? libvss_event_volume(ev, 1) : "");
	snprintf(s->document, sizeof(s->document), "%s",
		 libvss_event_document(ev) ? libvss_event_document(ev) : "");
	s->has_set_id = libvss_event_set_id(ev) != NULL;
	s->cur_ret = libvss_writer_current_set_id(w, s->cur);
	s->nested = libvss_process(s->ctx);
	if (s->type == VSS_EVENT_POST_RESTORE)
		libvss_writer_set_restore_status(w, "{\"restored\":1}");
	if (s->veto)
		libvss_writer_set_failure(w, EIO, "disk busy");
	return s->veto;
}

static const struct libvss_writer_ops ops = {
	.on_identify = cb, .on_prepare_backup = cb, .on_prepare_snapshot = cb,
	.on_freeze = cb, .on_thaw = cb, .on_post_snapshot = cb,
	.on_abort = cb, .on_backup_complete = cb, .on_backup_shutdown = cb,
	.on_pre_restore = cb, .on_post_restore = cb,
};

static struct nl_msg *event(uint32_t type, uint32_t writer_id, bool with_set)
{
	struct nl_msg *msg = build_vss(VSS_CMD_WRITER_EVENT_NTF);

	nla_put_u32(msg, VSS_A_SESSION_ID, SID);
	nla_put_u32(msg, VSS_A_SESSION_EVENT, type);
	nla_put_u32(msg, VSS_A_SESSION_WRITER_ID, writer_id);
	if (type != VSS_EVENT_IDENTIFY)
		nla_put_u32(msg, VSS_A_SESSION_BACKUP_TYPE, VSS_BACKUP_TYPE_LOG);
	if (with_set) {
		nla_put(msg, VSS_A_SESSION_SET_ID, 16, set_id);
		nla_put_string(msg, VSS_A_SESSION_VOLUME, "/srv");
		nla_put_string(msg, VSS_A_SESSION_VOLUME, "/dev/vdb");
	}
	if (type == VSS_EVENT_PREPARE_BACKUP)
		nla_put_string(msg, VSS_A_SESSION_BACKUP_DOCUMENT, "{\"bcd\":1}");
	return msg;
}

static void want_done(struct raw *r, uint32_t seq, uint32_t type)
{
	raw_start(r, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, seq,
		  VSS_CMD_WRITER_EVENT_DONE);
	raw_u32(r, VSS_A_SESSION_ID, SID);
	raw_u32(r, VSS_A_SESSION_EVENT, type);
	raw_u32(r, VSS_A_SESSION_WRITER_ID, WID);
}

/* Queues an event and the ack of its answer; processes it. */
static void deliver(struct mock *m, struct libvss_ctx *ctx, uint32_t type,
		    bool with_set, bool answered)
{
	mock_queue_ntf(m, event(type, WID, with_set));
	if (answered)
		mock_queue1(m, 0, build_ack());
	ok_int(libvss_process(ctx), 1, "%s: one notification handled",
	       libvss_event_name(type));
}

int main(void)
{
	struct seen s = { 0 };
	struct libvss_writer *w;
	struct libvss_ctx *ctx;
	struct nl_msg *msg;
	uint8_t id[16];
	struct raw want;
	struct mock *m;
	unsigned int n;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();
	s.ctx = ctx;
	ok_int(libvss_writer_new(ctx, NULL, &s, &w), -EINVAL, "NULL ops: -EINVAL");
	ok_int(libvss_writer_new(ctx, &ops, &s, &w), 0, "writer_new");
	ok_int(libvss_writer_set_instance_name(w, "main"), 0, "instance name");
	ok_int(libvss_writer_set_freeze_timeout_ms(w, 5000), 0, "freeze timeout");
	ok_int(libvss_writer_set_metadata(w, "{\"md\":1}"), 0, "metadata");
	ok_int(libvss_writer_register(w, class_id, instance_id, "", 3), -EINVAL,
	       "empty name: -EINVAL");

	msg = build_vss(VSS_CMD_WRITER_REGISTER);
	nla_put_u32(msg, VSS_A_WRITER_ID, WID);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_writer_register(w, class_id, instance_id, "pg",
				      VSS_WRITER_LEVEL_FRONT_END), 0, "register");
	ok_int(libvss_writer_id(w), WID, "register: the module's id");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_WRITER_REGISTER);
	raw_attr(&want, VSS_A_WRITER_CLASS_ID, class_id, 16);
	raw_attr(&want, VSS_A_WRITER_INSTANCE_ID, instance_id, 16);
	raw_str(&want, VSS_A_WRITER_NAME, "pg");
	raw_str(&want, VSS_A_WRITER_INSTANCE_NAME, "main");
	raw_u32(&want, VSS_A_WRITER_LEVEL, VSS_WRITER_LEVEL_FRONT_END);
	raw_u32(&want, VSS_A_WRITER_FREEZE_TIMEOUT_MS, 5000);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "register");
	ok_int(libvss_writer_set_usage_type(w, 1), -EBUSY,
	       "settings after register: -EBUSY");
	ok_int(libvss_writer_register(w, class_id, instance_id, "pg", 3), -EALREADY,
	       "register twice: -EALREADY");

	/* Identify: answered with the metadata. */
	deliver(m, ctx, VSS_EVENT_IDENTIFY, false, true);
	ok_int(s.calls, 1, "identify: callback ran");
	ok_int(s.session_id, SID, "identify: session id");
	ok_int(s.nested, -EBUSY, "libvss_process() inside a callback: -EBUSY");
	ok_int(s.cur_ret, -EBADFD, "identify: no current set");
	want_done(&want, ctx->seq, VSS_EVENT_IDENTIFY);
	raw_str(&want, VSS_A_SESSION_WRITER_METADATA, "{\"md\":1}");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "identify's answer");

	deliver(m, ctx, VSS_EVENT_PREPARE_BACKUP, false, true);
	ok_int(s.backup_type, VSS_BACKUP_TYPE_LOG, "prepare-backup: backup type");
	ok_str(s.document, "{\"bcd\":1}", "prepare-backup: document");
	want_done(&want, ctx->seq, VSS_EVENT_PREPARE_BACKUP);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "prepare-backup's answer");

	deliver(m, ctx, VSS_EVENT_PREPARE_SNAPSHOT, true, true);
	ok(s.has_set_id, "prepare-snapshot: set id");
	ok_int(s.nr_volumes, 2, "prepare-snapshot: two volumes");
	ok_str(s.volume1, "/dev/vdb", "prepare-snapshot: the second volume");
	ok_int(s.cur_ret, 0, "prepare-snapshot: current set id");
	ok_mem(s.cur, set_id, 16, "prepare-snapshot: it is the event's");
	ok_int(libvss_writer_current_set_id(w, id), 0,
	       "between events, one session in its set: its id");
	ok_int(libvss_writer_set_failure(w, EIO, "x"), -EBADFD,
	       "set_failure outside a callback: -EBADFD");

	/* A veto at Freeze: failure code, errno and message. */
	s.veto = VSS_WRITER_FAILURE_RETRYABLE;
	deliver(m, ctx, VSS_EVENT_FREEZE, true, true);
	s.veto = 0;
	want_done(&want, ctx->seq, VSS_EVENT_FREEZE);
	raw_u32(&want, VSS_A_SESSION_FAILURE, VSS_WRITER_FAILURE_RETRYABLE);
	raw_u32(&want, VSS_A_SESSION_WRITER_ERROR, EIO);
	raw_str(&want, VSS_A_SESSION_MESSAGE, "disk busy");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "freeze's veto");
	/* The module's own code is not the writer's to send. */
	s.veto = VSS_WRITER_FAILURE_NOT_RESPONDING;
	deliver(m, ctx, VSS_EVENT_THAW, true, true);
	s.veto = 0;
	want_done(&want, ctx->seq, VSS_EVENT_THAW);
	raw_u32(&want, VSS_A_SESSION_FAILURE, VSS_WRITER_FAILURE_NON_RETRYABLE);
	raw_u32(&want, VSS_A_SESSION_WRITER_ERROR, EIO);
	raw_str(&want, VSS_A_SESSION_MESSAGE, "disk busy");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "not-responding sent as non-retryable");

	/* Abort: the callback runs, with no set; nothing is answered. */
	n = mock_nsent(m);
	deliver(m, ctx, VSS_EVENT_ABORT, true, false);
	ok_int(s.type, VSS_EVENT_ABORT, "abort: callback ran");
	ok_int(s.cur_ret, -EBADFD, "abort: the set's window is over");
	ok_int(mock_nsent(m), n, "abort: no answer");
	ok_int(libvss_writer_current_set_id(w, id), -EBADFD,
	       "after abort: no current set");

	/* An event for another writer: no callback, no answer. */
	n = s.calls;
	mock_queue_ntf(m, event(VSS_EVENT_FREEZE, WID + 1, true));
	ok_int(libvss_process(ctx), 1, "another writer's event is read");
	ok_int(s.calls, n, "another writer's event: no callback");

	/* Through PostSnapshot, in another run of the same session. */
	deliver(m, ctx, VSS_EVENT_PREPARE_SNAPSHOT, true, true);
	deliver(m, ctx, VSS_EVENT_POST_SNAPSHOT, true, true);
	ok_int(s.cur_ret, 0, "post-snapshot: still the current set");
	ok_int(libvss_writer_current_set_id(w, id), -EBADFD,
	       "after post-snapshot: no current set");

	/* PostRestore's answer carries the restore status. */
	deliver(m, ctx, VSS_EVENT_POST_RESTORE, false, true);
	want_done(&want, ctx->seq, VSS_EVENT_POST_RESTORE);
	raw_str(&want, VSS_A_SESSION_RESTORE_STATUS, "{\"restored\":1}");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "post-restore's answer");

	n = mock_nsent(m);
	deliver(m, ctx, VSS_EVENT_BACKUP_SHUTDOWN, true, false);
	ok_int(s.type, VSS_EVENT_BACKUP_SHUTDOWN, "backup-shutdown: callback ran");
	ok_int(mock_nsent(m), n, "backup-shutdown: no answer");

	/* A malformed event: read, explained, not dispatched. */
	n = s.calls;
	msg = build_vss(VSS_CMD_WRITER_EVENT_NTF);
	nla_put_u32(msg, VSS_A_SESSION_ID, SID);
	mock_queue_ntf(m, msg);
	ok_int(libvss_process(ctx), 1, "malformed event: read");
	ok_int(s.calls, n, "malformed event: no callback");
	ok_contains(libvss_ext_error(ctx), "lacks", "malformed event: explained");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_writer_unregister(w), 0, "unregister");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_WRITER_UNREGISTER);
	raw_u32(&want, VSS_A_WRITER_ID, WID);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "unregister");
	ok_int(libvss_writer_id(w), 0, "unregistered: id 0");
	ok_int(libvss_writer_unregister(w), -ENOENT, "unregister twice: -ENOENT");
	n = mock_nsent(m);
	libvss_writer_free(w);
	ok_int(mock_nsent(m), n, "free of an unregistered writer sends nothing");
	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
