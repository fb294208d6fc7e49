// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replayable fault buffer of the vsvm virtual GPU (Volta MMU_FAULT_BUFFER
 * layout and NV_PFB_PRI_MMU_FAULT_BUFFER registers), and the stall /
 * replay / cancel protocol of the execution units.
 *
 * A unit whose translation fails records itself as stalled, writes a
 * packet at PUT (or, if the buffer is full, drops it and sets OVERFLOW),
 * advances PUT, raises the interrupt and sleeps.  REPLAY_START wakes every
 * stalled unit to retry its translation (a dropped fault is thereby raised
 * again); CANCEL_TARGETED / CANCEL_GLOBAL make the stalled access fail.
 * Stall state is recorded before the packet becomes visible, so a cancel
 * issued for a packet always finds its unit.
 */

#include <linux/bitfield.h>
#include <linux/wait.h>

#include "vsvm_hw_priv.h"

#define VSVM_FAULT_REPLAY_BUF	NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY

/**
 * vsvm_fault_init() - reset the fault unit
 * @hw: the device
 */
void vsvm_fault_init(struct vsvm_hw *hw)
{
	struct vsvm_fault_buffer *fb = &hw->fault;

	spin_lock_init(&fb->lock);
	mutex_init(&fb->write_lock);
	init_waitqueue_head(&fb->wq);
}

/**
 * vsvm_fault_shutdown() - release every stalled unit (device teardown)
 * @hw: the device
 *
 * Stalled accesses end with VSVM_FAULT_SHUTDOWN; later faults too.
 */
void vsvm_fault_shutdown(struct vsvm_hw *hw)
{
	struct vsvm_fault_buffer *fb = &hw->fault;
	unsigned long flags;

	spin_lock_irqsave(&fb->lock, flags);
	fb->shutdown = true;
	spin_unlock_irqrestore(&fb->lock, flags);
	wake_up_all(&fb->wq);
}

static void vsvm_fault_encode(const struct vsvm_fault_info *f, __le32 *pkt)
{
	u64 ts = vsvm_hw_time_ns();

	pkt[0] = cpu_to_le32(FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_INST_APERTURE,
					f->inst_target) |
			     (lower_32_bits(f->inst_addr) &
			      NV_MMU_FAULT_BUF_ENTRY_INST_LO));
	pkt[1] = cpu_to_le32(upper_32_bits(f->inst_addr));
	pkt[2] = cpu_to_le32(lower_32_bits(f->va) &
			     NV_MMU_FAULT_BUF_ENTRY_ADDR_LO);
	pkt[3] = cpu_to_le32(upper_32_bits(f->va));
	pkt[4] = cpu_to_le32(lower_32_bits(ts));
	pkt[5] = cpu_to_le32(upper_32_bits(ts));
	pkt[6] = cpu_to_le32(FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_ENGINE_ID,
					VSVM_FAULT_ENGINE_ID_COMPUTE));
	pkt[7] = cpu_to_le32(FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_FAULT_TYPE,
					f->fault_type) |
			     NV_MMU_FAULT_BUF_ENTRY_REPLAYABLE_FAULT |
			     FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_CLIENT,
					VSVM_FAULT_CLIENT_EU) |
			     FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_ACCESS_TYPE,
					f->access) |
			     FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_MMU_CLIENT_TYPE,
					VSVM_FAULT_CLIENT_TYPE_GPC) |
			     FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_GPC_ID, f->eu) |
			     NV_MMU_FAULT_BUF_ENTRY_REPLAYABLE_FAULT_EN |
			     NV_MMU_FAULT_BUF_ENTRY_VALID);
}

/*
 * Write a packet for @f, or drop it if the buffer is full.  With @stall,
 * mark the unit stalled first.  Returns 0, -ENODEV if the buffer is
 * disabled, -EFAULT if the buffer memory is unreachable, -ESHUTDOWN.
 */
