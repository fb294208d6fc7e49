// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of libvsvm's grid launch (vsvm_launch_grid() and friends),
 * built and run by test_tools.py; needs no GPU. libvsvm.c is compiled in,
 * and the libdrm functions it calls are replaced: the fake drmIoctl()
 * records what DRM_IOCTL_VSVM_EXEC receives, walks its extension chain,
 * and "completes" the launch by writing its user fence as the kernel
 * would (status, then value).
 *
 * Prints "ok" and exits 0, or says what is wrong and exits 1.
 */
#include "../../tools/vsvm/lib/libvsvm.c"

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(1);						\
	}								\
} while (0)

/* What the last EXEC got, and how the fake GPU ends launches. */
static struct {
	struct drm_vsvm_exec ex;
	struct drm_vsvm_exec_grid grid;
	struct drm_vsvm_exec_user_fence uf;
	int execs, grids, fences, others;
	int64_t status;		/* the status launches end with */
	int complete;		/* write the fence at EXEC time */
} fake;

int drmIoctl(int fd, unsigned long request, void *arg)
{
	(void)fd;
	if (request == DRM_IOCTL_VSVM_EXEC) {
		struct drm_vsvm_user_fence_record *rec;
		uint64_t next;

		memcpy(&fake.ex, arg, sizeof(fake.ex));
		fake.execs++;
		fake.grids = fake.fences = fake.others = 0;
		for (next = fake.ex.extensions; next;) {
			const struct drm_vsvm_user_extension *e =
				(const void *)(uintptr_t)next;

			CHECK(!e->pad, "extension pad");
			if (e->name == DRM_VSVM_EXEC_EXT_GRID) {
				memcpy(&fake.grid, e, sizeof(fake.grid));
				fake.grids++;
			} else if (e->name == DRM_VSVM_EXEC_EXT_USER_FENCE) {
				memcpy(&fake.uf, e, sizeof(fake.uf));
				fake.fences++;
			} else {
				fake.others++;
			}
			next = e->next_extension;
		}
		if (fake.fences && fake.complete) {
			rec = (void *)(uintptr_t)fake.uf.addr;
			rec->status = fake.status;
			__atomic_store_n(&rec->value, fake.uf.value,
					 __ATOMIC_RELEASE);
		}
		fake.ex.seqno = 41 + fake.execs;
		((struct drm_vsvm_exec *)arg)->seqno = fake.ex.seqno;
		return 0;
	}
	if (request == DRM_IOCTL_VSVM_WAIT_USER_FENCE) {
		const struct drm_vsvm_wait_user_fence *w = arg;
		const uint64_t *word = (const void *)(uintptr_t)w->addr;

		CHECK(w->mask && w->op == DRM_VSVM_UFENCE_OP_EQ, "wait op");
		if ((*word & w->mask) == (w->value & w->mask))
			return 0;
		errno = ETIME;
		return -1;
	}
	errno = ENOTTY;
	return -1;
}

drmVersionPtr drmGetVersion(int fd)
{
	(void)fd;
	return NULL;
}

void drmFreeVersion(drmVersionPtr v)
{
	(void)v;
}

