// SPDX-License-Identifier: GPL-2.0
/*
 * The engine under provoked faults (the module's test-only debugfs files,
 * kmod/fault.h): a snapshot never shows data that is not of its instant.
 *
 * - A delete whose merge into the older snapshot cannot allocate at first
 *   still hands every preserved chunk over: the older snapshot reads its
 *   own instant, active, and the storage holds every chunk.
 * - A snapshot read caught between its state check and its origin read by
 *   a copy that fails (the storage overflows) and invalidates the
 *   snapshot fails with EIO; it never returns the write that the failed
 *   copy let through.
 * - A copy out of the storage that fails for want of memory is retried;
 *   if it keeps failing, that read fails and the snapshot stays valid.
 * - A deleted snapshot's chunks are freed while reads of another snapshot
 *   of the same origin go on without a pause: each read holds its storage
 *   read in the module for a while, and three readers overlap.
 * - A file storage's copy never fails for want of a buffer: with every
 *   allocation of one failing, its reserve serves, and the snapshot stays.
 * - The memory storage needs no allocation above order 0 (64 KiB chunks
 *   on a machine whose larger allocations all fail): its snapshot stays
 *   active and reads its instant, also across the chunk's pages.
 * - A file storage's first write goes once the old chunk is read, before
 *   the chunk is stored (its store held for seconds): a snapshot read of
 *   that chunk waits for the store and returns the old data; snapshots
 *   linked, merged into and deleted while stores are held each read their
 *   own instant; a store that fails after its write went invalidates the
 *   snapshot, whose reads then fail with EIO, and the write stays.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"
#include "../lib/vss_storage.h"

#define PIECE		4096		/* one chunk: the storage's chunk size */
#define DEV_PIECES	32
#define DEV_BYTES	(DEV_PIECES * PIECE)
#define FAULTS		"/sys/kernel/debug/vss/"

static int knob_write(const char *name, unsigned int val)
{
	return vss_sh("echo %u > " FAULTS "%s", val, name);
}

static long knob_read(const char *name)
{
	char out[32];

	if (vss_sh_out(out, sizeof(out), "cat " FAULTS "%s", name))
		return -1;
	return strtol(out, NULL, 10);
}

static int write_piece(const char *dev, int piece, uint32_t gen)
{
	void *buf;
	int fd, err = 0;

	if (posix_memalign(&buf, 4096, PIECE))
		return -ENOMEM;
	vss_fill(buf, PIECE, piece, gen);
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0 || pwrite(fd, buf, PIECE, (off_t)piece * PIECE) != PIECE)
		err = -EIO;
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

/* 0 if the piece holds generation gen; -errno if it cannot be read; 1 if not. */
static int check_piece(const char *dev, int piece, uint32_t gen)
{
	void *buf, *want;
	int fd, err = 0;

	if (posix_memalign(&buf, 4096, PIECE) || posix_memalign(&want, 4096, PIECE))
		return -ENOMEM;
	vss_fill(want, PIECE, piece, gen);
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0)
		err = -errno;
	else if (pread(fd, buf, PIECE, (off_t)piece * PIECE) != PIECE)
		err = -errno;
	else if (memcmp(buf, want, PIECE))
		err = 1;
	if (fd >= 0)
		close(fd);
	free(buf);
	free(want);
	return err;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(faults) {
	struct vss_nl nl;
	char dev[64];
	char img[64];
	char stdir[64];		/* a file storage's directory, when a test makes one */
	char stdev[64];
};

/*
 * A file storage of @chunk_bytes for the test's device, on an ext4 of its
 * own (a loop device), which the teardown removes.
 */
