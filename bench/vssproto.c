// SPDX-License-Identifier: GPL-2.0
/*
 * vssproto: the protocol-cost figure of the benchmarks (bench/guest.sh).
 *
 *   vssproto [-p PROCS] VOLUME REPS N...
 *
 * For every N (number of writers, 0 allowed, at most VSS_WRITERS_MAX) and
 * every repetition: N writers register (each one netlink socket, spread
 * over PROCS processes, default 2, that poll their sockets and answer
 * every event at once, with success), then one backup session runs
 * Identify, PrepareForBackup, DoSnapshotSet of VOLUME, BackupComplete,
 * and is released; the writers then exit (their sockets close) and the
 * next run waits until the module has no writer and no session left.
 * The N values are run in a rotated order in each repetition, so that a
 * drift of the host's load spreads over all of them.
 *
 * Times are taken in the requester with CLOCK_MONOTONIC: DoSnapshotSet
 * from sending the request to receiving its completion; the whole backup
 * from SESSION_CREATE to the completion of BackupComplete (release not
 * included: its BackupShutdown takes no answer). Output, one line each:
 *
 *   rep R n N do_us D seq_us S events E
 *   n N do_ms MEDIAN seq_ms MEDIAN
 *
 * E is the number of events the writers got in that run (a check: 8 per
 * writer for the whole sequence, BackupShutdown included).
 * Exit status 0, 1 if a run failed, 2 on a usage error.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "vss_nl.h"
#include "vss_proto.h"

#define MAX_N		VSS_WRITERS_MAX
#define MAX_PROCS	8
#define MAX_REPS	101
#define MAX_SIZES	8

#define NLA_DATA(a)	((void *)((char *)(a) + NLA_HDRLEN))
#define GENL_PAYLOAD(h)	((const char *)NLMSG_DATA(h) + GENL_HDRLEN)
#define GENL_PLEN(h)	((int)(h)->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN))

/* Shared with the writer processes. */
struct shared {
	volatile int ready;	/* writers registered */
	volatile int failed;	/* a writer could not register or answer */
	volatile long events;	/* events received */
};

static struct shared *sh;

static uint32_t attr_u32(const struct nlmsghdr *h, uint16_t type)
{
	const char *p = GENL_PAYLOAD(h);
	int len = GENL_PLEN(h);

	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		uint32_t v;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == type && a->nla_len >= NLA_HDRLEN + 4) {
			memcpy(&v, NLA_DATA(a), 4);
			return v;
		}
		p += NLA_ALIGN(a->nla_len);
		len -= NLA_ALIGN(a->nla_len);
	}
	return 0;
}

static void put_u32(struct vss_nl_msg *m, uint16_t type, uint32_t v)
{
	vss_nl_put(m, type, &v, sizeof(v));
}

static int writer_register(struct vss_nl *nl, int idx, uint32_t *id)
{
	static char reply[VSS_NL_BUF];
	static const uint32_t levels[] = {
		VSS_WRITER_LEVEL_FRONT_END, VSS_WRITER_LEVEL_BACK_END,
		VSS_WRITER_LEVEL_SYSTEM,
	};
	uint8_t ids[32];
	struct vss_nl_msg m;
	const struct nlattr *a;
	char name[32];
	int len;

	if (getrandom(ids, sizeof(ids), 0) != sizeof(ids))
		return -EIO;
	snprintf(name, sizeof(name), "bench writer %d", idx);
	vss_nl_msg_init(&m, nl->family, VSS_CMD_WRITER_REGISTER, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_WRITER_CLASS_ID, ids, 16);
	vss_nl_put(&m, VSS_A_WRITER_INSTANCE_ID, ids + 16, 16);
	vss_nl_put(&m, VSS_A_WRITER_NAME, name, strlen(name) + 1);
	/* Every level populated: three freeze and three thaw rounds. */
	put_u32(&m, VSS_A_WRITER_LEVEL, levels[idx % 3]);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = vss_nl_attr(reply, len, VSS_A_WRITER_ID);
	if (!a)
		return -EBADMSG;
	memcpy(id, NLA_DATA(a), 4);
	return 0;
}

