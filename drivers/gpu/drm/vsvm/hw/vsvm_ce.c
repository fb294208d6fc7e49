// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copy engine of the vsvm virtual GPU: executes VSVM_CE_CMD_SIZE-byte
 * commands (copy, fill) from a ring in memory, between VRAM and system
 * memory by physical/DMA address (no MMU: this is the migration engine).
 *
 * The driver writes commands at PUT and then writes VSVM_CE_RING_PUT; the
 * engine (a work item on an ordered workqueue, so commands run one at a
 * time and in order) executes GET..PUT-1, advancing GET and SEQ_DONE after
 * each command and raising VSVM_CE_INTR_COMPLETE for commands with the
 * INTERRUPT flag.  vsvm_ce.lock protects the registers; the work item
 * reads the ring and copies without holding it.
 */

#include <linux/bitfield.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

#include "vsvm_hw_priv.h"

static u32 vsvm_ce_execute(struct vsvm_hw *hw, const u8 *cmd)
{
	u32 op = get_unaligned_le32(cmd);
	u64 src = get_unaligned_le64(cmd + 8);
	u64 dst = get_unaligned_le64(cmd + 16);
	u64 len = get_unaligned_le64(cmd + 24);
	u8 src_target = FIELD_GET(VSVM_CE_CMD_SRC_APERTURE, op);
	u8 dst_target = FIELD_GET(VSVM_CE_CMD_DST_APERTURE, op);
	int ret;

	switch (FIELD_GET(VSVM_CE_CMD_OPCODE, op)) {
	case VSVM_CE_OP_NOP:
		return VSVM_CE_ERR_NONE;
	case VSVM_CE_OP_COPY:
		ret = vsvm_mem_copy(hw, dst_target, dst, src_target, src, len);
		if (ret == -EFAULT)
			return VSVM_CE_ERR_BAD_SRC;
		return ret ? VSVM_CE_ERR_BAD_DST : VSVM_CE_ERR_NONE;
	case VSVM_CE_OP_FILL32:
		ret = vsvm_mem_fill32(hw, dst_target, dst, lower_32_bits(src),
				      len);
		return ret ? VSVM_CE_ERR_BAD_DST : VSVM_CE_ERR_NONE;
	default:
		return VSVM_CE_ERR_BAD_OPCODE;
	}
}

static void vsvm_ce_work(struct work_struct *work)
{
	struct vsvm_ce *ce = container_of(work, struct vsvm_ce, work);
	struct vsvm_hw *hw = container_of(ce, struct vsvm_hw, ce);
	u8 cmd[VSVM_CE_CMD_SIZE];
	unsigned long flags;
	u32 get, size, err, seq, op;
	bool irq;
	u8 target;
	u64 ring;

	for (;;) {
		spin_lock_irqsave(&ce->lock, flags);
		if (ce->stopping || ce->get == ce->put || !ce->size) {
			spin_unlock_irqrestore(&ce->lock, flags);
			return;
		}
		get = ce->get;
		size = ce->size;
		target = FIELD_GET(VSVM_CE_RING_LO_APERTURE, ce->ring_lo);
		ring = (u64)ce->ring_hi << 32 |
		       (ce->ring_lo & VSVM_CE_RING_LO_ADDR);
		spin_unlock_irqrestore(&ce->lock, flags);

		if (vsvm_mem_read(hw, target, ring + (u64)get * VSVM_CE_CMD_SIZE,
				  cmd, sizeof(cmd))) {
			err = VSVM_CE_ERR_BAD_RING;
			memset(cmd, 0, sizeof(cmd));
		} else {
			err = vsvm_ce_execute(hw, cmd);
		}
		op = get_unaligned_le32(cmd);
		seq = get_unaligned_le32(cmd + 4);
		irq = op & VSVM_CE_CMD_INTERRUPT;

		spin_lock_irqsave(&ce->lock, flags);
		if (ce->size == size && ce->get == get)
			ce->get = (get + 1) % size;
		ce->seq_done = seq;
		if (err) {
			if (!ce->err_code) {
				ce->err_code = err;
				ce->err_seq = seq;
			}
			ce->intr |= VSVM_CE_INTR_ERROR;
			irq = true;
		}
		if (op & VSVM_CE_CMD_INTERRUPT)
			ce->intr |= VSVM_CE_INTR_COMPLETE;
		spin_unlock_irqrestore(&ce->lock, flags);
		if (irq)
			vsvm_hw_raise_irq(hw);
		cond_resched();
	}
}

