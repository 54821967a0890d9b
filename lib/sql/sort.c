/*
 * sort.c - ORDER BY.
 *
 * Rows go to a row store, an index permutation is sorted, rows are
 * gathered out in order. With a LIMIT the store is cut back to the best
 * limit rows whenever it doubles past it (top-N in bounded memory).
 *
 * Past the budget (half the statement's memory limit) the sort is
 * external. Before the store would outgrow the budget, its rows are
 * sorted and written as one sorted run to a temporary file, and the
 * store is emptied for the next rows. At the end the last rows make one
 * more run and the runs are merged with a heap. Each run being merged
 * needs a read buffer, so at most `fanin` runs are merged at once:
 * while there are more, consecutive groups of runs are merged into
 * single runs of a new file (one merge pass). Merging consecutive runs
 * and breaking ties by run order keeps rows of equal keys in input
 * order, as the in-memory sort does: a run holds earlier input than the
 * runs after it, and its rows of equal keys are in input order.
 *
 * With a LIMIT, top-N trimming keeps the store small; it only spills
 * when limit rows themselves outgrow the budget, and then every run and
 * every merge stops at limit rows.
 *
 * The temporary file is private to the statement and never named for
 * long (O_TMPFILE, else unlinked at once after mkostemp), so nothing is
 * left behind even when the process is killed. Runs lie one after the
 * other; a run is a sequence of rows in native byte order:
 *
 *   u32 len              bytes of the row after this field
 *   per column:
 *     u8 tag             0 NULL (nothing follows), 1 a value:
 *     BOOLEAN, INTEGER, BIGINT, DATE, TIMESTAMP, DOUBLE   8 bytes
 *     DECIMAL            16 bytes, the unscaled __int128
 *     INTERVAL           i32 months, i32 days, i64 µs
 *     TEXT, JSON, BLOB   u32 n, then n bytes
 *
 * A reader checks each length against what is left of its row and its
 * run, and a row's len against the largest row written to the run, so
 * a damaged file gives an error, never a wild read or a huge allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sql/exec.h"
#include "sql/spill.h"

/* Rows in the store at most: the permutation holds uint32_t indexes. */
#define SORT_MAXROWS ((size_t)UINT32_MAX - SQL_CHUNK)
/* Bytes of a file buffer at most and at least. */
#define SORT_IOBUF (256 * 1024)
#define SORT_IOBUF_MIN (16 * 1024)
/* Runs merged at once at most, whatever the memory. */
#define SORT_FANIN_MAX 1024

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

/* ---- sort ---- */

/* A sorted run in the file of runs. */
struct run {
	uint64_t off, len;      /* bytes in the file */
	uint64_t nrows;
	uint32_t maxrow;        /* the largest len field of its rows */
};

/* Buffered appends to a file. */
struct spill_w {
	int fd;
	uint8_t *buf;
	size_t n, cap;          /* buf[0..n) not yet written */
	uint64_t off;           /* bytes written before buf[0] */
	int err;                /* errno of a failed write, or 0 */
};

/* Reads one run row by row. */
struct cursor {
	uint64_t off, end;      /* the part of the run not yet in buf */
	uint64_t left;          /* rows not yet decoded */
	uint32_t maxrow;
	uint8_t *buf;
	size_t cap, lo, hi;     /* buf[lo..hi) read, not yet decoded */
	struct sql_val *row;    /* the current row; text points into buf */
};

/* A k-way merge of consecutive runs of one file. */
struct merge {
	int fd;
	struct cursor *cur;     /* in run order, which breaks ties */
	size_t ncur;
	uint32_t *heap;         /* cursors with a row, smallest first */
	size_t nheap;
};

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
	/* external sort */
	size_t budget;          /* bytes the store may hold */
	size_t iobuf;           /* bytes of a file buffer */
	size_t fanin;           /* runs merged at once */
	size_t rowbytes;        /* store bytes per row of capacity */
	uint32_t *sel;          /* rows of an input chunk to append */
	uint32_t *cand;         /* rows of an input chunk that may enter */
	size_t selcap;
	/* top-N: the worst row kept by the last trim (its key values, text
	 * in the store), when the store held limit rows after it */
	struct sql_val *bound, *row;
	int have_bound;
	struct sql_val *vals;   /* a row being written */
	int fd;                 /* the file of runs, or -1 */
	struct spill_w w;
	struct run *runs;
	size_t nruns, caprun;
	size_t nspilled;        /* runs written from the store */
	unsigned passes;        /* merges that wrote a file */
	struct merge m;         /* the final merge, once merging */
	int merging;
	uint64_t left;          /* rows the final merge may still give */
};

