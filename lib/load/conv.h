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

#endif
