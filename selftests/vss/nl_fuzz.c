// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzzing: VSS_FUZZ_COUNT (default 100000) mutated messages to the
 * vss family, covering every command the header defines and some it does
 * not: wrong attribute types and lengths, missing and unknown attributes,
 * bad nesting, oversized blobs, broken headers, as root and as an
 * unprivileged user, from several sockets each process closes and reopens
 * at random moments (their auto-release cleanup runs meanwhile). Device
 * paths of a loop device and a mounted filesystem are in the dictionary,
 * so some requests succeed and make real storage and snapshots; writers
 * register on the fuzzing sockets (and never answer their events in time),
 * sessions run their operations in any order, aimed at ids seen in replies.
 *
 * Afterwards: every well-formed request was answered; no unprivileged
 * request other than GET_FEATURES succeeded; the family still answers;
 * everything made can be deleted and nothing is left (no snapshot, storage,
 * writer or session); the filesystem is
 * not frozen. The run prints the message count and the breakdown of
 * answers by errno. The VM runner fails on any oops or warning, and
 * run_guest.sh unloads the module afterwards.
 */
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

#define NR_SOCKS	4
#define MAX_MSG		(72 * 1024)
#define MAX_ERRNO	160
#define MAX_ATTR_TYPE	40

struct fuzz_stats {
	unsigned long sent, answered, silent, dropped_ok;
	unsigned long by_errno[MAX_ERRNO + 1];	/* [0] = success */
	unsigned long unpriv_success;		/* other than GET_FEATURES */
	unsigned long cmd_sent[256], cmd_ok[256];
	unsigned long timeouts;
};

struct fuzz {
	uint16_t family;
	int fds[NR_SOCKS];
	uint32_t seq;
	uint64_t rnd;
	const char *dict[16];
	unsigned int nr_dict;
	uint8_t ids[16][16];		/* ids seen in replies */
	uint32_t sessions[16], writers[16];	/* session, writer ids seen */
	unsigned int nr_sessions, nr_writers;
	uint8_t ops[64];		/* commands the family implements */
	unsigned int nr_ops;
	unsigned int nr_ids;
	char msg[MAX_MSG];
	char reply[65536];
};

static uint64_t rnd(struct fuzz *f)
{
	/* xorshift64*: reproducible from the printed seed. */
	f->rnd ^= f->rnd >> 12;
	f->rnd ^= f->rnd << 25;
	f->rnd ^= f->rnd >> 27;
	return f->rnd * 0x2545F4914F6CDD1DULL;
}

static unsigned int below(struct fuzz *f, unsigned int n)
{
	return n ? rnd(f) % n : 0;
}

static int open_sock(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The family's commands, as nlctrl lists them (CTRL_ATTR_OPS): every
 * command the running module implements, whatever this test was built
 * with.
 */
static unsigned int family_ops(struct vss_nl *nl, uint8_t *ops, unsigned int max)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *list, *op, *a;
	unsigned int n = 0;
	struct vss_nl_msg m;
	int len, off, ooff;

	vss_nl_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	vss_nl_put(&m, CTRL_ATTR_FAMILY_NAME, VSS_FAMILY_NAME, sizeof(VSS_FAMILY_NAME));
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return 0;
	list = vss_nl_attr(reply, len, CTRL_ATTR_OPS);
	if (!list)
		return 0;
	for (off = NLA_HDRLEN; off + NLA_HDRLEN <= list->nla_len && n < max;
	     off += NLA_ALIGN(op->nla_len)) {
		op = (const void *)((const char *)list + off);
		if (op->nla_len < NLA_HDRLEN)
			break;
		for (ooff = NLA_HDRLEN; ooff + NLA_HDRLEN <= op->nla_len;
		     ooff += NLA_ALIGN(a->nla_len)) {
			a = (const void *)((const char *)op + ooff);
			if (a->nla_len < NLA_HDRLEN)
				break;
			if (a->nla_type == CTRL_ATTR_OP_ID)
				ops[n++] = *(const uint32_t *)(a + 1);
		}
	}
	return n;
}

/* Appends one attribute of the given payload at *off; returns its size. */
static size_t put_attr(char *buf, size_t off, size_t room, uint16_t type,
		       const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + off);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (total > room || NLA_HDRLEN + len > 0xffff)
		return 0;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(buf + off + NLA_HDRLEN, data, len);
	memset(buf + off + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	return total;
}

