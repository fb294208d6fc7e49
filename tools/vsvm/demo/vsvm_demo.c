// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm-demo: OpenCL-style shared-virtual-memory workloads on plain
 * malloc()/mmap() memory, each checked on the CPU, with the time and the
 * driver's fault statistics per workload. The GPU programs are C kernels
 * for the RISC-V execution units (tools/vsvm/gpu/kernels/demo.c, argument
 * blocks in vsvm_demo_kernels.h), built by clang into the image "demo"
 * and embedded in this binary (build/gpu/embed/demo.o).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libvsvm.h"
#include "vsvm_demo_kernels.h"

VSVM_GPU_IMAGE(demo);

static struct vsvm *gpu;
static struct vsvm_program *image;
static uint32_t chan;

struct result {
	const char *name;
	char value[64];
	char detail[192];	/* what was checked, printed after the table */
	int ok;
	double ms;
	struct vsvm_stats st;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Say why a launch failed, and where in the image when the GPU stopped. */
static void launch_failed(const struct result *r, const char *kernel)
{
	struct drm_vsvm_channel_error err;
	const char *fn;
	uint64_t off = 0;

	fprintf(stderr, "vsvm-demo: %s: %s: %s\n", r->name, kernel,
		vsvm_error(gpu));
	if (vsvm_channel_error(gpu, chan, &err) || !err.code)
		return;
	fn = vsvm_program_addr_name(image, err.pc, &off);
	fprintf(stderr, "vsvm-demo: channel error %u at pc 0x%" PRIx64 " (%s+0x%" PRIx64 "), address 0x%" PRIx64 "\n",
		err.code, (uint64_t)err.pc, fn ? fn : "?", off,
		(uint64_t)err.address);
}

/*
 * Run kernel @kernel of the image over @threads threads (1-D, work-groups
 * of @local, the last one padded: kernels check their bounds) with
 * argument block @args, and account time and fault statistics to r.
 */
static int launch(struct result *r, const char *kernel, uint32_t threads,
		  uint32_t local, uint32_t local_mem, void *args)
{
	struct vsvm_grid_launch l = {
		.program = vsvm_program_symbol(image, kernel),
		.local_size = { local },
		.num_groups = { (threads + local - 1) / local },
		.local_mem_size = local_mem,
		.args = { (uintptr_t)args },
	};
	struct vsvm_stats a, b;
	double t;
	int ret;

	if (!l.program) {
		fprintf(stderr, "vsvm-demo: no kernel %s in the image\n", kernel);
		return -ENOENT;
	}
	vsvm_stats(gpu, &a);
	t = now_ms();
	ret = vsvm_launch_grid(gpu, chan, &l);
	r->ms += now_ms() - t;
	vsvm_stats(gpu, &b);
	r->st.faults += b.faults - a.faults;
	r->st.batches += b.batches - a.batches;
	r->st.hmm_calls += b.hmm_calls - a.hmm_calls;
	r->st.pages_2m += b.pages_2m - a.pages_2m;
	if (ret)
		launch_failed(r, kernel);
	return ret;
}

static void vector_add(struct result *r)
{
	const uint32_t n = 1 << 16;
	uint64_t *a = malloc(n * 8), *b = malloc(n * 8), *c = malloc(n * 8);
	struct demo_vector_add_args args = { .a = a, .b = b, .c = c, .n = n };
	uint32_t i, bad = 0;

	for (i = 0; i < n; i++) {
		a[i] = i;
		b[i] = 3ULL * i + 1;
	}
	r->ok = !launch(r, "demo_vector_add", n, 256, 0, &args);
	for (i = 0; r->ok && i < n; i++)
		bad += c[i] != 4ULL * i + 1;
	r->ok = r->ok && !bad;
	snprintf(r->value, sizeof(r->value), "%u sums, %u wrong", n, bad);
	free(a);
	free(b);
	free(c);
}

static void list_walk(struct result *r)
{
	const unsigned int n = 20000;
	struct demo_node *head = NULL, *nd;
	uint64_t sum = 0, gpu_sum = 0;
	struct demo_list_args args = { .sum = &gpu_sum };
	unsigned int i;

	for (i = 0; i < n; i++) {
		nd = malloc(sizeof(*nd));	/* scattered over the heap */
		nd->value = (uint64_t)i * i % 1000;
		nd->next = head;
		head = nd;
		sum += nd->value;
	}
	args.head = head;
	r->ok = !launch(r, "demo_list_walk", 1, 1, 0, &args);
	r->ok = r->ok && gpu_sum == sum;
	snprintf(r->value, sizeof(r->value), "sum %" PRIu64 " (CPU %" PRIu64 ")",
		 gpu_sum, sum);
	while (head) {
		nd = head->next;
		free(head);
		head = nd;
	}
}

#define CPU_ADDS 50000

static void *cpu_add(void *p)
{
	int i;

	for (i = 0; i < CPU_ADDS; i++)
		__atomic_fetch_add((uint64_t *)p, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void atomic_counter(struct result *r)
{
	uint64_t *counter = calloc(1, 64);
	const uint32_t threads = 256, per = 200;
	uint64_t want = (uint64_t)threads * per + 2ULL * CPU_ADDS;
	struct demo_count_args args = { .counter = counter, .per = per };
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, cpu_add, counter);
	r->ok = !launch(r, "demo_count", threads, 64, 0, &args);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	r->ok = r->ok && *counter == want;
	snprintf(r->value, sizeof(r->value), "%" PRIu64 " (want %" PRIu64 ")",
		 *counter, want);
	free(counter);
}

static void histogram(struct result *r)
{
	const uint32_t n = 1 << 16;
	uint8_t *data = malloc(n);
	uint64_t *bins = calloc(256, 8), want[256] = { 0 };
	struct demo_histogram_args args = { .data = data, .n = n, .bins = bins };
	uint32_t i, bad = 0, seed = 12345;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		data[i] = seed >> 16;
		want[data[i]]++;
	}
	r->ok = !launch(r, "demo_histogram", n, 256, 0, &args);
	for (i = 0; i < 256; i++)
		bad += bins[i] != want[i];
	r->ok = r->ok && !bad;
	snprintf(r->value, sizeof(r->value), "256 bins, %u wrong", bad);
	free(data);
	free(bins);
}

static void mmap_file(struct result *r)
{
	const uint32_t n = 1 << 14;
	char path[] = "/tmp/vsvm-demo-XXXXXX";
	uint64_t sum = 0, want = 0;
	struct demo_sum_args args = { .n = n, .sum = &sum };
	uint32_t *words, i;
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0) {
		snprintf(r->value, sizeof(r->value), "mkstemp: %s", strerror(errno));
		return;
	}
	unlink(path);
	f = fdopen(fd, "w+");
	for (i = 0; i < n; i++) {
		uint32_t w = i * 2654435761u;

		fwrite(&w, 4, 1, f);
		want += w;
	}
	fflush(f);
	words = mmap(NULL, n * 4, PROT_READ, MAP_SHARED, fd, 0);
	if (words == MAP_FAILED) {
		snprintf(r->value, sizeof(r->value), "mmap: %s", strerror(errno));
		fclose(f);
		return;
	}
	args.words = words;
	r->ok = !launch(r, "demo_sum_words", n, 256, 0, &args);
	r->ok = r->ok && sum == want;
	snprintf(r->value, sizeof(r->value), "sum %" PRIu64 " (file %" PRIu64 ")",
		 sum, want);
	munmap(words, n * 4);
	fclose(f);
}