static int vsvm_fault_post(struct vsvm_hw *hw, const struct vsvm_fault_info *f,
			   bool stall)
{
	struct vsvm_fault_buffer *fb = &hw->fault;
	const unsigned int b = VSVM_FAULT_REPLAY_BUF;
	__le32 pkt[VSVM_FAULT_PACKET_SIZE / 4];
	u32 entries, slot = 0;
	bool drop = false;
	unsigned long flags;
	u8 target = 0;
	u64 addr = 0;
	int ret = 0;

	mutex_lock(&fb->write_lock);
	spin_lock_irqsave(&fb->lock, flags);
	entries = FIELD_GET(NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_VAL, fb->size[b]);
	if (fb->shutdown) {
		ret = -ESHUTDOWN;
	} else if (!(fb->size[b] & NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_ENABLE) ||
		   entries < 2) {
		ret = -ENODEV;
	} else {
		if (stall) {
			fb->stall[f->eu].stalled = true;
			fb->stall[f->eu].cancelled = false;
			fb->stall[f->eu].replay_seq = fb->replay_seq;
			fb->stall[f->eu].inst_addr = f->inst_addr;
			fb->stall[f->eu].inst_sys =
				f->inst_target != VSVM_TARGET_VID_MEM;
		}
		if ((fb->put[b] + 1) % entries == fb->get[b]) {
			fb->overflow = true;
			fb->dropped++;
			drop = true;
		} else {
			slot = fb->put[b];
			target = FIELD_GET(NV_PFB_PRI_MMU_FAULT_BUFFER_LO_PHYS_APERTURE,
					   fb->lo[b]);
			addr = ((u64)fb->hi[b] << 32 |
				(fb->lo[b] & NV_PFB_PRI_MMU_FAULT_BUFFER_LO_ADDR)) +
			       (u64)slot * VSVM_FAULT_PACKET_SIZE;
		}
	}
	spin_unlock_irqrestore(&fb->lock, flags);

	if (ret || drop)
		goto out;

	vsvm_fault_encode(f, pkt);
	ret = vsvm_mem_write(hw, target, addr, pkt, 28, GFP_KERNEL);
	if (!ret) {
		/* VALID (dword 7) only after the rest of the packet. */
		wmb();
		ret = vsvm_mem_write(hw, target, addr + 28, &pkt[7], 4,
				     GFP_KERNEL);
	}
	if (ret) {
		ret = -EFAULT;
		goto out;
	}
	/* Packet contents before PUT. */
	wmb();

	spin_lock_irqsave(&fb->lock, flags);
	if (entries == FIELD_GET(NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_VAL,
				 fb->size[b]) && fb->put[b] == slot)
		fb->put[b] = (slot + 1) % entries;
	fb->packets++;
	spin_unlock_irqrestore(&fb->lock, flags);
out:
	mutex_unlock(&fb->write_lock);
	if (ret && stall) {
		spin_lock_irqsave(&fb->lock, flags);
		fb->stall[f->eu].stalled = false;
		spin_unlock_irqrestore(&fb->lock, flags);
	}
	if (!ret)
		vsvm_hw_raise_irq(hw);
	return ret;
}

static bool vsvm_fault_stall_done(struct vsvm_fault_buffer *fb, u32 eu)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&fb->lock, flags);
	done = fb->shutdown || fb->stall[eu].cancelled ||
	       fb->stall[eu].replay_seq != fb->replay_seq;
	spin_unlock_irqrestore(&fb->lock, flags);
	return done;
}

/**
 * vsvm_fault_stall() - report a replayable fault and wait for the driver
 * @hw: the device
 * @f: the fault (f->eu is the calling execution unit)
 *
 * Sleeps (TASK_IDLE) until the driver replays or cancels, or the device
 * is destroyed.  Called by execution-unit threads only.
 *
 * Return: &enum vsvm_fault_result.
 */
enum vsvm_fault_result vsvm_fault_stall(struct vsvm_hw *hw,
					const struct vsvm_fault_info *f)
{
	struct vsvm_fault_buffer *fb = &hw->fault;
	enum vsvm_fault_result res;
	unsigned long flags;
	int ret;

	ret = vsvm_fault_post(hw, f, true);
	if (ret == -ESHUTDOWN)
		return VSVM_FAULT_SHUTDOWN;
	if (ret)
		return VSVM_FAULT_NONREPLAYABLE;

	wait_event_idle(fb->wq, vsvm_fault_stall_done(fb, f->eu));

	spin_lock_irqsave(&fb->lock, flags);
	if (fb->stall[f->eu].cancelled)
		res = VSVM_FAULT_CANCEL;
	else if (fb->stall[f->eu].replay_seq != fb->replay_seq)
		res = VSVM_FAULT_REPLAY;
	else
		res = VSVM_FAULT_SHUTDOWN;
	fb->stall[f->eu].stalled = false;
	fb->stall[f->eu].cancelled = false;
	spin_unlock_irqrestore(&fb->lock, flags);
	return res;
}

