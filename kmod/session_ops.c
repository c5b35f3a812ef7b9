// SPDX-License-Identifier: GPL-2.0
/*
 * The asynchronous operations of a session, run by its work item (one at a
 * time), in the event order of a VSS backup:
 *
 *   GatherWriterMetadata  Identify
 *   PrepareForBackup      PrepareForBackup
 *   DoSnapshotSet         [creation slot] PrepareForSnapshot,
 *                         Freeze front-end, back-end, system,
 *                         the engine's flush, freeze and switch,
 *                         Thaw system, back-end, front-end,
 *                         PostSnapshot [slot put]
 *   BackupComplete        BackupComplete
 *   PreRestore, PostRestore
 *
 * A failure or a cancel after PrepareForSnapshot sends Abort to every
 * writer between PrepareForBackup and PostSnapshot and deletes the set if
 * the engine made it. Each operation fills a struct vss_op_result: errno,
 * VSS status, the session's next state, and a message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netlink.h>
#include <linux/slab.h>

#include "nl.h"
#include "proto.h"

static const u32 vss_freeze_order[] = {
	VSS_WRITER_LEVEL_FRONT_END, VSS_WRITER_LEVEL_BACK_END, VSS_WRITER_LEVEL_SYSTEM,
};

static void vss_result(struct vss_op_result *r, int err, u32 status, u32 state,
		       const char *msg)
{
	r->err = err;
	r->status = status;
	r->state = state;
	strscpy(r->message, msg ?: "", sizeof(r->message));
}

u32 vss_status_of(int err)
{
	switch (err) {
	case 0:
		return VSS_STATUS_SUCCESS;
	case -EBADFD:
		return VSS_STATUS_BAD_STATE;
	case -EBUSY:
	case -EAGAIN:		/* the engine: storage still being added */
		return VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS;
	case -ENOENT:
		return VSS_STATUS_OBJECT_NOT_FOUND;
	case -EPERM:
	case -EACCES:
		return VSS_STATUS_ACCESS_DENIED;
	case -ENOMEM:
		return VSS_STATUS_OUT_OF_RESOURCES;
	case -ECANCELED:
		return VSS_STATUS_CANCELLED;
	case -ETIMEDOUT:
		return VSS_STATUS_HOLD_WRITES_TIMEOUT;
	case -E2BIG:
		return VSS_STATUS_MAXIMUM_NUMBER_OF_VOLUMES_REACHED;
	case -EINVAL:
		return VSS_STATUS_VOLUME_NOT_SUPPORTED;
	case -ENOSPC:		/* the engine: no diff storage */
		return VSS_STATUS_INSUFFICIENT_STORAGE;
	case -ENODEV:
		return VSS_STATUS_UNEXPECTED;
	}
	return VSS_STATUS_PROVIDER_VETO;
}

static u32 vss_status_of_failure(u32 failure)
{
	static const u32 map[] = {
		[VSS_WRITER_FAILURE_INCONSISTENT_SNAPSHOT] = VSS_STATUS_WRITER_INCONSISTENT_SNAPSHOT,
		[VSS_WRITER_FAILURE_OUT_OF_RESOURCES] = VSS_STATUS_WRITER_OUT_OF_RESOURCES,
		[VSS_WRITER_FAILURE_TIMEOUT] = VSS_STATUS_WRITER_TIMEOUT,
		[VSS_WRITER_FAILURE_RETRYABLE] = VSS_STATUS_WRITER_RETRYABLE,
		[VSS_WRITER_FAILURE_NON_RETRYABLE] = VSS_STATUS_WRITER_NON_RETRYABLE,
		[VSS_WRITER_FAILURE_NOT_RESPONDING] = VSS_STATUS_WRITER_NOT_RESPONDING,
	};

	return failure < ARRAY_SIZE(map) && map[failure] ? map[failure] :
							    VSS_STATUS_UNEXPECTED;
}

