// SPDX-License-Identifier: GPL-2.0
/*
 * Device memory: process pages migrated to the GPU's VRAM by
 * DRM_VSVM_BIND_OP_MIGRATE, used there by GPU programs, and migrated back
 * by CPU accesses, by the ioctl, or when the process lets them go.
 */
#include <errno.h>
#include <sys/mman.h>

#include "vsvm_igt.h"

static int fd = -1;
static uint32_t chan;

#define MIB	(1UL << 20)

/* At offset o = tid << 12 (one word a page): dst[o] = src[o] * 3 + 7. */
static uint64_t *prog_scale_pages(void)
{
	return PROGRAM(insn(OP_S2R, 1, 0, 0, SR_TID),
		       insn(OP_SHLI, 1, 1, 0, 12),
		       insn(OP_LDARG, 2, 0, 0, 0),
		       insn(OP_LDARG, 3, 0, 0, 1),
		       insn(OP_ADD, 2, 2, 1, 0),
		       insn(OP_ADD, 3, 3, 1, 0),
		       insn(OP_LD64, 4, 2, 0, 0),
		       insn(OP_MULI, 4, 4, 0, 3),
		       insn(OP_ADDI, 4, 4, 0, 7),
		       insn(OP_ST64, 0, 3, 4, 0),
		       insn(OP_EXIT, 0, 0, 0, 0));
}

static uint64_t *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

static int migrate(void *p, size_t size, uint64_t target)
{
	return svm_bind(fd, p, size, DRM_VSVM_BIND_OP_MIGRATE, target, NULL);
}

static long vram_used(void)
{
	return debugfs_read(fd, "vram_pages_used");
}

static void require_vram(void)
{
	struct drm_vsvm_get_param gp = { .param = DRM_VSVM_PARAM_VRAM_SIZE };

	igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_GET_PARAM, &gp), 0);
	igt_require_f(gp.value >= 16 * MIB, "VRAM: %llu bytes\n",
		      (unsigned long long)gp.value);
}

/*
 * A buffer the CPU filled goes to VRAM (every page: VRAM use rises by as
 * many), a GPU program transforms one word of each page there (VRAM use
 * unchanged: the pages stayed), and the CPU reads the whole buffer word by
 * word, each page coming back to system memory as it is touched.
 */
