/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MariaDB writer's answers to the events of a set, over every
 * configured server, with the events' contents as plain arguments: the
 * libvss callbacks (mysql_writer.c) only unpack the events, so the host
 * tests drive these without the module.
 */
#ifndef VSS_MYSQL_MYW_H
#define VSS_MYSQL_MYW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"

struct myw {
	const char *name;		/* the writer's */
	struct mys *sv;
	unsigned int n;
	const char *state_dir;		/* where each set's result document goes */
	long backup_timeout_ms;		/* START..END at most, without Thaw or Abort */
	long freeze_timeout_ms;		/* commits blocked at most (BLOCK_COMMIT..END) */

	uint32_t session;		/* whose PrepareForSnapshot took locks; 0 none */
	long deadline_ms;		/* the locks released by then whatever happens */
	char set_id[40];
	char result[4200];		/* the last result document's path; "" if none */
};

/* Reads every server's paths anew (failures logged); how many are known. */
unsigned int myw_identify(struct myw *p);

/*
 * The metadata document: one database component per known server, named
 * by its datadir under the logical path "MariaDB", with the datadir and
 * the InnoDB data and undo directories as database files, the InnoDB log,
 * binary log and Aria log directories as log files; the caption names the
 * volumes.
 */
int myw_metadata(const struct myw *p, const uint8_t class_id[16],
		 const uint8_t instance_id[16], char **json);

/*
 * PrepareForSnapshot of set @set_id on @volumes: the servers with a path
 * on them must have every path on them (else a non-retryable veto naming
 * the missing path and its volume) and be MariaDB; each then gets BACKUP
 * STAGE START and FLUSH, within @budget_ms. 0, or -1 with @msg set,
 * *@retryable said, and every lock taken released.
 */
int myw_prepare(struct myw *p, uint32_t session, const char *set_id,
		const char *const *volumes, unsigned int nvol, long budget_ms,
		char *msg, size_t size, bool *retryable);

/*
 * Freeze: BACKUP STAGE BLOCK_DDL and BLOCK_COMMIT of every involved
 * server, within @budget_ms, and its binary log and GTID positions read.
 * 0, or -1 with @msg set and every lock released.
 */
int myw_freeze(struct myw *p, uint32_t session, long budget_ms, char *msg, size_t size);

/*
 * Thaw: BACKUP STAGE END of every server, and their positions in the
 * set's result document (result.h), whose path is kept in @p->result. 0,
 * or -1 with @msg set; every lock is released either way.
 */
int myw_thaw(struct myw *p, uint32_t session, char *msg, size_t size);

/* Abort, BackupShutdown, exit: every lock of @session (0: any) released. */
void myw_end(struct myw *p, uint32_t session, const char *why);

/*
 * Releases the locks at the deadline (@p->backup_timeout_ms after
 * PrepareForSnapshot, @p->freeze_timeout_ms after Freeze, whichever is
 * first) without Thaw or Abort; the ms until then, -1 when none is held
 * (writerd_loop()'s tick).
 */
long myw_tick(void *data);

#endif /* VSS_MYSQL_MYW_H */
