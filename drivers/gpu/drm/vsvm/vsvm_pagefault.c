// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GPU fault service: the replayable fault buffer, its dispatcher and
 * the VMs' fault workers.
 *
 * The dispatcher drains the buffer (GET..PUT, VALID checked and cleared,
 * GET written once) and queues each packet to the VM of the channel that
 * owns its instance block; a packet of no channel is cancelled there. It
 * never sleeps on a VM's behalf, so a VM whose fault cannot be served now
 * (a FUSE or NFS page, a page cache read that never ends) holds up only
 * its own worker.
 *
 * A VM's worker sorts its batch by instance, address and access, and
 * serves the faults of one channel that fall in one 2 MiB window (clipped
 * to the VMA) with one vsvm_svm_map_range() call: pages written get a
 * write request, pages read a read request (each fault asking for its
 * fault-ahead block), every other page of the window is only snapshotted,
 * so whatever the CPU already maps there is mapped too. Faults that cannot
 * be served (no VMA, no permission, the unmanaged window, a process gone)
 * are cancelled with a targeted cancel naming their instance block, and
 * their launch fails; the batch ends with one replay, which retries the
 * faults served (and any another VM's worker or the dispatcher dropped).
 */
#include <linux/bitfield.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include <drm/drm_drv.h>
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

/*
 * Cancel @vm's fault @f: the stalled access fails, and its launch. The
 * cancel names the fault's instance block, and is sent only while that
 * block is still a channel of @vm (under the instance table's lock): a
 * block freed since the packet was written, and maybe reused by another
 * VM's channel, is left alone (its launch was stopped when its channel
 * went).
 */
static void vsvm_fault_cancel(struct vsvm_vm *vm, struct vsvm_fault *f)
{
	struct vsvm_device *vdev = vm->vdev;
	struct vsvm_channel *chan;

	f->done = true;
	xa_lock(&vdev->inst_xa);
	chan = xa_load(&vdev->inst_xa, f->inst >> PAGE_SHIFT);
	if (chan && chan->vm == vm)
		vsvm_fault_invalidate(vdev,
				      NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_TARGETED,
				      f);
	xa_unlock(&vdev->inst_xa);
	atomic64_inc(&vm->vf->stats.cancels);
}

/* Copy every packet GET..PUT out of the buffer, then write GET once. */
static unsigned int vsvm_fault_drain(struct vsvm_device *vdev, bool *overflow)
{
	const u32 idx = NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY;
	u32 get, put, d[8];
	u32 *buf = vdev->fault_buf.vaddr;
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
static void vsvm_fault_window_each(struct vsvm_vm *vm,
				   struct vsvm_svmm *svmm,
				   struct vsvm_fault *faults, unsigned int first,
				   unsigned int n, u64 start, u64 end,
				   unsigned long *req, unsigned long *words)
{
	struct vsvm_fault *f;
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
		if (vsvm_svm_map_range(svmm, start, end, req, words,
				       words + VSVM_WINDOW_PAGES))
			vsvm_fault_cancel(vm, f);
		else
			f->done = true;
	}
}

/*
 * Serve faults[first] and every later fault of the batch on the same
 * channel inside its window. Marks them done; cancels what cannot be
 * served.
 */
static void vsvm_fault_window(struct vsvm_vm *vm,
			      struct vsvm_fault *faults, unsigned int first,
			      unsigned int n, unsigned long *req,
			      unsigned long *words)
{
	struct vsvm_device *vdev = vm->vdev;
	struct vsvm_fault *f0 = &faults[first], *f;
	/* SVM_INIT may publish it while a channel already runs. */
	struct vsvm_svmm *svmm = smp_load_acquire(&vm->svmm);
	struct mem_cgroup *memcg, *old_memcg;
	struct vm_area_struct *vma;
	u64 start, end;
	unsigned int i;
	int ret;

	/* In fence mode GPU faults are not served (see vsvm_drm.h). */
	if (!svmm || !svmm->lr_mode || !vsvm_svm_managed(svmm, f0->addr) ||
	    !mmget_not_zero(svmm->mm)) {
		vsvm_fault_cancel(vm, f0);
		return;
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
		vsvm_fault_cancel(vm, f0);
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
			vsvm_fault_cancel(vm, f);
			continue;
		}
		vsvm_fault_request(vdev, req, start, end, f);
	}
	mmap_read_unlock(svmm->mm);

	/*
	 * Memory attributes: migrate-on-fault moves the window first, unless
	 * every fault of it was cancelled or a prefetch.
	 */
	if (memchr_inv(req, 0, VSVM_WINDOW_PAGES * sizeof(*req)))
		vsvm_svm_placement_fault(svmm, f0->addr, start, end);

	ret = vsvm_svm_map_range(svmm, start, end, req, words,
				 words + VSVM_WINDOW_PAGES);
	if (ret && ret != -EBUSY) {
		vsvm_fault_window_each(vm, svmm, faults, first, n, start, end,
				       req, words);
		goto out;
	}
	for (i = first; i < n && faults[i].inst == f0->inst &&
	     faults[i].addr < end; i++) {
		f = &faults[i];
		if (f->done)
			continue;
		if (ret)
			vsvm_fault_cancel(vm, f);
		else
			f->done = true;
	}
	if (ret)
		drm_dbg_driver(&vdev->drm, "fault at %llx: %d\n", f0->addr, ret);
out:
	set_active_memcg(old_memcg);
	mem_cgroup_put(memcg);
	mmput(svmm->mm);
}

