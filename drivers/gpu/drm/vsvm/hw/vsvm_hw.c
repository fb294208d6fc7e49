// SPDX-License-Identifier: GPL-2.0-only
/*
 * Core of the vsvm virtual GPU: creation and teardown, the register
 * window (dispatch to the units), the interrupt line, the PRAMIN window
 * and PTIMER.
 *
 * Interrupt model: VSVM_PMC_INTR is the OR of level sources kept by the
 * units.  Whenever a unit raises an event, or the driver writes
 * VSVM_PMC_INTR_EN, and (status & enable) is non-zero, the callback is
 * raised through an irq_work: it runs in hard interrupt context, as a real
 * device's handler does, one call at a time, never inside
 * vsvm_hw_rd32()/vsvm_hw_wr32().  Events raised while it runs raise one
 * more call.
 */

#include <linux/bitfield.h>
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "vsvm_hw_priv.h"

static unsigned int vsvm_hw_vram_size_mb = 256;
module_param_named(vram_size_mb, vsvm_hw_vram_size_mb, uint, 0444);
MODULE_PARM_DESC(vram_size_mb,
		 "VRAM of the virtual GPU in MiB, multiple of 2 (default 256; backed lazily)");

static unsigned int vsvm_hw_num_eus = 2;
module_param_named(num_eus, vsvm_hw_num_eus, uint, 0444);
MODULE_PARM_DESC(num_eus,
		 "Execution units (kernel threads) of the virtual GPU, 1-32 (default 2)");

/* Largest VRAM a VID PTE can address (ADDRESS_VID 32:8 -> 37 bits). */
#define VSVM_HW_MAX_VRAM	BIT_ULL(37)

/**
 * vsvm_hw_time_ns() - the GPU clock (NV_PTIMER, fault timestamps)
 *
 * Return: nanoseconds since boot.
 */
u64 vsvm_hw_time_ns(void)
{
	return ktime_get_ns();
}

static u32 vsvm_hw_intr_status(struct vsvm_hw *hw)
{
	return vsvm_fault_intr_status(hw) | vsvm_exec_intr_status(hw) |
	       vsvm_ce_intr_status(hw);
}

/**
 * vsvm_hw_raise_irq() - signal an interrupt event
 * @hw: the device
 *
 * Raises the interrupt callback (in hard interrupt context, through an
 * irq_work) if an enabled VSVM_PMC_INTR bit is set. Call with no model
 * lock held; does not sleep.
 */
void vsvm_hw_raise_irq(struct vsvm_hw *hw)
{
	unsigned long flags;

	if (!(vsvm_hw_intr_status(hw) & READ_ONCE(hw->intr_en)))
		return;
	spin_lock_irqsave(&hw->irq_lock, flags);
	if (!hw->irq_stopping)
		irq_work_queue(&hw->irq_work);
	spin_unlock_irqrestore(&hw->irq_lock, flags);
}

static void vsvm_hw_irq_work(struct irq_work *work)
{
	struct vsvm_hw *hw = container_of(work, struct vsvm_hw, irq_work);

	/* A line's handler never runs on two CPUs at once. */
	raw_spin_lock(&hw->irq_run_lock);
	if (hw->irq)
		hw->irq(hw, hw->irq_data);
	raw_spin_unlock(&hw->irq_run_lock);
}

static u64 vsvm_hw_pramin(struct vsvm_hw *hw, u32 reg)
{
	u64 base = (u64)FIELD_GET(NV_PBUS_BAR0_WINDOW_BASE,
				  READ_ONCE(hw->bar0_window)) <<
		   NV_PBUS_BAR0_WINDOW_BASE_SHIFT;

	return base + (reg - NV_PRAMIN);
}

/**
 * vsvm_hw_rd32() - read a register
 * @hw: the device
 * @reg: byte offset in the register window (vsvm_regs.h), 4-aligned
 *
 * May be called from any context; never sleeps.
 *
 * Return: the register value, or VSVM_REG_BAD_VALUE for an unmapped
 * offset.
 */
