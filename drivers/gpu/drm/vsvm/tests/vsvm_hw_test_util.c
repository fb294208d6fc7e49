// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers of the vsvm virtual GPU KUnit tests.  They use the device the
 * way the driver will: registers, memory the GPU reads by address, and
 * the interrupt callback.  VRAM is written through the PRAMIN window.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>

#include "vsvm_hw_test_util.h"

static void vt_irq(struct vsvm_hw *hw, void *data)
{
	struct vt_env *env = data;

	atomic_inc(&env->irqs);
}

static void vt_env_release(void *data)
{
	struct vt_env *env = data;
	unsigned int i;

	vsvm_hw_destroy(env->hw);
	for (i = 0; i < env->nr_pages; i++)
		__free_page(env->pages[i]);
}

/**
 * vt_alloc_sys() - a zeroed kernel page for the GPU, freed with the test
 * @env: the test environment
 *
 * Return: its physical (= DMA) address; fails the test if none is left.
 */
u64 vt_alloc_sys(struct vt_env *env)
{
	struct page *page;

	KUNIT_ASSERT_LT(env->test, env->nr_pages, VT_MAX_PAGES);
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(env->test, page);
	env->pages[env->nr_pages++] = page;
	return page_to_phys(page);
}

/**
 * vt_alloc_table() - a zeroed 4 KiB table in VRAM or system memory
 * @env: the test environment (@pt_vram selects where)
 * @target: set to the VSVM_TARGET_* of the table
 *
 * Return: the table's address.
 */
u64 vt_alloc_table(struct vt_env *env, u8 *target)
{
	u64 addr;

	if (!env->pt_vram) {
		*target = VSVM_TARGET_SYS_MEM_COHERENT;
		return vt_alloc_sys(env);
	}
	/* Unbacked VRAM reads as zero, and the allocator never reuses. */
	*target = VSVM_TARGET_VID_MEM;
	addr = env->vram_next;
	env->vram_next += PAGE_SIZE;
	KUNIT_ASSERT_LT(env->test, env->vram_next, VT_VRAM_SIZE);
	return addr;
}

static void *vt_map_sys(struct vt_env *env, u64 addr)
{
	return kmap_local_page(pfn_to_page(PHYS_PFN(addr))) +
	       offset_in_page(addr);
}

/**
 * vt_wr32() - write 32 bits of GPU memory as the driver would
 * @env: the test environment
 * @target: VSVM_TARGET_*
 * @addr: 4-aligned address (VRAM through PRAMIN, sysmem by CPU mapping)
 * @val: the value
 */
void vt_wr32(struct vt_env *env, u8 target, u64 addr, u32 val)
{
	__le32 *p;

	if (target == VSVM_TARGET_VID_MEM) {
		vsvm_hw_wr32(env->hw, NV_PBUS_BAR0_WINDOW, addr >> 16);
		vsvm_hw_wr32(env->hw, NV_PRAMIN + (addr & 0xffff), val);
		return;
	}
	p = vt_map_sys(env, addr);
	WRITE_ONCE(*p, cpu_to_le32(val));
	kunmap_local(p);
}

/**
 * vt_rd32() - read 32 bits of GPU memory as the driver would
 * @env: the test environment
 * @target: VSVM_TARGET_*
 * @addr: 4-aligned address
 *
 * Return: the value.
 */
u32 vt_rd32(struct vt_env *env, u8 target, u64 addr)
{
	__le32 *p;
	u32 val;

	if (target == VSVM_TARGET_VID_MEM) {
		vsvm_hw_wr32(env->hw, NV_PBUS_BAR0_WINDOW, addr >> 16);
		return vsvm_hw_rd32(env->hw, NV_PRAMIN + (addr & 0xffff));
	}
	p = vt_map_sys(env, addr);
	val = le32_to_cpu(READ_ONCE(*p));
	kunmap_local(p);
	return val;
}

/**
 * vt_wr64() - write 64 bits of GPU memory (low dword first)
 * @env: the test environment
 * @target: VSVM_TARGET_*
 * @addr: 8-aligned address
 * @val: the value
 */
void vt_wr64(struct vt_env *env, u8 target, u64 addr, u64 val)
{
	vt_wr32(env, target, addr, lower_32_bits(val));
	vt_wr32(env, target, addr + 4, upper_32_bits(val));
}

/**
 * vt_rd64() - read 64 bits of GPU memory
 * @env: the test environment
 * @target: VSVM_TARGET_*
 * @addr: 8-aligned address
 *
 * Return: the value.
 */
