// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels and launches.
 *
 * A channel is a hardware channel bound to an instance block that names the
 * file's page directory. A launch writes a descriptor into one of the
 * channel's VSVM_LAUNCH_SLOTS descriptor slots and rings the doorbell with
 * its sequence number; its completion is a dma-fence, signalled from the
 * channel interrupt once SEQ_DONE reaches it, with an error if the channel
 * wrote into the launch's descriptor slot before SEQ_DONE covered it (the
 * channel's error registers keep only the first error since cleared). At
 * most VSVM_LAUNCH_SLOTS launches of a channel are in flight, so a slot is
 * reused only after its launch ended.
 *
 * Job timeout: the oldest launch of a channel may stay so for
 * vsvm_device.job_timeout_ms; then the driver kills it by sequence number
 * (VSVM_CHAN_KILL_SEQ), its fence gets -ETIMEDOUT and the channel goes on
 * with the next launch. Closing a file kills and drains its channels, so
 * that it waits for the GPU to stop, not for the work to end.
 *
 * A fence may outlive its channel and file (a syncobj exported as a
 * sync_file keeps it): its lock lives in a refcounted struct vsvm_fence_ctx
 * that holds a reference on the module, so that neither the lock nor the
 * fence ops can go away while a fence exists.
 */
#include <linux/bitfield.h>
#include <linux/dma-fence.h>
#include <linux/iopoll.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * struct vsvm_fence - completion of one launch
 * @base: the fence
 * @link: entry in vsvm_channel.pending
 * @ctx: its context, which it keeps alive
 */
struct vsvm_fence {
	struct dma_fence base;
	struct list_head link;
	struct vsvm_fence_ctx *ctx;
};

static struct vsvm_fence_ctx *vsvm_fence_ctx_create(void)
{
	struct vsvm_fence_ctx *ctx;

	/* Called from our own ioctl: the module is live. */
	if (!try_module_get(THIS_MODULE))
		return NULL;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		module_put(THIS_MODULE);
		return NULL;
	}
	kref_init(&ctx->ref);
	spin_lock_init(&ctx->lock);
	ctx->context = dma_fence_context_alloc(1);
	return ctx;
}

static void vsvm_fence_ctx_release(struct kref *ref)
{
	kfree(container_of(ref, struct vsvm_fence_ctx, ref));
	/* Last: the ops and this code stay until the final fence is gone. */
	module_put(THIS_MODULE);
}

static void vsvm_fence_ctx_put(struct vsvm_fence_ctx *ctx)
{
	kref_put(&ctx->ref, vsvm_fence_ctx_release);
}

static const char *vsvm_fence_driver_name(struct dma_fence *fence)
{
	return "vsvm";
}

static const char *vsvm_fence_timeline_name(struct dma_fence *fence)
{
	return "channel";
}

static void vsvm_fence_release(struct dma_fence *fence)
{
	struct vsvm_fence *f = container_of(fence, struct vsvm_fence, base);
	struct vsvm_fence_ctx *ctx = f->ctx;

	dma_fence_free(fence);
	vsvm_fence_ctx_put(ctx);
}

static const struct dma_fence_ops vsvm_fence_ops = {
	.get_driver_name = vsvm_fence_driver_name,
	.get_timeline_name = vsvm_fence_timeline_name,
	.release = vsvm_fence_release,
};

/* Sequence numbers wrap: is a at or before b? */
static bool vsvm_seq_done(u32 a, u32 b)
{
	return (s32)(a - b) <= 0;
}

/* The fence error of a launch that ended with status code @code. */
static int vsvm_launch_errno(struct vsvm_channel *chan, u32 seq, u32 code)
{
	switch (code) {
	case VSVM_CHAN_ERR_NONE:
		return 0;
	case VSVM_CHAN_ERR_MMU_FAULT:
		return -EFAULT;
	case VSVM_CHAN_ERR_KILLED:
		return seq == chan->timed_out_seq ? -ETIMEDOUT : -ECANCELED;
	default:
		return -EIO;
	}
}

