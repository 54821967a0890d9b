/*
 * sort.c - ORDER BY.
 *
 * Rows go to a row store, an index permutation is sorted, rows are
 * gathered out in order. With a LIMIT the store is cut back to the best
 * limit rows whenever it doubles past it (top-N in bounded memory).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/exec.h"

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

/* ---- sort ---- */

struct sort_op {
	struct op o;
	size_t nkeys;
	struct sort_key *keys;
	int64_t limit;
	size_t nout;
	struct rowstore rs;
	uint32_t *perm;
	size_t nperm, pos;
	int sorted;
	struct exec *x;
};

static int sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_op *s = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	size_t k;

	for (k = 0; k < s->nkeys; k++) {
		const struct sort_key *key = &s->keys[k];
		int col = key->col, c;
		const uint8_t *nl = s->rs.nulls[col];
		int na = nl != NULL && nl[a], nb = nl != NULL && nl[b];
		if (na || nb) {
			if (na && nb)
				continue;
			c = na ? 1 : -1;        /* NULL after values... */
			if (key->nulls_first)
				c = -c;
			return c;               /* ...whatever the direction */
		}
		switch (s->rs.types[col].id) {
		case T_DOUBLE: {
			double x = ((const double *)s->rs.vals[col])[a];
			double y = ((const double *)s->rs.vals[col])[b];
			c = isnan(x) || isnan(y) ? isnan(x) - isnan(y) : (x > y) - (x < y);
			break;
		}
		case T_DECIMAL: {
			__int128 x = ((const __int128 *)s->rs.vals[col])[a];
			__int128 y = ((const __int128 *)s->rs.vals[col])[b];
			c = (x > y) - (x < y);
			break;
		}
		case T_TEXT: case T_JSON: case T_BLOB: {
			const struct sql_str *x = &((const struct sql_str *)
			    s->rs.vals[col])[a];
			const struct sql_str *y = &((const struct sql_str *)
			    s->rs.vals[col])[b];
			uint32_t m = x->n < y->n ? x->n : y->n;
			c = m ? memcmp(x->p, y->p, m) : 0;
			if (c == 0)
				c = (x->n > y->n) - (x->n < y->n);
			else
				c = c < 0 ? -1 : 1;
			break;
		}
		case T_INTERVAL: {
			struct sql_val va, vb;
			rs_get(&s->rs, (size_t)col, a, &va);
			rs_get(&s->rs, (size_t)col, b, &vb);
			c = sql_val_cmp(&va, &vb);
			break;
		}
		case T_NULL:
			c = 0;
			break;
		default: {
			int64_t x = ((const int64_t *)s->rs.vals[col])[a];
			int64_t y = ((const int64_t *)s->rs.vals[col])[b];
			c = (x > y) - (x < y);
		}
		}
		if (c != 0)
			return key->desc ? -c : c;
	}
	return (a > b) - (a < b);       /* stable */
}

static int sort_perm(struct exec *x, struct sort_op *s)
{
	size_t i;
	uint32_t *p = realloc(s->perm, (s->rs.n + 1) * sizeof(*p));

	if (p == NULL)
		return oom(x);
	s->perm = p;
	for (i = 0; i < s->rs.n; i++)
		p[i] = (uint32_t)i;
	qsort_r(p, s->rs.n, sizeof(*p), sort_cmp, s);
	s->nperm = s->rs.n;
	return 0;
}

