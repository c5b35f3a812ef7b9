// SPDX-License-Identifier: GPL-2.0
/*
 * Changed-block tracking (Documentation/cbt.md): changes(S0 -> S1) against
 * more than one oracle.
 *
 *   - the test's own record of every block it wrote between the two
 *     instants (equal-byte rewrites, discards and write-zeroes included):
 *     all reported, and nothing else (single writer: the answer is exact,
 *     so any over-report is a failure here);
 *   - a full diff of two live snapshots, block by block: every differing
 *     block reported;
 *   - reconstruction: an image of S0 brought forward 26 times with only the
 *     reported extents of each next snapshot, compared byte for byte with a
 *     full read of it; then S0's image straight to the last (differential,
 *     S0 deleted long before);
 *   - the boundary race: 4 writers stamping sectors while 60 sets are
 *     taken: every sector that differs between consecutive snapshots is in
 *     the interval's changes, and every reported block did change;
 *   - boundaries (first and last block of a capacity that is not a multiple
 *     of the block, a write straddling two blocks, writes through the whole
 *     disk to a tracked partition) and lifecycle (reset, wrap, another
 *     origin's token, since newer than the snapshot, storage overflow,
 *     module reload), each ESTALE with its reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_cbt.h"
#include "../lib/vss_ops.h"

#define KiB		1024ULL
#define MiB		(1024ULL * KiB)
#define B		(64 * KiB)		/* the default tracking block */
/* Not a multiple of B: the last block is 12 KiB. */
#define DEV_BYTES	(16 * MiB + 12 * KiB)
#define NR_BLOCKS	((DEV_BYTES + B - 1) / B)
#define LIMIT_FILE	"/sys/kernel/debug/vss/cbt_epoch_limit"
#define SKIP_FILE	"/sys/kernel/debug/vss/cbt_skip_marks"

/* A set of tracking blocks. */
struct bits {
	uint8_t b[NR_BLOCKS];
};

static void bits_range(struct bits *s, uint64_t off, uint64_t len)
{
	uint64_t i;

	for (i = off / B; i <= (off + len - 1) / B; i++)
		s->b[i] = 1;
}

static unsigned int bits_count(const struct bits *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < NR_BLOCKS; i++)
		n += s->b[i];
	return n;
}

static int open_direct(const char *dev, int flags)
{
	return open(dev, flags | O_DIRECT);
}

static void *xalloc(size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, len))
		abort();
	return p;
}

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Writes fresh random bytes (O_DIRECT) and records the blocks. */
static int wr(const char *dev, uint64_t off, uint64_t len, struct bits *rec)
{
	uint64_t *buf = xalloc(len), i;
	int fd = open_direct(dev, O_WRONLY), ok;

	for (i = 0; i < len / 8; i++)
		buf[i] = rnd();
	ok = fd >= 0 && pwrite(fd, buf, len, off) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	free(buf);
	if (ok && rec)
		bits_range(rec, off, len);
	return ok ? 0 : -1;
}

/* Rewrites what is there, byte for byte: no content change, still a write. */
static int rewrite_same(const char *dev, uint64_t off, uint64_t len, struct bits *rec)
{
	void *buf = xalloc(len);
	int fd = open_direct(dev, O_RDWR), ok;

	ok = fd >= 0 && pread(fd, buf, len, off) == (ssize_t)len &&
	     pwrite(fd, buf, len, off) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	free(buf);
	if (ok)
		bits_range(rec, off, len);
	return ok ? 0 : -1;
}

static int blk_ioctl(const char *dev, unsigned long req, uint64_t off, uint64_t len,
		     struct bits *rec)
{
	uint64_t range[2] = { off, len };
	int fd = open(dev, O_WRONLY), err;

	if (fd < 0)
		return -1;
	err = ioctl(fd, req, range);
	close(fd);
	if (!err && rec)
		bits_range(rec, off, len);
	return err;
}

