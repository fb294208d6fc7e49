// SPDX-License-Identifier: GPL-2.0
/*
 * gpu-first-touch: the cost of the SVM fault path, measured against the CPU
 * doing the same thing, in one boot.
 *
 *   gpu-first-touch [-s MiB[,MiB...]] [-r REPS] [-o OUT.json] [-d]
 *
 * For each size: a GPU program writes one word in every page of a fresh
 * mmap()ed buffer (one thread per page), against the CPU writing one word
 * per page of a fresh buffer (a CPU page fault per page); with 4 KiB pages
 * and with THP. The same GPU run with the driver's fault batches limited to
 * one fault (debugfs fault_batch_max), and with fault-ahead off
 * (fault_ahead_kib = 4). munmap() of a GPU-mirrored
 * buffer against one the GPU never saw (-d: the default 4 KiB and THP runs
 * only). Every GPU run's data is checked; the fault statistics, with the
 * time the driver counted in fault service and in hmm_range_fault(), come
 * from the file's fdinfo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "libvsvm.h"
#include "vsvm_asm.h"

#define PAGE		4096UL
#define PMD_SZ		(2UL << 20)
#define MAX_REPS	16

static struct vsvm *gpu;
static uint32_t chan;
static uint64_t *prog;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "gpu-first-touch: %s: %s\n", what,
		gpu && *vsvm_error(gpu) ? vsvm_error(gpu) : strerror(errno));
	exit(1);
}

/* One thread per page of buf writes its index there; must succeed. */
static void gpu_touch(void *buf, size_t len)
{
	uint64_t arg = (uintptr_t)buf;

	if (vsvm_run(gpu, chan, prog, len / PAGE, &arg, 1))
		die("launch");
}

