/* SPDX-License-Identifier: GPL-2.0 */
/* nvkm's PFNMAP writer and unmap for GP100 entries of the HMM format. */
#ifndef __NVKM_VMMGP100_HMM_H__
#define __NVKM_VMMGP100_HMM_H__
#include "vmm.h"

bool nvkm_gp100_hmm_pfn_words_are_ptes(const struct nvkm_vmm_map *map,
				       u32 ptes);
void nvkm_gp100_hmm_pgt_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			    u32 ptei, u32 ptes, struct nvkm_vmm_map *map);
void nvkm_gp100_hmm_pd0_pfn(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			    u32 ptei, u32 ptes, struct nvkm_vmm_map *map);
u32 nvkm_gp100_hmm_unmap_run(struct nvkm_vmm *vmm, struct nvkm_mmu_pt *pt,
			     u32 ptei, u32 ptes, bool pd0);
const struct nvkm_vmm_desc *nvkm_gp100_hmm_bench_desc(void);
#endif
