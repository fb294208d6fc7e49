#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM. The root file system is the host's, read-only over
# virtio 9p; this script gives it the mounts a Linux system expects, the
# guest kernel's modules under /usr/lib/modules, and a writable share for
# results, then either runs the test suites or gives a shell.
#
# The kernel hands it these variables (unknown key=value boot parameters):
#   VSVM_MODE    test | shell
#   VSVM_BUILD   the repository's build directory (as seen on the host)
#   VSVM_MODDIR  directory holding lib/modules/<release> for this kernel
#   VSVM_SUITES  comma-separated suites to run, in order (test mode)
#   VSVM_TIMEOUT time limit of one suite, in seconds
#   VSVM_SPM     "ADDR0,ADDR1": physical ranges reserved for test_hmm's
#                device-coherent memory (memmap=...$...), or empty
#   VSVM_BENCH_MIB, VSVM_BENCH_REPS
#                size and repetitions of the benchmarks (suite bench); the
#                samples are written to the results share, bench/*.json
#   VSVM_IGT     IGT binaries to run (comma-separated), or "all"
#
# Everything the host needs comes back on the serial console, in order:
# the kernel's own messages and, written through /dev/kmsg, the harness's
# "vsvm-harness:" markers and each suite's output as "vsvm-out[SUITE]:".
# scripts/results.py reads that stream.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8 TMPDIR=/tmp

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
# A checkout under /tmp (CI clones often live there) would vanish under the
# guest's scratch tmpfs: keep it visible at its own path.
repo=$(dirname "$VSVM_BUILD")
case "$repo" in
/tmp/*)
	mkdir -p /run/vsvm-repo
	mount --bind "$repo" /run/vsvm-repo
	mount -t tmpfs tmpfs /tmp
	mkdir -p "$repo"
	mount --bind /run/vsvm-repo "$repo"
	;;
*)
	mount -t tmpfs tmpfs /tmp
	;;
esac
mount -t debugfs debugfs /sys/kernel/debug
mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null
mkdir -p /tmp/out
mount -t 9p -o trans=virtio,version=9p2000.L vsvmout /tmp/out
if [ -d "$VSVM_MODDIR/lib/modules" ] && [ -d /usr/lib/modules ]; then
	mount --bind "$VSVM_MODDIR/lib/modules" /usr/lib/modules
fi

kmsg() {
	printf '%s\n' "$*" >/dev/kmsg
}

# Swap on one compressed RAM disk, an ext2 file system on another: reclaim
# can then write anonymous pages out (swap cache, MADV_FREE) and a shared
# file mapping has real writeback, which the read-only 9p root and tmpfs do
# not give. The file system's mount point is passed to the tests as
# VSVM_WRITEBACK_DIR. The setup is a test of its own (vm/disks), so that a
# guest without them is a failure, not a run of skipped tests.
setup_disks() {
	local fs
	echo 512M >/sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 || return 1
	fs=$(cat /sys/class/zram-control/hot_add) &&
		echo 64M >"/sys/block/zram$fs/disksize" &&
		mkfs.ext2 -q "/dev/zram$fs" && mkdir -p /run/vsvm-disk &&
		mount -t ext2 "/dev/zram$fs" /run/vsvm-disk || return 1
	export VSVM_WRITEBACK_DIR=/run/vsvm-disk
}

# Copy a command's output line by line into the kernel log, tagged with the
# suite, so that the host sees it in order with any kernel report it causes.
mirror() {
	local tag=$1 line
	while IFS= read -r line; do
		printf 'vsvm-out[%s]: %s\n' "$tag" "${line:0:900}" >/dev/kmsg
	done
}

# A kmemleak scan walks all of memory; under software emulation with KASAN
# it takes far too long for every run, so it is opt-in (VSVM_KMEMLEAK=1).
kmemleak_check() {
	local f=/sys/kernel/debug/kmemleak
	[ "${VSVM_KMEMLEAK:-0}" = 1 ] && [ -w "$f" ] || return 0
	echo scan >"$f"
	cat "$f" | mirror kmemleak
	echo clear >"$f"
}

# KUnit suites built into the kernel ran during boot (their KTAP is in the
# log); suites built as modules run when the module loads, synchronously,
# and print their KTAP to the console the same way. A module that fails to
# load is a failure of the suite, not a skip.
kunit_modules="vsvm_hw_test nouveau"
# Built-in suites that need what user space sets up (swap): every case
# skips at boot, and runs again here through debugfs (its KTAP goes to the
# console too; the host lets the second result replace the boot-time skip).
kunit_rerun="hmm_swap"

suite_kunit() {
	local m s rc=0 thp=/sys/kernel/mm/transparent_hugepage/enabled thp_was
	# A module cannot madvise(MADV_HUGEPAGE) its test mm: THPs for
	# nouveau's suite come from the "always" policy, for the loads only.
	thp_was=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$thp")
	echo always >"$thp"
	for m in $kunit_modules; do
		modprobe "$m" || { echo "kunit: cannot load $m"; rc=1; continue; }
		rmmod "$m" || { echo "kunit: cannot unload $m"; rc=1; }
	done
	echo "$thp_was" >"$thp"
	for s in $kunit_rerun; do
		echo run >"/sys/kernel/debug/kunit/$s/run" ||
			{ echo "kunit: cannot run $s again"; rc=1; }
	done
	return "$rc"
}

suite_hmm() {
	local dir=$VSVM_BUILD/selftests-mm
	echo 32 >/proc/sys/vm/nr_hugepages
	if [ -n "$VSVM_SPM" ]; then
		"$dir/test_hmm.sh" smoke "${VSVM_SPM%,*}" "${VSVM_SPM#*,}"
	else
		"$dir/test_hmm.sh" smoke
	fi
}

# One program as one test of a suite: it passes when it exits 0 (the
# benchmarks and the demo check their own output; benchmark figures go to
# the results share for scripts/bench-report.py).
#   run_test SUITE NAME COMMAND...
run_test() {
	local suite=$1 name=$2 rc
	shift 2
	kmsg "vsvm-harness: test-begin $suite $name"
	"$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		kmsg "vsvm-harness: result $suite $name pass"
	else
		kmsg "vsvm-harness: result $suite $name fail rc=$rc"
	fi
	return "$rc"
}

suite_bench() {
	local rc=0 sizes
	mkdir -p /tmp/out/bench
	# Nouveau's fault path vs 6.12's (no GPU needed): hmm-snapshot adds
	# its rows when the benchmark module's control file exists.
	# nouveau.ko carries a KUnit suite, which the kunit suite ran: a
	# filter that matches no suite keeps this load from running it again.
	echo "-" >/sys/module/kunit/parameters/filter_glob
	modprobe nouveau && modprobe nouveau_svm_hmm_bench ||
		{ echo "bench: cannot load nouveau_svm_hmm_bench"; rc=1; }
	echo "*.*" >/sys/module/kunit/parameters/filter_glob
	run_test bench hmm-snapshot "$VSVM_BUILD/tools/hmm-snapshot" \
		-s "$VSVM_BENCH_MIB" -r "$VSVM_BENCH_REPS" \
		-o /tmp/out/bench/hmm-snapshot.json
	rmmod nouveau_svm_hmm_bench nouveau || rc=1
	# GPU first touch at 64 MiB and at the benchmark size.
	sizes=$VSVM_BENCH_MIB
	[ "$VSVM_BENCH_MIB" -gt 64 ] && sizes="64,$VSVM_BENCH_MIB"
	modprobe vsvm || { echo "bench: cannot load vsvm"; rc=1; }
	bench_job_timeout
	run_test bench gpu-first-touch "$VSVM_BUILD/tools/gpu-first-touch" \
		-s "$sizes" -r "$(( VSVM_BENCH_REPS < 3 ? VSVM_BENCH_REPS : 3 ))" \
		-o /tmp/out/bench/gpu-first-touch.json
	# Migration to VRAM and back vs memcpy, at most 64 MiB (VRAM is 256);
	# and one call for the buffer (2 MiB steps) vs one call per 4 KiB
	# page, of 8 MiB only (an ioctl per page is slow under emulation).
	run_test bench vram-migrate "$VSVM_BUILD/tools/vram-migrate" \
		-s "$(( VSVM_BENCH_MIB < 64 ? VSVM_BENCH_MIB : 64 ))" -p 8 \
		-r "$(( VSVM_BENCH_REPS < 5 ? VSVM_BENCH_REPS : 5 ))" \
		-o /tmp/out/bench/vram-migrate.json || rc=1
	# GPU first touch with migrate-on-fault to VRAM vs without, both in
	# each repetition, alternated; at most 64 MiB (it must fit in VRAM).
	run_test bench gpu-first-touch-mof "$VSVM_BUILD/tools/gpu-first-touch" \
		-m -s "$(( VSVM_BENCH_MIB < 64 ? VSVM_BENCH_MIB : 64 ))" \
		-r "$(( VSVM_BENCH_REPS < 4 ? VSVM_BENCH_REPS : 4 ))" \
		-o /tmp/out/bench/gpu-first-touch-mof.json || rc=1
	# Instructions per second per execution unit of the RISC-V
	# interpreter, a checksum loop on a resident 64 KiB array, one
	# thread per unit, round after round.
	run_test bench isa-speed "$VSVM_BUILD/tools/isa-speed" \
		-r "$(( VSVM_BENCH_REPS < 9 ? VSVM_BENCH_REPS : 9 ))" \
		-o /tmp/out/bench/isa-speed.json || rc=1
	rmmod vsvm || rc=1
	# The cost of the IOMMU: the default runs on the PCI function behind
	# it and on a platform device with direct DMA, alternated one
	# repetition at a time (one module load each).
	local r side param
	for r in $(seq "$(( VSVM_BENCH_REPS < 3 ? VSVM_BENCH_REPS : 3 ))"); do
		for side in iommu direct; do
			param=
			[ "$side" = direct ] && param=platform=1
			modprobe vsvm $param ||
				{ echo "bench: cannot load vsvm $param"; rc=1; continue; }
			bench_job_timeout
			run_test bench "gpu-first-touch-$side-$r" \
				"$VSVM_BUILD/tools/gpu-first-touch" -d \
				-s "$sizes" -r 1 \
				-o "/tmp/out/bench/gpu-first-touch-$side-$r.json" ||
				rc=1
			rmmod vsvm || rc=1
		done
	done
	return "$rc"
}

# A GPU first touch of 1 GiB is 262144 one-page threads: under emulation
# it may run past the default job timeout (10 s), which is not what the
# benchmark measures. Give every vsvm device two minutes.
bench_job_timeout() {
	local f

	for f in /sys/kernel/debug/dri/*/job_timeout_ms; do
		[ -e "$f" ] && echo 120000 >"$f"
	done
	return 0
}

