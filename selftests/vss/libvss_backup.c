// SPDX-License-Identifier: GPL-2.0
/*
 * A full backup driven through libvss against the real module: a requester
 * (this process) and two writers, front-end and back-end, each in its own
 * process with its own context, answering from libvss callbacks. The same
 * backup three ways (blocking libvss_async_wait(), the requester's own
 * poll() loop, the requester's own io_uring), and a cancel during a slow
 * Freeze. Each writer records every callback in shared memory: the exact
 * event order, the set id each event carries and what
 * libvss_writer_current_set_id() said inside it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/wait.h>

#include <libvss.h>
#include <libvss-uring.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_proto.h"

#define FULL_BACKUP	"identify prepare-backup prepare-snapshot freeze thaw " \
			"post-snapshot backup-complete backup-shutdown"
#define MAX_EVENTS	32
#define OP_TIMEOUT_MS	60000

struct rec {
	uint32_t type, session_id, backup_type, nr_volumes;
	int has_set_id;
	uint8_t set_id[16];
	int cur_ret;			/* libvss_writer_current_set_id() */
	uint8_t cur_id[16];
	uint64_t order;			/* vss_order_next(), test-wide */
	char document[64];
};

/* One writer process; lives in shared memory. */
struct tw {
	char name[32];
	uint32_t level;
	uint32_t freeze_delay_ms;	/* on_freeze sleeps this long */
	char metadata[64];
	pid_t pid;
	volatile uint32_t writer_id;
	volatile int ready;		/* 1 registered, <0 -errno */
	volatile int nr;
	struct rec ev[MAX_EVENTS];
};

static uint32_t record(struct libvss_writer *w, const struct libvss_event *ev,
		       void *data)
{
	struct tw *t = data;
	struct rec *r;
	const uint8_t *set = libvss_event_set_id(ev);
	int i = t->nr;

	if (i == MAX_EVENTS)
		return VSS_WRITER_FAILURE_NON_RETRYABLE;
	r = &t->ev[i];
	r->type = libvss_event_type(ev);
	r->session_id = libvss_event_session_id(ev);
	r->backup_type = libvss_event_backup_type(ev);
	r->nr_volumes = libvss_event_volume_count(ev);
	r->has_set_id = set != NULL;
	if (set)
		memcpy(r->set_id, set, 16);
	r->cur_ret = libvss_writer_current_set_id(w, r->cur_id);
	if (libvss_event_document(ev))
		snprintf(r->document, sizeof(r->document), "%s",
			 libvss_event_document(ev));
	r->order = vss_order_next();
	__atomic_store_n(&t->nr, i + 1, __ATOMIC_SEQ_CST);
	if (r->type == VSS_EVENT_PRE_RESTORE || r->type == VSS_EVENT_POST_RESTORE) {
		char doc[64];

		snprintf(doc, sizeof(doc), "{\"%s\":\"%s\"}", t->name,
			 libvss_event_name(r->type));
		if (libvss_writer_set_restore_status(w, doc))
			return VSS_WRITER_FAILURE_NON_RETRYABLE;
	}
	if (r->type == VSS_EVENT_FREEZE && t->freeze_delay_ms)
		usleep(t->freeze_delay_ms * 1000);
	return VSS_WRITER_FAILURE_NONE;
}

static const struct libvss_writer_ops record_ops = {
	.on_identify = record, .on_prepare_backup = record,
	.on_prepare_snapshot = record, .on_freeze = record, .on_thaw = record,
	.on_post_snapshot = record, .on_abort = record,
	.on_backup_complete = record, .on_backup_shutdown = record,
	.on_pre_restore = record, .on_post_restore = record,
};

static void __attribute__((noreturn)) tw_run(struct tw *t)
{
	uint8_t class_id[16], instance_id[16];
	struct libvss_writer *w;
	struct libvss_ctx *ctx;
	struct pollfd pfd = { .events = POLLIN };
	int err;

	err = libvss_open(&ctx);
	if (!err)
		err = libvss_writer_new(ctx, &record_ops, t, &w);
	if (!err)
		err = libvss_writer_set_metadata(w, t->metadata);
	if (!err && (getrandom(class_id, 16, 0) != 16 ||
		     getrandom(instance_id, 16, 0) != 16))
		err = -EIO;
	if (!err)
		err = libvss_writer_register(w, class_id, instance_id, t->name,
					     t->level);
	if (!err)
		err = libvss_fd(ctx) < 0 ? libvss_fd(ctx) : 0;
	if (err) {
		t->ready = err;
		_exit(1);
	}
	t->writer_id = libvss_writer_id(w);
	pfd.fd = libvss_fd(ctx);
	__atomic_store_n(&t->ready, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			_exit(2);
		if (libvss_process(ctx) < 0)
			_exit(3);
	}
}

