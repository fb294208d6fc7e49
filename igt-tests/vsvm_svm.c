// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm_svm: GPU programs on plain process memory through the vsvm driver's
 * shared virtual memory. Every subtest checks the data the GPU wrote on the
 * CPU (or the data it must not have written), and a subtest that expects a
 * fault checks the fault: fence error, channel error code, access type and
 * exact address.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>
#include <linux/sync_file.h>
#include <drm/vsvm_drm.h>

#include "igt_abi.h"
#include "vsvm_igt.h"
#include "vsvm_kernels.h"

static int fd = -1;
static uint32_t chan;

/* dst[tid] = src[tid] * 3 + 7 (args: src, dst). */
static uint64_t prog_scale(void)
{
	return igt_kernel("igt_scale");
}

/* Each thread adds 1 to the 64-bit counter at arg0, arg1 times. */
static uint64_t prog_atomic_add(void)
{
	return igt_kernel("igt_atomic_add");
}

static void *cpu_adder(void *arg)
{
	uint64_t *counter = arg;
	int i;

	for (i = 0; i < 20000; i++)
		__atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Maps, touches, protects and unmaps memory until *stop. */
static void *remapper(void *arg)
{
	volatile int *stop = arg;

	while (!*stop) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			continue;
		memset(p, 1, 1 << 20);
		mprotect(p, 1 << 19, PROT_READ);
		madvise(p + (1 << 19), 1 << 19, MADV_DONTNEED);
		munmap(p, 1 << 20);
	}
	return NULL;
}

/* Launch without waiting. */
static void launch(int f, uint32_t c, uint64_t prog, uint32_t threads,
		   uint64_t a0, uint64_t a1)
{
	struct drm_vsvm_exec_grid grid = exec_grid(threads);
	struct drm_vsvm_exec ex = {
		.channel = c,
		.program = prog,
		.num_args = 2,
		.args = { a0, a1 },
		.extensions = (uintptr_t)&grid,
	};

	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_EXEC, &ex), 0);
}

static int exec_errno(struct drm_vsvm_exec *ex)
{
	return drmIoctl(fd, DRM_IOCTL_VSVM_EXEC, ex) ? errno : 0;
}

/* Launch and wait; the launch's status (0, or a negative errno). */
static int run(uint64_t prog, uint32_t threads, uint64_t a0, uint64_t a1)
{
	return exec_wait(fd, chan, prog, threads, a0, a1);
}

static struct drm_vsvm_channel_error chan_error(void)
{
	return channel_error(fd, chan);
}

/* In fence mode: launch with a syncobj, wait; the fence's status. */
static int fence_mode_run(int f, uint32_t c, uint64_t prog, uint64_t a0,
			  uint64_t a1)
{
	struct drm_vsvm_exec_grid grid = exec_grid(1);
	struct drm_vsvm_exec ex = {
		.channel = c, .flags = DRM_VSVM_EXEC_SYNCOBJ,
		.program = prog, .num_args = 2, .args = { a0, a1 },
		.extensions = (uintptr_t)&grid,
	};
	struct sync_file_info info = { 0 };
	int sf;

	igt_assert_eq(drmSyncobjCreate(f, 0, &ex.syncobj), 0);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_EXEC, &ex), 0);
	igt_assert_eq(drmSyncobjWait(f, &ex.syncobj, 1, INT64_MAX, 0, NULL), 0);
	igt_assert_eq(drmSyncobjExportSyncFile(f, ex.syncobj, &sf), 0);
	igt_assert_eq(ioctl(sf, SYNC_IOC_FILE_INFO, &info), 0);
	close(sf);
	drmSyncobjDestroy(f, ex.syncobj);
	return info.status == 1 ? 0 : info.status;
}

/* One counter of this file's fdinfo. */
static long long fdinfo(const char *key)
{
	long long v = fdinfo_value(fd, key);

	igt_assert_f(v >= 0, "no %s in fdinfo\n", key);
	return v;
}

static void *fresh_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/*
 * The kernels of tools/vsvm/gpu/kernels/selftest.c, compiled from C
 * (build/gpu/selftest.elf, linked in as build/gpu/embed/selftest.o); their
 * argument blocks and what each writes: vsvm_kernels.h.
 */
VSVM_GPU_IMAGE(selftest);

/* Budget of a selftest launch: far more than any of its threads runs. */
#define SELFTEST_BUDGET		(1u << 24)
/* What the selftest kernels must leave alone. */
#define SELFTEST_UNTOUCHED	0xdeadbeefdeadbeefULL
/* fflags bits (RISC-V's numbering, not x86's). */
#define RV_FFLAGS_NX		(1u << 0)
#define RV_FFLAGS_DZ		(1u << 3)

/* The program address of kernel @name of the selftest image. */
static uint64_t selftest_kernel(const struct vsvm_program *st,
				const char *name)
{
	uint64_t addr = vsvm_program_symbol(st, name);

	igt_assert_f(addr, "no kernel %s in selftest\n", name);
	return addr;
}

static uint32_t grid_threads(const struct drm_vsvm_exec_grid *g)
{
	return g->local_size[0] * g->local_size[1] * g->local_size[2] *
	       g->num_groups[0] * g->num_groups[1] * g->num_groups[2];
}

/*
 * Launch kernel @name of the selftest image on grid *g (its extension
 * header is filled in here) with the @nargs launch arguments @args, and
 * wait for its user fence: the launch's status.
 */
static int selftest_run(const struct vsvm_program *st, const char *name,
			struct drm_vsvm_exec_grid *g, const uint64_t *args,
			unsigned int nargs)
{
	ufence_t *rec = calloc(1, sizeof(*rec));
	struct drm_vsvm_exec_user_fence uf = {
		.base.next_extension = (uintptr_t)g,
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)rec, .value = 1,
	};
	struct drm_vsvm_exec ex = {
		.channel = chan, .program = selftest_kernel(st, name),
		.num_args = nargs, .insn_budget = SELFTEST_BUDGET,
		.extensions = (uintptr_t)&uf,
	};

	igt_assert(rec && nargs <= DRM_VSVM_EXEC_MAX_ARGS);
	memcpy(ex.args, args, nargs * sizeof(args[0]));
	g->base.next_extension = 0;
	g->base.name = DRM_VSVM_EXEC_EXT_GRID;
	igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_EXEC, &ex), 0);
	return launch_status(fd, rec);
}

/* The same for a launch that must succeed: else say where it failed. */
static void selftest_ok(const struct vsvm_program *st, const char *name,
			struct drm_vsvm_exec_grid *g, const uint64_t *args,
			unsigned int nargs)
{
	int ret = selftest_run(st, name, g, args, nargs);
	struct drm_vsvm_channel_error e;
	const char *at;

	if (!ret)
		return;
	e = chan_error();
	at = vsvm_program_addr_name(st, e.pc, NULL);
	igt_assert_f(!ret, "%s: status %d, channel error %u at pc %#" PRIx64
		     " (%s), address %#" PRIx64 "\n", name, ret, e.code,
		     (uint64_t)e.pc, at ? at : "?", (uint64_t)e.address);
}

/* @n words, each SELFTEST_UNTOUCHED. */
static uint64_t *untouched_words(size_t n)
{
	uint64_t *p = malloc(n * sizeof(*p));
	size_t i;

	igt_assert(p);
	for (i = 0; i < n; i++)
		p[i] = SELFTEST_UNTOUCHED;
	return p;
}

/* One word a selftest kernel wrote, named on failure. */
#define assert_selftest_word(kernel, what, i, got, want) do {		\
	uint64_t got_ = (got), want_ = (want);				\
	igt_assert_f(got_ == want_, "%s: %s %zu = %#" PRIx64		\
		     ", want %#" PRIx64 "\n", kernel, what,		\
		     (size_t)(i), got_, want_);				\
} while (0)

/*
 * selftest_ids on grid *g: the ids, sizes, memory sizes and stack slot of
 * every thread, each in its own record, and nothing past the last.
 */
static void selftest_check_ids(const struct vsvm_program *st,
			       struct drm_vsvm_exec_grid *g)
{
	const uint32_t *l = g->local_size, *n = g->num_groups;
	uint32_t threads = grid_threads(g), t;
	struct selftest_ids_args *a = malloc(sizeof(*a));
	uint64_t size[3], *out;
	unsigned int d, k;

	igt_assert(a);
	igt_info("selftest_ids: %ux%ux%u groups of %ux%ux%u, local memory "
		 "%u, stack %u\n", n[0], n[1], n[2], l[0], l[1], l[2],
		 g->local_mem_size, g->stack_size);
	out = untouched_words((size_t)(threads + 1) * SELFTEST_IDS_WORDS);
	a->out = out;
	for (d = 0; d < 3; d++)
		size[d] = (uint64_t)l[d] * n[d];
	selftest_ok(st, "selftest_ids", g, (uint64_t[]){ (uintptr_t)a }, 1);
	for (t = 0; t < threads; t++) {
		const uint64_t *o = out + (size_t)t * SELFTEST_IDS_WORDS;
		uint64_t want[SELFTEST_IDS_WORDS], gid[3], lid[3], grp[3];

		/* Global linear id t, dimension 0 fastest. */
		gid[0] = t % size[0];
		gid[1] = t / size[0] % size[1];
		gid[2] = t / (size[0] * size[1]);
		for (d = 0; d < 3; d++) {
			lid[d] = gid[d] % l[d];
			grp[d] = gid[d] / l[d];
			want[d] = lid[d];
			want[3 + d] = grp[d];
			want[6 + d] = l[d];
			want[9 + d] = n[d];
			want[12 + d] = gid[d];
		}
		want[15] = lid[0] + l[0] * (lid[1] + l[1] * lid[2]);
		want[16] = grp[0] + n[0] * (grp[1] + n[1] * grp[2]);
		want[17] = t;
		want[18] = g->local_mem_size;
		want[19] = g->stack_size ? g->stack_size :
					   DRM_VSVM_GRID_DEFAULT_STACK;
		/* Thread i of its group owns the i-th stack slice. */
		want[20] = want[15];
		for (k = 0; k < SELFTEST_IDS_WORDS; k++)
			igt_assert_f(o[k] == want[k],
				     "selftest_ids: thread %u word %u = %#"
				     PRIx64 ", want %#" PRIx64 "\n", t, k,
				     o[k], want[k]);
	}
	for (k = 0; k < SELFTEST_IDS_WORDS; k++)
		assert_selftest_word("selftest_ids", "word past the threads",
				     k, out[(size_t)threads *
					    SELFTEST_IDS_WORDS + k],
				     SELFTEST_UNTOUCHED);
	free(out);
	free(a);
}

