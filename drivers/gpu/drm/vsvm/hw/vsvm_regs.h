/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register map of the vsvm virtual GPU.
 *
 * This header is the one and only description of the register window the
 * driver uses to talk to the virtual GPU through vsvm_hw_rd32() and
 * vsvm_hw_wr32().  All registers are 32 bits wide and addressed by byte
 * offset; offsets must be 4-byte aligned.  Reads of an unmapped offset
 * return VSVM_REG_BAD_VALUE, writes to an unmapped or read-only register
 * are ignored.
 *
 * Where NVIDIA documents a register the virtual GPU implements (MMU
 * invalidate, fault buffers, PRAMIN window, PTIMER, channel instance
 * binding) the NVIDIA name, offset and bit fields are used.  Registers
 * NVIDIA does not publish (launch doorbells, copy-engine ring, interrupt
 * summary, configuration) live in the VSVM_ private block at 0x00a00000.
 *
 * Memory-layout constants the GPU reads by address (instance block,
 * launch descriptor, copy-engine command, fault packet) are described at
 * the end of this file.  Page-table formats are NVIDIA's MMU format
 * version 2 and are in vsvm_mmu_format.h.
 *
 * Aperture ("target") encodings used by the memory pointers in this file,
 * unless noted otherwise: 0 = video memory (VRAM offset), 2 = system
 * memory coherent, 3 = system memory non-coherent (system memory is
 * addressed by DMA address, which for this device is the physical
 * address).  1 is invalid.
 */
#ifndef _VSVM_REGS_H_
#define _VSVM_REGS_H_

#include <linux/bits.h>

/* size of the register window in bytes. */
#define VSVM_REG_WINDOW_SIZE			0x01000000
/* value read from an unmapped register. */
#define VSVM_REG_BAD_VALUE			0xbadf1100

#define VSVM_TARGET_VID_MEM			0
#define VSVM_TARGET_SYS_MEM_COHERENT		2
#define VSVM_TARGET_SYS_MEM_NONCOHERENT		3

/* ---------------------------------------------------------------------
 * NV_PMC: identification and interrupt summary.
 */

/* NV_PMC_BOOT_0 (RO): chip identification, reads VSVM_PMC_BOOT_0_ID. */
#define NV_PMC_BOOT_0				0x00000000
#define VSVM_PMC_BOOT_0_ID			0x5653d001

/*
 * VSVM_PMC_INTR (RO): interrupt status summary.  Each bit is a level that
 * stays set while its source is pending; clear it at the source.
 *   FAULT_REPLAYABLE: the replayable fault buffer is enabled and GET != PUT
 *                     (cleared by consuming packets and writing GET).
 *   FAULT_OVERFLOW:   the replayable fault buffer dropped a fault (cleared
 *                     by writing 1 to NV_PFB_PRI_MMU_FAULT_BUFFER_GET
 *                     OVERFLOW).
 *   CHANNEL:          a bit is set in VSVM_CHAN_INTR(0/1) (launch done).
 *   CE:               a bit is set in VSVM_CE_INTR.
 */
#define VSVM_PMC_INTR				0x00000100
#define VSVM_PMC_INTR_FAULT_REPLAYABLE		BIT(0)
#define VSVM_PMC_INTR_FAULT_OVERFLOW		BIT(1)
#define VSVM_PMC_INTR_CHANNEL			BIT(2)
#define VSVM_PMC_INTR_CE			BIT(3)

/*
 * VSVM_PMC_INTR_EN (RW): interrupt enable mask, same bits as
 * VSVM_PMC_INTR.  The interrupt callback is invoked when an event sets an
 * enabled status bit, and when this register is written while an enabled
 * status bit is set.  It is edge-like: one callback may cover several
 * events, so the handler must read VSVM_PMC_INTR and handle everything
 * pending.
 */
#define VSVM_PMC_INTR_EN			0x00000140

/* ---------------------------------------------------------------------
 * NV_PBUS_BAR0_WINDOW / NV_PRAMIN: CPU access to VRAM through BAR0.
 *
 * NV_PRAMIN is a 1 MiB window of the register space; an access at
 * NV_PRAMIN + off reads or writes VRAM at (BASE << 16) + off, 32 bits at a
 * time.  Unbacked VRAM reads as zero.  Accesses past the VRAM size read
 * VSVM_REG_BAD_VALUE and are dropped on write.
 */
