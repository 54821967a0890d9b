/*
 * expr.c - vectorized evaluation of bound expressions over chunks.
 *
 * The binder (plan.c) has already made both operands of an operator the
 * same family (int64, double, decimal at one scale, text), so each kernel
 * is one loop over plain arrays. NULLs travel in byte arrays beside the
 * values; a kernel computes over every row and then marks NULL rows, so
 * the loops stay branch-free where it matters. Errors that depend on a
 * value (division by zero, overflow) are checked only on non-NULL rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/exec.h"

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

/* A fresh null array of n bytes, all zero. */
static uint8_t *nulls_new(struct sql_arena *a, size_t n)
{
	uint8_t *p = sql_arena_alloc(a, n ? n : 1);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

/* out->null = a->null | b->null (NULL pointer when neither has any). */
static int nulls_or(struct sql_vec *out, const struct sql_vec *a,
    const struct sql_vec *b, size_t n, struct sql_arena *ar)
{
	size_t i;

	if ((a == NULL || a->null == NULL) && (b == NULL || b->null == NULL)) {
		out->null = NULL;
		return 0;
	}
	out->null = sql_arena_alloc(ar, n ? n : 1);
	if (out->null == NULL)
		return -1;
	if (a != NULL && a->null != NULL && b != NULL && b->null != NULL) {
		for (i = 0; i < n; i++)
			out->null[i] = a->null[i] | b->null[i];
	} else {
		memcpy(out->null, a != NULL && a->null != NULL ? a->null : b->null, n);
	}
	return 0;
}

static int is_null(const struct sql_vec *v, size_t i)
{
	return v->null != NULL && v->null[i];
}

int sql_eval_const(struct exec *x, const struct sql_expr *e,
    struct sql_val *out, struct sql_arena *a)
{
	struct sql_chunk one;
	struct sql_vec v;
	int rc;

	memset(&one, 0, sizeof(one));
	one.n = 1;
	rc = sql_eval(x, e, &one, &v, a);
	if (rc != 0)
		return rc;
	sql_vec_get(&v, 0, out);
	return 0;
}

/* ---- hashing and equality ---- */

#define mix64 sql_mix64

uint64_t sql_hash_val(const struct sql_vec *v, size_t i, uint64_t seed)
{
	uint64_t h;

	if (is_null(v, i))
		return mix64(seed ^ 0x9e3779b97f4a7c15ULL);
	switch (v->t.id) {
	case T_DOUBLE: {
		double d = v->v.d[i];
		uint64_t bits;
		if (d == 0)
			d = 0;          /* -0.0 equals 0.0 */
		memcpy(&bits, &d, 8);
		h = mix64(bits ^ seed);
		break;
	}
	case T_DECIMAL: {
		unsigned __int128 u = (unsigned __int128)v->v.x[i];
		h = mix64((uint64_t)u ^ mix64((uint64_t)(u >> 64) ^ seed));
		break;
	}
	case T_TEXT: case T_JSON: case T_BLOB: {
		const struct sql_str *s = &v->v.s[i];
		if (s->n <= 16) {
			/* short keys (flags, codes, names) are the common case:
			 * two words and the length, mixed, cost less than XXH3 */
			const unsigned char *q = (const unsigned char *)s->p;
			uint64_t a = 0, b = 0;
			uint32_t k;
			for (k = 0; k < s->n && k < 8; k++)
				a |= (uint64_t)q[k] << (8 * k);
			for (; k < s->n; k++)
				b |= (uint64_t)q[k] << (8 * (k - 8));
			h = mix64(a ^ mix64(b ^ ((uint64_t)s->n << 56) ^ seed));
		} else {
			h = mix64(rdb_hash64(s->p, s->n) ^ seed);
		}
		break;
	}
	case T_INTERVAL:
		h = mix64((uint64_t)v->v.iv[i].us ^ mix64((uint64_t)v->v.iv[i].days ^
		    ((uint64_t)v->v.iv[i].months << 32) ^ seed));
		break;
	case T_NULL:
		h = mix64(seed ^ 0x9e3779b97f4a7c15ULL);
		break;
	default:
		h = mix64((uint64_t)v->v.i[i] ^ seed);
	}
	return h;
}

int sql_vec_eq(const struct sql_vec *a, size_t i, const struct sql_vec *b,
    size_t j)
{
	int na = is_null(a, i), nb = is_null(b, j);

	if (na || nb)
		return na && nb;
	switch (a->t.id) {
	case T_DOUBLE:
		return a->v.d[i] == b->v.d[j] ||
		    (isnan(a->v.d[i]) && isnan(b->v.d[j]));
	case T_DECIMAL:
		return a->v.x[i] == b->v.x[j];
	case T_TEXT: case T_JSON: case T_BLOB:
		return a->v.s[i].n == b->v.s[j].n && (a->v.s[i].n == 0 ||
		    !memcmp(a->v.s[i].p, b->v.s[j].p, a->v.s[i].n));
	case T_INTERVAL:
		return !memcmp(&a->v.iv[i], &b->v.iv[j], sizeof(struct sql_interval));
	case T_NULL:
		return 1;
	default:
		return a->v.i[i] == b->v.i[j];
	}
}

/* ---- gathering a subset of a chunk (for CASE branches) ---- */

int sql_vec_gather(const struct sql_vec *src, const uint32_t *idx,
    size_t n, struct sql_vec *out, struct sql_arena *a)
{
	size_t i;

	if (sql_vec_alloc(out, src->t, n, a) != 0)
		return -1;
	if (src->t.id == T_NULL)
		return 0;
	out->bits = src->bits;  /* a subset of src's values */
	switch (src->t.id) {
	case T_DOUBLE:
		for (i = 0; i < n; i++)
			out->v.d[i] = src->v.d[idx[i]];
		break;
	case T_DECIMAL:
		for (i = 0; i < n; i++)
			out->v.x[i] = src->v.x[idx[i]];
		break;
	case T_TEXT: case T_JSON: case T_BLOB:
		for (i = 0; i < n; i++)
			out->v.s[i] = src->v.s[idx[i]];
		break;
	case T_INTERVAL:
		for (i = 0; i < n; i++)
			out->v.iv[i] = src->v.iv[idx[i]];
		break;
	default:
		for (i = 0; i < n; i++)
			out->v.i[i] = src->v.i[idx[i]];
	}
	if (src->null != NULL) {
		out->null = sql_arena_alloc(a, n ? n : 1);
		if (out->null == NULL)
			return -1;
		for (i = 0; i < n; i++)
			out->null[i] = src->null[idx[i]];
	}
	return 0;
}

int sql_chunk_gather(const struct sql_chunk *in, const uint32_t *idx,
    size_t n, struct sql_chunk *out, struct sql_arena *a)
{
	size_t c;

	out->n = n;
	out->ncols = in->ncols;
	out->cols = sql_arena_alloc(a, sizeof(*out->cols) * (in->ncols + 1));
	if (out->cols == NULL)
		return -1;
	for (c = 0; c < in->ncols; c++)
		if (sql_vec_gather(&in->cols[c], idx, n, &out->cols[c], a) != 0)
			return -1;
	return 0;
}

/* ---- kernels ---- */

static int div_zero(struct exec *x)
{
	return sql_error(&x->cx, "division by zero");
}

static int overflow(struct exec *x, const char *what)
{
	return sql_error(&x->cx, "%s out of range (overflow)", what);
}

static int arith_int(struct exec *x, int op, const struct sql_vec *a,
    const struct sql_vec *b, struct sql_vec *o, size_t n)
{
	const int64_t *p = a->v.i, *q = b->v.i;
	int64_t *r = o->v.i;
	size_t i;
	int bad = 0;

	switch (op) {
	case OP_ADD:
		for (i = 0; i < n; i++)
			bad |= __builtin_add_overflow(p[i], q[i], &r[i]);
		break;
	case OP_SUB:
		for (i = 0; i < n; i++)
			bad |= __builtin_sub_overflow(p[i], q[i], &r[i]);
		break;
	case OP_MUL:
		for (i = 0; i < n; i++)
			bad |= __builtin_mul_overflow(p[i], q[i], &r[i]);
		break;
	case OP_DIV: case OP_MOD:
		for (i = 0; i < n; i++) {
			if (o->null != NULL && o->null[i]) {
				r[i] = 0;
				continue;
			}
			if (q[i] == 0)
				return div_zero(x);
			if (q[i] == -1) {
				if (p[i] == INT64_MIN && op == OP_DIV)
					return overflow(x, "BIGINT");
				r[i] = op == OP_DIV ? -p[i] : 0;
				continue;
			}
			r[i] = op == OP_DIV ? p[i] / q[i] : p[i] % q[i];
		}
		return 0;
	}
	if (bad) {
		/* Overflow on a NULL row's leftover bits does not count. */
		for (i = 0; i < n; i++) {
			int64_t t;
			int of = op == OP_ADD ? __builtin_add_overflow(p[i], q[i], &t) :
			    op == OP_SUB ? __builtin_sub_overflow(p[i], q[i], &t) :
			    __builtin_mul_overflow(p[i], q[i], &t);
			if (of && (o->null == NULL || !o->null[i]))
				return overflow(x, "BIGINT");
		}
	}
	if (o->t.id == T_INT)
		for (i = 0; i < n; i++)
			if ((r[i] > INT32_MAX || r[i] < INT32_MIN) &&
			    (o->null == NULL || !o->null[i]))
				return overflow(x, "INTEGER");
	return 0;
}

static int arith_double(struct exec *x, int op, const struct sql_vec *a,
    const struct sql_vec *b, struct sql_vec *o, size_t n)
{
	const double *p = a->v.d, *q = b->v.d;
	double *r = o->v.d;
	size_t i;

	switch (op) {
	case OP_ADD:
		for (i = 0; i < n; i++)
			r[i] = p[i] + q[i];
		break;
	case OP_SUB:
		for (i = 0; i < n; i++)
			r[i] = p[i] - q[i];
		break;
	case OP_MUL:
		for (i = 0; i < n; i++)
			r[i] = p[i] * q[i];
		break;
	case OP_DIV: case OP_MOD:
		for (i = 0; i < n; i++) {
			if (q[i] == 0 && (o->null == NULL || !o->null[i]))
				return div_zero(x);
			r[i] = op == OP_DIV ? p[i] / q[i] : fmod(p[i], q[i]);
		}
		break;
	}
	for (i = 0; i < n; i++)
		if (isinf(r[i]) && !isinf(p[i]) && !isinf(q[i]) &&
		    (o->null == NULL || !o->null[i]))
			return overflow(x, "DOUBLE");
	return 0;
}

/* r = p op q (q one value when qstep is 0; kl: q op p) in 64-bit math,
 * for operands that fit it: 0, or -1 when a result does not fit (r is
 * then garbage). */
static int dec_arith64(int op, const __int128 *p, const __int128 *q,
    size_t qstep, int kl, __int128 *r, size_t n)
{
	size_t i;
	int of = 0;
	int64_t t;

#define DEC64(f) \
	for (i = 0; i < n; i++) { \
		int64_t u = (int64_t)p[i], w = (int64_t)q[i * qstep]; \
		of |= kl ? f(w, u, &t) : f(u, w, &t); \
		r[i] = t; \
	}
	if (op == OP_MUL)
		DEC64(__builtin_mul_overflow)
	else if (op == OP_ADD)
		DEC64(__builtin_add_overflow)
	else
		DEC64(__builtin_sub_overflow)
#undef DEC64
	return of ? -1 : 0;
}

/* The bits (sql_vec.bits) of the results of p op q for operands of pb
 * and qb bits: 0 when not known. */
static unsigned arith_bits(int op, unsigned pb, unsigned qb)
{
	if (pb == 0 || qb == 0)
		return 0;
	if (op == OP_MUL)
		return pb + qb;
	if (op == OP_ADD || op == OP_SUB)
		return (pb > qb ? pb : qb) + 1;
	return 0;
}

/* The bits of one value: |k| < 2^bits (0 for none of 64). */
static unsigned dec_bits(__int128 k)
{
	unsigned __int128 u = k < 0 ? -(unsigned __int128)k : (unsigned __int128)k;

	if (u >> 63)
		return 0;
	return u == 0 ? 1 : 64 - (unsigned)__builtin_clzll((uint64_t)u);
}

/* May results of b bits be made in 64-bit math with no checks? They fit
 * it (b <= 63) and are below lim = 10^prec. */
static int bits_fit(unsigned b, __int128 lim)
{
	return b != 0 && b <= 63 && ((__int128)1 << b) <= lim;
}

/* LOOP(*), LOOP(+) or LOOP(-), as op is OP_MUL, OP_ADD or OP_SUB. */
#define BY_OP(LOOP) do { \
	if (op == OP_MUL) \
		LOOP(*) \
	else if (op == OP_ADD) \
		LOOP(+) \
	else \
		LOOP(-) \
	} while (0)

