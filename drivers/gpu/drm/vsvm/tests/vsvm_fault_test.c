// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vsvm virtual GPU fault buffer: the packet layout bit
 * by bit, every access type, replay and cancel, GET/PUT wrap, overflow
 * with no fault lost, a disabled buffer, interrupts, teardown with a
 * fault pending.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/timekeeping.h>

#include "vsvm_hw_test_util.h"
#include "vsvm_rv64_encode.h"

#define VT_SYS		VSVM_TARGET_SYS_MEM_COHERENT
#define VT_GET		NV_PFB_PRI_MMU_FAULT_BUFFER_GET(1)
#define VT_PUT		NV_PFB_PRI_MMU_FAULT_BUFFER_PUT(1)
#define VT_RESULT_VA	(VT_DATA_VA + 0x100000)

/* Load at VT_PROG_VA: x2 = *(u64 *)(arg0 + 0x18); *(u64 *)arg1 = x2. */
static void vt_load_prog_read(struct vt_env *env)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_LD(2, 1, 0x18),
		RV_CSRR(3, VSVM_RV_CSR_ARG(1)),
		RV_SD(2, 3, 0),
		RV_ECALL,
	};

	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
}

static u32 vt_dw7(u8 fault_type, u8 access, u32 gpc)
{
	return FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_FAULT_TYPE, fault_type) |
	       NV_MMU_FAULT_BUF_ENTRY_REPLAYABLE_FAULT |
	       FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_CLIENT, VSVM_FAULT_CLIENT_EU) |
	       FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_ACCESS_TYPE, access) |
	       FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_GPC_ID, gpc) |
	       NV_MMU_FAULT_BUF_ENTRY_REPLAYABLE_FAULT_EN |
	       NV_MMU_FAULT_BUF_ENTRY_VALID;
}

static u64 vt_packet_addr(const u32 *dw)
{
	return (u64)dw[3] << 32 | (dw[2] & NV_MMU_FAULT_BUF_ENTRY_ADDR_LO);
}

static void vt_packet_layout(struct kunit *test, bool pt_vram)
{
	struct vt_env *env = vt_env_create(test, pt_vram, 2);
	u64 args[2] = { VT_DATA_VA + 0x5000, VT_RESULT_VA };
	u64 t0, t1, ts, data, result;
	u32 dw[8], gpc;

	vsvm_hw_wr32(env->hw, VSVM_PMC_INTR_EN, ~0U);
	vt_fault_buffer_setup(env, 8);
	vt_load_prog_read(env);
	result = vt_map_data(env, VT_RESULT_VA, 0);
	vt_map_data(env, VT_DATA_VA, 0);	/* the PT exists: PTE fault */

	t0 = ktime_get_ns();
	vt_launch_rv64(env, 0, VT_PROG_VA, 1, args, 2, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_put(env, 1));
	t1 = ktime_get_ns();

	vt_read_packet(env, 0, dw);
	KUNIT_EXPECT_EQ(test, dw[0],
			FIELD_PREP(NV_MMU_FAULT_BUF_ENTRY_INST_APERTURE,
				   env->inst_target) |
			(lower_32_bits(env->inst) & 0xfffff000));
	KUNIT_EXPECT_EQ(test, dw[1], upper_32_bits(env->inst));
	KUNIT_EXPECT_EQ(test, dw[2], lower_32_bits(args[0]));
	KUNIT_EXPECT_EQ(test, dw[3], upper_32_bits(args[0]));
	ts = (u64)dw[5] << 32 | dw[4];
	KUNIT_EXPECT_GE(test, ts, t0);
	KUNIT_EXPECT_LE(test, ts, t1);
	KUNIT_EXPECT_EQ(test, dw[6], VSVM_FAULT_ENGINE_ID_COMPUTE);
	gpc = FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_GPC_ID, dw[7]);
	KUNIT_EXPECT_LT(test, gpc, 2);
	KUNIT_EXPECT_EQ(test, dw[7], vt_dw7(VSVM_FAULT_TYPE_PTE,
					    VSVM_FAULT_ACCESS_READ, gpc));
	/* VALID cleared by software; the GPU wrote nothing else. */
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, env->fb + 28) >> 31, 0);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, env->fb + 32 + 28), 0);

	KUNIT_EXPECT_NE(test, vsvm_hw_rd32(env->hw, VSVM_PMC_INTR) &
			VSVM_PMC_INTR_FAULT_REPLAYABLE, 0);
	KUNIT_EXPECT_TRUE(test, vt_wait_irqs(env, 1));

	/* Service: map the page, consume the packet, replay. */
	data = vt_map_data(env, VT_DATA_VA + 0x5000, 0);
	vt_wr64(env, VT_SYS, data + 0x18, 0x1122334455667788ULL);
	vsvm_hw_wr32(env->hw, VT_GET, 1);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_PMC_INTR) &
			VSVM_PMC_INTR_FAULT_REPLAYABLE, 0);
	vt_replay(env);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			VSVM_CHAN_ERR_NONE);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, result),
			0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VT_PUT), 1);
}