static int add_file_storage(FIXTURE_DATA(faults) *self, unsigned int chunk_bytes)
{
	snprintf(self->stdir, sizeof(self->stdir), "/tmp/vss-faults-st-%d", getpid());
	if (vss_sh("truncate -s 16M %s.img && mkfs.ext4 -q %s.img && mkdir %s",
		   self->stdir, self->stdir, self->stdir))
		return -1;
	if (vss_sh_out(self->stdev, sizeof(self->stdev), "losetup --find --show %s.img",
		       self->stdir))
		return -1;
	if (vss_sh("mount %s %s", self->stdev, self->stdir))
		return -1;
	return vss_storage_add_ex(&self->nl, self->dev, VSS_STORAGE_FILE, self->stdir,
				  DEV_BYTES, chunk_bytes, NULL, 0);
}

FIXTURE_SETUP(faults)
{
	int p;

	if (access(FAULTS "fail_merge_alloc", W_OK))
		SKIP(return, "no debugfs fault files (CONFIG_DEBUG_FS?)");
	ASSERT_EQ(0, vss_sh("modprobe loop"));
	snprintf(self->img, sizeof(self->img), "/tmp/vss-faults-%d.img", getpid());
	ASSERT_EQ(0, vss_sh("truncate -s %u %s", DEV_BYTES, self->img));
	ASSERT_EQ(0, vss_sh_out(self->dev, sizeof(self->dev),
				"losetup --find --show %s", self->img));
	for (p = 0; p < DEV_PIECES; p++)
		ASSERT_EQ(0, write_piece(self->dev, p, 1));
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN_PARENT(faults)
{
	struct vss_nl nl;

	knob_write("fail_merge_alloc", 0);
	knob_write("snap_read_delay_ms", 0);
	knob_write("storage_read_hold_ms", 0);
	knob_write("fail_storage_read_enomem", 0);
	knob_write("fail_high_order_alloc", 0);
	knob_write("fail_copy_buf_alloc", 0);
	knob_write("copy_store_hold_ms", 0);
	knob_write("fail_copy_store", 0);
	if (self->dev[0]) {
		if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
			TH_LOG("no netlink socket to clean up with");
		vss_snapshot_delete(&nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
		vss_storage_remove(&nl, self->dev);
		vss_nl_close(&nl);
	}
	/* After the storage: its file keeps the filesystem busy. */
	if (self->stdir[0])
		vss_sh("umount %s; rmdir %s; losetup -d %s; rm -f %s.img", self->stdir,
		       self->stdir, self->stdev, self->stdir);
	if (!self->dev[0])
		return;
	vss_sh("losetup -d %s", self->dev);
	unlink(self->img);
}

TEST_F_TIMEOUT(faults, merge_on_delete_keeps_every_chunk_when_allocation_fails, 180)
{
	const char *vols[] = { self->dev };
	struct vss_snap_info info;
	struct vss_set a, b;
	int p;

	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, 1 << 20, PIECE));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	/* Piece 0 preserved for A. */
	ASSERT_EQ(0, write_piece(self->dev, 0, 2));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &b));
	/*
	 * For B: piece 0 as A had changed it (A holds its own), and pieces
	 * 1-8 as both A and B saw them: A finds those through B.
	 */
	for (p = 0; p <= 8; p++)
		ASSERT_EQ(0, write_piece(self->dev, p, 3));
	EXPECT_EQ(10 * PIECE, vss_storage_used(&self->nl, self->dev));

	/* B's deletion must move pieces 1-8 into A's map: the first 3 tries fail. */
	ASSERT_EQ(0, knob_write("fail_merge_alloc", 3));
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, b.id[0], 16));
	EXPECT_EQ(0, knob_read("fail_merge_alloc")) {
		TH_LOG("the merge never met the injected failures");
	}

	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, info.state);
	for (p = 0; p < DEV_PIECES; p++) {
		EXPECT_EQ(0, check_piece(a.device[0], p, 1)) {
			TH_LOG("snapshot A's piece %d is not of A's instant", p);
		}
	}
	/* A's own piece 0 and the 8 it took over; B's piece 0 freed. */
	EXPECT_EQ(9 * PIECE, vss_storage_used(&self->nl, self->dev));
	for (p = 0; p <= 8; p++)
		EXPECT_EQ(0, check_piece(self->dev, p, 3));
}

