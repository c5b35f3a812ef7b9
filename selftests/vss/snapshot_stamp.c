// SPDX-License-Identifier: GPL-2.0
/*
 * Sector stamping: the snapshot of a raw device under concurrent writers is
 * one consistent cut.
 *
 * Writer threads each stamp 512-byte sectors with O_DIRECT, one write at a
 * time, round a ring of slots of their own; a stamp says which sector,
 * which writer, which write of that writer, and carries a checksum. Every
 * write's submit and ack times (CLOCK_MONOTONIC) are recorded, as are the
 * times the create request was sent and its reply received. Six snapshots
 * are taken under the writers, and three of them deleted under the writers
 * (the middle one, the newest, the oldest). Each snapshot is read at once
 * after the reply; again and again while the writers go on, once the writes
 * in flight at the switch are acked (from then on the image must not
 * change); and at the end, after later snapshots, deletions and writes.
 * Every read must show:
 *   - only whole stamps of this run, each in its own sector (nothing torn);
 *   - per writer, a prefix of its writes: some write n such that every slot
 *     holds the writer's last write to it up to n (or the initial stamp);
 *   - every write acked before the request was sent;
 *   - no write submitted after the reply was received;
 *   - one instant across writers: if write A was acked before write B was
 *     submitted, and B is in the snapshot, so is A.
 *   - the same cut read at once after the reply as ever after: the writes
 *     in flight at the switch were drained before it.
 * The origin must end with every slot's last write. The race fixture
 * below makes the races these writers hit by chance certain. The variant
 * with a file storage proves the same of its copies, whose writes go before
 * the chunk is stored (snapshot reads of a chunk being stored wait for it).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/dm-ioctl.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_storage.h"

#define MiB		(1ULL << 20)
#define SECTOR		512
#define NR_WRITERS	4
#define SLOTS		256		/* per writer: a ring, rewritten often */
#define STRIDE		4096		/* slot s of writer w: sector w of block s */
#define REGION		((uint64_t)SLOTS * STRIDE)	/* 1 MiB */
#define MAX_WRITES	300000		/* per writer; far more than a run does */
#define NR_ROUNDS	6		/* snapshots taken under the writers */
#define MIN_WRITES	150		/* per writer, before and after each snapshot */
#define STAMP_MAGIC	0x706d617473737621ULL	/* "!vssstamp" */

struct stamp {
	uint64_t magic;
	uint64_t nonce;		/* this run's: nothing older can pass */
	uint64_t sector;	/* where it was written, in 512-byte sectors */
	uint32_t writer;
	uint32_t pad;
	uint64_t seq;		/* the writer's write number, 1..; 0: initial */
	uint64_t fill[(SECTOR - 48) / 8];
	uint64_t csum;		/* FNV-1a 64 of everything before it */
};

_Static_assert(sizeof(struct stamp) == SECTOR, "a stamp is one sector");

struct writer {
	pthread_t thread;
	int index;
	int fd;
	uint64_t nonce;
	volatile bool *stop;
	uint64_t *t_sub;	/* [seq]: just before pwrite() */
	uint64_t *t_ack;	/* [seq]: just after it returned */
	uint64_t submitted;	/* writes submitted (atomic): t_sub is set */
	uint64_t done;		/* writes acked (atomic): t_ack is set */
	int err;
};

/* One snapshot of the run, with its request's times and its cut. */
struct round {
	struct vss_set set;
	uint64_t t_send, t_reply;
	uint64_t cut[NR_WRITERS];
	bool deleted;
};

/*
 * Snapshots deleted under the writers, after round r: the middle of three,
 * then the newest, then the oldest. Rounds 2, 4 and 5 survive to the end.
 */
