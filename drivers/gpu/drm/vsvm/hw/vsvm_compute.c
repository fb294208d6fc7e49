// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compute engine of the vsvm virtual GPU: channels, launches and the
 * execution units, which run RISC-V work-groups (vsvm_rv64.c).
 *
 * Each execution unit (EU) is a kernel thread.  An idle EU looks for work
 * over the channels, round robin: either the next thread index of a
 * running launch, or the next queued launch of an idle channel, whose
 * instance block and descriptor it then reads.  A launch's threads are
 * spread over all EUs; an EU runs one thread from start to EXIT.  A thread
 * whose access faults stalls its EU (vsvm_fault_stall()), so up to
 * num_eus faults are outstanding at once.
 *
 * When the last thread of a launch ends (or the launch is aborted and no
 * thread runs any more), an EU writes the launch's status into its
 * descriptor, then the channel's SEQ_DONE takes the launch's sequence
 * number, its VSVM_CHAN_INTR bit is set and the interrupt is raised from
 * the EU thread (the callback itself runs in hard interrupt context).
 * CTRL.KILL aborts the running launch; CTRL.DRAIN makes queued launches
 * complete with ERR_KILLED without running.
 *
 * Locking: vsvm_exec.lock protects the channels' registers, queues and
 * launch bookkeeping (next_tid, running, aborted, state).  The other
 * fields of a launch are written only by the EU that loads it (state
 * LOADING, invisible to the others) and are read-only while RUNNING.
 */

#include <linux/bitfield.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "vsvm_hw_priv.h"

/**
 * struct vsvm_hw_job - what an execution unit picked to do
 * @load: load the channel's next launch
 * @finish: complete the channel's ended launch (neither: run a thread)
 * @ch: the channel
 * @tid: thread index to run
 */
struct vsvm_hw_job {
	bool load;
	bool finish;
	unsigned int ch;
	u32 tid;
};

/*
 * Complete channel c's launch, which has ended (state COMPLETING, set by
 * the caller under exec->lock: nothing else touches the launch now).  The
 * status is in the descriptor before SEQ_DONE covers the launch (exec->lock
 * orders the two for a reader of SEQ_DONE).  May sleep.
 */
static void vsvm_exec_finish(struct vsvm_hw *hw, unsigned int c)
{
	struct vsvm_exec *ex = &hw->exec;
	struct vsvm_hw_channel *ch = &ex->chan[c];
	struct vsvm_launch *l = &ch->launch;
	unsigned long flags;

	/* An unreadable descriptor has no status to receive. */
	vsvm_mem_store(hw, l->desc_target,
		       l->desc_addr + VSVM_LAUNCH_DESC_STATUS, 4,
		       VSVM_LAUNCH_STATUS_DONE |
		       FIELD_PREP(VSVM_LAUNCH_STATUS_CODE, l->status),
		       GFP_KERNEL);
	spin_lock_irqsave(&ex->lock, flags);
	ch->seq_done = l->seq;
	ch->state = VSVM_CHAN_IDLE;
	ex->chan_intr[c / 32] |= BIT(c % 32);
	spin_unlock_irqrestore(&ex->lock, flags);
	vsvm_hw_raise_irq(hw);
	wake_up_all(&ex->wq);
}

/* Called with exec->lock held: record the channel's first error. */
static void vsvm_exec_error_locked(struct vsvm_hw_channel *ch, u32 code, u64 addr,
				   u32 info, u64 pc)
{
	WRITE_ONCE(ch->launch.aborted, true);
	if (!ch->launch.status)
		ch->launch.status = code;
	if (ch->err_code != VSVM_CHAN_ERR_NONE)
		return;
	ch->err_code = code;
	ch->err_addr = addr;
	ch->err_info = info;
	ch->err_pc = pc;
	ch->err_seq = ch->launch.seq;
}

/**
 * vsvm_thread_error() - stop a thread's launch with a channel error
 * @t: the thread (its pc and tid go into the error registers)
 * @code: VSVM_CHAN_ERR_*
 * @addr: the faulting address, if any
 * @info: VSVM_CHAN_ERR_INFO_* fields (the thread field is added)
 */
