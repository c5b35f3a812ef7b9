// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite writer's hold without the module, on real databases: in WAL
 * mode with the WAL never checkpointed by the application, the database
 * file alone holds every committed row once the hold is taken; writers
 * wait (busy timeout) until it is released, readers do not; a write
 * transaction in progress makes the hold fail with EBUSY, a reader on an
 * old snapshot with ETIMEDOUT, neither leaving a lock behind; rollback-
 * journal mode is held by the lock alone; an application that commits
 * back to back does not starve the hold. Run as root, as the writer is,
 * against an application that plants symbolic links: a "-shm" or database
 * name, or a directory of the path, swapped for a link after the writer
 * opened the database makes the hold fail with the reason, the link's
 * target neither opened, locked nor changed; a link owned by someone other
 * than root or the database's owner is refused at open. And the daemons'
 * shared log: a journald priority before each line exactly when stderr is
 * the stream JOURNAL_STREAM names.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "hold.h"
#include "tap.h"
#include "../../common/writerd.h"

static char dir[64];

static sqlite3 *app_open(const char *path, int busy_ms)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return NULL;
	sqlite3_busy_timeout(db, busy_ms);
	sqlite3_exec(db, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
	return db;
}

static int insert(sqlite3 *db, int from, int to)
{
	char sql[128];
	int i, rc = SQLITE_OK;

	for (i = from; rc == SQLITE_OK && i <= to; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO t(id, v) VALUES (%d, randomblob(300))", i);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	return rc;
}

static long long count(const char *path)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	long long n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) != SQLITE_ROW ||
		    strcmp((const char *)sqlite3_column_text(st, 0), "ok"))
			n = -2;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

/* The database file alone, as a file backup of "the database" copies it. */
static long long copy_count(const char *db, const char *name)
{
	char cmd[512], copy[128];

	snprintf(copy, sizeof(copy), "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", db, copy);
	if (system(cmd))
		return -1;
	return count(copy);
}

static void make_db(const char *path, const char *mode)
{
	sqlite3 *db = app_open(path, 0);
	char sql[128];

	snprintf(sql, sizeof(sql),
		 "PRAGMA journal_mode=%s; CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)",
		 mode);
	if (!db || sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: cannot create\n", path);
		exit(1);
	}
	sqlite3_close(db);
}