/* The comparisons of one key's family, shared by the in-memory sort
 * and the merge so that both order rows alike. */
static int cmp_double(double x, double y)
{
	return isnan(x) || isnan(y) ? isnan(x) - isnan(y) : (x > y) - (x < y);
}

static int cmp_str(const struct sql_str *x, const struct sql_str *y)
{
	uint32_t m = x->n < y->n ? x->n : y->n;
	int c = m ? memcmp(x->p, y->p, m) : 0;

	if (c == 0)
		return (x->n > y->n) - (x->n < y->n);
	return c < 0 ? -1 : 1;
}

/* A NULL against a value: NULL after values, whatever the direction,
 * unless the key puts NULLs first. */
static int cmp_null(const struct sort_key *key, int na)
{
	int c = na ? 1 : -1;

	return key->nulls_first ? -c : c;
}

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
			return cmp_null(key, na);
		}
		switch (s->rs.types[col].id) {
		case T_DOUBLE:
			c = cmp_double(((const double *)s->rs.vals[col])[a],
			    ((const double *)s->rs.vals[col])[b]);
			break;
		case T_DECIMAL: {
			__int128 x = ((const __int128 *)s->rs.vals[col])[a];
			__int128 y = ((const __int128 *)s->rs.vals[col])[b];
			c = (x > y) - (x < y);
			break;
		}
		case T_TEXT: case T_JSON: case T_BLOB: {
			const struct sql_str *v = s->rs.vals[col];
			c = cmp_str(&v[a], &v[b]);
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

/* sort_cmp for two decoded rows, without the final tie-breaker. */
static int row_cmp(const struct sort_op *s, const struct sql_val *a,
    const struct sql_val *b)
{
	size_t k;

	for (k = 0; k < s->nkeys; k++) {
		const struct sort_key *key = &s->keys[k];
		const struct sql_val *va = &a[key->col], *vb = &b[key->col];
		int c;
		if (va->null || vb->null) {
			if (va->null && vb->null)
				continue;
			return cmp_null(key, va->null);
		}
		switch (s->rs.types[key->col].id) {
		case T_DOUBLE:
			c = cmp_double(va->u.d, vb->u.d);
			break;
		case T_DECIMAL:
			c = (va->u.x > vb->u.x) - (va->u.x < vb->u.x);
			break;
		case T_TEXT: case T_JSON: case T_BLOB:
			c = cmp_str(&va->u.s, &vb->u.s);
			break;
		case T_INTERVAL:
			c = sql_val_cmp(va, vb);
			break;
		case T_NULL:
			c = 0;
			break;
		default:
			c = (va->u.i > vb->u.i) - (va->u.i < vb->u.i);
		}
		if (c != 0)
			return key->desc ? -c : c;
	}
	return 0;
}

/*
 * A row to sort with its leading keys as two unsigned words that order
 * as the keys do: rows whose words differ are ordered by them alone,
 * rows whose words tie by sort_cmp, which orders them exactly as before
 * (the words only ever tie rows sort_cmp may still tell apart, never
 * order two rows the other way round). The words are:
 *   - a text first key: its first 16 bytes, big-endian (a shorter
 *     string padded with zeros: it comes first or ties);
 *   - an integer (date, time, boolean) first key: its value with the
 *     sign bit flipped; then, when no row's first key is NULL (so that
 *     equal words are equal keys), the second key's word: an integer's
 *     or a text's first 8 bytes;
 * NULL is the least or the greatest word as the key places NULLs, and a
 * DESC key's value words are inverted. Other first keys: no words.
 */
struct pre {
	uint64_t k[2];
	uint32_t i;
};

static int pre_cmp(const void *pa, const void *pb, void *arg)
{
	const struct pre *a = pa, *b = pb;

	if (a->k[0] != b->k[0])
		return a->k[0] < b->k[0] ? -1 : 1;
	if (a->k[1] != b->k[1])
		return a->k[1] < b->k[1] ? -1 : 1;
	return sort_cmp(&a->i, &b->i, arg);
}

/* Key k's words for row r (text: nw of them, 8 bytes each). A value's
 * word may equal a NULL's (the least or greatest value): they tie, and
 * sort_cmp tells them apart. */
static void pre_words(const struct sort_op *s, size_t k, size_t r,
    uint64_t *w, size_t nw)
{
	const struct sort_key *key = &s->keys[k];
	const uint8_t *nl = s->rs.nulls[key->col];
	size_t j, b;

	if (nl != NULL && nl[r]) {
		for (j = 0; j < nw; j++)
			w[j] = key->nulls_first ? 0 : UINT64_MAX;
		return;
	}
	if (sql_is_strlike(s->rs.types[key->col].id)) {
		const struct sql_str *v = &((const struct sql_str *)
		    s->rs.vals[key->col])[r];
		for (j = 0; j < nw; j++) {
			uint64_t u = 0;
			for (b = 8 * j; b < 8 * j + 8; b++)
				u = u << 8 | (b < v->n ? (uint8_t)v->p[b] : 0);
			w[j] = key->desc ? ~u : u;
		}
		return;
	}
	w[0] = (uint64_t)((const int64_t *)s->rs.vals[key->col])[r] ^
	    ((uint64_t)1 << 63);
	if (key->desc)
		w[0] = ~w[0];
}

/* Which words the rows get: 0 none, 1 a text first key's two, 2 an
 * integer first key's, 3 that and the second key's. */
static int pre_kind(const struct sort_op *s)
{
	int id0, id1;

	if (s->nkeys == 0)
		return 0;
	id0 = s->rs.types[s->keys[0].col].id;
	if (sql_is_strlike(id0))
		return 1;
	if (!sql_is_intlike(id0))
		return 0;
	if (s->nkeys < 2 || s->rs.nulls[s->keys[0].col] != NULL)
		return 2;
	id1 = s->rs.types[s->keys[1].col].id;
	return sql_is_strlike(id1) || sql_is_intlike(id1) ? 3 : 2;
}

static int sort_perm(struct exec *x, struct sort_op *s)
{
	size_t i;
	int kind;
	uint32_t *p = realloc(s->perm, (s->rs.n + 1) * sizeof(*p));

	if (p == NULL)
		return oom(x);
	s->perm = p;
	kind = pre_kind(s);
	if (kind > 0 && s->rs.n > 64) {
		/* rows told apart by two words, without a call or a branch
		 * on types (ORDER BY o_clerk over TPC-H's 1.5M orders: 5
		 * times faster) */
		struct pre *a = malloc(s->rs.n * sizeof(*a));
		if (a != NULL) {
			for (i = 0; i < s->rs.n; i++) {
				a[i].i = (uint32_t)i;
				a[i].k[0] = a[i].k[1] = 0;
				pre_words(s, 0, i, a[i].k, kind == 1 ? 2 : 1);
				if (kind == 3)
					pre_words(s, 1, i, &a[i].k[1], 1);
			}
			qsort_r(a, s->rs.n, sizeof(*a), pre_cmp, s);
			for (i = 0; i < s->rs.n; i++)
				p[i] = a[i].i;
			free(a);
			s->nperm = s->rs.n;
			return 0;
		}
	}
	for (i = 0; i < s->rs.n; i++)
		p[i] = (uint32_t)i;
	qsort_r(p, s->rs.n, sizeof(*p), sort_cmp, s);
	s->nperm = s->rs.n;
	return 0;
}

static size_t sort_cut(const struct sort_op *s);

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
	s->have_bound = 0;
	if (keep > 0 && keep == sort_cut(s)) {
		size_t k;
		if (s->bound == NULL && ((s->bound = calloc(s->rs.ncols + 1,
		    sizeof(*s->bound))) == NULL || (s->row = calloc(
		    s->rs.ncols + 1, sizeof(*s->row))) == NULL))
			return oom(x);
		for (k = 0; k < s->nkeys; k++)
			rs_get(&s->rs, (size_t)s->keys[k].col, keep - 1,
			    &s->bound[s->keys[k].col]);
		s->have_bound = 1;
	}
	return 0;
fail:
	sql_arena_release(&a);
	rs_release(&nrs);
	return oom(x);
}

/* ---- the temporary file ---- */

static int write_error(struct exec *x, int err)
{
	return sql_error(&x->cx, "cannot write the sort's temporary file: %s",
	    strerror(err));
}

static int damaged(struct exec *x)
{
	return sql_error(&x->cx, "the sort's temporary file is damaged");
}

static int w_flush(struct spill_w *w)
{
	size_t done = 0;

	if (w->err)
		return -1;
	while (done < w->n) {
		ssize_t r = write(w->fd, w->buf + done, w->n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			w->err = r < 0 ? errno : ENOSPC;
			return -1;
		}
		done += (size_t)r;
	}
	w->off += w->n;
	w->n = 0;
	return 0;
}

static int w_put(struct spill_w *w, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n > 0) {
		size_t k = w->cap - w->n;
		if (k == 0) {
			if (w_flush(w) != 0)
				return -1;
			k = w->cap;
		}
		if (k > n)
			k = n;
		memcpy(w->buf + w->n, b, k);
		w->n += k;
		b += k;
		n -= k;
	}
	return 0;
}

