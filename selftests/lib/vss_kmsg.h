/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log as a clock shared with the module: a test writes its own
 * line into /dev/kmsg right after an act (a kill) and compares that line's
 * sequence number with those of the module's lines, to prove in which
 * phase of the module the act fell.
 */
#ifndef VSS_SELFTEST_KMSG_H
#define VSS_SELFTEST_KMSG_H

#include <stdint.h>

/* A reader of the kernel log from its current end: an fd, or -errno. */
int vss_kmsg_open(void);
/*
 * Reads on from fd's position until a record containing needle; returns
 * its sequence number (>= 0), or -ETIMEDOUT after timeout_ms.
 */
int64_t vss_kmsg_wait(int fd, const char *needle, int timeout_ms);
/*
 * Reads every record there is now from fd's position; seqs[i] is the
 * sequence number of the first one containing needles[i], or -1.
 */
void vss_kmsg_scan(int fd, const char *const *needles, int64_t *seqs, int n);
/* Writes one line into the kernel log; 0 or -errno. */
int vss_kmsg_mark(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VSS_SELFTEST_KMSG_H */
