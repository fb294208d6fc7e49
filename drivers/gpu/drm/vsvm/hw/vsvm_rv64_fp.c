// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software floating-point unit of the vsvm RISC-V execution units.
 *
 * Everything works on integer bit patterns.  An operand is unpacked into a
 * class, a sign, an unbiased exponent and a 64-bit significand normalised
 * so that bit 63 is set: the value is sig * 2^(exp - 63).  Each operation
 * computes its exact result, or a truncated one whose bit 0 is OR-ed with
 * every discarded bit (a "sticky" bit), and hands it to one routine,
 * rvfp_round_pack(), that rounds it to the destination format in any of
 * the five RISC-V rounding modes and raises the flags.
 *
 * Why the sticky bit is enough: when bits are discarded, the kept value D
 * is made odd and the exact value lies strictly between D - 1 and D + 1,
 * so both lie strictly between the same two consecutive even integers.
 * Every operation keeps at least two bits below the destination's last
 * significant bit, so the rounding boundaries (multiples of half an ulp)
 * are even integers and D rounds exactly as the exact value would.
 *
 * The exported functions are documented in vsvm_rv64_fp.h.
 */

#include <linux/bits.h>
#include <linux/types.h>

#include "vsvm_rv64_fp.h"

/* Operand classes. */
enum rvfp_class {
	RVFP_ZERO,
	RVFP_FINITE,		/* normal or subnormal, non-zero */
	RVFP_INF,
	RVFP_QNAN,
	RVFP_SNAN,
};

/* A binary interchange format. */
struct rvfp_fmt {
	unsigned int fbits;	/* trailing significand bits */
	unsigned int ebits;	/* exponent bits */
	int bias;		/* exponent bias, also the largest exponent */
	u64 qnan;		/* canonical NaN */
};

static const struct rvfp_fmt rvfp_single = { 23, 8, 127, VSVM_RV_QNAN_S };
static const struct rvfp_fmt rvfp_double = { 52, 11, 1023, VSVM_RV_QNAN_D };

/* An unpacked operand; for RVFP_FINITE the value is sig * 2^(exp - 63). */
struct rvfp_num {
	enum rvfp_class cls;
	bool sign;
	int exp;
	u64 sig;
};

static const struct rvfp_fmt *rvfp_format(bool dbl)
{
	return dbl ? &rvfp_double : &rvfp_single;
}

static u64 rvfp_bits(const struct rvfp_fmt *fmt, u64 x)
{
	return fmt->fbits == 52 ? x : x & 0xffffffffULL;
}

static unsigned int rvfp_sign_pos(const struct rvfp_fmt *fmt)
{
	return fmt->fbits + fmt->ebits;
}

static u64 rvfp_inf(const struct rvfp_fmt *fmt, bool sign)
{
	return ((u64)sign << rvfp_sign_pos(fmt)) |
	       ((BIT_ULL(fmt->ebits) - 1) << fmt->fbits);
}

static u64 rvfp_zero(const struct rvfp_fmt *fmt, bool sign)
{
	return (u64)sign << rvfp_sign_pos(fmt);
}

static bool rvfp_is_nan(const struct rvfp_num *n)
{
	return n->cls == RVFP_QNAN || n->cls == RVFP_SNAN;
}

/* Number of leading zero bits of a non-zero x. */
static unsigned int rvfp_clz64(u64 x)
{
	unsigned int n = 0;

	if (!(x >> 32)) {
		n += 32;
		x <<= 32;
	}
	if (!(x >> 48)) {
		n += 16;
		x <<= 16;
	}
	if (!(x >> 56)) {
		n += 8;
		x <<= 8;
	}
	if (!(x >> 60)) {
		n += 4;
		x <<= 4;
	}
	if (!(x >> 62)) {
		n += 2;
		x <<= 2;
	}
	if (!(x >> 63))
		n += 1;
	return n;
}

/* x >> n with every discarded bit OR-ed into bit 0. */
static u64 rvfp_shr_jam(u64 x, unsigned int n)
{
	if (!n)
		return x;
	if (n < 64)
		return (x >> n) | ((x & (BIT_ULL(n) - 1)) != 0);
	return x != 0;
}

