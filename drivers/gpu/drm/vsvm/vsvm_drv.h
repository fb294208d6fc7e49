/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vsvm: DRM driver of the virtual GPU in hw/, with shared virtual memory on
 * device-format HMM.
 *
 * A file holds GPU address spaces (struct vsvm_vm, "VMs"): the one made at
 * open (id 0) and those of DRM_IOCTL_VSVM_VM_CREATE. A VM is the page
 * tables, the process mirror and the fault queue; a channel runs in one.
 *
 * GPU faults are served per VM: the device's fault dispatcher only reads
 * the fault buffer and queues each packet to the VM of the channel that
 * owns its instance block; each VM's worker serves its own queue. No lock
 * is held across hmm_range_fault() but the VM's own vsvm_vmm.lock, so a
 * fault that sleeps for ever (a FUSE or NFS page) stalls only its VM.
 *
 * Objects and their locks (outermost first):
 *
 *   vsvm_device.dma_lock (mutex): the lists of VMs and channels and the
 *	freeing of their DMA memory (page tables, instance blocks, launch
 *	descriptors), which either the object's release or the unbind of the
 *	device does, whichever comes first (vsvm_unplug.c); taken outside
 *	vsvm_vmm.lock and vsvm_svmm.mutex.
 *   vsvm_vmm.lock (mutex): the shape of a page-table tree (which tables
 *	exist), held by the fault and bind paths from table allocation to
 *	the PTE writes (it covers hmm_range_fault(), so it nests outside the
 *	mmap lock). Page-table pages are only allocated under it, never under
 *	vsvm_svmm.mutex, because the CPU's invalidation callbacks (which take
 *	that mutex) may run from memory reclaim. Freeing empty tables takes
 *	both.
 *   vsvm_svmm.mutex (mutex): the values of the PTEs; the "driver lock" of
 *	Documentation/mm/hmm.rst, taken by the invalidation callback and by
 *	the fault path around mmu_interval_read_retry() and the PTE writes.
 *   vsvm_device.inst_xa's lock (spinlock): the instance table. The
 *	dispatcher looks a packet's VM up and queues it (taking
 *	vsvm_fault_queue.lock, a VM's queued faults, inside), and a
 *	targeted cancel is sent (taking vsvm_device.reg_lock inside), under
 *	it; a channel leaves the table before it drops its VM, so neither
 *	acts on a VM or an instance block that is gone.
 *   vsvm_device.reg_lock (spinlock): multi-register sequences (TLB
 *	invalidate, replay and cancel).
 *   vsvm_device.chan_lock (spinlock, taken with interrupts off: the channel
 *	interrupt takes it in hard interrupt context): the hardware channel
 *	table.
 *   vsvm_channel.lock (spinlock): a channel's sequence numbers, doorbell
 *	and pending fences.
 *   vsvm_fence_ctx.lock (spinlock): the lock of a channel's fences, in a
 *	refcounted object of its own: a fence (kept by a sync_file, say)
 *	may outlive its channel and its file.
 *
 * vsvm_file.lock (mutex) keeps a channel of the file's table alive while an
 * ioctl uses it; it is taken killably and never held across a wait for GPU
 * work. The file's VM table is an xarray under its own lock; an ioctl
 * takes a reference on the VM it names (vsvm_vm_lookup()).
 *
 * Lifetime, by references (each object holds the next one):
 *   channel -> VM -> file -> module.
 * A channel is held by its file's channel table, by an ioctl waiting on it
 * and by its user-fence writer while queued or running. A VM is held by
 * its file's VM table (until DRM_IOCTL_VSVM_VM_DESTROY or close), by each
 * channel that runs in it and by its fault worker while queued or running;
 * the last reference tears down the mirror and the page tables. The file
 * (its owner, counters and user-fence waiters) is held by the DRM file and
 * by each VM. Closing a file detaches and stops its channels and drops the
 * table and DRM references, so it never waits for a fault being served or
 * a user fence being written.
 *
 * Unbind (vsvm_unplug.c): every path that touches the GPU's registers, its
 * page tables or the DMA mappings of the mirror runs inside
 * drm_dev_enter(), so once drm_dev_unplug() has returned nothing else does,
 * and the unbind undoes every DMA mapping and allocation of the device
 * while files may still be open; what is left of them then only frees CPU
 * memory.
 */
#ifndef _VSVM_DRV_H_
#define _VSVM_DRV_H_

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <linux/dma-fence.h>
#include <linux/hmm.h>
#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/memremap.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "hw/vsvm_hw.h"
#include "hw/vsvm_regs.h"

