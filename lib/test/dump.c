// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dumps, through libvss_storage_list(): NLM_F_MULTI parts spread over any
 * number of datagrams are all decoded, in order, up to NLMSG_DONE; the
 * verdict NLMSG_DONE carries (a dump that fails after it started) is the
 * result, with its extack message; an NLMSG_ERROR in place of the dump (one
 * that could not start) too. A malformed part fails the whole list but the
 * dump is still read to its end, and NLM_F_DUMP_INTR is -EAGAIN.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "tap.h"

#define MANY	40

static char names[MANY][16];
static struct test_storage origins[MANY];

static struct nl_msg *part(unsigned int i)
{
	return build_storage(&origins[i], BUILD_MULTI, 0);
}

static bool list_is(struct libvss_storage_list *l, unsigned int n,
		    const char *what)
{
	unsigned int i;
	bool good = true;

	if (!ok_int(libvss_storage_list_count(l), n, "%s: %u entries", what, n))
		return false;
	for (i = 0; i < n; i++) {
		const struct libvss_storage *s = libvss_storage_list_entry(l, i);

		good &= s && !strcmp(libvss_storage_origin(s), names[i]) &&
			libvss_storage_max_bytes(s) == origins[i].max_bytes &&
			libvss_storage_used_bytes(s) == origins[i].used_bytes;
	}
	ok(good, "%s: every entry decoded, in order", what);
	ok(libvss_storage_list_entry(l, n) == NULL,
	   "%s: no entry past the count", what);
	return good;
}

static void fails(struct mock *m, struct libvss_ctx *ctx, int want,
		  const char *explains, const char *what)
{
	struct libvss_storage_list *l = (struct libvss_storage_list *)1;

	ok_int(libvss_storage_list(ctx, &l), want, "%s: %d", what, want);
	ok(l == NULL, "%s: no list", what);
	if (explains)
		ok_contains(libvss_ext_error(ctx), explains, "%s: explained", what);
	else
		ok_str(libvss_ext_error(ctx), NULL, "%s: no explanation", what);
	ok_int((long long)mock_pending(m), 0, "%s: read to the end", what);
}

