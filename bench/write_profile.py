#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a first write's time goes, from a function-tracer trace.

    write_profile.py [--dev MAJ:MIN] [--prefix KEY] TRACE

TRACE: bench/guest.sh's writeprof part: the `function` tracer limited to
the module's functions and submit_bio_noacct, with the events
block_rq_issue/block_rq_complete and workqueue_queue_work/execute_start,
trace_clock mono; a "##### wprof first" section (QD1 first writes to a
snapshotted origin) then a "##### wprof untracked" one (the same writes
without snapshot). --dev: the origin (its block events only).

A write starts at fio's submit_bio_noacct (the hook: vss_ftrace_handler
runs there and diverts it to vss_divert_bio). QD1: the writes do not
overlap, so everything up to the next one belongs to it. Its anchors, in
order (the first of each after the previous one):

  hook        submit_bio_noacct, by fio
  lane        vss_lane_work (the lane worker starts; vss_divert_bio queued it)
  read_sub    submit_bio_noacct by that worker (vss_copy_start's read)
  read_issue  block_rq_issue, a read of the origin (to the driver)
  read_done   block_rq_complete of it (the device answered)
  copy_work   vss_copy_work (vss_copy_read_endio queued it on vss_copy)
  lane2       vss_lane_work, if vss_tracker_resume handed the write back
              (a file store's copy is captured, the map has the slot, and
              the store follows; a memory store's copy is stored first).
              Absent when the copy's worker resubmitted the write itself
              (vss_tracker_pass_preserved: the chunk was its last)
  resub       submit_bio_noacct by that worker, or else by the copy's
              worker (the write resubmitted)
  w_issue     block_rq_issue, a write of the origin
  w_done      block_rq_complete of it
  endio       vss_passthrough_endio (the completion taken over)
  end         vss_count_put from vss_passthrough_endio (the owner's
              end_io, which wakes the submitter, has returned)

Phase copy_work_to_resubmit spans copy_work -> resub either way. And the
next write's hook (phase to_next_hook: the submitter back in user
space and in again; with total, hook -> end, it makes the period). The
hook's time is that of the first callee of vss_ftrace_handler (the
module's callback runs before the tracer's own on submit_bio_noacct).

Off the write's path, by the copy's worker (the copy_work anchor's task),
searched up to the next write's end: the store, from vss_store_copy_write
(a file store's, after the capture) or vss_store_copy_finish (a memory
store's, before the writes go back) to vss_store_threshold_crossed, which
follows it (phase store), and whether it ended before the write was
resubmitted (store_before_resubmit: 1 or 0, the mean is the fraction;
store_before_lane2 likewise when the lane took the write back).

Prints "<prefix>.<phase>_us" medians over the writes, with _p90_us and
_mean_us (the means add up, the host's stalls included), "<prefix>.writes",
and the untracked writes' "<prefix>.untracked.*" phases.
"""
import argparse
import re
import sys

LINE = re.compile(r'^\s*(?P<task>.+?)-(?P<pid>\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(?P<cpu>\d+)\]'
                  r'(?:\s+\S{4,6})?\s+(?P<ts>\d+\.\d+):\s+(?P<what>[\w.]+):?\s*(?P<rest>.*)$')
BLK = re.compile(r'^(?P<maj>\d+),(?P<min>\d+)\s+(?P<rwbs>\S+)')

FIRST = [  # (anchor, phase ending there, label)
    ('lane', 'queue_to_lane', 'hook -> lane worker starts (queue_work, wakeup)'),
    ('read_sub', 'lane_to_read_submit', 'lane: adopt, count, map lookup, copy + slot + buffer, read submitted'),
    ('read_issue', 'read_submit_to_issue', 'block layer to the driver (read of the old chunk)'),
    ('read_done', 'read_device', 'old-chunk read on the device'),
    ('copy_work', 'read_done_to_copy_work', 'completion, vss_copy_read_endio, queue_work, wakeup'),
    ('lane2', 'copy_work_to_lane', 'map update (cow_mutex), resume, lane wakeup (memory store: the store too)'),
    ('resub', 'lane_to_resubmit', 'lane: chunk preserved, write resubmitted'),
    ('w_issue', 'write_submit_to_issue', 'block layer to the driver (the write)'),
    ('w_done', 'write_device', 'the write on the device'),
    ('endio', 'write_done_to_endio', 'completion up to vss_passthrough_endio'),
    ('end', 'takeover', 'completion takeover, owner end_io'),
]
UNTRACKED = [  # the storage is still added: the write is counted, its completion wrapped
    ('w_issue', 'submit_to_issue', ''),
    ('w_done', 'device', ''),
    ('endio', 'done_to_endio', ''),
    ('end', 'takeover', ''),
]


def parse(path, dev):
    sections = {'first': [], 'untracked': []}	# name -> [events of one section]
    cur = None
    with open(path, errors='replace') as f:
        for line in f:
            if line.startswith('##### wprof '):
                cur = []
                sections.setdefault(line.split()[2], []).append(cur)
                continue
            if cur is None or line.startswith('#'):
                continue
            m = LINE.match(line)
            if not m:
                continue
            what = m.group('what')
            ev = {'ts': float(m.group('ts')) * 1e6, 'task': m.group('task'),
                  'pid': int(m.group('pid')), 'what': what, 'rest': m.group('rest')}
            if what in ('block_rq_issue', 'block_rq_complete'):
                b = BLK.match(ev['rest'])
                if not b or (dev and f"{b.group('maj')}:{b.group('min')}" != dev):
                    continue
                ev['rwbs'] = b.group('rwbs')
            cur.append(ev)
    return sections


def is_fn(name):
    return lambda e, a: e['what'] == name


def by_worker(name, worker):
    return lambda e, a: e['what'] == name and worker in a and e['pid'] == a[worker]['pid']


def by_resubmitter(name):
    """By the lane's worker if the lane took the write back, else by the
    copy's (the write resubmitted from the copy's end)."""
    def pred(e, a):
        who = 'lane2' if 'lane2' in a else 'copy_work'
        return e['what'] == name and who in a and e['pid'] == a[who]['pid']
    return pred


def blk(what, rw):
    return lambda e, a: e['what'] == what and rw in e.get('rwbs', '')


PRED_FIRST = {
    'lane': is_fn('vss_lane_work'),
    'read_sub': by_worker('submit_bio_noacct', 'lane'),
    'read_issue': blk('block_rq_issue', 'R'),
    'read_done': blk('block_rq_complete', 'R'),
    'copy_work': is_fn('vss_copy_work'),
    'lane2': is_fn('vss_lane_work'),
    'resub': by_resubmitter('submit_bio_noacct'),
    'w_issue': blk('block_rq_issue', 'W'),
    'w_done': blk('block_rq_complete', 'W'),
    'endio': is_fn('vss_passthrough_endio'),
    'end': by_worker('vss_count_put', 'endio'),
}
PRED_UNTRACKED = {
    'w_issue': blk('block_rq_issue', 'W'),
    'w_done': blk('block_rq_complete', 'W'),
    'endio': is_fn('vss_passthrough_endio'),
    'end': by_worker('vss_count_put', 'endio'),
}


def is_hook(e):
    return e['what'] == 'submit_bio_noacct' and e['task'].startswith('fio')


def writes(events):
    """Each write's events: from a hook to the next one; the hook's time
    that of the callback's first callee just before it, by the same task."""
    out, cur = [], None
    for e in events:
        if is_hook(e):
            start = e['ts']
            while cur and cur[-1]['pid'] == e['pid'] and '<-vss_ftrace_handler' in cur[-1]['rest']:
                start = cur.pop()['ts']
            if cur:
                out.append(cur)
            cur = [dict(e, ts=start)]
        elif cur is not None:
            cur.append(e)
    if cur:
        out.append(cur)
    return out


def anchors(w, order, preds):
    a = {'hook': w[0]}
    pos = 1
    for name, _, _ in order:
        for i in range(pos, len(w)):
            if preds[name](w[i], a):
                a[name] = w[i]
                pos = i + 1
                break
    return a


def median(v):
    v = sorted(v)
    n = len(v)
    if not n:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def p90(v):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * 0.9))] if v else None