static size_t gen_attrs(struct fuzz *f, char *buf, size_t room, int depth);

/* One attribute with a payload chosen to hit policies' edges. */
static size_t gen_attr(struct fuzz *f, char *buf, size_t room, int depth)
{
	static const uint64_t edges[] = { 0, 1, 2, 4095, 4096, 4097, 65536,
		1 << 20, (1 << 20) + 1, 99, 100, 101, 0xffffffff, ~0ULL,
		1ULL << 32, 512, 3 };
	/* Mostly types some attribute set of the family defines. */
	uint16_t type = 1 + below(f, below(f, 4) ? 20 : MAX_ATTR_TYPE);
	char payload[4096];
	size_t len = 0;
	uint64_t v;

	switch (below(f, 20)) {
	case 0:
		type = 0;
		break;
	case 1:
		type = rnd(f);	/* any bits, NLA_F_NESTED too */
		break;
	}
	switch (below(f, 12)) {
	case 0: case 1:		/* integers of every width */
		v = below(f, 2) ? edges[below(f, ARRAY_SIZE(edges))] : rnd(f);
		len = (size_t[]){ 1, 2, 4, 8, 3, 0 }[below(f, 6)];
		memcpy(payload, &v, len);
		break;
	case 2:			/* u32 and u64 exactly */
		v = edges[below(f, ARRAY_SIZE(edges))];
		len = below(f, 2) ? 4 : 8;
		memcpy(payload, &v, len);
		break;
	case 3: case 4: {	/* strings from the dictionary, NUL or not */
		const char *s = f->dict[below(f, f->nr_dict)];

		len = strlen(s) + (below(f, 8) ? 1 : 0);
		memcpy(payload, s, len);
		break;
	}
	case 5:			/* ids: seen ones, random ones, wrong lengths */
		if (f->nr_ids && below(f, 2))
			memcpy(payload, f->ids[below(f, f->nr_ids)], 16);
		else
			for (len = 0; len < 16; len++)
				payload[len] = rnd(f);
		len = below(f, 6) ? 16 : below(f, 33);
		break;
	case 6:			/* a flag */
		len = 0;
		break;
	case 7: case 8:		/* nested attributes */
		if (depth < 3) {
			len = gen_attrs(f, payload, sizeof(payload), depth + 1);
			if (below(f, 2))
				type |= NLA_F_NESTED;
		}
		break;
	case 9:			/* a long string */
		len = 1 + below(f, sizeof(payload) - 1);
		memset(payload, 'a' + below(f, 26), len);
		payload[len - 1] = below(f, 2) ? '\0' : '/';
		break;
	case 10:		/* random bytes */
		len = below(f, 65);
		for (size_t i = 0; i < len; i++)
			payload[i] = rnd(f);
		break;
	case 11:		/* an oversized blob */
		if (depth == 0 && room > 60000 && below(f, 4) == 0) {
			static char big[60000];

			memset(big, below(f, 256), sizeof(big));
			return put_attr(buf, 0, room, type, big,
					1000 + below(f, sizeof(big) - 1000));
		}
		break;
	}
	return put_attr(buf, 0, room, type, payload, len);
}

static size_t put_u32(char *buf, size_t room, uint16_t type, uint32_t v)
{
	return put_attr(buf, 0, room, type, &v, sizeof(v));
}

static size_t put_u64(char *buf, size_t room, uint16_t type, uint64_t v)
{
	return put_attr(buf, 0, room, type, &v, sizeof(v));
}

static size_t put_dict(struct fuzz *f, char *buf, size_t room, uint16_t type)
{
	const char *s = f->dict[below(f, 4) ? below(f, 4) : below(f, f->nr_dict)];

	return put_attr(buf, 0, room, type, s, strlen(s) + 1);
}

/*
 * A well-formed request for one of the commands this test knows, so that
 * the fuzzing reaches the handlers' own checks and their success paths
 * (storage and snapshots really made and deleted, sockets closed under
 * them), not only the policy.
 */
