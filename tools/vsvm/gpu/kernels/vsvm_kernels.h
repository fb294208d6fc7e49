/* SPDX-License-Identifier: MIT */
/*
 * Argument blocks of the GPU programs in tools/vsvm/gpu/kernels/, shared by
 * the GPU side (clang, riscv64 lp64d) and the host side (gcc, x86-64):
 * both are LP64 with natural alignment, so a structure of fixed-size
 * integers, doubles and pointers has one layout on both, which the
 * assertions at the end check on each compiler.
 *
 * Each kernel is launched with the block's process address as argument 0.
 * Images (build/gpu/NAME.elf, embedded as vsvm_gpu_NAME_elf[]):
 *   store:    store
 *   copy:     copy
 *   spin:     spin, spin_forever
 *   faults:   fault_ebreak, fault_illegal, fault_misaligned, fault_store,
 *	       fault_local
 *   selftest: selftest_ids, selftest_fp, selftest_atomic, selftest_reduce,
 *	       selftest_args, selftest_calls
 */
#ifndef VSVM_KERNELS_H
#define VSVM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* store: dst[global_id(0)] = val + global_id(0), every thread. */
struct store_args {
	uint64_t *dst;
	uint64_t val;
};

/* copy: dst[i] = src[i] for i < n, a grid-stride loop over dimension 0. */
struct copy_args {
	uint64_t *dst;
	const uint64_t *src;
	uint64_t n;
};

/*
 * spin: each thread counts to @count, then out[global_id(0)] =
 * global_id(0). spin_forever: loops until the launch is stopped (budget,
 * job timeout, file closed); takes no block.
 */
struct spin_args {
	uint64_t count;
	uint64_t *out;
};

/*
 * faults (each stops the launch): fault_ebreak executes EBREAK
 * (BREAKPOINT); fault_illegal the encoding 0xc0001073, a write to the
 * read-only CSR cycle (ILLEGAL); fault_misaligned loads 8 bytes at
 * @addr | 1 (MISALIGNED); fault_store stores @val at @addr (an MMU fault
 * when unmapped or read-only); fault_local stores one byte past the
 * launch's local memory (MMU_FAULT, non-replayable).
 */
struct fault_args {
	uint64_t addr;
	uint64_t val;
};

/*
 * selftest_ids: thread t (its global linear id) writes SELFTEST_IDS_WORDS
 * words at out + t * SELFTEST_IDS_WORDS: local_id[3], group_id[3],
 * local_size[3], num_groups[3], global_id[3], local linear id, group
 * linear id, global linear id, local_mem_size, stack_size, and the slot
 * of its stack: (address of a local variable - VSVM_PRIVATE_BASE) /
 * stack_size, which should be its local linear id.
 */
#define SELFTEST_IDS_WORDS	21
struct selftest_ids_args {
	uint64_t *out;
};

/*
 * selftest_fp: for i = global_id(0) < n, out[i * SELFTEST_FP_RESULTS + k]
 * gets the bits of result k of x = a[i], y = b[i] (doubles unless
 * marked):
 *   0 x + y, 1 x - y, 2 x * y, 3 x / y, 4 sqrt(|x|), 5 fma(x, y, 1.0),
 *   6 (double)(int64_t)x, 7 (double)(uint32_t)|x|, 8 fmin(x, y),
 *   9 fmax(x, y), 10 (float)x + (float)y, 11 (float)x * (float)y,
 *   12 sqrtf(|(float)x|), 13 fmaf((float)x, (float)y, 1.0f),
 *   14 (double)((float)x / (float)y), 15 x * 3.0 + y (two roundings),
 *   16 the accrued fflags after 1.0 / 3.0 (NX: 1), 17 the accrued fflags
 *   after also 1.0 / 0.0 (NX | DZ: 9), 18 (int64_t)(x * 1000.0)
 * (float results as their 32-bit pattern). The host computes the same in
 * C and compares bit for bit: keep inputs finite, y nonzero and |x| below
 * 1e9, so that nothing gives a NaN or overflows a conversion.
 */
#define SELFTEST_FP_RESULTS	19
struct selftest_fp_args {
	const double *a;
	const double *b;
	uint64_t *out;
	uint64_t n;
};

/*
 * selftest_atomic: every thread, g = global linear id, T threads:
 *   counter += 1 (u64), sum += g (u64), big += 1 << 32 (u64),
 *   max = max(max, g) (u64), min = min(min, g) (u64; start it at ~0),
 *   smin = min(smin, -g) (s64), bits |= 1 << (g % 64), parity ^= g,
 *   counter32 += 1 (u32), cas_counter += 1 by a compare-and-swap loop,
 *   last = xchg(last, g + 1), fsum += 1.0 (double, CAS loop),
 *   and tickets[g] = the value counter had before its add (a permutation
 *   of 0..T-1, so tickets must hold T words).
 */
