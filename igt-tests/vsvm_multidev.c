// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm_multidev: two virtual GPUs (the module reloaded with
 * extra_devices=1) mirroring one process. Each device's VRAM pages belong
 * to it alone (its own device-private owner): the other device sees them
 * as foreign, and its GPU reaches them by migrating them through system
 * memory, with the data intact.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <sys/mman.h>

#include "vsvm_igt.h"

#define MIB	(1UL << 20)
#define PAGE	4096UL

static int fda = -1, fdb = -1;
static uint32_t cha, chb;

static int open_lr(int n, uint32_t *c)
{
	struct drm_vsvm_svm_init init = { .flags = DRM_VSVM_SVM_INIT_LR_MODE };
	struct drm_vsvm_channel_create cc = { 0 };
	int f = open_vsvm_nth(n);

	igt_assert_f(f >= 0, "no vsvm device %d\n", n);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), 0);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc), 0);
	*c = cc.handle;
	return f;
}

/* Pages of [p, p + size) in device f's VRAM and in system memory. */
static void where(int f, void *p, size_t size, uint64_t *vram, uint64_t *sys)
{
	igt_assert_eq(svm_query(f, p, size, NULL, vram, sys), 0);
}

static void expect(int f, void *p, size_t size, uint64_t vram, uint64_t sys)
{
	uint64_t v, s;

	where(f, p, size, &v, &s);
	igt_assert_f(v == vram && s == sys,
		     "%" PRIu64 " pages in VRAM, %" PRIu64 " in system memory; want %"
		     PRIu64 " and %" PRIu64 "\n", v, s, vram, sys);
}

static void reload(const char *params)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rmmod vsvm && modprobe vsvm %s", params);
	igt_assert_eq(system(cmd), 0);
}

/*
 * Device A's VRAM holds a buffer; device B's GPU reads all of it: B's
 * faults migrate A's pages back to system memory (A's copy engine) and B
 * maps them there.
 */
static void test_foreign_vram_read(void)
{
	const size_t size = 4 * MIB, pages = size / PAGE;
	uint64_t *x = map_aligned(size), *y = map_aligned(size);
	long used_a = debugfs_read(fda, "vram_pages_used");
	long used_b = debugfs_read(fdb, "vram_pages_used");
	uint64_t done;
	size_t i;

	fill_pattern(x, size);
	igt_assert_eq(svm_bind(fda, x, size, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &done), 0);
	expect(fda, x, size, pages, 0);
	/* A's pages are nothing B can map. */
	expect(fdb, x, size, 0, 0);
	igt_assert_eq(debugfs_read(fda, "vram_pages_used") - used_a,
		      (long)pages);

	igt_assert_eq(exec_wait(fdb, chb, prog_scale_pages(), pages,
				(uintptr_t)x, (uintptr_t)y), 0);
	/* Every page B touched came back from A's VRAM. */
	expect(fda, x, size, 0, pages);
	expect(fdb, x, size, 0, pages);
	igt_assert_eq(debugfs_read(fda, "vram_pages_used"), used_a);
	igt_assert_eq(debugfs_read(fdb, "vram_pages_used"), used_b);
	for (i = 0; i < size / 8; i++) {
		assert_word(x, i, pattern(i));
		assert_word(y, i, i % 512 ? 0 : pattern(i) * 3 + 7);
	}
	munmap(x, size);
	munmap(y, size);
}

/*
 * Each device migrates on its own GPU faults into its own VRAM; then each
 * GPU reads what the other holds, through system memory.
 */
