// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared virtual memory: the GPU address space of a file mirrors a process.
 *
 * GPU faults arrive in the replayable fault buffer. The fault worker drains
 * it (GET..PUT, VALID checked and cleared, GET written once), sorts the
 * batch by instance, address and access, and serves the faults of one
 * channel that fall in one 2 MiB window (clipped to the VMA) with a single
 * hmm_range_fault() call in the GP100 device format: pages written get a
 * write request, pages read a read request, every other page of the window
 * is only snapshotted, so whatever the CPU already maps there is mapped
 * too. The output words are the PTEs. Faults that cannot be served (no
 * VMA, no permission, the unmanaged window, a process gone) are cancelled
 * and their launch fails; every other fault of the batch is retried by one
 * replay at the end.
 *
 * The mirror covers the process up to svmm->limit, the lower of its task
 * size and the GPU's address space; addresses above are never mapped
 * (BIND and EXEC refuse them, their GPU faults are cancelled). CPU
 * invalidations reach the GPU through one interval notifier per 2 MiB
 * window the GPU maps (struct vsvm_range, made by the first fault or BIND
 * there, removed when the window maps nothing any more), so that address-
 * space activity elsewhere in the process neither enters the driver nor
 * bumps the sequence a fault in progress depends on.
 */
#include <linux/bitfield.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "hw/vsvm_mmu_format.h"

#define VSVM_WINDOW_SHIFT	21	/* one PD0 entry: 2 MiB */
#define VSVM_WINDOW_SIZE	BIT_ULL(VSVM_WINDOW_SHIFT)
#define VSVM_WINDOW_PAGES	(1UL << (VSVM_WINDOW_SHIFT - PAGE_SHIFT))

/* Request bits of our HMM format: GP100 KIND bits, never in an output. */
#define VSVM_REQ_READ		BIT_ULL(61)
#define VSVM_REQ_WRITE		BIT_ULL(60)
#define VSVM_PTE_HUGE		BIT_ULL(62)

static unsigned int fault_buffer_entries = VSVM_FAULT_BUFFER_ENTRIES;
module_param(fault_buffer_entries, uint, 0444);
MODULE_PARM_DESC(fault_buffer_entries,
		 "Size of the replayable fault buffer in packets, 4..256 (default 256; small values exercise overflow)");

/* hmm_range_fault() output = GP100 PTEs (gpu-formats.md). */
static const struct hmm_pfn_format vsvm_gp100_format = {
	.flags = {
		[HMM_PFN_FLAG_VALID]		= NV_MMU_VER2_PTE_VALID,
		[HMM_PFN_FLAG_HUGE]		= VSVM_PTE_HUGE,
		[HMM_PFN_FLAG_REQ_FAULT]	= VSVM_REQ_READ,
		[HMM_PFN_FLAG_REQ_WRITE]	= VSVM_REQ_WRITE,
	},
	.flags_off = {
		[HMM_PFN_FLAG_WRITE]		= NV_MMU_VER2_PTE_READ_ONLY,
		[HMM_PFN_FLAG_DEVICE_PRIVATE]	=
			FIELD_PREP_CONST(NV_MMU_VER2_PTE_APERTURE,
					 NV_MMU_VER2_PTE_APERTURE_SYSTEM_COHERENT_MEMORY) |
			NV_MMU_VER2_PTE_VOL,
	},
	/* NONE, ERROR and SPECIAL are all an invalid PTE (0). */
	.pfn_shift = 8,
};

/* ---- the mirror ---------------------------------------------------------- */

