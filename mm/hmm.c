// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HMM range snapshot and fault.
 *
 * hmm_range_fault() walks the CPU page table over a virtual range and writes
 * one word per page: either HMM's generic encoding (enum hmm_pfn_flags) or,
 * when the caller supplies a struct hmm_pfn_format, the device's own page
 * table entry, DMA address included if the format names a DMA device.
 *
 * Pages whose input word carries a request are faulted in with
 * handle_mm_fault() first; after such a fault the walk starts again at the
 * first page that has not been written yet (struct hmm_walk_state::last).
 * Words below that address already hold their final output and are never
 * produced twice, which is what keeps DMA mappings balanced.
 */
#include <linux/pagewalk.h>
#include <linux/hmm.h>
#include <linux/init.h>
#include <linux/rmap.h>
#include <linux/swap.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/mmzone.h>
#include <linux/pagemap.h>
#include <linux/swapops.h>
#include <linux/hugetlb.h>
#include <linux/memremap.h>
#include <linux/sched/mm.h>
#include <linux/dma-mapping.h>
#include <linux/mmu_notifier.h>

#include "internal.h"

/* Number of small pages in one PMD mapping. */
#define HMM_PMD_NR_PAGES	(1UL << (PMD_SHIFT - PAGE_SHIFT))

/*
 * Everything the walk callbacks need, with the format folded into ready-made
 * words so that the per-page work is an OR and a shift.
 */
struct hmm_walk_state {
	struct hmm_range	*range;
	/* Restart address after -EBUSY: words below it hold output. */
	unsigned long		last;
	/* Words in [range->start, done) hold output (for error cleanup). */
	unsigned long		done;
	const struct hmm_pfn_format *fmt;
	/* Input bits: any of req_any asks for a fault, req_write for write. */
	unsigned long		req_any;
	unsigned long		req_write;
	/* Copies of range->pfn_flags_mask and default_flags, for the loops. */
	unsigned long		req_mask;
	unsigned long		req_default;
	/* Whole output words for the non-valid cases. */
	unsigned long		val_none;
	unsigned long		val_error;
	unsigned long		val_special;
	/* Flag bits of a valid entry, indexed by "writable". */
	unsigned long		sys[2];
	unsigned long		sys_huge[2];
	unsigned long		dev[2];
	struct device		*dma_dev;
	unsigned int		shift;
	/* The format can mark a PMD run as one DMA mapping. */
	bool			huge_dma;
};

/* Bits returned by the "does this need a fault" helpers. */
enum {
	HMM_NEED_FAULT = 1 << 0,
	HMM_NEED_WRITE_FAULT = 1 << 1,
	HMM_NEED_ALL_BITS = HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT,
};

static inline unsigned long hmm_idx(const struct hmm_range *range,
				    unsigned long addr)
{
	return (addr - range->start) >> PAGE_SHIFT;
}

static int hmm_fill(unsigned long addr, unsigned long end,
		    struct hmm_range *range, unsigned long word)
{
	unsigned long i = hmm_idx(range, addr);

	for (; addr < end; addr += PAGE_SIZE, i++)
		range->hmm_pfns[i] = word;
	return 0;
}

/*
 * Decode helpers shared by the error path and the exported unmap helper.
 * A "system" entry is a valid entry that is not a device-private one.
 */
static u64 hmm_format_flag_bits(const struct hmm_pfn_format *f)
{
	return f->flags[HMM_PFN_FLAG_VALID] |
	       f->flags[HMM_PFN_FLAG_WRITE] |
	       f->flags_off[HMM_PFN_FLAG_WRITE] |
	       f->flags[HMM_PFN_FLAG_DEVICE_PRIVATE] |
	       f->flags_off[HMM_PFN_FLAG_DEVICE_PRIVATE] |
	       f->flags[HMM_PFN_FLAG_HUGE] |
	       f->flags_off[HMM_PFN_FLAG_HUGE];
}

/*
 * Read-only pages (the zero page, page cache of private file mappings) must
 * never be written back by a bounce buffer, so only writable pages are
 * mapped bidirectionally.
 */
static inline enum dma_data_direction hmm_dma_dir(bool write)
{
	return write ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
}

static bool hmm_format_entry_is_system(const struct hmm_pfn_format *f,
				       u64 entry)
{
	u64 on = f->flags[HMM_PFN_FLAG_DEVICE_PRIVATE];
	u64 off = f->flags_off[HMM_PFN_FLAG_DEVICE_PRIVATE];

	if (!hmm_format_entry_is_valid(f, entry))
		return false;
	return (entry & (on | off)) == off;
}

