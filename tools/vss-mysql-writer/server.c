// SPDX-License-Identifier: GPL-2.0
/*
 * A MariaDB server through libmariadb: its paths and volumes, and its
 * backup locks (server.h).
 *
 * The locks are metadata locks of the writer's connection (MDL_BACKUP_*),
 * so the server drops them when that connection closes for any reason: a
 * writer that dies, or is killed, leaves nothing behind for the next
 * backup, nor a server whose commits wait forever.
 *
 * The password is never on a command line nor in the writer's own
 * configuration: it is in the option file a server's line names (read
 * with MYSQL_READ_DEFAULT_FILE, groups [client] and [vss-mysql-writer]),
 * or there is none (Debian's root@localhost authenticates by unix_socket,
 * and the writer runs as root).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../common/mountof.h"
#include "server.h"
#include "../common/writerd.h"

/* ---- helpers ---- */

static MYSQL *connect_to(const struct mys *s, char *msg, size_t size)
{
	unsigned int timeout = 10;
	MYSQL *m = mysql_init(NULL);

	if (!m) {
		snprintf(msg, size, "server %s: out of memory", s->socket);
		return NULL;
	}
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if (s->optfile[0]) {
		mysql_options(m, MYSQL_READ_DEFAULT_FILE, s->optfile);
		mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "vss-mysql-writer");
	}
	if (mysql_real_connect(m, "localhost", s->user[0] ? s->user : NULL, NULL,
			       NULL, 0, s->socket, 0))
		return m;
	snprintf(msg, size, "server %s: cannot connect: %s", s->socket, mysql_error(m));
	mysql_close(m);
	return NULL;
}

static int run(MYSQL *m, const struct mys *s, const char *sql, char *msg, size_t size)
{
	if (!mysql_query(m, sql))
		return 0;
	snprintf(msg, size, "server %s: %s: %s (%u)", s->socket, sql, mysql_error(m),
		 mysql_errno(m));
	return -1;
}

/* The rows of @sql; NULL with @msg set. */
static MYSQL_RES *rows(MYSQL *m, const struct mys *s, const char *sql,
		       char *msg, size_t size)
{
	MYSQL_RES *r;

	if (run(m, s, sql, msg, size))
		return NULL;
	r = mysql_store_result(m);
	if (!r)
		snprintf(msg, size, "server %s: %s: no result: %s", s->socket, sql,
			 mysql_error(m));
	return r;
}

/*
 * Appends @path as @what, relative to @datadir unless absolute, once:
 * a directory already listed (the defaults all are the datadir) is not
 * listed twice. -1 with @msg if it cannot be resolved.
 */
static int add_path(struct mys_path **paths, unsigned int *n, const char *what,
		    bool log, const char *datadir, const char *path, char *msg, size_t size)
{
	char joined[PATH_MAX * 2 + 2], real[PATH_MAX];
	struct mys_path *p, *grown;
	struct stat st;
	unsigned int i;
	int len;

	if (path[0] == '/' || !datadir)
		len = snprintf(joined, sizeof(joined), "%s", path);
	else
		len = snprintf(joined, sizeof(joined), "%s/%s", datadir, path);
	if (len < 0 || (size_t)len >= sizeof(joined)) {
		snprintf(msg, size, "%s: name too long", what);
		return -1;
	}
	if (!realpath(joined, real) || stat(real, &st)) {
		snprintf(msg, size, "%s %s: %s", what, joined, strerror(errno));
		return -1;
	}
	for (i = 0; i < *n; i++)
		if (!strcmp((*paths)[i].path, real))
			return 0;
	grown = realloc(*paths, (*n + 1) * sizeof(**paths));
	if (!grown) {
		snprintf(msg, size, "out of memory");
		return -1;
	}
	*paths = grown;
	p = &grown[(*n)++];
	memset(p, 0, sizeof(*p));
	snprintf(p->what, sizeof(p->what), "%s", what);
	snprintf(p->path, sizeof(p->path), "%s", real);
	p->log = log;
	p->dev = st.st_dev;
	writer_mount_of(p->path, p->dev, p->source, sizeof(p->source),
			p->fstype, sizeof(p->fstype), p->mount, sizeof(p->mount));
	return 0;
}

/* ---- paths and volumes ---- */

