// SPDX-License-Identifier: GPL-2.0
/*
 * nvkm's side of the GP100 HMM format (CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT):
 * the format itself, the PFNMAP writer for entries that are already final
 * PTEs, their unmap, and the read of what a fault window holds now.
 *
 * Locking: the writer and the unmap run inside nvkm_vmm_pfn_map() and
 * nvkm_vmm_pfn_unmap(), under vmm->mutex.vmm, called by Nouveau's SVM code
 * with svmm->mutex held. nvkm_gp100_hmm_installed() takes vmm->mutex.vmm
 * itself and is called with svmm->mutex held: the same order.
 */
#include "uvmm.h"
#include "vmm.h"
#include "vmmgp100_hmm.h"

#include <subdev/mmu_hmm.h>

#include <linux/dma-mapping.h>

static const struct hmm_pfn_format nvkm_gp100_hmm = {
	.flags = {
		[HMM_PFN_FLAG_VALID]		= NVKM_GP100_HMM_VALID,
		[HMM_PFN_FLAG_HUGE]		= NVKM_GP100_HMM_HUGE,
		[HMM_PFN_FLAG_REQ_FAULT]	= NVKM_GP100_HMM_REQ_FAULT,
		[HMM_PFN_FLAG_REQ_WRITE]	= NVKM_GP100_HMM_REQ_WRITE,
	},
	.flags_off = {
		[HMM_PFN_FLAG_WRITE]		= NVKM_GP100_PTE_READ_ONLY,
		/* System pages: coherent system memory, volatile. VRAM: 0. */
		[HMM_PFN_FLAG_DEVICE_PRIVATE]	= NVKM_GP100_PTE_APERTURE_SYS_COH |
						  NVKM_GP100_PTE_VOL,
	},
	/* ERROR, NONE and SPECIAL: an invalid PTE (0), which PFNMAP unmaps. */
	.pfn_shift = NVKM_GP100_PTE_ADDR_SHIFT,
};

/**
 * nvkm_gp100_hmm_format() - the GP100 format for a device
 * @format: filled with the format, DMA-mapping for @dev
 * @dev: the GPU's device (the one nvkm DMA-maps for)
 *
 * The caller sets &hmm_pfn_format.device_addr for its VRAM pages.
 *
 * Return: false if HMM cannot map pages for @dev (not cache coherent, or
 * bouncing); the caller then keeps 6.12's path, and so does the unmap.
 */
bool nvkm_gp100_hmm_format(struct hmm_pfn_format *format, struct device *dev)
{
	*format = nvkm_gp100_hmm;
	format->dma_dev = dev;
	return hmm_dma_dev_supported(dev);
}

#if IS_ENABLED(CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT_BENCH)
/* For the benchmark, a module of its own (nouveau_svm_hmm_bench.c). */
EXPORT_SYMBOL_GPL(nvkm_gp100_hmm_format);

/**
 * nvkm_gp100_hmm_bench_desc() - GP100's descriptor tables, 4 KiB pages
 *
 * For the benchmark module, which drives the real PFNMAP methods of the
 * page table (level 0) and of PD0 (level 1) over tables in kernel memory.
 *
 * Return: gp100_vmm_desc_12.
 */
const struct nvkm_vmm_desc *nvkm_gp100_hmm_bench_desc(void)
{
	return gp100_vmm_desc_12;
}
EXPORT_SYMBOL_GPL(nvkm_gp100_hmm_bench_desc);
#endif

/* Write PFNMAP words that are final PTEs; stride: 8 (PT) or 16 (PD0). */
static void nvkm_gp100_hmm_write(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
				 u32 ptei, u32 ptes, struct nvkm_vmm_map *map,
				 u32 stride)
{
	nvkm_kmap(pt->memory);
	for (; ptes; ptes--, ptei++, map->pfn++) {
		if (!(*map->pfn & NVKM_GP100_PTE_VALID))
			continue;
		VMM_WO064(pt, vmm, ptei * stride,
			  *map->pfn & ~NVKM_GP100_HMM_HUGE);
	}
	nvkm_done(pt->memory);
}

