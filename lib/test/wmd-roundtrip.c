// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writer metadata document: every field set through the builder survives
 * libvss_wmd_to_json() and libvss_wmd_parse(), and so does the document's
 * own text (a second write gives the same bytes); the builder refuses what
 * the schema cannot hold (wrong file kind for a component, duplicates,
 * unknown values, strings that are not UTF-8) and changes nothing then.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <libvss-doc.h>

static const uint8_t class_id[LIBVSS_ID_SIZE] = { 0xc1, 0x01, [15] = 0x0f };
static const uint8_t instance_id[LIBVSS_ID_SIZE] = { 0x1d, 0x02, [15] = 0xf0 };

static struct libvss_wmd *build(void)
{
	struct libvss_wmd_component *db, *fg, *empty;
	struct libvss_wmd *wmd;

	if (libvss_wmd_new(class_id, instance_id, "pgsql", "15/main", &wmd))
		return NULL;
	ok_int(libvss_wmd_set_restore_method(wmd, LIBVSS_RESTORE_STOP_START,
					     "postgresql@15-main",
					     LIBVSS_WRITER_RESTORE_IF_REPLACE_FAILS,
					     true), 0, "set_restore_method");
	ok_int(libvss_wmd_set_backup_types(wmd,
		LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_FULL) |
		LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_LOG) |
		LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_COPY)), 0,
	       "set_backup_types");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_DATABASE,
					"pg/15", "main", "Cluster \"main\" \xc3\xa9",
					LIBVSS_COMPONENT_F_SELECTABLE |
					LIBVSS_COMPONENT_F_SELECTABLE_FOR_RESTORE,
					&db), 0, "add database component");
	ok_int(libvss_wmd_add_database_files(db, "/var/lib/postgresql/15/main",
					     "*", true, NULL), 0,
	       "add database files");
	ok_int(libvss_wmd_add_log_files(db, "/var/lib/postgresql/15/main/pg_wal",
					"0*", false, "/srv/restore/wal"), 0,
	       "add log files");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_FILE_GROUP, NULL,
					"config", NULL, 0, &fg), 0,
	       "add file-group component, no logical path, no caption");
	ok_int(libvss_wmd_add_file_group(fg, "/etc/postgresql/15/main",
					 "*.conf", false, NULL), 0,
	       "add file group 1");
	ok_int(libvss_wmd_add_file_group(fg, "/etc/postgresql-common", "*",
					 true, "/tmp/alt"), 0,
	       "add file group 2");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_FILE_GROUP,
					"pg/15", "empty",
					NULL, LIBVSS_COMPONENT_F_SELECTABLE,
					&empty), 0,
	       "add a component without files");
	return wmd;
}

