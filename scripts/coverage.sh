#!/bin/sh
# The coverage check (README.md, "Coverage check"): on intel-iommu with caching-mode=on, every
# page unmapped must be invalidated after its unmap and before its IOVA is mapped again.
#   scripts/coverage.sh [MODE...]           boot each mode once and check it (default: strict lazy)
#   scripts/coverage.sh --check CONSOLE TRACE   check a saved console and QEMU trace only
# One boot per mode: guest/bench.c with wb.cover=1 runs the bench's reads (ioload 4 KiB random
# and 1 MiB sequential O_DIRECT reads of the virtio-blk disk, COVER_SECS seconds each, at most
# COVER_OPS reads each if set) with tracefs recording iommu:map, iommu:unmap, intel_iommu:qi_submit
# and the markers in one buffer, and dumps it on the console; QEMU traces the invalidation
# descriptors it received and the markers (-trace from the start). scripts/coverage.awk then
# checks both. Modes (name|variant|kernel parameters|group type the disk must get):
# strict, lazy (the patched kernel; lazy is page-selective with series 2), strict-v2, lazy-v2
# (series v2 alone: lazy flushes the whole domain), default, default-v2.
# Environment: COVER_OBJ (the kernel's O= directory instead of the mode's variant's, e.g. a
# mutant's), COVER_OUT (output directory, default build/coverage), COVER_SECS (1), COVER_OPS,
# COVER_TIMEOUT (300 s per boot).
# Output: COVER_OUT/<mode>.{log,trace,cmd,out}; one line per mode: "coverage <mode>: pass: ..."
# or "coverage <mode>: FAIL: ..."; exit 1 if any failed (last line "error: coverage: ...").
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

if [ "${1:-}" = --check ]; then
	[ $# = 3 ] || die "usage: scripts/coverage.sh --check CONSOLE QEMUTRACE"
	exec awk -f "$ROOT/scripts/coverage.awk" "$2" "$3"
fi

OUT=${COVER_OUT:-$B/coverage} SECS=${COVER_SECS:-1}
CMODES='strict|patched|iommu.passthrough=0 iommu.strict=1|DMA
lazy|patched|iommu.passthrough=0 iommu.strict=0|DMA-FQ
strict-v2|v2|iommu.passthrough=0 iommu.strict=1|DMA
lazy-v2|v2|iommu.passthrough=0 iommu.strict=0|DMA-FQ
default|patched||
default-v2|v2||'
EVENTS="pci_cfg_write vtd_inv_desc_iotlb_global vtd_inv_desc_iotlb_domain vtd_inv_desc_iotlb_pages vtd_inv_desc_iotlb_pasid vtd_inv_desc_iotlb_pasid_pages vtd_inv_qi_tail"
mkdir -p "$OUT"
arch_vars x86_64
# the bench's initramfs (guest/bench.c and the read load), built into $OUT/guest/
BENCH_OUT=$OUT sh "$ROOT/scripts/bench.sh" --guest x86_64
WORK=$(mktemp -d /dev/shm/wb-cover.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
truncate -s 64M "$WORK/disk.img"

# cover MODE: boot MODE once; print its result line; return 1 if it failed.
cover() {
	_row=$(printf '%s\n' "$CMODES" | grep -m 1 "^$1|") || { echo "coverage $1: FAIL: unknown mode (modes: $(printf '%s\n' "$CMODES" | cut -d'|' -f1 | paste -sd' ' -))"; return 1; }
	IFS='|' read -r _m _var _cmd _want <<EOF
$_row
EOF
	_obj=${COVER_OBJ:-$B/obj/x86_64-$_var-default}
	if [ ! -f "$_obj/$IMAGE" ]; then
		echo "coverage $1: FAIL: no kernel $_obj/$IMAGE"
		return 1
	fi
	# a copy, so that a kernel rebuilt meanwhile does not change this boot
	cp "$_obj/$IMAGE" "$WORK/bzImage"
	_log=$OUT/$1.log _tr=$OUT/$1.trace
	rm -f "$_tr"
	_ev=
	for _e in $EVENTS; do _ev="$_ev -trace $_e"; done
	PLATFORM_OPTS=caching-mode=on QEMU_EXTRA="-msg timestamp=off -D $_tr$_ev" \
		qemu_cmd x86_64 intel-iommu "$WORK/bzImage" "$OUT/guest/x86_64/initramfs.cpio" \
		"$_cmd${_cmd:+ }wb.bench=run wb.cover=1 wb.secs=$SECS${COVER_OPS:+ wb.ops=$COVER_OPS}" "$WORK/disk.img" >"$OUT/$1.cmd"
	_rc=0
	timeout -k 5 "${COVER_TIMEOUT:-300}" sh "$OUT/$1.cmd" </dev/null >"$_log" 2>&1 || _rc=$?
	echo "wb: qemu rc=$_rc" >>"$_log"
	# the disk's group type (virtio-blk 1af4:1042), and the runs' exit statuses
	_type=$(tr -d '\r' <"$_log" | awk '/^@@ DEVICE / && $4 ~ /^id=1af4:10(42|01)$/ { g = $6; sub(/^group=/, "", g) }
		/^@@ GROUP / { t[$3] = $4 } END { s = t[g]; sub(/^type=/, "", s); print s == "" ? "-" : s }')
	_bad=
	[ "$_rc" = 0 ] || _bad="QEMU exited $_rc$([ "$_rc" = 124 ] && echo " (timeout)")"
	for _w in rand seq; do
		tr -d '\r' <"$_log" | grep -q "^@@ BENCH rc $_w 0 0$" || _bad="${_bad:+$_bad; }$_w did not exit 0 ($(tr -d '\r' <"$_log" | grep "^@@ BENCH rc $_w 0 " || echo 'no exit status'))"
	done
	[ -z "$_want" ] || [ "$_type" = "$_want" ] || _bad="${_bad:+$_bad; }the disk's group is $_type, not $_want"
	_r=0
	awk -f "$ROOT/scripts/coverage.awk" "$_log" "$_tr" >"$OUT/$1.out" 2>&1 || _r=1
	_res=$(tail -n 1 "$OUT/$1.out")
	if [ -n "$_bad" ]; then
		echo "coverage $1: FAIL: $_bad (console: $_log)"
		return 1
	fi
	grep -v '^coverage: \(pass\|FAIL\)' "$OUT/$1.out" | head -n 5 | sed "s/^/coverage $1: /"
	echo "coverage $1: ${_res#coverage: } (type $_type; $OUT/$1.out)"
	return $_r
}

fail=
for m in ${*:-strict lazy}; do
	cover "$m" || fail="$fail $m"
done
[ -z "$fail" ] || die "coverage: FAIL:$fail (see $OUT/)"
