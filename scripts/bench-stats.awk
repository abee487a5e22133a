# make bench: tables, chart data and summary lines from build/bench/all.txt (POSIX awk).
# Input lines: "<platform> <mode> <raw line of scripts/bench.sh>". Variables: plats, modes
# (space separated, in table order), secs, reps, dat (gnuplot data file to write).
# Prints bench.md's body on stdout; a value that should exist and does not prints MISSING.

function median(k, n,   i, j, t, a) {
	for (i = 1; i <= n; i++) a[i] = V[k, i]
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	MIN = a[1]; MAX = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# stat P M W: set MED MIN MAX N of the throughput-side metric of workload W
# (dma: map+unmap latency in us, lower is better; rand: IOPS; seq: MB/s); 0 if no run.
function stat(p, m, w,   k) {
	k = p SUBSEP m SUBSEP w
	N = NV[k] + 0
	if (!N) { MED = MIN = MAX = 0; return 0 }
	MED = median(k, N)
	return 1
}
# speed P M W: median throughput of P/M/W relative to the same platform's passthrough (1 = as fast).
function speed(p, m, w,   a, b) {
	if (!stat(p, m, w)) return -1
	a = MED
	if (!stat(p, "passthrough", w)) return -1
	b = MED
	if (a <= 0 || b <= 0) return -1
	return w ~ /^dma/ ? b / a : a / b
}
function pct(x) { return x < 0 ? "MISSING" : sprintf("%.0f%%", 100 * x) }
function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x) }
# inv/bell class of a traced event on any platform: "inv" (an invalidation command or request),
# "bell" (a doorbell: the guest writes a register the emulator traps on), "map" (virtio map request).
function class(e) {
	if (e ~ /^vtd_inv_desc_iotlb/ || e ~ /^amdvi_(pages|all)_inval/ || e ~ /^smmuv3_cmdq_opcode:.*TLBI/ || e == "virtio_iommu_unmap") return "inv"
	if (e == "vtd_inv_qi_tail" || e ~ /^amdvi_mmio_(read|write):.*(COMMAND|CMDBUF|CMD).*TAIL/) return "bell"
	if (e == "virtio_iommu_map") return "map"
	return ""
}
# per P M W class: events per operation over all traced runs ("-" when the platform has no such event)
function perop(p, m, w, c,   k) {
	k = p SUBSEP m SUBSEP w
	if (!(k in OPS) || OPS[k] <= 0) return "MISSING"
	if (c == "bell" && (p == "virtio" || p == "smmuv3")) return "-"
	return sprintf("%.2f", CNT[k, c] / OPS[k])
}
function label(m) { return m == "default-stock" ? "default (stock)" : m == "default-patched" ? "default (patched)" : m }

