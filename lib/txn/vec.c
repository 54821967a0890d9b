/*
 * vec.c - growable column vectors.
 */
#include <stdlib.h>

#include "txn/batch.h"
#include "txn/vec.h"

void rdb_vb_init(struct rdb_vbuild *b, enum rdb_type t, uint8_t prec,
    uint8_t scale)
{
	memset(b, 0, sizeof *b);
	b->v.type = t;
	b->v.precision = prec;
	b->v.scale = scale;
}

void rdb_vec_release(struct rdb_vec *v)
{
	free(v->validity);
	free(v->values);
	free(v->offsets);
	v->validity = NULL;
	v->values = NULL;
	v->offsets = NULL;
}

void rdb_vb_release(struct rdb_vbuild *b)
{
	rdb_vec_release(&b->v);
	rdb_vb_init(b, b->v.type, b->v.precision, b->v.scale);
}

void rdb_vb_reset(struct rdb_vbuild *b)
{
	b->n = 0;
	b->bytes = 0;
	b->has_null = 0;
	if (b->v.offsets != NULL)
		b->v.offsets[0] = 0;
}

static int grow(struct rdb_vbuild *b, size_t rows, size_t bytes)
{
	size_t w = rdb_type_width(b->v.type);

	if (b->n + rows > b->cap) {
		size_t cap = b->cap < 1024 ? 1024 : b->cap;
		void *p;
		while (cap < b->n + rows)
			cap *= 2;
		if (w > 0) {
			p = realloc(b->v.values, cap * w);
			if (p == NULL)
				return RDB_ENOMEM;
			b->v.values = p;
		} else {
			p = realloc(b->v.offsets, (cap + 1) * sizeof *b->v.offsets);
			if (p == NULL)
				return RDB_ENOMEM;
			b->v.offsets = p;
			if (b->n == 0)
				b->v.offsets[0] = 0;
		}
		p = realloc(b->v.validity, cap / 8 + 1);
		if (p == NULL)
			return RDB_ENOMEM;
		b->v.validity = p;
		b->cap = cap;
	}
	if (w == 0 && (bytes > b->bcap - b->bytes || b->v.values == NULL)) {
		size_t bcap = b->bcap < 4096 ? 4096 : b->bcap;
		void *p;
		if (bytes > UINT32_MAX - b->bytes)
			return RDB_ENOMEM;
		while (bcap - b->bytes < bytes)
			bcap *= 2;
		p = realloc(b->v.values, bcap);
		if (p == NULL)
			return RDB_ENOMEM;
		b->v.values = p;
		b->bcap = bcap;
	}
	return RDB_OK;
}

static void set_valid(struct rdb_vbuild *b, size_t i, int valid)
{
	if (valid)
		b->v.validity[i / 8] |= (uint8_t)(1u << (i % 8));
	else {
		b->v.validity[i / 8] &= (uint8_t)~(1u << (i % 8));
		b->has_null = 1;
	}
}

int rdb_vb_append(struct rdb_vbuild *b, const struct rdb_vec *src,
    size_t start, size_t count, const uint8_t *keep)
{
	size_t w = rdb_type_width(b->v.type), i, bytes = 0, rows = count;
	const uint8_t *sv = src != NULL ? src->values : NULL;

	if (w == 0 && src != NULL)
		bytes = src->offsets[start + count] - src->offsets[start];
	if (grow(b, rows, bytes) != RDB_OK)
		return RDB_ENOMEM;
	for (i = start; i < start + count; i++) {
		int valid;
		if (keep != NULL && !keep[i - start])
			continue;
		valid = src != NULL && !rdb_vec_is_null(src, i);
		if (b->n % 8 == 0)
			b->v.validity[b->n / 8] = 0;
		set_valid(b, b->n, valid);
		if (w > 0) {
			uint8_t *d = (uint8_t *)b->v.values + b->n * w;
			if (src != NULL)
				memcpy(d, sv + i * w, w);
			else
				memset(d, 0, w);
		} else {
			size_t len = 0;
			if (src != NULL) {
				len = src->offsets[i + 1] - src->offsets[i];
				memcpy((uint8_t *)b->v.values + b->bytes,
				    sv + src->offsets[i], len);
			}
			b->bytes += len;
			b->v.offsets[b->n + 1] = (uint32_t)b->bytes;
		}
		b->n++;
	}
	return RDB_OK;
}
