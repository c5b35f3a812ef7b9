/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One PostgreSQL cluster, as the writer sees it through libpq: the paths
 * it needs (data directory, pg_wal when elsewhere, every tablespace) and
 * the volumes under them, and a non-exclusive online backup held open in
 * a session of its own. Nothing here knows about libvss, so the host
 * tests drive it against a real cluster.
 */
#ifndef VSS_PGSQL_CLUSTER_H
#define VSS_PGSQL_CLUSTER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <libpq-fe.h>

/* One path the cluster needs, and the filesystem under it. */
struct pgc_path {
	char what[96];			/* "data directory", "pg_wal", "tablespace NAME" */
	char path[PATH_MAX];		/* absolute, symbolic links resolved */
	dev_t dev;			/* its filesystem's */
	char source[PATH_MAX];		/* the filesystem's device ("/dev/vdb") or source */
	char fstype[32];
	char mount[PATH_MAX];		/* where it is mounted */
};

struct pgc {
	char *conninfo;			/* as configured */
	bool known;			/* paths read at least once */
	char name[PATH_MAX];		/* the component's name: the data directory */
	char version[32];		/* server_version */
	struct pgc_path *paths;		/* [0] is the data directory */
	unsigned int npaths;
	bool involved;			/* on the current set's volumes */

	/* The backup of the current set. */
	PGconn *bk;			/* the session that holds it; NULL if none */
	bool in_backup;
	char start_lsn[32], stop_lsn[32];
	long started_ms;		/* writerd_now_ms() once pg_backup_start() returned */
	char start_wal[32], stop_wal[32];	/* WAL file names; "" if unknown */
	char *labelfile, *spcmapfile;	/* what pg_backup_stop() returned */
};

enum pgc_coverage {
	PGC_SET_NONE,			/* no path of the cluster is on the set */
	PGC_SET_ALL,			/* every one is */
	PGC_SET_PARTIAL,		/* some, not all: the message names one missing */
};

/* @conninfo is copied. */
int pgc_init(struct pgc *c, const char *conninfo);
void pgc_free(struct pgc *c);

/*
 * Connects and reads the paths anew (data_directory, pg_wal's symbolic
 * link, pg_tablespace), then the filesystem under each. 0, or -1 with
 * @msg set and the paths read before kept.
 */
int pgc_discover(struct pgc *c, char *msg, size_t size);

/*
 * Whether every path of the cluster is on a volume of the set: a block
 * device (a path whose filesystem is that device) or a mount point (a
 * path on the same filesystem). PGC_SET_PARTIAL sets @msg.
 */
enum pgc_coverage pgc_coverage(const struct pgc *c, const char *const *volumes,
			       unsigned int nvol, char *msg, size_t size);

/*
 * CHECKPOINT, then pg_backup_start(@label, fast => true) in a session of
 * its own kept open until pgc_backup_stop() or pgc_backup_end(); each
 * statement is cancelled after @timeout_ms. 0, or -1 with @msg set and
 * nothing left open.
 */
int pgc_backup_start(struct pgc *c, const char *label, long timeout_ms,
		     char *msg, size_t size);

/* Whether the backup's session still answers. 0, or -1 with @msg set. */
int pgc_backup_alive(struct pgc *c, char *msg, size_t size);

/*
 * pg_backup_stop(wait_for_archive => false): the stop LSN, backup_label
 * and tablespace_map kept in @c; the session is closed. 0, or -1 with @msg
 * set (the session closed all the same, which ends the backup).
 */
int pgc_backup_stop(struct pgc *c, char *msg, size_t size);

/*
 * Ends the backup without keeping its result (Abort, BackupShutdown, a
 * deadline): pg_backup_stop() if the session answers, then the session is
 * closed, and closing a session ends its non-exclusive backup in the
 * server whatever happened. Nothing if none is open.
 */
void pgc_backup_end(struct pgc *c);

#endif /* VSS_PGSQL_CLUSTER_H */
