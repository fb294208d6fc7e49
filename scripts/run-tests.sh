#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every suite and write build/test-summary.txt; called by `make test`
# once the kernel, its modules and the test programs are built.
#
#   run-tests.sh KOUT MODDIR
#
# Host stages run first (the harness's own tests), then one boot of the
# debug kernel runs the VM suites in order: KUnit (built in, runs at boot),
# upstream's HMM selftests, and the IGT tests. Results print one line per
# test as they complete. The whole console log is kept in
# build/logs/console-test.log. Exit status: non-zero on any failure.
set -uo pipefail

kout=$1 moddir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
logs=$build/logs
results=$build/results
suites=${VSVM_SUITES:-kunit,hmm,igt}
rm -rf "$results"
mkdir -p "$logs" "$results"

echo "== host: harness self-tests"
python3 "$top/scripts/tests/test_results.py" --json "$results/harness.json"

echo "== vm: $suites (console: build/logs/console-test.log)"
"$top/scripts/run-vm.sh" test "$kout" "$moddir" "$suites" 2>"$logs/qemu-stderr.log" |
	python3 "$top/scripts/results.py" stream --suites "$suites" \
		--log "$logs/console-test.log" --json "$results/vm.json"
qemu_rc=${PIPESTATUS[0]}
if [ "$qemu_rc" -ne 0 ]; then
	echo "qemu exited with $qemu_rc (124: the VM ran past its time limit); see build/logs/qemu-stderr.log"
fi

echo "== summary (build/test-summary.txt)"
python3 "$top/scripts/results.py" summary --out "$build/test-summary.txt" \
	"$results"/*.json
