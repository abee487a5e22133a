#!/bin/sh
# Build one kernel, its guest programs and its initramfs.
# Inputs (environment): KARCH=x86_64|arm64 VARIANT=stock|v2|patched KCONFIG_DEFAULT=default|passthrough|strict|lazy
#   SRC=<tree> and OBJ=<dir> override the tree and the O= dir (per-patch builds use them);
#   TARGETS="drivers/iommu/ ..." builds only those objects/dirs (no image, guest or initramfs);
#   KUNIT=auto|0|1|framework (see fragments); W=1 passes W=1 to make, C=1 passes C=1 (sparse);
#   SELFTESTS="iommu/<prog> ..." kselftest programs for /selftests, built from the tree
#   SELFTEST_SRC (default build/linux, the series: the stock kernel is tested with the same program).
# ONLY=initramfs: only the guest programs and the initramfs of an already built kernel.
# Output: $OBJ/<image>, $OBJ/initramfs.cpio (init, /selftests, the kernel's .config as
#   /boot/config-<release>); make output in build/logs/build-<name>.log, ccache's counts in
#   build/logs/ccache-<name>.stats, a line per build in build/logs/builds.log; progress on stderr.
#   $OBJ is a link to the objects' directory in $SRC (below).
set -eu
. "$(dirname "$0")/lib.sh"

KARCH=${KARCH:-x86_64} VARIANT=${VARIANT:-stock} KCONFIG_DEFAULT=${KCONFIG_DEFAULT:-default}
TARGETS=${TARGETS:-} W=${W:-} C=${C:-} SELFTESTS=${SELFTESTS:-} KUNIT=${KUNIT:-auto}
arch_vars "$KARCH"
case $KUNIT in auto | 0 | 1 | framework) ;; *) die "KUNIT=$KUNIT: auto, 0, 1 or framework" ;; esac
NAME=$KARCH-$VARIANT-$KCONFIG_DEFAULT
SRC=${SRC:-$(tree_of "$VARIANT")}
SELFTEST_SRC=${SELFTEST_SRC:-$B/linux}
OBJ=${OBJ:-$B/obj/$NAME}
LOGDIR=$B/logs
LOGNAME_=$(basename "$OBJ")
[ -f "$SRC/Makefile" ] || die "no kernel tree at $SRC (run: make tree)"
[ -f "$ROOT/configs/$KCONFIG_DEFAULT.config" ] || die "KCONFIG_DEFAULT=$KCONFIG_DEFAULT: no configs/$KCONFIG_DEFAULT.config"
CC="${CROSS}gcc"
HOSTCC=gcc
command -v ccache >/dev/null && CC="$ROOT/scripts/cc.sh $CC" HOSTCC="$ROOT/scripts/cc.sh gcc"

mkdir -p "$LOGDIR"
# $OBJ: a link to $SRC/wb-obj-<name> (lib.sh's obj_dir), <name> being KARCH-KCONFIG_DEFAULT for the
# default $OBJ, the same in the stock and the patched tree, else $OBJ's own name.
_n=$(basename "$OBJ")
[ "$OBJ" != "$B/obj/$NAME" ] || _n=$KARCH-$KCONFIG_DEFAULT
obj_dir "$SRC" "$OBJ" "$_n"
# One build at a time per O= dir (make run, make check and scripts/matrix.sh may overlap).
exec 9>"$OBJ/.wb-lock"
flock -n 9 || { log build "$LOGNAME_: waiting for another build in $OBJ"; flock 9; }

# kmake ARGS...: make in $SRC with this build's O=, ARCH, compiler, W and C.
kmake() {
	nice make -C "$SRC" O="$OBJ" ARCH="$ARCH" CROSS_COMPILE="$CROSS" CC="$CC" HOSTCC="$HOSTCC" \
		${W:+W=$W} ${C:+C=$C} -j"$(nproc)" "$@"
}