#define VSVM_FAULT_BUFFER_ENTRIES	256
#define VSVM_LAUNCH_SLOTS		VSVM_CHAN_QUEUE_DEPTH
/* Channels one file may hold, of the device's VSVM_NUM_CHANNELS. */
#define VSVM_FILE_MAX_CHANNELS		16
/* VMs one file may hold, the one made at open included. */
#define VSVM_FILE_MAX_VMS		16
/* Default fault-ahead block (debugfs fault_ahead_kib). */
#define VSVM_FAULT_AHEAD_KIB_DEFAULT	256
/* Thrash detection (vsvm_svm_placement.c), debugfs knobs. */
#define VSVM_THRASH_WINDOW_MS_DEFAULT	1000
#define VSVM_THRASH_PIN_MS_DEFAULT	2000
/* Default job timeout (debugfs job_timeout_ms), as drm_sched's 10 s. */
#define VSVM_JOB_TIMEOUT_MS_DEFAULT	10000
/* TLB invalidate: spin this long, then poll sleeping up to the timeout. */
#define VSVM_TLB_FLUSH_SPIN_US		100
#define VSVM_TLB_FLUSH_TIMEOUT_US	1000000
/* How long closing a file waits for its killed launches to stop. */
#define VSVM_CHANNEL_STOP_TIMEOUT_MS	10000
/* Default of the per-file page-table limit (debugfs page_table_limit). */
#define VSVM_FILE_PAGE_TABLES_DEFAULT	16384	/* 64 MiB, 32 GiB at 4 KiB */

/**
 * struct vsvm_dma_pages - driver memory the GPU reaches by DMA (vsvm_dma.c)
 * @vaddr: its CPU address
 * @dma: its DMA address for the bus device, the address the GPU is given
 * @size: bytes
 */
struct vsvm_dma_pages {
	void *vaddr;
	dma_addr_t dma;
	size_t size;
};

/**
 * struct vsvm_pt - one page-table page of a GPU address space
 * @mem: the table (system memory, read by the GPU by DMA address)
 * @entries: its CPU mapping
 * @child: for directory levels, the next-level tables (NULL for leaves)
 * @next_free: link in the list of tables a trim frees
 */
struct vsvm_pt {
	struct vsvm_dma_pages mem;
	u64 *entries;
	struct vsvm_pt **child;
	struct vsvm_pt *next_free;
};

/**
 * struct vsvm_stale - PTEs taken out of the page tables whose DMA mappings
 *	are still to be undone
 * @entries: the entries, as hmm_range_fault() wrote them (a 2 MiB PTE with
 *	VSVM_PTE_HUGE set again); room for one window's worth
 * @n: how many @entries hold
 * @start: first address of the range they came from
 * @end: end of that range (exclusive)
 *
 * Filled by vsvm_vmm_unmap() and emptied by vsvm_vmm_unmap_stale() once the
 * GPU TLB no longer holds them: until then the GPU may still reach the
 * pages, so their IOVAs must not be given back. Protected by the svmm mutex.
 */
struct vsvm_stale {
	u64 *entries;
	unsigned int n;
	u64 start, end;
};

/**
 * struct vsvm_vmm - a GPU address space in MMU format version 2
 * @lock: protects the tree's shape (see the top of this file)
 * @pd3: the root (PD3), also the page directory base of the channels
 * @trim: an unmap may have left tables empty (set under the PTE lock,
 *	acted upon under @lock)
 * @tables: page-table pages allocated, counted with those of the other
 *	address spaces that share the counter (a file's VMs)
 * @max_tables: most page-table pages the counter may reach (0: no
 *	limit), read before every allocation
 * @vdev: the device, whose bus device the tables are mapped for
 * @fmt: the HMM format of the PTEs, with the DMA device that mapped them
 *
 * Page tables are charged to the memory cgroup of the task that makes the
 * GPU fault or bind that needs them.
 */
struct vsvm_vmm {
	struct mutex lock;	/* the tree's shape */
	struct vsvm_pt *pd3;
	bool trim;
	atomic_t *tables;
	const u32 *max_tables;
	struct vsvm_device *vdev;
	const struct hmm_pfn_format *fmt;
};

/**
 * struct vsvm_stats - per-file counters, shown in fdinfo
 * @faults: fault packets of this file's channels
 * @batches: fault batches that contained them
 * @replays: replays issued for those batches
 * @cancels: faults cancelled
 * @hmm_calls: hmm_range_fault() calls
 * @hmm_ns: time spent in those calls (the CPU page-table walk, faulting
 *	pages in and DMA-mapping them)
 * @fault_ns: time the fault workers spent serving batches, from taking a
 *	batch to its replay
 * @pages_4k: 4 KiB PTEs that became valid or changed
 * @pages_2m: 2 MiB PTEs that became valid or changed
 * @notifier_calls: CPU invalidations that entered the driver
 * @invalidations: CPU invalidations that reached the GPU page tables
 * @engine_ns: time the file's channels had launches in flight, summed
 *	over its channels (launches that ended; fdinfo adds the current)
 * @ufence_faults: user fences that could not be written (record unmapped)
 * @thrash_pins: windows that thrash detection kept in system memory
 */
