// SPDX-License-Identifier: GPL-2.0
/*
 * Writer events: which writer gets which event, sending them, waiting for
 * the answers, and recording answers, timeouts and writers that went away.
 *
 * The rules (Documentation/protocol.md has the why):
 *  - A writer that failed gets no more events but the Abort that follows a
 *    failure at PrepareForSnapshot, Freeze or Thaw, and BackupShutdown.
 *  - Abort goes to every writer that got PrepareForBackup and neither
 *    PostSnapshot nor an Abort yet; never after PostSnapshot.
 *  - The set id goes with PrepareForSnapshot through PostSnapshot, with
 *    Abort once a set was started, and with BackupShutdown (all zero if
 *    no set was started); with no other event.
 *  - An event that cannot be delivered, an answer later than the deadline
 *    and a writer whose socket closes fail it as not responding; a freeze
 *    held longer than the writer's freeze timeout fails it at Freeze with
 *    a timeout.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "nl.h"
#include "proto.h"

unsigned int vss_event_timeout_ms = 60000;
module_param_named(event_timeout_ms, vss_event_timeout_ms, uint, 0644);
MODULE_PARM_DESC(event_timeout_ms,
		 "longest wait for a writer's answer to an event other than Freeze (ms, default 60000)");

bool vss_event_awaits_answer(u32 event)
{
	return event != VSS_EVENT_ABORT && event != VSS_EVENT_BACKUP_SHUTDOWN &&
	       event != VSS_EVENT_NONE;
}

static const u32 vss_event_states[][2] = {
	/* event: { state on success, state on failure } */
	[VSS_EVENT_IDENTIFY] = { VSS_WRITER_STATE_STABLE,
				 VSS_WRITER_STATE_FAILED_AT_IDENTIFY },
	[VSS_EVENT_PREPARE_BACKUP] = { VSS_WRITER_STATE_STABLE,
				       VSS_WRITER_STATE_FAILED_AT_PREPARE_BACKUP },
	[VSS_EVENT_PREPARE_SNAPSHOT] = { VSS_WRITER_STATE_WAITING_FOR_FREEZE,
					 VSS_WRITER_STATE_FAILED_AT_PREPARE_SNAPSHOT },
	[VSS_EVENT_FREEZE] = { VSS_WRITER_STATE_WAITING_FOR_THAW,
			       VSS_WRITER_STATE_FAILED_AT_FREEZE },
	[VSS_EVENT_THAW] = { VSS_WRITER_STATE_WAITING_FOR_POST_SNAPSHOT,
			     VSS_WRITER_STATE_FAILED_AT_THAW },
	[VSS_EVENT_POST_SNAPSHOT] = { VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE,
				      VSS_WRITER_STATE_FAILED_AT_POST_SNAPSHOT },
	[VSS_EVENT_BACKUP_COMPLETE] = { VSS_WRITER_STATE_STABLE,
					VSS_WRITER_STATE_FAILED_AT_BACKUP_COMPLETE },
	[VSS_EVENT_PRE_RESTORE] = { VSS_WRITER_STATE_STABLE,
				    VSS_WRITER_STATE_FAILED_AT_PRE_RESTORE },
	[VSS_EVENT_POST_RESTORE] = { VSS_WRITER_STATE_STABLE,
				     VSS_WRITER_STATE_FAILED_AT_POST_RESTORE },
};

u32 vss_event_failed_state(u32 event)
{
	return vss_event_states[event][1];
}

static bool vss_participant_failed(const struct vss_participant *p)
{
	return p->failure != VSS_WRITER_FAILURE_NONE;
}

/* The writer's own status follows its latest session, for WRITER_GET. */
static void vss_participant_publish(struct vss_session *s,
				    struct vss_participant *p)
{
	struct vss_writer *w = p->w;

	w->session_id = s->id;
	w->state = p->state;
	w->failure = p->failure;
	w->error = p->error;
	strscpy(w->message, p->message, sizeof(w->message));
}

void vss_participant_fail(struct vss_session *s, struct vss_participant *p,
			  u32 event, u32 failure, u32 error, const char *msg)
{
	lockdep_assert_held(&vss_proto_lock);
	if (vss_participant_failed(p))
		return;			/* the first failure is the one to report */
	p->state = vss_event_failed_state(event);
	p->failure = failure;
	p->error = error;
	strscpy(p->message, msg ?: "", sizeof(p->message));
	vss_participant_publish(s, p);
	pr_debug("session %u: writer %u failed (state %u, failure %u): %s\n",
		 s->id, p->w->id, p->state, failure, p->message);
}

