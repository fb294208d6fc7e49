// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm_isolation: a render node is open to every user. A file belongs to
 * one process; its fences outlive it safely; what a file can make the
 * kernel hold is bounded; long ioctls end on a fatal signal; the GPU never
 * reaches memory above its own address space through an alias; GPU work
 * is bounded in time, and every launch reports its own result; a GPU
 * fault that sleeps for ever (a FUSE read nobody answers) stalls only its
 * own file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include <linux/sync_file.h>

#include "vsvm_igt.h"
#include "vsvm_fuse.h"

static int fd = -1;
static uint32_t chan;

/* A memory key of file f's fdinfo ("N", "N KiB" or "N MiB"), in bytes. */
static long long fdinfo_bytes(int f, const char *key)
{
	char path[64], line[256], unit[8];
	size_t len = strlen(key);
	long long v = -1, n;
	FILE *file;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", f);
	file = fopen(path, "r");
	igt_assert(file);
	while (fgets(line, sizeof(line), file)) {
		if (strncmp(line, key, len) || line[len] != ':')
			continue;
		unit[0] = 0;
		igt_assert(sscanf(line + len + 1, "%lld %7s", &n, unit) >= 1);
		v = n << (!strcmp(unit, "KiB") ? 10 : !strcmp(unit, "MiB") ? 20 : 0);
	}
	fclose(file);
	igt_assert_f(v >= 0, "no %s in fdinfo\n", key);
	return v;
}

static void write_knob(const char *path, int v)
{
	FILE *f = fopen(path, "w");

	igt_assert_f(f, "cannot open %s\n", path);
	igt_assert(fprintf(f, "%d\n", v) > 0);
	igt_assert_eq(fclose(f), 0);
}

static int ioctl_errno(int f, unsigned long req, void *arg)
{
	return drmIoctl(f, req, arg) ? errno : 0;
}

static void send_fd(int sock, int f, uint32_t c)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = sizeof(c) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &f, sizeof(int));
	igt_assert_eq(sendmsg(sock, &msg, 0), (ssize_t)sizeof(c));
}

static int recv_fd(int sock, uint32_t *c)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = c, .iov_len = sizeof(*c) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int f;

	if (recvmsg(sock, &msg, 0) != sizeof(*c))
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&f, CMSG_DATA(cm), sizeof(int));
	return f;
}

#define EXPECT(what, got, want) do {					\
	int got_ = (got);						\
	if (got_ != (want)) {						\
		fprintf(stderr, "%s: errno %d, expected %d\n",		\
			(what), got_, (want));				\
		bad++;							\
	}								\
} while (0)

/*
 * In a process that is not the owner of file f (whose channel is c): every
 * ioctl that touches the GPU address space, channels, launches or errors
 * is refused. Returns the number of ioctls that were not.
 */
static int foreign_ioctls(int f, uint32_t c, int svm_errno)
{
	uint64_t prog = prog_store();
	uint64_t *page = calloc(512, 8);
	struct drm_vsvm_get_param gp = { .param = DRM_VSVM_PARAM_VA_BITS };
	struct drm_vsvm_svm_init init = { 0 };
	struct drm_vsvm_svm_bind bind = {
		.va_start = (uintptr_t)page & ~4095UL,
		.va_end = ((uintptr_t)page & ~4095UL) + 4096,
	};
	struct drm_vsvm_channel_create cc = { 0 };
	struct drm_vsvm_channel_destroy cd = { .handle = c };
	struct drm_vsvm_channel_error ce = { .channel = c };
	struct drm_vsvm_exec_grid grid = exec_grid(1);
	struct drm_vsvm_exec ex = {
		.channel = c, .program = prog, .num_args = 2,
		.args = { (uintptr_t)page, 1 }, .extensions = (uintptr_t)&grid,
	};
	int bad = 0;

	EXPECT("GET_PARAM", ioctl_errno(f, DRM_IOCTL_VSVM_GET_PARAM, &gp), 0);
	EXPECT("SVM_INIT", ioctl_errno(f, DRM_IOCTL_VSVM_SVM_INIT, &init),
	       svm_errno);
	EXPECT("SVM_BIND", ioctl_errno(f, DRM_IOCTL_VSVM_SVM_BIND, &bind),
	       EACCES);
	EXPECT("CHANNEL_CREATE",
	       ioctl_errno(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc), EACCES);
	EXPECT("EXEC", ioctl_errno(f, DRM_IOCTL_VSVM_EXEC, &ex), EACCES);
	EXPECT("CHANNEL_ERROR",
	       ioctl_errno(f, DRM_IOCTL_VSVM_CHANNEL_ERROR, &ce), EACCES);
	EXPECT("CHANNEL_DESTROY",
	       ioctl_errno(f, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd), EACCES);
	if (page[0])
		bad++;
	return bad;
}

/* The owner's channel still works: a launch stores and no error. */
static void owner_still_works(int f, uint32_t c)
{
	struct drm_vsvm_channel_error ce = { .channel = c };
	uint64_t prog = prog_store();
	uint64_t *out = calloc(1, 8);
	struct drm_vsvm_channel_destroy cd = { .handle = c };

	igt_assert(out);
	igt_assert_eq(exec_wait(f, c, prog, 1, (uintptr_t)out, 42), 0);
	igt_assert_eq_u64(out[0], 42);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_ERROR, &ce), 0);
	igt_assert_eq(ce.code, DRM_VSVM_CHANNEL_ERR_NONE);
	igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd), 0);
	free(out);
}

