// SPDX-License-Identifier: GPL-2.0
/*
 * Two-pass assembler and a disassembler for the vsvm GPU ISA; see
 * vsvm_asm.h for the syntax. The opcode values are the ISA's
 * (drivers/gpu/drm/vsvm/hw/vsvm_isa.h); scripts/tests/test_tools.py checks
 * that this table and that header agree.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsvm_asm.h"

enum form {
	F_NONE,		/* exit */
	F_RRR,		/* rd, ra, rb */
	F_RRI,		/* rd, ra, imm */
	F_RI,		/* rd, imm */
	F_RR,		/* rd, ra */
	F_SR,		/* rd, special */
	F_LD,		/* rd, [ra+imm] */
	F_ST,		/* [ra+imm], rb */
	F_PF,		/* [ra+imm] */
	F_ATOM,		/* rd, [ra+imm], rb */
	F_BRA,		/* label */
	F_BR,		/* ra, rb, label */
	F_LI,		/* rd, imm64 (pseudo) */
};

struct op {
	const char *name;
	uint8_t code;
	enum form form;
};

static const struct op ops[] = {
	{ "nop", 0x00, F_NONE }, { "exit", 0x01, F_NONE },
	{ "add", 0x10, F_RRR }, { "sub", 0x11, F_RRR }, { "mul", 0x12, F_RRR },
	{ "and", 0x13, F_RRR }, { "or", 0x14, F_RRR }, { "xor", 0x15, F_RRR },
	{ "shl", 0x16, F_RRR }, { "shr", 0x17, F_RRR }, { "sar", 0x18, F_RRR },
	{ "slt", 0x19, F_RRR }, { "sltu", 0x1a, F_RRR }, { "seq", 0x1b, F_RRR },
	{ "divu", 0x1c, F_RRR }, { "remu", 0x1d, F_RRR },
	{ "addi", 0x20, F_RRI }, { "subi", 0x21, F_RRI }, { "muli", 0x22, F_RRI },
	{ "andi", 0x23, F_RRI }, { "ori", 0x24, F_RRI }, { "xori", 0x25, F_RRI },
	{ "shli", 0x26, F_RRI }, { "shri", 0x27, F_RRI }, { "sari", 0x28, F_RRI },
	{ "movi", 0x30, F_RI }, { "movhi", 0x31, F_RI }, { "mov", 0x32, F_RR },
	{ "s2r", 0x33, F_SR }, { "ldarg", 0x34, F_RI },
	{ "ld8", 0x40, F_LD }, { "ld32", 0x41, F_LD }, { "ld64", 0x42, F_LD },
	{ "st8", 0x48, F_ST }, { "st32", 0x49, F_ST }, { "st64", 0x4a, F_ST },
	{ "prefetch", 0x4f, F_PF },
	{ "atom_add32", 0x50, F_ATOM }, { "atom_xchg32", 0x51, F_ATOM },
	{ "atom_cas32", 0x52, F_ATOM }, { "atom_add64", 0x58, F_ATOM },
	{ "atom_xchg64", 0x59, F_ATOM }, { "atom_cas64", 0x5a, F_ATOM },
	{ "bra", 0x60, F_BRA }, { "beq", 0x61, F_BR }, { "bne", 0x62, F_BR },
	{ "blt", 0x63, F_BR }, { "bge", 0x64, F_BR }, { "bltu", 0x65, F_BR },
	{ "bgeu", 0x66, F_BR },
	{ "membar", 0x70, F_NONE },
	{ "li", 0, F_LI },
};

static const char *const specials[] = { "tid", "ntid", "euid", "clock" };

#define MAX_LABELS	1024
#define MAX_LINE	256

struct label {
	char name[64];
	size_t pc;
};

