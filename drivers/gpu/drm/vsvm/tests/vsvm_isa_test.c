// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vsvm compute engine: the ISA instruction by
 * instruction, atomics from many threads on two execution units, the
 * instruction budget, illegal and misaligned instructions, bad physical
 * addresses, launch queues, stale TLB entries seen by a program, each
 * launch's own status, and killing and draining a channel.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/slab.h>

#include "vsvm_hw_test_util.h"

#define VT_SYS		VSVM_TARGET_SYS_MEM_COHERENT
#define VT_OUT_VA	(VT_DATA_VA + 0x100000)
#define VT_MAX_INSNS	512

/**
 * struct vt_prog - a program being assembled
 * @insn: the instructions
 * @n: number of instructions
 * @nr_checks: number of result slots used
 * @name: name of each result slot
 * @expect: expected value of each result slot
 */
struct vt_prog {
	u64 insn[VT_MAX_INSNS];
	unsigned int n;
	unsigned int nr_checks;
	const char *name[128];
	u64 expect[128];
};

static void vt_emit(struct vt_prog *p, u64 insn)
{
	if (p->n < VT_MAX_INSNS)
		p->insn[p->n++] = insn;
}

/* Store r10 in the next result slot (r1 = result base) and expect @val. */
static void vt_check(struct vt_prog *p, const char *name, u64 val)
{
	if (p->nr_checks >= ARRAY_SIZE(p->expect))
		return;
	vt_emit(p, VT_INSN(ST64, 0, 1, 10, 8 * p->nr_checks));
	p->name[p->nr_checks] = name;
	p->expect[p->nr_checks++] = val;
}

static void vt_alu(struct vt_prog *p, const char *name, u8 op, s32 a, s32 b,
		   u64 val)
{
	vt_emit(p, VT_INSN(MOVI, 2, 0, 0, a));
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, b));
	vt_emit(p, vsvm_isa_encode(op, 10, 2, 3, 0));
	vt_check(p, name, val);
}

static void vt_alui(struct vt_prog *p, const char *name, u8 op, s32 a, s32 imm,
		    u64 val)
{
	vt_emit(p, VT_INSN(MOVI, 2, 0, 0, a));
	vt_emit(p, vsvm_isa_encode(op, 10, 2, 0, imm));
	vt_check(p, name, val);
}

/* r10 = 1 if the branch is taken, else 0. */
static void vt_branch(struct vt_prog *p, const char *name, u8 op, s32 a, s32 b,
		      bool taken)
{
	vt_emit(p, VT_INSN(MOVI, 2, 0, 0, a));
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, b));
	vt_emit(p, VT_INSN(MOVI, 10, 0, 0, 1));
	vt_emit(p, vsvm_isa_encode(op, 0, 2, 3, 2));
	vt_emit(p, VT_INSN(MOVI, 10, 0, 0, 0));
	vt_check(p, name, taken);
}

