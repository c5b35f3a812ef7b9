// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol half of nl_fuzz: valid sessions driven through every phase,
 * and a mutated copy of the request at every step.
 *
 * Random bytes alone never get a session past Identify: a session answers
 * its owner's socket only, each operation waits for the previous one's
 * completion, and DoSnapshotSet needs writers that answered. So this driver
 * plays every part itself, in one thread, from sockets of this process: a
 * requester, an administrator's socket, and up to four writers that answer
 * their events, veto them, stay silent until the event times out, or close
 * their socket (the same release path as a process death) when an event
 * comes or between two operations. The requester goes through the backup
 * (Identify, PrepareForBackup, DoSnapshotSet, BackupComplete) or the
 * restore (Identify, PreRestore, PostRestore) and, in some rounds, aborts,
 * releases or closes its socket at a random step.
 *
 * Before each valid request go 0-2 mutated copies, and each must be refused
 * with the errno the mutation calls for: EINVAL or ERANGE for a required
 * attribute left out, an attribute of the wrong length, a message cut short
 * inside its last attribute, or an attribute of another command (the
 * policies are strict); ENOENT for an id never given, EBADFD for a released
 * session or an operation out of sequence, EACCES for a session or writer
 * driven from a socket that does not own it. Anything else is a mismatch,
 * printed with the kernel's extack message and counted; the test wants none.
 *
 * Every random choice comes from one stream seeded by the caller, and a
 * writer's behaviour is drawn when it registers, so a run is repeated by
 * its seed (timing can still move an abort before or after the operation
 * it races).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "fuzz.h"
#include "vss_nl.h"

#define FZ_WRITERS	4
#define FZ_INBOX	64
#define FZ_MSG		8192
#define FZ_ANSWER_MS	30000	/* the longest wait for an ack */
#define FZ_UNKNOWN_ID	0x7fff0000u	/* above any id the module gives here */

enum fz_kind { FZ_U32, FZ_U64, FZ_STR, FZ_BIN, FZ_FLAG };
enum fz_how { FZ_FINE, FZ_VETO, FZ_SILENT, FZ_DIE };
enum fz_cut { FZ_ABORT, FZ_ABORT_ADMIN, FZ_RELEASE, FZ_CLOSE, FZ_NR_CUTS };

struct fz_attr {
	uint16_t type;
	uint8_t kind;
	uint8_t required;
	uint16_t len;
	unsigned char data[272];
};

struct fz_req {
	uint8_t cmd;
	int dump;
	unsigned int n;
	struct fz_attr a[12];
};

struct fz_sock {
	int fd;
	uint32_t seq;
	unsigned int nin;
	char *in[FZ_INBOX];	/* messages that came while an ack was awaited */
};

struct fz_writer {
	struct fz_sock s;
	int alive;		/* registered, socket open */
	int participant;	/* registered when the session sent Identify */
	int shutdown;		/* got BackupShutdown from the round's session */
	uint32_t id;
	uint8_t class_id[16], instance_id[16];
	uint32_t level, freeze_timeout_ms;
	uint32_t bad_event;	/* the event it misbehaves at, 0: none */
	int how;
	int die_before_step;	/* closes its socket before this step; -1: no */
	uint32_t late_session, late_event;	/* an answer it held back */
};

struct fz_completion {
	uint32_t session, seq, error, state;
	char message[96];
	unsigned int nr_snaps;
	int has_set;
	uint8_t set_id[16];
};

struct fz {
	struct fuzz_proto_env *env;
	struct fuzz_stats *st;
	uint64_t rnd;
	struct fz_sock admin, req;
	int req_open;
	struct fz_writer w[FZ_WRITERS];
	unsigned int nw;
	uint32_t session;
	int released_now;	/* the round's session was released */
	int cancelled;		/* its running operation was aborted */
	char ctx[96];		/* where the driver is, for mismatch reports */
	uint32_t released[16];
	unsigned int nr_released, released_next;
	struct fz_completion comp[8];
	unsigned int ncomp;
	unsigned int printed;
	unsigned int round;
	struct vss_nl ext;	/* extack of the last answer */
	int reply_len;
	char reply[65536];
	char rbuf[1 << 17];
};

static unsigned int below(struct fz *z, unsigned int n)
{
	return fuzz_below(&z->rnd, n);
}

/* ---- names ------------------------------------------------------------- */

static const char *const fz_cmd_names[] = {
#define N(c) [VSS_CMD_##c] = #c
	N(UNSPEC), N(GET_FEATURES), N(STORAGE_ADD), N(STORAGE_GET), N(STORAGE_REMOVE),
	N(SNAPSHOT_CREATE), N(SNAPSHOT_GET), N(SNAPSHOT_DELETE), N(SNAPSHOT_CREATED_NTF),
	N(SNAPSHOT_DELETED_NTF), N(SNAPSHOT_INVALID_NTF), N(STORAGE_THRESHOLD_NTF),
	N(STORAGE_SET), N(WRITER_REGISTER), N(WRITER_UNREGISTER), N(WRITER_GET),
	N(WRITER_EVENT_NTF), N(WRITER_EVENT_DONE), N(SESSION_CREATE),
	N(SESSION_GATHER_METADATA), N(SESSION_PREPARE_BACKUP), N(SESSION_DO_SNAPSHOT_SET),
	N(SESSION_BACKUP_COMPLETE), N(SESSION_PRE_RESTORE), N(SESSION_POST_RESTORE),
	N(SESSION_ABORT), N(SESSION_DELETE_SNAPSHOTS), N(SESSION_RELEASE), N(SESSION_GET),
	N(SESSION_WRITER_GET), N(SESSION_COMPLETE_NTF), N(SESSION_STATE_NTF), N(FS_FREEZE),
	N(FS_THAW), N(FS_GET), N(FS_FROZEN_NTF), N(FS_THAWED_NTF), N(CHANGES_GET),
	N(TRACKER_GET), N(TRACKER_RESET), N(TRACKER_NTF), N(TRACKER_EXPORT),
	N(TRACKER_IMPORT),
#undef N
};

const char *fuzz_cmd_name(unsigned int cmd)
{
	if (cmd < sizeof(fz_cmd_names) / sizeof(fz_cmd_names[0]))
		return fz_cmd_names[cmd];
	return NULL;
}

int fuzz_cmd_is_ntf(unsigned int cmd)
{
	const char *n = fuzz_cmd_name(cmd);
	size_t len = n ? strlen(n) : 0;

	return len > 4 && !strcmp(n + len - 4, "_NTF");
}

int fuzz_cmd_is_async(unsigned int cmd)
{
	return cmd >= VSS_CMD_SESSION_GATHER_METADATA &&
	       cmd <= VSS_CMD_SESSION_POST_RESTORE;
}

/*
 * The attribute types each command's policy takes (in its own attribute
 * space): any other type is refused by the strict validation.
 */
