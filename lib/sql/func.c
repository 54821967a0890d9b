/*
 * func.c - the scalar functions: a registry sorted by name, and for each
 * function a resolver that fixes the types at bind time and a kernel
 * that computes one value.
 *
 * Semantics follow DuckDB where it has the function, else PostgreSQL;
 * where we differ, the function's comment says so. Text is UTF-8 and
 * never NUL-terminated: every scan is bounded by the length, character
 * positions count code points, and a malformed byte counts as one
 * character, so invalid input still gets a bounded answer. No function
 * returns text longer than TEXT_MAX.
 *
 * Most resolvers come from a signature string (sig_resolve): "R=AB" is
 * a result of type R from arguments A and B, letters as in sig_fit.
 * Resolvers only rewrite argument types after accepting them all, so an
 * error names the types the user wrote.
 */
#include <ctype.h>
#include <md5.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/sql.h"

/* Subjects are not NUL-terminated; REG_STARTEND (glibc, the BSDs,
 * macOS) bounds the match without a copy. */
#ifndef REG_STARTEND
#error "regexec lacks REG_STARTEND"
#endif

#define TEXT_MAX ((size_t)1 << 30)      /* the largest text we return */

#define US_SEC 1000000LL
#define US_MIN (60 * US_SEC)
#define US_HOUR (3600 * US_SEC)
#define US_DAY (86400 * US_SEC)
/* Dates and timestamps we create stay within years 1..9999, the range
 * of rdb-load and value.c. */
#define DAY_MIN (-719162)               /* 0001-01-01 */
#define DAY_MAX 2932896                 /* 9999-12-31 */
/* Dates we are given may be anything; beyond this the civil-date
 * arithmetic could overflow, so such a value is an error. */
#define DAY_SANE ((int64_t)1 << 40)

/* ------------------------------------------------------------------ */
/* Small helpers.                                                      */

/* The mem* functions with a length that may be 0 and a pointer that may
 * then be NULL, which the C library does not allow. */
static void mcpy(void *d, const void *s, size_t n)
{
	if (n > 0)
		memcpy(d, s, n);
}

static int meq(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

/* Offset of needle in hay[from..hn), or -1. */
static int64_t mfind(const char *hay, size_t hn, size_t from,
    const char *needle, size_t nn)
{
	const char *f;

	if (nn == 0)
		return from <= hn ? (int64_t)from : -1;
	if (from >= hn || hn - from < nn)
		return -1;
	f = memmem(hay + from, hn - from, needle, nn);
	return f != NULL ? f - hay : -1;
}

static struct sql_type ty(int id)
{
	struct sql_type t = { (uint8_t)id, 0, 0 };

	return t;
}

static struct sql_type dec_ty(int prec, int scale)
{
	struct sql_type t = { T_DECIMAL, (uint8_t)prec, (uint8_t)scale };

	return t;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && (a % b < 0) != (b < 0))
		q--;
	return q;
}

static int64_t floormod(int64_t a, int64_t b)
{
	int64_t r = a % b;

	if (r != 0 && (r < 0) != (b < 0))
		r += b;
	return r;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ret_int(struct sql_val *o, int id, int64_t v)
{
	o->t = ty(id);
	o->null = 0;
	o->u.i = v;
	return 0;
}

static int ret_double(struct sql_val *o, double d)
{
	o->t = ty(T_DOUBLE);
	o->null = 0;
	o->u.d = d;
	return 0;
}

static int ret_dec(struct sql_val *o, struct sql_type t, __int128 x)
{
	o->t = t;
	o->null = 0;
	o->u.x = x;
	return 0;
}

static int ret_null(struct sql_val *o, struct sql_type t)
{
	o->t = t;
	o->null = 1;
	return 0;
}

/* Room for n bytes of a result in cx->arena, or NULL after an error. */
static char *out_buf(struct sql_ctx *cx, const char *fname, size_t n)
{
	char *p;

	if (n > TEXT_MAX) {
		sql_error(cx, "%s: result would be larger than 1 GiB", fname);
		return NULL;
	}
	p = sql_arena_alloc(cx->arena, n > 0 ? n : 1);
	if (p == NULL)
		sql_error(cx, "%s: out of memory", fname);
	return p;
}

/* A result of type id made of the n bytes at p, which out_buf gave. */
static int ret_buf(struct sql_val *o, int id, char *p, size_t n)
{
	o->t = ty(id);
	o->null = 0;
	o->u.s.p = p;
	o->u.s.n = (uint32_t)n;
	return 0;
}

/* A result of type id copied from p[0..n). */
static int ret_text(struct sql_ctx *cx, const char *fname, struct sql_val *o,
    int id, const char *p, size_t n)
{
	char *b = out_buf(cx, fname, n);

	if (b == NULL)
		return -1;
	mcpy(b, p, n);
	return ret_buf(o, id, b, n);
}

static int ret_cstr(struct sql_ctx *cx, const char *fname, struct sql_val *o,
    const char *s)
{
	return ret_text(cx, fname, o, T_TEXT, s, strlen(s));
}

/* Text of at most 60 bytes of s, for quoting input in a message. */
#define QUOTE(s) \
	(int)((s)->n < 60 ? (s)->n : 60), ((s)->p != NULL ? (s)->p : "")

/* ------------------------------------------------------------------ */
/* UTF-8.                                                              */

static int cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/* Characters in p[0..n): bytes that do not continue a sequence. */
static size_t u8_count(const char *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += !cont(p[i]);
	return k;
}

/* The offset k characters after offset i (n when the text ends first). */
static size_t u8_skip(const char *p, size_t n, size_t i, uint64_t k)
{
	while (k > 0 && i < n) {
		i++;
		while (i < n && cont(p[i]))
			i++;
		k--;
	}
	return i;
}

/* The code point at p[*i], advancing *i past it; a malformed sequence
 * gives U+FFFD for its first byte alone. */
static uint32_t u8_decode(const char *p, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)p + *i;
	size_t len, k, left = n - *i;
	uint32_t c;

	if (s[0] < 0x80) {
		(*i)++;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		(*i)++;
		return 0xfffd;
	}
	if (left < len)
		goto bad;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		goto bad;
	*i += len;
	return c;
bad:
	(*i)++;
	return 0xfffd;
}

