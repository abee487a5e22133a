#!/bin/sh
# Boot every scenario of scenarios/matrix on the stock and the patched kernel and compare
# what each boot shows with the line's expectations (format: the header of scenarios/matrix):
#   - the type of the IOMMU groups holding the virtio-blk device (both kernels);
#   - patched: the run-time report of that group's instance (type, and the deciding input
#     named by the "reason" field), a boot log line "decided by <reason>", and the kselftest
#     iommu_dma_policy when the initramfs has it (exit 0, or 4 where there is no IOMMU);
#   - stock: that same selftest, when present, skips (exit 4: no report).
# Until build/linux has commits on top of base, the patched kernel is the stock one: its
# checks are reported as N/A (neither passed nor failed) and it is not booted.
# Prints a markdown table, also written to build/matrix.md, then one line per mismatch naming
# the scenario, the kernel, what differed and the log. Exit 1 on any mismatch or a boot that
# did not complete.
# Environment: MATRIX (default scenarios/matrix), ONLY="name ..." (those scenarios only),
#   RERUN=1 (boot again even when a log is newer than its kernel and initramfs and was made
#   from the same line), NOBOOT=1 (only report from the saved logs), TIMEOUT (per boot, 120),
#   PATCHED=0 (stock only: patched checks N/A) or 1 (patched even with an empty series),
#   MATRIX_OUT (default build/matrix.md).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

MATRIX=${MATRIX:-$ROOT/scenarios/matrix}
ONLY=${ONLY:-} RERUN=${RERUN:-} NOBOOT=${NOBOOT:-} TIMEOUT=${TIMEOUT:-120}
SELFTEST=iommu_dma_policy
OUT=${MATRIX_OUT:-$B/matrix.md}
[ -f "$MATRIX" ] || die "no scenario matrix at $MATRIX"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

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

# validate: die naming the first malformed scenario line.
validate() {
	scenarios >"$TMP/lines"
	[ -s "$TMP/lines" ] || die "no scenario in $MATRIX${ONLY:+ matching ONLY=$ONLY}"
	while read -r n arch kc plat cmd st pa why extra; do
		if [ -z "$why" ] || [ -n "$extra" ]; then
			die "scenario $n: expected 8 fields in $MATRIX"
		fi
		case $arch in x86_64 | arm64) ;; *) die "scenario $n: arch $arch (x86_64 or arm64)" ;; esac
		[ -f "$ROOT/configs/$kc.config" ] || die "scenario $n: kconfig $kc has no configs/$kc.config"
		printf '%s\n' "$PLATFORMS" | grep -q "^${plat%%,*}|$arch|" ||
			die "scenario $n: platform ${plat%%,*} is not a row of scripts/qemu.sh for $arch"
		for o in "$st" "$pa"; do
			case $o in DMA | DMA-FQ | identity | none) ;; *) die "scenario $n: outcome $o" ;; esac
		done
	done <"$TMP/lines"
	_dup=$(cut -d' ' -f1 "$TMP/lines" | sort | uniq -d | head -n 1)
	[ -z "$_dup" ] || die "scenario $_dup: name used twice in $MATRIX"
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
# stock only when its image is missing, patched always (make is incremental), the patched
# one with the selftest when the patched tree has it.
build_kernels() {
	cut -d' ' -f2,3 "$TMP/lines" | sort -u | while read -r arch kc; do
		arch_vars "$arch"
		for v in $1; do
			o=$B/obj/$arch-$v-$kc
			wait_build "$o"
			st=
			[ "$v" = patched ] && [ -f "$B/linux/tools/testing/selftests/iommu/$SELFTEST.c" ] &&
				st=iommu/$SELFTEST
			if [ "$v" = patched ] || [ ! -f "$o/$IMAGE" ] || [ ! -f "$o/initramfs.cpio" ]; then
				KARCH=$arch VARIANT=$v KCONFIG_DEFAULT=$kc SELFTESTS=$st sh "$ROOT/scripts/build.sh" </dev/null ||
					die "build of $arch-$v-$kc failed (needed by the matrix)"
			fi
		done
	done
}

