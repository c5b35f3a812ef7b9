// SPDX-License-Identifier: GPL-2.0
/*
 * A PostgreSQL cluster through libpq: its paths and volumes, and its
 * non-exclusive online backup (cluster.h).
 *
 * The backup is non-exclusive (the only kind PostgreSQL 15 has): it lives
 * in the session that called pg_backup_start(), and the server ends it when
 * that session ends for any reason (the backend's before_shmem_exit
 * callback, which logs "aborting backup due to backend exiting before
 * pg_backup_stop was called"). So a writer that dies, or is killed, leaves
 * nothing behind for the next backup: its connection closes with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../common/mountof.h"
#include "cluster.h"

/* ---- helpers ---- */

/* Keys before "dbname" are defaults the connection string overrides. */
static PGconn *connect_to(const char *conninfo, char *msg, size_t size)
{
	static const char *const keys[] = {
		"connect_timeout", "fallback_application_name", "dbname", NULL,
	};
	const char *values[] = { "10", "vss-pgsql-writer", conninfo, NULL };
	PGconn *conn = PQconnectdbParams(keys, values, 1);

	if (conn && PQstatus(conn) == CONNECTION_OK)
		return conn;
	snprintf(msg, size, "cannot connect (%s): %s", conninfo,
		 conn ? PQerrorMessage(conn) : "out of memory");
	/* libpq's messages end with a newline: not in ours. */
	msg[strcspn(msg, "\n")] = 0;
	PQfinish(conn);
	return NULL;
}

/* The statement's result if it succeeded (the caller PQclear()s it). */
static PGresult *run(PGconn *conn, const char *sql, int nparams,
		     const char *const *params, char *msg, size_t size)
{
	PGresult *r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return r;
	snprintf(msg, size, "%s: %s", sql, PQerrorMessage(conn));
	msg[strcspn(msg, "\n")] = 0;
	PQclear(r);
	return NULL;
}

