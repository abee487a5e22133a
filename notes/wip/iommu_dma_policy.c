// SPDX-License-Identifier: GPL-2.0-only
/*
 * Check the default DMA domain policy as the running kernel reports it.
 *
 * The report is read from /sys/class/iommu/<instance>/dma_policy/ and from
 * /sys/kernel/iommu_groups/<N>/{type,type_by}. It is checked against itself,
 * against the IOMMU options on /proc/cmdline, and against run-time writes to
 * the type of a group whose devices have no driver bound (QEMU's "edu"
 * device, 1234:11e8, is such a device).
 *
 * Expectations come from the policy, not from the kernel's own log:
 *  - options are parsed as the kernel parses them: the last well-formed
 *    occurrence wins, values follow kstrtobool(), malformed ones are ignored;
 *  - iommu.passthrough= and x86's iommu=pt / iommu=nopt are one knob;
 *  - intel_iommu=strict, amd_iommu=fullflush and s390_iommu=strict are
 *    deprecated spellings of a strict choice that ranks above iommu.strict=0;
 *  - a requirement (quirk, no_deferred_flush, no_identity) beats any choice.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "../kselftest_harness.h"

#define IOMMU_CLASS	"/sys/class/iommu"
#define IOMMU_GROUPS	"/sys/kernel/iommu_groups"
#define PROC_CMDLINE	"/proc/cmdline"

#define MAX_INSTANCES	64
#define MAX_GROUPS	512
#define NAME_LEN	64
#define TOKEN_LEN	32
#define LIST_LEN	256
#define CMDLINE_LEN	4096

/* Values of a boolean knob: the cmdline did not set it, or set it so. */
enum knob { KNOB_UNSET = -1, KNOB_OFF = 0, KNOB_ON = 1 };

/* What the kernel command line asks of the policy. */
struct policy_cmdline {
	enum knob passthrough;	/* iommu.passthrough=, iommu=pt|nopt */
	enum knob strict;	/* iommu.strict= */
	bool deprecated_strict;	/* intel_iommu=strict and friends */
};

struct policy_instance {
	char name[NAME_LEN];
	char type[TOKEN_LEN];
	char translate_by[TOKEN_LEN];
	char strict_by[TOKEN_LEN];
	char overridden[LIST_LEN];
};

struct policy_group {
	unsigned int id;
	char type[TOKEN_LEN];
	char type_by[TOKEN_LEN];
	char instance[NAME_LEN];	/* "" when no device links one */
	unsigned int devices;
	bool all_unbound;	/* no device of the group has a driver */
	bool pci_only;		/* every device is a PCI non-bridge */
	bool edu;		/* holds QEMU's edu device */
};

struct policy_report {
	struct policy_instance inst[MAX_INSTANCES];
	unsigned int ninst;
	struct policy_group grp[MAX_GROUPS];
	unsigned int ngrp;
	char cmdline[CMDLINE_LEN];
	struct policy_cmdline cmd;
};

static const char * const outcome_tokens[] = {
	"DMA", "DMA-FQ", "identity", NULL
};

static const char * const input_tokens[] = {
	"build", "caching_mode", "npcache", "platform_optin", "mem_encrypt",
	"snp_host", "cmdline", "deprecated_option", "quirk",
	"no_deferred_flush", "no_identity", NULL
};

static const char * const group_by_tokens[] = {
	"instance", "untrusted", "driver", "no_deferred_flush", "no_identity",
	"fq_failed", "user", NULL
};

/* Inputs that may decide each half of the outcome (the reason names one). */
static const char * const passthrough_by[] = {
	"build", "platform_optin", "cmdline", NULL
};

static const char * const translate_by[] = {
	"build", "mem_encrypt", "snp_host", "cmdline", "no_identity", NULL
};

static const char * const lazy_by[] = { "build", "cmdline", NULL };

static const char * const strict_by[] = {
	"build", "caching_mode", "npcache", "cmdline", "deprecated_option",
	"quirk", "no_deferred_flush", NULL
};

/* Strict requirements: never overridden, and they refuse DMA-FQ writes. */
static const char * const strict_requirements[] = {
	"quirk", "no_deferred_flush", NULL
};

/* Why a DMA group of a lazy instance may be strict. */
static const char * const strict_group_by[] = {
	"untrusted", "driver", "no_deferred_flush", "fq_failed", "user", NULL
};

/* Copy @src into @dst of @size bytes, cut short if need be. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool in_set(const char *token, const char * const *set)
{
	for (; *set; set++)
		if (!strcmp(token, *set))
			return true;
	return false;
}

/* Is @token one of the space separated words of @list? */
static bool list_has(const char *list, const char *token)
{
	size_t len = strlen(token);
	const char *p = list;

	while (*p) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n == len && !strncmp(p, token, len))
			return true;
		p += n;
	}
	return false;
}

static const char *knob_str(enum knob k)
{
	switch (k) {
	case KNOB_OFF:
		return "0";
	case KNOB_ON:
		return "1";
	default:
		return "unset";
	}
}

