// SPDX-License-Identifier: GPL-2.0-only
/*
 * Launches (jobs) on a channel: EXEC, their completion, fences, user fences
 * and the job timeout.
 *
 * A launch writes a descriptor into one of the channel's VSVM_LAUNCH_SLOTS
 * descriptor slots and rings the doorbell with its sequence number. It ends
 * when the channel's SEQ_DONE reaches it (the channel interrupt); its own
 * result is the status word the GPU wrote into its descriptor slot. At most
 * VSVM_LAUNCH_SLOTS launches of a channel are in flight, so a slot is
 * reused only after its launch ended.
 *
 * Every launch has a dma-fence, signalled from the channel interrupt with
 * the launch's result; EXEC puts it in a syncobj only in fence mode (see
 * the modes in include/uapi/drm/vsvm_drm.h: in long-running mode the GPU
 * faults, and serving a fault allocates memory, which a dma-fence may not
 * wait for). A fence may outlive its channel and file (a syncobj exported
 * as a sync_file keeps it): its lock lives in a refcounted struct
 * vsvm_fence_ctx that holds a reference on the module.
 *
 * A user fence is a struct drm_vsvm_user_fence_record in process memory:
 * when the launch ends, the channel's user-fence writer (a work item, in
 * the owner's mm) writes the status and then the value there and wakes
 * the file's waiters. The writer holds a reference on the channel, so a
 * write that sleeps (the record's page is being read in) never makes
 * destroying the channel or closing the file wait.
 *
 * Job timeout: the oldest launch of a channel may stay so for
 * vsvm_device.job_timeout_ms; then the driver kills it by sequence number
 * (VSVM_CHAN_KILL_SEQ), its result is -ETIMEDOUT and the channel goes on
 * with the next launch.
 */
#include <linux/bitfield.h>
#include <linux/dma-fence.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * struct vsvm_job - one launch
 * @fence: its completion
 * @link: entry in vsvm_channel.pending, then in vsvm_channel.ufence_done
 * @ctx: the fence's context, which it keeps alive
 * @ufence_addr: process address of its user fence record (0: none)
 * @ufence_value: the value to write there
 */
struct vsvm_job {
	struct dma_fence fence;
	struct list_head link;
	struct vsvm_fence_ctx *ctx;
	u64 ufence_addr;
	u64 ufence_value;
};

/**
 * vsvm_fence_ctx_create() - a new fence context, for a new channel
 *
 * Return: the context (holding a module reference), or NULL.
 */
struct vsvm_fence_ctx *vsvm_fence_ctx_create(void)
{
	struct vsvm_fence_ctx *ctx;

	/* Called from our own ioctl: the module is live. */
	if (!try_module_get(THIS_MODULE))
		return NULL;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
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

/**
 * vsvm_fence_ctx_put() - drop a reference to a fence context
 * @ctx: the context
 */
void vsvm_fence_ctx_put(struct vsvm_fence_ctx *ctx)
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
	struct vsvm_job *job = container_of(fence, struct vsvm_job, fence);
	struct vsvm_fence_ctx *ctx = job->ctx;

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

/* The result of a launch that ended with status code @code. */
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
	case VSVM_CHAN_ERR_BREAKPOINT:
		return DRM_VSVM_CHANNEL_ERR_BREAKPOINT;
	case VSVM_CHAN_ERR_BUDGET:
		return DRM_VSVM_CHANNEL_ERR_BUDGET;
	default:
		return DRM_VSVM_CHANNEL_ERR_OTHER;
	}
}

/* The status word the GPU wrote into launch @seq's descriptor slot. */
static u32 vsvm_launch_status(struct vsvm_channel *chan, u32 seq)
{
	const u8 *slot = (u8 *)chan->desc.vaddr +
			 (seq % VSVM_LAUNCH_SLOTS) * VSVM_LAUNCH_DESC_SIZE;

	return get_unaligned_le32(slot + VSVM_LAUNCH_DESC_STATUS);
}

/*
 * Called with chan->lock held: arm the job timeout for the channel's
 * oldest launch, unless it is armed for it already; disarm it when none
 * is left.
 */
