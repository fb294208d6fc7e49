// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for hmm_range_fault(): the generic encoding and the device
 * entry format (struct hmm_pfn_format), against real user mappings that
 * kunit_vm_mmap() creates in the test thread's own mm.
 *
 * Every case builds its mappings, registers an interval notifier over them
 * and compares each output word with the value it must have. Physical page
 * numbers are learnt independently with get_user_pages() (or, for the zero
 * page, from zero_pfn) and the expected words are built from them.
 */
#include <kunit/test.h>
#include <kunit/device.h>
#include <linux/anon_inodes.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hmm.h>
#include <linux/hugetlb.h>
#include <linux/kthread.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/rmap.h>
#include <asm/tlb.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>
#include <linux/pagewalk.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>

#define KT_RW		(PROT_READ | PROT_WRITE)
#define KT_PRIV		(MAP_PRIVATE | MAP_ANONYMOUS)
#define KT_MAX_PAGES	(PMD_SIZE >> PAGE_SHIFT)

/* GP100 PTE fields (MMU format version 2; hw/vsvm_mmu_format.h). */
#define GP100_VALID		BIT_ULL(0)
#define GP100_APERTURE_VID	(0ULL << 1)
#define GP100_APERTURE_SYS_COH	(2ULL << 1)
#define GP100_VOL		BIT_ULL(3)
#define GP100_READ_ONLY		BIT_ULL(6)
#define GP100_ADDR_SHIFT	8	/* address >> 12 at bit 8 */

/*
 * Bits this test's imaginary driver chooses: a HUGE marker in a bit GP100
 * leaves unused (the driver clears it before writing a 2 MiB PTE), two input
 * request bits, and three invalid (VALID=0) entries for the values.
 */
#define KT_HUGE		BIT_ULL(54)
#define KT_REQ_READ	BIT_ULL(62)
#define KT_REQ_WRITE	BIT_ULL(61)
#define KT_NONE		0ULL
#define KT_ERROR	BIT_ULL(55)
#define KT_SPECIAL	(BIT_ULL(55) | BIT_ULL(1))

static const struct hmm_pfn_format kt_gp100 = {
	.flags = {
		[HMM_PFN_FLAG_VALID]		= GP100_VALID,
		[HMM_PFN_FLAG_WRITE]		= 0,
		[HMM_PFN_FLAG_DEVICE_PRIVATE]	= GP100_APERTURE_VID,
		[HMM_PFN_FLAG_HUGE]		= KT_HUGE,
		[HMM_PFN_FLAG_REQ_FAULT]	= KT_REQ_READ,
		[HMM_PFN_FLAG_REQ_WRITE]	= KT_REQ_WRITE,
	},
	.flags_off = {
		[HMM_PFN_FLAG_WRITE]		= GP100_READ_ONLY,
		[HMM_PFN_FLAG_DEVICE_PRIVATE]	= GP100_APERTURE_SYS_COH |
						  GP100_VOL,
	},
	.values = {
		[HMM_PFN_VALUE_ERROR]		= KT_ERROR,
		[HMM_PFN_VALUE_NONE]		= KT_NONE,
		[HMM_PFN_VALUE_SPECIAL]		= KT_SPECIAL,
	},
	.pfn_shift = GP100_ADDR_SHIFT,
};

/* The GP100 system-page PTE exactly as the hardware document spells it. */
static u64 kt_gp100_sys(u64 addr, bool writable)
{
	return GP100_VALID | GP100_APERTURE_SYS_COH | GP100_VOL |
	       (writable ? 0 : GP100_READ_ONLY) | (addr >> 4);
}

static u64 kt_gp100_pfn(unsigned long pfn, bool writable)
{
	return kt_gp100_sys(PFN_PHYS(pfn), writable);
}

static u64 kt_generic(unsigned long pfn, bool writable)
{
	return pfn | HMM_PFN_VALID | (writable ? HMM_PFN_WRITE : 0);
}

/* ---- plumbing ---------------------------------------------------------- */

static bool kt_invalidate(struct mmu_interval_notifier *mni,
			  const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	/* Single-threaded test: no driver lock needed around the update. */
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops kt_mni_ops = {
	.invalidate = kt_invalidate,
};

KUNIT_DEFINE_ACTION_WRAPPER(kt_mni_remove, mmu_interval_notifier_remove,
			    struct mmu_interval_notifier *);
KUNIT_DEFINE_ACTION_WRAPPER(kt_fput, fput, struct file *);

static unsigned long kt_mmap(struct kunit *test, struct file *file,
			     unsigned long addr, unsigned long len,
			     unsigned long prot, unsigned long flags)
{
	unsigned long va = kunit_vm_mmap(test, file, addr, len, prot, flags, 0);

	KUNIT_ASSERT_TRUE_MSG(test, va && !IS_ERR_VALUE(va),
			      "vm_mmap(len %lu, prot %lx) failed: %ld",
			      len, prot, (long)va);
	return va;
}

/* An interval notifier over [start, start + len) of the test's mm. */
static struct mmu_interval_notifier *kt_notifier(struct kunit *test,
						 unsigned long start,
						 unsigned long len)
{
	struct mmu_interval_notifier *mni;
	int ret;

	mni = kunit_kzalloc(test, sizeof(*mni), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mni);
	ret = mmu_interval_notifier_insert(mni, current->mm, start, len,
					   &kt_mni_ops);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_mni_remove,
							mni), 0);
	return mni;
}

/*
 * One hmm_range_fault() call the way a driver makes it: read_begin, mmap
 * read lock, call, retry on -EBUSY with the input words restored (a failed
 * call may have overwritten part of them). installed: see hmm_range.
 */
/* Call hmm_range_fault() on range, retried on -EBUSY from the input in. */
static int kt_fault_range(struct hmm_range *range, const unsigned long *in)
{
	unsigned long npages = (range->end - range->start) >> PAGE_SHIFT;
	int tries, ret = -EBUSY;

	for (tries = 0; tries < 32 && ret == -EBUSY; tries++) {
		if (in)
			memcpy(range->hmm_pfns, in, npages * sizeof(*in));
		else
			memset(range->hmm_pfns, 0, npages * sizeof(*in));
		range->notifier_seq = mmu_interval_read_begin(range->notifier);
		mmap_read_lock(range->notifier->mm);
		ret = hmm_range_fault(range);
		mmap_read_unlock(range->notifier->mm);
	}
	return ret;
}

static int kt_fault_installed(struct mmu_interval_notifier *mni,
			      const struct hmm_pfn_format *fmt,
			      unsigned long start, unsigned long npages,
			      unsigned long dflags, unsigned long mask,
			      const unsigned long *in,
			      const unsigned long *installed,
			      unsigned long *out)
{
	struct hmm_range range = {
		.notifier = mni,
		.start = start,
		.end = start + npages * PAGE_SIZE,
		.hmm_pfns = out,
		.default_flags = dflags,
		.pfn_flags_mask = mask,
		.format = fmt,
		.installed = installed,
	};

	return kt_fault_range(&range, in);
}

static int kt_fault(struct mmu_interval_notifier *mni,
		    const struct hmm_pfn_format *fmt, unsigned long start,
		    unsigned long npages, unsigned long dflags,
		    unsigned long mask, const unsigned long *in,
		    unsigned long *out)
{
	return kt_fault_installed(mni, fmt, start, npages, dflags, mask, in,
				  NULL, out);
}

/* The PFN the CPU currently maps at addr (which must be present). */
static unsigned long kt_cpu_pfn(struct kunit *test, unsigned long addr)
{
	struct page *page;
	unsigned long pfn;
	long n;

	mmap_read_lock(current->mm);
	n = get_user_pages(addr, 1, 0, &page);
	mmap_read_unlock(current->mm);
	KUNIT_ASSERT_EQ_MSG(test, n, 1, "get_user_pages(%lx)", addr);
	pfn = page_to_pfn(page);
	put_page(page);
	return pfn;
}

static unsigned long *kt_words(struct kunit *test, unsigned long n)
{
	unsigned long *w = kunit_kcalloc(test, n, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	return w;
}

static void kt_expect_words(struct kunit *test, const unsigned long *got,
			    const unsigned long *want, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], want[i], "word %lu", i);
}

/* ---- generic encoding --------------------------------------------------- */

/* Absent anonymous pages read as 0; after a write fault, PFN|VALID|WRITE. */
static void hmm_kt_generic_anon(struct kunit *test)
{
	const unsigned long n = 4;
	unsigned long *out = kt_words(test, n), *want = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long va, i;

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);

	/* Snapshot only: nothing is present yet. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n, 0, 0, NULL, out), 0);
	kt_expect_words(test, out, want, n);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n,
				       HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
				       0, NULL, out), 0);
	for (i = 0; i < n; i++)
		want[i] = kt_generic(kt_cpu_pfn(test, va + i * PAGE_SIZE), true);
	kt_expect_words(test, out, want, n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, hmm_pfn_to_map_order(out[i]), 0U);

	/* A second, request-free call reports the same pages. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n, 0, 0, NULL, out), 0);
	kt_expect_words(test, out, want, n);
}

/* Read fault maps the zero page read-only; write fault replaces it. */
static void hmm_kt_generic_read_write(struct kunit *test)
{
	const unsigned long n = 2;
	unsigned long *out = kt_words(test, n), *want = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long va, pfn;

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n, HMM_PFN_REQ_FAULT, 0,
				       NULL, out), 0);
	want[0] = kt_generic(my_zero_pfn(va), false);
	want[1] = kt_generic(my_zero_pfn(va + PAGE_SIZE), false);
	kt_expect_words(test, out, want, n);
	KUNIT_EXPECT_PTR_EQ(test, hmm_pfn_to_page(out[0]), ZERO_PAGE(va));

	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n,
				       HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
				       0, NULL, out), 0);
	pfn = kt_cpu_pfn(test, va);
	KUNIT_EXPECT_FALSE(test, is_zero_pfn(pfn));
	want[0] = kt_generic(pfn, true);
	want[1] = kt_generic(kt_cpu_pfn(test, va + PAGE_SIZE), true);
	kt_expect_words(test, out, want, n);
	KUNIT_EXPECT_EQ(test, hmm_pfn_to_phys(out[0]), PFN_PHYS(pfn));
}