static struct tw *tw_start(const char *name, uint32_t level,
			   uint32_t freeze_delay_ms)
{
	struct tw *t;
	pid_t pid;

	vss_order_next();	/* map the shared counter before the fork */
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->metadata, sizeof(t->metadata), "{\"writer\":\"%s\"}", name);
	t->level = level;
	t->freeze_delay_ms = freeze_delay_ms;
	/* Only the parent writes pid: the child shares the memory. */
	pid = fork();
	if (pid == 0)
		tw_run(t);
	t->pid = pid;
	for (int i = 0; i < 1000 && !t->ready; i++)
		usleep(10000);
	return t;
}

static void tw_free(struct tw *t)
{
	if (!t)
		return;
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
	}
	munmap(t, sizeof(*t));
}

static int tw_wait_count(struct tw *t, int n, int timeout_ms)
{
	for (int ms = 0; ms <= timeout_ms; ms += 10) {
		if (__atomic_load_n(&t->nr, __ATOMIC_SEQ_CST) >= n)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static const char *tw_seq(struct tw *t, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < t->nr && off < size; i++)
		off += snprintf(buf + off, size - off, "%s%s", off ? " " : "",
				libvss_event_name(t->ev[i].type));
	return buf;
}

static const struct rec *tw_find(struct tw *t, uint32_t type)
{
	for (int i = 0; i < t->nr; i++)
		if (t->ev[i].type == type)
			return &t->ev[i];
	return NULL;
}

static uint64_t order_of(struct tw *t, uint32_t type)
{
	const struct rec *r = tw_find(t, type);

	return r ? r->order : 0;
}

/* ---- three ways to wait for an operation ---- */

enum how { BLOCKING, POLL_LOOP, URING };

/* The requester's own poll() loop: only libvss_fd() and libvss_process(). */
static int wait_poll(struct libvss_ctx *ctx, struct libvss_async *a)
{
	struct pollfd pfd = { .fd = libvss_fd(ctx), .events = POLLIN };

	if (pfd.fd < 0)
		return pfd.fd;
	for (int ms = 0; libvss_async_status(a, NULL) == LIBVSS_ASYNC_PENDING;) {
		int n = poll(&pfd, 1, 100);

		if (n < 0)
			return -errno;
		if (n == 0 && (ms += 100) > OP_TIMEOUT_MS)
			return -ETIMEDOUT;
		if (n > 0 && libvss_process(ctx) < 0)
			return -EIO;
	}
	return 0;
}

/* The requester's own ring: one-shot polls from libvss-uring.h. */
static int wait_uring(struct io_uring *ring, struct libvss_ctx *ctx,
		      struct libvss_async *a)
{
	struct __kernel_timespec ts = { .tv_sec = OP_TIMEOUT_MS / 1000 };
	struct io_uring_cqe *cqe;
	int ret;

	while (libvss_async_status(a, NULL) == LIBVSS_ASYNC_PENDING) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			return -EBUSY;
		ret = libvss_uring_prep_poll(sqe, ctx, ctx);
		if (ret)
			return ret;
		ret = io_uring_submit(ring);
		if (ret != 1)
			return ret < 0 ? ret : -EIO;
		ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (ret)
			return ret;
		if (io_uring_cqe_get_data(cqe) != ctx)
			return -EPROTO;
		ret = libvss_uring_handle_cqe(ctx, cqe);
		io_uring_cqe_seen(ring, cqe);
		if (ret < 0)
			return ret;
	}
	return 0;
}

FIXTURE(lib) {
	struct vss_nl nl;
	struct vss_loopvol vol;
	struct libvss_ctx *ctx;
	struct tw *front, *back;
	struct io_uring ring;
	bool have_ring;
};

FIXTURE_SETUP(lib)
{
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_loopvol_setup(&self->nl, &self->vol, "lb", NULL));
	ASSERT_EQ(0, libvss_open(&self->ctx));
	self->front = tw_start("front", VSS_WRITER_LEVEL_FRONT_END, 0);
	self->back = tw_start("back", VSS_WRITER_LEVEL_BACK_END, 0);
	ASSERT_NE(NULL, self->front);
	ASSERT_NE(NULL, self->back);
	ASSERT_EQ(1, self->front->ready);
	ASSERT_EQ(1, self->back->ready);
}

