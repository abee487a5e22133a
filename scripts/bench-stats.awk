# make bench: tables, chart data and summary lines from build/bench/all.txt (POSIX awk).
# Input lines: "<platform> <mode> <raw line of scripts/bench.sh>". Variables: plats, modes
# (space separated, in table order), secs, reps, dat (gnuplot data file to write), miss (file to
# write "<where>|<why>" to, one line per missing number or failed boot).
# Prints bench.md's body on stdout; a value that should exist and does not prints MISSING and
# is listed in miss (a failed boot once, as "<platform> <mode> boot", not each of its numbers).

function median(k, n,   i, j, t, a) {
	for (i = 1; i <= n; i++) a[i] = V[k, i]
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	MIN = a[1]; MAX = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# stat P M W: set MED MIN MAX N of workload W's metric over the valid timed runs (dma: map+unmap
# latency in us, lower is better; rand: IOPS; seq: MB/s); 1 only if all reps runs are valid.
function stat(p, m, w,   k) {
	k = p SUBSEP m SUBSEP w
	N = NV[k] + 0
	if (N < reps) { MED = MIN = MAX = 0; return 0 }
	MED = median(k, N)
	return 1
}
# thr P M W: throughput of P/M/W (dma: map+unmap pairs per us, the inverse latency); -1 if missing.
function thr(p, m, w) {
	if (!stat(p, m, w) || MED <= 0) return -1
	return w ~ /^dma/ ? 1 / MED : MED
}
# missing P M WHAT WHY: record a missing number in miss (unless its boot failed: that is listed
# once) and return "MISSING".
function missing(p, m, what, why) {
	if (!((p, m) in FAIL) && !((p, m, what) in MISSED)) {
		MISSED[p, m, what] = 1
		printf "%s %s %s|%s\n", p, m, what, why > miss
	}
	return "MISSING"
}
# valid P M W R: 1 if run R of P/M/W printed its number and exited 0.
function valid(p, m, w, r) { return ((p, m, w, r) in RUNS) && ((p, m, w, r) in RCODE) && RCODE[p, m, w, r] == 0 }
# why P M W R: why run R of P/M/W is not valid.
function why(p, m, w, r) {
	if ((p, m, w, r) in RCODE && RCODE[p, m, w, r] != 0) return "exited " RCODE[p, m, w, r]
	if ((p, m, w, r) in RCODE) return "exited 0 but printed no number"
	if ((p, m, w, r) in RUNS) return "no exit status reported"
	return "did not run (the boot ended before it)"
}
# fmtc X: an events-per-operation figure (two decimals, or two significant digits below 0.1)
function fmtc(x) { return x == 0 ? "0" : x < 0.1 ? sprintf("%.2g", x) : sprintf("%.2f", x) }
function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x) }
# inv/bell class of a traced event on any platform: "inv" (an invalidation command or request),
# "bell" (a doorbell: the guest writes a register the emulator traps on), "map" (virtio map request).
function class(e) {
	if (e ~ /^vtd_inv_desc_iotlb/ || e ~ /^amdvi_(pages|all)_inval/ || e ~ /^smmuv3_cmdq_opcode:.*TLBI/ || e == "virtio_iommu_unmap") return "inv"
	if (e == "vtd_inv_qi_tail" || e ~ /^amdvi_mmio_(read|write):.*(COMMAND|CMDBUF|CMD).*TAIL/) return "bell"
	if (e == "virtio_iommu_map") return "map"
	return ""
}
# perop P M W C: events of class C per operation in the counted pass ("-" where not traced)
function perop(p, m, w, c,   k) {
	k = p SUBSEP m SUBSEP w
	if (!(k in COK)) return "MISSING"
	if (c == "bell" && (p == "virtio" || p == "smmuv3")) return "-"
	return fmtc(CNT[k, c] / OPS[k])
}
function label(m) { return m == "default-stock" ? "default (stock)" : m == "default-patched" ? "default (patched)" : m == "default-v2" ? "default (v2)" : m }
function inmodes(m,   j) { for (j = 1; j <= nm; j++) if (M[j] == m) return 1; return 0 }
# ran P M: 1 if P/M was booted (runs: "platform|mode ..." as bench.sh booted them; unset: all pairs)
function ran(p, m) { return runs == "" || ((p, m) in RUN) }
# G K / E EV: the guest-side count K (guest/bench.c's "gcount"), QEMU's count of event EV, of the
# counted run of P/M/W (globals CP CM CW)
function G(k) { return GC[CP, CM, CW, 0, k] }
function E(e) { return EV[CP, CM, CW, 0, e] + 0 }
# counters P M W: set CV[bell psi pages dsi gsi fa] of the counted run of read W on P/M (VT-d:
# QEMU's counts, which the guest's must equal; AMD: QEMU's completion waits, the guest's
# INVALIDATE_IOMMU_PAGES split by size, which QEMU's counts must total); "" or why it is missing.
function counters(p, m, w,   c, n) {
	CP = p; CM = m; CW = w
	if (!((p, m, w) in COK)) return "the counted run is missing"
	if (!((p, m, w, 0) in GCN)) return "no guest-side counts (guest/bench.c: " (NOTE[p, m] ~ /gtrace/ ? substr(NOTE[p, m], index(NOTE[p, m], "gtrace")) : "no gcount line") ")"
	if (G("marks") != 2) return "the guest's trace holds " G("marks") + 0 " of the run's 2 markers"
	if (G("lost") != 0) return "the guest's ring buffer lost " G("lost") " events"
	if (PM[p, m, w, 0] == "" || PM[p, m, w, 0] != PU[p, m, w, 0]) return "the plugin's map and unmap counts are absent or differ (maps=" PM[p, m, w, 0] " unmaps=" PU[p, m, w, 0] ")"
	CV["fa"] = G("flushall") + 0
	if (G("iommu") == "vtd") {
		if (E("vtd_inv_desc_iotlb_pasid") + E("vtd_inv_desc_iotlb_pasid_pages")) return "QEMU counted PASID-based invalidations, which this table does not"
		CV["bell"] = E("vtd_inv_qi_tail"); CV["psi"] = E("vtd_inv_desc_iotlb_pages"); CV["pages"] = E("vtd_pages_covered")
		CV["dsi"] = E("vtd_inv_desc_iotlb_domain"); CV["gsi"] = E("vtd_inv_desc_iotlb_global")
		n = split("psi page-selective pages pages-covered dsi domain-selective gsi global", c, " ")
		for (n = 1; n < 8; n += 2) if (G(c[n]) != CV[c[n]])
			return "guest and QEMU disagree on " c[n + 1] " invalidations: guest " G(c[n]) + 0 ", QEMU " CV[c[n]]
		return ""
	}
	if (G("iommu") != "amd") return "guest-side counts of an unknown IOMMU " G("iommu")
	CV["bell"] = E("amdvi_completion_wait"); CV["psi"] = G("psi") + 0; CV["pages"] = G("pages") + 0
	CV["dsi"] = G("dsi") + 0; CV["gsi"] = G("gsi") + 0
	if (G("cwait") != CV["bell"]) return "guest and QEMU disagree on completion waits: guest " G("cwait") + 0 ", QEMU " CV["bell"]
	if (G("psi") + G("dsi") != E("amdvi_pages_inval")) return "guest and QEMU disagree on INVALIDATE_IOMMU_PAGES: guest " G("psi") + G("dsi") ", QEMU " E("amdvi_pages_inval")
	if (G("gsi") != E("amdvi_all_inval")) return "guest and QEMU disagree on INVALIDATE_IOMMU_ALL: guest " G("gsi") + 0 ", QEMU " E("amdvi_all_inval")
	return ""
}