struct selftest_atomic_args {
	uint64_t counter;
	uint64_t sum;
	uint64_t big;
	uint64_t max;
	uint64_t min;
	int64_t smin;
	uint64_t bits;
	uint64_t parity;
	uint64_t cas_counter;
	uint64_t last;
	double fsum;
	uint32_t counter32;
	uint32_t pad;
	uint64_t *tickets;
};

/*
 * selftest_reduce: a work-group reduction in local memory. Needs a 1-D
 * work-group of a power-of-two size L and local_mem_size >= 8 * L (else
 * the kernel stops the launch with EBREAK). Each group sums src[i] (0
 * past n) over its threads' global ids i into sums[group_id(0)], and adds
 * it to *total atomically; thread 0 of each group also stores
 * 1 + the number of barriers it passed in rounds[group_id(0)]
 * (log2(L) + 2).
 */
struct selftest_reduce_args {
	const uint64_t *src;
	uint64_t n;
	uint64_t *sums;
	uint64_t *total;
	uint64_t *rounds;
};

/*
 * selftest_args: more arguments than the launch has registers, through
 * the block, and the seven raw launch arguments after it. Thread 0 only
 * writes out[0..SELFTEST_ARGS_WORDS-1]:
 *   0 u8, 1 u16, 2 u32, 3 u64, 4 (int64_t)s8, 5 (int64_t)s16,
 *   6 (int64_t)s32, 7 s64, 8 bits of (double)f32, 9 bits of f64,
 *   10 the sum of words[0..3], 11 strlen(name),
 *   12..18 vsvm_arg(1)..vsvm_arg(7),
 *   19 the address of the block as the kernel saw it (argument 0).
 */
#define SELFTEST_ARGS_WORDS	20
struct selftest_many_args {
	uint8_t u8;
	int8_t s8;
	uint16_t u16;
	int16_t s16;
	uint32_t u32;
	int32_t s32;
	uint64_t u64;
	int64_t s64;
	float f32;
	double f64;
	uint64_t words[4];
	const char *name;
	uint64_t *out;
};

/*
 * selftest_calls: code and data of the image itself. Thread 0 writes
 *   out[0] fib(n) computed recursively (the stack; n <= 20),
 *   out[1] the sum of ops[k](7, 3) over the image's function-pointer
 *	table (add, sub, mul, max: 10 + 4 + 21 + 7 = 42),
 *   out[2] the length of the string the image's pointer table points to,
 *   out[3] the checksum of a 1 KiB array on the stack, filled with
 *	memset() and copied with memcpy() (1024 * 0x5a = 92160),
 *   out[4] the image's .bss counter after every thread added 1 to it:
 *	read by the last thread to arrive (the others leave out[4] alone),
 *	so it is the number of threads of the launch times the number of
 *	launches of the image so far.
 * The image also exports selftest_reloc_table[SELFTEST_RELOC_ENTRIES]
 * for the loader's tests: the addresses of selftest_calls,
 * selftest_reloc_table itself, selftest_reloc_string and selftest_ids.
 */
#define SELFTEST_CALLS_WORDS	5
#define SELFTEST_RELOC_ENTRIES	4
struct selftest_calls_args {
	uint64_t n;
	uint64_t threads;	/* threads of the launch */
	uint64_t *out;
	uint64_t *arrived;	/* zero before the launch */
};

#define VSVM_KERNELS_CHECK(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field)

_Static_assert(sizeof(void *) == 8, "GPU argument blocks are LP64");
VSVM_KERNELS_CHECK(struct selftest_atomic_args, fsum, 80);
VSVM_KERNELS_CHECK(struct selftest_atomic_args, counter32, 88);
VSVM_KERNELS_CHECK(struct selftest_atomic_args, tickets, 96);
VSVM_KERNELS_CHECK(struct selftest_many_args, s16, 4);
VSVM_KERNELS_CHECK(struct selftest_many_args, u32, 8);
VSVM_KERNELS_CHECK(struct selftest_many_args, u64, 16);
VSVM_KERNELS_CHECK(struct selftest_many_args, f32, 32);
VSVM_KERNELS_CHECK(struct selftest_many_args, f64, 40);
VSVM_KERNELS_CHECK(struct selftest_many_args, words, 48);
VSVM_KERNELS_CHECK(struct selftest_many_args, out, 88);
_Static_assert(sizeof(struct selftest_many_args) == 96,
	       "struct selftest_many_args");

#undef VSVM_KERNELS_CHECK

#endif /* VSVM_KERNELS_H */