static void vsvm_fault_packet_layout_sysmem(struct kunit *test)
{
	vt_packet_layout(test, false);
}

static void vsvm_fault_packet_layout_vram(struct kunit *test)
{
	vt_packet_layout(test, true);
}

/* One access of each type on arg0, faulting first. */
static void vsvm_fault_access_types(struct kunit *test)
{
	const u32 progs[4][3] = {
		{ RV_CSRR(1, VSVM_RV_CSR_ARG(0)), RV_LW(2, 1, 0), RV_ECALL },
		{ RV_CSRR(1, VSVM_RV_CSR_ARG(0)), RV_SW(1, 1, 0), RV_ECALL },
		{ RV_CSRR(1, VSVM_RV_CSR_ARG(0)), RV_AMO(0x00, 0, 2, 2, 1, 1),
		  RV_ECALL },
		/* PREFETCH.R 0(x1) */
		{ RV_CSRR(1, VSVM_RV_CSR_ARG(0)), RV_I(0x13, 6, 0, 1, 1),
		  RV_ECALL },
	};
	static const u8 types[4] = {
		VSVM_FAULT_TYPE_PTE, VSVM_FAULT_TYPE_RO_VIOLATION,
		VSVM_FAULT_TYPE_ATOMIC_VIOLATION, VSVM_FAULT_TYPE_PTE,
	};
	static const u64 flags[4] = {
		0, NV_MMU_VER2_PTE_READ_ONLY, NV_MMU_VER2_PTE_ATOMIC_DISABLE, 0,
	};
	struct vt_env *env = vt_env_create(test, false, 1);
	unsigned int i;
	u32 dw[8];

	vt_fault_buffer_setup(env, 8);
	vt_map_data(env, VT_DATA_VA, 0);
	for (i = 0; i < 4; i++) {
		u64 va = VT_DATA_VA + 0x1000 * (i + 1) + 4 * i;
		u64 pva = VT_PROG_VA + 0x1000 * i;

		vt_load_rv64(env, pva, progs[i], 3);
		if (flags[i])
			vt_map_data(env, va & PAGE_MASK, flags[i]);
		vt_launch_rv64(env, 0, pva, 1, &va, 1, 0, i + 1);
		KUNIT_ASSERT_TRUE(test, vt_wait_put(env, i + 1));
		vt_read_packet(env, i, dw);
		KUNIT_EXPECT_EQ(test, vt_packet_addr(dw), va & PAGE_MASK);
		KUNIT_EXPECT_EQ_MSG(test, dw[7], vt_dw7(types[i], i, 0),
				    "access %u", i);
		vsvm_hw_wr32(env->hw, VT_GET, i + 1);
		if (i != VSVM_FAULT_ACCESS_PREFETCH) {
			vt_set_pte(env, va & PAGE_MASK,
				   vt_pte_sys(vt_alloc_sys(env), 0), 12);
			vt_replay(env);
		}
		/* A prefetch never waits for a replay. */
		KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, i + 1));
		KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw,
						   VSVM_CHAN_ERR_CODE(0)), 0);
	}
}

/* Name the instance block of a targeted cancel in the PDB registers. */
static void vt_cancel_instance(struct vt_env *env, const u32 *dw, u64 delta)
{
	u64 inst = (((u64)dw[1] << 32) |
		    (dw[0] & NV_MMU_FAULT_BUF_ENTRY_INST_LO)) + delta;
	bool sys = FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_INST_APERTURE, dw[0]) !=
		   VSVM_TARGET_VID_MEM;

	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_INVALIDATE_PDB,
		     (sys ? NV_PFB_PRI_MMU_INVALIDATE_PDB_APERTURE : 0) |
		     FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_PDB_ADDR,
				(u32)(inst >> 12)));
	vsvm_hw_wr32(env->hw, NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB,
		     FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB_ADDR,
				(u32)(inst >> 40)));
}

