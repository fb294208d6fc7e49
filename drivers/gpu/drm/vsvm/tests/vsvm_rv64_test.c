// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the RISC-V execution units: every instruction class
 * against hand-computed results (integer, M, A, F, D, Zicsr), the edge
 * cases RISC-V defines (division by zero and overflow, LR/SC failure, NaN
 * boxing and canonical NaNs, rounding modes, fflags), launch geometry,
 * work-group barriers and local memory over many groups, the private
 * stack, traps that stop the launch with the faulting pc, and random
 * instruction words.
 */

#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "vsvm_hw_test_util.h"
#include "vsvm_rv64_encode.h"

#define VT_SYS		VSVM_TARGET_SYS_MEM_COHERENT
#define VT_OUT_VA	(VT_DATA_VA + 0x100000)
#define VT_POOL_VA	(VT_DATA_VA + 0x200000)
#define VT_MAX_RV	1024
#define VT_MAX_CHECKS	255
#define VT_MAX_POOL	255

/**
 * struct vt_rv - a RISC-V test program being built
 * @insn: the instructions
 * @n: number of instructions
 * @pool: constants the program loads (x9 points at them)
 * @nr_pool: entries of @pool used
 * @nr_checks: result slots used (x1 points at them)
 * @name: name of each result slot
 * @expect: expected value of each result slot
 */
struct vt_rv {
	u32 insn[VT_MAX_RV];
	unsigned int n;
	u64 pool[VT_MAX_POOL];
	unsigned int nr_pool;
	unsigned int nr_checks;
	const char *name[VT_MAX_CHECKS];
	u64 expect[VT_MAX_CHECKS];
};

static void rv_emit(struct vt_rv *p, u32 insn)
{
	if (p->n < VT_MAX_RV)
		p->insn[p->n++] = insn;
}

/* The pool offset of constant @val (added if new). */
static int rv_const(struct vt_rv *p, u64 val)
{
	unsigned int i;

	for (i = 0; i < p->nr_pool; i++)
		if (p->pool[i] == val)
			return 8 * i;
	if (p->nr_pool == VT_MAX_POOL)
		return 0;
	p->pool[p->nr_pool] = val;
	return 8 * p->nr_pool++;
}

/* Store register @reg in the next result slot and expect @val. */
static void rv_check_reg(struct vt_rv *p, const char *name, u8 reg, u64 val)
{
	if (p->nr_checks >= VT_MAX_CHECKS)
		return;
	rv_emit(p, RV_SD(reg, 1, 8 * p->nr_checks));
	p->name[p->nr_checks] = name;
	p->expect[p->nr_checks++] = val;
}

static void rv_check(struct vt_rv *p, const char *name, u64 val)
{
	rv_check_reg(p, name, 10, val);
}

/* x2 = a, x3 = b, then @insn (rd x10, rs1 x2, rs2 x3); expect @val. */
static void rv_op(struct vt_rv *p, const char *name, u32 insn, u64 a, u64 b,
		  u64 val)
{
	rv_emit(p, RV_LD(2, 9, rv_const(p, a)));
	rv_emit(p, RV_LD(3, 9, rv_const(p, b)));
	rv_emit(p, insn);
	rv_check(p, name, val);
}

/* Integer register-register operation (OP or OP-32). */
static void rv_rr(struct vt_rv *p, const char *name, u8 op, u8 f3, u8 f7,
		  u64 a, u64 b, u64 val)
{
	rv_op(p, name, RV_R(op, f3, f7, 10, 2, 3), a, b, val);
}

/* Integer register-immediate operation on x2 = a. */
static void rv_ri(struct vt_rv *p, const char *name, u8 op, u8 f3, s32 imm,
		  u64 a, u64 val)
{
	rv_op(p, name, RV_I(op, f3, 10, 2, imm), a, 0, val);
}

/*
 * f2 = a, f3 = b, f4 = c (64-bit patterns), then @insn (rd f10 or x10,
 * rs1 f2, rs2 f3, rs3 f4); check the result (f10 as raw bits if @fres,
 * else x10) and the accrued flags, which are cleared.
 */
static void rv_fp(struct vt_rv *p, const char *name, u32 insn, u64 a, u64 b,
		  u64 c, bool fres, u64 val, u32 flags)
{
	rv_emit(p, RV_FLD(2, 9, rv_const(p, a)));
	rv_emit(p, RV_FLD(3, 9, rv_const(p, b)));
	rv_emit(p, RV_FLD(4, 9, rv_const(p, c)));
	rv_emit(p, insn);
	if (fres)
		rv_emit(p, RV_FMV_X_D(10, 10));
	rv_check(p, name, val);
	rv_emit(p, RV_CSR(1, 11, 0, VSVM_RV_CSR_FFLAGS));	/* read, clear */
	rv_check_reg(p, name, 11, flags);
}

#define RV_FOP(f7, rm)		RV_R(0x53, rm, f7, 10, 2, 3)

/* Run a one-thread program whose x1 = ARG0 (results), x9 = ARG1 (pool). */
static void rv_run_checks(struct kunit *test, struct vt_rv *p)
{
	struct vt_env *env = vt_env_create(test, false, 1);
	struct vt_grid g = { { 1, 1, 1 }, { 1, 1, 1 }, 0, 0 };
	u64 args[2] = { VT_OUT_VA, VT_POOL_VA };
	u64 out, pool;
	unsigned int i;

	out = vt_map_data(env, VT_OUT_VA, 0);
	pool = vt_map_data(env, VT_POOL_VA, 0);
	for (i = 0; i < p->nr_pool; i++)
		vt_wr64(env, VT_SYS, pool + 8 * i, p->pool[i]);
	rv_emit(p, RV_ECALL);
	KUNIT_ASSERT_LT(test, p->n, VT_MAX_RV);
	KUNIT_ASSERT_LT(test, p->nr_pool, VT_MAX_POOL);
	KUNIT_ASSERT_LT(test, p->nr_checks, VT_MAX_CHECKS);
	vt_load_rv64(env, VT_PROG_VA, p->insn, p->n);
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 2, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_ASSERT_EQ_MSG(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			    0, "pc %#x",
			    vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_PC_LO(0)));
	for (i = 0; i < p->nr_checks; i++)
		KUNIT_EXPECT_EQ_MSG(test, vt_rd64(env, VT_SYS, out + 8 * i),
				    p->expect[i], "%s", p->name[i]);
}

static struct vt_rv *rv_prog(struct kunit *test)
{
	struct vt_rv *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	rv_emit(p, RV_CSRR(1, VSVM_RV_CSR_ARG(0)));
	rv_emit(p, RV_CSRR(9, VSVM_RV_CSR_ARG(1)));
	rv_emit(p, RV_ADDI(8, 2, 0));		/* x8 = sp */
	return p;
}

