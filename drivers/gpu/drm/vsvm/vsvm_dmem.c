// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device memory: the GPU's VRAM as MEMORY_DEVICE_PRIVATE pages, and the
 * migration of process pages to it and back, the data moved by the copy
 * engine (vsvm_copy.c).
 *
 * Layout: one pagemap over the whole VRAM, on a free physical range of
 * the same size (request_free_mem_region()); the page at pfn first_pfn + i
 * is VRAM offset i * PAGE_SIZE. Its owner is the device, which is also the
 * dev_private_owner the driver gives hmm_range_fault(): HMM then reports
 * the device's own VRAM pages as GP100 PTEs of the video-memory aperture
 * (the format's device_addr() is the offset), and migrates every other
 * device's pages back to system memory first.
 *
 * Free VRAM pages are a bitmap under vsvm_dmem.lock (a spinlock: the
 * pagemap's page_free() may run in any context). A page is allocated when
 * a migration to VRAM takes it and freed when its last reference goes:
 * the process unmapped it, exited, or it migrated back. Each page names
 * the vsvm_vram_account of the file that migrated it (zone_device_data),
 * which fdinfo reads.
 *
 * Eviction: VRAM is managed in 2 MiB chunks on an LRU list, a chunk moving
 * to its tail whenever a migration takes a page of it. A migration step
 * that finds too little free VRAM first evicts chunks from the head (least
 * recently filled) back to system memory, with migrate_device_range(),
 * whoever's pages they hold; never a chunk the same migration call filled,
 * so that a call larger than VRAM ends with what fits rather than chasing
 * its own tail. A chunk whose pages cannot move (locked, pinned) goes back
 * to the tail; eviction stops after one pass over the chunks or when the
 * system pages cannot be allocated, and the pages that do not fit stay in
 * system memory.
 *
 * Migration to VRAM is asked for by DRM_IOCTL_VSVM_SVM_BIND
 * (DRM_VSVM_BIND_OP_MIGRATE to DRM_VSVM_BIND_TARGET_VRAM); it takes what
 * VRAM is free and leaves the rest in system memory. A CPU access to a page
 * in VRAM migrates it back with its aligned 64 KiB block (migrate_to_ram()),
 * as does the same ioctl with DRM_VSVM_BIND_TARGET_SYSTEM; the CPU
 * invalidation that comes with every migration clears the GPU's PTEs, and
 * the next GPU fault or bind maps the page where it now is. Unbinding the
 * device migrates every page back before the pagemap goes.
 */
#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "hw/vsvm_mmu_format.h"

/* Pages one migration step handles: one 2 MiB window. */
#define VSVM_DMEM_STEP	VSVM_WINDOW_PAGES

/*
 * Where a copy puts the system pages and VRAM offsets it pairs, and its
 * copy-engine commands: room for one page each at least, for a migration
 * step's pages at most.
 */
struct vsvm_dmem_batch {
	struct page **sys;
	u64 *vram;
	struct vsvm_copy_op *ops;
};

/* What one migration step works with. */
struct vsvm_dmem_scratch {
	unsigned long src[VSVM_DMEM_STEP];
	unsigned long dst[VSVM_DMEM_STEP];
	struct page *sys[VSVM_DMEM_STEP];
	u64 vram[VSVM_DMEM_STEP];
	struct vsvm_copy_op ops[VSVM_DMEM_STEP];
};

static struct vsvm_dmem *vsvm_page_dmem(struct page *page)
{
	return container_of(page->pgmap, struct vsvm_dmem, pagemap);
}

static struct vsvm_device *vsvm_dmem_device(struct vsvm_dmem *dmem)
{
	return container_of(dmem, struct vsvm_device, dmem);
}

/* VRAM offset of a page of the device's pagemap. */
static u64 vsvm_dmem_offset(struct vsvm_dmem *dmem, struct page *page)
{
	return (u64)(page_to_pfn(page) - dmem->first_pfn) << PAGE_SHIFT;
}

/**
 * vsvm_dmem_device_addr() - &hmm_pfn_format.device_addr of the SVM format
 * @page: a device-private page of the device (HMM checked the owner)
 * @addr: its VRAM offset
 *
 * Does not sleep.
 *
 * Return: true.
 */
bool vsvm_dmem_device_addr(struct page *page, u64 *addr)
{
	*addr = vsvm_dmem_offset(vsvm_page_dmem(page), page);
	return true;
}

static void vsvm_vram_account_release(struct kref *ref)
{
	kfree(container_of(ref, struct vsvm_vram_account, ref));
}

/**
 * vsvm_vram_account_create() - a file's VRAM account
 *
 * Return: the account with one reference (the file's), or NULL.
 */
struct vsvm_vram_account *vsvm_vram_account_create(void)
{
	struct vsvm_vram_account *acct = kzalloc(sizeof(*acct),
						 GFP_KERNEL_ACCOUNT);

	if (acct)
		kref_init(&acct->ref);
	return acct;
}

/**
 * vsvm_vram_account_put() - drop a reference to a VRAM account
 * @acct: the account, or NULL
 *
 * Any context.
 */
void vsvm_vram_account_put(struct vsvm_vram_account *acct)
{
	if (acct)
		kref_put(&acct->ref, vsvm_vram_account_release);
}

/*
 * A free VRAM page, locked and with one reference, charged to @acct and
 * filled by migration call @gen: page @reserved if it is not ULONG_MAX
 * (vsvm_dmem_reserve_chunk() set its bit), else any; NULL if VRAM is full.
 */
static struct page *vsvm_dmem_alloc(struct vsvm_dmem *dmem,
				    struct vsvm_vram_account *acct, u64 gen,
				    unsigned long reserved)
{
	struct vsvm_dmem_chunk *c;
	unsigned long i, flags;
	struct page *page;

	spin_lock_irqsave(&dmem->lock, flags);
	i = reserved;
	if (i == ULONG_MAX) {
		i = find_next_zero_bit(dmem->used, dmem->npages, dmem->hint);
		if (i >= dmem->npages)
			i = find_first_zero_bit(dmem->used, dmem->npages);
		if (i >= dmem->npages) {
			spin_unlock_irqrestore(&dmem->lock, flags);
			return NULL;
		}
		__set_bit(i, dmem->used);
		dmem->hint = i + 1;
	}
	c = &dmem->chunks[i / VSVM_WINDOW_PAGES];
	c->used++;
	c->gen = gen;
	if (!c->evicting)
		list_move_tail(&c->lru, &dmem->lru);
	spin_unlock_irqrestore(&dmem->lock, flags);
	atomic64_inc(&dmem->pages_used);
	kref_get(&acct->ref);
	atomic64_inc(&acct->pages);
	page = pfn_to_page(dmem->first_pfn + i);
	page->zone_device_data = acct;
	zone_device_page_init(page);
	return page;
}

/*
 * Reserve a wholly free, aligned 2 MiB chunk for a whole window, so that
 * the window can be mapped with one 2 MiB GPU PTE: the first page's index,
 * or ULONG_MAX if no chunk is free. The pages the window does not take
 * are given back with vsvm_dmem_unreserve().
 */
static unsigned long vsvm_dmem_reserve_chunk(struct vsvm_dmem *dmem)
{
	unsigned long i, flags;

	spin_lock_irqsave(&dmem->lock, flags);
	i = bitmap_find_next_zero_area(dmem->used, dmem->npages, 0,
				       VSVM_WINDOW_PAGES,
				       VSVM_WINDOW_PAGES - 1);
	if (i < dmem->npages)
		bitmap_set(dmem->used, i, VSVM_WINDOW_PAGES);
	else
		i = ULONG_MAX;
	spin_unlock_irqrestore(&dmem->lock, flags);
	return i;
}

static void vsvm_dmem_unreserve(struct vsvm_dmem *dmem, unsigned long i)
{
	unsigned long flags;

	spin_lock_irqsave(&dmem->lock, flags);
	__clear_bit(i, dmem->used);
	spin_unlock_irqrestore(&dmem->lock, flags);
}

/**
 * vsvm_dmem_mark_huge() - let a window held by one VRAM chunk map as 2 MiB
 * @fmt: the format of @words
 * @start: the address of @words[0]
 * @words: hmm_range_fault() output for the range
 * @npages: its length
 *
 * HMM writes device-private pages one PTE each (6.12 maps them with 4 KiB
 * CPU PTEs). When the range is a whole window whose entries are the 512
 * pages of one aligned VRAM chunk, in order and with the same permissions,
 * they are marked HUGE: vsvm_vmm_map() then writes one 2 MiB PTE.
 */
void vsvm_dmem_mark_huge(const struct hmm_pfn_format *fmt, u64 start,
			 unsigned long *words, unsigned long npages)
{
	const u64 step = 1ULL << fmt->pfn_shift;
	const u64 first = words[0];
	unsigned long i;

	if (npages != VSVM_WINDOW_PAGES || start & (VSVM_WINDOW_SIZE - 1) ||
	    !hmm_format_entry_is_valid(fmt, first) ||
	    hmm_format_entry_is_huge(fmt, first) ||
	    FIELD_GET(NV_MMU_VER2_PTE_APERTURE, first) !=
	    NV_MMU_VER2_PTE_APERTURE_VIDEO_MEMORY ||
	    FIELD_GET(NV_MMU_VER2_PTE_ADDRESS_VID, first) &
	    (VSVM_WINDOW_PAGES - 1))
		return;
	for (i = 1; i < npages; i++)
		if (words[i] != first + i * step)
			return;
	for (i = 0; i < npages; i++)
		words[i] |= fmt->flags[HMM_PFN_FLAG_HUGE];
}

/* The pagemap's page_free(): the page's last reference went. */
static void vsvm_dmem_page_free(struct page *page)
{
	struct vsvm_dmem *dmem = vsvm_page_dmem(page);
	struct vsvm_vram_account *acct = page->zone_device_data;
	unsigned long i = page_to_pfn(page) - dmem->first_pfn;
	struct vsvm_dmem_chunk *c = &dmem->chunks[i / VSVM_WINDOW_PAGES];
	unsigned long flags;

	spin_lock_irqsave(&dmem->lock, flags);
	__clear_bit(i, dmem->used);
	if (!--c->used && !c->evicting)
		list_del_init(&c->lru);
	spin_unlock_irqrestore(&dmem->lock, flags);
	atomic64_dec(&dmem->pages_used);
	page->zone_device_data = NULL;
	atomic64_dec(&acct->pages);
	vsvm_vram_account_put(acct);
}

/*
 * Count the pages of @src that moved back to system memory, in the
 * device's and in their accounts' counters (one step per account).
 * Before the migration is finalized: the source pages are still held.
 */
static unsigned long vsvm_dmem_count_back(struct vsvm_dmem *dmem,
					  const unsigned long *src,
					  const unsigned long *dst,
					  unsigned long npages, bool evicted)
{
	struct vsvm_vram_account *acct, *last = NULL;
	unsigned long i, n = 0;
	struct page *spage;

	for (i = 0; i < npages; i++) {
		if (!dst[i] || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		spage = migrate_pfn_to_page(src[i]);
		acct = spage->zone_device_data;
		if (acct != last)
			atomic64_inc(&acct->to_ram_ops);
		last = acct;
		atomic64_inc(&acct->to_ram_pages);
		if (evicted)
			atomic64_inc(&acct->evicted_pages);
		n++;
	}
	atomic64_add(n, &dmem->migrated_to_ram);
	if (evicted)
		atomic64_add(n, &dmem->evicted);
	return n;
}

/* Append a command, or lengthen the last one if this one continues it. */
static void vsvm_dmem_op_add(struct vsvm_copy_op *ops, unsigned long *n,
			     const struct vsvm_copy_op *op)
{
	struct vsvm_copy_op *last = *n ? &ops[*n - 1] : NULL;

	if (last && last->fill == op->fill &&
	    last->src_target == op->src_target &&
	    last->dst_target == op->dst_target &&
	    last->dst + last->len == op->dst &&
	    (op->fill || last->src + last->len == op->src)) {
		last->len += op->len;
		return;
	}
	ops[(*n)++] = *op;
}

/*
 * Copy @n whole system pages @sys from or to the VRAM offsets @vram with
 * the copy engine. The system pages are mapped as one scatterlist, which
 * behind an IOMMU is one IOVA range (one IOTLB invalidation when it goes),
 * and commands over contiguous runs on both sides are merged. @ops has
 * room for @n commands.
 */
static int vsvm_dmem_copy(struct vsvm_device *vdev, struct page **sys,
			  const u64 *vram, unsigned long n, bool to_vram,
			  struct vsvm_copy_op *ops)
{
	enum dma_data_direction dir = to_vram ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	struct device *dev = vdev->drm.dev;
	unsigned long i, k = 0, nops = 0;
	struct vsvm_copy_op op = { .len = PAGE_SIZE };
	struct scatterlist *sg;
	struct sg_table sgt;
	dma_addr_t dma;
	u32 left;
	int ret;

	if (!n)
		return 0;
	ret = sg_alloc_table(&sgt, n, GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sgtable_sg(&sgt, sg, i)
		sg_set_page(sg, sys[i], PAGE_SIZE, 0);
	ret = dma_map_sgtable(dev, &sgt, dir, 0);
	if (ret)
		goto out;
	op.src_target = to_vram ? VSVM_TARGET_SYS_MEM_COHERENT :
				  VSVM_TARGET_VID_MEM;
	op.dst_target = to_vram ? VSVM_TARGET_VID_MEM :
				  VSVM_TARGET_SYS_MEM_COHERENT;
	/* Segments hold whole pages, in order. */
	for_each_sgtable_dma_sg(&sgt, sg, i) {
		dma = sg_dma_address(sg);
		for (left = sg_dma_len(sg); left >= PAGE_SIZE && k < n;
		     left -= PAGE_SIZE, dma += PAGE_SIZE, k++) {
			op.src = to_vram ? dma : vram[k];
			op.dst = to_vram ? vram[k] : dma;
			vsvm_dmem_op_add(ops, &nops, &op);
		}
	}
	ret = k == n ? vsvm_copy_run(vdev, ops, nops) : -EIO;
	dma_unmap_sgtable(dev, &sgt, dir, 0);
out:
	sg_free_table(&sgt);
	return ret;
}

/*
 * Copy the VRAM pages of @src that may migrate into new system pages, set
 * in @dst (locked, as migration wants them). @vma and @addr place the new
 * pages (NULL for eviction); @gfp allocates them. Returns 0, -ENOMEM or
 * -EIO; on error no entry of @dst is set.
 */
static int vsvm_dmem_copy_to_ram(struct vsvm_device *vdev,
				 const unsigned long *src, unsigned long *dst,
				 unsigned long npages,
				 const struct vsvm_dmem_batch *b,
				 struct vm_area_struct *vma, unsigned long addr,
				 gfp_t gfp)
{
	struct page *spage, *dpage;
	unsigned long i, n = 0;
	int ret = 0;

	for (i = 0; i < npages; i++) {
		spage = migrate_pfn_to_page(src[i]);
		if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = vma ? alloc_page_vma(gfp, vma, addr + i * PAGE_SIZE) :
			      alloc_page(gfp);
		if (!dpage) {
			ret = -ENOMEM;
			break;
		}
		lock_page(dpage);
		dst[i] = migrate_pfn(page_to_pfn(dpage)) |
			 (src[i] & MIGRATE_PFN_WRITE);
		b->sys[n] = dpage;
		b->vram[n++] = vsvm_dmem_offset(&vdev->dmem, spage);
	}
	if (!ret)
		ret = vsvm_dmem_copy(vdev, b->sys, b->vram, n, false, b->ops);
	for (i = 0; ret && i < npages; i++) {
		if (!dst[i])
			continue;
		dpage = migrate_pfn_to_page(dst[i]);
		unlock_page(dpage);
		__free_page(dpage);
		dst[i] = 0;
	}
	return ret;
}

/* What one CPU fault brings back: its page's aligned 64 KiB block. */
#define VSVM_DMEM_FAULT_AROUND	16

/* What a CPU fault's migration works with. */
struct vsvm_dmem_fault_scratch {
	unsigned long src[VSVM_DMEM_FAULT_AROUND];
	unsigned long dst[VSVM_DMEM_FAULT_AROUND];
	struct page *sys[VSVM_DMEM_FAULT_AROUND];
	u64 vram[VSVM_DMEM_FAULT_AROUND];
	struct vsvm_copy_op ops[VSVM_DMEM_FAULT_AROUND];
};

/*
 * The pagemap's migrate_to_ram(): a CPU access to a page in VRAM. The
 * faulting page comes back with the other pages of its aligned 64 KiB
 * block (clipped to the VMA) that are in this device's VRAM: a CPU that
 * reads one page of a buffer usually reads its neighbours next, and one
 * copy-engine submission for the block costs far less than one per page.
 * Pages another thread holds locked stay, the faulting one aside.
 */
static vm_fault_t vsvm_dmem_migrate_to_ram(struct vm_fault *vmf)
{
	struct vsvm_dmem *dmem = vsvm_page_dmem(vmf->page);
	struct vsvm_device *vdev = vsvm_dmem_device(dmem);
	const u64 block = VSVM_DMEM_FAULT_AROUND * PAGE_SIZE;
	struct vm_area_struct *vma = vmf->vma;
	struct vsvm_dmem_fault_scratch *s;
	struct vsvm_dmem_batch b;
	struct migrate_vma args = {
		.vma = vma,
		.start = max_t(u64, vmf->address & ~(block - 1), vma->vm_start),
		.end = min_t(u64, (vmf->address & ~(block - 1)) + block,
			     vma->vm_end),
		.pgmap_owner = vdev,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	unsigned long npages = (args.end - args.start) >> PAGE_SHIFT;
	vm_fault_t ret = 0;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return VM_FAULT_OOM;
	args.src = s->src;
	args.dst = s->dst;
	b = (struct vsvm_dmem_batch) { s->sys, s->vram, s->ops };
	if (migrate_vma_setup(&args)) {
		kfree(s);
		return VM_FAULT_SIGBUS;
	}
	if (args.cpages) {
		err = vsvm_dmem_copy_to_ram(vdev, s->src, s->dst, npages, &b,
					    vma, args.start,
					    GFP_HIGHUSER_MOVABLE);
		if (err)
			ret = err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	migrate_vma_pages(&args);
	vsvm_dmem_count_back(dmem, s->src, s->dst, npages, false);
	migrate_vma_finalize(&args);
	kfree(s);
	return ret;
}

static const struct dev_pagemap_ops vsvm_dmem_pagemap_ops = {
	.page_free = vsvm_dmem_page_free,
	.migrate_to_ram = vsvm_dmem_migrate_to_ram,
};

/*
 * Copy the pages of @src that may migrate into VRAM pages, set in @dst.
 * Pages the CPU never wrote (no page yet) are zeroed in VRAM instead.
 * Stops, without error, when VRAM is full. Returns 0, -ENOMEM or -EIO; on
 * error no entry of @dst is set.
 */
static int vsvm_dmem_copy_to_vram(struct vsvm_device *vdev,
				  const unsigned long *src, unsigned long *dst,
				  unsigned long npages,
				  const struct vsvm_dmem_batch *b,
				  struct vsvm_vram_account *acct, u64 gen)
{
	struct vsvm_copy_op fill = {
		.fill = true, .dst_target = VSVM_TARGET_VID_MEM,
		.len = PAGE_SIZE,
	};
	unsigned long i, n = 0, nfill = 0, base = ULONG_MAX;
	struct vsvm_dmem *dmem = &vdev->dmem;
	struct page *spage, *dpage;
	int ret;

	/* A whole window goes to one chunk if it can (2 MiB GPU PTEs). */
	if (npages == VSVM_WINDOW_PAGES)
		base = vsvm_dmem_reserve_chunk(dmem);
	/* Fills from the front of @ops, copies' pages from the front of @sys. */
	for (i = 0; i < npages; i++) {
		if (!(src[i] & MIGRATE_PFN_MIGRATE)) {
			if (base != ULONG_MAX)
				vsvm_dmem_unreserve(dmem, base + i);
			continue;
		}
		dpage = vsvm_dmem_alloc(dmem, acct, gen,
					base == ULONG_MAX ? base : base + i);
		if (!dpage)
			break;
		dst[i] = migrate_pfn(page_to_pfn(dpage)) |
			 (src[i] & MIGRATE_PFN_WRITE);
		spage = migrate_pfn_to_page(src[i]);
		if (spage) {
			b->sys[n] = spage;
			b->vram[n++] = vsvm_dmem_offset(&vdev->dmem, dpage);
		} else {
			fill.dst = vsvm_dmem_offset(&vdev->dmem, dpage);
			vsvm_dmem_op_add(b->ops, &nfill, &fill);
		}
	}
	ret = vsvm_copy_run(vdev, b->ops, nfill);
	if (!ret)
		ret = vsvm_dmem_copy(vdev, b->sys, b->vram, n, true, b->ops);
	for (i = 0; ret && i < npages; i++) {
		if (!dst[i])
			continue;
		dpage = migrate_pfn_to_page(dst[i]);
		unlock_page(dpage);
		put_page(dpage);
		dst[i] = 0;
	}
	return ret;
}

/*
 * Evict the in-use pages of VRAM pfns [pfn, pfn + n) of @dmem (one step at
 * most) to system memory allocated with @gfp, whichever process maps them.
 * Pages locked or pinned by someone else stay. Returns the pages moved, or
 * a negative errno if the system pages or the copy failed.
 */
static long vsvm_dmem_evict_range(struct vsvm_device *vdev, unsigned long pfn,
				  unsigned long n, struct vsvm_dmem_scratch *s,
				  gfp_t gfp)
{
	const struct vsvm_dmem_batch b = { s->sys, s->vram, s->ops };
	struct vsvm_dmem *dmem = &vdev->dmem;
	unsigned long moved;
	int ret;

	memset(s->src, 0, n * sizeof(*s->src));
	memset(s->dst, 0, n * sizeof(*s->dst));
	migrate_device_range(s->src, dmem->first_pfn + pfn, n);
	ret = vsvm_dmem_copy_to_ram(vdev, s->src, s->dst, n, &b, NULL, 0, gfp);
	migrate_device_pages(s->src, s->dst, n);
	moved = vsvm_dmem_count_back(dmem, s->src, s->dst, n, true);
	migrate_device_finalize(s->src, s->dst, n);
	return ret ? ret : moved;
}

/*
 * Make room for @need pages before a step of migration call @gen: evict
 * chunks from the head of the LRU list, skipping those @gen filled, until
 * enough VRAM is free (see the top of this file). Sleeps; the caller holds
 * its process's mmap lock for reading, and nothing of the driver's.
 */
static void vsvm_dmem_make_room(struct vsvm_device *vdev, unsigned long need,
				u64 gen, struct vsvm_dmem_scratch *s)
{
	struct vsvm_dmem *dmem = &vdev->dmem;
	unsigned long nchunks = dmem->npages / VSVM_WINDOW_PAGES;
	struct vsvm_dmem_chunk *c, *victim;
	unsigned long tries, flags, idx;
	long moved;

	for (tries = 0; tries < nchunks; tries++) {
		if (dmem->npages - atomic64_read(&dmem->pages_used) >= need)
			return;
		victim = NULL;
		spin_lock_irqsave(&dmem->lock, flags);
		list_for_each_entry(c, &dmem->lru, lru) {
			if (c->gen != gen) {
				victim = c;
				break;
			}
		}
		if (victim) {
			victim->evicting = true;
			list_del_init(&victim->lru);
		}
		spin_unlock_irqrestore(&dmem->lock, flags);
		if (!victim)
			return;
		idx = victim - dmem->chunks;
		moved = vsvm_dmem_evict_range(vdev, idx * VSVM_WINDOW_PAGES,
					      VSVM_WINDOW_PAGES, s,
					      GFP_HIGHUSER_MOVABLE |
					      __GFP_NOWARN);
		spin_lock_irqsave(&dmem->lock, flags);
		victim->evicting = false;
		if (victim->used)
			list_add_tail(&victim->lru, &dmem->lru);
		spin_unlock_irqrestore(&dmem->lock, flags);
		if (moved < 0)
			return;
	}
}

/*
 * Migrate [start, end) of @vma (one window at most) to @to_vram or back,
 * as migration call @gen. mmap lock held for reading.
 */
static int vsvm_dmem_migrate_vma(struct vsvm_device *vdev,
				 struct vsvm_vram_account *acct,
				 struct vm_area_struct *vma, u64 start,
				 u64 end, bool to_vram, u64 gen,
				 struct vsvm_dmem_scratch *s)
{
	const struct vsvm_dmem_batch b = { s->sys, s->vram, s->ops };
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct migrate_vma args = {
		.vma = vma, .start = start, .end = end,
		.src = s->src, .dst = s->dst,
		.pgmap_owner = vdev,
		.flags = to_vram ? MIGRATE_VMA_SELECT_SYSTEM :
				   MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
	};
	unsigned long i, moved = 0;
	int ret;

	if (to_vram)
		vsvm_dmem_make_room(vdev, npages, gen, s);
	memset(s->src, 0, sizeof(s->src));
	memset(s->dst, 0, sizeof(s->dst));
	ret = migrate_vma_setup(&args);
	if (ret)
		return ret;
	if (!args.cpages)
		return 0;
	ret = to_vram ? vsvm_dmem_copy_to_vram(vdev, s->src, s->dst, npages,
					       &b, acct, gen) :
			vsvm_dmem_copy_to_ram(vdev, s->src, s->dst, npages, &b,
					      vma, start, GFP_HIGHUSER_MOVABLE);
	migrate_vma_pages(&args);
	if (!to_vram) {
		vsvm_dmem_count_back(&vdev->dmem, s->src, s->dst, npages,
				     false);
	} else {
		for (i = 0; i < npages; i++)
			moved += s->dst[i] && (s->src[i] & MIGRATE_PFN_MIGRATE);
		if (moved) {
			atomic64_inc(&acct->to_vram_ops);
			atomic64_add(moved, &acct->to_vram_pages);
			atomic64_add(moved, &vdev->dmem.migrated_to_vram);
		}
	}
	migrate_vma_finalize(&args);
	return ret;
}

/**
 * vsvm_dmem_migrate() - migrate part of a mirrored process to VRAM or back
 * @svmm: the mirror; the caller is its process, or its fault worker
 * @start: first address, page aligned
 * @end: end (exclusive), in the same 2 MiB window as @start
 * @to_vram: to the device's VRAM (else to system memory)
 *
 * Migration to VRAM evicts other chunks when VRAM is full (see the top of
 * this file). Pages that cannot migrate (pinned, shared file pages, VRAM
 * still full) stay where they are; the GPU maps them there. Holes in the
 * range are skipped. Takes the mmap lock of the mirrored process.
 *
 * Return: 0, -ENODEV if the device has no VRAM, -ENOMEM, -EIO if the copy
 * engine failed.
 */
int vsvm_dmem_migrate(struct vsvm_svmm *svmm, u64 start, u64 end,
		      bool to_vram)
{
	struct vsvm_device *vdev = svmm->vm->vdev;
	struct vsvm_vram_account *acct = svmm->vm->vf->vram;
	struct vsvm_dmem *dmem = &vdev->dmem;
	u64 gen = atomic64_inc_return(&dmem->gen);
	struct vsvm_dmem_scratch *s;
	struct vm_area_struct *vma;
	u64 a, b;
	int ret = 0;

	if (!dmem->npages)
		return -ENODEV;
	s = kvmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mmap_read_lock(svmm->mm);
	for (a = start; a < end && !ret; a = b) {
		vma = find_vma_intersection(svmm->mm, a, end);
		if (!vma)
			break;
		a = max_t(u64, a, vma->vm_start);
		b = min_t(u64, end, vma->vm_end);
		ret = vsvm_dmem_migrate_vma(vdev, acct, vma, a, b, to_vram,
					    gen, s);
	}
	mmap_read_unlock(svmm->mm);
	kvfree(s);
	return ret;
}

/* Migrate every page of the device's VRAM back to system memory. */
static void vsvm_dmem_evict_all(struct vsvm_device *vdev)
{
	struct vsvm_dmem *dmem = &vdev->dmem;
	struct vsvm_dmem_scratch *s;
	unsigned long pfn, n;

	s = kvmalloc(sizeof(*s), GFP_KERNEL | __GFP_NOFAIL);
	for (pfn = 0; pfn < dmem->npages; pfn += n) {
		n = min_t(unsigned long, VSVM_DMEM_STEP, dmem->npages - pfn);
		if (vsvm_dmem_evict_range(vdev, pfn, n, s,
					  GFP_HIGHUSER_MOVABLE |
					  __GFP_NOFAIL) < 0)
			drm_err(&vdev->drm,
				"VRAM pages could not be evicted: the copy engine failed\n");
	}
	kvfree(s);
}

/**
 * vsvm_dmem_init() - make the device's VRAM device-private memory
 * @vdev: the device, with its VRAM size read and its copy engine set up
 *
 * Return: 0 (also when the device has no VRAM: migration is then
 * refused), -ENOMEM, or the error of reserving the physical range.
 */
int vsvm_dmem_init(struct vsvm_device *vdev)
{
	struct vsvm_dmem *dmem = &vdev->dmem;
	unsigned long i, nchunks;
	struct resource *res;
	void *addr;
	int ret;

	spin_lock_init(&dmem->lock);
	if (!vdev->vram_size)
		return 0;
	res = request_free_mem_region(&iomem_resource, vdev->vram_size,
				      "vsvm-vram");
	if (IS_ERR(res))
		return PTR_ERR(res);
	ret = -ENOMEM;
	dmem->used = bitmap_zalloc(vdev->vram_size >> PAGE_SHIFT, GFP_KERNEL);
	if (!dmem->used)
		goto err_res;
	nchunks = DIV_ROUND_UP(vdev->vram_size, VSVM_WINDOW_SIZE);
	dmem->chunks = kvcalloc(nchunks, sizeof(*dmem->chunks), GFP_KERNEL);
	if (!dmem->chunks)
		goto err_bitmap;
	INIT_LIST_HEAD(&dmem->lru);
	for (i = 0; i < nchunks; i++)
		INIT_LIST_HEAD(&dmem->chunks[i].lru);
	dmem->res = res;
	dmem->pagemap.type = MEMORY_DEVICE_PRIVATE;
	dmem->pagemap.range.start = res->start;
	dmem->pagemap.range.end = res->end;
	dmem->pagemap.nr_range = 1;
	dmem->pagemap.ops = &vsvm_dmem_pagemap_ops;
	dmem->pagemap.owner = vdev;
	addr = memremap_pages(&dmem->pagemap, dev_to_node(vdev->drm.dev));
	if (IS_ERR(addr)) {
		ret = PTR_ERR(addr);
		goto err_bitmap;
	}
	dmem->first_pfn = res->start >> PAGE_SHIFT;
	/* Published last: migration is refused while it is 0. */
	dmem->npages = vdev->vram_size >> PAGE_SHIFT;
	return 0;

err_bitmap:
	kvfree(dmem->chunks);
	bitmap_free(dmem->used);
err_res:
	release_mem_region(res->start, resource_size(res));
	return ret;
}

/**
 * vsvm_dmem_fini() - migrate everything out of VRAM and drop the pagemap
 * @vdev: the device; no migration to VRAM can start any more, and the copy
 *	engine still runs
 *
 * Waits until no reference to a VRAM page is left.
 */
void vsvm_dmem_fini(struct vsvm_device *vdev)
{
	struct vsvm_dmem *dmem = &vdev->dmem;

	if (!dmem->npages)
		return;
	vsvm_dmem_evict_all(vdev);
	memunmap_pages(&dmem->pagemap);
	release_mem_region(dmem->res->start, resource_size(dmem->res));
	kvfree(dmem->chunks);
	bitmap_free(dmem->used);
	dmem->npages = 0;
}
