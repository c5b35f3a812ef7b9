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

/* Queues nlctrl's answer and opens a context on a new mock. */
struct mock;
int open_mocked(struct mock **mp, struct libvss_ctx **ctxp);

#endif /* LIBVSS_TEST_BUILD_H */