# boot_all VARIANTS: boot each scenario on each of VARIANTS unless its log is up to date.
boot_all() {
	while read -r n arch kc plat cmd st pa why; do
		arch_vars "$arch"
		for v in $1; do
			o=$B/obj/$arch-$v-$kc lg=$B/logs/matrix-$n-$v.log
			line="$n $arch $kc $plat $cmd"
			if [ "$RERUN" != 1 ] && [ -f "$lg" ] && [ ! "$o/$IMAGE" -nt "$lg" ] &&
				[ ! "$o/initramfs.cpio" -nt "$lg" ] && [ "$(cat "$lg.scenario" 2>/dev/null)" = "$line" ]; then
				continue
			fi
			_opts=
			case $plat in *,*) _opts=${plat#*,} ;; esac
			_cmd=$(echo "$cmd" | sed 's/^-$//; s/+/ /g')
			for try in 1 2; do
				[ "$try" = 2 ] || log matrix "boot $n on $v ($arch-$v-$kc, ${plat}${_cmd:+, $_cmd})"
				KARCH=$arch VARIANT=$v KCONFIG_DEFAULT=$kc PLATFORM=${plat%%,*} PLATFORM_OPTS=$_opts \
					CMDLINE=$_cmd SCENARIO=matrix-$n-$v CONSOLE='' TIMEOUT=$TIMEOUT \
					sh "$ROOT/scripts/boot.sh" >/dev/null 2>&1 </dev/null || true
				# One more try after a boot that did not complete (TCG under load can
				# panic in the IO-APIC timer check); the first console is kept.
				_s=$(sh "$ROOT/scripts/parse.sh" "$lg" 2>/dev/null | sed -n 's/^status //p') || true
				if [ "$_s" = ok ] || [ "$try" = 2 ]; then
					break
				fi
				cp "$lg" "$lg.try1"
				log matrix "$n on $v: $_s, booting again (first console: $lg.try1)"
			done
			echo "$line" >"$lg.scenario"
		done
	done <"$TMP/lines"
}

# observe LOG: parse LOG into $TMP/p and set: status, outcome (virtio-blk groups' types, or
# "none"), inst (their instance), report ("type=.. translate_by=.. ..." of inst, or "none"),
# st_exit (exit status of the selftest, "-" if it did not run).
observe() {
	status=missing outcome=- inst=- report=none st_exit=-
	[ -f "$1" ] || return 0
	sh "$ROOT/scripts/parse.sh" "$1" >"$TMP/p" 2>/dev/null || true
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
		inst=$(for g in $_groups; do sed -n "s/^group $g .* iommu=\([^ ]*\).*/\1/p" "$TMP/p"; done |
			sort -u | head -n 1)
	fi
	_r=$(sed -n "s/^policy $inst \(type=.*\)/\1/p" "$TMP/p" | head -n 1)
	report=${_r:-none}
	st_exit=$(sed -n "s/^selftest $SELFTEST exit=\([^ ]*\).*/\1/p" "$TMP/p" | head -n 1)
	st_exit=${st_exit:--}
}

# field NAME: print the value of NAME=... in $report.
field() {
	printf ' %s\n' "$report" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"
}

# mismatch NAME VARIANT WHAT: record one mismatch line.
mismatch() {
	echo "- $1 ($2): $3 (log: build/logs/matrix-$1-$2.log)" >>"$TMP/mism"
	bad=1
}

validate
case ${PATCHED:-auto} in
0 | 1) patched_on=$PATCHED ;;
auto) patched_on=0; [ "$(series_commits "$B/linux")" -gt 0 ] && patched_on=1 ;;
*) die "PATCHED=$PATCHED: 0, 1 or auto" ;;
esac
variants=stock
[ "$patched_on" = 1 ] && variants="stock patched"
if [ "$NOBOOT" != 1 ]; then
	build_kernels "$variants"
	boot_all "$variants"
fi

