// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SNAPSHOT_CREATE: the request carries one VOLUME per volume, in order, and
 * FLAGS only when set, byte for byte; the reply's set id, consistency,
 * freeze window and nested entries (id, origin, device) are all read, with
 * or without pad; anything missing or malformed, in the set or in an entry,
 * is -EBADMSG and no report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

static const uint8_t set_id[16] = {
	0xaa, 0xbb, 0xcc, 0xdd, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
};

static const struct test_entry entries[3] = {
	{ { 0x11, [15] = 0x01 }, "vda1", "vss-snap3", NULL },
	{ { 0x22, [15] = 0x02 }, "vdb", "vss-snap4", NULL },
	{ { 0x33, [15] = 0x03 }, "dm-0", "vss-snap5", NULL },
};

static const char *const volumes[3] = { "/", "/dev/vdb", "/srv/data" };

static void want_create(struct raw *r, uint32_t seq, unsigned int n,
			uint32_t flags)
{
	unsigned int i;

	raw_start(r, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, seq,
		  VSS_CMD_SNAPSHOT_CREATE);
	for (i = 0; i < n; i++)
		raw_str(r, VSS_A_SNAPSHOT_VOLUME, volumes[i]);
	if (flags)
		raw_u32(r, VSS_A_SNAPSHOT_FLAGS, flags);
	raw_end(r);
}

static int create(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
		  unsigned int n, uint32_t flags, struct libvss_snapset **set)
{
	bool is_error = reply && nlmsg_hdr(reply)->nlmsg_type == NLMSG_ERROR;

	if (reply)
		mock_queue1(m, 0, reply);
	if (!is_error)
		mock_queue1(m, 0, build_ack());
	return libvss_snapshot_create(ctx, volumes, n, flags, set);
}

static void encodes(struct mock *m, struct libvss_ctx *ctx, unsigned int n,
		    uint32_t flags, const char *what)
{
	struct libvss_snapset *set;
	struct raw want;

	ok_int(create(m, ctx, build_snapset(set_id, 0, 0, entries, n, 0, 0, 0),
		      n, flags, &set), 0, "%s: succeeds", what);
	libvss_snapset_free(set);
	want_create(&want, ctx->seq, n, flags);
	ok_request(m, mock_nsent(m) - 1, &want, "%s", what);
}

static void decodes(struct mock *m, struct libvss_ctx *ctx, unsigned int how,
		    const char *what)
{
	struct libvss_snapset *set;
	unsigned int i;
	bool good = true;

	if (!ok_int(create(m, ctx, build_snapset(set_id, VSS_CONSISTENCY_CRASH,
						 0x123456789ULL, entries, 3,
						 how, 0, 0), 3, 0, &set),
		    0, "%s: decodes", what))
		return;
	ok_mem(libvss_snapset_id(set), set_id, 16, "%s: set id", what);
	ok_int(libvss_snapset_consistency(set), VSS_CONSISTENCY_CRASH,
	       "%s: consistency", what);
	ok(libvss_snapset_freeze_window_ns(set) == 0x123456789ULL,
	   "%s: freeze window", what);
	ok_int(libvss_snapset_count(set), 3, "%s: three entries", what);
	for (i = 0; i < 3; i++) {
		good &= !memcmp(libvss_snapset_entry_id(set, i), entries[i].id, 16);
		good &= !strcmp(libvss_snapset_entry_origin(set, i),
				entries[i].origin);
		good &= !strcmp(libvss_snapset_entry_device(set, i),
				entries[i].device);
	}
	ok(good, "%s: every entry's id, origin and device, in order", what);
	ok(!libvss_snapset_entry_id(set, 3) && !libvss_snapset_entry_origin(set, 3) &&
	   !libvss_snapset_entry_device(set, 3), "%s: nothing past the count",
	   what);
	libvss_snapset_free(set);
}

static void bad(struct mock *m, struct libvss_ctx *ctx, struct nl_msg *reply,
		const char *explains, const char *what)
{
	struct libvss_snapset *set = (struct libvss_snapset *)1;

	ok_int(create(m, ctx, reply, 3, 0, &set), -EBADMSG, "%s: -EBADMSG", what);
	ok(set == NULL, "%s: no report", what);
	ok_contains(libvss_ext_error(ctx), explains, "%s: explained", what);
	ok_int((long long)mock_pending(m), 0, "%s: read up to the ACK", what);
}

