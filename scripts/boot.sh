#!/bin/sh
# Boot one scenario under QEMU and print its result lines (README.md, "Result lines").
# Inputs (environment): KARCH VARIANT KCONFIG_DEFAULT (which built kernel), PLATFORM (row of
#   scripts/qemu.sh), PLATFORM_OPTS, CMDLINE (extra kernel parameters), SCENARIO (log name;
#   default built from the inputs), TIMEOUT (seconds, default 120), CONSOLE=1 to also show the console,
#   OBJ (the kernel's O= dir; default build/obj/KARCH-VARIANT-KCONFIG_DEFAULT).
# Output: build/logs/<scenario>.log (console), .cmd (the QEMU command). Exit 1 unless the
#   guest reached "@@ DONE" with no panic, timeout or failed KTAP.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

KARCH=${KARCH:-x86_64} VARIANT=${VARIANT:-stock} KCONFIG_DEFAULT=${KCONFIG_DEFAULT:-default}
PLATFORM=${PLATFORM:-none} PLATFORM_OPTS=${PLATFORM_OPTS:-} CMDLINE=${CMDLINE:-} TIMEOUT=${TIMEOUT:-120}
arch_vars "$KARCH"
OBJ=${OBJ:-$B/obj/$KARCH-$VARIANT-$KCONFIG_DEFAULT}
SCENARIO=${SCENARIO:-$(echo "$KARCH-$VARIANT-$KCONFIG_DEFAULT-$PLATFORM${PLATFORM_OPTS:+-$PLATFORM_OPTS}${CMDLINE:+-$CMDLINE}" | tr ' /' '+_')}
LOG=$B/logs/$SCENARIO.log
[ -f "$OBJ/$IMAGE" ] && [ -f "$OBJ/initramfs.cpio" ] ||
	die "scenario $SCENARIO: kernel not built (make build KARCH=$KARCH VARIANT=$VARIANT KCONFIG_DEFAULT=$KCONFIG_DEFAULT)"
mkdir -p "$B/logs"
[ -f "$B/disk.img" ] || truncate -s 1M "$B/disk.img"
platform_row "$KARCH" "$PLATFORM" >/dev/null
{
	echo "#!/bin/sh"
	printf "exec "
	qemu_cmd "$KARCH" "$PLATFORM" "$OBJ/$IMAGE" "$OBJ/initramfs.cpio" "$CMDLINE" "$B/disk.img"
} >"$B/logs/$SCENARIO.cmd"

log boot "$SCENARIO (log: $LOG)"
t0=$(date +%s)
{
	rc=0
	timeout -k 5 "$TIMEOUT" sh "$B/logs/$SCENARIO.cmd" </dev/null 2>&1 || rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		printf "\nwb: timeout after %s s, QEMU killed\n" "$TIMEOUT"
	else
		printf "\nwb: qemu rc=%s\n" "$rc"
	fi
} | if [ "${CONSOLE:-}" = 1 ]; then tee "$LOG"; else cat >"$LOG"; fi
echo "scenario $SCENARIO"
rc=0
res=$(sh "$ROOT/scripts/parse.sh" "$LOG") || rc=$?
echo "$res"
log boot "$SCENARIO: $(echo "$res" | sed -n 's/^status //p') in $(($(date +%s) - t0)) s"
exit $rc
