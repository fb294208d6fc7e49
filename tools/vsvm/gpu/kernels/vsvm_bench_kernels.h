/* SPDX-License-Identifier: MIT */
/*
 * The benchmark kernels (tools/vsvm/gpu/kernels/bench.c, image "bench",
 * embedded as vsvm_gpu_bench_elf[] in the programs of tools/vsvm/bench/),
 * and what they share with the host (gcc, x86-64): LP64 on both sides,
 * one layout (checked at the end).
 *
 * first_touch (gpu-first-touch): thread g (global id in dimension 0)
 * stores g into the first 8 bytes of page g of the buffer whose address
 * is launch argument 0 (no argument block: the store is the thread's only
 * data access). Pages are 1 << FIRST_TOUCH_PAGE_SHIFT bytes.
 *
 * isa_checksum (isa-speed, tools/vsvm/bench/isa_speed.c): a loop written
 * in assembly, so that its instruction mix and count are known. Each
 * thread reads the GPU clock and instret, then makes @passes passes over
 * @data[0..@n) (n > 0, passes > 0), each word x as
 *	sum += x; sum ^= sum << 5;
 * (ld, add, slli, xor, addi, bltu: ISA_CHECKSUM_INSNS_PER_WORD
 * instructions; ISA_CHECKSUM_INSNS_PER_PASS more per pass: mv, addi,
 * bnez), reads instret and the clock again, and writes its
 * struct isa_checksum_out at out[global linear id]. sum starts at 0 and
 * runs on over the passes.
 */
#ifndef VSVM_BENCH_KERNELS_H
#define VSVM_BENCH_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#define FIRST_TOUCH_PAGE_SHIFT		12

#define ISA_CHECKSUM_SHIFT		5
#define ISA_CHECKSUM_INSNS_PER_WORD	6
#define ISA_CHECKSUM_INSNS_PER_PASS	3

/**
 * struct isa_checksum_out - what one thread of isa_checksum writes
 * @sum: the checksum
 * @insns: instructions retired between its two clock reads (instret
 *	after minus instret before: the loop, plus the few instructions
 *	around it)
 * @t0: GPU time (ns) before the loop
 * @t1: GPU time (ns) after it
 * @eu: the execution unit that ran the thread
 * @pad: 0
 */
struct isa_checksum_out {
	uint64_t sum;
	uint64_t insns;
	uint64_t t0;
	uint64_t t1;
	uint64_t eu;
	uint64_t pad;
};

struct isa_checksum_args {
	const uint64_t *data;
	uint64_t n;
	uint64_t passes;
	struct isa_checksum_out *out;
};

#define BENCH_KERNELS_CHECK(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field)

_Static_assert(sizeof(void *) == 8, "GPU argument blocks are LP64");
/* One layout for the kernel (clang) and isa_speed.c (gcc). */
BENCH_KERNELS_CHECK(struct isa_checksum_out, sum, 0);
BENCH_KERNELS_CHECK(struct isa_checksum_out, t0, 16);
BENCH_KERNELS_CHECK(struct isa_checksum_out, t1, 24);
BENCH_KERNELS_CHECK(struct isa_checksum_out, eu, 32);
_Static_assert(sizeof(struct isa_checksum_out) == 48,
	       "struct isa_checksum_out");
BENCH_KERNELS_CHECK(struct isa_checksum_args, out, 24);

#undef BENCH_KERNELS_CHECK

#endif /* VSVM_BENCH_KERNELS_H */