static void check(const struct libvss_wmd *wmd, const char *what)
{
	const struct libvss_wmd_component *c;
	const struct libvss_wmd_files *f;

	ok_mem(libvss_wmd_class_id(wmd), class_id, LIBVSS_ID_SIZE,
	       "%s: class id", what);
	ok_mem(libvss_wmd_instance_id(wmd), instance_id, LIBVSS_ID_SIZE,
	       "%s: instance id", what);
	ok_str(libvss_wmd_name(wmd), "pgsql", "%s: name", what);
	ok_str(libvss_wmd_instance_name(wmd), "15/main", "%s: instance name",
	       what);
	ok_int(libvss_wmd_restore_method(wmd), LIBVSS_RESTORE_STOP_START,
	       "%s: restore method", what);
	ok_str(libvss_wmd_restore_service(wmd), "postgresql@15-main",
	       "%s: restore service", what);
	ok_int(libvss_wmd_writer_restore(wmd),
	       LIBVSS_WRITER_RESTORE_IF_REPLACE_FAILS, "%s: writer restore",
	       what);
	ok(libvss_wmd_reboot_required(wmd), "%s: reboot required", what);
	ok_int(libvss_wmd_backup_types(wmd),
	       LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_FULL) |
	       LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_LOG) |
	       LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_COPY),
	       "%s: backup types", what);
	if (!ok_int(libvss_wmd_component_count(wmd), 3, "%s: 3 components",
		    what))
		return;
	ok(!libvss_wmd_component(wmd, 3), "%s: component 3 is NULL", what);

	c = libvss_wmd_component(wmd, 0);
	ok_int(libvss_wmd_component_type(c), LIBVSS_COMPONENT_DATABASE,
	       "%s: 0 type", what);
	ok_str(libvss_wmd_component_logical_path(c), "pg/15",
	       "%s: 0 logical path", what);
	ok_str(libvss_wmd_component_name(c), "main", "%s: 0 name", what);
	ok_str(libvss_wmd_component_caption(c), "Cluster \"main\" \xc3\xa9",
	       "%s: 0 caption, quotes and UTF-8", what);
	ok_int(libvss_wmd_component_flags(c), LIBVSS_COMPONENT_F_SELECTABLE |
	       LIBVSS_COMPONENT_F_SELECTABLE_FOR_RESTORE, "%s: 0 flags", what);
	ok_int(libvss_wmd_files_count(c, LIBVSS_FILES_GROUP), 0,
	       "%s: 0 no file groups", what);
	ok_int(libvss_wmd_files_count(c, LIBVSS_FILES_DATABASE), 1,
	       "%s: 0 one database spec", what);
	ok_int(libvss_wmd_files_count(c, LIBVSS_FILES_LOG), 1,
	       "%s: 0 one log spec", what);
	ok_int(libvss_wmd_files_count(c, 3), 0, "%s: unknown kind: 0", what);
	ok(!libvss_wmd_files(c, 3, 0), "%s: unknown kind: NULL", what);
	f = libvss_wmd_files(c, LIBVSS_FILES_DATABASE, 0);
	ok_str(libvss_wmd_files_path(f), "/var/lib/postgresql/15/main",
	       "%s: db path", what);
	ok_str(libvss_wmd_files_filespec(f), "*", "%s: db filespec", what);
	ok(libvss_wmd_files_recursive(f), "%s: db recursive", what);
	ok(!libvss_wmd_files_alternate_location(f), "%s: db no alternate",
	   what);
	ok(!libvss_wmd_files(c, LIBVSS_FILES_DATABASE, 1),
	   "%s: db spec 1 is NULL", what);
	f = libvss_wmd_files(c, LIBVSS_FILES_LOG, 0);
	ok_str(libvss_wmd_files_path(f), "/var/lib/postgresql/15/main/pg_wal",
	       "%s: log path", what);
	ok_str(libvss_wmd_files_filespec(f), "0*", "%s: log filespec", what);
	ok(!libvss_wmd_files_recursive(f), "%s: log not recursive", what);
	ok_str(libvss_wmd_files_alternate_location(f), "/srv/restore/wal",
	       "%s: log alternate", what);

	c = libvss_wmd_component(wmd, 1);
	ok_int(libvss_wmd_component_type(c), LIBVSS_COMPONENT_FILE_GROUP,
	       "%s: 1 type", what);
	ok_str(libvss_wmd_component_logical_path(c), "",
	       "%s: 1 no logical path is \"\"", what);
	ok(!libvss_wmd_component_caption(c), "%s: 1 no caption", what);
	ok_int(libvss_wmd_component_flags(c), 0, "%s: 1 flags", what);
	ok_int(libvss_wmd_files_count(c, LIBVSS_FILES_GROUP), 2,
	       "%s: 1 two file groups", what);
	f = libvss_wmd_files(c, LIBVSS_FILES_GROUP, 1);
	ok_str(libvss_wmd_files_path(f), "/etc/postgresql-common",
	       "%s: group 2 path, in order", what);
	ok(libvss_wmd_files_recursive(f), "%s: group 2 recursive", what);
	ok_str(libvss_wmd_files_alternate_location(f), "/tmp/alt",
	       "%s: group 2 alternate", what);

	c = libvss_wmd_component(wmd, 2);
	ok_str(libvss_wmd_component_name(c), "empty", "%s: 2 name", what);
	ok_int(libvss_wmd_files_count(c, LIBVSS_FILES_GROUP), 0,
	       "%s: 2 no files", what);
}

