// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Both parsers refuse, with -EINVAL and no document, whatever is not a
 * well-formed document of their kind: bad JSON, trailing bytes, non-UTF-8,
 * a document of the other kind, missing or mistyped required fields,
 * unknown enum names, bad ids, duplicates, files of the wrong kind, and
 * embedded NULs; and they accept documents with only the required fields.
 */
#include <errno.h>
#include <stdlib.h>

#include "tap.h"
#include <libvss-doc.h>

#define ID1	"\"01234567-89ab-cdef-fedc-ba9876543210\""
#define WMD	"\"document\":\"vss-writer-metadata\",\"version\":1"
#define BCD	"\"document\":\"vss-backup-components\",\"version\":1"
#define WRITER	"\"writer\":{\"class_id\":" ID1 ",\"instance_id\":" ID1 \
		",\"name\":\"w\"}"

static const struct {
	const char *what;
	const char *json;
} bad_wmd[] = {
	{ "NULL", NULL },
	{ "empty", "" },
	{ "not JSON", "hello" },
	{ "truncated", "{" WMD "," WRITER },
	{ "trailing bytes", "{" WMD "," WRITER "} x" },
	{ "two objects", "{" WMD "," WRITER "}{}" },
	{ "trailing comma (strict)", "{" WMD "," WRITER ",}" },
	{ "single quotes (strict)", "{'document':'vss-writer-metadata'}" },
	{ "invalid UTF-8", "{" WMD "," WRITER ",\"x\":\"\xff\"}" },
	{ "an array", "[" WMD "]" },
	{ "a string", "\"vss-writer-metadata\"" },
	{ "no document", "{\"version\":1," WRITER "}" },
	{ "other document", "{" BCD "," WRITER "}" },
	{ "document not a string", "{\"document\":1,\"version\":1," WRITER "}" },
	{ "no version", "{\"document\":\"vss-writer-metadata\"," WRITER "}" },
	{ "version a string",
	  "{\"document\":\"vss-writer-metadata\",\"version\":\"1\"," WRITER "}" },
	{ "version a double",
	  "{\"document\":\"vss-writer-metadata\",\"version\":1.0," WRITER "}" },
	{ "no writer", "{" WMD "}" },
	{ "writer an array", "{" WMD ",\"writer\":[]}" },
	{ "no class id", "{" WMD ",\"writer\":{\"instance_id\":" ID1
	  ",\"name\":\"w\"}}" },
	{ "bad class id", "{" WMD ",\"writer\":{\"class_id\":\"0123\","
	  "\"instance_id\":" ID1 ",\"name\":\"w\"}}" },
	{ "no name", "{" WMD ",\"writer\":{\"class_id\":" ID1
	  ",\"instance_id\":" ID1 "}}" },
	{ "empty name", "{" WMD ",\"writer\":{\"class_id\":" ID1
	  ",\"instance_id\":" ID1 ",\"name\":\"\"}}" },
	{ "NUL in name", "{" WMD ",\"writer\":{\"class_id\":" ID1
	  ",\"instance_id\":" ID1 ",\"name\":\"a\\u0000b\"}}" },
	{ "unknown restore method", "{" WMD "," WRITER
	  ",\"restore_method\":{\"method\":\"reinstall\"}}" },
	{ "restore method a number", "{" WMD "," WRITER
	  ",\"restore_method\":{\"method\":1}}" },
	{ "reboot_required a number", "{" WMD "," WRITER
	  ",\"restore_method\":{\"reboot_required\":1}}" },
	{ "unknown backup type", "{" WMD "," WRITER
	  ",\"backup_types\":[\"full\",\"snapshot\"]}" },
	{ "backup type other", "{" WMD "," WRITER
	  ",\"backup_types\":[\"other\"]}" },
	{ "backup_types an object", "{" WMD "," WRITER
	  ",\"backup_types\":{}}" },
	{ "components an object", "{" WMD "," WRITER ",\"components\":{}}" },
	{ "component a string", "{" WMD "," WRITER ",\"components\":[\"c\"]}" },
	{ "component without type", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\"}]}" },
	{ "component of unknown type", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\",\"type\":\"volume\"}]}" },
	{ "component without name", "{" WMD "," WRITER
	  ",\"components\":[{\"type\":\"database\"}]}" },
	{ "duplicate component", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\",\"type\":\"database\"},"
	  "{\"name\":\"c\",\"type\":\"file-group\",\"logical_path\":\"\"}]}" },
	{ "file group in a database", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\",\"type\":\"database\","
	  "\"file_groups\":[{\"path\":\"/p\",\"filespec\":\"*\"}]}]}" },
	{ "log files in a file group", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\",\"type\":\"file-group\","
	  "\"log_files\":[{\"path\":\"/p\",\"filespec\":\"*\"}]}]}" },
	{ "files without filespec", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\",\"type\":\"file-group\","
	  "\"file_groups\":[{\"path\":\"/p\"}]}]}" },
	{ "files with an empty path", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\",\"type\":\"file-group\","
	  "\"file_groups\":[{\"path\":\"\",\"filespec\":\"*\"}]}]}" },
	{ "recursive a string", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\",\"type\":\"file-group\","
	  "\"file_groups\":[{\"path\":\"/p\",\"filespec\":\"*\","
	  "\"recursive\":\"yes\"}]}]}" },
	{ "selectable a string", "{" WMD "," WRITER
	  ",\"components\":[{\"name\":\"c\",\"type\":\"database\","
	  "\"selectable\":\"true\"}]}" },
};

