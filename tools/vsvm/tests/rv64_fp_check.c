// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host checker of the vsvm RISC-V software floating-point unit
 * (drivers/gpu/drm/vsvm/hw/vsvm_rv64_fp.c) against the host FPU.
 *
 * Build (scripts/tests/test_tools.py does this):
 *   gcc -O2 -frounding-math -I tools/vsvm/tests/rv64_fp_shim \
 *       -I drivers/gpu/drm/vsvm/hw tools/vsvm/tests/rv64_fp_check.c \
 *       drivers/gpu/drm/vsvm/hw/vsvm_rv64_fp.c -lm
 *
 * Every operation is run on special values crossed with each other and on
 * random operands (fixed seed) in RNE, RTZ, RDN and RUP, and compared bit
 * for bit, flags included, with the host computing the same thing in C
 * under fesetround().  Where RISC-V differs from C/x86 (canonical NaNs,
 * fmin/fmax, saturating conversions, NV on fma(inf, 0, qNaN)) the
 * reference applies the RISC-V rule explicitly.  The host has no RMM:
 * there, the expected result is the RNE one unless the exact result is a
 * tie (found with exact long double arithmetic), in which case it is the
 * one rounded away from zero (the RUP or RDN result); conversions to
 * integers compute RMM directly; and a table of hand-computed RMM cases
 * is checked as well.
 *
 * Prints one line per operation and the first mismatches; exits 1 on any
 * mismatch.
 */
#include <fenv.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsvm_rv64_fp.h"

#define NRANDOM		200000	/* random operand sets per operation */
#define MAX_SHOWN	6	/* mismatches printed per operation */
#define NRM		5
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const int host_rm[4] = {
	FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD
};
static const char *const rm_name[NRM] = { "rne", "rtz", "rdn", "rup", "rmm" };

struct fmtinfo {
	int fbits, ebits, bias;
};

static const struct fmtinfo fmt_s = { 23, 8, 127 };
static const struct fmtinfo fmt_d = { 52, 11, 1023 };

enum kind {
	K_ADD, K_SUB, K_MUL, K_DIV, K_SQRT, K_FMA, K_MIN, K_MAX, K_EQ, K_LT,
	K_LE, K_CLASS, K_TOINT, K_FROMINT, K_S_D, K_D_S,
};

struct op {
	const char *name;
	enum kind kind;
	bool dbl;		/* format of the operation */
	unsigned int cvt;	/* VSVM_RV_CVT_* */
	bool neg_prod, neg_add;
};

struct res {
	uint64_t v;
	uint32_t fl;
};

struct tcase {
	uint64_t in[3];
};

/* ---- helpers ---- */

static uint64_t rng = 0x5eed0f5eedULL;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static float f32(uint64_t x)
{
	uint32_t u = (uint32_t)x;
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static double f64(uint64_t x)
{
	double d;

	memcpy(&d, &x, 8);
	return d;
}

static uint64_t bits32(float f)
{
	uint32_t u;

	if (isnan(f))
		return 0x7fc00000;
	memcpy(&u, &f, 4);
	return u;
}

static uint64_t bits64(double d)
{
	uint64_t u;

	if (isnan(d))
		return 0x7ff8000000000000ULL;
	memcpy(&u, &d, 8);
	return u;
}

static uint32_t host_flags(void)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	uint32_t f = 0;

	if (e & FE_INEXACT)
		f |= VSVM_RV_FLAG_NX;
	if (e & FE_UNDERFLOW)
		f |= VSVM_RV_FLAG_UF;
	if (e & FE_OVERFLOW)
		f |= VSVM_RV_FLAG_OF;
	if (e & FE_DIVBYZERO)
		f |= VSVM_RV_FLAG_DZ;
	if (e & FE_INVALID)
		f |= VSVM_RV_FLAG_NV;
	return f;
}

static const struct fmtinfo *fi(bool dbl)
{
	return dbl ? &fmt_d : &fmt_s;
}

static int sign_pos(bool dbl)
{
	return dbl ? 63 : 31;
}

static uint64_t mkfp(bool dbl, uint64_t sign, uint64_t bexp, uint64_t mant)
{
	const struct fmtinfo *f = fi(dbl);

	return (sign << sign_pos(dbl)) | (bexp << f->fbits) |
	       (mant & ((1ULL << f->fbits) - 1));
}

static int bexp_of(bool dbl, uint64_t x)
{
	const struct fmtinfo *f = fi(dbl);

	return (int)((x >> f->fbits) & ((1u << f->ebits) - 1));
}

static bool is_snan(bool dbl, uint64_t x)
{
	const struct fmtinfo *f = fi(dbl);
	uint64_t m = x & ((1ULL << f->fbits) - 1);

	return bexp_of(dbl, x) == (1 << f->ebits) - 1 && m &&
	       !(m >> (f->fbits - 1));
}

static bool is_nan(bool dbl, uint64_t x)
{
	const struct fmtinfo *f = fi(dbl);

	return bexp_of(dbl, x) == (1 << f->ebits) - 1 &&
	       (x & ((1ULL << f->fbits) - 1));
}

static long double ld_of(bool dbl, uint64_t x)
{
	return dbl ? (long double)f64(x) : (long double)f32(x);
}

/* ---- the unit under test ---- */

static void ours(const struct op *op, const uint64_t *in, unsigned int rm,
		 struct res *r)
{
	uint32_t fl = 0;
	uint64_t v = 0;

