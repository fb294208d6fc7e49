/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the vsvm virtual GPU, shared by the files of hw/ and by the
 * model's KUnit tests.  The driver must not include this header.
 *
 * Locking (no lock of the model nests inside another one of the model):
 *  - vsvm_mmu.lock (spinlock, irqsave): TLB and PDE-cache arrays, the
 *    invalidate generation and the invalidate registers.
 *  - vsvm_fault_buffer.lock (spinlock, irqsave): fault-buffer registers,
 *    replay sequence, per-EU stall/cancel state.
 *  - vsvm_fault_buffer.write_lock (mutex): serialises packet writers (EU
 *    threads) so PUT only moves over fully written packets.
 *  - vsvm_exec.lock (spinlock, irqsave): channel registers, launch queues,
 *    running launches, VSVM_CHAN_INTR.
 *  - vsvm_ce.lock (spinlock, irqsave): copy-engine registers.
 *  - vsvm_vram.pages: the xarray's own lock.
 *  - vsvm_hw.intr_en, bar0_window: READ_ONCE/WRITE_ONCE.
 * Register accesses never sleep and may come from any context; model
 * threads (EUs, copy-engine work) may sleep between register-visible
 * steps.  The interrupt callback runs in hard interrupt context (an
 * irq_work) with no model lock held.
 */
#ifndef _VSVM_HW_PRIV_H_
#define _VSVM_HW_PRIV_H_

#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

struct iommu_domain;

#include "vsvm_hw.h"
#include "vsvm_isa_rv64.h"
#include "vsvm_regs.h"

struct task_struct;
struct vsvm_rv_thread;

#define VSVM_MAX_EUS			32
#define VSVM_TLB_ENTRIES		1024
#define VSVM_PDE_CACHE_ENTRIES		256
#define VSVM_TLB_WAYS			4
#define VSVM_DEFAULT_INSN_BUDGET	(1024 * 1024)

/**
 * struct vsvm_vram - lazily backed video memory
 * @size: size in bytes
 * @pages: VRAM page frame number (addr >> PAGE_SHIFT) -> struct page,
 *	allocated on first write; unbacked VRAM reads as zero
 * @nr_pages: number of backing pages allocated
 */
struct vsvm_vram {
	u64 size;
	struct xarray pages;
	atomic_long_t nr_pages;
};

/**
 * struct vsvm_pdb - a page directory base: where an address space's PD3 is
 * @target: VSVM_TARGET_* of the PD3
 * @addr: address of the PD3 (VRAM offset or system address)
 */
struct vsvm_pdb {
	u8 target;
	u64 addr;
};

/**
 * struct vsvm_xlate - result of a successful translation
 * @target: VSVM_TARGET_* of the page
 * @addr: address of the translated byte (VRAM offset or system address)
 * @sparse: the PTE is sparse: reads return 0, writes are dropped
 */
struct vsvm_xlate {
	u8 target;
	u64 addr;
	bool sparse;
};

/**
 * struct vsvm_tlb_entry - one cached leaf translation
 * @valid: entry in use
 * @pdb_sys: the PDB is in system memory (else VRAM)
 * @shift: page shift (12, 16 or 21)
 * @pdb_addr: address of the PDB
 * @va: virtual address of the page (aligned to 1 << @shift)
 * @pte: the PTE as read when the entry was filled
 */
struct vsvm_tlb_entry {
	bool valid;
	bool pdb_sys;
	u8 shift;
	u64 pdb_addr;
	u64 va;
	u64 pte;
};

/**
 * struct vsvm_pde_cache_entry - a cached directory walk down to a PD0 entry
 * @valid: entry in use
 * @pdb_sys: the PDB is in system memory (else VRAM)
 * @pdb_addr: address of the PDB
 * @va: 2 MiB-aligned virtual address the PD0 entry covers
 * @lo: low qword (64 KiB table pointer) of the dual PDE
 * @hi: high qword (4 KiB table pointer) of the dual PDE
 */
struct vsvm_pde_cache_entry {
	bool valid;
	bool pdb_sys;
	u64 pdb_addr;
	u64 va;
	u64 lo;
	u64 hi;
};