/**
 * hmm_format_dma_unmap() - undo the DMA mapping behind one device entry
 * @format: the format (with &hmm_pfn_format.dma_dev) the entry was made with
 * @entry: an entry written by a successful hmm_range_fault()
 *
 * Entries that are not valid system-page entries (values, device-private
 * entries) are ignored, and so is everything when @format has no DMA device.
 * A HUGE entry stands for one mapping of the whole PMD run: any entry of the
 * run unmaps all of it, so call this once per run and skip the returned
 * number of entries. Call it only after the device can no longer use the
 * entry (device PTE cleared and device TLB flushed).
 *
 * Return: the number of entries covered by the mapping that was removed
 * (1, or the number of pages of a PMD for a HUGE run), 0 if nothing was
 * mapped.
 */
unsigned long hmm_format_dma_unmap(const struct hmm_pfn_format *format,
				   u64 entry)
{
	u64 won = format->flags[HMM_PFN_FLAG_WRITE];
	u64 woff = format->flags_off[HMM_PFN_FLAG_WRITE];
	enum dma_data_direction dir;
	dma_addr_t addr;

	if (!format->dma_dev || !hmm_format_entry_is_system(format, entry))
		return 0;

	dir = hmm_dma_dir((entry & (won | woff)) == won);
	addr = (dma_addr_t)((entry & ~hmm_format_flag_bits(format)) >>
			    format->pfn_shift) << PAGE_SHIFT;
	if (hmm_format_entry_is_huge(format, entry)) {
		dma_unmap_page(format->dma_dev, addr & PMD_MASK, PMD_SIZE, dir);
		return HMM_PMD_NR_PAGES;
	}
	dma_unmap_page(format->dma_dev, addr, PAGE_SIZE, dir);
	return 1;
}
EXPORT_SYMBOL_GPL(hmm_format_dma_unmap);

/**
 * hmm_format_dma_unmap_range() - undo the DMA mappings of an entry array
 * @format: the format (with &hmm_pfn_format.dma_dev) the entries were made with
 * @entries: output of a successful hmm_range_fault(), or a part of it that
 *	starts at the range start or at a PMD-aligned virtual address
 * @npages: number of entries
 *
 * Calls hmm_format_dma_unmap() on each mapping exactly once. Same rules
 * about when it may be called.
 */
void hmm_format_dma_unmap_range(const struct hmm_pfn_format *format,
				const unsigned long *entries,
				unsigned long npages)
{
	unsigned long i = 0;

	if (!format->dma_dev)
		return;
	while (i < npages)
		i += max(hmm_format_dma_unmap(format, entries[i]), 1UL);
}
EXPORT_SYMBOL_GPL(hmm_format_dma_unmap_range);

/*
 * Requests. The input word is masked by pfn_flags_mask and the range-wide
 * default_flags are added, so a caller can either mark single pages or ask
 * for the whole range without writing the array.
 */
static unsigned int hmm_page_need_fault(const struct hmm_walk_state *hs,
					unsigned long req,
					unsigned long cpu_flags)
{
	req = (req & hs->req_mask) | hs->req_default;
	if (!(req & hs->req_any))
		return 0;
	if ((req & hs->req_write) && !(cpu_flags & HMM_PFN_WRITE))
		return HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT;
	if (!(cpu_flags & HMM_PFN_VALID))
		return HMM_NEED_FAULT;
	return 0;
}

static unsigned int hmm_run_need_fault(const struct hmm_walk_state *hs,
				       const unsigned long *words,
				       unsigned long npages,
				       unsigned long cpu_flags)
{
	unsigned int need = 0;
	unsigned long i;

	/* Cheap exit when no page can possibly carry a request. */
	if (!((hs->req_default | hs->req_mask) & hs->req_any))
		return 0;
	/* No per-page requests: every page asks for default_flags. */
	if (!hs->req_mask)
		return npages ? hmm_page_need_fault(hs, 0, cpu_flags) : 0;

	for (i = 0; i < npages && need != HMM_NEED_ALL_BITS; i++)
		need |= hmm_page_need_fault(hs, words[i], cpu_flags);
	return need;
}

/*
 * Fault in [addr, end). On success the walk must be restarted from addr
 * because the page tables changed under it, hence -EBUSY.
 *
 * Without a format this is 6.12's rule, kept for its users: every page of
 * the run is faulted, with the access the caller computed for the run
 * (need). With a format, only the pages that carry a request are
 * faulted, each for the access it asked for, so that a driver can snapshot
 * a fault's neighbours without populating them or making them writable.
 */