static void vt_cancel(struct kunit *test, bool global)
{
	struct vt_env *env = vt_env_create(test, false, 2);
	u64 args[2] = { VT_DATA_VA + 0x7000, VT_RESULT_VA };
	u32 dw[8], gpc, val, wrong;

	vt_fault_buffer_setup(env, 8);
	vt_load_prog_read(env);
	vt_map_data(env, VT_RESULT_VA, 0);
	vt_launch_rv64(env, 0, VT_PROG_VA, 1, args, 2, 0, 7);
	KUNIT_ASSERT_TRUE(test, vt_wait_put(env, 1));
	vt_read_packet(env, 0, dw);
	vsvm_hw_wr32(env->hw, VT_GET, 1);
	gpc = FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_GPC_ID, dw[7]);

	/*
	 * A targeted cancel of the other unit does not release it, nor does
	 * one of this unit for another instance block (a stale cancel).
	 */
	if (!global) {
		wrong = FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_REPLAY,
				   NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_TARGETED) |
			NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
			NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB |
			FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_CLIENT_ID,
				   FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_CLIENT,
					     dw[7]));
		vt_cancel_instance(env, dw, 0);
		vt_invalidate(env, wrong |
			      FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_GPC_ID,
					 gpc ^ 1));
		vt_cancel_instance(env, dw, PAGE_SIZE);
		vt_invalidate(env, wrong |
			      FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_GPC_ID,
					 gpc));
		msleep(20);
		KUNIT_EXPECT_NE(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_STATUS(0)) &
				VSVM_CHAN_STATUS_BUSY, 0);
		vt_cancel_instance(env, dw, 0);
	}

	val = NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
	      NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB;
	if (global)
		val |= FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_REPLAY,
				  NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_GLOBAL);
	else
		val |= FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_REPLAY,
				  NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_TARGETED) |
		       FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_GPC_ID, gpc) |
		       FIELD_PREP(NV_PFB_PRI_MMU_INVALIDATE_CANCEL_CLIENT_ID,
				  FIELD_GET(NV_MMU_FAULT_BUF_ENTRY_CLIENT, dw[7]));
	vt_invalidate(env, val);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 7));

	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			VSVM_CHAN_ERR_MMU_FAULT);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_ADDR_LO(0)),
			lower_32_bits(args[0] + 0x18));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_ADDR_HI(0)),
			upper_32_bits(args[0] + 0x18));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_INFO(0)),
			FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
				   VSVM_FAULT_ACCESS_READ) |
			FIELD_PREP(VSVM_CHAN_ERR_INFO_FAULT_TYPE,
				   VSVM_FAULT_TYPE_PTE));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_PC_LO(0)),
			lower_32_bits(VT_PROG_VA + 4));	/* the load */
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_SEQ(0)), 7);
	KUNIT_EXPECT_NE(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_STATUS(0)) &
			VSVM_CHAN_STATUS_ERROR, 0);
	vsvm_hw_wr32(env->hw, VSVM_CHAN_ERR_CODE(0), 0);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_STATUS(0)), 0);
}

static void vsvm_fault_cancel_targeted(struct kunit *test)
{
	vt_cancel(test, false);
}

static void vsvm_fault_cancel_global(struct kunit *test)
{
	vt_cancel(test, true);
}

/* Six faults in a row through a 4-entry buffer: PUT and GET wrap. */
static void vsvm_fault_get_put_wrap(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_ADDI(4, 0, 6),
		RV_U(0x37, 5, 0x1000),			/* LUI: x5 = 4096 */
		RV_LD(2, 1, 0),				/* loop: */
		RV_ADD(1, 1, 5),
		RV_ADDI(4, 4, -1),
		RV_B(1, 4, 0, -12),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, true, 1);
	u64 base = VT_DATA_VA + 0x10000;
	unsigned int i;
	u32 dw[8];

	vt_fault_buffer_setup(env, 4);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_launch_rv64(env, 0, VT_PROG_VA, 1, &base, 1, 0, 1);
	for (i = 0; i < 6; i++) {
		KUNIT_ASSERT_TRUE(test, vt_wait_put(env, (i + 1) % 4));
		vt_read_packet(env, i % 4, dw);
		KUNIT_EXPECT_EQ(test, vt_packet_addr(dw), base + 0x1000 * i);
		vt_map_data(env, base + 0x1000 * i, 0);
		vsvm_hw_wr32(env->hw, VT_GET, (i + 1) % 4);
		vt_replay(env);
	}
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VT_GET), 2);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VT_PUT), 2);
}

/* A 2-entry buffer holds one packet: the second fault is dropped, then
 * raised again by the replay.
 */
