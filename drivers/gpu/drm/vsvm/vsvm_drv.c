// SPDX-License-Identifier: GPL-2.0-only
/*
 * vsvm: a DRM render-node driver for the virtual GPU in hw/, whose GPU
 * address spaces mirror processes (shared virtual memory on HMM).
 *
 * The GPU's bus identity is a PCI function (QEMU's "edu" device, whose own
 * registers only identify it here): every DMA of the driver goes through
 * that function's DMA API, so that behind an IOMMU the GPU is given IOVAs
 * and the model (hw/) reaches memory only through the function's IOMMU
 * domain. With the module parameter "platform", the module instead creates
 * a platform device of its own, as vgem does, with direct DMA. With
 * "extra_devices", it creates that many more platform devices besides: each
 * is a virtual GPU of its own (its own VRAM, its own device-private owner),
 * so that two devices can share one process's memory.
 *
 * An open file holds a module reference (fops owner), so the module cannot
 * be unloaded while in use. The device can be unbound (sysfs, hot
 * removal) while files are open: vsvm_unplug.c takes the GPU away from
 * them, and their ioctls then fail with -ENODEV.
 */
#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

#define DRIVER_NAME	"vsvm"
#define DRIVER_DESC	"Virtual GPU with shared virtual memory"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

/*
 * What the GPU can address in system memory: 47 bits, as Pascal's MMU. The
 * instance block pointer holds 40 (checked per channel).
 */
#define VSVM_DMA_BITS	47

/* QEMU's educational PCI device ("-device edu"): vendor, device, ident. */
#define VSVM_PCI_VENDOR_ID	0x1234
#define VSVM_PCI_DEVICE_ID	0x11e8
#define VSVM_EDU_IDENT		0x00
#define VSVM_EDU_IDENT_MAGIC	0xed

static bool vsvm_use_platform;
module_param_named(platform, vsvm_use_platform, bool, 0444);
MODULE_PARM_DESC(platform,
		 "Drive a platform device of the module's own with direct DMA instead of the PCI function (default: false)");

/* Most devices "extra_devices" may add. */
#define VSVM_MAX_EXTRA_DEVICES	3

static unsigned int vsvm_extra_devices;
module_param_named(extra_devices, vsvm_extra_devices, uint, 0444);
MODULE_PARM_DESC(extra_devices,
		 "More virtual GPUs, as platform devices with direct DMA, besides the first (0..3, default 0)");

/* The platform devices the module made: [0] for "platform", then extras. */
static struct platform_device *vsvm_pdevs[1 + VSVM_MAX_EXTRA_DEVICES];

/*
 * The device's interrupt, in hard interrupt context: fault interrupts
 * wake the fault worker, channel interrupts signal fences here, copy-engine
 * interrupts wake the copy submitter.
 */
static void vsvm_irq(struct vsvm_hw *hw, void *data)
{
	struct vsvm_device *vdev = data;
	u32 intr = vsvm_hw_rd32(hw, VSVM_PMC_INTR);

	if (intr & (VSVM_PMC_INTR_FAULT_REPLAYABLE |
		    VSVM_PMC_INTR_FAULT_OVERFLOW))
		vsvm_pagefault_irq(vdev);
	if (intr & VSVM_PMC_INTR_CHANNEL)
		vsvm_channel_irq(vdev);
	if (intr & VSVM_PMC_INTR_CE)
		vsvm_copy_irq(vdev);
}

/**
 * vsvm_file_owner_check() - may the calling process use this file's GPU?
 * @vf: the file
 * @bind: bind the file to the caller if it is not bound yet
 *
 * A file belongs to the first process that calls SVM_INIT or
 * CHANNEL_CREATE on it (@bind), identified by its mm: a thread of it is
 * the same process, a child after fork() or a process that received the
 * file descriptor over a socket is not. Every ioctl that touches the
 * file's GPU address space, channels, launches or errors calls this.
 *
 * Return: 0, or -EACCES for any other process (or a kernel thread).
 */