/* Write request in a read-only VMA is -EPERM; a read request is fine. */
static void hmm_kt_readonly_vma(struct kunit *test)
{
	const unsigned long n = 2;
	unsigned long *out = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long va;

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, PROT_READ, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, kt_fault(mni, NULL, va, n,
				       HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
				       0, NULL, out), -EPERM);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &kt_gp100, va, n, KT_REQ_WRITE, 0,
				       NULL, out), -EPERM);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, n, KT_REQ_READ, 0,
				       NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(my_zero_pfn(va), false));
	KUNIT_EXPECT_EQ(test, out[1],
			kt_gp100_pfn(my_zero_pfn(va + PAGE_SIZE), false));
}

/* PROT_NONE: ERROR without request, -EFAULT with one. */
static void hmm_kt_prot_none(struct kunit *test)
{
	const unsigned long n = 2;
	unsigned long *out = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long va;

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, PROT_NONE, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], (unsigned long)HMM_PFN_ERROR);
	KUNIT_EXPECT_EQ(test, out[1], (unsigned long)HMM_PFN_ERROR);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, NULL, va, n, HMM_PFN_REQ_FAULT, 0,
				       NULL, out), -EFAULT);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, n, 0, 0, NULL, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0], KT_ERROR);
	KUNIT_EXPECT_EQ(test, out[1], KT_ERROR);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &kt_gp100, va, n, KT_REQ_READ, 0,
				       NULL, out), -EFAULT);
}

/*
 * Six pages: RW, RW, RO (own VMA), RW, hole, RW, nothing populated yet.
 * Returns the address of the first page.
 */
static unsigned long kt_mixed_layout(struct kunit *test, unsigned long n)
{
	unsigned long va;

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	kt_mmap(test, NULL, va + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
		KT_PRIV | MAP_FIXED);
	KUNIT_ASSERT_EQ(test, vm_munmap(va + 4 * PAGE_SIZE, PAGE_SIZE), 0);
	return va;
}

/*
 * Per-page requests in one call over several VMAs and a hole: write, none,
 * read, write, none, read. With a device format exactly the requested pages
 * are faulted, each for its own access; the generic encoding keeps 6.12's
 * rule, under which the unrequested page 1 is faulted along with page 0.
 */
static void hmm_kt_vmas_holes_mixed(struct kunit *test)
{
	const unsigned long n = 6;
	unsigned long *out = kt_words(test, n), *want = kt_words(test, n);
	unsigned long *in = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long va;

	/* Device terms, fresh mappings. */
	va = kt_mixed_layout(test, n);
	mni = kt_notifier(test, va, n * PAGE_SIZE);
	in[0] = KT_REQ_WRITE;		/* write alone implies the fault */
	in[2] = KT_REQ_READ;
	in[3] = KT_REQ_READ | KT_REQ_WRITE;
	in[5] = KT_REQ_READ;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, n, 0,
				       KT_REQ_READ | KT_REQ_WRITE, in, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(kt_cpu_pfn(test, va), true));
	KUNIT_EXPECT_EQ(test, out[1], KT_NONE);
	KUNIT_EXPECT_EQ(test, out[2], kt_gp100_pfn(my_zero_pfn(va), false));
	KUNIT_EXPECT_EQ(test, out[3],
			kt_gp100_pfn(kt_cpu_pfn(test, va + 3 * PAGE_SIZE),
				     true));
	KUNIT_EXPECT_EQ(test, out[4], KT_ERROR);
	KUNIT_EXPECT_EQ(test, out[5], kt_gp100_pfn(my_zero_pfn(va), false));

	/* Asking for the hole is -EFAULT. */
	memset(in, 0, n * sizeof(*in));
	in[4] = KT_REQ_READ;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &kt_gp100, va, n, 0, KT_REQ_READ,
				       in, out), -EFAULT);

	/* Generic encoding, fresh mappings: request bits are output bits. */
	va = kt_mixed_layout(test, n);
	mni = kt_notifier(test, va, n * PAGE_SIZE);
	memset(in, 0, n * sizeof(*in));
	in[0] = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	in[2] = HMM_PFN_REQ_FAULT;
	in[3] = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	in[5] = HMM_PFN_REQ_FAULT;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n, 0,
				       HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
				       in, out), 0);
	want[0] = kt_generic(kt_cpu_pfn(test, va), true);
	/* 6.12 faults the whole empty run [0, 2) for write. */
	want[1] = kt_generic(kt_cpu_pfn(test, va + PAGE_SIZE), true);
	want[2] = kt_generic(my_zero_pfn(va), false);
	want[3] = kt_generic(kt_cpu_pfn(test, va + 3 * PAGE_SIZE), true);
	want[4] = HMM_PFN_ERROR;
	want[5] = kt_generic(my_zero_pfn(va), false);
	kt_expect_words(test, out, want, n);
}

/* default_flags and pfn_flags_mask, generic and device terms. */
static void hmm_kt_default_flags_mask(struct kunit *test)
{
	const unsigned long n = 3;
	unsigned long *out = kt_words(test, n), *in = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long va, p1, i;

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);

	/* Requests in the words are ignored when the mask is 0. */
	for (i = 0; i < n; i++)
		in[i] = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n, 0, 0, in, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], 0UL);
	KUNIT_EXPECT_EQ(test, out[1], 0UL);
	KUNIT_EXPECT_EQ(test, out[2], 0UL);

	/* Device terms: read everything, write only where the word says. */
	in[0] = 0;
	in[1] = KT_REQ_WRITE | KT_HUGE;	/* KT_HUGE is masked away */
	in[2] = KT_REQ_READ;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, n, KT_REQ_READ,
				       KT_REQ_WRITE, in, out), 0);
	p1 = kt_cpu_pfn(test, va + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(my_zero_pfn(va), false));
	KUNIT_EXPECT_EQ(test, out[1], kt_gp100_pfn(p1, true));
	KUNIT_EXPECT_EQ(test, out[2], kt_gp100_pfn(my_zero_pfn(va), false));

	/* Generic: default read, per-page write on page 2 only. */
	memset(in, 0, n * sizeof(*in));
	in[2] = HMM_PFN_REQ_WRITE;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n, HMM_PFN_REQ_FAULT,
				       HMM_PFN_REQ_WRITE, in, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_generic(my_zero_pfn(va), false));
	KUNIT_EXPECT_EQ(test, out[1], kt_generic(p1, true));
	KUNIT_EXPECT_EQ(test, out[2],
			kt_generic(kt_cpu_pfn(test, va + 2 * PAGE_SIZE), true));
}

/* An invalidation between read_begin and the call gives -EBUSY. */
static void hmm_kt_ebusy(struct kunit *test)
{
	const unsigned long n = 2;
	unsigned long *out = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	struct hmm_range range = { };
	unsigned long va;

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, n,
				       HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
				       0, NULL, out), 0);

	range.notifier = mni;
	range.start = va;
	range.end = va + n * PAGE_SIZE;
	range.hmm_pfns = out;
	range.format = &kt_gp100;
	range.notifier_seq = mmu_interval_read_begin(mni);
	/* Unmapping a present page invalidates the interval. */
	KUNIT_ASSERT_EQ(test, vm_munmap(va + PAGE_SIZE, PAGE_SIZE), 0);

	mmap_read_lock(mni->mm);
	KUNIT_EXPECT_EQ(test, hmm_range_fault(&range), -EBUSY);
	mmap_read_unlock(mni->mm);
	KUNIT_EXPECT_TRUE(test, mmu_interval_read_retry(mni,
							range.notifier_seq));
}

static struct device *kt_dma_device(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "hmm_kunit_dma");

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	/*
	 * KUnit devices have no DMA mask; dma-direct needs one. 47 bits, as
	 * Pascal GPUs address system memory: the address field then ends
	 * below the test format's HUGE bit.
	 */
	dev->dma_mask = &dev->coherent_dma_mask;
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(47)))
		kunit_skip(test, "cannot set a 47-bit DMA mask");
	return dev;
}

/* A bad format is refused before anything is touched. */
static void hmm_kt_bad_format(struct kunit *test)
{
	struct hmm_pfn_format bad = kt_gp100;
	unsigned long out[1] = { 0 };
	struct device *dev;
	struct mmu_interval_notifier *mni;
	unsigned long va;

	va = kt_mmap(test, NULL, 0, PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, PAGE_SIZE);

	bad.values[HMM_PFN_VALUE_NONE] = GP100_VALID;	/* looks valid */
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out),
			-EINVAL);
	bad = kt_gp100;
	bad.flags[HMM_PFN_FLAG_VALID] = 0;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out),
			-EINVAL);
	/* With DMA, read-only and writable entries must differ. */
	bad = kt_gp100;
	dev = kt_dma_device(test);
	bad.dma_dev = dev;
	bad.flags_off[HMM_PFN_FLAG_WRITE] = 0;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out),
			-EINVAL);
	/* A flag inside the address field of some physical address. */
	bad = kt_gp100;
	bad.flags[HMM_PFN_FLAG_HUGE] = BIT_ULL(GP100_ADDR_SHIFT +
					       MAX_PHYSMEM_BITS - PAGE_SHIFT - 1);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out),
			-EINVAL);
	/* ... or of a DMA address within the device's mask (47 bits). */
	bad.flags[HMM_PFN_FLAG_HUGE] = BIT_ULL(GP100_ADDR_SHIFT + 47 -
					       PAGE_SHIFT - 1);
	bad.dma_dev = dev;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out),
			-EINVAL);
	bad.flags[HMM_PFN_FLAG_HUGE] = BIT_ULL(GP100_ADDR_SHIFT + 47 -
					       PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out), 0);
	hmm_format_dma_discard_range(&bad, out, NULL, 1);
	/* Request bits in the address field, or on an entry's flags. */
	bad = kt_gp100;
	bad.flags[HMM_PFN_FLAG_REQ_FAULT] = BIT_ULL(GP100_ADDR_SHIFT);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out),
			-EINVAL);
	bad = kt_gp100;
	bad.flags[HMM_PFN_FLAG_REQ_WRITE] = GP100_READ_ONLY;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out),
			-EINVAL);
	/* The address field must fit in 64 bits. */
	bad = kt_gp100;
	bad.pfn_shift = 40;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &bad, va, 1, 0, 0, NULL, out),
			-EINVAL);
}

/* ---- GP100 format -------------------------------------------------------- */

/*
 * Writable page, zero page (read-only), absent page, plus a PROT_NONE VMA
 * and a hole, all in one call; the PTEs must be the GP100 ones bit for bit.
 */