static int arith_dec(struct exec *x, int op, const struct sql_vec *a,
    const struct sql_vec *b, struct sql_vec *o, size_t n)
{
	const __int128 *p = a->v.x, *q = b->v.x;
	__int128 *r = o->v.x;
	__int128 lim = sql_pow10(o->t.prec);
	unsigned rb = arith_bits(op, a->bits, b->bits);
	size_t i;
	int bad = 0;

	if (bits_fit(rb, lim)) {
		/* the operands' bits say the results fit: no checks (TPC-H
		 * Q1's products of a scan's columns) */
#define BITS_LOOP(f) \
		for (i = 0; i < n; i++) { \
			int64_t u, w; \
			memcpy(&u, &p[i], 8); \
			memcpy(&w, &q[i], 8); \
			r[i] = u f w; \
		}
		BY_OP(BITS_LOOP);
#undef BITS_LOOP
		o->bits = (uint8_t)rb;
		return 0;
	}

	/* Most decimals are small: when every operand fits in 31 bits the
	 * exact result needs no overflow checks at all (TPC-H money). The
	 * result is made as the operands are tested, and made again below
	 * when one does not pass (in unsigned 64-bit math meanwhile: the
	 * low words of operands that do not pass may overflow it, and
	 * for those that do, it is the signed result). */
	if ((op == OP_MUL || op == OP_ADD || op == OP_SUB) &&
	    lim > ((__int128)1 << 63)) {
		/* -2^31 <= v < 2^31 exactly when v's high half is its low
		 * half's sign and the low half plus 2^31 has no bit at 32 or
		 * above: one OR of 64-bit words over all operands tells */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the words of an __int128 are taken low first"
#endif
		uint64_t big = (uint64_t)1 << 31, acc = 0, wide = 0;
#define SMALL_LOOP(f) \
		for (i = 0; i < n; i++) { \
			uint64_t pw[2], qw[2]; \
			memcpy(pw, &p[i], 16); \
			memcpy(qw, &q[i], 16); \
			acc |= (pw[1] ^ (uint64_t)((int64_t)pw[0] >> 63)) | \
			    ((pw[0] + big) >> 32) | \
			    (qw[1] ^ (uint64_t)((int64_t)qw[0] >> 63)) | \
			    ((qw[0] + big) >> 32); \
			r[i] = (int64_t)(pw[0] f qw[0]); \
		}
		BY_OP(SMALL_LOOP);
#undef SMALL_LOOP
		if (acc == 0) {
			/* |operands| <= 2^31 */
			o->bits = op == OP_MUL ? 63 : 33;
			return 0;
		}
		/* every operand in 64 bits (a product times a rate): 64-bit
		 * math with its overflow flag; a result that fits is exact
		 * and, below 2^63 <= lim, in range */
		for (i = 0; i < n; i++) {
			uint64_t pw[2], qw[2];
			memcpy(pw, &p[i], 16);
			memcpy(qw, &q[i], 16);
			wide |= (pw[1] ^ (uint64_t)((int64_t)pw[0] >> 63)) |
			    (qw[1] ^ (uint64_t)((int64_t)qw[0] >> 63));
		}
		if (wide == 0 && dec_arith64(op, p, q, 1, 0, r, n) == 0)
			return 0;
	}
	switch (op) {
	case OP_ADD:
		for (i = 0; i < n; i++)
			bad |= __builtin_add_overflow(p[i], q[i], &r[i]);
		break;
	case OP_SUB:
		for (i = 0; i < n; i++)
			bad |= __builtin_sub_overflow(p[i], q[i], &r[i]);
		break;
	case OP_MUL:
		for (i = 0; i < n; i++)
			bad |= __builtin_mul_overflow(p[i], q[i], &r[i]);
		break;
	case OP_MOD:
		for (i = 0; i < n; i++) {
			if (o->null != NULL && o->null[i]) {
				r[i] = 0;
				continue;
			}
			if (q[i] == 0)
				return div_zero(x);
			r[i] = p[i] % q[i];
		}
		return 0;
	default:
		return sql_error(&x->cx, "internal: decimal operator %d", op);
	}
	for (i = 0; i < n; i++)
		bad |= r[i] >= lim || r[i] <= -lim;
	if (bad) {
		for (i = 0; i < n; i++) {
			__int128 t;
			int of = op == OP_ADD ? __builtin_add_overflow(p[i], q[i], &t) :
			    op == OP_SUB ? __builtin_sub_overflow(p[i], q[i], &t) :
			    __builtin_mul_overflow(p[i], q[i], &t);
			if ((of || t >= lim || t <= -lim) &&
			    (o->null == NULL || !o->null[i]))
				return overflow(x, "DECIMAL");
		}
	}
	return 0;
}

