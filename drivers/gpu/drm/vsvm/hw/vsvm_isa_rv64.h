/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The RISC-V profile of the vsvm execution units: the reference.
 *
 * Every launch runs RISC-V code:
 * RV64I, M, A, F, D and Zicsr in their standard 32-bit encodings (the
 * unprivileged specification, version 20191213), plus FENCE.I as a no-op.
 * The Zicbop hints PREFETCH.R and PREFETCH.W (ORI with rd x0) translate
 * their address for access type PREFETCH: a failing prefetch reports a
 * fault packet and never stalls; other ORI x0 hints do nothing.
 * There is no C extension: a 16-bit encoding (low bits not 0b11) is an
 * illegal instruction, and so is every encoding this header does not list.
 * Programs are built with "-march=rv64imafd -mabi=lp64d".
 *
 * Geometry.  A launch is a grid of num_groups[0..2] work-groups, each of
 * local_size[0..2] threads (at most VSVM_RV_MAX_GROUP_THREADS per group).
 * All threads of a work-group run on one execution unit, interleaved: a
 * thread runs until it ends, waits at a barrier or has run
 * VSVM_RV_QUANTUM instructions, then the next runnable thread of the
 * group runs.  Work-groups are spread over the execution units.
 *
 * Thread state at start: x0..x31 zero except sp (x2), which points at the
 * top of the thread's private stack; f0..f31 and fcsr zero; pc the
 * descriptor's program_va (4-byte aligned).
 *
 * Address windows.  Two windows above every user address are served by
 * the execution unit itself, without the MMU:
 *  - local memory at VSVM_RV_LOCAL_BASE, local_mem_size bytes (at most
 *    VSVM_RV_MAX_LOCAL_MEM), shared by the threads of one work-group;
 *  - private memory at VSVM_RV_PRIVATE_BASE: stack_size bytes per thread,
 *    thread i of its group owning [base + i * stack_size,
 *    base + (i + 1) * stack_size), where i is the linear local index
 *    (local_id[2] * local_size[1] + local_id[1]) * local_size[0] +
 *    local_id[0].  Work-group g (linear, dimension 0 fastest in the same
 *    way) has group_id (g % n0, g / n0 % n1, g / (n0 * n1)).
 * An access in a window but outside its valid part stops the launch with
 * VSVM_CHAN_ERR_MMU_FAULT (non-replayable).  The windows start zeroed for
 * each launch; work-groups of one launch that run on the same unit may
 * see the previous group's contents.  Every other address goes through
 * the MMU: fetches with access type READ, loads READ, stores WRITE, LR,
 * SC and AMOs ATOMIC.
 *
 * CSRs (reads of a read-only CSR with a write, e.g. CSRRW, are illegal):
 *  - fflags (0x001), frm (0x002), fcsr (0x003): read-write, standard;
 *  - cycle (0xc00), time (0xc01, GPU time in ns), instret (0xc02,
 *    instructions this thread retired): read-only;
 *  - VSVM_RV_CSR_* (0xcc0-0xcd7): read-only launch geometry, arguments
 *    and windows;
 *  - VSVM_RV_CSR_BARRIER (0x8c0): any write is a work-group barrier:
 *    the thread waits until every thread of its group that has not ended
 *    reached a barrier; the barrier orders local and global memory
 *    accesses of the group.  Reads return 0.
 *
 * Arguments: the descriptor's eight 64-bit args are read through
 * VSVM_RV_CSR_ARG0..7.  By convention arg 0 points at an argument block
 * in process memory, so a kernel takes any number of arguments.
 *
 * Memory ordering: accesses of a thread take effect in program order;
 * FENCE, and the aq/rl bits of LR, SC and AMOs, are full barriers.
 * LR/SC: LR records the address and the value read; SC succeeds (writes
 * 0 to rd) when the reservation's address matches and memory still holds
 * the value read, compared and stored atomically.  Any SC, and a thread
 * switch, clears the reservation.
 *
 * Floating point is IEEE 754-2008 as the F and D chapters define it: all
 * five rounding modes (an invalid static or dynamic mode is an illegal
 * instruction), canonical NaNs, NaN boxing of single-precision values in
 * the 64-bit f registers, and the five accrued exception flags; tininess is
 * detected after rounding.  The model computes in software
 * (vsvm_rv64_fp.c), bit-exact with any IEEE implementation.
 *
 * Traps stop the whole launch with a channel error whose ERR_PC is the
 * instruction's address: VSVM_CHAN_ERR_ILLEGAL_INSN, VSVM_CHAN_ERR_MISALIGNED
 * (data access not naturally aligned, or a jump to an address not 4-byte
 * aligned), VSVM_CHAN_ERR_BREAKPOINT (EBREAK).  ECALL ends the thread.
 * The instruction budget (per thread) and the job timeout apply as for
 * every launch.
 */
