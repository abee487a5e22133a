#!/bin/sh
# scripts/cc.sh COMPILER ARGS...: kbuild's CC and HOSTCC (build.sh, the robot builds): ccache
# COMPILER ARGS, in the depend mode that lib.sh asks for, or COMPILER ARGS alone for a source that
# holds an .incbin (wrappers of other files' bytes: piggy.S, vdso and realmode wrappers,
# configs.c). Depend mode does not see an .incbin, as ccache's preprocessor mode does, and cached
# arch/x86/boot/compressed/piggy.S, whose text names the kernel it wraps only by its sizes: a
# bzImage then held the kernel of the previous build (make check's mutants: mutant 04's kernel
# booted for mutant 09, built in another objdir). Not through ccache at all, an entry that such a
# run stored is not used either.
for _a; do
	case $_a in
	*.S | *.c) if [ -f "$_a" ] && grep -q incbin "$_a"; then exec "$@"; fi ;;
	esac
done
exec ccache "$@"