/*
 * kstrtobool(): the first character decides (y/Y/t/T/1 true, n/N/f/F/0
 * false, "on"/"off" by the second one). Anything else, a missing value
 * included, is malformed: KNOB_UNSET.
 */
static enum knob parse_bool(const char *val)
{
	if (!val)
		return KNOB_UNSET;

	switch (val[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		return KNOB_ON;
	case 'n': case 'N': case 'f': case 'F': case '0':
		return KNOB_OFF;
	case 'o': case 'O':
		if (val[1] == 'n' || val[1] == 'N')
			return KNOB_ON;
		if (val[1] == 'f' || val[1] == 'F')
			return KNOB_OFF;
		return KNOB_UNSET;
	default:
		return KNOB_UNSET;
	}
}

/* Parameter names match with '-' and '_' equal, as parameq() does. */
static bool param_is(const char *param, const char *name)
{
	for (; *param && *name; param++, name++) {
		char a = *param == '-' ? '_' : *param;
		char b = *name == '-' ? '_' : *name;

		if (a != b)
			return false;
	}
	return !*param && !*name;
}

/*
 * Split the next "param[=val]" off @args as next_arg() does, quotes
 * included. Return the rest of the string, or NULL at its end.
 */
static char *next_param(char *args, char **param, char **val)
{
	unsigned int i, equals = 0;
	bool in_quote = false, quoted = false;

	args += strspn(args, " \t\n");
	if (!*args)
		return NULL;

	if (*args == '"') {
		args++;
		in_quote = true;
		quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (!equals && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}

	*param = args;
	*val = NULL;
	if (equals) {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';

	if (args[i]) {
		args[i] = '\0';
		return args + i + 1;
	}
	return args + i;
}

/* Does the comma separated @val hold a token that begins with @prefix? */
static bool list_has_prefix(const char *val, const char *prefix)
{
	const char *p = val;

	while (p && *p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			return true;
		p += strcspn(p, ",");
		p += strspn(p, ",");
	}
	return false;
}

/* x86's iommu= list: tokens beginning "pt" / "nopt", as iommu_setup(). */
static void parse_x86_iommu(const char *val, struct policy_cmdline *pc)
{
	const char *p = val;

	while (p && *p) {
		/* iommu_setup() stops at "usedac" */
		if (!strncmp(p, "usedac", 6))
			return;
		if (!strncmp(p, "pt", 2))
			pc->passthrough = KNOB_ON;
		if (!strncmp(p, "nopt", 4))
			pc->passthrough = KNOB_OFF;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
}

/*
 * Read the policy's options from a kernel command line, in order, up to
 * "--" (the rest is init's). @x86 selects the x86-only spellings.
 */
static void parse_cmdline(const char *cmdline, bool x86,
			  struct policy_cmdline *pc)
{
	char buf[CMDLINE_LEN];
	char *rest = buf, *param, *val;

	pc->passthrough = KNOB_UNSET;
	pc->strict = KNOB_UNSET;
	pc->deprecated_strict = false;

	copy_str(buf, sizeof(buf), cmdline);
	while ((rest = next_param(rest, &param, &val))) {
		enum knob k;

		if (!val && !strcmp(param, "--"))
			break;

		if (param_is(param, "iommu.passthrough")) {
			k = parse_bool(val);
			if (k != KNOB_UNSET)
				pc->passthrough = k;
		} else if (param_is(param, "iommu.strict")) {
			k = parse_bool(val);
			if (k != KNOB_UNSET)
				pc->strict = k;
		} else if (x86 && param_is(param, "iommu")) {
			parse_x86_iommu(val, pc);
		} else if (x86 && param_is(param, "intel_iommu")) {
			if (list_has_prefix(val, "strict"))
				pc->deprecated_strict = true;
		} else if (x86 && param_is(param, "amd_iommu")) {
			if (list_has_prefix(val, "fullflush"))
				pc->deprecated_strict = true;
		} else if (param_is(param, "s390_iommu")) {
			if (val && !strcmp(val, "strict"))
				pc->deprecated_strict = true;
		}
	}
}

/* Format a path into @buf of PATH_MAX bytes; fail if it does not fit. */
static __printf(2, 3) int fmt_path(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Read the first line of @path into @buf, without its newline. */
static int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int read_attr(const char *dir, const char *attr, char *buf,
		     size_t size)
{
	char path[PATH_MAX];

	buf[0] = '\0';
	if (fmt_path(path, "%s/%s", dir, attr))
		return -ENAMETOOLONG;
	return read_line(path, buf, size);
}

/* Write @str to @path in one write(); return 0 or the errno. */
static int write_str(const char *path, const char *str)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, str, strlen(str));
	if (n < 0) {
		int err = errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

static bool path_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return !fmt_path(path, "%s/%s", dir, name) && !lstat(path, &st);
}

/* Basename of the target of the symlink @dir/@name, "" if none. */
static void link_name(const char *dir, const char *name, char *buf,
		      size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	if (fmt_path(path, "%s/%s", dir, name))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	copy_str(buf, size, base ? base + 1 : target);
}

/* Number of instances in /sys/class/iommu, and how many have a report. */
static void count_instances(unsigned int *all, unsigned int *reported,
			    char *first_missing, size_t size)
{
	struct dirent *de;
	DIR *d;

	*all = *reported = 0;
	first_missing[0] = '\0';
	d = opendir(IOMMU_CLASS);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char dir[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		(*all)++;
		if (!fmt_path(dir, IOMMU_CLASS "/%s", de->d_name) &&
		    path_exists(dir, "dma_policy"))
			(*reported)++;
		else if (!first_missing[0])
			copy_str(first_missing, size, de->d_name);
	}
	closedir(d);
}

static int load_instances(struct policy_report *r)
{
	struct dirent *de;
	DIR *d;

	r->ninst = 0;
	d = opendir(IOMMU_CLASS);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && r->ninst < MAX_INSTANCES) {
		struct policy_instance *in = &r->inst[r->ninst];
		char dir[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		memset(in, 0, sizeof(*in));
		copy_str(in->name, sizeof(in->name), de->d_name);
		if (fmt_path(dir, IOMMU_CLASS "/%s/dma_policy", de->d_name))
			continue;
		/* A missing attribute reads as "" and fails the checks. */
		read_attr(dir, "type", in->type, sizeof(in->type));
		read_attr(dir, "translate_by", in->translate_by,
			  sizeof(in->translate_by));
		read_attr(dir, "strict_by", in->strict_by,
			  sizeof(in->strict_by));
		read_attr(dir, "overridden", in->overridden,
			  sizeof(in->overridden));
		r->ninst++;
	}
	closedir(d);
	return 0;
}

static bool pci_is_bridge(const char *devdir)
{
	char class[TOKEN_LEN];

	if (read_attr(devdir, "class", class, sizeof(class)))
		return false;
	return !strncmp(class, "0x06", 4);
}

static void load_group_devices(const char *gdir, struct policy_group *g)
{
	char ddir[PATH_MAX], devs[PATH_MAX];
	struct dirent *de;
	DIR *d;

	g->all_unbound = true;
	g->pci_only = true;
	if (fmt_path(devs, "%s/devices", gdir))
		return;
	d = opendir(devs);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char subsys[NAME_LEN], vendor[TOKEN_LEN], device[TOKEN_LEN];

		if (de->d_name[0] == '.')
			continue;
		g->devices++;
		if (fmt_path(ddir, "%s/%s", devs, de->d_name))
			continue;
		if (!g->instance[0])
			link_name(ddir, "iommu", g->instance,
				  sizeof(g->instance));
		if (path_exists(ddir, "driver"))
			g->all_unbound = false;
		link_name(ddir, "subsystem", subsys, sizeof(subsys));
		if (strcmp(subsys, "pci") || pci_is_bridge(ddir))
			g->pci_only = false;
		if (!read_attr(ddir, "vendor", vendor, sizeof(vendor)) &&
		    !read_attr(ddir, "device", device, sizeof(device)) &&
		    !strcmp(vendor, "0x1234") && !strcmp(device, "0x11e8"))
			g->edu = true;
	}
	closedir(d);
}

static int load_groups(struct policy_report *r)
{
	struct dirent *de;
	DIR *d;

	r->ngrp = 0;
	d = opendir(IOMMU_GROUPS);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && r->ngrp < MAX_GROUPS) {
		struct policy_group *g = &r->grp[r->ngrp];
		char gdir[PATH_MAX];
		unsigned long id;
		char *end;

		id = strtoul(de->d_name, &end, 10);
		if (!isdigit((unsigned char)de->d_name[0]) || *end)
			continue;
		memset(g, 0, sizeof(*g));
		g->id = id;
		if (fmt_path(gdir, IOMMU_GROUPS "/%s", de->d_name))
			continue;
		read_attr(gdir, "type", g->type, sizeof(g->type));
		read_attr(gdir, "type_by", g->type_by, sizeof(g->type_by));
		load_group_devices(gdir, g);
		r->ngrp++;
	}
	closedir(d);
	return 0;
}

static const struct policy_instance *
find_instance(const struct policy_report *r, const char *name)
{
	for (unsigned int i = 0; i < r->ninst; i++)
		if (!strcmp(r->inst[i].name, name))
			return &r->inst[i];
	return NULL;
}

static bool is_translated(const struct policy_instance *in)
{
	return strcmp(in->type, "identity") != 0;
}

/* The x86-only spellings apply to the running kernel's architecture. */
static bool kernel_is_x86(void)
{
	struct utsname u;

	if (uname(&u))
		return false;
	return !strcmp(u.machine, "x86_64") ||
	       (u.machine[0] == 'i' && !strcmp(u.machine + 2, "86"));
}

/* Load the report and the command line; SKIP naming what is missing. */
static void load_report(struct __test_metadata *_metadata,
			struct policy_report *r)
{
	unsigned int all, reported;
	char missing[NAME_LEN];

	count_instances(&all, &reported, missing, sizeof(missing));
	if (!all)
		SKIP(return, "no IOMMU instance in " IOMMU_CLASS);
	if (!reported)
		SKIP(return, "no dma_policy report in " IOMMU_CLASS "/%s",
		     missing);
	/* Once the kernel reports, every instance must. */
	ASSERT_EQ(all, reported)
		TH_LOG("%s has no dma_policy directory", missing);

	ASSERT_EQ(0, load_instances(r));
	ASSERT_EQ(0, load_groups(r));
	if (!r->ngrp)
		SKIP(return, "no IOMMU group in " IOMMU_GROUPS);

	ASSERT_EQ(0, read_line(PROC_CMDLINE, r->cmdline, sizeof(r->cmdline)));
	parse_cmdline(r->cmdline, kernel_is_x86(), &r->cmd);
	TH_LOG("cmdline: passthrough=%s strict=%s deprecated_strict=%d",
	       knob_str(r->cmd.passthrough), knob_str(r->cmd.strict),
	       r->cmd.deprecated_strict);
}

/* The option parser against the kernel's own parsing rules. */
struct cmdline_case {
	const char *cmdline;
	bool x86;
	enum knob passthrough;
	enum knob strict;
	bool deprecated_strict;
};

static const struct cmdline_case cmdline_cases[] = {
	{ "", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "quiet console=ttyS0\n", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "iommu.strict=1", true, KNOB_UNSET, KNOB_ON, false },
	{ "iommu.strict=0", true, KNOB_UNSET, KNOB_OFF, false },
	/* The last occurrence wins. */
	{ "iommu.strict=1 iommu.strict=0", true, KNOB_UNSET, KNOB_OFF, false },
	{ "iommu.strict=0 iommu.strict=1", true, KNOB_UNSET, KNOB_ON, false },
	/* Malformed values are ignored whole: the previous one stands. */
	{ "iommu.strict=banana", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "iommu.strict=0 iommu.strict=banana", true,
	  KNOB_UNSET, KNOB_OFF, false },
	{ "iommu.strict=2", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "iommu.strict=1 iommu.strict=2", true, KNOB_UNSET, KNOB_ON, false },
	{ "iommu.strict=", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "iommu.strict", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "iommu.passthrough=1 iommu.passthrough=", true,
	  KNOB_ON, KNOB_UNSET, false },
	/* kstrtobool() looks at one or two characters only. */
	{ "iommu.passthrough=on", true, KNOB_ON, KNOB_UNSET, false },
	{ "iommu.passthrough=off", true, KNOB_OFF, KNOB_UNSET, false },
	{ "iommu.passthrough=oops", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "iommu.passthrough=Yes", true, KNOB_ON, KNOB_UNSET, false },
	{ "iommu.passthrough=false", true, KNOB_OFF, KNOB_UNSET, false },
	{ "iommu.passthrough=10", true, KNOB_ON, KNOB_UNSET, false },
	{ "iommu.strict=\"0\"", true, KNOB_UNSET, KNOB_OFF, false },
	/* parameq(): '-' and '_' are one, '.' is not. */
	{ "iommu-strict=0", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "intel-iommu=strict", true, KNOB_UNSET, KNOB_UNSET, true },
	/* iommu=pt|nopt and iommu.passthrough= are one knob on x86. */
	{ "iommu=pt", true, KNOB_ON, KNOB_UNSET, false },
	{ "iommu=soft,nopt", true, KNOB_OFF, KNOB_UNSET, false },
	{ "iommu=pt iommu.passthrough=0", true, KNOB_OFF, KNOB_UNSET, false },
	{ "iommu.passthrough=0 iommu=pt", true, KNOB_ON, KNOB_UNSET, false },
	{ "iommu=pt iommu=nopt", true, KNOB_OFF, KNOB_UNSET, false },
	{ "iommu=usedac,pt", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "iommu=", true, KNOB_UNSET, KNOB_UNSET, false },
	/* ... and iommu= is not a policy option elsewhere. */
	{ "iommu.passthrough=0 iommu=pt", false, KNOB_OFF, KNOB_UNSET, false },
	/* The deprecated strict options count wherever they are. */
	{ "intel_iommu=on,strict iommu.strict=0", true,
	  KNOB_UNSET, KNOB_OFF, true },
	{ "iommu.strict=0 amd_iommu=fullflush", true,
	  KNOB_UNSET, KNOB_OFF, true },
	{ "intel_iommu=on,sm_on", true, KNOB_UNSET, KNOB_UNSET, false },
	{ "intel_iommu=strict", false, KNOB_UNSET, KNOB_UNSET, false },
	/* Everything after "--" belongs to init. */
	{ "iommu.strict=0 -- iommu.strict=1 iommu=pt", true,
	  KNOB_UNSET, KNOB_OFF, false },
};

TEST(cmdline_parser)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cmdline_cases); i++) {
		const struct cmdline_case *c = &cmdline_cases[i];
		struct policy_cmdline pc;

		parse_cmdline(c->cmdline, c->x86, &pc);
		EXPECT_STREQ(knob_str(c->passthrough), knob_str(pc.passthrough))
			TH_LOG("passthrough of '%s' (x86=%d)", c->cmdline,
			       c->x86);
		EXPECT_STREQ(knob_str(c->strict), knob_str(pc.strict))
			TH_LOG("strict of '%s' (x86=%d)", c->cmdline, c->x86);
		EXPECT_EQ(c->deprecated_strict, pc.deprecated_strict)
			TH_LOG("deprecated strict option in '%s' (x86=%d)",
			       c->cmdline, c->x86);
	}
}