struct vsvm_stats {
	atomic64_t faults;
	atomic64_t batches;
	atomic64_t replays;
	atomic64_t cancels;
	atomic64_t hmm_calls;
	atomic64_t hmm_ns;
	atomic64_t fault_ns;
	atomic64_t notifier_calls;
	atomic64_t pages_4k;
	atomic64_t pages_2m;
	atomic64_t invalidations;
	atomic64_t engine_ns;
	atomic64_t ufence_faults;
	atomic64_t thrash_pins;
};

struct vsvm_device;
struct vsvm_file;
struct vsvm_vm;

/**
 * struct vsvm_copy - the driver's side of the copy engine (vsvm_copy.c)
 * @lock: one submission at a time; protects @put and @seq
 * @wq: the submitter waits here for the copy-engine interrupt
 * @ring: the command ring
 * @put: index of the next command to write
 * @seq: sequence number of the last command written
 */
struct vsvm_copy {
	struct mutex lock;	/* submissions */
	wait_queue_head_t wq;
	struct vsvm_dma_pages ring;
	unsigned int put;
	u32 seq;
};

/**
 * struct vsvm_copy_op - one copy-engine command
 * @src: source address (system: DMA address; VRAM: offset); unused by a
 *	fill, whose pattern is 0
 * @dst: destination address
 * @len: bytes
 * @src_target: VSVM_TARGET_* of @src
 * @dst_target: VSVM_TARGET_* of @dst
 * @fill: write zeroes instead of copying
 */
struct vsvm_copy_op {
	u64 src;
	u64 dst;
	u64 len;
	u8 src_target;
	u8 dst_target;
	bool fill;
};

/**
 * struct vsvm_vram_account - the VRAM a file put there, for its fdinfo
 * @ref: the file's reference and one per VRAM page it migrated there
 * @pages: VRAM pages it holds now
 * @to_vram_ops: migration steps that moved pages to VRAM
 * @to_vram_pages: pages moved there
 * @to_ram_ops: migration steps that moved its pages back
 * @to_ram_pages: pages moved back (CPU faults, migration, eviction)
 * @evicted_pages: of those, pages moved back to make room
 *
 * A VRAM page names the account in its zone_device_data from its
 * allocation to its free, which may come after the file is closed (the
 * process still maps the page): the page then keeps the account.
 */
struct vsvm_vram_account {
	struct kref ref;
	atomic64_t pages;
	atomic64_t to_vram_ops;
	atomic64_t to_vram_pages;
	atomic64_t to_ram_ops;
	atomic64_t to_ram_pages;
	atomic64_t evicted_pages;
};

/**
 * struct vsvm_dmem_chunk - a 2 MiB chunk of VRAM, the unit of eviction
 * @lru: in vsvm_dmem.lru while it holds pages and is not being evicted
 * @used: pages of it allocated
 * @gen: the migration call that last took a page of it
 * @evicting: an eviction works on it
 */
struct vsvm_dmem_chunk {
	struct list_head lru;
	u32 used;
	bool evicting;
	u64 gen;
};

/**
 * struct vsvm_dmem - the VRAM as device-private memory (vsvm_dmem.c)
 * @pagemap: the one pagemap over the whole VRAM; its owner is the device
 * @res: the physical range reserved for it
 * @first_pfn: pfn of VRAM offset 0
 * @npages: VRAM pages; 0 while there is no pagemap (no migration then)
 * @lock: protects @used, @hint, the chunks' fields and @lru (a
 *	spinlock taken with interrupts off: page_free() runs in any context)
 * @used: bitmap of the VRAM pages in use
 * @hint: where the next allocation starts looking
 * @chunks: the 2 MiB chunks of VRAM
 * @lru: chunks holding pages, least recently filled first
 * @gen: numbers the migration calls, for &vsvm_dmem_chunk.gen
 * @pages_used: VRAM pages in use (debugfs vram_pages_used)
 * @migrated_to_vram: pages migrated to VRAM (debugfs)
 * @migrated_to_ram: pages migrated back, by the CPU's faults, by
 *	DRM_IOCTL_VSVM_SVM_BIND or by eviction (debugfs)
 * @evicted: of those, pages evicted to make room (debugfs vram_evicted)
 */
