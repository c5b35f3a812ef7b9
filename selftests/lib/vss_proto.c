// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "vss_proto.h"

#define NLA_DATA(a)	((void *)((char *)(a) + NLA_HDRLEN))
#define NLA_PLEN(a)	((int)(a)->nla_len - NLA_HDRLEN)

/* Walks the attributes in [start, start + len). */
#define for_each_nla(a, start, len)						\
	for (const struct nlattr *a = (const void *)(start);			\
	     (const char *)a + NLA_HDRLEN <= (const char *)(start) + (len) &&	\
	     a->nla_len >= NLA_HDRLEN &&					\
	     (const char *)a + a->nla_len <= (const char *)(start) + (len);	\
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len)))

#define GENL_PAYLOAD(h)	((const char *)NLMSG_DATA(h) + GENL_HDRLEN)
#define GENL_PLEN(h)	((int)(h)->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN))

#define DONE_SEQ_BASE	1000

static uint64_t *vss_order;

uint64_t vss_order_next(void)
{
	if (!vss_order) {
		vss_order = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (vss_order == MAP_FAILED) {
			vss_order = NULL;
			return 0;
		}
	}
	return __atomic_add_fetch(vss_order, 1, __ATOMIC_SEQ_CST);
}

static const char *const vss_event_names[] = {
	[VSS_EVENT_NONE] = "none",
	[VSS_EVENT_IDENTIFY] = "identify",
	[VSS_EVENT_PREPARE_BACKUP] = "prepare-backup",
	[VSS_EVENT_PREPARE_SNAPSHOT] = "prepare-snapshot",
	[VSS_EVENT_FREEZE] = "freeze",
	[VSS_EVENT_THAW] = "thaw",
	[VSS_EVENT_POST_SNAPSHOT] = "post-snapshot",
	[VSS_EVENT_ABORT] = "abort",
	[VSS_EVENT_BACKUP_COMPLETE] = "backup-complete",
	[VSS_EVENT_BACKUP_SHUTDOWN] = "backup-shutdown",
	[VSS_EVENT_PRE_RESTORE] = "pre-restore",
	[VSS_EVENT_POST_RESTORE] = "post-restore",
};

const char *vss_event_name(uint32_t event)
{
	if (event < sizeof(vss_event_names) / sizeof(vss_event_names[0]))
		return vss_event_names[event];
	return "?";
}

static void put_u32(struct vss_nl_msg *m, uint16_t type, uint32_t v)
{
	vss_nl_put(m, type, &v, sizeof(v));
}

static void put_str(struct vss_nl_msg *m, uint16_t type, const char *s)
{
	vss_nl_put(m, type, s, strlen(s) + 1);
}

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	memcpy(&v, NLA_DATA(a), sizeof(v));
	return v;
}

static void get_str(const struct nlattr *a, char *buf, size_t size)
{
	size_t n = NLA_PLEN(a);

	if (n >= size)
		n = size - 1;
	memcpy(buf, NLA_DATA(a), n);
	buf[n] = '\0';
}

/* ---- the scripted writer ---------------------------------------------- */

struct vss_tw *vss_tw_new(const char *name, uint32_t level)
{
	struct vss_tw *w;

	vss_order_next();	/* map the shared counter before any fork */
	w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return NULL;
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->metadata, sizeof(w->metadata), "{\"writer\":\"%s\"}", name);
	if (getrandom(w->class_id, 16, 0) != 16 ||
	    getrandom(w->instance_id, 16, 0) != 16) {
		munmap(w, sizeof(*w));
		return NULL;
	}
	w->level = level;
	return w;
}

struct vss_tw_reply *vss_tw_on(struct vss_tw *w, uint32_t event)
{
	struct vss_tw_reply *r;
	int i;

	for (i = 0; i < w->nr_replies; i++)
		if (w->replies[i].event == event)
			break;
	if (i == VSS_TW_MAX_REPLIES)
		return NULL;
	r = &w->replies[i];
	if (i == w->nr_replies)
		w->nr_replies++;
	memset(r, 0, sizeof(*r));
	r->event = event;
	return r;
}