static u32 vsvm_err_to_uapi(struct vsvm_channel *chan, u32 seq, u32 code)
{
	switch (code) {
	case VSVM_CHAN_ERR_KILLED:
		return seq == chan->timed_out_seq ? DRM_VSVM_CHANNEL_ERR_TIMEOUT :
						    DRM_VSVM_CHANNEL_ERR_KILLED;
	case VSVM_CHAN_ERR_MMU_FAULT:
		return DRM_VSVM_CHANNEL_ERR_MMU_FAULT;
	case VSVM_CHAN_ERR_BAD_PHYS:
		return DRM_VSVM_CHANNEL_ERR_BAD_PHYS;
	case VSVM_CHAN_ERR_ILLEGAL_INSN:
		return DRM_VSVM_CHANNEL_ERR_ILLEGAL;
	case VSVM_CHAN_ERR_MISALIGNED:
		return DRM_VSVM_CHANNEL_ERR_MISALIGNED;
	case VSVM_CHAN_ERR_BUDGET:
		return DRM_VSVM_CHANNEL_ERR_BUDGET;
	default:
		return DRM_VSVM_CHANNEL_ERR_OTHER;
	}
}

/* The status word the GPU wrote into launch @seq's descriptor slot. */
static u32 vsvm_launch_status(struct vsvm_channel *chan, u32 seq)
{
	const u8 *slot = (u8 *)page_address(chan->desc) +
			 (seq % VSVM_LAUNCH_SLOTS) * VSVM_LAUNCH_DESC_SIZE;

	return get_unaligned_le32(slot + VSVM_LAUNCH_DESC_STATUS);
}

/*
 * Called with chan->lock held: arm the job timeout for the channel's
 * oldest launch, unless it is armed for it already; disarm it when none
 * is left.
 */
static void vsvm_channel_arm_timeout_locked(struct vsvm_channel *chan)
{
	struct vsvm_fence *head = list_first_entry_or_null(&chan->pending,
							   struct vsvm_fence,
							   link);
	u32 ms = READ_ONCE(chan->vdev->job_timeout_ms);

	if (!head || !ms) {
		cancel_delayed_work(&chan->timeout_work);
		return;
	}
	if ((u32)head->base.seqno == chan->timeout_seq &&
	    delayed_work_pending(&chan->timeout_work))
		return;
	chan->timeout_seq = head->base.seqno;
	mod_delayed_work(system_wq, &chan->timeout_work, msecs_to_jiffies(ms));
}

/*
 * The oldest launch outlived the job timeout: kill it by sequence number
 * (a launch that ended meanwhile is not mistaken for the next one), and
 * look again after another period, in case it had not started yet.
 */
static void vsvm_channel_timeout_work(struct work_struct *work)
{
	struct vsvm_channel *chan = container_of(to_delayed_work(work),
						 struct vsvm_channel,
						 timeout_work);
	struct vsvm_fence *head;
	unsigned long flags;
	u32 ms;

	spin_lock_irqsave(&chan->lock, flags);
	head = list_first_entry_or_null(&chan->pending, struct vsvm_fence,
					link);
	ms = READ_ONCE(chan->vdev->job_timeout_ms);
	if (head && (u32)head->base.seqno == chan->timeout_seq) {
		chan->timed_out_seq = chan->timeout_seq;
		vsvm_wr32(chan->vdev, VSVM_CHAN_KILL_SEQ(chan->id),
			  chan->timeout_seq);
		drm_dbg_driver(&chan->vdev->drm,
			       "channel %u: launch %u timed out\n", chan->id,
			       chan->timeout_seq);
		if (ms)
			mod_delayed_work(system_wq, &chan->timeout_work,
					 msecs_to_jiffies(ms));
	}
	spin_unlock_irqrestore(&chan->lock, flags);
}

/*
 * Called with chan->lock held after launches completed: add the time the
 * channel was busy to its file's engine time.
 */
static void vsvm_channel_account_locked(struct vsvm_channel *chan)
{
	ktime_t now = ktime_get();

	atomic64_add(ktime_to_ns(ktime_sub(now, chan->busy_since)),
		     &chan->vf->stats.engine_ns);
	chan->busy_since = now;
}

/**
 * vsvm_channel_busy_ns() - time the channel has launches in flight now
 * @chan: the channel
 *
 * Return: nanoseconds since the time counted in the file's engine time.
 */
u64 vsvm_channel_busy_ns(struct vsvm_channel *chan)
{
	unsigned long flags;
	u64 ns = 0;

	spin_lock_irqsave(&chan->lock, flags);
	if (chan->npending)
		ns = ktime_to_ns(ktime_sub(ktime_get(), chan->busy_since));
	spin_unlock_irqrestore(&chan->lock, flags);
	return ns;
}

