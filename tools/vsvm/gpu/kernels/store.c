// SPDX-License-Identifier: GPL-2.0
/* store: every thread writes dst[global_id] = val + global_id. */
#include "vsvm_device.h"
#include "vsvm_kernels.h"

VSVM_KERNEL(store, struct store_args *a)
{
	uint64_t i = vsvm_global_id(0);

	a->dst[i] = a->val + i;
}
