/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TAP-style results: one "ok N - PROGRAM: what" line per check, so that a
 * failure read out of a long log still names its program.
 */
#ifndef LIBVSS_TEST_TAP_H
#define LIBVSS_TEST_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAP_SKIP	77

__attribute__((format(printf, 2, 3)))
bool ok(bool cond, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
bool ok_int(long long got, long long want, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
bool ok_str(const char *got, const char *want, const char *fmt, ...);
/* Substring match: for messages whose exact wording may improve. */
__attribute__((format(printf, 3, 4)))
bool ok_contains(const char *got, const char *want, const char *fmt, ...);
__attribute__((format(printf, 4, 5)))
bool ok_mem(const void *got, const void *want, size_t len,
	    const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void diag(const char *fmt, ...);
/* Exit status of the program: 0 if every check passed, else 1. */
int tap_done(void);

#endif /* LIBVSS_TEST_TAP_H */
