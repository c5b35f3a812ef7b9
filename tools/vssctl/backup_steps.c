// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup`: the VSS requester's steps, in order. GatherWriterMetadata,
 * PrepareForBackup with the backup components document of the selected
 * writers, DoSnapshotSet, the changed extents of each volume, then
 * BackupComplete with COMMAND's outcome, DeleteSnapshots and the release
 * (BackupShutdown).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libvss-doc.h>

#include "backup.h"
#include "backup_cbt.h"
#include "vssctl.h"

/* The writers that failed, one line each. */
static void report_writer_failures(const struct backup *bk)
{
	unsigned int i;

	for (i = 0; i < libvss_backup_writer_count(bk->b); i++) {
		const struct libvss_writer_info *w = libvss_backup_writer(bk->b, i);
		uint32_t f = libvss_writer_info_failure(w);

		if (f == VSS_WRITER_FAILURE_NONE)
			continue;
		say("writer %s%s: %s, failure %s%s%s", libvss_writer_info_name(w),
		    libvss_writer_info_selected(w) ? "" : " (not selected)",
		    name_or(libvss_writer_state_name(libvss_writer_info_state(w)), "?"),
		    name_or(libvss_writer_failure_name(f), "?"),
		    *libvss_writer_info_message(w) ? ": " : "",
		    libvss_writer_info_message(w));
	}
}

int backup_gather(struct backup *bk)
{
	struct libvss_async *a;
	unsigned int i, n;
	int err;

	err = libvss_backup_gather_metadata(bk->b, &a);
	err = backup_finish(bk, "GatherWriterMetadata", err, a);
	if (err)
		return err;
	n = libvss_backup_writer_count(bk->b);
	fflush(stdout);
	fprintf(stderr, "vssctl: session %u: %u writer%s", libvss_backup_id(bk->b),
		n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const struct libvss_writer_info *w = libvss_backup_writer(bk->b, i);

		fprintf(stderr, "%s %s (%s)", i ? "," : ":", libvss_writer_info_name(w),
			name_or(libvss_writer_level_name(libvss_writer_info_level(w)), "?"));
	}
	fputc('\n', stderr);
	return 0;
}

