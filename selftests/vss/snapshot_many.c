// SPDX-License-Identifier: GPL-2.0
/*
 * 64 snapshots of one volume: a chain of 64, each taken after its own
 * writes, each showing exactly its moment; then deleted in a mixed order
 * (oldest, middle, newest, ...), every survivor re-read byte for byte and
 * the diff storage accounted for chunk by chunk after each deletion.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define MiB		(1ULL << 20)
#define NR_SNAPS	64
#define PIECE		4096			/* unit of the writes */
#define HOT		NR_SNAPS		/* piece rewritten after every snapshot */
#define DEV_PIECES	80
#define DEV_BYTES	(DEV_PIECES * PIECE)	/* 320 KiB */
#define MAX_CHUNKS	DEV_PIECES		/* with the smallest chunk, 4 KiB */

/*
 * The volume's history: generation 1 everywhere; after snapshot i, piece i
 * gets generation i + 2 and the hot piece 100 + i. So snapshot i holds
 * pieces below i at their own generation, the others at 1, and the hot
 * piece at 100 + i - 1 (1 for the first snapshot).
 */
static uint32_t gen_at(int snap, int piece)
{
	if (piece == HOT)
		return snap ? 100 + snap - 1 : 1;
	if (piece < NR_SNAPS && piece < snap)
		return piece + 2;
	return 1;
}

static int write_piece(int fd, void *buf, int piece, uint32_t gen)
{
	vss_fill(buf, PIECE, piece, gen);
	return pwrite(fd, buf, PIECE, (off_t)piece * PIECE) == PIECE ? 0 : -EIO;
}

/* 0 if dev holds exactly the volume as of snapshot `snap`. */
static int check_moment(const char *dev, int snap, void *buf, void *want)
{
	int fd, p, err = 0;

	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0)
		return -errno;
	if (pread(fd, buf, DEV_BYTES, 0) != DEV_BYTES)
		err = -EIO;
	close(fd);
	for (p = 0; p < DEV_PIECES && !err; p++) {
		vss_fill(want, PIECE, p, gen_at(snap, p));
		if (memcmp((char *)buf + (size_t)p * PIECE, want, PIECE))
			err = p + 1;	/* which piece is wrong, for the log */
	}
	return err;
}

/*
 * What the module should hold: per snapshot, the chunks preserved while it
 * was the newest (its map), and the rule of Documentation/design.md for a
 * deletion.
 */
struct model {
	bool map[NR_SNAPS][MAX_CHUNKS];
	int alive[NR_SNAPS];	/* snapshot indices, oldest first */
	int nr_alive;
	int chunks;		/* preserved chunks in the storage */
};

static void model_delete(struct model *m, int k)
{
	int s = m->alive[k], older = k ? m->alive[k - 1] : -1, c;

	for (c = 0; c < MAX_CHUNKS; c++) {
		if (!m->map[s][c])
			continue;
		m->map[s][c] = false;
		if (older >= 0 && !m->map[older][c])
			m->map[older][c] = true;
		else
			m->chunks--;
	}
	memmove(&m->alive[k], &m->alive[k + 1], (m->nr_alive - k - 1) * sizeof(int));
	m->nr_alive--;
}

FIXTURE(many) {
	struct vss_nl nl;
	char dev[64];
	char img[64];
	void *buf;
	void *want;
	struct vss_set set[NR_SNAPS];
	struct model m;
};

FIXTURE_VARIANT(many) {
	unsigned int chunk;
};

/* One chunk per write: every snapshot preserves its own two chunks. */
FIXTURE_VARIANT_ADD(many, chunk_4k) {
	.chunk = 4096,
};

/* 16 pieces per chunk: a chunk is preserved again and again, half-written. */
FIXTURE_VARIANT_ADD(many, chunk_64k) {
	.chunk = 65536,
};

