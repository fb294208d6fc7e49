// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vsvm virtual GPU MMU: MMU format v2 walks at every
 * level and page size, with tables in VRAM and in system memory, every
 * permission bit and fault type, and the TLB (stale until invalidated).
 */

#include <kunit/test.h>
#include <linux/bitfield.h>

#include "vsvm_hw_test_util.h"
/* The bits of Nouveau's HMM format, to decode its entries with our MMU. */
#include "../../nouveau/include/nvkm/subdev/mmu_hmm.h"

#define VT_SYS	VSVM_TARGET_SYS_MEM_COHERENT
#define VT_VID	VSVM_TARGET_VID_MEM
#define VT_RD	VSVM_FAULT_ACCESS_READ
#define VT_WR	VSVM_FAULT_ACCESS_WRITE
#define VT_AT	VSVM_FAULT_ACCESS_ATOMIC
#define VT_PF	VSVM_FAULT_ACCESS_PREFETCH

static void vt_expect_xlate(struct kunit *test, struct vt_env *env, u64 va,
			    u8 access, u8 target, u64 addr)
{
	struct vsvm_xlate xl = {};
	u8 ft = 0xff;

	KUNIT_ASSERT_EQ_MSG(test, vt_translate(env, va, access, false, &xl, &ft),
			    0, "va %llx fault type %u", va, ft);
	KUNIT_EXPECT_FALSE(test, xl.sparse);
	KUNIT_EXPECT_EQ(test, xl.target, target);
	KUNIT_EXPECT_EQ(test, xl.addr, addr);
}

static void vt_expect_fault(struct kunit *test, struct vt_env *env, u64 va,
			    u8 access, bool priv, u8 fault_type)
{
	struct vsvm_xlate xl = {};
	u8 ft = 0xff;

	KUNIT_EXPECT_EQ_MSG(test, vt_translate(env, va, access, priv, &xl, &ft),
			    -ENOENT, "va %llx access %u", va, access);
	KUNIT_EXPECT_EQ_MSG(test, ft, fault_type, "va %llx access %u", va,
			    access);
}

static void vt_walk_4k(struct kunit *test, bool pt_vram)
{
	struct vt_env *env = vt_env_create(test, pt_vram, 1);
	u64 phys = vt_alloc_sys(env);
	/* Indices: PD3 3, PD2 511, PD1 257, PD0 255, PT 511. */
	u64 va = 3ULL << 47 | 511ULL << 38 | 257ULL << 29 | 255ULL << 21 |
		 511ULL << 12;

	vt_set_pte(env, va, vt_pte_sys(phys, 0), 12);
	vt_expect_xlate(test, env, va + 0x123, VT_RD, VT_SYS, phys + 0x123);
	vt_expect_xlate(test, env, va + 0xff8, VT_WR, VT_SYS, phys + 0xff8);

	/* Non-coherent aperture and a VRAM page. */
	vt_set_pte(env, va - 0x1000,
		   vt_pte_sys(phys, 0) | FIELD_PREP(NV_MMU_VER2_PTE_APERTURE, 3),
		   12);
	vt_expect_xlate(test, env, va - 0x1000 + 8, VT_RD,
			VSVM_TARGET_SYS_MEM_NONCOHERENT, phys + 8);
	vt_set_pte(env, va - 0x2000, vt_pte_vid(0x345000, 0), 12);
	vt_expect_xlate(test, env, va - 0x2000 + 0x10, VT_RD, VT_VID,
			0x345010);

	/* A neighbour at each level is unmapped: PDE, PDE, PDE, PDE, PTE. */
	vt_expect_fault(test, env, va ^ (1ULL << 47), VT_RD, false,
			VSVM_FAULT_TYPE_PDE);
	vt_expect_fault(test, env, va ^ (1ULL << 38), VT_RD, false,
			VSVM_FAULT_TYPE_PDE);
	vt_expect_fault(test, env, va ^ (1ULL << 29), VT_RD, false,
			VSVM_FAULT_TYPE_PDE);
	vt_expect_fault(test, env, va ^ (1ULL << 21), VT_RD, false,
			VSVM_FAULT_TYPE_PDE);
	vt_expect_fault(test, env, va ^ (1ULL << 20), VT_RD, false,
			VSVM_FAULT_TYPE_PTE);
}