#define NV_PBUS_BAR0_WINDOW			0x00001700
#define NV_PBUS_BAR0_WINDOW_BASE		GENMASK(23, 0)
#define NV_PBUS_BAR0_WINDOW_BASE_SHIFT		16
#define NV_PRAMIN				0x00700000
#define NV_PRAMIN_SIZE				0x00100000

/* NV_PTIMER_TIME_0/1 (RO): GPU time in ns (low / high 32 bits). */
#define NV_PTIMER_TIME_0			0x00009400
#define NV_PTIMER_TIME_1			0x00009410

/* ---------------------------------------------------------------------
 * NV_PFB_PRI_MMU: TLB invalidate and replay control.
 */

/*
 * NV_PFB_PRI_MMU_CTRL (RO).  PRI_FIFO_SPACE is always non-zero.
 * PRI_FIFO_EMPTY reads 1 once every GPU memory access that started before
 * the last TRIGGERed invalidate has completed: after an invalidate, poll
 * it until 1 before freeing or reusing memory the old translations
 * pointed at.
 */
#define NV_PFB_PRI_MMU_CTRL			0x00100c80
#define NV_PFB_PRI_MMU_CTRL_PRI_FIFO_EMPTY	BIT(15)
#define NV_PFB_PRI_MMU_CTRL_PRI_FIFO_SPACE	GENMASK(23, 16)

/*
 * NV_PFB_PRI_MMU_INVALIDATE_PDB (RW): page directory base to invalidate
 * when INVALIDATE.ALL_PDB is 0.  APERTURE: 0 video memory, 1 system
 * memory (coherent or not: the model keys PDBs by memory kind and
 * address).  ADDR: PD3 address bits 39:12; bits 59:40 come from
 * NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB.ADDR.  For a REPLAY of
 * CANCEL_TARGETED the two registers name instead the instance block of
 * the fault to cancel (as the fault packet gives it, the way NVIDIA's
 * targeted cancel names it): the unit is cancelled only if it is stalled
 * on a fault of that instance.
 */
#define NV_PFB_PRI_MMU_INVALIDATE_PDB		0x00100cb8
#define NV_PFB_PRI_MMU_INVALIDATE_PDB_APERTURE	BIT(1)
#define NV_PFB_PRI_MMU_INVALIDATE_PDB_ADDR	GENMASK(31, 4)
#define NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB	0x00100cec
#define NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB_ADDR GENMASK(19, 0)

/*
 * NV_PFB_PRI_MMU_INVALIDATE (RW): acted upon when written with TRIGGER.
 *   ALL_VA:      1 = every VA; 0 = the range in VSVM_MMU_INVALIDATE_VA_*.
 *   ALL_PDB:     1 = every PDB; 0 = the PDB in INVALIDATE_PDB/UPPER_PDB.
 *   HUBTLB_ONLY: accepted, no effect (there is one TLB).
 *   REPLAY:      after the invalidate: START retries every stalled fault;
 *                CANCEL_TARGETED fails the stalled access of the unit
 *                named by CANCEL_CLIENT_ID/GPC_ID/CLIENT_TYPE;
 *                CANCEL_GLOBAL fails every stalled access.
 *   SYS_MEMBAR:  accepted (the model is always coherent).
 *   CACHE_LEVEL: which cached levels to drop: PTE_ONLY drops leaf
 *                translations and keeps cached page-directory walks; any
 *                other value (ALL, UP_TO_PDE0..3) drops both.
 */
