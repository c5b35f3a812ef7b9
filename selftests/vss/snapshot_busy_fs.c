// SPDX-License-Identifier: GPL-2.0
/*
 * A snapshot of a busy filesystem: ext4 and xfs, on brd (bio-based) and on
 * virtio-blk (blk-mq, the VM's scratch disk).
 *
 * Known files are written and checksummed; then fio and a mutator thread
 * keep the filesystem busy before, during and after the creation of the
 * snapshot, and the known files are overwritten, deleted, truncated and
 * appended to after it. The mutator overwrites, appends to, truncates,
 * deletes and creates files of its own, one system call per change, and
 * keeps a model of every file's content: a filesystem is frozen between
 * two system calls, so the snapshot must show every one of its files as
 * the model had them after one same change n, with every change that ended
 * before the request was sent included and none that began after the reply.
 * The snapshot mounts read-only with every known file's checksum and fscks
 * clean; the origin, remounted, holds the new data and the mutator's last
 * state, and fscks clean too.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_ops.h"

#define MiB		(1ULL << 20)
#define NR_FILES	12
#define MAX_SIZE	(192 * 1024)
#define MAX_OPS		100000
#define MIN_OPS		60	/* mutator changes before, and after, the snapshot */

/* The result of one change: the state of one file after it. */
struct change {
	int file;
	bool exists;
	uint32_t size;
	uint64_t hash;
	uint64_t t_start, t_end;	/* CLOCK_MONOTONIC around the syscall */
};