static void vsvm_fault_overflow(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(5, VSVM_RV_CSR_GROUP_ID(0)),
		RV_SLLI(5, 5, 12),
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_ADD(1, 1, 5),
		RV_LD(2, 1, 0),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, false, 2);
	u64 base = VT_DATA_VA + 0x20000;
	unsigned long end;
	u64 first, second;
	u32 dw[8];

	vt_fault_buffer_setup(env, 2);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_launch_rv64(env, 0, VT_PROG_VA, 2, &base, 1, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_put(env, 1));
	end = jiffies + msecs_to_jiffies(VT_TIMEOUT_MS);
	while (!(vsvm_hw_rd32(env->hw, VT_GET) &
		 NV_PFB_PRI_MMU_FAULT_BUFFER_GET_OVERFLOW)) {
		KUNIT_ASSERT_TRUE(test, time_before(jiffies, end));
		usleep_range(200, 1000);
	}
	KUNIT_EXPECT_NE(test, vsvm_hw_rd32(env->hw, VT_PUT) &
			NV_PFB_PRI_MMU_FAULT_BUFFER_PUT_OVERFLOW, 0);
	KUNIT_EXPECT_NE(test, vsvm_hw_rd32(env->hw, VSVM_PMC_INTR) &
			VSVM_PMC_INTR_FAULT_OVERFLOW, 0);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VT_PUT) &
			NV_PFB_PRI_MMU_FAULT_BUFFER_PUT_PTR, 1);

	vt_read_packet(env, 0, dw);
	first = vt_packet_addr(dw);
	KUNIT_EXPECT_TRUE(test, first == base || first == base + 0x1000);
	vsvm_hw_wr32(env->hw, VT_GET, 1 | NV_PFB_PRI_MMU_FAULT_BUFFER_GET_OVERFLOW);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VT_GET), 1);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_PMC_INTR) &
			VSVM_PMC_INTR_FAULT_OVERFLOW, 0);
	vt_map_data(env, first, 0);
	vt_replay(env);

	/* The dropped fault comes back. */
	KUNIT_ASSERT_TRUE(test, vt_wait_put(env, 0));
	vt_read_packet(env, 1, dw);
	second = vt_packet_addr(dw);
	KUNIT_EXPECT_EQ(test, first ^ second, 0x1000);
	vt_map_data(env, second, 0);
	vsvm_hw_wr32(env->hw, VT_GET, 0);
	vt_replay(env);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)), 0);
}

static void vsvm_fault_buffer_disabled(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 args[2] = { VT_DATA_VA, VT_RESULT_VA };

	vt_load_prog_read(env);
	vt_launch_rv64(env, 0, VT_PROG_VA, 1, args, 2, 0, 3);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 3));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			VSVM_CHAN_ERR_MMU_FAULT);
	KUNIT_EXPECT_NE(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_INFO(0)) &
			VSVM_CHAN_ERR_INFO_NONREPLAYABLE, 0);
}

static void vsvm_fault_interrupts(struct kunit *test)
{
	static const u32 prog[] = { RV_ECALL };
	struct vt_env *env = vt_env_create(test, false, 1);

	vt_load_rv64(env, VT_PROG_VA, prog, 1);
	vt_bind(env, 33);
	vt_launch_rv64(env, 33, VT_PROG_VA, 4, NULL, 0, 0, 5);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 33, 5));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_INTR(1)), BIT(1));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_PMC_INTR),
			VSVM_PMC_INTR_CHANNEL);
	/* Masked until enabled; enabling with a pending bit interrupts. */
	KUNIT_EXPECT_EQ(test, atomic_read(&env->irqs), 0);
	vsvm_hw_wr32(env->hw, VSVM_PMC_INTR_EN, VSVM_PMC_INTR_CHANNEL);
	KUNIT_EXPECT_TRUE(test, vt_wait_irqs(env, 1));
	vsvm_hw_wr32(env->hw, VSVM_CHAN_INTR(1), BIT(1));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_PMC_INTR), 0);
}

/* Destroying the device with a fault stalled must not hang or leak. */
static void vsvm_fault_teardown_pending(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, true, 2);
	u64 args[2] = { VT_DATA_VA, VT_RESULT_VA };

	vt_fault_buffer_setup(env, 8);
	vt_load_prog_read(env);
	vt_launch_rv64(env, 0, VT_PROG_VA, 2, args, 2, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_put(env, 2));
	/* The test's cleanup destroys the device now. */
}

static struct kunit_case vsvm_fault_test_cases[] = {
	KUNIT_CASE(vsvm_fault_packet_layout_sysmem),
	KUNIT_CASE(vsvm_fault_packet_layout_vram),
	KUNIT_CASE(vsvm_fault_access_types),
	KUNIT_CASE(vsvm_fault_cancel_targeted),
	KUNIT_CASE(vsvm_fault_cancel_global),
	KUNIT_CASE(vsvm_fault_get_put_wrap),
	KUNIT_CASE(vsvm_fault_overflow),
	KUNIT_CASE(vsvm_fault_buffer_disabled),
	KUNIT_CASE(vsvm_fault_interrupts),
	KUNIT_CASE(vsvm_fault_teardown_pending),
	{}
};

static struct kunit_suite vsvm_fault_test_suite = {
	.name = "vsvm_hw_fault",
	.test_cases = vsvm_fault_test_cases,
};

kunit_test_suite(vsvm_fault_test_suite);