int vsvm_file_owner_check(struct vsvm_file *vf, bool bind)
{
	struct mm_struct *mm = current->mm, *owner;

	if (!mm)
		return -EACCES;
	/* Pairs with the cmpxchg() below: an owner is set once. */
	owner = smp_load_acquire(&vf->owner);
	if (owner || !bind)
		return !owner || owner == mm ? 0 : -EACCES;
	mmgrab(mm);
	owner = cmpxchg(&vf->owner, NULL, mm);
	if (owner) {
		mmdrop(mm);
		return owner == mm ? 0 : -EACCES;
	}
	return 0;
}

/**
 * vsvm_user_extensions() - walk the extension chain of an ioctl
 * @addr: process address of the first extension, 0 for none
 * @fn: called for each extension with its name and address; returns 0 or
 *	a negative errno (-EINVAL for a name it does not know)
 * @data: passed to @fn
 *
 * Return: 0, -EFAULT for an extension it cannot read, -EINVAL for a
 * chain longer than DRM_VSVM_MAX_EXTENSIONS (which also ends a loop) or
 * a nonzero pad, or what @fn returned.
 */
int vsvm_user_extensions(u64 addr, int (*fn)(void *data, u32 name, u64 addr),
			 void *data)
{
	struct drm_vsvm_user_extension ext;
	unsigned int n = 0;
	int ret;

	while (addr) {
		if (++n > DRM_VSVM_MAX_EXTENSIONS)
			return -EINVAL;
		if (copy_from_user(&ext, u64_to_user_ptr(addr), sizeof(ext)))
			return -EFAULT;
		if (ext.pad)
			return -EINVAL;
		ret = fn(data, ext.name, addr);
		if (ret)
			return ret;
		addr = ext.next_extension;
	}
	return 0;
}

static int vsvm_get_param_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm(drm);
	struct drm_vsvm_get_param *args = data;

	if (args->pad || args->value)
		return -EINVAL;
	switch (args->param) {
	case DRM_VSVM_PARAM_VRAM_SIZE:
		args->value = vdev->vram_size;
		break;
	case DRM_VSVM_PARAM_VA_BITS:
		args->value = vdev->va_bits;
		break;
	case DRM_VSVM_PARAM_PAGE_SIZES:
		args->value = vdev->page_sizes;
		break;
	case DRM_VSVM_PARAM_NUM_EUS:
		args->value = vdev->num_eus;
		break;
	case DRM_VSVM_PARAM_ISA_VERSION:
		args->value = vdev->isa_version;
		break;
	case DRM_VSVM_PARAM_NUM_CHANNELS:
		args->value = vsvm_rd32(vdev, VSVM_CFG_NUM_CHANNELS);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static void vsvm_file_free(struct vsvm_file *vf)
{
	if (vf->owner)
		mmdrop(vf->owner);
	vsvm_vram_account_put(vf->vram);
	mutex_destroy(&vf->lock);
	kfree(vf);
}

static int vsvm_open(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vf = kzalloc(sizeof(*vf), GFP_KERNEL_ACCOUNT);
	struct vsvm_vm *vm;
	int ret;

	if (!vf)
		return -ENOMEM;
	vf->vram = vsvm_vram_account_create();
	if (!vf->vram) {
		kfree(vf);
		return -ENOMEM;
	}
	vf->vdev = to_vsvm(drm);
	kref_init(&vf->ref);
	mutex_init(&vf->lock);
	init_waitqueue_head(&vf->ufence_wq);
	xa_init_flags(&vf->channels, XA_FLAGS_ALLOC1);
	xa_init_flags(&vf->vms, XA_FLAGS_ALLOC);
	vm = vsvm_vm_create(vf);
	if (IS_ERR(vm)) {
		vsvm_file_free(vf);
		return PTR_ERR(vm);
	}
	/* VM 0: the table's reference, given back at close. */
	ret = xa_err(xa_store(&vf->vms, 0, vm, GFP_KERNEL_ACCOUNT));
	if (ret) {
		vsvm_vm_put(vm);	/* drops the VM's reference on vf */
		vsvm_file_free(vf);
		return ret;
	}
	/*
	 * The file may outlive its DRM file (a VM's fault worker may hold
	 * the last reference to it): it keeps the module, as the open file
	 * does.
	 */
	__module_get(THIS_MODULE);
	file->driver_priv = vf;
	return 0;
}

/* The last reference: every VM and channel of the file is gone. */
static void vsvm_file_release(struct kref *ref)
{
	vsvm_file_free(container_of(ref, struct vsvm_file, ref));
	/*
	 * The module cannot go before this returns: unloading it destroys
	 * the fault workqueues, which waits for a worker doing this.
	 */
	module_put(THIS_MODULE);
}

/**
 * vsvm_file_put() - drop a reference to a file's state
 * @vf: the file
 *
 * The last one frees it.
 */
void vsvm_file_put(struct vsvm_file *vf)
{
	kref_put(&vf->ref, vsvm_file_release);
}

/*
 * Order: stop queueing this file's faults, drop the VM table, let the
 * launches end (their stalled accesses are cancelled with them; each
 * channel then drops its VM), then drop the DRM file's reference. A fault
 * being served keeps its VM, and the file, until it ends: closing does not
 * wait for it.
 */
static void vsvm_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;

	vsvm_channels_detach(vf);
	vsvm_vms_close(vf);
	vsvm_channels_fini(vf);
	vsvm_file_put(vf);
}

