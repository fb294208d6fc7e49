// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm_reclaim: data the GPU writes is as safe as data the CPU writes. A
 * writable CPU mapping can be clean (a page swapped in by a read keeps its
 * swap copy, MADV_FREE cleans a page, writeback cleans a file page); reclaim
 * drops a clean page and writeback skips it. A GPU write must therefore dirty
 * the page, as a CPU write does, before the GPU is allowed to write it. Each
 * subtest makes the kernel reclaim or write back the page after the GPU wrote
 * it and checks, word by word, that the GPU's data survived, and checks first
 * that the reclaim it relies on really happens here (a control page, or the
 * swap bit of /proc/self/pagemap).
 *
 * Needs swap (for the swap-cache and MADV_FREE cases) and, for the file case,
 * a writable file system with writeback whose mount point is given in
 * VSVM_WRITEBACK_DIR (the test VM puts swap and ext2 on zram).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <drm/vsvm_drm.h>

#include "igt_abi.h"
#include "vsvm_igt.h"

#define PAGE		4096
#define WORDS		(PAGE / 8)
#define GPU_WORD	5

static int fd = -1;
static uint32_t chan;
static uint64_t store;

/* The CPU's pattern: distinct in every word and every page. */
static uint64_t cpu_word(unsigned int page, unsigned int i)
{
	return 0xc0de000000000000ull | (uint64_t)page << 16 | i;
}

static uint64_t gpu_word(unsigned int page)
{
	return 0x6b0d000000000000ull | page;
}

static void fill(uint64_t *p, unsigned int pages)
{
	unsigned int pg, i;

	for (pg = 0; pg < pages; pg++)
		for (i = 0; i < WORDS; i++)
			p[pg * WORDS + i] = cpu_word(pg, i);
}

/* Every word is the CPU's, but GPU_WORD of each page when @gpu. */
static void check(const uint64_t *p, unsigned int pages, bool gpu)
{
	unsigned int pg, i;

	for (pg = 0; pg < pages; pg++)
		for (i = 0; i < WORDS; i++) {
			uint64_t want = gpu && i == GPU_WORD ?
					gpu_word(pg) : cpu_word(pg, i);

			igt_assert_f(p[pg * WORDS + i] == want,
				     "page %u word %u: %#" PRIx64 ", want %#"
				     PRIx64 "\n", pg, i, p[pg * WORDS + i],
				     want);
		}
}

static void gpu_write(uint64_t *p, unsigned int pages)
{
	unsigned int pg;

	for (pg = 0; pg < pages; pg++)
		igt_assert_eq(exec_wait(fd, chan, store, 1,
					(uintptr_t)&p[pg * WORDS + GPU_WORD],
					gpu_word(pg)), 0);
}

/* Bit 62 of the page's /proc/self/pagemap entry: it is in swap. */
static bool swapped(const void *addr)
{
	uint64_t e = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY);

	igt_assert(pm >= 0);
	igt_assert_eq(pread(pm, &e, 8, (uintptr_t)addr / PAGE * 8), 8);
	close(pm);
	return e >> 62 & 1;
}

static void require_swap(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int n = 0;

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	igt_require_f(n > 1, "no swap device\n");
}

static uint64_t *anon(unsigned int pages)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	/* 4 KiB pages: MADV_PAGEOUT and MADV_FREE act on them one by one. */
	igt_assert_eq(madvise(p, pages * PAGE, MADV_NOHUGEPAGE), 0);
	return p;
}

