/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vsvm IGT tests: finding the render node, the GPU
 * programs and launching them. The programs are RISC-V kernels written in
 * C, igt-tests/gpu/igt_kernels.c, which the Makefile builds into an image
 * embedded in every IGT binary (build/gpu/embed/igt_kernels.o) and which
 * the loader of tools/vsvm/lib/vsvm_program.c, linked in too, maps into
 * the process; launches use the EXEC ioctl directly, not libvsvm.
 */
#ifndef VSVM_IGT_H
#define VSVM_IGT_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <xf86drm.h>
#include <drm/vsvm_drm.h>

#include "igt_abi.h"
#include "vsvm_program.h"

/* The first render node whose driver is vsvm, or -1. */
static inline int open_vsvm_nth(int n)
{
	char path[64];
	int i, f;

	for (i = 128; i < 192; i++) {
		drmVersionPtr v;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		f = open(path, O_RDWR | O_CLOEXEC);
		if (f < 0)
			continue;
		v = drmGetVersion(f);
		if (v && !strcmp(v->name, "vsvm") && !n--) {
			drmFreeVersion(v);
			return f;
		}
		if (v)
			drmFreeVersion(v);
		close(f);
	}
	return -1;
}

static inline int open_vsvm(void)
{
	return open_vsvm_nth(0);
}

/* Seconds on the monotonic clock. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* close() file f, which must return within a second; its duration. */
static inline double close_within_a_second(int f)
{
	double t0 = now(), t;

	igt_assert_eq(close(f), 0);
	t = now() - t0;
	igt_info("close took %.3f s\n", t);
	igt_assert_f(t < 1.0, "close took %.3f s\n", t);
	return t;
}

/*
 * GPU programs: the kernels of igt-tests/gpu/igt_kernels.c. Their image
 * is loaded once per process, on first use, into anonymous memory of its
 * own, which the GPU reaches through the process mirror as any other
 * memory: faulted in on demand in long-running mode, bound with
 * kernels_bind() in fence mode. A child after fork() inherits it (at the
 * same address) if the parent loaded it before; a process that loads it
 * while a GPU fault holds its mmap lock (a stuck FUSE read) would wait, so
 * tests take their programs before.
 */
VSVM_GPU_IMAGE(igt_kernels);

static struct vsvm_program *igt_kernels_image;

static inline const struct vsvm_program *igt_kernels(void)
{
	char err[256];

	if (!igt_kernels_image) {
		igt_kernels_image = VSVM_GPU_IMAGE_LOAD(igt_kernels, err,
							sizeof(err));
		igt_assert_f(igt_kernels_image, "GPU image igt_kernels: %s\n",
			     err);
	}
	return igt_kernels_image;
}

/* The program address of kernel @name, what EXEC launches. */
static inline uint64_t igt_kernel(const char *name)
{
	uint64_t addr = vsvm_program_symbol(igt_kernels(), name);

	igt_assert_f(addr, "no kernel %s in igt_kernels\n", name);
	return addr;
}

/* UNIMP, the illegal instruction of kernel igt_illegal. */
#define RV_UNIMP	0xc0001073u

/*
 * The kernel whose code holds process address @pc (a channel error's pc),
 * its body included (VSVM_KERNEL() may leave that a function of its own),
 * or "?" for an address outside every function of the image.
 */
static inline const char *kernel_at(uint64_t pc)
{
	static const char body[] = "__vsvm_kernel_body_";
	const char *name = vsvm_program_addr_name(igt_kernels(), pc, NULL);

	if (!name)
		return "?";
	if (!strncmp(name, body, sizeof(body) - 1))
		return name + sizeof(body) - 1;
	return name;
}

/* The loaded image, page aligned, and its size in bytes (whole pages). */
static inline void *kernels_base(void)
{
	return vsvm_program_base(igt_kernels());
}

static inline size_t kernels_size(void)
{
	return vsvm_program_size(igt_kernels());
}

/*
 * SVM_BIND the whole image, read-only, in VM @vm of file f: in fence mode
 * the GPU fetches only code bound beforehand. 0 or -errno.
 */
static inline int kernels_bind(int f, uint32_t vm)
{
	struct drm_vsvm_svm_bind b = {
		.header = DRM_VSVM_BIND_OP_MAP,
		.va_start = (uintptr_t)kernels_base(),
		.va_end = (uintptr_t)kernels_base() + kernels_size(),
		.vm_id = vm,
	};

	return drmIoctl(f, DRM_IOCTL_VSVM_SVM_BIND, &b) ? -errno : 0;
}