static int read_all(const char *dev, void *buf, uint64_t off, uint64_t len)
{
	int fd = open_direct(dev, O_RDONLY), ok;

	ok = fd >= 0 && pread(fd, buf, len, off) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* Blocks whose content differs between two devices, over [0, bytes). */
static int diff_blocks(const char *a, const char *b, uint64_t bytes, struct bits *d)
{
	uint8_t *x = xalloc(bytes), *y = xalloc(bytes);
	uint64_t i;
	int err;

	memset(d, 0, sizeof(*d));
	err = read_all(a, x, 0, bytes) || read_all(b, y, 0, bytes);
	for (i = 0; !err && i < bytes; i += B) {
		uint64_t n = bytes - i < B ? bytes - i : B;

		if (memcmp(x + i, y + i, n))
			d->b[i / B] = 1;
	}
	free(x);
	free(y);
	return err ? -1 : 0;
}

/*
 * Checks the documented shape (sorted, coalesced, B-aligned, the last one
 * clipped to the capacity) and turns extents into blocks; -1 if malformed.
 */
static int extents_to_bits(const struct vss_extent *e, unsigned int nr,
			   uint64_t capacity, struct bits *s)
{
	uint64_t prev_end = 0;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < nr; i++) {
		uint64_t end = e[i].off + e[i].len;

		if (!e[i].len || e[i].off % B || end > capacity ||
		    (end % B && end != capacity) || (i && e[i].off <= prev_end))
			return -1;
		bits_range(s, e[i].off, e[i].len);
		prev_end = end;
	}
	return 0;
}

/* Blocks in @want but not in @have. */
static unsigned int missing(const struct bits *want, const struct bits *have)
{
	unsigned int i, n = 0;

	for (i = 0; i < NR_BLOCKS; i++)
		if (want->b[i] && !have->b[i])
			n++;
	return n;
}

FIXTURE(cbt) {
	struct vss_nl nl;
	char dev[64];
	char img[64];
	char dev2[64];
	char img2[64];
};

static int loop_make(char *img, size_t isz, char *dev, size_t dsz, const char *tag)
{
	snprintf(img, isz, "/tmp/vss-cbt-%s-%d.img", tag, getpid());
	if (vss_sh("truncate -s %llu %s", DEV_BYTES, img))
		return -1;
	return vss_sh_out(dev, dsz, "losetup --find --show %s", img);
}

FIXTURE_SETUP(cbt)
{
	ASSERT_EQ(0, vss_sh("modprobe loop"));
	ASSERT_EQ(0, loop_make(self->img, sizeof(self->img), self->dev,
			       sizeof(self->dev), "a"));
	self->dev2[0] = '\0';
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	/* 4 KiB chunks: many snapshots' copies fit in memory storage. */
	ASSERT_EQ(0, vss_storage_add_tracked(&self->nl, self->dev, 48 * MiB, 4096, 0));
	/* Old content everywhere, so that discards and zeroes change it. */
	ASSERT_EQ(0, wr(self->dev, 0, DEV_BYTES, NULL));
}