/*
 * VRAM: what the file's migrations put there and still is, as the standard
 * total and resident keys (all of it is resident: VRAM pages are never
 * swapped, eviction moves them back to system memory), then the
 * migrations each way.
 */
static void vsvm_show_fdinfo_vram(struct drm_printer *p, struct vsvm_file *vf)
{
	struct vsvm_vram_account *a = vf->vram;
	u64 kib = atomic64_read(&a->pages) << (PAGE_SHIFT - 10);

	if (!vf->vdev->vram_size)
		return;
	drm_printf(p, "drm-total-vram:\t%llu KiB\n", kib);
	drm_printf(p, "drm-resident-vram:\t%llu KiB\n", kib);
	drm_printf(p, "drm-vsvm-migrations-to-vram:\t%lld\n",
		   atomic64_read(&a->to_vram_ops));
	drm_printf(p, "drm-vsvm-migrated-to-vram:\t%lld KiB\n",
		   atomic64_read(&a->to_vram_pages) << (PAGE_SHIFT - 10));
	drm_printf(p, "drm-vsvm-migrations-to-ram:\t%lld\n",
		   atomic64_read(&a->to_ram_ops));
	drm_printf(p, "drm-vsvm-migrated-to-ram:\t%lld KiB\n",
		   atomic64_read(&a->to_ram_pages) << (PAGE_SHIFT - 10));
	drm_printf(p, "drm-vsvm-evicted:\t%lld KiB\n",
		   atomic64_read(&a->evicted_pages) << (PAGE_SHIFT - 10));
	drm_printf(p, "drm-vsvm-thrash-pins:\t%lld\n",
		   atomic64_read(&vf->stats.thrash_pins));
}

/*
 * Standard keys (Documentation/gpu/drm-usage-stats.rst; drm-driver and
 * drm-client-id come from DRM): the compute engine's time, and the page
 * tables as memory. Then ours, per file (documented in vsvm.rst).
 */
