#!/bin/sh
# The one place that builds a QEMU command line. Sourced by boot.sh; run directly to print a command:
#   scripts/qemu.sh KARCH PLATFORM KERNEL INITRD CMDLINE
# Environment: PLATFORM_OPTS (appended to the IOMMU's options), QEMU_EXTRA (appended verbatim,
# e.g. "-trace vtd_iotlb* -D build/logs/x.trace"), ACCEL (tcg; kvm only once a probe boots).

# platform_initrd: the initrd with the ACPI tables of acpi/<PLATFORM>/, if any
. "$(dirname "$0")/acpi.sh"

# Platform table: PLATFORM|KARCH|machine|IOMMU device ("-" for none)
PLATFORMS='intel-iommu|x86_64|q35|intel-iommu,intremap=on
amd-iommu|x86_64|q35|amd-iommu
virtio-iommu|x86_64|q35|virtio-iommu-pci
none|x86_64|q35|-
intel-iommu-untrusted|x86_64|q35|intel-iommu,intremap=on
intel-iommu-optin|x86_64|q35|intel-iommu,intremap=on
smmuv3|arm64|virt,gic-version=3,iommu=smmuv3|-
virtio-iommu|arm64|virt,gic-version=3|virtio-iommu-pci
none|arm64|virt,gic-version=3|-'

# platform_row KARCH PLATFORM: print the table row of PLATFORM on KARCH; die if there is none.
platform_row() {
	_row=$(printf '%s\n' "$PLATFORMS" | grep "^$2|$1|") ||
		die "PLATFORM=$2 does not exist for KARCH=$1 (see PLATFORMS in scripts/qemu.sh)"
	echo "$_row"
}

# squote WORD: print WORD single-quoted for sh.
squote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# qemu_cmd KARCH PLATFORM KERNEL INITRD CMDLINE DISK: print the QEMU command, one shell line.
# A virtio-blk (DISK) and an edu device sit behind the IOMMU; "panic=-1 -no-reboot" so a
# panic ends QEMU; the console is the first serial port.
qemu_cmd() {
	_row=$(platform_row "$1" "$2")
	_mach=$(echo "$_row" | cut -d'|' -f3)
	_iommu=$(echo "$_row" | cut -d'|' -f4)
	_opts=${PLATFORM_OPTS:-}
	case $1 in
	# no_timer_check: under TCG on a loaded host the IO-APIC timer check can fail and panic
	# ("timer doesn't work through Interrupt-remapped IO-APIC"), as virtualised guests know
	x86_64) _q="qemu-system-x86_64 -cpu qemu64" _con="ttyS0 no_timer_check" ;;
	arm64) _q="qemu-system-aarch64 -cpu cortex-a57" _con=ttyAMA0 ;;
	esac
	# *-untrusted: the virtio-blk behind an external-facing root port (acpi/extport.asl). An untrusted
	# device's unaligned DMA is bounced, and a 512M guest has no bounce buffers without
	# swiotlb=force: virtio-blk's first request could not be mapped and the boot would hang.
	# intel-iommu-optin: that port with a second edu behind it (untrusted; no driver, nothing to
	# bounce), the virtio-blk trusted, and a DMAR with the platform opt-in flag (acpi/, platform_initrd)
	_ut='' _bus=''
	case $2 in *-untrusted | intel-iommu-optin)
		_aml=$(acpi_aml "$ROOT/acpi/extport.asl" "$B/guest/acpi") || exit 1
		_ut=" -acpitable file=$(squote "$_aml") -device pcie-root-port,id=wbrp,bus=pcie.0,addr=0x8,chassis=8" ;;
	esac
	case $2 in
	*-untrusted) _bus=,bus=wbrp _con="$_con swiotlb=force" ;;
	intel-iommu-optin) _ut="$_ut -device edu,bus=wbrp" ;;
	esac
	if [ -n "$_opts" ]; then
		if [ "$_iommu" != - ]; then
			_iommu="$_iommu,$_opts"
		else
			_mach="$_mach,$_opts"
		fi
	fi
	[ "${ACCEL:-tcg}" = kvm ] && [ "$1" = x86_64 ] && _mach="$_mach,kernel-irqchip=split"
	printf '%s -machine %s -accel %s -m 512M -smp 1 -nographic -no-reboot -vga none -nic none' "$_q" "$_mach" "${ACCEL:-tcg}"
	[ "$_iommu" = - ] || printf ' -device %s' "$_iommu"
	printf ' -drive file=%s,if=none,format=raw,readonly=on,id=d0' "$(squote "$6")"
	printf '%s -device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on%s -device edu' "$_ut" "$_bus"
	_ird=$(platform_initrd "$2" "$4")
	printf ' -kernel %s -initrd %s' "$(squote "$3")" "$(squote "$_ird")"
	printf ' -append %s' "$(squote "console=$_con panic=-1 $5")"
	printf ' %s\n' "${QEMU_EXTRA:-}"
}

if [ "$(basename "$0")" = qemu.sh ]; then
	set -eu
	. "$(dirname "$0")/lib.sh"
	[ $# -eq 5 ] || die "usage: scripts/qemu.sh KARCH PLATFORM KERNEL INITRD CMDLINE"
	qemu_cmd "$@" "$B/disk.img"
fi
