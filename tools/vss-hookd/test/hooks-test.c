// SPDX-License-Identifier: GPL-2.0
/*
 * vss-hookd's hooks without the module: which files of a directory run and
 * in which order, the environment they get, and runs that exit, fail, are
 * killed at their timeout with their children, cannot be executed, or
 * leave a child holding their output. Hooks run as root: a hook that is a
 * symbolic link, is writable by group or others or is another user's is
 * refused with the reason; so is a whole directory that is, or is reached
 * through a directory or link that is.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "hooks.h"
#include "tap.h"

static char dir[64];

static void put(const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static const char *base(const char *path)
{
	return strrchr(path, '/') + 1;
}

static void test_selection(void)
{
	struct hook_list l;
	char path[256], target[256];
	char got[512] = "";
	size_t i;

	put("20-b", "#!/bin/sh\n", 0755);
	put("10-a", "#!/bin/sh\n", 0755);
	put("15-not-executable", "#!/bin/sh\n", 0644);
	put("30-c~", "#!/bin/sh\n", 0755);
	put("40-d.dpkg-old", "#!/bin/sh\n", 0755);
	put("50-e.rpmnew", "#!/bin/sh\n", 0755);
	put(".hidden", "#!/bin/sh\n", 0755);
	put("A-upper", "#!/bin/sh\n", 0755);
	snprintf(path, sizeof(path), "%s/25-dir", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/27-link", dir);
	snprintf(target, sizeof(target), "%s/10-a", dir);
	symlink(target, path);
	snprintf(path, sizeof(path), "%s/28-dangling", dir);
	symlink("/nonexistent/hook", path);

	ok_int(hook_list_load(dir, &l), 0, "a directory loads");
	for (i = 0; i < l.n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s",
			 i ? " " : "", base(l.paths[i]), l.refused[i] ? "!" : "");
	ok_str(got, "10-a 20-b 27-link! 28-dangling! A-upper",
	       "executable regular files in strcmp order, links refused (!); no directory, backup, package leftover or dot file");
	ok_contains(l.n > 2 ? l.refused[2] : NULL, "a symbolic link",
		    "a link is refused as such: %s", l.n > 2 ? l.refused[2] : "");
	hook_list_free(&l);

	ok_int(hook_list_load("/nonexistent/hooks.d", &l), 0,
	       "a missing directory is an empty list");
	ok_int((long long)l.n, 0, "with no hook");
	hook_list_free(&l);
	ok(hook_name_ignored("x.bak") && hook_name_ignored("x.orig") &&
	   hook_name_ignored("x.sample") && !hook_name_ignored("x.sh") &&
	   !hook_name_ignored("bak"), "ignored names as qemu-ga's fsfreeze-hook");
}

/* The names in @l, "!" after a refused one; "" and @l->error if refused. */
static const char *load(const char *d, struct hook_list *l, int *ret)
{
	static char got[512];
	size_t i;

	got[0] = '\0';
	*ret = hook_list_load(d, l);
	for (i = 0; !*ret && i < l->n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s",
			 i ? " " : "", base(l->paths[i]), l->refused[i] ? "!" : "");
	return got;
}