struct vsvm_dmem {
	struct dev_pagemap pagemap;
	struct resource *res;
	unsigned long first_pfn;
	unsigned long npages;
	spinlock_t lock;	/* used, hint, chunks, lru */
	unsigned long *used;
	unsigned long hint;
	struct vsvm_dmem_chunk *chunks;
	struct list_head lru;
	atomic64_t gen;
	atomic64_t pages_used;
	atomic64_t migrated_to_vram;
	atomic64_t migrated_to_ram;
	atomic64_t evicted;
};

/**
 * struct vsvm_range - a 2 MiB window of the mirror that the GPU maps
 * @notifier: interval notifier over the window
 * @svmm: the mirror
 * @start: first address of the window
 * @mof_last_ns: when a GPU fault last migrated the window to VRAM
 * @mof_count: such migrations in a row, each within the thrash window of
 *	the one before
 * @pinned_until_ns: thrash detection keeps the window in system memory
 *	until then
 *
 * Created by the first fault or BIND in the window (under vsvm_vmm.lock),
 * removed once the window maps nothing (trim) and when the mirror goes.
 * The thrash fields are read and written under vsvm_vmm.lock.
 */
struct vsvm_range {
	struct mmu_interval_notifier notifier;
	struct vsvm_svmm *svmm;
	u64 start;
	u64 mof_last_ns;
	u32 mof_count;
	u64 pinned_until_ns;
};

/**
 * struct vsvm_attr_range - memory attributes over an address range
 * @it: the range, in vsvm_svm_attrs.tree (@it.last inclusive)
 * @loc: DRM_VSVM_LOC_*, never DRM_VSVM_LOC_DEFAULT with no flag
 * @flags: DRM_VSVM_ATTR_*
 */
struct vsvm_attr_range {
	struct interval_tree_node it;
	u32 loc;
	u32 flags;
};

struct vsvm_attr_notifier;

/**
 * struct vsvm_svm_attrs - the memory attributes of a mirror
 * @lock: protects @tree and @count (a spinlock: munmap()'s invalidation
 *	drops attributes, from any context)
 * @tree: struct vsvm_attr_range, none overlapping
 * @count: ranges in @tree
 * @set_lock: serializes DRM_IOCTL_VSVM_SVM_ATTR's changes and @notifier
 * @notifier: interval notifier over every address that ever had
 *	attributes, to see munmap(); NULL until the first
 */
struct vsvm_svm_attrs {
	spinlock_t lock;	/* tree, count */
	struct rb_root_cached tree;
	unsigned int count;
	struct mutex set_lock;	/* SET, notifier */
	struct vsvm_attr_notifier *notifier;
};

/**
 * struct vsvm_svmm - the mirror of one process in one VM
 * @vm: the VM
 * @mm: the mirrored process's mm (mmgrab()ed)
 * @ranges: window index (address >> 21) -> struct vsvm_range, changed
 *	under vsvm_vmm.lock
 * @mutex: protects the PTE values, see the top of this file
 * @limit: end of the mirrored range: the lower of the process's task size
 *	and the GPU's virtual address space; the notifier, BIND, EXEC and
 *	faults all use it
 * @lr_mode: long-running mode: GPU faults are served, and launches
 *	complete by user fence only (include/uapi/drm/vsvm_drm.h)
 * @unmanaged_start: start of the window that does not mirror the process
 * @unmanaged_end: its end (exclusive); equal to the start if none
 * @trim_work: gives back page tables after a munmap()
 * @stale: PTEs an invalidation cleared whose DMA mappings are still to be
 *	undone (under @mutex): left over only when the TLB flush of a
 *	non-blocking invalidation did not complete
 * @attrs: memory attributes (vsvm_svm_placement.c)
 */
struct vsvm_svmm {
	struct vsvm_vm *vm;
	struct mm_struct *mm;
	struct xarray ranges;
	struct work_struct trim_work;
	struct mutex mutex;	/* PTE values */
	u64 limit;
	bool lr_mode;
	u64 unmanaged_start;
	u64 unmanaged_end;
	struct vsvm_stale stale;
	struct vsvm_svm_attrs attrs;
};

/**
 * struct vsvm_chan_error - the first error a channel met
 * @code: DRM_VSVM_CHANNEL_ERR_*
 * @access: access type
 * @fault_type: NVIDIA fault type
 * @addr: faulting address
 * @pc: failing instruction
 * @seq: failing launch
 */
struct vsvm_chan_error {
	u32 code;
	u32 access;
	u32 fault_type;
	u64 addr;
	u64 pc;
	u32 seq;
};

