/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VSS coordination protocol: writers, sessions and their events. See
 * Documentation/protocol.md for the rules; in short:
 *
 * A writer is registered by a netlink socket and lives until that socket
 * unregisters it or closes. A session is created by a requester's socket,
 * runs one backup or restore, and is never reused; its long operations
 * (Identify, PrepareForBackup, DoSnapshotSet, BackupComplete, PreRestore,
 * PostRestore) run one at a time in the session's work item, which sends
 * events to the participating writers, waits for their answers with
 * timeouts, and reports the end to the requester's socket.
 *
 * Locking:
 *   vss_proto_lock (mutex)  the writer and session lists, and every field
 *                           marked (P) below. Never held across a wait,
 *                           never nested with vss_lock (the engine's), so
 *                           the engine is always called without it. Sends
 *                           under it never block (netlink unicasts are
 *                           MSG_DONTWAIT; allocations are GFP_KERNEL).
 *   session work item       fields marked (W): only the running operation
 *                           touches them; an operation is accepted only
 *                           while none runs (s->op, under vss_proto_lock).
 *   the creation slot       (snapset.c) held by a DoSnapshotSet from
 *                           PrepareForSnapshot to PostSnapshot, inside one
 *                           run of the work item.
 */
#ifndef VSS_PROTO_H
#define VSS_PROTO_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/uuid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/vss.h>

#include "engine.h"

extern struct mutex vss_proto_lock;
extern unsigned int vss_event_timeout_ms;

struct netlink_ext_ack;
struct sk_buff;

/* Default freeze timeout of a writer (Windows' default too). */
#define VSS_FREEZE_TIMEOUT_DEFAULT_MS	60000
#define VSS_FREEZE_TIMEOUT_MAX_MS	3600000

struct vss_writer {
	struct list_head node;		/* vss_writers, while registered (P) */
	struct kref ref;		/* the list's, one per participant */
	u32 id;
	u32 portid;			/* the socket the writer is bound to */
	uuid_t class_id;
	uuid_t instance_id;
	char name[VSS_WRITER_NAME_MAX];
	char instance_name[VSS_WRITER_NAME_MAX];
	u32 usage_type;
	u32 source_type;
	u32 level;			/* enum vss_writer_level */
	u32 freeze_timeout_ms;
	bool gone;			/* unregistered or socket closed (P) */
	/* Its state in the last session it took part in, for WRITER_GET (P). */
	u32 state;
	u32 failure;
	u32 error;
	u32 session_id;
	char message[VSS_MESSAGE_MAX];
};

/* A writer's part in one session. */
struct vss_participant {
	struct vss_writer *w;		/* referenced */
	u32 state;			/* enum vss_writer_state (P) */
	u32 failure;			/* enum vss_writer_failure (P) */
	u32 error;			/* (P) */
	char message[VSS_MESSAGE_MAX];	/* (P) */
	bool selected;			/* strict counts its failures (P) */
	u32 sent;			/* BIT(event) of every event delivered (P) */
	u32 awaiting;			/* event whose answer is awaited, or 0 (P) */
	unsigned long deadline;		/* jiffies: the answer is late after it (P) */
	u64 freeze_ns;			/* when Freeze was sent (P) */
	char *metadata;			/* answer to Identify (P) */
	char *restore_status;		/* answer to Pre/PostRestore (P) */
};

/* What an operation hands to its completion. */
struct vss_op_result {
	int err;			/* 0 or -errno */
	u32 status;			/* enum vss_status */
	u32 state;			/* the session's state after it */
	char message[128];
};

/* One snapshot of a session's set, copied when the engine made it. */
struct vss_session_snap {
	uuid_t id;
	int number;
	char origin[BDEVNAME_SIZE];
	struct vss_cbt_token token;
};

/* Internal op values: nothing to run but the release; a command is busy. */
#define VSS_SESSION_OP_RELEASE	0xff
#define VSS_SESSION_OP_BUSY	0xfe

struct vss_session {
	struct list_head node;		/* vss_sessions (P) */
	u32 id;
	u32 owner;			/* portid of the requester's socket */
	u32 type;			/* enum vss_session_type */
	u32 state;			/* enum vss_session_state (P) */
	u32 op;				/* running op, or NONE, RELEASE, BUSY (P) */
	u32 op_seq;			/* nlmsg_seq of the request of op (P) */
	u32 last_op, last_error, last_status;	/* (P) */
	bool cancel;			/* stop the running op (P; READ_ONCE in waits) */
	/*
	 * The cancel is an explicit SESSION_ABORT, not a release: only an
	 * abort sends Abort outside DoSnapshotSet (P).
	 */
	bool abort_requested;
	bool post_snapshot_sent;	/* no Abort may follow (P) */
	bool released;			/* released or owner gone (P) */
	bool owner_gone;		/* its socket's URELEASE was seen (P) */
	unsigned int awaiting;		/* answers outstanding (P; READ_ONCE in waits) */
	wait_queue_head_t wait;		/* answers, writers gone, cancel */
	struct work_struct work;

	bool have_set;			/* set_id is assigned (P) */
	uuid_t set_id;			/* (P) */
	u32 backup_type;		/* (P) */
	u32 flags;			/* enum vss_session_flags of DoSnapshotSet (P) */
	char *document;			/* backup components document (P) */
	unsigned int nr_vols;		/* (P) */
	char *vols[VSS_MAX_VOLUMES];	/* (P) */
	/*
	 * The volumes looked up in the requester's own root and mount
	 * namespace when DoSnapshotSet was accepted (the work item has
	 * neither); held only until the engine made the set. (W)
	 */
	unsigned int nr_paths;
	struct path paths[VSS_MAX_VOLUMES];

	unsigned int nr_parts;		/* fixed once Identify was sent (P) */
	struct vss_participant *parts;	/* (P) */

	/* The set DoSnapshotSet made: (W) while it runs, (P) after. */
	unsigned int nr_snaps;
	struct vss_session_snap *snaps;
	u32 consistency;
	u64 window_ns;
};

/* writer.c */
extern struct list_head vss_writers;
extern unsigned int vss_nr_writers;
int vss_writer_register(struct vss_writer *w, struct netlink_ext_ack *extack);
struct vss_writer *vss_writer_find(u32 id);
void vss_writer_gone(struct vss_writer *w);
void vss_writer_put(struct vss_writer *w);
void vss_writers_release_owner(u32 portid);

/* session.c */
extern struct list_head vss_sessions;
int vss_session_init(void);
void vss_session_exit(void);
int vss_session_create(u32 owner, u32 type, char *document, u32 *id,
		       struct netlink_ext_ack *extack);
struct vss_session *vss_session_lookup(u32 id, u32 portid, bool owner_only,
				       struct netlink_ext_ack *extack);
void vss_session_set_state(struct vss_session *s, u32 state);
int vss_session_check_op(struct vss_session *s, u32 op,
			 struct netlink_ext_ack *extack);
void vss_session_start_op(struct vss_session *s, u32 op, u32 seq);
void vss_session_idle(struct vss_session *s);
int vss_session_abort(struct vss_session *s);
void vss_session_release(struct vss_session *s);
void vss_sessions_release_owner(u32 portid);
unsigned int vss_session_delete_snaps(struct vss_session *s);
void vss_session_put_paths(struct vss_session *s);

/* session_events.c */
bool vss_event_awaits_answer(u32 event);
u32 vss_event_failed_state(u32 event);
void vss_participant_fail(struct vss_session *s, struct vss_participant *p,
			  u32 event, u32 failure, u32 error, const char *msg);
int vss_event_send(struct vss_session *s, struct vss_participant *p, u32 event);
void vss_session_round(struct vss_session *s, u32 event, u32 level);
void vss_session_send_aborts(struct vss_session *s, bool failed_only);
void vss_session_send_shutdowns(struct vss_session *s);
void vss_sessions_writer_gone(struct vss_writer *w);

struct vss_answer {
	u32 session_id;
	u32 writer_id;
	u32 event;
	u32 failure;
	u32 error;
	const char *message;
	char *metadata;			/* taken over on success */
	char *restore_status;		/* taken over on success */
};
int vss_event_done(u32 portid, struct vss_answer *a, struct netlink_ext_ack *extack);

/* session_ops.c */
void vss_session_run_op(struct vss_session *s, u32 op, struct vss_op_result *r);

/* session_msg.c */
size_t vss_msg_writer_status_size(void);
int vss_msg_put_writer_status(struct sk_buff *msg, struct vss_session *s,
			      struct vss_participant *p);
int vss_msg_put_writer(struct sk_buff *msg, struct vss_writer *w);
int vss_msg_put_session(struct sk_buff *msg, struct vss_session *s, bool writers);
struct sk_buff *vss_msg_complete(struct vss_session *s, u32 op, u32 seq,
				 const struct vss_op_result *r);
void vss_msg_state_notify(struct vss_session *s);

/* Status of an errno from the engine or the module (see protocol.md). */
u32 vss_status_of(int err);

#endif /* VSS_PROTO_H */
