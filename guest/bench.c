// SPDX-License-Identifier: GPL-2.0
/*
 * bench - the guest side of "make bench", run by /init as /bench/run (wb.bench=run).
 *
 * Binds QEMU's edu device (1234:11e8) to dma_map_benchmark, then runs each workload
 * wb.reps times, each run wb.secs seconds, in this order:
 *
 *   dma4k   /bench/dma_map_benchmark -t 1 -s SECS -g 1 -d 2     (4 KiB map+unmap)
 *   dma64k  /bench/dma_map_benchmark -t 1 -s SECS -g 16 -d 2    (64 KiB map+unmap)
 *   rand    /bench/ioload -m randread -b 4k -t SECS /dev/vda    (O_DIRECT 4 KiB random reads)
 *   seq     /bench/ioload -m seqread -b 1m -t SECS /dev/vda     (O_DIRECT 1 MiB sequential reads)
 *
 * (-d 2 is DMA_FROM_DEVICE: the benchmark does not memset the buffer before each map.)
 * Parameters from /proc/cmdline: wb.secs=<n> (default 2), wb.reps=<n> (default 3),
 * wb.failrc=<workload> (a test hook of make bench's checks: that workload's runs report exit
 * status 1 although the program succeeded, so the host must discard their numbers).
 * With wb.count=1, a counted pass follows: "@@ BENCH trace-on" (the host then turns
 * QEMU's trace events on through its monitor), 2 s pause, then each workload once for
 * 1 s as rep 0. The timed reps (1..n) thus run untraced: tracing costs QEMU a write
 * per event, which would be charged to the modes that invalidate most.
 *
 * Every run is framed by markers, on the console and in /dev/kmsg:
 *
 *   @@ BENCH mark <n> <workload> <rep> begin|end
 *
 * and, so that QEMU's trace can be cut at the same points, by a one-byte write of
 * <n> (1, 2, ...; begin odd, end even) at offset 0x40 of the edu device's PCI config
 * space (no register there: QEMU traces it as pci_cfg_write and ignores it). Each run
 * is preceded and followed by a 100 ms pause so deferred (lazy) flushes (10 ms) land inside it.
 * Lines of the workloads themselves follow their begin marker, then
 * "@@ BENCH elapsed <workload> <rep> <seconds>" (wall time of the program), then after the
 * end marker "@@ BENCH rc <workload> <rep> <exit status>" (the host keeps the numbers of a run
 * only if this line says 0). Ends with
 * "@@ BENCH summary runs=<n> failed=<n>"; exit status 1 if any run failed.
 *
 * Guest-side counts (x86 VT-d and AMD-Vi, a kernel with CONFIG_KPROBE_EVENTS): in the counted
 * pass, tracefs records, per read run (rand, seq), the IOMMU's invalidation commands as the driver queues them:
 * VT-d every descriptor (tracepoint intel_iommu:qi_submit), AMD every command (a kprobe event
 * on __iommu_queue_command_sync: its struct iommu_cmd), the driver's flush_iotlb_all calls
 * (a kprobe event on intel_flush_iotlb_all / amd_iommu_flush_iotlb_all), and the marker's
 * config write (a kprobe event on pci_conf1_write, filtered to edu's offset 0x40: it runs with
 * interrupts off up to the port write that QEMU traces as pci_cfg_write, so a command is
 * before the marker in the guest's buffer exactly when it is in QEMU's trace). After each run
 * (tracing off), the commands between its two markers are counted:
 *
 *   @@ BENCH gcount <workload> <rep> iommu=vtd marks=<n> lost=<n> descs=<n> psi=<n> pages=<n> dsi=<n> gsi=<n> flushall=<n>
 *   @@ BENCH gcount <workload> <rep> iommu=amd marks=<n> lost=<n> cmds=<n> psi=<n> pages=<n> dsi=<n> gsi=<n> cwait=<n> flushall=<n>
 *
 * marks: markers of the run found (2 when complete); lost: events the ring buffer dropped
 * (overrun); VT-d: descs all descriptors, psi/dsi/gsi the IOTLB invalidations by granularity
 * (page-selective, domain, global), pages 2^AM summed over psi; AMD: cmds all commands, psi
 * INVALIDATE_IOMMU_PAGES of a range (pages: its size decoded as build_inv_address encodes
 * it), dsi the same command for all pages (address 0x7ffffffffffff000 with S), gsi
 * INVALIDATE_IOMMU_ALL, cwait COMPLETION_WAIT. A setup failure prints "@@ BENCH error
 * gtrace: ..." (a kprobe that does not register names its function: inlined or absent).
 * Test hooks of make bench's checks: wb.gskew=1 adds 1 to psi (the host must then find that
 * the guest's and QEMU's counts disagree); wb.gtsym=<function> puts the flush-all kprobe on
 * that function instead (one that does not exist, or was inlined, must make the counts missing).
 *
 * With wb.cover=1 (scripts/coverage.sh), instead of the runs above: rand and seq once each
 * (wb.secs seconds, at most wb.ops reads if given), traced in one buffer with iommu:map and
 * iommu:unmap, qi_submit and the marker, then dumped on the console, one line per event:
 *
 *   @@ COVER begin                          @@ COVER end events=<n> lost=<n>
 *   @@ C <i> K <marker>                     @@ C <i> Q <qw0> <qw1> <qw2> <qw3>   (descriptor)
 *   @@ C <i> U <iova> <size> <unmapped>     @@ C <i> M <iova> <size> <n>
 *   @@ C <i> F                              (a call of the driver's flush_iotlb_all)
 *
 * (hex without 0x; <i> is the event's index in the buffer; M merges n consecutive map events
 * of contiguous IOVA, as iommu_map_sg makes per segment, so the next index is <i> + n).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char edu[256];		/* PCI address of the edu device, "" if none */
