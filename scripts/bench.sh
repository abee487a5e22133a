#!/bin/sh
# make bench [QUICK=1]: what each DMA domain mode costs (README.md, "Benchmark").
#   scripts/bench.sh [--quick]
#   scripts/bench.sh --guest KARCH     only the bench initramfs (for scripts/coverage.sh)
# For each platform below and each mode (strict, lazy, passthrough forced on the command line
# of the patched kernel; the stock and the patched kernel's own default), one boot runs
# guest/bench.c: dma_map_benchmark 4 KiB and 64 KiB, ioload 4 KiB random and 1 MiB
# sequential O_DIRECT reads from a virtio-blk disk (iommu_platform=on) backed by a file in
# /dev/shm; BENCH_REPS timed runs of BENCH_SECS seconds each, untraced; then a counted pass
# (each workload once, 1 s) for which QEMU's monitor (QMP) turns on the platform's invalidation
# trace events, each reply read: a refused event fails the boot. The guest's markers (edu config
# writes, traced as pci_cfg_write) cut the trace per run; a QEMU plugin (scripts/bench-plugin.c)
# counts dma_map_benchmark's map and unmap calls exactly and prints the counts at each marker.
# Kernels are built only when missing.
# Output: build/bench/ (--quick: build/bench/quick/): bench.md (tables + summary lines),
#   bench.png (chart), bench.dat, raw/<platform>-<mode>.txt (parsed runs and counts),
#   logs/<platform>-<mode>.{log,cmd,qmp} (console, QEMU command, monitor replies), missing.txt.
# Exit 1, last line "error: bench: MISSING ...", if any number is missing: a boot failed or timed
# out, QEMU refused a trace event, a workload exited nonzero or printed no number, a marker was
# not traced, dma pairs were not counted, or a strict translated run counted no invalidation.
# Environment: BENCH_SECS (2; quick 1), BENCH_REPS (3; quick 1), BENCH_PLATFORMS, BENCH_MODES
#   (subsets by name), BENCH_TIMEOUT (seconds per boot, default computed), BENCH_BUILD=0 (do not
#   build missing kernels: forced modes then run on the stock kernel, defaults are MISSING),
#   BENCH_OUT (output directory), and, to prove the checks: BENCH_EXTRA_EVENTS (trace events
#   added to every platform's), BENCH_MODE_ROWS (rows "name|variant|parameters" that replace
#   the modes of those names), BENCH_CMDLINE (kernel parameters added to every boot, e.g.
#   wb.failrc=rand: guest/bench.c reports that workload's runs as failed).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

QUICK=${QUICK:-0}
[ "${1:-}" = --quick ] && QUICK=1
if [ "$QUICK" = 1 ]; then
	OUT=${BENCH_OUT:-$B/bench/quick} SECS=${BENCH_SECS:-1} REPS=${BENCH_REPS:-1}
	PLATS=${BENCH_PLATFORMS:-intel-cm} MODES=${BENCH_MODES:-passthrough strict lazy}
else
	OUT=${BENCH_OUT:-$B/bench} SECS=${BENCH_SECS:-2} REPS=${BENCH_REPS:-3}
	PLATS=${BENCH_PLATFORMS:-intel intel-cm amd virtio smmuv3}
	MODES=${BENCH_MODES:-passthrough strict lazy default-stock default-patched}
fi