/*
 * The grid of a launch of @threads threads: 1-D, one thread a work-group
 * (what a launch without the extension runs too), the default stack, no
 * local memory; thread t is the one of global id t. Chain it in EXEC's
 * extensions; num_threads stays 0.
 */
static inline struct drm_vsvm_exec_grid exec_grid(uint32_t threads)
{
	struct drm_vsvm_exec_grid grid = {
		.base.name = DRM_VSVM_EXEC_EXT_GRID,
		.local_size = { 1, 1, 1 },
		.num_groups = { threads, 1, 1 },
	};

	return grid;
}

/* A file with SVM on in the given mode and one channel. */
static inline int open_svm_mode(uint32_t *c, uint32_t flags)
{
	struct drm_vsvm_svm_init init = { .flags = flags };
	struct drm_vsvm_channel_create cc = { 0 };
	int f = open_vsvm();

	igt_assert(f >= 0);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init), 0);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc), 0);
	*c = cc.handle;
	return f;
}

/* A file in long-running mode (GPU faults served) and one channel. */
static inline int open_svm(uint32_t *c)
{
	return open_svm_mode(c, DRM_VSVM_SVM_INIT_LR_MODE);
}

/* Programs the tests share (what each does: igt_kernels.c). */

/* Stores arg1 at the address in arg0. */
static inline uint64_t prog_store(void)
{
	return igt_kernel("igt_store");
}

/* Loads from arg0 and stores the value at arg1. */
static inline uint64_t prog_copy(void)
{
	return igt_kernel("igt_copy");
}

/*
 * Each thread counts to arg0 in a loop (two instructions a round), then
 * stores tid at arg1[tid].
 */
static inline uint64_t prog_spin(void)
{
	return igt_kernel("igt_spin");
}

/* Spins for ever (until the budget, the job timeout or a kill ends it). */
static inline uint64_t prog_forever(void)
{
	return igt_kernel("igt_forever");
}

/*
 * Thread tid stores tid at arg0 + (tid << shift): one word per stride,
 * a page (shift 12) or a 2 MiB window (shift 21).
 */
static inline uint64_t prog_stride(int shift)
{
	igt_assert(shift == 12 || shift == 21);
	return igt_kernel(shift == 12 ? "igt_stride_4k" : "igt_stride_2m");
}

/* A launch's user fence: the record the kernel writes when it ends. */
typedef struct drm_vsvm_user_fence_record ufence_t;

/*
 * Launch kernel @prog over @threads threads (exec_grid()) on channel c of
 * file f with a user fence, not waiting; @budget instructions a thread (0
 * for the default).
 */
static inline ufence_t *launch_async(int f, uint32_t c, uint64_t prog,
				     uint32_t threads, uint32_t budget,
				     uint64_t a0, uint64_t a1)
{
	ufence_t *rec = calloc(1, sizeof(*rec));
	struct drm_vsvm_exec_grid grid = exec_grid(threads);
	struct drm_vsvm_exec_user_fence uf = {
		.base.next_extension = (uintptr_t)&grid,
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)rec, .value = 1,
	};
	struct drm_vsvm_exec ex = {
		.channel = c, .program = prog, .num_args = 2,
		.args = { a0, a1 }, .insn_budget = budget,
		.extensions = (uintptr_t)&uf,
	};

	igt_assert(rec);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_EXEC, &ex), 0);
	return rec;
}

/*
 * Wait up to timeout_ns (< 0: for ever) for a user fence to hold value:
 * 0 or -errno.
 */
static inline int user_fence_wait_value(int f, ufence_t *rec, uint64_t value,
					int64_t timeout_ns)
{
	struct drm_vsvm_wait_user_fence w = {
		.addr = (uintptr_t)&rec->value, .value = value, .mask = ~0ULL,
		.op = DRM_VSVM_UFENCE_OP_EQ, .timeout_ns = timeout_ns,
	};

	return drmIoctl(f, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w) ? -errno : 0;
}

/* The same for the fences of launch_async(), whose value is 1. */
static inline int user_fence_wait(int f, ufence_t *rec, int64_t timeout_ns)
{
	return user_fence_wait_value(f, rec, 1, timeout_ns);
}

/* Wait for a launch's user fence and free it: its status (0 or -errno). */
static inline int launch_status(int f, ufence_t *rec)
{
	int st;

	igt_assert_eq(user_fence_wait(f, rec, -1), 0);
	st = (int)rec->status;
	free(rec);
	return st;
}

/*
 * The same once the file is closed (no ioctl left to wait with): poll the
 * record for up to 10 s.
 */