/**
 * vsvm_fault_report_prefetch() - report a failed prefetch without stalling
 * @hw: the device
 * @f: the fault (access type PREFETCH)
 *
 * The packet is written if there is room (dropped with OVERFLOW if not);
 * nothing waits for a replay.
 */
void vsvm_fault_report_prefetch(struct vsvm_hw *hw,
				const struct vsvm_fault_info *f)
{
	vsvm_fault_post(hw, f, false);
}

/**
 * vsvm_fault_replay() - act on the REPLAY field of an invalidate
 * @hw: the device
 * @invalidate: the value written to NV_PFB_PRI_MMU_INVALIDATE
 * @inst_sys: for a targeted cancel, the instance block named by the PDB
 *	registers is in system memory
 * @inst_addr: its address
 *
 * A targeted cancel hits the unit named by GPC and client only if that
 * unit is stalled on an access of the named instance block: a cancel
 * issued for a fault the unit no longer waits on (it was replayed, and the
 * unit now waits on another channel's fault) changes nothing.
 *
 * Called after the TLB invalidate of the same write.  Does not sleep.
 */
void vsvm_fault_replay(struct vsvm_hw *hw, u32 invalidate, bool inst_sys,
		       u64 inst_addr)
{
	struct vsvm_fault_buffer *fb = &hw->fault;
	u32 replay = FIELD_GET(NV_PFB_PRI_MMU_INVALIDATE_REPLAY, invalidate);
	u32 client = FIELD_GET(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_CLIENT_ID,
			       invalidate);
	u32 gpc = FIELD_GET(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_GPC_ID, invalidate);
	bool hub = invalidate & NV_PFB_PRI_MMU_INVALIDATE_CANCEL_CLIENT_TYPE;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&fb->lock, flags);
	switch (replay) {
	case NV_PFB_PRI_MMU_INVALIDATE_REPLAY_START:
		fb->replay_seq++;
		break;
	case NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_TARGETED:
		if (hub || client != VSVM_FAULT_CLIENT_EU ||
		    gpc >= hw->num_eus)
			break;
		if (fb->stall[gpc].stalled &&
		    fb->stall[gpc].inst_addr == inst_addr &&
		    fb->stall[gpc].inst_sys == inst_sys)
			fb->stall[gpc].cancelled = true;
		break;
	case NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_GLOBAL:
		for (i = 0; i < hw->num_eus; i++)
			if (fb->stall[i].stalled)
				fb->stall[i].cancelled = true;
		break;
	default:
		break;
	}
	spin_unlock_irqrestore(&fb->lock, flags);
	wake_up_all(&fb->wq);
}

/**
 * vsvm_fault_cancel_instance() - release the units stalled on a channel
 * @hw: the device
 * @inst_sys: the channel's instance block is in system memory
 * @inst_addr: its address
 *
 * Every unit stalled on a fault of that instance block ends its access as
 * cancelled; used when a launch is killed. Does not sleep.
 */
void vsvm_fault_cancel_instance(struct vsvm_hw *hw, bool inst_sys,
				u64 inst_addr)
{
	struct vsvm_fault_buffer *fb = &hw->fault;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&fb->lock, flags);
	for (i = 0; i < hw->num_eus; i++)
		if (fb->stall[i].stalled &&
		    fb->stall[i].inst_addr == inst_addr &&
		    fb->stall[i].inst_sys == inst_sys)
			fb->stall[i].cancelled = true;
	spin_unlock_irqrestore(&fb->lock, flags);
	wake_up_all(&fb->wq);
}

/**
 * vsvm_fault_reg() - is @reg a fault-buffer register?
 * @reg: register offset
 *
 * Return: true for the registers vsvm_fault_rd32()/wr32() handle.
 */
