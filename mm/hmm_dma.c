// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DMA mapping of the system pages that hmm_range_fault() reports in a device
 * format naming a DMA device, and the helpers that undo those mappings.
 *
 * The rules (also stated for callers in the kernel-doc of hmm_range_fault()):
 *
 * - The walk maps a page only while the CPU mapping it found holds the page:
 *   under the PTE lock, or with a folio reference taken under the page
 *   table lock or checked against the entry afterwards (mm/hmm.c). A page
 *   is never mapped after it was freed.
 * - Each mapping is made once and ends in exactly one place: installed in
 *   the caller's device page table, or discarded. Discarding (HMM's own
 *   error path, or the caller for entries it does not install) passes
 *   DMA_ATTR_SKIP_CPU_SYNC: the device never saw the entry, and the page may
 *   already belong to someone else, so neither a bounce buffer copy nor
 *   cache maintenance may touch it.
 * - Installed entries are unmapped, with CPU synchronisation, from the
 *   caller's invalidation callback, which runs before the CPU can free or
 *   reuse the page.
 * - An entry of hmm_range.installed that is exactly what the walk would
 *   produce is output again as it is, without a second mapping; any other
 *   output entry is a new mapping. So "output differs from installed" is
 *   the one test for "this call made the mapping", and the count of
 *   mappings stays balanced however often a window is snapshotted.
 * - A mapping is made without CPU synchronisation (DMA_ATTR_SKIP_CPU_SYNC):
 *   an SVM page is used by the CPU and the device at the same time for as
 *   long as it is mapped, so there is no point at which ownership passes to
 *   the device. That is only correct for a DMA device that is cache
 *   coherent and does not bounce, so hmm_range_fault() refuses any other
 *   (hmm_dma_dev_supported()), and a direct mapping that bounced anyway is
 *   given back as a failed one. (It also lets several devices' page tables,
 *   or several address spaces of one device, map one page at once, which
 *   DMA_API_DEBUG otherwise reports as overlapping writable mappings.)
 */
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/iommu-dma.h>
#include <linux/pci.h>
#include <linux/swiotlb.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "hmm_internal.h"

/*
 * Read-only pages (the zero page, page cache of private file mappings) must
 * never be written back by a bounce buffer, so only writable pages are
 * mapped bidirectionally.
 */
static inline enum dma_data_direction hmm_dma_dir(bool write)
{
	return write ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
}

/**
 * hmm_dma_dev_supported() - can a device share system pages through HMM?
 * @dev: the format's DMA device
 *
 * The device must be cache coherent, and its mappings of whole pages must
 * not go through bounce buffers (forced bouncing, or an IOMMU that bounces
 * for an untrusted PCI device): a device writing a bounce buffer while the
 * CPU reads the page would never be seen.
 *
 * Return: true if HMM may map pages for @dev.
 */
bool hmm_dma_dev_supported(struct device *dev)
{
	if (!dev_is_dma_coherent(dev) || is_swiotlb_force_bounce(dev))
		return false;
	return !(dev_is_pci(dev) && to_pci_dev(dev)->untrusted);
}
EXPORT_SYMBOL_GPL(hmm_dma_dev_supported);

/*
 * Map size bytes at page for the walk's device. A direct mapping that came
 * back at another address than the page's own went through a bounce buffer
 * (an address above the device's mask): it is given back, as a failure.
 */
static dma_addr_t hmm_dma_map(const struct hmm_walk_state *hs,
			      struct page *page, size_t size, bool write,
			      unsigned long attrs)
{
	struct device *dev = hs->dma_dev;
	enum dma_data_direction dir = hmm_dma_dir(write);
	dma_addr_t dma;

	attrs |= DMA_ATTR_SKIP_CPU_SYNC;
	dma = dma_map_page_attrs(dev, page, 0, size, dir, attrs);
	if (dma_mapping_error(dev, dma) || get_dma_ops(dev) ||
	    use_dma_iommu(dev) || dma == phys_to_dma(dev, page_to_phys(page)))
		return dma;
	dma_unmap_page_attrs(dev, dma, size, dir, DMA_ATTR_SKIP_CPU_SYNC);
	return DMA_MAPPING_ERROR;
}

/* Every bit a valid entry of the format may carry besides its address. */
u64 hmm_format_flag_bits(const struct hmm_pfn_format *f)
{
	return f->flags[HMM_PFN_FLAG_VALID] |
	       f->flags[HMM_PFN_FLAG_WRITE] |
	       f->flags_off[HMM_PFN_FLAG_WRITE] |
	       f->flags[HMM_PFN_FLAG_DEVICE_PRIVATE] |
	       f->flags_off[HMM_PFN_FLAG_DEVICE_PRIVATE] |
	       f->flags[HMM_PFN_FLAG_HUGE] |
	       f->flags_off[HMM_PFN_FLAG_HUGE];
}

/* A valid entry that is not a device-private one. */
static bool hmm_format_entry_is_system(const struct hmm_pfn_format *f,
				       u64 entry)
{
	u64 on = f->flags[HMM_PFN_FLAG_DEVICE_PRIVATE];
	u64 off = f->flags_off[HMM_PFN_FLAG_DEVICE_PRIVATE];

	if (!hmm_format_entry_is_valid(f, entry))
		return false;
	return (entry & (on | off)) == off;
}