/**
 * struct vsvm_fence_ctx - what the fences of one channel share
 * @ref: one reference held by the channel, one by every fence
 * @lock: the fences' lock
 * @context: their dma-fence context
 *
 * Holds a reference on the module, so that the fence ops stay while any
 * fence exists (a sync_file can keep one after the file is closed).
 */
struct vsvm_fence_ctx {
	struct kref ref;
	spinlock_t lock;	/* the fences */
	u64 context;
};

/**
 * struct vsvm_channel - a hardware channel owned by a file
 * @vdev: the device
 * @vf: the owning file (@vm's)
 * @vm: the VM it runs in; the channel holds a reference on it
 * @ref: one reference held by the file's table, one by each ioctl that
 *	waits on the channel without the file lock, one by @ufence_work
 *	while queued; the last frees it.
 * @id: hardware channel number
 * @handle: handle in the file
 * @inst: instance block page (names its VM's page directory); its DMA
 *	address is the channel's key in vsvm_device.inst_xa
 * @desc: launch descriptor slots (VSVM_LAUNCH_SLOTS of 128 bytes)
 * @lock: protects @next_seq, @pending, @err and the doorbell
 * @next_seq: sequence number of the next launch
 * @pending: launches not yet completed (struct vsvm_job), in order
 * @npending: number of entries of @pending
 * @ufence_done: launches that ended whose user fence is yet to be written
 *	(under @lock)
 * @ufence_work: writes them (vsvm_device.file_wq); queued or running, it
 *	holds a reference on the channel
 * @wq: woken when a launch completes
 * @fences: the fences' context and lock
 * @dying: being destroyed: no more launches (set under vsvm_file.lock)
 * @timeout_work: ends the oldest launch when it outlives the job timeout
 * @timeout_seq: the launch @timeout_work was armed for (under @lock)
 * @timed_out_seq: the last launch the timeout killed (under @lock)
 * @busy_since: when the channel last went from no launch in flight to
 *	some, or last completed one with more in flight (under @lock)
 * @err: first error since created or cleared
 * @dev_link: in vsvm_device.channels while @inst and @desc exist (dma_lock)
 */
struct vsvm_channel {
	struct vsvm_device *vdev;
	struct list_head dev_link;
	struct vsvm_file *vf;
	struct vsvm_vm *vm;
	struct kref ref;
	u32 id;
	u32 handle;
	struct vsvm_dma_pages inst;
	struct vsvm_dma_pages desc;
	spinlock_t lock;	/* seqs, pending, err, doorbell */
	u32 next_seq;
	struct list_head pending;
	unsigned int npending;
	struct list_head ufence_done;
	struct work_struct ufence_work;
	wait_queue_head_t wq;
	struct vsvm_fence_ctx *fences;
	bool dying;
	struct delayed_work timeout_work;
	u32 timeout_seq;
	u32 timed_out_seq;
	ktime_t busy_since;
	struct vsvm_chan_error err;
};

/**
 * struct vsvm_fault - one decoded fault packet
 * @inst: instance block address
 * @inst_sys: the instance block is in system memory
 * @addr: faulting address (page)
 * @access: access type
 * @fault_type: NVIDIA fault type
 * @gpc: GPC_ID (the execution unit)
 * @client: client id
 * @hub: client type is HUB
 * @done: serviced or cancelled
 */
struct vsvm_fault {
	u64 inst;
	bool inst_sys;
	u64 addr;
	u32 access;
	u32 fault_type;
	u32 gpc;
	u32 client;
	bool hub;
	bool done;
};

/**
 * struct vsvm_fault_queue - the GPU faults of one VM, and its worker
 * @lock: protects @pending, @npending and @closed
 * @pending: packets the dispatcher queued, vsvm_device.fault_entries at
 *	most (more are dropped: the worker's replay raises them again)
 * @npending: entries of @pending
 * @closed: the VM is going: nothing more is queued
 * @batch: the worker's copy of @pending
 * @req: the worker's request, output and installed words for one 2 MiB
 *	window (three runs of VSVM_WINDOW_PAGES)
 * @work: the worker (vsvm_device.file_wq); queued or running, it
 *	holds a reference on the VM
 *
 * Everything is allocated when the VM is made (charged to the caller),
 * so that serving faults allocates nothing but page tables.
 */
struct vsvm_fault_queue {
	spinlock_t lock;	/* pending, npending, closed */
	struct vsvm_fault *pending;
	unsigned int npending;
	bool closed;
	struct vsvm_fault *batch;
	unsigned long *req;
	struct work_struct work;
};

/**
 * struct vsvm_vm - a GPU address space of a file, and its process mirror
 * @vdev: the device
 * @vf: the file it was made in; the VM holds a reference on it
 * @ref: see "Lifetime" at the top of this file
 * @id: its id in the file (0 for the one made at open)
 * @vmm: the page tables
 * @svmm: the process mirror, NULL until DRM_IOCTL_VSVM_SVM_INIT
 * @faults: its GPU faults waiting to be served, and their worker
 * @dev_link: in vsvm_device.vms while its page tables exist (dma_lock)
 */
