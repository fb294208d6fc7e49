// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPU page tables in NVIDIA MMU format version 2 (GP100), in system memory
 * that the GPU reads by DMA (vsvm_dma.c): directory entries and the PDB
 * hold DMA addresses of the bus device.
 *
 * Five levels: PD3 (4 entries used), PD2 and PD1 (512 each), the dual PD0
 * (256 entries of 16 bytes: a 2 MiB PTE or 64 KiB-table pointer in the low
 * qword, the 4 KiB-table pointer in the high qword) and the 4 KiB PT (512
 * PTEs). Every table is one zeroed 4 KiB page, allocated on demand by
 * vsvm_vmm_prepare() under vmm->lock. After a munmap() a work item (or the
 * next fault) gives back the tables left empty: vsvm_vmm_trim(), under
 * both vmm->lock and the PTE lock, so that neither the tree walkers of the
 * invalidation path nor a concurrent prepare can see a table being freed.
 * The rest go with the tree when the file closes. Entries are written with
 * WRITE_ONCE(), a child's contents before the parent's pointer to it.
 *
 * The PTEs are hmm_range_fault() output in a format with a DMA device, so
 * each valid system PTE owns a DMA mapping (a 2 MiB PTE one 2 MiB mapping).
 * A PTE's mapping is undone only after it left the tables and the GPU TLB
 * was flushed: vsvm_vmm_unmap() collects what it clears for
 * vsvm_vmm_unmap_stale(), vsvm_vmm_unmap_replaced() undoes what a new
 * snapshot replaced, and vsvm_vmm_fini() undoes whatever is left.
 */
#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/iopoll.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "hw/vsvm_mmu_format.h"

enum { VSVM_PD3, VSVM_PD2, VSVM_PD1, VSVM_PD0, VSVM_PT, VSVM_LEVELS };

static const unsigned int vsvm_level_shift[VSVM_LEVELS] = {
	VSVM_MMU_PD3_SHIFT, VSVM_MMU_PD2_SHIFT, VSVM_MMU_PD1_SHIFT,
	VSVM_MMU_PD0_SHIFT, VSVM_MMU_PT4K_SHIFT,
};

static const unsigned int vsvm_level_entries[VSVM_LEVELS] = {
	VSVM_MMU_PD3_ENTRIES, VSVM_MMU_PD_ENTRIES, VSVM_MMU_PD_ENTRIES,
	VSVM_MMU_PD0_ENTRIES, VSVM_MMU_PT4K_ENTRIES,
};

static unsigned int vsvm_idx(unsigned int level, u64 va)
{
	return (va >> vsvm_level_shift[level]) & (vsvm_level_entries[level] - 1);
}

/* Does the counter the address space shares stand at its limit? */
static bool vsvm_vmm_full(struct vsvm_vmm *vmm)
{
	u32 max = vmm->max_tables ? READ_ONCE(*vmm->max_tables) : 0;

	return max && atomic_read(vmm->tables) >= max;
}

/* Tables are charged to the memory cgroup of the task that needs them. */
static struct vsvm_pt *vsvm_pt_alloc(struct vsvm_vmm *vmm, unsigned int level)
{
	struct vsvm_pt *pt;

	if (level != VSVM_PD3 && vsvm_vmm_full(vmm))
		return NULL;
	pt = kzalloc(sizeof(*pt), GFP_KERNEL_ACCOUNT);
	if (!pt)
		return NULL;
	if (vsvm_dma_pages_alloc(vmm->vdev, &pt->mem, 0, GFP_KERNEL_ACCOUNT))
		goto err;
	pt->entries = pt->mem.vaddr;
	if (level != VSVM_PT) {
		pt->child = kcalloc(vsvm_level_entries[level],
				    sizeof(*pt->child), GFP_KERNEL_ACCOUNT);
		if (!pt->child)
			goto err_page;
	}
	atomic_inc(vmm->tables);
	return pt;

err_page:
	vsvm_dma_pages_free(vmm->vdev, &pt->mem);
err:
	kfree(pt);
	return NULL;
}

