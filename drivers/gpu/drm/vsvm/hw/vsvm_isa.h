/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vsvm compute ISA (version VSVM_ISA_VERSION): the reference.
 *
 * Machine state of one thread: 32 general registers r0..r31 of 64 bits,
 * all zero at thread start (r0 is an ordinary register), and a 64-bit
 * program counter (a GPU virtual address, 8-byte aligned) starting at the
 * launch descriptor's program_va.  The launch's eight 64-bit arguments are
 * read with LDARG; the thread index and thread count with S2R.
 *
 * Encoding: every instruction is one little-endian 64-bit word:
 *   bits  7:0   opcode (VSVM_OP_*)
 *   bits 15:8   rd   destination (or data for atomics, see below)
 *   bits 23:16  ra   first source
 *   bits 31:24  rb   second source
 *   bits 63:32  imm  32-bit immediate, sign-extended to 64 bits ("simm")
 * Register fields above 31 (checked in all three fields, used or not) and
 * unknown opcodes stop the launch with VSVM_CHAN_ERR_ILLEGAL_INSN.  Other
 * fields an instruction does not use are ignored; assemblers write 0.
 *
 * Instructions are fetched from GPU virtual memory through the MMU (access
 * type READ), so the program lives in the address space like data.  Every
 * load, store, atomic and prefetch goes through the MMU with its access
 * type (READ, WRITE, ATOMIC, PREFETCH).  Data accesses must be naturally
 * aligned (VSVM_CHAN_ERR_MISALIGNED otherwise).  A translation fault
 * stalls the thread until the driver replays (the access is retried) or
 * cancels (the launch stops with VSVM_CHAN_ERR_MMU_FAULT).  PREFETCH never
 * stalls: a failing prefetch writes a fault packet and is a no-op.
 *
 * Each executed instruction costs one unit of the thread's instruction
 * budget (launch descriptor insn_budget, or VSVM_CFG_INSN_BUDGET); a
 * thread that exhausts it stops the launch with VSVM_CHAN_ERR_BUDGET.
 *
 * Notation: ea = ra + simm (the effective address of memory operations);
 * all arithmetic is modulo 2^64; "u" is unsigned, "s" signed.
 *
 * Control
 *   NOP                      no operation
 *   EXIT                     the thread ends
 *   BRA    imm               pc = pc + simm * 8
 *   BEQ    ra, rb, imm       if ra == rb: pc = pc + simm * 8
 *   BNE    ra, rb, imm       if ra != rb: ...
 *   BLT    ra, rb, imm       if (s)ra < (s)rb: ...
 *   BGE    ra, rb, imm       if (s)ra >= (s)rb: ...
 *   BLTU   ra, rb, imm       if (u)ra < (u)rb: ...
 *   BGEU   ra, rb, imm       if (u)ra >= (u)rb: ...
 *   (branch offsets are relative to the branch itself, in instructions;
 *    otherwise pc advances by 8)
 *   MEMBAR                   full memory barrier
 *
 * Integer ALU, register form: rd = ra OP rb
 *   ADD SUB MUL AND OR XOR
 *   SHL (rb & 63)  SHR logical (rb & 63)  SAR arithmetic (rb & 63)
 *   DIVU REMU  unsigned; DIVU by 0 gives ~0, REMU by 0 gives ra
 *   SLT  rd = (s)ra < (s)rb ? 1 : 0      SLTU unsigned      SEQ ra == rb
 * Immediate form: rd = ra OP simm
 *   ADDI SUBI MULI ANDI ORI XORI SHLI SHRI SARI (shift count simm & 63)
 * Moves
 *   MOVI   rd, imm           rd = simm
 *   MOVHI  rd, imm           rd = (rd & 0xffffffff) | (u64)imm << 32
 *                            (MOVI then MOVHI loads any 64-bit constant)
 *   MOV    rd, ra            rd = ra
 *   S2R    rd, imm           rd = special register imm (VSVM_SR_*)
 *   LDARG  rd, imm           rd = launch argument imm (0..7)
 *
 * Memory (loads zero-extend; stores store the low bits of rb)
 *   LD8  LD32  LD64          rd = mem[ea]
 *   ST8  ST32  ST64          mem[ea] = rb
 *   PREFETCH                 translate ea for access PREFETCH
 *
 * Atomics, 32 bits (ATOM_*32, ea 4-aligned) and 64 bits (ATOM_*64, ea
 * 8-aligned); rd receives the old memory value; atomic with respect to
 * other execution units and to the CPU:
 *   ATOM_ADD    mem[ea] += rb
 *   ATOM_XCHG   mem[ea] = rb
 *   ATOM_CAS    if mem[ea] == rd (low 32 bits for CAS32): mem[ea] = rb
 *               (rd is both the expected value and the result)
 */
