#!/bin/sh
# Export base..series of build/linux into patches/ (git format-patch): regenerate the
# numbered patch files and patches/series, keep 0000-cover-letter.patch's text if present
# and refresh its shortlog, diffstat and patch count (create it with --cover-letter otherwise),
# then update the stamp so make tree stays quiet.
# series keeps its "#" headings: each stays before the patch at the same position.
set -eu
. "$(dirname "$0")/lib.sh"
T=$B/linux
P=$ROOT/patches
# the posting's subject prefix: bump the version here for the next posting
PREFIX=${PREFIX:-PATCH v2}
[ -d "$T/.git" ] || die "no build/linux (run: make tree)"
[ -z "$(git -C "$T" status --porcelain --untracked-files=no)" ] ||
	log export "warning: build/linux has uncommitted changes; only commits are exported"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$T" format-patch -q --cover-letter --subject-prefix="$PREFIX" -o "$tmp" refs/tags/base..series
if [ -f "$P/0000-cover-letter.patch" ]; then
	# Keep our text; refresh what git writes below it: the shortlog ("Author (N):") and diffstat.
	awk -v new="$tmp/0000-cover-letter.patch" '
		/^[^ ].* \([0-9]+\):$/ { while ((getline l < new) > 0) { if (l ~ /^[^ ].* \([0-9]+\):$/) f = 1; if (f) print l }; exit }
		{ print }' "$P/0000-cover-letter.patch" >"$tmp/cover"
	grep -q '^-- $' "$tmp/cover" || die "cover letter: no shortlog line (\"Author (N):\") to refresh"
	# the subject's patch count follows the series
	sed "s/^Subject: \[PATCH[ v0-9]* 0*\/[0-9]*\]/Subject: [$PREFIX 00\/$(git -C "$T" rev-list --count refs/tags/base..series)]/" \
		"$tmp/cover" >"$P/0000-cover-letter.patch"
else
	cp "$tmp/0000-cover-letter.patch" "$P/"
fi
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
