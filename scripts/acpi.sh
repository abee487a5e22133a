#!/bin/sh
# ACPI tables that a platform of scripts/qemu.sh adds to QEMU's, through the initrd (Linux's
# CONFIG_ACPI_TABLE_UPGRADE, Documentation/admin-guide/acpi/initrd_table_override.rst: an
# uncompressed cpio of kernel/firmware/acpi/*.aml before the initramfs; a table replaces the
# firmware's of the same signature and OEM ids when its OEM revision is higher, others are added).
# Sources: acpi/<PLATFORM>/*.dsl (data tables) and *.asl (AML), compiled with iasl (acpica-tools).
# Sourced by qemu.sh, whose qemu_cmd boots platform_initrd; run directly to print that initrd:
#   scripts/acpi.sh PLATFORM INITRD
# Output, in build/guest/acpi/<PLATFORM>/: tables.cpio, and initrd-<kernel>.cpio (the tables, then
#   INITRD; <kernel> is the name of the directory of INITRD, as x86_64-stock-default); each
#   regenerated when one of its inputs is newer.

# acpi_tables PLATFORM: compile acpi/PLATFORM's tables and pack them into tables.cpio; print
# its path. Die when iasl is missing or fails.
acpi_tables() {
	_src=$ROOT/acpi/$1 _out=$B/guest/acpi/$1
	_fw=$_out/kernel/firmware/acpi
	command -v iasl >/dev/null ||
		die "PLATFORM=$1 needs iasl to compile acpi/$1/: install acpica-tools (make deps)"
	mkdir -p "$_fw"
	for _t in "$_src"/*.dsl "$_src"/*.asl; do
		[ -f "$_t" ] || continue
		_aml=$_fw/$(basename "${_t%.*}").aml
		[ -f "$_aml" ] && [ ! "$_t" -nt "$_aml" ] && continue
		log acpi "$1: $(basename "$_t")"
		# Compiled outside kernel/, where every file is read as a table; under a timeout, as
		# iasl 20200925 loops on some malformed data tables instead of failing.
		_p=$_out/$(basename "${_t%.*}")
		if ! timeout 60 iasl -p "$_p" "$_t" >"$_p.log" 2>&1; then
			cat "$_p.log" >&2
			die "iasl failed on acpi/$1/$(basename "$_t") (log: $_p.log)"
		fi
		mv "$_p.aml" "$_aml"
	done
	if [ ! -f "$_out/tables.cpio" ] || [ -n "$(find "$_fw" -name '*.aml' -newer "$_out/tables.cpio")" ]; then
		(cd "$_out" && find kernel | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) \
			>"$_out/tables.cpio.new" || die "cpio of the ACPI tables of $1 failed"
		mv "$_out/tables.cpio.new" "$_out/tables.cpio"
	fi
	echo "$_out/tables.cpio"
}

# platform_initrd PLATFORM INITRD: print the initrd to boot PLATFORM with: INITRD itself, or,
# when acpi/PLATFORM exists, build/guest/acpi/PLATFORM/initrd-<kernel>.cpio (its tables, then INITRD).
platform_initrd() {
	if [ ! -d "$ROOT/acpi/$1" ]; then
		echo "$2"
		return 0
	fi
	_tab=$(acpi_tables "$1")
	_ird=$(dirname "$_tab")/initrd-$(basename "$(dirname "$2")").cpio
	if [ ! -f "$_ird" ] || [ "$_tab" -nt "$_ird" ] || [ "$2" -nt "$_ird" ]; then
		cat "$_tab" "$2" >"$_ird.new" || die "cannot write $_ird.new"
		mv "$_ird.new" "$_ird"
	fi
	echo "$_ird"
}

if [ "$(basename "$0")" = acpi.sh ]; then
	set -eu
	. "$(dirname "$0")/lib.sh"
	[ $# -eq 2 ] || die "usage: scripts/acpi.sh PLATFORM INITRD"
	platform_initrd "$@"
fi