static bool vsvm_svmm_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	struct vsvm_range *r = container_of(mni, struct vsvm_range, notifier);
	struct vsvm_svmm *svmm = r->svmm;
	struct vsvm_file *vf = svmm->vf;
	u64 start = max_t(u64, range->start, r->start);
	u64 end = min_t(u64, range->end, r->start + VSVM_WINDOW_SIZE);

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&svmm->mutex);
	else if (!mutex_trylock(&svmm->mutex))
		return false;
	atomic64_inc(&vf->stats.notifier_calls);
	mmu_interval_set_seq(mni, cur_seq);
	if (vsvm_vmm_unmap(&vf->vmm, start, end)) {
		/*
		 * The pages may be freed when we return: GPU accesses to
		 * them must have ended. A caller that cannot wait is told
		 * to come back (its retry finds the PTEs clear and flushes
		 * again); others wait, stopping the GPU if they must.
		 */
		if (!mmu_notifier_range_blockable(range)) {
			if (vsvm_vmm_flush(vf->vdev, &vf->vmm, start, end,
					   false)) {
				mutex_unlock(&svmm->mutex);
				return false;
			}
		} else {
			vsvm_svm_flush(&vf->vmm, start, end);
		}
		atomic64_inc(&vf->stats.invalidations);
		/* Empty tables go later: trimming takes vmm->lock. */
		if (range->event == MMU_NOTIFY_UNMAP) {
			WRITE_ONCE(vf->vmm.trim, true);
			queue_work(system_wq, &svmm->trim_work);
		}
	}
	mutex_unlock(&svmm->mutex);
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_svmm_ops = {
	.invalidate = vsvm_svmm_invalidate,
};

/*
 * The notifier of the window at @start, made if there is none (vmm->lock
 * held, so no two callers make one). Charged to the caller's memory cgroup;
 * bounded as the page tables are, since a window keeps its notifier only
 * while it has a table or a PTE.
 */
static struct vsvm_range *vsvm_svm_range_get(struct vsvm_svmm *svmm,
					     u64 start)
{
	unsigned long idx = start >> VSVM_WINDOW_SHIFT;
	struct vsvm_range *r;
	int ret;

	lockdep_assert_held(&svmm->vf->vmm.lock);
	r = xa_load(&svmm->ranges, idx);
	if (r)
		return r;
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->svmm = svmm;
	r->start = start & ~(VSVM_WINDOW_SIZE - 1);
	ret = mmu_interval_notifier_insert(&r->notifier, svmm->mm, r->start,
					   VSVM_WINDOW_SIZE, &vsvm_svmm_ops);
	if (ret)
		goto err;
	ret = xa_err(xa_store(&svmm->ranges, idx, r, GFP_KERNEL_ACCOUNT));
	if (ret) {
		mmu_interval_notifier_remove(&r->notifier);
		goto err;
	}
	return r;
err:
	kfree(r);
	return ERR_PTR(ret);
}

static void vsvm_svm_range_free(struct vsvm_svmm *svmm, struct vsvm_range *r)
{
	xa_erase(&svmm->ranges, r->start >> VSVM_WINDOW_SHIFT);
	/* Waits for an invalidation that uses it: not under svmm->mutex. */
	mmu_interval_notifier_remove(&r->notifier);
	kfree(r);
}

/*
 * Remove the notifiers of windows that map nothing any more (vmm->lock
 * held, svmm->mutex not: removal waits for invalidations, which take it).
 */
static void vsvm_svm_ranges_prune(struct vsvm_svmm *svmm)
{
	struct vsvm_vmm *vmm = &svmm->vf->vmm;
	struct vsvm_range *r;
	unsigned long idx;

	lockdep_assert_held(&vmm->lock);
	xa_for_each(&svmm->ranges, idx, r)
		if (!vsvm_vmm_window_used(vmm, r->start))
			vsvm_svm_range_free(svmm, r);
}

static void vsvm_svmm_trim_work(struct work_struct *work)
{
	struct vsvm_svmm *svmm = container_of(work, struct vsvm_svmm,
					      trim_work);
	struct vsvm_vmm *vmm = &svmm->vf->vmm;

	mutex_lock(&vmm->lock);
	if (vmm->trim) {
		mutex_lock(&svmm->mutex);
		vsvm_vmm_trim(svmm->vf->vdev, vmm, vsvm_svm_flush);
		mutex_unlock(&svmm->mutex);
		vsvm_svm_ranges_prune(svmm);
	}
	mutex_unlock(&vmm->lock);
}