# vsvm-demo's workloads, each verified on the CPU; one test.
suite_demo() {
	local rc=0
	modprobe vsvm || { echo "demo: cannot load vsvm"; rc=1; }
	run_test demo vsvm-demo "$VSVM_BUILD/tools/vsvm-demo" || rc=1
	rmmod vsvm || rc=1
	return "$rc"
}

# DMA_API_DEBUG's error count: it rises with every report, also with those
# it no longer prints (it prints only the first).
dma_api_errors() {
	cat /sys/kernel/debug/dma-api/error_count
}

# After the driver let go of DEV (a PCI address, or "" for a device that is
# gone): no DMA-API error since BEFORE, and (for DEV) no mapping left.
dma_api_check() {
	local before=$1 dev=$2 now left=0
	now=$(dma_api_errors)
	if [ -n "$dev" ]; then
		left=$(grep -c " $dev " /sys/kernel/debug/dma-api/dump)
	fi
	echo "dma-api: ${dev:-device} has $left mappings left, $((now - before)) new errors"
	[ "$left" -eq 0 ] && [ "$now" -eq "$before" ]
}

# The PCI function the driver binds to (QEMU's edu device).
vsvm_pci_dev() {
	local d
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1234 ] &&
		   [ "$(cat "$d/device")" = 0x11e8 ]; then
			basename "$d"
			return 0
		fi
	done
	return 1
}

