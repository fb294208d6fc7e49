// SPDX-License-Identifier: GPL-2.0
/*
 * Nouveau's GPU-fault path on the HMM device format
 * (CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT).
 *
 * A non-atomic replayable fault is served over the 2 MiB-aligned window
 * around it: hmm_range_fault() writes final GP100 PTEs (system pages
 * DMA-mapped for the GPU, this device's VRAM pages as VRAM addresses,
 * THPs as one 2 MiB mapping) and nvkm stores them as they are through the
 * PFNMAP method. Only the faulting page is requested; the rest of the
 * window is a snapshot, so present neighbours are mapped in the same call.
 * Entries the GPU already holds are passed to HMM as &hmm_range.installed
 * and keep their DMA mapping.
 *
 * Locking: svmm->mutex serialises this path with the SVMM's invalidation
 * (nouveau_svmm_invalidate()) and is taken by the window's interval
 * notifier; nvkm's vmm->mutex.vmm nests inside it.
 */
#include "nouveau_drv.h"
#include "nouveau_dmem.h"
#include "nouveau_svm.h"
#include "nouveau_svm_hmm.h"
#include "nouveau_vmm.h"

#include <nvif/if000c.h>
#include <nvif/ioctl.h>
#include <subdev/mmu_hmm.h>

#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/memremap.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#define NOUVEAU_SVM_HMM_WINDOW	SZ_2M
#define NOUVEAU_SVM_HMM_PAGES	(NOUVEAU_SVM_HMM_WINDOW >> PAGE_SHIFT)

/* One fault's state; the PFNMAP arguments end with their words. */
struct nouveau_svm_hmm_window {
	struct mmu_interval_notifier notifier;
	struct nouveau_svmm *svmm;
	struct nouveau_drm *drm;
	struct hmm_pfn_format format;
	unsigned long entries[NOUVEAU_SVM_HMM_PAGES];
	unsigned long installed[NOUVEAU_SVM_HMM_PAGES];
	struct {
		struct nvif_ioctl_v0 ioctl;
		struct nvif_ioctl_mthd_v0 mthd;
		struct nvif_vmm_pfnmap_v0 pfnmap;
	} args;
	u64 words[NOUVEAU_SVM_HMM_PAGES];
};

static bool nouveau_svm_hmm_invalidate(struct mmu_interval_notifier *mni,
				       const struct mmu_notifier_range *range,
				       unsigned long cur_seq)
{
	struct nouveau_svm_hmm_window *w =
		container_of(mni, struct nouveau_svm_hmm_window, notifier);

	/* Our own device-exclusive conversions do not stale the snapshot. */
	if (range->event == MMU_NOTIFY_EXCLUSIVE &&
	    range->owner == w->drm->dev)
		return true;

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&w->svmm->mutex);
	else if (!mutex_trylock(&w->svmm->mutex))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	mutex_unlock(&w->svmm->mutex);
	return true;
}

static const struct mmu_interval_notifier_ops nouveau_svm_hmm_notifier_ops = {
	.invalidate = nouveau_svm_hmm_invalidate,
};

/*
 * &hmm_pfn_format.device_addr: a VRAM page of this device (HMM checked the
 * pagemap owner) is addressed by its chunk's VRAM offset. Each chunk has
 * its own pagemap, so the address comes from the page's own chunk.
 */
static bool nouveau_svm_hmm_device_addr(struct page *page, u64 *addr)
{
	*addr = nouveau_dmem_page_addr(page);
	return true;
}

/**
 * nouveau_svm_hmm_format() - the device's HMM format for GPU faults
 * @drm: the device
 * @format: filled with the GP100 format, DMA-mapping for the GPU
 *
 * Return: false if HMM cannot map pages for this device (6.12's path
 * serves it then).
 */
bool nouveau_svm_hmm_format(struct nouveau_drm *drm,
			    struct hmm_pfn_format *format)
{
	if (!nvkm_gp100_hmm_format(format, drm->dev->dev))
		return false;
	format->device_addr = nouveau_svm_hmm_device_addr;
	return true;
}

