#!/bin/sh
# Boot every scenario of scenarios/matrix on the stock and the patched kernel and compare
# what each boot shows with the line's expectations (format: the header of scenarios/matrix):
#   - both kernels: the boot completes, no "bad" line (WARN, BUG, Oops, panic, lockdep, RCU
#     stall: parse.sh's list), and the type of the IOMMU groups holding the virtio-blk device;
#   - the kselftest iommu_dma_policy, built from the patched tree and put in both kernels'
#     initramfs once build/linux has it: on stock, the "selftest" field (pass or skip where stock
#     is right, fail where it is wrong); on patched, pass (exit 0), or skip (4) without an IOMMU;
#   - patched: KUnit at boot passes, and the "log" field: lines of LOGKEYS below that must (or,
#     with "!", must not) be in the boot log, each a whole line after the timestamp.
# Until build/linux has commits on top of base, the patched kernel is the stock one: its
# checks are reported as N/A (neither passed nor failed) and it is not booted.
# Prints a markdown table, also written to build/matrix.md, then one line per mismatch naming
# the scenario, the kernel, what differed and the log. Exit 1 on any mismatch or a boot that
# did not complete.
# Environment: MATRIX (default scenarios/matrix), ONLY="name ..." (those scenarios only),
#   RERUN=1 (boot again even when a log is newer than its kernel and initramfs and was made
#   from the same line and BOOT_KEY), NOBOOT=1 (only report from the saved logs), TIMEOUT (per boot, 120),
#   PATCHED=0 (stock only: patched checks N/A) or 1 (patched even with an empty series),
#   MATRIX_JOBS (boots at a time), MATRIX_OUT (default build/matrix.md), MATRIX_LOGS (with NOBOOT=1: read the consoles
#   matrix-<name>-<variant>.log from this directory instead of build/logs),
#   AS_PATCHED=<variant> (make check's mutation stage: boot only the already built kernels
#   build/obj/<arch>-<variant>-<kconfig> and hold them to the patched expectations; no stock boot).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

MATRIX=${MATRIX:-$ROOT/scenarios/matrix}
ONLY=${ONLY:-} RERUN=${RERUN:-} NOBOOT=${NOBOOT:-} TIMEOUT=${TIMEOUT:-120}
SELFTEST=iommu_dma_policy
SELFTEST_C=$B/linux/tools/testing/selftests/iommu/$SELFTEST.c
OUT=${MATRIX_OUT:-$B/matrix.md}
LOGS=$B/logs
if [ -n "${MATRIX_LOGS:-}" ]; then
	[ "$NOBOOT" = 1 ] || die "MATRIX_LOGS=$MATRIX_LOGS needs NOBOOT=1 (boots write to build/logs)"
	LOGS=$MATRIX_LOGS
fi
[ -f "$MATRIX" ] || die "no scenario matrix at $MATRIX"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# BOOT_KEY: what feeds a boot besides the kernel, its initramfs and the scenario's line: the
# scripts that build QEMU's command and ACPI tables, acpi/, QEMU's versions. A saved console is
# used again only when its .scenario file holds the same line and key.
BOOT_KEY=$({
	cat "$ROOT/scripts/qemu.sh" "$ROOT/scripts/boot.sh" "$ROOT/scripts/acpi.sh"
	find "$ROOT/acpi" -type f | LC_ALL=C sort | xargs cat
	versions qemu-system-x86_64 qemu-system-aarch64
} | sha256sum | cut -c1-16)

