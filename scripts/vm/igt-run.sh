#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every IGT test binary in DIR subtest by subtest, as igt_runner would
# (Debian ships libigt but no igt_runner): --list-subtests, then one process
# per --run-subtest, each under a time limit. Runs inside the test VM.
#
#   igt-run.sh DIR
#
# Each subtest is announced and its result reported through /dev/kmsg
# ("vsvm-harness: test-begin SUITE BIN@SUBTEST" and "vsvm-harness: result
# SUITE BIN@SUBTEST pass|fail|skip|timeout|abort rc=N", SUITE being
# $VSVM_IGT_SUITE, default igt), so the host can pin a kernel report to the
# subtest during which it appeared. Its output is kept in
# /tmp/out/SUITE/BIN@SUBTEST.log on the results share.
#
# IGT's exit codes: 0 success, 77 skip, 78 timeout, 79 invalid subtest,
# 98 failure, 112 abort.

dir=$1
limit=${VSVM_IGT_TIMEOUT:-180}
suite=${VSVM_IGT_SUITE:-igt}
logdir=/tmp/out/$suite
mkdir -p "$logdir"

kmsg() {
	printf '%s\n' "$*" >/dev/kmsg
}

verdict() {
	case "$1" in
	0) echo pass ;;
	77) echo skip ;;
	78 | 124 | 137) echo timeout ;;
	112) echo abort ;;
	*) echo fail ;;
	esac
}

run_one() {
	local bin=$1 name=$2 log rc
	shift 2
	log=$logdir/$name.log
	kmsg "vsvm-harness: test-begin $suite $name"
	timeout --kill-after=10 "$limit" "$bin" "$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	kmsg "vsvm-harness: result $suite $name $(verdict $rc) rc=$rc"
}

shopt -s nullglob
bins=()
for f in "$dir"/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	# VSVM_IGT: a comma-separated list of binaries, or "all".
	case ",${VSVM_IGT:-all}," in
	*",all,"* | *",$(basename "$f"),"*) bins+=("$f") ;;
	esac
done
echo "igt: ${#bins[@]} test binaries in $dir"

for bin in "${bins[@]}"; do
	base=$(basename "$bin")
	if ! subtests=$("$bin" --list-subtests 2>"$logdir/$base.list.err"); then
		kmsg "vsvm-harness: result $suite $base@list-subtests fail rc=$?"
		continue
	fi
	if [ -z "$subtests" ]; then
		run_one "$bin" "$base"
		continue
	fi
	while IFS= read -r sub; do
		[ -n "$sub" ] && run_one "$bin" "$base@$sub" --run-subtest "$sub"
	done <<<"$subtests"
done
