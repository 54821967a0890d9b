/*
 * vec.h - growable column vectors: gather rows from sources (memory
 * rows, decoded chunks) into output batches and segment row groups.
 */
#ifndef RDB_TXN_VEC_H
#define RDB_TXN_VEC_H

#include "util/util.h"

struct rdb_vbuild {
	struct rdb_vec v;
	size_t n;
	size_t cap;
	size_t bytes;
	size_t bcap;
	int has_null;
};

void rdb_vb_init(struct rdb_vbuild *b, enum rdb_type t, uint8_t prec,
    uint8_t scale);
void rdb_vb_release(struct rdb_vbuild *b);
/* Make room for rows more rows and, var-width, bytes more bytes. */
int rdb_vb_reserve(struct rdb_vbuild *b, size_t rows, size_t bytes);
/* Forget the values, keep the memory. */
void rdb_vb_reset(struct rdb_vbuild *b);
/* Append rows start..start+count of src (NULL: that many NULLs), only
 * those whose keep[i - start] is non-zero when keep is not NULL. */
int rdb_vb_append(struct rdb_vbuild *b, const struct rdb_vec *src,
    size_t start, size_t count, const uint8_t *keep);
/* The validity pointer to publish: NULL when no value is NULL. */
static inline uint8_t *rdb_vb_validity(struct rdb_vbuild *b)
{
	return b->has_null ? b->v.validity : NULL;
}
/* Take over the malloc'd arrays of v (n rows) instead of copying them
 * (the scan's hot path when every row of a chunk is visible); v is left
 * empty. On failure b->n != n and v is untouched. */
void rdb_vb_adopt(struct rdb_vbuild *b, struct rdb_vec *v, size_t n);
/* Free a vector whose arrays were malloc'd. */
void rdb_vec_release(struct rdb_vec *v);

#endif
