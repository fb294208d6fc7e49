// SPDX-License-Identifier: GPL-2.0-only
/*
 * RISC-V execution of the vsvm execution units: one work-group at a time
 * per unit, its threads interleaved (the profile is in vsvm_isa_rv64.h).
 *
 * Each instruction is fetched through the MMU (or a window), decoded once
 * into struct vsvm_rv_insn, then executed.  Floating-point arithmetic is
 * done in software by vsvm_rv64_fp.c.
 *
 * Everything here runs on the execution unit's own kernel thread: the
 * thread array and the two windows of a unit are touched by no one else,
 * so they need no lock.  Launch state shared with other units is read
 * only (or through vsvm_thread_error(), which takes vsvm_exec.lock).
 */

#include <linux/bitfield.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "vsvm_hw_priv.h"
#include "vsvm_rv64_fp.h"

/**
 * enum vsvm_rv_state - where a thread of the running work-group is
 * @VSVM_RV_RUNNABLE: runs when its turn comes
 * @VSVM_RV_BARRIER: waits at a work-group barrier
 * @VSVM_RV_DONE: ended (ECALL)
 */
enum vsvm_rv_state {
	VSVM_RV_RUNNABLE,
	VSVM_RV_BARRIER,
	VSVM_RV_DONE,
};

/**
 * struct vsvm_rv_thread - architectural state of one RISC-V thread
 * @x: integer registers (x[0] reads as zero)
 * @f: floating-point registers (single values NaN-boxed)
 * @pc: program counter
 * @instret: instructions retired
 * @lr_addr: address of the LR reservation
 * @lr_val: value LR read
 * @line: the instruction block fetched last
 * @line_va: its address, ~0 for none
 * @line_gen: the MMU's invalidate generation before it was fetched
 * @budget: instructions left
 * @fcsr: frm (7:5) and fflags (4:0)
 * @lr_size: size of the reservation, 0 for none
 * @state: &enum vsvm_rv_state
 */
struct vsvm_rv_thread {
	u64 x[32];
	u64 f[32];
	u64 pc;
	u64 instret;
	u64 lr_addr;
	u64 lr_val;
	u32 line[VSVM_RV_FETCH_LINE / 4];
	u64 line_va;
	u64 line_gen;
	u32 budget;
	u32 fcsr;
	u8 lr_size;
	u8 state;
};

/**
 * struct vsvm_rv_insn - a decoded instruction
 * @raw: the instruction word
 * @opcode: bits 6:0
 * @rd: destination register
 * @rs1: first source register
 * @rs2: second source register
 * @rs3: third source register (fused multiply-add)
 * @funct3: bits 14:12
 * @funct7: bits 31:25
 * @imm: the immediate of the instruction's format, sign-extended
 */
struct vsvm_rv_insn {
	u32 raw;
	u8 opcode;
	u8 rd;
	u8 rs1;
	u8 rs2;
	u8 rs3;
	u8 funct3;
	u8 funct7;
	s64 imm;
};

/**
 * struct vsvm_rv_group - the work-group an execution unit runs
 * @t: what memory accesses and errors see of the running thread
 * @l: the launch (@t.launch)
 * @th: its threads (the unit's array)
 * @group_id: the group's coordinates
 * @first_tid: linear grid index of the group's thread 0
 */
struct vsvm_rv_group {
	struct vsvm_thread t;
	struct vsvm_launch *l;
	struct vsvm_rv_thread *th;
	u32 group_id[3];
	u32 first_tid;
};

/* What executing one instruction led to. */
enum {
	VSVM_RV_NEXT,		/* go on */
	VSVM_RV_END,		/* ECALL: the thread ended */
	VSVM_RV_WAIT,		/* wrote the barrier CSR */
};

#define VSVM_RV_CANON_NAN_S	0x7fc00000ULL
#define VSVM_RV_BOX		0xffffffff00000000ULL
#define VSVM_RV_FCSR_FRM	GENMASK(7, 5)
#define VSVM_RV_FCSR_FFLAGS	GENMASK(4, 0)

/**
 * vsvm_rv64_alloc() - allocate an execution unit's RISC-V state
 * @eu: the unit
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_rv64_alloc(struct vsvm_eu *eu)
{
	eu->rv_threads = kvcalloc(VSVM_RV_MAX_GROUP_THREADS,
				  sizeof(*eu->rv_threads), GFP_KERNEL);
	eu->rv_local = vzalloc(VSVM_RV_MAX_LOCAL_MEM);
	eu->rv_private = vzalloc(VSVM_RV_MAX_PRIVATE_MEM);
	eu->rv_owner = 0;
	if (!eu->rv_threads || !eu->rv_local || !eu->rv_private) {
		vsvm_rv64_free(eu);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vsvm_rv64_free() - free what vsvm_rv64_alloc() allocated
 * @eu: the unit (its thread no longer runs)
 */
void vsvm_rv64_free(struct vsvm_eu *eu)
{
	kvfree(eu->rv_threads);
	vfree(eu->rv_local);
	vfree(eu->rv_private);
	eu->rv_threads = NULL;
	eu->rv_local = NULL;
	eu->rv_private = NULL;
}