#define NV_PFB_PRI_MMU_INVALIDATE		0x00100cbc
#define NV_PFB_PRI_MMU_INVALIDATE_ALL_VA	BIT(0)
#define NV_PFB_PRI_MMU_INVALIDATE_ALL_PDB	BIT(1)
#define NV_PFB_PRI_MMU_INVALIDATE_HUBTLB_ONLY	BIT(2)
#define NV_PFB_PRI_MMU_INVALIDATE_REPLAY	GENMASK(5, 3)
#define NV_PFB_PRI_MMU_INVALIDATE_REPLAY_NONE		0
#define NV_PFB_PRI_MMU_INVALIDATE_REPLAY_START		1
#define NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_TARGETED 3
#define NV_PFB_PRI_MMU_INVALIDATE_REPLAY_CANCEL_GLOBAL	4
#define NV_PFB_PRI_MMU_INVALIDATE_SYS_MEMBAR	BIT(6)
#define NV_PFB_PRI_MMU_INVALIDATE_CANCEL_CLIENT_ID GENMASK(14, 9)
#define NV_PFB_PRI_MMU_INVALIDATE_CANCEL_GPC_ID	GENMASK(19, 15)
#define NV_PFB_PRI_MMU_INVALIDATE_CANCEL_CLIENT_TYPE BIT(20)
#define NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL	GENMASK(26, 24)
#define NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_ALL	0
#define NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_PTE_ONLY	1
#define NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_UP_TO_PDE0 2
#define NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_UP_TO_PDE1 3
#define NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_UP_TO_PDE2 4
#define NV_PFB_PRI_MMU_INVALIDATE_CACHE_LEVEL_UP_TO_PDE3 5
#define NV_PFB_PRI_MMU_INVALIDATE_TRIGGER	BIT(31)

/* ---------------------------------------------------------------------
 * NV_PFB_PRI_MMU_FAULT_BUFFER: fault buffers; index 1 is the replayable
 * buffer and the only one the model writes (index 0 is storage only).
 *
 *   LO (RW):   ADDR_MODE 0 (ignored: always physical), PHYS_APERTURE 2:1
 *              (target encoding above), PHYS_VOL 3 (ignored), ADDR 31:12.
 *   HI (RW):   ADDR 31:0 = address bits 63:32.
 *   GET (RW):  PTR 19:0 = next packet software will read (entries);
 *              GETPTR_CORRUPTED 30 (W1C, never set by the model);
 *              OVERFLOW 31 (W1C): a fault was dropped because the buffer
 *              was full.  The dropped access faults again after the next
 *              REPLAY_START.
 *   PUT (RO):  PTR 19:0 = next packet the GPU writes; OVERFLOW 31 mirrors
 *              GET.OVERFLOW.
 *   SIZE (RW): VAL 19:0 = number of 32-byte packets; SET_DEFAULT 30
 *              (writes VSVM_FAULT_BUFFER_DEFAULT_SIZE); ENABLE 31.
 *              Writing SIZE resets PUT and GET to 0.
 *
 * The buffer holds SIZE - 1 packets: it is full when PUT + 1 == GET
 * (modulo SIZE) and empty when PUT == GET.  While it is disabled, faults
 * are not replayable: the faulting access fails at once and the channel
 * records VSVM_CHAN_ERR_MMU_FAULT with VSVM_CHAN_ERR_INFO_NONREPLAYABLE.
 */
#define NV_PFB_PRI_MMU_FAULT_BUFFER_LO(i)	(0x00100e24 + (i) * 20)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_HI(i)	(0x00100e28 + (i) * 20)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_GET(i)	(0x00100e2c + (i) * 20)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_PUT(i)	(0x00100e30 + (i) * 20)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE(i)	(0x00100e34 + (i) * 20)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_NONREPLAY	0
#define NV_PFB_PRI_MMU_FAULT_BUFFER_INDEX_REPLAY	1
#define NV_PFB_PRI_MMU_FAULT_BUFFER_LO_ADDR_MODE	BIT(0)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_LO_PHYS_APERTURE	GENMASK(2, 1)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_LO_PHYS_VOL		BIT(3)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_LO_ADDR		GENMASK(31, 12)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_GET_PTR		GENMASK(19, 0)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_GET_GETPTR_CORRUPTED BIT(30)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_GET_OVERFLOW	BIT(31)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_PUT_PTR		GENMASK(19, 0)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_PUT_OVERFLOW	BIT(31)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_VAL		GENMASK(19, 0)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_SET_DEFAULT	BIT(30)
#define NV_PFB_PRI_MMU_FAULT_BUFFER_SIZE_ENABLE		BIT(31)
#define VSVM_FAULT_BUFFER_DEFAULT_SIZE			256

/* ---------------------------------------------------------------------
 * NV_PCCSR_CHANNEL_INST(ch) (RW): binds channel ch to an instance block.
 *   PTR 27:0 = instance block address >> 12 (4 KiB aligned),
 *   TARGET 29:28 = aperture of the instance block (target encoding),
 *   BIND 31 = 1 bound, 0 unbound.
 * A doorbell on an unbound channel fails with VSVM_CHAN_ERR_NO_INSTANCE.
 * The binding is latched at doorbell time.
 */