static void *fresh(size_t len, int thp)
{
	char *raw = mmap(NULL, len + PMD_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		die("mmap");
	p = (char *)(((uintptr_t)raw + PMD_SZ - 1) & ~(PMD_SZ - 1));
	if (madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise");
	return p;
}

/* Whole mapping of a fresh() buffer (it was over-allocated to align). */
static void release(void *p, size_t len)
{
	munmap(p, len);
}

static void check(const void *buf, size_t len)
{
	const char *p = buf;
	size_t i;

	for (i = 0; i < len / PAGE; i++) {
		if (*(const uint64_t *)(p + i * PAGE) != i) {
			fprintf(stderr, "gpu-first-touch: page %zu holds %" PRIu64 "\n",
				i, *(const uint64_t *)(p + i * PAGE));
			exit(1);
		}
	}
}

static void stats(struct vsvm_stats *st)
{
	if (vsvm_stats(gpu, st))
		die("statistics");
}

/* A driver tunable for one run of the benchmark. */
struct variant {
	const char *name;	/* "default", "batch1", "ahead-off" */
	const char *param;	/* debugfs tunable of the device, or NULL */
	const char *value;
	const char *restore;
};

static const struct variant v_default = { "default", NULL, NULL, NULL };
static const struct variant v_batch1 = {
	"batch1", "fault_batch_max", "1", "256",
};
static const struct variant v_ahead_off = {
	"ahead-off", "fault_ahead_kib", "4", "256",
};

static int set_param(const char *param, const char *val)
{
	char path[128];
	struct stat st;
	int f, ok;

	if (fstat(vsvm_fd(gpu), &st))
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/%s",
		 minor(st.st_rdev), param);
	f = open(path, O_WRONLY);

	if (f < 0)
		return -1;
	ok = write(f, val, strlen(val)) == (ssize_t)strlen(val);
	close(f);
	return ok ? 0 : -1;
}

/* One row: CPU first touch vs GPU first touch of len bytes. */
static void first_touch(FILE *out, size_t len, int thp, int reps,
			const struct variant *v, int *first)
{
	uint64_t cpu[MAX_REPS], gpu_ns[MAX_REPS], t;
	struct vsvm_stats a, b, d = { 0 };
	size_t i;
	int r;

	if (v->param && set_param(v->param, v->value))
		die(v->param);
	for (r = 0; r < reps; r++) {
		char *c = fresh(len, thp), *g;

		t = now_ns();
		for (i = 0; i < len; i += PAGE)
			*(uint64_t *)(c + i) = i / PAGE;
		cpu[r] = now_ns() - t;
		release(c, len);

		g = fresh(len, thp);
		stats(&a);
		t = now_ns();
		gpu_touch(g, len);
		gpu_ns[r] = now_ns() - t;
		stats(&b);
		d.faults += b.faults - a.faults;
		d.batches += b.batches - a.batches;
		d.replays += b.replays - a.replays;
		d.hmm_calls += b.hmm_calls - a.hmm_calls;
		d.hmm_ns += b.hmm_ns - a.hmm_ns;
		d.fault_ns += b.fault_ns - a.fault_ns;
		d.pages_4k += b.pages_4k - a.pages_4k;
		d.pages_2m += b.pages_2m - a.pages_2m;
		check(g, len);
		release(g, len);
	}
	if (v->param && set_param(v->param, v->restore))
		die(v->param);

	fprintf(out, "%s  {\"kind\": \"first-touch\", \"bytes\": %zu, \"thp\": %d, \"variant\": \"%s\"",
		*first ? "" : ",\n", len, thp, v->name);
	fprintf(out, ", \"cpu\": [");
	for (r = 0; r < reps; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", cpu[r]);
	fprintf(out, "], \"gpu\": [");
	for (r = 0; r < reps; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", gpu_ns[r]);
	fprintf(out, "], \"faults\": %lld, \"batches\": %lld, \"replays\": %lld, \"hmm-calls\": %lld, \"pages-4k\": %lld, \"pages-2m\": %lld, \"hmm-ns\": %lld, \"fault-ns\": %lld}",
		d.faults / reps, d.batches / reps, d.replays / reps,
		d.hmm_calls / reps, d.pages_4k / reps, d.pages_2m / reps,
		d.hmm_ns / reps, d.fault_ns / reps);
	*first = 0;
	printf("gpu-first-touch: %zu MiB %s %s: checked, %lld faults, %lld batches, %lld hmm calls, %lld 2M PTEs per run\n",
	       len >> 20, thp ? "THP" : "4K", v->name, d.faults / reps,
	       d.batches / reps, d.hmm_calls / reps, d.pages_2m / reps);
}

/* munmap() of a GPU-mirrored buffer vs one only the CPU touched. */
static void unmap_cost(FILE *out, size_t len, int reps, int *first)
{
	uint64_t mirrored[MAX_REPS], plain[MAX_REPS], t;
	size_t i;
	int r;

	for (r = 0; r < reps; r++) {
		char *a = fresh(len, 0), *b = fresh(len, 0);

		gpu_touch(a, len);
		for (i = 0; i < len; i += PAGE)
			*(uint64_t *)(b + i) = i / PAGE;
		t = now_ns();
		munmap(a, len);
		mirrored[r] = now_ns() - t;
		t = now_ns();
		munmap(b, len);
		plain[r] = now_ns() - t;
	}
	fprintf(out, "%s  {\"kind\": \"munmap\", \"bytes\": %zu, \"mirrored\": [",
		*first ? "" : ",\n", len);
	for (r = 0; r < reps; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", mirrored[r]);
	fprintf(out, "], \"plain\": [");
	for (r = 0; r < reps; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", plain[r]);
	fprintf(out, "]}");
	*first = 0;
	printf("gpu-first-touch: munmap %zu MiB measured\n", len >> 20);
}

int main(int argc, char **argv)
{
	char sizes_arg[128] = "64,1024", *tok, *save, asm_err[160];
	const char *path = NULL;
	int reps = 3, opt, first = 1, ret, defaults_only = 0;
	size_t big = 0, len, n;
	FILE *out;

	while ((opt = getopt(argc, argv, "s:r:o:d")) != -1) {
		switch (opt) {
		case 'd':
			defaults_only = 1;
			break;
		case 's':
			snprintf(sizes_arg, sizeof(sizes_arg), "%s", optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s MiB,...] [-r reps] [-o out.json] [-d]\n",
				argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS)
		return 2;
	ret = vsvm_open(&gpu);
	if (ret) {
		fprintf(stderr, "gpu-first-touch: no vsvm device: %s\n",
			strerror(-ret));
		return 1;
	}
	if (vsvm_svm_init(gpu, 0, 0) || vsvm_channel_create(gpu, &chan))
		die("svm init");
	if (vsvm_assemble("  s2r r1, tid\n  shli r2, r1, 12\n  ldarg r3, 0\n"
			  "  add r3, r3, r2\n  st64 [r3], r1\n  exit\n",
			  &prog, &n, asm_err, sizeof(asm_err))) {
		fprintf(stderr, "gpu-first-touch: %s\n", asm_err);
		return 1;
	}

	out = path ? fopen(path, "w") : stdout;
	if (!out)
		die(path);
	fprintf(out, "[\n");
	for (tok = strtok_r(sizes_arg, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		len = strtoul(tok, NULL, 0) << 20;
		if (!len || len % PMD_SZ) {
			fprintf(stderr, "gpu-first-touch: sizes are multiples of 2 MiB\n");
			return 2;
		}
		first_touch(out, len, 0, reps, &v_default, &first);
		first_touch(out, len, 1, reps, &v_default, &first);
		if (len > big)
			big = len;
	}
	len = big < (64UL << 20) ? big : 64UL << 20;
	if (!defaults_only) {
		first_touch(out, len, 0, reps, &v_batch1, &first);
		first_touch(out, len, 0, reps, &v_ahead_off, &first);
		unmap_cost(out, big, reps, &first);
	}
	fprintf(out, "\n]\n");
	if (path)
		fclose(out);
	vsvm_channel_destroy(gpu, chan);
	vsvm_close(gpu);
	free(prog);
	return 0;
}
