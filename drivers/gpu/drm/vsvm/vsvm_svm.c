// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared virtual memory: a VM (a GPU address space of a file) mirrors the
 * file's process.
 *
 * SVM_INIT makes the mirror; vsvm_svm_map_range() maps one 2 MiB window of
 * it with a single hmm_range_fault() call in the GP100 device format (the
 * output words are the PTEs), under the driver-lock/retry protocol of
 * Documentation/mm/hmm.rst; SVM_BIND and the GPU fault service
 * (vsvm_pagefault.c) both use it.
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
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "hw/vsvm_mmu_format.h"

/*
 * hmm_range_fault() output = GP100 PTEs (hw/vsvm_mmu_format.h); each device
 * has a copy naming its bus device, so that system pages come out
 * DMA-mapped with their DMA addresses in the PTEs.
 */
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

/**
 * vsvm_svm_format_init() - the device's hmm_range_fault() output format
 * @vdev: the device, with drm.dev and its DMA mask set
 */
void vsvm_svm_format_init(struct vsvm_device *vdev)
{
	vdev->svm_format = vsvm_gp100_format;
	vdev->svm_format.dma_dev = vdev->drm.dev;
	/* The device's own VRAM pages: PTEs of the video-memory aperture. */
	vdev->svm_format.device_addr = vsvm_dmem_device_addr;
}

/* ---- the mirror ---------------------------------------------------------- */

static bool vsvm_svmm_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	struct vsvm_range *r = container_of(mni, struct vsvm_range, notifier);
	struct vsvm_svmm *svmm = r->svmm;
	struct vsvm_vm *vm = svmm->vm;
	u64 start = max_t(u64, range->start, r->start);
	u64 end = min_t(u64, range->end, r->start + VSVM_WINDOW_SIZE);
	int idx;

	/* An unbind of the device took down every GPU mapping. */
	if (!drm_dev_enter(&vm->vdev->drm, &idx)) {
		mmu_interval_set_seq(mni, cur_seq);
		return true;
	}
	if (mmu_notifier_range_blockable(range)) {
		mutex_lock(&svmm->mutex);
	} else if (!mutex_trylock(&svmm->mutex)) {
		drm_dev_exit(idx);
		return false;
	}
	atomic64_inc(&vm->vf->stats.notifier_calls);
	/*
	 * Mappings a non-blocking call could not flush first: until the GPU
	 * TLB lets go of them, nothing else is cleared (their room is needed).
	 */
	if (svmm->stale.n) {
		if (!mmu_notifier_range_blockable(range)) {
			if (vsvm_vmm_flush(vm->vdev, &vm->vmm, svmm->stale.start,
					   svmm->stale.end, false)) {
				mutex_unlock(&svmm->mutex);
				drm_dev_exit(idx);
				return false;
			}
			vsvm_vmm_unmap_stale(&vm->vmm, &svmm->stale);
		} else if (!vsvm_svm_flush(&vm->vmm, svmm->stale.start,
					   svmm->stale.end)) {
			vsvm_vmm_unmap_stale(&vm->vmm, &svmm->stale);
		} else {
			/* The GPU did not stop: leak the mappings. */
			svmm->stale.n = 0;
		}
	}
	mmu_interval_set_seq(mni, cur_seq);
	if (vsvm_vmm_unmap(&vm->vmm, start, end, &svmm->stale)) {
		/*
		 * The pages may be freed, and their IOVAs reused, when we
		 * return: GPU accesses to them must have ended before their
		 * DMA mappings go. A caller that cannot wait is told to come
		 * back (its retry flushes and unmaps what was cleared here);
		 * others wait, stopping the GPU if they must.
		 */
		if (READ_ONCE(vm->vdev->inject_stale_tlb)) {
			/* Fault injection: the GPU keeps what it cached. */
			vsvm_vmm_unmap_stale(&vm->vmm, &svmm->stale);
		} else if (!mmu_notifier_range_blockable(range)) {
			if (vsvm_vmm_flush(vm->vdev, &vm->vmm, start, end,
					   false)) {
				mutex_unlock(&svmm->mutex);
				drm_dev_exit(idx);
				return false;
			}
			vsvm_vmm_unmap_stale(&vm->vmm, &svmm->stale);
		} else if (!vsvm_svm_flush(&vm->vmm, start, end)) {
			vsvm_vmm_unmap_stale(&vm->vmm, &svmm->stale);
		} else {
			/* The GPU did not stop: leak the mappings. */
			svmm->stale.n = 0;
		}
		atomic64_inc(&vm->vf->stats.invalidations);
		/* Empty tables go later: trimming takes vmm->lock. */
		if (range->event == MMU_NOTIFY_UNMAP) {
			WRITE_ONCE(vm->vmm.trim, true);
			queue_work(system_wq, &svmm->trim_work);
		}
	}
	mutex_unlock(&svmm->mutex);
	drm_dev_exit(idx);
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

	lockdep_assert_held(&svmm->vm->vmm.lock);
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
	struct vsvm_vmm *vmm = &svmm->vm->vmm;
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
	struct vsvm_vmm *vmm = &svmm->vm->vmm;
	int idx;

	/* After an unbind there is no table left to trim. */
	if (!drm_dev_enter(&svmm->vm->vdev->drm, &idx))
		return;
	mutex_lock(&vmm->lock);
	if (vmm->trim) {
		mutex_lock(&svmm->mutex);
		vsvm_vmm_trim(svmm->vm->vdev, vmm, vsvm_svm_flush);
		mutex_unlock(&svmm->mutex);
		vsvm_svm_ranges_prune(svmm);
	}
	mutex_unlock(&vmm->lock);
	drm_dev_exit(idx);
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
	might_lock(&svmm->vm->vdev->reg_lock);
	fs_reclaim_release(GFP_KERNEL);
}

