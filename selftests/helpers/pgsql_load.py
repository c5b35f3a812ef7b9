#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write load for pgsql_writer.sh: one row per transaction, ids 1, 2, 3...

    pgsql_load.py CONNINFO LOG [TABLE...]

Each transaction inserts the next id into every TABLE (t without any; one
query string of several INSERTs is one transaction); once the server
has acknowledged the COMMIT (PQexec returned PGRES_COMMAND_OK), "ID NS"
goes to LOG, NS being CLOCK_MONOTONIC in ns, so every logged id with NS
before a moment was acknowledged before it. libpq through ctypes: Debian 12
ships no psycopg for the host's python3 in the packages the tree uses, and
psql buffers what it prints. Stops at SIGTERM, after the transaction under
way.
"""
import ctypes
import os
import signal
import sys
import time

PGRES_COMMAND_OK = 1
PGRES_TUPLES_OK = 2
CONNECTION_OK = 0
stop = False


def on_term(_sig, _frame):
    global stop
    stop = True


def main():
    conninfo, log = sys.argv[1], sys.argv[2]
    tables = sys.argv[3:] or ["t"]
    signal.signal(signal.SIGTERM, on_term)
    pq = ctypes.CDLL("libpq.so.5")
    pq.PQconnectdb.restype = ctypes.c_void_p
    pq.PQconnectdb.argtypes = [ctypes.c_char_p]
    pq.PQstatus.argtypes = [ctypes.c_void_p]
    pq.PQexec.restype = ctypes.c_void_p
    pq.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    pq.PQresultStatus.argtypes = [ctypes.c_void_p]
    pq.PQgetvalue.restype = ctypes.c_char_p
    pq.PQgetvalue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    pq.PQclear.argtypes = [ctypes.c_void_p]
    pq.PQerrorMessage.restype = ctypes.c_char_p
    pq.PQerrorMessage.argtypes = [ctypes.c_void_p]
    pq.PQfinish.argtypes = [ctypes.c_void_p]

    conn = pq.PQconnectdb(conninfo.encode())
    if pq.PQstatus(conn) != CONNECTION_OK:
        sys.exit("connect: %s" % pq.PQerrorMessage(conn).decode())
    r = pq.PQexec(conn, b"SELECT coalesce(max(id), 0) FROM t")
    if pq.PQresultStatus(r) != PGRES_TUPLES_OK:
        sys.exit("SELECT: %s" % pq.PQerrorMessage(conn).decode())
    i = int(pq.PQgetvalue(r, 0, 0)) + 1
    pq.PQclear(r)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    while not stop:
        q = "".join("INSERT INTO %s (id, payload) VALUES (%d, repeat('x', 200));" % (t, i)
                    for t in tables)
        r = pq.PQexec(conn, q.encode())
        ok = pq.PQresultStatus(r) == PGRES_COMMAND_OK
        pq.PQclear(r)
        if not ok:
            sys.exit("INSERT %d: %s" % (i, pq.PQerrorMessage(conn).decode()))
        os.write(fd, b"%d %d\n" % (i, time.clock_gettime_ns(time.CLOCK_MONOTONIC)))
        i += 1
    os.close(fd)
    pq.PQfinish(conn)


main()