# Platforms: name|KARCH|PLATFORM (row of qemu.sh)|PLATFORM_OPTS|trace events
BPLATFORMS='intel|x86_64|intel-iommu||vtd_inv_desc_iotlb_pages vtd_inv_desc_iotlb_domain vtd_inv_desc_iotlb_global vtd_inv_desc_iotlb_pasid_pages vtd_inv_desc_iotlb_pasid vtd_inv_qi_tail
intel-cm|x86_64|intel-iommu|caching-mode=on|vtd_inv_desc_iotlb_pages vtd_inv_desc_iotlb_domain vtd_inv_desc_iotlb_global vtd_inv_desc_iotlb_pasid_pages vtd_inv_desc_iotlb_pasid vtd_inv_qi_tail
amd|x86_64|amd-iommu||amdvi_pages_inval amdvi_all_inval amdvi_completion_wait amdvi_mmio_read amdvi_mmio_write
virtio|x86_64|virtio-iommu||virtio_iommu_unmap virtio_iommu_map
smmuv3|arm64|smmuv3||smmuv3_cmdq_opcode'
# Modes: name|VARIANT|kernel parameters (strict-stock and lazy-stock: the same request to the
# stock kernel, strict-v2 to series v2 alone, run only when named in BENCH_MODES; lazy-v2 and
# default-v2: series v2 alone, which lazy flushes the whole domain, beside the patched kernel,
# whose lazy mode is series 2's page-selective flush queue)
BMODES='passthrough|patched|iommu.passthrough=1
strict|patched|iommu.passthrough=0 iommu.strict=1
lazy|patched|iommu.passthrough=0 iommu.strict=0
default-stock|stock|
default-patched|patched|
lazy-v2|v2|iommu.passthrough=0 iommu.strict=0
default-v2|v2|
strict-stock|stock|iommu.passthrough=0 iommu.strict=1
lazy-stock|stock|iommu.passthrough=0 iommu.strict=0
strict-v2|v2|iommu.passthrough=0 iommu.strict=1'
# The full bench (BENCH_MODES unset) adds XMODES on XPLATS, the platforms whose flush queue
# series 2 changes (VT-d caching mode, AMD NpCache): v2 alone against the whole stack.
XPLATS='intel-cm amd' XMODES='lazy-v2 default-v2'
# BENCH_MODE_ROWS come first: row() takes the first row of a name
if [ -n "${BENCH_MODE_ROWS:-}" ]; then
	BMODES="$BENCH_MODE_ROWS
$BMODES"
fi


# modes_of PLATFORM: the modes booted on PLATFORM (MODES, and XMODES on XPLATS in the full default).
modes_of() {
	echo $MODES
	if [ "$QUICK" != 1 ] && [ -z "${BENCH_MODES:-}" ]; then
		case " $XPLATS " in *" $1 "*) echo $XMODES ;; esac
	fi
}

