// SPDX-License-Identifier: GPL-2.0
/*
 * selftest: kernels that exercise the RISC-V profile and the toolchain:
 * launch geometry, floating point, atomics, a work-group reduction in
 * local memory, argument blocks, and the image's own code and data
 * (recursion, function pointers and pointer tables that the loader
 * relocates). What each writes is in vsvm_kernels.h.
 */
#include "vsvm_device.h"
#include "vsvm_kernels.h"

VSVM_KERNEL(selftest_ids, struct selftest_ids_args *a)
{
	volatile uint64_t probe = 0;
	uint64_t *o = a->out + vsvm_global_linear_id() * SELFTEST_IDS_WORDS;
	unsigned int d;

	for (d = 0; d < 3; d++) {
		o[d] = vsvm_local_id(d);
		o[3 + d] = vsvm_group_id(d);
		o[6 + d] = vsvm_local_size(d);
		o[9 + d] = vsvm_num_groups(d);
		o[12 + d] = vsvm_global_id(d);
	}
	o[15] = vsvm_local_linear_id();
	o[16] = vsvm_group_linear_id();
	o[17] = vsvm_global_linear_id();
	o[18] = vsvm_local_mem_size();
	o[19] = vsvm_stack_size();
	o[20] = ((uintptr_t)&probe - VSVM_PRIVATE_BASE) / vsvm_stack_size();
}

union fp_bits {
	double d;
	float f;
	uint64_t u;
	uint32_t w;
};

static uint64_t dbits(double d)
{
	union fp_bits b = { .d = d };

	return b.u;
}

static uint64_t fbits(float f)
{
	union fp_bits b = { .u = 0 };

	b.f = f;
	return b.w;
}

VSVM_KERNEL(selftest_fp, struct selftest_fp_args *a)
{
	uint64_t i = vsvm_global_id(0), *o;
	volatile double one = 1.0, three = 3.0, zero = 0.0;
	volatile double sink __attribute__((unused));
	double x, y;
	float fx, fy;

	if (i >= a->n)
		return;
	o = a->out + i * SELFTEST_FP_RESULTS;
	x = a->a[i];
	y = a->b[i];
	fx = (float)x;
	fy = (float)y;
	o[0] = dbits(x + y);
	o[1] = dbits(x - y);
	o[2] = dbits(x * y);
	o[3] = dbits(x / y);
	o[4] = dbits(vsvm_sqrt(vsvm_fabs(x)));
	o[5] = dbits(vsvm_fma(x, y, 1.0));
	o[6] = dbits((double)(int64_t)x);
	o[7] = dbits((double)(uint32_t)vsvm_fabs(x));
	o[8] = dbits(vsvm_fmin(x, y));
	o[9] = dbits(vsvm_fmax(x, y));
	o[10] = fbits(fx + fy);
	o[11] = fbits(fx * fy);
	o[12] = fbits(vsvm_sqrtf(vsvm_fabsf(fx)));
	o[13] = fbits(vsvm_fmaf(fx, fy, 1.0f));
	o[14] = dbits((double)(fx / fy));
	o[15] = dbits(x * 3.0 + y);
	/* The volatile stores order the divisions before the flag reads. */
	vsvm_fflags_clear();
	sink = one / three;
	o[16] = vsvm_fflags();
	sink = one / zero;
	o[17] = vsvm_fflags();
	o[18] = (uint64_t)(int64_t)(x * 1000.0);
}

VSVM_KERNEL(selftest_atomic, struct selftest_atomic_args *a)
{
	uint64_t g = vsvm_global_linear_id(), old;

	a->tickets[g] = vsvm_atomic_add_u64(&a->counter, 1);
	vsvm_atomic_add_u64(&a->sum, g);
	vsvm_atomic_add_u64(&a->big, 1ULL << 32);
	vsvm_atomic_max_u64(&a->max, g);
	vsvm_atomic_min_u64(&a->min, g);
	vsvm_atomic_min_s64(&a->smin, -(int64_t)g);
	vsvm_atomic_or_u64(&a->bits, 1ULL << (g % 64));
	vsvm_atomic_xor_u64(&a->parity, g);
	vsvm_atomic_add_u32(&a->counter32, 1);
	old = vsvm_atomic_load_u64(&a->cas_counter);
	for (;;) {
		uint64_t seen = vsvm_atomic_cas_u64(&a->cas_counter, old,
						    old + 1);

		if (seen == old)
			break;
		old = seen;
	}
	vsvm_atomic_xchg_u64(&a->last, g + 1);
	vsvm_atomic_add_f64(&a->fsum, 1.0);
}