FIXTURE(dma_policy)
{
	struct policy_report r;
};

FIXTURE_SETUP(dma_policy)
{
	load_report(_metadata, &self->r);
}

FIXTURE_TEARDOWN(dma_policy)
{
}

/* Each instance reports one outcome and the inputs that can decide it. */
TEST_F(dma_policy, instance_report)
{
	for (unsigned int i = 0; i < self->r.ninst; i++) {
		const struct policy_instance *in = &self->r.inst[i];
		const char *p = in->overridden;

		TH_LOG("%s: type=%s translate_by=%s strict_by=%s overridden='%s'",
		       in->name, in->type, in->translate_by, in->strict_by,
		       in->overridden);
		EXPECT_TRUE(in_set(in->type, outcome_tokens))
			TH_LOG("%s: type '%s'", in->name, in->type);
		EXPECT_TRUE(in_set(in->translate_by, input_tokens))
			TH_LOG("%s: translate_by '%s'", in->name,
			       in->translate_by);

		if (!is_translated(in)) {
			EXPECT_STREQ("none", in->strict_by);
			EXPECT_TRUE(in_set(in->translate_by, passthrough_by))
				TH_LOG("%s: '%s' cannot ask for passthrough",
				       in->name, in->translate_by);
		} else {
			EXPECT_TRUE(in_set(in->strict_by, input_tokens))
				TH_LOG("%s: strict_by '%s'", in->name,
				       in->strict_by);
			EXPECT_TRUE(in_set(in->translate_by, translate_by))
				TH_LOG("%s: '%s' cannot ask for translation",
				       in->name, in->translate_by);
		}
		if (!strcmp(in->type, "DMA-FQ")) {
			EXPECT_TRUE(in_set(in->strict_by, lazy_by))
				TH_LOG("%s: lazy, decided by '%s'", in->name,
				       in->strict_by);
		}
		if (!strcmp(in->type, "DMA")) {
			EXPECT_TRUE(in_set(in->strict_by, strict_by))
				TH_LOG("%s: strict, decided by '%s'", in->name,
				       in->strict_by);
		}

		while (*p) {
			char tok[TOKEN_LEN];
			size_t n;

			p += strspn(p, " ");
			n = strcspn(p, " ");
			if (!n)
				break;
			snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
			EXPECT_TRUE(in_set(tok, input_tokens))
				TH_LOG("%s: overridden '%s'", in->name, tok);
			p += n;
		}
	}
}