/* Point w at fd, from its start, with a buffer. */
static int w_start(struct exec *x, struct sort_op *s, int fd)
{
	if (s->w.buf == NULL) {
		s->w.buf = malloc(s->iobuf);
		if (s->w.buf == NULL)
			return oom(x);
		s->w.cap = s->iobuf;
	}
	s->w.fd = fd;
	s->w.n = 0;
	s->w.off = 0;
	s->w.err = 0;
	return 0;
}

/* Append row v (all columns of the store) to run r of the file. */
static int row_put(struct exec *x, struct sort_op *s, struct run *r,
    const struct sql_val *v)
{
	size_t c, len = 0;
	uint32_t u;

	for (c = 0; c < s->rs.ncols; c++) {
		int id = s->rs.types[c].id;
		len++;
		if (v[c].null || id == T_NULL)
			continue;
		if (sql_is_strlike(id))
			len += 4 + (size_t)v[c].u.s.n;
		else
			len += id == T_DECIMAL || id == T_INTERVAL ? 16 : 8;
	}
	if (len > UINT32_MAX)
		return sql_error(&x->cx, "a row of %zu bytes is too large to "
		    "sort", len);
	u = (uint32_t)len;
	if (w_put(&s->w, &u, 4) != 0)
		goto fail;
	for (c = 0; c < s->rs.ncols; c++) {
		uint8_t head[17];
		size_t hn, tn;
		const void *tail;
		spill_val_encode(s->rs.types[c].id, &v[c], head, &hn, &tail, &tn);
		if (w_put(&s->w, head, hn) != 0 ||
		    (tn > 0 && w_put(&s->w, tail, tn) != 0))
			goto fail;
	}
	if (len > r->maxrow)
		r->maxrow = (uint32_t)len;
	r->nrows++;
	return 0;
fail:
	return write_error(x, s->w.err);
}

