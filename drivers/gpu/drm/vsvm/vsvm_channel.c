// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels: a channel is a hardware channel bound to an instance block that
 * names the page directory of one VM of the file, with VSVM_LAUNCH_SLOTS
 * launch descriptor slots (vsvm_job.c runs launches on it).
 *
 * A channel is refcounted: the file's table holds one reference, an ioctl
 * waiting on it without the file lock one, and its user-fence writer one
 * while queued or running; it holds a reference on its VM. Destroying a
 * channel waits for its launches to end (closing a file kills them first),
 * unbinds it and drops the table's reference.
 */
#include <linux/bitfield.h>
#include <linux/iopoll.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * vsvm_channel_irq() - channel completion interrupt, in hard interrupt
 *	context
 * @vdev: the device
 */
void vsvm_channel_irq(struct vsvm_device *vdev)
{
	struct vsvm_channel *chan;
	unsigned long bits;
	unsigned int n, b;

	for (n = 0; n < VSVM_NUM_CHANNELS / 32; n++) {
		bits = vsvm_rd32(vdev, VSVM_CHAN_INTR(n));
		if (!bits)
			continue;
		vsvm_wr32(vdev, VSVM_CHAN_INTR(n), bits);
		for_each_set_bit(b, &bits, 32) {
			/* Held throughout: a channel is freed out of the table. */
			spin_lock(&vdev->chan_lock);
			chan = vdev->chans[n * 32 + b];
			if (chan)
				vsvm_jobs_complete(chan);
			spin_unlock(&vdev->chan_lock);
		}
	}
}

static void vsvm_channel_free(struct vsvm_channel *chan)
{
	struct vsvm_device *vdev = chan->vdev;
	struct vsvm_vm *vm = chan->vm;

	if (chan->fences)
		vsvm_fence_ctx_put(chan->fences);
	/* Unless an unbind of the device freed them first. */
	mutex_lock(&vdev->dma_lock);
	list_del(&chan->dev_link);
	vsvm_dma_pages_free(vdev, &chan->inst);
	vsvm_dma_pages_free(vdev, &chan->desc);
	mutex_unlock(&vdev->dma_lock);
	kfree(chan);
	vsvm_vm_put(vm);
}

/**
 * vsvm_channel_release() - free a channel, its last reference gone
 * @ref: vsvm_channel.ref
 *
 * May sleep (it may drop its VM's last reference).
 */
void vsvm_channel_release(struct kref *ref)
{
	vsvm_channel_free(container_of(ref, struct vsvm_channel, ref));
}

/**
 * vsvm_channel_put() - drop a reference to a channel
 * @chan: the channel
 */
void vsvm_channel_put(struct vsvm_channel *chan)
{
	kref_put(&chan->ref, vsvm_channel_release);
}

/**
 * vsvm_channel_create_ioctl() - DRM_IOCTL_VSVM_CHANNEL_CREATE
 * @drm: the device
 * @data: struct drm_vsvm_channel_create
 * @file: the file
 *
 * Binds the file to the calling process if nothing did yet.
 *
 * Return: 0, -EINVAL, -ENOENT for an unknown VM, -EACCES if another
 * process owns the file, -ENOSPC when no hardware channel is free or the
 * file holds VSVM_FILE_MAX_CHANNELS already, -ENOMEM.
 */