/* The same on a 128-bit value hi:lo. */
static void rvfp_shr128_jam(u64 *hi, u64 *lo, unsigned int n)
{
	u64 sticky;

	if (!n)
		return;
	if (n < 64) {
		sticky = (*lo << (64 - n)) != 0;
		*lo = (*lo >> n) | (*hi << (64 - n)) | sticky;
		*hi >>= n;
	} else if (n == 64) {
		*lo = *hi | (*lo != 0);
		*hi = 0;
	} else if (n < 128) {
		sticky = (*lo != 0) || (*hi << (128 - n)) != 0;
		*lo = (*hi >> (n - 64)) | sticky;
		*hi = 0;
	} else {
		*lo = (*hi | *lo) != 0;
		*hi = 0;
	}
}

/* The exact 128-bit product a * b, from 32-bit halves. */
static void rvfp_mul64(u64 a, u64 b, u64 *hi, u64 *lo)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;

	*lo = (mid << 32) | (u32)ll;
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/*
 * m / 2^sh rounded to an integer in mode rm (sign is the sign of the
 * value, for the directed modes); *inexact tells whether bits were lost.
 * Any sh works; the result may carry into one more bit than m >> sh.
 */
static u64 rvfp_round_shift(u64 m, unsigned int sh, bool sign,
			    unsigned int rm, bool *inexact)
{
	u64 q, rem, half;
	bool up;

	if (!sh) {
		*inexact = false;
		return m;
	}
	if (sh < 64) {
		q = m >> sh;
		rem = m & (BIT_ULL(sh) - 1);
		half = BIT_ULL(sh - 1);
	} else if (sh == 64) {
		q = 0;
		rem = m;
		half = BIT_ULL(63);
	} else {
		/* Everything is below half of the last place. */
		q = 0;
		rem = m != 0;
		half = 2;
	}
	*inexact = rem != 0;
	switch (rm) {
	case VSVM_RV_RM_RNE:
		up = rem > half || (rem == half && (q & 1));
		break;
	case VSVM_RV_RM_RMM:
		up = rem >= half;
		break;
	case VSVM_RV_RM_RDN:
		up = rem && sign;
		break;
	case VSVM_RV_RM_RUP:
		up = rem && !sign;
		break;
	default:		/* RTZ */
		up = false;
		break;
	}
	return q + up;
}

static u64 rvfp_overflow(const struct rvfp_fmt *fmt, bool sign,
			 unsigned int rm, u32 *flags)
{
	bool to_inf;

	*flags |= VSVM_RV_FLAG_OF | VSVM_RV_FLAG_NX;
	switch (rm) {
	case VSVM_RV_RM_RTZ:
		to_inf = false;
		break;
	case VSVM_RV_RM_RDN:
		to_inf = sign;
		break;
	case VSVM_RV_RM_RUP:
		to_inf = !sign;
		break;
	default:		/* RNE, RMM */
		to_inf = true;
		break;
	}
	/* The largest finite value is the infinity pattern minus one. */
	return rvfp_inf(fmt, sign) - !to_inf;
}

/*
 * Round sign * sig * 2^(exp - 63) (sig non-zero, bit 0 possibly sticky)
 * to the format in mode rm and pack it, raising NX, UF and OF.
 */
