// SPDX-License-Identifier: GPL-2.0
/*
 * The GPU programs of the IGT tests, RISC-V kernels built by the Makefile
 * into build/gpu/igt_kernels.elf and embedded in every IGT binary, where
 * vsvm_igt.h loads them (igt_kernel()).
 *
 * The tests launch them as N threads in a 1-D grid of N work-groups of
 * one thread (launch_async() in vsvm_igt.h), thread t being the one of
 * global id t, and up to two plain 64-bit arguments, read from the
 * launch's argument CSRs (vsvm_arg(0), vsvm_arg(1)), not through an
 * argument block.
 */
#include "vsvm_device.h"

/* This thread's index in the launch (a 1-D grid). */
static inline uint64_t tid(void)
{
	return vsvm_global_id(0);
}

/* Argument n as a pointer to 64-bit words. */
static inline uint64_t *arg_ptr(unsigned int n)
{
	return (uint64_t *)(uintptr_t)vsvm_arg(n);
}

/* Stores arg1 at the address in arg0. */
VSVM_KERNEL_NOARGS(igt_store)
{
	*arg_ptr(0) = vsvm_arg(1);
}

/* Loads from arg0 and stores the value at arg1. */
VSVM_KERNEL_NOARGS(igt_copy)
{
	*arg_ptr(1) = *arg_ptr(0);
}

/* Adds 1 to the word at arg0 (not atomically). */
VSVM_KERNEL_NOARGS(igt_inc)
{
	*arg_ptr(0) += 1;
}

/*
 * Each thread counts to arg0 in a loop, two instructions a round (the
 * empty asm keeps the loop), then stores tid at arg1[tid].
 */
VSVM_KERNEL_NOARGS(igt_spin)
{
	uint64_t i, n = vsvm_arg(0), t = tid();

	for (i = 0; i < n; i++)
		__asm__ __volatile__("" : "+r"(i));
	arg_ptr(1)[t] = t;
}

/* Spins for ever (until the budget, the job timeout or a kill ends it). */
VSVM_KERNEL_NOARGS(igt_forever)
{
	for (;;)
		__asm__ __volatile__("");
}

/* Thread t stores t at arg0 + (t << 12): one word a page. */
VSVM_KERNEL_NOARGS(igt_stride_4k)
{
	uint64_t t = tid();

	*(uint64_t *)(uintptr_t)(vsvm_arg(0) + (t << 12)) = t;
}

/* Thread t stores t at arg0 + (t << 21): one word a 2 MiB window. */
VSVM_KERNEL_NOARGS(igt_stride_2m)
{
	uint64_t t = tid();

	*(uint64_t *)(uintptr_t)(vsvm_arg(0) + (t << 21)) = t;
}

/* Thread t stores arg1 at arg0 + (t << 21). */
VSVM_KERNEL_NOARGS(igt_store_per_window)
{
	*(uint64_t *)(uintptr_t)(vsvm_arg(0) + (tid() << 21)) = vsvm_arg(1);
}

/* dst[t] = src[t] * 3 + 7 (args: src, dst). */
VSVM_KERNEL_NOARGS(igt_scale)
{
	uint64_t t = tid();

	arg_ptr(1)[t] = arg_ptr(0)[t] * 3 + 7;
}

/* At word o = t * 512 (one word a page): dst[o] = src[o] * 3 + 7. */
VSVM_KERNEL_NOARGS(igt_scale_pages)
{
	uint64_t o = tid() * 512;

	arg_ptr(1)[o] = arg_ptr(0)[o] * 3 + 7;
}

/* Each thread adds 1 to the 64-bit counter at arg0, arg1 times (AMOs). */
VSVM_KERNEL_NOARGS(igt_atomic_add)
{
	uint64_t i, n = vsvm_arg(1), *counter = arg_ptr(0);

	for (i = 0; i < n; i++)
		vsvm_atomic_add_u64(counter, 1);
}

/*
 * An illegal instruction first: UNIMP (0xc0001073, CSRRW x0, cycle, x0),
 * a write to a read-only CSR, the encoding RISC-V reserves for it and the
 * only illegal one scripts/check-gpu-image.py lets through.
 */
VSVM_KERNEL_NOARGS(igt_illegal)
{
	__asm__ __volatile__("unimp" : : : "memory");
}
