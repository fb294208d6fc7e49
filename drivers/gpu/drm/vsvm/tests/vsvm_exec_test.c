// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vsvm compute engine with RISC-V programs: atomics
 * from many threads on two execution units, bad physical addresses,
 * launch queues and channels side by side, privileged pages, each
 * launch's own status, killing and draining a channel, stale TLB entries
 * seen by a program, and descriptors the engine refuses.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/delay.h>

#include "vsvm_hw_test_util.h"
#include "vsvm_rv64_encode.h"

#define VT_SYS		VSVM_TARGET_SYS_MEM_COHERENT
#define VT_OUT_VA	(VT_DATA_VA + 0x100000)

/* A grid of @n work-groups of one thread. */
#define VT_GRID_1D(n)	{ { 1, 1, 1 }, { (n), 1, 1 }, 0, 0, 0 }

static void vt_exec_expect_error(struct kunit *test, struct vt_env *env,
				 u32 seq, u32 code, u64 addr, u64 pc)
{
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, seq));
	KUNIT_EXPECT_EQ_MSG(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			    code, "launch %u", seq);
	KUNIT_EXPECT_EQ_MSG(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_SEQ(0)),
			    seq, "launch %u", seq);
	if (addr != ~0ULL)
		KUNIT_EXPECT_EQ_MSG(test,
				    (u64)vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_ADDR_HI(0)) << 32 |
				    vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_ADDR_LO(0)),
				    addr, "launch %u", seq);
	if (pc != ~0ULL)
		KUNIT_EXPECT_EQ_MSG(test,
				    (u64)vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_PC_HI(0)) << 32 |
				    vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_PC_LO(0)),
				    pc, "launch %u", seq);
	vsvm_hw_wr32(env->hw, VSVM_CHAN_ERR_CODE(0), 0);
}

static u32 vt_desc_status(struct vt_env *env, unsigned int slot)
{
	return vt_rd32(env, VT_SYS, env->desc + slot * VSVM_LAUNCH_DESC_SIZE +
		       VSVM_LAUNCH_DESC_STATUS);
}

#define VT_ATOMIC_GROUPS	8
#define VT_ATOMIC_THREADS	(8 * VT_ATOMIC_GROUPS)
#define VT_ATOMIC_LOOPS		16

/*
 * Every thread: 16 x (AMOADD.D +1, AMOADD.W +1, LR.W/SC.W loop +1) on
 * shared counters, then AMOSWAP.D of its index + 1 into a slot, keeping
 * the old value.  Eight groups of eight threads on two units.
 */
static void vsvm_exec_atomics_concurrent(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),		/* counters */
		RV_CSRR(9, VSVM_RV_CSR_ARG(1)),		/* olds */
		RV_ADDI(4, 0, VT_ATOMIC_LOOPS),
		RV_ADDI(5, 0, 1),
		RV_AMO(0x00, 0, 3, 2, 1, 5),		/* loop: */
		RV_ADDI(6, 1, 8),
		RV_AMO(0x00, 0, 2, 2, 6, 5),
		RV_ADDI(6, 1, 16),
		RV_AMO(0x02, 2, 2, 7, 6, 0),		/* retry: LR.W.aq */
		RV_I(0x1b, 0, 7, 7, 1),			/* ADDIW */
		RV_AMO(0x03, 1, 2, 8, 6, 7),		/* SC.W.rl */
		RV_B(1, 8, 0, -12),
		RV_ADDI(4, 4, -1),
		RV_B(1, 4, 0, -36),
		RV_CSRR(10, VSVM_RV_CSR_LOCAL_ID(0)),
		RV_CSRR(11, VSVM_RV_CSR_GROUP_ID(0)),
		RV_CSRR(12, VSVM_RV_CSR_LOCAL_SIZE(0)),
		RV_R(0x33, 0, 1, 11, 11, 12),
		RV_ADD(10, 10, 11),			/* thread index */
		RV_ADDI(5, 10, 1),
		RV_ADDI(6, 1, 24),
		RV_AMO(0x01, 3, 3, 7, 6, 5),		/* AMOSWAP.D.aqrl */
		RV_SLLI(10, 10, 3),
		RV_ADD(9, 9, 10),
		RV_SD(7, 9, 0),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, false, 2);
	struct vt_grid g = { { 8, 1, 1 }, { VT_ATOMIC_GROUPS, 1, 1 } };
	u64 args[2] = { VT_DATA_VA, VT_OUT_VA };
	DECLARE_BITMAP(seen, VT_ATOMIC_THREADS + 1);
	u64 cnt, olds, v;
	unsigned int i;

	bitmap_zero(seen, VT_ATOMIC_THREADS + 1);
	cnt = vt_map_data(env, VT_DATA_VA, 0);
	olds = vt_map_data(env, VT_OUT_VA, 0);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 2, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_ASSERT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)), 0);

	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, cnt),
			VT_ATOMIC_THREADS * VT_ATOMIC_LOOPS);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, cnt + 8),
			VT_ATOMIC_THREADS * VT_ATOMIC_LOOPS);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, cnt + 16),
			VT_ATOMIC_THREADS * VT_ATOMIC_LOOPS);
	/* The exchanged values form a chain: 0..64, each exactly once. */
	for (i = 0; i <= VT_ATOMIC_THREADS; i++) {
		v = i < VT_ATOMIC_THREADS ? vt_rd64(env, VT_SYS, olds + 8 * i) :
		    vt_rd64(env, VT_SYS, cnt + 24);
		KUNIT_ASSERT_LE(test, v, VT_ATOMIC_THREADS);
		KUNIT_EXPECT_FALSE(test, test_and_set_bit(v, seen));
	}
}