static void hmm_kt_gp100_ptes(struct kunit *test)
{
	const unsigned long n = 5;
	unsigned long *out = kt_words(test, n), *in = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long va, pfn;

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	kt_mmap(test, NULL, va + 3 * PAGE_SIZE, PAGE_SIZE, PROT_NONE,
		KT_PRIV | MAP_FIXED);
	KUNIT_ASSERT_EQ(test, vm_munmap(va + 4 * PAGE_SIZE, PAGE_SIZE), 0);
	mni = kt_notifier(test, va, n * PAGE_SIZE);

	in[0] = KT_REQ_WRITE;
	in[1] = KT_REQ_READ;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, n, 0, ~0UL, in,
				       out), 0);
	pfn = kt_cpu_pfn(test, va);
	/* VALID | SYS_COH | VOL | address >> 4, READ_ONLY clear. */
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_sys(PFN_PHYS(pfn), true));
	KUNIT_EXPECT_EQ(test, out[0] & 0xff, 0x0dUL);
	KUNIT_EXPECT_EQ(test, out[0] >> 8, pfn);
	/* Zero page: READ_ONLY set. */
	KUNIT_EXPECT_EQ(test, out[1], kt_gp100_pfn(my_zero_pfn(va), false));
	KUNIT_EXPECT_EQ(test, out[1] & 0xff, 0x4dUL);
	KUNIT_EXPECT_EQ(test, out[2], KT_NONE);
	KUNIT_EXPECT_EQ(test, out[3], KT_ERROR);
	KUNIT_EXPECT_EQ(test, out[4], KT_ERROR);

	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_valid(&kt_gp100, out[0]));
	KUNIT_EXPECT_FALSE(test, hmm_format_entry_is_valid(&kt_gp100, out[2]));
	KUNIT_EXPECT_FALSE(test, hmm_format_entry_is_huge(&kt_gp100, out[0]));
	/* Without a DMA device there is nothing to unmap. */
	KUNIT_EXPECT_EQ(test, hmm_format_dma_unmap(&kt_gp100, out[0]), 0UL);
}

/* ---- file mappings -------------------------------------------------------- */

/*
 * One shmem file mapped shared and private. The shared mapping and a read of
 * the private one see the page-cache page; a write to the private one gets
 * its own copy.
 */
static void hmm_kt_shmem(struct kunit *test)
{
	unsigned long *out = kt_words(test, 1);
	struct mmu_interval_notifier *shr, *prv;
	unsigned long va_s, va_p, cache_pfn, copy_pfn;
	struct file *file;

	file = shmem_file_setup("hmm_kunit", PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_fput, file),
			0);

	va_s = kt_mmap(test, file, 0, PAGE_SIZE, KT_RW, MAP_SHARED);
	va_p = kt_mmap(test, file, 0, PAGE_SIZE, KT_RW, MAP_PRIVATE);
	shr = kt_notifier(test, va_s, PAGE_SIZE);
	prv = kt_notifier(test, va_p, PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, kt_fault(shr, NULL, va_s, 1,
				       HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
				       0, NULL, out), 0);
	cache_pfn = kt_cpu_pfn(test, va_s);
	KUNIT_EXPECT_EQ(test, out[0], kt_generic(cache_pfn, true));

	KUNIT_ASSERT_EQ(test, kt_fault(prv, &kt_gp100, va_p, 1, KT_REQ_READ, 0,
				       NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(cache_pfn, false));

	KUNIT_ASSERT_EQ(test, kt_fault(prv, &kt_gp100, va_p, 1, KT_REQ_WRITE,
				       0, NULL, out), 0);
	copy_pfn = kt_cpu_pfn(test, va_p);
	KUNIT_EXPECT_NE(test, copy_pfn, cache_pfn);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(copy_pfn, true));

	/* The shared mapping still maps the page-cache page. */
	KUNIT_ASSERT_EQ(test, kt_fault(shr, NULL, va_s, 1, 0, 0, NULL, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0], kt_generic(cache_pfn, true));
}

/* ---- VM_PFNMAP ------------------------------------------------------------ */

static int kt_pfnmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct page *page = file->private_data;

	if (vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(page),
			       PAGE_SIZE, vma->vm_page_prot);
}

static const struct file_operations kt_pfnmap_fops = {
	.owner = THIS_MODULE,
	.mmap = kt_pfnmap_mmap,
};

KUNIT_DEFINE_ACTION_WRAPPER(kt_free_page, __free_page, struct page *);

/* A remap_pfn_range() VMA: ERROR / SPECIAL, and -EFAULT when requested. */
static void hmm_kt_pfnmap(struct kunit *test)
{
	unsigned long *out = kt_words(test, 1);
	struct mmu_interval_notifier *mni;
	struct vm_area_struct *vma;
	vm_flags_t vm_flags;
	struct file *file;
	struct page *page;
	unsigned long va;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_free_page,
							page), 0);
	file = anon_inode_getfile("hmm_kunit_pfnmap", &kt_pfnmap_fops, page,
				  O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_fput, file),
			0);

	va = kt_mmap(test, file, 0, PAGE_SIZE, KT_RW, MAP_SHARED);
	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, va);
	vm_flags = vma ? vma->vm_flags : 0;
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_TRUE(test, vm_flags & VM_PFNMAP);
	KUNIT_EXPECT_TRUE(test, vm_flags & VM_IO);
	mni = kt_notifier(test, va, PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, 1, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], (unsigned long)HMM_PFN_ERROR);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, NULL, va, 1, HMM_PFN_REQ_FAULT, 0,
				       NULL, out), -EFAULT);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, 0, 0, NULL, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0], KT_SPECIAL);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_READ, 0,
				       NULL, out), -EFAULT);
	KUNIT_EXPECT_EQ(test, vm_munmap(va, PAGE_SIZE), 0);
}

/* ---- THP ------------------------------------------------------------------ */

/*
 * A PMD-aligned 2 MiB anonymous region inside a 4 MiB mapping, marked
 * MADV_HUGEPAGE and write-faulted through HMM. Skips when the kernel did
 * not map it with a PMD (THP disabled or no free huge page).
 */
static unsigned long kt_thp(struct kunit *test,
			    struct mmu_interval_notifier **mni,
			    unsigned long *out)
{
	const unsigned long n = KT_MAX_PAGES;
	unsigned long va, thp, i;
	int ret;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		kunit_skip(test, "CONFIG_TRANSPARENT_HUGEPAGE is off");

	va = kt_mmap(test, NULL, 0, 2 * PMD_SIZE, KT_RW, KT_PRIV);
	thp = ALIGN(va, PMD_SIZE);
	ret = do_madvise(current->mm, thp, PMD_SIZE, MADV_HUGEPAGE);
	KUNIT_ASSERT_EQ(test, ret, 0);
	*mni = kt_notifier(test, thp, PMD_SIZE);

	KUNIT_ASSERT_EQ(test, kt_fault(*mni, NULL, thp, n,
				       HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
				       0, NULL, out), 0);
	if (hmm_pfn_to_map_order(out[0]) != PMD_SHIFT - PAGE_SHIFT)
		kunit_skip(test, "no PMD mapping (THP disabled or no huge page free), order %u",
			   hmm_pfn_to_map_order(out[0]));

	for (i = 0; i < n; i++) {
		unsigned long want = (out[0] & ~HMM_PFN_FLAGS) + i;

		want |= HMM_PFN_VALID | HMM_PFN_WRITE;
		want |= (unsigned long)(PMD_SHIFT - PAGE_SHIFT) <<
			HMM_PFN_ORDER_SHIFT;
		if (out[i] != want) {
			KUNIT_FAIL(test, "word %lu: %lx, want %lx", i, out[i],
				   want);
			break;
		}
	}
	KUNIT_EXPECT_EQ(test, (out[0] & ~HMM_PFN_FLAGS) % n, 0UL);
	KUNIT_EXPECT_EQ(test, out[0] & ~HMM_PFN_FLAGS, kt_cpu_pfn(test, thp));
	return thp;
}

/* Every entry of the PMD run carries HUGE, also when the range is clipped. */
static void hmm_kt_thp(struct kunit *test)
{
	const unsigned long n = KT_MAX_PAGES;
	unsigned long *out = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long thp, head, i;

	thp = kt_thp(test, &mni, out);
	head = out[0] & ~HMM_PFN_FLAGS;

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, thp, n, 0, 0, NULL,
				       out), 0);
	for (i = 0; i < n; i++) {
		u64 want = kt_gp100_pfn(head + i, true) | KT_HUGE;

		if (out[i] != want) {
			KUNIT_FAIL(test, "entry %lu: %lx, want %llx", i, out[i],
				   want);
			break;
		}
	}

	/* Four pages from the middle of the huge page. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, thp + 16 * PAGE_SIZE, 4,
				       KT_REQ_READ, 0, NULL, out), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, out[i],
				kt_gp100_pfn(head + 16 + i, true) | KT_HUGE);
}

/* ---- DMA ------------------------------------------------------------------ */

/*
 * The format names a DMA device: entries hold DMA addresses (dma-direct
 * here, so phys_to_dma() of the page) and must be unmapped by the caller.
 */
static void hmm_kt_gp100_dma(struct kunit *test)
{
	const unsigned long n = 3;
	unsigned long *out = kt_words(test, n), *in = kt_words(test, n);
	struct hmm_pfn_format fmt = kt_gp100;
	struct mmu_interval_notifier *mni;
	unsigned long va, pfn;
	struct device *dev;

	dev = kt_dma_device(test);
	fmt.dma_dev = dev;
	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);

	in[0] = KT_REQ_WRITE;
	in[1] = KT_REQ_READ;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out), 0);
	pfn = kt_cpu_pfn(test, va);
	KUNIT_EXPECT_EQ(test, out[0],
			kt_gp100_sys(phys_to_dma(dev, PFN_PHYS(pfn)), true));
	KUNIT_EXPECT_EQ(test, out[1],
			kt_gp100_sys(phys_to_dma(dev,
						 PFN_PHYS(my_zero_pfn(va))),
				     false));
	KUNIT_EXPECT_EQ(test, out[2], KT_NONE);

	KUNIT_EXPECT_EQ(test, hmm_format_dma_unmap(&fmt, out[0]), 1UL);
	KUNIT_EXPECT_EQ(test, hmm_format_dma_unmap(&fmt, out[2]), 0UL);
	hmm_format_dma_unmap_range(&fmt, &out[1], 1);
}