static int hmm_do_fault(unsigned long addr, unsigned long end,
			unsigned int need, struct mm_walk *walk)
{
	struct hmm_walk_state *hs = walk->private;
	const struct hmm_range *range = hs->range;
	const unsigned long *words = &range->hmm_pfns[hmm_idx(range, addr)];
	struct vm_area_struct *vma = walk->vma;
	unsigned int fault_flags;
	unsigned long req;

	WARN_ON_ONCE(!need);
	hs->last = addr;

	for (; addr < end; addr += PAGE_SIZE, words++) {
		if (hs->fmt) {
			req = (*words & hs->req_mask) | hs->req_default;
			if (!(req & hs->req_any))
				continue;
			need = HMM_NEED_FAULT;
			if (req & hs->req_write)
				need |= HMM_NEED_WRITE_FAULT;
		}
		fault_flags = FAULT_FLAG_REMOTE;
		if (need & HMM_NEED_WRITE_FAULT) {
			if (!(vma->vm_flags & VM_WRITE))
				return -EPERM;
			fault_flags |= FAULT_FLAG_WRITE;
		}
		if (handle_mm_fault(vma, addr, fault_flags, NULL) &
		    VM_FAULT_ERROR)
			return -EFAULT;
	}
	return -EBUSY;
}

/* A system page for a format with a DMA device: map it, encode its address. */
static noinline int hmm_put_page_dma(const struct hmm_walk_state *hs,
				     unsigned long *out, unsigned long pfn,
				     bool write)
{
	struct page *page = pfn_to_page(pfn);
	dma_addr_t dma;

	if (is_pci_p2pdma_page(page)) {
		*out = hs->val_special;
		return 0;
	}
	dma = dma_map_page(hs->dma_dev, page, 0, PAGE_SIZE,
			   hmm_dma_dir(write));
	if (dma_mapping_error(hs->dma_dev, dma))
		return -ENOMEM;
	if (WARN_ON_ONCE(dma & ~PAGE_MASK)) {
		dma_unmap_page(hs->dma_dev, dma, PAGE_SIZE, hmm_dma_dir(write));
		return -ENOMEM;
	}
	*out = hs->sys[write] | ((unsigned long)(dma >> PAGE_SHIFT) << hs->shift);
	return 0;
}

/*
 * Output of one system page. cpu_flags holds HMM_PFN_VALID / HMM_PFN_WRITE
 * and, for the generic encoding only, the order bits. Inlined: this is the
 * per-page work of the common case, a call would cost more than the work.
 */
static __always_inline int hmm_put_page(const struct hmm_walk_state *hs,
					unsigned long *out, unsigned long pfn,
					unsigned long cpu_flags)
{
	bool write = cpu_flags & HMM_PFN_WRITE;

	if (!hs->fmt) {
		*out = pfn | cpu_flags;
		return 0;
	}
	if (!(cpu_flags & HMM_PFN_VALID)) {
		*out = hs->val_none;
		return 0;
	}
	if (likely(!hs->dma_dev)) {
		*out = hs->sys[write] | (pfn << hs->shift);
		return 0;
	}
	return hmm_put_page_dma(hs, out, pfn, write);
}

/* Try to DMA-map a whole PMD-sized page as one PMD-aligned mapping. */
static bool hmm_put_huge_dma(const struct hmm_walk_state *hs,
			     unsigned long *out, unsigned long pfn, bool write)
{
	struct page *page = pfn_to_page(pfn);
	dma_addr_t dma;
	unsigned long i, base;

	if (is_pci_p2pdma_page(page))
		return false;
	dma = dma_map_page(hs->dma_dev, page, 0, PMD_SIZE,
			   hmm_dma_dir(write));
	if (dma_mapping_error(hs->dma_dev, dma))
		return false;
	if (dma & ~PMD_MASK) {
		dma_unmap_page(hs->dma_dev, dma, PMD_SIZE, hmm_dma_dir(write));
		return false;
	}
	base = (unsigned long)(dma >> PAGE_SHIFT);
	for (i = 0; i < HMM_PMD_NR_PAGES; i++)
		out[i] = hs->sys_huge[write] | ((base + i) << hs->shift);
	return true;
}

/*
 * Output of a run of physically contiguous pages mapped by one CPU entry of
 * the given order (PMD, PUD or hugetlb). Either every word is written or,
 * on a DMA mapping failure, none is left mapped.
 */
static int hmm_put_run(const struct hmm_walk_state *hs, unsigned long *out,
		       unsigned long npages, unsigned long pfn,
		       unsigned long cpu_flags, unsigned int order)
{
	bool write = cpu_flags & HMM_PFN_WRITE;
	bool huge = order == PMD_SHIFT - PAGE_SHIFT;
	unsigned long i, word, step;
	int ret;

	if (!hs->fmt) {
		for (i = 0; i < npages; i++)
			out[i] = (pfn + i) | cpu_flags;
		return 0;
	}
	if (!(cpu_flags & HMM_PFN_VALID)) {
		for (i = 0; i < npages; i++)
			out[i] = hs->val_none;
		return 0;
	}
	if (!hs->dma_dev) {
		/* The address field of consecutive pages steps by one. */
		word = (huge ? hs->sys_huge[write] : hs->sys[write]) |
		       (pfn << hs->shift);
		step = 1UL << hs->shift;
		for (i = 0; i < npages; i++, word += step)
			out[i] = word;
		return 0;
	}

	/* pfn is then the first page of the PMD because the run is aligned. */
	if (huge && hs->huge_dma && npages == HMM_PMD_NR_PAGES &&
	    hmm_put_huge_dma(hs, out, pfn, write))
		return 0;

	for (i = 0; i < npages; i++) {
		ret = hmm_put_page(hs, &out[i], pfn + i, cpu_flags);
		if (ret) {
			hmm_format_dma_unmap_range(hs->fmt, out, i);
			return ret;
		}
	}
	return 0;
}

