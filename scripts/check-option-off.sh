#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that the "hook" edits of scripts/tree-edits.txt change nothing when
# the project's option is off: each .c file with a hook edit must compile
# to the same machine code as its upstream version with only the "fix"
# edits made.
#
#   check-option-off.sh [--dry-run] KSRC KOUT PRISTINE LIST JSON
#
# KSRC      the overlaid tree (build/linux-6.12)
# KOUT      a configured and prepared output tree with the option off
#           (build/kernel-compat, after scripts/compat-build.sh)
# PRISTINE  the upstream copies of the edited files (build/upstream)
# LIST      scripts/tree-edits.txt
# JSON      receives one result per file, suite "compat", in the format of
#           scripts/results.py; the logs are kept next to it
#
# For each file: (a) kbuild builds the tree's object as usual; (b) the
# upstream file with only the fix edits made is compiled to a temporary
# object by the very command kbuild recorded for (a) (KOUT/DIR/.NAME.o.cmd),
# objtool pass included, with the source and object paths replaced, the
# dependency file dropped, "-iquote KSRC/DIR" added so that the file's
# #include "..." of its neighbours still resolve, and __FILE__ mapped to
# the tree's path; (c) the two disassemblies (objdump -d
# --no-show-raw-insn, without the header naming the file) must be equal.
# --dry-run prints the commands of (a) and (b), using the .cmd file already
# in KOUT, and runs nothing else. Exit status: non-zero if any file
# differs or could not be checked.
set -uo pipefail

dry_run=0
if [ "${1:-}" = --dry-run ]; then
	dry_run=1
	shift
fi
if [ $# -ne 5 ]; then
	echo "usage: $0 [--dry-run] KSRC KOUT PRISTINE LIST JSON" >&2
	exit 2
fi
ksrc=$(realpath "$1") kout=$(realpath "$2") pristine=$3 list=$4 json=$5
here=$(cd "$(dirname "$0")" && pwd)
logdir=$(dirname "$json")/option-off-logs
kmake=(make -C "$ksrc" O="$kout" ARCH=x86_64 CC="ccache gcc"
	HOSTCC="ccache gcc" -j2)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

entries=()
failed=0
add() { # name status detail
	entries+=("$(python3 -c 'import json,sys; print(json.dumps({"suite": "compat",
"name": sys.argv[1], "status": sys.argv[2], "detail": sys.argv[3], "reports": []}))' "$@")")
	[ "$2" = pass ] || failed=1
}

# Print kbuild's recorded command for OBJ (from CMDFILE) rewritten to
# compile SRC into OUT instead; fails if the command has not the expected
# shape.
#   rewrite_cmd CMDFILE OBJ FILE SRC OUT IQUOTE
rewrite_cmd() {
	python3 - "$@" <<'EOF'
import re
import sys

cmdfile, obj, file, src, out, iquote = sys.argv[1:]
key = f'savedcmd_{obj} := '
cmd = None
with open(cmdfile, encoding='utf-8') as f:
    for line in f:
        if line.startswith(key):
            cmd = line[len(key):].rstrip('\n')
            break
if cmd is None:
    sys.exit(f'{cmdfile}: no "{key.strip()}" line')


def token(path):
    # path as a whole word of the shell command
    return r'(?<!\S)' + re.escape(path) + r'(?!\S)'


# The dependency file is kbuild's business, not ours.
cmd = re.sub(r'(?<!\S)-Wp,-MMD,\S+\s*', '', cmd)
# The source, named by its path in KSRC (absolute, or relative to KOUT).
srcs = re.findall(r'(?<!\S)\S*' + re.escape('/' + file) + r'(?!\S)', cmd)
srcs += re.findall(token(file), cmd)
if len(srcs) != 1:
    sys.exit(f'{cmdfile}: the source {file} appears {len(srcs)} times')
cmd = re.sub(token(srcs[0]), lambda m: (
    f'{src} -fmacro-prefix-map={src}={file} -iquote {iquote}'), cmd)
# The object: after -o, and as objtool's argument.
if not re.search(r'(?<!\S)-o\s+' + re.escape(obj) + r'(?!\S)', cmd):
    sys.exit(f'{cmdfile}: no "-o {obj}"')
cmd = re.sub(token(obj), lambda m: out, cmd)
print(cmd)
EOF
}

