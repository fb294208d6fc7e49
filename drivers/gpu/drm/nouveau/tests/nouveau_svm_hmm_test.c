// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT, built into nouveau.ko
 * and run when the module loads; no GPU is needed.
 *
 * nvkm is the oracle: the pages a test maps in its own mm are snapshot by
 * hmm_range_fault() with Nouveau's GP100 format, and the same pages are
 * handed, as 6.12's fault path would hand them (NVIF PFNMAP words), to
 * nvkm's own GP100 page-table code through the descriptor tables
 * (gp100_vmm_desc_12[]). Both write into a page table held in a kernel
 * buffer; the entries must be equal, bit for bit. The format's entries are
 * then stored by the same tables (which must take them as they are) and
 * unmapped by them, which must undo exactly HMM's mappings: the DMA device
 * is a KUnit device with DMA operations of this file that give each page
 * its physical address (so both sides see the same bus address) and keep
 * the list of live mappings, which every unmap must match in address, size
 * and direction and which is empty at the end of each test.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

#include <core/device.h>
#include <subdev/mmu_hmm.h>

#include "subdev/mmu/uvmm.h"
#include "subdev/mmu/vmm.h"
#include <nvif/if000c.h>

#define NHT_PT_BYTES	4096

/* A page table in a kernel buffer, behind nvkm's memory accessors. */
struct nht_memory {
	struct nvkm_memory memory;
	u32 words[NHT_PT_BYTES / 4];
};

static void __iomem *nht_acquire(struct nvkm_memory *memory)
{
	return NULL;
}

static void nht_release(struct nvkm_memory *memory)
{
}

static u32 nht_rd32(struct nvkm_memory *memory, u64 offset)
{
	return container_of(memory, struct nht_memory, memory)->words[offset / 4];
}

static void nht_wr32(struct nvkm_memory *memory, u64 offset, u32 data)
{
	container_of(memory, struct nht_memory, memory)->words[offset / 4] = data;
}

static const struct nvkm_memory_func nht_memory_func = {
	.acquire = nht_acquire,
	.release = nht_release,
};

static const struct nvkm_memory_ptrs nht_memory_ptrs = {
	.rd32 = nht_rd32,
	.wr32 = nht_wr32,
};

struct nht_dma_map {
	dma_addr_t addr;
	size_t size;
	enum dma_data_direction dir;
};

/* The live mappings of the running test's device (tests run one by one). */
static struct {
	struct kunit *test;
	struct nht_dma_map maps[16];
	unsigned int n;
} nht_dma;

static dma_addr_t nht_dma_map_page(struct device *dev, struct page *page,
				   unsigned long offset, size_t size,
				   enum dma_data_direction dir,
				   unsigned long attrs)
{
	dma_addr_t addr = page_to_phys(page) + offset;

	if (nht_dma.n == ARRAY_SIZE(nht_dma.maps)) {
		KUNIT_FAIL(nht_dma.test, "more than %zu live mappings",
			   ARRAY_SIZE(nht_dma.maps));
		return DMA_MAPPING_ERROR;
	}
	nht_dma.maps[nht_dma.n++] = (struct nht_dma_map){ addr, size, dir };
	return addr;
}

static void nht_dma_unmap_page(struct device *dev, dma_addr_t addr,
			       size_t size, enum dma_data_direction dir,
			       unsigned long attrs)
{
	unsigned int i;

	for (i = 0; i < nht_dma.n; i++) {
		struct nht_dma_map *m = &nht_dma.maps[i];

		if (m->addr != addr)
			continue;
		KUNIT_EXPECT_EQ_MSG(nht_dma.test, m->size, size,
				    "unmap size of %pad", &addr);
		KUNIT_EXPECT_EQ_MSG(nht_dma.test, m->dir, dir,
				    "unmap direction of %pad", &addr);
		*m = nht_dma.maps[--nht_dma.n];
		return;
	}
	KUNIT_FAIL(nht_dma.test, "unmap of %pad, which is not mapped", &addr);
}