static const struct vss_tw_reply *vss_tw_reply_for(struct vss_tw *w, uint32_t event)
{
	for (int i = 0; i < w->nr_replies; i++)
		if (w->replies[i].event == event)
			return &w->replies[i];
	return NULL;
}

static int vss_tw_register(struct vss_tw *w, struct vss_nl *nl)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_WRITER_REGISTER, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_WRITER_CLASS_ID, w->class_id, 16);
	vss_nl_put(&m, VSS_A_WRITER_INSTANCE_ID, w->instance_id, 16);
	put_str(&m, VSS_A_WRITER_NAME, w->name);
	put_u32(&m, VSS_A_WRITER_LEVEL, w->level);
	if (w->freeze_timeout_ms)
		put_u32(&m, VSS_A_WRITER_FREEZE_TIMEOUT_MS, w->freeze_timeout_ms);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = vss_nl_attr(reply, len, VSS_A_WRITER_ID);
	if (!a)
		return -EBADMSG;
	w->writer_id = get_u32(a);
	return 0;
}

static void vss_tw_answer(struct vss_tw *w, struct vss_nl *nl, int idx,
			  const struct vss_tw_reply *r)
{
	struct vss_tw_event *ev = &w->ev[idx];
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_WRITER_EVENT_DONE, VSS_FAMILY_VERSION);
	put_u32(&m, VSS_A_SESSION_ID, ev->session_id);
	put_u32(&m, VSS_A_SESSION_EVENT, ev->event);
	put_u32(&m, VSS_A_SESSION_WRITER_ID, w->writer_id);
	if (r && r->failure) {
		put_u32(&m, VSS_A_SESSION_FAILURE, r->failure);
		if (r->error)
			put_u32(&m, VSS_A_SESSION_WRITER_ERROR, r->error);
		if (r->message[0])
			put_str(&m, VSS_A_SESSION_MESSAGE, r->message);
	} else if (ev->event == VSS_EVENT_IDENTIFY) {
		put_str(&m, VSS_A_SESSION_WRITER_METADATA, w->metadata);
	} else if (ev->event == VSS_EVENT_PRE_RESTORE ||
		   ev->event == VSS_EVENT_POST_RESTORE) {
		char doc[96];

		snprintf(doc, sizeof(doc), "{\"%s\":\"%s\"}", w->name,
			 vss_event_name(ev->event));
		put_str(&m, VSS_A_SESSION_RESTORE_STATUS, doc);
	}
	m.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m.nlh.nlmsg_seq = DONE_SEQ_BASE + idx;
	if (send(nl->fd, m.buf, m.nlh.nlmsg_len, 0) < 0)
		ev->done_err = -errno;
}

static void vss_tw_event(struct vss_tw *w, struct vss_nl *nl, const struct nlmsghdr *h)
{
	const struct vss_tw_reply *r;
	struct vss_tw_event *ev;
	int idx = w->nr_events;

	if (idx >= VSS_TW_MAX_EVENTS)
		_exit(3);
	ev = &w->ev[idx];
	memset(ev, 0, sizeof(*ev));
	for_each_nla(a, GENL_PAYLOAD(h), GENL_PLEN(h)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case VSS_A_SESSION_ID:
			ev->session_id = get_u32(a);
			break;
		case VSS_A_SESSION_EVENT:
			ev->event = get_u32(a);
			break;
		case VSS_A_SESSION_BACKUP_TYPE:
			ev->backup_type = get_u32(a);
			break;
		case VSS_A_SESSION_VOLUME:
			ev->nr_volumes++;
			break;
		case VSS_A_SESSION_SET_ID:
			if (NLA_PLEN(a) == 16) {
				memcpy(ev->set_id, NLA_DATA(a), 16);
				ev->has_set_id = 1;
			}
			break;
		case VSS_A_SESSION_BACKUP_DOCUMENT:
			get_str(a, ev->document, sizeof(ev->document));
			break;
		}
	}
	r = vss_tw_reply_for(w, ev->event);
	/* 1 until the ack of our answer comes; 0 if no answer goes. */
	ev->done_err = !(ev->event == VSS_EVENT_ABORT ||
			 ev->event == VSS_EVENT_BACKUP_SHUTDOWN ||
			 (r && (r->no_answer || r->die)));
	ev->order = vss_order_next();
	__atomic_store_n(&w->nr_events, idx + 1, __ATOMIC_SEQ_CST);

	if (r && r->die)
		raise(SIGKILL);
	if (!ev->done_err)
		return;
	if (r && r->delay_ms)
		usleep(r->delay_ms * 1000);
	__atomic_store_n(&ev->answer_order, vss_order_next(), __ATOMIC_SEQ_CST);
	vss_tw_answer(w, nl, idx, r);
}