/* Each group follows its instance unless type_by names another reason. */
TEST_F(dma_policy, group_report)
{
	for (unsigned int i = 0; i < self->r.ngrp; i++) {
		const struct policy_group *g = &self->r.grp[i];
		const struct policy_instance *in;

		TH_LOG("group %u: type=%s type_by=%s instance=%s devices=%u",
		       g->id, g->type, g->type_by, g->instance, g->devices);
		/* No default domain (yet): nothing to check. */
		if (!strcmp(g->type_by, "none"))
			continue;
		EXPECT_TRUE(in_set(g->type, outcome_tokens))
			TH_LOG("group %u: type '%s'", g->id, g->type);
		EXPECT_TRUE(in_set(g->type_by, group_by_tokens))
			TH_LOG("group %u: type_by '%s'", g->id, g->type_by);

		in = find_instance(&self->r, g->instance);
		EXPECT_NE(NULL, in)
			TH_LOG("group %u: no reported instance for '%s'",
			       g->id, g->instance);
		if (!in)
			continue;

		if (!strcmp(g->type_by, "instance")) {
			EXPECT_STREQ(in->type, g->type)
				TH_LOG("group %u follows %s", g->id, in->name);
		}
		if (!strcmp(in->type, "DMA-FQ") && !strcmp(g->type, "DMA")) {
			EXPECT_TRUE(in_set(g->type_by, strict_group_by))
				TH_LOG("group %u: strict on lazy %s, by '%s'",
				       g->id, in->name, g->type_by);
		}
		if (!strcmp(g->type_by, "untrusted") ||
		    !strcmp(g->type_by, "no_deferred_flush") ||
		    !strcmp(g->type_by, "fq_failed")) {
			EXPECT_STREQ("DMA", g->type)
				TH_LOG("group %u: type_by %s", g->id,
				       g->type_by);
		}
		if (!strcmp(g->type_by, "no_identity")) {
			EXPECT_STRNE("identity", g->type)
				TH_LOG("group %u: type_by no_identity", g->id);
		}
		if (in_set(in->strict_by, strict_requirements)) {
			EXPECT_STRNE("DMA-FQ", g->type)
				TH_LOG("group %u: %s requires strict (%s)",
				       g->id, in->name, in->strict_by);
		}
	}
}

