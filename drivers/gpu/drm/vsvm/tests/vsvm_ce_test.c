// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vsvm copy engine: copies between system memory and
 * VRAM across page boundaries, fills, ring wrap, completion and errors.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/jiffies.h>

#include "vsvm_hw_test_util.h"

#define VT_SYS	VSVM_TARGET_SYS_MEM_COHERENT
#define VT_VID	VSVM_TARGET_VID_MEM

/**
 * struct vt_ce - the test's copy-engine ring
 * @env: the test environment
 * @ring: physical address of the ring (system memory)
 * @size: entries
 * @put: next entry to write
 */
struct vt_ce {
	struct vt_env *env;
	u64 ring;
	u32 size;
	u32 put;
};

static void vt_ce_init(struct vt_ce *ce, struct vt_env *env, u32 size)
{
	ce->env = env;
	ce->ring = vt_alloc_sys(env);
	ce->size = size;
	ce->put = 0;
	vsvm_hw_wr32(env->hw, VSVM_CE_RING_LO, lower_32_bits(ce->ring) |
		     FIELD_PREP(VSVM_CE_RING_LO_APERTURE, VT_SYS));
	vsvm_hw_wr32(env->hw, VSVM_CE_RING_HI, upper_32_bits(ce->ring));
	vsvm_hw_wr32(env->hw, VSVM_CE_RING_SIZE, size);
}

/* Write one command at PUT (not yet submitted). */
static void vt_ce_cmd(struct vt_ce *ce, u32 opcode, u8 src_t, u64 src,
		      u8 dst_t, u64 dst, u64 len, u32 seq, bool irq)
{
	u64 c = ce->ring + (u64)ce->put * VSVM_CE_CMD_SIZE;
	struct vt_env *env = ce->env;

	vt_wr32(env, VT_SYS, c, FIELD_PREP(VSVM_CE_CMD_OPCODE, opcode) |
		FIELD_PREP(VSVM_CE_CMD_SRC_APERTURE, src_t) |
		FIELD_PREP(VSVM_CE_CMD_DST_APERTURE, dst_t) |
		(irq ? VSVM_CE_CMD_INTERRUPT : 0));
	vt_wr32(env, VT_SYS, c + 4, seq);
	vt_wr64(env, VT_SYS, c + 8, src);
	vt_wr64(env, VT_SYS, c + 16, dst);
	vt_wr64(env, VT_SYS, c + 24, len);
	ce->put = (ce->put + 1) % ce->size;
}

static bool vt_ce_kick_wait(struct vt_ce *ce)
{
	struct vsvm_hw *hw = ce->env->hw;
	unsigned long end = jiffies + msecs_to_jiffies(VT_TIMEOUT_MS);

	vsvm_hw_wr32(hw, VSVM_CE_RING_PUT, ce->put);
	do {
		if (vsvm_hw_rd32(hw, VSVM_CE_RING_GET) == ce->put &&
		    !(vsvm_hw_rd32(hw, VSVM_CE_STATUS) & VSVM_CE_STATUS_BUSY))
			return true;
		usleep_range(200, 1000);
	} while (time_before(jiffies, end));
	return false;
}

static void vsvm_ce_copy_sys_vram(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 src = vt_alloc_sys(env), dst = vt_alloc_sys(env);
	const u64 vram = 0x1000ff0;	/* crosses a VRAM page boundary */
	struct vt_ce ce;
	unsigned int i;

	vsvm_hw_wr32(env->hw, VSVM_PMC_INTR_EN, VSVM_PMC_INTR_CE);
	for (i = 0; i < 3000; i += 4)
		vt_wr32(env, VT_SYS, src + 100 + i, 0xa5000000 | i);

	vt_ce_init(&ce, env, 8);
	vt_ce_cmd(&ce, VSVM_CE_OP_COPY, VT_SYS, src + 100, VT_VID, vram, 3000,
		  1, false);
	vt_ce_cmd(&ce, VSVM_CE_OP_COPY, VT_VID, vram, VT_SYS, dst + 52, 3000,
		  2, true);
	KUNIT_ASSERT_TRUE(test, vt_ce_kick_wait(&ce));

	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_SEQ_DONE), 2);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_ERR_CODE), 0);
	for (i = 0; i < 3000; i += 4) {
		KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_VID, vram + i),
				0xa5000000 | i);
		KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, dst + 52 + i),
				0xa5000000 | i);
	}
	/* Bytes around the destination are untouched. */
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, dst + 48), 0);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, dst + 52 + 3000), 0);

	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_INTR),
			VSVM_CE_INTR_COMPLETE);
	KUNIT_EXPECT_TRUE(test, vt_wait_irqs(env, 1));
	vsvm_hw_wr32(env->hw, VSVM_CE_INTR, VSVM_CE_INTR_COMPLETE);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_PMC_INTR), 0);
}

