/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known module bugs that selftests demonstrate. Include after
 * kselftest_harness.h.
 *
 * While a bug's flag is 1, a test that sees its symptom reports XFAIL with
 * the bug's description, unless something else failed (that still fails).
 * The harness's own XFAIL_ADD() is not used: it turns every failure of a
 * test into XFAIL, a broken setup included. Whoever fixes a bug sets its
 * flag to 0: the symptom then fails the test, which guards the fix.
 */
#ifndef VSS_SELFTEST_KNOWN_BUG_H
#define VSS_SELFTEST_KNOWN_BUG_H

#include <stdio.h>

/*
 * A write through a disk node that spans two tracked partitions is copied
 * for one of them only (storage_overlap).
 */
#define VSS_BUG_SPANNING_WRITE		1
/*
 * The switch does not wait for writes that passed the tracker before it:
 * they land in the published snapshot. On a plain disk (snapshot_stamp,
 * by chance), and on a stacked one, a dm device that holds the write
 * (snapshot_stamp, race.write_*, for certain): a fix that drains the
 * origin's request queue covers the first only.
 */
#define VSS_BUG_IN_FLIGHT_WRITE		1
#define VSS_BUG_IN_FLIGHT_WRITE_STACKED	1
/*
 * A write to a chunk already in the newest map does not wait for snapshot
 * reads of that chunk from the origin: such a read returns the write
 * (snapshot_stamp, race.origin_read_*).
 */
#define VSS_BUG_READ_OVERTAKEN		1

#define vss_known_bug(flag, what) do {					\
	if (!(flag)) {							\
		TH_LOG("%s", what);					\
		_metadata->exit_code = KSFT_FAIL;			\
	} else if (_metadata->exit_code == KSFT_PASS) {			\
		TH_LOG("known bug: %s", what);				\
		snprintf(_metadata->results->reason,			\
			 sizeof(_metadata->results->reason),		\
			 "known vss bug: %s", what);			\
		_metadata->exit_code = KSFT_XFAIL;			\
	}								\
} while (0)

#endif /* VSS_SELFTEST_KNOWN_BUG_H */
