/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PostgreSQL writer's answers to the events of a set, over every
 * configured cluster, with the events' contents as plain arguments: the
 * libvss callbacks (pgsql_writer.c) only unpack the events, so the host
 * tests drive these without the module.
 */
#ifndef VSS_PGSQL_PGW_H
#define VSS_PGSQL_PGW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"

struct pgw {
	const char *name;		/* the writer's */
	struct pgc *cl;
	unsigned int n;
	const char *state_dir;		/* where each set's result document goes */
	long backup_timeout_ms;		/* backup mode at most, without Thaw or Abort */

	uint32_t session;		/* whose PrepareForSnapshot started backups; 0 none */
	long deadline_ms;		/* ended by then whatever happens */
	char set_id[40];
	char result[4200];		/* the last result document's path; "" if none */
};

/* Reads every cluster's paths anew (failures logged); how many are known. */
unsigned int pgw_identify(struct pgw *p);

/*
 * The metadata document: one database component per known cluster, named
 * by its data directory under the logical path "PostgreSQL", with the
 * data directory and every tablespace as database files and pg_wal as log
 * files; the caption names the volumes.
 */
int pgw_metadata(const struct pgw *p, const uint8_t class_id[16],
		 const uint8_t instance_id[16], char **json);

/*
 * PrepareForSnapshot of set @set_id on @volumes: the clusters with a path
 * on them must have every path on them (else a non-retryable veto naming
 * the missing path and its volume); each then gets CHECKPOINT and
 * pg_backup_start(), within @budget_ms. 0, or -1 with @msg set, *@retryable
 * said, and every backup started ended.
 */
int pgw_prepare(struct pgw *p, uint32_t session, const char *set_id,
		const char *const *volumes, unsigned int nvol, long budget_ms,
		char *msg, size_t size, bool *retryable);

/* Freeze: every backup's session still answers. 0, or -1 with @msg set. */
int pgw_freeze(struct pgw *p, uint32_t session, char *msg, size_t size);

/*
 * Thaw: pg_backup_stop() of every backup, and their results in the set's
 * result document (restore.h), whose path is kept in @p->result. 0, or -1
 * with @msg set; every backup is ended either way.
 */
int pgw_thaw(struct pgw *p, uint32_t session, char *msg, size_t size);

/* Abort, BackupShutdown, exit: every backup of @session (0: any) ended. */
void pgw_end(struct pgw *p, uint32_t session, const char *why);

/*
 * Ends the backups once @p->backup_timeout_ms has passed since
 * PrepareForSnapshot without Thaw or Abort; the ms until then, -1 when
 * none is in progress (writerd_loop()'s tick).
 */
long pgw_tick(void *data);

#endif /* VSS_PGSQL_PGW_H */
