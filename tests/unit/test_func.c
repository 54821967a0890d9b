/*
 * test_func.c - the scalar functions of lib/sql/func.c: the registry,
 * every function on ordinary and edge inputs (empty and multibyte text,
 * negative and zero lengths, INT64 extremes, dates before 1970 and leap
 * days, invalid patterns, paths and JSON), and a sweep that calls every
 * function on every combination of awkward values and asks only that
 * nothing breaks (run it under `make SAN=1`).
 *
 * Calls go the way the binder makes them: resolve, cast each argument
 * to the type the resolver asked for, skip strict functions on NULL,
 * call, and check the result has exactly the resolved type.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql/sql.h"
#include "unit.h"

static struct sql_arena arena;
static struct sql_ctx cx;

static void setup(void)
{
	sql_arena_release(&arena);
	sql_arena_init(&arena);
	memset(&cx, 0, sizeof(cx));
	cx.arena = &arena;
	/* 2024-02-29 12:34:56.789 UTC */
	cx.now_us = 1709210096789000LL;
	cx.rng = 42;
}

static struct sql_type ty(int id, int prec, int scale)
{
	struct sql_type t = { (uint8_t)id, (uint8_t)prec, (uint8_t)scale };

	return t;
}

static struct sql_val vtn(const char *p, size_t n)
{
	struct sql_val v;

	memset(&v, 0, sizeof(v));
	v.t = ty(T_TEXT, 0, 0);
	v.u.s.p = p;
	v.u.s.n = (uint32_t)n;
	return v;
}

static struct sql_val vt(const char *s)
{
	return vtn(s, strlen(s));
}

static struct sql_val vjson(const char *s)
{
	struct sql_val v = vt(s);

	v.t.id = T_JSON;
	return v;
}

static struct sql_val vint_as(int id, int64_t i)
{
	struct sql_val v;

	memset(&v, 0, sizeof(v));
	v.t = ty(id, 0, 0);
	v.u.i = i;
	return v;
}

static struct sql_val vi(int64_t i)             /* BIGINT */
{
	return vint_as(T_BIGINT, i);
}

static struct sql_val vi32(int64_t i)           /* INTEGER */
{
	return vint_as(T_INT, i);
}

static struct sql_val vb(int b)
{
	return vint_as(T_BOOL, b);
}

static struct sql_val vd(double d)
{
	struct sql_val v;

	memset(&v, 0, sizeof(v));
	v.t = ty(T_DOUBLE, 0, 0);
	v.u.d = d;
	return v;
}

static struct sql_val vdec(__int128 x, int prec, int scale)
{
	struct sql_val v;

	memset(&v, 0, sizeof(v));
	v.t = ty(T_DECIMAL, prec, scale);
	v.u.x = x;
	return v;
}

static struct sql_val vnull(void)
{
	struct sql_val v;

	memset(&v, 0, sizeof(v));
	v.null = 1;
	return v;
}

static struct sql_val vdate(int64_t y, unsigned m, unsigned d)
{
	return vint_as(T_DATE, sql_days_from_civil(y, m, d));
}

static struct sql_val vts(int64_t y, unsigned m, unsigned d, int hh, int mi,
    int ss, int64_t us)
{
	return vint_as(T_TIMESTAMP,
	    sql_days_from_civil(y, m, d) * 86400000000LL +
	    ((int64_t)hh * 3600 + mi * 60 + ss) * 1000000LL + us);
}

static struct sql_val vinterval(int32_t months, int32_t days, int64_t us)
{
	struct sql_val v;

	memset(&v, 0, sizeof(v));
	v.t = ty(T_INTERVAL, 0, 0);
	v.u.iv.months = months;
	v.u.iv.days = days;
	v.u.iv.us = us;
	return v;
}

static int same_type(struct sql_type a, struct sql_type b)
{
	return a.id == b.id && (a.id != T_DECIMAL ||
	    (a.prec == b.prec && a.scale == b.scale));
}

static struct sql_type last_t;  /* the type of the last result */

/*
 * Call name on args as the engine would. 0 with *out set; -1 after an
 * error (in cx.err); -2 when the function does not exist; -3 when the
 * result's type is not the resolved one.
 */
static int call(const char *name, const struct sql_val *args, int n,
    struct sql_val *out)
{
	const struct sql_func *f = sql_func_find(name);
	struct sql_type t[8], ret;
	struct sql_val a[8];
	int i, anynull = 0;

	if (f == NULL || n > 8)
		return -2;
	cx.err.msg[0] = '\0';
	for (i = 0; i < n; i++)
		t[i] = args[i].null ? ty(T_NULL, 0, 0) : args[i].t;
	if (f->resolve(&cx, t, n, &ret) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (args[i].null) {
			a[i] = args[i];
			a[i].t = t[i];
			anynull = 1;
		} else if (!same_type(args[i].t, t[i])) {
			if (sql_cast(&cx, &args[i], t[i], &a[i]) != 0)
				return -1;
		} else {
			a[i] = args[i];
		}
	}
	last_t = ret;
	if ((f->flags & SQL_FN_STRICT) && anynull) {
		out->t = ret;
		out->null = 1;
		return 0;
	}
	memset(out, 0xa5, sizeof(*out));
	if (f->call(&cx, a, n, out) != 0)
		return -1;
	if (!same_type(out->t, ret) || out->null > 1)
		return -3;
	return 0;
}

/* The value as text: our own forms, so these tests do not depend on
 * value.c's formatting. */
static const char *show(const struct sql_val *v, char *buf, size_t cap)
{
	int64_t y, days, tod;
	unsigned m, d;
	char dec[64];

	if (v->null)
		return "NULL";
	switch (v->t.id) {
	case T_BOOL:
		return v->u.i ? "true" : "false";
	case T_INT:
	case T_BIGINT:
		snprintf(buf, cap, "%lld", (long long)v->u.i);
		break;
	case T_DOUBLE:
		snprintf(buf, cap, "%.15g", v->u.d);
		break;
	case T_DECIMAL:
		sql_dec_format(v->u.x, v->t.scale, dec);
		snprintf(buf, cap, "%s", dec);
		break;
	case T_DATE:
		sql_civil_from_days(v->u.i, &y, &m, &d);
		snprintf(buf, cap, "%04lld-%02u-%02u", (long long)y, m, d);
		break;
	case T_TIMESTAMP:
		days = v->u.i / 86400000000LL;
		tod = v->u.i % 86400000000LL;
		if (tod < 0) {
			days--;
			tod += 86400000000LL;
		}
		sql_civil_from_days(days, &y, &m, &d);
		snprintf(buf, cap, "%04lld-%02u-%02u %02d:%02d:%02d",
		    (long long)y, m, d, (int)(tod / 3600000000LL),
		    (int)(tod / 60000000 % 60), (int)(tod / 1000000 % 60));
		if (tod % 1000000 != 0)
			snprintf(buf + strlen(buf), cap - strlen(buf), ".%06d",
			    (int)(tod % 1000000));
		break;
	default:
		snprintf(buf, cap, "%.*s", (int)v->u.s.n, v->u.s.p);
	}
	return buf;
}

