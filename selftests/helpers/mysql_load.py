#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write load for mysql_writer.sh: one transaction per id, ids 1, 2, 3...

    mysql_load.py SOCKET LOG [myisam]

Each transaction inserts the next id into both vt.t1 and vt.t2 (InnoDB)
and commits; once the server has acknowledged the COMMIT (mysql_query()
returned 0), "ID NS" goes to LOG, NS being CLOCK_MONOTONIC in ns, so every
logged id with NS before a moment was acknowledged before it, and a
restore holding an id in one table but not the other tore a transaction.
With "myisam", each id is one INSERT (autocommit) into vt.m instead, a
MyISAM table, logged the same way once acknowledged; the session's
sql_log_bin is 0 so that the binary log's GTIDs stay those of the InnoDB
transactions alone (mysql_writer.sh counts them).
libmariadb through ctypes: Debian 12 ships no MySQL binding for the host's
python3 in the packages the tree uses, and the mariadb client buffers what
it prints. Connects as root over SOCKET (the test's server lets root in
without a password). Stops at SIGTERM, after the transaction under way:
SIGTERM stays blocked and is looked for between transactions, so that it
never interrupts libmariadb's reads (an EINTR there is a failed query).
"""
import ctypes
import os
import signal
import sys
import time


def main():
    sock, log = sys.argv[1], sys.argv[2]
    myisam = len(sys.argv) > 3 and sys.argv[3] == "myisam"
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    my = ctypes.CDLL("libmariadb.so.3")
    my.mysql_init.restype = ctypes.c_void_p
    my.mysql_init.argtypes = [ctypes.c_void_p]
    my.mysql_real_connect.restype = ctypes.c_void_p
    my.mysql_real_connect.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                      ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint,
                                      ctypes.c_char_p, ctypes.c_ulong]
    my.mysql_query.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    my.mysql_error.restype = ctypes.c_char_p
    my.mysql_error.argtypes = [ctypes.c_void_p]
    my.mysql_store_result.restype = ctypes.c_void_p
    my.mysql_store_result.argtypes = [ctypes.c_void_p]
    my.mysql_fetch_row.restype = ctypes.POINTER(ctypes.c_char_p)
    my.mysql_fetch_row.argtypes = [ctypes.c_void_p]
    my.mysql_free_result.argtypes = [ctypes.c_void_p]
    my.mysql_close.argtypes = [ctypes.c_void_p]

    m = my.mysql_init(None)
    if not my.mysql_real_connect(m, b"localhost", b"root", None, b"vt", 0,
                                 sock.encode(), 0):
        sys.exit("connect: %s" % my.mysql_error(m).decode())

    def query(sql):
        if my.mysql_query(m, sql):
            sys.exit("%s: %s" % (sql.decode(), my.mysql_error(m).decode()))

    if myisam:
        query(b"SET SESSION sql_log_bin = 0")
    query(b"SELECT coalesce(max(id), 0) FROM %s" % (b"m" if myisam else b"t1"))
    r = my.mysql_store_result(m)
    i = int(my.mysql_fetch_row(r)[0]) + 1
    my.mysql_free_result(r)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    while signal.SIGTERM not in signal.sigpending():
        if myisam:
            query(b"INSERT INTO m (id, payload) VALUES (%d, repeat('m', 200))" % i)
        else:
            query(b"START TRANSACTION")
            query(b"INSERT INTO t1 (id, payload) VALUES (%d, repeat('x', 200))" % i)
            query(b"INSERT INTO t2 (id, v) VALUES (%d, %d)" % (i, i * 7))
            query(b"COMMIT")
        os.write(fd, b"%d %d\n" % (i, time.clock_gettime_ns(time.CLOCK_MONOTONIC)))
        i += 1
    os.close(fd)
    my.mysql_close(m)


main()
