/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMM: snapshot (and optionally fault in) a range of a process address space
 * on behalf of a device, either in HMM's own generic encoding or directly in
 * the device's page-table-entry format.
 *
 * See Documentation/mm/hmm.rst for an overview.
 */
#ifndef LINUX_HMM_H
#define LINUX_HMM_H

#include <linux/mm.h>
#include <linux/types.h>

struct device;
struct mmu_interval_notifier;

/**
 * enum hmm_pfn_flags - bits of the generic (format-less) hmm_pfns[] encoding
 * @HMM_PFN_VALID: output: the low bits hold a PFN the device may read. When
 *	&hmm_range.dev_private_owner is set this may be a DEVICE_PRIVATE page
 *	of that owner.
 * @HMM_PFN_WRITE: output: the page may also be written (only with
 *	@HMM_PFN_VALID).
 * @HMM_PFN_ERROR: output: the device must not access this address (no VMA,
 *	no read permission, I/O or PFN mapping, page without struct page...).
 * @HMM_PFN_ORDER_SHIFT: output: position of the 5-bit field giving the order
 *	of the CPU mapping that maps the page; see hmm_pfn_to_map_order().
 * @HMM_PFN_REQ_FAULT: input: the output must end up with @HMM_PFN_VALID, so
 *	fault the page in if needed, or fail.
 * @HMM_PFN_REQ_WRITE: input: the output must end up with @HMM_PFN_WRITE;
 *	only honoured together with @HMM_PFN_REQ_FAULT.
 * @HMM_PFN_FLAGS: every bit that is not part of the PFN.
 *
 * These are used when &hmm_range.format is NULL. An output word of 0 means
 * that nothing is mapped but that a later call requesting a fault could
 * succeed. The input and output bits share positions: the request bits are
 * the bits the caller wants to see in the output.
 */
enum hmm_pfn_flags {
	/* Output fields and flags */
	HMM_PFN_VALID = 1UL << (BITS_PER_LONG - 1),
	HMM_PFN_WRITE = 1UL << (BITS_PER_LONG - 2),
	HMM_PFN_ERROR = 1UL << (BITS_PER_LONG - 3),
	HMM_PFN_ORDER_SHIFT = (BITS_PER_LONG - 8),

	/* Input flags */
	HMM_PFN_REQ_FAULT = HMM_PFN_VALID,
	HMM_PFN_REQ_WRITE = HMM_PFN_WRITE,

	HMM_PFN_FLAGS = 0xFFUL << HMM_PFN_ORDER_SHIFT,
};

/**
 * hmm_pfn_to_page() - the struct page of a generic hmm_pfns[] output word
 * @hmm_pfn: an output word with HMM_PFN_VALID set (generic encoding only)
 *
 * Only meaningful while the caller's notifier sequence is still valid, i.e.
 * under the driver lock it also takes for mmu_interval_read_retry().
 *
 * Return: the page the word refers to.
 */
static inline struct page *hmm_pfn_to_page(unsigned long hmm_pfn)
{
	return pfn_to_page(hmm_pfn & ~HMM_PFN_FLAGS);
}

/**
 * hmm_pfn_to_phys() - the physical address of a generic hmm_pfns[] word
 * @hmm_pfn: an output word with HMM_PFN_VALID set (generic encoding only)
 *
 * Same rules as hmm_pfn_to_page().
 *
 * Return: the physical address of the start of the page.
 */
static inline phys_addr_t hmm_pfn_to_phys(unsigned long hmm_pfn)
{
	return PFN_PHYS(hmm_pfn & ~HMM_PFN_FLAGS);
}

/**
 * hmm_pfn_to_map_order() - order of the CPU mapping of a generic output word
 * @hmm_pfn: an output word with HMM_PFN_VALID set (generic encoding only)
 *
 * The page lies in a CPU mapping of 1 << order pages starting at the
 * correspondingly aligned virtual address; every word of that mapping
 * carries the same flags and order. That mapping may extend beyond the start
 * or end of the range passed to hmm_range_fault(). Same rules as
 * hmm_pfn_to_page().
 *
 * Return: the order, 0 for a PTE mapping.
 */