# Log keys of the matrix's "log" field: key|line, where line is a whole console line after its
# timestamp (as parse.sh prints it after "policy-log ", so parse.sh's POLICY_LOG must take it):
# a fixed string, or after "re:" an extended regular expression that must match the whole line.
# The texts are series v2's (notes/INTERFACE.md) and stock's driver lines, which v2 drops.
LOGKEYS='tr-build|iommu: Default domain type: Translated
tr-cmdline|iommu: Default domain type: Translated (set via kernel command line)
pt-build|iommu: Default domain type: Passthrough
pt-cmdline|iommu: Default domain type: Passthrough (set via kernel command line)
pt-driver|iommu: Default domain type: Passthrough (set via IOMMU driver)
lazy-build|iommu: DMA domain TLB invalidation policy: lazy mode
lazy-cmdline|iommu: DMA domain TLB invalidation policy: lazy mode (set via kernel command line)
strict-build|iommu: DMA domain TLB invalidation policy: strict mode
strict-cmdline|iommu: DMA domain TLB invalidation policy: strict mode (set via kernel command line)
strict-intel|iommu: DMA domain TLB invalidation policy: strict mode (set via intel_iommu=strict)
strict-amd|iommu: DMA domain TLB invalidation policy: strict mode (set via amd_iommu=fullflush)
inv|re:iommu: DMA domain TLB invalidation policy: .*
cm-strict|iommu: dmar0: strict invalidation (VT-d caching mode); iommu.strict=0 overrides
cm-lazy|iommu: dmar0: lazy invalidation (iommu.strict=0) despite VT-d caching mode
np-strict|iommu: ivhd0: strict invalidation (AMD NpCache); iommu.strict=0 overrides
np-lazy|iommu: ivhd0: lazy invalidation (iommu.strict=0) despite AMD NpCache
cm-pfq|iommu: dmar0: lazy invalidation, page-selective (VT-d caching mode)
np-pfq|iommu: ivhd0: lazy invalidation, page-selective (AMD NpCache)
inst|re:iommu: [^ ]+: (strict|lazy) invalidation[ ,].*
inst-strict|re:iommu: [^ ]+: strict invalidation .*
inst-lazy|re:iommu: [^ ]+: lazy invalidation[ ,].*
malformed-strict-banana|iommu: iommu.strict=banana: not a boolean, ignored
malformed-strict-2|iommu: iommu.strict=2: not a boolean, ignored
malformed-pt-empty|iommu: iommu.passthrough=: not a boolean, ignored
early-strict|Malformed early option '"'iommu.strict'"'
early-pt|Malformed early option '"'iommu.passthrough'"'
fq-failed|re:.*iova flush queue initialization failed.*
fq-fallback|re:[^ ]+ [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]: iova flush queue initialization failed, falling back to strict mode
batching|DMAR: IOMMU batching disallowed due to virtualization
amd-virt|AMD-Vi: Using strict mode due to virtualization'

# scenarios: print the matrix's scenario lines without comments (whole-line or after " #"),
# restricted to ONLY when set.
scenarios() {
	sed 's/[[:space:]]#.*$//; /^[[:space:]]*#/d; /^[[:space:]]*$/d' "$MATRIX" |
		while read -r _n _rest; do
			if [ -z "$ONLY" ] || printf ' %s ' "$ONLY" | grep -q " $_n "; then
				echo "$_n $_rest"
			fi
		done
}

# keyline KEY: print the line of KEY in LOGKEYS; die if KEY is not there.
keyline() {
	printf '%s\n' "$LOGKEYS" | sed -n "s/^$1|//p" | grep . || die "log key $1: not in LOGKEYS of scripts/matrix.sh"
}

# validate_keys: every fixed line of LOGKEYS comes out of parse.sh as a policy-log line;
# otherwise its presence could never be seen, and its absence would always pass.
validate_keys() {
	printf '%s\n' "$LOGKEYS" | sed -n '/^[^|]*|re:/d; s/^[^|]*|/[    0.000000] /p' >"$TMP/keys.log"
	sh "$ROOT/scripts/parse.sh" "$TMP/keys.log" 2>/dev/null | sed -n 's/^policy-log //p' >"$TMP/keys.out" || true
	printf '%s\n' "$LOGKEYS" | grep -v '^[^|]*|re:' | while IFS='|' read -r _k _l; do
		grep -Fxq -- "$_l" "$TMP/keys.out" || die "log key $_k: parse.sh does not print \"$_l\" as policy-log (see POLICY_LOG)"
	done
}