FIXTURE_TEARDOWN(cbt)
{
	struct vss_nl nl;

	vss_sh("echo 65534 > " LIMIT_FILE " 2>/dev/null");
	vss_sh("echo 0 > " SKIP_FILE " 2>/dev/null");
	/* The module may have been reloaded: a fresh socket. */
	if (!vss_nl_open(&nl)) {
		if (!vss_nl_resolve(&nl)) {
			vss_snapshot_delete(&nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
			vss_storage_remove(&nl, self->dev);
			if (self->dev2[0])
				vss_storage_remove(&nl, self->dev2);
		}
		vss_nl_close(&nl);
	}
	vss_nl_close(&self->nl);
	vss_sh("losetup -d %s", self->dev);
	unlink(self->img);
	if (self->dev2[0]) {
		vss_sh("losetup -d %s", self->dev2);
		unlink(self->img2);
	}
}

static int snap(struct vss_nl *nl, const char *dev, struct vss_set *set,
		struct vss_token *tok)
{
	const char *vols[] = { dev };
	int err = vss_snapshot_create(nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, set);

	return err ? err : vss_snapshot_token(nl, set->id[0], tok);
}

static int changes_bits(struct vss_nl *nl, const uint8_t id[16],
			const struct vss_token *since, struct bits *s, unsigned int *nr)
{
	struct vss_extent *e;
	unsigned int n;
	int err;

	err = vss_changes(nl, id, since, 0, &e, &n);
	if (err)
		return err;
	err = extents_to_bits(e, n, DEV_BYTES, s);
	free(e);
	if (nr)
		*nr = n;
	return err;
}

TEST_F_TIMEOUT(cbt, written_and_differing_blocks_reported_exactly, 300)
{
	struct vss_token t0, t1, t2;
	struct bits w01 = {}, w12 = {}, got01, got12, got02, d, u;
	struct vss_set s0, s1, s2;
	struct vss_tracker_info ti;
	struct vss_extent *e;
	uint64_t bytes, count, sum = 0;
	unsigned int i, n;

	ASSERT_EQ(0, vss_tracker_get(&self->nl, self->dev, &ti));
	EXPECT_EQ(B, ti.block_bytes);
	EXPECT_EQ(DEV_BYTES, ti.capacity);
	EXPECT_EQ(VSS_STALE_GENERATION, ti.reason);

	ASSERT_EQ(0, snap(&self->nl, self->dev, &s0, &t0));
	EXPECT_EQ(DEV_BYTES, t0.capacity);
	EXPECT_EQ(B, t0.block_bytes);
	EXPECT_EQ(512, t0.logical_block);
	/* Between S0 and S1: every kind of write, at the edges too. */
	ASSERT_EQ(0, wr(self->dev, 0, 4096, &w01));			/* first block */
	ASSERT_EQ(0, wr(self->dev, DEV_BYTES - 4096, 4096, &w01));	/* last, partial */
	ASSERT_EQ(0, wr(self->dev, 10 * B - 2048, 4096, &w01));	/* straddles 9|10 */
	for (i = 0; i < 30; i++)
		ASSERT_EQ(0, wr(self->dev, (rnd() % (DEV_BYTES / 4096)) * 4096, 4096, &w01));
	ASSERT_EQ(0, rewrite_same(self->dev, 100 * B + 8192, 4096, &w01));
	ASSERT_EQ(0, blk_ioctl(self->dev, BLKDISCARD, 120 * B, 4 * B, &w01));
	ASSERT_EQ(0, blk_ioctl(self->dev, BLKZEROOUT, 140 * B + 4096, 2 * B, &w01));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s1, &t1));
	EXPECT_EQ(t0.epoch + 1, t1.epoch);
	EXPECT_EQ(0, memcmp(t0.generation, t1.generation, 16));
	/* After S1: the next interval's, never S1's. */
	ASSERT_EQ(0, wr(self->dev, 200 * B, 3 * B, &w12));
	ASSERT_EQ(0, wr(self->dev, 0, 4096, &w12));

	ASSERT_EQ(0, changes_bits(&self->nl, s1.id[0], &t0, &got01, &n));
	TH_LOG("S0->S1: %u blocks written, %u reported in %u extents",
	       bits_count(&w01), bits_count(&got01), n);
	EXPECT_EQ(0, missing(&w01, &got01));	/* no misses */
	EXPECT_EQ(0, missing(&got01, &w01));	/* exact: no over-report */
	ASSERT_EQ(0, diff_blocks(s0.device[0], s1.device[0], DEV_BYTES, &d));
	EXPECT_EQ(0, missing(&d, &got01));
	/* The equal-byte rewrite is reported although nothing differs there. */
	EXPECT_EQ(0, d.b[100]);
	EXPECT_EQ(1, got01.b[100]);
	/* The last extent ends at the capacity, not at a block boundary. */
	ASSERT_EQ(0, vss_changes(&self->nl, s1.id[0], &t0, 0, &e, &n));
	ASSERT_LT(0, n);
	EXPECT_EQ(DEV_BYTES, e[n - 1].off + e[n - 1].len);
	for (i = 0; i < n; i++)
		sum += e[i].len;
	/* The do's totals agree with the dump. */
	ASSERT_EQ(0, vss_changes_sum(&self->nl, s1.id[0], &t0, 0, &bytes, &count));
	EXPECT_EQ(sum, bytes);
	EXPECT_EQ(n, count);
	/* Resuming from an extent's end gives the rest, unchanged. */
	if (n > 2) {
		struct vss_extent *r;
		unsigned int rn;

		ASSERT_EQ(0, vss_changes(&self->nl, s1.id[0], &t0,
					 e[1].off + e[1].len, &r, &rn));
		ASSERT_EQ(n - 2, rn);
		EXPECT_EQ(0, memcmp(r, e + 2, rn * sizeof(*r)));
		free(r);
	}
	free(e);

	/* The next interval, and the differential as their union. */
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s2, &t2));
	ASSERT_EQ(0, changes_bits(&self->nl, s2.id[0], &t1, &got12, NULL));
	EXPECT_EQ(0, missing(&w12, &got12));
	EXPECT_EQ(0, missing(&got12, &w12));
	ASSERT_EQ(0, changes_bits(&self->nl, s2.id[0], &t0, &got02, NULL));
	for (i = 0; i < NR_BLOCKS; i++)
		u.b[i] = got01.b[i] | got12.b[i];
	EXPECT_EQ(0, missing(&u, &got02));
	EXPECT_EQ(0, missing(&got02, &u));
	/* S1's answer did not move with the writes after it. */
	ASSERT_EQ(0, changes_bits(&self->nl, s1.id[0], &t0, &got12, NULL));
	EXPECT_EQ(0, memcmp(&got01, &got12, sizeof(got01)));

	/* Since S1 itself: nothing. Since a newer snapshot: EINVAL, not-older. */
	ASSERT_EQ(0, changes_bits(&self->nl, s1.id[0], &t1, &d, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(-EINVAL, vss_changes_sum(&self->nl, s1.id[0], &t2, 0, &bytes, &count));
	EXPECT_EQ(0, strncmp(self->nl.ext_msg, "stale: not-older:", 17));
	EXPECT_EQ(1, self->nl.has_cookie8);
	EXPECT_EQ(VSS_COOKIE_STALE_REASON, self->nl.ext_kind);
	EXPECT_EQ(VSS_STALE_NOT_OLDER, self->nl.ext_value);
	ASSERT_EQ(0, vss_tracker_get(&self->nl, self->dev, &ti));
	EXPECT_EQ(t2.epoch + 1, ti.epoch);
	EXPECT_LT(0, ti.map_bytes);
	TH_LOG("tracker: %llu blocks marked, map %llu bytes",
	       (unsigned long long)ti.blocks_marked, (unsigned long long)ti.map_bytes);
}

/* Copies @e of @dev into @img (a buffer of the whole device). */
static int apply(const char *dev, const struct vss_extent *e, unsigned int n, uint8_t *img)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (read_all(dev, img + e[i].off, e[i].off, e[i].len))
			return -1;
	return 0;
}