u64 vt_rd64(struct vt_env *env, u8 target, u64 addr)
{
	return vt_rd32(env, target, addr) |
	       (u64)vt_rd32(env, target, addr + 4) << 32;
}

/**
 * vt_pte_sys() - a system-memory PTE (SYS_COH), as Nouveau's SVM writes it
 * @phys: 4 KiB-aligned (2 MiB for a 2 MiB page) physical address
 * @flags: extra NV_MMU_VER2_PTE_* bits
 *
 * Return: the PTE.
 */
u64 vt_pte_sys(u64 phys, u64 flags)
{
	return NV_MMU_VER2_PTE_VALID |
	       FIELD_PREP(NV_MMU_VER2_PTE_APERTURE,
			  NV_MMU_VER2_PTE_APERTURE_SYSTEM_COHERENT_MEMORY) |
	       (phys >> 4) | flags;
}

/**
 * vt_pte_vid() - a VRAM PTE
 * @vram: aligned VRAM address
 * @flags: extra NV_MMU_VER2_PTE_* bits
 *
 * Return: the PTE.
 */
u64 vt_pte_vid(u64 vram, u64 flags)
{
	return NV_MMU_VER2_PTE_VALID | (vram >> 4) | flags;
}

/**
 * vt_pde() - a PD3/PD2/PD1 entry (or the small half of a dual PDE)
 * @target: VSVM_TARGET_* of the table pointed at
 * @addr: 4 KiB-aligned table address
 *
 * Return: the PDE, in the PDE aperture encoding.
 */
u64 vt_pde(u8 target, u64 addr)
{
	u64 ap = target == VSVM_TARGET_VID_MEM ?
		 NV_MMU_VER2_PDE_APERTURE_VIDEO_MEMORY : target;

	return FIELD_PREP(NV_MMU_VER2_PDE_APERTURE, ap) | (addr >> 4);
}

/* Return the table an entry points at, creating it if absent. */
static u64 vt_next_table(struct vt_env *env, u8 *target, u64 entry_addr,
			 u64 (*encode)(u8, u64), unsigned int aperture_shift)
{
	u64 pde = vt_rd64(env, *target, entry_addr);
	u64 ap = (pde >> aperture_shift) & 3;
	u8 new_target;
	u64 table;

	if (ap) {
		*target = ap == NV_MMU_VER2_PDE_APERTURE_VIDEO_MEMORY ?
			  VSVM_TARGET_VID_MEM : ap;
		return ((pde >> 8) & GENMASK_ULL(45, 0)) << 12;
	}
	table = vt_alloc_table(env, &new_target);
	vt_wr64(env, *target, entry_addr, encode(new_target, table));
	*target = new_target;
	return table;
}

static u64 vt_big_pde(u8 target, u64 addr)
{
	u64 ap = target == VSVM_TARGET_VID_MEM ?
		 NV_MMU_VER2_PDE_APERTURE_VIDEO_MEMORY : target;

	return FIELD_PREP(NV_MMU_VER2_DUAL_PDE_APERTURE_BIG, ap) |
	       ((addr >> 8) << 4);
}

/* Address of the PD0 entry of @va, creating PD2/PD1/PD0 as needed. */
static u64 vt_pd0_entry(struct vt_env *env, u64 va, u8 *target)
{
	u64 table = env->pd3;

	*target = env->pd_target;
	table = vt_next_table(env, target, table + ((va >> 47) & 3) * 8,
			      vt_pde, 1);
	table = vt_next_table(env, target, table + ((va >> 38) & 511) * 8,
			      vt_pde, 1);
	table = vt_next_table(env, target, table + ((va >> 29) & 511) * 8,
			      vt_pde, 1);
	return table + ((va >> 21) & 255) * 16;
}

/**
 * vt_pte_addr() - where the PTE of @va lives, creating tables as needed
 * @env: the test environment
 * @va: virtual address
 * @shift: page shift (12, 16, or 21 for the PD0 entry itself)
 * @target: set to the aperture of the PTE's table
 *
 * Return: the PTE's address.
 */
u64 vt_pte_addr(struct vt_env *env, u64 va, unsigned int shift, u8 *target)
{
	u64 pd0 = vt_pd0_entry(env, va, target);
	u64 table;

	if (shift == 21)
		return pd0;
	if (shift == 16) {
		/* 64 KiB table; a whole 4 KiB page is used for simplicity. */
		table = vt_next_table(env, target, pd0, vt_big_pde, 1);
		return table + ((va >> 16) & 31) * 8;
	}
	table = vt_next_table(env, target, pd0 + 8, vt_pde, 1);
	return table + ((va >> 12) & 511) * 8;
}

