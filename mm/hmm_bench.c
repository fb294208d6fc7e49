// SPDX-License-Identifier: GPL-2.0-only
/*
 * Snapshot benchmark for hmm_range_fault() device formats.
 *
 * A root-only debugfs file, /sys/kernel/debug/hmm_bench/snapshot, measures
 * one "snapshot and install into a GP100 page table" of a range of the
 * calling process and reports the time:
 *
 *   write "MODE START LENGTH [snap]"  measure (hex START and LENGTH, page
 *                                     aligned; "snap": no fault request)
 *   read                        "ret=R ns=T pages=N retries=B hash=H", once
 *
 * MODE is one of
 *
 *   format        hmm_range_fault() with the GP100 device format, then the
 *                 driver's install: mask HUGE off, one 2 MiB PTE per full
 *                 HUGE run, one 4 KiB PTE per other entry;
 *   generic       our hmm_range_fault() without a format, then the
 *                 conversion of "upstream" and the same install;
 *   upstream      the unmodified 6.12 hmm_range_fault() (mm/hmm_upstream.c,
 *                 a build-time copy of Debian's mm/hmm.c with the function
 *                 renamed), then the per-entry conversion to GP100 PTEs a
 *                 driver runs today (valid/error, write, mapping order; no
 *                 struct page is read, since without a device-private owner
 *                 no entry can be device memory) and the same install;
 *   walk          a page-table walk that only reads the PTEs and PMDs and
 *                 stores them: the floor for any snapshot (no install);
 *   format-dma    "format" with a DMA device: entries carry DMA addresses.
 *                 The device is QEMU's "pci-testdev" PCI function when the
 *                 machine has one (behind the IOMMU, if there is one: then
 *                 the addresses are IOVAs), else a root device with direct
 *                 DMA; /sys/kernel/debug/hmm_bench/dma_device names it;
 *   upstream-dma  "upstream" plus one dma_map_page() per page, or per 2 MiB
 *                 run the CPU maps with a PMD, in the conversion loop, as
 *                 drivers that DMA-map HMM output do;
 *   format-only   "format" without the install: where the time goes.
 *
 * Requests ask for read access to every page unless "snap" is given. The
 * time runs from before the mmap lock to after the last PTE is written.
 * H is a position-sensitive hash of the page table (4 KiB and 2 MiB
 * levels), computed after the clock stopped, so that the caller can check
 * that every mode that installs produced the same table. DMA mappings are
 * undone after the clock stopped.
 *
 * Only built into benchmark kernels (CONFIG_HMM_BENCH).
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/hmm_bench.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagewalk.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/* mm/hmm_upstream.c: 6.12's hmm_range_fault(), renamed at build time. */
int hmm_upstream_range_fault(struct hmm_range *range);

#define HMM_BENCH_MAX_LEN	(4UL << 30)
#define HMM_BENCH_MAX_TRIES	64
#define HMM_BENCH_PMD_PAGES	(PMD_SIZE >> PAGE_SHIFT)

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
	HMM_BENCH_FORMAT_DMA,
	HMM_BENCH_UPSTREAM_DMA,
	HMM_BENCH_FORMAT_ONLY,
};

static const char * const hmm_bench_modes[] = {
	[HMM_BENCH_FORMAT]	= "format",
	[HMM_BENCH_GENERIC]	= "generic",
	[HMM_BENCH_UPSTREAM]	= "upstream",
	[HMM_BENCH_WALK]	= "walk",
	[HMM_BENCH_FORMAT_DMA]	= "format-dma",
	[HMM_BENCH_UPSTREAM_DMA] = "upstream-dma",
	[HMM_BENCH_FORMAT_ONLY]	= "format-only",
};

/*
 * The DMA device of the -dma modes (47-bit mask): pci-testdev if there is
 * one, else the root device, which maps directly.
 */
static struct device *hmm_bench_dev;
static struct device *hmm_bench_root;
static struct hmm_pfn_format hmm_bench_gp100_dma;

