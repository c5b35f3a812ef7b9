// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Backup components document: every field survives libvss_bcd_to_json()
 * and libvss_bcd_parse(); components group under their writer in the order
 * added; set_backup_succeeded() finds a component by writer and component
 * and says -ENOENT for one not selected; refused calls change nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <libvss-doc.h>

static const uint8_t w1_class[LIBVSS_ID_SIZE] = { 0xa1, [15] = 1 };
static const uint8_t w1_inst[LIBVSS_ID_SIZE] = { 0xa2, [15] = 2 };
static const uint8_t w2_class[LIBVSS_ID_SIZE] = { 0xb1, [15] = 3 };
static const uint8_t w2_inst[LIBVSS_ID_SIZE] = { 0xb2, [15] = 4 };

#define FLAGS	(LIBVSS_BCD_F_SELECT_COMPONENTS | LIBVSS_BCD_F_PARTIAL_FILE_SUPPORT)

static struct libvss_bcd *build(void)
{
	struct libvss_bcd_component *c;
	struct libvss_bcd *bcd;

	if (!ok_int(libvss_bcd_new(VSS_BACKUP_TYPE_DIFFERENTIAL, FLAGS, &bcd),
		    0, "new"))
		return NULL;
	ok_int(libvss_bcd_add_component(bcd, w1_class, w1_inst, "pg/15", "main",
					&c), 0, "w1 pg/15 main");
	ok_int(libvss_bcd_component_set_backup_options(c, "compress=zstd"), 0,
	       "backup options");
	ok_int(libvss_bcd_add_component(bcd, w2_class, w2_inst, NULL, "config",
					NULL), 0, "w2 config");
	ok_int(libvss_bcd_add_component(bcd, w1_class, w1_inst, "pg/15", "logs",
					&c), 0, "w1 pg/15 logs, after w2");
	ok_int(libvss_bcd_component_set_selected_for_restore(c, true), 0,
	       "selected for restore");
	ok_int(libvss_bcd_component_set_restore_target(c,
				LIBVSS_RESTORE_TARGET_ALTERNATE), 0,
	       "restore target");
	ok_int(libvss_bcd_component_set_restore_status(c,
				LIBVSS_RESTORE_STATUS_FAILED, "disk full"), 0,
	       "restore status");
	ok_int(libvss_bcd_set_backup_succeeded(bcd, w1_class, w1_inst, "pg/15",
					       "main", true), 0,
	       "set_backup_succeeded w1 main");
	ok_int(libvss_bcd_set_backup_succeeded(bcd, w2_class, w2_inst, "",
					       "config", true), 0,
	       "set_backup_succeeded w2 config, \"\" as no logical path");
	ok_int(libvss_bcd_set_backup_succeeded(bcd, w2_class, w2_inst, NULL,
					       "config", false), 0,
	       "set_backup_succeeded w2 config back to false, NULL path");
	ok_int(libvss_bcd_set_backup_succeeded(bcd, w2_class, w1_inst, NULL,
					       "config", true), -ENOENT,
	       "set_backup_succeeded: other instance: -ENOENT");
	ok_int(libvss_bcd_set_backup_succeeded(bcd, w1_class, w1_inst, NULL,
					       "main", true), -ENOENT,
	       "set_backup_succeeded: other logical path: -ENOENT");
	return bcd;
}

static void check(const struct libvss_bcd *bcd, const char *what)
{
	const struct libvss_bcd_writer *w;
	const struct libvss_bcd_component *c;

	ok_int(libvss_bcd_backup_type(bcd), VSS_BACKUP_TYPE_DIFFERENTIAL,
	       "%s: backup type", what);
	ok_int(libvss_bcd_flags(bcd), FLAGS, "%s: flags", what);
	if (!ok_int(libvss_bcd_writer_count(bcd), 2, "%s: 2 writers", what))
		return;
	ok(!libvss_bcd_writer(bcd, 2), "%s: writer 2 is NULL", what);

	w = libvss_bcd_writer(bcd, 0);
	ok_mem(libvss_bcd_writer_class_id(w), w1_class, LIBVSS_ID_SIZE,
	       "%s: w1 class", what);
	ok_mem(libvss_bcd_writer_instance_id(w), w1_inst, LIBVSS_ID_SIZE,
	       "%s: w1 instance", what);
	if (!ok_int(libvss_bcd_writer_component_count(w), 2,
		    "%s: w1 has 2 components", what))
		return;
	ok(!libvss_bcd_writer_component(w, 2), "%s: w1 component 2 is NULL",
	   what);
	c = libvss_bcd_writer_component(w, 0);
	ok_str(libvss_bcd_component_logical_path(c), "pg/15",
	       "%s: main logical path", what);
	ok_str(libvss_bcd_component_name(c), "main", "%s: main name", what);
	ok(libvss_bcd_component_backup_succeeded(c), "%s: main succeeded",
	   what);
	ok_str(libvss_bcd_component_backup_options(c), "compress=zstd",
	       "%s: main options", what);
	ok(!libvss_bcd_component_selected_for_restore(c),
	   "%s: main not selected for restore", what);
	ok_int(libvss_bcd_component_restore_target(c),
	       LIBVSS_RESTORE_TARGET_UNDEFINED, "%s: main target", what);
	ok_int(libvss_bcd_component_restore_status(c),
	       LIBVSS_RESTORE_STATUS_UNDEFINED, "%s: main status", what);
	ok(!libvss_bcd_component_restore_message(c), "%s: main no message",
	   what);
	c = libvss_bcd_writer_component(w, 1);
	ok_str(libvss_bcd_component_name(c), "logs", "%s: logs name", what);
	ok(!libvss_bcd_component_backup_succeeded(c),
	   "%s: logs not succeeded", what);
	ok(!libvss_bcd_component_backup_options(c), "%s: logs no options",
	   what);
	ok(libvss_bcd_component_selected_for_restore(c),
	   "%s: logs selected for restore", what);
	ok_int(libvss_bcd_component_restore_target(c),
	       LIBVSS_RESTORE_TARGET_ALTERNATE, "%s: logs target", what);
	ok_int(libvss_bcd_component_restore_status(c),
	       LIBVSS_RESTORE_STATUS_FAILED, "%s: logs status", what);
	ok_str(libvss_bcd_component_restore_message(c), "disk full",
	       "%s: logs message", what);

	w = libvss_bcd_writer(bcd, 1);
	ok_mem(libvss_bcd_writer_class_id(w), w2_class, LIBVSS_ID_SIZE,
	       "%s: w2 class", what);
	ok_mem(libvss_bcd_writer_instance_id(w), w2_inst, LIBVSS_ID_SIZE,
	       "%s: w2 instance", what);
	if (!ok_int(libvss_bcd_writer_component_count(w), 1,
		    "%s: w2 has 1 component", what))
		return;
	c = libvss_bcd_writer_component(w, 0);
	ok_str(libvss_bcd_component_logical_path(c), "",
	       "%s: config no logical path", what);
	ok(!libvss_bcd_component_backup_succeeded(c),
	   "%s: config not succeeded", what);
}

