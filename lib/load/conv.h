/*
 * conv.h - text to typed values: the parsers type inference and
 * conversion share, and the inference lattice.
 */
#ifndef RDB_LOAD_CONV_H
#define RDB_LOAD_CONV_H

#include "util/util.h"

/* Candidate types of a column under inference. */
#define CAND_BOOL 0x01
#define CAND_INT 0x02
#define CAND_BIGINT 0x04
#define CAND_DEC 0x08
#define CAND_DOUBLE 0x10
#define CAND_DATE 0x20
#define CAND_TS 0x40
#define CAND_JSON 0x80
#define CAND_ALL 0xff

struct rdb_infer {
	unsigned cand;
	uint64_t values;        /* non-NULL values seen */
	int int_digits;         /* DECIMAL: most digits before the point */
	int scale;              /* DECIMAL: most digits after it */
};

void rdb_infer_init(struct rdb_infer *f);
/* Narrow f by one value; quoted marks a quoted field (text-like). */
void rdb_infer_add(struct rdb_infer *f, const char *p, size_t n);
/* The type the evidence supports; TEXT when nothing else fits. */
void rdb_infer_type(const struct rdb_infer *f, enum rdb_type *t,
    uint8_t *precision, uint8_t *scale);

/* Strict parsers used by inference (no leading zeros, no '+'), and
 * lenient ones (strict = 0) used to convert into declared types.
 * Each returns 0 on success. */
int rdb_parse_bool(const char *p, size_t n, int strict, int *v);
int rdb_parse_int(const char *p, size_t n, int strict, int64_t *v);
/* Decimal text to an unscaled 128-bit value at scale; *int_digits and
 * *frac_digits report its shape. Fails past 38 digits, or when it has
 * more fraction digits than scale (scale -1: any, reported). */
int rdb_parse_decimal(const char *p, size_t n, int strict, int scale,
    __int128 *v, int *int_digits, int *frac_digits);
int rdb_parse_double(const char *p, size_t n, int strict, double *v);
int rdb_parse_date(const char *p, size_t n, int32_t *days);
int rdb_parse_timestamp(const char *p, size_t n, int64_t *us);

/* Days since 1970-01-01 of a civil date. */
int64_t rdb_days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * Fast paths for the loader's inner loops: each takes only the common,
 * canonical spelling (which the strict and the lenient parser above
 * both read the same way) and returns -1 for anything else, for the
 * caller to hand to the parser above: never a different value.
 */

/* [-]digits without leading zeros ("0" itself, not "-0"), at most 18. */
static inline int rdb_parse_int_fast(const char *p, size_t n, int64_t *v)
{
	uint64_t x = 0;
	size_t i;
	int neg;

	if (n == 0)
		return -1;
	i = p[0] == '-';
	neg = (int)i;
	if (n - i - 1 >= 18 || (p[i] == '0' && (n - i > 1 || neg)))
		return -1;	/* empty, long, or a leading zero */
	for (; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)p[i] - '0';
		if (d > 9)
			return -1;
		x = x * 10 + d;
	}
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

/* A decimal at scale: [-]int[.frac], int without leading zeros, frac
 * of at most scale digits, 18 digits in all, not a negative zero; *v
 * unscaled, *int_digits as rdb_parse_decimal counts them. */
static inline int rdb_parse_dec_fast(const char *p, size_t n, int scale,
    int64_t *v, int *int_digits)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000,
		1000000, 10000000, 100000000, 1000000000, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL };
	uint64_t x = 0;
	size_t i, s, f;
	int neg, id, fd;

	if (n == 0 || n > 19 || (unsigned)scale > 18)
		return -1;
	i = s = p[0] == '-';
	neg = (int)i;
	for (; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)p[i] - '0';
		if (d > 9)
			break;
		x = x * 10 + d;
	}
	id = (int)(i - s);
	if (id == 0 || (p[s] == '0' && id > 1))
		return -1;
	fd = 0;
	if (i < n) {
		if (p[i] != '.' || i + 1 == n)
			return -1;
		for (f = ++i; i < n; i++) {
			unsigned d = (unsigned)(unsigned char)p[i] - '0';
			if (d > 9)
				return -1;
			x = x * 10 + d;
		}
		fd = (int)(i - f);
		if (fd > scale)
			return -1;
	}
	if (id + scale > 18 || (neg && x == 0))
		return -1;
	x *= pow10[scale - fd];
	*v = neg ? -(int64_t)x : (int64_t)x;
	*int_digits = p[s] == '0' ? 1 : id;
	return 0;
}

/* YYYY-MM-DD, checked as rdb_parse_date checks it. */
static inline int rdb_parse_date_fast(const char *p, size_t n, int32_t *days)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
		30, 31, 30, 31 };
	unsigned y0, y1, y2, y3, m0, m1, d0, d1, y, m, d;

	if (n != 10 || p[4] != '-' || p[7] != '-')
		return -1;
	y0 = (unsigned char)p[0] - '0';
	y1 = (unsigned char)p[1] - '0';
	y2 = (unsigned char)p[2] - '0';
	y3 = (unsigned char)p[3] - '0';
	m0 = (unsigned char)p[5] - '0';
	m1 = (unsigned char)p[6] - '0';
	d0 = (unsigned char)p[8] - '0';
	d1 = (unsigned char)p[9] - '0';
	if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) |
	    (d0 > 9) | (d1 > 9))
		return -1;
	y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
	m = m0 * 10 + m1;
	d = d0 * 10 + d1;
	if (y == 0)
		return -1;	/* year 0 counts back past the era: the full way */
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return -1;
	{
		/* rdb_days_from_civil for a year of four digits: unsigned, so
		 * the divisions are multiplications */
		unsigned yy = y - (m <= 2), era = yy / 400, yoe = yy - era * 400;
		unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
		unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		*days = (int32_t)(era * 146097 + doe) - 719468;
	}
	return 0;
}

#endif
