// SPDX-License-Identifier: GPL-2.0-only
/*
 * Placement of a mirror's pages: memory attributes on address ranges
 * (DRM_IOCTL_VSVM_SVM_ATTR), what a GPU fault does with them
 * (migrate-on-fault, with thrash detection), and where pages are now
 * (DRM_IOCTL_VSVM_SVM_QUERY).
 *
 * Attributes are a set of non-overlapping ranges in an interval tree, each
 * with a preferred location and flags; an address in no range has the
 * default ones. SET replaces the attributes of its range (trimming or
 * splitting the ranges it overlaps, then merging the new range with equal
 * neighbours). munmap() drops them: one interval notifier per mirror
 * covers every address that ever had attributes (made, or widened, by
 * SET), and its MMU_NOTIFY_UNMAP invalidations clear the unmapped part.
 * That runs in an invalidation, which may not sleep nor reclaim: a range
 * cut in two there takes a node allocated without waiting, and if there
 * is none the whole range is dropped (attributes are hints; data never
 * depends on them). Other invalidations leave attributes alone, so that a
 * free() which gives memory back to the allocator without munmap() keeps
 * them (include/uapi/drm/vsvm_drm.h, struct drm_vsvm_svm_attr).
 *
 * Thrashing: a CPU and the GPU taking turns on a page of a
 * migrate-on-fault range would move it back and forth at every access. A
 * window (2 MiB) that GPU faults migrate to VRAM three times in a row,
 * each within thrash_window_ms of the one before, is left in system memory
 * for thrash_pin_ms (both debugfs knobs): its faults then map it where it
 * is. Progress never depends on this: every fault maps its pages wherever
 * they end up.
 *
 * Locking: vsvm_svm_attrs.set_lock (a mutex, ioctl only) → mmap lock
 * (inside mmu_interval_notifier_insert()) → vsvm_svm_attrs.lock (a
 * spinlock, innermost; also taken by the invalidation and the fault
 * worker).
 */
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/* Migrations in a row, each within the thrash window, that pin a window. */
#define VSVM_THRASH_COUNT	3

/* Pages one query step looks at. */
#define VSVM_QUERY_STEP		VSVM_WINDOW_PAGES

/**
 * struct vsvm_attr_notifier - sees munmap() over the attributed addresses
 * @mni: the interval notifier
 * @svmm: the mirror
 */
struct vsvm_attr_notifier {
	struct mmu_interval_notifier mni;
	struct vsvm_svmm *svmm;
};

/* ---- the attribute ranges ------------------------------------------------ */

static struct vsvm_attr_range *vsvm_attr_first(struct vsvm_svm_attrs *attrs,
					       u64 start, u64 last)
{
	struct interval_tree_node *it;

	it = interval_tree_iter_first(&attrs->tree, start, last);
	return it ? container_of(it, struct vsvm_attr_range, it) : NULL;
}

static void vsvm_attr_insert(struct vsvm_svm_attrs *attrs,
			     struct vsvm_attr_range *r, u64 start, u64 last)
{
	r->it.start = start;
	r->it.last = last;
	interval_tree_insert(&r->it, &attrs->tree);
}

/*
 * Clear [start, last] (lock held). A range that covers both ends beyond
 * them is cut in two with *@spare (then taken); without one it is
 * dropped whole.
 */
static void vsvm_attr_clear(struct vsvm_svm_attrs *attrs, u64 start, u64 last,
			    struct vsvm_attr_range **spare)
{
	struct vsvm_attr_range *r, *tail;
	u64 rs, rl;

	lockdep_assert_held(&attrs->lock);
	while ((r = vsvm_attr_first(attrs, start, last))) {
		rs = r->it.start;
		rl = r->it.last;
		interval_tree_remove(&r->it, &attrs->tree);
		if (rs < start && rl > last && *spare) {
			tail = *spare;
			*spare = NULL;
			tail->loc = r->loc;
			tail->flags = r->flags;
			vsvm_attr_insert(attrs, tail, last + 1, rl);
			vsvm_attr_insert(attrs, r, rs, start - 1);
			attrs->count++;
		} else if (rs < start && rl <= last) {
			vsvm_attr_insert(attrs, r, rs, start - 1);
		} else if (rs >= start && rl > last) {
			vsvm_attr_insert(attrs, r, last + 1, rl);
		} else {
			kfree(r);
			attrs->count--;
		}
	}
}