void vsvm_thread_error(struct vsvm_thread *t, u32 code, u64 addr, u32 info)
{
	struct vsvm_exec *ex = &t->eu->hw->exec;
	unsigned long flags;

	info |= FIELD_PREP(VSVM_CHAN_ERR_INFO_THREAD, t->tid & 0xfff);
	spin_lock_irqsave(&ex->lock, flags);
	vsvm_exec_error_locked(t->ch, code, addr, info, t->pc);
	spin_unlock_irqrestore(&ex->lock, flags);
}

static bool vsvm_exec_pick(struct vsvm_exec *ex, struct vsvm_hw_job *job)
{
	unsigned long flags;
	bool found = false;
	unsigned int i;

	spin_lock_irqsave(&ex->lock, flags);
	for (i = 0; i < VSVM_NUM_CHANNELS && !found; i++) {
		unsigned int c = (ex->rr + i) % VSVM_NUM_CHANNELS;
		struct vsvm_hw_channel *ch = &ex->chan[c];
		struct vsvm_launch *l = &ch->launch;

		if (ch->state == VSVM_CHAN_RUNNING && l->aborted &&
		    !l->running) {
			/* Killed before or between its threads. */
			ch->state = VSVM_CHAN_COMPLETING;
			job->load = false;
			job->finish = true;
			job->ch = c;
			found = true;
		} else if (ch->state == VSVM_CHAN_RUNNING && !l->aborted &&
			   l->next_tid < l->total_groups) {
			job->load = false;
			job->finish = false;
			job->ch = c;
			job->tid = l->next_tid++;
			l->running++;
			found = true;
		} else if (ch->state == VSVM_CHAN_IDLE && ch->q_count) {
			struct vsvm_queued_launch *q = &ch->queue[ch->q_head];

			memset(l, 0, sizeof(*l));
			l->seq = q->seq;
			l->desc_target = q->desc_target;
			l->desc_addr = q->desc_addr;
			l->inst_target = FIELD_GET(NV_PCCSR_CHANNEL_INST_TARGET,
						   q->inst);
			l->inst_addr = (u64)FIELD_GET(NV_PCCSR_CHANNEL_INST_PTR,
						      q->inst) <<
				       NV_PCCSR_CHANNEL_INST_PTR_SHIFT;
			if (!(q->inst & NV_PCCSR_CHANNEL_INST_BIND))
				l->inst_target = 0xff;
			ch->q_head = (ch->q_head + 1) % VSVM_CHAN_QUEUE_DEPTH;
			ch->q_count--;
			ch->state = VSVM_CHAN_LOADING;
			job->load = true;
			job->finish = false;
			job->ch = c;
			found = true;
		}
		if (found)
			ex->rr = (c + 1) % VSVM_NUM_CHANNELS;
	}
	spin_unlock_irqrestore(&ex->lock, flags);
	return found;
}

/* The launch's geometry; 0 or -EINVAL. */
static int vsvm_exec_load_grid(struct vsvm_launch *l, const u8 *desc)
{
	u64 threads = 1, groups = 1;
	unsigned int d;

	for (d = 0; d < 3; d++) {
		l->local_size[d] = get_unaligned_le32(desc +
			VSVM_LAUNCH_DESC_LOCAL_SIZE + 4 * d);
		l->num_groups[d] = get_unaligned_le32(desc +
			VSVM_LAUNCH_DESC_NUM_GROUPS + 4 * d);
		if (!l->local_size[d] || !l->num_groups[d] ||
		    l->local_size[d] > VSVM_RV_MAX_GROUP_THREADS)
			return -EINVAL;
		threads *= l->local_size[d];
		groups *= l->num_groups[d];
		if (groups > U32_MAX)
			return -EINVAL;
	}
	l->local_mem_size = get_unaligned_le32(desc +
					       VSVM_LAUNCH_DESC_LOCAL_MEM);
	l->stack_size = get_unaligned_le32(desc + VSVM_LAUNCH_DESC_STACK);
	if (threads > VSVM_RV_MAX_GROUP_THREADS ||
	    get_unaligned_le32(desc + VSVM_LAUNCH_DESC_RSVD) ||
	    (l->program_va & 3) ||
	    memchr_inv(desc + VSVM_LAUNCH_DESC_GRID_RSVD, 0,
		       VSVM_LAUNCH_DESC_ARGS - VSVM_LAUNCH_DESC_GRID_RSVD) ||
	    l->local_mem_size > VSVM_RV_MAX_LOCAL_MEM ||
	    !l->stack_size || l->stack_size % 16 ||
	    l->stack_size > VSVM_RV_MAX_STACK ||
	    threads * l->stack_size > VSVM_RV_MAX_PRIVATE_MEM)
		return -EINVAL;
	l->group_threads = threads;
	l->total_groups = groups;
	return 0;
}

