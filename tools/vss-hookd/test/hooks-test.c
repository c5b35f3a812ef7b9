// SPDX-License-Identifier: GPL-2.0
/*
 * vss-hookd's hooks without the module: which files of a directory run and
 * in which order, the environment they get, and runs that exit, fail, are
 * killed at their timeout with their children, cannot be executed, or
 * leave a child holding their output.
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
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
			 i ? " " : "", base(l.paths[i]));
	ok_str(got, "10-a 20-b 27-link A-upper",
	       "executable regular files (symlinks followed) in strcmp order; no directory, backup, package leftover, dot file or dangling link");
	hook_list_free(&l);

	ok_int(hook_list_load("/nonexistent/hooks.d", &l), 0,
	       "a missing directory is an empty list");
	ok_int((long long)l.n, 0, "with no hook");
	hook_list_free(&l);
	ok(hook_name_ignored("x.bak") && hook_name_ignored("x.orig") &&
	   hook_name_ignored("x.sample") && !hook_name_ignored("x.sh") &&
	   !hook_name_ignored("bak"), "ignored names as qemu-ga's fsfreeze-hook");
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
	test_env();
	test_runs();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
	return tap_done();
}