/*
 * Go on with the set? Not if the operation was cancelled, nor, with
 * VSS_SESSION_F_STRICT, if a selected writer failed. @state: the session's
 * state if the set fails.
 */
static bool vss_snapshot_set_may_go_on(struct vss_session *s,
				       struct vss_op_result *r, u32 state)
{
	unsigned int i;
	bool go_on = true;

	mutex_lock(&vss_proto_lock);
	if (s->cancel) {
		vss_result(r, -ECANCELED, VSS_STATUS_CANCELLED,
			   VSS_SESSION_STATE_ABORTED, "the operation was cancelled");
		go_on = false;
	} else if (s->flags & VSS_SESSION_F_STRICT) {
		for (i = 0; i < s->nr_parts && go_on; i++) {
			struct vss_participant *p = &s->parts[i];

			if (!p->selected || p->failure == VSS_WRITER_FAILURE_NONE)
				continue;
			vss_result(r, -EREMOTEIO, vss_status_of_failure(p->failure),
				   state, "a selected writer failed");
			go_on = false;
		}
	}
	mutex_unlock(&vss_proto_lock);
	return go_on;
}

/* Writers registered now take part; a writer registered later does not. */
static int vss_op_gather(struct vss_session *s, struct vss_op_result *r)
{
	struct vss_participant *parts;
	struct vss_writer *w;
	unsigned int nr = 0;

	parts = kvcalloc(VSS_WRITERS_MAX, sizeof(*parts), GFP_KERNEL);
	if (!parts) {
		vss_result(r, -ENOMEM, VSS_STATUS_OUT_OF_RESOURCES,
			   VSS_SESSION_STATE_FAILED, "out of memory");
		return -ENOMEM;
	}
	mutex_lock(&vss_proto_lock);
	list_for_each_entry(w, &vss_writers, node) {
		if (nr == VSS_WRITERS_MAX)
			break;
		kref_get(&w->ref);
		parts[nr].w = w;
		parts[nr].selected = true;
		parts[nr].state = VSS_WRITER_STATE_UNKNOWN;
		nr++;
	}
	s->parts = parts;
	s->nr_parts = nr;
	mutex_unlock(&vss_proto_lock);

	vss_session_round(s, VSS_EVENT_IDENTIFY, 0);
	if (READ_ONCE(s->cancel))
		vss_result(r, -ECANCELED, VSS_STATUS_CANCELLED,
			   VSS_SESSION_STATE_ABORTED, "the operation was cancelled");
	else
		vss_result(r, 0, VSS_STATUS_SUCCESS,
			   VSS_SESSION_STATE_METADATA_GATHERED, NULL);
	return r->err;
}

/* One event round whose cancel aborts the session; @done: state after it. */
static int vss_op_simple(struct vss_session *s, u32 event, u32 done,
			 struct vss_op_result *r)
{
	vss_session_round(s, event, 0);
	if (READ_ONCE(s->cancel)) {
		/* A release (a crash too) sends BackupShutdown only. */
		mutex_lock(&vss_proto_lock);
		if (s->abort_requested)
			vss_session_send_aborts(s, false);
		mutex_unlock(&vss_proto_lock);
		vss_result(r, -ECANCELED, VSS_STATUS_CANCELLED,
			   VSS_SESSION_STATE_ABORTED, "the operation was cancelled");
	} else {
		vss_result(r, 0, VSS_STATUS_SUCCESS, done, NULL);
	}
	return r->err;
}

