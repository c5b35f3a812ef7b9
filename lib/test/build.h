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

/* A changed-block tracking token, as the module nests it. */
struct test_token {
	uint8_t generation[16];
	uint64_t epoch;
	uint64_t capacity;
	uint32_t logical_block;
	uint32_t block_bytes;
	uint8_t origin_uuid[16];
};

/* A nest of @type with the token's six attributes, in the enum's order;
 * @omit leaves out attributes of enum vss_a_token. */
void build_token(struct nl_msg *msg, int type, const struct test_token *t,
		 unsigned int how, uint32_t omit);

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
	const struct test_token *token;	/* NULL: a module without tracking */
};

/* The module's SNAPSHOT_GET reply (do, or one dump part with BUILD_MULTI). */
struct nl_msg *build_snapshot(const struct test_snapshot *s, unsigned int how,
			      uint32_t omit);

struct test_entry {
	uint8_t id[16];
	const char *origin;
	const char *device;
	const struct test_token *token;	/* NULL: none */
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

/* ---- the coordination protocol ---- */

/* An empty vss message of @cmd, seq and port id left for the mock. */
struct nl_msg *build_vss(uint8_t cmd);
/* An extack error whose cookie is the VSS status, as the module sends. */
struct nl_msg *build_extack_status(int error, const char *text,
				   uint32_t status);

struct test_writer {
	uint32_t id;
	uint8_t class_id[16], instance_id[16];
	const char *name;
	uint32_t level, state, failure, error;
	const char *message;		/* NULL: none */
	bool selected;
};

/* One VSS_A_SESSION_WRITER nest, as vss_msg_put_writer_status() lays it. */
void build_writer_status(struct nl_msg *msg, const struct test_writer *w);
/* SESSION_COMPLETE_NTF's fixed part, as vss_msg_complete() lays it. */
struct nl_msg *build_completion(uint32_t id, uint32_t op, uint32_t seq,
				uint32_t error, uint32_t status, uint32_t state,
				const char *message);

/* ---- changed-block tracking ---- */

struct test_extent {
	uint64_t offset, length;
};

/* One CHANGES_GET dump part (NLM_F_MULTI) with @n extents. */
struct nl_msg *build_extents(const struct test_extent *x, unsigned int n,
			     unsigned int how);
/* The CHANGES_GET do reply; @omit as above. */
struct nl_msg *build_changes_totals(uint64_t bytes, uint64_t count,
				    uint32_t omit);
/* An extack error (@done: the NLMSG_DONE of a dump) whose cookie is a
 * struct vss_changes_cookie, as the module refuses CHANGES_GET. */
struct nl_msg *build_stale(bool done, int error, const char *text,
			   uint32_t kind, uint32_t value);

struct test_tracker {
	const char *origin;
	uint8_t generation[16];
	uint64_t epoch;
	uint32_t block_bytes;
	uint64_t capacity;
	uint64_t blocks_marked;
	uint64_t map_bytes;
	uint32_t reason;
};

/* TRACKER_GET's reply (@cmd TRACKER_GET) or TRACKER_NTF with @old. */
struct nl_msg *build_tracker(uint8_t cmd, const struct test_tracker *t,
			     const uint8_t *old, unsigned int how,
			     uint32_t omit);

/* Queues nlctrl's answer and opens a context on a new mock. */
struct mock;
int open_mocked(struct mock **mp, struct libvss_ctx **ctxp);

#endif /* LIBVSS_TEST_BUILD_H */
