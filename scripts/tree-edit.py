#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make the one-line edits of scripts/tree-edits.txt, each exactly once.

    tree-edit.py apply LIST TREE PRISTINE
    tree-edit.py show LIST PRISTINE_FILE FILE [--kinds KIND[,KIND]]
    tree-edit.py files LIST [--kinds KIND[,KIND]]

LIST has one edit a line, "KIND<TAB>FILE<TAB>OLD<TAB>NEW"; blank lines and
lines starting with "#" are ignored. KIND is "hook" or "fix", FILE is a path
in the tree, OLD and NEW are exact substrings of one line, in which "\\t"
stands for a tab and "\\\\" for a backslash.

apply: every FILE is made from its upstream version, PRISTINE/FILE (saved
there from TREE/FILE the first time, which must then be Debian's unmodified
file), with the file's edits made in list order. Each OLD must occur exactly
once in the text at the point its edit is made, or nothing at all is
written and the exit status is 1. TREE/FILE is written only when its
content changes, so that kbuild rebuilds only what changed. A file edited
last time (TREE/.edited-files) but no longer in LIST gets its upstream
content back. A file that the repository overlays (a symbolic link made by
scripts/prepare-tree.sh) cannot be edited as well.

show: print PRISTINE_FILE with only FILE's edits of the given kinds made,
under the same exactly-once rule (scripts/check-option-off.sh uses it).

files: print each FILE that has edits of the given kinds, once, in list
order.
"""

import argparse
import os
import shutil
import sys
import tempfile

KINDS = ('hook', 'fix')


class EditError(Exception):
    pass


class Edit:
    def __init__(self, lineno, kind, path, old, new):
        self.lineno = lineno
        self.kind = kind
        self.path = path
        self.old = old
        self.new = new


def unescape(text):
    """Turn the list's "\\t" into a tab and "\\\\" into a backslash; any
    other backslash stands for itself."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 1 < len(text) and text[i + 1] in 't\\':
            out.append('\t' if text[i + 1] == 't' else '\\')
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def escape(text):
    """The reverse of unescape(), for messages."""
    return text.replace('\\', '\\\\').replace('\t', '\\t')


def read_list(path):
    edits = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            fields = line.split('\t')
            if len(fields) != 4:
                raise EditError(f'{path}:{lineno}: expected '
                                f'KIND<TAB>FILE<TAB>OLD<TAB>NEW, found '
                                f'{len(fields)} field(s)')
            kind, file, old, new = fields
            if kind not in KINDS:
                raise EditError(f'{path}:{lineno}: unknown kind "{kind}" '
                                f'(expected {" or ".join(KINDS)})')
            if not file or file.startswith('/') or '..' in file.split('/'):
                raise EditError(f'{path}:{lineno}: "{file}" is not a path '
                                f'inside the tree')
            old, new = unescape(old), unescape(new)
            if not old:
                raise EditError(f'{path}:{lineno}: empty OLD')
            if old == new:
                raise EditError(f'{path}:{lineno}: OLD and NEW are the same')
            edits.append(Edit(lineno, kind, file, old, new))
    return edits


def files_of(edits, kinds=KINDS):
    """Files with edits of the given kinds, once each, in list order."""
    seen = []
    for e in edits:
        if e.kind in kinds and e.path not in seen:
            seen.append(e.path)
    return seen


def edit_text(text, path, edits, kinds=KINDS):
    """Make path's edits of the given kinds in text, in list order; each OLD
    must occur exactly once when its turn comes. N in the message is the
    edit's line in LIST."""
    for e in edits:
        if e.path != path or e.kind not in kinds:
            continue
        n = text.count(e.old)
        if n != 1:
            raise EditError(f'{path}: edit {e.lineno} ({escape(e.old)}) '
                            f'applies {n} times, expected once')
        text = text.replace(e.old, e.new, 1)
    return text


def read_text(path):
    # surrogateescape: an upstream file with stray non-UTF-8 bytes is
    # written back byte for byte.
    with open(path, encoding='utf-8', errors='surrogateescape',
              newline='') as f:
        return f.read()