FIXTURE_SETUP(many)
{
	ASSERT_EQ(0, vss_sh("modprobe loop"));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-many-%d.img", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s %u %s", DEV_BYTES, self->img));
	ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
				"losetup --find --show %s", self->img));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, 16 * MiB, variant->chunk));
	ASSERT_EQ(0, posix_memalign(&self->buf, 4096, DEV_BYTES));
	ASSERT_EQ(0, posix_memalign(&self->want, 4096, PIECE));
}

/* In the parent: see snapshot_busy_fs.c. No socket or heap of the test's. */
FIXTURE_TEARDOWN_PARENT(many)
{
	struct vss_nl nl;

	if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
		TH_LOG("no netlink socket to clean up with");
	vss_snapshot_delete(&nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	EXPECT_EQ(0, vss_storage_remove(&nl, self->dev));
	vss_nl_close(&nl);
	vss_sh("losetup -d %s", self->dev);
	unlink(self->img);
}

TEST_F_TIMEOUT(many, sixty_four_snapshots_each_keep_their_moment_through_deletions, 600)
{
	const char *vols[] = { self->dev };
	unsigned int per_chunk = variant->chunk / PIECE;
	struct model *m = &self->m;
	int fd, i, k, p, step;

	fd = open(self->dev, O_WRONLY | O_DIRECT);
	ASSERT_LE(0, fd);
	for (p = 0; p < DEV_PIECES; p++)
		ASSERT_EQ(0, write_piece(fd, self->buf, p, 1));

	for (i = 0; i < NR_SNAPS; i++) {
		ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1,
						 VSS_SNAPSHOT_F_PERSISTENT, &self->set[i]));
		m->alive[m->nr_alive++] = i;
		ASSERT_EQ(0, write_piece(fd, self->buf, i, i + 2));
		ASSERT_EQ(0, write_piece(fd, self->buf, HOT, 100 + i));
		/* Both first writes since snapshot i: copied for it (once per chunk). */
		m->map[i][i / per_chunk] = true;
		m->map[i][HOT / per_chunk] = true;
		m->chunks += 1 + (i / per_chunk != HOT / per_chunk);
	}
	close(fd);
	EXPECT_EQ(NR_SNAPS, vss_snapshot_count(&self->nl));
	EXPECT_EQ((int64_t)m->chunks * variant->chunk,
		  vss_storage_used(&self->nl, self->dev));
	for (i = 0; i < NR_SNAPS; i++) {
		EXPECT_EQ(0, check_moment(self->set[i].device[0], i, self->buf,
					  self->want)) {
			TH_LOG("snapshot %d (%s) is wrong", i, self->set[i].device[0]);
		}
	}
	/* The origin: the moment after the last writes. */
	EXPECT_EQ(0, check_moment(self->dev, NR_SNAPS, self->buf, self->want));

	for (step = 0; m->nr_alive; step++) {
		/* oldest, middle, newest, oldest, ... */
		k = step % 3 == 0 ? 0 : step % 3 == 1 ? m->nr_alive / 2 : m->nr_alive - 1;
		i = m->alive[k];
		ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID,
						 self->set[i].id[0], 16));
		model_delete(m, k);
		EXPECT_EQ(-1, access(self->set[i].device[0], F_OK));
		EXPECT_EQ(m->nr_alive, vss_snapshot_count(&self->nl));
		EXPECT_EQ((int64_t)m->chunks * variant->chunk,
			  vss_storage_used(&self->nl, self->dev)) {
			TH_LOG("after deleting snapshot %d (step %d)", i, step);
		}
		for (k = 0; k < m->nr_alive; k++) {
			int s = m->alive[k];

			ASSERT_EQ(0, check_moment(self->set[s].device[0], s, self->buf,
						  self->want)) {
				TH_LOG("snapshot %d wrong after deleting %d (step %d)",
				       s, i, step);
			}
		}
	}
	EXPECT_EQ(0, m->chunks);
	EXPECT_EQ(0, check_moment(self->dev, NR_SNAPS, self->buf, self->want));
}

TEST_HARNESS_MAIN