{ p = $1; m = $2; key = $3 }
key == "boot" { for (i = 4; i <= NF; i++) if ($i ~ /^kernel=/) { KER[p, m] = $i; sub(/^kernel=[^-]*-/, "", KER[p, m]); sub(/-.*/, "", KER[p, m]) } }
key == "type" { TYPE[p, m] = $4; BTYPE[p, m] = $5 }
key == "policy" { s = $0; sub(/^[^ ]+ [^ ]+ policy /, "", s); POL[p, m] = s }
key == "note" { s = $0; sub(/^[^ ]+ [^ ]+ note /, "", s); if (s !~ /^summary runs=[0-9]+ failed=0/) NOTE[p, m] = NOTE[p, m] " " s }
key == "elapsed" { EL[p, m, $4, $5] = $6 }
key == "window" { WIN[p, m, $4, $5] = 1 }
key == "count" { RC[p, m, $4, $5, class($6)] += $7 }
key == "run" {
	w = $4; r = $5
	if (w ~ /^dma/) {
		mp = $6; um = $7; sub(/^map=/, "", mp); sub(/^unmap=/, "", um)
		if (mp == "" || um == "") next
		v = mp + um
		LAT[p, m, w, r] = v
	} else {
		o = $6; sub(/^ops=/, "", o); IOOPS[p, m, w, r] = o
		v = w == "rand" ? $8 : $9; sub(/^[a-z]+=/, "", v)
	}
	RUNS[p, m, w, r] = 1
	if (r == 0) next	# the counted (traced) pass: for the counts only
	k = p SUBSEP m SUBSEP w
	V[k, ++NV[k]] = v + 0
}
END {
	np = split(plats, P, " "); nm = split(modes, M, " "); nw = split("dma4k dma64k rand seq", W, " ")
	# per-op counts from the counted pass (rep 0); dma ops are estimated from elapsed time / latency
	for (i = 1; i <= np; i++) for (j = 1; j <= nm; j++) for (x = 1; x <= nw; x++) {
		p = P[i]; m = M[j]; w = W[x]; k = p SUBSEP m SUBSEP w; r = 0
		if (!((p, m, w, r) in RUNS) || !((p, m, w, r) in WIN)) continue
		o = w ~ /^dma/ ? (LAT[p, m, w, r] > 0 ? 1e6 * EL[p, m, w, r] / LAT[p, m, w, r] : 0) : IOOPS[p, m, w, r]
		OPS[k] += o
		CNT[k, "inv"] += RC[p, m, w, r, "inv"]; CNT[k, "bell"] += RC[p, m, w, r, "bell"]; CNT[k, "map"] += RC[p, m, w, r, "map"]
	}

	print "## Timings"
	print ""
	print "Median (min–max) over the runs of one boot; \"vs pt\": throughput as a share of passthrough on the"
	print "same platform in this run (dma: inverse of map+unmap latency). Absolute TCG numbers mean little; only"
	print "the ratios are claimed. \"type\": the domain type of the edu (dma_map_benchmark) device's group, then"
	print "of the virtio-blk disk's group, as the guest reported it."
	print ""
	print "| platform | mode | type | dma 4 KiB map+unmap µs | vs pt | dma 64 KiB map+unmap µs | vs pt | 4 KiB randread IOPS | vs pt | 1 MiB seqread MB/s | vs pt |"
	print "|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= np; i++) for (j = 1; j <= nm; j++) {
		p = P[i]; m = M[j]
		t = (p, m) in TYPE ? TYPE[p, m] (BTYPE[p, m] != TYPE[p, m] ? "," BTYPE[p, m] : "") : "MISSING"
		line = "| " p " | " label(m) (m !~ /^default/ && KER[p, m] == "stock" ? " (stock kernel)" : "") " | " t
		for (x = 1; x <= nw; x++) {
			w = W[x]
			if (stat(p, m, w)) line = line " | " fmt(MED) " (" fmt(MIN) "–" fmt(MAX) ")" (N < reps ? " n=" N : "") " | " pct(speed(p, m, w))
			else line = line " | MISSING | MISSING"
		}
		print line " |"
		if ((p, m) in NOTE) NOTES = NOTES "- " p " " m ":" NOTE[p, m] "\n"
	}
	print ""
	print "## Invalidation work counted by QEMU (per operation)"
	print ""
	print "From the counted pass (each workload once more, 1 s, with the trace events on; the timed runs"
	print "above are untraced): events between the run's markers divided by operations: I/Os for the reads"
	print "(exact); map+unmap pairs for dma_map_benchmark, ESTIMATED as run time / (map+unmap latency),"
	print "which overestimates pairs (loop overhead is not in the latencies): those are lower bounds."
	print "inv: intel vtd_inv_desc_iotlb_{pages,domain,global,pasid*}; amd amdvi_{pages,all}_inval;"
	print "smmuv3 smmuv3_cmdq_opcode CMD_TLBI_*; virtio virtio_iommu_unmap (requests)."
	print "bell (doorbells the emulator traps on): intel vtd_inv_qi_tail; amd amdvi_mmio_read (QEMU traces writes"
	print "under that name) of the command tail register; smmuv3 and virtio: not traced by QEMU 7.2"
	print "(smmuv3_cmdq_consume fires per command, not per CMDQ_PROD write; every smmuv3 TLBI is"
	print "followed by a CMD_SYNC)."
	print ""
	print "| platform | mode | dma 4K inv/op | bell/op | dma 64K inv/op | bell/op | randread inv/IO | bell/IO | seqread inv/IO | bell/IO |"
	print "|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= np; i++) for (j = 1; j <= nm; j++) {
		p = P[i]; m = M[j]
		line = "| " p " | " label(m) (m !~ /^default/ && KER[p, m] == "stock" ? " (stock kernel)" : "")
		for (x = 1; x <= nw; x++) line = line " | " perop(p, m, W[x], "inv") " | " perop(p, m, W[x], "bell")
		print line " |"
	}
	# calibration of the dma op estimate where QEMU counts maps (virtio: one MAP request per map)
	cal = ""
	for (j = 1; j <= nm; j++) for (x = 1; x <= 2; x++) {
		k = "virtio" SUBSEP M[j] SUBSEP W[x]
		if ((k in OPS) && OPS[k] > 0 && CNT[k, "map"] > 0)
			cal = cal sprintf("%s %s: %.0f counted / %.0f estimated = %.2f; ", M[j], W[x], CNT[k, "map"], OPS[k], CNT[k, "map"] / OPS[k])
	}
	if (cal != "") { print ""; print "Check of the dma op estimate on virtio-iommu (MAP requests counted by QEMU / pairs estimated): " cal }

	print ""
	print "## Summary"
	print ""
	print "\"Permitted\": modes the policy lets the command line select on this platform, i.e. the forced run"
	print "got the type it asked for (passthrough: identity, strict: DMA, lazy: DMA-FQ); a mode a requirement"
	print "overrides (no identity, no deferred flush, memory encryption...) is not permitted. \"Fastest\": the"
	print "permitted mode with the highest geometric mean over the four workloads of its speed vs passthrough;"
	print "R: the geometric mean of the default's speed vs that mode's, per workload in parentheses."
	print ""
	want["passthrough"] = "identity"; want["strict"] = "DMA"; want["lazy"] = "DMA-FQ"
	for (i = 1; i <= np; i++) {
		p = P[i]; best = ""; bestg = -1; perm = ""
		for (j = 1; j <= nm; j++) {
			m = M[j]
			if (!(m in want) || TYPE[p, m] != want[m]) continue
			perm = perm (perm == "" ? "" : ",") m
			g = 0; ok = 1
			for (x = 1; x <= nw; x++) { s = speed(p, m, W[x]); if (s <= 0) ok = 0; else g += log(s) }
			if (ok && exp(g / nw) > bestg) { bestg = exp(g / nw); best = m }
		}
		line = p ": "
		for (d = 0; d < 2; d++) {
			m = d ? "default-stock" : "default-patched"
			if (index(modes, m) == 0) continue
			if (best == "" || !((p, m) in TYPE)) { line = line (d ? " (stock " : "") "default: MISSING" (d ? ")" : ""); continue }
			g = 0; ok = 1; per = ""
			for (x = 1; x <= nw; x++) {
				a = speed(p, m, W[x]); b = speed(p, best, W[x])
				if (a <= 0 || b <= 0) { ok = 0; break }
				g += log(a / b); per = per (per == "" ? "" : ", ") W[x] " " sprintf("%.0f%%", 100 * a / b)
			}
			r = ok ? sprintf("%.0f%%", 100 * exp(g / nw)) : "MISSING"
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
	if (NOTES != "") { print "## Notes from the guest"; print ""; printf "%s", NOTES }

	# chart data: one block per workload; rows: platform, then per mode median/min/max % of passthrough
	for (x = 1; x <= nw; x++) {
		w = W[x]
		printf "# %s\n", w > dat
		for (i = 1; i <= np; i++) {
			p = P[i]; printf "%s", p > dat
			stat(p, "passthrough", w); pt = MED
			for (j = 1; j <= nm; j++) {
				if (!stat(P[i], M[j], w) || pt <= 0) { printf " NaN NaN NaN" > dat; continue }
				if (w ~ /^dma/) printf " %.1f %.1f %.1f", 100 * pt / MED, 100 * pt / MAX, 100 * pt / MIN > dat
				else printf " %.1f %.1f %.1f", 100 * MED / pt, 100 * MIN / pt, 100 * MAX / pt > dat
			}
			printf "\n" > dat
		}
		printf "\n\n" > dat
	}
}
