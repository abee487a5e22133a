#!/bin/sh
# Export branch series of build/linux into patches/ (git format-patch), in the two sections of
# patches/series (lib.sh): base..v2-tip (series v2) into patches/, the commits after it (the
# follow-up series) into patches/DIR/ (DIR: the marker's, else pfq). Series v2 has as many commits
# as patches/series lists before its marker (V2_PATCHES=N: N, when v2 gained or lost a commit); the
# first export with more commits than that makes section 2 (marker, patches/DIR/, a new cover letter).
# In each section: regenerate the numbered patch files, keep 0000-cover-letter.patch's text if
# present and refresh its shortlog, diffstat and patch count (create it with --cover-letter
# otherwise). series keeps its "#" headings: each stays before the patch at the same position of
# its section. Then update the stamp and tag v2-tip, so that make tree stays quiet.
set -eu
. "$(dirname "$0")/lib.sh"
T=$B/linux
P=$ROOT/patches
# the postings' subject prefixes: bump the version here for the next posting
PREFIX=${PREFIX:-PATCH v2}
PFQ_PREFIX=${PFQ_PREFIX:-PATCH}
[ -d "$T/.git" ] || die "no build/linux (run: make tree)"
[ -z "$(git -C "$T" status --porcelain --untracked-files=no)" ] ||
	log export "warning: build/linux has uncommitted changes; only commits are exported"

dir=$(series_dir)
total=$(series_commits "$T")
n1=${V2_PATCHES:-$(series_files 1 | wc -l)}
case $n1 in '' | *[!0-9]*) die "V2_PATCHES=$n1: not a number of commits" ;; esac
if [ "$total" -lt "$n1" ]; then
	# one section only, which lost commits: all of them are v2's
	{ [ -z "${V2_PATCHES:-}" ] && ! grep -q '^# --- series: ' "$P/series"; } ||
		die "branch series has $total commits, fewer than the $n1 of series v2: make export V2_PATCHES=N, N the number of v2's commits"
	n1=$total
fi
v2=$(git -C "$T" rev-list --reverse refs/tags/base..series | sed -n "${n1}p")
[ "$n1" != 0 ] || v2=$(git -C "$T" rev-parse refs/tags/base)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# export_section RANGE SUB PREFIX NAMES: format-patch RANGE into patches/SUB (SUB: empty or
# "<dir>/"): the numbered files replace those there; its 0000-cover-letter.patch keeps its text
# (refreshed below it) or is made. Appends the new files' names, as patches/series lists them, to NAMES.
export_section() {
	_o=$tmp/out _d=$P/$2
	rm -rf "$_o"
	mkdir -p "$_o" "$_d"
	set -- "$1" "$_d" "$3" "$4" "$2"
	[ "$(git -C "$T" rev-list --count "$1")" = 0 ] ||
		git -C "$T" format-patch -q --cover-letter --subject-prefix="$3" -o "$_o" "$1"
	if [ ! -f "$_o/0000-cover-letter.patch" ]; then
		:
	elif [ -f "$2/0000-cover-letter.patch" ]; then
		# Keep our text; refresh what git writes below it: the shortlog ("Author (N):") and diffstat.
		awk -v new="$_o/0000-cover-letter.patch" '
			/^[^ ].* \([0-9]+\):$/ { while ((getline l < new) > 0) { if (l ~ /^[^ ].* \([0-9]+\):$/) f = 1; if (f) print l }; exit }
			{ print }' "$2/0000-cover-letter.patch" >"$tmp/cover"
		grep -q '^-- $' "$tmp/cover" || die "$2/0000-cover-letter.patch: no shortlog line (\"Author (N):\") to refresh"
		# the subject's prefix and patch count are git's ("[PATCH v2 00/10]")
		_s=$(sed -n 's/^Subject: \(\[[^]]*\]\).*$/\1/p' "$_o/0000-cover-letter.patch" | head -n 1)
		sed "s|^Subject: \[[^]]*\]|Subject: $_s|" "$tmp/cover" >"$2/0000-cover-letter.patch"
	else
		cp "$_o/0000-cover-letter.patch" "$2/"
	fi
	rm -f "$_o/0000-cover-letter.patch"
	for _f in "$2"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$_f" ] && [ "$(basename "$_f")" != 0000-cover-letter.patch ] && rm -f "$_f"
	done
	for _f in "$_o"/*.patch; do
		[ ! -e "$_f" ] || { cp "$_f" "$2/"; echo "$5$(basename "$_f")" >>"$4"; }
	done
}

# names1: section 1's files; names2: section 2's, when it exists (commits after v2, or a marker)
: >"$tmp/names1"
export_section "refs/tags/base..$v2" "" "$PREFIX" "$tmp/names1"
n2=$((total - n1))
if [ "$n2" -gt 0 ] || [ -d "$P/$dir" ]; then
	: >"$tmp/names2"
	export_section "$v2..series" "$dir/" "$PFQ_PREFIX" "$tmp/names2"
fi

# Rebuild series: old heading lines by position in their section (number of the section's patches
# before them), the new file names; the marker after section 1 (made when section 2 is new, and
# documented in the header, the first paragraph).
awk -v names1="$tmp/names1" -v names2="$tmp/names2" -v dir="$dir" '
	/^# --- series: / { sec2 = 1; mark = $0; next }
	/^[[:space:]]*(#|$)/ { if (sec2) h2[k2 + 0] = h2[k2 + 0] $0 "\n"; else h1[k1 + 0] = h1[k1 + 0] $0 "\n"; next }
	{ if (sec2) k2++; else k1++ }
	END {
		if (!(0 in h1)) h1[0] = "# Patches in apply order (git am -3), one file per line under \"#\" headings.\n"
		n2 = 0
		while ((getline l < names2) > 0) two[n2++] = l
		second = sec2 || n2 > 0
		doc = "# Section 2, after the line \"# --- series: " dir "\": a follow-up series applied on top of v2,\n" \
			"# its files in patches/" dir "/ with their own cover letter (scripts/lib.sh, README.md).\n"
		if (second && index(h1[0], "\"# --- series: ") == 0) {
			p = index(h1[0], "\n\n")
			h1[0] = p ? substr(h1[0], 1, p) doc substr(h1[0], p + 1) : h1[0] doc
		}
		i = 0
		while ((getline l < names1) > 0) { printf "%s", h1[i]; print l; i++ }
		for (j = i; j <= k1; j++) printf "%s", h1[j]
		if (!second) exit
		if (!sec2) {
			print ""
			mark = "# --- series: " dir
			h2[0] = "# Series 2 (follow-up, own cover letter, patches/" dir "/)\n"
		}
		print mark
		for (i = 0; i < n2; i++) { printf "%s", h2[i]; print two[i] }
		for (j = i; j <= k2; j++) printf "%s", h2[j]
	}' "$P/series" /dev/null >"$tmp/series"
mv "$tmp/series" "$P/series"
write_stamp
tag_v2
log export "$n1 patches from base..v2-tip into patches/, $n2 from v2-tip..series into patches/$dir/ (cover letters kept)"
