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
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>

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
 * call may have overwritten part of them).
 */
static int kt_fault(struct mmu_interval_notifier *mni,
		    const struct hmm_pfn_format *fmt, unsigned long start,
		    unsigned long npages, unsigned long dflags,
		    unsigned long mask, const unsigned long *in,
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
	};
	int tries, ret = -EBUSY;

	for (tries = 0; tries < 32 && ret == -EBUSY; tries++) {
		if (in)
			memcpy(out, in, npages * sizeof(*out));
		else
			memset(out, 0, npages * sizeof(*out));
		range.notifier_seq = mmu_interval_read_begin(mni);
		mmap_read_lock(mni->mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mni->mm);
	}
	return ret;
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
	/* KUnit devices have no DMA mask; dma-direct needs one. */
	dev->dma_mask = &dev->coherent_dma_mask;
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)))
		kunit_skip(test, "cannot set a 64-bit DMA mask");
	return dev;
}

/* A bad format is refused before anything is touched. */
static void hmm_kt_bad_format(struct kunit *test)
{
	struct hmm_pfn_format bad = kt_gp100;
	unsigned long out[1] = { 0 };
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
	bad.dma_dev = kt_dma_device(test);
	bad.flags_off[HMM_PFN_FLAG_WRITE] = 0;
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

/*
 * Failing calls after some pages were already DMA-mapped: the call must
 * undo those mappings itself (visible as leaks with CONFIG_DMA_API_DEBUG).
 * Page 0 is mapped, then page 1 (PROT_NONE) or page 2 (read-only, write
 * requested) fails the call.
 */
static void hmm_kt_dma_error_cleanup(struct kunit *test)
{
	const unsigned long n = 3;
	unsigned long *out = kt_words(test, n), *in = kt_words(test, n);
	struct hmm_pfn_format fmt = kt_gp100;
	struct mmu_interval_notifier *mni;
	unsigned long va;

	fmt.dma_dev = kt_dma_device(test);
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
	in[1] = 0;
	in[2] = KT_REQ_WRITE;
	KUNIT_EXPECT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out),
			-EPERM);

	/* The same range without the bad requests succeeds. */
	in[2] = KT_REQ_READ;
	KUNIT_ASSERT_EQ(test, kt_fault(mni, &fmt, va, n, 0, ~0UL, in, out), 0);
	KUNIT_EXPECT_EQ(test, out[0],
			kt_gp100_sys(phys_to_dma(fmt.dma_dev,
						 PFN_PHYS(kt_cpu_pfn(test, va))),
				     true));
	KUNIT_EXPECT_EQ(test, out[1], KT_ERROR);
	KUNIT_EXPECT_TRUE(test, hmm_format_entry_is_valid(&fmt, out[2]));
	hmm_format_dma_unmap_range(&fmt, out, n);
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
	{}
};

static struct kunit_suite hmm_kunit_suite = {
	.name = "hmm",
	.test_cases = hmm_kunit_cases,
};

kunit_test_suite(hmm_kunit_suite);

MODULE_DESCRIPTION("KUnit tests for hmm_range_fault() and device formats");
MODULE_LICENSE("GPL");
