/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Builders of the messages the kernel would send, for the mock to play back.
 * Seq and port id are left 0: the mock fills them in when they are received.
 */
#ifndef LIBVSS_TEST_BUILD_H
#define LIBVSS_TEST_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

/* The family id the tests' nlctrl hands out for "vss". */
#define TEST_FAMILY_ID		0x1d
#define TEST_MCGRP_EVENTS	7
#define TEST_MCGRP_MONITOR	8

/* nlctrl's CTRL_CMD_NEWFAMILY reply, as ctrl_fill_info() lays it out. */
struct nl_msg *build_family(uint16_t id, uint32_t version, bool groups);

/* An NLMSG_ERROR with NETLINK_CAP_ACK layout; @error 0 is an ACK. */
struct nl_msg *build_ack(void);
struct nl_msg *build_error(int error);
/* The same with extack TLVs; @offs < 0 and @miss_type < 0 leave them out. */
struct nl_msg *build_extack(int error, const char *msg, long offs,
			    long miss_type);
/* As the kernel sends it without NETLINK_CAP_ACK: the request echoed whole. */
struct nl_msg *build_extack_uncapped(const struct nlmsghdr *req, int error,
				     const char *msg);

enum {
	FEAT_NO_VERSION		= 1 << 0,
	FEAT_NO_PROTOCOL	= 1 << 1,
	FEAT_NO_FEATURES	= 1 << 2,
	FEAT_PAD		= 1 << 3,	/* PAD before FEATURES */
	FEAT_UNKNOWN_ATTR	= 1 << 4,	/* type above VSS_A_FEATURES_MAX */
	FEAT_SHORT_FEATURES	= 1 << 5,	/* FEATURES of 4 bytes */
	FEAT_UNTERMINATED	= 1 << 6,	/* version without its NUL */
};

/* The module's GET_FEATURES reply; @how is a mask of FEAT_* quirks. */
struct nl_msg *build_features(const char *version, uint32_t protocol,
			      uint64_t mask, unsigned int how);

/* Marks @msg a part of a dump (NLM_F_MULTI), as the kernel sends them. */
struct nl_msg *build_multi(struct nl_msg *msg);
/*
 * The NLMSG_DONE that ends a dump, as netlink_dump_done() lays it out: the
 * dump's verdict (0 or -errno) as an int, then with @text an extack message.
 */
struct nl_msg *build_done(int error, const char *text);

/* Quirks of the builders of vss replies below. */
enum {
	BUILD_PAD		= 1 << 0,	/* PAD before each u64 */
	BUILD_UNKNOWN_ATTR	= 1 << 1,	/* a type above the set's MAX */
	BUILD_MULTI		= 1 << 2,	/* NLM_F_MULTI: a dump part */
};

/* Attribute type @t in an @omit mask: the builder leaves it out. */
#define OMIT(t)		(1u << (t))

struct test_storage {
	const char *origin;
	uint32_t kind;
	uint64_t max_bytes;
	uint64_t used_bytes;
	uint32_t chunk_bytes;
	const uint32_t *thresholds;	/* nr_thresholds of them, or NULL */
	unsigned int nr_thresholds;
	const char *path;		/* file storage: PATH and FILE_BYTES */
	uint64_t file_bytes;
};

/*
 * The module's STORAGE_GET reply (do, or one dump part with BUILD_MULTI), in
 * the order of its vss_nl_storage_fill(). OMIT(VSS_A_STORAGE_THRESHOLD)
 * leaves out every threshold.
 */
struct nl_msg *build_storage(const struct test_storage *s, unsigned int how,
			     uint32_t omit);

struct test_snapshot {
	uint8_t id[16];
	uint8_t set_id[16];
	uint32_t flags;
	const char *origin;
	const char *device;
	uint64_t creation_time_ns;
	uint32_t state;
	uint32_t invalid_reason;
	uint32_t consistency;
	uint64_t freeze_window_ns;
	uint64_t storage_used_bytes;
};

/* The module's SNAPSHOT_GET reply (do, or one dump part with BUILD_MULTI). */
struct nl_msg *build_snapshot(const struct test_snapshot *s, unsigned int how,
			      uint32_t omit);

struct test_entry {
	uint8_t id[16];
	const char *origin;
	const char *device;
};

/*
 * The module's SNAPSHOT_CREATE reply with @n nested entries; @omit leaves
 * out top-level attributes, @entry_omit attributes of every entry.
 */
struct nl_msg *build_snapset(const uint8_t set_id[16], uint32_t consistency,
			     uint64_t freeze_window_ns,
			     const struct test_entry *entries, unsigned int n,
			     unsigned int how, uint32_t omit,
			     uint32_t entry_omit);

/* The module's SNAPSHOT_DELETE reply; @omit as above. */
struct nl_msg *build_deleted(uint32_t count, uint32_t omit);

/* Queues nlctrl's answer and opens a context on a new mock. */
struct mock;
int open_mocked(struct mock **mp, struct libvss_ctx **ctxp);

#endif /* LIBVSS_TEST_BUILD_H */