FIXTURE_TEARDOWN(lib)
{
	tw_free(self->front);
	tw_free(self->back);
	if (self->have_ring)
		io_uring_queue_exit(&self->ring);
	libvss_close(self->ctx);
	EXPECT_EQ(0, vss_proto_wait_idle(&self->nl, 10000));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	vss_loopvol_teardown(&self->nl, &self->vol);
	vss_nl_close(&self->nl);
}

/*
 * Runs one operation: @start_call (which sets a), then waits for it the
 * chosen way; 0 if it finished with 0. A macro, so that the call is
 * sequenced before a is read.
 */
#define RUN(how, start_call)						\
	({ struct libvss_async *a = NULL;				\
	   int start_ret = (start_call);				\
	   finish(_metadata, self, how, start_ret, a); })

static int finish(struct __test_metadata *_metadata, FIXTURE_DATA(lib) *self,
		  enum how how, int start_ret, struct libvss_async *a)
{
	int ret, result = -1;

	EXPECT_EQ(0, start_ret);
	if (start_ret)
		return -1;
	switch (how) {
	case BLOCKING:
		ret = libvss_async_wait(a, OP_TIMEOUT_MS);
		break;
	case POLL_LOOP:
		ret = wait_poll(self->ctx, a);
		break;
	default:
		ret = wait_uring(&self->ring, self->ctx, a);
		break;
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(LIBVSS_ASYNC_FINISHED, libvss_async_status(a, &result));
	EXPECT_EQ(0, result);
	EXPECT_EQ(VSS_STATUS_SUCCESS, libvss_async_vss_status(a));
	EXPECT_EQ(NULL, libvss_async_message(a));
	libvss_async_free(a);
	return ret || result ? -1 : 0;
}

/* The tree's vssctl: this program is build/selftests/vss/ in the tree. */
static const char *vssctl_path(void)
{
	static char path[4096];
	char *slash;
	ssize_t n;
	int up;

	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n <= 0)
		return "vssctl";
	path[n] = '\0';
	for (up = 0; up < 4 && (slash = strrchr(path, '/')); up++)
		*slash = '\0';
	strcat(path, "/tools/vssctl/vssctl");
	return path;
}

/* What WRITER_GET and SESSION_GET say mid-backup, through libvss and vssctl. */
static void module_view(struct __test_metadata *_metadata,
			FIXTURE_DATA(lib) *self, uint32_t id)
{
	struct libvss_writer_list *wl;
	struct libvss_session *s;
	unsigned int i;

	ASSERT_EQ(0, libvss_writer_list(self->ctx, &wl));
	ASSERT_EQ(2, libvss_writer_list_count(wl));
	for (i = 0; i < 2; i++) {
		const struct libvss_writer_info *wi = libvss_writer_list_entry(wl, i);
		struct tw *t = libvss_writer_info_id(wi) == self->front->writer_id ?
			       self->front : self->back;

		EXPECT_STREQ(t->name, libvss_writer_info_name(wi));
		EXPECT_EQ(id, libvss_writer_info_session_id(wi));
		EXPECT_EQ(VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE,
			  libvss_writer_info_state(wi));
		EXPECT_EQ(60000, libvss_writer_info_freeze_timeout_ms(wi));
		EXPECT_NE(0, libvss_writer_info_portid(wi));
	}
	libvss_writer_list_free(wl);
	ASSERT_EQ(0, libvss_session_get(self->ctx, id, &s));
	EXPECT_EQ(VSS_SESSION_STATE_SNAPSHOT_DONE, libvss_session_state(s));
	EXPECT_EQ(VSS_SESSION_OP_NONE, libvss_session_op(s));
	EXPECT_EQ(VSS_BACKUP_TYPE_FULL, libvss_session_backup_type(s));
	EXPECT_NE(NULL, libvss_session_set_id(s));
	EXPECT_EQ(2, libvss_session_writer_count(s));
	libvss_session_free(s);
	/* vssctl's view of the same, from another process. */
	EXPECT_EQ(0, vss_sh("%s writer list | grep -q '^\"front\" id %u level front-end state waiting-for-backup-complete failure none session %u$'",
			    vssctl_path(), self->front->writer_id, id));
	EXPECT_EQ(0, vss_sh("%s writer status --session %u | grep -q '^    \"back\" id %u state waiting-for-backup-complete failure none selected$'",
			    vssctl_path(), id, self->back->writer_id));
}

