// SPDX-License-Identifier: GPL-2.0
/*
 * vss-imgsync VOLUME IMAGE: keep a raw image of a volume up to date, the
 * reference block-level incremental backup on libvss's public API
 * (Documentation/cbt.md, "Userspace").
 *
 * Each run snapshots VOLUME (its diff storage must be configured), reads
 * the token kept beside the image (IMAGE.token) and copies into IMAGE
 * either the extents changed since that token or, the first time, when
 * the token is missing or damaged, when the image's size is not the
 * volume's, or when the module answers ESTALE, the whole snapshot. Then
 * it fsyncs the image, writes the snapshot's token to IMAGE.token
 * atomically (a new file, fsync, rename, fsync of the directory) and
 * deletes the snapshot.
 *
 * Why this order is safe: the token names the instant the image holds.
 * It is written only after the image is on disk; a run that fails midway
 * leaves the old token, and changes(old -> next) covers every block this
 * run may have touched, so the next run repairs the image. A full copy
 * removes the old token before it starts: a half-full image is never
 * vouched for by a token it no longer matches.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include <libvss.h>

enum {
	EXIT_OK = 0,		/* the image is the snapshot's, token saved */
	EXIT_FAIL = 1,		/* nothing vouched for: the old token stands */
	EXIT_USAGE = 2,
};

#define COPY_BUF	(1024 * 1024)

struct run {
	const char *volume, *image;
	bool keep;			/* --keep-snapshot */
	char token_path[PATH_MAX];
	char tmp_path[PATH_MAX + 8];
	struct libvss_ctx *ctx;
	struct libvss_snapset *set;
	char device[PATH_MAX];
	char new_token[LIBVSS_TOKEN_STRING_SIZE];
	char old_token[LIBVSS_TOKEN_STRING_SIZE + 2];
	bool have_old;
	int src, dst;
	uint64_t size;
	uint64_t copied, extents;
	void *buf;
};

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("vss-imgsync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int lib_fail(struct run *r, int err, const char *what)
{
	const char *ext = libvss_ext_error(r->ctx);

	say("%s: %s%s%s", what, strerror(-err), ext ? ": " : "", ext ? ext : "");
	return EXIT_FAIL;
}

/* The token beside the image, if there is a sound one. */
static void read_old_token(struct run *r)
{
	int fd = open(r->token_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		if (errno != ENOENT)
			say("cannot read %s: %s: full copy", r->token_path,
			    strerror(errno));
		return;
	}
	n = read(fd, r->old_token, sizeof(r->old_token) - 1);
	close(fd);
	if (n < 0) {
		say("cannot read %s: %s: full copy", r->token_path, strerror(errno));
		return;
	}
	r->old_token[n] = '\0';
	r->old_token[strcspn(r->old_token, "\n")] = '\0';
	if (libvss_token_check(r->old_token)) {
		say("%s is not a sound token (damaged?): full copy", r->token_path);
		return;
	}
	r->have_old = true;
}

static int copy_range(struct run *r, uint64_t off, uint64_t len)
{
	while (len) {
		size_t n = len < COPY_BUF ? (size_t)len : COPY_BUF;
		ssize_t got = pread(r->src, r->buf, n, (off_t)off), put;

		if (got <= 0) {
			say("cannot read %s at %" PRIu64 ": %s", r->device, off,
			    got ? strerror(errno) : "end of device");
			return -EIO;
		}
		put = pwrite(r->dst, r->buf, (size_t)got, (off_t)off);
		if (put != got) {
			say("cannot write %s at %" PRIu64 ": %s", r->image, off,
			    put < 0 ? strerror(errno) : "short write");
			return -EIO;
		}
		off += (uint64_t)got;
		len -= (uint64_t)got;
		r->copied += (uint64_t)got;
	}
	return 0;
}

/* The extents since the old token: 0, -ESTALE (explained), or failure. */
static int copy_changes(struct run *r)
{
	struct libvss_changes *it;
	uint64_t off, len;
	int err;

	err = libvss_changes_open(r->ctx, libvss_snapset_entry_id(r->set, 0),
				  r->old_token, 0, &it);
	if (err) {
		lib_fail(r, err, "cannot ask for the changes");
		return -EIO;
	}
	while ((err = libvss_changes_next(it, &off, &len)) == 1) {
		if (off > r->size || len > r->size - off) {
			say("extent %" PRIu64 "+%" PRIu64 " past the end of %s",
			    off, len, r->device);
			err = -ERANGE;
			break;
		}
		err = copy_range(r, off, len);
		if (err)
			break;
		r->extents++;
	}
	if (err == -ESTALE) {
		const char *name = libvss_stale_reason_name(libvss_ext_stale_reason(r->ctx));
		const char *ext = libvss_ext_error(r->ctx);

		say("the module cannot vouch for the changes since %s (reason %s: %s): full copy",
		    r->token_path, name ? name : "unknown", ext ? ext : "ESTALE");
	} else if (err < 0 && err != -EIO && err != -ERANGE) {
		lib_fail(r, err, "cannot read the changes");
	}
	libvss_changes_close(it);
	return err;
}

static int sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, ret;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = fsync(fd) ? -errno : 0;
	close(fd);
	return ret;
}