/* A VM's fault worker: serve its queue until it stays empty. */
static void vsvm_vm_fault_work(struct work_struct *work)
{
	struct vsvm_vm *vm = container_of(work, struct vsvm_vm, faults.work);
	struct vsvm_fault_queue *q = &vm->faults;
	unsigned long *req = q->req;
	unsigned long *words = req + VSVM_WINDOW_PAGES;
	struct vsvm_fault *batch;
	unsigned int n, i;
	ktime_t t0;
	int idx;

	/*
	 * Once the device is unbound there is neither GPU nor page table:
	 * what was queued is dropped (the launches were ended).
	 */
	if (!drm_dev_enter(&vm->vdev->drm, &idx)) {
		vsvm_vm_put(vm);
		return;
	}
	for (;;) {
		spin_lock(&q->lock);
		n = q->npending;
		batch = q->pending;
		q->pending = q->batch;
		q->batch = batch;
		q->npending = 0;
		spin_unlock(&q->lock);
		if (!n)
			break;
		t0 = ktime_get();
		sort(batch, n, sizeof(*batch), vsvm_fault_cmp, NULL);
		for (i = 0; i < n; i++)
			if (!batch[i].done)
				vsvm_fault_window(vm, batch, i, n, req, words);
		/* Served faults retry, the cancelled ones fail: one replay. */
		vsvm_fault_invalidate(vm->vdev,
				      NV_PFB_PRI_MMU_INVALIDATE_REPLAY_START,
				      NULL);
		atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), t0)),
			     &vm->vf->stats.fault_ns);
		atomic64_inc(&vm->vf->stats.batches);
		atomic64_inc(&vm->vf->stats.replays);
		cond_resched();
	}
	drm_dev_exit(idx);
	vsvm_vm_put(vm);
}

/*
 * Queue @f to the VM of its instance block's channel, or cancel it if no
 * channel has that block. Called with the instance table locked: the
 * channel, and so its VM, is then alive (a channel leaves the table before
 * it drops its VM). Returns the VM if its worker must be started, with a
 * reference for it.
 */
static struct vsvm_vm *vsvm_fault_dispatch(struct vsvm_device *vdev,
					   const struct vsvm_fault *f)
{
	struct vsvm_channel *chan;
	struct vsvm_fault_queue *q;
	struct vsvm_vm *vm;
	bool start = false;

	chan = xa_load(&vdev->inst_xa, f->inst >> PAGE_SHIFT);
	if (!chan) {
		vsvm_fault_invalidate(vdev,
				      NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_TARGETED,
				      f);
		return NULL;
	}
	vm = chan->vm;
	q = &vm->faults;
	atomic64_inc(&vm->vf->stats.faults);
	spin_lock(&q->lock);
	/*
	 * A full queue means a batch the worker has yet to take: its replay
	 * raises a dropped packet again. The channels of a closing file are
	 * being killed, which ends their stalled accesses.
	 */
	if (!q->closed && q->npending < vdev->fault_entries) {
		q->pending[q->npending++] = *f;
		start = true;
	}
	spin_unlock(&q->lock);
	if (!start)
		return NULL;
	kref_get(&vm->ref);
	return vm;
}