/* The direction a live mapping of addr was made with, or DMA_NONE. */
static enum dma_data_direction nht_dma_dir(dma_addr_t addr)
{
	unsigned int i;

	for (i = 0; i < nht_dma.n; i++)
		if (nht_dma.maps[i].addr == addr)
			return nht_dma.maps[i].dir;
	return DMA_NONE;
}

static size_t nht_dma_max_mapping_size(struct device *dev)
{
	return SIZE_MAX;
}

static const struct dma_map_ops nht_dma_ops = {
	.map_page = nht_dma_map_page,
	.unmap_page = nht_dma_unmap_page,
	.max_mapping_size = nht_dma_max_mapping_size,
};

struct nht {
	struct device *dev;
	struct nvkm_device device;
	struct nvkm_mmu mmu;
	struct nvkm_vmm vmm;
	struct nht_memory mem;
	struct nvkm_mmu_pt pt;
	struct hmm_pfn_format format;
	struct mmu_interval_notifier notifier;
	bool notifier_live;
};

static bool nht_invalidate(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq)
{
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops nht_notifier_ops = {
	.invalidate = nht_invalidate,
};

static int nht_init(struct kunit *test)
{
	struct nht *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->dev = kunit_device_register(test, "nouveau_svm_hmm_test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->dev));
	/* 47 bits, as Pascal addresses system memory. */
	t->dev->dma_mask = &t->dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(t->dev,
							DMA_BIT_MASK(47)), 0);
	set_dma_ops(t->dev, &nht_dma_ops);
	nht_dma.test = test;
	nht_dma.n = 0;
	KUNIT_ASSERT_TRUE(test, nvkm_gp100_hmm_format(&t->format, t->dev));

	t->device.dev = t->dev;
	t->mmu.subdev.device = &t->device;
	t->vmm.mmu = &t->mmu;
	t->vmm.name = "kunit";
	t->mem.memory.func = &nht_memory_func;
	t->mem.memory.ptrs = &nht_memory_ptrs;
	t->pt.memory = &t->mem.memory;
	test->priv = t;
	return 0;
}

static void nht_exit(struct kunit *test)
{
	struct nht *t = test->priv;

	if (t && t->notifier_live)
		mmu_interval_notifier_remove(&t->notifier);
	KUNIT_EXPECT_EQ_MSG(test, nht_dma.n, 0U, "DMA mappings left");
	nht_dma.test = NULL;
}

static u64 nht_pte(struct nht *t, u32 offset)
{
	return (u64)t->mem.words[offset / 4 + 1] << 32 | t->mem.words[offset / 4];
}

/* Map len bytes of anonymous memory in the test's mm. */
static unsigned long nht_mmap(struct kunit *test, unsigned long len)
{
	unsigned long va;

	va = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_TRUE(test, va && !IS_ERR_VALUE(va));
	return va;
}

/* hmm_range_fault() on a part of the notifier's range, -EBUSY retried. */
static void nht_refault(struct kunit *test, unsigned long start,
			unsigned long npages, const unsigned long *req,
			unsigned long *out)
{
	struct nht *t = test->priv;
	struct hmm_range range = {
		.notifier = &t->notifier,
		.start = start,
		.end = start + npages * PAGE_SIZE,
		.hmm_pfns = out,
		.pfn_flags_mask = ~0UL,
		.format = &t->format,
	};
	int tries, ret = -EBUSY;

	for (tries = 0; tries < 32 && ret == -EBUSY; tries++) {
		memcpy(out, req, npages * sizeof(*out));
		range.notifier_seq = mmu_interval_read_begin(&t->notifier);
		mmap_read_lock(current->mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(current->mm);
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
}

/* Set up the notifier over the range and fault it. */
static void nht_fault(struct kunit *test, unsigned long start,
		      unsigned long npages, const unsigned long *req,
		      unsigned long *out)
{
	struct nht *t = test->priv;

	KUNIT_ASSERT_EQ(test, mmu_interval_notifier_insert(&t->notifier,
							   current->mm, start,
							   npages * PAGE_SIZE,
							   &nht_notifier_ops),
			0);
	t->notifier_live = true;
	nht_refault(test, start, npages, req, out);
}

static phys_addr_t nht_cpu_phys(struct kunit *test, unsigned long va)
{
	struct page *page;
	phys_addr_t phys;

	mmap_read_lock(current->mm);
	KUNIT_ASSERT_EQ(test, get_user_pages(va, 1, 0, &page), 1L);
	mmap_read_unlock(current->mm);
	phys = page_to_phys(page);
	put_page(page);
	return phys;
}

/* nvkm's own encoder on 6.12's PFNMAP words, at PT (level 0) or PD0. */
static void nht_nvkm_map(struct nht *t, int level, u32 ptei, u64 *words,
			 u32 n)
{
	const struct nvkm_vmm_desc *desc = &gp100_vmm_desc_12[level];
	struct nvkm_vmm_map map = { .pfn = words };

	desc->func->pfn(&t->vmm, &t->pt, ptei, n, &map);
}

/* Undo what nvkm's encoder mapped: DMA_BIDIRECTIONAL, whatever the PTE. */
static void nht_nvkm_unmap_oracle(struct nht *t, u64 pte, size_t size)
{
	dma_unmap_page(t->dev, (pte >> 8) << 12, size, DMA_BIDIRECTIONAL);
}

/*
 * nvkm's encoding of 6.12's words, recorded and then undone: run before
 * HMM maps the same pages, as DMA_API_DEBUG refuses overlapping writable
 * mappings of one page.
 */
static void nht_oracle(struct nht *t, int level, u64 *words, u32 n,
		       u64 *ptes, size_t size)
{
	u32 stride = gp100_vmm_desc_12[level].size;
	u32 i;

	nht_nvkm_map(t, level, 0, words, n);
	for (i = 0; i < n; i++) {
		ptes[i] = nht_pte(t, i * stride);
		nht_nvkm_unmap_oracle(t, ptes[i], size);
	}
	memset(t->mem.words, 0, sizeof(t->mem.words));
}

/*
 * A written page, the zero page (read-only) and two absent pages: HMM's
 * entries equal nvkm's PTEs; nvkm stores HMM's entries unchanged and its
 * unmap undoes exactly HMM's mappings.
 */
static void nht_4k_pages(struct kunit *test)
{
	struct nht *t = test->priv;
	const struct nvkm_vmm_desc *pt = &gp100_vmm_desc_12[0];
	unsigned long req[4] = {
		NVKM_GP100_HMM_REQ_FAULT | NVKM_GP100_HMM_REQ_WRITE,
		NVKM_GP100_HMM_REQ_FAULT,
	};
	unsigned long out[4], va = nht_mmap(test, 4 * PAGE_SIZE);
	u64 words[4], oracle[2], ro_want;
	long val = 0x5a5a;
	int i;

	KUNIT_ASSERT_EQ(test, pt->size, 8);
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)va, &val,
					   sizeof(val)), 0UL);
	KUNIT_ASSERT_EQ(test, copy_from_user(&val,
					     (void __user *)(va + PAGE_SIZE),
					     sizeof(val)), 0UL);
	KUNIT_EXPECT_EQ(test, val, 0L);

	/* 6.12: the page's physical address with V (and W), host aperture. */
	words[0] = nht_cpu_phys(test, va) | NVIF_VMM_PFNMAP_V0_V |
		   NVIF_VMM_PFNMAP_V0_W | NVIF_VMM_PFNMAP_V0_HOST;
	words[1] = nht_cpu_phys(test, va + PAGE_SIZE) | NVIF_VMM_PFNMAP_V0_V |
		   NVIF_VMM_PFNMAP_V0_HOST;
	KUNIT_EXPECT_EQ(test, words[1] & NVIF_VMM_PFNMAP_V0_ADDR,
			(u64)PFN_PHYS(my_zero_pfn(va + PAGE_SIZE)));
	nht_oracle(t, 0, words, 2, oracle, PAGE_SIZE);
	ro_want = NVKM_GP100_HMM_VALID | NVKM_GP100_PTE_APERTURE_SYS_COH |
		  NVKM_GP100_PTE_VOL | NVKM_GP100_PTE_READ_ONLY |
		  (PFN_PHYS(my_zero_pfn(va + PAGE_SIZE)) >> 4);
	KUNIT_EXPECT_EQ(test, oracle[1], ro_want);

	nht_fault(test, va, 4, req, out);
	KUNIT_EXPECT_EQ(test, nht_dma.n, 2U);
	KUNIT_EXPECT_EQ(test, nht_dma_dir(words[0] & NVIF_VMM_PFNMAP_V0_ADDR),
			DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, nht_dma_dir(words[1] & NVIF_VMM_PFNMAP_V0_ADDR),
			DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, (u64)out[0], oracle[0]);
	KUNIT_EXPECT_EQ(test, (u64)out[1], oracle[1]);
	KUNIT_EXPECT_EQ(test, out[2], 0UL);
	KUNIT_EXPECT_EQ(test, out[3], 0UL);

	/* The format's entries through the same table: stored as they are. */
	for (i = 0; i < 4; i++)
		words[i] = out[i];
	nht_nvkm_map(t, 0, 4, words, 4);
	KUNIT_EXPECT_EQ(test, nht_pte(t, 4 * 8), (u64)out[0]);
	KUNIT_EXPECT_EQ(test, nht_pte(t, 5 * 8), (u64)out[1]);
	KUNIT_EXPECT_EQ(test, nht_pte(t, 6 * 8), 0ULL);
	KUNIT_EXPECT_EQ(test, nht_pte(t, 7 * 8), 0ULL);

	/*
	 * nvkm's unmap after pfn_clear (VALID cleared): the read-only page
	 * was mapped DMA_TO_DEVICE by HMM and must be unmapped so.
	 */
	KUNIT_EXPECT_TRUE(test, pt->func->pfn_clear(&t->vmm, &t->pt, 4, 4));
	KUNIT_EXPECT_EQ(test, nht_pte(t, 4 * 8), (u64)out[0] & ~1ULL);
	pt->func->pfn_unmap(&t->vmm, &t->pt, 4, 4);
}

