#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the perf kernel once, run the benchmark suite, write the report.
#
#   run-bench.sh KOUT MODDIR
#
# Sizes come from VSVM_BENCH_MIB (default 1024) and VSVM_BENCH_REPS
# (default 7). The report (table, JSON, PNG) goes to build/bench/; the raw
# samples to build/bench/samples/. Exit status: non-zero if a benchmark
# failed its own checks or the VM did not finish.
set -uo pipefail

kout=$1 moddir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
out=$build/bench
export VSVM_BENCH_MIB=${VSVM_BENCH_MIB:-1024} VSVM_BENCH_REPS=${VSVM_BENCH_REPS:-7}
rm -rf "$out"
mkdir -p "$out" "$build/logs"

echo "== vm: bench, ${VSVM_BENCH_MIB} MiB, ${VSVM_BENCH_REPS} repetitions (console: build/logs/console-bench.log)"
"$top/scripts/run-vm.sh" test "$kout" "$moddir" bench 2>"$build/logs/qemu-stderr-bench.log" |
	python3 "$top/scripts/results.py" stream --suites bench \
		--log "$build/logs/console-bench.log" --json "$out/results.json"
rc=$?
if python3 -c 'import json, sys
sys.exit(any(r["status"] == "fail" for r in json.load(open(sys.argv[1]))))' "$out/results.json"; then
	:
else
	echo "a benchmark failed; see build/logs/console-bench.log"
	rc=1
fi
cp -r "$build/vm-out/bench" "$out/samples" 2>/dev/null

echo "== report (build/bench/report.txt, report.json, report.png)"
/usr/bin/python3 "$top/scripts/bench-report.py" "$out/samples" "$out" \
	--kernel-config "configs/base.config + configs/perf.config" || rc=1
exit "$rc"
