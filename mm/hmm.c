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
 * produced twice, which is what keeps DMA mappings balanced. The DMA
 * mapping itself is in mm/hmm_dma.c.
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
#include "hmm_internal.h"

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
 * Requests. The input word is masked by pfn_flags_mask and the range-wide
 * default_flags are added, so a caller can either mark single pages or ask
 * for the whole range without writing the array.
 */
static __always_inline unsigned int
hmm_page_need_fault(const struct hmm_walk_state *hs, unsigned long req,
		    unsigned long cpu_flags)
{
	req = hmm_word_req(hs, req);
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

/* The faults of hmm_do_fault(); -EBUSY when they all succeeded. */
static int hmm_fault_pages(const struct hmm_walk_state *hs, unsigned long addr,
			   unsigned long end, unsigned int need,
			   struct vm_area_struct *vma,
			   const unsigned long *words)
{
	unsigned int fault_flags;
	unsigned long req;

	for (; addr < end; addr += PAGE_SIZE, words++) {
		if (hs->fmt) {
			req = hmm_word_req(hs, *words);
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

/*
 * Fault in [addr, end). On success the walk must be restarted from addr
 * because the page tables changed under it, hence -EBUSY.
 *
 * Without a format every page of the run is faulted, with the access the
 * caller computed for the run (need). With a format only the pages that
 * carry a request are faulted, each for the access it asked for, so that a
 * driver can snapshot a fault's neighbours without populating them or
 * making them writable.
 */
static int hmm_do_fault(unsigned long addr, unsigned long end,
			unsigned int need, struct mm_walk *walk)
{
	struct hmm_walk_state *hs = walk->private;
	const struct hmm_range *range = hs->range;
	const unsigned long *words = &range->hmm_pfns[hmm_idx(range, addr)];
	struct vm_area_struct *vma = walk->vma;
	int ret;

	WARN_ON_ONCE(!need);
	hs->last = addr;
	/*
	 * The walk calls both hugetlb callbacks (an entry, or a hole without
	 * a page table yet) under the hugetlb VMA lock, which
	 * handle_mm_fault() takes itself: drop it around the faults. Nothing
	 * read under it is used after, and the walk is restarted anyway.
	 */
	if (is_vm_hugetlb_page(vma)) {
		hugetlb_vma_unlock_read(vma);
		ret = hmm_fault_pages(hs, addr, end, need, vma, words);
		hugetlb_vma_lock_read(vma);
		return ret;
	}
	return hmm_fault_pages(hs, addr, end, need, vma, words);
}

/*
 * The access a present, non-PROT_NONE CPU mapping grants the device:
 * HMM_PFN_VALID, plus HMM_PFN_WRITE if the mapping is writable and, with a
 * format, also dirty. A clean writable page is reported read-only so that a
 * device write goes through a write fault, which dirties the page before
 * the device can write it; reclaim and writeback then see it as the CPU
 * would. Without a format the generic encoding reports pte_write() alone.
 */
static __always_inline unsigned long
hmm_cpu_access(const struct hmm_walk_state *hs, bool write, bool dirty)
{
	if (write && (dirty || !hs->fmt))
		return HMM_PFN_VALID | HMM_PFN_WRITE;
	return HMM_PFN_VALID;
}

static __always_inline unsigned long
hmm_pte_cpu_flags(const struct hmm_walk_state *hs, pte_t pte)
{
	if (pte_none(pte) || !pte_present(pte) || pte_protnone(pte))
		return 0;
	return hmm_cpu_access(hs, pte_write(pte), pte_dirty(pte));
}

/*
 * The word for a system page without DMA mapping (generic encoding, or a
 * format without DMA device). cpu_flags holds HMM_PFN_VALID / HMM_PFN_WRITE
 * and, for the generic encoding only, the order bits.
 */
static __always_inline unsigned long
hmm_page_word(const struct hmm_walk_state *hs, unsigned long pfn,
	      unsigned long cpu_flags, bool huge)
{
	if (!hs->fmt)
		return pfn | cpu_flags;
	if (!(cpu_flags & HMM_PFN_VALID))
		return hs->val_none;
	return hmm_sys_entry(hs, pfn, cpu_flags & HMM_PFN_WRITE, huge);
}

/*
 * Output of a run of physically contiguous pages mapped by one CPU entry
 * (PMD, PUD or hugetlb), without DMA mapping. Consecutive pages' words
 * differ by one in the address field, so the loop only adds.
 */
static void hmm_put_run(const struct hmm_walk_state *hs, unsigned long *out,
			unsigned long npages, unsigned long pfn,
			unsigned long cpu_flags, bool huge)
{
	unsigned long i, word, step;

	word = hmm_page_word(hs, pfn, cpu_flags, huge);
	step = !hs->fmt ? 1 : (cpu_flags & HMM_PFN_VALID) ? 1UL << hs->shift : 0;
	for (i = 0; i < npages; i++, word += step)
		out[i] = word;
}

/*
 * Pin the page of a huge PMD that was read without its lock before
 * DMA-mapping it: folio_try_get() and a second look at the PMD make sure
 * the page is alive and still mapped there while it is being mapped for
 * the device. The reference is dropped right after: from then on the
 * caller's invalidation callback, which runs before the CPU lets the page
 * go, is what protects the mapping (see hmm_range_fault()).
 */
static struct folio *hmm_pin_mapped(struct page *page)
{
	struct folio *folio = page_folio(page);

	if (!folio_try_get(folio))
		return NULL;
	if (unlikely(page_folio(page) != folio)) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/*
 * Device-private page of the caller. False if the format's device_addr()
 * cannot address it: it is then handled like another owner's page.
 */
static bool hmm_device_private_word(const struct hmm_walk_state *hs,
				    struct page *page, bool write,
				    unsigned long *word)
{
	unsigned long dpfn;
	u64 addr;

	if (!hs->fmt) {
		*word = page_to_pfn(page) | HMM_PFN_VALID |
			(write ? HMM_PFN_WRITE : 0);
		return true;
	}
	if (!hs->fmt->device_addr(page, &addr))
		return false;
	dpfn = addr >> PAGE_SHIFT;
	if (WARN_ON_ONCE(addr & ~PAGE_MASK ||
			 (dpfn << hs->shift) >> hs->shift != dpfn ||
			 (dpfn << hs->shift) & hs->flag_bits))
		return false;
	*word = hs->dev[write] | (dpfn << hs->shift);
	return true;
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
			     pmd_t *pmdp, pmd_t pmd)
{
	struct hmm_walk_state *hs = walk->private;
	unsigned long npages = (end - addr) >> PAGE_SHIFT;
	unsigned int order = PMD_SHIFT - PAGE_SHIFT;
	unsigned long cpu_flags = 0, pfn;
	struct folio *folio;
	struct page *page;
	unsigned int need;
	int ret;

	/* A NUMA-hinting (protnone) PMD is reported without flags or order. */
	if (!pmd_protnone(pmd))
		cpu_flags = hmm_cpu_access(hs, pmd_write(pmd), pmd_dirty(pmd)) |
			    hmm_order_bits(order);
	need = hmm_run_need_fault(hs, words, npages, cpu_flags);
	if (need)
		return hmm_do_fault(addr, end, need, walk);

	pfn = pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	if (!hs->dma_dev || !(cpu_flags & HMM_PFN_VALID)) {
		hmm_put_run(hs, words, npages, pfn, cpu_flags, true);
		return 0;
	}

	page = pfn_to_page(pfn);
	folio = hmm_pin_mapped(page);
	if (!folio || !pmd_same(pmdp_get_lockless(pmdp), pmd)) {
		if (folio)
			folio_put(folio);
		hs->last = addr;
		return -EBUSY;
	}
	ret = hmm_dma_put_run(hs, words, npages, page,
			      cpu_flags & HMM_PFN_WRITE, true);
	folio_put(folio);
	return ret;
}
#else /* CONFIG_TRANSPARENT_HUGEPAGE */
/* Never called: pmd_trans_huge() and pmd_devmap() are constant false. */
int hmm_walk_huge_pmd(struct mm_walk *walk, unsigned long addr,
		      unsigned long end, unsigned long *words, pmd_t *pmdp,
		      pmd_t pmd);
#endif /* CONFIG_TRANSPARENT_HUGEPAGE */

/*
 * True when vm_normal_page() would return the PTE's page without looking
 * further: a present, non-special PTE of a valid PFN, on architectures that
 * mark special PTEs. Anything else takes the full vm_normal_page() path.
 */
static __always_inline bool hmm_pte_is_normal(const struct hmm_walk_state *hs,
					      pte_t pte)
{
	return IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL) && !pte_special(pte) &&
	       likely(pte_pfn(pte) <= hs->max_pfn);
}

/* What hmm_walk_pmd() must do once the PTE page is unmapped. */
enum {
	HMM_PTE_FAULT = 1,		/* fault [addr, end) with *need */
	HMM_PTE_MIGRATION_WAIT,		/* wait for the migration entry */
};

/*
 * A present system page for a DMA format. The caller holds the PTE lock, so
 * the page cannot be freed or replaced while its PTE is there: it is mapped
 * alive, without a reference of its own.
 */
static int hmm_walk_pte_dma(const struct hmm_walk_state *hs, pte_t pte,
			    unsigned long *word, unsigned long cpu_flags)
{
	if (!(cpu_flags & HMM_PFN_VALID)) {
		*word = hs->val_none;
		return 0;
	}
	return hmm_dma_put_page(hs, word, pfn_to_page(pte_pfn(pte)),
				cpu_flags & HMM_PFN_WRITE,
				hmm_word_requested(hs, *word));
}

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
			bool w = is_writable_device_private_entry(entry);
			unsigned long out;

			/* The caller's own device memory: report it. */
			if (page->pgmap->owner == range->dev_private_owner &&
			    hmm_device_private_word(hs, page, w, &out)) {
				/*
				 * A format honours a write request on a
				 * read-only entry (after fork) with the write
				 * fault a CPU write would take.
				 */
				*need = hs->fmt ?
					hmm_page_need_fault(hs, req,
							    HMM_PFN_VALID |
							    (w ? HMM_PFN_WRITE : 0)) :
					0;
				if (*need)
					return HMM_PTE_FAULT;
				*word = out;
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

	cpu_flags = hmm_pte_cpu_flags(hs, pte);
	*need = hmm_page_need_fault(hs, req, cpu_flags);
	if (*need)
		return HMM_PTE_FAULT;

	/*
	 * A PTE without a normal struct page is only usable if it is a devmap
	 * PTE (e.g. DAX) or the zero page, which is handed out like any other
	 * read-only page. The first test is vm_normal_page()'s own answer for
	 * the common case, without the call.
	 */
	if (!hmm_pte_is_normal(hs, pte) &&
	    !vm_normal_page(walk->vma, addr, pte) && !pte_devmap(pte) &&
	    !is_zero_pfn(pte_pfn(pte))) {
		if (hmm_page_need_fault(hs, req, 0))
			return -EFAULT;
		*word = hs->val_special;
		return 0;
	}

	if (hs->dma_dev)
		return hmm_walk_pte_dma(hs, pte, word, cpu_flags);
	*word = hmm_page_word(hs, pte_pfn(pte), cpu_flags, false);
	return 0;
}

/*
 * The common case of a device format without DMA device, in a tight loop:
 * present, normal pages whose request is already granted. It stops at the
 * first PTE that needs anything else and returns how many it wrote;
 * hmm_walk_one_pte() takes over from there. Both decide and encode with the
 * same helpers (hmm_pte_is_normal(), hmm_pte_cpu_flags(),
 * hmm_page_need_fault(), hmm_page_word()), so a word cannot depend on which
 * of them wrote it. The state is copied to a local so that the compiler
 * need not reload it after each store to the output array.
 */
static unsigned long hmm_walk_ptes_fast(const struct hmm_walk_state *state,
					pte_t *ptep, unsigned long *words,
					unsigned long npages)
{
	const struct hmm_walk_state hs = *state;
	unsigned long i, cpu_flags;
	pte_t pte;

	/* Also tells the compiler that every hs.fmt test below is true. */
	if (!IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL) || !hs.fmt)
		return 0;
	for (i = 0; i < npages; i++) {
		pte = ptep_get(ptep + i);
		if (!pte_present(pte) || !hmm_pte_is_normal(&hs, pte))
			break;
		cpu_flags = hmm_pte_cpu_flags(&hs, pte);
		/* Without per-page requests the input word is not read. */
		if (!(cpu_flags & HMM_PFN_VALID) ||
		    hmm_page_need_fault(&hs, hs.req_mask ? words[i] : 0,
					cpu_flags))
			break;
		words[i] = hmm_page_word(&hs, pte_pfn(pte), cpu_flags, false);
	}
	return i;
}

/*
 * The PTEs of one page table for a DMA format, under the PTE lock: every
 * page is DMA-mapped while the lock keeps it mapped (see
 * hmm_walk_pte_dma()). The work under the lock is bounded by one page
 * table. Returns 0 when all of [*addr, end) was written, -EAGAIN if the
 * page table went away, or what hmm_walk_one_pte() returned for *addr.
 */
static int hmm_walk_ptes_locked(struct mm_walk *walk, pmd_t *pmdp,
				unsigned long *addr, unsigned long end,
				unsigned long **words, unsigned int *need)
{
	spinlock_t *ptl;	/* PTE page table lock */
	pte_t *ptep;
	int ret = 0;

	ptep = pte_offset_map_lock(walk->mm, pmdp, *addr, &ptl);
	if (!ptep)
		return -EAGAIN;
	/* It also took the RCU read lock that pte_unmap_unlock() drops. */
	__acquire(RCU);
	for (; *addr < end; *addr += PAGE_SIZE, ptep++, (*words)++) {
		ret = hmm_walk_one_pte(walk, *addr, ptep, *words, need);
		if (ret)
			break;
	}
	pte_unmap_unlock(ret ? ptep : ptep - 1, ptl);
	return ret;
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
		return hmm_walk_huge_pmd(walk, addr, end, words, pmdp, pmd);
	}

	/* Neither none, migration nor huge: a page table, or garbage. */
	if (pmd_bad(pmd)) {
		if (hmm_run_need_fault(hs, words, npages, 0))
			return -EFAULT;
		return hmm_fill(start, end, range, hs->val_error);
	}

	if (hs->dma_dev) {
		ret = hmm_walk_ptes_locked(walk, pmdp, &addr, end, &words,
					   &need);
		if (ret == -EAGAIN)
			goto retry;
		if (!ret)
			return 0;
		goto out;
	}

	ptep = pte_offset_map(pmdp, addr);
	if (!ptep)
		goto retry;
	/* pte_offset_map() took the RCU read lock that pte_unmap() drops. */
	__acquire(RCU);
	if (hs->fmt) {
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

out:
	/* Words before addr hold output. */
	hs->done = addr;
	switch (ret) {
	case HMM_PTE_FAULT:
		return hmm_do_fault(addr, end, need, walk);
	case HMM_PTE_MIGRATION_WAIT:
		hs->last = addr;
		migration_entry_wait(walk->mm, pmdp, addr);
		return -EBUSY;
	}
	return ret;
}

/*
 * Output of a PUD or hugetlb run whose entry was read under its page table
 * lock: pin the page (DMA only), drop the lock, then produce the words, so
 * that no work proportional to the run is done under the spinlock.
 */
static int __maybe_unused
hmm_put_locked_run(const struct hmm_walk_state *hs, spinlock_t *ptl,
		   unsigned long *words, unsigned long npages,
		   unsigned long pfn, unsigned long cpu_flags, bool huge)
	__releases(ptl)
{
	struct folio *folio = NULL;
	int ret;

	if (hs->dma_dev && (cpu_flags & HMM_PFN_VALID)) {
		folio = page_folio(pfn_to_page(pfn));
		folio_get(folio);
	}
	spin_unlock(ptl);

	if (!folio) {
		hmm_put_run(hs, words, npages, pfn, cpu_flags, huge);
		return 0;
	}
	ret = hmm_dma_put_run(hs, words, npages, pfn_to_page(pfn),
			      cpu_flags & HMM_PFN_WRITE, huge);
	folio_put(folio);
	return ret;
}

#if defined(CONFIG_ARCH_HAS_PTE_DEVMAP) && defined(CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD)
static int hmm_walk_pud(pud_t *pudp, unsigned long start, unsigned long end,
			struct mm_walk *walk)
{
	struct hmm_walk_state *hs = walk->private;
	struct hmm_range *range = hs->range;
	unsigned int order = PUD_SHIFT - PAGE_SHIFT;
	unsigned long *words, npages, cpu_flags, pfn;
	unsigned int need;
	spinlock_t *ptl;	/* PUD page table lock */
	pud_t pud;

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
		spin_unlock(ptl);
		return 0;
	}

	words = &range->hmm_pfns[hmm_idx(range, start)];
	npages = (end - start) >> PAGE_SHIFT;
	cpu_flags = hmm_cpu_access(hs, pud_write(pud), pud_dirty(pud)) |
		    hmm_order_bits(order);
	need = hmm_run_need_fault(hs, words, npages, cpu_flags);
	if (need) {
		spin_unlock(ptl);
		return hmm_do_fault(start, end, need, walk);
	}
	pfn = pud_pfn(pud) + ((start & ~PUD_MASK) >> PAGE_SHIFT);
	return hmm_put_locked_run(hs, ptl, words, npages, pfn, cpu_flags,
				  false);
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
	unsigned long *words = &range->hmm_pfns[hmm_idx(range, start)];
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	bool huge = order == PMD_SHIFT - PAGE_SHIFT;
	unsigned long cpu_flags, pfn;
	unsigned int need;
	spinlock_t *ptl;	/* hugetlb page table lock */
	pte_t pte;

	hs->done = start;
	ptl = huge_pte_lock(hstate_vma(vma), walk->mm, ptep);
	pte = huge_ptep_get(walk->mm, start, ptep);

	cpu_flags = hmm_pte_cpu_flags(hs, pte) | hmm_order_bits(order);
	/* The generic encoding takes the first page's request for the run. */
	if (hs->fmt)
		need = hmm_run_need_fault(hs, words, npages, cpu_flags);
	else
		need = hmm_page_need_fault(hs, words[0], cpu_flags);
	if (need) {
		spin_unlock(ptl);
		return hmm_do_fault(start, end, need, walk);
	}

	pfn = pte_pfn(pte) + ((start & ~hmask) >> PAGE_SHIFT);
	return hmm_put_locked_run(hs, ptl, words, npages, pfn, cpu_flags, huge);
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

/*
 * Check a format and fold it into the walk state. The address field is as
 * wide as the largest address the device can be given for a system page:
 * up to the DMA mask, or the largest physical address without DMA device.
 * Device addresses from device_addr() are checked page by page.
 */
static int hmm_state_format(struct hmm_walk_state *hs,
			    const struct hmm_pfn_format *f)
{
	const u64 *on = f->flags, *off = f->flags_off;
	u64 valid = on[HMM_PFN_FLAG_VALID];
	unsigned int addr_bits, pfn_bits;
	u64 flag_bits, req, field;
	int i, w;

	if (!IS_ENABLED(CONFIG_64BIT) || !valid ||
	    f->pfn_shift >= BITS_PER_LONG)
		return -EINVAL;

	flag_bits = hmm_format_flag_bits(f);
	req = on[HMM_PFN_FLAG_REQ_FAULT] | on[HMM_PFN_FLAG_REQ_WRITE];
	addr_bits = f->dma_dev ? fls64(dma_get_mask(f->dma_dev)) :
				 MAX_PHYSMEM_BITS;
	if (addr_bits <= PAGE_SHIFT)
		return -EINVAL;
	pfn_bits = addr_bits - PAGE_SHIFT;
	if (f->pfn_shift + pfn_bits > BITS_PER_LONG)
		return -EINVAL;
	field = GENMASK_ULL(f->pfn_shift + pfn_bits - 1, f->pfn_shift);
	if ((flag_bits & field) || (req & (flag_bits | field)))
		return -EINVAL;
	for (i = 0; i < HMM_PFN_VALUE_MAX; i++)
		if ((f->values[i] & valid) == valid)
			return -EINVAL;
	if (hs->range->dev_private_owner && !f->device_addr)
		return -EINVAL;
	/*
	 * With DMA, unmapping decodes the entry: it must tell writable from
	 * read-only (DMA direction) and system from device-private entries.
	 */
	if (f->dma_dev &&
	    (!hmm_dma_dev_supported(f->dma_dev) ||
	     on[HMM_PFN_FLAG_WRITE] == off[HMM_PFN_FLAG_WRITE] ||
	     (hs->range->dev_private_owner &&
	      on[HMM_PFN_FLAG_DEVICE_PRIVATE] ==
	      off[HMM_PFN_FLAG_DEVICE_PRIVATE])))
		return -EINVAL;

	hs->fmt = f;
	hs->req_any = req;
	hs->req_write = on[HMM_PFN_FLAG_REQ_WRITE];
	hs->val_none = f->values[HMM_PFN_VALUE_NONE];
	hs->val_error = f->values[HMM_PFN_VALUE_ERROR];
	hs->val_special = f->values[HMM_PFN_VALUE_SPECIAL];
	hs->shift = f->pfn_shift;
	hs->flag_bits = flag_bits;
	hs->max_addr_pfn = field >> f->pfn_shift;
	hs->dma_dev = f->dma_dev;
	hs->installed = f->dma_dev ? hs->range->installed : NULL;
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
 * it cannot be granted. Snapshot-only and requested pages may be mixed
 * freely in one call.
 *
 * With a format, exactly the pages that carry a request are faulted, each
 * for the access it asked for. Without one, once a page needs a fault, the
 * following pages of its run (up to the end of its page table, or of the
 * hole) are faulted too, with the access computed for the run (the first
 * faulting page's in a page table, the strongest requested in a hole).
 *
 * When the call fails (-EBUSY included) the array holds a mix of output
 * and input words; a caller that puts per-page requests in the array must
 * write them again before the next attempt.
 *
 * Without @range->format the words use &enum hmm_pfn_flags. With a format,
 * the request bits are the format's REQ_FAULT/REQ_WRITE bits (a write
 * request implies a read request) and each output word is a finished device
 * entry, see &struct hmm_pfn_format. A format grants device write access
 * only to dirty pages (a write request dirties the page); device-private
 * pages of @range->dev_private_owner are reported at the address the
 * format's device_addr() gives, and a write request on a read-only one
 * takes the write fault a CPU write would take.
 *
 * Locking: the caller holds the mmap read lock of @range->notifier->mm and
 * got @range->notifier_seq from mmu_interval_read_begin(). The lock may not
 * be dropped and retaken inside. The output may only be used (e.g. written
 * to the device page table) under the driver lock that its notifier
 * callback also takes, after mmu_interval_read_retry() said the sequence is
 * still current; otherwise the caller starts again from
 * mmu_interval_read_begin().
 *
 * DMA mappings (format with a DMA device) are made in the walk, so that each
 * entry is final in one pass, under these rules:
 *
 * - A system page is mapped only while the CPU mapping that HMM found is
 *   known to hold it: under the PTE lock for a PTE, with a folio reference
 *   and a second look at the entry for a huge PMD (read locklessly), with
 *   a folio reference taken under the lock for PUD and hugetlb runs. HMM
 *   never maps a page that is being freed.
 * - An entry of @range->installed that is exactly what the walk produces
 *   for its page (same flags) is output as it is, and no mapping is made.
 *   Its page is the one the CPU maps as long as the caller unmaps installed
 *   entries in its invalidation callback, which it must (below). Every
 *   other valid system-page output entry is a new mapping, made once.
 * - Pages are mapped without CPU synchronisation (DMA_ATTR_SKIP_CPU_SYNC),
 *   since the CPU keeps using them while the device does; the device must
 *   be cache coherent and not bounce, and a direct mapping that bounced is
 *   treated as one that failed.
 * - A page nobody requested that cannot be mapped is reported as
 *   %HMM_PFN_VALUE_NONE (%HMM_PFN_VALUE_SPECIAL for a peer-to-peer page); a
 *   requested one fails the call (-ENOMEM, or -EFAULT for peer-to-peer).
 * - When the call fails, -EBUSY included, it undoes every mapping it made
 *   and the array content must be ignored.
 * - On success the caller owns the new mappings. Entries it does not
 *   install (all of them when the final mmu_interval_read_retry() fails)
 *   it gives back with hmm_format_dma_discard_range(), which skips CPU
 *   synchronisation: the device never used them and the page may already
 *   be freed. When installing an entry over a different installed one, it
 *   unmaps the old one with hmm_format_dma_unmap() once the device TLB is
 *   flushed. Installed entries must be unmapped with hmm_format_dma_unmap()
 *   inside the invalidation callback, after the device entry is cleared and
 *   the device TLB flushed: only until the callback returns is the page
 *   guaranteed to be the one the mapping was made for.
 *
 * Return: 0 on success, or
 * -EINVAL: invalid arguments or device format;
 * -ENOMEM: out of memory, or a requested page could not be DMA-mapped;
 * -EPERM: a write was requested in a VMA without write permission;
 * -EBUSY: the range was invalidated; restart from mmu_interval_read_begin();
 * -EFAULT: a requested page cannot be made valid (no VMA, I/O or PFN
 * mapping, poisoned page, peer-to-peer page with DMA, fault failed...).
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
	hs.max_pfn = highest_memmap_pfn;
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
		hmm_dma_discard(&hs, range->hmm_pfns, hmm_idx(range, hs.done));
	return ret;
}
EXPORT_SYMBOL(hmm_range_fault);