static bool vss_event_has_set_id(u32 event)
{
	switch (event) {
	case VSS_EVENT_PREPARE_SNAPSHOT:
	case VSS_EVENT_FREEZE:
	case VSS_EVENT_THAW:
	case VSS_EVENT_POST_SNAPSHOT:
	case VSS_EVENT_ABORT:
	case VSS_EVENT_BACKUP_SHUTDOWN:
		return true;
	}
	return false;
}

static bool vss_event_has_volumes(u32 event)
{
	return event >= VSS_EVENT_PREPARE_SNAPSHOT &&
	       event <= VSS_EVENT_POST_SNAPSHOT;
}

static bool vss_event_has_document(u32 event)
{
	switch (event) {
	case VSS_EVENT_PREPARE_BACKUP:
	case VSS_EVENT_POST_SNAPSHOT:
	case VSS_EVENT_BACKUP_COMPLETE:
	case VSS_EVENT_PRE_RESTORE:
	case VSS_EVENT_POST_RESTORE:
		return true;
	}
	return false;
}

static struct sk_buff *vss_event_msg(struct vss_session *s,
				     struct vss_participant *p, u32 event)
{
	static const uuid_t no_set;
	struct sk_buff *msg;
	size_t size = NLMSG_GOODSIZE;
	unsigned int i;
	void *hdr;

	if (vss_event_has_volumes(event))
		for (i = 0; i < s->nr_vols; i++)
			size += nla_total_size(strlen(s->vols[i]) + 1);
	if (vss_event_has_document(event) && s->document)
		size += nla_total_size(strlen(s->document) + 1);
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &vss_nl_family, 0, VSS_CMD_WRITER_EVENT_NTF);
	if (!hdr ||
	    nla_put_u32(msg, VSS_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, VSS_A_SESSION_TYPE, s->type) ||
	    nla_put_u32(msg, VSS_A_SESSION_EVENT, event) ||
	    nla_put_u32(msg, VSS_A_SESSION_WRITER_ID, p->w->id))
		goto too_big;
	/* An Abort before PrepareForSnapshot has no set to name. */
	if (vss_event_has_set_id(event) &&
	    (s->have_set || event == VSS_EVENT_BACKUP_SHUTDOWN) &&
	    nla_put(msg, VSS_A_SESSION_SET_ID, sizeof(uuid_t),
		    s->have_set ? &s->set_id : &no_set))
		goto too_big;
	if (s->type == VSS_SESSION_BACKUP && event != VSS_EVENT_IDENTIFY &&
	    nla_put_u32(msg, VSS_A_SESSION_BACKUP_TYPE, s->backup_type))
		goto too_big;
	if (vss_event_has_volumes(event))
		for (i = 0; i < s->nr_vols; i++)
			if (nla_put_string(msg, VSS_A_SESSION_VOLUME, s->vols[i]))
				goto too_big;
	if (vss_event_has_document(event) && s->document &&
	    nla_put_string(msg, VSS_A_SESSION_BACKUP_DOCUMENT, s->document))
		goto too_big;
	genlmsg_end(msg, hdr);
	return msg;

too_big:
	nlmsg_free(msg);
	return NULL;
}

/* Unicast @event to @p's socket; never blocks (a full socket is -EAGAIN). */
int vss_event_send(struct vss_session *s, struct vss_participant *p, u32 event)
{
	struct sk_buff *msg;
	int err;

	lockdep_assert_held(&vss_proto_lock);
	if (p->w->gone)
		return -ECONNREFUSED;
	msg = vss_event_msg(s, p, event);
	if (!msg)
		return -ENOMEM;
	err = genlmsg_unicast(&init_net, msg, p->w->portid);
	pr_debug("session %u: event %u to writer %u: %d\n", s->id, event,
		 p->w->id, err);
	if (err)
		return err;
	p->sent |= BIT(event);
	return 0;
}

/* Does @p get @event in this round? @level: Freeze and Thaw only. */
static bool vss_event_wanted(struct vss_participant *p, u32 event, u32 level)
{
	if (vss_participant_failed(p))
		return false;
	switch (event) {
	case VSS_EVENT_FREEZE:
		return p->w->level == level;
	case VSS_EVENT_THAW:
		return p->w->level == level && (p->sent & BIT(VSS_EVENT_FREEZE));
	case VSS_EVENT_POST_SNAPSHOT:
		return p->sent & BIT(VSS_EVENT_THAW);
	case VSS_EVENT_BACKUP_COMPLETE:
		return p->sent & BIT(VSS_EVENT_POST_SNAPSHOT);
	case VSS_EVENT_POST_RESTORE:
		return p->sent & BIT(VSS_EVENT_PRE_RESTORE);
	}
	return true;
}