int vsvm_channel_create_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm(drm);
	struct drm_vsvm_channel_create *args = data;
	struct vsvm_file *vf = file->driver_priv;
	struct vsvm_channel *chan;
	struct vsvm_vm *vm;
	dma_addr_t pdb, inst;
	u32 *ramin, id;
	int ret;

	if (args->flags || args->extensions || args->handle || args->pad)
		return -EINVAL;
	ret = vsvm_file_owner_check(vf, true);
	if (ret)
		return ret;
	vm = vsvm_vm_lookup(vf, args->vm_id);
	if (!vm)
		return -ENOENT;
	chan = kzalloc(sizeof(*chan), GFP_KERNEL_ACCOUNT);
	if (!chan) {
		vsvm_vm_put(vm);
		return -ENOMEM;
	}
	chan->vdev = vdev;
	INIT_LIST_HEAD(&chan->dev_link);
	chan->vf = vf;
	/* The lookup's reference, from now on the channel's. */
	chan->vm = vm;
	kref_init(&chan->ref);
	spin_lock_init(&chan->lock);
	INIT_DELAYED_WORK(&chan->timeout_work, vsvm_job_timeout_work);
	INIT_LIST_HEAD(&chan->pending);
	INIT_LIST_HEAD(&chan->ufence_done);
	INIT_WORK(&chan->ufence_work, vsvm_ufence_work);
	init_waitqueue_head(&chan->wq);
	chan->next_seq = 1;
	chan->fences = vsvm_fence_ctx_create();
	if (!chan->fences) {
		ret = -ENOMEM;
		goto err_free;
	}
	mutex_lock(&vdev->dma_lock);
	ret = vdev->dma_gone ? -ENODEV :
	      vsvm_dma_pages_alloc(vdev, &chan->inst, 0, GFP_KERNEL_ACCOUNT);
	if (!ret)
		ret = vsvm_dma_pages_alloc(vdev, &chan->desc, 0,
					   GFP_KERNEL_ACCOUNT);
	if (!ret)
		list_add_tail(&chan->dev_link, &vdev->channels);
	mutex_unlock(&vdev->dma_lock);
	if (ret)
		goto err_free;
	/* NV_PCCSR_CHANNEL_INST_PTR holds 40 bits of address. */
	if (chan->inst.dma >> (NV_PCCSR_CHANNEL_INST_PTR_SHIFT +
			       hweight32(NV_PCCSR_CHANNEL_INST_PTR))) {
		ret = -ENOMEM;
		goto err_free;
	}

	/* Instance block: the VM's PD3, MMU format version 2. */
	pdb = vsvm_vmm_pdb(&vm->vmm);
	ramin = chan->inst.vaddr;
	ramin[NV_RAMIN_PAGE_DIR_BASE_LO_OFFSET / 4] =
		FIELD_PREP(NV_RAMIN_PAGE_DIR_BASE_TARGET,
			   VSVM_TARGET_SYS_MEM_COHERENT) |
		NV_RAMIN_USE_VER2_PT_FORMAT |
		(lower_32_bits(pdb) & NV_RAMIN_PAGE_DIR_BASE_LO);
	ramin[NV_RAMIN_PAGE_DIR_BASE_HI_OFFSET / 4] = upper_32_bits(pdb);
	inst = chan->inst.dma;

	ret = xa_alloc(&vf->channels, &chan->handle, chan,
		       XA_LIMIT(1, VSVM_FILE_MAX_CHANNELS), GFP_KERNEL);
	if (ret == -EBUSY)
		ret = -ENOSPC;
	if (ret)
		goto err_free;
	spin_lock_irq(&vdev->chan_lock);
	for (id = 0; id < VSVM_NUM_CHANNELS && vdev->chans[id]; id++)
		;
	if (id == VSVM_NUM_CHANNELS) {
		spin_unlock_irq(&vdev->chan_lock);
		ret = -ENOSPC;
		goto err_handle;
	}
	chan->id = id;
	vdev->chans[id] = chan;
	spin_unlock_irq(&vdev->chan_lock);
	/* From now on the fault worker finds it by its instance block. */
	ret = xa_err(xa_store(&vdev->inst_xa, inst >> PAGE_SHIFT, chan,
			      GFP_KERNEL));
	if (ret) {
		spin_lock_irq(&vdev->chan_lock);
		vdev->chans[id] = NULL;
		spin_unlock_irq(&vdev->chan_lock);
		goto err_handle;
	}

	wmb();	/* the instance block before the binding */
	vsvm_wr32(vdev, NV_PCCSR_CHANNEL_INST(id),
		  FIELD_PREP(NV_PCCSR_CHANNEL_INST_PTR,
			     inst >> NV_PCCSR_CHANNEL_INST_PTR_SHIFT) |
		  FIELD_PREP(NV_PCCSR_CHANNEL_INST_TARGET,
			     VSVM_TARGET_SYS_MEM_COHERENT) |
		  NV_PCCSR_CHANNEL_INST_BIND);
	args->handle = chan->handle;
	return 0;

err_handle:
	xa_erase(&vf->channels, chan->handle);
err_free:
	vsvm_channel_free(chan);
	return ret;
}