#define NV_PCCSR_CHANNEL_INST(ch)		(0x00800000 + (ch) * 8)
#define NV_PCCSR_CHANNEL_INST_PTR		GENMASK(27, 0)
#define NV_PCCSR_CHANNEL_INST_PTR_SHIFT		12
#define NV_PCCSR_CHANNEL_INST_TARGET		GENMASK(29, 28)
#define NV_PCCSR_CHANNEL_INST_BIND		BIT(31)

/* ---------------------------------------------------------------------
 * VSVM private block: configuration (all RO unless noted).
 */
#define VSVM_CFG_VRAM_SIZE_LO			0x00a00000
#define VSVM_CFG_VRAM_SIZE_HI			0x00a00004
/* Number of execution units (threads of a launch run on this many). */
#define VSVM_CFG_NUM_EUS			0x00a00008
/* ISA version, VSVM_ISA_VERSION in vsvm_isa_rv64.h. */
#define VSVM_CFG_ISA_VERSION			0x00a0000c
/* Number of channels, VSVM_NUM_CHANNELS. */
#define VSVM_CFG_NUM_CHANNELS			0x00a00010
/* Virtual address bits (49). */
#define VSVM_CFG_VA_BITS			0x00a00014
/* (RW) default per-thread instruction budget when a launch gives 0. */
#define VSVM_CFG_INSN_BUDGET			0x00a00018
/* Supported page sizes as a mask of sizes (4 KiB | 64 KiB | 2 MiB). */
#define VSVM_CFG_PAGE_SIZES			0x00a0001c
/*
 * System-memory accesses (any engine, page walks included) to a DMA address
 * that the bus device's IOMMU does not translate, since the device was
 * created: each one failed as an access to an address that is not memory
 * (a channel error for a launch, a walk error for the MMU).
 */
#define VSVM_IOMMU_FAULTS_LO			0x00a00020
#define VSVM_IOMMU_FAULTS_HI			0x00a00024
/* 1 if system addresses are translated by an IOMMU domain, 0 if physical. */
#define VSVM_CFG_DMA_TRANSLATED			0x00a00028

#define VSVM_NUM_CHANNELS			64
#define VSVM_VA_BITS				49

/*
 * VSVM_MMU_INVALIDATE_VA_LO/HI, _SIZE_LO/HI (RW): the VA range
 * [VA, VA + SIZE) that NV_PFB_PRI_MMU_INVALIDATE drops when ALL_VA is 0.
 * SIZE 0 means one 4 KiB page.  (NVIDIA has no published equivalent.)
 */
#define VSVM_MMU_INVALIDATE_VA_LO		0x00a00100
#define VSVM_MMU_INVALIDATE_VA_HI		0x00a00104
#define VSVM_MMU_INVALIDATE_SIZE_LO		0x00a00108
#define VSVM_MMU_INVALIDATE_SIZE_HI		0x00a0010c

/*
 * VSVM_CHAN_INTR(n) (RW, W1C): bit c set = channel 32 * n + c completed a
 * launch since the bit was last cleared.  Drives VSVM_PMC_INTR_CHANNEL.
 */
#define VSVM_CHAN_INTR(n)			(0x00a00200 + (n) * 4)

/* ---------------------------------------------------------------------
 * VSVM copy engine: a ring of VSVM_CE_CMD_SIZE-byte commands.
 *   RING_LO (RW):  APERTURE 1:0 (target encoding), ADDR 31:5 (bits 31:5
 *                  of the ring address, 32-byte aligned).
 *   RING_HI (RW):  address bits 63:32.
 *   RING_SIZE (RW): number of commands; writing it resets GET and PUT.
 *   RING_PUT (RW): index of the next command software will write; writing
 *                  it starts the engine on commands GET..PUT-1.
 *   RING_GET (RO): index of the next command the engine will execute.
 *   SEQ_DONE (RO): SEQ of the last completed command.
 *   STATUS (RO):   BUSY 0 (GET != PUT), ERROR 1 (ERR_CODE != 0).
 *   ERR_CODE (RW): first error (VSVM_CE_ERR_*); write to clear.
 *   ERR_SEQ (RO):  SEQ of the failed command.
 *   INTR (RW, W1C): COMPLETE 0 (a command with INTERRUPT completed),
 *                  ERROR 1 (a command failed).  Drives VSVM_PMC_INTR_CE.
 * A failing command is skipped (its destination is partly written); the
 * engine goes on with the next one.
 */
