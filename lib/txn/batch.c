/*
 * batch.c - types and column batches built row by row.
 */
#include <stdlib.h>

#include "txn/batch.h"

const char *rdb_type_name(enum rdb_type t)
{
	static const char *const names[] = { "?", "BOOLEAN", "INTEGER",
		"BIGINT", "DOUBLE", "DECIMAL", "TEXT", "DATE", "TIMESTAMP",
		"JSON", "BLOB" };

	return (unsigned)t <= RDB_BLOB ? names[t] : "?";
}

size_t rdb_type_width(enum rdb_type t)
{
	switch (t) {
	case RDB_BOOLEAN:
		return 1;
	case RDB_INTEGER:
	case RDB_DATE:
		return 4;
	case RDB_BIGINT:
	case RDB_TIMESTAMP:
	case RDB_DOUBLE:
		return 8;
	case RDB_DECIMAL:
		return 16;
	default:
		return 0;
	}
}

int rdb_type_valid(unsigned t)
{
	return t >= RDB_BOOLEAN && t <= RDB_BLOB;
}

int rdb_type_is_var(enum rdb_type t)
{
	return t == RDB_TEXT || t == RDB_JSON || t == RDB_BLOB;
}

int rdb_vec_is_null(const struct rdb_vec *v, size_t row)
{
	return v->validity != NULL && !(v->validity[row / 8] & (1u << (row % 8)));
}

struct rdb_batch *rdb_batch_new(size_t ncols, const enum rdb_type *types)
{
	struct rdb_batchx *x = calloc(1, sizeof *x);
	size_t i;

	if (x == NULL)
		return NULL;
	x->b.ncols = ncols;
	x->b.cols = calloc(ncols > 0 ? ncols : 1, sizeof *x->b.cols);
	x->vx = calloc(ncols > 0 ? ncols : 1, sizeof *x->vx);
	if (x->b.cols == NULL || x->vx == NULL) {
		free(x->b.cols);
		free(x->vx);
		free(x);
		return NULL;
	}
	for (i = 0; i < ncols; i++)
		x->b.cols[i].type = types[i];
	return &x->b;
}

void rdb_batch_free(struct rdb_batch *b)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->ncols; i++) {
		free(b->cols[i].validity);
		free(b->cols[i].values);
		free(b->cols[i].offsets);
	}
	free(b->cols);
	free(x->vx);
	free(b->rowids);
	free(x);
}

void rdb_batch_clear(struct rdb_batch *b)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	size_t i;

	b->nrows = 0;
	for (i = 0; i < b->ncols; i++) {
		x->vx[i].n = 0;
		x->vx[i].bytes = 0;
		x->vx[i].has_null = 0;
		if (b->cols[i].validity != NULL)
			memset(b->cols[i].validity, 0xff, x->vx[i].cap / 8 + 1);
	}
}

/* Make room for values up to index last in column col (one slot more
 * is kept), and for extra_bytes more bytes of a var-width one. */
static int vec_reserve(struct rdb_batchx *x, size_t col, size_t last,
    size_t extra_bytes)
{
	struct rdb_vec *v = &x->b.cols[col];
	struct rdb_vecx *vx = &x->vx[col];
	size_t w = rdb_width(v->type);

	if (last + 1 >= vx->cap) {
		size_t cap = vx->cap < 64 ? 64 : vx->cap * 2;
		uint8_t *valid;
		while (last + 1 >= cap)
			cap *= 2;
		if (w > 0) {
			void *p = realloc(v->values, cap * w);
			if (p == NULL)
				return RDB_ENOMEM;
			v->values = p;
		} else {
			uint32_t *o = realloc(v->offsets, (cap + 1) * sizeof *o);
			if (o == NULL)
				return RDB_ENOMEM;
			v->offsets = o;
			if (vx->n == 0)
				o[0] = 0;
		}
		if (v->validity != NULL) {
			valid = realloc(v->validity, cap / 8 + 1);
			if (valid == NULL)
				return RDB_ENOMEM;
			memset(valid + vx->cap / 8 + 1, 0xff,
			    cap / 8 - vx->cap / 8);
			v->validity = valid;
		}
		vx->cap = cap;
	}
	if (w == 0 && extra_bytes > vx->bcap - vx->bytes) {
		size_t bcap = vx->bcap < 256 ? 256 : vx->bcap;
		void *p;
		if (extra_bytes > UINT32_MAX - vx->bytes)
			return RDB_ENOMEM;	/* offsets are 32-bit */
		while (bcap - vx->bytes < extra_bytes)
			bcap *= 2;
		p = realloc(v->values, bcap);
		if (p == NULL)
			return RDB_ENOMEM;
		v->values = p;
		vx->bcap = bcap;
	}
	return RDB_OK;
}

