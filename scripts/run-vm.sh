#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a built kernel in QEMU (software emulation, 2 vCPUs) with the host's
# root file system read-only over virtio 9p, as virtme does.
#
#   run-vm.sh MODE KOUT MODDIR [SUITES]
#
# MODE    test (run SUITES, then power off) or shell (serial console shell)
# KOUT    the kernel's build directory (arch/x86/boot/bzImage inside)
# MODDIR  where `modules_install` put lib/modules/<release>
# SUITES  comma-separated suites for test mode (see scripts/vm/guest-init.sh)
#
# Environment: VSVM_MEM (guest memory, default 6G), VSVM_SUITE_TIMEOUT
# (seconds per suite, default 1500), VSVM_VM_TIMEOUT (seconds for the whole
# boot, default 3600), VSVM_IGT (comma-separated IGT binaries to run, for
# development; default all). The console goes to standard output.
set -euo pipefail

mode=$1 kout=$(realpath "$2") moddir=$(realpath "$3") suites=${4:-}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
out=$build/vm-out
mem=${VSVM_MEM:-6G}

# test_hmm's device-coherent devices need two 256 MiB ranges of physical
# memory that the kernel does not use as RAM: reserve them at the top of the
# guest's memory (which starts at 4 GiB for the part above the PCI hole).
spm0=0x160000000 spm1=0x170000000
reserve='memmap=512M$0x160000000'

rm -rf "$out"
mkdir -p "$out"
[ -d /usr/lib/modules ] || mkdir -p /usr/lib/modules

cmdline=(
	console=ttyS0,115200 loglevel=7 printk.devkmsg=on panic=-1
	root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144
	ro init="$top/scripts/vm/guest-init.sh"
	"$reserve"
	# Debian's kernels default to THP "madvise"; with "always", 6.12's
	# make_device_exclusive_range() meets THPs it cannot handle and
	# hmm-tests' exclusive cases fail with -EBUSY on the pristine kernel too.
	transparent_hugepage=madvise
	# Two 2 MiB hugetlb pages from boot on, for the HMM KUnit suite
	# (built in, it runs before user space could reserve any).
	hugepages=2
	# QEMU's _PRT loop runs for more than ACPICA's 30 s loop limit under
	# emulation with KASAN; the virtio devices were then left without an
	# interrupt line and the 9p root mount hung (the "boot stall"). Route PCI
	# interrupts from the BIOS PIRQ table instead.
	pci=noacpi
	# Software emulation can starve a vCPU for tens of seconds.
	rcupdate.rcu_cpu_stall_timeout=300
	VSVM_MODE="$mode" VSVM_BUILD="$build" VSVM_MODDIR="$moddir"
	VSVM_SUITES="$suites" VSVM_TIMEOUT="${VSVM_SUITE_TIMEOUT:-1200}"
	VSVM_SPM="$spm0,$spm1" VSVM_KMEMLEAK="${VSVM_KMEMLEAK:-0}"
	VSVM_BENCH_MIB="${VSVM_BENCH_MIB:-1024}" VSVM_BENCH_REPS="${VSVM_BENCH_REPS:-7}"
	VSVM_IGT="${VSVM_IGT:-all}"
)

qemu=(
	qemu-system-x86_64 -machine pc -cpu max -smp 2 -m "$mem"
	-accel tcg,thread=multi
	-nographic -no-reboot -nodefaults
	-kernel "$kout/arch/x86/boot/bzImage"
	-append "${cmdline[*]}"
	-fsdev local,id=rootfs,path=/,security_model=none,readonly=on
	-device virtio-9p-pci,fsdev=rootfs,mount_tag=/dev/root
	-fsdev local,id=outfs,path="$out",security_model=none
	-device virtio-9p-pci,fsdev=outfs,mount_tag=vsvmout
)

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio
fi
exec timeout --kill-after=30 "${VSVM_VM_TIMEOUT:-2700}" "${qemu[@]}" -serial stdio </dev/null
