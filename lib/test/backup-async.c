// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The requester over the mock: each VSS call's request byte for byte, its
 * async finished by the completion that names its seq (also one that comes
 * before the ack, which libvss_fd() must then still report), what the
 * completions leave on the backup (state, writers, the set), failures with
 * errno, VSS status and message, cancel as SESSION_ABORT, refusals with the
 * status from the extack cookie, and release cancelling what is pending.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

#define SID	7

static const struct test_writer writers[2] = {
	{ 3, { 0x31 }, { 0x32 }, "front", VSS_WRITER_LEVEL_FRONT_END,
	  VSS_WRITER_STATE_STABLE, 0, 0, NULL, true },
	{ 5, { 0x51 }, { 0x52 }, "back", VSS_WRITER_LEVEL_BACK_END,
	  VSS_WRITER_STATE_FAILED_AT_FREEZE, VSS_WRITER_FAILURE_RETRYABLE, EIO,
	  "disk busy", false },
};

/* DoSnapshotSet's completion carries each snapshot's token. */
static const struct test_token token = {
	.generation = { 0x9a, [15] = 0x9b },
	.epoch = 3,
	.capacity = 1 << 30,
	.logical_block = 512,
	.block_bytes = 65536,
};

static bool readable(struct libvss_ctx *ctx)
{
	struct pollfd pfd = { .fd = libvss_fd(ctx), .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

static void want_session(struct raw *r, uint32_t seq, uint8_t cmd)
{
	raw_start(r, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, seq, cmd);
	raw_u32(r, VSS_A_SESSION_ID, SID);
}

static struct nl_msg *with_writers(struct nl_msg *msg)
{
	build_writer_status(msg, &writers[0]);
	build_writer_status(msg, &writers[1]);
	return msg;
}

int main(void)
{
	static const uint8_t set_id[16] = { 0xab, [15] = 0xcd };
	char tokbuf[LIBVSS_TOKEN_STRING_SIZE];
	const struct libvss_writer_info *wi;
	const struct libvss_snapset *set;
	struct libvss_async *a, *a2;
	struct libvss_backup *b;
	struct libvss_ctx *ctx;
	struct nlattr *nest;
	struct nl_msg *msg;
	unsigned int count, n;
	struct raw want;
	struct mock *m;
	const char *doc;
	int result;
	uint32_t seq;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	/* ---- SESSION_CREATE ---- */
	msg = build_vss(VSS_CMD_SESSION_CREATE);
	nla_put_u32(msg, VSS_A_SESSION_ID, SID);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_new(ctx, &b), 0, "backup_new: created");
	ok_int(libvss_backup_id(b), SID, "backup_new: the module's id");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_SESSION_CREATE);
	raw_u32(&want, VSS_A_SESSION_TYPE, VSS_SESSION_BACKUP);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "backup_new");

	/* ---- GatherWriterMetadata: the completion before the ack ---- */
	ok(!readable(ctx), "nothing to process before the call");
	seq = ctx->seq + 1;
	mock_queue_ntf(m, with_writers(build_completion(SID,
			VSS_SESSION_OP_GATHER_METADATA, seq, 0, 0,
			VSS_SESSION_STATE_METADATA_GATHERED, NULL)));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_gather_metadata(b, &a), 0, "gather: accepted");
	want_session(&want, seq, VSS_CMD_SESSION_GATHER_METADATA);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "gather");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_PENDING,
	       "gather: pending until processed");
	ok_int(libvss_async_vss_status(a), -EINPROGRESS, "gather: no status yet");
	ok(readable(ctx), "gather: a completion read with the ack makes the fd readable");
	ok_int(libvss_process(ctx), 1, "gather: process handles one notification");
	ok(!readable(ctx), "gather: the fd is quiet once drained");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_FINISHED,
	       "gather: finished");
	ok_int(result, 0, "gather: succeeded");
	ok_int(libvss_async_vss_status(a), VSS_STATUS_SUCCESS, "gather: success");
	ok(libvss_async_message(a) == NULL, "gather: no message");
	libvss_async_free(a);
	ok_int(libvss_backup_state(b), VSS_SESSION_STATE_METADATA_GATHERED,
	       "gather: state");
	ok_int(libvss_backup_writer_count(b), 2, "gather: two writers");
	wi = libvss_backup_writer(b, 1);
	ok_int(libvss_writer_info_id(wi), 5, "writer 1: id");
	ok_str(libvss_writer_info_name(wi), "back", "writer 1: name");
	ok_int(libvss_writer_info_level(wi), VSS_WRITER_LEVEL_BACK_END,
	       "writer 1: level");
	ok_int(libvss_writer_info_state(wi), VSS_WRITER_STATE_FAILED_AT_FREEZE,
	       "writer 1: state");
	ok_int(libvss_writer_info_failure(wi), VSS_WRITER_FAILURE_RETRYABLE,
	       "writer 1: failure");
	ok_int(libvss_writer_info_error(wi), EIO, "writer 1: errno");
	ok_str(libvss_writer_info_message(wi), "disk busy", "writer 1: message");
	ok_int(libvss_writer_info_selected(wi), 0, "writer 1: not selected");
	ok_mem(libvss_writer_info_class_id(wi), writers[1].class_id, 16,
	       "writer 1: class id");
	ok_int(libvss_writer_info_selected(libvss_backup_writer(b, 0)), 1,
	       "writer 0: selected");
	ok(libvss_backup_writer(b, 2) == NULL, "nothing past the count");

	/* ---- GetWriterMetadata ---- */
	msg = build_vss(VSS_CMD_SESSION_WRITER_GET);
	nla_put_u32(msg, VSS_A_SESSION_ID, SID);
	nla_put_string(msg, VSS_A_SESSION_WRITER_METADATA, "{\"db\":1}");
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_writer_metadata(b, 3, &doc), 0, "metadata: read");
	ok_str(doc, "{\"db\":1}", "metadata: the document");
	want_session(&want, ctx->seq, VSS_CMD_SESSION_WRITER_GET);
	raw_u32(&want, VSS_A_SESSION_WRITER_ID, 3);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "metadata");
	n = mock_nsent(m);
	ok_int(libvss_backup_writer_metadata(b, 4, &doc), -ENOENT,
	       "metadata of a writer not taking part: -ENOENT");
	ok_int(mock_nsent(m), n, "... without asking the kernel");

	/* ---- PrepareForBackup: type, selection, document ---- */
	ok_int(libvss_backup_set_type(b, VSS_BACKUP_TYPE_OTHER + 1), -ERANGE,
	       "unknown backup type: -ERANGE");
	ok_int(libvss_backup_set_type(b, VSS_BACKUP_TYPE_INCREMENTAL), 0,
	       "set_type");
	ok_int(libvss_backup_select_writer(b, 3), 0, "select 3");
	ok_int(libvss_backup_select_writer(b, 5), 0, "select 5");
	ok_int(libvss_backup_set_document(b, "{\"c\":[]}"), 0, "set_document");
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_prepare(b, &a), 0, "prepare: accepted");
	want_session(&want, ctx->seq, VSS_CMD_SESSION_PREPARE_BACKUP);
	raw_u32(&want, VSS_A_SESSION_BACKUP_TYPE, VSS_BACKUP_TYPE_INCREMENTAL);
	raw_u32(&want, VSS_A_SESSION_WRITER_ID, 3);
	raw_u32(&want, VSS_A_SESSION_WRITER_ID, 5);
	raw_str(&want, VSS_A_SESSION_BACKUP_DOCUMENT, "{\"c\":[]}");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "prepare");
	/* A completion of another seq and of another session: not ours. */
	mock_queue_ntf(m, build_completion(SID, VSS_SESSION_OP_PREPARE_BACKUP,
					   ctx->seq + 100, 0, 0, 2, NULL));
	mock_queue_ntf(m, build_completion(SID + 1, VSS_SESSION_OP_PREPARE_BACKUP,
					   ctx->seq, 0, 0, 2, NULL));
	ok_int(libvss_async_wait(a, 0), -ETIMEDOUT,
	       "prepare: other completions do not finish it");
	mock_queue_ntf(m, build_completion(SID, VSS_SESSION_OP_PREPARE_BACKUP,
					   ctx->seq, 0, 0,
					   VSS_SESSION_STATE_PREPARED, NULL));
	ok_int(libvss_async_wait(a, 1000), 0, "prepare: wait returns");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_FINISHED,
	       "prepare: finished");
	libvss_async_free(a);
	ok_int(libvss_backup_writer_count(b), 0,
	       "a completion without writers replaces the list");

	/* ---- DoSnapshotSet ---- */
	n = mock_nsent(m);
	ok_int(libvss_backup_do_snapshot_set(b, 0, &a), -EINVAL,
	       "no volume: -EINVAL");
	ok(a == NULL, "no volume: no async");
	ok_int(mock_nsent(m), n, "no volume: nothing sent");
	ok_int(libvss_backup_add_volume(b, NULL), -EINVAL, "NULL volume: -EINVAL");
	ok_int(libvss_backup_add_volume(b, "/srv"), 0, "add /srv");
	ok_int(libvss_backup_add_volume(b, "/dev/vdb"), 0, "add /dev/vdb");
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_do_snapshot_set(b, VSS_SESSION_F_STRICT, &a), 0,
	       "do_snapshot_set: accepted");
	want_session(&want, ctx->seq, VSS_CMD_SESSION_DO_SNAPSHOT_SET);
	raw_str(&want, VSS_A_SESSION_VOLUME, "/srv");
	raw_str(&want, VSS_A_SESSION_VOLUME, "/dev/vdb");
	raw_u32(&want, VSS_A_SESSION_FLAGS, VSS_SESSION_F_STRICT);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "do_snapshot_set");
	msg = build_completion(SID, VSS_SESSION_OP_DO_SNAPSHOT_SET, ctx->seq, 0,
			       0, VSS_SESSION_STATE_SNAPSHOT_DONE, NULL);
	nla_put(msg, VSS_A_SESSION_SET_ID, 16, set_id);
	nla_put_u32(msg, VSS_A_SESSION_CONSISTENCY, VSS_CONSISTENCY_FROZEN);
	nla_put_u64(msg, VSS_A_SESSION_FREEZE_WINDOW_NS, 4242);
	nest = nla_nest_start(msg, VSS_A_SESSION_SNAPSHOT);
	nla_put(msg, VSS_A_SNAPSHOT_ID, 16, set_id);
	nla_put_string(msg, VSS_A_SNAPSHOT_ORIGIN, "vdb");
	nla_put_string(msg, VSS_A_SNAPSHOT_DEVICE, "vss-snap4");
	build_token(msg, VSS_A_SNAPSHOT_TOKEN, &token, 0, 0);
	nla_nest_end(msg, nest);
	mock_queue_ntf(m, with_writers(msg));
	ok_int(libvss_async_wait(a, 1000), 0, "do_snapshot_set: wait returns");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_FINISHED,
	       "do_snapshot_set: finished");
	libvss_async_free(a);
	set = libvss_backup_snapset(b);
	if (ok(set != NULL, "do_snapshot_set: the set")) {
		ok_mem(libvss_snapset_id(set), set_id, 16, "set id");
		ok_int(libvss_snapset_consistency(set), VSS_CONSISTENCY_FROZEN,
		       "consistency");
		ok_int((long long)libvss_snapset_freeze_window_ns(set), 4242,
		       "freeze window");
		ok_int(libvss_snapset_count(set), 1, "one snapshot");
		ok_str(libvss_snapset_entry_device(set, 0), "vss-snap4", "device");
		ok_str(libvss_snapset_entry_origin(set, 0), "vdb", "origin");
		ok_int(libvss_snapset_entry_token(set, 0, tokbuf, sizeof(tokbuf)),
		       0, "the completion's token");
		ok_int(libvss_token_check(tokbuf), 0, "a well-formed token");
	}

	/* ---- a refusal: errno, message and VSS status ---- */
	mock_queue1(m, 0, build_extack_status(-EBUSY, "another set is being created",
					      VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS));
	a = (struct libvss_async *)1;
	ok_int(libvss_backup_do_snapshot_set(b, 0, &a), -EBUSY, "refused: -EBUSY");
	ok(a == NULL, "refused: no async");
	ok_int(libvss_ext_status(ctx), VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS,
	       "refused: the status from the cookie");
	ok_str(libvss_ext_error(ctx), "another set is being created",
	       "refused: the message");
	mock_queue1(m, 0, build_extack(-EINVAL, "policy", -1, -1));
	ok_int(libvss_backup_do_snapshot_set(b, 0, &a), -EINVAL, "policy: -EINVAL");
	ok_int(libvss_ext_status(ctx), -ENODATA, "policy: no status");

	/* ---- BackupComplete failing, then cancel of another ---- */
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_complete(b, &a), 0, "complete: accepted");
	want_session(&want, ctx->seq, VSS_CMD_SESSION_BACKUP_COMPLETE);
	raw_str(&want, VSS_A_SESSION_BACKUP_DOCUMENT, "{\"c\":[]}");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "complete");
	mock_queue_ntf(m, build_completion(SID, VSS_SESSION_OP_BACKUP_COMPLETE,
					   ctx->seq, EREMOTEIO,
					   VSS_STATUS_WRITER_RETRYABLE, 8,
					   "writer back failed"));
	ok_int(libvss_async_wait(a, 1000), 0, "failed op: wait returns 0");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_FINISHED,
	       "failed op: finished");
	ok_int(result, -EREMOTEIO, "failed op: -EREMOTEIO");
	ok_int(libvss_async_vss_status(a), VSS_STATUS_WRITER_RETRYABLE,
	       "failed op: its status");
	ok_str(libvss_async_message(a), "writer back failed", "failed op: message");
	ok_int(libvss_async_cancel(a), -EALREADY, "cancel after the end: -EALREADY");
	libvss_async_free(a);

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_complete(b, &a), 0, "second op: accepted");
	seq = ctx->seq;
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_async_cancel(a), 0, "cancel: abort sent");
	want_session(&want, ctx->seq, VSS_CMD_SESSION_ABORT);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "cancel is SESSION_ABORT");
	mock_queue_ntf(m, build_completion(SID, VSS_SESSION_OP_BACKUP_COMPLETE,
					   seq, ECANCELED, VSS_STATUS_CANCELLED,
					   VSS_SESSION_STATE_ABORTED, "aborted"));
	ok_int(libvss_async_wait(a, 1000), 0, "cancelled: wait returns");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_CANCELLED,
	       "cancelled: state");
	ok_int(result, -ECANCELED, "cancelled: -ECANCELED");
	ok_int(libvss_async_vss_status(a), VSS_STATUS_CANCELLED,
	       "cancelled: status");
	libvss_async_free(a);

	/*
	 * ---- an overrun: not an error; what follows it is dispatched, and
	 * libvss_lost() counts it, once ----
	 */
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_complete(b, &a), 0, "op after an overrun: accepted");
	mock_queue_recv_error(m, -ENOBUFS);
	mock_queue_ntf(m, build_completion(SID, VSS_SESSION_OP_BACKUP_COMPLETE,
					   ctx->seq, 0, 0,
					   VSS_SESSION_STATE_BACKUP_COMPLETE, NULL));
	ok_int(libvss_process(ctx), 1, "overrun: not an error, one dispatched");
	ok_int(libvss_ext_error(ctx) == NULL, 1, "overrun: no error left");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_FINISHED,
	       "overrun: the completion after it was still dispatched");
	{
		struct libvss_losses l;

		ok_int((int)libvss_lost(ctx, &l), 1, "overrun: one loss");
		ok_int((int)l.overruns, 1, "overrun: counted as an overrun");
		ok_int((int)(l.dropped + l.malformed), 0, "overrun: nothing else");
		ok_int((int)libvss_lost(ctx, NULL), 0, "overrun: counted once");
	}
	ok_int(libvss_process(ctx), 0, "overrun: the next call finds nothing");
	libvss_async_free(a);

	/* ---- DeleteSnapshots ---- */
	msg = build_vss(VSS_CMD_SESSION_DELETE_SNAPSHOTS);
	nla_put_u32(msg, VSS_A_SESSION_COUNT, 1);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_delete_snapshots(b, &count), 0, "delete_snapshots");
	ok_int(count, 1, "delete_snapshots: count");

	/* ---- release with two operations pending, one freed first ---- */
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_complete(b, &a), 0, "pending op 1");
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_restore_pre(b, &a2), 0, "pending op 2");
	libvss_async_free(a2);
	mock_queue1(m, 0, build_ack());
	libvss_backup_free(b);
	want_session(&want, ctx->seq, VSS_CMD_SESSION_RELEASE);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "free is SESSION_RELEASE");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_CANCELLED,
	       "release: a pending op is cancelled");
	ok_int(result, -ECANCELED, "release: -ECANCELED");
	ok_int(libvss_async_cancel(a), -EALREADY, "release: nothing left to cancel");
	/* Its completion, late, names a session no longer ours: dropped. */
	mock_queue_ntf(m, build_completion(SID, VSS_SESSION_OP_BACKUP_COMPLETE,
					   ctx->seq - 2, ECANCELED, 6, 7, NULL));
	ok_int(libvss_process(ctx), 1, "a completion of a freed session is read");
	libvss_async_free(a);

	/* ---- a restore session ---- */
	ok_int(libvss_restore_new(ctx, NULL, &b), -EINVAL, "restore: NULL document");
	msg = build_vss(VSS_CMD_SESSION_CREATE);
	nla_put_u32(msg, VSS_A_SESSION_ID, SID);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_restore_new(ctx, "{\"saved\":1}", &b), 0, "restore: created");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_SESSION_CREATE);
	raw_u32(&want, VSS_A_SESSION_TYPE, VSS_SESSION_RESTORE);
	raw_str(&want, VSS_A_SESSION_BACKUP_DOCUMENT, "{\"saved\":1}");
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "restore_new");
	/* Closing the context first leaves the backup inert, not dangling. */
	libvss_close(ctx);
	ok_int(libvss_backup_abort(b), -ENOTCONN, "after close: -ENOTCONN");
	libvss_backup_free(b);
	mock_free(m);
	return tap_done();
}