# validate: die naming the first malformed scenario line.
validate() {
	scenarios >"$TMP/lines"
	[ -s "$TMP/lines" ] || die "no scenario in $MATRIX${ONLY:+ matching ONLY=$ONLY}"
	while read -r n arch kc plat cmd st pa keys self extra; do
		if [ -z "$self" ] || [ -n "$extra" ]; then
			die "scenario $n: expected 9 fields in $MATRIX"
		fi
		case $arch in x86_64 | arm64) ;; *) die "scenario $n: arch $arch (x86_64 or arm64)" ;; esac
		[ -f "$ROOT/configs/$kc.config" ] || die "scenario $n: kconfig $kc has no configs/$kc.config"
		printf '%s\n' "$PLATFORMS" | grep -q "^${plat%%,*}|$arch|" ||
			die "scenario $n: platform ${plat%%,*} is not a row of scripts/qemu.sh for $arch"
		for o in "$st" "$pa"; do
			case $o in DMA | DMA-FQ | identity | none) ;; *) die "scenario $n: outcome $o" ;; esac
		done
		[ "$keys" = - ] || for k in $(echo "$keys" | tr ',' ' '); do
			printf '%s\n' "$LOGKEYS" | grep -q "^${k#!}|" || die "scenario $n: log key ${k#!} is not in LOGKEYS of scripts/matrix.sh"
		done
		case $self in pass | skip | ok | fail) ;; *) die "scenario $n: selftest $self (pass, skip, ok or fail)" ;; esac
	done <"$TMP/lines"
	_dup=$(cut -d' ' -f1 "$TMP/lines" | sort | uniq -d | head -n 1)
	[ -z "$_dup" ] || die "scenario $_dup: name used twice in $MATRIX"
	validate_keys
}

# wait_build OBJ: wait (up to 60 min) while another make builds into OBJ.
wait_build() {
	_w=0
	while pgrep -f -- "O=$1 " >/dev/null; do
		[ $_w -eq 0 ] && log matrix "waiting for the build running in $1"
		_w=$((_w + 1))
		[ $_w -lt 360 ] || die "a build in $1 still runs after 60 min"
		sleep 10
	done
}

# build_kernels VARIANTS: build each (arch, kconfig) of the matrix for each of VARIANTS:
# patched always (make is incremental), stock when its image is missing and otherwise only its
# initramfs; both with the kselftest of the patched tree once it has one.
build_kernels() {
	st=
	[ -f "$SELFTEST_C" ] && st=iommu/$SELFTEST
	cut -d' ' -f2,3 "$TMP/lines" | sort -u | while read -r arch kc; do
		arch_vars "$arch"
		for v in $1; do
			o=$B/obj/$arch-$v-$kc
			wait_build "$o"
			only=
			[ "$v" = stock ] && [ -f "$o/$IMAGE" ] && only=initramfs
			KARCH=$arch VARIANT=$v KCONFIG_DEFAULT=$kc SELFTESTS=$st ONLY=$only sh "$ROOT/scripts/build.sh" </dev/null ||
				die "build of $arch-$v-$kc failed (needed by the matrix)"
		done
	done
}

# boot_one NAME ARCH KCONFIG PLATFORM CMDLINE VARIANT: boot one scenario on one kernel, once more
# after a boot that did not complete (TCG under load can panic in the IO-APIC timer check; the
# first console is kept as .try1), and record the line it was booted from.
boot_one() {
	_lg=$B/logs/matrix-$1-$6.log _opts=
	case $4 in *,*) _opts=${4#*,} ;; esac
	_cmd=$(echo "$5" | sed 's/^-$//; s/+/ /g')
	for try in 1 2; do
		[ "$try" = 2 ] || log matrix "boot $1 on $6 ($2-$6-$3, ${4}${_cmd:+, $_cmd})"
		KARCH=$2 VARIANT=$6 KCONFIG_DEFAULT=$3 PLATFORM=${4%%,*} PLATFORM_OPTS=$_opts \
			CMDLINE=$_cmd SCENARIO=matrix-$1-$6 CONSOLE='' TIMEOUT=$TIMEOUT \
			sh "$ROOT/scripts/boot.sh" >/dev/null 2>&1 </dev/null || true
		_s=$(parsed "$_lg" | sed -n 's/^status //p')
		if [ "$_s" = ok ] || [ "$try" = 2 ]; then
			break
		fi
		cp "$_lg" "$_lg.try1"
		log matrix "$1 on $6: $_s, booting again (first console: $_lg.try1)"
	done
	echo "$1 $2 $3 $4 $5 $BOOT_KEY" >"$_lg.scenario"
}

