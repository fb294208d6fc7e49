/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvsvm: a small C library over libdrm for the vsvm driver
 * (include/uapi/drm/vsvm_drm.h). Functions return 0 or a negative errno;
 * vsvm_error() gives a message for the last failure of a context. The
 * library never exits or prints.
 */
#ifndef LIBVSVM_H
#define LIBVSVM_H

#include <stddef.h>
#include <stdint.h>

#include <drm/vsvm_drm.h>

#include "vsvm_program.h"

struct vsvm;

/**
 * struct vsvm_stats - the file's statistics (from fdinfo): fault service,
 * then VRAM. VRAM figures in KiB end in _kib; a key the kernel does not
 * print reads as 0.
 */
struct vsvm_stats {
	long long faults, batches, replays, cancels, hmm_calls, hmm_ns, fault_ns;
	long long pages_4k, pages_2m, invalidations, page_tables;
	/* drm-total-vram, drm-resident-vram: what the file holds in VRAM */
	long long total_vram_kib, resident_vram_kib;
	/* migrations the file made to VRAM, and how much they moved */
	long long migrations_to_vram, migrated_to_vram_kib;
	/* what came back of it (CPU fault, explicit migration, eviction) */
	long long migrations_to_ram, migrated_to_ram_kib;
	/* of that, moved back to make room; 2 MiB windows pinned to system
	 * memory by thrash detection */
	long long evicted_kib, thrash_pins;
};

int vsvm_open(struct vsvm **out);
void vsvm_close(struct vsvm *v);
const char *vsvm_error(const struct vsvm *v);
int vsvm_fd(const struct vsvm *v);
int vsvm_get_param(struct vsvm *v, uint32_t param, uint64_t *value);
/*
 * Mirror the calling process in long-running mode: GPU faults are served,
 * so programs use any process memory; launches complete by user fence.
 */
int vsvm_svm_init(struct vsvm *v, uint64_t unmanaged_addr,
		  uint64_t unmanaged_size);
int vsvm_bind(struct vsvm *v, void *start, size_t len, int write);
/*
 * Move [start, start + len) to the device's VRAM (vram != 0) or back to
 * system memory, by the GPU's copy engine, then map it for the GPU. Pages
 * that cannot move stay; the CPU touching a page in VRAM brings it back.
 */
int vsvm_migrate(struct vsvm *v, void *start, size_t len, int vram);
/*
 * Memory attributes of [start, start + len) (page aligned): its preferred
 * location (DRM_VSVM_LOC_*) and DRM_VSVM_ATTR_* flags, e.g.
 * DRM_VSVM_LOC_VRAM with DRM_VSVM_ATTR_MIGRATE_ON_FAULT so that a GPU
 * fault moves the faulting 2 MiB window to VRAM. DRM_VSVM_LOC_DEFAULT with
 * no flag resets the range. Hints only: the data is right wherever it is.
 * They belong to the address range: munmap() drops them, free() does not
 * (reset memory an allocator hands out again). -ENOSPC past
 * DRM_VSVM_ATTR_MAX_RANGES distinct ranges.
 */
int vsvm_svm_attr_set(struct vsvm *v, void *start, size_t len,
		      uint32_t preferred_loc, uint32_t flags);
/*
 * The attributes at addr (page aligned), looked at over at most len bytes:
 * *preferred_loc and *flags, and in *run_len how many bytes from addr (at
 * most len) have these same attributes. Any of the three may be NULL.
 */
int vsvm_svm_attr_get(struct vsvm *v, void *addr, size_t len,
		      uint32_t *preferred_loc, uint32_t *flags,
		      size_t *run_len);
/*
 * Where the pages of [start, start + len) (page aligned) are now, moving
 * and faulting in nothing: one DRM_VSVM_RESIDENCY_* byte per page in
 * residency (len / page size bytes; NULL for the counts only), and the
 * pages in this device's VRAM and in system memory (either pointer may be
 * NULL; the other pages are nowhere the device can map). A snapshot,
 * stale as soon as taken. Ranges over DRM_VSVM_QUERY_MAX_SIZE are queried
 * a piece at a time.
 */
