/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks: which files of a directory run, the environment they get, and one
 * run with a timeout. Nothing here knows about libvss, so the host tests
 * exercise it without the module.
 */
#ifndef VSS_HOOKD_HOOKS_H
#define VSS_HOOKD_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The executable regular files of a directory, in lexical (strcmp) order,
 * each with the reason it must not run if it must not.
 */
struct hook_list {
	char **paths;		/* through no symbolic link */
	char **refused;		/* NULL: it may run */
	size_t n;
	char error[512];	/* why the directory was refused */
};

/*
 * Fills @l from @dir; a missing directory is an empty list (a writer with
 * nothing to run is not an error). Hooks run as root, so only what nobody
 * but root (or the daemon's own user) could have changed runs, as sudo and
 * cron demand of their files: @dir, reached through links and directories
 * owned by root, none writable by group or others (a sticky one, /tmp,
 * may be), is root's and writable by root alone; so is each hook, which
 * must not be a symbolic link (refused, with the reason, in @l). Return:
 * 0, -EPERM with @l->error set if @dir is not so, or a negative errno.
 */
int hook_list_load(const char *dir, struct hook_list *l);
void hook_list_free(struct hook_list *l);

/*
 * Names a hook directory skips, as qemu-ga's fsfreeze-hook does: dot
 * files, editor backups and package manager leftovers (*~, *.bak,
 * *.dpkg-old, *.rpmnew, ...).
 */
bool hook_name_ignored(const char *name);

/* What a hook is told about the event it runs for. */
struct hook_event {
	const char *event;		/* libvss_event_name(): "freeze" */
	uint32_t session_id;
	const char *set_id;		/* "" if the event names no set */
	const char *backup_type;	/* libvss_backup_type_name() */
	unsigned int nr_volumes;
	const char *const *volumes;
	const char *thaw_reason;	/* thaw only: "thaw", "abort", ... */
};

/*
 * @base without its VSS_* entries, then VSS_EVENT, VSS_SESSION_ID,
 * VSS_SET_ID, VSS_BACKUP_TYPE, VSS_VOLUME_COUNT, VSS_VOLUME_0..n-1 and, for
 * a thaw, VSS_THAW_REASON. Every one of them is always set (maybe empty),
 * so a hook under `set -u` can read them all. NULL-terminated; NULL if out
 * of memory. Free with hook_env_free().
 */
char **hook_env_build(char *const *base, const struct hook_event *ev);
void hook_env_free(char **env);

enum hook_end {
	HOOK_EXITED,		/* status: exit status */
	HOOK_SIGNALED,		/* status: the signal */
	HOOK_TIMED_OUT,		/* its process group was killed */
	HOOK_NOT_RUN,		/* status: errno of fork/exec */
};

#define HOOK_LINE_MAX	256

struct hook_result {
	enum hook_end end;
	int status;
	long elapsed_ms;
	char last_line[HOOK_LINE_MAX];	/* the hook's last non-empty line */
};

/* The hook succeeded: it exited 0. */
static inline bool hook_ok(const struct hook_result *r)
{
	return r->end == HOOK_EXITED && r->status == 0;
}

/*
 * Runs @path with the single argument @arg and environment @env, in its
 * own process group, stdin /dev/null, stdout and stderr captured: each line
 * is copied to our stderr after "@tag: ". Returns when the hook exits, or
 * after @timeout_ms, when its whole process group is SIGKILLed. A hook that
 * exits while its children hold the output open is done when it exits.
 * Return: 0 (the outcome is in @r) or a negative errno if nothing could be
 * started at all.
 */
int hook_run(const char *path, const char *arg, char *const *env,
	     long timeout_ms, const char *tag, struct hook_result *r);

/* "exited with status 1", "killed by signal 9", "timed out after 2000 ms". */
void hook_describe(const struct hook_result *r, char *buf, size_t size);

#endif /* VSS_HOOKD_HOOKS_H */