/* The creation slot, or -EBUSY; with VSS_SESSION_F_WAIT, wait (cancelable). */
static int vss_slot_get(struct vss_session *s, struct vss_op_result *r)
{
	bool got = false;

	if (s->flags & VSS_SESSION_F_WAIT)
		wait_event_idle(vss_snapset_slot_wait,
				(got = vss_snapset_slot_tryget()) || READ_ONCE(s->cancel));
	else
		got = vss_snapset_slot_tryget();
	if (got)
		return 0;
	if (READ_ONCE(s->cancel)) {
		vss_result(r, -ECANCELED, VSS_STATUS_CANCELLED,
			   VSS_SESSION_STATE_ABORTED, "the operation was cancelled");
		return -ECANCELED;
	}
	/* Nothing was sent to writers: DoSnapshotSet may be tried again. */
	vss_result(r, -EBUSY, VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS,
		   VSS_SESSION_STATE_PREPARED, "another snapshot set is being created");
	return -EBUSY;
}

/* The engine's part: flush, freeze, switch, thaw. Writers are frozen now. */
static int vss_op_engine(struct vss_session *s, struct vss_op_result *r)
{
	struct netlink_ext_ack extack = {};
	struct vss_set_request *req;
	struct vss_set_result *res;
	struct vss_session_snap *snaps;
	unsigned int i;
	int err;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	snaps = kcalloc(VSS_MAX_VOLUMES, sizeof(*snaps), GFP_KERNEL);
	if (!req || !res || !snaps) {
		err = -ENOMEM;
		extack._msg = "out of memory";
		goto out;
	}
	/* The volumes and the set id do not change while the op runs. */
	req->nr = s->nr_vols;
	for (i = 0; i < s->nr_vols; i++)
		req->paths[i] = s->vols[i];
	req->flags = s->flags & VSS_SESSION_F_PERSISTENT ? VSS_SNAPSHOT_F_PERSISTENT : 0;
	req->owner_portid = s->owner;
	req->set_id = &s->set_id;
	req->slot_held = true;
	req->resolved = s->paths;

	err = vss_snapset_create(req, res, &extack);
	vss_session_put_paths(s);
	if (err)
		goto out;
	for (i = 0; i < res->nr; i++) {
		snaps[i].id = res->entries[i].id;
		snaps[i].number = res->entries[i].number;
		strscpy(snaps[i].origin, res->entries[i].origin, sizeof(snaps[i].origin));
		snaps[i].token = res->entries[i].token;
	}
	mutex_lock(&vss_proto_lock);
	s->snaps = snaps;
	s->nr_snaps = res->nr;
	s->consistency = res->consistency;
	s->window_ns = res->window_ns;
	mutex_unlock(&vss_proto_lock);
	snaps = NULL;
out:
	if (err)
		vss_result(r, err, vss_status_of(err), VSS_SESSION_STATE_FAILED,
			   extack._msg ?: "the snapshot set could not be created");
	kfree(snaps);
	kfree(res);
	kfree(req);
	return err;
}

/* Abort after a failure past PrepareForSnapshot; the set, if any, goes. */
static void vss_snapshot_set_fail(struct vss_session *s)
{
	mutex_lock(&vss_proto_lock);
	vss_session_send_aborts(s, false);
	mutex_unlock(&vss_proto_lock);
	vss_session_delete_snaps(s);
}