static uint64_t dbits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static uint64_t fbits(float f)
{
	uint32_t w;

	memcpy(&w, &f, sizeof(w));
	return w;
}

/*
 * What selftest_fp computes for x = a[i], y = b[i], on the CPU with the
 * same operations, each rounded once. The GPU code is built with
 * -ffp-contract=off: x * 3.0 goes through a volatile here so that no
 * compiler fuses it with the add either (sqrt, fma and fmin are libm's,
 * correctly rounded).
 */
static void selftest_fp_ref(double x, double y, uint64_t *r)
{
	volatile double x3 = x * 3.0;
	float fx = (float)x, fy = (float)y;
	float fsum = fx + fy, fprod = fx * fy, fquot = fx / fy;

	r[0] = dbits(x + y);
	r[1] = dbits(x - y);
	r[2] = dbits(x * y);
	r[3] = dbits(x / y);
	r[4] = dbits(sqrt(fabs(x)));
	r[5] = dbits(fma(x, y, 1.0));
	r[6] = dbits((double)(int64_t)x);
	r[7] = dbits((double)(uint32_t)fabs(x));
	r[8] = dbits(fmin(x, y));
	r[9] = dbits(fmax(x, y));
	r[10] = fbits(fsum);
	r[11] = fbits(fprod);
	r[12] = fbits(sqrtf(fabsf(fx)));
	r[13] = fbits(fmaf(fx, fy, 1.0f));
	r[14] = dbits((double)fquot);
	r[15] = dbits(x3 + y);
	r[16] = RV_FFLAGS_NX;			/* 1.0 / 3.0 */
	r[17] = RV_FFLAGS_NX | RV_FFLAGS_DZ;	/* and 1.0 / 0.0 */
	r[18] = (uint64_t)(int64_t)(x * 1000.0);
}

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A double below @scale in magnitude: random sign and 53-bit mantissa. */
static double random_double(uint64_t *s, double scale)
{
	uint64_t r = xorshift64(s);
	double v = (double)(r >> 11) * 0x1p-53 * scale;

	return r & 1 ? -v : v;
}

/*
 * selftest_fp: every result of every input, bit for bit against the CPU,
 * over more threads than inputs (those past n write nothing). Inputs:
 * finite, |x| < 1e9, y nonzero (vsvm_kernels.h); rounding ties, zeros of
 * both signs, double and float subnormals, a y that is 0 as a float.
 */
static void selftest_check_fp(const struct vsvm_program *st)
{
	static const double pairs[][2] = {
		{ 0.5, 3.0 },
		{ -2.5, -0.1 },
		{ -0.0, 7.0 },
		{ 0.0, -1e-30 },
		{ 1.0, 0x1p-53 },		/* 1 + 2^-53: a tie, to even */
		{ 16777217.0, 0.5 },		/* a float tie */
		{ 0x1p-1074, 3.0 },		/* the least subnormal */
		{ 1e-40, 3.0 },			/* a float subnormal */
		{ -999999999.5, 1e-20 },
		{ 999999999.9375, 1.0 / 3.0 },
		{ 123456789.123, -123456789.123 },	/* x + y = +0 */
		{ 2.0, 2.0 },
		{ -1234.5678, 0x1p-1000 },	/* (float)y 0: fx / fy -inf */
		{ 4294967295.0 / 8, -7.75 },
	};
	static const double xscale[] = { 9.99e8, 1e5, 1.0, 1e-3, 1e-30 };
	static const double yscale[] = { 1e6, 100.0, 1.0, 1e-4 };
	const uint32_t n = 40;
	struct drm_vsvm_exec_grid g = {
		.local_size = { 16, 1, 1 }, .num_groups = { 3, 1, 1 },
	};
	uint32_t threads = grid_threads(&g), i;
	struct selftest_fp_args *a = malloc(sizeof(*a));
	double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
	uint64_t *out, want[SELFTEST_FP_RESULTS], seed = 0x9e3779b97f4a7c15ULL;
	unsigned int k;

	igt_assert(a && x && y && threads > n);
	for (i = 0; i < n; i++) {
		if (i < sizeof(pairs) / sizeof(pairs[0])) {
			x[i] = pairs[i][0];
			y[i] = pairs[i][1];
			continue;
		}
		x[i] = random_double(&seed, xscale[i % 5]);
		y[i] = random_double(&seed, yscale[i % 4]);
		if ((float)y[i] == 0.0f)
			y[i] = 0.75;
	}
	out = untouched_words((size_t)threads * SELFTEST_FP_RESULTS);
	*a = (struct selftest_fp_args){ .a = x, .b = y, .out = out, .n = n };
	selftest_ok(st, "selftest_fp", &g, (uint64_t[]){ (uintptr_t)a }, 1);
	for (i = 0; i < threads; i++) {
		const uint64_t *o = out + (size_t)i * SELFTEST_FP_RESULTS;

		if (i < n)
			selftest_fp_ref(x[i], y[i], want);
		else
			for (k = 0; k < SELFTEST_FP_RESULTS; k++)
				want[k] = SELFTEST_UNTOUCHED;
		for (k = 0; k < SELFTEST_FP_RESULTS; k++)
			igt_assert_f(o[k] == want[k],
				     "selftest_fp: input %u (x %a, y %a) "
				     "result %u = %#" PRIx64 ", want %#"
				     PRIx64 "\n", i,
				     i < n ? x[i] : 0, i < n ? y[i] : 0, k,
				     o[k], want[k]);
	}
	free(out);
	free(x);
	free(y);
	free(a);
}

/*
 * selftest_atomic: 189 threads in 9 work-groups (spread over the units)
 * on one block. Every field starts where a lost or narrowed update
 * shows: 64-bit adds carry past bit 31, the 32-bit counter wraps without
 * touching its neighbour, and the thread count is odd so that the XOR of
 * the ids is not 0.
 */
static void selftest_check_atomic(const struct vsvm_program *st)
{
	const uint64_t parity = 0x0123456789abcdefULL;
	struct drm_vsvm_exec_grid g = {
		.local_size = { 7, 3, 1 }, .num_groups = { 3, 1, 3 },
	};
	uint32_t threads = grid_threads(&g), t;
	struct selftest_atomic_args *a = calloc(1, sizeof(*a));
	uint64_t *tickets = untouched_words(threads + 1), sum = 0, x = 0;
	uint8_t *seen = calloc(threads, 1);

	igt_assert(a && seen);
	a->sum = 1000;
	a->big = 0xffffffffULL;
	a->min = ~0ULL;
	a->parity = parity;
	a->fsum = 0.5;
	a->counter32 = 0xffffff80u;
	a->pad = 0x5a5a5a5au;
	a->tickets = tickets;
	selftest_ok(st, "selftest_atomic", &g, (uint64_t[]){ (uintptr_t)a },
		    1);
	for (t = 0; t < threads; t++) {
		sum += t;
		x ^= t;
	}
	igt_assert_eq_u64(a->counter, threads);
	igt_assert_eq_u64(a->sum, 1000 + sum);
	igt_assert_eq_u64(a->big, 0xffffffffULL + ((uint64_t)threads << 32));
	igt_assert_eq_u64(a->max, threads - 1);
	igt_assert_eq_u64(a->min, 0);
	igt_assert_eq_u64((uint64_t)a->smin, (uint64_t)-(int64_t)(threads - 1));
	igt_assert_eq_u64(a->bits, threads >= 64 ? ~0ULL :
				   (1ULL << threads) - 1);
	igt_assert_eq_u64(a->parity, parity ^ x);
	igt_assert_eq_u64(a->cas_counter, threads);
	igt_assert_f(a->last >= 1 && a->last <= threads,
		     "selftest_atomic: last %" PRIu64 "\n", a->last);
	igt_assert_eq_u64(dbits(a->fsum), dbits(0.5 + threads));
	igt_assert_eq_u32(a->counter32, (uint32_t)(0xffffff80u + threads));
	igt_assert_eq_u32(a->pad, 0x5a5a5a5au);
	igt_assert(a->tickets == tickets);
	/* The tickets: each value of the counter taken once. */
	for (t = 0; t < threads; t++) {
		igt_assert_f(tickets[t] < threads && !seen[tickets[t]],
			     "selftest_atomic: ticket %u = %#" PRIx64 "\n", t,
			     tickets[t]);
		seen[tickets[t]] = 1;
	}
	assert_selftest_word("selftest_atomic", "ticket", threads,
			     tickets[threads], SELFTEST_UNTOUCHED);
	free(seen);
	free(tickets);
	free(a);
}

/*
 * selftest_reduce: the per-group sums of a work-group reduction in local
 * memory, the barriers each group's thread 0 passed and the total, for a
 * few group sizes; then a launch whose local memory is one word short,
 * which the kernel stops with EBREAK before it writes anything.
 */