static void vsvm_rv64_integer(struct kunit *test)
{
	struct vt_rv *p = rv_prog(test);
	const u64 m1 = ~0ULL, min = 1ULL << 63;

	/* RV64I register-register. */
	rv_rr(p, "ADD", 0x33, 0, 0, m1, 2, 1);
	rv_rr(p, "SUB", 0x33, 0, 0x20, 5, 7, (u64)-2);
	rv_rr(p, "SLL", 0x33, 1, 0, 1, 63 + 64, min);
	rv_rr(p, "SLT", 0x33, 2, 0, m1, 1, 1);
	rv_rr(p, "SLTU", 0x33, 3, 0, m1, 1, 0);
	rv_rr(p, "XOR", 0x33, 4, 0, 0xf0f0, 0xff00, 0x0ff0);
	rv_rr(p, "SRL", 0x33, 5, 0, m1, 60, 0xf);
	rv_rr(p, "SRA", 0x33, 5, 0x20, (u64)-256, 4, (u64)-16);
	rv_rr(p, "OR", 0x33, 6, 0, 0xf0f0, 0xff00, 0xfff0);
	rv_rr(p, "AND", 0x33, 7, 0, 0xf0f0, 0xff00, 0xf000);
	/* M. */
	rv_rr(p, "MUL", 0x33, 0, 1, 0x123456789ULL, (u64)-3,
	      0x123456789ULL * (u64)-3);
	rv_rr(p, "MULH", 0x33, 1, 1, (u64)-2, 3, m1);
	rv_rr(p, "MULH min*min", 0x33, 1, 1, min, min, 1ULL << 62);
	rv_rr(p, "MULHSU", 0x33, 2, 1, (u64)-1, m1, m1);
	rv_rr(p, "MULHU", 0x33, 3, 1, m1, m1, m1 - 1);
	rv_rr(p, "DIV", 0x33, 4, 1, (u64)-7, 2, (u64)-3);
	rv_rr(p, "DIV by 0", 0x33, 4, 1, 7, 0, m1);
	rv_rr(p, "DIV overflow", 0x33, 4, 1, min, m1, min);
	rv_rr(p, "DIVU", 0x33, 5, 1, m1, 2, m1 >> 1);
	rv_rr(p, "DIVU by 0", 0x33, 5, 1, 7, 0, m1);
	rv_rr(p, "REM", 0x33, 6, 1, (u64)-7, 2, (u64)-1);
	rv_rr(p, "REM by 0", 0x33, 6, 1, (u64)-7, 0, (u64)-7);
	rv_rr(p, "REM overflow", 0x33, 6, 1, min, m1, 0);
	rv_rr(p, "REMU", 0x33, 7, 1, 100, 7, 2);
	rv_rr(p, "REMU by 0", 0x33, 7, 1, 100, 0, 100);
	/* 32-bit forms sign-extend their 32-bit result. */
	rv_rr(p, "ADDW", 0x3b, 0, 0, 0x7fffffff, 1, 0xffffffff80000000ULL);
	rv_rr(p, "SUBW", 0x3b, 0, 0x20, 0, 1, m1);
	rv_rr(p, "SLLW", 0x3b, 1, 0, 1, 31 + 32, 0xffffffff80000000ULL);
	rv_rr(p, "SRLW", 0x3b, 5, 0, 0xffffffff80000000ULL, 31, 1);
	rv_rr(p, "SRAW", 0x3b, 5, 0x20, 0x80000000ULL, 4,
	      0xfffffffff8000000ULL);
	rv_rr(p, "MULW", 0x3b, 0, 1, 0x10000, 0x10000, 0);
	rv_rr(p, "DIVW", 0x3b, 4, 1, 0xfffffff9ULL, 2, (u64)-3);
	rv_rr(p, "DIVW overflow", 0x3b, 4, 1, 0x80000000ULL, m1,
	      0xffffffff80000000ULL);
	rv_rr(p, "DIVW by 0", 0x3b, 4, 1, 5, 0, m1);
	rv_rr(p, "DIVUW", 0x3b, 5, 1, 0xfffffffeULL, 1, m1 - 1);
	rv_rr(p, "DIVUW by 0", 0x3b, 5, 1, 5, 0x100000000ULL, m1);
	rv_rr(p, "REMW", 0x3b, 6, 1, 0xfffffff9ULL, 2, m1);
	rv_rr(p, "REMW overflow", 0x3b, 6, 1, 0x80000000ULL, m1, 0);
	rv_rr(p, "REMUW by 0", 0x3b, 7, 1, 0xfffffff9ULL, 0,
	      0xfffffffffffffff9ULL);
	/* Immediates are 12-bit, sign-extended. */
	rv_ri(p, "ADDI", 0x13, 0, -10, 5, (u64)-5);
	rv_ri(p, "SLTI", 0x13, 2, -1, (u64)-2, 1);
	rv_ri(p, "SLTIU", 0x13, 3, -1, 5, 1);
	rv_ri(p, "XORI", 0x13, 4, -1, 0xff, ~0xffULL);
	rv_ri(p, "ORI", 0x13, 6, 0x0ff, 0x100, 0x1ff);
	rv_ri(p, "ANDI", 0x13, 7, -16, m1, (u64)-16);
	rv_ri(p, "SLLI", 0x13, 1, 62, 3, 3ULL << 62);
	rv_ri(p, "SRLI", 0x13, 5, 63, m1, 1);
	rv_ri(p, "SRAI", 0x13, 5, 0x400 | 63, min, m1);
	rv_ri(p, "ADDIW", 0x1b, 0, 1, 0x7fffffff, 0xffffffff80000000ULL);
	rv_ri(p, "SLLIW", 0x1b, 1, 31, 1, 0xffffffff80000000ULL);
	rv_ri(p, "SRLIW", 0x1b, 5, 4, 0xffffffffULL, 0x0fffffff);
	rv_ri(p, "SRAIW", 0x1b, 5, 0x400 | 4, 0x80000000ULL,
	      0xfffffffff8000000ULL);
	/* x0 stays zero. */
	rv_emit(p, RV_ADDI(0, 0, 5));
	rv_emit(p, RV_ADD(10, 0, 0));
	rv_check(p, "x0", 0);
	/* LUI and AUIPC. */
	rv_emit(p, RV_U(0x37, 10, 0x80000000));
	rv_check(p, "LUI", 0xffffffff80000000ULL);
	rv_emit(p, RV_U(0x17, 10, 0x1000));
	rv_check(p, "AUIPC", VT_PROG_VA + 4 * (p->n - 1) + 0x1000);
	/* JAL links and jumps over one instruction; JALR clears bit 0. */
	rv_emit(p, RV_J(10, 8));
	rv_emit(p, RV_EBREAK);
	rv_check(p, "JAL link", VT_PROG_VA + 4 * (p->n - 2) + 4);
	rv_emit(p, RV_U(0x17, 5, 0));			/* x5 = pc */
	rv_emit(p, RV_I(0x67, 0, 10, 5, 13));		/* to x5 + 12 */
	rv_emit(p, RV_EBREAK);
	rv_check(p, "JALR link", VT_PROG_VA + 4 * (p->n - 1));
	rv_run_checks(test, p);
}

