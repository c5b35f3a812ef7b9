#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Section 3 pages, one per exported libvss function, from the headers.
#
#   gen-man3.py KERNEL_DOC OUTDIR VERSION DATE MAP HEADER...
#
# A function with a kernel-doc comment gets the page that the kernel's own
# scripts/kernel-doc -man writes for it, renumbered to section 3, with its
# header's #include in the synopsis and a SEE ALSO. The plain accessors
# (getters documented as a group by an ordinary comment, as
# libvss_session_id()) get a page built from that comment and their
# prototype, pointing at the functions that make their object. Every name
# in MAP gets a page or this fails, naming the ones it could not document.
import os
import re
import subprocess
import sys

kdoc, outdir, version, date, mapfile = sys.argv[1:6]
headers = sys.argv[6:]

exported = set(re.findall(r'\b(libvss_\w+);', open(mapfile).read()))
# The optional io_uring header is header-only: its inline functions are API
# without being in the map.
pages = {}			# name -> troff text
creators = {}			# struct name -> documented functions making one

TH = '.TH "%s" 3 "%s" "libvss %s" "libvss Programmer\'s Manual"\n'


def see_also(name, extra=()):
    refs = ['libvss'] + sorted(set(e for e in extra if e != name))
    return '.SH "SEE ALSO"\n' + ',\n'.join('.BR %s (3)' % r for r in refs) + '\n'


def kernel_doc(header):
    out = subprocess.run([kdoc, '-man', '-Wall', header], check=True,
                         capture_output=True, text=True)
    if out.stderr:
        sys.stderr.write(out.stderr)
        sys.exit('gen-man3: kernel-doc warns about %s' % header)
    found = {}
    for chunk in re.split(r'(?m)^(?=\.TH )', out.stdout):
        m = re.match(r'\.TH "([^"]*)" 9 "([^"]*)"[^\n]*\n', chunk)
        if not m or ' ' in m.group(2):
            continue		# enums and structs: documented in their header
        name, body = m.group(2), chunk[m.end():]
        inc = '.B #include <%s>\n.sp\n' % os.path.basename(header)
        body = body.replace('.SH SYNOPSIS\n', '.SH SYNOPSIS\n' + inc, 1)
        found[name] = body
    return found


def describe(block):
    """The comments of a paragraph that speak for its next prototype."""
    # A kernel-doc comment is its own function's page, not a group's.
    block = [(k, t) for k, t in block
             if not (k == 'c' and t.lstrip().startswith('/**'))]
    lead = []
    for k, t in block:
        if k != 'c':
            break
        lead.append(t)
    # Of two or more comments opening a paragraph, the last belongs to
    # the first prototype alone; a single one introduces them all.
    intro = lead[:-1] if len(lead) > 1 else lead
    own = [t for k, t in block if k == 'c'][-1:]
    return intro + [t for t in own if t not in intro]


def prototypes(header):
    """(name, prototype, comments of its block) for each function."""
    lines = open(header).read().split('\n')
    res = []
    block = []			# the paragraph so far: ('c', text) | ('p', text)
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            block = []
            i += 1
            continue
        if line.lstrip().startswith('/*'):
            text = []
            while True:
                text.append(lines[i])
                if '*/' in lines[i]:
                    break
                i += 1
            block.append(('c', '\n'.join(text)))
            i += 1
            continue
        if line.startswith((' ', '\t', '#', '}', '{')) or \
                line.startswith(('struct ', 'enum ', 'typedef ')) and \
                not re.search(r'\w\s*\(', line):
            i += 1
            continue
        proto = [line]
        while not proto[-1].rstrip().endswith((';', '{', ')')) and i + 1 < len(lines):
            i += 1
            proto.append(lines[i])
        text = ' '.join(p.strip() for p in proto).rstrip('{ ')
        m = re.search(r'\b(libvss_\w+)\s*\(', text)
        if m:
            res.append((m.group(1), text.rstrip(';') + ';', describe(block)))
        block.append(('p', text))
        i += 1
    return res


def comment_text(c):
    c = re.sub(r'^\s*/\*+\s?|\s*\*/\s*$', '', c)
    c = '\n'.join(re.sub(r'^\s*\*\s?', '', l) for l in c.split('\n'))
    return c.strip()


def esc(s):
    s = s.replace('\\', '\\e').replace('-', '\\-')
    return '\n'.join('\\&' + l if l.startswith(('.', "'")) else l
                     for l in s.split('\n'))


def plain_page(name, proto, comments, header):
    # A getter takes its object const.
    m = re.search(r'\(\s*const\s+struct\s+(\w+)\s*\*', proto)
    obj = m.group(1) if m else None
    # A bare "Getters." says nothing the page does not.
    texts = [t for t in map(comment_text, comments) if t != 'Getters.']
    # The nearest comment is this function's own; an earlier one in the
    # same paragraph introduces the group.
    own = texts[-1] if texts else ''
    if obj:
        short = 'read a field of struct %s' % obj
    else:
        short = own.split('\n')[0].rstrip('.') if own else name
    page = '.SH NAME\n%s \\- %s\n' % (name, esc(short))
    page += '.SH SYNOPSIS\n.nf\n.B #include <%s>\n.sp\n.B "%s"\n.fi\n' % (
        os.path.basename(header), proto.replace('"', '\\(dq'))
    desc = '\n\n'.join(esc(t) for t in texts)
    if obj:
        desc = ('A getter of \\fBstruct %s\\fP: it never fails and needs no '
                'context.%s' % (obj, '\n.PP\n' + desc if desc else ''))
    if desc:
        page += '.SH DESCRIPTION\n' + desc.replace('\n\n', '\n.PP\n') + '\n'
    return page, obj


documented = {}
plain = []
for h in headers:
    documented.update((n, (b, h)) for n, b in kernel_doc(h).items())
    for name, proto, comments in prototypes(h):
        # What hands out an object: a struct X ** argument, or a
        # struct X * returned (a list's entries, a backup's writers).
        m = re.search(r'struct\s+(\w+)\s*\*\*', proto) or \
            re.match(r'(?:const\s+)?struct\s+(\w+)\s*\*\s*libvss_', proto)
        if m and name in documented:
            creators.setdefault(m.group(1), []).append(name)
        if name not in documented and name in exported:
            plain.append((name, proto, comments, h))

os.makedirs(outdir, exist_ok=True)
for name, (body, h) in documented.items():
    pages[name] = TH % (name, date, version) + body + see_also(name)
for name, proto, comments, h in plain:
    if name in pages:
        continue
    body, obj = plain_page(name, proto, comments, h)
    pages[name] = TH % (name, date, version) + body + \
        see_also(name, creators.get(obj, []))

missing = sorted(exported - set(pages))
if missing:
    sys.exit('gen-man3: no documentation for: ' + ' '.join(missing))
for name, text in pages.items():
    with open(os.path.join(outdir, name + '.3'), 'w') as f:
        f.write(text)
print('gen-man3: %d pages in %s' % (len(pages), outdir))