/**
 * vt_set_pte() - write the PTE of @va (tables created as needed)
 * @env: the test environment
 * @va: virtual address
 * @pte: the PTE
 * @shift: page shift: 12, 16 or 21
 */
void vt_set_pte(struct vt_env *env, u64 va, u64 pte, unsigned int shift)
{
	u8 target;
	u64 addr = vt_pte_addr(env, va, shift, &target);

	vt_wr64(env, target, addr, pte);
}

/**
 * vt_map_data() - back @va with a new kernel page
 * @env: the test environment
 * @va: 4 KiB-aligned virtual address
 * @flags: extra PTE bits
 *
 * Return: the page's physical address.
 */
u64 vt_map_data(struct vt_env *env, u64 va, u64 flags)
{
	u64 phys = vt_alloc_sys(env);

	vt_set_pte(env, va, vt_pte_sys(phys, flags), 12);
	return phys;
}

/**
 * vt_load_rv64() - put a RISC-V program in a new page mapped read-only
 * @env: the test environment
 * @va: 4 KiB-aligned virtual address
 * @insns: instruction words
 * @n: number of instructions (at most 1024)
 *
 * Return: the page's physical address.
 */
u64 vt_load_rv64(struct vt_env *env, u64 va, const u32 *insns,
		 unsigned int n)
{
	u64 phys = vt_alloc_sys(env);
	unsigned int i;

	KUNIT_ASSERT_LE(env->test, n, PAGE_SIZE / 4);
	for (i = 0; i < n; i++)
		vt_wr32(env, VSVM_TARGET_SYS_MEM_COHERENT, phys + 4 * i,
			insns[i]);
	vt_set_pte(env, va, vt_pte_sys(phys, NV_MMU_VER2_PTE_READ_ONLY), 12);
	return phys;
}

/**
 * vt_launch_grid() - launch a RISC-V program over a grid on channel @ch
 * @env: the test environment
 * @ch: channel (bound)
 * @prog_va: program address
 * @g: geometry: local_size[3], num_groups[3], local_mem_size and
 *	stack_size (0 for the default) as in the descriptor, and flags
 * @args: arguments (may be NULL)
 * @nargs: number of @args
 * @budget: instruction budget (0 = default)
 * @seq: sequence number
 */
void vt_launch_grid(struct vt_env *env, unsigned int ch, u64 prog_va,
		    const struct vt_grid *g, const u64 *args,
		    unsigned int nargs, u32 budget, u32 seq)
{
	const u8 t = VSVM_TARGET_SYS_MEM_COHERENT;
	unsigned int i;
	u64 d;

	KUNIT_ASSERT_LT(env->test, env->desc_next,
			PAGE_SIZE / VSVM_LAUNCH_DESC_SIZE);
	d = env->desc + env->desc_next++ * VSVM_LAUNCH_DESC_SIZE;
	vt_wr64(env, t, d + VSVM_LAUNCH_DESC_PROGRAM_VA, prog_va);
	vt_wr32(env, t, d + VSVM_LAUNCH_DESC_FLAGS, g->flags);
	vt_wr32(env, t, d + VSVM_LAUNCH_DESC_INSN_BUDGET, budget);
	for (i = 0; i < 3; i++) {
		vt_wr32(env, t, d + VSVM_LAUNCH_DESC_LOCAL_SIZE + 4 * i,
			g->local_size[i]);
		vt_wr32(env, t, d + VSVM_LAUNCH_DESC_NUM_GROUPS + 4 * i,
			g->num_groups[i]);
	}
	vt_wr32(env, t, d + VSVM_LAUNCH_DESC_LOCAL_MEM, g->local_mem_size);
	vt_wr32(env, t, d + VSVM_LAUNCH_DESC_STACK,
		g->stack_size ? g->stack_size : VSVM_RV_DEFAULT_STACK);
	for (i = 0; i < nargs && i < VSVM_LAUNCH_NUM_ARGS; i++)
		vt_wr64(env, t, d + VSVM_LAUNCH_DESC_ARGS + 8 * i, args[i]);

	vsvm_hw_wr32(env->hw, VSVM_CHAN_LAUNCH_LO(ch), lower_32_bits(d) | t);
	vsvm_hw_wr32(env->hw, VSVM_CHAN_LAUNCH_HI(ch), upper_32_bits(d));
	vsvm_hw_wr32(env->hw, VSVM_CHAN_DOORBELL(ch), seq);
}

