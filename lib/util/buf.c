/*
 * buf.c - growable byte buffers and bounds-checked readers.
 */
#include <stdlib.h>

#include "util.h"

void rdb_buf_init(struct rdb_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

void rdb_buf_release(struct rdb_buf *b)
{
	free(b->p);
	rdb_buf_init(b);
}

int rdb_buf_reserve(struct rdb_buf *b, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (n <= b->cap - b->len)
		return RDB_OK;
	if (n > RDB_BUF_MAX - b->len)
		return RDB_ENOMEM;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap - b->len < n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL)
		return RDB_ENOMEM;
	b->p = p;
	b->cap = cap;
	return RDB_OK;
}

int rdb_grow(void *p, size_t *cap, size_t n, size_t size)
{
	void **pp = p, *q;
	size_t c;

	if (n < *cap)
		return RDB_OK;
	c = *cap < 16 ? 16 : *cap * 2;
	if (c > SIZE_MAX / 2 / size)
		return RDB_ENOMEM;
	q = realloc(*pp, c * size);
	if (q == NULL)
		return RDB_ENOMEM;
	*pp = q;
	*cap = c;
	return RDB_OK;
}

int rdb_buf_append(struct rdb_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return RDB_OK;
	if (rdb_buf_reserve(b, n) != RDB_OK)
		return RDB_ENOMEM;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return RDB_OK;
}

int rdb_buf_put8(struct rdb_buf *b, uint8_t v)
{
	return rdb_buf_append(b, &v, 1);
}

int rdb_buf_put32(struct rdb_buf *b, uint32_t v)
{
	uint8_t t[4];

	rdb_store32(t, v);
	return rdb_buf_append(b, t, 4);
}

int rdb_buf_put64(struct rdb_buf *b, uint64_t v)
{
	uint8_t t[8];

	rdb_store64(t, v);
	return rdb_buf_append(b, t, 8);
}

int rdb_buf_putvar(struct rdb_buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;

	while (v >= 0x80) {
		t[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (uint8_t)v;
	return rdb_buf_append(b, t, n);
}

static int rd_fail(struct rdb_rd *r)
{
	r->bad = 1;
	return -1;
}

int rdb_rd_get8(struct rdb_rd *r, uint8_t *v)
{
	if (r->bad || r->len - r->pos < 1)
		return rd_fail(r);
	*v = r->p[r->pos++];
	return 0;
}

int rdb_rd_get32(struct rdb_rd *r, uint32_t *v)
{
	if (r->bad || r->len - r->pos < 4)
		return rd_fail(r);
	*v = rdb_load32(r->p + r->pos);
	r->pos += 4;
	return 0;
}

int rdb_rd_get64(struct rdb_rd *r, uint64_t *v)
{
	if (r->bad || r->len - r->pos < 8)
		return rd_fail(r);
	*v = rdb_load64(r->p + r->pos);
	r->pos += 8;
	return 0;
}

int rdb_rd_getvar(struct rdb_rd *r, uint64_t *v)
{
	uint64_t x = 0;
	int shift = 0;
	uint8_t c;

	do {
		if (r->bad || r->pos >= r->len || shift > 63)
			return rd_fail(r);
		c = r->p[r->pos++];
		if (shift == 63 && (c & 0x7e) != 0)
			return rd_fail(r);	/* overflows 64 bits */
		x |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	*v = x;
	return 0;
}

int rdb_rd_bytes(struct rdb_rd *r, size_t n, const uint8_t **p)
{
	if (r->bad || r->len - r->pos < n)
		return rd_fail(r);
	*p = r->p + r->pos;
	r->pos += n;
	return 0;
}