	switch (op->kind) {
	case K_ADD:
		v = vsvm_rv_fadd(op->dbl, in[0], in[1], rm, &fl);
		break;
	case K_SUB:
		v = vsvm_rv_fsub(op->dbl, in[0], in[1], rm, &fl);
		break;
	case K_MUL:
		v = vsvm_rv_fmul(op->dbl, in[0], in[1], rm, &fl);
		break;
	case K_DIV:
		v = vsvm_rv_fdiv(op->dbl, in[0], in[1], rm, &fl);
		break;
	case K_SQRT:
		v = vsvm_rv_fsqrt(op->dbl, in[0], rm, &fl);
		break;
	case K_FMA:
		v = vsvm_rv_fma(op->dbl, in[0], in[1], in[2], op->neg_prod,
				op->neg_add, rm, &fl);
		break;
	case K_MIN:
		v = vsvm_rv_fmin(op->dbl, in[0], in[1], &fl);
		break;
	case K_MAX:
		v = vsvm_rv_fmax(op->dbl, in[0], in[1], &fl);
		break;
	case K_EQ:
		v = vsvm_rv_feq(op->dbl, in[0], in[1], &fl);
		break;
	case K_LT:
		v = vsvm_rv_flt(op->dbl, in[0], in[1], &fl);
		break;
	case K_LE:
		v = vsvm_rv_fle(op->dbl, in[0], in[1], &fl);
		break;
	case K_CLASS:
		v = vsvm_rv_fclass(op->dbl, in[0]);
		break;
	case K_TOINT:
		v = vsvm_rv_fcvt_to_int(op->dbl, in[0], op->cvt, rm, &fl);
		break;
	case K_FROMINT:
		v = vsvm_rv_fcvt_from_int(op->dbl, in[0], op->cvt, rm, &fl);
		break;
	case K_S_D:
		v = vsvm_rv_fcvt_s_d(in[0], rm, &fl);
		break;
	case K_D_S:
		v = vsvm_rv_fcvt_d_s(in[0], &fl);
		break;
	}
	r->v = v;
	r->fl = fl;
}

/* ---- the reference: host FPU in the current rounding mode ---- */

/* x < y where -0 < +0 */
static bool less_sz(long double x, long double y)
{
	if (x == y)
		return signbit(x) && !signbit(y);
	return x < y;
}

static void ref_minmax(const struct op *op, const uint64_t *in, struct res *r)
{
	bool dbl = op->dbl, na = is_nan(dbl, in[0]), nb = is_nan(dbl, in[1]);
	uint64_t a = in[0], b = in[1];
	long double x, y;
	bool lt;

	r->fl = (is_snan(dbl, a) || is_snan(dbl, b)) ? VSVM_RV_FLAG_NV : 0;
	if (na && nb) {
		r->v = dbl ? 0x7ff8000000000000ULL : 0x7fc00000;
		return;
	}
	if (na || nb) {
		r->v = na ? b : a;
		return;
	}
	x = ld_of(dbl, a);
	y = ld_of(dbl, b);
	if (op->kind == K_MAX)
		lt = less_sz(y, x);
	else
		lt = less_sz(x, y);
	r->v = lt ? a : b;
}

static void ref_class(const struct op *op, const uint64_t *in, struct res *r)
{
	long double x = ld_of(op->dbl, in[0]);
	bool neg = (in[0] >> sign_pos(op->dbl)) & 1;
	int bit;

	if (is_nan(op->dbl, in[0]))
		bit = is_snan(op->dbl, in[0]) ? 8 : 9;
	else if (isinf(x))
		bit = neg ? 0 : 7;
	else if (x == 0)
		bit = neg ? 3 : 4;
	else if (bexp_of(op->dbl, in[0]) == 0)
		bit = neg ? 2 : 5;
	else
		bit = neg ? 1 : 6;
	r->v = 1u << bit;
	r->fl = 0;
}

/* Round to an integer in rm (RMM included) and convert, RISC-V style. */
static void ref_toint(const struct op *op, const uint64_t *in,
		      unsigned int rm, struct res *r)
{
	static const double lo[4] = { -2147483648.0, 0.0,
				      -9223372036854775808.0, 0.0 };
	static const double hi[4] = { 2147483648.0, 4294967296.0,
				      9223372036854775808.0,
				      18446744073709551616.0 };
	static const uint64_t smax[4] = { 0x7fffffff, ~0ULL,
					  0x7fffffffffffffffULL, ~0ULL };
	static const uint64_t smin[4] = { 0xffffffff80000000ULL, 0,
					  0x8000000000000000ULL, 0 };
	unsigned int k = op->cvt;
	volatile double vx;
	volatile float vf;
	double x, t, rr;
	uint64_t v;

	feclearexcept(FE_ALL_EXCEPT);
	if (op->dbl) {
		vx = f64(in[0]);
		x = vx;
		rr = rint(vx);
	} else {
		vf = f32(in[0]);
		x = f32(in[0]);
		rr = rintf(vf);
	}
	r->fl = host_flags() & VSVM_RV_FLAG_NX;
	if (rm == VSVM_RV_RM_RMM && !isnan(x) && !isinf(x)) {
		t = trunc(x);
		if (fabs(x - t) == 0.5)
			rr = t + copysign(1.0, x);
		else
			rr = nearbyint(x);	/* in RNE (the RMM pass) */
		r->fl = x != rr ? VSVM_RV_FLAG_NX : 0;
	}
	if (isnan(x) || rr >= hi[k]) {
		r->v = smax[k];
		r->fl = VSVM_RV_FLAG_NV;
		return;
	}
	if (rr < lo[k]) {	/* -0 is not below 0 */
		r->v = smin[k];
		r->fl = VSVM_RV_FLAG_NV;
		return;
	}
	if (k == VSVM_RV_CVT_LU)
		v = (uint64_t)rr;
	else
		v = (uint64_t)(int64_t)rr;
	if (k == VSVM_RV_CVT_W || k == VSVM_RV_CVT_WU)
		v = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	r->v = v;
}

static void ref_fromint(const struct op *op, const uint64_t *in,
			struct res *r)
{
	volatile int32_t w = (int32_t)(uint32_t)in[0];
	volatile uint32_t wu = (uint32_t)in[0];
	volatile int64_t l = (int64_t)in[0];
	volatile uint64_t lu = in[0];
	volatile float f = 0;
	volatile double d = 0;