# fragments: print the config fragments of this build, weakest first. kunit.config joins
# when KUNIT=1, or with KUNIT=auto for VARIANT=patched or v2 once the series has commits; a stock
# build then has kunit-framework.config (KUnit built in, off at boot), so that the two kernels
# compile alike (CONFIG_KUNIT adds a field to task_struct) and share their unchanged objects.
# KUNIT=framework asks for kunit-framework.config (make check's build of a commit before the suite).
fragments() {
	echo "$ROOT/configs/common.config" "$ROOT/configs/$KARCH.config" "$ROOT/configs/$KCONFIG_DEFAULT.config"
	if [ "$KUNIT" = 1 ] || { [ "$KUNIT" = auto ] && { [ "$VARIANT" = patched ] || [ "$VARIANT" = v2 ]; } && [ "$(series_commits "$SRC")" -gt 0 ]; }; then
		echo "$ROOT/configs/kunit.config"
	elif [ "$KUNIT" = framework ] || { [ "$KUNIT" = auto ] && [ "$(series_commits "$SRC")" -gt 0 ]; }; then
		echo "$ROOT/configs/kunit-framework.config"
	fi
}

# kconfig_inputs: print a hash of what Kconfig reads in $SRC for ARCH besides the fragments: every
# Kconfig file, kernel/configs/ and the arch's tiny.config, scripts/kconfig/, the tools that
# Kconfig asks for their versions, and whether the compiler has plugin headers and a C library.
# With it and the fragments equal, tinyconfig + fragments + olddefconfig gives the same .config,
# so configure keeps each result in
# build/config-cache/<KARCH>-<hash> and copies it instead (3 makes, 10 s, 22 times in a cold
# make check), and tinyconfig's own result likewise (2 of the 3); the kernel build's syncconfig
# then reads the copy as usual.
kconfig_inputs() {
	{
		echo "$ARCH $CROSS"
		versions "${CROSS}gcc" "${CROSS}ld" "${CROSS}as" rustc bindgen pahole
		# what Kconfig finds beside the compiler: GCC plugins' headers, a C library to link with
		for _f in plugin/include/plugin-version.h libc.a libc.so; do
			_q=$("${CROSS}gcc" -print-file-name="$_f" 2>/dev/null) || true
			[ -e "$_q" ] && echo "has $_f" || echo "no $_f"
		done
		(cd "$SRC" && find . -path './wb-obj-*' -prune -o -path ./.git -prune -o \( -name 'Kconfig*' -o \
			-path './kernel/configs/*' -o -path './arch/*/configs/tiny*' -o -path './scripts/kconfig/*' \) -type f -print |
			LC_ALL=C sort | xargs cat)
	} | sha256sum | cut -c1-16
}