/* name(args...) as text, "error: <message>" after an error. */
static const char *ev(const char *name, int n, ...)
{
	static char bufs[4][4096];
	static int which;
	char *buf = bufs[which++ % 4];
	struct sql_val args[8], out;
	va_list ap;
	int i, rc;

	va_start(ap, n);
	for (i = 0; i < n && i < 8; i++)
		args[i] = va_arg(ap, struct sql_val);
	va_end(ap);
	rc = call(name, args, n, &out);
	if (rc == -1) {
		snprintf(buf, 4096, "error: %s", cx.err.msg);
		return buf;
	}
	if (rc != 0) {
		snprintf(buf, 4096, "failed: %d", rc);
		return buf;
	}
	return show(&out, buf, 4096);
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int last_is(int id, int prec, int scale)
{
	return same_type(last_t, ty(id, prec, scale));
}

/* ------------------------------------------------------------------ */

UNIT_TEST(func_registry)
{
	const struct sql_func *f, *prev = NULL;
	size_t i, k;

	for (i = 0; (f = sql_func_at(i)) != NULL; i++) {
		CHECK(f->resolve != NULL && f->call != NULL);
		CHECK(f->minargs >= 0);
		CHECK(f->maxargs < 0 || f->maxargs >= f->minargs);
		for (k = 0; f->name[k] != '\0'; k++)
			CHECK(!(f->name[k] >= 'A' && f->name[k] <= 'Z'));
		if (prev != NULL && strcmp(prev->name, f->name) >= 0)
			printf("#   not sorted: %s before %s\n", prev->name,
			    f->name);
		CHECK(prev == NULL || strcmp(prev->name, f->name) < 0);
		CHECK(sql_func_find(f->name) == f);
		prev = f;
	}
	CHECK(i > 90);
	CHECK(sql_func_find("nope") == NULL);
	CHECK(sql_func_find("") == NULL);
	CHECK(sql_func_find("ABS") == NULL);
	CHECK(sql_func_find("coalesce") == NULL);
	CHECK(sql_func_find("nullif") == NULL);
	CHECK((sql_func_find("random")->flags & SQL_FN_VOLATILE) != 0);
	CHECK((sql_func_find("now")->flags & SQL_FN_VOLATILE) == 0);
	CHECK((sql_func_find("concat")->flags & SQL_FN_STRICT) == 0);
	CHECK((sql_func_find("greatest")->flags & SQL_FN_STRICT) == 0);
	CHECK((sql_func_find("typeof")->flags & SQL_FN_STRICT) == 0);
	CHECK((sql_func_find("length")->flags & SQL_FN_STRICT) != 0);
}

UNIT_TEST(func_signature_errors)
{
	setup();
	CHECK_STR(ev("abs", 1, vt("x")),
	    "error: function abs(TEXT) does not exist");
	CHECK_STR(ev("length", 1, vi32(1)),
	    "error: function length(INTEGER) does not exist");
	CHECK_STR(ev("substring", 1, vt("x")),
	    "error: function substring(TEXT) does not exist");
	CHECK_STR(ev("date_part", 2, vt("year"), vi32(1)),
	    "error: function date_part(TEXT, INTEGER) does not exist");
	CHECK_STR(ev("round", 2, vdec(1, 10, 2), vd(1)),
	    "error: function round(DECIMAL(10,2), DOUBLE) does not exist");
	CHECK_STR(ev("greatest", 2, vi32(1), vt("a")),
	    "error: function greatest(INTEGER, TEXT) does not exist");
	CHECK_STR(ev("sqrt", 1, vb(1)),
	    "error: function sqrt(BOOLEAN) does not exist");
	/* NULL literals fit any argument */
	CHECK_STR(ev("length", 1, vnull()), "NULL");
	CHECK(last_is(T_BIGINT, 0, 0));
	CHECK_STR(ev("substr", 3, vt("abc"), vnull(), vi(1)), "NULL");
	CHECK(last_is(T_TEXT, 0, 0));
	/* JSON is text to the text functions */
	CHECK_STR(ev("upper", 1, vjson("\"a\"")), "\"A\"");
}

UNIT_TEST(func_length_case)
{
	setup();
	CHECK_STR(ev("length", 1, vt("")), "0");
	CHECK_STR(ev("length", 1, vt("h\xc3\xa9llo")), "5");
	CHECK_STR(ev("char_length", 1, vt("\xe6\x97\xa5\xe6\x9c\xac")), "2");
	CHECK_STR(ev("character_length", 1, vt("\xf0\x9f\x98\x80")), "1");
	CHECK(last_is(T_BIGINT, 0, 0));
	CHECK_STR(ev("length", 1, vtn("a\0b", 3)), "3");

	CHECK_STR(ev("lower", 1, vt("ABC xyz 123")), "abc xyz 123");
	CHECK_STR(ev("upper", 1, vt("abc XYZ 123")), "ABC XYZ 123");
	/* À É Î Straße ΑΒΓ Ά Привет Ёж Ÿ Ł */
	CHECK_STR(ev("lower", 1, vt("\xc3\x80\xc3\x89\xc3\x8e Stra\xc3\x9f"
	    "e \xce\x91\xce\x92\xce\x93 \xce\x86 \xd0\x9f\xd1\x80\xd0\xb8"
	    "\xd0\xb2\xd0\xb5\xd1\x82 \xd0\x81\xd0\xb6 \xc5\xb8 \xc5\x81")),
	    "\xc3\xa0\xc3\xa9\xc3\xae stra\xc3\x9f"
	    "e \xce\xb1\xce\xb2\xce\xb3 "
	    "\xce\xac \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
	    "\xd1\x91\xd0\xb6 \xc3\xbf \xc5\x82");
	CHECK_STR(ev("upper", 1, vt("\xc3\xa0\xc3\xa9 stra\xc3\x9f" "e "
	    "\xcf\x82\xce\xb1 \xd1\x91 \xc3\xbf \xc5\x82 \xc3\xb7")),
	    "\xc3\x80\xc3\x89 STRA\xc3\x9f" "E \xce\xa3\xce\x91 \xd0\x81 "
	    "\xc5\xb8 \xc5\x81 \xc3\xb7");
	CHECK_STR(ev("lcase", 1, vt("A")), "a");
	CHECK_STR(ev("ucase", 1, vt("a")), "A");
	/* malformed bytes and characters without a pair stay */
	CHECK_STR(ev("upper", 1, vt("a\xff\xc3" "b\xe4\xb8\xad")),
	    "A\xff\xc3" "B\xe4\xb8\xad");
	CHECK_STR(ev("lower", 1, vt("")), "");
}

UNIT_TEST(func_substr)
{
	setup();
	CHECK_STR(ev("substr", 3, vt("hello"), vi(2), vi(3)), "ell");
	CHECK_STR(ev("substr", 3, vt("hello"), vi(0), vi(2)), "h");
	CHECK_STR(ev("substr", 3, vt("hello"), vi(-2), vi(5)), "he");
	CHECK_STR(ev("substr", 3, vt("hello"), vi(-2), vi(3)), "");
	CHECK_STR(ev("substr", 3, vt("hello"), vi(2), vi(0)), "");
	CHECK_STR(ev("substr", 2, vt("hello"), vi(3)), "llo");
	CHECK_STR(ev("substr", 2, vt("hello"), vi(-3)), "hello");
	CHECK_STR(ev("substr", 2, vt("hello"), vi(10)), "");
	CHECK_STR(ev("substring", 3, vt("h\xc3\xa9llo"), vi32(2), vi32(2)),
	    "\xc3\xa9l");
	CHECK_STR(ev("substr", 3, vt("hello"), vi(1), vi(-1)),
	    "error: substr: length must not be negative");
	CHECK_STR(ev("substr", 3, vt("hello"), vi(INT64_MIN), vi(INT64_MAX)),
	    "");
	CHECK_STR(ev("substr", 3, vt("hello"), vi(2), vi(INT64_MAX)), "ello");
	CHECK_STR(ev("substr", 3, vt("hello"), vi(INT64_MAX), vi(INT64_MAX)),
	    "");
	CHECK_STR(ev("substr", 2, vt("hello"), vi(INT64_MIN)), "hello");
	CHECK_STR(ev("substr", 3, vt(""), vi(1), vi(1)), "");
}

UNIT_TEST(func_trim_replace_position)
{
	setup();
	CHECK_STR(ev("trim", 1, vt("  a b  ")), "a b");
	CHECK_STR(ev("ltrim", 1, vt("  a b  ")), "a b  ");
	CHECK_STR(ev("rtrim", 1, vt("  a b  ")), "  a b");
	CHECK_STR(ev("trim", 1, vt("   ")), "");
	CHECK_STR(ev("trim", 1, vt("")), "");
	CHECK_STR(ev("trim", 2, vt("xyaxy"), vt("yx")), "a");
	CHECK_STR(ev("trim", 2, vt("abc"), vt("")), "abc");
	CHECK_STR(ev("trim", 2, vt("\xc3\xa9\xc3\xa9" "a\xc3\xa9"),
	    vt("\xc3\xa9")), "a");
	CHECK_STR(ev("rtrim", 2, vt("a\xc3\xa9\xc3\xa8"), vt("\xc3\xa8")),
	    "a\xc3\xa9");
	/* a stray continuation byte is not trimmed away with its lead */
	CHECK_STR(ev("rtrim", 2, vt("a\x80"), vt("a")), "a\x80");

	CHECK_STR(ev("replace", 3, vt("aaa"), vt("a"), vt("bb")), "bbbbbb");
	CHECK_STR(ev("replace", 3, vt("abc"), vt(""), vt("x")), "abc");
	CHECK_STR(ev("replace", 3, vt("abcb"), vt("b"), vt("")), "ac");
	CHECK_STR(ev("replace", 3, vt("aaaa"), vt("aa"), vt("a")), "aa");
	CHECK_STR(ev("replace", 3, vt("h\xc3\xa9llo"), vt("\xc3\xa9"),
	    vt("e")), "hello");
	CHECK_STR(ev("replace", 3, vt(""), vt("a"), vt("b")), "");

	CHECK_STR(ev("position", 2, vt("lo"), vt("hello")), "4");
	CHECK_STR(ev("position", 2, vt("x"), vt("hello")), "0");
	CHECK_STR(ev("position", 2, vt(""), vt("abc")), "1");
	CHECK_STR(ev("position", 2, vt("a"), vt("")), "0");
	CHECK_STR(ev("strpos", 2, vt("h\xc3\xa9llo"), vt("l")), "3");
	CHECK_STR(ev("instr", 2, vt("abc"), vt("c")), "3");
	CHECK_STR(ev("strpos", 2, vt("abc"), vt("abcd")), "0");
}

UNIT_TEST(func_split_pad)
{
	setup();
	CHECK_STR(ev("split_part", 3, vt("a,b,c"), vt(","), vi(2)), "b");
	CHECK_STR(ev("split_part", 3, vt("a,b,c"), vt(","), vi(-1)), "c");
	CHECK_STR(ev("split_part", 3, vt("a,b,c"), vt(","), vi(-3)), "a");
	CHECK_STR(ev("split_part", 3, vt("a,b,c"), vt(","), vi(0)), "");
	CHECK_STR(ev("split_part", 3, vt("a,b,c"), vt(","), vi(4)), "");
	CHECK_STR(ev("split_part", 3, vt("a,b,c"), vt(","), vi(-4)), "");
	CHECK_STR(ev("split_part", 3, vt("a,b,c"), vt(","), vi(INT64_MIN)),
	    "");
	CHECK_STR(ev("split_part", 3, vt("a,b,c"), vt(","), vi(INT64_MAX)),
	    "");
	CHECK_STR(ev("split_part", 3, vt("a,,b"), vt(","), vi(2)), "");
	CHECK_STR(ev("split_part", 3, vt("a::b::c"), vt("::"), vi(3)), "c");
	CHECK_STR(ev("split_part", 3, vt("a\xc3\xa9" "c"), vt(""), vi(2)),
	    "\xc3\xa9");
	CHECK_STR(ev("split_part", 3, vt(""), vt(","), vi(1)), "");
	CHECK_STR(ev("split_part", 3, vt("abc"), vt(","), vi(1)), "abc");

	CHECK_STR(ev("lpad", 3, vt("hi"), vi(5), vt("xy")), "xyxhi");
	CHECK_STR(ev("rpad", 3, vt("hi"), vi(5), vt("xy")), "hixyx");
	CHECK_STR(ev("lpad", 2, vt("hi"), vi(4)), "  hi");
	CHECK_STR(ev("rpad", 2, vt("hi"), vi(4)), "hi  ");
	CHECK_STR(ev("lpad", 2, vt("hello"), vi(2)), "he");
	CHECK_STR(ev("rpad", 2, vt("hello"), vi(2)), "he");
	CHECK_STR(ev("lpad", 2, vt("hi"), vi(0)), "");
	CHECK_STR(ev("lpad", 2, vt("hi"), vi(-1)), "");
	CHECK_STR(ev("lpad", 2, vt("hi"), vi(INT64_MIN)), "");
	CHECK_STR(ev("lpad", 3, vt("hi"), vi(5), vt("")),
	    "error: lpad: the fill text must not be empty");
	CHECK_STR(ev("lpad", 3, vt("\xc3\xa9"), vi(3), vt("\xc3\xbc")),
	    "\xc3\xbc\xc3\xbc\xc3\xa9");
	CHECK_STR(ev("rpad", 3, vt("a"), vi(INT64_MAX), vt("x")),
	    "error: rpad: result would be larger than 1 GiB");
	CHECK_STR(ev("lpad", 3, vt("a"), vi(INT64_MAX), vt("\xc3\xa9\xc3\xa8")),
	    "error: lpad: result would be larger than 1 GiB");
	CHECK_STR(ev("lpad", 3, vt("a"), vi(3), vt("\x80")), "\x80\x80" "a");
}

UNIT_TEST(func_concat)
{
	setup();
	CHECK_STR(ev("concat", 3, vt("a"), vnull(), vt("b")), "ab");
	CHECK_STR(ev("concat", 1, vnull()), "");
	CHECK(last_is(T_TEXT, 0, 0));
	CHECK_STR(ev("concat", 3, vt("n="), vi32(42), vb(1)), "n=42true");
	CHECK_STR(ev("concat", 2, vt(""), vt("")), "");
	CHECK_STR(ev("concat_ws", 4, vt(", "), vt("a"), vnull(), vt("b")),
	    "a, b");
	CHECK_STR(ev("concat_ws", 3, vt("-"), vi(1), vi(2)), "1-2");
	CHECK_STR(ev("concat_ws", 2, vnull(), vt("a")), "NULL");
	CHECK_STR(ev("concat_ws", 3, vt(","), vnull(), vnull()), "");
	CHECK_STR(ev("concat_ws", 2, vi(1), vt("a")),
	    "error: function concat_ws(BIGINT, TEXT) does not exist");
}

UNIT_TEST(func_text_misc)
{
	setup();
	CHECK_STR(ev("starts_with", 2, vt("hello"), vt("he")), "true");
	CHECK_STR(ev("starts_with", 2, vt("he"), vt("hello")), "false");
	CHECK_STR(ev("starts_with", 2, vt("abc"), vt("")), "true");
	CHECK(last_is(T_BOOL, 0, 0));
	CHECK_STR(ev("ends_with", 2, vt("hello"), vt("lo")), "true");
	CHECK_STR(ev("ends_with", 2, vt("lo"), vt("hello")), "false");
	CHECK_STR(ev("contains", 2, vt("hello"), vt("ell")), "true");
	CHECK_STR(ev("contains", 2, vt("hello"), vt("elo")), "false");
	CHECK_STR(ev("contains", 2, vt(""), vt("")), "true");

	CHECK_STR(ev("left", 2, vt("h\xc3\xa9llo"), vi(2)), "h\xc3\xa9");
	CHECK_STR(ev("left", 2, vt("hello"), vi(-2)), "hel");
	CHECK_STR(ev("left", 2, vt("hi"), vi(INT64_MIN)), "");
	CHECK_STR(ev("left", 2, vt("hi"), vi(INT64_MAX)), "hi");
	CHECK_STR(ev("left", 2, vt("hi"), vi(0)), "");
	CHECK_STR(ev("right", 2, vt("hello"), vi(2)), "lo");
	CHECK_STR(ev("right", 2, vt("hello"), vi(-2)), "llo");
	CHECK_STR(ev("right", 2, vt("h\xc3\xa9llo"), vi(4)), "\xc3\xa9llo");
	CHECK_STR(ev("right", 2, vt("hi"), vi(INT64_MIN)), "");
	CHECK_STR(ev("right", 2, vt("hi"), vi(INT64_MAX)), "hi");
	CHECK_STR(ev("right", 2, vt("hi"), vi(0)), "");

	CHECK_STR(ev("reverse", 1, vt("h\xc3\xa9llo\xf0\x9f\x98\x80")),
	    "\xf0\x9f\x98\x80oll\xc3\xa9h");
	CHECK_STR(ev("reverse", 1, vt("")), "");

	CHECK_STR(ev("repeat", 2, vt("ab"), vi(3)), "ababab");
	CHECK_STR(ev("repeat", 2, vt("ab"), vi(0)), "");
	CHECK_STR(ev("repeat", 2, vt("ab"), vi(-1)), "");
	CHECK_STR(ev("repeat", 2, vt("ab"), vi(INT64_MIN)), "");
	CHECK_STR(ev("repeat", 2, vt(""), vi(INT64_MAX)), "");
	CHECK_STR(ev("repeat", 2, vt("ab"), vi(INT64_MAX)),
	    "error: repeat: result would be larger than 1 GiB");
	CHECK_STR(ev("repeat", 2, vt("ab"), vi((1 << 29) + 1)),
	    "error: repeat: result would be larger than 1 GiB");

	CHECK_STR(ev("ascii", 1, vt("A")), "65");
	CHECK(last_is(T_INT, 0, 0));
	CHECK_STR(ev("ascii", 1, vt("\xc3\xa9t\xc3\xa9")), "233");
	CHECK_STR(ev("ascii", 1, vt("")), "0");
	CHECK_STR(ev("chr", 1, vi(65)), "A");
	CHECK_STR(ev("chr", 1, vi32(0x20ac)), "\xe2\x82\xac");
	CHECK_STR(ev("chr", 1, vi(0x1f600)), "\xf0\x9f\x98\x80");
	CHECK_STR(ev("chr", 1, vi(0)), "error: chr: invalid code point 0");
	CHECK_STR(ev("chr", 1, vi(0xd800)),
	    "error: chr: invalid code point 55296");
	CHECK_STR(ev("chr", 1, vi(0x110000)),
	    "error: chr: invalid code point 1114112");
	CHECK_STR(ev("chr", 1, vi(INT64_MIN)),
	    "error: chr: invalid code point -9223372036854775808");
}

UNIT_TEST(func_regexp)
{
	char pat[32];
	int i;

	setup();
	CHECK_STR(ev("regexp_matches", 2, vt("hello"), vt("l+")), "true");
	CHECK_STR(ev("regexp_matches", 2, vt("hello"), vt("^l")), "false");
	CHECK_STR(ev("regexp_matches", 2, vt("HELLO"), vt("hel")), "false");
	CHECK_STR(ev("regexp_matches", 3, vt("HELLO"), vt("hel"), vt("i")),
	    "true");
	CHECK_STR(ev("regexp_matches", 3, vt("HELLO"), vt("hel"), vt("ic")),
	    "false");
	CHECK_STR(ev("regexp_matches", 2, vt(""), vt("^$")), "true");
	CHECK_STR(ev("regexp_matches", 2, vt("a\nb"), vt("^b")), "false");
	CHECK_STR(ev("regexp_matches", 3, vt("a\nb"), vt("^b"), vt("n")),
	    "true");
	/* NUL bytes in the subject do not end it */
	CHECK_STR(ev("regexp_matches", 2, vtn("a\0b", 3), vt("b$")), "true");
	CHECK(starts(ev("regexp_matches", 2, vt("x"), vt("(")),
	    "error: regexp_matches: invalid regular expression '(': "));
	CHECK_STR(ev("regexp_matches", 2, vt("x"), vtn("a\0", 2)),
	    "error: regexp_matches: the pattern contains a NUL byte");
	CHECK_STR(ev("regexp_matches", 3, vt("x"), vt("x"), vt("q")),
	    "error: regexp_matches: invalid flags 'q'");
	CHECK_STR(ev("regexp_matches", 3, vt("x"), vt("x"), vt("g")),
	    "error: regexp_matches: invalid flags 'g'");

	CHECK_STR(ev("regexp_replace", 3, vt("hello"), vt("l"), vt("L")),
	    "heLlo");
	CHECK_STR(ev("regexp_replace", 4, vt("hello"), vt("l"), vt("L"),
	    vt("g")), "heLLo");
	CHECK_STR(ev("regexp_replace", 4, vt("abc"), vt("x*"), vt("-"),
	    vt("g")), "-a-b-c-");
	CHECK_STR(ev("regexp_replace", 4, vt("abc"), vt("b*"), vt("-"),
	    vt("g")), "-a--c-");
	CHECK_STR(ev("regexp_replace", 4, vt(""), vt("x*"), vt("-"),
	    vt("g")), "-");
	CHECK_STR(ev("regexp_replace", 3, vt("john smith"),
	    vt("([a-z]+) ([a-z]+)"), vt("\\2 \\1 \\0 \\& \\\\ \\9")),
	    "smith john john smith john smith \\ ");
	CHECK_STR(ev("regexp_replace", 4, vt("aAa"), vt("a"), vt("x"),
	    vt("gi")), "xxx");
	CHECK_STR(ev("regexp_replace", 3, vt("h\xc3\xa9llo"), vt("\xc3\xa9"),
	    vt("e")), "hello");
	CHECK_STR(ev("regexp_replace", 3, vt("abc"), vt("z"), vt("y")), "abc");
	CHECK_STR(ev("regexp_replace", 4, vt("abc"), vt("b"), vt("y"),
	    vt("x")), "error: regexp_replace: invalid flags 'x'");
	CHECK(starts(ev("regexp_replace", 3, vt("x"), vt("a{2,1}"), vt("")),
	    "error: regexp_replace: invalid regular expression 'a{2,1}': "));

	CHECK_STR(ev("regexp_extract", 2, vt("abc123def"), vt("[0-9]+")),
	    "123");
	CHECK_STR(ev("regexp_extract", 3, vt("key=val"), vt("(.*)=(.*)"),
	    vi(2)), "val");
	CHECK_STR(ev("regexp_extract", 2, vt("abc"), vt("[0-9]+")), "");
	CHECK_STR(ev("regexp_extract", 3, vt("abc"), vt("(a)"), vi(2)),
	    "error: regexp_extract: no group 2 in the pattern");
	CHECK_STR(ev("regexp_extract", 3, vt("abc"), vt("(a)"), vi(-1)),
	    "error: regexp_extract: no group -1 in the pattern");

	/* more patterns than the cache holds, twice over */
	for (i = 0; i < 40; i++) {
		snprintf(pat, sizeof(pat), "^a{%d}$", i % 20 + 1);
		CHECK_STR(ev("regexp_matches", 2, vt("aaaaa"), vt(pat)),
		    i % 20 == 4 ? "true" : "false");
	}
}

UNIT_TEST(func_abs_round)
{
	setup();
	CHECK_STR(ev("abs", 1, vi32(-5)), "5");
	CHECK(last_is(T_INT, 0, 0));
	CHECK_STR(ev("abs", 1, vi32(INT32_MIN)),
	    "error: abs: INTEGER out of range");
	CHECK_STR(ev("abs", 1, vi(INT64_MIN + 1)), "9223372036854775807");
	CHECK_STR(ev("abs", 1, vi(INT64_MIN)),
	    "error: abs: BIGINT out of range");
	CHECK_STR(ev("abs", 1, vd(-2.5)), "2.5");
	CHECK_STR(ev("abs", 1, vdec(-150, 5, 2)), "1.50");
	CHECK(last_is(T_DECIMAL, 5, 2));

	CHECK_STR(ev("round", 1, vd(2.5)), "3");
	CHECK_STR(ev("round", 1, vd(-2.5)), "-3");
	CHECK(last_is(T_DOUBLE, 0, 0));
	CHECK_STR(ev("round", 2, vd(1.2345), vi(2)), "1.23");
	CHECK_STR(ev("round", 2, vd(1234.5), vi(-2)), "1200");
	CHECK_STR(ev("round", 2, vd(2.5), vi(INT64_MAX)), "2.5");
	CHECK_STR(ev("round", 2, vd(2.5), vi(INT64_MIN)), "0");
	CHECK_STR(ev("round", 1, vdec(15, 2, 1)), "2");
	CHECK(last_is(T_DECIMAL, 2, 0));
	CHECK_STR(ev("round", 1, vdec(-15, 2, 1)), "-2");
	CHECK_STR(ev("round", 1, vdec(-14, 2, 1)), "-1");
	CHECK_STR(ev("round", 1, vdec(999, 3, 1)), "100");
	CHECK(last_is(T_DECIMAL, 3, 0));
	CHECK_STR(ev("round", 2, vdec(12345, 10, 4), vi(2)), "1.2300");
	CHECK(last_is(T_DECIMAL, 11, 4));
	CHECK_STR(ev("round", 2, vdec(995, 3, 2), vi(1)), "10.00");
	CHECK_STR(ev("round", 2, vdec(12345, 10, 4), vi(9)), "1.2345");
	CHECK_STR(ev("round", 2, vdec(12345, 10, 4), vi(-1)), "0.0000");
	CHECK_STR(ev("round", 2, vdec(62345, 10, 4), vi(-1)), "10.0000");
	CHECK_STR(ev("round", 2, vdec(12345, 10, 4), vi(INT64_MIN)), "0.0000");
	CHECK_STR(ev("round", 2, vdec(sql_pow10(38) - 1, 38, 0), vi(-1)),
	    "error: round: DECIMAL(38,0) out of range");
	CHECK_STR(ev("round", 2, vdec(sql_pow10(37) * 5, 38, 0), vi(-38)),
	    "error: round: DECIMAL(38,0) out of range");
	CHECK_STR(ev("round", 2, vdec(sql_pow10(37) * 4, 38, 0), vi(-38)),
	    "0");
	CHECK_STR(ev("round", 2, vi(1234), vi(-2)), "1200");
	CHECK_STR(ev("round", 2, vi(1250), vi(-2)), "1300");
	CHECK_STR(ev("round", 2, vi(-1250), vi(-2)), "-1300");
	CHECK_STR(ev("round", 2, vi(5), vi(3)), "5");
	CHECK_STR(ev("round", 2, vi(INT64_MAX), vi(-1)),
	    "error: round: BIGINT out of range");
	CHECK_STR(ev("round", 2, vi32(INT32_MAX), vi(-1)),
	    "error: round: INTEGER out of range");
	CHECK_STR(ev("round", 2, vi(INT64_MAX), vi(-40)), "0");
	CHECK_STR(ev("round", 2, vi(INT64_MIN), vi(INT64_MIN)), "0");
	CHECK_STR(ev("round", 1, vi(INT64_MIN)), "-9223372036854775808");

	CHECK_STR(ev("floor", 1, vd(-1.5)), "-2");
	CHECK_STR(ev("ceil", 1, vd(-1.5)), "-1");
	CHECK_STR(ev("ceiling", 1, vd(1.2)), "2");
	CHECK_STR(ev("floor", 1, vdec(-150, 3, 2)), "-2");
	CHECK(last_is(T_DECIMAL, 2, 0));
	CHECK_STR(ev("ceil", 1, vdec(101, 3, 2)), "2");
	CHECK_STR(ev("ceil", 1, vdec(-101, 3, 2)), "-1");
	CHECK_STR(ev("floor", 1, vdec(-1, 2, 2)), "-1");
	CHECK(last_is(T_DECIMAL, 1, 0));
	CHECK_STR(ev("floor", 1, vi32(7)), "7");
	CHECK(last_is(T_INT, 0, 0));
	CHECK_STR(ev("trunc", 1, vd(-1.7)), "-1");
	CHECK_STR(ev("trunc", 1, vdec(-175, 3, 2)), "-1");
	CHECK(last_is(T_DECIMAL, 1, 0));
	CHECK_STR(ev("trunc", 2, vdec(1789, 4, 3), vi(1)), "1.700");
	CHECK(last_is(T_DECIMAL, 4, 3));
	CHECK_STR(ev("trunc", 2, vd(-1.789), vi(2)), "-1.78");
	CHECK_STR(ev("trunc", 2, vi(-1789), vi(-2)), "-1700");
}

UNIT_TEST(func_math)
{
	struct sql_val out, none[1];
	double r1, r2;

	setup();
	CHECK_STR(ev("sqrt", 1, vi32(16)), "4");
	CHECK(last_is(T_DOUBLE, 0, 0));
	CHECK_STR(ev("sqrt", 1, vdec(225, 5, 2)), "1.5");
	CHECK_STR(ev("sqrt", 1, vd(-1)),
	    "error: cannot take the square root of a negative number");
	CHECK_STR(ev("cbrt", 1, vd(-27)), "-3");
	CHECK_STR(ev("exp", 1, vi(0)), "1");
	CHECK_STR(ev("ln", 1, vd(1)), "0");
	CHECK_STR(ev("ln", 1, vd(0)),
	    "error: cannot take the logarithm of zero");
	CHECK_STR(ev("ln", 1, vd(-1)),
	    "error: cannot take the logarithm of a negative number");
	CHECK_STR(ev("log", 1, vi(100)), "2");
	CHECK_STR(ev("log", 2, vi(2), vi(8)), "3");
	CHECK_STR(ev("log", 2, vi(1), vi(8)),
	    "error: log: base 1 gives a division by zero");
	CHECK_STR(ev("log", 2, vi(2), vi(0)),
	    "error: cannot take the logarithm of zero");
	CHECK_STR(ev("log10", 1, vd(1000)), "3");
	CHECK_STR(ev("log2", 1, vd(8)), "3");
	CHECK_STR(ev("power", 2, vi(2), vi(10)), "1024");
	CHECK_STR(ev("pow", 2, vd(4), vd(0.5)), "2");
	CHECK_STR(ev("sin", 1, vd(0)), "0");
	CHECK_STR(ev("cos", 1, vd(0)), "1");
	CHECK_STR(ev("tan", 1, vd(0)), "0");
	CHECK_STR(ev("asin", 1, vd(1)), "1.5707963267949");
	CHECK_STR(ev("acos", 1, vd(1)), "0");
	CHECK_STR(ev("asin", 1, vd(2)),
	    "error: asin: argument 2 is not between -1 and 1");
	CHECK_STR(ev("atan", 1, vd(0)), "0");
	CHECK_STR(ev("atan2", 2, vd(1), vd(1)), "0.785398163397448");
	CHECK_STR(ev("degrees", 1, vd(M_PI)), "180");
	CHECK_STR(ev("radians", 1, vi(180)), "3.14159265358979");
	CHECK_STR(ev("pi", 0), "3.14159265358979");

	CHECK_STR(ev("mod", 2, vi32(7), vi32(3)), "1");
	CHECK(last_is(T_INT, 0, 0));
	CHECK_STR(ev("mod", 2, vi(-7), vi32(3)), "-1");
	CHECK(last_is(T_BIGINT, 0, 0));
	CHECK_STR(ev("mod", 2, vi(7), vi(-3)), "1");
	CHECK_STR(ev("mod", 2, vi(7), vi(0)), "error: mod: division by zero");
	CHECK_STR(ev("mod", 2, vi(INT64_MIN), vi(-1)), "0");
	CHECK_STR(ev("mod", 2, vd(7.5), vi(2)), "1.5");
	CHECK_STR(ev("mod", 2, vd(7.5), vd(0)),
	    "error: mod: division by zero");
	CHECK_STR(ev("mod", 2, vdec(750, 3, 2), vi32(2)), "1.50");
	CHECK(last_is(T_DECIMAL, 12, 2));
	CHECK_STR(ev("mod", 2, vdec(750, 3, 2), vdec(0, 3, 1)),
	    "error: mod: division by zero");

	CHECK_STR(ev("sign", 1, vi(-3)), "-1");
	CHECK(last_is(T_INT, 0, 0));
	CHECK_STR(ev("sign", 1, vi(0)), "0");
	CHECK_STR(ev("sign", 1, vd(2.5)), "1");
	CHECK_STR(ev("sign", 1, vd(NAN)), "0");
	CHECK_STR(ev("sign", 1, vdec(-1, 38, 38)), "-1");

	CHECK_STR(ev("isnan", 1, vd(NAN)), "true");
	CHECK_STR(ev("isnan", 1, vi(1)), "false");
	CHECK_STR(ev("isinf", 1, vd(-INFINITY)), "true");
	CHECK_STR(ev("isinf", 1, vd(1e308)), "false");
	CHECK_STR(ev("isfinite", 1, vd(INFINITY)), "false");
	CHECK_STR(ev("isfinite", 1, vd(0)), "true");

	CHECK(call("random", none, 0, &out) == 0);
	r1 = out.u.d;
	CHECK(call("random", none, 0, &out) == 0);
	r2 = out.u.d;
	CHECK(r1 >= 0 && r1 < 1 && r2 >= 0 && r2 < 1 && r1 != r2);
	cx.rng = 42;
	CHECK(call("random", none, 0, &out) == 0 && out.u.d == r1);
}

UNIT_TEST(func_greatest_least)
{
	setup();
	CHECK_STR(ev("greatest", 3, vi32(1), vi32(5), vi32(3)), "5");
	CHECK(last_is(T_INT, 0, 0));
	CHECK_STR(ev("greatest", 3, vi32(1), vnull(), vi32(3)), "3");
	CHECK_STR(ev("least", 3, vnull(), vi32(4), vi32(3)), "3");
	CHECK_STR(ev("greatest", 2, vnull(), vnull()), "NULL");
	CHECK_STR(ev("least", 2, vi32(1), vd(2.5)), "1");
	CHECK(last_is(T_DOUBLE, 0, 0));
	CHECK_STR(ev("greatest", 2, vd(1), vd(NAN)), "nan");
	CHECK_STR(ev("least", 2, vd(NAN), vd(1)), "1");
	CHECK_STR(ev("greatest", 2, vdec(150, 3, 2), vi32(1)), "1.50");
	CHECK(last_is(T_DECIMAL, 12, 2));
	CHECK_STR(ev("greatest", 2, vi(INT64_MIN), vi(INT64_MAX)),
	    "9223372036854775807");
	CHECK_STR(ev("greatest", 3, vt("apple"), vt("b"), vt("ab")), "b");
	CHECK_STR(ev("least", 3, vt("apple"), vt("b"), vt("")), "");
	CHECK_STR(ev("least", 2, vt("ab"), vt("a")), "a");
	CHECK_STR(ev("greatest", 2, vdate(2024, 2, 29),
	    vts(2024, 2, 29, 0, 0, 1, 0)), "2024-02-29 00:00:01");
	CHECK(last_is(T_TIMESTAMP, 0, 0));
	CHECK_STR(ev("least", 2, vdate(2024, 2, 29), vdate(1969, 7, 20)),
	    "1969-07-20");
	CHECK_STR(ev("greatest", 2, vb(0), vb(1)), "true");
	CHECK_STR(ev("greatest", 1, vi32(7)), "7");
	CHECK_STR(ev("greatest", 2, vinterval(1, 0, 0), vinterval(2, 0, 0)),
	    "error: function greatest(INTERVAL, INTERVAL) does not exist");
}

UNIT_TEST(func_date_part)
{
	struct sql_val leap = vdate(2024, 2, 29);
	struct sql_val ts = vts(2021, 8, 3, 11, 59, 44, 123456);
	/* 1969-12-31 23:59:59.5 */
	struct sql_val pre = vint_as(T_TIMESTAMP, -500000);

	setup();
	CHECK_STR(ev("date_part", 2, vt("year"), leap), "2024");
	CHECK(last_is(T_BIGINT, 0, 0));
	CHECK_STR(ev("date_part", 2, vt("YEAR"), leap), "2024");
	CHECK_STR(ev("date_part", 2, vt("quarter"), leap), "1");
	CHECK_STR(ev("date_part", 2, vt("month"), leap), "2");
	CHECK_STR(ev("date_part", 2, vt("day"), leap), "29");
	CHECK_STR(ev("date_part", 2, vt("dow"), leap), "4");
	CHECK_STR(ev("date_part", 2, vt("isodow"), leap), "4");
	CHECK_STR(ev("date_part", 2, vt("doy"), leap), "60");
	CHECK_STR(ev("date_part", 2, vt("week"), leap), "9");
	CHECK_STR(ev("date_part", 2, vt("epoch"), leap), "1709164800");
	CHECK_STR(ev("date_part", 2, vt("hour"), leap), "0");
	CHECK_STR(ev("date_part", 2, vt("doy"), vdate(2024, 12, 31)), "366");
	CHECK_STR(ev("date_part", 2, vt("doy"), vdate(2023, 12, 31)), "365");

	CHECK_STR(ev("date_part", 2, vt("hour"), ts), "11");
	CHECK_STR(ev("date_part", 2, vt("minute"), ts), "59");
	CHECK_STR(ev("date_part", 2, vt("second"), ts), "44");
	CHECK_STR(ev("date_part", 2, vt("millisecond"), ts), "44123");
	CHECK_STR(ev("date_part", 2, vt("microsecond"), ts), "44123456");
	CHECK_STR(ev("date_part", 2, vt("epoch"), ts), "1627991984");
	CHECK_STR(ev("datepart", 2, vt("ms"), ts), "44123");

	CHECK_STR(ev("date_part", 2, vt("year"), pre), "1969");
	CHECK_STR(ev("date_part", 2, vt("day"), pre), "31");
	CHECK_STR(ev("date_part", 2, vt("second"), pre), "59");
	CHECK_STR(ev("date_part", 2, vt("microsecond"), pre), "59500000");
	CHECK_STR(ev("date_part", 2, vt("epoch"), pre), "-1");
	CHECK_STR(ev("date_part", 2, vt("dow"), vdate(1900, 1, 1)), "1");
	CHECK_STR(ev("date_part", 2, vt("dow"), vdate(1969, 12, 28)), "0");
	CHECK_STR(ev("date_part", 2, vt("isodow"), vdate(1969, 12, 28)), "7");
	CHECK_STR(ev("date_part", 2, vt("epoch"), vdate(1969, 12, 31)),
	    "-86400");
	CHECK_STR(ev("date_part", 2, vt("month"), vdate(1, 1, 1)), "1");

	/* ISO weeks at year ends */
	CHECK_STR(ev("date_part", 2, vt("week"), vdate(2021, 1, 1)), "53");
	CHECK_STR(ev("date_part", 2, vt("isoyear"), vdate(2021, 1, 1)),
	    "2020");
	CHECK_STR(ev("date_part", 2, vt("week"), vdate(2024, 12, 30)), "1");
	CHECK_STR(ev("date_part", 2, vt("isoyear"), vdate(2024, 12, 30)),
	    "2025");

	CHECK_STR(ev("date_part", 2, vt("decade"), vdate(2024, 1, 1)), "202");
	CHECK_STR(ev("date_part", 2, vt("century"), vdate(2000, 1, 1)), "20");
	CHECK_STR(ev("date_part", 2, vt("century"), vdate(2001, 1, 1)), "21");
	CHECK_STR(ev("date_part", 2, vt("millennium"), vdate(2000, 1, 1)),
	    "2");
	CHECK_STR(ev("date_part", 2, vt("millennium"), vdate(2001, 1, 1)),
	    "3");

	CHECK_STR(ev("date_part", 2, vt("year"), vinterval(14, 3, 0)), "1");
	CHECK_STR(ev("date_part", 2, vt("month"), vinterval(14, 3, 0)), "2");
	CHECK_STR(ev("date_part", 2, vt("day"), vinterval(14, 3, 0)), "3");
	CHECK_STR(ev("date_part", 2, vt("hour"),
	    vinterval(0, 0, 25 * 3600000000LL)), "25");
	CHECK_STR(ev("date_part", 2, vt("epoch"), vinterval(0, 1, 1500000)),
	    "86401");
	CHECK_STR(ev("date_part", 2, vt("epoch"), vinterval(12, 0, 0)),
	    "31557600");
	CHECK_STR(ev("date_part", 2, vt("dow"), vinterval(1, 0, 0)),
	    "error: date_part: field 'dow' does not apply to an INTERVAL");

	CHECK_STR(ev("date_part", 2, vt("fortnight"), leap),
	    "error: date_part: unknown field 'fortnight'");
	CHECK_STR(ev("date_part", 2, vt(""), leap),
	    "error: date_part: unknown field ''");

	CHECK_STR(ev("year", 1, leap), "2024");
	CHECK_STR(ev("quarter", 1, vdate(2024, 11, 1)), "4");
	CHECK_STR(ev("month", 1, ts), "8");
	CHECK_STR(ev("week", 1, leap), "9");
	CHECK_STR(ev("weekofyear", 1, leap), "9");
	CHECK_STR(ev("day", 1, ts), "3");
	CHECK_STR(ev("dayofmonth", 1, ts), "3");
	CHECK_STR(ev("dayofweek", 1, leap), "4");
	CHECK_STR(ev("dayofyear", 1, leap), "60");
	CHECK_STR(ev("isodow", 1, vdate(2024, 3, 3)), "7");
	CHECK_STR(ev("isoyear", 1, vdate(2021, 1, 3)), "2020");
	CHECK_STR(ev("hour", 1, ts), "11");
	CHECK_STR(ev("minute", 1, ts), "59");
	CHECK_STR(ev("second", 1, ts), "44");
	CHECK_STR(ev("millisecond", 1, ts), "44123");
	CHECK_STR(ev("microsecond", 1, ts), "44123456");
	CHECK_STR(ev("year", 1, vinterval(25, 0, 0)), "2");
	CHECK_STR(ev("year", 1, vt("2024-03-01")), "2024");
	CHECK(starts(ev("year", 1, vt("nonsense")), "error: "));
}

UNIT_TEST(func_date_trunc)
{
	struct sql_val ts = vts(2021, 8, 3, 11, 59, 44, 123456);

	setup();
	CHECK_STR(ev("date_trunc", 2, vt("month"), vdate(2024, 2, 29)),
	    "2024-02-01");
	CHECK(last_is(T_DATE, 0, 0));
	CHECK_STR(ev("date_trunc", 2, vt("week"), vdate(2024, 2, 29)),
	    "2024-02-26");
	CHECK_STR(ev("date_trunc", 2, vt("week"), vdate(2024, 2, 26)),
	    "2024-02-26");
	CHECK_STR(ev("date_trunc", 2, vt("week"), vdate(2024, 3, 3)),
	    "2024-02-26");
	CHECK_STR(ev("date_trunc", 2, vt("quarter"), vdate(2024, 5, 15)),
	    "2024-04-01");
	CHECK_STR(ev("date_trunc", 2, vt("year"), vdate(2024, 5, 15)),
	    "2024-01-01");
	CHECK_STR(ev("date_trunc", 2, vt("decade"), vdate(2024, 5, 15)),
	    "2020-01-01");
	CHECK_STR(ev("date_trunc", 2, vt("century"), vdate(2024, 5, 15)),
	    "2000-01-01");
	CHECK_STR(ev("date_trunc", 2, vt("millennium"), vdate(2024, 5, 15)),
	    "2000-01-01");
	CHECK_STR(ev("date_trunc", 2, vt("isoyear"), vdate(2021, 1, 1)),
	    "2019-12-30");
	CHECK_STR(ev("date_trunc", 2, vt("day"), vdate(1960, 5, 15)),
	    "1960-05-15");
	CHECK_STR(ev("date_trunc", 2, vt("hour"), vdate(1960, 5, 15)),
	    "1960-05-15");
	CHECK_STR(ev("date_trunc", 2, vt("decade"), vdate(5, 5, 5)),
	    "error: date_trunc: result out of range");
	CHECK_STR(ev("date_trunc", 2, vt("dow"), vdate(2024, 5, 15)),
	    "error: date_trunc: cannot truncate to field 'dow'");
	CHECK_STR(ev("date_trunc", 2, vt("fortnight"), vdate(2024, 5, 15)),
	    "error: date_trunc: unknown field 'fortnight'");

	CHECK_STR(ev("date_trunc", 2, vt("hour"), ts), "2021-08-03 11:00:00");
	CHECK(last_is(T_TIMESTAMP, 0, 0));
	CHECK_STR(ev("date_trunc", 2, vt("minute"), ts), "2021-08-03 11:59:00");
	CHECK_STR(ev("date_trunc", 2, vt("second"), ts), "2021-08-03 11:59:44");
	CHECK_STR(ev("date_trunc", 2, vt("millisecond"), ts),
	    "2021-08-03 11:59:44.123000");
	CHECK_STR(ev("date_trunc", 2, vt("microsecond"), ts),
	    "2021-08-03 11:59:44.123456");
	CHECK_STR(ev("date_trunc", 2, vt("day"), ts), "2021-08-03 00:00:00");
	CHECK_STR(ev("date_trunc", 2, vt("month"), ts), "2021-08-01 00:00:00");
	CHECK_STR(ev("date_trunc", 2, vt("hour"),
	    vint_as(T_TIMESTAMP, -500000)), "1969-12-31 23:00:00");
	CHECK_STR(ev("date_trunc", 2, vt("second"),
	    vint_as(T_TIMESTAMP, -500000)), "1969-12-31 23:59:59");
	CHECK_STR(ev("date_trunc", 2, vt("second"),
	    vint_as(T_TIMESTAMP, INT64_MIN)),
	    "error: date_trunc: result out of range");
	CHECK_STR(ev("date_trunc", 2, vt("year"),
	    vint_as(T_TIMESTAMP, INT64_MAX)),
	    "error: date_trunc: result out of range");
	CHECK_STR(ev("date_trunc", 2, vt("month"), vt("2024-02-29 10:00:00")),
	    "2024-02-01 00:00:00");
}

/* Our strftime against the C library's in the C locale, for the
 * conversions both define the same way, on years 1000..9999. */
static void strftime_cross_check(int64_t us)
{
	static const char fmt[] = "%Y-%m-%d %H:%M:%S %j %a %A %b %h %B %y %e "
	    "%p %I %u %w %V %G %U %W %F %T %D %R %%";
	struct tm tm;
	time_t t = (time_t)(us >= 0 ? us / 1000000 :
	    -((-us + 999999) / 1000000));
	char want[256];

	gmtime_r(&t, &tm);
	/* %y and %D are two-digit years on purpose */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-y2k"
	strftime(want, sizeof(want), fmt, &tm);
#pragma GCC diagnostic pop
	CHECK_STR(ev("strftime", 2, vint_as(T_TIMESTAMP, us), vt(fmt)), want);
}

UNIT_TEST(func_strftime)
{
	struct sql_val ts = vts(2024, 2, 29, 13, 5, 9, 12345);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int i;

	setup();
	CHECK_STR(ev("strftime", 2, ts, vt("%Y-%m-%d %H:%M:%S.%f")),
	    "2024-02-29 13:05:09.012345");
	CHECK_STR(ev("strftime", 2, ts, vt("%j|%a|%A|%b|%h|%B|%y|%e")),
	    "060|Thu|Thursday|Feb|Feb|February|24|29");
	CHECK_STR(ev("strftime", 2, ts, vt("%p %I %g %n %%")),
	    "PM 01 012 012345000 %");
	CHECK_STR(ev("strftime", 2, ts, vt("%u %w %V %G %U %W")),
	    "4 4 09 2024 08 09");
	CHECK_STR(ev("strftime", 2, ts, vt("%F %T|%D|%R")),
	    "2024-02-29 13:05:09|02/29/24|13:05");
	CHECK_STR(ev("strftime", 2, vts(2024, 3, 5, 0, 7, 0, 0),
	    vt("%e|%-d|%-m|%-H|%-I|%p|%-j")), " 5|5|3|0|12|AM|65");
	CHECK_STR(ev("strftime", 2, vts(2024, 3, 5, 12, 0, 0, 0),
	    vt("%I %p")), "12 PM");
	CHECK_STR(ev("strftime", 2, vdate(1969, 7, 20),
	    vt("%A %d %B %Y %H:%M")),
	    "Sunday 20 July 1969 00:00");
	CHECK_STR(ev("strftime", 2, vdate(5, 1, 1), vt("%Y %y %G")),
	    "0005 05 0004");
	CHECK_STR(ev("strftime", 2, vint_as(T_TIMESTAMP, -1), vt("%F %T.%f")),
	    "1969-12-31 23:59:59.999999");
	CHECK_STR(ev("strftime", 2, ts, vt("")), "");
	CHECK_STR(ev("strftime", 2, ts, vt("no conversions \xc3\xa9")),
	    "no conversions \xc3\xa9");
	CHECK_STR(ev("strftime", 2, ts, vt("%q")),
	    "error: strftime: unknown conversion '%q'");
	CHECK_STR(ev("strftime", 2, ts, vt("%\xc3")),
	    "error: strftime: unknown conversion '%\\xc3'");
	CHECK_STR(ev("strftime", 2, ts, vt("abc%")),
	    "error: strftime: the format ends in a lone '%'");
	CHECK_STR(ev("strftime", 2, ts, vt("%-")),
	    "error: strftime: the format ends in a lone '%'");
	CHECK_STR(ev("strftime", 2, vt("2024-02-29"), vt("%d.%m.%Y")),
	    "29.02.2024");
	CHECK(last_is(T_TEXT, 0, 0));
	CHECK_STR(ev("strftime", 2, vint_as(T_TIMESTAMP, INT64_MIN),
	    vt("%Y")), "-290308");

	for (i = 0; i < 2000; i++) {
		int64_t lo = -30610224000LL * 1000000;
		int64_t hi = 253402300799LL * 1000000;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		strftime_cross_check(lo + (int64_t)(x % (uint64_t)(hi - lo)));
	}
	strftime_cross_check(sql_days_from_civil(2020, 12, 31) * 86400000000LL);
	strftime_cross_check(sql_days_from_civil(2021, 1, 3) * 86400000000LL);
}

UNIT_TEST(func_make_date_diff)
{
	setup();
	CHECK_STR(ev("make_date", 3, vi(2024), vi(2), vi(29)), "2024-02-29");
	CHECK(last_is(T_DATE, 0, 0));
	CHECK_STR(ev("make_date", 3, vi(2000), vi(2), vi(29)), "2000-02-29");
	CHECK_STR(ev("make_date", 3, vi(1), vi(1), vi(1)), "0001-01-01");
	CHECK_STR(ev("make_date", 3, vi(9999), vi(12), vi(31)), "9999-12-31");
	CHECK_STR(ev("make_date", 3, vi(2023), vi(2), vi(29)),
	    "error: make_date: no date 2023-2-29");
	CHECK_STR(ev("make_date", 3, vi(1900), vi(2), vi(29)),
	    "error: make_date: no date 1900-2-29");
	CHECK_STR(ev("make_date", 3, vi(2024), vi(13), vi(1)),
	    "error: make_date: no date 2024-13-1");
	CHECK_STR(ev("make_date", 3, vi(2024), vi(4), vi(31)),
	    "error: make_date: no date 2024-4-31");
	CHECK_STR(ev("make_date", 3, vi(0), vi(1), vi(1)),
	    "error: make_date: no date 0-1-1");
	CHECK_STR(ev("make_date", 3, vi(INT64_MIN), vi(INT64_MIN),
	    vi(INT64_MIN)), "error: make_date: no date "
	    "-9223372036854775808--9223372036854775808--9223372036854775808");

	CHECK_STR(ev("date_diff", 3, vt("day"), vdate(2024, 2, 28),
	    vdate(2024, 3, 1)), "2");
	CHECK(last_is(T_BIGINT, 0, 0));
	CHECK_STR(ev("date_diff", 3, vt("day"), vdate(2024, 3, 1),
	    vdate(2024, 2, 28)), "-2");
	CHECK_STR(ev("date_diff", 3, vt("month"), vdate(2024, 1, 31),
	    vdate(2024, 2, 1)), "1");
	CHECK_STR(ev("date_diff", 3, vt("year"), vdate(2023, 12, 31),
	    vdate(2024, 1, 1)), "1");
	CHECK_STR(ev("date_diff", 3, vt("quarter"), vdate(2024, 3, 31),
	    vdate(2024, 4, 1)), "1");
	CHECK_STR(ev("date_diff", 3, vt("week"), vdate(2024, 2, 25),
	    vdate(2024, 2, 26)), "1");
	CHECK_STR(ev("date_diff", 3, vt("week"), vdate(2024, 2, 26),
	    vdate(2024, 3, 3)), "0");
	CHECK_STR(ev("date_diff", 3, vt("decade"), vdate(2019, 12, 31),
	    vdate(2020, 1, 1)), "1");
	CHECK_STR(ev("date_diff", 3, vt("hour"), vdate(2024, 2, 28),
	    vdate(2024, 3, 1)), "48");
	CHECK_STR(ev("date_diff", 3, vt("microsecond"), vdate(1970, 1, 1),
	    vdate(1970, 1, 2)), "86400000000");
	CHECK_STR(ev("date_diff", 3, vt("hour"), vts(2024, 1, 1, 10, 59, 59, 0),
	    vts(2024, 1, 1, 11, 0, 0, 0)), "1");
	CHECK_STR(ev("date_diff", 3, vt("minute"),
	    vts(2024, 1, 1, 10, 59, 59, 999999),
	    vts(2024, 1, 1, 11, 0, 0, 0)), "1");
	CHECK_STR(ev("date_diff", 3, vt("second"),
	    vint_as(T_TIMESTAMP, -1), vint_as(T_TIMESTAMP, 0)), "1");
	CHECK_STR(ev("date_diff", 3, vt("day"), vts(2024, 1, 1, 23, 59, 0, 0),
	    vts(2024, 1, 2, 0, 0, 0, 0)), "1");
	CHECK_STR(ev("date_diff", 3, vt("day"), vdate(2024, 1, 1),
	    vts(2024, 1, 2, 12, 0, 0, 0)), "1");
	CHECK_STR(ev("datediff", 3, vt("hour"), vdate(2024, 1, 1),
	    vts(2024, 1, 1, 12, 0, 0, 0)), "12");
	CHECK_STR(ev("date_diff", 3, vt("millisecond"),
	    vint_as(T_TIMESTAMP, 0), vint_as(T_TIMESTAMP, 1500)), "1");
	CHECK_STR(ev("date_diff", 3, vt("epoch"),
	    vint_as(T_TIMESTAMP, 0), vint_as(T_TIMESTAMP, 2500000)), "2");
	CHECK_STR(ev("date_diff", 3, vt("microsecond"),
	    vint_as(T_TIMESTAMP, INT64_MIN), vint_as(T_TIMESTAMP, INT64_MAX)),
	    "error: date_diff: result out of range");
	CHECK_STR(ev("date_diff", 3, vt("fortnight"), vdate(2024, 1, 1),
	    vdate(2024, 1, 1)), "error: date_diff: unknown field 'fortnight'");
	CHECK_STR(ev("date_diff", 3, vt("day"), vt("2024-01-01"),
	    vt("2024-03-01")), "60");
}

UNIT_TEST(func_now_epoch)
{
	struct sql_val none[1];
	struct sql_val out;

	setup();
	CHECK_STR(ev("current_date", 0), "2024-02-29");
	CHECK(last_is(T_DATE, 0, 0));
	CHECK_STR(ev("today", 0), "2024-02-29");
	CHECK_STR(ev("now", 0), "2024-02-29 12:34:56.789000");
	CHECK(last_is(T_TIMESTAMP, 0, 0));
	CHECK(call("current_timestamp", none, 0, &out) == 0 &&
	    out.u.i == cx.now_us);
	cx.now_us = -1;
	CHECK_STR(ev("current_date", 0), "1969-12-31");

	CHECK_STR(ev("epoch_ms", 1, vi(0)), "1970-01-01 00:00:00");
	CHECK(last_is(T_TIMESTAMP, 0, 0));
	CHECK_STR(ev("epoch_ms", 1, vi(1700000000123LL)),
	    "2023-11-14 22:13:20.123000");
	CHECK_STR(ev("epoch_ms", 1, vi32(-1)), "1969-12-31 23:59:59.999000");
	CHECK_STR(ev("epoch_ms", 1, vi(INT64_MAX)),
	    "error: epoch_ms: 9223372036854775807 is out of range");
	CHECK_STR(ev("epoch_ms", 1, vi(INT64_MIN)),
	    "error: epoch_ms: -9223372036854775808 is out of range");
	CHECK_STR(ev("epoch_ms", 1, vint_as(T_TIMESTAMP, 1700000000123456LL)),
	    "1700000000123");
	CHECK(last_is(T_BIGINT, 0, 0));
	CHECK_STR(ev("epoch_ms", 1, vint_as(T_TIMESTAMP, -1)), "-1");
	CHECK_STR(ev("epoch_ms", 1, vdate(1970, 1, 2)), "86400000");

	CHECK_STR(ev("to_timestamp", 1, vi(0)), "1970-01-01 00:00:00");
	CHECK_STR(ev("to_timestamp", 1, vd(1.5)), "1970-01-01 00:00:01.500000");
	CHECK_STR(ev("to_timestamp", 1, vd(-1)), "1969-12-31 23:59:59");
	CHECK_STR(ev("to_timestamp", 1, vd(NAN)),
	    "error: to_timestamp: nan seconds is out of range");
	CHECK_STR(ev("to_timestamp", 1, vd(1e300)),
	    "error: to_timestamp: 1e+300 seconds is out of range");
	CHECK_STR(ev("to_timestamp", 1, vd(-INFINITY)),
	    "error: to_timestamp: -inf seconds is out of range");
}

static const char doc[] = "{\"a\": {\"b\": [1, 2, {\"c\": "
    "\"x\\u00e9\\ud83d\\ude00\"}]}, \"key with space\": true, \"n\": null, "
    "\"big\": 18446744073709551615, \"neg\": -5, \"f\": 1.5e3, "
    "\"s\": \"q\\\"t\\n\\\\\\/\", \"a.b\": 7, \"a\\\"q\": 8, \"dup\": 1, "
    "\"dup\": 2, \"\": \"empty\", \"~/\": 9 }";

UNIT_TEST(func_json_extract)
{
	setup();
	CHECK_STR(ev("json_extract", 2, vt(doc), vt("$.a.b[0]")), "1");
	CHECK(last_is(T_JSON, 0, 0));
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.a.b[2]")),
	    "{\"c\":\"x\\u00e9\\ud83d\\ude00\"}");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.a")),
	    "{\"b\":[1,2,{\"c\":\"x\\u00e9\\ud83d\\ude00\"}]}");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$")),
	    "{\"a\":{\"b\":[1,2,{\"c\":\"x\\u00e9\\ud83d\\ude00\"}]},"
	    "\"key with space\":true,\"n\":null,\"big\":18446744073709551615,"
	    "\"neg\":-5,\"f\":1.5e3,\"s\":\"q\\\"t\\n\\\\\\/\",\"a.b\":7,"
	    "\"a\\\"q\":8,\"dup\":1,\"dup\":2,\"\":\"empty\",\"~/\":9}");
	CHECK_STR(ev("json_extract_string", 2, vjson(doc), vt("$.a.b[2].c")),
	    "x\xc3\xa9\xf0\x9f\x98\x80");
	CHECK(last_is(T_TEXT, 0, 0));
	CHECK_STR(ev("json_extract_string", 2, vjson(doc), vt("$.s")),
	    "q\"t\n\\/");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.s")),
	    "\"q\\\"t\\n\\\\\\/\"");
	CHECK_STR(ev("json_extract", 2, vjson(doc),
	    vt("$[\"key with space\"]")), "true");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$['key with space']")),
	    "true");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.\"a.b\"")), "7");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("a.b")), "7");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("a\"q")), "8");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("dup")), "1");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("")), "\"empty\"");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("n")), "null");
	CHECK_STR(ev("json_extract_string", 2, vjson(doc), vt("n")), "NULL");
	CHECK_STR(ev("json_extract_string", 2, vjson(doc), vt("neg")), "-5");
	CHECK_STR(ev("json_extract_string", 2, vjson(doc), vt("$.a.b")),
	    "[1,2,{\"c\":\"x\\u00e9\\ud83d\\ude00\"}]");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.zz")), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.a.b[5]")), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.a.b.c")), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.n.x")), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$[0]")), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.a.b[#-1].c")),
	    "\"x\\u00e9\\ud83d\\ude00\"");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.a.b[#-3]")), "1");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.a.b[#-4]")), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("/a/b/1")), "2");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("/~0~1")), "9");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("/a/b/01")), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson("{\"0\": 5}"), vt("/0")), "5");

	/* integer paths, as -> and ->> with a number */
	CHECK_STR(ev("json_extract", 2, vjson("[10, 20, 30]"), vi32(1)), "20");
	CHECK_STR(ev("json_extract", 2, vjson("[10, 20, 30]"), vi(-1)), "30");
	CHECK_STR(ev("json_extract", 2, vjson("[10, 20, 30]"), vi(-3)), "10");
	CHECK_STR(ev("json_extract", 2, vjson("[10, 20, 30]"), vi(-4)), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson("[10, 20, 30]"), vi(3)), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson("[10, 20, 30]"), vi(INT64_MIN)),
	    "NULL");
	CHECK_STR(ev("json_extract", 2, vjson("[10, 20, 30]"), vi(INT64_MAX)),
	    "NULL");
	CHECK_STR(ev("json_extract", 2, vjson("[]"), vi(0)), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson("[]"), vi(-1)), "NULL");
	CHECK_STR(ev("json_extract", 2, vjson("{\"0\": 1}"), vi(0)), "NULL");
	CHECK_STR(ev("json_extract_string", 2, vjson("[\"a\", \"b\"]"),
	    vi(1)), "b");

	/* bad paths are errors whatever the document */
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.")),
	    "error: json_extract: invalid JSON path '$.'");
	CHECK_STR(ev("json_extract", 2, vjson("1"), vt("$.a[")),
	    "error: json_extract: invalid JSON path '$.a['");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$[*]")),
	    "error: json_extract: invalid JSON path '$[*]'");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$.*")),
	    "error: json_extract: invalid JSON path '$.*'");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$a")),
	    "error: json_extract: invalid JSON path '$a'");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$[#-0]")),
	    "error: json_extract: invalid JSON path '$[#-0]'");
	CHECK_STR(ev("json_extract", 2, vjson(doc), vt("$[\"a]")),
	    "error: json_extract: invalid JSON path '$[\"a]'");
	CHECK_STR(ev("json_extract", 2, vjson(doc),
	    vt("$[99999999999999999999]")),
	    "error: json_extract: invalid JSON path '$[99999999999999999999]'");
	CHECK_STR(ev("json_extract_string", 2, vjson(doc), vt("/a~2")),
	    "error: json_extract_string: invalid JSON path '/a~2'");
	/* malformed text */
	CHECK_STR(ev("json_extract", 2, vt("{\"a\":"), vt("$.a")),
	    "error: json_extract: malformed JSON");
	CHECK_STR(ev("json_extract", 2, vt(""), vt("$")),
	    "error: json_extract: malformed JSON");
	CHECK_STR(ev("json_extract_string", 2, vt("\"\xff\""), vt("$")),
	    "error: json_extract_string: malformed JSON");
}