static bool listed(const char *name, const char **list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

/* Whether a writer takes part as selected, by the options. */
static bool selected(const struct backup *bk, const struct libvss_writer_info *w)
{
	const char *name = libvss_writer_info_name(w);

	if (bk->nr_writers && !listed(name, bk->writers, bk->nr_writers))
		return false;
	return !listed(name, bk->excluded, bk->nr_excluded);
}

/* Every --writer names a writer that takes part; --exclude-writer may not. */
static int check_names(struct backup *bk)
{
	unsigned int i, j, n = libvss_backup_writer_count(bk->b);
	bool found;

	for (j = 0; j < bk->nr_writers + bk->nr_excluded; j++) {
		bool include = j < bk->nr_writers;
		const char *name = include ? bk->writers[j] :
					     bk->excluded[j - bk->nr_writers];

		found = false;
		for (i = 0; i < n && !found; i++)
			found = !strcmp(name, libvss_writer_info_name(libvss_backup_writer(bk->b, i)));
		if (found)
			continue;
		if (!include) {
			say("warning: --exclude-writer %s: no such writer takes part", name);
			continue;
		}
		say("--writer %s: no such writer takes part in the backup", name);
		vssctl_hint("vssctl writer list shows the registered writers");
		return -ENOENT;
	}
	return 0;
}

/* Adds every component of the writer @w to the document. */
static int add_components(struct backup *bk, const struct libvss_writer_info *w)
{
	struct libvss_wmd *wmd;
	const char *doc = NULL;
	size_t i;
	int err;

	err = libvss_backup_writer_metadata(bk->b, libvss_writer_info_id(w), &doc);
	if (err || !doc)
		return 0;	/* nothing said, nothing to mark */
	err = libvss_wmd_parse(doc, &wmd);
	if (err) {
		say("warning: writer %s: metadata unreadable (%s): its components are not in the document",
		    libvss_writer_info_name(w), strerror(-err));
		return 0;
	}
	for (i = 0; !err && i < libvss_wmd_component_count(wmd); i++) {
		const struct libvss_wmd_component *c = libvss_wmd_component(wmd, i);

		err = libvss_bcd_add_component(bk->bcd, libvss_writer_info_class_id(w),
					       libvss_writer_info_instance_id(w),
					       libvss_wmd_component_logical_path(c),
					       libvss_wmd_component_name(c), NULL);
		if (err == -EEXIST)	/* two instances with the same ids */
			err = 0;
	}
	libvss_wmd_free(wmd);
	return err;
}

static int set_document(struct backup *bk)
{
	char *json;
	int err = libvss_bcd_to_json(bk->bcd, &json);

	if (err) {
		vssctl_lib_error(NULL, err, "cannot write the backup components document");
		return err;
	}
	err = libvss_backup_set_document(bk->b, json);
	free(json);
	if (err)
		vssctl_lib_error(bk->ctx, err, "cannot set the backup components document");
	return err;
}

/* Selection, the document, PrepareForBackup. */
int backup_prepare(struct backup *bk)
{
	bool chosen = bk->nr_writers || bk->nr_excluded;
	struct libvss_async *a;
	unsigned int i;
	int err;

	err = check_names(bk);
	if (err)
		return err;
	err = libvss_bcd_new(bk->type, LIBVSS_BCD_F_SELECT_COMPONENTS, &bk->bcd);
	for (i = 0; !err && i < libvss_backup_writer_count(bk->b); i++) {
		const struct libvss_writer_info *w = libvss_backup_writer(bk->b, i);

		if (!selected(bk, w))
			continue;
		bk->nr_selected++;
		if (chosen)
			err = libvss_backup_select_writer(bk->b, libvss_writer_info_id(w));
		if (!err)
			err = add_components(bk, w);
	}
	if (err) {
		vssctl_lib_error(bk->ctx, err, "cannot select the writers' components");
		return err;
	}
	if (chosen)
		say("%u writer%s selected", bk->nr_selected,
		    bk->nr_selected == 1 ? "" : "s");
	err = libvss_backup_set_type(bk->b, bk->type);
	if (!err)
		err = set_document(bk);
	if (err)
		return err;
	err = libvss_backup_prepare(bk->b, &a);
	return backup_finish(bk, "PrepareForBackup", err, a);
}

/* Freeze by level, front-end first; Thaw is the reverse. */
static void print_freeze_order(const struct backup *bk)
{
	static const uint32_t levels[] = {
		VSS_WRITER_LEVEL_FRONT_END, VSS_WRITER_LEVEL_BACK_END,
		VSS_WRITER_LEVEL_SYSTEM,
	};
	unsigned int i, l, n = libvss_backup_writer_count(bk->b), k = 0;

	if (!n)
		return;
	fflush(stdout);
	fputs("vssctl: events: PrepareForSnapshot, Freeze", stderr);
	for (l = 0; l < 3; l++)
		for (i = 0; i < n; i++) {
			const struct libvss_writer_info *w = libvss_backup_writer(bk->b, i);

			if (libvss_writer_info_level(w) == levels[l])
				fprintf(stderr, "%s%s", k++ ? ", " : " ",
					libvss_writer_info_name(w));
		}
	fputs(", snapshot, Thaw in reverse, PostSnapshot\n", stderr);
}

static void snapshot_hint(int err)
{
	if (err == -ENOSPC || err == -ENOENT)
		vssctl_hint("a volume has no diff storage, and none could be added for it (see above): vssctl storage add DEVICE --max SIZE");
	else if (err == -EREMOTEIO)
		vssctl_hint("a selected writer vetoed; --exclude-writer NAME leaves it out of the document and the veto");
}

/* DoSnapshotSet refused with EAGAIN is tried again, for up to 10 s. */
#define SNAPSET_TRIES	50

int backup_do_snapshot_set(struct backup *bk)
{
	const struct libvss_snapset *set;
	struct libvss_async *a;
	unsigned int i, tries;
	char buf[32];
	int err;

	libvss_backup_start_snapshot_set(bk->b);
	for (i = 0; i < bk->nr_vols; i++) {
		err = libvss_backup_add_volume(bk->b, bk->vols[i].arg);
		if (err) {
			vssctl_lib_error(bk->ctx, err, "cannot add %s", bk->vols[i].arg);
			return err;
		}
	}
	/*
	 * Strict: a selected writer's failure fails the set. Not when every
	 * writer is excluded: the module cannot be told "none", only "all".
	 */
	for (tries = 1;; tries++) {
		err = libvss_backup_do_snapshot_set(bk->b, VSS_SESSION_F_WAIT |
						    (bk->nr_selected ? VSS_SESSION_F_STRICT : 0),
						    &a);
		err = backup_finish(bk, "DoSnapshotSet", err, a);
		/*
		 * A volume's diff storage still being added (just now, by
		 * vssctl_auto_storage_add() or by someone else): refused
		 * before any writer heard of the set, the session still
		 * prepared.
		 */
		if (err != -EAGAIN || bk->signo || tries == SNAPSET_TRIES)
			break;
		say("retrying DoSnapshotSet in 200 ms (%u of %u)", tries, SNAPSET_TRIES - 1);
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
	}
	if (err) {
		if (!bk->signo) {
			report_writer_failures(bk);
			snapshot_hint(err);
		}
		return err;
	}
	print_freeze_order(bk);
	set = libvss_backup_snapset(bk->b);
	bk->have_set = true;
	libvss_id_to_string(libvss_snapset_id(set), bk->set_id);
	say("set %s: consistency %s, freeze window %s", bk->set_id,
	    name_or(libvss_consistency_name(libvss_snapset_consistency(set)), "?"),
	    vssctl_ms_str(libvss_snapset_freeze_window_ns(set), buf,
			  sizeof(buf)));
	report_writer_failures(bk);
	/* The module keeps the order of the volumes. */
	for (i = 0; i < bk->nr_vols && i < libvss_snapset_count(set); i++) {
		struct volume *v = &bk->vols[i];

		snprintf(v->origin, sizeof(v->origin), "/dev/%s",
			 libvss_snapset_entry_origin(set, i));
		snprintf(v->device, sizeof(v->device), "/dev/%s",
			 libvss_snapset_entry_device(set, i));
		libvss_id_to_string(libvss_snapset_entry_id(set, i), v->snapshot_id);
	}
	return 0;
}

/*
 * Per volume: the new token, and the extents changed since --since in a
 * file beside the mounts (RUN_DIR/backup-SETID/changes-N, in vssctl's
 * mount namespace: COMMAND reads it, it goes with the namespace). A volume
 * without --since, or whose token the module can no longer vouch for
 * (ESTALE), is marked for a full copy.
 */
int backup_changes_all(struct backup *bk)
{
	const struct libvss_snapset *set = libvss_backup_snapset(bk->b);
	unsigned int i;
	int err;

	for (i = 0; i < bk->nr_vols && i < libvss_snapset_count(set); i++) {
		struct volume *v = &bk->vols[i];

		v->full = true;
		if (libvss_snapset_entry_token(set, i, v->token, sizeof(v->token)))
			v->token[0] = '\0';	/* a module without tracking */
		if (!v->since || !v->token[0])
			continue;
		snprintf(v->changes, sizeof(v->changes), "%s/changes-%u",
			 bk->base, i);
		err = vssctl_changes_file(bk->ctx, libvss_snapset_entry_id(set, i),
					  v->since, v->changes, v->arg, &v->full);
		if (err || v->full)
			v->changes[0] = '\0';
		if (err)
			return err;
	}
	/* The backup stamp: writers see the new tokens with BackupComplete. */
	err = libvss_bcd_set_snapset_tokens(bk->bcd, set);
	return err == -ENODATA ? 0 : err;
}

/* Marks every component with COMMAND's outcome; BackupComplete. */
int backup_complete(struct backup *bk, bool succeeded)
{
	struct libvss_async *a;
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < libvss_bcd_writer_count(bk->bcd); i++) {
		const struct libvss_bcd_writer *w = libvss_bcd_writer(bk->bcd, i);

		for (j = 0; !err && j < libvss_bcd_writer_component_count(w); j++) {
			const struct libvss_bcd_component *c =
				libvss_bcd_writer_component(w, j);

			err = libvss_bcd_set_backup_succeeded(bk->bcd,
							      libvss_bcd_writer_class_id(w),
							      libvss_bcd_writer_instance_id(w),
							      libvss_bcd_component_logical_path(c),
							      libvss_bcd_component_name(c),
							      succeeded);
		}
	}
	if (err) {
		vssctl_lib_error(NULL, err, "cannot mark the components");
		return err;
	}
	err = set_document(bk);
	if (err)
		return err;
	err = libvss_backup_complete(bk->b, &a);
	err = backup_finish(bk, "BackupComplete", err, a);
	if (!err) {
		bk->completed = true;
		say("BackupComplete: components marked %s",
		    succeeded ? "backed up" : "failed");
	}
	return err;
}

/* Unmounts, deletes the snapshots, releases the session. 0 or -errno. */
int backup_cleanup(struct backup *bk)
{
	unsigned int count = 0;
	int err, ret;

	ret = backup_unexpose_all(bk);
	if (bk->have_set && bk->b) {
		err = libvss_backup_delete_snapshots(bk->b, &count);
		if (err && err != -ENOENT) {
			vssctl_lib_error(bk->ctx, err, "DeleteSnapshots");
			ret = err;
		} else {
			say("%u snapshot%s deleted", count, count == 1 ? "" : "s");
		}
	}
	/* Release: BackupShutdown to every writer. */
	libvss_backup_free(bk->b);
	bk->b = NULL;
	return ret;
}
