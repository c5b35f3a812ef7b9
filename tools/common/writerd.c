// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/vss.h>

#include "writerd.h"

static const char *log_name = "writerd";
static bool log_prio;		/* stderr is the journal's stream */

void writerd_log_init(const char *name)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	log_name = name;
	/*
	 * "DEV:INO" of the stream systemd connected; a child may inherit
	 * the variable with stderr redirected elsewhere, so both must match.
	 */
	log_prio = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
		   !fstat(STDERR_FILENO, &st) && st.st_dev == dev &&
		   st.st_ino == ino;
	setvbuf(stderr, NULL, _IOLBF, 0);
}

void writerd_vlog(int prio, const char *fmt, va_list ap)
{
	if (log_prio)
		fprintf(stderr, "<%d>", prio);
	fprintf(stderr, "%s: ", log_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define WRITERD_LOG_AT(func, prio)				\
void func(const char *fmt, ...)					\
{								\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	writerd_vlog(prio, fmt, ap);				\
	va_end(ap);						\
}

void writerd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	writerd_vlog(prio, fmt, ap);
	va_end(ap);
}

WRITERD_LOG_AT(writerd_err, LOG_ERR)
WRITERD_LOG_AT(writerd_warn, LOG_WARNING)
WRITERD_LOG_AT(writerd_info, LOG_INFO)

long writerd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

uint64_t writerd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

long writerd_event_budget_ms(uint32_t event, uint32_t freeze_timeout_ms)
{
	long ms = 60000;
	FILE *f;

	if (event == VSS_EVENT_FREEZE) {
		ms = freeze_timeout_ms ? (long)freeze_timeout_ms : 60000;
	} else {
		/* Read each time: an administrator may change it at any moment. */
		f = fopen("/sys/module/vss/parameters/event_timeout_ms", "r");
		if (f) {
			if (fscanf(f, "%ld", &ms) != 1 || ms <= 0)
				ms = 60000;
			fclose(f);
		}
	}
	ms -= WRITERD_MARGIN_MS;
	return ms < 100 ? 100 : ms;
}

void writerd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')	/* abstract namespace */
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, len) < 0)
		fprintf(stderr, "sd_notify %s: %s\n", state, strerror(errno));
	close(fd);
}

int writerd_signalfd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

void writerd_instance_id(const char *name, uint8_t id[16])
{
	/* Two FNV-1a 64 hashes with different offsets: stable, not secret. */
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
	const unsigned char *p;
	int i;

	for (p = (const unsigned char *)name; *p; p++) {
		a = (a ^ *p) * 0x100000001b3ULL;
		b = (b ^ *p) * 0x100000001b3ULL;
	}
	for (i = 0; i < 8; i++) {
		id[i] = (uint8_t)(a >> (8 * i));
		id[8 + i] = (uint8_t)(b >> (8 * i));
	}
}

long writerd_parse_seconds(const char *s, long max_ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 ||
	    v * 1000 > (double)max_ms)
		return -1;
	return (long)(v * 1000 + 0.5);
}

long writerd_parse_bytes(const char *s)
{
	unsigned int shift = 0;
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	/* Bounded before the shift: a huge number must not wrap to a small one. */
	if (*end || !v || v > (1ULL << 30) >> shift)
		return -1;
	return (long)(v << shift);
}

static const char *test_stop_var, *test_stop_phase;

void writerd_test_stop_init(const char *var)
{
	test_stop_var = var;
	test_stop_phase = getenv(var);
}

void writerd_test_stop_at(const char *phase)
{
	if (!test_stop_phase || strcmp(test_stop_phase, phase))
		return;
	writerd_warn("test stop at %s (%s)", phase, test_stop_var);
	raise(SIGSTOP);
}