/* A THP with a DMA device and full PMD coverage: one 2 MiB mapping. */
static void hmm_kt_thp_dma(struct kunit *test)
{
	const unsigned long n = KT_MAX_PAGES;
	unsigned long *out = kt_words(test, n);
	struct hmm_pfn_format fmt = kt_gp100;
	struct mmu_interval_notifier *mni;
	unsigned long thp, i;
	dma_addr_t base;

	fmt.dma_dev = kt_dma_device(test);
	thp = kt_thp(test, &mni, out);
	base = phys_to_dma(fmt.dma_dev, PFN_PHYS(out[0] & ~HMM_PFN_FLAGS));

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, thp, n, 0, 0, NULL, out), 0);
	for (i = 0; i < n; i++) {
		u64 want = kt_gp100_sys(base + i * PAGE_SIZE, true) | KT_HUGE;

		if (out[i] != want) {
			KUNIT_FAIL(test, "entry %lu: %lx, want %llx", i, out[i],
				   want);
			break;
		}
	}
	KUNIT_EXPECT_EQ(test, hmm_format_dma_unmap(&fmt, out[0]), n);

	/* Clipped run: mapped page by page, no HUGE marker. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, thp + PAGE_SIZE, 2, 0, 0,
				       NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0],
			kt_gp100_sys(base + PAGE_SIZE, true));
	KUNIT_EXPECT_EQ(test, out[1],
			kt_gp100_sys(base + 2 * PAGE_SIZE, true));
	hmm_format_dma_unmap_range(&fmt, out, 2);
}

/* ---- DMA through a device that keeps count ------------------------------- */

/*
 * A device whose dma_map_ops record every mapping: the tests below can then
 * check that every mapping HMM makes is undone exactly once, with or without
 * CPU synchronisation as the contract says, and never made for a page that
 * nobody holds. IOVAs come from a bump allocator and are never reused, so a
 * second mapping of a page always has a different address.
 */
#define KT_DMA_MAX_MAPS	4096
#define KT_IOVA_BASE	BIT_ULL(36)

struct kt_dma_map {
	dma_addr_t addr;
	size_t size;
	enum dma_data_direction dir;
	bool live;
};

struct kt_dma {
	spinlock_t lock;	/* protects everything below */
	struct kt_dma_map maps[KT_DMA_MAX_MAPS];
	unsigned int nr_maps;
	dma_addr_t next;
	long live;
	unsigned long made, unmapped, unmapped_nosync, bad_unmaps;
	/* Mappings made with CPU synchronisation (HMM must skip it). */
	unsigned long synced_maps;
	/* Anonymous pages DMA-mapped while no CPU mapping held them. */
	unsigned long unmapped_pages;
	/*
	 * Mapping attempts of at least fail_size bytes are numbered from 0;
	 * those whose bit is set in fail_mask fail.
	 */
	size_t fail_size;
	unsigned int attempts;
	unsigned long fail_mask;
	size_t max_size;
};

static dma_addr_t kt_dma_map_page(struct device *dev, struct page *page,
				  unsigned long offset, size_t size,
				  enum dma_data_direction dir,
				  unsigned long attrs)
{
	struct kt_dma *d = dev_get_drvdata(dev);
	struct folio *folio = page_folio(page);
	dma_addr_t addr = DMA_MAPPING_ERROR;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&d->lock, flags);
	/* An anonymous page no longer mapped anywhere may be on its way out. */
	if (folio_test_anon(folio) &&
	    (!folio_ref_count(folio) || !folio_mapcount(folio)))
		d->unmapped_pages++;
	if (d->fail_size && size >= d->fail_size &&
	    d->attempts++ < BITS_PER_LONG &&
	    (d->fail_mask & BIT(d->attempts - 1)))
		goto out;
	if (size > d->max_size)
		goto out;
	/* A free record: a new one, or one whose mapping is gone. */
	for (i = d->nr_maps; i == KT_DMA_MAX_MAPS || d->maps[i].live; ) {
		if (i == KT_DMA_MAX_MAPS)
			i = 0;
		else if (++i == d->nr_maps)
			goto out;
	}
	addr = ALIGN(d->next, size);
	d->next = addr + size;
	d->maps[i] = (struct kt_dma_map){ addr, size, dir, true };
	if (i == d->nr_maps)
		d->nr_maps++;
	d->live++;
	d->made++;
	if (!(attrs & DMA_ATTR_SKIP_CPU_SYNC))
		d->synced_maps++;
	addr += offset;
out:
	spin_unlock_irqrestore(&d->lock, flags);
	return addr;
}

static void kt_dma_unmap_page(struct device *dev, dma_addr_t addr,
			      size_t size, enum dma_data_direction dir,
			      unsigned long attrs)
{
	struct kt_dma *d = dev_get_drvdata(dev);
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&d->lock, flags);
	for (i = 0; i < d->nr_maps; i++) {
		struct kt_dma_map *m = &d->maps[i];

		if (m->live && m->addr == addr && m->size == size &&
		    m->dir == dir) {
			m->live = false;
			d->live--;
			d->unmapped++;
			if (attrs & DMA_ATTR_SKIP_CPU_SYNC)
				d->unmapped_nosync++;
			goto out;
		}
	}
	d->bad_unmaps++;
out:
	spin_unlock_irqrestore(&d->lock, flags);
}

static size_t kt_dma_max_mapping_size(struct device *dev)
{
	struct kt_dma *d = dev_get_drvdata(dev);

	return d->max_size;
}

static const struct dma_map_ops kt_dma_ops = {
	.map_page		= kt_dma_map_page,
	.unmap_page		= kt_dma_unmap_page,
	.max_mapping_size	= kt_dma_max_mapping_size,
};

static struct kt_dma *kt_counting_device(struct kunit *test,
					 struct hmm_pfn_format *fmt)
{
	struct device *dev;
	struct kt_dma *d;

	if (!IS_ENABLED(CONFIG_ARCH_HAS_DMA_OPS))
		kunit_skip(test, "no CONFIG_ARCH_HAS_DMA_OPS: cannot count DMA mappings");
	dev = kt_dma_device(test);
	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	spin_lock_init(&d->lock);
	d->next = KT_IOVA_BASE;
	d->max_size = SIZE_MAX;
	dev_set_drvdata(dev, d);
	set_dma_ops(dev, &kt_dma_ops);
	*fmt = kt_gp100;
	fmt->dma_dev = dev;
	return d;
}

/* Every mapping made was undone once, and properly. */
static void kt_dma_expect_clean(struct kunit *test, struct kt_dma *d)
{
	KUNIT_EXPECT_EQ(test, d->live, 0L);
	KUNIT_EXPECT_EQ(test, d->made, d->unmapped);
	KUNIT_EXPECT_EQ(test, d->bad_unmaps, 0UL);
	KUNIT_EXPECT_EQ(test, d->unmapped_pages, 0UL);
}

static u64 kt_entry_addr(u64 entry)
{
	return (entry & GENMASK_ULL(53, GP100_ADDR_SHIFT)) << 4;
}

/*
 * Failing calls after some pages were already DMA-mapped: the call must
 * undo those mappings itself, which the counting device checks. Page 0 is
 * mapped, then page 1 (PROT_NONE) or page 2 (read-only, write requested)
 * fails the call.
 */
static void hmm_kt_dma_error_cleanup(struct kunit *test)
{
	const unsigned long n = 3;
	unsigned long *out = kt_words(test, n), *in = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	struct hmm_pfn_format fmt;
	struct kt_dma *d;
	unsigned long va;

	d = kt_counting_device(test, &fmt);
	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	kt_mmap(test, NULL, va + PAGE_SIZE, PAGE_SIZE, PROT_NONE,
		KT_PRIV | MAP_FIXED);
	kt_mmap(test, NULL, va + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
		KT_PRIV | MAP_FIXED);
	mni = kt_notifier(test, va, n * PAGE_SIZE);

	in[0] = KT_REQ_WRITE;
	in[1] = KT_REQ_READ;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out),
			-EFAULT);
	KUNIT_EXPECT_GT(test, d->made, 0UL);
	KUNIT_EXPECT_EQ(test, d->live, 0L);
	in[1] = 0;
	in[2] = KT_REQ_WRITE;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out),
			-EPERM);
	KUNIT_EXPECT_EQ(test, d->live, 0L);
	/* Every undo skipped CPU sync: the device never saw those entries. */
	KUNIT_EXPECT_EQ(test, d->unmapped_nosync, d->made);

	/* The same range without the bad requests succeeds. */
	in[2] = KT_REQ_READ;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out), 0);
	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_valid(&fmt, out[0]));
	KUNIT_EXPECT_EQ(test, out[0] & GP100_READ_ONLY, 0UL);
	KUNIT_EXPECT_EQ(test, out[1], KT_ERROR);
	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_valid(&fmt, out[2]));
	KUNIT_EXPECT_EQ(test, d->live, 2L);
	hmm_format_dma_unmap_range(&fmt, out, n);
	kt_dma_expect_clean(test, d);
}

/* Write (or, for a negative value, read) one word of each page from the CPU. */
/* The long the CPU reads at va (faulting the page in). */
static long kt_cpu_read(struct kunit *test, unsigned long va)
{
	long val;

	KUNIT_ASSERT_EQ(test, copy_from_user(&val, (void __user *)va,
					     sizeof(val)), 0UL);
	return val;
}

static void kt_cpu_touch(struct kunit *test, unsigned long va,
			 const long *vals, unsigned long n)
{
	unsigned long i;
	long val;

	for (i = 0; i < n; i++) {
		void __user *uptr = (void __user *)(va + i * PAGE_SIZE);

		val = vals[i];
		if (val < 0)
			kt_cpu_read(test, va + i * PAGE_SIZE);
		else
			KUNIT_ASSERT_EQ(test, copy_to_user(uptr, &val,
							   sizeof(val)), 0UL);
	}
}

/* Pages 0-2 written by the CPU, page 3 only read (the zero page). */
static const long kt_dma_window[] = { 1, 2, 3, -1 };

/*
 * A driver re-snapshots a resident window with its installed entries: the
 * entries come back as they are and nothing is mapped again (a second
 * live mapping of a page is also what DMA_API_DEBUG reports as an
 * overlapping mapping). A page whose entry changes (a write request on the
 * read-only zero page) gets a new mapping, and the caller unmaps the one it
 * replaces.
 */