/**
 * struct hmm_bench_file - per-open state
 * @lock: serialises measurements and protects @res and @valid
 * @ctl: what the file measures
 * @res: the last result
 * @valid: @res holds a result that was not read yet
 */
struct hmm_bench_file {
	struct mutex lock;	/* see above */
	const struct hmm_bench_ctl *ctl;
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

/*
 * What a driver does today with each generic word: build its GP100 PTE
 * (with HUGE for a PMD mapping, which its install step turns into one
 * 2 MiB PTE). No device-private owner is set, so no entry can be device
 * memory and no struct page needs reading.
 */
static u64 hmm_bench_convert(unsigned long hpfn, dma_addr_t addr)
{
	u64 pte;

	if (hpfn & HMM_PFN_ERROR)
		return BENCH_ERROR;
	if (!(hpfn & HMM_PFN_VALID))
		return 0;
	pte = GP100_VALID | GP100_APERTURE_SYS_COH | GP100_VOL |
	      ((addr >> PAGE_SHIFT) << GP100_ADDR_SHIFT);
	if (!(hpfn & HMM_PFN_WRITE))
		pte |= GP100_READ_ONLY;
	if (hmm_pfn_to_map_order(hpfn) == PMD_SHIFT - PAGE_SHIFT)
		pte |= BENCH_HUGE;
	return pte;
}

/*
 * The conversion loop, with dma_map_page() for the DMA mode: one mapping
 * per page, or per PMD run the range covers whole. Returns the number of
 * words converted; on a mapping failure the caller undoes them.
 */
static unsigned long hmm_bench_convert_all(unsigned long *words,
					   unsigned long start,
					   unsigned long npages, bool dma)
{
	unsigned long i, j, n;
	dma_addr_t addr;

	for (i = 0; i < npages; i += n) {
		unsigned long w = words[i];
		bool valid = (w & (HMM_PFN_VALID | HMM_PFN_ERROR)) == HMM_PFN_VALID;
		bool huge = valid && hmm_pfn_to_map_order(w) ==
			    PMD_SHIFT - PAGE_SHIFT &&
			    IS_ALIGNED(start + i * PAGE_SIZE, PMD_SIZE) &&
			    i + HMM_BENCH_PMD_PAGES <= npages;

		n = huge ? HMM_BENCH_PMD_PAGES : 1;
		addr = valid ? hmm_pfn_to_phys(w) : 0;
		if (dma && valid) {
			enum dma_data_direction dir = w & HMM_PFN_WRITE ?
				DMA_BIDIRECTIONAL : DMA_TO_DEVICE;

			addr = dma_map_page(hmm_bench_dev, hmm_pfn_to_page(w), 0,
					    n * PAGE_SIZE, dir);
			if (dma_mapping_error(hmm_bench_dev, addr))
				return i;
		}
		for (j = 0; j < n; j++)
			words[i + j] = hmm_bench_convert(words[i + j],
							 addr + j * PAGE_SIZE);
	}
	return npages;
}

/*
 * The install step of both sides: HUGE bits off, a full HUGE run at a 2 MiB
 * aligned address becomes one 2 MiB PTE, every other entry a 4 KiB PTE.
 */
static void hmm_bench_install(const unsigned long *ptes, unsigned long start,
			      unsigned long npages, u64 *pt, u64 *pd)
{
	unsigned long i = 0;

	while (i < npages) {
		u64 pte = ptes[i];

		if ((pte & BENCH_HUGE) &&
		    IS_ALIGNED(start + i * PAGE_SIZE, PMD_SIZE) &&
		    i + HMM_BENCH_PMD_PAGES <= npages) {
			pd[i / HMM_BENCH_PMD_PAGES] = pte & ~BENCH_HUGE;
			i += HMM_BENCH_PMD_PAGES;
			continue;
		}
		pt[i++] = pte & ~BENCH_HUGE;
	}
}

/* The GP100 system address field: address >> 12 at bit 8. */
#define BENCH_ADDR_FIELD	GENMASK_ULL(53, 8)

/*
 * An entry as the hash sees it: behind a translating IOMMU, the IOVA is
 * replaced by the physical address it maps, since two passes over the same
 * pages get different IOVAs.
 */
static u64 hmm_bench_hash_entry(struct iommu_domain *dom, u64 e)
{
	phys_addr_t phys;

	if (!dom || !(e & 1))
		return e;
	phys = iommu_iova_to_phys(dom, ((e & BENCH_ADDR_FIELD) >> 8) << 12);
	return (e & ~BENCH_ADDR_FIELD) | ((u64)(phys >> 12) << 8);
}

/*
 * Position-sensitive hash of both levels of the table (FNV-1a per word);
 * @dom: the IOMMU domain the entries' addresses are IOVAs of, or NULL.
 */
static u64 hmm_bench_hash(const u64 *pt, unsigned long npages, const u64 *pd,
			  struct iommu_domain *dom)
{
	u64 h = 0xcbf29ce484222325ULL;
	unsigned long i;