static void vsvm_rv_decode(u32 raw, struct vsvm_rv_insn *in)
{
	s32 w = (s32)raw;

	in->raw = raw;
	in->opcode = raw & 0x7f;
	in->rd = (raw >> 7) & 31;
	in->funct3 = (raw >> 12) & 7;
	in->rs1 = (raw >> 15) & 31;
	in->rs2 = (raw >> 20) & 31;
	in->rs3 = raw >> 27;
	in->funct7 = raw >> 25;
	switch (in->opcode) {
	case 0x37: /* LUI */
	case 0x17: /* AUIPC */
		in->imm = w & ~0xfff;
		break;
	case 0x6f: /* JAL */
		in->imm = ((s64)(w >> 31) << 20) | (raw & 0xff000) |
			  ((raw >> 9) & 0x800) | ((raw >> 20) & 0x7fe);
		break;
	case 0x63: /* BRANCH */
		in->imm = ((s64)(w >> 31) << 12) | ((raw << 4) & 0x800) |
			  ((raw >> 20) & 0x7e0) | ((raw >> 7) & 0x1e);
		break;
	case 0x23: /* STORE */
	case 0x27: /* STORE-FP */
		in->imm = ((s64)(w >> 25) << 5) | in->rd;
		break;
	default: /* I-type, or no immediate */
		in->imm = w >> 20;
		break;
	}
}

static void vsvm_rv_error(struct vsvm_rv_group *g, u32 code, u64 addr,
			  u32 info)
{
	vsvm_thread_error(&g->t, code, addr, info);
}

static int vsvm_rv_illegal(struct vsvm_rv_group *g)
{
	vsvm_rv_error(g, VSVM_CHAN_ERR_ILLEGAL_INSN, g->t.pc, 0);
	return -EINVAL;
}

/*
 * The window byte range of an access, or NULL if the address is not in a
 * window.  *bad is set for an address in a window but out of its range.
 */
static u8 *vsvm_rv_window(struct vsvm_rv_group *g, u64 va, unsigned int size,
			  bool *bad)
{
	struct vsvm_eu *eu = g->t.eu;
	u64 off, len;
	u8 *base;

	*bad = false;
	if (va >= VSVM_RV_LOCAL_BASE &&
	    va < VSVM_RV_LOCAL_BASE + VSVM_RV_WINDOW_SPAN) {
		off = va - VSVM_RV_LOCAL_BASE;
		len = g->l->local_mem_size;
		base = eu->rv_local;
	} else if (va >= VSVM_RV_PRIVATE_BASE &&
		   va < VSVM_RV_PRIVATE_BASE + VSVM_RV_WINDOW_SPAN) {
		off = va - VSVM_RV_PRIVATE_BASE;
		len = (u64)g->l->group_threads * g->l->stack_size;
		base = eu->rv_private;
	} else {
		return NULL;
	}
	if (off >= len || len - off < size) {
		*bad = true;
		return NULL;
	}
	return base + off;
}

static u64 vsvm_rv_window_read(const u8 *p, unsigned int size)
{
	switch (size) {
	case 1:
		return *p;
	case 2:
		return *(const u16 *)p;
	case 4:
		return *(const u32 *)p;
	default:
		return *(const u64 *)p;
	}
}

static void vsvm_rv_window_write(u8 *p, unsigned int size, u64 val)
{
	switch (size) {
	case 1:
		*p = val;
		break;
	case 2:
		*(u16 *)p = val;
		break;
	case 4:
		*(u32 *)p = val;
		break;
	default:
		*(u64 *)p = val;
		break;
	}
}

/*
 * One data access or fetch: a window, or the MMU.  @op as for
 * vsvm_exec_access(); val[0] in/out, val[1] the AMO operand.  Returns 0 or
 * a negative errno after recording the channel error.
 */
static int vsvm_rv_access(struct vsvm_rv_group *g, u64 va, unsigned int size,
			  u8 access, unsigned int op, u64 *val)
{
	bool bad;
	u8 *p;

	if (va & (size - 1)) {
		vsvm_rv_error(g, VSVM_CHAN_ERR_MISALIGNED, va,
			      FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
					 access));
		return -EINVAL;
	}
	p = vsvm_rv_window(g, va, size, &bad);
	if (bad) {
		vsvm_rv_error(g, VSVM_CHAN_ERR_MMU_FAULT, va,
			      FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
					 access) |
			      VSVM_CHAN_ERR_INFO_NONREPLAYABLE);
		return -EFAULT;
	}
	if (!p)
		return vsvm_exec_access(&g->t, va, size, access, op, val);

	/* Only this unit's thread touches its windows. */
	if (op == VSVM_MEMOP_PREFETCH) {
		return 0;
	} else if (op == VSVM_MEMOP_LOAD) {
		val[0] = vsvm_rv_window_read(p, size);
	} else if (op == VSVM_MEMOP_STORE) {
		vsvm_rv_window_write(p, size, val[0]);
	} else {
		u64 old = vsvm_rv_window_read(p, size);

		vsvm_rv_window_write(p, size,
				     vsvm_amo_apply(op - VSVM_MEMOP_AMO, size,
						    old, val[1], val[0]));
		val[0] = old;
	}
	return 0;
}

static int vsvm_rv_jump(struct vsvm_rv_group *g, u64 target, u64 *next)
{
	if (target & 3) {
		vsvm_rv_error(g, VSVM_CHAN_ERR_MISALIGNED, target,
			      FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
					 VSVM_FAULT_ACCESS_READ));
		return -EINVAL;
	}
	*next = target;
	return 0;
}

/* High 64 bits of the 128-bit product of two unsigned 64-bit values. */
static u64 vsvm_rv_mulhu(u64 a, u64 b)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;

	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static u64 vsvm_rv_mulh(s64 a, s64 b)
{
	u64 hi = vsvm_rv_mulhu(a, b);

	if (a < 0)
		hi -= b;
	if (b < 0)
		hi -= a;
	return hi;
}

static u64 vsvm_rv_mulhsu(s64 a, u64 b)
{
	u64 hi = vsvm_rv_mulhu(a, b);

	if (a < 0)
		hi -= b;
	return hi;
}

static u64 vsvm_rv_div(s64 a, s64 b)
{
	if (!b)
		return ~0ULL;
	if (a == S64_MIN && b == -1)
		return a;
	return div64_s64(a, b);
}