/**
 * struct vsvm_mmu - MMU: page-table walker, TLB and invalidation
 * @lock: protects @tlb, @pdc, @gen and the invalidate registers
 * @tlb: leaf translations, 4-way sets chosen by hash of (PDB, VA, size)
 * @pdc: page-directory cache, 4-way sets chosen by hash of (PDB, 2 MiB VA)
 * @gen: bumped by every TRIGGERed invalidate; a walk whose generation
 *	changed before it fills the TLB does not fill it
 * @inflight: per execution unit, 1 + generation at the start of the unit's
 *	current translate-and-access, 0 when idle (for PRI_FIFO_EMPTY)
 * @num_slots: number of @inflight slots
 * @victim: round-robin eviction counter
 * @reg_pdb: NV_PFB_PRI_MMU_INVALIDATE_PDB
 * @reg_upper_pdb: NV_PFB_PRI_MMU_INVALIDATE_UPPER_PDB
 * @reg_invalidate: last value written to NV_PFB_PRI_MMU_INVALIDATE
 * @reg_va: VSVM_MMU_INVALIDATE_VA_LO/HI
 * @reg_size: VSVM_MMU_INVALIDATE_SIZE_LO/HI
 */
struct vsvm_mmu {
	spinlock_t lock; /* TLB, PDE cache, gen, invalidate registers */
	struct vsvm_tlb_entry *tlb;
	struct vsvm_pde_cache_entry *pdc;
	u64 gen;
	atomic64_t *inflight;
	unsigned int num_slots;
	unsigned int victim;
	u32 reg_pdb;
	u32 reg_upper_pdb;
	u32 reg_invalidate;
	u64 reg_va;
	u64 reg_size;
};

/**
 * struct vsvm_fault_info - a failed translation, as reported in a packet
 * @va: faulting virtual address
 * @fault_type: VSVM_FAULT_TYPE_*
 * @access: VSVM_FAULT_ACCESS_*
 * @eu: execution unit (GPC_ID of the packet)
 * @inst_target: VSVM_TARGET_* of the instance block
 * @inst_addr: address of the instance block
 */
struct vsvm_fault_info {
	u64 va;
	u8 fault_type;
	u8 access;
	u32 eu;
	u8 inst_target;
	u64 inst_addr;
};

/**
 * struct vsvm_fault_stall - stall state of one execution unit
 * @stalled: the unit waits for a replay or cancel
 * @cancelled: a cancel hit the stalled access
 * @replay_seq: vsvm_fault_buffer.replay_seq when the unit stalled
 * @inst_addr: instance block of the stalled access's channel
 * @inst_sys: that instance block is in system memory
 */
struct vsvm_fault_stall {
	bool stalled;
	bool cancelled;
	u64 replay_seq;
	u64 inst_addr;
	bool inst_sys;
};

/**
 * struct vsvm_fault_buffer - the fault buffers and the replay machinery
 * @lock: protects every field below but @write_lock and @wq
 * @write_lock: serialises packet writers (held while writing a packet)
 * @wq: stalled execution units wait here
 * @lo: NV_PFB_PRI_MMU_FAULT_BUFFER_LO, per buffer
 * @hi: NV_PFB_PRI_MMU_FAULT_BUFFER_HI, per buffer
 * @get: GET pointer, per buffer
 * @put: PUT pointer, per buffer
 * @size: SIZE register (entries | ENABLE), per buffer
 * @overflow: OVERFLOW of the replayable buffer
 * @replay_seq: number of REPLAY_START requests so far
 * @stall: per execution unit stall state
 * @shutdown: the device is going away; stalled units give up
 * @packets: packets written (statistics)
 * @dropped: faults dropped on overflow (statistics)
 */
struct vsvm_fault_buffer {
	spinlock_t lock; /* registers, replay and stall state */
	struct mutex write_lock; /* one packet writer at a time */
	wait_queue_head_t wq;
	u32 lo[2];
	u32 hi[2];
	u32 get[2];
	u32 put[2];
	u32 size[2];
	bool overflow;
	u64 replay_seq;
	struct vsvm_fault_stall stall[VSVM_MAX_EUS];
	bool shutdown;
	u64 packets;
	u64 dropped;
};