static void selftest_check_reduce(const struct vsvm_program *st)
{
	static const struct {
		uint32_t local, groups, n, local_mem;
	} cases[] = {
		{ 64, 6, 300, 64 * 8 },		/* a group past n */
		{ 256, 2, 400, DRM_VSVM_GRID_MAX_LOCAL_MEM },
		{ 1, 3, 3, 8 },
		{ 64, 2, 128, 64 * 8 - 8 },	/* too little local memory */
	};
	const unsigned int ok_cases = sizeof(cases) / sizeof(cases[0]) - 1;
	unsigned int c;

	for (c = 0; c <= ok_cases; c++) {
		uint32_t l = cases[c].local, groups = cases[c].groups;
		uint32_t n = cases[c].n, i, s, grp;
		struct drm_vsvm_exec_grid g = {
			.local_size = { l, 1, 1 },
			.num_groups = { groups, 1, 1 },
			.local_mem_size = cases[c].local_mem,
		};
		struct selftest_reduce_args *a = malloc(sizeof(*a));
		uint64_t *src = malloc(n * sizeof(*src));
		uint64_t *sums = untouched_words(groups + 1);
		uint64_t *rounds = untouched_words(groups + 1);
		uint64_t *total = malloc(sizeof(*total)), want_total = 7;
		uint64_t want_rounds = 2;

		igt_assert(a && src && total);
		for (i = 0; i < n; i++)
			src[i] = pattern(i);
		*total = 7;
		*a = (struct selftest_reduce_args){
			.src = src, .n = n, .sums = sums, .total = total,
			.rounds = rounds,
		};
		if (c == ok_cases) {
			struct drm_vsvm_channel_error e;
			const char *at;

			chan_error();	/* nothing stale */
			igt_assert_eq(selftest_run(st, "selftest_reduce", &g,
						   (uint64_t[]){ (uintptr_t)a },
						   1), -EIO);
			e = chan_error();
			at = vsvm_program_addr_name(st, e.pc, NULL);
			igt_assert_eq_u32(e.code,
					  DRM_VSVM_CHANNEL_ERR_BREAKPOINT);
			igt_assert_f(at && strstr(at, "selftest_reduce"),
				     "EBREAK at pc %#" PRIx64 " (%s)\n",
				     (uint64_t)e.pc, at ? at : "?");
			for (grp = 0; grp <= groups; grp++) {
				assert_selftest_word("selftest_reduce", "sum",
						     grp, sums[grp],
						     SELFTEST_UNTOUCHED);
				assert_selftest_word("selftest_reduce",
						     "rounds", grp,
						     rounds[grp],
						     SELFTEST_UNTOUCHED);
			}
			igt_assert_eq_u64(*total, 7);
		} else {
			selftest_ok(st, "selftest_reduce", &g,
				    (uint64_t[]){ (uintptr_t)a }, 1);
			/* A barrier, then one a halving. */
			for (s = l; s > 1; s /= 2)
				want_rounds++;
			for (grp = 0; grp < groups; grp++) {
				uint64_t want = 0;

				for (i = grp * l; i < (grp + 1) * l && i < n;
				     i++)
					want += src[i];
				want_total += want;
				assert_selftest_word("selftest_reduce", "sum",
						     grp, sums[grp], want);
				assert_selftest_word("selftest_reduce",
						     "rounds", grp,
						     rounds[grp], want_rounds);
			}
			assert_selftest_word("selftest_reduce", "sum", groups,
					     sums[groups], SELFTEST_UNTOUCHED);
			assert_selftest_word("selftest_reduce", "rounds",
					     groups, rounds[groups],
					     SELFTEST_UNTOUCHED);
			igt_assert_eq_u64(*total, want_total);
		}
		free(total);
		free(rounds);
		free(sums);
		free(src);
		free(a);
	}
}

/*
 * selftest_args: a block of twelve fields of every width and sign, read
 * by thread 0 of several, and the launch's seven other raw arguments.
 */
static void selftest_check_args(const struct vsvm_program *st)
{
	struct drm_vsvm_exec_grid g = {
		.local_size = { 2, 2, 1 }, .num_groups = { 2, 1, 1 },
	};
	uint64_t args[DRM_VSVM_EXEC_MAX_ARGS] = {
		0, 0x8000000000000001ULL, ~0ULL, 0, 0x123456789abcdef0ULL,
		1, 0x7fffffffffffffffULL, 0xdeadbeefcafef00dULL,
	};
	struct selftest_many_args *a = calloc(1, sizeof(*a));
	char *name = strdup("vsvm selftest: twelve fields, eight arguments");
	uint64_t *out = untouched_words(SELFTEST_ARGS_WORDS + 1);
	uint64_t want[SELFTEST_ARGS_WORDS];
	unsigned int k;

	igt_assert(a && name);
	a->u8 = 0xfe;
	a->s8 = -100;
	a->u16 = 0xfedc;
	a->s16 = -30000;
	a->u32 = 0xfedcba98u;
	a->s32 = -2000000000;
	a->u64 = 0xfedcba9876543210ULL;
	a->s64 = -0x123456789abcdefLL;
	a->f32 = 0.1f;
	a->f64 = -6.02214076e23;
	a->words[0] = ~0ULL;
	a->words[1] = 2;
	a->words[2] = 0x8000000000000000ULL;
	a->words[3] = 0x1234;
	a->name = name;
	a->out = out;
	args[0] = (uintptr_t)a;
	selftest_ok(st, "selftest_args", &g, args, DRM_VSVM_EXEC_MAX_ARGS);
	want[0] = a->u8;
	want[1] = a->u16;
	want[2] = a->u32;
	want[3] = a->u64;
	want[4] = (uint64_t)(int64_t)a->s8;
	want[5] = (uint64_t)(int64_t)a->s16;
	want[6] = (uint64_t)(int64_t)a->s32;
	want[7] = (uint64_t)a->s64;
	want[8] = dbits((double)a->f32);
	want[9] = dbits(a->f64);
	want[10] = a->words[0] + a->words[1] + a->words[2] + a->words[3];
	want[11] = strlen(name);
	for (k = 1; k < DRM_VSVM_EXEC_MAX_ARGS; k++)
		want[11 + k] = args[k];
	want[19] = (uintptr_t)a;
	for (k = 0; k < SELFTEST_ARGS_WORDS; k++)
		assert_selftest_word("selftest_args", "word", k, out[k],
				     want[k]);
	assert_selftest_word("selftest_args", "word", k, out[k],
			     SELFTEST_UNTOUCHED);
	free(out);
	free(name);
	free(a);
}

/*
 * selftest_calls: the loader relocated the image's pointer table (checked
 * on the CPU), and on the GPU recursion, calls through the relocated
 * function-pointer table, the relocated string, a 1 KiB stack array and
 * the image's .bss counter, which adds up over two launches.
 */
static void selftest_check_calls(const struct vsvm_program *st)
{
	static const struct {
		uint64_t n, fib;
		uint32_t local[3], groups[3];
	} runs[] = {
		{ 12, 144, { 4, 1, 1 }, { 3, 1, 1 } },
		{ 99, 6765, { 1, 5, 1 }, { 1, 1, 2 } },	/* fib(20) */
	};
	const uint64_t *table = (const uint64_t *)(uintptr_t)
		vsvm_program_symbol(st, "selftest_reloc_table");
	const char *string = (const char *)(uintptr_t)
		vsvm_program_symbol(st, "selftest_reloc_string");
	uint64_t launched = 0;
	unsigned int r, k;

	igt_assert(table && string);
	igt_assert_eq_u64(table[0], selftest_kernel(st, "selftest_calls"));
	igt_assert_eq_u64(table[1], (uintptr_t)table);
	igt_assert_eq_u64(table[2], (uintptr_t)string);
	igt_assert_eq_u64(table[3], selftest_kernel(st, "selftest_ids"));
	igt_assert(!strcmp(string, "vsvm relocated string"));

	for (r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		struct drm_vsvm_exec_grid g = { 0 };
		struct selftest_calls_args *a = malloc(sizeof(*a));
		uint64_t *out = untouched_words(SELFTEST_CALLS_WORDS + 1);
		uint64_t *arrived = calloc(1, sizeof(*arrived));
		uint64_t want[SELFTEST_CALLS_WORDS + 1];

		igt_assert(a && arrived);
		memcpy(g.local_size, runs[r].local, sizeof(g.local_size));
		memcpy(g.num_groups, runs[r].groups, sizeof(g.num_groups));
		*a = (struct selftest_calls_args){
			.n = runs[r].n, .threads = grid_threads(&g),
			.out = out, .arrived = arrived,
		};
		selftest_ok(st, "selftest_calls", &g,
			    (uint64_t[]){ (uintptr_t)a }, 1);
		launched += a->threads;
		want[0] = runs[r].fib;
		want[1] = 10 + 4 + 21 + 7;
		want[2] = strlen(string);
		want[3] = 1024 * 0x5a;
		want[4] = launched;
		want[5] = SELFTEST_UNTOUCHED;
		for (k = 0; k <= SELFTEST_CALLS_WORDS; k++)
			assert_selftest_word("selftest_calls", "word", k,
					     out[k], want[k]);
		igt_assert_eq_u64(*arrived, a->threads);
		free(arrived);
		free(out);
		free(a);
	}
}

