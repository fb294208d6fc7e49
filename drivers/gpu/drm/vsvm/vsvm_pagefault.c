// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GPU fault service: the replayable fault buffer and its worker.
 *
 * The fault worker drains the buffer (GET..PUT, VALID checked and cleared,
 * GET written once), sorts the batch by instance, address and access, and
 * serves the faults of one channel that fall in one 2 MiB window (clipped
 * to the VMA) with one vsvm_svm_map_range() call: pages written get a
 * write request, pages read a read request (each fault asking for its
 * fault-ahead block), every other page of the window is only snapshotted,
 * so whatever the CPU already maps there is mapped too. Faults that cannot
 * be served (no VMA, no permission, the unmanaged window, a process gone)
 * are cancelled with a targeted cancel naming their instance block, and
 * their launch fails; every other fault of the batch is retried by one
 * replay at the end.
 */
#include <linux/bitfield.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"

static unsigned int fault_buffer_entries = VSVM_FAULT_BUFFER_ENTRIES;
module_param(fault_buffer_entries, uint, 0444);
MODULE_PARM_DESC(fault_buffer_entries,
		 "Size of the replayable fault buffer in packets, 4..256 (default 256; small values exercise overflow)");

static void vsvm_fault_invalidate(struct vsvm_device *vdev, u32 replay,
				  const struct vsvm_fault *f)
{
	unsigned long flags;
	u32 val = NV_PFB_PRI_MMU_INVALIDATE_TRIGGER |
		  NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
		  NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB |
		  FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_REPLAY, replay);

	if (f)
		val |= FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_CLIENT_ID,
				  f->client) |
		       FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_GPC_ID,
				  f->gpc) |
		       (f->hub ? NV_PFB_PRI_MMU_INVALIDATE_CANCEL_CLIENT_TYPE : 0);
	spin_lock_irqsave(&vdev->reg_lock, flags);
	if (f) {
		/*
		 * A targeted cancel names the fault's instance block, so that
		 * it cannot hit whatever else the unit is stalled on by now.
		 */
		vsvm_wr32(vdev, NV_PFB_PRI_MMU_INVALIDATE_PDB,
			  (f->inst_sys ? NV_PFB_PRI_MMU_INVALIDATE_PDB_APERTURE : 0) |
			  FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_PDB_ADDR,
				     (u32)(f->inst >> 12)));
		vsvm_wr32(vdev, NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB,
			  FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB_ADDR,
				     (u32)(f->inst >> 40)));
	}
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_INVALIDATE, val);
	spin_unlock_irqrestore(&vdev->reg_lock, flags);
}

static void vsvm_fault_cancel(struct vsvm_device *vdev, struct vsvm_fault *f)
{
	f->done = true;
	vsvm_fault_invalidate(vdev,
			      NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_TARGETED,
			      f);
	if (f->chan)
		atomic64_inc(&f->chan->vf->stats.cancels);
}