#define VSVM_CE_RING_LO				0x00a01000
#define VSVM_CE_RING_LO_APERTURE		GENMASK(1, 0)
#define VSVM_CE_RING_LO_ADDR			GENMASK(31, 5)
#define VSVM_CE_RING_HI				0x00a01004
#define VSVM_CE_RING_SIZE			0x00a01008
#define VSVM_CE_RING_PUT			0x00a0100c
#define VSVM_CE_RING_GET			0x00a01010
#define VSVM_CE_SEQ_DONE			0x00a01014
#define VSVM_CE_STATUS				0x00a01018
#define VSVM_CE_STATUS_BUSY			BIT(0)
#define VSVM_CE_STATUS_ERROR			BIT(1)
#define VSVM_CE_ERR_CODE			0x00a0101c
#define VSVM_CE_ERR_SEQ				0x00a01020
#define VSVM_CE_INTR				0x00a01024
#define VSVM_CE_INTR_COMPLETE			BIT(0)
#define VSVM_CE_INTR_ERROR			BIT(1)

#define VSVM_CE_ERR_NONE			0
#define VSVM_CE_ERR_BAD_RING			1 /* ring unreadable */
#define VSVM_CE_ERR_BAD_OPCODE			2
#define VSVM_CE_ERR_BAD_SRC			3 /* source address invalid */
#define VSVM_CE_ERR_BAD_DST			4 /* destination invalid */

/* ---------------------------------------------------------------------
 * VSVM channel block: launches, completion and errors, one block of
 * VSVM_CHAN_STRIDE bytes per channel.
 *   LAUNCH_LO (RW): APERTURE 1:0 (target encoding), ADDR 31:7 (address of
 *                   the launch descriptor, 128-byte aligned).
 *   LAUNCH_HI (RW): descriptor address bits 63:32.
 *   DOORBELL (WO):  queue a launch of the descriptor in LAUNCH_LO/HI on
 *                   the bound instance; the value written is the launch's
 *                   sequence number, reported in SEQ_DONE on completion.
 *                   Up to VSVM_CHAN_QUEUE_DEPTH launches may be queued;
 *                   launches of one channel run one after the other.
 *   STATUS (RO):    BUSY 0 (a launch runs or is queued), ERROR 1,
 *                   QUEUED 15:8 (launches queued, not yet started).
 *   SEQ_DONE (RO):  sequence number of the last completed launch
 *                   (completed also means failed).
 *   ERR_CODE (RW):  first error since cleared (VSVM_CHAN_ERR_*); writing
 *                   any value clears ERR_CODE/ADDR/INFO/PC/SEQ.
 *   ERR_ADDR_LO/HI (RO): faulting GPU virtual address (or physical
 *                   address for BAD_PHYS, descriptor address for
 *                   BAD_DESC).
 *   ERR_INFO (RO):  ACCESS_TYPE 3:0 (VSVM_FAULT_ACCESS_*), FAULT_TYPE 12:8
 *                   (NV fault type), NONREPLAYABLE 16 (fault buffer was
 *                   disabled), THREAD 31:20 (low 12 bits of the thread
 *                   index).
 *   ERR_PC_LO/HI (RO): GPU VA of the instruction that failed.
 *   ERR_SEQ (RO):   sequence number of the launch that failed.
 *   CTRL (RW):      KILL 0 (W: abort the running launch with ERR_KILLED;
 *                   reads 0), DRAIN 1 (while set, every queued launch
 *                   completes at once with ERR_KILLED instead of running;
 *                   cleared by writing 0 or by rebinding the channel).
 *   KILL_SEQ (WO):  abort the running launch with ERR_KILLED if its
 *                   sequence number is the value written (a launch that
 *                   already ended is not mistaken for the next one).
 *                   The units of a killed launch stalled on a fault of the
 *                   channel are released as if their fault was cancelled.
 * A failure aborts the launch: threads not started are skipped, running
 * threads stop at their next instruction, and the launch completes (the
 * channel's later launches still run). Whatever its result, a completing
 * launch writes its status into its descriptor (VSVM_LAUNCH_DESC_STATUS)
 * before SEQ_DONE takes its sequence number: ERR_CODE keeps only the
 * first error since cleared, the status word is every launch's own.
 */