static void vsvm_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct vsvm_stats *s = &vf->stats;
	struct drm_memory_stats mem = {};
	struct vsvm_channel *chan;
	unsigned int nvms = 0, nsvm = 0;
	unsigned long handle;
	struct vsvm_vm *vm;
	u64 ns;

	ns = atomic64_read(&s->engine_ns);
	mutex_lock(&vf->lock);
	xa_for_each(&vf->channels, handle, chan)
		ns += vsvm_channel_busy_ns(chan);
	mutex_unlock(&vf->lock);
	drm_printf(p, "drm-engine-compute:\t%llu ns\n", ns);
	mem.private = (u64)atomic_read(&vf->page_tables) * PAGE_SIZE;
	mem.resident = mem.private;
	drm_print_memory_stats(p, &mem, DRM_GEM_OBJECT_RESIDENT, "system");

	/* Under the table's lock: no VM can be freed while counted. */
	xa_lock(&vf->vms);
	xa_for_each(&vf->vms, handle, vm) {
		nvms++;
		if (READ_ONCE(vm->svmm))
			nsvm++;
	}
	xa_unlock(&vf->vms);
	drm_printf(p, "drm-vsvm-vms:\t%u\n", nvms);
	drm_printf(p, "drm-vsvm-svm-vms:\t%u\n", nsvm);
	drm_printf(p, "drm-vsvm-faults:\t%lld\n", atomic64_read(&s->faults));
	drm_printf(p, "drm-vsvm-batches:\t%lld\n", atomic64_read(&s->batches));
	drm_printf(p, "drm-vsvm-replays:\t%lld\n", atomic64_read(&s->replays));
	drm_printf(p, "drm-vsvm-cancels:\t%lld\n", atomic64_read(&s->cancels));
	drm_printf(p, "drm-vsvm-hmm-calls:\t%lld\n",
		   atomic64_read(&s->hmm_calls));
	drm_printf(p, "drm-vsvm-hmm-ns:\t%lld\n", atomic64_read(&s->hmm_ns));
	drm_printf(p, "drm-vsvm-fault-ns:\t%lld\n",
		   atomic64_read(&s->fault_ns));
	drm_printf(p, "drm-vsvm-notifier-calls:\t%lld\n",
		   atomic64_read(&s->notifier_calls));
	drm_printf(p, "drm-vsvm-pages-4k:\t%lld\n", atomic64_read(&s->pages_4k));
	drm_printf(p, "drm-vsvm-pages-2m:\t%lld\n", atomic64_read(&s->pages_2m));
	drm_printf(p, "drm-vsvm-invalidations:\t%lld\n",
		   atomic64_read(&s->invalidations));
	drm_printf(p, "drm-vsvm-user-fence-faults:\t%lld\n",
		   atomic64_read(&s->ufence_faults));
	drm_printf(p, "drm-vsvm-page-tables:\t%d\n",
		   atomic_read(&vf->page_tables));
	drm_printf(p, "drm-vsvm-page-table-limit:\t%u\n",
		   READ_ONCE(vf->vdev->page_table_limit));
	vsvm_show_fdinfo_vram(p, vf);
}

static const struct drm_ioctl_desc vsvm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VSVM_GET_PARAM, vsvm_get_param_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_INIT, vsvm_svm_init_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_BIND, vsvm_svm_bind_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_CHANNEL_CREATE, vsvm_channel_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_CHANNEL_DESTROY, vsvm_channel_destroy_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_EXEC, vsvm_exec_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_CHANNEL_ERROR, vsvm_channel_error_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_WAIT_USER_FENCE, vsvm_wait_user_fence_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VM_CREATE, vsvm_vm_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VM_DESTROY, vsvm_vm_destroy_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_ATTR, vsvm_svm_attr_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_QUERY, vsvm_svm_query_ioctl,
			  DRM_RENDER_ALLOW),
};

/*
 * Every ioctl runs inside drm_dev_enter(), so that an unbind waits for
 * those in progress (vsvm_unplug.c); its waits for GPU work end when the
 * unbind starts.
 */
static long vsvm_ioctl_entered(struct file *filp, unsigned int cmd,
			       unsigned long arg,
			       long (*fn)(struct file *filp, unsigned int cmd,
					  unsigned long arg))
{
	struct drm_file *file = filp->private_data;
	long ret;
	int idx;

	if (!drm_dev_enter(file->minor->dev, &idx))
		return -ENODEV;
	ret = fn(filp, cmd, arg);
	drm_dev_exit(idx);
	return ret;
}

static long vsvm_drm_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	return vsvm_ioctl_entered(filp, cmd, arg, drm_ioctl);
}

