/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One MariaDB server, as the writer sees it through libmariadb: the paths
 * it needs (datadir, the InnoDB redo log, undo and data home directories,
 * the binary log's directory, Aria's log directory) and the volumes under
 * them, and MariaDB's backup locks (BACKUP STAGE) held in a connection of
 * its own. Nothing here knows about libvss, so the host tests drive it
 * against a real server.
 */
#ifndef VSS_MYSQL_SERVER_H
#define VSS_MYSQL_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <mysql.h>

/* One path the server needs, and the filesystem under it. */
struct mys_path {
	char what[64];			/* "datadir", "binary log directory", ... */
	char path[PATH_MAX];		/* absolute, symbolic links resolved */
	bool log;			/* a log (redo, binary, Aria) or data */
	dev_t dev;			/* its filesystem's */
	char source[PATH_MAX];		/* the filesystem's device ("/dev/vdb") or source */
	char fstype[32];
	char mount[PATH_MAX];		/* where it is mounted */
};

/* The backup stage reached in the writer's connection. */
enum mys_stage {
	MYS_STAGE_NONE,
	MYS_STAGE_FLUSH,		/* START and FLUSH done (PrepareForSnapshot) */
	MYS_STAGE_BLOCK_COMMIT,		/* BLOCK_DDL and BLOCK_COMMIT done (Freeze) */
};

struct mys {
	/* As configured: "SOCKET [USER [OPTION-FILE]]". */
	char socket[108];		/* sun_path's size */
	char user[128];			/* "" : the option file's, else libmariadb's default */
	char optfile[PATH_MAX];		/* "" : none (unix_socket authentication) */

	bool known;			/* paths read at least once */
	bool mariadb;			/* the server says it is MariaDB */
	char name[PATH_MAX];		/* the component's name: the datadir */
	char version[64];		/* @@version */
	struct mys_path *paths;		/* [0] is the datadir */
	unsigned int npaths;
	bool involved;			/* on the current set's volumes */

	/* The backup of the current set. */
	MYSQL *bk;			/* the connection that holds the locks; NULL if none */
	enum mys_stage stage;
	char binlog_file[256];		/* SHOW MASTER STATUS under BLOCK_COMMIT; "" if no binlog */
	unsigned long long binlog_pos;
	char gtid_binlog_pos[1024];	/* @@gtid_binlog_pos then */
	long blocked_ms;		/* when BLOCK_COMMIT was reached (CLOCK_MONOTONIC) */
	long held_ms;			/* how long commits were blocked, at the end */
};

enum mys_coverage {
	MYS_SET_NONE,			/* no path of the server is on the set */
	MYS_SET_ALL,			/* every one is */
	MYS_SET_PARTIAL,		/* some, not all: the message names one missing */
};

/* Parses a configuration line "SOCKET [USER [OPTION-FILE]]". 0, or -1 with @msg. */
int mys_init(struct mys *s, const char *line, char *msg, size_t size);
void mys_free(struct mys *s);

/*
 * Connects and reads the paths anew, then the filesystem under each. 0,
 * or -1 with @msg set and the paths read before kept.
 */
int mys_discover(struct mys *s, char *msg, size_t size);

/*
 * Whether every path of the server is on a volume of the set: a block
 * device (a path whose filesystem is that device) or a mount point (a
 * path on the same filesystem). MYS_SET_PARTIAL sets @msg.
 */
enum mys_coverage mys_coverage(const struct mys *s, const char *const *volumes,
			       unsigned int nvol, char *msg, size_t size);

/*
 * BACKUP STAGE START and FLUSH in a connection of its own, kept open
 * until mys_backup_end(); a lock waited for at most @timeout_ms (rounded
 * down to whole seconds, lock_wait_timeout's unit; at least one). 0, or -1 with @msg set and
 * nothing left open.
 */
int mys_backup_prepare(struct mys *s, long timeout_ms, char *msg, size_t size);

/*
 * BACKUP STAGE BLOCK_DDL and BLOCK_COMMIT (each lock waited for at most
 * @timeout_ms), then the binary log position and GTID position under the
 * block. 0, or -1 with @msg set (the backup then ended).
 */
int mys_backup_block(struct mys *s, long timeout_ms, char *msg, size_t size);

/*
 * BACKUP STAGE END and the connection closed: the server drops a
 * connection's backup locks when it closes, whatever the stage, so the
 * locks never outlive this call (nor the writer). The position read at
 * the block is kept. Nothing if none is open.
 */
void mys_backup_end(struct mys *s);

#endif /* VSS_MYSQL_SERVER_H */
