// SPDX-License-Identifier: GPL-2.0
/*
 * The PostgreSQL writer without the module, against a throwaway cluster
 * the test starts itself (initdb and pg_ctl as the postgres user, its
 * socket in the test's directory, no TCP), in a mount namespace of its own
 * where pg_wal (initdb -X) and a tablespace are on two tmpfs of their own:
 *
 * - the paths and volumes reported (data directory, the out-of-tree pg_wal,
 *   the tablespace) and the metadata document that carries them;
 * - a set missing the WAL volume (or the data directory's) vetoed,
 *   non-retryable, with the exact message; a set of none untouched;
 * - the backup mode seen from the server while a set is prepared, ended
 *   after Thaw, after Abort, at the writer's deadline, and after the
 *   writer is killed (SIGKILL) mid-set; the next backup then succeeds;
 * - the result document: backup_label naming the start LSN and the set,
 *   tablespace_map naming the tablespace, the stop LSN after the start;
 * - --restore-files: backup_label and tablespace_map written as the data
 *   directory's owner, never over a file, through a symbolic link or into
 *   a running cluster's directory.
 *
 * How the backup mode is seen from outside the writer's session:
 * PostgreSQL 15 has no view of non-exclusive backups, but a backup forces
 * full-page writes, and the test cluster runs with full_page_writes=off. So
 * after a CHECKPOINT, the first update of a page writes a page image into
 * the WAL exactly while some session is in backup mode, and none
 * otherwise; pg_walinspect counts them.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include <libvss.h>
#include <libvss-doc.h>

#include "pgw.h"
#include "restore.h"
#include "tap.h"
#include "../../common/writerd.h"


static char dir[64], bindir[PATH_MAX], conninfo[256];
static char datamnt[PATH_MAX];	/* the data directory's mount point */
static struct passwd *pg;
static PGconn *db;
static bool started;

/* ---- the throwaway cluster ---- */

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
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int pg_ctl(const char *action)
{
	char prog[PATH_MAX + 8], data[128], log[128], ctl_log[128], opts[256];

	snprintf(prog, sizeof(prog), "%s/pg_ctl", bindir);
	snprintf(data, sizeof(data), "%s/data", dir);
	/* The server's log is the postgres user's; pg_ctl's own, ours. */
	snprintf(log, sizeof(log), "%s/server.log", dir);
	snprintf(ctl_log, sizeof(ctl_log), "%s/pg_ctl.log", dir);
	snprintf(opts, sizeof(opts),
		 "-k %s -p 5432 -c listen_addresses= -c full_page_writes=off", dir);
	return run(ctl_log, (char *const[]){ "runuser", "-u", "postgres", "--", prog,
		   "-D", data, "-l", log, "-w", "-m", "immediate", "-o", opts,
		   (char *)action, NULL });
}

static void cleanup(void)
{
	char cmd[128];

	PQfinish(db);
	db = NULL;
	if (started)
		pg_ctl("stop");
	started = false;
	/* The tmpfs go with the mount namespace, when the process ends. */
	if (dir[0] && !getenv("PGW_TEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "%s/walfs", dir);
		umount2(cmd, MNT_DETACH);
		snprintf(cmd, sizeof(cmd), "%s/tsfs", dir);
		umount2(cmd, MNT_DETACH);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
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

static void pg_dir(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0700) || chown(path, pg->pw_uid, pg->pw_gid))
		die(path);
}

static void mount_tmpfs(const char *name, const char *source)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755) ||
	    mount(source, path, "tmpfs", 0, "mode=0755,size=64m") ||
	    chown(path, pg->pw_uid, pg->pw_gid))
		die(path);
}

static void exec_ok(const char *sql)
{
	PGresult *r = PQexec(db, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(db));
		PQclear(r);
		die("sql");
	}
	PQclear(r);
}

/* The first value of @sql with one parameter (or none), in @out. */
static const char *value(const char *sql, const char *param, char *out, size_t size)
{
	const char *params[1] = { param };
	PGresult *r = PQexecParams(db, sql, param ? 1 : 0, NULL, params,
				   NULL, NULL, 0);

	snprintf(out, size, "(error)");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
	else
		diag("%s: %s", sql, PQerrorMessage(db));
	PQclear(r);
	return out;
}