/*
 * A THP: 512 HUGE entries with contiguous addresses; the 2 MiB PTE nvkm
 * writes in PD0 for the huge page equals the first entry without HUGE.
 */
static void nht_thp(struct kunit *test)
{
	struct nht *t = test->priv;
	const struct nvkm_vmm_desc *pd0 = &gp100_vmm_desc_12[1];
	unsigned long va = nht_mmap(test, 2 * PMD_SIZE);
	unsigned long thp = ALIGN(va, PMD_SIZE);
	unsigned long *req, *out, i;
	u64 word, oracle;
	long val = 1;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		kunit_skip(test, "CONFIG_TRANSPARENT_HUGEPAGE is off");
	KUNIT_ASSERT_EQ(test, pd0->size, 16);
	req = kunit_kcalloc(test, HPAGE_PMD_NR, sizeof(*req), GFP_KERNEL);
	out = kunit_kcalloc(test, HPAGE_PMD_NR, sizeof(*out), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_ASSERT_NOT_NULL(test, out);

	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)thp, &val,
					   sizeof(val)), 0UL);
	word = nht_cpu_phys(test, thp);
	if (!IS_ALIGNED(word, PMD_SIZE) ||
	    nht_cpu_phys(test, thp + PMD_SIZE - PAGE_SIZE) !=
	    word + PMD_SIZE - PAGE_SIZE)
		kunit_skip(test, "no THP (transparent_hugepage not \"always\"?)");
	word |= NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_W;
	nht_oracle(t, 1, &word, 1, &oracle, PMD_SIZE);

	for (i = 0; i < HPAGE_PMD_NR; i++)
		req[i] = NVKM_GP100_HMM_REQ_FAULT | NVKM_GP100_HMM_REQ_WRITE;
	nht_fault(test, thp, HPAGE_PMD_NR, req, out);
	KUNIT_ASSERT_TRUE(test, hmm_format_entry_is_huge(&t->format, out[0]));
	for (i = 0; i < HPAGE_PMD_NR; i++)
		KUNIT_EXPECT_EQ_MSG(test, out[i],
				    out[0] + (i << NVKM_GP100_PTE_ADDR_SHIFT),
				    "entry %lu", i);
	KUNIT_EXPECT_EQ(test, out[0] & ~NVKM_GP100_HMM_HUGE, oracle);

	word = out[0];
	nht_nvkm_map(t, 1, 1, &word, 1);
	KUNIT_EXPECT_EQ(test, nht_pte(t, 16), out[0] & ~NVKM_GP100_HMM_HUGE);
	/* One 2 MiB unmap, as HMM mapped it. */
	KUNIT_EXPECT_TRUE(test, pd0->func->pfn_clear(&t->vmm, &t->pt, 1, 1));
	pd0->func->pfn_unmap(&t->vmm, &t->pt, 1, 1);
	KUNIT_EXPECT_EQ(test, nht_dma.n, 0U);

	/*
	 * A window that covers part of the THP only: no HUGE, each page
	 * mapped on its own at the address it has inside the huge page.
	 */
	nht_refault(test, thp + 8 * PAGE_SIZE, 8, req, out);
	KUNIT_EXPECT_EQ(test, nht_dma.n, 8U);
	for (i = 0; i < 8; i++) {
		KUNIT_EXPECT_FALSE(test, hmm_format_entry_is_huge(&t->format,
								  out[i]));
		KUNIT_EXPECT_EQ(test, out[i] & ~NVKM_GP100_HMM_HUGE,
				oracle + ((8 + i) << NVKM_GP100_PTE_ADDR_SHIFT));
	}
	hmm_format_dma_unmap_range(&t->format, out, 8);
}