static u64 rvfp_round_pack(const struct rvfp_fmt *fmt, bool sign, int exp,
			   u64 sig, unsigned int rm, u32 *flags)
{
	unsigned int prec = fmt->fbits + 1;
	unsigned int sh = 64 - prec;
	unsigned int lz = rvfp_clz64(sig);
	int emin = 1 - fmt->bias;
	bool inexact, tiny;
	u64 q;

	sig <<= lz;
	exp -= (int)lz;
	if (exp >= emin) {
		q = rvfp_round_shift(sig, sh, sign, rm, &inexact);
		if (q >> prec) {	/* carried into 2^prec */
			q >>= 1;
			exp++;
		}
		if (exp > fmt->bias)
			return rvfp_overflow(fmt, sign, rm, flags);
		if (inexact)
			*flags |= VSVM_RV_FLAG_NX;
		return rvfp_zero(fmt, sign) |
		       ((u64)(exp + fmt->bias) << fmt->fbits) |
		       (q & (BIT_ULL(fmt->fbits) - 1));
	}

	/*
	 * Below the normal range before rounding.  Tininess is detected after
	 * rounding: the value is tiny unless rounding it to prec bits with an
	 * unbounded exponent carries it up to 2^emin.
	 */
	tiny = true;
	if (exp == emin - 1) {
		q = rvfp_round_shift(sig, sh, sign, rm, &inexact);
		tiny = !(q >> prec);
	}
	/*
	 * Denormalise: the last place is 2^(emin - fbits).  A carry into bit
	 * fbits yields the smallest normal pattern by itself.
	 */
	q = rvfp_round_shift(sig, sh + (unsigned int)(emin - exp), sign, rm,
			     &inexact);
	if (inexact) {
		*flags |= VSVM_RV_FLAG_NX;
		if (tiny)
			*flags |= VSVM_RV_FLAG_UF;
	}
	return rvfp_zero(fmt, sign) | q;
}

static void rvfp_unpack(const struct rvfp_fmt *fmt, u64 x, struct rvfp_num *n)
{
	u64 frac = x & (BIT_ULL(fmt->fbits) - 1);
	unsigned int e = (x >> fmt->fbits) & (BIT(fmt->ebits) - 1);
	unsigned int lz;

	n->sign = (x >> rvfp_sign_pos(fmt)) & 1;
	n->exp = 0;
	n->sig = 0;
	if (e == BIT(fmt->ebits) - 1) {
		if (!frac)
			n->cls = RVFP_INF;
		else if (frac & BIT_ULL(fmt->fbits - 1))
			n->cls = RVFP_QNAN;
		else
			n->cls = RVFP_SNAN;
	} else if (!e) {
		if (!frac) {
			n->cls = RVFP_ZERO;
		} else {
			n->cls = RVFP_FINITE;
			lz = rvfp_clz64(frac);
			n->sig = frac << lz;
			n->exp = 1 - fmt->bias - (int)(lz - (63 - fmt->fbits));
		}
	} else {
		n->cls = RVFP_FINITE;
		n->sig = (frac | BIT_ULL(fmt->fbits)) << (63 - fmt->fbits);
		n->exp = (int)e - fmt->bias;
	}
}

/* Canonical NaN result; NV if one of the operands is signaling. */
static u64 rvfp_nan(const struct rvfp_fmt *fmt, const struct rvfp_num *a,
		    const struct rvfp_num *b, u32 *flags)
{
	if (a->cls == RVFP_SNAN || (b && b->cls == RVFP_SNAN))
		*flags |= VSVM_RV_FLAG_NV;
	return fmt->qnan;
}

static u64 rvfp_invalid(const struct rvfp_fmt *fmt, u32 *flags)
{
	*flags |= VSVM_RV_FLAG_NV;
	return fmt->qnan;
}

/* Exact zero result of a sum of opposite-signed operands. */
static u64 rvfp_exact_zero(const struct rvfp_fmt *fmt, unsigned int rm)
{
	return rvfp_zero(fmt, rm == VSVM_RV_RM_RDN);
}

/* Repack a finite operand (exact, raises nothing). */
static u64 rvfp_repack(const struct rvfp_fmt *fmt, const struct rvfp_num *n,
		       unsigned int rm, u32 *flags)
{
	return rvfp_round_pack(fmt, n->sign, n->exp, n->sig, rm, flags);
}