static void __attribute__((noreturn)) vss_tw_run(struct vss_tw *w)
{
	static char buf[1 << 19];
	int rcvbuf = 1 << 20;
	struct vss_nl nl;
	int err;

	err = vss_nl_open(&nl);
	if (!err)
		err = vss_nl_resolve(&nl);
	if (!err)
		setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (!err)
		err = vss_tw_register(w, &nl);
	if (err) {
		w->ready = err;
		_exit(1);
	}
	w->portid = nl.portid;
	__atomic_store_n(&w->ready, 1, __ATOMIC_SEQ_CST);

	for (;;) {
		ssize_t n = recv(nl.fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(2);
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				int idx = h->nlmsg_seq - DONE_SEQ_BASE;

				if (idx >= 0 && idx < w->nr_events)
					w->ev[idx].done_err = vss_nl_parse_error(&nl, h);
			} else if (h->nlmsg_type == nl.family &&
				   ((struct genlmsghdr *)NLMSG_DATA(h))->cmd ==
				   VSS_CMD_WRITER_EVENT_NTF) {
				vss_tw_event(w, &nl, h);
			}
		}
	}
}

int vss_tw_start(struct vss_tw *w)
{
	pid_t pid;
	int i;

	/* Only the parent writes pid: the child shares the memory. */
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		vss_tw_run(w);
	w->pid = pid;
	for (i = 0; i < 500 && !w->ready; i++)
		usleep(10000);
	if (w->ready == 1)
		return 0;
	vss_tw_kill(w);
	return w->ready < 0 ? w->ready : -ETIMEDOUT;
}

