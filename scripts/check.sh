#!/bin/sh
# make check: run every check, print one line each ("PASS name", "FAIL name: cause",
# "SKIP name: why", "N/A name: why" for checks that need the series while it is empty),
# the time per stage, then exactly "N passed, N failed" (last line). Exit 1 if any failed.
# Each check's output is in build/logs/check/<check>.log. STAGES="parser checkpatch ..." runs only those
# stages (default: tree parser checkpatch kerneldoc bisect w1 sparse build robot boot matrix mutants bench coverage;
# after build, boot matrix bench coverage run beside robot mutants: LANE2 below).
# SERIES=<rev> checks that revision of build/linux instead of branch series (stages that read git).
# MUTANTS="06-precedence-reversed ..." runs only those of tests/mutants/ in the mutants stage.
set -eu
. "$(dirname "$0")/lib.sh"
C=$B/logs/check
mkdir -p "$C/ok"
# Builds show their progress on make check's stderr (fd 7), though a check's output goes to its log.
exec 7>&2
WB_PROGRESS_FD=7
export WB_PROGRESS_FD
npass=0 nfail=0 nskip=0 times=

# say KIND NAME [WHY]: print one result line and count it.
say() {
	case $1 in
	PASS) npass=$((npass + 1)); echo "PASS $2" ;;
	FAIL) nfail=$((nfail + 1)); echo "FAIL $2: $3" ;;
	*) nskip=$((nskip + 1)); echo "$1 $2: $3" ;;
	esac
}

# cause LOG: print the reason of a failure: the last "error:" line of LOG, else its last line.
cause() {
	{ grep '^error: ' "$1" | tail -n 1 | sed 's/^error: //' || true; } | grep . || tail -n 1 "$1"
}

# check NAME CMD...: run CMD (in a subshell, with set -e) with its output in
# build/logs/check/NAME.log; PASS, or FAIL with the cause. Sets ok=1 on PASS, ok=0 on FAIL.
check() {
	_n=$1
	shift
	_l=$C/$(echo "$_n" | tr ' /' '__').log
	("$@") >"$_l" 2>&1 &
	if wait $!; then
		ok=1
		say PASS "$_n"
	else
		ok=0
		say FAIL "$_n" "$(cause "$_l") (log: $_l)"
	fi
}

# stage NAME FUNC: run FUNC and record its duration under NAME.
stage() {
	_t=$(date +%s)
	"$2"
	times="$times $1 $(($(date +%s) - _t))s,"
}

T=$B/linux
BIS=$B/linux-bisect
# WB_KEY: what feeds a cached result besides the tree: configs/, the scripts, the guest's programs,
# acpi/, the compilers' and QEMU's versions. A cached PASS is keyed on it and on the tree.
WB_KEY=$({
	cat "$ROOT"/configs/* "$ROOT"/scripts/*.sh "$ROOT"/guest/*.c
	find "$ROOT/acpi" -type f | LC_ALL=C sort | xargs cat
	versions gcc aarch64-linux-gnu-gcc s390x-linux-gnu-gcc qemu-system-x86_64 qemu-system-aarch64
} | sha256sum | cut -c1-16)
# SERIES=<rev>: check that revision of build/linux (e.g. an earlier version of the series)
# instead of branch series.
SERIES=${SERIES:-series}

# commits: print base..$SERIES of build/linux, oldest first.
commits() {
	git -C "$T" rev-list --reverse "refs/tags/base..$SERIES" 2>/dev/null
}

# no_series NAME: true when a stage has nothing to check: "N/A NAME" when the series has no
# commits (patches/series empty, or SERIES=refs/tags/base); a FAIL of NAME when build/linux or the
# revision SERIES is missing, which would look the same to commits.
no_series() {
	if ! git -C "$T" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
		say FAIL "$1" "no kernel tree at build/linux (make tree)"
	elif ! git -C "$T" rev-parse -q --verify "$SERIES^{commit}" >/dev/null; then
		say FAIL "$1" "build/linux has no revision $SERIES"
	elif [ -z "$(commits)" ]; then
		say N/A "$1" "the series has no commits"
	else
		return 1
	fi
}

# worktree_at REV: check REV out in build/linux-bisect (made on first use). Local changes to
# files that REV shares with the current checkout stay, so a change can be tried uncommitted.
worktree_at() {
	[ -d "$BIS" ] || git -C "$T" worktree add -q --detach "$BIS" refs/tags/base
	git -C "$BIS" checkout -q --detach "$(git -C "$T" rev-parse "$1")"
}

# patch_name COMMIT N: print the format-patch file name of COMMIT, the Nth of base..series, as
# patches/series names it: NNNN-<subject>.patch in series v2 (section 1), DIR/NNNN-... after it,
# numbered from 1 again.
patch_name() {
	_pn=$2 _pd=
	if [ "$2" -gt "$(series_files 1 | wc -l)" ]; then
		_pn=$(($2 - $(series_files 1 | wc -l))) _pd=$(series_dir)/
	fi
	printf '%s%04d-%s.patch' "$_pd" "$_pn" "$(git -C "$T" log -1 --format=%f "$1" | cut -c1-52)"
}

stage_tree() {
	check tree sh "$ROOT/scripts/tree.sh"
}

# checkpatch_one PATCH: checkpatch.pl --strict (from the stock tree) on patches/PATCH; die with the first
# issue. Ignored: UNKNOWN_COMMIT_ID (the tree holds one commit, not upstream history) and
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?"), which fires for every new file; the
# series only adds files under drivers/iommu/ and tools/testing/selftests/iommu/, which the
# IOMMU entries of MAINTAINERS already cover (checked by maintainers_cover below).
checkpatch_one() {
	cd "$B/linux-stock"
	out=$(scripts/checkpatch.pl --strict --terse --no-summary --ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES \
		"$ROOT/patches/$1") ||
		die "$(echo "$out" | wc -l) issue(s), first: $(echo "$out" | head -n 1 | sed 's|^.*/patches/||')"
}

stage_checkpatch() {
	if [ -z "$(series_files)" ]; then
		say N/A checkpatch "patches/series is empty"
		return
	fi
	for p in $(series_files); do
		check "checkpatch $p" checkpatch_one "$p"
	done
	check "MAINTAINERS covers the files the series adds" maintainers_cover
}

# maintainers_cover: every file the series adds has a maintainer entry in MAINTAINERS
# (what the ignored FILE_PATH_CHANGES warning asks a human to check).
maintainers_cover() {
	cd "$T"
	for f in $(git diff --name-only --diff-filter=A refs/tags/base "$SERIES"); do
		scripts/get_maintainer.pl --nogit --nogit-fallback --no-email --no-l --subsystem --no-rolestats -f "$f" 2>/dev/null |
			grep -q '^IOMMU' || die "no IOMMU entry of MAINTAINERS covers $f"
	done
}

# BISX: the x86_64 kernel of build/linux-bisect: one O= dir that each commit's build, its KUnit
# boot and the mutants rebuild incrementally. Its config is the patched guest kernel's
# (configs/ + kunit.config), so that the build stage's kernel of build/linux is ccache's.
BISX=$B/obj/bisect-x86_64

# from_bisx DIR: make DIR an O= dir of build/linux-bisect (lib.sh's obj_dir) and, when it is new and
# BISX holds a kernel, start it as a copy of BISX: the same tree, so make rebuilds what its sources
# changed since, and a config change recompiles only what it touches (lib.sh's copy_objdir). For
# the robot, mutant and W=1/sparse tip builds.
from_bisx() {
	obj_dir "$BIS" "$1"
	[ ! -f "$1/.config" ] && [ -f "$BISX/arch/x86/boot/bzImage" ] || return 0
	copy_objdir "$(realpath "$BISX")" "$(realpath "$1")"
	rm -f "$1/wb-at"
}

# has_suite COMMIT: COMMIT has the KUnit suite of the series.
has_suite() {
	git -C "$T" grep -q 'config IOMMU_DMA_POLICY_KUNIT_TEST' "$1" -- drivers/iommu
}

# build_x86 COMMIT: check COMMIT out in build/linux-bisect and build the whole x86_64 kernel, its
# guest programs and initramfs in BISX: with the KUnit suite once COMMIT has it, else with the
# framework alone (kunit-framework.config: the same task_struct, so that each commit recompiles
# only what it changed). BISX/wb-at then names COMMIT.
build_x86() {
	git -C "$BIS" checkout -q --detach "$1"
	rm -f "$BISX/wb-at"
	_ku=framework
	! has_suite "$1" || _ku=1
	SRC=$BIS OBJ=$BISX KARCH=x86_64 VARIANT=patched KCONFIG_DEFAULT=default KUNIT=$_ku sh "$ROOT/scripts/build.sh"
	echo "$1" >"$BISX/wb-at"
}

# build_commit COMMIT OKFILE: build COMMIT in build/linux-bisect: the whole x86_64 kernel
# (build_x86), drivers/iommu/ on arm64 with CONFIG_KUNIT=n (Debian's config: the VISIBLE_IF_KUNIT
# helpers are static there), and s390 (as the robot stage configures it) when COMMIT touches
# s390's files. A commit that touches an arch/ no build covers fails.
build_commit() {
	for a in $(git -C "$T" diff --name-only "$1~1" "$1" | sed -n 's|^arch/\([^/]*\)/.*|\1|p' | sort -u); do
		case $a in x86 | arm64 | s390) ;; *) die "the commit touches arch/$a/, which no per-commit build covers" ;; esac
	done
	build_x86 "$1"
	SRC=$BIS OBJ=$B/obj/bisect-arm64 KARCH=arm64 VARIANT=patched KUNIT=0 TARGETS=drivers/iommu/ \
		sh "$ROOT/scripts/build.sh"
	if git -C "$T" diff --name-only "$1~1" "$1" | grep -q 's390'; then
		ROBOT_AT=$1 robot bisect-s390 s390 S390_IOMMU=y
	fi
	touch "$2"
}

