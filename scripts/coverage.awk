# The coverage check of VT-d caching mode (scripts/coverage.sh; README.md, "Coverage check"):
# every page unmapped must be covered by an IOTLB invalidation issued after its unmap and
# before its IOVA is mapped again, and by the end of the trace.
#   awk -f scripts/coverage.awk CONSOLE QEMUTRACE
# CONSOLE: the guest's dump (guest/bench.c, wb.cover=1), one buffer in the order the guest's
#   single CPU recorded it: "@@ C <i> K <marker>" (the marker's config write), "M <iova>
#   <size> <n>" (n consecutive iommu:map events of contiguous IOVA), "U <iova> <size>
#   <unmapped>" (iommu:unmap), "Q <qw0> <qw1> <qw2> <qw3>" (intel_iommu:qi_submit: each
#   descriptor the driver submitted), "F" (a call of intel_flush_iotlb_all: counted only), hex
#   without 0x.
# QEMUTRACE: QEMU's trace of the same boot (pci_cfg_write, vtd_inv_desc_iotlb_*, vtd_inv_qi_tail).
# Checked from the guest's first marker to its last (the last run ends with 100 ms of idle,
# so the flush queue's 10 ms timer has flushed):
# 1. The descriptor stream is what QEMU received: the guest's IOTLB invalidations (type 2;
#    granularity qw0 bits 5:4: 1 global, 2 domain, 3 page-selective; DID qw0 bits 31:16;
#    page-selective: address qw1 & ~0xfff, AM qw1 bits 5:0) and markers, in order, are
#    QEMU's vtd_inv_desc_iotlb_{global,domain,pages} and edu's pci_cfg_write at 0x40, one
#    for one (MISMATCH otherwise): the check rests on what the hardware model received.
# 2. The domain: the unmap events carry none. In caching mode every map is followed by a
#    page-selective invalidation of the new mapping (iotlb_sync_map) with its domain's DID:
#    each map is given the DID of the first invalidation after it that covers it (a map that
#    none covers is MAP-UNFLUSHED). The read workload's maps must all be of one domain, the
#    disk's (else an error); every unmap is taken to be of that domain, and only that DID's
#    invalidations (and global ones) clear pages.
# 3. The walk: an unmap makes its pages (iova .. iova + unmapped) pending; a page-selective
#    invalidation of the domain clears the pages of its naturally aligned block (2^AM pages at
#    the address with its low 12 + AM bits cleared, as the hardware reads it), a domain-
#    selective one of the domain or a global one clears all. A map of a pending page, and a
#    page still pending at the last marker, is a VIOLATION (printed with the iova and the
#    event indices). Zero violations, a complete dump and something unmapped: pass.
# Prints "coverage: pass: ..." or the errors, then "coverage: FAIL: ..."; exit 1 on failure.

function hex(s,   v, i, d) {
	v = 0; s = tolower(s); sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) { d = index("0123456789abcdef", substr(s, i, 1)); if (!d) return -1; v = v * 16 + d - 1 }
	return v
}
# low8 S: the value of S's last 8 hex digits (exact where S's whole value may not be)
function low8(s) { sub(/^0x/, "", s); return hex(length(s) > 8 ? substr(s, length(s) - 7) : s) }
function tohex(v,   s, d) {
	if (v == 0) return "0x0"
	s = ""
	while (v > 0) { d = v % 16; s = substr("0123456789abcdef", d + 1, 1) s; v = (v - d) / 16 }
	return "0x" s
}
function err(s) { nerr++; if (nerr <= 20) print "coverage: " s }
function viol(s) { nviol++; if (nviol <= 20) print "VIOLATION " s }
# the kind of a guest descriptor or QEMU event, as compared: "K v", "P did addr am", "D did", "G",
# "X <what>" (PASID-based: not handled by this check)
function qkind(q0, q1,   lo, t, g, did) {
	lo = low8(q0); t = lo % 16
	if (t == 6) return "X p_iotlb_inv"
	if (t != 2) return ""
	g = int(lo / 16) % 4; did = int(lo / 65536) % 65536
	if (g == 1) return "G"
	if (g == 2) return "D " did
	if (g == 3) return "P " did " " tohex(hex(q1) - hex(q1) % 4096) " " (low8(q1) % 64)
	return "X iotlb granularity 0"
}
function kname(k) { return substr(k, 1, 1) == "P" ? "page-selective" : substr(k, 1, 1) == "D" ? "domain-selective" : substr(k, 1, 1) == "G" ? "global" : substr(k, 1, 1) == "K" ? "marker" : k }