/* A session or writer id seen in a reply, now and then one never given. */
static uint32_t pick_session(struct fuzz *f)
{
	if (!f->nr_sessions || below(f, 8) == 0)
		return below(f, 3) ? 1 + below(f, 64) : (uint32_t)rnd(f);
	return f->sessions[below(f, f->nr_sessions)];
}

static uint32_t pick_writer(struct fuzz *f)
{
	if (!f->nr_writers || below(f, 8) == 0)
		return below(f, 3) ? 1 + below(f, 64) : (uint32_t)rnd(f);
	return f->writers[below(f, f->nr_writers)];
}

static size_t gen_valid(struct fuzz *f, uint8_t cmd, char *buf, size_t room)
{
	static const uint64_t sizes[] = { 1, 65536, 1 << 20, 8 << 20, 1ULL << 40 };
	size_t off = 0;
	unsigned int i;

	switch (cmd) {
	case VSS_CMD_STORAGE_ADD:
		off += put_dict(f, buf + off, room - off, VSS_A_STORAGE_ORIGIN);
		off += put_u32(buf + off, room - off, VSS_A_STORAGE_KIND, 1 + below(f, 2));
		off += put_u64(buf + off, room - off, VSS_A_STORAGE_MAX_BYTES,
			       sizes[below(f, ARRAY_SIZE(sizes))]);
		if (below(f, 2))
			off += put_u32(buf + off, room - off, VSS_A_STORAGE_CHUNK_BYTES,
				       4096U << below(f, 9));
		if (below(f, 2))
			off += put_dict(f, buf + off, room - off, VSS_A_STORAGE_PATH);
		for (i = below(f, 3); i; i--)
			off += put_u32(buf + off, room - off, VSS_A_STORAGE_THRESHOLD,
				       1 + below(f, 100));
		break;
	case VSS_CMD_STORAGE_SET:
		off += put_dict(f, buf + off, room - off, VSS_A_STORAGE_ORIGIN);
		if (below(f, 2))
			off += put_u64(buf + off, room - off, VSS_A_STORAGE_MAX_BYTES,
				       sizes[below(f, ARRAY_SIZE(sizes))]);
		for (i = below(f, 3); i; i--)
			off += put_u32(buf + off, room - off, VSS_A_STORAGE_THRESHOLD,
				       1 + below(f, 100));
		break;
	case VSS_CMD_STORAGE_GET:
	case VSS_CMD_STORAGE_REMOVE:
		off += put_dict(f, buf + off, room - off, VSS_A_STORAGE_ORIGIN);
		break;
	case VSS_CMD_SNAPSHOT_CREATE:
		for (i = 1 + below(f, 2); i; i--)
			off += put_dict(f, buf + off, room - off, VSS_A_SNAPSHOT_VOLUME);
		if (below(f, 2))
			off += put_u32(buf + off, room - off, VSS_A_SNAPSHOT_FLAGS,
				       below(f, 2));
		break;
	case VSS_CMD_SNAPSHOT_GET:
	case VSS_CMD_SNAPSHOT_DELETE:
		switch (below(f, 4)) {
		case 0:
			if (f->nr_ids)
				off += put_attr(buf, off, room - off, VSS_A_SNAPSHOT_ID,
						f->ids[below(f, f->nr_ids)], 16);
			break;
		case 1:
			if (f->nr_ids)
				off += put_attr(buf, off, room - off, VSS_A_SNAPSHOT_SET_ID,
						f->ids[below(f, f->nr_ids)], 16);
			break;
		case 2:
			off += put_dict(f, buf + off, room - off, VSS_A_SNAPSHOT_OLDEST_OF);
			break;
		default:
			off += put_attr(buf, off, room - off, VSS_A_SNAPSHOT_ALL, NULL, 0);
			break;
		}
		break;
	case VSS_CMD_WRITER_REGISTER: {
		uint8_t uuid[16] = { 0 };

		uuid[0] = below(f, 4);		/* collisions now and then: EEXIST */
		off += put_attr(buf, off, room - off, VSS_A_WRITER_CLASS_ID, uuid, 16);
		uuid[0] = below(f, 8);
		off += put_attr(buf, off, room - off, VSS_A_WRITER_INSTANCE_ID, uuid, 16);
		off += put_attr(buf, off, room - off, VSS_A_WRITER_NAME, "fuzz", 5);
		off += put_u32(buf + off, room - off, VSS_A_WRITER_LEVEL, 1 + below(f, 3));
		/* Short timeouts: nobody answers events in time. */
		off += put_u32(buf + off, room - off, VSS_A_WRITER_FREEZE_TIMEOUT_MS,
			       1 + below(f, 500));
		break;
	}
	case VSS_CMD_WRITER_UNREGISTER:
	case VSS_CMD_WRITER_GET:
		off += put_u32(buf + off, room - off, VSS_A_WRITER_ID, pick_writer(f));
		break;
	case VSS_CMD_WRITER_EVENT_DONE:
		off += put_u32(buf + off, room - off, VSS_A_SESSION_ID, pick_session(f));
		off += put_u32(buf + off, room - off, VSS_A_SESSION_WRITER_ID, pick_writer(f));
		off += put_u32(buf + off, room - off, VSS_A_SESSION_EVENT, below(f, 16));
		if (below(f, 3) == 0)
			off += put_u32(buf + off, room - off, VSS_A_SESSION_FAILURE,
				       below(f, 8));
		break;
	case VSS_CMD_SESSION_CREATE:
		if (below(f, 2))
			off += put_u32(buf + off, room - off, VSS_A_SESSION_TYPE, below(f, 3));
		break;
	case VSS_CMD_SESSION_PREPARE_BACKUP:
		off += put_u32(buf + off, room - off, VSS_A_SESSION_ID, pick_session(f));
		off += put_u32(buf + off, room - off, VSS_A_SESSION_BACKUP_TYPE, below(f, 6));
		if (below(f, 2))
			off += put_u32(buf + off, room - off, VSS_A_SESSION_WRITER_ID,
				       pick_writer(f));
		break;
	case VSS_CMD_SESSION_DO_SNAPSHOT_SET:
		off += put_u32(buf + off, room - off, VSS_A_SESSION_ID, pick_session(f));
		for (i = 1 + below(f, 2); i; i--)
			off += put_dict(f, buf + off, room - off, VSS_A_SESSION_VOLUME);
		if (below(f, 2))
			off += put_u32(buf + off, room - off, VSS_A_SESSION_FLAGS, below(f, 8));
		break;
	case VSS_CMD_SESSION_WRITER_GET:
		off += put_u32(buf + off, room - off, VSS_A_SESSION_ID, pick_session(f));
		off += put_u32(buf + off, room - off, VSS_A_SESSION_WRITER_ID, pick_writer(f));
		break;
	case VSS_CMD_FS_FREEZE:
		off += put_dict(f, buf + off, room - off, VSS_A_FS_PATH);
		/* Always short: a freeze must not outlast the run's checks. */
		off += put_u32(buf + off, room - off, VSS_A_FS_TIMEOUT_MS, 1 + below(f, 300));
		if (below(f, 2))
			off += put_u32(buf + off, room - off, VSS_A_FS_FLAGS, below(f, 2));
		break;
	case VSS_CMD_FS_THAW:
	case VSS_CMD_FS_GET:
		off += put_dict(f, buf + off, room - off, VSS_A_FS_PATH);
		break;
	case VSS_CMD_SESSION_GATHER_METADATA:
	case VSS_CMD_SESSION_BACKUP_COMPLETE:
	case VSS_CMD_SESSION_PRE_RESTORE:
	case VSS_CMD_SESSION_POST_RESTORE:
	case VSS_CMD_SESSION_ABORT:
	case VSS_CMD_SESSION_DELETE_SNAPSHOTS:
	case VSS_CMD_SESSION_RELEASE:
	case VSS_CMD_SESSION_GET:
		off += put_u32(buf + off, room - off, VSS_A_SESSION_ID, pick_session(f));
		break;
	default:
		break;
	}
	return off;
}