# kunit_boot LOG RESULT: boot the kernel of BISX on intel-iommu with caching mode, the console in
# build/logs/LOG.log, parse.sh's result lines in RESULT. Returns boot.sh's exit code.
kunit_boot() {
	OBJ=$BISX KARCH=x86_64 PLATFORM=intel-iommu PLATFORM_OPTS=caching-mode=on CMDLINE='' CONSOLE='' \
		SCENARIO=$1 sh "$ROOT/scripts/boot.sh" >"$2"
}

# kunit_at COMMIT OKFILE: COMMIT's kernel (built in BISX unless it holds COMMIT already) boots
# without a bad line and its KUnit suite passes: KTAP on the console, read by kunit.py parse.
# Where COMMIT changes drivers/iommu/.kunitconfig or a Kconfig under drivers/iommu/, kunit.py
# config must also take every option of the .kunitconfig, as "kunit.py run
# --kunitconfig=drivers/iommu --arch=x86_64" configures its own kernel.
kunit_at() {
	[ "$(cat "$BISX/wb-at" 2>/dev/null)" = "$1" ] || build_x86 "$1"
	if git -C "$T" diff --name-only "$1~1" "$1" -- drivers/iommu/.kunitconfig 'drivers/iommu/Kconfig*' | grep -q .; then
		rm -rf "$B/obj/kunit-x86_64"
		(cd "$BIS" && python3 -B tools/testing/kunit/kunit.py config --kunitconfig=drivers/iommu --arch=x86_64 \
			--build_dir="$B/obj/kunit-x86_64") >"$2.kunitpy" 2>&1 ||
			die "kunit.py config --kunitconfig=drivers/iommu failed: $(grep -m 1 -i 'error' "$2.kunitpy" || tail -n 1 "$2.kunitpy")"
		echo "kunit.py config --kunitconfig=drivers/iommu: every option took"
	fi
	kunit_boot kunit-at "$2.result" || true
	grep -qx 'status ok' "$2.result" || die "the boot did not complete: $(sed -n 's/^status //p' "$2.result") (log: build/logs/kunit-at.log)"
	! grep -q '^bad ' "$2.result" || die "badness on the console: $(grep '^bad ' "$2.result" | head -n 1 | cut -c5-)"
	k=$(grep '^kunit' "$2.result" | head -n 1)
	case $k in
	"kunit rc=0 "*) ;;
	"kunit none") die "no KTAP on the console (CONFIG_IOMMU_DMA_POLICY_KUNIT_TEST not built in?)" ;;
	*) die "$k; failed: $(sed -n 's/^kunit failed [A-Z]* //p' "$2.result" | paste -sd' ' -)" ;;
	esac
	touch "$2"
	echo "$k"
}