	feclearexcept(FE_ALL_EXCEPT);
	switch (op->cvt) {
	case VSVM_RV_CVT_W:
		if (op->dbl)
			d = w;
		else
			f = w;
		break;
	case VSVM_RV_CVT_WU:
		if (op->dbl)
			d = wu;
		else
			f = wu;
		break;
	case VSVM_RV_CVT_L:
		if (op->dbl)
			d = l;
		else
			f = l;
		break;
	default:
		if (op->dbl)
			d = lu;
		else
			f = lu;
		break;
	}
	r->fl = host_flags();
	r->v = op->dbl ? bits64(d) : bits32(f);
}

static void ref_s(const struct op *op, const uint64_t *in, struct res *r)
{
	volatile float a = f32(in[0]), b = f32(in[1]), c = f32(in[2]);
	volatile double dd = f64(in[0]);
	volatile float res = 0;
	volatile int t = 0;
	bool cmp = false;

	feclearexcept(FE_ALL_EXCEPT);
	switch (op->kind) {
	case K_ADD:
		res = a + b;
		break;
	case K_SUB:
		res = a - b;
		break;
	case K_MUL:
		res = a * b;
		break;
	case K_DIV:
		res = a / b;
		break;
	case K_SQRT:
		res = sqrtf(a);
		break;
	case K_FMA:
		res = fmaf(op->neg_prod ? -a : a, b, op->neg_add ? -c : c);
		break;
	case K_EQ:
		t = a == b;
		cmp = true;
		break;
	case K_LT:
		t = a < b;
		cmp = true;
		break;
	case K_LE:
		t = a <= b;
		cmp = true;
		break;
	case K_S_D:
		res = (float)dd;
		break;
	default:
		break;
	}
	r->fl = host_flags();
	r->v = cmp ? (uint64_t)t : bits32(res);
}

static void ref_d(const struct op *op, const uint64_t *in, struct res *r)
{
	volatile double a = f64(in[0]), b = f64(in[1]), c = f64(in[2]);
	volatile double res = 0;
	volatile float fa = f32(in[0]);
	volatile int t = 0;
	bool cmp = false;

	feclearexcept(FE_ALL_EXCEPT);
	switch (op->kind) {
	case K_ADD:
		res = a + b;
		break;
	case K_SUB:
		res = a - b;
		break;
	case K_MUL:
		res = a * b;
		break;
	case K_DIV:
		res = a / b;
		break;
	case K_SQRT:
		res = sqrt(a);
		break;
	case K_FMA:
		res = fma(op->neg_prod ? -a : a, b, op->neg_add ? -c : c);
		break;
	case K_EQ:
		t = a == b;
		cmp = true;
		break;
	case K_LT:
		t = a < b;
		cmp = true;
		break;
	case K_LE:
		t = a <= b;
		cmp = true;
		break;
	case K_D_S:
		res = fa;
		break;
	default:
		break;
	}
	r->fl = host_flags();
	r->v = cmp ? (uint64_t)t : bits64(res);
}

static void ref(const struct op *op, const uint64_t *in, unsigned int rm,
		struct res *r)
{
	bool dbl = op->dbl;

	switch (op->kind) {
	case K_MIN:
	case K_MAX:
		ref_minmax(op, in, r);
		return;
	case K_CLASS:
		ref_class(op, in, r);
		return;
	case K_TOINT:
		ref_toint(op, in, rm, r);
		return;
	case K_FROMINT:
		ref_fromint(op, in, r);
		return;
	case K_S_D:
		ref_s(op, in, r);
		return;
	case K_D_S:
		ref_d(op, in, r);
		return;
	default:
		break;
	}
	if (dbl)
		ref_d(op, in, r);
	else
		ref_s(op, in, r);
	/* RISC-V: inf * 0 in an fma is invalid even when c is a quiet NaN */
	if (op->kind == K_FMA) {
		long double x = ld_of(dbl, in[0]), y = ld_of(dbl, in[1]);

		if ((isinf(x) && y == 0) || (x == 0 && isinf(y)))
			r->fl |= VSVM_RV_FLAG_NV;
	}
}

/* ---- RMM from the host's RNE, RTZ, RDN and RUP results ---- */

static bool result_dbl(const struct op *op)
{
	return op->kind == K_S_D ? false : op->dbl;
}

/* The exact result in long double; false if it is not representable. */
static bool exact_ld(const struct op *op, const uint64_t *in, long double *v)
{
	bool dbl = op->dbl;
	volatile long double a = ld_of(dbl, in[0]), b = ld_of(dbl, in[1]);
	volatile long double c = ld_of(dbl, in[2]), p;
	volatile long double res = 0;
	int e;

	feclearexcept(FE_ALL_EXCEPT);
	switch (op->kind) {
	case K_ADD:
		res = a + b;
		break;
	case K_SUB:
		res = a - b;
		break;
	case K_MUL:
		res = a * b;
		break;
	case K_DIV:
		res = a / b;
		break;
	case K_FMA:
		if (op->neg_prod)
			a = -a;
		if (op->neg_add)
			c = -c;
		if (dbl) {
			res = fmal(a, b, c);
		} else {
			p = a * b;	/* exact: 48 bits */
			res = p + c;
		}
		break;
	case K_FROMINT:
		switch (op->cvt) {
		case VSVM_RV_CVT_W:
			res = (int32_t)(uint32_t)in[0];
			break;
		case VSVM_RV_CVT_WU:
			res = (uint32_t)in[0];
			break;
		case VSVM_RV_CVT_L:
			res = (int64_t)in[0];
			break;
		default:
			res = in[0];
			break;
		}
		break;
	case K_S_D:
		res = f64(in[0]);
		break;
	default:		/* sqrt: never a tie */
		return false;
	}
	e = fetestexcept(FE_ALL_EXCEPT);
	*v = res;
	return !(e & (FE_INEXACT | FE_INVALID | FE_OVERFLOW));
}