struct asm_state {
	struct label labels[MAX_LABELS];
	size_t nlabels;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int fail(struct asm_state *st, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!st->err || !st->errlen)
		return -EINVAL;
	n = snprintf(st->err, st->errlen, "line %u: ", st->line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < st->errlen)
		vsnprintf(st->err + n, st->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static uint64_t encode(uint8_t op, unsigned int rd, unsigned int ra,
		       unsigned int rb, int32_t imm)
{
	return (uint64_t)op | (uint64_t)rd << 8 | (uint64_t)ra << 16 |
	       (uint64_t)rb << 24 | (uint64_t)(uint32_t)imm << 32;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static const struct op *find_op(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, name))
			return &ops[i];
	return NULL;
}

/* Size in words of an instruction, for pass one (li may take two). */
static size_t op_words(const struct op *op, const char *args)
{
	const char *comma;
	long long v;

	if (op->form != F_LI)
		return 1;
	comma = strchr(args, ',');
	if (!comma)
		return 1;
	v = strtoll(comma + 1, NULL, 0);
	return v >= INT32_MIN && v <= INT32_MAX ? 1 : 2;
}

static int parse_reg(struct asm_state *st, const char *s, unsigned int *r)
{
	char *end;
	long v;

	s = *s == ' ' ? s + 1 : s;
	if (*s != 'r' || !isdigit((unsigned char)s[1]))
		return fail(st, "expected a register r0..r31, got '%s'", s);
	v = strtol(s + 1, &end, 10);
	if (*end || v < 0 || v > 31)
		return fail(st, "no register '%s' (r0..r31)", s);
	*r = v;
	return 0;
}

static int parse_imm(struct asm_state *st, const char *s, int64_t *v,
		     bool wide)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(s, &end, 0);
	if (!*s || *end || errno)
		return fail(st, "expected a number, got '%s'", s);
	if (!wide && (x < INT32_MIN || x > (long long)UINT32_MAX))
		return fail(st, "immediate %s does not fit in 32 bits", s);
	*v = x;
	return 0;
}

/* "[ra]", "[ra+imm]", "[ra-imm]" */
static int parse_mem(struct asm_state *st, char *s, unsigned int *ra,
		     int64_t *imm)
{
	char *close = strchr(s, ']'), *sign;
	int ret;

	if (*s != '[' || !close || close[1])
		return fail(st, "expected an address [rN+imm], got '%s'", s);
	*close = '\0';
	s = trim(s + 1);
	sign = strpbrk(s, "+-");
	*imm = 0;
	if (sign) {
		char c = *sign;

		*sign = '\0';
		ret = parse_imm(st, trim(sign + 1), imm, false);
		if (ret)
			return ret;
		if (c == '-')
			*imm = -*imm;
	}
	return parse_reg(st, trim(s), ra);
}

static int find_label(struct asm_state *st, const char *name, size_t *pc)
{
	size_t i;

	for (i = 0; i < st->nlabels; i++) {
		if (!strcmp(st->labels[i].name, name)) {
			*pc = st->labels[i].pc;
			return 0;
		}
	}
	return fail(st, "unknown label '%s'", name);
}

/* Split "a, b, c" into at most n trimmed fields; returns the count. */
static int split(char *s, char **f, int n)
{
	int k = 0;
	char *c;

	if (!*trim(s))
		return 0;
	while (k < n) {
		c = strchr(s, ',');
		if (c)
			*c = '\0';
		f[k++] = trim(s);
		if (!c)
			break;
		s = c + 1;
	}
	return strchr(s, ',') ? n + 1 : k;
}

static const int form_args[] = {
	[F_NONE] = 0, [F_RRR] = 3, [F_RRI] = 3, [F_RI] = 2, [F_RR] = 2,
	[F_SR] = 2, [F_LD] = 2, [F_ST] = 2, [F_PF] = 1, [F_ATOM] = 3,
	[F_BRA] = 1, [F_BR] = 3, [F_LI] = 2,
};