igt_main
{
	igt_fixture {
		cpu_set_t cpu;

		/*
		 * New pages reach the LRU lists, where MADV_FREE and
		 * MADV_PAGEOUT find them, through per-CPU batches that each
		 * call drains on its own CPU only: stay on one CPU.
		 */
		CPU_ZERO(&cpu);
		CPU_SET(sched_getcpu(), &cpu);
		igt_assert_eq(sched_setaffinity(0, sizeof(cpu), &cpu), 0);
		fd = open_svm(&chan);
		store = prog_store();
	}

	igt_describe("A page swapped in by a CPU read is mapped writable but "
		     "clean and keeps its copy in swap; after a GPU write, "
		     "reclaim must write the GPU's data to swap, not drop the "
		     "page as unchanged.");
	igt_subtest("gpu-write-after-swap-in") {
		const unsigned int pages = 4;
		uint64_t *p;
		unsigned int pg;

		require_swap();
		p = anon(pages);
		fill(p, pages);
		igt_assert_eq(madvise(p, pages * PAGE, MADV_PAGEOUT), 0);
		for (pg = 0; pg < pages; pg++)
			igt_assert_f(swapped(&p[pg * WORDS]),
				     "page %u was not swapped out\n", pg);
		/* Read back into the swap cache, then map it by a CPU read. */
		igt_assert_eq(madvise(p, pages * PAGE, MADV_WILLNEED), 0);
		check(p, pages, false);
		gpu_write(p, pages);
		igt_assert_eq(madvise(p, pages * PAGE, MADV_PAGEOUT), 0);
		for (pg = 0; pg < pages; pg++)
			igt_assert_f(swapped(&p[pg * WORDS]),
				     "page %u was not reclaimed again\n", pg);
		check(p, pages, true);
		munmap(p, pages * PAGE);
	}

	igt_describe("MADV_FREE leaves a page writable and clean, to be "
		     "discarded by reclaim unless written again; a GPU write "
		     "is such a write. A control page the GPU does not write "
		     "must be discarded (reads zero).");
	igt_subtest("gpu-write-after-madv-free") {
		const unsigned int pages = 4;
		uint64_t *p, *ctl;
		char *area;
		unsigned int i;

		require_swap();
		/*
		 * The control page in a mapping of its own, 2 MiB away: the
		 * GPU's fault-ahead would otherwise write-fault it too (which
		 * dirties it, so that it is kept).
		 */
		area = mmap(NULL, 8 << 20, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(area != MAP_FAILED);
		p = (uint64_t *)area;
		ctl = (uint64_t *)(area + (4 << 20));
		igt_assert_eq(mprotect(p, pages * PAGE, PROT_READ | PROT_WRITE),
			      0);
		igt_assert_eq(mprotect(ctl, PAGE, PROT_READ | PROT_WRITE), 0);
		fill(p, pages);
		fill(ctl, 1);
		igt_assert_eq(madvise(p, pages * PAGE, MADV_FREE), 0);
		igt_assert_eq(madvise(ctl, PAGE, MADV_FREE), 0);
		gpu_write(p, pages);
		igt_assert_eq(madvise(p, pages * PAGE, MADV_PAGEOUT), 0);
		igt_assert_eq(madvise(ctl, PAGE, MADV_PAGEOUT), 0);
		for (i = 0; i < WORDS; i++)
			igt_assert_f(ctl[i] == 0,
				     "control word %u: %#" PRIx64
				     " (not discarded)\n", i, ctl[i]);
		check(p, pages, true);
		munmap(area, 8 << 20);
	}

	igt_describe("A shared file mapping after msync() is clean; the GPU "
		     "writes it, and msync() must carry the GPU's data to the "
		     "file (read back with O_DIRECT, from the disk).");
	igt_subtest("gpu-write-reaches-file") {
		const unsigned int pages = 2;
		const char *dir = getenv("VSVM_WRITEBACK_DIR");
		char path[256];
		uint64_t *map, *disk;
		int ffd, dfd;

		igt_require_f(dir, "VSVM_WRITEBACK_DIR: no file system with "
			      "writeback given\n");
		snprintf(path, sizeof(path), "%s/vsvm-reclaim-%d", dir,
			 getpid());
		ffd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		igt_assert(ffd >= 0);
		igt_assert_eq(ftruncate(ffd, pages * PAGE), 0);
		map = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			   MAP_SHARED, ffd, 0);
		igt_assert(map != MAP_FAILED);
		fill(map, pages);
		igt_assert_eq(msync(map, pages * PAGE, MS_SYNC), 0);
		gpu_write(map, pages);
		igt_assert_eq(msync(map, pages * PAGE, MS_SYNC), 0);

		disk = aligned_alloc(PAGE, pages * PAGE);
		igt_assert(disk);
		dfd = open(path, O_RDONLY | O_DIRECT);
		igt_assert(dfd >= 0);
		igt_assert_eq(pread(dfd, disk, pages * PAGE, 0),
			      pages * PAGE);
		check(disk, pages, true);
		close(dfd);
		free(disk);
		munmap(map, pages * PAGE);
		close(ffd);
		unlink(path);
	}

	igt_fixture
		close(fd);
}
