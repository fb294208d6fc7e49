/* SPDX-License-Identifier: MIT */
/*
 * vsvm_device.h: the runtime of C programs that run on the vsvm GPU's
 * RISC-V execution units (RV64IMAFD, no C extension; the reference is the
 * kernel's drivers/gpu/drm/vsvm/hw/vsvm_isa_rv64.h, whose numbers are
 * restated here so that GPU programs need nothing but this header).
 *
 * Build with clang, freestanding (the Makefile's GPU_CFLAGS):
 *   clang --target=riscv64-unknown-elf -march=rv64imafd -mabi=lp64d
 *	-mcmodel=medany -mno-relax -fPIE -O2 -ffreestanding -nostdlib
 *	-nostdlibinc -fno-math-errno -ffp-contract=off
 * <stdint.h>, <stddef.h>, <stdbool.h> and <float.h> are clang's own.
 * Every image is linked with tools/vsvm/gpu/lib/vsvm_device_rt.c, which
 * provides memcpy(), memmove(), memset() and memcmp().
 *
 * A kernel is an entry point defined with VSVM_KERNEL():
 *
 *	struct scale_args { uint64_t *dst; const uint64_t *src; uint64_t n; };
 *
 *	VSVM_KERNEL(scale, struct scale_args *a)
 *	{
 *		uint64_t i = vsvm_global_id(0);
 *
 *		if (i < a->n)
 *			a->dst[i] = a->src[i] * 3;
 *	}
 *
 * The host looks "scale" up in the loaded image (vsvm_program_symbol())
 * and launches it with the argument block's address as argument 0.
 *
 * Things to know:
 *  - Every thread starts with all registers zero but sp: there is no
 *    global pointer and no thread pointer, so no thread-local storage
 *    (_Thread_local); ra is 0, so a kernel never returns: VSVM_KERNEL()
 *    ends the thread with ECALL (vsvm_exit()) after the body.
 *  - The stack is the thread's private window, stack_size bytes of the
 *    launch (4 KiB by default): large local arrays need a larger one.
 *  - Data accesses must be naturally aligned (a misaligned one stops the
 *    launch); clang does not make any on its own for this target.
 *  - Global and static variables of the image live in process memory and
 *    are shared by every thread of every launch of the image.
 *  - Floating point is IEEE 754, bit-exact with the host's as long as no
 *    NaN is produced (RISC-V gives the canonical NaN, x86 another one) and
 *    no conversion to an integer overflows (RISC-V saturates); build with
 *    -ffp-contract=off so that a * b + c stays two roundings, as on x86-64.
 *  - long double is 128-bit software floating point on RISC-V: not
 *    available (no libgcc), nor is 128-bit integer division.
 */
#ifndef VSVM_DEVICE_H
#define VSVM_DEVICE_H

#if !defined(__riscv) || __riscv_xlen != 64 || !defined(__clang__)
#error "vsvm_device.h is for GPU programs: clang --target=riscv64-unknown-elf"
#endif
#if defined(__riscv_compressed)
#error "the vsvm GPU has no C extension: build with -march=rv64imafd"
#endif
#if !defined(__riscv_float_abi_double)
#error "vsvm GPU programs use the lp64d ABI: build with -mabi=lp64d"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits (DRM_VSVM_GRID_* of the uAPI). */
#define VSVM_MAX_GROUP_THREADS		256
#define VSVM_MAX_LOCAL_MEM		(64 * 1024)
#define VSVM_MAX_STACK			(64 * 1024)
#define VSVM_MAX_PRIVATE_MEM		(1024 * 1024)
#define VSVM_DEFAULT_STACK		(4 * 1024)
#define VSVM_QUANTUM			64
/*
 * A thread fetches instructions in aligned blocks of this many bytes: a
 * store to code is seen by its own fetch only after FENCE.I.
 */
#define VSVM_FETCH_LINE			64

/* Address windows (the CSRs below give the same values). */
#define VSVM_LOCAL_BASE			0x1000000000000ULL
#define VSVM_PRIVATE_BASE		0x1800000000000ULL
#define VSVM_WINDOW_SPAN		0x0800000000000ULL