/* Keep only the best keep rows of the store (top-N). */
static int sort_trim(struct exec *x, struct sort_op *s, size_t keep)
{
	struct rowstore nrs;
	struct sql_arena a;
	size_t c, done;
	int rc;

	if ((rc = sort_perm(x, s)) != 0)
		return rc;
	if (keep > s->rs.n)
		keep = s->rs.n;
	if (rs_init(&nrs, s->rs.ncols, s->rs.types) != 0)
		return oom(x);
	sql_arena_init(&a);
	for (done = 0; done < keep; done += SQL_CHUNK) {
		struct sql_chunk ch;
		size_t n = keep - done > SQL_CHUNK ? SQL_CHUNK : keep - done;
		sql_arena_reset(&a);
		ch.n = n;
		ch.ncols = s->rs.ncols;
		ch.cols = sql_arena_alloc(&a, sizeof(*ch.cols) * (ch.ncols + 1));
		if (ch.cols == NULL)
			goto fail;
		for (c = 0; c < s->rs.ncols; c++)
			if (rs_gather(&s->rs, c, s->perm + done, n, &ch.cols[c], &a))
				goto fail;
		if (rs_append(&nrs, &ch, NULL, 0) != 0)
			goto fail;
	}
	sql_arena_release(&a);
	rs_release(&s->rs);
	s->rs = nrs;
	return 0;
fail:
	sql_arena_release(&a);
	rs_release(&nrs);
	return oom(x);
}

static int sort_next(struct exec *x, struct op *o)
{
	struct sort_op *s = (struct sort_op *)o;
	size_t n, c;
	int rc;

	if (!s->sorted) {
		struct op *k = o->kid[0];
		size_t cut = s->limit >= 0 ? (size_t)s->limit : 0;
		if (rs_init(&s->rs, k->ncols, k->types) != 0)
			return oom(x);
		while ((rc = op_next(x, k)) > 0) {
			if (rs_append(&s->rs, &k->out, NULL, 0) != 0)
				return oom(x);
			if (s->limit >= 0 && s->rs.n >= 2 * cut + 4096 &&
			    (rc = sort_trim(x, s, cut)) != 0)
				return rc;
			if (s->rs.n >= UINT32_MAX - SQL_CHUNK)
				return sql_error(&x->cx, "too many rows to sort");
			if (x->memory_limit && s->rs.bytes + s->rs.text.used >
			    x->memory_limit)
				return sql_error(&x->cx, "ORDER BY exceeds the memory "
				    "limit (%llu MB); raise --memory-limit",
				    (unsigned long long)(x->memory_limit >> 20));
		}
		if (rc < 0)
			return rc;
		if ((rc = sort_perm(x, s)) != 0)
			return rc;
		if (s->limit >= 0 && s->nperm > cut)
			s->nperm = cut;
		s->sorted = 1;
	}
	if (s->pos >= s->nperm)
		return 0;
	n = s->nperm - s->pos;
	if (n > SQL_CHUNK)
		n = SQL_CHUNK;
	for (c = 0; c < s->nout; c++)
		if (rs_gather(&s->rs, c, s->perm + s->pos, n, &o->out.cols[c],
		    &o->out.arena) != 0)
			return oom(x);
	s->pos += n;
	o->out.n = n;
	return 1;
}

static void sort_close(struct op *o)
{
	struct sort_op *s = (struct sort_op *)o;

	rs_release(&s->rs);
	free(s->perm);
	free(s->keys);
}

static const struct op_vt sort_vt = { "SORT", sort_next, sort_close };

struct op *op_sort(struct exec *x, struct op *kid, size_t nkeys,
    const struct sort_key *keys, int64_t limit, size_t nout)
{
	struct sort_op *s = op_new(x, sizeof(*s), &sort_vt, nout, kid->types);

	if (s == NULL) {
		op_free(kid);
		return NULL;
	}
	s->o.kid[0] = kid;
	s->keys = malloc((nkeys + 1) * sizeof(*keys));
	if (s->keys == NULL) {
		op_free(&s->o);
		oom(x);
		return NULL;
	}
	memcpy(s->keys, keys, nkeys * sizeof(*keys));
	s->nkeys = nkeys;
	s->limit = limit;
	s->nout = nout;
	if (limit >= 0)
		snprintf(s->o.detail, sizeof(s->o.detail), "%zu key%s, top %lld",
		    nkeys, nkeys == 1 ? "" : "s", (long long)limit);
	else
		snprintf(s->o.detail, sizeof(s->o.detail), "%zu key%s", nkeys,
		    nkeys == 1 ? "" : "s");
	return &s->o;
}
