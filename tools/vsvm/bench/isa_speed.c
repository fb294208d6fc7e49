// SPDX-License-Identifier: GPL-2.0
/*
 * isa-speed: instructions per second of one execution unit of the RISC-V
 * interpreter (the vsvm GPU's execution units, Documentation/gpu/
 * vsvm-isa.rst).
 *
 *   isa-speed [-k KiB] [-r ROUNDS] [-p PASSES] [-t MS] [-o OUT.json]
 *
 * The workload: a checksum over an array of 64-bit words (-k, default
 * 64 KiB), resident and mapped for the GPU before anything is measured:
 * PASSES passes, each word x as sum += x; sum ^= sum << 5 (a load, three
 * ALU operations, the pointer increment and a branch: 6 instructions a
 * word, 3 more a pass). It is the kernel isa_checksum of
 * tools/vsvm/gpu/kernels/bench.c, whose loop is inline assembly (the
 * same instructions whatever the compiler does). Each launch has one
 * thread per execution unit (DRM_VSVM_PARAM_NUM_EUS), each thread the
 * whole checksum; every thread's checksum is checked against the CPU's.
 *
 * Each thread reads the GPU clock and instret before and after its loop
 * (the kernel stores the instret difference). That count is checked
 * against the loop's structure, PASSES * (6 * words + 3) + 1 (the loop
 * and one instret read), with a few instructions of slack for what the
 * compiler may have moved between the reads. Rate: instructions over the
 * sum of the threads' times (one thread per unit: per unit), in Minsn/s
 * per EU; and array elements over the same time, in M elements/s per EU.
 *
 * PASSES defaults to a calibrated count, so that a launch takes about -t
 * ms (500 by default). Rounds (-r, default 5) are that launch repeated;
 * the figures are the median over the rounds, with their min-max spread.
 * Output: JSON (-o, default standard output) for scripts/bench-report.py,
 * with every round's figures; one line per round and a summary on
 * standard output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libvsvm.h"
#include "vsvm_bench_kernels.h"

#define MAX_ROUNDS	32
#define MAX_THREADS	64
/* Instructions of isa_checksum outside its timed loop, at most. */
#define RV_OVERHEAD	256
/* Instructions the compiler may add to isa_checksum's timed part. */
#define RV_TIMED_SLACK	16

VSVM_GPU_IMAGE(bench);

static struct vsvm *gpu;
static uint32_t chan;

/* One launch. */
struct sample {
	uint64_t insns;		/* timed instructions, all threads */
	uint64_t ns;		/* the threads' timed GPU time, summed */
	uint64_t wall_ns;	/* the launch as the CPU saw it */
	uint64_t eus_used;	/* distinct execution units */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "isa-speed: %s: %s\n", what,
		gpu && *vsvm_error(gpu) ? vsvm_error(gpu) : strerror(errno));
	exit(1);
}

/*
 * Instructions a thread retires between its two instret reads, the loop
 * as written and one of the reads.
 */
static uint64_t timed_insns(uint64_t words, uint64_t passes)
{
	return passes * (ISA_CHECKSUM_INSNS_PER_WORD * words +
			 ISA_CHECKSUM_INSNS_PER_PASS) + 1;
}

/* What the CPU makes of the checksum (the last one is kept). */
static uint64_t cpu_checksum(const uint64_t *data, uint64_t n,
			     uint64_t passes)
{
	static uint64_t last_passes, last_sum;
	uint64_t sum = 0, p, i;

	if (passes == last_passes)
		return last_sum;
	for (p = 0; p < passes; p++) {
		for (i = 0; i < n; i++) {
			sum += data[i];
			sum ^= sum << ISA_CHECKSUM_SHIFT;
		}
	}
	last_passes = passes;
	last_sum = sum;
	return sum;
}

struct bench {
	uint64_t kernel;
	uint64_t *data;
	uint64_t words;
	uint32_t threads;
	struct isa_checksum_out *out;
};

/*
 * One launch over @passes passes; the checksums and the instruction
 * counts are checked. Returns the launch's status.
 */
