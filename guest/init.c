// SPDX-License-Identifier: GPL-2.0
/*
 * Guest /init: report IOMMU instances, groups and PCI devices as "@@" lines on the
 * console, run the selftests in /selftests and an optional bench, then power off.
 * Hook: wb.settype=<type> writes <type> to the virtio-blk device's group type first.
 * Hook: wb.fqfail makes that group's flush queue fail to allocate on a DMA-FQ write (fq_fail).
 * Why a group has its type is in the kernel's boot log, not here.
 * Line formats are documented in README.md ("Console lines").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

static char cmdline[4096];

/* read_line - first line of @path into @buf (newline stripped); "-" if unreadable. */
static const char *read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	strcpy(buf, "-");
	if (!f)
		return buf;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = 0;
	else
		buf[0] = 0;
	fclose(f);
	return buf;
}

/* link_name - basename of the symlink target of @path into @buf; "-" if none. */
static const char *link_name(const char *path, char *buf, size_t len)
{
	char t[PATH_MAX];
	ssize_t n = readlink(path, t, sizeof(t) - 1);

	if (n < 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	t[n] = 0;
	snprintf(buf, len, "%s", strrchr(t, '/') ? strrchr(t, '/') + 1 : t);
	return buf;
}

static int cmp_name(const struct dirent **a, const struct dirent **b)
{
	const char *x = (*a)->d_name, *y = (*b)->d_name;

	if (strlen(x) != strlen(y))
		return strlen(x) < strlen(y) ? -1 : 1;
	return strcmp(x, y);
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* list_dir - sorted entries of @dir (numbers in numeric order); returns count, -1 if none. */
static int list_dir(const char *dir, struct dirent ***out)
{
	return scandir(dir, out, not_dot, cmp_name);
}

/* report_groups - "@@ GROUP <n> type=<t> iommu=<inst|-> devices=<d,...>" per group. */
static void report_groups(void)
{
	struct dirent **g, **d;
	int ng = list_dir("/sys/kernel/iommu_groups", &g);

	if (ng <= 0)
		printf("@@ GROUP none\n");
	for (int i = 0; i < ng; i++) {
		char p[512], type[64], inst[64] = "-", devs[2048] = "";
		int nd;

		snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/type", g[i]->d_name);
		read_line(p, type, sizeof(type));
		snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/devices", g[i]->d_name);
		nd = list_dir(p, &d);
		for (int j = 0; j < nd; j++) {
			if (j == 0) {
				snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/devices/%s/iommu",
					 g[i]->d_name, d[j]->d_name);
				link_name(p, inst, sizeof(inst));
			}
			snprintf(devs + strlen(devs), sizeof(devs) - strlen(devs), "%s%s",
				 j ? "," : "", d[j]->d_name);
			free(d[j]);
		}
		if (nd >= 0)
			free(d);
		printf("@@ GROUP %s type=%s iommu=%s devices=%s\n", g[i]->d_name, type, inst,
		       nd > 0 ? devs : "-");
		free(g[i]);
	}
	if (ng >= 0)
		free(g);
}

/* report_devices - "@@ DEVICE <bdf> id=<vendor>:<device> driver=<drv|-> group=<n|->" per PCI device. */
static void report_devices(void)
{
	struct dirent **d;
	int n = list_dir("/sys/bus/pci/devices", &d);

	for (int i = 0; i < n; i++) {
		char p[512], ven[16], dev[16], drv[64], grp[64];
		const char *b = "/sys/bus/pci/devices";

		snprintf(p, sizeof(p), "%s/%s/vendor", b, d[i]->d_name);
		read_line(p, ven, sizeof(ven));
		snprintf(p, sizeof(p), "%s/%s/device", b, d[i]->d_name);
		read_line(p, dev, sizeof(dev));
		snprintf(p, sizeof(p), "%s/%s/driver", b, d[i]->d_name);
		link_name(p, drv, sizeof(drv));
		snprintf(p, sizeof(p), "%s/%s/iommu_group", b, d[i]->d_name);
		link_name(p, grp, sizeof(grp));
		printf("@@ DEVICE %s id=%s:%s driver=%s group=%s\n", d[i]->d_name,
		       ven + (strncmp(ven, "0x", 2) ? 0 : 2), dev + (strncmp(dev, "0x", 2) ? 0 : 2), drv, grp);
		free(d[i]);
	}
	if (n >= 0)
		free(d);
}

/* report_iommus - "@@ IOMMU <inst>" per /sys/class/iommu entry. */
static void report_iommus(void)
{
	struct dirent **d;
	int n = list_dir("/sys/class/iommu", &d);

	for (int i = 0; i < n; i++) {
		printf("@@ IOMMU %s\n", d[i]->d_name);
		free(d[i]);
	}
	if (n >= 0)
		free(d);
}

/* errno_str - "0" for @err 0, else "-<NAME>" for the usual sysfs store errors, or "-<number>". */
static const char *errno_str(int err, char *buf, size_t len)
{
	static const struct { int e; const char *name; } names[] = {
		{ EINVAL, "EINVAL" }, { EPERM, "EPERM" }, { EACCES, "EACCES" }, { EBUSY, "EBUSY" },
		{ ENOENT, "ENOENT" }, { ENODEV, "ENODEV" }, { ENOMEM, "ENOMEM" }, { EIO, "EIO" },
	};

	snprintf(buf, len, err ? "-%d" : "0", err);
	for (size_t i = 0; err && i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			snprintf(buf, len, "-%s", names[i].name);
	return buf;
}

/* write_str - write @val to the file @path; 0 or the errno. */
static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	return err;
}

/* group_type - write @type to the type file of IOMMU group @grp if @type, else leave it; then
 * read the group's type into @buf. Returns 0 or the write's errno. */
static int group_type(const char *grp, const char *type, char *buf, size_t len)
{
	char p[256];
	int err = 0;

	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/type", grp);
	if (type)
		err = write_str(p, type);
	read_line(p, buf, len);
	return err;
}

/* group_driverless - 1 if no device of IOMMU group @grp has a driver bound. */
static int group_driverless(const char *grp)
{
	char p[512];
	struct dirent **d;
	int n, ret = 1;

	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/devices", grp);
	n = list_dir(p, &d);
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/devices/%s/driver", grp, d[i]->d_name);
		if (access(p, F_OK) == 0)
			ret = 0;
		free(d[i]);
	}
	if (n >= 0)
		free(d);
	return ret;
}