UNIT_TEST(func_json_strings)
{
	setup();
	CHECK_STR(ev("json_extract_string", 2, vjson("\"\\u0041\\u00e9\""),
	    vt("$")), "A\xc3\xa9");
	CHECK_STR(ev("json_extract_string", 2,
	    vjson("\"\\uD83D\\uDE00\\b\\f\\r\\t\""), vt("$")),
	    "\xf0\x9f\x98\x80\b\f\r\t");
	/* lone surrogates become U+FFFD */
	CHECK_STR(ev("json_extract_string", 2, vjson("\"a\\ud800b\""),
	    vt("$")), "a\xef\xbf\xbd" "b");
	CHECK_STR(ev("json_extract_string", 2, vjson("\"\\udc00\""), vt("$")),
	    "\xef\xbf\xbd");
	CHECK_STR(ev("json_extract_string", 2, vjson("\"\\ud800\\u0041\""),
	    vt("$")), "\xef\xbf\xbd" "A");
	CHECK_STR(ev("json_extract_string", 2, vjson("\"\""), vt("$")), "");
	CHECK_STR(ev("json_extract_string", 2,
	    vjson("{\"\\u00e9\": 1}"), vt("\xc3\xa9")), "1");
	CHECK_STR(ev("json_extract_string", 2, vjson("{\"k\": \"v\"}"),
	    vt("$.k")), "v");
	CHECK_STR(ev("json_extract_string", 2, vjson(" [ true , false ] "),
	    vi(1)), "false");
}