/* The dispatcher: hand every packet of the buffer to its VM. */
static void vsvm_fault_work(struct work_struct *work)
{
	struct vsvm_device *vdev = container_of(work, struct vsvm_device,
						fault_work);
	struct vsvm_vm *vm;
	unsigned int n, i;
	bool overflow;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return;
	for (;;) {
		n = vsvm_fault_drain(vdev, &overflow);
		if (!n && !overflow)
			break;
		for (i = 0; i < n; i++) {
			xa_lock(&vdev->inst_xa);
			vm = vsvm_fault_dispatch(vdev, &vdev->faults[i]);
			xa_unlock(&vdev->inst_xa);
			/* Queued already: its worker holds a reference. */
			if (vm && !queue_work(vdev->file_wq, &vm->faults.work))
				vsvm_vm_put(vm);
		}
		/* Packets were lost: every stalled unit raises its again. */
		if (overflow)
			vsvm_fault_invalidate(vdev,
					      NV_PFB_PRI_MMU_INVALIDATE_REPLAY_START,
					      NULL);
	}
	drm_dev_exit(idx);
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
 * Return: 0, -ENOMEM, or -EIO if the buffer cannot be shared with the GPU.
 */
int vsvm_pagefault_init(struct vsvm_device *vdev)
{
	const u32 idx = NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY;
	unsigned int order = get_order(VSVM_FAULT_BUFFER_ENTRIES *
				       VSVM_FAULT_PACKET_SIZE);
	dma_addr_t dma;
	int ret;

	INIT_WORK(&vdev->fault_work, vsvm_fault_work);
	vdev->fault_entries = clamp(fault_buffer_entries, 4U,
				    VSVM_FAULT_BUFFER_ENTRIES);
	vdev->faults = kvcalloc(VSVM_FAULT_BUFFER_ENTRIES,
				sizeof(*vdev->faults), GFP_KERNEL);
	if (!vdev->faults)
		return -ENOMEM;
	ret = vsvm_dma_pages_alloc(vdev, &vdev->fault_buf, order, GFP_KERNEL);
	if (ret)
		goto err;
	vdev->fault_wq = alloc_ordered_workqueue("vsvm-fault", WQ_MEM_RECLAIM);
	if (!vdev->fault_wq)
		goto err_pages;
	/*
	 * Not WQ_MEM_RECLAIM: serving a fault allocates anyway, and a worker
	 * may sleep for as long as the page it faults in takes to read.
	 */
	vdev->file_wq = alloc_workqueue("vsvm-file", WQ_UNBOUND, 0);
	if (!vdev->file_wq)
		goto err_wq;

	dma = vdev->fault_buf.dma;
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_LO(idx),
		  FIELD_PREP(NV_PFB_PRI_MMU_FAULT_BUFFER_LO_PHYS_APERTURE,
			     VSVM_TARGET_SYS_MEM_COHERENT) |
		  (lower_32_bits(dma) & NV_PFB_PRI_MMU_FAULT_BUFFER_LO_ADDR));
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_HI(idx),
		  upper_32_bits(dma));
	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE(idx),
		  vdev->fault_entries |
		  NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_ENABLE);
	return 0;

err_wq:
	destroy_workqueue(vdev->fault_wq);
err_pages:
	vsvm_dma_pages_free(vdev, &vdev->fault_buf);
	ret = -ENOMEM;
err:
	kvfree(vdev->faults);
	return ret;
}

/**
 * vsvm_pagefault_fini() - disable the fault buffer and free it
 * @vdev: the device; no channel exists any more
 *
 * Destroying the workqueues waits for the last VMs' workers, which may
 * still be tearing their VMs down after their files were closed.
 */
void vsvm_pagefault_fini(struct vsvm_device *vdev)
{
	const u32 idx = NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY;

	vsvm_wr32(vdev, NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE(idx), 0);
	destroy_workqueue(vdev->fault_wq);
	destroy_workqueue(vdev->file_wq);
	vsvm_dma_pages_free(vdev, &vdev->fault_buf);
	kvfree(vdev->faults);
}

/**
 * vsvm_fault_queue_init() - set up a new VM's fault queue and worker
 * @vm: the VM
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_fault_queue_init(struct vsvm_vm *vm)
{
	struct vsvm_fault_queue *q = &vm->faults;
	unsigned int n = vm->vdev->fault_entries;

	spin_lock_init(&q->lock);
	INIT_WORK(&q->work, vsvm_vm_fault_work);
	q->pending = kvcalloc(n, sizeof(*q->pending), GFP_KERNEL_ACCOUNT);
	q->batch = kvcalloc(n, sizeof(*q->batch), GFP_KERNEL_ACCOUNT);
	q->req = kvmalloc_array(VSVM_WINDOW_PAGES, 3 * sizeof(*q->req),
				GFP_KERNEL_ACCOUNT);
	if (!q->pending || !q->batch || !q->req) {
		vsvm_fault_queue_fini(vm);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vsvm_fault_queue_close() - queue no more faults for a VM of a closing
 *	file
 * @vm: the VM, whose channels have left the instance table
 *
 * Faults already queued are dropped; the worker may still be serving a
 * batch, and drops its reference to the VM when it ends.
 */
void vsvm_fault_queue_close(struct vsvm_vm *vm)
{
	struct vsvm_fault_queue *q = &vm->faults;

	spin_lock(&q->lock);
	q->closed = true;
	q->npending = 0;
	spin_unlock(&q->lock);
}

/**
 * vsvm_fault_queue_fini() - free a VM's fault queue
 * @vm: the VM; its worker is neither queued nor running
 */
void vsvm_fault_queue_fini(struct vsvm_vm *vm)
{
	struct vsvm_fault_queue *q = &vm->faults;

	kvfree(q->req);
	kvfree(q->batch);
	kvfree(q->pending);
}
