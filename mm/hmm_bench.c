// SPDX-License-Identifier: GPL-2.0-only
/*
 * Snapshot benchmark for hmm_range_fault() device formats.
 *
 * A root-only debugfs file, /sys/kernel/debug/hmm_bench/snapshot, measures
 * one snapshot of a range of the calling process and reports the time:
 *
 *   write "MODE START LENGTH"   measure (hex START and LENGTH, page aligned)
 *   read                        "ret=R ns=T pages=N retries=B sum=S", once
 *
 * MODE is one of
 *
 *   format    hmm_range_fault() with the GP100 device format: the output
 *             words are the final PTEs;
 *   generic   our hmm_range_fault() without a format, followed by the same
 *             conversion loop as "upstream": what existing drivers get;
 *   upstream  the unmodified 6.12 hmm_range_fault() (mm/hmm_upstream.c,
 *             a build-time copy of Debian's mm/hmm.c with the function
 *             renamed) followed by the per-entry conversion to GP100 PTEs
 *             that a driver runs today (look up the struct page, check
 *             the mapping order and whether the page is device private,
 *             build the PTE);
 *   walk      a page-table walk that only reads the PTEs and PMDs and
 *             stores them: the floor for any snapshot.
 *
 * Every mode asks for read access to every page, takes the mmap lock for
 * read around the call, and is timed from before the lock to after the
 * last output word. S, the sum of the output words, lets the caller check
 * that "format", "generic" and "upstream" produced the same PTEs.
 *
 * Only built into benchmark kernels (CONFIG_HMM_BENCH).
 */
#include <linux/debugfs.h>
#include <linux/hmm.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagewalk.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/* mm/hmm_upstream.c: 6.12's hmm_range_fault(), renamed at build time. */
int hmm_upstream_range_fault(struct hmm_range *range);

#define HMM_BENCH_MAX_LEN	(4UL << 30)
#define HMM_BENCH_MAX_TRIES	64

/* GP100 PTE fields (hw/vsvm_mmu_format.h) and the bits this bench picks. */
#define GP100_VALID		BIT_ULL(0)
#define GP100_APERTURE_SYS_COH	(2ULL << 1)
#define GP100_VOL		BIT_ULL(3)
#define GP100_READ_ONLY		BIT_ULL(6)
#define GP100_ADDR_SHIFT	8
#define BENCH_HUGE		BIT_ULL(54)
#define BENCH_REQ_READ		BIT_ULL(62)
#define BENCH_REQ_WRITE		BIT_ULL(61)
#define BENCH_ERROR		BIT_ULL(55)

static const struct hmm_pfn_format hmm_bench_gp100 = {
	.flags = {
		[HMM_PFN_FLAG_VALID]		= GP100_VALID,
		[HMM_PFN_FLAG_HUGE]		= BENCH_HUGE,
		[HMM_PFN_FLAG_REQ_FAULT]	= BENCH_REQ_READ,
		[HMM_PFN_FLAG_REQ_WRITE]	= BENCH_REQ_WRITE,
	},
	.flags_off = {
		[HMM_PFN_FLAG_WRITE]		= GP100_READ_ONLY,
		[HMM_PFN_FLAG_DEVICE_PRIVATE]	= GP100_APERTURE_SYS_COH |
						  GP100_VOL,
	},
	.values = {
		[HMM_PFN_VALUE_ERROR]		= BENCH_ERROR,
		[HMM_PFN_VALUE_SPECIAL]		= BENCH_ERROR,
	},
	.pfn_shift = GP100_ADDR_SHIFT,
};

enum hmm_bench_mode {
	HMM_BENCH_FORMAT,
	HMM_BENCH_GENERIC,
	HMM_BENCH_UPSTREAM,
	HMM_BENCH_WALK,
};

static const char * const hmm_bench_modes[] = {
	[HMM_BENCH_FORMAT]	= "format",
	[HMM_BENCH_GENERIC]	= "generic",
	[HMM_BENCH_UPSTREAM]	= "upstream",
	[HMM_BENCH_WALK]	= "walk",
};