/* The fault window: 2 MiB around @addr, outside the unmanaged range. */
static void nouveau_svm_hmm_window_bounds(const struct nouveau_svmm *svmm,
					  u64 addr, u64 *start, u64 *end)
{
	*start = ALIGN_DOWN(addr, NOUVEAU_SVM_HMM_WINDOW);
	*end = *start + NOUVEAU_SVM_HMM_WINDOW;
	if (svmm->unmanaged.start >= svmm->unmanaged.limit)
		return;
	if (addr < svmm->unmanaged.start) {
		*end = min_t(u64, *end, svmm->unmanaged.start);
	} else if (addr >= svmm->unmanaged.limit) {
		*start = max_t(u64, *start, svmm->unmanaged.limit);
	} else {
		*start = addr;
		*end = addr + PAGE_SIZE;
	}
}

/*
 * Snapshot the window. Returns 0 with svmm->mutex held and the entries
 * current (no invalidation since), or an error without the lock.
 */
static int nouveau_svm_hmm_snapshot(struct nouveau_svm_hmm_window *w,
				    struct hmm_range *range, unsigned long fi,
				    unsigned long request)
{
	unsigned long timeout = jiffies +
				msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	unsigned long npages = (range->end - range->start) >> PAGE_SHIFT;
	struct mm_struct *mm = w->notifier.mm;
	struct nouveau_svmm *svmm = w->svmm;
	int ret;

	for (;;) {
		if (time_after(jiffies, timeout))
			return -EBUSY;

		range->notifier_seq = mmu_interval_read_begin(&w->notifier);
		mutex_lock(&svmm->mutex);
		ret = nvkm_gp100_hmm_installed(svmm->vmm->vmm.object.priv,
					       range->start, npages,
					       w->installed);
		mutex_unlock(&svmm->mutex);
		if (ret)
			return ret;

		memset(w->entries, 0, npages * sizeof(w->entries[0]));
		w->entries[fi] = request;
		mmap_read_lock(mm);
		ret = hmm_range_fault(range);
		mmap_read_unlock(mm);
		if (ret == -EBUSY)
			continue;
		if (ret)
			return ret;

		mutex_lock(&svmm->mutex);
		if (!mmu_interval_read_retry(&w->notifier,
					     range->notifier_seq))
			return 0;
		hmm_format_dma_discard_range(&w->format, w->entries,
					     w->installed, npages);
		mutex_unlock(&svmm->mutex);
	}
}

/*
 * Hand the entries to nvkm and settle the DMA mappings, svmm->mutex held.
 * A HUGE window (always the whole 2 MiB: HMM sets HUGE with a DMA device
 * only then) is one PD0 entry, any other one 4 KiB PTEs. Afterwards: a new
 * mapping nvkm did not store is discarded; an entry that replaced another
 * one of the format releases the old mapping (the GPU TLB was flushed by
 * the map).
 */
static int nouveau_svm_hmm_install(struct nouveau_svm_hmm_window *w,
				   u64 start, unsigned long npages)
{
	struct nouveau_svmm *svmm = w->svmm;
	const struct hmm_pfn_format *f = &w->format;
	bool huge = hmm_format_entry_is_valid(f, w->entries[0]) &&
		    hmm_format_entry_is_huge(f, w->entries[0]);
	unsigned long nwords = huge ? 1 : npages;
	unsigned long i;
	int ret;

	/*
	 * A 2 MiB mapping over 4 KiB ones (or the reverse) would leave the
	 * other level in place: a THP collapse or split invalidates the
	 * range first, so this is a stale view; let the GPU fault again.
	 */
	for (i = 0; i < npages; i++) {
		if (!hmm_format_entry_is_valid(f, w->installed[i]))
			continue;
		if (hmm_format_entry_is_huge(f, w->installed[i]) != huge) {
			hmm_format_dma_discard_range(f, w->entries,
						     w->installed, npages);
			return -EAGAIN;
		}
	}

	memset(&w->args, 0, sizeof(w->args));
	w->args.ioctl.type = NVIF_IOCTL_V0_MTHD;
	w->args.mthd.method = NVIF_VMM_V0_PFNMAP;
	w->args.pfnmap.page = huge ? 21 : PAGE_SHIFT;
	w->args.pfnmap.addr = start;
	w->args.pfnmap.size = npages << PAGE_SHIFT;
	for (i = 0; i < nwords; i++)
		w->words[i] = w->entries[i];

	ret = nvif_object_ioctl(&svmm->vmm->vmm.object, &w->args,
				sizeof(w->args) + nwords * sizeof(w->words[0]),
				NULL);

	for (i = 0; i < nwords; i++) {
		unsigned long entry = w->entries[i];

		if (entry == w->installed[i])
			continue;
		if (ret || w->words[i] != entry) {
			/* Not stored: the GPU never saw the new mapping. */
			hmm_format_dma_discard_range(f, &w->entries[i], NULL,
						     huge ? npages : 1);
		} else if (nvkm_gp100_hmm_is_pte(w->installed[i])) {
			/* Replaced: the old mapping is the GPU's no more. */
			hmm_format_dma_unmap(f, w->installed[i]);
		}
	}
	return ret;
}