static inline unsigned int hmm_pfn_to_map_order(unsigned long hmm_pfn)
{
	return (hmm_pfn >> HMM_PFN_ORDER_SHIFT) & 0x1F;
}

/**
 * enum hmm_pfn_flag_e - indices into &hmm_pfn_format.flags and .flags_off
 * @HMM_PFN_FLAG_VALID: output: the entry maps a page the device may read
 *	(VALID implies READ; there is no separate READ flag). Only
 *	@flags[HMM_PFN_FLAG_VALID] is used and it must not be zero.
 * @HMM_PFN_FLAG_WRITE: output: the device may write the page. @flags is
 *	ORed into writable entries, @flags_off into read-only ones (e.g. a
 *	READ_ONLY bit).
 * @HMM_PFN_FLAG_DEVICE_PRIVATE: output: the page is a DEVICE_PRIVATE page
 *	of &hmm_range.dev_private_owner and the address field holds a device
 *	address. @flags is ORed into such entries, @flags_off into entries
 *	of system pages (e.g. an aperture field).
 * @HMM_PFN_FLAG_HUGE: output: the entry belongs to a run that the CPU maps
 *	with one PMD; see &struct hmm_pfn_format.
 * @HMM_PFN_FLAG_REQ_FAULT: input: bits of an input entry asking for the
 *	page to be made readable by the device (faulted in if needed).
 * @HMM_PFN_FLAG_REQ_WRITE: input: bits asking for the page to be made
 *	writable; a write request is also a fault request.
 * @HMM_PFN_FLAG_MAX: number of indices.
 *
 * The indices carry a FLAG_ infix because HMM_PFN_VALID, HMM_PFN_WRITE...
 * name the bit values of &enum hmm_pfn_flags. For the input indices only
 * @flags is used.
 */
enum hmm_pfn_flag_e {
	HMM_PFN_FLAG_VALID,
	HMM_PFN_FLAG_WRITE,
	HMM_PFN_FLAG_DEVICE_PRIVATE,
	HMM_PFN_FLAG_HUGE,
	HMM_PFN_FLAG_REQ_FAULT,
	HMM_PFN_FLAG_REQ_WRITE,
	HMM_PFN_FLAG_MAX
};

/**
 * enum hmm_pfn_value_e - indices into &hmm_pfn_format.values
 * @HMM_PFN_VALUE_ERROR: the device must not access the address: no VMA, a
 *	VMA without read permission, or a page table HMM cannot interpret.
 * @HMM_PFN_VALUE_NONE: nothing is mapped, but a fault request could make it
 *	valid.
 * @HMM_PFN_VALUE_SPECIAL: the CPU maps something HMM cannot hand to a
 *	device: a VM_IO or VM_PFNMAP VMA, a special PTE without struct page,
 *	or (with a DMA device) a PCI peer-to-peer page nobody requested.
 * @HMM_PFN_VALUE_MAX: number of indices.
 *
 * The VALUE_ infix avoids the HMM_PFN_ERROR bit of &enum hmm_pfn_flags.
 * Without a format both ERROR and SPECIAL are reported as HMM_PFN_ERROR and
 * NONE as 0.
 */
enum hmm_pfn_value_e {
	HMM_PFN_VALUE_ERROR,
	HMM_PFN_VALUE_NONE,
	HMM_PFN_VALUE_SPECIAL,
	HMM_PFN_VALUE_MAX
};

