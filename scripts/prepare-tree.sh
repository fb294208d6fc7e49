#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Lay the repository over Debian's Linux 6.12 source.
#
#   prepare-tree.sh TARBALL TREE PRISTINE REPO
#
# TARBALL   Debian's linux-source-6.12.tar.xz
# TREE      where the source is unpacked and overlaid (build/linux-6.12)
# PRISTINE  where the upstream versions of the files we replace are kept
#           (build/upstream), for the baseline kernel and side-by-side code
# REPO      the repository
#
# Every file under the repository's Linux-tree paths (mm/, include/,
# drivers/, lib/, Documentation/) becomes a symbolic link in TREE, so an edit in the
# repository is seen by kbuild as a change of that one file. The repository's
# top-level Kconfig becomes TREE/Kconfig.project, sourced from the tree's own
# Kconfig. A file that leaves the repository gets its upstream version back.
# Nothing is copied from upstream into the repository.
#
# The few one-line changes to upstream files that are not overlaid (hooks
# and fixes in Nouveau) are listed in scripts/tree-edits.txt and made by
# scripts/tree-edit.py, from the upstream copy in PRISTINE, every time; the
# build stops if any of them does not apply exactly once.
set -euo pipefail

tarball=$1 tree=$2 pristine=$3 repo=$4
overlay_dirs=(mm include drivers lib Documentation)
list=$tree/.overlay-files

if [ ! -f "$tree/.unpacked" ]; then
	echo "  UNPACK  $tarball"
	rm -rf "$tree" "$pristine"
	mkdir -p "$tree"
	tar -xf "$tarball" -C "$tree" --strip-components=1
	touch "$tree/.unpacked"
fi
mkdir -p "$pristine"

# Files overlaid now, relative to the repository.
now=$(cd "$repo" && for d in "${overlay_dirs[@]}"; do
	if [ -d "$d" ]; then
		find "$d" -type f ! -name '*.o' ! -name '.*'
	fi
done | LC_ALL=C sort)

# Files overlaid last time but gone from the repository: restore upstream's.
if [ -f "$list" ]; then
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		if ! grep -qxF -- "$f" <<<"$now"; then
			rm -f "$tree/$f"
			if [ -f "$pristine/$f" ]; then
				cp -p "$pristine/$f" "$tree/$f"
				touch "$tree/$f"
			fi
			echo "  RESTORE $f"
		fi
	done <"$list"
fi

while IFS= read -r f; do
	[ -n "$f" ] || continue
	dst=$tree/$f
	src=$repo/$f
	if [ -L "$dst" ] && [ "$(readlink "$dst")" = "$src" ]; then
		continue
	fi
	if [ -f "$dst" ] && [ ! -L "$dst" ] && [ ! -e "$pristine/$f" ]; then
		mkdir -p "$(dirname "$pristine/$f")"
		cp -p "$dst" "$pristine/$f"
	fi
	mkdir -p "$(dirname "$dst")"
	ln -sfn "$src" "$dst"
	echo "  OVERLAY $f"
done <<<"$now"
printf '%s\n' "$now" >"$list"

# The project's Kconfig menu.
if [ -f "$repo/Kconfig" ]; then
	ln -sfn "$repo/Kconfig" "$tree/Kconfig.project"
	grep -qxF 'source "Kconfig.project"' "$tree/Kconfig" ||
		echo 'source "Kconfig.project"' >>"$tree/Kconfig"
fi

# Build hooks for the project's directories: "FILE<TAB>LINE" pairs, each
# LINE appended once to the tree's FILE (for example a driver's obj-y line).
if [ -f "$repo/scripts/tree-hooks.txt" ]; then
	while IFS=$'\t' read -r file line; do
		case "$file" in ''|'#'*) continue ;; esac
		grep -qxF -- "$line" "$tree/$file" || printf '\n%s\n' "$line" >>"$tree/$file"
	done <"$repo/scripts/tree-hooks.txt"
fi

# One-line edits of upstream files (scripts/tree-edits.txt), each of which
# must apply exactly once. Runs also when the list is gone, so that the
# files it edited get their upstream content back. An edited file is
# rewritten from its upstream copy, which would drop a line appended by
# tree-hooks.txt, so no file may be in both lists.
edits=$repo/scripts/tree-edits.txt
if [ -f "$edits" ] || [ -f "$tree/.edited-files" ]; then
	[ -f "$edits" ] || edits=/dev/null
	edited=$(python3 "$repo/scripts/tree-edit.py" files "$edits")
	if [ -f "$repo/scripts/tree-hooks.txt" ]; then
		while IFS=$'\t' read -r file line; do
			case "$file" in ''|'#'*) continue ;; esac
			if grep -qxF -- "$file" <<<"$edited"; then
				echo "prepare-tree: $file is in both tree-hooks.txt" \
					"and tree-edits.txt; make its hook an edit" >&2
				exit 1
			fi
		done <"$repo/scripts/tree-hooks.txt"
	fi
	if ! python3 "$repo/scripts/tree-edit.py" apply "$edits" "$tree" \
			"$pristine"; then
		echo "prepare-tree: scripts/tree-edits.txt could not be applied" >&2
		exit 1
	fi
fi

# Build-time copies of unmodified upstream files ("UPSTREAM<TAB>COPY" in
# scripts/tree-copies.txt), e.g. the benchmark's baseline. The upstream
# version is the saved original when the repository overlays the file.
if [ -f "$repo/scripts/tree-copies.txt" ]; then
	while IFS=$'\t' read -r orig copy; do
		case "$orig" in ''|'#'*) continue ;; esac
		src=$pristine/$orig
		[ -f "$src" ] || src=$tree/$orig
		if [ -L "$src" ]; then
			echo "prepare-tree: no upstream copy of $orig" >&2
			exit 1
		fi
		cmp -s "$src" "$tree/$copy" || cp "$src" "$tree/$copy"
	done <"$repo/scripts/tree-copies.txt"
fi
