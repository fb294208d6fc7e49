/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included ahead of vmmgp100.c (-include, Kbuild.hmm_format) when
 * CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT is on: the GP100 descriptor tables name
 * GP100_VMM_PGT_PFN, GP100_VMM_PFN_UNMAP, GP100_VMM_PD0_PFN and
 * GP100_VMM_PD0_PFN_UNMAP (scripts/tree-edits.txt), which become the
 * dispatchers below. They hand a PFNMAP call carrying final PTEs to
 * vmmgp100_hmm.c and any other call to 6.12's functions, which keep serving
 * the device-exclusive path and nouveau_pfns_map(). With the option off the
 * names are defined back to 6.12's functions.
 */
#ifndef __NVKM_VMMGP100_HMM_HOOKS_H__
#define __NVKM_VMMGP100_HMM_HOOKS_H__
#include "vmmgp100_hmm.h"

/* Defined further down in vmmgp100.c. */
static void gp100_vmm_pgt_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			      u32 ptei, u32 ptes, struct nvkm_vmm_map *map);
static void gp100_vmm_pd0_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			      u32 ptei, u32 ptes, struct nvkm_vmm_map *map);
static void gp100_vmm_pfn_unmap(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
				u32 ptei, u32 ptes);
static void gp100_vmm_pd0_pfn_unmap(struct nvkm_vmm *vmm,
				    struct nvkm_mmu_pt *pt, u32 ptei, u32 ptes);

/* Final PTEs to our writer of the level, PFNMAP words to 6.12's encoder. */
static void gp100_vmm_hmm_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			      u32 ptei, u32 ptes, struct nvkm_vmm_map *map,
			      nvkm_vmm_pte_func write_ptes,
			      nvkm_vmm_pte_func encode_612)
{
	if (nvkm_gp100_hmm_pfn_words_are_ptes(map, ptes))
		write_ptes(vmm, pt, ptei, ptes, map);
	else
		encode_612(vmm, pt, ptei, ptes, map);
}

static void gp100_vmm_hmm_pgt_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
				  u32 ptei, u32 ptes, struct nvkm_vmm_map *map)
{
	gp100_vmm_hmm_pfn(vmm, pt, ptei, ptes, map, nvkm_gp100_hmm_pgt_pfn,
			  gp100_vmm_pgt_pfn);
}

static void gp100_vmm_hmm_pd0_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
				  u32 ptei, u32 ptes, struct nvkm_vmm_map *map)
{
	gp100_vmm_hmm_pfn(vmm, pt, ptei, ptes, map, nvkm_gp100_hmm_pd0_pfn,
			  gp100_vmm_pd0_pfn);
}

/*
 * Unmap runs of format entries here, and each other system entry with
 * 6.12's unmap of the level (@unmap_612).
 */
static void gp100_vmm_hmm_unmap(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
				u32 ptei, u32 ptes, bool pd0,
				nvkm_vmm_pxe_func unmap_612)
{
	while (ptes) {
		u32 n = nvkm_gp100_hmm_unmap_run(vmm, pt, ptei, ptes, pd0);

		if (!n) {
			unmap_612(vmm, pt, ptei, 1);
			n = 1;
		}
		ptei += n;
		ptes -= n;
	}
}

static void gp100_vmm_hmm_pfn_unmap(struct nvkm_vmm *vmm,
				    struct nvkm_mmu_pt *pt, u32 ptei, u32 ptes)
{
	gp100_vmm_hmm_unmap(vmm, pt, ptei, ptes, false, gp100_vmm_pfn_unmap);
}

static void gp100_vmm_hmm_pd0_pfn_unmap(struct nvkm_vmm *vmm,
					struct nvkm_mmu_pt *pt, u32 ptei,
					u32 ptes)
{
	gp100_vmm_hmm_unmap(vmm, pt, ptei, ptes, true,
			    gp100_vmm_pd0_pfn_unmap);
}

#define GP100_VMM_PGT_PFN	gp100_vmm_hmm_pgt_pfn
#define GP100_VMM_PD0_PFN	gp100_vmm_hmm_pd0_pfn
#define GP100_VMM_PFN_UNMAP	gp100_vmm_hmm_pfn_unmap
#define GP100_VMM_PD0_PFN_UNMAP	gp100_vmm_hmm_pd0_pfn_unmap
#endif