/* find_blk - the PCI address of the first virtio-blk device (1af4:1042) into @bdf; 0, or -1. */
static int find_blk(char *bdf, size_t len)
{
	const char *b = "/sys/bus/pci/devices";
	struct dirent **d;
	int n = list_dir(b, &d), found = -1;

	for (int i = 0; i < n; i++) {
		char p[512], ven[16], dev[16];

		snprintf(p, sizeof(p), "%s/%s/vendor", b, d[i]->d_name);
		read_line(p, ven, sizeof(ven));
		snprintf(p, sizeof(p), "%s/%s/device", b, d[i]->d_name);
		read_line(p, dev, sizeof(dev));
		if (found && !strcmp(ven, "0x1af4") && !strcmp(dev, "0x1042")) {
			snprintf(bdf, len, "%s", d[i]->d_name);
			found = 0;
		}
		free(d[i]);
	}
	if (n >= 0)
		free(d);
	return found;
}

/*
 * set_types - hook: with "wb.settype=<type>" on the command line, write <type> to the type
 * file of the IOMMU group of the virtio-blk device (1af4:1042), as a user would, and print
 * "@@ SETTYPE group=<n> type=<type> rc=<0|-errno>".
 */
static void set_types(void)
{
	const char *s = strstr(cmdline, "wb.settype=");
	char type[64], bdf[64], p[512], grp[64], t[64], rc[32];

	if (!s || sscanf(s + 11, "%63[^ \n]", type) != 1 || find_blk(bdf, sizeof(bdf)))
		return;
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	link_name(p, grp, sizeof(grp));
	printf("@@ SETTYPE group=%s type=%s rc=%s\n", grp, type,
	       errno_str(group_type(grp, type, t, sizeof(t)), rc, sizeof(rc)));
}