static void hmm_kt_dma_installed(struct kunit *test)
{
	const unsigned long n = ARRAY_SIZE(kt_dma_window);
	unsigned long *out = kt_words(test, n), *inst = kt_words(test, n);
	unsigned long *in = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	struct hmm_pfn_format fmt;
	struct kt_dma *d;
	unsigned long va, i;
	int round;

	d = kt_counting_device(test, &fmt);
	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);
	kt_cpu_touch(test, va, kt_dma_window, n);

	/* A snapshot maps each page once, while the CPU still maps it. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, va, n, 0, 0, NULL, inst), 0);
	KUNIT_EXPECT_EQ(test, d->made, n);
	KUNIT_EXPECT_EQ(test, d->unmapped_pages, 0UL);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_GE(test, kt_entry_addr(inst[i]), KT_IOVA_BASE);
		KUNIT_EXPECT_EQ(test, !(inst[i] & GP100_READ_ONLY), i < 3);
	}

	/* Ten snapshots of the window, as ten GPU faults in it would make. */
	for (round = 0; round < 10; round++) {
		KUNIT_ASSERT_EQ(test, kt_fault_installed(mni, &fmt, va, n, 0,
							 ~0UL, NULL, inst,
							 out), 0);
		kt_expect_words(test, out, inst, n);
	}
	KUNIT_EXPECT_EQ(test, d->made, n);
	KUNIT_EXPECT_EQ(test, d->live, (long)n);

	/* A write request on the read-only page 3: only it is new. */
	memset(in, 0, n * sizeof(*in));
	in[3] = KT_REQ_WRITE;
	KUNIT_ASSERT_EQ(test, kt_fault_installed(mni, &fmt, va, n, 0, ~0UL, in,
						 inst, out), 0);
	kt_expect_words(test, out, inst, 3);
	KUNIT_EXPECT_NE(test, out[3], inst[3]);
	KUNIT_EXPECT_EQ(test, out[3] & GP100_READ_ONLY, 0UL);
	KUNIT_EXPECT_EQ(test, d->made, n + 1);
	/* The driver installs out[3] and unmaps the entry it replaced. */
	KUNIT_EXPECT_EQ(test, hmm_format_dma_unmap(&fmt, inst[3]), 1UL);
	/* Teardown, as the invalidation callback does it. */
	hmm_format_dma_unmap_range(&fmt, out, n);
	kt_dma_expect_clean(test, d);
	KUNIT_EXPECT_EQ(test, d->unmapped_nosync, 0UL);
	/* Pages are shared with the CPU while mapped: no sync at map time. */
	KUNIT_EXPECT_EQ(test, d->synced_maps, 0UL);
}

/*
 * Failed calls and stale snapshots: a fault failing after pages were
 * mapped, -EBUSY from an invalidation, and a snapshot the driver drops after
 * mmu_interval_read_retry(), each with pages 0-1 installed. Nothing may be
 * left mapped but the installed entries, and HMM may unmap none of those.
 */
static void hmm_kt_dma_busy_and_discard(struct kunit *test)
{
	const unsigned long n = ARRAY_SIZE(kt_dma_window);
	unsigned long *out = kt_words(test, n), *inst = kt_words(test, n);
	unsigned long *in = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	struct hmm_pfn_format fmt;
	struct hmm_range range = { };
	struct kt_dma *d;
	unsigned long va, i;

	d = kt_counting_device(test, &fmt);
	/* The window's last page is read-only; the page after it is spare. */
	va = kt_mmap(test, NULL, 0, (n + 1) * PAGE_SIZE, KT_RW, KT_PRIV);
	kt_mmap(test, NULL, va + (n - 1) * PAGE_SIZE, PAGE_SIZE, PROT_READ,
		KT_PRIV | MAP_FIXED);
	mni = kt_notifier(test, va, (n + 1) * PAGE_SIZE);
	kt_cpu_touch(test, va, kt_dma_window, n);

	/* -EPERM after pages 0-2 were mapped: they are undone, unsynced. */
	for (i = 0; i < n; i++)
		in[i] = KT_REQ_WRITE;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out),
			-EPERM);
	KUNIT_EXPECT_EQ(test, d->made, n - 1);
	KUNIT_EXPECT_EQ(test, d->live, 0L);
	KUNIT_EXPECT_EQ(test, d->unmapped_nosync, n - 1);

	/* The driver installs pages 0 and 1. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, va, 2, 0, 0, NULL, inst), 0);
	inst[2] = KT_NONE;
	inst[3] = KT_NONE;
	KUNIT_EXPECT_EQ(test, d->live, 2L);

	/* The same failure: page 2 is undone, the installed ones are kept. */
	KUNIT_EXPECT_EQ(test, kt_fault_installed(mni, &fmt, va, n, 0, ~0UL,
						 in, inst, out), -EPERM);
	KUNIT_EXPECT_EQ(test, d->live, 2L);
	KUNIT_EXPECT_EQ(test, d->bad_unmaps, 0UL);

	range.notifier = mni;
	range.start = va;
	range.end = va + n * PAGE_SIZE;
	range.hmm_pfns = out;
	range.format = &fmt;
	range.installed = inst;

	/* -EBUSY: an invalidation between read_begin and the call. */
	memset(out, 0, n * sizeof(*out));
	range.notifier_seq = mmu_interval_read_begin(mni);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, va + n * PAGE_SIZE,
					 PAGE_SIZE, MADV_DONTNEED), 0);
	mmap_read_lock(current->mm);
	KUNIT_EXPECT_EQ(test, hmm_range_fault(&range), -EBUSY);
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_EQ(test, d->live, 2L);

	/* Success, then the driver finds the sequence stale and drops it. */
	memset(out, 0, n * sizeof(*out));
	range.notifier_seq = mmu_interval_read_begin(mni);
	mmap_read_lock(current->mm);
	KUNIT_ASSERT_EQ(test, hmm_range_fault(&range), 0);
	mmap_read_unlock(current->mm);
	kt_expect_words(test, out, inst, 2);
	KUNIT_EXPECT_EQ(test, d->live, (long)n);
	KUNIT_ASSERT_EQ(test, vm_munmap(va + n * PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_TRUE(test, mmu_interval_read_retry(mni,
							range.notifier_seq));
	hmm_format_dma_discard_range(&fmt, out, inst, n);
	KUNIT_EXPECT_EQ(test, d->live, 2L);

	hmm_format_dma_unmap_range(&fmt, inst, n);
	kt_dma_expect_clean(test, d);
	/* Only the installed entries were unmapped with CPU sync. */
	KUNIT_EXPECT_EQ(test, d->unmapped - d->unmapped_nosync, 2UL);
}

struct kt_zapper {
	struct mm_struct *mm;
	unsigned long va;
	unsigned long rounds;
};

/* Writes the page (the CPU faults it in), then zaps it, over and over. */
static int kt_zapper_fn(void *data)
{
	struct kt_zapper *z = data;
	unsigned long val;

	kthread_use_mm(z->mm);
	while (!kthread_should_stop()) {
		val = z->rounds++;
		if (copy_to_user((void __user *)z->va, &val, sizeof(val)))
			break;
		do_madvise(z->mm, z->va, PAGE_SIZE, MADV_DONTNEED);
		cond_resched();
	}
	kthread_unuse_mm(z->mm);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * An invalidation racing the walk: another thread keeps faulting the page
 * in and zapping it while the test snapshots it (no request: whatever the
 * CPU maps at that instant). Every page must be mapped while the CPU still
 * maps it, so that none is mapped after it was freed, and every mapping of
 * a snapshot the driver drops must go.
 */
static void hmm_kt_dma_race(struct kunit *test)
{
	unsigned long *out = kt_words(test, 1);
	struct kt_zapper z = { };
	struct mmu_interval_notifier *mni;
	struct hmm_pfn_format fmt;
	struct hmm_range range = { };
	struct task_struct *t;
	unsigned long seen = 0, i;
	struct kt_dma *d;
	int ret, err = 0;

	d = kt_counting_device(test, &fmt);
	z.va = kt_mmap(test, NULL, 0, PAGE_SIZE, KT_RW, KT_PRIV);
	/* The first kt_mmap() gave the test thread its mm. */
	z.mm = current->mm;
	mni = kt_notifier(test, z.va, PAGE_SIZE);
	range.notifier = mni;
	range.start = z.va;
	range.end = z.va + PAGE_SIZE;
	range.hmm_pfns = out;
	range.format = &fmt;

	mmget(current->mm);
	t = kthread_run(kt_zapper_fn, &z, "hmm_kunit_zap");
	if (IS_ERR(t))
		mmput(current->mm);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	for (i = 0; i < 5000; i++) {
		out[0] = 0;
		range.notifier_seq = mmu_interval_read_begin(mni);
		mmap_read_lock(current->mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(current->mm);
		if (ret == -EBUSY)
			continue;
		if (ret) {
			err = ret;
			break;
		}
		if (hmm_format_entry_is_valid(&fmt, out[0]))
			seen++;
		/* Stale or not, the test drops the snapshot. */
		hmm_format_dma_discard_range(&fmt, out, NULL, 1);
	}
	kthread_stop(t);
	mmput(current->mm);
	KUNIT_EXPECT_EQ(test, err, 0);
	kunit_info(test, "%lu of %lu snapshots found the page, %lu zaps\n",
		   seen, i, z.rounds);
	KUNIT_EXPECT_GT(test, seen, 0UL);
	kt_dma_expect_clean(test, d);
}

/*
 * A THP and a DMA layer that cannot map 2 MiB in one piece (swiotlb's
 * segments are 256 KiB), or whose 2 MiB mapping fails: page by page and
 * without HUGE, and no 2 MiB attempt at all when it cannot work.
 */
static void hmm_kt_dma_pmd_fallback(struct kunit *test)
{
	const unsigned long n = KT_MAX_PAGES;
	unsigned long *out = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	struct hmm_pfn_format fmt;
	struct kt_dma *d;
	unsigned long thp, i;

	d = kt_counting_device(test, &fmt);
	thp = kt_thp(test, &mni, out);

	/* One mapping for the whole PMD, every entry HUGE. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, thp, n, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, d->made, 1UL);
	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_huge(&fmt, out[0]));
	KUNIT_EXPECT_EQ(test, kt_entry_addr(out[0]) % PMD_SIZE, 0ULL);
	KUNIT_EXPECT_EQ(test, kt_entry_addr(out[n - 1]),
			kt_entry_addr(out[0]) + (n - 1) * PAGE_SIZE);
	hmm_format_dma_discard_range(&fmt, out, NULL, n);

	/* 256 KiB segments: no 2 MiB attempt, n single mappings. */
	d->max_size = SZ_256K;
	d->fail_size = PMD_SIZE;
	d->fail_mask = ~0UL;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, thp, n, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, d->attempts, 0U);
	KUNIT_EXPECT_EQ(test, d->made, 1 + n);
	for (i = 0; i < n; i++)
		if (hmm_format_entry_is_huge(&fmt, out[i]) ||
		    !hmm_format_entry_is_valid(&fmt, out[i])) {
			KUNIT_FAIL(test, "entry %lu: %lx", i, out[i]);
			break;
		}
	hmm_format_dma_discard_range(&fmt, out, NULL, n);

	/* The 2 MiB mapping fails: page by page. */
	d->max_size = SIZE_MAX;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, thp, n, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, d->attempts, 1U);
	KUNIT_EXPECT_EQ(test, d->made, 1 + 2 * n);
	KUNIT_EXPECT_FALSE(test, hmm_format_entry_is_huge(&fmt, out[0]));
	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_valid(&fmt, out[n - 1]));
	hmm_format_dma_discard_range(&fmt, out, NULL, n);
	kt_dma_expect_clean(test, d);
}