/* Ranges the tree would hold after SET over [start, last] (lock held). */
static unsigned int vsvm_attr_count_after(struct vsvm_svm_attrs *attrs,
					  u64 start, u64 last, bool add)
{
	struct interval_tree_node *it;
	unsigned int n = attrs->count + add;

	for (it = interval_tree_iter_first(&attrs->tree, start, last); it;
	     it = interval_tree_iter_next(it, start, last)) {
		if (it->start < start && it->last > last)
			n++;
		else if (it->start >= start && it->last <= last)
			n--;
	}
	return n;
}

/* Merge @r with the neighbours it touches that have its attributes. */
static void vsvm_attr_merge(struct vsvm_svm_attrs *attrs,
			    struct vsvm_attr_range *r)
{
	struct vsvm_attr_range *n;
	u64 start = r->it.start, last = r->it.last;

	if (start) {
		n = vsvm_attr_first(attrs, start - 1, start - 1);
		if (n && n->loc == r->loc && n->flags == r->flags) {
			start = n->it.start;
			interval_tree_remove(&n->it, &attrs->tree);
			kfree(n);
			attrs->count--;
		}
	}
	if (last != U64_MAX) {
		n = vsvm_attr_first(attrs, last + 1, last + 1);
		if (n && n->loc == r->loc && n->flags == r->flags) {
			last = n->it.last;
			interval_tree_remove(&n->it, &attrs->tree);
			kfree(n);
			attrs->count--;
		}
	}
	if (start != r->it.start || last != r->it.last) {
		interval_tree_remove(&r->it, &attrs->tree);
		vsvm_attr_insert(attrs, r, start, last);
	}
}

/* ---- munmap() ----------------------------------------------------------- */

static bool vsvm_attr_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	struct vsvm_attr_notifier *an = container_of(mni, typeof(*an), mni);
	struct vsvm_svm_attrs *attrs = &an->svmm->attrs;
	struct vsvm_attr_range *spare;
	unsigned long flags;

	mmu_interval_set_seq(mni, cur_seq);
	/* Only munmap() and mremap()'s move drop attributes. */
	if (range->event != MMU_NOTIFY_UNMAP || range->end <= range->start)
		return true;
	spin_lock_irqsave(&attrs->lock, flags);
	/* Most munmap()s touch no attribute: allocate only for those that do. */
	if (vsvm_attr_first(attrs, range->start, range->end - 1)) {
		spare = kmalloc(sizeof(*spare), GFP_NOWAIT | __GFP_NOWARN);
		vsvm_attr_clear(attrs, range->start, range->end - 1, &spare);
		kfree(spare);
	}
	spin_unlock_irqrestore(&attrs->lock, flags);
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_attr_notifier_ops = {
	.invalidate = vsvm_attr_invalidate,
};

/*
 * Make the notifier cover [start, end) too (set_lock held). The wider one
 * is inserted before the old one goes, so that no munmap() in between is
 * missed.
 */
static int vsvm_attr_watch(struct vsvm_svmm *svmm, u64 start, u64 end)
{
	struct vsvm_svm_attrs *attrs = &svmm->attrs;
	struct vsvm_attr_notifier *old = attrs->notifier, *an;
	u64 ws = start, we = end;
	int ret;

	lockdep_assert_held(&attrs->set_lock);
	if (old) {
		ws = min(ws, old->mni.interval_tree.start);
		we = max(we, old->mni.interval_tree.last + 1);
		if (ws == old->mni.interval_tree.start &&
		    we == old->mni.interval_tree.last + 1)
			return 0;
	}
	an = kzalloc(sizeof(*an), GFP_KERNEL_ACCOUNT);
	if (!an)
		return -ENOMEM;
	an->svmm = svmm;
	ret = mmu_interval_notifier_insert(&an->mni, svmm->mm, ws, we - ws,
					   &vsvm_attr_notifier_ops);
	if (ret) {
		kfree(an);
		return ret;
	}
	attrs->notifier = an;
	if (old) {
		mmu_interval_notifier_remove(&old->mni);
		kfree(old);
	}
	return 0;
}

/**
 * vsvm_svm_attrs_init() - a mirror without attributes
 * @svmm: the mirror
 */
void vsvm_svm_attrs_init(struct vsvm_svmm *svmm)
{
	spin_lock_init(&svmm->attrs.lock);
	mutex_init(&svmm->attrs.set_lock);
	svmm->attrs.tree = RB_ROOT_CACHED;
}

/**
 * vsvm_svm_attrs_fini() - drop a mirror's attributes and their notifier
 * @svmm: the mirror, going away
 */