static size_t gen_attrs(struct fuzz *f, char *buf, size_t room, int depth)
{
	unsigned int i, n = below(f, depth ? 4 : 7);
	size_t off = 0;

	for (i = 0; i < n; i++)
		off += gen_attr(f, buf + off, room - off, depth);
	return off;
}

static void remember_u32(uint32_t *ids, unsigned int *nr, const struct nlattr *a)
{
	if (a->nla_len != NLA_HDRLEN + 4)
		return;
	memcpy(&ids[*nr % 16], (const char *)a + NLA_HDRLEN, 4);
	if (*nr < 16)
		(*nr)++;
}

/*
 * Remembers snapshot, set, session and writer ids from a reply, to aim
 * later requests at them.
 */
static void harvest(struct fuzz *f, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	const char *p = (const char *)h + NLMSG_LENGTH(GENL_HDRLEN);
	const char *end = (const char *)h + h->nlmsg_len;

	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	if (g->cmd == VSS_CMD_SESSION_CREATE || g->cmd == VSS_CMD_WRITER_REGISTER) {
		const struct nlattr *a = (const void *)p;

		/* VSS_A_SESSION_ID and VSS_A_WRITER_ID, the first attribute. */
		if (p + NLA_HDRLEN <= end && a->nla_type == VSS_A_SESSION_ID)
			remember_u32(g->cmd == VSS_CMD_SESSION_CREATE ? f->sessions : f->writers,
				     g->cmd == VSS_CMD_SESSION_CREATE ? &f->nr_sessions :
								       &f->nr_writers, a);
		return;
	}

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if ((a->nla_type == VSS_A_SNAPSHOT_ID || a->nla_type == VSS_A_SNAPSHOT_SET_ID) &&
		    a->nla_len == NLA_HDRLEN + 16) {
			memcpy(f->ids[f->nr_ids % 16], p + NLA_HDRLEN, 16);
			if (f->nr_ids < 16)
				f->nr_ids++;
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Reads until the answer to @seq (an error/ack, or the end of a dump):
 * returns its errno (0 for success), or -1 if none came in @ms.
 */
static int wait_answer(struct fuzz *f, int fd, uint32_t seq, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		ssize_t n;
		struct nlmsghdr *h;

		if (poll(&pfd, 1, ms) != 1)
			return -1;
		n = recv(fd, f->reply, sizeof(f->reply), 0);
		if (n < 0)
			return errno == ENOBUFS ? ENOBUFS : -1;
		for (h = (void *)f->reply; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)	/* a dump's errno */
				return h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ?
				       -*(int *)NLMSG_DATA(h) : 0;
			harvest(f, h);
		}
	}
}

