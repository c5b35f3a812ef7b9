// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzzing, in two phases.
 *
 * The protocol phase (lib/fuzz_proto.c, VSS_FUZZ_ROUNDS rounds, default
 * 48) drives valid sessions through every phase: writers on sockets of
 * this process answer their events, veto them, stay silent until they time
 * out, or close their socket (a death) at random points; the requester
 * runs backups (Identify, PrepareForBackup, DoSnapshotSet, BackupComplete)
 * and restores (Identify, PreRestore, PostRestore), and at random steps
 * aborts, releases or closes its socket; storage, snapshots and freezes are
 * made and removed outside sessions. Every request is preceded by mutated
 * copies of it (a required attribute left out, a wrong length, a message
 * cut short, an attribute of another command, an unknown or released
 * session id, another socket, an operation out of sequence), each of which
 * must be refused with its errno. Snapshots go to memory diff storage on
 * two loop devices (one with a mounted ext4), and to file diff storage on
 * a third filesystem.
 *
 * The random phase sends VSS_FUZZ_COUNT (default 100000) mutated messages
 * covering every command the header defines and some it does not: wrong
 * attribute types and lengths, missing and unknown attributes, bad
 * nesting, oversized blobs, broken headers, as root and as an unprivileged
 * user, from several sockets each process closes and reopens at random
 * moments (their auto-release cleanup runs meanwhile).
 *
 * Both follow the seed printed first (VSS_FUZZ_SEED). The run prints, per
 * command, how many requests succeeded and failed in each phase, and the
 * writer events delivered. Asserted: every command a valid caller can make
 * succeed (enum vss_cmd without the notifications) succeeded at least
 * FUZZ_MIN_OK times in the protocol phase, and every session operation
 * completed successfully that often; every writer event was delivered and
 * every event that takes an answer was answered; no mutated request got an
 * answer other than its errno; every request was answered; no unprivileged
 * request other than GET_FEATURES succeeded; afterwards the family still
 * answers and nothing is left (snapshot, storage, freeze, writer, session)
 * and the filesystem is not frozen. The VM runner fails on any oops or
 * warning, and run_guest.sh unloads the module afterwards.
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
#include "../lib/fuzz.h"
#include "../lib/vss_proto.h"

#define NR_SOCKS	4
#define MAX_MSG		(72 * 1024)
#define MAX_ATTR_TYPE	40

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
	return fuzz_rnd(&f->rnd);
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
		st->by_errno[err > FUZZ_MAX_ERRNO ? FUZZ_MAX_ERRNO : err]++;
		if (!err)
			st->cmd_ok[cmd]++;
		else
			st->cmd_failed[cmd]++;
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
	for (e = 0; e <= FUZZ_MAX_ERRNO; e++)
		if (st->by_errno[e])
			printf("#   %-12s %lu\n", e ? strerrorname_np(e) ?: "?" : "success",
			       st->by_errno[e]);
}

/* The per-command table: protocol phase, random phase (root, unprivileged). */
static void print_table(const struct fuzz_stats *p, const struct fuzz_stats *r,
			const struct fuzz_stats *u)
{
	unsigned long other[4] = { 0 };
	unsigned int c;

	printf("# %-3s %-26s %25s %15s %15s %15s\n", "cmd", "", "protocol phase",
	       "completions", "random, root", "unprivileged");
	printf("# %-3s %-26s %8s %8s %8s %7s %7s %7s %7s %7s %7s\n", "", "command",
	       "sent", "ok", "failed", "ok", "failed", "sent", "ok", "sent", "ok");
	for (c = 0; c < 256; c++) {
		const char *name = fuzz_cmd_name(c);

		if (!name)
			continue;
		printf("# %3u %-26s %8lu %8lu %8lu ", c, name, p->cmd_sent[c], p->cmd_ok[c],
		       p->cmd_failed[c]);
		if (fuzz_cmd_is_async(c))
			printf("%7lu %7lu ", p->done_ok[c], p->done_err[c]);
		else
			printf("%7s %7s ", "-", "-");
		printf("%7lu %7lu %7lu %7lu\n", r->cmd_sent[c], r->cmd_ok[c], u->cmd_sent[c],
		       u->cmd_ok[c]);
	}
	for (c = 0; c < 256; c++)
		if (!fuzz_cmd_name(c)) {
			other[0] += r->cmd_sent[c];
			other[1] += r->cmd_ok[c];
			other[2] += u->cmd_sent[c];
			other[3] += u->cmd_ok[c];
		}
	printf("#     %-26s %8s %8s %8s %7s %7s %7lu %7lu %7lu %7lu\n", "(no such command)",
	       "-", "-", "-", "-", "-", other[0], other[1], other[2], other[3]);
}