#define VSVM_CHAN_BASE				0x00a10000
#define VSVM_CHAN_STRIDE			0x40
#define VSVM_CHAN_REG(ch, r)			(VSVM_CHAN_BASE + (ch) * VSVM_CHAN_STRIDE + (r))
#define VSVM_CHAN_LAUNCH_LO(ch)			VSVM_CHAN_REG(ch, 0x00)
#define VSVM_CHAN_LAUNCH_LO_APERTURE		GENMASK(1, 0)
#define VSVM_CHAN_LAUNCH_LO_ADDR		GENMASK(31, 7)
#define VSVM_CHAN_LAUNCH_HI(ch)			VSVM_CHAN_REG(ch, 0x04)
#define VSVM_CHAN_DOORBELL(ch)			VSVM_CHAN_REG(ch, 0x08)
#define VSVM_CHAN_STATUS(ch)			VSVM_CHAN_REG(ch, 0x0c)
#define VSVM_CHAN_STATUS_BUSY			BIT(0)
#define VSVM_CHAN_STATUS_ERROR			BIT(1)
#define VSVM_CHAN_STATUS_QUEUED			GENMASK(15, 8)
#define VSVM_CHAN_SEQ_DONE(ch)			VSVM_CHAN_REG(ch, 0x10)
#define VSVM_CHAN_ERR_CODE(ch)			VSVM_CHAN_REG(ch, 0x14)
#define VSVM_CHAN_ERR_ADDR_LO(ch)		VSVM_CHAN_REG(ch, 0x18)
#define VSVM_CHAN_ERR_ADDR_HI(ch)		VSVM_CHAN_REG(ch, 0x1c)
#define VSVM_CHAN_ERR_INFO(ch)			VSVM_CHAN_REG(ch, 0x20)
#define VSVM_CHAN_ERR_INFO_ACCESS_TYPE		GENMASK(3, 0)
#define VSVM_CHAN_ERR_INFO_FAULT_TYPE		GENMASK(12, 8)
#define VSVM_CHAN_ERR_INFO_NONREPLAYABLE	BIT(16)
#define VSVM_CHAN_ERR_INFO_THREAD		GENMASK(31, 20)
#define VSVM_CHAN_ERR_PC_LO(ch)			VSVM_CHAN_REG(ch, 0x24)
#define VSVM_CHAN_ERR_PC_HI(ch)			VSVM_CHAN_REG(ch, 0x28)
#define VSVM_CHAN_ERR_SEQ(ch)			VSVM_CHAN_REG(ch, 0x2c)
#define VSVM_CHAN_CTRL(ch)			VSVM_CHAN_REG(ch, 0x30)
#define VSVM_CHAN_CTRL_KILL			BIT(0)
#define VSVM_CHAN_CTRL_DRAIN			BIT(1)
#define VSVM_CHAN_KILL_SEQ(ch)			VSVM_CHAN_REG(ch, 0x34)
#define VSVM_CHAN_QUEUE_DEPTH			16

#define VSVM_CHAN_ERR_NONE			0
#define VSVM_CHAN_ERR_MMU_FAULT			1 /* access cancelled */
#define VSVM_CHAN_ERR_BAD_PHYS			2 /* PTE/PDE to bad memory */
#define VSVM_CHAN_ERR_ILLEGAL_INSN		3
#define VSVM_CHAN_ERR_MISALIGNED		4 /* data or PC misaligned */
#define VSVM_CHAN_ERR_BUDGET			5 /* instruction budget */
#define VSVM_CHAN_ERR_BAD_DESC			6 /* descriptor unreadable */
#define VSVM_CHAN_ERR_NO_INSTANCE		7 /* unbound or bad instance */
#define VSVM_CHAN_ERR_QUEUE_FULL		8 /* doorbell dropped */
#define VSVM_CHAN_ERR_KILLED			9 /* CTRL.KILL or DRAIN */
#define VSVM_CHAN_ERR_BREAKPOINT		10 /* RV64 EBREAK */

/* ---------------------------------------------------------------------
 * Memory layouts (little-endian) the GPU reads or writes by address.
 */

