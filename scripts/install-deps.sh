#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build and the test VM need, and only those
# that are missing (a no-op on a machine that has them all).
set -euo pipefail

pkgs=(
	linux-source-6.12	# the kernel source we build
	gcc make bc bison flex libelf-dev libssl-dev cpio kmod rsync xz-utils
	ccache sparse		# build cache; `make C=1`
	python3			# result parsing
	python3-matplotlib	# `make bench` plots
	qemu-system-x86		# the test VM
	libdrm-dev		# user space of our driver
	clang lld llvm		# GPU programs: clang, ld.lld, llvm-objdump
	intel-gpu-tools		# libigt.so.0 for the IGT tests
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "  APT     ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages and not root: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