#ifdef CONFIG_COMPAT
static long vsvm_drm_compat_ioctl(struct file *filp, unsigned int cmd,
				  unsigned long arg)
{
	return vsvm_ioctl_entered(filp, cmd, arg, drm_compat_ioctl);
}
#else
#define vsvm_drm_compat_ioctl NULL
#endif

static const struct file_operations vsvm_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = vsvm_drm_ioctl,
	.compat_ioctl = vsvm_drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.show_fdinfo = drm_show_fdinfo,
	.fop_flags = FOP_UNSIGNED_OFFSET,
};

static const struct drm_driver vsvm_driver = {
	.driver_features = DRIVER_RENDER | DRIVER_SYNCOBJ,
	.open = vsvm_open,
	.postclose = vsvm_postclose,
	.show_fdinfo = vsvm_show_fdinfo,
	.ioctls = vsvm_ioctls,
	.num_ioctls = ARRAY_SIZE(vsvm_ioctls),
	.fops = &vsvm_fops,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static void vsvm_hw_release(void *data)
{
	struct vsvm_device *vdev = data;

	vsvm_wr32(vdev, VSVM_PMC_INTR_EN, 0);
	vsvm_copy_fini(vdev);
	vsvm_pagefault_fini(vdev);
	vsvm_hw_destroy(vdev->hw);
	xa_destroy(&vdev->inst_xa);
}

/*
 * Device-wide counters (an overflow, a VRAM page, a migration by the CPU's
 * fault belong to no file in particular).
 */
static int vsvm_counter_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vsvm_counter_fops, vsvm_counter_get, NULL, "%llu\n");

/* GPU accesses to DMA addresses the IOMMU did not translate. */
static int vsvm_iommu_faults_get(void *data, u64 *val)
{
	struct vsvm_device *vdev = data;

	*val = vsvm_rd32(vdev, VSVM_IOMMU_FAULTS_LO) |
	       (u64)vsvm_rd32(vdev, VSVM_IOMMU_FAULTS_HI) << 32;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vsvm_iommu_faults_fops, vsvm_iommu_faults_get,
			 NULL, "%llu\n");

/* The debugfs tunables (Documentation/gpu/vsvm.rst), with their defaults. */
static void vsvm_tunables_init(struct vsvm_device *vdev)
{
	const struct {
		const char *name;
		u32 *val;
		u32 def;
	} t[] = {
		{ "page_table_limit", &vdev->page_table_limit,
		  VSVM_FILE_PAGE_TABLES_DEFAULT },
		{ "job_timeout_ms", &vdev->job_timeout_ms,
		  VSVM_JOB_TIMEOUT_MS_DEFAULT },
		{ "fault_batch_max", &vdev->fault_batch_max,
		  VSVM_FAULT_BUFFER_ENTRIES },
		{ "fault_ahead_kib", &vdev->fault_ahead_kib,
		  VSVM_FAULT_AHEAD_KIB_DEFAULT },
		{ "thrash_window_ms", &vdev->thrash_window_ms,
		  VSVM_THRASH_WINDOW_MS_DEFAULT },
		{ "thrash_pin_ms", &vdev->thrash_pin_ms,
		  VSVM_THRASH_PIN_MS_DEFAULT },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		*t[i].val = t[i].def;
		debugfs_create_u32(t[i].name, 0600, vdev->drm.debugfs_root,
				   t[i].val);
	}
}