static const int delete_after[] = { -1, -1, 1, 3, 0, -1 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t fnv1a(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static uint64_t slot_offset(int w, uint64_t slot)
{
	return slot * STRIDE + (uint64_t)w * SECTOR;
}

/* Slot of a writer's write seq (1..). */
static uint64_t seq_slot(uint64_t seq)
{
	return (seq - 1) % SLOTS;
}

/* The writer's last write to slot up to write n; 0 if none (initial stamp). */
static uint64_t last_write(uint64_t slot, uint64_t n)
{
	if (n < slot + 1)
		return 0;
	return slot + 1 + (n - slot - 1) / SLOTS * SLOTS;
}

static void stamp_make(struct stamp *st, uint64_t nonce, int w, uint64_t slot,
		       uint64_t seq)
{
	size_t i;

	st->magic = STAMP_MAGIC;
	st->nonce = nonce;
	st->sector = slot_offset(w, slot) / SECTOR;
	st->writer = w;
	st->pad = 0;
	st->seq = seq;
	for (i = 0; i < sizeof(st->fill) / 8; i++)
		st->fill[i] = (seq * 0x9e3779b97f4a7c15ULL) ^ (st->sector << 20) ^ i;
	st->csum = fnv1a(st, offsetof(struct stamp, csum));
}

static void *writer_fn(void *arg)
{
	struct writer *wr = arg;
	struct stamp *st;
	uint64_t seq;

	if (posix_memalign((void **)&st, 4096, SECTOR)) {
		wr->err = ENOMEM;
		return NULL;
	}
	for (seq = 1; seq < MAX_WRITES && !*wr->stop; seq++) {
		stamp_make(st, wr->nonce, wr->index, seq_slot(seq), seq);
		wr->t_sub[seq] = now_ns();
		__atomic_store_n(&wr->submitted, seq, __ATOMIC_RELEASE);
		if (pwrite(wr->fd, st, SECTOR, slot_offset(wr->index, seq_slot(seq))) !=
		    SECTOR) {
			wr->err = errno ?: EIO;
			break;
		}
		wr->t_ack[seq] = now_ns();
		__atomic_store_n(&wr->done, seq, __ATOMIC_RELEASE);
	}
	free(st);
	return NULL;
}

static uint64_t writes_done(struct writer *wr)
{
	return __atomic_load_n(&wr->done, __ATOMIC_ACQUIRE);
}

static uint64_t writes_submitted(struct writer *wr)
{
	return __atomic_load_n(&wr->submitted, __ATOMIC_ACQUIRE);
}

/* Waits until every writer has acked write `n` or more; false on failure. */
static bool wait_writes(struct writer *wr, const uint64_t *n)
{
	int w, i;

	for (i = 0; i < 120000; i++) {
		for (w = 0; w < NR_WRITERS; w++)
			if (wr[w].err || writes_done(&wr[w]) < n[w])
				break;
		if (w == NR_WRITERS)
			return true;
		if (wr[w].err)
			return false;
		usleep(1000);
	}
	return false;
}

/*
 * Reads the region of dev and finds each writer's cut: cut[w] is the
 * writer's last write the image holds. Returns NULL if it is all right, or
 * what is wrong (msg holds the details).
 */
static const char *check_image(const char *dev, uint64_t nonce, void *buf,
			       uint64_t *cut, char *msg, size_t msgsz)
{
	uint64_t seq[NR_WRITERS][SLOTS];
	int fd, w;
	uint64_t s;

	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0)
		return "cannot open the device";
	if (pread(fd, buf, REGION, 0) != (ssize_t)REGION) {
		close(fd);
		return "cannot read the device";
	}
	close(fd);
	for (w = 0; w < NR_WRITERS; w++) {
		cut[w] = 0;
		for (s = 0; s < SLOTS; s++) {
			const struct stamp *st = (const void *)((char *)buf + slot_offset(w, s));

			if (st->magic != STAMP_MAGIC || st->nonce != nonce ||
			    st->csum != fnv1a(st, offsetof(struct stamp, csum)) ||
			    st->sector != slot_offset(w, s) / SECTOR ||
			    st->writer != (uint32_t)w ||
			    (st->seq && seq_slot(st->seq) != s)) {
				snprintf(msg, msgsz, "writer %d slot %llu: magic %llx sector %llu "
					 "writer %u seq %llu", w, (unsigned long long)s,
					 (unsigned long long)st->magic,
					 (unsigned long long)st->sector, st->writer,
					 (unsigned long long)st->seq);
				return "a sector holds no whole stamp of its own (torn or misplaced)";
			}
			seq[w][s] = st->seq;
			if (st->seq > cut[w])
				cut[w] = st->seq;
		}
		for (s = 0; s < SLOTS; s++)
			if (seq[w][s] != last_write(s, cut[w])) {
				snprintf(msg, msgsz, "writer %d slot %llu holds write %llu, "
					 "its last write up to %llu is %llu", w,
					 (unsigned long long)s, (unsigned long long)seq[w][s],
					 (unsigned long long)cut[w],
					 (unsigned long long)last_write(s, cut[w]));
				return "a writer's writes in the image are not a prefix";
			}
	}
	return NULL;
}

/*
 * The cut against the times of the writes and of the create request. Call
 * it after reading the image: a write the image holds was submitted by then.
 * A write in flight (submitted, not acked) may be in the image or not.
 */
static const char *check_cut(struct writer *wr, const struct round *r,
			     const uint64_t *cut, char *msg, size_t msgsz)
{
	uint64_t min_absent_ack = UINT64_MAX, max_present_sub = 0;
	int w, aw = 0, pw = 0;

	for (w = 0; w < NR_WRITERS; w++) {
		uint64_t sub = writes_submitted(&wr[w]), n = writes_done(&wr[w]), j;

		if (cut[w] > sub) {
			snprintf(msg, msgsz, "writer %d: write %llu present, %llu submitted",
				 w, (unsigned long long)cut[w], (unsigned long long)sub);
			return "a write not yet submitted is in the snapshot";
		}
		/* Times only grow along a writer's writes: look at the edges. */
		if (cut[w] < n && wr[w].t_ack[cut[w] + 1] < r->t_send) {
			for (j = cut[w] + 1; j < n && wr[w].t_ack[j + 1] < r->t_send; j++)
				;
			snprintf(msg, msgsz, "writer %d: cut at write %llu, writes up to "
				 "%llu acked %llu ns before the request", w,
				 (unsigned long long)cut[w], (unsigned long long)j,
				 (unsigned long long)(r->t_send - wr[w].t_ack[cut[w] + 1]));
			return "a write acked before the request was sent is missing";
		}
		if (cut[w] && wr[w].t_sub[cut[w]] > r->t_reply) {
			snprintf(msg, msgsz, "writer %d: write %llu submitted %llu ns "
				 "after the reply", w, (unsigned long long)cut[w],
				 (unsigned long long)(wr[w].t_sub[cut[w]] - r->t_reply));
			return "a write submitted after the reply is in the snapshot";
		}
		if (cut[w] < n && wr[w].t_ack[cut[w] + 1] < min_absent_ack) {
			min_absent_ack = wr[w].t_ack[cut[w] + 1];
			aw = w;
		}
		if (cut[w] && wr[w].t_sub[cut[w]] > max_present_sub) {
			max_present_sub = wr[w].t_sub[cut[w]];
			pw = w;
		}
	}
	if (min_absent_ack < max_present_sub) {
		snprintf(msg, msgsz, "writer %d's write %llu (absent) was acked %llu ns "
			 "before writer %d's write %llu (present) was submitted",
			 aw, (unsigned long long)cut[aw] + 1,
			 (unsigned long long)(max_present_sub - min_absent_ack),
			 pw, (unsigned long long)cut[pw]);
		return "the cut is not one instant across writers";
	}
	return NULL;
}

/* Writes in flight across the request: the snapshot may or may not hold them. */
static unsigned int in_flight(struct writer *wr, const struct round *r)
{
	unsigned int n = 0;
	uint64_t j;
	int w;

	for (w = 0; w < NR_WRITERS; w++)
		for (j = 1; j <= writes_done(&wr[w]); j++)
			n += wr[w].t_sub[j] < r->t_reply && wr[w].t_ack[j] > r->t_send;
	return n;
}

/*
 * Reads a snapshot and checks that it is a cut (into cut). Returns NULL, or
 * what is wrong (msg holds the details). A read that fails the checks is
 * read again, for the log: a second read that passes means the first one
 * returned, for a moment, a write made after the snapshot.
 */
static const char *read_snapshot(struct __test_metadata *_metadata,
				 struct writer *wr, const struct round *rd,
				 uint64_t nonce, void *buf, uint64_t *cut,
				 char *msg, size_t msgsz)
{
	const char *dev = rd->set.device[0], *why, *again;
	uint64_t cut2[NR_WRITERS];
	char msg2[256];

	why = check_image(dev, nonce, buf, cut, msg, msgsz);
	if (!why)
		why = check_cut(wr, rd, cut, msg, msgsz);
	if (!why)
		return NULL;
	again = check_image(dev, nonce, buf, cut2, msg2, sizeof(msg2));
	if (!again)
		again = check_cut(wr, rd, cut2, msg2, sizeof(msg2));
	TH_LOG("%s: %s: %s; read again: %s%s%s", dev, why, msg,
	       again ?: "a cut (the first read saw a transient state)",
	       again ? ": " : "", again ? msg2 : "");
	return why;
}

FIXTURE(stamp) {
	struct vss_nl nl;
	char dev[64];
	char img[64];
	bool brd;
	bool storage;
	char stdir[64];		/* a file storage's directory, its own ext4 */
	char stdev[64];
	void *buf;
	struct writer wr[NR_WRITERS];
	struct round round[NR_ROUNDS];
};

FIXTURE_VARIANT(stamp) {
	const char *kind;	/* "loop", "brd" or "virtio" */
	unsigned int chunk;
	bool file_storage;	/* else memory */
};

/* blk-mq, a file behind it. */
FIXTURE_VARIANT_ADD(stamp, loop) {
	.kind = "loop",
	.chunk = 65536,
};

/* bio-based; the smallest chunk: one per slot row. */
FIXTURE_VARIANT_ADD(stamp, brd) {
	.kind = "brd",
	.chunk = 4096,
};

/* blk-mq with a real device's queue (the VM's scratch disk). */
FIXTURE_VARIANT_ADD(stamp, virtio) {
	.kind = "virtio",
	.chunk = 16384,
};

/* The same with a file storage: its copies are stored behind the writes. */
FIXTURE_VARIANT_ADD(stamp, virtio_file_storage) {
	.kind = "virtio",
	.chunk = 4096,
	.file_storage = true,
};

FIXTURE_SETUP(stamp)
{
	if (!strcmp(variant->kind, "virtio")) {
		if (vss_scratch_disk(self->dev, sizeof(self->dev)))
			SKIP(return, "no virtio disk with serial vss-scratch "
			     "(selftests/vm/run.sh --scratch-disk; make vm-test passes one)");
	} else if (!strcmp(variant->kind, "brd")) {
		ASSERT_EQ(0, vss_brd_setup(REGION / MiB));
		self->brd = true;
		snprintf(self->dev, sizeof(self->dev), "/dev/ram0");
	} else {
		ASSERT_EQ(0, vss_sh("modprobe loop"));
		snprintf(self->img, sizeof(self->img), "/tmp/vss-stamp-%d.img", getpid());
		ASSERT_EQ(0, vss_sh("truncate -s %llu %s", (unsigned long long)REGION,
				    self->img));
		ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
					"losetup --find --show %s", self->img));
	}
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	if (variant->file_storage) {
		snprintf(self->stdir, sizeof(self->stdir), "/tmp/vss-stamp-st-%d", getpid());
		ASSERT_EQ(0, vss_sh("truncate -s 48M %s.img && mkfs.ext4 -q %s.img && mkdir %s",
				    self->stdir, self->stdir, self->stdir));
		ASSERT_EQ(0, vss_sh_out(self->stdev, sizeof(self->stdev),
					"losetup --find --show %s.img", self->stdir));
		ASSERT_EQ(0, vss_sh("mount %s %s", self->stdev, self->stdir));
		ASSERT_EQ(0, vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE,
						self->stdir, 32 * MiB, variant->chunk, NULL, 0));
	} else {
		ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, 32 * MiB, variant->chunk));
	}
	self->storage = true;
	ASSERT_EQ(0, posix_memalign(&self->buf, 4096, REGION));
}

