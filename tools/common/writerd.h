/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the writer daemons that ship with vss (vss-hookd,
 * vss-sqlite-writer) share: the time an event may take, systemd's
 * readiness protocol, signals through a signalfd, instance ids.
 */
#ifndef VSS_WRITERD_H
#define VSS_WRITERD_H

#include <stddef.h>
#include <stdint.h>

/* Kept back from an event's time limit for the answer to travel. */
#define WRITERD_MARGIN_MS	1000

/* CLOCK_MONOTONIC in ms and in ns. */
long writerd_now_ms(void);
uint64_t writerd_now_ns(void);

/*
 * How long a writer may take to answer @event before the module records it
 * as failed: its freeze timeout for Freeze, the module's event_timeout_ms
 * (read from sysfs, 60 s if unreadable) for the others, less
 * WRITERD_MARGIN_MS; at least 100 ms.
 */
long writerd_event_budget_ms(uint32_t event, uint32_t freeze_timeout_ms);

/* sd_notify(0, @state) without libsystemd; nothing without NOTIFY_SOCKET. */
void writerd_notify(const char *state);

/*
 * Blocks SIGTERM, SIGINT and SIGHUP and returns a signalfd for them (a
 * negative errno on failure): a signal arriving while a callback runs
 * waits for the main loop. Children must unblock them (hooks.c does).
 */
int writerd_signalfd(void);

/* A stable instance id from a writer's name: the same name, the same id. */
void writerd_instance_id(const char *name, uint8_t id[16]);

/* Parses "2", "2.5" seconds into ms; -1 if malformed or out of range. */
long writerd_parse_seconds(const char *s, long max_ms);

/*
 * Parses a receive buffer size: bytes, or with K or M ("256K", "4M");
 * -1 if malformed, 0 or above 1 GiB.
 */
long writerd_parse_bytes(const char *s);

struct libvss_ctx;

/*
 * Says in @buf what libvss_process() lost since the last call (an
 * overrun, a notification dropped): 1 if anything, 0 and "" if nothing.
 * A loss is not the end of the daemon: a lost event is one the module
 * records as unanswered for its session alone.
 */
int writerd_losses(struct libvss_ctx *ctx, char *buf, size_t size);

#endif /* VSS_WRITERD_H */