/* Channel interrupt for one channel: record errors, signal fences. */
static void vsvm_channel_complete(struct vsvm_channel *chan)
{
	struct vsvm_device *vdev = chan->vdev;
	struct vsvm_fence *f, *tmp;
	u32 done, code, info, seq = 0, status;
	unsigned int busy;
	unsigned long flags;
	int err = 0, ret;

	/* SEQ_DONE first: an error of a launch it covers is recorded. */
	done = vsvm_rd32(vdev, VSVM_CHAN_SEQ_DONE(chan->id));
	code = vsvm_rd32(vdev, VSVM_CHAN_ERR_CODE(chan->id));

	spin_lock_irqsave(&chan->lock, flags);
	busy = chan->npending;
	if (code) {
		info = vsvm_rd32(vdev, VSVM_CHAN_ERR_INFO(chan->id));
		seq = vsvm_rd32(vdev, VSVM_CHAN_ERR_SEQ(chan->id));
		if (!chan->err.code) {
			chan->err.code = vsvm_err_to_uapi(chan, seq, code);
			chan->err.access = FIELD_GET(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
						     info);
			chan->err.fault_type =
				FIELD_GET(VSVM_CHAN_ERR_INFO_FAULT_TYPE, info);
			chan->err.addr =
				((u64)vsvm_rd32(vdev, VSVM_CHAN_ERR_ADDR_HI(chan->id)) << 32) |
				vsvm_rd32(vdev, VSVM_CHAN_ERR_ADDR_LO(chan->id));
			chan->err.pc =
				((u64)vsvm_rd32(vdev, VSVM_CHAN_ERR_PC_HI(chan->id)) << 32) |
				vsvm_rd32(vdev, VSVM_CHAN_ERR_PC_LO(chan->id));
			chan->err.seq = seq;
		}
		/* Any write clears the error registers for the next one. */
		vsvm_wr32(vdev, VSVM_CHAN_ERR_CODE(chan->id), 0);
		err = 1;
	}
	list_for_each_entry_safe(f, tmp, &chan->pending, link) {
		if (!vsvm_seq_done((u32)f->base.seqno, done))
			break;
		/* Each launch's own result, from its descriptor. */
		status = vsvm_launch_status(chan, f->base.seqno);
		if (!(status & VSVM_LAUNCH_STATUS_DONE))
			ret = -EIO;
		else
			ret = vsvm_launch_errno(chan, f->base.seqno,
						FIELD_GET(VSVM_LAUNCH_STATUS_CODE,
							  status));
		if (ret)
			dma_fence_set_error(&f->base, ret);
		list_del(&f->link);
		chan->npending--;
		dma_fence_signal(&f->base);
		dma_fence_put(&f->base);
	}
	vsvm_channel_arm_timeout_locked(chan);
	if (busy)
		vsvm_channel_account_locked(chan);
	spin_unlock_irqrestore(&chan->lock, flags);
	if (err)
		drm_dbg_driver(&vdev->drm, "channel %u: error %u at seq %u\n",
			       chan->id, code, seq);
	wake_up_all(&chan->wq);
}

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
				vsvm_channel_complete(chan);
			spin_unlock(&vdev->chan_lock);
		}
	}
}

static void vsvm_channel_free(struct vsvm_channel *chan)
{
	if (chan->fences)
		vsvm_fence_ctx_put(chan->fences);
	if (chan->inst)
		__free_page(chan->inst);
	if (chan->desc)
		__free_page(chan->desc);
	kfree(chan);
}

static void vsvm_channel_release(struct kref *ref)
{
	vsvm_channel_free(container_of(ref, struct vsvm_channel, ref));
}

static void vsvm_channel_put(struct vsvm_channel *chan)
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
 * Return: 0, -EINVAL, -EACCES if another process owns the file, -ENOSPC
 * when no hardware channel is free or the file holds
 * VSVM_FILE_MAX_CHANNELS already, -ENOMEM.
 */
