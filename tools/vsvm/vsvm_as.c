// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm-as: assemble a vsvm GPU program.  vsvm-as IN.s OUT.bin
 * vsvm-dis: disassemble one.               vsvm-dis IN.bin
 * (one source, two names: the tool looks at argv[0])
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsvm_asm.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

static int assemble(const char *in, const char *out)
{
	char err[160], *src;
	uint64_t *w;
	size_t len, n, i;
	FILE *f;

	src = slurp(in, &len);
	if (!src) {
		fprintf(stderr, "vsvm-as: %s: %s\n", in, strerror(errno));
		return 1;
	}
	if (vsvm_assemble(src, &w, &n, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", in, err);
		return 1;
	}
	f = fopen(out, "wb");
	if (!f) {
		fprintf(stderr, "vsvm-as: %s: %s\n", out, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		unsigned char b[8];
		int k;

		for (k = 0; k < 8; k++)
			b[k] = w[i] >> (8 * k);	/* little-endian words */
		fwrite(b, 1, 8, f);
	}
	if (fclose(f)) {
		fprintf(stderr, "vsvm-as: %s: %s\n", out, strerror(errno));
		return 1;
	}
	free(w);
	free(src);
	return 0;
}

static int disassemble(const char *in)
{
	unsigned char *bin;
	size_t len, i;
	char text[128];
	int bad = 0, k;

	bin = (unsigned char *)slurp(in, &len);
	if (!bin || len % 8) {
		fprintf(stderr, "vsvm-dis: %s: %s\n", in,
			bin ? "not a whole number of 8-byte words" : strerror(errno));
		return 1;
	}
	for (i = 0; i < len / 8; i++) {
		uint64_t w = 0;

		for (k = 0; k < 8; k++)
			w |= (uint64_t)bin[8 * i + k] << (8 * k);
		bad |= vsvm_disassemble(w, i, text, sizeof(text)) != 0;
		printf("L%zu:\t%s\n", i, text);
	}
	free(bin);
	return bad;
}

int main(int argc, char **argv)
{
	const char *me = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	if (!strcmp(me, "vsvm-dis")) {
		if (argc != 2) {
			fprintf(stderr, "usage: vsvm-dis IN.bin\n");
			return 2;
		}
		return disassemble(argv[1]);
	}
	if (argc != 3) {
		fprintf(stderr, "usage: vsvm-as IN.s OUT.bin\n");
		return 2;
	}
	return assemble(argv[1], argv[2]);
}
