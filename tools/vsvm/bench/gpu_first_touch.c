// SPDX-License-Identifier: GPL-2.0
/*
 * gpu-first-touch: the cost of the SVM fault path, measured against the CPU
 * doing the same thing, in one boot.
 *
 *   gpu-first-touch [-s MiB[,MiB...]] [-r REPS] [-o OUT.json]
 *
 * For each size: a GPU program writes one word in every page of a fresh
 * mmap()ed buffer (one thread per page), against the CPU writing one word
 * per page of a fresh buffer (a CPU page fault per page); with 4 KiB pages
 * and with THP. The same GPU run with the driver's fault batches limited to
 * one fault (module parameter fault_batch_max), and with fault-ahead off
 * (fault_ahead_kib = 4). munmap() of a GPU-mirrored
 * buffer against one the GPU never saw. Every GPU run's data is checked;
 * the fault statistics come from the file's fdinfo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>
#include <drm/vsvm_drm.h>

#define PAGE		4096UL
#define PMD_SZ		(2UL << 20)
#define MAX_REPS	16
#define PARAM_DIR	"/sys/module/vsvm/parameters/"

static int fd;
static uint32_t chan;
static uint64_t *prog;

static uint64_t insn(unsigned int op, unsigned int rd, unsigned int ra,
		     unsigned int rb, int32_t imm)
{
	return (uint64_t)op | (uint64_t)rd << 8 | (uint64_t)ra << 16 |
	       (uint64_t)rb << 24 | (uint64_t)(uint32_t)imm << 32;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "gpu-first-touch: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_vsvm(void)
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
		if (v && !strcmp(v->name, "vsvm")) {
			drmFreeVersion(v);
			return f;
		}
		if (v)
			drmFreeVersion(v);
		close(f);
	}
	return -1;
}

static long long fdinfo(const char *key)
{
	char path[64], line[256];
	size_t len = strlen(key);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		die("fdinfo");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			v = strtoll(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Launch one thread per page of buf and wait; the fence must succeed. */
static void gpu_touch(void *buf, size_t len)
{
	struct drm_vsvm_exec ex = {
		.channel = chan,
		.flags = DRM_VSVM_EXEC_SYNCOBJ,
		.program = (uintptr_t)prog,
		.num_threads = len / PAGE,
		.num_args = 1,
		.args = { (uintptr_t)buf },
	};
	uint32_t so;

	if (drmSyncobjCreate(fd, 0, &so))
		die("syncobj");
	ex.syncobj = so;
	if (drmIoctl(fd, DRM_IOCTL_VSVM_EXEC, &ex))
		die("exec");
	if (drmSyncobjWait(fd, &so, 1, INT64_MAX,
			   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL))
		die("wait");
	drmSyncobjDestroy(fd, so);
}