/* In the parent: see snapshot_busy_fs.c. No socket or heap of the test's. */
FIXTURE_TEARDOWN_PARENT(stamp)
{
	struct vss_nl nl;

	if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
		TH_LOG("no netlink socket to clean up with");
	vss_snapshot_delete(&nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	if (self->storage)
		EXPECT_EQ(0, vss_storage_remove(&nl, self->dev));
	vss_nl_close(&nl);
	if (self->stdir[0])
		vss_sh("umount %s; rmdir %s; losetup -d %s; rm -f %s.img", self->stdir,
		       self->stdir, self->stdev, self->stdir);
	if (self->brd)
		vss_brd_teardown();
	else if (self->img[0])
		vss_sh("losetup -d %s; rm -f %s", self->dev, self->img);
}

/* Initial stamps (write 0) in every slot, so that every sector must hold one. */
static int write_initial(const char *dev, uint64_t nonce, void *buf)
{
	int fd, w, ok;
	uint64_t s;

	memset(buf, 0, REGION);
	for (w = 0; w < NR_WRITERS; w++)
		for (s = 0; s < SLOTS; s++) {
			struct stamp *st = (void *)((char *)buf + slot_offset(w, s));

			stamp_make(st, nonce, w, s, 0);
		}
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0)
		return -errno;
	ok = pwrite(fd, buf, REGION, 0) == (ssize_t)REGION;
	close(fd);
	return ok ? 0 : -EIO;
}