struct vsvm_vm {
	struct vsvm_device *vdev;
	struct vsvm_file *vf;
	struct kref ref;
	u32 id;
	struct list_head dev_link;
	struct vsvm_vmm vmm;
	struct vsvm_svmm *svmm;
	struct vsvm_fault_queue faults;
};

/**
 * struct vsvm_file - per-open state
 * @vdev: the device
 * @ref: references: the DRM file's and each VM's (see the top)
 * @owner: the process (its mm, mmgrab()ed) the file is bound to: the first
 *	one to call SVM_INIT or CHANNEL_CREATE. Only it may use the file's
 *	VMs, channels, launches and errors; NULL until then
 * @vms: id -> struct vsvm_vm, each holding a reference of the table
 * @page_tables: page-table pages of all its VMs
 * @lock: keeps a channel of @channels alive while an ioctl uses it
 * @channels: handle -> struct vsvm_channel
 * @ufence_wq: DRM_IOCTL_VSVM_WAIT_USER_FENCE waiters
 * @ufence_seq: bumped after each batch of user fences is written
 * @stats: counters for fdinfo, summed over its VMs and channels
 * @vram: the VRAM its migrations put there, for fdinfo
 */
struct vsvm_file {
	struct vsvm_device *vdev;
	struct kref ref;
	struct mm_struct *owner;
	struct xarray vms;
	atomic_t page_tables;
	struct mutex lock;	/* channel lifetime in ioctls */
	struct xarray channels;
	wait_queue_head_t ufence_wq;
	atomic_t ufence_seq;
	struct vsvm_stats stats;
	struct vsvm_vram_account *vram;
};

/**
 * struct vsvm_device - the DRM device
 * @drm: the DRM device; drm.dev is the bus device, for every DMA
 * @hw: the virtual GPU
 * @svm_format: hmm_range_fault()'s output format: GP100 PTEs holding DMA
 *	addresses of drm.dev
 * @reg_lock: multi-register sequences
 * @chan_lock: protects @chans
 * @chans: hardware channel number -> channel
 * @inst_xa: instance block PFN -> channel, for fault packets
 * @fault_wq: runs @fault_work
 * @fault_work: the fault dispatcher
 * @file_wq: runs the files' fault workers and the channels' user-fence
 *	writers (unbound: they sleep in hmm_range_fault() and in user
 *	memory faults)
 * @fault_buf: the replayable fault buffer
 * @fault_entries: packets the buffer holds (module parameter)
 * @fault_overflows: batches that found the buffer had overflowed
 * @faults: the dispatcher's copy of the buffer
 * @page_table_limit: page-table pages one file may hold, in all its VMs
 *	(debugfs)
 * @job_timeout_ms: how long a launch may be the oldest of its channel
 *	before it is killed (debugfs; 0 for no limit)
 * @fault_batch_max: most faults served per batch, each batch ending in
 *	one replay (debugfs; clamped to 1..@fault_entries)
 * @fault_ahead_kib: a fault asks for its naturally aligned block of this
 *	size (debugfs; KiB, power of two, 4..2048, 4 = the faulting page)
 * @inject_stale_tlb: fault injection (debugfs, 0 or 1): CPU invalidations
 *	clear the PTEs and undo their DMA mappings but leave the GPU TLB as
 *	it is, so that the GPU may still use the old translations (the IOMMU
 *	must then stop it)
 * @thrash_window_ms: GPU-fault migrations of a window to VRAM closer
 *	together than this count as thrashing (debugfs)
 * @thrash_pin_ms: how long a thrashing window stays in system memory
 *	(debugfs)
 * @dma_translated: 1 if the GPU's DMA addresses are IOVAs of a translating
 *	IOMMU domain, 0 if physical (debugfs)
 * @vram_size: device memory size
 * @num_eus: execution units
 * @isa_version: ISA version
 * @page_sizes: supported page sizes
 * @va_bits: GPU virtual address bits
 * @copy: the copy engine's ring
 * @dmem: the VRAM as device-private pages
 * @dma_lock: protects @vms, @channels and @dma_gone (see the top)
 * @vms: VMs whose page tables exist
 * @channels: channels whose instance block and descriptors exist
 * @dma_gone: the device was unbound: its DMA memory is all freed, and no
 *	VM or channel can be made
 * @unplugging: the device is being unbound: waits for launch slots and
 *	user fences end with -ENODEV
 */