/**
 * vt_launch_rv64() - launch a RISC-V program as @threads one-thread groups
 * @env: the test environment
 * @ch: channel (bound)
 * @prog_va: program address
 * @threads: thread (and work-group) count
 * @args: arguments (may be NULL)
 * @nargs: number of @args
 * @budget: instruction budget (0 = default)
 * @seq: sequence number
 */
void vt_launch_rv64(struct vt_env *env, unsigned int ch, u64 prog_va,
		    u32 threads, const u64 *args, unsigned int nargs,
		    u32 budget, u32 seq)
{
	const struct vt_grid g = { { 1, 1, 1 }, { threads, 1, 1 } };

	vt_launch_grid(env, ch, prog_va, &g, args, nargs, budget, seq);
}

/**
 * vt_bind() - bind channel @ch to the test's instance block
 * @env: the test environment
 * @ch: channel
 */
void vt_bind(struct vt_env *env, unsigned int ch)
{
	vsvm_hw_wr32(env->hw, NV_PCCSR_CHANNEL_INST(ch),
		     NV_PCCSR_CHANNEL_INST_BIND |
		     FIELD_PREP(NV_PCCSR_CHANNEL_INST_TARGET, env->inst_target) |
		     (u32)(env->inst >> 12));
}

/**
 * vt_wait_seq() - wait until channel @ch completed launch @seq and is idle
 * @env: the test environment
 * @ch: channel
 * @seq: sequence number
 *
 * Return: true if it did within VT_TIMEOUT_MS.
 */
bool vt_wait_seq(struct vt_env *env, unsigned int ch, u32 seq)
{
	unsigned long end = jiffies + msecs_to_jiffies(VT_TIMEOUT_MS);

	do {
		if (vsvm_hw_rd32(env->hw, VSVM_CHAN_SEQ_DONE(ch)) == seq &&
		    !(vsvm_hw_rd32(env->hw, VSVM_CHAN_STATUS(ch)) &
		      VSVM_CHAN_STATUS_BUSY))
			return true;
		usleep_range(200, 1000);
	} while (time_before(jiffies, end));
	return false;
}

/**
 * vt_wait_irqs() - wait until the interrupt callback ran @count times
 * @env: the test environment
 * @count: number of calls
 *
 * Return: true if it did within VT_TIMEOUT_MS.
 */
bool vt_wait_irqs(struct vt_env *env, int count)
{
	unsigned long end = jiffies + msecs_to_jiffies(VT_TIMEOUT_MS);

	do {
		if (atomic_read(&env->irqs) >= count)
			return true;
		usleep_range(200, 1000);
	} while (time_before(jiffies, end));
	return false;
}

/**
 * vt_fault_buffer_setup() - give the GPU a replayable fault buffer
 * @env: the test environment
 * @entries: size in packets (2..128)
 */
void vt_fault_buffer_setup(struct vt_env *env, u32 entries)
{
	const unsigned int b = NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY;

	KUNIT_ASSERT_LE(env->test, entries * VSVM_FAULT_PACKET_SIZE, PAGE_SIZE);
	if (!env->fb)
		env->fb = vt_alloc_sys(env);
	env->fb_entries = entries;
	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_FAULT_BUFFER_LO(b),
		     lower_32_bits(env->fb) |
		     FIELD_PREP(NV_PFB_PRI_MMU_FAULT_BUFFER_LO_PHYS_APERTURE,
				VSVM_TARGET_SYS_MEM_COHERENT));
	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_FAULT_BUFFER_HI(b),
		     upper_32_bits(env->fb));
	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE(b),
		     entries | NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_ENABLE);
}

/**
 * vt_wait_put() - wait until the replayable buffer's PUT is @put
 * @env: the test environment
 * @put: expected PUT index
 *
 * Return: true if it became @put within VT_TIMEOUT_MS.
 */
bool vt_wait_put(struct vt_env *env, u32 put)
{
	unsigned long end = jiffies + msecs_to_jiffies(VT_TIMEOUT_MS);
	u32 reg = NV_PFB_PRI_MMU_FAULT_BUFFER_PUT(1);

	do {
		if ((vsvm_hw_rd32(env->hw, reg) &
		     NV_PFB_PRI_MMU_FAULT_BUFFER_PUT_PTR) == put)
			return true;
		usleep_range(200, 1000);
	} while (time_before(jiffies, end));
	return false;
}

/**
 * vt_read_packet() - copy a fault packet and clear its VALID bit
 * @env: the test environment
 * @index: packet index
 * @dw: the eight dwords
 */
