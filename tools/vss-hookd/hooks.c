// SPDX-License-Identifier: GPL-2.0
/*
 * Hook selection, environment and one run with a timeout (see hooks.h).
 *
 * A run is bounded: the hook gets its own process group, and when its time
 * is up the whole group is SIGKILLed, so a hook that started children
 * (`sleep` in a shell script) cannot keep the writer's event waiting. Its
 * exit is watched through a pidfd rather than SIGCHLD, so the daemon needs
 * no signal handler and a child that keeps the output pipe open after the
 * hook exited does not hold the run either.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "hooks.h"

/* ---- selection ---- */

bool hook_name_ignored(const char *name)
{
	static const char *const suffixes[] = {
		"~", ".bak", ".orig", ".rpmnew", ".rpmorig", ".rpmsave",
		".sample", ".dpkg-old", ".dpkg-new", ".dpkg-tmp", ".dpkg-dist",
		".dpkg-bak", ".dpkg-backup", ".dpkg-remove",
	};
	size_t len = strlen(name), i;

	if (!len || name[0] == '.')
		return true;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t sl = strlen(suffixes[i]);

		if (len > sl && !strcmp(name + len - sl, suffixes[i]))
			return true;
	}
	return false;
}

/* Root, or the daemon's own user: nobody with less than its rights. */
static bool trusted_uid(uid_t uid)
{
	return !uid || uid == geteuid();
}

/*
 * Why @st cannot be trusted, or NULL: another owner, or writable by group
 * or others (a sticky directory, which lets nobody replace others'
 * entries, if @sticky_ok).
 */
static const char *untrusted(const struct stat *st, bool sticky_ok, char *buf,
			     size_t size)
{
	if (!trusted_uid(st->st_uid)) {
		snprintf(buf, size, "owned by uid %u, not root", (unsigned int)st->st_uid);
		return buf;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(sticky_ok && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)))
		return "writable by group or others";
	return NULL;
}

/*
 * Resolves @dir into @real, checking every directory and symbolic link on
 * the way (untrusted()): whoever could change one of them could make us
 * run their files. 0; 1 if something on the path does not exist; -EPERM
 * with @l->error set; or a negative errno.
 */
static int trusted_dir(const char *dir, char real[PATH_MAX], struct hook_list *l)
{
	char todo[PATH_MAX], link[PATH_MAX], next[PATH_MAX], cur[PATH_MAX], buf[64];
	const char *p, *rest, *why;
	int links = 0;
	struct stat st;
	ssize_t n;
	size_t len;

	real[0] = '\0';
	if (dir[0] != '/' && !getcwd(real, PATH_MAX))
		return -errno;
	if (!strcmp(real, "/"))
		real[0] = '\0';
	if (stat("/", &st))
		return -errno;
	if ((why = untrusted(&st, true, buf, sizeof(buf))))
		goto refused_root;
	snprintf(todo, sizeof(todo), "%s", dir);
	for (p = todo; *p;) {
		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		rest = p + len;
		if (!len || (len == 1 && p[0] == '.')) {
			p = rest;
			continue;
		}
		if (len == 2 && !strncmp(p, "..", 2)) {
			char *slash = strrchr(real, '/');

			if (slash)
				*slash = '\0';
			p = rest;
			continue;
		}
		if ((size_t)snprintf(cur, sizeof(cur), "%s/%.*s", real, (int)len, p) >=
		    sizeof(cur))
			return -ENAMETOOLONG;
		if (lstat(cur, &st))
			return errno == ENOENT ? 1 : -errno;
		/*
		 * A link's own mode means nothing; the hook directory itself,
		 * unlike the ones above it, may not even be sticky.
		 */
		if (S_ISLNK(st.st_mode))
			why = trusted_uid(st.st_uid) ? NULL : "not root's";
		else
			why = untrusted(&st, rest[strspn(rest, "/")] != '\0', buf,
					sizeof(buf));
		if (why) {
			snprintf(l->error, sizeof(l->error), "%.200s: %s %.200s is %s",
				 dir, S_ISLNK(st.st_mode) ? "the symbolic link" :
				 "the directory", cur, why);
			return -EPERM;
		}
		if (!S_ISLNK(st.st_mode)) {
			if (!S_ISDIR(st.st_mode))
				return -ENOTDIR;
			memcpy(real, cur, strlen(cur) + 1);
			p = rest;
			continue;
		}
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0)
			return -errno;
		if (++links > 40)
			return -ELOOP;
		link[n] = '\0';
		if (link[0] == '/')
			real[0] = '\0';
		if ((size_t)snprintf(next, sizeof(next), "%s%s", link, rest) >= sizeof(next))
			return -ENAMETOOLONG;
		memcpy(todo, next, strlen(next) + 1);
		p = todo;
	}
	if (!real[0])
		strcpy(real, "/");
	return 0;
