/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assembler and disassembler for the vsvm GPU ISA (the reference is the
 * kernel's drivers/gpu/drm/vsvm/hw/vsvm_isa.h).
 *
 * Syntax, one instruction per line, '#' starts a comment, "name:" defines a
 * label (also before an instruction on the same line):
 *   exit | nop | membar
 *   add|sub|mul|and|or|xor|shl|shr|sar|slt|sltu|seq|divu|remu rd, ra, rb
 *   addi|subi|muli|andi|ori|xori|shli|shri|sari rd, ra, imm
 *   movi rd, imm        movhi rd, imm        mov rd, ra
 *   li rd, imm64        (movi, then movhi when the value needs it)
 *   s2r rd, tid|ntid|euid|clock        ldarg rd, n
 *   ld8|ld32|ld64 rd, [ra+imm]          st8|st32|st64 [ra+imm], rb
 *   prefetch [ra+imm]
 *   atom_add32|atom_xchg32|atom_cas32|atom_add64|atom_xchg64|atom_cas64
 *                       rd, [ra+imm], rb
 *   bra label           beq|bne|blt|bge|bltu|bgeu ra, rb, label
 * Registers are r0..r31; immediates are decimal or 0x hex, signed 32-bit
 * ([ra], [ra+imm] and [ra-imm] forms for addresses).
 */
#ifndef VSVM_ASM_H
#define VSVM_ASM_H

#include <stddef.h>
#include <stdint.h>

/**
 * vsvm_assemble() - assemble program text
 * @text: the source, NUL-terminated
 * @out: receives a malloc()ed array of instruction words (8-byte aligned,
 *	suitable as a program for the GPU); free() it
 * @count: receives the number of instructions
 * @err: receives a message "line N: ..." on failure (may be NULL)
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL with @err set, or -ENOMEM.
 */
int vsvm_assemble(const char *text, uint64_t **out, size_t *count,
		  char *err, size_t errlen);

/**
 * vsvm_disassemble() - one instruction word as text
 * @insn: the word
 * @pc: its index in the program (branch targets are printed as indices)
 * @buf: output
 * @len: size of @buf
 *
 * Return: 0, or -EINVAL for an invalid word (then @buf says why).
 */
int vsvm_disassemble(uint64_t insn, size_t pc, char *buf, size_t len);

#endif /* VSVM_ASM_H */