/**
 * vsvm_svm_init_ioctl() - DRM_IOCTL_VSVM_SVM_INIT
 * @drm: the device
 * @data: struct drm_vsvm_svm_init
 * @file: the file
 *
 * Return: 0, -EINVAL for bad arguments, -ENOENT for an unknown VM, -EBUSY
 * if the VM mirrors already, -EACCES if another process owns the file,
 * -ENOMEM.
 */
int vsvm_svm_init_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm(drm);
	struct drm_vsvm_svm_init *args = data;
	struct vsvm_file *vf = file->driver_priv;
	u64 limit = 1ULL << vdev->va_bits;
	struct vsvm_svmm *svmm;
	struct vsvm_vm *vm;
	int ret;

	if (args->flags & ~DRM_VSVM_SVM_INIT_LR_MODE || args->extensions)
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
	vm = vsvm_vm_lookup(vf, args->vm_id);
	if (!vm)
		return -ENOENT;
	ret = -EBUSY;
	if (READ_ONCE(vm->svmm))
		goto out;
	ret = vsvm_file_owner_check(vf, true);
	if (ret)
		goto out;

	ret = -ENOMEM;
	svmm = kzalloc(sizeof(*svmm), GFP_KERNEL);
	if (!svmm)
		goto out;
	svmm->stale.entries = kvmalloc_array(VSVM_WINDOW_PAGES,
					     sizeof(*svmm->stale.entries),
					     GFP_KERNEL_ACCOUNT);
	if (!svmm->stale.entries) {
		kfree(svmm);
		goto out;
	}
	svmm->vm = vm;
	svmm->lr_mode = args->flags & DRM_VSVM_SVM_INIT_LR_MODE;
	svmm->unmanaged_start = args->unmanaged_addr;
	svmm->unmanaged_end = args->unmanaged_addr + args->unmanaged_size;
	mutex_init(&svmm->mutex);
	vsvm_svmm_prime_lockdep(svmm);
	INIT_WORK(&svmm->trim_work, vsvm_svmm_trim_work);
	xa_init(&svmm->ranges);
	vsvm_svm_attrs_init(svmm);
	svmm->mm = current->mm;
	mmgrab(svmm->mm);
	svmm->limit = min_t(u64, svmm->mm->task_size, limit);
	/* Published last: the fault worker and EXEC read it locklessly. */
	ret = 0;
	if (cmpxchg_release(&vm->svmm, NULL, svmm)) {
		vsvm_svm_attrs_fini(svmm);
		mmdrop(svmm->mm);
		mutex_destroy(&svmm->mutex);
		kvfree(svmm->stale.entries);
		kfree(svmm);
		ret = -EBUSY;
	}
