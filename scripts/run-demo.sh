#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the kernel and run vsvm-demo; print its output as it comes.
#
#   run-demo.sh KOUT MODDIR
set -uo pipefail

kout=$1 moddir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
log=$top/build/logs/console-demo.log
mkdir -p "$top/build/logs"
echo "== booting the kernel in QEMU (console: build/logs/console-demo.log)"
"$top/scripts/run-vm.sh" test "$kout" "$moddir" demo 2>/dev/null | tee "$log" |
	sed -un 's/^\[[ 0-9.]*\] vsvm-out\[demo\]: //p'
if grep -q 'vsvm-harness: result demo vsvm-demo pass' "$log"; then
	exit 0
fi
echo "vsvm-demo failed; see $log"
exit 1