static u64 rvfp_add(const struct rvfp_fmt *fmt, u64 a, u64 b, bool neg_b,
		    unsigned int rm, u32 *flags)
{
	struct rvfp_num x, y, t;
	unsigned int d;
	u64 mx, my, m;

	rvfp_unpack(fmt, rvfp_bits(fmt, a), &x);
	rvfp_unpack(fmt, rvfp_bits(fmt, b), &y);
	y.sign ^= neg_b;
	if (rvfp_is_nan(&x) || rvfp_is_nan(&y))
		return rvfp_nan(fmt, &x, &y, flags);
	if (x.cls == RVFP_INF) {
		if (y.cls == RVFP_INF && x.sign != y.sign)
			return rvfp_invalid(fmt, flags);
		return rvfp_inf(fmt, x.sign);
	}
	if (y.cls == RVFP_INF)
		return rvfp_inf(fmt, y.sign);
	if (x.cls == RVFP_ZERO && y.cls == RVFP_ZERO) {
		if (x.sign == y.sign)
			return rvfp_zero(fmt, x.sign);
		return rvfp_exact_zero(fmt, rm);
	}
	if (x.cls == RVFP_ZERO)
		return rvfp_repack(fmt, &y, rm, flags);
	if (y.cls == RVFP_ZERO)
		return rvfp_repack(fmt, &x, rm, flags);

	/* Make |x| >= |y|. */
	if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
		t = x;
		x = y;
		y = t;
	}
	/* One bit of headroom for the carry; no bits are lost. */
	d = (unsigned int)(x.exp - y.exp);
	mx = x.sig >> 1;
	my = rvfp_shr_jam(y.sig >> 1, d);
	if (x.sign == y.sign) {
		m = mx + my;
	} else {
		m = mx - my;
		if (!m)
			return rvfp_exact_zero(fmt, rm);
	}
	return rvfp_round_pack(fmt, x.sign, x.exp + 1, m, rm, flags);
}

u64 vsvm_rv_fadd(bool dbl, u64 a, u64 b, unsigned int rm, u32 *flags)
{
	return rvfp_add(rvfp_format(dbl), a, b, false, rm, flags);
}

u64 vsvm_rv_fsub(bool dbl, u64 a, u64 b, unsigned int rm, u32 *flags)
{
	return rvfp_add(rvfp_format(dbl), a, b, true, rm, flags);
}

u64 vsvm_rv_fmul(bool dbl, u64 a, u64 b, unsigned int rm, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);
	struct rvfp_num x, y;
	bool sign;
	u64 hi, lo;

	rvfp_unpack(fmt, rvfp_bits(fmt, a), &x);
	rvfp_unpack(fmt, rvfp_bits(fmt, b), &y);
	if (rvfp_is_nan(&x) || rvfp_is_nan(&y))
		return rvfp_nan(fmt, &x, &y, flags);
	sign = x.sign ^ y.sign;
	if (x.cls == RVFP_INF || y.cls == RVFP_INF) {
		if (x.cls == RVFP_ZERO || y.cls == RVFP_ZERO)
			return rvfp_invalid(fmt, flags);
		return rvfp_inf(fmt, sign);
	}
	if (x.cls == RVFP_ZERO || y.cls == RVFP_ZERO)
		return rvfp_zero(fmt, sign);
	/* x.sig * y.sig * 2^(x.exp + y.exp - 126), hi keeps bits 127..64. */
	rvfp_mul64(x.sig, y.sig, &hi, &lo);
	return rvfp_round_pack(fmt, sign, x.exp + y.exp + 1, hi | (lo != 0),
			       rm, flags);
}

u64 vsvm_rv_fdiv(bool dbl, u64 a, u64 b, unsigned int rm, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);
	unsigned int i, nbits = fmt->fbits + 5;
	struct rvfp_num x, y;
	u64 rem, div, q;
	bool sign;

	rvfp_unpack(fmt, rvfp_bits(fmt, a), &x);
	rvfp_unpack(fmt, rvfp_bits(fmt, b), &y);
	if (rvfp_is_nan(&x) || rvfp_is_nan(&y))
		return rvfp_nan(fmt, &x, &y, flags);
	sign = x.sign ^ y.sign;
	if (x.cls == RVFP_INF) {
		if (y.cls == RVFP_INF)
			return rvfp_invalid(fmt, flags);
		return rvfp_inf(fmt, sign);
	}
	if (y.cls == RVFP_INF)
		return rvfp_zero(fmt, sign);
	if (y.cls == RVFP_ZERO) {
		if (x.cls == RVFP_ZERO)
			return rvfp_invalid(fmt, flags);
		*flags |= VSVM_RV_FLAG_DZ;
		return rvfp_inf(fmt, sign);
	}
	if (x.cls == RVFP_ZERO)
		return rvfp_zero(fmt, sign);

	/*
	 * Restoring division, one quotient bit per step starting with the
	 * 2^0 place: q = floor(x.sig / y.sig * 2^(nbits - 1)), at least
	 * fbits + 4 significant bits, and the remainder is the sticky bit.
	 */
	rem = x.sig >> 1;
	div = y.sig >> 1;
	q = 0;
	for (i = 0; i < nbits; i++) {
		q <<= 1;
		if (rem >= div) {
			rem -= div;
			q |= 1;
		}
		rem <<= 1;
	}
	return rvfp_round_pack(fmt, sign, x.exp - y.exp + 64 - (int)nbits,
			       q | (rem != 0), rm, flags);
}