static void vsvm_isa_instructions(struct kunit *test)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	struct vt_prog *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	u64 args[4] = { VT_OUT_VA, VT_DATA_VA, 0, 0xfeedfacecafebeefULL };
	u64 out, data;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	out = vt_map_data(env, VT_OUT_VA, 0);
	data = vt_map_data(env, VT_DATA_VA, 0);
	vt_wr64(env, VT_SYS, data, 0x8877665544332211ULL);
	vt_wr32(env, VT_SYS, data + 32, 0xfffffffe);
	vt_wr32(env, VT_SYS, data + 36, 5);
	vt_wr32(env, VT_SYS, data + 40, 7);
	vt_wr64(env, VT_SYS, data + 48, 0xffffffffULL);
	vt_wr64(env, VT_SYS, data + 56, 0x5555555555555555ULL);
	vt_wr64(env, VT_SYS, data + 64, 0x7777777777777777ULL);

	vt_emit(p, VT_INSN(LDARG, 1, 0, 0, 0));
	vt_emit(p, VT_INSN(LDARG, 9, 0, 0, 1));
	vt_emit(p, VT_INSN(NOP, 0, 0, 0, 0));
	vt_emit(p, VT_INSN(MEMBAR, 0, 0, 0, 0));

	/* Moves and special registers. */
	vt_emit(p, VT_INSN(MOVI, 10, 0, 0, -5));
	vt_check(p, "MOVI", (u64)-5);
	vt_emit(p, VT_INSN(MOVI, 10, 0, 0, 0x12345678));
	vt_emit(p, VT_INSN(MOVHI, 10, 0, 0, (s32)0x9abcdef0));
	vt_check(p, "MOVHI", 0x9abcdef012345678ULL);
	vt_emit(p, VT_INSN(MOVI, 2, 0, 0, 77));
	vt_emit(p, VT_INSN(MOV, 10, 2, 0, 0));
	vt_check(p, "MOV", 77);
	vt_emit(p, VT_INSN(S2R, 10, 0, 0, VSVM_SR_TID));
	vt_check(p, "S2R TID", 0);
	vt_emit(p, VT_INSN(S2R, 10, 0, 0, VSVM_SR_NTID));
	vt_check(p, "S2R NTID", 1);
	vt_emit(p, VT_INSN(S2R, 10, 0, 0, VSVM_SR_EUID));
	vt_check(p, "S2R EUID", 0);
	vt_emit(p, VT_INSN(S2R, 2, 0, 0, VSVM_SR_CLOCK));
	vt_emit(p, VT_INSN(SLTU, 10, 0, 2, 0));		/* clock > 0 */
	vt_check(p, "S2R CLOCK", 1);
	vt_emit(p, VT_INSN(LDARG, 10, 0, 0, 3));
	vt_check(p, "LDARG", 0xfeedfacecafebeefULL);

	/* ALU, register forms. */
	vt_alu(p, "ADD", VSVM_OP_ADD, -1, 2, 1);
	vt_alu(p, "SUB", VSVM_OP_SUB, 5, 7, (u64)-2);
	vt_alu(p, "MUL", VSVM_OP_MUL, 0x12345, -3, (u64)0x12345 * (u64)-3);
	vt_alu(p, "AND", VSVM_OP_AND, 0xf0f0, 0xff00, 0xf000);
	vt_alu(p, "OR", VSVM_OP_OR, 0xf0f0, 0xff00, 0xfff0);
	vt_alu(p, "XOR", VSVM_OP_XOR, 0xf0f0, 0xff00, 0x0ff0);
	vt_alu(p, "SHL", VSVM_OP_SHL, 1, 63, 1ULL << 63);
	vt_alu(p, "SHL mod 64", VSVM_OP_SHL, 1, 64, 1);
	vt_alu(p, "SHR", VSVM_OP_SHR, -1, 60, 0xf);
	vt_alu(p, "SAR", VSVM_OP_SAR, -256, 4, (u64)-16);
	vt_alu(p, "SLT", VSVM_OP_SLT, -1, 1, 1);
	vt_alu(p, "SLTU", VSVM_OP_SLTU, -1, 1, 0);
	vt_alu(p, "SEQ", VSVM_OP_SEQ, 5, 5, 1);
	vt_alu(p, "DIVU", VSVM_OP_DIVU, 100, 7, 14);
	vt_alu(p, "REMU", VSVM_OP_REMU, 100, 7, 2);
	vt_alu(p, "DIVU by 0", VSVM_OP_DIVU, 100, 0, ~0ULL);
	vt_alu(p, "REMU by 0", VSVM_OP_REMU, 100, 0, 100);

	/* ALU, immediate forms (immediates are sign-extended). */
	vt_alui(p, "ADDI", VSVM_OP_ADDI, 5, -10, (u64)-5);
	vt_alui(p, "SUBI", VSVM_OP_SUBI, 5, -10, 15);
	vt_alui(p, "MULI", VSVM_OP_MULI, 7, -6, (u64)-42);
	vt_alui(p, "ANDI", VSVM_OP_ANDI, -1, -16, (u64)-16);
	vt_alui(p, "ORI", VSVM_OP_ORI, 0x100, 0x0ff, 0x1ff);
	vt_alui(p, "XORI", VSVM_OP_XORI, 0xff, -1, ~0xffULL);
	vt_alui(p, "SHLI", VSVM_OP_SHLI, 3, 62, 3ULL << 62);
	vt_alui(p, "SHRI", VSVM_OP_SHRI, -1, 63, 1);
	vt_alui(p, "SARI", VSVM_OP_SARI, -1, 63, ~0ULL);

	/* Branches: taken and not taken. */
	vt_branch(p, "BRA", VSVM_OP_BRA, 0, 0, true);
	vt_branch(p, "BEQ taken", VSVM_OP_BEQ, 4, 4, true);
	vt_branch(p, "BEQ not", VSVM_OP_BEQ, 4, 5, false);
	vt_branch(p, "BNE taken", VSVM_OP_BNE, 4, 5, true);
	vt_branch(p, "BNE not", VSVM_OP_BNE, 4, 4, false);
	vt_branch(p, "BLT taken", VSVM_OP_BLT, -1, 0, true);
	vt_branch(p, "BLT not", VSVM_OP_BLT, 0, -1, false);
	vt_branch(p, "BGE taken", VSVM_OP_BGE, 0, -1, true);
	vt_branch(p, "BGE not", VSVM_OP_BGE, -1, 0, false);
	vt_branch(p, "BLTU taken", VSVM_OP_BLTU, 0, -1, true);
	vt_branch(p, "BLTU not", VSVM_OP_BLTU, -1, 0, false);
	vt_branch(p, "BGEU taken", VSVM_OP_BGEU, -1, 0, true);
	vt_branch(p, "BGEU not", VSVM_OP_BGEU, 0, -1, false);

	/* Loads zero-extend. */
	vt_emit(p, VT_INSN(LD8, 10, 9, 0, 1));
	vt_check(p, "LD8", 0x22);
	vt_emit(p, VT_INSN(LD32, 10, 9, 0, 4));
	vt_check(p, "LD32", 0x88776655);
	vt_emit(p, VT_INSN(LD64, 10, 9, 0, 0));
	vt_check(p, "LD64", 0x8877665544332211ULL);

	/* Stores store the low bits (checked in memory below). */
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, 0x1ff));
	vt_emit(p, VT_INSN(ST8, 0, 9, 3, 16));
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, 0x76543210));
	vt_emit(p, VT_INSN(MOVHI, 3, 0, 0, 0x11111111));
	vt_emit(p, VT_INSN(ST32, 0, 9, 3, 20));
	vt_emit(p, VT_INSN(ST64, 0, 9, 3, 24));

	/* Atomics return the old value. */
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, 3));
	vt_emit(p, VT_INSN(ATOM_ADD32, 10, 9, 3, 32));
	vt_check(p, "ATOM_ADD32", 0xfffffffe);
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, 9));
	vt_emit(p, VT_INSN(ATOM_XCHG32, 10, 9, 3, 36));
	vt_check(p, "ATOM_XCHG32", 5);
	vt_emit(p, VT_INSN(MOVI, 10, 0, 0, 7));
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, 11));
	vt_emit(p, VT_INSN(ATOM_CAS32, 10, 9, 3, 40));
	vt_check(p, "ATOM_CAS32 hit", 7);
	vt_emit(p, VT_INSN(MOVI, 10, 0, 0, 7));
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, 13));
	vt_emit(p, VT_INSN(ATOM_CAS32, 10, 9, 3, 40));
	vt_check(p, "ATOM_CAS32 miss", 11);
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, 1));
	vt_emit(p, VT_INSN(ATOM_ADD64, 10, 9, 3, 48));
	vt_check(p, "ATOM_ADD64", 0xffffffffULL);
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, -2));
	vt_emit(p, VT_INSN(ATOM_XCHG64, 10, 9, 3, 56));
	vt_check(p, "ATOM_XCHG64", 0x5555555555555555ULL);
	vt_emit(p, VT_INSN(LD64, 10, 9, 0, 64));
	vt_emit(p, VT_INSN(MOVI, 3, 0, 0, 42));
	vt_emit(p, VT_INSN(ATOM_CAS64, 10, 9, 3, 64));
	vt_check(p, "ATOM_CAS64", 0x7777777777777777ULL);

	/* A prefetch of a mapped page is a no-op. */
	vt_emit(p, VT_INSN(PREFETCH, 0, 9, 0, 0x800));
	vt_emit(p, VT_INSN(EXIT, 0, 0, 0, 0));
	KUNIT_ASSERT_LT(test, p->n, VT_MAX_INSNS);

	vt_load_program(env, VT_PROG_VA, p->insn, p->n);
	vt_launch(env, 0, VT_PROG_VA, 1, args, 4, 0, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_ASSERT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)), 0);

	for (i = 0; i < p->nr_checks; i++)
		KUNIT_EXPECT_EQ_MSG(test, vt_rd64(env, VT_SYS, out + 8 * i),
				    p->expect[i], "%s", p->name[i]);

	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, data + 16), 0xff);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, data + 20), 0x76543210);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, data + 24),
			0x1111111176543210ULL);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, data + 32), 1);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, data + 36), 9);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, data + 40), 11);
	KUNIT_EXPECT_EQ(test, vt_rd32(env, VT_SYS, data + 44), 0);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, data + 48), 0x100000000ULL);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, data + 56), (u64)-2);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, data + 64), 42);
}