static void vsvm_job_arm_timeout_locked(struct vsvm_channel *chan)
{
	struct vsvm_job *head = list_first_entry_or_null(&chan->pending,
							 struct vsvm_job,
							 link);
	u32 ms = READ_ONCE(chan->vdev->job_timeout_ms);

	if (!head || !ms) {
		cancel_delayed_work(&chan->timeout_work);
		return;
	}
	if ((u32)head->fence.seqno == chan->timeout_seq &&
	    delayed_work_pending(&chan->timeout_work))
		return;
	chan->timeout_seq = head->fence.seqno;
	mod_delayed_work(system_wq, &chan->timeout_work, msecs_to_jiffies(ms));
}

/**
 * vsvm_job_timeout_work() - the oldest launch outlived the job timeout
 * @work: vsvm_channel.timeout_work
 *
 * Kills it by sequence number (a launch that ended meanwhile is not
 * mistaken for the next one), and looks again after another period, in
 * case it had not started yet.
 */
void vsvm_job_timeout_work(struct work_struct *work)
{
	struct vsvm_channel *chan = container_of(to_delayed_work(work),
						 struct vsvm_channel,
						 timeout_work);
	struct vsvm_job *head;
	unsigned long flags;
	u32 ms;

	int idx;

	/* An unbind ended every launch. */
	if (!drm_dev_enter(&chan->vdev->drm, &idx))
		return;
	spin_lock_irqsave(&chan->lock, flags);
	head = list_first_entry_or_null(&chan->pending, struct vsvm_job, link);
	ms = READ_ONCE(chan->vdev->job_timeout_ms);
	if (head && (u32)head->fence.seqno == chan->timeout_seq) {
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
	drm_dev_exit(idx);
}

/*
 * Called with chan->lock held after launches completed: add the time the
 * channel was busy to its file's engine time.
 */
static void vsvm_job_account_locked(struct vsvm_channel *chan)
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

/* Write one ended launch's user fence: status first, then the value. */
static void vsvm_ufence_write(struct vsvm_channel *chan, struct vsvm_job *job)
{
	struct drm_vsvm_user_fence_record __user *rec =
		u64_to_user_ptr(job->ufence_addr);
	/* Signalled: the fence's error is the launch's result. */
	s64 status = job->fence.error;

	if (put_user(status, &rec->status)) {
		atomic64_inc(&chan->vf->stats.ufence_faults);
		return;
	}
	/* The status is visible before the value that says it is there. */
	smp_wmb();
	if (put_user(job->ufence_value, &rec->value))
		atomic64_inc(&chan->vf->stats.ufence_faults);
}

/**
 * vsvm_ufence_work() - the channel's user-fence writer
 * @work: vsvm_channel.ufence_work
 *
 * Writes the user fences of the launches that ended, in the owner's mm,
 * and wakes the file's waiters. A record the process unmapped is not
 * written (counted in fdinfo). Drops the reference that queueing it took.
 */
void vsvm_ufence_work(struct work_struct *work)
{
	struct vsvm_channel *chan = container_of(work, struct vsvm_channel,
						 ufence_work);
	struct vsvm_file *vf = chan->vf;
	struct mm_struct *mm = vf->owner;
	struct vsvm_job *job, *tmp;
	unsigned long flags;
	LIST_HEAD(done);
	bool in_mm;

	spin_lock_irqsave(&chan->lock, flags);
	list_splice_init(&chan->ufence_done, &done);
	spin_unlock_irqrestore(&chan->lock, flags);

	/* A process that exited has no memory left to write. */
	in_mm = mm && mmget_not_zero(mm);
	if (in_mm)
		kthread_use_mm(mm);
	list_for_each_entry_safe(job, tmp, &done, link) {
		if (in_mm)
			vsvm_ufence_write(chan, job);
		list_del(&job->link);
		dma_fence_put(&job->fence);
	}
	if (in_mm) {
		kthread_unuse_mm(mm);
		mmput(mm);
	}
	/* The records before the count that waiters sample. */
	smp_mb__before_atomic();
	atomic_inc(&vf->ufence_seq);
	wake_up_all(&vf->ufence_wq);
	vsvm_channel_put(chan);
}

/*
 * Called with chan->lock held: launch @job ended with @error (0 or a
 * negative errno). Signals its fence and hands it to the user-fence writer
 * if it has a user fence (returns true then).
 */
static bool vsvm_job_retire_locked(struct vsvm_channel *chan,
				   struct vsvm_job *job, int error)
{
	if (error)
		dma_fence_set_error(&job->fence, error);
	chan->npending--;
	dma_fence_signal(&job->fence);
	if (job->ufence_addr) {
		/* The writer now holds the list's reference. */
		list_move_tail(&job->link, &chan->ufence_done);
		return true;
	}
	list_del(&job->link);
	dma_fence_put(&job->fence);
	return false;
}

/*
 * Run the user-fence writer of @chan, which is in the device's table: its
 * table reference is still held, so the put here is never the last.
 */
static void vsvm_ufence_queue(struct vsvm_channel *chan)
{
	kref_get(&chan->ref);
	if (!queue_work(chan->vdev->file_wq, &chan->ufence_work))
		kref_put(&chan->ref, vsvm_channel_release);
}

/**
 * vsvm_jobs_abort() - end every launch of a channel the GPU no longer runs
 * @chan: the channel, in the device's table (whose lock the caller holds)
 * @error: the launches' error, a negative errno
 *
 * For the unbind of the device, once the GPU has stopped: the fences of
 * the launches still pending signal with @error and their user fences are
 * written with it, so that nobody waits for them for ever.
 */
void vsvm_jobs_abort(struct vsvm_channel *chan, int error)
{
	struct vsvm_job *job, *tmp;
	bool ufence = false;
	unsigned long flags;

	spin_lock_irqsave(&chan->lock, flags);
	list_for_each_entry_safe(job, tmp, &chan->pending, link)
		ufence |= vsvm_job_retire_locked(chan, job, error);
	cancel_delayed_work(&chan->timeout_work);
	spin_unlock_irqrestore(&chan->lock, flags);
	if (ufence)
		vsvm_ufence_queue(chan);
	wake_up_all(&chan->wq);
}

/**
 * vsvm_jobs_complete() - the channel interrupt for one channel
 * @chan: the channel, in the device's channel table (whose lock the
 *	caller holds, in hard interrupt context)
 *
 * Records the channel's error, signals the fences of the launches that
 * ended, and hands those with a user fence to the user-fence writer.
 */
void vsvm_jobs_complete(struct vsvm_channel *chan)
{
	struct vsvm_device *vdev = chan->vdev;
	struct vsvm_job *job, *tmp;
	u32 done, code, info, seq = 0, status;
	bool err = false, ufence = false;
	unsigned int busy;
	unsigned long flags;
	int ret;

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
		err = true;
	}
	list_for_each_entry_safe(job, tmp, &chan->pending, link) {
		if (!vsvm_seq_done((u32)job->fence.seqno, done))
			break;
		/* Each launch's own result, from its descriptor. */
		status = vsvm_launch_status(chan, job->fence.seqno);
		if (!(status & VSVM_LAUNCH_STATUS_DONE))
			ret = -EIO;
		else
			ret = vsvm_launch_errno(chan, job->fence.seqno,
						FIELD_GET(VSVM_LAUNCH_STATUS_CODE,
							  status));
		ufence |= vsvm_job_retire_locked(chan, job, ret);
	}
	vsvm_job_arm_timeout_locked(chan);
	if (busy)
		vsvm_job_account_locked(chan);
	spin_unlock_irqrestore(&chan->lock, flags);
	if (ufence)
		vsvm_ufence_queue(chan);
	if (err)
		drm_dbg_driver(&vdev->drm, "channel %u: error %u at seq %u\n",
			       chan->id, code, seq);
	wake_up_all(&chan->wq);
}