static int same_as_device(const char *dev, const uint8_t *img)
{
	uint8_t *buf = xalloc(DEV_BYTES);
	int ret = read_all(dev, buf, 0, DEV_BYTES) ? -1 : memcmp(buf, img, DEV_BYTES) != 0;

	free(buf);
	return ret;
}

#define ROUNDS 26

TEST_F_TIMEOUT(cbt, reconstruction_26_incrementals_and_a_differential, 900)
{
	uint8_t *img = xalloc(DEV_BYTES), *img0 = xalloc(DEV_BYTES);
	struct vss_token t0, prev_t, t;
	struct vss_set prev, cur;
	uint64_t reported = 0, written = 0;
	struct vss_extent *e;
	struct bits w, got;
	unsigned int n, k, i;

	ASSERT_EQ(0, snap(&self->nl, self->dev, &prev, &t0));
	ASSERT_EQ(0, read_all(prev.device[0], img, 0, DEV_BYTES));
	memcpy(img0, img, DEV_BYTES);
	prev_t = t0;
	for (k = 0; k < ROUNDS; k++) {
		memset(&w, 0, sizeof(w));
		for (i = 0; i < 12; i++) {
			uint64_t len = (1 + rnd() % 16) * 4096;
			uint64_t off = (rnd() % ((DEV_BYTES - len) / 4096)) * 4096;

			ASSERT_EQ(0, wr(self->dev, off, len, &w));
		}
		if (k % 3 == 0)
			ASSERT_EQ(0, blk_ioctl(self->dev, BLKDISCARD,
					       (rnd() % (NR_BLOCKS - 2)) * B, B, &w));
		if (k % 4 == 1)
			ASSERT_EQ(0, blk_ioctl(self->dev, BLKZEROOUT,
					       (rnd() % (NR_BLOCKS - 2)) * B + 4096, 8192, &w));
		if (k % 5 == 2)
			ASSERT_EQ(0, rewrite_same(self->dev, (rnd() % (NR_BLOCKS - 2)) * B,
						  4096, &w));
		ASSERT_EQ(0, snap(&self->nl, self->dev, &cur, &t));
		ASSERT_EQ(0, vss_changes(&self->nl, cur.id[0], &prev_t, 0, &e, &n));
		ASSERT_EQ(0, extents_to_bits(e, n, DEV_BYTES, &got));
		EXPECT_EQ(0, missing(&w, &got));
		EXPECT_EQ(0, missing(&got, &w));
		reported += bits_count(&got);
		written += bits_count(&w);
		ASSERT_EQ(0, apply(cur.device[0], e, n, img));
		free(e);
		EXPECT_EQ(0, same_as_device(cur.device[0], img)) {
			TH_LOG("round %u: image differs from the snapshot", k);
		}
		/* S0 goes too: its token alone must serve the differential. */
		ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, prev.id[0], 16));
		prev = cur;
		prev_t = t;
	}
	TH_LOG("%u incrementals: %llu blocks written, %llu reported (over-report %.3f)",
	       ROUNDS, (unsigned long long)written, (unsigned long long)reported,
	       reported ? ((double)reported - (double)written) / reported : 0.0);
	/* Differential: S0's image straight to the last snapshot. */
	ASSERT_EQ(0, vss_changes(&self->nl, prev.id[0], &t0, 0, &e, &n));
	ASSERT_EQ(0, apply(prev.device[0], e, n, img0));
	free(e);
	EXPECT_EQ(0, same_as_device(prev.device[0], img0));
	free(img);
	free(img0);
}