TEST_F_TIMEOUT(faults, read_caught_by_invalidation_fails_with_eio, 180)
{
	const char *vols[] = { self->dev };
	const unsigned int delay_ms = 3000;
	struct vss_snap_info info;
	struct vss_set a;
	double t0, t_write, t_read;
	int pipefd[2], status, res[2];
	pid_t pid;

	/* Room for one chunk: the second first write overflows. */
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, PIECE, PIECE));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	ASSERT_EQ(0, write_piece(self->dev, 0, 2));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	ASSERT_EQ(VSS_SNAPSHOT_ACTIVE, info.state);

	ASSERT_EQ(0, knob_write("snap_read_delay_ms", delay_ms));
	ASSERT_EQ(0, pipe(pipefd));
	t0 = now_s();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Passes the state check (active), then sleeps in the module. */
		int r[2] = { check_piece(a.device[0], 1, 1), 0 };

		r[1] = (int)((now_s() - t0) * 1000);
		if (write(pipefd[1], r, sizeof(r)) != sizeof(r))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	usleep(delay_ms * 1000 / 3);
	/* Overflows: the snapshot is invalidated, the write goes through. */
	EXPECT_EQ(0, write_piece(self->dev, 1, 3));
	t_write = now_s() - t0;
	ASSERT_EQ(sizeof(res), read(pipefd[0], res, sizeof(res)));
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	t_read = res[1] / 1000.0;
	knob_write("snap_read_delay_ms", 0);

	/* The write landed while the read slept between its check and its piece. */
	EXPECT_LT(t_write, t_read);
	EXPECT_LE(delay_ms / 1000.0, t_read);
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, info.state);
	EXPECT_EQ(VSS_INVALID_OVERFLOW, info.invalid_reason);
	EXPECT_EQ(-EIO, res[0]) {
		TH_LOG("the read of the invalidated snapshot returned %s",
		       res[0] == 1 ? "the write let through, with status 0" :
		       res[0] == 0 ? "old data with status 0" : "another error");
	}
	EXPECT_EQ(0, check_piece(self->dev, 1, 3));
}

/*
 * A older, B newer; pieces 0-7 were preserved for A alone, 8-15 for both.
 * Readers of B's preserved pieces keep a storage read in flight at every
 * moment; deleting A frees its 8 chunks while they read.
 */
TEST_F_TIMEOUT(faults, deleted_snapshot_space_is_freed_while_reads_go_on, 180)
{
	const char *vols[] = { self->dev };
	const unsigned int hold_ms = 300, nr_readers = 3;
	const double read_s = 6.0;
	struct vss_set a, b;
	double t0, t_freed = -1;
	pid_t pid[3];
	int64_t used;
	unsigned int i;
	int p, status;

	ASSERT_EQ(0, access(FAULTS "storage_read_hold_ms", W_OK));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, DEV_BYTES, PIECE));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	for (p = 0; p < 8; p++)
		ASSERT_EQ(0, write_piece(self->dev, p, 2));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &b));
	for (p = 8; p < 16; p++)
		ASSERT_EQ(0, write_piece(self->dev, p, 2));
	ASSERT_EQ(16 * PIECE, vss_storage_used(&self->nl, self->dev));

	ASSERT_EQ(0, knob_write("storage_read_hold_ms", hold_ms));
	t0 = now_s();
	for (i = 0; i < nr_readers; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			/* Staggered: one reader's hold overlaps the next one's. */
			usleep(i * hold_ms * 1000 / nr_readers);
			for (p = 8; now_s() - t0 < read_s; p = p == 15 ? 8 : p + 1)
				if (check_piece(b.device[0], p, 1))
					_exit(1);
			_exit(0);
		}
	}
	usleep(2 * hold_ms * 1000);
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, a.id[0], 16));
	while (now_s() - t0 < read_s - 1) {
		used = vss_storage_used(&self->nl, self->dev);
		if (used == 8 * PIECE) {
			t_freed = now_s() - t0;
			break;
		}
		usleep(50000);
	}
	for (i = 0; i < nr_readers; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("reader %u saw other data than B's instant", i);
	}
	knob_write("storage_read_hold_ms", 0);
	/* Freed while the readers still read, not once they stopped. */
	EXPECT_LT(0, t_freed) TH_LOG("A's chunks were still held %.1f s into the reads",
				     read_s - 1);
	EXPECT_EQ(8 * PIECE, vss_storage_used(&self->nl, self->dev));
	for (p = 8; p < 16; p++)
		EXPECT_EQ(0, check_piece(b.device[0], p, 1));
}