/* Bring up the GPU on its bus device, whose DMA mask is set. */
static int vsvm_device_probe(struct device *dev)
{
	struct vsvm_hw_config cfg = { .name = DRIVER_NAME, .dma_dev = dev };
	struct vsvm_device *vdev;
	int ret;

	vdev = devm_drm_dev_alloc(dev, &vsvm_driver, struct vsvm_device, drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	spin_lock_init(&vdev->reg_lock);
	spin_lock_init(&vdev->chan_lock);
	xa_init(&vdev->inst_xa);
	ret = drmm_mutex_init(&vdev->drm, &vdev->dma_lock);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&vdev->vms);
	INIT_LIST_HEAD(&vdev->channels);
	vsvm_svm_format_init(vdev);

	vdev->hw = vsvm_hw_create(&cfg, vsvm_irq, vdev);
	if (IS_ERR(vdev->hw))
		return PTR_ERR(vdev->hw);
	if (vsvm_rd32(vdev, NV_PMC_BOOT_0) != VSVM_PMC_BOOT_0_ID) {
		vsvm_hw_destroy(vdev->hw);
		return -ENODEV;
	}
	vdev->vram_size = vsvm_rd32(vdev, VSVM_CFG_VRAM_SIZE_LO) |
			  (u64)vsvm_rd32(vdev, VSVM_CFG_VRAM_SIZE_HI) << 32;
	vdev->num_eus = vsvm_rd32(vdev, VSVM_CFG_NUM_EUS);
	vdev->isa_version = vsvm_rd32(vdev, VSVM_CFG_ISA_VERSION);
	vdev->page_sizes = vsvm_rd32(vdev, VSVM_CFG_PAGE_SIZES);
	vdev->va_bits = vsvm_rd32(vdev, VSVM_CFG_VA_BITS);
	vdev->dma_translated = vsvm_rd32(vdev, VSVM_CFG_DMA_TRANSLATED);

	ret = vsvm_pagefault_init(vdev);
	if (ret) {
		vsvm_hw_destroy(vdev->hw);
		return ret;
	}
	ret = vsvm_copy_init(vdev);
	if (ret) {
		vsvm_pagefault_fini(vdev);
		vsvm_hw_destroy(vdev->hw);
		return ret;
	}
	ret = devm_add_action_or_reset(dev, vsvm_hw_release, vdev);
	if (ret)
		return ret;
	vsvm_wr32(vdev, VSVM_PMC_INTR_EN, VSVM_PMC_INTR_FAULT_REPLAYABLE |
		  VSVM_PMC_INTR_FAULT_OVERFLOW | VSVM_PMC_INTR_CHANNEL |
		  VSVM_PMC_INTR_CE);

	vsvm_tunables_init(vdev);
	debugfs_create_file_unsafe("fault_overflows", 0400,
				   vdev->drm.debugfs_root,
				   &vdev->fault_overflows, &vsvm_counter_fops);
	debugfs_create_file_unsafe("vram_pages_used", 0400,
				   vdev->drm.debugfs_root,
				   &vdev->dmem.pages_used, &vsvm_counter_fops);
	debugfs_create_file_unsafe("vram_migrated_in", 0400,
				   vdev->drm.debugfs_root,
				   &vdev->dmem.migrated_to_vram, &vsvm_counter_fops);
	debugfs_create_file_unsafe("vram_migrated_out", 0400,
				   vdev->drm.debugfs_root,
				   &vdev->dmem.migrated_to_ram, &vsvm_counter_fops);
	debugfs_create_file_unsafe("vram_evicted", 0400,
				   vdev->drm.debugfs_root,
				   &vdev->dmem.evicted, &vsvm_counter_fops);
	debugfs_create_file_unsafe("iommu_faults", 0400,
				   vdev->drm.debugfs_root, vdev,
				   &vsvm_iommu_faults_fops);
	debugfs_create_u32("inject_stale_tlb", 0600, vdev->drm.debugfs_root,
			   &vdev->inject_stale_tlb);
	debugfs_create_u32("dma_translated", 0400, vdev->drm.debugfs_root,
			   &vdev->dma_translated);

	ret = vsvm_dmem_init(vdev);
	if (ret)
		return ret;
	ret = drm_dev_register(&vdev->drm, 0);
	if (ret) {
		vsvm_dmem_fini(vdev);
		return ret;
	}
	dev_set_drvdata(dev, vdev);
	drm_info(&vdev->drm, "%llu MiB VRAM, %u execution units, ISA %u, %s DMA\n",
		 vdev->vram_size >> 20, vdev->num_eus, vdev->isa_version,
		 vdev->dma_translated ? "IOMMU-translated" : "direct");
	return 0;
}

/* Files may still be open: see vsvm_unplug.c. */
static void vsvm_device_remove(struct device *dev)
{
	vsvm_device_unplug(dev_get_drvdata(dev));
}

