/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VSS coordination protocol for the selftests, over the raw client in
 * vss_nl.h:
 *
 *  - a scripted writer (struct vss_tw) that runs in a child process,
 *    registers, answers every event as its script says, and records the
 *    exact sequence of events it got (with set ids, and a global order
 *    shared by every writer and requester of the test) in shared memory;
 *  - a requester (struct vss_req) that starts session operations and
 *    waits for their completions, keeping completions that arrive before
 *    an operation's ack.
 */
#ifndef VSS_SELFTEST_PROTO_H
#define VSS_SELFTEST_PROTO_H

#include <stdint.h>
#include <sys/types.h>

#include "vss_nl.h"

#define VSS_TW_MAX_EVENTS	64
#define VSS_TW_MAX_REPLIES	16
#define VSS_REQ_MAX_WRITERS	16
#define VSS_REQ_MAX_SNAPS	8

/* How the scripted writer answers one kind of event. */
struct vss_tw_reply {
	uint32_t event;		/* enum vss_event this applies to */
	uint32_t failure;	/* enum vss_writer_failure; 0: succeed */
	uint32_t error;		/* the writer's errno */
	uint32_t delay_ms;	/* sleep before answering */
	int no_answer;		/* never answer */
	int die;		/* SIGKILL itself on receipt */
	char message[64];
};

struct vss_tw_event {
	uint32_t event;
	uint32_t session_id;
	uint32_t backup_type;
	uint32_t nr_volumes;
	int has_set_id;
	uint8_t set_id[16];
	uint64_t order;		/* global order (vss_order_next()) */
	uint64_t answer_order;	/* just before the answer went; 0 if none did */
	int done_err;		/* the ack of our answer: 0 or -errno; 1 until it comes */
	char document[64];	/* start of the backup components document */
};

/* Lives in shared memory: the parent reads what the child records. */
struct vss_tw {
	/* Configuration, before vss_tw_start(). */
	char name[64];
	uint8_t class_id[16];
	uint8_t instance_id[16];
	uint32_t level;
	uint32_t freeze_timeout_ms;	/* 0: the module's default */
	char metadata[128];		/* answer to Identify */
	int nr_replies;
	struct vss_tw_reply replies[VSS_TW_MAX_REPLIES];

	/* Filled in by the child. */
	pid_t pid;
	volatile uint32_t writer_id;
	volatile uint32_t portid;
	volatile int ready;		/* 1 registered, <0 -errno */
	volatile int nr_events;
	struct vss_tw_event ev[VSS_TW_MAX_EVENTS];
};

/* The next number of the test-wide order (shared with every child). */
uint64_t vss_order_next(void);

/* A writer named name at level, random ids, answering every event with success. */
struct vss_tw *vss_tw_new(const char *name, uint32_t level);
/* Script: how to answer event (replaces an earlier line for the same event). */
struct vss_tw_reply *vss_tw_on(struct vss_tw *w, uint32_t event);
/* Forks the writer, waits until it registered; 0 or -errno. */
int vss_tw_start(struct vss_tw *w);
/* Waits until the writer recorded n events; 0 or -ETIMEDOUT. */
int vss_tw_wait_count(struct vss_tw *w, int n, int timeout_ms);
/* Waits for the first recorded event of this kind; its index, or -ETIMEDOUT. */
int vss_tw_wait_event(struct vss_tw *w, uint32_t event, int timeout_ms);
/* Index of the first (nth, from 0) recorded event of this kind, or -1. */
int vss_tw_find(struct vss_tw *w, uint32_t event, int nth);
/* The ack of the answer to event idx (0 or -errno; 0 if none was sent). */
int vss_tw_done_err(struct vss_tw *w, int idx, int timeout_ms);
/* The recorded events as "identify prepare-backup ...", into buf. */
const char *vss_tw_seq(struct vss_tw *w, char *buf, size_t size);
/* Same, only the events of one session. */
const char *vss_tw_seq_session(struct vss_tw *w, uint32_t session_id, char *buf,
			       size_t size);
/* SIGKILLs the child and reaps it (idempotent). */
void vss_tw_kill(struct vss_tw *w);
/* Kills the child if alive and frees the shared memory. */
void vss_tw_free(struct vss_tw *w);