{ p = $1; m = $2; key = $3 }
key == "boot" { for (i = 4; i <= NF; i++) if ($i ~ /^kernel=/) { KER[p, m] = $i; sub(/^kernel=[^-]*-/, "", KER[p, m]); sub(/-.*/, "", KER[p, m]) } }
key == "fail" { s = $0; sub(/^[^ ]+ [^ ]+ fail /, "", s); FAIL[p, m] = s; printf "%s %s boot|%s\n", p, m, s > miss }
key == "type" { TYPE[p, m] = $4; BTYPE[p, m] = $5 }
key == "policy" { s = $0; sub(/^[^ ]+ [^ ]+ policy /, "", s); POL[p, m] = s }
key == "note" { s = $0; sub(/^[^ ]+ [^ ]+ note /, "", s); if (s !~ /^summary runs=[0-9]+ failed=0/) NOTE[p, m] = NOTE[p, m] " " s }
key == "rc" { RCODE[p, m, $4, $5] = $6 }
key == "window" { WIN[p, m, $4, $5] = 1 }
key == "count" { RC[p, m, $4, $5, class($6)] += $7; EV[p, m, $4, $5, $6] = $7 }
key == "gcount" { GCN[p, m, $4, $5] = 1; for (i = 6; i <= NF; i++) { split($i, kv, "="); GC[p, m, $4, $5, kv[1]] = kv[2] } }
key == "pairs" { a = $6; b = $7; sub(/^maps=/, "", a); sub(/^unmaps=/, "", b); PM[p, m, $4, $5] = a; PU[p, m, $4, $5] = b }
key == "run" {
	w = $4; r = $5
	if (w ~ /^dma/) {
		mp = $6; um = $7; sub(/^map=/, "", mp); sub(/^unmap=/, "", um)
		if (mp == "" || um == "") next
		v = mp + um
	} else {
		o = $6; sub(/^ops=/, "", o); IOOPS[p, m, w, r] = o
		v = w == "rand" ? $8 : $9; sub(/^[a-z]+=/, "", v)
	}
	RUNS[p, m, w, r] = v + 0
}
END {
	np = split(plats, P, " "); nm = split(modes, M, " "); nw = split("dma4k dma64k rand seq", W, " ")
	n = split(runs, RR, " ")
	for (i = 1; i <= n; i++) { split(RR[i], pm, "|"); RUN[pm[1], pm[2]] = 1 }
	for (i = 1; i <= np; i++) for (j = 1; j <= nm; j++) {
		p = P[i]; m = M[j]
		if (!ran(p, m)) continue
		if (!((p, m) in TYPE) && !((p, m) in FAIL)) { FAIL[p, m] = "no raw results"; printf "%s %s boot|no raw results\n", p, m > miss }
		for (x = 1; x <= nw; x++) {
			w = W[x]; k = p SUBSEP m SUBSEP w
			# timed runs: every one must be valid
			for (r = 1; r <= reps; r++) {
				if (valid(p, m, w, r)) V[k, ++NV[k]] = RUNS[p, m, w, r]
				else missing(p, m, w " run " r, w " " why(p, m, w, r))
			}
			# the counted pass (rep 0): valid, both markers traced with the events on, operations
			# counted exactly (dma: the plugin's map and unmap calls, which must agree; reads: I/Os)
			r = 0
			if (!valid(p, m, w, r)) { missing(p, m, w " counted run", w " " why(p, m, w, r)); continue }
			if (!((p, m, w, r) in WIN)) { missing(p, m, w " counts", "markers of the counted pass not traced with the events on"); continue }
			if (w ~ /^dma/) {
				o = PM[p, m, w, r]
				if (o == "" || o <= 0 || o != PU[p, m, w, r]) {
					missing(p, m, w " counts", "dma map/unmap calls not counted as pairs (maps=" o " unmaps=" PU[p, m, w, r] ")")
					continue
				}
			} else o = IOOPS[p, m, w, r]
			if (o <= 0) { missing(p, m, w " counts", "no I/O in the counted pass"); continue }
			OPS[k] = o
			CNT[k, "inv"] = RC[p, m, w, r, "inv"] + 0; CNT[k, "bell"] = RC[p, m, w, r, "bell"] + 0; CNT[k, "map"] = RC[p, m, w, r, "map"] + 0
			# strict and translated (mode strict, or the device's group is DMA): each unmap is
			# invalidated at once, so no invalidation at all means the events did not count
			t = w ~ /^dma/ ? TYPE[p, m] : BTYPE[p, m]
			if ((m ~ /^strict/ || t == "DMA") && CNT[k, "inv"] == 0) {
				missing(p, m, w " counts", "a strict translated run counted 0 invalidations (mode " m ", type " t ")")
				continue
			}
			COK[k] = 1
		}
	}

	print "## Timings"
	print ""
	print "Median (min–max) over the " reps " timed run(s) of one boot (a run that exited nonzero or printed no"
	print "number makes its cell missing). Absolute TCG numbers mean little; compare modes of one platform (\"Strict"
	print "against lazy\" below). \"type\": the domain type of the edu (dma_map_benchmark) device's group, then"
	print "of the virtio-blk disk's group, as the guest reported it."
	print ""
	print "| platform | mode | type | dma 4 KiB map+unmap µs | dma 64 KiB map+unmap µs | 4 KiB randread IOPS | 1 MiB seqread MB/s |"
	print "|---|---|---|---|---|---|---|"
	for (i = 1; i <= np; i++) for (j = 1; j <= nm; j++) {
		p = P[i]; m = M[j]
		if (!ran(p, m)) continue
		t = (p, m) in TYPE ? TYPE[p, m] (BTYPE[p, m] != TYPE[p, m] ? "," BTYPE[p, m] : "") : "MISSING"
		line = "| " p " | " label(m) (m !~ /^default/ && KER[p, m] == "stock" ? " (stock kernel)" : "") " | " t
		for (x = 1; x <= nw; x++) {
			w = W[x]
			if (stat(p, m, w)) line = line " | " fmt(MED) " (" fmt(MIN) "–" fmt(MAX) ")"
			else line = line " | MISSING" (NV[p, m, w] ? " (" NV[p, m, w] + 0 " of " reps " runs)" : "")
		}
		print line " |"
		if ((p, m) in NOTE) NOTES = NOTES "- " p " " m ":" NOTE[p, m] "\n"
		if ((p, m) in FAIL) NOTES = NOTES "- " p " " m ": boot failed: " FAIL[p, m] "\n"
	}
	print ""
	print "## Strict against lazy"
	print ""
	print "The strict and the lazy boot of each platform in this make bench. Timings: strict's median,"
	print "lazy's, and strict's throughput as a share of lazy's (dma: lazy's map+unmap latency / strict's;"
	print "reads: IOPS or MB/s). Invalidations: per operation in the counted pass, strict → lazy, and how"
	print "many times more strict sends (\"lazy 0\": lazy sent none)."
	print ""
	print "| platform | kernel | dma 4 KiB µs | dma 64 KiB µs | randread IOPS | seqread MB/s | inv per dma 4K pair | per dma 64K pair | per 4K read | per 1M read |"
	print "|---|---|---|---|---|---|---|---|---|---|"
	rows = 0
	for (i = 1; i <= np; i++) for (d = 0; d < 2; d++) {
		p = P[i]; s = d ? "strict-stock" : "strict"; l = d ? "lazy-stock" : "lazy"
		if (!inmodes(s) || !inmodes(l)) continue
		rows++
		line = "| " p " | " (d ? "stock" : (KER[p, s] == "stock" ? "stock (patched missing)" : "patched"))
		for (x = 1; x <= nw; x++) {
			w = W[x]
			a = thr(p, s, w); sv = MED; b = thr(p, l, w); lv = MED
			line = line " | " (a > 0 && b > 0 ? fmt(sv) " / " fmt(lv) ": " sprintf("%.0f%%", 100 * a / b) : "MISSING")
		}
		for (x = 1; x <= nw; x++) {
			w = W[x]; ks = p SUBSEP s SUBSEP w; kl = p SUBSEP l SUBSEP w
			if (!(ks in COK) || !(kl in COK)) { line = line " | MISSING"; continue }
			a = CNT[ks, "inv"] / OPS[ks]; b = CNT[kl, "inv"] / OPS[kl]
			line = line " | " fmtc(a) " → " fmtc(b) ": " (b > 0 ? sprintf(a / b < 10 ? "%.2f×" : "%.0f×", a / b) : "lazy 0")
		}
		print line " |"
	}
	if (!rows) print "| (needs both strict and lazy, or strict-stock and lazy-stock, in BENCH_MODES) | | | | | | | | | |"
	print ""
	print "## Invalidation work counted by QEMU (per operation)"
	print ""
	print "From the counted pass (each workload once more, 1 s, with the trace events on; the timed runs"
	print "above are untraced): events between the run's markers divided by operations, both exact: I/Os"
	print "for the reads; for dma_map_benchmark, map+unmap pairs, the calls of dma_map_page_attrs and of"
	print "dma_unmap_page_attrs between the markers, counted by a QEMU plugin (scripts/bench-plugin.c; they"
	print "must agree). \"pairs\": those counts (dma 4K, dma 64K)."
	print "inv: intel vtd_inv_desc_iotlb_{pages,domain,global,pasid*}; amd amdvi_{pages,all}_inval;"
	print "smmuv3 smmuv3_cmdq_opcode CMD_TLBI_*; virtio virtio_iommu_unmap (requests)."
	print "bell (doorbells the emulator traps on): intel vtd_inv_qi_tail; amd amdvi_mmio_read (QEMU traces writes"
	print "under that name) of the command tail register; smmuv3 and virtio: not traced by QEMU 7.2"
	print "(smmuv3_cmdq_consume fires per command, not per CMDQ_PROD write; every smmuv3 TLBI is"
	print "followed by a CMD_SYNC). A strict translated run that counts no invalidation is missing."
	print ""
	print "| platform | mode | pairs | dma 4K inv/op | bell/op | dma 64K inv/op | bell/op | randread inv/IO | bell/IO | seqread inv/IO | bell/IO |"
	print "|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= np; i++) for (j = 1; j <= nm; j++) {
		p = P[i]; m = M[j]
		if (!ran(p, m)) continue
		pr = ((p, m, "dma4k") in COK ? OPS[p, m, "dma4k"] : "MISSING") ", " ((p, m, "dma64k") in COK ? OPS[p, m, "dma64k"] : "MISSING")
		line = "| " p " | " label(m) (m !~ /^default/ && KER[p, m] == "stock" ? " (stock kernel)" : "") " | " pr
		for (x = 1; x <= nw; x++) line = line " | " perop(p, m, W[x], "inv") " | " perop(p, m, W[x], "bell")
		print line " |"
	}
	# a check of the plugin's pair counts where QEMU counts maps too (virtio: one MAP request per map)
	cal = ""
	for (j = 1; j <= nm; j++) for (x = 1; x <= 2; x++) {
		k = "virtio" SUBSEP M[j] SUBSEP W[x]
		if ((k in COK) && CNT[k, "map"] > 0)
			cal = cal sprintf("%s %s: %d / %d = %.3f; ", M[j], W[x], CNT[k, "map"], OPS[k], CNT[k, "map"] / OPS[k])
	}
	if (cal != "") { print ""; print "Check of the pair counts on virtio-iommu (MAP requests counted by QEMU / pairs counted by the plugin): " cal }

	# the invalidation counters of series 2's comparison: VT-d and AMD-Vi, per 1000 reads
	print ""
	print "## Invalidation counters per 1000 reads (VT-d, AMD-Vi)"
	print ""
	print "The counted pass's reads (1 s each, events on), per 1000 I/Os (ioload's count). VT-d (intel, intel-cm):"
	print "QEMU's trace: doorbells = queue-tail writes (vtd_inv_qi_tail), page-selective = vtd_inv_desc_iotlb_pages,"
	print "pages covered = the sum of their 2^mask, domain-selective = vtd_inv_desc_iotlb_domain, global ="
	print "vtd_inv_desc_iotlb_global; the guest's own count of each (every descriptor the driver submitted,"
	print "tracepoint intel_iommu:qi_submit, between the same markers) must be equal. AMD-Vi (amd): QEMU 7.2's"
	print "amdvi_pages_inval carries only the domain id, so the guest counts the commands (a kprobe event on"
	print "__iommu_queue_command_sync): doorbells = completion waits (QEMU's amdvi_completion_wait, equal to the"
	print "guest's COMPLETION_WAIT count), page-selective = INVALIDATE_IOMMU_PAGES of a range and the pages it"
	print "encodes, domain-selective = the same command for all pages (address 0x7ffffffffffff000 with S), their"
	print "sum equal to QEMU's amdvi_pages_inval; global = INVALIDATE_IOMMU_ALL (= QEMU's amdvi_all_inval). flush-all:"
	print "the guest's calls of the driver's flush_iotlb_all (kprobe events on intel_flush_iotlb_all,"
	print "amd_iommu_flush_iotlb_all): the flush queue's domain-wide flush (v2 lazy), its fallback (page-selective"
	print "lazy). maps: the DMA maps (dma_map_page_attrs calls, counted by the plugin; one per segment of a read)."
	print "Where guest and QEMU disagree the row has no numbers (listed in missing.txt). \"type\": the disk's group."
	print ""
	print "| platform | mode | kernel | type | reads | maps | doorbells | page-selective | pages covered | domain-selective | global | flush-all |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|"
	nco = split("strict strict-v2 lazy-v2 lazy strict-stock lazy-stock default-stock default-v2 default-patched passthrough", CO, " ")
	for (j = 1; j <= nm; j++) { for (x = 1; x <= nco; x++) if (CO[x] == M[j]) break; if (x > nco) CO[++nco] = M[j] }
	rows = 0
	for (i = 1; i <= np; i++) {
		p = P[i]
		if (p !~ /^(intel|intel-cm|amd)$/) continue
		for (j = 1; j <= nco; j++) {
			m = CO[j]
			if (!inmodes(m) || !ran(p, m)) continue
			for (x = 3; x <= 4; x++) {
				w = W[x]
				line = "| " p " | " label(m) " | " (KER[p, m] != "" ? KER[p, m] : "-") " | " ((p, m) in BTYPE ? BTYPE[p, m] : "MISSING") " | " (w == "rand" ? "4 KiB" : "1 MiB")
				cause = counters(p, m, w)
				if (cause != "") {
					missing(p, m, w " invalidation counters", cause)
					line = line " | MISSING | MISSING | MISSING | MISSING | MISSING | MISSING | MISSING"
				} else {
					CV["maps"] = PM[p, m, w, 0] + 0
					n = split("maps bell psi pages dsi gsi fa", c, " ")
					for (y = 1; y <= n; y++) line = line " | " (CV[c[y]] ? fmt(1000 * CV[c[y]] / OPS[p, m, w]) : "0")
				}
				print line " |"; rows++
			}
		}
	}
	if (!rows) print "| (no intel, intel-cm or amd boot in this bench) | | | | | | | | | | | |"

	print ""
	print "## Summary"
	print ""
	print "\"Permitted\": modes the policy lets the command line select on this platform, i.e. the forced run"
	print "got the type it asked for (passthrough: identity, strict: DMA, lazy: DMA-FQ); a mode a requirement"
	print "overrides (no identity, no deferred flush, memory encryption...) is not permitted. \"Fastest\": the"
	print "permitted mode with the highest geometric mean of the two virtio-blk reads' throughput; R: the"
	print "geometric mean of the default's read throughput relative to that mode's, per read in parentheses."
	print "dma_map_benchmark is left out here: under passthrough it times dma-direct (~0.3 µs, at the 0.1 µs"
	print "resolution of its report), nothing a translated mode can be measured against."
	print ""
	want["passthrough"] = "identity"; want["strict"] = "DMA"; want["lazy"] = "DMA-FQ"
	nr = split("rand seq", RW, " ")
	for (i = 1; i <= np; i++) {
		p = P[i]; best = ""; bestg = -1; perm = ""
		for (j = 1; j <= nm; j++) {
			m = M[j]
			if (!(m in want) || TYPE[p, m] != want[m]) continue
			perm = perm (perm == "" ? "" : ",") m
			g = 0; ok = 1
			for (x = 1; x <= nr; x++) { s = thr(p, m, RW[x]); if (s <= 0) ok = 0; else g += log(s) }
			if (ok && (best == "" || g / nr > bestg)) { bestg = g / nr; best = m }
		}
		line = p ": "
		for (d = 0; d < 2; d++) {
			m = d ? "default-stock" : "default-patched"
			if (!inmodes(m)) continue
			if (best == "" || !((p, m) in TYPE)) { line = line (d ? "; stock " : "") "default: MISSING"; continue }
			g = 0; ok = 1; per = ""
			for (x = 1; x <= nr; x++) {
				a = thr(p, m, RW[x]); b = thr(p, best, RW[x])
				if (a <= 0 || b <= 0) { ok = 0; break }
				g += log(a / b); per = per (per == "" ? "" : ", ") RW[x] " " sprintf("%.0f%%", 100 * a / b)
			}
			r = ok ? sprintf("%.0f%%", 100 * exp(g / nr)) : "MISSING"
			if (d) line = line "; stock default: " TYPE[p, m] ", " r
			else line = line "default: " TYPE[p, m] "; " TYPE[p, m] " reaches " r " of the fastest mode the policy permits here (" best "; " per ")"
		}
		if (line == p ": ") line = line "fastest permitted mode: " (best != "" ? best : "MISSING")
		print line (perm != "" ? "; permitted: " perm : "; permitted: MISSING")
		print ""
	}
	print "## What the patched kernel said (its default: the per-instance line, else the invalidation line)"
	print ""
	for (i = 1; i <= np; i++) if ((P[i], "default-patched") in POL) print "- " P[i] ": " POL[P[i], "default-patched"]
	print ""
	if (NOTES != "") { print "## Notes"; print ""; printf "%s", NOTES }

	# chart data: one block per workload; rows: platform, then per mode median, min, max
	for (x = 1; x <= nw; x++) {
		w = W[x]
		printf "# %s\n", w > dat
		for (i = 1; i <= np; i++) {
			printf "%s", P[i] > dat
			for (j = 1; j <= nm; j++) {
				if (!stat(P[i], M[j], w)) { printf " NaN NaN NaN" > dat; continue }
				printf " %g %g %g", MED, MIN, MAX > dat
			}
			printf "\n" > dat
		}
		printf "\n\n" > dat
	}
	close(miss)
}