u64 vsvm_rv_fsqrt(bool dbl, u64 a, unsigned int rm, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);
	int i, e, t, nbits = (int)fmt->fbits + 4;
	struct rvfp_num x;
	u64 rem, r, trial, pair;
	int lo_bit;

	rvfp_unpack(fmt, rvfp_bits(fmt, a), &x);
	if (rvfp_is_nan(&x))
		return rvfp_nan(fmt, &x, NULL, flags);
	if (x.cls == RVFP_ZERO)
		return rvfp_zero(fmt, x.sign);
	if (x.sign)
		return rvfp_invalid(fmt, flags);
	if (x.cls == RVFP_INF)
		return rvfp_inf(fmt, false);

	/*
	 * x = m * 2^e with m = sig / 2^63 in [1, 2).  Make e even (m in
	 * [1, 4)); then sqrt(x) = sqrt(m) * 2^(e / 2).  The integer square
	 * root r of R = m * 2^(2 * (nbits - 1)) has nbits bits; R is sig
	 * shifted left by t (t may be negative: sig then has enough trailing
	 * zeros), fed to the digit-by-digit method two bits at a time.
	 */
	e = x.exp;
	t = 2 * nbits - 65;
	if (e & 1) {
		e--;
		t++;
	}
	rem = 0;
	r = 0;
	for (i = nbits - 1; i >= 0; i--) {
		lo_bit = 2 * i - t;
		pair = 0;
		if (lo_bit + 1 >= 0 && lo_bit + 1 < 64)
			pair |= ((x.sig >> (lo_bit + 1)) & 1) << 1;
		if (lo_bit >= 0 && lo_bit < 64)
			pair |= (x.sig >> lo_bit) & 1;
		rem = (rem << 2) | pair;
		trial = (r << 2) | 1;
		r <<= 1;
		if (rem >= trial) {
			rem -= trial;
			r |= 1;
		}
	}
	/* sqrt(x) = r * 2^(e / 2 - (nbits - 1)), r's sticky is the remainder */
	return rvfp_round_pack(fmt, false, e / 2 + 64 - nbits, r | (rem != 0),
			       rm, flags);
}

