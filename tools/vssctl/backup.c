// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup VOLUME... -- COMMAND [ARGS]`: a whole backup as a VSS
 * requester, around a command that copies the data.
 *
 * GatherWriterMetadata, PrepareForBackup with a backup components document
 * that lists every component of the selected writers, DoSnapshotSet of
 * the volumes (strict: a selected writer's veto fails it), then each
 * snapshot is mounted read-only (raw volumes are passed as devices) and
 * COMMAND runs (posix_spawn: no shell) with the mounts in its environment
 * and arguments. Its exit
 * status marks the components backed up or not in the document sent with
 * BackupComplete; then unmount, DeleteSnapshots and release, which sends
 * BackupShutdown. vssctl exits with COMMAND's status.
 *
 * The mounts live in a mount namespace of vssctl's own, on a tmpfs over
 * /run/vss: COMMAND and its children see them, nobody else does, and the
 * kernel takes them away when the last of these processes ends, even if
 * vssctl is SIGKILLed (the session, and with it the snapshots, goes with
 * vssctl's socket). So nothing is ever left mounted.
 *
 * Signals are read from a signalfd, polled together with the library's
 * fd: waits are never blocked in the library. SIGINT, SIGTERM or SIGHUP
 * while an operation runs cancels it (AbortBackup); while COMMAND runs,
 * it is forwarded to COMMAND's process group (a second one sends SIGKILL),
 * the session is aborted, and after COMMAND is gone everything is cleaned
 * up; vssctl then exits 128 + the signal's number.
 *
 * This file is the command: the order of the steps, the -j summary and
 * the manual. Each step lives in a file of its own (backup.h lists them).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libvss-doc.h>

#include "backup.h"
#include "backup_storage.h"
#include "print.h"
#include "vssctl.h"

void say(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vssctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *sig_name(int sig)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "SIG%s", name_or(sigabbrev_np(sig), "?"));
	return buf;
}

/* The -j summary. */
static void print_summary(const struct backup *bk, int code)
{
	unsigned int i;

	new_json_obj();
	print_string(PRINT_JSON, "set_id", NULL, bk->have_set ? bk->set_id : "");
	print_string(PRINT_JSON, "backup_type", NULL,
		     name_or(libvss_backup_type_name(bk->type), ""));
	open_json_array(PRINT_JSON, "volumes");
	for (i = 0; i < bk->nr_vols; i++) {
		const struct volume *v = &bk->vols[i];

		open_json_object(NULL);
		print_string(PRINT_JSON, "volume", NULL, v->arg);
		print_string(PRINT_JSON, "origin", NULL, v->origin);
		print_string(PRINT_JSON, "device", NULL, v->device);
		print_string(PRINT_JSON, "snapshot_id", NULL, v->snapshot_id);
		print_string(PRINT_JSON, "fstype", NULL, v->fs ? v->fs->name : "");
		print_string(PRINT_JSON, "mount", NULL, v->fs ? v->dir : "");
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
	if (bk->command_status >= 0)
		print_uint(PRINT_JSON, "command_status", NULL,
			   (unsigned int)bk->command_status);
	print_bool(PRINT_JSON, "backup_complete", NULL, bk->completed);
	print_string(PRINT_JSON, "signal", NULL,
		     bk->signo ? sig_name(bk->signo) : "");
	print_uint(PRINT_JSON, "exit_status", NULL, (unsigned int)code);
	delete_json_obj();
}

/* ---- the command ---- */

static int cmd_backup(int argc, char **argv)
{
	struct backup *bk;
	sigset_t sigs, ttou;
	int ret, err;

	bk = calloc(1, sizeof(*bk));
	if (!bk)
		return vssctl_lib_error(NULL, -ENOMEM, "out of memory");
	bk->command_status = -1;
	bk->sigfd = -1;
	bk->tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	ret = backup_parse_args(bk, argc, argv);
	if (ret)
		goto out_free;
	/* Unless its name comes from the set ({}/run.sh), found now. */
	if (!strcmp(bk->argv[0], bk->command[0])) {
		char file[PATH_MAX];

		err = backup_resolve_command(bk->argv[0], file, sizeof(file));
		if (err) {
			ret = backup_command_error(bk, err);
			goto out_free;
		}
	}

	/* Blocked now: a signal from here on is read, never fatal. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGCONT);	/* still continues vssctl; then read */
	sigprocmask(SIG_BLOCK, &sigs, &bk->old_mask);
	/*
	 * Not read, only held off: while COMMAND has the terminal, vssctl's
	 * own messages must not stop it under `stty tostop`, and it takes the
	 * terminal back from the background (tcsetpgrp()).
	 */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	bk->sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (bk->sigfd < 0) {
		ret = vssctl_lib_error(NULL, -errno, "signalfd");
		goto out_free;
	}
	ret = vssctl_open(&bk->ctx);
	if (ret) {
		ret = VSSCTL_BACKUP_FAILED;
		goto out_free;
	}
	if (!bk->no_auto_storage) {
		const char *vols[MAX_VOLUMES];
		unsigned int i;

		for (i = 0; i < bk->nr_vols; i++)
			vols[i] = bk->vols[i].arg;
		bk->nr_auto_storage = vssctl_auto_storage_add(bk->ctx, vols,
							      bk->nr_vols,
							      bk->storage_dir,
							      bk->auto_storage);
	}
	err = libvss_backup_new(bk->ctx, &bk->b);
	if (err) {
		vssctl_lib_error(bk->ctx, err, "cannot start a backup session");
		ret = VSSCTL_BACKUP_FAILED;
		goto out;
	}
	ret = VSSCTL_BACKUP_FAILED;
	err = backup_gather(bk);
	if (!err && !backup_read_signals(bk))
		err = backup_prepare(bk);
	if (!err && !backup_read_signals(bk)) {
		err = backup_do_snapshot_set(bk);
		if (err == -EREMOTEIO)
			ret = VSSCTL_BACKUP_VETOED;
	}
	if (!err && !backup_read_signals(bk))
		err = backup_expose_all(bk);
	if (!err && !backup_read_signals(bk))
		err = backup_changes_all(bk);
	if (!err && !backup_read_signals(bk)) {
		err = backup_make_vars(bk, false);
		if (!err)
			err = backup_expand_command(bk);
		if (err > 0)	/* reported: cannot happen after the parse's check */
			err = -EINVAL;
	}
	if (!err && !backup_read_signals(bk)) {
		err = backup_run_command(bk);
		if (err >= 0) {
			bk->command_status = err;
			ret = err;
			say("COMMAND exited with status %d", err);
			err = 0;
		} else {
			ret = backup_command_error(bk, err);
		}
	}
	if (!err && bk->lib_failed) {
		/*
		 * Reading the module failed while COMMAND ran: BackupComplete's
		 * completion could never be read. The writers get
		 * BackupShutdown at the release.
		 */
		say("BackupComplete not sent: reading the module failed");
		if (!bk->command_status)
			ret = VSSCTL_BACKUP_FAILED;
	} else if (!err && !backup_read_signals(bk) &&
		   backup_complete(bk, bk->command_status == 0) &&
		   !bk->command_status) {
		ret = VSSCTL_BACKUP_FAILED;	/* the data is copied, writers not told */
	}
	if (backup_read_signals(bk)) {
		/* After PostSnapshot this only marks the session aborted. */
		err = libvss_backup_abort(bk->b);
		if (err && err != -EBADFD)
			vssctl_lib_error(bk->ctx, err, "AbortBackup");
		ret = 128 + bk->signo;
	}
	if (backup_cleanup(bk) && !ret)
		ret = VSSCTL_BACKUP_FAILED;
	if (is_json_context())
		print_summary(bk, ret);
out:
	/* After the snapshots: a storage with snapshots cannot go. */
	if (bk->nr_auto_storage && !bk->keep_storage)
		vssctl_auto_storage_remove(bk->ctx, bk->auto_storage, bk->nr_vols);
	else if (bk->nr_auto_storage)
		say("kept the diff storage added for this backup (vssctl storage list; vssctl storage remove DEVICE)");
	libvss_backup_free(bk->b);
	libvss_bcd_free(bk->bcd);
	libvss_close(bk->ctx);
out_free:
	if (bk->sigfd >= 0)
		close(bk->sigfd);
	if (bk->tty >= 0)
		close(bk->tty);
	backup_free_argv(bk);
	backup_free_vars(bk);
	free(bk->writers);
	free(bk->excluded);
	free(bk->since);
	free(bk);
	return ret;
}

static const struct vssctl_cmd backup_cmd = {
	"backup", cmd_backup,
	"[--writer NAME]... [--exclude-writer NAME]...\n"
	"          [--type full|incremental|differential|log|copy|other]\n"
	"          [--since TOKEN|full]... [--no-substitute] [--mount-untrusted]\n"
	"          [--storage-dir DIR] [--keep-storage] [--no-auto-storage]\n"
	"          VOLUME... -- COMMAND [ARG]...",
	"snapshot every VOLUME with the writers' help, mount the snapshots\n"
	"      read-only, run COMMAND on them, tell the writers how it went,\n"
	"      clean up; exit with COMMAND's status (vssctl help backup).\n"
	"      --since, once per VOLUME: an incremental, with a file of the\n"
	"      extents changed since TOKEN for COMMAND",
};

static const char backup_doc[] =
"A whole backup, as a VSS requester, around COMMAND, which copies the data:\n"
"\n"
"  1. GatherWriterMetadata: every registered writer takes part.\n"
"  2. PrepareForBackup with a backup components document listing every\n"
"     component of the selected writers: all of them, or those named by\n"
"     --writer (each must exist), less those named by --exclude-writer.\n"
"     Unselected writers still get the events; their vetoes do not count.\n"
"  3. DoSnapshotSet of the VOLUMEs at one instant: PrepareForSnapshot,\n"
"     Freeze (front-end, back-end, system writers), the snapshots, Thaw,\n"
"     PostSnapshot. A veto of a selected writer fails it (exit 124). If\n"
"     another set is being made, it waits for it.\n"
"  4. Each snapshot is mounted read-only (ro,nosuid,nodev, and what its\n"
"     filesystem needs on a copy: see snapshot expose) on\n"
"     /run/vss/backup-SETID/N, in a mount namespace that only vssctl and\n"
"     COMMAND share, if the host trusts its filesystem: the origin is\n"
"     mounted here, as the same type. Otherwise (a VM's disk, a tenant's\n"
"     volume: it may hold a crafted image), or without a filesystem vssctl\n"
"     knows, COMMAND gets its snapshot device instead. --mount-untrusted\n"
"     mounts what the host does not trust too.\n"
"  5. COMMAND runs (posix_spawn, no shell) in its own process group.\n"
"     It is looked up in PATH before anything else is done (exit 127 or\n"
"     126 at once), unless its name comes from {} or $VSS_MOUNT_N.\n"
"  6. Every component in the document is marked backed up if COMMAND\n"
"     exited 0, failed otherwise, and sent with BackupComplete.\n"
"  7. The snapshots are unmounted and deleted and the session released:\n"
"     writers get BackupShutdown.\n"
"\n"
"VOLUME is a mount point or a block device (a filesystem mounted on it is\n"
"frozen for the instant; a device without one is taken as it is).\n"
"\n"
"Diff storage: a VOLUME that has none (storage add) gets a default one\n"
"for this backup, announced on stderr and removed afterwards (--keep-storage\n"
"keeps it: the storage is also where changed blocks are tracked, so keep it,\n"
"or add one, for incrementals). The default: a file storage in DIR\n"
"(--storage-dir, default /var/lib/vss/storage, made 0700 if missing; it\n"
"must be a root-owned directory nobody else can write, on a filesystem\n"
"that is not a VOLUME), a tenth of the volume but at least 64M, within\n"
"half of DIR's free space; else kernel memory, a tenth of the volume but\n"
"at least 16M, within an eighth of MemAvailable; else none, and\n"
"DoSnapshotSet fails (status insufficient-storage). --no-auto-storage adds\n"
"nothing.\n"
"--type is full (default), incremental, differential, log, copy or other:\n"
"the writers are told it.\n"
"\n"
"COMMAND's environment, N counting VOLUMEs from 0 in the order given:\n"
"  VSS_SNAPSHOT_SET_ID  the set's id\n"
"  VSS_BACKUP_TYPE      full, copy, ...\n"
"  VSS_VOLUME_COUNT     the number of VOLUMEs\n"
"  VSS_VOLUME_N         the VOLUME as given\n"
"  VSS_ORIGIN_N         its block device, /dev/vdb\n"
"  VSS_DEVICE_N         its snapshot's device, /dev/vss-snap3\n"
"  VSS_SNAPSHOT_ID_N    its snapshot's id\n"
"  VSS_FSTYPE_N         ext4, xfs, ...; empty for a raw volume\n"
"  VSS_MOUNT_N          where the snapshot is mounted; a raw volume's\n"
"                       snapshot device\n"
"  VSS_TOKEN_N          its snapshot's changed-block tracking token: keep\n"
"                       it with the backup, pass it as --since next time;\n"
"                       empty if the module tracks no changes\n"
"  VSS_FULL_N           1: copy the whole snapshot device (no --since for\n"
"                       it, or ESTALE: the reason is on stderr); else 0\n"
"  VSS_CHANGES_N        with VSS_FULL_N=0, a file of the extents that may\n"
"                       differ since --since: one \"OFFSET LENGTH\" line each,\n"
"                       decimal bytes, sorted; copy those from VSS_DEVICE_N.\n"
"                       Empty when VSS_FULL_N=1\n"
"--since TOKEN, given once per VOLUME in order (\"full\" for one without a\n"
"token), makes the backup incremental unless --type says otherwise\n"
"(differential: pass the token of the last full one). See\n"
"Documentation/vssctl-backup.md.\n"
"An argument of COMMAND that is exactly {} becomes VSS_MOUNT_0, {N}\n"
"VSS_MOUNT_N, $VSS_NAME or ${VSS_NAME} that variable: one argument,\n"
"whatever the value holds. Nothing is replaced inside a longer argument,\n"
"so that no value is ever parsed as code: a shell reads the environment\n"
"there (sh -c '... \"$VSS_VOLUME_0\" ...', in single quotes), and {} or {N}\n"
"there is a usage error. So are {N} past the VOLUMEs and an unknown $VSS_\n"
"name anywhere. --no-substitute passes every argument as it is (e.g. for\n"
"find -exec ... {} ;).\n"
"\n"
"Example, with diff storage on the device of /srv:\n"
"  vssctl backup /srv -- tar -C '$VSS_MOUNT_0' -czf /backup/srv.tgz .\n"
"  vssctl backup /srv /var -- sh -c 'rsync -a \"$VSS_MOUNT_0/\" \"$VSS_MOUNT_1/\" /backup/'\n"
"\n"
"Progress goes to stderr; stdout is COMMAND's, with -j followed by a JSON\n"
"summary (set, volumes, COMMAND's status, exit status).\n"
"\n"
"SIGINT, SIGTERM, SIGHUP: while the writers are at work, the operation is\n"
"cancelled (they get Abort); while COMMAND runs, the signal is forwarded\n"
"to its process group (a second signal sends SIGKILL) and vssctl waits\n"
"for it. Then the backup is aborted, never completed: no BackupComplete,\n"
"only BackupShutdown; the snapshots are unmounted and deleted; exit\n"
"128 + the signal (130, 143, 129). If vssctl is SIGKILLed, the module\n"
"releases the session as its socket closes (BackupShutdown, snapshots\n"
"deleted: COMMAND, which keeps running, gets read errors from then on)\n"
"and the mounts vanish with the namespace once COMMAND has ended; an\n"
"empty /run/vss/ is all that stays.\n"
"\n"
"Exit status:\n"
"  COMMAND's status (128 + N if a signal N killed it)\n"
"  2    usage error; nothing was done\n"
"  124  a selected writer vetoed the snapshot (its failure is printed)\n"
"  125  vssctl failed: the module, a snapshot, a mount; or COMMAND exited\n"
"       0 but BackupComplete or the cleanup failed\n"
"  126  COMMAND cannot be executed;  127  COMMAND not found\n"
"  128 + N  stopped by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP)\n";

const struct vssctl_object vssctl_obj_backup = {
	.name = "backup",
	.help = "a whole backup around a command",
	.self = &backup_cmd,
	.doc = backup_doc,
};
