/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * uAPI of vsvm, the DRM driver of a virtual GPU with shared virtual memory:
 * the GPU runs programs on plain process memory, through a GPU address
 * space that mirrors the calling process (DRM_IOCTL_VSVM_SVM_INIT).
 *
 * VMs: a file holds up to 16 GPU address spaces ("VMs"), each with page
 * tables and a process mirror of its own. VM 0 is made when the file is
 * opened and lives as long as the file; DRM_IOCTL_VSVM_VM_CREATE makes
 * more. SVM_INIT, SVM_BIND and CHANNEL_CREATE name a VM by its id; a
 * channel runs in the VM it was created in, and keeps it (its page tables,
 * its mirror, its fault service) until the channel is destroyed, even
 * after DRM_IOCTL_VSVM_VM_DESTROY.
 *
 * Every structure has an explicit size and layout; fields named reserved or
 * pad must be zero on input (the ioctl fails with -EINVAL otherwise) and
 * are zero on output. Fields marked "out" are written by the kernel and
 * must also be zero on input (-EINVAL), so that a later version can give
 * them an input meaning. Unknown flags are -EINVAL.
 *
 * Extensions: the ioctls whose structure has an @extensions field take a
 * chain of extension structures there (the process address of the first,
 * 0 for none), each beginning with struct drm_vsvm_user_extension. An
 * unknown or repeated extension, or a chain longer than
 * DRM_VSVM_MAX_EXTENSIONS, is -EINVAL.
 *
 * Two modes (DRM_IOCTL_VSVM_SVM_INIT): a GPU page fault can only be served
 * by allocating memory, and a dma-fence must not wait on memory allocation
 * (Documentation/driver-api/dma-buf.rst, "Indefinite DMA Fences"). So
 *
 * - in long-running mode (DRM_VSVM_SVM_INIT_LR_MODE) GPU page faults are
 *   served: a launch may touch any memory of the process, faulted in on
 *   demand. Its completion is a user fence (DRM_VSVM_EXEC_EXT_USER_FENCE,
 *   waited for with DRM_IOCTL_VSVM_WAIT_USER_FENCE); a dma-fence out-fence
 *   (DRM_VSVM_EXEC_SYNCOBJ) is refused with -EOPNOTSUPP;
 * - otherwise (fence mode) GPU page faults are not served: a launch may
 *   only touch memory mapped beforehand with DRM_IOCTL_VSVM_SVM_BIND, and
 *   an access to anything else (or to memory the CPU invalidated since)
 *   fails the launch with -EFAULT. Its completion may be a dma-fence in a
 *   syncobj, and user fences work too.
 *
 * Ownership: a file belongs to the first process that calls
 * DRM_IOCTL_VSVM_SVM_INIT or DRM_IOCTL_VSVM_CHANNEL_CREATE on it (a
 * process is its address space: its threads share it, a child after
 * fork() or a process that received the descriptor over a UNIX socket do
 * not). From then on every ioctl except DRM_IOCTL_VSVM_GET_PARAM fails
 * with -EACCES in any other process (SVM_INIT with -EBUSY once its VM
 * mirrors, whoever calls it). The file's VMs mirror its owner only.
 */
#ifndef _UAPI_VSVM_DRM_H_
#define _UAPI_VSVM_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_VSVM_MAX_EXTENSIONS		16

/**
 * struct drm_vsvm_user_extension - the header of every extension
 * @next_extension: process address of the next extension, 0 for the last
 * @name: which extension this is (DRM_VSVM_*_EXT_*)
 * @pad: must be 0
 */
struct drm_vsvm_user_extension {
	__u64 next_extension;
	__u32 name;
	__u32 pad;
};