/* The boundary race: stampers against sets. */
#define NR_WRITERS	4
#define RACE_BYTES	(2 * MiB)
#define RACE_SETS	60

struct stamper {
	const char *dev;
	unsigned int id;
	volatile bool *stop;
	uint64_t writes;
	int err;
};

static void *stamp_loop(void *arg)
{
	struct stamper *s = arg;
	uint64_t *buf = xalloc(512), seq = 0, x = 0x9e3779b97f4a7c15ULL * (s->id + 1);
	int fd = open_direct(s->dev, O_WRONLY);

	if (fd < 0) {
		s->err = errno;
		return NULL;
	}
	while (!*s->stop) {
		/* Writer w owns sectors w, w + 4, ...: stamps never collide. */
		uint64_t sector;
		unsigned int i;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sector = (x % (RACE_BYTES / 512 / NR_WRITERS)) * NR_WRITERS + s->id;

		seq++;
		for (i = 0; i < 64; i++)
			buf[i] = (seq << 16) | (s->id << 8) | i;
		if (pwrite(fd, buf, 512, sector * 512) != 512) {
			s->err = errno;
			break;
		}
		s->writes++;
	}
	close(fd);
	free(buf);
	return NULL;
}

TEST_F_TIMEOUT(cbt, boundary_race_every_stamp_on_its_side, 900)
{
	struct stamper st[NR_WRITERS];
	pthread_t th[NR_WRITERS];
	volatile bool stop = false;
	struct vss_set prev, cur;
	struct vss_token pt, t;
	struct bits d, got;
	unsigned int k, i, changed = 0, over = 0, miss = 0;
	uint64_t writes = 0;

	for (i = 0; i < NR_WRITERS; i++) {
		st[i] = (struct stamper){ .dev = self->dev, .id = i, .stop = &stop };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, stamp_loop, &st[i]));
	}
	usleep(100000);
	ASSERT_EQ(0, snap(&self->nl, self->dev, &prev, &pt));
	for (k = 0; k < RACE_SETS; k++) {
		usleep(rnd() % 30000);
		ASSERT_EQ(0, snap(&self->nl, self->dev, &cur, &t));
		ASSERT_EQ(0, changes_bits(&self->nl, cur.id[0], &pt, &got, NULL));
		ASSERT_EQ(0, diff_blocks(prev.device[0], cur.device[0], RACE_BYTES, &d));
		miss += missing(&d, &got);
		/* Every reported block of the stamped region did change. */
		for (i = 0; i < RACE_BYTES / B; i++) {
			over += got.b[i] && !d.b[i];
			changed += d.b[i];
		}
		/* Nothing outside the stamped region was written. */
		for (i = RACE_BYTES / B; i < NR_BLOCKS; i++)
			over += got.b[i];
		ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, prev.id[0], 16));
		prev = cur;
		pt = t;
	}
	stop = true;
	for (i = 0; i < NR_WRITERS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, st[i].err);
		writes += st[i].writes;
	}
	TH_LOG("%u sets under %llu stamped writes: %u changed blocks, %u missed, %u over-reported",
	       RACE_SETS, (unsigned long long)writes, changed, miss, over);
	EXPECT_LT(RACE_SETS, changed);	/* the writers did race the sets */
	EXPECT_EQ(0, miss);
	EXPECT_EQ(0, over);
}

