#!/bin/sh
# ACPI tables that a platform of scripts/qemu.sh adds to QEMU's, through the initrd (Linux's
# CONFIG_ACPI_TABLE_UPGRADE, Documentation/admin-guide/acpi/initrd_table_override.rst: an
# uncompressed cpio of kernel/firmware/acpi/*.aml before the initramfs; a table replaces the
# firmware's of the same signature and OEM ids when its OEM revision is higher, others are added).
# Sources: acpi/<PLATFORM>/*.dsl (data tables) and *.asl (AML), compiled with iasl (acpica-tools);
# acpi_aml also compiles tables that qemu.sh passes to QEMU itself (acpi/extport.asl).
# Sourced by qemu.sh, whose qemu_cmd boots platform_initrd; run directly to print that initrd:
#   scripts/acpi.sh PLATFORM INITRD
# Output, in build/guest/acpi/<PLATFORM>/: tables.cpio, and initrd-<kernel>.cpio (the tables, then
#   INITRD; <kernel> is the name of the directory of INITRD, as x86_64-stock-default); each
#   regenerated when one of its inputs is newer.

# acpi_aml SRC DIR: compile SRC (a .dsl data table or an .asl AML source) with iasl into DIR/<name>.aml,
# unless that is newer than SRC; print its path. Die when iasl is missing or fails.
acpi_aml() {
	_aml=$2/$(basename "${1%.*}").aml
	if [ ! -f "$_aml" ] || [ "$1" -nt "$_aml" ]; then
		command -v iasl >/dev/null || die "$1 needs iasl: install acpica-tools (make deps)"
		log acpi "${1#"$ROOT"/}"
		# Compiled in a directory of this process's own, outside the tree that acpi_tables packs
		# (two boots at a time may compile the same table); under a timeout, as iasl 20200925
		# loops on some malformed data tables instead of failing.
		mkdir -p "$2" "$B/guest"
		_td=$(mktemp -d "$B/guest/.iasl.XXXXXX")
		_p=$_td/$(basename "${1%.*}")
		if ! timeout 60 iasl -p "$_p" "$1" >"$_p.log" 2>&1; then
			cat "$_p.log" >&2
			die "iasl failed on ${1#"$ROOT"/} (log: $_p.log)"
		fi
		mv "$_p.aml" "$_aml"
		rm -rf "$_td"
	fi
	echo "$_aml"
}

# acpi_tables PLATFORM: compile acpi/PLATFORM's tables and pack them into tables.cpio; print its path.
acpi_tables() {
	_out=$B/guest/acpi/$1
	_fw=$_out/kernel/firmware/acpi
	for _t in "$ROOT/acpi/$1"/*.dsl "$ROOT/acpi/$1"/*.asl; do
		[ ! -f "$_t" ] || acpi_aml "$_t" "$_fw" >/dev/null
	done
	if [ ! -f "$_out/tables.cpio" ] || [ -n "$(find "$_fw" -name '*.aml' -newer "$_out/tables.cpio")" ]; then
		(cd "$_out" && find kernel | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) \
			>"$_out/tables.cpio.$$" || die "cpio of the ACPI tables of $1 failed"
		mv "$_out/tables.cpio.$$" "$_out/tables.cpio"
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
		cat "$_tab" "$2" >"$_ird.$$" || die "cannot write $_ird.$$"
		mv "$_ird.$$" "$_ird"
	fi
	echo "$_ird"
}

if [ "$(basename "$0")" = acpi.sh ]; then
	set -eu
	. "$(dirname "$0")/lib.sh"
	[ $# -eq 2 ] || die "usage: scripts/acpi.sh PLATFORM INITRD"
	platform_initrd "$@"
fi
