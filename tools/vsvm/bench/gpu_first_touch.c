// SPDX-License-Identifier: GPL-2.0
/*
 * gpu-first-touch: the cost of the SVM fault path, measured against the CPU
 * doing the same thing, in one boot.
 *
 *   gpu-first-touch [-s MiB[,MiB...]] [-r REPS] [-o OUT.json] [-d | -m]
 *
 * For each size: a GPU program writes one word in every page of a fresh
 * mmap()ed buffer (one thread per page: the RISC-V kernel first_touch of
 * tools/vsvm/gpu/kernels/bench.c, embedded here), against the CPU writing
 * one word per page of a fresh buffer (a CPU page fault per page); with
 * 4 KiB pages and with THP. The same GPU run with the driver's fault
 * batches limited to one fault (debugfs fault_batch_max), and with
 * fault-ahead off (fault_ahead_kib = 4). munmap() of a GPU-mirrored buffer
 * against one the GPU never saw (-d: the default 4 KiB and THP runs
 * only). Every GPU run's data is checked; the fault statistics, with the
 * time the driver counted in fault service and in hmm_range_fault(), come
 * from the file's fdinfo.
 *
 * -m instead: for each size (default 64 MiB; it must fit in VRAM), the GPU
 * first touch of a fresh buffer (4 KiB pages) with the migrate-on-fault
 * attribute to VRAM (DRM_IOCTL_VSVM_SVM_ATTR), set before the launch, so
 * that each fault first moves its 2 MiB window to VRAM, against the same
 * first touch without; both in each repetition, the first alternating.
 * After the run the first buffer must be all in VRAM and the second all in
 * system memory (DRM_IOCTL_VSVM_SVM_QUERY), and every word of both right
 * on the CPU.
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
#include "vsvm_bench_kernels.h"

#define PAGE		4096UL
#define PMD_SZ		(2UL << 20)
#define MAX_REPS	16

_Static_assert(PAGE == 1UL << FIRST_TOUCH_PAGE_SHIFT, "first_touch's page");

VSVM_GPU_IMAGE(bench);

static struct vsvm *gpu;
static uint32_t chan;
static struct vsvm_program *image;
static uint64_t touch_kernel;

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

/*
 * One thread per page of buf writes its index there; must succeed. One
 * thread per work-group: each page's thread is dispatched to an execution
 * unit on its own, and the store is its only data access.
 */