int main(void)
{
	static const int top[] = {
		VSS_A_SNAPSHOT_SET_ID, VSS_A_SNAPSHOT_CONSISTENCY,
		VSS_A_SNAPSHOT_FREEZE_WINDOW_NS,
	};
	static const int inner[] = {
		VSS_A_SNAPSHOT_ID, VSS_A_SNAPSHOT_ORIGIN, VSS_A_SNAPSHOT_DEVICE,
	};
	const char *with_null[2] = { "/", NULL };
	struct libvss_snapset *set;
	struct libvss_ctx *ctx;
	struct nl_msg *msg;
	struct nlattr *nest;
	struct raw want;
	struct mock *m;
	unsigned int i, n;
	char what[80];

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	encodes(m, ctx, 1, 0, "one volume, no flags");
	encodes(m, ctx, 3, 0, "three volumes: three VOLUME attributes");
	encodes(m, ctx, 3, VSS_SNAPSHOT_F_PERSISTENT, "three volumes, persistent");
	encodes(m, ctx, 1, 0x80000000u | VSS_SNAPSHOT_F_PERSISTENT,
		"unknown flag bits travel for the kernel to judge");

	msg = vss_snapshot_create_encode(ctx, 7, volumes, 2,
					 VSS_SNAPSHOT_F_PERSISTENT);
	want_create(&want, 7, 2, VSS_SNAPSHOT_F_PERSISTENT);
	if (ok(msg != NULL, "vss_snapshot_create_encode() builds a message"))
		ok_mem(nlmsg_hdr(msg), want.buf, want.len,
		       "vss_snapshot_create_encode() output exact for seq 7");
	nlmsg_free(msg);

	/* Refused before sending; the kernel judges the count itself. */
	n = mock_nsent(m);
	set = (struct libvss_snapset *)1;
	ok_int(libvss_snapshot_create(ctx, NULL, 1, 0, &set), -EINVAL,
	       "NULL volumes: -EINVAL");
	ok(set == NULL, "NULL volumes: no report");
	ok_int(libvss_snapshot_create(ctx, with_null, 2, 0, &set), -EINVAL,
	       "a NULL volume: -EINVAL");
	ok_int(mock_nsent(m), n, "refused requests were not sent");
	mock_queue1(m, 0, build_extack(-EINVAL, "no volume given", -1, -1));
	ok_int(libvss_snapshot_create(ctx, NULL, 0, 0, &set), -EINVAL,
	       "no volume: the kernel's -EINVAL");
	ok_str(libvss_ext_error(ctx), "no volume given",
	       "no volume: the kernel's message");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_SNAPSHOT_CREATE);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "no volume");

	decodes(m, ctx, 0, "plain reply");
	decodes(m, ctx, BUILD_PAD, "reply with PAD before the u64");
	decodes(m, ctx, BUILD_UNKNOWN_ATTR, "unknown attributes, nested too");

	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
		snprintf(what, sizeof(what), "reply without attribute %d", top[i]);
		bad(m, ctx, build_snapset(set_id, 0, 0, entries, 3, 0, OMIT(top[i]),
					  0), "lacks", what);
	}
	for (i = 0; i < sizeof(inner) / sizeof(inner[0]); i++) {
		snprintf(what, sizeof(what), "entries without attribute %d",
			 inner[i]);
		bad(m, ctx, build_snapset(set_id, 0, 0, entries, 3, 0, 0,
					  OMIT(inner[i])), "entry without", what);
	}
	bad(m, ctx, build_snapset(set_id, 0, 0, entries, 0, 0, 0, 0), "no entry",
	    "reply without entries");

	/* An entry whose ID is 15 bytes, after two good entries. */
	msg = build_snapset(set_id, 0, 0, entries, 2, 0, 0, 0);
	nest = nla_nest_start(msg, VSS_A_SNAPSHOT_ENTRY | NLA_F_NESTED);
	nla_put(msg, VSS_A_SNAPSHOT_ID, 15, entries[2].id);
	nla_put_string(msg, VSS_A_SNAPSHOT_ORIGIN, "vdc");
	nla_put_string(msg, VSS_A_SNAPSHOT_DEVICE, "vss-snap9");
	nla_nest_end(msg, nest);
	bad(m, ctx, msg, "malformed snapshot entry", "entry with an ID of 15 bytes");

	msg = build_snapset(set_id, 0, 0, entries, 1, 0, OMIT(VSS_A_SNAPSHOT_SET_ID),
			    0);
	nla_put(msg, VSS_A_SNAPSHOT_SET_ID, 17, entries[0].id);
	bad(m, ctx, msg, "malformed", "SET_ID of 17 bytes");

	/* An entry that overruns its nest: the nest length is cut by 4. */
	msg = build_snapset(set_id, 0, 0, entries, 1, 0, 0, 0);
	nest = (struct nlattr *)((char *)nlmsg_hdr(msg) + 20 + 20 + 8 + 12);
	if (ok_int(nla_type(nest), VSS_A_SNAPSHOT_ENTRY, "entry found to cut"))
		nest->nla_len -= 4;
	bad(m, ctx, msg, "malformed", "entry cut short inside its nest");

	bad(m, ctx, NULL, "without a reply", "ACK without a reply");

	/* The kernel's failures. */
	set = (struct libvss_snapset *)1;
	ok_int(create(m, ctx, build_extack(-EBUSY, "another set is being created",
					   -1, -1), 3, 0, &set), -EBUSY,
	       "set in progress: -EBUSY");
	ok(set == NULL, "set in progress: no report");
	ok_str(libvss_ext_error(ctx), "another set is being created",
	       "set in progress: the kernel's message");
	ok_int(create(m, ctx, build_extack(-ENOENT, "origin has no diff storage",
					   28, -1), 3, 0, &set), -ENOENT,
	       "volume without storage: -ENOENT");
	ok_str(libvss_ext_error(ctx),
	       "origin has no diff storage (attribute type 4)",
	       "volume without storage: points at the VOLUME attribute");

	decodes(m, ctx, 0, "good reply after bad ones");
	libvss_snapset_free(NULL);

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