u64 vsvm_rv_fma(bool dbl, u64 a, u64 b, u64 c, bool neg_prod, bool neg_add,
		unsigned int rm, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);
	struct rvfp_num x, y, z;
	u64 ph, pl, ch, cl, rh, rl, sig;
	int pscale, cscale, scale;
	bool psign, sign;
	unsigned int k;

	rvfp_unpack(fmt, rvfp_bits(fmt, a), &x);
	rvfp_unpack(fmt, rvfp_bits(fmt, b), &y);
	rvfp_unpack(fmt, rvfp_bits(fmt, c), &z);
	if (x.cls == RVFP_SNAN || y.cls == RVFP_SNAN || z.cls == RVFP_SNAN)
		*flags |= VSVM_RV_FLAG_NV;
	if ((x.cls == RVFP_INF && y.cls == RVFP_ZERO) ||
	    (x.cls == RVFP_ZERO && y.cls == RVFP_INF))
		return rvfp_invalid(fmt, flags);
	if (rvfp_is_nan(&x) || rvfp_is_nan(&y) || rvfp_is_nan(&z))
		return fmt->qnan;
	psign = x.sign ^ y.sign ^ neg_prod;
	z.sign ^= neg_add;
	if (x.cls == RVFP_INF || y.cls == RVFP_INF) {
		if (z.cls == RVFP_INF && z.sign != psign)
			return rvfp_invalid(fmt, flags);
		return rvfp_inf(fmt, psign);
	}
	if (z.cls == RVFP_INF)
		return rvfp_inf(fmt, z.sign);
	if (x.cls == RVFP_ZERO || y.cls == RVFP_ZERO) {
		if (z.cls != RVFP_ZERO)
			return rvfp_repack(fmt, &z, rm, flags);
		if (z.sign == psign)
			return rvfp_zero(fmt, psign);
		return rvfp_exact_zero(fmt, rm);
	}

	/* The exact product, x.sig * y.sig * 2^(x.exp + y.exp - 126). */
	rvfp_mul64(x.sig, y.sig, &ph, &pl);
	if (z.cls == RVFP_ZERO)
		return rvfp_round_pack(fmt, psign, x.exp + y.exp + 1,
				       ph | (pl != 0), rm, flags);

	/*
	 * Both terms as 128-bit integers times 2^scale with the top bit at
	 * 126 or 125, so that the sum cannot overflow; the product's bit 0
	 * and the addend's low bits are zero, so these shifts are exact.
	 */
	pl = (pl >> 1) | (ph << 63);
	ph >>= 1;
	pscale = x.exp + y.exp - 125;
	ch = z.sig >> 1;
	cl = z.sig << 63;
	cscale = z.exp - 126;
	if (pscale >= cscale) {
		rvfp_shr128_jam(&ch, &cl, (unsigned int)(pscale - cscale));
		scale = pscale;
	} else {
		rvfp_shr128_jam(&ph, &pl, (unsigned int)(cscale - pscale));
		scale = cscale;
	}
	if (psign == z.sign) {
		rl = pl + cl;
		rh = ph + ch + (rl < pl);
		sign = psign;
	} else if (ph > ch || (ph == ch && pl >= cl)) {
		rl = pl - cl;
		rh = ph - ch - (pl < cl);
		sign = psign;
	} else {
		rl = cl - pl;
		rh = ch - ph - (cl < pl);
		sign = z.sign;
	}
	if (!rh && !rl)
		return rvfp_exact_zero(fmt, rm);

	/* Normalise to 64 bits; k is the position of the top bit. */
	if (rh)
		k = 127 - rvfp_clz64(rh);
	else
		k = 63 - rvfp_clz64(rl);
	if (k >= 63) {
		rvfp_shr128_jam(&rh, &rl, k - 63);
		sig = rl;
	} else {
		sig = rl << (63 - k);
	}
	return rvfp_round_pack(fmt, sign, scale + (int)k, sig, rm, flags);
}

/* a < b in the total order of non-NaN patterns where -0 < +0. */
static bool rvfp_lt_signed_zero(const struct rvfp_fmt *fmt, u64 a, u64 b)
{
	unsigned int sp = rvfp_sign_pos(fmt);
	bool sa = (a >> sp) & 1, sb = (b >> sp) & 1;
	u64 ma = a & (BIT_ULL(sp) - 1), mb = b & (BIT_ULL(sp) - 1);

	if (sa != sb)
		return sa;
	return sa ? ma > mb : ma < mb;
}

static bool rvfp_both_zero(const struct rvfp_fmt *fmt, u64 a, u64 b)
{
	return !((a | b) & (BIT_ULL(rvfp_sign_pos(fmt)) - 1));
}

static u64 rvfp_minmax(bool dbl, u64 a, u64 b, bool max, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);
	struct rvfp_num x, y;

	a = rvfp_bits(fmt, a);
	b = rvfp_bits(fmt, b);
	rvfp_unpack(fmt, a, &x);
	rvfp_unpack(fmt, b, &y);
	if (x.cls == RVFP_SNAN || y.cls == RVFP_SNAN)
		*flags |= VSVM_RV_FLAG_NV;
	if (rvfp_is_nan(&x) && rvfp_is_nan(&y))
		return fmt->qnan;
	if (rvfp_is_nan(&x))
		return b;
	if (rvfp_is_nan(&y))
		return a;
	return rvfp_lt_signed_zero(fmt, a, b) != max ? a : b;
}

