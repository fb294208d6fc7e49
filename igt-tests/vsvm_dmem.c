// SPDX-License-Identifier: GPL-2.0
/*
 * Device memory: process pages migrated to the GPU's VRAM by
 * DRM_VSVM_BIND_OP_MIGRATE, used there by GPU programs, and migrated back
 * by CPU accesses, by the ioctl, or when the process lets them go.
 * Memory attributes (DRM_IOCTL_VSVM_SVM_ATTR): a preferred location and
 * migrate-on-fault, their lifetime, thrashing control; where pages are
 * (DRM_IOCTL_VSVM_SVM_QUERY); eviction when VRAM is full; the VRAM keys
 * of fdinfo and debugfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/mman.h>

#include "vsvm_igt.h"

static int fd = -1;
static uint32_t chan;

#define MIB	(1UL << 20)
#define PAGE	4096UL
#define WINDOW	(2 * MIB)	/* a migrate-on-fault window, a VRAM chunk */

/* A launch ends well within this (the job timeout is 10 s by default). */
#define LAUNCH_TIMEOUT_NS	(60LL * 1000 * 1000 * 1000)

#define ATTR_VRAM_MOF	DRM_VSVM_LOC_VRAM, DRM_VSVM_ATTR_MIGRATE_ON_FAULT
#define ATTR_DEFAULT	DRM_VSVM_LOC_DEFAULT, 0

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

/* Every word of [p, p + size) still holds pattern(). */
static void check_fill(const uint64_t *p, size_t size)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		assert_word(p, i, pattern(i));
}

/* One counter of file f's fdinfo, which must be there. */
static long long fdkey(int f, const char *key)
{
	long long v = fdinfo_value(f, key);

	igt_assert_f(v >= 0, "no %s in fdinfo\n", key);
	return v;
}

/* One size of file f's fdinfo in KiB, which must be there. */
static long long fdkib(int f, const char *key)
{
	long long v = fdinfo_kib(f, key);

	igt_assert_f(v >= 0, "no %s in fdinfo\n", key);
	return v;
}

/* Launch on file f's channel c and wait, boundedly: the launch's status. */
static int run_on(int f, uint32_t c, uint64_t prog, uint32_t threads,
		  uint64_t a0, uint64_t a1)
{
	ufence_t *rec = launch_async(f, c, prog, threads, 0, a0, a1);
	int st;

	/* On a timeout the record leaks: the kernel may still write it. */
	igt_assert_eq(user_fence_wait(f, rec, LAUNCH_TIMEOUT_NS), 0);
	st = (int)rec->status;
	free(rec);
	return st;
}

static int run(uint64_t prog, uint32_t threads, uint64_t a0, uint64_t a1)
{
	return run_on(fd, chan, prog, threads, a0, a1);
}

/* Adds 1 to the word at arg0. */
static uint64_t prog_inc(void)
{
	return igt_kernel("igt_inc");
}

static uint64_t vram_size(void)
{
	struct drm_vsvm_get_param gp = { .param = DRM_VSVM_PARAM_VRAM_SIZE };

	igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_GET_PARAM, &gp), 0);
	return gp.value;
}

static uint64_t va_bits(void)
{
	struct drm_vsvm_get_param gp = { .param = DRM_VSVM_PARAM_VA_BITS };

	igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_GET_PARAM, &gp), 0);
	return gp.value;
}

/* Up to 10 s for vram_pages_used to come to @want: its last value. */
static long vram_used_settles(long want)
{
	long v = vram_used();
	int i;

	for (i = 0; i < 1000 && v != want; i++) {
		usleep(10000);
		v = vram_used();
	}
	return v;
}

/* A forked child ended with exit status 0 within @seconds. */
static void wait_child_within(pid_t pid, int seconds)
{
	pid_t r = 0;
	int status, i;

	for (i = 0; i < seconds * 100; i++) {
		r = waitpid(pid, &status, WNOHANG);
		if (r)
			break;
		usleep(10000);
	}
	if (!r) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		igt_assert_f(0, "child %d still running after %d s\n", pid,
			     seconds);
	}
	igt_assert_eq(r, pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "child status %#x\n", status);
}

/* GET at p over size bytes: these attributes, in a run ending at run_end. */
static void expect_attr(void *p, size_t size, uint32_t loc, uint32_t flags,
			void *run_end)
{
	uint64_t end;
	uint32_t l, fl;

	igt_assert_eq(svm_attr_get(fd, p, size, &l, &fl, &end), 0);
	igt_assert_eq_u32(l, loc);
	igt_assert_eq_u32(fl, flags);
	igt_assert_eq_u64(end, (uintptr_t)run_end);
}

/* QUERY [p, p + size) of file f: the counts must be @vram and @sys. */
static void expect_counts(int f, void *p, size_t size, uint64_t vram,
			  uint64_t sys)
{
	uint64_t v, s;

	igt_assert_eq(svm_query(f, p, size, NULL, &v, &s), 0);
	igt_assert_eq_u64(v, vram);
	igt_assert_eq_u64(s, sys);
}

/*
 * QUERY [p, p + size) with a residency array: every page must be @where,
 * and nothing past the array's end is written.
 */
static void expect_all(void *p, size_t size, uint8_t where)
{
	size_t i, n = size / PAGE;
	uint8_t *res = malloc(n + 64);
	uint64_t v, s;

	igt_assert(res);
	memset(res, 0xee, n + 64);
	igt_assert_eq(svm_query(fd, p, size, res, &v, &s), 0);
	for (i = 0; i < n; i++)
		igt_assert_f(res[i] == where, "page %zu: residency %u, want %u\n",
			     i, res[i], where);
	for (i = n; i < n + 64; i++)
		igt_assert_eq(res[i], 0xee);
	igt_assert_eq_u64(v, where == DRM_VSVM_RESIDENCY_VRAM ? n : 0);
	igt_assert_eq_u64(s, where == DRM_VSVM_RESIDENCY_SYSTEM ? n : 0);
	free(res);
}

/*
 * Debugfs knobs a test changes: each is put back as it was when the test
 * ends, and, should the test fail first, by IGT's exit handler (a knob
 * left changed would outlive this process).
 */
typedef void (*igt_exit_handler_t)(int sig);
/* Exported by libigt.so.0 1.27.1 (not in igt_abi.h's subset). */
void igt_install_exit_handler(igt_exit_handler_t fn);

static struct knob {
	const char *name;
	char path[128];
	long saved;
	int changed;
} knobs[] = {
	{ .name = "thrash_pin_ms" },
	{ .name = "thrash_window_ms" },
};

static void knob_write_raw(const struct knob *k, long v)
{
	char buf[32];
	int f = open(k->path, O_WRONLY);
	int n = snprintf(buf, sizeof(buf), "%ld\n", v);

	if (f < 0)
		return;
	if (write(f, buf, n) != n)
		igt_warn("cannot restore %s\n", k->path);
	close(f);
}

static void knobs_restore(int sig)
{
	unsigned int i;

	(void)sig;
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (knobs[i].changed) {
			knob_write_raw(&knobs[i], knobs[i].saved);
			knobs[i].changed = 0;
		}
}

static struct knob *knob(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	igt_assert_f(0, "unknown knob %s\n", name);
	return NULL;
}