/**
 * enum vsvm_fault_result - how a stalled access ended
 * @VSVM_FAULT_REPLAY: retry the translation
 * @VSVM_FAULT_CANCEL: the access fails (cancelled by the driver)
 * @VSVM_FAULT_NONREPLAYABLE: the buffer is disabled; the access fails
 * @VSVM_FAULT_SHUTDOWN: the device is being destroyed
 */
enum vsvm_fault_result {
	VSVM_FAULT_REPLAY,
	VSVM_FAULT_CANCEL,
	VSVM_FAULT_NONREPLAYABLE,
	VSVM_FAULT_SHUTDOWN,
};

/**
 * struct vsvm_launch - a launch on a channel, as read from its descriptor
 * @seq: sequence number written to the doorbell
 * @inst_target: instance block aperture latched at doorbell time
 * @inst_addr: instance block address latched at doorbell time
 * @desc_target: descriptor aperture
 * @desc_addr: descriptor address
 * @pdb: page directory base read from the instance block
 * @program_va: first instruction
 * @flags: VSVM_LAUNCH_FLAG_*
 * @insn_budget: per-thread instruction budget
 * @args: launch arguments
 * @local_size: threads of a work-group in each dimension
 * @num_groups: work-groups in each dimension
 * @group_threads: threads of one work-group
 * @total_groups: work-groups of the launch
 * @local_mem_size: bytes of local memory of a work-group
 * @stack_size: bytes of private stack of a thread
 * @serial: unique number of this launch on the device (window ownership)
 * @next_tid: next work-group index to hand to an execution unit
 * @running: work-groups currently executing
 * @aborted: an error stopped the launch
 * @status: VSVM_CHAN_ERR_* of the launch's first error (its own, whatever
 *	the channel's ERR_CODE holds)
 */
struct vsvm_launch {
	u32 seq;
	u8 inst_target;
	u64 inst_addr;
	u8 desc_target;
	u64 desc_addr;
	struct vsvm_pdb pdb;
	u64 program_va;
	u32 flags;
	u32 insn_budget;
	u64 args[VSVM_LAUNCH_NUM_ARGS];
	u32 local_size[3];
	u32 num_groups[3];
	u32 group_threads;
	u32 total_groups;
	u32 local_mem_size;
	u32 stack_size;
	u64 serial;
	u32 next_tid;
	u32 running;
	bool aborted;
	u32 status;
};

/**
 * enum vsvm_hw_channel_state - what a channel is doing
 * @VSVM_CHAN_IDLE: no launch running
 * @VSVM_CHAN_LOADING: an execution unit reads the next launch's descriptor
 * @VSVM_CHAN_RUNNING: @launch runs
 * @VSVM_CHAN_COMPLETING: @launch ended; its status is being written
 */
enum vsvm_hw_channel_state {
	VSVM_CHAN_IDLE,
	VSVM_CHAN_LOADING,
	VSVM_CHAN_RUNNING,
	VSVM_CHAN_COMPLETING,
};

/**
 * struct vsvm_queued_launch - a doorbell not yet started
 * @seq: sequence number
 * @desc_target: descriptor aperture
 * @desc_addr: descriptor address
 * @inst: NV_PCCSR_CHANNEL_INST at doorbell time
 */
struct vsvm_queued_launch {
	u32 seq;
	u8 desc_target;
	u64 desc_addr;
	u32 inst;
};

/**
 * struct vsvm_hw_channel - one channel
 * @inst: NV_PCCSR_CHANNEL_INST
 * @launch_lo: VSVM_CHAN_LAUNCH_LO
 * @launch_hi: VSVM_CHAN_LAUNCH_HI
 * @queue: launches waiting (ring)
 * @q_head: index of the oldest entry of @queue
 * @q_count: entries in @queue
 * @state: &enum vsvm_hw_channel_state
 * @launch: the current launch (valid unless IDLE)
 * @seq_done: VSVM_CHAN_SEQ_DONE
 * @err_code: VSVM_CHAN_ERR_CODE
 * @err_info: VSVM_CHAN_ERR_INFO
 * @err_seq: VSVM_CHAN_ERR_SEQ
 * @err_addr: VSVM_CHAN_ERR_ADDR_LO/HI
 * @err_pc: VSVM_CHAN_ERR_PC_LO/HI
 * @drain: VSVM_CHAN_CTRL.DRAIN
 */