/* Parameters of DRM_IOCTL_VSVM_GET_PARAM. */
#define DRM_VSVM_PARAM_VRAM_SIZE	1	/* bytes of device memory */
#define DRM_VSVM_PARAM_VA_BITS		2	/* GPU virtual address bits */
#define DRM_VSVM_PARAM_PAGE_SIZES	3	/* mask of supported page sizes */
#define DRM_VSVM_PARAM_NUM_EUS		4	/* execution units */
/*
 * Version of the GPU ISA: 2 added RISC-V launches (DRM_VSVM_EXEC_EXT_GRID)
 * beside the first ISA; 3 runs RISC-V only.
 */
#define DRM_VSVM_PARAM_ISA_VERSION	5
#define DRM_VSVM_PARAM_NUM_CHANNELS	6	/* hardware channels */

/**
 * struct drm_vsvm_get_param - DRM_IOCTL_VSVM_GET_PARAM
 * @param: in, one of DRM_VSVM_PARAM_*
 * @pad: must be 0
 * @value: out, the value
 */
struct drm_vsvm_get_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/**
 * struct drm_vsvm_svm_init - DRM_IOCTL_VSVM_SVM_INIT
 * @unmanaged_addr: start of a GPU virtual address window that does not
 *	mirror the process (kept for device buffers; GPU accesses there
 *	fault and are cancelled). 0 together with @unmanaged_size 0 for none.
 * @unmanaged_size: size of that window; both must be page aligned and the
 *	window must lie inside the GPU address space
 * @flags: DRM_VSVM_SVM_INIT_*
 * @vm_id: the VM (0: the file's own)
 * @extensions: chain of extensions (none defined yet: must be 0)
 *
 * Turns a VM of the file into a mirror of the calling process's address
 * space: a GPU access to address A reaches whatever the
 * process maps at A, with the process's permissions: faulted in on demand
 * in long-running mode, mapped by DRM_IOCTL_VSVM_SVM_BIND otherwise (see
 * the modes at the top of this file).
 * The mirror ends at the lower of the process's largest address and the
 * GPU's (DRM_VSVM_PARAM_VA_BITS): with 5-level paging a process can map
 * memory above the GPU's reach, which the GPU then cannot access (BIND and
 * EXEC refuse it with -EINVAL, a GPU access there faults).
 * Once per VM (-EBUSY after); -ENOENT for an unknown VM. Binds the file to
 * the calling process (-EACCES if another process owns it). Each VM has
 * its own mode and unmanaged window.
 */
struct drm_vsvm_svm_init {
	__u64 unmanaged_addr;
	__u64 unmanaged_size;
	__u32 flags;
	__u32 vm_id;
	__u64 extensions;
};

/* Flags of DRM_IOCTL_VSVM_SVM_INIT. */
/* Long-running mode: GPU faults are served, completion by user fence. */
#define DRM_VSVM_SVM_INIT_LR_MODE	(1 << 0)

/* Operations of DRM_IOCTL_VSVM_SVM_BIND (bits 7:0 of header). */
#define DRM_VSVM_BIND_OP_MAP		0	/* map now (prefetch) */
/* Migrate to the target (bits 63:32 of header), then map. */
#define DRM_VSVM_BIND_OP_MIGRATE	1
/* Flags of DRM_IOCTL_VSVM_SVM_BIND (bits 15:8 of header). */
#define DRM_VSVM_BIND_WRITE		(1 << 8) /* fault in for writing */
/* Target of a migration (bits 63:32 of header). */
#define DRM_VSVM_BIND_TARGET_SHIFT	32
#define DRM_VSVM_BIND_TARGET_SYSTEM	0	/* system memory */
#define DRM_VSVM_BIND_TARGET_VRAM	1	/* this device's VRAM */