static void *fresh(size_t len, int thp)
{
	char *raw = mmap(NULL, len + PMD_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		die("mmap");
	p = (char *)(((uintptr_t)raw + PMD_SZ - 1) & ~(PMD_SZ - 1));
	if (madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise");
	return p;
}

/* Whole mapping of a fresh() buffer (it was over-allocated to align). */
static void release(void *p, size_t len)
{
	munmap(p, len);
}

static void check(const void *buf, size_t len)
{
	const char *p = buf;
	size_t i;

	for (i = 0; i < len / PAGE; i++) {
		if (*(const uint64_t *)(p + i * PAGE) != i) {
			fprintf(stderr, "gpu-first-touch: page %zu holds %" PRIu64 "\n",
				i, *(const uint64_t *)(p + i * PAGE));
			exit(1);
		}
	}
}

static const char *const keys[] = {
	"drm-vsvm-faults", "drm-vsvm-batches", "drm-vsvm-replays",
	"drm-vsvm-hmm-calls", "drm-vsvm-pages-4k", "drm-vsvm-pages-2m",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* A driver tunable for one run of the benchmark. */
struct variant {
	const char *name;	/* "default", "batch1", "ahead-off" */
	const char *param;	/* module parameter, or NULL */
	const char *value;
	const char *restore;
};

static const struct variant v_default = { "default", NULL, NULL, NULL };
static const struct variant v_batch1 = {
	"batch1", "fault_batch_max", "1", "256",
};
static const struct variant v_ahead_off = {
	"ahead-off", "fault_ahead_kib", "4", "256",
};

static int set_param(const char *param, const char *val)
{
	char path[128];
	int f, ok;

	snprintf(path, sizeof(path), PARAM_DIR "%s", param);
	f = open(path, O_WRONLY);

	if (f < 0)
		return -1;
	ok = write(f, val, strlen(val)) == (ssize_t)strlen(val);
	close(f);
	return ok ? 0 : -1;
}

/* One row: CPU first touch vs GPU first touch of len bytes. */
static void first_touch(FILE *out, size_t len, int thp, int reps,
			const struct variant *v, int *first)
{
	uint64_t cpu[MAX_REPS], gpu[MAX_REPS], t;
	long long before[NKEYS], delta[NKEYS] = { 0 };
	unsigned int k;
	size_t i;
	int r;

	if (v->param && set_param(v->param, v->value))
		die(v->param);
	for (r = 0; r < reps; r++) {
		char *c = fresh(len, thp), *g;

		t = now_ns();
		for (i = 0; i < len; i += PAGE)
			*(uint64_t *)(c + i) = i / PAGE;
		cpu[r] = now_ns() - t;
		release(c, len);

		g = fresh(len, thp);
		for (k = 0; k < NKEYS; k++)
			before[k] = fdinfo(keys[k]);
		t = now_ns();
		gpu_touch(g, len);
		gpu[r] = now_ns() - t;
		for (k = 0; k < NKEYS; k++)
			delta[k] += fdinfo(keys[k]) - before[k];
		check(g, len);
		release(g, len);
	}
	if (v->param && set_param(v->param, v->restore))
		die(v->param);

	fprintf(out, "%s  {\"kind\": \"first-touch\", \"bytes\": %zu, \"thp\": %d, \"variant\": \"%s\"",
		*first ? "" : ",\n", len, thp, v->name);
	fprintf(out, ", \"cpu\": [");
	for (r = 0; r < reps; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", cpu[r]);
	fprintf(out, "], \"gpu\": [");
	for (r = 0; r < reps; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", gpu[r]);
	fprintf(out, "]");
	for (k = 0; k < NKEYS; k++)
		fprintf(out, ", \"%s\": %lld", keys[k] + 9, delta[k] / reps);
	fprintf(out, "}");
	*first = 0;
	printf("gpu-first-touch: %zu MiB %s %s: checked, %lld faults, %lld batches, %lld hmm calls, %lld 2M PTEs per run\n",
	       len >> 20, thp ? "THP" : "4K", v->name,
	       delta[0] / reps, delta[1] / reps, delta[3] / reps, delta[5] / reps);
}

/* munmap() of a GPU-mirrored buffer vs one only the CPU touched. */
static void unmap_cost(FILE *out, size_t len, int reps, int *first)
{
	uint64_t mirrored[MAX_REPS], plain[MAX_REPS], t;
	size_t i;
	int r;

	for (r = 0; r < reps; r++) {
		char *a = fresh(len, 0), *b = fresh(len, 0);

		gpu_touch(a, len);
		for (i = 0; i < len; i += PAGE)
			*(uint64_t *)(b + i) = i / PAGE;
		t = now_ns();
		munmap(a, len);
		mirrored[r] = now_ns() - t;
		t = now_ns();
		munmap(b, len);
		plain[r] = now_ns() - t;
	}
	fprintf(out, "%s  {\"kind\": \"munmap\", \"bytes\": %zu, \"mirrored\": [",
		*first ? "" : ",\n", len);
	for (r = 0; r < reps; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", mirrored[r]);
	fprintf(out, "], \"plain\": [");
	for (r = 0; r < reps; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", plain[r]);
	fprintf(out, "]}");
	*first = 0;
	printf("gpu-first-touch: munmap %zu MiB measured\n", len >> 20);
}

int main(int argc, char **argv)
{
	struct drm_vsvm_svm_init init = { 0 };
	struct drm_vsvm_channel_create cc = { 0 };
	char sizes_arg[128] = "64,1024", *tok, *save;
	const char *path = NULL;
	int reps = 3, opt, first = 1;
	size_t big = 0, len;
	FILE *out;

	while ((opt = getopt(argc, argv, "s:r:o:")) != -1) {
		switch (opt) {
		case 's':
			snprintf(sizes_arg, sizeof(sizes_arg), "%s", optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s MiB,...] [-r reps] [-o out.json]\n",
				argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS)
		return 2;
	fd = open_vsvm();
	if (fd < 0) {
		fprintf(stderr, "gpu-first-touch: no vsvm device\n");
		return 1;
	}
	if (drmIoctl(fd, DRM_IOCTL_VSVM_SVM_INIT, &init) ||
	    drmIoctl(fd, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc))
		die("svm init");
	chan = cc.handle;
	prog = aligned_alloc(64, 8 * 8);
	if (!prog)
		die("alloc");
	prog[0] = insn(0x33, 1, 0, 0, 0);	/* S2R r1, TID */
	prog[1] = insn(0x26, 2, 1, 0, 12);	/* SHLI r2 = tid << 12 */
	prog[2] = insn(0x34, 3, 0, 0, 0);	/* LDARG r3 = buf */
	prog[3] = insn(0x10, 3, 3, 2, 0);	/* ADD r3 += r2 */
	prog[4] = insn(0x4a, 0, 3, 1, 0);	/* ST64 [r3] = tid */
	prog[5] = insn(0x01, 0, 0, 0, 0);	/* EXIT */

	out = path ? fopen(path, "w") : stdout;
	if (!out)
		die(path);
	fprintf(out, "[\n");
	for (tok = strtok_r(sizes_arg, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		len = strtoul(tok, NULL, 0) << 20;
		if (!len || len % PMD_SZ) {
			fprintf(stderr, "gpu-first-touch: sizes are multiples of 2 MiB\n");
			return 2;
		}
		first_touch(out, len, 0, reps, &v_default, &first);
		first_touch(out, len, 1, reps, &v_default, &first);
		if (len > big)
			big = len;
	}
	len = big < (64UL << 20) ? big : 64UL << 20;
	first_touch(out, len, 0, reps, &v_batch1, &first);
	first_touch(out, len, 0, reps, &v_ahead_off, &first);
	unmap_cost(out, big, reps, &first);
	fprintf(out, "\n]\n");
	if (path)
		fclose(out);
	close(fd);
	return 0;
}
