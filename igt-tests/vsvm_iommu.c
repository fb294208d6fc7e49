// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual GPU behind an IOMMU: the addresses it is given are IOVAs of
 * its PCI function, and an IOVA the driver unmapped stops the GPU even
 * where the GPU still holds a translation to it.
 */
#include <errno.h>
#include <limits.h>
#include <sys/mman.h>

#include "vsvm_igt.h"

/* The IOMMU group of the device behind render file f, or -1 if none. */
static int iommu_group(int f, char *type, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct stat st;
	FILE *file;
	ssize_t n;
	char *p;
	int group;

	igt_assert_eq(fstat(f, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/iommu_group",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	p = strrchr(link, '/');
	igt_assert(p);
	group = atoi(p + 1);
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/type", group);
	file = fopen(path, "r");
	igt_assert(file);
	igt_assert(fgets(type, len, file));
	fclose(file);
	type[strcspn(type, "\n")] = '\0';
	return group;
}

/* The device sits behind a translating IOMMU; skip otherwise. */
static void require_iommu(int f)
{
	char type[32];

	igt_require_f(iommu_group(f, type, sizeof(type)) >= 0,
		      "the device has no IOMMU group\n");
	igt_require_f(strcmp(type, "identity"),
		      "the device's IOMMU domain is an identity one\n");
}

static void *map_pages(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

static void test_translated(void)
{
	char type[32];
	int f = open_vsvm();

	igt_require(f >= 0);
	require_iommu(f);
	igt_assert_eq(iommu_group(f, type, sizeof(type)) >= 0, 1);
	/* Strict: an unmapped IOVA is gone when dma_unmap_*() returns. */
	igt_assert_f(!strcmp(type, "DMA"),
		     "IOMMU domain type is \"%s\", not strict \"DMA\"\n", type);
	igt_assert_eq(debugfs_read(f, "dma_translated"), 1);
	close(f);
}

/*
 * The GPU reads a page (its TLB now holds the translation), the CPU drops
 * the page while the driver is told to leave the GPU TLB alone: the GPU's
 * next read goes through its stale translation to the old IOVA, which the
 * driver unmapped in the invalidation. The IOMMU must stop it: the launch
 * ends with a bad-address error on its channel, the IOMMU fault counter
 * rises, and the destination is not written (no stale data). Without the
 * injection the same sequence refaults and reads the new page.
 *
 * (The GPU PTE is cleared either way; what the injection skips is the TLB
 * invalidation, which leaves the GPU a translation to an unmapped IOVA.)
 */
static void test_stale_tlb_faults(void)
{
	uint64_t *prog = prog_copy();
	uint64_t *src = map_pages(4096), *dst = map_pages(4096);
	struct drm_vsvm_svm_bind bind = {
		.header = DRM_VSVM_BIND_OP_MAP,
		.va_start = (uintptr_t)src, .va_end = (uintptr_t)src + 4096,
	};
	struct drm_vsvm_channel_error e;
	long faults;
	uint32_t c;
	int f;

	f = open_svm(&c);
	require_iommu(f);

	/*
	 * Both pages present before the first launch: its one GPU fault maps
	 * the whole window, so no later fault flushes src's translation out
	 * of the TLB.
	 */
	src[0] = 0x1111222233334444ULL;
	dst[0] = 0;
	igt_assert_eq(exec_wait(f, c, prog, 1, (uintptr_t)src,
				(uintptr_t)dst), 0);
	igt_assert_eq_u64(dst[0], 0x1111222233334444ULL);

	faults = debugfs_read(f, "iommu_faults");
	debugfs_write(f, "inject_stale_tlb", 1);
	igt_assert_eq(madvise(src, 4096, MADV_DONTNEED), 0);
	debugfs_write(f, "inject_stale_tlb", 0);

	dst[0] = 0xdeaddeaddeaddeadULL;
	igt_assert_eq(exec_wait(f, c, prog, 1, (uintptr_t)src,
				(uintptr_t)dst), -EIO);
	e = channel_error(f, c);
	igt_assert_eq_u32(e.code, DRM_VSVM_CHANNEL_ERR_BAD_PHYS);
	igt_assert_eq_u64(e.address & 4095, 0);
	igt_assert_f(debugfs_read(f, "iommu_faults") > faults,
		     "the IOMMU fault counter did not rise\n");
	igt_assert_eq_u64(dst[0], 0xdeaddeaddeaddeadULL);

	/*
	 * Recovery: a bind of the page maps the new one and flushes the
	 * window's stale translation; the GPU then reads what the CPU wrote,
	 * through a fresh IOVA, with no IOMMU fault.
	 */
	src[0] = 0x9999aaaabbbbccccULL;
	faults = debugfs_read(f, "iommu_faults");
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_BIND, &bind), 0);
	igt_assert_eq(exec_wait(f, c, prog, 1, (uintptr_t)src,
				(uintptr_t)dst), 0);
	igt_assert_eq_u64(dst[0], 0x9999aaaabbbbccccULL);
	igt_assert_eq(debugfs_read(f, "iommu_faults"), faults);

	/* Without the injection an invalidation flushes: a GPU fault. */
	igt_assert_eq(madvise(src, 4096, MADV_DONTNEED), 0);
	src[0] = 0x5555666677778888ULL;
	igt_assert_eq(exec_wait(f, c, prog, 1, (uintptr_t)src,
				(uintptr_t)dst), 0);
	igt_assert_eq_u64(dst[0], 0x5555666677778888ULL);
	igt_assert_eq(debugfs_read(f, "iommu_faults"), faults);

	close(f);
	munmap(src, 4096);
	munmap(dst, 4096);
	free(prog);
}

igt_main
{
	igt_describe("The GPU's PCI function is in an IOMMU group with a "
		     "strict DMA domain, and the model translates through it.");
	igt_subtest("translated")
		test_translated();
	igt_describe("A GPU read through a stale TLB entry, after the CPU "
		     "dropped the page and the driver unmapped its IOVA, is an "
		     "IOMMU fault on the channel, never a read of the old page.");
	igt_subtest("stale-tlb-faults-through-iommu")
		test_stale_tlb_faults();
}
