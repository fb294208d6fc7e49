// SPDX-License-Identifier: GPL-2.0
/*
 * hmm-snapshot: time "snapshot and install into a GP100 page table" through
 * the benchmark kernel's /sys/kernel/debug/hmm_bench/snapshot
 * (mm/hmm_bench.c), side by side: our GP100 device format; our
 * hmm_range_fault() without a format plus a driver's conversion; unmodified
 * upstream 6.12 plus the same conversion; a plain page-table walk; and the
 * DMA-mapping variants of the first and third. When the Nouveau benchmark
 * module is loaded (its control file, -c, exists), also Nouveau's fault
 * path on the HMM format against 6.12's, a window at a time and a page at
 * a time (drivers/gpu/drm/nouveau/nouveau_svm_hmm_bench.c), at a quarter
 * of the size (at most 1 GiB).
 *
 *   hmm-snapshot [-s SIZE_MIB] [-r REPS] [-o OUT.json] [-c NOUVEAU_CTL]
 *
 * Ranges: present 4 KiB pages, THPs, a mix of permissions and holes
 * (snapshot without requests), absent pages (the fault path), and 4 KiB /
 * THP with DMA mapping. Each repetition runs the modes in a rotating order,
 * so that drift over the run does not favour one of them. Every mode that
 * installs must produce the same page table (same position-sensitive
 * hash); a mismatch is an error. The JSON holds every sample in
 * nanoseconds; scripts/bench-report.py turns it into the table.
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
#define NOUVEAU_CTL "/sys/kernel/debug/nouveau_svm_hmm_bench/snapshot"

/* The control file of the Nouveau rows (-c). */
static const char *nouveau_ctl = NOUVEAU_CTL;

/*
 * The DMA device of hmm_bench's -dma modes, or of the Nouveau rows, and how
 * it maps ("0000:00:04.0 iommu"): "dma_device" next to the control file,
 * read once.
 */
static const char *dma_device(int nouveau)
{
	static char devs[2][64];
	char *dev = devs[!!nouveau], path[256], *slash;
	const char *ctl = nouveau ? nouveau_ctl : CTL;
	FILE *f;

	if (dev[0])
		return dev;
	snprintf(dev, sizeof(devs[0]), "unknown");
	snprintf(path, sizeof(path), "%s", ctl);
	slash = strrchr(path, '/');
	snprintf(slash ? slash + 1 : path,
		 sizeof(path) - (slash ? slash + 1 - path : 0), "dma_device");
	f = fopen(path, "r");
	if (f) {
		if (fgets(dev, sizeof(devs[0]), f))
			dev[strcspn(dev, "\n")] = '\0';
		fclose(f);
	}
	return dev;
}
#define PMD_SZ (2UL << 20)
#define NOUVEAU_MAX_LEN (1UL << 30)
#define MAX_MODES 5
#define MAX_REPS 64

struct sample {
	uint64_t ns;
	uint64_t hash;
	unsigned int retries;
};

enum layout { PRESENT_4K, PRESENT_THP, MIXED, ABSENT };

/* One row of the benchmark: a range layout and the modes compared on it. */
struct bench_range {
	const char *name;
	enum layout layout;
	int snap;		/* no fault request */
	size_t div;		/* size = -s / div */
	const char *modes[MAX_MODES];
};

static const struct bench_range ranges[] = {
	{ "4k", PRESENT_4K, 0, 1,
	  { "format", "generic", "upstream", "walk", "format-only" } },
	{ "thp", PRESENT_THP, 0, 1,
	  { "format", "generic", "upstream", "walk", "format-only" } },
	{ "mixed", MIXED, 1, 1, { "format", "upstream", "walk" } },
	{ "absent", ABSENT, 0, 16, { "format", "upstream" } },
	{ "4k-dma", PRESENT_4K, 0, 1, { "format-dma", "upstream-dma" } },
	{ "thp-dma", PRESENT_THP, 0, 1, { "format-dma", "upstream-dma" } },
	{ "nouveau-4k", PRESENT_4K, 0, 4,
	  { "format", "upstream", "upstream-1page" } },
	{ "nouveau-thp", PRESENT_THP, 0, 4,
	  { "format", "upstream", "upstream-1page" } },
	{ "nouveau-4k-direct", PRESENT_4K, 0, 4,
	  { "format-direct", "upstream-direct", "upstream-1page-direct" } },
	{ "nouveau-thp-direct", PRESENT_THP, 0, 4,
	  { "format-direct", "upstream-direct", "upstream-1page-direct" } },
};

/* Nouveau rows whose modes use the direct-DMA root device. */
static int is_direct(const struct bench_range *br)
{
	return strstr(br->name, "-direct") != NULL;
}

/* Rows "nouveau-*" are measured by Nouveau's module, not by hmm_bench. */
static int is_nouveau(const struct bench_range *br)
{
	return !strncmp(br->name, "nouveau-", 8);
}