# each_commit: for each commit of the series, "build <patch>" (build_commit) and, once the commit
# has the suite, "KUnit at <patch>" (kunit_at), each unless $C/ok/<build|kunit>-<tree id>-$WB_KEY
# shows that the same tree passed before.
each_commit() {
	[ -d "$BIS" ] || git -C "$T" worktree add -q --detach "$BIS" refs/tags/base
	i=0
	for c in $(commits); do
		i=$((i + 1))
		n=$(patch_name "$c" $i)
		tree=$(git -C "$T" rev-parse "$c^{tree}")
		for k in build kunit; do
			[ $k = build ] || has_suite "$c" || continue
			key=$C/ok/$k-$tree-$WB_KEY
			if [ -f "$key" ]; then
				say PASS "$([ $k = build ] && echo build || echo 'KUnit at') $n (cached)"
			elif [ $k = build ]; then
				check "build $n" build_commit "$c" "$key"
			else
				check "KUnit at $n" kunit_at "$c" "$key"
			fi
		done
	done
}

stage_bisect() {
	no_series "build each patch" && return
	# A new BISX builds the series' tip first: every object then also has a ccache entry made with
	# the tip's config (the suite's), which the build stage's kernel of build/linux finds in direct
	# mode; built from the first commit (the framework's config), the objects that no commit
	# recompiles would be found only by preprocessing them (200 s instead of 50).
	if [ ! -f "$BISX/arch/x86/boot/bzImage" ]; then
		check "build the series' tip first (x86_64, build/obj/bisect-x86_64)" build_x86 "$(git -C "$T" rev-parse "$SERIES")"
	fi
	each_commit
}

# Mutants (tests/mutants/*.patch): small patches to the series' tip, each with a header
#   # Breaks: what it breaks
#   # Killed by: kunit TEST            the KUnit suite must fail, TEST among its failures
#   # Killed by: matrix ROW: TEXT      a boot of matrix row ROW on the mutant kernel must fail,
#                                      with a mismatch line that contains TEXT
#   # Killed by: coverage intel-cm: TEXT   scripts/coverage.sh lazy (intel-iommu,caching-mode=on,
#                                      iommu.strict=0) on the mutant kernel must fail, printing TEXT
# A KUnit mutant rebuilds BISX (incremental: what the mutant and its undoing touched) and boots it
# once, as the bisect stage's KUnit check does; a matrix mutant builds one kernel
# (build/obj/<arch>-mutant-<kconfig>, incremental too) and boots that row.
MUT=$ROOT/tests/mutants

# unmutate: undo the mutant that an interrupted run left applied in build/linux-bisect, if any.
unmutate() {
	[ -f "$C/mutant-applied" ] || return 0
	git -C "$BIS" apply -R "$(cat "$C/mutant-applied")" || die "cannot undo $(cat "$C/mutant-applied") in $BIS"
	rm -f "$C/mutant-applied"
}

# mutant_killed PATCH: apply PATCH to the series' tip in build/linux-bisect, run the check its
# "Killed by:" line names, undo PATCH; pass if that check failed as named, die if it survived.
mutant_killed() {
	by=$(sed -n 's/^# Killed by: //p' "$1")
	if [ -z "$by" ] || ! grep -q '^# Breaks: ' "$1"; then die "$1 has no '# Breaks:' or '# Killed by:' line"; fi
	unmutate
	worktree_at "$SERIES"
	git -C "$BIS" diff --quiet || die "build/linux-bisect has local changes; a mutant needs the series' tip as committed"
	git -C "$BIS" apply "$1" || die "does not apply to the series' tip"
	echo "$1" >"$C/mutant-applied"
	case $by in
	"kunit "*)
		t=${by#kunit }
		rc=0
		rm -f "$BISX/wb-at"
		SRC=$BIS OBJ=$BISX KARCH=x86_64 VARIANT=patched KCONFIG_DEFAULT=default KUNIT=1 sh "$ROOT/scripts/build.sh" || rc=$?
		unmutate
		[ $rc = 0 ] || die "the mutant kernel did not build"
		rc=0
		kunit_boot mutant-kunit "$C/mutant-kunit.result" || rc=$?
		_k=$(grep '^kunit' "$C/mutant-kunit.result" | head -n 1)
		[ $rc != 0 ] || die "survived: the boot passed (${_k:-no kunit line})"
		grep -qx "kunit failed [A-Z]* $t" "$C/mutant-kunit.result" ||
			die "survived: the boot failed, but KUnit not in $t ($(sed -n 's/^status //p' "$C/mutant-kunit.result"), ${_k:-no kunit line}; log: build/logs/mutant-kunit.log)"
		echo "killed by KUnit, failed: $(sed -n 's/^kunit failed [A-Z]* //p' "$C/mutant-kunit.result" | paste -sd' ' -)"
		;;
	"matrix "*)
		r=${by#matrix } && r=${r%%:*} want=${by#*: }
		ak=$(sed 's/[[:space:]]#.*$//' "$ROOT/scenarios/matrix" | awk -v r="$r" '$1 == r { print $2, $3 }')
		[ -n "$ak" ] || { unmutate; die "no row $r in scenarios/matrix"; }
		rc=0
		[ "${ak% *}" != x86_64 ] || from_bisx "$B/obj/x86_64-mutant-${ak#* }"
		KARCH=${ak% *} VARIANT=patched KCONFIG_DEFAULT=${ak#* } SRC=$BIS OBJ=$B/obj/${ak% *}-mutant-${ak#* } SELFTESTS=iommu/iommu_dma_policy \
			sh "$ROOT/scripts/build.sh" || rc=$?
		unmutate
		[ $rc = 0 ] || die "the mutant kernel did not build"
		rc=0
		ONLY=$r AS_PATCHED=mutant RERUN=1 MATRIX_OUT=$C/mutant-matrix.md sh "$ROOT/scripts/matrix.sh" >"$C/mutant-matrix.out" 2>&1 || rc=$?
		[ $rc != 0 ] || die "survived: matrix row $r passed on the mutant kernel"
		grep -F -- "- $r (mutant): " "$C/mutant-matrix.out" | grep -Fq -- "$want" ||
			die "survived: row $r failed, but not with \"$want\": $(grep -F -- "- $r (mutant): " "$C/mutant-matrix.out" | head -n 1)"
		echo "killed by matrix row $r: $(grep -F -- "- $r (mutant): " "$C/mutant-matrix.out" | grep -F -- "$want" | head -n 1)"
		;;
	"coverage "*)
		r=${by#coverage } && r=${r%%:*} want=${by#*: }
		[ "$r" = intel-cm ] || { unmutate; die "Killed by: $by: the coverage check runs on intel-cm only"; }
		rc=0
		from_bisx "$B/obj/x86_64-mutant-default"
		KARCH=x86_64 VARIANT=patched KCONFIG_DEFAULT=default SRC=$BIS OBJ=$B/obj/x86_64-mutant-default SELFTESTS=iommu/iommu_dma_policy \
			sh "$ROOT/scripts/build.sh" || rc=$?
		unmutate
		[ $rc = 0 ] || die "the mutant kernel did not build"
		rc=0
		COVER_OBJ=$B/obj/x86_64-mutant-default COVER_OUT=$C/mutant-coverage sh "$ROOT/scripts/coverage.sh" lazy >"$C/mutant-coverage.out" 2>&1 || rc=$?
		[ $rc != 0 ] || die "survived: the coverage check passed on the mutant kernel: $(grep '^coverage lazy: ' "$C/mutant-coverage.out" | tail -n 1)"
		cat "$C/mutant-coverage.out" "$C/mutant-coverage/lazy.out" 2>/dev/null | grep -Fq -- "$want" ||
			die "survived: the coverage check failed, but without \"$want\": $(grep '^coverage lazy: ' "$C/mutant-coverage.out" | tail -n 1)"
		echo "killed by coverage intel-cm lazy: $(cat "$C/mutant-coverage.out" "$C/mutant-coverage/lazy.out" 2>/dev/null | grep -F -m 1 -- "$want")"
		;;
	*) unmutate; die "Killed by: $by: neither kunit, matrix nor coverage" ;;
	esac
}