struct vsvm_hw_channel {
	u32 inst;
	u32 launch_lo;
	u32 launch_hi;
	struct vsvm_queued_launch queue[VSVM_CHAN_QUEUE_DEPTH];
	unsigned int q_head;
	unsigned int q_count;
	enum vsvm_hw_channel_state state;
	struct vsvm_launch launch;
	u32 seq_done;
	u32 err_code;
	u32 err_info;
	u32 err_seq;
	u64 err_addr;
	u64 err_pc;
	bool drain;
};

/**
 * struct vsvm_eu - an execution unit (a kernel thread)
 * @hw: the device
 * @task: the thread
 * @index: unit number (GPC_ID in fault packets, SR_EUID)
 * @rv_threads: RV64: the threads of the work-group being run
 * @rv_local: RV64: local memory of the work-group being run
 * @rv_private: RV64: private memory (stacks) of its threads
 * @rv_owner: serial of the launch whose data the two windows hold
 */
struct vsvm_eu {
	struct vsvm_hw *hw;
	struct task_struct *task;
	unsigned int index;
	struct vsvm_rv_thread *rv_threads;
	u8 *rv_local;
	u8 *rv_private;
	u64 rv_owner;
};

/**
 * struct vsvm_thread - an executing thread, as memory accesses see it
 * @eu: the unit running it
 * @ch: its channel
 * @launch: its launch
 * @tid: thread index (the linear index in the grid for RV64)
 * @pc: program counter of the current instruction
 */
struct vsvm_thread {
	struct vsvm_eu *eu;
	struct vsvm_hw_channel *ch;
	struct vsvm_launch *launch;
	u32 tid;
	u64 pc;
};

/* Memory operations of vsvm_exec_access(). */
#define VSVM_MEMOP_LOAD		0x100
#define VSVM_MEMOP_STORE	0x101
#define VSVM_MEMOP_PREFETCH	0x102
#define VSVM_MEMOP_FETCH_LINE	0x103
/* VSVM_MEMOP_AMO + VSVM_AMO_*: val[0] expected (CAS) / old, val[1] operand */
#define VSVM_MEMOP_AMO		0x200

/**
 * enum vsvm_amo - read-modify-write operations of vsvm_mem_amo()
 * @VSVM_AMO_SWAP: store the operand
 * @VSVM_AMO_ADD: add
 * @VSVM_AMO_XOR: exclusive or
 * @VSVM_AMO_AND: and
 * @VSVM_AMO_OR: or
 * @VSVM_AMO_MIN: signed minimum
 * @VSVM_AMO_MAX: signed maximum
 * @VSVM_AMO_MINU: unsigned minimum
 * @VSVM_AMO_MAXU: unsigned maximum
 * @VSVM_AMO_CAS: store the operand if memory holds the expected value
 */
enum vsvm_amo {
	VSVM_AMO_SWAP,
	VSVM_AMO_ADD,
	VSVM_AMO_XOR,
	VSVM_AMO_AND,
	VSVM_AMO_OR,
	VSVM_AMO_MIN,
	VSVM_AMO_MAX,
	VSVM_AMO_MINU,
	VSVM_AMO_MAXU,
	VSVM_AMO_CAS,
};

/**
 * struct vsvm_exec - compute engine: channels and execution units
 * @lock: protects @chan, @chan_intr, @rr, @insn_budget and @launch_serial
 * @wq: idle execution units wait here for work
 * @chan: the channels
 * @chan_intr: VSVM_CHAN_INTR(0/1)
 * @rr: channel the next search for work starts at (round robin)
 * @insn_budget: VSVM_CFG_INSN_BUDGET
 * @launch_serial: serial number of the last launch loaded
 * @eus: execution units
 * @num_eus: number of @eus
 */