/* The float sort: 2 work-groups sort a tile each, then 1 merge pass. */
#define SORT_N		(2 * DEMO_SORT_TILE)

static uint64_t sort_rng(uint64_t *state)
{
	/* xorshift64* */
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dULL;
}

static float float_of_bits(uint32_t bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

/*
 * Floats that make the order work: many duplicates (small multiples of
 * 1/4, both zeros), wide magnitudes of both signs, subnormals, the
 * infinities and the extremes. No NaN.
 */
static void sort_input(float *v, uint32_t n)
{
	static const uint32_t special[] = {
		0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x00000001,
		0x80000001, 0x007fffff, 0x807fffff, 0x7f7fffff, 0xff7fffff,
		0x00800000, 0x80800000,
	};
	uint64_t st = 0x9e3779b97f4a7c15ULL, x;
	uint32_t i, sign, exp;

	for (i = 0; i < n; i++) {
		x = sort_rng(&st);
		switch (x & 7) {
		case 0:
		case 1:
			v[i] = (float)((int)(x >> 32) % 256) / 4.0f;
			if (v[i] == 0.0f && (x & 8))
				v[i] = -0.0f;
			break;
		case 2:
			v[i] = float_of_bits(special[(x >> 8) %
					     (sizeof(special) / sizeof(special[0]))]);
			break;
		case 3:		/* subnormal */
			v[i] = float_of_bits((uint32_t)(x >> 40) % 0x800000 |
					     (uint32_t)(x >> 63) << 31);
			break;
		default:	/* 2^-30 to 2^30 in magnitude */
			sign = (uint32_t)(x >> 63) << 31;
			exp = 97 + (uint32_t)(x >> 32) % 61;
			v[i] = float_of_bits(sign | exp << 23 |
					     ((uint32_t)x >> 9));
			break;
		}
	}
}

static int float_cmp(const void *pa, const void *pb)
{
	float a = *(const float *)pa, b = *(const float *)pb;

	return demo_float_before(a, b) ? -1 : demo_float_before(b, a);
}

/*
 * Sort SORT_N floats on the GPU: each work-group sorts a tile of
 * DEMO_SORT_TILE in its local memory with a bitonic network (barriers
 * between the stages), then merge-path passes merge the sorted tiles
 * pairwise, ping-ponging between two buffers. The result must be qsort()'s,
 * bit for bit.
 */
static void float_sort(struct result *r)
{
	const uint32_t n = SORT_N;
	float *in = malloc(n * 4), *want = malloc(n * 4), *buf[2];
	struct demo_sort_args args = { .n = n };
	uint32_t i, t, cur = 0, passes = 0, unsorted = 0, bad = 0;
	uint64_t w;

	buf[0] = malloc(n * 4);
	buf[1] = malloc(n * 4);
	sort_input(in, n);
	memcpy(want, in, n * 4);
	qsort(want, n, sizeof(float), float_cmp);

	args.src = in;
	args.dst = buf[0];
	r->ok = !launch(r, "demo_sort_tiles", n / DEMO_SORT_TILE * DEMO_SORT_GROUP,
			DEMO_SORT_GROUP, DEMO_SORT_LOCAL_MEM, &args);
	for (t = 0; r->ok && t < n; t += DEMO_SORT_TILE)
		for (i = t + 1; i < t + DEMO_SORT_TILE; i++)
			if (demo_float_before(buf[0][i], buf[0][i - 1])) {
				unsorted++;
				break;
			}
	for (w = DEMO_SORT_TILE; r->ok && w < n; w *= 2, cur ^= 1) {
		args.src = buf[cur];
		args.dst = buf[cur ^ 1];
		args.width = w;
		r->ok = !launch(r, "demo_merge", n / DEMO_MERGE_CHUNK, 64, 0,
				&args);
		passes++;
	}
	for (i = 0; r->ok && i < n; i++)
		bad += memcmp(&buf[cur][i], &want[i], sizeof(float)) != 0;
	r->ok = r->ok && !bad && !unsorted;
	if (unsorted)
		snprintf(r->value, sizeof(r->value),
			 "%u of %u tiles unsorted, %u floats wrong", unsorted,
			 n / DEMO_SORT_TILE, bad);
	else if (bad)
		snprintf(r->value, sizeof(r->value),
			 "%u floats, %u differ from qsort", n, bad);
	else if (!r->ok)
		snprintf(r->value, sizeof(r->value), "launch failed");
	if (r->ok) {
		snprintf(r->value, sizeof(r->value),
			 "%u floats, identical to qsort", n);
		snprintf(r->detail, sizeof(r->detail),
			 "float sort: %u floats sorted on the GPU (%u work-groups of %u threads, bitonic in local memory, then %u merge-path passes), identical to qsort() word by word",
			 n, n / DEMO_SORT_TILE, DEMO_SORT_GROUP, passes);
	}
	free(in);
	free(want);
	free(buf[0]);
	free(buf[1]);
}

int main(void)
{
	struct result res[] = {
		{ .name = "vector add (malloc)" },
		{ .name = "linked list walk (CPU pointers)" },
		{ .name = "atomic counter (GPU + 2 CPU threads)" },
		{ .name = "histogram (GPU atomics)" },
		{ .name = "sum of an mmap()ed file" },
		{ .name = "float sort (local-mem bitonic + merge)" },
	};
	void (*const work[])(struct result *) = {
		vector_add, list_walk, atomic_counter, histogram, mmap_file,
		float_sort,
	};
	unsigned int i, failed = 0;
	char err[256];
	uint64_t eus = 0;
	int ret;

	ret = vsvm_open(&gpu);
	if (ret) {
		fprintf(stderr, "vsvm-demo: no vsvm device: %s\n", strerror(-ret));
		return 1;
	}
	if (vsvm_svm_init(gpu, 0, 0) || vsvm_channel_create(gpu, &chan) ||
	    vsvm_get_param(gpu, DRM_VSVM_PARAM_NUM_EUS, &eus)) {
		fprintf(stderr, "vsvm-demo: %s\n", vsvm_error(gpu));
		return 1;
	}
	image = VSVM_GPU_IMAGE_LOAD(demo, err, sizeof(err));
	if (!image) {
		fprintf(stderr, "vsvm-demo: GPU image: %s\n", err);
		return 1;
	}
	printf("vsvm-demo: virtual GPU with %" PRIu64 " execution units, SVM on plain process memory\n\n",
	       eus);
	printf("%-38s %-42s %-5s %9s %7s %8s %6s %4s\n", "workload", "result",
	       "check", "time ms", "faults", "batches", "hmm", "2M");
	for (i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		work[i](&res[i]);
		failed += !res[i].ok;
		printf("%-38s %-42s %-5s %9.1f %7lld %8lld %6lld %4lld\n",
		       res[i].name, res[i].value, res[i].ok ? "ok" : "FAIL",
		       res[i].ms, res[i].st.faults, res[i].st.batches,
		       res[i].st.hmm_calls, res[i].st.pages_2m);
	}
	printf("\n");
	for (i = 0; i < sizeof(res) / sizeof(res[0]); i++)
		if (res[i].detail[0])
			printf("%s\n", res[i].detail);
	printf("%u of %zu workloads verified on the CPU\n",
	       (unsigned int)(sizeof(res) / sizeof(res[0])) - failed,
	       sizeof(res) / sizeof(res[0]));
	vsvm_channel_destroy(gpu, chan);
	vsvm_close(gpu);
	vsvm_program_free(image);
	return failed ? 1 : 0;
}
