// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver's side of the GPU's copy engine: a ring of commands in
 * coherent DMA memory, through which migrations move pages between system
 * memory (by DMA address) and VRAM (by offset). The CPU never copies
 * migrated data.
 *
 * One submitter at a time (vsvm_copy.lock): it writes its commands at PUT,
 * the last one asking for an interrupt, writes PUT, and sleeps until the
 * copy-engine interrupt (vsvm_copy_irq()) shows SEQ_DONE at its last
 * command; the wait also looks every 100 ms, so that a lost interrupt
 * costs time, not the submission. A command that fails makes the whole
 * submission fail (-EIO); the engine goes on with the next one.
 */
#include <linux/bitfield.h>
#include <linux/unaligned.h>
#include <linux/wait.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"

/* Commands in the ring: one page of them, one slot always left free. */
#define VSVM_COPY_RING_CMDS	(PAGE_SIZE / VSVM_CE_CMD_SIZE)
/* How long one submission may take before the engine is declared hung. */
#define VSVM_COPY_TIMEOUT_US	(10 * 1000 * 1000)

/**
 * vsvm_copy_init() - give the copy engine its ring
 * @vdev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_copy_init(struct vsvm_device *vdev)
{
	struct vsvm_copy *cp = &vdev->copy;
	int ret;

	mutex_init(&cp->lock);
	init_waitqueue_head(&cp->wq);
	ret = vsvm_dma_pages_alloc(vdev, &cp->ring, 0, GFP_KERNEL);
	if (ret)
		return ret;
	vsvm_wr32(vdev, VSVM_CE_RING_LO,
		  FIELD_PREP(VSVM_CE_RING_LO_APERTURE,
			     VSVM_TARGET_SYS_MEM_COHERENT) |
		  (lower_32_bits(cp->ring.dma) & VSVM_CE_RING_LO_ADDR));
	vsvm_wr32(vdev, VSVM_CE_RING_HI, upper_32_bits(cp->ring.dma));
	/* Resets GET and PUT. */
	vsvm_wr32(vdev, VSVM_CE_RING_SIZE, VSVM_COPY_RING_CMDS);
	cp->put = 0;
	cp->seq = 0;
	return 0;
}

/**
 * vsvm_copy_fini() - take the ring back from the copy engine
 * @vdev: the device; no copy is in flight
 */
void vsvm_copy_fini(struct vsvm_device *vdev)
{
	vsvm_wr32(vdev, VSVM_CE_RING_SIZE, 0);
	vsvm_dma_pages_free(vdev, &vdev->copy.ring);
	mutex_destroy(&vdev->copy.lock);
}

/*
 * Write one command at PUT (copy lock held), with an interrupt when it
 * completes if @irq; returns its sequence number.
 */
static u32 vsvm_copy_emit(struct vsvm_copy *cp, const struct vsvm_copy_op *op,
			  bool irq)
{
	u8 *cmd = (u8 *)cp->ring.vaddr + cp->put * VSVM_CE_CMD_SIZE;
	u32 word = FIELD_PREP(VSVM_CE_CMD_OPCODE, op->fill ? VSVM_CE_OP_FILL32 :
							    VSVM_CE_OP_COPY) |
		   FIELD_PREP(VSVM_CE_CMD_SRC_APERTURE, op->src_target) |
		   FIELD_PREP(VSVM_CE_CMD_DST_APERTURE, op->dst_target) |
		   (irq ? VSVM_CE_CMD_INTERRUPT : 0);

	put_unaligned_le32(word, cmd);
	put_unaligned_le32(++cp->seq, cmd + 4);
	put_unaligned_le64(op->src, cmd + 8);
	put_unaligned_le64(op->dst, cmd + 16);
	put_unaligned_le64(op->len, cmd + 24);
	cp->put = (cp->put + 1) % VSVM_COPY_RING_CMDS;
	return cp->seq;
}

/* Has the engine completed command @seq? (wrapping compare) */
static bool vsvm_copy_done(struct vsvm_device *vdev, u32 seq)
{
	return (s32)(vsvm_rd32(vdev, VSVM_CE_SEQ_DONE) - seq) >= 0;
}

/**
 * vsvm_copy_irq() - the copy engine's interrupt
 * @vdev: the device
 *
 * Acknowledges it and wakes the submitter. Hard interrupt context.
 */
void vsvm_copy_irq(struct vsvm_device *vdev)
{
	u32 intr = vsvm_rd32(vdev, VSVM_CE_INTR);

	if (intr)
		vsvm_wr32(vdev, VSVM_CE_INTR, intr);
	wake_up(&vdev->copy.wq);
}

/* Sleep until the engine completed command @seq, or the timeout. */
static int vsvm_copy_wait(struct vsvm_device *vdev, u32 seq)
{
	unsigned long deadline = jiffies +
				 usecs_to_jiffies(VSVM_COPY_TIMEOUT_US);

	while (!wait_event_timeout(vdev->copy.wq, vsvm_copy_done(vdev, seq),
				   msecs_to_jiffies(100))) {
		if (time_after(jiffies, deadline))
			return vsvm_copy_done(vdev, seq) ? 0 : -ETIMEDOUT;
	}
	return 0;
}

/**
 * vsvm_copy_run() - run copies on the copy engine and wait for them
 * @vdev: the device
 * @ops: the copies (or fills)
 * @n: how many
 *
 * Sleeps. The commands go in batches of what the ring holds.
 *
 * Return: 0, -EIO if the engine reported an error for any of them, or
 * -ETIMEDOUT if it did not finish them in time (a device failure).
 */
int vsvm_copy_run(struct vsvm_device *vdev, const struct vsvm_copy_op *ops,
		  unsigned int n)
{
	struct vsvm_copy *cp = &vdev->copy;
	unsigned int i = 0, batch;
	u32 last = 0, err;
	int ret = 0;

	mutex_lock(&cp->lock);
	/* An error left by someone else's submission is not ours. */
	vsvm_wr32(vdev, VSVM_CE_ERR_CODE, 0);
	while (i < n && !ret) {
		batch = min_t(unsigned int, n - i, VSVM_COPY_RING_CMDS - 1);
		while (batch--) {
			last = vsvm_copy_emit(cp, &ops[i], !batch);
			i++;
		}
		/* The commands before PUT. */
		wmb();
		vsvm_wr32(vdev, VSVM_CE_RING_PUT, cp->put);
		ret = vsvm_copy_wait(vdev, last);
		if (ret)
			drm_err(&vdev->drm, "copy engine hung at seq %u\n",
				last);
	}
	err = vsvm_rd32(vdev, VSVM_CE_ERR_CODE);
	if (!ret && err) {
		drm_dbg_driver(&vdev->drm, "copy error %u at seq %u\n", err,
			       vsvm_rd32(vdev, VSVM_CE_ERR_SEQ));
		vsvm_wr32(vdev, VSVM_CE_ERR_CODE, 0);
		vsvm_wr32(vdev, VSVM_CE_INTR, VSVM_CE_INTR_ERROR);
		ret = -EIO;
	}
	mutex_unlock(&cp->lock);
	return ret;
}