struct mutator {
	pthread_t thread;
	char dir[96];
	volatile bool stop;
	uint64_t seed;
	uint8_t *data[NR_FILES];	/* the model: each file's content */
	uint32_t size[NR_FILES];
	bool exists[NR_FILES];
	struct change *log;
	uint64_t done;			/* changes made (atomic) */
	char err[160];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static uint64_t content_hash(const void *p, size_t len)
{
	uint64_t n = len;

	return fnv1a(fnv1a(0xcbf29ce484222325ULL, &n, sizeof(n)), p, len);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void file_path(const struct mutator *mu, int i, char *path, size_t size)
{
	snprintf(path, size, "%s/m%02d", mu->dir, i);
}

/*
 * One change to one file, a single system call that changes it (the open
 * of an existing file changes nothing): create (empty), overwrite, append,
 * truncate (shorter or longer) or unlink. Returns 0, or -1 with mu->err.
 */
static int mutate_one(struct mutator *mu, uint64_t n)
{
	uint64_t r = xorshift(&mu->seed);
	int i = r % NR_FILES, fd = -1, op = (r >> 8) % 20;
	struct change *c = &mu->log[n];
	uint32_t size = mu->size[i], off, len, k;
	uint8_t *d = mu->data[i];
	char path[128];
	int ret = 0;

	file_path(mu, i, path, sizeof(path));
	c->file = i;
	if (mu->exists[i] && op >= 3) {
		fd = open(path, O_WRONLY);
		if (fd < 0)
			goto fail;
	}
	c->t_start = now_ns();
	if (!mu->exists[i]) {
		ret = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (ret >= 0)
			fd = ret;
		mu->exists[i] = true;
		mu->size[i] = 0;
	} else if (op < 3) {
		ret = unlink(path);
		mu->exists[i] = false;
		mu->size[i] = 0;
	} else if (op < 7) {
		uint32_t to = xorshift(&mu->seed) % MAX_SIZE;

		ret = ftruncate(fd, to);
		if (to > size)
			memset(d + size, 0, to - size);
		mu->size[i] = to;
	} else {
		/* Overwrite from anywhere in the file, or append (op >= 15). */
		off = op >= 15 ? size : xorshift(&mu->seed) % (size + 1);
		len = 1 + xorshift(&mu->seed) % 32768;
		if (off + len > MAX_SIZE)
			off = MAX_SIZE - len;
		for (k = 0; k < len; k++)
			d[off + k] = (uint8_t)(n * 131 + k * 7 + (k >> 8));
		ret = pwrite(fd, d + off, len, off) == (ssize_t)len ? 0 : -1;
		if (off + len > size)
			mu->size[i] = off + len;
		if (!ret && n % 8 == 0)
			ret = fdatasync(fd);
	}
	c->t_end = now_ns();
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		goto fail;
	c->exists = mu->exists[i];
	c->size = mu->size[i];
	c->hash = c->exists ? content_hash(d, c->size) : 0;
	return 0;
fail:
	snprintf(mu->err, sizeof(mu->err), "change %llu of %s (op %d): %s",
		 (unsigned long long)n, path, op, strerror(errno));
	return -1;
}

static void *mutator_fn(void *arg)
{
	struct mutator *mu = arg;
	uint64_t n;

	for (n = 0; n < MAX_OPS && !mu->stop; n++) {
		if (mutate_one(mu, n))
			break;
		__atomic_store_n(&mu->done, n + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static uint64_t changes_done(struct mutator *mu)
{
	return __atomic_load_n(&mu->done, __ATOMIC_ACQUIRE);
}

/* Waits until the mutator has made n changes; false if it failed or stalled. */
static bool wait_changes(struct mutator *mu, uint64_t n)
{
	int i;

	for (i = 0; i < 120000 && !mu->err[0]; i++) {
		if (changes_done(mu) >= n)
			return true;
		usleep(1000);
	}
	return false;
}

struct seen {
	bool exists;
	uint32_t size;
	uint64_t hash;
};

static int read_files(const struct mutator *mu, const char *dir, struct seen *seen)
{
	static uint8_t buf[MAX_SIZE + 1];
	char path[160];
	ssize_t len;
	int i, fd;

	for (i = 0; i < NR_FILES; i++) {
		snprintf(path, sizeof(path), "%s/m%02d", dir, i);
		fd = open(path, O_RDONLY);
		seen[i].exists = fd >= 0;
		seen[i].size = 0;
		seen[i].hash = 0;
		if (fd < 0) {
			if (errno != ENOENT)
				return -1;
			continue;
		}
		len = read(fd, buf, sizeof(buf));
		close(fd);
		if (len < 0 || len > MAX_SIZE)
			return -1;
		seen[i].size = len;
		seen[i].hash = content_hash(buf, len);
	}
	return 0;
}

static bool seen_is(const struct seen *s, bool exists, uint32_t size, uint64_t hash)
{
	return s->exists == exists && (!exists || (s->size == size && s->hash == hash));
}

/*
 * Finds the change n in [lo, hi] after which the model looks like `seen`
 * (files untouched so far do not exist). Returns n, or -1.
 */
static int64_t find_cut(const struct mutator *mu, const struct seen *seen,
			uint64_t lo, uint64_t hi)
{
	struct seen cur[NR_FILES] = { 0 };
	uint64_t n;
	int i;

	for (n = 0;; n++) {
		if (n >= lo) {
			for (i = 0; i < NR_FILES; i++)
				if (!seen_is(&seen[i], cur[i].exists, cur[i].size, cur[i].hash))
					break;
			if (i == NR_FILES)
				return n;
		}
		if (n >= hi)
			return -1;
		cur[mu->log[n].file].exists = mu->log[n].exists;
		cur[mu->log[n].file].size = mu->log[n].size;
		cur[mu->log[n].file].hash = mu->log[n].hash;
	}
}

FIXTURE(busy) {
	struct vss_nl nl;
	char dev[64];
	char mnt[64];
	char snapmnt[72];
	char sums[64];
	char fio_log[64];
	bool brd, mounted, storage;
	pid_t fio;
	struct mutator mu;
};

FIXTURE_VARIANT(busy) {
	bool virtio;		/* the scratch disk, else a brd ramdisk */
	bool by_device;		/* the set names the device, not the mount */
	unsigned int brd_mib;
	const char *mkfs;
	const char *snap_mount_opts;
	const char *fsck;	/* of the unmounted origin: exit 0 if clean */
	const char *fsck_snap;	/* of the snapshot */
};

#define EXT4_MKFS	"mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,lazy_journal_init=0"
#define EXT4_FSCK	"e2fsck -fn"
#define XFS_MKFS	"mkfs.xfs -q -f"
#define XFS_FSCK	"xfs_repair -n"
/*
 * A frozen XFS keeps changes in its log (the lazy superblock counters):
 * xfs_repair -n of a block copy taken while frozen reports "sb_fdblocks N,
 * counted M" and exits 1, with or without vss (checked with fsfreeze and
 * dd). So, as mounting the snapshot writable would, replay the log: on a
 * dm-snapshot overlay of it (the replay's writes go to a sparse file, and
 * only what the replay and the check read is read); then xfs_repair -n
 * must find nothing.
 */
#define XFS_FSCK_SNAP	"f() { o=vss-xfsck-$$ && modprobe loop && modprobe dm-snapshot && " \
			"truncate -s 64M /tmp/$o.cow && c=$(losetup -f --show /tmp/$o.cow) && " \
			"dmsetup create --noudevsync $o --table " \
			"\"0 $(blockdev --getsz $1) snapshot $1 $c N 8\" && " \
			"dmsetup mknodes $o && mkdir -p /tmp/$o.m && " \
			"mount -o nouuid /dev/mapper/$o /tmp/$o.m && umount /tmp/$o.m && " \
			"xfs_repair -n /dev/mapper/$o; rc=$?; dmsetup remove --noudevsync $o; " \
			"rm -f /dev/mapper/$o; losetup -d $c; rm -rf /tmp/$o.cow /tmp/$o.m; " \
			"return $rc; }; f"

FIXTURE_VARIANT_ADD(busy, ext4_brd) {
	.brd_mib = 64,
	.mkfs = EXT4_MKFS,
	.snap_mount_opts = "ro",
	.fsck = EXT4_FSCK,
	.fsck_snap = EXT4_FSCK,
};

FIXTURE_VARIANT_ADD(busy, xfs_brd) {
	.brd_mib = 320,		/* mkfs.xfs wants 300 MB */
	.mkfs = XFS_MKFS,
	.snap_mount_opts = "ro,nouuid,norecovery",
	.fsck = XFS_FSCK,
	.fsck_snap = XFS_FSCK_SNAP,
};

FIXTURE_VARIANT_ADD(busy, ext4_virtio) {
	.virtio = true,
	.mkfs = EXT4_MKFS,
	.snap_mount_opts = "ro",
	.fsck = EXT4_FSCK,
	.fsck_snap = EXT4_FSCK,
};

FIXTURE_VARIANT_ADD(busy, xfs_virtio) {
	.virtio = true,
	.mkfs = XFS_MKFS,
	.snap_mount_opts = "ro,nouuid,norecovery",
	.fsck = XFS_FSCK,
	.fsck_snap = XFS_FSCK_SNAP,
};

/*
 * The same filesystems named by their device path: a volume is a volume,
 * its mounted filesystem frozen all the same (a busy ext4 snapshotted as
 * its device needed journal recovery, e2fsck -fn failing, before).
 */
FIXTURE_VARIANT_ADD(busy, ext4_virtio_by_device) {
	.virtio = true,
	.by_device = true,
	.mkfs = EXT4_MKFS,
	.snap_mount_opts = "ro",
	.fsck = EXT4_FSCK,
	.fsck_snap = EXT4_FSCK,
};

FIXTURE_VARIANT_ADD(busy, xfs_virtio_by_device) {
	.virtio = true,
	.by_device = true,
	.mkfs = XFS_MKFS,
	.snap_mount_opts = "ro,nouuid,norecovery",
	.fsck = XFS_FSCK,
	.fsck_snap = XFS_FSCK_SNAP,
};

FIXTURE_SETUP(busy)
{
	int i;

	if (variant->virtio) {
		if (vss_scratch_disk(self->dev, sizeof(self->dev)))
			SKIP(return, "no virtio disk with serial vss-scratch "
			     "(selftests/vm/run.sh --scratch-disk; make vm-test passes one)");
	} else {
		ASSERT_EQ(0, vss_brd_setup(variant->brd_mib));
		self->brd = true;
		snprintf(self->dev, sizeof(self->dev), "/dev/ram0");
	}
	snprintf(self->mnt, sizeof(self->mnt), "/tmp/vss-busy-%d.mnt", getpid());
	snprintf(self->snapmnt, sizeof(self->snapmnt), "%s.snap", self->mnt);
	snprintf(self->sums, sizeof(self->sums), "/tmp/vss-busy-%d.sum", getpid());
	snprintf(self->fio_log, sizeof(self->fio_log), "/tmp/vss-busy-%d.fio", getpid());
	ASSERT_EQ(0, vss_sh("%s %s >/dev/null && mkdir -p %s %s && mount %s %s",
			    variant->mkfs, self->dev, self->mnt, self->snapmnt,
			    self->dev, self->mnt));
	self->mounted = true;
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
	ASSERT_EQ(0, vss_storage_add(&self->nl, self->dev, 128 * MiB, 0));
	self->storage = true;
	for (i = 0; i < NR_FILES; i++) {
		self->mu.data[i] = calloc(1, MAX_SIZE);
		ASSERT_NE(NULL, self->mu.data[i]);
	}
	self->mu.log = calloc(MAX_OPS, sizeof(*self->mu.log));
	ASSERT_NE(NULL, self->mu.log);
}

/*
 * In the parent, after the test's process is gone: the harness skips a
 * plain teardown when an assertion fails (it longjmps over the fork's
 * result), and a failed variant must not leave the next one a mounted
 * disk. Only the shared fixture data is valid here, and no socket of the
 * test's.
 */
FIXTURE_TEARDOWN_PARENT(busy)
{
	struct vss_nl nl;
	int i;

	if (self->fio > 0)
		kill(self->fio, SIGKILL);
	vss_sh("umount %s 2>/dev/null", self->snapmnt);
	if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
		TH_LOG("no netlink socket to clean up with");
	vss_snapshot_delete(&nl, VSS_A_SNAPSHOT_ALL, NULL, 0);
	/* fio may take a moment to die and let go of its files. */
	for (i = 0; self->mounted && i < 50 && vss_sh("umount %s 2>/dev/null", self->mnt); i++)
		usleep(100000);
	if (self->storage)
		EXPECT_EQ(0, vss_storage_remove(&nl, self->dev));
	vss_nl_close(&nl);
	vss_sh("rmdir %s %s 2>/dev/null; rm -f %s %s.new %s", self->mnt, self->snapmnt,
	       self->sums, self->sums, self->fio_log);
	if (self->brd)
		vss_brd_teardown();
}

/*
 * fio at work on files of its own until killed: random buffered writes with
 * fsyncs, random direct reads and writes, appends, and files created and
 * deleted over and over. Its jobs are threads, so that SIGKILL stops them
 * all at once.
 */
static pid_t start_fio(const char *dir, const char *log)
{
	char dirarg[128], logarg[128];
	pid_t pid;

	snprintf(dirarg, sizeof(dirarg), "--directory=%s", dir);
	snprintf(logarg, sizeof(logarg), "--output=%s", log);
	pid = fork();
	if (pid)
		return pid;
	execlp("fio", "fio", dirarg, logarg, "--eta=never", "--thread",
	       "--time_based", "--runtime=600",
	       "--ioengine=psync", "--randrepeat=0",
	       "--name=over", "--rw=randwrite", "--bs=4k", "--size=2m", "--fsync=8",
	       "--name=direct", "--rw=randrw", "--bs=16k", "--size=2m", "--direct=1",
	       "--name=append", "--rw=write", "--bs=8k", "--size=256k", "--file_append=1",
	       "--name=churn", "--rw=write", "--bs=4k", "--nrfiles=8", "--filesize=16k",
	       "--unlink_each_loop=1",
	       (char *)NULL);
	_exit(127);
}

static bool fio_ready(const char *dir)
{
	char path[160];
	struct stat st;

	snprintf(path, sizeof(path), "%s/over.0.0", dir);
	if (stat(path, &st) || st.st_size < 2 * (off_t)MiB)
		return false;
	snprintf(path, sizeof(path), "%s/direct.0.0", dir);
	return !stat(path, &st) && st.st_size >= 2 * (off_t)MiB;
}

static int fill_write(int fd, size_t len, off_t off, uint64_t seed)
{
	static uint64_t buf[(1 << 20) / 8];
	size_t i, n;

	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		for (i = 0; i < (n + 7) / 8; i++)
			buf[i] = xorshift(&seed);
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			return -1;
		len -= n;
		off += n;
	}
	return 0;
}

/*
 * After the snapshot: overwrite f1, delete f2, truncate f3, append to f4,
 * overwrite f5 block by block in random order with O_DIRECT, delete d/.
 */
static int change_known_files(const char *m, uint64_t seed)
{
	const size_t f5_blocks = 5 * 300000 / 4096;
	uint32_t order[5 * 300000 / 4096];
	char path[160];
	size_t i, j, t;
	void *blk;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/f1", m);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0 || fill_write(fd, 1000000, 0, seed))
		return -1;
	close(fd);
	snprintf(path, sizeof(path), "%s/f2", m);
	if (unlink(path))
		return -1;
	snprintf(path, sizeof(path), "%s/f3", m);
	if (truncate(path, 1000))
		return -1;
	snprintf(path, sizeof(path), "%s/f4", m);
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0 || fill_write(fd, 500000, 4 * 300000, seed + 1))
		return -1;
	close(fd);

	snprintf(path, sizeof(path), "%s/f5", m);
	fd = open(path, O_WRONLY | O_DIRECT);
	if (fd < 0 || posix_memalign(&blk, 4096, 4096))
		return -1;
	for (i = 0; i < f5_blocks; i++)
		order[i] = i;
	for (i = f5_blocks - 1; i > 0; i--) {
		j = xorshift(&seed) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < f5_blocks && !err; i++) {
		for (j = 0; j < 4096 / 8; j++)
			((uint64_t *)blk)[j] = xorshift(&seed);
		if (pwrite(fd, blk, 4096, (off_t)order[i] * 4096) != 4096)
			err = -1;
	}
	free(blk);
	close(fd);
	if (err)
		return -1;

	snprintf(path, sizeof(path), "%s/d/seq", m);
	if (unlink(path))
		return -1;
	snprintf(path, sizeof(path), "%s/d/small", m);
	if (unlink(path))
		return -1;
	snprintf(path, sizeof(path), "%s/d", m);
	return rmdir(path);
}

/* Runs a check; its output is shown only if it fails. */
static int fsck_clean(const char *fsck, const char *dev)
{
	return vss_sh("out=$(%s %s 2>&1) || { echo \"$out\" >&2; exit 1; }", fsck, dev);
}

TEST_F_TIMEOUT(busy, snapshot_of_busy_fs_has_files_of_its_moment_and_fscks_clean, 300)
{
	const char *m = self->mnt;
	const char *vols[] = { variant->by_device ? self->dev : self->mnt };
	struct mutator *mu = &self->mu;
	struct seen seen[NR_FILES];
	uint64_t t_send, t_reply, lo, hi, n;
	struct vss_snap_info info;
	struct vss_set set;
	char fio_dir[96], snap_busy[96];
	int64_t cut;
	int i, err, status;

	if (!variant->virtio && vss_kernel_older(6, 9)) {
		/* brd has ->rw_page before 6.9: refused by design. */
		EXPECT_EQ(-EOPNOTSUPP, vss_snapshot_create(&self->nl, vols, 1,
							    VSS_SNAPSHOT_F_PERSISTENT, &set));
		EXPECT_STREQ(VSS_RW_PAGE_REFUSED_MSG, self->nl.ext_msg);
		SKIP(return, "brd has ->rw_page before 6.9: its snapshots are refused");
	}

	/* fio first: it takes seconds to start and lay out its files. */
	ASSERT_EQ(0, vss_sh("mkdir %s/busy %s/fio", m, m));
	snprintf(fio_dir, sizeof(fio_dir), "%s/fio", m);
	self->fio = start_fio(fio_dir, self->fio_log);
	ASSERT_LT(0, self->fio);
	/* Known files, every size class, and their checksums (kept outside). */
	ASSERT_EQ(0, vss_sh("cd %s && for i in 1 2 3 4 5 6; do "
			    "head -c $((i * 300000)) /dev/urandom > f$i; done && "
			    "mkdir d && seq 1 20000 > d/seq && echo small > d/small && "
			    "sync && sha256sum f[0-9] d/* > %s", m, self->sums));
	for (i = 0; i < 600 && !fio_ready(fio_dir) &&
	     !waitpid(self->fio, &status, WNOHANG); i++)
		usleep(100000);
	if (!fio_ready(fio_dir)) {
		kill(self->fio, SIGKILL);
		waitpid(self->fio, &status, 0);
		self->fio = 0;
		vss_sh("cat %s >&2", self->fio_log);
		ASSERT_TRUE(false) {
			TH_LOG("fio did not lay out its files");
		}
	}
	snprintf(mu->dir, sizeof(mu->dir), "%s/busy", m);
	mu->seed = now_ns() | 1;
	TH_LOG("mutator seed %llu", (unsigned long long)mu->seed);
	ASSERT_EQ(0, pthread_create(&mu->thread, NULL, mutator_fn, mu));
	if (!wait_changes(mu, MIN_OPS)) {
		mu->stop = true;
		pthread_join(mu->thread, NULL);
		ASSERT_TRUE(false) {
			TH_LOG("mutator: %s", mu->err[0] ? mu->err : "stalled");
		}
	}

	t_send = now_ns();
	err = vss_snapshot_create(&self->nl, vols, 1, VSS_SNAPSHOT_F_PERSISTENT, &set);
	t_reply = now_ns();
	if (!err) {
		/* The known files change now, under the same load. */
		err = change_known_files(m, mu->seed);
		if (!err)
			err = vss_sh("cd %s && sha256sum f1 f3 f4 f5 > %s.new", m, self->sums);
		wait_changes(mu, changes_done(mu) + MIN_OPS);
	}
	mu->stop = true;
	pthread_join(mu->thread, NULL);
	/* fio must still be at it: it ran across the whole window. */
	EXPECT_EQ(0, waitpid(self->fio, &status, WNOHANG)) {
		vss_sh("cat %s >&2", self->fio_log);
	}
	kill(self->fio, SIGKILL);
	waitpid(self->fio, &status, 0);
	self->fio = 0;
	ASSERT_EQ(0, err) {
		TH_LOG("creating the snapshot, or the changes after it, failed: %s",
		       self->nl.ext_msg);
	}
	ASSERT_STREQ("", mu->err);
	n = changes_done(mu);
	EXPECT_EQ(VSS_CONSISTENCY_FROZEN, set.consistency);
	TH_LOG("freeze window %llu us, request %llu us, %llu mutator changes",
	       (unsigned long long)set.window_ns / 1000,
	       (unsigned long long)(t_reply - t_send) / 1000, (unsigned long long)n);

	/* The snapshot: known files by checksum, mutator files by the model. */
	ASSERT_EQ(0, vss_sh("mount -o %s %s %s", variant->snap_mount_opts,
			    set.device[0], self->snapmnt));
	EXPECT_EQ(0, vss_sh("cd %s && sha256sum -c --quiet %s >&2", self->snapmnt,
			    self->sums));
	for (lo = 0; lo < n && mu->log[lo].t_end < t_send; lo++)
		;
	for (hi = lo; hi < n && mu->log[hi].t_start < t_reply; hi++)
		;
	snprintf(snap_busy, sizeof(snap_busy), "%s/busy", self->snapmnt);
	ASSERT_EQ(0, read_files(mu, snap_busy, seen));
	cut = find_cut(mu, seen, lo, hi);
	EXPECT_LE(0, cut) {
		TH_LOG("the mutator's files in the snapshot are no state between "
		       "its changes %llu and %llu", (unsigned long long)lo,
		       (unsigned long long)hi);
		for (i = 0; i < NR_FILES; i++)
			TH_LOG("  m%02d: %s size %u", i, seen[i].exists ? "exists" : "absent",
			       seen[i].size);
	}
	TH_LOG("snapshot holds the mutator's first %lld changes (allowed %llu to %llu)",
	       (long long)cut, (unsigned long long)lo, (unsigned long long)hi);
	ASSERT_EQ(0, vss_sh("umount %s", self->snapmnt));
	EXPECT_EQ(0, fsck_clean(variant->fsck_snap, set.device[0]));

	/* The origin, from its disk: the new data and the mutator's last state. */
	ASSERT_EQ(0, vss_sh("umount %s && mount %s %s", m, self->dev, m));
	EXPECT_EQ(0, vss_sh("cd %s && sha256sum -c --quiet %s.new >&2", m, self->sums));
	EXPECT_EQ(0, vss_sh("cd %s && grep ' f6$' %s | sha256sum -c --quiet >&2",
			    m, self->sums));
	EXPECT_EQ(0, vss_sh("cd %s && ! test -e f2 && ! test -e d", m));
	ASSERT_EQ(0, read_files(mu, mu->dir, seen));
	EXPECT_EQ(n, find_cut(mu, seen, n, n));
	ASSERT_EQ(0, vss_sh("umount %s", m));
	self->mounted = false;
	EXPECT_EQ(0, fsck_clean(variant->fsck, self->dev));

	/* Nothing overflowed on the way. */
	ASSERT_EQ(0, vss_snapshot_get(&self->nl, set.id[0], &info));
	EXPECT_EQ(VSS_SNAPSHOT_ACTIVE, info.state);
}

TEST_HARNESS_MAIN