/**
 * struct hmm_bench_result - outcome of the last measurement of one open file
 * @ret: 0 or the negative errno of the measured call
 * @ns: time of the successful pass
 * @npages: pages in the range
 * @retries: passes lost to -EBUSY before it
 * @sum: sum of the output words
 */
struct hmm_bench_result {
	int ret;
	u64 ns;
	unsigned long npages;
	unsigned int retries;
	u64 sum;
};

/**
 * struct hmm_bench_file - per-open state
 * @lock: serialises measurements and protects @res and @valid
 * @res: the last result
 * @valid: @res holds a result that was not read yet
 */
struct hmm_bench_file {
	struct mutex lock;	/* see above */
	struct hmm_bench_result res;
	bool valid;
};

static bool hmm_bench_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	/*
	 * Nothing to tear down: the output buffer is private to the
	 * measurement, which only needs to see the sequence move.
	 */
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops hmm_bench_mni_ops = {
	.invalidate = hmm_bench_invalidate,
};

/* What a driver does today with each generic word: build its GP100 PTE. */
static u64 hmm_bench_convert(unsigned long hpfn)
{
	struct page *page;
	u64 pte;

	if (!(hpfn & HMM_PFN_VALID))
		return BENCH_ERROR;
	page = hmm_pfn_to_page(hpfn);
	pte = GP100_VALID | ((u64)page_to_pfn(page) << GP100_ADDR_SHIFT);
	if (!is_device_private_page(page))
		pte |= GP100_APERTURE_SYS_COH | GP100_VOL;
	if (!(hpfn & HMM_PFN_WRITE))
		pte |= GP100_READ_ONLY;
	if (hmm_pfn_to_map_order(hpfn))
		pte |= BENCH_HUGE;
	return pte;
}

/**
 * struct hmm_bench_walk - where the plain walk stores what it reads
 * @out: one word per page of the range
 * @start: address of @out[0]
 */
struct hmm_bench_walk {
	unsigned long *out;
	unsigned long start;
};

static int hmm_bench_walk_pmd(pmd_t *pmdp, unsigned long addr,
			      unsigned long end, struct mm_walk *walk)
{
	struct hmm_bench_walk *w = walk->private;
	unsigned long i = (addr - w->start) >> PAGE_SHIFT;
	pmd_t pmd = pmdp_get_lockless(pmdp);
	pte_t *ptep, *pte;

	if (pmd_leaf(pmd)) {
		for (; addr < end; addr += PAGE_SIZE)
			w->out[i++] = pmd_val(pmd);
		return 0;
	}
	pte = pte_offset_map(pmdp, addr);
	if (!pte) {
		walk->action = ACTION_AGAIN;
		return 0;
	}
	/* pte_offset_map() took the RCU read lock that pte_unmap() drops. */
	__acquire(RCU);
	for (ptep = pte; addr < end; addr += PAGE_SIZE, ptep++)
		w->out[i++] = pte_val(ptep_get(ptep));
	pte_unmap(pte);
	return 0;
}

static const struct mm_walk_ops hmm_bench_walk_ops = {
	.pmd_entry = hmm_bench_walk_pmd,
	.walk_lock = PGWALK_RDLOCK,
};

