/*
 * store.c - load a handle's view of the database from the manifest and
 * the WAL, and keep it current.
 *
 * Loading is: CURRENT -> manifest (catalog history, files, commit log
 * files, WAL start) -> replay of every committed WAL transaction after
 * it. Replay applies records with the same checks as a writer makes, so
 * a damaged but checksum-valid record (a bug, or a hostile file) is
 * reported as damage instead of becoming a wrong answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/store.h"
#include "txn/txn_int.h"

void rdb_store_init(struct rdb_store *s)
{
	memset(s, 0, sizeof *s);
	rdb_cat_init(&s->cat);
	s->wal.seq = 1;
	s->wal.lsn = 1;
	s->wal_start = s->wal;
}

void rdb_memrows_release(struct rdb_memrows *m)
{
	size_t i;

	for (i = 0; i < m->ncols; i++) {
		free(m->cols[i].validity);
		free(m->cols[i].values);
		free(m->cols[i].offsets);
	}
	free(m->cols);
	free(m->col_ids);
}

static void td_release(struct rdb_tdata *td)
{
	size_t i;

	for (i = 0; i < td->nsegs; i++) {
		free(td->segs[i].file);
		rdb_seg_close(td->segs[i].seg);
	}
	free(td->segs);
	for (i = 0; i < td->ndelfiles; i++)
		free(td->delfiles[i].file);
	free(td->delfiles);
	for (i = 0; i < td->nmem; i++)
		rdb_memrows_release(&td->mem[i]);
	free(td->mem);
	free(td->dels);
}

void rdb_store_release(struct rdb_store *s)
{
	size_t i;

	rdb_cat_release(&s->cat);
	for (i = 0; i < s->nddl; i++)
		free(s->ddl[i].op);
	free(s->ddl);
	for (i = 0; i < s->ntd; i++) {
		td_release(s->td[i]);
		free(s->td[i]);
	}
	free(s->td);
	for (i = 0; i < s->nlogs; i++)
		free(s->logs[i].file);
	free(s->logs);
	for (i = 0; i < s->ncommits; i++)
		rdb_buf_release(&s->commits[i]);
	free(s->commits);
	free(s->dir);
	rdb_store_init(s);
}

struct rdb_tdata *rdb_store_td(struct rdb_store *s, uint32_t id, int create)
{
	struct rdb_tdata **v, *td;
	size_t lo = 0, hi = s->ntd;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->td[mid]->id == id)
			return s->td[mid];
		if (s->td[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!create)
		return NULL;
	/* Entries are allocated one by one so that a table's data never
	 * moves while a scan of it holds a pointer. */
	td = calloc(1, sizeof *td);
	if (td == NULL)
		return NULL;
	v = realloc(s->td, (s->ntd + 1) * sizeof *v);
	if (v == NULL) {
		free(td);
		return NULL;
	}
	s->td = v;
	memmove(&s->td[lo + 1], &s->td[lo], (s->ntd - lo) * sizeof *v);
	td->id = id;
	s->td[lo] = td;
	s->ntd++;
	return td;
}