	for (i = 0; i < npages; i++)
		h = (h ^ hmm_bench_hash_entry(dom, pt[i]) ^ i) *
		    0x100000001b3ULL;
	for (i = 0; i < DIV_ROUND_UP(npages, HMM_BENCH_PMD_PAGES); i++)
		h = (h ^ hmm_bench_hash_entry(dom, pd[i]) ^ ~i) *
		    0x100000001b3ULL;
	return h;
}

/* The translating IOMMU domain of the -dma modes' device, or NULL. */
static struct iommu_domain *hmm_bench_iommu(void)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(hmm_bench_dev);

	return dom && (dom->type & __IOMMU_DOMAIN_PAGING) ? dom : NULL;
}

/* Undo the DMA mappings behind an installed table (after the clock). */
static void hmm_bench_unmap(const u64 *pt, unsigned long npages,
			    const u64 *pd)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		hmm_format_dma_unmap(&hmm_bench_gp100_dma, pt[i]);
	for (i = 0; i < DIV_ROUND_UP(npages, HMM_BENCH_PMD_PAGES); i++)
		if (pd[i])
			hmm_format_dma_unmap(&hmm_bench_gp100_dma,
					     pd[i] | BENCH_HUGE);
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

static void hmm_bench_measure(unsigned int mode, unsigned long start,
			      unsigned long len, bool snap,
			      struct hmm_bench_result *res)
{
	bool dma = mode == HMM_BENCH_FORMAT_DMA || mode == HMM_BENCH_UPSTREAM_DMA;
	unsigned long npages = len >> PAGE_SHIFT, npd, done = 0;
	struct mm_struct *mm = current->mm;
	struct mmu_interval_notifier mni;
	struct hmm_bench_walk walk = { .start = start };
	struct hmm_range range = {
		.notifier = &mni,
		.start = start,
		.end = start + len,
	};
	unsigned long *out;
	u64 t0, t1 = 0, *pt, *pd;
	int ret;

