#!/bin/sh
# The one place that parses a console log: scripts/parse.sh LOG
# Prints the result lines documented in README.md ("Result lines"). Exit 0 when the
# guest reached "@@ DONE" without a panic and every KTAP document passed, 1 otherwise.
# KTAP (KUnit, and each selftest's TAP) goes through the tree's own
# tools/testing/kunit/kunit.py parse (KUNIT_TREE, default build/linux-stock).
set -eu
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] && [ -f "$1" ] || die "usage: scripts/parse.sh LOG"
LOG=$1
KUNIT_TREE=${KUNIT_TREE:-$B/linux-stock}

# Badness: one pattern list, then the exclusions (model: rcutorture console-badness.sh).
# Lockdep reports start with "WARNING:" or "BUG:" (and "INFO: trying to register non-static key");
# RCU stalls: normal, expedited and RCU-tasks ("detected stalls", "detected expedited stalls").
BAD='Kernel panic|BUG:|WARNING:|Oops|Call Trace:|general protection fault|Unable to handle kernel|kernel BUG|UBSAN:|KASAN:|detected (expedited )?stalls|self-detected stall|soft lockup|hung_task|blocked for more than [0-9]+ seconds|rcu_.*kthread starved|INFO: trying to register non-static key|^qemu-system-[a-z0-9_]*:'
NOT_BAD='Warning: unable to open an initial console|This means that this is a DEBUG kernel|^qemu-system-[a-z0-9_]*: terminating on signal'
# Boot log lines of the policy ("policy-log"), one pattern list, stock and series v2:
#   the core's lines, "iommu: " at the start: the two global lines ("Default domain type: ...",
#     "DMA domain TLB invalidation policy: ..."), v2's per-instance lines ("iommu: dmar0: strict
#     invalidation (...)..." / "lazy invalidation (...) despite ...") and malformed values
#     ("iommu: iommu.strict=banana: not a boolean, ignored");
#   the generic "Malformed early option 'iommu.strict'" (stock and v2);
#   "<driver> <dev>: iova flush queue initialization failed[, falling back to strict mode]";
#   the drivers' strict and deprecated-option lines (stock; v2 drops the first two).
POLICY_LOG='^(\[ *[0-9.]*\] )?iommu: |Malformed early option .iommu|iova flush queue initialization failed|IOMMU batching disallowed due to virtualization|Using strict mode due to virtualization|fullflush deprecated|strict deprecated|batched IOTLB flush'

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
tr -d '\r' <"$LOG" >"$TMP/log"

# ktap PREFIX FILE: print "PREFIX rc=<0|1> <kunit.py summary>" and "PREFIX failed <STATUS> <test>" per failure.
ktap() {
	_rc=0
	python3 -B "$KUNIT_TREE/tools/testing/kunit/kunit.py" parse "$2" >"$TMP/kp" 2>&1 || _rc=1
	sed 's/^\[[0-9:]*\] //' "$TMP/kp" >"$TMP/kp2"
	echo "$1 rc=$_rc $(grep '^Testing complete' "$TMP/kp2" | sed 's/^Testing complete\. //')"
	sed -n "s/^\[\(FAILED\|CRASHED\|ERROR\)\] */$1 failed \1 /p" "$TMP/kp2"
	return $_rc
}

status=ok
if grep -q 'Kernel panic - not syncing' "$TMP/log"; then
	status=panic
elif grep -q '^wb: timeout' "$TMP/log"; then
	status=timeout
elif grep -q '^wb: qemu rc=[1-9]' "$TMP/log"; then
	status=qemu-error
elif ! grep -q '^@@ DONE' "$TMP/log"; then
	status=incomplete
fi
echo "log $LOG"
echo "status $status"
sed -n 's/^@@ CMDLINE /cmdline /p' "$TMP/log"
types=$(sed -n 's/^@@ GROUP [0-9]* type=\([^ ]*\).*/\1/p' "$TMP/log" | sort -u | paste -sd, -)
echo "types ${types:-none}"
# Consoles of the old init (saved fixtures) also have "@@ POLICY ..." lines and a type_by= field
# in "@@ GROUP": both dropped, so that old and new consoles give the same result lines.
# "@@ SETTYPE" (init's wb.settype= hook, before the groups are reported) keeps its place, and so
# does "@@ FQFAIL" (the wb.fqfail hook: its attempts and result).
sed -n 's/^@@ \(GROUP [0-9]\)/\1/p; s/^@@ DEVICE /device /p; s/^@@ IOMMU /iommu /p; s/^@@ SETTYPE /settype /p; s/^@@ FQFAIL /fqfail /p' "$TMP/log" |
	sed 's/^GROUP/group/; s/^\(group [0-9]* type=[^ ]*\) type_by=[^ ]*/\1/'
grep -E "$POLICY_LOG" "$TMP/log" | grep -v '^@@' | sed 's/^\[ *[0-9.]*\] //; s/^/policy-log /' || true

fail=0
[ "$status" = ok ] || fail=1
# KUnit: the console without the selftest sections.
sed '/^@@ SELFTEST .* begin$/,/^@@ SELFTEST .* end rc=/d' "$TMP/log" >"$TMP/kunit"
if grep -q 'KTAP version\|TAP version' "$TMP/kunit"; then
	ktap kunit "$TMP/kunit" || fail=1
else
	echo "kunit none"
fi
for t in $(sed -n 's/^@@ SELFTEST \([^ ]*\) begin$/\1/p' "$TMP/log"); do
	sed -n "/^@@ SELFTEST $t begin\$/,/^@@ SELFTEST $t end rc=/p" "$TMP/log" >"$TMP/st"
	rc=$(sed -n "s/^@@ SELFTEST $t end rc=//p" "$TMP/st")
	ktap "selftest $t exit=${rc:-none}" "$TMP/st" || fail=1
	[ "${rc:-x}" = 0 ] || fail=1
done
grep -E "$BAD" "$TMP/log" | grep -Ev "$NOT_BAD" | sed 's/^/bad /' || true
exit $fail