#define VT_ATOMIC_THREADS	64
#define VT_ATOMIC_LOOPS		16

/*
 * Every thread: 16 x (ADD64 +1, ADD32 +1, CAS32 loop +1) on shared
 * counters, then XCHG64 of tid + 1 into a slot, keeping the old value.
 */
static void vsvm_isa_atomics_concurrent(struct kunit *test)
{
	static const u64 prog[] = {
		VT_INSN(LDARG, 1, 0, 0, 0),		/* counters */
		VT_INSN(MOVI, 4, 0, 0, VT_ATOMIC_LOOPS),
		VT_INSN(MOVI, 5, 0, 0, 1),
		VT_INSN(ATOM_ADD64, 2, 1, 5, 0),	/* loop: */
		VT_INSN(ATOM_ADD32, 2, 1, 5, 8),
		VT_INSN(LD32, 6, 1, 0, 16),
		VT_INSN(ADDI, 8, 6, 0, 1),		/* retry: */
		VT_INSN(MOV, 7, 6, 0, 0),
		VT_INSN(ATOM_CAS32, 6, 1, 8, 16),
		VT_INSN(BNE, 0, 6, 7, -3),
		VT_INSN(SUBI, 4, 4, 0, 1),
		VT_INSN(BNE, 0, 4, 0, -8),
		VT_INSN(S2R, 3, 0, 0, VSVM_SR_TID),
		VT_INSN(ADDI, 5, 3, 0, 1),
		VT_INSN(ATOM_XCHG64, 6, 1, 5, 24),
		VT_INSN(SHLI, 3, 3, 0, 3),
		VT_INSN(LDARG, 2, 0, 0, 1),		/* olds */
		VT_INSN(ADD, 2, 2, 3, 0),
		VT_INSN(ST64, 0, 2, 6, 0),
		VT_INSN(EXIT, 0, 0, 0, 0),
	};
	struct vt_env *env = vt_env_create(test, false, 2);
	u64 args[2] = { VT_DATA_VA, VT_OUT_VA };
	DECLARE_BITMAP(seen, VT_ATOMIC_THREADS + 1);
	u64 cnt, olds, v;
	unsigned int i;

	bitmap_zero(seen, VT_ATOMIC_THREADS + 1);
	cnt = vt_map_data(env, VT_DATA_VA, 0);
	olds = vt_map_data(env, VT_OUT_VA, 0);
	vt_load_program(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_launch(env, 0, VT_PROG_VA, VT_ATOMIC_THREADS, args, 2, 0, 0, 1);
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

static void vt_expect_error(struct kunit *test, struct vt_env *env, u32 seq,
			    u32 code, u64 addr, u64 pc)
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

static void vsvm_isa_budget(struct kunit *test)
{
	static const u64 prog[] = {
		VT_INSN(ADDI, 2, 2, 0, 1),
		VT_INSN(BRA, 0, 0, 0, -1),
	};
	struct vt_env *env = vt_env_create(test, false, 2);

	vt_load_program(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	/* Budget from the descriptor: 1000 instructions per thread. */
	vt_launch(env, 0, VT_PROG_VA, 4, NULL, 0, 0, 1000, 1);
	vt_expect_error(test, env, 1, VSVM_CHAN_ERR_BUDGET, ~0ULL, ~0ULL);
	/* Default budget from VSVM_CFG_INSN_BUDGET. */
	vsvm_hw_wr32(env->hw, VSVM_CFG_INSN_BUDGET, 500);
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CFG_INSN_BUDGET), 500);
	vt_launch(env, 0, VT_PROG_VA, 1, NULL, 0, 0, 0, 2);
	vt_expect_error(test, env, 2, VSVM_CHAN_ERR_BUDGET, ~0ULL, ~0ULL);
}

static void vsvm_isa_errors(struct kunit *test)
{
	static const u64 bad[][2] = {
		{ 0xff, 0 },					/* opcode */
		{ VT_INSN(ADD, 32, 1, 2, 0), 0 },		/* register */
		{ VT_INSN(S2R, 1, 0, 0, 9), 0 },		/* special reg */
		{ VT_INSN(LDARG, 1, 0, 0, 8), 0 },		/* argument */
	};
	static const u64 misaligned[] = {
		VT_INSN(LDARG, 1, 0, 0, 0),
		VT_INSN(LD64, 2, 1, 0, 4),
		VT_INSN(EXIT, 0, 0, 0, 0),
	};
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 arg = VT_DATA_VA;
	unsigned int i;
	u32 seq = 1;

	vt_map_data(env, VT_DATA_VA, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u64 va = VT_PROG_VA + 0x1000 * i;

		vt_load_program(env, va, bad[i], 2);
		vt_launch(env, 0, va, 1, NULL, 0, 0, 0, seq);
		vt_expect_error(test, env, seq++, VSVM_CHAN_ERR_ILLEGAL_INSN,
				~0ULL, va);
	}

	vt_load_program(env, VT_PROG_VA + 0x10000, misaligned, 3);
	vt_launch(env, 0, VT_PROG_VA + 0x10000, 1, &arg, 1, 0, 0, seq);
	vt_expect_error(test, env, seq++, VSVM_CHAN_ERR_MISALIGNED,
			VT_DATA_VA + 4, VT_PROG_VA + 0x10008);

	/* Misaligned program counter: rejected with the descriptor. */
	vt_launch(env, 0, VT_PROG_VA + 4, 1, NULL, 0, 0, 0, seq);
	vt_expect_error(test, env, seq++, VSVM_CHAN_ERR_BAD_DESC, ~0ULL, ~0ULL);

	/* Unknown descriptor flags. */
	vt_launch(env, 0, VT_PROG_VA, 1, NULL, 0, 0x80, 0, seq);
	vt_expect_error(test, env, seq++, VSVM_CHAN_ERR_BAD_DESC, ~0ULL, ~0ULL);

	/* Unbound channel. */
	vsvm_hw_wr32(env->hw, NV_PCCSR_CHANNEL_INST(0), 0);
	vt_launch(env, 0, VT_PROG_VA, 1, NULL, 0, 0, 0, seq);
	vt_expect_error(test, env, seq++, VSVM_CHAN_ERR_NO_INSTANCE, ~0ULL,
			~0ULL);
}

/* PTEs naming memory that does not exist: a channel error, no crash. */
static void vsvm_isa_bad_phys(struct kunit *test)
{
	static const u64 prog[] = {
		VT_INSN(LDARG, 1, 0, 0, 0),
		VT_INSN(LD64, 2, 1, 0, 0),
		VT_INSN(EXIT, 0, 0, 0, 0),
	};
	struct vt_env *env = vt_env_create(test, false, 1);
	u64 sys_va = VT_DATA_VA, vid_va = VT_DATA_VA + 0x1000;

	vt_load_program(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_set_pte(env, sys_va, vt_pte_sys(1ULL << 51, 0), 12);
	vt_set_pte(env, vid_va, vt_pte_vid(VT_VRAM_SIZE, 0), 12);
	vt_launch(env, 0, VT_PROG_VA, 1, &sys_va, 1, 0, 0, 1);
	vt_expect_error(test, env, 1, VSVM_CHAN_ERR_BAD_PHYS, 1ULL << 51,
			VT_PROG_VA + 8);
	vt_launch(env, 0, VT_PROG_VA, 1, &vid_va, 1, 0, 0, 2);
	vt_expect_error(test, env, 2, VSVM_CHAN_ERR_BAD_PHYS, VT_VRAM_SIZE,
			VT_PROG_VA + 8);
}

/*
 * Launches queue on a channel and complete in order; channels run side by
 * side; PRIVILEGE pages need a privileged launch.
 */
static void vsvm_isa_launch_queue(struct kunit *test)
{
	static const u64 prog[] = {
		VT_INSN(LDARG, 1, 0, 0, 0),
		VT_INSN(S2R, 2, 0, 0, VSVM_SR_TID),
		VT_INSN(SHLI, 3, 2, 0, 3),
		VT_INSN(ADD, 1, 1, 3, 0),
		VT_INSN(LDARG, 4, 0, 0, 1),
		VT_INSN(ADD, 2, 2, 4, 0),
		VT_INSN(ST64, 0, 1, 2, 0),
		VT_INSN(EXIT, 0, 0, 0, 0),
	};
	struct vt_env *env = vt_env_create(test, false, 2);
	u64 out = vt_map_data(env, VT_OUT_VA, 0);
	u64 priv = VT_DATA_VA;
	unsigned int l, t;

	vt_set_pte(env, priv, vt_pte_sys(vt_alloc_sys(env),
					 NV_MMU_VER2_PTE_PRIVILEGE), 12);
	vt_load_program(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_bind(env, 1);
	for (l = 0; l < 3; l++) {
		u64 args[2] = { VT_OUT_VA + 0x100 * l, 1000 * (l + 1) };

		vt_launch(env, l == 2 ? 1 : 0, VT_PROG_VA, 8, args, 2, 0, 0,
			  l + 1);
	}
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 2));
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 1, 3));
	for (l = 0; l < 3; l++)
		for (t = 0; t < 8; t++)
			KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS,
						      out + 0x100 * l + 8 * t),
					1000 * (l + 1) + t);

	/* The privileged page: unprivileged launch cancelled, then allowed. */
	{
		u64 args[2] = { priv, 1 };

		vt_launch(env, 0, VT_PROG_VA, 1, args, 2,
			  VSVM_LAUNCH_FLAG_PRIVILEGED, 0, 4);
		KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 4));
		KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw,
						   VSVM_CHAN_ERR_CODE(0)), 0);
		vt_launch(env, 0, VT_PROG_VA, 1, args, 2, 0, 0, 5);
		KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 5));
		KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw,
						   VSVM_CHAN_ERR_INFO(0)) &
				VSVM_CHAN_ERR_INFO_FAULT_TYPE,
				FIELD_PREP(VSVM_CHAN_ERR_INFO_FAULT_TYPE,
					   VSVM_FAULT_TYPE_PRIV_VIOLATION));
	}
}