static void vsvm_rv64_branches_memory_csrs(struct kunit *test)
{
	static const struct { const char *name; u8 f3; s64 a, b; bool t; }
	br[] = {
		{ "BEQ taken", 0, 4, 4, true }, { "BEQ not", 0, 4, 5, false },
		{ "BNE taken", 1, 4, 5, true }, { "BNE not", 1, 4, 4, false },
		{ "BLT taken", 4, -1, 0, true }, { "BLT not", 4, 0, -1, false },
		{ "BGE taken", 5, 0, -1, true }, { "BGE eq", 5, 3, 3, true },
		{ "BGE not", 5, -1, 0, false },
		{ "BLTU taken", 6, 0, -1, true }, { "BLTU not", 6, -1, 0, false },
		{ "BGEU taken", 7, -1, 0, true }, { "BGEU not", 7, 0, -1, false },
	};
	struct vt_rv *p = rv_prog(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(br); i++) {
		rv_emit(p, RV_LD(2, 9, rv_const(p, br[i].a)));
		rv_emit(p, RV_LD(3, 9, rv_const(p, br[i].b)));
		rv_emit(p, RV_ADDI(10, 0, 1));
		rv_emit(p, RV_B(br[i].f3, 2, 3, 8));
		rv_emit(p, RV_ADDI(10, 0, 0));
		rv_check(p, br[i].name, br[i].t);
	}
	/* A backward branch: count to 5. */
	rv_emit(p, RV_ADDI(10, 0, 0));
	rv_emit(p, RV_ADDI(3, 0, 5));
	rv_emit(p, RV_ADDI(10, 10, 1));
	rv_emit(p, RV_B(4, 10, 3, -4));
	rv_check(p, "loop", 5);

	/* Loads sign- or zero-extend (pool constant 0x8877665544332211...). */
	rv_emit(p, RV_ADDI(2, 9, rv_const(p, 0x80f1e2d3c4b5a697ULL)));
	rv_emit(p, RV_I(0x03, 0, 10, 2, 0));
	rv_check(p, "LB", 0xffffffffffffff97ULL);
	rv_emit(p, RV_I(0x03, 4, 10, 2, 0));
	rv_check(p, "LBU", 0x97);
	rv_emit(p, RV_I(0x03, 1, 10, 2, 2));
	rv_check(p, "LH", 0xffffffffffffc4b5ULL);
	rv_emit(p, RV_I(0x03, 5, 10, 2, 2));
	rv_check(p, "LHU", 0xc4b5);
	rv_emit(p, RV_I(0x03, 2, 10, 2, 4));
	rv_check(p, "LW", 0xffffffff80f1e2d3ULL);
	rv_emit(p, RV_I(0x03, 6, 10, 2, 4));
	rv_check(p, "LWU", 0x80f1e2d3);
	rv_emit(p, RV_LD(10, 2, 0));
	rv_check(p, "LD", 0x80f1e2d3c4b5a697ULL);
	/* Stores of each size into a zeroed slot, read back with LD. */
	rv_emit(p, RV_LD(4, 9, rv_const(p, 0x1122334455667788ULL)));
	rv_emit(p, RV_ADDI(2, 1, 2040));
	rv_emit(p, RV_SD(0, 2, 0));
	rv_emit(p, RV_S(0x23, 0, 2, 4, 0));		/* SB */
	rv_emit(p, RV_S(0x23, 1, 2, 4, 2));		/* SH */
	rv_emit(p, RV_SW(4, 2, 4));
	rv_emit(p, RV_LD(10, 2, 0));
	rv_check(p, "SB SH SW", 0x5566778877880088ULL);
	rv_emit(p, RV_SD(4, 2, 0));
	rv_emit(p, RV_LD(10, 2, 0));
	rv_check(p, "SD", 0x1122334455667788ULL);
	/* The private stack: sp was the top of this thread's stack. */
	rv_emit(p, RV_ADD(10, 0, 8));
	rv_check(p, "sp", VSVM_RV_PRIVATE_BASE + VSVM_RV_DEFAULT_STACK);
	rv_emit(p, RV_SD(4, 8, -8));
	rv_emit(p, RV_LD(10, 8, -8));
	rv_check(p, "stack", 0x1122334455667788ULL);
	/* CSRs. */
	rv_emit(p, RV_CSRR(10, VSVM_RV_CSR_ARG(1)));
	rv_check(p, "ARG1", VT_POOL_VA);
	rv_emit(p, RV_CSRR(10, VSVM_RV_CSR_LOCAL_SIZE(0)));
	rv_check(p, "LOCAL_SIZE", 1);
	rv_emit(p, RV_CSRR(10, VSVM_RV_CSR_STACK_SIZE));
	rv_check(p, "STACK_SIZE", VSVM_RV_DEFAULT_STACK);
	rv_emit(p, RV_CSRR(10, VSVM_RV_CSR_LOCAL_MEM_BASE));
	rv_check(p, "LOCAL_MEM_BASE", VSVM_RV_LOCAL_BASE);
	rv_emit(p, RV_CSRR(2, VSVM_RV_CSR_INSTRET));
	rv_emit(p, RV_CSRR(3, VSVM_RV_CSR_INSTRET));
	rv_emit(p, RV_R(0x33, 0, 0x20, 10, 3, 2));
	rv_check(p, "INSTRET", 1);
	rv_emit(p, RV_CSRR(2, VSVM_RV_CSR_TIME));
	rv_emit(p, RV_R(0x33, 3, 0, 10, 0, 2));		/* time != 0 */
	rv_check(p, "TIME", 1);
	rv_emit(p, RV_CSRWI(VSVM_RV_CSR_FCSR, 0x1f));
	rv_emit(p, RV_CSR(7, 10, 3, VSVM_RV_CSR_FFLAGS));	/* CSRRCI */
	rv_check(p, "CSRRCI old", 0x1f);
	rv_emit(p, RV_CSR(6, 10, 4, VSVM_RV_CSR_FRM));	/* CSRRSI frm 4 */
	rv_emit(p, RV_CSRR(10, VSVM_RV_CSR_FCSR));
	rv_check(p, "fcsr", 0x9c);
	rv_emit(p, RV_CSRWI(VSVM_RV_CSR_FCSR, 0));
	rv_run_checks(test, p);
}