out:
	vsvm_vm_put(vm);
	return ret;
}

/**
 * vsvm_svm_fini() - stop mirroring; no channel runs in the VM any more
 * @vm: the VM
 */
void vsvm_svm_fini(struct vsvm_vm *vm)
{
	struct vsvm_svmm *svmm = vm->svmm;
	struct vsvm_range *r;
	unsigned long idx;

	if (!svmm)
		return;
	cancel_work_sync(&svmm->trim_work);
	vsvm_svm_attrs_fini(svmm);
	/* Each removal waits for a running invalidation of ours. */
	mutex_lock(&vm->vmm.lock);
	xa_for_each(&svmm->ranges, idx, r)
		vsvm_svm_range_free(svmm, r);
	mutex_unlock(&vm->vmm.lock);
	xa_destroy(&svmm->ranges);
	/* No channel runs in the VM: what a failed flush left can go. */
	vsvm_vmm_unmap_stale(&vm->vmm, &svmm->stale);
	kvfree(svmm->stale.entries);
	vm->svmm = NULL;
	mmdrop(svmm->mm);
	mutex_destroy(&svmm->mutex);
	kfree(svmm);
}

/**
 * vsvm_svm_managed() - is an address in the mirrored range?
 * @svmm: the mirror
 * @addr: the address
 *
 * Return: true if below the limit and outside the unmanaged window.
 */
bool vsvm_svm_managed(const struct vsvm_svmm *svmm, u64 addr)
{
	return addr < svmm->limit &&
	       (addr < svmm->unmanaged_start || addr >= svmm->unmanaged_end);
}

/**
 * vsvm_svm_flush() - invalidate the GPU TLB for a range of a VM, stopping
 *	the GPU if accesses do not drain
 * @vmm: the VM's page tables
 * @start: first address
 * @end: end address (exclusive)
 *
 * A flush whose in-flight accesses do not drain within the timeout is a
 * device error: the old entries may still be used, so the pages they name
 * must not be given back yet. The VM's channels are then stopped (their
 * launches killed and drained; they take no launch until recreated), and
 * the flush is waited for again. Sleeps.
 *
 * Return: 0 once no GPU access of the range is in flight, or -ETIMEDOUT
 * if the GPU did not stop either.
 */
