/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's kselftest_harness.h (from Debian's linux-source-6.12, see
 * scripts/kernel-source.sh), with one change every test of vss relies on:
 * a SKIP() after a failed EXPECT_*() leaves the case failed.
 *
 * The harness's own SKIP() sets the case's exit code to KSFT_SKIP whatever
 * it was, so "EXPECT_EQ(-EOPNOTSUPP, ret); SKIP(return, ...)" reported
 * "ok ... # SKIP" even when ret was wrong: the check before the skip could
 * never fail. Here the skip's reason is logged and the case stays "not ok".
 * A failure after the skip (when its statement does not return) fails the
 * case too: the harness sets KSFT_FAIL on any failed check.
 *
 * Every C test includes this header, never kselftest_harness.h itself
 * (selftests/Makefile refuses to build one that does).
 */
#ifndef VSS_HARNESS_H
#define VSS_HARNESS_H

#include "kselftest_harness.h"

#undef SKIP
#define SKIP(statement, fmt, ...) do { \
	snprintf(_metadata->results->reason, \
		 sizeof(_metadata->results->reason), fmt, ##__VA_ARGS__); \
	if (_metadata->exit_code == KSFT_FAIL) { \
		TH_LOG("not skipped: an earlier check failed (skip reason: %s)", \
		       _metadata->results->reason); \
		/* A failed case's line carries no reason (no "# SKIP"). */ \
		_metadata->results->reason[0] = '\0'; \
	} else { \
		if (TH_LOG_ENABLED) { \
			fprintf(TH_LOG_STREAM, "#      SKIP      %s\n", \
				_metadata->results->reason); \
		} \
		_metadata->exit_code = KSFT_SKIP; \
		_metadata->trigger = 0; \
	} \
	statement; \
} while (0)

#endif /* VSS_HARNESS_H */
