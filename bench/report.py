#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Results of bench/guest.sh: JSON, the table, and the key check.

    report.py json RESULTS.TXT OUT.JSON      write the JSON of one kernel
    report.py table [--markdown] JSON...     the table (a column per kernel)
    report.py check JSON...                  exit 1 unless every key is there
    report.py merge OLD.TXT NEW.TXT OUT.TXT  NEW's figures over OLD's (a
                                             partial run, bench/run.sh --append)

RESULTS.TXT has one "key value" line per figure ("null" when it could not
be measured, with a "note.<key> text" line saying why). The JSON nests the
dotted keys: first_write.vss is {"first_write": {"vss": ...}}.
"""
import json
import sys

# Every figure of issue 6, as a dotted key. `check` wants each present
# (null allowed only where the value may legitimately be unmeasurable).
KEYS = [
    'first_write.vss', 'first_write.dm_snapshot', 'first_write.vss_over_dm_snapshot',
    'many_snapshots.vss', 'many_snapshots.vss_ratio', 'many_snapshots.dm_snapshot',
    'many_snapshots.dm_snapshot_ratio',
    'rewrite.vss', 'rewrite.dm_snapshot',
    'bystander.vss',
    'snapshot_read.vss',
    'snapshot_create.vss_one_volume_ms',
    'freeze_window.vss_ms', 'freeze_window.vss_no_preflush_ms',
    'creation_latency.vss_ms', 'creation_latency.lvm_ms', 'creation_latency.ratio',
    'protocol_cost.per_writer_event_us', 'protocol_cost.slope_us_per_writer_event',
    'protocol_cost.fit_r2', 'protocol_cost.backup_per_writer_event_us',
] + [f'protocol_cost.{f}.{n}' for f in ('do_snapshot_set_ms', 'backup_sequence_ms')
     for n in (0, 16, 32, 64)] + [
    f'protocol_cost.step_per_writer_event_us.{n}' for n in (16, 32, 64)] + [
    'protocol_cost.min.per_writer_event_us', 'protocol_cost.min.slope_us_per_writer_event',
    'protocol_cost.min.fit_r2'] + [
    f'protocol_cost.min.do_snapshot_set_ms.{n}' for n in (0, 16, 32, 64)] + [
    f'protocol_cost.min.step_per_writer_event_us.{n}' for n in (16, 32, 64)] + [
    'memory.bytes_per_chunk', 'memory.bytes_per_chunk_all_slab',
    'memory.bytes_per_idle_snapshot',
    'tracker.tracked_write', 'tracker.tracked_write_in_leg', 'tracker.first_write',
    'tracker.bystander',
    'tracker.map_capacity_bytes', 'tracker.map_bytes_idle', 'tracker.map_bytes_every_page',
    'tracker.map_extents', 'tracker.query_ms', 'tracker.query_empty_ms',
] + [f'chunk_sweep.vss.{k}k.{f}' for k in (4, 16, 64, 256)
     for f in ('first_write', 'rewrite')] + [
    f'chunk_sweep.dm_snapshot.{k}k.{f}' for k in (4, 64) for f in ('first_write', 'rewrite')] + [
    f'ext4_file.{who}.{k}k.first_write' for who in ('vss', 'dm_snapshot') for k in (4, 64)]
# May be null with a note in the results. None any more: the module has
# the knob to skip the pre-flush, and the protocol is merged.
MAY_BE_NULL = set()


def parse_value(v):
    if v == 'null':
        return None
    try:
        return int(v)
    except ValueError:
        pass
    try:
        return float(v)
    except ValueError:
        return v


def get(d, key):
    for part in key.split('.'):
        if not isinstance(d, dict) or part not in d:
            raise KeyError(key)
        d = d[part]
    return d


def put(d, key, value):
    parts = key.split('.')
    for part in parts[:-1]:
        if not isinstance(d.get(part), dict):
            d[part] = {}	# a "key null" line before its figures
        d = d[part]
    d[parts[-1]] = value


def opt_get(d, key):
    try:
        return get(d, key)
    except KeyError:
        return None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 4)


def to_json(results_txt):
    d = {'notes': {}}
    with open(results_txt) as f:
        for line in f:
            key, _, value = line.rstrip('\n').partition(' ')
            if not key:
                continue
            if key == 'kernel':
                d['kernel'] = value
            elif key.startswith('note.'):
                d['notes'][key[5:]] = value
            else:
                put(d, key, parse_value(value))

    def opt(key):
        try:
            return get(d, key)
        except KeyError:
            return None

    # The headline figures, derived from the sweep at 4 KiB chunks (the
    # chunk size at which dm-snapshot's peer figure was taken).
    fw_vss = opt('chunk_sweep.vss.4k.first_write')
    fw_dm = opt('chunk_sweep.dm_snapshot.4k.first_write')
    put(d, 'first_write.vss', fw_vss)
    put(d, 'first_write.dm_snapshot', fw_dm)
    put(d, 'first_write.vss_over_dm_snapshot', ratio(fw_vss, fw_dm))
    put(d, 'rewrite.vss', opt('chunk_sweep.vss.4k.rewrite'))
    put(d, 'rewrite.dm_snapshot', opt('chunk_sweep.dm_snapshot.4k.rewrite'))
    for k in KEYS:
        try:
            get(d, k)
        except KeyError:
            put(d, k, None)
    return d


def fmt(v, unit=''):
    if v is None:
        return 'n/a'
    if isinstance(v, float):
        v = f'{v:.3f}' if abs(v) < 10 else f'{v:.1f}'
    return f'{v}{unit}'


# (label, key, target text, verdict function or None, reference text)
ROWS = [
    ('first-write overhead (4 KiB chunks)', 'first_write.vss', '>= 0.6',
     lambda v, d: v >= 0.6,
     'CPU-based {cpu.first_write.vss}; dm-snapshot {first_write.dm_snapshot} '
     '(CPU-based {cpu.first_write.dm_snapshot})'),
    ('  vss / dm-snapshot', 'first_write.vss_over_dm_snapshot', '>= 1.6',
     lambda v, d: v >= 1.6, ''),
    ('many snapshots (8 / 1)', 'many_snapshots.vss', '>= 0.9',
     lambda v, d: v >= 0.9, 'dm-snapshot: {many_snapshots.dm_snapshot}'),
    ('rewrite overhead (4 KiB chunks)', 'rewrite.vss', '>= 0.95',
     lambda v, d: v >= 0.95,
     'CPU-based {cpu.rewrite.vss}; dm-snapshot {rewrite.dm_snapshot} '
     '(CPU-based {cpu.rewrite.dm_snapshot})'),
    ('bystander tax', 'bystander.vss', '>= 0.98', lambda v, d: v >= 0.98,
     'CPU-based {cpu.bystander.vss}'),
    ('snapshot read (half in diff storage)', 'snapshot_read.vss', '>= 0.8',
     lambda v, d: v >= 0.8, ''),
    ('snapshot creation, one volume (ms)', 'snapshot_create.vss_one_volume_ms',
     'report', None, ''),
    ('freeze window, 4 volumes (ms)', 'freeze_window.vss_ms', '<= 10',
     lambda v, d: v <= 10, 'without pre-flush {freeze_window.vss_no_preflush_ms}; '
     'every RCU grace period expedited {freeze_window.diag_rcu_expedited_ms}'),
    ('creation latency, 4 volumes / LVM', 'creation_latency.ratio', '<= 0.2',
     lambda v, d: v <= 0.2,
     'vss {creation_latency.vss_ms} ms, lvcreate x4 {creation_latency.lvm_ms} ms'),
    ('protocol cost (us per writer per event)', 'protocol_cost.per_writer_event_us',
     'report, linear', None,
     'DoSnapshotSet 0/16/32/64 writers {protocol_cost.do_snapshot_set_ms.0}/'
     '{protocol_cost.do_snapshot_set_ms.16}/{protocol_cost.do_snapshot_set_ms.32}/'
     '{protocol_cost.do_snapshot_set_ms.64} ms; slope {protocol_cost.slope_us_per_writer_event} '
     'us (R2 {protocol_cost.fit_r2}); steps {protocol_cost.step_per_writer_event_us.16}/'
     '{protocol_cost.step_per_writer_event_us.32}/{protocol_cost.step_per_writer_event_us.64} us; '
     'best runs: {protocol_cost.min.do_snapshot_set_ms.0}/{protocol_cost.min.do_snapshot_set_ms.16}/'
     '{protocol_cost.min.do_snapshot_set_ms.32}/{protocol_cost.min.do_snapshot_set_ms.64} ms, '
     '{protocol_cost.min.per_writer_event_us} us per writer and event, slope '
     '{protocol_cost.min.slope_us_per_writer_event} us (R2 {protocol_cost.min.fit_r2}), steps '
     '{protocol_cost.min.step_per_writer_event_us.16}/{protocol_cost.min.step_per_writer_event_us.32}/'
     '{protocol_cost.min.step_per_writer_event_us.64} us'),
    ('memory per copied chunk (bytes)', 'memory.bytes_per_chunk', '<= 16',
     lambda v, d: v <= 16, 'all slab: {memory.bytes_per_chunk_all_slab}'),
    ('memory per idle snapshot (bytes)', 'memory.bytes_per_idle_snapshot', 'report',
     None, ''),
    ('change tracker: tracked writes (on / off)', 'tracker.tracked_write', '>= 0.98',
     lambda v, d: v >= 0.98, 'inside the legs below: {tracker.tracked_write_in_leg}'),
    ('change tracker: first writes (on / off)', 'tracker.first_write', '>= 0.98',
     lambda v, d: v >= 0.98, ''),
    ('change tracker: bystander (on / off)', 'tracker.bystander', '>= 0.98',
     lambda v, d: v >= 0.98, ''),
    ('change tracker: map, every page of the capacity (bytes)',
     'tracker.map_bytes_every_page', 'report', None,
     'capacity {tracker.map_capacity_bytes} bytes; idle {tracker.map_bytes_idle} bytes'),
    ('change tracker: query over that map (ms)', 'tracker.query_ms', 'report', None,
     '{tracker.map_extents} extents; an empty query (process start-up) '
     '{tracker.query_empty_ms} ms'),
]


def verdict(check, v, d):
    if check is None:
        return 'report'
    if v is None:
        return 'n/a'
    return 'met' if check(v, d) else 'MISSED'


def reference(text, d):
    def sub(m):
        try:
            return fmt(get(d, m.group(1)))
        except KeyError:
            return 'n/a'
    import re
    return re.sub(r'\{([\w.]+)\}', sub, text)


def table(paths, markdown):
    docs = [json.load(open(p)) for p in paths]
    head = ['figure'] + [d.get('kernel', '?') for d in docs] + ['target', 'verdict', 'reference']
    rows = []
    for label, key, target, check, ref in ROWS:
        vals = [get(d, key) for d in docs]
        verdicts = sorted({verdict(check, v, d) for v, d in zip(vals, docs)})
        refs = ' / '.join(reference(ref, d) for d in docs) if ref else ''
        rows.append([label] + [fmt(v) for v in vals] + [target, ','.join(verdicts), refs])
    rows.append(['chunk sweep (first write / rewrite)'] + [''] * len(docs) + ['', '', ''])
    for who, sizes in (('vss', (4, 16, 64, 256)), ('dm_snapshot', (4, 64))):
        for k in sizes:
            vals = [f"{fmt(get(d, f'chunk_sweep.{who}.{k}k.first_write'))} / "
                    f"{fmt(get(d, f'chunk_sweep.{who}.{k}k.rewrite'))}" for d in docs]
            cpu = ' / '.join(
                f"{fmt(opt_get(d, f'cpu.chunk_sweep.{who}.{k}k.first_write'))} / "
                f"{fmt(opt_get(d, f'cpu.chunk_sweep.{who}.{k}k.rewrite'))}" for d in docs)
            rows.append([f'  {who.replace("_", "-")} {k} KiB'] + vals +
                        ['', '', f'CPU-based {cpu}'])
    rows.append(['first write, a file on ext4 (vss / dm-snapshot)'] + [''] * len(docs) +
                ['', '', ''])
    for k in (4, 64):
        vals = [f"{fmt(get(d, f'ext4_file.vss.{k}k.first_write'))} / "
                f"{fmt(get(d, f'ext4_file.dm_snapshot.{k}k.first_write'))}" for d in docs]
        rows.append([f'  {k} KiB chunks'] + vals + ['', '', ''])
    if markdown:
        print('| ' + ' | '.join(head) + ' |')
        print('|' + '---|' * len(head))
        for r in rows:
            print('| ' + ' | '.join(c.strip() if i else c.replace('  ', '&nbsp;&nbsp;')
                                    for i, c in enumerate(r)) + ' |')
    else:
        widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
        for r in [head] + rows:
            print('  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    for d in docs:
        for k, v in sorted(d.get('notes', {}).items()):
            print(f"{'' if not markdown else '- '}note ({d.get('kernel', '?')}): {k}: {v}")


def merge(old, new, out):
    """NEW's lines over OLD's: a key NEW has (or a parent or child of one,
    and its note) is dropped from OLD."""
    def lines(p):
        with open(p) as f:
            return [ln for ln in f.read().splitlines() if ln.strip()]

    def key(ln):
        k = ln.partition(' ')[0]
        return k[5:] if k.startswith('note.') else k

    new_lines = lines(new)
    new_lines = [ln for ln in new_lines if not ln.startswith('kernel ')]
    fresh = {key(ln) for ln in new_lines}

    def clash(k):
        return any(k == f or k.startswith(f + '.') or f.startswith(k + '.') for f in fresh)
    kept = [ln for ln in lines(old) if not clash(key(ln))]
    with open(out, 'w') as f:
        for ln in kept + new_lines:
            f.write(ln + '\n')
    return 0


def check(paths):
    bad = 0
    for p in paths:
        d = json.load(open(p))
        for k in KEYS:
            try:
                v = get(d, k)
            except KeyError:
                print(f'{p}: key {k} missing')
                bad += 1
                continue
            if v is None and k not in MAY_BE_NULL:
                print(f'{p}: key {k} is null ({d.get("notes", {}).get(k, "no note")})')
                bad += 1
    return 1 if bad else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == 'json':
        with open(argv[3], 'w') as f:
            json.dump(to_json(argv[2]), f, indent=2, sort_keys=True)
            f.write('\n')
        return 0
    if len(argv) >= 3 and argv[1] == 'table':
        md = argv[2] == '--markdown'
        table(argv[3:] if md else argv[2:], md)
        return 0
    if len(argv) == 5 and argv[1] == 'merge':
        return merge(argv[2], argv[3], argv[4])
    if len(argv) >= 3 and argv[1] == 'check':
        return check(argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