/* A 2 MiB PTE as hmm_range_fault() wrote it, for its DMA unmapping. */
static u64 vsvm_pte_2m_entry(const struct vsvm_vmm *vmm, u64 pte)
{
	return pte | vmm->fmt->flags[HMM_PFN_FLAG_HUGE];
}

/*
 * Free a table and those below it, undoing the DMA mappings of the valid
 * PTEs they still hold (the GPU no longer uses any of them).
 */
static void vsvm_pt_free(struct vsvm_vmm *vmm, struct vsvm_pt *pt,
			 unsigned int level)
{
	unsigned int i;
	u64 e;

	if (!pt)
		return;
	if (pt->child) {
		for (i = 0; i < vsvm_level_entries[level]; i++) {
			e = pt->entries[level == VSVM_PD0 ? 2 * i : i];
			if (level == VSVM_PD0 &&
			    (e & NV_MMU_VER2_DUAL_PDE_IS_PTE))
				hmm_format_dma_unmap(vmm->fmt,
						     vsvm_pte_2m_entry(vmm, e));
			vsvm_pt_free(vmm, pt->child[i], level + 1);
		}
		kfree(pt->child);
	} else if (level == VSVM_PT) {
		for (i = 0; i < VSVM_MMU_PT4K_ENTRIES; i++)
			if (pt->entries[i] & NV_MMU_VER2_PTE_VALID)
				hmm_format_dma_unmap(vmm->fmt, pt->entries[i]);
	}
	vsvm_dma_pages_free(vmm->vdev, &pt->mem);
	kfree(pt);
	atomic_dec(vmm->tables);
}

static dma_addr_t vsvm_pt_dma(const struct vsvm_pt *pt)
{
	return pt->mem.dma;
}

/* Pointer to a next-level table, in the PDE encoding (system coherent). */
static u64 vsvm_pde(const struct vsvm_pt *child)
{
	return FIELD_PREP(NV_MMU_VER2_PDE_APERTURE,
			  NV_MMU_VER2_PDE_APERTURE_SYSTEM_COHERENT_MEMORY) |
	       FIELD_PREP(NV_MMU_VER2_PDE_ADDRESS_SYS,
			  vsvm_pt_dma(child) >> NV_MMU_VER2_PDE_ADDRESS_SHIFT);
}

/**
 * vsvm_vmm_init() - create an empty GPU address space
 * @vmm: the address space
 * @vdev: the device (its bus device maps the tables, its SVM format is the
 *	PTEs')
 * @tables: the counter of page-table pages it adds to (shared by the
 *	address spaces that are limited together)
 * @max_tables: the most page-table pages @tables may reach, read at every
 *	allocation (0 or NULL: no limit; the root is always allocated)
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_vmm_init(struct vsvm_vmm *vmm, struct vsvm_device *vdev,
		  atomic_t *tables, const u32 *max_tables)
{
	vmm->vdev = vdev;
	vmm->fmt = &vdev->svm_format;
	vmm->tables = tables;
	vmm->max_tables = max_tables;
	mutex_init(&vmm->lock);
	vmm->trim = false;
	vmm->pd3 = vsvm_pt_alloc(vmm, VSVM_PD3);
	return vmm->pd3 ? 0 : -ENOMEM;
}

/**
 * vsvm_vmm_fini() - free every table of an address space
 * @vmm: the address space; no channel may use it any more and the TLB must
 *	have been invalidated for it
 *
 * The DMA mappings of the PTEs still valid are undone.
 */
void vsvm_vmm_fini(struct vsvm_vmm *vmm)
{
	vsvm_vmm_free_tables(vmm);
	mutex_destroy(&vmm->lock);
}

/**
 * vsvm_vmm_free_tables() - free every table of an address space that stays
 * @vmm: the address space; as for vsvm_vmm_fini()
 *
 * For the unbind of the device: the DMA mappings of the PTEs still valid
 * are undone and the tables freed; the address space is then empty for
 * good (nothing may prepare or map it again).
 */