/* Copy every packet GET..PUT out of the buffer, then write GET once. */
static unsigned int vsvm_fault_drain(struct vsvm_device *vdev, bool *overflow)
{
	const u32 idx = NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY;
	u32 get, put, d[8];
	u32 *buf = page_address(vdev->fault_buf);
	unsigned int n = 0, k, max;
	struct vsvm_fault *f;

	max = clamp_t(unsigned int, READ_ONCE(vdev->fault_batch_max), 1,
		      vdev->fault_entries);
	get = vsvm_rd32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_GET(idx));
	put = vsvm_rd32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_PUT(idx));
	*overflow = get & NV_PFB_PRI_MMU_FAULT_BUFFER_GET_OVERFLOW;
	get = FIELD_GET(NV_PFB_PRI_MMU_FAULT_BUFFER_GET_PTR, get);
	put = FIELD_GET(NV_PFB_PRI_MMU_FAULT_BUFFER_PUT_PTR, put);
	if (*overflow)
		atomic64_inc(&vdev->fault_overflows);
	if (get >= vdev->fault_entries || put >= vdev->fault_entries)
		return 0;

	while (get != put && n < max) {
		u32 *p = buf + get * (VSVM_FAULT_PACKET_SIZE / 4);

		/* VALID is written last by the GPU: read it first. */
		d[7] = le32_to_cpu(READ_ONCE(((__le32 *)p)[7]));
		if (!(d[7] & NV_MMU_FAULT_BUF_ENTRY_VALID))
			break;
		dma_rmb();
		for (k = 0; k < 7; k++)
			d[k] = le32_to_cpu(READ_ONCE(((__le32 *)p)[k]));
		WRITE_ONCE(((__le32 *)p)[7],
			   cpu_to_le32(d[7] & ~NV_MMU_FAULT_BUF_ENTRY_VALID));

		f = &vdev->faults[n++];
		memset(f, 0, sizeof(*f));
		f->inst = ((u64)d[1] << 32) |
			  (d[0] & NV_MMU_FAULT_BUF_ENTRY_INST_LO);
		f->inst_sys = FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_INST_APERTURE,
					d[0]) != VSVM_TARGET_VID_MEM;
		f->addr = ((u64)d[3] << 32) |
			  (d[2] & NV_MMU_FAULT_BUF_ENTRY_ADDR_LO);
		f->fault_type = FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_FAULT_TYPE, d[7]);
		f->access = FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_ACCESS_TYPE, d[7]);
		f->client = FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_CLIENT, d[7]);
		f->gpc = FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_GPC_ID, d[7]);
		f->hub = d[7] & NV_MMU_FAULT_BUF_ENTRY_MMU_CLIENT_TYPE;
		get = (get + 1) % vdev->fault_entries;
	}
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_GET(idx),
		  get | (*overflow ? NV_PFB_PRI_MMU_FAULT_BUFFER_GET_OVERFLOW : 0));
	return n;
}

static int vsvm_fault_cmp(const void *a, const void *b)
{
	const struct vsvm_fault *fa = a, *fb = b;

	if (fa->inst != fb->inst)
		return fa->inst < fb->inst ? -1 : 1;
	if (fa->addr != fb->addr)
		return fa->addr < fb->addr ? -1 : 1;
	/* prefetch < read < write < atomic, as the stronger access wins */
	return (int)fa->access - (int)fb->access;
}

static bool vsvm_access_writes(u32 access)
{
	return access == VSVM_FAULT_ACCESS_WRITE ||
	       access == VSVM_FAULT_ACCESS_ATOMIC;
}

/*
 * Ask for the fault's access on its aligned fault-ahead block (clipped to
 * the window): a GPU touching one page of fresh memory usually touches its
 * neighbours next, and one hmm_range_fault() for the block costs far less
 * than one fault per page. Pages outside the block stay snapshot-only.
 */
static void vsvm_fault_request(struct vsvm_device *vdev, unsigned long *req,
			       u64 start, u64 end, const struct vsvm_fault *f)
{
	unsigned int kib = clamp(READ_ONCE(vdev->fault_ahead_kib), 4U, 2048U);
	u64 block = (u64)rounddown_pow_of_two(kib) << 10;
	u64 base = f->addr & ~(block - 1);
	u64 a = max(base, start);
	u64 b = min(base + block, end);
	unsigned long bit = vsvm_access_writes(f->access) ? VSVM_REQ_WRITE :
							    VSVM_REQ_READ;

	for (; a < b; a += PAGE_SIZE)
		req[(a - start) >> PAGE_SHIFT] |= bit;
}

/*
 * The fault-ahead block could not be faulted (a page past the end of a
 * file, a memory cgroup at its limit, a page the process may not access):
 * that must not fail a fault the CPU would have served. Serve each fault
 * of the window alone, asking for its own page only; cancel those that
 * still fail, which are the ones the CPU would refuse too.
 */
static bool vsvm_fault_window_each(struct vsvm_device *vdev,
				   struct vsvm_svmm *svmm,
				   struct vsvm_fault *faults, unsigned int first,
				   unsigned int n, u64 start, u64 end,
				   unsigned long *req, unsigned long *words)
{
	struct vsvm_fault *f;
	bool mapped = false;
	unsigned int i;

	for (i = first; i < n && faults[i].inst == faults[first].inst &&
	     faults[i].addr < end; i++) {
		f = &faults[i];
		if (f->done)
			continue;
		memset(req, 0, VSVM_WINDOW_PAGES * sizeof(*req));
		req[(f->addr - start) >> PAGE_SHIFT] =
			vsvm_access_writes(f->access) ? VSVM_REQ_WRITE :
							VSVM_REQ_READ;
		if (vsvm_svm_map_range(svmm, start, end, req, words)) {
			vsvm_fault_cancel(vdev, f);
		} else {
			f->done = true;
			mapped = true;
		}
	}
	return mapped;
}