static inline int launch_status_polled(ufence_t *rec)
{
	int i, st;

	for (i = 0; i < 10000 && !__atomic_load_n(&rec->value,
						     __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	igt_assert_f(rec->value == 1, "the user fence was never written\n");
	st = (int)rec->status;
	free(rec);
	return st;
}

/* Launch, wait, and return the launch's status (0, or a negative errno). */
static inline int exec_wait(int f, uint32_t c, uint64_t prog,
			    uint32_t threads, uint64_t a0, uint64_t a1)
{
	return launch_status(f, launch_async(f, c, prog, threads, 0, a0, a1));
}

/*
 * SVM_BIND with operation @op (to @target, for a migration) over
 * [p, p + size), for writing: 0 or -errno; the pages done in *result.
 */
static inline int svm_bind(int f, void *p, size_t size, uint32_t op,
			   uint64_t target, uint64_t *result)
{
	struct drm_vsvm_svm_bind b = {
		.header = op | DRM_VSVM_BIND_WRITE |
			  target << DRM_VSVM_BIND_TARGET_SHIFT,
		.va_start = (uintptr_t)p, .va_end = (uintptr_t)p + size,
	};
	int ret = drmIoctl(f, DRM_IOCTL_VSVM_SVM_BIND, &b) ? -errno : 0;

	if (result)
		*result = b.result;
	return ret;
}

/*
 * DRM_IOCTL_VSVM_SVM_ATTR with *a as given (op, range, fields and all, in
 * VM a->vm_id): 0 or -errno, the kernel's outputs in *a.
 */
static inline int svm_attr_ioctl(int f, struct drm_vsvm_svm_attr *a)
{
	return drmIoctl(f, DRM_IOCTL_VSVM_SVM_ATTR, a) ? -errno : 0;
}

/* SET preferred location @loc and @flags over [p, p + size) of VM 0. */
static inline int svm_attr_set(int f, void *p, size_t size, uint32_t loc,
			       uint32_t flags)
{
	struct drm_vsvm_svm_attr a = {
		.va_start = (uintptr_t)p, .va_end = (uintptr_t)p + size,
		.op = DRM_VSVM_ATTR_OP_SET, .preferred_loc = loc,
		.flags = flags,
	};

	return svm_attr_ioctl(f, &a);
}

/*
 * GET over [p, p + size) of VM 0: 0 or -errno; the attributes at p and the
 * end of their run in *loc, *flags, *run_end.
 */
static inline int svm_attr_get(int f, void *p, size_t size, uint32_t *loc,
			       uint32_t *flags, uint64_t *run_end)
{
	struct drm_vsvm_svm_attr a = {
		.va_start = (uintptr_t)p, .va_end = (uintptr_t)p + size,
		.op = DRM_VSVM_ATTR_OP_GET,
	};
	int ret = svm_attr_ioctl(f, &a);

	*loc = a.preferred_loc;
	*flags = a.flags;
	*run_end = a.run_end;
	return ret;
}

/* DRM_IOCTL_VSVM_SVM_QUERY with *q as given: 0 or -errno. */
static inline int svm_query_ioctl(int f, struct drm_vsvm_svm_query *q)
{
	return drmIoctl(f, DRM_IOCTL_VSVM_SVM_QUERY, q) ? -errno : 0;
}

/*
 * QUERY [p, p + size) of VM 0, one byte a page into @residency (NULL for
 * none): 0 or -errno; the counts in *vram and *sys.
 */
static inline int svm_query(int f, void *p, size_t size, uint8_t *residency,
			    uint64_t *vram, uint64_t *sys)
{
	struct drm_vsvm_svm_query q = {
		.va_start = (uintptr_t)p, .va_end = (uintptr_t)p + size,
		.residency = (uintptr_t)residency,
	};
	int ret = svm_query_ioctl(f, &q);

	*vram = q.vram_pages;
	*sys = q.system_pages;
	return ret;
}

/* Read and clear channel c's error record. */
static inline struct drm_vsvm_channel_error channel_error(int f, uint32_t c)
{
	struct drm_vsvm_channel_error e = {
		.channel = c, .flags = DRM_VSVM_CHANNEL_ERROR_CLEAR,
	};

	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_ERROR, &e), 0);
	return e;
}

/* A forked child ended with exit status 0. */
static inline void wait_child_ok(pid_t pid)
{
	int status;

	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFEXITED(status));
	igt_assert_eq(WEXITSTATUS(status), 0);
}

/*
 * The value of key @key in file f's fdinfo, from its first character past
 * the colon and blanks, into @val: 0, or -1 if the key is absent.
 */