#ifndef _VSVM_ISA_RV64_H_
#define _VSVM_ISA_RV64_H_

#include <linux/bits.h>
#include <linux/types.h>

/*
 * Version 1 was the project's first ISA (64-bit words), version 2 added
 * RISC-V launches beside it, version 3 runs RISC-V only.
 */
#define VSVM_ISA_VERSION		3

/* Most threads in one work-group. */
#define VSVM_RV_MAX_GROUP_THREADS	256
/* Largest local-memory window of a work-group. */
#define VSVM_RV_MAX_LOCAL_MEM		(64 * 1024)
/* Largest private stack of one thread. */
#define VSVM_RV_MAX_STACK		(64 * 1024)
/* Largest private memory of a work-group (threads x stack_size). */
#define VSVM_RV_MAX_PRIVATE_MEM		(1024 * 1024)
/* Private stack of each thread when the launch gives none. */
#define VSVM_RV_DEFAULT_STACK		(4 * 1024)
/*
 * Instruction fetch: each thread fetches an aligned block of this many
 * bytes through the MMU and runs from it until it leaves the block, any
 * MMU invalidation happens, or it executes FENCE.I.
 */
#define VSVM_RV_FETCH_LINE		64
/* Instructions a thread runs before the next one of its group runs. */
#define VSVM_RV_QUANTUM			64

/* Address windows (above the 47-bit user address space). */
#define VSVM_RV_LOCAL_BASE		0x1000000000000ULL
#define VSVM_RV_PRIVATE_BASE		0x1800000000000ULL
#define VSVM_RV_WINDOW_SPAN		0x0800000000000ULL

/* Standard CSRs. */
#define VSVM_RV_CSR_FFLAGS		0x001
#define VSVM_RV_CSR_FRM			0x002
#define VSVM_RV_CSR_FCSR		0x003
#define VSVM_RV_CSR_CYCLE		0xc00
#define VSVM_RV_CSR_TIME		0xc01
#define VSVM_RV_CSR_INSTRET		0xc02

/* vsvm CSRs: custom read-only user CSRs. */
#define VSVM_RV_CSR_LOCAL_ID(d)		(0xcc0 + (d))	/* d = 0, 1, 2 */
#define VSVM_RV_CSR_GROUP_ID(d)		(0xcc3 + (d))
#define VSVM_RV_CSR_LOCAL_SIZE(d)	(0xcc6 + (d))
#define VSVM_RV_CSR_NUM_GROUPS(d)	(0xcc9 + (d))
#define VSVM_RV_CSR_LOCAL_MEM_BASE	0xccc
#define VSVM_RV_CSR_LOCAL_MEM_SIZE	0xccd
#define VSVM_RV_CSR_EU_ID		0xcce
#define VSVM_RV_CSR_STACK_SIZE		0xccf
#define VSVM_RV_CSR_ARG(n)		(0xcd0 + (n))	/* n = 0..7 */
/* vsvm CSR: custom read-write user CSR; a write is a barrier. */
#define VSVM_RV_CSR_BARRIER		0x8c0

/* fflags bits. */
#define VSVM_RV_FLAG_NX			BIT(0)	/* inexact */
#define VSVM_RV_FLAG_UF			BIT(1)	/* underflow */
#define VSVM_RV_FLAG_OF			BIT(2)	/* overflow */
#define VSVM_RV_FLAG_DZ			BIT(3)	/* divide by zero */
#define VSVM_RV_FLAG_NV			BIT(4)	/* invalid */

/* Rounding modes (frm and the rm field). */
#define VSVM_RV_RM_RNE			0	/* nearest, ties to even */
#define VSVM_RV_RM_RTZ			1	/* towards zero */
#define VSVM_RV_RM_RDN			2	/* down */
#define VSVM_RV_RM_RUP			3	/* up */
#define VSVM_RV_RM_RMM			4	/* nearest, ties away */
#define VSVM_RV_RM_DYN			7	/* rm field only: use frm */

#endif /* _VSVM_ISA_RV64_H_ */