/*
 * Instance block (4 KiB aligned), NV_RAMIN layout for the fields used:
 * dword 128 (byte 0x200): PAGE_DIR_BASE_TARGET 1:0 (target encoding),
 * PAGE_DIR_BASE_VOL 2, USE_VER2_PT_FORMAT 10 (must be 1),
 * BIG_PAGE_SIZE 11 (ignored: big pages are 64 KiB), PAGE_DIR_BASE_LO 31:12
 * (PD3 address bits 31:12); dword 129: PAGE_DIR_BASE_HI (bits 63:32).
 * The PDB is read when a launch starts.
 */
#define NV_RAMIN_PAGE_DIR_BASE_LO_OFFSET	0x200
#define NV_RAMIN_PAGE_DIR_BASE_HI_OFFSET	0x204
#define NV_RAMIN_PAGE_DIR_BASE_TARGET		GENMASK(1, 0)
#define NV_RAMIN_PAGE_DIR_BASE_VOL		BIT(2)
#define NV_RAMIN_USE_VER2_PT_FORMAT		BIT(10)
#define NV_RAMIN_BIG_PAGE_SIZE			BIT(11)
#define NV_RAMIN_PAGE_DIR_BASE_LO		GENMASK(31, 12)

/*
 * Launch descriptor (VSVM_LAUNCH_DESC_SIZE bytes, 128-byte aligned): a
 * RISC-V program (vsvm_isa_rv64.h) run over a grid of work-groups.
 *   0x00 u64 program_va     GPU VA of the first instruction (4-aligned)
 *   0x08 u32 reserved       must be 0
 *   0x0c u32 flags          VSVM_LAUNCH_FLAG_*
 *   0x10 u32 insn_budget    per-thread instruction limit, 0 = default
 *   0x14 u32 status         0 at doorbell time; written by the GPU when
 *                           the launch completes: DONE 31, CODE 7:0 (the
 *                           launch's first error, VSVM_CHAN_ERR_*)
 *   0x18 u32 local_size[3]  threads of a work-group per dimension
 *   0x24 u32 num_groups[3]  work-groups per dimension
 *   0x30 u32 local_mem_size bytes of local memory per work-group
 *   0x34 u32 stack_size     bytes of private stack per thread
 *   0x38 u64 reserved       must be 0
 *   0x40 u64 args[8]        launch arguments (CSRs arg0..arg7)
 * The geometry must respect the limits of vsvm_isa_rv64.h (stack_size a
 * non-zero multiple of 16), or the launch fails with
 * VSVM_CHAN_ERR_BAD_DESC.
 */
#define VSVM_LAUNCH_DESC_SIZE			128
#define VSVM_LAUNCH_DESC_PROGRAM_VA		0x00
#define VSVM_LAUNCH_DESC_RSVD			0x08
#define VSVM_LAUNCH_DESC_FLAGS			0x0c
#define VSVM_LAUNCH_DESC_INSN_BUDGET		0x10
#define VSVM_LAUNCH_DESC_STATUS			0x14
#define VSVM_LAUNCH_STATUS_DONE			BIT(31)
#define VSVM_LAUNCH_STATUS_CODE			GENMASK(7, 0)
#define VSVM_LAUNCH_DESC_GRID			0x18
#define VSVM_LAUNCH_DESC_LOCAL_SIZE		0x18
#define VSVM_LAUNCH_DESC_NUM_GROUPS		0x24
#define VSVM_LAUNCH_DESC_LOCAL_MEM		0x30
#define VSVM_LAUNCH_DESC_STACK			0x34
#define VSVM_LAUNCH_DESC_GRID_RSVD		0x38
#define VSVM_LAUNCH_DESC_ARGS			0x40
#define VSVM_LAUNCH_NUM_ARGS			8
/* Privileged launch: may access PTEs with PRIVILEGE set. */
#define VSVM_LAUNCH_FLAG_PRIVILEGED		BIT(0)

/*
 * Copy-engine command (VSVM_CE_CMD_SIZE bytes):
 *   0x00 u32 op:  OPCODE 7:0 (VSVM_CE_OP_*), SRC_APERTURE 9:8,
 *                 DST_APERTURE 11:10 (target encoding), INTERRUPT 31
 *                 (raise VSVM_CE_INTR_COMPLETE when done)
 *   0x04 u32 seq  written to VSVM_CE_SEQ_DONE when the command completes
 *   0x08 u64 src  source address (COPY) or 32-bit pattern (FILL32)
 *   0x10 u64 dst  destination address
 *   0x18 u64 len  bytes (FILL32: multiple of 4)
 */