static void fuzz_run(struct fuzz *f, unsigned long count, bool unpriv,
		     struct fuzz_stats *st)
{
	unsigned long i;
	int s;

	for (s = 0; s < NR_SOCKS; s++)
		f->fds[s] = open_sock();
	for (i = 0; i < count; i++) {
		struct nlmsghdr *nlh = (void *)f->msg;
		struct genlmsghdr *g = NLMSG_DATA(nlh);
		bool broken = false;
		size_t len;
		int fd, err;
		uint8_t cmd;

		s = below(f, NR_SOCKS);
		if (below(f, 400) == 0 || f->fds[s] < 0) {
			/* Closing: the module cleans up after this socket. */
			if (f->fds[s] >= 0)
				close(f->fds[s]);
			f->fds[s] = open_sock();
			if (f->fds[s] < 0)
				continue;
		}
		fd = f->fds[s];

		switch (below(f, 10)) {
		case 0:
			cmd = below(f, 256);
			break;
		case 1:
			cmd = 0;
			break;
		case 2:
			cmd = 1 + below(f, __VSS_CMD_MAX + 1);
			break;
		default:
			cmd = f->ops[below(f, f->nr_ops)];
			break;
		}
		memset(f->msg, 0, NLMSG_LENGTH(GENL_HDRLEN));
		g->cmd = cmd;
		g->version = below(f, 10) ? VSS_FAMILY_VERSION : below(f, 256);
		g->reserved = below(f, 20) ? 0 : rnd(f);
		len = NLMSG_LENGTH(GENL_HDRLEN);
		if (below(f, 3) == 0) {
			/* Well-formed, perhaps with one stray attribute. */
			len += gen_valid(f, cmd, f->msg + len, sizeof(f->msg) - len);
			if (below(f, 4) == 0)
				len += gen_attr(f, f->msg + len, sizeof(f->msg) - len, 0);
		} else {
			len += gen_attrs(f, f->msg + len, sizeof(f->msg) - len, 0);
		}
		nlh->nlmsg_len = len;
		nlh->nlmsg_type = f->family;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				   (below(f, 5) ? 0 : NLM_F_DUMP);
		nlh->nlmsg_seq = ++f->seq;

		/* Break the framing now and then. */
		switch (below(f, 40)) {
		case 0:		/* shorter than the genetlink header */
			nlh->nlmsg_len = NLMSG_HDRLEN + below(f, GENL_HDRLEN);
			break;
		case 1:		/* the last attribute cut short */
			if (len > NLMSG_LENGTH(GENL_HDRLEN) + 2)
				nlh->nlmsg_len = len - 1 - below(f, 3);
			break;
		case 2:		/* claims more than is sent */
			nlh->nlmsg_len = len + 4 + below(f, 64);
			broken = true;	/* the core drops it silently */
			break;
		case 3:		/* an attribute longer than the message */
			if (len >= NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN)
				((struct nlattr *)(f->msg + NLMSG_LENGTH(GENL_HDRLEN)))->nla_len += 64;
			break;
		}

		if (send(fd, f->msg, len, 0) < 0)
			continue;
		st->sent++;
		st->cmd_sent[cmd]++;
		err = wait_answer(f, fd, nlh->nlmsg_seq, broken ? 0 : 60000);
		if (err < 0) {
			if (broken)
				st->dropped_ok++;
			else
				st->timeouts++;
			continue;
		}
		st->answered++;
		st->by_errno[err > MAX_ERRNO ? MAX_ERRNO : err]++;
		if (!err)
			st->cmd_ok[cmd]++;
		if (unpriv && err == 0 && cmd != VSS_CMD_GET_FEATURES)
			st->unpriv_success++;
	}
	for (s = 0; s < NR_SOCKS; s++)
		if (f->fds[s] >= 0)
			close(f->fds[s]);
}

