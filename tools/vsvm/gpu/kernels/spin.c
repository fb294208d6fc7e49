// SPDX-License-Identifier: GPL-2.0
/*
 * spin: each thread counts to count, then out[global_id] = global_id.
 * spin_forever: loops until the launch is stopped.
 */
#include "vsvm_device.h"
#include "vsvm_kernels.h"

VSVM_KERNEL(spin, struct spin_args *a)
{
	uint64_t i, id = vsvm_global_id(0);

	/* The empty asm keeps the loop: one add and one branch a round. */
	for (i = 0; i < a->count; i++)
		__asm__ __volatile__("" : "+r"(i));
	a->out[id] = id;
}

VSVM_KERNEL_NOARGS(spin_forever)
{
	for (;;)
		__asm__ __volatile__("");
}
