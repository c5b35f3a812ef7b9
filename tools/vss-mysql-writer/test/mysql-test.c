// SPDX-License-Identifier: GPL-2.0
/*
 * The MariaDB writer without the module, against a throwaway server the
 * test starts itself (mariadb-install-db and mariadbd as root, --no-defaults,
 * its socket in the test's directory, no TCP), in a mount namespace of its
 * own where the InnoDB redo log and the binary log are on two tmpfs of
 * their own and the undo directory is given relative to the datadir:
 *
 * - the paths and volumes reported (datadir, the relative undo directory
 *   resolved, the InnoDB log and binary log directories) and the metadata
 *   document that carries them;
 * - a set missing the binary log's volume vetoed, non-retryable, with the
 *   exact message; a set of none untouched;
 * - the backup locks seen from the server: commits and Aria writes
 *   proceed after PrepareForSnapshot (START, FLUSH); from Freeze
 *   (BLOCK_COMMIT) a second connection's commit waits ("Waiting for backup
 *   lock") and proceeds after Thaw, and an Aria write waits too; released after Abort, at the writer's deadline, and after
 *   the writer is killed (SIGKILL) mid-set; the next set then succeeds;
 * - the result document: the binary log file and position and the GTID
 *   position equal to SHOW MASTER STATUS while the commits are blocked.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <json-c/json.h>
#include <mysql.h>

#include <libvss.h>
#include <libvss-doc.h>

#include "myw.h"
#include "tap.h"
#include "../../common/writerd.h"

/* MariaDB's ER_LOCK_WAIT_TIMEOUT: what a commit gets while the backup blocks it. */
#define ER_LOCK_WAIT_TIMEOUT_	1205

static char dir[64], sock[128], line[256], datamnt[PATH_MAX];
static pid_t server = -1;
static MYSQL *db;

/* ---- the throwaway server ---- */

/* Runs @argv with stdout and stderr into @log; its exit status. */
static int run(const char *log, char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* Never outlives the test, however it ends. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void stop_server(void)
{
	int i, status;

	if (server <= 0)
		return;
	kill(server, SIGTERM);
	for (i = 0; i < 300; i++) {
		if (waitpid(server, &status, WNOHANG) == server)
			break;
		usleep(100000);
	}
	if (i == 300) {
		kill(server, SIGKILL);
		waitpid(server, &status, 0);
	}
	server = -1;
}

static void cleanup(void)
{
	char cmd[128];

	if (db)
		mysql_close(db);
	db = NULL;
	stop_server();
	mysql_library_end();
	/* The tmpfs go with the mount namespace, when the process ends. */
	if (dir[0] && !getenv("MYW_TEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "%s/logfs", dir);
		umount2(cmd, MNT_DETACH);
		snprintf(cmd, sizeof(cmd), "%s/binfs", dir);
		umount2(cmd, MNT_DETACH);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	dir[0] = 0;
}

static void skip(const char *why)
{
	printf("# SKIP %s\n", why);
	exit(TAP_SKIP);
}

static void die(const char *what)
{
	char cmd[128];

	fprintf(stderr, "setup: %s: %s\n", what, strerror(errno));
	snprintf(cmd, sizeof(cmd), "cat %s/*.log >&2", dir);
	if (system(cmd))
		fprintf(stderr, "no log\n");
	cleanup();
	exit(1);
}

static void make_dir(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755))
		die(path);
}

static void mount_tmpfs(const char *name, const char *source)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755) || mount(source, path, "tmpfs", 0, "mode=0755,size=256m"))
		die(path);
}

static MYSQL *connect_root(void)
{
	MYSQL *m = mysql_init(NULL);

	if (m && mysql_real_connect(m, "localhost", "root", NULL, NULL, 0, sock, 0))
		return m;
	if (m)
		mysql_close(m);
	return NULL;
}

static void exec_ok(const char *sql)
{
	if (mysql_query(db, sql)) {
		fprintf(stderr, "%s: %s\n", sql, mysql_error(db));
		die("sql");
	}
}