static void full_backup(struct __test_metadata *_metadata,
			FIXTURE_DATA(lib) *self, enum how how)
{
	const char *doc = "{\"components\":[\"db\"]}";
	struct tw *tws[2] = { self->front, self->back };
	const struct libvss_snapset *set;
	struct libvss_backup *b;
	uint8_t set_id[16];
	const char *md;
	char seq[256];
	uint32_t id;

	ASSERT_EQ(0, libvss_backup_new(self->ctx, &b));
	id = libvss_backup_id(b);
	ASSERT_EQ(0, RUN(how, libvss_backup_gather_metadata(b, &a)));
	EXPECT_EQ(VSS_SESSION_STATE_METADATA_GATHERED, libvss_backup_state(b));
	ASSERT_EQ(2, libvss_backup_writer_count(b));
	for (int i = 0; i < 2; i++) {
		const struct libvss_writer_info *wi = libvss_backup_writer(b, i);
		struct tw *t = libvss_writer_info_id(wi) == self->front->writer_id ?
			       self->front : self->back;

		EXPECT_STREQ(t->name, libvss_writer_info_name(wi));
		EXPECT_EQ(t->level, libvss_writer_info_level(wi));
		EXPECT_EQ(VSS_WRITER_STATE_STABLE, libvss_writer_info_state(wi));
		ASSERT_EQ(0, libvss_backup_writer_metadata(b, t->writer_id, &md));
		EXPECT_STREQ(t->metadata, md);
	}

	ASSERT_EQ(0, libvss_backup_set_type(b, VSS_BACKUP_TYPE_FULL));
	ASSERT_EQ(0, libvss_backup_set_document(b, doc));
	ASSERT_EQ(0, RUN(how, libvss_backup_prepare(b, &a)));
	EXPECT_EQ(VSS_SESSION_STATE_PREPARED, libvss_backup_state(b));

	ASSERT_EQ(0, libvss_backup_start_snapshot_set(b));
	ASSERT_EQ(0, libvss_backup_add_volume(b, vss_loopvol_path(&self->vol)));
	ASSERT_EQ(0, RUN(how, libvss_backup_do_snapshot_set(b, VSS_SESSION_F_STRICT,
							     &a)));
	EXPECT_EQ(VSS_SESSION_STATE_SNAPSHOT_DONE, libvss_backup_state(b));
	set = libvss_backup_snapset(b);
	ASSERT_NE(NULL, set);
	memcpy(set_id, libvss_snapset_id(set), 16);
	ASSERT_EQ(1, libvss_snapset_count(set));
	EXPECT_STREQ(self->vol.dev + 5, libvss_snapset_entry_origin(set, 0));
	EXPECT_EQ(0, strncmp("vss-snap", libvss_snapset_entry_device(set, 0), 8));
	EXPECT_EQ(1, vss_snapshot_count(&self->nl));
	for (int i = 0; i < 2; i++) {
		const struct libvss_writer_info *wi = libvss_backup_writer(b, i);

		EXPECT_EQ(VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE,
			  libvss_writer_info_state(wi));
		EXPECT_EQ(VSS_WRITER_FAILURE_NONE, libvss_writer_info_failure(wi));
		EXPECT_EQ(1, libvss_writer_info_selected(wi));
	}
	module_view(_metadata, self, id);

	ASSERT_EQ(0, RUN(how, libvss_backup_complete(b, &a)));
	EXPECT_EQ(VSS_SESSION_STATE_BACKUP_COMPLETE, libvss_backup_state(b));
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(VSS_WRITER_STATE_STABLE,
			  libvss_writer_info_state(libvss_backup_writer(b, i)));
	libvss_backup_free(b);

	for (int i = 0; i < 2; i++) {
		struct tw *t = tws[i];

		ASSERT_EQ(0, tw_wait_count(t, 8, 10000));
		EXPECT_STREQ(FULL_BACKUP, tw_seq(t, seq, sizeof(seq)));
		for (int j = 0; j < t->nr; j++) {
			const struct rec *r = &t->ev[j];
			int in_set = r->type == VSS_EVENT_PREPARE_SNAPSHOT ||
				     r->type == VSS_EVENT_FREEZE ||
				     r->type == VSS_EVENT_THAW ||
				     r->type == VSS_EVENT_POST_SNAPSHOT;

			EXPECT_EQ(id, r->session_id);
			/* The set id: in the set's events and at shutdown. */
			EXPECT_EQ(in_set || r->type == VSS_EVENT_BACKUP_SHUTDOWN,
				  r->has_set_id);
			if (r->has_set_id)
				EXPECT_EQ(0, memcmp(set_id, r->set_id, 16));
			/* GetCurrentSnapshotSetId: exactly inside the set. */
			EXPECT_EQ(in_set ? 0 : -EBADFD, r->cur_ret);
			if (in_set)
				EXPECT_EQ(0, memcmp(set_id, r->cur_id, 16));
			EXPECT_EQ(r->type == VSS_EVENT_IDENTIFY ? VSS_BACKUP_TYPE_UNDEFINED :
				  VSS_BACKUP_TYPE_FULL, r->backup_type);
			EXPECT_EQ(in_set ? 1 : 0, r->nr_volumes);
		}
		EXPECT_STREQ(doc, tw_find(t, VSS_EVENT_PREPARE_BACKUP)->document);
	}
	/* Freeze front-end then back-end; Thaw back-end then front-end. */
	EXPECT_LT(order_of(self->front, VSS_EVENT_PREPARE_SNAPSHOT),
		  order_of(self->front, VSS_EVENT_FREEZE));
	EXPECT_LT(order_of(self->back, VSS_EVENT_PREPARE_SNAPSHOT),
		  order_of(self->front, VSS_EVENT_FREEZE));
	EXPECT_LT(order_of(self->front, VSS_EVENT_FREEZE),
		  order_of(self->back, VSS_EVENT_FREEZE));
	EXPECT_LT(order_of(self->back, VSS_EVENT_FREEZE),
		  order_of(self->back, VSS_EVENT_THAW));
	EXPECT_LT(order_of(self->back, VSS_EVENT_THAW),
		  order_of(self->front, VSS_EVENT_THAW));
	EXPECT_LT(order_of(self->front, VSS_EVENT_THAW),
		  order_of(self->back, VSS_EVENT_POST_SNAPSHOT));
	/* Auto-release: gone with the session, before BackupShutdown. */
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
}