static void vsvm_mmu_walk_4k_sysmem(struct kunit *test)
{
	vt_walk_4k(test, false);
}

static void vsvm_mmu_walk_4k_vram(struct kunit *test)
{
	vt_walk_4k(test, true);
}

static void vt_walk_64k_2m(struct kunit *test, bool pt_vram)
{
	struct vt_env *env = vt_env_create(test, pt_vram, 1);
	u64 va64 = VT_DATA_VA + 0x50000;
	u64 va2m = VT_DATA_VA + (4ULL << 21);

	vt_set_pte(env, va64, vt_pte_vid(0x400000, 0), 16);
	vt_expect_xlate(test, env, va64 + 0x9234, VT_RD, VT_VID, 0x409234);
	vt_expect_xlate(test, env, va64 + 0xfff8, VT_WR, VT_VID, 0x40fff8);
	/* Next 64 KiB page of the same table: invalid PTE. */
	vt_expect_fault(test, env, va64 + 0x10000, VT_RD, false,
			VSVM_FAULT_TYPE_PTE);

	vt_set_pte(env, va2m, vt_pte_vid(0x600000, 0), 21);
	vt_expect_xlate(test, env, va2m + 0x123458, VT_RD, VT_VID, 0x723458);
	vt_expect_xlate(test, env, va2m + 0x1ffff8, VT_AT, VT_VID, 0x7ffff8);
	vt_expect_fault(test, env, va2m + (1ULL << 21), VT_RD, false,
			VSVM_FAULT_TYPE_PDE);
}

static void vsvm_mmu_walk_64k_2m_sysmem(struct kunit *test)
{
	vt_walk_64k_2m(test, false);
}

static void vsvm_mmu_walk_64k_2m_vram(struct kunit *test)
{
	vt_walk_64k_2m(test, true);
}

static void vsvm_mmu_dual_pde(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, true, 1);
	u64 va = VT_DATA_VA;

	/* Both tables: a valid 4 KiB PTE wins over the 64 KiB PTE. */
	vt_set_pte(env, va, vt_pte_vid(0x800000, 0), 16);
	vt_set_pte(env, va, vt_pte_vid(0x900000, 0), 12);
	vt_expect_xlate(test, env, va + 4, VT_RD, VT_VID, 0x900004);
	/* 4 KiB PTE invalid: the 64 KiB PTE is used. */
	vt_expect_xlate(test, env, va + 0x1004, VT_RD, VT_VID, 0x801004);

	/* Sparse (VALID=0, VOL=1): no fault, reads zero. */
	vt_set_pte(env, va + 0x10000, NV_MMU_VER2_PTE_VOL, 16);
	{
		struct vsvm_xlate xl = {};
		u8 ft;

		KUNIT_EXPECT_EQ(test, vt_translate(env, va + 0x10000, VT_WR,
						   false, &xl, &ft), 0);
		KUNIT_EXPECT_TRUE(test, xl.sparse);
	}
}

static void vsvm_mmu_permissions(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 ro = VT_DATA_VA, noat = VT_DATA_VA + 0x1000;
	u64 priv = VT_DATA_VA + 0x2000, plain = VT_DATA_VA + 0x3000;
	struct vsvm_xlate xl;
	u8 ft;

	vt_set_pte(env, ro, vt_pte_vid(0x100000, NV_MMU_VER2_PTE_READ_ONLY), 12);
	vt_set_pte(env, noat, vt_pte_vid(0x101000,
					 NV_MMU_VER2_PTE_ATOMIC_DISABLE), 12);
	vt_set_pte(env, priv, vt_pte_vid(0x102000, NV_MMU_VER2_PTE_PRIVILEGE),
		   12);
	vt_set_pte(env, plain, vt_pte_vid(0x103000, 0), 12);

	vt_expect_xlate(test, env, ro, VT_RD, VT_VID, 0x100000);
	vt_expect_xlate(test, env, ro, VT_PF, VT_VID, 0x100000);
	vt_expect_fault(test, env, ro, VT_WR, false,
			VSVM_FAULT_TYPE_RO_VIOLATION);
	vt_expect_fault(test, env, ro, VT_AT, false,
			VSVM_FAULT_TYPE_RO_VIOLATION);

	vt_expect_xlate(test, env, noat, VT_RD, VT_VID, 0x101000);
	vt_expect_xlate(test, env, noat, VT_WR, VT_VID, 0x101000);
	vt_expect_fault(test, env, noat, VT_AT, false,
			VSVM_FAULT_TYPE_ATOMIC_VIOLATION);

	vt_expect_fault(test, env, priv, VT_RD, false,
			VSVM_FAULT_TYPE_PRIV_VIOLATION);
	KUNIT_EXPECT_EQ(test, vt_translate(env, priv, VT_WR, true, &xl, &ft), 0);

	vt_expect_xlate(test, env, plain, VT_AT, VT_VID, 0x103000);
}

