#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a freeze window's time goes, from a function_graph trace.

    ftrace_breakdown.py TRACE WINDOW_NS

TRACE is tracefs's `trace` with the function_graph tracer limited to a few
functions (bench/guest.sh sets the filter), with the funcgraph-proc,
-abstime and -tail options. Prints "freeze_window.breakdown.<name> <value>"
lines for bench/report.py: the total time and number of calls of each
traced function, across every task, and
the span from the first freeze_super() entry to the last thaw_super() exit.
A nested call is reported under its outermost traced caller
(freeze_window.breakdown.freeze_super.sync_filesystem_ms). Work done in parallel (freezes in workers) adds up in the totals, so they
may exceed the window.
"""
import re
import sys
from collections import defaultdict

# "  123.456789 |   1)  vssbench-345  | ! 32.100 ms   |  } /* freeze_super */"
LINE = re.compile(r'^\s*(?P<ts>\d+\.\d+)\s*\|\s*\d+\)\s*(?P<task>\S+)\s*\|'
                  r'\s*[!#@*+$&-]?\s*(?:(?P<dur>[\d.]+)\s*(?P<unit>us|ms|s)\s*)?\|'
                  r'\s*(?P<what>.*)$')
UNIT = {'us': 1e-3, 'ms': 1.0, 's': 1e3}


def main():
    trace, window_ns = sys.argv[1], sys.argv[2]
    total = defaultdict(float)
    calls = defaultdict(int)
    first_freeze = last_thaw = None
    stack = {}
    with open(trace, errors='replace') as f:
        for line in f:
            m = LINE.match(line)
            # Tracing is on only around the creation: every task counts,
            # the creator and the workers that freeze in parallel.
            if not m:
                continue
            ts = float(m.group('ts'))
            what = m.group('what').strip()
            dur = float(m.group('dur')) * UNIT[m.group('unit')] if m.group('dur') else None
            task = m.group('task')
            st = stack.setdefault(task, [])
            if what.endswith('{'):
                name = what.split('(')[0].split()[0]
                st.append(name)
                if name == 'freeze_super' and first_freeze is None:
                    first_freeze = ts
                continue
            if what.startswith('}'):
                tail = re.search(r'/\*\s*(\S+)\s*\*/', what)
                name = tail.group(1) if tail else (st[-1] if st else '?')
                if st:
                    st.pop()
            else:
                name = what.split('(')[0].split()[0]
                if name == 'freeze_super' and first_freeze is None:
                    first_freeze = ts - (dur or 0) / 1e3
            if dur is not None:
                # Nested calls are named after their outermost caller:
                # freeze_super/sync_filesystem is the sync inside the
                # window, sync_filesystem alone the flush before it.
                key = f'{st[0]}/{name}' if st else name
                total[key] += dur
                calls[key] += 1
            if name == 'thaw_super':
                last_thaw = ts
    key = 'freeze_window.breakdown'
    print(f'{key}.window_ms {int(window_ns) / 1e6:.3f}' if window_ns.isdigit()
          else f'{key}.window_ms null')
    if first_freeze is not None and last_thaw is not None:
        print(f'{key}.first_freeze_to_last_thaw_ms {(last_thaw - first_freeze) * 1e3:.3f}')
    for name in sorted(total):
        print(f'{key}.{name.replace("/", ".")}_ms {total[name]:.3f}')
        print(f'{key}.{name.replace("/", ".")}_calls {calls[name]}')


if __name__ == '__main__':
    main()
