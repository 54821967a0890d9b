/*
 * value.c - values of the SQL engine: the arena, vectors, casts, text,
 * comparison, decimals, dates and intervals.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/conv.h"
#include "sql/sql.h"

/* ---- arena ---- */

struct sql_arena_blk {
	struct sql_arena_blk *next;
	size_t cap, used;
	_Alignas(16) unsigned char data[];
};

#define ARENA_BLK (64 * 1024)

void sql_arena_init(struct sql_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void sql_arena_release(struct sql_arena *a)
{
	struct sql_arena_blk *b = a->head, *n;

	for (; b != NULL; b = n) {
		n = b->next;
		free(b);
	}
	a->head = NULL;
	a->used = 0;
}

void sql_arena_adopt(struct sql_arena *dst, struct sql_arena *src)
{
	struct sql_arena_blk *b = src->head;

	if (b == NULL)
		return;
	if (dst->head == NULL) {
		dst->head = b;
	} else {
		/* behind dst's current block, which keeps serving */
		struct sql_arena_blk *last = b;
		while (last->next != NULL)
			last = last->next;
		last->next = dst->head->next;
		dst->head->next = b;
	}
	dst->used += src->used;
	src->head = NULL;
	src->used = 0;
}

/* Keep the first (newest) normal-sized block, free the rest. */
void sql_arena_reset(struct sql_arena *a)
{
	struct sql_arena_blk *b = a->head, *keep = NULL, *n;

	for (; b != NULL; b = n) {
		n = b->next;
		if (keep == NULL && b->cap == ARENA_BLK) {
			keep = b;
			continue;
		}
		free(b);
	}
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
	a->used = 0;
}

void *sql_arena_alloc(struct sql_arena *a, size_t n)
{
	struct sql_arena_blk *b = a->head;
	size_t need = (n + 15) & ~(size_t)15;

	if (need < n)
		return NULL;
	if (b == NULL || b->cap - b->used < need) {
		size_t cap = need > ARENA_BLK / 4 ? need : ARENA_BLK;
		struct sql_arena_blk *nb = malloc(sizeof(*nb) + cap);

		if (nb == NULL)
			return NULL;
		nb->cap = cap;
		nb->used = 0;
		if (cap != ARENA_BLK && b != NULL) {
			/* A big one-off block goes behind the current one so the
			 * current block keeps serving small requests. */
			nb->next = b->next;
			b->next = nb;
			nb->used = need;
			a->used += need;
			return nb->data;
		}
		nb->next = b;
		a->head = b = nb;
	}
	b->used += need;
	a->used += need;
	return b->data + b->used - need;
}

char *sql_arena_strdup(struct sql_arena *a, const char *p, size_t n)
{
	char *s = sql_arena_alloc(a, n + 1);

	if (s == NULL)
		return NULL;
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

int sql_arena_grow(struct sql_arena *a, void *p, int n, int *cap,
    size_t size, int min)
{
	void *old, *nv;
	int nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : min;
	if ((nv = sql_arena_alloc(a, size * (size_t)nc)) == NULL)
		return -1;
	memcpy(&old, p, sizeof(old));
	if (n > 0)
		memcpy(nv, old, size * (size_t)n);
	memcpy(p, &nv, sizeof(nv));
	*cap = nc;
	return 0;
}

int sql_error(struct sql_ctx *cx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cx->err.msg, sizeof(cx->err.msg), fmt, ap);
	va_end(ap);
	cx->err.code = RDB_ESQL;
	return RDB_ESQL;
}

const char *sql_type_name(struct sql_type t, char *buf, size_t n)
{
	switch (t.id) {
	case T_NULL:
		return "NULL";
	case T_INTERVAL:
		return "INTERVAL";
	case T_DECIMAL:
		snprintf(buf, n, "DECIMAL(%d,%d)", t.prec, t.scale);
		return buf;
	default:
		return rdb_type_name((enum rdb_type)t.id);
	}
}

/* ---- vectors ---- */

static size_t width(int id)
{
	if (id == T_DOUBLE)
		return sizeof(double);
	if (id == T_DECIMAL)
		return sizeof(__int128);
	if (sql_is_strlike(id))
		return sizeof(struct sql_str);
	if (id == T_INTERVAL)
		return sizeof(struct sql_interval);
	return sizeof(int64_t);
}

int sql_vec_alloc(struct sql_vec *vec, struct sql_type t, size_t n,
    struct sql_arena *a)
{
	vec->t = t;
	vec->bits = 0;
	vec->null = NULL;
	vec->v.p = sql_arena_alloc(a, (n ? n : 1) * width(t.id));
	if (vec->v.p == NULL)
		return RDB_ENOMEM;
	if (t.id == T_NULL) {
		vec->null = sql_arena_alloc(a, n ? n : 1);
		if (vec->null == NULL)
			return RDB_ENOMEM;
		memset(vec->null, 1, n);
	}
	return RDB_OK;
}

void sql_vec_get(const struct sql_vec *vec, size_t i, struct sql_val *out)
{
	out->t = vec->t;
	out->null = vec->null != NULL && vec->null[i];
	if (out->null)
		return;
	switch (vec->t.id) {
	case T_NULL:
		out->null = 1;
		break;
	case T_DOUBLE:
		out->u.d = vec->v.d[i];
		break;
	case T_DECIMAL:
		out->u.x = vec->v.x[i];
		break;
	case T_TEXT: case T_JSON: case T_BLOB:
		out->u.s = vec->v.s[i];
		break;
	case T_INTERVAL:
		out->u.iv = vec->v.iv[i];
		break;
	default:
		out->u.i = vec->v.i[i];
	}
}

int sql_vec_set(struct sql_vec *vec, size_t i, const struct sql_val *val,
    struct sql_arena *a)
{
	vec->bits = 0;
	if (val->null || val->t.id == T_NULL) {
		if (vec->null == NULL) {
			vec->null = sql_arena_alloc(a, SQL_CHUNK > i + 1 ?
			    SQL_CHUNK : i + 1);
			if (vec->null == NULL)
				return RDB_ENOMEM;
			memset(vec->null, 0, SQL_CHUNK > i + 1 ? SQL_CHUNK : i + 1);
		}
		vec->null[i] = 1;
		/* defined bytes under a NULL: kernels run over every row */
		if (vec->t.id != T_NULL)
			memset((uint8_t *)vec->v.p + i * width(vec->t.id), 0,
			    width(vec->t.id));
		return RDB_OK;
	}
	if (vec->null != NULL)
		vec->null[i] = 0;
	switch (vec->t.id) {
	case T_DOUBLE:
		vec->v.d[i] = val->u.d;
		break;
	case T_DECIMAL:
		vec->v.x[i] = val->u.x;
		break;
	case T_TEXT: case T_JSON: case T_BLOB: {
		char *p = sql_arena_strdup(a, val->u.s.p, val->u.s.n);
		if (p == NULL)
			return RDB_ENOMEM;
		vec->v.s[i].p = p;
		vec->v.s[i].n = val->u.s.n;
		break;
	}
	case T_INTERVAL:
		vec->v.iv[i] = val->u.iv;
		break;
	default:
		vec->v.i[i] = val->u.i;
	}
	return RDB_OK;
}

/* ---- decimals ---- */

__int128 sql_pow10(int n)
{
	static __int128 t[39];
	static int ready;
	int i;

	if (!ready) {
		t[0] = 1;
		for (i = 1; i < 39; i++)
			t[i] = t[i - 1] * 10;
		ready = 1;
	}
	if (n < 0)
		return 1;
	return t[n > 38 ? 38 : n];
}

double sql_dec_to_double(__int128 x, int scale)
{
	char buf[64];

	/* Through text: exact to the nearest double, which division of two
	 * rounded doubles is not. */
	sql_dec_format(x, scale, buf);
	return strtod(buf, NULL);
}

size_t sql_dec_format(__int128 x, int scale, char *buf)
{
	unsigned __int128 u = x < 0 ? -(unsigned __int128)x : (unsigned __int128)x;
	char digits[48];
	int n = 0, i;
	size_t k = 0;

	do {
		digits[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	while (n <= scale)
		digits[n++] = '0';
	if (x < 0)
		buf[k++] = '-';
	for (i = n - 1; i >= 0; i--) {
		buf[k++] = digits[i];
		if (i == scale && scale > 0)
			buf[k++] = '.';
	}
	buf[k] = '\0';
	return k;
}

/* x at scale from to scale to, rounding half away from zero. */
static __int128 rescale(__int128 x, int from, int to)
{
	if (to >= from)
		return x * sql_pow10(to - from);
	{
		__int128 p = sql_pow10(from - to), q = x / p, r = x % p;
		if (r * 2 >= p)
			q++;
		else if (-r * 2 >= p)
			q--;
		return q;
	}
}

static int dec_fits(__int128 x, int prec)
{
	__int128 lim = sql_pow10(prec);
	return x < lim && x > -lim;
}

/* ---- dates ---- */

void sql_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

int64_t sql_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	return rdb_days_from_civil(y, m, d);
}

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned mdays(int64_t y, unsigned m)
{
	static const unsigned t[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	return m == 2 && leap(y) ? 29 : t[m - 1];
}

#define US_DAY 86400000000LL
/* Dates and timestamps stay within years 1..9999 (rdb-load's range). */
#define DAY_MIN (-719162)
#define DAY_MAX 2932896

int sql_date_add(struct sql_ctx *cx, int tid, int64_t v,
    const struct sql_interval *iv, int sign, int64_t *out)
{
	int64_t days, rest = 0, y;
	unsigned m, d;
	int64_t months = (int64_t)iv->months * sign;

	if (tid == T_TIMESTAMP) {
		days = v >= 0 ? v / US_DAY : -((-v + US_DAY - 1) / US_DAY);
		rest = v - days * US_DAY;
	} else {
		days = v;
	}
	if (months != 0) {
		int64_t mm;
		sql_civil_from_days(days, &y, &m, &d);
		mm = y * 12 + (m - 1) + months;
		y = mm >= 0 ? mm / 12 : -((-mm + 11) / 12);
		m = (unsigned)(mm - y * 12) + 1;
		if (d > mdays(y, m))
			d = mdays(y, m);
		if (y < 1 || y > 9999)
			return sql_error(cx, "date out of range");
		days = sql_days_from_civil(y, m, d);
	}
	days += (int64_t)iv->days * sign;
	if (tid == T_TIMESTAMP) {
		__int128 t = (__int128)days * US_DAY + rest + (__int128)iv->us * sign;
		if (t < (__int128)DAY_MIN * US_DAY || t >= ((__int128)DAY_MAX + 1) * US_DAY)
			return sql_error(cx, "timestamp out of range");
		*out = (int64_t)t;
		return 0;
	}
	if (iv->us != 0)
		return sql_error(cx, "cannot add a time interval to a DATE");
	if (days < DAY_MIN || days > DAY_MAX)
		return sql_error(cx, "date out of range");
	*out = days;
	return 0;
}

/* ---- intervals ---- */

/* Add qty units to iv; -1 for an unknown unit or a result out of range
 * (months and days are 32-bit, µs 64-bit). */
static int unit_apply(const char *u, size_t un, double qty,
    struct sql_interval *iv)
{
	char w[16];
	size_t i;
	double months = 0, days = 0, us = 0, t;

	if (un == 0 || un >= sizeof(w))
		return -1;
	for (i = 0; i < un; i++)
		w[i] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
	w[un] = '\0';
	/* plurals: "days" is "day"; "ms" and "us" are units of their own */
	if (un > 2 && w[un - 1] == 's')
		w[--un] = '\0';
	if (!strcmp(w, "year") || !strcmp(w, "y"))
		months = qty * 12;
	else if (!strcmp(w, "month") || !strcmp(w, "mon"))
		months = qty;
	else if (!strcmp(w, "week") || !strcmp(w, "w"))
		days = qty * 7;
	else if (!strcmp(w, "day") || !strcmp(w, "d"))
		days = qty;
	else if (!strcmp(w, "hour") || !strcmp(w, "h"))
		us = qty * 3600e6;
	else if (!strcmp(w, "minute") || !strcmp(w, "min") || !strcmp(w, "m"))
		us = qty * 60e6;
	else if (!strcmp(w, "second") || !strcmp(w, "sec") || !strcmp(w, "s"))
		us = qty * 1e6;
	else if (!strcmp(w, "millisecond") || !strcmp(w, "ms"))
		us = qty * 1e3;
	else if (!strcmp(w, "microsecond") || !strcmp(w, "us"))
		us = qty;
	else
		return -1;
	t = (double)iv->months + months;
	if (t > INT32_MAX || t < -(double)INT32_MAX)
		return -1;
	iv->months = (int32_t)t;
	t = (double)iv->days + days;
	if (t > INT32_MAX || t < -(double)INT32_MAX)
		return -1;
	iv->days = (int32_t)t;
	t = (double)iv->us + round(us);
	if (t >= 9.2e18 || t <= -9.2e18)
		return -1;
	iv->us = (int64_t)t;
	return 0;
}

int sql_parse_interval(const char *p, size_t n, const char *unit,
    struct sql_interval *iv)
{
	size_t i = 0;
	int any = 0;

	memset(iv, 0, sizeof(*iv));
	while (i < n) {
		char num[64];
		size_t k = 0, us;
		double q;
		char *end;

		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n)
			break;
		while (i < n && k + 1 < sizeof(num) && (p[i] == '-' ||
		    p[i] == '+' || p[i] == '.' || (p[i] >= '0' && p[i] <= '9')))
			num[k++] = p[i++];
		num[k] = '\0';
		if (k == 0)
			return -1;
		/* hh:mm[:ss] */
		if (i < n && p[i] == ':') {
			long hh = strtol(num, &end, 10), mm = 0;
			double ss = 0;
			if (*end != '\0' || hh > 2000000 || hh < -2000000)
				return -1;      /* 2e6 hours: far past any date */
			i++;
			k = 0;
			while (i < n && k + 1 < sizeof(num) && p[i] >= '0' && p[i] <= '9')
				num[k++] = p[i++];
			num[k] = '\0';
			mm = strtol(num, NULL, 10);
			if (i < n && p[i] == ':') {
				i++;
				k = 0;
				while (i < n && k + 1 < sizeof(num) &&
				    ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'))
					num[k++] = p[i++];
				num[k] = '\0';
				ss = strtod(num, NULL);
			}
			if (mm < 0 || mm > 59 || !(ss >= 0 && ss < 60))
				return -1;
			iv->us += (hh < 0 ? -1 : 1) * ((int64_t)labs(hh) * 3600000000LL +
			    mm * 60000000LL + (int64_t)llround(ss * 1e6));
			any = 1;
			continue;
		}
		errno = 0;
		q = strtod(num, &end);
		if (*end != '\0' || errno != 0 || fabs(q) > 1e9)
			return -1;
		while (i < n && p[i] == ' ')
			i++;
		us = i;
		while (i < n && ((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z')))
			i++;
		if (i == us) {
			if (unit == NULL)
				unit = "second";
			if (unit_apply(unit, strlen(unit), q, iv) != 0)
				return -1;
		} else if (unit_apply(p + us, i - us, q, iv) != 0) {
			return -1;
		}
		any = 1;
	}
	return any ? 0 : -1;
}

static int interval_text(const struct sql_interval *iv, struct rdb_buf *b)
{
	char t[128];
	int n = 0;
	int32_t y = iv->months / 12, mo = iv->months % 12;

	if (y != 0)
		n += snprintf(t + n, sizeof(t) - (size_t)n, "%d year%s ", y,
		    y == 1 || y == -1 ? "" : "s");
	if (mo != 0)
		n += snprintf(t + n, sizeof(t) - (size_t)n, "%d month%s ", mo,
		    mo == 1 || mo == -1 ? "" : "s");
	if (iv->days != 0)
		n += snprintf(t + n, sizeof(t) - (size_t)n, "%d day%s ", iv->days,
		    iv->days == 1 || iv->days == -1 ? "" : "s");
	if (iv->us != 0 || n == 0) {
		uint64_t u = iv->us < 0 ? -(uint64_t)iv->us : (uint64_t)iv->us;
		n += snprintf(t + n, sizeof(t) - (size_t)n, "%s%02lld:%02lld:%02lld",
		    iv->us < 0 ? "-" : "", (long long)(u / 3600000000ULL),
		    (long long)(u / 60000000 % 60), (long long)(u / 1000000 % 60));
		if (u % 1000000)
			n += snprintf(t + n, sizeof(t) - (size_t)n, ".%06lld",
			    (long long)(u % 1000000));
	} else {
		n--;            /* the trailing blank */
	}
	return rdb_buf_append(b, t, (size_t)n);
}

/* ---- text ---- */

int sql_val_text(const struct sql_val *v, struct rdb_buf *b)
{
	struct rdb_vec rv;
	unsigned char raw[16];
	char buf[128];
	const char *p;
	size_t len;
	int rc;

	if (v->null || v->t.id == T_NULL)
		return RDB_OK;
	if (sql_is_strlike(v->t.id))
		return rdb_buf_append(b, v->u.s.p, v->u.s.n);
	if (v->t.id == T_INTERVAL)
		return interval_text(&v->u.iv, b);
	memset(&rv, 0, sizeof(rv));
	rv.type = (enum rdb_type)v->t.id;
	rv.precision = v->t.prec;
	rv.scale = v->t.scale;
	rv.values = raw;
	switch (v->t.id) {
	case T_BOOL:
		raw[0] = v->u.i != 0;
		break;
	case T_INT: case T_DATE: {
		int32_t x = (int32_t)v->u.i;
		memcpy(raw, &x, 4);
		break;
	}
	case T_DOUBLE:
		memcpy(raw, &v->u.d, 8);
		break;
	case T_DECIMAL:
		memcpy(raw, &v->u.x, 16);
		break;
	default:
		memcpy(raw, &v->u.i, 8);
	}
	rc = rdb_value_text(&rv, 0, buf, sizeof(buf), &p, &len);
	if (rc != RDB_OK)
		return rc;
	return rdb_buf_append(b, p, len);
}

/* ---- comparison ---- */

static int cmp_dec(__int128 a, int sa, __int128 b, int sb)
{
	if (sa != sb) {
		/* Compare without overflow: scale the one with fewer digits
		 * after the point when that fits, otherwise by double. */
		int d = sa > sb ? sa - sb : sb - sa;
		__int128 *lo = sa < sb ? &a : &b;
		__int128 lim = sql_pow10(38 - d);
		if (*lo < lim && *lo > -lim) {
			*lo *= sql_pow10(d);
		} else {
			double x = sql_dec_to_double(a, sa), y = sql_dec_to_double(b, sb);
			return (x > y) - (x < y);
		}
	}
	return (a > b) - (a < b);
}

static int cmp_double(double x, double y)
{
	/* NaN sorts after every number and equals itself, as PostgreSQL. */
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

int sql_val_cmp(const struct sql_val *a, const struct sql_val *b)
{
	int ta = a->t.id, tb = b->t.id;

	if (sql_is_strlike(ta) && sql_is_strlike(tb)) {
		uint32_t n = a->u.s.n < b->u.s.n ? a->u.s.n : b->u.s.n;
		int c = n ? memcmp(a->u.s.p, b->u.s.p, n) : 0;
		if (c != 0)
			return c < 0 ? -1 : 1;
		return (a->u.s.n > b->u.s.n) - (a->u.s.n < b->u.s.n);
	}
	if (ta == T_DOUBLE || tb == T_DOUBLE) {
		double x = ta == T_DOUBLE ? a->u.d : ta == T_DECIMAL ?
		    sql_dec_to_double(a->u.x, a->t.scale) : (double)a->u.i;
		double y = tb == T_DOUBLE ? b->u.d : tb == T_DECIMAL ?
		    sql_dec_to_double(b->u.x, b->t.scale) : (double)b->u.i;
		if (ta != T_DOUBLE && tb == T_DOUBLE && ta != T_DECIMAL &&
		    (a->u.i > (1LL << 53) || a->u.i < -(1LL << 53)))
			return cmp_double((double)a->u.i, y);
		return cmp_double(x, y);
	}
	if (ta == T_DECIMAL || tb == T_DECIMAL) {
		__int128 x = ta == T_DECIMAL ? a->u.x : a->u.i;
		__int128 y = tb == T_DECIMAL ? b->u.x : b->u.i;
		return cmp_dec(x, ta == T_DECIMAL ? a->t.scale : 0, y,
		    tb == T_DECIMAL ? b->t.scale : 0);
	}
	if (ta == T_INTERVAL && tb == T_INTERVAL) {
		__int128 x = ((__int128)a->u.iv.months * 30 + a->u.iv.days) * US_DAY +
		    a->u.iv.us;
		__int128 y = ((__int128)b->u.iv.months * 30 + b->u.iv.days) * US_DAY +
		    b->u.iv.us;
		return (x > y) - (x < y);
	}
	if (ta == T_DATE && tb == T_TIMESTAMP)
		return ((__int128)a->u.i * US_DAY > b->u.i) -
		    ((__int128)a->u.i * US_DAY < b->u.i);
	if (ta == T_TIMESTAMP && tb == T_DATE)
		return (a->u.i > (__int128)b->u.i * US_DAY) -
		    (a->u.i < (__int128)b->u.i * US_DAY);
	return (a->u.i > b->u.i) - (a->u.i < b->u.i);
}

/* ---- casts ---- */

int sql_castable(struct sql_type from, struct sql_type to)
{
	int f = from.id, t = to.id;

	if (f == T_NULL || f == t || t == T_TEXT || f == T_TEXT)
		return 1;
	if (sql_is_numeric(f) || f == T_BOOL)
		return sql_is_numeric(t) || t == T_BOOL;
	if (f == T_DATE || f == T_TIMESTAMP)
		return t == T_DATE || t == T_TIMESTAMP;
	if (f == T_JSON)
		return t == T_TEXT || t == T_BLOB;
	if (f == T_BLOB)
		return t == T_TEXT;
	return 0;
}

static int range_of(int id, int64_t v)
{
	if (id == T_INT)
		return v >= INT32_MIN && v <= INT32_MAX;
	return 1;
}

static int cast_error(struct sql_ctx *cx, const struct sql_val *v,
    struct sql_type to, const char *why)
{
	struct rdb_buf b;
	char tn[32];

	rdb_buf_init(&b);
	sql_val_text(v, &b);
	if (b.len > 60)
		b.len = 60;
	sql_error(cx, "cannot cast '%.*s' to %s%s%s", (int)b.len,
	    b.p ? (const char *)b.p : "", sql_type_name(to, tn, sizeof(tn)),
	    why ? ": " : "", why ? why : "");
	rdb_buf_release(&b);
	return -1;
}

static int double_to_int(double d, int64_t *out)
{
	double r = round(d);

	if (isnan(r) || r < -9223372036854775808.0 || r >= 9223372036854775808.0)
		return -1;
	*out = (int64_t)r;
	return 0;
}

static int from_text(struct sql_ctx *cx, const struct sql_val *v,
    struct sql_type to, struct sql_val *out)
{
	const char *p = v->u.s.p;
	size_t n = v->u.s.n;

	switch (to.id) {
	case T_BOOL: {
		int b;
		if (rdb_parse_bool(p, n, 0, &b) != 0) {
			/* also 't', 'f', 'yes', 'no', '1', '0' as PostgreSQL */
			while (n > 0 && (*p == ' ' || *p == '\t')) {
				p++;
				n--;
			}
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			if ((n == 1 && (*p == 't' || *p == 'T' || *p == '1')) ||
			    (n == 3 && !strncasecmp(p, "yes", 3)) ||
			    (n == 2 && !strncasecmp(p, "on", 2)))
				b = 1;
			else if ((n == 1 && (*p == 'f' || *p == 'F' || *p == '0')) ||
			    (n == 2 && !strncasecmp(p, "no", 2)) ||
			    (n == 3 && !strncasecmp(p, "off", 3)))
				b = 0;
			else
				return cast_error(cx, v, to, NULL);
		}
		out->u.i = b;
		return 0;
	}
	case T_INT: case T_BIGINT: {
		int64_t i;
		if (rdb_parse_int(p, n, 0, &i) != 0) {
			double d;
			/* '1e3' and '2.0' convert when they are integers. */
			if (rdb_parse_double(p, n, 0, &d) != 0 || double_to_int(d, &i) ||
			    (double)i != d)
				return cast_error(cx, v, to, NULL);
		}
		if (!range_of(to.id, i))
			return cast_error(cx, v, to, "out of range");
		out->u.i = i;
		return 0;
	}
	case T_DOUBLE:
		if (rdb_parse_double(p, n, 0, &out->u.d) != 0)
			return cast_error(cx, v, to, NULL);
		return 0;
	case T_DECIMAL: {
		__int128 x;
		int id, fd;
		if (rdb_parse_decimal(p, n, 0, -1, &x, &id, &fd) != 0) {
			double d;
			if (rdb_parse_double(p, n, 0, &d) != 0)
				return cast_error(cx, v, to, NULL);
			if (fabs(d) >= 1e38)
				return cast_error(cx, v, to, "out of range");
			x = (__int128)llround(d * 1e6);
			fd = 6;
		}
		x = rescale(x, fd, to.scale);
		if (!dec_fits(x, to.prec))
			return cast_error(cx, v, to, "out of range");
		out->u.x = x;
		return 0;
	}
	case T_DATE: {
		int32_t d;
		int64_t us;
		if (rdb_parse_date(p, n, &d) == 0) {
			out->u.i = d;
			return 0;
		}
		if (rdb_parse_timestamp(p, n, &us) == 0) {
			out->u.i = us >= 0 ? us / US_DAY : -((-us + US_DAY - 1) / US_DAY);
			return 0;
		}
		return cast_error(cx, v, to, NULL);
	}
	case T_TIMESTAMP: {
		int64_t us;
		if (rdb_parse_timestamp(p, n, &us) != 0)
			return cast_error(cx, v, to, NULL);
		out->u.i = us;
		return 0;
	}
	case T_JSON:
		if (!rdb_utf8_valid((const uint8_t *)p, n) ||
		    !rdb_json_valid((const uint8_t *)p, n))
			return cast_error(cx, v, to, "not valid JSON");
		out->u.s = v->u.s;
		return 0;
	case T_BLOB: case T_TEXT:
		out->u.s = v->u.s;
		return 0;
	case T_INTERVAL:
		if (sql_parse_interval(p, n, NULL, &out->u.iv) != 0)
			return cast_error(cx, v, to, NULL);
		return 0;
	}
	return cast_error(cx, v, to, NULL);
}

int sql_cast(struct sql_ctx *cx, const struct sql_val *v, struct sql_type to,
    struct sql_val *out)
{
	int f = v->t.id;
	struct sql_val o;

	o.t = to;
	o.null = 0;
	if (v->null || f == T_NULL) {
		o.null = 1;
		*out = o;
		return 0;
	}
	if (f == to.id && f != T_DECIMAL && f != T_INT) {
		*out = *v;
		out->t = to;
		return 0;
	}
	if (to.id == T_TEXT) {
		struct rdb_buf b;
		char *s;
		rdb_buf_init(&b);
		if (sql_val_text(v, &b) != RDB_OK) {
			rdb_buf_release(&b);
			return sql_error(cx, "out of memory");
		}
		s = sql_arena_strdup(cx->arena, (const char *)b.p, b.len);
		o.u.s.n = (uint32_t)b.len;
		rdb_buf_release(&b);
		if (s == NULL)
			return sql_error(cx, "out of memory");
		o.u.s.p = s;
		*out = o;
		return 0;
	}
	if (sql_is_strlike(f)) {
		if (from_text(cx, v, to, &o) != 0)
			return -1;
		*out = o;
		return 0;
	}
	switch (to.id) {
	case T_BOOL:
		if (f == T_DOUBLE)
			o.u.i = v->u.d != 0;
		else if (f == T_DECIMAL)
			o.u.i = v->u.x != 0;
		else if (sql_is_numeric(f) || f == T_BOOL)
			o.u.i = v->u.i != 0;
		else
			return cast_error(cx, v, to, NULL);
		break;
	case T_INT: case T_BIGINT:
		if (f == T_DOUBLE) {
			if (double_to_int(v->u.d, &o.u.i) != 0)
				return cast_error(cx, v, to, "out of range");
		} else if (f == T_DECIMAL) {
			__int128 x = rescale(v->u.x, v->t.scale, 0);
			if (x > INT64_MAX || x < INT64_MIN)
				return cast_error(cx, v, to, "out of range");
			o.u.i = (int64_t)x;
		} else if (f == T_INT || f == T_BIGINT || f == T_BOOL) {
			o.u.i = v->u.i;
		} else {
			return cast_error(cx, v, to, NULL);
		}
		if (!range_of(to.id, o.u.i))
			return cast_error(cx, v, to, "out of range");
		break;
	case T_DOUBLE:
		if (f == T_DECIMAL)
			o.u.d = sql_dec_to_double(v->u.x, v->t.scale);
		else if (f == T_INT || f == T_BIGINT || f == T_BOOL)
			o.u.d = (double)v->u.i;
		else
			return cast_error(cx, v, to, NULL);
		break;
	case T_DECIMAL: {
		__int128 x;
		if (f == T_DECIMAL) {
			x = rescale(v->u.x, v->t.scale, to.scale);
		} else if (f == T_DOUBLE) {
			double d = v->u.d * (double)sql_pow10(to.scale);
			if (isnan(d) || fabs(d) >= 1e38)
				return cast_error(cx, v, to, "out of range");
			x = (__int128)(d < 0 ? d - 0.5 : d + 0.5);
		} else if (f == T_INT || f == T_BIGINT || f == T_BOOL) {
			if (to.scale > 18 && v->u.i != 0 &&
			    !dec_fits(v->u.i, 38 - to.scale))
				return cast_error(cx, v, to, "out of range");
			x = (__int128)v->u.i * sql_pow10(to.scale);
		} else {
			return cast_error(cx, v, to, NULL);
		}
		if (!dec_fits(x, to.prec))
			return cast_error(cx, v, to, "out of range");
		o.u.x = x;
		break;
	}
	case T_DATE:
		if (f == T_TIMESTAMP)
			o.u.i = v->u.i >= 0 ? v->u.i / US_DAY :
			    -((-v->u.i + US_DAY - 1) / US_DAY);
		else
			return cast_error(cx, v, to, NULL);
		break;
	case T_TIMESTAMP:
		if (f == T_DATE)
			o.u.i = v->u.i * US_DAY;
		else
			return cast_error(cx, v, to, NULL);
		break;
	case T_BLOB: case T_JSON:
		return cast_error(cx, v, to, NULL);
	default:
		return cast_error(cx, v, to, NULL);
	}
	*out = o;
	return 0;
}