/*
 * VRAM: the format's entry for a device page at VRAM address a (what HMM
 * writes from &hmm_pfn_format.device_addr) equals nvkm's PTE for 6.12's
 * VRAM word, for pages of two chunks, and the two differ.
 */
static void nht_vram(struct kunit *test)
{
	struct nht *t = test->priv;
	const u64 vram[2] = { 0x200000ULL + 0x3000, 0x7fe00000ULL + 0x1000 };
	const struct hmm_pfn_format *f = &t->format;
	int i;

	for (i = 0; i < 2; i++) {
		u64 word = vram[i] | NVIF_VMM_PFNMAP_V0_V |
			   NVIF_VMM_PFNMAP_V0_W | NVIF_VMM_PFNMAP_V0_VRAM;
		u64 want = f->flags[HMM_PFN_FLAG_VALID] |
			   f->flags[HMM_PFN_FLAG_WRITE] |
			   f->flags[HMM_PFN_FLAG_DEVICE_PRIVATE] |
			   f->flags_off[HMM_PFN_FLAG_HUGE] |
			   ((vram[i] >> PAGE_SHIFT) << f->pfn_shift);

		nht_nvkm_map(t, 0, i, &word, 1);
		KUNIT_EXPECT_EQ(test, nht_pte(t, i * 8), want);
	}
	KUNIT_EXPECT_NE(test, nht_pte(t, 0), nht_pte(t, 8));
	gp100_vmm_desc_12[0].func->pfn_unmap(&t->vmm, &t->pt, 0, 2);
}

