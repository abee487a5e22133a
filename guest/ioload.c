// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioload - a small O_DIRECT read load for the guest, so that DMA through the
 * IOMMU (map and unmap per request) is timed under each domain type.
 *
 *   ioload [-m randread|seqread] [-b BYTES] [-t SECONDS] [-n OPS] [-s SEED] [DEVICE]
 *
 *   -m  randread: reads at random offsets aligned to the block size (default);
 *       seqread: consecutive reads from offset 0, wrapping at the device's end.
 *       Also taken from the program's name: "ioload-seqread" means -m seqread.
 *   -b  bytes per read, a multiple of the device's logical block size; suffix
 *       k, m or g for KiB, MiB, GiB (default 4k for randread, 1m for seqread).
 *   -t  run for this many seconds (default 10 unless -n is given).
 *   -n  stop after this many reads (with -t: whichever comes first).
 *   -s  seed of the random offsets (default 1: runs are reproducible).
 *   DEVICE defaults to /dev/vda.
 *
 * Prints one line on stdout, fields space separated:
 *
 *   @@ BENCH io mode=<mode> bs=<bytes> ops=<reads> secs=<s> iops=<reads/s> mbps=<MB/s> dev=<dev>
 *
 * mbps is 10^6 bytes per second. Exit status: 0 done, 1 I/O or setup error
 * (a message on stderr), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

enum mode { RANDREAD, SEQREAD };

static const char *const mode_names[] = { "randread", "seqread" };

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-m randread|seqread] [-b BYTES] [-t SECONDS] [-n OPS] [-s SEED] [DEVICE]\n",
		prog);
	exit(2);
}

/* parse_size - "4096", "4k", "1m", "1g"; 0 if malformed. */
static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	if (end == s)
		return 0;
	switch (*end) {
	case '\0':
		return v;
	case 'k': case 'K':
		v <<= 10;
		break;
	case 'm': case 'M':
		v <<= 20;
		break;
	case 'g': case 'G':
		v <<= 30;
		break;
	default:
		return 0;
	}
	return end[1] ? 0 : v;
}

/* xorshift64* - small, seedable, good enough to spread offsets. */
static uint64_t next_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/vda", *base = strrchr(argv[0], '/');
	uint64_t bs = 0, size, blocks, ops = 0, max_ops = 0, seed = 1;
	double secs = 0, t0, elapsed;
	enum mode mode = RANDREAD;
	unsigned int lbs = 512;
	int fd, opt, ssz;
	void *buf;

	base = base ? base + 1 : argv[0];
	if (strstr(base, "seqread"))
		mode = SEQREAD;

	while ((opt = getopt(argc, argv, "m:b:t:n:s:")) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "randread"))
				mode = RANDREAD;
			else if (!strcmp(optarg, "seqread"))
				mode = SEQREAD;
			else
				usage(argv[0]);
			break;
		case 'b':
			bs = parse_size(optarg);
			if (!bs)
				usage(argv[0]);
			break;
		case 't':
			secs = strtod(optarg, NULL);
			if (secs <= 0)
				usage(argv[0]);
			break;
		case 'n':
			max_ops = strtoull(optarg, NULL, 10);
			if (!max_ops)
				usage(argv[0]);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind < argc)
		dev = argv[optind++];
	if (optind != argc)
		usage(argv[0]);
	if (!bs)
		bs = mode == RANDREAD ? 4096 : 1 << 20;
	if (!secs && !max_ops)
		secs = 10;
	if (!seed)
		seed = 1;	/* xorshift's one fixed point */

	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "ioload: open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
		fprintf(stderr, "ioload: %s: size: %s\n", dev, strerror(errno));
		return 1;
	}
	if (ioctl(fd, BLKSSZGET, &ssz) == 0 && ssz > 0)
		lbs = ssz;
	if (bs % lbs) {
		fprintf(stderr, "ioload: %" PRIu64 " bytes is not a multiple of %s's block size %u\n",
			bs, dev, lbs);
		return 2;
	}
	blocks = size / bs;
	if (!blocks) {
		fprintf(stderr, "ioload: %s (%" PRIu64 " bytes) is smaller than one read of %" PRIu64 "\n",
			dev, size, bs);
		return 1;
	}
	if (posix_memalign(&buf, lbs > 4096 ? lbs : 4096, bs)) {
		fprintf(stderr, "ioload: cannot allocate %" PRIu64 " bytes\n", bs);
		return 1;
	}

	t0 = now();
	for (;;) {
		uint64_t block = mode == RANDREAD ? next_rand(&seed) % blocks : ops % blocks;
		ssize_t n = pread(fd, buf, bs, (off_t)(block * bs));

		if (n != (ssize_t)bs) {
			fprintf(stderr, "ioload: read of %" PRIu64 " bytes at %" PRIu64 ": %s\n", bs,
				block * bs, n < 0 ? strerror(errno) : "short read");
			return 1;
		}
		ops++;
		if (max_ops && ops >= max_ops)
			break;
		if (secs && now() - t0 >= secs)
			break;
	}
	elapsed = now() - t0;
	if (elapsed <= 0)
		elapsed = 1e-9;

	printf("@@ BENCH io mode=%s bs=%" PRIu64 " ops=%" PRIu64 " secs=%.3f iops=%.1f mbps=%.2f dev=%s\n",
	       mode_names[mode], bs, ops, elapsed, ops / elapsed, ops * bs / elapsed / 1e6, dev);
	free(buf);
	close(fd);
	return 0;
}