/* Wait for the launches to end, then unbind and free the channel. */
static void vsvm_channel_destroy(struct vsvm_channel *chan)
{
	struct vsvm_device *vdev = chan->vdev;
	int idx;

	/*
	 * Launches always end: faults of a file being closed are cancelled
	 * and every thread has an instruction budget and a job timeout. The
	 * ioctl waits interruptibly first; the file's release stops the
	 * channel first. An unbind ended them all, and unbound the channel.
	 */
	wait_event(chan->wq, READ_ONCE(chan->npending) == 0);
	cancel_delayed_work_sync(&chan->timeout_work);
	if (drm_dev_enter(&vdev->drm, &idx)) {
		vsvm_wr32(vdev, NV_PCCSR_CHANNEL_INST(chan->id), 0);
		drm_dev_exit(idx);
	}
	/* Its faults still queued are no longer cancelled by instance. */
	xa_erase(&vdev->inst_xa, chan->inst.dma >> PAGE_SHIFT);
	spin_lock_irq(&vdev->chan_lock);
	vdev->chans[chan->id] = NULL;
	spin_unlock_irq(&vdev->chan_lock);
	/* Wakes a launch waiting for a slot: it finds the handle gone. */
	wake_up_all(&chan->wq);
	vsvm_channel_put(chan);
}

/* For an ioctl on a channel of the file: the owner's, with the file lock. */
static int vsvm_file_lock_owned(struct vsvm_file *vf)
{
	int ret = vsvm_file_owner_check(vf, false);

	return ret ? ret : mutex_lock_killable(&vf->lock);
}

/**
 * vsvm_channel_destroy_ioctl() - DRM_IOCTL_VSVM_CHANNEL_DESTROY
 * @drm: the device
 * @data: struct drm_vsvm_channel_destroy
 * @file: the file
 *
 * The channel takes no launch from the start of the call; the wait for
 * the launches already queued ends on a signal, leaving the channel in
 * place (a later call, or closing the file, finishes the job).
 *
 * Return: 0, -EINVAL, -EACCES from another process, -ENOENT for an
 * unknown handle, -ERESTARTSYS on a signal.
 */
int vsvm_channel_destroy_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_vsvm_channel_destroy *args = data;
	struct vsvm_file *vf = file->driver_priv;
	struct vsvm_channel *chan;
	int ret;

	if (args->pad)
		return -EINVAL;
	ret = vsvm_file_lock_owned(vf);
	if (ret)
		return ret;
	chan = xa_load(&vf->channels, args->handle);
	if (chan) {
		WRITE_ONCE(chan->dying, true);
		kref_get(&chan->ref);
	}
	mutex_unlock(&vf->lock);
	if (!chan)
		return -ENOENT;
	/* Launches waiting for a slot give up. */
	wake_up_all(&chan->wq);
	ret = wait_event_interruptible(chan->wq,
				       READ_ONCE(chan->npending) == 0);
	if (!ret)
		ret = mutex_lock_killable(&vf->lock);
	if (ret) {
		vsvm_channel_put(chan);
		return ret;
	}
	/* A concurrent call for the same handle may have won. */
	if (xa_cmpxchg(&vf->channels, args->handle, chan, NULL, 0) == chan)
		ret = 1;
	mutex_unlock(&vf->lock);
	if (ret)
		vsvm_channel_destroy(chan);
	vsvm_channel_put(chan);
	return ret ? 0 : -ENOENT;
}

/**
 * vsvm_channels_stop() - stop every channel of a VM after a device error
 * @vm: the VM
 *
 * Kills the running launches and drains the queued ones (their fences
 * signal with -ECANCELED); the channels stay drained, taking no launch,
 * until destroyed. Waits, sleeping, until the GPU reports them idle.
 * Takes no lock of the file (it runs from the invalidation callback).
 *
 * Return: 0, or -ETIMEDOUT if a channel did not stop.
 */
int vsvm_channels_stop(struct vsvm_vm *vm)
{
	struct vsvm_device *vdev = vm->vdev;
	DECLARE_BITMAP(ids, VSVM_NUM_CHANNELS);
	unsigned int id;
	u32 busy;
	int ret = 0;

	bitmap_zero(ids, VSVM_NUM_CHANNELS);
	spin_lock_irq(&vdev->chan_lock);
	for (id = 0; id < VSVM_NUM_CHANNELS; id++) {
		if (!vdev->chans[id] || vdev->chans[id]->vm != vm)
			continue;
		__set_bit(id, ids);
		vsvm_wr32(vdev, VSVM_CHAN_CTRL(id),
			  VSVM_CHAN_CTRL_KILL | VSVM_CHAN_CTRL_DRAIN);
	}
	spin_unlock_irq(&vdev->chan_lock);
	for_each_set_bit(id, ids, VSVM_NUM_CHANNELS) {
		ret = read_poll_timeout(vsvm_rd32, busy,
					!(busy & VSVM_CHAN_STATUS_BUSY), 100,
					VSVM_CHANNEL_STOP_TIMEOUT_MS * 1000,
					false, vdev, VSVM_CHAN_STATUS(id));
		if (ret) {
			drm_err(&vdev->drm, "channel %u did not stop\n", id);
			break;
		}
	}
	return ret;
}