/*
 * Serve faults[first] and every later fault of the batch on the same
 * channel inside its window. Marks them done; cancels what cannot be
 * served. Returns true if anything was mapped.
 */
static bool vsvm_fault_window(struct vsvm_device *vdev,
			      struct vsvm_fault *faults, unsigned int first,
			      unsigned int n, unsigned long *req,
			      unsigned long *words)
{
	struct vsvm_fault *f0 = &faults[first], *f;
	/* SVM_INIT may publish it while a channel already runs. */
	struct vsvm_svmm *svmm = smp_load_acquire(&f0->chan->vf->svmm);
	struct mem_cgroup *memcg, *old_memcg;
	struct vm_area_struct *vma;
	u64 start, end;
	unsigned int i;
	bool mapped = false;
	int ret;

	if (!svmm || !vsvm_svm_managed(svmm, f0->addr) ||
	    !mmget_not_zero(svmm->mm)) {
		vsvm_fault_cancel(vdev, f0);
		return false;
	}
	/*
	 * The worker is a kernel thread: what serving the fault allocates
	 * (page tables, the window's notifier) is charged to the memory
	 * cgroup of the process whose GPU faulted, as its own faults are.
	 */
	memcg = get_mem_cgroup_from_mm(svmm->mm);
	old_memcg = set_active_memcg(memcg);

	mmap_read_lock(svmm->mm);
	vma = vma_lookup(svmm->mm, f0->addr);
	if (!vma) {
		mmap_read_unlock(svmm->mm);
		vsvm_fault_cancel(vdev, f0);
		goto out;
	}
	start = max_t(u64, f0->addr & ~((1ULL << VSVM_WINDOW_SHIFT) - 1),
		      vma->vm_start);
	end = min_t(u64, (f0->addr | ((1ULL << VSVM_WINDOW_SHIFT) - 1)) + 1,
		    vma->vm_end);
	if (svmm->unmanaged_start < end && svmm->unmanaged_end > start) {
		/* Keep the window out of the unmanaged one. */
		start = f0->addr;
		end = f0->addr + PAGE_SIZE;
	}
	memset(req, 0, VSVM_WINDOW_PAGES * sizeof(*req));
	for (i = first; i < n && faults[i].inst == f0->inst &&
	     faults[i].addr < end; i++) {
		f = &faults[i];
		if (f->done)
			continue;
		if (f->access == VSVM_FAULT_ACCESS_PREFETCH) {
			f->done = true;
			continue;
		}
		if (!(vma->vm_flags & VM_READ) ||
		    (vsvm_access_writes(f->access) &&
		     !(vma->vm_flags & VM_WRITE))) {
			vsvm_fault_cancel(vdev, f);
			continue;
		}
		vsvm_fault_request(vdev, req, start, end, f);
	}
	mmap_read_unlock(svmm->mm);

	ret = vsvm_svm_map_range(svmm, start, end, req, words);
	if (ret && ret != -EBUSY) {
		mapped = vsvm_fault_window_each(vdev, svmm, faults, first, n,
						start, end, req, words);
		goto out;
	}
	for (i = first; i < n && faults[i].inst == f0->inst &&
	     faults[i].addr < end; i++) {
		f = &faults[i];
		if (f->done)
			continue;
		if (ret) {
			vsvm_fault_cancel(vdev, f);
		} else {
			f->done = true;
			mapped = true;
		}
	}
	if (ret)
		drm_dbg_driver(&vdev->drm, "fault at %llx: %d\n", f0->addr, ret);
out:
	set_active_memcg(old_memcg);
	mem_cgroup_put(memcg);
	mmput(svmm->mm);
	return mapped;
}

