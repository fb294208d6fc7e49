#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Nouveau with CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT, as built by `make kernel`
# (configs/debug.config), reported as two tests of the "compat" suite:
#
#   nouveau.ko-hmm-format   the module was built and linked, and holds the
#                           HMM-format fault path and its KUnit suite
#   nouveau-hmm-format-lint our files compile at W=1 with sparse (C=2)
#                           without a warning
#
#   check-nouveau-build.sh KSRC KOUT MODDIR JSON
set -uo pipefail

ksrc=$1 kout=$2 moddir=$3 json=$4
logdir=$(dirname "$json")/nouveau-logs
mkdir -p "$logdir"
objs=(drivers/gpu/drm/nouveau/nouveau_svm_hmm.o
	drivers/gpu/drm/nouveau/nvkm/subdev/mmu/vmmgp100_hmm.o
	drivers/gpu/drm/nouveau/tests/nouveau_svm_hmm_test.o)
entries=()
failed=0
add() { # name status detail
	entries+=("$(python3 -c 'import json,sys; print(json.dumps({"suite": "compat",
"name": sys.argv[1], "status": sys.argv[2], "detail": sys.argv[3], "reports": []}))' "$@")")
	[ "$2" = pass ] || failed=1
	echo "$([ "$2" = pass ] && echo ok || echo FAIL) compat:$1 $3"
}

ko=$(find "$moddir" -name nouveau.ko 2>/dev/null | head -n 1)
if [ -z "$ko" ]; then
	add nouveau.ko-hmm-format fail "no nouveau.ko under $moddir"
else
	missing=()
	syms=$(nm "$ko")
	for sym in nouveau_svm_hmm_range_fault nvkm_gp100_hmm_installed \
		gp100_vmm_hmm_pgt_pfn nouveau_svm_hmm_suite; do
		grep -qw "$sym" <<<"$syms" || missing+=("$sym")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		add nouveau.ko-hmm-format pass ""
	else
		add nouveau.ko-hmm-format fail "nouveau.ko lacks ${missing[*]}"
	fi
fi

log=$logdir/lint.log
for obj in "${objs[@]}"; do
	rm -f "$kout/$obj"
done
if ! make -C "$ksrc" O="$kout" ARCH=x86_64 CC="ccache gcc" \
	HOSTCC="ccache gcc" -j"$(nproc)" W=1 C=2 "${objs[@]}" >"$log" 2>&1; then
	add nouveau-hmm-format-lint fail "does not build at W=1 (see $log)"
elif grep -E 'warning|error' "$log" | grep -E 'nouveau_svm_hmm|vmmgp100_hmm|mmu_hmm' >"$log.ours"; then
	add nouveau-hmm-format-lint fail "$(head -n 1 "$log.ours")"
else
	add nouveau-hmm-format-lint pass ""
fi

printf '%s\n' "${entries[@]}" | python3 -c \
	'import json,sys; json.dump([json.loads(l) for l in sys.stdin], open(sys.argv[1], "w"), indent=1)' "$json"
exit "$failed"