/**
 * nvkm_gp100_hmm_pfn_words_are_ptes() - does a PFNMAP call carry final PTEs?
 * @map: the call's words, @ptes of them from map->pfn
 * @ptes: number of words
 *
 * Return: true if a valid word is a GP100 entry of the HMM format.
 */
bool nvkm_gp100_hmm_pfn_words_are_ptes(const struct nvkm_vmm_map *map,
				       u32 ptes)
{
	u32 i;

	for (i = 0; i < ptes; i++)
		if (map->pfn[i] & NVKM_GP100_PTE_VALID)
			return nvkm_gp100_hmm_is_pte(map->pfn[i]);
	return false;
}

/**
 * nvkm_gp100_hmm_pgt_pfn() - store final PTEs in a 4 KiB page table
 * @vmm: the VMM
 * @pt: the page table
 * @ptei: first entry
 * @ptes: number of entries
 * @map: the words (map->pfn), consumed
 */
void nvkm_gp100_hmm_pgt_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			    u32 ptei, u32 ptes, struct nvkm_vmm_map *map)
{
	nvkm_gp100_hmm_write(vmm, pt, ptei, ptes, map, 8);
}

/**
 * nvkm_gp100_hmm_pd0_pfn() - store final 2 MiB PTEs in PD0
 * @vmm: the VMM
 * @pt: the PD0 table
 * @ptei: first entry
 * @ptes: number of entries
 * @map: the words (map->pfn), consumed; HUGE is masked off
 */
void nvkm_gp100_hmm_pd0_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			    u32 ptei, u32 ptes, struct nvkm_vmm_map *map)
{
	nvkm_gp100_hmm_write(vmm, pt, ptei, ptes, map, 16);
}

static u64 nvkm_gp100_hmm_rd64(struct nvkm_mmu_pt *pt, u32 offset)
{
	u64 lo = nvkm_ro32(pt->memory, pt->base + offset);
	u64 hi = nvkm_ro32(pt->memory, pt->base + offset + 4);

	return hi << 32 | lo;
}

/**
 * nvkm_gp100_hmm_unmap_run() - undo the DMA mappings of format entries
 * @vmm: the VMM
 * @pt: the table (4 KiB PT, or PD0 with @pd0)
 * @ptei: first entry
 * @ptes: number of entries
 * @pd0: the entries are 2 MiB PTEs of PD0
 *
 * Called from the pfn_unmap hook, after pfn_clear cleared VALID and the GPU
 * TLB was flushed. Takes the leading run of entries that are not system
 * entries written by 6.12's encoder: entries of the format are unmapped as
 * HMM mapped them (read-only ones were mapped DMA_TO_DEVICE), others need
 * nothing.
 *
 * Return: the length of that run; 0 if the first entry is a system entry
 * of 6.12's encoder (the device-exclusive path, or a device the format
 * cannot serve), which the caller hands to nvkm's own unmap.
 */
u32 nvkm_gp100_hmm_unmap_run(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			     u32 ptei, u32 ptes, bool pd0)
{
	struct hmm_pfn_format format;
	u32 stride = pd0 ? 16 : 8;
	bool usable;
	u32 n;

	usable = nvkm_gp100_hmm_format(&format, vmm->mmu->subdev.device->dev);
	nvkm_kmap(pt->memory);
	for (n = 0; n < ptes; n++) {
		u64 data = nvkm_gp100_hmm_rd64(pt, (ptei + n) * stride);

		if (!(data & NVKM_GP100_PTE_APERTURE))
			continue;
		if (!usable || !(data & NVKM_GP100_PTE_ATOMIC_DISABLE))
			break;
		data |= NVKM_GP100_PTE_VALID;
		if (pd0)
			data |= NVKM_GP100_HMM_HUGE;
		hmm_format_dma_unmap(&format, data);
	}
	nvkm_done(pt->memory);
	return n;
}

/*
 * The 4 KiB page size of the VMM; SVM maps 4 KiB pages and 2 MiB ones in
 * the PD0 entries of the same walk.
 */