static uint32_t fz_accepts(uint8_t cmd)
{
#define B(x) (1u << (x))
	switch (cmd) {
	case VSS_CMD_GET_FEATURES:
		return B(VSS_A_FEATURES_REQUIRED);
	case VSS_CMD_STORAGE_ADD:
		return B(VSS_A_STORAGE_ORIGIN) | B(VSS_A_STORAGE_KIND) |
		       B(VSS_A_STORAGE_MAX_BYTES) | B(VSS_A_STORAGE_CHUNK_BYTES) |
		       B(VSS_A_STORAGE_PATH) | B(VSS_A_STORAGE_THRESHOLD) |
		       B(VSS_A_STORAGE_TRACK_BLOCK_BYTES);
	case VSS_CMD_STORAGE_SET:
		return B(VSS_A_STORAGE_ORIGIN) | B(VSS_A_STORAGE_MAX_BYTES) |
		       B(VSS_A_STORAGE_THRESHOLD);
	case VSS_CMD_STORAGE_GET:
	case VSS_CMD_STORAGE_REMOVE:
		return B(VSS_A_STORAGE_ORIGIN);
	case VSS_CMD_SNAPSHOT_CREATE:
		return B(VSS_A_SNAPSHOT_VOLUME) | B(VSS_A_SNAPSHOT_FLAGS);
	case VSS_CMD_SNAPSHOT_GET:
		return B(VSS_A_SNAPSHOT_ID);
	case VSS_CMD_SNAPSHOT_DELETE:
		return B(VSS_A_SNAPSHOT_ID) | B(VSS_A_SNAPSHOT_SET_ID) |
		       B(VSS_A_SNAPSHOT_ALL) | B(VSS_A_SNAPSHOT_OLDEST_OF);
	case VSS_CMD_WRITER_REGISTER:
		return B(VSS_A_WRITER_CLASS_ID) | B(VSS_A_WRITER_INSTANCE_ID) |
		       B(VSS_A_WRITER_NAME) | B(VSS_A_WRITER_INSTANCE_NAME) |
		       B(VSS_A_WRITER_USAGE_TYPE) | B(VSS_A_WRITER_SOURCE_TYPE) |
		       B(VSS_A_WRITER_LEVEL) | B(VSS_A_WRITER_FREEZE_TIMEOUT_MS);
	case VSS_CMD_WRITER_UNREGISTER:
	case VSS_CMD_WRITER_GET:
		return B(VSS_A_WRITER_ID);
	case VSS_CMD_WRITER_EVENT_DONE:
		return B(VSS_A_SESSION_ID) | B(VSS_A_SESSION_EVENT) |
		       B(VSS_A_SESSION_WRITER_ID) | B(VSS_A_SESSION_FAILURE) |
		       B(VSS_A_SESSION_WRITER_ERROR) | B(VSS_A_SESSION_MESSAGE) |
		       B(VSS_A_SESSION_WRITER_METADATA) | B(VSS_A_SESSION_RESTORE_STATUS);
	case VSS_CMD_SESSION_CREATE:
		return B(VSS_A_SESSION_TYPE) | B(VSS_A_SESSION_BACKUP_DOCUMENT);
	case VSS_CMD_SESSION_PREPARE_BACKUP:
		return B(VSS_A_SESSION_ID) | B(VSS_A_SESSION_BACKUP_TYPE) |
		       B(VSS_A_SESSION_BACKUP_DOCUMENT) | B(VSS_A_SESSION_WRITER_ID);
	case VSS_CMD_SESSION_DO_SNAPSHOT_SET:
		return B(VSS_A_SESSION_ID) | B(VSS_A_SESSION_FLAGS) | B(VSS_A_SESSION_VOLUME);
	case VSS_CMD_SESSION_BACKUP_COMPLETE:
	case VSS_CMD_SESSION_PRE_RESTORE:
	case VSS_CMD_SESSION_POST_RESTORE:
		return B(VSS_A_SESSION_ID) | B(VSS_A_SESSION_BACKUP_DOCUMENT);
	case VSS_CMD_SESSION_WRITER_GET:
		return B(VSS_A_SESSION_ID) | B(VSS_A_SESSION_WRITER_ID);
	case VSS_CMD_FS_FREEZE:
		return B(VSS_A_FS_PATH) | B(VSS_A_FS_TIMEOUT_MS) | B(VSS_A_FS_FLAGS);
	case VSS_CMD_FS_THAW:
	case VSS_CMD_FS_GET:
		return B(VSS_A_FS_PATH);
	case VSS_CMD_CHANGES_GET:
		return B(VSS_A_CHANGES_SNAPSHOT_ID) | B(VSS_A_CHANGES_SINCE) |
		       B(VSS_A_CHANGES_START);
	case VSS_CMD_TRACKER_GET:
	case VSS_CMD_TRACKER_RESET:
	case VSS_CMD_TRACKER_EXPORT:
		return B(VSS_A_TRACKER_ORIGIN);
	case VSS_CMD_TRACKER_IMPORT:
		return B(VSS_A_TRACKER_ORIGIN) | B(VSS_A_TRACKER_STATE) |
		       B(VSS_A_TRACKER_CHUNK) | B(VSS_A_TRACKER_IMPORT_STEP);
	default:	/* the session commands that take the id alone */
		return B(VSS_A_SESSION_ID);
	}
#undef B
}

/* ---- requests ----------------------------------------------------------- */

static void fz_init(struct fz_req *r, uint8_t cmd)
{
	r->cmd = cmd;
	r->dump = 0;
	r->n = 0;
}

static struct fz_attr *fz_add(struct fz_req *r, uint16_t type, int kind,
			      const void *data, size_t len, int required)
{
	struct fz_attr *a = &r->a[r->n++];

	memset(a, 0, sizeof(*a));
	a->type = type;
	a->kind = kind;
	a->required = required;
	a->len = len;
	if (len)
		memcpy(a->data, data, len);
	return a;
}

static void fz_u32(struct fz_req *r, uint16_t type, uint32_t v, int required)
{
	fz_add(r, type, FZ_U32, &v, 4, required);
}

static void fz_u64(struct fz_req *r, uint16_t type, uint64_t v, int required)
{
	fz_add(r, type, FZ_U64, &v, 8, required);
}

static void fz_str(struct fz_req *r, uint16_t type, const char *s, int required)
{
	fz_add(r, type, FZ_STR, s, strlen(s) + 1, required);
}

static void fz_bin(struct fz_req *r, uint16_t type, const void *p, size_t len,
		   int required)
{
	fz_add(r, type, FZ_BIN, p, len, required);
}

static size_t fz_encode(struct fz *z, const struct fz_req *r, char *buf)
{
	struct nlmsghdr *nlh = (void *)buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	size_t off = NLMSG_LENGTH(GENL_HDRLEN);
	unsigned int i;

	memset(buf, 0, off);
	nlh->nlmsg_type = z->env->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (r->dump ? NLM_F_DUMP : 0);
	g->cmd = r->cmd;
	g->version = VSS_FAMILY_VERSION;
	for (i = 0; i < r->n; i++) {
		struct nlattr *a = (void *)(buf + off);
		size_t total = NLA_ALIGN(NLA_HDRLEN + r->a[i].len);

		a->nla_type = r->a[i].type;
		a->nla_len = NLA_HDRLEN + r->a[i].len;
		memset(buf + off + NLA_HDRLEN, 0, total - NLA_HDRLEN);
		memcpy(buf + off + NLA_HDRLEN, r->a[i].data, r->a[i].len);
		off += total;
	}
	nlh->nlmsg_len = off;
	return off;
}

/* ---- sockets ------------------------------------------------------------ */

static int fz_open(struct fz_sock *s)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int one = 1, rcvbuf = 1 << 20;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr))) {
		int err = -errno;

		close(s->fd);
		s->fd = -1;
		return err;
	}
	return 0;
}

/* Closing runs the module's release of everything the socket owned. */
static void fz_close(struct fz_sock *s)
{
	unsigned int i;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	for (i = 0; i < s->nin; i++)
		free(s->in[i]);
	s->nin = 0;
}

static void fz_stash(struct fz_sock *s, const struct nlmsghdr *h)
{
	if (s->nin == FZ_INBOX)
		return;
	s->in[s->nin] = malloc(h->nlmsg_len);
	if (s->in[s->nin])
		memcpy(s->in[s->nin++], h, h->nlmsg_len);
}

/*
 * Sends len bytes of msg and reads until its answer, keeping notifications
 * that come first. Returns 0 (the first reply message in z->reply) or
 * -errno; -ETIME if nothing came.
 */
static int fz_xchg(struct fz *z, struct fz_sock *s, char *msg, size_t len)
{
	struct nlmsghdr *nlh = (void *)msg;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint32_t seq = ++s->seq;

	z->reply_len = 0;
	z->ext.ext_msg[0] = '\0';
	nlh->nlmsg_seq = seq;
	if (send(s->fd, msg, len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&pfd, 1, FZ_ANSWER_MS) != 1) {
			z->st->timeouts++;
			return -ETIME;
		}
		n = recv(s->fd, z->rbuf, sizeof(z->rbuf), 0);
		if (n < 0)
			return -errno;
		for (h = (void *)z->rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			int err = 0;

			if (h->nlmsg_seq != seq) {
				fz_stash(s, h);
				continue;
			}
			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) {
				err = vss_nl_parse_error(&z->ext, h);
				return err;
			}
			if (!z->reply_len) {
				z->reply_len = h->nlmsg_len < sizeof(z->reply) ?
					       h->nlmsg_len : sizeof(z->reply);
				memcpy(z->reply, h, z->reply_len);
			}
		}
	}
}

