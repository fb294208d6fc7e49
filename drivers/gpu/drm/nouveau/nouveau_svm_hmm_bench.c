// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of Nouveau's GPU-fault path, the HMM format's against 6.12's
 * (CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT_BENCH; benchmark kernels only).
 *
 * A module of its own next to nouveau.ko, so that nouveau's init and exit
 * need no hook: it drives nvkm's real GP100 descriptor tables, which
 * nouveau.ko exports for it (vmmgp100_hmm.c), over page tables held in
 * kernel memory, with no GPU. Root-only debugfs files:
 *
 *   nouveau_svm_hmm_bench/snapshot    write "MODE START LENGTH" (hex, page
 *                                     aligned, a range of the caller, at
 *                                     most 1 GiB); read once
 *                                     "ret=R ns=T pages=N retries=B hash=H"
 *   nouveau_svm_hmm_bench/dma_device  the DMA device, "NAME iommu|direct"
 *                                     (the -direct modes use a root
 *                                     device that maps directly)
 *
 * The range is served in 2 MiB-aligned windows, as the option's fault path
 * serves a fault, every page requested for read. MODE is one of
 *
 *   format          the option's path: the entries the window's page tables
 *                   hold are read (&hmm_range.installed), hmm_range_fault()
 *                   with nvkm's GP100 format writes final PTEs (DMA-mapped
 *                   for the bench device), and the real tables' pfn method
 *                   stores them: one PD0 entry for a HUGE window, else the
 *                   window's 4 KiB PTEs;
 *   upstream        6.12's path, a window at a time: the unmodified 6.12
 *                   hmm_range_fault() (hmm_upstream_range_fault(), built
 *                   by CONFIG_HMM_BENCH) with the generic encoding, the
 *                   conversion of 6.12's nouveau_hmm_convert_pfn() to
 *                   NVIF PFNMAP words (a PMD-mapped window is one 2 MiB
 *                   word), and the same tables' pfn method, whose 6.12
 *                   encoder DMA-maps each page or 2 MiB run;
 *   upstream-1page  as 6.12's Nouveau really runs it: one
 *                   hmm_upstream_range_fault() per 4 KiB page (one per
 *                   2 MiB window the CPU maps with a PMD) and one pfn call
 *                   for its word;
 *   format-direct, upstream-direct, upstream-1page-direct
 *                   the same with a device that maps directly, so that the
 *                   paths' own costs show without the IOMMU's.
 *
 * As nvkm_vmm_pfn_map() does, the pfn method is only given runs of valid
 * words. The time runs from before the first window's work to after its
 * last PTE is written. After the clock stopped, the tables are hashed
 * (position-sensitive; an IOVA is replaced by the physical address it
 * maps, so the modes' hashes compare behind an IOMMU too) and every
 * mapping is undone through the tables' pfn_clear, then as it was made:
 * the format's entries by the tables' pfn_unmap (the option's dispatcher
 * unmaps them as HMM mapped them), 6.12's entries as 6.12's unmap does
 * (that dispatcher cannot tell a non-atomic 6.12 entry from a format one,
 * and would unmap a read-only one DMA_TO_DEVICE).
 *
 * The control files and the DMA device are mm/hmm_bench.c's
 * (hmm_bench_ctl_create(), hmm_bench_dma_device()): QEMU's pci-testdev,
 * behind the IOMMU if there is one, else a root device with direct DMA.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/hmm_bench.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <core/device.h>
#include <subdev/mmu_hmm.h>

#include "subdev/mmu/vmm.h"
#include "subdev/mmu/vmmgp100_hmm.h"
#include <nvif/if000c.h>

/* mm/hmm_upstream.c: 6.12's hmm_range_fault(), renamed at build time. */
int hmm_upstream_range_fault(struct hmm_range *range);

#define NSB_WINDOW		SZ_2M
#define NSB_WINDOW_PAGES	(NSB_WINDOW >> PAGE_SHIFT)
#define NSB_MAX_LEN		SZ_1G
#define NSB_MAX_TRIES		64
#define NSB_PT_BYTES		(NSB_WINDOW_PAGES * 8)
#define NSB_PD0_STRIDE		16
/* The GP100 address field of system memory: address >> 12 at bit 8. */
#define NSB_ADDR_FIELD		GENMASK_ULL(53, 8)

enum nsb_mode {
	NSB_FORMAT,
	NSB_UPSTREAM,
	NSB_UPSTREAM_1PAGE,
	NSB_PATHS,
};

/* Each path with hmm_bench's device, then with its direct-DMA one. */
static const char * const nsb_modes[] = {
	[NSB_FORMAT]			= "format",
	[NSB_UPSTREAM]			= "upstream",
	[NSB_UPSTREAM_1PAGE]		= "upstream-1page",
	[NSB_PATHS + NSB_FORMAT]	= "format-direct",
	[NSB_PATHS + NSB_UPSTREAM]	= "upstream-direct",
	[NSB_PATHS + NSB_UPSTREAM_1PAGE] = "upstream-1page-direct",
};

/* hmm_bench's DMA devices, which stay for the life of the kernel. */
static struct device *nsb_dev, *nsb_direct;
static struct dentry *nsb_dir;

/**
 * struct nsb_table - a GPU page table in kernel memory, for nvkm
 * @memory: what nvkm reads and writes through
 * @pt: the table as nvkm's descriptor functions see it
 * @words: its contents
 * @live: an entry was stored in it: nvkm would have allocated it by now
 *	(until then nvkm_gp100_hmm_installed() finds no table and reads none)
 */
struct nsb_table {
	struct nvkm_memory memory;
	struct nvkm_mmu_pt pt;
	u32 *words;
	bool live;
};

/**
 * struct nsb - the fake nvkm objects and buffers of one measurement
 * @device: the nvkm device, whose &nvkm_device.dev is the DMA device
 * @mmu: its MMU
 * @vmm: the VMM the descriptor functions are called with
 * @pd0: PD0, one 16-byte slot per window
 * @pts: one 4 KiB page table per window
 * @pt_words: the page tables' contents, window after window
 * @pd0_words: PD0's contents
 * @nwin: number of windows
 * @base: address of window 0 (the range start, 2 MiB aligned down)
 * @format: nvkm's GP100 format for the DMA device
 * @notifier: the range's interval notifier
 * @entries: hmm_range_fault()'s output for a window
 * @installed: the entries a window holds before the call (format mode)
 * @words: the pfn method's input for a window
 */
struct nsb {
	struct nvkm_device device;
	struct nvkm_mmu mmu;
	struct nvkm_vmm vmm;
	struct nsb_table pd0;
	struct nsb_table *pts;
	u32 *pt_words;
	u32 *pd0_words;
	unsigned long nwin;
	unsigned long base;
	struct hmm_pfn_format format;
	struct mmu_interval_notifier notifier;
	unsigned long entries[NSB_WINDOW_PAGES];
	unsigned long installed[NSB_WINDOW_PAGES];
	u64 words[NSB_WINDOW_PAGES];
};

static void __iomem *nsb_acquire(struct nvkm_memory *memory)
{
	return NULL;
}

static void nsb_release(struct nvkm_memory *memory)
{
}

static u32 nsb_rd32(struct nvkm_memory *memory, u64 offset)
{
	return container_of(memory, struct nsb_table, memory)->words[offset / 4];
}

static void nsb_wr32(struct nvkm_memory *memory, u64 offset, u32 data)
{
	container_of(memory, struct nsb_table, memory)->words[offset / 4] = data;
}

static const struct nvkm_memory_func nsb_memory_func = {
	.acquire = nsb_acquire,
	.release = nsb_release,
};

static const struct nvkm_memory_ptrs nsb_memory_ptrs = {
	.rd32 = nsb_rd32,
	.wr32 = nsb_wr32,
};

static void nsb_table_init(struct nsb_table *t, u32 *words)
{
	t->memory.func = &nsb_memory_func;
	t->memory.ptrs = &nsb_memory_ptrs;
	t->pt.memory = &t->memory;
	t->words = words;
}

static u64 nsb_rd64(struct nsb_table *t, u32 offset)
{
	return (u64)nvkm_ro32(&t->memory, offset + 4) << 32 |
	       nvkm_ro32(&t->memory, offset);
}

static void nsb_free(struct nsb *b)
{
	if (!b)
		return;
	vfree(b->pd0_words);
	vfree(b->pt_words);
	kvfree(b->pts);
	kvfree(b);
}

static struct nsb *nsb_alloc(struct device *dev, unsigned long start,
			     unsigned long len)
{
	struct nsb *b = kvzalloc(sizeof(*b), GFP_KERNEL);
	unsigned long w;

	if (!b)
		return NULL;
	b->base = ALIGN_DOWN(start, NSB_WINDOW);
	b->nwin = (ALIGN(start + len, NSB_WINDOW) - b->base) / NSB_WINDOW;
	b->pts = kvcalloc(b->nwin, sizeof(*b->pts), GFP_KERNEL);
	b->pt_words = vzalloc(b->nwin * NSB_PT_BYTES);
	b->pd0_words = vzalloc(b->nwin * NSB_PD0_STRIDE);
	if (!b->pts || !b->pt_words || !b->pd0_words) {
		nsb_free(b);
		return NULL;
	}
	for (w = 0; w < b->nwin; w++)
		nsb_table_init(&b->pts[w],
			       b->pt_words + w * (NSB_PT_BYTES / 4));
	nsb_table_init(&b->pd0, b->pd0_words);

	b->device.dev = dev;
	b->mmu.subdev.device = &b->device;
	b->vmm.mmu = &b->mmu;
	b->vmm.name = "bench";
	return b;
}

static bool nsb_invalidate(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq)
{
	/* The snapshot is private to the measurement: just move the seq. */
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops nsb_notifier_ops = {
	.invalidate = nsb_invalidate,
};

/*
 * The pfn method of level @lvl (0: PT, 1: PD0) on the valid runs of
 * @words, as nvkm_vmm_pfn_map() splits a PFNMAP call.
 */
static void nsb_pfn(struct nsb *b, int lvl, struct nsb_table *t, u32 ptei,
		    u64 *words, u32 n)
{
	const struct nvkm_vmm_desc *desc = &nvkm_gp100_hmm_bench_desc()[lvl];
	struct nvkm_vmm_map map = {};

	t->live = true;
	u32 i = 0, j;

	while (i < n) {
		if (!(words[i] & NVKM_VMM_PFN_V)) {
			i++;
			continue;
		}
		for (j = i + 1; j < n && (words[j] & NVKM_VMM_PFN_V); j++)
			;
		map.pfn = &words[i];
		desc->func->pfn(&b->vmm, &t->pt, ptei + i, j - i, &map);
		i = j;
	}
}

/*
 * What the option's fault path reads before its hmm_range_fault(): the
 * window's entries in the format, the 2 MiB PTE of PD0 when there is one.
 */
static void nsb_read_installed(struct nsb *b, unsigned long w, u32 first,
			       unsigned long npages)
{
	struct nsb_table *pt = &b->pts[w];
	unsigned long i;
	u64 pde;

	memset(b->installed, 0, npages * sizeof(b->installed[0]));
	if (b->pd0.live) {
		nvkm_kmap(&b->pd0.memory);
		pde = nsb_rd64(&b->pd0, w * NSB_PD0_STRIDE);
		nvkm_done(&b->pd0.memory);
		if (nvkm_gp100_hmm_is_pte(pde)) {
			pde |= NVKM_GP100_HMM_HUGE;
			for (i = 0; i < npages; i++)
				b->installed[i] = pde + ((u64)(first + i) <<
						NVKM_GP100_PTE_ADDR_SHIFT);
			return;
		}
	}
	if (!pt->live)
		return;
	nvkm_kmap(&pt->memory);
	for (i = 0; i < npages; i++)
		b->installed[i] = nsb_rd64(pt, (first + i) * 8);
	nvkm_done(&pt->memory);
}

/* One hmm call, repeated while the range moves under it. */
static int nsb_fault(struct nsb *b, struct hmm_range *range, bool upstream,
		     unsigned int *retries)
{
	struct mm_struct *mm = current->mm;
	int ret;

	do {
		range->notifier_seq = mmu_interval_read_begin(&b->notifier);
		mmap_read_lock(mm);
		ret = upstream ? hmm_upstream_range_fault(range) :
				 hmm_range_fault(range);
		mmap_read_unlock(mm);
	} while (ret == -EBUSY && ++*retries < NSB_MAX_TRIES);
	return ret;
}

/* The option's path on one window. */
static int nsb_format_window(struct nsb *b, unsigned long w,
			     unsigned long start, unsigned long npages,
			     unsigned int *retries)
{
	u32 first = (start >> PAGE_SHIFT) & (NSB_WINDOW_PAGES - 1);
	struct hmm_range range = {
		.notifier = &b->notifier,
		.start = start,
		.end = start + (npages << PAGE_SHIFT),
		.hmm_pfns = b->entries,
		.default_flags = NVKM_GP100_HMM_REQ_FAULT,
		.format = &b->format,
		.installed = b->installed,
	};
	unsigned long i;
	int ret;

	nsb_read_installed(b, w, first, npages);
	ret = nsb_fault(b, &range, false, retries);
	if (ret)
		return ret;
	if (hmm_format_entry_is_valid(&b->format, b->entries[0]) &&
	    hmm_format_entry_is_huge(&b->format, b->entries[0])) {
		b->words[0] = b->entries[0];
		nsb_pfn(b, 1, &b->pd0, w, b->words, 1);
		return 0;
	}
	for (i = 0; i < npages; i++)
		b->words[i] = b->entries[i];
	nsb_pfn(b, 0, &b->pts[w], first, b->words, npages);
	return 0;
}

/* 6.12's nouveau_hmm_convert_pfn(), for a system page: a PFNMAP word. */
static u64 nsb_convert(unsigned long hpfn)
{
	struct page *page;
	u64 word;

	if (!(hpfn & HMM_PFN_VALID))
		return 0;
	page = hmm_pfn_to_page(hpfn);
	/* No pagemap owner is passed: HMM never returns device pages. */
	if (is_device_private_page(page))
		return 0;
	word = page_to_phys(page) | NVIF_VMM_PFNMAP_V0_V |
	       NVIF_VMM_PFNMAP_V0_HOST;
	if (hpfn & HMM_PFN_WRITE)
		word |= NVIF_VMM_PFNMAP_V0_W;
	return word;
}

/* A PMD-mapped window the range covers whole: one 2 MiB word. */
static bool nsb_pmd_window(unsigned long hpfn, unsigned long npages)
{
	return npages == NSB_WINDOW_PAGES && (hpfn & HMM_PFN_VALID) &&
	       hmm_pfn_to_map_order(hpfn) >= PMD_SHIFT - PAGE_SHIFT;
}

/*
 * 6.12's path on one window: one hmm call for the window, or for
 * @one_page one per page (one per window the CPU maps with a PMD).
 */
static int nsb_upstream_window(struct nsb *b, unsigned long w,
			       unsigned long start, unsigned long npages,
			       bool one_page, unsigned int *retries)
{
	u32 first = (start >> PAGE_SHIFT) & (NSB_WINDOW_PAGES - 1);
	struct hmm_range range = {
		.notifier = &b->notifier,
		.hmm_pfns = b->entries,
		.default_flags = HMM_PFN_REQ_FAULT,
	};
	unsigned long i, n = one_page ? 1 : npages;
	int ret;

	for (i = 0; i < npages; i += n) {
		range.start = start + (i << PAGE_SHIFT);
		range.end = range.start + (n << PAGE_SHIFT);
		ret = nsb_fault(b, &range, true, retries);
		if (ret)
			return ret;
		if (!i && nsb_pmd_window(b->entries[0], npages)) {
			b->words[0] = nsb_convert(b->entries[0]);
			nsb_pfn(b, 1, &b->pd0, w, b->words, 1);
			return 0;
		}
		if (one_page) {
			b->words[0] = nsb_convert(b->entries[0]);
			nsb_pfn(b, 0, &b->pts[w], first + i, b->words, 1);
		}
	}
	if (one_page)
		return 0;
	for (i = 0; i < npages; i++)
		b->words[i] = nsb_convert(b->entries[i]);
	nsb_pfn(b, 0, &b->pts[w], first, b->words, npages);
	return 0;
}

/* The IOMMU domain the entries' addresses are IOVAs of, or NULL. */
static struct iommu_domain *nsb_iommu(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	return dom && (dom->type & __IOMMU_DOMAIN_PAGING) ? dom : NULL;
}

static u64 nsb_hash_word(u64 h, struct iommu_domain *dom, u64 e, u64 pos)
{
	if (dom && (e & NVKM_GP100_PTE_APERTURE)) {
		phys_addr_t phys = iommu_iova_to_phys(dom,
				((e & NSB_ADDR_FIELD) >> 8) << PAGE_SHIFT);

		e = (e & ~NSB_ADDR_FIELD) | ((u64)(phys >> PAGE_SHIFT) << 8);
	}
	/* FNV-1a over the word and its position. */
	return (h ^ e ^ pos) * 0x100000001b3ULL;
}

/* Hash both levels of the tables; each slot's position counts. */
static u64 nsb_hash(struct nsb *b)
{
	struct iommu_domain *dom = nsb_iommu(b->device.dev);
	u64 h = 0xcbf29ce484222325ULL;
	unsigned long w, i;

	for (w = 0; w < b->nwin; w++) {
		for (i = 0; i < NSB_WINDOW_PAGES; i++)
			h = nsb_hash_word(h, dom, nsb_rd64(&b->pts[w], i * 8),
					  w * NSB_WINDOW_PAGES + i);
		h = nsb_hash_word(h, dom,
				  nsb_rd64(&b->pd0, w * NSB_PD0_STRIDE), ~w);
	}
	return h;
}

/* 6.12's unmap of its system entries: DMA_BIDIRECTIONAL, page or 2 MiB. */
static void nsb_unmap_612(struct device *dev, struct nsb_table *t, u32 ptei,
			  u32 n, u32 stride, size_t size)
{
	u32 i;

	for (i = 0; i < n; i++) {
		u64 e = nsb_rd64(t, (ptei + i) * stride);

		if (e & NVKM_GP100_PTE_APERTURE)
			dma_unmap_page(dev, (e >> 8) << PAGE_SHIFT, size,
				       DMA_BIDIRECTIONAL);
	}
}

/* Undo every mapping behind the tables (after the clock). */
static void nsb_undo(struct nsb *b, unsigned int mode)
{
	const struct nvkm_vmm_desc *desc = nvkm_gp100_hmm_bench_desc();
	unsigned long w;

	for (w = 0; w < b->nwin; w++) {
		struct nsb_table *pt = &b->pts[w];

		desc[1].func->pfn_clear(&b->vmm, &b->pd0.pt, w, 1);
		desc[0].func->pfn_clear(&b->vmm, &pt->pt, 0, NSB_WINDOW_PAGES);
		if (mode == NSB_FORMAT) {
			desc[1].func->pfn_unmap(&b->vmm, &b->pd0.pt, w, 1);
			desc[0].func->pfn_unmap(&b->vmm, &pt->pt, 0,
						NSB_WINDOW_PAGES);
		} else {
			nsb_unmap_612(b->device.dev, &b->pd0, w, 1,
				      NSB_PD0_STRIDE, SZ_2M);
			nsb_unmap_612(b->device.dev, pt, 0, NSB_WINDOW_PAGES,
				      8, PAGE_SIZE);
		}
	}
}

static void nsb_measure(unsigned int mode, unsigned long start,
			unsigned long len, bool snap,
			struct hmm_bench_result *res)
{
	struct device *dev = mode >= NSB_PATHS ? nsb_direct : nsb_dev;
	unsigned long end = start + len, w, s, e;
	struct nsb *b;
	u64 t0, t1;
	int ret = 0;

	mode %= NSB_PATHS;
	res->npages = len >> PAGE_SHIFT;
	b = nsb_alloc(dev, start, len);
	if (!b) {
		res->ret = -ENOMEM;
		return;
	}
	if (mode == NSB_FORMAT && !nvkm_gp100_hmm_format(&b->format, dev)) {
		ret = -EOPNOTSUPP;
		goto out_free;
	}
	ret = mmu_interval_notifier_insert(&b->notifier, current->mm, start,
					   len, &nsb_notifier_ops);
	if (ret)
		goto out_free;

	t0 = ktime_get_ns();
	for (w = 0; !ret && w < b->nwin; w++) {
		s = max(start, b->base + w * NSB_WINDOW);
		e = min(end, b->base + (w + 1) * NSB_WINDOW);
		if (mode == NSB_FORMAT)
			ret = nsb_format_window(b, w, s, (e - s) >> PAGE_SHIFT,
						&res->retries);
		else
			ret = nsb_upstream_window(b, w, s,
						  (e - s) >> PAGE_SHIFT,
						  mode == NSB_UPSTREAM_1PAGE,
						  &res->retries);
	}
	t1 = ktime_get_ns();

	mmu_interval_notifier_remove(&b->notifier);
	if (!ret) {
		res->ns = t1 - t0;
		res->hash = nsb_hash(b);
	}
	nsb_undo(b, mode);
out_free:
	nsb_free(b);
	res->ret = ret;
}

static const struct hmm_bench_ctl nsb_ctl = {
	.modes = nsb_modes,
	.nmodes = ARRAY_SIZE(nsb_modes),
	.max_len = NSB_MAX_LEN,
	.measure = nsb_measure,
};

static int __init nsb_init(void)
{
	nsb_dev = hmm_bench_dma_device(false);
	nsb_direct = hmm_bench_dma_device(true);
	if (!nsb_dev || !nsb_direct)
		return -ENODEV;
	nsb_dir = debugfs_create_dir("nouveau_svm_hmm_bench", NULL);
	hmm_bench_ctl_create(nsb_dir, &nsb_ctl);
	return 0;
}

static void __exit nsb_exit(void)
{
	/* debugfs waits for a measurement in progress. */
	debugfs_remove_recursive(nsb_dir);
}

module_init(nsb_init);
module_exit(nsb_exit);

MODULE_DESCRIPTION("Benchmark of Nouveau's GPU-fault path on the HMM format");
MODULE_LICENSE("GPL");
