/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PostgreSQL writer's result document of a set and what is done with
 * it at restore.
 *
 * The backup components document cannot carry it: libvss gives a writer
 * no way to write into that document (the requester alone sends it, and a
 * writer answers only Identify with a document of its own, and PreRestore
 * and PostRestore with a restore status). So, per set, the writer writes
 * STATE_DIR/SET-ID.json (mode 0600), which the backup copies with the
 * snapshot's files, and `vss-pgsql-writer --restore-files DOCUMENT
 * DATADIR` puts backup_label and tablespace_map in place in a restored
 * data directory before its server is started:
 *
 *   { "document": "vss-pgsql-backup", "version": 1, "set_id": "...",
 *     "writer": "vss-pgsql-writer",
 *     "clusters": [ { "component": DATADIR, "logical_path": "PostgreSQL",
 *       "server_version": "15.x", "label": "vss SET-ID",
 *       "start_lsn": "0/2000028", "stop_lsn": "0/2000100",
 *       "start_wal_file": "...", "stop_wal_file": "...",
 *       "backup_label": "...", "tablespace_map": "..." } ] }
 */
#ifndef VSS_PGSQL_RESTORE_H
#define VSS_PGSQL_RESTORE_H

#include <stddef.h>

#include "pgw.h"

/*
 * Writes the result of every involved cluster of @p to @path, atomically
 * (a temporary file renamed), mode 0600. 0, or -1 with @msg set.
 */
int result_write(const struct pgw *p, const char *path, char *msg, size_t size);

/*
 * A tablespace restored elsewhere than it was: `--tablespace-mapping
 * OLDDIR=NEWDIR`, as pg_basebackup's option (a `=` in a directory written
 * `\=`). Both absolute; @from is the path the backup recorded.
 */
struct ts_mapping {
	const char *from;
	const char *to;
};

/*
 * Splits @arg ("OLDDIR=NEWDIR") in place into @m. 0, or -1 with @msg set:
 * no unescaped `=`, a directory empty or not absolute.
 */
int ts_mapping_parse(char *arg, struct ts_mapping *m, char *msg, size_t size);

/*
 * @map (tablespace_map's text: "OID PATH" a line, PATH with `\n`, `\r`
 * and `\\` escaped by a backslash) with every PATH equal to a mapping's
 * from replaced by its to; in *@out (malloc'd). Every mapping must match
 * a tablespace of the map (a mistyped one would leave the restored
 * cluster's tablespace pointing at the old place, perhaps a live one).
 * 0, or -1 with @msg set.
 */
int ts_map_remap(const char *map, const struct ts_mapping *m, size_t n, char **out,
		 char *msg, size_t size);

/*
 * Writes backup_label and, if the backup had tablespaces, tablespace_map
 * of the cluster @component (NULL: the document's only one) of the result
 * document @doc, each of its @nmap tablespace mappings @maps applied (every
 * NEWDIR a directory), into the data directory @datadir, owned by the directory's
 * owner, mode 0600. @datadir must be a data directory (PG_VERSION) of no
 * running server (no postmaster.pid), not a symbolic link, without either
 * file; no file is opened through a symbolic link. 0, or -1 with @msg set
 * (and nothing left half-written). @note is set to what recovery will need
 * that @datadir lacks ("" if nothing).
 */
int restore_files(const char *doc, const char *datadir, const char *component,
		  const struct ts_mapping *maps, size_t nmap,
		  char *msg, size_t size, char *note, size_t notesize);

#endif /* VSS_PGSQL_RESTORE_H */