FNR == 1 { file++ }
{ sub(/\r$/, "") }
file == 1 && /^@@ COVER begin/ { began = 1 }
file == 1 && /^@@ COVER end / { ended = 1; for (i = 3; i <= NF; i++) { split($i, kv, "="); CE[kv[1]] = kv[2] } }
file == 1 && /^@@ COVER error / { err("the guest's dump: " substr($0, 16)) }
file == 1 && /^@@ BENCH error / { err("the guest: " substr($0, 16)) }
file == 1 && $1 == "@@" && $2 == "C" {
	# a line the console garbled (a kernel message written into it) is an error, not a number
	w = $4 == "K" ? 5 : $4 == "M" || $4 == "U" ? 7 : $4 == "Q" ? 8 : $4 == "F" ? 4 : 0
	bad = NF != w || $3 !~ /^[0-9]+$/
	for (j = 5; j <= NF && !bad; j++) if (($4 == "K" || ($4 == "M" && j == 7)) ? $j !~ /^[0-9]+$/ : $j !~ /^[0-9a-f]+$/) bad = 1
	if (bad) { err("console line " FNR ": malformed dump line: " $0); next }
	i = $3 + 0
	if (i != next_i && !gap) { err("the dump lost events " next_i ".." i - 1 " (console line " FNR ")"); gap = 1 }
	n++; IDX[n] = i; T[n] = $4
	if ($4 == "K") { A[n] = $5 + 0; next_i = i + 1; if (!firstk) firstk = n; lastk = n; nfa_at_k = nfa }
	else if ($4 == "M") { A[n] = hex($5); S[n] = hex($6); next_i = i + $7; nmapev += $7 }
	else if ($4 == "U") { A[n] = hex($5); S[n] = hex($7); next_i = i + 1 }
	else if ($4 == "Q") { K[n] = qkind($5, $6); next_i = i + 1; if (K[n] == "") nother++ }
	else if ($4 == "F") { next_i = i + 1; if (firstk) nfa++ }
	else err("console line " FNR ": unknown event " $4)
	next
}
file == 2 {
	l = $0; sub(/^[0-9]+@[0-9.]+:/, "", l)
	m = split(l, f, " ")
	e = f[1]; k = ""
	if (e == "pci_cfg_write" && f[2] == "edu" && f[4] == "@0x40") k = "K " hex(f[6])
	else if (e == "vtd_inv_desc_iotlb_global") k = "G"
	else if (e == "vtd_inv_desc_iotlb_domain" || e == "vtd_inv_desc_iotlb_pages") {
		did = addr = am = ""
		for (j = 2; j < m; j++) {
			if (f[j] == "domain") did = hex(f[j + 1])
			else if (f[j] == "addr") addr = tohex(hex(f[j + 1]))
			else if (f[j] == "mask") am = hex(f[j + 1])
		}
		if (did == "" || (e ~ /pages$/ && (addr == "" || am == ""))) { err("QEMU trace line " FNR ": cannot read " l); next }
		k = e ~ /pages$/ ? "P " did " " addr " " am : "D " did
	} else if (e ~ /^vtd_inv_desc_iotlb_pasid/) k = "X " e
	else if (e == "vtd_inv_qi_tail") { QT[++nq] = "T"; QL[nq] = FNR; next }
	if (k != "") { nq++; QT[nq] = k; QL[nq] = FNR }
	next
}
END {
	if (!began || !ended) err("the guest's dump is incomplete (no " (began ? "" : "\"@@ COVER begin\" ") (ended ? "" : "\"@@ COVER end\"") ")")
	else {
		if (CE["events"] + 0 != next_i) err("the dump has events up to " next_i " of the " CE["events"] " the guest read")
		if (CE["lost"] != "0") err("the guest's ring buffer lost " CE["lost"] " events (overrun): the trace is not whole")
	}
	if (lastk <= firstk) err("fewer than two markers in the guest's dump")

	# 1. the guest's descriptors and markers against QEMU's, one for one, from the first marker
	for (s = 1; s <= nq && QT[s] != "K " A[firstk]; s++) ;
	if (s > nq) err("QEMU's trace has no marker " A[firstk] " (pci_cfg_write edu @0x40)")
	else {
		q = s; nmis = 0
		for (x = firstk; x <= lastk; x++) {
			g = T[x] == "K" ? "K " A[x] : T[x] == "Q" ? K[x] : ""
			if (g == "") continue
			if (substr(g, 1, 1) == "X") { err("event " IDX[x] ": " substr(g, 3) " descriptor: this check handles second-stage IOTLB invalidations only"); continue }
			while (q <= nq && QT[q] == "T") { if (substr(g, 1, 1) != "K" || x > firstk) bells++; q++ }
			GC[kname(g)]++
			if (q > nq) { if (!nmis++) err("MISMATCH: QEMU's trace ends before the guest's event " IDX[x] " (" g ")"); continue }
			QC[kname(QT[q])]++
			if (QT[q] != g && !nmis++)
				err("MISMATCH at the guest's event " IDX[x] ": guest " g ", QEMU " QT[q] " (QEMU trace line " QL[q] ")")
			q++; ncmp++
		}
		for (c in GC) if (GC[c] != QC[c]) err("MISMATCH: " c ": guest " GC[c] + 0 ", QEMU " QC[c] + 0)
		for (c in QC) if (!(c in GC)) err("MISMATCH: " c ": guest 0, QEMU " QC[c])
	}

	# 2. each map's domain: the first invalidation after it that covers it
	nu = 0
	for (x = firstk; x <= lastk; x++) {
		if (T[x] == "M") { nu++; UM[nu] = x; continue }
		if (T[x] != "Q" || nu == 0) continue
		split(K[x], kk, " ")
		if (kk[1] == "P") { lo = hex(kk[3]); lo -= lo % (4096 * 2 ^ kk[4]); hi = lo + 4096 * 2 ^ kk[4] }
		else if (kk[1] != "D" && kk[1] != "G") continue
		for (j = 1; j <= nu; j++) {
			y = UM[j]
			if (kk[1] == "P" && (A[y] < lo || A[y] + S[y] > hi)) continue
			did = kk[1] == "G" ? "" : kk[2]
			if (did != "" && !(did in DOMS)) { DOMS[did] = 1; ndoms++; dlist = dlist " " did }
			UM[j] = UM[nu--]; j--
		}
	}
	for (j = 1; j <= nu; j++) err("MAP-UNFLUSHED: the map of iova " tohex(A[UM[j]]) " size " S[UM[j]] " (event " IDX[UM[j]] ") is covered by no invalidation after it (caching mode invalidates every new mapping)")
	if (ndoms != 1) err((ndoms ? "maps in " ndoms " domains (DIDs" dlist ")" : "no map in the trace") ": this check follows one domain, the disk's")
	else D0 = substr(dlist, 2)

	# 3. the walk
	if (D0 != "") for (x = firstk; x <= lastk; x++) {
		if (T[x] == "U") {
			nunmap++
			for (p = A[x] / 4096; p < (A[x] + S[x]) / 4096; p++) { PEND[p] = x; upages++ }
		} else if (T[x] == "M") {
			nmap++
			for (p = int(A[x] / 4096); p * 4096 < A[x] + S[x]; p++)
				if (p in PEND) {
					viol("iova " tohex(p * 4096) ": unmapped at event " IDX[PEND[p]] ", mapped again at event " IDX[x] " before an invalidation covered it")
					delete PEND[p]
				}
		} else if (T[x] == "Q" && K[x] != "") {
			split(K[x], kk, " ")
			if (kk[1] == "G" || (kk[1] == "D" && kk[2] == D0)) { split("", PEND); ninv[kk[1]]++ }
			else if (kk[1] == "P" && kk[2] == D0) {
				ninv["P"]++; ppages += 2 ^ kk[4]
				lo = hex(kk[3]) / 4096; lo -= lo % 2 ^ kk[4]
				if (kk[4] <= 16) { for (p = lo; p < lo + 2 ^ kk[4]; p++) delete PEND[p] }
				else for (p in PEND) if (p + 0 >= lo && p + 0 < lo + 2 ^ kk[4]) delete PEND[p]
			}
		}
	}
	for (p in PEND) viol("iova " tohex(p * 4096) ": unmapped at event " IDX[PEND[p]] ", still not invalidated at the last marker (event " IDX[lastk] ")")
	if (D0 != "" && !nunmap) err("nothing was unmapped between the markers: nothing to check")

	if (nviol > 20) print "VIOLATION ... " nviol - 20 " more"
	if (nerr > 20) print "coverage: ... " nerr - 20 " more errors"
	summary = (n + 0) " guest events (" nmapev + 0 " maps as " nmap + 0 " lines, " nunmap + 0 " unmaps of " upages + 0 " pages), domain " (D0 != "" ? D0 : "-") \
		", its invalidations: " ninv["P"] + 0 " page-selective (" ppages + 0 " pages), " ninv["D"] + 0 " domain-selective, " ninv["G"] + 0 " global; " \
		ncmp + 0 " descriptors and markers compared with QEMU's (" bells + 0 " queue-tail writes); " nfa_at_k + 0 " flush_iotlb_all calls" (nother ? ", " nother " other descriptors" : "")
	if (nviol || nerr) {
		print "coverage: FAIL: " (nviol ? nviol " VIOLATION(s)" : "") (nviol && nerr ? ", " : "") (nerr ? nerr " error(s)" : "") "; " summary
		exit 1
	}
	print "coverage: pass: 0 violations; " summary
}