stage_mutants() {
	no_series mutants && return
	set -- "$MUT"/*.patch
	[ -f "$1" ] || { say FAIL mutants "no tests/mutants/*.patch"; return; }
	if [ -n "${MUTANTS:-}" ]; then
		for m in $MUTANTS; do [ -f "$MUT/$m.patch" ] || { say FAIL mutants "MUTANTS: no tests/mutants/$m.patch"; return; }; done
		set -- $(for m in $MUTANTS; do echo "$MUT/$m.patch"; done)
	fi
	_k=0 _sv=
	# a kill is cached on the series' tree, the mutant, what its check reads (the matrix, the
	# guest programs, the coverage checker) and WB_KEY
	_key=$(git -C "$T" rev-parse "$SERIES^{tree}")-$(cat "$ROOT/scenarios/matrix" "$ROOT"/guest/*.c \
		"$ROOT"/scripts/coverage*.awk | sha256sum | cut -c1-12)-$WB_KEY
	for m in "$@"; do
		_mn=$(basename "$m" .patch)
		_ok=$C/ok/mutant-$_mn-$(sha256sum <"$m" | cut -c1-12)-$_key
		if [ -f "$_ok" ]; then
			ok=1
			say PASS "mutant $_mn (cached)"
		else
			check "mutant $_mn" mutant_killed "$m"
			[ $ok = 0 ] || cp "$C/mutant_$_mn.log" "$_ok"
		fi
		if [ $ok = 1 ]; then _k=$((_k + 1)); else _sv="$_sv $_mn"; fi
	done
	echo "mutants: $_k killed of $#"
	for m in $_sv; do echo "survivor: $m: $(sed -n 's/^# Breaks: //p' "$MUT/$m.patch")"; done
}

# warnings LOG: print LOG's compiler and sparse warnings (and sparse's errors, which do not stop
# the build) as "path: warning: text" (no line numbers, sorted).
warnings() {
	grep -E ':[0-9]+:[0-9]+: (warning|error):' "$1" |
		sed -E 's|^.*/build/linux[^/]*/||; s|^([.][.]/)+linux[^/]*/||; s|^([.][.]/)+||; s/:[0-9]+:[0-9]+: (warning|error):/: \1:/' | sort -u || true
}

# new_warnings KIND KARCH VAR=VAL: build drivers/iommu/ of the whole series with make's VAR=VAL
# (w1: W=1, sparse: C=1) in build/linux-bisect; fail on a warning in a file the series touches
# that base's build with VAR=VAL (made once, from build/linux-stock) does not have.
new_warnings() {
	base=$C/$1-base-$2-$WB_KEY.warnings
	if [ ! -f "$base" ]; then
		rm -rf "$B/obj/$1-$2-base"
		env SRC="$B/linux-stock" OBJ="$B/obj/$1-$2-base" KARCH="$2" VARIANT=stock KUNIT=0 TARGETS=drivers/iommu/ "$3" \
			sh "$ROOT/scripts/build.sh"
		warnings "$B/logs/build-$1-$2-base.log" >"$base"
	fi
	worktree_at "$SERIES"
	[ "$2" != x86_64 ] || from_bisx "$B/obj/$1-$2"
	touched=$(git -C "$T" diff --name-only refs/tags/base "$SERIES")
	# Recompile the touched files so that their warnings are in this log (C=1 checks only what it compiles).
	for f in $(echo "$touched" | grep '\.c$'); do rm -f "$B/obj/$1-$2/${f%.c}.o"; done
	env SRC="$BIS" OBJ="$B/obj/$1-$2" KARCH="$2" VARIANT=patched KUNIT=1 TARGETS=drivers/iommu/ "$3" sh "$ROOT/scripts/build.sh"
	warnings "$B/logs/build-$1-$2.log" >"$C/$1-$2.warnings"
	comm -13 "$base" "$C/$1-$2.warnings" | grep -F "$(echo "$touched" | sed 's/$/:/')" >"$C/$1-new-$2.warnings" || true
	[ ! -s "$C/$1-new-$2.warnings" ] ||
		die "$(wc -l <"$C/$1-new-$2.warnings") new $3 warning(s) in files of the series, first: $(head -n 1 "$C/$1-new-$2.warnings")"
	echo "$3 $2: no new warning in files of the series (this build: $(wc -l <"$C/$1-$2.warnings"), base's drivers/iommu/: $(wc -l <"$base"))"
}

stage_w1() {
	no_series "W=1 drivers/iommu" && return
	for a in x86_64 arm64; do
		check "W=1 drivers/iommu $a" new_warnings w1 $a W=1
	done
}

# sparse (C=1) on drivers/iommu/ of the whole series, x86_64: nothing that base's sparse run lacks.
stage_sparse() {
	no_series "sparse drivers/iommu" && return
	check "sparse drivers/iommu x86_64" new_warnings sparse x86_64 C=1
}

# kernel_doc TREE FILE...: scripts/kernel-doc -none -Wall (base's copy) on FILEs (at least one)
# of TREE; print its warnings and errors as "path: warning: text" (no line numbers).
kernel_doc() {
	_tr=$1
	shift
	(cd "$_tr" && perl "$B/linux-stock/scripts/kernel-doc" -none -Wall "$@" 2>&1) |
		grep -E ': (warning|error): ' | sed -E 's/^([^:]*):[0-9]+: /\1: /' | sort -u || true
}