/*
 * text_range - [@start, @end) of the kernel function @name: its address in /proc/kallsyms and
 * the next higher symbol's. Returns 0, or -1 if @name is not there.
 */
static int text_range(const char *name, unsigned long *start, unsigned long *end)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char l[512], sym[256], t;
	unsigned long a;

	*start = 0;
	*end = ~0UL;
	if (!f)
		return -1;
	while (fgets(l, sizeof(l), f))
		if (sscanf(l, "%lx %c %255s", &a, &t, sym) == 3 && (t == 't' || t == 'T') && !strcmp(sym, name))
			*start = a;
	rewind(f);
	while (*start && fgets(l, sizeof(l), f))
		if (sscanf(l, "%lx %c %255s", &a, &t, sym) == 3 && a > *start && a < *end)
			*end = a;
	fclose(f);
	return *start && *end != ~0UL ? 0 : -1;
}

/* pcpu_state - "chunks=<n> empty_pop_pages=<n>" of /sys/kernel/debug/percpu_stats into @buf. */
static const char *pcpu_state(char *buf, size_t len)
{
	FILE *f = fopen("/sys/kernel/debug/percpu_stats", "r");
	long long chunks = -1, empty = -1, v;
	char l[256], k[64];

	while (f && fgets(l, sizeof(l), f) && (chunks < 0 || empty < 0))
		if (sscanf(l, " %63[a-z_] : %lld", k, &v) == 2) {
			if (!strcmp(k, "nr_chunks"))
				chunks = v;
			else if (!strcmp(k, "empty_pop_pages"))
				empty = v;
		}
	if (f)
		fclose(f);
	snprintf(buf, len, "chunks=%lld empty_pop_pages=%lld", chunks, empty);
	return buf;
}

#define FI_TIMES 1000
static const char *const fi_caps[] = { "failslab", "fail_page_alloc" };

/* fi_failures - how many failures the fault-injection capabilities injected since fi_arm(1). */
static long fi_failures(void)
{
	long n = 0;

	for (size_t i = 0; i < sizeof(fi_caps) / sizeof(fi_caps[0]); i++) {
		char p[128], v[32];

		snprintf(p, sizeof(p), "/sys/kernel/debug/%s/times", fi_caps[i]);
		n += FI_TIMES - strtol(read_line(p, v, sizeof(v)), NULL, 10);
	}
	return n;
}

/* fi_set - write @val to /sys/kernel/debug/<@cap>/<@attr>; keep the first errno in *@err. */
static void fi_set(const char *cap, const char *attr, const char *val, int *err)
{
	char p[128];
	int e;

	snprintf(p, sizeof(p), "/sys/kernel/debug/%s/%s", cap, attr);
	e = write_str(p, val);
	if (!*err)
		*err = e;
}

/*
 * fi_arm - arm (@on) or disarm fault injection (Documentation/fault-injection): every kmalloc
 * (failslab) and alloc_pages (fail_page_alloc, any order, sleeping or not) of this task only
 * (task-filter, /proc/self/make-it-fail) whose stack holds an address in [@start, @end) fails,
 * probability 100, no budget (space 0), at most FI_TIMES times; verbose 1: one line per failure,
 * no stack dump. Returns 0 or the first errno.
 */