/*
 * Entries of Nouveau's HMM format (CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT),
 * composed from its bit definitions as hmm_range_fault() composes them,
 * translated by this MMU: a writable and a read-only system page, a VRAM
 * page and a THP as one 2 MiB PTE (HUGE masked off, as nvkm stores it).
 * Reads and writes go where the entry says; ATOMIC_DISABLE makes atomics
 * fault; READ_ONLY makes writes fault.
 */
static void vsvm_mmu_nouveau_hmm_entries(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	const u64 sys = NVKM_GP100_HMM_VALID | NVKM_GP100_PTE_APERTURE_SYS_COH |
			NVKM_GP100_PTE_VOL;
	u64 phys = vt_alloc_sys(env), thp = 0x40000000ULL;
	u64 rw = VT_DATA_VA, ro = rw + 0x1000, vid = rw + 0x2000;
	u64 huge = VT_DATA_VA + (8ULL << 21);

	vt_set_pte(env, rw, sys | (phys >> 12) << NVKM_GP100_PTE_ADDR_SHIFT,
		   12);
	vt_set_pte(env, ro, sys | NVKM_GP100_PTE_READ_ONLY |
		   (phys >> 12) << NVKM_GP100_PTE_ADDR_SHIFT, 12);
	vt_set_pte(env, vid, NVKM_GP100_HMM_VALID |
		   (0x345000ULL >> 12) << NVKM_GP100_PTE_ADDR_SHIFT, 12);
	vt_set_pte(env, huge, (sys | NVKM_GP100_HMM_HUGE |
			       (thp >> 12) << NVKM_GP100_PTE_ADDR_SHIFT) &
		   ~NVKM_GP100_HMM_HUGE, 21);

	vt_expect_xlate(test, env, rw + 0x18, VT_RD, VT_SYS, phys + 0x18);
	vt_expect_xlate(test, env, rw + 0x18, VT_WR, VT_SYS, phys + 0x18);
	vt_expect_fault(test, env, rw, VT_AT, false,
			VSVM_FAULT_TYPE_ATOMIC_VIOLATION);
	vt_expect_xlate(test, env, ro + 0x20, VT_RD, VT_SYS, phys + 0x20);
	vt_expect_fault(test, env, ro, VT_WR, false,
			VSVM_FAULT_TYPE_RO_VIOLATION);
	vt_expect_xlate(test, env, vid + 0x30, VT_WR, VT_VID, 0x345030);
	vt_expect_fault(test, env, vid, VT_AT, false,
			VSVM_FAULT_TYPE_ATOMIC_VIOLATION);
	vt_expect_xlate(test, env, huge + 0x1ffff8, VT_WR, VT_SYS,
			thp + 0x1ffff8);
	vt_expect_fault(test, env, huge + 0x1000, VT_AT, false,
			VSVM_FAULT_TYPE_ATOMIC_VIOLATION);
}