static bool is_tie(const struct op *op, const uint64_t *in,
		   const struct res *rz, const struct res *away)
{
	bool dbl = result_dbl(op);
	const struct fmtinfo *f = fi(dbl);
	long double v, m, z = ld_of(dbl, rz->v), w = ld_of(dbl, away->v);

	if (!exact_ld(op, in, &v))
		return false;
	if (isinf(w))
		m = z + copysignl(ldexpl(1.0L, f->bias - f->fbits - 1), z);
	else
		m = (z + w) / 2;
	return v == m;
}

static void ref_rmm(const struct op *op, const uint64_t *in,
		    const struct res *host, struct res *r)
{
	const struct res *rne = &host[0], *rz = &host[1], *away;
	bool neg = (rz->v >> sign_pos(result_dbl(op))) & 1;

	switch (op->kind) {
	case K_ADD:
	case K_SUB:
	case K_MUL:
	case K_DIV:
	case K_SQRT:
	case K_FMA:
	case K_FROMINT:
	case K_S_D:
		break;
	default:
		ref(op, in, VSVM_RV_RM_RMM, r);
		return;
	}
	*r = *rne;
	if (!(rne->fl & VSVM_RV_FLAG_NX))
		return;
	away = neg ? &host[2] : &host[3];
	if (is_tie(op, in, rz, away))
		*r = *away;
}

/* ---- operands ---- */

struct cases {
	struct tcase *c;
	size_t n, cap;
};

static void add_case(struct cases *cs, uint64_t a, uint64_t b, uint64_t c)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 4096;
		cs->c = realloc(cs->c, cs->cap * sizeof(*cs->c));
		if (!cs->c) {
			perror("realloc");
			exit(2);
		}
	}
	cs->c[cs->n].in[0] = a;
	cs->c[cs->n].in[1] = b;
	cs->c[cs->n].in[2] = c;
	cs->n++;
}

static uint64_t fp_of_double(bool dbl, double d)
{
	float f = (float)d;
	uint32_t u;
	uint64_t x;

	if (dbl) {
		memcpy(&x, &d, 8);
		return x;
	}
	memcpy(&u, &f, 4);
	return u;
}

#define MAX_SPECIAL 96

/*
 * The specials an fma addend takes, by index within one sign: zero, inf,
 * qNaN, sNaN, min and max subnormal, min normal, max finite, 1 + ulp,
 * 1 - ulp / 2, ulp / 2.
 */
#define ADDEND_SPECIALS	0xea9fu

static int specials(bool dbl, uint64_t *s)
{
	const struct fmtinfo *f = fi(dbl);
	uint64_t emax = (1u << f->ebits) - 1, mmax = (1ULL << f->fbits) - 1;
	uint64_t qbit = 1ULL << (f->fbits - 1);
	static const double nums[] = {
		1.0, 1.5, 2.0, 0.5, 3.0, 2.5, 0.25, 0.75, 1.75, 0.1, 3.5,
		4294967295.5, 2147483647.5, 2147483648.5, -2147483648.5,
		4294967296.0, 2147483648.0, 9223372036854775808.0,
		18446744073709551616.0, 9223372036854774784.0,
		18446744073709549568.0, 4294967295.0, 0.49999999999999994,
	};
	int n = 0, sg, i;

	for (sg = 0; sg < 2; sg++) {
		uint64_t sgn = sg;

		s[n++] = mkfp(dbl, sgn, 0, 0);			/* zero */
		s[n++] = mkfp(dbl, sgn, emax, 0);		/* inf */
		s[n++] = mkfp(dbl, sgn, emax, qbit | sg);	/* qNaN */
		s[n++] = mkfp(dbl, sgn, emax, sg ? mmax >> 1 : 1); /* sNaN */
		s[n++] = mkfp(dbl, sgn, 0, 1);		/* min subnormal */
		s[n++] = mkfp(dbl, sgn, 0, 2);
		s[n++] = mkfp(dbl, sgn, 0, 3);
		s[n++] = mkfp(dbl, sgn, 0, mmax);	/* max subnormal */
		s[n++] = mkfp(dbl, sgn, 0, qbit);
		s[n++] = mkfp(dbl, sgn, 1, 0);		/* min normal */
		s[n++] = mkfp(dbl, sgn, 1, 1);
		s[n++] = mkfp(dbl, sgn, emax - 1, mmax);	/* max finite */
		s[n++] = mkfp(dbl, sgn, emax - 1, 0);
		s[n++] = mkfp(dbl, sgn, f->bias, 1);	/* 1 + ulp */
		s[n++] = mkfp(dbl, sgn, f->bias - 1, mmax); /* 1 - ulp/2 */
		s[n++] = mkfp(dbl, sgn, f->bias - f->fbits - 1, 0); /* ulp/2 */
		s[n++] = mkfp(dbl, sgn, f->bias + f->fbits, 0);	/* 2^fbits */
		s[n++] = mkfp(dbl, sgn, f->bias + f->fbits - 1, 1);
		s[n++] = mkfp(dbl, sgn, f->bias + f->fbits + 1, 0);
		s[n++] = mkfp(dbl, sgn, f->bias + f->bias / 2, mmax);
	}
	s[n++] = dbl ? 0x7ff8000000000000ULL : 0x7fc00000;
	for (i = 0; i < (int)ARRAY_SIZE(nums); i++) {
		for (sg = 0; sg < 2; sg++) {
			double d = sg ? -nums[i] : nums[i];

			if (!dbl && (double)(float)d != d)
				continue;
			s[n++] = fp_of_double(dbl, d);
		}
	}
	if (n > MAX_SPECIAL) {
		fprintf(stderr, "too many specials\n");
		exit(2);
	}
	return n;
}

/* A random mantissa: full, sparse (few bits at the top, maybe bit 0) or
 * short (low bits clear).
 */