# row TABLE NAME: print the (first) row of NAME in TABLE (BPLATFORMS or BMODES); die if none.
row() {
	printf '%s\n' "$1" | grep -m 1 "^$2|" || die "bench: unknown platform or mode '$2'"
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
		[ -x "$_g/$_n" ] && [ -z "$(find "$_s" -newer "$_g/$_n")" ] && continue
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

# --guest KARCH (scripts/coverage.sh): only the bench initramfs of KARCH, into $OUT/guest/KARCH/
if [ "${1:-}" = --guest ]; then
	guest_cpio "${2:?usage: scripts/bench.sh --guest KARCH}"
	exit 0
fi
mkdir -p "$OUT/raw" "$OUT/logs"
WORK=$(mktemp -d /dev/shm/wb-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
# the chart needs gnuplot: install it now rather than find it missing after the boots
need_pkgs gnuplot-nox
T0=$(date +%s)

# build_plugin: build the QEMU plugin that counts map/unmap calls (scripts/bench-plugin.c)
# into $OUT/plugin/bench-plugin.so when its source is newer.
build_plugin() {
	PLUGIN=$OUT/plugin/bench-plugin.so
	mkdir -p "$OUT/plugin"
	[ -f "$PLUGIN" ] && [ -z "$(find "$ROOT/scripts/bench-plugin.c" -newer "$PLUGIN")" ] && return 0
	gcc -shared -fPIC -O2 -Wall -o "$PLUGIN" "$ROOT/scripts/bench-plugin.c" ||
		die "bench: scripts/bench-plugin.c does not build"
}

# plugin_args DIR: print the plugin's arguments for the kernel whose System.map is in DIR: the entry
# addresses of dma_map_page_attrs, dma_unmap_page_attrs and pci_user_write_config_byte from its
# System.map (the bench kernels are not relocatable: no KASLR); die if one is missing.
plugin_args() {
	_a=
	for _f in map:dma_map_page_attrs unmap:dma_unmap_page_attrs mark:pci_user_write_config_byte; do
		_ad=$(awk -v s="${_f#*:}" '$3 == s { print $1; exit }' "$1/System.map" 2>/dev/null)
		[ -n "$_ad" ] || die "bench: no ${_f#*:} in $1/System.map"
		_a="$_a,${_f%%:*}=0x$_ad"
	done
	echo "${_a#,}"
}

# qmp_reply ID: print the reply line of the QMP command of id ID from $WORK/mon.txt (none: nothing).
qmp_reply() {
	grep -F "\"id\": \"$1\"" "$WORK/mon.txt" | head -n 1
}

# qmp_wait ID QEMUPID: wait (30 s at most, or until QEMU ends) for the reply to the command of id ID;
# return 1 if none came.
qmp_wait() {
	_w=0
	while [ -z "$(qmp_reply "$1")" ]; do
		kill -0 "$2" 2>/dev/null && [ "$_w" -lt 150 ] || return 1
		sleep 0.2
		_w=$((_w + 1))
	done
}

# trace_on EVENTS QEMUPID: with the guest in its pause before the counted pass, stop the VM (QMP
# "stop": the guest's clock stops too, so a slow reply cannot let the pass begin untraced), turn
# each trace event of EVENTS on and read every reply (trace-event-set-state must return,
# trace-event-get-state must say "enabled"), set TRACE_ON_LINE (the trace lines before it were
# written before the events were on), then let the VM go on ("cont"). Return 1 with the cause (the
# event's name and QEMU's words) in $WORK/refused on the first failure. Reads bench_point's _log
# (the console) and _tr (the trace).
trace_on() {
	printf '%s\n' '{"execute": "qmp_capabilities"}' '{"execute": "stop", "id": "stop"}' 1<>"$WORK/mon.in"
	if ! qmp_wait stop "$2"; then
		if kill -0 "$2" 2>/dev/null; then
			echo "no reply from QEMU's monitor to stop within 30 s" >"$WORK/refused"
		else
			echo "QEMU ended before its monitor replied to stop (monitor: $OUT/logs/$_name.qmp)" >"$WORK/refused"
		fi
		return 1
	fi
	if grep -q '^@@ BENCH mark [0-9]* [a-z0-9]* 0 begin' "$_log"; then
		echo "the counted pass began before QEMU's monitor stopped the guest (its pause after trace-on is too short here)" >"$WORK/refused"
		return 1
	fi
	for _e in $1; do
		printf '{"execute": "trace-event-set-state", "arguments": {"name": "%s", "enable": true}, "id": "on:%s"}\n' "$_e" "$_e"
		printf '{"execute": "trace-event-get-state", "arguments": {"name": "%s"}, "id": "state:%s"}\n' "$_e" "$_e"
	done 1<>"$WORK/mon.in"
	# the replies come in order: wait for the last one
	qmp_wait "state:$(echo "$1" | awk '{ print $NF }')" "$2" || true
	for _e in $1; do
		_r=$(qmp_reply "on:$_e")
		case $_r in
		'')
			echo "trace-event $_e: no reply from QEMU's monitor to trace-event-set-state within 30 s" >"$WORK/refused"
			return 1
			;;
		*'"error"'*)
			_d=$(printf '%s\n' "$_r" | sed -n 's/.*"desc": "\(.*\)"}.*/\1/p' | sed 's/\\"/"/g')
			echo "trace-event $_e refused by QEMU: ${_d:-$_r}" >"$WORK/refused"
			return 1
			;;
		esac
		_r=$(qmp_reply "state:$_e")
		case $_r in
		*"\"name\": \"$_e\""*'"state": "enabled"'*) ;;
		*)
			echo "trace-event $_e not enabled after QEMU accepted it: trace-event-get-state replied ${_r:-nothing}" >"$WORK/refused"
			return 1
			;;
		esac
	done
	TRACE_ON_LINE=$(($(wc -l <"$_tr") + 1))
	printf '%s\n' '{"execute": "cont", "id": "cont"}' 1<>"$WORK/mon.in"
	if ! qmp_wait cont "$2"; then
		echo "no reply from QEMU's monitor to cont within 30 s" >"$WORK/refused"
		return 1
	fi
}