/* The first value of @sql's first row (a column @col), in @out. */
static const char *value(const char *sql, unsigned int col, char *out, size_t size)
{
	MYSQL_RES *r;
	MYSQL_ROW row;

	snprintf(out, size, "(error)");
	if (mysql_query(db, sql) || !(r = mysql_store_result(db))) {
		diag("%s: %s", sql, mysql_error(db));
		return out;
	}
	row = mysql_fetch_row(r);
	if (row && col < mysql_num_fields(r))
		snprintf(out, size, "%s", row[col] ? row[col] : "(null)");
	else
		snprintf(out, size, "(none)");
	mysql_free_result(r);
	return out;
}

static void setup(void)
{
	char data[128], logdir[128], undo[128], binlog[128], log[128];
	char a_data[160], a_log[160], a_undo[160], a_bin[160], a_sock[160], a_err[160];
	int i;

	if (geteuid())
		skip("needs root (a mount namespace, mariadbd --user=root)");
	if (access("/usr/sbin/mariadbd", X_OK) || access("/usr/bin/mariadb-install-db", X_OK))
		skip("no mariadbd (mariadb-server is not installed)");
	if (unshare(CLONE_NEWNS) || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
		skip("cannot make a mount namespace");
	snprintf(dir, sizeof(dir), "/tmp/myw-test.XXXXXX");
	if (!mkdtemp(dir)) {
		dir[0] = 0;
		die("mkdtemp");
	}
	if (chmod(dir, 0755))
		die(dir);
	mount_tmpfs("logfs", "myw-log");
	mount_tmpfs("binfs", "myw-bin");
	make_dir("logfs/log");
	make_dir("binfs/bin");
	make_dir("undo");
	make_dir("state");

	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(logdir, sizeof(logdir), "%s/logfs/log", dir);
	/* Relative: the server's working directory is the datadir. */
	snprintf(undo, sizeof(undo), "../undo");
	snprintf(binlog, sizeof(binlog), "%s/binfs/bin/mariadb-bin", dir);
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	snprintf(a_data, sizeof(a_data), "--datadir=%s", data);
	snprintf(a_log, sizeof(a_log), "--innodb-log-group-home-dir=%s", logdir);
	snprintf(a_undo, sizeof(a_undo), "--innodb-undo-directory=%s", undo);
	snprintf(a_bin, sizeof(a_bin), "--log-bin=%s", binlog);
	snprintf(a_sock, sizeof(a_sock), "--socket=%s", sock);
	snprintf(a_err, sizeof(a_err), "--log-error=%s/server.log", dir);
	snprintf(log, sizeof(log), "%s/install.log", dir);
	if (run(log, (char *const[]){ "mariadb-install-db", "--no-defaults", a_data,
		"--auth-root-authentication-method=normal", "--user=root",
		"--skip-test-db", a_log, NULL }))
		die("mariadb-install-db");

	server = fork();
	if (server < 0)
		die("fork");
	if (server == 0) {
		int fd;

		/* What it says before --log-error is open, in the test's logs too. */
		snprintf(log, sizeof(log), "%s/server-start.log", dir);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execlp("mariadbd", "mariadbd", "--no-defaults", a_data, a_sock,
		       "--skip-networking", "--user=root", a_log, a_undo, a_bin,
		       "--server-id=1", a_err, "--innodb-buffer-pool-size=32M",
		       "--innodb-log-file-size=16M", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 300 && !db; i++) {
		int status;

		if (waitpid(server, &status, WNOHANG) == server) {
			server = -1;
			errno = ECHILD;
			die("mariadbd exited");
		}
		usleep(100000);
		if (!access(sock, F_OK))
			db = connect_root();
	}
	if (!db)
		die("connect");
	snprintf(line, sizeof(line), "%s root", sock);
	exec_ok("CREATE DATABASE t");
	exec_ok("CREATE TABLE t.c (id INT PRIMARY KEY AUTO_INCREMENT, v INT) ENGINE=InnoDB");
	exec_ok("CREATE TABLE t.a (id INT PRIMARY KEY AUTO_INCREMENT, v INT) ENGINE=Aria");
	exec_ok("INSERT INTO t.c (v) VALUES (1), (2), (3)");
	exec_ok("INSERT INTO t.a (v) VALUES (1)");
}

/*
 * A commit from a connection of its own, waiting at most a second for a
 * lock: 0 if it went through, the server's error (1205: a lock wait
 * timeout, the backup's BLOCK_COMMIT) if not.
 */
static unsigned int write_probe(const char *table)
{
	MYSQL *m = connect_root();
	unsigned int err;
	char sql[128];

	if (!m)
		return 9999;
	snprintf(sql, sizeof(sql), "INSERT INTO %s (v) VALUES (100)", table);
	err = mysql_query(m, "SET SESSION lock_wait_timeout = 1") ||
	      mysql_query(m, sql) ? mysql_errno(m) : 0;
	mysql_close(m);
	return err;
}

/* An InnoDB table's. */
static unsigned int commit_probe(void)
{
	return write_probe("t.c");
}

/* ---- tests ---- */

static void init_writer(struct myw *p, struct mys *s, char *state)
{
	char msg[256];

	memset(p, 0, sizeof(*p));
	snprintf(state, PATH_MAX, "%s/state", dir);
	p->name = "vss-mysql-writer";
	p->state_dir = state;
	p->backup_timeout_ms = 600000;
	p->freeze_timeout_ms = 60000;
	p->sv = s;
	p->n = 1;
	if (mys_init(s, line, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		die("mys_init");
	}
}

static void test_config(void)
{
	char msg[256];
	struct mys s;

	ok_int(mys_init(&s, "/run/mysqld/mysqld.sock backup /etc/mysql/vss.cnf",
			msg, sizeof(msg)), 0, "config: socket, user and option file");
	ok(!strcmp(s.socket, "/run/mysqld/mysqld.sock") && !strcmp(s.user, "backup") &&
	   !strcmp(s.optfile, "/etc/mysql/vss.cnf"), "parsed as such");
	ok_int(mys_init(&s, "/run/mysqld/mysqld.sock", msg, sizeof(msg)), 0,
	       "config: a socket alone");
	ok(!s.user[0] && !s.optfile[0], "no user, no option file");
	ok_int(mys_init(&s, "/s - /etc/mysql/vss.cnf", msg, sizeof(msg)), 0,
	       "config: the option file's user (\"-\")");
	ok(!s.user[0] && !strcmp(s.optfile, "/etc/mysql/vss.cnf"), "parsed as such");
	ok_int(mys_init(&s, "/s root secret extra", msg, sizeof(msg)), -1,
	       "config: a fourth word (a password?) refused");
	ok_int(mys_init(&s, "mysqld.sock", msg, sizeof(msg)), -1,
	       "config: a relative socket refused");
	ok_int(mys_init(&s, "/s root vss.cnf", msg, sizeof(msg)), -1,
	       "config: a relative option file refused");
}

static void test_paths(struct myw *p)
{
	struct mys *s = &p->sv[0];
	char want[256];
	struct stat st;

	ok_int(myw_identify(p), 1, "identify: the server is known");
	ok(s->mariadb, "it is MariaDB (%s)", s->version);
	snprintf(want, sizeof(want), "%s/data", dir);
	ok_str(s->name, want, "the component is named by the datadir");
	if (!ok_int(s->npaths, 4, "four paths: datadir, undo, InnoDB log, binary log"))
		return;
	stat(dir, &st);
	ok_str(s->paths[0].what, "datadir", "[0] is the datadir");
	ok_str(s->paths[0].path, want, "[0] its path");
	ok(s->paths[0].dev == st.st_dev && strcmp(s->paths[0].mount, "?"),
	   "[0] on the test directory's filesystem, mounted on %s (%s)",
	   s->paths[0].mount, s->paths[0].source);
	snprintf(want, sizeof(want), "%s/undo", dir);
	ok_str(s->paths[1].what, "InnoDB undo directory", "[1] is the undo directory");
	ok_str(s->paths[1].path, want, "[1] ../undo resolved against the datadir");
	snprintf(want, sizeof(want), "%s/logfs/log", dir);
	ok_str(s->paths[2].what, "InnoDB log directory", "[2] is the InnoDB log directory");
	ok_str(s->paths[2].path, want, "[2] its path");
	ok_str(s->paths[2].source, "myw-log", "[2] its volume");
	ok_str(s->paths[2].fstype, "tmpfs", "[2] its filesystem type");
	snprintf(want, sizeof(want), "%s/logfs", dir);
	ok_str(s->paths[2].mount, want, "[2] its mount point");
	snprintf(want, sizeof(want), "%s/binfs/bin", dir);
	ok_str(s->paths[3].what, "binary log directory", "[3] is the binary log directory");
	ok_str(s->paths[3].path, want, "[3] log_bin_basename's directory");
	ok_str(s->paths[3].source, "myw-bin", "[3] its volume");
	snprintf(want, sizeof(want), "%s/binfs", dir);
	ok_str(s->paths[3].mount, want, "[3] its mount point");
}

static void test_metadata(struct myw *p)
{
	static const uint8_t id[16] = { 1 };
	const struct libvss_wmd_component *comp;
	const struct libvss_wmd_files *f;
	struct libvss_wmd *wmd = NULL;
	char *json = NULL, want[256];

	ok_int(myw_metadata(p, id, id, &json), 0, "metadata document written");
	if (!ok_int(libvss_wmd_parse(json, &wmd), 0, "and parses") ||
	    !ok_int(libvss_wmd_component_count(wmd), 1, "one component"))
		goto out;
	comp = libvss_wmd_component(wmd, 0);
	snprintf(want, sizeof(want), "%s/data", dir);
	ok_str(libvss_wmd_component_name(comp), want, "named by the datadir");
	ok_str(libvss_wmd_component_logical_path(comp), "MariaDB", "under MariaDB");
	ok_int(libvss_wmd_component_type(comp), LIBVSS_COMPONENT_DATABASE, "a database");
	ok_int(libvss_wmd_files_count(comp, LIBVSS_FILES_DATABASE), 2,
	       "database files: the datadir and the undo directory");
	f = libvss_wmd_files(comp, LIBVSS_FILES_DATABASE, 1);
	snprintf(want, sizeof(want), "%s/undo", dir);
	ok_str(f ? libvss_wmd_files_path(f) : "", want, "the undo directory");
	ok_int(libvss_wmd_files_count(comp, LIBVSS_FILES_LOG), 2,
	       "log files: the InnoDB log and binary log directories");
	f = libvss_wmd_files(comp, LIBVSS_FILES_LOG, 0);
	snprintf(want, sizeof(want), "%s/logfs/log", dir);
	ok_str(f ? libvss_wmd_files_path(f) : "", want, "the InnoDB log directory");
	f = libvss_wmd_files(comp, LIBVSS_FILES_LOG, 1);
	snprintf(want, sizeof(want), "%s/binfs/bin", dir);
	ok_str(f ? libvss_wmd_files_path(f) : "", want, "the binary log directory");
	snprintf(want, sizeof(want), "myw-log (%s/logfs), myw-bin (%s/binfs)", dir, dir);
	ok_contains(libvss_wmd_component_caption(comp), want, "the caption names the volumes");
	snprintf(want, sizeof(want), "MariaDB %.*s server on ",
		 (int)strcspn(p->sv[0].version, "-"), p->sv[0].version);
	ok_contains(libvss_wmd_component_caption(comp), want, "and the server: %s", want);
out:
	libvss_wmd_free(wmd);
	free(json);
}

static void test_coverage(struct myw *p)
{
	const struct mys *s = &p->sv[0];
	char logfs[128], binfs[128], want[PATH_MAX * 3], msg[1024];
	const char *all[3], *nobin[2], *logonly[1], *none[2] = { "/dev/shm", "/nonexistent" };
	bool retry = true;

	snprintf(logfs, sizeof(logfs), "%s/logfs", dir);
	snprintf(binfs, sizeof(binfs), "%s/binfs", dir);
	snprintf(datamnt, sizeof(datamnt), "%s", s->paths[0].mount);
	all[0] = datamnt; all[1] = logfs; all[2] = binfs;
	nobin[0] = datamnt; nobin[1] = logfs;
	logonly[0] = logfs;
	ok_int(mys_coverage(s, all, 3, msg, sizeof(msg)), MYS_SET_ALL,
	       "a set of the three mount points holds the server");
	if (!strncmp(s->paths[0].source, "/dev/", 5)) {
		const char *blk[3] = { s->paths[0].source, logfs, binfs };

		ok_int(mys_coverage(s, blk, 3, msg, sizeof(msg)), MYS_SET_ALL,
		       "so does one naming the datadir's block device %s", blk[0]);
	}
	ok_int(mys_coverage(s, none, 2, msg, sizeof(msg)), MYS_SET_NONE,
	       "a set of other volumes does not touch it");
	ok_int(mys_coverage(s, logonly, 1, msg, sizeof(msg)), MYS_SET_PARTIAL,
	       "a set of the InnoDB log volume alone is partial");
	snprintf(want, sizeof(want),
		 "server %s/data: its datadir %s/data is on %s (%s mounted on %s), which is not in the snapshot set",
		 dir, dir, s->paths[0].source, s->paths[0].fstype, s->paths[0].mount);
	ok_str(msg, want, "naming the datadir and its volume");

	/* The mistake users make: the data without its binary log. */
	ok_int(myw_prepare(p, 7, "set-nobin", nobin, 2, 10000, msg, sizeof(msg), &retry), -1,
	       "prepare: a set without the binary log's volume is vetoed");
	snprintf(want, sizeof(want),
		 "server %s/data: its binary log directory %s/binfs/bin is on myw-bin (tmpfs mounted on %s/binfs), which is not in the snapshot set",
		 dir, dir, dir);
	ok_str(msg, want, "with the exact message");
	ok(!retry, "non-retryable");
	ok(!p->session && !p->sv[0].bk, "and no backup stage was started");
	ok_int(myw_prepare(p, 8, "set-none", none, 2, 10000, msg, sizeof(msg), &retry), 0,
	       "prepare: a set of other volumes is accepted");
	ok(!p->session && !p->sv[0].bk, "without a backup stage");
}

/* A commit in a process of its own; its result (errno or 0) comes down @fd. */
static pid_t start_commit(int *fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		MYSQL *m = connect_root();
		unsigned int err = 9999;

		close(fds[0]);
		if (m)
			err = mysql_query(m, "SET SESSION lock_wait_timeout = 30") ||
			      mysql_query(m, "INSERT INTO t.c (v) VALUES (200)") ? mysql_errno(m) : 0;
		if (write(fds[1], &err, sizeof(err)) != sizeof(err))
			_exit(1);
		if (m)
			mysql_close(m);
		_exit(0);
	}
	close(fds[1]);
	*fd = fds[0];
	return pid;
}

/* The commit's result within @ms: 0 or its errno; -1 if still waiting. */
static long commit_result(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned int err;

	if (poll(&pfd, 1, ms) != 1 || read(fd, &err, sizeof(err)) != sizeof(err))
		return -1;
	return err;
}

static struct json_object *result_server(struct json_object *doc)
{
	struct json_object *arr;

	if (!doc || !json_object_object_get_ex(doc, "servers", &arr) ||
	    json_object_array_length(arr) != 1)
		return NULL;
	return json_object_array_get_idx(arr, 0);
}

static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static void test_backup(struct myw *p, const char **all)
{
	char msg[1024], want[512], file[256], pos[64], gtid[256], waiting[32], after[64];
	struct json_object *root = NULL, *s;
	int fd, status;
	bool retry;
	pid_t pid;

	exec_ok("INSERT INTO t.c (v) VALUES (4), (5)");
	ok_int(myw_prepare(p, 9, "11111111-2222-3333-4444-555555555555", all, 3, 10000,
			   msg, sizeof(msg), &retry), 0, "prepare: the whole server's set");
	ok_int(p->session, 9, "backup stage held for the session");
	ok_int(commit_probe(), 0, "a commit proceeds after START and FLUSH");
	ok_int(write_probe("t.a"), 0, "so does a write to an Aria table");
	ok_int(myw_freeze(p, 9, 10000, msg, sizeof(msg)), 0, "freeze: BLOCK_DDL, BLOCK_COMMIT");
	ok_int(p->sv[0].stage, MYS_STAGE_BLOCK_COMMIT, "at BLOCK_COMMIT");
	value("SHOW MASTER STATUS", 0, file, sizeof(file));
	value("SHOW MASTER STATUS", 1, pos, sizeof(pos));
	value("SELECT @@gtid_binlog_pos", 0, gtid, sizeof(gtid));
	ok_str(p->sv[0].binlog_file, file, "the binary log file read at Freeze: %s", file);
	snprintf(want, sizeof(want), "%llu", p->sv[0].binlog_pos);
	ok_str(want, pos, "its position: SHOW MASTER STATUS's during the block");
	ok_str(p->sv[0].gtid_binlog_pos, gtid, "the GTID position: %s", gtid);

	pid = start_commit(&fd);
	ok_int(commit_result(fd, 700), -1, "a second connection's commit waits during the set");
	value("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
	      "WHERE STATE = 'Waiting for backup lock'", 0, waiting, sizeof(waiting));
	ok_str(waiting, "1", "on the backup lock, as the processlist says");
	ok_int(write_probe("t.a"), ER_LOCK_WAIT_TIMEOUT_,
	       "a write to a non-transactional (Aria) table waits too");
	ok_int(myw_thaw(p, 9, msg, sizeof(msg)), 0, "thaw: BACKUP STAGE END");
	ok_int(commit_result(fd, 10000), 0, "the waiting commit proceeds after Thaw");
	close(fd);
	waitpid(pid, &status, 0);
	ok(!p->session && !p->sv[0].bk, "no backup stage after Thaw");
	ok_int(commit_probe(), 0, "commits proceed");
	value("SHOW MASTER STATUS", 1, after, sizeof(after));
	ok(atoll(after) > atoll(pos), "the binary log moved on after Thaw (%s > %s)", after, pos);

	snprintf(want, sizeof(want), "%s/state/11111111-2222-3333-4444-555555555555.json", dir);
	ok_str(p->result, want, "result document of the set");
	root = json_object_from_file(p->result);
	s = result_server(root);
	if (!ok(s != NULL, "it parses, one server"))
		goto out;
	snprintf(want, sizeof(want), "%s/data", dir);
	ok_str(field(s, "component"), want, "for the component");
	ok_str(field(s, "logical_path"), "MariaDB", "under MariaDB");
	ok_str(field(s, "binlog_file"), file, "binlog_file as SHOW MASTER STATUS at Freeze");
	ok_str(field(s, "binlog_position"), pos, "binlog_position as SHOW MASTER STATUS at Freeze");
	ok_str(field(s, "gtid_binlog_pos"), gtid, "gtid_binlog_pos as at Freeze");
	ok(atol(field(s, "commit_block_ms")) >= 700,
	   "commit_block_ms: %s, at least the commit's wait", field(s, "commit_block_ms"));
out:
	json_object_put(root);
}

static void test_ends(struct myw *p, const char **all)
{
	char msg[1024];
	bool retry;
	long wait;

	ok_int(myw_prepare(p, 10, "set-abort", all, 3, 10000, msg, sizeof(msg), &retry), 0,
	       "prepare of a set to abort");
	ok_int(myw_freeze(p, 10, 10000, msg, sizeof(msg)), 0, "and its freeze");
	ok_int(commit_probe(), ER_LOCK_WAIT_TIMEOUT_, "a commit waits for the lock");
	myw_end(p, 11, "abort");
	ok(p->session == 10 && p->sv[0].bk, "another session's Abort leaves it");
	myw_end(p, 10, "abort");
	ok(!p->session && !p->sv[0].bk, "Abort ends the backup stage");
	ok_int(commit_probe(), 0, "commits proceed after Abort");
	p->result[0] = 0;
	ok_int(myw_thaw(p, 10, msg, sizeof(msg)), 0, "a Thaw after Abort does nothing");
	ok_str(p->result, "", "and writes no result");

	ok_int(myw_prepare(p, 12, "set-unfrozen", all, 3, 10000, msg, sizeof(msg), &retry), 0,
	       "prepare of a set aborted before Freeze");
	myw_end(p, 12, "abort");
	ok_int(myw_prepare(p, 13, "set-again", all, 3, 10000, msg, sizeof(msg), &retry), 0,
	       "the next set prepares (START was ended)");
	myw_end(p, 13, "abort");

	/* 3 s: the freeze's own statements may take a while on a busy machine. */
	p->freeze_timeout_ms = 3000;
	ok_int(myw_prepare(p, 14, "set-deadline", all, 3, 10000, msg, sizeof(msg), &retry), 0,
	       "prepare of a set never thawed");
	ok_int(myw_freeze(p, 14, 10000, msg, sizeof(msg)), 0, "its freeze");
	wait = myw_tick(p);
	ok(wait > 0 && wait <= 3000, "the tick waits for the freeze deadline (%ld ms)", wait);
	usleep((wait > 0 ? wait : 0) * 1000 + 200000);
	ok_int(myw_tick(p), -1, "the deadline passed: nothing more to wait for");
	ok(!p->session && !p->sv[0].bk, "the deadline ended the backup stage");
	ok_int(commit_probe(), 0, "commits proceed after the deadline");
	p->freeze_timeout_ms = 60000;
}

static void test_killed(struct myw *p, const char **all)
{
	char msg[1024];
	int fds[2], status, i;
	unsigned int err = 1;
	bool retry;
	char b = 0;
	pid_t pid;

	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		/* The writer process, killed mid-set. */
		int r = myw_prepare(p, 15, "set-killed", all, 3, 10000, msg, sizeof(msg), &retry) ||
			myw_freeze(p, 15, 10000, msg, sizeof(msg));

		b = r ? 'x' : 'f';
		if (write(fds[1], &b, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	ok(read(fds[0], &b, 1) == 1 && b == 'f', "a writer process froze a set");
	close(fds[0]);
	ok_int(commit_probe(), ER_LOCK_WAIT_TIMEOUT_, "a commit waits for the lock");
	kill(pid, SIGKILL);
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status), "the writer is killed");
	/*
	 * The server sees the connection close at once; three probes (each
	 * waiting up to a second) leave room for a loaded machine, not for
	 * a connection that outlives the writer.
	 */
	for (i = 0; i < 3 && (err = commit_probe()); i++)
		usleep(100000);
	ok_int(err, 0, "the server dropped the dead writer's locks: commits proceed");
	ok_int(myw_prepare(p, 16, "set-after", all, 3, 10000, msg, sizeof(msg), &retry), 0,
	       "the next set prepares");
	ok_int(myw_freeze(p, 16, 10000, msg, sizeof(msg)), 0, "freezes");
	ok_int(myw_thaw(p, 16, msg, sizeof(msg)), 0, "and thaws");
}

int main(void)
{
	struct mys s;
	struct myw p;
	char state[PATH_MAX], logfs[128], binfs[128];
	const char *all[3];

	writerd_log_init("mysql-test");
	test_config();
	setup();
	atexit(cleanup);
	init_writer(&p, &s, state);
	test_paths(&p);
	test_metadata(&p);
	test_coverage(&p);
	snprintf(logfs, sizeof(logfs), "%s/logfs", dir);
	snprintf(binfs, sizeof(binfs), "%s/binfs", dir);
	all[0] = datamnt; all[1] = logfs; all[2] = binfs;
	test_backup(&p, all);
	test_ends(&p, all);
	test_killed(&p, all);
	mys_free(&s);
	return tap_done();
}