static void test_wal(void)
{
	char path[128], msg[256];
	struct hold_result r;
	struct hold_db d;
	sqlite3 *app, *reader;
	long long n = -1;
	sqlite3_stmt *st;
	long t0;
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/wal.db", dir);
	make_db(path, "WAL");
	app = app_open(path, 0);
	ok_int(insert(app, 1, 300), SQLITE_OK, "300 rows committed");
	ok_int(copy_count(path, "before.db"), 0,
	       "the database file alone has none of them (all in the WAL)");

	ok_int(hold_open(&d, path, msg, sizeof(msg)), 0, "database opened");
	ok(hold_is_wal(&d), "in WAL mode");
	t0 = writerd_now_ms();
	ok_int(hold_take(&d, 2000, writerd_now_ms() + 5000, &r), 0, "held");
	ok(r.wal && d.held && r.held_ns > 0, "write lock held, in WAL mode");
	diag("hold took %ld ms, %d WAL frames", writerd_now_ms() - t0, r.frames);
	ok_int(copy_count(path, "held.db"), 300,
	       "the database file alone has all 300 and passes integrity_check");

	ok_int(insert(app, 301, 301), SQLITE_BUSY,
	       "a write without busy timeout fails at once while held");
	reader = app_open(path, 0);
	if (sqlite3_prepare_v2(reader, "SELECT count(*) FROM t", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	ok_int(n, 300, "a reader reads while held");
	sqlite3_close(reader);

	/*
	 * A writer with a busy timeout waits for the release, then commits.
	 * Another process (sqlite3 exec'd: SQLite's state must not cross a
	 * fork), as an application is.
	 */
	pid = fork();
	if (pid == 0) {
		execlp("sqlite3", "sqlite3", "-cmd", ".timeout 10000", path,
		       "INSERT INTO t(id) VALUES (301)", (char *)NULL);
		_exit(127);
	}
	usleep(600000);
	ok_int(waitpid(pid, &status, WNOHANG), 0,
	       "a writer with a busy timeout waits while held");
	hold_release(&d);
	ok(!d.held, "released");
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 0,
	   "then commits once released");

	/* A write transaction in progress: the hold cannot be had. */
	ok_int(sqlite3_exec(app, "BEGIN IMMEDIATE; INSERT INTO t(id) VALUES (302)",
			    NULL, NULL, NULL), SQLITE_OK, "the app opens a write transaction");
	t0 = writerd_now_ms();
	ok_int(hold_take(&d, 300, writerd_now_ms() + 5000, &r), -1,
	       "hold fails while the app writes");
	ok(r.err == EBUSY && strstr(r.msg, "database is locked") && !d.held,
	   "EBUSY after its busy timeout, nothing held: %s", r.msg);
	ok(writerd_now_ms() - t0 < 3000, "within the busy timeout");
	ok_int(sqlite3_exec(app, "COMMIT", NULL, NULL, NULL), SQLITE_OK,
	       "the app commits after all");

	/* A reader on an old snapshot keeps frames out of the database file. */
	reader = app_open(path, 0);
	ok_int(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM t", NULL, NULL, NULL),
	       SQLITE_OK, "a reader starts a read transaction");
	ok_int(insert(app, 303, 310), SQLITE_OK, "8 more rows committed after it");
	ok_int(hold_take(&d, 300, writerd_now_ms() + 1000, &r), -1,
	       "hold fails while an old snapshot is read");
	ok(r.err == ETIMEDOUT && !d.held, "ETIMEDOUT, nothing held: %s", r.msg);
	sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(reader);
	ok_int(hold_take(&d, 2000, writerd_now_ms() + 5000, &r), 0,
	       "held once the reader is done");
	ok_int(copy_count(path, "held2.db"), 310, "the file alone has all 310");
	hold_release(&d);
	hold_close(&d);
	sqlite3_close(app);
}

/*
 * Waits until the application @pid, alive, has more than @than rows
 * committed in @path (the WAL included), for at most @ms; the count, or
 * -1 if it died or the time ran out.
 */
static long long committed_past(const char *path, pid_t pid, long long than, long ms)
{
	long end = writerd_now_ms() + ms;
	long long n;
	int status;

	do {
		if (waitpid(pid, &status, WNOHANG) != 0)
			return -1;
		n = count(path);
		if (n > than)
			return n;
		usleep(20000);
	} while (writerd_now_ms() < end);
	return -1;
}

/*
 * An application that commits back to back, with no pause between its
 * transactions: SQLite's lock is not fair, and a busy handler that sleeps
 * 25 to 100 ms between tries almost always wakes while the application is
 * inside its next transaction. The hold must still get the lock.
 */
static void test_back_to_back_writer(void)
{
	static const char load[] =
		"import sqlite3, sys\n"
		"c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)\n"
		"c.execute('PRAGMA wal_autocheckpoint=0')\n"
		"i = 1000000\n"
		"while True:\n"
		"    c.execute('BEGIN IMMEDIATE')\n"
		"    c.execute('INSERT INTO t(id) VALUES (?)', (i,))\n"
		"    c.execute('COMMIT')\n"
		"    i += 1\n";
	char path[128], msg[256];
	struct hold_result r;
	struct hold_db d;
	long long before = 0, live, after = 0, seen;
	int status, round, held = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/busy.db", dir);
	make_db(path, "WAL");
	ok_int(hold_open(&d, path, msg, sizeof(msg)), 0, "opened");
	pid = fork();
	if (pid == 0) {
		execlp("python3", "python3", "-c", load, path, (char *)NULL);
		_exit(127);
	}
	/* Its commits seen (python starts slowly on a loaded host). */
	seen = committed_past(path, pid, 0, 60000);
	ok(seen > 0, "the application commits back to back");
	for (round = 0; round < 3; round++) {
		long t0 = writerd_now_ms();

		/* Against an application seen committing since the last hold. */
		if (round && (seen = committed_past(path, pid, after, 60000)) < 0) {
			diag("round %d: the application no longer commits", round);
			continue;
		}
		if (hold_take(&d, 5000, writerd_now_ms() + 8000, &r)) {
			diag("round %d: %s", round, r.msg);
			continue;
		}
		diag("round %d: held after %ld ms, %d WAL frames", round,
		     writerd_now_ms() - t0, r.frames);
		/* Every commit in the file alone, and none while held (WAL included). */
		before = copy_count(path, "busy-held.db");
		live = count(path);
		/* The application's chance to commit, were the lock not held. */
		usleep(200000);
		after = count(path);
		diag("round %d: %lld rows seen before, %lld in the file, %lld committed, then %lld",
		     round, seen, before, live, after);
		held += before >= seen && before == live && live == after;
		hold_release(&d);
	}
	ok_int(held, 3, "held 3 times of 3 against it: every commit in the file, none while held");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	hold_close(&d);
}

static void test_rollback(void)
{
	char path[128], msg[256];
	struct hold_result r;
	struct hold_db d;
	sqlite3 *app;

	snprintf(path, sizeof(path), "%s/journal.db", dir);
	make_db(path, "DELETE");
	app = app_open(path, 0);
	ok_int(insert(app, 1, 50), SQLITE_OK, "rollback journal: 50 rows committed");
	ok_int(hold_open(&d, path, msg, sizeof(msg)), 0, "opened");
	ok(!hold_is_wal(&d), "not WAL");
	ok_int(hold_take(&d, 2000, writerd_now_ms() + 5000, &r), 0, "held");
	ok(!r.wal && d.held, "the lock alone");
	ok_int(insert(app, 51, 51), SQLITE_BUSY, "writes wait while held");
	ok_int(copy_count(path, "journal-held.db"), 50, "the file has all 50");
	hold_close(&d);
	ok_int(insert(app, 51, 51), SQLITE_OK, "closing releases");
	sqlite3_close(app);
}

static void test_not_a_database(void)
{
	char path[128], msg[256];
	struct hold_db d;
	FILE *f;

	snprintf(path, sizeof(path), "%s/junk.db", dir);
	f = fopen(path, "w");
	if (f) {
		fputs("this is not a database, but it is long enough to have a header\n", f);
		fclose(f);
	}
	ok_int(hold_open(&d, path, msg, sizeof(msg)), -1, "not a database: refused");
	ok_contains(msg, "file is not a database", "with SQLite's reason: %s", msg);
	snprintf(path, sizeof(path), "%s/missing.db", dir);
	ok_int(hold_open(&d, path, msg, sizeof(msg)), -1, "a missing file: refused");
	ok_contains(msg, "No such file or directory", "with the reason: %s", msg);
}

/* Whether any fd of ours is open on @path. */
static bool have_open(const char *path)
{
	char fd_path[64], target[PATH_MAX];
	ssize_t n;
	int fd;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", fd);
		n = readlink(fd_path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, path))
			return true;
	}
	return false;
}