static const struct {
	const char *what;
	const char *json;
} bad_bcd[] = {
	{ "NULL", NULL },
	{ "not JSON", "{\"document\"" },
	{ "other document", "{" WMD "}" },
	{ "no version", "{\"document\":\"vss-backup-components\"}" },
	{ "unknown backup type", "{" BCD ",\"backup_type\":\"mirror\"}" },
	{ "backup type a number", "{" BCD ",\"backup_type\":1}" },
	{ "options an array", "{" BCD ",\"options\":[]}" },
	{ "option a string", "{" BCD ",\"options\":{\"select_components\":\"y\"}}" },
	{ "writers an object", "{" BCD ",\"writers\":{}}" },
	{ "writer without instance id", "{" BCD ",\"writers\":[{\"class_id\":"
	  ID1 "}]}" },
	{ "writer twice", "{" BCD ",\"writers\":[{\"class_id\":" ID1
	  ",\"instance_id\":" ID1 "},{\"class_id\":" ID1 ",\"instance_id\":"
	  ID1 "}]}" },
	{ "component without name", "{" BCD ",\"writers\":[{\"class_id\":" ID1
	  ",\"instance_id\":" ID1 ",\"components\":[{\"logical_path\":\"p\"}]}]}" },
	{ "component twice", "{" BCD ",\"writers\":[{\"class_id\":" ID1
	  ",\"instance_id\":" ID1 ",\"components\":[{\"name\":\"n\"},"
	  "{\"name\":\"n\",\"logical_path\":\"\"}]}]}" },
	{ "unknown restore target", "{" BCD ",\"writers\":[{\"class_id\":" ID1
	  ",\"instance_id\":" ID1 ",\"components\":[{\"name\":\"n\","
	  "\"restore_target\":\"elsewhere\"}]}]}" },
	{ "unknown restore status", "{" BCD ",\"writers\":[{\"class_id\":" ID1
	  ",\"instance_id\":" ID1 ",\"components\":[{\"name\":\"n\","
	  "\"restore_status\":\"some\"}]}]}" },
	{ "backup_succeeded null is absent, a number is not",
	  "{" BCD ",\"writers\":[{\"class_id\":" ID1 ",\"instance_id\":" ID1
	  ",\"components\":[{\"name\":\"n\",\"backup_succeeded\":0}]}]}" },
};

int main(void)
{
	struct libvss_wmd *wmd;
	struct libvss_bcd *bcd;
	size_t i;

	for (i = 0; i < sizeof(bad_wmd) / sizeof(bad_wmd[0]); i++) {
		wmd = (struct libvss_wmd *)1;
		ok_int(libvss_wmd_parse(bad_wmd[i].json, &wmd), -EINVAL,
		       "wmd, %s: -EINVAL", bad_wmd[i].what);
		ok(!wmd, "wmd, %s: no document", bad_wmd[i].what);
	}
	for (i = 0; i < sizeof(bad_bcd) / sizeof(bad_bcd[0]); i++) {
		bcd = (struct libvss_bcd *)1;
		ok_int(libvss_bcd_parse(bad_bcd[i].json, &bcd), -EINVAL,
		       "bcd, %s: -EINVAL", bad_bcd[i].what);
		ok(!bcd, "bcd, %s: no document", bad_bcd[i].what);
	}
	ok_int(libvss_wmd_parse("{}", NULL), -EINVAL, "wmd: NULL result");
	ok_int(libvss_bcd_parse("{}", NULL), -EINVAL, "bcd: NULL result");

	/* The least that is a document, with nulls for optional fields. */
	ok_int(libvss_wmd_parse("{" WMD "," WRITER ",\"restore_method\":null,"
				"\"components\":null}", &wmd), 0,
	       "wmd: only the writer's identity");
	libvss_wmd_free(wmd);
	ok_int(libvss_wmd_parse(" {" WMD "," WRITER "}\n", &wmd), 0,
	       "wmd: white space around");
	libvss_wmd_free(wmd);
	ok_int(libvss_bcd_parse("{" BCD "}", &bcd), 0, "bcd: nothing but "
	       "document and version");
	if (bcd) {
		ok_int(libvss_bcd_backup_type(bcd), VSS_BACKUP_TYPE_UNDEFINED,
		       "bcd: backup type defaults to undefined");
		ok_int(libvss_bcd_writer_count(bcd), 0, "bcd: no writer");
	}
	libvss_bcd_free(bcd);
	ok_int(libvss_bcd_parse("{" BCD ",\"writers\":[{\"class_id\":" ID1
				",\"instance_id\":" ID1 "}]}", &bcd), 0,
	       "bcd: a writer without components");
	if (bcd)
		ok_int(libvss_bcd_writer_component_count(libvss_bcd_writer(bcd, 0)),
		       0, "bcd: its component count is 0");
	libvss_bcd_free(bcd);
	return tap_done();
}