UNIT_TEST(func_json_type_length_valid)
{
	setup();
	CHECK_STR(ev("json_type", 1, vjson("{}")), "OBJECT");
	CHECK(last_is(T_TEXT, 0, 0));
	CHECK_STR(ev("json_type", 1, vjson(" [1] ")), "ARRAY");
	CHECK_STR(ev("json_type", 1, vjson("\"s\"")), "VARCHAR");
	CHECK_STR(ev("json_type", 1, vjson("true")), "BOOLEAN");
	CHECK_STR(ev("json_type", 1, vjson("false")), "BOOLEAN");
	CHECK_STR(ev("json_type", 1, vjson("null")), "NULL");
	CHECK_STR(ev("json_type", 1, vjson("-5")), "BIGINT");
	CHECK_STR(ev("json_type", 1, vjson("0")), "BIGINT");
	CHECK_STR(ev("json_type", 1, vjson("1.5")), "DOUBLE");
	CHECK_STR(ev("json_type", 1, vjson("1e3")), "DOUBLE");
	CHECK_STR(ev("json_type", 1, vjson("9223372036854775807")), "BIGINT");
	CHECK_STR(ev("json_type", 1, vjson("9223372036854775808")), "UBIGINT");
	CHECK_STR(ev("json_type", 1, vjson("-9223372036854775808")), "BIGINT");
	CHECK_STR(ev("json_type", 1, vjson("-9223372036854775809")), "DOUBLE");
	CHECK_STR(ev("json_type", 1, vjson("18446744073709551616")), "DOUBLE");
	CHECK_STR(ev("json_type", 1,
	    vjson("123456789012345678901234567890123456789012345")), "DOUBLE");
	CHECK_STR(ev("json_type", 2, vjson(doc), vt("$.a.b")), "ARRAY");
	CHECK_STR(ev("json_type", 2, vjson(doc), vt("big")), "UBIGINT");
	CHECK_STR(ev("json_type", 2, vjson(doc), vt("f")), "DOUBLE");
	CHECK_STR(ev("json_type", 2, vjson(doc), vt("zz")), "NULL");
	CHECK_STR(ev("json_type", 1, vt("{")),
	    "error: json_type: malformed JSON");

	CHECK_STR(ev("json_array_length", 1, vjson("[1,[2,3],{\"a\":[4]}]")),
	    "3");
	CHECK(last_is(T_BIGINT, 0, 0));
	CHECK_STR(ev("json_array_length", 1, vjson("[]")), "0");
	CHECK_STR(ev("json_array_length", 1, vjson("[ ]")), "0");
	CHECK_STR(ev("json_array_length", 1, vjson("{\"a\":1}")), "0");
	CHECK_STR(ev("json_array_length", 1, vjson("\"[1,2]\"")), "0");
	CHECK_STR(ev("json_array_length", 2, vjson(doc), vt("$.a.b")), "3");
	CHECK_STR(ev("json_array_length", 2, vjson(doc), vt("$.zz")), "NULL");
	CHECK_STR(ev("json_array_length", 2, vt("[1,2]"), vt("$.[")),
	    "error: json_array_length: invalid JSON path '$.['");

	CHECK_STR(ev("json_valid", 1, vt("{\"a\":1}")), "true");
	CHECK(last_is(T_BOOL, 0, 0));
	CHECK_STR(ev("json_valid", 1, vt("{a:1}")), "false");
	CHECK_STR(ev("json_valid", 1, vt("")), "false");
	CHECK_STR(ev("json_valid", 1, vt("[1,]")), "false");
	CHECK_STR(ev("json_valid", 1, vt("\"\xff\"")), "false");
	CHECK_STR(ev("json_valid", 1, vjson("1")), "true");
}

