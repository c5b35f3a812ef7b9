/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Holding a SQLite database for a snapshot: its write lock taken and, in
 * WAL mode, every committed frame in the database file. Nothing here knows
 * about libvss, so the host tests exercise it on real databases.
 */
#ifndef VSS_SQLITE_HOLD_H
#define VSS_SQLITE_HOLD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

struct hold_db {
	char path[PATH_MAX];		/* absolute */
	sqlite3 *lock;			/* holds the write transaction */
	sqlite3 *ckpt;			/* checkpoints while the lock is held */
	int shm_fd, db_fd;		/* lock_out_writers(), or -1 */
	uid_t owner;			/* the database file's */
	dev_t dev;			/* its filesystem */
	bool involved;			/* on a volume of the current set */
	bool held;
};

struct hold_result {
	bool wal;
	uint64_t held_ns;		/* CLOCK_MONOTONIC when the lock was had */
	int frames;			/* WAL frames, all in the database file */
	int err;			/* why it failed: EBUSY, ETIMEDOUT, EIO */
	char msg[256];
};

/*
 * Opens @path (which must be a database) twice. The writer runs as root in
 * directories the application may write, so the path is taken as it is
 * now (realpath()) if every symbolic link on it is root's or the database
 * owner's, and from then on no file is opened through a symbolic link
 * (see safe_open()). 0, or -1 with @msg set.
 */
int hold_open(struct hold_db *d, const char *path, char *msg, size_t size);
void hold_close(struct hold_db *d);
bool hold_is_wal(struct hold_db *d);

/* A checkpoint that never waits: shortens a later hold_take(). */
void hold_prepare(struct hold_db *d);

/*
 * TRUNCATE checkpoint (waiting at most @busy_ms for writers; its failure
 * is not fatal), BEGIN IMMEDIATE (waiting at most @busy_ms), then, in WAL
 * mode, PASSIVE checkpoints until every frame is in the database file, all
 * before @end_ms (CLOCK_MONOTONIC ms). Return: 0, the lock held; -1, not
 * held (released again if it had been), @r->err and @r->msg say why.
 */
int hold_take(struct hold_db *d, long busy_ms, long end_ms,
	      struct hold_result *r);

/* Lets the lock go (ROLLBACK); nothing if not held. */
void hold_release(struct hold_db *d);

#endif /* VSS_SQLITE_HOLD_H */