int vsvm_svm_query(struct vsvm *v, void *start, size_t len,
		   uint8_t *residency, uint64_t *vram_pages,
		   uint64_t *system_pages);
int vsvm_channel_create(struct vsvm *v, uint32_t *channel);
int vsvm_channel_destroy(struct vsvm *v, uint32_t channel);
/*
 * Launch @program (process address of a RISC-V entry point, 4-byte
 * aligned, e.g. a VSVM_KERNEL() that vsvm_program_symbol() found) as
 * @threads work-groups of one thread each (no grid extension: the
 * default stack, no local memory; thread t has global id t), with
 * @args[0..@nargs) as its launch arguments, and wait for its user fence.
 * Returns the launch's status (0, or -EFAULT, -ETIMEDOUT, -EIO...).
 * vsvm_launch_grid() gives the geometry and the budget.
 */
int vsvm_run(struct vsvm *v, uint32_t channel, const void *program,
	     uint32_t threads, const uint64_t *args, unsigned int nargs);
/**
 * struct vsvm_grid_launch - a launch of RISC-V code (DRM_VSVM_EXEC_EXT_GRID)
 * @program: process address of the kernel's entry, 4-byte aligned: what
 *	vsvm_program_symbol() gives for a VSVM_KERNEL()
 * @local_size: threads of a work-group in x, y, z (0 is taken as 1);
 *	their product at most DRM_VSVM_GRID_MAX_GROUP_THREADS
 * @num_groups: work-groups of the grid in x, y, z (0 is taken as 1)
 * @local_mem_size: bytes of local memory per work-group
 * @stack_size: bytes of private stack per thread (a multiple of 16), 0 for
 *	DRM_VSVM_GRID_DEFAULT_STACK
 * @insn_budget: per-thread instruction limit, 0 for the device default
 * @num_args: arguments passed, 0 to DRM_VSVM_EXEC_MAX_ARGS; 0 passes
 *	@args up to the last nonzero one
 * @args: the launch arguments; @args[0] is by convention the argument
 *	block's address (what VSVM_KERNEL() gives the kernel)
 *
 * Designated initializers fit: a 1-D launch of 16 groups of 64 threads is
 * { .program = k, .local_size = { 64 }, .num_groups = { 16 },
 *   .args = { (uintptr_t)&block } }.
 */
struct vsvm_grid_launch {
	uint64_t program;
	uint32_t local_size[3];
	uint32_t num_groups[3];
	uint32_t local_mem_size;
	uint32_t stack_size;
	uint32_t insn_budget;
	uint32_t num_args;
	uint64_t args[DRM_VSVM_EXEC_MAX_ARGS];
};

/*
 * Launch a grid and wait for its user fence; returns the launch's status
 * (0, or -EFAULT, -ETIMEDOUT, -EIO...; vsvm_channel_error() tells more),
 * or the EXEC ioctl's error (-EINVAL for a bad geometry...).
 */
int vsvm_launch_grid(struct vsvm *v, uint32_t channel,
		     const struct vsvm_grid_launch *l);
/*
 * Launch a grid without waiting: the kernel writes the launch's status
 * and then 1 into *fence when it ends (the record must stay mapped and
 * writable until then). *seqno (may be NULL) receives the launch's
 * sequence number. Returns 0 or the EXEC ioctl's error.
 */
int vsvm_launch_grid_async(struct vsvm *v, uint32_t channel,
			   const struct vsvm_grid_launch *l,
			   struct drm_vsvm_user_fence_record *fence,
			   uint64_t *seqno);
/*
 * Wait up to timeout_ns (< 0: for ever) for a fence of
 * vsvm_launch_grid_async(): the launch's status, or -ETIME if it has not
 * ended in time (or another error of WAIT_USER_FENCE).
 */
int vsvm_fence_wait(struct vsvm *v, struct drm_vsvm_user_fence_record *fence,
		    int64_t timeout_ns);
int vsvm_channel_error(struct vsvm *v, uint32_t channel,
		       struct drm_vsvm_channel_error *err);
int vsvm_stats(struct vsvm *v, struct vsvm_stats *stats);

#endif /* LIBVSVM_H */