/**
 * struct drm_vsvm_svm_bind - DRM_IOCTL_VSVM_SVM_BIND
 * @header: operation (DRM_VSVM_BIND_OP_*, bits 7:0), flags
 *	(DRM_VSVM_BIND_*, bits 15:8), zero bits 31:16, target (bits 63:32,
 *	for DRM_VSVM_BIND_OP_MIGRATE; 0 otherwise)
 * @va_start: first address, page aligned
 * @va_end: end address (exclusive), page aligned, above @va_start
 * @result: out, number of pages mapped
 * @extensions: chain of extensions (none defined yet: must be 0)
 * @vm_id: the VM (0: the file's own); -ENOENT for an unknown one
 * @pad: must be 0
 *
 * Maps a range of the mirrored process memory into the GPU now, as GPU
 * faults would, so that a later launch does not fault. Every page must be
 * accessible (readable; writable with DRM_VSVM_BIND_WRITE): otherwise
 * -EFAULT or -EPERM and nothing is guaranteed to be mapped. The range
 * must lie in the mirrored range and outside the unmanaged window
 * (-EINVAL). -ENOSPC when the file holds as many page tables as it may
 * (in all its VMs). A fatal signal ends the call at once (-EINTR).
 *
 * DRM_VSVM_BIND_OP_MIGRATE first moves the range's pages to the target,
 * copied by the GPU's copy engine: to DRM_VSVM_BIND_TARGET_VRAM (pages the
 * process never touched are zeroed there) or back to
 * DRM_VSVM_BIND_TARGET_SYSTEM. Pages that cannot move (pinned, shared or
 * file pages, VRAM full) stay where they are, and every page is mapped
 * where it is; a CPU access to a page in VRAM moves it back. -ENODEV for
 * VRAM on a device without, -EIO if the copy engine failed.
 */
struct drm_vsvm_svm_bind {
	__u64 header;
	__u64 va_start;
	__u64 va_end;
	__u64 result;
	__u64 extensions;
	__u32 vm_id;
	__u32 pad;
};

/**
 * struct drm_vsvm_channel_create - DRM_IOCTL_VSVM_CHANNEL_CREATE
 * @handle: out, the channel's handle in this file
 * @flags: must be 0
 * @extensions: chain of extensions (none defined yet: must be 0)
 * @vm_id: the VM the channel runs in (0: the file's own); -ENOENT for an
 *	unknown one
 * @pad: must be 0
 *
 * A channel runs launches one after the other in one VM of the file, and
 * holds that VM until it is destroyed. Binds the file to the calling
 * process (-EACCES if another process owns it). -ENOSPC when all hardware
 * channels are in use or the file has 16 channels already.
 */
struct drm_vsvm_channel_create {
	__u32 handle;
	__u32 flags;
	__u64 extensions;
	__u32 vm_id;
	__u32 pad;
};

/**
 * struct drm_vsvm_channel_destroy - DRM_IOCTL_VSVM_CHANNEL_DESTROY
 * @handle: the channel
 * @pad: must be 0
 *
 * The channel takes no more launches; the call waits for those queued to
 * end (they are not cancelled), then frees it. -ENOENT for an unknown
 * handle. A signal ends the wait (-EINTR, or a restart): the channel
 * then stays, still refusing launches, until a later call or the file's
 * close frees it.
 */
struct drm_vsvm_channel_destroy {
	__u32 handle;
	__u32 pad;
};

#define DRM_VSVM_EXEC_MAX_ARGS		8
#define DRM_VSVM_EXEC_MAX_THREADS	(1u << 24)
#define DRM_VSVM_EXEC_MAX_INSN_BUDGET	(1u << 28)
/* Flags of DRM_IOCTL_VSVM_EXEC. */
#define DRM_VSVM_EXEC_SYNCOBJ		(1 << 0) /* @syncobj is valid */

/* Extensions of DRM_IOCTL_VSVM_EXEC. */
#define DRM_VSVM_EXEC_EXT_USER_FENCE	1
#define DRM_VSVM_EXEC_EXT_GRID		2