static void vsvm_rv64_atomics(struct kunit *test)
{
	struct vt_rv *p = rv_prog(test);
	const u64 m1 = ~0ULL;

	/* x2 = a scratch slot initialised to a, x3 = b; rd x10 = old. */
	static const struct { const char *name; u8 f5; u8 f3; u64 a, b, mem; }
	amo[] = {
		{ "AMOADD.W", 0x00, 2, 0xfffffffe, 3, 1 },
		{ "AMOSWAP.W", 0x01, 2, 5, 9, 9 },
		{ "AMOXOR.W", 0x04, 2, 0xf0, 0xff, 0x0f },
		{ "AMOOR.W", 0x08, 2, 0xf0, 0x0f, 0xff },
		{ "AMOAND.W", 0x0c, 2, 0xf0, 0x3c, 0x30 },
		{ "AMOMIN.W", 0x10, 2, 0xffffffff, 1, 0xffffffff },
		{ "AMOMAX.W", 0x14, 2, 0xffffffff, 1, 1 },
		{ "AMOMINU.W", 0x18, 2, 0xffffffff, 1, 1 },
		{ "AMOMAXU.W", 0x1c, 2, 0xffffffff, 1, 0xffffffff },
		{ "AMOADD.D", 0x00, 3, 0xffffffff, 1, 0x100000000ULL },
		{ "AMOSWAP.D", 0x01, 3, 0x5555555555555555ULL, m1 - 1, m1 - 1 },
		{ "AMOMIN.D", 0x10, 3, m1, 1, m1 },
		{ "AMOMAXU.D", 0x1c, 3, m1, 1, m1 },
	};
	unsigned int i;

	rv_emit(p, RV_ADDI(2, 1, 2040));	/* scratch slot */
	for (i = 0; i < ARRAY_SIZE(amo); i++) {
		rv_emit(p, RV_LD(4, 9, rv_const(p, amo[i].a)));
		rv_emit(p, RV_SD(4, 2, 0));
		rv_emit(p, RV_LD(3, 9, rv_const(p, amo[i].b)));
		rv_emit(p, RV_AMO(amo[i].f5, i & 3, amo[i].f3, 10, 2, 3));
		/* The old value, sign-extended for .W. */
		rv_check(p, amo[i].name, amo[i].f3 == 2 ?
			 (u64)(s64)(s32)amo[i].a : amo[i].a);
		rv_emit(p, RV_LD(10, 2, 0));
		rv_check(p, amo[i].name, amo[i].f3 == 2 ?
			 (amo[i].a & ~0xffffffffULL) | (u32)amo[i].mem :
			 amo[i].mem);
	}
	/* LR/SC: success, then failure without a reservation. */
	rv_emit(p, RV_LD(4, 9, rv_const(p, 41)));
	rv_emit(p, RV_SD(4, 2, 0));
	rv_emit(p, RV_AMO(0x02, 2, 3, 5, 2, 0));	/* LR.D.aq x5 */
	rv_emit(p, RV_ADDI(5, 5, 1));
	rv_emit(p, RV_AMO(0x03, 1, 3, 10, 2, 5));	/* SC.D.rl x10 */
	rv_check(p, "SC.D success", 0);
	rv_emit(p, RV_LD(10, 2, 0));
	rv_check(p, "SC.D stored", 42);
	rv_emit(p, RV_AMO(0x03, 0, 3, 10, 2, 0));
	rv_check(p, "SC.D no reservation", 1);
	rv_emit(p, RV_LD(10, 2, 0));
	rv_check(p, "SC.D failed: kept", 42);
	/* A store of another value between LR and SC makes SC fail. */
	rv_emit(p, RV_AMO(0x02, 0, 2, 5, 2, 0));	/* LR.W */
	rv_check_reg(p, "LR.W", 5, 42);
	rv_emit(p, RV_SW(0, 2, 0));
	rv_emit(p, RV_AMO(0x03, 0, 2, 10, 2, 5));	/* SC.W */
	rv_check(p, "SC.W after store", 1);
	/* SC to another address than the reservation's fails. */
	rv_emit(p, RV_AMO(0x02, 0, 2, 5, 2, 0));
	rv_emit(p, RV_ADDI(6, 2, 4));
	rv_emit(p, RV_AMO(0x03, 0, 2, 10, 6, 5));
	rv_check(p, "SC.W other address", 1);
	/* FENCE and FENCE.I execute. */
	rv_emit(p, RV_I(0x0f, 0, 0, 0, 0x0ff));
	rv_emit(p, RV_I(0x0f, 1, 0, 0, 0));
	rv_run_checks(test, p);
}