/**
 * vsvm_channels_detach() - first step of closing a file: its channels'
 *	faults will be cancelled from now on
 * @vf: the file
 *
 * Takes the channels out of the instance table: from then on the fault
 * dispatcher queues nothing more to the file, and no cancel is sent for
 * its instance blocks. Its fault worker may still be serving a batch.
 */
void vsvm_channels_detach(struct vsvm_file *vf)
{
	struct vsvm_device *vdev = vf->vdev;
	struct vsvm_channel *chan;
	unsigned long handle;

	xa_for_each(&vf->channels, handle, chan)
		xa_erase(&vdev->inst_xa, chan->inst.dma >> PAGE_SHIFT);
}

/**
 * vsvm_channels_fini() - stop and destroy every channel of a closing file
 * @vf: the file, detached with vsvm_channels_detach()
 *
 * The running launches are killed and the queued ones drained (their
 * fences signal with -ECANCELED), so the wait is for the GPU to stop, not
 * for the work to finish. A channel the GPU does not stop within
 * VSVM_CHANNEL_STOP_TIMEOUT_MS is a device failure: it is reported and its
 * memory is left allocated, since the GPU may still use it.
 */
void vsvm_channels_fini(struct vsvm_file *vf)
{
	struct vsvm_device *vdev = vf->vdev;
	struct vsvm_channel *chan;
	unsigned long handle;
	int idx;

	if (drm_dev_enter(&vdev->drm, &idx)) {
		xa_for_each(&vf->channels, handle, chan)
			vsvm_wr32(vdev, VSVM_CHAN_CTRL(chan->id),
				  VSVM_CHAN_CTRL_KILL | VSVM_CHAN_CTRL_DRAIN);
		drm_dev_exit(idx);
	}
	xa_for_each(&vf->channels, handle, chan) {
		xa_erase(&vf->channels, handle);
		if (!wait_event_timeout(chan->wq,
					READ_ONCE(chan->npending) == 0,
					msecs_to_jiffies(VSVM_CHANNEL_STOP_TIMEOUT_MS))) {
			drm_err(&vdev->drm,
				"channel %u did not stop; its memory is kept\n",
				chan->id);
			continue;
		}
		vsvm_channel_destroy(chan);
	}
	xa_destroy(&vf->channels);
}

/**
 * vsvm_channel_error_ioctl() - DRM_IOCTL_VSVM_CHANNEL_ERROR
 * @drm: the device
 * @data: struct drm_vsvm_channel_error
 * @file: the file
 *
 * Return: 0, -EINVAL, -EACCES from another process, -ENOENT for an unknown
 * channel.
 */
int vsvm_channel_error_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct drm_vsvm_channel_error *args = data;
	struct vsvm_file *vf = file->driver_priv;
	struct vsvm_channel *chan;
	unsigned long flags;
	int ret;

	if (args->flags & ~DRM_VSVM_CHANNEL_ERROR_CLEAR || args->code ||
	    args->access_type || args->address || args->fault_type ||
	    args->pad || args->pc || args->seqno)
		return -EINVAL;
	ret = vsvm_file_lock_owned(vf);
	if (ret)
		return ret;
	chan = xa_load(&vf->channels, args->channel);
	if (!chan) {
		mutex_unlock(&vf->lock);
		return -ENOENT;
	}
	spin_lock_irqsave(&chan->lock, flags);
	args->code = chan->err.code;
	args->access_type = chan->err.access;
	args->fault_type = chan->err.fault_type;
	args->address = chan->err.addr;
	args->pc = chan->err.pc;
	args->seqno = chan->err.seq;
	if (args->flags & DRM_VSVM_CHANNEL_ERROR_CLEAR)
		memset(&chan->err, 0, sizeof(chan->err));
	spin_unlock_irqrestore(&chan->lock, flags);
	mutex_unlock(&vf->lock);
	return 0;
}
