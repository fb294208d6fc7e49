// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm-img: load a GPU program image as libvsvm does (vsvm_program.c), with
 * no GPU, and print what the load gives:
 *
 *   vsvm-img IMAGE [SYMBOL[:N]]...
 *
 *   image SIZE relocations N           bytes loaded, relocations applied
 *   symbol NAME OFFSET                 each global symbol
 *   word SYMBOL I image OFFSET NAME+OFF   the I-th of N 64-bit words at
 *   word SYMBOL I value VALUE             SYMBOL (default 1): a pointer
 *                                         into the image, or another value
 *
 * OFFSETs are from the image's link base (so they are the link-time
 * addresses readelf shows). Exit status 1 when the image is refused (the
 * loader's message on stderr), 2 for usage, 3 for an unknown symbol.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsvm_program.h"

static uint64_t offset_of(const struct vsvm_program *p, uint64_t addr)
{
	return addr - (uintptr_t)vsvm_program_base(p) +
	       vsvm_program_link_base(p);
}

static int words(const struct vsvm_program *p, const char *arg)
{
	const char *colon = strchr(arg, ':');
	uintptr_t base = (uintptr_t)vsvm_program_base(p);
	size_t size = vsvm_program_size(p);
	unsigned long i, n = 1;
	char name[256];
	uint64_t addr;

	snprintf(name, sizeof(name), "%.*s",
		 (int)(colon ? (size_t)(colon - arg) : strlen(arg)), arg);
	if (colon) {
		char *end;

		n = strtoul(colon + 1, &end, 0);
		if (*end || !n) {
			fprintf(stderr, "vsvm-img: bad count in '%s'\n", arg);
			return 2;
		}
	}
	addr = vsvm_program_symbol(p, name);
	if (!addr) {
		fprintf(stderr, "vsvm-img: no symbol '%s'\n", name);
		return 3;
	}
	if (n > (base + size - addr) / 8) {
		fprintf(stderr, "vsvm-img: %lu words at '%s' run past the image\n",
			n, name);
		return 2;
	}
	for (i = 0; i < n; i++) {
		const char *what;
		uint64_t w, off;

		memcpy(&w, (const void *)(uintptr_t)(addr + 8 * i), sizeof(w));
		if (w < base || w - base >= size) {
			printf("word %s %lu value 0x%" PRIx64 "\n", name, i, w);
			continue;
		}
		what = vsvm_program_addr_name(p, w, &off);
		printf("word %s %lu image 0x%" PRIx64 " %s+0x%" PRIx64 "\n",
		       name, i, offset_of(p, w), what ? what : "?",
		       what ? off : 0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vsvm_program *p;
	const char *name;
	char err[256];
	uint64_t addr;
	size_t i;
	int a, ret = 0;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: vsvm-img IMAGE [SYMBOL[:N]]...\n");
		return 2;
	}
	p = vsvm_program_open(argv[1], err, sizeof(err));
	if (!p) {
		fprintf(stderr, "vsvm-img: %s\n", err);
		return 1;
	}
	printf("image %zu relocations %zu\n", vsvm_program_size(p),
	       vsvm_program_relocations(p));
	for (i = 0; (name = vsvm_program_symbol_at(p, i, &addr)); i++)
		printf("symbol %s 0x%" PRIx64 "\n", name, offset_of(p, addr));
	for (a = 2; a < argc && !ret; a++)
		ret = words(p, argv[a]);
	vsvm_program_free(p);
	return ret;
}