void vsvm_vmm_free_tables(struct vsvm_vmm *vmm)
{
	vsvm_pt_free(vmm, vmm->pd3, VSVM_PD3);
	vmm->pd3 = NULL;
}

/**
 * vsvm_vmm_pdb() - the page directory base of an address space
 * @vmm: the address space
 *
 * Return: the DMA address of its PD3.
 */
dma_addr_t vsvm_vmm_pdb(struct vsvm_vmm *vmm)
{
	return vsvm_pt_dma(vmm->pd3);
}

/*
 * The 4 KiB table and PD0 slot covering va, allocating missing levels when
 * alloc is set (vmm->lock held). NULL if absent or out of memory.
 */
static struct vsvm_pt *vsvm_vmm_walk(struct vsvm_vmm *vmm, u64 va,
				     bool alloc, struct vsvm_pt **pd0)
{
	struct vsvm_pt *pt = vmm->pd3, *next;
	unsigned int level, i;

	for (level = VSVM_PD3; level < VSVM_PT; level++) {
		i = vsvm_idx(level, va);
		if (level == VSVM_PD0)
			*pd0 = pt;
		/* Paired with the release below: a table is whole when seen. */
		next = smp_load_acquire(&pt->child[i]);
		if (!next) {
			if (!alloc)
				return NULL;
			next = vsvm_pt_alloc(vmm, level + 1);
			if (!next)
				return NULL;
			/* Readers without vmm->lock see a whole table. */
			smp_store_release(&pt->child[i], next);
			/* The zeroed table is visible before the GPU pointer. */
			wmb();
			if (level == VSVM_PD0)
				WRITE_ONCE(pt->entries[2 * i + 1], vsvm_pde(next));
			else
				WRITE_ONCE(pt->entries[i], vsvm_pde(next));
		}
		pt = next;
	}
	return pt;
}

/**
 * vsvm_vmm_prepare() - make sure every table covering a range exists
 * @vmm: the address space
 * @start: first address
 * @end: end address (exclusive)
 *
 * Called with vmm->lock held, which the caller keeps until the PTEs are
 * written (under the svmm mutex, where nothing may be allocated), so that
 * no trim can take the tables away in between.
 *
 * Return: 0, -ENOSPC when the address space holds as many tables as it
 * may, or -ENOMEM (tables made so far stay: vsvm_vmm_trim() gives them
 * back).
 */
int vsvm_vmm_prepare(struct vsvm_vmm *vmm, u64 start, u64 end)
{
	struct vsvm_pt *pd0;
	u64 va;
	int ret = 0;

	lockdep_assert_held(&vmm->lock);
	for (va = start & ~((1ULL << VSVM_MMU_PD0_SHIFT) - 1); va < end;
	     va += 1ULL << VSVM_MMU_PD0_SHIFT) {
		if (!vsvm_vmm_walk(vmm, va, true, &pd0)) {
			ret = vsvm_vmm_full(vmm) ? -ENOSPC : -ENOMEM;
			break;
		}
	}
	return ret;
}

/**
 * vsvm_vmm_map() - write hmm_range_fault() output into the page tables
 * @vmm: the address space, prepared over the range
 * @fmt: the device format the words were written with
 * @start: address of @words[0], page aligned
 * @words: device entries, one per 4 KiB page
 * @npages: number of words
 * @stats: counters to update
 *
 * Valid words are GP100 PTEs and go in as they are. A 2 MiB-aligned run of
 * 512 HUGE words becomes one 2 MiB PTE in PD0 (the format's HUGE marker
 * masked off). Other words clear their PTE. Only entries whose value
 * changes are written (a window is snapshotted whole on every fault, so
 * most of it is usually in place already); @stats counts the PTEs that
 * became valid or changed. Caller holds the svmm mutex and invalidates
 * the TLB afterwards.
 */
