// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of libvsvm's GPU image loader (tools/vsvm/lib/vsvm_program.c),
 * built and run by test_tools.py with the sanitizers; needs no GPU.
 *
 *   gpu_loader_test check IMAGE     load build/gpu/selftest.elf and check
 *                                   segments, relocations and symbols
 *   gpu_loader_test embedded        the same on the copy linked in with
 *                                   build/gpu/embed/selftest.o (built with
 *                                   -DEMBEDDED)
 *   gpu_loader_test fuzz IMAGE N    N mutations of IMAGE (bytes changed,
 *                                   truncations): each load must fail
 *                                   cleanly or give a usable program
 *
 * Prints "ok ..." and exits 0, or says what is wrong and exits 1.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsvm_program.h"
#include "vsvm_kernels.h"

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(1);						\
	}								\
} while (0)

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	CHECK(f, "%s: %s", path, strerror(errno));
	CHECK(!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	      !fseek(f, 0, SEEK_SET), "%s: size", path);
	buf = malloc(n);
	CHECK(buf && fread(buf, 1, n, f) == (size_t)n, "%s: read", path);
	fclose(f);
	*len = n;
	return buf;
}

/* The loaded image holds the file's segments, relocated, and its symbols. */
static void check_program(const unsigned char *elf, size_t len)
{
	static const char *const targets[SELFTEST_RELOC_ENTRIES] = {
		"selftest_calls", "selftest_reloc_table",
		"selftest_reloc_string", "selftest_ids",
	};
	static const char *const kernels[] = {
		"selftest_ids", "selftest_fp", "selftest_atomic",
		"selftest_reduce", "selftest_args", "selftest_calls",
	};
	const Elf64_Ehdr *eh = (const void *)elf;
	const Elf64_Phdr *ph = (const void *)(elf + eh->e_phoff);
	struct vsvm_program *p;
	uint64_t table, addr, off, link;
	const unsigned char *mem;
	const char *name;
	char err[256];
	size_t i, size;
	unsigned int k;

	p = vsvm_program_load(elf, len, err, sizeof(err));
	CHECK(p, "load: %s", err);
	mem = vsvm_program_base(p);
	size = vsvm_program_size(p);
	link = vsvm_program_link_base(p);
	CHECK(!((uintptr_t)mem % sysconf(_SC_PAGESIZE)), "base %p not page aligned",
	      (const void *)mem);

	/* Segments: file bytes copied (relocated words aside), the rest zero. */
	table = vsvm_program_symbol(p, "selftest_reloc_table");
	CHECK(table, "no selftest_reloc_table");
	for (k = 0; k < eh->e_phnum; k++) {
		const unsigned char *seg;
		uint64_t j;

		if (ph[k].p_type != PT_LOAD)
			continue;
		seg = mem + (ph[k].p_vaddr - link);
		CHECK(seg + ph[k].p_memsz <= mem + size, "segment %u past the image", k);
		for (j = 0; j < ph[k].p_filesz; j += 8) {
			uint64_t n = ph[k].p_filesz - j, w;

			if (!memcmp(seg + j, elf + ph[k].p_offset + j, n < 8 ? n : 8))
				continue;
			/* Only a relocated word differs: it points inside. */
			memcpy(&w, seg + j, 8);
			CHECK(n >= 8 && (ph[k].p_flags & PF_W) && !(ph[k].p_vaddr % 8) &&
			      w >= (uintptr_t)mem && w < (uintptr_t)mem + size,
			      "segment %u differs at +0x%llx", k,
			      (unsigned long long)j);
		}
		for (j = ph[k].p_filesz; j < ph[k].p_memsz; j++)
			CHECK(!seg[j], "segment %u: .bss not zero at +0x%llx", k,
			      (unsigned long long)j);
	}

	/* Relocations: the table in .data points at the symbols. */
	CHECK(vsvm_program_relocations(p) >= SELFTEST_RELOC_ENTRIES,
	      "%zu relocations", vsvm_program_relocations(p));
	for (i = 0; i < SELFTEST_RELOC_ENTRIES; i++) {
		uint64_t w, want = vsvm_program_symbol(p, targets[i]);

		memcpy(&w, (const void *)(uintptr_t)(table + 8 * i), 8);
		CHECK(want && w == want, "table[%zu] = 0x%llx, %s at 0x%llx", i,
		      (unsigned long long)w, targets[i], (unsigned long long)want);
		name = vsvm_program_addr_name(p, w, &off);
		CHECK(name && !strcmp(name, targets[i]) && !off,
		      "table[%zu] names %s", i, name ? name : "nothing");
	}
	CHECK(!strcmp((const char *)(uintptr_t)
		      vsvm_program_symbol(p, "selftest_reloc_string"),
		      "vsvm relocated string"), "string");

	/* Symbols: every kernel, inside the image, 4-byte aligned. */
	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		addr = vsvm_program_symbol(p, kernels[i]);
		CHECK(addr >= (uintptr_t)mem && addr < (uintptr_t)mem + size &&
		      !(addr & 3), "kernel %s at 0x%llx", kernels[i],
		      (unsigned long long)addr);
		name = vsvm_program_addr_name(p, addr + 4, &off);
		CHECK(name && !strcmp(name, kernels[i]) && off == 4,
		      "addr_name(%s + 4)", kernels[i]);
	}
	CHECK(!vsvm_program_symbol(p, "memcpy"), "memcpy exported");
	CHECK(!vsvm_program_symbol(p, "fib"), "static fib found as global");
	CHECK(!vsvm_program_symbol(p, "no_such_kernel"), "no_such_kernel found");
	for (i = 0; vsvm_program_symbol_at(p, i, NULL); i++)
		;
	CHECK(i == 8, "%zu global symbols, not 8", i);
	CHECK(!vsvm_program_addr_name(p, (uintptr_t)mem - 8, NULL), "addr_name below");
	vsvm_program_free(p);
}