static void knob_set(const char *name, long v)
{
	static int handler;
	struct knob *k = knob(name);

	if (!k->changed) {
		debugfs_path(fd, name, k->path, sizeof(k->path));
		k->saved = debugfs_read(fd, name);
		k->changed = 1;
		if (!handler++)
			igt_install_exit_handler(knobs_restore);
	}
	debugfs_write(fd, name, v);
}

static void knob_restore(const char *name)
{
	struct knob *k = knob(name);

	if (!k->changed)
		return;
	debugfs_write(fd, name, k->saved);
	k->changed = 0;
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
	uint64_t prog = prog_scale_pages();
	uint64_t *buf = map_anon(size), result;
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
}

/*
 * A CPU read of one page in VRAM brings back its aligned 64 KiB block (16
 * pages) in one migration, no more: the rest stays in VRAM, a read of
 * another page of the same block faults nothing back, one of the next
 * block brings back that block.
 */
static void test_cpu_fault_around(void)
{
	const size_t size = 2 * MIB, pages = size / PAGE, block = 16;
	uint64_t *buf = map_aligned(size);
	long used0 = vram_used(), out0;
	uint64_t v, s;
	size_t i;

	fill_pattern(buf, size);
	igt_assert_eq(migrate(buf, size, DRM_VSVM_BIND_TARGET_VRAM), 0);
	expect_all(buf, size, DRM_VSVM_RESIDENCY_VRAM);
	out0 = debugfs_read(fd, "vram_migrated_out");

	/* Page 5: the block of pages 0..15 comes back. */
	assert_word(buf, 5 * 512 + 3, pattern(5 * 512 + 3));
	igt_assert_eq(debugfs_read(fd, "vram_migrated_out") - out0,
		      (long)block);
	igt_assert_eq(svm_query(fd, buf, size, NULL, &v, &s), 0);
	igt_assert_eq_u64(s, block);
	igt_assert_eq_u64(v, pages - block);
	expect_all(buf, block * PAGE, DRM_VSVM_RESIDENCY_SYSTEM);
	expect_all(buf + block * 512, size - block * PAGE,
		   DRM_VSVM_RESIDENCY_VRAM);
	/* Page 15, same block: already here. */
	assert_word(buf, 15 * 512, pattern(15 * 512));
	igt_assert_eq(debugfs_read(fd, "vram_migrated_out") - out0,
		      (long)block);
	/* Page 16: the next block. */
	assert_word(buf, 16 * 512 + 511, pattern(16 * 512 + 511));
	igt_assert_eq(debugfs_read(fd, "vram_migrated_out") - out0,
		      (long)(2 * block));
	igt_assert_eq(vram_used() - used0, (long)(pages - 2 * block));

	/* The rest, word by word: every block comes back whole. */
	for (i = 0; i < size / 8; i++)
		assert_word(buf, i, pattern(i));
	igt_assert_eq(debugfs_read(fd, "vram_migrated_out") - out0,
		      (long)pages);
	igt_assert_eq(vram_used(), used0);
	munmap(buf, size);
}

/*
 * Memory the process never touched goes to VRAM as zeroed pages; the GPU
 * writes some of it; the ioctl brings it all back, and the CPU sees the
 * GPU's words and zeroes elsewhere.
 */
static void test_untouched_and_back(void)
{
	const size_t size = 2 * MIB, pages = size / 4096;
	uint64_t stride = prog_stride(12);
	uint64_t *buf = map_anon(size);
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

/* SET or GET with one field of @base changed must fail with @err. */
#define ATTR_FAILS(base, change, err) do {				\
	struct drm_vsvm_svm_attr a = (base);				\
	change;								\
	igt_assert_eq(svm_attr_ioctl(fd, &a), err);			\
} while (0)

#define QUERY_FAILS(base, change, err) do {				\
	struct drm_vsvm_svm_query q = (base);				\
	change;								\
	igt_assert_eq(svm_query_ioctl(fd, &q), err);			\
} while (0)

/*
 * Every validation error of SVM_ATTR and SVM_QUERY, one bad field at a
 * time, and none of them changes anything.
 */