/* The old token goes before a full copy overwrites what it vouched for. */
static int drop_old_token(struct run *r)
{
	if (unlink(r->token_path) && errno != ENOENT) {
		say("cannot remove %s: %s", r->token_path, strerror(errno));
		return -errno;
	}
	return sync_dir(r->token_path);
}

static int copy_full(struct run *r)
{
	int err = drop_old_token(r);

	if (err)
		return err;
	r->copied = 0;
	r->extents = 1;
	if (ftruncate(r->dst, (off_t)r->size)) {
		say("cannot size %s: %s", r->image, strerror(errno));
		return -errno;
	}
	return copy_range(r, 0, r->size);
}

static int save_token(struct run *r)
{
	size_t len = strlen(r->new_token);
	int fd, err = 0;

	snprintf(r->tmp_path, sizeof(r->tmp_path), "%s.tmp", r->token_path);
	unlink(r->tmp_path);	/* a leftover of a run that died */
	fd = open(r->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		say("cannot create %s: %s", r->tmp_path, strerror(errno));
		return -errno;
	}
	r->new_token[len] = '\n';
	if (write(fd, r->new_token, len + 1) != (ssize_t)(len + 1) || fsync(fd))
		err = errno ? -errno : -EIO;
	r->new_token[len] = '\0';
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(r->tmp_path, r->token_path))
		err = -errno;
	if (!err)
		err = sync_dir(r->token_path);
	if (err) {
		say("cannot save the token in %s: %s", r->token_path, strerror(-err));
		unlink(r->tmp_path);
	}
	return err;
}