static void test_each_own_vram(void)
{
	const size_t size = 2 * MIB, pages = size / PAGE;
	uint64_t *za = map_aligned(size), *zb = map_aligned(size);
	uint64_t *oa = map_aligned(size), *ob = map_aligned(size);
	uint64_t prog = prog_scale_pages();
	long used_a = debugfs_read(fda, "vram_pages_used");
	long used_b = debugfs_read(fdb, "vram_pages_used");
	size_t i;

	fill_pattern(za, size);
	fill_pattern(zb, size);
	igt_assert_eq(svm_attr_set(fda, za, size, DRM_VSVM_LOC_VRAM,
				   DRM_VSVM_ATTR_MIGRATE_ON_FAULT), 0);
	igt_assert_eq(svm_attr_set(fdb, zb, size, DRM_VSVM_LOC_VRAM,
				   DRM_VSVM_ATTR_MIGRATE_ON_FAULT), 0);
	/* Each GPU's first touch brings its buffer into its own VRAM. */
	igt_assert_eq(exec_wait(fda, cha, prog, pages, (uintptr_t)za,
				(uintptr_t)oa), 0);
	igt_assert_eq(exec_wait(fdb, chb, prog, pages, (uintptr_t)zb,
				(uintptr_t)ob), 0);
	expect(fda, za, size, pages, 0);
	expect(fdb, zb, size, pages, 0);
	expect(fda, zb, size, 0, 0);
	expect(fdb, za, size, 0, 0);
	igt_assert_eq(debugfs_read(fda, "vram_pages_used") - used_a,
		      (long)pages);
	igt_assert_eq(debugfs_read(fdb, "vram_pages_used") - used_b,
		      (long)pages);

	/* Crossed: A reads B's VRAM and B reads A's, into fresh outputs. */
	memset(oa, 0, size);
	memset(ob, 0, size);
	igt_assert_eq(exec_wait(fda, cha, prog, pages, (uintptr_t)zb,
				(uintptr_t)oa), 0);
	igt_assert_eq(exec_wait(fdb, chb, prog, pages, (uintptr_t)za,
				(uintptr_t)ob), 0);
	for (i = 0; i < size / 8; i++) {
		assert_word(oa, i, i % 512 ? 0 : pattern(i) * 3 + 7);
		assert_word(ob, i, i % 512 ? 0 : pattern(i) * 3 + 7);
		assert_word(za, i, pattern(i));
		assert_word(zb, i, pattern(i));
	}
	munmap(za, size);
	munmap(zb, size);
	munmap(oa, size);
	munmap(ob, size);
	igt_assert_eq(debugfs_read(fda, "vram_pages_used"), used_a);
	igt_assert_eq(debugfs_read(fdb, "vram_pages_used"), used_b);
}

/*
 * Pages in both devices' VRAM when the files close and the module goes:
 * the unload evicts both, and the process still reads its data.
 */
static void test_unload_with_both(void)
{
	const size_t size = 2 * MIB;
	uint64_t *a = map_aligned(size), *b = map_aligned(size);
	uint64_t done;
	size_t i;

	fill_pattern(a, size);
	fill_pattern(b, size);
	igt_assert_eq(svm_bind(fda, a, size, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &done), 0);
	igt_assert_eq(svm_bind(fdb, b, size, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &done), 0);
	expect(fda, a, size, size / PAGE, 0);
	expect(fdb, b, size, size / PAGE, 0);
	close(fda);
	close(fdb);
	fda = fdb = -1;
	reload("extra_devices=1");
	for (i = 0; i < size / 8; i++) {
		assert_word(a, i, pattern(i));
		assert_word(b, i, pattern(i));
	}
	munmap(a, size);
	munmap(b, size);
	fda = open_lr(0, &cha);
	fdb = open_lr(1, &chb);
}

igt_main
{
	igt_fixture {
		igt_require_f(geteuid() == 0, "needs root to reload vsvm\n");
		reload("extra_devices=1");
		fda = open_lr(0, &cha);
		fdb = open_lr(1, &chb);
		igt_require(debugfs_read(fda, "vram_pages_used") >= 0);
	}

	igt_describe("Device B's GPU reads a buffer held in device A's VRAM: "
		     "the pages come back to system memory, data intact, and "
		     "A's VRAM is free again.");
	igt_subtest("foreign-vram-read")
		test_foreign_vram_read();
	igt_describe("Each device migrates its own buffer into its own VRAM "
		     "on GPU fault; each GPU then reads the other's.");
	igt_subtest("each-own-vram")
		test_each_own_vram();
	igt_describe("Unloading the module with pages in both devices' VRAM "
		     "evicts them all; the process's data is intact.");
	igt_subtest("unload-with-both")
		test_unload_with_both();

	igt_fixture {
		if (fda >= 0)
			close(fda);
		if (fdb >= 0)
			close(fdb);
		reload("");
	}
}