/*
 * The invalidation callback runs from memory reclaim and takes the PTE
 * mutex (then the register spinlock, and queues work): tell lockdep so now,
 * so that an allocation under the PTE mutex is reported at once, not only
 * when reclaim happens to hit the callback.
 */
static void vsvm_svmm_prime_lockdep(struct vsvm_svmm *svmm)
{
	if (!IS_ENABLED(CONFIG_LOCKDEP))
		return;
	fs_reclaim_acquire(GFP_KERNEL);
	might_lock(&svmm->mutex);
	might_lock(&svmm->vf->vdev->reg_lock);
	fs_reclaim_release(GFP_KERNEL);
}

/**
 * vsvm_svm_init_ioctl() - DRM_IOCTL_VSVM_SVM_INIT
 * @drm: the device
 * @data: struct drm_vsvm_svm_init
 * @file: the file
 *
 * Return: 0, -EINVAL for bad arguments, -EBUSY if SVM is already on,
 * -EACCES if another process owns the file, -ENOMEM.
 */
int vsvm_svm_init_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm(drm);
	struct drm_vsvm_svm_init *args = data;
	struct vsvm_file *vf = file->driver_priv;
	u64 limit = 1ULL << vdev->va_bits;
	struct vsvm_svmm *svmm;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	if (args->unmanaged_size || args->unmanaged_addr) {
		if (!args->unmanaged_size ||
		    !PAGE_ALIGNED(args->unmanaged_addr) ||
		    !PAGE_ALIGNED(args->unmanaged_size) ||
		    args->unmanaged_addr + args->unmanaged_size <
		    args->unmanaged_addr ||
		    args->unmanaged_addr + args->unmanaged_size > limit)
			return -EINVAL;
	}
	if (!current->mm)
		return -EINVAL;
	if (READ_ONCE(vf->svmm))
		return -EBUSY;
	ret = vsvm_file_owner_check(vf, true);
	if (ret)
		return ret;

	svmm = kzalloc(sizeof(*svmm), GFP_KERNEL);
	if (!svmm)
		return -ENOMEM;
	svmm->vf = vf;
	svmm->unmanaged_start = args->unmanaged_addr;
	svmm->unmanaged_end = args->unmanaged_addr + args->unmanaged_size;
	mutex_init(&svmm->mutex);
	vsvm_svmm_prime_lockdep(svmm);
	INIT_WORK(&svmm->trim_work, vsvm_svmm_trim_work);
	xa_init(&svmm->ranges);
	svmm->mm = current->mm;
	mmgrab(svmm->mm);
	svmm->limit = min_t(u64, svmm->mm->task_size, limit);
	/* Published last: the fault worker and EXEC read it locklessly. */
	if (cmpxchg_release(&vf->svmm, NULL, svmm)) {
		mmdrop(svmm->mm);
		mutex_destroy(&svmm->mutex);
		kfree(svmm);
		return -EBUSY;
	}
	return 0;
}

/**
 * vsvm_svm_fini() - stop mirroring; the file's channels are gone already
 * @vf: the file
 */
void vsvm_svm_fini(struct vsvm_file *vf)
{
	struct vsvm_svmm *svmm = vf->svmm;

	struct vsvm_range *r;
	unsigned long idx;

	if (!svmm)
		return;
	cancel_work_sync(&svmm->trim_work);
	/* Each removal waits for a running invalidation of ours. */
	mutex_lock(&vf->vmm.lock);
	xa_for_each(&svmm->ranges, idx, r)
		vsvm_svm_range_free(svmm, r);
	mutex_unlock(&vf->vmm.lock);
	xa_destroy(&svmm->ranges);
	vf->svmm = NULL;
	mmdrop(svmm->mm);
	mutex_destroy(&svmm->mutex);
	kfree(svmm);
}

static bool vsvm_svm_managed(const struct vsvm_svmm *svmm, u64 addr)
{
	return addr < svmm->limit &&
	       (addr < svmm->unmanaged_start || addr >= svmm->unmanaged_end);
}