/* Read the instance block and descriptor of a LOADING channel. */
static void vsvm_exec_load(struct vsvm_eu *eu, unsigned int c)
{
	struct vsvm_hw *hw = eu->hw;
	struct vsvm_exec *ex = &hw->exec;
	struct vsvm_hw_channel *ch = &ex->chan[c];
	struct vsvm_launch *l = &ch->launch;
	u8 desc[VSVM_LAUNCH_DESC_SIZE];
	u32 code = VSVM_CHAN_ERR_NONE;
	u64 pdb_lo, pdb_hi, err_addr = 0;
	bool done = false, drain;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&ex->lock, flags);
	drain = ch->drain;
	spin_unlock_irqrestore(&ex->lock, flags);
	if (drain) {
		code = VSVM_CHAN_ERR_KILLED;
		goto out;
	}
	if (l->inst_target == 0xff ||
	    vsvm_mem_load(hw, l->inst_target,
			  l->inst_addr + NV_RAMIN_PAGE_DIR_BASE_LO_OFFSET, 4,
			  &pdb_lo) ||
	    vsvm_mem_load(hw, l->inst_target,
			  l->inst_addr + NV_RAMIN_PAGE_DIR_BASE_HI_OFFSET, 4,
			  &pdb_hi) ||
	    !(pdb_lo & NV_RAMIN_USE_VER2_PT_FORMAT) ||
	    FIELD_GET(NV_RAMIN_PAGE_DIR_BASE_TARGET, pdb_lo) == 1) {
		code = VSVM_CHAN_ERR_NO_INSTANCE;
		err_addr = l->inst_addr;
		goto out;
	}
	l->pdb.target = FIELD_GET(NV_RAMIN_PAGE_DIR_BASE_TARGET, pdb_lo);
	l->pdb.addr = pdb_hi << 32 | (pdb_lo & NV_RAMIN_PAGE_DIR_BASE_LO);

	if (vsvm_mem_read(hw, l->desc_target, l->desc_addr, desc,
			  sizeof(desc))) {
		code = VSVM_CHAN_ERR_BAD_DESC;
		err_addr = l->desc_addr;
		goto out;
	}
	l->program_va = get_unaligned_le64(desc + VSVM_LAUNCH_DESC_PROGRAM_VA);
	l->flags = get_unaligned_le32(desc + VSVM_LAUNCH_DESC_FLAGS);
	l->insn_budget = get_unaligned_le32(desc + VSVM_LAUNCH_DESC_INSN_BUDGET);
	for (i = 0; i < VSVM_LAUNCH_NUM_ARGS; i++)
		l->args[i] = get_unaligned_le64(desc + VSVM_LAUNCH_DESC_ARGS +
						8 * i);
	if (memchr_inv(desc + 0x14, 0, VSVM_LAUNCH_DESC_GRID - 0x14) ||
	    (l->flags & ~VSVM_LAUNCH_FLAG_PRIVILEGED) ||
	    vsvm_exec_load_grid(l, desc)) {
		code = VSVM_CHAN_ERR_BAD_DESC;
		err_addr = l->desc_addr;
	}
out:
	spin_lock_irqsave(&ex->lock, flags);
	if (!l->insn_budget)
		l->insn_budget = ex->insn_budget;
	if (code != VSVM_CHAN_ERR_NONE)
		vsvm_exec_error_locked(ch, code, err_addr, 0, 0);
	l->serial = ++ex->launch_serial;
	if (l->aborted || !l->total_groups) {
		/* Failed, drained, killed while loading, or empty. */
		ch->state = VSVM_CHAN_COMPLETING;
		done = true;
	} else {
		ch->state = VSVM_CHAN_RUNNING;
	}
	spin_unlock_irqrestore(&ex->lock, flags);
	if (done)
		vsvm_exec_finish(hw, c);
	else
		wake_up_all(&ex->wq);
}