int main(void)
{
	struct vsvm v = { .fd = -1 };
	struct drm_vsvm_user_fence_record rec;
	struct vsvm_grid_launch l = {
		.program = 0x10000,
		.local_size = { 64 },
		.num_groups = { 16 },
		.args = { 0xabc0 },
	};
	uint64_t prog[1] = { 0 }, args[2] = { 5, 6 }, seqno = 0;
	int ret;

	/* A 1-D launch: the grid extension and the user fence, no threads. */
	fake.complete = 1;
	ret = vsvm_launch_grid(&v, 3, &l);
	CHECK(!ret, "launch: %d %s", ret, vsvm_error(&v));
	CHECK(fake.execs == 1 && fake.grids == 1 && fake.fences == 1 &&
	      !fake.others, "extensions: %d grid, %d fence, %d other",
	      fake.grids, fake.fences, fake.others);
	CHECK(fake.ex.channel == 3 && fake.ex.program == 0x10000 &&
	      fake.ex.num_threads == 0 && !fake.ex.flags &&
	      !fake.ex.insn_budget, "exec fields");
	CHECK(fake.ex.num_args == 1 && fake.ex.args[0] == 0xabc0 &&
	      !fake.ex.args[1], "args: %u", fake.ex.num_args);
	CHECK(fake.grid.local_size[0] == 64 && fake.grid.local_size[1] == 1 &&
	      fake.grid.local_size[2] == 1 && fake.grid.num_groups[0] == 16 &&
	      fake.grid.num_groups[1] == 1 && fake.grid.num_groups[2] == 1 &&
	      !fake.grid.local_mem_size && !fake.grid.stack_size,
	      "grid fields");
	CHECK(fake.uf.value == 1 && fake.uf.addr && !(fake.uf.addr & 7),
	      "user fence");

	/* Geometry, budget and arguments as given; num_args 0 counts. */
	l.local_size[1] = 2;
	l.local_size[2] = 4;
	l.num_groups[2] = 5;
	l.local_mem_size = 4096;
	l.stack_size = 8192;
	l.insn_budget = 1000;
	l.args[2] = 7;
	ret = vsvm_launch_grid(&v, 3, &l);
	CHECK(!ret && fake.ex.num_args == 3 && fake.ex.args[2] == 7 &&
	      fake.ex.insn_budget == 1000 && fake.grid.local_size[1] == 2 &&
	      fake.grid.local_size[2] == 4 && fake.grid.num_groups[1] == 1 &&
	      fake.grid.num_groups[2] == 5 && fake.grid.local_mem_size == 4096 &&
	      fake.grid.stack_size == 8192, "second launch");
	l.num_args = 5;
	ret = vsvm_launch_grid(&v, 3, &l);
	CHECK(!ret && fake.ex.num_args == 5, "explicit num_args");

	/* The launch's status comes back. */
	fake.status = -EFAULT;
	ret = vsvm_launch_grid(&v, 3, &l);
	CHECK(ret == -EFAULT && strstr(vsvm_error(&v), "launch failed"),
	      "status: %d %s", ret, vsvm_error(&v));
	fake.status = 0;

	/* Refused before the ioctl. */
	fake.execs = 0;
	l.program = 0x10002;
	CHECK(vsvm_launch_grid(&v, 3, &l) == -EINVAL, "misaligned program");
	l.program = 0;
	CHECK(vsvm_launch_grid(&v, 3, &l) == -EINVAL, "no program");
	l.program = 0x10000;
	l.num_args = DRM_VSVM_EXEC_MAX_ARGS + 1;
	CHECK(vsvm_launch_grid(&v, 3, &l) == -EINVAL, "too many args");
	CHECK(!fake.execs, "an ioctl for a refused launch");
	l.num_args = 0;

	/* Async: the fence is the caller's; a wait that times out. */
	fake.complete = 0;
	memset(&rec, 0xff, sizeof(rec));
	ret = vsvm_launch_grid_async(&v, 4, &l, &rec, &seqno);
	CHECK(!ret && seqno == fake.ex.seqno && seqno, "async: %d", ret);
	CHECK(!rec.value && !rec.status && fake.uf.addr == (uintptr_t)&rec,
	      "async fence record");
	CHECK(vsvm_fence_wait(&v, &rec, 0) == -ETIME, "wait before the end");
	rec.status = -ETIMEDOUT;
	rec.value = 1;
	CHECK(vsvm_fence_wait(&v, &rec, 0) == -ETIMEDOUT, "wait after the end");

	/* Without a grid: no extension but the fence, the threads given. */
	fake.complete = 1;
	ret = vsvm_run(&v, 2, prog, 100, args, 2);
	CHECK(!ret && !fake.grids && fake.fences == 1 &&
	      fake.ex.num_threads == 100 && fake.ex.num_args == 2 &&
	      fake.ex.args[1] == 6, "vsvm_run");
	printf("ok\n");
	return 0;
}