int vss_tw_wait_count(struct vss_tw *w, int n, int timeout_ms)
{
	for (int t = 0; t <= timeout_ms; t += 10) {
		if (__atomic_load_n(&w->nr_events, __ATOMIC_SEQ_CST) >= n)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int vss_tw_find(struct vss_tw *w, uint32_t event, int nth)
{
	int n = __atomic_load_n(&w->nr_events, __ATOMIC_SEQ_CST);

	for (int i = 0; i < n; i++)
		if (w->ev[i].event == event && nth-- == 0)
			return i;
	return -1;
}

int vss_tw_wait_event(struct vss_tw *w, uint32_t event, int timeout_ms)
{
	for (int t = 0; t <= timeout_ms; t += 10) {
		int i = vss_tw_find(w, event, 0);

		if (i >= 0)
			return i;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int vss_tw_done_err(struct vss_tw *w, int idx, int timeout_ms)
{
	for (int t = 0; t <= timeout_ms; t += 10) {
		int err = __atomic_load_n(&w->ev[idx].done_err, __ATOMIC_SEQ_CST);

		if (err != 1)
			return err;
		usleep(10000);
	}
	return 1;
}

const char *vss_tw_seq_session(struct vss_tw *w, uint32_t session_id, char *buf,
			       size_t size)
{
	int n = __atomic_load_n(&w->nr_events, __ATOMIC_SEQ_CST);
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && off < size; i++) {
		if (session_id && w->ev[i].session_id != session_id)
			continue;
		off += snprintf(buf + off, size - off, "%s%s", off ? " " : "",
				vss_event_name(w->ev[i].event));
	}
	return buf;
}

const char *vss_tw_seq(struct vss_tw *w, char *buf, size_t size)
{
	return vss_tw_seq_session(w, 0, buf, size);
}

void vss_tw_kill(struct vss_tw *w)
{
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, NULL, 0);
		w->pid = 0;
	}
}

void vss_tw_free(struct vss_tw *w)
{
	if (!w)
		return;
	vss_tw_kill(w);
	munmap(w, sizeof(*w));
}

/* ---- the requester ---------------------------------------------------- */

int vss_req_open(struct vss_req *r)
{
	int rcvbuf = 1 << 20;
	int err;

	memset(r, 0, sizeof(*r));
	vss_order_next();
	err = vss_nl_open(&r->nl);
	if (err)
		return err;
	setsockopt(r->nl.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return vss_nl_resolve(&r->nl);
}

void vss_req_close(struct vss_req *r)
{
	vss_nl_close(&r->nl);
}

static void vss_parse_writer(const struct nlattr *nest, struct vss_completion *c)
{
	int i = c->nr_writers;

	if (i >= VSS_REQ_MAX_WRITERS)
		return;
	memset(&c->w[i], 0, sizeof(c->w[i]));
	for_each_nla(a, NLA_DATA(nest), NLA_PLEN(nest)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case VSS_A_WRITER_ID:
			c->w[i].id = get_u32(a);
			break;
		case VSS_A_WRITER_LEVEL:
			c->w[i].level = get_u32(a);
			break;
		case VSS_A_WRITER_STATE:
			c->w[i].state = get_u32(a);
			break;
		case VSS_A_WRITER_FAILURE:
			c->w[i].failure = get_u32(a);
			break;
		case VSS_A_WRITER_ERROR:
			c->w[i].error = get_u32(a);
			break;
		case VSS_A_WRITER_SELECTED:
			c->w[i].selected = 1;
			break;
		case VSS_A_WRITER_NAME:
			get_str(a, c->w[i].name, sizeof(c->w[i].name));
			break;
		case VSS_A_WRITER_MESSAGE:
			get_str(a, c->w[i].message, sizeof(c->w[i].message));
			break;
		}
	}
	c->nr_writers++;
}

static void vss_parse_snapshot(const struct nlattr *nest, struct vss_completion *c)
{
	if (c->nr_snaps >= VSS_REQ_MAX_SNAPS)
		return;
	for_each_nla(a, NLA_DATA(nest), NLA_PLEN(nest))
		if ((a->nla_type & NLA_TYPE_MASK) == VSS_A_SNAPSHOT_DEVICE)
			snprintf(c->device[c->nr_snaps], sizeof(c->device[0]),
				 "/dev/%s", (const char *)NLA_DATA(a));
	c->nr_snaps++;
}

static void vss_parse_completion(const struct nlmsghdr *h, struct vss_completion *c)
{
	memset(c, 0, sizeof(*c));
	c->order = vss_order_next();
	for_each_nla(a, GENL_PAYLOAD(h), GENL_PLEN(h)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case VSS_A_SESSION_ID:
			c->session_id = get_u32(a);
			break;
		case VSS_A_SESSION_OP:
			c->op = get_u32(a);
			break;
		case VSS_A_SESSION_SEQ:
			c->seq = get_u32(a);
			break;
		case VSS_A_SESSION_ERROR:
			c->error = get_u32(a);
			break;
		case VSS_A_SESSION_STATUS:
			c->status = get_u32(a);
			break;
		case VSS_A_SESSION_STATE:
			c->state = get_u32(a);
			break;
		case VSS_A_SESSION_MESSAGE:
			get_str(a, c->message, sizeof(c->message));
			break;
		case VSS_A_SESSION_SET_ID:
			if (NLA_PLEN(a) == 16) {
				memcpy(c->set_id, NLA_DATA(a), 16);
				c->has_set_id = 1;
			}
			break;
		case VSS_A_SESSION_SNAPSHOT:
			vss_parse_snapshot(a, c);
			break;
		case VSS_A_SESSION_WRITER:
			vss_parse_writer(a, c);
			break;
		}
	}
}

/* Keeps a completion; returns 1 if h was one. */
static int vss_req_stash(struct vss_req *r, const struct nlmsghdr *h)
{
	if (h->nlmsg_type != r->nl.family ||
	    ((const struct genlmsghdr *)NLMSG_DATA(h))->cmd != VSS_CMD_SESSION_COMPLETE_NTF)
		return 0;
	if (r->nr_pending < (int)(sizeof(r->pending) / sizeof(r->pending[0])))
		vss_parse_completion(h, &r->pending[r->nr_pending++]);
	return 1;
}