/*
 * Mapping failures: a page nobody requested is reported NONE and the call
 * goes on; a requested page fails the call with -ENOMEM and every mapping
 * the call made is undone.
 */
static void hmm_kt_dma_map_failure(struct kunit *test)
{
	const unsigned long n = 4;
	unsigned long *out = kt_words(test, n), *in = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	struct hmm_pfn_format fmt;
	struct kt_dma *d;
	unsigned long va, i;

	d = kt_counting_device(test, &fmt);
	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);
	for (i = 0; i < n; i++)
		in[i] = KT_REQ_WRITE;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out), 0);
	hmm_format_dma_discard_range(&fmt, out, NULL, n);

	/* Page 1 (not requested) cannot be mapped: NONE, the call succeeds. */
	memset(in, 0, n * sizeof(*in));
	in[2] = KT_REQ_READ;
	d->fail_size = PAGE_SIZE;
	d->fail_mask = BIT(1);
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out), 0);
	KUNIT_EXPECT_EQ(test, out[1], KT_NONE);
	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_valid(&fmt, out[0]));
	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_valid(&fmt, out[2]));
	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_valid(&fmt, out[3]));
	KUNIT_EXPECT_EQ(test, d->made, n + n - 1);
	hmm_format_dma_discard_range(&fmt, out, NULL, n);

	/* Page 2 (requested) cannot be mapped: -ENOMEM, page 0 undone. */
	d->attempts = 0;
	d->fail_mask = BIT(1) | BIT(2);
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, d->attempts, 3U);
	KUNIT_EXPECT_EQ(test, d->made, n + n - 1 + 1);
	kt_dma_expect_clean(test, d);
}

/* ---- device write access and dirty tracking ------------------------------- */

/*
 * After MADV_FREE an anonymous page is still writable but clean, and reclaim
 * may discard it: a device write through a writable entry would be lost. A
 * format reports it read-only; a write request dirties it with a write
 * fault (same page, no copy) and only then reports it writable. The generic
 * encoding reports HMM_PFN_WRITE from pte_write() alone, and does here.
 */
static void hmm_kt_dirty_madv_free(struct kunit *test)
{
	unsigned long *out = kt_words(test, 1);
	struct mmu_interval_notifier *mni;
	unsigned long va, pfn;

	va = kt_mmap(test, NULL, 0, PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_WRITE, 0,
				       NULL, out), 0);
	pfn = kt_cpu_pfn(test, va);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, true));

	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, va, PAGE_SIZE, MADV_FREE),
			0);
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, 0, 0, NULL, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, false));
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_READ, 0,
				       NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, false));
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, 1, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_generic(pfn, true));

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_WRITE, 0,
				       NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, true));
	KUNIT_EXPECT_EQ(test, kt_cpu_pfn(test, va), pfn);
}

/*
 * A shared shmem mapping has no write notification: a read fault maps the
 * page writable and clean. Reported read-only until a write request has
 * dirtied it.
 */
static void hmm_kt_dirty_shared(struct kunit *test)
{
	unsigned long *out = kt_words(test, 1);
	struct mmu_interval_notifier *mni;
	unsigned long va, pfn;
	struct file *file;

	file = shmem_file_setup("hmm_kunit_dirty", PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_fput, file),
			0);
	va = kt_mmap(test, file, 0, PAGE_SIZE, KT_RW, MAP_SHARED);
	mni = kt_notifier(test, va, PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_READ, 0,
				       NULL, out), 0);
	pfn = kt_cpu_pfn(test, va);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, false));
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, 1, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_generic(pfn, true));
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_WRITE, 0,
				       NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, true));
	/* The generic encoding calls the clean page writable. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, 1, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_generic(pfn, true));
}

/* ---- device-private pages -------------------------------------------------- */

#define KT_DEVMEM_PAGES		(SZ_2M >> PAGE_SHIFT)

/*
 * One 2 MiB chunk of imaginary VRAM, like Nouveau's: its own pagemap, its
 * own VRAM offset. Device pages keep their data in a system page of their
 * own (zone_device_data), as test_hmm does.
 */
struct kt_devmem {
	struct dev_pagemap pgmap;
	struct resource *res;
	u64 vram_base;
	bool addressable;
	unsigned long next;
	unsigned long to_ram;
};

static int kt_owner_a, kt_owner_b;

static void kt_devmem_page_free(struct page *page)
{
	__free_page(page->zone_device_data);
	page->zone_device_data = NULL;
}

/* The CPU touches a device page: copy it back to a new system page. */
static vm_fault_t kt_devmem_migrate_to_ram(struct vm_fault *vmf)
{
	struct kt_devmem *m = container_of(vmf->page->pgmap,
					   struct kt_devmem, pgmap);
	unsigned long src = 0, dst = 0;
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = vmf->address & PAGE_MASK,
		.end = (vmf->address & PAGE_MASK) + PAGE_SIZE,
		.src = &src,
		.dst = &dst,
		.pgmap_owner = m->pgmap.owner,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	struct page *spage, *dpage;

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;
	spage = migrate_pfn_to_page(src);
	if (spage && (src & MIGRATE_PFN_MIGRATE)) {
		dpage = alloc_page_vma(GFP_HIGHUSER, vmf->vma, vmf->address);
		if (dpage) {
			lock_page(dpage);
			copy_highpage(dpage, spage->zone_device_data);
			dst = migrate_pfn(page_to_pfn(dpage));
			m->to_ram++;
		}
	}
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	return dst ? 0 : VM_FAULT_OOM;
}

static const struct dev_pagemap_ops kt_devmem_ops = {
	.page_free	= kt_devmem_page_free,
	.migrate_to_ram	= kt_devmem_migrate_to_ram,
};

static void kt_devmem_release(void *data)
{
	struct kt_devmem *m = data;

	memunmap_pages(&m->pgmap);
	release_mem_region(m->pgmap.range.start, range_len(&m->pgmap.range));
}

static struct kt_devmem *kt_devmem(struct kunit *test, void *owner,
				   u64 vram_base, bool addressable)
{
	struct kt_devmem *m;
	struct resource *res;
	void *ret;

	if (!IS_ENABLED(CONFIG_DEVICE_PRIVATE))
		kunit_skip(test, "CONFIG_DEVICE_PRIVATE is off");
	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	res = request_free_mem_region(&iomem_resource, SZ_2M, "hmm_kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(res));
	m->pgmap.type = MEMORY_DEVICE_PRIVATE;
	m->pgmap.range.start = res->start;
	m->pgmap.range.end = res->end;
	m->pgmap.nr_range = 1;
	m->pgmap.ops = &kt_devmem_ops;
	m->pgmap.owner = owner;
	m->vram_base = vram_base;
	m->addressable = addressable;
	ret = memremap_pages(&m->pgmap, numa_node_id());
	if (IS_ERR(ret))
		release_mem_region(res->start, resource_size(res));
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ret), "memremap_pages: %ld",
			       PTR_ERR(ret));
	/* Runs after the test's mm is gone, so every device page is free. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_devmem_release,
							m), 0);
	return m;
}

/* The format's device_addr(): VRAM offset of the chunk plus the page's. */
static bool kt_device_addr(struct page *page, u64 *addr)
{
	struct kt_devmem *m = container_of(page->pgmap, struct kt_devmem,
					   pgmap);

	if (!m->addressable)
		return false;
	*addr = m->vram_base +
		PFN_PHYS(page_to_pfn(page) - PHYS_PFN(m->pgmap.range.start));
	return true;
}

/* mprotect() of [start, start + len), inside one VMA of the test's mm. */
static int kt_mprotect(unsigned long start, unsigned long len,
		       unsigned long prot)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma, *prev;
	unsigned long end = start + len;
	struct vma_iterator vmi;
	struct mmu_gather tlb;
	unsigned long newflags;
	int ret;

	mmap_write_lock(mm);
	vma_iter_init(&vmi, mm, start);
	vma = vma_find(&vmi, end);
	if (!vma || vma->vm_start > start || vma->vm_end < end) {
		mmap_write_unlock(mm);
		return -EINVAL;
	}
	prev = vma_prev(&vmi);
	if (start > vma->vm_start)
		prev = vma;
	vma = vma_find(&vmi, end);
	newflags = calc_vm_prot_bits(prot, 0) |
		   (vma->vm_flags & ~VM_ACCESS_FLAGS);
	tlb_gather_mmu(&tlb, mm);
	ret = mprotect_fixup(&vmi, &tlb, vma, &prev, start, end, newflags);
	tlb_finish_mmu(&tlb);
	mmap_write_unlock(mm);
	return ret;
}

/* Move the page at va to the chunk; returns its device page. */
static struct page *kt_migrate_to_dev(struct kunit *test, struct kt_devmem *m,
				      unsigned long va)
{
	unsigned long src = 0, dst = 0;
	struct migrate_vma args = {
		.start = va,
		.end = va + PAGE_SIZE,
		.src = &src,
		.dst = &dst,
		.pgmap_owner = m->pgmap.owner,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	struct page *spage, *dpage, *backing;
	int ret = -EFAULT;

	KUNIT_ASSERT_LT(test, m->next, KT_DEVMEM_PAGES);
	backing = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, backing);
	dpage = pfn_to_page(PHYS_PFN(m->pgmap.range.start) + m->next++);

	mmap_read_lock(current->mm);
	args.vma = vma_lookup(current->mm, va);
	if (args.vma)
		ret = migrate_vma_setup(&args);
	if (!ret) {
		spage = migrate_pfn_to_page(src);
		if (spage && (src & MIGRATE_PFN_MIGRATE)) {
			copy_highpage(backing, spage);
			dpage->zone_device_data = backing;
			zone_device_page_init(dpage);
			dst = migrate_pfn(page_to_pfn(dpage));
			backing = NULL;
		}
		migrate_vma_pages(&args);
		migrate_vma_finalize(&args);
	}
	mmap_read_unlock(current->mm);
	if (backing)
		__free_page(backing);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_NE_MSG(test, dst, 0UL, "page at %lx not migrated", va);
	return dpage;
}