/* Decode the row p[0..len) into v; -1 when it does not parse. Text
 * points into p. */
static int row_get(const struct sort_op *s, const uint8_t *p, size_t len,
    struct sql_val *v)
{
	size_t at = 0, c;

	for (c = 0; c < s->rs.ncols; c++)
		if (spill_val_get(p, len, &at, s->rs.types[c], &v[c]) != 0)
			return -1;
	return at == len ? 0 : -1;
}

/* Make buf[lo..hi) of c hold at least need bytes of its run. */
static int cur_fill(struct exec *x, int fd, struct cursor *c, size_t need)
{
	return spill_fill(x, "sort's", fd, &c->buf, &c->cap, &c->lo, &c->hi,
	    &c->off, c->end, need);
}

/* Decode the next row of c into c->row: 1, 0 at the end of the run, or
 * an error. */
static int cur_next(struct exec *x, const struct sort_op *s, int fd,
    struct cursor *c)
{
	uint32_t len;
	int rc;

	if (c->left == 0)
		return 0;
	if ((rc = cur_fill(x, fd, c, 4)) != 0)
		return rc;
	memcpy(&len, c->buf + c->lo, 4);
	if (len > c->maxrow)
		return damaged(x);
	if ((rc = cur_fill(x, fd, c, 4 + (size_t)len)) != 0)
		return rc;
	if (row_get(s, c->buf + c->lo + 4, len, c->row) != 0)
		return damaged(x);
	c->lo += 4 + (size_t)len;
	c->left--;
	if (c->left == 0 && (c->hi != c->lo || c->off != c->end))
		return damaged(x);
	return 1;
}

