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
 * the process unmapped it, exited, or it migrated back.
 *
 * Migration to VRAM is asked for by DRM_IOCTL_VSVM_SVM_BIND
 * (DRM_VSVM_BIND_OP_MIGRATE to DRM_VSVM_BIND_TARGET_VRAM); it takes what
 * VRAM is free and leaves the rest in system memory. A CPU access to a page
 * in VRAM migrates it back (migrate_to_ram()), as does the same ioctl with
 * DRM_VSVM_BIND_TARGET_SYSTEM; the CPU invalidation that comes with every
 * migration clears the GPU's PTEs, and the next GPU fault or bind maps the
 * page where it now is. Unbinding the device migrates every page back
 * before the pagemap goes.
 */
#include <linux/dma-mapping.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"

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

/* A free VRAM page, locked and with one reference; NULL if VRAM is full. */
static struct page *vsvm_dmem_alloc(struct vsvm_dmem *dmem)
{
	unsigned long i, flags;
	struct page *page;

	spin_lock_irqsave(&dmem->lock, flags);
	i = find_next_zero_bit(dmem->used, dmem->npages, dmem->hint);
	if (i >= dmem->npages)
		i = find_first_zero_bit(dmem->used, dmem->npages);
	if (i >= dmem->npages) {
		spin_unlock_irqrestore(&dmem->lock, flags);
		return NULL;
	}
	__set_bit(i, dmem->used);
	dmem->hint = i + 1;
	spin_unlock_irqrestore(&dmem->lock, flags);
	atomic64_inc(&dmem->pages_used);
	page = pfn_to_page(dmem->first_pfn + i);
	zone_device_page_init(page);
	return page;
}