int mys_init(struct mys *s, const char *line, char *msg, size_t size)
{
	char sock[PATH_MAX], user[PATH_MAX], optfile[PATH_MAX], extra[2];
	int n;

	memset(s, 0, sizeof(*s));
	n = sscanf(line, "%4095s %4095s %4095s %1s", sock, user, optfile, extra);
	if (n < 1 || n > 3) {
		snprintf(msg, size, "\"%s\": not SOCKET [USER [OPTION-FILE]]", line);
		return -1;
	}
	if (sock[0] != '/' || strlen(sock) >= sizeof(s->socket)) {
		snprintf(msg, size, "\"%s\": the socket must be an absolute path shorter than %zu",
			 sock, sizeof(s->socket));
		return -1;
	}
	if (n > 1 && strlen(user) >= sizeof(s->user)) {
		snprintf(msg, size, "\"%s\": user name too long", user);
		return -1;
	}
	if (n > 2 && optfile[0] != '/') {
		snprintf(msg, size, "\"%s\": the option file must be an absolute path", optfile);
		return -1;
	}
	snprintf(s->socket, sizeof(s->socket), "%s", sock);
	if (n > 1 && strcmp(user, "-"))
		snprintf(s->user, sizeof(s->user), "%s", user);
	if (n > 2)
		snprintf(s->optfile, sizeof(s->optfile), "%s", optfile);
	return 0;
}

void mys_free(struct mys *s)
{
	mys_backup_end(s);
	free(s->paths);
	s->paths = NULL;
	s->npaths = 0;
}

/* The variables that name the server's paths, in the order they are listed. */
static const struct {
	const char *var, *what;
	bool log;
} path_vars[] = {
	{ "datadir", "datadir", false },
	{ "innodb_data_home_dir", "InnoDB data home directory", false },
	{ "innodb_undo_directory", "InnoDB undo directory", false },
	{ "innodb_log_group_home_dir", "InnoDB log directory", true },
	{ "log_bin_basename", "binary log directory", true },
	{ "aria_log_dir_path", "Aria log directory", true },
};
#define NVARS (sizeof(path_vars) / sizeof(path_vars[0]))

int mys_discover(struct mys *s, char *msg, size_t size)
{
	char vals[NVARS][PATH_MAX], version[64] = "", comment[128] = "";
	struct mys_path *paths = NULL;
	unsigned int i, n = 0;
	MYSQL_RES *r = NULL;
	MYSQL_ROW row;
	MYSQL *m;
	int err = -1;

	memset(vals, 0, sizeof(vals));
	m = connect_to(s, msg, size);
	if (!m)
		return -1;
	r = rows(m, s, "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('datadir', "
		 "'innodb_data_home_dir', 'innodb_undo_directory', "
		 "'innodb_log_group_home_dir', 'log_bin_basename', 'aria_log_dir_path', "
		 "'version', 'version_comment')", msg, size);
	if (!r)
		goto out;
	while ((row = mysql_fetch_row(r))) {
		if (!row[0] || !row[1])
			continue;
		if (!strcmp(row[0], "version"))
			snprintf(version, sizeof(version), "%s", row[1]);
		else if (!strcmp(row[0], "version_comment"))
			snprintf(comment, sizeof(comment), "%s", row[1]);
		for (i = 0; i < NVARS; i++)
			if (!strcmp(row[0], path_vars[i].var))
				snprintf(vals[i], sizeof(vals[i]), "%s", row[1]);
	}
	if (!vals[0][0]) {
		snprintf(msg, size, "server %s: no datadir", s->socket);
		goto out;
	}
	/* The binary log's basename is a file name prefix: its directory is needed. */
	if (vals[4][0] && strrchr(vals[4], '/'))
		*strrchr(vals[4], '/') = 0;
	for (i = 0; i < NVARS; i++) {
		/* "" is the default: the datadir (or no binary log at all). */
		if (!vals[i][0])
			continue;
		if (add_path(&paths, &n, path_vars[i].what, path_vars[i].log,
			     i ? paths[0].path : NULL, vals[i], msg, size))
			goto out;
	}
	free(s->paths);
	s->paths = paths;
	s->npaths = n;
	paths = NULL;
	snprintf(s->name, sizeof(s->name), "%s", s->paths[0].path);
	snprintf(s->version, sizeof(s->version), "%s", version);
	s->mariadb = strstr(version, "MariaDB") || strstr(comment, "MariaDB");
	s->known = true;
	err = 0;
out:
	mysql_free_result(r);
	mysql_close(m);
	free(paths);
	return err;
}

