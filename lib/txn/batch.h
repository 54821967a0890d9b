/*
 * batch.h - growable column batches behind the public struct rdb_batch.
 */
#ifndef RDB_TXN_BATCH_H
#define RDB_TXN_BATCH_H

#include "util/util.h"

struct rdb_vecx {
	size_t n;               /* values put so far */
	size_t cap;             /* value slots allocated */
	size_t bytes;           /* var-width: bytes used */
	size_t bcap;            /* var-width: bytes allocated */
	int has_null;
};

/* Every batch from rdb_batch_new is one of these. */
struct rdb_batchx {
	struct rdb_batch b;
	struct rdb_vecx *vx;
	size_t rowcap;          /* every column has value slots for this
	                           many rows (rdb_batch_room) */
};

int rdb_type_valid(unsigned t);

/* rdb_type_width, inline for the per-value paths. */
static inline size_t rdb_width(enum rdb_type t)
{
	static const unsigned char w[] = { 0, 1, 4, 8, 8, 16, 0, 4, 8, 0, 0 };

	return (unsigned)t < sizeof w ? w[t] : 0;
}
int rdb_type_is_var(enum rdb_type t);
/*
 * The loader's way in, one value at a time without the checks of the
 * rdb_batch_put functions: rdb_batch_room makes room for n more rows
 * in every column, then each column gets exactly one value a row from
 * the rdb_batch_set functions (or rdb_batch_put_null), of its type,
 * row by row or column by column, then rdb_batch_end_row, or
 * rdb_batch_end_rows for all n.
 */
int rdb_batch_room(struct rdb_batch *b, size_t n);
/* Room for rows more rows, and for bytes[i] more bytes in each var-width
 * column i (bytes may be NULL): sized once instead of doubling. */
int rdb_batch_presize(struct rdb_batch *b, size_t rows, const size_t *bytes);
/* Bytes held by var-width column col. */
size_t rdb_batch_bytes(const struct rdb_batch *b, size_t col);
int rdb_batch_set_null(struct rdb_batch *b, size_t col);
int rdb_batch_end_rows(struct rdb_batch *b, size_t n);
int rdb_batch_grow_bytes(struct rdb_batch *b, size_t col, size_t n);

static inline void *rdb_batch_next_(struct rdb_batch *b, size_t col,
    size_t width)
{
	struct rdb_vecx *vx = &((struct rdb_batchx *)b)->vx[col];
	struct rdb_vec *v = &b->cols[col];
	size_t n = vx->n++;

	if (v->validity != NULL)
		v->validity[n / 8] |= (uint8_t)(1u << (n % 8));
	return (uint8_t *)v->values + n * width;
}

static inline void rdb_batch_set_u8(struct rdb_batch *b, size_t col,
    uint8_t val)
{
	*(uint8_t *)rdb_batch_next_(b, col, 1) = val;
}

static inline void rdb_batch_set_i32(struct rdb_batch *b, size_t col,
    int32_t val)
{
	memcpy(rdb_batch_next_(b, col, 4), &val, 4);
}

/* BIGINT, TIMESTAMP, and DOUBLE's bits */
static inline void rdb_batch_set_i64(struct rdb_batch *b, size_t col,
    int64_t val)
{
	memcpy(rdb_batch_next_(b, col, 8), &val, 8);
}

static inline void rdb_batch_set_dec(struct rdb_batch *b, size_t col,
    uint64_t lo, uint64_t hi)
{
	uint64_t pair[2] = { lo, hi };

	memcpy(rdb_batch_next_(b, col, 16), pair, 16);
}

/* TEXT, JSON, BLOB: RDB_OK or RDB_ENOMEM (nothing put) */
static inline int rdb_batch_set_bytes(struct rdb_batch *b, size_t col,
    const void *p, size_t n)
{
	struct rdb_vecx *vx = &((struct rdb_batchx *)b)->vx[col];
	struct rdb_vec *v = &b->cols[col];

	if (n > vx->bcap - vx->bytes && rdb_batch_grow_bytes(b, col, n) != RDB_OK)
		return RDB_ENOMEM;
	if (v->validity != NULL)
		v->validity[vx->n / 8] |= (uint8_t)(1u << (vx->n % 8));
	if (n > 0)
		memcpy((uint8_t *)v->values + vx->bytes, p, n);
	vx->bytes += n;
	v->offsets[++vx->n] = (uint32_t)vx->bytes;
	return RDB_OK;
}

/* Forget the values put for the row being built. */
void rdb_batch_drop_row(struct rdb_batch *b);
/* Whether column col of a builder batch received a NULL. */
int rdb_batch_has_nulls(const struct rdb_batch *b, size_t col);

#endif