static void fz_count(struct fz *z, uint8_t cmd, int err)
{
	struct fuzz_stats *st = z->st;

	st->sent++;
	st->cmd_sent[cmd]++;
	if (err == -ETIME)
		return;
	st->answered++;
	st->by_errno[-err > FUZZ_MAX_ERRNO ? FUZZ_MAX_ERRNO : -err]++;
	if (err)
		st->cmd_failed[cmd]++;
	else
		st->cmd_ok[cmd]++;
}

static int fz_send_raw(struct fz *z, struct fz_sock *s, uint8_t cmd, char *buf,
		       size_t len)
{
	int err = fz_xchg(z, s, buf, len);

	fz_count(z, cmd, err);
	return err;
}

static int fz_send(struct fz *z, struct fz_sock *s, const struct fz_req *r)
{
	static char buf[FZ_MSG];

	return fz_send_raw(z, s, r->cmd, buf, fz_encode(z, r, buf));
}

static void fz_mismatch(struct fz *z, uint8_t cmd, const char *what, int got,
			int e1, int e2)
{
	z->st->mismatches++;
	if (z->printed++ >= 30)
		return;
	printf("# mismatch: %s: %s, %s: got %s, expected %s%s%s (extack \"%s\")\n",
	       z->ctx, fuzz_cmd_name(cmd), what, got ? strerrorname_np(-got) ?: "?" : "success",
	       e1 ? strerrorname_np(e1) : "success", e2 != e1 ? " or " : "",
	       e2 != e1 ? (e2 ? strerrorname_np(e2) : "success") : "", z->ext.ext_msg);
}

/* Sends r, which must get e1 or e2 (errno values; 0 = success). */
static int fz_expect(struct fz *z, struct fz_sock *s, const struct fz_req *r,
		     const char *what, int e1, int e2)
{
	int err = fz_send(z, s, r);

	if (e1 || e2)
		z->st->mutated++;
	if (err != -e1 && err != -e2)
		fz_mismatch(z, r->cmd, what, err, e1, e2);
	return err;
}

/* ---- policy mutations --------------------------------------------------- */

static void fz_foreign(struct fz *z, struct fz_sock *s, const struct fz_req *r)
{
	uint32_t accepts = fz_accepts(r->cmd);
	struct fz_req m = *r;
	unsigned int t;

	do
		t = 1 + below(z, 31);
	while (accepts & (1u << t));
	if (m.n == sizeof(m.a) / sizeof(m.a[0]))
		m.n--;
	fz_u32(&m, t, below(z, 4), 0);
	fz_expect(z, s, &m, "an attribute the command does not take", EINVAL, EINVAL);
}

/*
 * One copy of r broken the way a confused client would break it; the
 * policy or the handler's check of required attributes must refuse it.
 */
static void fz_mutated(struct fz *z, struct fz_sock *s, const struct fz_req *r)
{
	static char buf[FZ_MSG];
	struct fz_req m = *r;
	unsigned int i, k, nreq = 0;
	struct fz_attr *a;
	size_t len, last;

	for (i = 0; i < m.n; i++)
		nreq += m.a[i].required;
	switch (below(z, 4)) {
	case 0:
		if (!nreq)
			break;
		k = below(z, nreq);
		for (i = 0; i < m.n; i++)
			if (m.a[i].required && k-- == 0)
				break;
		memmove(&m.a[i], &m.a[i + 1], (m.n - i - 1) * sizeof(m.a[0]));
		m.n--;
		fz_expect(z, s, &m, "a required attribute left out", EINVAL, EINVAL);
		return;
	case 1:
		if (!m.n)
			break;
		a = &m.a[below(z, m.n)];
		switch (a->kind) {
		case FZ_U32:
			a->len = below(z, 2) ? 8 : 2;
			break;
		case FZ_U64:
			a->len = 4;
			break;
		case FZ_STR:		/* no NUL at the end */
			a->data[a->len - 1] = 'x';
			break;
		case FZ_BIN:
			a->len--;
			break;
		case FZ_FLAG:
			a->len = 4;
			break;
		}
		fz_expect(z, s, &m, "an attribute of the wrong length", EINVAL, ERANGE);
		return;
	case 2:
		if (!m.n)
			break;
		len = fz_encode(z, &m, buf);
		a = &m.a[m.n - 1];
		last = len - NLA_ALIGN(NLA_HDRLEN + a->len);
		/* Inside the last attribute, never at its start. */
		len = last + 1 + below(z, NLA_HDRLEN + a->len - 1);
		((struct nlmsghdr *)buf)->nlmsg_len = len;
		z->st->mutated++;
		k = fz_send_raw(z, s, m.cmd, buf, len);
		if ((int)k != -EINVAL)
			fz_mismatch(z, m.cmd, "cut short inside its last attribute", k,
				    EINVAL, EINVAL);
		return;
	}
	fz_foreign(z, s, r);
}

/* r, after 0-2 mutated copies of it; r's answer. */
static int fz_do(struct fz *z, struct fz_sock *s, const struct fz_req *r)
{
	for (unsigned int i = below(z, 3); i; i--)
		fz_mutated(z, s, r);
	return fz_send(z, s, r);
}

/* r after its mutations, which must succeed. */
static int fz_ok(struct fz *z, struct fz_sock *s, const struct fz_req *r,
		 const char *what)
{
	int err = fz_do(z, s, r);

	if (err)
		fz_mismatch(z, r->cmd, what, err, 0, 0);
	return err;
}

static const struct nlattr *fz_reply_attr(struct fz *z, uint16_t type)
{
	return z->reply_len ? vss_nl_attr(z->reply, z->reply_len, type) : NULL;
}

/* ---- writers ------------------------------------------------------------ */

static const uint32_t fz_answerable[] = {
	VSS_EVENT_IDENTIFY, VSS_EVENT_PREPARE_BACKUP, VSS_EVENT_PREPARE_SNAPSHOT,
	VSS_EVENT_FREEZE, VSS_EVENT_THAW, VSS_EVENT_POST_SNAPSHOT,
	VSS_EVENT_BACKUP_COMPLETE, VSS_EVENT_PRE_RESTORE, VSS_EVENT_POST_RESTORE,
};
#define FZ_NR_ANSWERABLE (sizeof(fz_answerable) / sizeof(fz_answerable[0]))

static void fz_writer_close(struct fz_writer *w)
{
	fz_close(&w->s);
	w->alive = 0;
}

static void fz_register_req(struct fz_writer *w, struct fz_req *r)
{
	fz_init(r, VSS_CMD_WRITER_REGISTER);
	fz_bin(r, VSS_A_WRITER_CLASS_ID, w->class_id, 16, 1);
	fz_bin(r, VSS_A_WRITER_INSTANCE_ID, w->instance_id, 16, 1);
	fz_str(r, VSS_A_WRITER_NAME, "fuzz writer", 1);
	fz_u32(r, VSS_A_WRITER_LEVEL, w->level, 1);
	fz_u32(r, VSS_A_WRITER_FREEZE_TIMEOUT_MS, w->freeze_timeout_ms, 0);
}

/* A writer with its behaviour for the round, registered. */
static void fz_writer_start(struct fz *z, struct fz_writer *w, unsigned int nsteps)
{
	unsigned int roll = below(z, 20), i;
	struct fz_req r;
	const struct nlattr *a;

	memset(w, 0, sizeof(*w));
	w->s.fd = -1;
	w->die_before_step = -1;
	for (i = 0; i < 16; i++) {
		w->class_id[i] = fuzz_rnd(&z->rnd);
		w->instance_id[i] = fuzz_rnd(&z->rnd);
	}
	w->level = VSS_WRITER_LEVEL_SYSTEM + below(z, 3);
	w->how = roll < 11 ? FZ_FINE : roll < 15 ? FZ_VETO : roll < 17 ? FZ_SILENT : FZ_DIE;
	if (w->how != FZ_FINE)
		w->bad_event = fz_answerable[below(z, FZ_NR_ANSWERABLE)];
	if (w->how == FZ_DIE && below(z, 3) == 0) {
		w->bad_event = 0;		/* dies between two operations */
		w->die_before_step = 1 + below(z, nsteps);
	}
	/* A silent Freeze costs its freeze timeout: keep that one short. */
	w->freeze_timeout_ms = w->how == FZ_SILENT && w->bad_event == VSS_EVENT_FREEZE ?
			       400 : 30000;
	if (fz_open(&w->s))
		return;
	fz_register_req(w, &r);
	if (below(z, 4) == 0) {		/* level 0 is no level */
		struct fz_req m = r;

		m.a[3].data[0] = 0;
		fz_expect(z, &w->s, &m, "writer level 0", ERANGE, ERANGE);
	}
	if (below(z, 4) == 0 && z->nw && z->w[0].alive) {
		struct fz_req m;

		fz_register_req(&z->w[0], &m);
		fz_expect(z, &w->s, &m, "class and instance of a registered writer",
			  EEXIST, EEXIST);
	}
	if (fz_ok(z, &w->s, &r, "a valid registration"))
		return;
	a = fz_reply_attr(z, VSS_A_WRITER_ID);
	if (!a)
		return;
	memcpy(&w->id, a + 1, 4);
	w->alive = 1;
}

