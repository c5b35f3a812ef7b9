#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The protocol cost from the best run of each writer count.

    proto_stats.py GUEST.LOG     "key value" lines for the results

bench/guest.sh logs every run of the protocol-cost part as
"rep R, N writers: DoSnapshotSet X ms, backup Y ms, E events" and records
the medians. Under TCG on a shared host a run is slowed by whatever the
host does meanwhile (the median of 0 writers moved between 16 and 40 ms in
one series): the noise only adds. The fastest of the repetitions is the
estimate least disturbed by it, so the same figures are derived here from
the minimum of each writer count: protocol_cost.min.*.
"""
import re
import sys

EVENTS_DO = 4	# PrepareForSnapshot, Freeze, Thaw, PostSnapshot


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    do = {}
    pat = re.compile(r'rep \d+, (\d+) writers: DoSnapshotSet ([\d.]+) ms, backup ([\d.]+) ms')
    with open(argv[1], errors='replace') as f:
        for line in f:
            m = pat.search(line)
            if m:
                do.setdefault(int(m.group(1)), []).append(float(m.group(2)))
    if 0 not in do or len(do) < 2:
        return 0
    ns = sorted(do)
    best = {n: min(do[n]) for n in ns}
    for n in ns:
        print(f'protocol_cost.min.do_snapshot_set_ms.{n} {best[n]:.3f}')
    top = ns[-1]
    print(f'protocol_cost.min.per_writer_event_us '
          f'{(best[top] - best[0]) * 1000 / (top * EVENTS_DO):.2f}')
    for a, b in zip(ns, ns[1:]):
        print(f'protocol_cost.min.step_per_writer_event_us.{b} '
              f'{(best[b] - best[a]) * 1000 / ((b - a) * EVENTS_DO):.2f}')
    mx = sum(ns) / len(ns)
    my = sum(best.values()) / len(ns)
    sxy = sum((n - mx) * (best[n] - my) for n in ns)
    sxx = sum((n - mx) ** 2 for n in ns)
    syy = sum((best[n] - my) ** 2 for n in ns)
    print(f'protocol_cost.min.slope_us_per_writer_event {sxy / sxx * 1000 / EVENTS_DO:.2f}')
    print(f'protocol_cost.min.fit_r2 {sxy * sxy / (sxx * syy) if sxx and syy else 0:.4f}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