u32 vsvm_hw_rd32(struct vsvm_hw *hw, u32 reg)
{
	u64 val;

	if ((reg & 3) || reg >= VSVM_REG_WINDOW_SIZE)
		return VSVM_REG_BAD_VALUE;

	if (reg >= NV_PRAMIN && reg < NV_PRAMIN + NV_PRAMIN_SIZE) {
		if (vsvm_mem_load(hw, VSVM_TARGET_VID_MEM,
				  vsvm_hw_pramin(hw, reg), 4, &val))
			return VSVM_REG_BAD_VALUE;
		return val;
	}
	if (vsvm_mmu_reg(reg))
		return vsvm_mmu_rd32(hw, reg);
	if (vsvm_fault_reg(reg))
		return vsvm_fault_rd32(hw, reg);
	if (vsvm_exec_reg(reg))
		return vsvm_exec_rd32(hw, reg);
	if (vsvm_ce_reg(reg))
		return vsvm_ce_rd32(hw, reg);

	switch (reg) {
	case NV_PMC_BOOT_0:
		return VSVM_PMC_BOOT_0_ID;
	case VSVM_PMC_INTR:
		return vsvm_hw_intr_status(hw);
	case VSVM_PMC_INTR_EN:
		return READ_ONCE(hw->intr_en);
	case NV_PBUS_BAR0_WINDOW:
		return READ_ONCE(hw->bar0_window);
	case NV_PTIMER_TIME_0:
		return lower_32_bits(vsvm_hw_time_ns());
	case NV_PTIMER_TIME_1:
		return upper_32_bits(vsvm_hw_time_ns());
	case VSVM_CFG_VRAM_SIZE_LO:
		return lower_32_bits(hw->vram.size);
	case VSVM_CFG_VRAM_SIZE_HI:
		return upper_32_bits(hw->vram.size);
	case VSVM_CFG_NUM_EUS:
		return hw->num_eus;
	case VSVM_CFG_ISA_VERSION:
		return VSVM_ISA_VERSION;
	case VSVM_CFG_NUM_CHANNELS:
		return VSVM_NUM_CHANNELS;
	case VSVM_CFG_VA_BITS:
		return VSVM_VA_BITS;
	case VSVM_CFG_PAGE_SIZES:
		return SZ_4K | SZ_64K | SZ_2M;
	case VSVM_IOMMU_FAULTS_LO:
		return lower_32_bits(atomic64_read(&hw->iommu_faults));
	case VSVM_IOMMU_FAULTS_HI:
		return upper_32_bits(atomic64_read(&hw->iommu_faults));
	case VSVM_CFG_DMA_TRANSLATED:
		return !!hw->iommu;
	default:
		return VSVM_REG_BAD_VALUE;
	}
}
EXPORT_SYMBOL_GPL(vsvm_hw_rd32);

/**
 * vsvm_hw_wr32() - write a register
 * @hw: the device
 * @reg: byte offset in the register window (vsvm_regs.h), 4-aligned
 * @val: the value
 *
 * May be called from any context; never sleeps (a PRAMIN write that must
 * back a VRAM page allocates with GFP_ATOMIC and is dropped if that
 * fails).  Writes to unmapped or read-only registers are ignored.
 */
void vsvm_hw_wr32(struct vsvm_hw *hw, u32 reg, u32 val)
{
	if ((reg & 3) || reg >= VSVM_REG_WINDOW_SIZE)
		return;

	if (reg >= NV_PRAMIN && reg < NV_PRAMIN + NV_PRAMIN_SIZE) {
		vsvm_mem_store(hw, VSVM_TARGET_VID_MEM, vsvm_hw_pramin(hw, reg),
			       4, val, GFP_ATOMIC);
		return;
	}
	if (vsvm_mmu_reg(reg)) {
		vsvm_mmu_wr32(hw, reg, val);
		return;
	}
	if (vsvm_fault_reg(reg)) {
		vsvm_fault_wr32(hw, reg, val);
		return;
	}
	if (vsvm_exec_reg(reg)) {
		vsvm_exec_wr32(hw, reg, val);
		return;
	}
	if (vsvm_ce_reg(reg)) {
		vsvm_ce_wr32(hw, reg, val);
		return;
	}

	switch (reg) {
	case VSVM_PMC_INTR_EN:
		WRITE_ONCE(hw->intr_en, val);
		vsvm_hw_raise_irq(hw);
		break;
	case NV_PBUS_BAR0_WINDOW:
		WRITE_ONCE(hw->bar0_window, val & NV_PBUS_BAR0_WINDOW_BASE);
		break;
	default:
		break;
	}
}
EXPORT_SYMBOL_GPL(vsvm_hw_wr32);