static void vsvm_exec_thread_done(struct vsvm_eu *eu, unsigned int c)
{
	struct vsvm_exec *ex = &eu->hw->exec;
	struct vsvm_hw_channel *ch = &ex->chan[c];
	struct vsvm_launch *l = &ch->launch;
	unsigned long flags;
	bool done = false;

	spin_lock_irqsave(&ex->lock, flags);
	l->running--;
	if (!l->running && (l->aborted || l->next_tid >= l->total_groups)) {
		ch->state = VSVM_CHAN_COMPLETING;
		done = true;
	}
	spin_unlock_irqrestore(&ex->lock, flags);
	if (done)
		vsvm_exec_finish(eu->hw, c);
}

/**
 * vsvm_exec_access() - one memory access of a thread through the MMU
 * @t: the thread
 * @va: GPU virtual address, aligned to @size
 * @size: 1, 2, 4 or 8 bytes
 * @access: VSVM_FAULT_ACCESS_* (what the MMU checks and faults report)
 * @op: VSVM_MEMOP_LOAD, _STORE, _PREFETCH, _FETCH_LINE (@val receives the
 *	VSVM_RV_FETCH_LINE-byte aligned block holding @va) or
 *	VSVM_MEMOP_AMO + &enum vsvm_amo
 * @val: the value loaded or stored; for atomics val[0] is the expected
 *	value in and the old value out, val[1] the operand
 *
 * Stalls on translation faults until the driver replays or cancels.
 *
 * Return: 0, or a negative errno after recording the channel error (or on
 * device shutdown).
 */
int vsvm_exec_access(struct vsvm_thread *t, u64 va, unsigned int size,
		     u8 access, unsigned int op, u64 *val)
{
	struct vsvm_eu *eu = t->eu;
	struct vsvm_hw *hw = eu->hw;
	struct vsvm_launch *l = t->launch;
	bool priv = l->flags & VSVM_LAUNCH_FLAG_PRIVILEGED;
	struct vsvm_fault_info fi;
	enum vsvm_fault_result res;
	struct vsvm_xlate xl;
	u64 bad_addr = 0;
	u8 fault_type = 0;
	int ret;

	if (va & (size - 1)) {
		vsvm_thread_error(t, VSVM_CHAN_ERR_MISALIGNED, va,
				  FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
					     access));
		return -EINVAL;
	}

	for (;;) {
		vsvm_mmu_access_begin(hw, eu->index);
		ret = vsvm_mmu_translate(hw, &l->pdb, va, access, priv, &xl,
					 &fault_type, &bad_addr);
		if (!ret) {
			if (op == VSVM_MEMOP_PREFETCH)
				ret = 0;
			else if (op == VSVM_MEMOP_FETCH_LINE && xl.sparse)
				memset(val, 0, VSVM_RV_FETCH_LINE);
			else if (op == VSVM_MEMOP_FETCH_LINE)
				ret = vsvm_mem_read(hw, xl.target,
						    xl.addr & ~(u64)(VSVM_RV_FETCH_LINE - 1),
						    val, VSVM_RV_FETCH_LINE);
			else if (xl.sparse)
				*val = op == VSVM_MEMOP_STORE ? *val : 0;
			else if (op == VSVM_MEMOP_LOAD)
				ret = vsvm_mem_load(hw, xl.target, xl.addr, size,
						    val);
			else if (op == VSVM_MEMOP_STORE)
				ret = vsvm_mem_store(hw, xl.target, xl.addr, size,
						     *val, GFP_KERNEL);
			else
				ret = vsvm_mem_amo(hw, xl.target, xl.addr, size,
						   op - VSVM_MEMOP_AMO, val[1],
						   val);
			vsvm_mmu_access_end(hw, eu->index);
			if (ret) {
				vsvm_thread_error(t, VSVM_CHAN_ERR_BAD_PHYS,
						  xl.addr,
						  FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
							     access));
				return -EIO;
			}
			return 0;
		}
		vsvm_mmu_access_end(hw, eu->index);

		if (ret == -EFAULT) {
			vsvm_thread_error(t, VSVM_CHAN_ERR_BAD_PHYS, bad_addr,
					  FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
						     access));
			return -EIO;
		}

		fi.va = va;
		fi.fault_type = fault_type;
		fi.access = access;
		fi.eu = eu->index;
		fi.inst_target = l->inst_target;
		fi.inst_addr = l->inst_addr;
		if (access == VSVM_FAULT_ACCESS_PREFETCH) {
			vsvm_fault_report_prefetch(hw, &fi);
			return 0;
		}

		res = vsvm_fault_stall(hw, &fi);
		if (res == VSVM_FAULT_REPLAY) {
			if (READ_ONCE(l->aborted))
				return -ECANCELED;
			continue;
		}
		if (res == VSVM_FAULT_SHUTDOWN) {
			vsvm_thread_error(t, VSVM_CHAN_ERR_MMU_FAULT, va, 0);
			return -ESHUTDOWN;
		}
		vsvm_thread_error(t, VSVM_CHAN_ERR_MMU_FAULT, va,
				  FIELD_PREP(VSVM_CHAN_ERR_INFO_ACCESS_TYPE,
					     access) |
				  FIELD_PREP(VSVM_CHAN_ERR_INFO_FAULT_TYPE,
					     fault_type) |
				  (res == VSVM_FAULT_NONREPLAYABLE ?
				   VSVM_CHAN_ERR_INFO_NONREPLAYABLE : 0));
		return -EFAULT;
	}
}