bool vsvm_fault_reg(u32 reg)
{
	return reg >= NV_PFB_PRI_MMU_FAULT_BUFFER_LO(0) &&
	       reg <= NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE(1);
}

/**
 * vsvm_fault_rd32() - read a fault-buffer register
 * @hw: the device
 * @reg: register offset (vsvm_fault_reg() is true)
 *
 * Return: the value.
 */
u32 vsvm_fault_rd32(struct vsvm_hw *hw, u32 reg)
{
	struct vsvm_fault_buffer *fb = &hw->fault;
	u32 off = reg - NV_PFB_PRI_MMU_FAULT_BUFFER_LO(0);
	unsigned int b = off / 20;
	unsigned long flags;
	u32 val, ovf;

	spin_lock_irqsave(&fb->lock, flags);
	ovf = (b == VSVM_FAULT_REPLAY_BUF && fb->overflow) ?
	      NV_PFB_PRI_MMU_FAULT_BUFFER_GET_OVERFLOW : 0;
	switch (off % 20) {
	case 0:
		val = fb->lo[b];
		break;
	case 4:
		val = fb->hi[b];
		break;
	case 8:
		val = fb->get[b] | ovf;
		break;
	case 12:
		val = fb->put[b] | ovf;
		break;
	default:
		val = fb->size[b];
		break;
	}
	spin_unlock_irqrestore(&fb->lock, flags);
	return val;
}

/**
 * vsvm_fault_wr32() - write a fault-buffer register
 * @hw: the device
 * @reg: register offset (vsvm_fault_reg() is true)
 * @val: the value
 */
void vsvm_fault_wr32(struct vsvm_hw *hw, u32 reg, u32 val)
{
	struct vsvm_fault_buffer *fb = &hw->fault;
	u32 off = reg - NV_PFB_PRI_MMU_FAULT_BUFFER_LO(0);
	unsigned int b = off / 20;
	bool pending = false;
	unsigned long flags;
	u32 entries;

	spin_lock_irqsave(&fb->lock, flags);
	entries = FIELD_GET(NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_VAL, fb->size[b]);
	switch (off % 20) {
	case 0:
		fb->lo[b] = val;
		break;
	case 4:
		fb->hi[b] = val;
		break;
	case 8:
		if (b == VSVM_FAULT_REPLAY_BUF &&
		    (val & NV_PFB_PRI_MMU_FAULT_BUFFER_GET_OVERFLOW))
			fb->overflow = false;
		val = FIELD_GET(NV_PFB_PRI_MMU_FAULT_BUFFER_GET_PTR, val);
		if (val < entries)
			fb->get[b] = val;
		pending = fb->get[b] != fb->put[b];
		break;
	case 12:
		break; /* PUT is read-only */
	default:
		if (val & NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_SET_DEFAULT)
			val = (val & NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_ENABLE) |
			      VSVM_FAULT_BUFFER_DEFAULT_SIZE;
		fb->size[b] = val & (NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_VAL |
				     NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_ENABLE);
		fb->get[b] = 0;
		fb->put[b] = 0;
		if (b == VSVM_FAULT_REPLAY_BUF)
			fb->overflow = false;
		break;
	}
	spin_unlock_irqrestore(&fb->lock, flags);

	/* A level interrupt stays asserted while packets remain. */
	if (pending)
		vsvm_hw_raise_irq(hw);
}

/**
 * vsvm_fault_intr_status() - fault bits of VSVM_PMC_INTR
 * @hw: the device
 *
 * Return: VSVM_PMC_INTR_FAULT_REPLAYABLE and/or _FAULT_OVERFLOW.
 */
u32 vsvm_fault_intr_status(struct vsvm_hw *hw)
{
	struct vsvm_fault_buffer *fb = &hw->fault;
	const unsigned int b = VSVM_FAULT_REPLAY_BUF;
	unsigned long flags;
	u32 status = 0;

	spin_lock_irqsave(&fb->lock, flags);
	if ((fb->size[b] & NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_ENABLE) &&
	    fb->get[b] != fb->put[b])
		status |= VSVM_PMC_INTR_FAULT_REPLAYABLE;
	if (fb->overflow)
		status |= VSVM_PMC_INTR_FAULT_OVERFLOW;
	spin_unlock_irqrestore(&fb->lock, flags);
	return status;
}