def write_text(path, text, mode_from=None):
    """Replace path with text in one rename, keeping the file's mode."""
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix='.tree-edit.')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', errors='surrogateescape',
                       newline='') as f:
            f.write(text)
        if mode_from and os.path.exists(mode_from):
            shutil.copymode(mode_from, tmp)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_names(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f if line.strip()]


def cmd_apply(args):
    edits = read_list(args.list)
    tree, pristine = args.tree, args.pristine
    record = os.path.join(tree, '.edited-files')
    overlaid = set(read_names(os.path.join(tree, '.overlay-files')))
    before = read_names(record)
    now = files_of(edits)

    # Work out every change first; write only when all of them are good.
    saves = []      # (tree file, pristine copy) to copy with cp -p
    writes = []     # (tree file, content, verb)
    for f in now:
        dst = os.path.join(tree, f)
        orig = os.path.join(pristine, f)
        if f in overlaid or os.path.islink(dst):
            raise EditError(f'{f}: overlaid by the repository (a symbolic '
                            f'link in the tree) and edited by {args.list}; '
                            f'change the repository\'s copy instead, or '
                            f'remove the file from the repository')
        if os.path.exists(orig):
            base = read_text(orig)
        elif f in before:
            raise EditError(f'{f}: edited last time but its upstream copy '
                            f'{orig} is gone; unpack the tree again '
                            f'(remove {tree})')
        elif os.path.isfile(dst):
            base = read_text(dst)
            saves.append((dst, orig))
        else:
            raise EditError(f'{f}: no such file in {tree}')
        text = edit_text(base, f, edits)
        if not os.path.isfile(dst) or read_text(dst) != text:
            writes.append((dst, text, 'EDIT'))

    for f in before:
        if f in now:
            continue
        dst = os.path.join(tree, f)
        orig = os.path.join(pristine, f)
        if os.path.islink(dst):
            continue        # the repository overlays it now
        if not os.path.exists(orig):
            raise EditError(f'{f}: no longer edited, but its upstream copy '
                            f'{orig} is gone; unpack the tree again '
                            f'(remove {tree})')
        text = read_text(orig)
        if not os.path.isfile(dst) or read_text(dst) != text:
            writes.append((dst, text, 'RESTORE'))

    for dst, orig in saves:
        os.makedirs(os.path.dirname(orig), exist_ok=True)
        shutil.copy2(dst, orig)
    for dst, text, verb in writes:
        # A new mtime, also when restoring, so that kbuild rebuilds.
        write_text(dst, text, mode_from=dst)
        print(f'  {verb:<7} {os.path.relpath(dst, tree)}')
    if now != before:
        if now:
            write_text(record, ''.join(f + '\n' for f in now))
        elif os.path.exists(record):
            os.unlink(record)
    return 0


def parse_kinds(value):
    kinds = [k for k in value.split(',') if k]
    for k in kinds:
        if k not in KINDS:
            raise EditError(f'unknown kind "{k}" (expected '
                            f'{" or ".join(KINDS)})')
    return kinds


def cmd_show(args):
    edits = read_list(args.list)
    text = edit_text(read_text(args.pristine_file), args.file, edits,
                     parse_kinds(args.kinds))
    sys.stdout.buffer.write(text.encode('utf-8', errors='surrogateescape'))
    return 0


def cmd_files(args):
    for f in files_of(read_list(args.list), parse_kinds(args.kinds)):
        print(f)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('apply', help='make the edits in the tree')
    p.add_argument('list')
    p.add_argument('tree')
    p.add_argument('pristine')
    p.set_defaults(fn=cmd_apply)
    p = sub.add_parser('show', help='print one file with some edits made')
    p.add_argument('list')
    p.add_argument('pristine_file')
    p.add_argument('file', help='the path of the file in LIST')
    p.add_argument('--kinds', default=','.join(KINDS))
    p.set_defaults(fn=cmd_show)
    p = sub.add_parser('files', help='list the files with edits')
    p.add_argument('list')
    p.add_argument('--kinds', default=','.join(KINDS))
    p.set_defaults(fn=cmd_files)
    args = ap.parse_args()
    try:
        return args.fn(args)
    except (EditError, OSError) as e:
        print(f'tree-edit: {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