struct vsvm_device {
	struct drm_device drm;
	struct vsvm_hw *hw;
	struct hmm_pfn_format svm_format;
	spinlock_t reg_lock;	/* register sequences */
	spinlock_t chan_lock;	/* chans */
	struct vsvm_channel *chans[VSVM_NUM_CHANNELS];
	struct xarray inst_xa;
	struct workqueue_struct *fault_wq;
	struct work_struct fault_work;
	struct workqueue_struct *file_wq;
	struct vsvm_dma_pages fault_buf;
	unsigned int fault_entries;
	atomic64_t fault_overflows;
	struct vsvm_fault *faults;
	u32 page_table_limit;
	u32 job_timeout_ms;
	u32 fault_batch_max;
	u32 fault_ahead_kib;
	u32 inject_stale_tlb;
	u32 thrash_window_ms;
	u32 thrash_pin_ms;
	u32 dma_translated;
	u64 vram_size;
	u32 num_eus;
	u32 isa_version;
	u32 page_sizes;
	u32 va_bits;
	struct vsvm_copy copy;
	struct vsvm_dmem dmem;
	struct mutex dma_lock;	/* vms, channels, dma_gone */
	struct list_head vms;
	struct list_head channels;
	bool dma_gone;
	bool unplugging;
};

static inline struct vsvm_device *to_vsvm(struct drm_device *drm)
{
	return container_of(drm, struct vsvm_device, drm);
}

static inline u32 vsvm_rd32(struct vsvm_device *vdev, u32 reg)
{
	return vsvm_hw_rd32(vdev->hw, reg);
}

static inline void vsvm_wr32(struct vsvm_device *vdev, u32 reg, u32 val)
{
	vsvm_hw_wr32(vdev->hw, reg, val);
}

/* vsvm_drv.c */
int vsvm_file_owner_check(struct vsvm_file *vf, bool bind);
void vsvm_file_put(struct vsvm_file *vf);
int vsvm_user_extensions(u64 addr, int (*fn)(void *data, u32 name, u64 addr),
			 void *data);

/* vsvm_vm.c */
struct vsvm_vm *vsvm_vm_create(struct vsvm_file *vf);
struct vsvm_vm *vsvm_vm_lookup(struct vsvm_file *vf, u32 id);
void vsvm_vm_put(struct vsvm_vm *vm);
void vsvm_vms_close(struct vsvm_file *vf);
int vsvm_vm_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vsvm_vm_destroy_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);

/* vsvm_vmm.c */
int vsvm_vmm_init(struct vsvm_vmm *vmm, struct vsvm_device *vdev,
		  atomic_t *tables, const u32 *max_tables);
void vsvm_vmm_fini(struct vsvm_vmm *vmm);
void vsvm_vmm_free_tables(struct vsvm_vmm *vmm);
int vsvm_vmm_prepare(struct vsvm_vmm *vmm, u64 start, u64 end);
void vsvm_vmm_trim(struct vsvm_device *vdev, struct vsvm_vmm *vmm,
		   int (*flush)(struct vsvm_vmm *vmm, u64 start, u64 end));
void vsvm_vmm_map(struct vsvm_vmm *vmm, const struct hmm_pfn_format *fmt,
		  u64 start, const unsigned long *words, unsigned long npages,
		  struct vsvm_stats *stats);
bool vsvm_vmm_unmap(struct vsvm_vmm *vmm, u64 start, u64 end,
		    struct vsvm_stale *stale);
void vsvm_vmm_unmap_stale(struct vsvm_vmm *vmm, struct vsvm_stale *stale);
void vsvm_vmm_installed(struct vsvm_vmm *vmm, u64 start,
			unsigned long npages, unsigned long *installed);
void vsvm_vmm_unmap_replaced(struct vsvm_vmm *vmm, const unsigned long *words,
			     const unsigned long *installed,
			     unsigned long npages);
bool vsvm_vmm_window_used(struct vsvm_vmm *vmm, u64 va);
int vsvm_vmm_flush(struct vsvm_device *vdev, struct vsvm_vmm *vmm,
		   u64 start, u64 end, bool may_sleep);
dma_addr_t vsvm_vmm_pdb(struct vsvm_vmm *vmm);

/* vsvm_copy.c */
int vsvm_copy_init(struct vsvm_device *vdev);
void vsvm_copy_fini(struct vsvm_device *vdev);
void vsvm_copy_irq(struct vsvm_device *vdev);
int vsvm_copy_run(struct vsvm_device *vdev, const struct vsvm_copy_op *ops,
		  unsigned int n);