static u64 vsvm_rv_rem(s64 a, s64 b)
{
	if (!b)
		return a;
	if (a == S64_MIN && b == -1)
		return 0;
	return a - div64_s64(a, b) * b;
}

static u64 vsvm_rv_divu(u64 a, u64 b)
{
	return b ? div64_u64(a, b) : ~0ULL;
}

static u64 vsvm_rv_remu(u64 a, u64 b)
{
	return b ? a - div64_u64(a, b) * b : a;
}

static s64 vsvm_rv_sext32(u64 v)
{
	return (s32)v;
}

/* OP and OP-32; false for an illegal encoding. */
static bool vsvm_rv_op(const struct vsvm_rv_insn *in, u64 a, u64 b, u64 *res)
{
	bool w = in->opcode == 0x3b;
	unsigned int key = in->funct7 << 3 | in->funct3;

	if (w) {
		u32 a32 = a, b32 = b;

		switch (key) {
		case 0x000:		/* ADDW */
			*res = vsvm_rv_sext32(a32 + b32);
			return true;
		case 0x100:		/* SUBW */
			*res = vsvm_rv_sext32(a32 - b32);
			return true;
		case 0x001:		/* SLLW */
			*res = vsvm_rv_sext32(a32 << (b & 31));
			return true;
		case 0x005:		/* SRLW */
			*res = vsvm_rv_sext32(a32 >> (b & 31));
			return true;
		case 0x105:		/* SRAW */
			*res = (s64)((s32)a32 >> (b & 31));
			return true;
		case 0x008:		/* MULW */
			*res = vsvm_rv_sext32(a32 * b32);
			return true;
		case 0x00c:		/* DIVW */
			*res = vsvm_rv_sext32(vsvm_rv_div((s32)a32, (s32)b32));
			return true;
		case 0x00d:		/* DIVUW */
			*res = vsvm_rv_sext32(b32 ? a32 / b32 : ~0U);
			return true;
		case 0x00e:		/* REMW */
			*res = vsvm_rv_sext32(vsvm_rv_rem((s32)a32, (s32)b32));
			return true;
		case 0x00f:		/* REMUW */
			*res = vsvm_rv_sext32(b32 ? a32 % b32 : a32);
			return true;
		default:
			return false;
		}
	}
	switch (key) {
	case 0x000:		/* ADD */
		*res = a + b;
		return true;
	case 0x100:		/* SUB */
		*res = a - b;
		return true;
	case 0x001:		/* SLL */
		*res = a << (b & 63);
		return true;
	case 0x002:		/* SLT */
		*res = (s64)a < (s64)b;
		return true;
	case 0x003:		/* SLTU */
		*res = a < b;
		return true;
	case 0x004:		/* XOR */
		*res = a ^ b;
		return true;
	case 0x005:		/* SRL */
		*res = a >> (b & 63);
		return true;
	case 0x105:		/* SRA */
		*res = (s64)a >> (b & 63);
		return true;
	case 0x006:		/* OR */
		*res = a | b;
		return true;
	case 0x007:		/* AND */
		*res = a & b;
		return true;
	case 0x008:		/* MUL */
		*res = a * b;
		return true;
	case 0x009:		/* MULH */
		*res = vsvm_rv_mulh(a, b);
		return true;
	case 0x00a:		/* MULHSU */
		*res = vsvm_rv_mulhsu(a, b);
		return true;
	case 0x00b:		/* MULHU */
		*res = vsvm_rv_mulhu(a, b);
		return true;
	case 0x00c:		/* DIV */
		*res = vsvm_rv_div(a, b);
		return true;
	case 0x00d:		/* DIVU */
		*res = vsvm_rv_divu(a, b);
		return true;
	case 0x00e:		/* REM */
		*res = vsvm_rv_rem(a, b);
		return true;
	case 0x00f:		/* REMU */
		*res = vsvm_rv_remu(a, b);
		return true;
	default:
		return false;
	}
}

/* OP-IMM and OP-IMM-32; false for an illegal encoding. */
static bool vsvm_rv_op_imm(const struct vsvm_rv_insn *in, u64 a, u64 *res)
{
	s64 imm = in->imm;
	unsigned int sh6 = in->raw >> 26;	/* funct6 of 64-bit shifts */

	if (in->opcode == 0x1b) {
		switch (in->funct3) {
		case 0:		/* ADDIW */
			*res = vsvm_rv_sext32((u32)a + (u32)imm);
			return true;
		case 1:		/* SLLIW */
			if (in->funct7)
				return false;
			*res = vsvm_rv_sext32((u32)a << in->rs2);
			return true;
		case 5:		/* SRLIW, SRAIW */
			if (in->funct7 == 0)
				*res = vsvm_rv_sext32((u32)a >> in->rs2);
			else if (in->funct7 == 0x20)
				*res = (s64)((s32)a >> in->rs2);
			else
				return false;
			return true;
		default:
			return false;
		}
	}
	switch (in->funct3) {
	case 0:			/* ADDI */
		*res = a + imm;
		return true;
	case 2:			/* SLTI */
		*res = (s64)a < imm;
		return true;
	case 3:			/* SLTIU */
		*res = a < (u64)imm;
		return true;
	case 4:			/* XORI */
		*res = a ^ imm;
		return true;
	case 6:			/* ORI */
		*res = a | imm;
		return true;
	case 7:			/* ANDI */
		*res = a & imm;
		return true;
	case 1:			/* SLLI */
		if (sh6)
			return false;
		*res = a << (imm & 63);
		return true;
	default:		/* 5: SRLI, SRAI */
		if (sh6 == 0)
			*res = a >> (imm & 63);
		else if (sh6 == 0x10)
			*res = (s64)a >> (imm & 63);
		else
			return false;
		return true;
	}
}

