/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the vsvm virtual GPU KUnit tests: a device, page tables in
 * VRAM (written through PRAMIN) or in kernel pages (by physical address),
 * instance blocks, launches, the fault buffer.
 */
#ifndef _VSVM_HW_TEST_UTIL_H_
#define _VSVM_HW_TEST_UTIL_H_

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "../hw/vsvm_hw_priv.h"
#include "../hw/vsvm_isa_rv64.h"
#include "../hw/vsvm_mmu_format.h"
#include "../hw/vsvm_regs.h"

#define VT_MAX_PAGES		64
#define VT_VRAM_SIZE		(64ULL << 20)
#define VT_VRAM_TABLES		SZ_1M	/* tables start here */
#define VT_TIMEOUT_MS		30000

/* GPU virtual addresses the tests use. */
#define VT_PROG_VA		0x0000100000000000ULL
#define VT_DATA_VA		0x0000200000000000ULL

/**
 * struct vt_env - one test's virtual GPU and memory
 * @test: the test
 * @hw: the device
 * @irqs: interrupt callbacks received
 * @pt_vram: page tables and instance block live in VRAM (else sysmem)
 * @vram_next: next free VRAM address of the table bump allocator
 * @pages: kernel pages given to the GPU, freed at the end of the test
 * @nr_pages: entries of @pages
 * @pd_target: aperture of the PD3
 * @pd3: address of the PD3
 * @inst_target: aperture of the instance block
 * @inst: address of the instance block
 * @desc: physical address of the descriptor page
 * @desc_next: next free descriptor slot
 * @fb: physical address of the fault buffer
 * @fb_entries: its size in packets
 */
struct vt_env {
	struct kunit *test;
	struct vsvm_hw *hw;
	atomic_t irqs;
	bool pt_vram;
	u64 vram_next;
	struct page *pages[VT_MAX_PAGES];
	unsigned int nr_pages;
	u8 pd_target;
	u64 pd3;
	u8 inst_target;
	u64 inst;
	u64 desc;
	unsigned int desc_next;
	u64 fb;
	u32 fb_entries;
};

/**
 * struct vt_grid - geometry of a RISC-V launch
 * @local_size: threads of a work-group per dimension
 * @num_groups: work-groups per dimension
 * @local_mem_size: bytes of local memory per work-group
 * @stack_size: bytes of stack per thread, 0 for the default
 * @flags: VSVM_LAUNCH_FLAG_*
 */
struct vt_grid {
	u32 local_size[3];
	u32 num_groups[3];
	u32 local_mem_size;
	u32 stack_size;
	u32 flags;
};

struct vt_env *vt_env_create(struct kunit *test, bool pt_vram,
			     unsigned int num_eus);
u64 vt_alloc_sys(struct vt_env *env);
u64 vt_alloc_table(struct vt_env *env, u8 *target);
void vt_wr64(struct vt_env *env, u8 target, u64 addr, u64 val);
u64 vt_rd64(struct vt_env *env, u8 target, u64 addr);
u32 vt_rd32(struct vt_env *env, u8 target, u64 addr);
void vt_wr32(struct vt_env *env, u8 target, u64 addr, u32 val);
u64 vt_pte_sys(u64 phys, u64 flags);
u64 vt_pte_vid(u64 vram, u64 flags);
u64 vt_pde(u8 target, u64 addr);
u64 vt_pte_addr(struct vt_env *env, u64 va, unsigned int shift, u8 *target);
void vt_set_pte(struct vt_env *env, u64 va, u64 pte, unsigned int shift);
u64 vt_map_data(struct vt_env *env, u64 va, u64 flags);
u64 vt_load_rv64(struct vt_env *env, u64 va, const u32 *insns,
		 unsigned int n);
void vt_launch_grid(struct vt_env *env, unsigned int ch, u64 prog_va,
		    const struct vt_grid *g, const u64 *args,
		    unsigned int nargs, u32 budget, u32 seq);
void vt_launch_rv64(struct vt_env *env, unsigned int ch, u64 prog_va,
		    u32 threads, const u64 *args, unsigned int nargs,
		    u32 budget, u32 seq);
void vt_bind(struct vt_env *env, unsigned int ch);
bool vt_wait_seq(struct vt_env *env, unsigned int ch, u32 seq);
bool vt_wait_irqs(struct vt_env *env, int count);
void vt_fault_buffer_setup(struct vt_env *env, u32 entries);
bool vt_wait_put(struct vt_env *env, u32 put);
void vt_read_packet(struct vt_env *env, u32 index, u32 *dw);
void vt_invalidate(struct vt_env *env, u32 val);
void vt_replay(struct vt_env *env);
int vt_translate(struct vt_env *env, u64 va, u8 access, bool priv,
		 struct vsvm_xlate *xl, u8 *fault_type);

#endif /* _VSVM_HW_TEST_UTIL_H_ */
