#!/bin/sh
# make run: build the stock and patched kernels of both arches (the patched ones incrementally,
# the stock ones only if missing), boot every scenario below on both, print the table.
# A scenario is booted again only when its kernel or initramfs is newer than its log
# (RERUN=1: always). REPORT_ONLY=1 (make report): print the table from the saved logs.
set -eu
. "$(dirname "$0")/lib.sh"

# Scenarios: name|KARCH|PLATFORM|PLATFORM_OPTS|CMDLINE
SCENARIOS='vtd-cm|x86_64|intel-iommu|caching-mode=on|
vtd-cm-lazy|x86_64|intel-iommu|caching-mode=on|iommu.strict=0
vtd|x86_64|intel-iommu||
amd|x86_64|amd-iommu||
virtio-iommu|x86_64|virtio-iommu||
vtd-cm-pt|x86_64|intel-iommu|caching-mode=on|iommu.passthrough=1
smmuv3|arm64|smmuv3||
smmuv3-lazy|arm64|smmuv3||iommu.strict=0'

# scenario_log NAME VARIANT: print the console log path of scenario NAME on VARIANT.
scenario_log() {
	echo "$B/logs/run-$1-$2.log"
}

# result LOG: print the result cell: the group types seen, or the failure status.
result() {
	[ -f "$1" ] || { echo "not run"; return; }
	_r=$(sh "$ROOT/scripts/parse.sh" "$1" 2>/dev/null || true)
	_s=$(echo "$_r" | sed -n 's/^status //p')
	if [ "$_s" != ok ]; then echo "$_s"; else echo "$_r" | sed -n 's/^types //p'; fi
}

# reason LOG: print the patched kernel's stated reason, from its boot log (series v2): the first
# per-instance line ("dmar0: lazy invalidation (iommu.strict=0) despite VT-d caching mode"), else
# the global invalidation line, else the default domain type line (passthrough); or "no log line".
reason() {
	[ -f "$1" ] || { echo "-"; return; }
	_pl=$(sh "$ROOT/scripts/parse.sh" "$1" 2>/dev/null | sed -n 's/^policy-log iommu: //p')
	_p=$(echo "$_pl" | grep -E '^[^ ]+: (strict|lazy) invalidation ' | head -n 1)
	[ -n "$_p" ] || _p=$(echo "$_pl" | grep '^DMA domain TLB invalidation policy: ' | head -n 1)
	[ -n "$_p" ] || _p=$(echo "$_pl" | grep '^Default domain type: ' | head -n 1)
	echo "${_p:-no log line}"
}

if [ "${REPORT_ONLY:-}" != 1 ]; then
	for a in x86_64 arm64; do
		arch_vars "$a"
		[ -f "$B/obj/$a-stock-default/$IMAGE" ] || KARCH=$a VARIANT=stock KCONFIG_DEFAULT=default sh "$ROOT/scripts/build.sh"
		KARCH=$a VARIANT=patched KCONFIG_DEFAULT=default sh "$ROOT/scripts/build.sh"
	done
	printf '%s\n' "$SCENARIOS" | while IFS='|' read -r name karch plat opts cmd; do
		arch_vars "$karch"
		for v in stock patched; do
			lg=$(scenario_log "$name" "$v")
			o=$B/obj/$karch-$v-default
			if [ "${RERUN:-}" = 1 ] || [ ! -f "$lg" ] || [ "$o/$IMAGE" -nt "$lg" ] || [ "$o/initramfs.cpio" -nt "$lg" ]; then
				KARCH=$karch VARIANT=$v KCONFIG_DEFAULT=default PLATFORM=$plat PLATFORM_OPTS=$opts CMDLINE=$cmd \
					SCENARIO=run-$name-$v CONSOLE= sh "$ROOT/scripts/boot.sh" >/dev/null || true
			fi
		done
	done
fi

fmt='%-13s %-28s %-20s %-10s %-10s %s\n'
# shellcheck disable=SC2059
printf "$fmt" scenario platform "command line" stock patched "patched reason"
printf '%s\n' "$SCENARIOS" | while IFS='|' read -r name karch plat opts cmd; do
	# shellcheck disable=SC2059
	printf "$fmt" "$name" "$plat${opts:+,$opts}" "${cmd:--}" "$(result "$(scenario_log "$name" stock)")" \
		"$(result "$(scenario_log "$name" patched)")" "$(reason "$(scenario_log "$name" patched)")"
done
echo "logs: $B/logs/run-<scenario>-<stock|patched>.log (QEMU command: .cmd)"