static unsigned long vss_event_deadline(struct vss_participant *p, u32 event)
{
	u32 ms = event == VSS_EVENT_FREEZE ? p->w->freeze_timeout_ms :
					     READ_ONCE(vss_event_timeout_ms);

	return jiffies + msecs_to_jiffies(ms);
}

/* A frozen writer whose freeze outlived its timeout has thawed itself. */
static bool vss_freeze_expired(struct vss_participant *p)
{
	return ktime_get_ns() - p->freeze_ns >
	       (u64)p->w->freeze_timeout_ms * NSEC_PER_MSEC;
}

static void vss_round_send(struct vss_session *s, u32 event, u32 level)
{
	unsigned int i;
	int err;

	mutex_lock(&vss_proto_lock);
	/*
	 * Cancelled: the operation's next check aborts it, so send nothing
	 * more. PostSnapshot is past the last check, the point of no return:
	 * it goes out whatever comes.
	 */
	if (s->cancel && event != VSS_EVENT_POST_SNAPSHOT)
		goto out;
	for (i = 0; i < s->nr_parts; i++) {
		struct vss_participant *p = &s->parts[i];

		if (!vss_event_wanted(p, event, level))
			continue;
		if (event == VSS_EVENT_THAW && vss_freeze_expired(p)) {
			vss_participant_fail(s, p, VSS_EVENT_FREEZE,
					     VSS_WRITER_FAILURE_TIMEOUT, 0,
					     "frozen longer than the writer's freeze timeout");
			continue;
		}
		err = vss_event_send(s, p, event);
		if (err) {
			vss_participant_fail(s, p, event,
					     VSS_WRITER_FAILURE_NOT_RESPONDING, -err,
					     "the event could not be delivered");
			continue;
		}
		if (event == VSS_EVENT_FREEZE)
			p->freeze_ns = ktime_get_ns();
		p->awaiting = event;
		p->deadline = vss_event_deadline(p, event);
		s->awaiting++;
	}
out:
	mutex_unlock(&vss_proto_lock);
}

/*
 * Fails the participants whose deadline passed; returns the answers still
 * outstanding and sets @next to the nearest deadline among them.
 */
static unsigned int vss_round_expire(struct vss_session *s, unsigned long *next)
{
	unsigned int i;

	lockdep_assert_held(&vss_proto_lock);
	*next = jiffies + MAX_SCHEDULE_TIMEOUT / 2;
	for (i = 0; i < s->nr_parts; i++) {
		struct vss_participant *p = &s->parts[i];

		if (!p->awaiting)
			continue;
		if (time_after_eq(jiffies, p->deadline) || s->cancel) {
			u32 event = p->awaiting;

			p->awaiting = 0;
			s->awaiting--;
			if (s->cancel)
				continue;	/* the operation aborts: not the writer's fault */
			if (event == VSS_EVENT_FREEZE)
				vss_participant_fail(s, p, event, VSS_WRITER_FAILURE_TIMEOUT, 0,
						     "no answer to Freeze within the writer's freeze timeout");
			else
				vss_participant_fail(s, p, event,
						     VSS_WRITER_FAILURE_NOT_RESPONDING, 0,
						     "no answer within event_timeout_ms");
			continue;
		}
		if (time_before(p->deadline, *next))
			*next = p->deadline;
	}
	return s->awaiting;
}

/*
 * One event to every participant that gets it (of @level for Freeze and
 * Thaw), then wait until each answered, missed its deadline, or the
 * operation is cancelled. Work item only; takes vss_proto_lock itself.
 */
void vss_session_round(struct vss_session *s, u32 event, u32 level)
{
	unsigned long next;
	unsigned int left;

	vss_round_send(s, event, level);
	for (;;) {
		mutex_lock(&vss_proto_lock);
		left = vss_round_expire(s, &next);
		mutex_unlock(&vss_proto_lock);
		if (!left)
			break;
		/* TASK_IDLE: a minute-long wait for a writer is not a hung task. */
		wait_event_idle_timeout(s->wait, READ_ONCE(s->awaiting) != left ||
					READ_ONCE(s->cancel),
					time_after(next, jiffies) ? next - jiffies : 0);
	}
	/* Failed at PrepareForSnapshot, Freeze or Thaw: Abort follows. */
	if (event == VSS_EVENT_PREPARE_SNAPSHOT || event == VSS_EVENT_FREEZE ||
	    event == VSS_EVENT_THAW) {
		mutex_lock(&vss_proto_lock);
		vss_session_send_aborts(s, true);
		mutex_unlock(&vss_proto_lock);
	}
}