/* Undo the mapping behind one entry; returns the number of entries it covers. */
static unsigned long hmm_dma_unmap_entry(const struct hmm_pfn_format *f,
					 u64 entry, unsigned long attrs)
{
	u64 won = f->flags[HMM_PFN_FLAG_WRITE];
	u64 woff = f->flags_off[HMM_PFN_FLAG_WRITE];
	enum dma_data_direction dir;
	dma_addr_t addr;

	if (!f->dma_dev || !hmm_format_entry_is_system(f, entry))
		return 0;

	dir = hmm_dma_dir((entry & (won | woff)) == won);
	addr = (dma_addr_t)((entry & ~hmm_format_flag_bits(f)) >>
			    f->pfn_shift) << PAGE_SHIFT;
	if (hmm_format_entry_is_huge(f, entry)) {
		dma_unmap_page_attrs(f->dma_dev, addr & PMD_MASK, PMD_SIZE, dir,
				     attrs);
		return HMM_PMD_NR_PAGES;
	}
	dma_unmap_page_attrs(f->dma_dev, addr, PAGE_SIZE, dir, attrs);
	return 1;
}

/**
 * hmm_format_dma_unmap() - unmap the DMA mapping behind an installed entry
 * @format: the format (with &hmm_pfn_format.dma_dev) the entry was made with
 * @entry: an entry that hmm_range_fault() produced and the caller installed
 *
 * For entries the device may have used: the unmap synchronises the CPU's
 * view (copies a bounce buffer back, does cache maintenance). Call it from
 * the invalidation callback, after the device entry is cleared and the
 * device TLB flushed, and before the callback returns (the CPU may free the
 * page once it has), or when replacing an installed entry with a different
 * one, after the device TLB flush. Entries that are not valid system-page
 * entries (values, device-private entries) are ignored, and so is
 * everything when @format has no DMA device. A HUGE entry stands for one
 * mapping of the whole PMD run: any entry of the run unmaps all of it, so
 * call this once per run and skip the returned number of entries.
 *
 * Return: the number of entries covered by the mapping that was removed
 * (1, or the number of pages of a PMD for a HUGE run), 0 if nothing was
 * mapped.
 */
unsigned long hmm_format_dma_unmap(const struct hmm_pfn_format *format,
				   u64 entry)
{
	return hmm_dma_unmap_entry(format, entry, 0);
}
EXPORT_SYMBOL_GPL(hmm_format_dma_unmap);

/**
 * hmm_format_dma_unmap_range() - unmap the DMA mappings of installed entries
 * @format: the format (with &hmm_pfn_format.dma_dev) the entries were made with
 * @entries: installed entries, starting at the range start or at a
 *	PMD-aligned virtual address
 * @npages: number of entries
 *
 * Calls hmm_format_dma_unmap() on each mapping exactly once; same rules
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
		i += max(hmm_dma_unmap_entry(format, entries[i], 0), 1UL);
}
EXPORT_SYMBOL_GPL(hmm_format_dma_unmap_range);

/**
 * hmm_format_dma_discard_range() - undo mappings the caller will not install
 * @format: the format (with &hmm_pfn_format.dma_dev) of the call
 * @entries: the output of a successful hmm_range_fault(), or a part of it
 *	that starts at the range start or at a PMD-aligned virtual address
 * @installed: what was passed as &hmm_range.installed for those entries,
 *	or NULL if nothing was
 * @npages: number of entries
 *
 * For output the caller drops instead of installing: after
 * mmu_interval_read_retry() said the snapshot is stale, or for entries it
 * does not want. Entries equal to their @installed entry are kept mappings
 * of the caller and are left alone; every other valid system entry is a
 * mapping the call made, and is unmapped without CPU synchronisation
 * (DMA_ATTR_SKIP_CPU_SYNC), since the device never used it and the page may
 * already have been freed. May be called under the driver lock.
 */
void hmm_format_dma_discard_range(const struct hmm_pfn_format *format,
				  const unsigned long *entries,
				  const unsigned long *installed,
				  unsigned long npages)
{
	unsigned long i = 0;

	if (!format->dma_dev)
		return;
	while (i < npages) {
		if (installed && entries[i] == installed[i]) {
			i++;
			continue;
		}
		i += max(hmm_dma_unmap_entry(format, entries[i],
					     DMA_ATTR_SKIP_CPU_SYNC), 1UL);
	}
}
EXPORT_SYMBOL_GPL(hmm_format_dma_discard_range);

/* Discard what the walk wrote to out[0..npages) (HMM's error path). */
void hmm_dma_discard(const struct hmm_walk_state *hs, unsigned long *out,
		     unsigned long npages)
{
	const unsigned long *installed = NULL;

	if (hs->installed)
		installed = &hs->installed[out - hs->range->hmm_pfns];
	hmm_format_dma_discard_range(hs->fmt, out, installed, npages);
}