static const char *const event_names[FUZZ_NR_EVENTS] = {
	"none", "identify", "prepare-backup", "prepare-snapshot", "freeze", "thaw",
	"post-snapshot", "abort", "backup-complete", "backup-shutdown", "pre-restore",
	"post-restore",
};

static void print_events(const struct fuzz_stats *p)
{
	unsigned int e;

	printf("# %-17s %9s %9s %9s %9s %9s\n", "writer event", "delivered", "answered",
	       "vetoed", "silent", "died");
	for (e = 1; e < FUZZ_NR_EVENTS; e++)
		printf("# %-17s %9lu %9lu %9lu %9lu %9lu\n", event_names[e], p->ev_got[e],
		       p->ev_ok[e], p->ev_veto[e], p->ev_silent[e], p->ev_died[e]);
	printf("# %lu mutated requests, %lu answered otherwise than expected\n",
	       p->mutated, p->mismatches);
	printf("# %lu notifications for a session of an earlier socket with the same port id\n",
	       p->stale);
}

/* Enough for every command at the default rounds, whatever the seed draws. */
#define FUZZ_MIN_OK	3
#define FUZZ_ROUNDS	48
#define EVENT_TIMEOUT	"/sys/module/vss/parameters/event_timeout_ms"

FIXTURE(fuzz) {
	struct vss_nl nl;
	/* raw origin, ext4 origin, spare raw device, ext4 for storage files */
	char dev[64], sdev[64], spare[64], stdev[64];
	char img[64], simg[64], spimg[64], stimg[64];
	char mnt[64], stmnt[64];
};

static int loop_new(char *dev, size_t dsize, char *img, size_t isize, const char *tag)
{
	snprintf(img, isize, "/tmp/vss-fz%s-%d.img", tag, getpid());
	if (vss_sh("truncate -s 16M %s", img))
		return -1;
	return vss_sh_out(dev, dsize, "losetup --find --show %s", img) || !dev[0] ? -1 : 0;
}

FIXTURE_SETUP(fuzz)
{
	ASSERT_EQ(0, vss_sh("modprobe loop"));
	ASSERT_EQ(0, loop_new(self->dev, sizeof(self->dev), self->img, sizeof(self->img), ""));
	ASSERT_EQ(0, loop_new(self->sdev, sizeof(self->sdev), self->simg, sizeof(self->simg), "s"));
	ASSERT_EQ(0, loop_new(self->spare, sizeof(self->spare), self->spimg,
			      sizeof(self->spimg), "p"));
	ASSERT_EQ(0, loop_new(self->stdev, sizeof(self->stdev), self->stimg,
			      sizeof(self->stimg), "t"));
	snprintf(self->mnt, sizeof(self->mnt), "/tmp/vss-fz-%d", getpid());
	snprintf(self->stmnt, sizeof(self->stmnt), "/tmp/vss-fzt-%d", getpid());
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mkdir -p %s && mount %s %s",
			    self->sdev, self->mnt, self->sdev, self->mnt));
	ASSERT_EQ(0, vss_sh("mkfs.ext4 -q -F %s && mkdir -p %s && mount %s %s",
			    self->stdev, self->stmnt, self->stdev, self->stmnt));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN(fuzz)
{
	/* Whatever failed above: nothing frozen, nothing held. */
	vss_sh("echo 60000 > " EVENT_TIMEOUT);
	vss_sh("fsfreeze -u %s 2>/dev/null; true", self->mnt);
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_storage_remove(&self->nl, self->dev);
	vss_storage_remove(&self->nl, self->sdev);
	vss_storage_remove(&self->nl, self->spare);
	vss_nl_close(&self->nl);
	vss_sh("umount %s; rmdir %s; umount %s; rmdir %s", self->mnt, self->mnt,
	       self->stmnt, self->stmnt);
	vss_sh("losetup -d %s; losetup -d %s; losetup -d %s; losetup -d %s", self->dev,
	       self->sdev, self->spare, self->stdev);
	unlink(self->img);
	unlink(self->simg);
	unlink(self->spimg);
	unlink(self->stimg);
}

