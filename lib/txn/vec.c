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

void rdb_vb_adopt(struct rdb_vbuild *b, struct rdb_vec *v, size_t n)
{
	size_t w = rdb_width(b->v.type);
	uint8_t *valid = v->validity;

	if (valid == NULL) {
		/* appends after a reset write validity bits: keep a map */
		valid = malloc(n / 8 + 1);
		if (valid == NULL)
			return;     /* the caller sees b->n != n and copies */
	}
	rdb_vec_release(&b->v);
	b->v.values = v->values;
	b->v.offsets = v->offsets;
	b->v.validity = valid;
	b->has_null = v->validity != NULL;
	b->n = n;
	b->cap = n;
	b->bytes = w == 0 ? v->offsets[n] : 0;
	b->bcap = b->bytes;
	v->values = NULL;
	v->offsets = NULL;
	v->validity = NULL;
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
	size_t w = rdb_width(b->v.type);

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

int rdb_vb_reserve(struct rdb_vbuild *b, size_t rows, size_t bytes)
{
	return grow(b, rows, bytes);
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

/* Set (or clear) bits [from, from + n) of map. */
static void bits_fill(uint8_t *map, size_t from, size_t n, int set)
{
	size_t end = from + n;

	while (from < end && from % 8 != 0) {
		if (set)
			map[from / 8] |= (uint8_t)(1u << (from % 8));
		else
			map[from / 8] &= (uint8_t)~(1u << (from % 8));
		from++;
	}
	if (end - from >= 8) {
		memset(map + from / 8, set ? 0xff : 0, (end - from) / 8);
		from += (end - from) / 8 * 8;
	}
	while (from < end) {
		if (set)
			map[from / 8] |= (uint8_t)(1u << (from % 8));
		else
			map[from / 8] &= (uint8_t)~(1u << (from % 8));
		from++;
	}
}

/* Every row of src[start, start + count): copies in bulk, the scan's
 * hot path when no row of a chunk is hidden. */
static int append_all(struct rdb_vbuild *b, const struct rdb_vec *src,
    size_t start, size_t count)
{
	size_t w = rdb_width(b->v.type), i;

	if (src == NULL) {
		bits_fill(b->v.validity, b->n, count, 0);
		b->has_null = 1;
	} else if (src->validity == NULL) {
		bits_fill(b->v.validity, b->n, count, 1);
	} else {
		for (i = 0; i < count; i++) {
			int valid = !rdb_vec_is_null(src, start + i);
			bits_fill(b->v.validity, b->n + i, 1, valid);
			b->has_null |= !valid;
		}
	}
	if (w > 0) {
		uint8_t *d = (uint8_t *)b->v.values + b->n * w;
		if (src != NULL)
			memcpy(d, (const uint8_t *)src->values + start * w, count * w);
		else
			memset(d, 0, count * w);
	} else if (src == NULL) {
		for (i = 0; i < count; i++)
			b->v.offsets[b->n + 1 + i] = (uint32_t)b->bytes;
	} else {
		uint32_t first = src->offsets[start];
		uint32_t len = src->offsets[start + count] - first;
		uint32_t base = (uint32_t)b->bytes - first;
		memcpy((uint8_t *)b->v.values + b->bytes,
		    (const uint8_t *)src->values + first, len);
		for (i = 1; i <= count; i++)
			b->v.offsets[b->n + i] = src->offsets[start + i] + base;
		b->bytes += len;
	}
	b->n += count;
	return RDB_OK;
}

int rdb_vb_append(struct rdb_vbuild *b, const struct rdb_vec *src,
    size_t start, size_t count, const uint8_t *keep)
{
	size_t w = rdb_width(b->v.type), i, bytes = 0, rows = count;
	const uint8_t *sv = src != NULL ? src->values : NULL;

	if (w == 0 && src != NULL)
		bytes = src->offsets[start + count] - src->offsets[start];
	if (grow(b, rows, bytes) != RDB_OK)
		return RDB_ENOMEM;
	if (keep == NULL)
		return append_all(b, src, start, count);
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