void vsvm_svm_attrs_fini(struct vsvm_svmm *svmm)
{
	struct vsvm_svm_attrs *attrs = &svmm->attrs;
	struct vsvm_attr_range *r;

	if (attrs->notifier) {
		mmu_interval_notifier_remove(&attrs->notifier->mni);
		kfree(attrs->notifier);
		attrs->notifier = NULL;
	}
	while ((r = vsvm_attr_first(attrs, 0, U64_MAX))) {
		interval_tree_remove(&r->it, &attrs->tree);
		kfree(r);
	}
	attrs->count = 0;
	mutex_destroy(&attrs->set_lock);
}

/* ---- DRM_IOCTL_VSVM_SVM_ATTR --------------------------------------------- */

static int vsvm_attr_set(struct vsvm_device *vdev, struct vsvm_svmm *svmm,
			 const struct drm_vsvm_svm_attr *args)
{
	struct vsvm_svm_attrs *attrs = &svmm->attrs;
	bool add = args->preferred_loc != DRM_VSVM_LOC_DEFAULT || args->flags;
	u64 last = args->va_end - 1;
	struct vsvm_attr_range *r = NULL, *spare;
	unsigned long flags;
	int ret = -ENOMEM;

	if (args->preferred_loc == DRM_VSVM_LOC_VRAM && !vdev->dmem.npages)
		return -ENODEV;
	spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
	if (add)
		r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!spare || (add && !r))
		goto out;
	mutex_lock(&attrs->set_lock);
	if (add) {
		ret = vsvm_attr_watch(svmm, args->va_start, args->va_end);
		if (ret)
			goto out_unlock;
	}
	spin_lock_irqsave(&attrs->lock, flags);
	if (vsvm_attr_count_after(attrs, args->va_start, last, add) >
	    DRM_VSVM_ATTR_MAX_RANGES) {
		spin_unlock_irqrestore(&attrs->lock, flags);
		ret = -ENOSPC;
		goto out_unlock;
	}
	vsvm_attr_clear(attrs, args->va_start, last, &spare);
	if (add) {
		r->loc = args->preferred_loc;
		r->flags = args->flags;
		vsvm_attr_insert(attrs, r, args->va_start, last);
		attrs->count++;
		vsvm_attr_merge(attrs, r);
		r = NULL;
	}
	spin_unlock_irqrestore(&attrs->lock, flags);
	ret = 0;
out_unlock:
	mutex_unlock(&attrs->set_lock);
out:
	kfree(spare);
	kfree(r);
	return ret;
}

static void vsvm_attr_get(struct vsvm_svmm *svmm,
			  struct drm_vsvm_svm_attr *args)
{
	struct vsvm_svm_attrs *attrs = &svmm->attrs;
	struct vsvm_attr_range *r;
	unsigned long flags;

	spin_lock_irqsave(&attrs->lock, flags);
	r = vsvm_attr_first(attrs, args->va_start, args->va_end - 1);
	if (r && r->it.start <= args->va_start) {
		args->preferred_loc = r->loc;
		args->flags = r->flags;
		args->run_end = min(r->it.last + 1, args->va_end);
	} else {
		args->run_end = r ? r->it.start : args->va_end;
	}
	spin_unlock_irqrestore(&attrs->lock, flags);
}

/**
 * vsvm_svm_attr_ioctl() - DRM_IOCTL_VSVM_SVM_ATTR
 * @drm: the device
 * @data: struct drm_vsvm_svm_attr
 * @file: the file
 *
 * Return: 0, -EINVAL for bad arguments or SVM off, -ENOENT for an unknown
 * VM, -EACCES from another process, -ENODEV for VRAM on a device without,
 * -ENOSPC past DRM_VSVM_ATTR_MAX_RANGES, -ENOMEM.
 */
int vsvm_svm_attr_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_vsvm_svm_attr *args = data;
	struct vsvm_file *vf = file->driver_priv;
	struct vsvm_svmm *svmm;
	struct vsvm_vm *vm;
	int ret;

	if (args->extensions || args->run_end)
		return -EINVAL;
	switch (args->op) {
	case DRM_VSVM_ATTR_OP_SET:
		if (args->preferred_loc > DRM_VSVM_LOC_VRAM ||
		    args->flags & ~DRM_VSVM_ATTR_MIGRATE_ON_FAULT ||
		    (args->flags && args->preferred_loc == DRM_VSVM_LOC_DEFAULT))
			return -EINVAL;
		break;
	case DRM_VSVM_ATTR_OP_GET:
		if (args->preferred_loc || args->flags)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	vm = vsvm_svm_lookup(vf, args->vm_id, args->va_start, args->va_end,
			     &svmm);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ret = 0;
	if (args->op == DRM_VSVM_ATTR_OP_SET)
		ret = vsvm_attr_set(to_vsvm(drm), svmm, args);
	else
		vsvm_attr_get(svmm, args);
	vsvm_vm_put(vm);
	return ret;
}