static void expect_stale(struct __test_metadata *_metadata, struct vss_nl *nl,
			 const uint8_t id[16], const struct vss_token *since,
			 uint32_t reason, const char *prefix)
{
	struct vss_extent *e = NULL;
	uint64_t bytes, count;
	unsigned int n;

	/* The do: the cookie on every kernel. */
	EXPECT_EQ(-ESTALE, vss_changes_sum(nl, id, since, 0, &bytes, &count));
	EXPECT_EQ(0, strncmp(nl->ext_msg, prefix, strlen(prefix))) {
		TH_LOG("message: %s", nl->ext_msg);
	}
	EXPECT_EQ(1, nl->has_cookie8);
	EXPECT_EQ(VSS_COOKIE_STALE_REASON, nl->ext_kind);
	EXPECT_EQ(reason, nl->ext_value);
	/* The dump: the message everywhere (the cookie from 6.12 on). */
	EXPECT_EQ(-ESTALE, vss_changes(nl, id, since, 0, &e, &n));
	EXPECT_EQ(0, strncmp(nl->ext_msg, prefix, strlen(prefix))) {
		TH_LOG("message: %s", nl->ext_msg);
	}
	if (!vss_kernel_older(6, 12))
		EXPECT_EQ(reason, nl->ext_value);
}

TEST_F_TIMEOUT(cbt, reset_is_estale_and_the_next_interval_sound, 300)
{
	struct vss_tracker_info before, after;
	struct vss_token t0, t1, t2;
	struct vss_set s0, s1, s2;
	struct bits w = {}, got;

	ASSERT_EQ(0, snap(&self->nl, self->dev, &s0, &t0));
	ASSERT_EQ(0, wr(self->dev, 3 * B, 4096, NULL));
	ASSERT_EQ(0, vss_tracker_get(&self->nl, self->dev, &before));
	ASSERT_EQ(0, vss_tracker_reset(&self->nl, self->dev));
	ASSERT_EQ(0, vss_tracker_get(&self->nl, self->dev, &after));
	EXPECT_NE(0, memcmp(before.generation, after.generation, 16));
	EXPECT_EQ(VSS_STALE_RESET, after.reason);
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s1, &t1));
	EXPECT_EQ(0, memcmp(after.generation, t1.generation, 16));
	expect_stale(_metadata, &self->nl, s1.id[0], &t0, VSS_STALE_RESET, "stale: reset:");
	/* S0 itself is of the old generation: no answer for it either. */
	expect_stale(_metadata, &self->nl, s0.id[0], &t0, VSS_STALE_RESET, "stale: reset:");
	ASSERT_EQ(0, wr(self->dev, 7 * B, 4096, &w));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s2, &t2));
	ASSERT_EQ(0, changes_bits(&self->nl, s2.id[0], &t1, &got, NULL));
	EXPECT_EQ(0, memcmp(&w, &got, sizeof(w)));
}

TEST_F_TIMEOUT(cbt, wrap_is_estale_and_the_map_starts_over, 300)
{
	struct vss_token t[6];
	struct vss_set s[6];
	struct bits w = {}, got;
	unsigned int i;

	if (access(LIMIT_FILE, W_OK))
		SKIP(return, "no debugfs knob %s", LIMIT_FILE);
	ASSERT_EQ(0, vss_sh("echo 4 > " LIMIT_FILE));
	/* Epochs 1, 2, 3; the fourth snapshot wraps and starts at 1 again. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, wr(self->dev, i * B, 4096, NULL));
		ASSERT_EQ(0, snap(&self->nl, self->dev, &s[i], &t[i]));
	}
	EXPECT_EQ(3, t[2].epoch);
	EXPECT_EQ(1, t[3].epoch);
	EXPECT_NE(0, memcmp(t[2].generation, t[3].generation, 16));
	expect_stale(_metadata, &self->nl, s[3].id[0], &t[0], VSS_STALE_WRAPPED,
		     "stale: wrapped:");
	/* The old marks are gone with the old map: only the new write. */
	ASSERT_EQ(0, wr(self->dev, 9 * B, 4096, &w));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s[4], &t[4]));
	ASSERT_EQ(0, changes_bits(&self->nl, s[4].id[0], &t[3], &got, NULL));
	EXPECT_EQ(0, memcmp(&w, &got, sizeof(w)));
}

/*
 * The benchmark's "tracking off" (debugfs cbt_skip_marks) is never a
 * silently short answer: from the first unrecorded write, every query is
 * ESTALE lost, an export is refused, and the next snapshot starts a new
 * generation, whose intervals are sound again once the knob is off.
 */