/* Only what root alone could have changed runs, as sudo and cron demand. */
static void test_trust(void)
{
	char sub[128], path[256], link[256];
	struct hook_list l;
	const char *got;
	int ret;

	snprintf(sub, sizeof(sub), "%s/trust.d", dir);
	mkdir(sub, 0755);
	snprintf(path, sizeof(path), "%s/trust.d/10-ok", dir);
	snprintf(link, sizeof(link), "%s/trust.d/20-group", dir);
	put("trust.d/10-ok", "#!/bin/sh\n", 0755);
	put("trust.d/20-group", "#!/bin/sh\n", 0775);
	put("trust.d/30-other", "#!/bin/sh\n", 0757);
	got = load(sub, &l, &ret);
	ok(!ret && !strcmp(got, "10-ok 20-group! 30-other!"),
	   "hooks writable by group or others refused: %s", got);
	ok(l.n == 3 && !l.refused[0] && l.refused[1] &&
	   !strcmp(l.refused[1], "writable by group or others"),
	   "with the reason: %s", l.n > 1 && l.refused[1] ? l.refused[1] : "");
	hook_list_free(&l);

	if (!geteuid()) {
		snprintf(path, sizeof(path), "%s/trust.d/20-group", dir);
		chmod(path, 0755);
		snprintf(path, sizeof(path), "%s/trust.d/30-other", dir);
		if (chown(path, 65534, 65534) || chmod(path, 0755))
			diag("%s: cannot chown", path);
		got = load(sub, &l, &ret);
		ok(!ret && !strcmp(got, "10-ok 20-group 30-other!") &&
		   !strcmp(l.refused[2], "owned by uid 65534, not root"),
		   "a hook of another user refused: %s", got);
		hook_list_free(&l);
		unlink(path);

		if (chown(sub, 65534, 65534))
			diag("%s: cannot chown", sub);
		got = load(sub, &l, &ret);
		ok(ret == -EPERM && strstr(l.error, "the directory") &&
		   strstr(l.error, "trust.d is owned by uid 65534, not root"),
		   "a directory of another user refused: %s", l.error);
		if (chown(sub, 0, 0))
			diag("%s: cannot chown", sub);

		snprintf(link, sizeof(link), "%s/trust-link", dir);
		if (symlink(sub, link) || lchown(link, 65534, 65534))
			diag("%s: cannot make", link);
		got = load(link, &l, &ret);
		ok(ret == -EPERM && strstr(l.error, "the symbolic link") &&
		   strstr(l.error, "trust-link is not root's"),
		   "a directory reached through another user's link refused: %s",
		   l.error);
		if (lchown(link, 0, 0))
			diag("%s: cannot chown", link);
		got = load(link, &l, &ret);
		snprintf(path, sizeof(path), "%s/10-ok", sub);
		ok(!ret && !strcmp(got, "10-ok 20-group") && !strcmp(l.paths[0], path),
		   "through root's link: its hooks, by their path without the link: %s",
		   l.n ? l.paths[0] : "");
		hook_list_free(&l);
	} else {
		diag("not root: other users' hooks and directories not tried");
	}

	chmod(sub, 0775);
	got = load(sub, &l, &ret);
	ok(ret == -EPERM && strstr(l.error, "trust.d is writable by group or others"),
	   "a group-writable directory refused, no hook listed: %s", l.error);
	chmod(sub, 0755);

	/* Above it: a directory others may write, not sticky, then sticky. */
	snprintf(path, sizeof(path), "%s/open", dir);
	mkdir(path, 0755);
	chmod(path, 0777);
	snprintf(link, sizeof(link), "%s/open/hooks.d", dir);
	mkdir(link, 0755);
	got = load(link, &l, &ret);
	ok(ret == -EPERM && strstr(l.error, "open is writable by group or others"),
	   "under a world-writable directory: refused: %s", l.error);
	chmod(path, 01777);
	got = load(link, &l, &ret);
	ok(!ret, "under a sticky one, as /tmp: loads");
	hook_list_free(&l);
	(void)got;
}