static int emit(struct asm_state *st, const struct op *op, char *args,
		size_t pc, uint64_t *w)
{
	unsigned int rd = 0, ra = 0, rb = 0, i;
	int64_t imm = 0;
	size_t target = 0;
	char *f[4];
	int n, ret = 0;

	n = split(args, f, 4);
	if (n != form_args[op->form])
		return fail(st, "'%s' takes %d operand(s), got %d", op->name,
			    form_args[op->form], n);
	switch (op->form) {
	case F_NONE:
		break;
	case F_RRR:
		ret = parse_reg(st, f[0], &rd) ?: parse_reg(st, f[1], &ra) ?:
		      parse_reg(st, f[2], &rb);
		break;
	case F_RRI:
		ret = parse_reg(st, f[0], &rd) ?: parse_reg(st, f[1], &ra) ?:
		      parse_imm(st, f[2], &imm, false);
		break;
	case F_RI:
		ret = parse_reg(st, f[0], &rd) ?: parse_imm(st, f[1], &imm, false);
		break;
	case F_RR:
		ret = parse_reg(st, f[0], &rd) ?: parse_reg(st, f[1], &ra);
		break;
	case F_SR:
		ret = parse_reg(st, f[0], &rd);
		if (ret)
			break;
		for (i = 0; i < 4 && strcmp(f[1], specials[i]); i++)
			;
		if (i == 4)
			return fail(st, "no special register '%s' (tid, ntid, euid, clock)",
				    f[1]);
		imm = i;
		break;
	case F_LD:
		ret = parse_reg(st, f[0], &rd) ?: parse_mem(st, f[1], &ra, &imm);
		break;
	case F_ST:
		ret = parse_mem(st, f[0], &ra, &imm) ?: parse_reg(st, f[1], &rb);
		break;
	case F_PF:
		ret = parse_mem(st, f[0], &ra, &imm);
		break;
	case F_ATOM:
		ret = parse_reg(st, f[0], &rd) ?: parse_mem(st, f[1], &ra, &imm) ?:
		      parse_reg(st, f[2], &rb);
		break;
	case F_BRA:
	case F_BR:
		if (op->form == F_BR)
			ret = parse_reg(st, f[0], &ra) ?: parse_reg(st, f[1], &rb);
		if (ret)
			break;
		ret = find_label(st, f[op->form == F_BR ? 2 : 0], &target);
		imm = (int64_t)target - (int64_t)pc;
		break;
	case F_LI:
		ret = parse_reg(st, f[0], &rd) ?: parse_imm(st, f[1], &imm, true);
		if (ret)
			break;
		w[0] = encode(0x30, rd, 0, 0, (int32_t)imm);
		if (imm < INT32_MIN || imm > INT32_MAX)
			w[1] = encode(0x31, rd, 0, 0, (int32_t)((uint64_t)imm >> 32));
		return 0;
	}
	if (ret)
		return ret;
	w[0] = encode(op->code, rd, ra, rb, (int32_t)imm);
	return 0;
}

