// SPDX-License-Identifier: GPL-2.0
/*
 * vram-migrate: migration to the GPU's VRAM and back, measured against
 * memcpy() of the same bytes, in one boot.
 *
 *   vram-migrate [-s MiB] [-r REPS] [-o OUT.json]
 *
 * Each repetition fills a fresh buffer on the CPU, then, in an order that
 * alternates between repetitions: memcpy() of the buffer into another
 * (prefaulted) one; DRM_VSVM_BIND_OP_MIGRATE of the buffer to VRAM; the
 * same back to system memory. Both migrations copy with the GPU's copy
 * engine and then map the range for the GPU, as the ioctl does. The data
 * is checked after the round trip.
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

#define MAX_REPS	16

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
	const char *path = NULL;
	size_t mib = 64, len, i;
	uint64_t *buf, *dst;
	int reps = 3, opt, r, ret;
	long used;
	FILE *out;

	while ((opt = getopt(argc, argv, "s:r:o:")) != -1) {
		switch (opt) {
		case 's':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s MiB] [-r reps] [-o out.json]\n",
				argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS || !mib || mib % 2)
		return 2;
	len = mib << 20;
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
		for (i = 0; i < len / 8; i++)
			buf[i] = i * 0x9e3779b97f4a7c15ULL + r;
		if (r % 2) {
			t = now_ns();
			memcpy(dst, buf, len);
			copy[r] = now_ns() - t;
		}
		used = vram_pages_used();
		t = now_ns();
		if (vsvm_migrate(gpu, buf, len, 1))
			die("migrate to VRAM");
		to_vram[r] = now_ns() - t;
		if (vram_pages_used() - used != (long)(len >> 12)) {
			fprintf(stderr, "vram-migrate: %ld of %zu pages went to VRAM\n",
				vram_pages_used() - used, len >> 12);
			return 1;
		}
		t = now_ns();
		if (vsvm_migrate(gpu, buf, len, 0))
			die("migrate to system memory");
		to_ram[r] = now_ns() - t;
		if (vram_pages_used() != used) {
			fprintf(stderr, "vram-migrate: pages left in VRAM\n");
			return 1;
		}
		if (!(r % 2)) {
			t = now_ns();
			memcpy(dst, buf, len);
			copy[r] = now_ns() - t;
		}
		for (i = 0; i < len / 8; i++) {
			if (buf[i] != i * 0x9e3779b97f4a7c15ULL + r ||
			    dst[i] != buf[i]) {
				fprintf(stderr, "vram-migrate: word %zu wrong after the round trip\n",
					i);
				return 1;
			}
		}
		munmap(buf, len);
	}

	out = path ? fopen(path, "w") : stdout;
	if (!out)
		die(path);
	fprintf(out, "[\n  {\"kind\": \"migrate\", \"bytes\": %zu", len);
	print_list(out, "to-vram", to_vram, reps);
	print_list(out, "to-ram", to_ram, reps);
	print_list(out, "memcpy", copy, reps);
	fprintf(out, "}\n]\n");
	if (path)
		fclose(out);
	printf("vram-migrate: %zu MiB to VRAM and back, %d repetitions, data checked\n",
	       mib, reps);
	vsvm_close(gpu);
	return 0;
}
