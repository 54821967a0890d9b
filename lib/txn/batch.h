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
};

int rdb_type_valid(unsigned t);

/* rdb_type_width, inline for the per-value paths. */
static inline size_t rdb_width(enum rdb_type t)
{
	static const unsigned char w[] = { 0, 1, 4, 8, 8, 16, 0, 4, 8, 0, 0 };

	return (unsigned)t < sizeof w ? w[t] : 0;
}
int rdb_type_is_var(enum rdb_type t);
/* Forget the values put for the row being built. */
void rdb_batch_drop_row(struct rdb_batch *b);
/* Whether column col of a builder batch received a NULL. */
int rdb_batch_has_nulls(const struct rdb_batch *b, size_t col);

#endif