static int vsvm_eu_thread(void *data)
{
	struct vsvm_eu *eu = data;
	struct vsvm_exec *ex = &eu->hw->exec;
	struct vsvm_hw_job job = {};

	while (!kthread_should_stop()) {
		wait_event_idle(ex->wq, kthread_should_stop() ||
				vsvm_exec_pick(ex, &job));
		if (kthread_should_stop())
			break;
		if (job.load) {
			vsvm_exec_load(eu, job.ch);
		} else if (job.finish) {
			vsvm_exec_finish(eu->hw, job.ch);
		} else {
			vsvm_rv64_run_group(eu, &ex->chan[job.ch], job.tid);
			vsvm_exec_thread_done(eu, job.ch);
		}
	}
	return 0;
}

/**
 * vsvm_exec_init() - create the channels and start the execution units
 * @hw: the device (num_eus and name set; MMU and fault unit ready)
 *
 * Return: 0, -ENOMEM, or the error of kthread_run().
 */
int vsvm_exec_init(struct vsvm_hw *hw)
{
	struct vsvm_exec *ex = &hw->exec;
	struct task_struct *task;
	unsigned int i;

	spin_lock_init(&ex->lock);
	init_waitqueue_head(&ex->wq);
	ex->insn_budget = VSVM_DEFAULT_INSN_BUDGET;
	ex->eus = kcalloc(hw->num_eus, sizeof(*ex->eus), GFP_KERNEL);
	if (!ex->eus)
		return -ENOMEM;

	for (i = 0; i < hw->num_eus; i++) {
		ex->eus[i].hw = hw;
		ex->eus[i].index = i;
		if (vsvm_rv64_alloc(&ex->eus[i])) {
			vsvm_exec_fini(hw);
			return -ENOMEM;
		}
		task = kthread_run(vsvm_eu_thread, &ex->eus[i], "%s-eu%u",
				   hw->name, i);
		if (IS_ERR(task)) {
			vsvm_rv64_free(&ex->eus[i]);
			vsvm_exec_fini(hw);
			return PTR_ERR(task);
		}
		ex->eus[i].task = task;
		ex->num_eus = i + 1;
	}
	return 0;
}

/**
 * vsvm_exec_fini() - stop the execution units
 * @hw: the device; vsvm_fault_shutdown() must have been called so that
 *	stalled units return
 */
void vsvm_exec_fini(struct vsvm_hw *hw)
{
	struct vsvm_exec *ex = &hw->exec;
	unsigned int i;

	for (i = 0; i < ex->num_eus; i++) {
		kthread_stop(ex->eus[i].task);
		vsvm_rv64_free(&ex->eus[i]);
	}
	ex->num_eus = 0;
	kfree(ex->eus);
	ex->eus = NULL;
}

/**
 * vsvm_exec_reg() - is @reg a compute-engine register?
 * @reg: register offset
 *
 * Return: true for the registers vsvm_exec_rd32()/wr32() handle.
 */