# parse_boot CONSOLE TRACE ONLINE: print the raw result lines of one boot (see the awk below).
#   type <edu group type> <virtio-blk group type>      policy <the kernel's per-instance or invalidation line>
#   run <work> <rep> map=<us> unmap=<us>               (dma4k, dma64k)
#   run <work> <rep> ops=<n> secs=<s> iops=<n> mbps=<n>  (rand, seq)
#   elapsed <work> <rep> <s>                           (wall time of the run's program)
#   rc <work> <rep> <exit status>                      (of the run's program; numbers count only if 0)
#   window <work> <rep>                                (counted: both markers in the trace, events on)
#   count <work> <rep> <event> <n>                     (trace events between the markers)
#   pairs <work> <rep> maps=<n> unmaps=<n>             (dma_map_page_attrs / dma_unmap_page_attrs calls
#                                                       between the markers, from the plugin's wb_count lines)
#   count <work> <rep> vtd_pages_covered <n>           (the pages of the vtd_inv_desc_iotlb_pages: 2^mask each)
#   gcount <work> <rep> iommu=<vtd|amd> <key>=<n> ...  (guest-side counts of the counted pass: guest/bench.c)
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
	/^@@ BENCH rc / { print "rc " $4 " " $5 " " $6 }
	/^@@ BENCH io / { print "run " w " " r " " $6 " " $7 " " $8 " " $9 }
	/^@@ BENCH (error|summary)/ { print "note " substr($0, 10) }
	/^@@ BENCH gcount / { print substr($0, 10) }
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
			# the plugin: counts so far, printed at the entry of the marker write
			if (f[1] == "wb_count") { cm = f[2]; cu = f[3]; sub(/^maps=/, "", cm); sub(/^unmaps=/, "", cu); continue }
			if (f[1] == "pci_cfg_write" && f[2] == "edu" && f[4] == "@0x40") {
				m = hex(f[6])
				if (cm != "") { sm[m] = cm; su[m] = cu }
				cm = cu = ""
				if (!(m % 2) && (m - 1) in name && (m - 1) in sm && m in sm)
					print "pairs " name[m - 1] " maps=" sm[m] - sm[m - 1] " unmaps=" su[m] - su[m - 1]
				cur = (m % 2) ? m : 0
				if (cur && !(on > 0 && ln >= on)) cur = 0	# before the events were on: not counted
				if (!(m % 2) && (m - 1) in name && started[m - 1]) print "window " name[m - 1]
				if (cur) started[m] = 1
				continue
			}
			if (!cur || !((cur) in name)) continue
			e = f[1]
			# the pages a page-selective VT-d invalidation covers: 2^mask
			if (e == "vtd_inv_desc_iotlb_pages") for (i = 2; i < n; i++) if (f[i] == "mask") c[name[cur] " vtd_pages_covered"] += 2 ^ hex(f[i + 1])
			if (e == "smmuv3_cmdq_opcode") e = e ":" f[3]
			else if (e ~ /^amdvi_mmio_(read|write)$/) e = e ":" f[2]
			c[name[cur] " " e]++
		}
		for (k in c) print "count " k " " c[k]
	}'
}

# snap_kernel KARCH VARIANT: copy the image and System.map of KARCH-VARIANT-default into
# $WORK/kernels/ on first use and print the copy's directory, so that every boot of this bench
# runs the same kernel and the plugin's addresses are that kernel's even if someone rebuilds it
# meanwhile. A kernel being built (System.map newer than the image) is waited for, 10 min at
# most. Return 1 (printing the cause) if it is missing or still being built.
snap_kernel() {
	_sd=$WORK/kernels/$1-$2 _od=$B/obj/$1-$2-default
	if [ ! -d "$_sd" ]; then
		if [ ! -f "$_od/$IMAGE" ] || [ ! -f "$_od/System.map" ]; then
			echo "kernel $1-$2-default not built"
			return 1
		fi
		_w=0
		while [ -n "$(find "$_od/System.map" -newer "$_od/$IMAGE")" ]; do
			if [ "$_w" -ge 60 ]; then
				echo "kernel $1-$2-default is being built (its System.map is newer than its image) for 10 min"
				return 1
			fi
			[ "$_w" = 0 ] && log bench "kernel $1-$2-default is being built: waiting for its image"
			sleep 10
			_w=$((_w + 1))
		done
		mkdir -p "$_sd.tmp"
		cp "$_od/$IMAGE" "$_od/System.map" "$_sd.tmp/"
		mv "$_sd.tmp" "$_sd"
		log bench "kernel $1-$2-default: image of $(date -u -r "$_sd/$(basename "$IMAGE")" '+%H:%M:%S UTC') copied for this bench"
	fi
	echo "$_sd"
}