static void test_attr_bad_input(void)
{
	const size_t size = 4 * PAGE;
	uint8_t *buf = (uint8_t *)map_anon(size);
	uint8_t *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	uint8_t res[8];
	const uint64_t start = (uintptr_t)buf, end = start + size;
	/* The GPU's reach ends the mirror (at the latest). */
	const uint64_t top = 1ULL << va_bits();
	/* Low, 1 GiB aligned, clear of the mirror's ends whatever they are. */
	const uint64_t low = 4ULL << 30;
	struct drm_vsvm_user_extension ext = { .name = 99 };
	const struct drm_vsvm_svm_attr set = {
		.va_start = start, .va_end = end, .op = DRM_VSVM_ATTR_OP_SET,
		.preferred_loc = DRM_VSVM_LOC_VRAM,
		.flags = DRM_VSVM_ATTR_MIGRATE_ON_FAULT,
	};
	const struct drm_vsvm_svm_attr get = {
		.va_start = start, .va_end = end, .op = DRM_VSVM_ATTR_OP_GET,
	};
	const struct drm_vsvm_svm_query query = {
		.va_start = start, .va_end = end, .residency = (uintptr_t)res,
	};
	uint64_t v, s;
	size_t i;

	igt_assert(ro != MAP_FAILED);

	/* SET: op, location, flags, MIGRATE_ON_FAULT without a location. */
	ATTR_FAILS(set, a.op = 2, -EINVAL);
	ATTR_FAILS(set, a.op = ~0u, -EINVAL);
	ATTR_FAILS(set, a.preferred_loc = 3, -EINVAL);
	ATTR_FAILS(set, a.preferred_loc = ~0u, -EINVAL);
	ATTR_FAILS(set, a.flags = 1u << 1, -EINVAL);
	ATTR_FAILS(set, a.flags = 1u << 31, -EINVAL);
	ATTR_FAILS(set, a.preferred_loc = DRM_VSVM_LOC_DEFAULT, -EINVAL);
	/* The range: unaligned, empty, reversed, overflowing, outside. */
	ATTR_FAILS(set, a.va_start += 8, -EINVAL);
	ATTR_FAILS(set, a.va_start += PAGE / 2, -EINVAL);
	ATTR_FAILS(set, a.va_end -= 8, -EINVAL);
	ATTR_FAILS(set, a.va_end = a.va_start, -EINVAL);
	ATTR_FAILS(set, a.va_end = a.va_start - PAGE, -EINVAL);
	ATTR_FAILS(set, (a.va_start = -PAGE, a.va_end = PAGE), -EINVAL);
	ATTR_FAILS(set, (a.va_start = -2 * PAGE, a.va_end = 0), -EINVAL);
	ATTR_FAILS(set, (a.va_start = top, a.va_end = top + PAGE), -EINVAL);
	ATTR_FAILS(set, (a.va_start = top - PAGE, a.va_end = top + PAGE),
		   -EINVAL);
	ATTR_FAILS(set, (a.va_start = 0xffff888000000000ULL,
			 a.va_end = a.va_start + PAGE), -EINVAL);
	/* An output field, extensions (none defined), an unknown VM. */
	ATTR_FAILS(set, a.run_end = 1, -EINVAL);
	ATTR_FAILS(set, a.run_end = end, -EINVAL);
	ATTR_FAILS(set, a.extensions = (uintptr_t)&ext, -EINVAL);
	ATTR_FAILS(set, a.vm_id = 1, -ENOENT);
	ATTR_FAILS(set, a.vm_id = 999, -ENOENT);

	/* GET: its outputs set on input, and the same checks. */
	ATTR_FAILS(get, a.preferred_loc = DRM_VSVM_LOC_SYSTEM, -EINVAL);
	ATTR_FAILS(get, a.preferred_loc = DRM_VSVM_LOC_VRAM, -EINVAL);
	ATTR_FAILS(get, a.flags = DRM_VSVM_ATTR_MIGRATE_ON_FAULT, -EINVAL);
	ATTR_FAILS(get, a.run_end = end, -EINVAL);
	ATTR_FAILS(get, a.op = 2, -EINVAL);
	ATTR_FAILS(get, a.va_start += 8, -EINVAL);
	ATTR_FAILS(get, a.va_end -= 8, -EINVAL);
	ATTR_FAILS(get, a.va_end = a.va_start, -EINVAL);
	ATTR_FAILS(get, a.va_end = a.va_start - PAGE, -EINVAL);
	ATTR_FAILS(get, (a.va_start = top, a.va_end = top + PAGE), -EINVAL);
	ATTR_FAILS(get, a.extensions = (uintptr_t)&ext, -EINVAL);
	ATTR_FAILS(get, a.vm_id = 999, -ENOENT);

	/* Nothing was set; a good SET and GET work. */
	expect_attr(buf, size, ATTR_DEFAULT, buf + size);
	{
		struct drm_vsvm_svm_attr a = set;

		igt_assert_eq(svm_attr_ioctl(fd, &a), 0);
	}
	expect_attr(buf, size, ATTR_VRAM_MOF, buf + size);
	/* Every valid combination. */
	igt_assert_eq(svm_attr_set(fd, buf, size, DRM_VSVM_LOC_VRAM, 0), 0);
	expect_attr(buf, size, DRM_VSVM_LOC_VRAM, 0, buf + size);
	igt_assert_eq(svm_attr_set(fd, buf, size, DRM_VSVM_LOC_SYSTEM,
				   DRM_VSVM_ATTR_MIGRATE_ON_FAULT), 0);
	expect_attr(buf, size, DRM_VSVM_LOC_SYSTEM,
		    DRM_VSVM_ATTR_MIGRATE_ON_FAULT, buf + size);
	igt_assert_eq(svm_attr_set(fd, buf, size, DRM_VSVM_LOC_SYSTEM, 0), 0);
	expect_attr(buf, size, DRM_VSVM_LOC_SYSTEM, 0, buf + size);
	igt_assert_eq(svm_attr_set(fd, buf, size, ATTR_DEFAULT), 0);
	expect_attr(buf, size, ATTR_DEFAULT, buf + size);

	/* QUERY: the range. */
	QUERY_FAILS(query, q.va_start += 8, -EINVAL);
	QUERY_FAILS(query, q.va_end -= 8, -EINVAL);
	QUERY_FAILS(query, q.va_end = q.va_start, -EINVAL);
	QUERY_FAILS(query, q.va_end = q.va_start - PAGE, -EINVAL);
	QUERY_FAILS(query, (q.va_start = -PAGE, q.va_end = PAGE), -EINVAL);
	QUERY_FAILS(query, (q.va_start = top, q.va_end = top + PAGE), -EINVAL);
	QUERY_FAILS(query, (q.va_start = top - PAGE, q.va_end = top + PAGE),
		    -EINVAL);
	/* At most DRM_VSVM_QUERY_MAX_SIZE: the most is fine, a page more not. */
	QUERY_FAILS(query, (q.va_start = low, q.residency = 0,
			    q.va_end = low + DRM_VSVM_QUERY_MAX_SIZE + PAGE),
		    -EINVAL);
	QUERY_FAILS(query, (q.va_start = low, q.residency = 0,
			    q.va_end = low + 2 * DRM_VSVM_QUERY_MAX_SIZE),
		    -EINVAL);
	igt_assert_eq(svm_query(fd, (void *)(uintptr_t)low,
				DRM_VSVM_QUERY_MAX_SIZE, NULL, &v, &s), 0);
	igt_assert_lte_u64(v + s, DRM_VSVM_QUERY_MAX_SIZE / PAGE);
	/* Outputs set on input, pad, extensions, an unknown VM. */
	QUERY_FAILS(query, q.vram_pages = 1, -EINVAL);
	QUERY_FAILS(query, q.system_pages = 1, -EINVAL);
	QUERY_FAILS(query, q.pad = 1, -EINVAL);
	QUERY_FAILS(query, q.extensions = (uintptr_t)&ext, -EINVAL);
	QUERY_FAILS(query, q.vm_id = 1, -ENOENT);
	QUERY_FAILS(query, q.vm_id = 999, -ENOENT);
	/* A residency array that cannot be written. */
	QUERY_FAILS(query, q.residency = 8, -EFAULT);
	QUERY_FAILS(query, q.residency = (uintptr_t)ro, -EFAULT);
	QUERY_FAILS(query, q.residency = 0xffff888000000000ULL, -EFAULT);
	/* The good one: four pages the process never touched. */
	memset(res, 0xee, sizeof(res));
	igt_assert_eq(svm_query(fd, buf, size, res, &v, &s), 0);
	igt_assert_eq_u64(v, 0);
	igt_assert_eq_u64(s, 0);
	for (i = 0; i < sizeof(res); i++)
		igt_assert_eq(res[i], i < 4 ? DRM_VSVM_RESIDENCY_NONE : 0xee);

	munmap(ro, PAGE);
	munmap(buf, size);
}

/*
 * GET reports runs: a SET in the middle of a range splits it in three,
 * the same attributes on adjacent ranges make one run, other attributes
 * in the middle split it again, and SET of the default resets. A VM holds
 * DRM_VSVM_ATTR_MAX_RANGES ranges: one more is -ENOSPC and changes
 * nothing, and the VM works on.
 */