static bool vsvm_rv_branch(unsigned int funct3, u64 a, u64 b, bool *taken)
{
	switch (funct3) {
	case 0:
		*taken = a == b;
		return true;
	case 1:
		*taken = a != b;
		return true;
	case 4:
		*taken = (s64)a < (s64)b;
		return true;
	case 5:
		*taken = (s64)a >= (s64)b;
		return true;
	case 6:
		*taken = a < b;
		return true;
	case 7:
		*taken = a >= b;
		return true;
	default:
		return false;
	}
}

/* Read CSR @csr into *val; false for an unknown CSR. */
static bool vsvm_rv_csr_read(struct vsvm_rv_group *g,
			     struct vsvm_rv_thread *th, u32 local_tid,
			     unsigned int csr, u64 *val)
{
	struct vsvm_launch *l = g->l;
	u32 lx = l->local_size[0], ly = l->local_size[1];

	switch (csr) {
	case VSVM_RV_CSR_FFLAGS:
		*val = th->fcsr & VSVM_RV_FCSR_FFLAGS;
		return true;
	case VSVM_RV_CSR_FRM:
		*val = FIELD_GET(VSVM_RV_FCSR_FRM, th->fcsr);
		return true;
	case VSVM_RV_CSR_FCSR:
		*val = th->fcsr;
		return true;
	case VSVM_RV_CSR_CYCLE:
	case VSVM_RV_CSR_INSTRET:
		*val = th->instret;
		return true;
	case VSVM_RV_CSR_TIME:
		*val = vsvm_hw_time_ns();
		return true;
	case VSVM_RV_CSR_LOCAL_ID(0):
		*val = local_tid % lx;
		return true;
	case VSVM_RV_CSR_LOCAL_ID(1):
		*val = (local_tid / lx) % ly;
		return true;
	case VSVM_RV_CSR_LOCAL_ID(2):
		*val = local_tid / (lx * ly);
		return true;
	case VSVM_RV_CSR_GROUP_ID(0) ... VSVM_RV_CSR_GROUP_ID(2):
		*val = g->group_id[csr - VSVM_RV_CSR_GROUP_ID(0)];
		return true;
	case VSVM_RV_CSR_LOCAL_SIZE(0) ... VSVM_RV_CSR_LOCAL_SIZE(2):
		*val = l->local_size[csr - VSVM_RV_CSR_LOCAL_SIZE(0)];
		return true;
	case VSVM_RV_CSR_NUM_GROUPS(0) ... VSVM_RV_CSR_NUM_GROUPS(2):
		*val = l->num_groups[csr - VSVM_RV_CSR_NUM_GROUPS(0)];
		return true;
	case VSVM_RV_CSR_LOCAL_MEM_BASE:
		*val = VSVM_RV_LOCAL_BASE;
		return true;
	case VSVM_RV_CSR_LOCAL_MEM_SIZE:
		*val = l->local_mem_size;
		return true;
	case VSVM_RV_CSR_EU_ID:
		*val = g->t.eu->index;
		return true;
	case VSVM_RV_CSR_STACK_SIZE:
		*val = l->stack_size;
		return true;
	case VSVM_RV_CSR_ARG(0) ... VSVM_RV_CSR_ARG(7):
		*val = l->args[csr - VSVM_RV_CSR_ARG(0)];
		return true;
	case VSVM_RV_CSR_BARRIER:
		*val = 0;
		return true;
	default:
		return false;
	}
}

static int vsvm_rv_system(struct vsvm_rv_group *g, struct vsvm_rv_thread *th,
			  u32 local_tid, const struct vsvm_rv_insn *in)
{
	unsigned int csr = in->raw >> 20, op = in->funct3 & 3;
	u64 src, old = 0;
	bool write;

	if (in->funct3 == 0) {
		if (in->raw == 0x00000073)	/* ECALL */
			return VSVM_RV_END;
		if (in->raw == 0x00100073) {	/* EBREAK */
			vsvm_rv_error(g, VSVM_CHAN_ERR_BREAKPOINT, th->pc, 0);
			return -EINVAL;
		}
		return vsvm_rv_illegal(g);
	}
	if (op == 0)
		return vsvm_rv_illegal(g);
	src = in->funct3 & 4 ? in->rs1 : th->x[in->rs1];
	/* CSRRS/CSRRC with x0 (or zimm 0) read without writing. */
	write = op == 1 || in->rs1 != 0;
	if (!vsvm_rv_csr_read(g, th, local_tid, csr, &old))
		return vsvm_rv_illegal(g);
	if (write) {
		u64 val = op == 1 ? src : op == 2 ? old | src : old & ~src;

		switch (csr) {
		case VSVM_RV_CSR_FFLAGS:
			th->fcsr = (th->fcsr & ~VSVM_RV_FCSR_FFLAGS) |
				   (val & VSVM_RV_FCSR_FFLAGS);
			break;
		case VSVM_RV_CSR_FRM:
			th->fcsr = (th->fcsr & ~VSVM_RV_FCSR_FRM) |
				   FIELD_PREP(VSVM_RV_FCSR_FRM, val & 7);
			break;
		case VSVM_RV_CSR_FCSR:
			th->fcsr = val & 0xff;
			break;
		case VSVM_RV_CSR_BARRIER:
			th->x[in->rd] = old;
			/* Global accesses before, after: ordered. */
			smp_mb();
			return VSVM_RV_WAIT;
		default:	/* read-only */
			return vsvm_rv_illegal(g);
		}
	}
	th->x[in->rd] = old;
	return VSVM_RV_NEXT;
}