/* CSR numbers. */
#define VSVM_CSR_FFLAGS			0x001
#define VSVM_CSR_FRM			0x002
#define VSVM_CSR_FCSR			0x003
#define VSVM_CSR_CYCLE			0xc00
#define VSVM_CSR_TIME			0xc01
#define VSVM_CSR_INSTRET		0xc02
#define VSVM_CSR_LOCAL_ID(d)		(0xcc0 + (d))	/* d = 0, 1, 2 */
#define VSVM_CSR_GROUP_ID(d)		(0xcc3 + (d))
#define VSVM_CSR_LOCAL_SIZE(d)		(0xcc6 + (d))
#define VSVM_CSR_NUM_GROUPS(d)		(0xcc9 + (d))
#define VSVM_CSR_LOCAL_MEM_BASE		0xccc
#define VSVM_CSR_LOCAL_MEM_SIZE		0xccd
#define VSVM_CSR_EU_ID			0xcce
#define VSVM_CSR_STACK_SIZE		0xccf
#define VSVM_CSR_ARG(n)			(0xcd0 + (n))	/* n = 0..7 */
#define VSVM_CSR_BARRIER		0x8c0

/* fflags bits. */
#define VSVM_FLAG_NX			(1u << 0)	/* inexact */
#define VSVM_FLAG_UF			(1u << 1)	/* underflow */
#define VSVM_FLAG_OF			(1u << 2)	/* overflow */
#define VSVM_FLAG_DZ			(1u << 3)	/* divide by zero */
#define VSVM_FLAG_NV			(1u << 4)	/* invalid */

/* Rounding modes (frm). */
#define VSVM_RM_RNE			0	/* nearest, ties to even */
#define VSVM_RM_RTZ			1	/* towards zero */
#define VSVM_RM_RDN			2	/* down */
#define VSVM_RM_RUP			3	/* up */
#define VSVM_RM_RMM			4	/* nearest, ties away */
#define VSVM_RM_DYN			7	/* rm field only: use frm */

#define __vsvm_inline	static inline __attribute__((always_inline))

/*
 * Read a CSR whose number is a constant. The launch CSRs do not change
 * during a thread, so their reads are plain (the compiler may merge
 * them); the counters are read with __vsvm_csr_read_volatile().
 */
#define __vsvm_csr_read(csr) ({						\
	unsigned long __v;						\
	__asm__("csrr %0, %1" : "=r"(__v) : "i"(csr));			\
	__v;								\
})
#define __vsvm_csr_read_volatile(csr) ({				\
	unsigned long __v;						\
	__asm__ __volatile__("csrr %0, %1" : "=r"(__v) : "i"(csr));	\
	__v;								\
})

/* Launch geometry. Dimensions past 2 read as id 0, size 1 (as OpenCL). */

/* This thread's index in its work-group, in dimension d. */
__vsvm_inline size_t vsvm_local_id(unsigned int d)
{
	switch (d) {
	case 0: return __vsvm_csr_read(VSVM_CSR_LOCAL_ID(0));
	case 1: return __vsvm_csr_read(VSVM_CSR_LOCAL_ID(1));
	case 2: return __vsvm_csr_read(VSVM_CSR_LOCAL_ID(2));
	default: return 0;
	}
}

/* The work-group's index in the grid, in dimension d. */
__vsvm_inline size_t vsvm_group_id(unsigned int d)
{
	switch (d) {
	case 0: return __vsvm_csr_read(VSVM_CSR_GROUP_ID(0));
	case 1: return __vsvm_csr_read(VSVM_CSR_GROUP_ID(1));
	case 2: return __vsvm_csr_read(VSVM_CSR_GROUP_ID(2));
	default: return 0;
	}
}

/* Threads of a work-group in dimension d. */
__vsvm_inline size_t vsvm_local_size(unsigned int d)
{
	switch (d) {
	case 0: return __vsvm_csr_read(VSVM_CSR_LOCAL_SIZE(0));
	case 1: return __vsvm_csr_read(VSVM_CSR_LOCAL_SIZE(1));
	case 2: return __vsvm_csr_read(VSVM_CSR_LOCAL_SIZE(2));
	default: return 1;
	}
}