# kerneldoc: kernel-doc on every .c/.h file the series touches, at base (build/linux-stock) and at
# the series' tip (build/linux-bisect); fail on a warning line at the tip that base does not have.
kerneldoc() {
	files=$(git -C "$T" diff --name-only --diff-filter=d refs/tags/base "$SERIES" -- '*.c' '*.h')
	[ -n "$files" ] || { echo "the series touches no .c or .h file"; return 0; }
	[ "$(git -C "$B/linux-stock" rev-parse HEAD)" = "$(git -C "$T" rev-parse refs/tags/base)" ] ||
		die "build/linux-stock is not at base (make tree)"
	worktree_at "$SERIES"
	at_base=$(for f in $files; do [ ! -f "$B/linux-stock/$f" ] || echo "$f"; done)
	: >"$C/kerneldoc-base.warnings"
	# shellcheck disable=SC2086
	[ -z "$at_base" ] || kernel_doc "$B/linux-stock" $at_base >"$C/kerneldoc-base.warnings"
	# shellcheck disable=SC2086
	kernel_doc "$BIS" $files >"$C/kerneldoc-tip.warnings"
	comm -13 "$C/kerneldoc-base.warnings" "$C/kerneldoc-tip.warnings" >"$C/kerneldoc-new.warnings"
	[ ! -s "$C/kerneldoc-new.warnings" ] ||
		die "$(wc -l <"$C/kerneldoc-new.warnings") new kernel-doc warning(s) in files of the series, first: $(head -n 1 "$C/kerneldoc-new.warnings")"
	echo "$(echo "$files" | wc -l) files: $(wc -l <"$C/kerneldoc-tip.warnings") kernel-doc warning(s) at the tip (base: $(wc -l <"$C/kerneldoc-base.warnings")), none new"
}

stage_kerneldoc() {
	no_series "kernel-doc" && return
	check "kernel-doc on the files of the series" kerneldoc
}

# boot_check KARCH PLATFORM OPTS: boot the patched kernel and check it: no panic, hang or badness.
boot_check() {
	KARCH=$1 VARIANT=patched KCONFIG_DEFAULT=default PLATFORM=$2 PLATFORM_OPTS=$3 CMDLINE='' CONSOLE='' \
		SCENARIO=check-$1 sh "$ROOT/scripts/boot.sh" >"$C/boot-$1.result" || die "$(sed -n 's/^status //p' "$C/boot-$1.result"): $(grep -E '^(bad|kunit|selftest)' "$C/boot-$1.result" | head -n 1)"
	! grep -q '^bad ' "$C/boot-$1.result" || die "badness on the console: $(grep '^bad ' "$C/boot-$1.result" | head -n 1 | cut -c5-)"
}

# kunit_check KARCH: the KUnit KTAP of the smoke boot passed.
kunit_check() {
	k=$(grep '^kunit' "$C/boot-$1.result" | head -n 1)
	case $k in
	"kunit rc=0 "*) echo "$k" ;;
	"kunit none") die "no KTAP on the console (CONFIG_IOMMU_DMA_POLICY_KUNIT_TEST not built in?)" ;;
	*) die "$k $(grep '^kunit failed' "$C/boot-$1.result" | head -n 3 | cut -c14- | paste -sd' ' -)" ;;
	esac
}

# panic_detected: a real boot panic (no init) must be reported as one by boot.sh.
panic_detected() {
	if KARCH=x86_64 VARIANT=patched KCONFIG_DEFAULT=default PLATFORM=none PLATFORM_OPTS='' CMDLINE=rdinit=/nonexistent \
		CONSOLE='' TIMEOUT=60 SCENARIO=check-panic sh "$ROOT/scripts/boot.sh" >"$C/panic.result"; then
		die "boot.sh passed a kernel that could not find init"
	fi
	grep -qx 'status panic' "$C/panic.result" || die "boot.sh did not report the panic: $(grep '^status' "$C/panic.result")"
}

# up_to_date KARCH: the patched default kernel of KARCH is built, and newer than every file of its
# tree that make would look at (as "make build" would find nothing to do).
up_to_date() {
	arch_vars "$1"
	_i=$B/obj/$1-patched-default/$IMAGE
	[ -f "$_i" ] && [ -z "$(find "$T/drivers" "$T/include" "$T/arch" "$ROOT/configs" -newer "$_i" -type f -print -quit 2>/dev/null)" ]
}

stage_build() {
	for a in x86_64 arm64; do
		check "build $a patched" env KARCH=$a VARIANT=patched KCONFIG_DEFAULT=default sh "$ROOT/scripts/build.sh"
		if [ $ok = 1 ]; then eval "built_$a=1"; fi
	done
}