static int vss_op_snapshot_set(struct vss_session *s, struct vss_op_result *r)
{
	int i, err;

	err = vss_slot_get(s, r);
	if (err == -ECANCELED) {
		/* Nothing of the set was sent: Abort on an explicit abort only. */
		mutex_lock(&vss_proto_lock);
		if (s->abort_requested)
			vss_session_send_aborts(s, false);
		mutex_unlock(&vss_proto_lock);
	}
	if (err)
		return err;
	/* A selected writer failed already: refuse before any event. */
	if (!vss_snapshot_set_may_go_on(s, r, VSS_SESSION_STATE_PREPARED)) {
		vss_snapset_slot_put();
		return r->err;
	}
	/*
	 * A volume's storage still settling would fail the engine with
	 * EAGAIN after the writers froze: say so now, while nothing was sent
	 * and DoSnapshotSet may be tried again.
	 */
	if (vss_snapset_settling(s->paths, s->nr_vols)) {
		vss_snapset_slot_put();
		vss_result(r, -EAGAIN, VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS,
			   VSS_SESSION_STATE_PREPARED,
			   "a volume's diff storage is still being added; retry");
		return -EAGAIN;
	}
	mutex_lock(&vss_proto_lock);
	uuid_gen(&s->set_id);
	s->have_set = true;
	mutex_unlock(&vss_proto_lock);

	vss_session_round(s, VSS_EVENT_PREPARE_SNAPSHOT, 0);
	if (!vss_snapshot_set_may_go_on(s, r, VSS_SESSION_STATE_FAILED))
		goto fail;
	for (i = 0; i < ARRAY_SIZE(vss_freeze_order); i++) {
		vss_session_round(s, VSS_EVENT_FREEZE, vss_freeze_order[i]);
		if (!vss_snapshot_set_may_go_on(s, r, VSS_SESSION_STATE_FAILED))
			goto fail;
	}
	if (vss_op_engine(s, r))
		goto fail;
	/* The requester may have died in the window: the set goes. */
	if (!vss_snapshot_set_may_go_on(s, r, VSS_SESSION_STATE_FAILED))
		goto fail;
	for (i = ARRAY_SIZE(vss_freeze_order) - 1; i >= 0; i--)
		vss_session_round(s, VSS_EVENT_THAW, vss_freeze_order[i]);
	if (!vss_snapshot_set_may_go_on(s, r, VSS_SESSION_STATE_FAILED))
		goto fail;
	/*
	 * The point of no return: PostSnapshot goes out even if a cancel
	 * comes now, and no Abort follows it; a cancel from here on only
	 * leaves the session aborted, with its set.
	 */
	mutex_lock(&vss_proto_lock);
	s->post_snapshot_sent = true;
	mutex_unlock(&vss_proto_lock);
	vss_session_round(s, VSS_EVENT_POST_SNAPSHOT, 0);
	vss_snapset_slot_put();
	if (READ_ONCE(s->cancel))
		vss_result(r, -ECANCELED, VSS_STATUS_CANCELLED,
			   VSS_SESSION_STATE_ABORTED, "the operation was cancelled");
	else
		vss_result(r, 0, VSS_STATUS_SUCCESS, VSS_SESSION_STATE_SNAPSHOT_DONE, NULL);
	return r->err;

fail:
	vss_snapshot_set_fail(s);
	vss_snapset_slot_put();
	return r->err;
}

void vss_session_run_op(struct vss_session *s, u32 op, struct vss_op_result *r)
{
	switch (op) {
	case VSS_SESSION_OP_GATHER_METADATA:
		vss_op_gather(s, r);
		break;
	case VSS_SESSION_OP_PREPARE_BACKUP:
		vss_op_simple(s, VSS_EVENT_PREPARE_BACKUP, VSS_SESSION_STATE_PREPARED, r);
		break;
	case VSS_SESSION_OP_DO_SNAPSHOT_SET:
		vss_op_snapshot_set(s, r);
		vss_session_put_paths(s);	/* if the engine was not reached */
		break;
	case VSS_SESSION_OP_BACKUP_COMPLETE:
		vss_op_simple(s, VSS_EVENT_BACKUP_COMPLETE,
			      VSS_SESSION_STATE_BACKUP_COMPLETE, r);
		break;
	case VSS_SESSION_OP_PRE_RESTORE:
		vss_op_simple(s, VSS_EVENT_PRE_RESTORE, VSS_SESSION_STATE_PRE_RESTORED, r);
		break;
	case VSS_SESSION_OP_POST_RESTORE:
		vss_op_simple(s, VSS_EVENT_POST_RESTORE, VSS_SESSION_STATE_POST_RESTORED, r);
		break;
	default:
		vss_result(r, -EINVAL, VSS_STATUS_UNEXPECTED, VSS_SESSION_STATE_FAILED,
			   "unknown operation");
	}
	pr_debug("session %u: op %u ended: %d (status %u)\n", s->id, op, r->err,
		 r->status);
}
