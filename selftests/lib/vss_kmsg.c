// SPDX-License-Identifier: GPL-2.0
/* The kernel log as an ordering between a test's acts and the module's. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vss_kmsg.h"

int vss_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static long vss_kmsg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A record is "prio,seq,usec,flags;text\n": one per read(). */
int64_t vss_kmsg_wait(int fd, const char *needle, int timeout_ms)
{
	long end = vss_kmsg_now_ms() + timeout_ms;
	char rec[2048];
	ssize_t n;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = end - vss_kmsg_now_ms();

		n = read(fd, rec, sizeof(rec) - 1);
		if (n > 0) {
			char *text = memchr(rec, ';', n);
			unsigned long long seq;

			rec[n] = '\0';
			if (text && strstr(text, needle) &&
			    sscanf(rec, "%*u,%llu,", &seq) == 1)
				return (int64_t)seq;
			continue;
		}
		/* EPIPE: records were overwritten under us; read on. */
		if (n < 0 && errno == EPIPE)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (left <= 0)
			return -ETIMEDOUT;
		poll(&pfd, 1, left);
	}
}

void vss_kmsg_scan(int fd, const char *const *needles, int64_t *seqs, int n)
{
	char rec[2048];
	ssize_t len;
	int i;

	for (i = 0; i < n; i++)
		seqs[i] = -1;
	while ((len = read(fd, rec, sizeof(rec) - 1)) > 0 || (len < 0 && errno == EPIPE)) {
		char *text = len > 0 ? memchr(rec, ';', len) : NULL;
		unsigned long long seq;

		if (!text)
			continue;
		rec[len] = '\0';
		if (sscanf(rec, "%*u,%llu,", &seq) != 1)
			continue;
		for (i = 0; i < n; i++)
			if (seqs[i] < 0 && strstr(text, needles[i]))
				seqs[i] = (int64_t)seq;
	}
}

int vss_kmsg_mark(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int fd, len;
	ssize_t n;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (len < 0 || len >= (int)sizeof(line) - 1)
		return -EINVAL;
	line[len++] = '\n';
	/* A fresh open each time: the kernel rate-limits writes per open file. */
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, len);
	close(fd);
	return n == len ? 0 : -EIO;
}
