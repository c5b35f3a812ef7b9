/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the writer daemons that ship with vss (vss-hookd, vss-sqlite-writer,
 * vss-pgsql-writer, vss-mysql-writer) share: the log, the time an event
 * may take, systemd's readiness protocol, signals through a signalfd,
 * instance ids, a test's stop hook, and the main loop and the events'
 * helpers (writerd_loop.c, which needs libvss).
 */
#ifndef VSS_WRITERD_H
#define VSS_WRITERD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

/*
 * The log is stderr, a line per message: "NAME: message". Under systemd,
 * when stderr is the journal's stream (JOURNAL_STREAM names it), each line
 * starts with its priority as sd-daemon.h's SD_ERR ("<3>"), SD_WARNING
 * ("<4>") and SD_INFO ("<6>") do, which journald takes off and keeps as
 * the entry's priority (journalctl -p warning); on a terminal or in a file
 * that prefix would be noise, so it is left out. writerd_log_init() once,
 * first (it also makes stderr line-buffered).
 */
void writerd_log_init(const char *name);
/* @prio: LOG_ERR, LOG_WARNING or LOG_INFO of <syslog.h> (same values). */
void writerd_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void writerd_vlog(int prio, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The three the daemons use: writerd_log() at LOG_ERR, _WARNING, _INFO. */
void writerd_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void writerd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void writerd_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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
 * The main loop (writerd_loop.c): dispatches what arrives on @ctx's socket
 * (writer events, through the writer's callbacks) and reads @sfd
 * (writerd_signalfd()) until SIGTERM or SIGINT; SIGHUP is ignored.
 * @tick runs before each wait and returns how many ms it may wait at most
 * (-1: no limit): a daemon's deadlines (a freeze the module never thawed)
 * are kept there. A notification lost is logged, not an end. Returns the
 * daemon's exit status: 0 stopped by a signal, 1 when the socket or
 * poll() failed (logged).
 */
int writerd_loop(struct libvss_ctx *ctx, int sfd, long (*tick)(void *data),
		 void *data);

/*
 * Says in @buf what libvss_process() lost since the last call (an
 * overrun, a notification dropped): 1 if anything, 0 and "" if nothing.
 * A loss is not the end of the daemon: a lost event is one the module
 * records as unanswered for its session alone.
 */
int writerd_losses(struct libvss_ctx *ctx, char *buf, size_t size);

struct libvss_writer;
struct libvss_event;

/*
 * An event's veto (writerd_loop.c): @msg logged as a warning and set as
 * @w's failure with @err; returns @failure, for the callback to answer.
 */
uint32_t writerd_veto(struct libvss_writer *w, uint32_t failure, int err,
		      const char *msg);

/*
 * The volumes of @ev (writerd_loop.c), in an array of
 * libvss_event_volume_count() entries and a NULL (free() it; the strings
 * are the event's), and its set id as a string in @set_id ("none" if it
 * has none). NULL when out of memory.
 */
const char **writerd_event_volumes(const struct libvss_event *ev,
				   char set_id[37]);

/*
 * A test's hook: with @var=PHASE in the environment (read by
 * writerd_test_stop_init(), once, at start), writerd_test_stop_at(PHASE)
 * stops the writer (SIGSTOP, logged) where it is called, so that a test
 * can SIGKILL it exactly there. Never set outside tests; each writer's man
 * page names its phases.
 */
void writerd_test_stop_init(const char *var);
void writerd_test_stop_at(const char *phase);

#endif /* VSS_WRITERD_H */
