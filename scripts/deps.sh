#!/bin/sh
# Install every Debian package the workbench needs (idempotent; apt-get update only when needed).
set -eu
. "$(dirname "$0")/lib.sh"
need_pkgs make gcc libc6-dev git xz-utils bc flex bison cpio lz4 libelf-dev libssl-dev ccache perl python3 python3-ply python3-git sparse \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-s390x-linux-gnu qemu-system-x86 qemu-system-arm acpica-tools
log deps "all packages present"