stage_boot() {
	for a in x86_64:intel-iommu:caching-mode=on arm64:smmuv3:; do
		k=${a%%:*} r=${a#*:}
		if [ -z "$(eval echo "\${built_$k:-}")" ] && ! up_to_date "$k"; then
			say FAIL "boot $k" "no up-to-date patched $k kernel (the build stage did not build it)"
			continue
		fi
		check "boot $k ${r%%:*}" boot_check "$k" "${r%%:*}" "${r#*:}"
		if [ -z "$(commits)" ]; then
			say N/A "kunit $k" "the series has no commits"
		else
			check "kunit $k" kunit_check "$k"
		fi
	done
	if [ -n "${built_x86_64:-}" ] || up_to_date x86_64; then
		check "boot.sh reports a panic" panic_detected
	else
		say FAIL "boot.sh reports a panic" "no up-to-date patched x86_64 kernel (the build stage did not build it)"
	fi
}

# robot NAME KARCH SYM=VAL...: as the kernel test robot would, build drivers/iommu/ (and, on x86,
# arch/x86/kernel/, which parses iommu=pt) of the whole series (ROBOT_AT: of that commit) in
# build/linux-bisect with a config that differs in SYM=VAL (y or n): x86_64 starts from the patched
# guest kernel's .config, s390 from tinyconfig with PCI (which brings s390-iommu.c). Dies if a
# requested value did not take.
robot() {
	name=$1 karch=$2
	shift 2
	o=$B/obj/robot-$name
	case $karch in
	x86_64) a=x86_64 x= tg="drivers/iommu/ arch/x86/kernel/" ;;
	s390) a=s390 x=s390x-linux-gnu- tg=drivers/iommu/ ;;
	esac
	command -v "${x}gcc" >/dev/null || die "no ${x}gcc (Debian package gcc-s390x-linux-gnu)"
	at=${ROBOT_AT:-$SERIES}
	worktree_at "$at"
	obj_dir "$BIS" "$o"
	km() { nice make -C "$BIS" O="$o" ARCH=$a CROSS_COMPILE=$x CC="$ROOT/scripts/cc.sh ${x}gcc" HOSTCC="$ROOT/scripts/cc.sh gcc" -j"$(nproc)" "$@"; }
	if [ $karch = x86_64 ]; then
		# from a copy of BISX: only what the config change touches is recompiled, and the series'
		# own files anyway, for their warnings
		from_bisx "$o"
		for f in $(git -C "$T" diff --name-only refs/tags/base "$at" -- '*.c'); do rm -f "$o/${f%.c}.o"; done
		cp "$B/obj/x86_64-patched-default/.config" "$o/.config"
	else
		km tinyconfig >"$o/wb-config.log" 2>&1 || die "s390 tinyconfig failed ($o/wb-config.log)"
		set -- PCI=y "$@"
	fi
	for e in "$@"; do
		case ${e#*=} in y) "$BIS/scripts/config" --file "$o/.config" -e "${e%%=*}" ;; n) "$BIS/scripts/config" --file "$o/.config" -d "${e%%=*}" ;; esac
	done
	km olddefconfig >>"$o/wb-config.log" 2>&1 || die "olddefconfig failed ($o/wb-config.log)"
	for e in "$@"; do
		got=$(sed -n "s/^CONFIG_${e%%=*}=//p" "$o/.config")
		[ "${got:-n}" = "${e#*=}" ] || die "CONFIG_${e%%=*}=${e#*=} did not take (got ${got:-n})"
	done
	# shellcheck disable=SC2086
	km $tg >"$o/wb-build.log" 2>&1 || die "build failed: $(grep -m1 -E 'error:|undefined reference' "$o/wb-build.log")"
	grep -E ':[0-9]+:[0-9]+: warning:' "$o/wb-build.log" | grep -F "$(git -C "$T" diff --name-only refs/tags/base "$at" -- '*.c' '*.h')" &&
		die "warnings in files of the series (log: $o/wb-build.log)"
	echo "built $tg with $*"
}

stage_robot() {
	no_series "robot configs" && return
	if [ -z "${built_x86_64:-}" ] && ! up_to_date x86_64; then
		say FAIL "robot configs" "no up-to-date x86_64 patched kernel, whose .config the robot builds start from"
	else
		check "robot x86_64 INTEL_IOMMU=n" robot no-intel x86_64 INTEL_IOMMU=n AMD_IOMMU=y
		check "robot x86_64 AMD_IOMMU=n" robot no-amd x86_64 AMD_IOMMU=n INTEL_IOMMU=y
		check "robot x86_64 IOMMU_SUPPORT=n" robot no-iommu x86_64 IOMMU_SUPPORT=n
		# the VISIBLE_IF_KUNIT helpers are static without KUnit: they must build (unused) there too
		check "robot x86_64 KUNIT=n" robot no-kunit x86_64 KUNIT=n
	fi
	check "robot s390 S390_IOMMU=y" robot s390 s390 S390_IOMMU=y
}

# fixture LOG: parse.sh output on a saved console log equals LOG's .expected file.
fixture() {
	cd "$ROOT"
	sh scripts/parse.sh "tests/fixtures/$1" >"$C/$1.out" || true
	diff -u "tests/fixtures/${1%.log}.expected" "$C/$1.out" || die "parse.sh output differs from tests/fixtures/${1%.log}.expected"
}

