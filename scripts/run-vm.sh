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
# The machine is a q35 with an emulated Intel VT-d IOMMU in translated,
# strict mode, and QEMU's "edu" PCI function, which the vsvm driver binds to
# as the virtual GPU's bus identity: the GPU is then given IOVAs. With
# VSVM_IOMMU=0 there is no IOMMU and the driver's DMA is direct.
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
# memory that the kernel does not use as RAM: reserve them in the guest's
# memory above the PCI hole (q35 puts 2 GiB below 4 GiB and the rest, 4 GiB
# of the default 6G, from 4 GiB up, so this range is RAM).
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
	# Software emulation can starve a vCPU for tens of seconds.
	rcupdate.rcu_cpu_stall_timeout=300
	VSVM_MODE="$mode" VSVM_BUILD="$build" VSVM_MODDIR="$moddir"
	VSVM_SUITES="$suites" VSVM_TIMEOUT="${VSVM_SUITE_TIMEOUT:-1200}"
	VSVM_SPM="$spm0,$spm1" VSVM_KMEMLEAK="${VSVM_KMEMLEAK:-0}"
	VSVM_BENCH_MIB="${VSVM_BENCH_MIB:-1024}" VSVM_BENCH_REPS="${VSVM_BENCH_REPS:-7}"
	VSVM_IGT="${VSVM_IGT:-all}" VSVM_IOMMU="${VSVM_IOMMU:-1}"
)
iommu=()
if [ "${VSVM_IOMMU:-1}" != 0 ]; then
	cmdline+=(intel_iommu=on iommu.passthrough=0 iommu.strict=1)
	# Before any PCI device, so that every one sits behind it.
	iommu=(-device intel-iommu)
fi

qemu=(
	qemu-system-x86_64 -machine q35 -cpu max -smp 2 -m "$mem"
	-accel tcg,thread=multi
	-nographic -no-reboot -nodefaults
	"${iommu[@]}"
	-device edu
	# The DMA device of mm/hmm_bench.c's -dma modes.
	-device pci-testdev
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