/*
 * Wait, without the file lock, until @chan (looked up under it; the
 * caller's reference keeps it allocated) has a free launch slot or is
 * being destroyed.
 */
static int vsvm_exec_wait_slot(struct vsvm_channel *chan)
{
	struct vsvm_device *vdev = chan->vdev;
	int ret;

	ret = wait_event_interruptible(chan->wq,
				       READ_ONCE(chan->npending) <
				       VSVM_LAUNCH_SLOTS ||
				       READ_ONCE(chan->dying) ||
				       READ_ONCE(vdev->unplugging));
	vsvm_channel_put(chan);
	if (!ret && READ_ONCE(vdev->unplugging))
		ret = -ENODEV;
	return ret;
}

/*
 * The VM the channel @handle runs in, with a reference, so that the launch
 * is checked against that VM's mirror; the channel is looked up again (and
 * must still run in this VM) when the launch is queued.
 */
static struct vsvm_vm *vsvm_exec_channel_vm(struct vsvm_file *vf, u32 handle)
{
	struct vsvm_channel *chan;
	struct vsvm_vm *vm = NULL;
	int ret;

	ret = vsvm_file_owner_check(vf, false);
	if (ret)
		return ERR_PTR(ret);
	ret = mutex_lock_interruptible(&vf->lock);
	if (ret)
		return ERR_PTR(ret);
	chan = xa_load(&vf->channels, handle);
	if (chan) {
		vm = chan->vm;
		kref_get(&vm->ref);
	}
	mutex_unlock(&vf->lock);
	return vm ? vm : ERR_PTR(-ENOENT);
}