static int vsvm_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	void __iomem *bar;
	u32 ident;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	bar = pcim_iomap_region(pdev, 0, DRIVER_NAME);
	if (IS_ERR(bar))
		return PTR_ERR(bar);
	ident = ioread32(bar + VSVM_EDU_IDENT);
	if ((ident & 0xff) != VSVM_EDU_IDENT_MAGIC) {
		dev_err(&pdev->dev, "unexpected identification %#x\n", ident);
		return -ENODEV;
	}
	ret = dma_set_mask_and_coherent(&pdev->dev,
					DMA_BIT_MASK(VSVM_DMA_BITS));
	if (ret)
		return ret;
	pci_set_master(pdev);
	return vsvm_device_probe(&pdev->dev);
}

static void vsvm_pci_remove(struct pci_dev *pdev)
{
	vsvm_device_remove(&pdev->dev);
}

static const struct pci_device_id vsvm_pci_ids[] = {
	{ PCI_DEVICE(VSVM_PCI_VENDOR_ID, VSVM_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vsvm_pci_ids);

static struct pci_driver vsvm_pci_driver = {
	.name = DRIVER_NAME,
	.id_table = vsvm_pci_ids,
	.probe = vsvm_pci_probe,
	.remove = vsvm_pci_remove,
};

static int vsvm_platform_probe(struct platform_device *pdev)
{
	int ret;

	ret = dma_coerce_mask_and_coherent(&pdev->dev,
					   DMA_BIT_MASK(VSVM_DMA_BITS));
	if (ret)
		return ret;
	return vsvm_device_probe(&pdev->dev);
}

static void vsvm_platform_remove(struct platform_device *pdev)
{
	vsvm_device_remove(&pdev->dev);
}

static struct platform_driver vsvm_platform_driver = {
	.probe = vsvm_platform_probe,
	.remove_new = vsvm_platform_remove,
	.driver = {
		.name = DRIVER_NAME,
	},
};

/* Unregister the platform devices made, and the driver if @driver. */
static void vsvm_platform_fini(bool driver)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vsvm_pdevs); i++) {
		if (vsvm_pdevs[i])
			platform_device_unregister(vsvm_pdevs[i]);
		vsvm_pdevs[i] = NULL;
	}
	if (driver)
		platform_driver_unregister(&vsvm_platform_driver);
}

/* Make platform device @i (id -1 for the "platform" one, else @i). */
static int vsvm_platform_add(unsigned int i)
{
	struct platform_device *pdev;

	pdev = platform_device_register_simple(DRIVER_NAME, i ? (int)i : -1,
					       NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	vsvm_pdevs[i] = pdev;
	/* Probe failed: its error is in the log. */
	return platform_get_drvdata(pdev) ? 0 : -ENODEV;
}

static int vsvm_platform_init(void)
{
	unsigned int i;
	int ret;

	ret = platform_driver_register(&vsvm_platform_driver);
	if (ret)
		return ret;
	for (i = vsvm_use_platform ? 0 : 1; i <= vsvm_extra_devices; i++) {
		ret = vsvm_platform_add(i);
		if (ret) {
			vsvm_platform_fini(true);
			return ret;
		}
	}
	return 0;
}

static int __init vsvm_init(void)
{
	int ret;

	if (vsvm_extra_devices > VSVM_MAX_EXTRA_DEVICES)
		return -EINVAL;
	if (vsvm_use_platform || vsvm_extra_devices) {
		ret = vsvm_platform_init();
		if (ret || vsvm_use_platform)
			return ret;
	}
	ret = pci_register_driver(&vsvm_pci_driver);
	if (ret && vsvm_extra_devices)
		vsvm_platform_fini(true);
	return ret;
}

static void __exit vsvm_exit(void)
{
	if (!vsvm_use_platform)
		pci_unregister_driver(&vsvm_pci_driver);
	if (vsvm_use_platform || vsvm_extra_devices)
		vsvm_platform_fini(true);
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