static int open_files(struct run *r)
{
	struct stat st;

	r->src = open(r->device, O_RDONLY | O_CLOEXEC);
	if (r->src < 0) {
		say("cannot open %s: %s", r->device, strerror(errno));
		return -errno;
	}
	if (ioctl(r->src, BLKGETSIZE64, &r->size)) {
		say("cannot size %s: %s", r->device, strerror(errno));
		return -errno;
	}
	/* Root runs this: an IMAGE that is a symlink is not followed. */
	r->dst = open(r->image, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (r->dst < 0) {
		say("cannot open %s: %s", r->image, strerror(errno));
		return -errno;
	}
	if (fstat(r->dst, &st)) {
		say("cannot stat %s: %s", r->image, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode)) {
		say("%s is not a regular file", r->image);
		return -EINVAL;
	}
	if (r->have_old && (uint64_t)st.st_size != r->size) {
		say("%s has %jd bytes, the volume %" PRIu64 ": full copy", r->image,
		    (intmax_t)st.st_size, r->size);
		r->have_old = false;
	}
	return 0;
}

static int sync_image(struct run *r)
{
	const struct libvss_snapset *set = r->set;
	bool full = !r->have_old;
	int err;

	if (!full) {
		err = copy_changes(r);
		if (err == -ESTALE)
			full = true;
		else if (err)
			return EXIT_FAIL;
	}
	if (full && copy_full(r))
		return EXIT_FAIL;
	if (fsync(r->dst)) {
		say("cannot fsync %s: %s", r->image, strerror(errno));
		return EXIT_FAIL;
	}
	if (save_token(r))
		return EXIT_FAIL;
	printf("%s %" PRIu64 " bytes in %" PRIu64 " extents from %s\n",
	       full ? "full" : "incremental", r->copied, r->extents, r->device);
	if (r->keep) {
		char id[LIBVSS_ID_STRING_SIZE];

		printf("kept snapshot %s %s\n",
		       libvss_id_to_string(libvss_snapset_entry_id(set, 0), id),
		       r->device);
	}
	return EXIT_OK;
}

static int run(struct run *r)
{
	const char *vols[1] = { r->volume };
	unsigned int count;
	int err, ret;

	err = libvss_open(&r->ctx);
	if (err) {
		say("cannot reach the vss module: %s%s%s", strerror(-err),
		    libvss_ext_error(NULL) ? ": " : "",
		    libvss_ext_error(NULL) ? libvss_ext_error(NULL) : "");
		return EXIT_FAIL;
	}
	/* Auto-release unless kept: a crash of this program deletes it too. */
	err = libvss_snapshot_create(r->ctx, vols, 1,
				     r->keep ? VSS_SNAPSHOT_F_PERSISTENT : 0,
				     &r->set);
	if (err) {
		ret = lib_fail(r, err, "cannot snapshot the volume");
		goto out;
	}
	snprintf(r->device, sizeof(r->device), "/dev/%s",
		 libvss_snapset_entry_device(r->set, 0));
	err = libvss_snapset_entry_token(r->set, 0, r->new_token,
					 sizeof(r->new_token));
	if (err) {
		say("the module gave the snapshot no token: it tracks no changed blocks (%s)",
		    strerror(-err));
		ret = EXIT_FAIL;
		goto out_delete;
	}
	read_old_token(r);
	r->src = r->dst = -1;
	r->buf = malloc(COPY_BUF);
	if (!r->buf || open_files(r))
		ret = EXIT_FAIL;
	else
		ret = sync_image(r);
	if (r->src >= 0)
		close(r->src);
	if (r->dst >= 0 && close(r->dst) && !ret) {
		say("cannot close %s: %s", r->image, strerror(errno));
		ret = EXIT_FAIL;
	}
	free(r->buf);
out_delete:
	if (!r->keep || ret) {
		err = libvss_snapshot_delete_id(r->ctx,
						libvss_snapset_entry_id(r->set, 0),
						&count);
		if (err && ret == EXIT_OK)
			ret = lib_fail(r, err, "cannot delete the snapshot");
	}
out:
	libvss_snapset_free(r->set);
	libvss_close(r->ctx);
	return ret;
}

static void usage(FILE *f)
{
	fputs("Usage: vss-imgsync [--keep-snapshot] VOLUME IMAGE\n"
	      "Keep the raw image IMAGE of VOLUME (a block device with vss diff\n"
	      "storage) up to date: copy the blocks changed since the token in\n"
	      "IMAGE.token, or the whole volume the first time or when the module\n"
	      "cannot vouch for the changes; then save the new token.\n"
	      "  --keep-snapshot  keep the snapshot (persistent) and print its id\n"
	      "Exit: 0 done, 1 failed (IMAGE.token unchanged), 2 usage.\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep-snapshot", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct run r = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			r.keep = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	r.volume = argv[optind];
	r.image = argv[optind + 1];
	if ((size_t)snprintf(r.token_path, sizeof(r.token_path), "%s.token",
			     r.image) >= sizeof(r.token_path) - 4) {
		say("IMAGE: the name is too long");
		return EXIT_USAGE;
	}
	return run(&r);
}