static uint32_t fz_attr_u32(const struct nlmsghdr *h, uint16_t type)
{
	const struct nlattr *a = vss_nl_attr(h, h->nlmsg_len, type);
	uint32_t v = 0;

	if (a && a->nla_len >= NLA_HDRLEN + 4)
		memcpy(&v, a + 1, 4);
	return v;
}

static void fz_answer_req(struct fz_req *r, uint32_t sid, uint32_t wid,
			  uint32_t event, uint32_t failure)
{
	fz_init(r, VSS_CMD_WRITER_EVENT_DONE);
	fz_u32(r, VSS_A_SESSION_ID, sid, 1);
	fz_u32(r, VSS_A_SESSION_EVENT, event, 1);
	fz_u32(r, VSS_A_SESSION_WRITER_ID, wid, 1);
	if (failure) {
		fz_u32(r, VSS_A_SESSION_FAILURE, failure, 0);
		fz_u32(r, VSS_A_SESSION_WRITER_ERROR, EIO, 0);
		fz_str(r, VSS_A_SESSION_MESSAGE, "vetoed by the fuzzer", 0);
	} else if (event == VSS_EVENT_IDENTIFY) {
		fz_str(r, VSS_A_SESSION_WRITER_METADATA, "{\"components\":[]}", 0);
	} else if (event == VSS_EVENT_PRE_RESTORE || event == VSS_EVENT_POST_RESTORE) {
		fz_str(r, VSS_A_SESSION_RESTORE_STATUS, "{\"restored\":true}", 0);
	}
}

/* Another live participant of the session than w, or NULL. */
static struct fz_writer *fz_other_writer(struct fz *z, struct fz_writer *w)
{
	for (unsigned int i = 0; i < z->nw; i++)
		if (&z->w[i] != w && z->w[i].alive && z->w[i].participant)
			return &z->w[i];
	return NULL;
}

/* A wrong answer to the event a writer is awaited for; each is refused. */
static void fz_wrong_answer(struct fz *z, struct fz_writer *w, uint32_t sid,
			    uint32_t event)
{
	struct fz_writer *o = fz_other_writer(z, w);
	struct fz_req m;
	uint32_t e;

	switch (below(z, 8)) {
	case 0:
		fz_answer_req(&m, FZ_UNKNOWN_ID + below(z, 1000), w->id, event, 0);
		fz_expect(z, &w->s, &m, "an answer naming no session", ENOENT, ENOENT);
		return;
	case 1:
		if (!z->nr_released)
			break;
		fz_answer_req(&m, z->released[below(z, z->nr_released)], w->id, event, 0);
		fz_expect(z, &w->s, &m, "an answer to a released session", EBADFD, EBADFD);
		return;
	case 2:
		fz_answer_req(&m, sid, FZ_UNKNOWN_ID + below(z, 1000), event, 0);
		fz_expect(z, &w->s, &m, "an answer for a writer not in the session",
			  ENOENT, ENOENT);
		return;
	case 3:
		if (!o)
			break;
		if (below(z, 2)) {
			fz_answer_req(&m, sid, o->id, event, 0);
			fz_expect(z, &w->s, &m, "an answer for another socket's writer",
				  EACCES, EACCES);
		} else {
			fz_answer_req(&m, sid, w->id, event, 0);
			fz_expect(z, &o->s, &m, "an answer from another writer's socket",
				  EACCES, EACCES);
		}
		return;
	case 4:
		do
			e = fz_answerable[below(z, FZ_NR_ANSWERABLE)];
		while (e == event);
		fz_answer_req(&m, sid, w->id, e, 0);
		fz_expect(z, &w->s, &m, "an answer to an event not sent", EBADFD, EBADFD);
		return;
	case 5:
		fz_answer_req(&m, sid, w->id, below(z, 2) ? VSS_EVENT_ABORT :
				  VSS_EVENT_BACKUP_SHUTDOWN, 0);
		fz_expect(z, &w->s, &m, "an answer to an event that takes none",
			  EBADFD, EBADFD);
		return;
	case 6:
		fz_answer_req(&m, sid, w->id, event, 0);
		if (event == VSS_EVENT_IDENTIFY)
			fz_str(&m, VSS_A_SESSION_RESTORE_STATUS, "{}", 0);
		else
			fz_str(&m, VSS_A_SESSION_WRITER_METADATA, "{}", 0);
		fz_expect(z, &w->s, &m, "a document of another event", EINVAL, EINVAL);
		return;
	}
	fz_answer_req(&m, sid, w->id, event, 0);
	fz_mutated(z, &w->s, &m);
}

static void fz_writer_event(struct fz *z, struct fz_writer *w, const struct nlmsghdr *h)
{
	uint32_t sid = fz_attr_u32(h, VSS_A_SESSION_ID);
	uint32_t event = fz_attr_u32(h, VSS_A_SESSION_EVENT);
	uint32_t failure = 0;
	struct fz_req r;
	int err;

	if (event >= FUZZ_NR_EVENTS)
		return;
	z->st->ev_got[event]++;
	/* The session's participants are the writers it sent Identify. */
	if (event == VSS_EVENT_IDENTIFY && sid == z->session)
		w->participant = 1;
	if (event == VSS_EVENT_BACKUP_SHUTDOWN && sid == z->session)
		w->shutdown = 1;
	if (event == VSS_EVENT_ABORT || event == VSS_EVENT_BACKUP_SHUTDOWN ||
	    event == VSS_EVENT_NONE)
		return;
	if (w->bad_event == event) {
		switch (w->how) {
		case FZ_DIE:
			z->st->ev_died[event]++;
			fz_writer_close(w);
			return;
		case FZ_SILENT:
			z->st->ev_silent[event]++;
			w->late_session = sid;
			w->late_event = event;
			return;
		case FZ_VETO:
			failure = VSS_WRITER_FAILURE_INCONSISTENT_SNAPSHOT + below(z, 5);
			break;
		}
	}
	fz_answer_req(&r, sid, w->id, event, failure);
	if (sid == z->session && z->released_now) {
		/* Read after the requester let the session go: too late. */
		fz_expect(z, &w->s, &r, "an answer to a session released meanwhile",
			  EBADFD, EBADFD);
		return;
	}
	for (unsigned int i = below(z, 3); i; i--)
		fz_wrong_answer(z, w, sid, event);
	err = fz_send(z, &w->s, &r);
	if (err == -EBADFD && sid == z->session && z->cancelled) {
		/* The abort cancelled the operation before this answer came. */
		return;
	}
	if (err) {
		char what[96];

		snprintf(what, sizeof(what), "writer %u's answer to event %u (plan %d at %u)",
			 w->id, event, w->how, w->bad_event);
		fz_mismatch(z, r.cmd, what, err, 0, 0);
		return;
	}
	if (failure)
		z->st->ev_veto[event]++;
	else
		z->st->ev_ok[event]++;
	if (below(z, 6) == 0)
		fz_expect(z, &w->s, &r, "the same answer twice", EBADFD, EBADFD);
}

/* ---- the requester's side ------------------------------------------------ */