static void test_attr_set_get(void)
{
	const size_t n = DRM_VSVM_ATTR_MAX_RANGES;
	uint8_t *buf = (uint8_t *)map_anon(16 * PAGE), *r;
	uint64_t store = prog_store();
	uint32_t c;
	size_t i;
	int f;

#define P(i)	(buf + (i) * PAGE)
	expect_attr(P(0), 16 * PAGE, ATTR_DEFAULT, P(16));

	/* The middle: default, attributes, default. */
	igt_assert_eq(svm_attr_set(fd, P(4), 8 * PAGE, ATTR_VRAM_MOF), 0);
	expect_attr(P(0), 16 * PAGE, ATTR_DEFAULT, P(4));
	expect_attr(P(2), PAGE, ATTR_DEFAULT, P(3));
	expect_attr(P(4), 12 * PAGE, ATTR_VRAM_MOF, P(12));
	expect_attr(P(6), 2 * PAGE, ATTR_VRAM_MOF, P(8));	/* to va_end */
	expect_attr(P(11), 5 * PAGE, ATTR_VRAM_MOF, P(12));
	expect_attr(P(12), 4 * PAGE, ATTR_DEFAULT, P(16));

	/* The same attributes on both sides: one run. */
	igt_assert_eq(svm_attr_set(fd, P(12), 2 * PAGE, ATTR_VRAM_MOF), 0);
	igt_assert_eq(svm_attr_set(fd, P(2), 2 * PAGE, ATTR_VRAM_MOF), 0);
	expect_attr(P(0), 16 * PAGE, ATTR_DEFAULT, P(2));
	expect_attr(P(2), 14 * PAGE, ATTR_VRAM_MOF, P(14));
	expect_attr(P(14), 2 * PAGE, ATTR_DEFAULT, P(16));

	/* Other attributes in the middle split it; the same join it again. */
	igt_assert_eq(svm_attr_set(fd, P(8), 2 * PAGE, DRM_VSVM_LOC_SYSTEM,
				   0), 0);
	expect_attr(P(2), 14 * PAGE, ATTR_VRAM_MOF, P(8));
	expect_attr(P(8), 8 * PAGE, DRM_VSVM_LOC_SYSTEM, 0, P(10));
	expect_attr(P(10), 6 * PAGE, ATTR_VRAM_MOF, P(14));
	/* A flag alone makes attributes differ. */
	igt_assert_eq(svm_attr_set(fd, P(8), 2 * PAGE, DRM_VSVM_LOC_VRAM, 0),
		      0);
	expect_attr(P(2), 14 * PAGE, ATTR_VRAM_MOF, P(8));
	expect_attr(P(8), 8 * PAGE, DRM_VSVM_LOC_VRAM, 0, P(10));
	igt_assert_eq(svm_attr_set(fd, P(8), 2 * PAGE, ATTR_VRAM_MOF), 0);
	expect_attr(P(2), 14 * PAGE, ATTR_VRAM_MOF, P(14));
	igt_assert_eq(svm_attr_set(fd, P(14), 2 * PAGE, DRM_VSVM_LOC_SYSTEM,
				   DRM_VSVM_ATTR_MIGRATE_ON_FAULT), 0);
	expect_attr(P(13), 3 * PAGE, ATTR_VRAM_MOF, P(14));
	expect_attr(P(14), 2 * PAGE, DRM_VSVM_LOC_SYSTEM,
		    DRM_VSVM_ATTR_MIGRATE_ON_FAULT, P(16));

	/* Reset part, then all. */
	igt_assert_eq(svm_attr_set(fd, P(4), 4 * PAGE, ATTR_DEFAULT), 0);
	expect_attr(P(2), 14 * PAGE, ATTR_VRAM_MOF, P(4));
	expect_attr(P(4), 12 * PAGE, ATTR_DEFAULT, P(8));
	expect_attr(P(8), 8 * PAGE, ATTR_VRAM_MOF, P(14));
	igt_assert_eq(svm_attr_set(fd, P(0), 16 * PAGE, ATTR_DEFAULT), 0);
	expect_attr(P(0), 16 * PAGE, ATTR_DEFAULT, P(16));
#undef P

	/*
	 * The range limit, in a VM of its own (nothing else counted):
	 * alternate attributes page by page, so that no two ranges merge.
	 */
	f = open_svm(&c);
	r = (uint8_t *)map_anon((n + 2) * PAGE);
#define R(i)	(r + (i) * PAGE)
#define ALT(i)	((i) % 2 ? DRM_VSVM_LOC_VRAM : DRM_VSVM_LOC_SYSTEM), \
		((i) % 2 ? DRM_VSVM_ATTR_MIGRATE_ON_FAULT : 0)
	for (i = 0; i < n; i++)
		igt_assert_f(svm_attr_set(f, R(i), PAGE, ALT(i)) == 0,
			     "SET of range %zu failed\n", i);
	/* Range n + 1, next to the last or apart from everything. */
	igt_assert_eq(svm_attr_set(f, R(n), PAGE, ALT(n)), -ENOSPC);
	igt_assert_eq(svm_attr_set(f, R(n + 1), PAGE, ATTR_VRAM_MOF),
		      -ENOSPC);
	for (i = 0; i < n; i++) {
		struct drm_vsvm_svm_attr a = {
			.va_start = (uintptr_t)R(i),
			.va_end = (uintptr_t)R(n + 2),
			.op = DRM_VSVM_ATTR_OP_GET,
		};

		igt_assert_eq(svm_attr_ioctl(f, &a), 0);
		igt_assert_eq_u32(a.preferred_loc, i % 2 ? DRM_VSVM_LOC_VRAM :
					  DRM_VSVM_LOC_SYSTEM);
		igt_assert_eq_u32(a.flags, i % 2 ?
				  DRM_VSVM_ATTR_MIGRATE_ON_FAULT : 0);
		igt_assert_eq_u64(a.run_end, (uintptr_t)R(i + 1));
	}
	{
		struct drm_vsvm_svm_attr a = {
			.va_start = (uintptr_t)R(n),
			.va_end = (uintptr_t)R(n + 2),
			.op = DRM_VSVM_ATTR_OP_GET,
		};

		igt_assert_eq(svm_attr_ioctl(f, &a), 0);
		igt_assert_eq_u32(a.preferred_loc, DRM_VSVM_LOC_DEFAULT);
		igt_assert_eq_u32(a.flags, 0);
		igt_assert_eq_u64(a.run_end, (uintptr_t)R(n + 2));
	}
	/* The VM works on: reset, SET again, a GPU store, a bind. */
	igt_assert_eq(svm_attr_set(f, R(0), (n + 2) * PAGE, ATTR_DEFAULT), 0);
	{
		struct drm_vsvm_svm_attr a = {
			.va_start = (uintptr_t)R(0),
			.va_end = (uintptr_t)R(n + 2),
			.op = DRM_VSVM_ATTR_OP_GET,
		};

		igt_assert_eq(svm_attr_ioctl(f, &a), 0);
		igt_assert_eq_u32(a.preferred_loc, DRM_VSVM_LOC_DEFAULT);
		igt_assert_eq_u64(a.run_end, (uintptr_t)R(n + 2));
	}
	for (i = 0; i < 8; i++)
		igt_assert_eq(svm_attr_set(f, R(2 * i), PAGE, ALT(i)), 0);
	igt_assert_eq(run_on(f, c, store, 1, (uintptr_t)R(2) + 8, 0x5e7), 0);
	igt_assert_eq_u64(((uint64_t *)R(2))[1], 0x5e7);
	igt_assert_eq(svm_bind(f, r, (n + 2) * PAGE, DRM_VSVM_BIND_OP_MAP, 0,
			       NULL), 0);
#undef ALT
#undef R
	close(f);
	munmap(r, (n + 2) * PAGE);
	munmap(buf, 16 * PAGE);
}

/*
 * Attributes belong to the address range: munmap() drops them over what
 * it unmaps only, a new mapping there has none; mremap() leaves none at
 * either address; free() without munmap() keeps them for the next
 * malloc() at the same address, where they are stale hints that cost no
 * data.
 */