/* The &enum vsvm_amo of an AMO's funct5, or -1. */
static int vsvm_rv_amo_op(unsigned int funct5)
{
	switch (funct5) {
	case 0x00:
		return VSVM_AMO_ADD;
	case 0x01:
		return VSVM_AMO_SWAP;
	case 0x04:
		return VSVM_AMO_XOR;
	case 0x08:
		return VSVM_AMO_OR;
	case 0x0c:
		return VSVM_AMO_AND;
	case 0x10:
		return VSVM_AMO_MIN;
	case 0x14:
		return VSVM_AMO_MAX;
	case 0x18:
		return VSVM_AMO_MINU;
	case 0x1c:
		return VSVM_AMO_MAXU;
	default:
		return -1;
	}
}

static int vsvm_rv_amo(struct vsvm_rv_group *g, struct vsvm_rv_thread *th,
		       const struct vsvm_rv_insn *in)
{
	unsigned int size, funct5 = in->raw >> 27;
	int amo = vsvm_rv_amo_op(funct5);
	u64 addr = th->x[in->rs1], val[2];
	int ret;

	if (in->funct3 != 2 && in->funct3 != 3)
		return vsvm_rv_illegal(g);
	size = in->funct3 == 2 ? 4 : 8;
	/* aq and rl order like a full fence: every access is in order. */
	if (in->raw & (3 << 25))
		smp_mb(); /* earlier accesses before the AMO */
	if (funct5 == 0x02) {			/* LR */
		if (in->rs2)
			return vsvm_rv_illegal(g);
		ret = vsvm_rv_access(g, addr, size, VSVM_FAULT_ACCESS_ATOMIC,
				     VSVM_MEMOP_LOAD, val);
		if (ret)
			return ret;
		th->lr_addr = addr;
		th->lr_val = val[0];
		th->lr_size = size;
		th->x[in->rd] = size == 4 ? vsvm_rv_sext32(val[0]) : val[0];
	} else if (funct5 == 0x03) {		/* SC */
		bool ok = th->lr_size == size && th->lr_addr == addr;

		if (ok) {
			val[0] = th->lr_val;
			val[1] = th->x[in->rs2];
			ret = vsvm_rv_access(g, addr, size,
					     VSVM_FAULT_ACCESS_ATOMIC,
					     VSVM_MEMOP_AMO + VSVM_AMO_CAS,
					     val);
			if (ret)
				return ret;
			ok = size == 4 ? (u32)val[0] == (u32)th->lr_val :
			     val[0] == th->lr_val;
		} else if (addr & (size - 1)) {
			vsvm_rv_error(g, VSVM_CHAN_ERR_MISALIGNED, addr,
				      FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
						 VSVM_FAULT_ACCESS_ATOMIC));
			return -EINVAL;
		}
		th->lr_size = 0;
		th->x[in->rd] = !ok;
	} else if (amo >= 0) {
		val[0] = 0;
		val[1] = th->x[in->rs2];
		ret = vsvm_rv_access(g, addr, size, VSVM_FAULT_ACCESS_ATOMIC,
				     VSVM_MEMOP_AMO + amo, val);
		if (ret)
			return ret;
		th->x[in->rd] = size == 4 ? vsvm_rv_sext32(val[0]) : val[0];
	} else {
		return vsvm_rv_illegal(g);
	}
	if (in->raw & (3 << 25))
		smp_mb(); /* the AMO before later accesses */
	return VSVM_RV_NEXT;
}

/* A single-precision operand: an improperly boxed value is the qNaN. */
static u64 vsvm_rv_unbox(u64 f)
{
	return (f & VSVM_RV_BOX) == VSVM_RV_BOX ? (u32)f : VSVM_RV_CANON_NAN_S;
}

static u64 vsvm_rv_fp_operand(bool dbl, u64 f)
{
	return dbl ? f : vsvm_rv_unbox(f);
}

static u64 vsvm_rv_fp_result(bool dbl, u64 v)
{
	return dbl ? v : VSVM_RV_BOX | (u32)v;
}

/* Sign injection: FSGNJ, FSGNJN, FSGNJX. */
static bool vsvm_rv_fsgnj(bool dbl, unsigned int funct3, u64 a, u64 b,
			  u64 *res)
{
	u64 sign = dbl ? BIT_ULL(63) : BIT_ULL(31);

	switch (funct3) {
	case 0:
		*res = (a & ~sign) | (b & sign);
		return true;
	case 1:
		*res = (a & ~sign) | (~b & sign);
		return true;
	case 2:
		*res = a ^ (b & sign);
		return true;
	default:
		return false;
	}
}

/* Does the OP-FP operation of funct5 @f5 round (has an rm field)? */
static bool vsvm_rv_fp_rounds(unsigned int f5)
{
	switch (f5) {
	case 0x00:	/* FADD */
	case 0x01:	/* FSUB */
	case 0x02:	/* FMUL */
	case 0x03:	/* FDIV */
	case 0x0b:	/* FSQRT */
	case 0x08:	/* FCVT.S.D, FCVT.D.S */
	case 0x18:	/* FCVT to integer */
	case 0x1a:	/* FCVT from integer */
		return true;
	default:
		return false;
	}
}

