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
 * The switch drains the writes in flight by freezing each origin's queue
 * (kmod/snapset.c, vss_window_drain()), which waits only for bios inside
 * the queue. Two kinds escape it and land uncopied after the snapshot is
 * linked: a write the ftrace handler let pass that has not entered the
 * queue yet (bio_queue_enter() then waits for the unfreeze and goes on),
 * and a diverted write whose worker copied its chunk for the old newest
 * snapshot before the hold and resubmits it after the switch
 * (kmod/tracker.c, vss_cow_and_resubmit(): the hold is checked before the
 * copy only, and the drain does not wait for origin->inflight). The image
 * read at once after the reply then differs from later reads (snapshot_stamp,
 * stamp.*, by chance: seen on brd, 4 KiB chunks).
 */
#define VSS_BUG_IN_FLIGHT_WRITE		1
/*
 * The switch drains writes that passed the tracker by freezing each
 * origin's queue (kmod/snapset.c, vss_window_drain()). A bio-based stacked
 * origin (dm, md: an LVM volume) holds its queue only while it maps a bio,
 * not until the bio ends: a write that passed the tracker and is still
 * inside the device's stack at the switch is not waited for, and lands
 * under the published snapshot, which changes from one read to the next
 * (snapshot_stamp, race.write_in_flight_*).
 */
#define VSS_BUG_IN_FLIGHT_WRITE_STACKED	1

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
