// SPDX-License-Identifier: GPL-2.0
/*
 * demo: the kernels of vsvm-demo (tools/vsvm/demo/vsvm_demo.c), on plain
 * process memory the CPU allocated. Argument blocks and what each kernel
 * does: vsvm_demo_kernels.h.
 */
#include "vsvm_device.h"
#include "vsvm_demo_kernels.h"

VSVM_KERNEL(demo_vector_add, struct demo_vector_add_args *a)
{
	uint64_t i = vsvm_global_id(0);

	if (i < a->n)
		a->c[i] = a->a[i] + a->b[i];
}

VSVM_KERNEL(demo_list_walk, struct demo_list_args *a)
{
	const struct demo_node *p;
	uint64_t sum = 0;

	if (vsvm_global_linear_id())
		return;
	for (p = a->head; p; p = p->next)
		sum += p->value;
	*a->sum = sum;
}

VSVM_KERNEL(demo_count, struct demo_count_args *a)
{
	uint64_t *counter = a->counter, i, per = a->per;

	for (i = 0; i < per; i++)
		vsvm_atomic_add_u64(counter, 1);
}

VSVM_KERNEL(demo_histogram, struct demo_histogram_args *a)
{
	uint64_t i = vsvm_global_id(0);

	if (i < a->n)
		vsvm_atomic_add_u64(&a->bins[a->data[i]], 1);
}

VSVM_KERNEL(demo_sum_words, struct demo_sum_args *a)
{
	uint64_t i = vsvm_global_id(0);

	if (i < a->n)
		vsvm_atomic_add_u64(a->sum, a->words[i]);
}

VSVM_KERNEL(demo_sort_tiles, struct demo_sort_args *a)
{
	float *tile = vsvm_local_mem();
	size_t l = vsvm_local_id(0), nt = vsvm_local_size(0);
	size_t first = vsvm_group_id(0) * DEMO_SORT_TILE;
	size_t i, j, k, lo, hi;
	float x, y;
	bool up;

	if (nt != DEMO_SORT_GROUP || vsvm_local_size(1) != 1 ||
	    vsvm_local_size(2) != 1 ||
	    vsvm_local_mem_size() < DEMO_SORT_LOCAL_MEM ||
	    first + DEMO_SORT_TILE > a->n)
		vsvm_trap();

	for (i = l; i < DEMO_SORT_TILE; i += nt)
		tile[i] = a->src[first + i];
	vsvm_barrier();
	/*
	 * Bitonic network: stage (k, j) compares element lo with lo + j,
	 * ascending where bit k of lo is clear; compare-exchange i (of
	 * TILE / 2) is lo = i with a 0 bit inserted at bit log2(j).
	 */
	for (k = 2; k <= DEMO_SORT_TILE; k <<= 1) {
		for (j = k >> 1; j; j >>= 1) {
			for (i = l; i < DEMO_SORT_TILE / 2; i += nt) {
				lo = ((i & ~(j - 1)) << 1) | (i & (j - 1));
				hi = lo | j;
				up = !(lo & k);
				x = tile[lo];
				y = tile[hi];
				if (demo_float_before(y, x) == up) {
					tile[lo] = y;
					tile[hi] = x;
				}
			}
			vsvm_barrier();
		}
	}
	for (i = l; i < DEMO_SORT_TILE; i += nt)
		a->dst[first + i] = tile[i];
}

VSVM_KERNEL(demo_merge, struct demo_sort_args *a)
{
	uint64_t w = a->width, k0 = vsvm_global_id(0) * DEMO_MERGE_CHUNK;
	uint64_t base, k, i, j, lo, hi, mid, c;
	const float *ra, *rb;
	float *out;

	if (k0 >= a->n)
		return;
	/* The pair of runs this chunk's outputs come from. */
	base = k0 & ~(2 * w - 1);
	ra = a->src + base;
	rb = ra + w;
	k = k0 - base;
	/*
	 * The merge's first k outputs are i elements of ra and k - i of rb:
	 * ra[mid] is one of them iff it does not go after rb[k - mid - 1]
	 * (ties go to ra), which holds for every mid below i.
	 */
	lo = k > w ? k - w : 0;
	hi = k < w ? k : w;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (!demo_float_before(rb[k - mid - 1], ra[mid]))
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	j = k - lo;
	out = a->dst + k0;
	for (c = 0; c < DEMO_MERGE_CHUNK; c++) {
		if (j >= w || (i < w && !demo_float_before(rb[j], ra[i])))
			out[c] = ra[i++];
		else
			out[c] = rb[j++];
	}
}
