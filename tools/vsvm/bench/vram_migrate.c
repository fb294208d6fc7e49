// SPDX-License-Identifier: GPL-2.0
/*
 * vram-migrate: migration to the GPU's VRAM and back, measured against
 * memcpy() of the same bytes, and in 2 MiB steps against 4 KiB steps, in
 * one boot.
 *
 *   vram-migrate [-s MiB] [-p MiB] [-r REPS] [-o OUT.json]
 *
 * Each repetition fills two fresh buffers on the CPU, then, in an order
 * that alternates between repetitions (odd ones run the even ones'
 * backwards): DRM_VSVM_BIND_OP_MIGRATE of the -s buffer to VRAM in one
 * call (the kernel moves it one 2 MiB window at a time), the same back to
 * system memory; memcpy() of that buffer into another (prefaulted) one;
 * the round trip of the -p buffer (default 8 MiB, at most -s; 0: none)
 * one call per 4 KiB page. Every migration copies with the GPU's copy
 * engine and then maps its range for the GPU, as the ioctl does. The data
 * of both buffers is checked word by word after each repetition.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "libvsvm.h"

#define PAGE		4096UL
#define MAX_REPS	16
/* Added to the fill pattern of the 4 KiB-step buffer. */
#define SEED_4K		(1ULL << 32)

static struct vsvm *gpu;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "vram-migrate: %s: %s\n", what,
		gpu && *vsvm_error(gpu) ? vsvm_error(gpu) : strerror(errno));
	exit(1);
}

static uint64_t *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	/* 4 KiB pages: the migration path this measures. */
	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise");
	return p;
}

/* debugfs vram_pages_used of the device. */
static long vram_pages_used(void)
{
	char path[128];
	struct stat st;
	long v = -1;
	FILE *f;

	if (fstat(vsvm_fd(gpu), &st))
		die("fstat");
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/vram_pages_used",
		 minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &v) != 1)
		die(path);
	fclose(f);
	return v;
}

static void fill(uint64_t *buf, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		buf[i] = i * 0x9e3779b97f4a7c15ULL + seed;
}

static int check(const uint64_t *buf, size_t len, uint64_t seed,
		 const char *what)
{
	size_t i;

	for (i = 0; i < len / 8; i++) {
		if (buf[i] != i * 0x9e3779b97f4a7c15ULL + seed) {
			fprintf(stderr, "vram-migrate: %s: word %zu is wrong\n",
				what, i);
			return -1;
		}
	}
	return 0;
}

/*
 * buf to VRAM and back, one DRM_VSVM_BIND_OP_MIGRATE per step bytes (len
 * for one call), each direction timed; every page must move.
 */
static int round_trip(uint64_t *buf, size_t len, size_t step,
		      uint64_t *to_vram, uint64_t *to_ram)
{
	char *p = (char *)buf;
	long used = vram_pages_used();
	uint64_t t;
	size_t off;

	t = now_ns();
	for (off = 0; off < len; off += step)
		if (vsvm_migrate(gpu, p + off, step, 1))
			die("migrate to VRAM");
	*to_vram = now_ns() - t;
	if (vram_pages_used() - used != (long)(len / PAGE)) {
		fprintf(stderr, "vram-migrate: %ld of %zu pages went to VRAM (%zu KiB steps)\n",
			vram_pages_used() - used, len / PAGE, step >> 10);
		return -1;
	}
	t = now_ns();
	for (off = 0; off < len; off += step)
		if (vsvm_migrate(gpu, p + off, step, 0))
			die("migrate to system memory");
	*to_ram = now_ns() - t;
	if (vram_pages_used() != used) {
		fprintf(stderr, "vram-migrate: pages left in VRAM (%zu KiB steps)\n",
			step >> 10);
		return -1;
	}
	return 0;
}

static void print_list(FILE *out, const char *key, const uint64_t *v,
		       int n)
{
	int r;

	fprintf(out, ", \"%s\": [", key);
	for (r = 0; r < n; r++)
		fprintf(out, "%s%" PRIu64, r ? ", " : "", v[r]);
	fprintf(out, "]");
}

int main(int argc, char **argv)
{
	uint64_t to_vram[MAX_REPS], to_ram[MAX_REPS], copy[MAX_REPS], t;
	uint64_t to_vram_4k[MAX_REPS], to_ram_4k[MAX_REPS];
	size_t mib = 64, mib_4k = 8, len, len_4k;
	const char *path = NULL;
	uint64_t *buf, *dst, *buf_4k = NULL;
	int reps = 3, opt, r, ret;
	FILE *out;

	while ((opt = getopt(argc, argv, "s:p:r:o:")) != -1) {
		switch (opt) {
		case 's':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			mib_4k = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s MiB] [-p MiB] [-r reps] [-o out.json]\n",
				argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS || !mib || mib % 2)
		return 2;
	len = mib << 20;
	/* One ioctl per page is slow under emulation: a smaller buffer. */
	len_4k = (mib_4k < mib ? mib_4k : mib) << 20;
	ret = vsvm_open(&gpu);
	if (ret) {
		fprintf(stderr, "vram-migrate: no vsvm device: %s\n",
			strerror(-ret));
		return 1;
	}
	if (vsvm_svm_init(gpu, 0, 0))
		die("svm init");

	dst = map_anon(len);
	memset(dst, 0, len);
	for (r = 0; r < reps; r++) {
		buf = map_anon(len);
		fill(buf, len, r);
		if (len_4k) {
			buf_4k = map_anon(len_4k);
			fill(buf_4k, len_4k, r + SEED_4K);
		}
		if (r % 2) {
			if (len_4k && round_trip(buf_4k, len_4k, PAGE,
						 &to_vram_4k[r], &to_ram_4k[r]))
				return 1;
			t = now_ns();
			memcpy(dst, buf, len);
			copy[r] = now_ns() - t;
		}
		if (round_trip(buf, len, len, &to_vram[r], &to_ram[r]))
			return 1;
		if (!(r % 2)) {
			t = now_ns();
			memcpy(dst, buf, len);
			copy[r] = now_ns() - t;
			if (len_4k && round_trip(buf_4k, len_4k, PAGE,
						 &to_vram_4k[r], &to_ram_4k[r]))
				return 1;
		}
		if (check(buf, len, r, "2 MiB steps") ||
		    check(dst, len, r, "memcpy() copy") ||
		    (len_4k && check(buf_4k, len_4k, r + SEED_4K, "4 KiB steps")))
			return 1;
		munmap(buf, len);
		if (len_4k)
			munmap(buf_4k, len_4k);
	}

	out = path ? fopen(path, "w") : stdout;
	if (!out)
		die(path);
	fprintf(out, "[\n  {\"kind\": \"migrate\", \"bytes\": %zu", len);
	print_list(out, "to-vram", to_vram, reps);
	print_list(out, "to-ram", to_ram, reps);
	print_list(out, "memcpy", copy, reps);
	if (len_4k) {
		fprintf(out, ", \"bytes-4k\": %zu", len_4k);
		print_list(out, "to-vram-4k", to_vram_4k, reps);
		print_list(out, "to-ram-4k", to_ram_4k, reps);
	}
	fprintf(out, "}\n]\n");
	if (path)
		fclose(out);
	printf("vram-migrate: %zu MiB to VRAM and back in one call, %zu MiB in 4 KiB calls, %d repetitions, data checked\n",
	       mib, len_4k >> 20, reps);
	vsvm_close(gpu);
	return 0;
}