/* The answer to one event, at once, with success (acked, as a careful writer asks). */
static void writer_answer(struct vss_nl *nl, uint32_t id, const struct nlmsghdr *h)
{
	static const char metadata[] = "{\"components\":[\"bench\"]}";
	uint32_t event = attr_u32(h, VSS_A_SESSION_EVENT);
	struct vss_nl_msg m;

	__atomic_add_fetch(&sh->events, 1, __ATOMIC_RELAXED);
	if (event == VSS_EVENT_ABORT || event == VSS_EVENT_BACKUP_SHUTDOWN)
		return;
	vss_nl_msg_init(&m, nl->family, VSS_CMD_WRITER_EVENT_DONE, VSS_FAMILY_VERSION);
	put_u32(&m, VSS_A_SESSION_ID, attr_u32(h, VSS_A_SESSION_ID));
	put_u32(&m, VSS_A_SESSION_EVENT, event);
	put_u32(&m, VSS_A_SESSION_WRITER_ID, id);
	if (event == VSS_EVENT_IDENTIFY)
		vss_nl_put(&m, VSS_A_SESSION_WRITER_METADATA, metadata, sizeof(metadata));
	m.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m.nlh.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, m.buf, m.nlh.nlmsg_len, 0) < 0)
		sh->failed = 1;
}

/* One writer process: n sockets, one writer each, first is the global index. */
static void __attribute__((noreturn)) writers_run(int first, int n)
{
	static char buf[1 << 16];
	struct vss_nl nl[MAX_N];
	struct pollfd pfd[MAX_N];
	uint32_t id[MAX_N];
	int rcvbuf = 1 << 20;

	for (int i = 0; i < n; i++) {
		if (vss_nl_open(&nl[i]) || vss_nl_resolve(&nl[i]) ||
		    writer_register(&nl[i], first + i, &id[i])) {
			sh->failed = 1;
			_exit(1);
		}
		setsockopt(nl[i].fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		pfd[i].fd = nl[i].fd;
		pfd[i].events = POLLIN;
		__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
	}
	for (;;) {
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(2);
		}
		for (int i = 0; i < n; i++) {
			ssize_t len;

			if (!(pfd[i].revents & POLLIN))
				continue;
			len = recv(nl[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (len < 0)
				continue;
			for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len);
			     h = NLMSG_NEXT(h, len)) {
				if (h->nlmsg_type == NLMSG_ERROR) {
					if (vss_nl_parse_error(&nl[i], h))
						sh->failed = 1;
				} else if (h->nlmsg_type == nl[i].family &&
					   ((struct genlmsghdr *)NLMSG_DATA(h))->cmd ==
					   VSS_CMD_WRITER_EVENT_NTF) {
					writer_answer(&nl[i], id[i], h);
				}
			}
		}
	}
}

static pid_t pids[MAX_PROCS];
static int nr_pids;