#ifndef _VSVM_ISA_H_
#define _VSVM_ISA_H_

#include <linux/bits.h>
#include <linux/types.h>

/* Version 2: version 1, plus RISC-V launches (vsvm_isa_rv64.h). */
#define VSVM_ISA_VERSION		2
#define VSVM_ISA_NUM_REGS		32
#define VSVM_ISA_INSN_SIZE		8

#define VSVM_ISA_OPCODE			GENMASK_ULL(7, 0)
#define VSVM_ISA_RD			GENMASK_ULL(15, 8)
#define VSVM_ISA_RA			GENMASK_ULL(23, 16)
#define VSVM_ISA_RB			GENMASK_ULL(31, 24)
#define VSVM_ISA_IMM			GENMASK_ULL(63, 32)

/**
 * enum vsvm_isa_opcode - opcodes of the vsvm ISA (bits 7:0)
 * @VSVM_OP_NOP: no operation
 * @VSVM_OP_EXIT: end the thread
 * @VSVM_OP_ADD: rd = ra + rb
 * @VSVM_OP_SUB: rd = ra - rb
 * @VSVM_OP_MUL: rd = ra * rb
 * @VSVM_OP_AND: rd = ra & rb
 * @VSVM_OP_OR: rd = ra | rb
 * @VSVM_OP_XOR: rd = ra ^ rb
 * @VSVM_OP_SHL: rd = ra << (rb & 63)
 * @VSVM_OP_SHR: rd = ra >> (rb & 63), logical
 * @VSVM_OP_SAR: rd = ra >> (rb & 63), arithmetic
 * @VSVM_OP_SLT: rd = (s64)ra < (s64)rb
 * @VSVM_OP_SLTU: rd = ra < rb
 * @VSVM_OP_SEQ: rd = ra == rb
 * @VSVM_OP_DIVU: rd = ra / rb (~0 if rb == 0)
 * @VSVM_OP_REMU: rd = ra % rb (ra if rb == 0)
 * @VSVM_OP_ADDI: rd = ra + simm
 * @VSVM_OP_SUBI: rd = ra - simm
 * @VSVM_OP_MULI: rd = ra * simm
 * @VSVM_OP_ANDI: rd = ra & simm
 * @VSVM_OP_ORI: rd = ra | simm
 * @VSVM_OP_XORI: rd = ra ^ simm
 * @VSVM_OP_SHLI: rd = ra << (simm & 63)
 * @VSVM_OP_SHRI: rd = ra >> (simm & 63), logical
 * @VSVM_OP_SARI: rd = ra >> (simm & 63), arithmetic
 * @VSVM_OP_MOVI: rd = simm
 * @VSVM_OP_MOVHI: rd = (rd & 0xffffffff) | imm << 32
 * @VSVM_OP_MOV: rd = ra
 * @VSVM_OP_S2R: rd = special register simm
 * @VSVM_OP_LDARG: rd = launch argument simm
 * @VSVM_OP_LD8: rd = 8-bit load, zero-extended
 * @VSVM_OP_LD32: rd = 32-bit load, zero-extended
 * @VSVM_OP_LD64: rd = 64-bit load
 * @VSVM_OP_ST8: 8-bit store of rb
 * @VSVM_OP_ST32: 32-bit store of rb
 * @VSVM_OP_ST64: 64-bit store of rb
 * @VSVM_OP_PREFETCH: prefetch translation of ea (never stalls)
 * @VSVM_OP_ATOM_ADD32: 32-bit atomic add
 * @VSVM_OP_ATOM_XCHG32: 32-bit atomic exchange
 * @VSVM_OP_ATOM_CAS32: 32-bit atomic compare-exchange
 * @VSVM_OP_ATOM_ADD64: 64-bit atomic add
 * @VSVM_OP_ATOM_XCHG64: 64-bit atomic exchange
 * @VSVM_OP_ATOM_CAS64: 64-bit atomic compare-exchange
 * @VSVM_OP_BRA: unconditional relative branch
 * @VSVM_OP_BEQ: branch if equal
 * @VSVM_OP_BNE: branch if not equal
 * @VSVM_OP_BLT: branch if less (signed)
 * @VSVM_OP_BGE: branch if greater or equal (signed)
 * @VSVM_OP_BLTU: branch if less (unsigned)
 * @VSVM_OP_BGEU: branch if greater or equal (unsigned)
 * @VSVM_OP_MEMBAR: full memory barrier
 */