void vsvm_vmm_map(struct vsvm_vmm *vmm, const struct hmm_pfn_format *fmt,
		  u64 start, const unsigned long *words, unsigned long npages,
		  struct vsvm_stats *stats)
{
	const unsigned long per_pd0 = 1UL << (VSVM_MMU_PD0_SHIFT - PAGE_SHIFT);
	const u64 huge = fmt->flags[HMM_PFN_FLAG_HUGE];
	unsigned long i = 0, j, n4k = 0, n2m = 0;
	struct vsvm_pt *pt, *pd0 = NULL;
	u64 va, *slot, pte;

	while (i < npages) {
		va = start + ((u64)i << PAGE_SHIFT);
		pt = vsvm_vmm_walk(vmm, va, false, &pd0);
		if (WARN_ON_ONCE(!pt))	/* not prepared */
			return;
		slot = &pd0->entries[2 * vsvm_idx(VSVM_PD0, va)];

		if (!(va & ((1ULL << VSVM_MMU_PD0_SHIFT) - 1)) &&
		    npages - i >= per_pd0 &&
		    hmm_format_entry_is_valid(fmt, words[i]) &&
		    hmm_format_entry_is_huge(fmt, words[i]) &&
		    hmm_format_entry_is_huge(fmt, words[i + per_pd0 - 1])) {
			pte = words[i] & ~huge;
			if (READ_ONCE(*slot) != pte) {
				/* The small PTEs are shadowed; clear them. */
				for (j = 0; j < per_pd0; j++)
					WRITE_ONCE(pt->entries[j], 0);
				WRITE_ONCE(*slot, pte);
				n2m++;
			}
			i += per_pd0;
			continue;
		}
		/* A 2 MiB PTE here no longer matches the CPU: drop it. */
		if (READ_ONCE(*slot) & NV_MMU_VER2_DUAL_PDE_IS_PTE)
			WRITE_ONCE(*slot, 0);
		j = vsvm_idx(VSVM_PT, va);
		do {
			pte = hmm_format_entry_is_valid(fmt, words[i]) ?
			      words[i] & ~huge : 0;
			if (READ_ONCE(pt->entries[j]) != pte) {
				WRITE_ONCE(pt->entries[j], pte);
				n4k += pte != 0;
			}
			i++;
			j++;
		} while (i < npages && j < VSVM_MMU_PT4K_ENTRIES);
	}
	atomic64_add(n4k, &stats->pages_4k);
	atomic64_add(n2m, &stats->pages_2m);
}

/* Keep a cleared PTE for vsvm_vmm_unmap_stale(). */
static void vsvm_stale_add(struct vsvm_stale *stale, u64 entry)
{
	/* An unmap covers at most one window: 512 PTEs or one 2 MiB PTE. */
	if (!WARN_ON_ONCE(stale->n >= VSVM_WINDOW_PAGES))
		stale->entries[stale->n++] = entry;
}

static bool vsvm_unmap_pt(struct vsvm_pt *pt, u64 start, u64 end,
			  struct vsvm_stale *stale)
{
	unsigned int j = vsvm_idx(VSVM_PT, start);
	bool cleared = false;
	u64 va, pte;

	for (va = start; va < end; va += PAGE_SIZE, j++) {
		pte = READ_ONCE(pt->entries[j]);
		if (pte & NV_MMU_VER2_PTE_VALID) {
			WRITE_ONCE(pt->entries[j], 0);
			vsvm_stale_add(stale, pte);
			cleared = true;
		}
	}
	return cleared;
}

/* Clear [start, end), which lies inside the area that pt (at level) maps. */
static bool vsvm_unmap_level(struct vsvm_vmm *vmm, struct vsvm_pt *pt,
			     unsigned int level, u64 start, u64 end,
			     struct vsvm_stale *stale)
{
	u64 span = 1ULL << vsvm_level_shift[level], va, next, *slot, pte;
	struct vsvm_pt *child;
	bool cleared = false;
	unsigned int i;