uint64_t rdb_td_deleted(const struct rdb_tdata *td, uint64_t rowid)
{
	size_t lo = 0, hi = td->ndels;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (td->dels[mid].rowid == rowid)
			return td->dels[mid].commit;
		if (td->dels[mid].rowid < rowid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int rdb_td_add_del(struct rdb_tdata *td, uint64_t rowid, uint64_t commit)
{
	size_t lo = 0, hi = td->ndels;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (td->dels[mid].rowid < rowid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < td->ndels && td->dels[lo].rowid == rowid)
		return RDB_EEXIST;
	if (td->ndels == td->capdels) {
		size_t cap = td->capdels < 64 ? 64 : td->capdels * 2;
		struct rdb_del *d = realloc(td->dels, cap * sizeof *d);
		if (d == NULL)
			return RDB_ENOMEM;
		td->dels = d;
		td->capdels = cap;
	}
	memmove(&td->dels[lo + 1], &td->dels[lo], (td->ndels - lo) * sizeof *td->dels);
	td->dels[lo].rowid = rowid;
	td->dels[lo].commit = commit;
	td->ndels++;
	return RDB_OK;
}

static int bad(struct rdb_err *e, const char *file, off_t off, const char *what)
{
	return rdb_err_set(e, RDB_ECORRUPT, "damaged WAL '%s' at offset %lld: %s",
	    file, (long long)off, what);
}

int rdb_store_apply_insert(struct rdb_store *s, const uint8_t *p, size_t len,
    uint64_t commit, const char *file, off_t off, struct rdb_err *e)
{
	struct rdb_memrows m;
	struct rdb_tdata *td;
	struct rdb_tbl *t;
	struct rdb_rd r;
	uint64_t tid, first, nrows, ncols;
	size_t i, j;
	int rc = RDB_OK;

	memset(&m, 0, sizeof m);
	rdb_rd_init(&r, p, len);
	if (rdb_rd_getvar(&r, &tid) != 0 || rdb_rd_getvar(&r, &first) != 0 ||
	    rdb_rd_getvar(&r, &nrows) != 0 || rdb_rd_getvar(&r, &ncols) != 0)
		return bad(e, file, off, "truncated INSERT");
	t = tid <= UINT32_MAX ? rdb_cat_by_id(&s->cat, (uint32_t)tid) : NULL;
	if (t == NULL || t->dropped)
		return bad(e, file, off, "INSERT into a table that does not exist");
	td = rdb_store_td(s, (uint32_t)tid, 1);
	if (td == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if (first != td->next_rowid)				/* [F-WAL-010] */
		return bad(e, file, off, "INSERT row ids out of sequence");
	if (nrows == 0 || nrows > ((uint64_t)1 << 31) || ncols > t->ncols ||
	    nrows > UINT64_MAX - td->next_rowid)
		return bad(e, file, off, "bad INSERT row or column count");
	m.first_rowid = first;
	m.nrows = (size_t)nrows;
	m.commit = commit;
	m.col_ids = calloc(ncols + 1, sizeof *m.col_ids);
	m.cols = calloc(ncols + 1, sizeof *m.cols);
	if (m.col_ids == NULL || m.cols == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < ncols; i++) {
		struct rdb_vec *v = &m.cols[i];
		uint64_t cid;
		uint8_t type, has_nulls;
		const uint8_t *q;
		size_t w, bl = (size_t)(nrows + 7) / 8;
		int ci = -1;

		m.ncols++;
		if (rdb_rd_getvar(&r, &cid) != 0 || rdb_rd_get8(&r, &type) != 0 ||
		    rdb_rd_get8(&r, &has_nulls) != 0 || has_nulls > 1) {
			rc = bad(e, file, off, "truncated INSERT column");
			goto out;
		}
		for (j = 0; j < t->ncols; j++)
			if (t->cols[j].id == cid)
				ci = (int)j;
		for (j = 0; j < i; j++)
			if (m.col_ids[j] == cid)
				ci = -1;
		if (ci < 0 || t->cols[ci].type != type) {
			rc = bad(e, file, off, "INSERT column unknown, repeated or of the wrong type");
			goto out;
		}
		m.col_ids[i] = (uint32_t)cid;
		v->type = (enum rdb_type)type;
		v->precision = t->cols[ci].precision;
		v->scale = t->cols[ci].scale;
		if (has_nulls) {
			if (t->cols[ci].flags & 1) {
				rc = bad(e, file, off, "NULL in a NOT NULL column");
				goto out;
			}
			if (rdb_rd_bytes(&r, bl, &q) != 0) {
				rc = bad(e, file, off, "truncated validity bitmap");
				goto out;
			}
			v->validity = malloc(bl);
			if (v->validity == NULL) {
				rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
				goto out;
			}
			memcpy(v->validity, q, bl);
		}
		w = rdb_width(v->type);
		if (w > 0) {
			if (rdb_rd_bytes(&r, (size_t)nrows * w, &q) != 0) {
				rc = bad(e, file, off, "truncated INSERT values");
				goto out;
			}
			v->values = malloc((size_t)nrows * w);
			if (v->values == NULL) {
				rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
				goto out;
			}
			memcpy(v->values, q, (size_t)nrows * w);
			if (v->type == RDB_BOOLEAN)
				for (j = 0; j < nrows; j++)
					if (q[j] > 1) {
						rc = bad(e, file, off, "BOOLEAN value not 0 or 1");
						goto out;
					}
		} else {
			const uint8_t *d;
			uint32_t prev = 0, o;
			if (rdb_rd_bytes(&r, ((size_t)nrows + 1) * 4, &q) != 0) {
				rc = bad(e, file, off, "truncated INSERT offsets");
				goto out;
			}
			v->offsets = malloc(((size_t)nrows + 1) * 4);
			if (v->offsets == NULL) {
				rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
				goto out;
			}
			for (j = 0; j <= nrows; j++) {
				o = rdb_load32(q + 4 * j);
				if ((j == 0 && o != 0) || o < prev) {
					rc = bad(e, file, off, "INSERT offsets not increasing");
					goto out;
				}
				v->offsets[j] = prev = o;
			}
			if (rdb_rd_bytes(&r, prev, &d) != 0) {
				rc = bad(e, file, off, "truncated INSERT bytes");
				goto out;
			}
			v->values = malloc(prev > 0 ? prev : 1);
			if (v->values == NULL) {
				rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
				goto out;
			}
			memcpy(v->values, d, prev);
			if (v->type != RDB_BLOB && !rdb_utf8_valid(d, prev)) {
				rc = bad(e, file, off, "text is not valid UTF-8");
				goto out;
			}
		}
	}
	if (r.pos != len) {
		rc = bad(e, file, off, "trailing bytes in INSERT");
		goto out;
	}
	/* NOT NULL columns must all be present [F-WAL-010] */
	for (j = 0; j < t->ncols; j++) {
		int found = 0;
		for (i = 0; i < m.ncols; i++)
			found |= m.col_ids[i] == t->cols[j].id;
		if (!found && (t->cols[j].flags & 1)) {
			rc = bad(e, file, off, "INSERT lacks a NOT NULL column");
			goto out;
		}
	}
	if (rdb_grow(&td->mem, &td->capmem, td->nmem, sizeof *td->mem) != RDB_OK) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	td->mem[td->nmem++] = m;
	td->logged = td->nmem;	/* it came from the WAL */
	td->next_rowid += nrows;
	return RDB_OK;
out:
	rdb_memrows_release(&m);
	return rc;
}

int rdb_store_apply_attach(struct rdb_store *s, const uint8_t *p, size_t len,
    uint64_t commit, const char *file, off_t off, struct rdb_err *e)
{
	struct rdb_segref *sr;
	struct rdb_tdata *td;
	struct rdb_tbl *t;
	struct rdb_rd r;
	uint64_t tid, first, rows, bytes;
	char *name = NULL;

	rdb_rd_init(&r, p, len);
	if (rdb_rd_getvar(&r, &tid) != 0 || rdb_rd_getvar(&r, &first) != 0 ||
	    rdb_rd_getvar(&r, &rows) != 0 || rdb_rd_getstr(&r, 255, &name) != 0 ||
	    rdb_rd_getvar(&r, &bytes) != 0 || r.pos != len || rows == 0 ||
	    !rdb_file_name_ok(name)) {
		free(name);
		return bad(e, file, off, "bad ATTACH record");
	}
	t = tid <= UINT32_MAX ? rdb_cat_by_id(&s->cat, (uint32_t)tid) : NULL;
	td = t != NULL ? rdb_store_td(s, (uint32_t)tid, 1) : NULL;
	if (t == NULL || t->dropped || td == NULL || first != td->next_rowid ||
	    rows > UINT64_MAX - td->next_rowid) {
		free(name);
		return bad(e, file, off, "ATTACH to a missing table, or out of sequence");
	}
	sr = realloc(td->segs, (td->nsegs + 1) * sizeof *sr);
	if (sr == NULL) {
		free(name);
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	td->segs = sr;
	sr = &td->segs[td->nsegs++];
	memset(sr, 0, sizeof *sr);
	sr->file = name;
	sr->rows = rows;
	sr->bytes = bytes;
	sr->commit = commit;
	td->next_rowid += rows;
	return RDB_OK;
}

/* p shrunk to n bytes, or p when that fails */
static void *shrink(void *p, size_t n)
{
	void *q = realloc(p, n);

	return q != NULL ? q : p;
}

int rdb_td_adopt(struct rdb_tdata *td, const struct rdb_tbl *tb,
    struct rdb_batch *b, uint64_t commit)
{
	struct rdb_batchx *x = (struct rdb_batchx *)b;
	struct rdb_memrows m;
	size_t i, r, n = b->nrows;
	int rc = RDB_ENOMEM;

	memset(&m, 0, sizeof m);
	m.first_rowid = td->next_rowid;
	m.nrows = n;
	m.commit = commit;
	m.col_ids = calloc(tb->ncols + 1, sizeof *m.col_ids);
	m.cols = calloc(tb->ncols + 1, sizeof *m.cols);
	if (n == 0 || m.col_ids == NULL || m.cols == NULL ||
	    rdb_grow(&td->mem, &td->capmem, td->nmem, sizeof *td->mem) != RDB_OK)
		goto out;
	for (i = 0; i < tb->ncols; i++) {
		struct rdb_vec *src = &b->cols[i], *v = &m.cols[i];
		struct rdb_vecx *vx = &x->vx[i];
		size_t w = rdb_width(src->type);
		int any = 0;
		m.ncols++;
		m.col_ids[i] = tb->cols[i].id;
		v->type = src->type;
		v->precision = tb->cols[i].precision;
		v->scale = tb->cols[i].scale;
		/* NULL slots hold zeros already (rdb_batch_set_null) */
		for (r = 0; vx->has_null && src->validity != NULL && r < n && !any;
		    r++)
			any = rdb_vec_is_null(src, r);
		if (any) {
			v->validity = src->validity;
			src->validity = NULL;
		}
		/* shrunk to the rows: a batch doubles as it grows, and rows in
		 * memory are counted by what they hold */
		if (w > 0) {
			v->values = shrink(src->values, n * w);
			td->unlogged_bytes += n * w;
		} else {
			uint32_t bytes = src->offsets[n];
			v->offsets = shrink(src->offsets, (n + 1) * sizeof *v->offsets);
			v->values = src->values != NULL
			    ? shrink(src->values, bytes > 0 ? bytes : 1) : malloc(1);
			td->unlogged_bytes += bytes + 4 * n;
		}
		src->values = NULL;
		src->offsets = NULL;
		vx->cap = vx->bcap = 0;
		if (v->values == NULL)
			goto out;
	}
	td->mem[td->nmem++] = m;
	td->next_rowid += n;
	memset(&m, 0, sizeof m);
	rc = RDB_OK;
out:
	rdb_memrows_release(&m);
	x->rowcap = 0;
	rdb_batch_clear(b);
	return rc;
}

int rdb_td_append(struct rdb_tdata *td, const struct rdb_tbl *tb,
    const struct rdb_batch *b, size_t start, size_t n, uint64_t commit)
{
	struct rdb_memrows m;
	size_t i, r;

	memset(&m, 0, sizeof m);
	m.first_rowid = td->next_rowid;
	m.nrows = n;
	m.commit = commit;
	m.col_ids = calloc(tb->ncols + 1, sizeof *m.col_ids);
	m.cols = calloc(tb->ncols + 1, sizeof *m.cols);
	if (m.col_ids == NULL || m.cols == NULL)
		goto nomem;
	for (i = 0; i < tb->ncols; i++) {
		const struct rdb_vec *src = &b->cols[i];
		struct rdb_vec *v = &m.cols[i];
		size_t w = rdb_width(src->type);
		m.ncols++;
		m.col_ids[i] = tb->cols[i].id;
		v->type = src->type;
		v->precision = tb->cols[i].precision;
		v->scale = tb->cols[i].scale;
		if (src->validity != NULL) {
			int any = 0;
			for (r = 0; r < n && !any; r++)
				any = rdb_vec_is_null(src, start + r);
			if (any) {
				v->validity = calloc(1, (n + 7) / 8);
				if (v->validity == NULL)
					goto nomem;
				for (r = 0; r < n; r++)
					if (!rdb_vec_is_null(src, start + r))
						v->validity[r / 8] |= (uint8_t)(1u << (r % 8));
			}
		}
		if (w > 0) {
			v->values = malloc(n * w);
			if (v->values == NULL)
				goto nomem;
			memcpy(v->values, (const uint8_t *)src->values + start * w, n * w);
			if (v->validity != NULL)	/* NULL slots are zero */
				for (r = 0; r < n; r++)
					if (rdb_vec_is_null(v, r))
						memset((uint8_t *)v->values + r * w, 0, w);
			td->unlogged_bytes += n * w;
		} else {
			uint32_t base = src->offsets[start];
			uint32_t bytes = src->offsets[start + n] - base;
			v->offsets = malloc((n + 1) * sizeof *v->offsets);
			v->values = malloc(bytes > 0 ? bytes : 1);
			if (v->offsets == NULL || v->values == NULL)
				goto nomem;
			for (r = 0; r <= n; r++)
				v->offsets[r] = src->offsets[start + r] - base;
			if (bytes > 0)
				memcpy(v->values, (const uint8_t *)src->values + base,
				    bytes);
			td->unlogged_bytes += bytes + 4 * n;
		}
	}
	if (rdb_grow(&td->mem, &td->capmem, td->nmem, sizeof *td->mem) != RDB_OK)
		goto nomem;
	td->mem[td->nmem++] = m;
	td->next_rowid += n;
	return RDB_OK;
nomem:
	rdb_memrows_release(&m);
	return RDB_ENOMEM;
}

int rdb_store_apply_delete(struct rdb_store *s, const uint8_t *p, size_t len,
    uint64_t commit, const char *file, off_t off, struct rdb_err *e)
{
	struct rdb_tdata *td;
	struct rdb_tbl *t;
	struct rdb_rd r;
	uint64_t tid, n, id, prev = 0, i;
	int rc;

	rdb_rd_init(&r, p, len);
	if (rdb_rd_getvar(&r, &tid) != 0 || rdb_rd_getvar(&r, &n) != 0 ||
	    n == 0 || n > len)
		return bad(e, file, off, "truncated DELETE");
	t = tid <= UINT32_MAX ? rdb_cat_by_id(&s->cat, (uint32_t)tid) : NULL;
	td = t != NULL ? rdb_store_td(s, (uint32_t)tid, 1) : NULL;
	if (t == NULL || t->dropped || td == NULL)
		return bad(e, file, off, "DELETE from a table that does not exist");
	for (i = 0; i < n; i++) {
		if (rdb_rd_getvar(&r, &id) != 0)
			return bad(e, file, off, "truncated DELETE");
		if ((i > 0 && id <= prev) || id >= td->next_rowid)
			return bad(e, file, off, "DELETE row ids out of order or range");
		prev = id;
		rc = rdb_td_add_del(td, id, commit);
		if (rc == RDB_EEXIST)
			return bad(e, file, off, "DELETE of a row already deleted");
		if (rc != RDB_OK)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	if (r.pos != len)
		return bad(e, file, off, "trailing bytes in DELETE");
	return RDB_OK;
}

int rdb_commit_decode(const uint8_t *p, size_t len, struct rdb_commit_rec *c,
    struct rdb_commit_table **tables, char **strs)
{
	struct rdb_rd r;
	uint64_t id, t, n, i, a, b, x;
	char *prog = NULL, *user = NULL, *msg = NULL;

	*tables = NULL;
	strs[0] = strs[1] = strs[2] = NULL;
	rdb_rd_init(&r, p, len);
	if (rdb_rd_getvar(&r, &id) != 0 || rdb_rd_getvar(&r, &t) != 0 ||
	    t > INT64_MAX || rdb_rd_getstr(&r, 255, &prog) != 0 ||
	    rdb_rd_getstr(&r, 255, &user) != 0 ||
	    rdb_rd_getstr(&r, 65536, &msg) != 0 || rdb_rd_getvar(&r, &n) != 0 ||
	    n > len)
		goto fail;
	*tables = calloc((size_t)n + 1, sizeof **tables);
	if (*tables == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if (rdb_rd_getvar(&r, &x) != 0 || x > UINT32_MAX ||
		    rdb_rd_getvar(&r, &a) != 0 || rdb_rd_getvar(&r, &b) != 0)
			goto fail;
		(*tables)[i].table_id = (uint32_t)x;
		(*tables)[i].inserted = a;
		(*tables)[i].deleted = b;
	}
	if (r.pos != len)
		goto fail;
	c->id = id;
	c->time_us = (int64_t)t;
	c->program = strs[0] = prog;
	c->user = strs[1] = user;
	c->message = strs[2] = msg;
	c->ntables = (size_t)n;
	c->tables = *tables;
	return RDB_OK;
fail:
	free(prog);
	free(user);
	free(msg);
	free(*tables);
	*tables = NULL;
	return RDB_ECORRUPT;
}

/* Replay state: records of the transaction being applied. */
struct replay {
	struct rdb_store *s;
	struct rdb_err *e;
	size_t first_ddl;           /* ddl entries of this transaction */
	struct {
		struct rdb_tdata *td;
		size_t first_mem, first_del_count;
	} *touched;
};

static int commit_id_of(const uint8_t *p, size_t len, uint64_t *id,
    int64_t *time)
{
	struct rdb_rd r;
	uint64_t a, b;

	rdb_rd_init(&r, p, len);
	if (rdb_rd_getvar(&r, &a) != 0 || rdb_rd_getvar(&r, &b) != 0 ||
	    b > INT64_MAX)
		return -1;
	*id = a;
	*time = (int64_t)b;
	return 0;
}

/* The commit id is known only at the COMMIT record; records before it
 * are applied tagged with the next id, which [F-WAL-007] makes certain. */
static int replay_fn(void *arg, int type, const uint8_t *p, size_t len,
    const char *file, off_t off)
{
	struct replay *rp = arg;
	struct rdb_store *s = rp->s;
	uint64_t next = s->last_commit + 1, id;
	int64_t t;
	int rc;

	switch (type) {
	case WAL_DDL: {
		struct rdb_ddl *d;
		rc = rdb_cat_apply(&s->cat, p, len, file, rp->e);
		if (rc != RDB_OK)
			return rc;
		if (rdb_grow(&s->ddl, &s->capddl, s->nddl, sizeof *s->ddl) != RDB_OK)
			return rdb_err_set(rp->e, RDB_ENOMEM, "out of memory");
		d = &s->ddl[s->nddl];
		d->op = malloc(len);
		if (d->op == NULL)
			return rdb_err_set(rp->e, RDB_ENOMEM, "out of memory");
		memcpy(d->op, p, len);
		d->len = len;
		d->commit = next;
		s->nddl++;
		return RDB_OK;
	}
	case WAL_INSERT:
		return rdb_store_apply_insert(s, p, len, next, file, off, rp->e);
	case WAL_DELETE:
		return rdb_store_apply_delete(s, p, len, next, file, off, rp->e);
	case WAL_ATTACH:
		return rdb_store_apply_attach(s, p, len, next, file, off, rp->e);
	case WAL_COMMIT: {
		struct rdb_buf *c;
		if (commit_id_of(p, len, &id, &t) != 0 || id != next ||
		    t <= s->last_time)				/* [F-WAL-007] */
			return bad(rp->e, file, off,
			    "COMMIT id or time out of sequence");
		if (rdb_grow(&s->commits, &s->capcommits, s->ncommits,
		    sizeof *s->commits) != RDB_OK)
			return rdb_err_set(rp->e, RDB_ENOMEM, "out of memory");
		c = &s->commits[s->ncommits];
		rdb_buf_init(c);
		if (rdb_buf_append(c, p, len) != RDB_OK)
			return rdb_err_set(rp->e, RDB_ENOMEM, "out of memory");
		s->ncommits++;
		s->last_commit = id;
		s->last_time = t;
		return RDB_OK;
	}
	}
	return bad(rp->e, file, off, "unknown record type");
}

/* Read manifest/CURRENT: *seq 0 when there is none [F-MAN-030]. */
static int read_current(const char *dir, uint64_t *seq, struct rdb_err *e)
{
	static const uint8_t magic[8] = { 'R', 'D', 'B', 'C', 'U', 'R', 0, 0 };
	uint8_t b[25];
	char *path;
	ssize_t n;
	int fd, rc = RDB_OK;

	*seq = 0;
	if (asprintf(&path, "%s/manifest/CURRENT", dir) < 0)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			rc = rdb_err_sys(e, errno, "cannot open '%s'", path);
		free(path);
		return rc;
	}
	n = pread(fd, b, sizeof b, 0);
	close(fd);
	if (n != 24 || memcmp(b, magic, 8) != 0 ||		/* [F-MAN-031] */
	    rdb_load64(b + 16) != rdb_hash64(b, 16) || rdb_load64(b + 8) == 0)
		rc = rdb_err_set(e, RDB_ECORRUPT, "damaged '%s' at offset 0: %s",
		    path, n < 0 ? strerror(errno) : "bad size, magic or checksum");
	else
		*seq = rdb_load64(b + 8);
	free(path);
	return rc;
}

int rdb_store_load_manifest(struct rdb_store *s, uint64_t seq,
    struct rdb_err *e);

int rdb_store_refresh(struct rdb_store *s, const char *dir,
    const uint8_t uuid[16], struct rdb_err *e)
{
	struct replay rp;
	uint64_t seq, nseq = 0, newer = 0;
	int rc;

	if (s->dir == NULL) {
		s->dir = strdup(dir);
		if (s->dir == NULL)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		memcpy(s->uuid, uuid, 16);
	}
	rc = read_current(dir, &seq, e);
	if (rc != RDB_OK)
		return rc;
	if (seq != s->manifest_seq) {
		char *d = s->dir;
		int lax = s->lax_current;
		s->dir = NULL;
		rdb_store_release(s);
		s->dir = d;
		s->lax_current = lax;
		memcpy(s->uuid, uuid, 16);
		rc = rdb_store_load_manifest(s, seq, e);
		if (rc != RDB_OK)
			return rc;
	}
	/* Newer manifests are read before the WAL: a checkpoint that
	 * finishes meanwhile leaves the WAL files its manifest holds until
	 * this reader is done loading [F-LCK-008], so the WAL still
	 * reaches every commit of it. */
	if (!s->newer_ok && !s->lax_current) {
		rc = rdb_manifest_newest(dir, seq, &nseq, &newer, e);
		if (rc != RDB_OK)
			return rc;
	}
	memset(&rp, 0, sizeof rp);
	rp.s = s;
	rp.e = e;
	rc = rdb_wal_replay(dir, uuid, &s->wal, replay_fn, &rp, NULL, e);
	if (s->newer_ok || s->lax_current || (rc != RDB_OK &&
	    (rc != RDB_ECORRUPT || newer <= s->last_commit)))
		return rc;
	/* a log that seems damaged or cut short after an older CURRENT
	 * is put back (or CURRENT is lost) is that CURRENT's doing: the
	 * newer manifest says so better */
	if (newer > s->last_commit)			/* [F-MAN-032] */
		return seq == 0
		    ? rdb_err_set(e, RDB_ECORRUPT,
			"damaged database: '%s/manifest/CURRENT' is missing, but manifest %llu holds commits up to %llu, beyond the %llu the WAL reaches: CURRENT was lost",
			dir, (unsigned long long)nseq, (unsigned long long)newer,
			(unsigned long long)s->last_commit)
		    : rdb_err_set(e, RDB_ECORRUPT,
			"damaged database: '%s/manifest/CURRENT' names manifest %llu, but manifest %llu is newer and holds commits up to %llu, beyond the %llu the database reaches: an older CURRENT was put back",
			dir, (unsigned long long)seq, (unsigned long long)nseq,
			(unsigned long long)newer,
			(unsigned long long)s->last_commit);
	s->newer_ok = 1;
	return RDB_OK;
}

int rdb_store_cat_at(struct rdb_store *s, uint64_t at, struct rdb_cat *out,
    struct rdb_err *e)
{
	size_t i;
	int rc;

	if (at >= s->last_commit)
		return rdb_cat_copy(out, &s->cat) == RDB_OK ? RDB_OK
		    : rdb_err_set(e, RDB_ENOMEM, "out of memory");
	rdb_cat_init(out);
	for (i = 0; i < s->nddl && s->ddl[i].commit <= at; i++) {
		rc = rdb_cat_apply(out, s->ddl[i].op, s->ddl[i].len, "catalog", e);
		if (rc != RDB_OK) {
			rdb_cat_release(out);
			return rc;
		}
	}
	return RDB_OK;
}

void rdb_store_undo_pending(struct rdb_store *s, const struct rdb_cat *saved,
    size_t nddl)
{
	size_t i, j, k;

	for (i = nddl; i < s->nddl; i++)
		free(s->ddl[i].op);
	s->nddl = nddl;
	rdb_cat_release(&s->cat);
	if (rdb_cat_copy(&s->cat, saved) != RDB_OK)
		rdb_cat_init(&s->cat);	/* cannot happen: saved copies fit */
	for (i = 0; i < s->ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		while (td->nmem > 0 && td->mem[td->nmem - 1].commit == s->pending) {
			td->next_rowid -= td->mem[td->nmem - 1].nrows;
			rdb_memrows_release(&td->mem[--td->nmem]);
		}
		if (td->logged > td->nmem)
			td->logged = td->nmem;
		td->unlogged_bytes = 0;
		while (td->nsegs > 0 && td->segs[td->nsegs - 1].commit == s->pending) {
			struct rdb_segref *sr = &td->segs[--td->nsegs];
			char *path = rdb_path_join(s->dir, sr->file);
			td->next_rowid -= sr->rows;
			if (path != NULL)
				unlink(path);	/* never committed: garbage */
			free(path);
			free(sr->file);
			rdb_seg_close(sr->seg);
		}
		for (j = k = 0; j < td->ndels; j++)
			if (td->dels[j].commit != s->pending)
				td->dels[k++] = td->dels[j];
		td->ndels = k;
	}
}