struct vsvm_exec {
	spinlock_t lock; /* channels, queues, launch bookkeeping */
	wait_queue_head_t wq;
	struct vsvm_hw_channel chan[VSVM_NUM_CHANNELS];
	u32 chan_intr[VSVM_NUM_CHANNELS / 32];
	unsigned int rr;
	u32 insn_budget;
	u64 launch_serial;
	struct vsvm_eu *eus;
	unsigned int num_eus;
};

/**
 * struct vsvm_ce - copy engine
 * @lock: protects the register fields
 * @wq: ordered workqueue the engine runs on
 * @work: processes the ring
 * @ring_lo: VSVM_CE_RING_LO
 * @ring_hi: VSVM_CE_RING_HI
 * @size: VSVM_CE_RING_SIZE
 * @put: VSVM_CE_RING_PUT
 * @get: VSVM_CE_RING_GET
 * @seq_done: VSVM_CE_SEQ_DONE
 * @err_code: VSVM_CE_ERR_CODE
 * @err_seq: VSVM_CE_ERR_SEQ
 * @intr: VSVM_CE_INTR
 * @stopping: the device is being destroyed
 */
struct vsvm_ce {
	spinlock_t lock; /* copy-engine registers */
	struct workqueue_struct *wq;
	struct work_struct work;
	u32 ring_lo;
	u32 ring_hi;
	u32 size;
	u32 put;
	u32 get;
	u32 seq_done;
	u32 err_code;
	u32 err_seq;
	u32 intr;
	bool stopping;
};

/**
 * struct vsvm_hw - the virtual GPU
 * @name: name of threads and workqueues
 * @irq: interrupt callback
 * @irq_data: its argument
 * @irq_work: calls @irq from hard interrupt context, as an interrupt
 *	line would
 * @irq_run_lock: keeps two runs of @irq (on two CPUs) apart
 * @irq_lock: protects @irq_stopping against concurrent raises
 * @irq_stopping: no more callbacks (teardown)
 * @intr_en: VSVM_PMC_INTR_EN
 * @bar0_window: NV_PBUS_BAR0_WINDOW
 * @num_eus: number of execution units
 * @iommu: the translating IOMMU domain of the bus device, or NULL when
 *	DMA addresses are physical addresses (fixed at creation)
 * @iommu_faults: system accesses to a DMA address the IOMMU did not map
 * @vram: video memory
 * @mmu: MMU and TLB
 * @fault: fault buffers
 * @exec: compute engine
 * @ce: copy engine
 */
struct vsvm_hw {
	char name[32];
	vsvm_hw_irq_fn irq;
	void *irq_data;
	struct irq_work irq_work;
	raw_spinlock_t irq_run_lock; /* one callback at a time */
	spinlock_t irq_lock; /* irq_stopping vs. queueing the callback */
	bool irq_stopping;
	u32 intr_en;
	u32 bar0_window;
	unsigned int num_eus;
	struct iommu_domain *iommu;
	atomic64_t iommu_faults;
	struct vsvm_vram vram;
	struct vsvm_mmu mmu;
	struct vsvm_fault_buffer fault;
	struct vsvm_exec exec;
	struct vsvm_ce ce;
};

/* vsvm_hw.c */
void vsvm_hw_raise_irq(struct vsvm_hw *hw);
u64 vsvm_hw_time_ns(void);

/* vsvm_vram.c */
int vsvm_vram_init(struct vsvm_vram *vram, u64 size);
void vsvm_vram_fini(struct vsvm_vram *vram);
struct page *vsvm_vram_page(struct vsvm_vram *vram, u64 addr, gfp_t gfp);

/* vsvm_mem.c */
struct page *vsvm_mem_page(struct vsvm_hw *hw, u8 target, u64 addr, gfp_t gfp);
int vsvm_mem_read(struct vsvm_hw *hw, u8 target, u64 addr, void *buf,
		  size_t len);
int vsvm_mem_write(struct vsvm_hw *hw, u8 target, u64 addr,
		   const void *buf, size_t len, gfp_t gfp);
int vsvm_mem_read64(struct vsvm_hw *hw, u8 target, u64 addr, u64 *val);
int vsvm_mem_load(struct vsvm_hw *hw, u8 target, u64 addr,
		  unsigned int size, u64 *val);
