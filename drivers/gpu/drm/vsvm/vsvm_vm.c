// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMs: the GPU address spaces of a file. A VM is one page-table tree
 * (vsvm_vmm.c), the mirror of the file's process in it (vsvm_svm.c) and
 * the queue its GPU faults wait in (vsvm_pagefault.c).
 *
 * Every file has the VM made at open, id 0, which lives as long as the
 * file; DRM_IOCTL_VSVM_VM_CREATE makes more (VSVM_FILE_MAX_VMS in all),
 * DRM_IOCTL_VSVM_VM_DESTROY takes one out of the file's table. A VM is
 * refcounted: the table, each channel running in it and its fault worker
 * while queued or running hold it, so a VM destroyed while channels still
 * run in it keeps serving their faults until the last one goes. It holds
 * a reference on its file (the owner, the counters, the page-table
 * count and the user-fence waiters are the file's).
 */
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * vsvm_vm_create() - make an empty VM of a file
 * @vf: the file
 *
 * Its page tables count against the file's limit; what it allocates is
 * charged to the caller's memory cgroup. The caller puts it in the file's
 * table or drops it.
 *
 * Return: the VM with one reference, or an ERR_PTR (-ENOMEM, or -ENODEV
 * once the device is being unbound).
 */
struct vsvm_vm *vsvm_vm_create(struct vsvm_file *vf)
{
	struct vsvm_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	struct vsvm_device *vdev = vf->vdev;
	int ret;

	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->vdev = vf->vdev;
	vm->vf = vf;
	kref_init(&vm->ref);
	ret = vsvm_fault_queue_init(vm);
	if (ret)
		goto err;
	/* No page table is made for a device being unbound. */
	mutex_lock(&vdev->dma_lock);
	ret = vdev->dma_gone ? -ENODEV :
	      vsvm_vmm_init(&vm->vmm, vdev, &vf->page_tables,
			    &vdev->page_table_limit);
	if (!ret)
		list_add_tail(&vm->dev_link, &vdev->vms);
	mutex_unlock(&vdev->dma_lock);
	if (ret) {
		vsvm_fault_queue_fini(vm);
		goto err;
	}
	kref_get(&vf->ref);
	return vm;

err:
	kfree(vm);
	return ERR_PTR(ret);
}

/*
 * The last reference: no channel runs in the VM and its fault worker is
 * done. Stop mirroring, then free the page tables: nothing can walk them
 * any more whatever the flush says, which drops every cached translation.
 */
static void vsvm_vm_release(struct kref *ref)
{
	struct vsvm_vm *vm = container_of(ref, struct vsvm_vm, ref);
	struct vsvm_device *vdev = vm->vdev;
	struct vsvm_file *vf = vm->vf;
	int idx;

	/*
	 * Under the DMA lock throughout, so that an unbind of the device
	 * either finds the VM whole or not at all.
	 */
	mutex_lock(&vdev->dma_lock);
	vsvm_svm_fini(vm);
	/* After an unbind the GPU is gone, and so are the tables. */
	if (drm_dev_enter(&vdev->drm, &idx)) {
		vsvm_vmm_flush(vdev, &vm->vmm, 0, 1ULL << VSVM_VA_BITS, true);
		drm_dev_exit(idx);
	}
	list_del(&vm->dev_link);
	vsvm_vmm_fini(&vm->vmm);
	mutex_unlock(&vdev->dma_lock);
	vsvm_fault_queue_fini(vm);
	kfree(vm);
	vsvm_file_put(vf);
}

/**
 * vsvm_vm_put() - drop a reference to a VM
 * @vm: the VM
 *
 * The last one frees it; it may sleep (it waits for invalidations of the
 * mirror in progress).
 */
void vsvm_vm_put(struct vsvm_vm *vm)
{
	kref_put(&vm->ref, vsvm_vm_release);
}

/**
 * vsvm_vm_lookup() - find a VM of a file by id, and hold it
 * @vf: the file
 * @id: the VM's id (0: the file's own)
 *
 * Return: the VM with a reference for the caller (vsvm_vm_put()), or
 * NULL for an id the file has no VM under.
 */
struct vsvm_vm *vsvm_vm_lookup(struct vsvm_file *vf, u32 id)
{
	struct vsvm_vm *vm;

	/* The table's reference is dropped only after the VM left it. */
	xa_lock(&vf->vms);
	vm = xa_load(&vf->vms, id);
	if (vm)
		kref_get(&vm->ref);
	xa_unlock(&vf->vms);
	return vm;
}

/**
 * vsvm_vms_close() - empty the VM table of a closing file
 * @vf: the file, whose channels have left the instance table
 *
 * No fault is queued to these VMs any more (those queued are dropped);
 * each VM goes when the channels that run in it and its worker let go.
 */
void vsvm_vms_close(struct vsvm_file *vf)
{
	struct vsvm_vm *vm;
	unsigned long id;

	xa_for_each(&vf->vms, id, vm) {
		xa_erase(&vf->vms, id);
		vsvm_fault_queue_close(vm);
		vsvm_vm_put(vm);
	}
	xa_destroy(&vf->vms);
}

/**
 * vsvm_vm_create_ioctl() - DRM_IOCTL_VSVM_VM_CREATE
 * @drm: the device
 * @data: struct drm_vsvm_vm_create
 * @file: the file
 *
 * Binds the file to the calling process if nothing did yet.
 *
 * Return: 0, -EINVAL, -EACCES if another process owns the file, -ENOSPC
 * when the file holds VSVM_FILE_MAX_VMS VMs, -ENOMEM.
 */
int vsvm_vm_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_vsvm_vm_create *args = data;
	struct vsvm_file *vf = file->driver_priv;
	struct vsvm_vm *vm;
	u32 id;
	int ret;

	if (args->vm_id || args->flags || args->extensions)
		return -EINVAL;
	ret = vsvm_file_owner_check(vf, true);
	if (ret)
		return ret;
	vm = vsvm_vm_create(vf);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ret = xa_alloc(&vf->vms, &id, vm, XA_LIMIT(1, VSVM_FILE_MAX_VMS - 1),
		       GFP_KERNEL_ACCOUNT);
	if (ret) {
		vsvm_vm_put(vm);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	args->vm_id = id;
	return 0;
}

/**
 * vsvm_vm_destroy_ioctl() - DRM_IOCTL_VSVM_VM_DESTROY
 * @drm: the device
 * @data: struct drm_vsvm_vm_destroy
 * @file: the file
 *
 * Takes the VM out of the file's table; it is freed once no channel runs
 * in it.
 *
 * Return: 0, -EINVAL (VM 0, a nonzero pad), -EACCES from another process,
 * -ENOENT for an id the file has no VM under.
 */
int vsvm_vm_destroy_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct drm_vsvm_vm_destroy *args = data;
	struct vsvm_file *vf = file->driver_priv;
	struct vsvm_vm *vm;
	int ret;

	if (!args->vm_id || args->pad)
		return -EINVAL;
	ret = vsvm_file_owner_check(vf, false);
	if (ret)
		return ret;
	vm = xa_erase(&vf->vms, args->vm_id);
	if (!vm)
		return -ENOENT;
	vsvm_vm_put(vm);
	return 0;
}