/* Device-private page of the caller: device address, pgmap relative. */
static unsigned long hmm_device_private_word(const struct hmm_walk_state *hs,
					     struct page *page, bool write)
{
	const struct dev_pagemap *pgmap = page->pgmap;
	unsigned long pfn = page_to_pfn(page);
	unsigned long off = 0;
	int i;

	if (!hs->fmt)
		return pfn | HMM_PFN_VALID | (write ? HMM_PFN_WRITE : 0);

	for (i = 0; i < pgmap->nr_range; i++) {
		const struct range *r = &pgmap->ranges[i];

		if (pfn >= PHYS_PFN(r->start) && pfn <= PHYS_PFN(r->end)) {
			off += pfn - PHYS_PFN(r->start);
			break;
		}
		off += PHYS_PFN(range_len(r));
	}
	off += hs->fmt->device_base >> PAGE_SHIFT;
	return hs->dev[write] | (off << hs->shift);
}

static int hmm_walk_hole(unsigned long addr, unsigned long end,
			 __always_unused int depth, struct mm_walk *walk)
{
	struct hmm_walk_state *hs = walk->private;
	struct hmm_range *range = hs->range;
	unsigned long *words = &range->hmm_pfns[hmm_idx(range, addr)];
	unsigned int need;

	hs->done = addr;
	need = hmm_run_need_fault(hs, words, (end - addr) >> PAGE_SHIFT, 0);
	if (!walk->vma) {
		if (need)
			return -EFAULT;
		return hmm_fill(addr, end, range, hs->val_error);
	}
	if (need)
		return hmm_do_fault(addr, end, need, walk);
	return hmm_fill(addr, end, range, hs->val_none);
}

static inline unsigned long hmm_order_bits(unsigned long order)
{
	return order << HMM_PFN_ORDER_SHIFT;
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
static int hmm_walk_huge_pmd(struct mm_walk *walk, unsigned long addr,
			     unsigned long end, unsigned long *words,
			     pmd_t pmd)
{
	struct hmm_walk_state *hs = walk->private;
	unsigned long npages = (end - addr) >> PAGE_SHIFT;
	unsigned int order = PMD_SHIFT - PAGE_SHIFT;
	unsigned long cpu_flags = 0;
	unsigned int need;

	/* A NUMA-hinting (protnone) PMD is reported without flags or order. */
	if (!pmd_protnone(pmd)) {
		cpu_flags = HMM_PFN_VALID | hmm_order_bits(order);
		if (pmd_write(pmd))
			cpu_flags |= HMM_PFN_WRITE;
	}
	need = hmm_run_need_fault(hs, words, npages, cpu_flags);
	if (need)
		return hmm_do_fault(addr, end, need, walk);

	return hmm_put_run(hs, words, npages,
			   pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT),
			   cpu_flags, order);
}
#else /* CONFIG_TRANSPARENT_HUGEPAGE */
/* Never called: pmd_trans_huge() and pmd_devmap() are constant false. */
int hmm_walk_huge_pmd(struct mm_walk *walk, unsigned long addr,
		      unsigned long end, unsigned long *words, pmd_t pmd);
#endif /* CONFIG_TRANSPARENT_HUGEPAGE */

static inline unsigned long hmm_pte_cpu_flags(pte_t pte)
{
	if (pte_none(pte) || !pte_present(pte) || pte_protnone(pte))
		return 0;
	return HMM_PFN_VALID | (pte_write(pte) ? HMM_PFN_WRITE : 0);
}

/*
 * True when vm_normal_page() would return the PTE's page without looking
 * further: a present, non-special PTE of a valid PFN, on architectures that
 * mark special PTEs. Anything else takes the full vm_normal_page() path.
 */
static __always_inline bool hmm_pte_is_normal(pte_t pte)
{
	return IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL) && !pte_special(pte) &&
	       likely(pte_pfn(pte) <= highest_memmap_pfn);
}

/* What hmm_walk_pmd() must do once the PTE page is unmapped. */
enum {
	HMM_PTE_FAULT = 1,		/* fault [addr, end) with *need */
	HMM_PTE_MIGRATION_WAIT,		/* wait for the migration entry */
};

/*
 * One PTE, with the PTE page mapped by the caller. Returns 0 with *word
 * written, a negative error, or one of HMM_PTE_* for work that may sleep
 * and so has to wait until the caller has unmapped the PTE page.
 */
