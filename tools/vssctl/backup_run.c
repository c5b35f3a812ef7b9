// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup`: COMMAND. Found before the backup starts, run with
 * posix_spawn() (no shell) in its own process group with the variables in
 * its environment, given the terminal as a shell gives it to a job, and
 * waited for with the signals and the library still served.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backup.h"
#include "vssctl.h"

/* As a shell reports a status: the exit code, or 128 + the signal. */
static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * COMMAND's file, as execvp() would find it: 0 with @path set, -ENOENT if
 * there is none, -EACCES if none that can be executed. Looked up before
 * the backup starts, so that a typo costs no snapshot and no writer's
 * freeze.
 */
int backup_resolve_command(const char *name, char *path, size_t len)
{
	const char *dirs = getenv("PATH"), *p, *end;
	int ret = -ENOENT;
	struct stat st;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		if (stat(path, &st))
			return -errno;
		return S_ISREG(st.st_mode) && !access(path, X_OK) ? 0 : -EACCES;
	}
	if (!dirs)
		dirs = "/bin:/usr/bin";
	for (p = dirs; ; p = end + 1) {
		end = strchrnul(p, ':');
		snprintf(path, len, "%.*s%s%s", (int)(end - p), p,
			 end > p ? "/" : "", name);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			if (!access(path, X_OK))
				return 0;
			ret = -EACCES;
		}
		if (!*end)
			return ret;
	}
}

int backup_command_error(const struct backup *bk, int err)
{
	say("cannot run %s: %s", bk->argv[0], strerror(-err));
	return err == -ENOENT ? VSSCTL_CMD_NOTFOUND : VSSCTL_CMD_NOEXEC;
}

/*
 * vssctl in the foreground of its terminal hands the terminal to COMMAND's
 * process group, as a shell does, so that COMMAND can read it (a password
 * prompt) and Ctrl-C and Ctrl-Z reach it. A SIGCONT covers a read that came
 * before the handover and stopped it.
 */
static void tty_to_command(struct backup *bk, pid_t pgrp)
{
	if (bk->tty < 0 || tcgetpgrp(bk->tty) != getpgrp())
		return;
	tcsetpgrp(bk->tty, pgrp);	/* SIGTTOU is held off (cmd_backup()) */
	kill(-pgrp, SIGCONT);
}

/* COMMAND ended or stopped: the terminal back to vssctl if it had it. */
static void tty_from_command(struct backup *bk, pid_t pgrp)
{
	if (bk->tty >= 0 && tcgetpgrp(bk->tty) == pgrp)
		tcsetpgrp(bk->tty, getpgrp());	/* from the background */
}

/*
 * COMMAND was stopped by job control (Ctrl-Z, or reading or writing the
 * terminal in the background): vssctl stops with it, so that the user's
 * shell shows the job stopped and `fg` or `bg` continue both (the
 * snapshots stay held meanwhile). Without job control (no terminal, an
 * orphaned process group: the stop signal has no effect on vssctl) COMMAND
 * stays stopped until someone continues it; vssctl says so and waits.
 */
static void command_stopped(struct backup *bk, pid_t pgrp, int sig)
{
	bool job_stop = sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;

	/* A terminal read before tty_to_command(): it has the terminal now. */
	if ((sig == SIGTTIN || sig == SIGTTOU) && bk->tty >= 0 &&
	    tcgetpgrp(bk->tty) == pgrp) {
		kill(-pgrp, SIGCONT);
		return;
	}
	if (job_stop && bk->tty >= 0) {
		tty_from_command(bk, pgrp);
		say("COMMAND stopped (%s): vssctl stops with it; the snapshots stay held until it continues",
		    sig_name(sig));
		bk->continued = false;
		raise(SIGTSTP);	/* SIGTTOU is held off in vssctl */
		backup_read_signals(bk);
		if (bk->continued) {
			tty_to_command(bk, pgrp);
			kill(-pgrp, SIGCONT);
			return;
		}
	}
	say("COMMAND stopped (%s): the backup waits, snapshots held, until COMMAND is continued (kill -CONT -%d) or the backup stopped",
	    sig_name(sig), (int)pgrp);
}

/*
 * COMMAND, until it ends: its exit code, or -errno if it could not run.
 * posix_spawn() reports exec's errors itself, and nothing of vssctl runs
 * in the child: its own process group, the signal mask vssctl had.
 */
int backup_run_command(struct backup *bk)
{
	char file[PATH_MAX], **env;
	posix_spawnattr_t attr;
	int err, status;
	pid_t pid;

	err = backup_resolve_command(bk->argv[0], file, sizeof(file));
	if (err)
		return err;
	env = backup_command_env(bk);
	if (!env)
		return -ENOMEM;
	err = posix_spawnattr_init(&attr);
	if (!err)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
					       POSIX_SPAWN_SETSIGMASK);
	if (!err)
		err = posix_spawnattr_setpgroup(&attr, 0);
	if (!err)
		err = posix_spawnattr_setsigmask(&attr, &bk->old_mask);
	fflush(NULL);
	if (!err)
		err = posix_spawn(&pid, file, NULL, &attr, bk->argv, env);
	posix_spawnattr_destroy(&attr);
	backup_free_env(bk, env);
	if (err)
		return -err;
	bk->child = pid;
	tty_to_command(bk, pid);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG | WUNTRACED);

		if (w == pid && WIFSTOPPED(status)) {
			command_stopped(bk, pid, WSTOPSIG(status));
			continue;
		}
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			err = -errno;
			say("cannot wait for COMMAND: %s", strerror(errno));
			bk->child = 0;
			return err;
		}
		err = backup_wait_fds(bk);
		if (err) {
			/* COMMAND still runs: let it finish, then clean up. */
			vssctl_lib_error(bk->ctx, err, "while COMMAND runs");
			bk->lib_failed = true;
		}
	}
	bk->child = 0;
	tty_from_command(bk, pid);
	/*
	 * Ctrl-C on the terminal went to COMMAND alone while it had the
	 * terminal: it was meant for the backup too, as a shell takes it.
	 */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT && !bk->signo) {
		bk->signo = SIGINT;
		say("%s: stopping the backup", sig_name(SIGINT));
	}
	return exit_code(status);
}