static void print_stats(const char *who, const struct fuzz_stats *st)
{
	int e;

	printf("# %s: %lu messages sent, %lu answered, %lu broken framings dropped by the core, %lu unanswered\n",
	       who, st->sent, st->answered, st->dropped_ok, st->timeouts);
	for (e = 0; e <= MAX_ERRNO; e++)
		if (st->by_errno[e])
			printf("#   %-12s %lu\n", e ? strerrorname_np(e) ?: "?" : "success",
			       st->by_errno[e]);
	printf("#   by command (sent/succeeded):");
	for (e = 0; e <= __VSS_CMD_MAX; e++)
		printf(" %d:%lu/%lu", e, st->cmd_sent[e], st->cmd_ok[e]);
	printf("\n");
}

FIXTURE(fuzz) {
	struct vss_nl nl;
	char dev[64], img[64], mnt[64], sdev[64], simg[64];
};

FIXTURE_SETUP(fuzz)
{
	ASSERT_EQ(0, vss_sh("modprobe loop"));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-fz-%d.img", getpid());
	snprintf(self->simg, sizeof(self->simg), "/tmp/vss-fzs-%d.img", getpid());
	snprintf(self->mnt, sizeof(self->mnt), "/tmp/vss-fz-%d", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s 16M %s %s", self->img, self->simg));
	ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
				"losetup --find --show %s", self->img));
	ASSERT_EQ(0, vss_sh_out(self->sdev, sizeof(self->sdev),
				"losetup --find --show %s", self->simg));
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mkdir -p %s && mount %s %s",
			    self->sdev, self->mnt, self->sdev, self->mnt));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN(fuzz)
{
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_storage_remove(&self->nl, self->dev);
	vss_storage_remove(&self->nl, self->sdev);
	vss_nl_close(&self->nl);
	vss_sh("umount %s; rmdir %s", self->mnt, self->mnt);
	vss_sh("losetup -d %s; losetup -d %s", self->dev, self->sdev);
	unlink(self->img);
	unlink(self->simg);
}

