// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Backup stamps in the backup components document: a document without
 * one is written exactly as before (no "volumes" member); with them, the
 * exact text, read back to the same tokens; a token that is not one
 * refused when set and when read; a volume twice refused when read, and
 * replaced when set again; the tokens of a snapshot set recorded by
 * origin, -ENODATA if one has none.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "mock.h"
#include "tap.h"
#include <libvss-doc.h>

static const char t1[] =
	"vss1:000102030405060708090a0b0c0d0e0f0102030405060708"
	"00000000400002000000020000010000"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff626b93f5";

static const struct test_token tok = {
	.generation = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	.epoch = 0x0102030405060708ULL,
	.capacity = 0x40000200ULL,
	.logical_block = 512,
	.block_bytes = 65536,
	.origin_uuid = { 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
			 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff },
};

#define HEAD "{\"document\":\"vss-backup-components\",\"version\":1," \
	     "\"backup_type\":\"incremental\",\"options\":{\"select_components\":false," \
	     "\"bootable_system_state\":false,\"partial_file_support\":false}," \
	     "\"writers\":[]"

int main(void)
{
	struct libvss_bcd *bcd, *back;
	struct libvss_snapset *set;
	struct libvss_ctx *ctx;
	struct mock *m;
	char *json, bad[sizeof(t1)];
	const char *vols[2] = { "/dev/vdb", "/dev/vdc" };
	struct test_entry entries[2] = {
		{ .id = { 1 }, .origin = "vdb", .device = "vss-snap1", .token = &tok },
		{ .id = { 2 }, .origin = "vdc", .device = "vss-snap2", .token = &tok },
	};

	ok_int(libvss_bcd_new(VSS_BACKUP_TYPE_INCREMENTAL, 0, &bcd), 0, "new");
	ok_int(libvss_bcd_to_json(bcd, &json), 0, "no stamp: written");
	ok_str(json, HEAD "}", "no stamp: no volumes member, as before");
	free(json);

	ok_int(libvss_bcd_set_volume_token(bcd, "vdb", t1), 0, "stamp vdb");
	ok_int(libvss_bcd_set_volume_token(bcd, "vdc", t1), 0, "stamp vdc");
	memcpy(bad, t1, sizeof(t1));
	bad[20] = bad[20] == '0' ? '1' : '0';
	ok_int(libvss_bcd_set_volume_token(bcd, "vdd", bad), -EINVAL,
	       "a damaged token: -EINVAL");
	ok_int(libvss_bcd_set_volume_token(bcd, "", t1), -EINVAL,
	       "an empty volume: -EINVAL");
	ok_int(libvss_bcd_set_volume_token(bcd, "vdb", t1), 0, "vdb again: replaced");
	ok_int((long long)libvss_bcd_volume_count(bcd), 2, "two volumes");
	ok_int(libvss_bcd_to_json(bcd, &json), 0, "with stamps: written");
	ok_str(json, HEAD ",\"volumes\":[{\"volume\":\"vdb\",\"token\":\"" "vss1:000102030405060708090a0b0c0d0e0f010203040506070800000000400002000000020000010000f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff626b93f5" "\"},{\"volume\":\"vdc\",\"token\":\"" "vss1:000102030405060708090a0b0c0d0e0f010203040506070800000000400002000000020000010000f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff626b93f5" "\"}]}",
	       "with stamps: the exact text");
	if (ok_int(libvss_bcd_parse(json, &back), 0, "read back")) {
		ok_int(libvss_bcd_backup_type(back), VSS_BACKUP_TYPE_INCREMENTAL,
		       "backup type");
		ok_str(libvss_bcd_volume(back, 0), "vdb", "volume 0");
		ok_str(libvss_bcd_volume(back, 1), "vdc", "volume 1");
		ok(libvss_bcd_volume(back, 2) == NULL, "no volume 2");
		ok_str(libvss_bcd_volume_token(back, "vdc"), t1, "vdc's token");
		ok(libvss_bcd_volume_token(back, "vde") == NULL, "vde has none");
		libvss_bcd_free(back);
	}
	free(json);
	libvss_bcd_free(bcd);

	ok_int(libvss_bcd_parse(HEAD ",\"volumes\":[{\"volume\":\"vdb\",\"token\":\"vss1:00\"}]}",
				&back), -EINVAL, "read: a token that is not one");
	ok_int(libvss_bcd_parse(HEAD ",\"volumes\":[{\"volume\":\"vdb\"}]}", &back),
	       -EINVAL, "read: a volume without a token");
	ok_int(libvss_bcd_parse(HEAD ",\"volumes\":[{\"token\":\"x\"}]}", &back),
	       -EINVAL, "read: a token without a volume");
	{
		char *twice = NULL;

		if (asprintf(&twice, HEAD ",\"volumes\":[{\"volume\":\"a\",\"token\":\"%s\"},"
			     "{\"volume\":\"a\",\"token\":\"%s\"}]}", t1, t1) > 0)
			ok_int(libvss_bcd_parse(twice, &back), -EINVAL,
			       "read: a volume twice");
		free(twice);
	}
	ok_int(libvss_bcd_parse(HEAD ",\"volumes\":{}}", &back), -EINVAL,
	       "read: volumes not an array");

	/* From a snapshot set. */
	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();
	mock_queue1(m, 0, build_snapset(entries[0].id, VSS_CONSISTENCY_FROZEN, 1,
					entries, 2, 0, 0, 0));
	mock_queue1(m, 0, build_ack());
	if (ok_int(libvss_snapshot_create(ctx, vols, 2, 0, &set), 0, "a set")) {
		libvss_bcd_new(VSS_BACKUP_TYPE_FULL, 0, &bcd);
		ok_int(libvss_bcd_set_snapset_tokens(bcd, set), 0, "its tokens");
		ok_str(libvss_bcd_volume_token(bcd, "vdb"), t1, "vdb by origin");
		ok_str(libvss_bcd_volume_token(bcd, "vdc"), t1, "vdc by origin");
		libvss_bcd_free(bcd);
		libvss_snapset_free(set);
	}
	entries[1].token = NULL;
	mock_queue1(m, 0, build_snapset(entries[0].id, VSS_CONSISTENCY_FROZEN, 1,
					entries, 2, 0, 0, 0));
	mock_queue1(m, 0, build_ack());
	if (ok_int(libvss_snapshot_create(ctx, vols, 2, 0, &set), 0,
		   "a set with a snapshot without a token")) {
		libvss_bcd_new(VSS_BACKUP_TYPE_FULL, 0, &bcd);
		ok_int(libvss_bcd_set_snapset_tokens(bcd, set), -ENODATA,
		       "-ENODATA");
		libvss_bcd_free(bcd);
		libvss_snapset_free(set);
	}
	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