/* iommu.passthrough= / iommu=pt|nopt, as /proc/cmdline has them. */
TEST_F(dma_policy, cmdline_passthrough)
{
	enum knob pt = self->r.cmd.passthrough;

	for (unsigned int i = 0; i < self->r.ninst; i++) {
		const struct policy_instance *in = &self->r.inst[i];

		if (pt == KNOB_UNSET) {
			EXPECT_STRNE("cmdline", in->translate_by)
				TH_LOG("%s: no passthrough option on the command line",
				       in->name);
			if (self->r.cmd.strict == KNOB_UNSET &&
			    !self->r.cmd.deprecated_strict) {
				EXPECT_FALSE(list_has(in->overridden, "cmdline"))
					TH_LOG("%s: no policy option on the command line",
					       in->name);
			}
		} else if (pt == KNOB_ON && is_translated(in)) {
			/* Only hardware that cannot do identity says no. */
			EXPECT_STREQ("no_identity", in->translate_by)
				TH_LOG("%s: passthrough=1 not honoured",
				       in->name);
			EXPECT_TRUE(list_has(in->overridden, "cmdline"))
				TH_LOG("%s: overriding the command line unsaid",
				       in->name);
		} else if (pt == KNOB_ON) {
			EXPECT_STREQ("cmdline", in->translate_by)
				TH_LOG("%s: passthrough=1", in->name);
		} else {
			/* Nothing forces passthrough over the user's choice. */
			EXPECT_TRUE(is_translated(in))
				TH_LOG("%s: passthrough=0 not honoured",
				       in->name);
			EXPECT_STREQ("cmdline", in->translate_by)
				TH_LOG("%s: passthrough=0", in->name);
		}
	}

	/* Groups of a passthrough instance are identity unless said why. */
	for (unsigned int i = 0; i < self->r.ngrp; i++) {
		const struct policy_group *g = &self->r.grp[i];
		const struct policy_instance *in;

		in = find_instance(&self->r, g->instance);
		if (!in || is_translated(in) || strcmp(g->type_by, "instance"))
			continue;
		EXPECT_STREQ("identity", g->type)
			TH_LOG("group %u of %s", g->id, in->name);
	}
}