/* OP-FP and the fused multiply-adds. */
static int vsvm_rv_fp(struct vsvm_rv_group *g, struct vsvm_rv_thread *th,
		      const struct vsvm_rv_insn *in)
{
	unsigned int fmt = in->funct7 & 3, rm = in->funct3, f5;
	bool dbl = fmt == 1;
	u32 flags = 0;
	u64 a, b, res;

	if (fmt > 1)
		return vsvm_rv_illegal(g);
	if (rm == VSVM_RV_RM_DYN)
		rm = FIELD_GET(VSVM_RV_FCSR_FRM, th->fcsr);
	a = vsvm_rv_fp_operand(dbl, th->f[in->rs1]);
	b = vsvm_rv_fp_operand(dbl, th->f[in->rs2]);

	if (in->opcode != 0x53) {		/* FMADD, FMSUB, FNMSUB, FNMADD */
		u64 c = vsvm_rv_fp_operand(dbl, th->f[in->rs3]);
		bool neg_prod = in->opcode == 0x4b || in->opcode == 0x4f;
		bool neg_add = in->opcode == 0x47 || in->opcode == 0x4f;

		if (rm > VSVM_RV_RM_RMM)
			return vsvm_rv_illegal(g);
		res = vsvm_rv_fma(dbl, a, b, c, neg_prod, neg_add, rm, &flags);
		th->f[in->rd] = vsvm_rv_fp_result(dbl, res);
		goto flags;
	}

	f5 = in->funct7 >> 2;
	/* Operations with a rounding mode check it first. */
	if (vsvm_rv_fp_rounds(f5) && rm > VSVM_RV_RM_RMM)
		return vsvm_rv_illegal(g);
	switch (f5) {
	case 0x00:	/* FADD */
		res = vsvm_rv_fadd(dbl, a, b, rm, &flags);
		break;
	case 0x01:	/* FSUB */
		res = vsvm_rv_fsub(dbl, a, b, rm, &flags);
		break;
	case 0x02:	/* FMUL */
		res = vsvm_rv_fmul(dbl, a, b, rm, &flags);
		break;
	case 0x03:	/* FDIV */
		res = vsvm_rv_fdiv(dbl, a, b, rm, &flags);
		break;
	case 0x0b:	/* FSQRT */
		if (in->rs2)
			return vsvm_rv_illegal(g);
		res = vsvm_rv_fsqrt(dbl, a, rm, &flags);
		break;
	case 0x04:	/* FSGNJ[N|X] */
		if (!vsvm_rv_fsgnj(dbl, in->funct3, a, b, &res))
			return vsvm_rv_illegal(g);
		break;
	case 0x05:	/* FMIN, FMAX */
		if (in->funct3 == 0)
			res = vsvm_rv_fmin(dbl, a, b, &flags);
		else if (in->funct3 == 1)
			res = vsvm_rv_fmax(dbl, a, b, &flags);
		else
			return vsvm_rv_illegal(g);
		break;
	case 0x08:	/* FCVT.S.D (fmt S, rs2 1), FCVT.D.S (fmt D, rs2 0) */
		if (!dbl && in->rs2 == 1) {
			res = vsvm_rv_fcvt_s_d(th->f[in->rs1], rm, &flags);
		} else if (dbl && in->rs2 == 0) {
			res = vsvm_rv_fcvt_d_s(vsvm_rv_unbox(th->f[in->rs1]),
					       &flags);
		} else {
			return vsvm_rv_illegal(g);
		}
		break;
	case 0x14:	/* FLE, FLT, FEQ */
		if (in->funct3 == 0)
			th->x[in->rd] = vsvm_rv_fle(dbl, a, b, &flags);
		else if (in->funct3 == 1)
			th->x[in->rd] = vsvm_rv_flt(dbl, a, b, &flags);
		else if (in->funct3 == 2)
			th->x[in->rd] = vsvm_rv_feq(dbl, a, b, &flags);
		else
			return vsvm_rv_illegal(g);
		goto flags;
	case 0x18:	/* FCVT.{W,WU,L,LU}.{S,D} */
		if (in->rs2 > VSVM_RV_CVT_LU)
			return vsvm_rv_illegal(g);
		th->x[in->rd] = vsvm_rv_fcvt_to_int(dbl, a, in->rs2, rm,
						    &flags);
		goto flags;
	case 0x1a:	/* FCVT.{S,D}.{W,WU,L,LU} */
		if (in->rs2 > VSVM_RV_CVT_LU)
			return vsvm_rv_illegal(g);
		res = vsvm_rv_fcvt_from_int(dbl, th->x[in->rs1], in->rs2, rm,
					    &flags);
		break;
	case 0x1c:	/* FMV.X.{W,D}, FCLASS */
		if (in->rs2)
			return vsvm_rv_illegal(g);
		if (in->funct3 == 0)
			th->x[in->rd] = dbl ? th->f[in->rs1] :
					vsvm_rv_sext32(th->f[in->rs1]);
		else if (in->funct3 == 1)
			th->x[in->rd] = vsvm_rv_fclass(dbl, a);
		else
			return vsvm_rv_illegal(g);
		return VSVM_RV_NEXT;
	case 0x1e:	/* FMV.{W,D}.X */
		if (in->rs2 || in->funct3)
			return vsvm_rv_illegal(g);
		res = th->x[in->rs1];
		th->f[in->rd] = dbl ? res : VSVM_RV_BOX | (u32)res;
		return VSVM_RV_NEXT;
	default:
		return vsvm_rv_illegal(g);
	}
	th->f[in->rd] = vsvm_rv_fp_result(dbl, res);
flags:
	th->fcsr |= flags & VSVM_RV_FCSR_FFLAGS;
	return VSVM_RV_NEXT;
}

static int vsvm_rv_load(struct vsvm_rv_group *g, struct vsvm_rv_thread *th,
			const struct vsvm_rv_insn *in)
{
	unsigned int size = 1 << (in->funct3 & 3);
	u64 val[2];
	int ret;

	if (in->opcode == 0x07) {		/* FLW, FLD */
		if (in->funct3 != 2 && in->funct3 != 3)
			return vsvm_rv_illegal(g);
	} else if (in->funct3 == 7) {
		return vsvm_rv_illegal(g);
	}
	ret = vsvm_rv_access(g, th->x[in->rs1] + in->imm, size,
			     VSVM_FAULT_ACCESS_READ, VSVM_MEMOP_LOAD, val);
	if (ret)
		return ret;
	if (in->opcode == 0x07) {
		th->f[in->rd] = size == 4 ? VSVM_RV_BOX | val[0] : val[0];
		return VSVM_RV_NEXT;
	}
	if (!(in->funct3 & 4) && size < 8)	/* LB, LH, LW sign-extend */
		val[0] = sign_extend64(val[0], size * 8 - 1);
	th->x[in->rd] = val[0];
	return VSVM_RV_NEXT;
}