static uint64_t rnd_mant(bool dbl)
{
	int fb = fi(dbl)->fbits;
	uint64_t m = rnd() & ((1ULL << fb) - 1);

	switch (rnd() % 6) {
	case 0:
		return m & ~((1ULL << (fb - rnd() % 6)) - 1);
	case 1:
		return (m & ~((1ULL << (fb - rnd() % 6)) - 1)) | 1;
	case 2:
		return m & ~((1ULL << (rnd() % fb)) - 1);
	case 3:
		return rnd() & 1 ? ((1ULL << fb) - 1) >> (rnd() % fb) :
				   1ULL << (rnd() % fb);
	default:
		return m;
	}
}

static uint64_t rnd_fp(bool dbl, const uint64_t *sp, int nsp)
{
	const struct fmtinfo *f = fi(dbl);
	uint64_t emax = (1u << f->ebits) - 1, sign = rnd() & 1;
	uint64_t full = dbl ? ~0ULL : 0xffffffffULL;

	switch (rnd() % 16) {
	case 0:
	case 1:
	case 2:
		return rnd() & full;
	case 3:
	case 4:
		return mkfp(dbl, sign, rnd() % 4, rnd_mant(dbl));
	case 5:
	case 6:
		return mkfp(dbl, sign, emax - 1 - rnd() % 4, rnd_mant(dbl));
	case 7:
	case 8:
	case 9:
		return mkfp(dbl, sign, f->bias - 8 + rnd() % 17, rnd_mant(dbl));
	case 10:
		return sp[rnd() % nsp];
	default:
		return mkfp(dbl, sign, rnd() % emax, rnd_mant(dbl));
	}
}

/* An operand whose exponent is e0 + delta, kept within the format. */
static uint64_t rnd_near(bool dbl, int e0)
{
	const struct fmtinfo *f = fi(dbl);
	int e = e0, emax = (1 << f->ebits) - 2;

	if (e < 0)
		e = 0;
	if (e > emax)
		e = emax;
	return mkfp(dbl, rnd() & 1, e, rnd_mant(dbl));
}

