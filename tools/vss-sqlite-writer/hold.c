// SPDX-License-Identifier: GPL-2.0
/*
 * Why two connections: a checkpoint fails with SQLITE_LOCKED on a
 * connection that has a transaction open, and the lock must be held before
 * the last checkpoint, or a commit could land in the WAL between the two.
 * With the write lock held by one connection no frame is added; a PASSIVE
 * checkpoint from the other one needs no writer lock, and backfills every
 * frame unless a reader still reads an older snapshot (it ends soon: new
 * readers read the newest). The lock connection's own read mark is the
 * newest, so it never holds the backfill back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hold.h"
#include "../common/writerd.h"

#define RETRY_MS	10

static int busy_ms_until(long busy_ms, long end_ms)
{
	long left = end_ms - writerd_now_ms();

	if (left > busy_ms)
		left = busy_ms;
	return left < 0 ? 0 : (int)left;
}

int hold_open(struct hold_db *d, const char *path, char *msg, size_t size)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	memset(d, 0, sizeof(*d));
	if (!realpath(path, d->path)) {
		snprintf(msg, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (sqlite3_open_v2(d->path, &d->lock, flags, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(d->path, &d->ckpt, flags, NULL) != SQLITE_OK ||
	    /*
	     * Not a database shows at the first read, not at open; and a
	     * connection that has read nothing does not know the database is
	     * in WAL mode: its checkpoints would do nothing and say -1 frames.
	     */
	    sqlite3_exec(d->lock, "SELECT count(*) FROM sqlite_schema", NULL,
			 NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(d->ckpt, "SELECT count(*) FROM sqlite_schema", NULL,
			 NULL, NULL) != SQLITE_OK) {
		sqlite3 *bad = d->ckpt && sqlite3_errcode(d->ckpt) != SQLITE_OK ?
			       d->ckpt : d->lock;

		snprintf(msg, size, "%s: %s", d->path,
			 bad ? sqlite3_errmsg(bad) : "out of memory");
		hold_close(d);
		return -1;
	}
	return 0;
}

void hold_close(struct hold_db *d)
{
	hold_release(d);
	sqlite3_close(d->lock);
	sqlite3_close(d->ckpt);
	d->lock = d->ckpt = NULL;
}

bool hold_is_wal(struct hold_db *d)
{
	sqlite3_stmt *st;
	bool wal = false;

	if (sqlite3_prepare_v2(d->lock, "PRAGMA journal_mode", -1, &st, NULL))
		return false;
	if (sqlite3_step(st) == SQLITE_ROW)
		wal = !sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	return wal;
}

void hold_prepare(struct hold_db *d)
{
	int nlog, nckpt;

	sqlite3_busy_timeout(d->ckpt, 0);
	sqlite3_wal_checkpoint_v2(d->ckpt, NULL, SQLITE_CHECKPOINT_PASSIVE,
				  &nlog, &nckpt);
}

static int fail(struct hold_db *d, struct hold_result *r, int err,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(struct hold_db *d, struct hold_result *r, int err,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->err = err;
	hold_release(d);
	return -1;
}

int hold_take(struct hold_db *d, long busy_ms, long end_ms,
	      struct hold_result *r)
{
	int nlog = 0, nckpt = 0, rc;

	memset(r, 0, sizeof(*r));
	r->wal = hold_is_wal(d);
	if (r->wal) {
		/* Empties the WAL if it can soon; what it misses comes below. */
		sqlite3_busy_timeout(d->ckpt, busy_ms_until(busy_ms / 4, end_ms));
		sqlite3_wal_checkpoint_v2(d->ckpt, NULL,
					  SQLITE_CHECKPOINT_TRUNCATE, &nlog,
					  &nckpt);
	}
	sqlite3_busy_timeout(d->lock, busy_ms_until(busy_ms, end_ms));
	rc = sqlite3_exec(d->lock, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail(d, r, rc == SQLITE_BUSY ? EBUSY : EIO,
			    "%s: write lock: %s", d->path, sqlite3_errmsg(d->lock));
	r->held_ns = writerd_now_ns();
	d->held = true;
	if (!r->wal)
		return 0;
	sqlite3_busy_timeout(d->ckpt, 0);
	for (;;) {
		rc = sqlite3_wal_checkpoint_v2(d->ckpt, NULL,
					       SQLITE_CHECKPOINT_PASSIVE,
					       &nlog, &nckpt);
		/* -1: the checkpoint did not run (not WAL to this connection). */
		if (rc == SQLITE_OK && nlog >= 0 && nckpt == nlog)
			break;
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			return fail(d, r, EIO, "%s: checkpoint: %s", d->path,
				    sqlite3_errmsg(d->ckpt));
		if (writerd_now_ms() + RETRY_MS >= end_ms)
			return fail(d, r, ETIMEDOUT,
				    "%s: %d of %d WAL frames checkpointed in time (a reader holds an old snapshot)",
				    d->path, nckpt, nlog);
		usleep(RETRY_MS * 1000);
	}
	r->frames = nlog;
	return 0;
}

void hold_release(struct hold_db *d)
{
	if (!d->held)
		return;
	/* A ROLLBACK of nothing: it fails only on a closed handle. */
	sqlite3_exec(d->lock, "ROLLBACK", NULL, NULL, NULL);
	d->held = false;
}