static void vsvm_fault_work(struct work_struct *work)
{
	struct vsvm_device *vdev = container_of(work, struct vsvm_device,
						fault_work);
	unsigned long *req = vdev->fault_req;
	unsigned long *words = req + VSVM_WINDOW_PAGES;
	struct vsvm_channel *chan;
	unsigned int n, i;
	bool overflow, replay;

	mutex_lock(&vdev->fault_lock);
	for (;;) {
		n = vsvm_fault_drain(vdev, &overflow);
		if (!n && !overflow)
			break;
		sort(vdev->faults, n, sizeof(*vdev->faults), vsvm_fault_cmp,
		     NULL);

		/* fault_lock keeps the channels found here alive. */
		for (i = 0; i < n; i++) {
			chan = xa_load(&vdev->inst_xa,
				       vdev->faults[i].inst >> PAGE_SHIFT);
			vdev->faults[i].chan = chan;
			if (chan)
				atomic64_inc(&chan->vf->stats.faults);
		}

		replay = overflow;
		for (i = 0; i < n; i++) {
			struct vsvm_fault *f = &vdev->faults[i];

			if (f->done)
				continue;
			if (!f->chan) {
				vsvm_fault_cancel(vdev, f);
				continue;
			}
			replay |= vsvm_fault_window(vdev, vdev->faults, i, n,
						    req, words);
		}
		/* Served faults (and dropped ones) retry: one replay. */
		if (replay || n)
			vsvm_fault_invalidate(vdev,
					      NV_PFB_PRI_MMU_INVALIDATE_REPLAY_START,
					      NULL);
		for (i = 0; i < n; i++) {
			chan = vdev->faults[i].chan;
			if (!chan || (i && vdev->faults[i - 1].chan == chan))
				continue;
			atomic64_inc(&chan->vf->stats.batches);
			atomic64_inc(&chan->vf->stats.replays);
		}
	}
	mutex_unlock(&vdev->fault_lock);
}

/**
 * vsvm_pagefault_irq() - the fault buffer interrupt: run the worker
 * @vdev: the device
 */
void vsvm_pagefault_irq(struct vsvm_device *vdev)
{
	queue_work(vdev->fault_wq, &vdev->fault_work);
}

/**
 * vsvm_pagefault_init() - allocate and enable the replayable fault buffer
 * @vdev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_pagefault_init(struct vsvm_device *vdev)
{
	const u32 idx = NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY;
	unsigned int order = get_order(VSVM_FAULT_BUFFER_ENTRIES *
				       VSVM_FAULT_PACKET_SIZE);
	phys_addr_t phys;

	mutex_init(&vdev->fault_lock);
	INIT_WORK(&vdev->fault_work, vsvm_fault_work);
	vdev->fault_entries = clamp(fault_buffer_entries, 4U,
				    VSVM_FAULT_BUFFER_ENTRIES);
	vdev->faults = kvcalloc(VSVM_FAULT_BUFFER_ENTRIES,
				sizeof(*vdev->faults), GFP_KERNEL);
	if (!vdev->faults)
		return -ENOMEM;
	vdev->fault_req = kvmalloc_array(VSVM_WINDOW_PAGES,
					 2 * sizeof(*vdev->fault_req),
					 GFP_KERNEL);
	if (!vdev->fault_req)
		goto err;
	vdev->fault_buf = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!vdev->fault_buf)
		goto err;
	vdev->fault_wq = alloc_ordered_workqueue("vsvm-fault", WQ_MEM_RECLAIM);
	if (!vdev->fault_wq)
		goto err_pages;

	phys = page_to_phys(vdev->fault_buf);
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_LO(idx),
		  FIELD_PREP(NV_PFB_PRI_MMU_FAULT_BUFFER_LO_PHYS_APERTURE,
			     VSVM_TARGET_SYS_MEM_COHERENT) |
		  (lower_32_bits(phys) & NV_PFB_PRI_MMU_FAULT_BUFFER_LO_ADDR));
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_HI(idx),
		  upper_32_bits(phys));
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE(idx),
		  vdev->fault_entries |
		  NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_ENABLE);
	return 0;

err_pages:
	__free_pages(vdev->fault_buf, order);
err:
	kvfree(vdev->fault_req);
	kvfree(vdev->faults);
	return -ENOMEM;
}

/**
 * vsvm_pagefault_fini() - disable the fault buffer and free it
 * @vdev: the device; no channel exists any more
 */
void vsvm_pagefault_fini(struct vsvm_device *vdev)
{
	const u32 idx = NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY;

	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE(idx), 0);
	destroy_workqueue(vdev->fault_wq);
	__free_pages(vdev->fault_buf,
		     get_order(VSVM_FAULT_BUFFER_ENTRIES *
			       VSVM_FAULT_PACKET_SIZE));
	kvfree(vdev->fault_req);
	kvfree(vdev->faults);
	mutex_destroy(&vdev->fault_lock);
}