# bench_point PLATFORM MODE: boot once and write $OUT/raw/PLATFORM-MODE.txt; return 1 if incomplete.
# A boot that cannot give every number writes "fail <cause>" lines (bench-stats.awk lists them as
# MISSING): no kernel, a trace event QEMU refused (QEMU is then stopped), no counted pass, QEMU's
# nonzero exit or timeout. A platform whose event QEMU refused is not booted again.
bench_point() {
	IFS='|' read -r _p _ka _plat _popts _ev <<EOF
$(row "$BPLATFORMS" "$1")
EOF
	IFS='|' read -r _m _var _cmd <<EOF
$(row "$BMODES" "$2")
EOF
	_ev="$_ev${BENCH_EXTRA_EVENTS:+ $BENCH_EXTRA_EVENTS}"
	arch_vars "$_ka"
	_name=$1-$2 _raw=$OUT/raw/$1-$2.txt
	# the forced modes of a platform all run on the kernel chosen when its first point started
	# (FORCED_VAR: stock when the patched one was missing, BENCH_BUILD=0 or a failed build);
	# the table says so, and the type reached shows whether the mode took
	if [ -n "$_cmd" ] && [ "$_var" = patched ] && [ "$FORCED_VAR" = stock ]; then
		_var=stock
	fi
	if ! _sk=$(snap_kernel "$_ka" "$_var"); then
		echo "fail $_sk" >"$_raw"
		return 1
	fi
	_k=$_sk/$(basename "$IMAGE")
	if [ -n "$REFUSED" ]; then
		echo "fail $REFUSED (on an earlier boot of $1: not booted)" >"$_raw"
		return 1
	fi
	_tr=$WORK/trace _log=$OUT/logs/$_name.log
	rm -f "$_tr" "$WORK/mon.in" "$WORK/mon.out" "$WORK/refused"
	mkfifo "$WORK/mon.in" "$WORK/mon.out"
	# no_timer_check: on this loaded host TCG sometimes fails the IO-APIC timer check behind
	# interrupt remapping and panics ("timer doesn't work through Interrupt-remapped IO-APIC")
	_xtra=
	[ "$_ka" = x86_64 ] && _xtra=no_timer_check
	# only the markers are traced from the start; the platform's events are turned on through
	# QMP (a FIFO pair) when the guest asks for its counted pass; the plugin's counts go to the
	# same log (-d plugin -D), in order with the trace lines
	_pa=$(plugin_args "$_sk")
	PLATFORM_OPTS=$_popts QEMU_EXTRA="-msg timestamp=off -D $_tr -trace pci_cfg_write -qmp pipe:$WORK/mon -d plugin -plugin $PLUGIN,$_pa" \
		qemu_cmd "$_ka" "$_plat" "$_k" "$OUT/guest/$_ka/initramfs.cpio" \
		"$_cmd${_xtra:+ $_xtra}${BENCH_CMDLINE:+ $BENCH_CMDLINE} wb.bench=run wb.secs=$SECS wb.reps=$REPS wb.count=1" "$WORK/disk.img" >"$OUT/logs/$_name.cmd"
	_to=${BENCH_TIMEOUT:-$((150 + REPS * 4 * (SECS + 4)))}
	_t=$(date +%s)
	# nice -n -5: the timings are only worth something if builds and other boots sharing the
	# machine yield to the guest (root only; otherwise at the normal priority)
	_nice=
	[ "$(id -u)" = 0 ] && _nice="nice -n -5"
	$_nice timeout -k 5 "$_to" sh "$OUT/logs/$_name.cmd" </dev/null >"$_log" 2>&1 &
	_qp=$!
	cat "$WORK/mon.out" >"$WORK/mon.txt" &
	_cp=$!
	_on=0 _fail=
	while kill -0 "$_qp" 2>/dev/null; do
		if [ "$_on" = 0 ] && grep -q '^@@ BENCH trace-on' "$_log"; then
			if trace_on "$_ev" "$_qp"; then
				_on=$TRACE_ON_LINE
			else
				_fail=$(cat "$WORK/refused") _on=-1
				case $_fail in trace-event*) REFUSED=$_fail ;; esac
				log bench "$_name: $_fail: stopping QEMU"
				kill "$_qp" 2>/dev/null || true
			fi
		fi
		sleep 0.2
	done
	_rc=0
	wait "$_qp" || _rc=$?
	_last=$(tr -d '\r' <"$_log" | grep . | tail -n 1)
	echo "wb: qemu rc=$_rc" >>"$_log"
	# the monitor's reader ends with QEMU; open its FIFO once so that a reader still waiting to
	# open it (QEMU failed to start) sees an end too
	: 1<>"$WORK/mon.out"
	wait "$_cp" || true
	cp "$WORK/mon.txt" "$OUT/logs/$_name.qmp"
	if [ -z "$_fail" ] && [ "$_rc" != 0 ]; then
		_fail="QEMU exited $_rc$([ "$_rc" = 124 ] && echo " (timeout after $_to s)"): $_last (console: $_log)"
	fi
	if [ -z "$_fail" ] && [ "$_on" = 0 ]; then
		_fail="no counted pass: the guest never printed @@ BENCH trace-on (console: $_log)"
	fi
	if [ -z "$_fail" ] && ! grep -q '^wb_count ' "$_tr"; then
		_fail="the plugin counted no marker: the addresses of $_sk/System.map are not the booted kernel's"
	fi
	{
		echo "boot $_name kernel=$_ka-$_var-default secs=$SECS reps=$REPS qemu_rc=$_rc seconds=$(($(date +%s) - _t)) trace_on_line=$_on"
		[ -z "$_fail" ] || echo "fail $_fail"
		[ -f "$_tr" ] && parse_boot "$_log" "$_tr" "$_on"
	} >"$_raw"
	rm -f "$_tr"
	log bench "$_name: $(grep -c '^run ' "$_raw") runs, $(grep -c '^window ' "$_raw") traced, $(grep -c '^pairs dma[0-9k]* 0 ' "$_raw") dma passes counted, $(($(date +%s) - _t)) s"
	[ -z "$_fail" ] && [ "$(grep -c '^rc [a-z0-9]* [0-9]* 0$' "$_raw")" = $((4 * REPS + 4)) ] && [ "$(grep -c '^window ' "$_raw")" = 4 ]
}