TEST_F_TIMEOUT(faults, storage_read_without_memory_is_retried_and_never_invalidates, 120)
{
	const char *vols[] = { self->dev };
	struct vss_snap_info info;
	struct vss_set a;
	int r;

	ASSERT_EQ(0, access(FAULTS "fail_storage_read_enomem", W_OK));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, DEV_BYTES, PIECE));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	ASSERT_EQ(0, write_piece(self->dev, 0, 2));	/* preserved: read from the storage */

	/* Two failures: the third try reads it. */
	ASSERT_EQ(0, knob_write("fail_storage_read_enomem", 2));
	EXPECT_EQ(0, check_piece(a.device[0], 0, 1));
	EXPECT_EQ(0, knob_read("fail_storage_read_enomem"));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, info.state);

	/* Failing on: this read fails after its tries, and only it. */
	ASSERT_EQ(0, knob_write("fail_storage_read_enomem", 100));
	r = check_piece(a.device[0], 0, 1);
	EXPECT_EQ(-ENOMEM, r) TH_LOG("the read returned %d", r);
	EXPECT_EQ(95, knob_read("fail_storage_read_enomem"));
	ASSERT_EQ(0, knob_write("fail_storage_read_enomem", 0));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, info.state);
	EXPECT_EQ(0, check_piece(a.device[0], 0, 1));
	EXPECT_EQ(0, check_piece(a.device[0], 1, 1));
}

/* 0 if @len bytes at @off of the device hold generation @gen's pieces. */
static int check_span(const char *dev, off_t off, size_t len, uint32_t gen)
{
	size_t first = off / PIECE, last = (off + len - 1) / PIECE, n = last - first + 1, i;
	char *buf, *want;
	int fd, err = 0;

	if (posix_memalign((void **)&buf, 4096, len) ||
	    posix_memalign((void **)&want, 4096, n * PIECE))
		return -ENOMEM;
	for (i = 0; i < n; i++)
		vss_fill(want + i * PIECE, PIECE, first + i, gen);
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0 || pread(fd, buf, len, off) != (ssize_t)len)
		err = -errno;
	else if (memcmp(buf, want + (off - first * PIECE), len))
		err = 1;
	if (fd >= 0)
		close(fd);
	free(buf);
	free(want);
	return err;
}

TEST_F_TIMEOUT(faults, memory_storage_needs_no_high_order_allocation, 120)
{
	const char *vols[] = { self->dev };
	const int written[] = { 0, 5, 17, 31 };
	struct vss_snap_info info;
	struct vss_set a;
	int p, i, r;

	ASSERT_EQ(0, access(FAULTS "fail_high_order_alloc", W_OK));
	/* 64 KiB chunks: two of them, each 16 pages. */
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, DEV_BYTES, 65536));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	ASSERT_EQ(0, knob_write("fail_high_order_alloc", 1));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, write_piece(self->dev, written[i], 2));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, info.state) TH_LOG("the copies failed: state %u", info.state);
	EXPECT_EQ(2 * 65536, vss_storage_used(&self->nl, self->dev));
	for (p = 0; p < DEV_PIECES; p++) {
		r = check_piece(a.device[0], p, 1);
		EXPECT_EQ(0, r) TH_LOG("snapshot piece %d: %d", p, r);
	}
	/* Reads that straddle two of a chunk's pages, and the two chunks. */
	EXPECT_EQ(0, check_span(a.device[0], 2048, 4096, 1));
	EXPECT_EQ(0, check_span(a.device[0], 65536 - 1536, 3584 + 512, 1));
	EXPECT_EQ(0, check_span(a.device[0], 512, DEV_BYTES - 1024, 1));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, check_piece(self->dev, written[i], 2));
}