static int hmm_walk_one_pte(struct mm_walk *walk, unsigned long addr,
			    pte_t *ptep, unsigned long *word,
			    unsigned int *need)
{
	struct hmm_walk_state *hs = walk->private;
	struct hmm_range *range = hs->range;
	unsigned long req = *word;
	pte_t pte = ptep_get(ptep);
	unsigned long cpu_flags;

	if (pte_none_mostly(pte)) {
		*need = hmm_page_need_fault(hs, req, 0);
		if (*need)
			return HMM_PTE_FAULT;
		*word = hs->val_none;
		return 0;
	}

	if (!pte_present(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);

		if (is_device_private_entry(entry)) {
			struct page *page = pfn_swap_entry_to_page(entry);

			/* The caller's own device memory: report it. */
			if (page->pgmap->owner == range->dev_private_owner) {
				bool w = is_writable_device_private_entry(entry);

				*word = hmm_device_private_word(hs, page, w);
				return 0;
			}
		}

		*need = hmm_page_need_fault(hs, req, 0);
		if (!*need) {
			*word = hs->val_none;
			return 0;
		}

		/* Swap, other owners' device memory, exclusive entries. */
		if (!non_swap_entry(entry) || is_device_private_entry(entry) ||
		    is_device_exclusive_entry(entry))
			return HMM_PTE_FAULT;
		if (is_migration_entry(entry))
			return HMM_PTE_MIGRATION_WAIT;
		/* Poisoned and other entries cannot be made valid. */
		return -EFAULT;
	}

	cpu_flags = hmm_pte_cpu_flags(pte);
	*need = hmm_page_need_fault(hs, req, cpu_flags);
	if (*need)
		return HMM_PTE_FAULT;

	/*
	 * A PTE without a normal struct page is only usable if it is a devmap
	 * PTE (e.g. DAX) or the zero page, which is handed out like any other
	 * read-only page. The first test is vm_normal_page()'s own answer for
	 * the common case, without the call.
	 */
	if (!hmm_pte_is_normal(pte) &&
	    !vm_normal_page(walk->vma, addr, pte) && !pte_devmap(pte) &&
	    !is_zero_pfn(pte_pfn(pte))) {
		if (hmm_page_need_fault(hs, req, 0))
			return -EFAULT;
		*word = hs->val_special;
		return 0;
	}

	return hmm_put_page(hs, word, pte_pfn(pte), cpu_flags);
}

/*
 * The common case of a device format without DMA device, in a tight loop:
 * present, normal pages whose request is already granted. Everything the
 * loop reads is held in locals, since the compiler must otherwise reload it
 * after each store to the output array. Stops at the first PTE that needs
 * anything else and returns how many it wrote; hmm_walk_one_pte() takes
 * over from there. The words it writes are exactly what that function would
 * write for the same PTEs.
 */
static unsigned long hmm_walk_ptes_fast(const struct hmm_walk_state *hs,
					pte_t *ptep, unsigned long *words,
					unsigned long npages)
{
	const unsigned long mask = hs->req_mask, dflt = hs->req_default;
	const unsigned long req_write = hs->req_write;
	const unsigned long ro = hs->sys[0], rw = hs->sys[1];
	const unsigned long max_pfn = highest_memmap_pfn;
	const unsigned int shift = hs->shift;
	unsigned long i, pfn;
	pte_t pte;

	if (!IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL))
		return 0;
	for (i = 0; i < npages; i++) {
		pte = ptep_get(ptep + i);
		if (!pte_present(pte) || pte_protnone(pte) || pte_special(pte))
			break;
		pfn = pte_pfn(pte);
		if (pfn > max_pfn)
			break;
		if (pte_write(pte)) {
			words[i] = rw | (pfn << shift);
		} else {
			/* A write request is a fault: not for this loop. */
			if (((words[i] & mask) | dflt) & req_write)
				break;
			words[i] = ro | (pfn << shift);
		}
	}
	return i;
}

static int hmm_walk_pmd(pmd_t *pmdp, unsigned long start, unsigned long end,
			struct mm_walk *walk)
{
	struct hmm_walk_state *hs = walk->private;
	struct hmm_range *range = hs->range;
	unsigned long *words = &range->hmm_pfns[hmm_idx(range, start)];
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	unsigned long addr = start;
	unsigned int need = 0;
	pte_t *ptep;
	pmd_t pmd;
	int ret = 0;

	hs->done = start;
retry:
	pmd = pmdp_get_lockless(pmdp);
	if (pmd_none(pmd))
		return hmm_walk_hole(start, end, -1, walk);

	if (thp_migration_supported() && is_pmd_migration_entry(pmd)) {
		if (hmm_run_need_fault(hs, words, npages, 0)) {
			hs->last = addr;
			pmd_migration_entry_wait(walk->mm, pmdp);
			return -EBUSY;
		}
		return hmm_fill(start, end, range, hs->val_none);
	}