static void vsvm_rv64_float(struct kunit *test)
{
	struct vt_rv *p = rv_prog(test);
	const u64 one_s = BOX(0x3f800000), two_d = 0x4000000000000000ULL;
	const u64 qnan_s = BOX(0x7fc00000), snan_s = BOX(0x7f800001);
	const u64 nx = VSVM_RV_FLAG_NX, nv = VSVM_RV_FLAG_NV;

	/* Arithmetic. */
	rv_fp(p, "FADD.S", RV_FOP(0x00, 0), BOX(0x3fc00000), BOX(0x40100000),
	      0, true, BOX(0x40700000), 0);
	rv_fp(p, "FADD.D RNE", RV_FOP(0x01, 0), 0x3fb999999999999aULL,
	      0x3fc999999999999aULL, 0, true, 0x3fd3333333333334ULL, nx);
	rv_fp(p, "FADD.D RTZ", RV_FOP(0x01, 1), 0x3fb999999999999aULL,
	      0x3fc999999999999aULL, 0, true, 0x3fd3333333333333ULL, nx);
	rv_fp(p, "FSUB.S", RV_FOP(0x04, 0), one_s, one_s, 0, true, BOX(0), 0);
	rv_fp(p, "FSUB.S RDN -0", RV_FOP(0x04, 2), one_s, one_s, 0, true,
	      BOX(0x80000000), 0);
	rv_fp(p, "FMUL.S overflow", RV_FOP(0x08, 0), BOX(0x7f7fffff),
	      BOX(0x40000000), 0, true, BOX(0x7f800000),
	      VSVM_RV_FLAG_OF | nx);
	rv_fp(p, "FMUL.S overflow RTZ", RV_FOP(0x08, 1), BOX(0x7f7fffff),
	      BOX(0x40000000), 0, true, BOX(0x7f7fffff),
	      VSVM_RV_FLAG_OF | nx);
	rv_fp(p, "FMUL.S exact subnormal", RV_FOP(0x08, 0), BOX(0x00800000),
	      BOX(0x3f000000), 0, true, BOX(0x00400000), 0);
	rv_fp(p, "FMUL.S underflow", RV_FOP(0x08, 0), BOX(0x00800001),
	      BOX(0x3f000000), 0, true, BOX(0x00400000),
	      VSVM_RV_FLAG_UF | nx);
	rv_fp(p, "FDIV.S by 0", RV_FOP(0x0c, 0), one_s, BOX(0), 0, true,
	      BOX(0x7f800000), VSVM_RV_FLAG_DZ);
	rv_fp(p, "FDIV.D", RV_FOP(0x0d, 0), 0x3ff0000000000000ULL,
	      0x4008000000000000ULL, 0, true, 0x3fd5555555555555ULL, nx);
	rv_fp(p, "FDIV.D RUP", RV_FOP(0x0d, 3), 0x3ff0000000000000ULL,
	      0x4008000000000000ULL, 0, true, 0x3fd5555555555556ULL, nx);
	rv_fp(p, "FSQRT.S -1", RV_R(0x53, 0, 0x2c, 10, 2, 0), BOX(0xbf800000),
	      0, 0, true, qnan_s, nv);
	rv_fp(p, "FSQRT.D 2", RV_R(0x53, 0, 0x2d, 10, 2, 0), two_d, 0, 0,
	      true, 0x3ff6a09e667f3bcdULL, nx);
	rv_fp(p, "FADD.S inf-inf", RV_FOP(0x00, 0), BOX(0x7f800000),
	      BOX(0xff800000), 0, true, qnan_s, nv);
	rv_fp(p, "FADD.S sNaN", RV_FOP(0x00, 0), snan_s, one_s, 0, true,
	      qnan_s, nv);
	/* An improperly boxed single is the canonical NaN (quiet). */
	rv_fp(p, "NaN boxing", RV_FOP(0x00, 0), 0x3f800000ULL, one_s, 0, true,
	      qnan_s, 0);
	/* Fused multiply-add family: 2 * 3 + 1. */
	rv_fp(p, "FMADD.D", RV_R4(0x43, 1, 0, 10, 2, 3, 4), two_d,
	      0x4008000000000000ULL, 0x3ff0000000000000ULL, true,
	      0x401c000000000000ULL, 0);
	rv_fp(p, "FMSUB.D", RV_R4(0x47, 1, 0, 10, 2, 3, 4), two_d,
	      0x4008000000000000ULL, 0x3ff0000000000000ULL, true,
	      0x4014000000000000ULL, 0);
	rv_fp(p, "FNMSUB.D", RV_R4(0x4b, 1, 0, 10, 2, 3, 4), two_d,
	      0x4008000000000000ULL, 0x3ff0000000000000ULL, true,
	      0xc014000000000000ULL, 0);
	rv_fp(p, "FNMADD.D", RV_R4(0x4f, 1, 0, 10, 2, 3, 4), two_d,
	      0x4008000000000000ULL, 0x3ff0000000000000ULL, true,
	      0xc01c000000000000ULL, 0);
	rv_fp(p, "FMADD.S inf*0+qNaN", RV_R4(0x43, 0, 0, 10, 2, 3, 4),
	      BOX(0x7f800000), BOX(0), qnan_s, true, qnan_s, nv);
	/* Conversions and rounding modes: 2.5 and -2.5 to integer. */
	rv_fp(p, "FCVT.W.S 2.5 RNE", RV_R(0x53, 0, 0x60, 10, 2, 0),
	      BOX(0x40200000), 0, 0, false, 2, nx);
	rv_fp(p, "FCVT.W.S 2.5 RMM", RV_R(0x53, 4, 0x60, 10, 2, 0),
	      BOX(0x40200000), 0, 0, false, 3, nx);
	rv_fp(p, "FCVT.W.S -2.5 RMM", RV_R(0x53, 4, 0x60, 10, 2, 0),
	      BOX(0xc0200000), 0, 0, false, (u64)-3, nx);
	rv_fp(p, "FCVT.W.S -2.5 RDN", RV_R(0x53, 2, 0x60, 10, 2, 0),
	      BOX(0xc0200000), 0, 0, false, (u64)-3, nx);
	rv_fp(p, "FCVT.W.S -2.5 RUP", RV_R(0x53, 3, 0x60, 10, 2, 0),
	      BOX(0xc0200000), 0, 0, false, (u64)-2, nx);
	rv_fp(p, "FCVT.W.S NaN", RV_R(0x53, 0, 0x60, 10, 2, 0), qnan_s, 0, 0,
	      false, 0x7fffffff, nv);
	rv_fp(p, "FCVT.WU.S -1", RV_R(0x53, 1, 0x60, 10, 2, 1),
	      BOX(0xbf800000), 0, 0, false, 0, nv);
	rv_fp(p, "FCVT.WU.S sign-extends", RV_R(0x53, 1, 0x60, 10, 2, 1),
	      BOX(0x4f7fffff), 0, 0, false, 0xffffffffffffff00ULL, 0);
	rv_fp(p, "FCVT.L.D 1e19", RV_R(0x53, 1, 0x61, 10, 2, 2),
	      0x43e158e460913d00ULL, 0, 0, false, 0x7fffffffffffffffULL, nv);
	rv_fp(p, "FCVT.S.D 0.1", RV_R(0x53, 0, 0x20, 10, 2, 1),
	      0x3fb999999999999aULL, 0, 0, true, BOX(0x3dcccccd), nx);
	rv_fp(p, "FCVT.D.S 1.5", RV_R(0x53, 0, 0x21, 10, 2, 0),
	      BOX(0x3fc00000), 0, 0, true, 0x3ff8000000000000ULL, 0);
	rv_emit(p, RV_LD(5, 9, rv_const(p, (u64)-7)));
	rv_emit(p, RV_R(0x53, 0, 0x68, 10, 5, 0));	/* FCVT.S.W */
	rv_emit(p, RV_FMV_X_D(10, 10));
	rv_check(p, "FCVT.S.W -7", BOX(0xc0e00000));
	rv_emit(p, RV_LD(5, 9, rv_const(p, ~0ULL)));
	rv_emit(p, RV_R(0x53, 0, 0x69, 10, 5, 3));	/* FCVT.D.LU */
	rv_emit(p, RV_FMV_X_D(10, 10));
	rv_check(p, "FCVT.D.LU max", 0x43f0000000000000ULL);
	rv_emit(p, RV_CSR(1, 11, 0, VSVM_RV_CSR_FFLAGS));
	rv_check_reg(p, "FCVT.D.LU flags", 11, nx);
	/* Min, max, compare, classify, sign injection, moves. */
	rv_fp(p, "FMIN.S -0 +0", RV_FOP(0x14, 0), BOX(0), BOX(0x80000000), 0,
	      true, BOX(0x80000000), 0);
	rv_fp(p, "FMIN.S qNaN 1", RV_FOP(0x14, 0), qnan_s, one_s, 0, true,
	      one_s, 0);
	rv_fp(p, "FMAX.S sNaN 1", RV_FOP(0x14, 1), snan_s, one_s, 0, true,
	      one_s, nv);
	rv_fp(p, "FMAX.D NaN NaN", RV_FOP(0x15, 1), 0x7ff8000000000001ULL,
	      0x7ff8000000000002ULL, 0, true, 0x7ff8000000000000ULL, 0);
	rv_fp(p, "FEQ.S qNaN", RV_FOP(0x50, 2), qnan_s, qnan_s, 0, false, 0, 0);
	rv_fp(p, "FEQ.S sNaN", RV_FOP(0x50, 2), snan_s, one_s, 0, false, 0, nv);
	rv_fp(p, "FLT.S qNaN", RV_FOP(0x50, 1), qnan_s, one_s, 0, false, 0, nv);
	rv_fp(p, "FLE.D", RV_FOP(0x51, 0), two_d, two_d, 0, false, 1, 0);
	rv_fp(p, "FLT.D", RV_FOP(0x51, 1), two_d, two_d, 0, false, 0, 0);
	rv_fp(p, "FCLASS.S -inf", RV_R(0x53, 1, 0x70, 10, 2, 0),
	      BOX(0xff800000), 0, 0, false, BIT(0), 0);
	rv_fp(p, "FCLASS.S sNaN", RV_R(0x53, 1, 0x70, 10, 2, 0), snan_s, 0, 0,
	      false, BIT(8), 0);
	rv_fp(p, "FCLASS.S subnormal", RV_R(0x53, 1, 0x70, 10, 2, 0), BOX(1),
	      0, 0, false, BIT(5), 0);
	rv_fp(p, "FCLASS.D +0", RV_R(0x53, 1, 0x71, 10, 2, 0), 0, 0, 0, false,
	      BIT(4), 0);
	rv_fp(p, "FSGNJN.S", RV_FOP(0x10, 1), one_s, one_s, 0, true,
	      BOX(0xbf800000), 0);
	rv_fp(p, "FSGNJX.D", RV_FOP(0x11, 2), 0xc000000000000000ULL,
	      0xbff0000000000000ULL, 0, true, two_d, 0);
	rv_fp(p, "FMV.X.W sign-extends", RV_R(0x53, 0, 0x70, 10, 2, 0),
	      BOX(0xbf800000), 0, 0, false, 0xffffffffbf800000ULL, 0);
	rv_emit(p, RV_LD(5, 9, rv_const(p, 0x12345678)));
	rv_emit(p, RV_R(0x53, 0, 0x78, 10, 5, 0));	/* FMV.W.X */
	rv_emit(p, RV_FMV_X_D(10, 10));
	rv_check(p, "FMV.W.X boxes", BOX(0x12345678));
	/* FLW boxes; FSW stores the low 32 bits. */
	rv_emit(p, RV_ADDI(2, 1, 2040));
	rv_emit(p, RV_LD(5, 9, rv_const(p, 0xaabbccdd40490fdbULL)));
	rv_emit(p, RV_SD(5, 2, 0));
	rv_emit(p, RV_I(0x07, 2, 10, 2, 0));		/* FLW */
	rv_emit(p, RV_FMV_X_D(10, 10));
	rv_check(p, "FLW", BOX(0x40490fdb));
	rv_emit(p, RV_I(0x07, 2, 10, 2, 0));
	rv_emit(p, RV_S(0x27, 2, 2, 10, 4));		/* FSW */
	rv_emit(p, RV_LD(10, 2, 0));
	rv_check(p, "FSW", 0x40490fdb40490fdbULL);
	/* The dynamic rounding mode comes from frm. */
	rv_emit(p, RV_CSRWI(VSVM_RV_CSR_FRM, VSVM_RV_RM_RTZ));
	rv_fp(p, "FADD.D DYN=RTZ", RV_FOP(0x01, 7), 0x3fb999999999999aULL,
	      0x3fc999999999999aULL, 0, true, 0x3fd3333333333333ULL, nx);
	rv_emit(p, RV_CSRWI(VSVM_RV_CSR_FRM, 0));
	rv_run_checks(test, p);
}