/**
 * nouveau_svm_hmm_range_fault() - serve a non-atomic GPU fault
 * @svmm: the faulting SVMM
 * @drm: its device
 * @fault: in: the faulting page (@fault->addr); out: what nouveau_svm_fault()
 *	checks before skipping the batch's other faults on the same page: the
 *	faulting page (or its 2 MiB page) in @fault->addr/size/page, and its
 *	access in @fault->phys[0] as PFNMAP flags (V, W; never A)
 * @hmm_flags: HMM_PFN_REQ_FAULT and HMM_PFN_REQ_WRITE as the fault needs,
 *	0 for a prefetch (snapshot only)
 *
 * Return: 0 when the window was mapped (the faulting page may still be
 * invalid for a prefetch), -EOPNOTSUPP when the device cannot use the
 * format (the caller uses 6.12's path), or another negative errno: the
 * caller cancels the fault.
 */
int nouveau_svm_hmm_range_fault(struct nouveau_svmm *svmm,
				struct nouveau_drm *drm,
				struct nvif_vmm_pfnmap_v0 *fault,
				unsigned long hmm_flags)
{
	struct mm_struct *mm = svmm->notifier.mm;
	struct nouveau_svm_hmm_window *w;
	struct hmm_range range = {};
	unsigned long fi, npages, request = 0;
	u64 addr = fault->addr, start, end;
	unsigned long entry;
	int ret;

	w = kvmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	if (!nouveau_svm_hmm_format(drm, &w->format)) {
		ret = -EOPNOTSUPP;
		goto out_free;
	}
	w->svmm = svmm;
	w->drm = drm;

	nouveau_svm_hmm_window_bounds(svmm, addr, &start, &end);
	npages = (end - start) >> PAGE_SHIFT;
	fi = (addr - start) >> PAGE_SHIFT;
	if (hmm_flags & HMM_PFN_REQ_FAULT)
		request |= NVKM_GP100_HMM_REQ_FAULT;
	if (hmm_flags & HMM_PFN_REQ_WRITE)
		request |= NVKM_GP100_HMM_REQ_WRITE;

	ret = mmu_interval_notifier_insert(&w->notifier, mm, start,
					   end - start,
					   &nouveau_svm_hmm_notifier_ops);
	if (ret)
		goto out_free;

	range.notifier = &w->notifier;
	range.start = start;
	range.end = end;
	range.hmm_pfns = w->entries;
	range.pfn_flags_mask = ~0UL;
	range.dev_private_owner = drm->dev;
	range.format = &w->format;
	range.installed = w->installed;

	ret = nouveau_svm_hmm_snapshot(w, &range, fi, request);
	if (ret)
		goto out_remove;
	ret = nouveau_svm_hmm_install(w, start, npages);
	entry = w->entries[fi];
	mutex_unlock(&svmm->mutex);
	if (ret)
		goto out_remove;

	fault->page = PAGE_SHIFT;
	fault->addr = addr;
	fault->size = PAGE_SIZE;
	fault->phys[0] = 0;
	if (hmm_format_entry_is_valid(&w->format, entry)) {
		if (hmm_format_entry_is_huge(&w->format, entry)) {
			fault->page = 21;
			fault->addr = start;
			fault->size = NOUVEAU_SVM_HMM_WINDOW;
		}
		fault->phys[0] = NVIF_VMM_PFNMAP_V0_V;
		if (!(entry & NVKM_GP100_PTE_READ_ONLY))
			fault->phys[0] |= NVIF_VMM_PFNMAP_V0_W;
	}
out_remove:
	mmu_interval_notifier_remove(&w->notifier);
out_free:
	kvfree(w);
	return ret;
}
