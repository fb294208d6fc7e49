// SPDX-License-Identifier: GPL-2.0
/*
 * Kernels that stop their launch, one per kind of GPU error (see
 * vsvm_kernels.h, struct fault_args).
 */
#include "vsvm_device.h"
#include "vsvm_kernels.h"

VSVM_KERNEL_NOARGS(fault_ebreak)
{
	vsvm_trap();
}

VSVM_KERNEL_NOARGS(fault_illegal)
{
	/* unimp: CSRRW x0, cycle, x0, a write to a read-only CSR. */
	__asm__ __volatile__("unimp" : : : "memory");
}

VSVM_KERNEL(fault_misaligned, struct fault_args *a)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(a->addr | 1);

	a->val = *p;
}

VSVM_KERNEL(fault_store, struct fault_args *a)
{
	*(volatile uint64_t *)(uintptr_t)a->addr = a->val;
}

VSVM_KERNEL_NOARGS(fault_local)
{
	volatile uint8_t *p = vsvm_local_mem();

	p[vsvm_local_mem_size()] = 1;
}