static void writers_stop(void)
{
	for (int i = 0; i < nr_pids; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	nr_pids = 0;
}

static int writers_start(int n, int procs)
{
	int first = 0;

	sh->ready = 0;
	sh->failed = 0;
	sh->events = 0;
	if (procs > n)
		procs = n;
	for (int p = 0; p < procs; p++) {
		int k = n / procs + (p < n % procs);
		pid_t pid = fork();

		if (pid < 0)
			return -errno;
		if (pid == 0)
			writers_run(first, k);
		pids[nr_pids++] = pid;
		first += k;
	}
	for (int t = 0; t < 3000 && sh->ready < n && !sh->failed; t++)
		usleep(10000);
	return sh->ready == n ? 0 : -EIO;
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int op(struct vss_req *r, uint8_t cmd, uint32_t id, const struct vss_op_args *a,
	      const char *what)
{
	struct vss_completion c;
	int err = vss_req_op(r, cmd, id, a, &c);

	if (!err && c.error)
		err = -(int)c.error;
	if (err)
		fprintf(stderr, "vssproto: %s: %s%s%s\n", what, strerror(-err),
			c.message[0] || r->nl.ext_msg[0] ? ": " : "",
			c.message[0] ? c.message : r->nl.ext_msg);
	return err;
}

/* One backup with n writers: DoSnapshotSet and whole-sequence times, ns. */
static int one_run(struct vss_req *r, const char *vol, int n, int procs, int64_t *t_do,
		   int64_t *t_seq)
{
	struct vss_op_args prep = { .backup_type = VSS_BACKUP_TYPE_FULL,
				    .document = "{\"components\":[\"bench\"]}" };
	struct vss_op_args snap = { .volumes = &vol, .nr_volumes = 1 };
	int64_t t0, t1, t2;
	uint32_t id;
	int err;

	err = writers_start(n, procs);
	if (err) {
		fprintf(stderr, "vssproto: %d writers did not register\n", n);
		goto out;
	}
	t0 = now_ns();
	err = vss_req_create(r, VSS_SESSION_BACKUP, NULL, &id);
	if (err) {
		fprintf(stderr, "vssproto: session create: %s %s\n", strerror(-err),
			r->nl.ext_msg);
		goto out;
	}
	err = op(r, VSS_CMD_SESSION_GATHER_METADATA, id, NULL, "identify") ?:
	      op(r, VSS_CMD_SESSION_PREPARE_BACKUP, id, &prep, "prepare backup");
	t1 = now_ns();
	err = err ?: op(r, VSS_CMD_SESSION_DO_SNAPSHOT_SET, id, &snap, "do snapshot set");
	t2 = now_ns();
	err = err ?: op(r, VSS_CMD_SESSION_BACKUP_COMPLETE, id, NULL, "backup complete");
	*t_seq = now_ns() - t0;
	*t_do = t2 - t1;
	vss_req_cmd(r, VSS_CMD_SESSION_RELEASE, id);
out:
	/* BackupShutdown reaches the writers before the session is gone. */
	for (int t = 0; t < 2000 && vss_session_count(&r->nl) > 0; t++)
		usleep(5000);
	if (!err && sh->failed) {
		fprintf(stderr, "vssproto: a writer's answer was refused\n");
		err = -EIO;
	}
	writers_stop();
	if (vss_proto_wait_idle(&r->nl, 20000)) {
		fprintf(stderr, "vssproto: writers or sessions left over\n");
		err = err ?: -ETIMEDOUT;
	}
	return err;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double median_ms(int64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp64);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) / 1e6;
}

static int usage(void)
{
	fputs("usage: vssproto [-p PROCS] VOLUME REPS N...\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static int64_t t_do[MAX_SIZES][MAX_REPS], t_seq[MAX_SIZES][MAX_REPS];
	int procs = 2, reps, nsz, sizes[MAX_SIZES], opt;
	struct vss_req req;
	const char *vol;

	while ((opt = getopt(argc, argv, "p:")) != -1) {
		if (opt != 'p')
			return usage();
		procs = atoi(optarg);
		if (procs < 1 || procs > MAX_PROCS)
			return usage();
	}
	if (argc - optind < 3 || argc - optind - 2 > MAX_SIZES)
		return usage();
	vol = argv[optind];
	reps = atoi(argv[optind + 1]);
	if (reps < 1 || reps > MAX_REPS)
		return usage();
	nsz = argc - optind - 2;
	for (int i = 0; i < nsz; i++) {
		sizes[i] = atoi(argv[optind + 2 + i]);
		if (sizes[i] < 0 || sizes[i] > MAX_N)
			return usage();
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	if (vss_req_open(&req)) {
		fprintf(stderr, "vssproto: vss family not found\n");
		return 1;
	}
	for (int r = 0; r < reps; r++) {
		for (int k = 0; k < nsz; k++) {
			int i = (k + r) % nsz;

			if (one_run(&req, vol, sizes[i], procs, &t_do[i][r], &t_seq[i][r])) {
				writers_stop();
				return 1;
			}
			printf("rep %d n %d do_us %lld seq_us %lld events %ld\n", r, sizes[i],
			       (long long)(t_do[i][r] / 1000), (long long)(t_seq[i][r] / 1000),
			       sh->events);
			fflush(stdout);
		}
	}
	for (int i = 0; i < nsz; i++)
		printf("n %d do_ms %.3f seq_ms %.3f\n", sizes[i], median_ms(t_do[i], reps),
		       median_ms(t_seq[i], reps));
	vss_req_close(&req);
	return 0;
}
