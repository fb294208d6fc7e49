// SPDX-License-Identifier: GPL-2.0
/*
 * isa-speed: instructions per second of one execution unit, for the v1
 * interpreter (vsvm ISA version 1, 64-bit words) and the RISC-V one, on
 * the same workload, measured side by side in one boot.
 *
 *   isa-speed [-k KiB] [-r ROUNDS] [-p PASSES] [-t MS] [-o OUT.json]
 *
 * The workload: a checksum over an array of 64-bit words (-k, default
 * 64 KiB), resident and mapped for the GPU before anything is measured:
 * PASSES passes, each word x as sum += x; sum ^= sum << 5 (a load, three
 * ALU operations, the pointer increment and a branch: 6 instructions a
 * word, 3 more a pass). The v1 side is v1 assembly text assembled at run
 * time (vsvm_assemble()); the RISC-V side the kernel isa_checksum of
 * tools/vsvm/gpu/kernels/bench.c, whose loop is the same instructions in
 * RISC-V (inline assembly: the same instruction mix on both sides). Each
 * launch has one thread per execution unit (DRM_VSVM_PARAM_NUM_EUS), each
 * thread the whole checksum; every thread's checksum is checked against
 * the CPU's.
 *
 * Each thread reads the GPU clock before and after its loop. Instructions
 * between the two reads: on RISC-V, instret read next to each clock read
 * (the kernel stores the difference); on v1, counted from the program's
 * structure, PASSES * (6 * words + 3) + 1, and checked once against the
 * instruction budget (a launch whose budget is the program's exact
 * instruction count runs, one less fails). Rate of a side: instructions
 * over the sum of its threads' times (one thread per unit: per unit), in
 * Minsn/s per EU; and array elements over the same time.
 *
 * PASSES (default: calibrated so that a side's launch takes about -t ms,
 * 500 by default) is the same for both sides. Rounds (-r, default 5)
 * alternate which side runs first; the ratio rv64/v1 is taken per round.
 * Output: JSON (-o, default standard output) for scripts/bench-report.py,
 * one line per round and a summary on standard output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libvsvm.h"
#include "vsvm_asm.h"
#include "vsvm_bench_kernels.h"

#define MAX_ROUNDS	32
#define MAX_THREADS	64
/* Instructions of isa_checksum outside its timed loop, at most. */
#define RV_OVERHEAD	256
/* Instructions the compiler may add to isa_checksum's timed part. */
#define RV_TIMED_SLACK	16
/* The v1 program's instructions outside the loop (see v1_source()). */
#define V1_PROLOGUE	10	/* up to and including the first clock read */
#define V1_EPILOGUE	7	/* from the second clock read to EXIT */

VSVM_GPU_IMAGE(bench);

static struct vsvm *gpu;
static uint32_t chan;

enum side { V1, RV64 };
static const char *const side_name[] = { "v1", "rv64" };

/* One launch of one side. */
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
 * The v1 program. Arguments: 0 data, 1 end of data, 2 passes, 3 out
 * (struct isa_checksum_out per thread). The loop is the RISC-V kernel's,
 * instruction for instruction (vsvm_bench_kernels.h).
 */
static void v1_source(char *buf, size_t len)
{
	snprintf(buf, len,
		 "# isa-speed checksum, vsvm ISA v1\n"
		 "  ldarg r1, 0\n"		/* data */
		 "  ldarg r9, 1\n"		/* end */
		 "  ldarg r3, 2\n"		/* passes */
		 "  ldarg r4, 3\n"		/* out */
		 "  s2r r5, tid\n"
		 "  muli r5, r5, %zu\n"
		 "  add r4, r4, r5\n"
		 "  movi r7, 0\n"		/* sum */
		 "  movi r0, 0\n"
		 "  s2r r10, clock\n"		/* t0: the last of V1_PROLOGUE */
		 "pass:\n"
		 "  mov r8, r1\n"
		 "loop:\n"
		 "  ld64 r11, [r8]\n"
		 "  add r7, r7, r11\n"
		 "  shli r11, r7, %d\n"
		 "  xor r7, r7, r11\n"
		 "  addi r8, r8, 8\n"
		 "  bltu r8, r9, loop\n"
		 "  subi r3, r3, 1\n"
		 "  bne r3, r0, pass\n"
		 "  s2r r12, clock\n"		/* t1: the first of V1_EPILOGUE */
		 "  s2r r13, euid\n"
		 "  st64 [r4+%zu], r7\n"
		 "  st64 [r4+%zu], r10\n"
		 "  st64 [r4+%zu], r12\n"
		 "  st64 [r4+%zu], r13\n"
		 "  exit\n",
		 sizeof(struct isa_checksum_out), ISA_CHECKSUM_SHIFT,
		 offsetof(struct isa_checksum_out, sum),
		 offsetof(struct isa_checksum_out, t0),
		 offsetof(struct isa_checksum_out, t1),
		 offsetof(struct isa_checksum_out, eu));
}