#define VSVM_CE_CMD_SIZE			32
#define VSVM_CE_CMD_OPCODE			GENMASK(7, 0)
#define VSVM_CE_CMD_SRC_APERTURE		GENMASK(9, 8)
#define VSVM_CE_CMD_DST_APERTURE		GENMASK(11, 10)
#define VSVM_CE_CMD_INTERRUPT			BIT(31)
#define VSVM_CE_OP_NOP				0
#define VSVM_CE_OP_COPY				1
#define VSVM_CE_OP_FILL32			2

/*
 * Replayable fault packet (Volta MMU_FAULT_BUFFER, 32 bytes), dword d at
 * byte 4 * d.  The GPU writes dwords 0-6, a write barrier, then dword 7
 * (which holds VALID).  Software clears VALID after copying a packet.
 */
#define VSVM_FAULT_PACKET_SIZE			32
#define NV_MMU_FAULT_BUF_ENTRY_INST_APERTURE	GENMASK(9, 8)	/* dword 0 */
#define NV_MMU_FAULT_BUF_ENTRY_INST_LO		GENMASK(31, 12)	/* dword 0 */
/* dword 1: INST_HI 31:0 */
#define NV_MMU_FAULT_BUF_ENTRY_ADDR_PHYS_APERTURE GENMASK(1, 0)	/* dword 2 */
#define NV_MMU_FAULT_BUF_ENTRY_ADDR_LO		GENMASK(31, 12)	/* dword 2 */
/* dword 3: ADDR_HI 31:0; dword 4/5: TIMESTAMP_LO/HI (ns) */
#define NV_MMU_FAULT_BUF_ENTRY_ENGINE_ID	GENMASK(8, 0)	/* dword 6 */
#define NV_MMU_FAULT_BUF_ENTRY_FAULT_TYPE	GENMASK(4, 0)	/* dword 7 */
#define NV_MMU_FAULT_BUF_ENTRY_REPLAYABLE_FAULT	BIT(7)
#define NV_MMU_FAULT_BUF_ENTRY_CLIENT		GENMASK(14, 8)
#define NV_MMU_FAULT_BUF_ENTRY_ACCESS_TYPE	GENMASK(19, 16)
#define NV_MMU_FAULT_BUF_ENTRY_MMU_CLIENT_TYPE	BIT(20)
#define NV_MMU_FAULT_BUF_ENTRY_GPC_ID		GENMASK(28, 24)
#define NV_MMU_FAULT_BUF_ENTRY_REPLAYABLE_FAULT_EN BIT(30)
#define NV_MMU_FAULT_BUF_ENTRY_VALID		BIT(31)

/* Engine id of the compute engine in fault packets (GRAPHICS). */
#define VSVM_FAULT_ENGINE_ID_COMPUTE		0x40
/* Client id of every execution unit (GPC client T1_0); GPC_ID = EU index. */
#define VSVM_FAULT_CLIENT_EU			0x00
#define VSVM_FAULT_CLIENT_TYPE_GPC		0
#define VSVM_FAULT_CLIENT_TYPE_HUB		1

/* NV fault types (FAULT_TYPE field) the model produces. */
#define VSVM_FAULT_TYPE_PDE			0x0
#define VSVM_FAULT_TYPE_PTE			0x2
#define VSVM_FAULT_TYPE_VA_LIMIT_VIOLATION	0x3
#define VSVM_FAULT_TYPE_PRIV_VIOLATION		0x5
#define VSVM_FAULT_TYPE_RO_VIOLATION		0x6
#define VSVM_FAULT_TYPE_UNSUPPORTED_APERTURE	0xa
#define VSVM_FAULT_TYPE_UNSUPPORTED_KIND	0xc
#define VSVM_FAULT_TYPE_ATOMIC_VIOLATION	0xf

/* Access types (ACCESS_TYPE field). */
#define VSVM_FAULT_ACCESS_READ			0
#define VSVM_FAULT_ACCESS_WRITE			1
#define VSVM_FAULT_ACCESS_ATOMIC		2
#define VSVM_FAULT_ACCESS_PREFETCH		3

#endif /* _VSVM_REGS_H_ */