bool vsvm_exec_reg(u32 reg)
{
	if (reg >= NV_PCCSR_CHANNEL_INST(0) &&
	    reg < NV_PCCSR_CHANNEL_INST(VSVM_NUM_CHANNELS))
		return !(reg & 7);
	if (reg >= VSVM_CHAN_BASE &&
	    reg < VSVM_CHAN_BASE + VSVM_NUM_CHANNELS * VSVM_CHAN_STRIDE)
		return (reg - VSVM_CHAN_BASE) % VSVM_CHAN_STRIDE <= 0x34;
	return reg == VSVM_CHAN_INTR(0) || reg == VSVM_CHAN_INTR(1) ||
	       reg == VSVM_CFG_INSN_BUDGET;
}

/**
 * vsvm_exec_rd32() - read a compute-engine register
 * @hw: the device
 * @reg: register offset (vsvm_exec_reg() is true)
 *
 * Return: the value.
 */
u32 vsvm_exec_rd32(struct vsvm_hw *hw, u32 reg)
{
	struct vsvm_exec *ex = &hw->exec;
	struct vsvm_hw_channel *ch;
	unsigned long flags;
	u32 val = 0;

	spin_lock_irqsave(&ex->lock, flags);
	if (reg == VSVM_CFG_INSN_BUDGET) {
		val = ex->insn_budget;
	} else if (reg == VSVM_CHAN_INTR(0) || reg == VSVM_CHAN_INTR(1)) {
		val = ex->chan_intr[(reg - VSVM_CHAN_INTR(0)) / 4];
	} else if (reg < VSVM_CHAN_BASE) {
		val = ex->chan[(reg - NV_PCCSR_CHANNEL_INST(0)) / 8].inst;
	} else {
		ch = &ex->chan[(reg - VSVM_CHAN_BASE) / VSVM_CHAN_STRIDE];
		switch ((reg - VSVM_CHAN_BASE) % VSVM_CHAN_STRIDE) {
		case 0x00:
			val = ch->launch_lo;
			break;
		case 0x04:
			val = ch->launch_hi;
			break;
		case 0x0c:
			val = (ch->state != VSVM_CHAN_IDLE || ch->q_count ?
			       VSVM_CHAN_STATUS_BUSY : 0) |
			      (ch->err_code ? VSVM_CHAN_STATUS_ERROR : 0) |
			      FIELD_PREP(VSVM_CHAN_STATUS_QUEUED, ch->q_count);
			break;
		case 0x10:
			val = ch->seq_done;
			break;
		case 0x14:
			val = ch->err_code;
			break;
		case 0x18:
			val = lower_32_bits(ch->err_addr);
			break;
		case 0x1c:
			val = upper_32_bits(ch->err_addr);
			break;
		case 0x20:
			val = ch->err_info;
			break;
		case 0x24:
			val = lower_32_bits(ch->err_pc);
			break;
		case 0x28:
			val = upper_32_bits(ch->err_pc);
			break;
		case 0x2c:
			val = ch->err_seq;
			break;
		case 0x30:
			val = ch->drain ? VSVM_CHAN_CTRL_DRAIN : 0;
			break;
		default: /* DOORBELL is write-only */
			break;
		}
	}
	spin_unlock_irqrestore(&ex->lock, flags);
	return val;
}

/* Called with exec->lock held. */
static bool vsvm_exec_doorbell_locked(struct vsvm_exec *ex,
				      struct vsvm_hw_channel *ch, u32 seq)
{
	struct vsvm_queued_launch *q;

	if (ch->q_count == VSVM_CHAN_QUEUE_DEPTH) {
		if (ch->err_code == VSVM_CHAN_ERR_NONE) {
			ch->err_code = VSVM_CHAN_ERR_QUEUE_FULL;
			ch->err_seq = seq;
		}
		return false;
	}
	q = &ch->queue[(ch->q_head + ch->q_count) % VSVM_CHAN_QUEUE_DEPTH];
	q->seq = seq;
	q->desc_target = FIELD_GET(VSVM_CHAN_LAUNCH_LO_APERTURE, ch->launch_lo);
	q->desc_addr = (u64)ch->launch_hi << 32 |
		       (ch->launch_lo & VSVM_CHAN_LAUNCH_LO_ADDR);
	q->inst = ch->inst;
	ch->q_count++;
	return true;
}