/* The extensions of one EXEC call. */
struct vsvm_exec_ext {
	const struct vsvm_svmm *svmm;
	struct vsvm_job *job;
	bool grid_set;
	struct drm_vsvm_exec_grid grid;
};

/* Check a RISC-V launch's geometry (struct drm_vsvm_exec_grid). */
static int vsvm_exec_check_grid(struct drm_vsvm_exec_grid *g)
{
	u64 group = 1, threads;
	unsigned int d;

	threads = 1;
	for (d = 0; d < 3; d++) {
		if (!g->local_size[d] || !g->num_groups[d] ||
		    g->local_size[d] > DRM_VSVM_GRID_MAX_GROUP_THREADS ||
		    g->num_groups[d] > DRM_VSVM_EXEC_MAX_THREADS)
			return -EINVAL;
		group *= g->local_size[d];
		/* Each factor is at most 2^24: no overflow before the check. */
		threads *= (u64)g->local_size[d] * g->num_groups[d];
		if (threads > DRM_VSVM_EXEC_MAX_THREADS)
			return -EINVAL;
	}
	if (!g->stack_size)
		g->stack_size = DRM_VSVM_GRID_DEFAULT_STACK;
	if (group > DRM_VSVM_GRID_MAX_GROUP_THREADS ||
	    g->local_mem_size > DRM_VSVM_GRID_MAX_LOCAL_MEM ||
	    g->stack_size % 16 || g->stack_size > DRM_VSVM_GRID_MAX_STACK ||
	    group * g->stack_size > DRM_VSVM_GRID_MAX_PRIVATE_MEM)
		return -EINVAL;
	return 0;
}