/* Work-groups of the grid in dimension d. */
__vsvm_inline size_t vsvm_num_groups(unsigned int d)
{
	switch (d) {
	case 0: return __vsvm_csr_read(VSVM_CSR_NUM_GROUPS(0));
	case 1: return __vsvm_csr_read(VSVM_CSR_NUM_GROUPS(1));
	case 2: return __vsvm_csr_read(VSVM_CSR_NUM_GROUPS(2));
	default: return 1;
	}
}

/* This thread's index in the whole grid, in dimension d. */
__vsvm_inline size_t vsvm_global_id(unsigned int d)
{
	return vsvm_group_id(d) * vsvm_local_size(d) + vsvm_local_id(d);
}

/* Threads of the whole grid in dimension d. */
__vsvm_inline size_t vsvm_global_size(unsigned int d)
{
	return vsvm_num_groups(d) * vsvm_local_size(d);
}

/*
 * This thread's linear index in its work-group, dimension 0 fastest: the
 * index that places its private stack.
 */
__vsvm_inline size_t vsvm_local_linear_id(void)
{
	return vsvm_local_id(0) + vsvm_local_size(0) *
	       (vsvm_local_id(1) + vsvm_local_size(1) * vsvm_local_id(2));
}

/* Threads of one work-group. */
__vsvm_inline size_t vsvm_local_linear_size(void)
{
	return vsvm_local_size(0) * vsvm_local_size(1) * vsvm_local_size(2);
}

/* The work-group's linear index in the grid, dimension 0 fastest. */
__vsvm_inline size_t vsvm_group_linear_id(void)
{
	return vsvm_group_id(0) + vsvm_num_groups(0) *
	       (vsvm_group_id(1) + vsvm_num_groups(1) * vsvm_group_id(2));
}

/* This thread's linear index in the grid, dimension 0 fastest. */
__vsvm_inline size_t vsvm_global_linear_id(void)
{
	return vsvm_global_id(0) + vsvm_global_size(0) *
	       (vsvm_global_id(1) + vsvm_global_size(1) * vsvm_global_id(2));
}

/* The execution unit running this thread. */
__vsvm_inline unsigned int vsvm_eu_id(void)
{
	return __vsvm_csr_read(VSVM_CSR_EU_ID);
}

/* Launch arguments. */

/* Argument n (0..7) of the launch; 0 for any other n. */
__vsvm_inline uint64_t vsvm_arg(unsigned int n)
{
	switch (n) {
	case 0: return __vsvm_csr_read(VSVM_CSR_ARG(0));
	case 1: return __vsvm_csr_read(VSVM_CSR_ARG(1));
	case 2: return __vsvm_csr_read(VSVM_CSR_ARG(2));
	case 3: return __vsvm_csr_read(VSVM_CSR_ARG(3));
	case 4: return __vsvm_csr_read(VSVM_CSR_ARG(4));
	case 5: return __vsvm_csr_read(VSVM_CSR_ARG(5));
	case 6: return __vsvm_csr_read(VSVM_CSR_ARG(6));
	case 7: return __vsvm_csr_read(VSVM_CSR_ARG(7));
	default: return 0;
	}
}

/* The argument block: argument 0, by convention a process pointer. */
__vsvm_inline void *vsvm_args(void)
{
	return (void *)__vsvm_csr_read(VSVM_CSR_ARG(0));
}

/* Memory windows. */

/* The work-group's local memory (vsvm_local_mem_size() bytes). */
__vsvm_inline void *vsvm_local_mem(void)
{
	return (void *)__vsvm_csr_read(VSVM_CSR_LOCAL_MEM_BASE);
}

__vsvm_inline size_t vsvm_local_mem_size(void)
{
	return __vsvm_csr_read(VSVM_CSR_LOCAL_MEM_SIZE);
}

/* Bytes of this thread's private stack. */
__vsvm_inline size_t vsvm_stack_size(void)
{
	return __vsvm_csr_read(VSVM_CSR_STACK_SIZE);
}

/* Control. */