/* iommu.strict= and the deprecated strict options. */
TEST_F(dma_policy, cmdline_strict)
{
	enum knob strict = self->r.cmd.strict;
	bool deprecated = self->r.cmd.deprecated_strict;

	for (unsigned int i = 0; i < self->r.ninst; i++) {
		const struct policy_instance *in = &self->r.inst[i];

		if (!deprecated) {
			EXPECT_STRNE("deprecated_option", in->strict_by)
				TH_LOG("%s: no deprecated option on the command line",
				       in->name);
		}
		if (strict == KNOB_UNSET && !deprecated) {
			EXPECT_STRNE("cmdline", in->strict_by)
				TH_LOG("%s: no iommu.strict= on the command line",
				       in->name);
		}
		if (!is_translated(in) || strict == KNOB_UNSET)
			continue;

		if (strict == KNOB_ON) {
			EXPECT_STREQ("DMA", in->type)
				TH_LOG("%s: iommu.strict=1", in->name);
			EXPECT_TRUE(!strcmp(in->strict_by, "cmdline") ||
				    in_set(in->strict_by, strict_requirements) ||
				    (deprecated &&
				     !strcmp(in->strict_by, "deprecated_option")))
				TH_LOG("%s: iommu.strict=1, strict_by '%s'",
				       in->name, in->strict_by);
			continue;
		}

		/* iommu.strict=0: only a requirement or a deprecated option. */
		if (in_set(in->strict_by, strict_requirements) ||
		    (deprecated && !strcmp(in->strict_by, "deprecated_option"))) {
			EXPECT_STREQ("DMA", in->type);
			EXPECT_TRUE(list_has(in->overridden, "cmdline"))
				TH_LOG("%s: strict by %s, overriding the command line unsaid",
				       in->name, in->strict_by);
			continue;
		}
		EXPECT_STREQ("cmdline", in->strict_by)
			TH_LOG("%s: iommu.strict=0 not honoured", in->name);
		EXPECT_STREQ("DMA-FQ", in->type)
			TH_LOG("%s: iommu.strict=0 not honoured", in->name);
	}

	if (strict != KNOB_ON)
		return;
	for (unsigned int i = 0; i < self->r.ngrp; i++) {
		const struct policy_group *g = &self->r.grp[i];

		/* A later write ranks with the command line. */
		if (!strcmp(g->type_by, "user"))
			continue;
		EXPECT_STRNE("DMA-FQ", g->type)
			TH_LOG("group %u under iommu.strict=1 (type_by %s)",
			       g->id, g->type_by);
	}
}