int vsvm_svm_flush(struct vsvm_vmm *vmm, u64 start, u64 end)
{
	struct vsvm_vm *vm = container_of(vmm, struct vsvm_vm, vmm);
	struct vsvm_device *vdev = vm->vdev;
	int ret;

	ret = vsvm_vmm_flush(vdev, vmm, start, end, true);
	if (!ret)
		return 0;
	drm_err_ratelimited(&vdev->drm,
			    "TLB invalidate did not drain: stopping the VM's channels\n");
	vsvm_channels_stop(vm);
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

/**
 * vsvm_svm_check_range() - may the caller use a range of a VM's mirror?
 * @vm: the VM
 * @svmm: its mirror, NULL if SVM is off
 * @start: first address
 * @end: end address (exclusive), above @start
 *
 * For the ioctls that name process memory (BIND, EXEC).
 *
 * Return: 0, -EINVAL with SVM off or a range outside the mirrored one,
 * -EACCES from a process other than the owner.
 */
int vsvm_svm_check_range(struct vsvm_vm *vm, const struct vsvm_svmm *svmm,
			 u64 start, u64 end)
{
	int ret;

	if (!svmm)
		return -EINVAL;
	ret = vsvm_file_owner_check(vm->vf, false);
	if (ret)
		return ret;
	return vsvm_svm_range_managed(svmm, start, end) ? 0 : -EINVAL;
}

/**
 * vsvm_svm_lookup() - the VM an ioctl names, and its mirror over a range
 * @vf: the file
 * @vm_id: the VM's id in @vf
 * @start: first address of the range
 * @end: its end (exclusive)
 * @svmm: out, the VM's mirror
 *
 * For the ioctls that name a range of a VM's mirror (SVM_BIND, SVM_ATTR,
 * SVM_QUERY): the range must be page aligned, not empty, and lie in the
 * mirrored range.
 *
 * Return: the VM, with a reference for the caller (vsvm_vm_put()), or
 * ERR_PTR(-EINVAL) for a bad range or SVM off, ERR_PTR(-ENOENT) for an
 * unknown VM, ERR_PTR(-EACCES) from a process other than the owner.
 */
struct vsvm_vm *vsvm_svm_lookup(struct vsvm_file *vf, u32 vm_id, u64 start,
				u64 end, struct vsvm_svmm **svmm)
{
	struct vsvm_vm *vm;
	int ret;

	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end) || end <= start)
		return ERR_PTR(-EINVAL);
	vm = vsvm_vm_lookup(vf, vm_id);
	if (!vm)
		return ERR_PTR(-ENOENT);
	/* Pairs with the cmpxchg_release() that published it. */
	*svmm = smp_load_acquire(&vm->svmm);
	ret = vsvm_svm_check_range(vm, *svmm, start, end);
	if (ret) {
		vsvm_vm_put(vm);
		return ERR_PTR(ret);
	}
	return vm;
}

/**
 * vsvm_svm_map_range() - map part of one 2 MiB window of the mirror
 * @svmm: the mirror
 * @start: first address
 * @end: end address (exclusive), in the same window and VMA as @start
 *	(the caller chose them under the mmap lock)
 * @req: per-page requests (VSVM_REQ_READ/WRITE, or 0: snapshot only)
 * @words: scratch space of the same size
 * @installed: scratch space of the same size
 *
 * hmm_range_fault() and the driver-lock/retry protocol of hmm.rst; the
 * output words go into the page tables. HMM is told which PTEs the window
 * holds (@installed), so that a page mapped already keeps its DMA mapping;
 * a snapshot that is not installed (the retry) gives back the mappings it
 * made, and the mappings of the PTEs it replaced go after the TLB flush.
 * Called without the mmap lock.
 *
 * Return: 0, or the error of hmm_range_fault() or of the page tables
 * (-EBUSY after HMM_RANGE_DEFAULT_TIMEOUT of retries).
 */
int vsvm_svm_map_range(struct vsvm_svmm *svmm, u64 start, u64 end,
		       const unsigned long *req, unsigned long *words,
		       unsigned long *installed)
{
	struct vsvm_vm *vm = svmm->vm;
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct vsvm_range *r;
	unsigned long timeout = jiffies +
		msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct hmm_range range = {
		.start = start,
		.end = end,
		.hmm_pfns = words,
		.pfn_flags_mask = VSVM_REQ_READ | VSVM_REQ_WRITE,
		.format = &vm->vdev->svm_format,
		.installed = installed,
		.dev_private_owner = vm->vdev,
	};
	ktime_t t0;
	int ret;

	/* Held until the PTEs are in: no trim may free the tables between. */
	mutex_lock(&vm->vmm.lock);
	if (vm->vmm.trim) {
		mutex_lock(&svmm->mutex);
		vsvm_vmm_trim(vm->vdev, &vm->vmm, vsvm_svm_flush);
		mutex_unlock(&svmm->mutex);
	}
	ret = vsvm_vmm_prepare(&vm->vmm, start, end);
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
		mutex_lock(&svmm->mutex);
		vsvm_vmm_installed(&vm->vmm, start, npages, installed);
		mutex_unlock(&svmm->mutex);
		mmap_read_lock(svmm->mm);
		t0 = ktime_get();
		ret = hmm_range_fault(&range);
		atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), t0)),
			     &vm->vf->stats.hmm_ns);
		mmap_read_unlock(svmm->mm);
		atomic64_inc(&vm->vf->stats.hmm_calls);
		if (ret == -EBUSY)
			continue;
		if (ret)
			goto out;

		mutex_lock(&svmm->mutex);
		if (mmu_interval_read_retry(&r->notifier,
					    range.notifier_seq)) {
			mutex_unlock(&svmm->mutex);
			hmm_format_dma_discard_range(range.format, words,
						     installed, npages);
			continue;
		}
		vsvm_dmem_mark_huge(range.format, start, words, npages);
		vsvm_vmm_map(&vm->vmm, range.format, start, words, npages,
			     &vm->vf->stats);
		/* Replaces cached walks and any PTE the snapshot changed. */
		if (!vsvm_svm_flush(&vm->vmm, start, end))
			vsvm_vmm_unmap_replaced(&vm->vmm, words, installed,
						npages);
		mutex_unlock(&svmm->mutex);
		ret = 0;
		break;
	}
