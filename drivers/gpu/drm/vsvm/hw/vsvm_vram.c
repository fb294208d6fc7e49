// SPDX-License-Identifier: GPL-2.0-only
/*
 * VRAM of the vsvm virtual GPU: a sparse store of 4 KiB pages, allocated on
 * first write so that a large VRAM costs nothing until used.
 */

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/xarray.h>

#include "vsvm_hw_priv.h"

/**
 * vsvm_vram_init() - set up an empty VRAM store
 * @vram: the store
 * @size: size in bytes
 *
 * Return: 0 (nothing is allocated up front).
 */
int vsvm_vram_init(struct vsvm_vram *vram, u64 size)
{
	vram->size = size;
	/* Pages may be backed from any context (PRAMIN writes). */
	xa_init_flags(&vram->pages, XA_FLAGS_LOCK_IRQ);
	atomic_long_set(&vram->nr_pages, 0);
	return 0;
}

/**
 * vsvm_vram_fini() - free every backing page
 * @vram: the store; no access may be in flight
 */
void vsvm_vram_fini(struct vsvm_vram *vram)
{
	struct page *page;
	unsigned long index;

	xa_for_each(&vram->pages, index, page)
		__free_page(page);
	xa_destroy(&vram->pages);
	atomic_long_set(&vram->nr_pages, 0);
}

/**
 * vsvm_vram_page() - the backing page of a VRAM address
 * @vram: the store
 * @addr: VRAM address
 * @gfp: 0 to look up only; otherwise allocation flags used to back the
 *	page if it has none yet (GFP_ATOMIC from atomic context)
 *
 * Return: the page; NULL if @gfp is 0 and the page is unbacked (it reads
 * as zero); ERR_PTR(-ERANGE) past the end of VRAM, ERR_PTR(-ENOMEM) if
 * backing failed.
 */
struct page *vsvm_vram_page(struct vsvm_vram *vram, u64 addr, gfp_t gfp)
{
	unsigned long index = addr >> PAGE_SHIFT;
	struct page *page, *old;
	unsigned long flags;

	if (addr >= vram->size)
		return ERR_PTR(-ERANGE);

	page = xa_load(&vram->pages, index);
	if (page || !gfp)
		return page;

	page = alloc_page(gfp | __GFP_ZERO | __GFP_NOWARN);
	if (!page)
		return ERR_PTR(-ENOMEM);

	xa_lock_irqsave(&vram->pages, flags);
	old = __xa_cmpxchg(&vram->pages, index, NULL, page, gfp);
	xa_unlock_irqrestore(&vram->pages, flags);
	if (xa_is_err(old)) {
		__free_page(page);
		return ERR_PTR(xa_err(old));
	}
	if (old) {
		/* Another unit backed it first. */
		__free_page(page);
		return old;
	}
	atomic_long_inc(&vram->nr_pages);
	return page;
}