/* Timed instructions of a v1 thread: after t0's read, through t1's. */
static uint64_t v1_timed_insns(uint64_t words, uint64_t passes)
{
	return passes * (ISA_CHECKSUM_INSNS_PER_WORD * words +
			 ISA_CHECKSUM_INSNS_PER_PASS) + 1;
}

/* Every instruction a v1 thread executes, EXIT included. */
static uint64_t v1_total_insns(uint64_t words, uint64_t passes)
{
	return V1_PROLOGUE + v1_timed_insns(words, passes) - 1 + V1_EPILOGUE;
}

/*
 * A v1 launch with an instruction budget (vsvm_run() has none): the EXEC
 * ioctl with a user fence, then the wait. Returns the launch's status.
 */
static int v1_launch(const uint64_t *prog, uint32_t threads,
		     const uint64_t *args, unsigned int nargs, uint32_t budget)
{
	struct drm_vsvm_user_fence_record rec = { 0 };
	struct drm_vsvm_exec_user_fence uf = {
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)&rec,
		.value = 1,
	};
	struct drm_vsvm_exec ex = {
		.channel = chan,
		.program = (uintptr_t)prog,
		.num_threads = threads,
		.num_args = nargs,
		.insn_budget = budget,
		.extensions = (uintptr_t)&uf,
	};

	memcpy(ex.args, args, nargs * sizeof(ex.args[0]));
	if (drmIoctl(vsvm_fd(gpu), DRM_IOCTL_VSVM_EXEC, &ex))
		return -errno;
	return vsvm_fence_wait(gpu, &rec, -1);
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
	const uint64_t *v1_prog;
	uint64_t rv_kernel;
	uint64_t *data;
	uint64_t words;
	uint32_t threads;
	struct isa_checksum_out *out;
};

/*
 * One launch of @side over @passes passes (budget 0: enough); the
 * checksums are checked. Returns the launch's status.
 */
