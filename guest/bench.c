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
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char edu[256];		/* PCI address of the edu device, "" if none */
static int seq_no;		/* last marker number */
static char failrc[32];		/* wb.failrc=: workload whose exit status is forced to 1 */

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

static const char *const works[] = { "dma4k", "dma64k", "rand", "seq" };

/* one - run workload @w (index in works[]) once for @secs seconds as rep @r, between markers; 1 if it failed. */
static int one(unsigned int w, int r, char *secs)
{
	char *dma[] = { "/bench/dma_map_benchmark", "-t", "1", "-s", secs, "-g",
			w == 0 ? "1" : "16", "-d", "2", NULL };
	char *io[] = { "/bench/ioload", "-m", w == 2 ? "randread" : "seqread", "-b",
		       w == 2 ? "4k" : "1m", "-t", secs, "/dev/vda", NULL };
	struct timespec t0, t1;
	int rc;

	pause_ms(100);
	mark(works[w], r, "begin");
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

	for (unsigned int w = 0; w < 4; w++)
		for (int r = 1; r <= reps; r++)
			failed += one(w, r, secs);
	runs = 4 * reps;
	if (strstr(cmdline, "wb.count=1")) {
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