/* Is e a decimal constant (not NULL)? */
static int dec_const(const struct sql_expr *e)
{
	return e->k == E_CONST && !e->val.null && e->t.id == T_DECIMAL &&
	    e->val.t.id == T_DECIMAL;
}

/* e: a decimal +, - or * of a column-like operand and a constant
 * (1 - l_discount): as arith_dec over the constant broadcast, without
 * the copies of the constant or the test of their bits. */
static int arith_dec_const(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	int kl = e->args[0]->k == E_CONST;      /* the constant on the left */
	__int128 k = e->args[kl ? 0 : 1]->val.u.x, lim = sql_pow10(e->t.prec);
	const __int128 *p;
	__int128 *r;
	struct sql_vec v;
	size_t i, n = in->n;
	int op = e->op, bad = 0, rc;
	unsigned rb;

	if ((rc = sql_eval(x, e->args[kl ? 1 : 0], in, &v, a)) != 0)
		return rc;
	if (sql_vec_alloc(out, e->t, n, a) != 0 || nulls_or(out, &v, NULL, n, a))
		return oom(x);
	p = v.v.x;
	r = out->v.x;
	rb = arith_bits(op, v.bits, dec_bits(k));
	if (bits_fit(rb, lim)) {
		/* as arith_dec: the bits say the results fit, no checks */
		int64_t k64 = (int64_t)k;
#define BITS_LOOP(expr) \
		for (i = 0; i < n; i++) { \
			int64_t u; \
			memcpy(&u, &p[i], 8); \
			r[i] = (expr); \
		}
		if (op == OP_MUL)
			BITS_LOOP(u * k64)
		else if (op == OP_ADD)
			BITS_LOOP(u + k64)
		else if (kl)
			BITS_LOOP(k64 - u)
		else
			BITS_LOOP(u - k64)
#undef BITS_LOOP
		out->bits = (uint8_t)rb;
		return 0;
	}
	if (k >= -((__int128)1 << 31) && k < ((__int128)1 << 31) &&
	    lim > ((__int128)1 << 63)) {
		/* as arith_dec: every operand in 31 bits, no checks (the
		 * result made as they are tested) */
		uint64_t big = (uint64_t)1 << 31, acc = 0;
		uint64_t k64 = (uint64_t)(int64_t)k;
#define SMALL_LOOP(expr) \
		for (i = 0; i < n; i++) { \
			uint64_t pw[2]; \
			memcpy(pw, &p[i], 16); \
			acc |= (pw[1] ^ (uint64_t)((int64_t)pw[0] >> 63)) | \
			    ((pw[0] + big) >> 32); \
			r[i] = (expr); \
		}
		if (op == OP_MUL)
			SMALL_LOOP((int64_t)(pw[0] * k64))
		else if (op == OP_ADD)
			SMALL_LOOP((int64_t)(pw[0] + k64))
		else if (kl)
			SMALL_LOOP((int64_t)(k64 - pw[0]))
		else
			SMALL_LOOP((int64_t)(pw[0] - k64))
#undef SMALL_LOOP
		if (acc == 0) {
			/* |operands| <= 2^31 */
			out->bits = op == OP_MUL ? 63 : 33;
			return 0;
		}
	}
	if (k >= INT64_MIN && k <= INT64_MAX && lim > ((__int128)1 << 63)) {
		/* as arith_dec: operands in 64 bits, 64-bit math */
		uint64_t wide = 0;
		for (i = 0; i < n; i++) {
			uint64_t pw[2];
			memcpy(pw, &p[i], 16);
			wide |= pw[1] ^ (uint64_t)((int64_t)pw[0] >> 63);
		}
		if (wide == 0 && dec_arith64(op, p, &k, 0, kl, r, n) == 0)
			return 0;
	}
	for (i = 0; i < n; i++) {
		__int128 u = kl ? k : p[i], w = kl ? p[i] : k;
		bad |= op == OP_ADD ? __builtin_add_overflow(u, w, &r[i]) :
		    op == OP_SUB ? __builtin_sub_overflow(u, w, &r[i]) :
		    __builtin_mul_overflow(u, w, &r[i]);
	}
	for (i = 0; i < n; i++)
		bad |= r[i] >= lim || r[i] <= -lim;
	if (bad) {
		for (i = 0; i < n; i++) {
			__int128 u = kl ? k : p[i], w = kl ? p[i] : k, t;
			int of = op == OP_ADD ? __builtin_add_overflow(u, w, &t) :
			    op == OP_SUB ? __builtin_sub_overflow(u, w, &t) :
			    __builtin_mul_overflow(u, w, &t);
			if ((of || t >= lim || t <= -lim) &&
			    (out->null == NULL || !out->null[i]))
				return overflow(x, "DECIMAL");
		}
	}
	return 0;
}

/* Comparison result from a three-way value. */
static inline int cmp_ok(int op, int c)
{
	switch (op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	default: return c >= 0;
	}
}

#define CMP_LOOP(P, Q) do { \
	switch (op) { \
	case OP_EQ: for (i = 0; i < n; i++) r[i] = (P) == (Q); break; \
	case OP_NE: for (i = 0; i < n; i++) r[i] = (P) != (Q); break; \
	case OP_LT: for (i = 0; i < n; i++) r[i] = (P) < (Q); break; \
	case OP_LE: for (i = 0; i < n; i++) r[i] = (P) <= (Q); break; \
	case OP_GT: for (i = 0; i < n; i++) r[i] = (P) > (Q); break; \
	default: for (i = 0; i < n; i++) r[i] = (P) >= (Q); break; \
	} } while (0)

static void cmp_const_int(int op, const int64_t *p, int64_t k, int64_t *r,
    size_t n)
{
	size_t i;

	CMP_LOOP(p[i], k);
}

static void cmp_const_dec(int op, const __int128 *p, __int128 k, int64_t *r,
    size_t n)
{
	size_t i;

	CMP_LOOP(p[i], k);
}

static int str_cmp(const struct sql_str *a, const struct sql_str *b)
{
	uint32_t m = a->n < b->n ? a->n : b->n;
	int c = m ? memcmp(a->p, b->p, m) : 0;

	if (c != 0)
		return c;
	return (a->n > b->n) - (a->n < b->n);
}

/*
 * The rows of a dictionary-encoded column point at their dictionary's
 * entries (sliced scans hand strings out as views), so a test of such a
 * string against a constant can be remembered by the string's address:
 * a small direct-mapped table, valid within one evaluation (the bytes
 * stay put while the chunk lives). Distinct strings just miss.
 */
