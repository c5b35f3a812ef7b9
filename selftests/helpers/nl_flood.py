#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Floods a process's generic-netlink socket: sends COUNT datagrams of SIZE
# bytes to its port id, from another socket, as a burst of notifications
# the process is not reading would. The messages are of a type no family
# uses, so a reader that survives the overrun ignores them.
#
#   nl_flood.py PID COUNT SIZE
#
# The port id is found through the socket's inode: /proc/PID/fd, then
# /proc/net/netlink. Prints the number of datagrams the kernel accepted.
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
JUNK_TYPE = 0x7ff0


def portids(pid):
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    with open("/proc/net/netlink") as f:
        next(f)
        for line in f:
            cols = line.split()
            # sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
            if int(cols[1]) == NETLINK_GENERIC and cols[9] in inodes:
                found.append(int(cols[2]))
    return found


def main():
    pid, count, size = (int(a) for a in sys.argv[1:4])
    ports = portids(pid)
    if len(ports) != 1:
        sys.exit(f"nl_flood: process {pid} has {len(ports)} generic netlink sockets")
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_NONBLOCK,
                      NETLINK_GENERIC)
    s.bind((0, 0))
    body = b"\0" * max(size - 16, 0)
    sent = 0
    for seq in range(count):
        msg = struct.pack("=IHHII", 16 + len(body), JUNK_TYPE, 0, seq, 0) + body
        try:
            s.sendto(msg, (ports[0], 0))
            sent += 1
        except BlockingIOError:
            pass
    print(sent)


main()