enum vsvm_isa_opcode {
	VSVM_OP_NOP		= 0x00,
	VSVM_OP_EXIT		= 0x01,
	VSVM_OP_ADD		= 0x10,
	VSVM_OP_SUB		= 0x11,
	VSVM_OP_MUL		= 0x12,
	VSVM_OP_AND		= 0x13,
	VSVM_OP_OR		= 0x14,
	VSVM_OP_XOR		= 0x15,
	VSVM_OP_SHL		= 0x16,
	VSVM_OP_SHR		= 0x17,
	VSVM_OP_SAR		= 0x18,
	VSVM_OP_SLT		= 0x19,
	VSVM_OP_SLTU		= 0x1a,
	VSVM_OP_SEQ		= 0x1b,
	VSVM_OP_DIVU		= 0x1c,
	VSVM_OP_REMU		= 0x1d,
	VSVM_OP_ADDI		= 0x20,
	VSVM_OP_SUBI		= 0x21,
	VSVM_OP_MULI		= 0x22,
	VSVM_OP_ANDI		= 0x23,
	VSVM_OP_ORI		= 0x24,
	VSVM_OP_XORI		= 0x25,
	VSVM_OP_SHLI		= 0x26,
	VSVM_OP_SHRI		= 0x27,
	VSVM_OP_SARI		= 0x28,
	VSVM_OP_MOVI		= 0x30,
	VSVM_OP_MOVHI		= 0x31,
	VSVM_OP_MOV		= 0x32,
	VSVM_OP_S2R		= 0x33,
	VSVM_OP_LDARG		= 0x34,
	VSVM_OP_LD8		= 0x40,
	VSVM_OP_LD32		= 0x41,
	VSVM_OP_LD64		= 0x42,
	VSVM_OP_ST8		= 0x48,
	VSVM_OP_ST32		= 0x49,
	VSVM_OP_ST64		= 0x4a,
	VSVM_OP_PREFETCH	= 0x4f,
	VSVM_OP_ATOM_ADD32	= 0x50,
	VSVM_OP_ATOM_XCHG32	= 0x51,
	VSVM_OP_ATOM_CAS32	= 0x52,
	VSVM_OP_ATOM_ADD64	= 0x58,
	VSVM_OP_ATOM_XCHG64	= 0x59,
	VSVM_OP_ATOM_CAS64	= 0x5a,
	VSVM_OP_BRA		= 0x60,
	VSVM_OP_BEQ		= 0x61,
	VSVM_OP_BNE		= 0x62,
	VSVM_OP_BLT		= 0x63,
	VSVM_OP_BGE		= 0x64,
	VSVM_OP_BLTU		= 0x65,
	VSVM_OP_BGEU		= 0x66,
	VSVM_OP_MEMBAR		= 0x70,
};

/**
 * enum vsvm_isa_special_reg - special registers read by S2R
 * @VSVM_SR_TID: index of this thread in the launch (0..NTID-1)
 * @VSVM_SR_NTID: number of threads of the launch
 * @VSVM_SR_EUID: index of the execution unit running the thread
 * @VSVM_SR_CLOCK: GPU time in ns (NV_PTIMER)
 *
 * Unknown special registers are illegal instructions.
 */
enum vsvm_isa_special_reg {
	VSVM_SR_TID	= 0,
	VSVM_SR_NTID	= 1,
	VSVM_SR_EUID	= 2,
	VSVM_SR_CLOCK	= 3,
};

/**
 * VSVM_ISA_INSN() - encode one instruction (constant expression)
 * @op: opcode, &enum vsvm_isa_opcode
 * @rd: destination register
 * @ra: first source register
 * @rb: second source register
 * @imm: immediate, truncated to 32 bits
 */
#define VSVM_ISA_INSN(op, rd, ra, rb, imm) \
	((u64)(u8)(op) | (u64)(u8)(rd) << 8 | (u64)(u8)(ra) << 16 | \
	 (u64)(u8)(rb) << 24 | (u64)(u32)(imm) << 32)

/**
 * vsvm_isa_encode() - encode one instruction
 * @op: opcode, &enum vsvm_isa_opcode
 * @rd: destination register
 * @ra: first source register
 * @rb: second source register
 * @imm: immediate (sign-extended by the machine)
 *
 * Return: the 64-bit instruction word (store it little-endian).
 */
static inline u64 vsvm_isa_encode(u8 op, u8 rd, u8 ra, u8 rb, s32 imm)
{
	return VSVM_ISA_INSN(op, rd, ra, rb, imm);
}

#endif /* _VSVM_ISA_H_ */
