// SPDX-License-Identifier: GPL-2.0
/* copy: dst[i] = src[i] for i < n, a grid-stride loop over dimension 0. */
#include "vsvm_device.h"
#include "vsvm_kernels.h"

VSVM_KERNEL(copy, struct copy_args *a)
{
	uint64_t i, n = a->n, stride = vsvm_global_size(0);

	for (i = vsvm_global_id(0); i < n; i += stride)
		a->dst[i] = a->src[i];
}