static void vsvm_ce_fill_and_vram_copy(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, true, 1);
	struct vt_ce ce;

	vt_ce_init(&ce, env, 4);
	vt_ce_cmd(&ce, VSVM_CE_OP_FILL32, 0, 0xdeadbeef, VT_VID, 0x2000000,
		  0x2000, 1, false);
	vt_ce_cmd(&ce, VSVM_CE_OP_COPY, VT_VID, 0x2001ff8, VT_VID, 0x3000000,
		  16, 2, false);
	vt_ce_cmd(&ce, VSVM_CE_OP_NOP, 0, 0, 0, 0, 0, 3, false);
	KUNIT_ASSERT_TRUE(test, vt_ce_kick_wait(&ce));
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_VID, 0x2000000), 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_VID, 0x2001ffc), 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_VID, 0x2002000), 0);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_VID, 0x3000000),
			0xdeadbeefdeadbeefULL);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_VID, 0x3000008), 0);

	/* Three more: the ring (4 entries) wraps. */
	vt_ce_cmd(&ce, VSVM_CE_OP_FILL32, 0, 1, VT_VID, 0x3000010, 4, 4, false);
	vt_ce_cmd(&ce, VSVM_CE_OP_FILL32, 0, 2, VT_VID, 0x3000014, 4, 5, false);
	vt_ce_cmd(&ce, VSVM_CE_OP_FILL32, 0, 3, VT_VID, 0x3000018, 4, 6, false);
	KUNIT_ASSERT_TRUE(test, vt_ce_kick_wait(&ce));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_RING_GET), 2);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_SEQ_DONE), 6);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_VID, 0x3000010), 1);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_VID, 0x3000014), 2);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_VID, 0x3000018), 3);
}

static void vsvm_ce_errors(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 page = vt_alloc_sys(env);
	struct vt_ce ce;

	vt_ce_init(&ce, env, 8);
	/* Source is not RAM; destination past VRAM; bad opcode; then OK. */
	vt_ce_cmd(&ce, VSVM_CE_OP_COPY, VT_SYS, 1ULL << 51, VT_VID, 0, 64,
		  1, false);
	vt_ce_cmd(&ce, VSVM_CE_OP_COPY, VT_SYS, page, VT_VID, VT_VRAM_SIZE, 64,
		  2, false);
	vt_ce_cmd(&ce, 0x7f, 0, 0, 0, 0, 0, 3, false);
	vt_ce_cmd(&ce, VSVM_CE_OP_FILL32, 0, 0x5a5a5a5a, VT_SYS, page, 8, 4,
		  false);
	KUNIT_ASSERT_TRUE(test, vt_ce_kick_wait(&ce));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_ERR_CODE),
			VSVM_CE_ERR_BAD_SRC);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_ERR_SEQ), 1);
	KUNIT_EXPECT_NE(test, vsvm_hw_rd32(env->hw, VSVM_CE_STATUS) &
			VSVM_CE_STATUS_ERROR, 0);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_INTR),
			VSVM_CE_INTR_ERROR);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_SEQ_DONE), 4);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, page),
			0x5a5a5a5a5a5a5a5aULL);

	vsvm_hw_wr32(env->hw, VSVM_CE_ERR_CODE, 0);
	vt_ce_cmd(&ce, VSVM_CE_OP_COPY, VT_SYS, page, VT_VID, VT_VRAM_SIZE - 8,
		  64, 5, false);
	KUNIT_ASSERT_TRUE(test, vt_ce_kick_wait(&ce));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_ERR_CODE),
			VSVM_CE_ERR_BAD_DST);
	vsvm_hw_wr32(env->hw, VSVM_CE_ERR_CODE, 0);
	vt_ce_cmd(&ce, 0x7f, 0, 0, 0, 0, 0, 6, false);
	KUNIT_ASSERT_TRUE(test, vt_ce_kick_wait(&ce));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CE_ERR_CODE),
			VSVM_CE_ERR_BAD_OPCODE);
}

static struct kunit_case vsvm_ce_test_cases[] = {
	KUNIT_CASE(vsvm_ce_copy_sys_vram),
	KUNIT_CASE(vsvm_ce_fill_and_vram_copy),
	KUNIT_CASE(vsvm_ce_errors),
	{}
};

static struct kunit_suite vsvm_ce_test_suite = {
	.name = "vsvm_hw_ce",
	.test_cases = vsvm_ce_test_cases,
};

kunit_test_suite(vsvm_ce_test_suite);