/*
 * Sends m and reads until its ack, keeping completions that come first;
 * the first reply message goes to reply. Returns -errno, or the reply's
 * length (0 without one).
 */
static int vss_req_exchange(struct vss_req *r, struct vss_nl_msg *m, void *reply,
			    size_t size)
{
	static char buf[1 << 19];
	struct vss_nl *nl = &r->nl;
	int len = 0;

	nl->ext_msg[0] = '\0';
	nl->has_status = 0;
	m->nlh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	m->nlh.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, m->buf, m->nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (vss_req_stash(r, h) || h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = vss_nl_parse_error(nl, h);

				return err ? err : len;
			}
			if (!len) {
				len = h->nlmsg_len;
				if (reply)
					memcpy(reply, h, (size_t)len < size ? (size_t)len : size);
			}
		}
	}
}

int vss_req_create(struct vss_req *r, uint32_t type, const char *document,
		   uint32_t *id)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, r->nl.family, VSS_CMD_SESSION_CREATE, VSS_FAMILY_VERSION);
	put_u32(&m, VSS_A_SESSION_TYPE, type);
	if (document)
		put_str(&m, VSS_A_SESSION_BACKUP_DOCUMENT, document);
	len = vss_req_exchange(r, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = len ? vss_nl_attr(reply, len, VSS_A_SESSION_ID) : NULL;
	if (!a)
		return -EBADMSG;
	*id = get_u32(a);
	return 0;
}

int vss_req_start(struct vss_req *r, uint8_t cmd, uint32_t id,
		  const struct vss_op_args *args, uint32_t *seq)
{
	static struct vss_nl_msg m;
	int err;

	vss_nl_msg_init(&m, r->nl.family, cmd, VSS_FAMILY_VERSION);
	put_u32(&m, VSS_A_SESSION_ID, id);
	if (args) {
		if (cmd == VSS_CMD_SESSION_PREPARE_BACKUP)
			put_u32(&m, VSS_A_SESSION_BACKUP_TYPE, args->backup_type);
		if (args->document)
			put_str(&m, VSS_A_SESSION_BACKUP_DOCUMENT, args->document);
		for (int i = 0; i < args->nr_volumes; i++)
			put_str(&m, VSS_A_SESSION_VOLUME, args->volumes[i]);
		if (args->flags)
			put_u32(&m, VSS_A_SESSION_FLAGS, args->flags);
		for (int i = 0; i < args->nr_writers; i++)
			put_u32(&m, VSS_A_SESSION_WRITER_ID, args->writers[i]);
	}
	err = vss_req_exchange(r, &m, NULL, 0);
	if (seq)
		*seq = m.nlh.nlmsg_seq;
	return err < 0 ? err : 0;
}

int vss_req_wait(struct vss_req *r, uint32_t seq, struct vss_completion *c,
		 int timeout_ms)
{
	static char buf[1 << 19];
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = { .fd = r->nl.fd, .events = POLLIN };
		int i, left;
		ssize_t n;

		for (i = 0; i < r->nr_pending; i++) {
			if (r->pending[i].seq != seq)
				continue;
			*c = r->pending[i];
			memmove(&r->pending[i], &r->pending[i + 1],
				(r->nr_pending - i - 1) * sizeof(r->pending[0]));
			r->nr_pending--;
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = timeout_ms - ((t.tv_sec - t0.tv_sec) * 1000 +
				     (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, left) != 1)
			return -ETIMEDOUT;
		n = recv(r->nl.fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
			vss_req_stash(r, h);
	}
}

int vss_req_op(struct vss_req *r, uint8_t cmd, uint32_t id,
	       const struct vss_op_args *args, struct vss_completion *c)
{
	uint32_t seq;
	int err;

	err = vss_req_start(r, cmd, id, args, &seq);
	if (err)
		return err;
	return vss_req_wait(r, seq, c, 60000);
}

int vss_req_cmd(struct vss_req *r, uint8_t cmd, uint32_t id)
{
	struct vss_nl_msg m;
	int err;

	vss_nl_msg_init(&m, r->nl.family, cmd, VSS_FAMILY_VERSION);
	put_u32(&m, VSS_A_SESSION_ID, id);
	err = vss_req_exchange(r, &m, NULL, 0);
	return err < 0 ? err : 0;
}

int vss_req_delete_snapshots(struct vss_req *r, uint32_t id)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, r->nl.family, VSS_CMD_SESSION_DELETE_SNAPSHOTS,
			VSS_FAMILY_VERSION);
	put_u32(&m, VSS_A_SESSION_ID, id);
	len = vss_req_exchange(r, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = len ? vss_nl_attr(reply, len, VSS_A_SESSION_COUNT) : NULL;
	return a ? (int)get_u32(a) : -EBADMSG;
}