/**
 * vsvm_exec_wr32() - write a compute-engine register
 * @hw: the device
 * @reg: register offset (vsvm_exec_reg() is true)
 * @val: the value
 */
void vsvm_exec_wr32(struct vsvm_hw *hw, u32 reg, u32 val)
{
	struct vsvm_exec *ex = &hw->exec;
	struct vsvm_hw_channel *ch;
	bool wake = false, kill = false, kill_sys = false;
	unsigned long flags;
	u64 kill_inst = 0;

	spin_lock_irqsave(&ex->lock, flags);
	if (reg == VSVM_CFG_INSN_BUDGET) {
		ex->insn_budget = val ? val : VSVM_DEFAULT_INSN_BUDGET;
	} else if (reg == VSVM_CHAN_INTR(0) || reg == VSVM_CHAN_INTR(1)) {
		ex->chan_intr[(reg - VSVM_CHAN_INTR(0)) / 4] &= ~val;
	} else if (reg < VSVM_CHAN_BASE) {
		ch = &ex->chan[(reg - NV_PCCSR_CHANNEL_INST(0)) / 8];
		ch->inst = val;
		ch->drain = false;
	} else {
		ch = &ex->chan[(reg - VSVM_CHAN_BASE) / VSVM_CHAN_STRIDE];
		switch ((reg - VSVM_CHAN_BASE) % VSVM_CHAN_STRIDE) {
		case 0x00:
			ch->launch_lo = val;
			break;
		case 0x04:
			ch->launch_hi = val;
			break;
		case 0x08:
			wake = vsvm_exec_doorbell_locked(ex, ch, val);
			break;
		case 0x14:
			ch->err_code = VSVM_CHAN_ERR_NONE;
			ch->err_addr = 0;
			ch->err_info = 0;
			ch->err_pc = 0;
			ch->err_seq = 0;
			break;
		case 0x30:	/* CTRL */
			ch->drain = val & VSVM_CHAN_CTRL_DRAIN;
			kill = val & VSVM_CHAN_CTRL_KILL;
			wake = true;
			break;
		case 0x34:	/* KILL_SEQ */
			kill = ch->launch.seq == val;
			break;
		default: /* read-only registers */
			break;
		}
		if (kill && (ch->state == VSVM_CHAN_LOADING ||
			     ch->state == VSVM_CHAN_RUNNING)) {
			vsvm_exec_error_locked(ch, VSVM_CHAN_ERR_KILLED, 0, 0, 0);
			kill_sys = ch->launch.inst_target != VSVM_TARGET_VID_MEM;
			kill_inst = ch->launch.inst_addr;
			wake = true;
		} else {
			kill = false;
		}
	}
	spin_unlock_irqrestore(&ex->lock, flags);
	/* Units stalled on the killed launch's faults stop waiting. */
	if (kill)
		vsvm_fault_cancel_instance(hw, kill_sys, kill_inst);
	if (wake)
		wake_up_all(&ex->wq);
}

/**
 * vsvm_exec_busy() - does any channel have a launch loading or running?
 * @hw: the device
 *
 * Return: true if so.
 */
bool vsvm_exec_busy(struct vsvm_hw *hw)
{
	struct vsvm_exec *ex = &hw->exec;
	unsigned long flags;
	bool busy = false;
	unsigned int c;

	spin_lock_irqsave(&ex->lock, flags);
	for (c = 0; c < VSVM_NUM_CHANNELS && !busy; c++)
		busy = ex->chan[c].state != VSVM_CHAN_IDLE;
	spin_unlock_irqrestore(&ex->lock, flags);
	return busy;
}

/**
 * vsvm_exec_intr_status() - channel bit of VSVM_PMC_INTR
 * @hw: the device
 *
 * Return: VSVM_PMC_INTR_CHANNEL if a VSVM_CHAN_INTR bit is set, else 0.
 */
u32 vsvm_exec_intr_status(struct vsvm_hw *hw)
{
	struct vsvm_exec *ex = &hw->exec;
	unsigned long flags;
	u32 status;

	spin_lock_irqsave(&ex->lock, flags);
	status = (ex->chan_intr[0] | ex->chan_intr[1]) ?
		 VSVM_PMC_INTR_CHANNEL : 0;
	spin_unlock_irqrestore(&ex->lock, flags);
	return status;
}