int main(void)
{
	struct libvss_storage_list *l;
	struct nl_msg *msgs[16], *msg;
	struct libvss_ctx *ctx;
	struct mock *m;
	unsigned int i, j;
	int deltas[4];

	for (i = 0; i < MANY; i++) {
		snprintf(names[i], sizeof(names[i]), "vd%u", i);
		origins[i] = (struct test_storage){
			.origin = names[i], .kind = VSS_STORAGE_MEMORY,
			.max_bytes = (1ULL << 32) + i, .used_bytes = 65536ULL * i,
			.chunk_bytes = 65536,
		};
	}
	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	/* Three parts in one datagram, DONE in the next. */
	for (i = 0; i < 3; i++)
		msgs[i] = part(i);
	mock_queue(m, 0, msgs, 3);
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_storage_list(ctx, &l), 0, "parts, then DONE: success")) {
		list_is(l, 3, "parts, then DONE");
		libvss_storage_list_free(l);
	}

	/* One part per datagram, DONE sharing the last. */
	mock_queue1(m, 0, part(0));
	mock_queue1(m, 0, part(1));
	msgs[0] = part(2);
	msgs[1] = build_done(0, NULL);
	mock_queue(m, 0, msgs, 2);
	if (ok_int(libvss_storage_list(ctx, &l), 0,
		   "DONE in the datagram of the last part: success")) {
		list_is(l, 3, "DONE in the datagram of the last part");
		libvss_storage_list_free(l);
	}
	ok_int((long long)mock_pending(m), 0, "nothing left after DONE");

	/* Many parts, full datagrams: the list grows past its first size. */
	for (i = 0; i < MANY; i += j) {
		for (j = 0; j < 16 && i + j < MANY; j++)
			msgs[j] = part(i + j);
		mock_queue(m, 0, msgs, j);
	}
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_storage_list(ctx, &l), 0, "%d parts: success", MANY)) {
		list_is(l, MANY, "40 parts");
		libvss_storage_list_free(l);
	}

	/* Nothing to list. */
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_storage_list(ctx, &l), 0, "DONE alone: success")) {
		list_is(l, 0, "DONE alone");
		libvss_storage_list_free(l);
	}
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	mock_queue1(m, 0, msg);
	if (ok_int(libvss_storage_list(ctx, &l), 0,
		   "DONE without a payload: a plain end")) {
		list_is(l, 0, "DONE without a payload");
		libvss_storage_list_free(l);
	}

	/* Parts of an abandoned dump, and its DONE, are not ours. */
	msgs[0] = part(5);	deltas[0] = -1;
	msgs[1] = build_done(0, NULL);	deltas[1] = -1;
	msgs[2] = part(0);	deltas[2] = 0;
	msgs[3] = nlmsg_alloc_simple(NLMSG_NOOP, 0);	deltas[3] = 0;
	mock_queue_seqs(m, deltas, msgs, 4);
	mock_queue_from(m, 0x999, build_done(-EPERM, NULL));
	mock_queue1(m, 0, build_multi(build_storage(&origins[1], 0, 0)));
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_storage_list(ctx, &l), 0,
		   "stale parts, stale DONE, NOOP: success")) {
		list_is(l, 2, "stale parts skipped");
		libvss_storage_list_free(l);
	}

	/* The dump fails after it started: the verdict is in DONE. */
	mock_queue1(m, 0, part(0));
	mock_queue1(m, 0, build_done(-EPERM, "needs CAP_SYS_ADMIN"));
	fails(m, ctx, -EPERM, "needs CAP_SYS_ADMIN",
	      "DONE with an error and extack after a part");
	ok_str(libvss_ext_error(ctx), "needs CAP_SYS_ADMIN",
	       "DONE with extack: the kernel's message exactly");
	mock_queue1(m, 0, build_done(-ENOBUFS, NULL));
	fails(m, ctx, -ENOBUFS, NULL, "DONE with a bare error");

	/* The dump could not start: an NLMSG_ERROR instead. */
	mock_queue1(m, 0, build_extack(-EOPNOTSUPP, "no dump here", -1, -1));
	fails(m, ctx, -EOPNOTSUPP, "no dump here", "NLMSG_ERROR in place of a dump");
	mock_queue1(m, 0, part(0));
	mock_queue1(m, 0, build_extack(-EINVAL, "bad part", -1, -1));
	fails(m, ctx, -EINVAL, "bad part", "NLMSG_ERROR after a part");

	/* A malformed part fails the list; the dump is read to DONE. */
	msgs[0] = part(0);
	msgs[1] = build_storage(&origins[1], BUILD_MULTI,
				OMIT(VSS_A_STORAGE_USED_BYTES));
	msgs[2] = part(2);
	mock_queue(m, 0, msgs, 3);
	mock_queue1(m, 0, part(3));
	mock_queue1(m, 0, build_done(0, NULL));
	fails(m, ctx, -EBADMSG, "lacks", "a malformed part among good ones");

	/* The kernel's verdict outranks a part we could not decode. */
	mock_queue1(m, 0, build_storage(&origins[1], BUILD_MULTI,
					OMIT(VSS_A_STORAGE_ORIGIN)));
	mock_queue1(m, 0, build_done(-EPERM, "needs CAP_SYS_ADMIN"));
	fails(m, ctx, -EPERM, "needs CAP_SYS_ADMIN",
	      "DONE error after a malformed part");

	/* NLMSG_DONE itself malformed. */
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	memset(nlmsg_reserve(msg, 2, 0), 0, 2);
	mock_queue1(m, 0, msg);
	fails(m, ctx, -EBADMSG, "malformed netlink done", "DONE of 2 bytes");
	mock_queue1(m, 0, build_done(5, NULL));
	fails(m, ctx, -EBADMSG, "malformed netlink done", "DONE with a positive value");
	msg = build_done(-EPERM, "x");
	nlmsg_hdr(msg)->nlmsg_len -= 4;		/* TLV cut short */
	mock_queue1(m, 0, msg);
	fails(m, ctx, -EBADMSG, "malformed netlink done", "DONE with a cut TLV");

	/* The kernel says the table changed while it dumped it. */
	mock_queue1(m, 0, part(0));
	msg = part(1);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP_INTR;
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_done(0, NULL));
	fails(m, ctx, -EAGAIN, "try again", "NLM_F_DUMP_INTR on a part");
	msg = build_done(0, NULL);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP_INTR;
	mock_queue1(m, 0, msg);
	fails(m, ctx, -EAGAIN, "try again", "NLM_F_DUMP_INTR on DONE");

	mock_queue1(m, 0, part(0));
	mock_queue1(m, 0, build_done(0, NULL));
	if (ok_int(libvss_storage_list(ctx, &l), 0, "a good dump after bad ones")) {
		list_is(l, 1, "a good dump after bad ones");
		ok_str(libvss_ext_error(ctx), NULL,
		       "a good dump clears the ext error");
		libvss_storage_list_free(l);
	}
	libvss_storage_list_free(NULL);

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