TEST_F_TIMEOUT(stamp, snapshot_is_one_consistent_cut_of_concurrent_writers, 300)
{
	const char *vols[] = { self->dev };
	uint64_t nonce, want[NR_WRITERS], cut[NR_WRITERS], first[NR_WRITERS];
	uint64_t in_flight_at_reply[NR_WRITERS];
	volatile bool stop = false;
	const char *why = NULL;
	unsigned int reads;
	char msg[256];
	int w, r, err;

	nonce = now_ns() ^ ((uint64_t)getpid() << 32);
	ASSERT_EQ(0, write_initial(self->dev, nonce, self->buf));

	if (!strcmp(variant->kind, "brd") && vss_kernel_older(6, 9)) {
		/* brd has ->rw_page before 6.9: refused by design. */
		struct vss_set set;

		EXPECT_EQ(-EOPNOTSUPP, vss_snapshot_create(&self->nl, vols, 1,
							    VSS_SNAPSHOT_F_PERSISTENT, &set));
		EXPECT_STREQ(VSS_RW_PAGE_REFUSED_MSG, self->nl.ext_msg);
		SKIP(return, "brd has ->rw_page before 6.9: its snapshots are refused");
	}

	for (w = 0; w < NR_WRITERS; w++) {
		struct writer *wr = &self->wr[w];

		wr->index = w;
		wr->nonce = nonce;
		wr->stop = &stop;
		wr->t_sub = calloc(MAX_WRITES, sizeof(uint64_t));
		wr->t_ack = calloc(MAX_WRITES, sizeof(uint64_t));
		ASSERT_TRUE(wr->t_sub && wr->t_ack);
		wr->fd = open(self->dev, O_WRONLY | O_DIRECT);
		ASSERT_LE(0, wr->fd);
	}
	for (w = 0; w < NR_WRITERS; w++)
		ASSERT_EQ(0, pthread_create(&self->wr[w].thread, NULL, writer_fn,
					    &self->wr[w]));

	for (r = 0; r < NR_ROUNDS; r++) {
		struct round *rd = &self->round[r];

		/* Writers at work before the request... */
		for (w = 0; w < NR_WRITERS; w++)
			want[w] = writes_done(&self->wr[w]) + MIN_WRITES;
		if (!wait_writes(self->wr, want))
			break;
		rd->t_send = now_ns();
		err = vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT,
					  &rd->set);
		rd->t_reply = now_ns();
		if (err) {
			TH_LOG("round %d: create: %d %s", r, err, self->nl.ext_msg);
			break;
		}
		/* ... and after its reply: the snapshot, read at once, is a cut. */
		for (w = 0; w < NR_WRITERS; w++)
			in_flight_at_reply[w] = writes_submitted(&self->wr[w]);
		why = read_snapshot(_metadata, self->wr, rd, nonce, self->buf, first,
				    msg, sizeof(msg));
		/*
		 * Once the writes in flight at the switch are acked, the image
		 * is final: read again and again while the writers go on, it
		 * must be a cut, the same one each time.
		 */
		if (!why && !wait_writes(self->wr, in_flight_at_reply))
			why = "writers stalled";
		if (!why)
			why = read_snapshot(_metadata, self->wr, rd, nonce, self->buf,
					    rd->cut, msg, sizeof(msg));
		for (w = 0; w < NR_WRITERS; w++)
			want[w] = writes_done(&self->wr[w]) + MIN_WRITES;
		for (reads = 2; !why; reads++) {
			bool enough = true;

			for (w = 0; w < NR_WRITERS; w++)
				enough &= writes_done(&self->wr[w]) >= want[w];
			if (enough)
				break;
			why = read_snapshot(_metadata, self->wr, rd, nonce, self->buf, cut,
					    msg, sizeof(msg));
			if (!why && memcmp(cut, rd->cut, sizeof(cut))) {
				snprintf(msg, sizeof(msg), "read %u: writer 0 at %llu, was %llu",
					 reads, (unsigned long long)cut[0],
					 (unsigned long long)rd->cut[0]);
				why = "the snapshot changed while the writers went on";
			}
		}
		/*
		 * The switch drained the writes in flight at it: the image read
		 * at once is already the final one.
		 */
		if (!why && memcmp(first, rd->cut, sizeof(first))) {
			TH_LOG("round %d: read at once, cut at writes %llu %llu %llu %llu",
			       r, (unsigned long long)first[0], (unsigned long long)first[1],
			       (unsigned long long)first[2], (unsigned long long)first[3]);
			TH_LOG("a write in flight at the switch landed in the "
			       "snapshot after it was read");
			_metadata->exit_code = KSFT_FAIL;
		}
		if (!why && !wait_writes(self->wr, want))
			why = "writers stalled";
		TH_LOG("round %d: request %llu us, %u writes in flight across it, "
		       "cut at writes %llu %llu %llu %llu, read %u times%s%s",
		       r, (unsigned long long)(rd->t_reply - rd->t_send) / 1000,
		       in_flight(self->wr, rd),
		       (unsigned long long)rd->cut[0], (unsigned long long)rd->cut[1],
		       (unsigned long long)rd->cut[2], (unsigned long long)rd->cut[3],
		       reads, why ? ": " : "", why ? msg : "");
		if (why)
			break;
		/* Chain changes under the writers: a merge while they copy. */
		if (delete_after[r] >= 0) {
			struct round *old = &self->round[delete_after[r]];

			err = vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, old->set.id[0], 16);
			if (err != 1) {
				why = "deleting a snapshot failed";
				break;
			}
			old->deleted = true;
		}
	}
	stop = true;
	for (w = 0; w < NR_WRITERS; w++) {
		pthread_join(self->wr[w].thread, NULL);
		close(self->wr[w].fd);
		EXPECT_EQ(0, self->wr[w].err);
	}
	/* Asserted only now: the writers must be stopped first. */
	ASSERT_EQ(NR_ROUNDS, r) {
		TH_LOG("round %d failed: %s", r, why ?: "writers stalled or create failed");
	}

	/*
	 * The survivors again at the end, after later snapshots, deletions
	 * and writes: still their own cut.
	 */
	for (r = 0; r < NR_ROUNDS; r++) {
		if (self->round[r].deleted)
			continue;
		why = read_snapshot(_metadata, self->wr, &self->round[r], nonce,
				    self->buf, cut, msg, sizeof(msg));
		if (!why && memcmp(cut, self->round[r].cut, sizeof(cut))) {
			snprintf(msg, sizeof(msg), "writer 0 at %llu, was %llu",
				 (unsigned long long)cut[0],
				 (unsigned long long)self->round[r].cut[0]);
			why = "the snapshot changed since its creation";
		}
		EXPECT_EQ(NULL, why) {
			TH_LOG("snapshot of round %d at the end: %s: %s", r, why, msg);
		}
	}
	EXPECT_EQ(3, vss_snapshot_count(&self->nl));

	/* The origin: every slot's last write. */
	why = check_image(self->dev, nonce, self->buf, cut, msg, sizeof(msg));
	EXPECT_EQ(NULL, why) {
		TH_LOG("origin: %s: %s", why, msg);
	}
	for (w = 0; w < NR_WRITERS; w++) {
		EXPECT_EQ(writes_done(&self->wr[w]), cut[w]);
		free(self->wr[w].t_sub);
		free(self->wr[w].t_ack);
	}
}

