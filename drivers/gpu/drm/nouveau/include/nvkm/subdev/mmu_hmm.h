/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GP100 page-table entries written by hmm_range_fault()
 * (CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT).
 *
 * Nouveau's GPU-fault path asks HMM for final MMU-v2 PTEs: the entry HMM
 * returns for a page is the word nvkm stores in the page table, DMA address
 * included. This header is the interface between the two layers: the
 * format, the test nvkm uses to recognise such entries in a PFNMAP call,
 * and the read of the entries a window holds now (&hmm_range.installed).
 */
#ifndef __NVKM_MMU_HMM_H__
#define __NVKM_MMU_HMM_H__
#include <linux/hmm.h>

struct nvkm_object;

/* MMU format version 2 PTE bits, as nvkm's GP100 code writes them. */
#define NVKM_GP100_PTE_VALID		BIT_ULL(0)
#define NVKM_GP100_PTE_APERTURE		GENMASK_ULL(2, 1)
#define NVKM_GP100_PTE_APERTURE_SYS_COH	(2ULL << 1)
#define NVKM_GP100_PTE_VOL		BIT_ULL(3)
#define NVKM_GP100_PTE_READ_ONLY	BIT_ULL(6)
#define NVKM_GP100_PTE_ATOMIC_DISABLE	BIT_ULL(7)
#define NVKM_GP100_PTE_ADDR_SHIFT	8

/*
 * Software bits of the format, never stored in a page table: HUGE marks
 * the entries of a PMD-mapped run (bit 62 lies in the KIND field, which
 * SVM mappings leave 0); the request bits are input only.
 */
#define NVKM_GP100_HMM_HUGE		BIT_ULL(62)
#define NVKM_GP100_HMM_REQ_FAULT	BIT_ULL(63)
#define NVKM_GP100_HMM_REQ_WRITE	BIT_ULL(61)

/*
 * Every valid entry of the format carries VALID and ATOMIC_DISABLE (the
 * path serves non-atomic faults; atomic ones keep the device-exclusive
 * path). A valid NVIF PFNMAP word never has bit 7 set (its aperture field,
 * bits 7:4, only takes HOST 0x00 and VRAM 0x10), which is how nvkm tells a
 * call carrying final PTEs from one carrying PFNMAP words.
 */
#define NVKM_GP100_HMM_VALID \
	(NVKM_GP100_PTE_VALID | NVKM_GP100_PTE_ATOMIC_DISABLE)

static inline bool nvkm_gp100_hmm_is_pte(u64 word)
{
	return (word & NVKM_GP100_HMM_VALID) == NVKM_GP100_HMM_VALID;
}

bool nvkm_gp100_hmm_format(struct hmm_pfn_format *format, struct device *dev);
int nvkm_gp100_hmm_installed(struct nvkm_object *uvmm, u64 addr,
			     unsigned long npages, unsigned long *installed);

#endif
