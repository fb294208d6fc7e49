#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile single objects of the in-tree users of hmm_range_fault() against
# our include/linux/hmm.h, each on its own with -Werror, and record one test
# result per object.
#
#   compat-build.sh KSRC KOUT JSON OBJ...
#
# KOUT must hold a configured tree (configs/compat.config); `make prepare`
# runs first. Every object is tried even when an earlier one fails. JSON
# receives the results in the format of scripts/results.py (suite
# "compat"); each compiler log is kept next to it. Exit status: non-zero if
# any object failed.
set -uo pipefail

ksrc=$1 kout=$2 json=$3
shift 3
logdir=$(dirname "$json")/compat-logs
mkdir -p "$logdir"
kmake=(make -C "$ksrc" O="$kout" ARCH=x86_64 CC="ccache gcc"
	HOSTCC="ccache gcc" -j"$(nproc)")

entries=()
failed=0
add() { # name status detail
	entries+=("$(python3 -c 'import json,sys; print(json.dumps({"suite": "compat",
"name": sys.argv[1], "status": sys.argv[2], "detail": sys.argv[3], "reports": []}))' "$@")")
}

echo "  PREPARE $kout"
if ! "${kmake[@]}" -s prepare >"$logdir/prepare.log" 2>&1; then
	tail -20 "$logdir/prepare.log" >&2
	for obj in "$@"; do
		add "$(basename "$obj")" fail "make prepare failed (see $logdir/prepare.log)"
	done
	failed=1
else
	for obj in "$@"; do
		name=$(basename "$obj")
		log=$logdir/${name%.o}.log
		# Force the compile even when the object is up to date in ccache's
		# eyes: kbuild decides from the dependency files, and a header
		# change is what this check is about.
		rm -f "$kout/$obj"
		if "${kmake[@]}" KCFLAGS=-Werror "$obj" >"$log" 2>&1; then
			echo "ok compat:$name"
			add "$name" pass ""
		else
			echo "FAIL compat:$name (log: $log)"
			grep -m5 -E 'error|warning' "$log" >&2
			add "$name" fail "does not compile against our hmm.h (see $log)"
			failed=1
		fi
	done
fi

mkdir -p "$(dirname "$json")"
printf '%s\n' "${entries[@]}" | python3 -c \
	'import json,sys; json.dump([json.loads(l) for l in sys.stdin], open(sys.argv[1], "w"), indent=1)' "$json"
exit "$failed"
