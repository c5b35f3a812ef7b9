// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Versions and forward compatibility: a document of another major version
 * is refused with -EPROTONOSUPPORT (not -EINVAL: the caller can tell "too
 * new" from "broken"), before its body is looked at; members this library
 * does not know, at any level, are ignored; what is written carries
 * "version": LIBVSS_DOC_VERSION.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <libvss-doc.h>

#define ID1	"\"01234567-89ab-cdef-fedc-ba9876543210\""

static const char *const versions[] = { "0", "2", "-1", "4294967297" };

int main(void)
{
	static const uint8_t id[LIBVSS_ID_SIZE] = { 1 };
	struct libvss_wmd *wmd;
	struct libvss_bcd *bcd;
	char buf[512], *json;
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		snprintf(buf, sizeof(buf),
			 "{\"document\":\"vss-writer-metadata\",\"version\":%s,"
			 "\"writer\":{\"class_id\":" ID1 ",\"instance_id\":" ID1
			 ",\"name\":\"w\"}}", versions[i]);
		ok_int(libvss_wmd_parse(buf, &wmd), -EPROTONOSUPPORT,
		       "wmd version %s: -EPROTONOSUPPORT", versions[i]);
		ok(!wmd, "wmd version %s: no document", versions[i]);
		snprintf(buf, sizeof(buf),
			 "{\"document\":\"vss-backup-components\",\"version\":%s}",
			 versions[i]);
		ok_int(libvss_bcd_parse(buf, &bcd), -EPROTONOSUPPORT,
		       "bcd version %s: -EPROTONOSUPPORT", versions[i]);
		ok(!bcd, "bcd version %s: no document", versions[i]);
	}
	/* A version 2 may change everything: its body is not judged. */
	ok_int(libvss_wmd_parse("{\"document\":\"vss-writer-metadata\","
				"\"version\":2,\"writer\":\"w\"}", &wmd),
	       -EPROTONOSUPPORT, "wmd version 2 with another schema");
	ok_int(libvss_bcd_parse("{\"document\":\"vss-backup-components\","
				"\"version\":2,\"writers\":7}", &bcd),
	       -EPROTONOSUPPORT, "bcd version 2 with another schema");

	ok_int(libvss_wmd_parse(
		"{\"document\":\"vss-writer-metadata\",\"version\":1,"
		"\"generator\":{\"name\":\"x\"},"
		"\"writer\":{\"class_id\":" ID1 ",\"instance_id\":" ID1
		",\"name\":\"w\",\"pid\":42},"
		"\"restore_method\":{\"method\":\"custom\",\"future\":[1,2]},"
		"\"components\":[{\"name\":\"c\",\"type\":\"file-group\","
		"\"icon\":\"AAAA\",\"file_groups\":[{\"path\":\"/p\","
		"\"filespec\":\"*\",\"checksum\":\"sha256\"}],"
		"\"stream_files\":[{\"path\":\"/s\"}]}]}", &wmd), 0,
	       "wmd: unknown members at every level are ignored");
	if (wmd) {
		ok_int(libvss_wmd_restore_method(wmd), LIBVSS_RESTORE_CUSTOM,
		       "wmd: known members still read");
		ok_int(libvss_wmd_files_count(libvss_wmd_component(wmd, 0),
					      LIBVSS_FILES_GROUP), 1,
		       "wmd: the file group read");
	}
	libvss_wmd_free(wmd);
	ok_int(libvss_bcd_parse(
		"{\"document\":\"vss-backup-components\",\"version\":1,"
		"\"backup_type\":\"log\",\"options\":{\"select_components\":true,"
		"\"new_option\":true},\"session\":7,"
		"\"writers\":[{\"class_id\":" ID1 ",\"instance_id\":" ID1
		",\"name\":\"w\",\"components\":[{\"name\":\"n\","
		"\"backup_stamp\":\"x\",\"backup_succeeded\":true}]}]}", &bcd), 0,
	       "bcd: unknown members at every level are ignored");
	if (bcd) {
		ok_int(libvss_bcd_backup_type(bcd), VSS_BACKUP_TYPE_LOG,
		       "bcd: backup type read");
		ok_int(libvss_bcd_flags(bcd), LIBVSS_BCD_F_SELECT_COMPONENTS,
		       "bcd: known option read, unknown one ignored");
		ok(libvss_bcd_component_backup_succeeded(
			libvss_bcd_writer_component(libvss_bcd_writer(bcd, 0), 0)),
		   "bcd: succeeded flag read");
	}
	libvss_bcd_free(bcd);

	if (libvss_wmd_new(id, id, "w", NULL, &wmd) == 0) {
		ok_int(libvss_wmd_to_json(wmd, &json), 0, "wmd to_json");
		ok(json && strstr(json, "\"version\":1,"), "wmd: version 1 written");
		free(json);
		libvss_wmd_free(wmd);
	}
	if (libvss_bcd_new(VSS_BACKUP_TYPE_FULL, 0, &bcd) == 0) {
		ok_int(libvss_bcd_to_json(bcd, &json), 0, "bcd to_json");
		ok(json && strstr(json, "\"version\":1,"), "bcd: version 1 written");
		free(json);
		libvss_bcd_free(bcd);
	}
	ok_int(LIBVSS_DOC_VERSION, 1, "LIBVSS_DOC_VERSION is 1");
	return tap_done();
}