TEST_F_TIMEOUT(lib, full_backup_blocking_wait_exact_events, 180)
{
	full_backup(_metadata, self, BLOCKING);
}

TEST_F_TIMEOUT(lib, full_backup_through_poll_of_libvss_fd, 180)
{
	full_backup(_metadata, self, POLL_LOOP);
}

TEST_F_TIMEOUT(lib, full_backup_through_io_uring, 180)
{
	ASSERT_EQ(0, io_uring_queue_init(8, &self->ring, 0));
	self->have_ring = true;
	full_backup(_metadata, self, URING);
}

TEST_F_TIMEOUT(lib, cancel_during_slow_freeze_aborts_everyone, 180)
{
	struct libvss_backup *b;
	struct libvss_async *a;
	char seq[256];
	int result = 0;

	/* A front-end writer that takes 3 s to freeze: the cancel lands inside. */
	tw_free(self->front);
	self->front = tw_start("slow-front", VSS_WRITER_LEVEL_FRONT_END, 3000);
	ASSERT_NE(NULL, self->front);
	ASSERT_EQ(1, self->front->ready);

	ASSERT_EQ(0, libvss_backup_new(self->ctx, &b));
	ASSERT_EQ(0, RUN(BLOCKING, libvss_backup_gather_metadata(b, &a)));
	ASSERT_EQ(0, RUN(BLOCKING, libvss_backup_prepare(b, &a)));
	ASSERT_EQ(0, libvss_backup_add_volume(b, vss_loopvol_path(&self->vol)));
	ASSERT_EQ(0, libvss_backup_do_snapshot_set(b, 0, &a));
	ASSERT_EQ(0, tw_wait_count(self->front, 4, 20000));
	ASSERT_EQ(VSS_EVENT_FREEZE, self->front->ev[3].type);

	EXPECT_EQ(LIBVSS_ASYNC_PENDING, libvss_async_status(a, &result));
	ASSERT_EQ(0, libvss_async_cancel(a));
	ASSERT_EQ(0, libvss_async_wait(a, OP_TIMEOUT_MS));
	EXPECT_EQ(LIBVSS_ASYNC_CANCELLED, libvss_async_status(a, &result));
	EXPECT_EQ(-ECANCELED, result);
	EXPECT_EQ(VSS_STATUS_CANCELLED, libvss_async_vss_status(a));
	EXPECT_EQ(-EALREADY, libvss_async_cancel(a));
	libvss_async_free(a);
	EXPECT_EQ(VSS_SESSION_STATE_ABORTED, libvss_backup_state(b));
	EXPECT_EQ(NULL, libvss_backup_snapset(b));
	/* Nothing to complete: the kernel says bad state, with its status. */
	EXPECT_EQ(-EBADFD, libvss_backup_complete(b, &a));
	EXPECT_EQ(VSS_STATUS_BAD_STATE, libvss_ext_status(self->ctx));
	EXPECT_NE(NULL, libvss_ext_error(self->ctx));
	libvss_backup_free(b);

	ASSERT_EQ(0, tw_wait_count(self->front, 6, 20000));
	ASSERT_EQ(0, tw_wait_count(self->back, 5, 20000));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot freeze abort backup-shutdown",
		     tw_seq(self->front, seq, sizeof(seq)));
	EXPECT_STREQ("identify prepare-backup prepare-snapshot abort backup-shutdown",
		     tw_seq(self->back, seq, sizeof(seq)));
	/* Abort ended the set's window: no current set id from then on. */
	EXPECT_EQ(-EBADFD, tw_find(self->front, VSS_EVENT_ABORT)->cur_ret);
	EXPECT_EQ(-EBADFD, tw_find(self->back, VSS_EVENT_ABORT)->cur_ret);
	/* Nothing left: no snapshot, no session (writers go in teardown). */
	EXPECT_EQ(0, vss_snapshot_count(&self->nl));
	EXPECT_EQ(0, vss_session_count(&self->nl));
	EXPECT_EQ(0, vss_sh("timeout 5 dd if=/dev/zero of=%s bs=4k count=1 oflag=direct status=none",
			    self->vol.dev));
}