static void refusals(void)
{
	struct libvss_bcd_component *c = NULL;
	struct libvss_bcd *bcd = NULL;

	ok_int(libvss_bcd_new(VSS_BACKUP_TYPE_OTHER + 1, 0, &bcd), -EINVAL,
	       "new: unknown backup type");
	ok(!bcd, "new: NULL on failure");
	ok_int(libvss_bcd_new(VSS_BACKUP_TYPE_FULL, 8, &bcd), -EINVAL,
	       "new: unknown flag");
	ok_int(libvss_bcd_new(VSS_BACKUP_TYPE_FULL, 0, NULL), -EINVAL,
	       "new: NULL result pointer");
	if (libvss_bcd_new(VSS_BACKUP_TYPE_UNDEFINED, 0, &bcd))
		return;
	ok_int(libvss_bcd_add_component(bcd, w1_class, w1_inst, "p", "",
					NULL), -EINVAL, "empty name");
	ok_int(libvss_bcd_add_component(bcd, w1_class, w1_inst, "p\xff", "n",
					NULL), -EINVAL, "logical path not UTF-8");
	ok_int(libvss_bcd_add_component(bcd, NULL, w1_inst, "p", "n", NULL),
	       -EINVAL, "NULL class id");
	ok_int(libvss_bcd_writer_count(bcd), 0,
	       "refused components leave no writer behind");
	ok_int(libvss_bcd_add_component(bcd, w1_class, w1_inst, "p", "n", &c),
	       0, "p n");
	ok_int(libvss_bcd_add_component(bcd, w1_class, w1_inst, "p", "n",
					NULL), -EEXIST, "p n again: -EEXIST");
	ok_int(libvss_bcd_add_component(bcd, w2_class, w1_inst, "p", "n",
					NULL), 0, "p n of another writer: fine");
	ok_int(libvss_bcd_component_set_restore_target(c, 5), -EINVAL,
	       "restore target 5");
	ok_int(libvss_bcd_component_set_restore_status(c, 4, NULL), -EINVAL,
	       "restore status 4");
	ok_int(libvss_bcd_component_set_restore_status(c,
				LIBVSS_RESTORE_STATUS_ALL, "\x80"), -EINVAL,
	       "restore message not UTF-8");
	ok_int(libvss_bcd_component_restore_status(c),
	       LIBVSS_RESTORE_STATUS_UNDEFINED, "refused status left it");
	ok_int(libvss_bcd_component_set_backup_options(c, "\xf5\x80\x80\x80"),
	       -EINVAL, "options beyond U+10FFFF");
	ok_int(libvss_bcd_component_set_backup_options(c, "x"), 0, "options");
	ok_int(libvss_bcd_component_set_backup_options(c, NULL), 0,
	       "options cleared");
	ok(!libvss_bcd_component_backup_options(c), "options gone");
	ok_int(libvss_bcd_find_component(bcd, w1_class, w1_inst, "p", "m", &c),
	       -ENOENT, "find: not selected");
	ok_int(libvss_bcd_find_component(bcd, w1_class, w1_inst, "p", "n", &c),
	       0, "find: selected");
	ok_int(libvss_bcd_writer_count(bcd), 2, "2 writers");
	libvss_bcd_free(bcd);
	libvss_bcd_free(NULL);
}

int main(void)
{
	struct libvss_bcd *bcd, *back = NULL;
	char *json = NULL, *json2 = NULL;

	bcd = build();
	if (!bcd)
		return tap_done();
	check(bcd, "built");
	ok_int(libvss_bcd_to_json(bcd, &json), 0, "to_json");
	if (json)
		diag("%s", json);
	ok_int(libvss_bcd_parse(json, &back), 0, "parse what to_json wrote");
	if (back) {
		check(back, "parsed");
		ok_int(libvss_bcd_to_json(back, &json2), 0, "to_json again");
		ok_str(json2, json, "the same text again");
		/* The requester's BackupComplete: flags set on a parsed one. */
		ok_int(libvss_bcd_set_backup_succeeded(back, w2_class, w2_inst,
						       NULL, "config", true), 0,
		       "set_backup_succeeded on a parsed document");
	}
	libvss_bcd_free(back);
	libvss_bcd_free(bcd);
	free(json);
	free(json2);

	refusals();
	return tap_done();
}
