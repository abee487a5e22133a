#!/bin/sh
# make bench [QUICK=1]: what each DMA domain mode costs (README.md, "Benchmark").
#   scripts/bench.sh [--quick]
# For each platform below and each mode (strict, lazy, passthrough forced on the command line
# of the patched kernel; the stock and the patched kernel's own default), one boot runs
# guest/bench.c: dma_map_benchmark 4 KiB and 64 KiB, ioload 4 KiB random and 1 MiB
# sequential O_DIRECT reads from a virtio-blk disk (iommu_platform=on) backed by a file in
# /dev/shm; BENCH_REPS timed runs of BENCH_SECS seconds each, untraced; then a counted pass
# (each workload once, 1 s) for which QEMU's monitor turns on the platform's invalidation trace
# events; the guest's markers (edu config writes, traced as pci_cfg_write) cut the trace per
# run. Kernels are built only when missing.
# Output: build/bench/ (--quick: build/bench/quick/): bench.md (tables + summary lines),
#   bench.png (chart), bench.dat, raw/<platform>-<mode>.txt (parsed runs and counts),
#   logs/<platform>-<mode>.{log,cmd} (console, QEMU command).
# Exit 1 if any number is missing (a boot failed, a run failed, a marker was not traced).
# Environment: BENCH_SECS (2; quick 1), BENCH_REPS (3; quick 1), BENCH_PLATFORMS, BENCH_MODES
#   (subsets by name), BENCH_TIMEOUT (seconds per boot, default computed), BENCH_BUILD=0 (do not
#   build missing kernels: forced modes then run on the stock kernel, defaults are MISSING).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

QUICK=${QUICK:-0}
[ "${1:-}" = --quick ] && QUICK=1
if [ "$QUICK" = 1 ]; then
	OUT=$B/bench/quick SECS=${BENCH_SECS:-1} REPS=${BENCH_REPS:-1}
	PLATS=${BENCH_PLATFORMS:-intel-cm} MODES=${BENCH_MODES:-passthrough strict lazy}
else
	OUT=$B/bench SECS=${BENCH_SECS:-2} REPS=${BENCH_REPS:-3}
	PLATS=${BENCH_PLATFORMS:-intel intel-cm amd virtio smmuv3}
	MODES=${BENCH_MODES:-passthrough strict lazy default-stock default-patched}
fi

# Platforms: name|KARCH|PLATFORM (row of qemu.sh)|PLATFORM_OPTS|trace events
BPLATFORMS='intel|x86_64|intel-iommu||vtd_inv_desc_iotlb_pages vtd_inv_desc_iotlb_domain vtd_inv_desc_iotlb_global vtd_inv_desc_iotlb_pasid_pages vtd_inv_desc_iotlb_pasid vtd_inv_qi_tail
intel-cm|x86_64|intel-iommu|caching-mode=on|vtd_inv_desc_iotlb_pages vtd_inv_desc_iotlb_domain vtd_inv_desc_iotlb_global vtd_inv_desc_iotlb_pasid_pages vtd_inv_desc_iotlb_pasid vtd_inv_qi_tail
amd|x86_64|amd-iommu||amdvi_pages_inval amdvi_all_inval amdvi_mmio_read amdvi_mmio_write
virtio|x86_64|virtio-iommu||virtio_iommu_unmap virtio_iommu_map
smmuv3|arm64|smmuv3||smmuv3_cmdq_opcode'
# Modes: name|VARIANT|kernel parameters (strict-stock and lazy-stock: the same request to the
# stock kernel, run only when named in BENCH_MODES)
BMODES='passthrough|patched|iommu.passthrough=1
strict|patched|iommu.passthrough=0 iommu.strict=1
lazy|patched|iommu.passthrough=0 iommu.strict=0
default-stock|stock|
default-patched|patched|
strict-stock|stock|iommu.passthrough=0 iommu.strict=1
lazy-stock|stock|iommu.passthrough=0 iommu.strict=0'