/*
 * Abort to every writer between PrepareForBackup and PostSnapshot that has
 * not had one; @failed_only: to those that failed at PrepareForSnapshot,
 * Freeze or Thaw (the Abort that follows their failure).
 */
void vss_session_send_aborts(struct vss_session *s, bool failed_only)
{
	unsigned int i;

	lockdep_assert_held(&vss_proto_lock);
	for (i = 0; i < s->nr_parts; i++) {
		struct vss_participant *p = &s->parts[i];

		if (!(p->sent & BIT(VSS_EVENT_PREPARE_BACKUP)) ||
		    (p->sent & (BIT(VSS_EVENT_POST_SNAPSHOT) | BIT(VSS_EVENT_ABORT))))
			continue;
		if (failed_only &&
		    p->state != VSS_WRITER_STATE_FAILED_AT_PREPARE_SNAPSHOT &&
		    p->state != VSS_WRITER_STATE_FAILED_AT_FREEZE &&
		    p->state != VSS_WRITER_STATE_FAILED_AT_THAW)
			continue;
		if (vss_event_send(s, p, VSS_EVENT_ABORT))
			continue;	/* no answer is awaited: nothing to record */
		if (!vss_participant_failed(p)) {
			p->state = VSS_WRITER_STATE_STABLE;
			vss_participant_publish(s, p);
		}
	}
}

/* Every writer that took part, failed or not, hears that the session ended. */
void vss_session_send_shutdowns(struct vss_session *s)
{
	unsigned int i;

	lockdep_assert_held(&vss_proto_lock);
	for (i = 0; i < s->nr_parts; i++)
		vss_event_send(s, &s->parts[i], VSS_EVENT_BACKUP_SHUTDOWN);
}

/* @w unregistered or its socket closed: stop waiting for it anywhere. */
void vss_sessions_writer_gone(struct vss_writer *w)
{
	struct vss_session *s;
	unsigned int i;

	lockdep_assert_held(&vss_proto_lock);
	list_for_each_entry(s, &vss_sessions, node) {
		for (i = 0; i < s->nr_parts; i++) {
			struct vss_participant *p = &s->parts[i];

			if (p->w != w || !p->awaiting)
				continue;
			vss_participant_fail(s, p, p->awaiting,
					     VSS_WRITER_FAILURE_NOT_RESPONDING, 0,
					     "the writer went away");
			p->awaiting = 0;
			s->awaiting--;
			wake_up_all(&s->wait);
		}
	}
}

/* WRITER_EVENT_DONE: the answer of writer @a->writer_id from @portid. */
int vss_event_done(u32 portid, struct vss_answer *a, struct netlink_ext_ack *extack)
{
	struct vss_participant *p = NULL;
	struct vss_session *s;
	unsigned int i;
	int err = 0;

	mutex_lock(&vss_proto_lock);
	s = vss_session_lookup(a->session_id, portid, false, extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out;
	}
	for (i = 0; i < s->nr_parts; i++)
		if (s->parts[i].w->id == a->writer_id)
			p = &s->parts[i];
	if (!p) {
		vss_nl_err(extack, VSS_STATUS_OBJECT_NOT_FOUND,
			   "the writer takes no part in this session");
		err = -ENOENT;
		goto out;
	}
	if (p->w->portid != portid || p->w->gone) {
		vss_nl_err(extack, VSS_STATUS_ACCESS_DENIED,
			   "the writer belongs to another socket");
		err = -EACCES;
		goto out;
	}
	if (p->awaiting != a->event) {
		vss_nl_err(extack, VSS_STATUS_BAD_STATE,
			   "the session awaits no answer to this event from this writer");
		err = -EBADFD;
		goto out;
	}
	p->awaiting = 0;
	s->awaiting--;
	if (a->failure != VSS_WRITER_FAILURE_NONE) {
		vss_participant_fail(s, p, a->event, a->failure, a->error,
				     a->message ?: "the writer vetoed");
	} else if (a->event == VSS_EVENT_FREEZE && vss_freeze_expired(p)) {
		vss_participant_fail(s, p, a->event, VSS_WRITER_FAILURE_TIMEOUT, 0,
				     "Freeze answered after the writer's freeze timeout");
	} else {
		p->state = vss_event_states[a->event][0];
		vss_participant_publish(s, p);
		if (a->metadata) {
			kfree(p->metadata);
			p->metadata = a->metadata;
			a->metadata = NULL;
		}
		if (a->restore_status) {
			kfree(p->restore_status);
			p->restore_status = a->restore_status;
			a->restore_status = NULL;
		}
	}
	wake_up_all(&s->wait);
out:
	mutex_unlock(&vss_proto_lock);
	return err;
}