/**
 * vsvm_svm_flush() - invalidate the GPU TLB for a range of a file's space,
 *	stopping the GPU if accesses do not drain
 * @vmm: the file's address space
 * @start: first address
 * @end: end address (exclusive)
 *
 * A flush whose in-flight accesses do not drain within the timeout is a
 * device error: the old entries may still be used, so the pages they name
 * must not be given back yet. The file's channels are then stopped (their
 * launches killed and drained; they take no launch until recreated), and
 * the flush is waited for again. Sleeps.
 *
 * Return: 0 once no GPU access of the range is in flight, or -ETIMEDOUT
 * if the GPU did not stop either.
 */
int vsvm_svm_flush(struct vsvm_vmm *vmm, u64 start, u64 end)
{
	struct vsvm_file *vf = container_of(vmm, struct vsvm_file, vmm);
	struct vsvm_device *vdev = vf->vdev;
	int ret;

	ret = vsvm_vmm_flush(vdev, vmm, start, end, true);
	if (!ret)
		return 0;
	drm_err_ratelimited(&vdev->drm,
			    "TLB invalidate did not drain: stopping the file's channels\n");
	vsvm_channels_stop(vf);
	ret = vsvm_vmm_flush(vdev, vmm, start, end, true);
	if (ret)
		drm_err_ratelimited(&vdev->drm,
				    "TLB invalidate did not drain after stopping the channels\n");
	return ret;
}

/**
 * vsvm_svm_range_managed() - does [start, end) lie in the mirrored range?
 * @svmm: the mirror
 * @start: first address
 * @end: end address (exclusive), above @start
 *
 * Return: true if the whole range is below the limit and outside the
 * unmanaged window.
 */
bool vsvm_svm_range_managed(const struct vsvm_svmm *svmm, u64 start, u64 end)
{
	return end <= svmm->limit &&
	       (end <= svmm->unmanaged_start || start >= svmm->unmanaged_end);
}

/*
 * Mirror [start, end) (inside one window and one VMA, checked under the
 * mmap lock by the caller's choice of window) with the requests in req[]:
 * hmm_range_fault() and the driver-lock/retry protocol of hmm.rst.
 * words[] is scratch space of the same size. Called without mmap lock.
 */
static int vsvm_svm_map_range(struct vsvm_svmm *svmm, u64 start, u64 end,
			      const unsigned long *req, unsigned long *words)
{
	struct vsvm_file *vf = svmm->vf;
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct vsvm_range *r;
	unsigned long timeout = jiffies +
		msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct hmm_range range = {
		.start = start,
		.end = end,
		.hmm_pfns = words,
		.pfn_flags_mask = VSVM_REQ_READ | VSVM_REQ_WRITE,
		.format = &vsvm_gp100_format,
	};
	int ret;

	/* Held until the PTEs are in: no trim may free the tables between. */
	mutex_lock(&vf->vmm.lock);
	if (vf->vmm.trim) {
		mutex_lock(&svmm->mutex);
		vsvm_vmm_trim(vf->vdev, &vf->vmm, vsvm_svm_flush);
		mutex_unlock(&svmm->mutex);
	}
	ret = vsvm_vmm_prepare(&vf->vmm, start, end);
	if (ret)
		goto out;
	r = vsvm_svm_range_get(svmm, start);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
		goto out;
	}
	range.notifier = &r->notifier;
	for (;;) {
		if (time_after(jiffies, timeout)) {
			ret = -EBUSY;
			goto out;
		}
		memcpy(words, req, npages * sizeof(*words));
		range.notifier_seq = mmu_interval_read_begin(&r->notifier);
		mmap_read_lock(svmm->mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(svmm->mm);
		atomic64_inc(&vf->stats.hmm_calls);
		if (ret == -EBUSY)
			continue;
		if (ret)
			goto out;

		mutex_lock(&svmm->mutex);
		if (mmu_interval_read_retry(&r->notifier,
					    range.notifier_seq)) {
			mutex_unlock(&svmm->mutex);
			continue;
		}
		vsvm_vmm_map(&vf->vmm, &vsvm_gp100_format, start, words,
			     npages, &vf->stats);
		/* Replaces cached walks and any PTE the snapshot changed. */
		vsvm_svm_flush(&vf->vmm, start, end);
		mutex_unlock(&svmm->mutex);
		ret = 0;
		break;
	}
out:
	if (ret) {
		/* Give back the tables and the notifier made for nothing. */
		mutex_lock(&svmm->mutex);
		vsvm_vmm_trim(vf->vdev, &vf->vmm, vsvm_svm_flush);
		mutex_unlock(&svmm->mutex);
		vsvm_svm_ranges_prune(svmm);
	}
	mutex_unlock(&vf->vmm.lock);
	return ret;
}