mkdir -p "$OUT/raw" "$OUT/logs"
WORK=$(mktemp -d /dev/shm/wb-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
# the chart needs gnuplot: install it now rather than find it missing after the boots
need_pkgs gnuplot-nox
T0=$(date +%s)

# row TABLE NAME: print the row of NAME in TABLE (BPLATFORMS or BMODES); die if none.
row() {
	printf '%s\n' "$1" | grep "^$2|" || die "bench: unknown platform or mode '$2'"
}

# need_kernel KARCH VARIANT: build the default-config kernel of KARCH/VARIANT if its image is missing.
need_kernel() {
	arch_vars "$1"
	[ -f "$B/obj/$1-$2-default/$IMAGE" ] && return 0
	log bench "kernel $1-$2-default missing: building it"
	KARCH=$1 VARIANT=$2 KCONFIG_DEFAULT=default sh "$ROOT/scripts/build.sh"
}

# guest_cpio KARCH: build the bench initramfs of KARCH (init, /bench/{run,dma_map_benchmark,ioload})
# into $OUT/guest/KARCH/initramfs.cpio; programs are rebuilt when their source is newer.
guest_cpio() {
	arch_vars "$1"
	_g=$OUT/guest/$1
	mkdir -p "$_g/inc/linux"
	# the benchmark's uapi struct lives in include/linux/ (not exported); it is the same in both trees
	cp "$B/linux/include/linux/map_benchmark.h" "$_g/inc/linux/map_benchmark.h"
	_cc="${CROSS}gcc -static -O2 -Wall -Wno-format-truncation"
	for _p in init:guest/init.c run:guest/bench.c ioload:guest/ioload.c \
		dma_map_benchmark:build/linux/tools/testing/selftests/dma/dma_map_benchmark.c; do
		_n=${_p%%:*} _s=$ROOT/${_p#*:}
		[ -x "$_g/$_n" ] && [ ! "$_s" -nt "$_g/$_n" ] && continue
		# shellcheck disable=SC2086
		$_cc -I"$_g/inc" -DNSEC_PER_MSEC=1000000L -include linux/types.h -o "$_g/$_n" "$_s" ||
			die "bench: $_s does not build for $1"
	done
	_gen=
	for _o in "$B"/obj/"$1"-*/usr/gen_init_cpio "$B"/obj/*/usr/gen_init_cpio; do
		[ -x "$_o" ] && { _gen=$_o; break; }
	done
	[ -n "$_gen" ] || die "bench: no usr/gen_init_cpio under build/obj (build a kernel first)"
	{
		printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\ndir /proc 0755 0 0\ndir /sys 0755 0 0\n'
		printf 'dir /tmp 01777 0 0\ndir /bench 0755 0 0\nfile /init %s 0755 0 0\n' "$_g/init"
		for _n in run ioload dma_map_benchmark; do printf 'file /bench/%s %s 0755 0 0\n' "$_n" "$_g/$_n"; done
	} >"$_g/initramfs.list"
	"$_gen" "$_g/initramfs.list" >"$_g/initramfs.cpio" || die "bench: gen_init_cpio failed"
}

# parse_boot CONSOLE TRACE ONLINE: print the raw result lines of one boot (see the awk below).
#   type <edu group type> <virtio-blk group type>      policy <the kernel's per-instance or invalidation line>
#   run <work> <rep> map=<us> unmap=<us>               (dma4k, dma64k)
#   run <work> <rep> ops=<n> secs=<s> iops=<n> mbps=<n>  (rand, seq)
#   elapsed <work> <rep> <s>                           (wall time of the run's program)
#   window <work> <rep>                                (counted: both markers in the trace, events on)
#   count <work> <rep> <event> <n>                     (trace events between the markers)
# Rep 0 is the counted pass (traced); reps 1.. are timed (untraced).
parse_boot() {
	tr -d '\r' <"$1" | awk '
	/^@@ DEVICE / { split($4, a, "="); split($6, g, "="); id = a[2]
		if (id == "1234:11e8") edu = g[2]; else if (id == "1af4:1042" || id == "1af4:1001") blk = g[2] }
	/^@@ GROUP / { t = $4; sub(/^type=/, "", t); gt[$3] = t }
	# the kernel'"'"'s own account: its per-instance line, else its invalidation line
	{ l = $0; sub(/^\[ *[0-9.]+\] /, "", l) }
	l ~ /^iommu: [a-z]+[0-9]+: (strict|lazy) invalidation/ { inst = l }
	l ~ /^iommu: DMA domain TLB invalidation policy: / && glob == "" { glob = l }
	/^@@ BENCH setup / { for (i = 4; i <= NF; i++) if ($i ~ /^edu_type=/) { et = $i; sub(/^edu_type=/, "", et) } }
	/^@@ BENCH mark / { w = $5; r = $6; seqmark[$4] = w " " r }
	/^average map latency\(us\):/ { v = $0; sub(/^[^:]*:/, "", v); sub(/ .*/, "", v); mp[w " " r] = v }
	/^average unmap latency\(us\):/ { v = $0; sub(/^[^:]*:/, "", v); sub(/ .*/, "", v)
		print "run " w " " r " map=" mp[w " " r] " unmap=" v }
	/^@@ BENCH elapsed / { print "elapsed " $4 " " $5 " " $6 }
	/^@@ BENCH io / { print "run " w " " r " " $6 " " $7 " " $8 " " $9 }
	/^@@ BENCH (error|summary)/ { print "note " substr($0, 10) }
	END {
		if (inst != "" || glob != "") print "policy " (inst != "" ? inst : glob)
		print "type " (et != "" && et != "-" ? et : edu in gt ? gt[edu] : "-") " " (blk in gt ? gt[blk] : "-")
		for (m in seqmark) print "mark " m " " seqmark[m]
	}' >"$WORK/c"
	grep -v '^mark ' "$WORK/c"
	# the trace: events between marker 2k-1 (begin) and 2k (end), attributed through the console marks
	grep '^mark ' "$WORK/c" | awk -v tr="$2" -v on="${3:-0}" '
	function hex(s,  v, i, d) {
		v = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) { d = index("0123456789abcdef", substr(s, i, 1)); if (!d) break; v = v * 16 + d - 1 }
		return v
	}
	{ name[$2] = $3 " " $4 }
	END {
		while ((getline l < tr) > 0) {
			ln++
			sub(/^[0-9]+@[0-9.]+:/, "", l)
			n = split(l, f, " ")
			if (f[1] == "pci_cfg_write" && f[2] == "edu" && f[4] == "@0x40") {
				m = hex(f[6]); cur = (m % 2) ? m : 0
				if (cur && !(on > 0 && ln >= on)) cur = 0	# before the events were on: not counted
				if (!(m % 2) && (m - 1) in name && started[m - 1]) print "window " name[m - 1]
				if (cur) started[m] = 1
				continue
			}
			if (!cur || !((cur) in name)) continue
			e = f[1]
			if (e == "smmuv3_cmdq_opcode") e = e ":" f[3]
			else if (e ~ /^amdvi_mmio_(read|write)$/) e = e ":" f[2]
			c[name[cur] " " e]++
		}
		for (k in c) print "count " k " " c[k]
	}'
}

