// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm-demo: OpenCL-style shared-virtual-memory workloads on plain
 * malloc()/mmap() memory, each checked on the CPU, with the time and the
 * driver's fault statistics per workload. Programs are written in the GPU's
 * assembly and assembled at run time (tools/vsvm/lib/vsvm_asm.c).
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
#include "vsvm_asm.h"

static struct vsvm *gpu;
static uint32_t chan;

struct result {
	const char *name;
	char value[64];
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

static uint64_t *assemble(const char *src)
{
	char err[160];
	uint64_t *prog;
	size_t n;

	if (vsvm_assemble(src, &prog, &n, err, sizeof(err))) {
		fprintf(stderr, "vsvm-demo: assembler: %s\n", err);
		exit(1);
	}
	return prog;
}

/* Run a program and account time and fault statistics to r. */
static int launch(struct result *r, const char *src, uint32_t threads,
		  const uint64_t *args, unsigned int nargs)
{
	uint64_t *prog = assemble(src);
	struct vsvm_stats a, b;
	double t;
	int ret;

	vsvm_stats(gpu, &a);
	t = now_ms();
	ret = vsvm_run(gpu, chan, prog, threads, args, nargs);
	r->ms += now_ms() - t;
	vsvm_stats(gpu, &b);
	r->st.faults += b.faults - a.faults;
	r->st.batches += b.batches - a.batches;
	r->st.hmm_calls += b.hmm_calls - a.hmm_calls;
	r->st.pages_2m += b.pages_2m - a.pages_2m;
	free(prog);
	if (ret)
		fprintf(stderr, "vsvm-demo: %s: %s\n", r->name, vsvm_error(gpu));
	return ret;
}

static void vector_add(struct result *r)
{
	const uint32_t n = 1 << 16;
	uint64_t *a = malloc(n * 8), *b = malloc(n * 8), *c = malloc(n * 8);
	uint64_t args[3] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c };
	uint32_t i, bad = 0;

	for (i = 0; i < n; i++) {
		a[i] = i;
		b[i] = 3ULL * i + 1;
	}
	r->ok = !launch(r,
		"  s2r r1, tid\n  shli r1, r1, 3\n"
		"  ldarg r2, 0\n  ldarg r3, 1\n  ldarg r4, 2\n"
		"  add r2, r2, r1\n  add r3, r3, r1\n  add r4, r4, r1\n"
		"  ld64 r5, [r2]\n  ld64 r6, [r3]\n  add r5, r5, r6\n"
		"  st64 [r4], r5\n  exit\n", n, args, 3);
	for (i = 0; r->ok && i < n; i++)
		bad += c[i] != 4ULL * i + 1;
	r->ok = r->ok && !bad;
	snprintf(r->value, sizeof(r->value), "%u sums, %u wrong", n, bad);
	free(a);
	free(b);
	free(c);
}

struct node {
	struct node *next;
	uint64_t value;
};

static void list_walk(struct result *r)
{
	const unsigned int n = 20000;
	struct node *head = NULL, *nd;
	uint64_t sum = 0, gpu_sum = 0, args[2];
	unsigned int i;

	for (i = 0; i < n; i++) {
		nd = malloc(sizeof(*nd));	/* scattered over the heap */
		nd->value = (uint64_t)i * i % 1000;
		nd->next = head;
		head = nd;
		sum += nd->value;
	}
	args[0] = (uintptr_t)head;
	args[1] = (uintptr_t)&gpu_sum;
	r->ok = !launch(r,
		"  ldarg r1, 0\n  movi r2, 0\n  movi r9, 0\n"
		"loop: beq r1, r9, done\n  ld64 r3, [r1+8]\n  add r2, r2, r3\n"
		"  ld64 r1, [r1+0]\n  bra loop\n"
		"done: ldarg r4, 1\n  st64 [r4], r2\n  exit\n", 1, args, 2);
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
	uint64_t *counter = calloc(1, 64), args[2];
	const uint32_t threads = 256, per = 200;
	uint64_t want = (uint64_t)threads * per + 2ULL * CPU_ADDS;
	pthread_t t[2];
	int i;

	args[0] = (uintptr_t)counter;
	args[1] = per;
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, cpu_add, counter);
	r->ok = !launch(r,
		"  ldarg r1, 0\n  ldarg r2, 1\n  movi r3, 0\n  movi r4, 1\n"
		"loop: atom_add64 r5, [r1], r4\n  addi r3, r3, 1\n"
		"  blt r3, r2, loop\n  exit\n", threads, args, 2);
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
	uint64_t *bins = calloc(256, 8), want[256] = { 0 }, args[2];
	uint32_t i, bad = 0, seed = 12345;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		data[i] = seed >> 16;
		want[data[i]]++;
	}
	args[0] = (uintptr_t)data;
	args[1] = (uintptr_t)bins;
	r->ok = !launch(r,
		"  s2r r1, tid\n  ldarg r2, 0\n  add r2, r2, r1\n  ld8 r3, [r2]\n"
		"  shli r3, r3, 3\n  ldarg r4, 1\n  add r4, r4, r3\n  movi r5, 1\n"
		"  atom_add64 r6, [r4], r5\n  exit\n", n, args, 2);
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
	uint64_t sum = 0, want = 0, args[2];
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
	args[0] = (uintptr_t)words;
	args[1] = (uintptr_t)&sum;
	r->ok = !launch(r,
		"  s2r r1, tid\n  shli r1, r1, 2\n  ldarg r2, 0\n  add r2, r2, r1\n"
		"  ld32 r3, [r2]\n  ldarg r4, 1\n  atom_add64 r5, [r4], r3\n  exit\n",
		n, args, 2);
	r->ok = r->ok && sum == want;
	snprintf(r->value, sizeof(r->value), "sum %" PRIu64 " (file %" PRIu64 ")",
		 sum, want);
	munmap(words, n * 4);
	fclose(f);
}

int main(void)
{
	struct result res[] = {
		{ .name = "vector add (malloc)" },
		{ .name = "linked list walk (CPU pointers)" },
		{ .name = "atomic counter (GPU + 2 CPU threads)" },
		{ .name = "histogram (GPU atomics)" },
		{ .name = "sum of an mmap()ed file" },
	};
	void (*const work[])(struct result *) = {
		vector_add, list_walk, atomic_counter, histogram, mmap_file,
	};
	unsigned int i, failed = 0;
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
	printf("\n%u of %zu workloads verified on the CPU\n",
	       (unsigned int)(sizeof(res) / sizeof(res[0])) - failed,
	       sizeof(res) / sizeof(res[0]));
	vsvm_channel_destroy(gpu, chan);
	vsvm_close(gpu);
	return failed ? 1 : 0;
}