	for (va = start; va < end; va = next) {
		next = min((va | (span - 1)) + 1, end);
		if (!next)	/* wrapped past the top of the address space */
			next = end;
		i = vsvm_idx(level, va);
		if (level == VSVM_PD0) {
			slot = &pt->entries[2 * i];
			pte = READ_ONCE(*slot);
			if (pte & NV_MMU_VER2_DUAL_PDE_IS_PTE) {
				/* Part of a 2 MiB page goes: all of it goes. */
				WRITE_ONCE(*slot, 0);
				vsvm_stale_add(stale,
					       vsvm_pte_2m_entry(vmm, pte));
				cleared = true;
			}
		}
		/* Pairs with the release in vsvm_vmm_walk(). */
		child = smp_load_acquire(&pt->child[i]);
		if (!child)
			continue;
		if (level + 1 == VSVM_PT)
			cleared |= vsvm_unmap_pt(child, va, next, stale);
		else
			cleared |= vsvm_unmap_level(vmm, child, level + 1, va,
						    next, stale);
	}
	return cleared;
}

/**
 * vsvm_vmm_unmap() - clear the PTEs of a range
 * @vmm: the address space
 * @start: first address
 * @end: end address (exclusive), in the same 2 MiB window as @start
 * @stale: receives the PTEs cleared; must be empty
 *
 * Clears 4 KiB and 2 MiB PTEs, skipping whatever has no table; tables stay.
 * Never allocates or sleeps: callable from a non-blocking invalidation,
 * concurrently with vsvm_vmm_prepare() (which only adds tables). Caller
 * holds the svmm mutex, invalidates the TLB afterwards, and then calls
 * vsvm_vmm_unmap_stale().
 *
 * Return: true if any valid PTE was cleared.
 */
bool vsvm_vmm_unmap(struct vsvm_vmm *vmm, u64 start, u64 end,
		    struct vsvm_stale *stale)
{
	end = min_t(u64, end, 1ULL << VSVM_VA_BITS);
	if (start >= end)
		return false;
	if (WARN_ON_ONCE(stale->n ||
			 (start ^ (end - 1)) >> VSVM_WINDOW_SHIFT))
		return false;
	stale->start = start;
	stale->end = end;
	return vsvm_unmap_level(vmm, vmm->pd3, VSVM_PD3, start, end, stale);
}

/**
 * vsvm_vmm_unmap_stale() - undo the DMA mappings of cleared PTEs
 * @vmm: the address space
 * @stale: what vsvm_vmm_unmap() cleared; the GPU TLB has been flushed for
 *	it since and no GPU access through those PTEs is in flight
 *
 * Never sleeps. Empties @stale.
 */
void vsvm_vmm_unmap_stale(struct vsvm_vmm *vmm, struct vsvm_stale *stale)
{
	unsigned int i;

	for (i = 0; i < stale->n; i++)
		hmm_format_dma_unmap(vmm->fmt, stale->entries[i]);
	stale->n = 0;
}

/**
 * vsvm_vmm_installed() - the PTEs of a range as hmm_range_fault() wrote them
 * @vmm: the address space
 * @start: first address
 * @npages: pages from @start, all in @start's 2 MiB window
 * @installed: one word per page: its PTE, or 0
 *
 * A 2 MiB PTE gives the entries of its run, as HMM's output had them.
 * For &hmm_range.installed: caller holds vmm->lock (prepared tables stay)
 * and the svmm mutex (the PTEs stay until it drops it).
 */
void vsvm_vmm_installed(struct vsvm_vmm *vmm, u64 start,
			unsigned long npages, unsigned long *installed)
{
	const u64 step = 1ULL << vmm->fmt->pfn_shift;
	unsigned int j = vsvm_idx(VSVM_PT, start);
	struct vsvm_pt *pt, *pd0 = NULL;
	unsigned long i;
	u64 slot;

	pt = vsvm_vmm_walk(vmm, start, false, &pd0);
	slot = pd0 ? READ_ONCE(pd0->entries[2 * vsvm_idx(VSVM_PD0, start)]) : 0;
	for (i = 0; i < npages && j + i < VSVM_MMU_PT4K_ENTRIES; i++) {
		if (slot & NV_MMU_VER2_DUAL_PDE_IS_PTE)
			installed[i] = vsvm_pte_2m_entry(vmm, slot) +
				       (j + i) * step;
		else
			installed[i] = pt ? READ_ONCE(pt->entries[j + i]) : 0;
	}
}