# boot_all VARIANTS: boot each scenario on each of VARIANTS unless its log is up to date, with
# MATRIX_JOBS (default: the number of CPUs, at most 2) boots at a time: each guest is one TCG thread.
boot_all() {
	: >"$TMP/jobs"
	while read -r n arch kc plat cmd _rest; do
		arch_vars "$arch"
		for v in $1; do
			o=$B/obj/$arch-$v-$kc lg=$B/logs/matrix-$n-$v.log
			if [ "$RERUN" != 1 ] && [ -f "$lg" ] && [ ! "$o/$IMAGE" -nt "$lg" ] &&
				[ ! "$o/initramfs.cpio" -nt "$lg" ] && [ "$(cat "$lg.scenario" 2>/dev/null)" = "$n $arch $kc $plat $cmd $BOOT_KEY" ]; then
				continue
			fi
			echo "$n $arch $kc $plat $cmd $v" >>"$TMP/jobs"
		done
	done <"$TMP/lines"
	_jobs=${MATRIX_JOBS:-$(nproc)}
	[ "$_jobs" -le 2 ] || [ -n "${MATRIX_JOBS:-}" ] || _jobs=2
	case $_jobs in '' | *[!0-9]* | 0) die "MATRIX_JOBS=$_jobs: a positive number" ;; esac
	log matrix "$(wc -l <"$TMP/jobs") boots, $_jobs at a time"
	_i=0
	while [ $_i -lt "$_jobs" ]; do
		awk -v j="$_jobs" -v i=$_i 'NR % j == i' "$TMP/jobs" | while read -r n arch kc plat cmd v; do
			boot_one "$n" "$arch" "$kc" "$plat" "$cmd" "$v"
		done &
		_i=$((_i + 1))
	done
	wait
}

# parsed LOG: print parse.sh's result lines of LOG. For a log under build/, they are kept in
# LOG.parsed and read from there while it is newer than LOG and than scripts/parse.sh (the
# flip checks read every console four more times).
parsed() {
	case $1 in "$B"/*) ;; *) sh "$ROOT/scripts/parse.sh" "$1" 2>/dev/null || true; return 0 ;; esac
	if ! [ "$1.parsed" -nt "$1" ] || ! [ "$1.parsed" -nt "$ROOT/scripts/parse.sh" ]; then
		{ sh "$ROOT/scripts/parse.sh" "$1" 2>/dev/null || true; } >"$1.parsed.new"
		mv "$1.parsed.new" "$1.parsed"
	fi
	cat "$1.parsed"
}

# observe LOG: parse LOG into $TMP/p (its policy-log lines in $TMP/pl) and set: status,
# outcome (virtio-blk groups' types, or "none"), st_res (the selftest's result: pass, skip when
# every test skipped, fail, or "-" if it did not run; the harness exits 0 when all tests skip, so
# the TAP summary tells skip from pass), kunit (parse.sh's "kunit ..." line).
observe() {
	status=missing outcome=- st_res=- kunit=
	: >"$TMP/p"
	: >"$TMP/pl"
	[ -f "$1" ] || return 0
	parsed "$1" >"$TMP/p"
	sed -n 's/^policy-log //p' "$TMP/p" >"$TMP/pl"
	status=$(sed -n 's/^status //p' "$TMP/p")
	status=${status:-unparsed}
	# virtio-blk: 1af4:1042 (modern, as qemu.sh adds it) or 1af4:1001 (transitional)
	_groups=$(sed -n 's/^device [^ ]* id=1af4:10\(42\|01\) .*group=\([0-9][0-9]*\).*/\2/p' "$TMP/p" | sort -u)
	if ! grep -q '^device [^ ]* id=1af4:10\(42\|01\) ' "$TMP/p"; then
		outcome=no-virtio-device
	elif [ -z "$_groups" ]; then
		outcome=none
	else
		outcome=$(for g in $_groups; do sed -n "s/^group $g type=\([^ ]*\).*/\1/p" "$TMP/p"; done |
			sort -u | paste -sd, -)
	fi
	_st=$(grep "^selftest $SELFTEST exit=" "$TMP/p" | head -n 1 || true)
	case $_st in
	"") st_res=- ;;
	*" exit=0 "*failed*) st_res=fail ;;
	*" exit=0 "*"tests: skipped: "[0-9]*) st_res=skip ;;
	*" exit=0 "*) st_res=pass ;;
	*" exit=4 "*) st_res=skip ;;
	*) st_res=fail ;;
	esac
	kunit=$(grep '^kunit ' "$TMP/p" | head -n 1 || true)
}