/* Limits of struct drm_vsvm_exec_grid. */
#define DRM_VSVM_GRID_MAX_GROUP_THREADS	256
#define DRM_VSVM_GRID_MAX_LOCAL_MEM	(64 * 1024)
#define DRM_VSVM_GRID_MAX_STACK		(64 * 1024)
#define DRM_VSVM_GRID_MAX_PRIVATE_MEM	(1024 * 1024)
#define DRM_VSVM_GRID_DEFAULT_STACK	(4 * 1024)

/**
 * struct drm_vsvm_user_fence_record - what a user fence writes
 * @value: the fence's value, written last
 * @status: the launch's result, written before @value: 0, or a negative
 *	errno as a dma-fence of the launch would carry it (see
 *	struct drm_vsvm_exec)
 */
struct drm_vsvm_user_fence_record {
	__u64 value;
	__s64 status;
};

/**
 * struct drm_vsvm_exec_user_fence - DRM_VSVM_EXEC_EXT_USER_FENCE
 * @base: the extension header, @base.name DRM_VSVM_EXEC_EXT_USER_FENCE
 * @addr: process address of a struct drm_vsvm_user_fence_record, 8-byte
 *	aligned, in the mirrored range
 * @value: the value written to its @value field
 *
 * When the launch ends, the kernel writes the launch's status and then
 * @value into the record, in the process's memory (so the record must
 * stay mapped and writable until then: a record it cannot write is not
 * written), and wakes DRM_IOCTL_VSVM_WAIT_USER_FENCE waiters of the file.
 * At most one per launch.
 */
struct drm_vsvm_exec_user_fence {
	struct drm_vsvm_user_extension base;
	__u64 addr;
	__u64 value;
};

/**
 * struct drm_vsvm_exec_grid - DRM_VSVM_EXEC_EXT_GRID: a RISC-V launch
 * @base: the extension header, @base.name DRM_VSVM_EXEC_EXT_GRID
 * @local_size: threads of one work-group in each dimension, each at
 *	least 1, their product at most DRM_VSVM_GRID_MAX_GROUP_THREADS
 * @num_groups: work-groups in each dimension, each at least 1; the
 *	launch's threads (the product of all six sizes) are at most
 *	DRM_VSVM_EXEC_MAX_THREADS
 * @local_mem_size: bytes of local memory each work-group shares, at most
 *	DRM_VSVM_GRID_MAX_LOCAL_MEM
 * @stack_size: bytes of private stack of each thread, a multiple of 16,
 *	at most DRM_VSVM_GRID_MAX_STACK, 0 for DRM_VSVM_GRID_DEFAULT_STACK;
 *	@stack_size times the threads of a work-group is at most
 *	DRM_VSVM_GRID_MAX_PRIVATE_MEM
 *
 * Programs are RISC-V code (RV64IMAFD, the profile
 * Documentation/gpu/vsvm-isa.rst describes). With this extension struct
 * drm_vsvm_exec's num_threads must be 0, the grid giving the threads;
 * without it the launch is num_threads work-groups of one thread, with
 * no local memory and the default stack.
 */
struct drm_vsvm_exec_grid {
	struct drm_vsvm_user_extension base;
	__u32 local_size[3];
	__u32 num_groups[3];
	__u32 local_mem_size;
	__u32 stack_size;
};