VSVM_KERNEL(selftest_reduce, struct selftest_reduce_args *a)
{
	uint64_t *sh = vsvm_local_mem();
	size_t l = vsvm_local_id(0), size = vsvm_local_size(0);
	uint64_t i = vsvm_global_id(0), rounds = 1;
	size_t s;

	if ((size & (size - 1)) || vsvm_local_mem_size() < size * 8 ||
	    vsvm_local_size(1) != 1 || vsvm_local_size(2) != 1)
		vsvm_trap();
	sh[l] = i < a->n ? a->src[i] : 0;
	vsvm_barrier();
	rounds++;
	for (s = size / 2; s; s /= 2) {
		if (l < s)
			sh[l] += sh[l + s];
		vsvm_barrier();
		rounds++;
	}
	if (l)
		return;
	a->sums[vsvm_group_id(0)] = sh[0];
	a->rounds[vsvm_group_id(0)] = rounds;
	vsvm_atomic_add_u64(a->total, sh[0]);
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

VSVM_KERNEL(selftest_args, struct selftest_many_args *a)
{
	uint64_t *o = a->out;
	unsigned int k;

	if (vsvm_global_linear_id())
		return;
	o[0] = a->u8;
	o[1] = a->u16;
	o[2] = a->u32;
	o[3] = a->u64;
	o[4] = (uint64_t)(int64_t)a->s8;
	o[5] = (uint64_t)(int64_t)a->s16;
	o[6] = (uint64_t)(int64_t)a->s32;
	o[7] = (uint64_t)a->s64;
	o[8] = dbits((double)a->f32);
	o[9] = dbits(a->f64);
	o[10] = a->words[0] + a->words[1] + a->words[2] + a->words[3];
	o[11] = str_len(a->name);
	for (k = 1; k < 8; k++)
		o[11 + k] = vsvm_arg(k);
	o[19] = (uintptr_t)a;
}

/* Code and data of the image, reached through relocated pointers. */

static uint64_t op_add(uint64_t x, uint64_t y) { return x + y; }
static uint64_t op_sub(uint64_t x, uint64_t y) { return x - y; }
static uint64_t op_mul(uint64_t x, uint64_t y) { return x * y; }
static uint64_t op_max(uint64_t x, uint64_t y) { return x > y ? x : y; }

typedef uint64_t (*op_fn)(uint64_t, uint64_t);

static const op_fn selftest_ops[] = {
	op_add, op_sub, op_mul, op_max,
};

const char selftest_reloc_string[] = "vsvm relocated string";

VSVM_KERNEL_DECLARE(selftest_calls);
VSVM_KERNEL_DECLARE(selftest_ids);

/* In .data: the loader's tests check that it points into the image. */
const void *selftest_reloc_table[SELFTEST_RELOC_ENTRIES] = {
	(const void *)selftest_calls,
	selftest_reloc_table,
	selftest_reloc_string,
	(const void *)selftest_ids,
};

static uint64_t selftest_bss_counter;

static __attribute__((noinline)) uint64_t fib(uint64_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static __attribute__((noinline)) uint64_t stack_sum(void)
{
	unsigned char buf[1024], copy[1024];
	uint64_t sum = 0;
	size_t k;

	memset(buf, 0x5a, sizeof(buf));
	memcpy(copy, buf, sizeof(copy));
	/* Keep the compiler from computing the sum from the memset. */
	__asm__ __volatile__("" : : "r"(copy) : "memory");
	for (k = 0; k < sizeof(copy); k++)
		sum += copy[k];
	return sum;
}

VSVM_KERNEL(selftest_calls, struct selftest_calls_args *a)
{
	const op_fn *ops = selftest_ops;
	uint64_t sum = 0;
	size_t k;

	vsvm_atomic_add_u64(&selftest_bss_counter, 1);
	if (!vsvm_global_linear_id()) {
		a->out[0] = fib(a->n > 20 ? 20 : a->n);
		/* Hide the table's contents: call through what memory holds. */
		__asm__("" : "+r"(ops));
		for (k = 0; k < sizeof(selftest_ops) / sizeof(selftest_ops[0]); k++)
			sum += ops[k](7, 3);
		a->out[1] = sum;
		a->out[2] = str_len(selftest_reloc_table[2]);
		a->out[3] = stack_sum();
	}
	if (vsvm_atomic_add_u64(a->arrived, 1) == a->threads - 1)
		a->out[4] = vsvm_atomic_load_u64(&selftest_bss_counter);
}
