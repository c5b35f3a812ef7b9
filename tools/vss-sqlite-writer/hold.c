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
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "hold.h"
#include "../common/writerd.h"

#define RETRY_MS	10

/*
 * The byte every SQLite connection locks to write: WAL_WRITE_LOCK, byte 120
 * of the "-shm" file in WAL mode; RESERVED_BYTE, 0x40000001 of the database
 * file in rollback-journal mode. Both are part of SQLite's file formats
 * (walformat.html, "WAL locks"; fileformat2.html, "The lock-byte page"):
 * every version takes them with non-blocking fcntl() locks.
 */
#define WAL_WRITE_LOCK_BYTE	120
#define RESERVED_BYTE		0x40000001

/*
 * SQLite's lock is not fair: a writer that does not have it sleeps in its
 * busy handler (1 to 100 ms) and tries again, and against an application
 * that commits back to back nearly every try lands inside its next
 * transaction: the hold starved for its whole busy timeout. So the lock
 * byte is first taken with a blocking open-file-description lock, which
 * the kernel grants when the application lets go; the application's next
 * try then fails and it sleeps in its busy handler, and meanwhile the lock
 * is handed to our own connection (OFD locks conflict with our process's
 * own fcntl locks, so it must be released first: microseconds, against the
 * application's millisecond sleep).
 *
 * Waits in a child, which SIGKILL interrupts at the deadline; the lock
 * belongs to the open file description, shared with the child, so it
 * stays ours after the child exits. @fd is opened once and closed only
 * after SQLite's connections: closing any fd of a file drops every fcntl
 * lock our process holds on it, SQLite's own included. Returns true with
 * the byte locked; false (no such file, no OFD locks, the deadline):
 * BEGIN IMMEDIATE alone then.
 */
static bool lock_out_writers(int *fd, const char *file, off_t byte, long end_ms)
{
	struct flock fl = {
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1,
	};
	int status;
	pid_t pid;

	if (*fd < 0)
		*fd = open(file, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return false;
	if (fcntl(*fd, F_OFD_SETLK, &fl) == 0)
		return true;
	if (errno != EAGAIN && errno != EACCES)
		return false;
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(fcntl(*fd, F_OFD_SETLKW, &fl) ? 1 : 0);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (writerd_now_ms() >= end_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			/* It may have had the lock just before. */
			break;
		}
		usleep(500);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void let_writers_in(int fd, off_t byte)
{
	struct flock fl = {
		.l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1,
	};

	fcntl(fd, F_OFD_SETLK, &fl);
}

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
	d->shm_fd = d->db_fd = -1;
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
	/* Only now: see lock_out_writers(). */
	if (d->shm_fd >= 0)
		close(d->shm_fd);
	if (d->db_fd >= 0)
		close(d->db_fd);
	d->shm_fd = d->db_fd = -1;
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

/* What needs the write lock: one try, waiting up to @busy_ms. */
static int try_truncate(struct hold_db *d, int busy_ms)
{
	int nlog, nckpt;

	sqlite3_busy_timeout(d->ckpt, busy_ms);
	return sqlite3_wal_checkpoint_v2(d->ckpt, NULL, SQLITE_CHECKPOINT_TRUNCATE,
					 &nlog, &nckpt);
}

static int try_begin(struct hold_db *d, int busy_ms)
{
	sqlite3_busy_timeout(d->lock, busy_ms);
	return sqlite3_exec(d->lock, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}

/*
 * @try under the write lock, fenced (lock_out_writers()) until @lock_end:
 * fenced, the application sleeps in its busy handler while we try, and if
 * it won the race after all we fence again. Where fencing is impossible,
 * SQLite's busy handler alone.
 */
static int fenced(struct hold_db *d, bool wal, long lock_end,
		  int (*try)(struct hold_db *d, int busy_ms))
{
	off_t byte = wal ? WAL_WRITE_LOCK_BYTE : RESERVED_BYTE;
	int *fd = wal ? &d->shm_fd : &d->db_fd;
	char file[PATH_MAX + 8];
	int rc;

	snprintf(file, sizeof(file), "%s%s", d->path, wal ? "-shm" : "");
	for (;;) {
		bool fenced = lock_out_writers(fd, file, byte, lock_end);

		/* The kill at the deadline may race the grant: unlock anyway. */
		if (*fd >= 0)
			let_writers_in(*fd, byte);
		rc = try(d, fenced ? busy_ms_until(RETRY_MS, lock_end)
				   : busy_ms_until(LONG_MAX, lock_end));
		if (rc != SQLITE_BUSY || !fenced || writerd_now_ms() >= lock_end)
			return rc;
	}
}

int hold_take(struct hold_db *d, long busy_ms, long end_ms,
	      struct hold_result *r)
{
	int nlog = 0, nckpt = 0, rc;

	memset(r, 0, sizeof(*r));
	r->wal = hold_is_wal(d);
	/* Empties the WAL if it can soon; what it misses comes below. */
	if (r->wal)
		fenced(d, true, writerd_now_ms() + busy_ms_until(busy_ms / 4, end_ms),
		       try_truncate);
	rc = fenced(d, r->wal, writerd_now_ms() + busy_ms_until(busy_ms, end_ms),
		    try_begin);
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