/* A file of the test's own, and how it was: the target of planted links. */
struct victim {
	char path[128];
	struct stat st;
};

static void victim_make(struct victim *v, const char *name)
{
	FILE *f;

	snprintf(v->path, sizeof(v->path), "%s/%s", dir, name);
	f = fopen(v->path, "w");
	if (f) {
		fputs("precious, and locked by nobody\n", f);
		fclose(f);
	}
	/* Back in time, so that any open for writing or change shows. */
	if (truncate(v->path, 31) || utimensat(AT_FDCWD, v->path,
		(struct timespec[2]){ { 1, 0 }, { 1, 0 } }, 0) || stat(v->path, &v->st))
		diag("%s: cannot make", v->path);
}

/* The target untouched, not held open, byte @byte not locked. */
static bool victim_intact(const struct victim *v, off_t byte)
{
	struct flock fl = {
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1,
	};
	struct stat st;
	int fd;
	bool ok_ = !stat(v->path, &st) && st.st_size == v->st.st_size &&
		   st.st_mtim.tv_sec == v->st.st_mtim.tv_sec &&
		   st.st_ctim.tv_sec == v->st.st_ctim.tv_sec && !have_open(v->path);

	fd = open(v->path, O_RDWR | O_CLOEXEC);
	ok_ = ok_ && fd >= 0 && !fcntl(fd, F_OFD_GETLK, &fl) && fl.l_type == F_UNLCK;
	if (fd >= 0)
		close(fd);
	return ok_;
}

