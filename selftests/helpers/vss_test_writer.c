// SPDX-License-Identifier: GPL-2.0
/*
 * A libvss writer for the shell selftests (vssctl_backup.sh): registers as
 * NAME (back-end) with one file-group component "data", appends each event
 * it gets to LOG, one line each ("freeze"), BackupComplete with its
 * component's backup-succeeded flag from the backup components document
 * ("backup-complete data=true"), and answers success, or with "veto" a
 * retryable failure at Freeze; with "slow" it takes 3 s to answer Freeze.
 * "ready" goes to LOG once registered. Runs until killed.
 *
 *   vss_test_writer NAME LOG [veto|slow]
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <libvss.h>
#include <libvss-doc.h>

struct tw {
	const char *log;
	uint8_t class_id[LIBVSS_ID_SIZE], instance_id[LIBVSS_ID_SIZE];
	int veto, slow;
};

static void log_line(const struct tw *t, const char *line, const char *extra)
{
	FILE *f = fopen(t->log, "a");

	if (!f)
		return;
	fprintf(f, "%s%s\n", line, extra);
	fclose(f);
}

/* " data=true", " data=false", or what is wrong with the document. */
static const char *succeeded(const struct tw *t, const char *doc)
{
	struct libvss_bcd_component *c;
	struct libvss_bcd *bcd;
	const char *s;

	if (!doc || libvss_bcd_parse(doc, &bcd))
		return " no-document";
	if (libvss_bcd_find_component(bcd, t->class_id, t->instance_id, "",
				      "data", &c))
		s = " data-not-selected";
	else
		s = libvss_bcd_component_backup_succeeded(c) ? " data=true" :
							       " data=false";
	libvss_bcd_free(bcd);
	return s;
}

static uint32_t record(struct libvss_writer *w, const struct libvss_event *ev,
		       void *data)
{
	const struct tw *t = data;
	uint32_t type = libvss_event_type(ev);

	log_line(t, libvss_event_name(type),
		 type == VSS_EVENT_BACKUP_COMPLETE ?
		 succeeded(t, libvss_event_document(ev)) : "");
	if (type == VSS_EVENT_FREEZE && t->slow)
		sleep(3);
	if (type == VSS_EVENT_FREEZE && t->veto) {
		libvss_writer_set_failure(w, EAGAIN, "test veto");
		return VSS_WRITER_FAILURE_RETRYABLE;
	}
	return VSS_WRITER_FAILURE_NONE;
}

static const struct libvss_writer_ops ops = {
	.on_identify = record, .on_prepare_backup = record,
	.on_prepare_snapshot = record, .on_freeze = record, .on_thaw = record,
	.on_post_snapshot = record, .on_abort = record,
	.on_backup_complete = record, .on_backup_shutdown = record,
};

int main(int argc, char **argv)
{
	struct libvss_wmd_component *comp;
	struct libvss_writer *w = NULL;
	struct libvss_ctx *ctx;
	struct libvss_wmd *wmd;
	struct pollfd pfd = { .events = POLLIN };
	struct tw t = { 0 };
	char *json = NULL;
	int err;

	if (argc < 3 || argc > 4 ||
	    (argc == 4 && strcmp(argv[3], "veto") && strcmp(argv[3], "slow"))) {
		fprintf(stderr, "usage: %s NAME LOG [veto|slow]\n", argv[0]);
		return 2;
	}
	t.log = argv[2];
	t.veto = argc == 4 && !strcmp(argv[3], "veto");
	t.slow = argc == 4 && !strcmp(argv[3], "slow");
	if (getrandom(t.class_id, LIBVSS_ID_SIZE, 0) != LIBVSS_ID_SIZE ||
	    getrandom(t.instance_id, LIBVSS_ID_SIZE, 0) != LIBVSS_ID_SIZE)
		return 1;
	err = libvss_wmd_new(t.class_id, t.instance_id, argv[1], NULL, &wmd);
	if (!err)
		err = libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_FILE_GROUP,
					       NULL, "data", NULL,
					       LIBVSS_COMPONENT_F_SELECTABLE,
					       &comp);
	if (!err)
		err = libvss_wmd_add_file_group(comp, "/", "*", true, NULL);
	if (!err)
		err = libvss_wmd_to_json(wmd, &json);
	libvss_wmd_free(wmd);
	if (!err)
		err = libvss_open(&ctx);
	if (!err)
		err = libvss_writer_new(ctx, &ops, &t, &w);
	if (!err)
		err = libvss_writer_set_metadata(w, json);
	if (!err)
		err = libvss_writer_register(w, t.class_id, t.instance_id, argv[1],
					     VSS_WRITER_LEVEL_BACK_END);
	free(json);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	log_line(&t, "ready", "");
	pfd.fd = libvss_fd(ctx);
	while (poll(&pfd, 1, -1) >= 0 && libvss_process(ctx) >= 0)
		;
	libvss_writer_free(w);
	libvss_close(ctx);
	return 1;
}