/**
 * struct drm_vsvm_exec - DRM_IOCTL_VSVM_EXEC
 * @channel: the channel handle
 * @flags: DRM_VSVM_EXEC_*
 * @program: process address of the program's first instruction (4-byte
 *	aligned); the GPU fetches it through the mirrored address space
 * @num_threads: threads 0..@num_threads-1 run the program, 1 to
 *	DRM_VSVM_EXEC_MAX_THREADS; 0 with DRM_VSVM_EXEC_EXT_GRID
 * @num_args: arguments used in @args (0..DRM_VSVM_EXEC_MAX_ARGS); the
 *	others must be 0
 * @args: launch arguments (plain values, typically process pointers)
 * @syncobj: with DRM_VSVM_EXEC_SYNCOBJ (fence mode only: -EOPNOTSUPP in
 *	long-running mode), a syncobj whose fence is replaced by the
 *	launch's completion fence. The fence signals when the launch ends,
 *	with the launch's own result: no error, -EFAULT when the GPU
 *	touched memory it may not (see DRM_IOCTL_VSVM_CHANNEL_ERROR),
 *	-ETIMEDOUT when it ran past the job timeout (it was stopped, the
 *	channel goes on with its next launch) and -EIO on any other GPU
 *	error.
 * @insn_budget: per-thread instruction limit, 0 for the device default,
 *	at most DRM_VSVM_EXEC_MAX_INSN_BUDGET; a thread exceeding it fails
 *	the launch (-EIO)
 * @seqno: out, the launch's sequence number on its channel
 * @extensions: chain of extensions: DRM_VSVM_EXEC_EXT_USER_FENCE,
 *	DRM_VSVM_EXEC_EXT_GRID
 *
 * The file must have SVM enabled (-EINVAL otherwise) and @program must
 * lie in the mirrored range. Launches of a channel run in order; several
 * channels run concurrently. When the channel has 16 launches in flight
 * the call waits for one to end (a signal interrupts the wait). -ENOENT
 * for a channel being destroyed.
 */
struct drm_vsvm_exec {
	__u32 channel;
	__u32 flags;
	__u64 program;
	__u32 num_threads;
	__u32 num_args;
	__u64 args[DRM_VSVM_EXEC_MAX_ARGS];
	__u32 syncobj;
	__u32 insn_budget;
	__u64 seqno;
	__u64 extensions;
};

/* Error codes of struct drm_vsvm_channel_error. */
#define DRM_VSVM_CHANNEL_ERR_NONE	0
#define DRM_VSVM_CHANNEL_ERR_MMU_FAULT	1 /* access cancelled */
/* The GPU reached an address that is not memory (an IOVA its IOMMU does not map). */
#define DRM_VSVM_CHANNEL_ERR_BAD_PHYS	2
#define DRM_VSVM_CHANNEL_ERR_ILLEGAL	3 /* illegal instruction */
#define DRM_VSVM_CHANNEL_ERR_MISALIGNED	4
#define DRM_VSVM_CHANNEL_ERR_BUDGET	5 /* instruction budget exceeded */
#define DRM_VSVM_CHANNEL_ERR_OTHER	6
#define DRM_VSVM_CHANNEL_ERR_TIMEOUT	7 /* ran past the job timeout */
#define DRM_VSVM_CHANNEL_ERR_KILLED	8 /* stopped: its file was closed */
#define DRM_VSVM_CHANNEL_ERR_BREAKPOINT	9 /* a thread executed EBREAK */

/* Access types of struct drm_vsvm_channel_error (NVIDIA's encoding). */
#define DRM_VSVM_ACCESS_READ		0
#define DRM_VSVM_ACCESS_WRITE		1
#define DRM_VSVM_ACCESS_ATOMIC		2
#define DRM_VSVM_ACCESS_PREFETCH	3

/* Flags of DRM_IOCTL_VSVM_CHANNEL_ERROR. */
#define DRM_VSVM_CHANNEL_ERROR_CLEAR	(1 << 0) /* clear after reading */

/**
 * struct drm_vsvm_channel_error - DRM_IOCTL_VSVM_CHANNEL_ERROR
 * @channel: in, the channel handle
 * @flags: in, DRM_VSVM_CHANNEL_ERROR_*
 * @code: out, DRM_VSVM_CHANNEL_ERR_* of the first error since the channel
 *	was created or last cleared (NONE if there was none)
 * @access_type: out, DRM_VSVM_ACCESS_* of the failed access
 * @address: out, the exact GPU virtual (= process) address that faulted
 * @fault_type: out, NVIDIA MMU fault type (0 PDE, 2 PTE, 6 RO_VIOLATION...)
 * @pad: zero
 * @pc: out, address of the instruction that failed
 * @seqno: out, the failed launch's sequence number
 *
 * A launch that touches memory it may not (no mapping, no permission) has
 * its fault cancelled: the launch ends, its fence signals with -EFAULT and
 * the channel records the error; later launches on the channel still run.
 */