TEST_F_TIMEOUT(lib, restore_session_restore_status_both_ways, 180)
{
	struct libvss_backup *b;
	const char *doc;
	char seq[256];

	ASSERT_EQ(-EINVAL, libvss_restore_new(self->ctx, NULL, &b));
	ASSERT_EQ(0, libvss_restore_new(self->ctx, "{\"saved\":1}", &b));
	ASSERT_EQ(0, RUN(BLOCKING, libvss_backup_gather_metadata(b, &a)));
	/* A restore session takes no PrepareForBackup. */
	EXPECT_EQ(-EBADFD, libvss_backup_prepare(b, &(struct libvss_async *){ 0 }));
	EXPECT_EQ(VSS_STATUS_BAD_STATE, libvss_ext_status(self->ctx));
	ASSERT_EQ(0, libvss_backup_set_document(b, "{\"restore\":[\"db\"]}"));
	ASSERT_EQ(0, RUN(BLOCKING, libvss_restore_pre(b, &a)));
	EXPECT_EQ(VSS_SESSION_STATE_PRE_RESTORED, libvss_backup_state(b));
	ASSERT_EQ(0, libvss_backup_writer_restore_status(b, self->back->writer_id,
							 &doc));
	EXPECT_STREQ("{\"back\":\"pre-restore\"}", doc);
	ASSERT_EQ(0, RUN(BLOCKING, libvss_restore_post(b, &a)));
	EXPECT_EQ(VSS_SESSION_STATE_POST_RESTORED, libvss_backup_state(b));
	ASSERT_EQ(0, libvss_backup_writer_restore_status(b, self->front->writer_id,
							 &doc));
	EXPECT_STREQ("{\"front\":\"post-restore\"}", doc);
	libvss_backup_free(b);
	for (int i = 0; i < 2; i++) {
		struct tw *t = i ? self->back : self->front;

		ASSERT_EQ(0, tw_wait_count(t, 4, 10000));
		EXPECT_STREQ("identify pre-restore post-restore backup-shutdown",
			     tw_seq(t, seq, sizeof(seq)));
		EXPECT_STREQ("{\"restore\":[\"db\"]}",
			     tw_find(t, VSS_EVENT_PRE_RESTORE)->document);
		/* No set in a restore: BackupShutdown's id is all zero. */
		EXPECT_TRUE(tw_find(t, VSS_EVENT_BACKUP_SHUTDOWN)->has_set_id);
		EXPECT_EQ(0, memcmp((uint8_t[16]){ 0 },
				    tw_find(t, VSS_EVENT_BACKUP_SHUTDOWN)->set_id, 16));
	}
}

TEST_HARNESS_MAIN