	if (!pmd_present(pmd)) {
		if (hmm_run_need_fault(hs, words, npages, 0))
			return -EFAULT;
		return hmm_fill(start, end, range, hs->val_error);
	}

	if (pmd_devmap(pmd) || pmd_trans_huge(pmd)) {
		/*
		 * Lockless read: a concurrent split or collapse will be
		 * reported by the interval notifier, so it is enough to make
		 * sure the value we use is still a huge PMD.
		 */
		pmd = pmdp_get_lockless(pmdp);
		if (!pmd_devmap(pmd) && !pmd_trans_huge(pmd))
			goto retry;
		return hmm_walk_huge_pmd(walk, addr, end, words, pmd);
	}

	/* Neither none, migration nor huge: a page table, or garbage. */
	if (pmd_bad(pmd)) {
		if (hmm_run_need_fault(hs, words, npages, 0))
			return -EFAULT;
		return hmm_fill(start, end, range, hs->val_error);
	}

	ptep = pte_offset_map(pmdp, addr);
	if (!ptep)
		goto retry;
	/* pte_offset_map() took the RCU read lock that pte_unmap() drops. */
	__acquire(RCU);
	if (hs->fmt && !hs->dma_dev) {
		unsigned long n = hmm_walk_ptes_fast(hs, ptep, words,
						     (end - addr) >> PAGE_SHIFT);

		addr += n << PAGE_SHIFT;
		ptep += n;
		words += n;
	}
	for (; addr < end; addr += PAGE_SIZE, ptep++, words++) {
		ret = hmm_walk_one_pte(walk, addr, ptep, words, &need);
		if (ret)
			break;
	}
	if (!ret) {
		pte_unmap(ptep - 1);
		return 0;
	}
	pte_unmap(ptep);

	/* Words before addr hold output. */
	hs->done = addr;
	if (ret == HMM_PTE_FAULT)
		return hmm_do_fault(addr, end, need, walk);
	if (ret == HMM_PTE_MIGRATION_WAIT) {
		hs->last = addr;
		migration_entry_wait(walk->mm, pmdp, addr);
		return -EBUSY;
	}
	return ret;
}

#if defined(CONFIG_ARCH_HAS_PTE_DEVMAP) && defined(CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD)
static int hmm_walk_pud(pud_t *pudp, unsigned long start, unsigned long end,
			struct mm_walk *walk)
{
	struct hmm_walk_state *hs = walk->private;
	struct hmm_range *range = hs->range;
	unsigned int order = PUD_SHIFT - PAGE_SHIFT;
	unsigned long *words, npages, cpu_flags;
	unsigned int need;
	spinlock_t *ptl;	/* PUD page table lock */
	pud_t pud;
	int ret = 0;

	hs->done = start;
	ptl = pud_trans_huge_lock(pudp, walk->vma);
	if (!ptl)
		return 0;
	/* Tell sparse that the conditional lock above is held now. */
	__acquire(ptl);

	/* Keep the huge PUD whole unless we find it is not one. */
	walk->action = ACTION_CONTINUE;

	pud = pudp_get(pudp);
	if (!pud_present(pud)) {
		spin_unlock(ptl);
		return hmm_walk_hole(start, end, -1, walk);
	}

	if (!pud_leaf(pud) || !pud_devmap(pud)) {
		walk->action = ACTION_SUBTREE;
		goto unlock;
	}

	words = &range->hmm_pfns[hmm_idx(range, start)];
	npages = (end - start) >> PAGE_SHIFT;
	cpu_flags = HMM_PFN_VALID | hmm_order_bits(order) |
		    (pud_write(pud) ? HMM_PFN_WRITE : 0);
	need = hmm_run_need_fault(hs, words, npages, cpu_flags);
	if (need) {
		spin_unlock(ptl);
		return hmm_do_fault(start, end, need, walk);
	}
	ret = hmm_put_run(hs, words, npages,
			  pud_pfn(pud) + ((start & ~PUD_MASK) >> PAGE_SHIFT),
			  cpu_flags, order);
unlock:
	spin_unlock(ptl);
	return ret;
}
#else
#define hmm_walk_pud	NULL
#endif

#ifdef CONFIG_HUGETLB_PAGE
static int hmm_walk_hugetlb(pte_t *ptep, unsigned long hmask,
			    unsigned long start, unsigned long end,
			    struct mm_walk *walk)
{
	struct hmm_walk_state *hs = walk->private;
	struct hmm_range *range = hs->range;
	struct vm_area_struct *vma = walk->vma;
	unsigned int order = huge_page_order(hstate_vma(vma));
	unsigned long i = hmm_idx(range, start);
	unsigned long cpu_flags;
	unsigned int need;
	spinlock_t *ptl;	/* hugetlb page table lock */
	pte_t pte;
	int ret;