/*
 * Work-group barrier: waits for every thread of the group that has not
 * ended, and orders the group's local and global memory accesses. Every
 * thread of the group must reach the same barriers.
 */
__vsvm_inline void vsvm_barrier(void)
{
	__asm__ __volatile__("csrw %0, zero" : : "i"(VSVM_CSR_BARRIER) : "memory");
}

/* A full memory fence (FENCE rw, rw). */
__vsvm_inline void vsvm_fence(void)
{
	__asm__ __volatile__("fence rw, rw" : : : "memory");
}

/* End this thread (ECALL). */
__vsvm_inline __attribute__((noreturn)) void vsvm_exit(void)
{
	__asm__ __volatile__("ecall" : : : "memory");
	__builtin_unreachable();
}

/* Stop the whole launch with a breakpoint error (EBREAK). */
__vsvm_inline __attribute__((noreturn)) void vsvm_trap(void)
{
	__asm__ __volatile__("ebreak" : : : "memory");
	__builtin_unreachable();
}

/* Counters. */

/* GPU time in nanoseconds. */
__vsvm_inline uint64_t vsvm_clock(void)
{
	return __vsvm_csr_read_volatile(VSVM_CSR_TIME);
}

__vsvm_inline uint64_t vsvm_cycles(void)
{
	return __vsvm_csr_read_volatile(VSVM_CSR_CYCLE);
}

/* Instructions this thread retired. */
__vsvm_inline uint64_t vsvm_instret(void)
{
	return __vsvm_csr_read_volatile(VSVM_CSR_INSTRET);
}

/* Floating point. */

/*
 * The accrued exception flags (VSVM_FLAG_*). The compiler does not order
 * floating-point arithmetic against this read: store a result to memory
 * first (the read is ordered after memory accesses) to be sure it counts.
 */
__vsvm_inline unsigned int vsvm_fflags(void)
{
	unsigned long v;

	__asm__ __volatile__("frflags %0" : "=r"(v) : : "memory");
	return v;
}

/* Read and clear the accrued exception flags. */
__vsvm_inline unsigned int vsvm_fflags_clear(void)
{
	unsigned long v;

	__asm__ __volatile__("fsflags %0, zero" : "=r"(v) : : "memory");
	return v;
}

__vsvm_inline double vsvm_sqrt(double x)
{
	double r;

	__asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(x));
	return r;
}

__vsvm_inline float vsvm_sqrtf(float x)
{
	float r;

	__asm__("fsqrt.s %0, %1" : "=f"(r) : "f"(x));
	return r;
}

/* x * y + z with one rounding. */
__vsvm_inline double vsvm_fma(double x, double y, double z)
{
	double r;

	__asm__("fmadd.d %0, %1, %2, %3" : "=f"(r) : "f"(x), "f"(y), "f"(z));
	return r;
}

__vsvm_inline float vsvm_fmaf(float x, float y, float z)
{
	float r;

	__asm__("fmadd.s %0, %1, %2, %3" : "=f"(r) : "f"(x), "f"(y), "f"(z));
	return r;
}

__vsvm_inline double vsvm_fabs(double x) { return __builtin_fabs(x); }
__vsvm_inline float vsvm_fabsf(float x) { return __builtin_fabsf(x); }
__vsvm_inline double vsvm_fmin(double x, double y) { return __builtin_fmin(x, y); }
__vsvm_inline double vsvm_fmax(double x, double y) { return __builtin_fmax(x, y); }
__vsvm_inline float vsvm_fminf(float x, float y) { return __builtin_fminf(x, y); }
__vsvm_inline float vsvm_fmaxf(float x, float y) { return __builtin_fmaxf(x, y); }

/*
 * Atomics on global or local memory, sequentially consistent (AMOs with
 * aq and rl; compare-and-swap is an LR/SC loop). Each returns the value
 * the memory held before, cas the value it found (the swap happened if
 * that equals @expected).
 */