static void test_migrate_run_readback(void)
{
	const size_t size = 4 * MIB, n = size / 8, pages = size / 4096;
	uint64_t *buf = map_anon(size), *prog = prog_scale_pages(), result;
	long used0 = vram_used(), in0 = debugfs_read(fd, "vram_migrated_in");
	long out0 = debugfs_read(fd, "vram_migrated_out");
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = i ^ 0x5a5a5a5aULL;
	igt_assert_eq(svm_bind(fd, buf, size, DRM_VSVM_BIND_OP_MIGRATE,
			      DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_assert_eq_u64(result, pages);
	igt_assert_eq(vram_used() - used0, (long)pages);
	igt_assert_eq(debugfs_read(fd, "vram_migrated_in") - in0, (long)pages);

	/* In place, a word a page: the GPU reads and writes VRAM. */
	igt_assert_eq(exec_wait(fd, chan, prog, pages, (uintptr_t)buf,
				(uintptr_t)buf), 0);
	igt_assert_eq(vram_used() - used0, (long)pages);
	igt_assert_eq(debugfs_read(fd, "vram_migrated_out"), out0);

	for (i = 0; i < n; i++)
		igt_assert_eq_u64(buf[i], i % 512 ? i ^ 0x5a5a5a5aULL :
					  (i ^ 0x5a5a5a5aULL) * 3 + 7);
	igt_assert_eq(vram_used(), used0);
	igt_assert_eq(debugfs_read(fd, "vram_migrated_out") - out0,
		      (long)pages);
	munmap(buf, size);
	free(prog);
}

/*
 * Memory the process never touched goes to VRAM as zeroed pages; the GPU
 * writes some of it; the ioctl brings it all back, and the CPU sees the
 * GPU's words and zeroes elsewhere.
 */
static void test_untouched_and_back(void)
{
	const size_t size = 2 * MIB, pages = size / 4096;
	uint64_t *buf = map_anon(size), *stride = prog_stride(12);
	long used0 = vram_used();
	size_t i;

	igt_assert_eq(migrate(buf, size, DRM_VSVM_BIND_TARGET_VRAM), 0);
	igt_assert_eq(vram_used() - used0, (long)pages);
	/* Thread t stores t at page t: every page of the window. */
	igt_assert_eq(exec_wait(fd, chan, stride, pages, (uintptr_t)buf, 0),
		      0);
	igt_assert_eq(migrate(buf, size, DRM_VSVM_BIND_TARGET_SYSTEM), 0);
	igt_assert_eq(vram_used(), used0);
	for (i = 0; i < size / 8; i++)
		igt_assert_eq_u64(buf[i], i % 512 ? 0 : i / 512);
	munmap(buf, size);
	free(stride);
}

/* Pages in VRAM that the process unmaps, or leaves behind, are freed. */
static void test_unmap_and_exit(void)
{
	const size_t size = 2 * MIB;
	uint64_t *buf = map_anon(size);
	long used0 = vram_used();
	pid_t pid;
	size_t i;

	memset(buf, 0x11, size);
	igt_assert_eq(migrate(buf, size, DRM_VSVM_BIND_TARGET_VRAM), 0);
	igt_assert_eq(vram_used() - used0, 512);
	/* Half of it goes; the other half is intact and still in VRAM. */
	igt_assert_eq(munmap(buf, size / 2), 0);
	igt_assert_eq(vram_used() - used0, 256);
	for (i = size / 16; i < size / 8; i++)
		igt_assert_eq_u64(buf[i], 0x1111111111111111ULL);
	igt_assert_eq(vram_used(), used0);
	munmap(buf + size / 16, size / 2);

	/* A process exits with pages in VRAM and its file open. */
	pid = fork();
	if (pid == 0) {
		uint32_t c;
		int f = open_svm(&c);
		uint64_t *p = map_anon(size), result;

		memset(p, 0x22, size);
		if (svm_bind(f, p, size, DRM_VSVM_BIND_OP_MIGRATE,
			     DRM_VSVM_BIND_TARGET_VRAM, &result) || result != 512)
			_exit(1);
		_exit(debugfs_read(f, "vram_pages_used") >= used0 + 512 ? 0 : 2);
	}
	wait_child_ok(pid);
	igt_assert_eq(vram_used(), used0);
}

/*
 * After fork() both processes share the pages in VRAM copy-on-write: each
 * reads the parent's data, the child's writes stay its own.
 */
static void test_fork(void)
{
	const size_t size = MIB, n = size / 8;
	uint64_t *buf = map_anon(size);
	long used0 = vram_used();
	pid_t pid;
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = i * 11;
	igt_assert_eq(migrate(buf, size, DRM_VSVM_BIND_TARGET_VRAM), 0);
	igt_assert_eq(vram_used() - used0, 256);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] != i * 11)
				_exit(1);
			buf[i] = 7;
		}
		_exit(0);
	}
	wait_child_ok(pid);
	for (i = 0; i < n; i++)
		igt_assert_eq_u64(buf[i], i * 11);
	igt_assert_eq(vram_used(), used0);
	munmap(buf, size);
}

static void test_bad_input(void)
{
	uint64_t *buf = map_anon(4096);

	igt_assert_eq(svm_bind(fd, buf, 4096, DRM_VSVM_BIND_OP_MIGRATE, 2,
			      NULL), -EINVAL);
	igt_assert_eq(svm_bind(fd, buf, 4096, DRM_VSVM_BIND_OP_MAP,
			      DRM_VSVM_BIND_TARGET_VRAM, NULL), -EINVAL);
	igt_assert_eq(svm_bind(fd, buf, 4096, 2, 0, NULL), -EINVAL);
	munmap(buf, 4096);
}

igt_main
{
	igt_fixture {
		fd = open_svm(&chan);
		require_vram();
	}

	igt_describe("Migrate a CPU-filled buffer to VRAM, transform it "
		     "there with the GPU, read it back on the CPU.");
	igt_subtest("migrate-run-readback")
		test_migrate_run_readback();
	igt_describe("Untouched memory is zeroed in VRAM; migration back to "
		     "system memory by the ioctl keeps the GPU's data.");
	igt_subtest("untouched-and-back")
		test_untouched_and_back();
	igt_describe("munmap() and process exit free the pages in VRAM.");
	igt_subtest("unmap-and-exit")
		test_unmap_and_exit();
	igt_describe("fork() with pages in VRAM: both views right.");
	igt_subtest("fork")
		test_fork();
	igt_describe("Unknown targets and operations are refused.");
	igt_subtest("bad-input")
		test_bad_input();

	igt_fixture
		close(fd);
}