/* Expect launch @seq on channel 0 to stop with @code at @pc. */
static void rv_expect_error(struct kunit *test, struct vt_env *env, u32 seq,
			    u32 code, u64 pc, const char *what)
{
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, seq));
	KUNIT_EXPECT_EQ_MSG(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			    code, "%s", what);
	if (pc != ~0ULL)
		KUNIT_EXPECT_EQ_MSG(test,
				    (u64)vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_PC_HI(0)) << 32 |
				    vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_PC_LO(0)),
				    pc, "%s", what);
	vsvm_hw_wr32(env->hw, VSVM_CHAN_ERR_CODE(0), 0);
}

static void vsvm_rv64_traps(struct kunit *test)
{
	const struct { const char *name; u32 insn; u32 code; } bad[] = {
		{ "compressed", 0x00000001, VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "unknown opcode", 0x0000007f, VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "SLLI funct6", RV_I(0x13, 1, 5, 5, 0x400 | 1),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "OP funct7", RV_R(0x33, 0, 0x40, 5, 5, 5),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "load funct3 7", RV_I(0x03, 7, 5, 5, 0),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "rm 5", RV_R(0x53, 5, 0x00, 5, 5, 5),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "frm 5 dynamic", RV_R(0x53, 7, 0x00, 5, 5, 5),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "fmt Q", RV_R(0x53, 0, 0x03, 5, 5, 5),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "write to time", RV_CSRW(VSVM_RV_CSR_TIME, 5),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "unknown CSR", RV_CSRR(5, 0x300),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "MRET", 0x30200073, VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "LR.W rs2", RV_AMO(0x02, 0, 2, 5, 1, 5),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "AMO funct5", RV_AMO(0x1e, 0, 3, 5, 1, 5),
		  VSVM_CHAN_ERR_ILLEGAL_INSN },
		{ "EBREAK", RV_EBREAK, VSVM_CHAN_ERR_BREAKPOINT },
		{ "misaligned LD", RV_LD(5, 1, 4), VSVM_CHAN_ERR_MISALIGNED },
		{ "misaligned SW", RV_SW(5, 1, 2), VSVM_CHAN_ERR_MISALIGNED },
		{ "misaligned AMO", RV_AMO(0x00, 0, 3, 5, 6, 5),
		  VSVM_CHAN_ERR_MISALIGNED },
		{ "misaligned JAL", RV_J(0, 6), VSVM_CHAN_ERR_MISALIGNED },
		{ "unmapped load", RV_LD(5, 0, 0), VSVM_CHAN_ERR_MMU_FAULT },
		{ "local out of range", RV_LD(5, 7, 0),
		  VSVM_CHAN_ERR_MMU_FAULT },
		{ "private out of range", RV_LD(5, 2, 0),
		  VSVM_CHAN_ERR_MMU_FAULT },
	};
	struct vt_env *env = vt_env_create(test, false, 1);
	struct vt_grid g = { { 1, 1, 1 }, { 1, 1, 1 }, 64, 0 };
	u64 args[1] = { VT_OUT_VA };
	unsigned int i;

	vt_map_data(env, VT_OUT_VA, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u64 va = VT_PROG_VA + 0x1000 * (i + 1);
		u32 prog[] = {
			RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
			RV_ADDI(6, 1, 4),
			RV_CSRR(7, VSVM_RV_CSR_LOCAL_MEM_BASE),
			RV_ADDI(7, 7, 64),		/* just past local mem */
			RV_CSRWI(VSVM_RV_CSR_FRM, 5),
			bad[i].insn,
			RV_ECALL,
		};

		vt_load_rv64(env, va, prog, ARRAY_SIZE(prog));
		vt_launch_grid(env, 0, va, &g, args, 1, 0, i + 1);
		rv_expect_error(test, env, i + 1, bad[i].code,
				bad[i].code == VSVM_CHAN_ERR_MMU_FAULT ?
				~0ULL : va + 20, bad[i].name);
	}
}