#define __VSVM_ATOMICS(sfx, type)					\
__vsvm_inline type vsvm_atomic_add_##sfx(type *p, type v)		\
{ return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }			\
__vsvm_inline type vsvm_atomic_sub_##sfx(type *p, type v)		\
{ return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST); }			\
__vsvm_inline type vsvm_atomic_and_##sfx(type *p, type v)		\
{ return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); }			\
__vsvm_inline type vsvm_atomic_or_##sfx(type *p, type v)		\
{ return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }			\
__vsvm_inline type vsvm_atomic_xor_##sfx(type *p, type v)		\
{ return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); }			\
__vsvm_inline type vsvm_atomic_min_##sfx(type *p, type v)		\
{ return __atomic_fetch_min(p, v, __ATOMIC_SEQ_CST); }			\
__vsvm_inline type vsvm_atomic_max_##sfx(type *p, type v)		\
{ return __atomic_fetch_max(p, v, __ATOMIC_SEQ_CST); }			\
__vsvm_inline type vsvm_atomic_xchg_##sfx(type *p, type v)		\
{ return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }		\
__vsvm_inline type vsvm_atomic_cas_##sfx(type *p, type expected,	\
					  type desired)			\
{									\
	__atomic_compare_exchange_n(p, &expected, desired, false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	return expected;						\
}									\
__vsvm_inline type vsvm_atomic_load_##sfx(const type *p)		\
{ return __atomic_load_n(p, __ATOMIC_SEQ_CST); }			\
__vsvm_inline void vsvm_atomic_store_##sfx(type *p, type v)		\
{ __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }

__VSVM_ATOMICS(u32, uint32_t)
__VSVM_ATOMICS(u64, uint64_t)
__VSVM_ATOMICS(s32, int32_t)
__VSVM_ATOMICS(s64, int64_t)

#undef __VSVM_ATOMICS

/* Atomic floating-point add (a compare-and-swap loop): the old value. */
__vsvm_inline float vsvm_atomic_add_f32(float *p, float v)
{
	uint32_t *w = (uint32_t *)p, old = __atomic_load_n(w, __ATOMIC_RELAXED);
	union { float f; uint32_t u; } o, n;

	do {
		o.u = old;
		n.f = o.f + v;
	} while (!__atomic_compare_exchange_n(w, &old, n.u, true,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return o.f;
}

__vsvm_inline double vsvm_atomic_add_f64(double *p, double v)
{
	uint64_t *w = (uint64_t *)p, old = __atomic_load_n(w, __ATOMIC_RELAXED);
	union { double f; uint64_t u; } o, n;

	do {
		o.u = old;
		n.f = o.f + v;
	} while (!__atomic_compare_exchange_n(w, &old, n.u, true,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return o.f;
}

/*
 * VSVM_KERNEL(name, param): define kernel entry point @name, whose body
 * follows the macro and receives the argument block (argument 0) as
 * @param, a pointer declaration ("struct foo_args *a", "void *p"). The
 * entry symbol is an exported function that calls the body, then ends the
 * thread; the body may return, or call vsvm_exit() anywhere.
 * VSVM_KERNEL_NOARGS(name) is a kernel that takes no argument block (it
 * may still read vsvm_arg()).
 */
#define VSVM_KERNEL_ATTRS						\
	__attribute__((used, noreturn, aligned(4),			\
		       visibility("default")))

/*
 * The body is always inlined: clang treats a noreturn function as cold and
 * would otherwise call the body, costing every thread a call and a spill.
 */
#define VSVM_KERNEL(name, param)					\
	static inline __attribute__((always_inline)) void		\
	__vsvm_kernel_body_##name(param);				\
	VSVM_KERNEL_ATTRS void name(void);				\
	VSVM_KERNEL_ATTRS void name(void)				\
	{								\
		__vsvm_kernel_body_##name(vsvm_args());			\
		vsvm_exit();						\
	}								\
	static inline __attribute__((always_inline)) void		\
	__vsvm_kernel_body_##name(param)

#define VSVM_KERNEL_NOARGS(name)					\
	VSVM_KERNEL(name, void *__vsvm_unused __attribute__((unused)))

/* Declare a kernel defined further on, e.g. to take its address. */
#define VSVM_KERNEL_DECLARE(name)	VSVM_KERNEL_ATTRS void name(void)

/* Declared for the compiler's sake; vsvm_device_rt.c defines them. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif /* VSVM_DEVICE_H */