static int vsvm_rv_store(struct vsvm_rv_group *g, struct vsvm_rv_thread *th,
			 const struct vsvm_rv_insn *in)
{
	unsigned int size = 1 << (in->funct3 & 3);
	u64 val[2];

	if (in->opcode == 0x27) {		/* FSW, FSD */
		if (in->funct3 != 2 && in->funct3 != 3)
			return vsvm_rv_illegal(g);
		val[0] = th->f[in->rs2];
	} else {
		if (in->funct3 > 3)
			return vsvm_rv_illegal(g);
		val[0] = th->x[in->rs2];
	}
	return vsvm_rv_access(g, th->x[in->rs1] + in->imm, size,
			      VSVM_FAULT_ACCESS_WRITE, VSVM_MEMOP_STORE, val);
}

/*
 * The instruction word at th->pc.  Instructions come from the thread's
 * fetched block while no MMU invalidation happened since it was fetched
 * (the generation was read before the fetch, so one that raced with it
 * counts); otherwise the block is fetched again, with the MMU's checks
 * and faults on th->pc.  The windows are read one word at a time.
 */
static int vsvm_rv_fetch(struct vsvm_rv_group *g, struct vsvm_rv_thread *th,
			 u32 *insn)
{
	struct vsvm_mmu *mmu = &g->t.eu->hw->mmu;
	u64 base = th->pc & ~(u64)(VSVM_RV_FETCH_LINE - 1), gen, val[2];
	int ret;

	if (th->line_va == base && READ_ONCE(mmu->gen) == th->line_gen) {
		*insn = th->line[(th->pc - base) / 4];
		return 0;
	}
	if (th->pc >= VSVM_RV_LOCAL_BASE) {
		ret = vsvm_rv_access(g, th->pc, 4, VSVM_FAULT_ACCESS_READ,
				     VSVM_MEMOP_LOAD, val);
		*insn = val[0];
		return ret;
	}
	th->line_va = ~0ULL;
	gen = READ_ONCE(mmu->gen);
	ret = vsvm_exec_access(&g->t, th->pc, 4, VSVM_FAULT_ACCESS_READ,
			       VSVM_MEMOP_FETCH_LINE, (u64 *)th->line);
	if (ret)
		return ret;
	th->line_va = base;
	th->line_gen = gen;
	*insn = th->line[(th->pc - base) / 4];
	return 0;
}

/*
 * Execute the instruction at th->pc.  Returns VSVM_RV_NEXT, _END or
 * _WAIT, or a negative errno once the channel error is recorded.
 */
static int vsvm_rv_step(struct vsvm_rv_group *g, struct vsvm_rv_thread *th,
			u32 local_tid)
{
	struct vsvm_rv_insn in;
	u64 next, *x = th->x, res = 0;
	bool taken;
	u32 raw;
	int ret;

	g->t.pc = th->pc;
	ret = vsvm_rv_fetch(g, th, &raw);
	if (ret)
		return ret;
	if ((raw & 3) != 3)		/* a compressed encoding */
		return vsvm_rv_illegal(g);
	vsvm_rv_decode(raw, &in);
	next = th->pc + 4;

	switch (in.opcode) {
	case 0x37:	/* LUI */
		res = in.imm;
		goto write_rd;
	case 0x17:	/* AUIPC */
		res = th->pc + in.imm;
		goto write_rd;
	case 0x6f:	/* JAL */
		ret = vsvm_rv_jump(g, th->pc + in.imm, &next);
		if (ret)
			return ret;
		res = th->pc + 4;
		goto write_rd;
	case 0x67:	/* JALR */
		if (in.funct3)
			return vsvm_rv_illegal(g);
		ret = vsvm_rv_jump(g, (x[in.rs1] + in.imm) & ~1ULL, &next);
		if (ret)
			return ret;
		res = th->pc + 4;
		goto write_rd;
	case 0x63:	/* BRANCH */
		if (!vsvm_rv_branch(in.funct3, x[in.rs1], x[in.rs2], &taken))
			return vsvm_rv_illegal(g);
		if (taken) {
			ret = vsvm_rv_jump(g, th->pc + in.imm, &next);
			if (ret)
				return ret;
		}
		break;
	case 0x03:	/* LOAD */
	case 0x07:	/* LOAD-FP */
		ret = vsvm_rv_load(g, th, &in);
		x[0] = 0;
		if (ret < 0)
			return ret;
		break;
	case 0x23:	/* STORE */
	case 0x27:	/* STORE-FP */
		ret = vsvm_rv_store(g, th, &in);
		if (ret < 0)
			return ret;
		break;
	case 0x13:	/* OP-IMM */
		/* ORI x0 hints: Zicbop PREFETCH.R (rs2 1), PREFETCH.W (3). */
		if (in.funct3 == 6 && !in.rd && (in.rs2 == 1 || in.rs2 == 3)) {
			u64 pf[2];

			ret = vsvm_rv_access(g, x[in.rs1] + (in.imm & ~0x1fLL),
					     1, VSVM_FAULT_ACCESS_PREFETCH,
					     VSVM_MEMOP_PREFETCH, pf);
			if (ret)
				return ret;
			break;
		}
		fallthrough;
	case 0x1b:	/* OP-IMM-32 */
		if (!vsvm_rv_op_imm(&in, x[in.rs1], &res))
			return vsvm_rv_illegal(g);
		goto write_rd;
	case 0x33:	/* OP */
	case 0x3b:	/* OP-32 */
		if (!vsvm_rv_op(&in, x[in.rs1], x[in.rs2], &res))
			return vsvm_rv_illegal(g);
		goto write_rd;
	case 0x0f:	/* MISC-MEM: FENCE, FENCE.I */
		if (in.funct3 > 1)
			return vsvm_rv_illegal(g);
		smp_mb(); /* FENCE: every earlier access before later ones */
		if (in.funct3 == 1)	/* FENCE.I: fetch again */
			th->line_va = ~0ULL;
		break;
	case 0x73:	/* SYSTEM */
		ret = vsvm_rv_system(g, th, local_tid, &in);
		x[0] = 0;
		if (ret != VSVM_RV_NEXT)
			goto out;
		break;
	case 0x2f:	/* AMO */
		ret = vsvm_rv_amo(g, th, &in);
		x[0] = 0;
		if (ret < 0)
			return ret;
		break;
	case 0x43:	/* FMADD */
	case 0x47:	/* FMSUB */
	case 0x4b:	/* FNMSUB */
	case 0x4f:	/* FNMADD */
	case 0x53:	/* OP-FP */
		ret = vsvm_rv_fp(g, th, &in);
		x[0] = 0;
		if (ret < 0)
			return ret;
		break;
	default:
		return vsvm_rv_illegal(g);
	}
	th->pc = next;
	th->instret++;
	return VSVM_RV_NEXT;

write_rd:
	if (in.rd)
		x[in.rd] = res;
	th->pc = next;
	th->instret++;
	return VSVM_RV_NEXT;

out:
	if (ret >= 0) {
		th->pc = next;
		th->instret++;
	}
	return ret;
}