static int run_side(struct bench *b, enum side side, uint64_t passes,
		    uint32_t budget, struct sample *s)
{
	struct isa_checksum_args a = {
		.data = b->data,
		.n = b->words,
		.passes = passes,
		.out = b->out,
	};
	uint64_t want = cpu_checksum(b->data, b->words, passes), t, seen = 0;
	uint64_t exact = v1_timed_insns(b->words, passes), insns;
	uint32_t i;
	int ret;

	memset(b->out, 0, b->threads * sizeof(*b->out));
	if (side == V1) {
		uint64_t args[4] = {
			(uintptr_t)b->data, (uintptr_t)(b->data + b->words),
			passes, (uintptr_t)b->out,
		};

		if (!budget)
			budget = v1_total_insns(b->words, passes);
		t = now_ns();
		ret = v1_launch(b->v1_prog, b->threads, args, 4, budget);
		t = now_ns() - t;
	} else {
		struct vsvm_grid_launch l = {
			.program = b->rv_kernel,
			.local_size = { 1 },
			.num_groups = { b->threads },
			.insn_budget = budget ? budget : exact + RV_OVERHEAD,
			.args = { (uintptr_t)&a },
		};

		t = now_ns();
		ret = vsvm_launch_grid(gpu, chan, &l);
		t = now_ns() - t;
	}
	if (ret)
		return ret;
	memset(s, 0, sizeof(*s));
	s->wall_ns = t;
	for (i = 0; i < b->threads; i++) {
		const struct isa_checksum_out *o = &b->out[i];

		if (o->sum != want) {
			fprintf(stderr, "isa-speed: %s thread %u: checksum 0x%" PRIx64 ", the CPU's 0x%" PRIx64 "\n",
				side_name[side], i, o->sum, want);
			exit(1);
		}
		insns = side == V1 ? exact : o->insns;
		/*
		 * The RISC-V count is instret's: the loop as written plus
		 * the instret read itself (exact), and whatever the compiler
		 * may have moved between the reads.
		 */
		if (side == RV64 && (insns < exact ||
				     insns > exact + RV_TIMED_SLACK)) {
			fprintf(stderr, "isa-speed: rv64 thread %u retired %" PRIu64 " instructions in its loop, expected %" PRIu64 "\n",
				i, insns, exact);
			exit(1);
		}
		if (o->t1 <= o->t0) {
			fprintf(stderr, "isa-speed: %s thread %u: no time passed\n",
				side_name[side], i);
			exit(1);
		}
		s->insns += insns;
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

/*
 * The v1 count, exactly: a launch with the budget of the program's
 * instruction count runs, with one less it stops on the budget.
 */
static void check_v1_count(struct bench *b)
{
	struct drm_vsvm_channel_error err;
	uint64_t total = v1_total_insns(b->words, 1);
	struct sample s;
	int ret;

	if (run_side(b, V1, 1, total, &s))
		die("v1 launch with the exact budget");
	ret = run_side(b, V1, 1, total - 1, &s);
	if (ret != -EIO) {
		fprintf(stderr, "isa-speed: v1 with a budget of %" PRIu64 " instructions: %s, not a budget error\n",
			total - 1, ret ? strerror(-ret) : "ran");
		exit(1);
	}
	if (vsvm_channel_error(gpu, chan, &err))
		die("channel error");
	if (err.code != DRM_VSVM_CHANNEL_ERR_BUDGET) {
		fprintf(stderr, "isa-speed: v1 budget check: channel error %u, not BUDGET\n",
			err.code);
		exit(1);
	}
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

static double median(const double *v, int n)
{
	double tmp[MAX_ROUNDS];

	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	struct sample smp[2][MAX_ROUNDS], cal[2];
	double rate[2][MAX_ROUNDS], erate[2][MAX_ROUNDS], ratio[MAX_ROUNDS];
	double ipe[2], med[2], lo, hi;
	uint64_t kib = 64, passes = 0, eus = 0, elements, max_passes, ns;
	char src[2048], err[256];
	const char *path = NULL;
	struct vsvm_program *image;
	int rounds = 5, target_ms = 500, opt, r, i, ret;
	struct bench b = { 0 };
	uint64_t *prog;
	size_t count;
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
	    vsvm_get_param(gpu, DRM_VSVM_PARAM_NUM_EUS, &eus))
		die("svm init");
	if (!eus || eus > MAX_THREADS) {
		fprintf(stderr, "isa-speed: %" PRIu64 " execution units\n", eus);
		return 1;
	}
	b.threads = eus;

	v1_source(src, sizeof(src));
	if (vsvm_assemble(src, &prog, &count, err, sizeof(err))) {
		fprintf(stderr, "isa-speed: v1 program: %s\n", err);
		return 1;
	}
	b.v1_prog = prog;
	image = VSVM_GPU_IMAGE_LOAD(bench, err, sizeof(err));
	if (!image) {
		fprintf(stderr, "isa-speed: GPU image: %s\n", err);
		return 1;
	}
	b.rv_kernel = vsvm_program_symbol(image, "isa_checksum");
	if (!b.rv_kernel) {
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
	 * Warm-up, two passes each: both programs, the array and the
	 * results are mapped for the GPU from here on. Then PASSES, so that
	 * the slower side takes about target_ms.
	 */
	for (i = V1; i <= RV64; i++)
		if (run_side(&b, i, 2, 0, &cal[i]))
			die(i == V1 ? "v1 launch" : "rv64 launch");
	check_v1_count(&b);
	if (!passes) {
		ns = cal[V1].ns > cal[RV64].ns ? cal[V1].ns : cal[RV64].ns;
		ns /= 2 * b.threads;	/* a pass of one thread */
		passes = (uint64_t)target_ms * 1000000 / (ns ? ns : 1);
		if (passes < 1)
			passes = 1;
		if (passes > max_passes)
			passes = max_passes;
	}
	elements = b.words * passes * b.threads;
	printf("isa-speed: %" PRIu64 " KiB resident, %" PRIu64 " passes, %u threads (one per EU), %d rounds; v1 instruction count checked against the budget (%" PRIu64 " per thread per pass)\n",
	       kib, passes, b.threads, rounds,
	       v1_timed_insns(b.words, 1) - 1);

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 2; i++) {
			enum side side = r % 2 ? 1 - i : i;

			if (run_side(&b, side, passes, 0, &smp[side][r]))
				die(side == V1 ? "v1 launch" : "rv64 launch");
			rate[side][r] = minsn_per_s(&smp[side][r]);
			erate[side][r] = melem_per_s(&smp[side][r], elements);
		}
		ratio[r] = rate[RV64][r] / rate[V1][r];
		printf("isa-speed: round %d (%s first): v1 %.2f, rv64 %.2f Minsn/s per EU, rv64/v1 %.3f; %" PRIu64 "+%" PRIu64 " EUs used\n",
		       r + 1, side_name[r % 2], rate[V1][r], rate[RV64][r],
		       ratio[r], smp[V1][r].eus_used, smp[RV64][r].eus_used);
	}
	for (i = V1; i <= RV64; i++) {
		ipe[i] = (double)smp[i][0].insns / elements;
		med[i] = median(rate[i], rounds);
	}
	lo = hi = ratio[0];
	for (r = 1; r < rounds; r++) {
		lo = ratio[r] < lo ? ratio[r] : lo;
		hi = ratio[r] > hi ? ratio[r] : hi;
	}

	out = path ? fopen(path, "w") : stdout;
	if (!out)
		die(path);
	fprintf(out, "[\n  {\"kind\": \"isa-speed\", \"workload\": \"checksum\", \"bytes\": %" PRIu64 ", \"elements\": %" PRIu64 ", \"passes\": %" PRIu64 ", \"eus\": %" PRIu64 ", \"threads\": %u, \"rounds\": %d",
		b.words * 8, b.words, passes, eus, b.threads, rounds);
	fprintf(out, ", \"insns-per-element-v1\": %.6g, \"insns-per-element-rv64\": %.6g",
		ipe[V1], ipe[RV64]);
	for (i = V1; i <= RV64; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%s-insns", side_name[i]);
		print_ulist(out, key, smp[i], rounds,
			    offsetof(struct sample, insns));
		snprintf(key, sizeof(key), "%s-ns", side_name[i]);
		print_ulist(out, key, smp[i], rounds,
			    offsetof(struct sample, ns));
		snprintf(key, sizeof(key), "%s-wall-ns", side_name[i]);
		print_ulist(out, key, smp[i], rounds,
			    offsetof(struct sample, wall_ns));
		snprintf(key, sizeof(key), "%s-eus-used", side_name[i]);
		print_ulist(out, key, smp[i], rounds,
			    offsetof(struct sample, eus_used));
		snprintf(key, sizeof(key), "%s-minsn-per-eu", side_name[i]);
		print_list(out, key, rate[i], rounds);
		snprintf(key, sizeof(key), "%s-melem-per-eu", side_name[i]);
		print_list(out, key, erate[i], rounds);
	}
	print_list(out, "ratio", ratio, rounds);
	fprintf(out, "}\n]\n");
	if (path)
		fclose(out);

	printf("isa-speed: v1 %.2f Minsn/s per EU (%.3f M elements/s), rv64 %.2f Minsn/s per EU (%.3f M elements/s); rv64/v1 %.3f (per round %.3f to %.3f, %d rounds); checksums checked\n",
	       med[V1], median(erate[V1], rounds), med[RV64],
	       median(erate[RV64], rounds), median(ratio, rounds), lo, hi,
	       rounds);
	vsvm_channel_destroy(gpu, chan);
	vsvm_close(gpu);
	vsvm_program_free(image);
	free(prog);
	free(b.data);
	free(b.out);
	return 0;
}