/* The tree's vssctl: this program is build/selftests/vss/cbt. */
static int vssctl_path(char *out, size_t size)
{
	char exe[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *p;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	p = strstr(exe, "/build/selftests/vss/");
	if (!p)
		return -1;
	*p = '\0';
	snprintf(out, size, "%s/tools/vssctl/vssctl", exe);
	return access(out, X_OK);
}

TEST_F_TIMEOUT(cbt, unrecorded_writes_are_estale_lost, 300)
{
	char vssctl[600], out[512];
	struct vss_token t0, t1, t2, t3;
	struct vss_set s0, s1, s2, s3;
	struct bits w = {}, got;

	if (access(SKIP_FILE, W_OK))
		SKIP(return, "no debugfs knob %s", SKIP_FILE);
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s0, &t0));
	ASSERT_EQ(0, wr(self->dev, 2 * B, 4096, NULL));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s1, &t1));
	ASSERT_EQ(0, changes_bits(&self->nl, s1.id[0], &t0, &got, NULL));
	ASSERT_EQ(0, vss_sh("echo 1 > " SKIP_FILE));
	ASSERT_EQ(0, wr(self->dev, 5 * B, 4096, NULL));
	expect_stale(_metadata, &self->nl, s1.id[0], &t0, VSS_STALE_LOST, "stale: lost:");
	/* An export is refused, saying why. */
	ASSERT_EQ(0, vssctl_path(vssctl, sizeof(vssctl)));
	ASSERT_EQ(0, vss_sh("rm -rf /tmp/cbt-skip && mkdir -m 700 /tmp/cbt-skip"));
	vss_sh_out(out, sizeof(out), "%s tracker save %s /tmp/cbt-skip 2>&1", vssctl, self->dev);
	EXPECT_NE(NULL, strstr(out, "writes went unrecorded")) TH_LOG("vssctl: %s", out);
	EXPECT_EQ(0, vss_sh("[ -z \"$(ls -A /tmp/cbt-skip)\" ]"));
	ASSERT_EQ(0, vss_sh("echo 0 > " SKIP_FILE));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s2, &t2));
	EXPECT_NE(0, memcmp(t1.generation, t2.generation, 16));
	expect_stale(_metadata, &self->nl, s2.id[0], &t1, VSS_STALE_LOST, "stale: lost:");
	ASSERT_EQ(0, wr(self->dev, 9 * B, 4096, &w));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s3, &t3));
	ASSERT_EQ(0, changes_bits(&self->nl, s3.id[0], &t2, &got, NULL));
	EXPECT_EQ(0, memcmp(&w, &got, sizeof(w)));
}

TEST_F_TIMEOUT(cbt, another_origins_token_is_identity, 300)
{
	struct vss_token t0, ta;
	struct vss_set s0, sa;

	ASSERT_EQ(0, loop_make(self->img2, sizeof(self->img2), self->dev2,
			       sizeof(self->dev2), "b"));
	ASSERT_EQ(0, vss_storage_add_tracked(&self->nl, self->dev2, 8 * MiB, 4096, 0));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s0, &t0));
	ASSERT_EQ(0, snap(&self->nl, self->dev2, &sa, &ta));
	/* Same size, same block: only the generation tells them apart. */
	EXPECT_EQ(t0.capacity, ta.capacity);
	expect_stale(_metadata, &self->nl, s0.id[0], &ta, VSS_STALE_IDENTITY,
		     "stale: identity:");
	/* A token whose geometry is not the snapshot's. */
	ta = t0;
	ta.capacity += 4096;
	expect_stale(_metadata, &self->nl, s0.id[0], &ta, VSS_STALE_IDENTITY,
		     "stale: identity:");
	/* A generation nobody knows. */
	ta = t0;
	ta.generation[0] ^= 0xff;
	expect_stale(_metadata, &self->nl, s0.id[0], &ta, VSS_STALE_GENERATION,
		     "stale: generation:");
}

