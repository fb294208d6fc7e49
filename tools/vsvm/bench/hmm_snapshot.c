// SPDX-License-Identifier: GPL-2.0
/*
 * hmm-snapshot: time hmm_range_fault() snapshots of a present anonymous
 * range through the benchmark kernel's /sys/kernel/debug/hmm_bench/snapshot
 * (mm/hmm_bench.c), for 4 KiB pages and for THP, four ways side by side:
 * our GP100 device format; our hmm_range_fault() without a format plus a
 * driver's conversion loop; unmodified upstream 6.12 plus the same loop;
 * and a plain page-table walk.
 *
 *   hmm-snapshot [-s SIZE_MIB] [-r REPS] [-o OUT.json]
 *
 * Each repetition runs the modes in a rotating order, so that drift over
 * the run does not favour one of them. The device-format, generic and
 * upstream outputs must sum to the same value (the same PTEs); a mismatch
 * is an error. The JSON holds every sample in nanoseconds; scripts/bench-report.py
 * turns it into the table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CTL "/sys/kernel/debug/hmm_bench/snapshot"
#define PMD_SZ (2UL << 20)
#define NMODES 4
#define MAX_REPS 64

static const char *const modes[NMODES] = {
	"format", "generic", "upstream", "walk",
};

struct sample {
	uint64_t ns;
	uint64_t sum;
	unsigned int retries;
};

static int measure(int fd, const char *mode, void *addr, size_t len,
		   struct sample *s)
{
	char cmd[96], res[160];
	unsigned long pages;
	ssize_t n;
	int ret;

	snprintf(cmd, sizeof(cmd), "%s %lx %zx", mode, (unsigned long)addr, len);
	if (write(fd, cmd, strlen(cmd)) < 0) {
		fprintf(stderr, "hmm-snapshot: write '%s': %s\n", cmd,
			strerror(errno));
		return -1;
	}
	n = read(fd, res, sizeof(res) - 1);
	if (n < 0) {
		fprintf(stderr, "hmm-snapshot: read: %s\n", strerror(errno));
		return -1;
	}
	res[n] = '\0';
	if (sscanf(res, "ret=%d ns=%" SCNu64 " pages=%lu retries=%u sum=%" SCNx64,
		   &ret, &s->ns, &pages, &s->retries, &s->sum) != 5) {
		fprintf(stderr, "hmm-snapshot: bad reply '%s'\n", res);
		return -1;
	}
	if (ret) {
		fprintf(stderr, "hmm-snapshot: %s: %s\n", mode, strerror(-ret));
		return -1;
	}
	if (pages != len / 4096) {
		fprintf(stderr, "hmm-snapshot: %lu pages, expected %zu\n",
			pages, len / 4096);
		return -1;
	}
	return 0;
}

/* Kilobytes of the range [addr, addr + len) mapped by THPs, from smaps. */
static long thp_kib(void *addr, size_t len)
{
	unsigned long lo, hi, start = (unsigned long)addr;
	long kib = 0, v;
	char line[256];
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = lo < start + len && hi > start;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &v) == 1)
			kib += v;
	}
	fclose(f);
	return kib;
}

static void *map_populated(size_t len, int huge)
{
	char *raw, *p;
	size_t i;

	raw = mmap(NULL, len + PMD_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)raw + PMD_SZ - 1) & ~(PMD_SZ - 1));
	if (madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		return NULL;
	for (i = 0; i < len; i += 4096)
		p[i] = (char)(i >> 12);
	return p;
}

static int run(int fd, FILE *out, const char *pages, size_t len, int reps,
	       int first)
{
	struct sample s[NMODES][MAX_REPS];
	int r, k, m;
	void *p;
	long kib;

	p = map_populated(len, !strcmp(pages, "thp"));
	if (!p) {
		fprintf(stderr, "hmm-snapshot: cannot map %zu bytes: %s\n", len,
			strerror(errno));
		return -1;
	}
	kib = thp_kib(p, len);
	for (r = 0; r < reps; r++) {
		for (k = 0; k < NMODES; k++) {
			m = (r + k) % NMODES;
			if (measure(fd, modes[m], p, len, &s[m][r]))
				return -1;
		}
		for (m = 1; m < 3; m++) {
			if (s[0][r].sum == s[m][r].sum)
				continue;
			fprintf(stderr,
				"hmm-snapshot: %s: device format and %s+conversion disagree (sum %" PRIx64 " vs %" PRIx64 ")\n",
				pages, modes[m], s[0][r].sum, s[m][r].sum);
			return -1;
		}
	}
	fprintf(out, "%s  {\"pages\": \"%s\", \"bytes\": %zu, \"thp_kib\": %ld",
		first ? "" : ",\n", pages, len, kib);
	for (m = 0; m < NMODES; m++) {
		fprintf(out, ", \"%s\": [", modes[m]);
		for (r = 0; r < reps; r++)
			fprintf(out, "%s%" PRIu64, r ? ", " : "", s[m][r].ns);
		fprintf(out, "]");
	}
	fprintf(out, "}");
	printf("hmm-snapshot: %s: %zu MiB, %ld MiB in THPs, %d repetitions, outputs agree\n",
	       pages, len >> 20, kib >> 10, reps);
	munmap(p, len);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	size_t mib = 1024;
	int reps = 7, opt, fd, ret;
	FILE *out;

	while ((opt = getopt(argc, argv, "s:r:o:")) != -1) {
		switch (opt) {
		case 's':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s MiB] [-r reps] [-o out.json]\n",
				argv[0]);
			return 2;
		}
	}
	if (!mib || mib % 2 || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "hmm-snapshot: size must be a non-zero even number of MiB, 1..%d repetitions\n",
			MAX_REPS);
		return 2;
	}
	fd = open(CTL, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "hmm-snapshot: %s: %s (kernel without CONFIG_HMM_BENCH?)\n",
			CTL, strerror(errno));
		return 1;
	}
	out = path ? fopen(path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "hmm-snapshot: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(out, "[\n");
	ret = run(fd, out, "4k", mib << 20, reps, 1);
	if (!ret)
		ret = run(fd, out, "thp", mib << 20, reps, 0);
	fprintf(out, "\n]\n");
	if (path)
		fclose(out);
	close(fd);
	return ret ? 1 : 0;
}