/* ---- GPU faults ---------------------------------------------------------- */

/*
 * Thrash detection for a GPU-fault migration of the window at @start:
 * false if the window is pinned to system memory (now or from now on).
 */
static bool vsvm_thrash_allows(struct vsvm_svmm *svmm, u64 start)
{
	struct vsvm_vm *vm = svmm->vm;
	struct vsvm_device *vdev = vm->vdev;
	u64 now = ktime_get_ns();
	struct vsvm_range *r;
	bool ok = true;

	mutex_lock(&vm->vmm.lock);
	r = xa_load(&svmm->ranges, start >> VSVM_WINDOW_SHIFT);
	if (!r)
		goto out;	/* first touch: no history */
	if (now < r->pinned_until_ns) {
		ok = false;
		goto out;
	}
	if (r->mof_count &&
	    now - r->mof_last_ns <
	    (u64)READ_ONCE(vdev->thrash_window_ms) * NSEC_PER_MSEC)
		r->mof_count++;
	else
		r->mof_count = 1;
	r->mof_last_ns = now;
	if (r->mof_count >= VSVM_THRASH_COUNT) {
		r->pinned_until_ns = now + (u64)READ_ONCE(vdev->thrash_pin_ms) *
					   NSEC_PER_MSEC;
		r->mof_count = 0;
		atomic64_inc(&vm->vf->stats.thrash_pins);
		ok = false;
	}
out:
	mutex_unlock(&vm->vmm.lock);
	return ok;
}

/**
 * vsvm_svm_placement_fault() - apply the attributes before a GPU fault is
 *	mapped
 * @svmm: the mirror
 * @addr: the faulting address
 * @start: start of the window the fault will map (same VMA as @addr)
 * @end: its end
 *
 * With DRM_VSVM_ATTR_MIGRATE_ON_FAULT, migrates [@start, @end) clipped to
 * the attribute range of @addr to the preferred location, unless thrash
 * detection keeps it in system memory. Failures leave the pages where
 * they are (the fault maps them there). From the fault worker, without
 * the mmap lock.
 */
void vsvm_svm_placement_fault(struct vsvm_svmm *svmm, u64 addr, u64 start,
			      u64 end)
{
	struct vsvm_svm_attrs *attrs = &svmm->attrs;
	struct vsvm_attr_range *r;
	unsigned long flags;
	bool migrate = false, to_vram = false;
	int ret;

	spin_lock_irqsave(&attrs->lock, flags);
	r = vsvm_attr_first(attrs, addr, addr);
	if (r && r->flags & DRM_VSVM_ATTR_MIGRATE_ON_FAULT) {
		migrate = true;
		to_vram = r->loc == DRM_VSVM_LOC_VRAM;
		start = max_t(u64, start, r->it.start);
		end = min_t(u64, end, r->it.last + 1);
	}
	spin_unlock_irqrestore(&attrs->lock, flags);
	if (!migrate || start >= end)
		return;
	if (to_vram && !vsvm_thrash_allows(svmm, start))
		return;
	ret = vsvm_dmem_migrate(svmm, start, end, to_vram);
	if (ret)
		drm_dbg_driver(&svmm->vm->vdev->drm,
			       "migrate-on-fault at %llx: %d\n", addr, ret);
}

/* ---- DRM_IOCTL_VSVM_SVM_QUERY -------------------------------------------- */

static u8 vsvm_residency(struct vsvm_device *vdev, unsigned long hpfn)
{
	struct page *page;

	if (!(hpfn & HMM_PFN_VALID) || (hpfn & HMM_PFN_ERROR))
		return DRM_VSVM_RESIDENCY_NONE;
	page = hmm_pfn_to_page(hpfn);
	if (is_device_private_page(page))
		return page->pgmap->owner == vdev ? DRM_VSVM_RESIDENCY_VRAM :
						    DRM_VSVM_RESIDENCY_NONE;
	return DRM_VSVM_RESIDENCY_SYSTEM;
}