/* The pagemap's page_free(): the page's last reference went. */
static void vsvm_dmem_page_free(struct page *page)
{
	struct vsvm_dmem *dmem = vsvm_page_dmem(page);
	unsigned long flags;

	spin_lock_irqsave(&dmem->lock, flags);
	__clear_bit(page_to_pfn(page) - dmem->first_pfn, dmem->used);
	spin_unlock_irqrestore(&dmem->lock, flags);
	atomic64_dec(&dmem->pages_used);
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
 * pages (NULL for eviction, which must not fail). Returns 0, -ENOMEM or
 * -EIO; on error no entry of @dst is set.
 */
static int vsvm_dmem_copy_to_ram(struct vsvm_device *vdev,
				 const unsigned long *src, unsigned long *dst,
				 unsigned long npages,
				 const struct vsvm_dmem_batch *b,
				 struct vm_area_struct *vma, unsigned long addr)
{
	gfp_t gfp = GFP_HIGHUSER_MOVABLE | (vma ? 0 : __GFP_NOFAIL);
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

static vm_fault_t vsvm_dmem_migrate_to_ram(struct vm_fault *vmf)
{
	struct vsvm_dmem *dmem = vsvm_page_dmem(vmf->page);
	struct vsvm_device *vdev = vsvm_dmem_device(dmem);
	unsigned long src = 0, dst = 0;
	struct vsvm_copy_op op;
	struct page *sys;
	u64 vram;
	const struct vsvm_dmem_batch b = { &sys, &vram, &op };
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = vmf->address & PAGE_MASK,
		.end = (vmf->address & PAGE_MASK) + PAGE_SIZE,
		.src = &src,
		.dst = &dst,
		.pgmap_owner = vdev,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	vm_fault_t ret = 0;
	int err;

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;
	if (args.cpages) {
		err = vsvm_dmem_copy_to_ram(vdev, &src, &dst, 1, &b, vmf->vma,
					    args.start);
		if (err)
			ret = err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	migrate_vma_pages(&args);
	if (dst && (src & MIGRATE_PFN_MIGRATE))
		atomic64_inc(&dmem->migrated_to_ram);
	migrate_vma_finalize(&args);
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
				  const struct vsvm_dmem_batch *b)
{
	struct vsvm_copy_op fill = {
		.fill = true, .dst_target = VSVM_TARGET_VID_MEM,
		.len = PAGE_SIZE,
	};
	unsigned long i, n = 0, nfill = 0;
	struct page *spage, *dpage;
	int ret;

	/* Fills from the front of @ops, copies' pages from the front of @sys. */
	for (i = 0; i < npages; i++) {
		if (!(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = vsvm_dmem_alloc(&vdev->dmem);
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

/* Pages that moved: the source could migrate and a destination was set. */
static unsigned long vsvm_dmem_moved(const unsigned long *src,
				     const unsigned long *dst,
				     unsigned long npages)
{
	unsigned long i, n = 0;

	for (i = 0; i < npages; i++)
		n += dst[i] && (src[i] & MIGRATE_PFN_MIGRATE);
	return n;
}

/*
 * Migrate [start, end) of @vma (one window at most) to @to_vram or back.
 * mmap lock held for reading.
 */
static int vsvm_dmem_migrate_vma(struct vsvm_device *vdev,
				 struct vm_area_struct *vma, u64 start,
				 u64 end, bool to_vram,
				 struct vsvm_dmem_scratch *s,
				 unsigned long *moved)
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
	int ret;

	memset(s->src, 0, sizeof(s->src));
	memset(s->dst, 0, sizeof(s->dst));
	ret = migrate_vma_setup(&args);
	if (ret)
		return ret;
	if (!args.cpages)
		return 0;
	ret = to_vram ? vsvm_dmem_copy_to_vram(vdev, s->src, s->dst, npages,
					       &b) :
			vsvm_dmem_copy_to_ram(vdev, s->src, s->dst, npages, &b,
					      vma, start);
	migrate_vma_pages(&args);
	*moved += vsvm_dmem_moved(args.src, args.dst, npages);
	migrate_vma_finalize(&args);
	return ret;
}

/**
 * vsvm_dmem_migrate() - migrate part of a mirrored process to VRAM or back
 * @svmm: the mirror; the caller is its process
 * @start: first address, page aligned
 * @end: end (exclusive), in the same 2 MiB window as @start
 * @to_vram: to the device's VRAM (else to system memory)
 *
 * Pages that cannot migrate (pinned, shared file pages, VRAM full) stay
 * where they are; the GPU maps them there. Holes in the range are skipped.
 *
 * Return: 0, -ENODEV if the device has no VRAM, -ENOMEM, -EIO if the copy
 * engine failed.
 */
int vsvm_dmem_migrate(struct vsvm_svmm *svmm, u64 start, u64 end,
		      bool to_vram)
{
	struct vsvm_device *vdev = svmm->vm->vdev;
	struct vsvm_dmem *dmem = &vdev->dmem;
	struct vsvm_dmem_scratch *s;
	struct vm_area_struct *vma;
	unsigned long moved = 0;
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
		ret = vsvm_dmem_migrate_vma(vdev, vma, a, b, to_vram, s,
					    &moved);
	}
	mmap_read_unlock(svmm->mm);
	kvfree(s);
	atomic64_add(moved, to_vram ? &dmem->migrated_to_vram :
				      &dmem->migrated_to_ram);
	return ret;
}

/* Migrate every page of the device's VRAM back to system memory. */
static void vsvm_dmem_evict_all(struct vsvm_device *vdev)
{
	struct vsvm_dmem *dmem = &vdev->dmem;
	struct vsvm_dmem_scratch *s;
	struct vsvm_dmem_batch b;
	unsigned long pfn, n;

	s = kvmalloc(sizeof(*s), GFP_KERNEL | __GFP_NOFAIL);
	b = (struct vsvm_dmem_batch) { s->sys, s->vram, s->ops };
	for (pfn = 0; pfn < dmem->npages; pfn += n) {
		n = min_t(unsigned long, VSVM_DMEM_STEP, dmem->npages - pfn);
		memset(s->src, 0, sizeof(s->src));
		memset(s->dst, 0, sizeof(s->dst));
		migrate_device_range(s->src, dmem->first_pfn + pfn, n);
		if (vsvm_dmem_copy_to_ram(vdev, s->src, s->dst, n, &b, NULL, 0))
			drm_err(&vdev->drm,
				"VRAM pages could not be evicted: the copy engine failed\n");
		migrate_device_pages(s->src, s->dst, n);
		atomic64_add(vsvm_dmem_moved(s->src, s->dst, n),
			     &dmem->migrated_to_ram);
		migrate_device_finalize(s->src, s->dst, n);
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
	dmem->used = bitmap_zalloc(vdev->vram_size >> PAGE_SHIFT, GFP_KERNEL);
	if (!dmem->used) {
		ret = -ENOMEM;
		goto err_res;
	}
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
	bitmap_free(dmem->used);
	dmem->npages = 0;
}
