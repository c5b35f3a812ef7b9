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
#include <linux/openat2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "hold.h"
#include "../common/writerd.h"

#define RETRY_MS	10
/* fenced(): a file of the database refused, not an SQLite result code. */
#define REFUSED		(-1)

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
 * openat2(RESOLVE_NO_SYMLINKS) for kernels before 5.6 (and valgrind, which
 * does not know the call): @path, absolute, one component at a time, none
 * of them followed if it is a link. The fd, or -errno (ELOOP: a link).
 */
static int open_no_links(const char *path, int flags)
{
	char buf[PATH_MAX], *p, *next;
	int dfd, fd, err;
	struct stat st;

	if (path[0] != '/' || (size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf))
		return -EINVAL;
	dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	for (p = buf + 1; (next = strchr(p, '/')); p = next) {
		*next++ = '\0';
		if (!*p)
			continue;
		/* O_PATH|O_NOFOLLOW opens a link itself: O_DIRECTORY refuses it. */
		fd = openat(dfd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
			if (err == ENOTDIR && !fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW) &&
			    S_ISLNK(st.st_mode))
				err = ELOOP;
			close(dfd);
			return -err;
		}
		close(dfd);
		dfd = fd;
	}
	fd = openat(dfd, p, flags | O_NOFOLLOW);
	err = errno;
	close(dfd);
	return fd < 0 ? -err : fd;
}

/* openat2(RESOLVE_NO_SYMLINKS), or open_no_links() without it. */
static int open_resolved(const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_NOFOLLOW,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		return open_no_links(path, flags);
	return fd < 0 ? -errno : fd;
}

/*
 * Opens @file, a file of the database @d, for the lock byte, without
 * following a symbolic link anywhere in the path: the application's user
 * could otherwise make root open any file or device (O_RDWR: opening
 * /dev/watchdog arms it) and place a blocking lock on someone else's file.
 * @file is under d->path, which realpath() made free of links at open, so
 * a link met now was planted since: no component may be one
 * (open_resolved()). Then it
 * must be a regular file with one name, on the database's filesystem,
 * owned by the database's owner or root: never a hard link to another
 * file. Returns the fd, or -errno with @why set.
 */
static int safe_open(const struct hold_db *d, const char *file,
		     const char **why)
{
	struct stat st;
	int fd;

	fd = open_resolved(file, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*why = fd == -ELOOP ? "a symbolic link in its path: refused" :
				      strerror(-fd);
		return fd;
	}
	*why = NULL;
	if (fstat(fd, &st))
		*why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		*why = "not a regular file: refused";
	else if (st.st_nlink != 1)
		*why = "a file with other names (a hard link): refused";
	else if (st.st_dev != d->dev)
		*why = "not on the database's filesystem: refused";
	else if (st.st_uid != d->owner && st.st_uid)
		*why = "owned by neither the database's owner nor root: refused";
	if (*why) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

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
 * stays ours after the child exits. @fd is opened once (safe_open()) and
 * closed only after SQLite's connections: closing any fd of a file drops
 * every fcntl lock our process holds on it, SQLite's own included. Returns
 * 1 with the byte locked; 0 (no such file, no OFD locks, the deadline):
 * BEGIN IMMEDIATE alone then; -1 if @file was refused, with @why set.
 */
static int lock_out_writers(const struct hold_db *d, int *fd, const char *file,
			    off_t byte, long end_ms, const char **why)
{
	struct flock fl = {
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1,
	};
	int status;
	pid_t pid, w;

	if (*fd < 0) {
		int ret = safe_open(d, file, why);

		if (ret < 0) {
			*fd = -1;
			return ret == -ENOENT ? 0 : -1;
		}
		*fd = ret;
	}
	if (fcntl(*fd, F_OFD_SETLK, &fl) == 0)
		return 1;
	if (errno != EAGAIN && errno != EACCES)
		return 0;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(fcntl(*fd, F_OFD_SETLKW, &fl) ? 1 : 0);
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : 0;
		if ((w < 0 && errno != EINTR) || writerd_now_ms() >= end_ms)
			break;
		usleep(500);
	}
	/*
	 * The deadline, or the child cannot be waited for: it must not get
	 * the lock after the caller's unlock. It may have had it just before:
	 * the caller unlocks anyway.
	 */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
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

/*
 * Every symbolic link met resolving @path is root's or @owner's, as the
 * kernel's protected_symlinks demands in sticky directories: whoever owns
 * a link chooses the file root opens through it. 0, or -1 with @msg set.
 */
static int check_links(const char *path, uid_t owner, char *msg, size_t size)
{
	char done[PATH_MAX] = "", todo[PATH_MAX], link[PATH_MAX], next[PATH_MAX];
	const char *p, *rest;
	int links = 0;
	struct stat st;
	ssize_t n;
	size_t len;

	if (path[0] != '/' && !getcwd(done, sizeof(done)))
		goto err;
	if (!strcmp(done, "/"))
		done[0] = '\0';
	snprintf(todo, sizeof(todo), "%s", path);
	for (p = todo; *p;) {
		char cur[PATH_MAX];

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		rest = p + len;
		if (!len || (len == 1 && p[0] == '.')) {
			p = rest;
			continue;
		}
		if (len == 2 && !strncmp(p, "..", 2)) {
			char *slash = strrchr(done, '/');

			if (slash)
				*slash = '\0';
			p = rest;
			continue;
		}
		if ((size_t)snprintf(cur, sizeof(cur), "%s/%.*s", done, (int)len, p) >=
		    sizeof(cur) || lstat(cur, &st))
			goto err;
		if (!S_ISLNK(st.st_mode)) {
			memcpy(done, cur, strlen(cur) + 1);
			p = rest;
			continue;
		}
		if (st.st_uid && st.st_uid != owner) {
			snprintf(msg, size, "%s: the symbolic link %s is owned by uid %u, neither root nor the database's owner (uid %u): refused",
				 path, cur, (unsigned int)st.st_uid, (unsigned int)owner);
			return -1;
		}
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0 || ++links > 40) {
			errno = n < 0 ? errno : ELOOP;
			goto err;
		}
		link[n] = '\0';
		if (link[0] == '/')
			done[0] = '\0';
		if ((size_t)snprintf(next, sizeof(next), "%s%s", link, rest) >= sizeof(next)) {
			errno = ENAMETOOLONG;
			goto err;
		}
		memcpy(todo, next, strlen(next) + 1);
		p = todo;
	}
	return 0;
err:
	snprintf(msg, size, "%s: %s", path, strerror(errno));
	return -1;
}

