/* SPDX-License-Identifier: MIT */
/*
 * Argument blocks of the vsvm-demo kernels (tools/vsvm/gpu/kernels/demo.c,
 * image "demo", embedded in tools/vsvm/demo/vsvm_demo.c as
 * vsvm_gpu_demo_elf[]), shared by the GPU side (clang, riscv64 lp64d) and
 * the host side (gcc, x86-64): both LP64, so these structures of 64-bit
 * fields have one layout (the assertions at the end check it on each
 * compiler). Each kernel takes its block's address as launch argument 0.
 *
 * Kernels, all 1-D (global id = group_id(0) * local_size(0) + local_id(0)):
 *   demo_vector_add  c[i] = a[i] + b[i], one thread per element
 *   demo_list_walk   one thread sums a linked list built by the CPU
 *   demo_count       every thread adds 1 to a counter, @per times
 *   demo_histogram   bins[data[i]] += 1, one thread per byte
 *   demo_sum_words   *sum += words[i], one thread per 32-bit word
 *   demo_sort_tiles  bitonic sort of DEMO_SORT_TILE floats per work-group,
 *		      in local memory
 *   demo_merge       one merge-path pass: sorted runs of @width floats
 *		      merged pairwise into runs of 2 * @width
 */
#ifndef VSVM_DEMO_KERNELS_H
#define VSVM_DEMO_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* demo_vector_add: c[i] = a[i] + b[i] for i = global id < n. */
struct demo_vector_add_args {
	const uint64_t *a;
	const uint64_t *b;
	uint64_t *c;
	uint64_t n;
};

/* A list node as the CPU allocates it (malloc(), anywhere in the heap). */
struct demo_node {
	struct demo_node *next;
	uint64_t value;
};

/*
 * demo_list_walk: thread 0 sums the values of the list from @head (NULL
 * ends it) into *sum; the other threads, if any, do nothing.
 */
struct demo_list_args {
	const struct demo_node *head;
	uint64_t *sum;
};

/* demo_count: every thread adds 1 to *counter @per times (64-bit AMOs). */
struct demo_count_args {
	uint64_t *counter;
	uint64_t per;
};

/* demo_histogram: bins[data[i]] += 1 (64-bit AMO) for i = global id < n. */
struct demo_histogram_args {
	const uint8_t *data;
	uint64_t n;
	uint64_t *bins;		/* 256 */
};

/* demo_sum_words: *sum += words[i] (64-bit AMO) for i = global id < n. */
struct demo_sum_args {
	const uint32_t *words;
	uint64_t n;
	uint64_t *sum;
};

/*
 * The float sort. The order is demo_float_before(): the IEEE order, with
 * -0.0 before +0.0 so that it is total on the bit patterns of non-NaN
 * floats; a sorted array is then unique, and the host can compare the
 * GPU's result with qsort()'s word by word. No NaN in the input.
 *
 * demo_sort_tiles: work-group g sorts src[g * TILE, (g + 1) * TILE) into
 * the same range of dst: it loads the tile into local memory, sorts it
 * with a bitonic network (a barrier after each of its log2(TILE) *
 * (log2(TILE) + 1) / 2 stages), and stores it. Launch n / TILE groups of
 * DEMO_SORT_GROUP threads (1-D) with at least DEMO_SORT_LOCAL_MEM bytes of
 * local memory; anything else stops the launch with EBREAK.
 *
 * demo_merge: src holds sorted runs of @width floats (a power of two,
 * n a multiple of 2 * @width); dst receives runs of 2 * @width, each the
 * merge of a pair (stable: the first run's element first on a tie).
 * Thread t writes dst[t * DEMO_MERGE_CHUNK, (t + 1) * DEMO_MERGE_CHUNK):
 * a binary search on its diagonal of the merge path finds where its
 * chunk starts in both runs, then it merges sequentially. Launch at
 * least n / DEMO_MERGE_CHUNK threads; those past the end do nothing.
 */
#define DEMO_SORT_TILE		1024
#define DEMO_SORT_GROUP		256
#define DEMO_SORT_LOCAL_MEM	(DEMO_SORT_TILE * sizeof(float))
#define DEMO_MERGE_CHUNK	16

struct demo_sort_args {
	const float *src;
	float *dst;
	uint64_t n;
	uint64_t width;		/* demo_merge only */
};

/* Does @a sort before @b? (-0.0 before +0.0; neither may be a NaN.) */
static inline int demo_float_before(float a, float b)
{
	union { float f; int32_t i; } x = { .f = a }, y = { .f = b };

	return a < b || (a == b && x.i < y.i);
}

#define DEMO_KERNELS_CHECK(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field)

_Static_assert(sizeof(void *) == 8, "GPU argument blocks are LP64");
DEMO_KERNELS_CHECK(struct demo_vector_add_args, n, 24);
DEMO_KERNELS_CHECK(struct demo_node, value, 8);
DEMO_KERNELS_CHECK(struct demo_list_args, sum, 8);
DEMO_KERNELS_CHECK(struct demo_count_args, per, 8);
DEMO_KERNELS_CHECK(struct demo_histogram_args, bins, 16);
DEMO_KERNELS_CHECK(struct demo_sum_args, sum, 16);
DEMO_KERNELS_CHECK(struct demo_sort_args, width, 24);
_Static_assert(DEMO_SORT_LOCAL_MEM <= 64 * 1024, "tile fits in local memory");
_Static_assert(!(DEMO_SORT_TILE & (DEMO_SORT_TILE - 1)) &&
	       DEMO_SORT_TILE / 2 % DEMO_SORT_GROUP == 0,
	       "a power-of-two tile, whole compare-exchanges per thread");
_Static_assert(DEMO_SORT_TILE % DEMO_MERGE_CHUNK == 0,
	       "a merge chunk never straddles two runs");

#undef DEMO_KERNELS_CHECK

#endif /* VSVM_DEMO_KERNELS_H */