/* Is the row of cursor a before that of cursor b? Ties go to the
 * earlier run. */
static int heap_less(const struct sort_op *s, const struct merge *m,
    uint32_t a, uint32_t b)
{
	int c = row_cmp(s, m->cur[a].row, m->cur[b].row);

	return c != 0 ? c < 0 : a < b;
}

static void heap_down(const struct sort_op *s, struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, best = i;
		uint32_t t;
		if (l < m->nheap && heap_less(s, m, m->heap[l], m->heap[best]))
			best = l;
		if (l + 1 < m->nheap &&
		    heap_less(s, m, m->heap[l + 1], m->heap[best]))
			best = l + 1;
		if (best == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[best];
		m->heap[best] = t;
		i = best;
	}
}

static void merge_close(struct merge *m)
{
	size_t i;

	for (i = 0; i < m->ncur; i++) {
		free(m->cur[i].buf);
		free(m->cur[i].row);
	}
	free(m->cur);
	free(m->heap);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

/* Start merging runs[0..n) of the file fd. */
static int merge_open(struct exec *x, struct sort_op *s, struct merge *m,
    int fd, const struct run *runs, size_t n)
{
	size_t i;
	int rc;

	memset(m, 0, sizeof(*m));
	m->fd = fd;
	m->cur = calloc(n + 1, sizeof(*m->cur));
	m->heap = calloc(n + 1, sizeof(*m->heap));
	if (m->cur == NULL || m->heap == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		struct cursor *c = &m->cur[i];
		m->ncur++;
		c->off = runs[i].off;
		c->end = runs[i].off + runs[i].len;
		c->left = runs[i].nrows;
		c->maxrow = runs[i].maxrow;
		c->cap = s->iobuf;
		if (runs[i].len < c->cap)
			c->cap = (size_t)runs[i].len;
		if (c->cap < 4)
			c->cap = 4;
		c->buf = malloc(c->cap);
		c->row = calloc(s->rs.ncols + 1, sizeof(*c->row));
		if (c->buf == NULL || c->row == NULL)
			goto nomem;
		if ((rc = cur_next(x, s, fd, c)) < 0)
			return rc;
		if (rc > 0)
			m->heap[m->nheap++] = (uint32_t)i;
	}
	for (i = m->nheap / 2; i-- > 0;)
		heap_down(s, m, i);
	return 0;
nomem:
	return oom(x);
}

/* The smallest row not yet taken, or NULL at the end. */
static const struct sql_val *merge_top(const struct merge *m)
{
	return m->nheap ? m->cur[m->heap[0]].row : NULL;
}

/* Drop the smallest row (its text becomes invalid). */
static int merge_pop(struct exec *x, const struct sort_op *s, struct merge *m)
{
	int rc = cur_next(x, s, m->fd, &m->cur[m->heap[0]]);

	if (rc < 0)
		return rc;
	if (rc == 0)
		m->heap[0] = m->heap[--m->nheap];
	heap_down(s, m, 0);
	return 0;
}

static int interrupted(struct exec *x)
{
	if (x->cx.interrupt == NULL || !*x->cx.interrupt)
		return 0;
	x->cx.err.code = RDB_EINTR;
	snprintf(x->cx.err.msg, sizeof(x->cx.err.msg), "interrupted");
	return RDB_EINTR;
}

static size_t sort_cut(const struct sort_op *s)
{
	return s->limit >= 0 ? (size_t)s->limit : SIZE_MAX;
}

static int add_run(struct exec *x, struct run **runs, size_t *n,
    size_t *cap, const struct run *r)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct run *p = realloc(*runs, nc * sizeof(*p));
		if (p == NULL)
			return oom(x);
		*runs = p;
		*cap = nc;
	}
	(*runs)[(*n)++] = *r;
	return 0;
}

