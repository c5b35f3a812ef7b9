#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write load for sqlite_writer.sh: one row per transaction, ids 1, 2, 3...

    sqlite_load.py DB LOG [AUTOCHECKPOINT]

Each transaction inserts the next id; once COMMIT has returned, "ID NS" goes
to LOG, NS being CLOCK_MONOTONIC in ns, so every logged id with NS before a
moment was committed before it. By default the WAL is never checkpointed by
the load (wal_autocheckpoint=0): every commit stays in the WAL until someone
else checkpoints, which makes a copy of the database file alone miss them
all; AUTOCHECKPOINT sets SQLite's usual automatic checkpoints instead.
A busy timeout of 120 s covers any freeze window the test makes. Stops at
SIGTERM, after the transaction under way.
"""
import os
import signal
import sqlite3
import sys
import time

stop = False


def on_term(_sig, _frame):
    global stop
    stop = True


def main():
    db, log = sys.argv[1], sys.argv[2]
    autocheckpoint = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    signal.signal(signal.SIGTERM, on_term)
    conn = sqlite3.connect(db, timeout=120, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint=%d" % autocheckpoint)
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        sys.exit("not in WAL mode")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    i = (conn.execute("SELECT max(id) FROM t").fetchone()[0] or 0) + 1
    payload = os.urandom(512)
    while not stop:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t(id, payload) VALUES (?, ?)", (i, payload))
        conn.execute("COMMIT")
        os.write(fd, b"%d %d\n" % (i, time.clock_gettime_ns(time.CLOCK_MONOTONIC)))
        i += 1
        # No pause between transactions: the hardest case for the writer,
        # whose BEGIN IMMEDIATE this starved before it waited for the lock
        # byte itself (tools/vss-sqlite-writer/hold.c).
    os.close(fd)
    # Closing the last connection would checkpoint: after the backup, harmless.
    conn.close()


main()