/* Make room for one more value in column col. */
static int vec_grow(struct rdb_batchx *x, size_t col, size_t extra_bytes)
{
	return vec_reserve(x, col, x->vx[col].n, extra_bytes);
}

int rdb_batch_room(struct rdb_batch *b, size_t n)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	size_t i, cap = SIZE_MAX;

	if (b->nrows + n < x->rowcap)
		return RDB_OK;
	for (i = 0; i < b->ncols; i++) {
		if (vec_reserve(x, i, b->nrows + n - 1, 0) != RDB_OK)
			return RDB_ENOMEM;
		if (x->vx[i].cap < cap)
			cap = x->vx[i].cap;
	}
	x->rowcap = b->ncols > 0 ? cap : 0;
	return RDB_OK;
}

int rdb_batch_presize(struct rdb_batch *b, size_t rows, const size_t *bytes)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	size_t i;

	if (rows > 0 && rdb_batch_room(b, rows) != RDB_OK)
		return RDB_ENOMEM;
	for (i = 0; bytes != NULL && i < b->ncols; i++)
		if (rdb_type_is_var(b->cols[i].type) && bytes[i] > 0 &&
		    vec_reserve(x, i, x->vx[i].n, bytes[i]) != RDB_OK)
			return RDB_ENOMEM;
	return RDB_OK;
}

size_t rdb_batch_bytes(const struct rdb_batch *b, size_t col)
{
	return ((const struct rdb_batchx *)b)->vx[col].bytes;
}

int rdb_batch_end_rows(struct rdb_batch *b, size_t n)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	size_t i;

	for (i = 0; i < b->ncols; i++)
		if (x->vx[i].n != b->nrows + n)
			return RDB_EMISUSE;
	b->nrows += n;
	return RDB_OK;
}

int rdb_batch_grow_bytes(struct rdb_batch *b, size_t col, size_t n)
{
	return vec_grow((struct rdb_batchx *)b, col, n);
}

static int check_col(struct rdb_batchx *x, size_t col)
{
	if (col >= x->b.ncols || x->vx[col].n != x->b.nrows)
		return RDB_EMISUSE;
	return RDB_OK;
}

int rdb_batch_put_null(struct rdb_batch *b, size_t col)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	int rc;

	if ((rc = check_col(x, col)) != RDB_OK)
		return rc;
	return rdb_batch_set_null(b, col);
}

int rdb_batch_set_null(struct rdb_batch *b, size_t col)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	struct rdb_vec *v;
	struct rdb_vecx *vx;
	size_t w;
	int rc;

	if ((rc = vec_grow(x, col, 0)) != RDB_OK)
		return rc;
	v = &b->cols[col];
	vx = &x->vx[col];
	if (v->validity == NULL) {
		v->validity = malloc(vx->cap / 8 + 1);
		if (v->validity == NULL)
			return RDB_ENOMEM;
		memset(v->validity, 0xff, vx->cap / 8 + 1);
	}
	v->validity[vx->n / 8] &= (uint8_t)~(1u << (vx->n % 8));
	vx->has_null = 1;
	w = rdb_width(v->type);
	if (w > 0)
		memset((uint8_t *)v->values + vx->n * w, 0, w);
	else
		v->offsets[vx->n + 1] = (uint32_t)vx->bytes;
	vx->n++;
	return RDB_OK;
}

