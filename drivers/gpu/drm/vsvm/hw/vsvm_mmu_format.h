/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NVIDIA MMU format version 2 (Pascal GP100 and later) as the vsvm virtual
 * GPU walks it: field positions of PDEs, dual PD0 entries and PTEs.
 *
 * Levels (49-bit VA, every table 4 KiB except the 64 KiB-page table):
 *   PD3   VA 48:47,   4 x 8 B entries
 *   PD2   VA 46:38, 512 x 8 B
 *   PD1   VA 37:29, 512 x 8 B
 *   PD0   VA 28:21, 256 x 16 B dual entries (or a 2 MiB PTE if bit 0 set)
 *   PT64K VA 20:16,  32 x 8 B (256-byte table)
 *   PT4K  VA 20:12, 512 x 8 B
 */
#ifndef _VSVM_MMU_FORMAT_H_
#define _VSVM_MMU_FORMAT_H_

#include <linux/bits.h>

/* PTE (4 KiB, 64 KiB and, in PD0's low qword, 2 MiB pages). */
#define NV_MMU_VER2_PTE_VALID			BIT_ULL(0)
#define NV_MMU_VER2_PTE_APERTURE		GENMASK_ULL(2, 1)
#define NV_MMU_VER2_PTE_APERTURE_VIDEO_MEMORY	0
#define NV_MMU_VER2_PTE_APERTURE_PEER_MEMORY	1
#define NV_MMU_VER2_PTE_APERTURE_SYSTEM_COHERENT_MEMORY 2
#define NV_MMU_VER2_PTE_APERTURE_SYSTEM_NON_COHERENT_MEMORY 3
#define NV_MMU_VER2_PTE_VOL			BIT_ULL(3)
#define NV_MMU_VER2_PTE_ENCRYPTED		BIT_ULL(4)
#define NV_MMU_VER2_PTE_PRIVILEGE		BIT_ULL(5)
#define NV_MMU_VER2_PTE_READ_ONLY		BIT_ULL(6)
#define NV_MMU_VER2_PTE_ATOMIC_DISABLE		BIT_ULL(7)
#define NV_MMU_VER2_PTE_ADDRESS_SYS		GENMASK_ULL(53, 8)
#define NV_MMU_VER2_PTE_ADDRESS_VID		GENMASK_ULL(32, 8)
#define NV_MMU_VER2_PTE_ADDRESS_VID_PEER	GENMASK_ULL(35, 33)
#define NV_MMU_VER2_PTE_KIND			GENMASK_ULL(63, 56)
#define NV_MMU_VER2_PTE_ADDRESS_SHIFT		12

/* PDE of PD3, PD2, PD1: note the aperture encoding differs from the PTE. */
#define NV_MMU_VER2_PDE_IS_PTE			BIT_ULL(0)
#define NV_MMU_VER2_PDE_APERTURE		GENMASK_ULL(2, 1)
#define NV_MMU_VER2_PDE_APERTURE_INVALID	0
#define NV_MMU_VER2_PDE_APERTURE_VIDEO_MEMORY	1
#define NV_MMU_VER2_PDE_APERTURE_SYSTEM_COHERENT_MEMORY 2
#define NV_MMU_VER2_PDE_APERTURE_SYSTEM_NON_COHERENT_MEMORY 3
#define NV_MMU_VER2_PDE_VOL			BIT_ULL(3)
#define NV_MMU_VER2_PDE_ADDRESS_SYS		GENMASK_ULL(53, 8)
#define NV_MMU_VER2_PDE_ADDRESS_VID		GENMASK_ULL(32, 8)
#define NV_MMU_VER2_PDE_ADDRESS_SHIFT		12

/*
 * Dual PDE of PD0 (16 bytes).  Low qword: the 64 KiB-page ("big") table,
 * address field 53:4 holds the table address >> 8.  High qword: the 4 KiB
 * ("small") table, address field 53:8 (117:72 of the entry) holds the
 * table address >> 12.  Apertures use the PDE encoding.
 */
#define NV_MMU_VER2_DUAL_PDE_IS_PTE		BIT_ULL(0)
#define NV_MMU_VER2_DUAL_PDE_APERTURE_BIG	GENMASK_ULL(2, 1)
#define NV_MMU_VER2_DUAL_PDE_VOL_BIG		BIT_ULL(3)
#define NV_MMU_VER2_DUAL_PDE_ADDRESS_BIG_SYS	GENMASK_ULL(53, 4)
#define NV_MMU_VER2_DUAL_PDE_ADDRESS_BIG_VID	GENMASK_ULL(32, 4)
#define NV_MMU_VER2_DUAL_PDE_ADDRESS_BIG_SHIFT	8
#define NV_MMU_VER2_DUAL_PDE_APERTURE_SMALL	GENMASK_ULL(2, 1)  /* high qword */
#define NV_MMU_VER2_DUAL_PDE_VOL_SMALL		BIT_ULL(3)         /* high qword */
#define NV_MMU_VER2_DUAL_PDE_ADDRESS_SMALL_SYS	GENMASK_ULL(53, 8) /* high qword */
#define NV_MMU_VER2_DUAL_PDE_ADDRESS_SMALL_VID	GENMASK_ULL(32, 8) /* high qword */
#define NV_MMU_VER2_DUAL_PDE_ADDRESS_SMALL_SHIFT 12

#define VSVM_MMU_PD3_SHIFT			47
#define VSVM_MMU_PD2_SHIFT			38
#define VSVM_MMU_PD1_SHIFT			29
#define VSVM_MMU_PD0_SHIFT			21
#define VSVM_MMU_PT64K_SHIFT			16
#define VSVM_MMU_PT4K_SHIFT			12
#define VSVM_MMU_PD3_ENTRIES			4
#define VSVM_MMU_PD_ENTRIES			512
#define VSVM_MMU_PD0_ENTRIES			256
#define VSVM_MMU_PT64K_ENTRIES			32
#define VSVM_MMU_PT4K_ENTRIES			512
#define VSVM_MMU_PDE_SIZE			8
#define VSVM_MMU_DUAL_PDE_SIZE			16
#define VSVM_MMU_PTE_SIZE			8

#endif /* _VSVM_MMU_FORMAT_H_ */