/*
 * Races the writers above hit by chance, made certain with a dm-delay
 * device over a loop device, which holds writes or reads; its status says
 * how many it holds, and a suspend lets them all go. What a snapshot
 * engine can promise for a write still in flight when the set is created
 * (submitted, not completed to the writer): the snapshot may hold it or
 * not; but every write completed before the request is in it, none
 * submitted after the reply is, and once published the snapshot never
 * changes: a read of it before the write lands and one after must agree.
 *
 * write_in_flight_*: the origin is the dm-delay device itself, the write
 * is held inside it: it passed the tracker (the origin had no snapshot
 * yet, or the newest one already had its chunk) and will land below it,
 * under the new snapshot's reads of the origin, unless the switch waits
 * for it. Freezing the dm device's queue does not: a bio-based device
 * holds its queue only while it maps a bio, not until the bio ends.
 *
 * write_held_above_origin: dm-delay stacked above the origin (a loop
 * device), as an application's own layer would be: the held write has not
 * reached the origin; when let go it is copied like any later write.
 *
 * origin_read_overtaken: a snapshot read that goes to the origin is slow. A
 * write w1 to its chunk copies the chunk and waits for that read; once the
 * copy is in the map, a second write w2 to the chunk must wait for the slow
 * read too. Both writes come after the snapshot: it must show neither.
 */
#define HOLD_MS		60000	/* writes: until a suspend lets them go */
#define READ_DELAY_MS	4000	/* reads: the copy's, then the snapshot's */
#define DELAY_BYTES	(4 * MiB)
#define CHUNK		65536
#define PIECES		(CHUNK / 4096)

enum race_kind { WRITE_IN_FLIGHT, ORIGIN_READ_OVERTAKEN };

FIXTURE(race) {
	char img[64];
	char loop[64];
	char dm[64];
	char dev[80];		/* the dm-delay device: the writes go here */
	const char *origin;	/* the snapshotted volume: dev, or loop below it */
	bool storage;
};

FIXTURE_VARIANT(race) {
	enum race_kind kind;
	bool older;	/* an older snapshot holds the chunk already */
	bool above;	/* dm-delay above the origin, not the origin */
};