int vsvm_assemble(const char *text, uint64_t **out, size_t *count,
		  char *err, size_t errlen)
{
	struct asm_state *st = calloc(1, sizeof(*st));
	char line[MAX_LINE], *s, *colon, *mn, *args;
	const struct op *op;
	const char *p, *nl;
	uint64_t *w = NULL;
	size_t pc, n = 0, words;
	int pass, ret = 0;

	if (!st)
		return -ENOMEM;
	st->err = err;
	st->errlen = errlen;
	for (pass = 0; pass < 2 && !ret; pass++) {
		if (pass == 1) {
			w = aligned_alloc(8, (n ? n : 1) * sizeof(*w));
			if (!w) {
				ret = -ENOMEM;
				break;
			}
		}
		pc = 0;
		st->line = 0;
		for (p = text; *p && !ret; p = *nl ? nl + 1 : nl) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p);
			st->line++;
			if ((size_t)(nl - p) >= sizeof(line)) {
				ret = fail(st, "line too long");
				break;
			}
			memcpy(line, p, nl - p);
			line[nl - p] = '\0';
			s = strchr(line, '#');
			if (s)
				*s = '\0';
			s = trim(line);
			/* "name:" at the start of the line is a label. */
			for (colon = s; isalnum((unsigned char)*colon) ||
			     *colon == '_' || *colon == '.'; colon++)
				;
			if (colon > s && *colon == ':') {
				*colon = '\0';
				if (pass == 0) {
					if (!*trim(s) || st->nlabels == MAX_LABELS ||
					    strlen(trim(s)) >= sizeof(st->labels[0].name)) {
						ret = fail(st, "bad label '%s'", s);
						break;
					}
					for (size_t i = 0; i < st->nlabels; i++)
						if (!strcmp(st->labels[i].name, trim(s)))
							ret = fail(st, "label '%s' defined twice",
								   trim(s));
					strcpy(st->labels[st->nlabels].name, trim(s));
					st->labels[st->nlabels++].pc = pc;
				}
				s = trim(colon + 1);
			}
			if (!*s)
				continue;
			mn = s;
			while (*s && !isspace((unsigned char)*s))
				s++;
			args = *s ? s + 1 : s;
			*s = '\0';
			for (s = mn; *s; s++)
				*s = tolower((unsigned char)*s);
			op = find_op(mn);
			if (!op) {
				ret = fail(st, "unknown instruction '%s'", mn);
				break;
			}
			words = op_words(op, args);
			if (pass == 1)
				ret = emit(st, op, args, pc, &w[pc]);
			pc += words;
		}
		n = pc;
	}
	if (!ret && !n)
		ret = fail(st, "no instructions");
	if (ret) {
		free(w);
	} else {
		*out = w;
		*count = n;
	}
	free(st);
	return ret;
}

int vsvm_disassemble(uint64_t insn, size_t pc, char *buf, size_t len)
{
	unsigned int code = insn & 0xff, rd = (insn >> 8) & 0xff;
	unsigned int ra = (insn >> 16) & 0xff, rb = (insn >> 24) & 0xff;
	int32_t imm = (int32_t)(insn >> 32);
	const struct op *op = NULL;
	size_t i;

	for (i = 0; i + 1 < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].code == code)
			op = &ops[i];
	if (!op) {
		snprintf(buf, len, ".word 0x%016" PRIx64 "  # unknown opcode 0x%02x",
			 insn, code);
		return -EINVAL;
	}
	if (rd > 31 || ra > 31 || rb > 31) {
		snprintf(buf, len, ".word 0x%016" PRIx64 "  # register out of range",
			 insn);
		return -EINVAL;
	}
	switch (op->form) {
	case F_RRR:
		snprintf(buf, len, "%s r%u, r%u, r%u", op->name, rd, ra, rb);
		break;
	case F_RRI:
		snprintf(buf, len, "%s r%u, r%u, %d", op->name, rd, ra, imm);
		break;
	case F_RI:
		snprintf(buf, len, "%s r%u, %d", op->name, rd, imm);
		break;
	case F_RR:
		snprintf(buf, len, "%s r%u, r%u", op->name, rd, ra);
		break;
	case F_SR:
		if (imm < 0 || imm > 3) {
			snprintf(buf, len, ".word 0x%016" PRIx64 "  # no special register %d",
				 insn, imm);
			return -EINVAL;
		}
		snprintf(buf, len, "%s r%u, %s", op->name, rd, specials[imm]);
		break;
	case F_LD:
		snprintf(buf, len, "%s r%u, [r%u%+d]", op->name, rd, ra, imm);
		break;
	case F_ST:
		snprintf(buf, len, "%s [r%u%+d], r%u", op->name, ra, imm, rb);
		break;
	case F_PF:
		snprintf(buf, len, "%s [r%u%+d]", op->name, ra, imm);
		break;
	case F_ATOM:
		snprintf(buf, len, "%s r%u, [r%u%+d], r%u", op->name, rd, ra,
			 imm, rb);
		break;
	case F_BRA:
		snprintf(buf, len, "%s L%ld", op->name, (long)pc + imm);
		break;
	case F_BR:
		snprintf(buf, len, "%s r%u, r%u, L%ld", op->name, ra, rb,
			 (long)pc + imm);
		break;
	default:
		snprintf(buf, len, "%s", op->name);
		break;
	}
	return 0;
}
