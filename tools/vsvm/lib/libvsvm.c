// SPDX-License-Identifier: GPL-2.0
/* libvsvm: see libvsvm.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libvsvm.h"

struct vsvm {
	int fd;
	char err[160];
};

static int vsvm_fail(struct vsvm *v, int ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(v->err))
		snprintf(v->err + n, sizeof(v->err) - n, ": %s", strerror(-ret));
	return ret;
}

static int vsvm_ioctl(struct vsvm *v, unsigned long req, void *arg,
		      const char *what)
{
	if (drmIoctl(v->fd, req, arg))
		return vsvm_fail(v, -errno, "%s", what);
	return 0;
}

int vsvm_open(struct vsvm **out)
{
	struct vsvm *v = calloc(1, sizeof(*v));
	char path[64];
	int i;

	if (!v)
		return -ENOMEM;
	for (i = 128; i < 192; i++) {
		drmVersionPtr ver;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		ver = drmGetVersion(fd);
		if (ver && !strcmp(ver->name, "vsvm")) {
			drmFreeVersion(ver);
			v->fd = fd;
			*out = v;
			return 0;
		}
		if (ver)
			drmFreeVersion(ver);
		close(fd);
	}
	free(v);
	return -ENODEV;
}

void vsvm_close(struct vsvm *v)
{
	if (!v)
		return;
	close(v->fd);
	free(v);
}

const char *vsvm_error(const struct vsvm *v)
{
	return v->err;
}

int vsvm_fd(const struct vsvm *v)
{
	return v->fd;
}

int vsvm_get_param(struct vsvm *v, uint32_t param, uint64_t *value)
{
	struct drm_vsvm_get_param gp = { .param = param };
	int ret = vsvm_ioctl(v, DRM_IOCTL_VSVM_GET_PARAM, &gp, "GET_PARAM");

	if (!ret)
		*value = gp.value;
	return ret;
}

int vsvm_svm_init(struct vsvm *v, uint64_t unmanaged_addr,
		  uint64_t unmanaged_size)
{
	struct drm_vsvm_svm_init a = {
		.unmanaged_addr = unmanaged_addr,
		.unmanaged_size = unmanaged_size,
		.flags = DRM_VSVM_SVM_INIT_LR_MODE,
	};

	return vsvm_ioctl(v, DRM_IOCTL_VSVM_SVM_INIT, &a, "SVM_INIT");
}

int vsvm_bind(struct vsvm *v, void *start, size_t len, int write)
{
	struct drm_vsvm_svm_bind b = {
		.header = DRM_VSVM_BIND_OP_MAP | (write ? DRM_VSVM_BIND_WRITE : 0),
		.va_start = (uintptr_t)start,
		.va_end = (uintptr_t)start + len,
	};

	return vsvm_ioctl(v, DRM_IOCTL_VSVM_SVM_BIND, &b, "SVM_BIND");
}

int vsvm_migrate(struct vsvm *v, void *start, size_t len, int vram)
{
	uint64_t target = vram ? DRM_VSVM_BIND_TARGET_VRAM :
				 DRM_VSVM_BIND_TARGET_SYSTEM;
	struct drm_vsvm_svm_bind b = {
		.header = DRM_VSVM_BIND_OP_MIGRATE | DRM_VSVM_BIND_WRITE |
			  target << DRM_VSVM_BIND_TARGET_SHIFT,
		.va_start = (uintptr_t)start,
		.va_end = (uintptr_t)start + len,
	};

	return vsvm_ioctl(v, DRM_IOCTL_VSVM_SVM_BIND, &b, "SVM_BIND migrate");
}

int vsvm_svm_attr_set(struct vsvm *v, void *start, size_t len,
		      uint32_t preferred_loc, uint32_t flags)
{
	struct drm_vsvm_svm_attr a = {
		.va_start = (uintptr_t)start,
		.va_end = (uintptr_t)start + len,
		.op = DRM_VSVM_ATTR_OP_SET,
		.preferred_loc = preferred_loc,
		.flags = flags,
	};

	return vsvm_ioctl(v, DRM_IOCTL_VSVM_SVM_ATTR, &a, "SVM_ATTR set");
}

int vsvm_svm_attr_get(struct vsvm *v, void *addr, size_t len,
		      uint32_t *preferred_loc, uint32_t *flags,
		      size_t *run_len)
{
	struct drm_vsvm_svm_attr a = {
		.va_start = (uintptr_t)addr,
		.va_end = (uintptr_t)addr + len,
		.op = DRM_VSVM_ATTR_OP_GET,
	};
	int ret = vsvm_ioctl(v, DRM_IOCTL_VSVM_SVM_ATTR, &a, "SVM_ATTR get");

	if (ret)
		return ret;
	if (preferred_loc)
		*preferred_loc = a.preferred_loc;
	if (flags)
		*flags = a.flags;
	if (run_len)
		*run_len = a.run_end - a.va_start;
	return 0;
}

int vsvm_svm_query(struct vsvm *v, void *start, size_t len,
		   uint8_t *residency, uint64_t *vram_pages,
		   uint64_t *system_pages)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t addr = (uintptr_t)start, end = addr + len;
	uint64_t vram = 0, sys = 0;
	int ret;

	/* Overflow and empty ranges are the kernel's to refuse. */
	do {
		struct drm_vsvm_svm_query q = {
			.va_start = addr,
			.va_end = end,
		};

		if (end > addr && end - addr > DRM_VSVM_QUERY_MAX_SIZE)
			q.va_end = addr + DRM_VSVM_QUERY_MAX_SIZE;
		if (residency)
			q.residency = (uintptr_t)residency +
				      (addr - (uintptr_t)start) / page;
		ret = vsvm_ioctl(v, DRM_IOCTL_VSVM_SVM_QUERY, &q, "SVM_QUERY");
		if (ret)
			return ret;
		vram += q.vram_pages;
		sys += q.system_pages;
		addr = q.va_end;
	} while (addr < end);
	if (vram_pages)
		*vram_pages = vram;
	if (system_pages)
		*system_pages = sys;
	return 0;
}