static void dump_count(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

TEST_F_TIMEOUT(fuzz, mutated_messages_leave_the_module_answering_and_clean, 3600)
{
	const char *env = getenv("VSS_FUZZ_COUNT");
	unsigned long count = env ? strtoul(env, NULL, 10) : 100000;
	unsigned long unpriv_count = count / 10;
	struct fuzz_stats *ust;
	struct fuzz_stats st = { 0 };
	struct vss_nl_msg m;
	static struct fuzz f;
	char name[64];
	pid_t pid;
	int status, n;

	ust = mmap(NULL, sizeof(*ust), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ust);
	memset(ust, 0, sizeof(*ust));
	f.family = self->nl.family;
	f.nr_ops = family_ops(&self->nl, f.ops, ARRAY_SIZE(f.ops));
	ASSERT_LT(0, f.nr_ops);
	f.rnd = env && getenv("VSS_FUZZ_SEED") ? strtoull(getenv("VSS_FUZZ_SEED"), NULL, 0) :
		0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	printf("# seed 0x%llx (VSS_FUZZ_SEED), %lu messages (VSS_FUZZ_COUNT)\n",
	       (unsigned long long)f.rnd, count);
	snprintf(name, sizeof(name), "%s", strrchr(self->dev, '/') + 1);
	f.dict[f.nr_dict++] = self->dev;
	f.dict[f.nr_dict++] = self->sdev;
	f.dict[f.nr_dict++] = self->mnt;
	f.dict[f.nr_dict++] = name;
	f.dict[f.nr_dict++] = "/";
	f.dict[f.nr_dict++] = "";
	f.dict[f.nr_dict++] = "/dev/null";
	f.dict[f.nr_dict++] = "/proc";
	f.dict[f.nr_dict++] = "/tmp";
	f.dict[f.nr_dict++] = "../../../dev/loop0";

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct passwd *pw = getpwnam("nobody");

		if (!pw || setgid(pw->pw_gid) || setuid(pw->pw_uid))
			_exit(2);
		f.rnd ^= 0x5555;
		fuzz_run(&f, unpriv_count, true, ust);
		_exit(0);
	}
	fuzz_run(&f, count - unpriv_count, false, &st);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	print_stats("root", &st);
	print_stats("unprivileged", ust);
	printf("# %lu messages in all\n", st.sent + ust->sent);
	EXPECT_GE(st.sent + ust->sent, count * 99 / 100);
	EXPECT_EQ(0, st.timeouts);
	EXPECT_EQ(0, ust->timeouts);
	EXPECT_EQ(0, ust->unpriv_success);
	/* Every command was tried, and some requests got through and succeeded. */
	for (n = 0; n < (int)f.nr_ops; n++)
		EXPECT_LT(100, st.cmd_sent[f.ops[n]]);
	EXPECT_LT(0, st.by_errno[0]);

	/* The family still answers, and everything made can be removed. */
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_GET_FEATURES, VSS_FAMILY_VERSION);
	EXPECT_LT(0, vss_nl_transact(&self->nl, &m, NULL, 0));
	n = vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	EXPECT_TRUE(n >= 0 || n == -ENOENT);
	vss_storage_remove(&self->nl, self->dev);
	vss_storage_remove(&self->nl, self->sdev);
	n = 0;
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_SNAPSHOT_GET, VSS_FAMILY_VERSION);
	EXPECT_LE(0, vss_nl_dump(&self->nl, &m, dump_count, &n));
	EXPECT_EQ(0, n);
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_STORAGE_GET, VSS_FAMILY_VERSION);
	EXPECT_LE(0, vss_nl_dump(&self->nl, &m, dump_count, &n));
	EXPECT_EQ(0, n);
	/*
	 * A mutated FS_FREEZE may have frozen the filesystem, detached and
	 * with the default timeout: thaw it (ENOENT if nothing is frozen).
	 */
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_FS_THAW, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_FS_PATH, self->mnt, strlen(self->mnt) + 1);
	n = vss_nl_transact(&self->nl, &m, NULL, 0);
	EXPECT_TRUE(n >= 0 || n == -ENOENT);
	n = 0;
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_FS_GET, VSS_FAMILY_VERSION);
	EXPECT_LE(0, vss_nl_dump(&self->nl, &m, dump_count, &n));
	EXPECT_EQ(0, n);
	/* Every writer and session went with the sockets that owned them. */
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 60000)) {
		TH_LOG("%d writers, %d sessions left", vss_writer_count(&self->nl),
		       vss_session_count(&self->nl));
	}
	/* Nothing is left frozen. */
	EXPECT_EQ(0, vss_sh("timeout 20 sh -c 'echo x > %s/after && sync'", self->mnt));
}

TEST_HARNESS_MAIN