# missing_causes FILE: print the causes of missing.txt ("<where>|<why>" lines) on one line: each
# cause once, in order of first appearance, with where it struck (the first 4 causes).
missing_causes() {
	awk -F'|' '!($2 in w) { o[++n] = $2 }
		{ w[$2] = w[$2] (w[$2] == "" ? "" : ", ") $1; c[$2]++ }
		END {
			for (i = 1; i <= n && i <= 4; i++)
				printf "%s%s [%s]", (i > 1 ? "; " : ""), o[i], (c[o[i]] > 4 ? c[o[i]] " places" : w[o[i]])
			if (n > 4) printf "; and %d more causes", n - 4
		}' "$1"
}

if [ "${BENCH_BUILD:-1}" != 0 ]; then
	for p in $PLATS; do
		_ka=$(row "$BPLATFORMS" "$p" | cut -d'|' -f2)
		for m in $(modes_of "$p"); do need_kernel "$_ka" "$(row "$BMODES" "$m" | cut -d'|' -f2)" || true; done
	done
fi
for a in $(for p in $PLATS; do row "$BPLATFORMS" "$p" | cut -d'|' -f2; done | sort -u); do guest_cpio "$a"; done
build_plugin
truncate -s 64M "$WORK/disk.img"

fail=0
for p in $PLATS; do
	_pa=$(row "$BPLATFORMS" "$p" | cut -d'|' -f2)
	arch_vars "$_pa"
	FORCED_VAR=patched REFUSED=
	[ -f "$B/obj/$_pa-patched-default/$IMAGE" ] || FORCED_VAR=stock
	for m in $(modes_of "$p"); do
		bench_point "$p" "$m" || { fail=1; log bench "$p-$m: incomplete (raw: $OUT/raw/$p-$m.txt)"; }
	done
