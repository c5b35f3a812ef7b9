/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MariaDB writer's result document of a set.
 *
 * The backup components document cannot carry it: libvss gives a writer
 * no way to write into that document (the requester alone sends it, and a
 * writer answers only Identify with a document of its own). So, per set,
 * the writer writes STATE_DIR/SET-ID.json (mode 0600), which the backup
 * copies with the snapshot's files:
 *
 *   { "document": "vss-mysql-backup", "version": 1, "set_id": "...",
 *     "writer": "vss-mysql-writer",
 *     "servers": [ { "component": DATADIR, "logical_path": "MariaDB",
 *       "server_version": "10.11.x-MariaDB", "socket": "/run/mysqld/mysqld.sock",
 *       "binlog_file": "mariadb-bin.000002", "binlog_position": 1234,
 *       "gtid_binlog_pos": "0-1-42", "commit_block_ms": 12 } ] }
 *
 * binlog_file is "" when the server writes no binary log; the positions
 * are those under BACKUP STAGE BLOCK_COMMIT, which is the snapshot's
 * instant: no commit reaches the engines or the binary log while it is
 * held, so the restored server's data is exactly what the binary log has
 * up to that position (what a replica restored from the snapshot starts
 * from: CHANGE MASTER TO MASTER_USE_GTID=slave_pos after SET GLOBAL
 * gtid_slave_pos = gtid_binlog_pos).
 */
#ifndef VSS_MYSQL_RESULT_H
#define VSS_MYSQL_RESULT_H

#include <stddef.h>

#include "myw.h"

/*
 * Writes the result of every involved server of @p to @path, atomically
 * (a temporary file renamed), mode 0600. 0, or -1 with @msg set.
 */
int result_write(const struct myw *p, const char *path, char *msg, size_t size);

#endif /* VSS_MYSQL_RESULT_H */