static void hmm_bench_measure(enum hmm_bench_mode mode, unsigned long start,
			      unsigned long len, struct hmm_bench_result *res)
{
	struct mm_struct *mm = current->mm;
	unsigned long npages = len >> PAGE_SHIFT, i;
	struct mmu_interval_notifier mni;
	struct hmm_bench_walk walk = { .start = start };
	struct hmm_range range = {
		.notifier = &mni,
		.start = start,
		.end = start + len,
	};
	unsigned long *out;
	u64 t0, t1 = 0, sum = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	res->npages = npages;
	/* Zeroed: the plain walk leaves holes alone. */
	out = kvcalloc(npages, sizeof(*out), GFP_KERNEL);
	if (!out) {
		res->ret = -ENOMEM;
		return;
	}
	range.hmm_pfns = out;
	walk.out = out;
	if (mode == HMM_BENCH_FORMAT) {
		range.format = &hmm_bench_gp100;
		range.default_flags = BENCH_REQ_READ;
	} else {
		range.default_flags = HMM_PFN_REQ_FAULT;
	}

	ret = mmu_interval_notifier_insert(&mni, mm, start, len,
					   &hmm_bench_mni_ops);
	if (ret)
		goto out_free;

	do {
		range.notifier_seq = mmu_interval_read_begin(&mni);
		t0 = ktime_get_ns();
		mmap_read_lock(mm);
		switch (mode) {
		case HMM_BENCH_FORMAT:
		case HMM_BENCH_GENERIC:
			ret = hmm_range_fault(&range);
			break;
		case HMM_BENCH_UPSTREAM:
			ret = hmm_upstream_range_fault(&range);
			break;
		case HMM_BENCH_WALK:
			ret = walk_page_range(mm, start, start + len,
					      &hmm_bench_walk_ops, &walk);
			break;
		}
		mmap_read_unlock(mm);
		if (!ret && (mode == HMM_BENCH_UPSTREAM ||
			     mode == HMM_BENCH_GENERIC)) {
			for (i = 0; i < npages; i++)
				out[i] = hmm_bench_convert(out[i]);
		}
		t1 = ktime_get_ns();
		if (ret == -EBUSY)
			res->retries++;
	} while (ret == -EBUSY && res->retries < HMM_BENCH_MAX_TRIES);

	mmu_interval_notifier_remove(&mni);
	if (!ret) {
		for (i = 0; i < npages; i++)
			sum += out[i];
		res->ns = t1 - t0;
		res->sum = sum;
	}
out_free:
	kvfree(out);
	res->ret = ret;
}

static ssize_t hmm_bench_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct hmm_bench_file *bf = file->private_data;
	unsigned long start, len;
	char buf[64], name[16];
	int mode;

	if (!current->mm)
		return -EINVAL;
	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%15s %lx %lx", name, &start, &len) != 3)
		return -EINVAL;
	mode = match_string(hmm_bench_modes, ARRAY_SIZE(hmm_bench_modes), name);
	if (mode < 0)
		return -EINVAL;
	if (!len || len > HMM_BENCH_MAX_LEN || !PAGE_ALIGNED(start) ||
	    !PAGE_ALIGNED(len) || start + len < start ||
	    start + len > TASK_SIZE)
		return -EINVAL;

	mutex_lock(&bf->lock);
	hmm_bench_measure(mode, start, len, &bf->res);
	bf->valid = true;
	mutex_unlock(&bf->lock);
	return count;
}

static ssize_t hmm_bench_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct hmm_bench_file *bf = file->private_data;
	char buf[128];
	int n;

	/* One read per measurement, whole: the file position plays no part. */
	mutex_lock(&bf->lock);
	if (!bf->valid) {
		mutex_unlock(&bf->lock);
		return -ENODATA;
	}
	n = scnprintf(buf, sizeof(buf),
		      "ret=%d ns=%llu pages=%lu retries=%u sum=%llx\n",
		      bf->res.ret, bf->res.ns, bf->res.npages,
		      bf->res.retries, bf->res.sum);
	if (count >= n)
		bf->valid = false;
	mutex_unlock(&bf->lock);
	if (count < n)
		return -EINVAL;
	if (copy_to_user(ubuf, buf, n))
		return -EFAULT;
	return n;
}

static int hmm_bench_open(struct inode *inode, struct file *file)
{
	struct hmm_bench_file *bf = kzalloc(sizeof(*bf), GFP_KERNEL);

	if (!bf)
		return -ENOMEM;
	mutex_init(&bf->lock);
	file->private_data = bf;
	return nonseekable_open(inode, file);
}

static int hmm_bench_release(struct inode *inode, struct file *file)
{
	struct hmm_bench_file *bf = file->private_data;

	mutex_destroy(&bf->lock);
	kfree(bf);
	return 0;
}

static const struct file_operations hmm_bench_fops = {
	.owner		= THIS_MODULE,
	.open		= hmm_bench_open,
	.release	= hmm_bench_release,
	.read		= hmm_bench_read,
	.write		= hmm_bench_write,
};

static int __init hmm_bench_init(void)
{
	struct dentry *dir = debugfs_create_dir("hmm_bench", NULL);

	debugfs_create_file("snapshot", 0600, dir, NULL, &hmm_bench_fops);
	return 0;
}
late_initcall(hmm_bench_init);