static int fi_arm(int on, unsigned long start, unsigned long end)
{
	static const char *const attrs[][2] = {
		{ "interval", "1" }, { "space", "0" }, { "verbose", "1" }, { "task-filter", "Y" },
		{ "ignore-gfp-wait", "N" }, { "stacktrace-depth", "32" },
	};
	char v[32];
	int err = 0;

	if (!on)
		err = write_str("/proc/self/make-it-fail", "0");
	for (size_t i = 0; i < sizeof(fi_caps) / sizeof(fi_caps[0]); i++) {
		const char *c = fi_caps[i];

		fi_set(c, "probability", on ? "100" : "0", &err);
		if (!on)
			continue;
		for (size_t j = 0; j < sizeof(attrs) / sizeof(attrs[0]); j++)
			fi_set(c, attrs[j][0], attrs[j][1], &err);
		snprintf(v, sizeof(v), "%d", FI_TIMES);
		fi_set(c, "times", v, &err);
		snprintf(v, sizeof(v), "%lu", start);
		fi_set(c, "require-start", v, &err);
		snprintf(v, sizeof(v), "%lu", end);
		fi_set(c, "require-end", v, &err);
		if (!strcmp(c, "fail_page_alloc")) {
			fi_set(c, "ignore-gfp-highmem", "N", &err);
			fi_set(c, "min-order", "0", &err);
		}
	}
	if (on && !err)
		err = write_str("/proc/self/make-it-fail", "1");
	return err;
}

/*
 * printk_default_level - set the level of messages printed without one (the third field of
 * /proc/sys/kernel/printk's four: console, default, minimum, boot-default) to @level, keeping
 * the others; -1 restores the value saved by the first call. Returns 0 or the errno.
 */
static int printk_default_level(int level)
{
	static int saved[4] = { -1 };
	char buf[64];
	int cur[4];

	if (sscanf(read_line("/proc/sys/kernel/printk", buf, sizeof(buf)), "%d %d %d %d",
		   &cur[0], &cur[1], &cur[2], &cur[3]) != 4)
		return EIO;
	if (saved[0] < 0)
		memcpy(saved, cur, sizeof(saved));
	snprintf(buf, sizeof(buf), "%d %d %d %d", cur[0], level < 0 ? saved[1] : level, cur[2], cur[3]);
	return write_str("/proc/sys/kernel/printk", buf);
}

/*
 * fq_fail - hook: with "wb.fqfail" on the command line, make the flush queue of the virtio-blk
 * device's (1af4:1042) group fail to allocate when user space asks for DMA-FQ, and print what
 * happened as "@@ FQFAIL ..." lines (README.md). The device's driver is unbound and every group
 * without a driver is set to identity first, so that the DMA-FQ write takes the full path (a
 * new default domain, set up by iommu_dma_init_domain(), whose iommu_dma_init_fq() fails) and
 * not the in-place DMA -> DMA-FQ shortcut; identity also frees their flush queues. Only
 * allocations under iommu_dma_init_fq() fail (fi_arm). That queue is a 10 KiB per-CPU
 * allocation, which allocates nothing while a populated per-CPU chunk has room: each attempt
 * that still gets DMA-FQ is undone (identity) and another group is set to DMA-FQ, unarmed, to
 * take the room, until an attempt falls back (the group reads DMA) or no group is left: "result=
 * no-failure". Boot with iommu.passthrough=1 (scenario vtd-fqfail): then no group has a queue at
 * boot and the fillers leave the first chunk too full for the queue, whose allocation must create
 * a chunk; on a lazy boot the second chunk that the boot's queues needed has room to spare. The
 * per-CPU allocator's stack dump for the injected failure is logged at level 7, which the
 * console does not print (printk_default_level); WARN and BUG lines carry their own level.
 */