/* xorshift64: the same mutations on every run. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fuzz(const unsigned char *elf, size_t len, unsigned long n)
{
	unsigned char *buf = malloc(len);
	unsigned long i, ok = 0, refused = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	char err[128];

	CHECK(buf, "malloc");
	for (i = 0; i < n; i++) {
		size_t blen = len, j, changes = 1 + rnd(&seed) % 4;
		struct vsvm_program *p;

		memcpy(buf, elf, len);
		for (j = 0; j < changes; j++) {
			/* Mostly the headers and dynamic data, at the front. */
			size_t at = rnd(&seed) % (rnd(&seed) & 1 ? len : 1024 < len ? 1024 : len);

			switch (rnd(&seed) % 4) {
			case 0:
				buf[at] ^= 1u << (rnd(&seed) % 8);
				break;
			case 1:
				buf[at] = rnd(&seed);
				break;
			case 2:
				buf[at] = 0xff;
				break;
			default:
				blen = at;
				break;
			}
		}
		p = vsvm_program_load(buf, blen, err, sizeof(err));
		if (!p) {
			CHECK(err[0] && (errno == EINVAL || errno == ENOMEM),
			      "mutation %lu refused without a message (errno %d)",
			      i, errno);
			refused++;
			continue;
		}
		/* Whatever loaded must be usable. */
		for (j = 0; vsvm_program_symbol_at(p, j, NULL); j++)
			;
		vsvm_program_symbol(p, "selftest_calls");
		vsvm_program_addr_name(p, (uintptr_t)vsvm_program_base(p), NULL);
		memset(vsvm_program_base(p), 0, vsvm_program_size(p));
		vsvm_program_free(p);
		ok++;
	}
	free(buf);
	printf("ok fuzz %lu loaded %lu refused\n", ok, refused);
}

#ifdef EMBEDDED
VSVM_GPU_IMAGE(selftest);
#endif

int main(int argc, char **argv)
{
	unsigned char *elf;
	size_t len;

	if (argc == 3 && !strcmp(argv[1], "check")) {
		elf = slurp(argv[2], &len);
		check_program(elf, len);
		free(elf);
		printf("ok check\n");
		return 0;
	}
#ifdef EMBEDDED
	if (argc == 2 && !strcmp(argv[1], "embedded")) {
		struct vsvm_program *p;
		char err[256];

		CHECK(!((uintptr_t)vsvm_gpu_selftest_elf % 64), "alignment");
		check_program(vsvm_gpu_selftest_elf, vsvm_gpu_selftest_elf_size);
		p = VSVM_GPU_IMAGE_LOAD(selftest, err, sizeof(err));
		CHECK(p, "VSVM_GPU_IMAGE_LOAD: %s", err);
		vsvm_program_free(p);
		printf("ok embedded %llu bytes\n",
		       (unsigned long long)vsvm_gpu_selftest_elf_size);
		return 0;
	}
#endif
	if (argc == 4 && !strcmp(argv[1], "fuzz")) {
		elf = slurp(argv[2], &len);
		fuzz(elf, len, strtoul(argv[3], NULL, 0));
		free(elf);
		return 0;
	}
	fprintf(stderr, "usage: gpu_loader_test check IMAGE | embedded | fuzz IMAGE N\n");
	return 2;
}