static const struct nvkm_vmm_page *nvkm_gp100_hmm_page(struct nvkm_vmm *vmm)
{
	const struct nvkm_vmm_page *page = vmm->func->page;

	while (page->shift && page->shift != 12)
		page++;
	return page->shift ? page : NULL;
}

/**
 * nvkm_gp100_hmm_installed() - the entries a fault window holds now
 * @uvmm: the VMM's nvkm object (&nvif_object.priv of Nouveau's VMM)
 * @addr: first GPU virtual address, page aligned
 * @npages: number of 4 KiB pages; the window must not cross 2 MiB
 * @installed: receives one entry per page in the HMM format: the PTE,
 *	or for a 2 MiB PTE of PD0 the entry of that page within it, HUGE set
 *
 * For &hmm_range.installed: read after mmu_interval_read_begin() with
 * svmm->mutex held, so that entries HMM finds unchanged keep their DMA
 * mapping instead of getting a second one. Entries that are not of the
 * format (invalid, cleared, or written by 6.12's encoder) never equal an
 * HMM output, so HMM maps those pages anew.
 *
 * Return: 0, or -EINVAL for a window this VMM cannot hold.
 */
int nvkm_gp100_hmm_installed(struct nvkm_object *uvmm, u64 addr,
			     unsigned long npages, unsigned long *installed)
{
	struct nvkm_vmm *vmm = nvkm_uvmm(uvmm)->vmm;
	const struct nvkm_vmm_page *page = nvkm_gp100_hmm_page(vmm);
	const struct nvkm_vmm_desc *desc;
	u32 idx[5];	/* GP100: PT, PD0, PD1, PD2, PD3 */
	struct nvkm_vmm_pt *pgt, *pd0;
	unsigned long i;
	u64 bits, pde;
	int lvl, max;

	memset(installed, 0, npages * sizeof(*installed));
	if (!page || !npages || npages > 512 ||
	    (addr >> 21) != ((addr + (npages << 12) - 1) >> 21))
		return -EINVAL;
	if (addr + (npages << 12) > vmm->limit)
		return -EINVAL;

	desc = page->desc;
	bits = addr >> page->shift;
	for (lvl = 0; desc[lvl].bits; lvl++) {
		if (lvl == ARRAY_SIZE(idx))
			return -EINVAL;
		idx[lvl] = bits & ((1 << desc[lvl].bits) - 1);
		bits >>= desc[lvl].bits;
	}
	max = lvl - 1;
	if (max < 1)
		return -EINVAL;

	mutex_lock(&vmm->mutex.vmm);
	pgt = vmm->pd;
	for (lvl = max; lvl > 1; lvl--) {
		pgt = pgt->pde[idx[lvl]];
		if (NVKM_VMM_PDE_INVALID(pgt))
			goto out;
	}
	pd0 = pgt;

	/* A 2 MiB PTE in the PD0 entry covers the whole window. */
	if (pd0->pt[0]) {
		nvkm_kmap(pd0->pt[0]->memory);
		pde = nvkm_gp100_hmm_rd64(pd0->pt[0], idx[1] * desc[1].size);
		nvkm_done(pd0->pt[0]->memory);
		if (nvkm_gp100_hmm_is_pte(pde)) {
			pde |= NVKM_GP100_HMM_HUGE;
			for (i = 0; i < npages; i++)
				installed[i] = pde + ((u64)(idx[0] + i) <<
						      NVKM_GP100_PTE_ADDR_SHIFT);
			goto out;
		}
	}

	pgt = pd0->pde[idx[1]];
	if (NVKM_VMM_PDE_INVALID(pgt) || !pgt->pt[desc[0].type == SPT])
		goto out;
	nvkm_kmap(pgt->pt[desc[0].type == SPT]->memory);
	for (i = 0; i < npages; i++)
		installed[i] = nvkm_gp100_hmm_rd64(pgt->pt[desc[0].type == SPT],
						   (idx[0] + i) * desc[0].size);
	nvkm_done(pgt->pt[desc[0].type == SPT]->memory);
out:
	mutex_unlock(&vmm->mutex.vmm);
	return 0;
}