int hold_open(struct hold_db *d, const char *path, char *msg, size_t size)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		    SQLITE_OPEN_NOFOLLOW;
	struct stat st;
	int fd;

	memset(d, 0, sizeof(*d));
	d->shm_fd = d->db_fd = -1;
	if (!realpath(path, d->path)) {
		snprintf(msg, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Whose it is, from the file itself, then the links that led to it. */
	fd = open_resolved(d->path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		errno = -fd;
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(msg, size, "%s: %s", d->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, size, "%s: not a regular file", d->path);
		return -1;
	}
	d->owner = st.st_uid;
	d->dev = st.st_dev;
	if (check_links(path, d->owner, msg, size))
		return -1;
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
 * SQLite's busy handler alone. A file refused for the fence fails the hold
 * (REFUSED, with @refused set): someone planted a link or a hard link.
 */
static int fenced(struct hold_db *d, bool wal, long lock_end,
		  int (*try)(struct hold_db *d, int busy_ms), char *refused,
		  size_t size)
{
	off_t byte = wal ? WAL_WRITE_LOCK_BYTE : RESERVED_BYTE;
	int *fd = wal ? &d->shm_fd : &d->db_fd;
	char file[PATH_MAX + 8];
	const char *why;
	int rc;

	snprintf(file, sizeof(file), "%s%s", d->path, wal ? "-shm" : "");
	for (;;) {
		int fenced = lock_out_writers(d, fd, file, byte, lock_end, &why);

		if (fenced < 0) {
			/* Truncation is fine: the file's name leads. */
			if (snprintf(refused, size, "%s: %s", file, why) < 0)
				refused[0] = '\0';
			return REFUSED;
		}

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
		rc = fenced(d, true, writerd_now_ms() + busy_ms_until(busy_ms / 4, end_ms),
			    try_truncate, r->msg, sizeof(r->msg));
	if (!r->wal || rc != REFUSED)
		rc = fenced(d, r->wal, writerd_now_ms() + busy_ms_until(busy_ms, end_ms),
			    try_begin, r->msg, sizeof(r->msg));
	if (rc == REFUSED) {
		r->err = EPERM;
		hold_release(d);
		return -1;
	}
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