TEST_F_TIMEOUT(faults, file_storage_copy_buffer_comes_from_its_reserve, 120)
{
	const char *vols[] = { self->dev };
	struct vss_snap_info info;
	struct vss_set a;
	int p, r;

	ASSERT_EQ(0, access(FAULTS "fail_copy_buf_alloc", W_OK));
	ASSERT_EQ(0, add_file_storage(self, 65536));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	ASSERT_EQ(0, knob_write("fail_copy_buf_alloc", 100));
	ASSERT_EQ(0, write_piece(self->dev, 3, 2));
	ASSERT_EQ(0, write_piece(self->dev, 20, 2));
	/* The allocations were tried and failed: the reserve served. */
	EXPECT_GT(100, knob_read("fail_copy_buf_alloc"));
	ASSERT_EQ(0, knob_write("fail_copy_buf_alloc", 0));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, info.state) TH_LOG("the copies failed: state %u", info.state);
	EXPECT_EQ(2 * 65536, vss_storage_used(&self->nl, self->dev));
	for (p = 0; p < DEV_PIECES; p++) {
		r = check_piece(a.device[0], p, 1);
		EXPECT_EQ(0, r) TH_LOG("snapshot piece %d: %d", p, r);
	}
	EXPECT_EQ(0, check_piece(self->dev, 3, 2));
	EXPECT_EQ(0, check_piece(self->dev, 20, 2));
	vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	ASSERT_EQ(0, vss_storage_remove(&self->nl, self->dev));
}

/*
 * The write that needs a copy goes once the old chunk is read: the store
 * into the file comes after it (held here for seconds), and a snapshot
 * read of the chunk meanwhile waits for the store, then reads the old data.
 */
TEST_F_TIMEOUT(faults, first_write_goes_before_its_store_and_reads_wait_for_it, 120)
{
	const char *vols[] = { self->dev };
	const unsigned int hold_ms = 2000;
	struct vss_snap_info info;
	double t0, t_write, t_read;
	struct vss_set a;
	int p, r;

	ASSERT_EQ(0, access(FAULTS "copy_store_hold_ms", W_OK));
	ASSERT_EQ(0, add_file_storage(self, PIECE));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	ASSERT_EQ(0, knob_write("copy_store_hold_ms", hold_ms));
	t0 = now_s();
	ASSERT_EQ(0, write_piece(self->dev, 3, 2));
	t_write = now_s() - t0;
	r = check_piece(a.device[0], 3, 1);
	t_read = now_s() - t0;
	ASSERT_EQ(0, knob_write("copy_store_hold_ms", 0));
	EXPECT_EQ(0, r) TH_LOG("the snapshot read of the chunk being stored: %d", r);
	EXPECT_GT(hold_ms / 1000.0, t_write) TH_LOG("the write waited %.2f s for its store", t_write);
	EXPECT_LE(hold_ms / 1000.0, t_read) TH_LOG("the read came back after %.2f s, before the store", t_read);
	EXPECT_EQ(0, check_piece(self->dev, 3, 2));
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, info.state);
	EXPECT_EQ(PIECE, vss_storage_used(&self->nl, self->dev));
	for (p = 0; p < DEV_PIECES; p++)
		EXPECT_EQ(0, check_piece(a.device[0], p, 1)) TH_LOG("snapshot piece %d", p);
}