struct drm_vsvm_channel_error {
	__u32 channel;
	__u32 flags;
	__u32 code;
	__u32 access_type;
	__u64 address;
	__u32 fault_type;
	__u32 pad;
	__u64 pc;
	__u64 seqno;
};

/* Comparisons of DRM_IOCTL_VSVM_WAIT_USER_FENCE, unsigned. */
#define DRM_VSVM_UFENCE_OP_EQ		0
#define DRM_VSVM_UFENCE_OP_NEQ		1
#define DRM_VSVM_UFENCE_OP_GT		2
#define DRM_VSVM_UFENCE_OP_GTE		3
#define DRM_VSVM_UFENCE_OP_LT		4
#define DRM_VSVM_UFENCE_OP_LTE		5

/**
 * struct drm_vsvm_wait_user_fence - DRM_IOCTL_VSVM_WAIT_USER_FENCE
 * @extensions: chain of extensions (none defined yet: must be 0)
 * @addr: process address of the 64-bit word to watch, 8-byte aligned
 *	(the @value field of a struct drm_vsvm_user_fence_record)
 * @value: the value to compare with
 * @mask: the bits of the word compared (the word & @mask against
 *	@value & @mask); 0 is -EINVAL
 * @op: DRM_VSVM_UFENCE_OP_*
 * @pad: must be 0
 * @timeout_ns: how long to wait, in nanoseconds; 0 checks once, a
 *	negative value waits until the condition holds or a signal
 *
 * Waits until the word at @addr, compared with @value, satisfies @op.
 * The word is read again whenever a user fence of the file is written.
 * Returns 0 once it does, -ETIME when the timeout passes first, -EINTR
 * on a signal, -EFAULT if the word cannot be read.
 */
struct drm_vsvm_wait_user_fence {
	__u64 extensions;
	__u64 addr;
	__u64 value;
	__u64 mask;
	__u32 op;
	__u32 pad;
	__s64 timeout_ns;
};

/**
 * struct drm_vsvm_vm_create - DRM_IOCTL_VSVM_VM_CREATE
 * @vm_id: out, the new VM's id in this file (never 0)
 * @flags: must be 0
 * @extensions: chain of extensions (none defined yet: must be 0)
 *
 * Makes an empty VM; DRM_IOCTL_VSVM_SVM_INIT then turns it into a mirror.
 * Its page tables count against the file's limit. Binds the file to the
 * calling process (-EACCES if another process owns it). -ENOSPC when the
 * file has 16 VMs (VM 0 included).
 */
struct drm_vsvm_vm_create {
	__u32 vm_id;
	__u32 flags;
	__u64 extensions;
};

/**
 * struct drm_vsvm_vm_destroy - DRM_IOCTL_VSVM_VM_DESTROY
 * @vm_id: the VM; VM 0 cannot be destroyed (-EINVAL)
 * @pad: must be 0
 *
 * Takes the VM out of the file: its id is unknown from now on (-ENOENT),
 * and may be given to a later VM. Channels created in it keep running in
 * it; it is freed (its mirror stopped, its page tables given back) when
 * the last of them is destroyed. -ENOENT for an unknown id.
 */
struct drm_vsvm_vm_destroy {
	__u32 vm_id;
	__u32 pad;
};

/* Preferred locations of DRM_IOCTL_VSVM_SVM_ATTR. */
#define DRM_VSVM_LOC_DEFAULT		0 /* no preference: pages stay put */
#define DRM_VSVM_LOC_SYSTEM		1 /* system memory */
#define DRM_VSVM_LOC_VRAM		2 /* this device's VRAM */