/**
 * vsvm_ce_init() - set up the copy engine
 * @hw: the device (name set)
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_ce_init(struct vsvm_hw *hw)
{
	struct vsvm_ce *ce = &hw->ce;

	spin_lock_init(&ce->lock);
	INIT_WORK(&ce->work, vsvm_ce_work);
	ce->wq = alloc_ordered_workqueue("%s-ce", 0, hw->name);
	return ce->wq ? 0 : -ENOMEM;
}

/**
 * vsvm_ce_fini() - stop the copy engine (a running command completes)
 * @hw: the device
 */
void vsvm_ce_fini(struct vsvm_hw *hw)
{
	struct vsvm_ce *ce = &hw->ce;
	unsigned long flags;

	if (!ce->wq)
		return;
	spin_lock_irqsave(&ce->lock, flags);
	ce->stopping = true;
	spin_unlock_irqrestore(&ce->lock, flags);
	cancel_work_sync(&ce->work);
	destroy_workqueue(ce->wq);
	ce->wq = NULL;
}

/**
 * vsvm_ce_reg() - is @reg a copy-engine register?
 * @reg: register offset
 *
 * Return: true for the registers vsvm_ce_rd32()/wr32() handle.
 */
bool vsvm_ce_reg(u32 reg)
{
	return reg >= VSVM_CE_RING_LO && reg <= VSVM_CE_INTR;
}

/**
 * vsvm_ce_rd32() - read a copy-engine register
 * @hw: the device
 * @reg: register offset (vsvm_ce_reg() is true)
 *
 * Return: the value.
 */
u32 vsvm_ce_rd32(struct vsvm_hw *hw, u32 reg)
{
	struct vsvm_ce *ce = &hw->ce;
	unsigned long flags;
	u32 val;

	spin_lock_irqsave(&ce->lock, flags);
	switch (reg) {
	case VSVM_CE_RING_LO:
		val = ce->ring_lo;
		break;
	case VSVM_CE_RING_HI:
		val = ce->ring_hi;
		break;
	case VSVM_CE_RING_SIZE:
		val = ce->size;
		break;
	case VSVM_CE_RING_PUT:
		val = ce->put;
		break;
	case VSVM_CE_RING_GET:
		val = ce->get;
		break;
	case VSVM_CE_SEQ_DONE:
		val = ce->seq_done;
		break;
	case VSVM_CE_STATUS:
		val = (ce->get != ce->put ? VSVM_CE_STATUS_BUSY : 0) |
		      (ce->err_code ? VSVM_CE_STATUS_ERROR : 0);
		break;
	case VSVM_CE_ERR_CODE:
		val = ce->err_code;
		break;
	case VSVM_CE_ERR_SEQ:
		val = ce->err_seq;
		break;
	default:
		val = ce->intr;
		break;
	}
	spin_unlock_irqrestore(&ce->lock, flags);
	return val;
}

/**
 * vsvm_ce_wr32() - write a copy-engine register
 * @hw: the device
 * @reg: register offset (vsvm_ce_reg() is true)
 * @val: the value
 */
void vsvm_ce_wr32(struct vsvm_hw *hw, u32 reg, u32 val)
{
	struct vsvm_ce *ce = &hw->ce;
	unsigned long flags;
	bool kick = false;

	spin_lock_irqsave(&ce->lock, flags);
	switch (reg) {
	case VSVM_CE_RING_LO:
		ce->ring_lo = val;
		break;
	case VSVM_CE_RING_HI:
		ce->ring_hi = val;
		break;
	case VSVM_CE_RING_SIZE:
		ce->size = val;
		ce->get = 0;
		ce->put = 0;
		break;
	case VSVM_CE_RING_PUT:
		if (val < ce->size) {
			ce->put = val;
			kick = !ce->stopping;
		}
		break;
	case VSVM_CE_ERR_CODE:
		ce->err_code = VSVM_CE_ERR_NONE;
		ce->err_seq = 0;
		break;
	case VSVM_CE_INTR:
		ce->intr &= ~val;
		break;
	default: /* read-only registers */
		break;
	}
	spin_unlock_irqrestore(&ce->lock, flags);
	if (kick)
		queue_work(ce->wq, &ce->work);
}

/**
 * vsvm_ce_intr_status() - copy-engine bit of VSVM_PMC_INTR
 * @hw: the device
 *
 * Return: VSVM_PMC_INTR_CE if a VSVM_CE_INTR bit is set, else 0.
 */
u32 vsvm_ce_intr_status(struct vsvm_hw *hw)
{
	struct vsvm_ce *ce = &hw->ce;
	unsigned long flags;
	u32 status;

	spin_lock_irqsave(&ce->lock, flags);
	status = ce->intr ? VSVM_PMC_INTR_CE : 0;
	spin_unlock_irqrestore(&ce->lock, flags);
	return status;
}