/* PTEs naming memory that does not exist: a channel error, no crash. */
static void vsvm_exec_bad_phys(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_LD(2, 1, 0),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, false, 1);
	const struct vt_grid g = VT_GRID_1D(1);
	u64 sys_va = VT_DATA_VA, vid_va = VT_DATA_VA + 0x1000;

	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_set_pte(env, sys_va, vt_pte_sys(1ULL << 51, 0), 12);
	vt_set_pte(env, vid_va, vt_pte_vid(VT_VRAM_SIZE, 0), 12);
	vt_launch_grid(env, 0, VT_PROG_VA, &g, &sys_va, 1, 0, 1);
	vt_exec_expect_error(test, env, 1, VSVM_CHAN_ERR_BAD_PHYS, 1ULL << 51,
			     VT_PROG_VA + 4);
	vt_launch_grid(env, 0, VT_PROG_VA, &g, &vid_va, 1, 0, 2);
	vt_exec_expect_error(test, env, 2, VSVM_CHAN_ERR_BAD_PHYS, VT_VRAM_SIZE,
			     VT_PROG_VA + 4);
}

/*
 * Launches queue on a channel and complete in order; channels run side by
 * side; PRIVILEGE pages need a privileged launch.
 */
static void vsvm_exec_launch_queue(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_CSRR(2, VSVM_RV_CSR_GROUP_ID(0)),
		RV_SLLI(3, 2, 3),
		RV_ADD(1, 1, 3),
		RV_CSRR(4, VSVM_RV_CSR_ARG(1)),
		RV_ADD(2, 2, 4),
		RV_SD(2, 1, 0),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, false, 2);
	struct vt_grid g = VT_GRID_1D(8);
	u64 out = vt_map_data(env, VT_OUT_VA, 0);
	u64 priv = VT_DATA_VA, args[2];
	unsigned int l, t;

	vt_set_pte(env, priv, vt_pte_sys(vt_alloc_sys(env),
					 NV_MMU_VER2_PTE_PRIVILEGE), 12);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_bind(env, 1);
	for (l = 0; l < 3; l++) {
		args[0] = VT_OUT_VA + 0x100 * l;
		args[1] = 1000 * (l + 1);
		vt_launch_grid(env, l == 2 ? 1 : 0, VT_PROG_VA, &g, args, 2, 0,
			       l + 1);
	}
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 2));
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 1, 3));
	for (l = 0; l < 3; l++)
		for (t = 0; t < 8; t++)
			KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS,
						      out + 0x100 * l + 8 * t),
					1000 * (l + 1) + t);

	/* The privileged page: allowed to a privileged launch only. */
	args[0] = priv;
	args[1] = 1;
	g.num_groups[0] = 1;
	g.flags = VSVM_LAUNCH_FLAG_PRIVILEGED;
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 2, 0, 4);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 4));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)), 0);
	g.flags = 0;
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 2, 0, 5);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 5));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_INFO(0)) &
			VSVM_CHAN_ERR_INFO_FAULT_TYPE,
			FIELD_PREP(VSVM_CHAN_ERR_INFO_FAULT_TYPE,
				   VSVM_FAULT_TYPE_PRIV_VIOLATION));
}

