/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl_fuzz's shared pieces: the random stream (reproducible from a printed
 * seed), the per-command counts every part of the fuzzer adds to, and the
 * protocol driver (fuzz_proto.c), which runs valid sessions through every
 * phase with writers that answer, veto, time out and die, and mutates the
 * messages at each step.
 */
#ifndef VSS_SELFTEST_FUZZ_H
#define VSS_SELFTEST_FUZZ_H

#include <stdint.h>

#define FUZZ_MAX_ERRNO	160
#define FUZZ_NR_EVENTS	12	/* enum vss_event, VSS_EVENT_NONE included */

struct fuzz_stats {
	unsigned long sent, answered, silent, dropped_ok;
	unsigned long by_errno[FUZZ_MAX_ERRNO + 1];	/* [0] = success */
	unsigned long unpriv_success;		/* other than GET_FEATURES */
	/* Per command: requests sent, answered 0, answered an error. */
	unsigned long cmd_sent[256], cmd_ok[256], cmd_failed[256];
	/* Session operations: completions with errno 0, and with an error. */
	unsigned long done_ok[256], done_err[256];
	/* Writer events delivered, and what the writers did with them. */
	unsigned long ev_got[FUZZ_NR_EVENTS], ev_ok[FUZZ_NR_EVENTS];
	unsigned long ev_veto[FUZZ_NR_EVENTS], ev_silent[FUZZ_NR_EVENTS];
	unsigned long ev_died[FUZZ_NR_EVENTS];
	/* Completions and events of an earlier socket's session (port reuse). */
	unsigned long stale;
	/* Mutated requests, and those not refused with the errno expected. */
	unsigned long mutated, mismatches;
	unsigned long timeouts;
};

/* xorshift64*: the whole run follows from the printed seed. */
static inline uint64_t fuzz_rnd(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline unsigned int fuzz_below(uint64_t *state, unsigned int n)
{
	return n ? fuzz_rnd(state) % n : 0;
}

/* What the protocol driver works on; all set up by the caller. */
struct fuzz_proto_env {
	uint16_t family;
	uint64_t seed;
	unsigned int rounds;
	const char *fs_volume;		/* mount point of a volume with diff storage */
	const char *raw_volume;		/* block device with diff storage */
	const char *spare_dev;		/* block device without storage: added, removed */
	const char *storage_dir;	/* directory for file diff storage */
	struct fuzz_stats *st;
};

/*
 * Runs env->rounds rounds: each registers 0-4 writers on sockets of this
 * process, runs one backup or restore session to its end (or to an abort,
 * a release or the requester's death at a random step), and exercises the
 * storage, snapshot and freeze commands once. Every step is preceded by
 * mutated copies of its request, each of which must be refused with the
 * errno its mutation calls for. Returns 0, or -errno if the driver itself
 * could not run (sockets).
 */
int fuzz_proto_run(struct fuzz_proto_env *env);

/* Command name from the uapi enum ("SESSION_CREATE"), or NULL. */
const char *fuzz_cmd_name(unsigned int cmd);
/* Is this command a notification (never a request)? */
int fuzz_cmd_is_ntf(unsigned int cmd);
/* Is it a session operation (accepted, then completed by a notification)? */
int fuzz_cmd_is_async(unsigned int cmd);

#endif /* VSS_SELFTEST_FUZZ_H */