stage_parser() {
	for f in "$ROOT"/tests/fixtures/*.log; do
		check "parse $(basename "$f")" fixture "$(basename "$f")"
	done
}

# matrix_flip KIND: copy scenarios/matrix with one field of every scenario flipped and report from
# the saved logs (NOBOOT=1): each scenario must be named with the very mismatch that the flip
# causes, not just any (a missing log is not enough). Proof that no expectation in the matrix is
# one that cannot fail. KIND, the field and the mismatch line that must appear:
#   stock, patched  the outcome (6, 7): DMA -> DMA-FQ -> identity -> DMA, none -> DMA;
#                   "<name> (<kind>): virtio-blk group type <as expected>, expected <flipped>"
#   log             each key of the log field (8) negated, key <-> !key; per key
#                   "<name> (patched): log: <flipped key> missing|present"
#   selftest        the stock selftest (9): fail -> ok, else -> fail;
#                   "<name> (stock): selftest <prog>: <pass|skip|fail>, expected <flipped>"
matrix_flip() {
	case $1 in stock) col=6 ;; patched) col=7 ;; log) col=8 ;; selftest) col=9 ;; esac
	f=$C/matrix-flipped-$1
	awk -v c="$col" -v k="$1" '/^[a-z0-9]/ {
		if (k == "log") {
			n = split($c, a, ","); v = ""
			for (i = 1; i <= n; i++) v = v (i > 1 ? "," : "") (a[i] ~ /^!/ ? substr(a[i], 2) : "!" a[i])
			if ($c != "-") $c = v
		} else if (k == "selftest") $c = $c == "fail" ? "ok" : "fail"
		else $c = $c == "DMA" ? "DMA-FQ" : $c == "DMA-FQ" ? "identity" : "DMA"
	} { print }' "$ROOT/scenarios/matrix" >"$f"
	if MATRIX=$f MATRIX_OUT=$f.md NOBOOT=1 sh "$ROOT/scripts/matrix.sh" >"$f.out" 2>&1; then
		die "matrix.sh passed with every $1 expectation flipped"
	fi
	# The mismatch lines that must appear, as "name|beginning|further text" (fixed strings).
	awk -v c="$col" -v k="$1" 'NR == FNR { if (/^[a-z0-9]/) was[$1] = $c; next }
	/^[a-z0-9]/ {
		if (k == "log") {
			n = split($c, a, ",")
			for (i = 1; i <= n; i++) if (a[i] != "-")
				print $1 "|- " $1 " (patched): log: " a[i] (a[i] ~ /^!/ ? " present " : " missing ") "|"
		} else if (k == "selftest") print $1 "|- " $1 " (stock): selftest iommu_dma_policy: |, expected " $c " (log:"
		else print $1 "|- " $1 " (" k "): virtio-blk group type " was[$1] ", expected " $c " (log:|"
	}' "$ROOT/scenarios/matrix" "$f" >"$f.want"
	missed=$(while IFS='|' read -r n a b; do
		grep -F -- "$a" "$f.out" | grep -Fq -- "$b" || echo "$n"
	done <"$f.want" | sort -u)
	[ -z "$missed" ] || die "a flipped $1 expectation went unnoticed in: $(echo $missed) (wanted: $f.want)"
	echo "all $(wc -l <"$f.want") flipped $1 expectations of $(cut -d'|' -f1 "$f.want" | sort -u | wc -l) scenarios caught"
}

stage_matrix() {
	if [ -f "$ROOT/scenarios/matrix" ]; then
		check matrix sh "$ROOT/scripts/matrix.sh"
		# The flips prove that each expectation can fail: only on a matrix that passed.
		if [ $ok = 0 ]; then
			say SKIP "matrix flips" "the matrix failed"
			return
		fi
		check "matrix catches every flipped stock expectation" matrix_flip stock
		if [ -n "$(commits)" ]; then
			check "matrix catches every flipped patched expectation" matrix_flip patched
			check "matrix catches every flipped patched log expectation" matrix_flip log
		fi
		if [ -f "$T/tools/testing/selftests/iommu/iommu_dma_policy.c" ]; then
			check "matrix catches every flipped stock selftest expectation" matrix_flip selftest
		fi
	else
		say FAIL matrix "no scenarios/matrix"
	fi
}

# >>> bench smoke test (scripts/bench.sh, "make bench QUICK=1"): every number is produced; no timing
# is asserted. Then three broken inputs, each of which must make it fail naming the cause.
# bench_must_fail NAME PATTERN VAR=VALUE...: the quick bench of intel-cm strict alone, with the
# variables set, must fail, its last "error:" line containing PATTERN (output: $C/bench-NAME.out).
bench_must_fail() {
	_o=$C/bench-$1 _p=$2
	shift 2
	if env "$@" BENCH_OUT="$_o" BENCH_MODES=strict sh "$ROOT/scripts/bench.sh" --quick >"$_o.out" 2>&1; then
		die "bench.sh passed with $*"
	fi
	_e=$(grep '^error: ' "$_o.out" | tail -n 1)
	case $_e in
	*"$_p"*) echo "failed as it must: ${_e#error: }" ;;
	*) die "bench.sh with $* did not report: $_p; its last error: ${_e:-none} ($_o.out)" ;;
	esac
}

stage_bench() {
	if [ -z "${built_x86_64:-}" ] && ! up_to_date x86_64; then
		say FAIL "bench smoke" "no up-to-date x86_64 patched kernel (the build stage did not build it)"
		return
	fi
	# cached on the kernel, the guest's programs, the plugin, the tables' awk, the BENCH_* variables and WB_KEY
	_ok=$C/ok/bench-$({ cat "$B/obj/x86_64-patched-default/arch/x86/boot/bzImage" "$B/obj/x86_64-patched-default/initramfs.cpio" \
		"$ROOT"/guest/*.c "$ROOT"/scripts/bench-plugin.c "$ROOT"/scripts/bench-stats.awk "$ROOT"/scripts/bench.gp
		env | grep '^BENCH_' | sort; } | sha256sum | cut -c1-16)-$WB_KEY
	if [ -f "$_ok" ]; then
		say PASS "bench smoke and its five failures (cached)"
		return
	fi
	_f=$nfail
	check "bench smoke" sh "$ROOT/scripts/bench.sh" --quick
	check "bench fails on a refused trace event" bench_must_fail refused \
		'trace-event vtd_no_such_event refused by QEMU: unknown event "vtd_no_such_event"' BENCH_EXTRA_EVENTS=vtd_no_such_event
	check "bench fails on a strict run without invalidations" bench_must_fail zero \
		'a strict translated run counted 0 invalidations' 'BENCH_MODE_ROWS=strict|patched|iommu.passthrough=1'
	check "bench fails on a workload's nonzero exit" bench_must_fail failrc 'rand exited 1' BENCH_CMDLINE=wb.failrc=rand
	check "bench fails when the guest's and QEMU's counts disagree" bench_must_fail gskew \
		'guest and QEMU disagree on page-selective invalidations' BENCH_CMDLINE=wb.gskew=1
	check "bench fails when a guest-side kprobe does not register" bench_must_fail gtsym \
		"no guest-side counts (guest/bench.c: gtrace: /sys/kernel/tracing/kprobe_events <- 'p:wb/wbfa wb_no_such_function'" \
		BENCH_CMDLINE=wb.gtsym=wb_no_such_function
	[ "$nfail" != "$_f" ] || touch "$_ok"
}
# <<< bench smoke test

# >>> coverage check (scripts/coverage.sh, README.md "Coverage check"): on intel-iommu with
# caching mode, the patched kernel's strict and lazy boots must pass; each saved case of
# tests/fixtures/coverage/cases must give its result (a real trace passes, the same with one
# descriptor removed fails with VIOLATION, removed from QEMU's side only with MISMATCH).
# coverage_case NAME CONSOLE QEMUTRACE WANT: the check on the saved files; WANT "pass" or a text
# its failure must print.
coverage_case() {
	_d=$C/coverage-fixtures _o=$C/coverage-$1.out _rc=0
	sh "$ROOT/scripts/coverage.sh" --check "$_d/$2" "$_d/$3" >"$_o" 2>&1 || _rc=$?
	if [ "$4" = pass ]; then
		[ $_rc = 0 ] || die "failed, but must pass: $(tail -n 1 "$_o") ($_o)"
		tail -n 1 "$_o"
	else
		[ $_rc != 0 ] || die "passed, but must fail with: $4 ($_o)"
		grep -Fq -- "$4" "$_o" || die "failed, but without \"$4\": $(tail -n 1 "$_o") ($_o)"
		echo "failed as it must: $(grep -F -m 1 -- "$4" "$_o")"
	fi
}

# coverage_fixtures: the saved real inputs into $C/coverage-fixtures, and the broken ones made from
# them (tests/fixtures/coverage/README.md): a descriptor removed, a console line garbled.
coverage_fixtures() {
	_d=$C/coverage-fixtures
	rm -rf "$_d" && mkdir -p "$_d" && cp "$ROOT"/tests/fixtures/coverage/*.console "$ROOT"/tests/fixtures/coverage/*.qemu "$_d/"
	for _b in lazy-ps lazy-v2; do
		awk -v drop=26 -v from=both -v out="$_d/$_b-drop26" -f "$ROOT/scripts/coverage-doctor.awk" \
			"$_d/$_b.console" "$_d/$_b.qemu" || die "coverage-doctor.awk failed on $_b"
	done
	awk '/^@@ C 21 U /{ $0 = $0 "[    4.013435] random: crng init done" } 1' "$_d/lazy-ps.console" \
		>"$_d/lazy-ps-garbled.console" || die "cannot garble lazy-ps.console"
	echo "lazy-ps-drop26, lazy-v2-drop26 (event 26 removed), lazy-ps-garbled"
}

stage_coverage() {
	if [ -z "${built_x86_64:-}" ] && ! up_to_date x86_64; then
		say FAIL "coverage intel-cm" "no up-to-date x86_64 patched kernel (the build stage did not build it)"
		return
	fi
	# cached on the kernel, the guest's programs, the checker, the fixtures and WB_KEY
	_ok=$C/ok/coverage-$(cat "$B/obj/x86_64-patched-default/arch/x86/boot/bzImage" "$ROOT"/guest/*.c "$ROOT"/scripts/coverage*.awk \
		"$ROOT"/tests/fixtures/coverage/* | sha256sum | cut -c1-16)-$WB_KEY
	if [ -f "$_ok" ]; then
		say PASS "coverage intel-cm strict and lazy, and its fixtures (cached)"
		return
	fi
	_f=$nfail
	check "coverage intel-cm strict and lazy (patched)" sh "$ROOT/scripts/coverage.sh" strict lazy
	check "coverage fixtures: the broken inputs made from the real ones" coverage_fixtures
	while IFS='|' read -r _n _c _q _w <&3; do
		case $_n in '' | '#'*) continue ;; esac
		check "coverage fixture $_n: $([ "$_w" = pass ] && echo pass || echo "fails: ${_w%%:*}")" coverage_case "$_n" "$_c" "$_q" "$_w"
	done 3<"$ROOT/tests/fixtures/coverage/cases"
	[ "$nfail" != "$_f" ] || touch "$_ok"
}
# <<< coverage check

ALL_STAGES="tree parser checkpatch kerneldoc bisect w1 sparse build robot boot matrix mutants bench coverage"
for s in ${STAGES:-$ALL_STAGES}; do
	printf ' %s ' "$ALL_STAGES" | grep -q " $s " || die "STAGES: unknown stage $s (stages: $ALL_STAGES)"
done
REQ=" ${STAGES:-$ALL_STAGES} "
# requested STAGE...: one of the STAGEs is to run.
requested() {
	for _w; do case $REQ in *" $_w "*) return 0 ;; esac; done
	return 1
}
# bg_arm64: when the build stage is to run, start its arm64 kernel now, in the background, at the
# lowest priority (nice 19 for make), its output in build/logs/check/build_arm64_background.log. It
# takes the CPU time that the stages before leave idle (links, boots, perl: a cold make check kept
# 1.55 of the 2 CPUs busy); "build arm64 patched" waits for it (build.sh's lock on the objdir) and
# then has nothing left to build, or builds again and reports the failure itself.
bg_arm64() {
	[ -z "${bg_pid:-}" ] && requested build && [ -f "$T/Makefile" ] || return 0
	log check "the arm64 kernel builds in the background (log: $C/build_arm64_background.log)"
	KARCH=arm64 VARIANT=patched KCONFIG_DEFAULT=default WB_PROGRESS_FD=2 \
		nice -n 9 sh "$ROOT/scripts/build.sh" >"$C/build_arm64_background.log" 2>&1 &
	bg_pid=$!
}
# Two lanes after the build stage: boot, matrix, bench and coverage (LANE2: they build and boot
# from build/linux and build/linux-stock) run in a background shell beside robot and mutants
# (which build in build/linux-bisect), when stages of both are requested. robot and mutants keep
# about one CPU busy (a mutant's relink and boot are one thread), bench and coverage one (a TCG
# guest). LANE2's lines follow those of robot and mutants, and its counts are added; its builds'
# progress is in build/logs/check/lane2.progress.
LANE2="boot matrix bench coverage"
# lane2_start: run the requested stages of LANE2 in the background; set lane2_pid.
lane2_start() {
	_l2=$(for t in $LANE2; do if requested "$t"; then case $ran in *" $t "*) ;; *) echo "$t" ;; esac; fi; done)
	[ -n "$_l2" ] || return 0
	log check "$(echo $_l2) run beside robot and mutants: their lines come after those of robot and mutants"
	rm -f "$C/lane2.counts"
	(
		exec 7>"$C/lane2.progress"
		npass=0 nfail=0 nskip=0 times=
		for t in $_l2; do stage "$t" "stage_$t"; done
		echo "$npass $nfail $nskip$times" >"$C/lane2.counts"
	) >"$C/lane2.out" &
	lane2_pid=$!
}
lane2_pid='' ran=' '
# an interrupted or failed make check stops what it started in the background
trap 'kill ${lane2_pid:-} ${bg_pid:-} 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for s in ${STAGES:-$ALL_STAGES}; do
	[ "$s" = tree ] || bg_arm64
	case " $LANE2 " in *" $s "*) [ -z "$lane2_pid" ] || continue ;; esac
	stage "$s" "stage_$s"
	ran="$ran$s "
	if [ "$s" = build ] && requested robot mutants; then lane2_start; fi
done
if [ -n "$lane2_pid" ]; then
	wait "$lane2_pid" || true
	cat "$C/lane2.out"
	if read -r _p _f _s _t <"$C/lane2.counts"; then
		npass=$((npass + _p)) nfail=$((nfail + _f)) nskip=$((nskip + _s)) times="$times $_t"
	else
		say FAIL "$(echo $LANE2)" "their lane ended before it counted its checks (output: $C/lane2.out)"
	fi
fi
[ -z "${bg_pid:-}" ] || wait "$bg_pid" || true
echo "time:${times%,} (total $(($(date +%s) - WB_T0))s)"
# where the build time went: this run's kernel builds (scripts/build.sh's lines), the longest first
if [ -f "$B/logs/builds.log" ]; then
	awk -v t0="$WB_T0" '$1 >= t0 { $1 = ""; print "build:" $0 }' "$B/logs/builds.log" | sort -t' ' -k5 -rn | head -n 12
	awk -v t0="$WB_T0" '$1 >= t0 { n++; s += $5 } END { if (n) print "builds: " n " in this run, " s "s in all" }' "$B/logs/builds.log"
fi
if [ "$nskip" -gt 0 ]; then echo "$npass passed, $nfail failed, $nskip skipped"; else echo "$npass passed, $nfail failed"; fi
[ "$nfail" = 0 ]