out:
	if (ret) {
		/* Give back the tables and the notifier made for nothing. */
		mutex_lock(&svmm->mutex);
		vsvm_vmm_trim(vm->vdev, &vm->vmm, vsvm_svm_flush);
		mutex_unlock(&svmm->mutex);
		/* Only this window's: a failing fault must not scan them all. */
		r = xa_load(&svmm->ranges, start >> VSVM_WINDOW_SHIFT);
		if (r && !vsvm_vmm_window_used(&vm->vmm, r->start))
			vsvm_svm_range_free(svmm, r);
	}
	mutex_unlock(&vm->vmm.lock);
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
 * With DRM_VSVM_BIND_OP_MIGRATE each window is first migrated to the
 * target (vsvm_dmem.c), then mapped where its pages are.
 *
 * Return: 0, -EINVAL for bad arguments or SVM off, -ENOENT for an unknown
 * VM, -EACCES from another process, -ENODEV for migration to VRAM on a
 * device without, -EIO if the copy engine failed,
 * -EFAULT/-EPERM for memory the process cannot access, -ENOSPC when the
 * file's page-table limit is reached, -EINTR, -ENOMEM.
 */
int vsvm_svm_bind_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_vsvm_svm_bind *args = data;
	struct vsvm_file *vf = file->driver_priv;
	u32 op = args->header & 0xff, flags = args->header & 0xff00;
	u32 target = args->header >> DRM_VSVM_BIND_TARGET_SHIFT;
	unsigned long *req, *words, *installed, i, n;
	struct vsvm_svmm *svmm;
	struct vsvm_vm *vm;
	u64 va, next;
	int ret;

	if (args->extensions || args->pad || args->result ||
	    (args->header & 0xffff0000ULL))
		return -EINVAL;
	if ((op != DRM_VSVM_BIND_OP_MAP && op != DRM_VSVM_BIND_OP_MIGRATE) ||
	    (flags & ~DRM_VSVM_BIND_WRITE) ||
	    (op == DRM_VSVM_BIND_OP_MAP && target) ||
	    target > DRM_VSVM_BIND_TARGET_VRAM)
		return -EINVAL;
	vm = vsvm_svm_lookup(vf, args->vm_id, args->va_start, args->va_end,
			     &svmm);
	if (IS_ERR(vm))
		return PTR_ERR(vm);

	ret = -ENOMEM;
	req = kvmalloc_array(VSVM_WINDOW_PAGES, 3 * sizeof(*req), GFP_KERNEL);
	if (!req)
		goto out_vm;
	words = req + VSVM_WINDOW_PAGES;
	installed = words + VSVM_WINDOW_PAGES;
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
		if (op == DRM_VSVM_BIND_OP_MIGRATE) {
			ret = vsvm_dmem_migrate(svmm, va, next,
						target == DRM_VSVM_BIND_TARGET_VRAM);
			if (ret)
				break;
		}
		ret = vsvm_svm_map_range(svmm, va, next, req, words,
					 installed);
		if (ret)
			break;
		n = (next - va) >> PAGE_SHIFT;
		args->result += n;
	}
	kvfree(req);
out_vm:
	vsvm_vm_put(vm);
	return ret;
}