static void gpu_touch(void *buf, size_t len)
{
	struct vsvm_grid_launch l = {
		.program = touch_kernel,
		.local_size = { 1 },
		.num_groups = { len / PAGE },
		.args = { (uintptr_t)buf },
	};

	if (vsvm_launch_grid(gpu, chan, &l))
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

/*
 * Every word of a fresh buffer after gpu_touch(): the page's index in the
 * first word of each page, 0 in the others.
 */
static void check_words(const void *buf, size_t len, const char *what)
{
	const uint64_t *w = buf;
	uint64_t want;
	size_t i;

	for (i = 0; i < len / 8; i++) {
		want = i % (PAGE / 8) ? 0 : i / (PAGE / 8);
		if (w[i] != want) {
			fprintf(stderr, "gpu-first-touch: %s: word %zu holds %" PRIu64 ", not %" PRIu64 "\n",
				what, i, w[i], want);
			exit(1);
		}
	}
}

/* All pages of buf must be present, in VRAM if vram, else in system memory. */
static void check_residency(void *buf, size_t len, int vram, const char *what)
{
	uint64_t in_vram, in_sys;

	if (vsvm_svm_query(gpu, buf, len, NULL, &in_vram, &in_sys))
		die("query");
	if ((vram ? in_vram : in_sys) != len / PAGE) {
		fprintf(stderr, "gpu-first-touch: %s: %" PRIu64 " pages in VRAM, %" PRIu64 " in system memory, of %zu\n",
			what, in_vram, in_sys, len / PAGE);
		exit(1);
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

static void print_list(FILE *out, const char *key, const uint64_t *v,
		       int n)
{
	int r;

	fprintf(out, ", \"%s\": [", key);
	for (r = 0; r < n; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", v[r]);
	fprintf(out, "]");
}

/*
 * GPU first touch of len bytes (4 KiB pages) with the migrate-on-fault
 * attribute to VRAM vs without, both in each repetition, odd ones with
 * the attribute first.
 */
static void first_touch_mof(FILE *out, size_t len, int reps, int *first)
{
	uint64_t mof[MAX_REPS], plain[MAX_REPS], t;
	long long faults[2] = { 0 }, pages_2m[2] = { 0 }, migrated = 0;
	char *buf[2], *old[2] = { NULL, NULL };
	struct vsvm_stats a, b;
	int r, i, s;

	for (r = 0; r < reps; r++) {
		/* [0] without the attribute, [1] with. */
		buf[0] = fresh(len, 0);
		buf[1] = fresh(len, 0);
		/*
		 * The last repetition's buffers go only now, so that these
		 * cannot reuse their addresses: the driver keeps a window's
		 * migrate-on-fault history (thrash detection) a little while
		 * after munmap().
		 */
		for (s = 0; s < 2; s++)
			if (old[s])
				release(old[s], len);
		if (vsvm_svm_attr_set(gpu, buf[1], len, DRM_VSVM_LOC_VRAM,
				      DRM_VSVM_ATTR_MIGRATE_ON_FAULT))
			die("migrate-on-fault attribute");
		for (i = 0; i < 2; i++) {
			s = r % 2 ? 1 - i : i;
			stats(&a);
			t = now_ns();
			gpu_touch(buf[s], len);
			t = now_ns() - t;
			stats(&b);
			if (s)
				mof[r] = t;
			else
				plain[r] = t;
			faults[s] += b.faults - a.faults;
			pages_2m[s] += b.pages_2m - a.pages_2m;
			if (s)
				migrated += b.migrated_to_vram_kib -
					    a.migrated_to_vram_kib;
		}
		check_residency(buf[0], len, 0, "without migrate-on-fault");
		check_residency(buf[1], len, 1, "with migrate-on-fault");
		/*
		 * Back in 2 MiB steps, not by a CPU fault per page (far
		 * slower under emulation); then the CPU reads every word.
		 */
		if (vsvm_migrate(gpu, buf[1], len, 0))
			die("migrate to system memory");
		check_residency(buf[1], len, 0, "migrated back");
		check_words(buf[0], len, "without migrate-on-fault");
		check_words(buf[1], len, "with migrate-on-fault");
		old[0] = buf[0];
		old[1] = buf[1];
	}
	release(old[0], len);
	release(old[1], len);

	fprintf(out, "%s  {\"kind\": \"first-touch-mof\", \"bytes\": %zu, \"thp\": 0",
		*first ? "" : ",\n", len);
	print_list(out, "mof", mof, reps);
	print_list(out, "plain", plain, reps);
	fprintf(out, ", \"faults-mof\": %lld, \"faults-plain\": %lld, \"pages-2m-mof\": %lld, \"pages-2m-plain\": %lld, \"migrated-kib\": %lld}",
		faults[1] / reps, faults[0] / reps, pages_2m[1] / reps,
		pages_2m[0] / reps, migrated / reps);
	*first = 0;
	printf("gpu-first-touch: %zu MiB with migrate-on-fault: all in VRAM, checked, %lld KiB migrated, %lld faults (%lld without) per run\n",
	       len >> 20, migrated / reps, faults[1] / reps, faults[0] / reps);
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
	char sizes_arg[128] = "64,1024", *tok, *save, err[256];
	const char *path = NULL;
	int reps = 3, opt, first = 1, ret, defaults_only = 0, mof = 0;
	int sizes_given = 0;
	size_t big = 0, len;
	uint64_t vram = 0;
	FILE *out;

	while ((opt = getopt(argc, argv, "s:r:o:dm")) != -1) {
		switch (opt) {
		case 'd':
			defaults_only = 1;
			break;
		case 'm':
			mof = 1;
			break;
		case 's':
			snprintf(sizes_arg, sizeof(sizes_arg), "%s", optarg);
			sizes_given = 1;
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s MiB,...] [-r reps] [-o out.json] [-d | -m]\n",
				argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS)
		return 2;
	/* -m: 64 MiB unless -s says otherwise (VRAM is small). */
	if (mof && !sizes_given)
		snprintf(sizes_arg, sizeof(sizes_arg), "64");
	ret = vsvm_open(&gpu);
	if (ret) {
		fprintf(stderr, "gpu-first-touch: no vsvm device: %s\n",
			strerror(-ret));
		return 1;
	}
	if (vsvm_svm_init(gpu, 0, 0) || vsvm_channel_create(gpu, &chan))
		die("svm init");
	if (mof && vsvm_get_param(gpu, DRM_VSVM_PARAM_VRAM_SIZE, &vram))
		die("VRAM size");
	image = VSVM_GPU_IMAGE_LOAD(bench, err, sizeof(err));
	if (!image) {
		fprintf(stderr, "gpu-first-touch: GPU image: %s\n", err);
		return 1;
	}
	touch_kernel = vsvm_program_symbol(image, "first_touch");
	if (!touch_kernel) {
		fprintf(stderr, "gpu-first-touch: no kernel first_touch\n");
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
		if (mof) {
			if (len > vram) {
				fprintf(stderr, "gpu-first-touch: -m: %zu MiB do not fit in VRAM (%" PRIu64 " MiB)\n",
					len >> 20, vram >> 20);
				return 2;
			}
			first_touch_mof(out, len, reps, &first);
			continue;
		}
		first_touch(out, len, 0, reps, &v_default, &first);
		first_touch(out, len, 1, reps, &v_default, &first);
		if (len > big)
			big = len;
	}
	len = big < (64UL << 20) ? big : 64UL << 20;
	if (!defaults_only && !mof) {
		first_touch(out, len, 0, reps, &v_batch1, &first);
		first_touch(out, len, 0, reps, &v_ahead_off, &first);
		unmap_cost(out, big, reps, &first);
	}
	fprintf(out, "\n]\n");
	if (path)
		fclose(out);
	vsvm_channel_destroy(gpu, chan);
	vsvm_close(gpu);
	vsvm_program_free(image);
	return 0;
}