static void dump_count(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

TEST_F_TIMEOUT(fuzz, mutated_messages_leave_the_module_answering_and_clean, 3600)
{
	unsigned long count = env_ul("VSS_FUZZ_COUNT", 100000);
	unsigned long rounds = env_ul("VSS_FUZZ_ROUNDS", FUZZ_ROUNDS);
	unsigned long unpriv_count = count / 10;
	uint64_t seed = env_ul("VSS_FUZZ_SEED", 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid());
	unsigned long min_ok = rounds >= FUZZ_ROUNDS ? FUZZ_MIN_OK : 1;
	struct fuzz_proto_env penv;
	struct fuzz_stats *ust;
	static struct fuzz_stats st, pst;
	struct vss_nl_msg m;
	static struct fuzz f;
	char name[64];
	unsigned int c;
	pid_t pid;
	int status, n;

	ust = mmap(NULL, sizeof(*ust), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ust);
	memset(ust, 0, sizeof(*ust));
	f.family = self->nl.family;
	f.nr_ops = family_ops(&self->nl, f.ops, ARRAY_SIZE(f.ops));
	ASSERT_LT(0, f.nr_ops);
	printf("# seed 0x%llx (VSS_FUZZ_SEED), %lu rounds (VSS_FUZZ_ROUNDS), %lu messages (VSS_FUZZ_COUNT)\n",
	       (unsigned long long)seed, rounds, count);

	/* The family's requests are exactly the uapi's commands less the notifications. */
	for (c = 1; c < __VSS_CMD_MAX; c++) {
		bool listed = false;

		for (n = 0; n < (int)f.nr_ops; n++)
			listed |= f.ops[n] == c;
		EXPECT_EQ(!fuzz_cmd_is_ntf(c), listed) {
			TH_LOG("%s: listed by nlctrl %d, a notification %d", fuzz_cmd_name(c),
			       listed, fuzz_cmd_is_ntf(c));
		}
	}

	/* Phase 1: the protocol, valid and mutated, step by step. */
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, 32ULL << 20, 0));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->sdev, 32ULL << 20, 0));
	/* A silent writer costs one event timeout: 1.5 s, not 60. */
	ASSERT_EQ(0, vss_sh("echo 1500 > " EVENT_TIMEOUT));
	penv = (struct fuzz_proto_env){
		.family = self->nl.family,
		.seed = seed ^ 0x70726f746fULL,
		.rounds = rounds,
		.fs_volume = self->mnt,
		.raw_volume = self->dev,
		.spare_dev = self->spare,
		.storage_dir = self->stmnt,
		.st = &pst,
	};
	ASSERT_EQ(0, fuzz_proto_run(&penv));
	ASSERT_EQ(0, vss_sh("echo 60000 > " EVENT_TIMEOUT));
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 60000));
	n = vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	EXPECT_TRUE(n >= 0 || n == -ENOENT);
	EXPECT_EQ(0, vss_storage_remove(&self->nl, self->dev));
	EXPECT_EQ(0, vss_storage_remove(&self->nl, self->sdev));

	/* Phase 2: random messages, root and unprivileged at once. */
	f.rnd = seed;
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

	print_stats("protocol phase", &pst);
	print_stats("random phase, root", &st);
	print_stats("random phase, unprivileged", ust);
	print_table(&pst, &st, ust);
	print_events(&pst);
	printf("# %lu messages in all\n", pst.sent + st.sent + ust->sent);

	/* Every command a valid caller can make succeed did, in the protocol phase. */
	for (c = 1; c < __VSS_CMD_MAX; c++) {
		if (fuzz_cmd_is_ntf(c))
			continue;
		EXPECT_LE(min_ok, pst.cmd_ok[c]) {
			TH_LOG("%s succeeded %lu times", fuzz_cmd_name(c), pst.cmd_ok[c]);
		}
		if (fuzz_cmd_is_async(c))
			EXPECT_LE(min_ok, pst.done_ok[c]) {
				TH_LOG("%s completed %lu times", fuzz_cmd_name(c), pst.done_ok[c]);
			}
	}
	/* Every event reached a writer; every one that takes an answer got one. */
	for (c = 1; c < FUZZ_NR_EVENTS; c++) {
		EXPECT_LT(0, pst.ev_got[c]) {
			TH_LOG("no %s event delivered", event_names[c]);
		}
		if (c != VSS_EVENT_ABORT && c != VSS_EVENT_BACKUP_SHUTDOWN)
			EXPECT_LT(0, pst.ev_ok[c]) {
				TH_LOG("no %s event answered", event_names[c]);
			}
	}
	EXPECT_EQ(0, pst.mismatches);
	EXPECT_EQ(0, pst.timeouts);

	EXPECT_GE(st.sent + ust->sent, count * 99 / 100);
	EXPECT_EQ(0, st.timeouts);
	EXPECT_EQ(0, ust->timeouts);
	EXPECT_EQ(0, ust->unpriv_success);
	for (n = 0; n < (int)f.nr_ops; n++)
		EXPECT_LT(count / 1000, st.cmd_sent[f.ops[n]]);

	/* The family still answers, and everything made can be removed. */
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_GET_FEATURES, VSS_FAMILY_VERSION);
	EXPECT_LT(0, vss_nl_transact(&self->nl, &m, NULL, 0));
	n = vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	EXPECT_TRUE(n >= 0 || n == -ENOENT);
	vss_storage_remove(&self->nl, self->dev);
	vss_storage_remove(&self->nl, self->sdev);
	vss_storage_remove(&self->nl, self->spare);
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