static void fq_fail(void)
{
	char bdf[64], grp[64], p[512], t[64], pc[96], rc[32];
	unsigned long s, e;
	struct dirent **g;
	int ng, gi = 0, fillers = 0, attempt, err, arm;
	const char *result = "no-failure";

	if (!strstr(cmdline, "wb.fqfail"))
		return;
	if (find_blk(bdf, sizeof(bdf))) {
		printf("@@ FQFAIL result=no-device\n");
		return;
	}
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	link_name(p, grp, sizeof(grp));
	if (text_range("iommu_dma_init_fq", &s, &e)) {
		printf("@@ FQFAIL result=no-symbol fn=iommu_dma_init_fq\n");
		return;
	}
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	err = access(p, F_OK) ? 0 : write_str(p, bdf);
	printf("@@ FQFAIL device=%s group=%s unbind=%s fn=iommu_dma_init_fq\n", bdf, grp, errno_str(err, rc, sizeof(rc)));
	ng = list_dir("/sys/kernel/iommu_groups", &g);
	for (int i = 0; i < ng; i++)
		if (group_driverless(g[i]->d_name))
			group_type(g[i]->d_name, "identity", t, sizeof(t));
	usleep(500000); /* the per-CPU allocator frees and depopulates in a worker */
	for (attempt = 1;; attempt++) {
		long fails;

		arm = fi_arm(1, s, e);
		printk_default_level(7);
		err = arm ? 0 : group_type(grp, "DMA-FQ", t, sizeof(t));
		fi_arm(0, 0, 0);
		printk_default_level(-1);
		fails = fi_failures();
		group_type(grp, NULL, t, sizeof(t));
		printf("@@ FQFAIL attempt=%d fillers=%d arm=%s rc=%s type=%s failures=%ld %s\n", attempt, fillers,
		       errno_str(arm, p, sizeof(p)), errno_str(err, rc, sizeof(rc)), t, fails, pcpu_state(pc, sizeof(pc)));
		if (arm || err) {
			result = "error";
			break;
		}
		if (!strcmp(t, "DMA")) {
			result = "fallback";
			break;
		}
		group_type(grp, "identity", t, sizeof(t));
		while (gi < ng && (!strcmp(g[gi]->d_name, grp) || !group_driverless(g[gi]->d_name)))
			gi++;
		if (gi == ng)
			break;
		group_type(g[gi++]->d_name, "DMA-FQ", t, sizeof(t));
		fillers++;
	}
	group_type(grp, NULL, t, sizeof(t));
	printf("@@ FQFAIL result=%s attempts=%d group=%s type=%s\n", result, attempt, grp, t);
	for (int i = 0; i < ng; i++)
		free(g[i]);
	if (ng >= 0)
		free(g);
}

/* run - run @path with @argv on the console between "@@ <kind> <name> begin" and "end rc=<n>". */
static void run(const char *kind, const char *name, const char *path, char *const argv[])
{
	int st = 0, rc;
	pid_t pid;

	printf("@@ %s %s begin\n", kind, name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(path, argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		rc = 126;
	else
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	printf("@@ %s %s end rc=%d\n", kind, name, rc);
	fflush(stdout);
}

/* run_selftests - run every executable in /selftests, in name order. */
static void run_selftests(void)
{
	struct dirent **d;
	int n = list_dir("/selftests", &d);

	for (int i = 0; i < n; i++) {
		char p[512];
		char *argv[] = { p, NULL };

		snprintf(p, sizeof(p), "/selftests/%s", d[i]->d_name);
		if (access(p, X_OK) == 0)
			run("SELFTEST", d[i]->d_name, p, argv);
		free(d[i]);
	}
	if (n >= 0)
		free(d);
}

/* run_bench - hook: with "wb.bench=<name>" on the command line, run /bench/<name>. */
static void run_bench(void)
{
	char name[128], p[256];
	char *argv[] = { p, NULL };
	const char *s = strstr(cmdline, "wb.bench=");

	if (!s || sscanf(s + 9, "%127[^ \n]", name) != 1)
		return;
	snprintf(p, sizeof(p), "/bench/%s", name);
	run("BENCH", name, p, argv);
}

int main(void)
{
	char buf[sizeof(cmdline)];
	int settype;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("@@ CMDLINE %s\n", read_line("/proc/cmdline", cmdline, sizeof(cmdline)));
	printf("@@ KERNEL %s\n", read_line("/proc/sys/kernel/osrelease", buf, sizeof(buf)));
	report_iommus();
	/*
	 * The kselftest checks the types the kernel chose at boot and cannot tell a group
	 * rewritten through sysfs: with wb.settype= or wb.fqfail it runs before the write.
	 */
	settype = strstr(cmdline, "wb.settype=") != NULL || strstr(cmdline, "wb.fqfail") != NULL;
	if (settype) {
		run_selftests();
		set_types();
		fq_fail();
	}
	report_groups();
	report_devices();
	if (!settype)
		run_selftests();
	run_bench();
	printf("@@ DONE\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