#define STR_MEMO 64
struct str_memo {
	const char *p[STR_MEMO];
	uint32_t n[STR_MEMO];
	int8_t r[STR_MEMO];             /* the result, -1 for none */
};

static void memo_init(struct str_memo *m)
{
	memset(m->r, -1, sizeof(m->r));
}

static inline unsigned memo_slot(const struct sql_str *s)
{
	uintptr_t p = (uintptr_t)s->p;

	return (unsigned)((p >> 3 ^ p >> 11 ^ s->n) & (STR_MEMO - 1));
}

/* The remembered result for s, or -1. */
static inline int memo_get(const struct str_memo *m, const struct sql_str *s,
    unsigned h)
{
	return m->r[h] >= 0 && m->p[h] == s->p && m->n[h] == s->n ? m->r[h] : -1;
}

static inline void memo_put(struct str_memo *m, const struct sql_str *s,
    unsigned h, int r)
{
	m->p[h] = s->p;
	m->n[h] = s->n;
	m->r[h] = (int8_t)r;
}

static void compare(int op, const struct sql_vec *a, const struct sql_vec *b,
    struct sql_vec *o, size_t n)
{
	int64_t *r = o->v.i;
	size_t i;

	switch (a->t.id) {
	case T_DOUBLE: {
		const double *p = a->v.d, *q = b->v.d;
		for (i = 0; i < n; i++) {
			struct sql_val va, vb;
			va.t = a->t;
			vb.t = b->t;
			va.null = vb.null = 0;
			va.u.d = p[i];
			vb.u.d = q[i];
			r[i] = cmp_ok(op, sql_val_cmp(&va, &vb));
		}
		break;
	}
	case T_DECIMAL: {
		const __int128 *p = a->v.x, *q = b->v.x;
		CMP_LOOP(p[i], q[i]);
		break;
	}
	case T_TEXT: case T_JSON: case T_BLOB: {
		/* against one string (a constant): results by address */
		struct str_memo m;
		const struct sql_str *b0 = n > 0 ? &b->v.s[0] : NULL;
		memo_init(&m);
		for (i = 0; i < n; i++) {
			const struct sql_str *sa = &a->v.s[i], *sb = &b->v.s[i];
			unsigned h;
			int c;
			if (sb->p != b0->p || sb->n != b0->n) {
				r[i] = cmp_ok(op, str_cmp(sa, sb));
				continue;
			}
			h = memo_slot(sa);
			if ((c = memo_get(&m, sa, h)) < 0) {
				c = cmp_ok(op, str_cmp(sa, sb));
				memo_put(&m, sa, h, c);
			}
			r[i] = c;
		}
		break;
	}
	case T_INTERVAL:
		for (i = 0; i < n; i++) {
			struct sql_val va, vb;
			va.t = a->t;
			vb.t = b->t;
			va.null = vb.null = 0;
			va.u.iv = a->v.iv[i];
			vb.u.iv = b->v.iv[i];
			r[i] = cmp_ok(op, sql_val_cmp(&va, &vb));
		}
		break;
	case T_NULL:
		for (i = 0; i < n; i++)
			r[i] = 0;
		break;
	default: {
		const int64_t *p = a->v.i, *q = b->v.i;
		CMP_LOOP(p[i], q[i]);
	}
	}
}

/* ---- LIKE ---- */