# bench_point PLATFORM MODE: boot once and write $OUT/raw/PLATFORM-MODE.txt; return 1 if incomplete.
bench_point() {
	IFS='|' read -r _p _ka _plat _popts _ev <<EOF
$(row "$BPLATFORMS" "$1")
EOF
	IFS='|' read -r _m _var _cmd <<EOF
$(row "$BMODES" "$2")
EOF
	arch_vars "$_ka"
	_k=$B/obj/$_ka-$_var-default/$IMAGE
	_name=$1-$2 _raw=$OUT/raw/$1-$2.txt
	# the forced modes of a platform all run on the kernel chosen when its first point started
	# (FORCED_VAR: stock when the patched one was missing, BENCH_BUILD=0 or a failed build);
	# the table says so, and the type reached shows whether the mode took
	if [ -n "$_cmd" ] && [ "$FORCED_VAR" = stock ]; then
		_var=stock _k=$B/obj/$_ka-stock-default/$IMAGE
	fi
	if [ ! -f "$_k" ]; then
		echo "note kernel $_ka-$_var-default not built" >"$_raw"
		return 1
	fi
	_tr=$WORK/trace _log=$OUT/logs/$_name.log
	rm -f "$_tr" "$WORK/mon.in" "$WORK/mon.out"
	mkfifo "$WORK/mon.in" "$WORK/mon.out"
	# no_timer_check: on this loaded host TCG sometimes fails the IO-APIC timer check behind
	# interrupt remapping and panics ("timer doesn't work through Interrupt-remapped IO-APIC")
	_xtra=
	[ "$_ka" = x86_64 ] && _xtra=no_timer_check
	# only the markers are traced from the start; the platform's events are turned on through
	# the monitor (a FIFO pair) when the guest asks for its counted pass
	PLATFORM_OPTS=$_popts QEMU_EXTRA="-msg timestamp=off -D $_tr -trace pci_cfg_write -monitor pipe:$WORK/mon" \
		qemu_cmd "$_ka" "$_plat" "$_k" "$OUT/guest/$_ka/initramfs.cpio" \
		"$_cmd${_xtra:+ $_xtra} wb.bench=run wb.secs=$SECS wb.reps=$REPS wb.count=1" "$WORK/disk.img" >"$OUT/logs/$_name.cmd"
	_to=${BENCH_TIMEOUT:-$((150 + REPS * 4 * (SECS + 4)))}
	_t=$(date +%s)
	# nice -n -5: the timings are only worth something if builds and other boots sharing the
	# machine yield to the guest (root only; otherwise at the normal priority)
	_nice=
	[ "$(id -u)" = 0 ] && _nice="nice -n -5"
	$_nice timeout -k 5 "$_to" sh "$OUT/logs/$_name.cmd" </dev/null >"$_log" 2>&1 &
	_qp=$!
	cat "$WORK/mon.out" >"$WORK/mon.txt" &
	_on=0
	while kill -0 "$_qp" 2>/dev/null; do
		if [ "$_on" = 0 ] && grep -q '^@@ BENCH trace-on' "$_log"; then
			[ -n "${BENCH_DEBUG:-}" ] && echo "trace-on seen $(date +%s.%N)" >&2
			for _e in $_ev; do echo "trace-event $_e on"; done >"$WORK/mon.in"
			[ -n "${BENCH_DEBUG:-}" ] && echo "trace-on sent $(date +%s.%N)" >&2
			sleep 0.5
			# trace lines before this one were written before the events were on
			_on=$(($(wc -l <"$_tr") + 1))
		fi
		sleep 0.2
	done
	_rc=0
	wait "$_qp" || _rc=$?
	echo "wb: qemu rc=$_rc" >>"$_log"
	{
		echo "boot $_name kernel=$_ka-$_var-default secs=$SECS reps=$REPS qemu_rc=$_rc seconds=$(($(date +%s) - _t)) trace_on_line=$_on"
		[ -f "$_tr" ] && parse_boot "$_log" "$_tr" "$_on"
	} >"$_raw"
	rm -f "$_tr"
	log bench "$_name: $(grep -c '^run ' "$_raw") runs, $(grep -c '^window ' "$_raw") traced, $(($(date +%s) - _t)) s"
	[ "$(grep -c '^run ' "$_raw")" = $((4 * REPS + 4)) ] && [ "$(grep -c '^window ' "$_raw")" = 4 ]
}