/* vsvm_dmem.c */
int vsvm_dmem_init(struct vsvm_device *vdev);
void vsvm_dmem_fini(struct vsvm_device *vdev);
bool vsvm_dmem_device_addr(struct page *page, u64 *addr);
void vsvm_dmem_mark_huge(const struct hmm_pfn_format *fmt, u64 start,
			 unsigned long *words, unsigned long npages);
struct vsvm_vram_account *vsvm_vram_account_create(void);
void vsvm_vram_account_put(struct vsvm_vram_account *acct);
int vsvm_dmem_migrate(struct vsvm_svmm *svmm, u64 start, u64 end,
		      bool to_vram);

/* vsvm_unplug.c */
void vsvm_device_unplug(struct vsvm_device *vdev);

/* vsvm_dma.c */
int vsvm_dma_pages_alloc(struct vsvm_device *vdev, struct vsvm_dma_pages *dp,
			 unsigned int order, gfp_t gfp);
void vsvm_dma_pages_free(struct vsvm_device *vdev, struct vsvm_dma_pages *dp);

/* Our HMM format works on 2 MiB windows (one PD0 entry). */
#define VSVM_WINDOW_SHIFT	21
#define VSVM_WINDOW_SIZE	BIT_ULL(VSVM_WINDOW_SHIFT)
#define VSVM_WINDOW_PAGES	(1UL << (VSVM_WINDOW_SHIFT - PAGE_SHIFT))
/* Request bits of our HMM format: GP100 KIND bits, never in an output. */
#define VSVM_REQ_READ		BIT_ULL(61)
#define VSVM_REQ_WRITE		BIT_ULL(60)
#define VSVM_PTE_HUGE		BIT_ULL(62)

/* vsvm_svm.c */
int vsvm_svm_init_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int vsvm_svm_bind_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
void vsvm_svm_fini(struct vsvm_vm *vm);
bool vsvm_svm_managed(const struct vsvm_svmm *svmm, u64 addr);
int vsvm_svm_map_range(struct vsvm_svmm *svmm, u64 start, u64 end,
		       const unsigned long *req, unsigned long *words,
		       unsigned long *installed);
void vsvm_svm_format_init(struct vsvm_device *vdev);
bool vsvm_svm_range_managed(const struct vsvm_svmm *svmm, u64 start, u64 end);
int vsvm_svm_check_range(struct vsvm_vm *vm, const struct vsvm_svmm *svmm,
			 u64 start, u64 end);
int vsvm_svm_flush(struct vsvm_vmm *vmm, u64 start, u64 end);
struct vsvm_vm *vsvm_svm_lookup(struct vsvm_file *vf, u32 vm_id, u64 start,
				u64 end, struct vsvm_svmm **svmm);

/* vsvm_svm_placement.c */
void vsvm_svm_attrs_init(struct vsvm_svmm *svmm);
void vsvm_svm_attrs_fini(struct vsvm_svmm *svmm);
int vsvm_svm_attr_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int vsvm_svm_query_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
void vsvm_svm_placement_fault(struct vsvm_svmm *svmm, u64 addr, u64 start,
			      u64 end);

/* vsvm_pagefault.c */
int vsvm_pagefault_init(struct vsvm_device *vdev);
void vsvm_pagefault_fini(struct vsvm_device *vdev);
void vsvm_pagefault_irq(struct vsvm_device *vdev);
int vsvm_fault_queue_init(struct vsvm_vm *vm);
void vsvm_fault_queue_close(struct vsvm_vm *vm);
void vsvm_fault_queue_fini(struct vsvm_vm *vm);

/* vsvm_channel.c */
int vsvm_channel_create_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file);
int vsvm_channel_destroy_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file);
int vsvm_channel_error_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file);
void vsvm_channels_detach(struct vsvm_file *vf);
void vsvm_channels_fini(struct vsvm_file *vf);
void vsvm_channel_irq(struct vsvm_device *vdev);
int vsvm_channels_stop(struct vsvm_vm *vm);
void vsvm_channel_release(struct kref *ref);
void vsvm_channel_put(struct vsvm_channel *chan);

/* vsvm_job.c */
struct vsvm_fence_ctx *vsvm_fence_ctx_create(void);
void vsvm_fence_ctx_put(struct vsvm_fence_ctx *ctx);
void vsvm_job_timeout_work(struct work_struct *work);
void vsvm_ufence_work(struct work_struct *work);
void vsvm_jobs_complete(struct vsvm_channel *chan);
void vsvm_jobs_abort(struct vsvm_channel *chan, int error);
u64 vsvm_channel_busy_ns(struct vsvm_channel *chan);
int vsvm_exec_ioctl(struct drm_device *drm, void *data,
		    struct drm_file *file);
int vsvm_wait_user_fence_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file);

#endif /* _VSVM_DRV_H_ */