static long module_refcnt(void)
{
	return file_long("/sys/module/vsvm/refcnt");
}

static int bind_errno(int f, void *start, size_t len, int write)
{
	struct drm_vsvm_svm_bind b = {
		.header = DRM_VSVM_BIND_OP_MAP | (write ? DRM_VSVM_BIND_WRITE : 0),
		.va_start = (uintptr_t)start,
		.va_end = (uintptr_t)start + len,
	};

	return ioctl_errno(f, DRM_IOCTL_VSVM_SVM_BIND, &b);
}

#define MEMCG_ROOT	"/sys/fs/cgroup"
#define MEMCG_TEST	MEMCG_ROOT "/vsvm-igt"

static void write_file(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");

	igt_assert_f(file, "cannot open %s: %m\n", path);
	igt_assert(fputs(text, file) >= 0);
	igt_assert_eq(fclose(file), 0);
}

/* Move the calling process into cgroup directory @dir. */
static void memcg_enter(const char *dir)
{
	char path[128], pid[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	write_file(path, pid);
}

/* A cgroup with the memory controller, the caller moved into it. */
static void memcg_setup(void)
{
	if (access(MEMCG_ROOT "/cgroup.controllers", F_OK))
		igt_assert_eq(mount("none", MEMCG_ROOT, "cgroup2", 0, NULL), 0);
	write_file(MEMCG_ROOT "/cgroup.subtree_control", "+memory\n");
	igt_assert(!mkdir(MEMCG_TEST, 0755) || errno == EEXIST);
	memcg_enter(MEMCG_TEST);
}

/* The cgroup's kernel memory (memory.stat "kernel"), in bytes. */
static long long memcg_kernel(void)
{
	char line[256];
	long long v = -1;
	FILE *file = fopen(MEMCG_TEST "/memory.stat", "r");

	igt_assert(file);
	while (fgets(line, sizeof(line), file))
		if (!strncmp(line, "kernel ", 7))
			v = strtoll(line + 7, NULL, 10);
	fclose(file);
	igt_assert(v >= 0);
	return v;
}

/* Each thread stores arg1 at arg0 + tid * 2 MiB. */
static uint64_t prog_store_per_window(void)
{
	return igt_kernel("igt_store_per_window");
}

/* BIND the pages around [p, p + len). */
static int bind_around(int f, const void *p, size_t len, int write)
{
	uintptr_t a = (uintptr_t)p & ~4095UL;
	uintptr_t b = ((uintptr_t)p + len + 4095) & ~4095UL;

	return bind_errno(f, (void *)a, b - a, write);
}

/* waitpid() with a deadline: the exit status, or -1 if @s elapse first. */
static int wait_child_for(pid_t pid, double s)
{
	double end = now() + s;
	int status;

	while (now() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		igt_assert(r >= 0);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
		usleep(10000);
	}
	return -1;
}

/*
 * In a child process: a file of its own whose GPU store to fresh memory
 * must be served within 10 s, then closed. 0, or what failed.
 */
static int other_file_served(void)
{
	struct drm_vsvm_svm_init init = { .flags = DRM_VSVM_SVM_INIT_LR_MODE };
	struct drm_vsvm_channel_create cc = { 0 };
	uint64_t store = prog_store();
	uint64_t *buf = calloc(512, 8);
	ufence_t rec = { 0 };
	struct drm_vsvm_exec_grid grid = exec_grid(1);
	struct drm_vsvm_exec_user_fence uf = {
		.base.next_extension = (uintptr_t)&grid,
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)&rec, .value = 1,
	};
	struct drm_vsvm_exec ex = {
		.program = store, .num_args = 2, .extensions = (uintptr_t)&uf,
	};
	int g = open_vsvm();

	if (g < 0 || !buf || drmIoctl(g, DRM_IOCTL_VSVM_SVM_INIT, &init) ||
	    drmIoctl(g, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc))
		return 1;
	ex.channel = cc.handle;
	ex.args[0] = (uintptr_t)&buf[100];
	ex.args[1] = 0x5e7ed;
	if (drmIoctl(g, DRM_IOCTL_VSVM_EXEC, &ex))
		return 2;
	if (user_fence_wait(g, &rec, 10000000000LL)) {
		fprintf(stderr, "the other file's launch did not end\n");
		return 3;
	}
	if (rec.status)
		return 4;
	if (buf[100] != 0x5e7ed)
		return 5;
	close(g);
	return 0;
}

/* Mount the FUSE file system and map its file, nothing read yet. */
static uint64_t *fuse_file_map(struct vsvm_fuse *fs, int *ff)
{
	uint64_t *map;

	vsvm_fuse_start(fs);
	*ff = open(fs->path, O_RDONLY);
	igt_assert(*ff >= 0);
	map = mmap(NULL, FUSE_FILE_SIZE, PROT_READ, MAP_SHARED, *ff, 0);
	igt_assert(map != MAP_FAILED);
	return map;
}

static void fuse_file_unmap(struct vsvm_fuse *fs, uint64_t *map, int ff)
{
	munmap(map, FUSE_FILE_SIZE);
	close(ff);
	vsvm_fuse_stop(fs);
}

struct submitter {
	int f;
	uint32_t c;
	uint64_t prog;
	uint64_t *out;
	int failures;
};