/* Every launch reports its own status, whatever ERR_CODE still holds. */
static void vsvm_exec_launch_status(struct kunit *test)
{
	const u32 bad[] = { 0x0000007f };
	const u32 good[] = { RV_ECALL };
	struct vt_env *env = vt_env_create(test, false, 1);
	const struct vt_grid g = VT_GRID_1D(1);
	unsigned int first = env->desc_next;

	vt_load_rv64(env, VT_PROG_VA, bad, ARRAY_SIZE(bad));
	vt_load_rv64(env, VT_PROG_VA + 0x1000, good, ARRAY_SIZE(good));
	vt_launch_grid(env, 0, VT_PROG_VA, &g, NULL, 0, 0, 1);
	vt_launch_grid(env, 0, VT_PROG_VA, &g, NULL, 0, 0, 2);
	vt_launch_grid(env, 0, VT_PROG_VA + 0x1000, &g, NULL, 0, 0, 3);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 3));
	/* The channel error is the first one only... */
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			VSVM_CHAN_ERR_ILLEGAL_INSN);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_SEQ(0)), 1);
	/* ...each descriptor has its launch's own. */
	KUNIT_EXPECT_EQ(test, vt_desc_status(env, first),
			VSVM_LAUNCH_STATUS_DONE | VSVM_CHAN_ERR_ILLEGAL_INSN);
	KUNIT_EXPECT_EQ(test, vt_desc_status(env, first + 1),
			VSVM_LAUNCH_STATUS_DONE | VSVM_CHAN_ERR_ILLEGAL_INSN);
	KUNIT_EXPECT_EQ(test, vt_desc_status(env, first + 2),
			VSVM_LAUNCH_STATUS_DONE);
}

/*
 * CTRL.KILL ends a launch that would run for long, releasing the unit
 * stalled on one of its faults; the channel's next launch runs.
 */
static void vsvm_exec_kill(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_GROUP_ID(0)),
		RV_CSRR(2, VSVM_RV_CSR_ARG(0)),
		RV_B(1, 1, 0, 12),		/* group 1: to the load */
		RV_ADDI(3, 3, 1),		/* group 0 loops */
		RV_J(0, -4),
		RV_LD(4, 2, 0),			/* faults, never served */
		RV_ECALL,
	};
	const u32 good[] = { RV_ECALL };
	struct vt_env *env = vt_env_create(test, false, 2);
	const struct vt_grid g2 = VT_GRID_1D(2), g1 = VT_GRID_1D(1);
	unsigned int first = env->desc_next;
	u64 arg = VT_DATA_VA + 0x5000;

	vt_fault_buffer_setup(env, 8);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_load_rv64(env, VT_PROG_VA + 0x1000, good, ARRAY_SIZE(good));
	vt_launch_grid(env, 0, VT_PROG_VA, &g2, &arg, 1, 1 << 28, 1);
	vt_launch_grid(env, 0, VT_PROG_VA + 0x1000, &g1, NULL, 0, 0, 2);
	KUNIT_ASSERT_TRUE(test, vt_wait_put(env, 1));
	msleep(20);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_SEQ_DONE(0)), 0);

	vsvm_hw_wr32(env->hw, VSVM_CHAN_CTRL(0), VSVM_CHAN_CTRL_KILL);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 2));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			VSVM_CHAN_ERR_KILLED);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_SEQ(0)), 1);
	KUNIT_EXPECT_EQ(test, vt_desc_status(env, first),
			VSVM_LAUNCH_STATUS_DONE | VSVM_CHAN_ERR_KILLED);
	KUNIT_EXPECT_EQ(test, vt_desc_status(env, first + 1),
			VSVM_LAUNCH_STATUS_DONE);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_CTRL(0)), 0);
}