static void refusals(void)
{
	struct libvss_wmd_component *db, *fg;
	struct libvss_wmd *wmd = NULL;
	char *json;

	ok_int(libvss_wmd_new(class_id, instance_id, "", NULL, &wmd), -EINVAL,
	       "new: empty name");
	ok(!wmd, "new: NULL on failure");
	ok_int(libvss_wmd_new(class_id, instance_id, NULL, NULL, &wmd), -EINVAL,
	       "new: NULL name");
	ok_int(libvss_wmd_new(NULL, instance_id, "w", NULL, &wmd), -EINVAL,
	       "new: NULL class id");
	ok_int(libvss_wmd_new(class_id, instance_id, "w\xff", NULL, &wmd),
	       -EINVAL, "new: name not UTF-8");
	ok_int(libvss_wmd_new(class_id, instance_id, "w", "\xc0\xaf", &wmd),
	       -EINVAL, "new: overlong UTF-8 instance name");
	ok_int(libvss_wmd_new(class_id, instance_id, "w", "\xed\xa0\x80", &wmd),
	       -EINVAL, "new: UTF-8 surrogate");
	ok_int(libvss_wmd_new(class_id, instance_id, "w", NULL, NULL), -EINVAL,
	       "new: NULL result pointer");
	if (libvss_wmd_new(class_id, instance_id, "w", NULL, &wmd))
		return;

	ok_int(libvss_wmd_set_restore_method(wmd, 9, NULL, 0, false), -EINVAL,
	       "restore method 9");
	ok_int(libvss_wmd_set_restore_method(wmd, 0, NULL, 4, false), -EINVAL,
	       "writer restore 4");
	ok_int(libvss_wmd_set_backup_types(wmd,
		LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_UNDEFINED)), -EINVAL,
	       "backup type undefined is no supported type");
	ok_int(libvss_wmd_set_backup_types(wmd,
		LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_OTHER)), -EINVAL,
	       "backup type other is no supported type");
	ok_int(libvss_wmd_add_component(wmd, 0, "a", "b", NULL, 0, NULL),
	       -EINVAL, "component type 0");
	ok_int(libvss_wmd_add_component(wmd, 3, "a", "b", NULL, 0, NULL),
	       -EINVAL, "component type 3");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_DATABASE, "a",
					"b", NULL, 4, NULL), -EINVAL,
	       "component flag 4");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_DATABASE, "a",
					"", NULL, 0, NULL), -EINVAL,
	       "component with empty name");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_DATABASE, "a",
					"db", NULL, 0, &db), 0, "component db");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_FILE_GROUP, "a",
					"db", NULL, 0, NULL), -EEXIST,
	       "same logical path and name: -EEXIST");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_FILE_GROUP, "",
					"db", NULL, 0, &fg), 0,
	       "same name, other logical path: fine");
	ok_int(libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_FILE_GROUP, NULL,
					"db", NULL, 0, NULL), -EEXIST,
	       "NULL logical path is \"\": -EEXIST");
	ok_int(libvss_wmd_add_file_group(db, "/p", "*", false, NULL), -EINVAL,
	       "file group on a database");
	ok_int(libvss_wmd_add_database_files(fg, "/p", "*", false, NULL),
	       -EINVAL, "database files on a file group");
	ok_int(libvss_wmd_add_log_files(fg, "/p", "*", false, NULL), -EINVAL,
	       "log files on a file group");
	ok_int(libvss_wmd_add_file_group(fg, "", "*", false, NULL), -EINVAL,
	       "empty path");
	ok_int(libvss_wmd_add_file_group(fg, "/p", NULL, false, NULL), -EINVAL,
	       "NULL filespec");
	ok_int(libvss_wmd_add_file_group(NULL, "/p", "*", false, NULL), -EINVAL,
	       "NULL component");
	ok_int(libvss_wmd_component_count(wmd), 2,
	       "refused calls added nothing");
	ok_int(libvss_wmd_to_json(NULL, &json), -EINVAL, "to_json of NULL");
	ok(!json, "to_json: NULL on failure");
	libvss_wmd_free(wmd);
	libvss_wmd_free(NULL);
}

int main(void)
{
	struct libvss_wmd *wmd, *back = NULL, *again = NULL;
	char *json = NULL, *json2 = NULL;

	wmd = build();
	if (!ok(wmd != NULL, "built"))
		return tap_done();
	check(wmd, "built");
	ok_int(libvss_wmd_to_json(wmd, &json), 0, "to_json");
	if (json)
		diag("%s", json);
	ok_int(libvss_wmd_parse(json, &back), 0, "parse what to_json wrote");
	if (back) {
		check(back, "parsed");
		ok_int(libvss_wmd_to_json(back, &json2), 0, "to_json again");
		ok_str(json2, json, "the same text again");
		/* Components can still be added to a parsed document. */
		ok_int(libvss_wmd_add_component(back, LIBVSS_COMPONENT_DATABASE,
						"x", "y", NULL, 0, NULL), 0,
		       "add to a parsed document");
		ok_int(libvss_wmd_component_count(back), 4, "now 4");
	}
	libvss_wmd_free(back);
	libvss_wmd_free(wmd);
	free(json2);
	free(json);

	/* A minimal writer: nothing but its identity. */
	ok_int(libvss_wmd_new(class_id, instance_id, "bare", NULL, &wmd), 0,
	       "bare writer");
	ok_int(libvss_wmd_to_json(wmd, &json), 0, "bare: to_json");
	ok_int(libvss_wmd_parse(json, &again), 0, "bare: parse");
	if (again) {
		ok(!libvss_wmd_instance_name(again), "bare: no instance name");
		ok(!libvss_wmd_restore_service(again), "bare: no service");
		ok_int(libvss_wmd_restore_method(again), LIBVSS_RESTORE_UNDEFINED,
		       "bare: restore method undefined");
		ok_int(libvss_wmd_backup_types(again), 0, "bare: no backup type");
		ok_int(libvss_wmd_component_count(again), 0,
		       "bare: no component");
	}
	libvss_wmd_free(again);
	libvss_wmd_free(wmd);
	free(json);

	refusals();
	return tap_done();
}