static int run(struct bench *b, uint64_t passes, struct sample *s)
{
	struct isa_checksum_args a = {
		.data = b->data,
		.n = b->words,
		.passes = passes,
		.out = b->out,
	};
	uint64_t exact = timed_insns(b->words, passes), t, seen = 0;
	uint64_t want = cpu_checksum(b->data, b->words, passes);
	struct vsvm_grid_launch l = {
		.program = b->kernel,
		.local_size = { 1 },
		.num_groups = { b->threads },
		.insn_budget = exact + RV_OVERHEAD,
		.args = { (uintptr_t)&a },
	};
	uint32_t i;
	int ret;

	memset(b->out, 0, b->threads * sizeof(*b->out));
	t = now_ns();
	ret = vsvm_launch_grid(gpu, chan, &l);
	t = now_ns() - t;
	if (ret)
		return ret;
	memset(s, 0, sizeof(*s));
	s->wall_ns = t;
	for (i = 0; i < b->threads; i++) {
		const struct isa_checksum_out *o = &b->out[i];

		if (o->sum != want) {
			fprintf(stderr, "isa-speed: thread %u: checksum 0x%" PRIx64 ", the CPU's 0x%" PRIx64 "\n",
				i, o->sum, want);
			exit(1);
		}
		/*
		 * instret's count: the loop as written plus one instret read
		 * (exact), and whatever the compiler may have moved between
		 * the reads.
		 */
		if (o->insns < exact || o->insns > exact + RV_TIMED_SLACK) {
			fprintf(stderr, "isa-speed: thread %u retired %" PRIu64 " instructions in its loop, expected %" PRIu64 "\n",
				i, o->insns, exact);
			exit(1);
		}
		if (o->t1 <= o->t0) {
			fprintf(stderr, "isa-speed: thread %u: no time passed\n",
				i);
			exit(1);
		}
		s->insns += o->insns;
		s->ns += o->t1 - o->t0;
		if (o->eu < 64 && !(seen & 1ULL << o->eu)) {
			seen |= 1ULL << o->eu;
			s->eus_used++;
		}
	}
	return 0;
}

static double minsn_per_s(const struct sample *s)
{
	return s->insns * 1e3 / s->ns;
}

/* Array elements per second and EU, in millions. */
static double melem_per_s(const struct sample *s, uint64_t elements)
{
	return elements * 1e3 / s->ns;
}

static void print_list(FILE *out, const char *key, const double *v, int n)
{
	int r;

	fprintf(out, ", \"%s\": [", key);
	for (r = 0; r < n; r++)
		fprintf(out, "%s%.6g", r ? ", " : "", v[r]);
	fprintf(out, "]");
}

static void print_ulist(FILE *out, const char *key,
			const struct sample *s, int n, size_t off)
{
	int r;

	fprintf(out, ", \"%s\": [", key);
	for (r = 0; r < n; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "",
			*(const uint64_t *)((const char *)&s[r] + off));
	fprintf(out, "]");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	double med, lo, hi;
};

/* Median, least and greatest of @v[0..@n). */
static struct stats stats_of(const double *v, int n)
{
	double tmp[MAX_ROUNDS];

	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return (struct stats) {
		.med = n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2,
		.lo = tmp[0],
		.hi = tmp[n - 1],
	};
}