: >"$TMP/mism"
{
	echo "| scenario | platform / command line | stock | patched | patched reason | result |"
	echo "|---|---|---|---|---|---|"
} >"$TMP/table"
while read -r n arch kc plat cmd exp_st exp_pa why; do
	bad=0
	_cmd=$(echo "$cmd" | sed 's/^-$//; s/+/ /g')
	[ "$kc" = default ] && setup=$arch || setup="$arch ($kc build)"
	setup="$setup, $plat${_cmd:+, \`$_cmd\`}"

	# Stock: the outcome, and the selftest skips where it ran.
	observe "$B/logs/matrix-$n-stock.log"
	if [ "$status" != ok ]; then
		c_st="$status"
		mismatch "$n" stock "boot status $status, expected ok"
	elif [ "$outcome" != "$exp_st" ]; then
		c_st="**$outcome** (expected $exp_st)"
		mismatch "$n" stock "virtio-blk group type $outcome, expected $exp_st"
	else
		c_st=$outcome
	fi
	if [ "$st_exit" != - ] && [ "$st_exit" != 4 ]; then
		mismatch "$n" stock "selftest $SELFTEST exit $st_exit, expected 4 (skip: no report)"
	fi

	# Patched.
	if [ "$patched_on" = 0 ]; then
		c_pa="N/A (expected $exp_pa)" c_why="N/A ($why)"
	else
		observe "$B/logs/matrix-$n-patched.log"
		c_why=-
		if [ "$status" != ok ]; then
			c_pa=$status
			mismatch "$n" patched "boot status $status, expected ok"
		else
			c_pa=$outcome
			if [ "$outcome" != "$exp_pa" ]; then
				c_pa="**$outcome** (expected $exp_pa)"
				mismatch "$n" patched "virtio-blk group type $outcome, expected $exp_pa"
			fi
			if [ "$exp_pa" = none ]; then
				[ "$report" = none ] || mismatch "$n" patched "a report ($report) without an IOMMU"
			elif [ "$report" = none ]; then
				mismatch "$n" patched "no run-time report for instance $inst"
			elif [ "$(field type)" != "$exp_pa" ]; then
				mismatch "$n" patched "report of $inst says type=$(field type), expected $exp_pa"
			fi
			if [ "$why" != - ]; then
				case $why in
				translate:*) f=translate_by tok=${why#*:} ;;
				strict:*) f=strict_by tok=${why#*:} ;;
				*) tok=$why f=strict_by; [ "$exp_pa" = identity ] && f=translate_by ;;
				esac
				got=$(field "$f")
				c_why="$f=${got:--}"
				if [ "$got" != "$tok" ]; then
					c_why="**$f=${got:--}** (expected $tok)"
					mismatch "$n" patched "report of $inst: $f=${got:--}, expected $tok"
				fi
				grep '^policy-log ' "$TMP/p" | grep -q "decided by $tok\\b" ||
					mismatch "$n" patched "no boot log line \"decided by $tok\""
			fi
			_want=0
			[ "$exp_pa" = none ] && _want=4
			if [ "$st_exit" = - ]; then
				[ -f "$B/linux/tools/testing/selftests/iommu/$SELFTEST.c" ] &&
					mismatch "$n" patched "selftest $SELFTEST did not run"
			elif [ "$st_exit" != $_want ]; then
				mismatch "$n" patched "selftest $SELFTEST exit $st_exit, expected $_want"
			fi
		fi
	fi

	if [ $bad = 1 ]; then
		res=FAIL
	elif [ "$patched_on" = 0 ]; then
		res="stock pass, patched N/A"
	else
		res=pass
	fi
	echo "| $n | $setup | $c_st | $c_pa | $c_why | $res |" >>"$TMP/table"
done <"$TMP/lines"

{
	cat "$TMP/table"
	echo
	if [ "$patched_on" = 0 ]; then
		echo "Patched checks N/A: the series is empty (build/linux has no commit on top of base) or PATCHED=0."
	fi
	if [ -s "$TMP/mism" ]; then
		echo "Mismatches:"
		cat "$TMP/mism"
	else
		echo "No mismatch."
	fi
} >"$OUT"
cat "$OUT"
[ ! -s "$TMP/mism" ]