/**
 * vsvm_hw_create() - create a virtual GPU
 * @config: parameters (NULL or zero fields: module parameters)
 * @irq: interrupt callback (may be NULL)
 * @irq_data: its argument
 *
 * Starts the execution-unit threads.  Process context.
 *
 * Return: the device, or an ERR_PTR (-EINVAL for bad parameters,
 * -ENOMEM, or the error of starting a thread).
 */
struct vsvm_hw *vsvm_hw_create(const struct vsvm_hw_config *config,
			       vsvm_hw_irq_fn irq, void *irq_data)
{
	const struct vsvm_hw_config none = {};
	struct vsvm_hw *hw;
	int ret;

	if (!config)
		config = &none;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);

	strscpy(hw->name, config->name ? config->name : "vsvm");
	hw->irq = irq;
	hw->irq_data = irq_data;
	if (config->dma_dev) {
		hw->iommu = iommu_get_domain_for_dev(config->dma_dev);
		/* An identity domain passes DMA addresses through. */
		if (hw->iommu && !(hw->iommu->type & __IOMMU_DOMAIN_PAGING))
			hw->iommu = NULL;
	}
	hw->num_eus = config->num_eus ? config->num_eus : vsvm_hw_num_eus;
	hw->vram.size = config->vram_size ? config->vram_size :
			(u64)vsvm_hw_vram_size_mb * SZ_1M;
	if (!hw->num_eus || hw->num_eus > VSVM_MAX_EUS || !hw->vram.size ||
	    !IS_ALIGNED(hw->vram.size, SZ_2M) ||
	    hw->vram.size > VSVM_HW_MAX_VRAM) {
		ret = -EINVAL;
		goto err_free;
	}

	spin_lock_init(&hw->irq_lock);
	raw_spin_lock_init(&hw->irq_run_lock);
	init_irq_work(&hw->irq_work, vsvm_hw_irq_work);

	ret = vsvm_vram_init(&hw->vram, hw->vram.size);
	if (ret)
		goto err_free;
	ret = vsvm_mmu_init(hw);
	if (ret)
		goto err_vram;
	vsvm_fault_init(hw);
	ret = vsvm_ce_init(hw);
	if (ret)
		goto err_mmu;
	ret = vsvm_exec_init(hw);
	if (ret)
		goto err_ce;
	return hw;

err_ce:
	vsvm_ce_fini(hw);
err_mmu:
	vsvm_mmu_fini(hw);
err_vram:
	vsvm_vram_fini(&hw->vram);
err_free:
	kfree(hw);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(vsvm_hw_create);

/**
 * vsvm_hw_destroy() - destroy a virtual GPU
 * @hw: the device (NULL or ERR_PTR is a no-op)
 *
 * Stalled faults are abandoned, the execution units and the copy engine
 * stop, no interrupt callback runs after this returns, and VRAM is freed.
 * Memory the driver gave the GPU (page tables, rings) is not touched after
 * this returns.  Process context; must not be called from the interrupt
 * callback.
 */
void vsvm_hw_destroy(struct vsvm_hw *hw)
{
	unsigned long flags;

	if (IS_ERR_OR_NULL(hw))
		return;

	vsvm_fault_shutdown(hw);
	vsvm_exec_fini(hw);
	vsvm_ce_fini(hw);

	spin_lock_irqsave(&hw->irq_lock, flags);
	hw->irq_stopping = true;
	spin_unlock_irqrestore(&hw->irq_lock, flags);
	irq_work_sync(&hw->irq_work);

	vsvm_mmu_fini(hw);
	vsvm_vram_fini(&hw->vram);
	kfree(hw);
}
EXPORT_SYMBOL_GPL(vsvm_hw_destroy);

MODULE_DESCRIPTION("vsvm virtual GPU model (the silicon under the vsvm driver)");
MODULE_LICENSE("GPL");
