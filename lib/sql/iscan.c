/*
 * iscan.c - choosing an index for a table scan, and the key ranges to
 * read through it (format/index.md).
 *
 * The planner hands over the conditions of the scan's WHERE that an
 * index can serve: column = constant, column IN (constants), and
 * column <, <=, >, >= constant (BETWEEN arrives as the last two). An
 * index serves them when they bind its leading columns: equalities on
 * a prefix of its key columns, then an IN list or a range on the next
 * one. The best index binds the most (equalities count twice, an IN
 * list as one more equality, a range once); the scan then reads, per
 * segment, only the rows whose keys' leading bytes fall in the ranges.
 * The filter above the scan still tests every row it gets, so an index
 * only ever spares reading rows [F-IDX-008]: a range may be wider than
 * its condition (several bounds on one column: the first of each side
 * is taken), never narrower.
 */
#include <stdlib.h>
#include <string.h>

#include "idx/idx.h"
#include "sql/plan.h"

/* The key form of constant v for a column of type t, desc or not
 * [F-IDX-004]; 0, or -1 when out of memory. */
static int put_val(struct rdb_buf *b, enum rdb_type t,
    const struct sql_val *v, int desc)
{
	struct rdb_vec vec;
	uint64_t dec[2];
	uint32_t off[2];

	switch (t) {
	case RDB_INTEGER: case RDB_BIGINT: case RDB_DATE: case RDB_TIMESTAMP:
		return rdb_idx_key_put_int(b, v->u.i, desc) == RDB_OK ? 0 : -1;
	case RDB_DOUBLE:
		return rdb_idx_key_put_double(b, v->u.d, desc) == RDB_OK ? 0 : -1;
	default:
		break;
	}
	memset(&vec, 0, sizeof(vec));
	vec.type = t;
	if (t == RDB_DECIMAL) {
		dec[0] = (uint64_t)(unsigned __int128)v->u.x;
		dec[1] = (uint64_t)((unsigned __int128)v->u.x >> 64);
		vec.values = dec;
	} else {
		off[0] = 0;
		off[1] = (uint32_t)v->u.s.n;
		vec.values = (void *)v->u.s.p;
		vec.offsets = off;
	}
	return rdb_idx_key_put(b, &vec, 0, desc) == RDB_OK ? 0 : -1;
}

/* Can a condition on a column of type t use an index with op? Text is
 * compared by equality only: its order in keys is that of bytes. */
static int usable(enum rdb_type t, int op)
{
	switch (t) {
	case RDB_INTEGER: case RDB_BIGINT: case RDB_DATE: case RDB_TIMESTAMP:
	case RDB_DOUBLE: case RDB_DECIMAL:
		return 1;
	case RDB_TEXT: case RDB_BLOB:
		return op == RDB_CMP_EQ || op == SQL_ICOND_IN;
	default:
		return 0;
	}
}

static const struct sql_icond *find(const struct sql_icond *c, size_t n,
    size_t col, enum rdb_type t, int want)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i].col != col || !usable(t, c[i].op))
			continue;
		if (want == RDB_CMP_EQ ? c[i].op == RDB_CMP_EQ :
		    want == SQL_ICOND_IN ? c[i].op == SQL_ICOND_IN :
		    want == RDB_CMP_GT ? (c[i].op == RDB_CMP_GT ||
		    c[i].op == RDB_CMP_GE) : (c[i].op == RDB_CMP_LT ||
		    c[i].op == RDB_CMP_LE))
			return &c[i];
	}
	return NULL;
}

/* How much of index x the conditions bind: its score, the equality
 * prefix length, and the IN list or bounds on the column after it. */
struct fit {
	int score;
	size_t neq;
	const struct sql_icond *in, *lo, *hi;
};

static struct fit fit_of(const struct rdb_table_desc *td,
    const struct rdb_index_desc *x, const struct sql_icond *c, size_t n)
{
	struct fit f;

	memset(&f, 0, sizeof(f));
	while (f.neq < x->nkeys && find(c, n, x->cols[f.neq],
	    td->cols[x->cols[f.neq]].type, RDB_CMP_EQ) != NULL)
		f.neq++;
	f.score = 2 * (int)f.neq;
	if (f.neq < x->nkeys) {
		size_t col = x->cols[f.neq];
		enum rdb_type t = td->cols[col].type;
		if ((f.in = find(c, n, col, t, SQL_ICOND_IN)) != NULL) {
			f.score += 2;
		} else {
			f.lo = find(c, n, col, t, RDB_CMP_GT);
			f.hi = find(c, n, col, t, RDB_CMP_LT);
			f.score += f.lo != NULL || f.hi != NULL;
		}
	}
	return f;
}