int vsvm_channel_create(struct vsvm *v, uint32_t *channel)
{
	struct drm_vsvm_channel_create c = { 0 };
	int ret = vsvm_ioctl(v, DRM_IOCTL_VSVM_CHANNEL_CREATE, &c,
			     "CHANNEL_CREATE");

	if (!ret)
		*channel = c.handle;
	return ret;
}

int vsvm_channel_destroy(struct vsvm *v, uint32_t channel)
{
	struct drm_vsvm_channel_destroy d = { .handle = channel };

	return vsvm_ioctl(v, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &d,
			  "CHANNEL_DESTROY");
}

int vsvm_run(struct vsvm *v, uint32_t channel, const void *program,
	     uint32_t threads, const uint64_t *args, unsigned int nargs)
{
	struct drm_vsvm_user_fence_record rec = { 0 };
	struct drm_vsvm_exec_user_fence uf = {
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)&rec,
		.value = 1,
	};
	struct drm_vsvm_exec ex = {
		.channel = channel,
		.program = (uintptr_t)program,
		.num_threads = threads,
		.num_args = nargs,
		.extensions = (uintptr_t)&uf,
	};
	struct drm_vsvm_wait_user_fence w = {
		.addr = (uintptr_t)&rec.value,
		.value = 1,
		.mask = ~0ULL,
		.op = DRM_VSVM_UFENCE_OP_EQ,
		.timeout_ns = -1,
	};
	int ret;

	if (nargs > DRM_VSVM_EXEC_MAX_ARGS)
		return vsvm_fail(v, -EINVAL, "EXEC: %u arguments", nargs);
	memcpy(ex.args, args, nargs * sizeof(*args));
	ret = vsvm_ioctl(v, DRM_IOCTL_VSVM_EXEC, &ex, "EXEC");
	if (ret)
		return ret;
	/* The kernel writes the record: wait for it however long it takes. */
	do {
		ret = drmIoctl(v->fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w);
	} while (ret && errno == EINTR);
	if (ret)
		return vsvm_fail(v, -errno, "WAIT_USER_FENCE");
	if (rec.status)
		return vsvm_fail(v, (int)rec.status, "launch failed");
	return 0;
}

int vsvm_launch_grid_async(struct vsvm *v, uint32_t channel,
			   const struct vsvm_grid_launch *l,
			   struct drm_vsvm_user_fence_record *fence,
			   uint64_t *seqno)
{
	struct drm_vsvm_exec_grid grid = {
		.base.name = DRM_VSVM_EXEC_EXT_GRID,
		.local_mem_size = l->local_mem_size,
		.stack_size = l->stack_size,
	};
	struct drm_vsvm_exec_user_fence uf = {
		.base.next_extension = (uintptr_t)&grid,
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)fence,
		.value = 1,
	};
	struct drm_vsvm_exec ex = {
		.channel = channel,
		.program = l->program,
		.num_threads = 0,	/* the grid gives the threads */
		.num_args = l->num_args,
		.insn_budget = l->insn_budget,
		.extensions = (uintptr_t)&uf,
	};
	unsigned int i;
	int ret;

	if (!l->program || (l->program & 3))
		return vsvm_fail(v, -EINVAL, "EXEC: program address 0x%llx",
				 (unsigned long long)l->program);
	if (l->num_args > DRM_VSVM_EXEC_MAX_ARGS)
		return vsvm_fail(v, -EINVAL, "EXEC: %u arguments", l->num_args);
	if (!ex.num_args)
		for (i = 0; i < DRM_VSVM_EXEC_MAX_ARGS; i++)
			if (l->args[i])
				ex.num_args = i + 1;
	memcpy(ex.args, l->args, ex.num_args * sizeof(ex.args[0]));
	for (i = 0; i < 3; i++) {
		grid.local_size[i] = l->local_size[i] ? l->local_size[i] : 1;
		grid.num_groups[i] = l->num_groups[i] ? l->num_groups[i] : 1;
	}
	memset(fence, 0, sizeof(*fence));
	ret = vsvm_ioctl(v, DRM_IOCTL_VSVM_EXEC, &ex, "EXEC (grid)");
	if (!ret && seqno)
		*seqno = ex.seqno;
	return ret;
}