# Compare two disassemblies; print the functions that differ.
#   compare_dis A B
compare_dis() {
	python3 - "$@" <<'EOF'
import re
import sys

LABEL = re.compile(r'^[0-9a-f]+ <(.+)>:$')
INSN = re.compile(r'^\s*[0-9a-f]+:\s*(.*)$')


def body(path):
    """objdump's text without the header that names the file."""
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if 'file format' in line:
            return lines[i + 1:]
    return lines


def functions(lines):
    """(section, function) -> instructions, without the addresses, so that
    one function growing does not make every later one differ."""
    funcs = {}
    section, cur = '', None
    for line in lines:
        if line.startswith('Disassembly of section '):
            section = line[len('Disassembly of section '):].rstrip(':')
            continue
        m = LABEL.match(line)
        if m:
            cur = funcs.setdefault((section, m.group(1)), [])
            continue
        m = INSN.match(line)
        if m and cur is not None:
            cur.append(re.sub(r'\b[0-9a-f]+ (<[^>]*>)', r'\1', m.group(1)))
    return funcs


a, b = body(sys.argv[1]), body(sys.argv[2])
if a == b:
    sys.exit(0)
fa, fb = functions(a), functions(b)
names = []
for key in list(fa) + [k for k in fb if k not in fa]:
    if fa.get(key) != fb.get(key):
        where = '' if key[0] == '.text' else f' ({key[0]})'
        names.append(key[1] + where)
if names:
    print('differs in ' + ', '.join(names[:8]) +
          (f' and {len(names) - 8} more' if len(names) > 8 else ''))
else:
    print('same functions, but laid out differently')
sys.exit(1)
EOF
}

if ! files=$(python3 "$here/tree-edit.py" files "$list" --kinds hook); then
	add option-off-list fail "cannot read $list"
	files=
fi
[ "$dry_run" -eq 1 ] || mkdir -p "$logdir"

while IFS= read -r file; do
	[ -n "$file" ] || continue
	case "$file" in
	*.c) ;;
	*) echo "check-option-off: $file: not a .c file, not checked" >&2
	   continue ;;
	esac
	dir=$(dirname "$file")
	base=$(basename "$file" .c)
	obj=$dir/$base.o
	name=option-off-identical:$base.o
	cmdfile=$kout/$dir/.$base.o.cmd
	src=$tmp/$base.c
	out=$tmp/$base.o

	# The upstream version with only the fixes.
	if ! python3 "$here/tree-edit.py" show "$list" "$pristine/$file" "$file" \
			--kinds fix >"$src"; then
		add "$name" fail "the fix edits do not apply to $pristine/$file"
		continue
	fi

	if [ "$dry_run" -eq 1 ]; then
		echo "# $file"
		printf '(a) rm -f %q && ' "$kout/$obj"
		printf '%q ' "${kmake[@]}"
		printf '%q\n' "$obj"
		if [ -f "$cmdfile" ]; then
			echo "(b) cd $kout && $(rewrite_cmd "$cmdfile" "$obj" "$file" \
				"$src" "$out" "$ksrc/$dir")"
		else
			echo "(b) no $cmdfile yet: (a) writes it"
		fi
		echo "(c) objdump -d --no-show-raw-insn $kout/$obj vs $out"
		continue
	fi

	log=$logdir/$base-tree.log
	rm -f "$kout/$obj"
	if ! "${kmake[@]}" "$obj" >"$log" 2>&1; then
		grep -m5 -E 'error|warning' "$log" >&2
		add "$name" fail "the tree's $obj does not build (see $log)"
		continue
	fi
	log=$logdir/$base-upstream.log
	if ! cmd=$(rewrite_cmd "$cmdfile" "$obj" "$file" "$src" "$out" \
			"$ksrc/$dir" 2>"$log"); then
		cat "$log" >&2
		add "$name" fail "cannot use kbuild's command for $obj (see $log)"
		continue
	fi
	printf '%s\n' "$cmd" >>"$log"
	if ! (cd "$kout" && sh -c "$cmd") >>"$log" 2>&1; then
		grep -m5 -E 'error|warning' "$log" >&2
		add "$name" fail \
			"the upstream $file with the fixes does not compile (see $log)"
		continue
	fi
	if ! objdump -d --no-show-raw-insn "$kout/$obj" >"$logdir/$base-tree.dis" ||
	   ! objdump -d --no-show-raw-insn "$out" >"$logdir/$base-upstream.dis"; then
		add "$name" fail "objdump failed"
		continue
	fi
	if detail=$(compare_dis "$logdir/$base-tree.dis" \
			"$logdir/$base-upstream.dis"); then
		echo "ok compat:$name"
		add "$name" pass ""
	else
		echo "FAIL compat:$name ($detail)"
		add "$name" fail "$detail (see $logdir/$base-*.dis)"
	fi
done <<<"$files"

[ "$dry_run" -eq 0 ] || exit 0
mkdir -p "$(dirname "$json")"
printf '%s\n' "${entries[@]}" | python3 -c \
	'import json,sys; json.dump([json.loads(l) for l in sys.stdin if l.strip()], open(sys.argv[1], "w"), indent=1)' "$json"
exit "$failed"