u64 vsvm_rv_fmin(bool dbl, u64 a, u64 b, u32 *flags)
{
	return rvfp_minmax(dbl, a, b, false, flags);
}

u64 vsvm_rv_fmax(bool dbl, u64 a, u64 b, u32 *flags)
{
	return rvfp_minmax(dbl, a, b, true, flags);
}

/* Unpack both operands; NV for a signaling NaN, or any NaN if @signaling. */
static bool rvfp_cmp_nan(const struct rvfp_fmt *fmt, u64 a, u64 b,
			 bool signaling, u32 *flags)
{
	struct rvfp_num x, y;

	rvfp_unpack(fmt, a, &x);
	rvfp_unpack(fmt, b, &y);
	if (!rvfp_is_nan(&x) && !rvfp_is_nan(&y))
		return false;
	if (signaling || x.cls == RVFP_SNAN || y.cls == RVFP_SNAN)
		*flags |= VSVM_RV_FLAG_NV;
	return true;
}

bool vsvm_rv_feq(bool dbl, u64 a, u64 b, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);

	a = rvfp_bits(fmt, a);
	b = rvfp_bits(fmt, b);
	if (rvfp_cmp_nan(fmt, a, b, false, flags))
		return false;
	return a == b || rvfp_both_zero(fmt, a, b);
}

bool vsvm_rv_flt(bool dbl, u64 a, u64 b, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);

	a = rvfp_bits(fmt, a);
	b = rvfp_bits(fmt, b);
	if (rvfp_cmp_nan(fmt, a, b, true, flags))
		return false;
	if (rvfp_both_zero(fmt, a, b))
		return false;
	return rvfp_lt_signed_zero(fmt, a, b);
}

bool vsvm_rv_fle(bool dbl, u64 a, u64 b, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);

	a = rvfp_bits(fmt, a);
	b = rvfp_bits(fmt, b);
	if (rvfp_cmp_nan(fmt, a, b, true, flags))
		return false;
	if (a == b || rvfp_both_zero(fmt, a, b))
		return true;
	return rvfp_lt_signed_zero(fmt, a, b);
}

u32 vsvm_rv_fclass(bool dbl, u64 a)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);
	u64 e = (BIT_ULL(fmt->ebits) - 1) << fmt->fbits;
	struct rvfp_num x;

	a = rvfp_bits(fmt, a);
	rvfp_unpack(fmt, a, &x);
	switch (x.cls) {
	case RVFP_SNAN:
		return VSVM_RV_FCLASS_SNAN;
	case RVFP_QNAN:
		return VSVM_RV_FCLASS_QNAN;
	case RVFP_INF:
		return x.sign ? VSVM_RV_FCLASS_NEG_INF : VSVM_RV_FCLASS_POS_INF;
	case RVFP_ZERO:
		return x.sign ? VSVM_RV_FCLASS_NEG_ZERO :
				VSVM_RV_FCLASS_POS_ZERO;
	default:
		break;
	}
	if (!(a & e))
		return x.sign ? VSVM_RV_FCLASS_NEG_SUBNORMAL :
				VSVM_RV_FCLASS_POS_SUBNORMAL;
	return x.sign ? VSVM_RV_FCLASS_NEG_NORMAL : VSVM_RV_FCLASS_POS_NORMAL;
}

/* Saturated result of an invalid conversion to an integer. */
static u64 rvfp_cvt_invalid(unsigned int kind, bool neg, u32 *flags)
{
	*flags |= VSVM_RV_FLAG_NV;
	switch (kind) {
	case VSVM_RV_CVT_W:
		return neg ? 0xffffffff80000000ULL : 0x7fffffffULL;
	case VSVM_RV_CVT_WU:
		return neg ? 0 : ~0ULL;		/* 0xffffffff sign-extended */
	case VSVM_RV_CVT_L:
		return neg ? BIT_ULL(63) : BIT_ULL(63) - 1;
	default:
		return neg ? 0 : ~0ULL;
	}
}

