/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Software floating-point unit of the vsvm RISC-V execution units: the
 * arithmetic of the F and D extensions on integer bit patterns.
 *
 * Single-precision operands are passed in the low 32 bits of a u64 (the
 * caller unboxes them); single-precision results come back with the upper
 * 32 bits zero (the caller NaN-boxes them).  Double-precision values are
 * the binary64 pattern.  @dbl selects the format: false binary32, true
 * binary64.  @rm is a resolved rounding mode, VSVM_RV_RM_RNE..RMM.  The
 * accrued exception flags (VSVM_RV_FLAG_*) of an operation are OR-ed into
 * *@flags, which is never cleared.  Every NaN result is the canonical NaN.
 * Tininess is detected after rounding.  All functions are pure.
 */
#ifndef _VSVM_RV64_FP_H_
#define _VSVM_RV64_FP_H_

#include <linux/bits.h>
#include <linux/types.h>

#include "vsvm_isa_rv64.h"

/* Integer kinds of fcvt (the rs2 field of FCVT.int.fmt / FCVT.fmt.int). */
#define VSVM_RV_CVT_W		0	/* int32 */
#define VSVM_RV_CVT_WU		1	/* uint32 */
#define VSVM_RV_CVT_L		2	/* int64 */
#define VSVM_RV_CVT_LU		3	/* uint64 */

/* Canonical NaNs. */
#define VSVM_RV_QNAN_S		0x7fc00000ULL
#define VSVM_RV_QNAN_D		0x7ff8000000000000ULL

/* fclass result bits. */
#define VSVM_RV_FCLASS_NEG_INF		BIT(0)
#define VSVM_RV_FCLASS_NEG_NORMAL	BIT(1)
#define VSVM_RV_FCLASS_NEG_SUBNORMAL	BIT(2)
#define VSVM_RV_FCLASS_NEG_ZERO		BIT(3)
#define VSVM_RV_FCLASS_POS_ZERO		BIT(4)
#define VSVM_RV_FCLASS_POS_SUBNORMAL	BIT(5)
#define VSVM_RV_FCLASS_POS_NORMAL	BIT(6)
#define VSVM_RV_FCLASS_POS_INF		BIT(7)
#define VSVM_RV_FCLASS_SNAN		BIT(8)
#define VSVM_RV_FCLASS_QNAN		BIT(9)

/**
 * vsvm_rv_fadd() - FADD.S / FADD.D.
 * @dbl: false for binary32, true for binary64.
 * @a: first operand (rs1).
 * @b: second operand (rs2).
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags, VSVM_RV_FLAG_* bits are OR-ed in.
 *
 * Return: the correctly rounded a + b.
 */
u64 vsvm_rv_fadd(bool dbl, u64 a, u64 b, unsigned int rm, u32 *flags);

/**
 * vsvm_rv_fsub() - FSUB.S / FSUB.D.
 * @dbl: false for binary32, true for binary64.
 * @a: first operand (rs1).
 * @b: second operand (rs2).
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags, VSVM_RV_FLAG_* bits are OR-ed in.
 *
 * Return: the correctly rounded a - b.
 */
u64 vsvm_rv_fsub(bool dbl, u64 a, u64 b, unsigned int rm, u32 *flags);

/**
 * vsvm_rv_fmul() - FMUL.S / FMUL.D.
 * @dbl: false for binary32, true for binary64.
 * @a: first operand (rs1).
 * @b: second operand (rs2).
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags, VSVM_RV_FLAG_* bits are OR-ed in.
 *
 * Return: the correctly rounded a * b.
 */
u64 vsvm_rv_fmul(bool dbl, u64 a, u64 b, unsigned int rm, u32 *flags);

/**
 * vsvm_rv_fdiv() - FDIV.S / FDIV.D.
 * @dbl: false for binary32, true for binary64.
 * @a: dividend (rs1).
 * @b: divisor (rs2).
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags, VSVM_RV_FLAG_* bits are OR-ed in.
 *
 * Return: the correctly rounded a / b.
 */
u64 vsvm_rv_fdiv(bool dbl, u64 a, u64 b, unsigned int rm, u32 *flags);

/**
 * vsvm_rv_fsqrt() - FSQRT.S / FSQRT.D.
 * @dbl: false for binary32, true for binary64.
 * @a: operand (rs1).
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags, VSVM_RV_FLAG_* bits are OR-ed in.
 *
 * Return: the correctly rounded square root of a; -0 for -0, the
 * canonical NaN (and NV) for a value below zero.
 */
u64 vsvm_rv_fsqrt(bool dbl, u64 a, unsigned int rm, u32 *flags);

/**
 * vsvm_rv_fma() - FMADD, FMSUB, FNMSUB and FNMADD (.S / .D).
 * @dbl: false for binary32, true for binary64.
 * @a: first factor (rs1).
 * @b: second factor (rs2).
 * @c: addend (rs3).
 * @neg_prod: negate the product a * b (FNMSUB, FNMADD).
 * @neg_add: negate the addend c (FMSUB, FNMADD).
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags, VSVM_RV_FLAG_* bits are OR-ed in.
 *
 * Computes (+-a * b) + (+-c) with a single rounding; the negations are
 * exact and applied before it.  FMADD is (false, false), FMSUB (false,
 * true), FNMSUB (true, false) and FNMADD (true, true).  Infinity times zero
 * raises NV even when c is a quiet NaN.  An exact zero sum of operands of
 * opposite signs is +0, or -0 when rounding down.
 *
 * Return: the correctly rounded result.
 */