/* hmm_range_fault() for dev_private_owner kt_owner_a, retried on -EBUSY. */
static int kt_fault_owner(struct mmu_interval_notifier *mni,
			  const struct hmm_pfn_format *fmt, unsigned long start,
			  unsigned long npages, const unsigned long *in,
			  unsigned long *out)
{
	struct hmm_range range = {
		.notifier = mni,
		.start = start,
		.end = start + npages * PAGE_SIZE,
		.hmm_pfns = out,
		.pfn_flags_mask = ~0UL,
		.dev_private_owner = &kt_owner_a,
		.format = fmt,
	};

	return kt_fault_range(&range, in);
}

/* GP100 entry of a VRAM page: VALID | APERTURE_VID | address. */
static u64 kt_gp100_vid(u64 addr, bool writable)
{
	return GP100_VALID | GP100_APERTURE_VID |
	       (writable ? 0 : GP100_READ_ONLY) | (addr >> 4);
}

/*
 * Pages in two chunks of the caller (each at its own VRAM offset), in a
 * chunk of the caller it cannot address, and in another owner's chunk; then
 * a read-only device page with a write request. The caller's pages are
 * reported at their device address, with or without a request, and stay in
 * device memory; the others are NONE in a snapshot and come back to system
 * memory when requested.
 */
static void hmm_kt_device_private(struct kunit *test)
{
	const unsigned long n = 5;
	unsigned long *out = kt_words(test, n), *in = kt_words(test, n);
	struct hmm_pfn_format fmt = kt_gp100;
	struct kt_devmem *a0, *a1, *a_far, *b;
	struct mmu_interval_notifier *mni;
	unsigned long va, i, val;
	struct page *own;

	a0 = kt_devmem(test, &kt_owner_a, SZ_256M, true);
	a1 = kt_devmem(test, &kt_owner_a, SZ_1G, true);
	a_far = kt_devmem(test, &kt_owner_a, 0, false);
	b = kt_devmem(test, &kt_owner_b, 0, true);

	va = kt_mmap(test, NULL, 0, n * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, n * PAGE_SIZE);
	for (i = 0; i < n; i++) {
		void __user *uptr = (void __user *)(va + i * PAGE_SIZE);

		val = 0x1000 + i;
		KUNIT_ASSERT_EQ(test, copy_to_user(uptr, &val, sizeof(val)),
				0UL);
	}
	own = kt_migrate_to_dev(test, a0, va);
	a1->next = 7;
	kt_migrate_to_dev(test, a1, va + PAGE_SIZE);
	kt_migrate_to_dev(test, a_far, va + 2 * PAGE_SIZE);
	kt_migrate_to_dev(test, b, va + 3 * PAGE_SIZE);
	/*
	 * Read-only in device memory in a writable VMA, as after fork():
	 * migrated while read-only, then made writable again (mprotect()
	 * does not upgrade device-private entries).
	 */
	KUNIT_ASSERT_EQ(test, kt_mprotect(va + 4 * PAGE_SIZE, PAGE_SIZE,
					  PROT_READ), 0);
	kt_migrate_to_dev(test, a0, va + 4 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, kt_mprotect(va + 4 * PAGE_SIZE, PAGE_SIZE,
					  KT_RW), 0);

	/* An owner without device_addr() is refused. */
	KUNIT_EXPECT_EQ(test, kt_fault_owner(mni, &fmt, va, n, in, out), -EINVAL);
	fmt.device_addr = kt_device_addr;

	/* Snapshot. */
	KUNIT_ASSERT_EQ(test, kt_fault_owner(mni, &fmt, va, n, in, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_vid(SZ_256M, true));
	KUNIT_EXPECT_EQ(test, out[1], kt_gp100_vid(SZ_1G + 7 * PAGE_SIZE, true));
	KUNIT_EXPECT_EQ(test, out[2], KT_NONE);
	KUNIT_EXPECT_EQ(test, out[3], KT_NONE);
	KUNIT_EXPECT_EQ(test, out[4], kt_gp100_vid(SZ_256M + PAGE_SIZE, false));

	/* Requests on the caller's writable pages: reported as they are. */
	in[0] = KT_REQ_WRITE;
	in[1] = KT_REQ_READ;
	in[4] = KT_REQ_READ;
	KUNIT_ASSERT_EQ(test, kt_fault_owner(mni, &fmt, va, n, in, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_vid(SZ_256M, true));
	KUNIT_EXPECT_EQ(test, out[1], kt_gp100_vid(SZ_1G + 7 * PAGE_SIZE, true));
	KUNIT_EXPECT_EQ(test, out[4], kt_gp100_vid(SZ_256M + PAGE_SIZE, false));
	KUNIT_EXPECT_EQ(test, a0->to_ram + a1->to_ram, 0UL);

	/*
	 * Requests on the unaddressable page and on the other owner's page,
	 * a write request on the read-only one: all three come back to
	 * system memory with their data, as a CPU access would bring them,
	 * and are reported as system pages; the write one writable.
	 */
	memset(in, 0, n * sizeof(*in));
	in[2] = KT_REQ_READ;
	in[3] = KT_REQ_READ;
	in[4] = KT_REQ_WRITE;
	KUNIT_ASSERT_EQ(test, kt_fault_owner(mni, &fmt, va, n, in, out), 0);
	KUNIT_EXPECT_EQ(test, a_far->to_ram, 1UL);
	KUNIT_EXPECT_EQ(test, b->to_ram, 1UL);
	KUNIT_EXPECT_EQ(test, a0->to_ram, 1UL);
	for (i = 2; i < n; i++) {
		unsigned long pfn = kt_cpu_pfn(test, va + i * PAGE_SIZE);

		KUNIT_EXPECT_EQ_MSG(test, out[i], kt_gp100_pfn(pfn, i == 4),
				    "page %lu", i);
		KUNIT_EXPECT_EQ(test, kt_cpu_read(test, va + i * PAGE_SIZE),
				0x1000 + (long)i);
	}
	/* The caller's two writable pages are still in device memory. */
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_vid(SZ_256M, true));
	KUNIT_EXPECT_EQ(test, out[1], kt_gp100_vid(SZ_1G + 7 * PAGE_SIZE, true));
	KUNIT_EXPECT_TRUE(test, is_device_private_page(own));
}

/* ---- migration and device-exclusive entries -------------------------------- */

/*
 * A page in the middle of a migration (its PTE is a migration entry, here
 * between migrate_vma_setup() and migrate_vma_finalize()) is NONE in a
 * snapshot, with and without a format; once the migration is over it is
 * reported again.
 */
static void hmm_kt_migration_entry(struct kunit *test)
{
	unsigned long *out = kt_words(test, 1);
	static const long val[] = { 7 };
	struct mmu_interval_notifier *mni;
	unsigned long va, pfn, src = 0, dst = 0;
	struct migrate_vma args = {
		.src = &src,
		.dst = &dst,
		.pgmap_owner = &kt_owner_a,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	struct hmm_range range = { };
	int ret, ret_generic = -EINVAL;
	bool collected;

	va = kt_mmap(test, NULL, 0, PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, PAGE_SIZE);
	kt_cpu_touch(test, va, val, 1);
	pfn = kt_cpu_pfn(test, va);
	range.notifier = mni;
	range.start = va;
	range.end = va + PAGE_SIZE;
	range.hmm_pfns = out;

	mmap_read_lock(current->mm);
	args.vma = vma_lookup(current->mm, va);
	args.start = va;
	args.end = va + PAGE_SIZE;
	ret = args.vma ? migrate_vma_setup(&args) : -EFAULT;
	/* migrate_vma_pages() clears the flag again: no destination. */
	collected = src & MIGRATE_PFN_MIGRATE;
	if (!ret) {
		range.format = &kt_gp100;
		out[0] = 0;
		range.notifier_seq = mmu_interval_read_begin(mni);
		ret = hmm_range_fault(&range);
		if (!ret)
			ret = out[0] == KT_NONE ? 0 : -EINVAL;
		range.format = NULL;
		out[0] = 0;
		range.notifier_seq = mmu_interval_read_begin(mni);
		ret_generic = hmm_range_fault(&range);
		if (!ret_generic)
			ret_generic = out[0] == 0 ? 0 : -EINVAL;
		/* No destination: the migration is abandoned. */
		migrate_vma_pages(&args);
		migrate_vma_finalize(&args);
	}
	mmap_read_unlock(current->mm);
	KUNIT_ASSERT_TRUE(test, collected);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, ret_generic, 0);

	/*
	 * The same page is back; the restored PTE may be clean (then read-only
	 * for the device) until a write request dirties it.
	 */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, 0, 0, NULL, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0] | GP100_READ_ONLY,
			kt_gp100_pfn(pfn, false));
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_WRITE, 0,
				       NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, true));
}

/*
 * A device-exclusive entry (make_device_exclusive_range(), as for device
 * atomics) is NONE in a snapshot; a request faults the page back to the CPU
 * mapping, the same page, and reports it.
 */
static void hmm_kt_device_exclusive(struct kunit *test)
{
	unsigned long *out = kt_words(test, 1);
	static const long val[] = { 9 };
	struct mmu_interval_notifier *mni;
	struct page *page = NULL;
	unsigned long va, pfn;
	int n;

	va = kt_mmap(test, NULL, 0, PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, PAGE_SIZE);
	kt_cpu_touch(test, va, val, 1);
	pfn = kt_cpu_pfn(test, va);

	mmap_read_lock(current->mm);
	n = make_device_exclusive_range(current->mm, va, va + PAGE_SIZE, &page,
					&kt_owner_a);
	mmap_read_unlock(current->mm);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	/* "Programming is complete": the driver lets the page go. */
	unlock_page(page);
	put_page(page);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, 0, 0, NULL, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0], KT_NONE);
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, 1, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], 0UL);
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_READ, 0,
				       NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, true));
}

/* ---- hugetlb ---------------------------------------------------------------- */

/*
 * A 2 MiB hugetlb page: a request on any one page of the run faults the
 * whole huge page in (not only a request on its first page), and every entry
 * is then HUGE. Needs a free huge page (hugepages= on the command line).
 */