int vsvm_channel_create_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm(drm);
	struct drm_vsvm_channel_create *args = data;
	struct vsvm_file *vf = file->driver_priv;
	struct vsvm_channel *chan;
	phys_addr_t pdb, inst;
	u32 *ramin, id;
	int ret;

	if (args->flags || args->reserved || args->handle)
		return -EINVAL;
	ret = vsvm_file_owner_check(vf, true);
	if (ret)
		return ret;
	chan = kzalloc(sizeof(*chan), GFP_KERNEL_ACCOUNT);
	if (!chan)
		return -ENOMEM;
	chan->vdev = vdev;
	chan->vf = vf;
	kref_init(&chan->ref);
	spin_lock_init(&chan->lock);
	INIT_DELAYED_WORK(&chan->timeout_work, vsvm_channel_timeout_work);
	INIT_LIST_HEAD(&chan->pending);
	init_waitqueue_head(&chan->wq);
	chan->next_seq = 1;
	chan->fences = vsvm_fence_ctx_create();
	chan->inst = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	chan->desc = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!chan->fences || !chan->inst || !chan->desc) {
		ret = -ENOMEM;
		goto err_free;
	}

	/* Instance block: the file's PD3, MMU format version 2. */
	pdb = vsvm_vmm_pdb(&vf->vmm);
	ramin = page_address(chan->inst);
	ramin[NV_RAMIN_PAGE_DIR_BASE_LO_OFFSET / 4] =
		FIELD_PREP(NV_RAMIN_PAGE_DIR_BASE_TARGET,
			   VSVM_TARGET_SYS_MEM_COHERENT) |
		NV_RAMIN_USE_VER2_PT_FORMAT |
		(lower_32_bits(pdb) & NV_RAMIN_PAGE_DIR_BASE_LO);
	ramin[NV_RAMIN_PAGE_DIR_BASE_HI_OFFSET / 4] = upper_32_bits(pdb);
	inst = page_to_phys(chan->inst);

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

	/*
	 * Launches always end: faults of a file being closed are cancelled
	 * and every thread has an instruction budget and a job timeout. The
	 * ioctl waits interruptibly first; the file's release stops the
	 * channel first.
	 */
	wait_event(chan->wq, READ_ONCE(chan->npending) == 0);
	cancel_delayed_work_sync(&chan->timeout_work);
	vsvm_wr32(vdev, NV_PCCSR_CHANNEL_INST(chan->id), 0);
	/* Its faults still queued are no longer cancelled by instance. */
	xa_erase(&vdev->inst_xa, page_to_pfn(chan->inst));
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
 * vsvm_channels_stop() - stop every channel of a file after a device error
 * @vf: the file
 *
 * Kills the running launches and drains the queued ones (their fences
 * signal with -ECANCELED); the channels stay drained, taking no launch,
 * until destroyed. Waits, sleeping, until the GPU reports them idle.
 * Takes no lock of the file (it runs from the invalidation callback).
 *
 * Return: 0, or -ETIMEDOUT if a channel did not stop.
 */
