// SPDX-License-Identifier: GPL-2.0
/*
 * vss-test-backup: one full backup through libvss, for the selftests of the
 * writers that ship with vss (vss_hookd.sh, sqlite_writer.sh), until
 * `vssctl backup` exists; the tests call it from one function each, so the
 * swap is local.
 *
 *   vss-test-backup [--select NAME]... [--strict] [--exec CMD] VOLUME...
 *
 * Identify, PrepareForBackup (full; the writers named by --select are the
 * selected ones, all if none), DoSnapshotSet of the volumes (strict with
 * --strict), then CMD through sh -c with VSS_SET_ID and VSS_SNAPSHOT_<n>
 * (the snapshot devices) in its environment, BackupComplete, release.
 * Prints one line per fact, for the tests to match exactly:
 *
 *   writer NAME id ID
 *   metadata NAME JSON                  its writer metadata document
 *   request_ns NS                       CLOCK_MONOTONIC just before DoSnapshotSet
 *   do-snapshot-set ok
 *   do-snapshot-set error ERRNO status STATUS message MESSAGE
 *   set ID
 *   snapshot ORIGIN DEVICE
 *   status NAME STATE FAILURE ERROR MESSAGE    each writer after DoSnapshotSet
 *   backup-complete ok
 *
 * Exit: 0 backup done, 1 an operation failed, 2 usage, 3 CMD failed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvss.h>

#define OP_TIMEOUT_MS	300000
#define MAX_SELECT	8

static struct libvss_ctx *ctx;

static const char *errname(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "?";
}

/* Waits for @a, frees it; prints the failure the way the tests match it. */
static int finish(const char *what, int err, struct libvss_async *a)
{
	int result = 0;

	if (err) {
		printf("%s error %s status %s message %s\n", what, errname(err),
		       libvss_status_name((uint32_t)libvss_ext_status(ctx)) ?: "?",
		       libvss_ext_error(ctx) ?: strerror(-err));
		return err;
	}
	err = libvss_async_wait(a, OP_TIMEOUT_MS);
	if (!err && libvss_async_status(a, &result) != LIBVSS_ASYNC_FINISHED)
		result = -ETIMEDOUT;
	if (err)
		result = err;
	if (result)
		printf("%s error %s status %s message %s\n", what, errname(result),
		       libvss_status_name((uint32_t)libvss_async_vss_status(a)) ?: "?",
		       libvss_async_message(a) ?: strerror(-result));
	else
		printf("%s ok\n", what);
	libvss_async_free(a);
	return result;
}

static void print_status(struct libvss_backup *b)
{
	unsigned int i;

	for (i = 0; i < libvss_backup_writer_count(b); i++) {
		const struct libvss_writer_info *w = libvss_backup_writer(b, i);

		printf("status %s %s %s %u %s\n", libvss_writer_info_name(w),
		       libvss_writer_state_name(libvss_writer_info_state(w)) ?: "?",
		       libvss_writer_failure_name(libvss_writer_info_failure(w)) ?: "?",
		       libvss_writer_info_error(w),
		       libvss_writer_info_message(w) ?: "");
	}
}

static int run_cmd(const char *cmd, const struct libvss_snapset *set)
{
	char id[LIBVSS_ID_STRING_SIZE], name[32];
	unsigned int i;
	int st;

	setenv("VSS_SET_ID", libvss_id_to_string(libvss_snapset_id(set), id), 1);
	for (i = 0; i < libvss_snapset_count(set); i++) {
		char dev[128];

		snprintf(name, sizeof(name), "VSS_SNAPSHOT_%u", i);
		snprintf(dev, sizeof(dev), "/dev/%s",
			 libvss_snapset_entry_device(set, i));
		setenv(name, dev, 1);
	}
	fflush(stdout);
	st = system(cmd);
	return st == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "select", required_argument, NULL, 's' },
		{ "strict", no_argument, NULL, 'S' },
		{ "exec", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *select[MAX_SELECT], *cmd = NULL;
	char id[LIBVSS_ID_STRING_SIZE];
	unsigned int nselect = 0, i, j;
	uint32_t flags = 0;
	const struct libvss_snapset *set;
	struct libvss_backup *b;
	struct libvss_async *a;
	struct timespec ts;
	int c, err, ret = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (nselect == MAX_SELECT)
				return 2;
			select[nselect++] = optarg;
			break;
		case 'S': flags |= VSS_SESSION_F_STRICT; break;
		case 'e': cmd = optarg; break;
		default: return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: vss-test-backup [--select NAME]... [--strict] [--exec CMD] VOLUME...\n");
		return 2;
	}
	err = libvss_open(&ctx);
	if (err) {
		fprintf(stderr, "libvss_open: %s\n", strerror(-err));
		return 1;
	}
	err = libvss_backup_new(ctx, &b);
	if (err) {
		fprintf(stderr, "libvss_backup_new: %s\n", strerror(-err));
		libvss_close(ctx);
		return 1;
	}
	err = libvss_backup_gather_metadata(b, &a);
	if (finish("gather-metadata", err, a))
		goto out;
	for (i = 0; i < libvss_backup_writer_count(b); i++) {
		const struct libvss_writer_info *w = libvss_backup_writer(b, i);

		const char *doc = NULL;

		printf("writer %s id %u\n", libvss_writer_info_name(w),
		       libvss_writer_info_id(w));
		if (!libvss_backup_writer_metadata(b, libvss_writer_info_id(w), &doc) &&
		    doc)
			printf("metadata %s %s\n", libvss_writer_info_name(w), doc);
		for (j = 0; j < nselect; j++)
			if (!strcmp(select[j], libvss_writer_info_name(w)))
				libvss_backup_select_writer(b, libvss_writer_info_id(w));
	}
	libvss_backup_set_type(b, VSS_BACKUP_TYPE_FULL);
	err = libvss_backup_prepare(b, &a);
	if (finish("prepare-backup", err, a))
		goto out;
	err = libvss_backup_start_snapshot_set(b);
	for (i = optind; !err && i < (unsigned int)argc; i++)
		err = libvss_backup_add_volume(b, argv[i]);
	if (err) {
		printf("add-volume error %s message %s\n", errname(err),
		       libvss_ext_error(ctx) ?: strerror(-err));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("request_ns %llu\n",
	       (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec);
	err = libvss_backup_do_snapshot_set(b, flags, &a);
	err = finish("do-snapshot-set", err, a);
	print_status(b);
	if (err)
		goto out;
	set = libvss_backup_snapset(b);
	printf("set %s\n", libvss_id_to_string(libvss_snapset_id(set), id));
	for (i = 0; i < libvss_snapset_count(set); i++)
		printf("snapshot %s /dev/%s\n", libvss_snapset_entry_origin(set, i),
		       libvss_snapset_entry_device(set, i));
	if (cmd && run_cmd(cmd, set)) {
		printf("exec failed\n");
		ret = 3;
		goto out;
	}
	err = libvss_backup_complete(b, &a);
	if (finish("backup-complete", err, a))
		goto out;
	ret = 0;
out:
	libvss_backup_free(b);	/* Release: BackupShutdown, snapshots gone */
	libvss_close(ctx);
	return ret;
}