/*
 * Run-time type changes on one group whose devices have no driver. Each
 * test starts from the group's boot type and the teardown puts back what
 * the group had before the test.
 */
struct group_under_test {
	struct policy_group g;
	struct policy_instance in;
	char path[PATH_MAX];
	char path_by[PATH_MAX];
	char orig_type[TOKEN_LEN], orig_by[TOKEN_LEN];
	char boot_type[TOKEN_LEN], boot_by[TOKEN_LEN];
	bool instance_does_identity;
};

FIXTURE(group_type)
{
	struct policy_report r;
	struct group_under_test t;
};

/* Group types a test may write: anything but a choice of the driver. */
static const char * const writable_group_by[] = {
	"instance", "user", "untrusted", "no_deferred_flush", NULL
};

static const struct policy_group *pick_group(const struct policy_report *r)
{
	const struct policy_group *any = NULL;

	for (unsigned int i = 0; i < r->ngrp; i++) {
		const struct policy_group *g = &r->grp[i];

		if (!g->devices || !g->all_unbound || !g->pci_only ||
		    !in_set(g->type_by, writable_group_by))
			continue;
		if (g->edu)
			return g;
		if (!any)
			any = g;
	}
	return any;
}

static void read_group(struct __test_metadata *_metadata,
		       const struct group_under_test *t, char *type,
		       char *type_by)
{
	ASSERT_EQ(0, read_line(t->path, type, TOKEN_LEN));
	ASSERT_EQ(0, read_line(t->path_by, type_by, TOKEN_LEN));
}

/* Write @val; check the errno, then the type and (if given) type_by. */
static void write_group(struct __test_metadata *_metadata,
			const struct group_under_test *t, const char *val,
			int err, const char *type, const char *type_by)
{
	char got[TOKEN_LEN], got_by[TOKEN_LEN];

	EXPECT_EQ(err, write_str(t->path, val))
		TH_LOG("group %u: writing '%s' (0 or errno)", t->g.id, val);
	read_group(_metadata, t, got, got_by);
	EXPECT_STREQ(type, got)
		TH_LOG("group %u: type after writing '%s'", t->g.id, val);
	if (type_by) {
		EXPECT_STREQ(type_by, got_by)
			TH_LOG("group %u: type_by after writing '%s'",
			       t->g.id, val);
	}
}

FIXTURE_SETUP(group_type)
{
	struct group_under_test *t = &self->t;
	const struct policy_group *g;
	const struct policy_instance *in;

	load_report(_metadata, &self->r);
	if (_metadata->exit_code == KSFT_SKIP)
		return;
	if (geteuid())
		SKIP(return, "writing a group type needs root");

	g = pick_group(&self->r);
	if (!g)
		SKIP(return, "no group of unbound PCI devices (QEMU: -device edu)");
	in = find_instance(&self->r, g->instance);
	ASSERT_NE(NULL, in)
		TH_LOG("group %u: no reported instance '%s'", g->id,
		       g->instance);
	t->g = *g;
	t->in = *in;
	TH_LOG("group %u%s of %s: type=%s type_by=%s", g->id,
	       g->edu ? " (edu)" : "", in->name, g->type, g->type_by);

	ASSERT_EQ(0, fmt_path(t->path, IOMMU_GROUPS "/%u/type", g->id));
	ASSERT_EQ(0, fmt_path(t->path_by, IOMMU_GROUPS "/%u/type_by", g->id));
	read_group(_metadata, t, t->orig_type, t->orig_by);

	/* A user's earlier choice hides the boot type: ask for it back. */
	if (!strcmp(t->orig_by, "user"))
		ASSERT_EQ(0, write_str(t->path, "auto"));
	read_group(_metadata, t, t->boot_type, t->boot_by);
	ASSERT_STRNE("user", t->boot_by);

	/* Can this instance do identity at all? Only a success says so. */
	t->instance_does_identity = !is_translated(in);
	for (unsigned int i = 0; i < self->r.ngrp; i++)
		if (!strcmp(self->r.grp[i].instance, in->name) &&
		    !strcmp(self->r.grp[i].type, "identity"))
			t->instance_does_identity = true;
}

FIXTURE_TEARDOWN(group_type)
{
	const struct group_under_test *t = &self->t;
	char type[TOKEN_LEN], type_by[TOKEN_LEN];
	const char *restore;

	if (!t->path[0])
		return;
	restore = strcmp(t->orig_by, "user") ? "auto" : t->orig_type;
	EXPECT_EQ(0, write_str(t->path, restore));
	read_group(_metadata, t, type, type_by);
	EXPECT_STREQ(t->orig_type, type)
		TH_LOG("group %u not restored", t->g.id);
}