static void vsvm_rv64_budget_and_fuzz(struct kunit *test)
{
	const u32 spin[] = { RV_J(0, 0) };
	struct vt_env *env = vt_env_create(test, false, 2);
	struct vt_grid g = { { 4, 1, 1 }, { 2, 1, 1 }, 0, 0 };
	struct rnd_state rnd;
	u32 *words, seq = 1;
	unsigned int i, j;

	vt_load_rv64(env, VT_PROG_VA, spin, ARRAY_SIZE(spin));
	vt_launch_grid(env, 0, VT_PROG_VA, &g, NULL, 0, 1000, seq);
	rv_expect_error(test, env, seq++, VSVM_CHAN_ERR_BUDGET, VT_PROG_VA,
			"budget");

	/*
	 * Random words: whatever they do, the launch ends (an error, or
	 * the budget) and the unit takes the next one.
	 */
	words = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, words);
	prandom_seed_state(&rnd, 0x5eed);
	g.local_size[0] = 2;
	g.local_mem_size = 256;
	for (i = 0; i < 24; i++) {
		u64 va = VT_PROG_VA + 0x1000 * (i + 1);

		for (j = 0; j < PAGE_SIZE / 4; j++)
			words[j] = prandom_u32_state(&rnd) | (j & 1 ? 3 : 0);
		vt_load_rv64(env, va, words, PAGE_SIZE / 4);
		vt_launch_grid(env, 0, va, &g, NULL, 0, 2000, seq);
		KUNIT_ASSERT_TRUE_MSG(test, vt_wait_seq(env, 0, seq), "%u", i);
		vsvm_hw_wr32(env->hw, VSVM_CHAN_ERR_CODE(0), 0);
		seq++;
	}
}

/*
 * Geometry: every thread of a 3-D grid writes its coordinates, read
 * through the CSRs, to out[global linear index].
 */
static void vsvm_rv64_geometry(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_CSRR(10, VSVM_RV_CSR_LOCAL_ID(0)),
		RV_CSRR(11, VSVM_RV_CSR_LOCAL_ID(1)),
		RV_CSRR(12, VSVM_RV_CSR_LOCAL_ID(2)),
		RV_CSRR(13, VSVM_RV_CSR_GROUP_ID(0)),
		RV_CSRR(14, VSVM_RV_CSR_GROUP_ID(1)),
		RV_CSRR(15, VSVM_RV_CSR_GROUP_ID(2)),
		RV_CSRR(16, VSVM_RV_CSR_NUM_GROUPS(0)),
		RV_CSRR(17, VSVM_RV_CSR_NUM_GROUPS(1)),
		RV_CSRR(18, VSVM_RV_CSR_LOCAL_SIZE(0)),
		RV_CSRR(19, VSVM_RV_CSR_LOCAL_SIZE(1)),
		RV_CSRR(20, VSVM_RV_CSR_LOCAL_SIZE(2)),
		/* group linear = (gz * ngy + gy) * ngx + gx */
		RV_R(0x33, 0, 1, 5, 15, 17),
		RV_ADD(5, 5, 14),
		RV_R(0x33, 0, 1, 5, 5, 16),
		RV_ADD(5, 5, 13),
		/* local linear = (lz * ly + ly_id) * lx + lx_id */
		RV_R(0x33, 0, 1, 6, 12, 19),
		RV_ADD(6, 6, 11),
		RV_R(0x33, 0, 1, 6, 6, 18),
		RV_ADD(6, 6, 10),
		/* index = group * threads_per_group + local */
		RV_R(0x33, 0, 1, 7, 18, 19),
		RV_R(0x33, 0, 1, 7, 7, 20),
		RV_R(0x33, 0, 1, 7, 5, 7),
		RV_ADD(7, 7, 6),
		RV_SLLI(7, 7, 3),
		RV_ADD(7, 7, 1),
		/* value = gz<<40 | gy<<32 | gx<<24 | lz<<16 | ly<<8 | lx */
		RV_SLLI(15, 15, 40), RV_SLLI(14, 14, 32), RV_SLLI(13, 13, 24),
		RV_SLLI(12, 12, 16), RV_SLLI(11, 11, 8),
		RV_ADD(10, 10, 11), RV_ADD(10, 10, 12), RV_ADD(10, 10, 13),
		RV_ADD(10, 10, 14), RV_ADD(10, 10, 15),
		RV_SD(10, 7, 0),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, false, 2);
	struct vt_grid g = { { 4, 2, 3 }, { 3, 2, 2 }, 0, 256 };
	u64 args[1] = { VT_OUT_VA }, out;
	u32 idx;

	out = vt_map_data(env, VT_OUT_VA, 0);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 1, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_ASSERT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)), 0);
	for (idx = 0; idx < 12 * 24; idx++) {
		u32 grp = idx / 24, loc = idx % 24;
		u64 want = (u64)(grp / 6) << 40 | (u64)(grp / 3 % 2) << 32 |
			   (grp % 3) << 24 | (loc / 8) << 16 |
			   (loc / 4 % 2) << 8 | loc % 4;

		KUNIT_EXPECT_EQ_MSG(test, vt_rd64(env, VT_SYS, out + 8 * idx),
				    want, "thread %u", idx);
	}
}

#define VT_BAR_THREADS	64
#define VT_BAR_GROUPS	8

/*
 * Local memory and barriers: each thread stores its id + group * 1000
 * into local[id], waits at a barrier, then stores local[(id + 1) % n]
 * to out; thread 0 also sums local[] after a second barrier (every
 * thread adds 1 to local[id] in between) and stores the sum.  Two units
 * run 8 groups of 64 threads, so groups follow each other on a unit.
 */