# configure: tinyconfig + fragments + olddefconfig when the fragments changed; then check
# that every requested symbol has its requested value, dying with the list if not.
configure() {
	_fr=$(fragments)
	# shellcheck disable=SC2086
	_want=$(cat $_fr)
	if [ ! -f "$OBJ/.config" ] || [ "$_want" != "$(cat "$OBJ/wb-fragments" 2>/dev/null)" ]; then
		_ki=$(kconfig_inputs)
		_ck=$B/config-cache/$KARCH-$(printf '%s\n%s\n' "$_ki" "$_want" | sha256sum | cut -c1-16)
		_tk=$B/config-cache/$KARCH-tinyconfig-$_ki
		mkdir -p "$B/config-cache"
		_what="tinyconfig +$(for f in $_fr; do printf ' %s' "$(basename "$f" .config)"; done)"
		if [ -f "$_ck" ]; then
			log config "$NAME: $_what (the same inputs' result: $_ck)"
			cp "$_ck" "$OBJ/.config"
		else
			_tiny=1
			if [ -f "$_tk" ]; then
				cp "$_tk" "$OBJ/.config"
				_tiny=0
			fi
			log config "$NAME: $_what$([ $_tiny = 1 ] || echo " (tinyconfig's result: $_tk)")"
			# shellcheck disable=SC2086
			run_logged "$LOGDIR/config-$LOGNAME_.log" "config $NAME" sh -c '
				if [ "$6" = 1 ]; then
					make -C "$1" O="$2" ARCH="$3" CROSS_COMPILE="$4" tinyconfig && cp "$2/.config" "$7.$$" && mv "$7.$$" "$7"
				fi &&
				cd "$2" && ARCH="$3" CROSS_COMPILE="$4" "$1/scripts/kconfig/merge_config.sh" -m -O "$2" "$2/.config" $5 &&
				make -C "$1" O="$2" ARCH="$3" CROSS_COMPILE="$4" olddefconfig' sh "$SRC" "$OBJ" "$ARCH" "$CROSS" "$_fr" "$_tiny" "$_tk"
			cp "$OBJ/.config" "$_ck.$$" && mv "$_ck.$$" "$_ck"
		fi
		printf '%s\n' "$_want" >"$OBJ/wb-fragments"
	fi
	# the last request of each symbol counts, as merge_config.sh applies the fragments in order
	_bad=$(printf '%s\n' "$_want" | sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 n/p' |
		awk '!($1 in v) { o[++n] = $1 } { v[$1] = $2 } END { for (i = 1; i <= n; i++) print o[i], v[o[i]] }' |
		while read -r sym val; do
			got=$(sed -n "s/^$sym=//p" "$OBJ/.config")
			[ "$got" = "$val" ] || { [ "$val" = n ] && [ -z "$got" ]; } || echo "  $sym: requested $val, got ${got:-unset}"
		done)
	[ -z "$_bad" ] || { rm -f "$OBJ/wb-fragments"; die "config $NAME: requested symbols did not take (missing dependency or unknown symbol):
$_bad"; }
}

# build_guest: compile guest/init.c statically for KARCH into build/guest/KARCH/init.
build_guest() {
	_g=$B/guest/$KARCH
	mkdir -p "$_g"
	if [ ! -x "$_g/init" ] || [ "$ROOT/guest/init.c" -nt "$_g/init" ]; then
		log guest "$KARCH init"
		${CROSS}gcc -static -O2 -Wall -Wextra -Werror -Wno-format-truncation -o "$_g/init.$$" "$ROOT/guest/init.c" || die "guest/init.c does not build for $KARCH"
		mv "$_g/init.$$" "$_g/init"
	fi
}

# build_selftests: build each SELFTESTS program that SELFTEST_SRC has (dir/prog under
# tools/testing/selftests) statically into $OBJ/selftests, with this kernel's headers.
build_selftests() {
	mkdir -p "$OBJ/selftests"
	_have=
	for t in $SELFTESTS; do
		if [ -f "$SELFTEST_SRC/tools/testing/selftests/$t.c" ]; then
			_have="$_have $t"
		else
			log selftest "$NAME: no tools/testing/selftests/$t.c in $SELFTEST_SRC, skipped"
		fi
	done
	[ -n "$_have" ] || return 0
	run_logged "$LOGDIR/headers-$LOGNAME_.log" "headers_install $NAME" kmake headers_install
	for t in $_have; do
		log selftest "$NAME: $t"
		run_logged "$LOGDIR/selftest-$LOGNAME_-$(basename "$t").log" "selftest $t ($NAME)" \
			make -C "$SELFTEST_SRC/tools/testing/selftests/$(dirname "$t")" OUTPUT="$OBJ/selftests" CC="${CROSS}gcc" \
			KHDR_INCLUDES="-isystem $OBJ/usr/include" LDFLAGS=-static "$OBJ/selftests/$(basename "$t")"
	done
}

# build_initramfs: pack init, /selftests, the kernel's .config as /boot/config-<release> (Debian's
# place, which the kselftest reads) and the mount points into $OBJ/initramfs.cpio with usr/gen_init_cpio.
build_initramfs() {
	_l=$OBJ/initramfs.list
	_rel=$(cat "$OBJ/include/config/kernel.release" 2>/dev/null) || die "kernel $NAME: no include/config/kernel.release in $OBJ"
	{
		printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\ndir /proc 0755 0 0\ndir /sys 0755 0 0\n'
		printf 'dir /tmp 01777 0 0\ndir /selftests 0755 0 0\ndir /boot 0755 0 0\n'
		printf 'file /boot/config-%s %s 0644 0 0\n' "$_rel" "$OBJ/.config"
		printf 'file /init %s 0755 0 0\n' "$B/guest/$KARCH/init"
		for t in $_have; do
			printf 'file /selftests/%s %s 0755 0 0\n' "$(basename "$t")" "$OBJ/selftests/$(basename "$t")"
		done
	} >"$_l"
	# -t 0: every entry with the same time, so that unchanged contents give the same cpio
	"$OBJ/usr/gen_init_cpio" -t 0 "$_l" >"$OBJ/initramfs.new" || die "gen_init_cpio failed for $NAME"
	# Keep the old file (and its time) when nothing changed: run.sh reboots on a newer initramfs.
	if cmp -s "$OBJ/initramfs.new" "$OBJ/initramfs.cpio"; then rm "$OBJ/initramfs.new"; else mv "$OBJ/initramfs.new" "$OBJ/initramfs.cpio"; fi
}

# progress LOG EST: while build.sh runs, report the kbuild steps ("  CC", "  LD" ... lines) in LOG
# so far, of EST (0: not known) and the time taken: one line rewritten every 2 s when stderr is
# a terminal, else a line every 12 to 14 s. Killed when make ends; stops by itself once build.sh is gone.
# On file descriptor WB_PROGRESS_FD (default 2, stderr): make check, whose checks write their
# stderr to logs, points it at its own stderr.
progress() {
	_p0=$(date +%s) _pl=$(date +%s) _f=${WB_PROGRESS_FD:-2}
	while sleep 2 && kill -0 $$ 2>/dev/null; do
		_now=$(date +%s)
		[ -t "$_f" ] || [ $((_now - _pl)) -ge 12 ] || continue
		_pl=$_now
		_k=$(grep -c '^  [A-Z]' "$1" 2>/dev/null) || true
		_k=${_k:-0} _pc=
		[ "$2" -eq 0 ] || _pc=" of ~$2 ($((_k < $2 ? _k * 100 / $2 : 99))%)"
		if [ -t "$_f" ]; then
			printf '\r[+%4ds] build: %s: %s steps%s, %ss\033[K' $((_now - WB_T0)) "$LOGNAME_" "$_k" "$_pc" $((_now - _p0)) >&"$_f"
		else
			log build "$LOGNAME_: $_k steps$_pc, $((_now - _p0))s" 2>&"$_f"
		fi
	done
}

# steps_estimate: print how many steps a build of the image takes from scratch: the most that a
# build in $OBJ printed, else the most of any objdir of KARCH (build/obj/bisect-x86_64 too), else
# what a cold build of configs/ took on 2026-12-02 (x86_64 1681 steps, arm64 1203), else 0 (not known).
steps_estimate() {
	[ ! -f "$OBJ/wb-steps" ] || { cat "$OBJ/wb-steps"; return; }
	cat "$B"/obj/*"$KARCH"*/wb-steps 2>/dev/null | sort -n | tail -n 1 | grep . && return
	case $KARCH in x86_64) echo 1680 ;; arm64) echo 1200 ;; *) echo 0 ;; esac
}