def profile(sections, order, preds, last):
    """Phase -> list of µs; each phase from the anchor before it that was found."""
    ph = {p: [] for _, p, _ in order}
    ph.update(to_next_hook=[], total=[], period=[], store=[], store_before_lane2=[],
              store_before_resubmit=[], copy_work_to_resubmit=[])
    for ws in sections:
        profile_section(ws, order, preds, last, ph)
    return ph


def profile_section(ws, order, preds, last, ph):
    for i, w in enumerate(ws):
        a = anchors(w, order, preds)
        prev = 'hook'
        for name, p, _ in order:
            if name in a:
                if prev is not None:
                    ph[p].append(a[name]['ts'] - a[prev]['ts'])
                prev = name
            else:
                prev = None	# a gap: the next phase is not measurable
        if 'copy_work' in a and 'resub' in a:
            ph['copy_work_to_resubmit'].append(a['resub']['ts'] - a['copy_work']['ts'])
        if last in a:
            ph['total'].append(a[last]['ts'] - w[0]['ts'])
        if i + 1 < len(ws) and last in a:
            ph['to_next_hook'].append(ws[i + 1][0]['ts'] - a[last]['ts'])
        if i + 1 < len(ws):
            ph['period'].append(ws[i + 1][0]['ts'] - w[0]['ts'])
        if 'copy_work' in a:
            store_phase(w + (ws[i + 1] if i + 1 < len(ws) else []), a, ph)


def store_phase(events, a, ph):
    """The store by the copy's worker, which may end after the write did."""
    pid = a['copy_work']['pid']
    start = None
    for e in events:
        if e['ts'] < a['copy_work']['ts'] or e['pid'] != pid:
            continue
        if start is None and e['what'] in ('vss_store_copy_write', 'vss_store_copy_finish'):
            start = e
        elif start is not None and e['what'] == 'vss_store_threshold_crossed':
            ph['store'].append(e['ts'] - start['ts'])
            if 'lane2' in a:
                ph['store_before_lane2'].append(1 if e['ts'] < a['lane2']['ts'] else 0)
            if 'resub' in a:
                ph['store_before_resubmit'].append(1 if e['ts'] < a['resub']['ts'] else 0)
            return


def emit(prefix, ph):
    for p, v in ph.items():
        m = median(v)
        if m is None:
            print(f'{prefix}.{p}_us null')
        else:
            print(f'{prefix}.{p}_us {m:.1f}')
            print(f'{prefix}.{p}_p90_us {p90(v):.1f}')
            print(f'{prefix}.{p}_mean_us {sum(v) / len(v):.1f}')


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('--dev', default='')
    ap.add_argument('--prefix', default='first_write.profile')
    ap.add_argument('trace')
    args = ap.parse_args(argv[1:])
    s = parse(args.trace, args.dev)
    first, base = [], []
    for sec in s['first']:
        first += [writes(sec)]
    for sec in s['untracked']:
        base += [writes(sec)]
    print(f'{args.prefix}.writes {sum(map(len, first))}')
    emit(args.prefix, profile(first, FIRST, PRED_FIRST, 'end'))
    print(f'{args.prefix}.untracked_writes {sum(map(len, base))}')
    emit(args.prefix + '.untracked', profile(base, UNTRACKED, PRED_UNTRACKED, 'end'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