/* Documents nested far deeper than any stack would allow, truncated at
 * every length, or with bytes flipped: bounded answers, no crash. */
UNIT_TEST(func_json_hostile)
{
	enum { DEPTH = 200000 };
	char *deep = malloc(2 * DEPTH + 1), *cut;
	const char *paths[] = { "$", "$.a.b[2].c", "$.a.b[#-1]", "n", "/a/b/0",
		"$.s", "$[\"key with space\"]" };
	struct sql_val out, args[2];
	size_t len = strlen(doc), i, k;
	int rc;

	setup();
	CHECK(deep != NULL);
	if (deep == NULL)
		return;
	memset(deep, '[', DEPTH);
	memset(deep + DEPTH, ']', DEPTH);
	deep[2 * DEPTH] = '\0';
	CHECK_STR(ev("json_array_length", 1, vjson(deep)), "1");
	CHECK_STR(ev("json_extract", 2, vjson(deep), vt("$[0][0][0][1]")),
	    "NULL");
	CHECK_STR(ev("json_type", 2, vjson(deep), vt("$[0][0]")), "ARRAY");
	CHECK_STR(ev("json_extract", 2, vt(deep), vt("$[0]")),
	    "error: json_extract: malformed JSON");
	/* unbalanced: the walk runs out of text */
	deep[2 * DEPTH - 1] = '\0';
	CHECK_STR(ev("json_array_length", 1, vjson(deep)),
	    "error: json_array_length: malformed JSON");
	free(deep);

	/* every truncation of the document, as a (damaged) JSON value in an
	 * exactly-sized block so ASan sees a read past its end */
	for (i = 0; i <= len; i++) {
		cut = malloc(i + 1);
		memcpy(cut, doc, i);
		for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
			args[0] = vjson("");
			args[0].u.s.p = cut;
			args[0].u.s.n = (uint32_t)i;
			args[1] = vt(paths[k]);
			rc = call("json_extract_string", args, 2, &out);
			CHECK(rc == 0 || rc == -1);
			rc = call("json_type", args, 2, &out);
			CHECK(rc == 0 || rc == -1);
			rc = call("json_array_length", args, 1, &out);
			CHECK(rc == 0 || rc == -1);
		}
		free(cut);
		sql_arena_reset(&arena);
	}
	/* and every byte replaced by each of the structural characters */
	cut = malloc(len);
	for (i = 0; i < len; i++) {
		static const char evil[] = "\"\\{}[],: x";
		for (k = 0; k < sizeof(evil) - 1; k++) {
			memcpy(cut, doc, len);
			cut[i] = evil[k];
			args[0] = vjson("");
			args[0].u.s.p = cut;
			args[0].u.s.n = (uint32_t)len;
			args[1] = vt("$.a.b[2].c");
			rc = call("json_extract_string", args, 2, &out);
			CHECK(rc == 0 || rc == -1);
			args[1] = vt("$.s");
			rc = call("json_extract", args, 2, &out);
			CHECK(rc == 0 || rc == -1);
		}
		sql_arena_reset(&arena);
	}
	free(cut);
}