# mismatch NAME VARIANT WHAT: record one mismatch line.
mismatch() {
	echo "- $1 ($2): $3 (log: ${LOGS#"$ROOT"/}/matrix-$1-$2.log)" >>"$TMP/mism"
	bad=1
}

# check_boot NAME VARIANT EXPECTED: the checks of both kernels on the observed boot: status,
# outcome (EXPECTED) and bad lines. Sets cell (the outcome column's text) and booted (1 if the
# boot completed).
check_boot() {
	booted=0
	if [ "$status" != ok ]; then
		cell=$status
		mismatch "$1" "$2" "boot status $status, expected ok"
	else
		booted=1
		cell=$outcome
		if [ "$outcome" != "$3" ]; then
			cell="**$outcome** (expected $3)"
			mismatch "$1" "$2" "virtio-blk group type $outcome, expected $3"
		fi
	fi
	_nb=$(grep -c '^bad ' "$TMP/p" || true)
	if [ "$_nb" -gt 0 ]; then
		cell="$cell, **$_nb bad**"
		mismatch "$1" "$2" "$_nb bad line(s), first: $(grep -m1 '^bad ' "$TMP/p" | cut -c5- | sed 's/^\[ *[0-9.]*\] //')"
	fi
}

# check_selftest NAME VARIANT WANT: the selftest's result ($st_res) against WANT (pass, skip,
# fail, or ok: pass or skip); "did not run" is a mismatch once the patched tree has the selftest.
# Sets scell.
check_selftest() {
	case $3 in ok) _ok='pass skip' ;; *) _ok=$3 ;; esac
	scell=$st_res
	if [ "$st_res" = - ]; then
		if [ -f "$SELFTEST_C" ]; then
			scell="**did not run**"
			mismatch "$1" "$2" "selftest $SELFTEST did not run"
		fi
	elif ! printf ' %s ' "$_ok" | grep -q " $st_res "; then
		scell="**$st_res** (expected $3)"
		mismatch "$1" "$2" "selftest $SELFTEST: $st_res, expected $3"
	fi
}

# check_log NAME KEYS: each key of KEYS (comma separated; "!key": must not appear) against the
# patched boot's policy-log lines ($TMP/pl). Sets lcell.
check_log() {
	lcell=
	[ "$2" != - ] || { lcell=-; return 0; }
	for k in $(echo "$2" | tr ',' ' '); do
		_l=$(keyline "${k#!}")
		case $_l in
		re:*) grep -Exq -- "${_l#re:}" "$TMP/pl" && _seen=1 || _seen=0 ;;
		*) grep -Fxq -- "$_l" "$TMP/pl" && _seen=1 || _seen=0 ;;
		esac
		_want=1
		case $k in !*) _want=0 ;; esac
		if [ "$_seen" = "$_want" ]; then
			lcell="$lcell $k"
		elif [ "$_want" = 1 ]; then
			lcell="$lcell **$k**"
			mismatch "$1" "$PV" "log: $k missing (\"$_l\")"
		else
			lcell="$lcell **$k**"
			mismatch "$1" "$PV" "log: $k present (\"$_l\")"
		fi
	done
	lcell=${lcell# }
}