int vsvm_fence_wait(struct vsvm *v, struct drm_vsvm_user_fence_record *fence,
		    int64_t timeout_ns)
{
	struct drm_vsvm_wait_user_fence w = {
		.addr = (uintptr_t)&fence->value,
		.value = 1,
		.mask = ~0ULL,
		.op = DRM_VSVM_UFENCE_OP_EQ,
		.timeout_ns = timeout_ns,
	};
	int64_t status;
	int ret;

	/* A signal restarts the wait (with the whole timeout again). */
	do {
		ret = drmIoctl(v->fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w);
	} while (ret && errno == EINTR);
	if (ret)
		return vsvm_fail(v, -errno, "WAIT_USER_FENCE");
	/* The kernel writes status before value, which now reads 1. */
	status = __atomic_load_n(&fence->status, __ATOMIC_ACQUIRE);
	if (status)
		return vsvm_fail(v, (int)status, "launch failed");
	return 0;
}

int vsvm_launch_grid(struct vsvm *v, uint32_t channel,
		     const struct vsvm_grid_launch *l)
{
	struct drm_vsvm_user_fence_record rec;
	int ret;

	ret = vsvm_launch_grid_async(v, channel, l, &rec, NULL);
	if (ret)
		return ret;
	return vsvm_fence_wait(v, &rec, -1);
}

int vsvm_channel_error(struct vsvm *v, uint32_t channel,
		       struct drm_vsvm_channel_error *err)
{
	memset(err, 0, sizeof(*err));
	err->channel = channel;
	err->flags = DRM_VSVM_CHANNEL_ERROR_CLEAR;
	return vsvm_ioctl(v, DRM_IOCTL_VSVM_CHANNEL_ERROR, err,
			  "CHANNEL_ERROR");
}

/*
 * A size as fdinfo gives it (Documentation/gpu/drm-usage-stats.rst: a
 * number, then KiB or MiB, or nothing for bytes), in KiB.
 */
static long long vsvm_kib(const char *val)
{
	char *unit;
	long long n = strtoll(val, &unit, 10);

	unit += strspn(unit, " \t");
	if (!strncmp(unit, "KiB", 3))
		return n;
	if (!strncmp(unit, "MiB", 3))
		return n * 1024;
	if (!strncmp(unit, "GiB", 3))
		return n * 1024 * 1024;
	return n / 1024;
}

#define STAT(key, field)	{ key, offsetof(struct vsvm_stats, field), 0 }
#define SIZE(key, field)	{ key, offsetof(struct vsvm_stats, field), 1 }

int vsvm_stats(struct vsvm *v, struct vsvm_stats *s)
{
	static const struct {
		const char *key;
		size_t off;
		int size;	/* a size, read in KiB */
	} keys[] = {
		STAT("drm-vsvm-faults", faults),
		STAT("drm-vsvm-batches", batches),
		STAT("drm-vsvm-replays", replays),
		STAT("drm-vsvm-cancels", cancels),
		STAT("drm-vsvm-hmm-calls", hmm_calls),
		STAT("drm-vsvm-hmm-ns", hmm_ns),
		STAT("drm-vsvm-fault-ns", fault_ns),
		STAT("drm-vsvm-pages-4k", pages_4k),
		STAT("drm-vsvm-pages-2m", pages_2m),
		STAT("drm-vsvm-invalidations", invalidations),
		STAT("drm-vsvm-page-tables", page_tables),
		SIZE("drm-total-vram", total_vram_kib),
		SIZE("drm-resident-vram", resident_vram_kib),
		STAT("drm-vsvm-migrations-to-vram", migrations_to_vram),
		SIZE("drm-vsvm-migrated-to-vram", migrated_to_vram_kib),
		STAT("drm-vsvm-migrations-to-ram", migrations_to_ram),
		SIZE("drm-vsvm-migrated-to-ram", migrated_to_ram_kib),
		SIZE("drm-vsvm-evicted", evicted_kib),
		STAT("drm-vsvm-thrash-pins", thrash_pins),
	};
	char path[64], line[256];
	size_t i, len;
	long long *field;
	FILE *f;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", v->fd);
	f = fopen(path, "r");
	if (!f)
		return vsvm_fail(v, -errno, "%s", path);
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			len = strlen(keys[i].key);
			if (strncmp(line, keys[i].key, len) || line[len] != ':')
				continue;
			field = (long long *)((char *)s + keys[i].off);
			*field = keys[i].size ? vsvm_kib(line + len + 1) :
				 strtoll(line + len + 1, NULL, 10);
		}
	}
	fclose(f);
	return 0;
}
