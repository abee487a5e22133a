# Common helpers, sourced by every script in scripts/ (POSIX sh, set -eu).

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build
: "${WB_T0:=$(date +%s)}"
export WB_T0
export CCACHE_DIR="${CCACHE_DIR:-/root/.cache/ccache}" CCACHE_BASEDIR="${CCACHE_BASEDIR:-$B}"
# ccache's depend mode: a miss is compiled once, its dependencies read from the .d file that kbuild
# asks for (-Wp,-MMD), instead of preprocessing every file first to hash it. A cold build of
# drivers/acpi/ took 104 s through ccache without it, 68 s with it, 70 s without ccache; warm, 4 s.
# There is then no preprocessed-mode hit: a hit needs the same source and headers (direct mode).
# Depend mode does not see an .incbin: scripts/cc.sh, kbuild's compiler, compiles such sources
# without ccache.
export CCACHE_DEPEND="${CCACHE_DEPEND:-1}"

# die MSG...: print "error: MSG" on stderr and exit 1.
die() {
	echo "error: $*" >&2
	exit 1
}

# log STAGE MSG...: print "[+SECONDS] STAGE: MSG" (seconds since the make target started).
# versions TOOL...: print the first line of each TOOL's --version, or "no TOOL" if it is not
# installed (what a cached result or a kept config is keyed on).
versions() {
	for _v; do
		if command -v "$_v" >/dev/null; then "$_v" --version 2>/dev/null | head -n 1; else echo "no $_v"; fi
	done
}

log() {
	_st=$1
	shift
	printf '[+%4ds] %s: %s\n' $(($(date +%s) - WB_T0)) "$_st" "$*" >&2
}

# apt_fresh: run apt-get update once if the package lists are missing or older than a day.
apt_fresh() {
	if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
		log deps "apt-get update"
		apt-get update -q >/dev/null || die "apt-get update failed"
	fi
}

# need_pkgs PKG...: install the Debian packages that are not installed yet; die naming one that fails.
need_pkgs() {
	_miss=
	for _p in "$@"; do
		dpkg-query -W -f='${Status}' "$_p" 2>/dev/null | grep -q 'ok installed' || _miss="$_miss $_p"
	done
	[ -n "$_miss" ] || return 0
	log deps "installing:$_miss"
	apt_fresh
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $_miss >/dev/null 2>&1 && return 0
	for _p in $_miss; do
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$_p" >/dev/null 2>&1 ||
			die "cannot install Debian package $_p (apt-get install $_p)"
	done
}

# arch_vars KARCH: set ARCH, CROSS (compiler prefix), IMAGE (path in the O= dir) for KARCH.
arch_vars() {
	case $1 in
	x86_64) ARCH=x86_64 CROSS= IMAGE=arch/x86/boot/bzImage ;;
	arm64) ARCH=arm64 CROSS=aarch64-linux-gnu- IMAGE=arch/arm64/boot/Image ;;
	*) die "KARCH=$1: unknown (x86_64 or arm64)" ;;
	esac
}

# tree_of VARIANT: print the source tree of VARIANT (stock: build/linux-stock, at base; v2:
# build/linux-v2, at series v2's last commit; patched: build/linux, the whole stack).
tree_of() {
	case $1 in
	stock) echo "$B/linux-stock" ;;
	v2) echo "$B/linux-v2" ;;
	patched) echo "$B/linux" ;;
	*) die "VARIANT=$1: unknown (stock, v2 or patched)" ;;
	esac
}

# series_commits TREE: print the number of commits base..series in TREE (the series' size).
series_commits() {
	git -C "$1" rev-list --count refs/tags/base..series 2>/dev/null || echo 0
}

# run_logged LOG STAGE CMD...: run CMD with its output in LOG; on failure show the error
# lines and LOG's path, then die naming STAGE.
run_logged() {
	_lg=$1 _st=$2
	shift 2
	mkdir -p "$(dirname "$_lg")"
	if ! "$@" >"$_lg" 2>&1; then
		grep -E 'error|Error|\*\*\*|undefined reference|warning: .*\[-W' "$_lg" | head -n 30 >&2 || true
		_first=$(grep -E -m1 'error:|undefined reference|\*\*\*' "$_lg" | sed 's|^[./]*/||' || true)
		die "$_st failed${_first:+: $_first}; full log: $_lg"
	fi
}

# patches/series lists the patches in apply order under "#" headings, in two sections: series v2
# (files in patches/, cover letter patches/0000-cover-letter.patch), then, after the marker line
# "# --- series: DIR", a follow-up series listed as DIR/NNNN-....patch (files in patches/DIR/, its
# own cover letter DIR/0000-cover-letter.patch). Without a marker, every patch is series v2's.
# On branch series of build/linux the sections follow each other: v2 is base..the Nth commit
# (N: section 1's patch count; tag v2-tip, worktree build/linux-v2), the follow-up the rest.