static void vsvm_mmu_fault_types(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 va = VT_DATA_VA;
	struct vsvm_xlate xl;
	u8 ft;

	vt_expect_fault(test, env, va, VT_RD, false, VSVM_FAULT_TYPE_PDE);
	vt_set_pte(env, va, 0, 12);
	vt_expect_fault(test, env, va, VT_RD, false, VSVM_FAULT_TYPE_PTE);
	vt_expect_fault(test, env, 1ULL << 49, VT_RD, false,
			VSVM_FAULT_TYPE_VA_LIMIT_VIOLATION);
	/* PTE aperture 1 is peer memory (unlike the PDE encoding). */
	vt_set_pte(env, va, NV_MMU_VER2_PTE_VALID |
		   FIELD_PREP(NV_MMU_VER2_PTE_APERTURE, 1), 12);
	vt_expect_fault(test, env, va, VT_RD, false,
			VSVM_FAULT_TYPE_UNSUPPORTED_APERTURE);
	/* That PTE was VALID, so it is cached: invalidate after changing it. */
	vt_invalidate(env, NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
		      NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB);
	vt_set_pte(env, va, vt_pte_vid(0x100000,
				       FIELD_PREP(NV_MMU_VER2_PTE_KIND, 0xfe)),
		   12);
	vt_expect_fault(test, env, va, VT_RD, false,
			VSVM_FAULT_TYPE_UNSUPPORTED_KIND);

	/* A PDE pointing at memory that is not RAM: an error, not a fault. */
	vt_wr64(env, env->pd_target, env->pd3 + 8,
		vt_pde(VT_SYS, 1ULL << 51));
	KUNIT_EXPECT_EQ(test, vt_translate(env, 1ULL << 47, VT_RD, false, &xl,
					   &ft), -EFAULT);
	/* ... and a PDE pointing past the end of VRAM. */
	vt_wr64(env, env->pd_target, env->pd3 + 16,
		vt_pde(VT_VID, VT_VRAM_SIZE));
	KUNIT_EXPECT_EQ(test, vt_translate(env, 2ULL << 47, VT_RD, false, &xl,
					   &ft), -EFAULT);
}

static void vsvm_mmu_tlb_stale_until_invalidate(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 va = VT_DATA_VA, other = VT_DATA_VA + 0x100000;
	u32 pdb = FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_PDB_ADDR,
			     env->pd3 >> 12) |
		  NV_PFB_PRI_MMU_INVALIDATE_PDB_APERTURE;

	vt_set_pte(env, va, vt_pte_vid(0x100000, NV_MMU_VER2_PTE_READ_ONLY), 12);
	vt_set_pte(env, other, vt_pte_vid(0x200000, 0), 12);
	vt_expect_xlate(test, env, va, VT_RD, VT_VID, 0x100000);
	vt_expect_xlate(test, env, other, VT_RD, VT_VID, 0x200000);

	/* Changed PTEs, no invalidate: old address and old permissions. */
	vt_set_pte(env, va, vt_pte_vid(0x110000, 0), 12);
	vt_set_pte(env, other, 0, 12);
	vt_expect_xlate(test, env, va, VT_RD, VT_VID, 0x100000);
	vt_expect_fault(test, env, va, VT_WR, false,
			VSVM_FAULT_TYPE_RO_VIOLATION);
	vt_expect_xlate(test, env, other, VT_RD, VT_VID, 0x200000);

	/* Invalidate of another PDB changes nothing. */
	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_INVALIDATE_PDB, pdb + 0x10);
	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB,
		     env->pd3 >> 40);
	vt_invalidate(env, NV_PFB_PRI_MMU_INVALIDATE_ALL_VA);
	vt_expect_xlate(test, env, va, VT_RD, VT_VID, 0x100000);

	/* Range invalidate of this PDB covering only @va. */
	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_INVALIDATE_PDB, pdb);
	vsvm_hw_wr32(env->hw, VSVM_MMU_INVALIDATE_VA_LO, lower_32_bits(va));
	vsvm_hw_wr32(env->hw, VSVM_MMU_INVALIDATE_VA_HI, upper_32_bits(va));
	vsvm_hw_wr32(env->hw, VSVM_MMU_INVALIDATE_SIZE_LO, 0x1000);
	vsvm_hw_wr32(env->hw, VSVM_MMU_INVALIDATE_SIZE_HI, 0);
	vt_invalidate(env, FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL,
				      NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_PTE_ONLY));
	vt_expect_xlate(test, env, va, VT_WR, VT_VID, 0x110000);
	vt_expect_xlate(test, env, other, VT_RD, VT_VID, 0x200000);

	/* All VA of this PDB. */
	vt_invalidate(env, NV_PFB_PRI_MMU_INVALIDATE_ALL_VA);
	vt_expect_fault(test, env, other, VT_RD, false, VSVM_FAULT_TYPE_PTE);
}