/*
 * One step of a query: snapshot [start, start + n pages) without faulting
 * (upstream hmm_range_fault() output, no DMA mapping), into @res.
 */
static int vsvm_query_step(struct vsvm_svmm *svmm,
			   struct mmu_interval_notifier *mni, u64 start,
			   unsigned long n, unsigned long *pfns, u8 *res)
{
	struct vsvm_device *vdev = svmm->vm->vdev;
	unsigned long timeout = jiffies +
		msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct hmm_range range = {
		.notifier = mni,
		.start = start,
		.end = start + (n << PAGE_SHIFT),
		.hmm_pfns = pfns,
		.dev_private_owner = vdev,
	};
	unsigned long i;
	int ret;

	do {
		if (time_after(jiffies, timeout))
			return -EBUSY;
		range.notifier_seq = mmu_interval_read_begin(mni);
		memset(pfns, 0, n * sizeof(*pfns));
		mmap_read_lock(svmm->mm);
		ret = hmm_range_fault(&range);
		if (!ret)
			for (i = 0; i < n; i++)
				res[i] = vsvm_residency(vdev, pfns[i]);
		mmap_read_unlock(svmm->mm);
	} while (ret == -EBUSY);
	return ret;
}

static bool vsvm_query_invalidate(struct mmu_interval_notifier *mni,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq)
{
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_query_notifier_ops = {
	.invalidate = vsvm_query_invalidate,
};

/**
 * vsvm_svm_query_ioctl() - DRM_IOCTL_VSVM_SVM_QUERY
 * @drm: the device
 * @data: struct drm_vsvm_svm_query
 * @file: the file
 *
 * Return: 0, -EINVAL for bad arguments or SVM off, -ENOENT for an unknown
 * VM, -EACCES from another process, -EFAULT if the residency array cannot
 * be written, -EINTR on a fatal signal, -ENOMEM.
 */
int vsvm_svm_query_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_vsvm_svm_query *args = data;
	struct vsvm_file *vf = file->driver_priv;
	u8 __user *ures = u64_to_user_ptr(args->residency);
	struct mmu_interval_notifier mni;
	unsigned long *pfns, n, i;
	struct vsvm_svmm *svmm;
	struct vsvm_vm *vm;
	u64 va;
	u8 *res;
	int ret;

	if (args->extensions || args->pad || args->vram_pages ||
	    args->system_pages)
		return -EINVAL;
	if (args->va_end > args->va_start &&
	    args->va_end - args->va_start > DRM_VSVM_QUERY_MAX_SIZE)
		return -EINVAL;
	vm = vsvm_svm_lookup(vf, args->vm_id, args->va_start, args->va_end,
			     &svmm);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ret = -EFAULT;
	if (args->residency &&
	    !access_ok(ures, (args->va_end - args->va_start) >> PAGE_SHIFT))
		goto out_vm;
	ret = -ENOMEM;
	pfns = kvmalloc_array(VSVM_QUERY_STEP, sizeof(*pfns) + 1, GFP_KERNEL);
	if (!pfns)
		goto out_vm;
	res = (u8 *)(pfns + VSVM_QUERY_STEP);
	ret = -ESRCH;
	if (!mmget_not_zero(svmm->mm))
		goto out_free;
	ret = mmu_interval_notifier_insert(&mni, svmm->mm, args->va_start,
					   args->va_end - args->va_start,
					   &vsvm_query_notifier_ops);
	if (ret)
		goto out_mm;
	for (va = args->va_start; va < args->va_end; va += n << PAGE_SHIFT) {
		n = min_t(u64, VSVM_QUERY_STEP,
			  (args->va_end - va) >> PAGE_SHIFT);
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
		ret = vsvm_query_step(svmm, &mni, va, n, pfns, res);
		if (ret)
			break;
		for (i = 0; i < n; i++) {
			args->vram_pages += res[i] == DRM_VSVM_RESIDENCY_VRAM;
			args->system_pages += res[i] == DRM_VSVM_RESIDENCY_SYSTEM;
		}
		if (args->residency &&
		    copy_to_user(ures + ((va - args->va_start) >> PAGE_SHIFT),
				 res, n)) {
			ret = -EFAULT;
			break;
		}
	}
	mmu_interval_notifier_remove(&mni);
out_mm:
	mmput(svmm->mm);
out_free:
	kvfree(pfns);
out_vm:
	vsvm_vm_put(vm);
	if (ret) {
		args->vram_pages = 0;
		args->system_pages = 0;
	}
	return ret;
}