validate
PV=${AS_PATCHED:-patched}
case $PV in patched) ;; stock | *[!a-z0-9-]*) die "AS_PATCHED=$PV: a variant name other than stock" ;; esac
case ${PATCHED:-auto} in
0 | 1) patched_on=$PATCHED ;;
auto) patched_on=0; [ "$(series_commits "$B/linux")" -gt 0 ] && patched_on=1 ;;
*) die "PATCHED=$PATCHED: 0, 1 or auto" ;;
esac
variants=stock
[ "$patched_on" = 1 ] && variants="stock patched"
if [ "$PV" != patched ]; then
	patched_on=1 variants=$PV
	[ "$NOBOOT" = 1 ] || boot_all "$PV"
elif [ "$NOBOOT" != 1 ]; then
	build_kernels "$variants"
	boot_all "$variants"
fi

: >"$TMP/mism"
{
	echo "| scenario | platform / command line | stock | stock selftest | patched | patched log (**bold**: failed) | result |"
	echo "|---|---|---|---|---|---|---|"
} >"$TMP/table"
while read -r n arch kc plat cmd exp_st exp_pa keys exp_self; do
	bad=0
	_cmd=$(echo "$cmd" | sed 's/^-$//; s/+/ /g')
	[ "$kc" = default ] && setup=$arch || setup="$arch ($kc build)"
	setup="$setup, $plat${_cmd:+, \`$_cmd\`}"

	c_st=N/A c_self=N/A
	if [ "$PV" = patched ]; then
		observe "$LOGS/matrix-$n-stock.log"
		check_boot "$n" stock "$exp_st"
		c_st=$cell scell=-
		[ "$booted" = 0 ] || check_selftest "$n" stock "$exp_self"
		c_self=$scell
	fi

	if [ "$patched_on" = 0 ]; then
		c_pa="N/A (expected $exp_pa)" c_log="N/A ($keys)"
	else
		observe "$LOGS/matrix-$n-$PV.log"
		check_boot "$n" "$PV" "$exp_pa"
		c_pa=$cell c_log=-
		if [ "$booted" = 1 ]; then
			case $kunit in
			"kunit rc=1"*) c_pa="$c_pa, **KUnit failed**"
				mismatch "$n" "$PV" "KUnit: ${kunit#kunit } $(grep '^kunit failed' "$TMP/p" | head -n 3 | cut -c14- | paste -sd' ' -)" ;;
			esac
			check_log "$n" "$keys"
			c_log=$lcell
			# pass; skip without an IOMMU; either where the selftest cannot know (stock skips)
			_want=pass
			[ "$exp_self" = skip ] && _want=ok
			[ "$exp_pa" = none ] && _want=skip
			check_selftest "$n" "$PV" "$_want"
			[ "$scell" = - ] || [ "$scell" = 0 ] || [ "$scell" = 4 ] || c_pa="$c_pa, selftest $scell"
		fi
	fi

	if [ $bad = 1 ]; then
		res=FAIL
	elif [ "$patched_on" = 0 ]; then
		res="stock pass, patched N/A"
	else
		res=pass
	fi
	echo "| $n | $setup | $c_st | $c_self | $c_pa | $c_log | $res |" >>"$TMP/table"
done <"$TMP/lines"

{
	cat "$TMP/table"
	echo
	if [ "$patched_on" = 0 ]; then
		echo "Patched checks N/A: the series is empty (build/linux has no commit on top of base) or PATCHED=0."
	fi
	[ -f "$SELFTEST_C" ] || echo "Selftest checks N/A: build/linux has no tools/testing/selftests/iommu/$SELFTEST.c."
	if [ -s "$TMP/mism" ]; then
		echo "Mismatches:"
		cat "$TMP/mism"
	else
		echo "No mismatch."
	fi
} >"$OUT"
cat "$OUT"
[ ! -s "$TMP/mism" ]
