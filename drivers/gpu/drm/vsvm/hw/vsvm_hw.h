/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vsvm virtual GPU as the driver sees it: an opaque device with a
 * 32-bit register window (vsvm_regs.h), memory it reads by address, and an
 * interrupt callback.  Nothing else of the model is visible to the driver.
 */
#ifndef _VSVM_HW_H_
#define _VSVM_HW_H_

#include <linux/types.h>

struct device;
struct vsvm_hw;

/**
 * typedef vsvm_hw_irq_fn - interrupt callback
 * @hw: the device raising the interrupt
 * @data: the pointer given to vsvm_hw_create()
 *
 * Called in hard interrupt context, as a device's interrupt handler is
 * (it must not sleep), never concurrently with itself and never from
 * inside vsvm_hw_rd32()/vsvm_hw_wr32().  Read VSVM_PMC_INTR to see what is
 * pending.
 */
typedef void (*vsvm_hw_irq_fn)(struct vsvm_hw *hw, void *data);

/**
 * struct vsvm_hw_config - creation parameters
 * @vram_size: VRAM size in bytes (multiple of 2 MiB); 0 = module parameter
 *	vram_size_mb (default 256 MiB)
 * @num_eus: number of execution units (1..32); 0 = module parameter
 *	num_eus (default 2)
 * @name: name used for the device's threads and workqueues (may be NULL)
 * @dma_dev: the bus device whose DMA the GPU's system-memory accesses are:
 *	every system address the GPU is given (PDB, page tables, rings,
 *	fault buffer, SVM pages) is a DMA address of @dma_dev, translated
 *	through its IOMMU domain when it has a translating one. NULL: system
 *	addresses are physical addresses (the model's KUnit tests).
 */
struct vsvm_hw_config {
	u64 vram_size;
	unsigned int num_eus;
	const char *name;
	struct device *dma_dev;
};

struct vsvm_hw *vsvm_hw_create(const struct vsvm_hw_config *config,
			       vsvm_hw_irq_fn irq, void *irq_data);
void vsvm_hw_destroy(struct vsvm_hw *hw);
u32 vsvm_hw_rd32(struct vsvm_hw *hw, u32 reg);
void vsvm_hw_wr32(struct vsvm_hw *hw, u32 reg, u32 val);

#endif /* _VSVM_HW_H_ */
