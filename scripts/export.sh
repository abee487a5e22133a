#!/bin/sh
# Export base..series of build/linux into patches/ (git format-patch): regenerate the
# numbered patch files and patches/series, keep 0000-cover-letter.patch's text if present
# (create it with --cover-letter otherwise), then update the stamp so make tree stays quiet.
# series keeps its "#" headings: each stays before the patch at the same position.
set -eu
. "$(dirname "$0")/lib.sh"
T=$B/linux
P=$ROOT/patches
[ -d "$T/.git" ] || die "no build/linux (run: make tree)"
[ -z "$(git -C "$T" status --porcelain --untracked-files=no)" ] ||
	log export "warning: build/linux has uncommitted changes; only commits are exported"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$T" format-patch -q --cover-letter -o "$tmp" refs/tags/base..series
[ -f "$P/0000-cover-letter.patch" ] || cp "$tmp/0000-cover-letter.patch" "$P/"
rm -f "$tmp/0000-cover-letter.patch"
for f in "$P"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$f" ] && [ "$(basename "$f")" != 0000-cover-letter.patch ] && rm -f "$f"
done
n=0
for f in "$tmp"/*.patch; do
	[ -e "$f" ] && cp "$f" "$P/" && n=$((n + 1))
done
# Rebuild series: old heading lines by position (number of patches before them), new file names.
ls "$tmp" | grep '\.patch$' >"$tmp/names" || true
awk -v names="$tmp/names" '
	FNR == NR { if ($0 ~ /^[[:space:]]*#/ || $0 ~ /^[[:space:]]*$/) head[k + 0] = head[k + 0] $0 "\n"; else k++; next }
	END {
		if (!(0 in head)) head[0] = "# Patches in apply order (git am -3), one file per line under \"#\" headings.\n"
		i = 0
		while ((getline name < names) > 0) { printf "%s", head[i]; print name; i++ }
		for (j = i; j <= k; j++) printf "%s", head[j]
	}' "$P/series" /dev/null >"$tmp/series"
mv "$tmp/series" "$P/series"
write_stamp
log export "$n patches from base..series into patches/ (cover letter kept)"