if [ "${BENCH_BUILD:-1}" != 0 ]; then
	for p in $PLATS; do
		_ka=$(row "$BPLATFORMS" "$p" | cut -d'|' -f2)
		for m in $MODES; do need_kernel "$_ka" "$(row "$BMODES" "$m" | cut -d'|' -f2)" || true; done
	done
fi
for a in $(for p in $PLATS; do row "$BPLATFORMS" "$p" | cut -d'|' -f2; done | sort -u); do guest_cpio "$a"; done
truncate -s 64M "$WORK/disk.img"

fail=0
for p in $PLATS; do
	_pa=$(row "$BPLATFORMS" "$p" | cut -d'|' -f2)
	arch_vars "$_pa"
	FORCED_VAR=patched
	[ -f "$B/obj/$_pa-patched-default/$IMAGE" ] || FORCED_VAR=stock
	for m in $MODES; do
		bench_point "$p" "$m" || { fail=1; log bench "$p-$m: incomplete (raw: $OUT/raw/$p-$m.txt)"; }
	done
done

# tables, chart data and summary lines from the raw files
for p in $PLATS; do for m in $MODES; do
	[ -f "$OUT/raw/$p-$m.txt" ] && sed "s/^/$p $m /" "$OUT/raw/$p-$m.txt"
done; done >"$OUT/all.txt"
awk -v plats="$PLATS" -v modes="$MODES" -v secs="$SECS" -v reps="$REPS" -v dat="$OUT/bench.dat" \
	-f "$ROOT/scripts/bench-stats.awk" "$OUT/all.txt" >"$OUT/bench.md.tmp" || fail=1
{
	echo "# make bench$([ "$QUICK" = 1 ] && echo ' QUICK=1')"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(qemu-system-x86_64 --version | head -n 1), TCG, -smp 1 -m 512M;"
	echo "$REPS run(s) of $SECS s per point, all runs of a point in one boot; took $(($(date +%s) - T0)) s."
	echo
	cat "$OUT/bench.md.tmp"
} >"$OUT/bench.md"
rm -f "$OUT/bench.md.tmp"
gnuplot -e "dat='$OUT/bench.dat'; out='$OUT/bench.png'; modes='$MODES'" "$ROOT/scripts/bench.gp" 2>"$OUT/gnuplot.err" ||
	{ log bench "gnuplot failed: $(head -n 3 "$OUT/gnuplot.err")"; fail=1; }
grep -q 'MISSING' "$OUT/bench.md" && fail=1
log bench "$OUT/bench.md $OUT/bench.png ($(($(date +%s) - T0)) s)"
sed -n '/^## Summary/,$p' "$OUT/bench.md"
[ "$fail" = 0 ] || die "bench: some numbers are missing (see $OUT/bench.md, $OUT/raw/, $OUT/logs/)"