/* One value of a one-row result, copied; -1 if absent. */
static int query1(PGconn *conn, const char *sql, char *out, size_t outsz,
		  char *msg, size_t size)
{
	PGresult *r = run(conn, sql, 0, NULL, msg, size);

	if (!r)
		return -1;
	if (PQntuples(r) != 1 || PQnfields(r) < 1) {
		snprintf(msg, size, "%s: no value", sql);
		PQclear(r);
		return -1;
	}
	snprintf(out, outsz, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

/* Appends @path (resolved) as @what; -1 with @msg if it cannot be. */
static int add_path(struct pgc_path **paths, unsigned int *n, const char *what,
		    const char *path, char *msg, size_t size)
{
	struct pgc_path *p, *grown;
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(path, real) || stat(real, &st)) {
		snprintf(msg, size, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
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
	p->dev = st.st_dev;
	writer_mount_of(p->path, p->dev, p->source, sizeof(p->source),
			p->fstype, sizeof(p->fstype), p->mount, sizeof(p->mount));
	return 0;
}

/* ---- paths and volumes ---- */

int pgc_init(struct pgc *c, const char *conninfo)
{
	memset(c, 0, sizeof(*c));
	c->conninfo = strdup(conninfo);
	return c->conninfo ? 0 : -1;
}

static void clear_result(struct pgc *c)
{
	free(c->labelfile);
	free(c->spcmapfile);
	c->labelfile = c->spcmapfile = NULL;
	c->start_lsn[0] = c->stop_lsn[0] = c->start_wal[0] = c->stop_wal[0] = 0;
}

void pgc_free(struct pgc *c)
{
	pgc_backup_end(c);
	clear_result(c);
	free(c->paths);
	free(c->conninfo);
	memset(c, 0, sizeof(*c));
}

/*
 * pg_wal is needed apart from the data directory when it is elsewhere: a
 * symbolic link (initdb --waldir) or a filesystem mounted there.
 */
static int add_wal(struct pgc_path **paths, unsigned int *n, const char *datadir,
		   char *msg, size_t size)
{
	char wal[PATH_MAX + 8];
	struct stat lst, st;

	snprintf(wal, sizeof(wal), "%s/pg_wal", datadir);
	if (lstat(wal, &lst) || stat(wal, &st)) {
		snprintf(msg, size, "pg_wal %s: %s", wal, strerror(errno));
		return -1;
	}
	if (!S_ISLNK(lst.st_mode) && st.st_dev == (*paths)[0].dev)
		return 0;
	return add_path(paths, n, "pg_wal", wal, msg, size);
}

int pgc_discover(struct pgc *c, char *msg, size_t size)
{
	struct pgc_path *paths = NULL;
	char datadir[PATH_MAX], version[32];
	unsigned int n = 0;
	PGresult *r = NULL;
	PGconn *conn;
	int i, err = -1;

	conn = connect_to(c->conninfo, msg, size);
	if (!conn)
		return -1;
	if (query1(conn, "SELECT current_setting('data_directory')",
		   datadir, sizeof(datadir), msg, size) ||
	    query1(conn, "SELECT current_setting('server_version')",
		   version, sizeof(version), msg, size))
		goto out;
	if (add_path(&paths, &n, "data directory", datadir, msg, size) ||
	    add_wal(&paths, &n, paths[0].path, msg, size))
		goto out;
	/* In-place tablespaces (a relative location) are in the data directory. */
	r = run(conn, "SELECT spcname, pg_tablespace_location(oid) FROM pg_tablespace "
		"WHERE pg_tablespace_location(oid) LIKE '/%' ORDER BY spcname",
		0, NULL, msg, size);
	if (!r)
		goto out;
	for (i = 0; i < PQntuples(r); i++) {
		char what[96];

		snprintf(what, sizeof(what), "tablespace %s", PQgetvalue(r, i, 0));
		if (add_path(&paths, &n, what, PQgetvalue(r, i, 1), msg, size))
			goto out;
	}
	free(c->paths);
	c->paths = paths;
	c->npaths = n;
	paths = NULL;
	snprintf(c->name, sizeof(c->name), "%s", c->paths[0].path);
	snprintf(c->version, sizeof(c->version), "%s", version);
	c->known = true;
	err = 0;
out:
	PQclear(r);
	PQfinish(conn);
	free(paths);
	return err;
}

enum pgc_coverage pgc_coverage(const struct pgc *c, const char *const *volumes,
			       unsigned int nvol, char *msg, size_t size)
{
	const struct pgc_path *missing = NULL;
	unsigned int i, v, covered = 0;

	for (i = 0; i < c->npaths; i++) {
		bool on = false;

		for (v = 0; !on && v < nvol; v++)
			on = writer_dev_on_volume(c->paths[i].dev, volumes[v]);
		covered += on;
		if (!on && !missing)
			missing = &c->paths[i];
	}
	if (!covered)
		return PGC_SET_NONE;
	if (!missing)
		return PGC_SET_ALL;
	snprintf(msg, size,
		 "cluster %s: its %s %s is on %s (%s mounted on %s), which is not in the snapshot set",
		 c->name, missing->what, missing->path, missing->source,
		 missing->fstype, missing->mount);
	return PGC_SET_PARTIAL;
}

/* ---- the backup ---- */

int pgc_backup_start(struct pgc *c, const char *label, long timeout_ms,
		     char *msg, size_t size)
{
	const char *params[1] = { label };
	char timeout[32];
	PGresult *r;

	pgc_backup_end(c);
	clear_result(c);
	c->bk = connect_to(c->conninfo, msg, size);
	if (!c->bk)
		return -1;
	snprintf(timeout, sizeof(timeout), "%ld", timeout_ms > 0 ? timeout_ms : 1);
	params[0] = timeout;
	r = run(c->bk, "SELECT set_config('statement_timeout', $1, false)", 1,
		params, msg, size);
	if (r) {
		PQclear(r);
		/* What recovery from the snapshot has to replay starts here. */
		r = run(c->bk, "CHECKPOINT", 0, NULL, msg, size);
	}
	if (r) {
		PQclear(r);
		params[0] = label;
		r = run(c->bk, "SELECT pg_backup_start($1, fast => true)",
			1, params, msg, size);
	}
	if (!r) {
		pgc_backup_end(c);
		return -1;
	}
	c->in_backup = true;
	snprintf(c->start_lsn, sizeof(c->start_lsn), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	/* The start WAL file, as backup_label names it. */
	r = run(c->bk, "SELECT CASE WHEN pg_is_in_recovery() THEN '' ELSE "
		"pg_walfile_name($1::pg_lsn) END", 1,
		(const char *const[]){ c->start_lsn }, msg, size);
	if (r) {
		snprintf(c->start_wal, sizeof(c->start_wal), "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	return 0;
}

int pgc_backup_alive(struct pgc *c, char *msg, size_t size)
{
	PGresult *r;

	if (!c->bk || !c->in_backup) {
		snprintf(msg, size, "cluster %s: no backup in progress", c->name);
		return -1;
	}
	r = run(c->bk, "SELECT 1", 0, NULL, msg, size);
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

int pgc_backup_stop(struct pgc *c, char *msg, size_t size)
{
	PGresult *r;

	if (!c->bk || !c->in_backup) {
		snprintf(msg, size, "cluster %s: no backup in progress", c->name);
		pgc_backup_end(c);
		return -1;
	}
	r = run(c->bk, "SELECT lsn, labelfile, spcmapfile, "
		"CASE WHEN pg_is_in_recovery() THEN '' ELSE pg_walfile_name(lsn) END "
		"FROM pg_backup_stop(wait_for_archive => false)",
		0, NULL, msg, size);
	if (!r) {
		pgc_backup_end(c);
		return -1;
	}
	c->in_backup = false;
	snprintf(c->stop_lsn, sizeof(c->stop_lsn), "%s", PQgetvalue(r, 0, 0));
	snprintf(c->stop_wal, sizeof(c->stop_wal), "%s", PQgetvalue(r, 0, 3));
	c->labelfile = strdup(PQgetvalue(r, 0, 1));
	c->spcmapfile = strdup(PQgetvalue(r, 0, 2));
	PQclear(r);
	pgc_backup_end(c);
	if (!c->labelfile || !c->spcmapfile) {
		snprintf(msg, size, "out of memory");
		return -1;
	}
	return 0;
}

void pgc_backup_end(struct pgc *c)
{
	if (!c->bk)
		return;
	if (c->in_backup && PQstatus(c->bk) == CONNECTION_OK) {
		PGresult *r = PQexec(c->bk, "SELECT pg_backup_stop(wait_for_archive => false)");

		PQclear(r);
	}
	c->in_backup = false;
	PQfinish(c->bk);
	c->bk = NULL;
}