static int vsvm_exec_extension(void *data, u32 name, u64 addr)
{
	struct vsvm_exec_ext *x = data;
	struct drm_vsvm_exec_user_fence uf;

	switch (name) {
	case DRM_VSVM_EXEC_EXT_USER_FENCE:
		if (x->job->ufence_addr)
			return -EINVAL;
		if (copy_from_user(&uf, u64_to_user_ptr(addr), sizeof(uf)))
			return -EFAULT;
		if (!uf.addr || !IS_ALIGNED(uf.addr, 8) ||
		    uf.addr > U64_MAX - sizeof(struct drm_vsvm_user_fence_record) ||
		    !vsvm_svm_range_managed(x->svmm, uf.addr, uf.addr +
				sizeof(struct drm_vsvm_user_fence_record)))
			return -EINVAL;
		x->job->ufence_addr = uf.addr;
		x->job->ufence_value = uf.value;
		return 0;
	case DRM_VSVM_EXEC_EXT_GRID:
		if (x->grid_set)
			return -EINVAL;
		if (copy_from_user(&x->grid, u64_to_user_ptr(addr),
				   sizeof(x->grid)))
			return -EFAULT;
		x->grid_set = true;
		return vsvm_exec_check_grid(&x->grid);
	default:
		return -EINVAL;
	}
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
 * Return: 0, -EINVAL for bad arguments or SVM off, -EOPNOTSUPP for a
 * syncobj in long-running mode, -EACCES from another process, -ENOENT for
 * an unknown channel (or one being destroyed) or syncobj, -EFAULT for an
 * extension it cannot read, -ERESTARTSYS on a signal, -ENOMEM, -ENODEV if
 * the device is unbound while waiting for a slot.
 */
int vsvm_exec_ioctl(struct drm_device *drm, void *data,
		    struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm(drm);
	struct drm_vsvm_exec *args = data;
	struct vsvm_file *vf = file->driver_priv;
	struct drm_syncobj *syncobj = NULL;
	struct vsvm_exec_ext ext;
	struct vsvm_channel *chan;
	struct vsvm_svmm *svmm;
	struct vsvm_vm *vm;
	struct vsvm_job *job;
	unsigned long flags;
	dma_addr_t desc;
	u8 *slot;
	u32 seq, i;
	int ret;

	if (args->flags & ~DRM_VSVM_EXEC_SYNCOBJ || args->seqno)
		return -EINVAL;
	if (!(args->flags & DRM_VSVM_EXEC_SYNCOBJ) && args->syncobj)
		return -EINVAL;
	/* A launch with a grid extension has num_threads 0, checked below. */
	if (args->num_threads > DRM_VSVM_EXEC_MAX_THREADS ||
	    args->insn_budget > DRM_VSVM_EXEC_MAX_INSN_BUDGET ||
	    args->num_args > DRM_VSVM_EXEC_MAX_ARGS ||
	    !IS_ALIGNED(args->program, 4))
		return -EINVAL;
	for (i = args->num_args; i < DRM_VSVM_EXEC_MAX_ARGS; i++)
		if (args->args[i])
			return -EINVAL;
	vm = vsvm_exec_channel_vm(vf, args->channel);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	/* Pairs with the cmpxchg_release() that published it. */
	svmm = smp_load_acquire(&vm->svmm);
	ret = vsvm_svm_check_range(vm, svmm, args->program, args->program + 4);
	if (ret)
		goto out_vm;
	/* A dma-fence must not wait for the fault service's allocations. */
	ret = -EOPNOTSUPP;
	if ((args->flags & DRM_VSVM_EXEC_SYNCOBJ) && svmm->lr_mode)
		goto out_vm;
	ret = -ENOMEM;
	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job)
		goto out_vm;
	ext.svmm = svmm;
	ext.job = job;
	ext.grid_set = false;
	ret = vsvm_user_extensions(args->extensions, vsvm_exec_extension, &ext);
	if (ret)
		goto out_job;
	ret = -EINVAL;
	if (ext.grid_set ? args->num_threads != 0 : !args->num_threads)
		goto out_job;
	if (!ext.grid_set) {
		/* num_threads work-groups of one thread each. */
		ext.grid = (struct drm_vsvm_exec_grid) {
			.local_size = { 1, 1, 1 },
			.num_groups = { args->num_threads, 1, 1 },
			.stack_size = DRM_VSVM_GRID_DEFAULT_STACK,
		};
	}
	if (args->flags & DRM_VSVM_EXEC_SYNCOBJ) {
		syncobj = drm_syncobj_find(file, args->syncobj);
		if (!syncobj) {
			ret = -ENOENT;
			goto out_job;
		}
	}
	for (;;) {
		ret = mutex_lock_interruptible(&vf->lock);
		if (ret)
			goto out_job;
		chan = xa_load(&vf->channels, args->channel);
		/* Another channel under a reused handle is not the one checked. */
		if (!chan || chan->dying || chan->vm != vm) {
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
			goto out_job;
	}
	seq = chan->next_seq++;
	job->ctx = chan->fences;
	kref_get(&job->ctx->ref);
	dma_fence_init(&job->fence, &vsvm_fence_ops, &job->ctx->lock,
		       job->ctx->context, seq);
	slot = (u8 *)chan->desc.vaddr +
	       (seq % VSVM_LAUNCH_SLOTS) * VSVM_LAUNCH_DESC_SIZE;
	memset(slot, 0, VSVM_LAUNCH_DESC_SIZE);
	put_unaligned_le64(args->program, slot + VSVM_LAUNCH_DESC_PROGRAM_VA);
	for (i = 0; i < 3; i++) {
		put_unaligned_le32(ext.grid.local_size[i],
				   slot + VSVM_LAUNCH_DESC_LOCAL_SIZE + 4 * i);
		put_unaligned_le32(ext.grid.num_groups[i],
				   slot + VSVM_LAUNCH_DESC_NUM_GROUPS + 4 * i);
	}
	put_unaligned_le32(ext.grid.local_mem_size,
			   slot + VSVM_LAUNCH_DESC_LOCAL_MEM);
	put_unaligned_le32(ext.grid.stack_size, slot + VSVM_LAUNCH_DESC_STACK);
	put_unaligned_le32(args->insn_budget,
			   slot + VSVM_LAUNCH_DESC_INSN_BUDGET);
	for (i = 0; i < DRM_VSVM_EXEC_MAX_ARGS; i++)
		put_unaligned_le64(args->args[i],
				   slot + VSVM_LAUNCH_DESC_ARGS + 8 * i);
	/* The list holds a reference until the launch ended. */
	dma_fence_get(&job->fence);
	if (!chan->npending)
		chan->busy_since = ktime_get();
	list_add_tail(&job->link, &chan->pending);
	chan->npending++;
	vsvm_job_arm_timeout_locked(chan);
	desc = chan->desc.dma + (slot - (u8 *)chan->desc.vaddr);
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
		drm_syncobj_replace_fence(syncobj, &job->fence);
	dma_fence_put(&job->fence);
	mutex_unlock(&vf->lock);
	goto out_syncobj;
out:
	mutex_unlock(&vf->lock);
out_job:
	kfree(job);
out_syncobj:
	if (syncobj)
		drm_syncobj_put(syncobj);
out_vm:
	vsvm_vm_put(vm);
	return ret;
}

/* Does the word at @addr satisfy the wait? 1 yes, 0 no, or -EFAULT. */
static int vsvm_ufence_check(const struct drm_vsvm_wait_user_fence *args)
{
	u64 __user *addr = u64_to_user_ptr(args->addr);
	u64 v, want = args->value & args->mask;

	if (get_user(v, addr))
		return -EFAULT;
	v &= args->mask;
	switch (args->op) {
	case DRM_VSVM_UFENCE_OP_EQ:
		return v == want;
	case DRM_VSVM_UFENCE_OP_NEQ:
		return v != want;
	case DRM_VSVM_UFENCE_OP_GT:
		return v > want;
	case DRM_VSVM_UFENCE_OP_GTE:
		return v >= want;
	case DRM_VSVM_UFENCE_OP_LT:
		return v < want;
	default:
		return v <= want;
	}
}

/**
 * vsvm_wait_user_fence_ioctl() - DRM_IOCTL_VSVM_WAIT_USER_FENCE
 * @drm: the device
 * @data: struct drm_vsvm_wait_user_fence
 * @file: the file
 *
 * Return: 0, -EINVAL, -EACCES from another process, -ETIME, -EINTR,
 * -EFAULT if the word cannot be read, or -ENODEV if the device was unbound
 * while waiting.
 */
int vsvm_wait_user_fence_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_vsvm_wait_user_fence *args = data;
	struct vsvm_file *vf = file->driver_priv;
	long timeout;
	int ret, seq;

	if (args->extensions || args->pad || !args->mask ||
	    args->op > DRM_VSVM_UFENCE_OP_LTE || !IS_ALIGNED(args->addr, 8))
		return -EINVAL;
	ret = vsvm_file_owner_check(vf, false);
	if (ret)
		return ret;
	timeout = args->timeout_ns < 0 ? MAX_SCHEDULE_TIMEOUT :
		  (long)min_t(u64, nsecs_to_jiffies64(args->timeout_ns),
			      MAX_SCHEDULE_TIMEOUT - 1);
	for (;;) {
		/*
		 * A record written after the word was read changes the
		 * count, and wakes us.
		 */
		seq = atomic_read(&vf->ufence_seq);
		/* The count before the word: pairs with vsvm_ufence_work(). */
		smp_rmb();
		ret = vsvm_ufence_check(args);
		if (ret)
			return ret < 0 ? ret : 0;
		if (!timeout)
			return -ETIME;
		timeout = wait_event_interruptible_timeout(vf->ufence_wq,
							   atomic_read(&vf->ufence_seq) != seq ||
							   READ_ONCE(vf->vdev->unplugging),
							   timeout);
		if (timeout < 0)
			return -EINTR;
		/* The word may be final, but nothing will write it now. */
		if (READ_ONCE(vf->vdev->unplugging) &&
		    atomic_read(&vf->ufence_seq) == seq)
			return -ENODEV;
	}
}