/**
 * vsvm_vmm_unmap_replaced() - undo the mappings a new snapshot replaced
 * @vmm: the address space
 * @words: the snapshot vsvm_vmm_map() installed
 * @installed: the window's entries before it (vsvm_vmm_installed())
 * @npages: entries in each
 *
 * Every valid entry of @installed that @words does not carry on is
 * unmapped (a 2 MiB run once). The GPU TLB must have been flushed since
 * vsvm_vmm_map().
 */
void vsvm_vmm_unmap_replaced(struct vsvm_vmm *vmm, const unsigned long *words,
			     const unsigned long *installed,
			     unsigned long npages)
{
	unsigned long i = 0, n;

	while (i < npages) {
		n = 1;
		if (hmm_format_entry_is_valid(vmm->fmt, installed[i]) &&
		    words[i] != installed[i])
			n = max(hmm_format_dma_unmap(vmm->fmt, installed[i]),
				1UL);
		i += n;
	}
}

/**
 * vsvm_vmm_window_used() - does a 2 MiB window have a table or a PTE?
 * @vmm: the address space
 * @va: an address of the window
 *
 * Caller holds vmm->lock (the tree's shape stays).
 *
 * Return: true if a 2 MiB PTE or a 4 KiB table covers it.
 */
bool vsvm_vmm_window_used(struct vsvm_vmm *vmm, u64 va)
{
	struct vsvm_pt *pt = vmm->pd3;
	unsigned int level;

	lockdep_assert_held(&vmm->lock);
	for (level = VSVM_PD3; level < VSVM_PD0 && pt; level++)
		pt = pt->child[vsvm_idx(level, va)];
	if (!pt)
		return false;
	return pt->child[vsvm_idx(VSVM_PD0, va)] ||
	       (READ_ONCE(pt->entries[2 * vsvm_idx(VSVM_PD0, va)]) &
		NV_MMU_VER2_DUAL_PDE_IS_PTE);
}

/* Is every entry of a table zero? */
static bool vsvm_pt_empty(const struct vsvm_pt *pt)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		if (READ_ONCE(pt->entries[i]))
			return false;
	return true;
}

/*
 * Unlink the empty children of pt (at level), bottom up, onto *freed.
 * Returns true if pt itself is empty afterwards.
 */
static bool vsvm_trim_level(struct vsvm_pt *pt, unsigned int level,
			    struct vsvm_pt **freed)
{
	struct vsvm_pt *child;
	unsigned int i;

	if (level == VSVM_PT)
		return vsvm_pt_empty(pt);
	for (i = 0; i < vsvm_level_entries[level]; i++) {
		child = pt->child[i];
		if (!child || !vsvm_trim_level(child, level + 1, freed))
			continue;
		/* Only the pointer to the child: a 2 MiB PTE stays. */
		if (level == VSVM_PD0)
			WRITE_ONCE(pt->entries[2 * i + 1], 0);
		else
			WRITE_ONCE(pt->entries[i], 0);
		pt->child[i] = NULL;
		child->next_free = *freed;
		*freed = child;
	}
	return vsvm_pt_empty(pt);
}

/**
 * vsvm_vmm_trim() - give back the page tables that unmaps left empty
 * @vdev: the device
 * @vmm: the address space
 * @flush: invalidates the TLB for a range of @vmm and waits for in-flight
 *	accesses (0), recovering from a device error if it can
 *
 * Caller holds vmm->lock and the PTE lock (the svmm mutex): the tables
 * freed here are then unreachable from every walker. The TLB and cached
 * directory walks are flushed, and in-flight GPU accesses drained, before
 * the pages are freed; if they do not drain (a device error the caller's
 * @flush could not recover from), the tables are not freed but leaked.
 */