int main(int argc, char **argv)
{
	struct sample smp[MAX_ROUNDS], cal;
	double rate[MAX_ROUNDS], erate[MAX_ROUNDS], ipe;
	uint64_t kib = 64, passes = 0, eus = 0, isa = 0, elements, max_passes;
	uint64_t ns;
	struct stats rs, es;
	char err[256];
	const char *path = NULL;
	struct vsvm_program *image;
	int rounds = 5, target_ms = 500, opt, r, i, ret;
	struct bench b = { 0 };
	FILE *out;

	while ((opt = getopt(argc, argv, "k:r:p:t:o:")) != -1) {
		switch (opt) {
		case 'k':
			kib = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'p':
			passes = strtoull(optarg, NULL, 0);
			break;
		case 't':
			target_ms = atoi(optarg);
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-k KiB] [-r rounds] [-p passes] [-t ms] [-o out.json]\n",
				argv[0]);
			return 2;
		}
	}
	if (!kib || kib > 64 * 1024 || rounds < 1 || rounds > MAX_ROUNDS ||
	    target_ms < 1)
		return 2;
	b.words = kib * 1024 / 8;
	max_passes = (DRM_VSVM_EXEC_MAX_INSN_BUDGET - RV_OVERHEAD) /
		     (ISA_CHECKSUM_INSNS_PER_WORD * b.words +
		      ISA_CHECKSUM_INSNS_PER_PASS);
	if (!max_passes || passes > max_passes) {
		fprintf(stderr, "isa-speed: at most %" PRIu64 " passes of %" PRIu64 " KiB (the instruction budget)\n",
			max_passes, kib);
		return 2;
	}

	ret = vsvm_open(&gpu);
	if (ret) {
		fprintf(stderr, "isa-speed: no vsvm device: %s\n", strerror(-ret));
		return 1;
	}
	if (vsvm_svm_init(gpu, 0, 0) || vsvm_channel_create(gpu, &chan) ||
	    vsvm_get_param(gpu, DRM_VSVM_PARAM_NUM_EUS, &eus) ||
	    vsvm_get_param(gpu, DRM_VSVM_PARAM_ISA_VERSION, &isa))
		die("svm init");
	if (!eus || eus > MAX_THREADS) {
		fprintf(stderr, "isa-speed: %" PRIu64 " execution units\n", eus);
		return 1;
	}
	b.threads = eus;

	image = VSVM_GPU_IMAGE_LOAD(bench, err, sizeof(err));
	if (!image) {
		fprintf(stderr, "isa-speed: GPU image: %s\n", err);
		return 1;
	}
	b.kernel = vsvm_program_symbol(image, "isa_checksum");
	if (!b.kernel) {
		fprintf(stderr, "isa-speed: no kernel isa_checksum\n");
		return 1;
	}
	if (posix_memalign((void **)&b.data, 4096, b.words * 8))
		die("malloc");
	b.out = calloc(b.threads, sizeof(*b.out));
	if (!b.out)
		die("malloc");
	for (i = 0; i < (int)b.words; i++)
		b.data[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL + 12345;

	/*
	 * Warm-up, two passes: the program, the array and the results are
	 * mapped for the GPU from here on. Then PASSES, so that a launch
	 * takes about target_ms.
	 */
	if (run(&b, 2, &cal))
		die("launch");
	if (!passes) {
		ns = cal.ns / (2 * b.threads);	/* a pass of one thread */
		passes = (uint64_t)target_ms * 1000000 / (ns ? ns : 1);
		if (passes < 1)
			passes = 1;
		if (passes > max_passes)
			passes = max_passes;
	}
	elements = b.words * passes * b.threads;
	printf("isa-speed: ISA version %" PRIu64 ", %" PRIu64 " KiB resident, %" PRIu64 " passes, %u threads (one per EU), %d rounds; instret count checked (%" PRIu64 " per thread per pass)\n",
	       isa, kib, passes, b.threads, rounds,
	       timed_insns(b.words, 1) - 1);

	for (r = 0; r < rounds; r++) {
		if (run(&b, passes, &smp[r]))
			die("launch");
		rate[r] = minsn_per_s(&smp[r]);
		erate[r] = melem_per_s(&smp[r], elements);
		printf("isa-speed: round %d: %.2f Minsn/s per EU, %.3f M elements/s per EU; %" PRIu64 " EUs used\n",
		       r + 1, rate[r], erate[r], smp[r].eus_used);
	}
	ipe = (double)smp[0].insns / elements;
	rs = stats_of(rate, rounds);
	es = stats_of(erate, rounds);

	out = path ? fopen(path, "w") : stdout;
	if (!out)
		die(path);
	fprintf(out, "[\n  {\"kind\": \"isa-speed\", \"isa\": \"rv64\", \"isa-version\": %" PRIu64 ", \"workload\": \"checksum\", \"bytes\": %" PRIu64 ", \"elements\": %" PRIu64 ", \"passes\": %" PRIu64 ", \"eus\": %" PRIu64 ", \"threads\": %u, \"rounds\": %d",
		isa, b.words * 8, b.words, passes, eus, b.threads, rounds);
	fprintf(out, ", \"insns-per-element\": %.6g", ipe);
	print_ulist(out, "insns", smp, rounds, offsetof(struct sample, insns));
	print_ulist(out, "ns", smp, rounds, offsetof(struct sample, ns));
	print_ulist(out, "wall-ns", smp, rounds,
		    offsetof(struct sample, wall_ns));
	print_ulist(out, "eus-used", smp, rounds,
		    offsetof(struct sample, eus_used));
	print_list(out, "minsn-per-eu", rate, rounds);
	print_list(out, "melem-per-eu", erate, rounds);
	fprintf(out, "}\n]\n");
	if (path)
		fclose(out);

	printf("isa-speed: %.2f Minsn/s per EU (%.2f to %.2f), %.3f M elements/s per EU (%.3f to %.3f): median (min to max) of %d rounds; %.5g instructions per element (instret); checksums checked\n",
	       rs.med, rs.lo, rs.hi, es.med, es.lo, es.hi, rounds, ipe);
	vsvm_channel_destroy(gpu, chan);
	vsvm_close(gpu);
	vsvm_program_free(image);
	free(b.data);
	free(b.out);
	return 0;
}