static void hmm_kt_hugetlb_requests(struct kunit *test)
{
	const unsigned long n = KT_MAX_PAGES;
	unsigned long *out = kt_words(test, n), *in = kt_words(test, n);
	struct mmu_interval_notifier *mni;
	unsigned long va, i, head;
	struct file *file;
	int round;

	if (!IS_ENABLED(CONFIG_HUGETLB_PAGE))
		kunit_skip(test, "CONFIG_HUGETLB_PAGE is off");
	file = hugetlb_file_setup(HUGETLB_ANON_FILE, PMD_SIZE, 0,
				  HUGETLB_ANONHUGE_INODE, 0);
	if (IS_ERR(file))
		kunit_skip(test, "no hugetlb file: %ld", PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_fput, file),
			0);
	va = kt_mmap(test, file, 0, PMD_SIZE, KT_RW, MAP_PRIVATE);
	KUNIT_ASSERT_EQ(test, va % PMD_SIZE, 0UL);
	mni = kt_notifier(test, va, PMD_SIZE);

	/* Snapshot: nothing there yet. */
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, n, 0, ~0UL, in, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0], KT_NONE);
	KUNIT_EXPECT_EQ(test, out[n - 1], KT_NONE);

	/*
	 * A write request on page 5 alone: first with no page table for the
	 * huge page yet (a hole), then with an empty huge entry (after
	 * MADV_DONTNEED), which is where only the first page's request used
	 * to count.
	 */
	in[5] = KT_REQ_WRITE;
	for (round = 0; round < 2; round++) {
		KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, n, 0, ~0UL,
					       in, out), 0);
		head = kt_cpu_pfn(test, va);
		KUNIT_EXPECT_EQ(test, head % n, 0UL);
		for (i = 0; i < n; i++) {
			u64 want = kt_gp100_pfn(head + i, true) | KT_HUGE;

			if (out[i] != want) {
				KUNIT_FAIL(test, "round %d entry %lu: %lx, want %llx",
					   round, i, out[i], want);
				break;
			}
		}
		KUNIT_ASSERT_EQ(test, do_madvise(current->mm, va, PMD_SIZE,
						 MADV_DONTNEED), 0);
		KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, 0, 0,
					       NULL, out), 0);
		KUNIT_EXPECT_EQ(test, out[0], KT_NONE);
	}
}

/* ---- swap entries (suite hmm_swap) ---------------------------------------- */

static int kt_swap_pte(pte_t *pte, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	bool *swapped = walk->private;

	*swapped = is_swap_pte(ptep_get(pte));
	return 0;
}

static const struct mm_walk_ops kt_swap_walk_ops = {
	.pte_entry = kt_swap_pte,
	.walk_lock = PGWALK_RDLOCK,
};

/* The CPU page table maps addr to a swap entry. */
static bool kt_in_swap(unsigned long addr)
{
	bool swapped = false;

	mmap_read_lock(current->mm);
	walk_page_range(current->mm, addr, addr + PAGE_SIZE, &kt_swap_walk_ops,
			&swapped);
	mmap_read_unlock(current->mm);
	return swapped;
}

/*
 * Reclaim the n pages at va now, as MADV_PAGEOUT does, and check that each
 * went to swap. The pages' folios must be on the LRU to be reclaimed: drain
 * every CPU's pending LRU additions first.
 */
static void kt_page_out(struct kunit *test, unsigned long va, unsigned long n)
{
	unsigned long i;

	lru_add_drain_all();
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, va, n * PAGE_SIZE,
					 MADV_PAGEOUT), 0);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_TRUE_MSG(test, kt_in_swap(va + i * PAGE_SIZE),
				      "page %lu not reclaimed to swap", i);
}

/* Write val at the start of the page behind a system-page GP100 entry. */
static void kt_device_write(u64 entry, long val)
{
	void *kaddr = kmap_local_page(pfn_to_page(kt_entry_addr(entry) >>
						  PAGE_SHIFT));

	memcpy(kaddr, &val, sizeof(val));
	kunmap_local(kaddr);
}

/*
 * The suite runs twice: at boot, before user space can give it swap (every
 * case skips), and again from debugfs. KUnit does not run a case again
 * whose last verdict was a skip: forget the verdicts of the last run.
 */
static int kt_swap_suite_init(struct kunit_suite *suite)
{
	struct kunit_case *c;

	for (c = suite->test_cases; c->run_case; c++)
		c->status = KUNIT_SUCCESS;
	return 0;
}

static int kt_swap_init(struct kunit *test)
{
	if (!total_swap_pages)
		kunit_skip(test, "no swap device (rerun from debugfs after swapon)");
	return 0;
}

/*
 * A page in swap is not present: a snapshot reports it as NONE and leaves it
 * in swap; a read request swaps in only the requested page.
 */
static void hmm_kt_swap_entry(struct kunit *test)
{
	static const long vals[] = { 0x5a0, 0x5a1 };
	unsigned long in[2] = { KT_REQ_READ, 0 };
	unsigned long *out = kt_words(test, 2);
	struct mmu_interval_notifier *mni;
	unsigned long va;

	va = kt_mmap(test, NULL, 0, 2 * PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, 2 * PAGE_SIZE);
	kt_cpu_touch(test, va, vals, 2);
	kt_page_out(test, va, 2);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 2, 0, 0, NULL, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0], KT_NONE);
	KUNIT_EXPECT_EQ(test, out[1], KT_NONE);
	KUNIT_EXPECT_TRUE(test, kt_in_swap(va));
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, 2, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], 0UL);
	KUNIT_EXPECT_EQ(test, out[1], 0UL);

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 2, 0, ~0UL, in,
				       out), 0);
	KUNIT_EXPECT_FALSE(test, kt_in_swap(va));
	KUNIT_EXPECT_TRUE(test, kt_in_swap(va + PAGE_SIZE));
	/* Swapped in by a read: writable, but clean, so read-only here. */
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(kt_cpu_pfn(test, va), false));
	KUNIT_EXPECT_EQ(test, out[1], KT_NONE);
	KUNIT_EXPECT_EQ(test, kt_cpu_read(test, va), vals[0]);
	KUNIT_EXPECT_EQ(test, kt_cpu_read(test, va + PAGE_SIZE), vals[1]);
}

/*
 * A page read back into the swap cache and then mapped by a read fault is
 * writable, clean, and still has its copy in swap: reclaim drops it without
 * writing it. A write request must dirty it, so that what the device writes
 * through the entry is written to swap by the next reclaim. The generic
 * encoding reports the clean page writable: a driver using it has no such
 * guarantee.
 */
static void hmm_kt_swap_cache_write(struct kunit *test)
{
	static const long vals[] = { 0x5c0 };
	unsigned long *out = kt_words(test, 1);
	struct mmu_interval_notifier *mni;
	unsigned long va, pfn;

	va = kt_mmap(test, NULL, 0, PAGE_SIZE, KT_RW, KT_PRIV);
	mni = kt_notifier(test, va, PAGE_SIZE);
	kt_cpu_touch(test, va, vals, 1);
	kt_page_out(test, va, 1);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, va, PAGE_SIZE,
					 MADV_WILLNEED), 0);
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_READ, 0,
				       NULL, out), 0);
	pfn = kt_cpu_pfn(test, va);
	KUNIT_ASSERT_TRUE(test, folio_test_swapcache(page_folio(pfn_to_page(pfn))));
	KUNIT_EXPECT_EQ(test, out[0], kt_gp100_pfn(pfn, false));
	KUNIT_ASSERT_EQ(test, kt_fault(mni, NULL, va, 1, 0, 0, NULL, out), 0);
	KUNIT_EXPECT_EQ(test, out[0], kt_generic(pfn, true));

	KUNIT_ASSERT_EQ(test, kt_fault(mni, &kt_gp100, va, 1, KT_REQ_WRITE, 0,
				       NULL, out), 0);
	KUNIT_ASSERT_EQ(test, out[0], kt_gp100_pfn(pfn, true));
	kt_device_write(out[0], 0xd5c0);
	kt_page_out(test, va, 1);
	KUNIT_EXPECT_EQ(test, kt_cpu_read(test, va), 0xd5c0L);
}

static struct kunit_case hmm_swap_kunit_cases[] = {
	KUNIT_CASE(hmm_kt_swap_entry),
	KUNIT_CASE(hmm_kt_swap_cache_write),
	{}
};

/*
 * Needs a swap device, which the test VM sets up only once user space runs:
 * at boot every case skips, and the VM runs the suite again through
 * /sys/kernel/debug/kunit/hmm_swap/run after swapon.
 */
static struct kunit_suite hmm_swap_kunit_suite = {
	.name = "hmm_swap",
	.suite_init = kt_swap_suite_init,
	.init = kt_swap_init,
	.test_cases = hmm_swap_kunit_cases,
};

static struct kunit_case hmm_kunit_cases[] = {
	KUNIT_CASE(hmm_kt_generic_anon),
	KUNIT_CASE(hmm_kt_generic_read_write),
	KUNIT_CASE(hmm_kt_readonly_vma),
	KUNIT_CASE(hmm_kt_prot_none),
	KUNIT_CASE(hmm_kt_vmas_holes_mixed),
	KUNIT_CASE(hmm_kt_default_flags_mask),
	KUNIT_CASE(hmm_kt_ebusy),
	KUNIT_CASE(hmm_kt_bad_format),
	KUNIT_CASE(hmm_kt_gp100_ptes),
	KUNIT_CASE(hmm_kt_shmem),
	KUNIT_CASE(hmm_kt_pfnmap),
	KUNIT_CASE(hmm_kt_thp),
	KUNIT_CASE(hmm_kt_gp100_dma),
	KUNIT_CASE(hmm_kt_dma_error_cleanup),
	KUNIT_CASE(hmm_kt_thp_dma),
	KUNIT_CASE(hmm_kt_dma_installed),
	KUNIT_CASE(hmm_kt_dma_busy_and_discard),
	KUNIT_CASE(hmm_kt_dma_race),
	KUNIT_CASE(hmm_kt_dma_pmd_fallback),
	KUNIT_CASE(hmm_kt_dma_map_failure),
	KUNIT_CASE(hmm_kt_dirty_madv_free),
	KUNIT_CASE(hmm_kt_dirty_shared),
	KUNIT_CASE(hmm_kt_device_private),
	KUNIT_CASE(hmm_kt_hugetlb_requests),
	KUNIT_CASE(hmm_kt_migration_entry),
	KUNIT_CASE(hmm_kt_device_exclusive),
	{}
};

static struct kunit_suite hmm_kunit_suite = {
	.name = "hmm",
	.test_cases = hmm_kunit_cases,
};

kunit_test_suites(&hmm_kunit_suite, &hmm_swap_kunit_suite);

MODULE_DESCRIPTION("KUnit tests for hmm_range_fault() and device formats");
MODULE_LICENSE("GPL");