void vsvm_vmm_trim(struct vsvm_device *vdev, struct vsvm_vmm *vmm,
		   int (*flush)(struct vsvm_vmm *vmm, u64 start, u64 end))
{
	struct vsvm_pt *freed = NULL, *pt;

	lockdep_assert_held(&vmm->lock);
	vmm->trim = false;
	vsvm_trim_level(vmm->pd3, VSVM_PD3, &freed);
	if (!freed)
		return;
	if (flush(vmm, 0, 1ULL << VSVM_VA_BITS)) {
		drm_err_ratelimited(&vdev->drm,
				    "GPU still uses old page tables; leaking them\n");
		return;
	}
	while (freed) {
		pt = freed;
		freed = pt->next_free;
		kfree(pt->child);
		pt->child = NULL;
		vsvm_pt_free(vmm, pt, VSVM_PT);
	}
}

/**
 * vsvm_vmm_flush() - invalidate the GPU TLB for a range of an address space
 * @vdev: the device
 * @vmm: the address space
 * @start: first address
 * @end: end address (exclusive)
 *
 * @may_sleep: the caller may sleep while it waits
 *
 * Drops cached translations and page-directory walks of the range, then
 * waits until no GPU access that started before is still in flight, so
 * that the caller may reuse what the old entries pointed at. The wait
 * spins briefly with interrupts enabled, then (@may_sleep) sleeps between
 * polls up to VSVM_TLB_FLUSH_TIMEOUT_US.
 *
 * Return: 0, or -ETIMEDOUT if accesses are still in flight: a device
 * error, the old entries may still be in use (see vsvm_svm_flush()).
 */
int vsvm_vmm_flush(struct vsvm_device *vdev, struct vsvm_vmm *vmm,
		   u64 start, u64 end, bool may_sleep)
{
	dma_addr_t pdb = vsvm_vmm_pdb(vmm);
	u64 size = end - start;
	unsigned long flags;
	u32 ctrl;
	int ret;

	spin_lock_irqsave(&vdev->reg_lock, flags);
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_INVALIDATE_PDB,
		  FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_PDB_APERTURE, 1) |
		  FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_PDB_ADDR,
			     (u32)(pdb >> 12)));
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB,
		  FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB_ADDR,
			     (u32)((u64)pdb >> 40)));
	vsvm_wr32(vdev, VSVM_MMU_INVALIDATE_VA_LO, lower_32_bits(start));
	vsvm_wr32(vdev, VSVM_MMU_INVALIDATE_VA_HI, upper_32_bits(start));
	vsvm_wr32(vdev, VSVM_MMU_INVALIDATE_SIZE_LO, lower_32_bits(size));
	vsvm_wr32(vdev, VSVM_MMU_INVALIDATE_SIZE_HI, upper_32_bits(size));
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_INVALIDATE,
		  NV_PFB_PRI_MMU_INVALIDATE_TRIGGER |
		  FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL,
			     NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_ALL));
	spin_unlock_irqrestore(&vdev->reg_lock, flags);

	/* Drained at once unless a GPU access is stuck. */
	ret = read_poll_timeout_atomic(vsvm_rd32, ctrl,
				       ctrl & NV_PFB_PRI_MMU_CTRL_PRI_FIFO_EMPTY,
				       1, VSVM_TLB_FLUSH_SPIN_US, false, vdev,
				       NV_PFB_PRI_MMU_CTRL);
	if (ret && may_sleep)
		ret = read_poll_timeout(vsvm_rd32, ctrl,
					ctrl & NV_PFB_PRI_MMU_CTRL_PRI_FIFO_EMPTY,
					50, VSVM_TLB_FLUSH_TIMEOUT_US, false,
					vdev, NV_PFB_PRI_MMU_CTRL);
	return ret;
}