/* A random operand exponent (biased) in [lo, hi]. */
static int rnd_range(int lo, int hi)
{
	return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static void gen_fp_cases(const struct op *op, struct cases *cs)
{
	bool dbl = op->dbl;
	const struct fmtinfo *f = fi(dbl);
	int nin = op->kind == K_FMA ? 3 : (op->kind == K_SQRT ||
		  op->kind == K_CLASS || op->kind == K_TOINT) ? 1 : 2;
	int p = f->fbits + 1, emaxb = (1 << f->ebits) - 1;
	uint64_t sp[MAX_SPECIAL], a, b, c;
	int nsp = specials(dbl, sp), i, j, k, ea, eb, tgt;
	uint32_t fl;

	/*
	 * Specials crossed with each other; an fma addend only takes the
	 * structural ones (zeros, infinities, NaNs, range ends, 1 + ulp).
	 */
	for (i = 0; i < nsp; i++)
		for (j = 0; j < (nin > 1 ? nsp : 1); j++)
			for (k = 0; k < (nin > 2 ? 40 : 1); k++)
				if (nin < 3 || (ADDEND_SPECIALS >> (k % 20)) & 1)
					add_case(cs, sp[i], sp[j], sp[k]);

	for (i = 0; i < NRANDOM; i++) {
		a = rnd_fp(dbl, sp, nsp);
		b = rnd_fp(dbl, sp, nsp);
		c = rnd_fp(dbl, sp, nsp);
		ea = bexp_of(dbl, a);
		switch (rnd() % 8) {
		case 0:		/* close exponents: cancellation, ties */
		case 1:
			b = rnd_near(dbl, ea + rnd_range(-p - 3, p + 3));
			break;
		case 2:		/* b is exactly half an ulp of a, or less */
			eb = ea - p - (int)(rnd() % 3);
			b = mkfp(dbl, rnd() & 1, eb > 0 ? eb : 0,
				 rnd() & 1 ? 0 : 1ULL << (rnd() % f->fbits));
			break;
		case 3:		/* product or quotient near the range ends */
			tgt = rnd() & 1 ? rnd_range(-p - 2, 3) :
					  rnd_range(emaxb - 3, emaxb + 1);
			if (op->kind == K_DIV)
				eb = ea - tgt + f->bias;
			else
				eb = tgt - ea + f->bias;
			b = rnd_near(dbl, eb);
			break;
		default:
			break;
		}
		if (nin == 3) {
			/* the addend near the product, or cancelling it */
			eb = bexp_of(dbl, b);
			switch (rnd() % 4) {
			case 0:
				c = rnd_near(dbl, ea + eb - f->bias +
					     rnd_range(-p - 3, p + 3));
				break;
			case 1:
				fl = 0;
				c = vsvm_rv_fmul(dbl, a, b, rnd() % 4, &fl);
				c ^= (rnd() & 1) << sign_pos(dbl);
				if (rnd() & 1)
					c += rnd() % 3 - 1;
				break;
			default:
				break;
			}
		}
		if (op->kind == K_SQRT && rnd() % 4 == 0) {
			/* exact squares and their neighbours */
			a &= ~(1ULL << sign_pos(dbl));
			fl = 0;
			a = vsvm_rv_fmul(dbl, a, a, rnd() % 4, &fl);
			a += rnd() % 3 - 1;
		}
		if (op->kind == K_TOINT && rnd() % 2) {
			/* around the integers, halves and the type limits */
			int top = (op->cvt >= VSVM_RV_CVT_L ? 64 : 32) + 1;

			a = mkfp(dbl, rnd() & 1,
				 f->bias + rnd_range(-2, top), rnd_mant(dbl));
		}
		if (!dbl) {
			a &= 0xffffffff;
			b &= 0xffffffff;
			c &= 0xffffffff;
		}
		add_case(cs, a, b, c);
	}
}

static void gen_int_cases(const struct op *op, struct cases *cs)
{
	int p = fi(op->dbl)->fbits + 1, i, t;
	uint64_t x;

	static const uint64_t fixed[] = {
		0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
		0xffffffffffffffffULL, 0xfffffffe, 0xffffffff00000000ULL,
		0x1000001, 0x1000003, 0x20000000000001ULL,
		0x20000000000003ULL, 0xfffffffffffffc00ULL,
		0xfffffffffffffbffULL, 0xffffff80, 0xffffff7f, 0xffffffc0,
		0x80000001, 0x7fffffc0, 0x7fffffbf, 0x8000000000000001ULL,
	};

	for (i = 0; i < (int)ARRAY_SIZE(fixed); i++) {
		add_case(cs, fixed[i], 0, 0);
		add_case(cs, -fixed[i], 0, 0);
	}
	for (i = 0; i < NRANDOM; i++) {
		switch (rnd() % 4) {
		case 0:
			x = rnd();
			break;
		case 1:
			x = rnd() >> (rnd() % 64);
			break;
		case 2:		/* p + 1 significant bits, last one set: ties */
			t = (int)(rnd() % (64 - p));
			x = ((rnd() & ((1ULL << p) - 1)) | (1ULL << p)) << 1;
			x = (x | 1) << t;
			if (op->cvt <= VSVM_RV_CVT_WU)
				x >>= rnd() % 32;
			break;
		default:	/* a few bits below a power of two */
			x = (1ULL << (rnd() % 64)) - (rnd() % 5);
			break;
		}
		if (rnd() & 1)
			x = -x;
		add_case(cs, x, 0, 0);
	}
}

static void gen_sd_cases(struct cases *cs)
{
	uint64_t sp[MAX_SPECIAL], dsp[MAX_SPECIAL], x;
	int nsp = specials(false, sp), ndsp = specials(true, dsp), i;
	float f;
	double d;

	for (i = 0; i < ndsp; i++)
		add_case(cs, dsp[i], 0, 0);
	for (i = 0; i < NRANDOM; i++) {
		switch (rnd() % 6) {
		case 0:
			x = rnd_fp(true, dsp, ndsp);
			break;
		case 1:		/* single range ends */
			x = rnd_near(true, 1023 - 126 - rnd_range(-2, 26));
			break;
		case 2:
			x = rnd_near(true, 1023 + 127 + rnd_range(-2, 1));
			break;
		default:	/* a single, plus some of the 29 lost bits */
			f = f32(rnd_fp(false, sp, nsp));
			d = f;
			memcpy(&x, &d, 8);
			if (isnan(d) || isinf(d))
				break;
			switch (rnd() % 4) {
			case 0:
				x |= 1ULL << 28;
				break;
			case 1:
				x += rnd() % 3 - 1;
				break;
			case 2:
				x ^= rnd() & ((1ULL << 29) - 1);
				break;
			default:
				x |= (1ULL << 28) | 1;
				break;
			}
			break;
		}
		add_case(cs, x, 0, 0);
	}
}

static void gen_ds_cases(struct cases *cs)
{
	uint64_t sp[MAX_SPECIAL];
	int nsp = specials(false, sp), i;

	for (i = 0; i < nsp; i++)
		add_case(cs, sp[i], 0, 0);
	for (i = 0; i < NRANDOM; i++)
		add_case(cs, rnd_fp(false, sp, nsp), 0, 0);
}

/* ---- running ---- */

static unsigned long total_bad;

static void show(const struct op *op, unsigned int rm, const uint64_t *in,
		 const struct res *got, const struct res *want)
{
	printf("  MISMATCH %s %s in %016llx %016llx %016llx: got %016llx "
	       "fl %02x, want %016llx fl %02x\n", op->name, rm_name[rm],
	       (unsigned long long)in[0], (unsigned long long)in[1],
	       (unsigned long long)in[2], (unsigned long long)got->v,
	       got->fl, (unsigned long long)want->v, want->fl);
}

static void run_op(const struct op *op)
{
	struct cases cs = { 0 };
	struct res *host, got, want;
	unsigned long n = 0, bad = 0;
	unsigned int rm;
	size_t i;

	if (op->kind == K_FROMINT)
		gen_int_cases(op, &cs);
	else if (op->kind == K_S_D)
		gen_sd_cases(&cs);
	else if (op->kind == K_D_S)
		gen_ds_cases(&cs);
	else
		gen_fp_cases(op, &cs);

	host = calloc(cs.n * 4, sizeof(*host));
	if (!host) {
		perror("calloc");
		exit(2);
	}
	for (rm = 0; rm < NRM; rm++) {
		fesetround(host_rm[rm < 4 ? rm : 0]);
		for (i = 0; i < cs.n; i++) {
			const uint64_t *in = cs.c[i].in;

			if (rm < 4) {
				ref(op, in, rm, &host[i * 4 + rm]);
				want = host[i * 4 + rm];
			} else {
				ref_rmm(op, in, &host[i * 4], &want);
			}
			ours(op, in, rm, &got);
			n++;
			if (got.v != want.v || got.fl != want.fl) {
				if (bad++ < MAX_SHOWN)
					show(op, rm, in, &got, &want);
			}
		}
	}
	fesetround(FE_TONEAREST);
	printf("%s: %lu cases, %lu mismatches\n", op->name, n, bad);
	total_bad += bad;
	free(host);
	free(cs.c);
}

/* ---- hand-computed RMM cases ---- */

struct rmm_case {
	const char *what;
	enum kind kind;
	bool dbl;
	unsigned int cvt;
	uint64_t a, b;
	uint64_t rmm, rne;	/* expected results */
	uint32_t fl_rmm, fl_rne;
};

#define NX VSVM_RV_FLAG_NX
#define UF VSVM_RV_FLAG_UF
#define OF VSVM_RV_FLAG_OF

static const struct rmm_case rmm_cases[] = {
	/* 1 + 2^-24: a tie between 1 and 1 + 2^-23 (1 is even) */
	{ "fadd.s 1 + 2^-24", K_ADD, false, 0, 0x3f800000, 0x33800000,
	  0x3f800001, 0x3f800000, NX, NX },
	{ "fadd.s -1 - 2^-24", K_ADD, false, 0, 0xbf800000, 0xb3800000,
	  0xbf800001, 0xbf800000, NX, NX },
	/* (1 + 2^-23) + 2^-24: tie, RNE goes up to the even 1 + 2^-22 */
	{ "fadd.s 1+2^-23 + 2^-24", K_ADD, false, 0, 0x3f800001, 0x33800000,
	  0x3f800002, 0x3f800002, NX, NX },
	/* 1 + 3 * 2^-25: above the tie, both round up */
	{ "fadd.s 1 + 3*2^-25", K_ADD, false, 0, 0x3f800000, 0x33c00000,
	  0x3f800001, 0x3f800001, NX, NX },
	/* subnormal tie: 1.5 * 2^-149 = (3 * 2^-149) / 2 */
	{ "fmul.s 3*2^-149 * 0.5", K_MUL, false, 0, 0x00000003, 0x3f000000,
	  0x00000002, 0x00000002, NX | UF, NX | UF },
	{ "fmul.s 2^-149 * 0.5", K_MUL, false, 0, 0x00000001, 0x3f000000,
	  0x00000001, 0x00000000, NX | UF, NX | UF },
	{ "fmul.s -5*2^-149 * 0.5", K_MUL, false, 0, 0x80000005, 0x3f000000,
	  0x80000003, 0x80000002, NX | UF, NX | UF },
	/* (max - ulp) + ulp / 2: a tie, max - ulp is the even one */
	{ "fadd.s (max - ulp) + 2^103", K_ADD, false, 0, 0x7f7ffffe,
	  0x73000000, 0x7f7fffff, 0x7f7ffffe, NX, NX },
	/* max + ulp / 2: a tie between max (odd) and 2^128: overflow in both */
	{ "fadd.s max + 2^103", K_ADD, false, 0, 0x7f7fffff, 0x73000000,
	  0x7f800000, 0x7f800000, OF | NX, OF | NX },
	{ "fadd.s -max - 2^103", K_ADD, false, 0, 0xff7fffff, 0xf3000000,
	  0xff800000, 0xff800000, OF | NX, OF | NX },
	/* double: 1 + 2^-53 */
	{ "fadd.d 1 + 2^-53", K_ADD, true, 0, 0x3ff0000000000000ULL,
	  0x3ca0000000000000ULL, 0x3ff0000000000001ULL,
	  0x3ff0000000000000ULL, NX, NX },
	{ "fsub.d -1 - 2^-53", K_SUB, true, 0, 0xbff0000000000000ULL,
	  0x3ca0000000000000ULL, 0xbff0000000000001ULL,
	  0xbff0000000000000ULL, NX, NX },
	{ "fmul.d 2^-1074 * 0.5", K_MUL, true, 0, 1, 0x3fe0000000000000ULL,
	  1, 0, NX | UF, NX | UF },
	/*
	 * 2^-1022 - 2^-1075 has 53 bits, so it is tiny after rounding too;
	 * the subnormal tie goes to 2^-1022 (even) or away: NX and UF.
	 */
	{ "fmul.d (2^-1022 - 2^-1075) tie", K_MUL, true, 0,
	  0x001fffffffffffffULL, 0x3fe0000000000000ULL,
	  0x0010000000000000ULL, 0x0010000000000000ULL, NX | UF, NX | UF },
	/*
	 * (2^27 - 1) * 2^-26 times (2^27 + 1) * 2^-1050 is 2^-1022 (1 - 2^-54):
	 * tiny before rounding, but a tie at 53 bits that rounds up to 2^-1022
	 * in both modes, so not tiny after rounding: no UF.
	 */
	{ "fmul.d 2^-1022 (1 - 2^-54)", K_MUL, true, 0, 0x3ffffffffc000000ULL,
	  0x0008000001000000ULL, 0x0010000000000000ULL,
	  0x0010000000000000ULL, NX, NX },
	/* the same in single: 18631 * 2^-14 * 1801 * 2^-137 */
	{ "fmul.s 2^-126 (1 - 2^-25)", K_MUL, false, 0, 0x3f918e00,
	  0x00709000, 0x00800000, 0x00800000, NX, NX },
	/* conversions */
	{ "fcvt.w.s 2.5", K_TOINT, false, VSVM_RV_CVT_W, 0x40200000, 0,
	  3, 2, NX, NX },
	{ "fcvt.w.s -2.5", K_TOINT, false, VSVM_RV_CVT_W, 0xc0200000, 0,
	  (uint64_t)-3, (uint64_t)-2, NX, NX },
	{ "fcvt.w.d 0.5", K_TOINT, true, VSVM_RV_CVT_W,
	  0x3fe0000000000000ULL, 0, 1, 0, NX, NX },
	{ "fcvt.wu.d -0.5", K_TOINT, true, VSVM_RV_CVT_WU,
	  0xbfe0000000000000ULL, 0, 0, 0, VSVM_RV_FLAG_NV, NX },
	{ "fcvt.l.d 3.5", K_TOINT, true, VSVM_RV_CVT_L,
	  0x400c000000000000ULL, 0, 4, 4, NX, NX },
	{ "fcvt.s.w 2^24 + 1", K_FROMINT, false, VSVM_RV_CVT_W, 0x1000001,
	  0, 0x4b800001, 0x4b800000, NX, NX },
	{ "fcvt.s.l -(2^24 + 1)", K_FROMINT, false, VSVM_RV_CVT_L,
	  (uint64_t)-0x1000001LL, 0, 0xcb800001, 0xcb800000, NX, NX },
	{ "fcvt.d.lu 2^53 + 1", K_FROMINT, true, VSVM_RV_CVT_LU,
	  0x20000000000001ULL, 0, 0x4340000000000001ULL,
	  0x4340000000000000ULL, NX, NX },
	{ "fcvt.s.d 1 + 2^-24", K_S_D, false, 0, 0x3ff0000010000000ULL, 0,
	  0x3f800001, 0x3f800000, NX, NX },
	{ "fcvt.s.d 2^-150 (subnormal tie)", K_S_D, false, 0,
	  0x3690000000000000ULL, 0, 0x00000001, 0x00000000, NX | UF,
	  NX | UF },
};

static void run_rmm_table(void)
{
	unsigned long bad = 0, n = 0;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(rmm_cases); i++) {
		const struct rmm_case *t = &rmm_cases[i];
		struct op op = { t->what, t->kind, t->dbl, t->cvt, 0, 0 };
		uint64_t in[3] = { t->a, t->b, 0 };
		struct res got, want;

		for (j = 0; j < 2; j++) {
			unsigned int rm = j ? VSVM_RV_RM_RNE : VSVM_RV_RM_RMM;

			want.v = j ? t->rne : t->rmm;
			want.fl = j ? t->fl_rne : t->fl_rmm;
			ours(&op, in, rm, &got);
			n++;
			if (got.v != want.v || got.fl != want.fl) {
				bad++;
				show(&op, rm, in, &got, &want);
			}
		}
	}
	printf("rmm table: %lu cases, %lu mismatches\n", n, bad);
	total_bad += bad;
}

