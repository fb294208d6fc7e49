// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual GPU behind an IOMMU: the addresses it is given are IOVAs of
 * its PCI function, and an IOVA the driver unmapped stops the GPU even
 * where the GPU still holds a translation to it.
 */
#include <errno.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>

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
	uint64_t prog = prog_copy();
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
	 * Both pages present before the first launch: its GPU faults map
	 * the whole window.
	 */
	src[0] = 0x1111222233334444ULL;
	dst[0] = 0;
	igt_assert_eq(exec_wait(f, c, prog, 1, (uintptr_t)src,
				(uintptr_t)dst), 0);
	igt_assert_eq_u64(dst[0], 0x1111222233334444ULL);
	/*
	 * Again, with every page mapped: no fault (whose replay would
	 * flush the whole TLB) follows the load of src, which stays cached.
	 */
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
}

#define MIB	(1UL << 20)

/* The bus device behind render file f: its name and its bus ("pci"). */
static void bus_device(int f, char *name, size_t len, char *bus, size_t blen)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct stat st;
	ssize_t n;

	igt_assert_eq(fstat(f, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	igt_assert(n > 0);
	link[n] = '\0';
	snprintf(name, len, "%s", strrchr(link, '/') + 1);
	strncat(path, "/subsystem", sizeof(path) - strlen(path) - 1);
	n = readlink(path, link, sizeof(link) - 1);
	igt_assert(n > 0);
	link[n] = '\0';
	snprintf(bus, blen, "%s", strrchr(link, '/') + 1);
}

/* DMA_API_DEBUG's error count. */
static long dma_api_errors(void)
{
	return file_long("/sys/kernel/debug/dma-api/error_count");
}

/* Mappings and allocations DMA_API_DEBUG holds for the device @name. */
static long dma_api_entries(const char *name)
{
	FILE *file = fopen("/sys/kernel/debug/dma-api/dump", "r");
	char line[512], key[80];
	long n = 0;

	igt_assert(file);
	snprintf(key, sizeof(key), " %s ", name);
	while (fgets(line, sizeof(line), file))
		n += strstr(line, key) != NULL;
	fclose(file);
	return n;
}

/* Write @name into the driver's sysfs file @op ("bind" or "unbind"). */
static double driver_op(const char *bus, const char *name, const char *op)
{
	char path[PATH_MAX];
	double t0 = now();
	FILE *file;

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/vsvm/%s", bus, op);
	file = fopen(path, "w");
	igt_assert_f(file, "cannot open %s\n", path);
	igt_assert(fprintf(file, "%s\n", name) > 0);
	igt_assert_f(fclose(file) == 0, "%s %s: %s\n", op, name,
		     strerror(errno));
	return now() - t0;
}

/*
 * Unbind the driver while a file maps process memory (4 KiB pages and a
 * THP), holds page tables in two VMs and runs a launch that never ends:
 * the unbind returns promptly, leaves DMA_API_DEBUG no mapping or
 * allocation of the device and no error, what was in VRAM is back in
 * system memory intact, the launch's user fence says it was cancelled, the file's ioctls fail with -ENODEV while the memory
 * stays the process's, and after a rebind the new device works while the
 * old file is still open; closing the old file then touches nothing of
 * the new device.
 */
static void test_unbind_rebind(void)
{
	const size_t sz = 4 << 20, pages = sz / 4096;
	uint64_t stride = prog_stride(12), forever = prog_forever();
	struct drm_vsvm_vm_create vmc = { 0 };
	struct drm_vsvm_get_param gp = {
		.param = DRM_VSVM_PARAM_NUM_EUS,
	};
	char name[64], bus[16];
	long errors, live;
	uint64_t *buf, *vram, result;
	ufence_t *spin;
	uint32_t c, c1;
	double t;
	size_t i;
	int f, f2;

	igt_require(access("/sys/kernel/debug/dma-api/dump", R_OK) == 0);
	f = open_svm(&c);
	bus_device(f, name, sizeof(name), bus, sizeof(bus));
	igt_require_f(!strcmp(bus, "pci"), "the device is on bus %s\n", bus);
	errors = dma_api_errors();

	/* 2 MiB of THP, then 2 MiB of 4 KiB pages, one GPU store a page. */
	buf = aligned_alloc(2 << 20, sz);
	igt_assert(buf);
	igt_assert_eq(madvise(buf, 2 << 20, MADV_HUGEPAGE), 0);
	igt_assert_eq(madvise((char *)buf + (2 << 20), 2 << 20,
			      MADV_NOHUGEPAGE), 0);
	memset(buf, 0xff, sz);
	igt_assert_eq(exec_wait(f, c, stride, pages, (uintptr_t)buf, 0), 0);
	for (i = 0; i < pages; i++)
		igt_assert_eq_u64(buf[i * 512], i);

	/* A second VM with page tables of its own, and a launch in it. */
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_VM_CREATE, &vmc), 0);
	{
		struct drm_vsvm_svm_init init = {
			.flags = DRM_VSVM_SVM_INIT_LR_MODE, .vm_id = vmc.vm_id,
		};
		struct drm_vsvm_channel_create cc = { .vm_id = vmc.vm_id };

		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), 0);
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc),
			      0);
		c1 = cc.handle;
	}
	spin = launch_async(f, c1, forever, 2, DRM_VSVM_EXEC_MAX_INSN_BUDGET,
			    0, 0);
	usleep(100000);

	/* And 1 MiB in VRAM: the unbind brings it back to system memory. */
	vram = aligned_alloc(4096, MIB);
	igt_assert(vram);
	for (i = 0; i < MIB / 8; i++)
		vram[i] = i * 0x9e3779b97f4a7c15ULL;
	igt_assert_eq(svm_bind(f, vram, MIB, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_assert_eq_u64(result, MIB / 4096);
	igt_assert(debugfs_read(f, "vram_pages_used") >= (long)(MIB / 4096));

	live = dma_api_entries(name);
	igt_info("%ld DMA mappings and allocations of %s before the unbind\n",
		 live, name);
	/* At least the 512 pages mapped one by one. */
	igt_assert_f(live >= 512, "only %ld DMA entries of %s\n", live, name);

	t = driver_op(bus, name, "unbind");
	igt_info("unbind took %.3f s\n", t);
	igt_assert_f(t < 10.0, "unbind took %.3f s\n", t);
	igt_assert_eq(dma_api_entries(name), 0);
	igt_assert_eq(dma_api_errors(), errors);

	/* The launch ended, and said so; the file is of no device now. */
	igt_assert_eq(launch_status_polled(spin), -ECANCELED);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_GET_PARAM, &gp), -1);
	igt_assert_eq(errno, ENODEV);
	for (i = 0; i < pages; i++)
		igt_assert_eq_u64(buf[i * 512], i);
	for (i = 0; i < MIB / 8; i++)
		igt_assert_eq_u64(vram[i], i * 0x9e3779b97f4a7c15ULL);
	/* A CPU invalidation of what the GPU mapped reaches no GPU. */
	igt_assert_eq(madvise(buf, 2 << 20, MADV_DONTNEED), 0);
	buf[0] = 42;

	t = driver_op(bus, name, "bind");
	igt_info("bind took %.3f s\n", t);
	f2 = open_svm(&c);
	igt_assert_eq(exec_wait(f2, c, stride, pages, (uintptr_t)buf, 0), 0);
	for (i = 0; i < pages; i++)
		igt_assert_eq_u64(buf[i * 512], i);

	/* The old file goes while the new device maps the same pages. */
	close_within_a_second(f);
	memset(buf, 0, sz);
	igt_assert_eq(exec_wait(f2, c, stride, pages, (uintptr_t)buf, 0), 0);
	for (i = 0; i < pages; i++)
		igt_assert_eq_u64(buf[i * 512], i);
	close(f2);
	igt_assert_eq(dma_api_errors(), errors);

	free(vram);
	free(buf);
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
	igt_describe("Unbinding the driver while a file maps memory, holds "
		     "two VMs and runs a launch leaves no DMA mapping or "
		     "DMA-API error; the file gets -ENODEV, its launch is "
		     "cancelled, and the rebound device works.");
	igt_subtest("unbind-rebind-with-mappings-live")
		test_unbind_rebind();
}
