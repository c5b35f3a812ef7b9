/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Library internals. Nothing here is exported from libvss.so; the unit tests
 * reach it by linking libvss.a.
 *
 * The request/response core is split so that a later asynchronous driver
 * (poll loop, io_uring) can reuse it: encoders build a request for a given
 * seq, vss_dgram_next() splits a received datagram into messages,
 * vss_msg_is_reply() matches one to its request, vss_nlerr_decode() reads an
 * NLMSG_ERROR and its extended ack, vss_done_decode() the NLMSG_DONE that
 * ends a dump (with the dump's own verdict), and the per-command decoders
 * read replies: a do's one reply, or each part of a dump (the *_part
 * decoders append to a list). Only transact.c blocks.
 */
#ifndef LIBVSS_INTERNAL_H
#define LIBVSS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <libvss.h>
#include "transport.h"

#define LIBVSS_EXPORT __attribute__((visibility("default")))

/*
 * Big enough for any netlink message we expect: replies of this family are
 * small, nlctrl's fit a page, dump messages are capped at 32 KiB however
 * large the receive buffer, and with NETLINK_CAP_ACK errors stay small. A
 * datagram that is larger anyway is reported truncated, never read in part.
 */
#define VSS_RECV_BUF_SIZE	32768

/* Room for the kernel's extack message plus what we add to it. */
#define VSS_EXT_ERR_SIZE	256

struct libvss_ctx {
	struct vss_transport *tp;
	uint32_t seq;			/* of the last request sent */
	uint16_t family_id;
	uint32_t family_version;	/* the module's VSS_FAMILY_VERSION */
	uint32_t mcgrp_events;		/* 0: the module has no such group */
	uint32_t mcgrp_monitor;
	void *rbuf;			/* VSS_RECV_BUF_SIZE bytes */
	char ext_err[VSS_EXT_ERR_SIZE];	/* "" when there is no explanation */
};

/* ctx.c */
int vss_ctx_new(struct vss_transport *tp, struct libvss_ctx **ctxp);
int vss_ctx_open(struct vss_transport *tp, struct libvss_ctx **ctxp);
uint32_t vss_ctx_next_seq(struct libvss_ctx *ctx);
void vss_ctx_clear_error(struct libvss_ctx *ctx);
__attribute__((format(printf, 2, 3)))
void vss_ctx_set_error(struct libvss_ctx *ctx, const char *fmt, ...);

/* nlmsg.c: the request/response core, on raw message bytes */
struct vss_nlerr {
	int error;			/* 0 for an ACK, else -errno */
	const char *msg;		/* NLMSGERR_ATTR_MSG, or NULL */
	bool has_offs;			/* NLMSGERR_ATTR_OFFS */
	uint32_t offs;
	bool has_miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
	uint32_t miss_type;
};

struct nl_msg *vss_genl_msg(uint16_t family, uint8_t cmd, uint8_t version,
			    uint32_t portid, uint32_t seq);
/* The same with more nlmsg_flags (NLM_F_DUMP) and room for @attrlen bytes
 * of attributes; 0 takes libnl's default of a page. */
struct nl_msg *vss_genl_msg_ext(uint16_t family, uint8_t cmd, uint8_t version,
				uint32_t portid, uint32_t seq, int flags,
				size_t attrlen);
/* A path argument sendable as a string: -EINVAL if NULL, -ENAMETOOLONG
 * from PATH_MAX bytes on. */
int vss_check_path(const char *path);
/* Bytes a string attribute takes in a message, padding included. */
size_t vss_str_attr_size(const char *s);
int vss_dgram_next(void *buf, size_t len, size_t *off,
		   struct nlmsghdr **nlhp);
bool vss_msg_is_reply(const struct nlmsghdr *nlh, uint32_t portid,
		      uint32_t seq);
int vss_nlerr_decode(const struct nlmsghdr *nlh, struct vss_nlerr *e);
/* NLMSG_DONE, the end of a dump: its verdict in the same form. */
int vss_done_decode(const struct nlmsghdr *nlh, struct vss_nlerr *e);
void vss_nlerr_describe(const struct vss_nlerr *e, const struct nlmsghdr *req,
			char *buf, size_t len);
int vss_genl_parse(struct nlmsghdr *nlh, uint8_t cmd, struct nlattr **tb,
		   int maxtype, const struct nla_policy *policy,
		   const char **why);
int vss_attrs_parse(struct nlattr **tb, int maxtype, struct nlattr *head,
		    int len, const struct nla_policy *policy);
/* vss_genl_parse() of a reply that must come from the vss family. */
int vss_reply_parse(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		    uint8_t cmd, struct nlattr **tb, int maxtype,
		    const struct nla_policy *policy, const char **why);

/*
 * transact.c: one blocking request/response exchange. @decode is called for
 * each reply message (each part of a dump); NULL for commands answered by
 * an ACK alone. It returns 0 or -errno, and for -EBADMSG says why.
 */
