/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RISC-V instruction encoders for the vsvm KUnit tests: the base formats
 * of the unprivileged specification and the few instructions the tests
 * name.  Register and immediate arguments are not range-checked.
 */
#ifndef _VSVM_RV64_ENCODE_H_
#define _VSVM_RV64_ENCODE_H_

#include <linux/types.h>

#include "../hw/vsvm_isa_rv64.h"

/* Encodings of the base formats. */
#define RV_R(op, f3, f7, rd, rs1, rs2) \
	((u32)(f7) << 25 | (u32)(rs2) << 20 | (u32)(rs1) << 15 | \
	 (u32)(f3) << 12 | (u32)(rd) << 7 | (u32)(op))
#define RV_I(op, f3, rd, rs1, imm) \
	((u32)((imm) & 0xfff) << 20 | (u32)(rs1) << 15 | (u32)(f3) << 12 | \
	 (u32)(rd) << 7 | (u32)(op))
#define RV_S(op, f3, rs1, rs2, imm)	rv_enc_s(op, f3, rs1, rs2, imm)
#define RV_B(f3, rs1, rs2, imm)		rv_enc_b(f3, rs1, rs2, imm)
#define RV_U(op, rd, imm) (((u32)(imm) & 0xfffff000) | (u32)(rd) << 7 | (op))
#define RV_J(rd, imm)			rv_enc_j(rd, imm)
#define RV_CSR(f3, rd, rs1, csr) \
	((u32)(csr) << 20 | (u32)(rs1) << 15 | (u32)(f3) << 12 | \
	 (u32)(rd) << 7 | 0x73)
#define RV_AMO(f5, aqrl, f3, rd, rs1, rs2) \
	((u32)(f5) << 27 | (u32)(aqrl) << 25 | (u32)(rs2) << 20 | \
	 (u32)(rs1) << 15 | (u32)(f3) << 12 | (u32)(rd) << 7 | 0x2f)
#define RV_R4(op, fmt, rm, rd, rs1, rs2, rs3) \
	((u32)(rs3) << 27 | (u32)(fmt) << 25 | (u32)(rs2) << 20 | \
	 (u32)(rs1) << 15 | (u32)(rm) << 12 | (u32)(rd) << 7 | (u32)(op))

#define RV_ADDI(rd, rs1, imm)	RV_I(0x13, 0, rd, rs1, imm)
#define RV_SLLI(rd, rs1, sh)	RV_I(0x13, 1, rd, rs1, sh)
#define RV_ADD(rd, rs1, rs2)	RV_R(0x33, 0, 0, rd, rs1, rs2)
#define RV_LD(rd, rs1, imm)	RV_I(0x03, 3, rd, rs1, imm)
#define RV_LW(rd, rs1, imm)	RV_I(0x03, 2, rd, rs1, imm)
#define RV_SD(rs2, rs1, imm)	RV_S(0x23, 3, rs1, rs2, imm)
#define RV_SW(rs2, rs1, imm)	RV_S(0x23, 2, rs1, rs2, imm)
#define RV_FLD(rd, rs1, imm)	RV_I(0x07, 3, rd, rs1, imm)
#define RV_CSRR(rd, csr)	RV_CSR(2, rd, 0, csr)
#define RV_CSRW(csr, rs1)	RV_CSR(1, 0, rs1, csr)
#define RV_CSRWI(csr, imm)	RV_CSR(5, 0, imm, csr)
#define RV_BARRIER		RV_CSRW(VSVM_RV_CSR_BARRIER, 0)
#define RV_FMV_X_D(rd, rs1)	RV_R(0x53, 0, 0x71, rd, rs1, 0)
#define RV_FMV_D_X(rd, rs1)	RV_R(0x53, 0, 0x79, rd, rs1, 0)
#define RV_ECALL		0x00000073U
#define RV_EBREAK		0x00100073U

static inline u32 rv_enc_s(u32 op, u32 f3, u32 rs1, u32 rs2, s32 imm)
{
	u32 i = imm;

	return (i >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       (i & 0x1f) << 7 | op;
}

static inline u32 rv_enc_b(u32 f3, u32 rs1, u32 rs2, s32 imm)
{
	u32 i = imm;

	return (i >> 12 & 1) << 31 | (i >> 5 & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | f3 << 12 | (i >> 1 & 0xf) << 8 |
	       (i >> 11 & 1) << 7 | 0x63;
}

static inline u32 rv_enc_j(u32 rd, s32 imm)
{
	u32 i = imm;

	return (i >> 20 & 1) << 31 | (i >> 1 & 0x3ff) << 21 |
	       (i >> 11 & 1) << 20 | (i >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

/* Single-precision values NaN-boxed in a 64-bit register. */
#define BOX(v)			(0xffffffff00000000ULL | (u32)(v))

#endif /* _VSVM_RV64_ENCODE_H_ */