const char *vss_event_name(uint32_t event);

struct vss_completion {
	uint32_t session_id;
	uint32_t op;
	uint32_t seq;
	uint32_t error;
	uint32_t status;
	uint32_t state;
	char message[128];
	int has_set_id;
	uint8_t set_id[16];
	int nr_snaps;
	char device[VSS_REQ_MAX_SNAPS][32];
	int nr_writers;
	struct {
		uint32_t id;
		uint32_t level;
		uint32_t state;
		uint32_t failure;
		uint32_t error;
		int selected;
		char name[64];
		char message[128];
	} w[VSS_REQ_MAX_WRITERS];
	uint64_t order;		/* when it was received (vss_order_next()) */
};

struct vss_req {
	struct vss_nl nl;
	int nr_pending;
	struct vss_completion pending[8];
};

/* Optional parameters of an operation. */
struct vss_op_args {
	uint32_t backup_type;			/* PREPARE_BACKUP (required there) */
	const char *document;			/* backup components document */
	const char *const *volumes;		/* DO_SNAPSHOT_SET */
	int nr_volumes;
	uint32_t flags;				/* DO_SNAPSHOT_SET */
	const uint32_t *writers;		/* PREPARE_BACKUP selection */
	int nr_writers;
};

int vss_req_open(struct vss_req *r);
void vss_req_close(struct vss_req *r);
/* SESSION_CREATE; 0 and *id, or -errno (nl.ext_msg, nl.ext_status). */
int vss_req_create(struct vss_req *r, uint32_t type, const char *document,
		   uint32_t *id);
/* Sends an asynchronous operation; its ack: 0 and *seq, or -errno. */
int vss_req_start(struct vss_req *r, uint8_t cmd, uint32_t id,
		  const struct vss_op_args *args, uint32_t *seq);
/* Waits for the completion of the request seq; 0 or -ETIMEDOUT. */
int vss_req_wait(struct vss_req *r, uint32_t seq, struct vss_completion *c,
		 int timeout_ms);
/* vss_req_start + vss_req_wait (60 s): the ack's -errno, or 0 with c. */
int vss_req_op(struct vss_req *r, uint8_t cmd, uint32_t id,
	       const struct vss_op_args *args, struct vss_completion *c);
/* A synchronous session command (abort, release, ...) on id: 0 or -errno. */
int vss_req_cmd(struct vss_req *r, uint8_t cmd, uint32_t id);
/* SESSION_DELETE_SNAPSHOTS: the count, or -errno. */
int vss_req_delete_snapshots(struct vss_req *r, uint32_t id);
/* SESSION_WRITER_GET: the writer's metadata document into buf; 0 or -errno. */
int vss_req_writer_metadata(struct vss_req *r, uint32_t id, uint32_t writer_id,
			    uint16_t attr, char *buf, size_t size);

/* Number of writers (WRITER_GET dump) / sessions (SESSION_GET dump), or -errno. */
int vss_writer_count(struct vss_nl *nl);
int vss_session_count(struct vss_nl *nl);
/* Waits until no writer and no session is left (teardown); 0 or -ETIMEDOUT. */
int vss_proto_wait_idle(struct vss_nl *nl, int timeout_ms);

#endif /* VSS_SELFTEST_PROTO_H */

/* A loop device over a sparse file in /tmp, with memory diff storage. */
struct vss_loopvol {
	char img[64];
	char dev[64];
	char mnt[64];		/* set when mkfs'ed and mounted */
};
/* mkfs: NULL for a raw device, else e.g. "mkfs.ext4 -q -F" (then mounted). */
int vss_loopvol_setup(struct vss_nl *nl, struct vss_loopvol *v, const char *tag,
		      const char *mkfs);
void vss_loopvol_teardown(struct vss_nl *nl, struct vss_loopvol *v);
/* The volume as SESSION_DO_SNAPSHOT_SET wants it: mount point or device. */
const char *vss_loopvol_path(const struct vss_loopvol *v);
/* 0 if a file can be written and synced on the mounted volume (20 s). */
int vss_loopvol_writable(const struct vss_loopvol *v);
