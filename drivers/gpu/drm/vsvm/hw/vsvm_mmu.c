// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMU of the vsvm virtual GPU: walks NVIDIA MMU format v2 page tables
 * (vsvm_mmu_format.h), caches translations in a TLB, and drops them only
 * when the driver invalidates through NV_PFB_PRI_MMU_INVALIDATE.
 *
 * Two caches, both keyed by page directory base (PDB):
 *  - the TLB holds leaf PTEs (4 KiB, 64 KiB and 2 MiB pages) exactly as
 *    read: permission checks use the cached PTE, so a PTE changed without
 *    an invalidate keeps its old address and permissions;
 *  - the PDE cache holds the result of the directory walk PD3..PD1 plus
 *    the dual PD0 entry, per 2 MiB of VA.  CACHE_LEVEL PTE_ONLY keeps it,
 *    every other level drops it.  (Simplification: real GPUs cache each
 *    directory level separately; here PD3..PD0 form one cached step.)
 * Both caches are 4-way set associative, so entries may also disappear by
 * eviction, as on hardware; only an invalidate guarantees it.  Failed
 * translations are never cached.
 *
 * Model simplifications: VOL and ENCRYPTED are ignored (memory is
 * coherent); a PDE with bit 0 set above PD0 is a PDE fault (MMU v2 has
 * no PTEs there); when both halves of a dual PDE are present the 4 KiB
 * PTE wins if VALID, else the 64 KiB PTE is used; a PTE with VALID clear
 * and VOL set is sparse (reads 0, writes dropped, no fault).
 */

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "vsvm_hw_priv.h"
#include "vsvm_mmu_format.h"

static bool vsvm_target_is_sys(u8 target)
{
	return target != VSVM_TARGET_VID_MEM;
}

/* First entry of the set (VSVM_TLB_WAYS entries) a key maps to. */
static unsigned int vsvm_tlb_set(bool pdb_sys, u64 pdb_addr, u64 va,
				 unsigned int shift)
{
	u64 key = (va >> shift) ^ (pdb_addr * 0x9e3779b97f4a7c15ULL) ^
		  ((u64)shift << 56) ^ (u64)pdb_sys << 63;

	return hash_64(key, ilog2(VSVM_TLB_ENTRIES / VSVM_TLB_WAYS)) *
	       VSVM_TLB_WAYS;
}

static unsigned int vsvm_pdc_set(bool pdb_sys, u64 pdb_addr, u64 va)
{
	u64 key = (va >> VSVM_MMU_PD0_SHIFT) ^
		  (pdb_addr * 0x9e3779b97f4a7c15ULL) ^ (u64)pdb_sys << 63;

	return hash_64(key, ilog2(VSVM_PDE_CACHE_ENTRIES / VSVM_TLB_WAYS)) *
	       VSVM_TLB_WAYS;
}

/* PDE aperture (0 invalid, 1 vid, 2 coh, 3 noncoh) -> VSVM_TARGET_*. */
static int vsvm_pde_target(u64 aperture, u8 *target)
{
	switch (aperture) {
	case NV_MMU_VER2_PDE_APERTURE_VIDEO_MEMORY:
		*target = VSVM_TARGET_VID_MEM;
		return 0;
	case NV_MMU_VER2_PDE_APERTURE_SYSTEM_COHERENT_MEMORY:
		*target = VSVM_TARGET_SYS_MEM_COHERENT;
		return 0;
	case NV_MMU_VER2_PDE_APERTURE_SYSTEM_NON_COHERENT_MEMORY:
		*target = VSVM_TARGET_SYS_MEM_NONCOHERENT;
		return 0;
	default:
		return -ENOENT;
	}
}

/**
 * struct vsvm_walk - state of one translation
 * @pdb_sys: PDB in system memory
 * @pdb_addr: PDB address
 * @gen: invalidate generation when the lookup started
 * @pte: the leaf PTE found
 * @shift: its page shift
 * @sparse: the leaf is a sparse PTE
 */
