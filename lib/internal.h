/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Library internals. Nothing here is exported from libvss.so; the unit tests
 * reach it by linking libvss.a.
 *
 * The request/response core is split so that the asynchronous side
 * (event.c: libvss_fd(), libvss_process()) reuses it: encoders build a request for a given
 * seq, vss_dgram_next() splits a received datagram into messages,
 * vss_msg_is_reply() matches one to its request, vss_nlerr_decode() reads an
 * NLMSG_ERROR and its extended ack, vss_done_decode() the NLMSG_DONE that
 * ends a dump (with the dump's own verdict), and the per-command decoders
 * read replies: a do's one reply, or each part of a dump (the *_part
 * decoders append to a list). Only transact.c blocks; notifications it
 * meets are stashed for libvss_process().
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
 * Big enough for any netlink message we expect: nlctrl's replies fit a page,
 * dump messages are capped at 32 KiB however large the receive buffer, with
 * NETLINK_CAP_ACK errors stay small; the largest are writer events and
 * SESSION_WRITER_GET replies, which carry a document of up to
 * VSS_DOCUMENT_MAX (65000) bytes and up to 64 volume paths (an event can
 * reach about 330 KB), and completions with the status of up to
 * VSS_WRITERS_MAX (256) writers (about 160 KB). A datagram that is larger
 * anyway is reported truncated, never read in part.
 */
#define VSS_RECV_BUF_SIZE	(512 * 1024)

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
	int ext_status;			/* enum vss_status, or -1: none given */
	uint32_t ext_stale;		/* enum vss_stale_reason of the error */

	/*
	 * The changed-block iterator reading its dump (changes.c): while it
	 * is open the socket carries its parts, so every other request and
	 * libvss_process() are refused with -EBUSY rather than eat them.
	 */
	struct libvss_changes *changes;

	/*
	 * Notifications (completions, writer events) read while waiting for
	 * a reply, kept in order for libvss_process(). While it is not empty
	 * the eventfd is signalled, so that libvss_fd() is readable even
	 * though the socket may not be: a poll loop never sleeps on a
	 * completion the library already holds.
	 */
	struct vss_inmsg *stash;
	struct vss_inmsg **stash_tail;
	struct libvss_losses losses;	/* since the last libvss_lost() */
	int epfd;			/* -1 until libvss_fd() */
	int evfd;
	bool in_process;		/* libvss_process() is dispatching */

	/* libvss_monitor_start(): the callback of monitor notifications. */
	libvss_monitor_cb monitor_cb;
	void *monitor_data;

	struct libvss_backup *backups;	/* sessions this context owns */
	struct libvss_writer *writers;	/* writers made on this context */
};

/* A notification kept for libvss_process(): the message, copied whole. */
struct vss_inmsg {
	struct vss_inmsg *next;
	uint64_t data[];		/* a struct nlmsghdr and its payload */
};

static inline struct nlmsghdr *vss_inmsg_hdr(struct vss_inmsg *m)
{
	return (struct nlmsghdr *)m->data;
}

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
	int status;			/* the cookie: enum vss_status, or -1 */
	/* An 8-byte cookie (struct vss_changes_cookie) of kind STALE_REASON,
	 * else the "stale: NAME:" prefix of @msg; VSS_STALE_NONE if neither. */
	uint32_t stale;
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
/*
 * After vss_request() of a command that always replies: @ret, or -EBADMSG
 * (the error says so) if it succeeded without the reply (!@seen).
 */
int vss_need_reply(struct libvss_ctx *ctx, int ret, bool seen, const char *cmd);

/*
 * The objects of a dump, one heap block each (the lists of filesystems,
 * snapshots and storages). vss_objlist_add() takes @obj over, freeing it
 * if it cannot; vss_objlist_free() frees the objects and the array.
 */
struct vss_objlist {
	unsigned int n, cap;
	void **items;
};

int vss_objlist_add(struct vss_objlist *l, void *obj);
void vss_objlist_free(struct vss_objlist *l);

static inline const void *vss_objlist_entry(const struct vss_objlist *l,
					    unsigned int i)
{
	return i < l->n ? l->items[i] : NULL;
}

/* token.c: changed-block tracking tokens, nest and string */
struct vss_token {
	uint8_t generation[LIBVSS_ID_SIZE];
	uint64_t epoch;
	uint64_t capacity;
	uint32_t logical_block;
	uint32_t block_bytes;
	uint8_t origin_uuid[LIBVSS_ID_SIZE];
};

extern const struct nla_policy vss_token_policy[VSS_A_TOKEN_MAX + 1];
/* CRC-32 (IEEE 802.3, as zlib's crc32()) of @n bytes. */
uint32_t vss_crc32_ieee(const uint8_t *p, size_t n);
/* The string form; -ENOSPC if @len < LIBVSS_TOKEN_STRING_SIZE. */
int vss_token_format(const struct vss_token *t, char *buf, size_t len);
/* -EINVAL for anything that is not a well-formed, intact token. */
int vss_token_parse(const char *s, struct vss_token *t);
int vss_token_from_nest(struct nlattr *nest, struct vss_token *t,
			const char **why);
/* A nest of type @type; -1 if it does not fit. */
int vss_token_put(struct nl_msg *msg, int type, const struct vss_token *t);
/* Bytes vss_token_put() adds to a message. */
size_t vss_token_attr_size(void);
/* The reason a refusal's "stale: NAME:" prefix names, or VSS_STALE_NONE. */
uint32_t vss_stale_from_message(const char *msg);

/* changes.c: CHANGES_GET; @flags NLM_F_DUMP for the extents, 0 totals */
struct nl_msg *vss_changes_encode(const struct libvss_ctx *ctx, uint32_t seq,
				  int flags, const uint8_t *id,
				  const struct vss_token *since, uint64_t start);