static int seq_no;		/* last marker number */
static char failrc[32];		/* wb.failrc=: workload whose exit status is forced to 1 */
static char gt_iommu[8];	/* guest-side tracing set up for this IOMMU: "vtd", "amd"; "" if not */
static int io_ops;		/* wb.ops=: at most this many reads per ioload run (0: no limit) */
static int cover;		/* wb.cover=1: the coverage pass only */
static int gskew;		/* wb.gskew=1: a test hook: report one page-selective invalidation too many */
static char gtsym[64];		/* wb.gtsym=: a test hook: the flush-all kprobe's function instead */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), rc = 0;

	if (fd < 0)
		return -1;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		rc = -1;
	close(fd);
	return rc;
}

static void read_first(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static int param(const char *cmdline, const char *key, int def)
{
	const char *s = strstr(cmdline, key);
	int v;

	if (!s || sscanf(s + strlen(key), "%d", &v) != 1 || v <= 0)
		return def;
	return v;
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* find_edu - the first PCI device 1234:11e8 into edu[]. */
static void find_edu(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char p[512], v[32], id[32];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		read_first(p, v, sizeof(v));
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		read_first(p, id, sizeof(id));
		if (!strcmp(v, "0x1234") && !strcmp(id, "0x11e8")) {
			snprintf(edu, sizeof(edu), "%s", e->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
}

/* mark - marker number ++seq_no on the console, in /dev/kmsg and in edu's config space. */
static void mark(const char *work, int rep, const char *what)
{
	char line[160], p[256];
	unsigned char b;
	int fd;

	seq_no++;
	snprintf(line, sizeof(line), "@@ BENCH mark %d %s %d %s\n", seq_no, work, rep, what);
	fputs(line, stdout);
	fflush(stdout);
	write_file("/dev/kmsg", line + 3);
	if (!edu[0])
		return;
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/config", edu);
	fd = open(p, O_WRONLY);
	b = seq_no & 0xff;
	if (fd < 0 || pwrite(fd, &b, 1, 0x40) != 1)
		printf("@@ BENCH error marker %d: %s: %s\n", seq_no, p, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static int run(char *const argv[])
{
	int st = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 126;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define TR "/sys/kernel/tracing"

/* tr_write - write @s to tracefs file @file (appending if @app); report a failure. */
static int tr_write(const char *file, const char *s, int app)
{
	char p[256];
	int fd, rc = 0;

	snprintf(p, sizeof(p), TR "/%s", file);
	fd = open(p, O_WRONLY | (app ? O_APPEND : O_TRUNC));
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		rc = -1;
	if (rc)
		printf("@@ BENCH error gtrace: %s <- '%.*s': %s\n", p, (int)strcspn(s, "\n"), s, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* gt_lost - events the ring buffer of CPU 0 lost (overrun, commit overrun, dropped). */
static unsigned long long gt_lost(void)
{
	FILE *f = fopen(TR "/per_cpu/cpu0/stats", "r");
	unsigned long long n, lost = 0;
	char l[128];

	if (!f)
		return ~0ULL;
	while (fgets(l, sizeof(l), f))
		if (sscanf(l, "overrun: %llu", &n) == 1 || sscanf(l, "commit overrun: %llu", &n) == 1 ||
		    sscanf(l, "dropped events: %llu", &n) == 1)
			lost += n;
	fclose(f);
	return lost;
}

/*
 * gtrace_setup - tracefs for the guest-side counts (@cover: and the coverage dump): the
 * marker's, the IOMMU's and the flush-all kprobe events, its tracepoints; tracing off and the
 * buffer empty. Sets gt_iommu; 0 on success, -1 (after an error line) if anything failed.
 */
static int gtrace_setup(int cover)
{
	unsigned int dom, bus, slot, fn;
	char s[256];
	int vtd = access("/sys/class/iommu/dmar0", F_OK) == 0;
	int amd = access("/sys/class/iommu/ivhd0", F_OK) == 0;
	int rc = 0;

	if (!vtd && !amd)
		return 0;
	mount("tracefs", TR, "tracefs", 0, NULL);
	if (access(TR "/kprobe_events", W_OK)) {
		printf("@@ BENCH error gtrace: " TR "/kprobe_events: %s (a kernel without CONFIG_KPROBE_EVENTS?)\n",
		       strerror(errno));
		return -1;
	}
	if (!edu[0] || sscanf(edu, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4) {
		printf("@@ BENCH error gtrace: no edu device for the markers\n");
		return -1;
	}
	rc |= tr_write("tracing_on", "0", 0);
	rc |= tr_write("trace", "", 0);
	rc |= tr_write("kprobe_events", "", 0);
	rc |= tr_write("buffer_size_kb", cover ? "49152" : "24576", 0);
	rc |= tr_write("kprobe_events", "p:wb/wbmark pci_conf1_write bus=%si:u32 devfn=%dx:u32 reg=%cx:s32 val=%r9:u32\n", 1);
	if (amd)
		rc |= tr_write("kprobe_events", "p:wb/wbamd __iommu_queue_command_sync "
			       "w0=+0(%si):x32 w1=+4(%si):x32 w2=+8(%si):x32 w3=+12(%si):x32\n", 1);
	snprintf(s, sizeof(s), "p:wb/wbfa %s\n", gtsym[0] ? gtsym : vtd ? "intel_flush_iotlb_all" : "amd_iommu_flush_iotlb_all");
	rc |= tr_write("kprobe_events", s, 1);
	if (rc)
		return -1;
	snprintf(s, sizeof(s), "bus == %u && devfn == %u && reg == 64", bus, slot << 3 | fn);
	rc |= tr_write("events/wb/wbmark/filter", s, 0);
	rc |= tr_write("events/wb/enable", "1", 0);
	if (vtd)
		rc |= tr_write("events/intel_iommu/qi_submit/enable", "1", 0);
	if (cover) {
		rc |= tr_write("events/iommu/map/enable", "1", 0);
		rc |= tr_write("events/iommu/unmap/enable", "1", 0);
	}
	if (rc)
		return -1;
	snprintf(gt_iommu, sizeof(gt_iommu), "%s", vtd ? "vtd" : "amd");
	return 0;
}

/* ev_args - the text after "<event>: " in trace line @l, NULL if @l is not that event. */
static const char *ev_args(const char *l, const char *ev)
{
	char k[40];
	const char *p;

	snprintf(k, sizeof(k), ": %s: ", ev);
	p = strstr(l, k);
	return p ? p + strlen(k) : NULL;
}

/* kv - the number after "<key>=" in @s (base 0: 0x is hex), 0 if none. */
static unsigned long long kv(const char *s, const char *key)
{
	char k[24];
	const char *p;

	snprintf(k, sizeof(k), " %s=", key);
	p = strstr(s, k);
	return p ? strtoull(p + strlen(k), NULL, 0) : 0;
}

/* qi_words - the 4 descriptor words of a qi_submit event's text @a ("<type> <iommu>: qw0 .."). */
static int qi_words(const char *a, unsigned long long q[4])
{
	const char *p = strstr(a, ": ");

	return p && sscanf(p + 2, "%llx %llx %llx %llx", &q[0], &q[1], &q[2], &q[3]) == 4;
}

/*
 * gtrace_count - count the IOMMU commands between markers @b and @e in the trace buffer and
 * print them as "@@ BENCH gcount" (see the top of this file).
 */
static void gtrace_count(const char *work, int rep, int b, int e)
{
	unsigned long long q[4], n[8] = { 0 }, pages = 0, lost = gt_lost();
	enum { ALL, PSI, DSI, GSI, CWAIT, FA };
	FILE *f = fopen(TR "/trace", "r");
	int in = 0, marks = 0, amd = !strcmp(gt_iommu, "amd");
	static char l[1024];
	const char *a;

	while (f && fgets(l, sizeof(l), f)) {
		if ((a = ev_args(l, "wbmark"))) {
			int v = kv(a - 1, "val");

			if (!in && v == (b & 0xff) && !marks)
				in = 1, marks++;
			else if (in && v == (e & 0xff))
				in = 0, marks++;
			continue;
		}
		if (!in)
			continue;
		if (ev_args(l, "wbfa")) {
			n[FA]++;
		} else if ((a = ev_args(l, "qi_submit")) && qi_words(a, q)) {
			n[ALL]++;
			if ((q[0] & 0xf) == 2) {	/* IOTLB invalidation, granularity in bits 5:4 */
				switch (q[0] >> 4 & 3) {
				case 1: n[GSI]++; break;
				case 2: n[DSI]++; break;
				case 3: n[PSI]++; pages += 1ULL << (q[1] & 0x3f); break;
				}
			}
		} else if ((a = ev_args(l, "wbamd"))) {
			unsigned long long w1 = kv(a - 1, "w1");
			unsigned long long addr = (kv(a - 1, "w3") << 32 | kv(a - 1, "w2")) & ~0xfffULL;
			int sbit = kv(a - 1, "w2") & 1, t = 0;

			n[ALL]++;
			switch (w1 >> 28) {
			case 0x1: n[CWAIT]++; break;
			case 0x8: n[GSI]++; break;
			case 0x3:
				if (sbit && addr == 0x7ffffffffffff000ULL) {
					n[DSI]++;
					break;
				}
				/* S: the range is 2^(t+1) pages, t the ones above bit 11 */
				while (sbit && t < 52 && (addr >> (12 + t) & 1))
					t++;
				n[PSI]++;
				pages += sbit ? 2ULL << t : 1;
				break;
			}
		}
	}
	if (f)
		fclose(f);
	n[PSI] += gskew;
	if (amd)
		printf("@@ BENCH gcount %s %d iommu=amd marks=%d lost=%llu cmds=%llu psi=%llu pages=%llu dsi=%llu gsi=%llu cwait=%llu flushall=%llu\n",
		       work, rep, marks, lost, n[ALL], n[PSI], pages, n[DSI], n[GSI], n[CWAIT], n[FA]);
	else
		printf("@@ BENCH gcount %s %d iommu=vtd marks=%d lost=%llu descs=%llu psi=%llu pages=%llu dsi=%llu gsi=%llu flushall=%llu\n",
		       work, rep, marks, lost, n[ALL], n[PSI], pages, n[DSI], n[GSI], n[FA]);
}

/* gtrace_dump - the whole buffer on the console as "@@ C" lines (see the top of this file). */
static void gtrace_dump(void)
{
	unsigned long long q[4], mi = 0, ms = 0, lost = gt_lost();
	FILE *f = fopen(TR "/trace", "r");
	int i = 0, mn = 0, m0 = 0;
	static char l[1024];
	char lvl[64];
	const char *a;

	/* no kernel message on the console while it dumps: one would garble a line */
	read_first("/proc/sys/kernel/printk", lvl, sizeof(lvl));
	write_file("/proc/sys/kernel/printk", "1");
	printf("@@ COVER begin\n");
	while (f && fgets(l, sizeof(l), f)) {
		unsigned long long iova, end, x, size, un;
		int map = (a = ev_args(l, "map")) && sscanf(a, "IOMMU: iova=%llx - %llx paddr=%llx size=%llu",
							   &iova, &end, &x, &size) == 4;

		if (map && mn && iova == mi + ms) {
			ms += size, mn++, i++;
			continue;
		}
		if (mn)
			printf("@@ C %d M %llx %llx %d\n", m0, mi, ms, mn);
		mn = 0;
		if (map) {
			m0 = i++, mi = iova, ms = size, mn = 1;
		} else if ((a = ev_args(l, "unmap")) &&
			   sscanf(a, "IOMMU: iova=%llx - %llx size=%llu unmapped_size=%llu", &iova, &end, &size, &un) == 4) {
			printf("@@ C %d U %llx %llx %llx\n", i++, iova, size, un);
		} else if ((a = ev_args(l, "qi_submit")) && qi_words(a, q)) {
			printf("@@ C %d Q %llx %llx %llx %llx\n", i++, q[0], q[1], q[2], q[3]);
		} else if ((a = ev_args(l, "wbmark"))) {
			printf("@@ C %d K %llu\n", i++, kv(a - 1, "val"));
		} else if (ev_args(l, "wbfa")) {
			printf("@@ C %d F\n", i++);
		} else if (l[0] != '#' && l[0] != '\n') {
			printf("@@ COVER error unparsed trace line: %s", l);
		}
	}
	if (mn)
		printf("@@ C %d M %llx %llx %d\n", m0, mi, ms, mn);
	if (f)
		fclose(f);
	printf("@@ COVER end events=%d lost=%llu\n", i, lost);
	fflush(stdout);
	lvl[strcspn(lvl, " \t")] = 0;
	if (lvl[0])
		write_file("/proc/sys/kernel/printk", lvl);
}

static const char *const works[] = { "dma4k", "dma64k", "rand", "seq" };

/* one - run workload @w (index in works[]) once for @secs seconds as rep @r, between markers; 1 if it failed. */
static int one(unsigned int w, int r, char *secs)
{
	char *dma[] = { "/bench/dma_map_benchmark", "-t", "1", "-s", secs, "-g",
			w == 0 ? "1" : "16", "-d", "2", NULL };
	char ops[16];
	char *io[] = { "/bench/ioload", "-m", w == 2 ? "randread" : "seqread", "-b",
		       w == 2 ? "4k" : "1m", "-t", secs, "/dev/vda", NULL, NULL, NULL };
	struct timespec t0, t1;
	int rc, b;

	if (io_ops > 0) {
		snprintf(ops, sizeof(ops), "%d", io_ops);
		io[7] = "-n", io[8] = ops, io[9] = "/dev/vda";
	}
	/* counted pass: the guest-side counts of this run alone (coverage: one buffer for all) */
	if (r == 0 && w >= 2 && gt_iommu[0] && !cover)
		tr_write("trace", "", 0), tr_write("tracing_on", "1", 0);
	pause_ms(100);
	mark(works[w], r, "begin");
	b = seq_no;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = run(w < 2 ? dma : io);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!rc && !strcmp(failrc, works[w])) {
		printf("@@ BENCH error %s %d: exit status forced to 1 (wb.failrc=%s)\n", works[w], r, failrc);
		rc = 1;
	}
	printf("@@ BENCH elapsed %s %d %.3f\n", works[w], r,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	pause_ms(100);
	mark(works[w], r, "end");
	if (r == 0 && w >= 2 && gt_iommu[0] && !cover) {
		tr_write("tracing_on", "0", 0);
		gtrace_count(works[w], r, b, seq_no);
	}
	printf("@@ BENCH rc %s %d %d\n", works[w], r, rc);
	return rc != 0;
}

int main(void)
{
	char cmdline[4096], secs[16], p[512], type[64];
	int nsecs, reps, runs = 0, failed = 0, dma_ok = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	read_first("/proc/cmdline", cmdline, sizeof(cmdline));
	nsecs = param(cmdline, "wb.secs=", 2);
	reps = param(cmdline, "wb.reps=", 3);
	snprintf(secs, sizeof(secs), "%d", nsecs);
	if (strstr(cmdline, "wb.failrc=") && sscanf(strstr(cmdline, "wb.failrc=") + 10, "%31s", failrc) != 1)
		failrc[0] = 0;
	io_ops = param(cmdline, "wb.ops=", 0);
	cover = strstr(cmdline, "wb.cover=1") != NULL;
	gskew = strstr(cmdline, "wb.gskew=1") != NULL;
	if (strstr(cmdline, "wb.gtsym=") && sscanf(strstr(cmdline, "wb.gtsym=") + 9, "%63s", gtsym) != 1)
		gtsym[0] = 0;

	find_edu();
	if (!edu[0]) {
		printf("@@ BENCH error no edu device (1234:11e8)\n");
	} else {
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver_override", edu);
		if (write_file(p, "dma_map_benchmark") || write_file("/sys/bus/pci/drivers_probe", edu))
			printf("@@ BENCH error binding %s to dma_map_benchmark: %s\n", edu, strerror(errno));
		dma_ok = access("/sys/kernel/debug/dma_map_benchmark", R_OK | W_OK) == 0;
		if (!dma_ok)
			printf("@@ BENCH error /sys/kernel/debug/dma_map_benchmark: %s\n", strerror(errno));
	}
	/* the group's type as bound: on virtio-iommu the edu device joins a group only now */
	type[0] = 0;
	if (edu[0]) {
		char grp[256];
		ssize_t n;

		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/iommu_group", edu);
		n = readlink(p, grp, sizeof(grp) - 1);

		if (n > 0) {
			grp[n] = 0;
			snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/type", strrchr(grp, '/') + 1);
			read_first(p, type, sizeof(type));
		}
	}
	printf("@@ BENCH setup edu=%s dma_map_benchmark=%s edu_type=%s secs=%d reps=%d\n", edu[0] ? edu : "-",
	       dma_ok ? "yes" : "no", type[0] ? type : "-", nsecs, reps);

	if (cover) {
		/* the coverage pass: rand and seq in one trace buffer, dumped on the console */
		if (gtrace_setup(1) || !gt_iommu[0]) {
			printf("@@ BENCH error gtrace: no guest-side tracing for the coverage pass\n");
			failed++;
		} else {
			tr_write("tracing_on", "1", 0);
			failed += one(2, 0, secs);
			failed += one(3, 0, secs);
			tr_write("tracing_on", "0", 0);
			gtrace_dump();
		}
		printf("@@ BENCH summary runs=2 failed=%d\n", failed);
		return failed ? 1 : 0;
	}
	for (unsigned int w = 0; w < 4; w++)
		for (int r = 1; r <= reps; r++)
			failed += one(w, r, secs);
	runs = 4 * reps;
	if (strstr(cmdline, "wb.count=1")) {
		/* guest-side counts (VT-d, AMD-Vi): set up before QEMU's events are on */
		gtrace_setup(0);
		/* counted pass: the host turns the trace events on when it sees this line */
		printf("@@ BENCH trace-on\n");
		fflush(stdout);
		pause_ms(2000);
		for (unsigned int w = 0; w < 4; w++)
			failed += one(w, 0, "1");
		runs += 4;
	}
	printf("@@ BENCH summary runs=%d failed=%d\n", runs, failed);
	return failed ? 1 : 0;
}