void vt_read_packet(struct vt_env *env, u32 index, u32 *dw)
{
	u64 addr = env->fb + (u64)index * VSVM_FAULT_PACKET_SIZE;
	unsigned int i;

	for (i = 0; i < 8; i++)
		dw[i] = vt_rd32(env, VSVM_TARGET_SYS_MEM_COHERENT, addr + 4 * i);
	vt_wr32(env, VSVM_TARGET_SYS_MEM_COHERENT, addr + 28,
		dw[7] & ~NV_MMU_FAULT_BUF_ENTRY_VALID);
}

/**
 * vt_invalidate() - write NV_PFB_PRI_MMU_INVALIDATE and wait for it
 * @env: the test environment
 * @val: the value (TRIGGER is added)
 */
void vt_invalidate(struct vt_env *env, u32 val)
{
	unsigned long end = jiffies + msecs_to_jiffies(VT_TIMEOUT_MS);

	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_INVALIDATE,
		     val | NV_PFB_PRI_MMU_INVALIDATE_TRIGGER);
	while (!(vsvm_hw_rd32(env->hw, NV_PFB_PRI_MMU_CTRL) &
		 NV_PFB_PRI_MMU_CTRL_PRI_FIFO_EMPTY)) {
		KUNIT_ASSERT_TRUE(env->test, time_before(jiffies, end));
		usleep_range(100, 500);
	}
}

/**
 * vt_replay() - invalidate everything and replay, as Nouveau does (0xb)
 * @env: the test environment
 */
void vt_replay(struct vt_env *env)
{
	vt_invalidate(env, NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
		      NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB |
		      FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_REPLAY,
				 NV_PFB_PRI_MMU_INVALIDATE_REPLAY_START));
}

/**
 * vt_translate() - translate through the model's MMU directly
 * @env: the test environment
 * @va: virtual address
 * @access: VSVM_FAULT_ACCESS_*
 * @priv: privileged access
 * @xl: the translation
 * @fault_type: the fault type on -ENOENT
 *
 * Return: as vsvm_mmu_translate().
 */
int vt_translate(struct vt_env *env, u64 va, u8 access, bool priv,
		 struct vsvm_xlate *xl, u8 *fault_type)
{
	struct vsvm_pdb pdb = { .target = env->pd_target, .addr = env->pd3 };
	u64 bad = 0;

	return vsvm_mmu_translate(env->hw, &pdb, va, access, priv, xl,
				  fault_type, &bad);
}

/**
 * vt_env_create() - a device with an empty address space and channel 0
 *	bound to it
 * @test: the test
 * @pt_vram: page tables and instance block in VRAM (else system memory)
 * @num_eus: execution units
 *
 * Everything is released when the test ends.
 *
 * Return: the environment (the test is aborted on failure).
 */
struct vt_env *vt_env_create(struct kunit *test, bool pt_vram,
			     unsigned int num_eus)
{
	struct vsvm_hw_config cfg = {
		.vram_size = VT_VRAM_SIZE,
		.num_eus = num_eus,
		.name = "vsvm-test",
	};
	struct vt_env *env;
	u32 lo;
	int ret;

	env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env);
	env->test = test;
	env->pt_vram = pt_vram;
	env->vram_next = VT_VRAM_TABLES;
	atomic_set(&env->irqs, 0);

	env->hw = vsvm_hw_create(&cfg, vt_irq, env);
	KUNIT_ASSERT_FALSE(test, IS_ERR(env->hw));
	ret = kunit_add_action_or_reset(test, vt_env_release, env);
	KUNIT_ASSERT_EQ(test, ret, 0);

	env->pd3 = vt_alloc_table(env, &env->pd_target);
	env->inst = vt_alloc_table(env, &env->inst_target);
	lo = FIELD_PREP(NV_RAMIN_PAGE_DIR_BASE_TARGET, env->pd_target) |
	     NV_RAMIN_USE_VER2_PT_FORMAT | NV_RAMIN_BIG_PAGE_SIZE |
	     (lower_32_bits(env->pd3) & NV_RAMIN_PAGE_DIR_BASE_LO);
	vt_wr32(env, env->inst_target,
		env->inst + NV_RAMIN_PAGE_DIR_BASE_LO_OFFSET, lo);
	vt_wr32(env, env->inst_target,
		env->inst + NV_RAMIN_PAGE_DIR_BASE_HI_OFFSET,
		upper_32_bits(env->pd3));
	env->desc = vt_alloc_sys(env);
	vt_bind(env, 0);
	return env;
}

MODULE_DESCRIPTION("KUnit tests of the vsvm virtual GPU model");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