/*
 * A VMM with one path of GP100 tables, for nvkm_gp100_hmm_installed(): the
 * 4 KiB page size of gp100_vmm_desc_12[], a software directory per level
 * down to the PD0 holding addr, whose hardware table and SPT are buffers.
 */
static const struct nvkm_vmm_func nht_vmm_func = {
	.page = {
		{ 12, &gp100_vmm_desc_12[0], NVKM_VMM_PAGE_HOST },
		{}
	},
};

struct nht_tree {
	struct nvkm_uvmm uvmm;
	struct nvkm_vmm vmm;
	struct nvkm_vmm_pt *pgt[5];
	struct nht_memory pd0, spt;
	struct nvkm_mmu_pt pd0_pt, spt_pt;
	u32 idx[5];
};

static struct nht_tree *nht_tree(struct kunit *test, u64 addr)
{
	const struct nvkm_vmm_desc *desc = gp100_vmm_desc_12;
	struct nht_tree *tr = kunit_kzalloc(test, sizeof(*tr), GFP_KERNEL);
	u64 bits = addr >> 12;
	int lvl;

	KUNIT_ASSERT_NOT_NULL(test, tr);
	for (lvl = 0; lvl < 5; lvl++) {
		KUNIT_ASSERT_NE(test, desc[lvl].bits, 0);
		tr->idx[lvl] = bits & ((1 << desc[lvl].bits) - 1);
		bits >>= desc[lvl].bits;
		tr->pgt[lvl] = kunit_kzalloc(test, sizeof(*tr->pgt[lvl]),
					     GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, tr->pgt[lvl]);
		tr->pgt[lvl]->pde = kunit_kcalloc(test, 1 << desc[lvl].bits,
						  sizeof(*tr->pgt[lvl]->pde),
						  GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, tr->pgt[lvl]->pde);
	}
	KUNIT_ASSERT_EQ(test, desc[5].bits, 0);
	for (lvl = 4; lvl > 0; lvl--)
		tr->pgt[lvl]->pde[tr->idx[lvl]] = tr->pgt[lvl - 1];