/* ---- DRM_IOCTL_VSVM_SVM_BIND --------------------------------------------- */

/**
 * vsvm_svm_bind_ioctl() - DRM_IOCTL_VSVM_SVM_BIND
 * @drm: the device
 * @data: struct drm_vsvm_svm_bind
 * @file: the file
 *
 * Maps one 2 MiB window at a time, rescheduling between windows, and stops
 * at once on a fatal signal.
 *
 * Return: 0, -EINVAL for bad arguments or SVM off, -EACCES from another
 * process, -EOPNOTSUPP for migration, -EFAULT/-EPERM for memory the process
 * cannot access, -ENOSPC when the file's page-table limit is reached,
 * -EINTR, -ENOMEM.
 */
int vsvm_svm_bind_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_vsvm_svm_bind *args = data;
	struct vsvm_file *vf = file->driver_priv;
	/* Pairs with the cmpxchg_release() that published it. */
	struct vsvm_svmm *svmm = smp_load_acquire(&vf->svmm);
	u32 op = args->header & 0xff, flags = args->header & 0xff00;
	unsigned long *req, *words, i, n;
	u64 va, next;
	int ret;

	if (args->reserved[0] || args->reserved[1] || args->result ||
	    (args->header & 0xffff0000ULL))
		return -EINVAL;
	if (op == DRM_VSVM_BIND_OP_MIGRATE)
		return -EOPNOTSUPP;
	if (op != DRM_VSVM_BIND_OP_MAP || (flags & ~DRM_VSVM_BIND_WRITE) ||
	    (args->header >> DRM_VSVM_BIND_TARGET_SHIFT))
		return -EINVAL;
	if (!PAGE_ALIGNED(args->va_start) || !PAGE_ALIGNED(args->va_end) ||
	    args->va_end <= args->va_start)
		return -EINVAL;
	if (!svmm)
		return -EINVAL;
	ret = vsvm_file_owner_check(vf, false);
	if (ret)
		return ret;
	if (!vsvm_svm_range_managed(svmm, args->va_start, args->va_end))
		return -EINVAL;

	req = kvmalloc_array(VSVM_WINDOW_PAGES, 2 * sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	words = req + VSVM_WINDOW_PAGES;
	for (i = 0; i < VSVM_WINDOW_PAGES; i++)
		req[i] = flags & DRM_VSVM_BIND_WRITE ? VSVM_REQ_WRITE :
						       VSVM_REQ_READ;

	for (va = args->va_start; va < args->va_end; va = next) {
		next = min((va | ((1ULL << VSVM_WINDOW_SHIFT) - 1)) + 1,
			   args->va_end);
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
		ret = vsvm_svm_map_range(svmm, va, next, req, words);
		if (ret)
			break;
		n = (next - va) >> PAGE_SHIFT;
		args->result += n;
	}
	kvfree(req);
	return ret;
}

/* ---- the fault buffer ------------------------------------------------------ */

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
 * vsvm_svm_fault_irq() - the fault buffer interrupt: run the worker
 * @vdev: the device
 */
void vsvm_svm_fault_irq(struct vsvm_device *vdev)
{
	queue_work(vdev->fault_wq, &vdev->fault_work);
}

/**
 * vsvm_svm_faults_init() - allocate and enable the replayable fault buffer
 * @vdev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_svm_faults_init(struct vsvm_device *vdev)
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
 * vsvm_svm_faults_fini() - disable the fault buffer and free it
 * @vdev: the device; no channel exists any more
 */
void vsvm_svm_faults_fini(struct vsvm_device *vdev)
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