u64 vsvm_rv_fcvt_to_int(bool dbl, u64 a, unsigned int kind, unsigned int rm,
			u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);
	struct rvfp_num x;
	bool inexact;
	u64 q, lim;

	rvfp_unpack(fmt, rvfp_bits(fmt, a), &x);
	if (rvfp_is_nan(&x))
		return rvfp_cvt_invalid(kind, false, flags);
	if (x.cls == RVFP_INF)
		return rvfp_cvt_invalid(kind, x.sign, flags);
	if (x.cls == RVFP_ZERO)
		return 0;
	/* Magnitudes of 2^64 and up are out of every range. */
	if (x.exp > 63)
		return rvfp_cvt_invalid(kind, x.sign, flags);
	q = rvfp_round_shift(x.sig, (unsigned int)(63 - x.exp), x.sign, rm,
			     &inexact);
	/* q cannot wrap: for x.exp = 62 it is below 2^63 + 1. */
	switch (kind) {
	case VSVM_RV_CVT_W:
		lim = x.sign ? BIT_ULL(31) : BIT_ULL(31) - 1;
		break;
	case VSVM_RV_CVT_WU:
		lim = x.sign ? 0 : 0xffffffffULL;
		break;
	case VSVM_RV_CVT_L:
		lim = x.sign ? BIT_ULL(63) : BIT_ULL(63) - 1;
		break;
	default:
		lim = x.sign ? 0 : ~0ULL;
		break;
	}
	if (q > lim)
		return rvfp_cvt_invalid(kind, x.sign, flags);
	if (inexact)
		*flags |= VSVM_RV_FLAG_NX;
	if (x.sign)
		q = -q;
	if (kind == VSVM_RV_CVT_W || kind == VSVM_RV_CVT_WU)
		q = (u64)(s64)(s32)(u32)q;
	return q;
}

u64 vsvm_rv_fcvt_from_int(bool dbl, u64 x, unsigned int kind,
			  unsigned int rm, u32 *flags)
{
	const struct rvfp_fmt *fmt = rvfp_format(dbl);
	bool sign = false;
	u64 mag;

	switch (kind) {
	case VSVM_RV_CVT_W:
		mag = (u64)(s64)(s32)(u32)x;
		sign = (s64)mag < 0;
		break;
	case VSVM_RV_CVT_WU:
		mag = (u32)x;
		break;
	case VSVM_RV_CVT_L:
		mag = x;
		sign = (s64)mag < 0;
		break;
	default:
		mag = x;
		break;
	}
	if (sign)
		mag = -mag;
	if (!mag)
		return rvfp_zero(fmt, false);
	return rvfp_round_pack(fmt, sign, 63, mag, rm, flags);
}

u64 vsvm_rv_fcvt_s_d(u64 a, unsigned int rm, u32 *flags)
{
	struct rvfp_num x;

	rvfp_unpack(&rvfp_double, a, &x);
	switch (x.cls) {
	case RVFP_QNAN:
	case RVFP_SNAN:
		return rvfp_nan(&rvfp_single, &x, NULL, flags);
	case RVFP_INF:
		return rvfp_inf(&rvfp_single, x.sign);
	case RVFP_ZERO:
		return rvfp_zero(&rvfp_single, x.sign);
	default:
		return rvfp_repack(&rvfp_single, &x, rm, flags);
	}
}

u64 vsvm_rv_fcvt_d_s(u64 a, u32 *flags)
{
	struct rvfp_num x;

	rvfp_unpack(&rvfp_single, a & 0xffffffffULL, &x);
	switch (x.cls) {
	case RVFP_QNAN:
	case RVFP_SNAN:
		return rvfp_nan(&rvfp_double, &x, NULL, flags);
	case RVFP_INF:
		return rvfp_inf(&rvfp_double, x.sign);
	case RVFP_ZERO:
		return rvfp_zero(&rvfp_double, x.sign);
	default:
		return rvfp_repack(&rvfp_double, &x, VSVM_RV_RM_RNE, flags);
	}
}