static void *submit_many(void *arg)
{
	struct submitter *s = arg;
	int i;

	for (i = 0; i < 40; i++) {
		struct drm_vsvm_exec_grid grid = exec_grid(64);
		struct drm_vsvm_exec ex = {
			.channel = s->c, .program = s->prog, .num_args = 2,
			.args = { 200, (uintptr_t)s->out },
			.extensions = (uintptr_t)&grid,
		};

		if (drmIoctl(s->f, DRM_IOCTL_VSVM_EXEC, &ex)) {
			fprintf(stderr, "launch %d: errno %d\n", i, errno);
			s->failures++;
		}
	}
	return NULL;
}

igt_main
{
	igt_fixture {
		fd = open_vsvm();
		igt_require_f(fd >= 0, "no vsvm render node\n");
		close(fd);
		fd = open_svm(&chan);
	}

	igt_describe("A file passed over a UNIX socket (SCM_RIGHTS) stays "
		     "with its owner: every ioctl but GET_PARAM is refused in "
		     "the receiver, and the owner's channel is untouched.");
	igt_subtest("fd-passed-over-socket") {
		int sv[2], f;
		uint32_t c;
		pid_t pid;

		igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			close(sv[0]);
			f = recv_fd(sv[1], &c);
			_exit(f < 0 ? 2 : foreign_ioctls(f, c, EBUSY) ? 1 : 0);
		}
		close(sv[1]);
		f = open_svm(&c);
		send_fd(sv[0], f, c);
		close(sv[0]);
		wait_child_ok(pid);
		owner_still_works(f, c);
		close(f);
	}

	igt_describe("A child after fork() is another process: the file it "
		     "inherits is refused to it as to any other.");
	igt_subtest("fd-inherited-by-fork") {
		uint32_t c;
		int f = open_svm(&c);
		pid_t pid = fork();

		igt_assert(pid >= 0);
		if (pid == 0)
			_exit(foreign_ioctls(f, c, EBUSY) ? 1 : 0);
		wait_child_ok(pid);
		owner_still_works(f, c);
		close(f);
	}

	igt_describe("The first process to call SVM_INIT or CHANNEL_CREATE "
		     "owns the file, whoever opened it.");
	igt_subtest("owner-is-first-user") {
		struct drm_vsvm_svm_init init = { 0 };
		struct drm_vsvm_channel_create cc = { 0 };
		int f = open_vsvm(), g = open_vsvm();
		pid_t pid;

		igt_assert(f >= 0 && g >= 0);
		/* g is bound by CHANNEL_CREATE alone: a child cannot init. */
		igt_assert_eq(drmIoctl(g, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc),
			      0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_vsvm_channel_create cc2 = { 0 };

			if (ioctl_errno(g, DRM_IOCTL_VSVM_SVM_INIT, &init) !=
			    EACCES)
				_exit(1);
			/* f is still free: the child takes it. */
			if (ioctl_errno(f, DRM_IOCTL_VSVM_SVM_INIT, &init) ||
			    ioctl_errno(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc2))
				_exit(2);
			_exit(0);
		}
		wait_child_ok(pid);
		/* The child is gone, and it still owns f. */
		igt_assert_eq(ioctl_errno(f, DRM_IOCTL_VSVM_SVM_INIT, &init),
			      EBUSY);
		cc.handle = 0;
		igt_assert_eq(ioctl_errno(f, DRM_IOCTL_VSVM_CHANNEL_CREATE,
					  &cc), EACCES);
		/* The parent owns g and may still init it. */
		igt_assert_eq(ioctl_errno(g, DRM_IOCTL_VSVM_SVM_INIT, &init), 0);
		close(f);
		close(g);
	}

	igt_describe("A fence exported as a sync_file outlives its channel "
		     "and its file: its status and names stay readable, and it "
		     "holds the module until it is gone.");
	igt_subtest("fence-outlives-channel-and-file") {
		struct sync_fence_info fi = { 0 };
		struct sync_file_info info = {
			.num_fences = 1,
			.sync_fence_info = (uintptr_t)&fi,
		};
		uint64_t prog = prog_store();
		uint64_t *out = calloc(1, 8);
		struct drm_vsvm_channel_destroy cd = { 0 };
		long r0, r1, r2;
		uint32_t c, so;
		int f, sf;

		igt_require(geteuid() == 0);
		igt_assert(out);
		r0 = module_refcnt();
		/* dma-fence out-fences are for fence mode: bind first. */
		f = open_svm_mode(&c, 0);
		igt_assert_eq(kernels_bind(f, 0), 0);
		igt_assert_eq(bind_around(f, out, 8, 1), 0);
		igt_assert_eq(drmSyncobjCreate(f, 0, &so), 0);
		{
			struct drm_vsvm_exec_grid grid = exec_grid(1);
			struct drm_vsvm_exec ex = {
				.channel = c, .flags = DRM_VSVM_EXEC_SYNCOBJ,
				.program = prog, .num_args = 2,
				.args = { (uintptr_t)out, 7 }, .syncobj = so,
				.extensions = (uintptr_t)&grid,
			};

			igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_EXEC, &ex), 0);
		}
		igt_assert_eq(drmSyncobjWait(f, &so, 1, INT64_MAX, 0, NULL), 0);
		igt_assert_eq(drmSyncobjExportSyncFile(f, so, &sf), 0);
		drmSyncobjDestroy(f, so);
		cd.handle = c;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd),
			      0);
		close(f);
		r1 = module_refcnt();
		/* The file's references are gone, the fence's is not. */
		igt_assert_eq(r1, r0 + 1);
		igt_assert_eq(ioctl(sf, SYNC_IOC_FILE_INFO, &info), 0);
		igt_assert_eq(info.status, 1);
		igt_assert_eq(fi.status, 1);
		igt_assert_eq(strcmp(fi.driver_name, "vsvm"), 0);
		igt_assert_eq_u64(out[0], 7);
		close(sf);
		r2 = module_refcnt();
		igt_assert_eq(r2, r0);
		free(out);
	}

	igt_describe("A process killed during a BIND over a huge range, "
		     "unmapped or mapped, dies within a second.");
	igt_subtest("bind-killed-promptly") {
		const size_t big = 8ULL << 30;
		int p[2], status;
		double t0, t;
		pid_t pid;
		char ch;

		igt_assert_eq(pipe(p), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_vsvm_svm_init init = { 0 };
			void *m = mmap(NULL, big, PROT_READ, MAP_PRIVATE |
				       MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			int f = open_vsvm();

			if (m == MAP_FAILED || f < 0 ||
			    drmIoctl(f, DRM_IOCTL_VSVM_SVM_INIT, &init))
				_exit(1);
			if (write(p[1], "r", 1) != 1)
				_exit(1);
			for (;;) {
				/* Almost all unmapped: 2^46 bytes. */
				bind_errno(f, (void *)(1UL << 16),
					   (1UL << 46) - (1UL << 16), 0);
				bind_errno(f, m, big, 0);
			}
		}
		close(p[1]);
		igt_assert_eq(read(p[0], &ch, 1), 1);
		usleep(300000);
		t0 = now();
		igt_assert_eq(kill(pid, SIGKILL), 0);
		while (waitpid(pid, &status, WNOHANG) == 0 && now() - t0 < 5)
			usleep(10000);
		t = now() - t0;
		if (t >= 5)
			igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_info("killed after %.3f s\n", t);
		igt_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		igt_assert_f(t < 1.0, "the killed process took %.3f s to die\n",
			     t);
		close(p[0]);
	}

	igt_describe("A file holds at most 16 channels (-ENOSPC), and one "
		     "freed can be created again.");
	igt_subtest("channel-limit") {
		struct drm_vsvm_channel_destroy cd = { 0 };
		uint32_t handles[17];
		int f = open_vsvm(), n = 0, err = 0;

		igt_assert(f >= 0);
		while (n < 17) {
			struct drm_vsvm_channel_create cc = { 0 };

			err = ioctl_errno(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc);
			if (err)
				break;
			handles[n++] = cc.handle;
		}
		igt_assert_eq(n, 16);
		igt_assert_eq(err, ENOSPC);
		cd.handle = handles[3];
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd),
			      0);
		{
			struct drm_vsvm_channel_create cc = { 0 };

			igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_CREATE,
					       &cc), 0);
		}
		close(f);
	}

	igt_describe("Page tables are bounded per file (debugfs "
		     "page_table_limit, fdinfo drm-vsvm-page-table-limit): a "
		     "BIND past the limit fails with -ENOSPC and the file "
		     "holds no more than the limit; a failed BIND gives back "
		     "the tables it made.");
	igt_subtest("page-table-limit") {
		const size_t len = 64 << 20;
		long saved, t0, t1;
		uint8_t *buf, *hole;
		uint32_t c;
		int f;

		igt_require(geteuid() == 0);
		f = open_svm(&c);
		saved = debugfs_read(f, "page_table_limit");
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-page-table-limit"),
			      saved);

		/* An unmapped range far from anything mapped. */
		hole = mmap(NULL, 4 << 20, PROT_NONE, MAP_PRIVATE |
			    MAP_ANONYMOUS, -1, 0);
		igt_assert(hole != MAP_FAILED);
		igt_assert_eq(munmap(hole, 4 << 20), 0);
		t0 = fdinfo_value(f, "drm-vsvm-page-tables");
		igt_assert_eq(bind_errno(f, hole, 4 << 20, 0), EFAULT);
		t1 = fdinfo_value(f, "drm-vsvm-page-tables");
		igt_assert_eq(t1, t0);

		buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			   MAP_ANONYMOUS, -1, 0);
		igt_assert(buf != MAP_FAILED);
		memset(buf, 1, len);
		debugfs_write(f, "page_table_limit", 24);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-page-table-limit"), 24);
		igt_assert_eq(bind_errno(f, buf, len, 1), ENOSPC);
		t1 = fdinfo_value(f, "drm-vsvm-page-tables");
		debugfs_write(f, "page_table_limit", saved);
		igt_info("page tables %ld of 24\n", t1);
		igt_assert(t1 <= 24 && t1 > t0);
		/* With the limit back, the same BIND succeeds. */
		igt_assert_eq(bind_errno(f, buf, len, 1), 0);
		igt_assert(fdinfo_value(f, "drm-vsvm-page-tables") > 24);
		munmap(buf, len);
		close(f);
	}

	igt_describe("GPU page tables are charged to the memory cgroup of the "
		     "process that needs them, whether BIND allocates them or "
		     "the fault worker serving its GPU faults does: the "
		     "cgroup's kernel memory grows by at least half the "
		     "page-table memory fdinfo reports (one page bound or "
		     "faulted per 2 MiB window, over 1 GiB each).");
	igt_subtest("page-tables-charged-to-memcg") {
		const size_t len = 1UL << 30, win = 2UL << 20;
		uint64_t prog = prog_store_per_window();
		long long k0, k1, t0, t1;
		uint8_t *bound, *faulted;
		long saved;
		size_t off;
		uint32_t c;
		int f;

		igt_require(geteuid() == 0);
		memcg_setup();
		/* Two 2 MiB aligned ranges, one page touched per window. */
		bound = mmap(NULL, 2 * len + win, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		igt_assert(bound != MAP_FAILED);
		bound = (uint8_t *)(((uintptr_t)bound + win - 1) & ~(win - 1));
		faulted = bound + len;
		igt_assert_eq(madvise(bound, 2 * len, MADV_NOHUGEPAGE), 0);
		/* The CPU's page tables are made before measuring. */
		for (off = 0; off < 2 * len; off += win)
			bound[off] = 1;
		f = open_svm(&c);

		t0 = fdinfo_value(f, "drm-vsvm-page-tables");
		k0 = memcg_kernel();
		for (off = 0; off < len; off += win)
			igt_assert_eq(bind_errno(f, bound + off, 4096, 1), 0);
		t1 = fdinfo_value(f, "drm-vsvm-page-tables");
		k1 = memcg_kernel();
		igt_info("BIND: %lld page-table pages, kernel memory +%lld KiB\n",
			 t1 - t0, (k1 - k0) >> 10);
		igt_assert(t1 - t0 >= (long long)(len / win));
		igt_assert(k1 - k0 >= (t1 - t0) * 4096 / 2);

		t0 = t1;
		k0 = memcg_kernel();
		/*
		 * 512 GPU faults through the emulated IOMMU under KASAN take
		 * close to the 10 s job timeout (README, "Emulation
		 * allowances"); this test is about memory, not time.
		 */
		saved = debugfs_read(f, "job_timeout_ms");
		debugfs_write(f, "job_timeout_ms", 120000);
		igt_assert_eq(launch_status(f, launch_async(f, c, prog,
							    len / win, 0,
							    (uintptr_t)faulted,
							    7)), 0);
		debugfs_write(f, "job_timeout_ms", saved);
		for (off = 0; off < len; off += win)
			igt_assert_eq(faulted[off], 7);
		t1 = fdinfo_value(f, "drm-vsvm-page-tables");
		k1 = memcg_kernel();
		igt_info("faults: %lld page-table pages, kernel memory +%lld KiB\n",
			 t1 - t0, (k1 - k0) >> 10);
		igt_assert(t1 - t0 >= (long long)(len / win));
		igt_assert(k1 - k0 >= (t1 - t0) * 4096 / 2);

		close(f);
		munmap(bound, 2 * len);
		memcg_enter(MEMCG_ROOT);
	}

	igt_describe("EXEC on a full channel waits for a slot instead of "
		     "failing, with two threads submitting at once; every "
		     "launch runs.");
	igt_subtest("exec-waits-for-slot") {
		uint64_t spin = prog_spin();
		struct submitter s[2];
		pthread_t th[2];
		uint64_t store = prog_store();
		uint64_t *last = calloc(1, 8);
		int i, j;

		for (i = 0; i < 2; i++) {
			s[i] = (struct submitter){
				.f = fd, .c = chan, .prog = spin,
				.out = calloc(64, 8),
			};
			igt_assert(s[i].out);
			igt_assert_eq(pthread_create(&th[i], NULL, submit_many,
						     &s[i]), 0);
		}
		for (i = 0; i < 2; i++)
			igt_assert_eq(pthread_join(th[i], NULL), 0);
		/* In order: when this one ends, every launch has. */
		igt_assert_eq(exec_wait(fd, chan, store, 1, (uintptr_t)last, 1),
			      0);
		for (i = 0; i < 2; i++) {
			igt_assert_eq(s[i].failures, 0);
			for (j = 0; j < 64; j++)
				igt_assert_eq_u64(s[i].out[j], j);
			free(s[i].out);
		}
		igt_assert_eq_u64(last[0], 1);
		free(last);
	}

	igt_describe("Memory mapped above the GPU's address space (5-level "
		     "paging) is out of the GPU's reach: BIND and EXEC refuse "
		     "it, a GPU access there faults, and the address it would "
		     "alias to is not mapped to it.");
	igt_subtest("address-above-gpu-va") {
		struct drm_vsvm_get_param gp = { .param = DRM_VSVM_PARAM_VA_BITS };
		uint64_t prog = prog_copy();
		uint64_t *out = calloc(1, 8);
		struct drm_vsvm_channel_error ce;
		uint64_t lo = 0x40000000, hi, *p, *q;

		igt_assert(out);
		igt_assert_eq(drmIoctl(fd, DRM_IOCTL_VSVM_GET_PARAM, &gp), 0);
		hi = (1ULL << gp.value) + lo;
		p = mmap((void *)hi, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		igt_require_f(p != MAP_FAILED,
			      "no address above 2^%" PRIu64 " (no 5-level paging)\n",
			      (uint64_t)gp.value);
		igt_assert_eq_u64((uintptr_t)p, hi);
		p[0] = 0x5ec7e7;
		/* Nothing is mapped at the alias. */
		q = mmap((void *)lo, 4096, PROT_NONE, MAP_PRIVATE |
			 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		igt_assert_eq_u64((uintptr_t)q, lo);
		munmap(q, 4096);

		igt_assert_eq(bind_errno(fd, p, 4096, 0), EINVAL);
		{
			struct drm_vsvm_exec_grid grid = exec_grid(1);
			struct drm_vsvm_exec ex = {
				.channel = chan, .program = hi,
				.extensions = (uintptr_t)&grid,
			};

			igt_assert_eq(ioctl_errno(fd, DRM_IOCTL_VSVM_EXEC, &ex),
				      EINVAL);
		}
		/* The alias faults and reads nothing of p's page. */
		igt_assert_eq(exec_wait(fd, chan, prog, 1, lo, (uintptr_t)out),
			      -EFAULT);
		igt_assert_eq_u64(out[0], 0);
		ce = channel_error(fd, chan);
		igt_assert_eq(ce.code, DRM_VSVM_CHANNEL_ERR_MMU_FAULT);
		igt_assert_eq_u64(ce.address, lo);
		/* p itself is beyond the GPU: a fault at its address. */
		igt_assert_eq(exec_wait(fd, chan, prog, 1, hi, (uintptr_t)out),
			      -EFAULT);
		igt_assert_eq_u64(out[0], 0);
		ce = channel_error(fd, chan);
		igt_assert_eq(ce.code, DRM_VSVM_CHANNEL_ERR_MMU_FAULT);
		igt_assert_eq_u64(ce.address, hi);
		igt_assert_eq_u64(p[0], 0x5ec7e7);
		munmap(p, 4096);
		free(out);
	}

	igt_describe("A launch that runs past the job timeout (debugfs "
		     "job_timeout_ms) is stopped: its fence reports "
		     "-ETIMEDOUT, the channel error is TIMEOUT, and the "
		     "channel runs its next launch.");
	igt_subtest("job-timeout") {
		uint64_t forever = prog_forever(), store = prog_store();
		uint64_t *out = calloc(1, 8);
		struct drm_vsvm_channel_error e;
		ufence_t *so, *so2;
		double t0, t;
		long saved;

		igt_require(geteuid() == 0);
		igt_assert(out);
		saved = debugfs_read(fd, "job_timeout_ms");
		debugfs_write(fd, "job_timeout_ms", 300);
		t0 = now();
		so = launch_async(fd, chan, forever, 2,
				    DRM_VSVM_EXEC_MAX_INSN_BUDGET, 0, 0);
		so2 = launch_async(fd, chan, store, 1, 0, (uintptr_t)out, 9);
		igt_assert_eq(launch_status(fd, so), -ETIMEDOUT);
		t = now() - t0;
		debugfs_write(fd, "job_timeout_ms", saved);
		igt_info("timed out after %.3f s\n", t);
		igt_assert_f(t < 5.0, "the launch took %.3f s to stop\n", t);
		igt_assert_eq(launch_status(fd, so2), 0);
		igt_assert_eq_u64(out[0], 9);
		e = channel_error(fd, chan);
		igt_assert_eq(e.code, DRM_VSVM_CHANNEL_ERR_TIMEOUT);
		free(out);
	}

	igt_describe("Each launch's fence carries its own result: two "
		     "failing launches back to back (illegal instruction, "
		     "then faulting stores) both fail, and the good one after "
		     "them succeeds, while the channel error keeps the first "
		     "error, with the pc of the instruction that failed.");
	igt_subtest("each-launch-own-status") {
		uint64_t store = prog_store();
		uint64_t illegal = igt_kernel("igt_illegal");
		uint64_t *out = calloc(1, 8);
		uint64_t *hole = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE |
				      MAP_ANONYMOUS, -1, 0);
		struct drm_vsvm_channel_error e;
		ufence_t *so[3];
		int round;

		igt_assert(out && hole != MAP_FAILED);
		munmap(hole, 8192);
		for (round = 0; round < 10; round++) {
			bool fault = round & 1;
			uint64_t bad = fault ? store : illegal;
			int err = fault ? -EFAULT : -EIO;

			so[0] = launch_async(fd, chan, bad, 1, 0,
					       (uintptr_t)hole, 1);
			so[1] = launch_async(fd, chan, bad, 1, 0,
					       (uintptr_t)hole + 4096, 2);
			so[2] = launch_async(fd, chan, store, 1, 0,
					       (uintptr_t)out, 3 + round);
			igt_assert_eq(launch_status(fd, so[0]), err);
			igt_assert_eq(launch_status(fd, so[1]), err);
			igt_assert_eq(launch_status(fd, so[2]), 0);
			igt_assert_eq_u64(out[0], 3 + round);
			e = channel_error(fd, chan);
			igt_assert_eq(e.code, fault ?
				      DRM_VSVM_CHANNEL_ERR_MMU_FAULT :
				      DRM_VSVM_CHANNEL_ERR_ILLEGAL);
			/* The first error's pc: so[0]'s store, or UNIMP. */
			igt_assert_f(!strcmp(kernel_at(e.pc), fault ?
					     "igt_store" : "igt_illegal"),
				     "error pc %#" PRIx64 " in %s\n",
				     (uint64_t)e.pc, kernel_at(e.pc));
			if (fault)
				igt_assert_eq_u64(e.address, (uintptr_t)hole);
			else
				igt_assert_eq_u32(*(uint32_t *)(uintptr_t)e.pc,
						  RV_UNIMP);
		}
		free(out);
	}

	igt_describe("Closing a file stops its launches (running and "
		     "queued) instead of waiting for them to end: close() "
		     "returns within a second, and the device keeps working.");
	igt_subtest("close-stops-launches") {
		uint64_t forever = prog_forever(), store = prog_store();
		uint64_t *out = calloc(1, 8);
		ufence_t *uf[4];
		uint32_t c;
		int f, i;

		igt_assert(out);
		f = open_svm(&c);
		for (i = 0; i < 4; i++)
			uf[i] = launch_async(f, c, forever, 4,
					     DRM_VSVM_EXEC_MAX_INSN_BUDGET, 0, 0);
		usleep(100000);
		close_within_a_second(f);
		/* Their user fences are still written, with the reason. */
		for (i = 0; i < 4; i++)
			igt_assert_eq(launch_status_polled(uf[i]), -ECANCELED);
		igt_assert_eq(exec_wait(fd, chan, store, 1, (uintptr_t)out, 5),
			      0);
		igt_assert_eq_u64(out[0], 5);
		free(out);
	}

	igt_describe("fdinfo has the standard keys: drm-engine-compute grows "
		     "by at least the time a launch was in flight, and the "
		     "page tables show as resident system memory.");
	igt_subtest("fdinfo-standard-keys") {
		uint64_t forever = prog_forever();
		long long e0, e1, tables, total, resident;
		double t0, t;
		ufence_t *so;

		e0 = fdinfo_value(fd, "drm-engine-compute");
		igt_assert(e0 >= 0);
		t0 = now();
		so = launch_async(fd, chan, forever, 1, 200000, 0, 0);
		igt_assert_eq(launch_status(fd, so), -EIO);	/* budget */
		t = now() - t0;
		e1 = fdinfo_value(fd, "drm-engine-compute");
		igt_info("engine %lld ns for a launch of %.3f s\n", e1 - e0, t);
		igt_assert(e1 - e0 > 0);
		igt_assert(e1 - e0 <= (long long)(t * 1e9) + 1000000);
		tables = fdinfo_value(fd, "drm-vsvm-page-tables");
		total = fdinfo_bytes(fd, "drm-total-system");
		resident = fdinfo_bytes(fd, "drm-resident-system");
		igt_assert(tables > 0);
		igt_assert_eq(total, tables * 4096);
		igt_assert_eq(resident, total);
		igt_assert_eq(fdinfo_value(fd, "drm-vsvm-device-fault-overflows"),
			      -1);
	}

	igt_describe("A TLB invalidation whose GPU accesses never drain (fault "
		     "injection: an access stuck in a running launch) is a "
		     "device error, not a page given back under the GPU: "
		     "munmap() stops the file's channels and returns, the "
		     "launch fails with -ECANCELED, the channel error is "
		     "KILLED, and a new channel works.");
	igt_subtest("tlb-flush-timeout-stops-gpu") {
		const char *knob = "/sys/module/vsvm_hw/parameters/inject_stuck_access";
		uint64_t forever = prog_forever(), store = prog_store();
		struct drm_vsvm_channel_destroy cd = { 0 };
		struct drm_vsvm_channel_error e;
		uint64_t *buf, *out = calloc(1, 8);
		double t0, t;
		ufence_t *so;
		uint32_t c, c2;
		int f;

		igt_require(geteuid() == 0 && access(knob, W_OK) == 0);
		igt_assert(out);
		f = open_svm(&c);
		buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			   MAP_ANONYMOUS, -1, 0);
		igt_assert(buf != MAP_FAILED);
		/* The GPU maps buf, then runs for ever. */
		igt_assert_eq(exec_wait(f, c, store, 1, (uintptr_t)buf, 1), 0);
		so = launch_async(f, c, forever, 1,
				    DRM_VSVM_EXEC_MAX_INSN_BUDGET, 0, 0);
		usleep(200000);
		write_knob(knob, 1);
		t0 = now();
		igt_assert_eq(munmap(buf, 4096), 0);
		t = now() - t0;
		write_knob(knob, 0);
		igt_info("munmap took %.3f s\n", t);
		igt_assert_f(t < 5.0, "munmap took %.3f s\n", t);
		igt_assert_eq(launch_status(f, so), -ECANCELED);
		e = channel_error(f, c);
		igt_assert_eq(e.code, DRM_VSVM_CHANNEL_ERR_KILLED);
		/* The stopped channel takes no launch; a new one works. */
		igt_assert_eq(exec_wait(f, c, store, 1, (uintptr_t)out, 2),
			      -ECANCELED);
		igt_assert_eq_u64(out[0], 0);
		cd.handle = c;
		igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd),
			      0);
		{
			struct drm_vsvm_channel_create cc = { 0 };

			igt_assert_eq(drmIoctl(f, DRM_IOCTL_VSVM_CHANNEL_CREATE,
					       &cc), 0);
			c2 = cc.handle;
		}
		igt_assert_eq(exec_wait(f, c2, store, 1, (uintptr_t)out, 3), 0);
		igt_assert_eq_u64(out[0], 3);
		close(f);
		free(out);
	}

	igt_describe("A GPU fault on a FUSE page whose read the server holds "
		     "stalls only its own file: another process's file has its "
		     "GPU faults served and closes meanwhile; once the read is "
		     "answered, the stalled launch completes with the file's "
		     "data.");
	igt_subtest("fault-stuck-in-fuse-stalls-only-its-file") {
		uint64_t copy = prog_copy();
		uint64_t *out = calloc(1, 8), *map;
		bool held, pending;
		struct vsvm_fuse fs;
		int ff, f, other = -1, status, go[2];
		ufence_t *so;
		uint32_t c;
		long saved;
		pid_t pid;
		char b;

		igt_require(geteuid() == 0);
		igt_assert(out);
		map = fuse_file_map(&fs, &ff);
		/* The stalled launch must not be ended by the job timeout. */
		saved = debugfs_read(fd, "job_timeout_ms");
		debugfs_write(fd, "job_timeout_ms", 120000);
		/*
		 * The other process first: while its fault is stuck, the
		 * fault worker holds this process's mmap lock (as
		 * hmm_range_fault() must), so this process can neither fork
		 * nor grow its heap until the read is answered.
		 */
		igt_assert_eq(pipe(go), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0)
			_exit(read(go[0], &b, 1) == 1 ? other_file_served() : 9);
		f = open_svm(&c);
		so = launch_async(f, c, copy, 1, 0, (uintptr_t)&map[1],
				  (uintptr_t)out);
		held = vsvm_fuse_wait_held(&fs, 20000);
		if (held) {
			igt_assert_eq(write(go[1], "g", 1), 1);
			other = wait_child_for(pid, 30);
		}
		pending = user_fence_wait(f, so, 0) == -ETIME;
		/* Whatever happened, let everything go before judging. */
		vsvm_fuse_release(&fs);
		close(go[1]);
		close(go[0]);
		if (other < 0)
			igt_assert_eq(waitpid(pid, &status, 0), pid);
		status = launch_status(f, so);
		debugfs_write(fd, "job_timeout_ms", saved);
		close(f);
		fuse_file_unmap(&fs, map, ff);
		igt_assert_f(held, "the GPU fault never reached the FUSE read\n");
		igt_assert_f(other == 0,
			     "another file was not served or did not close "
			     "(%d)\n", other);
		igt_assert_f(pending, "the stalled launch ended early\n");
		igt_assert_eq(status, 0);
		igt_assert_eq_u64(out[0], fuse_word(8));
		free(out);
	}

	igt_describe("Closing a file whose GPU fault is stuck in a FUSE read "
		     "returns at once; the file is freed (its module reference "
		     "dropped) when the read is answered.");
	igt_subtest("close-while-fault-stuck-in-fuse") {
		uint64_t copy = prog_copy();
		uint64_t *out = calloc(1, 8), *map;
		int ff, go[2], done[2], st;
		struct vsvm_fuse fs;
		bool held, closed;
		struct pollfd p;
		long saved, r0;
		double t0;
		pid_t pid;
		char b;

		igt_require(geteuid() == 0);
		igt_assert(out);
		r0 = module_refcnt();
		map = fuse_file_map(&fs, &ff);
		saved = debugfs_read(fd, "job_timeout_ms");
		debugfs_write(fd, "job_timeout_ms", 120000);
		igt_assert_eq(pipe(go), 0);
		igt_assert_eq(pipe(done), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_vsvm_svm_init init = {
				.flags = DRM_VSVM_SVM_INIT_LR_MODE,
			};
			struct drm_vsvm_channel_create cc = { 0 };
			struct drm_vsvm_exec_grid grid = exec_grid(1);
			struct drm_vsvm_exec ex = {
				.program = copy, .num_args = 2,
				.args = { (uintptr_t)&map[1], (uintptr_t)out },
				.extensions = (uintptr_t)&grid,
			};
			int g = open_vsvm();

			if (g < 0 || drmIoctl(g, DRM_IOCTL_VSVM_SVM_INIT, &init) ||
			    drmIoctl(g, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc))
				_exit(1);
			ex.channel = cc.handle;
			if (drmIoctl(g, DRM_IOCTL_VSVM_EXEC, &ex))
				_exit(2);
			if (read(go[0], &b, 1) != 1)
				_exit(3);
			close(g);
			_exit(write(done[1], "c", 1) == 1 ? 0 : 4);
		}
		held = vsvm_fuse_wait_held(&fs, 20000);
		igt_assert_eq(write(go[1], "g", 1), 1);
		t0 = now();
		p.fd = done[0];
		p.events = POLLIN;
		closed = poll(&p, 1, 20000) == 1 && read(done[0], &b, 1) == 1;
		t0 = now() - t0;
		vsvm_fuse_release(&fs);
		igt_info("close took %.3f s\n", t0);
		st = wait_child_for(pid, 60);
		debugfs_write(fd, "job_timeout_ms", saved);
		fuse_file_unmap(&fs, map, ff);
		igt_assert_f(held, "the GPU fault never reached the FUSE read\n");
		igt_assert_f(closed, "close waited for the stalled fault\n");
		igt_assert_eq(st, 0);
		/* The worker frees the file once its fault returns. */
		t0 = now();
		while (module_refcnt() != r0 && now() - t0 < 10)
			usleep(10000);
		igt_assert_eq(module_refcnt(), r0);
		close(go[0]);
		close(go[1]);
		close(done[0]);
		close(done[1]);
		free(out);
	}

	igt_fixture {
		close(fd);
	}
}
