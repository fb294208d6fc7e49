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
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
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

suite_hmm() {
	local dir=$VSVM_BUILD/selftests-mm
	echo 32 >/proc/sys/vm/nr_hugepages
	if [ -n "$VSVM_SPM" ]; then
		"$dir/test_hmm.sh" smoke "${VSVM_SPM%,*}" "${VSVM_SPM#*,}"
	else
		"$dir/test_hmm.sh" smoke
	fi
}

suite_igt() {
	"$VSVM_BUILD/../scripts/vm/igt-run.sh" "$VSVM_BUILD/igt"
}

run_suite() {
	local s=$1 rc
	kmsg "vsvm-harness: suite-begin $s"
	case "$s" in
	kunit)
		# Built-in KUnit suites ran during boot; their KTAP is in the log.
		rc=0 ;;
	*)
		timeout --kill-after=20 "$VSVM_TIMEOUT" stdbuf -oL -eL \
			bash -c "$(declare -f "suite_$s" kmsg mirror); suite_$s" 2>&1 |
			mirror "$s"
		rc=${PIPESTATUS[0]}
		;;
	esac
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
	for s in ${VSVM_SUITES//,/ }; do
		run_suite "$s"
	done
	kmsg "vsvm-harness: all-done"
	;;
*)
	echo "vsvm: shell on the test kernel; 'exit' powers off."
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	;;
esac
power_off
