// SPDX-License-Identifier: GPL-2.0
/*
 * Guest /init: report IOMMU instances, groups and PCI devices as "@@" lines on the
 * console, run the selftests in /selftests and an optional bench, then power off.
 * Hook: wb.settype=<type> writes <type> to the virtio-blk device's group type first.
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

/*
 * set_types - hook: with "wb.settype=<type>" on the command line, write <type> to the type
 * file of the IOMMU group of each virtio-blk device (1af4:1042), as a user would, and print
 * "@@ SETTYPE group=<n|-> type=<type> rc=<0|-errno>" per device.
 */
static void set_types(void)
{
	const char *s = strstr(cmdline, "wb.settype=");
	const char *b = "/sys/bus/pci/devices";
	char type[64];
	struct dirent **d;
	int n;

	if (!s || sscanf(s + 11, "%63[^ \n]", type) != 1)
		return;
	n = list_dir(b, &d);
	for (int i = 0; i < n; i++) {
		char p[512], ven[16], dev[16], grp[64], rc[32];
		int fd, err = 0;

		snprintf(p, sizeof(p), "%s/%s/vendor", b, d[i]->d_name);
		read_line(p, ven, sizeof(ven));
		snprintf(p, sizeof(p), "%s/%s/device", b, d[i]->d_name);
		read_line(p, dev, sizeof(dev));
		if (strcmp(ven, "0x1af4") || strcmp(dev, "0x1042")) {
			free(d[i]);
			continue;
		}
		snprintf(p, sizeof(p), "%s/%s/iommu_group", b, d[i]->d_name);
		link_name(p, grp, sizeof(grp));
		snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/type", grp);
		fd = open(p, O_WRONLY);
		if (fd < 0 || write(fd, type, strlen(type)) < 0)
			err = errno;
		if (fd >= 0)
			close(fd);
		printf("@@ SETTYPE group=%s type=%s rc=%s\n", grp, type, errno_str(err, rc, sizeof(rc)));
		free(d[i]);
	}
	if (n >= 0)
		free(d);
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
	 * rewritten through sysfs: with wb.settype= it runs before the write.
	 */
	settype = strstr(cmdline, "wb.settype=") != NULL;
	if (settype) {
		run_selftests();
		set_types();
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