# The driver is loaded for the IGT tests and unloaded after them (an unload
# that fails means something still holds it: a failure too). The unload,
# after all that traffic, must leave no DMA mapping and no DMA-API report.
suite_igt() {
	local rc=0 before dev
	before=$(dma_api_errors)
	dev=$(vsvm_pci_dev) || { echo "igt: no vsvm PCI function"; rc=1; }
	modprobe vsvm || { echo "igt: cannot load vsvm"; rc=1; }
	"$VSVM_BUILD/../scripts/vm/igt-run.sh" "$VSVM_BUILD/igt" || rc=1
	if grep -q '^vsvm ' /proc/modules; then
		rmmod vsvm || { echo "igt: cannot unload vsvm"; rc=1; }
	fi
	run_test igt dma-api-after-unload dma_api_check "$before" "$dev" || rc=1
	return "$rc"
}

# The driver on a platform device of its own (direct DMA, no IOMMU): the SVM
# tests again, then the same DMA-API check after the unload.
suite_direct() {
	local rc=0 before
	before=$(dma_api_errors)
	modprobe vsvm platform=1 || { echo "direct: cannot load vsvm"; rc=1; }
	VSVM_IGT=vsvm_svm VSVM_IGT_SUITE=direct \
		"$VSVM_BUILD/../scripts/vm/igt-run.sh" "$VSVM_BUILD/igt" || rc=1
	if grep -q '^vsvm ' /proc/modules; then
		rmmod vsvm || { echo "direct: cannot unload vsvm"; rc=1; }
	fi
	run_test direct dma-api-after-unload dma_api_check "$before" "" || rc=1
	return "$rc"
}

