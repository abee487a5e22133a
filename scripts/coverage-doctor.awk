# Make a broken input for the coverage check (tests/fixtures/coverage/): remove one
# invalidation descriptor, as if the driver had never submitted it.
#   awk -v drop=<i> -v from=both|qemu|guest -v out=<prefix> -f scripts/coverage-doctor.awk CONSOLE QEMUTRACE
# drop: the guest event index of a "@@ C <i> Q" line (an IOTLB invalidation, type 2) after the
# first marker. from=both removes it from the guest's dump (later indices renumbered: the
# buffer never held it) and the same descriptor from QEMU's trace (the same position in the
# compared stream: markers and vtd_inv_desc_iotlb_* lines from the first marker); qemu or
# guest: from that side only. Writes <prefix>.console and <prefix>.qemu: the "@@" lines of the
# console, and QEMU's lines that coverage.awk reads, from the first marker on. Without drop:
# only that (a trimmed copy of a real run).
function hex(s,   v, i, d) {
	v = 0; s = tolower(s); sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) { d = index("0123456789abcdef", substr(s, i, 1)); if (!d) return -1; v = v * 16 + d - 1 }
	return v
}
function low8(s) { return hex(length(s) > 8 ? substr(s, length(s) - 7) : s) }
FNR == 1 { file++ }
{ sub(/\r$/, "") }
file == 1 && /^@@ / {
	if ($2 == "C" && $4 == "K" && first == "") first = $5
	if ($2 == "C" && first != "" && !done && ($4 == "K" || ($4 == "Q" && low8($5) % 16 == 2))) pos++
	if ($2 == "C" && drop != "" && $3 + 0 == drop) {
		if ($4 != "Q" || low8($5) % 16 != 2 || first == "") { print "coverage-doctor: event " drop " is not an IOTLB invalidation after the first marker" > "/dev/stderr"; bad = 1; exit 1 }
		done = 1; want = pos
		if (from != "qemu") next
	}
	if ($2 == "C" && done && from != "qemu") { $3 = $3 - 1 }
	if ($1 " " $2 " " $3 == "@@ COVER end" && done && from != "qemu") { sub(/events=[0-9]+/, "events=" substr($4, 8) - 1) }
	print > (out ".console")
	next
}
file == 2 {
	l = $0; sub(/^[0-9]+@[0-9.]+:/, "", l)
	split(l, f, " ")
	k = f[1] == "pci_cfg_write" && f[2] == "edu" && f[4] == "@0x40"
	if (k && !started && hex(f[6]) == first + 0) started = 1
	if (!started) next
	if (!(k || f[1] ~ /^vtd_inv_desc_iotlb/ || f[1] == "vtd_inv_qi_tail")) next
	if (k || f[1] ~ /^vtd_inv_desc_iotlb/) q++
	if (q == want && f[1] ~ /^vtd_inv_desc_iotlb/ && from != "guest" && !qdone) { qdone = 1; next }
	print > (out ".qemu")
}
END {
	if (bad) exit 1
	if (drop == "") exit 0
	if (!done) { print "coverage-doctor: no event " drop " in the console" > "/dev/stderr"; exit 1 }
	if (from != "guest" && !qdone) { print "coverage-doctor: QEMU's trace has no descriptor at position " want > "/dev/stderr"; exit 1 }
}