static const char *env_get(char **env, const char *name)
{
	size_t len = strlen(name);

	for (; *env; env++)
		if (!strncmp(*env, name, len) && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

static size_t env_count(char **env, const char *prefix)
{
	size_t n = 0;

	for (; *env; env++)
		n += !strncmp(*env, prefix, strlen(prefix));
	return n;
}

static void test_env(void)
{
	char *base_env[] = { "PATH=/usr/bin:/bin", "VSS_VOLUME_7=stale",
			     "VSS_EVENT=stale", "HOME=/root", NULL };
	const char *vols[] = { "/srv", "/dev/vdb1" };
	struct hook_event ev = {
		.event = "freeze", .session_id = 42,
		.set_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		.backup_type = "full", .nr_volumes = 2, .volumes = vols,
	};
	char **env = hook_env_build(base_env, &ev);

	if (!ok(env != NULL, "environment built"))
		return;
	ok_str(env_get(env, "PATH"), "/usr/bin:/bin", "the daemon's own variables kept");
	ok_str(env_get(env, "HOME"), "/root", "all of them");
	ok_str(env_get(env, "VSS_EVENT"), "freeze", "VSS_EVENT");
	ok_str(env_get(env, "VSS_SESSION_ID"), "42", "VSS_SESSION_ID");
	ok_str(env_get(env, "VSS_SET_ID"), ev.set_id, "VSS_SET_ID");
	ok_str(env_get(env, "VSS_BACKUP_TYPE"), "full", "VSS_BACKUP_TYPE");
	ok_str(env_get(env, "VSS_VOLUME_COUNT"), "2", "VSS_VOLUME_COUNT");
	ok_str(env_get(env, "VSS_VOLUME_0"), "/srv", "VSS_VOLUME_0");
	ok_str(env_get(env, "VSS_VOLUME_1"), "/dev/vdb1", "VSS_VOLUME_1");
	ok(env_get(env, "VSS_VOLUME_7") == NULL,
	   "a VSS_ variable of the daemon's environment does not reach the hook");
	ok_str(env_get(env, "VSS_THAW_REASON"), "", "VSS_THAW_REASON set, empty outside thaw");
	ok_int((long long)env_count(env, "VSS_"), 8, "exactly the 8 VSS_ variables");
	hook_env_free(env);

	ev.event = "identify";
	ev.set_id = "";
	ev.nr_volumes = 0;
	env = hook_env_build(NULL, &ev);
	ok(env && !strcmp(env_get(env, "VSS_SET_ID"), "") &&
	   !strcmp(env_get(env, "VSS_VOLUME_COUNT"), "0") &&
	   env_count(env, "VSS_") == 6 && env_count(env, "") == 6,
	   "an event without a set: VSS_SET_ID empty, no volume, nothing else");
	hook_env_free(env);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Dead: no such process, or a zombie that init has yet to reap. */
static bool gone(int pid)
{
	char path[64], state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state == 'Z' || state == 'X';
}

static int run(const char *name, const char *arg, long timeout_ms,
	       struct hook_result *r)
{
	char path[256];
	char *env[] = { "PATH=/usr/bin:/bin", "VSS_EVENT=prepare-snapshot", NULL };

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return hook_run(path, arg, env, timeout_ms, "hooks-test", r);
}

static void test_runs(void)
{
	struct hook_result r;
	char text[512], pidfile[128], how[128];
	long t0;
	FILE *f;
	int pid = 0;

	put("ok", "#!/bin/sh\necho \"first $1\"\necho \"event $VSS_EVENT\"\nexit 0\n", 0755);
	ok_int(run("ok", "freeze", 5000, &r), 0, "a hook runs");
	ok(hook_ok(&r), "exit 0 is success");
	ok_str(r.last_line, "event prepare-snapshot",
	       "its argument and environment reach it; last line kept");

	put("fail", "#!/bin/sh\necho 'database busy' >&2\nexit 3\n", 0755);
	run("fail", "freeze", 5000, &r);
	ok(r.end == HOOK_EXITED && r.status == 3, "exit 3 is reported as such");
	ok_str(r.last_line, "database busy", "stderr is captured too");
	hook_describe(&r, how, sizeof(how));
	ok_str(how, "exited with status 3", "described");

	snprintf(pidfile, sizeof(pidfile), "%s/child.pid", dir);
	snprintf(text, sizeof(text),
		 "#!/bin/sh\nsleep 30 &\necho $! > %s\necho started\nwait\n",
		 pidfile);
	put("hang", text, 0755);
	t0 = now_ms();
	ok_int(run("hang", "freeze", 300, &r), 0, "a hanging hook runs");
	ok(r.end == HOOK_TIMED_OUT, "and times out");
	ok(now_ms() - t0 < 3000, "within its timeout, not its sleep (%ld ms)",
	   now_ms() - t0);
	ok_str(r.last_line, "started", "its output before the kill is kept");
	f = fopen(pidfile, "r");
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	usleep(100000);
	ok(pid > 0 && gone(pid),
	   "its child (the sleep) was killed with its process group");

	snprintf(text, sizeof(text),
		 "#!/bin/sh\nsleep 5 &\necho $! > %s\nexit 0\n", pidfile);
	put("leaves-child", text, 0755);
	t0 = now_ms();
	run("leaves-child", "thaw", 10000, &r);
	ok(hook_ok(&r) && now_ms() - t0 < 3000,
	   "a hook is done when it exits, though its child holds the output (%ld ms)",
	   now_ms() - t0);
	f = fopen(pidfile, "r");
	if (f) {
		if (fscanf(f, "%d", &pid) == 1)
			kill(pid, SIGKILL);
		fclose(f);
	}

	put("badinterp", "#!/nonexistent/interpreter\n", 0755);
	run("badinterp", "freeze", 5000, &r);
	hook_describe(&r, how, sizeof(how));
	if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload"))
		/* valgrind cannot return from a failed execve: it exits 101. */
		ok(r.end == HOOK_EXITED && r.status == 101,
		   "a hook that cannot be executed fails (under valgrind: %s)", how);
	else
		ok(r.end == HOOK_NOT_RUN && r.status == ENOENT,
		   "a hook that cannot be executed is not run, with its errno: %s",
		   how);

	put("killed", "#!/bin/sh\nkill -TERM $$\n", 0755);
	run("killed", "freeze", 5000, &r);
	hook_describe(&r, how, sizeof(how));
	ok(r.end == HOOK_SIGNALED && r.status == SIGTERM, "death by a signal: %s", how);

	put("noisy", "#!/bin/sh\nhead -c 10000 /dev/zero | tr '\\0' x\necho\necho end\n", 0755);
	run("noisy", "freeze", 5000, &r);
	ok(hook_ok(&r) && !strcmp(r.last_line, "end"),
	   "a line longer than the buffer does not stop the run");
}

int main(void)
{
	char cmd[128];

	snprintf(dir, sizeof(dir), "/tmp/hooks-test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_selection();
	test_trust();
	test_env();
	test_runs();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
	return tap_done();
}
