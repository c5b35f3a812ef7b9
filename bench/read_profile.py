#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a snapshot read's time goes, from a function_graph trace.

    read_profile.py TRACE

TRACE: tracefs's `trace` taken by bench/guest.sh's readprof part (the
function_graph tracer under vss_read_work_fn, with funcgraph-proc,
-abstime and -tail). Prints "snapshot_read.profile.<name> <value>" lines:
calls and total time of each traced function (summed over every work
item: they run side by side, so the totals exceed the span), the span
from the first work item's start to the last one's end, and the most work
items that ran at once.
"""
import re
import sys
from collections import defaultdict

LINE = re.compile(r'^\s*(?P<ts>\d+\.\d+)\s*\|\s*\d+\)\s*(?P<task>\S+)\s*\|'
                  r'\s*[!#@*+$&-]?\s*(?:(?P<dur>[\d.]+)\s*(?P<unit>us|ms|s)\s*)?\|'
                  r'\s*(?P<what>.*)$')
UNIT = {'us': 1e-3, 'ms': 1.0, 's': 1e3}
TOP = 'vss_read_work_fn'


def main(argv):
    total = defaultdict(float)
    calls = defaultdict(int)
    events = []		# (time, +1/-1) of the top function
    with open(argv[1], errors='replace') as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            what = m.group('what').strip()
            ts = float(m.group('ts'))
            name = None
            if what.startswith('}'):
                c = re.search(r'/\* (\S+?)(?: \[\w+\])? \*/', what)
                name = c.group(1) if c else None
            elif what.endswith('();'):
                name = what[:-3].split(' [')[0]
            elif what.endswith('{') and what.startswith(TOP):
                events.append((ts, 1))
                continue
            if not name or not m.group('dur'):
                continue
            ms = float(m.group('dur')) * UNIT[m.group('unit')]
            total[name] += ms
            calls[name] += 1
            if name == TOP and what.startswith('}'):
                events.append((ts, -1))
    for name in sorted(total):
        print(f'snapshot_read.profile.{name}_calls {calls[name]}')
        print(f'snapshot_read.profile.{name}_ms {total[name]:.3f}')
    if events:
        events.sort()
        now = peak = 0
        for _, d in events:
            now += d
            peak = max(peak, now)
        print(f'snapshot_read.profile.span_ms {(events[-1][0] - events[0][0]) * 1e3:.3f}')
        print(f'snapshot_read.profile.most_at_once {peak}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
