#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make a kernel .config from x86_64 tinyconfig and our fragments.
#
#   make-config.sh TREE OUTDIR FRAGMENT...
#
# Fragments are merged in order over tinyconfig, then olddefconfig settles
# the dependencies. Every option a fragment names must come out with the
# value the fragment asked for: a misspelt option or an unmet dependency is
# an error here, not a silently missing feature in the guest.
set -euo pipefail

tree=$(realpath "$1") out=$(realpath -m "$2")
shift 2
mkdir -p "$out"
kmake=(make -s -C "$tree" O="$out" ARCH=x86_64)

"${kmake[@]}" tinyconfig >/dev/null
"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@" >"$out/merge_config.log"
"${kmake[@]}" olddefconfig >/dev/null

bad=0
declare -A want
for frag in "$@"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) want[${line%%=*}]=${line#*=} ;;
		"# CONFIG_"*" is not set") line=${line#\# }; want[${line%% *}]=n ;;
		esac
	done <"$frag"
done
for opt in "${!want[@]}"; do
	val=${want[$opt]}
	if [ "$val" = n ]; then
		if grep -qE "^$opt=[^n]" "$out/.config"; then
			echo "make-config: $opt should be unset but is $(grep "^$opt=" "$out/.config")" >&2
			bad=1
		fi
	elif ! grep -qxF "$opt=$val" "$out/.config"; then
		got=$(grep -E "^($opt=|# $opt is not set)" "$out/.config" || echo "absent")
		echo "make-config: $opt=$val requested, got: $got" >&2
		bad=1
	fi
done
if [ "$bad" -ne 0 ]; then
	rm -f "$out/.config"
	exit 1
fi
echo "  CONFIG  $out/.config ($*)"
