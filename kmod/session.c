// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: one requester object per backup or restore, owned by the
 * requester's socket, never reused.
 *
 * A netlink handler only checks that an operation is in sequence, records
 * its parameters and queues the session's work item: the ack means
 * "accepted". The work item runs the operation (session_ops.c), updates the
 * state, and unicasts SESSION_COMPLETE_NTF to the owner. One operation runs
 * at a time; s->op says which, under vss_proto_lock.
 *
 * Release (SESSION_RELEASE, or the owner's socket closing) marks the
 * session released, cancels a running operation and leaves the rest to the
 * work item, which runs exactly once more or finishes the current run:
 * the auto-release snapshots are deleted, every writer that took part gets
 * BackupShutdown with the set id, and the session is freed. Each session
 * pins the module: rmmod fails with EBUSY while one exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/namei.h>
#include <linux/slab.h>

#include "nl.h"
#include "proto.h"

LIST_HEAD(vss_sessions);
static unsigned int vss_nr_sessions;	/* (P) */
static u32 vss_next_session_id = 1;	/* (P); ids are never reused */
static struct workqueue_struct *vss_session_wq;

/* When each operation is in sequence (VSS_E_BAD_STATE otherwise). */
static const struct {
	u32 type;
	u32 state;
	const char *msg;
} vss_op_rules[] = {
	[VSS_SESSION_OP_GATHER_METADATA] = {
		U32_MAX, VSS_SESSION_STATE_CREATED,
		"GatherWriterMetadata was done already" },
	[VSS_SESSION_OP_PREPARE_BACKUP] = {
		VSS_SESSION_BACKUP, VSS_SESSION_STATE_METADATA_GATHERED,
		"PrepareForBackup needs GatherWriterMetadata first, once" },
	[VSS_SESSION_OP_DO_SNAPSHOT_SET] = {
		VSS_SESSION_BACKUP, VSS_SESSION_STATE_PREPARED,
		"DoSnapshotSet needs PrepareForBackup first, once" },
	[VSS_SESSION_OP_BACKUP_COMPLETE] = {
		VSS_SESSION_BACKUP, VSS_SESSION_STATE_SNAPSHOT_DONE,
		"BackupComplete needs a successful DoSnapshotSet first, once" },
	[VSS_SESSION_OP_PRE_RESTORE] = {
		VSS_SESSION_RESTORE, VSS_SESSION_STATE_METADATA_GATHERED,
		"PreRestore needs GatherWriterMetadata first, once" },
	[VSS_SESSION_OP_POST_RESTORE] = {
		VSS_SESSION_RESTORE, VSS_SESSION_STATE_PRE_RESTORED,
		"PostRestore needs PreRestore first, once" },
};

static void vss_session_work(struct work_struct *work);

/* Takes over @document on success; *@id is the new session's id. */
int vss_session_create(u32 owner, u32 type, char *document, u32 *id,
		       struct netlink_ext_ack *extack)
{
	struct vss_session *s;
	int err;

	if (!try_module_get(THIS_MODULE)) {
		vss_nl_err(extack, VSS_STATUS_UNEXPECTED,
			   "the vss module is being unloaded");
		return -ENODEV;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		vss_nl_err(extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		err = -ENOMEM;
		goto out_put;
	}
	s->owner = owner;
	s->type = type;
	s->state = VSS_SESSION_STATE_CREATED;
	s->document = document;
	init_waitqueue_head(&s->wait);
	INIT_WORK(&s->work, vss_session_work);

	mutex_lock(&vss_proto_lock);
	if (vss_nr_sessions >= VSS_SESSIONS_MAX) {
		mutex_unlock(&vss_proto_lock);
		vss_nl_err(extack, VSS_STATUS_OUT_OF_RESOURCES, "too many sessions");
		err = -ENOSPC;
		goto out_free;
	}
	s->id = vss_next_session_id++;
	*id = s->id;
	vss_nr_sessions++;
	list_add_tail(&s->node, &vss_sessions);
	vss_msg_state_notify(s);
	mutex_unlock(&vss_proto_lock);
	pr_debug("session %u created by portid %u\n", *id, owner);
	return 0;

out_free:
	kfree(s);
out_put:
	module_put(THIS_MODULE);
	return err;
}

/*
 * A live session by id. Ids are never reused, so an id below the next one
 * that names no live session names a released one: VSS_E_BAD_STATE, not
 * "not found". @owner_only: commands that drive the session.
 */
struct vss_session *vss_session_lookup(u32 id, u32 portid, bool owner_only,
				       struct netlink_ext_ack *extack)
{
	struct vss_session *s;

	lockdep_assert_held(&vss_proto_lock);
	list_for_each_entry(s, &vss_sessions, node) {
		if (s->id != id)
			continue;
		if (s->released)
			break;
		if (owner_only && s->owner != portid) {
			vss_nl_err(extack, VSS_STATUS_ACCESS_DENIED,
				   "the session belongs to another socket");
			return ERR_PTR(-EACCES);
		}
		return s;
	}
	if (id && id < vss_next_session_id) {
		vss_nl_err(extack, VSS_STATUS_BAD_STATE, "the session was released");
		return ERR_PTR(-EBADFD);
	}
	vss_nl_err(extack, VSS_STATUS_OBJECT_NOT_FOUND, "no session with this id");
	return ERR_PTR(-ENOENT);
}

void vss_session_set_state(struct vss_session *s, u32 state)
{
	lockdep_assert_held(&vss_proto_lock);
	if (s->state == state)
		return;
	s->state = state;
	vss_msg_state_notify(s);
}

/*
 * Is @op in sequence now? If so, the caller hands the op's parameters to
 * the session and calls vss_session_start_op() under the same hold of
 * vss_proto_lock.
 */
int vss_session_check_op(struct vss_session *s, u32 op,
			 struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vss_proto_lock);
	if (s->op != VSS_SESSION_OP_NONE) {
		vss_nl_err(extack, VSS_STATUS_BAD_STATE,
			   "another operation of the session is running");
		return -EBADFD;
	}
	if (vss_op_rules[op].type != U32_MAX && vss_op_rules[op].type != s->type) {
		if (s->type == VSS_SESSION_RESTORE)
			vss_nl_err(extack, VSS_STATUS_BAD_STATE,
				   "not allowed on a restore session");
		else
			vss_nl_err(extack, VSS_STATUS_BAD_STATE,
				   "not allowed on a backup session");
		return -EBADFD;
	}
	if (s->state != vss_op_rules[op].state) {
		vss_nl_err_static(extack, VSS_STATUS_BAD_STATE, vss_op_rules[op].msg);
		return -EBADFD;
	}
	return 0;
}

void vss_session_start_op(struct vss_session *s, u32 op, u32 seq)
{
	lockdep_assert_held(&vss_proto_lock);
	s->op = op;
	s->op_seq = seq;
	s->cancel = false;
	s->abort_requested = false;
	vss_msg_state_notify(s);
	queue_work(vss_session_wq, &s->work);
}

/*
 * A synchronous command (SESSION_DELETE_SNAPSHOTS) that worked on the
 * session without vss_proto_lock is done: a release that came meanwhile
 * runs now.
 */
void vss_session_idle(struct vss_session *s)
{
	lockdep_assert_held(&vss_proto_lock);
	s->op = VSS_SESSION_OP_NONE;
	if (s->released) {
		s->op = VSS_SESSION_OP_RELEASE;
		queue_work(vss_session_wq, &s->work);
	}
}

/* Stop waiting: answers, the creation slot. */
static void vss_session_cancel(struct vss_session *s)
{
	lockdep_assert_held(&vss_proto_lock);
	WRITE_ONCE(s->cancel, true);
	wake_up_all(&s->wait);
	wake_up_all(&vss_snapset_slot_wait);
}

/*
 * SESSION_ABORT. A running operation is cancelled and ends (ECANCELED)
 * through its own abort path; an idle session sends Abort to the writers
 * between PrepareForBackup and PostSnapshot itself.
 */
int vss_session_abort(struct vss_session *s)
{
	lockdep_assert_held(&vss_proto_lock);
	if (s->op != VSS_SESSION_OP_NONE && s->op != VSS_SESSION_OP_BUSY) {
		/* Even if the operation is past its last check: see vss_session_work. */
		s->abort_requested = true;
		vss_session_cancel(s);
		return 0;
	}
	if (s->state == VSS_SESSION_STATE_ABORTED)
		return 0;
	vss_session_send_aborts(s, false);
	vss_session_set_state(s, VSS_SESSION_STATE_ABORTED);
	return 0;
}

void vss_session_release(struct vss_session *s)
{
	lockdep_assert_held(&vss_proto_lock);
	if (s->released)
		return;
	pr_debug("session %u released\n", s->id);
	s->released = true;
	vss_session_set_state(s, VSS_SESSION_STATE_RELEASED);
	vss_session_cancel(s);
	/* A running operation finishes into the release itself. */
	if (s->op == VSS_SESSION_OP_NONE) {
		s->op = VSS_SESSION_OP_RELEASE;
		queue_work(vss_session_wq, &s->work);
	}
}

/* The requester's socket @portid was released: so are its sessions. */
void vss_sessions_release_owner(u32 portid)
{
	struct vss_session *s;

	mutex_lock(&vss_proto_lock);
	list_for_each_entry(s, &vss_sessions, node)
		if (s->owner == portid) {
			s->owner_gone = true;
			vss_session_release(s);
		}
	mutex_unlock(&vss_proto_lock);
}

/*
 * Deletes the session's set (those of its snapshots still there); returns
 * how many. Takes vss_lock, so the caller holds neither lock; the snapshots
 * are taken from the session first, so two callers never delete twice.
 */
unsigned int vss_session_delete_snaps(struct vss_session *s)
{
	struct vss_session_snap *snaps;
	unsigned int i, nr, count = 0;

	mutex_lock(&vss_proto_lock);
	snaps = s->snaps;
	nr = s->nr_snaps;
	s->snaps = NULL;
	s->nr_snaps = 0;
	mutex_unlock(&vss_proto_lock);

	mutex_lock(&vss_lock);
	for (i = 0; i < nr; i++) {
		struct vss_snapshot *snap = vss_snapshot_find(&snaps[i].id);

		if (snap) {
			vss_snapshot_delete(snap);
			count++;
		}
	}
	mutex_unlock(&vss_lock);
	kfree(snaps);
	return count;
}

/* Mounts are not kept busy longer than the engine needs them. */
void vss_session_put_paths(struct vss_session *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_paths; i++)
		path_put(&s->paths[i]);
	s->nr_paths = 0;
}

