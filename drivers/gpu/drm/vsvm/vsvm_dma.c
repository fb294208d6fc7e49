// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory the driver owns and the GPU reaches by DMA: page tables, instance
 * blocks, launch descriptors and the fault buffer.
 *
 * The CPU writes these while the GPU reads them (and the GPU writes the
 * fault buffer while the CPU reads it), with no hand-over in between, so
 * they are coherent DMA allocations of the bus device. They are asked for
 * physically contiguous, which for a page or two needs no remapping: the
 * CPU address is in the direct map (no vmalloc space used per page table).
 * The allocation flags pass through to the page allocator, so
 * GFP_KERNEL_ACCOUNT charges a client's tables to its memory cgroup. The
 * system pages that SVM maps are not made here: hmm_range_fault() maps
 * them (vsvm_svm.c).
 */
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#include "vsvm_drv.h"

/**
 * vsvm_dma_pages_alloc() - allocate zeroed memory the GPU reaches by DMA
 * @vdev: the device
 * @dp: filled in on success
 * @order: log2 of the number of pages
 * @gfp: allocation flags; GFP_KERNEL_ACCOUNT for what a client makes the
 *	driver hold
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_dma_pages_alloc(struct vsvm_device *vdev, struct vsvm_dma_pages *dp,
			 unsigned int order, gfp_t gfp)
{
	dp->size = PAGE_SIZE << order;
	dp->vaddr = dma_alloc_attrs(vdev->drm.dev, dp->size, &dp->dma, gfp,
				    DMA_ATTR_FORCE_CONTIGUOUS);
	return dp->vaddr ? 0 : -ENOMEM;
}

/**
 * vsvm_dma_pages_free() - free what vsvm_dma_pages_alloc() made
 * @vdev: the device
 * @dp: the memory (nothing is done if it was never allocated); the GPU
 *	must no longer use it
 */
void vsvm_dma_pages_free(struct vsvm_device *vdev, struct vsvm_dma_pages *dp)
{
	if (!dp->vaddr)
		return;
	dma_free_attrs(vdev->drm.dev, dp->size, dp->vaddr, dp->dma,
		       DMA_ATTR_FORCE_CONTIGUOUS);
	dp->vaddr = NULL;
}