/* CTRL.DRAIN completes every queued launch without running it. */
static void vsvm_exec_drain(struct kunit *test)
{
	const u32 loop[] = { RV_ADDI(2, 2, 1), RV_J(0, -4) };
	const u32 good[] = { RV_ECALL };
	struct vt_env *env = vt_env_create(test, false, 1);
	const struct vt_grid g = VT_GRID_1D(1);
	unsigned int first = env->desc_next, i;

	vt_load_rv64(env, VT_PROG_VA, loop, ARRAY_SIZE(loop));
	vt_load_rv64(env, VT_PROG_VA + 0x1000, good, ARRAY_SIZE(good));
	for (i = 1; i <= 3; i++)
		vt_launch_grid(env, 0, VT_PROG_VA, &g, NULL, 0, 1 << 28, i);
	vsvm_hw_wr32(env->hw, VSVM_CHAN_CTRL(0),
		     VSVM_CHAN_CTRL_KILL | VSVM_CHAN_CTRL_DRAIN);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 3));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, vt_desc_status(env, first + i),
				    VSVM_LAUNCH_STATUS_DONE |
				    VSVM_CHAN_ERR_KILLED, "launch %u", i + 1);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_CTRL(0)),
			VSVM_CHAN_CTRL_DRAIN);
	/* Drained until cleared. */
	vsvm_hw_wr32(env->hw, VSVM_CHAN_CTRL(0), 0);
	vt_launch_grid(env, 0, VT_PROG_VA + 0x1000, &g, NULL, 0, 0, 4);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 4));
	KUNIT_EXPECT_EQ(test, vt_desc_status(env, first + 3),
			VSVM_LAUNCH_STATUS_DONE);
}

/* A program reads stale data until the driver invalidates. */
static void vsvm_exec_stale_tlb(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_LD(2, 1, 0),
		RV_CSRR(3, VSVM_RV_CSR_ARG(1)),
		RV_SD(2, 3, 0),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, true, 1);
	const struct vt_grid g = VT_GRID_1D(1);
	u64 out = vt_map_data(env, VT_OUT_VA, 0);
	u64 args[2] = { VT_DATA_VA, VT_OUT_VA };
	u64 old = vt_map_data(env, VT_DATA_VA, 0), new = vt_alloc_sys(env);

	vt_wr64(env, VT_SYS, old, 0x01d);
	vt_wr64(env, VT_SYS, new, 0x2e3);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));

	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 2, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, out), 0x01d);

	vt_set_pte(env, VT_DATA_VA, vt_pte_sys(new, 0), 12);
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 2, 0, 2);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 2));
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, out), 0x01d);

	vt_invalidate(env, NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
		      NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB);
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 2, 0, 3);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 3));
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, out), 0x2e3);
}

/* Descriptors the engine refuses, and an unbound channel. */
static void vsvm_exec_bad_launches(struct kunit *test)
{
	const u32 good[] = { RV_ECALL };
	struct vt_env *env = vt_env_create(test, false, 1);
	struct vt_grid g = VT_GRID_1D(1);

	vt_load_rv64(env, VT_PROG_VA, good, ARRAY_SIZE(good));
	/* A program counter that is not 4-byte aligned. */
	vt_launch_grid(env, 0, VT_PROG_VA + 2, &g, NULL, 0, 0, 1);
	vt_exec_expect_error(test, env, 1, VSVM_CHAN_ERR_BAD_DESC, ~0ULL,
			     ~0ULL);
	/* Unknown descriptor flags. */
	g.flags = 0x80;
	vt_launch_grid(env, 0, VT_PROG_VA, &g, NULL, 0, 0, 2);
	vt_exec_expect_error(test, env, 2, VSVM_CHAN_ERR_BAD_DESC, ~0ULL,
			     ~0ULL);
	/* Unbound channel. */
	g.flags = 0;
	vsvm_hw_wr32(env->hw, NV_PCCSR_CHANNEL_INST(0), 0);
	vt_launch_grid(env, 0, VT_PROG_VA, &g, NULL, 0, 0, 3);
	vt_exec_expect_error(test, env, 3, VSVM_CHAN_ERR_NO_INSTANCE, ~0ULL,
			     ~0ULL);
}

static struct kunit_case vsvm_exec_test_cases[] = {
	KUNIT_CASE(vsvm_exec_atomics_concurrent),
	KUNIT_CASE(vsvm_exec_bad_phys),
	KUNIT_CASE(vsvm_exec_launch_queue),
	KUNIT_CASE(vsvm_exec_stale_tlb),
	KUNIT_CASE(vsvm_exec_launch_status),
	KUNIT_CASE(vsvm_exec_kill),
	KUNIT_CASE(vsvm_exec_drain),
	KUNIT_CASE(vsvm_exec_bad_launches),
	{}
};

static struct kunit_suite vsvm_exec_test_suite = {
	.name = "vsvm_hw_exec",
	.test_cases = vsvm_exec_test_cases,
};

kunit_test_suite(vsvm_exec_test_suite);