/* Flags of struct drm_vsvm_svm_attr. */
/* A GPU fault moves the faulting 2 MiB window to the preferred location. */
#define DRM_VSVM_ATTR_MIGRATE_ON_FAULT	(1 << 0)

/* Operations of DRM_IOCTL_VSVM_SVM_ATTR. */
#define DRM_VSVM_ATTR_OP_SET		0
#define DRM_VSVM_ATTR_OP_GET		1

/* Most address ranges of distinct attributes a VM holds. */
#define DRM_VSVM_ATTR_MAX_RANGES	1024

/**
 * struct drm_vsvm_svm_attr - DRM_IOCTL_VSVM_SVM_ATTR
 * @va_start: first address, page aligned
 * @va_end: end address (exclusive), page aligned, above @va_start
 * @op: DRM_VSVM_ATTR_OP_*
 * @vm_id: the VM (0: the file's own); -ENOENT for an unknown one
 * @preferred_loc: DRM_VSVM_LOC_*: in for SET; out for GET (must be 0)
 * @flags: DRM_VSVM_ATTR_*: in for SET; out for GET (must be 0)
 * @run_end: out (GET): the end of the run, starting at @va_start and
 *	ending at @va_end at most, over which the attributes are the ones
 *	returned
 * @extensions: chain of extensions (none defined yet: must be 0)
 *
 * Memory attributes of a range of a VM's mirror, hints on where its pages
 * should live (the data is right wherever they are):
 *
 * - @preferred_loc DRM_VSVM_LOC_DEFAULT with no flag is the default: pages
 *   stay where they are and the GPU maps them there. SET with it resets
 *   the range.
 * - DRM_VSVM_ATTR_MIGRATE_ON_FAULT with DRM_VSVM_LOC_VRAM: a GPU fault in
 *   the range first migrates the faulting 2 MiB window (clipped to the
 *   range and the VMA) to VRAM, taking room from the least recently
 *   filled VRAM if need be; with DRM_VSVM_LOC_SYSTEM it moves pages of
 *   this device's VRAM back to system memory. A window that keeps moving
 *   back and forth (a CPU and the GPU sharing it) is left in system
 *   memory for a while (see Documentation/gpu/vsvm.rst, "Thrashing").
 *
 * Lifetime: attributes belong to the address range, not to the memory
 * there. SET replaces them over exactly [@va_start, @va_end); munmap()
 * drops them over what it unmaps (mremap() drops them at the old address
 * and gives none at the new one); they also end with the VM. A free()
 * that gives memory back to an allocator without munmap() does not drop
 * them: memory malloc() hands out again at the same address has them
 * still (reset them with SET before reuse; being hints, stale ones cost
 * speed, never data). SET that would leave more than
 * DRM_VSVM_ATTR_MAX_RANGES ranges in the VM, counted before equal
 * neighbours merge, is -ENOSPC; -EINVAL for a VM that does not mirror
 * (no SVM_INIT), a range outside the mirror,
 * unknown location, flag or op, MIGRATE_ON_FAULT without a location, and
 * DRM_VSVM_LOC_VRAM on a device without VRAM is -ENODEV.
 */
struct drm_vsvm_svm_attr {
	__u64 va_start;
	__u64 va_end;
	__u32 op;
	__u32 vm_id;
	__u32 preferred_loc;
	__u32 flags;
	__u64 run_end;
	__u64 extensions;
};

/* Residency of a page, DRM_IOCTL_VSVM_SVM_QUERY. */
#define DRM_VSVM_RESIDENCY_NONE		0 /* no page the device can map */
#define DRM_VSVM_RESIDENCY_SYSTEM	1 /* system memory */
#define DRM_VSVM_RESIDENCY_VRAM		2 /* this device's VRAM */