run_suite() {
	local s=$1 rc
	kmsg "vsvm-harness: suite-begin $s"
	timeout --kill-after=20 "$VSVM_TIMEOUT" stdbuf -oL -eL \
		bash -c "kunit_modules='$kunit_modules' kunit_rerun='$kunit_rerun'; $(declare -f "suite_$s" kmsg mirror run_test dma_api_errors dma_api_check vsvm_pci_dev bench_job_timeout); suite_$s" 2>&1 |
		mirror "$s"
	rc=${PIPESTATUS[0]}
	if [ "${VSVM_KMEMLEAK:-0}" = 1 ]; then
		sleep 6	# kmemleak only reports objects older than 5 s
		kmemleak_check
	fi
	kmsg "vsvm-harness: suite-end $s rc=$rc"
}

power_off() {
	sync
	umount /tmp/out 2>/dev/null
	echo o >/proc/sysrq-trigger
	sleep 10
	echo b >/proc/sysrq-trigger
}

# Leaks found by the time user space starts belong to boot.
kmemleak_check

case "$VSVM_MODE" in
test)
	kmsg "vsvm-harness: start suites=$VSVM_SUITES"
	run_test vm disks setup_disks
	for s in ${VSVM_SUITES//,/ }; do
		run_suite "$s"
	done
	kmsg "vsvm-harness: all-done"
	;;
*)
	setup_disks || echo "vsvm: no swap or no ext2 disk"
	echo "vsvm: shell on the test kernel; 'exit' powers off."
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	;;
esac
power_off