	memset(res, 0, sizeof(*res));
	res->npages = npages;
	npd = DIV_ROUND_UP(npages, HMM_BENCH_PMD_PAGES);
	/* Zeroed: the plain walk leaves holes alone. */
	out = kvcalloc(npages, sizeof(*out), GFP_KERNEL);
	pt = kvcalloc(npages, sizeof(*pt), GFP_KERNEL);
	pd = kvcalloc(npd, sizeof(*pd), GFP_KERNEL);
	if (!out || !pt || !pd || (dma && !hmm_bench_dev)) {
		ret = -ENOMEM;
		goto out_free;
	}
	range.hmm_pfns = out;
	walk.out = out;
	switch (mode) {
	case HMM_BENCH_FORMAT:
	case HMM_BENCH_FORMAT_ONLY:
		range.format = &hmm_bench_gp100;
		range.default_flags = snap ? 0 : BENCH_REQ_READ;
		break;
	case HMM_BENCH_FORMAT_DMA:
		range.format = &hmm_bench_gp100_dma;
		range.default_flags = snap ? 0 : BENCH_REQ_READ;
		break;
	default:
		range.default_flags = snap ? 0 : HMM_PFN_REQ_FAULT;
		break;
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
		case HMM_BENCH_FORMAT_ONLY:
		case HMM_BENCH_FORMAT_DMA:
		case HMM_BENCH_GENERIC:
			ret = hmm_range_fault(&range);
			break;
		case HMM_BENCH_UPSTREAM:
		case HMM_BENCH_UPSTREAM_DMA:
			ret = hmm_upstream_range_fault(&range);
			break;
		case HMM_BENCH_WALK:
			ret = walk_page_range(mm, start, start + len,
					      &hmm_bench_walk_ops, &walk);
			break;
		}
		mmap_read_unlock(mm);
		if (!ret && mode != HMM_BENCH_WALK &&
		    mode != HMM_BENCH_FORMAT_ONLY) {
			if (!range.format) {
				done = hmm_bench_convert_all(out, start, npages,
							     dma);
				if (done < npages)
					ret = -ENOMEM;
			}
			if (!ret)
				hmm_bench_install(out, start, npages, pt, pd);
		}
		t1 = ktime_get_ns();
		if (ret == -EBUSY)
			res->retries++;
	} while (ret == -EBUSY && res->retries < HMM_BENCH_MAX_TRIES);

	mmu_interval_notifier_remove(&mni);
	if (!ret) {
		res->ns = t1 - t0;
		res->hash = mode == HMM_BENCH_WALK ||
			    mode == HMM_BENCH_FORMAT_ONLY ? 0 :
			    hmm_bench_hash(pt, npages, pd,
					   dma ? hmm_bench_iommu() : NULL);
		if (dma)
			hmm_bench_unmap(pt, npages, pd);
	} else if (dma && done) {
		/* Undo the conversion's mappings, via the same decoder. */
		memset(pt, 0, npages * sizeof(*pt));
		memset(pd, 0, npd * sizeof(*pd));
		hmm_bench_install(out, start, done, pt, pd);
		hmm_bench_unmap(pt, done, pd);
	}
out_free:
	kvfree(pd);
	kvfree(pt);
	kvfree(out);
	res->ret = ret;
}

static ssize_t hmm_bench_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct hmm_bench_file *bf = file->private_data;
	const struct hmm_bench_ctl *ctl = bf->ctl;
	unsigned long start, len;
	char buf[80], name[32], flag[8] = "";
	int mode, n;

	if (!current->mm)
		return -EINVAL;
	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	n = sscanf(buf, "%31s %lx %lx %7s", name, &start, &len, flag);
	if (n < 3 || (n == 4 && (!ctl->snap || strcmp(flag, "snap"))))
		return -EINVAL;
	mode = match_string(ctl->modes, ctl->nmodes, name);
	if (mode < 0)
		return -EINVAL;
	if (!len || len > ctl->max_len || !PAGE_ALIGNED(start) ||
	    !PAGE_ALIGNED(len) || start + len < start ||
	    start + len > TASK_SIZE)
		return -EINVAL;

	mutex_lock(&bf->lock);
	memset(&bf->res, 0, sizeof(bf->res));
	ctl->measure(mode, start, len, n == 4, &bf->res);
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
		      "ret=%d ns=%llu pages=%lu retries=%u hash=%llx\n",
		      bf->res.ret, bf->res.ns, bf->res.npages,
		      bf->res.retries, bf->res.hash);
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
	bf->ctl = inode->i_private;
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

static void hmm_bench_set_dev(struct device *dev)
{
	hmm_bench_dev = dev;
	hmm_bench_gp100_dma = hmm_bench_gp100;
	hmm_bench_gp100_dma.dma_dev = dev;
}

