// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static unsigned int tap_n, tap_failed;

/*
 * Every line leaves the stdio buffer at once. A test's stdout is a file, so
 * fully buffered, and the code under test forks (vss-sqlite-writer's lock
 * helper, vss-hookd's hooks): a child that exits through stdio's cleanup
 * (always, under valgrind, whose exit runs __libc_freeres even after
 * _exit()) would print the parent's unwritten lines a second time.
 */
static void tap_flush(void)
{
	fflush(stdout);
}

static bool report(bool cond, const char *fmt, va_list ap)
{
	printf("%sok %u - %s: ", cond ? "" : "not ", ++tap_n,
	       program_invocation_short_name);
	vprintf(fmt, ap);
	putchar('\n');
	tap_flush();
	if (!cond)
		tap_failed++;
	return cond;
}

void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("#   ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	tap_flush();
}

bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	return cond;
}

bool ok_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		diag("got %lld, want %lld", got, want);
	return got == want;
}

bool ok_str(const char *got, const char *want, const char *fmt, ...)
{
	bool cond = got && want ? !strcmp(got, want) : got == want;
	va_list ap;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("got \"%s\", want \"%s\"", got ? got : "(null)",
		     want ? want : "(null)");
	return cond;
}

bool ok_contains(const char *got, const char *want, const char *fmt, ...)
{
	bool cond = got && strstr(got, want);
	va_list ap;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("got \"%s\", want it to contain \"%s\"",
		     got ? got : "(null)", want);
	return cond;
}

bool ok_mem(const void *got, const void *want, size_t len, const char *fmt, ...)
{
	bool cond = got && !memcmp(got, want, len);
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	if (cond || !got)
		return cond;
	for (i = 0; i < len; i++)
		if (((const uint8_t *)got)[i] != ((const uint8_t *)want)[i])
			diag("byte %zu: got 0x%02x, want 0x%02x", i,
			     ((const uint8_t *)got)[i], ((const uint8_t *)want)[i]);
	return cond;
}

int tap_done(void)
{
	printf("# %s: %u checks, %u failed\n", program_invocation_short_name,
	       tap_n, tap_failed);
	tap_flush();
	return tap_failed ? 1 : 0;
}