/* "-shm" swapped for a link to the test's file after the writer opened. */
static void test_shm_symlink(void)
{
	char path[128], shm[140], old[150], msg[256];
	struct hold_result r;
	struct victim v = { .path = "" };
	struct hold_db d;
	sqlite3 *app;

	snprintf(path, sizeof(path), "%s/shm-link.db", dir);
	make_db(path, "WAL");
	app = app_open(path, 0);
	ok_int(insert(app, 1, 10), SQLITE_OK, "-shm link: 10 rows");
	ok_int(hold_open(&d, path, msg, sizeof(msg)), 0, "-shm link: opened");
	victim_make(&v, "victim-shm");
	snprintf(shm, sizeof(shm), "%s-shm", path);
	snprintf(old, sizeof(old), "%s-shm.old", path);
	if (rename(shm, old) || symlink(v.path, shm))
		diag("%s: cannot plant the link", shm);
	ok_int(hold_take(&d, 500, writerd_now_ms() + 2000, &r), -1,
	       "-shm link: the hold fails");
	ok(!d.held && strstr(r.msg, shm) && strstr(r.msg, "symbolic link"),
	   "-shm link: nothing held, the reason: %s", r.msg);
	ok(victim_intact(&v, 120), "-shm link: its target not opened, locked or changed");
	hold_close(&d);
	sqlite3_close(app);
}

/* Rollback-journal mode: the database's own name swapped for a link. */
static void test_db_symlink(void)
{
	char path[128], old[140], msg[256];
	struct hold_result r;
	struct victim v = { .path = "" };
	struct hold_db d;

	snprintf(path, sizeof(path), "%s/db-link.db", dir);
	make_db(path, "DELETE");
	ok_int(hold_open(&d, path, msg, sizeof(msg)), 0, "db link: opened");
	victim_make(&v, "victim-db");
	snprintf(old, sizeof(old), "%s.old", path);
	if (rename(path, old) || symlink(v.path, path))
		diag("%s: cannot plant the link", path);
	ok_int(hold_take(&d, 500, writerd_now_ms() + 2000, &r), -1,
	       "db link: the hold fails");
	ok(!d.held && strstr(r.msg, path) && strstr(r.msg, "symbolic link"),
	   "db link: nothing held, the reason: %s", r.msg);
	ok(victim_intact(&v, 0x40000001), "db link: its target not opened, locked or changed");
	hold_close(&d);
}