static void vsvm_rv64_barrier_local(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_CSRR(10, VSVM_RV_CSR_LOCAL_ID(0)),
		RV_CSRR(11, VSVM_RV_CSR_GROUP_ID(0)),
		RV_CSRR(12, VSVM_RV_CSR_LOCAL_MEM_BASE),
		RV_CSRR(13, VSVM_RV_CSR_LOCAL_SIZE(0)),
		RV_ADDI(14, 0, 1000),
		RV_R(0x33, 0, 1, 14, 14, 11),		/* group * 1000 */
		RV_ADD(15, 14, 10),			/* value */
		RV_SLLI(16, 10, 3),
		RV_ADD(16, 16, 12),			/* &local[id] */
		RV_SD(15, 16, 0),
		RV_BARRIER,
		RV_ADDI(17, 10, 1),
		RV_R(0x33, 7, 1, 17, 17, 13),		/* (id + 1) % n */
		RV_SLLI(17, 17, 3),
		RV_ADD(17, 17, 12),
		RV_LD(18, 17, 0),
		RV_R(0x33, 0, 1, 19, 11, 13),		/* group * n */
		RV_ADD(19, 19, 10),
		RV_SLLI(19, 19, 3),
		RV_ADD(19, 19, 1),
		RV_SD(18, 19, 0),
		RV_BARRIER,
		RV_LD(18, 16, 0),
		RV_ADDI(18, 18, 1),
		RV_SD(18, 16, 0),
		RV_BARRIER,
		RV_B(1, 10, 0, 60),			/* id != 0: end */
		RV_ADDI(20, 0, 0),			/* sum */
		RV_ADDI(21, 12, 0),
		RV_ADDI(22, 13, 0),
		RV_LD(18, 21, 0),			/* loop */
		RV_ADD(20, 20, 18),
		RV_ADDI(21, 21, 8),
		RV_ADDI(22, 22, -1),
		RV_B(1, 22, 0, -16),
		RV_ADDI(19, 1, 2047),
		RV_ADDI(19, 19, 2047),
		RV_ADDI(19, 19, 2),			/* out + 4096 */
		RV_SLLI(18, 11, 3),
		RV_ADD(19, 19, 18),
		RV_SD(20, 19, 0),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, false, 2);
	struct vt_grid g = { { VT_BAR_THREADS, 1, 1 }, { VT_BAR_GROUPS, 1, 1 },
			     8 * VT_BAR_THREADS, 0 };
	u64 args[1] = { VT_OUT_VA }, out, out2;
	unsigned int grp, id;

	out = vt_map_data(env, VT_OUT_VA, 0);
	out2 = vt_map_data(env, VT_OUT_VA + 0x1000, 0);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 1, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	KUNIT_ASSERT_EQ_MSG(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)),
			    0, "pc %#x",
			    vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_PC_LO(0)));
	for (grp = 0; grp < VT_BAR_GROUPS; grp++) {
		u64 sum = 0;

		for (id = 0; id < VT_BAR_THREADS; id++) {
			KUNIT_EXPECT_EQ_MSG(test,
					    vt_rd64(env, VT_SYS, out +
						    8 * (grp * VT_BAR_THREADS + id)),
					    grp * 1000 + (id + 1) % VT_BAR_THREADS,
					    "group %u thread %u", grp, id);
			sum += grp * 1000 + id + 1;
		}
		KUNIT_EXPECT_EQ_MSG(test, vt_rd64(env, VT_SYS, out2 + 8 * grp),
				    sum, "group %u sum", grp);
	}
}

/* A new launch never sees the windows of the previous one. */
static void vsvm_rv64_windows_cleared(struct kunit *test)
{
	const u32 prog[] = {
		RV_CSRR(1, VSVM_RV_CSR_ARG(0)),
		RV_CSRR(12, VSVM_RV_CSR_LOCAL_MEM_BASE),
		RV_LD(10, 12, 0),
		RV_SD(10, 1, 0),
		RV_LD(10, 2, -8),
		RV_SD(10, 1, 8),
		RV_ADDI(10, 0, -1),
		RV_SD(10, 12, 0),
		RV_SD(10, 2, -8),
		RV_ECALL,
	};
	struct vt_env *env = vt_env_create(test, false, 1);
	struct vt_grid g = { { 1, 1, 1 }, { 1, 1, 1 }, 64, 0 };
	u64 args[1] = { VT_OUT_VA }, out;

	out = vt_map_data(env, VT_OUT_VA, 0);
	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 1, 0, 1);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 1));
	vt_launch_grid(env, 0, VT_PROG_VA, &g, args, 1, 0, 2);
	KUNIT_ASSERT_TRUE(test, vt_wait_seq(env, 0, 2));
	KUNIT_EXPECT_EQ(test, vsvm_hw_rd32(env->hw, VSVM_CHAN_ERR_CODE(0)), 0);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, out), 0);
	KUNIT_EXPECT_EQ(test, vt_rd64(env, VT_SYS, out + 8), 0);
}

/* Descriptors with a bad geometry are refused. */
static void vsvm_rv64_bad_geometry(struct kunit *test)
{
	static const struct vt_grid bad[] = {
		{ { 0, 1, 1 }, { 1, 1, 1 }, 0, 0 },
		{ { 1, 1, 1 }, { 1, 0, 1 }, 0, 0 },
		{ { 16, 16, 2 }, { 1, 1, 1 }, 0, 0 },
		{ { 1, 1, 1 }, { 1, 1, 1 }, VSVM_RV_MAX_LOCAL_MEM + 1, 0 },
		{ { 1, 1, 1 }, { 1, 1, 1 }, 0, 24 },
		{ { 256, 1, 1 }, { 1, 1, 1 }, 0, 8192 },
		{ { 1, 1, 1 }, { 65536, 65536, 2 }, 0, 0 },
	};
	static const struct vt_grid ok = { { 1, 1, 1 }, { 1, 1, 1 }, 0, 0 };
	static const u32 prog[] = { RV_ECALL };
	struct vt_env *env = vt_env_create(test, false, 1);
	unsigned int i;

	vt_load_rv64(env, VT_PROG_VA, prog, ARRAY_SIZE(prog));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vt_launch_grid(env, 0, VT_PROG_VA, &bad[i], NULL, 0, 0, i + 1);
		rv_expect_error(test, env, i + 1, VSVM_CHAN_ERR_BAD_DESC, ~0ULL,
				"geometry");
	}
	/* A program address that is not 4-byte aligned. */
	vt_launch_grid(env, 0, VT_PROG_VA + 2, &ok, NULL, 0, 0, 20);
	rv_expect_error(test, env, 20, VSVM_CHAN_ERR_BAD_DESC, ~0ULL, "pc");
}

static struct kunit_case vsvm_rv64_test_cases[] = {
	KUNIT_CASE(vsvm_rv64_integer),
	KUNIT_CASE(vsvm_rv64_branches_memory_csrs),
	KUNIT_CASE(vsvm_rv64_atomics),
	KUNIT_CASE(vsvm_rv64_float),
	KUNIT_CASE(vsvm_rv64_traps),
	KUNIT_CASE(vsvm_rv64_budget_and_fuzz),
	KUNIT_CASE(vsvm_rv64_geometry),
	KUNIT_CASE(vsvm_rv64_barrier_local),
	KUNIT_CASE(vsvm_rv64_windows_cleared),
	KUNIT_CASE(vsvm_rv64_bad_geometry),
	{}
};

static struct kunit_suite vsvm_rv64_test_suite = {
	.name = "vsvm_rv64",
	.test_cases = vsvm_rv64_test_cases,
};

kunit_test_suite(vsvm_rv64_test_suite);