typedef int (*vss_reply_fn)(const struct libvss_ctx *ctx,
			    struct nlmsghdr *nlh, void *arg, const char **why);
int vss_transact(struct libvss_ctx *ctx, struct nl_msg *req,
		 vss_reply_fn decode, void *arg);
/* vss_transact() that takes @req over, NULL (-ENOMEM) included. */
int vss_request(struct libvss_ctx *ctx, struct nl_msg *req,
		vss_reply_fn decode, void *arg);

/* family.c: resolving "vss" through nlctrl */
struct vss_family {
	uint16_t id;
	uint32_t version;
	uint32_t mcgrp_events;
	uint32_t mcgrp_monitor;
};

struct nl_msg *vss_family_encode(const struct libvss_ctx *ctx, uint32_t seq);
int vss_family_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		      void *arg, const char **why);
int vss_family_resolve(struct libvss_ctx *ctx);

/* features.c: VSS_CMD_GET_FEATURES */
struct nl_msg *vss_features_encode(const struct libvss_ctx *ctx, uint32_t seq,
				   uint64_t required);
int vss_features_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			void *arg, const char **why);

/*
 * storage.c: STORAGE_ADD, STORAGE_GET (do and dump), STORAGE_SET,
 * STORAGE_REMOVE
 */

/*
 * Most thresholds a request can carry: they are distinct percentages from
 * 1 to 100. The kernel takes fewer (4) and says so; this is only what the
 * library refuses before sending.
 */
#define VSS_THRESHOLDS_MAX	100

struct libvss_storage_opts {
	uint32_t kind;
	uint32_t chunk_bytes;		/* 0: the module's default */
	uint64_t max_bytes;
	char *path;			/* NULL: none */
	unsigned int nr_thresholds;	/* 0: the module's default */
	uint32_t thresholds[VSS_THRESHOLDS_MAX];
};

struct nl_msg *vss_storage_add_encode(const struct libvss_ctx *ctx,
				      uint32_t seq, const char *origin,
				      const struct libvss_storage_opts *opts);
/* @max_bytes 0 and @nr 0 leave out MAX_BYTES and THRESHOLD. */
struct nl_msg *vss_storage_set_encode(const struct libvss_ctx *ctx,
				      uint32_t seq, const char *origin,
				      uint64_t max_bytes, const uint32_t *pct,
				      unsigned int nr);
/* @origin NULL: the dump of every origin. */
struct nl_msg *vss_storage_get_encode(const struct libvss_ctx *ctx,
				      uint32_t seq, const char *origin);
struct nl_msg *vss_storage_remove_encode(const struct libvss_ctx *ctx,
					 uint32_t seq, const char *origin);
/* @arg: struct libvss_storage **, which must be NULL before the first. */
int vss_storage_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		       void *arg, const char **why);
/* @arg: struct libvss_storage_list *, appended to. */
int vss_storage_decode_part(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			    void *arg, const char **why);

/* snapshot.c: SNAPSHOT_CREATE, SNAPSHOT_GET (do and dump), SNAPSHOT_DELETE */
struct nl_msg *vss_snapshot_create_encode(const struct libvss_ctx *ctx,
					  uint32_t seq,
					  const char *const *volumes,
					  unsigned int n, uint32_t flags);
/* @arg: struct libvss_snapshot_set **, which must be NULL before. */
int vss_snapshot_create_decode(const struct libvss_ctx *ctx,
			       struct nlmsghdr *nlh, void *arg,
			       const char **why);
/* @id NULL: the dump of every snapshot. */
struct nl_msg *vss_snapshot_get_encode(const struct libvss_ctx *ctx,
				       uint32_t seq, const uint8_t *id);
/* @arg: struct libvss_snapshot **, which must be NULL before the first. */
int vss_snapshot_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			void *arg, const char **why);
/* @arg: struct libvss_snapshot_list *, appended to. */
int vss_snapshot_decode_part(const struct libvss_ctx *ctx,
			     struct nlmsghdr *nlh, void *arg,
			     const char **why);
/*
 * @selector is the one attribute that picks what to delete, @key its
 * payload of @keylen bytes: VSS_A_SNAPSHOT_ID or _SET_ID (16 bytes),
 * _OLDEST_OF (a path and its NUL) or _ALL (none). Anything else: NULL.
 */
struct nl_msg *vss_snapshot_delete_encode(const struct libvss_ctx *ctx,
					  uint32_t seq, uint16_t selector,
					  const void *key, size_t keylen);
/* @arg: struct vss_count, the COUNT of the reply. */
struct vss_count {
	bool seen;
	uint32_t count;
};
int vss_snapshot_delete_decode(const struct libvss_ctx *ctx,
			       struct nlmsghdr *nlh, void *arg,
			       const char **why);

#endif /* LIBVSS_INTERNAL_H */