int vsvm_channels_stop(struct vsvm_file *vf)
{
	struct vsvm_device *vdev = vf->vdev;
	DECLARE_BITMAP(ids, VSVM_NUM_CHANNELS);
	unsigned int id;
	u32 busy;
	int ret = 0;

	bitmap_zero(ids, VSVM_NUM_CHANNELS);
	spin_lock_irq(&vdev->chan_lock);
	for (id = 0; id < VSVM_NUM_CHANNELS; id++) {
		if (!vdev->chans[id] || vdev->chans[id]->vf != vf)
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
		xa_erase(&vdev->inst_xa, page_to_pfn(chan->inst));
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

	xa_for_each(&vf->channels, handle, chan)
		vsvm_wr32(vdev, VSVM_CHAN_CTRL(chan->id),
			  VSVM_CHAN_CTRL_KILL | VSVM_CHAN_CTRL_DRAIN);
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

/*
 * Wait, without the file lock, until @chan (looked up under it; the
 * caller's reference keeps it allocated) has a free launch slot or is
 * being destroyed.
 */
static int vsvm_exec_wait_slot(struct vsvm_channel *chan)
{
	int ret;

	ret = wait_event_interruptible(chan->wq,
				       READ_ONCE(chan->npending) <
				       VSVM_LAUNCH_SLOTS ||
				       READ_ONCE(chan->dying));
	vsvm_channel_put(chan);
	return ret;
}

/**
 * vsvm_exec_ioctl() - DRM_IOCTL_VSVM_EXEC
 * @drm: the device
 * @data: struct drm_vsvm_exec
 * @file: the file
 *
 * Waits (interruptibly) for a free launch slot when the channel has
 * VSVM_LAUNCH_SLOTS launches in flight.
 *
 * Return: 0, -EINVAL for bad arguments or SVM off, -EACCES from another
 * process, -ENOENT for an unknown channel (or one being destroyed) or
 * syncobj, -ERESTARTSYS on a signal, -ENOMEM.
 */
int vsvm_exec_ioctl(struct drm_device *drm, void *data,
		    struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm(drm);
	struct drm_vsvm_exec *args = data;
	struct vsvm_file *vf = file->driver_priv;
	/* Pairs with the cmpxchg_release() that published it. */
	struct vsvm_svmm *svmm = smp_load_acquire(&vf->svmm);
	struct drm_syncobj *syncobj = NULL;
	struct vsvm_channel *chan;
	struct vsvm_fence *fence;
	unsigned long flags;
	phys_addr_t desc;
	u8 *slot;
	u32 seq, i;
	int ret;

	if (args->flags & ~DRM_VSVM_EXEC_SYNCOBJ || args->reserved ||
	    args->seqno)
		return -EINVAL;
	if (!(args->flags & DRM_VSVM_EXEC_SYNCOBJ) && args->syncobj)
		return -EINVAL;
	if (!args->num_threads ||
	    args->num_threads > DRM_VSVM_EXEC_MAX_THREADS ||
	    args->insn_budget > DRM_VSVM_EXEC_MAX_INSN_BUDGET ||
	    args->num_args > DRM_VSVM_EXEC_MAX_ARGS ||
	    !IS_ALIGNED(args->program, 8))
		return -EINVAL;
	for (i = args->num_args; i < DRM_VSVM_EXEC_MAX_ARGS; i++)
		if (args->args[i])
			return -EINVAL;
	if (!svmm)
		return -EINVAL;
	ret = vsvm_file_owner_check(vf, false);
	if (ret)
		return ret;
	if (!vsvm_svm_range_managed(svmm, args->program, args->program + 8))
		return -EINVAL;
	if (args->flags & DRM_VSVM_EXEC_SYNCOBJ) {
		syncobj = drm_syncobj_find(file, args->syncobj);
		if (!syncobj)
			return -ENOENT;
	}
	fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	if (!fence) {
		ret = -ENOMEM;
		goto out_syncobj;
	}
	for (;;) {
		ret = mutex_lock_interruptible(&vf->lock);
		if (ret)
			goto out_fence;
		chan = xa_load(&vf->channels, args->channel);
		if (!chan || chan->dying) {
			ret = -ENOENT;
			goto out;
		}
		spin_lock_irqsave(&chan->lock, flags);
		if (chan->npending < VSVM_LAUNCH_SLOTS)
			break;
		spin_unlock_irqrestore(&chan->lock, flags);
		kref_get(&chan->ref);
		mutex_unlock(&vf->lock);
		/* Then look the handle up again: the channel may be gone. */
		ret = vsvm_exec_wait_slot(chan);
		if (ret)
			goto out_fence;
	}
	seq = chan->next_seq++;
	fence->ctx = chan->fences;
	kref_get(&fence->ctx->ref);
	dma_fence_init(&fence->base, &vsvm_fence_ops, &fence->ctx->lock,
		       fence->ctx->context, seq);
	slot = (u8 *)page_address(chan->desc) +
	       (seq % VSVM_LAUNCH_SLOTS) * VSVM_LAUNCH_DESC_SIZE;
	memset(slot, 0, VSVM_LAUNCH_DESC_SIZE);
	put_unaligned_le64(args->program, slot + VSVM_LAUNCH_DESC_PROGRAM_VA);
	put_unaligned_le32(args->num_threads,
			   slot + VSVM_LAUNCH_DESC_NUM_THREADS);
	put_unaligned_le32(args->insn_budget,
			   slot + VSVM_LAUNCH_DESC_INSN_BUDGET);
	for (i = 0; i < DRM_VSVM_EXEC_MAX_ARGS; i++)
		put_unaligned_le64(args->args[i],
				   slot + VSVM_LAUNCH_DESC_ARGS + 8 * i);
	/* The list holds a reference until the fence signals. */
	dma_fence_get(&fence->base);
	if (!chan->npending)
		chan->busy_since = ktime_get();
	list_add_tail(&fence->link, &chan->pending);
	chan->npending++;
	vsvm_channel_arm_timeout_locked(chan);
	desc = page_to_phys(chan->desc) + (slot - (u8 *)page_address(chan->desc));
	wmb();	/* the descriptor before the doorbell */
	vsvm_wr32(vdev, VSVM_CHAN_LAUNCH_LO(chan->id),
		  FIELD_PREP(VSVM_CHAN_LAUNCH_LO_APERTURE,
			     VSVM_TARGET_SYS_MEM_COHERENT) |
		  (lower_32_bits(desc) & VSVM_CHAN_LAUNCH_LO_ADDR));
	vsvm_wr32(vdev, VSVM_CHAN_LAUNCH_HI(chan->id), upper_32_bits(desc));
	vsvm_wr32(vdev, VSVM_CHAN_DOORBELL(chan->id), seq);
	spin_unlock_irqrestore(&chan->lock, flags);

	args->seqno = seq;
	if (syncobj)
		drm_syncobj_replace_fence(syncobj, &fence->base);
	dma_fence_put(&fence->base);
	mutex_unlock(&vf->lock);
	goto out_syncobj;
out:
	mutex_unlock(&vf->lock);
out_fence:
	kfree(fence);
out_syncobj:
	if (syncobj)
		drm_syncobj_put(syncobj);
	return ret;
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
