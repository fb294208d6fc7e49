// SPDX-License-Identifier: GPL-2.0
/*
 * bench: the kernels of the benchmarks in tools/vsvm/bench/ (what each
 * does: vsvm_bench_kernels.h).
 */
#include "vsvm_device.h"
#include "vsvm_bench_kernels.h"

/*
 * Launch argument 0 is the buffer itself: no load before the store. The
 * entry point is written out rather than made by VSVM_KERNEL(), whose
 * noreturn wrapper clang treats as cold and so calls the body rather than
 * inlining it: here a thread is ten instructions, no call, no stack.
 */
VSVM_KERNEL_ATTRS void first_touch(void);
VSVM_KERNEL_ATTRS void first_touch(void)
{
	uint64_t g = vsvm_global_id(0);

	*(uint64_t *)(uintptr_t)(vsvm_arg(0) +
				 (g << FIRST_TOUCH_PAGE_SHIFT)) = g;
	vsvm_exit();
}

VSVM_KERNEL(isa_checksum, struct isa_checksum_args *a)
{
	struct isa_checksum_out *o = &a->out[vsvm_global_linear_id()];
	const uint64_t *data = a->data, *end = data + a->n, *p;
	uint64_t passes = a->passes, sum = 0, x, t0, t1, i0, i1;

	t0 = vsvm_clock();
	i0 = vsvm_instret();
	/*
	 * The loop in assembly, its instructions those isa_speed.c counts
	 * (ISA_CHECKSUM_INSNS_PER_*): the compiler would schedule it its
	 * own way.
	 */
	__asm__ __volatile__(
		"1:	mv	%[p], %[data]\n"
		"2:	ld	%[x], 0(%[p])\n"
		"	add	%[sum], %[sum], %[x]\n"
		"	slli	%[x], %[sum], %[shift]\n"
		"	xor	%[sum], %[sum], %[x]\n"
		"	addi	%[p], %[p], 8\n"
		"	bltu	%[p], %[end], 2b\n"
		"	addi	%[passes], %[passes], -1\n"
		"	bnez	%[passes], 1b\n"
		: [sum] "+r"(sum), [passes] "+r"(passes), [p] "=&r"(p),
		  [x] "=&r"(x)
		: [data] "r"(data), [end] "r"(end),
		  [shift] "i"(ISA_CHECKSUM_SHIFT)
		: "memory");
	i1 = vsvm_instret();
	t1 = vsvm_clock();
	o->sum = sum;
	o->insns = i1 - i0;
	o->t0 = t0;
	o->t1 = t1;
	o->eu = vsvm_eu_id();
	o->pad = 0;
}
