#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every suite and write build/test-summary.txt; called by `make test`
# once the kernel, its modules and the test programs are built.
#
#   run-tests.sh KOUT MODDIR
#
# Host stages run first (the harness's own tests, and the results of
# `make compat`), then one boot of the debug kernel runs the VM suites in
# order: KUnit (built in, runs at boot), upstream's HMM selftests, and the
# IGT tests. Results print one line per
# test as they complete. The whole console log is kept in
# build/logs/console-test.log. Exit status: non-zero on any failure.
set -uo pipefail

kout=$1 moddir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
logs=$build/logs
results=$build/results
suites=${VSVM_SUITES:-kunit,hmm,bench,igt,direct,demo}
# The bench suite runs as a smoke test here (tiny sizes, figures ignored),
# so that `make bench` cannot rot; `make bench` runs it for real.
export VSVM_BENCH_MIB=${VSVM_BENCH_MIB:-8} VSVM_BENCH_REPS=${VSVM_BENCH_REPS:-1}
rm -rf "$results"
mkdir -p "$logs" "$results"

echo "== host: harness self-tests"
python3 "$top/scripts/tests/test_results.py" --json "$results/harness.json"
echo "== host: tools (GPU images, image loader, launches, FPU)"
python3 "$top/scripts/tests/test_tools.py" --json "$results/tools.json"

# `make compat` ran just before (see the Makefile's test target): it writes
# compat.json (the objects) and option-off.json (the option-off check),
# and check-nouveau-build.sh writes nouveau-build.json; a
# missing result file means that stage could not even start, which is a
# failure too.
for f in compat:make-compat option-off:option-off \
	nouveau-build:nouveau-build; do
	json=${f%%:*} name=${f#*:}
	if [ -f "$build/compat/$json.json" ]; then
		cp "$build/compat/$json.json" "$results/$json.json"
	else
		echo '[{"suite": "compat", "name": "'"$name"'", "status": "fail",
"detail": "make compat produced no '"$json"'.json", "reports": []}]' >"$results/$json.json"
	fi
done

# Under software emulation the guest occasionally stalls for good while it
# boots (seen as a silent console before init starts, with QEMU idle). Such a
# boot is killed and retried, at most three times; each attempt is logged.
boot_limit=${VSVM_BOOT_TIMEOUT:-420}
for attempt in 1 2 3; do
	echo "== vm: $suites (attempt $attempt; console: build/logs/console-test.log)"
	rm -f "$logs/console-test.log"
	"$top/scripts/run-vm.sh" test "$kout" "$moddir" "$suites" 2>"$logs/qemu-stderr.log" |
		python3 "$top/scripts/results.py" stream --suites "$suites" \
			--log "$logs/console-test.log" --json "$results/vm.json" &
	pipeline=$!
	started=0
	for ((t = 0; t < boot_limit; t += 5)); do
		sleep 5
		if grep -q 'vsvm-harness: start' "$logs/console-test.log" 2>/dev/null; then
			started=1
			break
		fi
		kill -0 "$pipeline" 2>/dev/null || break
	done
	if [ "$started" -eq 1 ] || ! kill -0 "$pipeline" 2>/dev/null; then
		wait "$pipeline"
		break
	fi
	echo "the guest did not reach user space within $boot_limit s; retrying"
	cp "$logs/console-test.log" "$logs/console-stalled-boot-$attempt.log"
	pkill -f -- "-kernel $kout/arch/x86/boot/bzImage"
	wait "$pipeline"
done

echo "== summary (build/test-summary.txt)"
python3 "$top/scripts/results.py" summary --out "$build/test-summary.txt" \
	"$results"/*.json