# seed: start an empty objdir as a copy of one that holds a kernel of a near config or tree, under
# its lock: kbuild then recompiles only what differs (fixdep records the CONFIG_ symbols and the
# files each object depends on), instead of every file through ccache's slower preprocessor mode.
#   - <name>-KCONFIG_DEFAULT (not default) from <name>-default of the same tree (x86_64-passthrough
#     from x86_64-default): its files are what those objects were built from, or newer.
#   - an objdir <KARCH>-default from <KARCH>-default of another tree of build/linux (the stock
#     kernel from the patched one) whose kernel is newer than every file of its tree. The files
#     that differ between the two trees (git diff of this tree against the other's commit, and
#     the other's uncommitted changes; tracked files) are then touched here, so that make
#     rebuilds them and what depends on them, whatever their times.
# The copy is lib.sh's copy_objdir (objtool's absolute paths rewritten).
seed() {
	_to=$(realpath "$OBJ") _from= _tree=
	[ "$(ls -A "$_to")" = .wb-lock ] || return 0
	if [ "$KCONFIG_DEFAULT" != default ] && [ "${_n%-"$KCONFIG_DEFAULT"}" != "$_n" ]; then
		_from=$(realpath "$SRC")/wb-obj-${_n%-"$KCONFIG_DEFAULT"}-default
		[ -f "$_from/$IMAGE" ] || return 0
	elif [ "$_n" = "$KARCH-default" ]; then
		for _t in "$B/linux" "$B/linux-stock" "$B/linux-v2"; do
			[ "$(realpath "$_t")" != "$(realpath "$SRC")" ] && [ -f "$_t/wb-obj-$_n/$IMAGE" ] || continue
			[ -z "$(find "$_t" -path "$_t/wb-obj-*" -prune -o -path "$_t/.git" -prune -o \
				-newer "$_t/wb-obj-$_n/$IMAGE" -type f -print -quit)" ] || continue
			_from=$(realpath "$_t/wb-obj-$_n") _tree=$_t
			break
		done
		[ -n "$_from" ] || return 0
	else
		return 0
	fi
	log build "$NAME: starting from a copy of $_from"
	if [ -z "$_tree" ]; then
		copy_objdir "$_from" "$_to"
		return 0
	fi
	# another tree: its paths, the objdir's among them, become this tree's
	copy_objdir "$_from" "$_to" "$(realpath "$_tree")" "$(realpath "$SRC")"
	{
		git -C "$SRC" diff --name-only "$(git -C "$_tree" rev-parse HEAD)"
		git -C "$_tree" diff --name-only HEAD
	} | sort -u | (cd "$SRC" && while read -r _f; do [ ! -f "$_f" ] || touch "$_f"; done)
}

# kmake_ended ARGS...: kmake ARGS, then stop the progress loop ($_pp) and clear its line on the
# terminal (the progress fd; 3: build_logged's stderr) before run_logged shows any error.
kmake_ended() {
	_r=0 _f=${WB_PROGRESS_FD:-3}
	kmake "$@" || _r=$?
	kill "$_pp" 2>/dev/null || true
	[ ! -t "$_f" ] || printf '\r\033[K' >&"$_f"
	return $_r
}

# build_logged WHAT EST TARGET...: kmake TARGETs with the output in this build's log, progress
# on stderr (EST: see progress) and ccache's counts of this build in build/logs/ccache-<name>.stats;
# then log the time, the steps and the ccache hits and misses, also appended to build/logs/builds.log
# ("<epoch> <name>: done in ..."), where the time of a make check went. Sets steps.
build_logged() {
	_lg=$LOGDIR/build-$LOGNAME_.log _what=$1 _est=$2 _b0=$(date +%s)
	shift 2
	CCACHE_STATSLOG=$LOGDIR/ccache-$LOGNAME_.stats
	export CCACHE_STATSLOG
	: >"$CCACHE_STATSLOG"
	exec 3>&2
	progress "$_lg" "$_est" &
	_pp=$!
	trap 'kill $_pp 2>/dev/null' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	run_logged "$_lg" "$_what" kmake_ended "$@"
	trap - EXIT INT TERM
	steps=$(grep -c '^  [A-Z]' "$_lg") || true
	_done="$LOGNAME_: done in $(($(date +%s) - _b0))s, $steps steps, ccache: $(awk '
		/^direct_cache_hit$/ { d++ } /^preprocessed_cache_hit$/ { p++ } /^cache_miss$/ { m++ }
		END { printf "%d hits (%d direct, %d preprocessed), %d misses", d + p, d, p, m }' "$CCACHE_STATSLOG")"
	log build "$_done"
	echo "$(date +%s) $_done" >>"$LOGDIR/builds.log"
}

if [ "${ONLY:-}" = initramfs ]; then
	[ -x "$OBJ/usr/gen_init_cpio" ] || die "kernel $NAME not built yet (make build)"
else
	[ -n "$TARGETS" ] || seed
	configure
	if [ -n "$TARGETS" ]; then
		log build "$NAME: $TARGETS${W:+ W=$W} (log: $LOGDIR/build-$LOGNAME_.log)"
		# shellcheck disable=SC2086
		build_logged "build of $TARGETS ($LOGNAME_, $SRC)" 0 $TARGETS
		exit 0
	fi
	log build "$NAME: kernel (log: $LOGDIR/build-$LOGNAME_.log)"
	build_logged "kernel build $LOGNAME_ ($SRC)" "$(steps_estimate)" "$(basename "$IMAGE")"
	[ "$steps" -le "$(cat "$OBJ/wb-steps" 2>/dev/null || echo 0)" ] || echo "$steps" >"$OBJ/wb-steps"
fi
build_guest
build_selftests
build_initramfs
log build "$NAME: $OBJ/$IMAGE $OBJ/initramfs.cpio"