/*
 * Run thread @i of the group for up to VSVM_RV_QUANTUM instructions.
 * Returns VSVM_RV_NEXT (its turn is over), _END, _WAIT, or a negative
 * errno when the launch stops.
 */
static int vsvm_rv_run_quantum(struct vsvm_rv_group *g, u32 i)
{
	struct vsvm_rv_thread *th = &g->th[i];
	unsigned int n;
	int ret;

	g->t.tid = g->first_tid + i;
	/* A thread switch clears the reservation. */
	th->lr_size = 0;
	for (n = 0; n < VSVM_RV_QUANTUM; n++) {
		if (READ_ONCE(g->l->aborted))
			return -ECANCELED;
		if (!th->budget--) {
			g->t.pc = th->pc;
			vsvm_rv_error(g, VSVM_CHAN_ERR_BUDGET, th->pc, 0);
			return -EINVAL;
		}
		ret = vsvm_rv_step(g, th, i);
		if (ret != VSVM_RV_NEXT)
			return ret;
	}
	return VSVM_RV_NEXT;
}

/**
 * vsvm_rv64_run_group() - run one work-group of a RISC-V launch
 * @eu: the execution unit (its own thread)
 * @ch: the channel whose launch runs
 * @group: linear index of the work-group in the grid
 *
 * Returns when every thread of the group ended, or the launch stopped
 * (the channel error recorded).
 */
void vsvm_rv64_run_group(struct vsvm_eu *eu, struct vsvm_hw_channel *ch,
			 u32 group)
{
	struct vsvm_launch *l = &ch->launch;
	struct vsvm_rv_group g = {
		.t = { .eu = eu, .ch = ch, .launch = l },
		.l = l,
		.th = eu->rv_threads,
	};
	u32 i, live, waiting = 0, ticks = 0;
	int ret;

	g.group_id[0] = group % l->num_groups[0];
	g.group_id[1] = (group / l->num_groups[0]) % l->num_groups[1];
	g.group_id[2] = group / (l->num_groups[0] * l->num_groups[1]);
	g.first_tid = group * l->group_threads;

	/* Another launch's data never shows through the windows. */
	if (eu->rv_owner != l->serial) {
		memset(eu->rv_local, 0, l->local_mem_size);
		memset(eu->rv_private, 0, (size_t)l->group_threads * l->stack_size);
		eu->rv_owner = l->serial;
	}
	for (i = 0; i < l->group_threads; i++) {
		struct vsvm_rv_thread *th = &g.th[i];

		memset(th, 0, sizeof(*th));
		th->line_va = ~0ULL;
		th->pc = l->program_va;
		th->x[2] = VSVM_RV_PRIVATE_BASE + (u64)(i + 1) * l->stack_size;
		th->budget = l->insn_budget;
	}

	live = l->group_threads;
	while (live) {
		for (i = 0; i < l->group_threads; i++) {
			if (g.th[i].state != VSVM_RV_RUNNABLE)
				continue;
			ret = vsvm_rv_run_quantum(&g, i);
			if (ret < 0)
				return;
			if (ret == VSVM_RV_END) {
				g.th[i].state = VSVM_RV_DONE;
				live--;
			} else if (ret == VSVM_RV_WAIT) {
				g.th[i].state = VSVM_RV_BARRIER;
				waiting++;
			}
			if (!(++ticks & 3)) {
				if (kthread_should_stop()) {
					vsvm_rv_error(&g, VSVM_CHAN_ERR_BUDGET,
						      g.th[i].pc, 0);
					return;
				}
				cond_resched();
			}
		}
		/* Every thread still running reached the barrier. */
		if (live && waiting == live) {
			for (i = 0; i < l->group_threads; i++)
				if (g.th[i].state == VSVM_RV_BARRIER)
					g.th[i].state = VSVM_RV_RUNNABLE;
			waiting = 0;
		}
	}
}