/**
 * struct hmm_pfn_format - how hmm_range_fault() writes device entries
 * @flags: per &enum hmm_pfn_flag_e, bits ORed into a valid entry when the
 *	property holds; for the REQ_ indices, the input bits that carry the
 *	request.
 * @flags_off: per &enum hmm_pfn_flag_e, bits ORed into a valid entry when
 *	the property does not hold (ignored for VALID and the REQ_ indices).
 * @values: whole entries written for the cases of &enum hmm_pfn_value_e.
 *	None of them may contain all the bits of @flags[HMM_PFN_FLAG_VALID].
 * @pfn_shift: a valid entry holds (address >> PAGE_SHIFT) << @pfn_shift,
 *	where address is the DMA address of a system page (its physical
 *	address without @dma_dev) or the device address of a device-private
 *	page.
 * @device_addr: device address of a device-private page of
 *	&hmm_range.dev_private_owner; required when that owner is set. Called
 *	only for such pages, possibly in atomic context (RCU read lock held),
 *	so it must not sleep: typically it finds the VRAM chunk from
 *	page->pgmap, as each pagemap of an owner may back a different part of
 *	VRAM, or even another device (a shared owner). It returns false for a
 *	page the caller's device cannot address: HMM then treats the page as
 *	another owner's (%HMM_PFN_VALUE_NONE in a snapshot, migrated to system
 *	memory by a fault request). The address must be page aligned and fit
 *	the address field; one that does not is treated the same way.
 * @dma_dev: if set, every system page reported valid is mapped for
 *	@dma_dev (DMA_BIDIRECTIONAL if writable, DMA_TO_DEVICE if read-only,
 *	so that a bounce buffer never writes to a read-only page) and its DMA
 *	address is encoded. See hmm_range_fault() for the mapping rules.
 *	The device must be cache coherent and must not need bounce buffers
 *	(hmm_range_fault() refuses it with -EINVAL otherwise): the page is
 *	shared with the CPU while mapped, so mappings skip CPU
 *	synchronisation.
 *	Unmapping decodes the entry, so such a format must have
 *	flags[HMM_PFN_FLAG_WRITE] != flags_off[HMM_PFN_FLAG_WRITE] and, when
 *	device-private pages can be reported, flags[HMM_PFN_FLAG_DEVICE_PRIVATE]
 *	!= flags_off[HMM_PFN_FLAG_DEVICE_PRIVATE].
 *
 * Each valid entry is the OR of @flags[VALID], @flags or @flags_off of
 * WRITE, DEVICE_PRIVATE and HUGE, and the address field. The entry needs no
 * further conversion, provided the address field matches the device's
 * (for a device that wants address >> 12 at bit 8 on 4 KiB pages,
 * @pfn_shift is 8). NVIDIA GP100 system page:
 * VALID(bit 0) | APERTURE_SYS_COH(2 << 1) | VOL(bit 3) | READ_ONLY(bit 6) if
 * not writable | ATOMIC_DISABLE(bit 7) unless mapped for atomics; VRAM page:
 * VALID | APERTURE_VID(0), bits 6 and 7 alike. So, for non-atomic faults,
 * flags[VALID] = BIT(0) | BIT(7), flags[WRITE] = 0, flags_off[WRITE] = BIT(6),
 * flags[DEVICE_PRIVATE] = 0, flags_off[DEVICE_PRIVATE] = (2 << 1) | BIT(3).
 *
 * hmm_range_fault() refuses (-EINVAL) a format whose flag bits, flags_off
 * bits or request bits overlap the address field of any address the device
 * can be given (up to the DMA mask of @dma_dev, or the largest physical
 * address without it), whose request bits overlap a valid entry's bits, or
 * whose values look valid.
 *
 * Device write access: a system page is reported writable only when the CPU
 * page table entry is both writable and dirty. A clean writable page (after
 * MADV_FREE, after a read fault swapped it in, after writeback cleaned a
 * shared file page) is reported read-only, and a write request on it is a
 * write fault, which dirties it. So reclaim never drops or discards a page
 * the device may write, and writeback sees the device's writes, without the
 * driver having to dirty pages when it unmaps them.
 *
 * Huge pages: when the CPU maps a range with a PMD, every entry of that run
 * gets @flags[HMM_PFN_FLAG_HUGE]; all other valid entries get
 * @flags_off[HMM_PFN_FLAG_HUGE]. A run of HUGE entries at a PMD-aligned
 * virtual address has contiguous, PMD-aligned addresses, so the driver can
 * write one 2 MiB device entry (after masking the HUGE bits off if its
 * hardware does not ignore them). The run may be clipped by the range's
 * start or end. With @dma_dev, HUGE is only set when the range covers the
 * whole PMD, the device's DMA layer can map 2 MiB in one piece and that
 * mapping came back PMD aligned; otherwise each page is mapped on its own
 * and HUGE is not set.
 *
 * Device formats need 64-bit entries: they are only accepted when
 * unsigned long is 64 bits wide.
 */