static inline int fdinfo_text(int f, const char *key, char *val, size_t size)
{
	char path[64], line[256];
	size_t len = strlen(key);
	int ret = -1;
	FILE *file;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", f);
	file = fopen(path, "r");
	igt_assert(file);
	while (fgets(line, sizeof(line), file))
		if (!strncmp(line, key, len) && line[len] == ':') {
			snprintf(val, size, "%s",
				 line + len + 1 + strspn(line + len + 1, " \t"));
			ret = 0;
		}
	fclose(file);
	return ret;
}

/*
 * One counter of file f's fdinfo (-1 if absent): the number that leads
 * the value, a unit after it ignored ("drm-resident-vram:\t1024 KiB"
 * reads as 1024; fdinfo_kib() reads sizes whatever their unit).
 */
static inline long long fdinfo_value(int f, const char *key)
{
	char val[256];

	return fdinfo_text(f, key, val, sizeof(val)) ? -1 :
	       strtoll(val, NULL, 10);
}

/*
 * A size in file f's fdinfo, in KiB (-1 if absent): a number and a unit
 * as Documentation/gpu/drm-usage-stats.rst has them: none for bytes,
 * KiB, MiB (or GiB).
 */
static inline long long fdinfo_kib(int f, const char *key)
{
	char val[256], *unit;
	long long v;

	if (fdinfo_text(f, key, val, sizeof(val)))
		return -1;
	v = strtoll(val, &unit, 10);
	unit += strspn(unit, " \t");
	if (!strncmp(unit, "KiB", 3))
		return v;
	if (!strncmp(unit, "MiB", 3))
		return v * 1024;
	if (!strncmp(unit, "GiB", 3))
		return v * 1024 * 1024;
	igt_assert_f(*unit == '\n' || !*unit, "%s: unit %s\n", key, unit);
	igt_assert_f(v % 1024 == 0, "%s: %lld bytes\n", key, v);
	return v / 1024;
}

/* Path of debugfs file @name of the device behind render file f. */
static inline void debugfs_path(int f, const char *name, char *path,
				size_t len)
{
	struct stat st;

	igt_assert_eq(fstat(f, &st), 0);
	snprintf(path, len, "/sys/kernel/debug/dri/%u/%s", minor(st.st_rdev),
		 name);
}

/* The number a sysfs, debugfs or procfs file holds. */
static inline long file_long(const char *path)
{
	FILE *file = fopen(path, "r");
	long v = -1;

	igt_assert_f(file, "cannot open %s\n", path);
	igt_assert_eq(fscanf(file, "%ld", &v), 1);
	fclose(file);
	return v;
}

static inline long debugfs_read(int f, const char *name)
{
	char path[128];

	debugfs_path(f, name, path, sizeof(path));
	return file_long(path);
}

static inline void debugfs_write(int f, const char *name, long v)
{
	char path[128];
	FILE *file;

	debugfs_path(f, name, path, sizeof(path));
	file = fopen(path, "w");
	igt_assert_f(file, "cannot open %s\n", path);
	igt_assert(fprintf(file, "%ld\n", v) > 0);
	igt_assert_eq(fclose(file), 0);
}

/* Device-memory tests: data, programs and buffers they share. */

/* The CPU's data: no word is zero, none equals its neighbour. */
static inline uint64_t pattern(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL;
}

/* Fill [p, p + size) with pattern(). */
static inline void fill_pattern(uint64_t *p, size_t size)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		p[i] = pattern(i);
}

/* One word compared, named by its index on failure. */
#define assert_word(p, i, want) do {					\
	uint64_t got_ = (p)[i], want_ = (want);				\
	igt_assert_f(got_ == want_, "%s[%zu] = %#" PRIx64 ", want %#"	\
		     PRIx64 "\n", #p, (size_t)(i), got_, want_);	\
} while (0)

/*
 * At byte offset o = tid << 12 (one word a page) of src = arg0 and
 * dst = arg1: dst[o] = src[o] * 3 + 7.
 */
static inline uint64_t prog_scale_pages(void)
{
	return igt_kernel("igt_scale_pages");
}

/*
 * Anonymous memory aligned to 2 MiB (a migration window, a VRAM chunk),
 * in 4 KiB pages: no THP to split or to fail to migrate.
 */
static inline uint64_t *map_aligned(size_t size)
{
	const size_t align = 2UL << 20;
	uint8_t *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *a;

	igt_assert(p != MAP_FAILED);
	a = (uint8_t *)(((uintptr_t)p + align - 1) & ~(align - 1));
	if (a > p)
		igt_assert_eq(munmap(p, a - p), 0);
	/* a - p < align: there is a tail. */
	igt_assert_eq(munmap(a + size, p + align - a), 0);
	igt_assert_eq(madvise(a, size, MADV_NOHUGEPAGE), 0);
	return (uint64_t *)a;
}

#endif /* VSVM_IGT_H */