static void fz_completion(struct fz *z, const struct nlmsghdr *h)
{
	const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	const char *end = (const char *)h + h->nlmsg_len;
	struct fz_completion *c;

	if (z->ncomp == sizeof(z->comp) / sizeof(z->comp[0]))
		return;
	c = &z->comp[z->ncomp++];
	memset(c, 0, sizeof(*c));
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case VSS_A_SESSION_ID:
			memcpy(&c->session, a + 1, 4);
			break;
		case VSS_A_SESSION_SEQ:
			memcpy(&c->seq, a + 1, 4);
			break;
		case VSS_A_SESSION_ERROR:
			memcpy(&c->error, a + 1, 4);
			break;
		case VSS_A_SESSION_STATE:
			memcpy(&c->state, a + 1, 4);
			break;
		case VSS_A_SESSION_MESSAGE:
			snprintf(c->message, sizeof(c->message), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN), (const char *)(a + 1));
			break;
		case VSS_A_SESSION_SET_ID:
			if (a->nla_len == NLA_HDRLEN + 16) {
				memcpy(c->set_id, a + 1, 16);
				c->has_set = 1;
			}
			break;
		case VSS_A_SESSION_SNAPSHOT:
			c->nr_snaps++;
			break;
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

static void fz_dispatch(struct fz *z, struct fz_sock *s, const struct nlmsghdr *h)
{
	uint8_t cmd;

	if (h->nlmsg_type != z->env->family || h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	cmd = ((const struct genlmsghdr *)NLMSG_DATA(h))->cmd;
	/*
	 * A socket may reuse the port id of one closed earlier, and get what
	 * the module still sent to that one (Documentation/protocol.md, known
	 * limits): only the round's session counts.
	 */
	if ((cmd == VSS_CMD_SESSION_COMPLETE_NTF || cmd == VSS_CMD_WRITER_EVENT_NTF) &&
	    fz_attr_u32(h, VSS_A_SESSION_ID) != z->session) {
		z->st->stale++;
		return;
	}
	if (s == &z->req && cmd == VSS_CMD_SESSION_COMPLETE_NTF) {
		fz_completion(z, h);
		return;
	}
	for (unsigned int i = 0; i < z->nw; i++)
		if (s == &z->w[i].s && z->w[i].alive && cmd == VSS_CMD_WRITER_EVENT_NTF)
			fz_writer_event(z, &z->w[i], h);
}

/* Handles what the sockets kept or receive, for up to ms. */
static void fz_pump(struct fz *z, int ms)
{
	struct pollfd pfd[FZ_WRITERS + 1];
	struct fz_sock *socks[FZ_WRITERS + 1];
	unsigned int n = 0, i;

	/* Kept messages first, in order: an event may close its writer. */
	for (i = 0; i <= z->nw; i++) {
		struct fz_sock *s = i < z->nw ? &z->w[i].s : &z->req;

		while (s->fd >= 0 && s->nin) {
			char *m = s->in[0];

			memmove(&s->in[0], &s->in[1], --s->nin * sizeof(s->in[0]));
			fz_dispatch(z, s, (void *)m);
			free(m);
		}
	}
	for (i = 0; i < z->nw; i++)
		if (z->w[i].alive) {
			socks[n] = &z->w[i].s;
			pfd[n++] = (struct pollfd){ .fd = z->w[i].s.fd, .events = POLLIN };
		}
	if (z->req_open) {
		socks[n] = &z->req;
		pfd[n++] = (struct pollfd){ .fd = z->req.fd, .events = POLLIN };
	}
	if (poll(pfd, n, ms) <= 0)
		return;
	for (i = 0; i < n; i++) {
		struct nlmsghdr *h;
		ssize_t len;

		if (!(pfd[i].revents & POLLIN) || socks[i]->fd < 0)
			continue;
		len = recv(socks[i]->fd, z->rbuf, sizeof(z->rbuf), MSG_DONTWAIT);
		if (len <= 0)
			continue;
		for (h = (void *)z->rbuf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
			fz_stash(socks[i], h);
	}
	fz_pump(z, 0);
}

static long fz_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Serves the writers until the completion of seq comes; 0 or -ETIME. */
static int fz_wait(struct fz *z, uint32_t seq, struct fz_completion *c)
{
	long deadline = fz_now_ms() + 90000;

	for (;;) {
		for (unsigned int i = 0; i < z->ncomp; i++) {
			if (z->comp[i].seq != seq || z->comp[i].session != z->session)
				continue;
			*c = z->comp[i];
			memmove(&z->comp[i], &z->comp[i + 1],
				(--z->ncomp - i) * sizeof(z->comp[0]));
			return 0;
		}
		if (fz_now_ms() > deadline)
			return -ETIME;
		fz_pump(z, 100);
	}
}

static void fz_session_req(struct fz_req *r, uint8_t cmd, uint32_t sid)
{
	fz_init(r, cmd);
	fz_u32(r, VSS_A_SESSION_ID, sid, 1);
}

/* A valid request for a session operation. */
static void fz_op_req(struct fz *z, struct fz_req *r, uint8_t cmd, uint32_t sid)
{
	const struct fuzz_proto_env *e = z->env;
	unsigned int i;

	fz_session_req(r, cmd, sid);
	switch (cmd) {
	case VSS_CMD_SESSION_PREPARE_BACKUP:
		fz_u32(r, VSS_A_SESSION_BACKUP_TYPE, below(z, VSS_BACKUP_TYPE_OTHER + 1), 1);
		if (below(z, 2))
			fz_str(r, VSS_A_SESSION_BACKUP_DOCUMENT, "{\"components\":[]}", 0);
		for (i = 0; i < z->nw && r->n < 10; i++)
			if (z->w[i].participant && below(z, 3) == 0)
				fz_u32(r, VSS_A_SESSION_WRITER_ID, z->w[i].id, 0);
		break;
	case VSS_CMD_SESSION_DO_SNAPSHOT_SET:
		switch (below(z, 3)) {
		case 0:
			fz_str(r, VSS_A_SESSION_VOLUME, e->fs_volume, 1);
			break;
		case 1:
			fz_str(r, VSS_A_SESSION_VOLUME, e->raw_volume, 1);
			break;
		default:	/* either alone is enough: neither is required */
			fz_str(r, VSS_A_SESSION_VOLUME, e->fs_volume, 0);
			fz_str(r, VSS_A_SESSION_VOLUME, e->raw_volume, 0);
		}
		if (below(z, 2))
			fz_u32(r, VSS_A_SESSION_FLAGS, below(z, 4), 0);	/* persistent, strict */
		break;
	case VSS_CMD_SESSION_BACKUP_COMPLETE:
	case VSS_CMD_SESSION_PRE_RESTORE:
	case VSS_CMD_SESSION_POST_RESTORE:
		if (below(z, 3))
			fz_str(r, VSS_A_SESSION_BACKUP_DOCUMENT, "{\"succeeded\":true}", 0);
		break;
	}
}

static const uint8_t fz_ops[] = {
	VSS_CMD_SESSION_GATHER_METADATA, VSS_CMD_SESSION_PREPARE_BACKUP,
	VSS_CMD_SESSION_DO_SNAPSHOT_SET, VSS_CMD_SESSION_BACKUP_COMPLETE,
	VSS_CMD_SESSION_PRE_RESTORE, VSS_CMD_SESSION_POST_RESTORE,
};

/* Wrong calls before the operation cmd of the session: each is refused. */
static void fz_wrong_call(struct fz *z, uint8_t cmd)
{
	struct fz_req m;
	uint8_t other;

	switch (below(z, 5)) {
	case 0:
		fz_op_req(z, &m, cmd, FZ_UNKNOWN_ID + below(z, 1000));
		fz_expect(z, &z->req, &m, "naming no session", ENOENT, ENOENT);
		return;
	case 1:
		if (!z->nr_released)
			break;
		fz_op_req(z, &m, cmd, z->released[below(z, z->nr_released)]);
		fz_expect(z, &z->req, &m, "naming a released session", EBADFD, EBADFD);
		return;
	case 2:
		fz_op_req(z, &m, cmd, z->session);
		fz_expect(z, &z->admin, &m, "from a socket that does not own the session",
			  EACCES, EACCES);
		return;
	case 3:
		do
			other = fz_ops[below(z, sizeof(fz_ops))];
		while (other == cmd);
		fz_op_req(z, &m, other, z->session);
		fz_expect(z, &z->req, &m, "an operation out of sequence", EBADFD, EBADFD);
		return;
	}
	fz_op_req(z, &m, cmd, z->session);
	fz_mutated(z, &z->req, &m);
}

/* Reads of the session and its writers, from the owner or another socket. */
static void fz_reads(struct fz *z)
{
	struct fz_sock *s = below(z, 2) ? &z->req : &z->admin;
	struct fz_req r;
	unsigned int i;

	fz_session_req(&r, VSS_CMD_SESSION_GET, z->session);
	fz_ok(z, s, &r, "reading the session");
	if (below(z, 3) == 0) {
		fz_init(&r, VSS_CMD_SESSION_GET);
		r.dump = 1;
		fz_ok(z, s, &r, "listing the sessions");
	}
	for (i = 0; i < z->nw; i++) {
		if (!z->w[i].alive || below(z, 2))
			continue;
		if (z->w[i].participant) {
			fz_session_req(&r, VSS_CMD_SESSION_WRITER_GET, z->session);
			fz_u32(&r, VSS_A_SESSION_WRITER_ID, z->w[i].id, 1);
			fz_ok(z, s, &r, "reading a participant");
		}
		fz_init(&r, VSS_CMD_WRITER_GET);
		fz_u32(&r, VSS_A_WRITER_ID, z->w[i].id, 1);
		fz_ok(z, &z->admin, &r, "reading a writer");
		break;
	}
	if (below(z, 4) == 0) {
		fz_init(&r, VSS_CMD_WRITER_GET);
		r.dump = 1;
		fz_ok(z, &z->admin, &r, "listing the writers");
	}
}

/* Answers that writers held back are too late now. */
static void fz_late_answers(struct fz *z)
{
	struct fz_req r;

	for (unsigned int i = 0; i < z->nw; i++) {
		struct fz_writer *w = &z->w[i];

		if (!w->alive || !w->late_event)
			continue;
		fz_answer_req(&r, w->late_session, w->id, w->late_event, 0);
		fz_expect(z, &w->s, &r, "an answer after the event timed out",
			  EBADFD, EBADFD);
		w->late_event = 0;
	}
}

static void fz_cut(struct fz *z, int cut)
{
	struct fz_req r;

	switch (cut) {
	case FZ_ABORT:
	case FZ_ABORT_ADMIN:
		fz_session_req(&r, VSS_CMD_SESSION_ABORT, z->session);
		fz_ok(z, cut == FZ_ABORT ? &z->req : &z->admin, &r, "an abort");
		z->cancelled = 1;
		break;
	case FZ_RELEASE:
		fz_session_req(&r, VSS_CMD_SESSION_RELEASE, z->session);
		fz_ok(z, &z->req, &r, "a release");
		z->released_now = 1;
		break;
	case FZ_CLOSE:
		fz_close(&z->req);
		z->req_open = 0;
		z->released_now = 1;
		break;
	}
}

/* ---- one round ------------------------------------------------------------ */

static void fz_snapshot_delete_set(struct fz *z, const uint8_t set_id[16], int expect)
{
	struct fz_req r;

	fz_init(&r, VSS_CMD_SNAPSHOT_DELETE);
	fz_bin(&r, VSS_A_SNAPSHOT_SET_ID, set_id, 16, 1);
	fz_expect(z, &z->admin, &r, "deleting a set by its id", expect, expect);
}

static void fz_session(struct fz *z)
{
	static const uint8_t backup[] = {
		VSS_CMD_SESSION_GATHER_METADATA, VSS_CMD_SESSION_PREPARE_BACKUP,
		VSS_CMD_SESSION_DO_SNAPSHOT_SET, VSS_CMD_SESSION_BACKUP_COMPLETE,
	};
	static const uint8_t restore[] = {
		VSS_CMD_SESSION_GATHER_METADATA, VSS_CMD_SESSION_PRE_RESTORE,
		VSS_CMD_SESSION_POST_RESTORE,
	};
	/* Every third round a restore: its two operations get their share. */
	int is_restore = z->round % 3 == 2;
	const uint8_t *steps = is_restore ? restore : backup;
	unsigned int nsteps = is_restore ? sizeof(restore) : sizeof(backup);
	int cut = below(z, 4) == 0 ? (int)below(z, FZ_NR_CUTS) : -1;
	unsigned int cut_step = below(z, nsteps), step, i;
	int cut_after_ack = below(z, 2), ended = 0, persistent_set = 0, flags;
	uint8_t set_id[16] = { 0 };
	struct fz_completion c;
	const struct nlattr *a;
	struct fz_req r;
	int err;

	z->nw = below(z, FZ_WRITERS + 1);
	for (i = 0; i < z->nw; i++)
		fz_writer_start(z, &z->w[i], nsteps);
	if (fz_open(&z->req))
		return;
	z->req_open = 1;
	z->session = 0;
	z->released_now = 0;
	z->cancelled = 0;
	/* Completions of the last round's session that came after it ended. */
	z->ncomp = 0;

	fz_init(&r, VSS_CMD_SESSION_CREATE);
	fz_u32(&r, VSS_A_SESSION_TYPE, is_restore ? VSS_SESSION_RESTORE : VSS_SESSION_BACKUP, 0);
	if (is_restore || below(z, 2))
		fz_str(&r, VSS_A_SESSION_BACKUP_DOCUMENT, "{\"components\":[]}", 0);
	if (below(z, 4) == 0) {
		struct fz_req m = r;

		m.a[0].data[0] = VSS_SESSION_RESTORE + 1;
		fz_expect(z, &z->req, &m, "a session type out of range", ERANGE, ERANGE);
	}
	if (fz_ok(z, &z->req, &r, "a valid session") ||
	    !(a = fz_reply_attr(z, VSS_A_SESSION_ID)))
		goto out;
	memcpy(&z->session, a + 1, 4);

	for (step = 0; step < nsteps && !ended; step++) {
		uint8_t cmd = steps[step];
		uint32_t seq;

		snprintf(z->ctx, sizeof(z->ctx), "round %u, %s session %u, step %u, cut %d at %u%s",
			 z->round, is_restore ? "restore" : "backup", z->session, step, cut,
			 cut_step, cut_after_ack ? " after the ack" : "");

		for (i = 0; i < z->nw; i++)
			if (z->w[i].alive && z->w[i].die_before_step == (int)step)
				fz_writer_close(&z->w[i]);
		if (cut >= 0 && cut_step == step && !cut_after_ack) {
			fz_cut(z, cut);
			ended = cut == FZ_RELEASE || cut == FZ_CLOSE;
			break;
		}
		for (i = below(z, 3); i; i--)
			fz_wrong_call(z, cmd);
		fz_op_req(z, &r, cmd, z->session);
		flags = 0;
		for (i = 0; i < r.n; i++)
			if (r.a[i].type == VSS_A_SESSION_FLAGS)
				memcpy(&flags, r.a[i].data, 4);
		err = fz_do(z, &z->req, &r);
		if (err == -EBUSY && cmd == VSS_CMD_SESSION_DO_SNAPSHOT_SET) {
			/* A set of an earlier round still finishing: wait for the slot. */
			flags |= VSS_SESSION_F_WAIT;
			for (i = 0; i < r.n && r.a[i].type != VSS_A_SESSION_FLAGS; i++)
				;
			if (i == r.n)
				fz_u32(&r, VSS_A_SESSION_FLAGS, flags, 0);
			else
				memcpy(r.a[i].data, &flags, 4);
			err = fz_send(z, &z->req, &r);
		}
		if (err) {
			fz_mismatch(z, cmd, "the next operation", err, 0, 0);
			break;
		}
		seq = z->req.seq;
		/*
		 * Again, while it runs or after it ended; but a strict
		 * DoSnapshotSet refused before any event (a selected writer
		 * failed already) leaves the session prepared, to be tried again.
		 */
		if (below(z, 5) == 0 && !(cmd == VSS_CMD_SESSION_DO_SNAPSHOT_SET &&
					  (flags & VSS_SESSION_F_STRICT))) {
			fz_op_req(z, &r, cmd, z->session);
			fz_expect(z, &z->req, &r, "the same operation twice", EBADFD, EBADFD);
		}
		if (cut >= 0 && cut_step == step) {
			fz_cut(z, cut);
			ended = cut != FZ_ABORT && cut != FZ_ABORT_ADMIN;
			if (ended)
				break;
		}
		if (fz_wait(z, seq, &c)) {
			fz_mismatch(z, cmd, "a completion within 90 s", -ETIME, 0, 0);
			break;
		}
		if (c.error) {
			z->st->done_err[cmd]++;
			printf("# %s: %s completed with %s: %s\n", z->ctx, fuzz_cmd_name(cmd),
			       strerrorname_np(c.error) ?: "?", c.message);
		} else {
			z->st->done_ok[cmd]++;
			if (cmd == VSS_CMD_SESSION_DO_SNAPSHOT_SET && c.has_set &&
			    c.nr_snaps && (flags & VSS_SESSION_F_PERSISTENT)) {
				persistent_set = 1;
				memcpy(set_id, c.set_id, 16);
			}
		}
		fz_late_answers(z);
		fz_reads(z);
		if (c.error || (cut >= 0 && cut_step == step)) {
			/* Failed or aborted: whatever comes next is out of sequence. */
			if (step + 1 < nsteps) {
				fz_op_req(z, &r, steps[step + 1], z->session);
				fz_expect(z, &z->req, &r, "an operation after a failed one",
					  EBADFD, EBADFD);
			}
			break;
		}
	}

	if (z->req_open && !ended) {
		if (!is_restore && below(z, 2)) {
			fz_session_req(&r, VSS_CMD_SESSION_DELETE_SNAPSHOTS, z->session);
			err = fz_do(z, &z->req, &r);
			if (!err)
				persistent_set = 0;
			else if (err != -ENOENT)
				fz_mismatch(z, r.cmd, "deleting the session's snapshots", err,
					    0, ENOENT);
		}
		if (below(z, 5) == 0) {
			fz_session_req(&r, VSS_CMD_SESSION_ABORT, z->session);
			fz_ok(z, &z->req, &r, "an abort after the end");
		}
		if (below(z, 2)) {
			fz_session_req(&r, VSS_CMD_SESSION_RELEASE, z->session);
			if (below(z, 3) == 0)
				fz_expect(z, &z->admin, &r,
					  "a release from a socket that does not own it",
					  EACCES, EACCES);
			fz_ok(z, &z->req, &r, "a release");
			z->released_now = 1;
		} else {
			fz_cut(z, FZ_CLOSE);	/* the requester dies */
		}
	}
	fz_session_req(&r, VSS_CMD_SESSION_GET, z->session);
	fz_expect(z, &z->admin, &r, "reading a released session", EBADFD, EBADFD);
	z->released[z->released_next++ % 16] = z->session;
	if (z->nr_released < 16)
		z->nr_released++;

	/* BackupShutdown reaches every participant still registered. */
	for (long deadline = fz_now_ms() + 10000; fz_now_ms() < deadline;) {
		for (i = 0; i < z->nw; i++)
			if (z->w[i].alive && z->w[i].participant && !z->w[i].shutdown)
				break;
		if (i == z->nw)
			break;
		fz_pump(z, 100);
	}
	for (i = 0; i < z->nw; i++)
		if (z->w[i].alive && z->w[i].participant && !z->w[i].shutdown)
			fz_mismatch(z, VSS_CMD_WRITER_EVENT_NTF,
				    "BackupShutdown to a participant within 10 s", -ETIME, 0, 0);
	if (persistent_set)
		fz_snapshot_delete_set(z, set_id, 0);

out:
	if (z->req_open)
		fz_close(&z->req);
	z->req_open = 0;
	for (i = 0; i < z->nw; i++) {
		struct fz_writer *w = &z->w[i];

		if (w->alive && below(z, 2)) {
			fz_init(&r, VSS_CMD_WRITER_UNREGISTER);
			fz_u32(&r, VSS_A_WRITER_ID, w->id, 1);
			if (below(z, 3) == 0)
				fz_expect(z, &z->admin, &r,
					  "unregistering another socket's writer",
					  EACCES, EACCES);
			fz_ok(z, &w->s, &r, "unregistering");
			fz_expect(z, &w->s, &r, "unregistering twice", ENOENT, ENOENT);
		}
		fz_writer_close(w);
	}
	z->nw = 0;
}

/* Storage, snapshots and freezes outside sessions, once per round. */
/*
 * Changed-block tracking, from the snapshot just read (its token, echoed
 * as since): the changes since itself (none), as a do and a dump, the
 * tracker, and after a reset the same query refused with ESTALE.
 */
static void fz_changes(struct fz *z, const uint8_t snap_id[16])
{
	const struct fuzz_proto_env *e = z->env;
	const struct nlattr *tok = fz_reply_attr(z, VSS_A_SNAPSHOT_TOKEN);
	unsigned char since[272];
	struct fz_req r;
	size_t len;

	if (!tok || tok->nla_len - NLA_HDRLEN > sizeof(since)) {
		fz_mismatch(z, VSS_CMD_SNAPSHOT_GET, "a token in the snapshot", -EBADMSG, 0, 0);
		return;
	}
	len = tok->nla_len - NLA_HDRLEN;
	memcpy(since, tok + 1, len);
	fz_init(&r, VSS_CMD_CHANGES_GET);
	fz_bin(&r, VSS_A_CHANGES_SNAPSHOT_ID, snap_id, 16, 1);
	fz_bin(&r, VSS_A_CHANGES_SINCE | NLA_F_NESTED, since, len, 1);
	if (below(z, 2))
		fz_u64(&r, VSS_A_CHANGES_START, below(z, 1 << 20), 0);
	r.dump = below(z, 2);
	fz_ok(z, &z->admin, &r, "the changes since the snapshot itself");
	fz_init(&r, VSS_CMD_TRACKER_GET);
	r.dump = below(z, 2);
	if (!r.dump)
		fz_str(&r, VSS_A_TRACKER_ORIGIN, e->spare_dev, 1);
	fz_ok(z, &z->admin, &r, "reading the tracker");
	fz_init(&r, VSS_CMD_TRACKER_RESET);
	fz_str(&r, VSS_A_TRACKER_ORIGIN, e->spare_dev, 1);
	if (fz_ok(z, &z->admin, &r, "resetting the tracker"))
		return;
	fz_init(&r, VSS_CMD_CHANGES_GET);
	fz_bin(&r, VSS_A_CHANGES_SNAPSHOT_ID, snap_id, 16, 1);
	fz_bin(&r, VSS_A_CHANGES_SINCE | NLA_F_NESTED, since, len, 1);
	fz_expect(z, &z->admin, &r, "the changes after a reset", ESTALE, ESTALE);
}

/*
 * Before the origin's first snapshot: its tracker exported, then a state
 * of the same geometry under a generation it never had imported (begin,
 * commit, no chunks); that generation imported again is refused.
 */
static void fz_persist(struct fz *z)
{
	const struct fuzz_proto_env *e = z->env;
	const uint32_t commit = VSS_IMPORT_COMMIT;
	const struct nlattr *st;
	unsigned char state[272];
	struct fz_req r;
	size_t len, off, i;

	fz_init(&r, VSS_CMD_TRACKER_EXPORT);
	r.dump = 1;
	fz_str(&r, VSS_A_TRACKER_ORIGIN, e->spare_dev, 1);
	if (fz_ok(z, &z->admin, &r, "exporting the tracker"))
		return;
	st = fz_reply_attr(z, VSS_A_TRACKER_STATE);
	if (!st || st->nla_len - NLA_HDRLEN > sizeof(state)) {
		fz_mismatch(z, VSS_CMD_TRACKER_EXPORT, "a state in the export", -EBADMSG, 0, 0);
		return;
	}
	len = st->nla_len - NLA_HDRLEN;
	memcpy(state, st + 1, len);
	for (off = 0; off + NLA_HDRLEN <= len;) {
		struct nlattr *a = (struct nlattr *)(state + off);

		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == VSS_A_TOKEN_GENERATION &&
		    a->nla_len == NLA_HDRLEN + 16)
			for (i = 0; i < 16; i++)
				state[off + NLA_HDRLEN + i] = (unsigned char)(1 + below(z, 255));
		off += NLA_ALIGN(a->nla_len);
	}
	fz_init(&r, VSS_CMD_TRACKER_IMPORT);
	fz_str(&r, VSS_A_TRACKER_ORIGIN, e->spare_dev, 1);
	fz_bin(&r, VSS_A_TRACKER_STATE | NLA_F_NESTED, state, len, 1);
	fz_u32(&r, VSS_A_TRACKER_IMPORT_STEP, VSS_IMPORT_BEGIN, 1);
	if (fz_ok(z, &z->admin, &r, "beginning an import"))
		return;
	memcpy(r.a[2].data, &commit, sizeof(commit));
	if (fz_ok(z, &z->admin, &r, "committing an import"))
		return;
	fz_expect(z, &z->admin, &r, "committing it again", EINVAL, EINVAL);
	memset(r.a[2].data, 0, sizeof(commit));
	fz_expect(z, &z->admin, &r, "importing its generation again", EINVAL, EINVAL);
}

static void fz_engine(struct fz *z)
{
	const struct fuzz_proto_env *e = z->env;
	uint8_t set_id[16], snap_id[16];
	int have_set = 0, have_snap = 0, file = below(z, 2);
	const struct nlattr *a;
	struct fz_req r;

	fz_init(&r, VSS_CMD_GET_FEATURES);
	if (below(z, 2))
		fz_u64(&r, VSS_A_FEATURES_REQUIRED, VSS_FEATURE_SESSIONS, 0);
	fz_ok(z, &z->admin, &r, "the features");

	fz_init(&r, VSS_CMD_STORAGE_ADD);
	fz_str(&r, VSS_A_STORAGE_ORIGIN, e->spare_dev, 1);
	fz_u32(&r, VSS_A_STORAGE_KIND, file ? VSS_STORAGE_FILE : VSS_STORAGE_MEMORY, 1);
	fz_u64(&r, VSS_A_STORAGE_MAX_BYTES, 16 << 20, 1);
	if (below(z, 2))
		fz_u32(&r, VSS_A_STORAGE_CHUNK_BYTES, 4096u << below(z, 5), 0);
	if (file)
		fz_str(&r, VSS_A_STORAGE_PATH, e->storage_dir, 0);
	if (below(z, 2))
		fz_u32(&r, VSS_A_STORAGE_THRESHOLD, 1 + below(z, 100), 0);
	if (below(z, 2))
		fz_u32(&r, VSS_A_STORAGE_TRACK_BLOCK_BYTES, 4096u << below(z, 8), 0);
	if (fz_ok(z, &z->admin, &r, "adding storage"))
		return;
	fz_expect(z, &z->admin, &r, "adding storage twice", EEXIST, EEXIST);

	fz_init(&r, VSS_CMD_STORAGE_SET);
	fz_str(&r, VSS_A_STORAGE_ORIGIN, e->spare_dev, 1);
	fz_u64(&r, VSS_A_STORAGE_MAX_BYTES, 32 << 20, 0);
	fz_ok(z, &z->admin, &r, "resizing storage");
	fz_init(&r, VSS_CMD_STORAGE_GET);
	fz_str(&r, VSS_A_STORAGE_ORIGIN, e->spare_dev, 1);
	fz_ok(z, &z->admin, &r, "reading storage");
	fz_init(&r, VSS_CMD_STORAGE_GET);
	r.dump = 1;
	fz_ok(z, &z->admin, &r, "listing storage");
	fz_persist(z);

	fz_init(&r, VSS_CMD_SNAPSHOT_CREATE);
	fz_str(&r, VSS_A_SNAPSHOT_VOLUME, e->spare_dev, 1);
	if (below(z, 2))
		fz_u32(&r, VSS_A_SNAPSHOT_FLAGS, below(z, 2) ? VSS_SNAPSHOT_F_PERSISTENT : 0, 0);
	if (!fz_ok(z, &z->admin, &r, "a snapshot")) {
		const char *p = z->reply + NLMSG_LENGTH(GENL_HDRLEN);
		const char *end = z->reply + z->reply_len;

		if ((a = fz_reply_attr(z, VSS_A_SNAPSHOT_SET_ID)) &&
		    a->nla_len == NLA_HDRLEN + 16) {
			memcpy(set_id, a + 1, 16);
			have_set = 1;
		}
		/* The snapshot's id, inside its entry. */
		for (; p + NLA_HDRLEN <= end; p += NLA_ALIGN(a->nla_len)) {
			a = (const void *)p;
			if (a->nla_len < NLA_HDRLEN)
				break;
			if ((a->nla_type & NLA_TYPE_MASK) == VSS_A_SNAPSHOT_ENTRY) {
				for (const char *q = p + NLA_HDRLEN; q + NLA_HDRLEN <= p + a->nla_len;) {
					const struct nlattr *y = (const void *)q;

					if (y->nla_len < NLA_HDRLEN)
						break;
					if (y->nla_type == VSS_A_SNAPSHOT_ID &&
					    y->nla_len == NLA_HDRLEN + 16) {
						memcpy(snap_id, y + 1, 16);
						have_snap = 1;
					}
					q += NLA_ALIGN(y->nla_len);
				}
			}
		}
	}
	if (have_snap) {
		fz_init(&r, VSS_CMD_SNAPSHOT_GET);
		fz_bin(&r, VSS_A_SNAPSHOT_ID, snap_id, 16, 1);
		if (!fz_ok(z, &z->admin, &r, "reading a snapshot"))
			fz_changes(z, snap_id);
	}
	fz_init(&r, VSS_CMD_SNAPSHOT_GET);
	r.dump = 1;
	fz_ok(z, &z->admin, &r, "listing snapshots");
	if (have_set && have_snap) {
		fz_init(&r, VSS_CMD_SNAPSHOT_DELETE);
		switch (below(z, 3)) {
		case 0:
			fz_bin(&r, VSS_A_SNAPSHOT_ID, snap_id, 16, 1);
			break;
		case 1:
			fz_bin(&r, VSS_A_SNAPSHOT_SET_ID, set_id, 16, 1);
			break;
		default:
			fz_str(&r, VSS_A_SNAPSHOT_OLDEST_OF, e->spare_dev, 1);
		}
		fz_ok(z, &z->admin, &r, "deleting a snapshot");
		fz_expect(z, &z->admin, &r, "deleting it twice", ENOENT, ENOENT);
	}
	fz_init(&r, VSS_CMD_STORAGE_REMOVE);
	fz_str(&r, VSS_A_STORAGE_ORIGIN, e->spare_dev, 1);
	fz_ok(z, &z->admin, &r, "removing storage");
	fz_expect(z, &z->admin, &r, "removing it twice", ENOENT, ENOENT);

	/* Bounded (5 s), and bound to the socket: it cannot stay frozen. */
	fz_init(&r, VSS_CMD_FS_FREEZE);
	fz_str(&r, VSS_A_FS_PATH, e->fs_volume, 1);
	fz_u32(&r, VSS_A_FS_TIMEOUT_MS, 5000, 0);
	if (fz_ok(z, &z->admin, &r, "a freeze"))
		return;
	fz_expect(z, &z->admin, &r, "a freeze of a frozen filesystem", EBUSY, EBUSY);
	fz_init(&r, VSS_CMD_FS_GET);
	fz_str(&r, VSS_A_FS_PATH, e->fs_volume, 1);
	fz_ok(z, &z->admin, &r, "reading a freeze");
	fz_init(&r, VSS_CMD_FS_GET);
	r.dump = 1;
	fz_ok(z, &z->admin, &r, "listing freezes");
	fz_init(&r, VSS_CMD_FS_THAW);
	fz_str(&r, VSS_A_FS_PATH, e->fs_volume, 1);
	fz_ok(z, &z->admin, &r, "a thaw");
	fz_expect(z, &z->admin, &r, "a thaw of a thawed filesystem", ENOENT, ENOENT);
}

int fuzz_proto_run(struct fuzz_proto_env *env)
{
	static struct fz z;
	int err;

	memset(&z, 0, sizeof(z));
	z.env = env;
	z.st = env->st;
	z.rnd = env->seed ? env->seed : 1;
	z.ext.fd = -1;
	err = fz_open(&z.admin);
	if (err)
		return err;
	for (z.round = 0; z.round < env->rounds; z.round++) {
		snprintf(z.ctx, sizeof(z.ctx), "round %u", z.round);
		fz_session(&z);
		fz_engine(&z);
	}
	fz_close(&z.admin);
	return 0;
}