	tr->pd0.memory.func = &nht_memory_func;
	tr->pd0.memory.ptrs = &nht_memory_ptrs;
	tr->spt.memory.func = &nht_memory_func;
	tr->spt.memory.ptrs = &nht_memory_ptrs;
	tr->pd0_pt.memory = &tr->pd0.memory;
	tr->spt_pt.memory = &tr->spt.memory;
	tr->pgt[1]->pt[0] = &tr->pd0_pt;
	tr->pgt[0]->pt[1] = &tr->spt_pt;

	tr->vmm.func = &nht_vmm_func;
	tr->vmm.mmu = ((struct nht *)test->priv)->vmm.mmu;
	tr->vmm.name = "kunit";
	tr->vmm.limit = 1ULL << 49;
	tr->vmm.pd = tr->pgt[4];
	mutex_init(&tr->vmm.mutex.vmm);
	tr->uvmm.vmm = &tr->vmm;
	return tr;
}

/*
 * What a window holds is read back as HMM's "installed" entries: HMM then
 * keeps them (no second DMA mapping), maps a page whose entry is gone
 * anew, and a 2 MiB PTE of PD0 reads as the HUGE entries of its pages.
 */
static void nht_installed(struct kunit *test)
{
	struct nht *t = test->priv;
	const struct nvkm_vmm_desc *pt = &gp100_vmm_desc_12[0];
	unsigned long req[4], out[4], again[4], installed[4];
	unsigned long va = nht_mmap(test, 4 * PAGE_SIZE);
	struct hmm_range range = {
		.notifier = &t->notifier,
		.start = va,
		.end = va + 4 * PAGE_SIZE,
		.hmm_pfns = again,
		.pfn_flags_mask = ~0UL,
		.format = &t->format,
		.installed = installed,
	};
	struct nht_tree *tr;
	u64 words[4], pde;
	long val = 7;
	int i;

	if ((va >> 21) != ((va + 4 * PAGE_SIZE - 1) >> 21))
		kunit_skip(test, "the mapping crosses 2 MiB");
	tr = nht_tree(test, va);
	for (i = 0; i < 4; i++) {
		req[i] = NVKM_GP100_HMM_REQ_FAULT | NVKM_GP100_HMM_REQ_WRITE;
		KUNIT_ASSERT_EQ(test,
				copy_to_user((void __user *)(va + i * PAGE_SIZE),
					     &val, sizeof(val)), 0UL);
	}
	nht_fault(test, va, 4, req, out);
	KUNIT_ASSERT_EQ(test, nht_dma.n, 4U);

	/* Nothing installed yet: all zero. */
	KUNIT_ASSERT_EQ(test, nvkm_gp100_hmm_installed(&tr->uvmm.object, va, 4,
						       installed), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, installed[i], 0UL);

	/* Installed through nvkm's table, read back as they were. */
	for (i = 0; i < 4; i++)
		words[i] = out[i];
	pt->func->pfn(&tr->vmm, &tr->spt_pt, tr->idx[0], 4,
		      &(struct nvkm_vmm_map){ .pfn = words });
	KUNIT_ASSERT_EQ(test, nvkm_gp100_hmm_installed(&tr->uvmm.object, va, 4,
						       installed), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, installed[i], out[i]);

	/* HMM keeps them: same entries, no new mapping. */
	memcpy(again, req, sizeof(req));
	range.notifier_seq = mmu_interval_read_begin(&t->notifier);
	mmap_read_lock(current->mm);
	KUNIT_ASSERT_EQ(test, hmm_range_fault(&range), 0);
	mmap_read_unlock(current->mm);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, again[i], out[i]);
	KUNIT_EXPECT_EQ(test, nht_dma.n, 4U);

	/* Page 2's entry cleared (as by an invalidation): mapped anew. */
	installed[2] = 0;
	memcpy(again, req, sizeof(req));
	range.notifier_seq = mmu_interval_read_begin(&t->notifier);
	mmap_read_lock(current->mm);
	KUNIT_ASSERT_EQ(test, hmm_range_fault(&range), 0);
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_EQ(test, nht_dma.n, 5U);
	hmm_format_dma_discard_range(&t->format, again, installed, 4);
	KUNIT_EXPECT_EQ(test, nht_dma.n, 4U);

	/* A 2 MiB PTE in the PD0 entry: the HUGE entries of its pages. */
	pde = NVKM_GP100_HMM_VALID | NVKM_GP100_PTE_APERTURE_SYS_COH |
	      NVKM_GP100_PTE_VOL | (0x40000000ULL >> 4);
	tr->pd0.words[tr->idx[1] * 4] = lower_32_bits(pde);
	tr->pd0.words[tr->idx[1] * 4 + 1] = upper_32_bits(pde);
	KUNIT_ASSERT_EQ(test, nvkm_gp100_hmm_installed(&tr->uvmm.object, va, 4,
						       installed), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, (u64)installed[i],
				(pde | NVKM_GP100_HMM_HUGE) +
				((u64)(tr->idx[0] + i) << 8));
	tr->pd0.words[tr->idx[1] * 4] = 0;

	/* A window crossing 2 MiB or past the VMM is refused. */
	KUNIT_EXPECT_EQ(test, nvkm_gp100_hmm_installed(&tr->uvmm.object,
						       ALIGN(va, SZ_2M) -
						       PAGE_SIZE, 2,
						       installed), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvkm_gp100_hmm_installed(&tr->uvmm.object,
						       1ULL << 49, 1,
						       installed), -EINVAL);

	/* Torn down as nvkm does: clear, then unmap. */
	KUNIT_EXPECT_TRUE(test, pt->func->pfn_clear(&tr->vmm, &tr->spt_pt,
						    tr->idx[0], 4));
	pt->func->pfn_unmap(&tr->vmm, &tr->spt_pt, tr->idx[0], 4);
}

static struct kunit_case nouveau_svm_hmm_cases[] = {
	KUNIT_CASE(nht_4k_pages),
	KUNIT_CASE(nht_thp),
	KUNIT_CASE(nht_vram),
	KUNIT_CASE(nht_installed),
	{}
};

static struct kunit_suite nouveau_svm_hmm_suite = {
	.name = "nouveau_svm_hmm",
	.init = nht_init,
	.exit = nht_exit,
	.test_cases = nouveau_svm_hmm_cases,
};

kunit_test_suite(nouveau_svm_hmm_suite);