/* Sort the store, write it as one more run, empty it. */
static int sort_spill(struct exec *x, struct sort_op *s)
{
	struct run r;
	size_t i, c, n;
	int rc;

	if (s->rs.n == 0)
		return 0;
	s->have_bound = 0;      /* its text goes with the store */
	if ((rc = sort_perm(x, s)) != 0)
		return rc;
	if (s->fd < 0) {
		if ((rc = spill_tmpfile(x, "sort's", &s->fd)) != 0)
			return rc;
		if ((rc = w_start(x, s, s->fd)) != 0)
			return rc;
	}
	if (s->vals == NULL &&
	    (s->vals = calloc(s->rs.ncols + 1, sizeof(*s->vals))) == NULL)
		return oom(x);
	n = s->nperm < sort_cut(s) ? s->nperm : sort_cut(s);
	memset(&r, 0, sizeof(r));
	r.off = s->w.off + s->w.n;
	for (i = 0; i < n; i++) {
		for (c = 0; c < s->rs.ncols; c++)
			rs_get(&s->rs, c, s->perm[i], &s->vals[c]);
		if ((rc = row_put(x, s, &r, s->vals)) != 0)
			return rc;
	}
	r.len = s->w.off + s->w.n - r.off;
	if ((rc = add_run(x, &s->runs, &s->nruns, &s->caprun, &r)) != 0)
		return rc;
	s->nspilled++;
	/* Keep the arrays (their capacity is within the budget). */
	s->rs.n = 0;
	sql_arena_reset(&s->rs.text);
	return 0;
}

/* Merge groups of s->fanin consecutive runs into single runs of a new
 * file, which replaces the old one. */
