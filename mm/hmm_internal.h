/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What mm/hmm.c (the page-table walk and the entry encoding) shares with
 * mm/hmm_dma.c (DMA mapping of the pages the walk reports).
 */
#ifndef MM_HMM_INTERNAL_H
#define MM_HMM_INTERNAL_H

#include <linux/hmm.h>

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
	/* Every bit a valid entry may carry besides its address field. */
	unsigned long		flag_bits;
	/* Largest value of the address field (a page number). */
	unsigned long		max_addr_pfn;
	/* highest_memmap_pfn, read once: stores to the output may alias it. */
	unsigned long		max_pfn;
	struct device		*dma_dev;
	/* range->installed, only with dma_dev. */
	const unsigned long	*installed;
	unsigned int		shift;
	/* The format can mark a PMD run as one DMA mapping. */
	bool			huge_dma;
};

/* The valid system-page entry for address page number apfn. */
static __always_inline unsigned long
hmm_sys_entry(const struct hmm_walk_state *hs, unsigned long apfn, bool write,
	      bool huge)
{
	return (huge ? hs->sys_huge[write] : hs->sys[write]) |
	       (apfn << hs->shift);
}

/* A page's request: its input word under pfn_flags_mask, plus default_flags. */
static __always_inline unsigned long hmm_word_req(const struct hmm_walk_state *hs,
						  unsigned long word)
{
	return (word & hs->req_mask) | hs->req_default;
}

/* Is the input word of this page asking for anything? */
static __always_inline bool hmm_word_requested(const struct hmm_walk_state *hs,
					       unsigned long word)
{
	return hmm_word_req(hs, word) & hs->req_any;
}

u64 hmm_format_flag_bits(const struct hmm_pfn_format *f);

int hmm_dma_put_page(const struct hmm_walk_state *hs, unsigned long *out,
		     struct page *page, bool write, bool requested);
int hmm_dma_put_run(const struct hmm_walk_state *hs, unsigned long *out,
		    unsigned long npages, struct page *page, bool write,
		    bool huge);
void hmm_dma_discard(const struct hmm_walk_state *hs, unsigned long *out,
		     unsigned long npages);

#endif /* MM_HMM_INTERNAL_H */