	hs->done = start;
	ptl = huge_pte_lock(hstate_vma(vma), walk->mm, ptep);
	pte = huge_ptep_get(walk->mm, start, ptep);

	cpu_flags = hmm_pte_cpu_flags(pte) | hmm_order_bits(order);
	need = hmm_page_need_fault(hs, range->hmm_pfns[i], cpu_flags);
	if (need) {
		spin_unlock(ptl);
		/*
		 * handle_mm_fault() takes the hugetlb VMA lock itself, so
		 * drop ours around it; nothing read under it is used after.
		 */
		hugetlb_vma_unlock_read(vma);
		ret = hmm_do_fault(start, end, need, walk);
		hugetlb_vma_lock_read(vma);
		return ret;
	}

	ret = hmm_put_run(hs, &range->hmm_pfns[i], (end - start) >> PAGE_SHIFT,
			  pte_pfn(pte) + ((start & ~hmask) >> PAGE_SHIFT),
			  cpu_flags, order);
	spin_unlock(ptl);
	return ret;
}
#else
#define hmm_walk_hugetlb	NULL
#endif /* CONFIG_HUGETLB_PAGE */

static int hmm_walk_test(unsigned long start, unsigned long end,
			 struct mm_walk *walk)
{
	struct hmm_walk_state *hs = walk->private;
	struct hmm_range *range = hs->range;
	struct vm_area_struct *vma = walk->vma;
	bool io = vma->vm_flags & (VM_IO | VM_PFNMAP);

	hs->done = start;
	if (!io && (vma->vm_flags & VM_READ))
		return 0;

	/*
	 * I/O and PFN mappings have no pages HMM could report, and a VMA
	 * without read permission is treated as having no write permission
	 * either. Asking for a fault there is a hard error.
	 */
	if (hmm_run_need_fault(hs, &range->hmm_pfns[hmm_idx(range, start)],
			       (end - start) >> PAGE_SHIFT, 0))
		return -EFAULT;

	hmm_fill(start, end, range, io ? hs->val_special : hs->val_error);
	/* Positive: skip this VMA, go on with the next one. */
	return 1;
}

static const struct mm_walk_ops hmm_walk_ops = {
	.pud_entry	= hmm_walk_pud,
	.pmd_entry	= hmm_walk_pmd,
	.pte_hole	= hmm_walk_hole,
	.hugetlb_entry	= hmm_walk_hugetlb,
	.test_walk	= hmm_walk_test,
	.walk_lock	= PGWALK_RDLOCK,
};

static void hmm_state_generic(struct hmm_walk_state *hs)
{
	hs->req_any = HMM_PFN_REQ_FAULT;
	hs->req_write = HMM_PFN_REQ_WRITE;
	hs->val_none = 0;
	hs->val_error = HMM_PFN_ERROR;
	hs->val_special = HMM_PFN_ERROR;
}

static int hmm_state_format(struct hmm_walk_state *hs,
			    const struct hmm_pfn_format *f)
{
	const u64 *on = f->flags, *off = f->flags_off;
	u64 valid = on[HMM_PFN_FLAG_VALID];
	int i, w;

	if (!IS_ENABLED(CONFIG_64BIT) || !valid ||
	    f->pfn_shift >= BITS_PER_LONG)
		return -EINVAL;
	for (i = 0; i < HMM_PFN_VALUE_MAX; i++)
		if ((f->values[i] & valid) == valid)
			return -EINVAL;
	/*
	 * With DMA, unmapping decodes the entry: it must tell writable from
	 * read-only (DMA direction) and system from device-private entries.
	 */
	if (f->dma_dev &&
	    (on[HMM_PFN_FLAG_WRITE] == off[HMM_PFN_FLAG_WRITE] ||
	     (hs->range->dev_private_owner &&
	      on[HMM_PFN_FLAG_DEVICE_PRIVATE] ==
	      off[HMM_PFN_FLAG_DEVICE_PRIVATE])))
		return -EINVAL;

	hs->fmt = f;
	hs->req_any = on[HMM_PFN_FLAG_REQ_FAULT] | on[HMM_PFN_FLAG_REQ_WRITE];
	hs->req_write = on[HMM_PFN_FLAG_REQ_WRITE];
	hs->val_none = f->values[HMM_PFN_VALUE_NONE];
	hs->val_error = f->values[HMM_PFN_VALUE_ERROR];
	hs->val_special = f->values[HMM_PFN_VALUE_SPECIAL];
	hs->shift = f->pfn_shift;
	hs->dma_dev = f->dma_dev;
	hs->huge_dma = on[HMM_PFN_FLAG_HUGE] != off[HMM_PFN_FLAG_HUGE];
	for (w = 0; w < 2; w++) {
		u64 acc = w ? on[HMM_PFN_FLAG_WRITE] : off[HMM_PFN_FLAG_WRITE];
		u64 sys = valid | acc | off[HMM_PFN_FLAG_DEVICE_PRIVATE];

		hs->sys[w] = sys | off[HMM_PFN_FLAG_HUGE];
		hs->sys_huge[w] = sys | on[HMM_PFN_FLAG_HUGE];
		hs->dev[w] = valid | acc | on[HMM_PFN_FLAG_DEVICE_PRIVATE] |
			     off[HMM_PFN_FLAG_HUGE];
	}
	return 0;
}