UNIT_TEST(func_typeof)
{
	setup();
	CHECK_STR(ev("typeof", 1, vi32(1)), "INTEGER");
	CHECK_STR(ev("typeof", 1, vnull()), "NULL");
	CHECK_STR(ev("typeof", 1, vdec(1, 10, 2)), "DECIMAL(10,2)");
	CHECK_STR(ev("typeof", 1, vt("")), "TEXT");
	CHECK_STR(ev("typeof", 1, vinterval(1, 2, 3)), "INTERVAL");
}

/*
 * Every function on every combination of awkward values, up to three
 * arguments: whatever the resolver accepts must give a result of the
 * resolved type or a clean error.
 */
UNIT_TEST(func_sweep)
{
	static const char big[] = "{\"a\":[1,{\"b\":\"\\u00e9\"}]}";
	struct sql_val vals[18], args[3], out;
	const struct sql_func *f;
	size_t i, nv = 0, combos, c, k;
	int n, rc, maxn, bad = 0, ok = 0, failed = 0;

	setup();
	vals[nv++] = vt("");
	vals[nv++] = vt("h\xc3\xa9llo\xff");
	vals[nv++] = vt("%Y-%-d %");
	vals[nv++] = vt("$.a[1].b");
	vals[nv++] = vjson(big);
	vals[nv++] = vi32(0);
	vals[nv++] = vi32(-1);
	vals[nv++] = vi(INT64_MIN);
	vals[nv++] = vi(INT64_MAX);
	vals[nv++] = vd(NAN);
	vals[nv++] = vd(-INFINITY);
	vals[nv++] = vdec(sql_pow10(38) - 1, 38, 10);
	vals[nv++] = vdate(1, 1, 1);
	vals[nv++] = vint_as(T_TIMESTAMP, INT64_MIN);
	vals[nv++] = vb(1);
	vals[nv++] = vnull();
	/* not INT64_MIN µs: value.c's interval text negates it */
	vals[nv++] = vinterval(-7, 3, INT64_MIN + 1);
	vals[nv++] = vt("day");
	for (i = 0; (f = sql_func_at(i)) != NULL; i++) {
		maxn = f->maxargs < 0 || f->maxargs > 3 ? 3 : f->maxargs;
		for (n = f->minargs; n <= maxn; n++) {
			for (combos = 1, k = 0; k < (size_t)n; k++)
				combos *= nv;
			for (c = 0; c < combos; c++) {
				size_t x = c;
				for (k = 0; k < (size_t)n; k++) {
					args[k] = vals[x % nv];
					x /= nv;
				}
				rc = call(f->name, args, n, &out);
				ok += rc == 0;
				failed += rc == -1;
				if (rc != 0 && rc != -1) {
					if (bad++ < 10)
						printf("#   %s/%d #%zu: %d\n",
						    f->name, n, c, rc);
				}
				if (rc == -1 && cx.err.msg[0] == '\0' &&
				    bad++ < 10)
					printf("#   %s/%d #%zu: no error\n",
					    f->name, n, c);
				sql_arena_reset(&arena);
			}
		}
	}
	CHECK(bad == 0);
	/* both outcomes happen often, so the sweep reaches the kernels */
	CHECK(ok > 10000 && failed > 10000);
	sql_arena_release(&arena);
	sql_arena_init(&arena);
}