# series_files [1|2]: print the patch files (paths under patches/) listed in patches/series, in
# apply order: all of them, or only those of section 1 (before the marker) or of section 2.
series_files() {
	awk -v s="${1:-0}" 'BEGIN { sec = 1 } /^# --- series: / { sec = 2; next } /^[[:space:]]*(#|$)/ { next }
		s == 0 || s == sec { print }' "$ROOT/patches/series"
}

# series_dir: print the directory of section 2 under patches/: the marker's, else pfq (where
# make export puts commits after section 1's).
series_dir() {
	_sd=$(sed -n 's/^# --- series: \([^[:space:]]*\).*$/\1/p' "$ROOT/patches/series" | head -n 1)
	echo "${_sd:-pfq}"
}

# v2_tip TREE: print the commit of section 1's last patch on branch series of TREE (the Nth
# after base, N = series_files 1's count; base when N is 0; the branch's tip, with a warning,
# when the branch is shorter).
v2_tip() {
	_n1=$(series_files 1 | wc -l)
	if [ "$_n1" = 0 ]; then
		git -C "$1" rev-parse refs/tags/base
		return
	fi
	_c=$(git -C "$1" rev-list --reverse refs/tags/base..series | sed -n "${_n1}p")
	if [ -z "$_c" ]; then
		log tree "warning: branch series has $(series_commits "$1") commits, fewer than the $_n1 patches of series v2 (section 1 of patches/series): v2-tip is its tip"
		_c=$(git -C "$1" rev-parse series)
	fi
	echo "$_c"
}

# tag_v2: point tag v2-tip of build/linux at v2_tip (git log v2-tip..series: the follow-up series).
tag_v2() {
	_v2=$(v2_tip "$B/linux")
	[ "$(git -C "$B/linux" rev-parse -q --verify refs/tags/v2-tip 2>/dev/null)" = "$_v2" ] ||
		git -C "$B/linux" update-ref refs/tags/v2-tip "$_v2"
}

# patches_hash: print the sha256 of patches/series and every patch it lists (the stamp's key).
patches_hash() {
	{
		cat "$ROOT/patches/series"
		for _p in $(series_files); do
			cat "$ROOT/patches/$_p" || die "patches/series lists $_p, which does not exist"
		done
	} | sha256sum | cut -d' ' -f1
}

# write_stamp: record in build/linux/.git/wb-applied which patches the tree holds and its HEAD.
write_stamp() {
	printf 'patches=%s\nhead=%s\n' "$(patches_hash)" "$(git -C "$B/linux" rev-parse HEAD)" >"$B/linux/.git/wb-applied"
}

# obj_dir SRC OBJ [NAME]: make OBJ a symlink to SRC/wb-obj-NAME (NAME: OBJ's own name), the
# directory that make -C SRC O=OBJ then builds in; an OBJ already in SRC is left as it is. As an
# immediate subdirectory of the tree it makes kbuild name every source relative to it
# (srctree=..), so that command lines and preprocessed sources are alike in every tree and
# ccache shares the objects of unchanged files between trees (stock, patched, per-commit, robot).
# An OBJ directory of the older layout is moved there (after any build in it ends); a link that
# is gone (make clean, rm -rf OBJ) takes its objects with it: they are removed.
obj_dir() {
	_d=$(dirname "$2")
	mkdir -p "$_d"
	if [ "$(realpath "$_d")" = "$(realpath "$1")" ]; then
		mkdir -p "$2"
		return
	fi
	_real=$(realpath "$1")/wb-obj-${3:-$(basename "$2")}
	_to=$_real
	case $(realpath "$_d")/ in "$(realpath "$B")"/obj/) case $_real in "$(realpath "$B")"/*)
		_to=../${_real#"$(realpath "$B")"/} ;; esac ;; esac
	exec 8>"$_d/.$(basename "$2").lock"
	flock 8
	if [ -L "$2" ]; then
		[ "$(readlink "$2")" = "$_to" ] || ln -sfn "$_to" "$2"
	elif [ -d "$2" ]; then
		log build "$(basename "$2"): moving $2 to $_real (a link stays; the next build recompiles)"
		flock "$2/.wb-lock" true
		rm -rf "$_real"
		mv "$2" "$_real"
		ln -s "$_to" "$2"
	else
		rm -rf "$_real"
		ln -s "$_to" "$2"
	fi
	mkdir -p "$_real"
	exec 8>&-
}

# copy_objdir FROM TO [OLD NEW]: copy the O= dir FROM into the empty TO under FROM's build lock.
# objtool's build records absolute paths (tools/objtool/.*.cmd): OLD/ becomes NEW/ there (default
# FROM and TO; for a copy from another tree, that tree's and this one's), or objtool, and with it
# every object that objtool checks, would be rebuilt.
copy_objdir() {
	flock "$1/.wb-lock" cp -a "$1/." "$2/"
	[ ! -d "$2/tools" ] || find "$2/tools" -name '.*.cmd' -exec sed -i "s|${3:-$1}/|${4:-$2}/|g" {} +
}