/* ---- host assumptions ---- */

static void check_host(void)
{
	volatile float a = ldexpf(18631, -14), b = ldexpf(1801, -137);
	volatile float qn = NAN, one = 1, z = 0, inf = INFINITY, r;
	volatile int t;
	uint32_t fl;

	/* a * b = 2^-126 * (1 - 2^-25): tiny before rounding, not after */
	fesetround(FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	r = a * b;
	fl = host_flags();
	printf("host: 2^-126*(1-2^-25) rounds to %08llx, UF %s: tininess "
	       "%s rounding\n", (unsigned long long)bits32(r),
	       fl & VSVM_RV_FLAG_UF ? "set" : "clear",
	       fl & VSVM_RV_FLAG_UF ? "BEFORE" : "after");
	if (fl & VSVM_RV_FLAG_UF)
		printf("host: WARNING: UF flags of the host are not the "
		       "RISC-V ones\n");
	feclearexcept(FE_ALL_EXCEPT);
	r = fmaf(inf, z, qn);
	printf("host: fma(inf, 0, qNaN) %s NV (RISC-V raises it; the "
	       "reference adds it)\n",
	       fetestexcept(FE_INVALID) ? "raises" : "does not raise");
	feclearexcept(FE_ALL_EXCEPT);
	t = qn < one;
	printf("host: qNaN < 1 %s NV (RISC-V flt raises it)\n",
	       fetestexcept(FE_INVALID) ? "raises" : "does not raise");
	(void)t;
}

#define OPS_FP(sfx, dbl)						\
	{ "fadd." sfx, K_ADD, dbl, 0, 0, 0 },				\
	{ "fsub." sfx, K_SUB, dbl, 0, 0, 0 },				\
	{ "fmul." sfx, K_MUL, dbl, 0, 0, 0 },				\
	{ "fdiv." sfx, K_DIV, dbl, 0, 0, 0 },				\
	{ "fsqrt." sfx, K_SQRT, dbl, 0, 0, 0 },				\
	{ "fmadd." sfx, K_FMA, dbl, 0, 0, 0 },				\
	{ "fmsub." sfx, K_FMA, dbl, 0, 0, 1 },				\
	{ "fnmsub." sfx, K_FMA, dbl, 0, 1, 0 },				\
	{ "fnmadd." sfx, K_FMA, dbl, 0, 1, 1 },				\
	{ "fmin." sfx, K_MIN, dbl, 0, 0, 0 },				\
	{ "fmax." sfx, K_MAX, dbl, 0, 0, 0 },				\
	{ "feq." sfx, K_EQ, dbl, 0, 0, 0 },				\
	{ "flt." sfx, K_LT, dbl, 0, 0, 0 },				\
	{ "fle." sfx, K_LE, dbl, 0, 0, 0 },				\
	{ "fclass." sfx, K_CLASS, dbl, 0, 0, 0 },			\
	{ "fcvt.w." sfx, K_TOINT, dbl, VSVM_RV_CVT_W, 0, 0 },		\
	{ "fcvt.wu." sfx, K_TOINT, dbl, VSVM_RV_CVT_WU, 0, 0 },		\
	{ "fcvt.l." sfx, K_TOINT, dbl, VSVM_RV_CVT_L, 0, 0 },		\
	{ "fcvt.lu." sfx, K_TOINT, dbl, VSVM_RV_CVT_LU, 0, 0 },		\
	{ "fcvt." sfx ".w", K_FROMINT, dbl, VSVM_RV_CVT_W, 0, 0 },	\
	{ "fcvt." sfx ".wu", K_FROMINT, dbl, VSVM_RV_CVT_WU, 0, 0 },	\
	{ "fcvt." sfx ".l", K_FROMINT, dbl, VSVM_RV_CVT_L, 0, 0 },	\
	{ "fcvt." sfx ".lu", K_FROMINT, dbl, VSVM_RV_CVT_LU, 0, 0 }

static const struct op ops[] = {
	OPS_FP("s", false),
	OPS_FP("d", true),
	{ "fcvt.s.d", K_S_D, true, 0, 0, 0 },
	{ "fcvt.d.s", K_D_S, false, 0, 0, 0 },
};

int main(int argc, char **argv)
{
	unsigned int i;

	check_host();
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (argc > 1 && strcmp(argv[1], ops[i].name))
			continue;
		run_op(&ops[i]);
	}
	run_rmm_table();
	printf("%s: %lu mismatches\n", total_bad ? "FAIL" : "OK", total_bad);
	return total_bad ? 1 : 0;
}