refused_root:
	snprintf(l->error, sizeof(l->error), "%s: the directory / is %s", dir, why);
	return -EPERM;
}

static int list_add(struct hook_list *l, size_t *cap, const char *dir,
		    const char *name, const char *refused)
{
	if (l->n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		char **p = realloc(l->paths, c * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->paths = p;
		p = realloc(l->refused, c * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->refused = p;
		*cap = c;
	}
	l->refused[l->n] = NULL;
	if (asprintf(&l->paths[l->n], "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
		     name) < 0)
		return -ENOMEM;
	if (refused && !(l->refused[l->n] = strdup(refused))) {
		free(l->paths[l->n]);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

int hook_list_load(const char *dir, struct hook_list *l)
{
	char real[PATH_MAX], buf[64];
	struct dirent *de;
	const char *why;
	struct stat st;
	size_t cap = 0;
	int ret, fd;
	DIR *d;

	l->paths = l->refused = NULL;
	l->n = 0;
	l->error[0] = '\0';
	ret = trusted_dir(dir, real, l);
	if (ret)
		return ret > 0 ? 0 : ret;
	/* The directory checked is the one read (it cannot change: trusted). */
	fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while ((de = readdir(d))) {
		if (hook_name_ignored(de->d_name))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISLNK(st.st_mode))
			why = "a symbolic link (a hook must be the file itself)";
		else if (!S_ISREG(st.st_mode) ||
			 faccessat(fd, de->d_name, X_OK, AT_EACCESS))
			continue;
		else
			why = untrusted(&st, false, buf, sizeof(buf));
		ret = list_add(l, &cap, real, de->d_name, why);
		if (ret)
			break;
	}
	closedir(d);
	if (ret) {
		hook_list_free(l);
		return ret;
	}
	/* Sorted by path: the same directory, so by name. */
	for (size_t i = 1; i < l->n; i++) {
		for (size_t j = i; j > 0 && strcmp(l->paths[j - 1], l->paths[j]) > 0; j--) {
			char *t = l->paths[j];

			l->paths[j] = l->paths[j - 1];
			l->paths[j - 1] = t;
			t = l->refused[j];
			l->refused[j] = l->refused[j - 1];
			l->refused[j - 1] = t;
		}
	}
	return 0;
}

void hook_list_free(struct hook_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->paths[i]);
		free(l->refused[i]);
	}
	free(l->paths);
	free(l->refused);
	l->paths = l->refused = NULL;
	l->n = 0;
}

/* ---- environment ---- */

void hook_env_free(char **env)
{
	char **p;

	if (!env)
		return;
	for (p = env; *p; p++)
		free(*p);
	free(env);
}

static int env_add(char **env, size_t *n, const char *name, const char *value)
{
	if (asprintf(&env[*n], "%s=%s", name, value ? value : "") < 0) {
		env[*n] = NULL;
		return -ENOMEM;
	}
	(*n)++;
	env[*n] = NULL;
	return 0;
}

char **hook_env_build(char *const *base, const struct hook_event *ev)
{
	size_t nbase = 0, n = 0, i;
	char name[32], num[16];
	char **env;
	int err = 0;

	while (base && base[nbase])
		nbase++;
	/* Ours: 7 fixed names and one per volume, then the NULL. */
	env = calloc(nbase + 7 + ev->nr_volumes + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < nbase; i++) {
		/* A VSS_VOLUME_7 left from the daemon's own environment would lie. */
		if (!strncmp(base[i], "VSS_", 4))
			continue;
		env[n] = strdup(base[i]);
		if (!env[n]) {
			hook_env_free(env);
			return NULL;
		}
		n++;
	}
	env[n] = NULL;
	snprintf(num, sizeof(num), "%u", ev->session_id);
	err = err ?: env_add(env, &n, "VSS_EVENT", ev->event);
	err = err ?: env_add(env, &n, "VSS_SESSION_ID", num);
	err = err ?: env_add(env, &n, "VSS_SET_ID", ev->set_id);
	err = err ?: env_add(env, &n, "VSS_BACKUP_TYPE", ev->backup_type);
	snprintf(num, sizeof(num), "%u", ev->nr_volumes);
	err = err ?: env_add(env, &n, "VSS_VOLUME_COUNT", num);
	for (i = 0; !err && i < ev->nr_volumes; i++) {
		snprintf(name, sizeof(name), "VSS_VOLUME_%zu", i);
		err = env_add(env, &n, name, ev->volumes[i]);
	}
	err = err ?: env_add(env, &n, "VSS_THAW_REASON", ev->thaw_reason);
	if (err) {
		hook_env_free(env);
		return NULL;
	}
	return env;
}

/* ---- one run ---- */

#define TICK_MS	10

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* The hook's output so far: complete lines go to stderr as they come. */
struct out_buf {
	char buf[4096];
	size_t len;
	const char *tag;
	char *last;		/* struct hook_result's last_line */
};

static void out_line(struct out_buf *o, const char *line, size_t len)
{
	if (!len)
		return;
	fprintf(stderr, "%s: %.*s\n", o->tag, (int)len, line);
	snprintf(o->last, HOOK_LINE_MAX, "%.*s", (int)len, line);
}

static void out_flush(struct out_buf *o, bool all)
{
	size_t start = 0, i;

	for (i = 0; i < o->len; i++) {
		if (o->buf[i] == '\n') {
			out_line(o, o->buf + start, i - start);
			start = i + 1;
		}
	}
	/* A full buffer without a newline, or the end: a line all the same. */
	if (all || (start == 0 && o->len == sizeof(o->buf))) {
		out_line(o, o->buf + start, o->len - start);
		start = o->len;
	}
	memmove(o->buf, o->buf + start, o->len - start);
	o->len -= start;
}

/* Reads what is there; 0 at EOF or when nothing more is ready. */
static int out_read(struct out_buf *o, int fd)
{
	ssize_t got = read(fd, o->buf + o->len, sizeof(o->buf) - o->len);

	if (got <= 0)
		return 0;
	o->len += (size_t)got;
	out_flush(o, false);
	return 1;
}

static void __attribute__((noreturn))
child_exec(const char *path, const char *arg, char *const *env, int out_fd,
	   int err_fd)
{
	char *const argv[] = { (char *)path, (char *)arg, NULL };
	sigset_t none;
	int null_fd, e;

	/* The daemon blocks signals for its signalfd; a hook must not inherit that. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(out_fd, 2) < 0 || chdir("/"))
		goto fail;
	execve(path, argv, env);
fail:
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* The outcome from a wait status, unless the run timed out. */
static void set_end(struct hook_result *r, int st)
{
	if (r->end == HOOK_TIMED_OUT)
		return;
	if (WIFSIGNALED(st)) {
		r->end = HOOK_SIGNALED;
		r->status = WTERMSIG(st);
	} else {
		r->end = HOOK_EXITED;
		r->status = WEXITSTATUS(st);
	}
}

static void reap(pid_t pid, struct hook_result *r)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	set_end(r, st);
}

int hook_run(const char *path, const char *arg, char *const *env,
	     long timeout_ms, const char *tag, struct hook_result *r)
{
	struct out_buf o = { .tag = tag };
	int out[2], errp[2], pidfd, e = 0;
	long start = now_ms();
	ssize_t got;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	o.last = r->last_line;
	if (pipe2(out, O_CLOEXEC))
		return -errno;
	if (pipe2(errp, O_CLOEXEC)) {
		e = -errno;
		close(out[0]);
		close(out[1]);
		return e;
	}
	pid = fork();
	if (pid == 0)
		child_exec(path, arg, env, out[1], errp[1]);
	close(out[1]);
	close(errp[1]);
	if (pid < 0) {
		e = errno;
		close(out[0]);
		close(errp[0]);
		r->end = HOOK_NOT_RUN;
		r->status = e;
		return 0;
	}
	/* Both sides set the group, so a kill at once still finds it. */
	setpgid(pid, pid);
	/* Closed at exec (CLOEXEC): an errno here means exec failed. */
	while ((got = read(errp[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(errp[0]);
	if (got == sizeof(e)) {
		reap(pid, r);
		r->end = HOOK_NOT_RUN;
		r->status = e;
		close(out[0]);
		return 0;
	}

	/*
	 * Without pidfds (valgrind does not know the call) the exit is
	 * polled for every TICK_MS instead.
	 */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 && errno != ENOSYS) {
		e = -errno;
		kill(-pid, SIGKILL);
		reap(pid, r);
		close(out[0]);
		return e;
	}
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = out[0], .events = POLLIN },
			{ .fd = pidfd, .events = POLLIN },
		};
		long left = timeout_ms - (now_ms() - start);
		int n, st;

		if (left <= 0) {
			r->end = HOOK_TIMED_OUT;
			kill(-pid, SIGKILL);
			break;
		}
		if (pidfd < 0 && left > TICK_MS)
			left = TICK_MS;
		/* pfd[0].fd < 0 (output closed) is ignored by poll. */
		n = poll(pfd, pidfd >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {	/* cannot watch it: do not let it run unwatched */
			r->end = HOOK_TIMED_OUT;
			kill(-pid, SIGKILL);
			break;
		}
		/* EOF: every holder of the pipe closed it; watch the pid only. */
		if (out[0] >= 0 && pfd[0].revents && !out_read(&o, out[0])) {
			close(out[0]);
			out[0] = -1;
		}
		if (pidfd >= 0 && (pfd[1].revents & POLLIN))
			break;
		if (pidfd < 0 && waitpid(pid, &st, WNOHANG) == pid) {
			set_end(r, st);
			pid = 0;
			break;
		}
	}
	if (pid)
		reap(pid, r);
	/* What it wrote before it ended; its children's later output is lost. */
	if (out[0] >= 0) {
		while (out_read(&o, out[0]))
			;
		close(out[0]);
	}
	out_flush(&o, true);
	if (pidfd >= 0)
		close(pidfd);
	r->elapsed_ms = now_ms() - start;
	return 0;
}

void hook_describe(const struct hook_result *r, char *buf, size_t size)
{
	switch (r->end) {
	case HOOK_EXITED:
		snprintf(buf, size, "exited with status %d", r->status);
		break;
	case HOOK_SIGNALED:
		snprintf(buf, size, "killed by signal %d", r->status);
		break;
	case HOOK_TIMED_OUT:
		snprintf(buf, size, "timed out after %ld ms, killed",
			 r->elapsed_ms);
		break;
	case HOOK_NOT_RUN:
		snprintf(buf, size, "could not run: %s", strerror(r->status));
		break;
	}
}