static void vss_session_free(struct vss_session *s)
{
	unsigned int i;

	vss_session_put_paths(s);

	for (i = 0; i < s->nr_parts; i++) {
		kfree(s->parts[i].metadata);
		kfree(s->parts[i].restore_status);
		vss_writer_put(s->parts[i].w);
	}
	kvfree(s->parts);
	for (i = 0; i < s->nr_vols; i++)
		kfree(s->vols[i]);
	kfree(s->snaps);
	kfree(s->document);
	kfree(s);
	module_put(THIS_MODULE);	/* last: the work item returns at once */
}

/*
 * The end of a session (work item only). Snapshots first, so that a writer
 * told BackupShutdown finds them gone.
 */
static void vss_session_finish(struct vss_session *s)
{
	if (!(s->flags & VSS_SESSION_F_PERSISTENT))
		vss_session_delete_snaps(s);

	mutex_lock(&vss_proto_lock);
	vss_session_send_shutdowns(s);
	list_del(&s->node);
	vss_nr_sessions--;
	mutex_unlock(&vss_proto_lock);
	pr_debug("session %u finished\n", s->id);
	vss_session_free(s);
}

static void vss_session_work(struct work_struct *work)
{
	struct vss_session *s = container_of(work, struct vss_session, work);
	struct vss_op_result r = {};
	struct sk_buff *msg;
	u32 op, owner = s->owner;
	bool release, owner_gone;

	mutex_lock(&vss_proto_lock);
	op = s->op;
	mutex_unlock(&vss_proto_lock);

	if (op != VSS_SESSION_OP_RELEASE) {
		vss_session_run_op(s, op, &r);
		mutex_lock(&vss_proto_lock);
		s->last_op = op;
		s->last_error = -r.err;
		s->last_status = r.status;
		/* Before the completion is sent: the next request finds it idle. */
		s->op = VSS_SESSION_OP_NONE;
		if (!s->released)
			vss_session_set_state(s, r.state);
		/*
		 * An abort acked while the operation ran past its last cancel
		 * check: the operation's result stands, then the session is
		 * aborted as an idle one would be.
		 */
		if (!s->released && s->abort_requested &&
		    r.state != VSS_SESSION_STATE_ABORTED) {
			vss_session_send_aborts(s, false);
			vss_session_set_state(s, VSS_SESSION_STATE_ABORTED);
		}
		msg = vss_msg_complete(s, op, s->op_seq, &r);
		release = s->released;
		owner_gone = s->owner_gone;
		if (release)
			s->op = VSS_SESSION_OP_RELEASE;	/* nobody queues it again */
		mutex_unlock(&vss_proto_lock);
		/*
		 * Best effort: a requester that missed it can SESSION_GET. Not
		 * once the owner's socket was released: a new socket may have
		 * taken its port id, and would get another's set and devices.
		 */
		if (msg && !owner_gone)
			genlmsg_unicast(&init_net, msg, owner);
		else
			nlmsg_free(msg);
		if (!release)
			return;		/* @s may be released and freed from here on */
	}
	vss_session_finish(s);
}

int vss_session_init(void)
{
	/* Unbound: operations sleep for seconds waiting for writers. */
	vss_session_wq = alloc_workqueue("vss_session", WQ_UNBOUND, 0);
	return vss_session_wq ? 0 : -ENOMEM;
}

/* Sessions pin the module: only work items on their way out can remain. */
void vss_session_exit(void)
{
	destroy_workqueue(vss_session_wq);
}
