// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unbinding the device while files are open (sysfs unbind, PCI hot
 * removal).
 *
 * When the driver's remove() returns, the device may have no DMA mapping
 * or allocation left: the IOMMU domain and the bus device may go, and
 * DMA_API_DEBUG reports whatever is left. Files, VMs and channels live on
 * until their users close them, so the unbind takes their GPU side away
 * under them:
 *
 * 1. Every channel is killed and drained, and every waiter for a launch
 *    slot or a user fence is woken (they return -ENODEV), so that no ioctl
 *    waits for GPU work that will not come.
 * 2. drm_dev_unplug(): new ioctls fail with -ENODEV, and it returns once
 *    every section that touches the GPU's registers, its page tables or
 *    the mirror's DMA mappings (each inside drm_dev_enter(): the ioctls,
 *    the fault dispatcher and workers, the invalidation callback, the trim
 *    and job-timeout works) has left. A GPU fault stuck in a page that
 *    takes long to read holds the unbind for as long.
 * 3. The GPU is stopped (interrupts off but the copy engine's, channels
 *    unbound), the launches still pending end with -ENODEV, and under
 *    vsvm_device.dma_lock every VM's page tables (with the DMA mappings of
 *    the PTEs they hold and of those cleared but not yet flushed) and
 *    every channel's instance block and descriptors are freed. A VM or
 *    channel released meanwhile frees its own under the same lock; none
 *    can be made any more.
 *
 * 4. Before the page tables go, every page in VRAM is migrated back to
 *    system memory by the copy engine (vsvm_dmem.c), and the pagemap is
 *    removed once no reference to a VRAM page is left.
 *
 * What the files hold afterwards is CPU memory only; their release frees
 * it. The fault buffer, the copy ring and the model go with the device's
 * managed resources, right after this.
 */
#include <linux/iopoll.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vsvm_drv.h"

/* How long the unbind waits for the GPU to stop each channel. */
#define VSVM_UNPLUG_STOP_TIMEOUT_US	(1000 * 1000)

/* Step 1: no new launch runs, and nobody waits for the GPU any more. */
static void vsvm_unplug_stop_waiters(struct vsvm_device *vdev)
{
	struct drm_file *file;
	struct vsvm_file *vf;
	unsigned int id;

	WRITE_ONCE(vdev->unplugging, true);
	/* The flag before the wake-ups: pairs with the waits' barriers. */
	smp_mb();
	spin_lock_irq(&vdev->chan_lock);
	for (id = 0; id < VSVM_NUM_CHANNELS; id++) {
		if (!vdev->chans[id])
			continue;
		vsvm_wr32(vdev, VSVM_CHAN_CTRL(id),
			  VSVM_CHAN_CTRL_KILL | VSVM_CHAN_CTRL_DRAIN);
		wake_up_all(&vdev->chans[id]->wq);
	}
	spin_unlock_irq(&vdev->chan_lock);

	mutex_lock(&vdev->drm.filelist_mutex);
	list_for_each_entry(file, &vdev->drm.filelist, lhead) {
		vf = file->driver_priv;
		if (vf)
			wake_up_all(&vf->ufence_wq);
	}
	mutex_unlock(&vdev->drm.filelist_mutex);
}

/* Step 3a: the GPU runs nothing and names no driver memory any more. */
static void vsvm_unplug_stop_gpu(struct vsvm_device *vdev)
{
	struct vsvm_channel *chan;
	unsigned int id;
	u32 busy;

	/* The copy engine still has VRAM to evict (vsvm_dmem_fini()). */
	vsvm_wr32(vdev, VSVM_PMC_INTR_EN, VSVM_PMC_INTR_CE);
	for (id = 0; id < VSVM_NUM_CHANNELS; id++) {
		if (read_poll_timeout(vsvm_rd32, busy,
				      !(busy & VSVM_CHAN_STATUS_BUSY), 100,
				      VSVM_UNPLUG_STOP_TIMEOUT_US, false, vdev,
				      VSVM_CHAN_STATUS(id)))
			drm_err(&vdev->drm, "channel %u did not stop\n", id);
		vsvm_wr32(vdev, NV_PCCSR_CHANNEL_INST(id), 0);
	}
	/*
	 * With interrupts off, collect what the killed launches reported,
	 * then end whatever the GPU did not.
	 */
	spin_lock_irq(&vdev->chan_lock);
	for (id = 0; id < VSVM_NUM_CHANNELS; id++) {
		chan = vdev->chans[id];
		if (!chan)
			continue;
		vsvm_jobs_complete(chan);
		vsvm_jobs_abort(chan, -ENODEV);
	}
	spin_unlock_irq(&vdev->chan_lock);
}

/* Step 3b: free every DMA allocation and mapping of VMs and channels. */
static void vsvm_unplug_free_dma(struct vsvm_device *vdev)
{
	struct vsvm_channel *chan;
	struct vsvm_svmm *svmm;
	struct vsvm_vm *vm;

	mutex_lock(&vdev->dma_lock);
	list_for_each_entry(vm, &vdev->vms, dev_link) {
		mutex_lock(&vm->vmm.lock);
		svmm = vm->svmm;
		if (svmm) {
			mutex_lock(&svmm->mutex);
			vsvm_vmm_unmap_stale(&vm->vmm, &svmm->stale);
			mutex_unlock(&svmm->mutex);
		}
		vsvm_vmm_free_tables(&vm->vmm);
		mutex_unlock(&vm->vmm.lock);
	}
	list_for_each_entry(chan, &vdev->channels, dev_link) {
		vsvm_dma_pages_free(vdev, &chan->inst);
		vsvm_dma_pages_free(vdev, &chan->desc);
	}
	vdev->dma_gone = true;
	mutex_unlock(&vdev->dma_lock);
}

/**
 * vsvm_device_unplug() - take the device away from the files that use it
 * @vdev: the device, whose bus device is being unbound
 *
 * See the top of this file. Returns with no DMA mapping or allocation of
 * the bus device left but the fault buffer's, which the device's managed
 * release frees. May sleep for as long as a GPU fault being served.
 */
void vsvm_device_unplug(struct vsvm_device *vdev)
{
	vsvm_unplug_stop_waiters(vdev);
	drm_dev_unplug(&vdev->drm);
	vsvm_unplug_stop_gpu(vdev);
	/* The dispatcher runs no more: drm_dev_enter() fails for it now. */
	flush_work(&vdev->fault_work);
	/* The copy engine still runs: VRAM pages go back to system memory. */
	vsvm_dmem_fini(vdev);
	vsvm_unplug_free_dma(vdev);
}