FIXTURE_VARIANT_ADD(race, write_in_flight_at_first_snapshot) {
	.kind = WRITE_IN_FLIGHT,
};

FIXTURE_VARIANT_ADD(race, write_in_flight_chunk_held_by_older) {
	.kind = WRITE_IN_FLIGHT,
	.older = true,
};

FIXTURE_VARIANT_ADD(race, write_held_above_origin) {
	.kind = WRITE_IN_FLIGHT,
	.above = true,
};

FIXTURE_VARIANT_ADD(race, origin_read_overtaken_by_later_write) {
	.kind = ORIGIN_READ_OVERTAKEN,
};

FIXTURE_SETUP(race)
{
	unsigned int rd = 0, wr = 0;
	struct vss_nl nl;

	if (variant->kind == WRITE_IN_FLIGHT)
		wr = HOLD_MS;
	else
		rd = READ_DELAY_MS;
	ASSERT_EQ(0, vss_sh("modprobe loop && modprobe dm-delay"));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-race-%d.img", getpid());
	snprintf(self->dm, sizeof(self->dm), "vss-delay-%d", getpid());
	snprintf(self->dev, sizeof(self->dev), "/dev/mapper/%s", self->dm);
	ASSERT_EQ(0, vss_sh("truncate -s %llu %s", DELAY_BYTES, self->img));
	ASSERT_EQ(0, vss_sh_out(self->loop, sizeof(self->loop),
				"losetup --find --show %s", self->img));
	self->origin = variant->above ? self->loop : self->dev;
	/* Generation 1 below the delay: only the test's own I/O is held. */
	ASSERT_EQ(0, vss_write_gen(self->loop, 0, DELAY_BYTES, 1));
	/* No udev in the guest: no sync with it, and make the node ourselves. */
	ASSERT_EQ(0, vss_sh("dmsetup create --noudevsync %s --table "
			    "'0 %llu delay %s 0 %u %s 0 %u' && dmsetup mknodes %s",
			    self->dm, DELAY_BYTES / 512, self->loop, rd, self->loop,
			    wr, self->dm));
	ASSERT_EQ(0, vss_nl_open(&nl));
	ASSERT_EQ(0, vss_nl_resolve(&nl));
	ASSERT_EQ(0, vss_storage_add(&nl, self->origin, 16 * MiB, CHUNK));
	self->storage = true;
	vss_nl_close(&nl);
}

/* Lets every held I/O go: dm-delay flushes them when suspended. */
static int release_held(const char *dm)
{
	return vss_sh("dmsetup suspend --noudevsync --nolockfs %s && "
		      "dmsetup resume --noudevsync %s", dm, dm);
}