/**
 * hmm_range_fault - snapshot a range of the CPU page table, faulting on request
 * @range: the range, its notifier sequence, the request/output array and the
 *	optional device format
 *
 * For every page of @range->start..@range->end, one word of
 * @range->hmm_pfns is read as a request and replaced by the result. A page
 * whose request (after @range->pfn_flags_mask and @range->default_flags) is
 * empty is only snapshotted: its current state is reported and nothing is
 * faulted in. A page with a read or write request is faulted in first if the
 * CPU page table does not already grant that access, and the call fails if
 * it cannot be granted. These are the two calls of the original HMM design,
 * hmm_vma_get_pfns() (snapshot) and hmm_vma_fault() (fault, then snapshot),
 * in one entry point; both kinds may be mixed freely in one call.
 *
 * With a format, exactly the pages that carry a request are faulted, each
 * for the access it asked for. Without one, 6.12's behaviour is kept: once
 * a page needs a fault, the following pages of its run (up to the end of
 * its page table, or of the hole) are faulted too, with the access 6.12
 * computes for the run (the first faulting page's in a page table, the
 * strongest requested in a hole).
 *
 * When the call fails (-EBUSY included) the array holds a mix of output
 * and input words; a caller that puts per-page requests in the array must
 * write them again before the next attempt.
 *
 * Without @range->format the words use &enum hmm_pfn_flags. With a format,
 * the request bits are the format's REQ_FAULT/REQ_WRITE bits (a write
 * request implies a read request) and each output word is a finished device
 * entry, see &struct hmm_pfn_format.
 *
 * Locking: the caller holds the mmap read lock of @range->notifier->mm and
 * got @range->notifier_seq from mmu_interval_read_begin(). The lock may not
 * be dropped and retaken inside. The output may only be used (e.g. written
 * to the device page table) under the driver lock that its notifier
 * callback also takes, after mmu_interval_read_retry() said the sequence is
 * still current; otherwise the caller starts again from
 * mmu_interval_read_begin().
 *
 * DMA mappings (format with a DMA device): each system page reported valid
 * is DMA-mapped once. When this function returns an error, including
 * -EBUSY, no mapping made by the call is left behind and the array content
 * must be ignored. On success the caller owns every mapping in the output and
 * releases it with hmm_format_dma_unmap() or hmm_format_dma_unmap_range():
 * for entries it does not install in the device (or if the final
 * mmu_interval_read_retry() fails) right away, and for installed entries
 * once its invalidation callback has cleared them from the device page
 * table and flushed the device TLB.
 *
 * Return: 0 on success, or
 * -EINVAL: invalid arguments or device format;
 * -ENOMEM: out of memory, or a page could not be DMA-mapped;
 * -EPERM: a write was requested in a VMA without write permission;
 * -EBUSY: the range was invalidated; restart from mmu_interval_read_begin();
 * -EFAULT: a requested page cannot be made valid (no VMA, I/O or PFN
 * mapping, poisoned page, fault failed...).
 */
int hmm_range_fault(struct hmm_range *range)
{
	struct hmm_walk_state hs = {
		.range = range,
		.last = range->start,
		.done = range->start,
	};
	struct mm_struct *mm = range->notifier->mm;
	int ret;

	mmap_assert_locked(mm);

	hs.req_mask = range->pfn_flags_mask;
	hs.req_default = range->default_flags;
	if (range->format) {
		ret = hmm_state_format(&hs, range->format);
		if (ret)
			return ret;
	} else {
		hmm_state_generic(&hs);
	}

	do {
		if (mmu_interval_check_retry(range->notifier,
					     range->notifier_seq)) {
			ret = -EBUSY;
			break;
		}
		ret = walk_page_range(mm, hs.last, range->end, &hmm_walk_ops,
				      &hs);
		/*
		 * On -EBUSY every word below hs.last is output and every word
		 * from hs.last on is still input: continue from there.
		 */
		if (ret == -EBUSY)
			hs.done = hs.last;
	} while (ret == -EBUSY);

	if (ret && hs.dma_dev)
		hmm_format_dma_unmap_range(hs.fmt, range->hmm_pfns,
					   hmm_idx(range, hs.done));
	return ret;
}
EXPORT_SYMBOL(hmm_range_fault);