/* QEMU's PCI test function: a PCI device for the -dma modes. */
static int hmm_bench_pci_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(47));
	if (ret)
		return ret;
	pci_set_master(pdev);
	hmm_bench_set_dev(&pdev->dev);
	return 0;
}

/* QEMU's pci-testdev (docs/specs/pci-testdev.txt in QEMU). */
#define HMM_BENCH_PCI_DEVICE_ID	0x0005

static const struct pci_device_id hmm_bench_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT, HMM_BENCH_PCI_DEVICE_ID) },
	{ }
};

static struct pci_driver hmm_bench_pci_driver = {
	.name = "hmm_bench",
	.id_table = hmm_bench_pci_ids,
	.probe = hmm_bench_pci_probe,
	.driver.suppress_bind_attrs = true,
};

static int hmm_bench_dma_device_show(struct seq_file *m, void *v)
{
	if (!hmm_bench_dev) {
		seq_puts(m, "none\n");
		return 0;
	}
	seq_printf(m, "%s %s\n", dev_name(hmm_bench_dev),
		   hmm_bench_iommu() ? "iommu" : "direct");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hmm_bench_dma_device);

static const struct hmm_bench_ctl hmm_bench_snapshot = {
	.modes = hmm_bench_modes,
	.nmodes = ARRAY_SIZE(hmm_bench_modes),
	.max_len = HMM_BENCH_MAX_LEN,
	.snap = true,
	.measure = hmm_bench_measure,
};

/**
 * hmm_bench_ctl_create() - a benchmark's control files
 * @dir: the benchmark's debugfs directory
 * @ctl: what its "snapshot" file measures; must outlive the file
 *
 * Creates, root only, "snapshot" (write "MODE START LENGTH [snap]", then
 * read "ret=R ns=T pages=N retries=B hash=H" once) and "dma_device" (the
 * device of hmm_bench_dma_device() and whether it maps through an IOMMU).
 * A module removes them with its directory before it goes: debugfs then
 * waits for a measurement in progress.
 */
void hmm_bench_ctl_create(struct dentry *dir, const struct hmm_bench_ctl *ctl)
{
	debugfs_create_file("snapshot", 0600, dir, (void *)ctl,
			    &hmm_bench_fops);
	debugfs_create_file("dma_device", 0400, dir, NULL,
			    &hmm_bench_dma_device_fops);
}
EXPORT_SYMBOL_GPL(hmm_bench_ctl_create);

/**
 * hmm_bench_dma_device() - a DMA device for the benchmarks
 * @direct: the root device, which maps directly, even where pci-testdev
 *	exists
 *
 * Without @direct, QEMU's pci-testdev when the machine has one (behind the
 * IOMMU, if there is one), else the root device; 47-bit DMA mask. Both
 * stay registered and bound for the life of the kernel.
 *
 * Return: the device, or NULL if none could be set up.
 */
struct device *hmm_bench_dma_device(bool direct)
{
	return direct ? hmm_bench_root : hmm_bench_dev;
}
EXPORT_SYMBOL_GPL(hmm_bench_dma_device);

static int __init hmm_bench_init(void)
{
	struct dentry *dir = debugfs_create_dir("hmm_bench", NULL);
	struct device *dev;

	/* A device for the -dma modes; without it they fail with -ENOMEM. */
	dev = root_device_register("hmm_bench");
	if (!IS_ERR(dev)) {
		dev->dma_mask = &dev->coherent_dma_mask;
		if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(47))) {
			root_device_unregister(dev);
		} else {
			hmm_bench_root = dev;
			hmm_bench_set_dev(dev);
		}
	}
	/* A PCI function, where there is one, takes its place. */
	if (pci_register_driver(&hmm_bench_pci_driver))
		pr_warn("hmm_bench: no PCI driver; DMA modes use direct DMA\n");

	hmm_bench_ctl_create(dir, &hmm_bench_snapshot);
	return 0;
}
late_initcall(hmm_bench_init);