static void setup(void)
{
	char data[128], wal[128], log[128], prog[PATH_MAX + 8], sql[256];
	glob_t g;

	if (geteuid())
		skip("needs root (a mount namespace, runuser)");
	pg = getpwnam("postgres");
	if (!pg)
		skip("no postgres user (postgresql-15 is not installed)");
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) || !g.gl_pathc)
		skip("no initdb (postgresql-15 is not installed)");
	snprintf(bindir, sizeof(bindir), "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	*strrchr(bindir, '/') = 0;

	if (unshare(CLONE_NEWNS) || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
		skip("cannot make a mount namespace");
	snprintf(dir, sizeof(dir), "/tmp/pgw-test.XXXXXX");
	if (!mkdtemp(dir)) {
		dir[0] = 0;
		die("mkdtemp");
	}
	if (chmod(dir, 0755) || chown(dir, pg->pw_uid, pg->pw_gid))
		die(dir);
	mount_tmpfs("walfs", "pgw-wal");
	mount_tmpfs("tsfs", "pgw-ts");
	pg_dir("tsfs/ts");
	pg_dir("state");

	snprintf(prog, sizeof(prog), "%s/initdb", bindir);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(wal, sizeof(wal), "%s/walfs/wal", dir);
	snprintf(log, sizeof(log), "%s/initdb.log", dir);
	if (run(log, (char *const[]){ "runuser", "-u", "postgres", "--", prog,
		"-D", data, "-X", wal, "-A", "trust", "-U", "postgres", "-N", NULL }))
		die("initdb");
	if (pg_ctl("start"))
		die("pg_ctl start");
	started = true;
	snprintf(conninfo, sizeof(conninfo),
		 "host=%s port=5432 user=postgres dbname=postgres", dir);
	db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		die("connect");
	snprintf(sql, sizeof(sql), "CREATE TABLESPACE ts LOCATION '%s/tsfs/ts'", dir);
	exec_ok(sql);
	exec_ok("CREATE TABLE t (id int) TABLESPACE ts");
	exec_ok("CREATE EXTENSION pg_walinspect");
	exec_ok("CREATE TABLE probe (id int PRIMARY KEY, v int)");
	exec_ok("INSERT INTO probe VALUES (1, 0)");
}

/*
 * Page images written by one update right after a checkpoint (read back
 * with pg_walinspect): one or more exactly while a backup forces
 * full-page writes.
 */
static long page_images(void)
{
	char lsn[64], n[64];

	exec_ok("CHECKPOINT");
	value("SELECT pg_current_wal_insert_lsn()", NULL, lsn, sizeof(lsn));
	exec_ok("UPDATE probe SET v = v + 1 WHERE id = 1");
	value("SELECT count(*) FILTER (WHERE fpi_length > 0) FROM "
	      "pg_get_wal_records_info($1::pg_lsn, pg_current_wal_flush_lsn())",
	      lsn, n, sizeof(n));
	return strcmp(n, "(error)") ? atol(n) : -1;
}

static bool in_backup(void)
{
	long n = page_images();

	diag("one update after a checkpoint: %ld page images", n);
	return n > 0;
}

/* The writer's sessions in the server, once their backends are gone. */
static long writer_sessions(void)
{
	char n[32];
	int i;

	for (i = 0; i < 50; i++) {
		value("SELECT count(*) FROM pg_stat_activity "
		      "WHERE application_name = 'vss-pgsql-writer'", NULL, n, sizeof(n));
		if (!strcmp(n, "0"))
			break;
		usleep(100000);
	}
	return atol(n);
}

/* ---- tests ---- */

static void init_writer(struct pgw *p, struct pgc *c, char *state)
{
	memset(p, 0, sizeof(*p));
	snprintf(state, PATH_MAX, "%s/state", dir);
	p->name = "vss-pgsql-writer";
	p->state_dir = state;
	p->backup_timeout_ms = 600000;
	p->cl = c;
	p->n = 1;
	if (pgc_init(c, conninfo))
		die("pgc_init");
}

static void test_paths(struct pgw *p)
{
	struct pgc *c = &p->cl[0];
	char want[256], msg[1024];
	struct stat st;

	ok_int(pgw_identify(p), 1, "identify: the cluster is known");
	snprintf(want, sizeof(want), "%s/data", dir);
	ok_str(c->name, want, "the component is named by the data directory");
	if (!ok_int(c->npaths, 3, "three paths: data, pg_wal, tablespace"))
		return;
	stat(dir, &st);
	ok_str(c->paths[0].what, "data directory", "[0] is the data directory");
	ok_str(c->paths[0].path, want, "[0] its path");
	ok(c->paths[0].dev == st.st_dev && strcmp(c->paths[0].mount, "?"),
	   "[0] on the test directory's filesystem, mounted on %s (%s)",
	   c->paths[0].mount, c->paths[0].source);
	snprintf(want, sizeof(want), "%s/walfs/wal", dir);
	ok_str(c->paths[1].what, "pg_wal", "[1] is pg_wal (a symbolic link elsewhere)");
	ok_str(c->paths[1].path, want, "[1] its target");
	ok_str(c->paths[1].source, "pgw-wal", "[1] its volume");
	ok_str(c->paths[1].fstype, "tmpfs", "[1] its filesystem type");
	snprintf(want, sizeof(want), "%s/walfs", dir);
	ok_str(c->paths[1].mount, want, "[1] its mount point");
	snprintf(want, sizeof(want), "%s/tsfs/ts", dir);
	ok_str(c->paths[2].what, "tablespace ts", "[2] is the tablespace ts");
	ok_str(c->paths[2].path, want, "[2] its location");
	ok_str(c->paths[2].source, "pgw-ts", "[2] its volume");
	snprintf(want, sizeof(want), "%s/tsfs", dir);
	ok_str(c->paths[2].mount, want, "[2] its mount point");
	(void)msg;
}

static void test_metadata(struct pgw *p)
{
	static const uint8_t id[16] = { 1 };
	const struct libvss_wmd_component *comp;
	const struct libvss_wmd_files *f;
	struct libvss_wmd *wmd = NULL;
	char *json = NULL, want[256];

	ok_int(pgw_metadata(p, id, id, &json), 0, "metadata document written");
	if (!ok_int(libvss_wmd_parse(json, &wmd), 0, "and parses") ||
	    !ok_int(libvss_wmd_component_count(wmd), 1, "one component"))
		goto out;
	comp = libvss_wmd_component(wmd, 0);
	snprintf(want, sizeof(want), "%s/data", dir);
	ok_str(libvss_wmd_component_name(comp), want, "named by the data directory");
	ok_str(libvss_wmd_component_logical_path(comp), "PostgreSQL", "under PostgreSQL");
	ok_int(libvss_wmd_component_type(comp), LIBVSS_COMPONENT_DATABASE, "a database");
	ok_int(libvss_wmd_files_count(comp, LIBVSS_FILES_DATABASE), 2,
	       "database files: the data directory and the tablespace");
	f = libvss_wmd_files(comp, LIBVSS_FILES_DATABASE, 1);
	snprintf(want, sizeof(want), "%s/tsfs/ts", dir);
	ok_str(f ? libvss_wmd_files_path(f) : "", want, "the tablespace's location");
	ok_int(libvss_wmd_files_count(comp, LIBVSS_FILES_LOG), 1, "log files: pg_wal");
	f = libvss_wmd_files(comp, LIBVSS_FILES_LOG, 0);
	snprintf(want, sizeof(want), "%s/walfs/wal", dir);
	ok_str(f ? libvss_wmd_files_path(f) : "", want, "pg_wal's target");
	snprintf(want, sizeof(want), "pgw-wal (%s/walfs), pgw-ts (%s/tsfs)", dir, dir);
	ok_contains(libvss_wmd_component_caption(comp), want, "the caption names the volumes");
out:
	libvss_wmd_free(wmd);
	free(json);
}

static void test_coverage(struct pgw *p)
{
	const struct pgc *c = &p->cl[0];
	char walfs[128], tsfs[128], want[PATH_MAX * 3], msg[1024];
	const char *all[3], *nowal[2], *walonly[1], *none[2] = { "/dev/shm", "/nonexistent" };
	bool retry = true;

	snprintf(walfs, sizeof(walfs), "%s/walfs", dir);
	snprintf(tsfs, sizeof(tsfs), "%s/tsfs", dir);
	snprintf(datamnt, sizeof(datamnt), "%s", c->paths[0].mount);
	all[0] = datamnt; all[1] = walfs; all[2] = tsfs;
	nowal[0] = datamnt; nowal[1] = tsfs;
	walonly[0] = walfs;
	ok_int(pgc_coverage(c, all, 3, msg, sizeof(msg)), PGC_SET_ALL,
	       "a set of the three mount points holds the cluster");
	if (!strncmp(c->paths[0].source, "/dev/", 5)) {
		const char *blk[3] = { c->paths[0].source, walfs, tsfs };

		ok_int(pgc_coverage(c, blk, 3, msg, sizeof(msg)), PGC_SET_ALL,
		       "so does one naming the data's block device %s", blk[0]);
	}
	ok_int(pgc_coverage(c, none, 2, msg, sizeof(msg)), PGC_SET_NONE,
	       "a set of other volumes does not touch it");
	ok_int(pgc_coverage(c, walonly, 1, msg, sizeof(msg)), PGC_SET_PARTIAL,
	       "a set of the WAL volume alone is partial");
	snprintf(want, sizeof(want),
		 "cluster %s/data: its data directory %s/data is on %s (%s mounted on %s), which is not in the snapshot set",
		 dir, dir, c->paths[0].source, c->paths[0].fstype, c->paths[0].mount);
	ok_str(msg, want, "naming the data directory and its volume");

	/* The mistake users make: the data without its WAL. */
	ok_int(pgw_prepare(p, 7, "set-nowal", nowal, 2, 10000, msg, sizeof(msg), &retry), -1,
	       "prepare: a set without the WAL volume is vetoed");
	snprintf(want, sizeof(want),
		 "cluster %s/data: its pg_wal %s/walfs/wal is on pgw-wal (tmpfs mounted on %s/walfs), which is not in the snapshot set",
		 dir, dir, dir);
	ok_str(msg, want, "with the exact message");
	ok(!retry, "non-retryable");
	ok(!p->session && !in_backup(), "and no backup was started");
	ok_int(pgw_prepare(p, 8, "set-none", none, 2, 10000, msg, sizeof(msg), &retry), 0,
	       "prepare: a set of other volumes is accepted");
	ok(!p->session && !in_backup(), "without a backup");
}

static struct json_object *result_cluster(struct json_object *doc)
{
	struct json_object *arr;

	if (!doc || !json_object_object_get_ex(doc, "clusters", &arr) ||
	    json_object_array_length(arr) != 1)
		return NULL;
	return json_object_array_get_idx(arr, 0);
}

static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static void test_backup(struct pgw *p, const char **all, char *doc, size_t docsz)
{
	struct json_object *root, *c;
	char msg[1024], want[512], got[256], oid[32];
	bool retry;

	ok(!in_backup(), "before the set: no page image (full_page_writes=off)");
	ok_int(pgw_prepare(p, 9, "11111111-2222-3333-4444-555555555555", all, 3, 10000,
			   msg, sizeof(msg), &retry), 0, "prepare: the whole cluster's set");
	ok_int(p->session, 9, "backup mode held for the session");
	ok(in_backup(), "the server is in backup mode during the set");
	ok_int(writer_sessions(), 1, "in the writer's one session");
	ok_int(pgw_freeze(p, 9, msg, sizeof(msg)), 0, "freeze: the session answers");
	ok_int(pgw_thaw(p, 9, msg, sizeof(msg)), 0, "thaw: pg_backup_stop()");
	ok(!p->session && !in_backup(), "the backup is over after Thaw");
	ok_int(writer_sessions(), 0, "and its session closed");

	snprintf(want, sizeof(want), "%s/state/11111111-2222-3333-4444-555555555555.json", dir);
	ok_str(p->result, want, "result document of the set");
	snprintf(doc, docsz, "%s", p->result);
	root = json_object_from_file(p->result);
	c = result_cluster(root);
	if (!ok(c != NULL, "it parses, one cluster"))
		goto out;
	snprintf(want, sizeof(want), "%s/data", dir);
	ok_str(field(c, "component"), want, "for the component");
	snprintf(want, sizeof(want), "START WAL LOCATION: %s (file %s)\n",
		 field(c, "start_lsn"), field(c, "start_wal_file"));
	ok(field(c, "start_lsn")[0] && strlen(field(c, "start_wal_file")) == 24,
	   "start LSN %s, file %s", field(c, "start_lsn"), field(c, "start_wal_file"));
	ok_contains(field(c, "backup_label"), want, "backup_label starts at the start LSN");
	ok_contains(field(c, "backup_label"),
		    "\nLABEL: vss 11111111-2222-3333-4444-555555555555\n",
		    "backup_label names the set");
	ok_contains(field(c, "backup_label"), "\nBACKUP METHOD: streamed\n",
		    "a non-exclusive backup's label");
	snprintf(want, sizeof(want), "SELECT $1::pg_lsn < '%s'::pg_lsn", field(c, "stop_lsn"));
	ok_str(value(want, field(c, "start_lsn"), got, sizeof(got)), "t",
	       "stop LSN %s after the start", field(c, "stop_lsn"));
	ok_str(value("SELECT pg_walfile_name($1::pg_lsn)", field(c, "stop_lsn"), got, sizeof(got)),
	       field(c, "stop_wal_file"), "stop WAL file");
	value("SELECT oid FROM pg_tablespace WHERE spcname = 'ts'", NULL, oid, sizeof(oid));
	snprintf(want, sizeof(want), "%s %s/tsfs/ts\n", oid, dir);
	ok_str(field(c, "tablespace_map"), want, "tablespace_map maps the tablespace");
out:
	json_object_put(root);
}

static void test_ends(struct pgw *p, const char **all)
{
	char msg[1024];
	bool retry;
	long wait;

	ok_int(pgw_prepare(p, 10, "set-abort", all, 3, 10000, msg, sizeof(msg), &retry), 0,
	       "prepare of a set to abort");
	ok(in_backup(), "in backup mode");
	pgw_end(p, 11, "abort");
	ok(p->session == 10 && in_backup(), "another session's Abort leaves it");
	pgw_end(p, 10, "abort");
	ok(!p->session && !in_backup(), "Abort ends the backup");
	ok_int(writer_sessions(), 0, "and closes its session");
	ok_int(pgw_thaw(p, 10, msg, sizeof(msg)), 0, "a Thaw after Abort does nothing");

	/*
	 * The deadline counts from the prepare's start, and a CHECKPOINT on a
	 * machine busy with VMs took longer than the 300 ms this once had.
	 */
	p->backup_timeout_ms = 3000;
	ok_int(pgw_prepare(p, 12, "set-deadline", all, 3, 10000, msg, sizeof(msg), &retry), 0,
	       "prepare of a set never thawed");
	wait = pgw_tick(p);
	ok(wait > 0 && wait <= 3000, "the tick waits for the deadline (%ld ms)", wait);
	ok(in_backup(), "in backup mode before the deadline");
	usleep((wait > 0 ? wait : 0) * 1000 + 200000);
	ok_int(pgw_tick(p), -1, "the deadline passed: nothing more to wait for");
	ok(!p->session && !in_backup(), "the deadline ended the backup");
	p->backup_timeout_ms = 600000;
}

static void test_killed(struct pgw *p, const char **all)
{
	char msg[1024], log[128], cmd[256];
	int fds[2], status;
	bool retry;
	char b = 0;
	pid_t pid;
	int i;

	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		/* The writer process, killed mid-set. */
		int r = pgw_prepare(p, 13, "set-killed", all, 3, 10000, msg, sizeof(msg), &retry);

		b = r ? 'x' : 'p';
		if (write(fds[1], &b, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	ok(read(fds[0], &b, 1) == 1 && b == 'p', "a writer process prepared a set");
	close(fds[0]);
	ok(in_backup(), "in backup mode");
	kill(pid, SIGKILL);
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status), "the writer is killed");
	for (i = 0; i < 20 && in_backup(); i++)
		usleep(100000);
	ok(!in_backup(), "the server ended the backup");
	ok_int(writer_sessions(), 0, "and the dead writer's session");
	snprintf(log, sizeof(log), "%s/server.log", dir);
	snprintf(cmd, sizeof(cmd),
		 "grep -q 'aborting backup due to backend exiting before pg_backup_stop was called' %s",
		 log);
	ok_int(system(cmd), 0, "as its log says");
	ok_int(pgw_prepare(p, 14, "set-after", all, 3, 10000, msg, sizeof(msg), &retry), 0,
	       "the next set prepares");
	ok_int(pgw_thaw(p, 14, msg, sizeof(msg)), 0, "and thaws");
}

/* restore_files() into @rdir with the one mapping "OLD=NEW" that @fmt
 * makes; its result, the message in @msg. */
static int restore_mapped(const char *doc, const char *rdir, char *msg, size_t size,
			  const char *fmt, const char *a, const char *b)
{
	char arg[600], note[1024];
	struct ts_mapping m;

	snprintf(arg, sizeof(arg), fmt, a, b);
	if (ts_mapping_parse(arg, &m, msg, size))
		die(msg);
	return restore_files(doc, rdir, NULL, &m, 1, msg, size, note, sizeof(note));
}

/* --tablespace-mapping at restore: the map written with the new place. */
static void test_restore_mapped(const char *doc, const char *rdir, const char *map)
{
	char path[256], oldts[256], msg[1024], buf[4096], want[600];
	const char *sp = strchr(map, ' ');
	ssize_t n;
	int fd;

	if (!sp || !strchr(sp, '\n')) {
		ok(0, "restore mapped: the backup has a tablespace (map: %s)", map);
		return;
	}
	snprintf(oldts, sizeof(oldts), "%.*s", (int)(strchr(sp, '\n') - sp - 1), sp + 1);
	snprintf(path, sizeof(path), "%s/backup_label", rdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tablespace_map", rdir);
	unlink(path);

	ok_int(restore_mapped(doc, rdir, msg, sizeof(msg), "%s=%s/no-such-ts", oldts, dir), -1,
	       "restore mapped: refused to a NEWDIR that does not exist");
	ok_contains(msg, "No such file or directory", "saying so: %s", msg);
	ok(access(path, F_OK) && errno == ENOENT, "and nothing written");

	ok_int(restore_mapped(doc, rdir, msg, sizeof(msg), "%s/typo=%s", oldts, dir), -1,
	       "refused for an OLDDIR that is no tablespace of the backup");
	ok_contains(msg, "the backup has no tablespace at", "saying so: %s", msg);

	ok_int(restore_mapped(doc, rdir, msg, sizeof(msg), "%s=%s", oldts, dir), 0,
	       "written with the tablespace mapped to an existing directory");
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
	snprintf(want, sizeof(want), "%.*s %s\n", (int)(sp - map), map, dir);
	ok_str(buf, want, "tablespace_map names the new place");
}

static void test_restore(const char *doc)
{
	char rdir[128], path[256], link[128], note[1024], msg[1024], buf[4096];
	struct json_object *root = json_object_from_file(doc);
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(rdir, sizeof(rdir), "%s/restore", dir);
	pg_dir("restore");
	ok_int(restore_files(doc, rdir, NULL, NULL, 0, msg, sizeof(msg), note, sizeof(note)), -1,
	       "restore: refused without PG_VERSION");
	ok_contains(msg, "not a PostgreSQL data directory", "saying so: %s", msg);
	snprintf(path, sizeof(path), "%s/PG_VERSION", rdir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	if (fd < 0 || write(fd, "15\n", 3) != 3 || close(fd))
		die(path);
	snprintf(path, sizeof(path), "%s/postmaster.pid", rdir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	ok_int(restore_files(doc, rdir, NULL, NULL, 0, msg, sizeof(msg), note, sizeof(note)), -1,
	       "refused with a postmaster.pid");
	unlink(path);
	snprintf(link, sizeof(link), "%s/restore-link", dir);
	if (symlink(rdir, link))
		die(link);
	ok_int(restore_files(doc, link, NULL, NULL, 0, msg, sizeof(msg), note, sizeof(note)), -1,
	       "refused through a symbolic link");
	ok_contains(msg, "symbolic link is not followed", "saying so");
	ok_int(restore_files(doc, rdir, "/no/such", NULL, 0, msg, sizeof(msg), note, sizeof(note)), -1,
	       "refused for a component not in the document");

	ok_int(restore_files(doc, rdir, NULL, NULL, 0, msg, sizeof(msg), note, sizeof(note)), 0,
	       "backup_label and tablespace_map written");
	ok_contains(note, "recovery needs the WAL through", "noting the WAL the restore needs");
	snprintf(path, sizeof(path), "%s/backup_label", rdir);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
	ok_str(buf, field(result_cluster(root), "backup_label"), "backup_label as returned");
	ok(!stat(path, &st) && st.st_uid == pg->pw_uid && (st.st_mode & 0777) == 0600,
	   "owned by the data directory's owner, 0600");
	snprintf(path, sizeof(path), "%s/tablespace_map", rdir);
	ok(!stat(path, &st) && st.st_size == (off_t)strlen(field(result_cluster(root), "tablespace_map")),
	   "tablespace_map as returned");
	ok_int(restore_files(doc, rdir, NULL, NULL, 0, msg, sizeof(msg), note, sizeof(note)), -1,
	       "never over an existing backup_label");
	ok_contains(msg, "backup_label: File exists", "saying so");
	test_restore_mapped(doc, rdir, field(result_cluster(root), "tablespace_map"));
	json_object_put(root);
}

/* --tablespace-mapping's parsing and the map's rewrite: no server needed. */
static void test_ts_mapping(void)
{
	struct ts_mapping m[2];
	char a[] = "/srv/old=/srv/new", b[] = "/srv/a\\=b=/srv/c", c[] = "/srv/old",
	     d[] = "srv/old=/srv/new", msg[512], *out = NULL;

	ok_int(ts_mapping_parse(a, &m[0], msg, sizeof(msg)), 0, "mapping: OLDDIR=NEWDIR parsed");
	ok_str(m[0].from, "/srv/old", "its OLDDIR");
	ok_str(m[0].to, "/srv/new", "its NEWDIR");
	ok_int(ts_mapping_parse(b, &m[1], msg, sizeof(msg)), 0, "a \\= is a '=' of a directory");
	ok_str(m[1].from, "/srv/a=b", "its OLDDIR has the '='");
	ok_str(m[1].to, "/srv/c", "and the first other '=' splits");
	ok_int(ts_mapping_parse(c, &m[1], msg, sizeof(msg)), -1, "refused without '='");
	ok_contains(msg, "not OLDDIR=NEWDIR", "saying so: %s", msg);
	ok_int(ts_mapping_parse(d, &m[1], msg, sizeof(msg)), -1, "refused with a relative OLDDIR");
	ok_contains(msg, "must be absolute", "saying so: %s", msg);

	ok_int(ts_map_remap("16384 /srv/old/\n16385 /srv/keep\n", m, 1, &out, msg, sizeof(msg)), 0,
	       "remap: a map with the mapped tablespace (written with a trailing slash)");
	ok_str(out ? out : "", "16384 /srv/new\n16385 /srv/keep\n",
	       "its path replaced, the other line as it was");
	free(out);
	m[0].to = "/srv/new\nline\\x";
	ok_int(ts_map_remap("16384 /srv/old\n", m, 1, &out, msg, sizeof(msg)), 0,
	       "a NEWDIR with a newline and a backslash");
	ok_str(out ? out : "", "16384 /srv/new\\\nline\\\\x\n",
	       "escaped as PostgreSQL writes tablespace_map");
	free(out);
	m[0].from = "/srv/a\nb";
	m[0].to = "/srv/new";
	ok_int(ts_map_remap("16384 /srv/a\\\nb\n", m, 1, &out, msg, sizeof(msg)), 0,
	       "an escaped newline in the map's path is part of it");
	ok_str(out ? out : "", "16384 /srv/new\n", "and matches OLDDIR");
	free(out);
	m[0].from = "/srv/typo";
	ok_int(ts_map_remap("16384 /srv/old\n16385 /srv/keep\n", m, 1, &out, msg, sizeof(msg)), -1,
	       "a mapping that matches no tablespace is refused");
	ok_contains(msg, "no tablespace at /srv/typo (its tablespaces: /srv/old, /srv/keep)",
		    "naming the backup's tablespaces: %s", msg);
	ok(!out, "and gives no map");
	ok_int(ts_map_remap("16384\n", m, 1, &out, msg, sizeof(msg)), -1,
	       "a line without a path is refused");
}

int main(void)
{
	struct pgc c;
	struct pgw p;
	char state[PATH_MAX], walfs[128], tsfs[128], doc[sizeof(p.result)] = "";
	const char *all[3];

	writerd_log_init("pgsql-test");
	setup();
	atexit(cleanup);
	test_ts_mapping();
	init_writer(&p, &c, state);
	test_paths(&p);
	test_metadata(&p);
	test_coverage(&p);
	snprintf(walfs, sizeof(walfs), "%s/walfs", dir);
	snprintf(tsfs, sizeof(tsfs), "%s/tsfs", dir);
	all[0] = datamnt; all[1] = walfs; all[2] = tsfs;
	test_backup(&p, all, doc, sizeof(doc));
	test_ends(&p, all);
	test_killed(&p, all);
	if (doc[0])
		test_restore(doc);
	pgc_free(&c);
	return tap_done();
}
