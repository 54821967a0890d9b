/*
 * format.c - the canonical text of values, exact both ways: what rdb
 * writes is what rdb-load reads back to the same value.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/conv.h"
#include "txn/batch.h"
#include "util/util.h"

/* Civil date of days since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
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

/* Decimal digits of u, right-aligned to end at end; their number.
 * (snprintf's formatting costs more than the rest of a CSV export.) */
static int put_u64(char *end, uint64_t u)
{
	char *p = end;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	return (int)(end - p);
}

/* v as text into buf (at least 21 bytes); its length. */
static int put_i64(char *buf, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int n = put_u64(tmp + sizeof tmp, u), k = 0;

	if (v < 0)
		buf[k++] = '-';
	memcpy(buf + k, tmp + sizeof tmp - n, (size_t)n);
	buf[k + n] = '\0';
	return k + n;
}

static void two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

static int put_date(char *buf, size_t cap, int64_t days)
{
	int64_t y;
	unsigned m, d;

	civil(days, &y, &m, &d);
	if (y >= 0 && y <= 9999 && cap > 10) {
		two(buf, (unsigned)(y / 100));
		two(buf + 2, (unsigned)(y % 100));
		buf[4] = '-';
		two(buf + 5, m);
		buf[7] = '-';
		two(buf + 8, d);
		buf[10] = '\0';
		return 10;
	}
	return snprintf(buf, cap, "%04lld-%02u-%02u", (long long)y, m, d);
}

static int put_decimal(char *buf, size_t cap, const uint64_t *p, int scale)
{
	__int128 v = (__int128)(((unsigned __int128)p[1] << 64) | p[0]);
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	char digits[48];
	int n = 0, i, k = 0;

	if (u >> 64 == 0) {     /* the usual size: 64-bit divisions */
		uint64_t w = (uint64_t)u;
		do {
			digits[n++] = (char)('0' + (int)(w % 10));
			w /= 10;
		} while (w != 0);
	} else do {
		digits[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	while (n <= scale)
		digits[n++] = '0';
	if ((size_t)n + 3 > cap)
		return -1;
	if (v < 0)
		buf[k++] = '-';
	for (i = n - 1; i >= 0; i--) {
		buf[k++] = digits[i];
		if (i == scale && scale > 0)
			buf[k++] = '.';
	}
	buf[k] = '\0';
	return k;
}

static int put_double(char *buf, size_t cap, double d)
{
	int prec;

	if (isnan(d))
		return snprintf(buf, cap, "nan");
	if (isinf(d))
		return snprintf(buf, cap, d < 0 ? "-inf" : "inf");
	for (prec = 15; prec <= 17; prec++) {
		int n = snprintf(buf, cap, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return n;
	}
	return snprintf(buf, cap, "%.17g", d);
}

int rdb_value_text(const struct rdb_vec *v, size_t row, char *buf, size_t cap,
    const char **p, size_t *len)
{
	const uint8_t *val = v->values;
	int n = 0;

	if (rdb_vec_is_null(v, row))
		return RDB_EINVAL;
	switch (v->type) {
	case RDB_BOOLEAN:
		*p = val[row] ? "true" : "false";
		*len = strlen(*p);
		return RDB_OK;
	case RDB_INTEGER: {
		int32_t x;
		memcpy(&x, val + 4 * row, 4);
		if (cap < 21)
			return RDB_ENOMEM;
		n = put_i64(buf, x);
		break;
	}
	case RDB_BIGINT: {
		int64_t x;
		memcpy(&x, val + 8 * row, 8);
		if (cap < 21)
			return RDB_ENOMEM;
		n = put_i64(buf, x);
		break;
	}
	case RDB_DOUBLE: {
		double x;
		memcpy(&x, val + 8 * row, 8);
		n = put_double(buf, cap, x);
		break;
	}
	case RDB_DECIMAL: {
		uint64_t x[2];
		memcpy(x, val + 16 * row, 16);
		n = put_decimal(buf, cap, x, v->scale);
		break;
	}
	case RDB_DATE: {
		int32_t x;
		memcpy(&x, val + 4 * row, 4);
		n = put_date(buf, cap, x);
		break;
	}
	case RDB_TIMESTAMP: {
		int64_t us, days, secs, rem;
		memcpy(&us, val + 8 * row, 8);
		/* floor division, with no intermediate that overflows even for
		 * INT64_MIN */
		rem = us % 86400000000LL;
		days = us / 86400000000LL;
		if (rem < 0) {
			rem += 86400000000LL;
			days--;
		}
		secs = rem / 1000000;
		n = put_date(buf, cap, days);
		if (n < 0 || (size_t)n + 17 >= cap)
			return RDB_ENOMEM;
		buf[n] = ' ';
		two(buf + n + 1, (unsigned)(secs / 3600));
		buf[n + 3] = ':';
		two(buf + n + 4, (unsigned)(secs / 60 % 60));
		buf[n + 6] = ':';
		two(buf + n + 7, (unsigned)(secs % 60));
		n += 9;
		if (rem % 1000000 != 0) {
			unsigned f = (unsigned)(rem % 1000000);
			buf[n++] = '.';
			two(buf + n, f / 10000);
			two(buf + n + 2, f / 100 % 100);
			two(buf + n + 4, f % 100);
			n += 6;
			while (buf[n - 1] == '0')
				n--;
		}
		buf[n] = '\0';
		break;
	}
	default:
		*p = (const char *)val + v->offsets[row];
		*len = v->offsets[row + 1] - v->offsets[row];
		return RDB_OK;
	}
	if (n < 0 || (size_t)n >= cap)
		return RDB_ENOMEM;
	*p = buf;
	*len = (size_t)n;
	return RDB_OK;
}

int rdb_time_parse(const char *text, int64_t *us)
{
	if (text == NULL || rdb_parse_timestamp(text, strlen(text), us) != 0)
		return RDB_EINVAL;
	return RDB_OK;
}

int rdb_time_format(int64_t us, char *buf, size_t cap)
{
	struct rdb_vec v;
	const char *p;
	size_t len;
	char tmp[64];

	memset(&v, 0, sizeof v);
	v.type = RDB_TIMESTAMP;
	v.values = &us;
	if (rdb_value_text(&v, 0, tmp, sizeof tmp, &p, &len) != RDB_OK ||
	    len >= cap)
		return RDB_ENOMEM;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return RDB_OK;
}