static size_t utf8_len1(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static int fold(int c, int ci)
{
	return ci && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Does s match pattern p (% and _, escape esc or -1)? Iterative with
 * one backtrack point: linear for patterns without nested %s. */
static int like_match(const char *s, size_t sn, const char *p, size_t pn,
    int esc, int ci)
{
	size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;

	while (si < sn) {
		if (pi < pn && (unsigned char)p[pi] == esc && pi + 1 < pn) {
			if (fold((unsigned char)p[pi + 1], ci) ==
			    fold((unsigned char)s[si], ci)) {
				pi += 2;
				si++;
				continue;
			}
		} else if (pi < pn && p[pi] == '%') {
			star_p = ++pi;
			star_s = si;
			continue;
		} else if (pi < pn && p[pi] == '_') {
			pi++;
			si += utf8_len1((unsigned char)s[si]);
			if (si > sn)
				si = sn;
			continue;
		} else if (pi < pn && fold((unsigned char)p[pi], ci) ==
		    fold((unsigned char)s[si], ci)) {
			pi++;
			si++;
			continue;
		}
		if (star_p == (size_t)-1)
			return 0;
		pi = star_p;
		star_s += utf8_len1((unsigned char)s[star_s]);
		si = star_s;
		if (si > sn)
			return 0;
	}
	while (pi < pn && p[pi] == '%')
		pi++;
	return pi == pn;
}

int sql_like(const char *s, size_t sn, const char *p, size_t pn, int esc,
    int ci)
{
	return like_match(s, sn, p, pn, esc, ci);
}

/*
 * A LIKE pattern of literal pieces between %s (no _, no escape), the
 * common case ('%green%', 'PROMO%', '%special%requests%'): each piece is
 * found with memmem in turn, the first at the start and the last at the
 * end when the pattern does not begin or end with %.
 */
struct like_fast {
	const char *pat;
	size_t n;
	int head, tail;                 /* anchored at the start, the end */
};

static int like_fast_ok(const char *p, size_t pn, int esc)
{
	size_t i;

	for (i = 0; i < pn; i++)
		if (p[i] == '_' || (unsigned char)p[i] == esc)
			return 0;
	return 1;
}

static int like_fast_match(const char *s, size_t sn, const char *p,
    size_t pn)
{
	size_t pos = 0, i = 0, end = sn;
	int head = pn == 0 || p[0] != '%', tail = pn == 0 || p[pn - 1] != '%';

	if (memchr(p, '%', pn) == NULL)
		return sn == pn && memcmp(s, p, pn) == 0;
	if (tail) {
		/* the last piece at the end */
		size_t k = pn;
		while (k > 0 && p[k - 1] != '%')
			k--;
		if (pn - k > sn || memcmp(s + sn - (pn - k), p + k, pn - k) != 0)
			return 0;
		end = sn - (pn - k);
		pn = k;
	}
	while (i < pn) {
		size_t j = i;
		const char *hit;
		while (j < pn && p[j] != '%')
			j++;
		if (j > i) {
			size_t len = j - i;
			if (head && i == 0) {
				if (len > end || memcmp(s, p, len) != 0)
					return 0;
				pos = len;
			} else {
				if (end - pos < len || (hit = memmem(s + pos, end - pos,
				    p + i, len)) == NULL)
					return 0;
				pos = (size_t)(hit - s) + len;
			}
		}
		i = j + 1;
	}
	return pos <= end;
}

/*
 * LIKE '%a%b%' (every piece floating, no '_') over n strings that lie
 * back to back in order (a decoded text chunk): the first piece is
 * looked for in
 * the whole span at once and a row is looked at only where it occurs,
 * instead of a search per row (TPC-H Q13's o_comment NOT LIKE
 * '%special%requests%' on 1.5M rows: memmem's start-up per call was
 * most of its time). res[i] is 1 where row i matches. Returns 0, or -1
 * when the strings do not lie so (nothing set).
 */
static int like_bulk(const struct sql_str *s, size_t n, const char *p,
    size_t pn, int64_t *res)
{
	const char *base, *first;
	size_t i, span, flen, r = 0, pos;

	if (n < 16 || pn < 3 || p[0] != '%' || p[pn - 1] != '%')
		return -1;
	/* every byte between the first and the last is some row's: the
	 * search reads nothing else */
	if (s[0].p == NULL)
		return -1;
	for (i = 0; i + 1 < n; i++)
		if (s[i + 1].p != s[i].p + s[i].n)
			return -1;
	base = s[0].p;
	span = (size_t)(s[n - 1].p + s[n - 1].n - base);
	first = p + 1;                  /* the first piece */
	while (first < p + pn && *first == '%')
		first++;
	if (first == p + pn)            /* only '%' */
		return -1;
	flen = (size_t)((const char *)memchr(first, '%', (size_t)(p + pn - first))
	    - first);
	for (i = 0; i < n; i++)
		res[i] = 0;
	pos = 0;
	while (r < n && pos < span) {
		const char *hit = memmem(base + pos, span - pos, first, flen);
		size_t off, end;
		if (hit == NULL)
			break;
		off = (size_t)(hit - base);
		while (r < n && off >= (size_t)(s[r].p - base) + s[r].n)
			r++;
		if (r == n)
			break;
		end = (size_t)(s[r].p - base) + s[r].n;
		if (off + flen > end) {         /* runs into the next row */
			pos = off + 1;
			continue;
		}
		/* the rest of the pattern in the rest of the row (the first
		 * occurrence leaves the most room for it) */
		res[r] = like_fast_match(base + off + flen, end - off - flen,
		    first + flen, (size_t)(p + pn - (first + flen)));
		pos = end;
		r++;
	}
	return 0;
}

/* ---- the evaluator ---- */

static int eval_case(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a);

static int broadcast(struct exec *x, const struct sql_val *v, size_t n,
    struct sql_vec *out, struct sql_arena *a)
{
	size_t i;

	if (sql_vec_alloc(out, v->t, n, a) != 0)
		return oom(x);
	if (v->null || v->t.id == T_NULL) {
		out->null = sql_arena_alloc(a, n ? n : 1);
		if (out->null == NULL)
			return oom(x);
		memset(out->null, 1, n);
		memset(out->v.p, 0, (n ? n : 1) * (v->t.id == T_DECIMAL ? 16 :
		    sql_is_strlike(v->t.id) ? sizeof(struct sql_str) :
		    v->t.id == T_INTERVAL ? sizeof(struct sql_interval) : 8));
		return 0;
	}
	switch (v->t.id) {
	case T_DOUBLE:
		for (i = 0; i < n; i++)
			out->v.d[i] = v->u.d;
		break;
	case T_DECIMAL:
		for (i = 0; i < n; i++)
			out->v.x[i] = v->u.x;
		break;
	case T_TEXT: case T_JSON: case T_BLOB:
		for (i = 0; i < n; i++)
			out->v.s[i] = v->u.s;
		break;
	case T_INTERVAL:
		for (i = 0; i < n; i++)
			out->v.iv[i] = v->u.iv;
		break;
	default:
		for (i = 0; i < n; i++)
			out->v.i[i] = v->u.i;
	}
	return 0;
}

/* Row by row through sql_cast. */
static int eval_cast(struct exec *x, const struct sql_expr *e,
    const struct sql_vec *src, size_t n, struct sql_vec *out,
    struct sql_arena *a)
{
	struct sql_arena *keep = x->cx.arena;
	size_t i;
	int f = src->t.id, t = e->t.id;

	if (sql_vec_alloc(out, e->t, n, a) != 0)
		return oom(x);
	/* Fast paths for the casts arithmetic inserts. */
	if (sql_is_intlike(f) && f != T_DATE && f != T_TIMESTAMP &&
	    (t == T_BIGINT || (t == T_INT && f != T_BIGINT))) {
		memcpy(out->v.i, src->v.i, n * 8);
		out->null = src->null;
		return 0;
	}
	if ((f == T_INT || f == T_BIGINT) && t == T_DOUBLE) {
		for (i = 0; i < n; i++)
			out->v.d[i] = (double)src->v.i[i];
		out->null = src->null;
		return 0;
	}
	if ((f == T_INT || f == T_BIGINT) && t == T_DECIMAL && e->t.prec >= 19 +
	    e->t.scale) {
		__int128 m = sql_pow10(e->t.scale);
		for (i = 0; i < n; i++)
			out->v.x[i] = (__int128)src->v.i[i] * m;
		out->null = src->null;
		return 0;
	}
	if (f == T_DECIMAL && t == T_DECIMAL && e->t.scale >= src->t.scale &&
	    e->t.prec - e->t.scale >= src->t.prec - src->t.scale) {
		__int128 m = sql_pow10(e->t.scale - src->t.scale);
		for (i = 0; i < n; i++)
			out->v.x[i] = src->v.x[i] * m;
		out->null = src->null;
		return 0;
	}
	if (f == T_DECIMAL && t == T_DECIMAL && e->t.scale >= src->t.scale) {
		/* more places, fewer integer digits (a comparison's common
		 * type: TPC-H Q11's sum against a total times 0.0001): each
		 * value checked against the new range; where one fails (or a
		 * NULL's slot holds what does), the row path below reports
		 * it */
		__int128 m = sql_pow10(e->t.scale - src->t.scale);
		__int128 lim = sql_pow10(e->t.prec), r;
		int bad = 0;
		for (i = 0; i < n; i++) {
			bad |= __builtin_mul_overflow(src->v.x[i], m, &r);
			bad |= (r >= lim) | (r <= -lim);
			out->v.x[i] = r;
		}
		if (!bad) {
			out->null = src->null;
			return 0;
		}
	}
	if (f == T_DECIMAL && t == T_DOUBLE) {
		double d = (double)sql_pow10(src->t.scale);
		for (i = 0; i < n; i++) {
			__int128 v = src->v.x[i];
			/* exact when the unscaled value fits a double's mantissa */
			if (v < ((__int128)1 << 53) && v > -((__int128)1 << 53))
				out->v.d[i] = (double)v / d;
			else
				out->v.d[i] = sql_dec_to_double(v, src->t.scale);
		}
		out->null = src->null;
		return 0;
	}
	x->cx.arena = a;
	for (i = 0; i < n; i++) {
		struct sql_val v, r;
		sql_vec_get(src, i, &v);
		if (v.null) {
			r.t = e->t;
			r.null = 1;
		} else if (sql_cast(&x->cx, &v, e->t, &r) != 0) {
			if (!(e->flags & EF_TRY)) {
				x->cx.arena = keep;
				return -1;
			}
			rdb_err_clear(&x->cx.err);      /* TRY_CAST: NULL */
			r.t = e->t;
			r.null = 1;
		}
		if (sql_vec_set(out, i, &r, a) != 0) {
			x->cx.arena = keep;
			return oom(x);
		}
	}
	x->cx.arena = keep;
	return 0;
}

static int eval_func(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	struct sql_vec av[16], *args = av;
	struct sql_val vv[16], *vals = vv;
	struct sql_arena *keep = x->cx.arena;
	size_t i, n = in->n;
	int k, rc = 0;

	if (e->nargs > 16) {
		args = sql_arena_alloc(a, sizeof(*args) * (size_t)e->nargs);
		vals = sql_arena_alloc(a, sizeof(*vals) * (size_t)e->nargs);
		if (args == NULL || vals == NULL)
			return oom(x);
	}
	for (k = 0; k < e->nargs; k++)
		if ((rc = sql_eval(x, e->args[k], in, &args[k], a)) != 0)
			return rc;
	if (sql_vec_alloc(out, e->t, n, a) != 0)
		return oom(x);
	if (e->fn->vcall != NULL && e->nargs >= 1 && e->nargs <= 16) {
		/* a column and non-NULL constants: the function's own loop */
		for (k = 1; k < e->nargs; k++) {
			if (e->args[k]->k != E_CONST || e->args[k]->val.null)
				break;
			vals[k - 1] = e->args[k]->val;
		}
		if (k == e->nargs)
			return e->fn->vcall(&x->cx, &args[0], vals, e->nargs, n,
			    out, a);
	}
	x->cx.arena = a;
	for (i = 0; i < n; i++) {
		struct sql_val r;
		int skip = 0;
		for (k = 0; k < e->nargs; k++) {
			sql_vec_get(&args[k], i, &vals[k]);
			if (vals[k].null && (e->fn->flags & SQL_FN_STRICT))
				skip = 1;
		}
		memset(&r, 0, sizeof(r));
		r.t = e->t;
		if (skip) {
			r.null = 1;
		} else if (e->fn->call(&x->cx, vals, e->nargs, &r) != 0) {
			rc = -1;
			break;
		}
		r.t = e->t;
		if (sql_vec_set(out, i, &r, a) != 0) {
			rc = oom(x);
			break;
		}
	}
	x->cx.arena = keep;
	return rc;
}

static int eval_in(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	struct sql_vec v, item;
	size_t i, n = in->n;
	int k, rc;
	uint8_t *unknown;

	if ((rc = sql_eval(x, e->args[0], in, &v, a)) != 0)
		return rc;
	if (sql_vec_alloc(out, e->t, n, a) != 0 ||
	    (out->null = nulls_new(a, n)) == NULL ||
	    (unknown = nulls_new(a, n)) == NULL)
		return oom(x);
	/* strings against a list of string constants: one pass, each row
	 * against the items in turn, their lengths first */
	if (sql_is_strlike(v.t.id) && e->nargs > 1) {
		for (k = 1; k < e->nargs; k++)
			if (e->args[k]->k != E_CONST || e->args[k]->val.null ||
			    e->args[k]->val.t.id != v.t.id)
				break;
		if (k == e->nargs) {
			int not = e->op == OP_NOT_IN;
			for (i = 0; i < n; i++) {
				const struct sql_str *si = &v.v.s[i];
				int hit = 0;
				if (is_null(&v, i)) {
					out->null[i] = 1;
					out->v.i[i] = 0;
					continue;
				}
				for (k = 1; k < e->nargs && !hit; k++) {
					const struct sql_str *c = &e->args[k]->val.u.s;
					hit = si->n == c->n && (si->n == 0 ||
					    (si->p[0] == c->p[0] &&
					    memcmp(si->p, c->p, si->n) == 0));
				}
				out->v.i[i] = hit != not;
			}
			return 0;
		}
	}
	/* integers against a list of integer constants: a bitmap of the
	 * list's range when it is short, else the list itself (TPC-H Q16's
	 * p_size IN (8 sizes): each item was broadcast to a vector and
	 * compared, 6% of the query's instructions) */
	if (sql_is_intlike(v.t.id) && e->nargs > 1 && e->nargs <= 65) {
		int64_t lo = INT64_MAX, hi = INT64_MIN, c[64];
		size_t m = 0;
		for (k = 1; k < e->nargs; k++) {
			const struct sql_expr *it = e->args[k];
			int ti = it->val.t.id, tv = v.t.id;
			if (it->k != E_CONST || it->val.null || (ti != tv &&
			    !((ti == T_INT || ti == T_BIGINT) &&
			    (tv == T_INT || tv == T_BIGINT))))
				break;
			c[m++] = it->val.u.i;
			lo = it->val.u.i < lo ? it->val.u.i : lo;
			hi = it->val.u.i > hi ? it->val.u.i : hi;
		}
		if (k == e->nargs) {
			int not = e->op == OP_NOT_IN;
			uint64_t bits[64];       /* 4,096 values from lo */
			int dense = (uint64_t)hi - (uint64_t)lo < 4096;
			if (dense) {
				memset(bits, 0, sizeof(bits));
				for (k = 0; k < (int)m; k++) {
					uint64_t o = (uint64_t)c[k] - (uint64_t)lo;
					bits[o >> 6] |= (uint64_t)1 << (o & 63);
				}
			}
			for (i = 0; i < n; i++) {
				int64_t y = v.v.i[i];
				int hit = 0;
				size_t j;
				if (is_null(&v, i)) {
					out->null[i] = 1;
					out->v.i[i] = 0;
					continue;
				}
				if (dense) {
					uint64_t o = (uint64_t)y - (uint64_t)lo;
					hit = o < 4096 && (bits[o >> 6] >> (o & 63) & 1);
				} else {
					for (j = 0; j < m && !hit; j++)
						hit = y == c[j];
				}
				out->v.i[i] = hit != not;
			}
			return 0;
		}
	}
	memset(out->v.i, 0, n * 8);
	for (k = 1; k < e->nargs; k++) {
		struct sql_vec r;
		if ((rc = sql_eval(x, e->args[k], in, &item, a)) != 0)
			return rc;
		if (sql_vec_alloc(&r, e->t, n, a) != 0)
			return oom(x);
		compare(OP_EQ, &v, &item, &r, n);
		for (i = 0; i < n; i++) {
			if (is_null(&item, i))
				unknown[i] = 1;
			else if (r.v.i[i])
				out->v.i[i] = 1;
		}
	}
	for (i = 0; i < n; i++) {
		/* x IN () is false, even for a NULL x (SQLite) */
		if (e->nargs > 1 && (is_null(&v, i) || (!out->v.i[i] && unknown[i])))
			out->null[i] = 1;
		else if (e->op == OP_NOT_IN)
			out->v.i[i] = !out->v.i[i];
	}
	return 0;
}

static int eval_like(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	struct sql_vec s, p, esc;
	size_t i, n = in->n;
	int rc, ci = e->op == OP_ILIKE || e->op == OP_NOT_ILIKE;
	int neg = e->op == OP_NOT_LIKE || e->op == OP_NOT_ILIKE;

	if ((rc = sql_eval(x, e->args[0], in, &s, a)) != 0 ||
	    (rc = sql_eval(x, e->args[1], in, &p, a)) != 0)
		return rc;
	if (e->nargs > 2 && (rc = sql_eval(x, e->args[2], in, &esc, a)) != 0)
		return rc;
	if (sql_vec_alloc(out, e->t, n, a) != 0 || nulls_or(out, &s, &p, n, a))
		return oom(x);
	if (e->args[1]->k == E_CONST && e->nargs == 2 && !ci && n > 0 &&
	    !is_null(&p, 0) && like_fast_ok(p.v.s[0].p, p.v.s[0].n, '\\')) {
		const char *pp = p.v.s[0].p;
		size_t pn = p.v.s[0].n;
		struct str_memo m;
		if (s.null == NULL && like_bulk(s.v.s, n, pp, pn, out->v.i) == 0) {
			if (neg)
				for (i = 0; i < n; i++)
					out->v.i[i] = !out->v.i[i];
			return 0;
		}
		memo_init(&m);
		for (i = 0; i < n; i++) {
			const struct sql_str *si = &s.v.s[i];
			unsigned h;
			int r;
			if (is_null(&s, i)) {
				out->v.i[i] = 0;
				continue;
			}
			h = memo_slot(si);
			if ((r = memo_get(&m, si, h)) < 0) {
				r = like_fast_match(si->p, si->n, pp, pn) != neg;
				memo_put(&m, si, h, r);
			}
			out->v.i[i] = r;
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		int ch = '\\';
		if (is_null(&s, i) || is_null(&p, i)) {
			out->v.i[i] = 0;
			continue;
		}
		if (e->nargs > 2) {
			if (is_null(&esc, i)) {
				if (out->null == NULL && (out->null = nulls_new(a, n)) == NULL)
					return oom(x);
				out->null[i] = 1;
				continue;
			}
			if (esc.v.s[i].n > 1)
				return sql_error(&x->cx, "LIKE escape must be one "
				    "character");
			ch = esc.v.s[i].n ? (unsigned char)esc.v.s[i].p[0] : -1;
		}
		out->v.i[i] = like_match(s.v.s[i].p, s.v.s[i].n, p.v.s[i].p,
		    p.v.s[i].n, ch, ci) != neg;
	}
	return 0;
}

static int eval_logic(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	struct sql_vec l, r;
	size_t i, n = in->n;
	int rc, and = e->op == OP_AND;

	if ((rc = sql_eval(x, e->args[0], in, &l, a)) != 0 ||
	    (rc = sql_eval(x, e->args[1], in, &r, a)) != 0)
		return rc;
	if (sql_vec_alloc(out, e->t, n, a) != 0)
		return oom(x);
	if (l.null == NULL && r.null == NULL) {
		for (i = 0; i < n; i++)
			out->v.i[i] = and ? (l.v.i[i] && r.v.i[i]) :
			    (l.v.i[i] || r.v.i[i]);
		return 0;
	}
	if ((out->null = nulls_new(a, n)) == NULL)
		return oom(x);
	for (i = 0; i < n; i++) {
		int ln = is_null(&l, i), rn = is_null(&r, i);
		int lv = !ln && l.v.i[i], rv = !rn && r.v.i[i];
		if (and) {
			if ((!ln && !lv) || (!rn && !rv))
				out->v.i[i] = 0;
			else if (ln || rn)
				out->null[i] = 1;
			else
				out->v.i[i] = 1;
		} else {
			if (lv || rv)
				out->v.i[i] = 1;
			else if (ln || rn)
				out->null[i] = 1;
			else
				out->v.i[i] = 0;
		}
	}
	return 0;
}

static int eval_datearith(struct exec *x, const struct sql_expr *e,
    const struct sql_vec *l, const struct sql_vec *r, struct sql_vec *out,
    size_t n)
{
	int lt = l->t.id, rt = r->t.id;
	size_t i;

	for (i = 0; i < n; i++) {
		if (out->null != NULL && out->null[i])
			continue;
		if ((lt == T_DATE || lt == T_TIMESTAMP) && rt == T_INTERVAL) {
			if (sql_date_add(&x->cx, lt, l->v.i[i], &r->v.iv[i],
			    e->op == OP_SUB ? -1 : 1, &out->v.i[i]) != 0)
				return -1;
		} else if (lt == T_INTERVAL && (rt == T_DATE || rt == T_TIMESTAMP)) {
			if (sql_date_add(&x->cx, rt, r->v.i[i], &l->v.iv[i], 1,
			    &out->v.i[i]) != 0)
				return -1;
		} else if (lt == T_DATE && rt == T_DATE) {
			out->v.i[i] = l->v.i[i] - r->v.i[i];
		} else if (lt == T_DATE && (rt == T_INT || rt == T_BIGINT)) {
			int64_t d = e->op == OP_SUB ? l->v.i[i] - r->v.i[i] :
			    l->v.i[i] + r->v.i[i];
			if (d < -719162 || d > 2932896)
				return sql_error(&x->cx, "date out of range");
			out->v.i[i] = d;
		} else if (lt == T_TIMESTAMP && rt == T_TIMESTAMP) {
			out->v.iv[i].months = 0;
			out->v.iv[i].days = 0;
			out->v.iv[i].us = l->v.i[i] - r->v.i[i];
		} else if (lt == T_INTERVAL && rt == T_INTERVAL) {
			int s = e->op == OP_SUB ? -1 : 1;
			out->v.iv[i].months = l->v.iv[i].months + s * r->v.iv[i].months;
			out->v.iv[i].days = l->v.iv[i].days + s * r->v.iv[i].days;
			out->v.iv[i].us = l->v.iv[i].us + s * r->v.iv[i].us;
		} else {
			return sql_error(&x->cx, "internal: date arithmetic");
		}
	}
	return 0;
}

static int eval_op(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	struct sql_vec l, r;
	size_t i, n = in->n;
	int rc;

	switch (e->op) {
	case OP_AND: case OP_OR:
		return eval_logic(x, e, in, out, a);
	case OP_IN: case OP_NOT_IN:
		return eval_in(x, e, in, out, a);
	case OP_LIKE: case OP_NOT_LIKE: case OP_ILIKE: case OP_NOT_ILIKE:
		return eval_like(x, e, in, out, a);
	case OP_ADD: case OP_SUB: case OP_MUL:
		if (e->nargs == 2 && e->t.id == T_DECIMAL &&
		    dec_const(e->args[0]) != dec_const(e->args[1]) &&
		    e->args[0]->t.id == T_DECIMAL && e->args[1]->t.id == T_DECIMAL)
			return arith_dec_const(x, e, in, out, a);
		break;
	default:
		break;
	}
	if ((rc = sql_eval(x, e->args[0], in, &l, a)) != 0)
		return rc;
	if (e->nargs == 1) {
		if (sql_vec_alloc(out, e->t, n, a) != 0)
			return oom(x);
		switch (e->op) {
		case OP_NOT:
			for (i = 0; i < n; i++)
				out->v.i[i] = !l.v.i[i];
			out->null = l.null;
			return 0;
		case OP_NEG:
			out->null = l.null;
			if (l.t.id == T_DOUBLE) {
				for (i = 0; i < n; i++)
					out->v.d[i] = -l.v.d[i];
			} else if (l.t.id == T_DECIMAL) {
				for (i = 0; i < n; i++)
					out->v.x[i] = -l.v.x[i];
			} else if (l.t.id == T_INTERVAL) {
				for (i = 0; i < n; i++) {
					out->v.iv[i].months = -l.v.iv[i].months;
					out->v.iv[i].days = -l.v.iv[i].days;
					out->v.iv[i].us = -l.v.iv[i].us;
				}
			} else {
				for (i = 0; i < n; i++) {
					if (l.v.i[i] == INT64_MIN && !is_null(&l, i))
						return overflow(x, "BIGINT");
					out->v.i[i] = -l.v.i[i];
				}
			}
			return 0;
		case OP_IS_NULL: case OP_IS_NOT_NULL:
			for (i = 0; i < n; i++)
				out->v.i[i] = is_null(&l, i) == (e->op == OP_IS_NULL);
			return 0;
		case OP_IS_TRUE: case OP_IS_NOT_TRUE:
			for (i = 0; i < n; i++)
				out->v.i[i] = (!is_null(&l, i) && l.v.i[i]) ==
				    (e->op == OP_IS_TRUE);
			return 0;
		case OP_IS_FALSE: case OP_IS_NOT_FALSE:
			for (i = 0; i < n; i++)
				out->v.i[i] = (!is_null(&l, i) && !l.v.i[i]) ==
				    (e->op == OP_IS_FALSE);
			return 0;
		}
		return sql_error(&x->cx, "internal: unary operator %d", e->op);
	}
	/* column <op> constant: no vector of copies of the constant */
	if (e->op >= OP_EQ && e->op <= OP_GE && e->args[1]->k == E_CONST &&
	    !e->args[1]->val.null && l.t.id != T_NULL &&
	    (sql_is_intlike(l.t.id) || l.t.id == T_DECIMAL)) {
		int64_t *r0;
		if (sql_vec_alloc(out, e->t, n, a) != 0)
			return oom(x);
		out->null = l.null;
		r0 = out->v.i;
		if (l.t.id == T_DECIMAL)
			cmp_const_dec(e->op, l.v.x, e->args[1]->val.u.x, r0, n);
		else
			cmp_const_int(e->op, l.v.i, e->args[1]->val.u.i, r0, n);
		return 0;
	}
	if ((rc = sql_eval(x, e->args[1], in, &r, a)) != 0)
		return rc;
	if (sql_vec_alloc(out, e->t, n, a) != 0)
		return oom(x);
	switch (e->op) {
	case OP_IS_DISTINCT: case OP_IS_NOT_DISTINCT:
		for (i = 0; i < n; i++) {
			int same;
			if (is_null(&l, i) || is_null(&r, i))
				same = is_null(&l, i) && is_null(&r, i);
			else
				same = sql_vec_eq(&l, i, &r, i);
			out->v.i[i] = same == (e->op == OP_IS_NOT_DISTINCT);
		}
		return 0;
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		if (nulls_or(out, &l, &r, n, a))
			return oom(x);
		compare(e->op, &l, &r, out, n);
		return 0;
	case OP_CONCAT:
		if (nulls_or(out, &l, &r, n, a))
			return oom(x);
		for (i = 0; i < n; i++) {
			char *p;
			size_t len;
			if (is_null(out, i)) {
				out->v.s[i].p = "";
				out->v.s[i].n = 0;
				continue;
			}
			len = (size_t)l.v.s[i].n + r.v.s[i].n;
			if (len > (1u << 30))
				return sql_error(&x->cx, "string too long");
			p = sql_arena_alloc(a, len ? len : 1);
			if (p == NULL)
				return oom(x);
			if (l.v.s[i].n)
				memcpy(p, l.v.s[i].p, l.v.s[i].n);
			if (r.v.s[i].n)
				memcpy(p + l.v.s[i].n, r.v.s[i].p, r.v.s[i].n);
			out->v.s[i].p = p;
			out->v.s[i].n = (uint32_t)len;
		}
		return 0;
	default:
		break;
	}
	/* arithmetic */
	if (nulls_or(out, &l, &r, n, a))
		return oom(x);
	if (l.t.id == T_NULL || r.t.id == T_NULL) {
		if (out->null == NULL && (out->null = nulls_new(a, n)) == NULL)
			return oom(x);
		memset(out->null, 1, n);
		memset(out->v.p, 0, n * (e->t.id == T_DECIMAL ? 16 :
		    e->t.id == T_INTERVAL ? sizeof(struct sql_interval) : 8));
		return 0;
	}
	if (l.t.id == T_INTERVAL || r.t.id == T_INTERVAL ||
	    l.t.id == T_DATE || l.t.id == T_TIMESTAMP)
		return eval_datearith(x, e, &l, &r, out, n);
	if (e->t.id == T_DOUBLE)
		return arith_double(x, e->op, &l, &r, out, n);
	if (e->t.id == T_DECIMAL)
		return arith_dec(x, e->op, &l, &r, out, n);
	return arith_int(x, e->op, &l, &r, out, n);
}

int sql_eval(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	int rc;

	out->bits = 0;
	switch (e->k) {
	case E_COL:
		*out = in->cols[e->col];
		return 0;
	case E_CONST:
		return broadcast(x, &e->val, in->n, out, a);
	case E_OP:
		return eval_op(x, e, in, out, a);
	case E_CAST: {
		struct sql_vec s;
		if ((rc = sql_eval(x, e->args[0], in, &s, a)) != 0)
			return rc;
		return eval_cast(x, e, &s, in->n, out, a);
	}
	case E_FUNC:
		if (e->fn == NULL)
			return sql_error(&x->cx, "internal: unbound function %s",
			    e->name);
		return eval_func(x, e, in, out, a);
	case E_CASE:
		return eval_case(x, e, in, out, a);
	case E_SUBQUERY:
		return sql_eval_subquery(x, e, in, out, a);
	default:
		return sql_error(&x->cx, "internal: cannot evaluate node %d", e->k);
	}
}

/* CASE WHEN c1 THEN r1 ... ELSE re END, each branch evaluated only on the
 * rows that reach it (so THEN a / b is safe where b = 0 fails the WHEN).
 * The operand form was rewritten by the binder to WHEN x = v. */
static int eval_case(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	size_t n = in->n, i, nrest = n;
	uint32_t *rest, *selpos, *selrow;
	int k, nw = (e->nargs - ((e->flags & EF_CASE_ELSE) ? 1 : 0)) / 2;
	int rc;

	if (sql_vec_alloc(out, e->t, n, a) != 0 ||
	    (out->null = nulls_new(a, n)) == NULL ||
	    (rest = sql_arena_alloc(a, sizeof(*rest) * (n ? n : 1))) == NULL ||
	    (selpos = sql_arena_alloc(a, sizeof(*selpos) * (n ? n : 1))) == NULL ||
	    (selrow = sql_arena_alloc(a, sizeof(*selrow) * (n ? n : 1))) == NULL)
		return oom(x);
	memset(out->null, 1, n);
	for (i = 0; i < n; i++)
		rest[i] = (uint32_t)i;
	for (k = 0; k <= nw && nrest > 0; k++) {
		const struct sql_expr *res;
		struct sql_chunk sub, sub2;
		const struct sql_chunk *src = in, *s2;
		struct sql_vec rv;
		size_t nsel = 0, nr = 0;

		if (nrest != n) {
			if (sql_chunk_gather(in, rest, nrest, &sub, a) != 0)
				return oom(x);
			src = &sub;
		}
		if (k < nw) {
			struct sql_vec cv;
			if ((rc = sql_eval(x, e->args[2 * k], src, &cv, a)) != 0)
				return rc;
			for (i = 0; i < nrest; i++) {
				if (!is_null(&cv, i) && cv.v.i[i]) {
					selpos[nsel] = (uint32_t)i;
					selrow[nsel++] = rest[i];
				} else {
					rest[nr++] = rest[i];
				}
			}
			res = e->args[2 * k + 1];
		} else {
			if (!(e->flags & EF_CASE_ELSE))
				break;
			res = e->args[e->nargs - 1];
			for (i = 0; i < nrest; i++) {
				selpos[nsel] = (uint32_t)i;
				selrow[nsel++] = rest[i];
			}
		}
		if (nsel > 0) {
			s2 = src;
			if (nsel != src->n) {
				if (sql_chunk_gather(src, selpos, nsel, &sub2, a) != 0)
					return oom(x);
				s2 = &sub2;
			}
			if ((rc = sql_eval(x, res, s2, &rv, a)) != 0)
				return rc;
			for (i = 0; i < nsel; i++) {
				struct sql_val v;
				sql_vec_get(&rv, i, &v);
				v.t = e->t;
				if (sql_vec_set(out, selrow[i], &v, a) != 0)
					return oom(x);
			}
		}
		nrest = nr;
	}
	return 0;
}

int sql_eval_filter(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, uint32_t *sel, size_t *nsel,
    struct sql_arena *a)
{
	struct sql_vec v;
	size_t i, k = 0;
	int rc;

	if ((rc = sql_eval(x, e, in, &v, a)) != 0)
		return rc;
	if (v.t.id == T_NULL) {
		*nsel = 0;
		return 0;
	}
	if (v.null == NULL) {
		for (i = 0; i < in->n; i++) {
			sel[k] = (uint32_t)i;
			k += v.v.i[i] != 0;
		}
	} else {
		for (i = 0; i < in->n; i++) {
			sel[k] = (uint32_t)i;
			k += v.v.i[i] != 0 && !v.null[i];
		}
	}
	*nsel = k;
	return 0;
}

int sql_expr_has_sub(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 0;
	if (e->k == E_SUBQUERY)
		return 1;
	for (i = 0; i < e->nargs; i++)
		if (sql_expr_has_sub(e->args[i]))
			return 1;
	return sql_expr_has_sub(e->filter) || sql_expr_has_sub(e->order);
}

static int type_eq(struct sql_type a, struct sql_type b)
{
	return a.id == b.id && (a.id != T_DECIMAL ||
	    (a.prec == b.prec && a.scale == b.scale));
}

int sql_expr_eq(const struct sql_expr *a, const struct sql_expr *b)
{
	int i;

	if (a == b)
		return 1;
	if (a == NULL || b == NULL || a->k != b->k || a->nargs != b->nargs ||
	    !type_eq(a->t, b->t))
		return 0;
	switch (a->k) {
	case E_COL: case E_AGG: case E_GROUPING:
		if (a->col != b->col)
			return 0;
		break;
	case E_CONST: {
		struct sql_val va = a->val, vb = b->val;
		if (va.null != vb.null)
			return 0;
		if (!va.null && (va.t.id != vb.t.id || sql_val_cmp(&va, &vb) != 0))
			return 0;
		break;
	}
	case E_OP:
		/* x BETWEEN SYMMETRIC a AND b is not x BETWEEN a AND b */
		if (a->op != b->op ||
		    (a->flags & EF_SYMMETRIC) != (b->flags & EF_SYMMETRIC))
			return 0;
		break;
	case E_FUNC:
		if (a->fn != b->fn)
			return 0;
		break;
	case E_CASE:
		if (a->flags != b->flags)
			return 0;
		break;
	case E_CAST:
		/* TRY_CAST gives NULL where CAST fails */
		if ((a->flags & EF_TRY) != (b->flags & EF_TRY))
			return 0;
		break;
	default:
		return 0;
	}
	for (i = 0; i < a->nargs; i++)
		if (!sql_expr_eq(a->args[i], b->args[i]))
			return 0;
	return 1;
}

int sql_expr_volatile(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 0;
	if (e->k == E_FUNC && e->fn != NULL && (e->fn->flags & SQL_FN_VOLATILE))
		return 1;
	for (i = 0; i < e->nargs; i++)
		if (e->args[i] != NULL && sql_expr_volatile(e->args[i]))
			return 1;
	return 0;
}
