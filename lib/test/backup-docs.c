// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The documents libvss_backup_writer_metadata() and
 * libvss_backup_writer_restore_status() return live until the backup is
 * freed, as libvss.h says: a later completion (which replaces the writers'
 * status), a second read of the same writer, or a read of the other
 * document must leave each string already returned intact. Run under
 * valgrind (make test), a string freed early is an invalid read here.
 */
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

#define SID	9

static const struct test_writer writers[1] = {
	{ 3, { 0x31 }, { 0x32 }, "front", VSS_WRITER_LEVEL_FRONT_END,
	  VSS_WRITER_STATE_STABLE, 0, 0, NULL, true },
};

/* Queues a SESSION_WRITER_GET reply with these documents (NULL: none). */
static void queue_docs(struct mock *m, const char *metadata,
		       const char *restore_status)
{
	struct nl_msg *msg = build_vss(VSS_CMD_SESSION_WRITER_GET);

	nla_put_u32(msg, VSS_A_SESSION_ID, SID);
	if (metadata)
		nla_put_string(msg, VSS_A_SESSION_WRITER_METADATA, metadata);
	if (restore_status)
		nla_put_string(msg, VSS_A_SESSION_RESTORE_STATUS, restore_status);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
}

/* Runs an operation whose completion carries @with writers. */
static void complete_op(struct mock *m, struct libvss_ctx *ctx,
			struct libvss_backup *b, uint32_t op, uint32_t state,
			bool with, const char *what)
{
	struct libvss_async *a = NULL;
	struct nl_msg *msg;
	int result = -1;

	mock_queue1(m, 0, build_ack());
	if (op == VSS_SESSION_OP_GATHER_METADATA)
		ok_int(libvss_backup_gather_metadata(b, &a), 0, "%s", what);
	else
		ok_int(libvss_backup_prepare(b, &a), 0, "%s", what);
	msg = build_completion(SID, op, ctx->seq, 0, 0, state, NULL);
	if (with)
		build_writer_status(msg, &writers[0]);
	mock_queue_ntf(m, msg);
	ok_int(libvss_async_wait(a, 1000), 0, "... completes");
	ok_int(libvss_async_status(a, &result), LIBVSS_ASYNC_FINISHED,
	       "... finished");
	libvss_async_free(a);
}

int main(void)
{
	const char *meta1, *meta2, *status1, *none;
	struct libvss_backup *b;
	struct libvss_ctx *ctx;
	struct nl_msg *msg;
	struct mock *m;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();
	msg = build_vss(VSS_CMD_SESSION_CREATE);
	nla_put_u32(msg, VSS_A_SESSION_ID, SID);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_backup_new(ctx, &b), 0, "backup created");
	complete_op(m, ctx, b, VSS_SESSION_OP_GATHER_METADATA,
		    VSS_SESSION_STATE_METADATA_GATHERED, true, "gather");

	queue_docs(m, "{\"meta\":1}", "{\"status\":1}");
	ok_int(libvss_backup_writer_metadata(b, 3, &meta1), 0, "metadata read");
	ok_str(meta1, "{\"meta\":1}", "metadata: the document");
	/* The other document of the same writer: the first stays. */
	queue_docs(m, "{\"meta\":1}", "{\"status\":1}");
	ok_int(libvss_backup_writer_restore_status(b, 3, &status1), 0,
	       "restore status read");
	ok_str(status1, "{\"status\":1}", "restore status: the document");
	ok_str(meta1, "{\"meta\":1}", "metadata intact after the restore status read");
	/* The same document again, changed by the writer: both versions live. */
	queue_docs(m, "{\"meta\":2}", NULL);
	ok_int(libvss_backup_writer_metadata(b, 3, &meta2), 0,
	       "metadata read again");
	ok_str(meta2, "{\"meta\":2}", "metadata: the new document");
	ok_str(meta1, "{\"meta\":1}", "the first metadata intact after a second read");
	queue_docs(m, "{\"meta\":2}", NULL);
	ok_int(libvss_backup_writer_metadata(b, 3, &none), 0,
	       "metadata read a third time, unchanged");
	ok(none == meta2, "an unchanged document is kept once, not again");
	queue_docs(m, NULL, NULL);
	ok_int(libvss_backup_writer_restore_status(b, 3, &none), 0,
	       "restore status read: none sent");
	ok(none == NULL, "restore status: NULL when the writer sent none");
	ok_str(status1, "{\"status\":1}", "the first restore status intact");

	/* The next operation's completion replaces the writers' status. */
	complete_op(m, ctx, b, VSS_SESSION_OP_PREPARE_BACKUP,
		    VSS_SESSION_STATE_PREPARED, false, "prepare");
	ok_int(libvss_backup_writer_count(b), 0, "prepare: the writers replaced");
	ok_str(meta1, "{\"meta\":1}", "first metadata intact after the next completion");
	ok_str(meta2, "{\"meta\":2}", "second metadata intact after the next completion");
	ok_str(status1, "{\"status\":1}", "restore status intact after the next completion");
	complete_op(m, ctx, b, VSS_SESSION_OP_GATHER_METADATA,
		    VSS_SESSION_STATE_METADATA_GATHERED, true, "gather again");
	ok_str(meta1, "{\"meta\":1}", "first metadata intact after a second gather");

	mock_queue1(m, 0, build_ack());
	libvss_backup_free(b);
	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