igt_main
{
	igt_fixture {
		struct drm_vsvm_svm_init init = {
			.flags = DRM_VSVM_SVM_INIT_LR_MODE,
		};
		struct drm_vsvm_channel_create cc = { 0 };

		fd = open_vsvm();
		igt_require_f(fd >= 0, "no vsvm render node\n");
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_SVM_INIT, &init), 0);
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc),
			      0);
		chan = cc.handle;
	}

	igt_describe("GET_PARAM reports the device; bad input is -EINVAL.");
	igt_subtest("get-param") {
		struct drm_vsvm_get_param gp = {
			.param = DRM_VSVM_PARAM_VA_BITS,
		};

		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_GET_PARAM, &gp), 0);
		igt_assert_eq_u64(gp.value, 49);
		gp.param = DRM_VSVM_PARAM_NUM_EUS;
		gp.value = 0;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_GET_PARAM, &gp), 0);
		igt_assert(gp.value >= 1);
		gp.param = 999;
		gp.value = 0;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_GET_PARAM, &gp), -1);
		igt_assert_eq(errno, EINVAL);
		gp.param = DRM_VSVM_PARAM_VA_BITS;
		gp.pad = 1;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_GET_PARAM, &gp), -1);
		igt_assert_eq(errno, EINVAL);
	}

	igt_describe("The GPU reads and writes malloc() memory it has never "
		     "seen; the CPU checks every byte.");
	igt_subtest("malloc-read-write") {
		const unsigned int n = 2048;
		uint64_t *src = malloc(n * 8), *dst = malloc(n * 8);
		uint64_t prog = prog_scale();
		unsigned int i;

		igt_assert(src && dst);
		for (i = 0; i < n; i++)
			src[i] = 0x1000000000ULL * i + i;
		igt_assert_eq(run(prog, n, (uintptr_t)src, (uintptr_t)dst), 0);
		for (i = 0; i < n; i++) {
			igt_assert_eq_u64(dst[i], src[i] * 3 + 7);
			igt_assert_eq_u64(src[i], 0x1000000000ULL * i + i);
		}
		igt_assert(fdinfo("drm-vsvm-faults") > 0);
		igt_assert(fdinfo("drm-vsvm-hmm-calls") > 0);
		igt_info("faults %lld, batches %lld, hmm calls %lld, 4K PTEs %lld\n",
			 fdinfo("drm-vsvm-faults"), fdinfo("drm-vsvm-batches"),
			 fdinfo("drm-vsvm-hmm-calls"), fdinfo("drm-vsvm-pages-4k"));
		free(src);
		free(dst);
	}

	igt_describe("A THP region is mapped with 2 MiB GPU pages.");
	igt_subtest("thp-2m") {
		const size_t sz = 4 << 20;
		const unsigned int n = sz / 8;
		long long before = fdinfo("drm-vsvm-pages-2m");
		uint64_t *buf = aligned_alloc(2 << 20, sz);
		uint64_t prog = prog_scale();
		unsigned int i;

		igt_assert(buf);
		igt_require(madvise(buf, sz, MADV_HUGEPAGE) == 0);
		for (i = 0; i < n; i++)
			buf[i] = i;
		/* In place: dst = src = buf, 4096 threads over the first half. */
		igt_assert_eq(run(prog, 4096, (uintptr_t)buf, (uintptr_t)buf), 0);
		for (i = 0; i < n; i++)
			igt_assert_eq_u64(buf[i], i < 4096 ? i * 3 + 7 : i);
		igt_assert_f(fdinfo("drm-vsvm-pages-2m") > before,
			     "no 2 MiB GPU mapping (pages-2m %lld)\n",
			     fdinfo("drm-vsvm-pages-2m"));
		free(buf);
	}

	igt_describe("A write to unmapped memory is cancelled: the fence "
		     "fails with -EFAULT and the channel reports the exact "
		     "address and a write access.");
	igt_subtest("unmapped-write-faults") {
		uint64_t prog = prog_store();
		char *p = fresh_page();
		uint64_t target = (uintptr_t)p + 0x128;
		struct drm_vsvm_channel_error e;
		long long cancels = fdinfo("drm-vsvm-cancels");

		igt_assert_eq(munmap(p, 4096), 0);
		igt_assert_eq(run(prog, 1, target, 42), -EFAULT);
		e = chan_error();
		igt_assert_eq_u32(e.code, DRM_VSVM_CHANNEL_ERR_MMU_FAULT);
		igt_assert_eq_u64(e.address, target);
		igt_assert_eq_u32(e.access_type, DRM_VSVM_ACCESS_WRITE);
		igt_assert(fdinfo("drm-vsvm-cancels") > cancels);
		/* The channel still runs launches. */
		p = fresh_page();
		igt_assert_eq(run(prog, 1, (uintptr_t)p + 8, 43), 0);
		igt_assert_eq_u64(((uint64_t *)p)[1], 43);
		igt_assert_eq_u32(chan_error().code, DRM_VSVM_CHANNEL_ERR_NONE);
		munmap(p, 4096);
	}

	igt_describe("After munmap() the GPU faults instead of reading the "
		     "stale page.");
	igt_subtest("munmap-then-fault") {
		uint64_t prog = prog_copy();
		uint64_t *p = fresh_page(), out = 0;
		long long inval = fdinfo("drm-vsvm-invalidations");
		struct drm_vsvm_channel_error e;

		p[5] = 0x5eed;
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[5], (uintptr_t)&out), 0);
		igt_assert_eq_u64(out, 0x5eed);
		igt_assert_eq(munmap(p, 4096), 0);
		igt_assert(fdinfo("drm-vsvm-invalidations") > inval);
		out = 0;
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[5], (uintptr_t)&out),
			      -EFAULT);
		igt_assert_eq_u64(out, 0);
		e = chan_error();
		igt_assert_eq_u32(e.code, DRM_VSVM_CHANNEL_ERR_MMU_FAULT);
		igt_assert_eq_u64(e.address, (uintptr_t)&p[5]);
		igt_assert_eq_u32(e.access_type, DRM_VSVM_ACCESS_READ);
	}

	igt_describe("A GPU write to a read-only mapping is cancelled and "
		     "the memory is unchanged.");
	igt_subtest("readonly-write-cancelled") {
		uint64_t prog = prog_store();
		uint64_t *p = fresh_page();
		struct drm_vsvm_channel_error e;

		p[0] = 7;
		igt_assert_eq(mprotect(p, 4096, PROT_READ), 0);
		igt_assert_eq(run(prog, 1, (uintptr_t)p, 99), -EFAULT);
		igt_assert_eq_u64(p[0], 7);
		e = chan_error();
		igt_assert_eq_u32(e.code, DRM_VSVM_CHANNEL_ERR_MMU_FAULT);
		igt_assert_eq_u64(e.address, (uintptr_t)p);
		igt_assert_eq_u32(e.access_type, DRM_VSVM_ACCESS_WRITE);
		munmap(p, 4096);
	}


	igt_describe("mprotect() between launches: a GPU write to the page "
		     "made read-only is cancelled, then works again.");
	igt_subtest("mprotect-between-launches") {
		uint64_t prog = prog_store();
		uint64_t *p = fresh_page();

		igt_assert_eq(run(prog, 1, (uintptr_t)p, 1), 0);
		igt_assert_eq_u64(p[0], 1);
		igt_assert_eq(mprotect(p, 4096, PROT_READ), 0);
		igt_assert_eq(run(prog, 1, (uintptr_t)p, 2), -EFAULT);
		igt_assert_eq_u64(p[0], 1);
		igt_assert_eq_u32(chan_error().access_type,
				  DRM_VSVM_ACCESS_WRITE);
		igt_assert_eq(mprotect(p, 4096, PROT_READ | PROT_WRITE), 0);
		igt_assert_eq(run(prog, 1, (uintptr_t)p, 3), 0);
		igt_assert_eq_u64(p[0], 3);
		munmap(p, 4096);
	}

	igt_describe("madvise(MADV_DONTNEED): the GPU then reads zeroes, not "
		     "the old page.");
	igt_subtest("madvise-dontneed-zeroes") {
		uint64_t prog = prog_copy();
		uint64_t *p = fresh_page(), out = 0;

		p[3] = 0xabcdef;
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[3], (uintptr_t)&out), 0);
		igt_assert_eq_u64(out, 0xabcdef);
		igt_assert_eq(madvise(p, 4096, MADV_DONTNEED), 0);
		out = 1;
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[3], (uintptr_t)&out), 0);
		igt_assert_eq_u64(out, 0);
		munmap(p, 4096);
	}

	igt_describe("fork(): after the GPU mapped a page, a child's write and "
		     "the parent's GPU write each stay in their own copy.");
	igt_subtest("fork-cow") {
		uint64_t prog = prog_store();
		uint64_t *p = fresh_page();
		int to_child[2], to_parent[2];
		char c = 0;
		pid_t pid;

		p[0] = 0xa;
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[1], 0xa1), 0);
		igt_assert(pipe(to_child) == 0 && pipe(to_parent) == 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			p[0] = 0xb;	/* COW in the child */
			if (write(to_parent[1], &c, 1) != 1 ||
			    read(to_child[0], &c, 1) != 1)
				_exit(2);
			_exit(p[0] == 0xb && p[1] == 0xa1 ? 0 : 1);
		}
		igt_assert_eq(read(to_parent[0], &c, 1), 1);
		/* The parent's GPU write breaks COW on the parent's side. */
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[1], 0xc1), 0);
		igt_assert_eq_u64(p[1], 0xc1);
		igt_assert_eq_u64(p[0], 0xa);
		igt_assert_eq(write(to_child[1], &c, 1), 1);
		wait_child_ok(pid);
		munmap(p, 4096);
	}

	igt_describe("SVM_BIND maps a range ahead of the GPU: the launch that "
		     "follows takes no fault; bad input is refused.");
	igt_subtest("svm-bind-prefetch") {
		const size_t sz = 64 << 10;
		uint64_t *buf = mmap(NULL, sz, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t prog = prog_copy();
		uint64_t *out = fresh_page();
		struct drm_vsvm_svm_bind b = {
			.header = DRM_VSVM_BIND_OP_MAP | DRM_VSVM_BIND_WRITE,
			.va_start = (uintptr_t)buf,
			.va_end = (uintptr_t)buf + sz,
		};
		long long faults;

		igt_assert(buf != MAP_FAILED);
		buf[100] = 0x77;
		/* The program and the output page are mapped by a first run. */
		igt_assert_eq(run(prog, 1, (uintptr_t)out, (uintptr_t)&out[1]), 0);
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_SVM_BIND, &b), 0);
		igt_assert_eq_u64(b.result, sz / 4096);
		faults = fdinfo("drm-vsvm-faults");
		igt_assert_eq(run(prog, 1, (uintptr_t)&buf[100],
				  (uintptr_t)&out[2]), 0);
		igt_assert_eq_u64(out[2], 0x77);
		igt_assert_eq(fdinfo("drm-vsvm-faults"), faults);

		b.result = 0;
		b.va_start += 1;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_SVM_BIND, &b), -1);
		igt_assert_eq(errno, EINVAL);
		b.va_start -= 1;
		b.pad = 1;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_SVM_BIND, &b), -1);
		igt_assert_eq(errno, EINVAL);
		b.pad = 0;
		b.extensions = (uintptr_t)&b;	/* none is defined */
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_SVM_BIND, &b), -1);
		igt_assert_eq(errno, EINVAL);
		b.extensions = 0;
		/* Migration targets are system memory and VRAM only. */
		b.header = DRM_VSVM_BIND_OP_MIGRATE |
			   3ULL << DRM_VSVM_BIND_TARGET_SHIFT;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_SVM_BIND, &b), -1);
		igt_assert_eq(errno, EINVAL);
		b.header = DRM_VSVM_BIND_OP_MAP;
		b.va_start = 0xffff800000000000ULL;
		b.va_end = b.va_start + 4096;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_SVM_BIND, &b), -1);
		igt_assert_eq(errno, EINVAL);
		munmap(buf, sz);
		munmap(out, 4096);
	}

	igt_describe("EXEC validates every field, the grid of a RISC-V launch "
		     "included.");
	igt_subtest("exec-bad-input") {
		const struct drm_vsvm_exec_grid grid = exec_grid(1);
		struct drm_vsvm_exec_grid g = grid;
		struct drm_vsvm_exec ok = {
			.channel = chan, .program = prog_store(),
			.extensions = (uintptr_t)&g,
		}, ex;

		ex = ok; ex.flags = 0x80;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		/* The grid gives the threads; without it, none is none. */
		ex = ok; ex.num_threads = 1;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.extensions = 0;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.num_threads = DRM_VSVM_EXEC_MAX_THREADS + 1;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.insn_budget = DRM_VSVM_EXEC_MAX_INSN_BUDGET + 1;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.program += 2;	/* RISC-V: 4-byte aligned */
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.program = 0xffffffff81000000ULL;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.args[3] = 1;	/* beyond num_args */
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.num_args = 9;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.seqno = 1;		/* an output */
		igt_assert_eq(exec_errno(&ex), EINVAL);
		ex = ok; ex.syncobj = 5;	/* without the flag */
		igt_assert_eq(exec_errno(&ex), EINVAL);
		/* Long-running mode: no dma-fence out-fence. */
		ex = ok; ex.flags = DRM_VSVM_EXEC_SYNCOBJ; ex.syncobj = 1;
		igt_assert_eq(exec_errno(&ex), EOPNOTSUPP);
		ex = ok; ex.channel = 63;
		igt_assert_eq(exec_errno(&ex), ENOENT);

		/* The grid: sizes, limits, the extension header. */
		ex = ok;
		g = grid; g.local_size[1] = 0;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		g = grid; g.num_groups[2] = 0;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		g = grid; g.local_size[0] = 16; g.local_size[1] = 32;
		igt_assert_eq(exec_errno(&ex), EINVAL);	/* 512 a group */
		g = grid; g.num_groups[0] = DRM_VSVM_EXEC_MAX_THREADS;
		g.num_groups[1] = 2;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		g = grid; g.local_mem_size = DRM_VSVM_GRID_MAX_LOCAL_MEM + 1;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		g = grid; g.stack_size = 24;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		g = grid; g.stack_size = DRM_VSVM_GRID_MAX_STACK + 16;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		/* 256 stacks of 64 KiB: over a group's private memory. */
		g = grid; g.local_size[0] = DRM_VSVM_GRID_MAX_GROUP_THREADS;
		g.stack_size = DRM_VSVM_GRID_MAX_STACK;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		g = grid; g.base.pad = 1;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		/* The grid twice. */
		g = grid; g.base.next_extension = (uintptr_t)&g;
		igt_assert_eq(exec_errno(&ex), EINVAL);
	}

	igt_describe("Closing a file with launches in flight, or exiting with "
		     "GPU faults pending, ends cleanly; the device keeps "
		     "working.");
	igt_subtest("close-and-exit-in-flight") {
		uint64_t spin = prog_spin(), prog = prog_store();
		uint64_t *out = calloc(4096, 8), *p;
		int f;
		uint32_t c;
		pid_t pid;

		igt_assert(out);
		f = open_svm(&c);
		launch(f, c, spin, 256, 2000, (uintptr_t)out);
		launch(f, c, spin, 256, 2000, (uintptr_t)out);
		close(f);

		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			uint64_t *fresh = malloc(64 << 20);

			f = open_svm(&c);
			/* Faults on 4096 fresh pages; exit without waiting. */
			launch(f, c, spin, 4096, 1, (uintptr_t)fresh);
			_exit(0);
		}
		wait_child_ok(pid);

		p = fresh_page();
		igt_assert_eq(run(prog, 1, (uintptr_t)p, 5), 0);
		igt_assert_eq_u64(p[0], 5);
		munmap(p, 4096);
		free(out);
	}

	igt_describe("Splitting a THP the GPU maps with a 2 MiB PTE: the 2 MiB "
		     "PTE goes, the protected page faults, its neighbours are "
		     "mapped again with 4 KiB PTEs.");
	igt_subtest("thp-split") {
		const size_t sz = 2 << 20;
		uint64_t *buf = aligned_alloc(2 << 20, sz);
		uint64_t prog = prog_store(), copy = prog_copy(), out = 0;
		long long p2m, p4k, inval;
		unsigned int i;

		igt_assert(buf);
		igt_require(madvise(buf, sz, MADV_HUGEPAGE) == 0);
		for (i = 0; i < sz / 8; i++)
			buf[i] = i;
		p2m = fdinfo("drm-vsvm-pages-2m");
		igt_assert_eq(run(copy, 1, (uintptr_t)&buf[1000],
				  (uintptr_t)&out), 0);
		igt_assert_eq_u64(out, 1000);
		igt_require_f(fdinfo("drm-vsvm-pages-2m") > p2m,
			      "the buffer is not a THP\n");
		inval = fdinfo("drm-vsvm-invalidations");
		/* Splits the PMD: page 1 read-only, the rest unchanged. */
		igt_assert_eq(mprotect((char *)buf + 4096, 4096, PROT_READ), 0);
		igt_assert(fdinfo("drm-vsvm-invalidations") > inval);
		igt_assert_eq(run(prog, 1, (uintptr_t)&buf[512], 7), -EFAULT);
		igt_assert_eq_u64(buf[512], 512);
		igt_assert_eq_u64(chan_error().address, (uintptr_t)&buf[512]);
		p4k = fdinfo("drm-vsvm-pages-4k");
		igt_assert_eq(run(prog, 1, (uintptr_t)&buf[3 * 512], 9), 0);
		igt_assert_eq_u64(buf[3 * 512], 9);
		igt_assert(fdinfo("drm-vsvm-pages-4k") > p4k);
		for (i = 0; i < sz / 8; i++)
			if (i != 3 * 512)
				igt_assert_eq_u64(buf[i], i);
		igt_assert_eq(mprotect((char *)buf + 4096, 4096,
				       PROT_READ | PROT_WRITE), 0);
		free(buf);
	}

	igt_describe("Page tables a munmap() leaves empty are given back.");
	igt_subtest("page-tables-freed-after-munmap") {
		const size_t sz = 4 << 20;
		uint64_t prog = prog_store();
		uint64_t *p = fresh_page();
		char *raw = mmap(NULL, 2 * sz, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *region;
		long long before, mapped, after;

		igt_assert(raw != MAP_FAILED);
		region = (char *)(((uintptr_t)raw + sz - 1) & ~(sz - 1));
		igt_assert_eq(madvise(region, sz, MADV_NOHUGEPAGE), 0);
		igt_assert_eq(run(prog, 1, (uintptr_t)p, 1), 0);
		before = fdinfo("drm-vsvm-page-tables");
		igt_assert_eq(run(prog, 1, (uintptr_t)region + 8192, 2), 0);
		igt_assert_eq_u64(((uint64_t *)region)[1024], 2);
		mapped = fdinfo("drm-vsvm-page-tables");
		igt_assert(mapped > before);
		igt_assert_eq(munmap(raw, 2 * sz), 0);
		/* A work item gives the empty tables back, soon. */
		for (int i = 0; i < 200; i++) {
			after = fdinfo("drm-vsvm-page-tables");
			if (after < mapped)
				break;
			usleep(10000);
		}
		igt_assert_eq(run(prog, 1, (uintptr_t)p + 8, 3), 0);
		igt_info("page tables: %lld before, %lld mapped, %lld after munmap\n",
			 before, mapped, after);
		igt_assert(after < mapped);
		munmap(p, 4096);
	}

	igt_describe("Stack memory: the GPU writes a local array of the "
		     "calling thread.");
	igt_subtest("stack-memory") {
		uint64_t prog = prog_scale(), src[64], dst[64];
		unsigned int i;

		for (i = 0; i < 64; i++) {
			src[i] = i * 11;
			dst[i] = ~0ULL;
		}
		igt_assert_eq(run(prog, 64, (uintptr_t)src, (uintptr_t)dst), 0);
		for (i = 0; i < 64; i++)
			igt_assert_eq_u64(dst[i], i * 33 + 7);
	}

	igt_describe("Shared anonymous and shared/private file mappings: GPU "
		     "writes land where the CPU (and the file) see them.");
	igt_subtest("shared-and-file-mappings") {
		uint64_t prog = prog_store();
		char tmpl[] = "/tmp/vsvm-svm-XXXXXX";
		uint64_t *shared, *fshared, *fpriv, v = 0;
		int tfd = mkstemp(tmpl);

		igt_assert(tfd >= 0);
		unlink(tmpl);
		igt_assert_eq(ftruncate(tfd, 8192), 0);
		shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		fshared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			       tfd, 0);
		fpriv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			     tfd, 4096);
		igt_assert(shared != MAP_FAILED && fshared != MAP_FAILED &&
			   fpriv != MAP_FAILED);
		igt_assert_eq(run(prog, 1, (uintptr_t)shared, 0x51), 0);
		igt_assert_eq(run(prog, 1, (uintptr_t)&fshared[2], 0x52), 0);
		igt_assert_eq(run(prog, 1, (uintptr_t)&fpriv[3], 0x53), 0);
		igt_assert_eq_u64(shared[0], 0x51);
		igt_assert_eq_u64(fshared[2], 0x52);
		igt_assert_eq_u64(fpriv[3], 0x53);
		/* The shared file page is the file; the private one is not. */
		igt_assert_eq(pread(tfd, &v, 8, 16), 8);
		igt_assert_eq_u64(v, 0x52);
		igt_assert_eq(pread(tfd, &v, 8, 4096 + 24), 8);
		igt_assert_eq_u64(v, 0);
		munmap(shared, 4096);
		munmap(fshared, 4096);
		munmap(fpriv, 4096);
		close(tfd);
	}

	igt_describe("PROT_NONE memory: a GPU read is cancelled with a read "
		     "access at the exact address.");
	igt_subtest("prot-none") {
		uint64_t prog = prog_copy(), out = 0;
		uint64_t *p = mmap(NULL, 4096, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct drm_vsvm_channel_error e;

		igt_assert(p != MAP_FAILED);
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[7], (uintptr_t)&out),
			      -EFAULT);
		e = chan_error();
		igt_assert_eq_u32(e.code, DRM_VSVM_CHANNEL_ERR_MMU_FAULT);
		igt_assert_eq_u64(e.address, (uintptr_t)&p[7]);
		igt_assert_eq_u32(e.access_type, DRM_VSVM_ACCESS_READ);
		igt_assert_eq_u64(out, 0);
		munmap(p, 4096);
	}

	igt_describe("Atomics from both sides: GPU threads and CPU threads "
		     "increment one counter; the total is exact.");
	igt_subtest("atomics-cpu-and-gpu") {
		uint64_t prog = prog_atomic_add();
		uint64_t *counter = aligned_alloc(64, 64);
		pthread_t t[2];
		ufence_t *uf;
		int i;

		igt_assert(counter);
		*counter = 0;
		uf = launch_async(fd, chan, prog, 64, 0, (uintptr_t)counter, 500);
		for (i = 0; i < 2; i++)
			igt_assert_eq(pthread_create(&t[i], NULL, cpu_adder,
						     counter), 0);
		for (i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		igt_assert_eq(launch_status(fd, uf), 0);
		igt_assert_eq_u64(*counter, 64 * 500 + 2 * 20000);
		free(counter);
	}

	igt_describe("mremap(): the GPU follows the data to its new address "
		     "and faults at the old one.");
	igt_subtest("mremap") {
		uint64_t prog = prog_copy(), out = 0;
		uint64_t *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

		igt_assert(p != MAP_FAILED);
		p[9] = 0x99;
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[9], (uintptr_t)&out), 0);
		igt_assert_eq_u64(out, 0x99);
		/* A free place to move to, then move there. */
		q = mmap(NULL, 16384, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
		igt_assert(q != MAP_FAILED);
		q = mremap(p, 8192, 16384, MREMAP_MAYMOVE | MREMAP_FIXED, q);
		igt_assert(q != MAP_FAILED);
		out = 0;
		igt_assert_eq(run(prog, 1, (uintptr_t)&q[9], (uintptr_t)&out), 0);
		igt_assert_eq_u64(out, 0x99);
		igt_assert_eq(run(prog, 1, (uintptr_t)&p[9], (uintptr_t)&out),
			      -EFAULT);
		igt_assert_eq_u64(chan_error().address, (uintptr_t)&p[9]);
		munmap(q, 16384);
	}

	igt_describe("A process cannot reach another's memory: memory only "
		     "the parent maps faults for the child's GPU context.");
	igt_subtest("process-isolation") {
		uint64_t prog = prog_copy();
		uint64_t *secret = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t pid;

		igt_assert(secret != MAP_FAILED);
		secret[0] = 0x5ec7e7;
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			uint64_t out = 0;
			uint32_t c;

			/* The child's address space no longer has the page;
			 * its own GPU context must not reach the parent's. */
			munmap(secret, 4096);
			fd = open_svm(&c);
			chan = c;
			_exit(run(prog, 1, (uintptr_t)secret, (uintptr_t)&out) ==
			      -EFAULT && out == 0 ? 0 : 1);
		}
		wait_child_ok(pid);
		igt_assert_eq_u64(secret[0], 0x5ec7e7);
		/* Nor can another process use this file's GPU context. */
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_vsvm_exec_grid grid = exec_grid(1);
			struct drm_vsvm_exec ex = {
				.channel = chan, .program = prog,
				.extensions = (uintptr_t)&grid,
			};

			_exit(drmIoctl(fd, DRM_IOCTL_VSVM_EXEC, &ex) == -1 &&
			      errno == EACCES ? 0 : 1);
		}
		wait_child_ok(pid);
		munmap(secret, 4096);
	}

	igt_describe("Every ioctl refuses bad input with the documented errno "
		     "and changes nothing.");
	igt_subtest("ioctl-bad-input") {
		struct drm_vsvm_svm_init init = { 0 };
		struct drm_vsvm_channel_create cc = { 0 };
		struct drm_vsvm_channel_destroy cd = { 0 };
		struct drm_vsvm_channel_error ce = { 0 };
		int f = open_vsvm();

		igt_assert(f >= 0);
		/* SVM_INIT: flags, pad, unaligned, overflowing, too high. */
		init.flags = 0x80;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), -1);
		igt_assert_eq(errno, EINVAL);
		init.flags = 0;
		init.extensions = (uintptr_t)&init;	/* none is defined */
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), -1);
		igt_assert_eq(errno, EINVAL);
		init.extensions = 0;
		init.vm_id = 1;	/* no such VM */
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), -1);
		igt_assert_eq(errno, ENOENT);
		init.vm_id = 0;
		init.unmanaged_addr = 0x1001;
		init.unmanaged_size = 0x1000;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), -1);
		igt_assert_eq(errno, EINVAL);
		init.unmanaged_addr = 0xfffffffffffff000ULL;
		init.unmanaged_size = 0x2000;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), -1);
		igt_assert_eq(errno, EINVAL);
		init.unmanaged_addr = 1ULL << 49;
		init.unmanaged_size = 0x1000;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), -1);
		igt_assert_eq(errno, EINVAL);
		init.unmanaged_addr = 0x100000;
		init.unmanaged_size = 0;	/* an address without a size */
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), -1);
		igt_assert_eq(errno, EINVAL);
		/* EXEC before SVM_INIT. */
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc), 0);
		{
			struct drm_vsvm_exec_grid grid = exec_grid(1);
			struct drm_vsvm_exec ex = {
				.channel = cc.handle, .program = 0x10000,
				.extensions = (uintptr_t)&grid,
			};

			igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_EXEC, &ex), -1);
			igt_assert_eq(errno, EINVAL);
		}
		memset(&init, 0, sizeof(init));
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), 0);
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), -1);
		igt_assert_eq(errno, EBUSY);
		/* CHANNEL_CREATE / DESTROY / ERROR. */
		cc.flags = 1;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc), -1);
		igt_assert_eq(errno, EINVAL);
		cc.flags = 0;
		cc.extensions = (uintptr_t)&cc;	/* none is defined */
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc), -1);
		igt_assert_eq(errno, EINVAL);
		cd.handle = 999;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd), -1);
		igt_assert_eq(errno, ENOENT);
		cd.handle = 1;
		cd.pad = 1;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd), -1);
		igt_assert_eq(errno, EINVAL);
		ce.channel = 999;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_ERROR, &ce), -1);
		igt_assert_eq(errno, ENOENT);
		ce.channel = 1;
		ce.flags = 0x10;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_ERROR, &ce), -1);
		igt_assert_eq(errno, EINVAL);
		ce.flags = 0;
		ce.address = 1;		/* an output field set on input */
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_ERROR, &ce), -1);
		igt_assert_eq(errno, EINVAL);
		close(f);
	}

	igt_describe("EXEC's extension chain: a user fence is written with "
		     "the launch's status and value; an unknown, repeated, "
		     "misaligned or out-of-range extension, a nonzero pad, a "
		     "chain that loops or cannot be read are -EINVAL or "
		     "-EFAULT, and nothing runs.");
	igt_subtest("exec-extensions") {
		uint64_t *out = calloc(1, 8);
		ufence_t *rec = calloc(2, sizeof(*rec));
		struct drm_vsvm_exec_grid grid = exec_grid(1);
		struct drm_vsvm_exec_user_fence uf = {
			.base.next_extension = (uintptr_t)&grid,
			.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
			.addr = (uintptr_t)rec, .value = 0xfe7ce,
		}, uf2;
		struct drm_vsvm_exec ok = {
			.channel = chan, .program = prog_store(),
			.num_args = 2, .args = { (uintptr_t)out, 11 },
			.extensions = (uintptr_t)&uf,
		}, ex;

		igt_assert(out && rec);
		uf2 = uf;
		ex = ok; uf.base.name = 99;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		uf.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE;
		ex = ok; uf.base.pad = 1;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		uf.base.pad = 0;
		ex = ok; uf.addr += 4;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		uf.addr = 0xffffffff81000000ULL;	/* a kernel address */
		igt_assert_eq(exec_errno(&ex), EINVAL);
		uf.addr = 0;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		uf.addr = (uintptr_t)rec;
		/* Two user fences, then a chain that loops. */
		uf.base.next_extension = (uintptr_t)&uf2;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		uf.base.next_extension = (uintptr_t)&uf;
		igt_assert_eq(exec_errno(&ex), EINVAL);
		uf.base.next_extension = (uintptr_t)&grid;
		ex = ok; ex.extensions = 8;		/* unreadable */
		igt_assert_eq(exec_errno(&ex), EFAULT);
		igt_assert_eq_u64(out[0], 0);
		igt_assert_eq_u64(rec[0].value, 0);

		ex = ok;
		igt_assert_eq(exec_errno(&ex), 0);
		igt_assert_eq(user_fence_wait_value(fd, &rec[0], 0xfe7ce, -1), 0);
		igt_assert_eq_u64(rec[0].value, 0xfe7ce);
		igt_assert_eq(rec[0].status, 0);
		igt_assert_eq_u64(out[0], 11);
		/* A failing launch's own status, in its own record. */
		uf.addr = (uintptr_t)&rec[1];
		uf.value = 2;
		ex = ok; ex.args[0] = 8;		/* no page there */
		igt_assert_eq(exec_errno(&ex), 0);
		igt_assert_eq(user_fence_wait_value(fd, &rec[1], 2, -1), 0);
		igt_assert_eq(rec[1].status, -EFAULT);
		igt_assert_eq_u64(rec[0].value, 0xfe7ce);
		channel_error(fd, chan);
		free(rec);
		free(out);
	}

	igt_describe("A user fence whose record the process unmapped before "
		     "the launch ended is not written: the write fails "
		     "quietly, fdinfo counts it, and the channel goes on.");
	igt_subtest("user-fence-record-unmapped") {
		uint64_t spin = prog_spin();
		uint64_t *out = calloc(64, 8);
		ufence_t *rec = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct drm_vsvm_exec_grid grid = exec_grid(1);
		struct drm_vsvm_exec_user_fence uf = {
			.base.next_extension = (uintptr_t)&grid,
			.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
			.addr = (uintptr_t)rec, .value = 1,
		};
		struct drm_vsvm_exec ex = {
			.channel = chan, .program = spin, .num_args = 2,
			.args = { 50000, (uintptr_t)out },
			.insn_budget = DRM_VSVM_EXEC_MAX_INSN_BUDGET,
			.extensions = (uintptr_t)&uf,
		};
		long long f0 = fdinfo("drm-vsvm-user-fence-faults"), f1;
		int i;

		igt_assert(out && rec != MAP_FAILED && f0 >= 0);
		out[0] = 0x55;
		/* About a second of GPU time: the record goes long before. */
		igt_assert_eq(exec_errno(&ex), 0);
		igt_assert_eq(munmap(rec, 4096), 0);
		for (i = 0; i < 20000; i++) {
			f1 = fdinfo("drm-vsvm-user-fence-faults");
			if (f1 != f0)
				break;
			usleep(1000);
		}
		igt_assert_eq(f1, f0 + 1);
		igt_assert_eq_u64(out[0], 0);	/* thread 0 ran to its end */
		igt_assert_eq(run(spin, 4, 10, (uintptr_t)out), 0);
		for (i = 0; i < 4; i++)
			igt_assert_eq_u64(out[i], i);
		free(out);
	}

	igt_describe("WAIT_USER_FENCE: each comparison, the mask, a timeout "
		     "that expires (-ETIME, after about the time asked), and "
		     "bad input.");
	igt_subtest("wait-user-fence") {
		uint64_t *word = calloc(1, 8);
		struct drm_vsvm_wait_user_fence w = {
			.value = 5, .mask = ~0ULL, .timeout_ns = 0,
		};
		static const struct { uint32_t op; uint64_t v; int ok; } c[] = {
			{ DRM_VSVM_UFENCE_OP_EQ, 5, 1 },
			{ DRM_VSVM_UFENCE_OP_EQ, 6, 0 },
			{ DRM_VSVM_UFENCE_OP_NEQ, 6, 1 },
			{ DRM_VSVM_UFENCE_OP_GT, 4, 1 },
			{ DRM_VSVM_UFENCE_OP_GT, 5, 0 },
			{ DRM_VSVM_UFENCE_OP_GTE, 5, 1 },
			{ DRM_VSVM_UFENCE_OP_LT, 5, 0 },
			{ DRM_VSVM_UFENCE_OP_LT, 6, 1 },
			{ DRM_VSVM_UFENCE_OP_LTE, 5, 1 },
			{ DRM_VSVM_UFENCE_OP_LTE, 4, 0 },
		};
		struct timespec t0, t1;
		unsigned int i;
		double dt;

		igt_assert(word);
		w.addr = (uintptr_t)word;
		*word = 5;
		for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			w.op = c[i].op;
			w.value = c[i].v;
			igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE,
					       &w) ? errno : 0,
				      c[i].ok ? 0 : ETIME);
		}
		/* Only the masked bits count. */
		*word = 0xab05;
		w.op = DRM_VSVM_UFENCE_OP_EQ;
		w.value = 0x5;
		w.mask = 0xff;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w),
			      0);
		w.mask = ~0ULL;
		w.timeout_ns = 200000000;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w),
			      -1);
		igt_assert_eq(errno, ETIME);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		dt = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
		igt_assert_f(dt >= 0.19 && dt < 5, "waited %.3f s\n", dt);
		w.timeout_ns = 0;
		w.addr += 4;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w),
			      -1);
		igt_assert_eq(errno, EINVAL);
		w.addr = 8;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w),
			      -1);
		igt_assert_eq(errno, EFAULT);
		w.addr = (uintptr_t)word;
		w.mask = 0;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w),
			      -1);
		igt_assert_eq(errno, EINVAL);
		w.mask = ~0ULL;
		w.op = 6;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w),
			      -1);
		igt_assert_eq(errno, EINVAL);
		w.op = 0;
		w.pad = 1;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w),
			      -1);
		igt_assert_eq(errno, EINVAL);
		w.pad = 0;
		w.extensions = (uintptr_t)&w;
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w),
			      -1);
		igt_assert_eq(errno, EINVAL);
		free(word);
	}

	igt_describe("Fence mode: GPU faults are not served, so a launch may "
		     "complete with a dma-fence; it reaches only memory bound "
		     "beforehand (-EFAULT elsewhere), and a CPU invalidation "
		     "makes a bound page fault again.");
	igt_subtest("fence-mode-bind-only") {
		struct drm_vsvm_svm_bind b = {
			.header = DRM_VSVM_BIND_OP_MAP | DRM_VSVM_BIND_WRITE,
		};
		uint64_t prog = prog_store();
		uint64_t *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t cancels;
		uint32_t c;
		int f = open_svm_mode(&c, 0);

		igt_assert(buf != MAP_FAILED);
		buf[0] = 1;
		buf[512] = 1;
		/* The program's image, read-only, and buf's first page. */
		igt_assert_eq(kernels_bind(f, 0), 0);
		b.va_start = (uintptr_t)buf;
		b.va_end = b.va_start + 4096;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_BIND, &b), 0);
		cancels = fdinfo_value(f, "drm-vsvm-cancels");
		igt_assert_eq(fence_mode_run(f, c, prog, (uintptr_t)&buf[3], 7),
			      0);
		igt_assert_eq_u64(buf[3], 7);
		/* The second page is present for the CPU, not bound. */
		igt_assert_eq(fence_mode_run(f, c, prog, (uintptr_t)&buf[515], 8),
			      -EFAULT);
		igt_assert_eq_u64(buf[515], 0);
		igt_assert(fdinfo_value(f, "drm-vsvm-cancels") > (long long)cancels);
		/* MADV_DONTNEED zaps the bound page: the GPU faults again. */
		igt_assert_eq(madvise(buf, 4096, MADV_DONTNEED), 0);
		igt_assert_eq(fence_mode_run(f, c, prog, (uintptr_t)&buf[3], 9),
			      -EFAULT);
		igt_assert_eq_u64(buf[3], 0);
		munmap(buf, 8192);
		close(f);
	}

	igt_describe("Several channels run at once, each on its own data.");
	igt_subtest("several-channels") {
		uint64_t spin = prog_spin();
		uint64_t *out[4];
		struct drm_vsvm_channel_create cc = { 0 };
		ufence_t *uf[4];
		uint32_t ch[4];
		int i, j;

		for (i = 0; i < 4; i++) {
			out[i] = calloc(64, 8);
			igt_assert(out[i]);
			cc.handle = 0;
			igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_CHANNEL_CREATE,
					       &cc), 0);
			ch[i] = cc.handle;
			uf[i] = launch_async(fd, ch[i], spin, 64, 0,
					     100 * (i + 1), (uintptr_t)out[i]);
		}
		for (i = 0; i < 4; i++)
			igt_assert_eq(launch_status(fd, uf[i]), 0);
		for (i = 0; i < 4; i++) {
			struct drm_vsvm_channel_destroy cd = { .handle = ch[i] };

			for (j = 0; j < 64; j++)
				igt_assert_eq_u64(out[i][j], j);
			igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_CHANNEL_DESTROY,
					       &cd), 0);
			free(out[i]);
		}
	}

	igt_describe("Several processes use the GPU at once, each on its own "
		     "memory.");
	igt_subtest("several-processes") {
		int status, i;
		pid_t pid[3];

		for (i = 0; i < 3; i++) {
			pid[i] = fork();
			igt_assert(pid[i] >= 0);
			if (pid[i] == 0) {
				uint64_t prog = prog_scale();
				uint64_t *src = malloc(4096 * 8), *dst = malloc(4096 * 8);
				unsigned int k;
				uint32_t c;

				fd = open_svm(&c);
				chan = c;
				for (k = 0; k < 4096; k++)
					src[k] = k + 1000 * i;
				if (run(prog, 4096, (uintptr_t)src, (uintptr_t)dst))
					_exit(1);
				for (k = 0; k < 4096; k++)
					if (dst[k] != (k + 1000 * i) * 3 + 7)
						_exit(2);
				_exit(0);
			}
		}
		for (i = 0; i < 3; i++) {
			igt_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
			igt_assert(WIFEXITED(status));
			igt_assert_eq(WEXITSTATUS(status), 0);
		}
	}

	igt_describe("A 1 GiB malloc(): the GPU writes a word in every 2 MiB "
		     "of it, the CPU checks them and the untouched memory.");
	igt_subtest("malloc-1g") {
		const size_t sz = 1UL << 30;
		char *buf = malloc(sz);
		uint64_t spin_prog;
		size_t off;

		long saved = debugfs_read(fd, "job_timeout_ms");

		igt_require(buf);
		/*
		 * 512 GPU faults, 32768 pages DMA-mapped through the emulated
		 * IOMMU under KASAN and DMA_API_DEBUG: longer than the 10 s
		 * job timeout under software emulation (README, "Emulation
		 * allowances"). The timeout is not what this test is about.
		 */
		debugfs_write(fd, "job_timeout_ms", 120000);
		/* One thread per 2 MiB: thread t stores t at buf + t * 2 MiB. */
		spin_prog = prog_stride(21);
		igt_assert_eq(run(spin_prog, sz >> 21, (uintptr_t)buf, 0), 0);
		debugfs_write(fd, "job_timeout_ms", saved);
		for (off = 0; off < sz; off += 2 << 20)
			igt_assert_eq_u64(*(uint64_t *)(buf + off), off >> 21);
		igt_assert_eq_u64(*(uint64_t *)(buf + 4096), 0);
		free(buf);
	}

	igt_describe("CPU threads map, protect and unmap other memory while "
		     "the GPU runs; the GPU's results stay exact.");
	igt_subtest("cpu-remaps-while-gpu-runs") {
		uint64_t spin = prog_spin();
		uint64_t *out = calloc(4096, 8);
		volatile int stop = 0;
		pthread_t t;
		int i;

		igt_assert(out);
		igt_assert_eq(pthread_create(&t, NULL, remapper, (void *)&stop), 0);
		for (i = 0; i < 4; i++) {
			memset(out, 0xff, 4096 * 8);
			igt_assert_eq(run(spin, 4096, 50, (uintptr_t)out), 0);
			for (int j = 0; j < 4096; j++)
				igt_assert_eq_u64(out[j], j);
		}
		stop = 1;
		pthread_join(t, NULL);
		free(out);
	}

	igt_describe("More simultaneous faults than the fault buffer holds: "
		     "with 8 execution units and a 4-packet buffer the "
		     "dropped faults come back after replay and every page is "
		     "written.");
	igt_subtest("fault-buffer-overflow") {
		const unsigned int n = 2048;
		uint64_t prog = prog_stride(12);
		uint64_t *out;
		long long overflows;
		uint32_t c;
		int f;

		igt_require(geteuid() == 0);
		/* Reload the GPU small: this file must not hold the driver. */
		close(fd);
		igt_assert_eq(system("rmmod vsvm vsvm_hw && "
				     "modprobe vsvm_hw num_eus=8 && "
				     "modprobe vsvm fault_buffer_entries=4"), 0);
		f = open_svm(&c);
		fd = f;
		chan = c;
		/* One fault per page: as many faults as threads. */
		debugfs_write(fd, "fault_ahead_kib", 4);
		/* Every thread faults on its own fresh page at once. */
		out = mmap(NULL, n * 4096UL, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(out != MAP_FAILED);
		igt_assert_eq(run(prog, n, (uintptr_t)out, 0), 0);
		for (unsigned int i = 0; i < n; i++)
			igt_assert_eq_u64(out[i * 512], i);
		overflows = debugfs_read(fd, "fault_overflows");
		igt_info("%lld overflows, %lld faults\n", overflows,
			 fdinfo("drm-vsvm-faults"));
		igt_assert(overflows > 0);
		munmap(out, n * 4096UL);
		close(fd);
		igt_assert_eq(system("rmmod vsvm vsvm_hw && modprobe vsvm"), 0);
		/* A fresh file and channel for the closing fixture. */
		fd = open_svm(&c);
		chan = c;
	}

	igt_describe("A fault whose fault-ahead block reaches past the end of "
		     "a file is served all the same (the CPU would serve it): "
		     "only the page past EOF faults.");
	igt_subtest("fault-ahead-past-eof") {
		uint64_t prog = prog_copy();
		uint64_t *out = calloc(2, 8), *m;
		char path[] = "/tmp/vsvm-eof-XXXXXX";
		struct drm_vsvm_channel_error e;
		uint64_t v = 0x0e0f;
		int f = mkstemp(path);

		igt_assert(f >= 0 && out);
		unlink(path);
		igt_assert_eq(pwrite(f, &v, 8, 0), 8);
		igt_assert_eq(ftruncate(f, 4096), 0);
		/* 256 KiB of mapping, aligned as the fault-ahead block; one
		 * page of file. */
		m = mmap(NULL, 512 << 10, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
		igt_assert(m != MAP_FAILED);
		munmap(m, 512 << 10);
		m = (uint64_t *)(((uintptr_t)m + (256 << 10) - 1) &
				 ~((256UL << 10) - 1));
		igt_assert(mmap(m, 256 << 10, PROT_READ, MAP_SHARED | MAP_FIXED,
				f, 0) == m);
		igt_assert_eq(run(prog, 1, (uintptr_t)m, (uintptr_t)out), 0);
		igt_assert_eq_u64(out[0], 0x0e0f);
		/* Past EOF: the CPU would get SIGBUS, the GPU a fault. */
		igt_assert_eq(run(prog, 1, (uintptr_t)m + 8192,
				  (uintptr_t)&out[1]), -EFAULT);
		igt_assert_eq_u64(out[1], 0);
		e = chan_error();
		igt_assert_eq(e.code, DRM_VSVM_CHANNEL_ERR_MMU_FAULT);
		igt_assert_eq_u64(e.address, (uintptr_t)m + 8192);
		munmap(m, 256 << 10);
		close(f);
		free(out);
	}

	igt_describe("CPU address-space changes away from what the GPU maps "
		     "never enter the driver: 200 mmap/munmap cycles elsewhere "
		     "leave drm-vsvm-notifier-calls unchanged, while a munmap "
		     "of GPU-mapped memory enters it and the GPU then faults.");
	igt_subtest("unrelated-munmap-skips-driver") {
		uint64_t prog = prog_store(), copy = prog_copy(), out = 0;
		const size_t win = 2 << 20;
		long long calls;
		uint8_t *gpu, *far = NULL;
		int i;

		/* A 2 MiB window of its own for the GPU. */
		gpu = mmap(NULL, 2 * win, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			   MAP_ANONYMOUS, -1, 0);
		igt_assert(gpu != MAP_FAILED);
		gpu = (uint8_t *)(((uintptr_t)gpu + win - 1) & ~(win - 1));
		igt_assert_eq(run(prog, 1, (uintptr_t)gpu, 7), 0);
		/* A place 1 GiB away for the unrelated mappings. */
		for (i = 1; i < 64 && !far; i++) {
			uint8_t *want = gpu + ((size_t)i << 30);
			uint8_t *p = mmap(want, 4096, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS |
					  MAP_FIXED_NOREPLACE, -1, 0);

			if (p == want)
				far = p;
			else if (p != MAP_FAILED)
				munmap(p, 4096);
		}
		igt_assert(far);
		munmap(far, 4096);
		calls = fdinfo("drm-vsvm-notifier-calls");
		for (i = 0; i < 200; i++) {
			uint8_t *p = mmap(far, 4096, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS |
					  MAP_FIXED_NOREPLACE, -1, 0);

			igt_assert(p == far);
			p[0] = i;
			igt_assert_eq(munmap(p, 4096), 0);
		}
		igt_assert_eq(fdinfo("drm-vsvm-notifier-calls"), calls);
		/* The GPU's window: the driver is told, the GPU faults. */
		igt_assert_eq(munmap(gpu, 4096), 0);
		igt_assert(fdinfo("drm-vsvm-notifier-calls") > calls);
		igt_assert_eq(run(copy, 1, (uintptr_t)gpu, (uintptr_t)&out),
			      -EFAULT);
		igt_assert_eq_u64(out, 0);
		chan_error();
	}

	igt_describe("The kernels of the selftest image, compiled from C, "
		     "each on a grid of its own: the geometry of every "
		     "thread of 3-D grids, double and float results bit for "
		     "bit against the CPU, 64- and 32-bit atomics from many "
		     "work-groups, a reduction in local memory per group "
		     "(and its EBREAK when local memory is short), a block "
		     "of twelve arguments and the eight raw ones, recursion "
		     "and relocated pointer tables; nothing written past "
		     "what each kernel documents.");
	igt_subtest("compiled-kernels") {
		struct drm_vsvm_exec_grid ids[] = {
			{ .local_size = { 4, 2, 2 }, .num_groups = { 2, 3, 2 },
			  .local_mem_size = 1024, .stack_size = 2048 },
			{ .local_size = { 16, 4, 1 },
			  .num_groups = { 1, 1, 3 } },
			{ .local_size = { 1, 1, 1 }, .num_groups = { 3, 2, 2 },
			  .local_mem_size = 16,
			  .stack_size = DRM_VSVM_GRID_MAX_STACK },
		};
		struct vsvm_program *st;
		char err[256];
		unsigned int i;

		st = VSVM_GPU_IMAGE_LOAD(selftest, err, sizeof(err));
		igt_assert_f(st, "GPU image selftest: %s\n", err);
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			selftest_check_ids(st, &ids[i]);
		selftest_check_fp(st);
		selftest_check_atomic(st);
		selftest_check_reduce(st);
		selftest_check_args(st);
		selftest_check_calls(st);
		vsvm_program_free(st);
	}

	igt_describe("The driver cannot be unloaded while a file is open.");
	igt_subtest("unload-refused-while-open") {
		igt_require(geteuid() == 0);
		igt_assert_eq(syscall(SYS_delete_module, "vsvm", O_NONBLOCK), -1);
		igt_assert_eq(errno, EWOULDBLOCK);
	}

	igt_fixture {
		struct drm_vsvm_channel_destroy cd = { .handle = chan };

		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd),
			      0);
		close(fd);
	}
}