static int measure(int fd, const char *mode, void *addr, size_t len,
		   int snap, struct sample *s)
{
	char cmd[96], res[160];
	unsigned long pages;
	ssize_t n;
	int ret;

	snprintf(cmd, sizeof(cmd), "%s %lx %zx%s", mode, (unsigned long)addr,
		 len, snap ? " snap" : "");
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
	if (sscanf(res, "ret=%d ns=%" SCNu64 " pages=%lu retries=%u hash=%" SCNx64,
		   &ret, &s->ns, &pages, &s->retries, &s->hash) != 5) {
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

/*
 * The range of a layout, 2 MiB aligned. MIXED: in every 2 MiB, 256 written
 * pages and 64 untouched ones (read-write), 64 read-only pages that were
 * read (the zero page), 64 PROT_NONE pages and a 64-page hole.
 */
static char *map_range(size_t len, enum layout layout)
{
	char *raw, *p, *c;
	size_t i, off;

	raw = mmap(NULL, len + PMD_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)raw + PMD_SZ - 1) & ~(PMD_SZ - 1));
	if (madvise(p, len, layout == PRESENT_THP ? MADV_HUGEPAGE :
			    MADV_NOHUGEPAGE))
		return NULL;
	if (layout == ABSENT)
		return p;
	for (i = 0; i < len; i += 4096) {
		off = i % PMD_SZ;
		if (layout != MIXED || off < 256 * 4096)
			p[i] = (char)(i >> 12);
	}
	if (layout != MIXED)
		return p;
	for (c = p; c < p + len; c += PMD_SZ) {
		volatile char *ro = c + 320 * 4096;

		if (mprotect(c + 320 * 4096, 64 * 4096, PROT_READ) ||
		    mprotect(c + 384 * 4096, 64 * 4096, PROT_NONE) ||
		    munmap(c + 448 * 4096, 64 * 4096))
			return NULL;
		for (i = 0; i < 64; i++)
			(void)ro[i * 4096];
	}
	return p;
}

static int run(int fd, FILE *out, const struct bench_range *br, size_t len,
	       int reps, int first)
{
	struct sample s[MAX_MODES][MAX_REPS];
	int r, k, m, nmodes = 0, agree = 1;
	char *p;
	long kib;

	while (nmodes < MAX_MODES && br->modes[nmodes])
		nmodes++;
	p = map_range(len, br->layout);
	if (!p) {
		fprintf(stderr, "hmm-snapshot: cannot map %zu bytes: %s\n", len,
			strerror(errno));
		return -1;
	}
	kib = thp_kib(p, len);
	for (r = 0; r < reps; r++) {
		for (k = 0; k < nmodes; k++) {
			m = (r + k) % nmodes;
			/* The fault path starts from absent pages every time. */
			if (br->layout == ABSENT &&
			    madvise(p, len, MADV_DONTNEED))
				return -1;
			if (measure(fd, br->modes[m], p, len, br->snap,
				    &s[m][r]))
				return -1;
		}
		for (m = 1; m < nmodes; m++) {
			/* The walk and "format-only" install nothing. */
			if (!strcmp(br->modes[m], "walk") ||
			    !strcmp(br->modes[m], "format-only") ||
			    s[0][r].hash == s[m][r].hash)
				continue;
			fprintf(stderr,
				"hmm-snapshot: %s: %s and %s installed different page tables (hash %" PRIx64 " vs %" PRIx64 ")\n",
				br->name, br->modes[0], br->modes[m],
				s[0][r].hash, s[m][r].hash);
			/*
			 * Nouveau's tables hold IOVAs behind an IOMMU (the
			 * module hashes their physical addresses, but only
			 * direct DMA is held to equal hashes).
			 */
			if (is_nouveau(br) && !is_direct(br) &&
			    !strstr(dma_device(1), "direct")) {
				agree = 0;
				continue;
			}
			return -1;
		}
	}
	fprintf(out, "%s  {\"pages\": \"%s\", \"bytes\": %zu, \"thp_kib\": %ld",
		first ? "" : ",\n", br->name, len, kib);
	if (strstr(br->name, "dma") || is_nouveau(br))
		fprintf(out, ", \"dma_device\": \"%s\"",
			is_direct(br) ? "root device, direct" :
			dma_device(is_nouveau(br)));
	for (m = 0; m < nmodes; m++) {
		fprintf(out, ", \"%s\": [", br->modes[m]);
		for (r = 0; r < reps; r++)
			fprintf(out, "%s%" PRIu64, r ? ", " : "", s[m][r].ns);
		fprintf(out, "]");
	}
	fprintf(out, "}");
	printf("hmm-snapshot: %s: %zu MiB, %ld MiB in THPs, %d repetitions, %s\n",
	       br->name, len >> 20, kib >> 10, reps,
	       agree ? "page tables agree" : "page tables differ (IOMMU)");
	munmap(p, len);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	size_t mib = 1024, i;
	int reps = 7, opt, fd, nfd, ret;
	FILE *out;

	while ((opt = getopt(argc, argv, "s:r:o:c:")) != -1) {
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
		case 'c':
			nouveau_ctl = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s MiB] [-r reps] [-o out.json] [-c nouveau-ctl]\n",
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
	/* The Nouveau rows run when its benchmark module is loaded. */
	nfd = open(nouveau_ctl, O_RDWR);
	if (nfd < 0)
		fprintf(stderr, "hmm-snapshot: %s: %s; no Nouveau rows\n",
			nouveau_ctl, strerror(errno));
	out = path ? fopen(path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "hmm-snapshot: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(out, "[\n");
	ret = 0;
	for (i = 0; !ret && i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		size_t len = ((mib << 20) / ranges[i].div) & ~(PMD_SZ - 1);

		if (is_nouveau(&ranges[i])) {
			if (nfd < 0)
				continue;
			if (len > NOUVEAU_MAX_LEN)
				len = NOUVEAU_MAX_LEN;
		}
		ret = run(is_nouveau(&ranges[i]) ? nfd : fd, out, &ranges[i],
			  len ? len : PMD_SZ, reps, !i);
	}
	fprintf(out, "\n]\n");
	if (path)
		fclose(out);
	if (nfd >= 0)
		close(nfd);
	close(fd);
	return ret ? 1 : 0;
}