static int sort_pass(struct exec *x, struct sort_op *s)
{
	struct run *nruns = NULL;
	size_t nn = 0, ncap = 0, g, cut = sort_cut(s);
	struct merge m;
	int fd = -1, rc;

	memset(&m, 0, sizeof(m));
	if ((rc = spill_tmpfile(x, "sort's", &fd)) != 0)
		return rc;
	if ((rc = w_start(x, s, fd)) != 0)
		goto out;
	for (g = 0; g < s->nruns; g += s->fanin) {
		size_t k = s->nruns - g < s->fanin ? s->nruns - g : s->fanin;
		const struct sql_val *row;
		struct run r;
		memset(&r, 0, sizeof(r));
		r.off = s->w.off + s->w.n;
		if ((rc = merge_open(x, s, &m, s->fd, s->runs + g, k)) != 0)
			goto out;
		while (r.nrows < cut && (row = merge_top(&m)) != NULL) {
			if ((r.nrows & 4095) == 0 && (rc = interrupted(x)) != 0)
				goto out;
			if ((rc = row_put(x, s, &r, row)) != 0 ||
			    (rc = merge_pop(x, s, &m)) != 0)
				goto out;
		}
		merge_close(&m);
		r.len = s->w.off + s->w.n - r.off;
		if ((rc = add_run(x, &nruns, &nn, &ncap, &r)) != 0)
			goto out;
	}
	if (w_flush(&s->w) != 0) {
		rc = write_error(x, s->w.err);
		goto out;
	}
	close(s->fd);
	s->fd = fd;
	fd = -1;
	free(s->runs);
	s->runs = nruns;
	s->nruns = nn;
	s->caprun = ncap;
	nruns = NULL;
	s->passes++;
out:
	merge_close(&m);
	free(nruns);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* All input is in: spill the last rows, merge down to at most fanin
 * runs, start the final merge. */
static int sort_merge_start(struct exec *x, struct sort_op *s)
{
	size_t len;
	int rc;

	if ((rc = sort_spill(x, s)) != 0)
		return rc;
	if (w_flush(&s->w) != 0)
		return write_error(x, s->w.err);
	/* The store's memory goes to the read buffers. */
	rs_release(&s->rs);
	if (rs_init(&s->rs, s->o.kid[0]->ncols, s->o.kid[0]->types) != 0)
		return oom(x);
	free(s->perm);
	s->perm = NULL;
	while (s->nruns > s->fanin)
		if ((rc = sort_pass(x, s)) != 0)
			return rc;
	free(s->w.buf);
	s->w.buf = NULL;
	if ((rc = merge_open(x, s, &s->m, s->fd, s->runs, s->nruns)) != 0)
		return rc;
	s->merging = 1;
	s->left = s->limit >= 0 ? (uint64_t)s->limit : UINT64_MAX;
	len = strlen(s->o.detail);
	snprintf(s->o.detail + len, sizeof(s->o.detail) - len,
	    ", spilled %zu run%s, %u merge pass%s", s->nspilled,
	    s->nspilled == 1 ? "" : "s", s->passes + 1,
	    s->passes ? "es" : "");
	return 0;
}

/* The next chunk of the final merge. */
static int sort_merge_next(struct exec *x, struct sort_op *s)
{
	struct op *o = &s->o;
	const struct sql_val *row;
	size_t n = 0, c;
	int rc;

	for (c = 0; c < s->nout; c++)
		if (sql_vec_alloc(&o->out.cols[c], o->types[c], SQL_CHUNK,
		    &o->out.arena) != 0)
			return oom(x);
	while (n < SQL_CHUNK && s->left > 0 &&
	    (row = merge_top(&s->m)) != NULL) {
		for (c = 0; c < s->nout; c++)
			if (sql_vec_set(&o->out.cols[c], n, &row[c],
			    &o->out.arena) != 0)
				return oom(x);
		n++;
		s->left--;
		if ((rc = merge_pop(x, s, &s->m)) != 0)
			return rc;
	}
	o->out.n = n;
	return n > 0;
}

/* ---- taking the input ---- */

/* Bytes of one value in the store's arrays (as exec.c's val_width). */
static size_t val_width(int id)
{
	if (id == T_DECIMAL)
		return 16;
	if (sql_is_strlike(id))
		return sizeof(struct sql_str);
	if (id == T_INTERVAL)
		return sizeof(struct sql_interval);
	return 8;
}

/* Bytes the store would hold with add more rows carrying text more
 * bytes of text, with the permutation that sorts it. */
static size_t store_need(const struct sort_op *s, size_t add, size_t text)
{
	size_t n = s->rs.n + add, cap = s->rs.cap;

	while (cap < n)
		cap = cap ? cap * 2 : 1024;     /* as rs_append grows it */
	return cap * s->rowbytes + s->rs.text.used + text +
	    (n + 1) * sizeof(uint32_t);
}

/* Bytes of text that row r of ch adds to the store's arena. */
static size_t row_text(const struct sort_op *s, const struct sql_chunk *ch,
    size_t r)
{
	size_t c, t = 0;

	for (c = 0; c < s->rs.ncols; c++) {
		const struct sql_vec *v = &ch->cols[c];
		if (!sql_is_strlike(s->rs.types[c].id) || v->t.id == T_NULL ||
		    (v->null != NULL && v->null[r]))
			continue;
		if (v->v.s[r].n)
			t += ((size_t)v->v.s[r].n + 15) & ~(size_t)15;
	}
	return t;
}

/* The store can take no more rows: cut it to the top N, or spill it. */
static int sort_full(struct exec *x, struct sort_op *s)
{
	if (s->limit >= 0 && s->rs.n > sort_cut(s))
		return sort_trim(x, s, sort_cut(s));
	return sort_spill(x, s);
}

/* The rows of ch that may still enter the top N: those ordered
 * strictly before the bound (a row equal to it comes later in the
 * input, so after it). Without a bound, all. Returns their count, the
 * rows in s->cand. */
static size_t sort_cands(struct sort_op *s, const struct sql_chunk *ch)
{
	size_t i, k, n = 0;

	for (i = 0; i < ch->n; i++) {
		if (s->have_bound) {
			for (k = 0; k < s->nkeys; k++) {
				int col = s->keys[k].col;
				sql_vec_get(&ch->cols[col], i, &s->row[col]);
			}
			if (row_cmp(s, s->row, s->bound) >= 0)
				continue;
		}
		s->cand[n++] = (uint32_t)i;
	}
	return n;
}

static int sort_add(struct exec *x, struct sort_op *s,
    const struct sql_chunk *ch)
{
	size_t i = 0, m, j, nc, cut = sort_cut(s);
	int rc;

	if (ch->n > s->selcap) {
		uint32_t *p = realloc(s->sel, ch->n * sizeof(*p));
		uint32_t *q = p == NULL ? NULL :
		    realloc(s->cand, ch->n * sizeof(*q));
		if (p != NULL)
			s->sel = p;
		if (q == NULL)
			return oom(x);
		s->cand = q;
		s->selcap = ch->n;
	}
	/* a top N with its bound (TPC-H Q10: 20 of 38,121 rows of 8
	 * columns, 5 of them text) copies only the rows that may enter */
	nc = sort_cands(s, ch);
	while (i < nc) {
		size_t text = 0;
		for (m = 0; i + m < nc; m++) {
			size_t t = row_text(s, ch, s->cand[i + m]);
			if (s->rs.n + m + 1 > SORT_MAXROWS ||
			    store_need(s, m + 1, text + t) > s->budget)
				break;
			text += t;
		}
		if (m == 0 && s->rs.n > 0) {
			if ((rc = sort_full(x, s)) != 0)
				return rc;
			continue;
		}
		if (m == 0)
			m = 1;  /* a row larger than the budget goes alone */
		if (i == 0 && m == ch->n) {
			rc = rs_append(&s->rs, ch, NULL, 0);
		} else {
			for (j = 0; j < m; j++)
				s->sel[j] = s->cand[i + j];
			rc = rs_append(&s->rs, ch, s->sel, m);
		}
		if (rc != 0)
			return oom(x);
		i += m;
		if (s->limit >= 0 && cut < (SIZE_MAX - 4096) / 2 &&
		    s->rs.n >= 2 * cut + 4096 &&
		    (rc = sort_trim(x, s, cut)) != 0)
			return rc;
	}
	return 0;
}

static int sort_next(struct exec *x, struct op *o)
{
	struct sort_op *s = (struct sort_op *)o;
	size_t n, c;
	int rc;

	if (s->merging)
		return sort_merge_next(x, s);
	if (!s->sorted) {
		struct op *k = o->kid[0];
		if (rs_init(&s->rs, k->ncols, k->types) != 0)
			return oom(x);
		s->budget = x->memory_limit ? x->memory_limit / 2 : SIZE_MAX;
		s->iobuf = SORT_IOBUF;
		while (s->iobuf > SORT_IOBUF_MIN && s->budget / s->iobuf < 32)
			s->iobuf /= 2;
		s->fanin = s->budget / s->iobuf - 1;
		if (s->fanin > SORT_FANIN_MAX)
			s->fanin = SORT_FANIN_MAX;
		if (s->fanin < 2)
			s->fanin = 2;
		for (c = 0; c < k->ncols; c++)
			s->rowbytes += val_width(k->types[c].id) + 1;
		while ((rc = op_next(x, k)) > 0)
			if ((rc = sort_add(x, s, &k->out)) != 0)
				return rc;
		if (rc < 0)
			return rc;
		s->sorted = 1;
		if (s->nruns > 0) {
			if ((rc = sort_merge_start(x, s)) != 0)
				return rc;
			return sort_merge_next(x, s);
		}
		if ((rc = sort_perm(x, s)) != 0)
			return rc;
		if (s->nperm > sort_cut(s))
			s->nperm = sort_cut(s);
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
	merge_close(&s->m);
	if (s->fd >= 0)
		close(s->fd);
	free(s->w.buf);
	free(s->runs);
	free(s->vals);
	free(s->sel);
	free(s->cand);
	free(s->bound);
	free(s->row);
	free(s->perm);
	free(s->keys);
}

/* The columns above read (of the first nout), and the keys. */
static int sort_prune(struct op *o, const uint8_t *need, uint8_t **kneed)
{
	const struct sort_op *s = (const struct sort_op *)o;
	size_t c;

	for (c = 0; c < o->kid[0]->ncols; c++)
		kneed[0][c] = c >= s->nout || need == NULL || need[c];
	for (c = 0; c < s->nkeys; c++)
		if (s->keys[c].col >= 0 && (size_t)s->keys[c].col < o->kid[0]->ncols)
			kneed[0][s->keys[c].col] = 1;
	return 0;
}

static const struct op_vt sort_vt = { "SORT", sort_next, sort_close,
	sort_prune };

struct op *op_sort(struct exec *x, struct op *kid, size_t nkeys,
    const struct sort_key *keys, int64_t limit, size_t nout)
{
	struct sort_op *s = op_new(x, sizeof(*s), &sort_vt, nout, kid->types);

	if (s == NULL) {
		op_free(kid);
		return NULL;
	}
	s->fd = -1;
	s->m.fd = -1;
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