/*
 * Stores held while the chain changes under them: A's chunk captured, B
 * linked, B's chunks captured, C linked and its chunks captured, A deleted
 * (its slot freed while its store runs), C deleted (its chunks merged into
 * B while theirs run). B reads its own instant, chunk by chunk.
 */
TEST_F_TIMEOUT(faults, chain_changes_while_stores_are_held_keep_every_instant, 180)
{
	const char *vols[] = { self->dev };
	const unsigned int hold_ms = 1500;
	struct vss_snap_info info;
	struct vss_set a, b, c;
	int p, r;

	ASSERT_EQ(0, access(FAULTS "copy_store_hold_ms", W_OK));
	ASSERT_EQ(0, add_file_storage(self, PIECE));
	ASSERT_EQ(0, knob_write("copy_store_hold_ms", hold_ms));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	ASSERT_EQ(0, write_piece(self->dev, 3, 2));		/* for A */
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &b));
	ASSERT_EQ(0, write_piece(self->dev, 3, 3));		/* for B: generation 2 */
	ASSERT_EQ(0, write_piece(self->dev, 5, 2));		/* for B */
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &c));
	ASSERT_EQ(0, write_piece(self->dev, 7, 2));		/* for C */
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, a.id[0], 16));
	ASSERT_EQ(0, write_piece(self->dev, 6, 2));		/* for C */
	ASSERT_EQ(1, vss_snapshot_delete(&self->nl, VSS_A_SNAPSHOT_ID, c.id[0], 16));
	ASSERT_EQ(0, knob_write("copy_store_hold_ms", 0));

	for (p = 0; p < DEV_PIECES; p++) {
		r = check_piece(b.device[0], p, p == 3 ? 2 : 1);
		EXPECT_EQ(0, r) TH_LOG("snapshot B's piece %d: %d", p, r);
	}
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, b.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, info.state);
	EXPECT_EQ(0, check_piece(self->dev, 3, 3));
	for (p = 5; p <= 7; p++)
		EXPECT_EQ(0, check_piece(self->dev, p, 2));
	/* B's 3, 5, 6 and 7; A's slot freed once its store was done. */
	EXPECT_EQ(4 * PIECE, vss_storage_used(&self->nl, self->dev));
}

/*
 * The store fails after the write it held went to the origin: the write
 * stays, the snapshot is invalid (storage error), and a read of it waiting
 * for that store fails with EIO rather than read a slot never written.
 */
TEST_F_TIMEOUT(faults, store_failing_after_its_write_went_invalidates, 120)
{
	const char *vols[] = { self->dev };
	struct vss_snap_info info;
	struct vss_set a;
	int r;

	ASSERT_EQ(0, access(FAULTS "fail_copy_store", W_OK));
	ASSERT_EQ(0, add_file_storage(self, PIECE));
	ASSERT_EQ(0, vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &a));
	ASSERT_EQ(0, knob_write("copy_store_hold_ms", 1000));
	ASSERT_EQ(0, knob_write("fail_copy_store", 1));
	ASSERT_EQ(0, write_piece(self->dev, 3, 2));
	r = check_piece(a.device[0], 3, 1);
	ASSERT_EQ(0, knob_write("copy_store_hold_ms", 0));
	EXPECT_EQ(0, knob_read("fail_copy_store")) TH_LOG("no store met the failure");
	EXPECT_EQ(-EIO, r) TH_LOG("the read of the chunk whose store failed returned %s",
				  r == 0 ? "the old data" : r == 1 ? "other data" : "another error");
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, a.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_INVALID, info.state);
	EXPECT_EQ(VSS_INVALID_STORAGE_ERROR, info.invalid_reason);
	EXPECT_EQ(-EIO, check_piece(a.device[0], 4, 1));
	EXPECT_EQ(0, check_piece(self->dev, 3, 2));
}

TEST_HARNESS_MAIN