/* In the parent: see snapshot_busy_fs.c. */
FIXTURE_TEARDOWN_PARENT(race)
{
	struct vss_nl nl;

	release_held(self->dm);
	if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
		TH_LOG("no netlink socket to clean up with");
	vss_snapshot_delete(&nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	if (self->storage)
		EXPECT_EQ(0, vss_storage_remove(&nl, self->origin));
	vss_nl_close(&nl);
	vss_sh("dmsetup remove --noudevsync %s; rm -f %s; losetup -d %s; rm -f %s",
	       self->dm, self->dev, self->loop, self->img);
}

/*
 * How many reads or writes dm-delay holds now; -1 if unknown. Asked with
 * the DM_TABLE_STATUS ioctl: `dmsetup status` costs a process start, too
 * slow for the timers of a race.
 */
static int held(const char *dm, bool writes)
{
	union {
		struct dm_ioctl dmi;
		char buf[4096];
	} u;
	const struct dm_target_spec *t;
	unsigned int r, w;
	int fd, err;

	fd = open("/dev/mapper/control", O_RDWR);
	if (fd < 0)
		return -1;
	memset(&u, 0, sizeof(u));
	u.dmi.version[0] = DM_VERSION_MAJOR;
	u.dmi.data_size = sizeof(u);
	u.dmi.data_start = sizeof(u.dmi);
	snprintf(u.dmi.name, sizeof(u.dmi.name), "%s", dm);
	err = ioctl(fd, DM_TABLE_STATUS, &u.dmi);
	close(fd);
	if (err || u.dmi.target_count != 1)
		return -1;
	/* The target's status string follows its dm_target_spec. */
	t = (const void *)(u.buf + u.dmi.data_start);
	if (sscanf((const char *)(t + 1), "%u %u", &r, &w) != 2)
		return -1;
	return writes ? w : r;
}

/* Waits until dm-delay holds n reads or writes; false after ms. */
static bool wait_held(const char *dm, bool writes, int n, unsigned int ms)
{
	uint64_t deadline = now_ns() + ms * 1000000ULL;

	do {
		if (held(dm, writes) == n)
			return true;
		usleep(5000);
	} while (now_ns() < deadline);
	return false;
}

/* One I/O of a race, in a thread of its own, in chunk `chunk`. */
struct race_io {
	pthread_t thread;
	const char *dev;
	unsigned int chunk;
	uint64_t off;		/* in the chunk */
	uint32_t gen;		/* write 4 KiB of this generation, or 0: read */
	void *buf;		/* the chunk read */
	int err;
};

static void *race_io_fn(void *arg)
{
	struct race_io *io = arg;
	uint64_t at = (uint64_t)io->chunk * CHUNK;
	int fd;

	if (io->gen) {
		io->err = vss_write_gen(io->dev, at + io->off, 4096, io->gen);
	} else {
		fd = open(io->dev, O_RDONLY | O_DIRECT);
		io->err = fd < 0 || pread(fd, io->buf, CHUNK, at) != CHUNK;
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

static int race_read(const char *dev, unsigned int chunk, void *buf)
{
	struct race_io io = { .dev = dev, .chunk = chunk, .buf = buf };

	race_io_fn(&io);
	return io.err;
}

/* A chunk of the device is one 64 KiB block of vss_fill's pattern. */
_Static_assert(CHUNK == 65536, "vss_write_gen() blocks are 64 KiB");

/*
 * Which generation each 4 KiB of the chunk holds ('?' if none): 1 as
 * written over the whole device, 2 to 4 as written 4 KiB at a time.
 */
static void chunk_gens(unsigned int chunk, const void *buf, char *line)
{
	static char gen1[CHUNK], want[4096];
	const char *piece;
	int i, g;

	vss_fill(gen1, CHUNK, chunk, 1);
	for (i = 0; i < PIECES; i++) {
		piece = (const char *)buf + i * 4096;
		line[i] = '?';
		if (!memcmp(piece, gen1 + i * 4096, 4096))
			line[i] = '1';
		for (g = 2; g <= 4; g++) {
			vss_fill(want, 4096, chunk, g);
			if (!memcmp(piece, want, 4096))
				line[i] = '0' + g;
		}
	}
	line[i] = '\0';
}

static void log_gens(struct __test_metadata *_metadata, const char *what,
		     unsigned int chunk, const void *buf)
{
	char line[PIECES + 1];

	chunk_gens(chunk, buf, line);
	TH_LOG("%s: generation of each 4 KiB: %s", what, line);
}

struct race_create {
	pthread_t thread;
	struct vss_nl *nl;
	const char *dev;
	struct vss_set *set;
	int err;
	bool done;		/* atomic */
};

static void *race_create_fn(void *arg)
{
	struct race_create *c = arg;
	const char *vols[] = { c->dev };

	c->err = vss_snapshot_create(c->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, c->set);
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * write_in_flight, in chunk 0 (chunk 1 for the write after the reply):
 *   w1  gen 2 at 0, completed before the request (with an older snapshot,
 *       which copies the chunk for itself);
 *   w2  gen 3 at 32 KiB, held by dm-delay across the creation;
 *   w3  gen 4 at the start of chunk 1, submitted after the reply.
 * If the creation waits for w2 (a switch that drains the writes past its
 * interception), w2 is let go after a while. The snapshot is read (first),
 * then every held write let go and it is read again (later). Checks all
 * but "never changes", which it leaves to the caller: first and later.
 * Returns whether the race was run.
 */
static bool race_write_in_flight(struct __test_metadata *_metadata,
				 FIXTURE_DATA(race) *self, bool with_older,
				 struct vss_nl *nl, struct vss_set *set,
				 void *first, void *later)
{
	const char *vols[] = { self->origin };
	struct race_io w1 = { .dev = self->dev, .gen = 2 };
	struct race_io w2 = { .dev = self->dev, .off = 32768, .gen = 3 };
	struct race_io w3 = { .dev = self->dev, .chunk = 1, .gen = 4 };
	struct race_create c = { .nl = nl, .dev = self->origin, .set = set };
	char gens[PIECES + 1], want[PIECES + 1];
	struct vss_set older;
	uint64_t deadline;
	bool waited;
	void *after;

	/* w1: completed before the request; an older snapshot copies it. */
	if (with_older)
		ASSERT_EQ(0, vss_snapshot_create(nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT,
						 &older));
	ASSERT_EQ(0, pthread_create(&w1.thread, NULL, race_io_fn, &w1));
	EXPECT_TRUE(wait_held(self->dm, true, 1, 30000));
	release_held(self->dm);
	pthread_join(w1.thread, NULL);
	ASSERT_EQ(0, w1.err);
	EXPECT_EQ(with_older ? CHUNK : 0, vss_storage_used(nl, self->origin));

	/* w2, held by dm-delay across the creation. */
	ASSERT_EQ(0, pthread_create(&w2.thread, NULL, race_io_fn, &w2));
	EXPECT_TRUE(wait_held(self->dm, true, 1, 30000));
	EXPECT_EQ(0, pthread_create(&c.thread, NULL, race_create_fn, &c));
	if (_metadata->exit_code == KSFT_FAIL) {
		release_held(self->dm);
		pthread_join(w2.thread, NULL);
		return false;
	}
	/* Well inside the hold watchdog's 10 s. */
	deadline = now_ns() + 3000000000ULL;
	while (!__atomic_load_n(&c.done, __ATOMIC_ACQUIRE) && now_ns() < deadline)
		usleep(10000);
	waited = !__atomic_load_n(&c.done, __ATOMIC_ACQUIRE);
	if (waited) {
		TH_LOG("the creation waits for the write in flight: letting it go");
		release_held(self->dm);
	}
	pthread_join(c.thread, NULL);
	ASSERT_EQ(0, c.err) {
		TH_LOG("create: %s", nl->ext_msg);
		release_held(self->dm);
		pthread_join(w2.thread, NULL);
	}
	EXPECT_EQ(0, race_read(set->device[0], 0, first));

	/* w3, after the reply: the snapshot must not show it. */
	EXPECT_EQ(0, pthread_create(&w3.thread, NULL, race_io_fn, &w3));
	EXPECT_TRUE(wait_held(self->dm, true, waited ? 1 : 2, 30000));
	/* Everything lands now: w2 (unless it did already), then w3. */
	release_held(self->dm);
	pthread_join(w2.thread, NULL);
	pthread_join(w3.thread, NULL);
	EXPECT_EQ(0, w2.err);
	EXPECT_EQ(0, w3.err);
	EXPECT_EQ(0, race_read(set->device[0], 0, later));
	EXPECT_EQ(0, vss_check_gen(set->device[0], CHUNK, CHUNK, 1));

	/* w1 is in the snapshot, w2 may be: as first read. */
	chunk_gens(0, first, gens);
	memset(want, '1', PIECES);
	want[PIECES] = '\0';
	want[0] = '2';
	if (gens[8] == '3')
		want[8] = '3';
	EXPECT_STREQ(want, gens);
	if (waited)
		EXPECT_EQ('3', gens[8]);
	TH_LOG("the snapshot %s the write in flight at its creation",
	       gens[8] == '3' ? "holds" : "does not hold");

	/* The origin holds every write; the older snapshot none. */
	ASSERT_EQ(0, posix_memalign(&after, 4096, CHUNK));	/* O_DIRECT */
	EXPECT_EQ(0, race_read(self->dev, 0, after));
	chunk_gens(0, after, gens);
	EXPECT_STREQ("2111111131111111", gens);
	EXPECT_EQ(0, race_read(self->dev, 1, after));
	chunk_gens(1, after, gens);
	EXPECT_STREQ("4111111111111111", gens);
	free(after);
	if (with_older)
		EXPECT_EQ(0, vss_check_gen(older.device[0], 0, 2 * CHUNK, 1));
	return _metadata->exit_code != KSFT_FAIL;
}

/*
 * origin_read_overtaken, in chunk `chunk`: w1's copy read is held for
 * READ_DELAY_MS; halfway through, the snapshot's read r of the chunk is
 * held too; when the copy's read is let go, the copy goes into the map and
 * w2 follows. Timers decide the order: returns whether it came out as
 * planned (r still held when w2 was issued).
 */
static bool race_read_overtaken(FIXTURE_DATA(race) *self, const struct vss_set *set,
				unsigned int chunk, void *first)
{
	struct race_io w1 = { .dev = self->dev, .chunk = chunk, .gen = 2 };
	struct race_io w2 = { .dev = self->dev, .chunk = chunk, .off = 32768, .gen = 3 };
	struct race_io r = { .dev = set->device[0], .chunk = chunk, .buf = first };
	bool run = false;

	if (pthread_create(&w1.thread, NULL, race_io_fn, &w1))
		return false;
	if (wait_held(self->dm, false, 1, 30000)) {
		usleep(READ_DELAY_MS * 1000 / 2);
		if (!pthread_create(&r.thread, NULL, race_io_fn, &r)) {
			/* Both held; then the copy's read goes, r stays. */
			if (wait_held(self->dm, false, 2, READ_DELAY_MS / 2) &&
			    wait_held(self->dm, false, 1, 30000)) {
				usleep(300000);
				/* As planned if r is still held now. */
				run = held(self->dm, false) == 1;
				race_io_fn(&w2);
				run &= !w2.err;
			}
			pthread_join(r.thread, NULL);
		}
	}
	pthread_join(w1.thread, NULL);
	return run && !w1.err && !r.err;
}

TEST_F_TIMEOUT(race, published_snapshot_never_changes, 180)
{
	const char *vols[] = { self->origin };
	unsigned int chunk = 0, attempt;
	struct vss_set set;
	struct vss_nl nl;
	void *first, *later;
	bool run = false;

	ASSERT_EQ(0, vss_nl_open(&nl));
	ASSERT_EQ(0, vss_nl_resolve(&nl));
	ASSERT_EQ(0, posix_memalign(&first, 4096, CHUNK));
	ASSERT_EQ(0, posix_memalign(&later, 4096, CHUNK));

	if (variant->kind == WRITE_IN_FLIGHT) {
		run = race_write_in_flight(_metadata, self, variant->older, &nl, &set,
					   first, later);
	} else {
		ASSERT_EQ(0, vss_snapshot_create(&nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT,
						 &set));
		/* A slow host can upset the timers: a fresh chunk each try. */
		for (attempt = 0; attempt < 3 && !run; attempt++) {
			chunk = attempt;
			run = race_read_overtaken(self, &set, chunk, first);
		}
		/* Both writes came after the snapshot: it shows neither. */
		EXPECT_EQ(0, vss_check_gen(set.device[0], chunk * CHUNK, CHUNK, 1));
		EXPECT_EQ(0, vss_check_gen(self->dev, chunk * CHUNK, 4096, 2));
		if (run)
			EXPECT_EQ(0, race_read(set.device[0], chunk, later));
	}
	if (run && memcmp(first, later, CHUNK)) {
		log_gens(_metadata, "first read", chunk, first);
		log_gens(_metadata, "later read", chunk, later);
		EXPECT_EQ(0, memcmp(first, later, CHUNK)) {
			TH_LOG("the published snapshot changed");
		}
	}
	free(first);
	free(later);
	vss_nl_close(&nl);
	/* Without the race, passing proves nothing: say so. */
	if (!run && _metadata->exit_code == KSFT_PASS)
		SKIP(return, "the race did not come out as planned (a slow host?)");
}

TEST_HARNESS_MAIN