/* The installed entry for out[0], if it is exactly the entry with flags. */
static bool hmm_dma_keep(const struct hmm_walk_state *hs,
			 const unsigned long *out, unsigned long flags)
{
	unsigned long old;

	if (!hs->installed)
		return false;
	old = hs->installed[out - hs->range->hmm_pfns];
	return (old & hs->flag_bits) == flags;
}

/* Encode a fresh mapping, or give it back if the format cannot hold it. */
static bool hmm_dma_encode(const struct hmm_walk_state *hs, unsigned long *out,
			   dma_addr_t dma, size_t size, bool write, bool huge)
{
	if (dma & (size - 1) || (dma + size - 1) >> PAGE_SHIFT >
	    hs->max_addr_pfn) {
		dma_unmap_page_attrs(hs->dma_dev, dma, size, hmm_dma_dir(write),
				     DMA_ATTR_SKIP_CPU_SYNC);
		return false;
	}
	*out = hmm_sys_entry(hs, dma >> PAGE_SHIFT, write, huge);
	return true;
}

/**
 * hmm_dma_put_page() - output of one system page for a DMA format
 * @hs: walk state (with a DMA device)
 * @out: the page's word; holds its input on entry
 * @page: the page, kept mapped by the CPU (PTE lock held) or referenced by
 *	the caller
 * @write: the device may write the page
 * @requested: the page's input carried a request
 *
 * A page nobody requested that cannot be mapped (DMA layer out of space, a
 * peer-to-peer page) is reported as NONE or SPECIAL; a requested one fails
 * the call. Never sleeps.
 *
 * Return: 0 with *out written, -ENOMEM or -EFAULT.
 */
int hmm_dma_put_page(const struct hmm_walk_state *hs, unsigned long *out,
		     struct page *page, bool write, bool requested)
{
	dma_addr_t dma;

	if (is_pci_p2pdma_page(page)) {
		if (requested)
			return -EFAULT;
		*out = hs->val_special;
		return 0;
	}
	if (hmm_dma_keep(hs, out, hs->sys[write])) {
		*out = hs->installed[out - hs->range->hmm_pfns];
		return 0;
	}
	dma = hmm_dma_map(hs, page, PAGE_SIZE, write,
			  requested ? 0 : DMA_ATTR_NO_WARN);
	if (!dma_mapping_error(hs->dma_dev, dma) &&
	    hmm_dma_encode(hs, out, dma, PAGE_SIZE, write, false))
		return 0;
	if (requested)
		return -ENOMEM;
	*out = hs->val_none;
	return 0;
}

/* One 2 MiB mapping for a whole PMD run; false to map page by page. */
static bool hmm_dma_put_pmd(const struct hmm_walk_state *hs,
			    unsigned long *out, struct page *page, bool write)
{
	unsigned long flags = hs->sys_huge[write];
	unsigned long i, step = 1UL << hs->shift;
	dma_addr_t dma;

	for (i = 0; i < HMM_PMD_NR_PAGES; i++)
		if (!hmm_dma_keep(hs, &out[i], flags))
			break;
	if (i == HMM_PMD_NR_PAGES) {
		memcpy(out, &hs->installed[out - hs->range->hmm_pfns],
		       HMM_PMD_NR_PAGES * sizeof(*out));
		return true;
	}

	/* Do not let a DMA layer that cannot do it log a failure per PMD. */
	if (is_pci_p2pdma_page(page) ||
	    dma_max_mapping_size(hs->dma_dev) < PMD_SIZE)
		return false;
	dma = hmm_dma_map(hs, page, PMD_SIZE, write, DMA_ATTR_NO_WARN);
	if (dma_mapping_error(hs->dma_dev, dma) ||
	    !hmm_dma_encode(hs, out, dma, PMD_SIZE, write, true))
		return false;
	for (i = 1; i < HMM_PMD_NR_PAGES; i++)
		out[i] = out[i - 1] + step;
	return true;
}

/**
 * hmm_dma_put_run() - output of a run of contiguous pages for a DMA format
 * @hs: walk state (with a DMA device)
 * @out: the run's words; hold their input on entry
 * @npages: number of pages
 * @page: first page; the caller holds a reference on its folio and no
 *	spinlock, so this may sleep between pages
 * @write: the device may write the pages
 * @huge: the CPU maps the run with one PMD
 *
 * Return: 0 with every word written, or the error of a requested page, in
 * which case no mapping made here is left.
 */
int hmm_dma_put_run(const struct hmm_walk_state *hs, unsigned long *out,
		    unsigned long npages, struct page *page, bool write,
		    bool huge)
{
	unsigned long i;
	int ret;

	if (huge && hs->huge_dma && npages == HMM_PMD_NR_PAGES &&
	    hmm_dma_put_pmd(hs, out, page, write))
		return 0;

	for (i = 0; i < npages; i++) {
		ret = hmm_dma_put_page(hs, &out[i], nth_page(page, i), write,
				       hmm_word_requested(hs, out[i]));
		if (ret) {
			hmm_dma_discard(hs, out, i);
			return ret;
		}
		if (!((i + 1) % HMM_PMD_NR_PAGES))
			cond_resched();
	}
	return 0;
}
