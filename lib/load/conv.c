/*
 * conv.c - parse text into typed values, and infer column types.
 *
 * Inference is conservative: a value is taken as a number only in the
 * canonical spelling of one (no leading zeros, no '+', so "007" and zip
 * codes stay text), as a boolean only as true or false, as a date only
 * as YYYY-MM-DD. Anything that fits none stays TEXT. Conversion into a
 * declared type is more lenient, but never rounds: a value that does not
 * fit exactly is an error.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load/conv.h"

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

int rdb_parse_bool(const char *p, size_t n, int strict, int *v)
{
	if ((n == 4 && strncasecmp(p, "true", 4) == 0) ||
	    (!strict && ((n == 1 && (*p == 't' || *p == 'T' || *p == '1')) ||
	    (n == 3 && strncasecmp(p, "yes", 3) == 0)))) {
		*v = 1;
		return 0;
	}
	if ((n == 5 && strncasecmp(p, "false", 5) == 0) ||
	    (!strict && ((n == 1 && (*p == 'f' || *p == 'F' || *p == '0')) ||
	    (n == 2 && strncasecmp(p, "no", 2) == 0)))) {
		*v = 0;
		return 0;
	}
	return -1;
}

/* Skip surrounding blanks when lenient. */
static void trim(const char **p, size_t *n)
{
	while (*n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

int rdb_parse_int(const char *p, size_t n, int strict, int64_t *v)
{
	uint64_t x = 0, lim;
	int neg = 0;
	size_t i = 0;

	if (!strict)
		trim(&p, &n);
	if (n > 0 && (p[0] == '-' || (!strict && p[0] == '+'))) {
		neg = p[0] == '-';
		i = 1;
	}
	if (i == n)
		return -1;
	if (strict && p[i] == '0' && n - i > 1)
		return -1;		/* leading zero: an identifier, not a number */
	if (strict && neg && p[i] == '0')
		return -1;		/* "-0" */
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (!digit(p[i]))
			return -1;
		if (x > (lim - (uint64_t)(p[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

int rdb_parse_decimal(const char *p, size_t n, int strict, int scale,
    __int128 *v, int *int_digits, int *frac_digits)
{
	unsigned __int128 x = 0;
	int neg = 0, idig = 0, fdig = 0, sig = 0;
	size_t i = 0;

	if (!strict)
		trim(&p, &n);
	if (n > 0 && (p[0] == '-' || (!strict && p[0] == '+'))) {
		neg = p[0] == '-';
		i = 1;
	}
	if (i == n || !digit(p[i]))
		return -1;
	if (strict && p[i] == '0' && i + 1 < n && digit(p[i + 1]))
		return -1;
	if (strict && neg && p[i] == '0' && (i + 1 == n ||
	    (p[i + 1] == '.' && strspn(p + i + 2, "0") == n - i - 2)))
		return -1;		/* "-0", "-0.00": a sign on nothing */
	for (; i < n && digit(p[i]); i++) {
		if (sig > 0 || p[i] != '0')
			sig++;
		if (sig > 38)
			return -1;
		x = x * 10 + (unsigned)(p[i] - '0');
		idig++;
	}
	if (i < n && p[i] == '.') {
		i++;
		if (i == n || !digit(p[i]))
			return -1;
		for (; i < n && digit(p[i]); i++) {
			fdig++;
			if (scale >= 0 && fdig > scale) {
				if (p[i] != '0' || strict)
					return -1;	/* would round */
				continue;
			}
			if (sig + fdig > 38)
				return -1;
			x = x * 10 + (unsigned)(p[i] - '0');
		}
	}
	if (i != n)
		return -1;
	if (scale >= 0)
		while (fdig < scale) {
			if ((sig > 0 ? sig : 1) + fdig >= 38 + 1)
				return -1;
			x *= 10;
			fdig++;
		}
	*v = neg ? -(__int128)x : (__int128)x;
	if (int_digits != NULL)
		*int_digits = sig > 0 ? sig : 1;
	if (frac_digits != NULL)
		*frac_digits = fdig;
	return 0;
}

int rdb_parse_double(const char *p, size_t n, int strict, double *v)
{
	char buf[64], *end;
	size_t i = 0;

	if (!strict)
		trim(&p, &n);
	if (n == 0 || n >= sizeof buf)
		return -1;
	if (strict) {
		/* the JSON number grammar */
		if (p[i] == '-')
			i++;
		if (i < n && p[i] == '0')
			i++;
		else if (i < n && digit(p[i]) && p[i] != '0')
			while (i < n && digit(p[i]))
				i++;
		else
			return -1;
		if (i < n && p[i] == '.') {
			i++;
			if (i == n || !digit(p[i]))
				return -1;
			while (i < n && digit(p[i]))
				i++;
		}
		if (i < n && (p[i] == 'e' || p[i] == 'E')) {
			i++;
			if (i < n && (p[i] == '+' || p[i] == '-'))
				i++;
			if (i == n || !digit(p[i]))
				return -1;
			while (i < n && digit(p[i]))
				i++;
		}
		if (i != n)
			return -1;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtod(buf, &end);
	if (end != buf + n || (errno == ERANGE && isinf(*v)))
		return -1;
	return 0;
}

int64_t rdb_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int num(const char *p, int n, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!digit(p[i]))
			return -1;
		*v = *v * 10 + (unsigned)(p[i] - '0');
	}
	return 0;
}

static int date_part(const char *p, size_t n, int64_t *days)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	unsigned y, m, d;

	if (n != 10 || p[4] != '-' || p[7] != '-' || num(p, 4, &y) != 0 ||
	    num(p + 5, 2, &m) != 0 || num(p + 8, 2, &d) != 0)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	*days = rdb_days_from_civil(y, m, d);
	return 0;
}

int rdb_parse_date(const char *p, size_t n, int32_t *days)
{
	int64_t d;

	if (date_part(p, n, &d) != 0)
		return -1;
	*days = (int32_t)d;
	return 0;
}

int rdb_parse_timestamp(const char *p, size_t n, int64_t *us)
{
	unsigned hh, mm, ss, frac = 0, fh, fm;
	int64_t days, t, off = 0;
	size_t i;
	int fd = 0;

	if (n == 10 && date_part(p, n, &days) == 0) {
		*us = days * 86400 * 1000000;
		return 0;
	}
	if (n < 19 || (p[10] != 'T' && p[10] != ' ') ||
	    date_part(p, 10, &days) != 0 || p[13] != ':' || p[16] != ':' ||
	    num(p + 11, 2, &hh) != 0 || num(p + 14, 2, &mm) != 0 ||
	    num(p + 17, 2, &ss) != 0 || hh > 23 || mm > 59 || ss > 59)
		return -1;
	i = 19;
	if (i < n && p[i] == '.') {
		i++;
		while (i < n && digit(p[i])) {
			if (fd == 6)
				return -1;	/* finer than a microsecond */
			frac = frac * 10 + (unsigned)(p[i] - '0');
			fd++;
			i++;
		}
		if (fd == 0)
			return -1;
		while (fd < 6) {
			frac *= 10;
			fd++;
		}
	}
	if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
		i++;
	} else if (i < n && (p[i] == '+' || p[i] == '-')) {
		int sign = p[i] == '-' ? -1 : 1;
		if (n - i == 6 && p[i + 3] == ':' && num(p + i + 1, 2, &fh) == 0 &&
		    num(p + i + 4, 2, &fm) == 0)
			i += 6;
		else if (n - i == 5 && num(p + i + 1, 2, &fh) == 0 &&
		    num(p + i + 3, 2, &fm) == 0)
			i += 5;
		else if (n - i == 3 && num(p + i + 1, 2, &fh) == 0) {
			fm = 0;
			i += 3;
		} else
			return -1;
		if (fh > 23 || fm > 59)
			return -1;
		off = sign * ((int64_t)fh * 3600 + fm * 60);
	}
	if (i != n)
		return -1;
	t = days * 86400 + hh * 3600 + mm * 60 + ss - off;
	*us = t * 1000000 + frac;
	return 0;
}

/* A DOUBLE holds a number written with a point or an exponent and at
 * most 17 significant digits: its shortest form reads back the same.
 * Longer digit strings (ids, codes) would lose digits: TEXT instead. */
static int double_exact_enough(const char *p, size_t n)
{
	size_t i, sig = 0;
	int started = 0, point = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == 'e' || p[i] == 'E')
			return sig <= 17;
		if (p[i] == '.')
			point = 1;
		if (!digit(p[i]))
			continue;
		if (p[i] != '0')
			started = 1;
		if (started)
			sig++;
	}
	return point && sig <= 17;
}

void rdb_infer_init(struct rdb_infer *f)
{
	memset(f, 0, sizeof *f);
	f->cand = CAND_ALL;
}

void rdb_infer_add(struct rdb_infer *f, const char *p, size_t n)
{
	unsigned c = f->cand;
	int64_t i64;
	int32_t d32;
	int b, id, fd;
	double d;
	__int128 dec;

	f->values++;
	if ((c & CAND_BOOL) && rdb_parse_bool(p, n, 1, &b) != 0)
		c &= ~CAND_BOOL;
	if (c & (CAND_INT | CAND_BIGINT)) {
		if (rdb_parse_int(p, n, 1, &i64) != 0)
			c &= ~(CAND_INT | CAND_BIGINT);
		else if (i64 < INT32_MIN || i64 > INT32_MAX)
			c &= ~CAND_INT;
	}
	if (c & CAND_DEC) {
		if (rdb_parse_decimal(p, n, 1, -1, &dec, &id, &fd) != 0 ||
		    id + fd > 38) {
			c &= ~CAND_DEC;
		} else {
			if (id > f->int_digits)
				f->int_digits = id;
			if (fd > f->scale)
				f->scale = fd;
			if (f->int_digits + f->scale > 38)
				c &= ~CAND_DEC;
		}
	}
	if ((c & CAND_DOUBLE) && (rdb_parse_double(p, n, 1, &d) != 0 ||
	    !double_exact_enough(p, n)))
		c &= ~CAND_DOUBLE;
	if ((c & CAND_DATE) && rdb_parse_date(p, n, &d32) != 0)
		c &= ~CAND_DATE;
	if ((c & CAND_TS) && rdb_parse_timestamp(p, n, &i64) != 0 &&
	    rdb_parse_date(p, n, &d32) != 0)
		c &= ~CAND_TS;	/* a date is a timestamp at midnight */
	if ((c & CAND_JSON) && (n == 0 || (p[0] != '{' && p[0] != '[') ||
	    !rdb_utf8_valid((const uint8_t *)p, n) ||
	    !rdb_json_valid((const uint8_t *)p, n)))
		c &= ~CAND_JSON;
	f->cand = c;
}

void rdb_infer_type(const struct rdb_infer *f, enum rdb_type *t,
    uint8_t *precision, uint8_t *scale)
{
	unsigned c = f->cand;

	*precision = *scale = 0;
	if (f->values == 0)
		*t = RDB_TEXT;
	else if (c & CAND_BOOL)
		*t = RDB_BOOLEAN;
	else if (c & CAND_INT)
		*t = RDB_INTEGER;
	else if (c & CAND_BIGINT)
		*t = RDB_BIGINT;
	else if ((c & CAND_DEC) && f->scale > 0) {
		*t = RDB_DECIMAL;
		*precision = (uint8_t)(f->int_digits + f->scale);
		*scale = (uint8_t)f->scale;
	} else if (c & CAND_DEC) {
		/* integers too long for BIGINT, held exactly */
		*t = RDB_DECIMAL;
		*precision = (uint8_t)f->int_digits;
	} else if (c & CAND_DOUBLE)
		*t = RDB_DOUBLE;
	else if (c & CAND_DATE)
		*t = RDB_DATE;
	else if (c & CAND_TS)
		*t = RDB_TIMESTAMP;
	else if (c & CAND_JSON)
		*t = RDB_JSON;
	else
		*t = RDB_TEXT;
}
