#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The I/O figures again, as ratios of guest CPU time per write.

    cpu_ratios.py GUEST_LOG

Under TCG on a shared host the IOPS of a run swing by 2x with the host's
load, while the guest's busy CPU time per write (which bench/guest.sh logs
for every fio run) moves far less: a path's CPU cost is what decides its
IOPS when the guest is CPU-bound. For each repetition logged, the fio runs
just before its summary line are matched by IOPS, and the ratio is
(CPU per write without) / (CPU per write with), i.e. the IOPS ratio the
path would have at CPU saturation. Prints "cpu.<figure key> <median>" lines.
"""
import re
import statistics
import sys
from collections import defaultdict

RUN = re.compile(r'^\s+(\S+): (\d+) IOPS, (\d+) us CPU per write')
SWEEP = re.compile(r'^\s+(vss|dm-snapshot) (\d+)k rep \d+: without (\d+), first write (\d+), '
                   r'rewrite (\d+), without (\d+) IOPS')
BYSTANDER = re.compile(r'^\s+bystander rep \d+: without the module (\d+) IOPS, '
                       r'with vda tracked (\d+) IOPS')
MEMSTORE = re.compile(r'^\s+vss 4k memory storage rep \d+: without (\d+), first write (\d+) IOPS')


def cpu_of(runs, iops):
    for dev, i, cpu in reversed(runs):
        if i == iops:
            return cpu
    return None


def ratio(without, with_):
    if not without or not with_:
        return None
    return without / with_


def main():
    values = defaultdict(list)
    runs = []
    with open(sys.argv[1], errors='replace') as f:
        for line in f:
            m = RUN.match(line)
            if m:
                runs.append((m.group(1), int(m.group(2)), int(m.group(3))))
                continue
            m = SWEEP.match(line)
            if m:
                who = 'vss' if m.group(1) == 'vss' else 'dm_snapshot'
                base, first, re_, base2 = (int(m.group(i)) for i in (3, 4, 5, 6))
                cb, cf, cr, cb2 = (cpu_of(runs, i) for i in (base, first, re_, base2))
                key = f'chunk_sweep.{who}.{m.group(2)}k'
                r = ratio(cb, cf)
                if r:
                    values[f'{key}.first_write'].append(r)
                if cb and cb2 and cr:
                    values[f'{key}.rewrite'].append((cb + cb2) / 2 / cr)
                runs = []
                continue
            m = BYSTANDER.match(line)
            if m:
                r = ratio(cpu_of(runs, int(m.group(1))), cpu_of(runs, int(m.group(2))))
                if r:
                    values['bystander.vss'].append(r)
                runs = []
                continue
            m = MEMSTORE.match(line)
            if m:
                r = ratio(cpu_of(runs, int(m.group(1))), cpu_of(runs, int(m.group(2))))
                if r:
                    values['first_write.diag_vss_memory_store'].append(r)
                runs = []
    for key in sorted(values):
        print(f'cpu.{key} {statistics.median(values[key]):.4f}')
    for src, dst in (('chunk_sweep.vss.4k.first_write', 'first_write.vss'),
                     ('chunk_sweep.dm_snapshot.4k.first_write', 'first_write.dm_snapshot'),
                     ('chunk_sweep.vss.4k.rewrite', 'rewrite.vss'),
                     ('chunk_sweep.dm_snapshot.4k.rewrite', 'rewrite.dm_snapshot')):
        if values.get(src):
            print(f'cpu.{dst} {statistics.median(values[src]):.4f}')


if __name__ == '__main__':
    main()