/* Largest range of one DRM_IOCTL_VSVM_SVM_QUERY. */
#define DRM_VSVM_QUERY_MAX_SIZE		(1ULL << 30)

/**
 * struct drm_vsvm_svm_query - DRM_IOCTL_VSVM_SVM_QUERY
 * @va_start: first address, page aligned
 * @va_end: end address (exclusive), page aligned, above @va_start and at
 *	most DRM_VSVM_QUERY_MAX_SIZE past it
 * @residency: process address of one byte per page of the range, written
 *	with its DRM_VSVM_RESIDENCY_*; 0 for counts only
 * @vram_pages: out, pages of the range in this device's VRAM
 * @system_pages: out, pages of the range in system memory
 * @extensions: chain of extensions (none defined yet: must be 0)
 * @vm_id: the VM (0: the file's own); -ENOENT for an unknown one
 * @pad: must be 0
 *
 * Where the pages of a range of a VM's mirror are now, without faulting
 * anything in or moving it: for tests and tools, a snapshot that may be
 * stale as soon as it is taken. Pages of another device's VRAM, of
 * nothing yet, or of a mapping the device cannot use count as
 * DRM_VSVM_RESIDENCY_NONE. -EINVAL for a bad range, -EFAULT if
 * @residency cannot be written, -EINTR on a fatal signal.
 */
struct drm_vsvm_svm_query {
	__u64 va_start;
	__u64 va_end;
	__u64 residency;
	__u64 vram_pages;
	__u64 system_pages;
	__u64 extensions;
	__u32 vm_id;
	__u32 pad;
};

#define DRM_VSVM_GET_PARAM		0x00
#define DRM_VSVM_SVM_INIT		0x01
#define DRM_VSVM_SVM_BIND		0x02
#define DRM_VSVM_CHANNEL_CREATE		0x03
#define DRM_VSVM_CHANNEL_DESTROY	0x04
#define DRM_VSVM_EXEC			0x05
#define DRM_VSVM_CHANNEL_ERROR		0x06
#define DRM_VSVM_WAIT_USER_FENCE	0x07
#define DRM_VSVM_VM_CREATE		0x08
#define DRM_VSVM_VM_DESTROY		0x09
#define DRM_VSVM_SVM_ATTR		0x0a
#define DRM_VSVM_SVM_QUERY		0x0b

#define DRM_IOCTL_VSVM_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GET_PARAM, struct drm_vsvm_get_param)
#define DRM_IOCTL_VSVM_SVM_INIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_SVM_INIT, struct drm_vsvm_svm_init)
#define DRM_IOCTL_VSVM_SVM_BIND \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_SVM_BIND, struct drm_vsvm_svm_bind)
#define DRM_IOCTL_VSVM_CHANNEL_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_CHANNEL_CREATE, struct drm_vsvm_channel_create)
#define DRM_IOCTL_VSVM_CHANNEL_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_CHANNEL_DESTROY, struct drm_vsvm_channel_destroy)
#define DRM_IOCTL_VSVM_EXEC \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_EXEC, struct drm_vsvm_exec)
#define DRM_IOCTL_VSVM_CHANNEL_ERROR \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_CHANNEL_ERROR, struct drm_vsvm_channel_error)
#define DRM_IOCTL_VSVM_WAIT_USER_FENCE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_WAIT_USER_FENCE, struct drm_vsvm_wait_user_fence)
#define DRM_IOCTL_VSVM_VM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_VM_CREATE, struct drm_vsvm_vm_create)
#define DRM_IOCTL_VSVM_VM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_VM_DESTROY, struct drm_vsvm_vm_destroy)
#define DRM_IOCTL_VSVM_SVM_ATTR \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_SVM_ATTR, struct drm_vsvm_svm_attr)
#define DRM_IOCTL_VSVM_SVM_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_SVM_QUERY, struct drm_vsvm_svm_query)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */
