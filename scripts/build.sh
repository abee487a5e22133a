#!/bin/sh
# Build one kernel, its guest programs and its initramfs.
# Inputs (environment): KARCH=x86_64|arm64 VARIANT=stock|patched KCONFIG_DEFAULT=default|passthrough|strict|lazy
#   SRC=<tree> and OBJ=<dir> override the tree and the O= dir (per-patch builds use them);
#   TARGETS="drivers/iommu/ ..." builds only those objects/dirs (no image, guest or initramfs);
#   KUNIT=auto|0|1 (see fragments); W=1 passes W=1 to make, C=1 passes C=1 (sparse);
#   SELFTESTS="iommu/<prog> ..." kselftest programs for /selftests, built from the tree
#   SELFTEST_SRC (default build/linux, the series: the stock kernel is tested with the same program).
# ONLY=initramfs: only the guest programs and the initramfs of an already built kernel.
# Output: $OBJ/<image>, $OBJ/initramfs.cpio (init, /selftests, the kernel's .config as
#   /boot/config-<release>); make output in build/logs/build-<name>.log.
set -eu
. "$(dirname "$0")/lib.sh"

KARCH=${KARCH:-x86_64} VARIANT=${VARIANT:-stock} KCONFIG_DEFAULT=${KCONFIG_DEFAULT:-default}
TARGETS=${TARGETS:-} W=${W:-} C=${C:-} SELFTESTS=${SELFTESTS:-} KUNIT=${KUNIT:-auto}
arch_vars "$KARCH"
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
command -v ccache >/dev/null && CC="ccache $CC" HOSTCC="ccache gcc"
mkdir -p "$OBJ" "$LOGDIR"
# One build at a time per O= dir (make run, make check and scripts/matrix.sh may overlap).
exec 9>"$OBJ/.wb-lock"
flock -n 9 || { log build "$LOGNAME_: waiting for another build in $OBJ"; flock 9; }

# kmake ARGS...: make in $SRC with this build's O=, ARCH, compiler, W and C.
kmake() {
	nice make -C "$SRC" O="$OBJ" ARCH="$ARCH" CROSS_COMPILE="$CROSS" CC="$CC" HOSTCC="$HOSTCC" \
		${W:+W=$W} ${C:+C=$C} -j"$(nproc)" "$@"
}

# fragments: print the config fragments of this build, weakest first. kunit.config joins
# when KUNIT=1, or with KUNIT=auto for VARIANT=patched once the series has commits.
fragments() {
	echo "$ROOT/configs/common.config" "$ROOT/configs/$KARCH.config" "$ROOT/configs/$KCONFIG_DEFAULT.config"
	if [ "$KUNIT" = 1 ] || { [ "$KUNIT" = auto ] && [ "$VARIANT" = patched ] && [ "$(series_commits "$SRC")" -gt 0 ]; }; then
		echo "$ROOT/configs/kunit.config"
	fi
}

# configure: tinyconfig + fragments + olddefconfig when the fragments changed; then check
# that every requested symbol has its requested value, dying with the list if not.
configure() {
	_fr=$(fragments)
	# shellcheck disable=SC2086
	_want=$(cat $_fr)
	if [ ! -f "$OBJ/.config" ] || [ "$_want" != "$(cat "$OBJ/wb-fragments" 2>/dev/null)" ]; then
		log config "$NAME: tinyconfig +$(for f in $_fr; do printf ' %s' "$(basename "$f" .config)"; done)"
		# shellcheck disable=SC2086
		run_logged "$LOGDIR/config-$LOGNAME_.log" "config $NAME" sh -c '
			make -C "$1" O="$2" ARCH="$3" CROSS_COMPILE="$4" tinyconfig &&
			cd "$2" && ARCH="$3" CROSS_COMPILE="$4" "$1/scripts/kconfig/merge_config.sh" -m -O "$2" "$2/.config" $5 &&
			make -C "$1" O="$2" ARCH="$3" CROSS_COMPILE="$4" olddefconfig' sh "$SRC" "$OBJ" "$ARCH" "$CROSS" "$_fr"
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
		${CROSS}gcc -static -O2 -Wall -Wextra -Werror -Wno-format-truncation -o "$_g/init" "$ROOT/guest/init.c" || die "guest/init.c does not build for $KARCH"
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
	"$OBJ/usr/gen_init_cpio" "$_l" >"$OBJ/initramfs.new" || die "gen_init_cpio failed for $NAME"
	# Keep the old file (and its time) when nothing changed: run.sh reboots on a newer initramfs.
	if cmp -s "$OBJ/initramfs.new" "$OBJ/initramfs.cpio"; then rm "$OBJ/initramfs.new"; else mv "$OBJ/initramfs.new" "$OBJ/initramfs.cpio"; fi
}

if [ "${ONLY:-}" = initramfs ]; then
	[ -x "$OBJ/usr/gen_init_cpio" ] || die "kernel $NAME not built yet (make build)"
else
	configure
	if [ -n "$TARGETS" ]; then
		log build "$NAME: $TARGETS${W:+ W=$W} (log: $LOGDIR/build-$LOGNAME_.log)"
		# shellcheck disable=SC2086
		run_logged "$LOGDIR/build-$LOGNAME_.log" "build of $TARGETS ($LOGNAME_, $SRC)" kmake $TARGETS
		log build "$NAME: done"
		exit 0
	fi
	log build "$NAME: kernel (log: $LOGDIR/build-$LOGNAME_.log)"
	run_logged "$LOGDIR/build-$LOGNAME_.log" "kernel build $LOGNAME_ ($SRC)" kmake "$(basename "$IMAGE")"
fi
build_guest
build_selftests
build_initramfs
log build "$NAME: $OBJ/$IMAGE $OBJ/initramfs.cpio"