static u32 vt_desc_status(struct vt_env *env, unsigned int slot)
{
	return vt_rd32(env, VT_SYS, env->desc + slot * VSVM_LAUNCH_DESC_SIZE +
		       VSVM_LAUNCH_DESC_STATUS);
}

/* Every launch reports its own status, whatever ERR_CODE still holds. */
static void vsvm_isa_launch_status(struct kunit *test)
{
	static const u64 bad[] = { 0xff, 0 };
	static const u64 good[] = { VT_INSN(EXIT, 0, 0, 0, 0) };
	struct vt_env *env = vt_env_create(test, false, 1);
	unsigned int first = env->desc_next;

	vt_load_program(env, VT_PROG_VA, bad, ARRAY_SIZE(bad));
	vt_load_program(env, VT_PROG_VA + 0x1000, good, ARRAY_SIZE(good));
	vt_launch(env, 0, VT_PROG_VA, 1, NULL, 0, 0, 0, 1);
	vt_launch(env, 0, VT_PROG_VA, 1, NULL, 0, 0, 0, 2);
	vt_launch(env, 0, VT_PROG_VA + 0x1000, 1, NULL, 0, 0, 0, 3);
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
static void vsvm_isa_kill(struct kunit *test)
{
	static const u64 prog[] = {
		VT_INSN(S2R, 1, 0, 0, VSVM_SR_TID),
		VT_INSN(MOVI, 5, 0, 0, 0),
		VT_INSN(LDARG, 2, 0, 0, 0),
		VT_INSN(BNE, 0, 1, 5, 3),	/* thread 1: to the load */
		VT_INSN(ADDI, 3, 3, 0, 1),	/* thread 0 loops */
		VT_INSN(BRA, 0, 0, 0, -1),
		VT_INSN(LD64, 4, 2, 0, 0),	/* faults, never served */
		VT_INSN(EXIT, 0, 0, 0, 0),
	};
	static const u64 good[] = { VT_INSN(EXIT, 0, 0, 0, 0) };
	struct vt_env *env = vt_env_create(test, false, 2);
	unsigned int first = env->desc_next;
	u64 arg = VT_DATA_VA + 0x5000;

	vt_fault_buffer_setup(env, 8);
	vt_load_program(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_load_program(env, VT_PROG_VA + 0x1000, good, ARRAY_SIZE(good));
	vt_launch(env, 0, VT_PROG_VA, 2, &arg, 1, 0, 1 << 28, 1);
	vt_launch(env, 0, VT_PROG_VA + 0x1000, 1, NULL, 0, 0, 0, 2);
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
static void vsvm_isa_drain(struct kunit *test)
{
	static const u64 loop[] = {
		VT_INSN(ADDI, 2, 2, 0, 1),
		VT_INSN(BRA, 0, 0, 0, -1),
	};
	static const u64 good[] = { VT_INSN(EXIT, 0, 0, 0, 0) };
	struct vt_env *env = vt_env_create(test, false, 1);
	unsigned int first = env->desc_next, i;

	vt_load_program(env, VT_PROG_VA, loop, ARRAY_SIZE(loop));
	vt_load_program(env, VT_PROG_VA + 0x1000, good, ARRAY_SIZE(good));
	for (i = 1; i <= 3; i++)
		vt_launch(env, 0, VT_PROG_VA, 1, NULL, 0, 0, 1 << 28, i);
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
	vt_launch(env, 0, VT_PROG_VA + 0x1000, 1, NULL, 0, 0, 0, 4);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 4));
	KUNIT_EXPECT_EQ(test, vt_desc_status(env, first + 3),
			VSVM_LAUNCH_STATUS_DONE);
}

/* A program reads stale data until the driver invalidates. */
static void vsvm_isa_stale_tlb(struct kunit *test)
{
	static const u64 prog[] = {
		VT_INSN(LDARG, 1, 0, 0, 0),
		VT_INSN(LD64, 2, 1, 0, 0),
		VT_INSN(LDARG, 3, 0, 0, 1),
		VT_INSN(ST64, 0, 3, 2, 0),
		VT_INSN(EXIT, 0, 0, 0, 0),
	};
	struct vt_env *env = vt_env_create(test, true, 1);
	u64 out = vt_map_data(env, VT_OUT_VA, 0);
	u64 args[2] = { VT_DATA_VA, VT_OUT_VA };
	u64 old = vt_map_data(env, VT_DATA_VA, 0), new = vt_alloc_sys(env);

	vt_wr64(env, VT_SYS, old, 0x01d);
	vt_wr64(env, VT_SYS, new, 0x2e3);
	vt_load_program(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));

	vt_launch(env, 0, VT_PROG_VA, 1, args, 2, 0, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, out), 0x01d);

	vt_set_pte(env, VT_DATA_VA, vt_pte_sys(new, 0), 12);
	vt_launch(env, 0, VT_PROG_VA, 1, args, 2, 0, 0, 2);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 2));
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, out), 0x01d);

	vt_invalidate(env, NV_PFB_PRI_MMU_INVALIDATE_ALL_VA |
		      NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB);
	vt_launch(env, 0, VT_PROG_VA, 1, args, 2, 0, 0, 3);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 3));
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, out), 0x2e3);
}

static struct kunit_case vsvm_isa_test_cases[] = {
	KUNIT_CASE(vsvm_isa_instructions),
	KUNIT_CASE(vsvm_isa_atomics_concurrent),
	KUNIT_CASE(vsvm_isa_budget),
	KUNIT_CASE(vsvm_isa_errors),
	KUNIT_CASE(vsvm_isa_bad_phys),
	KUNIT_CASE(vsvm_isa_launch_queue),
	KUNIT_CASE(vsvm_isa_stale_tlb),
	KUNIT_CASE(vsvm_isa_launch_status),
	KUNIT_CASE(vsvm_isa_kill),
	KUNIT_CASE(vsvm_isa_drain),
	{}
};

static struct kunit_suite vsvm_isa_test_suite = {
	.name = "vsvm_hw_isa",
	.test_cases = vsvm_isa_test_cases,
};

kunit_test_suite(vsvm_isa_test_suite);