u64 vsvm_rv_fma(bool dbl, u64 a, u64 b, u64 c, bool neg_prod, bool neg_add,
		unsigned int rm, u32 *flags);

/**
 * vsvm_rv_fmin() - FMIN.S / FMIN.D (minimumNumber).
 * @dbl: false for binary32, true for binary64.
 * @a: first operand (rs1).
 * @b: second operand (rs2).
 * @flags: accrued exception flags; NV if an operand is a signaling NaN.
 *
 * -0 is taken as less than +0.
 *
 * Return: the smaller operand; the other operand if exactly one is a NaN;
 * the canonical NaN if both are.
 */
u64 vsvm_rv_fmin(bool dbl, u64 a, u64 b, u32 *flags);

/**
 * vsvm_rv_fmax() - FMAX.S / FMAX.D (maximumNumber).
 * @dbl: false for binary32, true for binary64.
 * @a: first operand (rs1).
 * @b: second operand (rs2).
 * @flags: accrued exception flags; NV if an operand is a signaling NaN.
 *
 * +0 is taken as greater than -0.
 *
 * Return: the larger operand; the other operand if exactly one is a NaN;
 * the canonical NaN if both are.
 */
u64 vsvm_rv_fmax(bool dbl, u64 a, u64 b, u32 *flags);

/**
 * vsvm_rv_feq() - FEQ.S / FEQ.D, a quiet comparison.
 * @dbl: false for binary32, true for binary64.
 * @a: first operand (rs1).
 * @b: second operand (rs2).
 * @flags: accrued exception flags; NV if an operand is a signaling NaN.
 *
 * Return: true if a == b (+0 equals -0, a NaN equals nothing).
 */
bool vsvm_rv_feq(bool dbl, u64 a, u64 b, u32 *flags);

/**
 * vsvm_rv_flt() - FLT.S / FLT.D, a signaling comparison.
 * @dbl: false for binary32, true for binary64.
 * @a: first operand (rs1).
 * @b: second operand (rs2).
 * @flags: accrued exception flags; NV if an operand is any NaN.
 *
 * Return: true if a < b (false if either is a NaN).
 */
bool vsvm_rv_flt(bool dbl, u64 a, u64 b, u32 *flags);

/**
 * vsvm_rv_fle() - FLE.S / FLE.D, a signaling comparison.
 * @dbl: false for binary32, true for binary64.
 * @a: first operand (rs1).
 * @b: second operand (rs2).
 * @flags: accrued exception flags; NV if an operand is any NaN.
 *
 * Return: true if a <= b (false if either is a NaN).
 */
bool vsvm_rv_fle(bool dbl, u64 a, u64 b, u32 *flags);

/**
 * vsvm_rv_fclass() - FCLASS.S / FCLASS.D.
 * @dbl: false for binary32, true for binary64.
 * @a: operand (rs1).
 *
 * Return: exactly one VSVM_RV_FCLASS_* bit.
 */
u32 vsvm_rv_fclass(bool dbl, u64 a);

/**
 * vsvm_rv_fcvt_to_int() - FCVT.W/WU/L/LU.S and .D.
 * @dbl: false for binary32, true for binary64.
 * @a: operand (rs1).
 * @kind: VSVM_RV_CVT_W, _WU, _L or _LU: the integer type.
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags, VSVM_RV_FLAG_* bits are OR-ed in.
 *
 * a is rounded to an integer in mode @rm.  A NaN, an infinity or a
 * rounded value out of the type's range raises NV alone and gives the
 * type's largest value (NaN, positive) or smallest (negative); otherwise
 * NX is raised if a was not an integer.
 *
 * Return: the value as RISC-V writes rd: W and WU results are the 32-bit
 * result sign-extended to 64 bits.
 */
u64 vsvm_rv_fcvt_to_int(bool dbl, u64 a, unsigned int kind, unsigned int rm,
			u32 *flags);

/**
 * vsvm_rv_fcvt_from_int() - FCVT.S/D.W/WU/L/LU.
 * @dbl: false for binary32, true for binary64.
 * @x: the rs1 register value; for W and WU only its low 32 bits count.
 * @kind: VSVM_RV_CVT_W, _WU, _L or _LU: the integer type of @x.
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags; NX if the conversion is inexact.
 *
 * Return: @x rounded to the format.
 */
u64 vsvm_rv_fcvt_from_int(bool dbl, u64 x, unsigned int kind,
			  unsigned int rm, u32 *flags);

/**
 * vsvm_rv_fcvt_s_d() - FCVT.S.D: binary64 to binary32.
 * @a: the binary64 operand.
 * @rm: resolved rounding mode, VSVM_RV_RM_RNE..VSVM_RV_RM_RMM.
 * @flags: accrued exception flags, VSVM_RV_FLAG_* bits are OR-ed in.
 *
 * Return: @a rounded to binary32, in the low 32 bits.
 */
u64 vsvm_rv_fcvt_s_d(u64 a, unsigned int rm, u32 *flags);

/**
 * vsvm_rv_fcvt_d_s() - FCVT.D.S: binary32 to binary64, always exact.
 * @a: the binary32 operand in the low 32 bits.
 * @flags: accrued exception flags; NV for a signaling NaN.
 *
 * Return: the binary64 pattern of @a.
 */
u64 vsvm_rv_fcvt_d_s(u64 a, u32 *flags);

#endif /* _VSVM_RV64_FP_H_ */