/* A directory of the path swapped for a link to another directory. */
static void test_dir_symlink(void)
{
	char sub[128], moved[140], other[140], path[160], msg[256];
	struct hold_result r;
	struct victim v = { .path = "" };
	struct hold_db d;

	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(moved, sizeof(moved), "%s/sub.moved", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	snprintf(path, sizeof(path), "%s/x.db", sub);
	if (mkdir(sub, 0755) || mkdir(other, 0755))
		diag("%s: cannot make", sub);
	make_db(path, "WAL");
	ok_int(hold_open(&d, path, msg, sizeof(msg)), 0, "dir link: opened");
	/* sub now leads to other/, where x.db-shm is the test's file. */
	victim_make(&v, "other/x.db-shm");
	if (rename(sub, moved) || symlink(other, sub))
		diag("%s: cannot plant the link", sub);
	ok_int(hold_take(&d, 500, writerd_now_ms() + 2000, &r), -1,
	       "dir link: the hold fails");
	ok(!d.held && strstr(r.msg, "symbolic link"), "dir link: the reason: %s", r.msg);
	ok(victim_intact(&v, 120), "dir link: the file behind it not opened, locked or changed");
	hold_close(&d);
}

/* At open: links of root or of the database's owner only. */
static void test_foreign_symlink(void)
{
	char path[128], link[128], msg[256];
	struct hold_db d;

	if (geteuid()) {
		diag("not root: links of another user not tried");
		return;
	}
	snprintf(path, sizeof(path), "%s/owned.db", dir);
	snprintf(link, sizeof(link), "%s/link.db", dir);
	make_db(path, "WAL");
	if (symlink(path, link))
		diag("%s: cannot make", link);
	ok_int(hold_open(&d, link, msg, sizeof(msg)), 0, "root's link to root's database: opened");
	hold_close(&d);
	if (lchown(link, 65534, 65534))
		diag("%s: cannot chown", link);
	ok_int(hold_open(&d, link, msg, sizeof(msg)), -1,
	       "a link of uid 65534 to root's database: refused");
	ok_contains(msg, "owned by uid 65534", "with the reason: %s", msg);
	/* The same link in a directory it goes through. */
	snprintf(link, sizeof(link), "%s/dirlink", dir);
	if (symlink(dir, link) || lchown(link, 65534, 65534))
		diag("%s: cannot make", link);
	snprintf(path, sizeof(path), "%s/dirlink/owned.db", dir);
	ok_int(hold_open(&d, path, msg, sizeof(msg)), -1,
	       "a directory link of uid 65534: refused");
	ok_contains(msg, "owned by uid 65534", "with the reason: %s", msg);
}

/* The daemons' --rcvbuf (tools/common/writerd.c), linked here as well. */
static void test_parse_bytes(void)
{
	ok_int((int)writerd_parse_bytes("4096"), 4096, "parse_bytes: bytes");
	ok_int((int)writerd_parse_bytes("16K"), 16 << 10, "parse_bytes: K");
	ok_int((int)writerd_parse_bytes("16m"), 16 << 20, "parse_bytes: m");
	ok_int((int)writerd_parse_bytes("1024M"), 1 << 30, "parse_bytes: 1 GiB, the most");
	ok_int((int)writerd_parse_bytes("1025M"), -1, "parse_bytes: above 1 GiB");
	ok_int((int)writerd_parse_bytes("18014398509481985K"), -1,
	       "parse_bytes: a number that would wrap when shifted");
	ok_int((int)writerd_parse_bytes("0"), -1, "parse_bytes: 0");
	ok_int((int)writerd_parse_bytes("-5"), -1, "parse_bytes: negative");
	ok_int((int)writerd_parse_bytes("4G"), -1, "parse_bytes: unknown suffix");
	ok_int((int)writerd_parse_bytes(""), -1, "parse_bytes: empty");
}

/*
 * Logs three lines to a file as stderr, with JOURNAL_STREAM set to
 * @journal ("" for the file's own DEV:INO, NULL unset); what was written.
 */
static void log_to_file(const char *journal, char *buf, size_t size)
{
	char path[PATH_MAX], js[64];
	int fd, saved;
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/log", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	saved = dup(STDERR_FILENO);
	buf[0] = '\0';
	if (fd < 0 || saved < 0 || fstat(fd, &st))
		return;
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	if (journal)
		setenv("JOURNAL_STREAM", *journal ? journal : js, 1);
	else
		unsetenv("JOURNAL_STREAM");
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	writerd_log_init("vss-test");
	writerd_err("no %s", "socket");
	writerd_warn("lost %d", 3);
	writerd_info("ready");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unsetenv("JOURNAL_STREAM");
}

static void test_log(void)
{
	char buf[256];

	log_to_file("", buf, sizeof(buf));
	ok_str(buf, "<3>vss-test: no socket\n<4>vss-test: lost 3\n<6>vss-test: ready\n",
	       "log: stderr is the journal's stream: SD_ERR, SD_WARNING, SD_INFO prefixes");
	log_to_file(NULL, buf, sizeof(buf));
	ok_str(buf, "vss-test: no socket\nvss-test: lost 3\nvss-test: ready\n",
	       "log: no JOURNAL_STREAM: no prefix");
	log_to_file("1:2", buf, sizeof(buf));
	ok_str(buf, "vss-test: no socket\nvss-test: lost 3\nvss-test: ready\n",
	       "log: JOURNAL_STREAM of another stream (inherited, stderr redirected): no prefix");
	log_to_file("garbage", buf, sizeof(buf));
	ok_str(buf, "vss-test: no socket\nvss-test: lost 3\nvss-test: ready\n",
	       "log: a malformed JOURNAL_STREAM: no prefix");
}

int main(void)
{
	char cmd[128];

	snprintf(dir, sizeof(dir), "/tmp/hold-test.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_wal();
	test_back_to_back_writer();
	test_rollback();
	test_not_a_database();
	test_shm_symlink();
	test_db_symlink();
	test_dir_symlink();
	test_foreign_symlink();
	test_parse_bytes();
	test_log();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
	return tap_done();
}