int vsvm_mem_store(struct vsvm_hw *hw, u8 target, u64 addr,
		   unsigned int size, u64 val, gfp_t gfp);
int vsvm_mem_amo(struct vsvm_hw *hw, u8 target, u64 addr,
		 unsigned int size, enum vsvm_amo op, u64 operand, u64 *old);
u64 vsvm_amo_apply(enum vsvm_amo op, unsigned int size, u64 old,
		   u64 operand, u64 expected);
int vsvm_mem_copy(struct vsvm_hw *hw, u8 dst_target, u64 dst,
		  u8 src_target, u64 src, u64 len);
int vsvm_mem_fill32(struct vsvm_hw *hw, u8 dst_target, u64 dst,
		    u32 pattern, u64 len);

/* vsvm_mmu.c */
int vsvm_mmu_init(struct vsvm_hw *hw);
void vsvm_mmu_fini(struct vsvm_hw *hw);
int vsvm_mmu_translate(struct vsvm_hw *hw, const struct vsvm_pdb *pdb,
		       u64 va, u8 access, bool privileged,
		       struct vsvm_xlate *xl, u8 *fault_type, u64 *bad_addr);
void vsvm_mmu_access_begin(struct vsvm_hw *hw, unsigned int slot);
void vsvm_mmu_access_end(struct vsvm_hw *hw, unsigned int slot);
bool vsvm_mmu_reg(u32 reg);
u32 vsvm_mmu_rd32(struct vsvm_hw *hw, u32 reg);
void vsvm_mmu_wr32(struct vsvm_hw *hw, u32 reg, u32 val);

/* vsvm_fault.c */
void vsvm_fault_init(struct vsvm_hw *hw);
void vsvm_fault_shutdown(struct vsvm_hw *hw);
enum vsvm_fault_result vsvm_fault_stall(struct vsvm_hw *hw,
					const struct vsvm_fault_info *f);
void vsvm_fault_report_prefetch(struct vsvm_hw *hw,
				const struct vsvm_fault_info *f);
void vsvm_fault_replay(struct vsvm_hw *hw, u32 invalidate, bool inst_sys,
		       u64 inst_addr);
void vsvm_fault_cancel_instance(struct vsvm_hw *hw, bool inst_sys,
				u64 inst_addr);
bool vsvm_fault_reg(u32 reg);
u32 vsvm_fault_rd32(struct vsvm_hw *hw, u32 reg);
void vsvm_fault_wr32(struct vsvm_hw *hw, u32 reg, u32 val);
u32 vsvm_fault_intr_status(struct vsvm_hw *hw);

/* vsvm_compute.c */
bool vsvm_exec_busy(struct vsvm_hw *hw);
int vsvm_exec_init(struct vsvm_hw *hw);
void vsvm_exec_fini(struct vsvm_hw *hw);
bool vsvm_exec_reg(u32 reg);
u32 vsvm_exec_rd32(struct vsvm_hw *hw, u32 reg);
void vsvm_exec_wr32(struct vsvm_hw *hw, u32 reg, u32 val);
u32 vsvm_exec_intr_status(struct vsvm_hw *hw);
int vsvm_exec_access(struct vsvm_thread *t, u64 va, unsigned int size,
		     u8 access, unsigned int op, u64 *val);
void vsvm_thread_error(struct vsvm_thread *t, u32 code, u64 addr, u32 info);

/* vsvm_rv64.c */
int vsvm_rv64_alloc(struct vsvm_eu *eu);
void vsvm_rv64_free(struct vsvm_eu *eu);
void vsvm_rv64_run_group(struct vsvm_eu *eu, struct vsvm_hw_channel *ch,
			 u32 group);

/* vsvm_ce.c */
int vsvm_ce_init(struct vsvm_hw *hw);
void vsvm_ce_fini(struct vsvm_hw *hw);
bool vsvm_ce_reg(u32 reg);
u32 vsvm_ce_rd32(struct vsvm_hw *hw, u32 reg);
void vsvm_ce_wr32(struct vsvm_hw *hw, u32 reg, u32 val);
u32 vsvm_ce_intr_status(struct vsvm_hw *hw);

#endif /* _VSVM_HW_PRIV_H_ */