struct rdb_index_probe *plan_index_probe(const struct rdb_table_desc *td,
    const struct sql_icond *c, size_t n, const char **name)
{
	const struct rdb_index_desc *best = NULL;
	struct rdb_index_probe *p = NULL;
	struct rdb_key_range *r;
	struct rdb_buf keys;
	struct fit bf, f;
	size_t i, k, nr, *lo, *hi, *lon, *hin, plen;
	int desc;
	uint8_t *kb, *pre = NULL;

	memset(&bf, 0, sizeof(bf));
	for (i = 0; i < td->nindexes; i++) {
		f = fit_of(td, td->indexes[i], c, n);
		if (f.score > bf.score) {
			bf = f;
			best = td->indexes[i];
		}
	}
	if (best == NULL)
		return NULL;
	*name = best->name;
	rdb_buf_init(&keys);
	/* the equality prefix, shared by every range */
	for (k = 0; k < bf.neq; k++) {
		size_t col = best->cols[k];
		const struct sql_icond *e = find(c, n, col, td->cols[col].type,
		    RDB_CMP_EQ);
		if (put_val(&keys, td->cols[col].type, e->vals[0],
		    best->desc[k]) != 0)
			goto nomem;
	}
	plen = keys.len;
	if ((pre = malloc(plen + 1)) == NULL)
		goto nomem;
	if (plen > 0)
		memcpy(pre, keys.p, plen);
	nr = bf.in != NULL ? bf.in->n : 1;
	/* offsets and lengths of each range's bounds in keys; SIZE_MAX:
	 * open-ended */
	lo = calloc(4 * nr + 1, sizeof(*lo));
	if (lo == NULL)
		goto nomem;
	hi = lo + nr;
	lon = hi + nr;
	hin = lon + nr;
	desc = bf.neq < best->nkeys ? best->desc[bf.neq] : 0;
	for (i = 0; i < nr; i++) {
		if (bf.in != NULL) {
			size_t col = best->cols[bf.neq];
			lo[i] = hi[i] = keys.len;
			if (put_val(&keys, td->cols[col].type, bf.in->vals[i],
			    desc) != 0)
				goto nomem2;
			lon[i] = hin[i] = keys.len - lo[i];
			continue;
		}
		/* one range: the prefix, then the bounds (a descending column
		 * turns a lower bound of values into an upper one of keys);
		 * a missing side stops at the column's non-NULL keys */
		{
			size_t col = bf.neq < best->nkeys ? best->cols[bf.neq] : 0;
			enum rdb_type t = td->cols[col].type;
			const struct sql_icond *kl = desc ? bf.hi : bf.lo;
			const struct sql_icond *kh = desc ? bf.lo : bf.hi;
			lo[i] = keys.len;
			if (rdb_buf_append(&keys, pre, plen) != RDB_OK)
				goto nomem2;
			if (kl != NULL ? put_val(&keys, t, kl->vals[0], desc) != 0 :
			    kh != NULL && rdb_buf_put8(&keys, desc ? 0xfe : 1) != RDB_OK)
				goto nomem2;
			lon[i] = keys.len - lo[i];
			hi[i] = keys.len;
			if (rdb_buf_append(&keys, pre, plen) != RDB_OK)
				goto nomem2;
			if (kh != NULL ? put_val(&keys, t, kh->vals[0], desc) != 0 :
			    kl != NULL && rdb_buf_put8(&keys, desc ? 0xfe : 1) != RDB_OK)
				goto nomem2;
			hin[i] = keys.len - hi[i];
		}
	}
	p = malloc(sizeof(*p) + nr * sizeof(*r) + keys.len + 1);
	if (p == NULL)
		goto nomem2;
	r = (struct rdb_key_range *)(p + 1);
	kb = (uint8_t *)(r + nr);
	if (keys.len > 0)
		memcpy(kb, keys.p, keys.len);
	p->index_id = best->id;
	p->nranges = nr;
	p->ranges = r;
	for (i = 0; i < nr; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		if (lon[i] > 0) {
			r[i].lo = kb + lo[i];
			r[i].lolen = lon[i];
		}
		if (hin[i] > 0) {
			r[i].hi = kb + hi[i];
			r[i].hilen = hin[i];
		}
		if (bf.in == NULL && bf.neq < best->nkeys) {
			const struct sql_icond *kl = desc ? bf.hi : bf.lo;
			const struct sql_icond *kh = desc ? bf.lo : bf.hi;
			r[i].lo_open = kl != NULL && (kl->op == RDB_CMP_GT ||
			    kl->op == RDB_CMP_LT);
			r[i].hi_open = kh != NULL && (kh->op == RDB_CMP_GT ||
			    kh->op == RDB_CMP_LT);
		}
	}
	free(lo);
	free(pre);
	rdb_buf_release(&keys);
	return p;
nomem2:
	free(lo);
nomem:
	free(pre);
	rdb_buf_release(&keys);
	return NULL;
}