done
# every mode booted (the tables' columns, in order) and the platform|mode pairs booted
ALLMODES=$(for p in $PLATS; do modes_of "$p"; done | tr ' ' '\n' | awk 'NF && !s[$0]++' | paste -sd' ' -)
RUNS=$(for p in $PLATS; do for m in $(modes_of "$p"); do printf '%s|%s ' "$p" "$m"; done; done)

# tables, chart data and summary lines from the raw files; missing.txt: "<where>|<why>" per
# missing number or failed boot, from bench-stats.awk
for p in $PLATS; do for m in $(modes_of "$p"); do
	[ -f "$OUT/raw/$p-$m.txt" ] && sed "s/^/$p $m /" "$OUT/raw/$p-$m.txt"
done; done >"$OUT/all.txt"
rm -f "$OUT/missing.txt"
awk -v plats="$PLATS" -v modes="$ALLMODES" -v runs="$RUNS" -v secs="$SECS" -v reps="$REPS" -v dat="$OUT/bench.dat" \
	-v miss="$OUT/missing.txt" -f "$ROOT/scripts/bench-stats.awk" "$OUT/all.txt" >"$OUT/bench.md.tmp" || fail=1
{
	echo "# make bench$([ "$QUICK" = 1 ] && echo ' QUICK=1')"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(qemu-system-x86_64 --version | head -n 1), TCG, -smp 1 -m 512M;"
	echo "$REPS run(s) of $SECS s per point, all runs of a point in one boot; took $(($(date +%s) - T0)) s."
	# the kernels as copied at their first boot
	_ks=
	for _d in "$WORK"/kernels/*; do
		[ -d "$_d" ] || continue
		_i=$(find "$_d" -type f ! -name System.map | head -n 1)
		_ks="$_ks${_ks:+, }${_d##*/}-default (image of $(date -u -r "$_i" '+%Y-%m-%d %H:%M UTC'))"
	done
	echo "Kernels: ${_ks:-none}."
	echo
	cat "$OUT/bench.md.tmp"
} >"$OUT/bench.md"
rm -f "$OUT/bench.md.tmp"
gnuplot -e "dat='$OUT/bench.dat'; out='$OUT/bench.png'; modes='$ALLMODES'" "$ROOT/scripts/bench.gp" 2>"$OUT/gnuplot.err" ||
	{ log bench "gnuplot failed: $(head -n 3 "$OUT/gnuplot.err")"; fail=1; }
log bench "$OUT/bench.md $OUT/bench.png ($(($(date +%s) - T0)) s)"
sed -n '/^## Summary/,$p' "$OUT/bench.md"
if [ -s "$OUT/missing.txt" ] || grep -q 'MISSING' "$OUT/bench.md"; then
	[ -s "$OUT/missing.txt" ] || echo "bench.md|MISSING in a table" >"$OUT/missing.txt"
	echo "MISSING ($(wc -l <"$OUT/missing.txt") numbers or boots; $OUT/missing.txt):" >&2
	sed 's/|/: /' "$OUT/missing.txt" >&2
	# the last line names the causes, each once, with where it struck
	die "bench: MISSING: $(missing_causes "$OUT/missing.txt") (see $OUT/bench.md, $OUT/logs/)"
fi
[ "$fail" = 0 ] || die "bench: the tables or the chart could not be made (see $OUT/gnuplot.err)"