enum mys_coverage mys_coverage(const struct mys *s, const char *const *volumes,
			       unsigned int nvol, char *msg, size_t size)
{
	const struct mys_path *missing = NULL;
	unsigned int i, v, covered = 0;

	for (i = 0; i < s->npaths; i++) {
		bool on = false;

		for (v = 0; !on && v < nvol; v++)
			on = writer_dev_on_volume(s->paths[i].dev, volumes[v]);
		covered += on;
		if (!on && !missing)
			missing = &s->paths[i];
	}
	if (!covered)
		return MYS_SET_NONE;
	if (!missing)
		return MYS_SET_ALL;
	snprintf(msg, size,
		 "server %s: its %s %s is on %s (%s mounted on %s), which is not in the snapshot set",
		 s->name, missing->what, missing->path, missing->source,
		 missing->fstype, missing->mount);
	return MYS_SET_PARTIAL;
}

/* ---- the backup locks ---- */

static int set_lock_timeout(struct mys *s, long timeout_ms, char *msg, size_t size)
{
	char sql[64];

	/* Whole seconds, rounded down: never past the event's time limit. */
	snprintf(sql, sizeof(sql), "SET SESSION lock_wait_timeout = %ld",
		 timeout_ms >= 2000 ? timeout_ms / 1000 : 1);
	return run(s->bk, s, sql, msg, size);
}

int mys_backup_prepare(struct mys *s, long timeout_ms, char *msg, size_t size)
{
	mys_backup_end(s);
	s->binlog_file[0] = s->gtid_binlog_pos[0] = 0;
	s->binlog_pos = 0;
	s->held_ms = s->blocked_ms = 0;
	s->bk = connect_to(s, msg, size);
	if (!s->bk)
		return -1;
	if (set_lock_timeout(s, timeout_ms, msg, size) ||
	    run(s->bk, s, "BACKUP STAGE START", msg, size) ||
	    run(s->bk, s, "BACKUP STAGE FLUSH", msg, size)) {
		mys_backup_end(s);
		return -1;
	}
	s->stage = MYS_STAGE_FLUSH;
	return 0;
}

/* SHOW MASTER STATUS and @@gtid_binlog_pos, under BLOCK_COMMIT. */
static int read_position(struct mys *s, char *msg, size_t size)
{
	MYSQL_RES *r = rows(s->bk, s, "SHOW MASTER STATUS", msg, size);
	MYSQL_ROW row;

	if (!r)
		return -1;
	row = mysql_fetch_row(r);
	if (row && row[0] && row[1]) {	/* no row: no binary log */
		snprintf(s->binlog_file, sizeof(s->binlog_file), "%s", row[0]);
		s->binlog_pos = strtoull(row[1], NULL, 10);
	}
	mysql_free_result(r);
	r = rows(s->bk, s, "SELECT @@gtid_binlog_pos", msg, size);
	if (!r)
		return -1;
	row = mysql_fetch_row(r);
	snprintf(s->gtid_binlog_pos, sizeof(s->gtid_binlog_pos), "%s",
		 row && row[0] ? row[0] : "");
	mysql_free_result(r);
	return 0;
}

int mys_backup_block(struct mys *s, long timeout_ms, char *msg, size_t size)
{
	if (!s->bk || s->stage != MYS_STAGE_FLUSH) {
		snprintf(msg, size, "server %s: no backup stage in progress", s->name);
		mys_backup_end(s);
		return -1;
	}
	if (set_lock_timeout(s, timeout_ms, msg, size) ||
	    run(s->bk, s, "BACKUP STAGE BLOCK_DDL", msg, size) ||
	    run(s->bk, s, "BACKUP STAGE BLOCK_COMMIT", msg, size)) {
		mys_backup_end(s);
		return -1;
	}
	s->stage = MYS_STAGE_BLOCK_COMMIT;
	s->blocked_ms = writerd_now_ms();
	if (read_position(s, msg, size)) {
		mys_backup_end(s);
		return -1;
	}
	return 0;
}

void mys_backup_end(struct mys *s)
{
	if (!s->bk)
		return;
	/* Closing alone would do; END says so in the server's own terms first. */
	if (s->stage != MYS_STAGE_NONE && mysql_query(s->bk, "BACKUP STAGE END"))
		writerd_warn("server %s: BACKUP STAGE END: %s (the connection is closed: "
			     "that releases the locks)", s->name, mysql_error(s->bk));
	if (s->stage == MYS_STAGE_BLOCK_COMMIT)
		s->held_ms = writerd_now_ms() - s->blocked_ms;
	s->stage = MYS_STAGE_NONE;
	mysql_close(s->bk);
	s->bk = NULL;
}