static void test_attr_lifetime(void)
{
	uint64_t store = prog_store();
	uint8_t *buf = (uint8_t *)map_anon(8 * PAGE), *q, *m, *m2, *guard, *pg;
	uintptr_t was;

#define P(i)	(buf + (i) * PAGE)
	/* A hole in the middle. */
	igt_assert_eq(svm_attr_set(fd, buf, 8 * PAGE, ATTR_VRAM_MOF), 0);
	igt_assert_eq(munmap(P(2), 2 * PAGE), 0);
	expect_attr(P(0), 2 * PAGE, ATTR_VRAM_MOF, P(2));
	expect_attr(P(4), 4 * PAGE, ATTR_VRAM_MOF, P(8));
	expect_attr(P(5), 2 * PAGE, ATTR_VRAM_MOF, P(7));
	igt_assert(mmap(P(2), 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == P(2));
	expect_attr(P(0), 8 * PAGE, ATTR_VRAM_MOF, P(2));
	expect_attr(P(2), 6 * PAGE, ATTR_DEFAULT, P(4));
	expect_attr(P(3), PAGE, ATTR_DEFAULT, P(4));
	expect_attr(P(4), 4 * PAGE, ATTR_VRAM_MOF, P(8));
	igt_assert_eq(munmap(buf, 8 * PAGE), 0);
#undef P

	/* mremap() to a new address. */
	buf = (uint8_t *)map_anon(4 * PAGE);
	buf[8] = 0x3c;
	igt_assert_eq(svm_attr_set(fd, buf, 4 * PAGE, ATTR_VRAM_MOF), 0);
	q = mmap(NULL, 4 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	igt_assert(q != MAP_FAILED);
	igt_assert(mremap(buf, 4 * PAGE, 4 * PAGE,
			  MREMAP_MAYMOVE | MREMAP_FIXED, q) == q);
	expect_attr(q, 4 * PAGE, ATTR_DEFAULT, q + 4 * PAGE);
	igt_assert_eq(q[8], 0x3c);
	if (mmap(buf, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == buf) {
		expect_attr(buf, 4 * PAGE, ATTR_DEFAULT, buf + 4 * PAGE);
		munmap(buf, 4 * PAGE);
	} else {
		igt_info("the old address was taken: not checked\n");
	}
	munmap(q, 4 * PAGE);

	/*
	 * free() and malloc() of the same size: a heap chunk, not the top
	 * one (the guard keeps it from being trimmed), so glibc gives it
	 * back as it is, never unmapped.
	 */
	m = malloc(3 * PAGE);
	guard = malloc(64);
	igt_assert(m && guard);
	pg = (uint8_t *)(((uintptr_t)m + PAGE - 1) & ~(PAGE - 1));
	igt_assert_eq(svm_attr_set(fd, pg, 2 * PAGE, ATTR_VRAM_MOF), 0);
	was = (uintptr_t)m;
	free(m);
	m2 = malloc(3 * PAGE);
	igt_assert(m2);
	if ((uintptr_t)m2 == was) {
		expect_attr(pg, 2 * PAGE, ATTR_VRAM_MOF, pg + 2 * PAGE);
		/* Stale, and the data is right: GPU writes, CPU reads. */
		memset(m2, 0x77, 3 * PAGE);
		igt_assert_eq(run(store, 1, (uintptr_t)pg + 16, 0xfee1), 0);
		igt_assert_eq_u64(((uint64_t *)pg)[2], 0xfee1);
		igt_assert_eq_u64(((uint64_t *)pg)[1], 0x7777777777777777ULL);
		igt_assert_eq_u64(((uint64_t *)pg)[3], 0x7777777777777777ULL);
		igt_assert_eq(m2[0], 0x77);
		igt_assert_eq(m2[3 * PAGE - 1], 0x77);
		/* What the documentation asks for before reuse. */
		igt_assert_eq(svm_attr_set(fd, pg, 2 * PAGE, ATTR_DEFAULT), 0);
		expect_attr(pg, 2 * PAGE, ATTR_DEFAULT, pg + 2 * PAGE);
	} else {
		igt_info("malloc() gave %p, not %#lx: reuse not checked\n",
			 (void *)m2, (unsigned long)was);
		igt_assert_eq(svm_attr_set(fd, pg, 2 * PAGE, ATTR_DEFAULT), 0);
	}
	free(m2);
	free(guard);
}

/*
 * QUERY reports each page where it is, moving nothing: half a buffer
 * migrated to VRAM, the other half in system memory, pages never touched
 * nowhere; the CPU reading the VRAM half brings it all back.
 */
static void test_query_residency(void)
{
	const size_t size = 4 * MIB, n = size / PAGE, half = n / 2;
	uint64_t *buf = map_aligned(size), *fresh = map_anon(16 * PAGE);
	uint8_t *res = malloc(n + 64);
	long used0 = vram_used();
	uint64_t result, v, s;
	size_t i;

	igt_assert(res);
	fill_pattern(buf, size);
	expect_all(buf, size, DRM_VSVM_RESIDENCY_SYSTEM);

	igt_assert_eq(svm_bind(fd, buf, size / 2, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_assert_eq_u64(result, half);
	igt_assert_eq(vram_used() - used0, (long)half);
	memset(res, 0xee, n + 64);
	igt_assert_eq(svm_query(fd, buf, size, res, &v, &s), 0);
	igt_assert_eq_u64(v, half);
	igt_assert_eq_u64(s, n - half);
	for (i = 0; i < n; i++)
		igt_assert_f(res[i] == (i < half ? DRM_VSVM_RESIDENCY_VRAM :
					DRM_VSVM_RESIDENCY_SYSTEM),
			     "page %zu: residency %u\n", i, res[i]);
	for (i = n; i < n + 64; i++)
		igt_assert_eq(res[i], 0xee);
	/* Counts only, and a range across the border. */
	expect_counts(fd, buf, size, half, n - half);
	memset(res, 0xee, n + 64);
	igt_assert_eq(svm_query(fd, (uint8_t *)buf + size / 4, size / 2, res,
				&v, &s), 0);
	igt_assert_eq_u64(v, n / 4);
	igt_assert_eq_u64(s, n / 4);
	for (i = 0; i < n / 2; i++)
		igt_assert_eq(res[i], i < n / 4 ? DRM_VSVM_RESIDENCY_VRAM :
					      DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq(res[n / 2], 0xee);
	expect_all(buf, size / 2, DRM_VSVM_RESIDENCY_VRAM);
	expect_all((uint8_t *)buf + size / 2, size / 2,
		   DRM_VSVM_RESIDENCY_SYSTEM);
	/* Nothing moved. */
	igt_assert_eq(vram_used() - used0, (long)half);

	/* A fresh mapping: nowhere, then a page written, a page migrated. */
	expect_all(fresh, 16 * PAGE, DRM_VSVM_RESIDENCY_NONE);
	fresh[3 * 512 + 5] = 0xf00d;
	igt_assert_eq(migrate(fresh + 8 * 512, PAGE,
			      DRM_VSVM_BIND_TARGET_VRAM), 0);
	memset(res, 0xee, 16);
	igt_assert_eq(svm_query(fd, fresh, 16 * PAGE, res, &v, &s), 0);
	igt_assert_eq_u64(v, 1);
	igt_assert_eq_u64(s, 1);
	for (i = 0; i < 16; i++)
		igt_assert_eq(res[i], i == 3 ? DRM_VSVM_RESIDENCY_SYSTEM :
				      i == 8 ? DRM_VSVM_RESIDENCY_VRAM :
				      DRM_VSVM_RESIDENCY_NONE);
	/* The untouched page went to VRAM zeroed. */
	for (i = 0; i < 512; i++)
		assert_word(fresh, 8 * 512 + i, 0);
	igt_assert_eq_u64(fresh[3 * 512 + 5], 0xf00d);
	expect_counts(fd, fresh, 16 * PAGE, 0, 2);
	munmap(fresh, 16 * PAGE);

	/* The CPU reads every word: the VRAM half comes back. */
	check_fill(buf, size);
	expect_all(buf, size, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq(vram_used(), used0);
	munmap(buf, size);
	free(res);
}

/*
 * Migrate-on-fault: with DRM_VSVM_LOC_VRAM and MIGRATE_ON_FAULT, the GPU
 * touching a buffer moves it to VRAM, its 2 MiB windows whole; fdinfo
 * counts it; the CPU reading every word brings it all back and the data
 * is right. A buffer without attributes stays in system memory.
 */
static void test_migrate_on_fault(void)
{
	const size_t size = 4 * MIB, n = size / 8, pages = size / PAGE;
	uint64_t *src = map_aligned(size), *dst = map_aligned(size);
	uint64_t prog = prog_scale_pages();
	uint64_t *ctl = map_aligned(size);
	long used0 = vram_used();
	long long moves0 = fdkey(fd, "drm-vsvm-migrations-to-vram");
	long long in0 = fdkib(fd, "drm-vsvm-migrated-to-vram");
	long long backs0 = fdkey(fd, "drm-vsvm-migrations-to-ram");
	long long out0 = fdkib(fd, "drm-vsvm-migrated-to-ram");
	long long resident, huge0;
	size_t i;

	igt_assert_eq(fdkib(fd, "drm-resident-vram"), 0);
	fill_pattern(src, size);
	fill_pattern(ctl, size);

	/* Without attributes: the GPU works in system memory. */
	igt_assert_eq(run(prog, pages, (uintptr_t)ctl, (uintptr_t)ctl), 0);
	expect_all(ctl, size, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq(fdkey(fd, "drm-vsvm-migrations-to-vram"), moves0);
	igt_assert_eq(fdkib(fd, "drm-resident-vram"), 0);
	igt_assert_eq(vram_used(), used0);
	for (i = 0; i < n; i++)
		assert_word(ctl, i, i % 512 ? pattern(i) : pattern(i) * 3 + 7);

	/* With them: the source, read, and the destination, never touched. */
	igt_assert_eq(svm_attr_set(fd, src, size, ATTR_VRAM_MOF), 0);
	igt_assert_eq(svm_attr_set(fd, dst, size, ATTR_VRAM_MOF), 0);
	expect_all(src, size, DRM_VSVM_RESIDENCY_SYSTEM);
	expect_all(dst, size, DRM_VSVM_RESIDENCY_NONE);
	huge0 = fdkey(fd, "drm-vsvm-pages-2m");
	igt_assert_eq(run(prog, pages, (uintptr_t)src, (uintptr_t)dst), 0);
	expect_all(src, size, DRM_VSVM_RESIDENCY_VRAM);
	expect_all(dst, size, DRM_VSVM_RESIDENCY_VRAM);
	/* Each window went whole into one VRAM chunk: one 2 MiB PTE each. */
	igt_assert_f(fdkey(fd, "drm-vsvm-pages-2m") - huge0 >=
		     (long long)(2 * size / (2 * MIB)),
		     "%lld 2 MiB PTEs for %zu windows in VRAM\n",
		     fdkey(fd, "drm-vsvm-pages-2m") - huge0, 2 * size / (2 * MIB));
	igt_assert_eq(vram_used() - used0, (long)(2 * pages));
	resident = fdkib(fd, "drm-resident-vram");
	igt_info("resident %lld KiB, total %lld KiB, %lld migrations\n",
		 resident, fdkib(fd, "drm-total-vram"),
		 fdkey(fd, "drm-vsvm-migrations-to-vram") - moves0);
	igt_assert_eq(resident, (int)(2 * size / 1024));
	/* All of it resident: VRAM is never swapped. */
	igt_assert_eq(fdkib(fd, "drm-total-vram"), resident);
	igt_assert(fdkey(fd, "drm-vsvm-migrations-to-vram") > moves0);
	igt_assert_eq(fdkib(fd, "drm-vsvm-migrated-to-vram") - in0,
		      (int)(2 * size / 1024));
	igt_assert_eq(fdkey(fd, "drm-vsvm-migrations-to-ram"), backs0);

	/* The CPU checks every word, and each page comes back. */
	for (i = 0; i < n; i++) {
		assert_word(src, i, pattern(i));
		assert_word(dst, i, i % 512 ? 0 : pattern(i) * 3 + 7);
	}
	expect_all(src, size, DRM_VSVM_RESIDENCY_SYSTEM);
	expect_all(dst, size, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq(fdkib(fd, "drm-resident-vram"), 0);
	igt_assert_eq(vram_used(), used0);
	igt_assert(fdkey(fd, "drm-vsvm-migrations-to-ram") > backs0);
	igt_assert_eq(fdkib(fd, "drm-vsvm-migrated-to-ram") - out0,
		      (int)(2 * size / 1024));
	igt_assert_eq(fdkib(fd, "drm-vsvm-evicted"), 0);
	munmap(src, size);
	munmap(dst, size);
	munmap(ctl, size);
}

/*
 * VRAM full: a buffer as large as VRAM fits whole; migrating 32 MiB more
 * evicts the least recently filled chunks of the first, never of the
 * second; fdinfo and debugfs count it; both buffers' data is intact, the
 * GPU works on the second in VRAM, and nothing is left when they go.
 */
static void test_evict_when_full(void)
{
	const uint64_t vram = vram_size(), bsize = 32 * MIB;
	const size_t na = vram / PAGE, nb = bsize / PAGE;
	uint64_t prog = prog_scale_pages();
	uint64_t *a, *b, result, va, sa;
	long used0 = vram_used(), ev0 = debugfs_read(fd, "vram_evicted");
	long long evicted0, out0;
	double t0;
	size_t i;

	igt_require_f(vram >= 64 * MIB, "VRAM: %" PRIu64 " bytes\n", vram);
	igt_require_f(vram % WINDOW == 0, "VRAM: %" PRIu64 " bytes\n", vram);
	a = map_aligned(vram);
	b = map_aligned(bsize);
	fill_pattern(a, vram);
	for (i = 0; i < bsize / 8; i++)
		b[i] = ~pattern(i);

	/* A as large as VRAM: all of it fits (anyone else's is evicted). */
	t0 = now();
	igt_assert_eq(svm_bind(fd, a, vram, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_info("%" PRIu64 " MiB to VRAM in %.3f s\n", vram >> 20,
		 now() - t0);
	igt_assert_eq_u64(result, na);
	expect_counts(fd, a, vram, na, 0);
	igt_assert_eq(vram_used(), (long)na);
	evicted0 = fdkib(fd, "drm-vsvm-evicted");
	out0 = fdkib(fd, "drm-vsvm-migrated-to-ram");

	/* B: whole in VRAM, at A's expense. */
	igt_assert_eq(svm_bind(fd, b, bsize, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_assert_eq_u64(result, nb);
	expect_all(b, bsize, DRM_VSVM_RESIDENCY_VRAM);
	igt_assert_eq(svm_query(fd, a, vram, NULL, &va, &sa), 0);
	igt_info("A: %" PRIu64 " pages in VRAM, %" PRIu64 " in system "
		 "memory; %lld KiB evicted\n", va, sa,
		 fdkib(fd, "drm-vsvm-evicted") - evicted0);
	igt_assert_eq_u64(va + sa, na);
	igt_assert_f(va > 0 && va <= na - nb, "A: %" PRIu64 " in VRAM\n", va);
	igt_assert_eq(vram_used(), (long)(va + nb));
	igt_assert(vram_used() <= (long)na);
	igt_assert_eq(fdkib(fd, "drm-resident-vram"), (int)((va + nb) * 4));
	/* Every page of A out of VRAM left it to make room. */
	igt_assert_eq(fdkib(fd, "drm-vsvm-evicted") - evicted0,
		      (int)(sa * 4));
	igt_assert_eq(fdkib(fd, "drm-vsvm-migrated-to-ram") - out0,
		      (int)(sa * 4));
	igt_assert(debugfs_read(fd, "vram_evicted") - ev0 >= (long)sa);

	/* The GPU in B, in place, a word a page; B stays in VRAM. */
	igt_assert_eq(run(prog, nb, (uintptr_t)b, (uintptr_t)b), 0);
	expect_counts(fd, b, bsize, nb, 0);

	/*
	 * Back to system memory: B's first window by CPU faults, a page
	 * each; the rest by the ioctl, a window a step (CPU faults take
	 * milliseconds each under emulation with KASAN: 64K of them would
	 * not fit in the time limit). Then every word on the CPU.
	 */
	t0 = now();
	for (i = 0; i < WINDOW / 8; i++)
		assert_word(b, i, i % 512 ? ~pattern(i) : ~pattern(i) * 3 + 7);
	expect_all(b, WINDOW, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_info("B's first window read in %.3f s\n", now() - t0);
	t0 = now();
	igt_assert_eq(migrate(a, vram, DRM_VSVM_BIND_TARGET_SYSTEM), 0);
	igt_assert_eq(migrate(b, bsize, DRM_VSVM_BIND_TARGET_SYSTEM), 0);
	igt_info("the rest back in %.3f s\n", now() - t0);
	expect_counts(fd, a, vram, 0, na);
	expect_counts(fd, b, bsize, 0, nb);
	igt_assert_eq(fdkib(fd, "drm-resident-vram"), 0);
	check_fill(a, vram);
	for (i = 0; i < bsize / 8; i++)
		assert_word(b, i, i % 512 ? ~pattern(i) : ~pattern(i) * 3 + 7);

	igt_assert_eq(munmap(a, vram), 0);
	igt_assert_eq(munmap(b, bsize), 0);
	/* What others held before was evicted, not given back. */
	igt_assert_f(vram_used() <= used0, "vram_pages_used %ld, was %ld\n",
		     vram_used(), used0);
}

/*
 * A window that CPU and GPU pass back and forth is pinned to system
 * memory by thrash detection after three migrations: every value is
 * right, and the window moved at most four times in ten rounds.
 */
static void test_ping_pong_bounded(void)
{
	uint64_t inc = prog_inc();
	uint64_t *buf = map_aligned(WINDOW), value;
	long long moves0 = fdkey(fd, "drm-vsvm-migrations-to-vram");
	long long pins0 = fdkey(fd, "drm-vsvm-thrash-pins"), moves;
	uint8_t res;
	uint64_t v, s;
	int i;

	igt_require(geteuid() == 0);
	/* Pinned for the whole loop. */
	knob_set("thrash_pin_ms", 60000);
	/*
	 * Rounds take long under software emulation with KASAN: a window
	 * wide enough that three migrations count as thrashing there too.
	 */
	knob_set("thrash_window_ms", 10000);
	igt_assert_eq(svm_attr_set(fd, buf, WINDOW, ATTR_VRAM_MOF), 0);
	for (i = 0; i < 10; i++) {
		value = 0x1000ULL * (i + 1) + i;
		buf[0] = value;
		igt_assert_eq(run(inc, 1, (uintptr_t)buf, 0), 0);
		if (i >= 5) {
			/* Pinned: the GPU used the page in system memory. */
			igt_assert_eq(svm_query(fd, buf, PAGE, &res, &v, &s),
				      0);
			igt_assert_eq(res, DRM_VSVM_RESIDENCY_SYSTEM);
		}
		igt_assert_f(buf[0] == value + 1, "round %d: %#" PRIx64
			     ", want %#" PRIx64 "\n", i, buf[0], value + 1);
	}
	moves = fdkey(fd, "drm-vsvm-migrations-to-vram") - moves0;
	igt_info("%lld migrations to VRAM, %lld thrash pins\n", moves,
		 fdkey(fd, "drm-vsvm-thrash-pins") - pins0);
	igt_assert(fdkey(fd, "drm-vsvm-thrash-pins") - pins0 >= 1);
	igt_assert_f(moves >= 1 && moves <= 4, "%lld migrations\n", moves);
	for (i = 1; i < (int)(WINDOW / 8); i++)
		assert_word(buf, i, 0);
	knob_restore("thrash_window_ms");
	knob_restore("thrash_pin_ms");
	munmap(buf, WINDOW);
}

/* The child of accounting-exit-close: 0, or which step failed. */
static int child_migrate_and_leave(long used0)
{
	struct drm_vsvm_svm_init init = { .flags = DRM_VSVM_SVM_INIT_LR_MODE };
	const size_t size = 8 * MIB, pages = size / PAGE;
	uint64_t *p, result, v, s;
	int f = open_vsvm();

	if (f < 0 || drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init))
		return 1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	fill_pattern(p, size);
	if (svm_bind(f, p, size, DRM_VSVM_BIND_OP_MIGRATE,
		     DRM_VSVM_BIND_TARGET_VRAM, &result) || result != pages)
		return 3;
	if (svm_query(f, p, size, NULL, &v, &s) || v != pages || s)
		return 4;
	if (fdinfo_kib(f, "drm-resident-vram") != (long long)(size / 1024))
		return 5;
	if (debugfs_read(f, "vram_pages_used") < used0 + (long)pages)
		return 6;
	/* Neither munmap() nor close(): the exit does it. */
	return 0;
}

/*
 * VRAM a process holds is given back when it exits without cleaning up;
 * memory migrated through a file stays usable after the file is closed,
 * and is given back when unmapped.
 */
static void test_accounting_exit_close(void)
{
	const size_t size1 = 4 * MIB, size2 = 2 * MIB;
	long used0 = vram_used();
	uint64_t *b1, *b2, result, v, s;
	uint32_t c;
	pid_t pid;
	int f;

	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0)
		_exit(child_migrate_and_leave(used0));
	wait_child_within(pid, 120);
	igt_assert_eq(vram_used_settles(used0), used0);

	/* Migrate through a file of its own, then close it. */
	f = open_svm(&c);
	b1 = map_aligned(size1);
	b2 = map_aligned(size2);
	fill_pattern(b1, size1);
	fill_pattern(b2, size2);
	igt_assert_eq(svm_bind(f, b1, size1, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_assert_eq_u64(result, size1 / PAGE);
	igt_assert_eq(svm_bind(f, b2, size2, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_assert_eq_u64(result, size2 / PAGE);
	igt_assert_eq(vram_used() - used0, (long)((size1 + size2) / PAGE));
	igt_assert_eq(fdkib(f, "drm-resident-vram"),
		      (int)((size1 + size2) / 1024));
	igt_assert_eq(close(f), 0);
	/* Every page is somewhere (VRAM or back), none lost. */
	igt_assert_eq(svm_query(fd, b1, size1, NULL, &v, &s), 0);
	igt_assert_eq_u64(v + s, size1 / PAGE);
	check_fill(b1, size1);
	expect_all(b1, size1, DRM_VSVM_RESIDENCY_SYSTEM);
	/* b2 unmapped unread: what it has in VRAM goes with it. */
	igt_assert_eq(munmap(b2, size2), 0);
	igt_assert_eq(munmap(b1, size1), 0);
	igt_assert_eq(vram_used_settles(used0), used0);
}

/*
 * munmap() of the middle 1 MiB of 4 MiB in VRAM frees its 256 pages
 * there and no others; the rest is intact.
 */
static void test_partial_munmap(void)
{
	const size_t size = 4 * MIB, n = size / 8, pages = size / PAGE;
	uint64_t *buf = map_aligned(size), result;
	uint8_t *hole = (uint8_t *)buf + 3 * MIB / 2;
	long used0 = vram_used();
	size_t i;

	fill_pattern(buf, size);
	igt_assert_eq(svm_bind(fd, buf, size, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_assert_eq_u64(result, pages);
	igt_assert_eq(vram_used() - used0, (long)pages);
	igt_assert_eq(fdkib(fd, "drm-resident-vram"), (int)(size / 1024));

	igt_assert_eq(munmap(hole, MIB), 0);
	igt_assert_eq(vram_used() - used0, (long)(pages - 256));
	igt_assert_eq(fdkib(fd, "drm-resident-vram"),
		      (int)((size - MIB) / 1024));
	expect_all(buf, 3 * MIB / 2, DRM_VSVM_RESIDENCY_VRAM);
	expect_all(hole, MIB, DRM_VSVM_RESIDENCY_NONE);
	expect_all(hole + MIB, 3 * MIB / 2, DRM_VSVM_RESIDENCY_VRAM);

	for (i = 0; i < n; i++) {
		if (i >= 3 * MIB / 16 && i < 5 * MIB / 16)
			continue;	/* the hole */
		assert_word(buf, i, pattern(i));
	}
	igt_assert_eq(vram_used(), used0);
	igt_assert_eq(fdkib(fd, "drm-resident-vram"), 0);
	munmap(buf, 3 * MIB / 2);
	munmap(hole + MIB, 3 * MIB / 2);
}

/*
 * mremap() of 4 MiB in VRAM to a new address: every page is there (in
 * VRAM or system memory), none at the old address; the GPU and the CPU
 * read the data there, and VRAM is given back with the mapping.
 */
static void test_mremap_migrated(void)
{
	const size_t size = 4 * MIB, n = size / 8, pages = size / PAGE;
	uint64_t *buf = map_aligned(size), *q, *dst = map_aligned(size);
	uint64_t prog = prog_scale_pages(), result, v, s;
	uint8_t *res = malloc(pages);
	long used0 = vram_used();
	size_t i;

	igt_assert(res);
	fill_pattern(buf, size);
	igt_assert_eq(svm_bind(fd, buf, size, DRM_VSVM_BIND_OP_MIGRATE,
			       DRM_VSVM_BIND_TARGET_VRAM, &result), 0);
	igt_assert_eq_u64(result, pages);
	igt_assert_eq(vram_used() - used0, (long)pages);

	q = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(q != MAP_FAILED);
	igt_assert(mremap(buf, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, q) ==
		   q);
	igt_assert_eq(svm_query(fd, q, size, res, &v, &s), 0);
	igt_info("after mremap: %" PRIu64 " pages in VRAM, %" PRIu64
		 " in system memory\n", v, s);
	igt_assert_eq_u64(v + s, pages);
	for (i = 0; i < pages; i++)
		igt_assert_f(res[i] == DRM_VSVM_RESIDENCY_VRAM ||
			     res[i] == DRM_VSVM_RESIDENCY_SYSTEM,
			     "page %zu: residency %u\n", i, res[i]);
	expect_counts(fd, buf, size, 0, 0);

	/* The GPU reads a word a page at the new address, then the CPU all. */
	igt_assert_eq(run(prog, pages, (uintptr_t)q, (uintptr_t)dst), 0);
	for (i = 0; i < n; i++)
		assert_word(dst, i, i % 512 ? 0 : pattern(i) * 3 + 7);
	check_fill(q, size);
	igt_assert_eq(munmap(q, size), 0);
	igt_assert_eq(munmap(dst, size), 0);
	igt_assert_eq(vram_used(), used0);
	free(res);
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
	igt_describe("A CPU fault on a page in VRAM brings back its aligned "
		     "64 KiB block, in one migration, and nothing else.");
	igt_subtest("cpu-fault-around")
		test_cpu_fault_around();
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

	igt_describe("SVM_ATTR and SVM_QUERY refuse every bad field with the "
		     "documented errno and change nothing.");
	igt_subtest("attr-bad-input")
		test_attr_bad_input();
	igt_describe("GET reports runs of equal attributes: split by a SET "
		     "in the middle, merged with equal neighbours, reset by "
		     "the default; -ENOSPC past DRM_VSVM_ATTR_MAX_RANGES.");
	igt_subtest("attr-set-get")
		test_attr_set_get();
	igt_describe("Attributes belong to the address range: munmap() and "
		     "mremap() drop them, free() without munmap() keeps them.");
	igt_subtest("attr-lifetime")
		test_attr_lifetime();
	igt_describe("QUERY reports each page in VRAM, system memory or "
		     "nowhere, moving nothing.");
	igt_subtest("query-residency")
		test_query_residency();
	igt_describe("Migrate-on-fault moves what the GPU touches to VRAM; "
		     "fdinfo counts it; the CPU gets every word back.");
	igt_subtest("migrate-on-fault")
		test_migrate_on_fault();
	igt_describe("Migrating to full VRAM evicts the least recently "
		     "filled chunks; every word survives.");
	igt_subtest("evict-when-full")
		test_evict_when_full();
	igt_describe("A window the CPU and the GPU pass back and forth is "
		     "pinned to system memory: few migrations, right values.");
	igt_subtest("ping-pong-bounded")
		test_ping_pong_bounded();
	igt_describe("VRAM comes back when a process exits without cleaning "
		     "up, and when memory migrated through a closed file is "
		     "unmapped.");
	igt_subtest("accounting-exit-close")
		test_accounting_exit_close();
	igt_describe("munmap() of the middle of a buffer in VRAM frees just "
		     "that part.");
	igt_subtest("partial-munmap")
		test_partial_munmap();
	igt_describe("mremap() of memory in VRAM: the data follows it.");
	igt_subtest("mremap-migrated")
		test_mremap_migrated();

	igt_fixture
		close(fd);
}
