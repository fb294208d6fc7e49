/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vsvm IGT tests: finding the render node, building
 * GPU programs in memory of their own. The opcodes are those of
 * drivers/gpu/drm/vsvm/hw/vsvm_isa.h, restated so that the tests stay
 * independent of libvsvm.
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

enum {
	OP_EXIT = 0x01, OP_ADD = 0x10, OP_MULI = 0x22, OP_ADDI = 0x20,
	OP_SHLI = 0x26, OP_MOVI = 0x30, OP_S2R = 0x33, OP_LDARG = 0x34,
	OP_LD64 = 0x42, OP_ST64 = 0x4a, OP_ATOM_ADD64 = 0x58, OP_BLT = 0x63,
};
#define SR_TID	0

static inline uint64_t insn(unsigned int op, unsigned int rd, unsigned int ra,
			    unsigned int rb, int32_t imm)
{
	return (uint64_t)op | (uint64_t)rd << 8 | (uint64_t)ra << 16 |
	       (uint64_t)rb << 24 | (uint64_t)(uint32_t)imm << 32;
}

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

/* A GPU program in memory of its own (8-byte aligned, as EXEC wants). */
static inline uint64_t *program(const uint64_t *code, size_t n)
{
	uint64_t *p = aligned_alloc(64, (n * 8 + 63) & ~63UL);

	igt_assert(p);
	memcpy(p, code, n * 8);
	return p;
}

#define PROGRAM(...) ({ \
	const uint64_t code_[] = { __VA_ARGS__ }; \
	program(code_, sizeof(code_) / sizeof(code_[0])); \
})

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

/* Programs the tests share. */

/* Stores arg1 at the address in arg0. */
static inline uint64_t *prog_store(void)
{
	return PROGRAM(insn(OP_LDARG, 1, 0, 0, 0),
		       insn(OP_LDARG, 2, 0, 0, 1),
		       insn(OP_ST64, 0, 1, 2, 0),
		       insn(OP_EXIT, 0, 0, 0, 0));
}

/* Loads from arg0 and stores the value at arg1. */
static inline uint64_t *prog_copy(void)
{
	return PROGRAM(insn(OP_LDARG, 1, 0, 0, 0),
		       insn(OP_LDARG, 2, 0, 0, 1),
		       insn(OP_LD64, 3, 1, 0, 0),
		       insn(OP_ST64, 0, 2, 3, 0),
		       insn(OP_EXIT, 0, 0, 0, 0));
}

/* Each thread counts to arg0 in a loop, then stores tid at arg1[tid]. */
static inline uint64_t *prog_spin(void)
{
	return PROGRAM(insn(OP_LDARG, 1, 0, 0, 0),	/* r1 = count */
		       insn(OP_MOVI, 2, 0, 0, 0),	/* r2 = 0 */
		       insn(OP_ADDI, 2, 2, 0, 1),	/* loop: r2++ */
		       insn(OP_BLT, 0, 2, 1, -1),	/* while r2 < r1 */
		       insn(OP_S2R, 3, 0, 0, SR_TID),
		       insn(OP_LDARG, 4, 0, 0, 1),
		       insn(OP_SHLI, 5, 3, 0, 3),
		       insn(OP_ADD, 4, 4, 5, 0),
		       insn(OP_ST64, 0, 4, 3, 0),	/* arg1[tid] = tid */
		       insn(OP_EXIT, 0, 0, 0, 0));
}

/* Spins for ever (until the budget, the job timeout or a kill ends it). */
static inline uint64_t *prog_forever(void)
{
	return PROGRAM(insn(OP_ADDI, 2, 2, 0, 1),
		       insn(OP_BLT, 0, 0, 2, -1),	/* while 0 < r2 */
		       insn(OP_EXIT, 0, 0, 0, 0));
}

/* Thread tid stores tid at arg0 + (tid << shift): one word per stride. */
static inline uint64_t *prog_stride(int shift)
{
	return PROGRAM(insn(OP_S2R, 1, 0, 0, SR_TID),
		       insn(OP_SHLI, 2, 1, 0, shift),
		       insn(OP_LDARG, 3, 0, 0, 0),
		       insn(OP_ADD, 3, 3, 2, 0),
		       insn(OP_ST64, 0, 3, 1, 0),
		       insn(OP_EXIT, 0, 0, 0, 0));
}

/* A launch's user fence: the record the kernel writes when it ends. */
typedef struct drm_vsvm_user_fence_record ufence_t;

/* Launch on channel c of file f with a user fence, not waiting. */
static inline ufence_t *launch_async(int f, uint32_t c, const uint64_t *prog,
				     uint32_t threads, uint32_t budget,
				     uint64_t a0, uint64_t a1)
{
	ufence_t *rec = calloc(1, sizeof(*rec));
	struct drm_vsvm_exec_user_fence uf = {
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)rec, .value = 1,
	};
	struct drm_vsvm_exec ex = {
		.channel = c, .program = (uintptr_t)prog,
		.num_threads = threads, .num_args = 2, .args = { a0, a1 },
		.insn_budget = budget, .extensions = (uintptr_t)&uf,
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
static inline int exec_wait(int f, uint32_t c, const uint64_t *prog,
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

/* At offset o = tid << 12 (one word a page): dst[o] = src[o] * 3 + 7. */
static inline uint64_t *prog_scale_pages(void)
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