static bool group_untrusted(const struct group_under_test *t)
{
	return !strcmp(t->boot_by, "untrusted");
}

/*
 * Must a DMA-FQ write be refused (1)? -1: the report cannot tell. A write
 * ranks with the command line, so a deprecated strict option, which beats
 * iommu.strict=0 wherever it stands, beats the write too.
 */
static int dma_fq_refused(const struct group_under_test *t)
{
	if (group_untrusted(t) || !strcmp(t->boot_by, "no_deferred_flush") ||
	    in_set(t->in.strict_by, strict_requirements) ||
	    !strcmp(t->in.strict_by, "deprecated_option"))
		return 1;
	/* An identity instance does not say whether it can flush lazily. */
	return is_translated(&t->in) ? 0 : -1;
}

TEST_F(group_type, write_dma)
{
	const struct group_under_test *t = &self->t;

	write_group(_metadata, t, "DMA", 0, "DMA",
		    group_untrusted(t) ? NULL : "user");
}

/* DMA to DMA-FQ is done in place, and must still check requirements. */
TEST_F(group_type, write_dma_fq)
{
	const struct group_under_test *t = &self->t;
	int refused = dma_fq_refused(t);

	write_group(_metadata, t, "DMA", 0, "DMA", NULL);
	if (refused < 0) {
		int err = write_str(t->path, "DMA-FQ");

		TH_LOG("%s is identity: DMA-FQ write gave errno %d",
		       t->in.name, err);
		EXPECT_TRUE(err == 0 || err == EINVAL)
			TH_LOG("DMA-FQ write: %s", strerror(err));
		return;
	}
	if (refused)
		TH_LOG("%s: DMA-FQ must be refused (strict_by %s, type_by %s)",
		       t->in.name, t->in.strict_by, t->boot_by);
	write_group(_metadata, t, "DMA-FQ", refused ? EINVAL : 0,
		    refused ? "DMA" : "DMA-FQ", refused ? NULL : "user");
}

TEST_F(group_type, write_identity)
{
	const struct group_under_test *t = &self->t;
	char type[TOKEN_LEN], type_by[TOKEN_LEN];
	int err;

	if (group_untrusted(t)) {
		write_group(_metadata, t, "identity", EINVAL, t->boot_type,
			    t->boot_by);
		return;
	}
	err = write_str(t->path, "identity");
	if (err == EINVAL && !t->instance_does_identity)
		SKIP(return, "%s refuses identity and has no identity group",
		     t->in.name);
	EXPECT_EQ(0, err)
		TH_LOG("writing identity: %s", strerror(err));
	read_group(_metadata, t, type, type_by);
	EXPECT_STREQ("identity", type);
	EXPECT_STREQ("user", type_by);
}

/* "auto" re-applies the boot rule, whatever was written before. */
TEST_F(group_type, write_auto)
{
	static const char * const other[] = { "DMA", "identity", "DMA-FQ" };
	const struct group_under_test *t = &self->t;
	const char *written = t->boot_type;

	for (unsigned int i = 0; i < ARRAY_SIZE(other); i++) {
		if (strcmp(other[i], t->boot_type) &&
		    !write_str(t->path, other[i])) {
			written = other[i];
			break;
		}
	}
	/* Nothing else taken: the same type, now as the user's choice. */
	if (written == t->boot_type)
		ASSERT_EQ(0, write_str(t->path, written));
	TH_LOG("group %u: wrote %s, then auto", t->g.id, written);
	write_group(_metadata, t, "auto", 0, t->boot_type, t->boot_by);
}

/* Anything else is refused and changes nothing. */
TEST_F(group_type, write_invalid)
{
	static const char * const bad[] = { "banana", "\n", "dma", "auto2" };
	const struct group_under_test *t = &self->t;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		write_group(_metadata, t, bad[i], EINVAL, t->boot_type,
			    t->boot_by);
}

/*
 * Nothing to check: one skipped test, then exit 4 (KSFT_SKIP). The harness
 * would count a run of skipped tests as a pass, and a bare "1..0 # SKIP"
 * has no test for TAP parsers to report.
 */
static __noreturn void skip_all(const char *why)
{
	ksft_print_header();
	ksft_set_plan(1);
	ksft_test_result_code(KSFT_SKIP, "iommu_dma_policy", "%s", why);
	ksft_print_cnts();
	exit(KSFT_SKIP);
}

int main(int argc, char **argv)
{
	unsigned int all, reported;
	char missing[NAME_LEN], why[128];

	count_instances(&all, &reported, missing, sizeof(missing));
	if (!all)
		skip_all("no IOMMU instance in " IOMMU_CLASS);
	if (!reported) {
		snprintf(why, sizeof(why), "no dma_policy report in %s/%s",
			 IOMMU_CLASS, missing);
		skip_all(why);
	}
	return test_harness_run(argc, argv);
}