struct hmm_pfn_format {
	u64			flags[HMM_PFN_FLAG_MAX];
	u64			flags_off[HMM_PFN_FLAG_MAX];
	u64			values[HMM_PFN_VALUE_MAX];
	unsigned int		pfn_shift;
	bool			(*device_addr)(struct page *page, u64 *addr);
	struct device		*dma_dev;
};

/**
 * struct hmm_range - a request to hmm_range_fault()
 * @notifier: interval notifier covering @start..@end in the target mm
 * @notifier_seq: value returned by mmu_interval_read_begin() on @notifier
 * @start: first virtual address (inclusive, page aligned)
 * @end: last virtual address (exclusive, page aligned)
 * @hmm_pfns: one word per page of the range: requests on input, the
 *	snapshot on output
 * @default_flags: request bits applied to every page
 * @pfn_flags_mask: which bits of each input word are taken as per-page
 *	requests (0 to use @default_flags only)
 * @dev_private_owner: DEVICE_PRIVATE pages whose pgmap owner equals this are
 *	reported rather than migrated back to system memory
 * @format: NULL for the generic &enum hmm_pfn_flags encoding, otherwise the
 *	device entry format used for requests (@hmm_pfns, @default_flags and
 *	@pfn_flags_mask) and for the output
 * @installed: only with a format that has a DMA device, optional: one entry
 *	per page, the entry the caller's device page table holds for that
 *	page now (or any invalid entry), read under the driver lock after
 *	mmu_interval_read_begin(). HMM outputs such an entry unchanged, with
 *	no new mapping, when it is exactly what HMM would otherwise produce
 *	for the page; see hmm_range_fault().
 */
struct hmm_range {
	struct mmu_interval_notifier *notifier;
	unsigned long		notifier_seq;
	unsigned long		start;
	unsigned long		end;
	unsigned long		*hmm_pfns;
	unsigned long		default_flags;
	unsigned long		pfn_flags_mask;
	void			*dev_private_owner;
	const struct hmm_pfn_format *format;
	const unsigned long	*installed;
};

int hmm_range_fault(struct hmm_range *range);
bool hmm_dma_dev_supported(struct device *dev);

unsigned long hmm_format_dma_unmap(const struct hmm_pfn_format *format,
				   u64 entry);
void hmm_format_dma_unmap_range(const struct hmm_pfn_format *format,
				const unsigned long *entries,
				unsigned long npages);
void hmm_format_dma_discard_range(const struct hmm_pfn_format *format,
				  const unsigned long *entries,
				  const unsigned long *installed,
				  unsigned long npages);

/**
 * hmm_format_entry_is_valid() - does a device entry map a page?
 * @format: the format the entry was written with
 * @entry: an output entry of hmm_range_fault()
 *
 * Return: true if all bits of @format->flags[HMM_PFN_FLAG_VALID] are set.
 */
static inline bool hmm_format_entry_is_valid(const struct hmm_pfn_format *format,
					     u64 entry)
{
	u64 valid = format->flags[HMM_PFN_FLAG_VALID];

	return (entry & valid) == valid;
}

/**
 * hmm_format_entry_is_huge() - is a device entry part of a PMD-mapped run?
 * @format: the format the entry was written with
 * @entry: a valid output entry of hmm_range_fault()
 *
 * Return: true if the entry carries @format->flags[HMM_PFN_FLAG_HUGE] and
 * the format can tell HUGE entries from others.
 */
static inline bool hmm_format_entry_is_huge(const struct hmm_pfn_format *format,
					    u64 entry)
{
	u64 on = format->flags[HMM_PFN_FLAG_HUGE];
	u64 off = format->flags_off[HMM_PFN_FLAG_HUGE];

	return on != off && (entry & (on | off)) == on;
}

/*
 * HMM_RANGE_DEFAULT_TIMEOUT - how long (ms) a caller of hmm_range_fault()
 * should keep retrying on -EBUSY before giving up. One second is already
 * very long for a device fault.
 */
#define HMM_RANGE_DEFAULT_TIMEOUT 1000

#endif /* LINUX_HMM_H */