int vss_req_writer_metadata(struct vss_req *r, uint32_t id, uint32_t writer_id,
			    uint16_t attr, char *buf, size_t size)
{
	static char reply[1 << 17];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, r->nl.family, VSS_CMD_SESSION_WRITER_GET, VSS_FAMILY_VERSION);
	put_u32(&m, VSS_A_SESSION_ID, id);
	put_u32(&m, VSS_A_SESSION_WRITER_ID, writer_id);
	len = vss_req_exchange(r, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = len ? vss_nl_attr(reply, len, attr) : NULL;
	if (!a)
		return -ENODATA;
	get_str(a, buf, size);
	return 0;
}

static void count_one(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

static int vss_count(struct vss_nl *nl, uint8_t cmd)
{
	struct vss_nl_msg m;
	int n = 0, err;

	vss_nl_msg_init(&m, nl->family, cmd, VSS_FAMILY_VERSION);
	err = vss_nl_dump(nl, &m, count_one, &n);
	return err < 0 ? err : n;
}

int vss_writer_count(struct vss_nl *nl)
{
	return vss_count(nl, VSS_CMD_WRITER_GET);
}

int vss_session_count(struct vss_nl *nl)
{
	return vss_count(nl, VSS_CMD_SESSION_GET);
}

int vss_proto_wait_idle(struct vss_nl *nl, int timeout_ms)
{
	for (int t = 0; t <= timeout_ms; t += 20) {
		if (vss_writer_count(nl) == 0 && vss_session_count(nl) == 0)
			return 0;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

/* ---- volumes ---------------------------------------------------------- */

#include "vss_ops.h"

int vss_loopvol_setup(struct vss_nl *nl, struct vss_loopvol *v, const char *tag,
		      const char *mkfs)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->img, sizeof(v->img), "/tmp/vss-%s-%d.img", tag, getpid());
	if (vss_sh("modprobe loop && truncate -s 64M %s", v->img) ||
	    vss_sh_out(v->dev, sizeof(v->dev), "losetup --find --show %s", v->img) ||
	    !v->dev[0])
		return -1;
	if (mkfs) {
		snprintf(v->mnt, sizeof(v->mnt), "/tmp/vss-%s-%d.mnt", tag, getpid());
		if (vss_sh("%s %s >/dev/null 2>&1 && mkdir -p %s && mount %s %s",
			   mkfs, v->dev, v->mnt, v->dev, v->mnt))
			return -1;
	}
	return vss_storage_add(nl, v->dev, 32ULL << 20, 0);
}

void vss_loopvol_teardown(struct vss_nl *nl, struct vss_loopvol *v)
{
	if (!v->dev[0])
		return;
	vss_storage_remove(nl, v->dev);
	if (v->mnt[0])
		vss_sh("umount %s 2>/dev/null; rmdir %s", v->mnt, v->mnt);
	vss_sh("losetup -d %s; rm -f %s", v->dev, v->img);
	v->dev[0] = '\0';
}

const char *vss_loopvol_path(const struct vss_loopvol *v)
{
	return v->mnt[0] ? v->mnt : v->dev;
}

int vss_loopvol_writable(const struct vss_loopvol *v)
{
	return vss_sh("timeout 20 sh -c 'echo x > %s/after && sync -f %s/after'",
		      v->mnt, v->mnt);
}