/* tracker.c: TRACKER_GET (@origin NULL: the dump), TRACKER_RESET */
extern const struct nla_policy vss_tracker_policy[VSS_A_TRACKER_MAX + 1];
struct nl_msg *vss_tracker_encode(const struct libvss_ctx *ctx, uint32_t seq,
				  uint8_t cmd, const char *origin);

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
	uint32_t track_block_bytes;	/* 0: the module's default */
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

/*
 * The set of a session's DoSnapshotSet, from its completion: @nests are its
 * VSS_A_SESSION_SNAPSHOT nests (enum vss_a_snapshot inside), @n of them.
 */
int vss_snapset_build(const uint8_t *id, uint32_t consistency,
		      uint64_t window_ns, struct nlattr *const *nests,
		      unsigned int n, struct libvss_snapset **setp,
		      const char **why);

/* event.c: notifications, libvss_fd(), libvss_process() */
/* Whether @nlh is a notification libvss_process() dispatches. */
bool vss_is_ntf(const struct libvss_ctx *ctx, const struct nlmsghdr *nlh);
/* Keeps a copy of @nlh for libvss_process(). */
void vss_stash_push(struct libvss_ctx *ctx, const struct nlmsghdr *nlh);
void vss_stash_free(struct libvss_ctx *ctx);
void vss_event_close(struct libvss_ctx *ctx);

/* monitor.c: notifications of the monitor group */
/* Whether @cmd is one the monitor group carries. */
bool vss_is_monitor_cmd(uint8_t cmd);
/* Decodes one and runs the context's callback. */
void vss_monitor_ntf(struct libvss_ctx *ctx, struct nlmsghdr *nlh);

/* async.c */
struct libvss_async {
	struct libvss_ctx *ctx;
	struct libvss_backup *b;	/* NULL once its backup is freed */
	struct libvss_async *next;	/* in b->pending while pending */
	uint32_t op;			/* enum vss_session_op */
	uint32_t seq;			/* of the request that started it */
	int state;			/* enum libvss_async_state */
	int result;			/* 0 or -errno of the operation */
	uint32_t status;		/* enum vss_status */
	char message[VSS_MESSAGE_MAX];
};

struct libvss_async *vss_async_new(struct libvss_backup *b, uint32_t op,
				   uint32_t seq);
/* The operation ended: @error is the completion's positive errno. */
struct libvss_async **vss_backup_pending(struct libvss_backup *b);
void vss_async_finish(struct libvss_async *a, uint32_t error,
		      uint32_t status, const char *message);

/* writer_info.c: a writer's registration and status, as replies carry it */
struct libvss_writer_info {
	uint32_t id;
	uint8_t class_id[LIBVSS_ID_SIZE];
	uint8_t instance_id[LIBVSS_ID_SIZE];
	char name[VSS_WRITER_NAME_MAX];
	char instance_name[VSS_WRITER_NAME_MAX];
	uint32_t level, usage_type, source_type, freeze_timeout_ms, portid;
	uint32_t state, failure, error, session_id;
	bool selected;
	char message[VSS_MESSAGE_MAX];
};

extern const struct nla_policy vss_writer_policy[VSS_A_WRITER_MAX + 1];
extern const struct nla_policy vss_session_policy[VSS_A_SESSION_MAX + 1];
/* Reads the attributes of one writer (a reply, or a nest) into @wi. */
int vss_writer_info_parse(struct nlattr **tb, struct libvss_writer_info *wi,
			  const char **why);
/* Every VSS_A_SESSION_WRITER nest of a message, into a new array. */
int vss_writer_infos_parse(struct nlmsghdr *nlh,
			   struct libvss_writer_info **wip, unsigned int *np,
			   const char **why);
void vss_writer_infos_free(struct libvss_writer_info *wi, unsigned int n);

/* requester.c */
/* A SESSION_COMPLETE_NTF: updates its backup and finishes its async. */
void vss_backup_complete_ntf(struct libvss_ctx *ctx, struct nlmsghdr *nlh);
void vss_backup_detach_all(struct libvss_ctx *ctx);

/* writer.c */
/* A WRITER_EVENT_NTF: the writer's callback, then its answer. */
void vss_writer_event_ntf(struct libvss_ctx *ctx, struct nlmsghdr *nlh);
void vss_writer_detach_all(struct libvss_ctx *ctx);

/* session.c: a session command with its id, and room for @attrlen more */
struct nl_msg *vss_session_msg(const struct libvss_ctx *ctx, uint32_t seq,
			       uint8_t cmd, uint32_t id, size_t attrlen);

/* fs.c: FS_FREEZE, FS_THAW, FS_GET (do and dump) */
/* @timeout_ms 0 and @flags 0 leave out TIMEOUT_MS and FLAGS. */
struct nl_msg *vss_fs_freeze_encode(const struct libvss_ctx *ctx, uint32_t seq,
				    const char *path, uint32_t timeout_ms,
				    uint32_t flags);
struct nl_msg *vss_fs_thaw_encode(const struct libvss_ctx *ctx, uint32_t seq,
				  const char *path);
/* @path NULL: the dump of every freeze. */
struct nl_msg *vss_fs_get_encode(const struct libvss_ctx *ctx, uint32_t seq,
				 const char *path);
/* @arg: struct libvss_fs_info **, which must be NULL before the first. */
int vss_fs_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		  void *arg, const char **why);
/* @arg: struct libvss_fs_list *, appended to. */
int vss_fs_decode_part(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		       void *arg, const char **why);

#endif /* LIBVSS_INTERNAL_H */