static void vsvm_mmu_tlb_cache_level(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 va = VT_DATA_VA;
	u64 pd0, new_pt;
	u8 target, pt_target;

	vt_set_pte(env, va, vt_pte_vid(0x100000, 0), 12);
	vt_expect_xlate(test, env, va, VT_RD, VT_VID, 0x100000);

	/* Point the PD0 entry at a new page table. */
	new_pt = vt_alloc_table(env, &pt_target);
	vt_wr64(env, pt_target, new_pt, vt_pte_vid(0x120000, 0));
	pd0 = vt_pte_addr(env, va, 21, &target);
	vt_wr64(env, target, pd0 + 8, vt_pde(pt_target, new_pt));

	/* PTE_ONLY: the cached PDE still names the old table. */
	vt_invalidate(env, NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
		      NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB |
		      FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL,
				 NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_PTE_ONLY));
	vt_expect_xlate(test, env, va, VT_RD, VT_VID, 0x100000);

	/* UP_TO_PDE0 drops it. */
	vt_invalidate(env, NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
		      NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB |
		      FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL,
				 NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_UP_TO_PDE0));
	vt_expect_xlate(test, env, va, VT_RD, VT_VID, 0x120000);
}

static void vsvm_hw_registers(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 2);
	struct vsvm_hw *hw = env->hw;

	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, NV_PMC_BOOT_0), VSVM_PMC_BOOT_0_ID);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, VSVM_CFG_VRAM_SIZE_LO),
			lower_32_bits(VT_VRAM_SIZE));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, VSVM_CFG_VRAM_SIZE_HI), 0);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, VSVM_CFG_NUM_EUS), 2);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, VSVM_CFG_ISA_VERSION),
			VSVM_ISA_VERSION);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, VSVM_CFG_VA_BITS), 49);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, 0x123454), VSVM_REG_BAD_VALUE);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, 0x2), VSVM_REG_BAD_VALUE);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, VSVM_REG_WINDOW_SIZE),
			VSVM_REG_BAD_VALUE);
	KUNIT_EXPECT_NE(test, vsvm_hw_rd32(hw, NV_PFB_PRI_MMU_CTRL) &
			NV_PFB_PRI_MMU_CTRL_PRI_FIFO_EMPTY, 0);

	/* PRAMIN: unbacked VRAM reads zero, writes stick, past end is bad. */
	vsvm_hw_wr32(hw, NV_PBUS_BAR0_WINDOW, 0x30);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, NV_PRAMIN + 0x100), 0);
	vsvm_hw_wr32(hw, NV_PRAMIN + 0x100, 0xcafef00d);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, NV_PRAMIN + 0x100), 0xcafef00d);
	vsvm_hw_wr32(hw, NV_PBUS_BAR0_WINDOW, VT_VRAM_SIZE >> 16);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(hw, NV_PRAMIN), VSVM_REG_BAD_VALUE);
}

static struct kunit_case vsvm_mmu_test_cases[] = {
	KUNIT_CASE(vsvm_mmu_walk_4k_sysmem),
	KUNIT_CASE(vsvm_mmu_walk_4k_vram),
	KUNIT_CASE(vsvm_mmu_walk_64k_2m_sysmem),
	KUNIT_CASE(vsvm_mmu_walk_64k_2m_vram),
	KUNIT_CASE(vsvm_mmu_dual_pde),
	KUNIT_CASE(vsvm_mmu_permissions),
	KUNIT_CASE(vsvm_mmu_nouveau_hmm_entries),
	KUNIT_CASE(vsvm_mmu_fault_types),
	KUNIT_CASE(vsvm_mmu_tlb_stale_until_invalidate),
	KUNIT_CASE(vsvm_mmu_tlb_cache_level),
	KUNIT_CASE(vsvm_hw_registers),
	{}
};

static struct kunit_suite vsvm_mmu_test_suite = {
	.name = "vsvm_hw_mmu",
	.test_cases = vsvm_mmu_test_cases,
};

kunit_test_suite(vsvm_mmu_test_suite);