TEST_F_TIMEOUT(cbt, overflow_invalidates_the_snapshot_not_the_tracking, 300)
{
	struct vss_token t0, t1, t2;
	struct vss_set s0, s1, s2;
	struct vss_snap_info info;
	struct bits w01 = {}, w12 = {}, got;

	/* Storage of 256 KiB: the writes after S0 overflow it. */
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->dev));
	ASSERT_EQ(0, vss_storage_add_tracked(&self->nl, self->dev, 256 * KiB, 4096, 0));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s0, &t0));
	ASSERT_EQ(0, wr(self->dev, 20 * B, 8 * B, &w01));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, s0.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, info.state);
	EXPECT_EQ(VSS_INVALID_OVERFLOW, info.invalid_reason);
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, s0.id[0], 16));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s1, &t1));
	ASSERT_EQ(0, changes_bits(&self->nl, s1.id[0], &t0, &got, NULL));
	EXPECT_EQ(0, memcmp(&w01, &got, sizeof(got)));
	ASSERT_EQ(0, wr(self->dev, 40 * B, 4096, &w12));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s2, &t2));
	ASSERT_EQ(0, changes_bits(&self->nl, s2.id[0], &t1, &got, NULL));
	EXPECT_EQ(0, memcmp(&w12, &got, sizeof(got)));
}

/* build/selftests/vss/cbt -> build/kmod/KVER/vss.ko */
static int module_path(char *out, size_t size)
{
	char exe[512], kver[128];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *p;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	p = strstr(exe, "/selftests/vss/");
	if (!p || vss_sh_out(kver, sizeof(kver), "uname -r"))
		return -1;
	*p = '\0';
	snprintf(out, size, "%s/kmod/%s/vss.ko", exe, kver);
	return access(out, R_OK);
}

TEST_F_TIMEOUT(cbt, module_reload_is_estale_generation, 300)
{
	struct vss_token t0, t1;
	struct vss_set s0, s1;
	char ko[700];

	ASSERT_EQ(0, module_path(ko, sizeof(ko)));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s0, &t0));
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, s0.id[0], 16));
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->dev));
	vss_nl_close(&self->nl);
	ASSERT_EQ(0, vss_sh("rmmod vss && insmod %s", ko));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_storage_add_tracked(&self->nl, self->dev, 8 * MiB, 4096, 0));
	ASSERT_EQ(0, snap(&self->nl, self->dev, &s1, &t1));
	expect_stale(_metadata, &self->nl, s1.id[0], &t0, VSS_STALE_GENERATION,
		     "stale: generation:");
}

/* One MBR primary partition entry (LBA only). */
static int write_mbr(const char *img, uint64_t start, uint64_t bytes)
{
	uint8_t mbr[512] = { 0 };
	uint32_t lba = start / 512, nr = bytes / 512;
	int fd, ok;

	mbr[446 + 4] = 0x83;
	memcpy(mbr + 446 + 8, &lba, 4);
	memcpy(mbr + 446 + 12, &nr, 4);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	fd = open(img, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = pwrite(fd, mbr, sizeof(mbr), 0) == sizeof(mbr);
	close(fd);
	return ok ? 0 : -1;
}

TEST_F_TIMEOUT(cbt, disk_node_writes_to_a_tracked_partition, 300)
{
	const uint64_t p_start = 1 * MiB, p_bytes = 8 * MiB;
	struct vss_token t0, t1;
	struct vss_set s0, s1;
	struct bits w = {}, got;
	char part[80];
	int i;

	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->dev));
	ASSERT_EQ(0, vss_sh("losetup -d %s", self->dev));
	ASSERT_EQ(0, write_mbr(self->img, p_start, p_bytes));
	ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
				"losetup --partscan --find --show %s", self->img));
	snprintf(part, sizeof(part), "%sp1", self->dev);
	for (i = 0; i < 100 && access(part, F_OK); i++)
		usleep(20000);
	ASSERT_EQ(0, access(part, F_OK));
	ASSERT_EQ(0, vss_storage_add_tracked(&self->nl, part, 8 * MiB, 4096, 0));
	ASSERT_EQ(0, snap(&self->nl, part, &s0, &t0));
	EXPECT_EQ(p_bytes, t0.capacity);
	/* Through the disk node: block 5 of the partition, and before it. */
	ASSERT_EQ(0, wr(self->dev, p_start + 5 * B, 4096, NULL));
	bits_range(&w, 5 * B, 4096);
	ASSERT_EQ(0, wr(self->dev, 0, 4096, NULL));	/* not the partition */
	/* Through the partition node: its last block. */
	ASSERT_EQ(0, wr(part, p_bytes - 4096, 4096, &w));
	ASSERT_EQ(0, snap(&self->nl, part, &s1, &t1));
	ASSERT_EQ(0, changes_bits(&self->nl, s1.id[0], &t0, &got, NULL));
	EXPECT_EQ(0, memcmp(&w, &got, sizeof(w)));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	EXPECT_EQ(0, vss_storage_remove(&self->nl, part));
}

TEST_HARNESS_MAIN