static size_t u8_encode(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Case mapping for ASCII, Latin-1, Latin Extended-A, Greek and the
 * basic Cyrillic letters: the pairs whose two forms encode to the same
 * number of bytes. Other characters are left as they are (ß, ǅ, the
 * Turkish dotted and dotless i, scripts further up).
 */
static int pair_even_upper(uint32_t c)
{
	return (c >= 0x100 && c <= 0x12f) || (c >= 0x132 && c <= 0x137) ||
	    (c >= 0x14a && c <= 0x177) || (c >= 0x460 && c <= 0x481) ||
	    (c >= 0x48a && c <= 0x4bf);
}

static int pair_odd_upper(uint32_t c)
{
	return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
}

static uint32_t cp_lower(uint32_t c)
{
	if (c < 0x80)
		return (uint32_t)ascii_lower((int)c);
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	if (pair_even_upper(c))
		return c | 1;
	if (pair_odd_upper(c))
		return c & 1 ? c + 1 : c;
	if (c == 0x178)
		return 0xff;
	if ((c >= 0x391 && c <= 0x3a9 && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 32;
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 37;
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return c + 63;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	return c;
}

static uint32_t cp_upper(uint32_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? c - 32 : c;
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return c - 32;
	if (c == 0xff)
		return 0x178;
	if (pair_even_upper(c))
		return c & ~1u;
	if (pair_odd_upper(c))
		return c & 1 ? c : c - 1;
	if ((c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) ||
	    (c >= 0x430 && c <= 0x44f))
		return c - 32;
	if (c == 0x3c2)
		return 0x3a3;
	if (c == 0x3ac)
		return 0x386;
	if (c >= 0x3ad && c <= 0x3af)
		return c - 37;
	if (c == 0x3cc)
		return 0x38c;
	if (c == 0x3cd || c == 0x3ce)
		return c - 63;
	if (c >= 0x450 && c <= 0x45f)
		return c - 80;
	return c;
}

/* ------------------------------------------------------------------ */
/* Resolving.                                                          */

/* "function name(T1, T2) does not exist"; returns -1. */
static int no_such(struct sql_ctx *cx, const char *name,
    const struct sql_type *a, int n)
{
	char list[256], tn[48];
	size_t k = 0;
	int i;

	list[0] = '\0';
	for (i = 0; i < n && k < sizeof(list) - 1; i++) {
		int w = snprintf(list + k, sizeof(list) - k, "%s%s",
		    i > 0 ? ", " : "", sql_type_name(a[i], tn, sizeof(tn)));
		if (w < 0)
			break;
		k += (size_t)w;
	}
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		sql_error(cx, n == 1 ? "operator %s %s does not exist" :
		    "operator %s (%s) does not exist", name, list);
	else
		sql_error(cx, "function %s(%s) does not exist", name, list);
	return -1;
}

/* Is n a valid argument count for name? The binder may have checked,
 * but the kernels index their arguments without looking. */
static int arity_ok(const char *name, int n)
{
	const struct sql_func *f = sql_func_find(name);

	return f != NULL && n >= f->minargs &&
	    (f->maxargs < 0 || n <= f->maxargs);
}

/*
 * Does an argument of type t fit letter k, and as what type (*to)?
 *   T  text: TEXT, or JSON cast to TEXT
 *   I  integer: INTEGER or BIGINT, kept
 *   D  number: any numeric type, cast to DOUBLE
 *   J  JSON or TEXT, kept
 *   P  a JSON path: TEXT, or INTEGER or BIGINT for an array index
 *   W  DATE or TIMESTAMP, kept; TEXT cast to TIMESTAMP
 *   V  as W, or INTERVAL
 *   *  anything, kept
 * A NULL literal becomes the letter's preferred type.
 */
static int sig_fit(char k, struct sql_type t, struct sql_type *to)
{
	int id = t.id;

	*to = t;
	switch (k) {
	case 'T':
		*to = ty(T_TEXT);
		return id == T_NULL || id == T_TEXT || id == T_JSON ? 0 : -1;
	case 'I':
		if (id == T_NULL)
			*to = ty(T_BIGINT);
		return id == T_NULL || id == T_INT || id == T_BIGINT ? 0 : -1;
	case 'D':
		*to = ty(T_DOUBLE);
		return id == T_NULL || sql_is_numeric(id) ? 0 : -1;
	case 'J':
		if (id == T_NULL)
			*to = ty(T_JSON);
		return id == T_NULL || id == T_TEXT || id == T_JSON ? 0 : -1;
	case 'P':
		if (id == T_INT || id == T_BIGINT)
			return 0;
		*to = ty(T_TEXT);
		return id == T_NULL || id == T_TEXT || id == T_JSON ? 0 : -1;
	case 'V':
	case 'W':
		if (id == T_DATE || id == T_TIMESTAMP ||
		    (k == 'V' && id == T_INTERVAL))
			return 0;
		*to = ty(T_TIMESTAMP);
		return id == T_NULL || id == T_TEXT ? 0 : -1;
	case '*':
		return 0;
	}
	return -1;
}

/* The result letters of a signature. */
static int sig_ret(char k)
{
	switch (k) {
	case 'T':
		return T_TEXT;
	case 'B':
		return T_BIGINT;
	case 'i':
		return T_INT;
	case 'D':
		return T_DOUBLE;
	case 'b':
		return T_BOOL;
	case 'J':
		return T_JSON;
	case 'S':
		return T_TIMESTAMP;
	case 'd':
		return T_DATE;
	}
	return T_NULL;
}

/* Check the arguments against sig's letters, then rewrite them. */
static int sig_check(struct sql_ctx *cx, const char *name, const char *sig,
    struct sql_type *a, int n)
{
	const char *as = sig + 2;
	struct sql_type to;
	int i;

	if (!arity_ok(name, n) || (size_t)n > strlen(as))
		return no_such(cx, name, a, n);
	for (i = 0; i < n; i++)
		if (sig_fit(as[i], a[i], &to) != 0)
			return no_such(cx, name, a, n);
	for (i = 0; i < n; i++)
		sig_fit(as[i], a[i], &a[i]);
	return 0;
}

static int sig_resolve(struct sql_ctx *cx, const char *name, const char *sig,
    struct sql_type *a, int n, struct sql_type *ret)
{
	if (sig_check(cx, name, sig, a, n) != 0)
		return -1;
	*ret = ty(sig_ret(sig[0]));
	return 0;
}

#define SIG(fn, sig)                                                    \
	static int r_##fn(struct sql_ctx *cx, struct sql_type *a, int n, \
	    struct sql_type *ret)                                       \
	{                                                               \
		return sig_resolve(cx, #fn, sig, a, n, ret);            \
	}

/* A resolver for fn that is impl under fn's name. */
#define NAMED(fn, impl)                                                 \
	static int r_##fn(struct sql_ctx *cx, struct sql_type *a, int n, \
	    struct sql_type *ret)                                       \
	{                                                               \
		return impl(cx, #fn, a, n, ret);                        \
	}

#define KERNEL(fn)                                                      \
	static int fn(struct sql_ctx *cx, const struct sql_val *a, int n, \
	    struct sql_val *o)

/* ------------------------------------------------------------------ */
/* Text.                                                               */

KERNEL(c_length)
{
	(void)cx;
	(void)n;
	return ret_int(o, T_BIGINT, (int64_t)u8_count(a[0].u.s.p, a[0].u.s.n));
}

static int case_map(struct sql_ctx *cx, const char *fname,
    const struct sql_val *a, struct sql_val *o, int up)
{
	const char *p = a[0].u.s.p;
	size_t n = a[0].u.s.n, i = 0, j = 0, st;
	char *b = out_buf(cx, fname, n), enc[4];
	uint32_t c, m;

	if (b == NULL)
		return -1;
	while (i < n) {
		st = i;
		c = u8_decode(p, n, &i);
		m = up ? cp_upper(c) : cp_lower(c);
		if (m != c && u8_encode(m, enc) == i - st) {
			mcpy(b + j, enc, i - st);
		} else {
			mcpy(b + j, p + st, i - st);
		}
		j += i - st;
	}
	return ret_buf(o, T_TEXT, b, j);
}

KERNEL(c_lower)
{
	(void)n;
	return case_map(cx, "lower", a, o, 0);
}

KERNEL(c_upper)
{
	(void)n;
	return case_map(cx, "upper", a, o, 1);
}

/* substr(s, start[, count]): characters start .. start+count-1 counted
 * from 1, clipped to the string, as SQL and PostgreSQL have it (DuckDB
 * counts a negative start from the end instead). */
KERNEL(c_substr)
{
	const char *p = a[0].u.s.p;
	size_t len = a[0].u.s.n, b, e;
	int64_t start = a[1].u.i, from = start < 1 ? 1 : start;
	__int128 end;

	/* a part of s is s's bytes: the result points at them (the
	 * argument outlives it as any column's strings do) */
	b = u8_skip(p, len, 0, (uint64_t)(from - 1));
	if (n < 3)
		return ret_buf(o, T_TEXT, (char *)p + b, len - b);
	if (a[2].u.i < 0) {
		sql_error(cx, "substr: length must not be negative");
		return -1;
	}
	end = (__int128)start + a[2].u.i;
	if (end <= from)
		return ret_text(cx, "substr", o, T_TEXT, "", 0);
	e = u8_skip(p, len, b, (uint64_t)(end - from));
	return ret_buf(o, T_TEXT, (char *)p + b, e - b);
}

/* c_substr over a column, start and count constants: the parts are
 * views of the strings (TPC-H Q22's substring(c_phone FROM 1 FOR 2),
 * 150,000 rows: through c_substr a value at a time, 2.1 ms). */
static int v_substr(struct sql_ctx *cx, const struct sql_vec *v,
    const struct sql_val *k, int n, size_t rows, struct sql_vec *out,
    struct sql_arena *a)
{
	int64_t start = k[0].u.i, from = start < 1 ? 1 : start;
	__int128 end = n < 3 ? 0 : (__int128)start + k[1].u.i;
	size_t i;

	if (v->null != NULL) {
		if ((out->null = sql_arena_alloc(a, rows + 1)) == NULL) {
			sql_error(cx, "out of memory");
			return -1;
		}
		memcpy(out->null, v->null, rows);
	}
	for (i = 0; i < rows; i++) {
		const char *p = v->v.s[i].p;
		size_t len = v->v.s[i].n, b, e;
		if (v->null != NULL && v->null[i]) {
			out->v.s[i].p = "";
			out->v.s[i].n = 0;
			continue;
		}
		if (n == 3 && k[1].u.i < 0) {
			sql_error(cx, "substr: length must not be negative");
			return -1;
		}
		b = u8_skip(p, len, 0, (uint64_t)(from - 1));
		e = n < 3 ? len : end <= from ? b :
		    u8_skip(p, len, b, (uint64_t)(end - from));
		out->v.s[i].p = p + b;
		out->v.s[i].n = (uint32_t)(e - b);
	}
	return 0;
}

static int in_set(uint32_t c, const struct sql_str *set)
{
	size_t i = 0;

	while (i < set->n)
		if (u8_decode(set->p, set->n, &i) == c)
			return 1;
	return 0;
}

/* trim(s[, chars]): strip any of chars (default a space) from the
 * ends. */
static int trim(struct sql_ctx *cx, const char *fname, const struct sql_val *a,
    int n, struct sql_val *o, int left, int right)
{
	static const struct sql_str space = { " ", 1 };
	const struct sql_str *set = n > 1 ? &a[1].u.s : &space;
	const char *p = a[0].u.s.p;
	size_t b = 0, e = a[0].u.s.n, i, st;

	while (left && b < e) {
		i = b;
		if (!in_set(u8_decode(p, e, &i), set))
			break;
		b = i;
	}
	while (right && e > b) {
		st = e - 1;
		while (st > b && e - st < 4 && cont(p[st]))
			st--;
		i = st;
		if (!in_set(u8_decode(p, e, &i), set) || i != e)
			break;
		e = st;
	}
	return ret_text(cx, fname, o, T_TEXT, p + b, e - b);
}

KERNEL(c_trim)
{
	return trim(cx, "trim", a, n, o, 1, 1);
}

KERNEL(c_ltrim)
{
	return trim(cx, "ltrim", a, n, o, 1, 0);
}

KERNEL(c_rtrim)
{
	return trim(cx, "rtrim", a, n, o, 0, 1);
}

/* replace(s, from, to): every occurrence, left to right; an empty from
 * changes nothing. */
KERNEL(c_replace)
{
	const struct sql_str *s = &a[0].u.s, *f = &a[1].u.s, *t = &a[2].u.s;
	size_t cnt = 0, pos = 0, k = 0;
	__int128 len;
	int64_t at;
	char *b;

	(void)n;
	if (f->n == 0)
		return ret_text(cx, "replace", o, T_TEXT, s->p, s->n);
	while ((at = mfind(s->p, s->n, pos, f->p, f->n)) >= 0) {
		cnt++;
		pos = (size_t)at + f->n;
	}
	len = (__int128)s->n + (__int128)cnt * ((__int128)t->n - f->n);
	if (len > (__int128)TEXT_MAX)
		len = (__int128)TEXT_MAX + 1;
	if ((b = out_buf(cx, "replace", (size_t)len)) == NULL)
		return -1;
	pos = 0;
	while ((at = mfind(s->p, s->n, pos, f->p, f->n)) >= 0) {
		mcpy(b + k, s->p + pos, (size_t)at - pos);
		k += (size_t)at - pos;
		mcpy(b + k, t->p, t->n);
		k += t->n;
		pos = (size_t)at + f->n;
	}
	mcpy(b + k, s->p + pos, s->n - pos);
	k += s->n - pos;
	return ret_buf(o, T_TEXT, b, k);
}

/* The character position (from 1) of sub in s, 0 when absent. */
static int64_t strpos(const struct sql_str *s, const struct sql_str *sub)
{
	int64_t at = mfind(s->p, s->n, 0, sub->p, sub->n);

	return at < 0 ? 0 : (int64_t)u8_count(s->p, (size_t)at) + 1;
}

/* position(sub, s) is POSITION(sub IN s). */
KERNEL(c_position)
{
	(void)cx;
	(void)n;
	return ret_int(o, T_BIGINT, strpos(&a[1].u.s, &a[0].u.s));
}

KERNEL(c_strpos)
{
	(void)cx;
	(void)n;
	return ret_int(o, T_BIGINT, strpos(&a[0].u.s, &a[1].u.s));
}

/* split_part(s, sep, i): field i from 1, or from the end when negative;
 * '' out of range and for 0. An empty sep splits into characters (as
 * DuckDB's string_split). */
KERNEL(c_split_part)
{
	const struct sql_str *s = &a[0].u.s, *sep = &a[1].u.s;
	int64_t idx = a[2].u.i, at;
	size_t nf = 1, pos = 0, b, e;
	__int128 f;

	(void)n;
	if (s->n == 0)
		return ret_text(cx, "split_part", o, T_TEXT, "", 0);
	if (sep->n == 0) {
		nf = u8_count(s->p, s->n);
	} else {
		while ((at = mfind(s->p, s->n, pos, sep->p, sep->n)) >= 0) {
			nf++;
			pos = (size_t)at + sep->n;
		}
	}
	f = idx < 0 ? (__int128)nf + idx + 1 : idx;
	if (f < 1 || f > (__int128)nf)
		return ret_text(cx, "split_part", o, T_TEXT, "", 0);
	if (sep->n == 0) {
		b = u8_skip(s->p, s->n, 0, (uint64_t)(f - 1));
		e = u8_skip(s->p, s->n, b, 1);
		return ret_text(cx, "split_part", o, T_TEXT, s->p + b, e - b);
	}
	b = 0;
	while (--f > 0)
		b = (size_t)mfind(s->p, s->n, b, sep->p, sep->n) + sep->n;
	at = mfind(s->p, s->n, b, sep->p, sep->n);
	e = at < 0 ? s->n : (size_t)at;
	return ret_text(cx, "split_part", o, T_TEXT, s->p + b, e - b);
}

/* lpad/rpad(s, count[, fill]): s cut or filled to count characters;
 * a longer s loses characters at its end either way. */
static int pad(struct sql_ctx *cx, const char *fname, const struct sql_val *a,
    int n, struct sql_val *o, int left)
{
	static const struct sql_str space = { " ", 1 };
	const struct sql_str *s = &a[0].u.s;
	const struct sql_str *fill = n > 2 ? &a[2].u.s : &space;
	int64_t cnt = a[1].u.i;
	size_t slen, fc, full, part, total, k = 0;
	uint64_t need;
	char *b;

	if (cnt <= 0)
		return ret_text(cx, fname, o, T_TEXT, "", 0);
	slen = u8_count(s->p, s->n);
	if ((uint64_t)cnt <= slen)
		return ret_text(cx, fname, o, T_TEXT, s->p,
		    u8_skip(s->p, s->n, 0, (uint64_t)cnt));
	if (fill->n == 0) {
		sql_error(cx, "%s: the fill text must not be empty", fname);
		return -1;
	}
	need = (uint64_t)cnt - slen;
	/* a fill of stray continuation bytes counts as one character */
	if ((fc = u8_count(fill->p, fill->n)) == 0)
		fc = 1;
	if (need / fc > TEXT_MAX / fill->n) {
		sql_error(cx, "%s: result would be larger than 1 GiB", fname);
		return -1;
	}
	full = (size_t)(need / fc);
	part = u8_skip(fill->p, fill->n, 0, need % fc);
	total = full * fill->n + part + s->n;
	if ((b = out_buf(cx, fname, total)) == NULL)
		return -1;
	if (!left) {
		mcpy(b, s->p, s->n);
		k = s->n;
	}
	while (full-- > 0) {
		mcpy(b + k, fill->p, fill->n);
		k += fill->n;
	}
	mcpy(b + k, fill->p, part);
	k += part;
	if (left) {
		mcpy(b + k, s->p, s->n);
		k += s->n;
	}
	return ret_buf(o, T_TEXT, b, k);
}

KERNEL(c_lpad)
{
	return pad(cx, "lpad", a, n, o, 1);
}

KERNEL(c_rpad)
{
	return pad(cx, "rpad", a, n, o, 0);
}

static int append_val(struct rdb_buf *b, const struct sql_val *v)
{
	if (sql_is_strlike(v->t.id))
		return rdb_buf_append(b, v->u.s.p, v->u.s.n);
	return sql_val_text(v, b);
}

/*
 * concat(...) and concat_ws(sep, ...): the text of every argument, NULLs
 * skipped (so not strict); concat_ws puts sep between them and is NULL
 * only when sep is.
 */
static int concat(struct sql_ctx *cx, const char *fname,
    const struct sql_val *a, int n, struct sql_val *o, int ws)
{
	struct rdb_buf b;
	int i, first = 1, rc = -1;

	if (ws && a[0].null)
		return ret_null(o, ty(T_TEXT));
	rdb_buf_init(&b);
	for (i = ws; i < n; i++) {
		if (a[i].null)
			continue;
		if (ws && !first &&
		    rdb_buf_append(&b, a[0].u.s.p, a[0].u.s.n) != RDB_OK)
			goto nomem;
		first = 0;
		if (append_val(&b, &a[i]) != RDB_OK)
			goto nomem;
		if (b.len > TEXT_MAX)
			break;
	}
	rc = ret_text(cx, fname, o, T_TEXT, (const char *)b.p, b.len);
	rdb_buf_release(&b);
	return rc;
nomem:
	rdb_buf_release(&b);
	sql_error(cx, "%s: out of memory", fname);
	return -1;
}

KERNEL(c_concat)
{
	return concat(cx, "concat", a, n, o, 0);
}

KERNEL(c_concat_ws)
{
	return concat(cx, "concat_ws", a, n, o, 1);
}

static int rs_concat(struct sql_ctx *cx, const char *name, struct sql_type *a,
    int n, struct sql_type *ret)
{
	struct sql_type to;
	int ws = strcmp(name, "concat_ws") == 0;

	if (!arity_ok(name, n) || (ws && sig_fit('T', a[0], &to) != 0))
		return no_such(cx, name, a, n);
	if (ws)
		a[0] = to;
	*ret = ty(T_TEXT);
	return 0;
}
NAMED(concat, rs_concat)
NAMED(concat_ws, rs_concat)

KERNEL(c_starts_with)
{
	const struct sql_str *s = &a[0].u.s, *x = &a[1].u.s;

	(void)cx;
	(void)n;
	return ret_int(o, T_BOOL, x->n <= s->n && meq(s->p, x->p, x->n));
}

KERNEL(c_ends_with)
{
	const struct sql_str *s = &a[0].u.s, *x = &a[1].u.s;

	(void)cx;
	(void)n;
	return ret_int(o, T_BOOL,
	    x->n <= s->n && meq(s->p + (s->n - x->n), x->p, x->n));
}

KERNEL(c_contains)
{
	(void)cx;
	(void)n;
	return ret_int(o, T_BOOL, mfind(a[0].u.s.p, a[0].u.s.n, 0, a[1].u.s.p,
	    a[1].u.s.n) >= 0);
}

/* left(s, k): the first k characters, or all but the last -k. */
KERNEL(c_left)
{
	const struct sql_str *s = &a[0].u.s;
	int64_t k = a[1].u.i, total = (int64_t)u8_count(s->p, s->n);
	int64_t keep = k >= 0 ? k : total + k;

	(void)n;
	if (keep < 0)
		keep = 0;
	return ret_text(cx, "left", o, T_TEXT, s->p,
	    u8_skip(s->p, s->n, 0, (uint64_t)keep));
}

/* right(s, k): the last k characters, or all but the first -k. */
KERNEL(c_right)
{
	const struct sql_str *s = &a[0].u.s;
	int64_t k = a[1].u.i;
	uint64_t total = u8_count(s->p, s->n), drop;
	size_t b;

	(void)n;
	if (k >= 0)
		drop = (uint64_t)k >= total ? 0 : total - (uint64_t)k;
	else
		drop = 0 - (uint64_t)k;
	b = u8_skip(s->p, s->n, 0, drop);
	return ret_text(cx, "right", o, T_TEXT, s->p + b, s->n - b);
}

/* reverse(s), by characters. */
KERNEL(c_reverse)
{
	const char *p = a[0].u.s.p;
	size_t len = a[0].u.s.n, i = 0, e;
	char *b = out_buf(cx, "reverse", len);

	(void)n;
	if (b == NULL)
		return -1;
	while (i < len) {
		e = u8_skip(p, len, i, 1);
		mcpy(b + len - e, p + i, e - i);
		i = e;
	}
	return ret_buf(o, T_TEXT, b, len);
}

KERNEL(c_repeat)
{
	const struct sql_str *s = &a[0].u.s;
	int64_t k = a[1].u.i, i;
	char *b;

	(void)n;
	if (k <= 0 || s->n == 0)
		return ret_text(cx, "repeat", o, T_TEXT, "", 0);
	if ((uint64_t)k > TEXT_MAX / s->n) {
		sql_error(cx, "repeat: result would be larger than 1 GiB");
		return -1;
	}
	if ((b = out_buf(cx, "repeat", (size_t)k * s->n)) == NULL)
		return -1;
	for (i = 0; i < k; i++)
		memcpy(b + (size_t)i * s->n, s->p, s->n);
	return ret_buf(o, T_TEXT, b, (size_t)k * s->n);
}

/* ascii(s): the code point of the first character, 0 for ''. */
KERNEL(c_ascii)
{
	size_t i = 0;

	(void)cx;
	(void)n;
	return ret_int(o, T_INT, a[0].u.s.n == 0 ? 0 :
	    (int64_t)u8_decode(a[0].u.s.p, a[0].u.s.n, &i));
}

KERNEL(c_chr)
{
	int64_t c = a[0].u.i;
	char enc[4];

	(void)n;
	if (c < 1 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		sql_error(cx, "chr: invalid code point %lld", (long long)c);
		return -1;
	}
	return ret_text(cx, "chr", o, T_TEXT, enc, u8_encode((uint32_t)c, enc));
}

/* ------------------------------------------------------------------ */
/* Regular expressions: POSIX extended syntax.                         */

/*
 * Compiled patterns, per thread: the same pattern comes back for every
 * row, and regcomp costs far more than regexec. Small and round-robin,
 * as a query rarely uses more than a few patterns. The memory stays
 * reachable until the thread ends.
 */
#define RE_CACHE 8

struct re_slot {
	char *pat;              /* NUL-terminated copy; NULL when free */
	size_t n;
	int cflags;
	regex_t re;
};

static _Thread_local struct re_slot re_cache[RE_CACHE];
static _Thread_local unsigned re_clock;

static regex_t *re_get(struct sql_ctx *cx, const char *fname,
    const struct sql_str *pat, int cflags)
{
	struct re_slot *s;
	char *copy, msg[160];
	int k, rc;

	for (k = 0; k < RE_CACHE; k++) {
		s = &re_cache[k];
		if (s->pat != NULL && s->n == pat->n && s->cflags == cflags &&
		    meq(s->pat, pat->p, pat->n))
			return &s->re;
	}
	if (pat->n > 0 && memchr(pat->p, '\0', pat->n) != NULL) {
		sql_error(cx, "%s: the pattern contains a NUL byte", fname);
		return NULL;
	}
	if ((copy = malloc(pat->n + 1)) == NULL) {
		sql_error(cx, "%s: out of memory", fname);
		return NULL;
	}
	mcpy(copy, pat->p, pat->n);
	copy[pat->n] = '\0';
	s = &re_cache[re_clock++ % RE_CACHE];
	if (s->pat != NULL) {
		regfree(&s->re);
		free(s->pat);
		s->pat = NULL;
	}
	rc = regcomp(&s->re, copy, cflags);
	if (rc != 0) {
		regerror(rc, &s->re, msg, sizeof(msg));
		sql_error(cx, "%s: invalid regular expression '%.*s': %s",
		    fname, QUOTE(pat), msg);
		free(copy);
		return NULL;
	}
	s->pat = copy;
	s->n = pat->n;
	s->cflags = cflags;
	return &s->re;
}

/* Flags as DuckDB's: i and c for case, g for every match (replace
 * only), m n p for newline-sensitive matching and s for not. */
static int re_flags(struct sql_ctx *cx, const char *fname,
    const struct sql_str *f, int *cflags, int *global)
{
	size_t i;

	*cflags = REG_EXTENDED;
	for (i = 0; i < f->n; i++) {
		switch (f->p[i]) {
		case 'i':
			*cflags |= REG_ICASE;
			break;
		case 'c':
			*cflags &= ~REG_ICASE;
			break;
		case 'm':
		case 'n':
		case 'p':
			*cflags |= REG_NEWLINE;
			break;
		case 's':
			*cflags &= ~REG_NEWLINE;
			break;
		case 'g':
			if (global != NULL) {
				*global = 1;
				break;
			}
			/* fall through */
		default:
			sql_error(cx, "%s: invalid flags '%.*s'", fname,
			    QUOTE(f));
			return -1;
		}
	}
	return 0;
}

/* Match re against s[0..n) from offset from (REG_STARTEND: no copy, and
 * NUL bytes in s do not end it). */
static int re_exec(const regex_t *re, const struct sql_str *s, size_t from,
    regmatch_t *m, size_t nm)
{
	m[0].rm_so = (regoff_t)from;
	m[0].rm_eo = (regoff_t)s->n;
	return regexec(re, s->p != NULL ? s->p : "", nm, m, REG_STARTEND);
}

/* regexp_matches(s, pattern[, flags]): does pattern match anywhere? */
KERNEL(c_regexp_matches)
{
	static const struct sql_str none = { "", 0 };
	regmatch_t m[1];
	regex_t *re;
	int cf;

	if (re_flags(cx, "regexp_matches", n > 2 ? &a[2].u.s : &none, &cf,
	    NULL) != 0 ||
	    (re = re_get(cx, "regexp_matches", &a[1].u.s, cf)) == NULL)
		return -1;
	return ret_int(o, T_BOOL, re_exec(re, &a[0].u.s, 0, m, 1) == 0);
}

/* regexp_extract(s, pattern[, group]): the group of the first match
 * (0: all of it), '' when none. */
KERNEL(c_regexp_extract)
{
	regmatch_t m[10];
	regex_t *re;
	int64_t g = n > 2 ? a[2].u.i : 0;

	if ((re = re_get(cx, "regexp_extract", &a[1].u.s, REG_EXTENDED)) ==
	    NULL)
		return -1;
	if (g < 0 || g > 9 || (size_t)g > re->re_nsub) {
		sql_error(cx, "regexp_extract: no group %lld in the pattern",
		    (long long)g);
		return -1;
	}
	if (re_exec(re, &a[0].u.s, 0, m, 10) != 0 || m[g].rm_so < 0)
		return ret_text(cx, "regexp_extract", o, T_TEXT, "", 0);
	return ret_text(cx, "regexp_extract", o, T_TEXT,
	    a[0].u.s.p + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
}

/* The replacement text for one match: \0 to \9 and \& are groups, \\ a
 * backslash. */
static int re_subst(struct rdb_buf *b, const struct sql_str *s,
    const struct sql_str *r, const regmatch_t *m, size_t nsub)
{
	size_t k;
	int g, rc = 0;

	for (k = 0; k < r->n && rc == 0; k++) {
		char c = r->p[k], x = k + 1 < r->n ? r->p[k + 1] : 0;
		if (c == '\\' && ((x >= '0' && x <= '9') || x == '&')) {
			g = x == '&' ? 0 : x - '0';
			k++;
			if ((size_t)g <= nsub && m[g].rm_so >= 0)
				rc = rdb_buf_append(b, s->p + m[g].rm_so,
				    (size_t)(m[g].rm_eo - m[g].rm_so));
		} else if (c == '\\' && x == '\\') {
			k++;
			rc = rdb_buf_put8(b, '\\');
		} else {
			rc = rdb_buf_put8(b, (uint8_t)c);
		}
	}
	return rc;
}

/* regexp_replace(s, pattern, repl[, flags]): the first match replaced,
 * or every one with flag g. An empty match replaces nothing but is
 * still a match: 'x*' on 'ab' with g gives '-a-b-'. */
KERNEL(c_regexp_replace)
{
	const struct sql_str *s = &a[0].u.s;
	static const struct sql_str none = { "", 0 };
	struct rdb_buf b;
	regmatch_t m[10];
	regex_t *re;
	size_t pos = 0, so, eo;
	int cf, global = 0, rc = -1;

	if (re_flags(cx, "regexp_replace", n > 3 ? &a[3].u.s : &none, &cf,
	    &global) != 0 ||
	    (re = re_get(cx, "regexp_replace", &a[1].u.s, cf)) == NULL)
		return -1;
	rdb_buf_init(&b);
	while (pos <= s->n && re_exec(re, s, pos, m, 10) == 0) {
		so = (size_t)m[0].rm_so;
		eo = (size_t)m[0].rm_eo;
		if (rdb_buf_append(&b, s->p + pos, so - pos) != RDB_OK ||
		    re_subst(&b, s, &a[2].u.s, m, re->re_nsub) != RDB_OK)
			goto nomem;
		pos = eo;
		if (so == eo) {
			/* step over one character so the next search moves */
			if (so >= s->n) {
				pos = s->n + 1;
				break;
			}
			pos = u8_skip(s->p, s->n, so, 1);
			if (rdb_buf_append(&b, s->p + so, pos - so) != RDB_OK)
				goto nomem;
		}
		if (!global || b.len > TEXT_MAX)
			break;
	}
	if (pos < s->n && rdb_buf_append(&b, s->p + pos, s->n - pos) != RDB_OK)
		goto nomem;
	rc = ret_text(cx, "regexp_replace", o, T_TEXT, (const char *)b.p,
	    b.len);
	rdb_buf_release(&b);
	return rc;
nomem:
	rdb_buf_release(&b);
	sql_error(cx, "regexp_replace: out of memory");
	return -1;
}

/* ------------------------------------------------------------------ */
/* Numbers.                                                            */

/* DECIMAL precision and scale of a numeric type other than DOUBLE. */
static void dec_of(struct sql_type t, int *p, int *s)
{
	*p = t.id == T_INT ? 10 : t.id == T_BIGINT ? 19 : t.prec;
	*s = t.id == T_DECIMAL ? t.scale : 0;
}

/* The type two numbers are compared or combined in: INTEGER, BIGINT,
 * DECIMAL wide enough for both, or DOUBLE when no DECIMAL is. */
static int num_common(struct sql_type a, struct sql_type b,
    struct sql_type *t)
{
	int pa, sa, pb, sb, s, ip;

	if (a.id == T_NULL)
		a = b.id == T_NULL ? ty(T_INT) : b;
	if (b.id == T_NULL)
		b = a;
	if (!sql_is_numeric(a.id) || !sql_is_numeric(b.id))
		return -1;
	if (a.id == T_DOUBLE || b.id == T_DOUBLE) {
		*t = ty(T_DOUBLE);
	} else if (a.id == T_DECIMAL || b.id == T_DECIMAL) {
		dec_of(a, &pa, &sa);
		dec_of(b, &pb, &sb);
		s = sa > sb ? sa : sb;
		ip = pa - sa > pb - sb ? pa - sa : pb - sb;
		*t = ip + s > 38 ? ty(T_DOUBLE) : dec_ty(ip + s, s);
	} else {
		*t = ty(a.id == T_INT && b.id == T_INT ? T_INT : T_BIGINT);
	}
	return 0;
}

static int int_fits(int id, __int128 v)
{
	if (id == T_INT)
		return v >= INT32_MIN && v <= INT32_MAX;
	return v >= INT64_MIN && v <= INT64_MAX;
}

static int dec_fits(__int128 x, int prec)
{
	__int128 lim = sql_pow10(prec > 38 ? 38 : prec);

	return x < lim && x > -lim;
}

static int range_error(struct sql_ctx *cx, const char *fname,
    struct sql_type t)
{
	char tn[48];

	sql_error(cx, "%s: %s out of range", fname,
	    sql_type_name(t, tn, sizeof(tn)));
	return -1;
}

KERNEL(c_abs)
{
	(void)n;
	switch (a[0].t.id) {
	case T_DOUBLE:
		return ret_double(o, fabs(a[0].u.d));
	case T_DECIMAL:
		return ret_dec(o, a[0].t, a[0].u.x < 0 ? -a[0].u.x : a[0].u.x);
	default:
		if (!int_fits(a[0].t.id, -(__int128)a[0].u.i))
			return range_error(cx, "abs", a[0].t);
		return ret_int(o, a[0].t.id,
		    a[0].u.i < 0 ? -a[0].u.i : a[0].u.i);
	}
}

static int rs_abs(struct sql_ctx *cx, const char *name, struct sql_type *a,
    int n, struct sql_type *ret)
{
	if (!arity_ok(name, n) ||
	    !(a[0].id == T_NULL || sql_is_numeric(a[0].id)))
		return no_such(cx, name, a, n);
	if (a[0].id == T_NULL)
		a[0] = ty(T_INT);
	*ret = a[0];
	return 0;
}
NAMED(abs, rs_abs)

enum { RND_ROUND, RND_FLOOR, RND_CEIL, RND_TRUNC };

/*
 * x at some scale with drop more digits cut off, by mode: the quotient
 * x / 10^drop rounded (half away from zero), floored, ceiled or
 * truncated.
 */
static __int128 dec_cut(__int128 x, int64_t drop, int mode)
{
	__int128 d, q, r;

	if (drop <= 0)
		return x;
	if (drop > 38) {
		/* |x| < 10^38: only the sign can survive */
		if (mode == RND_FLOOR && x < 0)
			return -1;
		if (mode == RND_CEIL && x > 0)
			return 1;
		return 0;
	}
	d = sql_pow10((int)drop);
	q = x / d;
	r = x % d;
	switch (mode) {
	case RND_ROUND:
		if (r >= d - r)
			q++;
		else if (-r >= d + r)
			q--;
		break;
	case RND_FLOOR:
		if (r < 0)
			q--;
		break;
	case RND_CEIL:
		if (r > 0)
			q++;
		break;
	}
	return q;
}

/* q * 10^k as a value that must fit fits(); -1 when it does not. */
static int dec_scale_up(__int128 q, int64_t k, int prec, __int128 *out)
{
	__int128 d;

	if (q == 0) {
		*out = 0;
		return 0;
	}
	if (k > 38)
		return -1;
	d = sql_pow10((int)k);
	if ((q < 0 ? -q : q) > sql_pow10(38) / d)
		return -1;
	*out = q * d;
	return dec_fits(*out, prec) ? 0 : -1;
}

static double dbl_round(double x, int64_t digits, int mode)
{
	double (*f)(double) = mode == RND_ROUND ? round : mode == RND_FLOOR ?
	    floor : mode == RND_CEIL ? ceil : trunc;
	double m, r;

	if (digits == 0 || !isfinite(x))
		return f(x);
	if (digits > 0) {
		/* as DuckDB: beyond what a double holds, x stays */
		m = pow(10.0, (double)(digits > 400 ? 400 : digits));
		r = f(x * m) / m;
		return isfinite(r) && isfinite(x * m) ? r : x;
	}
	m = pow(10.0, (double)(digits < -400 ? 400 : -digits));
	r = f(x / m) * m;
	return isfinite(r) ? r : 0.0;
}

/*
 * round, floor, ceil, trunc with an optional digit count. Integers and
 * DOUBLE keep their type. DECIMAL(p,s) without digits becomes a
 * DECIMAL of scale 0; with digits it keeps scale s and the dropped
 * digits become zeros (DuckDB narrows the scale to the digits, which
 * needs their value at bind time; the resolver only sees types).
 */
static int rounding(struct sql_ctx *cx, const char *fname,
    const struct sql_val *a, int n, struct sql_val *o, int mode)
{
	int64_t digits = n > 1 ? a[1].u.i : 0;
	struct sql_type t = a[0].t;
	/* digits to cut from an integer; past 38 all are the same */
	int64_t cut = digits < -64 ? 64 : -digits;
	__int128 q, v;
	int p, s;

	switch (t.id) {
	case T_DOUBLE:
		return ret_double(o, dbl_round(a[0].u.d, digits, mode));
	case T_DECIMAL:
		p = t.prec;
		s = t.scale;
		if (n < 2) {
			struct sql_type rt = dec_ty(s == 0 ? p : mode ==
			    RND_TRUNC ? (p - s > 1 ? p - s : 1) :
			    (p - s + 1 > 38 ? 38 : p - s + 1), 0);
			q = dec_cut(a[0].u.x, s, mode);
			if (!dec_fits(q, rt.prec))
				return range_error(cx, fname, rt);
			return ret_dec(o, rt, q);
		}
		if (digits >= s)
			return ret_dec(o, dec_ty(mode == RND_ROUND ?
			    (p + 1 > 38 ? 38 : p + 1) : p, s), a[0].u.x);
		q = dec_cut(a[0].u.x, s + cut, mode);
		t = dec_ty(mode == RND_ROUND ? (p + 1 > 38 ? 38 : p + 1) : p,
		    s);
		if (dec_scale_up(q, s + cut, t.prec, &v) != 0)
			return range_error(cx, fname, t);
		return ret_dec(o, t, v);
	default:
		if (digits >= 0 || mode == RND_FLOOR || mode == RND_CEIL)
			return ret_int(o, t.id, a[0].u.i);
		q = dec_cut(a[0].u.i, cut, mode);
		if (dec_scale_up(q, cut, 38, &v) != 0 ||
		    !int_fits(t.id, v))
			return range_error(cx, fname, t);
		return ret_int(o, t.id, (int64_t)v);
	}
}

static int rs_round(struct sql_ctx *cx, const char *name, struct sql_type *a,
    int n, struct sql_type *ret)
{
	int mode = name[0] == 'r' ? RND_ROUND : name[0] == 'f' ? RND_FLOOR :
	    name[0] == 'c' ? RND_CEIL : RND_TRUNC;
	int p, s;

	if (!arity_ok(name, n) ||
	    !(a[0].id == T_NULL || sql_is_numeric(a[0].id)) ||
	    (n > 1 && a[1].id != T_NULL && a[1].id != T_INT &&
	    a[1].id != T_BIGINT))
		return no_such(cx, name, a, n);
	if (a[0].id == T_NULL)
		a[0] = ty(T_DOUBLE);
	if (n > 1 && a[1].id == T_NULL)
		a[1] = ty(T_BIGINT);
	*ret = a[0];
	if (a[0].id == T_DECIMAL) {
		p = a[0].prec;
		s = a[0].scale;
		if (n < 2 && s > 0)
			*ret = dec_ty(mode == RND_TRUNC ? (p - s > 1 ? p - s :
			    1) : (p - s + 1 > 38 ? 38 : p - s + 1), 0);
		else if (n > 1 && mode == RND_ROUND)
			*ret = dec_ty(p + 1 > 38 ? 38 : p + 1, s);
	}
	return 0;
}
NAMED(round, rs_round)
NAMED(floor, rs_round)
NAMED(ceil, rs_round)
NAMED(ceiling, rs_round)
NAMED(trunc, rs_round)

KERNEL(c_round)
{
	return rounding(cx, "round", a, n, o, RND_ROUND);
}

KERNEL(c_floor)
{
	return rounding(cx, "floor", a, n, o, RND_FLOOR);
}

KERNEL(c_ceil)
{
	return rounding(cx, "ceil", a, n, o, RND_CEIL);
}

KERNEL(c_trunc)
{
	return rounding(cx, "trunc", a, n, o, RND_TRUNC);
}

/* Where a one-argument double function is defined; outside it is an
 * error (as PostgreSQL and DuckDB), not a NaN. */
enum { DOM_ALL, DOM_NONNEG, DOM_POS, DOM_UNIT };

static int dbl_domain(struct sql_ctx *cx, const char *fname, int dom,
    double x)
{
	if (dom == DOM_NONNEG && x < 0)
		sql_error(cx,
		    "cannot take the square root of a negative number");
	else if (dom == DOM_POS && x == 0)
		sql_error(cx, "cannot take the logarithm of zero");
	else if (dom == DOM_POS && x < 0)
		sql_error(cx, "cannot take the logarithm of a negative number");
	else if (dom == DOM_UNIT && (x < -1 || x > 1))
		sql_error(cx, "%s: argument %g is not between -1 and 1", fname,
		    x);
	else
		return 0;
	return -1;
}

#define MATH1(fn, dom, expr)                                            \
	KERNEL(c_##fn)                                                  \
	{                                                               \
		double x = a[0].u.d;                                    \
		(void)n;                                                \
		if (dbl_domain(cx, #fn, dom, x) != 0)                   \
			return -1;                                      \
		return ret_double(o, (expr));                           \
	}

MATH1(sqrt, DOM_NONNEG, sqrt(x))
MATH1(cbrt, DOM_ALL, cbrt(x))
MATH1(exp, DOM_ALL, exp(x))
MATH1(ln, DOM_POS, log(x))
MATH1(log10, DOM_POS, log10(x))
MATH1(log2, DOM_POS, log2(x))
MATH1(sin, DOM_ALL, sin(x))
MATH1(cos, DOM_ALL, cos(x))
MATH1(tan, DOM_ALL, tan(x))
MATH1(asin, DOM_UNIT, asin(x))
MATH1(acos, DOM_UNIT, acos(x))
MATH1(atan, DOM_ALL, atan(x))
MATH1(degrees, DOM_ALL, x * (180.0 / M_PI))
MATH1(radians, DOM_ALL, x * (M_PI / 180.0))

/* log(x) is the base-10 logarithm, as PostgreSQL; log(b, x) base b. */
KERNEL(c_log)
{
	double b = a[0].u.d, x = n > 1 ? a[1].u.d : 0;

	if (dbl_domain(cx, "log", DOM_POS, b) != 0)
		return -1;
	if (n < 2)
		return ret_double(o, log10(b));
	if (dbl_domain(cx, "log", DOM_POS, x) != 0)
		return -1;
	if (b == 1) {
		sql_error(cx, "log: base 1 gives a division by zero");
		return -1;
	}
	return ret_double(o, log(x) / log(b));
}

KERNEL(c_power)
{
	(void)cx;
	(void)n;
	return ret_double(o, pow(a[0].u.d, a[1].u.d));
}

KERNEL(c_atan2)
{
	(void)cx;
	(void)n;
	return ret_double(o, atan2(a[0].u.d, a[1].u.d));
}

KERNEL(c_pi)
{
	(void)cx;
	(void)a;
	(void)n;
	return ret_double(o, M_PI);
}

/* random(): splitmix64 over cx->rng, 53 bits into [0, 1). */
KERNEL(c_random)
{
	uint64_t z = (cx->rng += 0x9e3779b97f4a7c15ULL);

	(void)a;
	(void)n;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return ret_double(o, (double)(z >> 11) * 0x1.0p-53);
}

/* sign(x): -1, 0 or 1 as an INTEGER (DuckDB's TINYINT); NaN gives 0. */
KERNEL(c_sign)
{
	double x = a[0].u.d;

	(void)cx;
	(void)n;
	return ret_int(o, T_INT, x > 0 ? 1 : x < 0 ? -1 : 0);
}

KERNEL(c_isnan)
{
	(void)cx;
	(void)n;
	return ret_int(o, T_BOOL, isnan(a[0].u.d) != 0);
}

KERNEL(c_isinf)
{
	(void)cx;
	(void)n;
	return ret_int(o, T_BOOL, isinf(a[0].u.d) != 0);
}

KERNEL(c_isfinite)
{
	(void)cx;
	(void)n;
	return ret_int(o, T_BOOL, isfinite(a[0].u.d) != 0);
}

/* mod(a, b) in the common type of a and b; the sign is a's. */
KERNEL(c_mod)
{
	(void)n;
	switch (a[0].t.id) {
	case T_DOUBLE:
		if (a[1].u.d == 0)
			break;
		return ret_double(o, fmod(a[0].u.d, a[1].u.d));
	case T_DECIMAL:
		if (a[1].u.x == 0)
			break;
		return ret_dec(o, a[0].t, a[0].u.x % a[1].u.x);
	default:
		if (a[1].u.i == 0)
			break;
		/* INT64_MIN % -1 traps on x86 */
		return ret_int(o, a[0].t.id,
		    a[1].u.i == -1 ? 0 : a[0].u.i % a[1].u.i);
	}
	sql_error(cx, "mod: division by zero");
	return -1;
}

static int rs_mod(struct sql_ctx *cx, const char *name, struct sql_type *a,
    int n, struct sql_type *ret)
{
	struct sql_type t;

	if (!arity_ok(name, n) || num_common(a[0], a[1], &t) != 0)
		return no_such(cx, name, a, n);
	a[0] = a[1] = *ret = t;
	return 0;
}
NAMED(mod, rs_mod)

/* ------------------------------------------------------------------ */
/* greatest, least: NULLs ignored; all arguments in one type.          */

static int common_type(struct sql_type a, struct sql_type b,
    struct sql_type *t)
{
	int x = a.id, y = b.id;

	if (x == T_NULL || y == T_NULL || (x == y && x != T_DECIMAL)) {
		*t = x == T_NULL ? b : a;
		return x == T_INTERVAL || y == T_INTERVAL ? -1 : 0;
	}
	if (sql_is_numeric(x) && sql_is_numeric(y))
		return num_common(a, b, t);
	if ((x == T_DATE || x == T_TIMESTAMP) &&
	    (y == T_DATE || y == T_TIMESTAMP)) {
		*t = ty(T_TIMESTAMP);
		return 0;
	}
	/* a string (say, a literal) next to a date is read as one */
	if (x == T_TEXT && (y == T_DATE || y == T_TIMESTAMP)) {
		*t = b;
		return 0;
	}
	if (y == T_TEXT && (x == T_DATE || x == T_TIMESTAMP)) {
		*t = a;
		return 0;
	}
	if ((x == T_TEXT && y == T_JSON) || (x == T_JSON && y == T_TEXT)) {
		*t = ty(T_TEXT);
		return 0;
	}
	return -1;
}

static int rs_extreme(struct sql_ctx *cx, const char *name,
    struct sql_type *a, int n, struct sql_type *ret)
{
	struct sql_type t = ty(T_NULL);
	int i;

	if (!arity_ok(name, n))
		return no_such(cx, name, a, n);
	for (i = 0; i < n; i++)
		if (common_type(t, a[i], &t) != 0)
			return no_such(cx, name, a, n);
	for (i = 0; i < n; i++)
		a[i] = t;
	*ret = t;
	return 0;
}
NAMED(greatest, rs_extreme)
NAMED(least, rs_extreme)

/* Order of two values of one type; NaN above every number. */
static int cmp_same(const struct sql_val *x, const struct sql_val *y)
{
	size_t m;
	int c;

	switch (x->t.id) {
	case T_DOUBLE:
		if (isnan(x->u.d) || isnan(y->u.d))
			return (isnan(x->u.d) != 0) - (isnan(y->u.d) != 0);
		return (x->u.d > y->u.d) - (x->u.d < y->u.d);
	case T_DECIMAL:
		return (x->u.x > y->u.x) - (x->u.x < y->u.x);
	case T_TEXT:
	case T_JSON:
	case T_BLOB:
		m = x->u.s.n < y->u.s.n ? x->u.s.n : y->u.s.n;
		c = m > 0 ? memcmp(x->u.s.p, y->u.s.p, m) : 0;
		if (c != 0)
			return c;
		return (x->u.s.n > y->u.s.n) - (x->u.s.n < y->u.s.n);
	default:
		return (x->u.i > y->u.i) - (x->u.i < y->u.i);
	}
}

static int extreme(struct sql_ctx *cx, const char *fname,
    const struct sql_val *a, int n, struct sql_val *o, int sign)
{
	const struct sql_val *best = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (!a[i].null && (best == NULL ||
		    cmp_same(&a[i], best) * sign > 0))
			best = &a[i];
	if (best == NULL)
		return ret_null(o, a[0].t);
	*o = *best;
	if (sql_is_strlike(best->t.id))
		return ret_text(cx, fname, o, best->t.id, best->u.s.p,
		    best->u.s.n);
	return 0;
}

KERNEL(c_greatest)
{
	return extreme(cx, "greatest", a, n, o, 1);
}

KERNEL(c_least)
{
	return extreme(cx, "least", a, n, o, -1);
}

/* ------------------------------------------------------------------ */
/* Dates and times.                                                    */

enum dfield {
	DF_YEAR, DF_QUARTER, DF_MONTH, DF_WEEK, DF_DAY, DF_DOW, DF_ISODOW,
	DF_DOY, DF_HOUR, DF_MINUTE, DF_SECOND, DF_MS, DF_US, DF_EPOCH,
	DF_DECADE, DF_CENTURY, DF_MILLENNIUM, DF_ISOYEAR
};

static const char *const dfield_name[] = { "year", "quarter", "month",
	"week", "day", "dow", "isodow", "doy", "hour", "minute", "second",
	"millisecond", "microsecond", "epoch", "decade", "century",
	"millennium", "isoyear" };

/* DuckDB's spellings of the fields. */
static const struct {
	const char *name;
	enum dfield f;
} dfields[] = {
	{ "year", DF_YEAR }, { "years", DF_YEAR }, { "y", DF_YEAR },
	{ "yr", DF_YEAR }, { "yrs", DF_YEAR },
	{ "quarter", DF_QUARTER }, { "quarters", DF_QUARTER },
	{ "month", DF_MONTH }, { "months", DF_MONTH }, { "mon", DF_MONTH },
	{ "mons", DF_MONTH },
	{ "week", DF_WEEK }, { "weeks", DF_WEEK }, { "w", DF_WEEK },
	{ "weekofyear", DF_WEEK },
	{ "day", DF_DAY }, { "days", DF_DAY }, { "d", DF_DAY },
	{ "dayofmonth", DF_DAY },
	{ "dow", DF_DOW }, { "dayofweek", DF_DOW }, { "weekday", DF_DOW },
	{ "isodow", DF_ISODOW },
	{ "doy", DF_DOY }, { "dayofyear", DF_DOY },
	{ "hour", DF_HOUR }, { "hours", DF_HOUR }, { "h", DF_HOUR },
	{ "hr", DF_HOUR }, { "hrs", DF_HOUR },
	{ "minute", DF_MINUTE }, { "minutes", DF_MINUTE }, { "m", DF_MINUTE },
	{ "min", DF_MINUTE }, { "mins", DF_MINUTE },
	{ "second", DF_SECOND }, { "seconds", DF_SECOND }, { "s", DF_SECOND },
	{ "sec", DF_SECOND }, { "secs", DF_SECOND },
	{ "millisecond", DF_MS }, { "milliseconds", DF_MS }, { "ms", DF_MS },
	{ "msec", DF_MS }, { "msecs", DF_MS },
	{ "microsecond", DF_US }, { "microseconds", DF_US }, { "us", DF_US },
	{ "usec", DF_US }, { "usecs", DF_US },
	{ "epoch", DF_EPOCH },
	{ "decade", DF_DECADE }, { "decades", DF_DECADE },
	{ "century", DF_CENTURY }, { "centuries", DF_CENTURY },
	{ "millennium", DF_MILLENNIUM }, { "millennia", DF_MILLENNIUM },
	{ "isoyear", DF_ISOYEAR },
};

static int dfield_find(struct sql_ctx *cx, const char *fname,
    const struct sql_str *s, int *f)
{
	size_t i, k;

	for (i = 0; i < sizeof(dfields) / sizeof(dfields[0]); i++) {
		const char *nm = dfields[i].name;
		if (strlen(nm) != s->n)
			continue;
		for (k = 0; k < s->n; k++)
			if (ascii_lower((unsigned char)s->p[k]) != nm[k])
				break;
		if (k == s->n) {
			*f = dfields[i].f;
			return 0;
		}
	}
	sql_error(cx, "%s: unknown field '%.*s'", fname, QUOTE(s));
	return -1;
}

/* A DATE or TIMESTAMP taken apart. */
struct dparts {
	int64_t days;           /* since 1970-01-01 */
	int64_t tod;            /* µs into the day, 0 for a DATE */
	int64_t y;
	unsigned m, d;
};

static int dsplit(struct sql_ctx *cx, const char *fname, int tid, int64_t v,
    struct dparts *t)
{
	if (tid == T_DATE) {
		if (v < -DAY_SANE || v > DAY_SANE) {
			sql_error(cx, "%s: DATE out of range", fname);
			return -1;
		}
		t->days = v;
		t->tod = 0;
	} else {
		t->days = floordiv(v, US_DAY);
		t->tod = floormod(v, US_DAY);
	}
	sql_civil_from_days(t->days, &t->y, &t->m, &t->d);
	return 0;
}

static int64_t dow_of(int64_t days)
{
	return floormod(days + 4, 7);           /* 1970-01-01: Thursday */
}

static int64_t isodow_of(int64_t days)
{
	return floormod(days + 3, 7) + 1;
}

static int64_t doy_of(const struct dparts *t)
{
	return t->days - sql_days_from_civil(t->y, 1, 1) + 1;
}

/* ISO 8601: weeks start on Monday and belong to the year of their
 * Thursday. */
static void iso_week(int64_t days, int64_t *iy, int64_t *wk)
{
	int64_t thu = days - isodow_of(days) + 4, y;
	unsigned m, d;

	sql_civil_from_days(thu, &y, &m, &d);
	*iy = y;
	*wk = (thu - sql_days_from_civil(y, 1, 1)) / 7 + 1;
}

/* The Monday of ISO week 1 of ISO year y. */
static int64_t iso_year_start(int64_t y)
{
	int64_t jan4 = sql_days_from_civil(y, 1, 4);

	return jan4 - isodow_of(jan4) + 1;
}

static int64_t century_of(int64_t y, int64_t span)
{
	return y > 0 ? (y - 1) / span + 1 : y / span - 1;
}

static int part_of(struct sql_ctx *cx, const char *fname, int f, int tid,
    int64_t v, int64_t *r)
{
	struct dparts t;
	int64_t iy, wk;

	if (dsplit(cx, fname, tid, v, &t) != 0)
		return -1;
	switch (f) {
	case DF_YEAR:
		*r = t.y;
		break;
	case DF_QUARTER:
		*r = (t.m - 1) / 3 + 1;
		break;
	case DF_MONTH:
		*r = t.m;
		break;
	case DF_DAY:
		*r = t.d;
		break;
	case DF_DOW:
		*r = dow_of(t.days);
		break;
	case DF_ISODOW:
		*r = isodow_of(t.days);
		break;
	case DF_DOY:
		*r = doy_of(&t);
		break;
	case DF_WEEK:
	case DF_ISOYEAR:
		iso_week(t.days, &iy, &wk);
		*r = f == DF_WEEK ? wk : iy;
		break;
	case DF_HOUR:
		*r = t.tod / US_HOUR;
		break;
	case DF_MINUTE:
		*r = t.tod % US_HOUR / US_MIN;
		break;
	case DF_SECOND:
		*r = t.tod % US_MIN / US_SEC;
		break;
	case DF_MS:
		*r = t.tod % US_MIN / 1000;
		break;
	case DF_US:
		*r = t.tod % US_MIN;
		break;
	case DF_EPOCH:
		/* whole seconds, floored (DuckDB truncates toward zero) */
		*r = tid == T_DATE ? t.days * 86400 : floordiv(v, US_SEC);
		break;
	case DF_DECADE:
		*r = floordiv(t.y, 10);
		break;
	case DF_CENTURY:
		*r = century_of(t.y, 100);
		break;
	case DF_MILLENNIUM:
		*r = century_of(t.y, 1000);
		break;
	}
	return 0;
}

/* Fields of an INTERVAL, each part on its own as DuckDB (epoch counts a
 * year as 365.25 days and a month as 30). */
static int part_of_interval(struct sql_ctx *cx, const char *fname, int f,
    const struct sql_interval *iv, int64_t *r)
{
	int64_t y = iv->months / 12, mon = iv->months % 12;

	switch (f) {
	case DF_YEAR:
		*r = y;
		break;
	case DF_QUARTER:
		*r = mon / 3 + 1;
		break;
	case DF_MONTH:
		*r = mon;
		break;
	case DF_DAY:
		*r = iv->days;
		break;
	case DF_HOUR:
		*r = iv->us / US_HOUR;
		break;
	case DF_MINUTE:
		*r = iv->us % US_HOUR / US_MIN;
		break;
	case DF_SECOND:
		*r = iv->us % US_MIN / US_SEC;
		break;
	case DF_MS:
		*r = iv->us % US_MIN / 1000;
		break;
	case DF_US:
		*r = iv->us % US_MIN;
		break;
	case DF_EPOCH:
		*r = y * 31557600 + mon * 2592000 + (int64_t)iv->days * 86400 +
		    iv->us / US_SEC;
		break;
	case DF_DECADE:
		*r = y / 10;
		break;
	case DF_CENTURY:
		*r = y / 100;
		break;
	case DF_MILLENNIUM:
		*r = y / 1000;
		break;
	default:
		sql_error(cx, "%s: field '%s' does not apply to an INTERVAL",
		    fname, dfield_name[f]);
		return -1;
	}
	return 0;
}

static int part_call(struct sql_ctx *cx, const char *fname, int f,
    const struct sql_val *v, struct sql_val *o)
{
	int64_t r;
	int rc;

	if (v->t.id == T_INTERVAL)
		rc = part_of_interval(cx, fname, f, &v->u.iv, &r);
	else
		rc = part_of(cx, fname, f, v->t.id, v->u.i, &r);
	return rc != 0 ? -1 : ret_int(o, T_BIGINT, r);
}

/* date_part(field, x) → BIGINT, also for 'epoch' (whole seconds). */
KERNEL(c_date_part)
{
	int f;

	(void)n;
	if (dfield_find(cx, "date_part", &a[0].u.s, &f) != 0)
		return -1;
	return part_call(cx, "date_part", f, &a[1], o);
}

#define PART(fn, field)                                                 \
	KERNEL(c_##fn)                                                  \
	{                                                               \
		(void)n;                                                \
		return part_call(cx, #fn, field, &a[0], o);             \
	}                                                               \
	SIG(fn, "B=V")

PART(year, DF_YEAR)
PART(quarter, DF_QUARTER)
PART(month, DF_MONTH)
PART(week, DF_WEEK)
PART(weekofyear, DF_WEEK)
PART(day, DF_DAY)
PART(dayofmonth, DF_DAY)
PART(dayofweek, DF_DOW)
PART(dayofyear, DF_DOY)
PART(isodow, DF_ISODOW)
PART(isoyear, DF_ISOYEAR)
PART(hour, DF_HOUR)
PART(minute, DF_MINUTE)
PART(second, DF_SECOND)
PART(millisecond, DF_MS)
PART(microsecond, DF_US)

static int date_ok(int64_t days)
{
	return days >= DAY_MIN && days <= DAY_MAX;
}

/* date_trunc(field, x): x cut down to the start of its field. A DATE
 * stays a DATE (DuckDB returns a TIMESTAMP); decades, centuries and
 * millennia start at years divisible by 10, 100 and 1000, as DuckDB. */
KERNEL(c_date_trunc)
{
	static const int64_t unit[] = { [DF_HOUR] = US_HOUR,
		[DF_MINUTE] = US_MIN, [DF_SECOND] = US_SEC, [DF_MS] = 1000,
		[DF_US] = 1 };
	int tid = a[1].t.id, f;
	int64_t v = a[1].u.i, days, r, iy, wk;
	struct dparts t;

	(void)n;
	if (dfield_find(cx, "date_trunc", &a[0].u.s, &f) != 0 ||
	    dsplit(cx, "date_trunc", tid, v, &t) != 0)
		return -1;
	switch (f) {
	case DF_HOUR:
	case DF_MINUTE:
	case DF_SECOND:
	case DF_MS:
	case DF_US:
		if (tid == T_DATE)
			return ret_int(o, T_DATE, v);
		if (__builtin_sub_overflow(v, floormod(v, unit[f]), &r))
			goto range;
		return ret_int(o, T_TIMESTAMP, r);
	case DF_DAY:
		days = t.days;
		break;
	case DF_WEEK:
		days = t.days - isodow_of(t.days) + 1;
		break;
	case DF_ISOYEAR:
		iso_week(t.days, &iy, &wk);
		days = iso_year_start(iy);
		break;
	case DF_MONTH:
		days = sql_days_from_civil(t.y, t.m, 1);
		break;
	case DF_QUARTER:
		days = sql_days_from_civil(t.y, (t.m - 1) / 3 * 3 + 1, 1);
		break;
	case DF_YEAR:
		days = sql_days_from_civil(t.y, 1, 1);
		break;
	case DF_DECADE:
	case DF_CENTURY:
	case DF_MILLENNIUM:
		r = f == DF_DECADE ? 10 : f == DF_CENTURY ? 100 : 1000;
		days = sql_days_from_civil(t.y - floormod(t.y, r), 1, 1);
		break;
	default:
		sql_error(cx, "date_trunc: cannot truncate to field '%s'",
		    dfield_name[f]);
		return -1;
	}
	if (!date_ok(days))
		goto range;
	if (tid == T_DATE)
		return ret_int(o, T_DATE, days);
	return ret_int(o, T_TIMESTAMP, days * US_DAY);
range:
	sql_error(cx, "date_trunc: result out of range");
	return -1;
}

static int rs_date_trunc(struct sql_ctx *cx, const char *name,
    struct sql_type *a, int n, struct sql_type *ret)
{
	if (sig_check(cx, name, "?=TW", a, n) != 0)
		return -1;
	*ret = a[1];
	return 0;
}
NAMED(date_trunc, rs_date_trunc)

static const char *const day_names[] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const month_names[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };

/* v in decimal, at least width digits padded with pad. */
static void put_num(char *b, size_t *k, int64_t v, int width, char pad)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char tmp[24];
	int len = 0;

	do {
		tmp[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		b[(*k)++] = '-';
	for (; width > len; width--)
		b[(*k)++] = pad;
	while (len > 0)
		b[(*k)++] = tmp[--len];
}

static void put_str(char *b, size_t *k, const char *s, size_t n)
{
	memcpy(b + *k, s, n);
	*k += n;
}

/*
 * strftime(x, format): our own formatter, so the output never depends
 * on the locale. %Y %m %d %H %M %S %f (µs) %g (ms) %n (ns) %j %a %A %b
 * %h %B %y %e %p %I %u %w %V %G %U %W %F %T %D %R %%; a '-' after the
 * '%' drops the padding of a number.
 */
KERNEL(c_strftime)
{
	const struct sql_str *f = &a[1].u.s;
	int64_t doy, iy, wk, h12, w;
	struct dparts t;
	size_t i, k = 0;
	char *b, c;
	int dash;

	(void)n;
	if (dsplit(cx, "strftime", a[0].t.id, a[0].u.i, &t) != 0)
		return -1;
	/* no conversion writes more than 16 bytes per format byte */
	if (f->n > TEXT_MAX / 16) {
		sql_error(cx, "strftime: result would be larger than 1 GiB");
		return -1;
	}
	if ((b = out_buf(cx, "strftime", f->n * 16)) == NULL)
		return -1;
	doy = doy_of(&t);
	iso_week(t.days, &iy, &wk);
	h12 = t.tod / US_HOUR % 12 == 0 ? 12 : t.tod / US_HOUR % 12;
	w = dow_of(t.days);
	for (i = 0; i < f->n; i++) {
		if (f->p[i] != '%') {
			b[k++] = f->p[i];
			continue;
		}
		dash = i + 1 < f->n && f->p[i + 1] == '-';
		i += 1 + dash;
		if (i >= f->n) {
			sql_error(cx,
			    "strftime: the format ends in a lone '%%'");
			return -1;
		}
		c = f->p[i];
#define NUM(v, wd) put_num(b, &k, (v), dash ? 0 : (wd), '0')
		switch (c) {
		case 'Y':
			NUM(t.y, 4);
			break;
		case 'y':
			NUM(floormod(t.y, 100), 2);
			break;
		case 'G':
			NUM(iy, 4);
			break;
		case 'm':
			NUM(t.m, 2);
			break;
		case 'd':
			NUM(t.d, 2);
			break;
		case 'e':
			put_num(b, &k, t.d, dash ? 0 : 2, ' ');
			break;
		case 'j':
			NUM(doy, 3);
			break;
		case 'H':
			NUM(t.tod / US_HOUR, 2);
			break;
		case 'I':
			NUM(h12, 2);
			break;
		case 'M':
			NUM(t.tod % US_HOUR / US_MIN, 2);
			break;
		case 'S':
			NUM(t.tod % US_MIN / US_SEC, 2);
			break;
		case 'f':
			NUM(t.tod % US_SEC, 6);
			break;
		case 'g':
			NUM(t.tod % US_SEC / 1000, 3);
			break;
		case 'n':
			NUM(t.tod % US_SEC * 1000, 9);
			break;
		case 'p':
			put_str(b, &k, t.tod < 12 * US_HOUR ? "AM" : "PM", 2);
			break;
		case 'a':
			put_str(b, &k, day_names[w], 3);
			break;
		case 'A':
			put_str(b, &k, day_names[w], strlen(day_names[w]));
			break;
		case 'b':
		case 'h':
			put_str(b, &k, month_names[t.m - 1], 3);
			break;
		case 'B':
			put_str(b, &k, month_names[t.m - 1],
			    strlen(month_names[t.m - 1]));
			break;
		case 'u':
			NUM(isodow_of(t.days), 1);
			break;
		case 'w':
			NUM(w, 1);
			break;
		case 'V':
			NUM(wk, 2);
			break;
		case 'U':
			NUM((doy - 1 + 7 - w) / 7, 2);
			break;
		case 'W':
			NUM((doy - 1 + 7 - (w + 6) % 7) / 7, 2);
			break;
		case 'F':
			NUM(t.y, 4);
			b[k++] = '-';
			NUM(t.m, 2);
			b[k++] = '-';
			NUM(t.d, 2);
			break;
		case 'T':
		case 'R':
			NUM(t.tod / US_HOUR, 2);
			b[k++] = ':';
			NUM(t.tod % US_HOUR / US_MIN, 2);
			if (c == 'T') {
				b[k++] = ':';
				NUM(t.tod % US_MIN / US_SEC, 2);
			}
			break;
		case 'D':
			NUM(t.m, 2);
			b[k++] = '/';
			NUM(t.d, 2);
			b[k++] = '/';
			NUM(floormod(t.y, 100), 2);
			break;
		case '%':
			b[k++] = '%';
			break;
		default:
			if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
				sql_error(cx, "strftime: unknown conversion "
				    "'%%%c'", c);
			else
				sql_error(cx, "strftime: unknown conversion "
				    "'%%\\x%02x'", (unsigned char)c);
			return -1;
		}
#undef NUM
	}
	return ret_buf(o, T_TEXT, b, k);
}

KERNEL(c_make_date)
{
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	int64_t y = a[0].u.i, m = a[1].u.i, d = a[2].u.i;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	(void)n;
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > (int64_t)mdays[m - 1] + (m == 2 && leap)) {
		sql_error(cx, "make_date: no date %lld-%lld-%lld", (long long)y,
		    (long long)m, (long long)d);
		return -1;
	}
	return ret_int(o, T_DATE,
	    sql_days_from_civil(y, (unsigned)m, (unsigned)d));
}

/*
 * date_diff(field, a, b): how many field boundaries lie between a and b
 * (negative when b is earlier), as DuckDB; weeks are counted in
 * Mondays. Sub-day fields floor before subtracting (DuckDB truncates
 * toward zero, which differs before 1970).
 */
KERNEL(c_date_diff)
{
	static const int64_t unit[] = { [DF_HOUR] = US_HOUR,
		[DF_MINUTE] = US_MIN, [DF_SECOND] = US_SEC, [DF_MS] = 1000,
		[DF_US] = 1 };
	struct dparts x, y;
	int64_t r, iy1, iy2, wk, va = a[1].u.i, vb = a[2].u.i;
	int f, tid = a[1].t.id;

	(void)n;
	if (dfield_find(cx, "date_diff", &a[0].u.s, &f) != 0 ||
	    dsplit(cx, "date_diff", tid, va, &x) != 0 ||
	    dsplit(cx, "date_diff", tid, vb, &y) != 0)
		return -1;
	switch (f) {
	case DF_YEAR:
		r = y.y - x.y;
		break;
	case DF_ISOYEAR:
		iso_week(x.days, &iy1, &wk);
		iso_week(y.days, &iy2, &wk);
		r = iy2 - iy1;
		break;
	case DF_QUARTER:
		r = (y.y * 4 + (y.m - 1) / 3) - (x.y * 4 + (x.m - 1) / 3);
		break;
	case DF_MONTH:
		r = (y.y * 12 + y.m) - (x.y * 12 + x.m);
		break;
	case DF_WEEK:
		r = ((y.days - isodow_of(y.days)) -
		    (x.days - isodow_of(x.days))) / 7;
		break;
	case DF_DAY:
	case DF_DOW:
	case DF_ISODOW:
	case DF_DOY:
		r = y.days - x.days;
		break;
	case DF_DECADE:
		r = floordiv(y.y, 10) - floordiv(x.y, 10);
		break;
	case DF_CENTURY:
		r = floordiv(y.y, 100) - floordiv(x.y, 100);
		break;
	case DF_MILLENNIUM:
		r = floordiv(y.y, 1000) - floordiv(x.y, 1000);
		break;
	default:
		if (f == DF_EPOCH)
			f = DF_SECOND;
		if (tid == T_DATE) {
			if (__builtin_mul_overflow(y.days - x.days,
			    US_DAY / unit[f], &r))
				goto range;
		} else if (f == DF_US) {
			if (__builtin_sub_overflow(vb, va, &r))
				goto range;
		} else {
			r = floordiv(vb, unit[f]) - floordiv(va, unit[f]);
		}
	}
	return ret_int(o, T_BIGINT, r);
range:
	sql_error(cx, "date_diff: result out of range");
	return -1;
}

/* Both sides of date_diff in one type: DATE, or TIMESTAMP when mixed. */
static int rs_date_diff(struct sql_ctx *cx, const char *name,
    struct sql_type *a, int n, struct sql_type *ret)
{
	if (sig_check(cx, name, "B=TWW", a, n) != 0)
		return -1;
	if (a[1].id != a[2].id)
		a[1] = a[2] = ty(T_TIMESTAMP);
	*ret = ty(T_BIGINT);
	return 0;
}
NAMED(date_diff, rs_date_diff)
NAMED(datediff, rs_date_diff)

KERNEL(c_current_date)
{
	(void)a;
	(void)n;
	return ret_int(o, T_DATE, floordiv(cx->now_us, US_DAY));
}

KERNEL(c_now)
{
	(void)a;
	(void)n;
	return ret_int(o, T_TIMESTAMP, cx->now_us);
}

static int ts_ok(int64_t us)
{
	return us >= DAY_MIN * US_DAY && us < (DAY_MAX + 1) * US_DAY;
}

/* epoch_ms(ms) → TIMESTAMP; epoch_ms(TIMESTAMP or DATE) → its
 * milliseconds since the epoch (floored). */
KERNEL(c_epoch_ms)
{
	int64_t r;

	(void)n;
	if (a[0].t.id == T_TIMESTAMP)
		return ret_int(o, T_BIGINT, floordiv(a[0].u.i, 1000));
	if (a[0].t.id == T_DATE) {
		if (__builtin_mul_overflow(a[0].u.i, (int64_t)86400000, &r))
			goto range;
		return ret_int(o, T_BIGINT, r);
	}
	if (__builtin_mul_overflow(a[0].u.i, (int64_t)1000, &r) || !ts_ok(r))
		goto range;
	return ret_int(o, T_TIMESTAMP, r);
range:
	sql_error(cx, "epoch_ms: %lld is out of range", (long long)a[0].u.i);
	return -1;
}

static int rs_epoch_ms(struct sql_ctx *cx, const char *name,
    struct sql_type *a, int n, struct sql_type *ret)
{
	if (!arity_ok(name, n))
		return no_such(cx, name, a, n);
	switch (a[0].id) {
	case T_TIMESTAMP:
	case T_DATE:
		*ret = ty(T_BIGINT);
		return 0;
	case T_NULL:
	case T_INT:
	case T_BIGINT:
		a[0] = ty(T_BIGINT);
		*ret = ty(T_TIMESTAMP);
		return 0;
	}
	return no_such(cx, name, a, n);
}
NAMED(epoch_ms, rs_epoch_ms)

/* to_timestamp(seconds), to the nearest microsecond. */
KERNEL(c_to_timestamp)
{
	double us = nearbyint(a[0].u.d * 1e6);

	(void)n;
	if (!(us >= (double)DAY_MIN * US_DAY &&
	    us < (double)(DAY_MAX + 1) * US_DAY)) {
		sql_error(cx, "to_timestamp: %g seconds is out of range",
		    a[0].u.d);
		return -1;
	}
	return ret_int(o, T_TIMESTAMP, (int64_t)us);
}

/* ------------------------------------------------------------------ */
/* JSON.                                                               */

/*
 * A cursor over JSON text. Nothing here trusts the text: every read is
 * bounded by n, and values are skipped by counting brackets rather than
 * by recursion, so deep nesting costs no stack. Text of type TEXT is
 * validated first (as DuckDB, malformed JSON is an error); a JSON value
 * was validated when it was stored, and if it is damaged anyway the
 * walk ends in the same error.
 */
struct jcur {
	const char *p;
	size_t n, i;
};

static int j_ws_char(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void j_ws(struct jcur *c)
{
	while (c->i < c->n && j_ws_char(c->p[c->i]))
		c->i++;
}

static int j_at(const struct jcur *c, char ch)
{
	return c->i < c->n && c->p[c->i] == ch;
}

/* Skip the string that starts at c->i. */
static int j_skip_str(struct jcur *c)
{
	size_t i = c->i + 1;

	while (i < c->n) {
		if (c->p[i] == '\\') {
			i += 2;
		} else if (c->p[i] == '"') {
			c->i = i + 1;
			return 0;
		} else {
			i++;
		}
	}
	return -1;
}

/* Skip one value (after blanks). */
static int j_skip(struct jcur *c)
{
	size_t depth = 0, st;
	char ch;

	j_ws(c);
	if (c->i >= c->n)
		return -1;
	ch = c->p[c->i];
	if (ch == '"')
		return j_skip_str(c);
	if (ch != '{' && ch != '[') {
		st = c->i;
		while (c->i < c->n && !j_ws_char(c->p[c->i]) &&
		    c->p[c->i] != ',' && c->p[c->i] != ']' &&
		    c->p[c->i] != '}' && c->p[c->i] != ':')
			c->i++;
		return c->i > st ? 0 : -1;
	}
	for (;;) {
		if (c->i >= c->n)
			return -1;
		ch = c->p[c->i];
		if (ch == '"') {
			if (j_skip_str(c) != 0)
				return -1;
			continue;
		}
		c->i++;
		if (ch == '{' || ch == '[')
			depth++;
		else if ((ch == '}' || ch == ']') && --depth == 0)
			return 0;
	}
}

static int hex4(const char *s, size_t n, size_t at, uint32_t *v)
{
	uint32_t x = 0;
	size_t k;

	if (at > n || n - at < 4)
		return -1;
	for (k = at; k < at + 4; k++) {
		char c = s[k];
		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

/*
 * The next character of the body s[0..n) of a JSON string (between the
 * quotes) at *i, unescaped into out as UTF-8: its byte count, 0 at the
 * end, -1 for a bad escape. A surrogate pair becomes one character, a
 * lone surrogate U+FFFD.
 */
static int j_char(const char *s, size_t n, size_t *i, char *out)
{
	uint32_t u, lo;
	char e;

	if (*i >= n)
		return 0;
	if (s[*i] != '\\') {
		out[0] = s[(*i)++];
		return 1;
	}
	if (n - *i < 2)
		return -1;
	e = s[*i + 1];
	*i += 2;
	switch (e) {
	case '"':
	case '\\':
	case '/':
		out[0] = e;
		return 1;
	case 'b':
		out[0] = '\b';
		return 1;
	case 'f':
		out[0] = '\f';
		return 1;
	case 'n':
		out[0] = '\n';
		return 1;
	case 'r':
		out[0] = '\r';
		return 1;
	case 't':
		out[0] = '\t';
		return 1;
	case 'u':
		if (hex4(s, n, *i, &u) != 0)
			return -1;
		*i += 4;
		if (u >= 0xd800 && u <= 0xdbff && n - *i >= 6 &&
		    s[*i] == '\\' && s[*i + 1] == 'u' &&
		    hex4(s, n, *i + 2, &lo) == 0 && lo >= 0xdc00 &&
		    lo <= 0xdfff) {
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			*i += 6;
		} else if (u >= 0xd800 && u <= 0xdfff) {
			u = 0xfffd;
		}
		return (int)u8_encode(u, out);
	}
	return -1;
}

/* Does the string body s[0..n) unescape to key[0..kn)? */
static int j_str_eq(const char *s, size_t n, const char *key, size_t kn)
{
	size_t i = 0, k = 0;
	char ch[4];
	int w;

	while ((w = j_char(s, n, &i, ch)) > 0) {
		if (kn - k < (size_t)w || memcmp(key + k, ch, (size_t)w) != 0)
			return 0;
		k += (size_t)w;
	}
	return w == 0 && k == kn;
}

/* At an object: move to the value of member key: 1, 0 when absent, -1
 * when malformed. */
static int j_member(struct jcur *c, const char *key, size_t kn)
{
	size_t ks;
	int eq;

	c->i++;
	j_ws(c);
	if (j_at(c, '}'))
		return 0;
	for (;;) {
		if (!j_at(c, '"'))
			return -1;
		ks = c->i;
		if (j_skip_str(c) != 0)
			return -1;
		eq = j_str_eq(c->p + ks + 1, c->i - ks - 2, key, kn);
		j_ws(c);
		if (!j_at(c, ':'))
			return -1;
		c->i++;
		j_ws(c);
		if (eq)
			return 1;
		if (j_skip(c) != 0)
			return -1;
		j_ws(c);
		if (j_at(c, '}'))
			return 0;
		if (!j_at(c, ','))
			return -1;
		c->i++;
		j_ws(c);
	}
}

/* At an array: move to element idx (from 0): 1, 0 when there are fewer
 * elements, -1 when malformed. With idx < 0, count them instead into
 * *count (and return 0). */
static int j_element(struct jcur *c, int64_t idx, int64_t *count)
{
	int64_t k;

	c->i++;
	j_ws(c);
	if (count != NULL)
		*count = 0;
	if (j_at(c, ']'))
		return 0;
	for (k = 0;; k++) {
		if (k == idx)
			return 1;
		if (j_skip(c) != 0)
			return -1;
		j_ws(c);
		if (j_at(c, ']')) {
			if (count != NULL)
				*count = k + 1;
			return 0;
		}
		if (!j_at(c, ','))
			return -1;
		c->i++;
		j_ws(c);
	}
}

/* Element idx, or from the end when from_end (1: the last). */
static int j_index(struct jcur *c, int64_t idx, int from_end)
{
	struct jcur save = *c;
	int64_t cnt;
	int rc;

	if (from_end) {
		if ((rc = j_element(c, -1, &cnt)) != 0)
			return rc;
		*c = save;
		if (idx > cnt)
			return 0;
		idx = cnt - idx;
	}
	return j_element(c, idx, NULL);
}

/*
 * JSON paths, as DuckDB: '$' then .key, ."quoted key", [n], [#-n] (n
 * from the end), ["key"] or ['key']; a JSON pointer '/a/0' (~0 is ~,
 * ~1 is /); anything else is one key. Wildcards are not supported.
 */
enum { JS_KEY, JS_INDEX, JS_PTR };

struct jstep {
	int kind;
	const char *key;        /* JS_KEY, JS_PTR */
	size_t kn;
	int64_t idx;            /* JS_INDEX; JS_PTR when all digits, or -1 */
	int from_end;
};

struct jpath {
	const char *p;
	size_t n, i;
	int mode;               /* '$', '/', 'k' for a bare key, 0 done */
	char *scratch;          /* room for a decoded pointer segment */
};

static void jpath_init(struct jpath *jp, const struct sql_str *s,
    char *scratch)
{
	jp->p = s->p;
	jp->n = s->n;
	jp->i = 0;
	jp->scratch = scratch;
	if (s->n > 0 && s->p[0] == '$') {
		jp->mode = '$';
		jp->i = 1;
	} else if (s->n > 0 && s->p[0] == '/') {
		jp->mode = '/';
	} else {
		jp->mode = 'k';
	}
}

/* Digits p[0..n) as an index; -1 when they are not (or too many). */
static int64_t j_digits(const char *p, size_t n)
{
	int64_t v = 0;
	size_t k;

	if (n == 0 || n > 18 || (n > 1 && p[0] == '0'))
		return -1;
	for (k = 0; k < n; k++) {
		if (p[k] < '0' || p[k] > '9')
			return -1;
		v = v * 10 + (p[k] - '0');
	}
	return v;
}

/* The next step: 1, 0 at the end, -1 when the path is invalid. */
static int jpath_next(struct jpath *jp, struct jstep *st)
{
	const char *p = jp->p;
	size_t n = jp->n, b, k, o;
	char q;

	memset(st, 0, sizeof(*st));
	switch (jp->mode) {
	case 'k':
		jp->mode = 0;
		st->kind = JS_KEY;
		st->key = p;
		st->kn = n;
		return 1;
	case '/':
		if (jp->i >= n)
			return 0;
		b = ++jp->i;
		while (jp->i < n && p[jp->i] != '/')
			jp->i++;
		for (k = b, o = 0; k < jp->i; k++) {
			if (p[k] == '~') {
				if (k + 1 >= jp->i ||
				    (p[k + 1] != '0' && p[k + 1] != '1'))
					return -1;
				jp->scratch[o++] = p[++k] == '0' ? '~' : '/';
			} else {
				jp->scratch[o++] = p[k];
			}
		}
		st->kind = JS_PTR;
		st->key = jp->scratch;
		st->kn = o;
		st->idx = j_digits(p + b, jp->i - b);
		return 1;
	case '$':
		break;
	default:
		return 0;
	}
	if (jp->i >= n)
		return 0;
	if (p[jp->i] == '.') {
		b = ++jp->i;
		if (jp->i < n && p[jp->i] == '"') {
			b++;
			while (++jp->i < n && p[jp->i] != '"')
				;
			if (jp->i >= n)
				return -1;
			st->kind = JS_KEY;
			st->key = p + b;
			st->kn = jp->i++ - b;
			return 1;
		}
		while (jp->i < n && p[jp->i] != '.' && p[jp->i] != '[')
			jp->i++;
		if (jp->i == b || (jp->i - b == 1 && p[b] == '*'))
			return -1;
		st->kind = JS_KEY;
		st->key = p + b;
		st->kn = jp->i - b;
		return 1;
	}
	if (p[jp->i] != '[')
		return -1;
	b = ++jp->i;
	if (jp->i < n && (p[jp->i] == '"' || p[jp->i] == '\'')) {
		q = p[jp->i];
		b++;
		while (++jp->i < n && p[jp->i] != q)
			;
		if (jp->i + 1 >= n || p[jp->i + 1] != ']')
			return -1;
		st->kind = JS_KEY;
		st->key = p + b;
		st->kn = jp->i - b;
		jp->i += 2;
		return 1;
	}
	if (jp->i + 1 < n && p[jp->i] == '#' && p[jp->i + 1] == '-') {
		st->from_end = 1;
		jp->i += 2;
		b = jp->i;
	}
	while (jp->i < n && p[jp->i] != ']')
		jp->i++;
	if (jp->i >= n || (st->idx = j_digits(p + b, jp->i - b)) < 0 ||
	    (st->from_end && st->idx == 0))
		return -1;
	jp->i++;
	st->kind = JS_INDEX;
	return 1;
}

static int j_malformed(struct sql_ctx *cx, const char *fname)
{
	sql_error(cx, "%s: malformed JSON", fname);
	return -1;
}

/*
 * Point *c (over the document a[0]) at the value path a[1] names: 1, 0
 * when there is none, -1 after an error (malformed JSON or path).
 */
static int j_find(struct sql_ctx *cx, const char *fname,
    const struct sql_val *doc, const struct sql_val *path, struct jcur *c)
{
	struct jstep st;
	struct jpath jp;
	char *scratch = NULL;
	int rc;

	c->p = doc->u.s.p;
	c->n = doc->u.s.n;
	c->i = 0;
	if (doc->t.id == T_TEXT &&
	    (!rdb_utf8_valid((const uint8_t *)c->p, c->n) ||
	    !rdb_json_valid((const uint8_t *)c->p, c->n)))
		return j_malformed(cx, fname);
	j_ws(c);
	if (path == NULL)
		return 1;
	if (path->t.id != T_TEXT) {
		/* an integer: an index, negative from the end */
		if (!j_at(c, '['))
			return 0;
		rc = path->u.i >= 0 ? j_index(c, path->u.i, 0) :
		    j_index(c, 0 - (uint64_t)path->u.i > INT64_MAX ? INT64_MAX :
		    -path->u.i, 1);
		return rc < 0 ? j_malformed(cx, fname) : rc;
	}
	if (path->u.s.n > 0 && path->u.s.p[0] == '/' &&
	    (scratch = out_buf(cx, fname, path->u.s.n)) == NULL)
		return -1;
	/* the whole path is checked before the document is looked at */
	jpath_init(&jp, &path->u.s, scratch);
	while ((rc = jpath_next(&jp, &st)) > 0)
		;
	if (rc < 0) {
		sql_error(cx, "%s: invalid JSON path '%.*s'", fname,
		    QUOTE(&path->u.s));
		return -1;
	}
	jpath_init(&jp, &path->u.s, scratch);
	while (jpath_next(&jp, &st) > 0) {
		j_ws(c);
		if (st.kind == JS_INDEX) {
			rc = j_at(c, '[') ? j_index(c, st.idx, st.from_end) : 0;
		} else if (j_at(c, '{')) {
			rc = j_member(c, st.key, st.kn);
		} else if (st.kind == JS_PTR && st.idx >= 0 && j_at(c, '[')) {
			rc = j_index(c, st.idx, 0);
		} else {
			rc = 0;
		}
		if (rc <= 0)
			return rc < 0 ? j_malformed(cx, fname) : 0;
	}
	return 1;
}

/* The value at c: its span [c->i, *end). */
static int j_span(struct sql_ctx *cx, const char *fname, struct jcur *c,
    size_t *end)
{
	struct jcur e = *c;

	if (j_skip(&e) != 0)
		return j_malformed(cx, fname);
	*end = e.i;
	return 0;
}

/* The value p[0..n) without blanks outside strings, as DuckDB prints
 * JSON. */
static int j_minify(struct sql_ctx *cx, const char *fname, struct sql_val *o,
    int id, const char *p, size_t n)
{
	char *b = out_buf(cx, fname, n);
	size_t i = 0, k = 0, st;

	if (b == NULL)
		return -1;
	while (i < n) {
		if (p[i] == '"') {
			st = i++;
			while (i < n && p[i] != '"')
				i += p[i] == '\\' ? 2 : 1;
			i = i < n ? i + 1 : n;
			memcpy(b + k, p + st, i - st);
			k += i - st;
		} else if (j_ws_char(p[i])) {
			i++;
		} else {
			b[k++] = p[i++];
		}
	}
	return ret_buf(o, id, b, k);
}

/* json_extract(json, path) → JSON; NULL when the path leads nowhere. */
KERNEL(c_json_extract)
{
	struct jcur c;
	size_t end;
	int rc;

	(void)n;
	if ((rc = j_find(cx, "json_extract", &a[0], &a[1], &c)) <= 0)
		return rc < 0 ? -1 : ret_null(o, ty(T_JSON));
	if (j_span(cx, "json_extract", &c, &end) != 0)
		return -1;
	return j_minify(cx, "json_extract", o, T_JSON, c.p + c.i, end - c.i);
}

/* json_extract_string(json, path) → TEXT: a string unescaped, null as
 * NULL, anything else as its JSON text. */
KERNEL(c_json_extract_string)
{
	const char *fname = "json_extract_string", *s;
	struct jcur c;
	size_t end, i = 0, k = 0, sn;
	char *b;
	int rc, w;

	(void)n;
	if ((rc = j_find(cx, fname, &a[0], &a[1], &c)) <= 0)
		return rc < 0 ? -1 : ret_null(o, ty(T_TEXT));
	if (j_span(cx, fname, &c, &end) != 0)
		return -1;
	s = c.p + c.i;
	sn = end - c.i;
	if (sn == 4 && memcmp(s, "null", 4) == 0)
		return ret_null(o, ty(T_TEXT));
	if (s[0] != '"')
		return j_minify(cx, fname, o, T_TEXT, s, sn);
	/* unescaping never lengthens: \uXXXX is 6 bytes for at most 3 */
	if ((b = out_buf(cx, fname, sn)) == NULL)
		return -1;
	while ((w = j_char(s + 1, sn - 2, &i, b + k)) > 0)
		k += (size_t)w;
	if (w < 0)
		return j_malformed(cx, fname);
	return ret_buf(o, T_TEXT, b, k);
}

/* The DuckDB type name of a JSON number token. */
static const char *j_numtype(const char *p, size_t n)
{
	unsigned __int128 v = 0;
	size_t i = 0;
	int neg = 0;

	if (i < n && p[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return "DOUBLE";
		if (v < ((unsigned __int128)1 << 70))
			v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (neg)
		return v <= (unsigned __int128)1 << 63 ? "BIGINT" : "DOUBLE";
	if (v <= INT64_MAX)
		return "BIGINT";
	return v <= UINT64_MAX ? "UBIGINT" : "DOUBLE";
}

KERNEL(c_json_type)
{
	struct jcur c;
	size_t end;
	const char *t;
	int rc;

	if ((rc = j_find(cx, "json_type", &a[0], n > 1 ? &a[1] : NULL,
	    &c)) <= 0)
		return rc < 0 ? -1 : ret_null(o, ty(T_TEXT));
	if (j_span(cx, "json_type", &c, &end) != 0)
		return -1;
	switch (c.p[c.i]) {
	case '{':
		t = "OBJECT";
		break;
	case '[':
		t = "ARRAY";
		break;
	case '"':
		t = "VARCHAR";
		break;
	case 't':
	case 'f':
		t = "BOOLEAN";
		break;
	case 'n':
		t = "NULL";
		break;
	default:
		t = j_numtype(c.p + c.i, end - c.i);
	}
	return ret_cstr(cx, "json_type", o, t);
}

/* json_array_length(json[, path]): 0 for anything but an array. */
KERNEL(c_json_array_length)
{
	struct jcur c;
	int64_t cnt = 0;
	int rc;

	if ((rc = j_find(cx, "json_array_length", &a[0], n > 1 ? &a[1] : NULL,
	    &c)) <= 0)
		return rc < 0 ? -1 : ret_null(o, ty(T_BIGINT));
	if (j_at(&c, '[') && j_element(&c, -1, &cnt) < 0)
		return j_malformed(cx, "json_array_length");
	return ret_int(o, T_BIGINT, cnt);
}

KERNEL(c_json_valid)
{
	const uint8_t *p = (const uint8_t *)a[0].u.s.p;

	(void)cx;
	(void)n;
	return ret_int(o, T_BOOL, rdb_utf8_valid(p, a[0].u.s.n) &&
	    rdb_json_valid(p, a[0].u.s.n));
}

/* ------------------------------------------------------------------ */
/* Other.                                                              */

/* typeof(x): the name of x's type, NULL or not. */
KERNEL(c_typeof)
{
	char tn[48];

	(void)n;
	return ret_cstr(cx, "typeof", o, sql_type_name(a[0].t, tn, sizeof(tn)));
}

/* ------------------------------------------------------------------ */
/* printf, hex, gcd and lcm, and day and month names.                  */

/* The widest width or precision printf takes: padding is cheap, but a
 * bound keeps one conversion from asking for gigabytes. */
#define PF_MAX 10000

struct pf_spec {
	int minus, plus, space, zero, alt;
	int width;              /* -1: none */
	int prec;               /* -1: none */
	char conv;
};

/* Append body (len bytes, chars characters) with prefix pre (a sign or
 * 0x), padded to the width: zeros after the prefix when zero applies,
 * else spaces on the left, or on the right with '-'. */
static int pf_pad(struct rdb_buf *b, const struct pf_spec *s,
    const char *pre, const char *body, size_t len, size_t chars, int zeros)
{
	size_t np = strlen(pre), have = np + chars, pad, i;

	pad = s->width > 0 && (size_t)s->width > have ?
	    (size_t)s->width - have : 0;
	if (pad > 0 && !s->minus && !(zeros && s->zero))
		for (i = 0; i < pad; i++)
			if (rdb_buf_append(b, " ", 1) != 0)
				return -1;
	if (rdb_buf_append(b, pre, np) != 0)
		return -1;
	if (pad > 0 && !s->minus && zeros && s->zero)
		for (i = 0; i < pad; i++)
			if (rdb_buf_append(b, "0", 1) != 0)
				return -1;
	if (len > 0 && rdb_buf_append(b, body, len) != 0)
		return -1;
	if (pad > 0 && s->minus)
		for (i = 0; i < pad; i++)
			if (rdb_buf_append(b, " ", 1) != 0)
				return -1;
	return 0;
}

/* %d %i %x %X %o of v: x and o show the 64 bits unsigned, as C does
 * for a long long. */
static int pf_int(struct rdb_buf *b, const struct pf_spec *s, int64_t v)
{
	char dig[80], pre[4] = "";
	const char *digits = s->conv == 'X' ? "0123456789ABCDEF" :
	    "0123456789abcdef";
	unsigned base = s->conv == 'o' ? 8 : s->conv == 'x' || s->conv == 'X' ?
	    16 : 10;
	uint64_t m;
	size_t k = sizeof(dig), len;
	int neg = 0;

	if (base == 10 && v < 0) {
		neg = 1;
		m = (uint64_t)0 - (uint64_t)v;
	} else {
		m = (uint64_t)v;
	}
	while (m > 0) {
		dig[--k] = digits[m % base];
		m /= base;
	}
	len = sizeof(dig) - k;
	if (base == 10)
		strcpy(pre, neg ? "-" : s->plus ? "+" : s->space ? " " : "");
	else if (s->alt && base == 16 && len > 0)
		strcpy(pre, s->conv == 'X' ? "0X" : "0x");
	if (s->prec >= 0 || len > 0 || base == 8) {
		/* precision: at least that many digits (C: none for 0 at
		 * precision 0); # of an octal shows a leading 0 */
		size_t want = s->prec >= 0 ? (size_t)s->prec : 1;
		if (s->alt && base == 8 && (len == 0 || dig[k] != '0') &&
		    want <= len)
			want = len + 1;
		if (s->prec == 0 && len == 0 && !(s->alt && base == 8))
			want = 0;
		while (len < want && k > 0) {
			dig[--k] = '0';
			len++;
		}
		if (len < want) {
			/* wider than dig: pad through the buffer */
			size_t i;
			if (rdb_buf_append(b, pre, strlen(pre)) != 0)
				return -1;
			for (i = len; i < want; i++)
				if (rdb_buf_append(b, "0", 1) != 0)
					return -1;
			return rdb_buf_append(b, dig + k, len);
		}
	}
	/* a precision turns the 0 flag off, as in C */
	return pf_pad(b, s, pre, dig + k, len, len, s->prec < 0);
}

/* %f %e %g %E %G of d: the C library does the digits, from formats
 * written here; the sign, padding and flags are ours. */
static int pf_double(struct rdb_buf *b, const struct pf_spec *s, double d)
{
	int prec = s->prec >= 0 ? s->prec : 6, neg = signbit(d) && !isnan(d);
	size_t cap = (size_t)prec + 330, len;
	const char *pre = neg ? "-" : s->plus ? "+" : s->space ? " " : "";
	double m = fabs(d);
	char *t = malloc(cap);
	int w, rc;

	if (t == NULL)
		return -1;
	switch (s->conv) {
	case 'f':
		w = s->alt ? snprintf(t, cap, "%#.*f", prec, m) :
		    snprintf(t, cap, "%.*f", prec, m);
		break;
	case 'e':
		w = s->alt ? snprintf(t, cap, "%#.*e", prec, m) :
		    snprintf(t, cap, "%.*e", prec, m);
		break;
	case 'E':
		w = s->alt ? snprintf(t, cap, "%#.*E", prec, m) :
		    snprintf(t, cap, "%.*E", prec, m);
		break;
	case 'g':
		w = s->alt ? snprintf(t, cap, "%#.*g", prec, m) :
		    snprintf(t, cap, "%.*g", prec, m);
		break;
	default:
		w = s->alt ? snprintf(t, cap, "%#.*G", prec, m) :
		    snprintf(t, cap, "%.*G", prec, m);
		break;
	}
	if (w < 0 || (size_t)w >= cap) {
		free(t);
		return -1;
	}
	len = (size_t)w;
	rc = pf_pad(b, s, pre, t, len, len, isfinite(d));
	free(t);
	return rc;
}

/* %s of v: text as it is, other types as they print; the precision
 * keeps that many characters, and widths count characters. */
static int pf_str(struct rdb_buf *b, const struct pf_spec *s,
    const struct sql_val *v)
{
	struct rdb_buf t;
	const char *p;
	size_t n;
	int rc;

	rdb_buf_init(&t);
	if (sql_is_strlike(v->t.id)) {
		p = v->u.s.p;
		n = v->u.s.n;
	} else {
		if (sql_val_text(v, &t) != 0) {
			rdb_buf_release(&t);
			return -1;
		}
		p = (const char *)t.p;
		n = t.len;
	}
	if (s->prec >= 0)
		n = u8_skip(p, n, 0, (uint64_t)s->prec);
	rc = pf_pad(b, s, "", p, n, u8_count(p, n), 0);
	rdb_buf_release(&t);
	return rc;
}

/*
 * printf(format, arg, ...), as C's printf, DuckDB's and SQLite's: the
 * conversions d i x X o c (integers; c a code point), f e E g G (any
 * number), s (anything, as it prints) and %%, with the flags - + space
 * 0 # and a width and precision (at most PF_MAX; no * and no n$). Each
 * conversion is checked against its argument's type, and the format is
 * never handed to the C library, which sees only formats written here.
 * Arguments left over are an error too. NULL anywhere gives NULL.
 */
KERNEL(c_printf)
{
	const char *f = a[0].u.s.p;
	size_t fn = a[0].u.s.n, i = 0, start;
	struct rdb_buf b;
	int next = 1, rc = 0;
	char tn[48];

	rdb_buf_init(&b);
	while (i < fn && rc == 0) {
		struct pf_spec s;
		const struct sql_val *v;
		int id;
		start = i;
		while (i < fn && f[i] != '%')
			i++;
		if (i > start && rdb_buf_append(&b, f + start, i - start) != 0)
			goto oom;
		if (i == fn)
			break;
		i++;                    /* the % */
		if (i < fn && f[i] == '%') {
			if (rdb_buf_append(&b, "%", 1) != 0)
				goto oom;
			i++;
			continue;
		}
		memset(&s, 0, sizeof(s));
		s.width = s.prec = -1;
		for (; i < fn; i++) {
			if (f[i] == '-')
				s.minus = 1;
			else if (f[i] == '+')
				s.plus = 1;
			else if (f[i] == ' ')
				s.space = 1;
			else if (f[i] == '0')
				s.zero = 1;
			else if (f[i] == '#')
				s.alt = 1;
			else
				break;
		}
		if (i < fn && f[i] >= '1' && f[i] <= '9') {
			s.width = 0;
			while (i < fn && f[i] >= '0' && f[i] <= '9') {
				s.width = s.width * 10 + (f[i++] - '0');
				if (s.width > PF_MAX) {
					sql_error(cx, "printf: a width is at most %d", PF_MAX);
					goto fail;
				}
			}
			if (i < fn && f[i] == '$') {
				sql_error(cx, "printf: numbered arguments (%%n$) are not "
				    "supported");
				goto fail;
			}
		}
		if (i < fn && f[i] == '.') {
			s.prec = 0;
			i++;
			while (i < fn && f[i] >= '0' && f[i] <= '9') {
				s.prec = s.prec * 10 + (f[i++] - '0');
				if (s.prec > PF_MAX) {
					sql_error(cx, "printf: a precision is at most %d",
					    PF_MAX);
					goto fail;
				}
			}
		}
		if (i < fn && f[i] == '*') {
			sql_error(cx, "printf: widths and precisions from arguments "
			    "(*) are not supported");
			goto fail;
		}
		/* C's size modifiers mean nothing here: every integer is 64
		 * bits; accept the habitual l and ll */
		while (i < fn && f[i] == 'l')
			i++;
		if (i == fn) {
			sql_error(cx, "printf: the format ends inside a conversion");
			goto fail;
		}
		s.conv = f[i++];
		if (strchr("dixXocfeEgGs", s.conv) == NULL) {
			size_t k = i - 1;
			uint32_t c = u8_decode(f, fn, &k);
			char enc[4];
			sql_error(cx, "printf: unknown conversion '%%%.*s'",
			    (int)u8_encode(c, enc), enc);
			goto fail;
		}
		if (next >= n) {
			sql_error(cx, "printf: the format has more conversions than "
			    "the %d argument%s given", n - 1, n == 2 ? "" : "s");
			goto fail;
		}
		v = &a[next++];
		id = v->t.id;
		if (strchr("dixXoc", s.conv) != NULL) {
			if (id != T_INT && id != T_BIGINT) {
				sql_error(cx, "printf: %%%c takes an integer, not %s "
				    "(argument %d)", s.conv, sql_type_name(v->t, tn,
				    sizeof(tn)), next);
				goto fail;
			}
			if (s.conv == 'c') {
				char enc[4];
				size_t len;
				if (v->u.i < 1 || v->u.i > 0x10ffff ||
				    (v->u.i >= 0xd800 && v->u.i <= 0xdfff)) {
					sql_error(cx, "printf: %%c of %lld, which is no code "
					    "point", (long long)v->u.i);
					goto fail;
				}
				len = u8_encode((uint32_t)v->u.i, enc);
				rc = pf_pad(&b, &s, "", enc, len, 1, 0);
			} else {
				rc = pf_int(&b, &s, v->u.i);
			}
		} else if (s.conv != 's') {
			double d;
			if (id == T_INT || id == T_BIGINT)
				d = (double)v->u.i;
			else if (id == T_DOUBLE)
				d = v->u.d;
			else if (id == T_DECIMAL)
				d = sql_dec_to_double(v->u.x, v->t.scale);
			else {
				sql_error(cx, "printf: %%%c takes a number, not %s "
				    "(argument %d)", s.conv, sql_type_name(v->t, tn,
				    sizeof(tn)), next);
				goto fail;
			}
			rc = pf_double(&b, &s, d);
		} else {
			rc = pf_str(&b, &s, v);
		}
		if (b.len > TEXT_MAX) {
			sql_error(cx, "printf: result would be larger than 1 GiB");
			goto fail;
		}
	}
	if (rc != 0)
		goto oom;
	if (next < n) {
		sql_error(cx, "printf: %d argument%s given but the format uses %d",
		    n - 1, n == 2 ? "" : "s", next - 1);
		goto fail;
	}
	rc = ret_text(cx, "printf", o, T_TEXT, (const char *)b.p, b.len);
	rdb_buf_release(&b);
	return rc;
oom:
	sql_error(cx, "printf: out of memory");
fail:
	rdb_buf_release(&b);
	return -1;
}

static int rs_printf(struct sql_ctx *cx, const char *name, struct sql_type *a,
    int n, struct sql_type *ret)
{
	struct sql_type to;

	if (n < 1 || sig_fit('T', a[0], &to) != 0)
		return no_such(cx, name, a, n);
	a[0] = to;
	*ret = ty(T_TEXT);
	return 0;
}
NAMED(printf, rs_printf)

/* hex(x): an integer's 64 bits, or text's or a BLOB's bytes, in upper
 * case hexadecimal (DuckDB; hex(-1) is sixteen Fs). */
static int rs_hex(struct sql_ctx *cx, const char *name, struct sql_type *a,
    int n, struct sql_type *ret)
{
	if (n != 1 || !(a[0].id == T_NULL || a[0].id == T_INT ||
	    a[0].id == T_BIGINT || sql_is_strlike(a[0].id)))
		return no_such(cx, name, a, n);
	if (a[0].id == T_NULL)
		a[0] = ty(T_TEXT);
	*ret = ty(T_TEXT);
	return 0;
}
NAMED(hex, rs_hex)

KERNEL(c_hex)
{
	static const char digits[] = "0123456789ABCDEF";
	char *p;
	size_t i, k;

	(void)n;
	if (!sql_is_strlike(a[0].t.id)) {
		char t[16];
		uint64_t m = (uint64_t)a[0].u.i;
		k = sizeof(t);
		do {
			t[--k] = digits[m & 15];
			m >>= 4;
		} while (m > 0);
		return ret_text(cx, "hex", o, T_TEXT, t + k, sizeof(t) - k);
	}
	if ((p = out_buf(cx, "hex", (size_t)a[0].u.s.n * 2)) == NULL)
		return -1;
	for (i = 0; i < a[0].u.s.n; i++) {
		unsigned char c = (unsigned char)a[0].u.s.p[i];
		p[2 * i] = digits[c >> 4];
		p[2 * i + 1] = digits[c & 15];
	}
	return ret_buf(o, T_TEXT, p, (size_t)a[0].u.s.n * 2);
}

/* md5(s): the MD5 digest of s's bytes in lower-case hexadecimal (RFC
 * 1321; PostgreSQL and DuckDB), by libmd. For matching and
 * deduplicating, not for security. */
KERNEL(c_md5)
{
	MD5_CTX ctx;
	unsigned char d[MD5_DIGEST_LENGTH];
	char hex[2 * MD5_DIGEST_LENGTH];
	size_t i;

	(void)n;
	MD5Init(&ctx);
	MD5Update(&ctx, (const unsigned char *)a[0].u.s.p, a[0].u.s.n);
	MD5Final(d, &ctx);
	for (i = 0; i < MD5_DIGEST_LENGTH; i++) {
		hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	return ret_text(cx, "md5", o, T_TEXT, hex, sizeof hex);
}

/* |v| of a BIGINT as unsigned: INT64_MIN has one. */
static uint64_t mag(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static uint64_t ugcd(uint64_t x, uint64_t y)
{
	while (y != 0) {
		uint64_t t = x % y;
		x = y;
		y = t;
	}
	return x;
}

/* gcd(a, b), lcm(a, b) of BIGINTs, never negative (PostgreSQL); a
 * result past BIGINT is an error. */
KERNEL(c_gcd)
{
	uint64_t g = ugcd(mag(a[0].u.i), mag(a[1].u.i));

	(void)n;
	if (g > INT64_MAX) {
		sql_error(cx, "gcd: BIGINT out of range");
		return -1;
	}
	return ret_int(o, T_BIGINT, (int64_t)g);
}

KERNEL(c_lcm)
{
	uint64_t x = mag(a[0].u.i), y = mag(a[1].u.i), g, r;

	(void)n;
	if (x == 0 || y == 0)
		return ret_int(o, T_BIGINT, 0);
	g = ugcd(x, y);
	if (__builtin_mul_overflow(x / g, y, &r) || r > INT64_MAX) {
		sql_error(cx, "lcm: BIGINT out of range");
		return -1;
	}
	return ret_int(o, T_BIGINT, (int64_t)r);
}

/* The bitwise operators of integers (SQLite, PostgreSQL, DuckDB):
 * a & b, a | b, a # b (exclusive or; also xor(a, b)), ~a, and the
 * shifts a << b and a >> b, defined for every b as SQLite does: a
 * negative b shifts the other way, and past 63 places nothing is left
 * but the sign (>>) or 0 (<<). */
KERNEL(c_bitand)
{
	(void)n;
	(void)cx;
	return ret_int(o, T_BIGINT, a[0].u.i & a[1].u.i);
}

KERNEL(c_bitor)
{
	(void)n;
	(void)cx;
	return ret_int(o, T_BIGINT, a[0].u.i | a[1].u.i);
}

KERNEL(c_bitxor)
{
	(void)n;
	(void)cx;
	return ret_int(o, T_BIGINT, a[0].u.i ^ a[1].u.i);
}

KERNEL(c_bitnot)
{
	(void)n;
	(void)cx;
	return ret_int(o, T_BIGINT, ~a[0].u.i);
}

static int64_t shift(int64_t v, int64_t by, int left)
{
	if (by < 0) {
		left = !left;
		by = by == INT64_MIN ? 64 : -by;
	}
	if (left)
		return by >= 64 ? 0 : (int64_t)((uint64_t)v << by);
	if (by >= 64)
		return v < 0 ? -1 : 0;
	/* an arithmetic shift, spelled without relying on >> of a
	 * negative number */
	return v < 0 ? ~(int64_t)(~(uint64_t)v >> by) : (int64_t)((uint64_t)v >> by);
}

KERNEL(c_shl)
{
	(void)n;
	(void)cx;
	return ret_int(o, T_BIGINT, shift(a[0].u.i, a[1].u.i, 1));
}

KERNEL(c_shr)
{
	(void)n;
	(void)cx;
	return ret_int(o, T_BIGINT, shift(a[0].u.i, a[1].u.i, 0));
}

/* last_day(d): the last day of d's month, a DATE (DuckDB). */
KERNEL(c_last_day)
{
	struct dparts t;
	int64_t y;
	unsigned m;

	(void)n;
	if (dsplit(cx, "last_day", a[0].t.id, a[0].u.i, &t) != 0)
		return -1;
	y = t.m == 12 ? t.y + 1 : t.y;
	m = t.m == 12 ? 1 : t.m + 1;
	return ret_int(o, T_DATE, sql_days_from_civil(y, m, 1) - 1);
}

KERNEL(c_dayname)
{
	struct dparts t;

	(void)n;
	if (dsplit(cx, "dayname", a[0].t.id, a[0].u.i, &t) != 0)
		return -1;
	return ret_cstr(cx, "dayname", o, day_names[dow_of(t.days)]);
}

KERNEL(c_monthname)
{
	struct dparts t;

	(void)n;
	if (dsplit(cx, "monthname", a[0].t.id, a[0].u.i, &t) != 0)
		return -1;
	return ret_cstr(cx, "monthname", o, month_names[t.m - 1]);
}

/* epoch(x): seconds since 1970-01-01 00:00:00, with their fraction, a
 * DOUBLE (DuckDB). */
KERNEL(c_epoch)
{
	(void)cx;
	(void)n;
	if (a[0].t.id == T_DATE)
		return ret_double(o, (double)a[0].u.i * 86400.0);
	return ret_double(o, (double)a[0].u.i / 1e6);
}

/* ------------------------------------------------------------------ */
/* The registry.                                                       */

SIG(length, "B=T")
SIG(char_length, "B=T")
SIG(character_length, "B=T")
SIG(lower, "T=T")
SIG(lcase, "T=T")
SIG(upper, "T=T")
SIG(ucase, "T=T")
SIG(substr, "T=TII")
SIG(substring, "T=TII")
SIG(trim, "T=TT")
SIG(ltrim, "T=TT")
SIG(rtrim, "T=TT")
SIG(replace, "T=TTT")
SIG(position, "B=TT")
SIG(strpos, "B=TT")
SIG(instr, "B=TT")
SIG(split_part, "T=TTI")
SIG(lpad, "T=TIT")
SIG(rpad, "T=TIT")
SIG(starts_with, "b=TT")
SIG(ends_with, "b=TT")
SIG(contains, "b=TT")
SIG(left, "T=TI")
SIG(right, "T=TI")
SIG(reverse, "T=T")
SIG(repeat, "T=TI")
SIG(ascii, "i=T")
SIG(chr, "T=I")
SIG(regexp_matches, "b=TTT")
SIG(regexp_extract, "T=TTI")
SIG(regexp_replace, "T=TTTT")
SIG(sqrt, "D=D")
SIG(cbrt, "D=D")
SIG(exp, "D=D")
SIG(ln, "D=D")
SIG(log, "D=DD")
SIG(log10, "D=D")
SIG(log2, "D=D")
SIG(sin, "D=D")
SIG(cos, "D=D")
SIG(tan, "D=D")
SIG(asin, "D=D")
SIG(acos, "D=D")
SIG(atan, "D=D")
SIG(atan2, "D=DD")
SIG(degrees, "D=D")
SIG(radians, "D=D")
SIG(power, "D=DD")
SIG(pow, "D=DD")
SIG(pi, "D=")
SIG(random, "D=")
SIG(sign, "i=D")
SIG(isnan, "b=D")
SIG(isinf, "b=D")
SIG(isfinite, "b=D")
SIG(current_date, "d=")
SIG(today, "d=")
SIG(now, "S=")
SIG(current_timestamp, "S=")
SIG(date_part, "B=TV")
SIG(datepart, "B=TV")
SIG(strftime, "T=WT")
SIG(make_date, "d=III")
SIG(to_timestamp, "S=D")
SIG(json_extract, "J=JP")
SIG(json_extract_string, "T=JP")
SIG(json_type, "T=JP")
SIG(json_array_length, "B=JP")
SIG(json_valid, "b=J")
SIG(typeof, "T=*")
SIG(gcd, "B=II")
SIG(xor, "B=II")
/* the operators: named by their symbol in messages */
static int r_op2(struct sql_ctx *cx, const char *op, struct sql_type *a,
    int n, struct sql_type *ret)
{
	return sig_resolve(cx, op, "B=II", a, n, ret);
}
static int r_bitand(struct sql_ctx *cx, struct sql_type *a, int n,
    struct sql_type *ret)
{
	return r_op2(cx, "&", a, n, ret);
}
static int r_bitor(struct sql_ctx *cx, struct sql_type *a, int n,
    struct sql_type *ret)
{
	return r_op2(cx, "|", a, n, ret);
}
static int r_bitxor(struct sql_ctx *cx, struct sql_type *a, int n,
    struct sql_type *ret)
{
	return r_op2(cx, "#", a, n, ret);
}
static int r_shl(struct sql_ctx *cx, struct sql_type *a, int n,
    struct sql_type *ret)
{
	return r_op2(cx, "<<", a, n, ret);
}
static int r_shr(struct sql_ctx *cx, struct sql_type *a, int n,
    struct sql_type *ret)
{
	return r_op2(cx, ">>", a, n, ret);
}
static int r_bitnot(struct sql_ctx *cx, struct sql_type *a, int n,
    struct sql_type *ret)
{
	return sig_resolve(cx, "~", "B=I", a, n, ret);
}
SIG(md5, "T=T")
SIG(lcm, "B=II")
SIG(last_day, "d=W")
SIG(dayname, "T=W")
SIG(monthname, "T=W")
SIG(epoch, "D=W")

#define S SQL_FN_STRICT
#define F(fn, min, max, flags, kernel) \
	{ #fn, min, max, flags, r_##fn, kernel, NULL }
/* and with a kernel over a column (sql_func.vcall) */
#define FV(fn, min, max, flags, kernel, vkernel) \
	{ #fn, min, max, flags, r_##fn, kernel, vkernel }

/* Sorted by name (strcmp), for the binary search; test_func checks. */
static const struct sql_func funcs[] = {
	{ "#", 2, 2, S, r_bitxor, c_bitxor, NULL },
	{ "&", 2, 2, S, r_bitand, c_bitand, NULL },
	{ "<<", 2, 2, S, r_shl, c_shl, NULL },
	{ ">>", 2, 2, S, r_shr, c_shr, NULL },
	F(abs, 1, 1, S, c_abs),
	F(acos, 1, 1, S, c_acos),
	F(ascii, 1, 1, S, c_ascii),
	F(asin, 1, 1, S, c_asin),
	F(atan, 1, 1, S, c_atan),
	F(atan2, 2, 2, S, c_atan2),
	F(cbrt, 1, 1, S, c_cbrt),
	F(ceil, 1, 1, S, c_ceil),
	F(ceiling, 1, 1, S, c_ceil),
	F(char_length, 1, 1, S, c_length),
	F(character_length, 1, 1, S, c_length),
	F(chr, 1, 1, S, c_chr),
	F(concat, 1, -1, 0, c_concat),
	F(concat_ws, 2, -1, 0, c_concat_ws),
	F(contains, 2, 2, S, c_contains),
	F(cos, 1, 1, S, c_cos),
	F(current_date, 0, 0, 0, c_current_date),
	F(current_timestamp, 0, 0, 0, c_now),
	F(date_diff, 3, 3, S, c_date_diff),
	F(date_part, 2, 2, S, c_date_part),
	F(date_trunc, 2, 2, S, c_date_trunc),
	F(datediff, 3, 3, S, c_date_diff),
	F(datepart, 2, 2, S, c_date_part),
	F(day, 1, 1, S, c_day),
	F(dayname, 1, 1, S, c_dayname),
	F(dayofmonth, 1, 1, S, c_dayofmonth),
	F(dayofweek, 1, 1, S, c_dayofweek),
	F(dayofyear, 1, 1, S, c_dayofyear),
	F(degrees, 1, 1, S, c_degrees),
	F(ends_with, 2, 2, S, c_ends_with),
	F(epoch, 1, 1, S, c_epoch),
	F(epoch_ms, 1, 1, S, c_epoch_ms),
	F(exp, 1, 1, S, c_exp),
	F(floor, 1, 1, S, c_floor),
	F(gcd, 2, 2, S, c_gcd),
	F(greatest, 1, -1, 0, c_greatest),
	F(hex, 1, 1, S, c_hex),
	F(hour, 1, 1, S, c_hour),
	F(instr, 2, 2, S, c_strpos),
	F(isfinite, 1, 1, S, c_isfinite),
	F(isinf, 1, 1, S, c_isinf),
	F(isnan, 1, 1, S, c_isnan),
	F(isodow, 1, 1, S, c_isodow),
	F(isoyear, 1, 1, S, c_isoyear),
	F(json_array_length, 1, 2, S, c_json_array_length),
	F(json_extract, 2, 2, S, c_json_extract),
	F(json_extract_string, 2, 2, S, c_json_extract_string),
	F(json_type, 1, 2, S, c_json_type),
	F(json_valid, 1, 1, S, c_json_valid),
	F(last_day, 1, 1, S, c_last_day),
	F(lcase, 1, 1, S, c_lower),
	F(lcm, 2, 2, S, c_lcm),
	F(least, 1, -1, 0, c_least),
	F(left, 2, 2, S, c_left),
	F(length, 1, 1, S, c_length),
	F(ln, 1, 1, S, c_ln),
	F(log, 1, 2, S, c_log),
	F(log10, 1, 1, S, c_log10),
	F(log2, 1, 1, S, c_log2),
	F(lower, 1, 1, S, c_lower),
	F(lpad, 2, 3, S, c_lpad),
	F(ltrim, 1, 2, S, c_ltrim),
	F(make_date, 3, 3, S, c_make_date),
	F(md5, 1, 1, S, c_md5),
	F(microsecond, 1, 1, S, c_microsecond),
	F(millisecond, 1, 1, S, c_millisecond),
	F(minute, 1, 1, S, c_minute),
	F(mod, 2, 2, S, c_mod),
	F(month, 1, 1, S, c_month),
	F(monthname, 1, 1, S, c_monthname),
	F(now, 0, 0, 0, c_now),
	F(pi, 0, 0, 0, c_pi),
	F(position, 2, 2, S, c_position),
	F(pow, 2, 2, S, c_power),
	F(power, 2, 2, S, c_power),
	F(printf, 1, -1, S, c_printf),
	F(quarter, 1, 1, S, c_quarter),
	F(radians, 1, 1, S, c_radians),
	F(random, 0, 0, SQL_FN_VOLATILE, c_random),
	F(regexp_extract, 2, 3, S, c_regexp_extract),
	F(regexp_matches, 2, 3, S, c_regexp_matches),
	F(regexp_replace, 3, 4, S, c_regexp_replace),
	F(repeat, 2, 2, S, c_repeat),
	F(replace, 3, 3, S, c_replace),
	F(reverse, 1, 1, S, c_reverse),
	F(right, 2, 2, S, c_right),
	F(round, 1, 2, S, c_round),
	F(rpad, 2, 3, S, c_rpad),
	F(rtrim, 1, 2, S, c_rtrim),
	F(second, 1, 1, S, c_second),
	F(sign, 1, 1, S, c_sign),
	F(sin, 1, 1, S, c_sin),
	F(split_part, 3, 3, S, c_split_part),
	F(sqrt, 1, 1, S, c_sqrt),
	F(starts_with, 2, 2, S, c_starts_with),
	F(strftime, 2, 2, S, c_strftime),
	F(strpos, 2, 2, S, c_strpos),
	FV(substr, 2, 3, S, c_substr, v_substr),
	FV(substring, 2, 3, S, c_substr, v_substr),
	F(tan, 1, 1, S, c_tan),
	F(to_timestamp, 1, 1, S, c_to_timestamp),
	F(today, 0, 0, 0, c_current_date),
	F(trim, 1, 2, S, c_trim),
	F(trunc, 1, 2, S, c_trunc),
	F(typeof, 1, 1, 0, c_typeof),
	F(ucase, 1, 1, S, c_upper),
	F(upper, 1, 1, S, c_upper),
	F(week, 1, 1, S, c_week),
	F(weekofyear, 1, 1, S, c_weekofyear),
	{ "xor", 2, 2, S, r_xor, c_bitxor, NULL },
	F(year, 1, 1, S, c_year),
	{ "|", 2, 2, S, r_bitor, c_bitor, NULL },
	{ "~", 1, 1, S, r_bitnot, c_bitnot, NULL },
};

#undef F
#undef S

const struct sql_func *sql_func_find(const char *name)
{
	size_t lo = 0, hi = sizeof(funcs) / sizeof(funcs[0]), mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, funcs[mid].name);
		if (c == 0)
			return &funcs[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct sql_func *sql_func_at(size_t i)
{
	return i < sizeof(funcs) / sizeof(funcs[0]) ? &funcs[i] : NULL;
}