static void *slot(struct rdb_batchx *x, size_t col)
{
	struct rdb_vec *v = &x->b.cols[col];

	if (v->validity != NULL)
		v->validity[x->vx[col].n / 8] |= (uint8_t)(1u << (x->vx[col].n % 8));
	return (uint8_t *)v->values + x->vx[col].n * rdb_width(v->type);
}

int rdb_batch_put_int(struct rdb_batch *b, size_t col, int64_t val)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	void *p;
	int rc;

	if ((rc = check_col(x, col)) != RDB_OK)
		return rc;
	switch (b->cols[col].type) {
	case RDB_BOOLEAN:
		if (val != 0 && val != 1)
			return RDB_EMISUSE;
		break;
	case RDB_INTEGER:
	case RDB_DATE:
		if (val < INT32_MIN || val > INT32_MAX)
			return RDB_EMISUSE;
		break;
	case RDB_BIGINT:
	case RDB_TIMESTAMP:
		break;
	default:
		return RDB_EMISUSE;
	}
	if ((rc = vec_grow(x, col, 0)) != RDB_OK)
		return rc;
	p = slot(x, col);
	switch (rdb_width(b->cols[col].type)) {
	case 1:
		*(uint8_t *)p = (uint8_t)val;
		break;
	case 4: {
		int32_t v32 = (int32_t)val;
		memcpy(p, &v32, 4);
		break;
	}
	default:
		memcpy(p, &val, 8);
	}
	x->vx[col].n++;
	return RDB_OK;
}

int rdb_batch_put_double(struct rdb_batch *b, size_t col, double val)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	int rc;

	if ((rc = check_col(x, col)) != RDB_OK)
		return rc;
	if (b->cols[col].type != RDB_DOUBLE)
		return RDB_EMISUSE;
	if ((rc = vec_grow(x, col, 0)) != RDB_OK)
		return rc;
	memcpy(slot(x, col), &val, 8);
	x->vx[col].n++;
	return RDB_OK;
}

int rdb_batch_put_decimal(struct rdb_batch *b, size_t col, uint64_t lo,
    uint64_t hi)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	uint64_t pair[2] = { lo, hi };
	int rc;

	if ((rc = check_col(x, col)) != RDB_OK)
		return rc;
	if (b->cols[col].type != RDB_DECIMAL)
		return RDB_EMISUSE;
	if ((rc = vec_grow(x, col, 0)) != RDB_OK)
		return rc;
	memcpy(slot(x, col), pair, 16);
	x->vx[col].n++;
	return RDB_OK;
}

int rdb_batch_put_bytes(struct rdb_batch *b, size_t col, const void *p,
    size_t n)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	struct rdb_vec *v;
	struct rdb_vecx *vx;
	int rc;

	if ((rc = check_col(x, col)) != RDB_OK)
		return rc;
	v = &b->cols[col];
	if (!rdb_type_is_var(v->type))
		return RDB_EMISUSE;
	if ((rc = vec_grow(x, col, n)) != RDB_OK)
		return rc;
	vx = &x->vx[col];
	if (v->validity != NULL)
		v->validity[vx->n / 8] |= (uint8_t)(1u << (vx->n % 8));
	if (n > 0)
		memcpy((uint8_t *)v->values + vx->bytes, p, n);
	vx->bytes += n;
	v->offsets[vx->n + 1] = (uint32_t)vx->bytes;
	vx->n++;
	return RDB_OK;
}

int rdb_batch_end_row(struct rdb_batch *b)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	size_t i;

	for (i = 0; i < b->ncols; i++)
		if (x->vx[i].n != b->nrows + 1)
			return RDB_EMISUSE;
	b->nrows++;
	return RDB_OK;
}

int rdb_batch_has_nulls(const struct rdb_batch *b, size_t col)
{
	const struct rdb_batchx *x = (const struct rdb_batchx *)b;

	return x->vx[col].has_null;
}

void rdb_batch_drop_row(struct rdb_batch *b)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	size_t i;

	for (i = 0; i < b->ncols; i++) {
		if (x->vx[i].n > b->nrows) {
			x->vx[i].n = b->nrows;
			if (b->cols[i].offsets != NULL)
				x->vx[i].bytes = b->cols[i].offsets[b->nrows];
		}
	}
}