struct vsvm_walk {
	bool pdb_sys;
	u64 pdb_addr;
	u64 gen;
	u64 pte;
	unsigned int shift;
	bool sparse;
};

static bool vsvm_tlb_match(const struct vsvm_tlb_entry *e,
			   const struct vsvm_walk *w, u64 va, unsigned int s)
{
	return e->valid && e->shift == s && e->pdb_sys == w->pdb_sys &&
	       e->pdb_addr == w->pdb_addr &&
	       e->va == (va & ~((1ULL << s) - 1));
}

static bool vsvm_pdc_match(const struct vsvm_pde_cache_entry *pe,
			   const struct vsvm_walk *w, u64 va)
{
	return pe->valid && pe->pdb_sys == w->pdb_sys &&
	       pe->pdb_addr == w->pdb_addr &&
	       pe->va == (va & ~((1ULL << VSVM_MMU_PD0_SHIFT) - 1));
}

static bool vsvm_tlb_lookup(struct vsvm_mmu *mmu, struct vsvm_walk *w, u64 va,
			    u64 *pd0_lo, u64 *pd0_hi, bool *pdc_hit)
{
	static const unsigned int shifts[] = {
		VSVM_MMU_PT4K_SHIFT, VSVM_MMU_PT64K_SHIFT, VSVM_MMU_PD0_SHIFT,
	};
	unsigned long flags;
	unsigned int i, way, set;
	bool hit = false;

	*pdc_hit = false;
	spin_lock_irqsave(&mmu->lock, flags);
	w->gen = mmu->gen;
	for (i = 0; i < ARRAY_SIZE(shifts) && !hit; i++) {
		set = vsvm_tlb_set(w->pdb_sys, w->pdb_addr, va, shifts[i]);
		for (way = 0; way < VSVM_TLB_WAYS; way++) {
			struct vsvm_tlb_entry *e = &mmu->tlb[set + way];

			if (vsvm_tlb_match(e, w, va, shifts[i])) {
				w->pte = e->pte;
				w->shift = shifts[i];
				hit = true;
				break;
			}
		}
	}
	if (!hit) {
		set = vsvm_pdc_set(w->pdb_sys, w->pdb_addr, va);
		for (way = 0; way < VSVM_TLB_WAYS; way++) {
			struct vsvm_pde_cache_entry *pe = &mmu->pdc[set + way];

			if (vsvm_pdc_match(pe, w, va)) {
				*pd0_lo = pe->lo;
				*pd0_hi = pe->hi;
				*pdc_hit = true;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&mmu->lock, flags);
	return hit;
}

static void vsvm_tlb_fill(struct vsvm_mmu *mmu, const struct vsvm_walk *w,
			  u64 va)
{
	unsigned int set = vsvm_tlb_set(w->pdb_sys, w->pdb_addr, va, w->shift);
	struct vsvm_tlb_entry *e = NULL;
	unsigned long flags;
	unsigned int way;

	spin_lock_irqsave(&mmu->lock, flags);
	if (mmu->gen != w->gen)
		goto out;
	/* Refill a matching entry, else use a free way, else evict. */
	for (way = 0; way < VSVM_TLB_WAYS && !e; way++)
		if (vsvm_tlb_match(&mmu->tlb[set + way], w, va, w->shift))
			e = &mmu->tlb[set + way];
	for (way = 0; way < VSVM_TLB_WAYS && !e; way++)
		if (!mmu->tlb[set + way].valid)
			e = &mmu->tlb[set + way];
	if (!e)
		e = &mmu->tlb[set + (mmu->victim++ % VSVM_TLB_WAYS)];
	e->valid = true;
	e->pdb_sys = w->pdb_sys;
	e->pdb_addr = w->pdb_addr;
	e->shift = w->shift;
	e->va = va & ~((1ULL << w->shift) - 1);
	e->pte = w->pte;
out:
	spin_unlock_irqrestore(&mmu->lock, flags);
}

static void vsvm_pdc_fill(struct vsvm_mmu *mmu, const struct vsvm_walk *w,
			  u64 va, u64 lo, u64 hi)
{
	unsigned int set = vsvm_pdc_set(w->pdb_sys, w->pdb_addr, va);
	struct vsvm_pde_cache_entry *pe = NULL;
	unsigned long flags;
	unsigned int way;

	spin_lock_irqsave(&mmu->lock, flags);
	if (mmu->gen != w->gen)
		goto out;
	for (way = 0; way < VSVM_TLB_WAYS && !pe; way++)
		if (vsvm_pdc_match(&mmu->pdc[set + way], w, va))
			pe = &mmu->pdc[set + way];
	for (way = 0; way < VSVM_TLB_WAYS && !pe; way++)
		if (!mmu->pdc[set + way].valid)
			pe = &mmu->pdc[set + way];
	if (!pe)
		pe = &mmu->pdc[set + (mmu->victim++ % VSVM_TLB_WAYS)];
	pe->valid = true;
	pe->pdb_sys = w->pdb_sys;
	pe->pdb_addr = w->pdb_addr;
	pe->va = va & ~((1ULL << VSVM_MMU_PD0_SHIFT) - 1);
	pe->lo = lo;
	pe->hi = hi;
out:
	spin_unlock_irqrestore(&mmu->lock, flags);
}

/*
 * Walk PD3..PD1 and read the dual PD0 entry.
 * Returns 0, -ENOENT (PDE fault) or -EFAULT (*bad_addr unreachable).
 */
static int vsvm_walk_dirs(struct vsvm_hw *hw, const struct vsvm_pdb *pdb,
			  u64 va, u64 *lo, u64 *hi, u64 *bad_addr)
{
	static const struct {
		unsigned int shift;
		unsigned int entries;
	} levels[] = {
		{ VSVM_MMU_PD3_SHIFT, VSVM_MMU_PD3_ENTRIES },
		{ VSVM_MMU_PD2_SHIFT, VSVM_MMU_PD_ENTRIES },
		{ VSVM_MMU_PD1_SHIFT, VSVM_MMU_PD_ENTRIES },
	};
	u8 target = pdb->target;
	u64 table = pdb->addr;
	unsigned int i;
	u64 entry, pde;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		entry = table + ((va >> levels[i].shift) &
				 (levels[i].entries - 1)) * VSVM_MMU_PDE_SIZE;
		if (vsvm_mem_read64(hw, target, entry, &pde)) {
			*bad_addr = entry;
			return -EFAULT;
		}
		if ((pde & NV_MMU_VER2_PDE_IS_PTE) ||
		    vsvm_pde_target(FIELD_GET(NV_MMU_VER2_PDE_APERTURE, pde),
				    &target))
			return -ENOENT;
		if (target == VSVM_TARGET_VID_MEM)
			table = FIELD_GET(NV_MMU_VER2_PDE_ADDRESS_VID, pde);
		else
			table = FIELD_GET(NV_MMU_VER2_PDE_ADDRESS_SYS, pde);
		table <<= NV_MMU_VER2_PDE_ADDRESS_SHIFT;
	}

	entry = table + ((va >> VSVM_MMU_PD0_SHIFT) &
			 (VSVM_MMU_PD0_ENTRIES - 1)) * VSVM_MMU_DUAL_PDE_SIZE;
	if (vsvm_mem_read64(hw, target, entry, lo) ||
	    vsvm_mem_read64(hw, target, entry + 8, hi)) {
		*bad_addr = entry;
		return -EFAULT;
	}
	return 0;
}

/*
 * Read the leaf PTE below a dual PD0 entry.
 * Returns 0 (w->pte/shift/sparse set), -ENOENT with *fault_type set, or
 * -EFAULT (*bad_addr unreachable).
 */
static int vsvm_walk_pt(struct vsvm_hw *hw, struct vsvm_walk *w, u64 va,
			u64 lo, u64 hi, u8 *fault_type, u64 *bad_addr)
{
	bool small, big, sparse = false;
	u8 small_target, big_target;
	u64 table, entry, pte;

	small = !vsvm_pde_target(FIELD_GET(NV_MMU_VER2_DUAL_PDE_APERTURE_SMALL,
					   hi), &small_target);
	big = !vsvm_pde_target(FIELD_GET(NV_MMU_VER2_DUAL_PDE_APERTURE_BIG, lo),
			       &big_target);
	if (!small && !big) {
		*fault_type = VSVM_FAULT_TYPE_PDE;
		return -ENOENT;
	}

	if (small) {
		if (small_target == VSVM_TARGET_VID_MEM)
			table = FIELD_GET(NV_MMU_VER2_DUAL_PDE_ADDRESS_SMALL_VID, hi);
		else
			table = FIELD_GET(NV_MMU_VER2_DUAL_PDE_ADDRESS_SMALL_SYS, hi);
		table <<= NV_MMU_VER2_DUAL_PDE_ADDRESS_SMALL_SHIFT;
		entry = table + ((va >> VSVM_MMU_PT4K_SHIFT) &
				 (VSVM_MMU_PT4K_ENTRIES - 1)) * VSVM_MMU_PTE_SIZE;
		if (vsvm_mem_read64(hw, small_target, entry, &pte)) {
			*bad_addr = entry;
			return -EFAULT;
		}
		if (pte & NV_MMU_VER2_PTE_VALID) {
			w->pte = pte;
			w->shift = VSVM_MMU_PT4K_SHIFT;
			return 0;
		}
		sparse = pte & NV_MMU_VER2_PTE_VOL;
	}

	if (big) {
		if (big_target == VSVM_TARGET_VID_MEM)
			table = FIELD_GET(NV_MMU_VER2_DUAL_PDE_ADDRESS_BIG_VID, lo);
		else
			table = FIELD_GET(NV_MMU_VER2_DUAL_PDE_ADDRESS_BIG_SYS, lo);
		table <<= NV_MMU_VER2_DUAL_PDE_ADDRESS_BIG_SHIFT;
		entry = table + ((va >> VSVM_MMU_PT64K_SHIFT) &
				 (VSVM_MMU_PT64K_ENTRIES - 1)) * VSVM_MMU_PTE_SIZE;
		if (vsvm_mem_read64(hw, big_target, entry, &pte)) {
			*bad_addr = entry;
			return -EFAULT;
		}
		if (pte & NV_MMU_VER2_PTE_VALID) {
			w->pte = pte;
			w->shift = VSVM_MMU_PT64K_SHIFT;
			return 0;
		}
		sparse = sparse || (pte & NV_MMU_VER2_PTE_VOL);
	}

	if (sparse) {
		w->sparse = true;
		return 0;
	}
	*fault_type = VSVM_FAULT_TYPE_PTE;
	return -ENOENT;
}

/* Check a leaf PTE against an access; fill @xl.  Returns 0 or a fault. */
static int vsvm_check_pte(u64 pte, unsigned int shift, u64 va, u8 access,
			  bool privileged, struct vsvm_xlate *xl,
			  u8 *fault_type)
{
	bool modifies = access == VSVM_FAULT_ACCESS_WRITE ||
			access == VSVM_FAULT_ACCESS_ATOMIC;
	u64 base;

	switch (FIELD_GET(NV_MMU_VER2_PTE_APERTURE, pte)) {
	case NV_MMU_VER2_PTE_APERTURE_VIDEO_MEMORY:
		xl->target = VSVM_TARGET_VID_MEM;
		base = FIELD_GET(NV_MMU_VER2_PTE_ADDRESS_VID, pte);
		break;
	case NV_MMU_VER2_PTE_APERTURE_SYSTEM_COHERENT_MEMORY:
		xl->target = VSVM_TARGET_SYS_MEM_COHERENT;
		base = FIELD_GET(NV_MMU_VER2_PTE_ADDRESS_SYS, pte);
		break;
	case NV_MMU_VER2_PTE_APERTURE_SYSTEM_NON_COHERENT_MEMORY:
		xl->target = VSVM_TARGET_SYS_MEM_NONCOHERENT;
		base = FIELD_GET(NV_MMU_VER2_PTE_ADDRESS_SYS, pte);
		break;
	default: /* peer memory: no peers here */
		*fault_type = VSVM_FAULT_TYPE_UNSUPPORTED_APERTURE;
		return -ENOENT;
	}
	if (FIELD_GET(NV_MMU_VER2_PTE_KIND, pte)) {
		*fault_type = VSVM_FAULT_TYPE_UNSUPPORTED_KIND;
		return -ENOENT;
	}
	if ((pte & NV_MMU_VER2_PTE_PRIVILEGE) && !privileged) {
		*fault_type = VSVM_FAULT_TYPE_PRIV_VIOLATION;
		return -ENOENT;
	}
	if (modifies && (pte & NV_MMU_VER2_PTE_READ_ONLY)) {
		*fault_type = VSVM_FAULT_TYPE_RO_VIOLATION;
		return -ENOENT;
	}
	if (access == VSVM_FAULT_ACCESS_ATOMIC &&
	    (pte & NV_MMU_VER2_PTE_ATOMIC_DISABLE)) {
		*fault_type = VSVM_FAULT_TYPE_ATOMIC_VIOLATION;
		return -ENOENT;
	}
	base <<= NV_MMU_VER2_PTE_ADDRESS_SHIFT;
	/* Large pages take their low address bits from the VA. */
	xl->addr = (base & ~((1ULL << shift) - 1)) | (va & ((1ULL << shift) - 1));
	xl->sparse = false;
	return 0;
}

/**
 * vsvm_mmu_translate() - translate a GPU virtual address
 * @hw: the device
 * @pdb: page directory base of the address space
 * @va: virtual address
 * @access: VSVM_FAULT_ACCESS_*
 * @privileged: the access may use PRIVILEGE pages
 * @xl: on success, where the byte at @va is
 * @fault_type: on -ENOENT, VSVM_FAULT_TYPE_*
 * @bad_addr: on -EFAULT, the page-table address that could not be read
 *
 * Uses the TLB; fills it on a successful walk unless an invalidate raced
 * with the walk.  May be called concurrently from several units; does not
 * sleep.
 *
 * Return: 0; -ENOENT for a fault (report it); -EFAULT if a page-table
 * pointer leads to memory the GPU cannot reach.
 */
int vsvm_mmu_translate(struct vsvm_hw *hw, const struct vsvm_pdb *pdb,
		       u64 va, u8 access, bool privileged,
		       struct vsvm_xlate *xl, u8 *fault_type, u64 *bad_addr)
{
	struct vsvm_mmu *mmu = &hw->mmu;
	struct vsvm_walk w = {
		.pdb_sys = vsvm_target_is_sys(pdb->target),
		.pdb_addr = pdb->addr,
	};
	bool pdc_hit;
	u64 lo, hi;
	int ret;

	if (va >> VSVM_VA_BITS) {
		*fault_type = VSVM_FAULT_TYPE_VA_LIMIT_VIOLATION;
		return -ENOENT;
	}

	if (vsvm_tlb_lookup(mmu, &w, va, &lo, &hi, &pdc_hit))
		return vsvm_check_pte(w.pte, w.shift, va, access, privileged,
				      xl, fault_type);

	if (!pdc_hit) {
		ret = vsvm_walk_dirs(hw, pdb, va, &lo, &hi, bad_addr);
		if (ret == -ENOENT) {
			*fault_type = VSVM_FAULT_TYPE_PDE;
			return -ENOENT;
		}
		if (ret)
			return ret;
		if (!(lo & NV_MMU_VER2_DUAL_PDE_IS_PTE))
			vsvm_pdc_fill(mmu, &w, va, lo, hi);
	}

	if (lo & NV_MMU_VER2_DUAL_PDE_IS_PTE) {
		w.pte = lo;
		w.shift = VSVM_MMU_PD0_SHIFT;
	} else {
		ret = vsvm_walk_pt(hw, &w, va, lo, hi, fault_type, bad_addr);
		if (ret)
			return ret;
		if (w.sparse) {
			xl->sparse = true;
			xl->target = VSVM_TARGET_VID_MEM;
			xl->addr = 0;
			return 0;
		}
	}
	vsvm_tlb_fill(mmu, &w, va);
	return vsvm_check_pte(w.pte, w.shift, va, access, privileged, xl,
			      fault_type);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_mmu_translate);

/**
 * vsvm_mmu_access_begin() - an execution unit starts translate-and-access
 * @hw: the device
 * @slot: execution unit index
 *
 * Until vsvm_mmu_access_end(), NV_PFB_PRI_MMU_CTRL.PRI_FIFO_EMPTY reads 0
 * if an invalidate was triggered after this call.
 */
void vsvm_mmu_access_begin(struct vsvm_hw *hw, unsigned int slot)
{
	struct vsvm_mmu *mmu = &hw->mmu;

	atomic64_set(&mmu->inflight[slot], READ_ONCE(mmu->gen) + 1);
	smp_mb(); /* publish before the TLB lookup reads mmu->gen */
}

/**
 * vsvm_mmu_access_end() - the access of vsvm_mmu_access_begin() is done
 * @hw: the device
 * @slot: execution unit index
 */
void vsvm_mmu_access_end(struct vsvm_hw *hw, unsigned int slot)
{
	atomic64_set_release(&hw->mmu.inflight[slot], 0);
}

static bool vsvm_mmu_inject_stuck_access;
module_param_named(inject_stuck_access, vsvm_mmu_inject_stuck_access, bool,
		   0600);
MODULE_PARM_DESC(inject_stuck_access,
		 "Fault injection: while set, a running launch keeps an access in flight for ever, so NV_PFB_PRI_MMU_CTRL.PRI_FIFO_EMPTY reads 0 until no launch runs (default off)");

static bool vsvm_mmu_fifo_empty(struct vsvm_hw *hw)
{
	struct vsvm_mmu *mmu = &hw->mmu;
	unsigned int i;
	u64 gen;

	if (READ_ONCE(vsvm_mmu_inject_stuck_access) && vsvm_exec_busy(hw))
		return false;

	smp_mb(); /* order against the generation bump of the invalidate */
	gen = READ_ONCE(mmu->gen);
	for (i = 0; i < mmu->num_slots; i++) {
		u64 v = atomic64_read(&mmu->inflight[i]);

		if (v && v - 1 < gen)
			return false;
	}
	return true;
}

/* The address (and aperture) in INVALIDATE_PDB/UPPER_PDB; mmu->lock held. */
static u64 vsvm_mmu_reg_pdb_locked(struct vsvm_mmu *mmu, bool *sys)
{
	*sys = mmu->reg_pdb & NV_PFB_PRI_MMU_INVALIDATE_PDB_APERTURE;
	return (u64)FIELD_GET(NV_PFB_PRI_MMU_INVALIDATE_PDB_ADDR,
			      mmu->reg_pdb) << 12 |
	       (u64)FIELD_GET(NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB_ADDR,
			      mmu->reg_upper_pdb) << 40;
}

static bool vsvm_range_hit(u64 start, u64 len, u64 inv_start, u64 inv_len)
{
	return start < inv_start + inv_len && inv_start < start + len;
}

static void vsvm_mmu_invalidate(struct vsvm_hw *hw, u32 val)
{
	struct vsvm_mmu *mmu = &hw->mmu;
	bool all_va = val & NV_PFB_PRI_MMU_INVALIDATE_ALL_VA;
	bool all_pdb = val & NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB;
	bool ptes_only = FIELD_GET(NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL, val) ==
			 NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_PTE_ONLY;
	unsigned long flags;
	u64 pdb_addr, va, size;
	unsigned int i;
	bool pdb_sys;

	spin_lock_irqsave(&mmu->lock, flags);
	pdb_addr = vsvm_mmu_reg_pdb_locked(mmu, &pdb_sys);
	va = mmu->reg_va;
	size = mmu->reg_size ? mmu->reg_size : 1ULL << VSVM_MMU_PT4K_SHIFT;

	WRITE_ONCE(mmu->gen, mmu->gen + 1);
	for (i = 0; i < VSVM_TLB_ENTRIES; i++) {
		struct vsvm_tlb_entry *e = &mmu->tlb[i];

		if (!e->valid)
			continue;
		if (!all_pdb && (e->pdb_sys != pdb_sys ||
				 e->pdb_addr != pdb_addr))
			continue;
		if (!all_va && !vsvm_range_hit(e->va, 1ULL << e->shift, va,
					       size))
			continue;
		e->valid = false;
	}
	for (i = 0; !ptes_only && i < VSVM_PDE_CACHE_ENTRIES; i++) {
		struct vsvm_pde_cache_entry *pe = &mmu->pdc[i];

		if (!pe->valid)
			continue;
		if (!all_pdb && (pe->pdb_sys != pdb_sys ||
				 pe->pdb_addr != pdb_addr))
			continue;
		if (!all_va && !vsvm_range_hit(pe->va, 1ULL << VSVM_MMU_PD0_SHIFT,
					       va, size))
			continue;
		pe->valid = false;
	}
	spin_unlock_irqrestore(&mmu->lock, flags);
}

/**
 * vsvm_mmu_reg() - is @reg an MMU register?
 * @reg: register offset
 *
 * Return: true for the registers vsvm_mmu_rd32()/wr32() handle.
 */
bool vsvm_mmu_reg(u32 reg)
{
	switch (reg) {
	case NV_PFB_PRI_MMU_CTRL:
	case NV_PFB_PRI_MMU_INVALIDATE_PDB:
	case NV_PFB_PRI_MMU_INVALIDATE:
	case NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB:
	case VSVM_MMU_INVALIDATE_VA_LO:
	case VSVM_MMU_INVALIDATE_VA_HI:
	case VSVM_MMU_INVALIDATE_SIZE_LO:
	case VSVM_MMU_INVALIDATE_SIZE_HI:
		return true;
	default:
		return false;
	}
}

/**
 * vsvm_mmu_rd32() - read an MMU register
 * @hw: the device
 * @reg: register offset (vsvm_mmu_reg() is true)
 *
 * Return: the value.
 */
u32 vsvm_mmu_rd32(struct vsvm_hw *hw, u32 reg)
{
	struct vsvm_mmu *mmu = &hw->mmu;
	unsigned long flags;
	u32 val;

	if (reg == NV_PFB_PRI_MMU_CTRL)
		return FIELD_PREP(NV_PFB_PRI_MMU_CTRL_PRI_FIFO_SPACE, 0x10) |
		       (vsvm_mmu_fifo_empty(hw) ?
			NV_PFB_PRI_MMU_CTRL_PRI_FIFO_EMPTY : 0);

	spin_lock_irqsave(&mmu->lock, flags);
	switch (reg) {
	case NV_PFB_PRI_MMU_INVALIDATE_PDB:
		val = mmu->reg_pdb;
		break;
	case NV_PFB_PRI_MMU_INVALIDATE:
		/* TRIGGER reads 0: the invalidate completed. */
		val = mmu->reg_invalidate & ~NV_PFB_PRI_MMU_INVALIDATE_TRIGGER;
		break;
	case NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB:
		val = mmu->reg_upper_pdb;
		break;
	case VSVM_MMU_INVALIDATE_VA_LO:
		val = lower_32_bits(mmu->reg_va);
		break;
	case VSVM_MMU_INVALIDATE_VA_HI:
		val = upper_32_bits(mmu->reg_va);
		break;
	case VSVM_MMU_INVALIDATE_SIZE_LO:
		val = lower_32_bits(mmu->reg_size);
		break;
	default:
		val = upper_32_bits(mmu->reg_size);
		break;
	}
	spin_unlock_irqrestore(&mmu->lock, flags);
	return val;
}

/**
 * vsvm_mmu_wr32() - write an MMU register
 * @hw: the device
 * @reg: register offset (vsvm_mmu_reg() is true)
 * @val: the value
 *
 * A write of NV_PFB_PRI_MMU_INVALIDATE with TRIGGER invalidates, then
 * hands the REPLAY field to the fault unit.
 */
void vsvm_mmu_wr32(struct vsvm_hw *hw, u32 reg, u32 val)
{
	struct vsvm_mmu *mmu = &hw->mmu;
	unsigned long flags;

	spin_lock_irqsave(&mmu->lock, flags);
	switch (reg) {
	case NV_PFB_PRI_MMU_INVALIDATE_PDB:
		mmu->reg_pdb = val;
		break;
	case NV_PFB_PRI_MMU_INVALIDATE:
		mmu->reg_invalidate = val;
		break;
	case NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB:
		mmu->reg_upper_pdb = val & NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB_ADDR;
		break;
	case VSVM_MMU_INVALIDATE_VA_LO:
		mmu->reg_va = (mmu->reg_va & ~0xffffffffULL) | val;
		break;
	case VSVM_MMU_INVALIDATE_VA_HI:
		mmu->reg_va = (mmu->reg_va & 0xffffffffULL) | (u64)val << 32;
		break;
	case VSVM_MMU_INVALIDATE_SIZE_LO:
		mmu->reg_size = (mmu->reg_size & ~0xffffffffULL) | val;
		break;
	case VSVM_MMU_INVALIDATE_SIZE_HI:
		mmu->reg_size = (mmu->reg_size & 0xffffffffULL) | (u64)val << 32;
		break;
	default:
		break;
	}
	spin_unlock_irqrestore(&mmu->lock, flags);

	if (reg == NV_PFB_PRI_MMU_INVALIDATE &&
	    (val & NV_PFB_PRI_MMU_INVALIDATE_TRIGGER)) {
		vsvm_mmu_invalidate(hw, val);
		if (FIELD_GET(NV_PFB_PRI_MMU_INVALIDATE_REPLAY, val)) {
			bool sys;
			u64 inst;

			/* A targeted cancel names the instance block there. */
			spin_lock_irqsave(&mmu->lock, flags);
			inst = vsvm_mmu_reg_pdb_locked(mmu, &sys);
			spin_unlock_irqrestore(&mmu->lock, flags);
			vsvm_fault_replay(hw, val, sys, inst);
		}
	}
}

/**
 * vsvm_mmu_init() - allocate the TLB and page-directory cache
 * @hw: the device (num_eus set)
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_mmu_init(struct vsvm_hw *hw)
{
	struct vsvm_mmu *mmu = &hw->mmu;

	spin_lock_init(&mmu->lock);
	mmu->num_slots = hw->num_eus;
	mmu->tlb = kvcalloc(VSVM_TLB_ENTRIES, sizeof(*mmu->tlb), GFP_KERNEL);
	mmu->pdc = kvcalloc(VSVM_PDE_CACHE_ENTRIES, sizeof(*mmu->pdc),
			    GFP_KERNEL);
	mmu->inflight = kcalloc(mmu->num_slots, sizeof(*mmu->inflight),
				GFP_KERNEL);
	if (!mmu->tlb || !mmu->pdc || !mmu->inflight) {
		vsvm_mmu_fini(hw);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vsvm_mmu_fini() - free the MMU caches
 * @hw: the device; no translation may be in flight
 */
void vsvm_mmu_fini(struct vsvm_hw *hw)
{
	struct vsvm_mmu *mmu = &hw->mmu;

	kvfree(mmu->tlb);
	kvfree(mmu->pdc);
	kfree(mmu->inflight);
	mmu->tlb = NULL;
	mmu->pdc = NULL;
	mmu->inflight = NULL;
}
