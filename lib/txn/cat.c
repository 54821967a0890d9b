/*
 * cat.c - catalog operations: encode, validate, apply.
 *
 * Operations are the only way the catalog changes [F-MAN-012]; the
 * same code applies them when a transaction makes them and when the
 * WAL or a manifest replays them, so a replayed catalog is exactly the
 * one that was committed. Tables and views share their names
 * [F-MAN-017]; a view is only text here [F-MAN-016].
 */
#include <stdlib.h>
#include <strings.h>

#include "fs/sb.h"
#include "txn/batch.h"
#include "txn/cat.h"

void rdb_cat_init(struct rdb_cat *c)
{
	memset(c, 0, sizeof *c);
	c->next_table_id = 1;
	c->next_index_id = 1;
	c->stale = 1;
}

static void tbl_release(struct rdb_tbl *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].dflt);
	}
	free(t->cols);
	free(t->name);
}

static void view_release(struct rdb_view *v)
{
	size_t i;

	for (i = 0; i < v->ncols; i++)
		free(v->cols[i]);
	free(v->cols);
	free(v->name);
	free(v->sql);
}

static void idx_release(struct rdb_idx *x)
{
	free(x->name);
	free(x->cols);
	free(x->kflags);
}

static void descs_release(struct rdb_cat *c)
{
	free(c->idesc);
	free(c->idescp);
	free(c->ikeys);
	free(c->idescs);
	c->idesc = NULL;
	c->idescp = NULL;
	c->ikeys = NULL;
	c->idescs = NULL;
	free(c->desc);
	free(c->descp);
	free(c->cdesc);
	free(c->vdesc);
	free(c->vdescp);
	c->desc = NULL;
	c->descp = NULL;
	c->cdesc = NULL;
	c->vdesc = NULL;
	c->vdescp = NULL;
	c->ndesc = 0;
	c->stale = 1;
}

void rdb_cat_release(struct rdb_cat *c)
{
	size_t i;

	for (i = 0; i < c->ntables; i++)
		tbl_release(&c->tables[i]);
	free(c->tables);
	for (i = 0; i < c->nviews; i++)
		view_release(&c->views[i]);
	free(c->views);
	for (i = 0; i < c->nindexes; i++)
		idx_release(&c->indexes[i]);
	free(c->indexes);
	descs_release(c);
	rdb_cat_init(c);
}

/* A copy of s in d (d's strings its own); d is released on failure. */
static int view_copy(struct rdb_view *d, const struct rdb_view *s)
{
	memset(d, 0, sizeof *d);
	if ((d->name = strdup(s->name)) == NULL ||
	    (d->sql = strdup(s->sql)) == NULL ||
	    (d->cols = calloc(s->ncols, sizeof *d->cols)) == NULL)
		goto nomem;
	for (; d->ncols < s->ncols; d->ncols++)
		if ((d->cols[d->ncols] = strdup(s->cols[d->ncols])) == NULL)
			goto nomem;
	return RDB_OK;
nomem:
	view_release(d);
	memset(d, 0, sizeof *d);
	return RDB_ENOMEM;
}

/* A copy of s in d; d is released on failure. */
static int idx_copy(struct rdb_idx *d, const struct rdb_idx *s)
{
	*d = *s;
	d->name = strdup(s->name);
	d->cols = malloc(s->nkeys * sizeof *d->cols);
	d->kflags = malloc(s->nkeys);
	if (d->name == NULL || d->cols == NULL || d->kflags == NULL) {
		idx_release(d);
		memset(d, 0, sizeof *d);
		return RDB_ENOMEM;
	}
	memcpy(d->cols, s->cols, s->nkeys * sizeof *d->cols);
	memcpy(d->kflags, s->kflags, s->nkeys);
	return RDB_OK;
}

int rdb_cat_copy(struct rdb_cat *dst, const struct rdb_cat *src)
{
	size_t i, j;

	rdb_cat_init(dst);
	dst->next_table_id = src->next_table_id;
	dst->next_index_id = src->next_index_id;
	if (src->nindexes > 0) {
		dst->indexes = calloc(src->nindexes, sizeof *dst->indexes);
		if (dst->indexes == NULL)
			return RDB_ENOMEM;
		for (i = 0; i < src->nindexes; i++) {
			if (idx_copy(&dst->indexes[i], &src->indexes[i]) != RDB_OK)
				goto nomem;
			dst->nindexes++;
		}
	}
	dst->ndrops = src->ndrops;
	if (src->nviews > 0) {
		dst->views = calloc(src->nviews, sizeof *dst->views);
		if (dst->views == NULL)
			return RDB_ENOMEM;
		for (i = 0; i < src->nviews; i++) {
			if (view_copy(&dst->views[i], &src->views[i]) != RDB_OK)
				goto nomem;
			dst->nviews++;
		}
	}
	if (src->ntables == 0)
		return RDB_OK;
	dst->tables = calloc(src->ntables, sizeof *dst->tables);
	if (dst->tables == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < src->ntables; i++) {
		const struct rdb_tbl *s = &src->tables[i];
		struct rdb_tbl *d = &dst->tables[i];
		dst->ntables++;
		*d = *s;
		d->name = strdup(s->name);
		d->cols = calloc(s->ncols > 0 ? s->ncols : 1, sizeof *d->cols);
		d->ncols = 0;
		if (d->name == NULL || d->cols == NULL)
			goto nomem;
		for (j = 0; j < s->ncols; j++) {
			d->cols[j] = s->cols[j];
			d->cols[j].dflt = NULL;
			d->cols[j].name = strdup(s->cols[j].name);
			if (d->cols[j].name == NULL)
				goto nomem;
			d->ncols++;
			if (s->cols[j].dflt != NULL &&
			    (d->cols[j].dflt = strdup(s->cols[j].dflt)) == NULL)
				goto nomem;
		}
	}
	return RDB_OK;
nomem:
	rdb_cat_release(dst);
	return RDB_ENOMEM;
}

int rdb_utf8_valid(const uint8_t *p, size_t n)
{
	size_t i = 0, k, len;
	uint32_t c, min;

	while (i < n) {
		/* ASCII 32 and then eight bytes at a time: the common case */
		while (n - i >= 32) {
			uint64_t w[4];
			memcpy(w, p + i, 32);
			if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL)
				break;
			i += 32;
		}
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			c &= 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			c &= 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			c &= 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int rdb_name_check(const char *what, const char *name, struct rdb_err *e)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n > 255)
		return rdb_err_set(e, RDB_EINVAL,
		    "%s name must be 1 to 255 bytes", what);
	if (!rdb_utf8_valid((const uint8_t *)name, n))
		return rdb_err_set(e, RDB_EINVAL,
		    "%s name is not valid UTF-8", what);
	return RDB_OK;
}

int rdb_default_ok(const char *sql, size_t n)
{
	return n > 0 && n <= RDB_MAX_DEFAULT_SQL && memchr(sql, 0, n) == NULL &&
	    rdb_utf8_valid((const uint8_t *)sql, n);
}

int rdb_view_sql_ok(const char *sql, size_t n)
{
	return n > 0 && n <= RDB_MAX_VIEW_SQL && memchr(sql, 0, n) == NULL &&
	    rdb_utf8_valid((const uint8_t *)sql, n);
}

int rdb_view_check(const char *name, const char *const *cols, size_t ncols,
    const char *sql, struct rdb_err *e)
{
	size_t i, j;
	int rc = rdb_name_check("view", name, e);

	if (rc != RDB_OK)
		return rc;
	if (ncols == 0 || ncols > RDB_MAX_COLUMNS)
		return rdb_err_set(e, RDB_EINVAL, "view '%s' needs 1 to %d columns",
		    name, RDB_MAX_COLUMNS);
	for (i = 0; i < ncols; i++) {
		if ((rc = rdb_name_check("column", cols[i], e)) != RDB_OK)
			return rc;
		for (j = 0; j < i; j++)
			if (strcasecmp(cols[i], cols[j]) == 0)
				return rdb_err_set(e, RDB_EINVAL,
				    "column '%s' appears twice in view '%s'", cols[i],
				    name);
	}
	/* strnlen so that no more than the bound is read */
	if (sql == NULL || !rdb_view_sql_ok(sql, strnlen(sql,
	    RDB_MAX_VIEW_SQL + 1)))
		return rdb_err_set(e, RDB_EINVAL,
		    "view '%s': its query must be 1 to %d bytes of UTF-8", name,
		    RDB_MAX_VIEW_SQL);
	return RDB_OK;
}

int rdb_coldef_check(const struct rdb_column_def *d, struct rdb_err *e)
{
	int rc = rdb_name_check("column", d->name, e);

	if (rc != RDB_OK)
		return rc;
	/* [F-MAN-014]; strnlen so that no more than the bound is read */
	if (d->default_sql != NULL && !rdb_default_ok(d->default_sql,
	    strnlen(d->default_sql, RDB_MAX_DEFAULT_SQL + 1)))
		return rdb_err_set(e, RDB_EINVAL,
		    "column '%s': the default must be 1 to %d bytes of UTF-8",
		    d->name, RDB_MAX_DEFAULT_SQL);
	if (!rdb_type_valid((unsigned)d->type))
		return rdb_err_set(e, RDB_EINVAL, "column '%s': unknown type %d",
		    d->name, (int)d->type);
	if (d->primary_key && !d->not_null)     /* [F-MAN-018] */
		return rdb_err_set(e, RDB_EINVAL, "column '%s': a PRIMARY KEY "
		    "column must be NOT NULL", d->name);
	if (d->type == RDB_DECIMAL) {
		if (d->precision < 1 || d->precision > 38 ||
		    d->scale > d->precision)
			return rdb_err_set(e, RDB_EINVAL,
			    "column '%s': DECIMAL(%u,%u) out of range (precision 1 to 38, scale 0 to precision)",
			    d->name, d->precision, d->scale);
	} else if (d->precision != 0 || d->scale != 0) {
		return rdb_err_set(e, RDB_EINVAL,
		    "column '%s': only DECIMAL takes a precision and scale",
		    d->name);
	}
	return RDB_OK;
}

int rdb_buf_putstr(struct rdb_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (rdb_buf_putvar(b, n) != RDB_OK)
		return RDB_ENOMEM;
	return rdb_buf_append(b, s, n);
}

int rdb_rd_getstr(struct rdb_rd *r, size_t max, char **s)
{
	const uint8_t *p;
	uint64_t n;
	char *str;

	if (rdb_rd_getvar(r, &n) != 0 || n > max ||
	    rdb_rd_bytes(r, (size_t)n, &p) != 0)
		return -1;
	if (memchr(p, 0, (size_t)n) != NULL) {
		r->bad = 1;
		return -1;
	}
	str = malloc((size_t)n + 1);
	if (str == NULL)
		return -1;
	memcpy(str, p, (size_t)n);
	str[n] = '\0';
	*s = str;
	return 0;
}

static int put_col(struct rdb_buf *b, uint32_t id, const struct rdb_column_def *d)
{
	if (rdb_buf_putvar(b, id) != RDB_OK || rdb_buf_putstr(b, d->name) != RDB_OK ||
	    rdb_buf_put8(b, (uint8_t)d->type) != RDB_OK ||
	    rdb_buf_put8(b, d->precision) != RDB_OK ||
	    rdb_buf_put8(b, d->scale) != RDB_OK ||
	    rdb_buf_put8(b, (uint8_t)((d->not_null ? CAT_COL_NOT_NULL : 0) |
	    (d->default_sql != NULL ? CAT_COL_DEFAULT : 0) |
	    (d->primary_key ? CAT_COL_PRIMARY : 0) |
	    (d->unique ? CAT_COL_UNIQUE : 0))) != RDB_OK)
		return RDB_ENOMEM;
	if (d->default_sql != NULL && rdb_buf_putstr(b, d->default_sql) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_create(struct rdb_buf *b, uint32_t id, const char *name,
    const struct rdb_column_def *cols, size_t ncols)
{
	size_t i;

	if (rdb_buf_put8(b, CAT_CREATE) != RDB_OK || rdb_buf_putvar(b, id) != RDB_OK ||
	    rdb_buf_putstr(b, name) != RDB_OK || rdb_buf_putvar(b, ncols) != RDB_OK)
		return RDB_ENOMEM;
	for (i = 0; i < ncols; i++)
		if (put_col(b, (uint32_t)i + 1, &cols[i]) != RDB_OK)
			return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_codec(struct rdb_buf *b, uint32_t id, int codec, int level)
{
	if (rdb_buf_put8(b, CAT_CODEC) != RDB_OK || rdb_buf_putvar(b, id) != RDB_OK ||
	    rdb_buf_put8(b, (uint8_t)codec) != RDB_OK ||
	    rdb_buf_put8(b, (uint8_t)(int8_t)level) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_create_view(struct rdb_buf *b, const char *name,
    const char *const *cols, size_t ncols, const char *sql)
{
	size_t i;

	if (rdb_buf_put8(b, CAT_CREATE_VIEW) != RDB_OK ||
	    rdb_buf_putstr(b, name) != RDB_OK || rdb_buf_putvar(b, ncols) != RDB_OK)
		return RDB_ENOMEM;
	for (i = 0; i < ncols; i++)
		if (rdb_buf_putstr(b, cols[i]) != RDB_OK)
			return RDB_ENOMEM;
	return rdb_buf_putstr(b, sql) != RDB_OK ? RDB_ENOMEM : RDB_OK;
}

int rdb_cat_enc_drop_view(struct rdb_buf *b, const char *name)
{
	if (rdb_buf_put8(b, CAT_DROP_VIEW) != RDB_OK ||
	    rdb_buf_putstr(b, name) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_create_index(struct rdb_buf *b, const struct rdb_idx *x)
{
	size_t i;

	if (rdb_buf_put8(b, CAT_CREATE_INDEX) != RDB_OK ||
	    rdb_buf_putvar(b, x->id) != RDB_OK ||
	    rdb_buf_putstr(b, x->name) != RDB_OK ||
	    rdb_buf_putvar(b, x->table_id) != RDB_OK ||
	    rdb_buf_put8(b, x->flags) != RDB_OK ||
	    rdb_buf_putvar(b, x->nkeys) != RDB_OK)
		return RDB_ENOMEM;
	for (i = 0; i < x->nkeys; i++)
		if (rdb_buf_putvar(b, x->cols[i]) != RDB_OK ||
		    rdb_buf_put8(b, x->kflags[i]) != RDB_OK)
			return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_drop_index(struct rdb_buf *b, uint32_t id)
{
	if (rdb_buf_put8(b, CAT_DROP_INDEX) != RDB_OK ||
	    rdb_buf_putvar(b, id) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_drop(struct rdb_buf *b, uint32_t id)
{
	if (rdb_buf_put8(b, CAT_DROP) != RDB_OK || rdb_buf_putvar(b, id) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_undrop(struct rdb_buf *b, uint32_t id, const char *name)
{
	if (rdb_buf_put8(b, CAT_UNDROP) != RDB_OK || rdb_buf_putvar(b, id) != RDB_OK ||
	    rdb_buf_putstr(b, name) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_purge(struct rdb_buf *b, uint32_t id)
{
	if (rdb_buf_put8(b, CAT_PURGE) != RDB_OK || rdb_buf_putvar(b, id) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_retention(struct rdb_buf *b, uint32_t id, int64_t seconds)
{
	if (rdb_buf_put8(b, CAT_RETENTION) != RDB_OK ||
	    rdb_buf_putvar(b, id) != RDB_OK ||
	    rdb_buf_put8(b, seconds >= 0) != RDB_OK ||
	    rdb_buf_putvar(b, seconds >= 0 ? (uint64_t)seconds : 0) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

struct rdb_tbl *rdb_cat_find_dropped(struct rdb_cat *c, const char *name)
{
	struct rdb_tbl *best = NULL;
	size_t i;

	for (i = 0; i < c->ntables; i++) {
		struct rdb_tbl *t = &c->tables[i];
		if (t->dropped && !t->purged && strcasecmp(t->name, name) == 0 &&
		    (best == NULL || t->dropped > best->dropped))
			best = t;
	}
	return best;
}

int rdb_cat_enc_rename(struct rdb_buf *b, uint32_t id, const char *name)
{
	if (rdb_buf_put8(b, CAT_RENAME) != RDB_OK || rdb_buf_putvar(b, id) != RDB_OK ||
	    rdb_buf_putstr(b, name) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_add_col(struct rdb_buf *b, uint32_t id, uint32_t col_id,
    const struct rdb_column_def *d)
{
	if (rdb_buf_put8(b, CAT_ADD_COL) != RDB_OK || rdb_buf_putvar(b, id) != RDB_OK)
		return RDB_ENOMEM;
	return put_col(b, col_id, d);
}

int rdb_cat_enc_drop_col(struct rdb_buf *b, uint32_t id, uint32_t col_id)
{
	if (rdb_buf_put8(b, CAT_DROP_COL) != RDB_OK || rdb_buf_putvar(b, id) != RDB_OK ||
	    rdb_buf_putvar(b, col_id) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

int rdb_cat_enc_rename_col(struct rdb_buf *b, uint32_t id, uint32_t col_id,
    const char *name)
{
	if (rdb_buf_put8(b, CAT_RENAME_COL) != RDB_OK ||
	    rdb_buf_putvar(b, id) != RDB_OK || rdb_buf_putvar(b, col_id) != RDB_OK ||
	    rdb_buf_putstr(b, name) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

struct rdb_tbl *rdb_cat_find(struct rdb_cat *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ntables; i++)
		if (!c->tables[i].dropped && strcasecmp(c->tables[i].name, name) == 0)
			return &c->tables[i];
	return NULL;
}

struct rdb_view *rdb_cat_view(struct rdb_cat *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nviews; i++)
		if (strcasecmp(c->views[i].name, name) == 0)
			return &c->views[i];
	return NULL;
}

struct rdb_idx *rdb_cat_index(struct rdb_cat *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nindexes; i++)
		if (strcasecmp(c->indexes[i].name, name) == 0)
			return &c->indexes[i];
	return NULL;
}

struct rdb_idx *rdb_cat_index_by_id(struct rdb_cat *c, uint32_t id)
{
	size_t i;

	for (i = 0; i < c->nindexes; i++)
		if (c->indexes[i].id == id)
			return &c->indexes[i];
	return NULL;
}

int rdb_cat_name_taken(struct rdb_cat *c, const char *name)
{
	return rdb_cat_find(c, name) != NULL || rdb_cat_view(c, name) != NULL ||
	    rdb_cat_index(c, name) != NULL;
}

/* Remove the index at x from the catalog. */
static void idx_remove(struct rdb_cat *c, struct rdb_idx *x)
{
	idx_release(x);
	memmove(x, x + 1, (size_t)(c->indexes + c->nindexes - x - 1) * sizeof *x);
	c->nindexes--;
}

/* Drop the indexes of table id, or only those with column col_id among
 * their keys (col_id 0: all) [F-MAN-019]. */
static void idx_drop_of(struct rdb_cat *c, uint32_t id, uint32_t col_id)
{
	size_t i = 0, k;

	while (i < c->nindexes) {
		struct rdb_idx *x = &c->indexes[i];
		int hit = x->table_id == id && col_id == 0;
		for (k = 0; x->table_id == id && !hit && k < x->nkeys; k++)
			hit = x->cols[k] == col_id;
		if (hit)
			idx_remove(c, x);
		else
			i++;
	}
}

/*
 * CREATE INDEX and DROP INDEX, from r after the op byte, parsed whole
 * and checked against [F-MAN-019] before the catalog changes.
 */
static int apply_index(struct rdb_cat *c, struct rdb_rd *r, uint8_t kind,
    const char *file, struct rdb_err *e)
{
	struct rdb_idx x;
	struct rdb_tbl *t;
	struct rdb_err e2;
	uint64_t id, tid, n;
	const char *what = NULL;
	size_t i, j;

	memset(&x, 0, sizeof x);
	if (rdb_rd_getvar(r, &id) != 0 || id == 0 || id > UINT32_MAX) {
		what = "bad index id";
		goto bad;
	}
	if (kind == CAT_DROP_INDEX) {
		struct rdb_idx *d = rdb_cat_index_by_id(c, (uint32_t)id);
		if (d == NULL) {
			what = "no such index to drop";
			goto bad;
		}
		if (r->pos != r->len) {
			what = "trailing bytes after an index";
			goto bad;
		}
		idx_remove(c, d);
		return RDB_OK;
	}
	if (id != c->next_index_id) {
		what = "index id out of sequence";
		goto bad;
	}
	x.id = (uint32_t)id;
	if (rdb_rd_getstr(r, 255, &x.name) != 0 ||
	    rdb_name_check("index", x.name, &e2) != RDB_OK) {
		what = "an index name must be 1 to 255 bytes of UTF-8";
		goto bad;
	}
	if (rdb_cat_name_taken(c, x.name)) {		/* [F-MAN-017] */
		what = "an index's name is taken by a table, view or index";
		goto bad;
	}
	if (rdb_rd_getvar(r, &tid) != 0 || tid == 0 || tid > UINT32_MAX ||
	    (t = rdb_cat_by_id(c, (uint32_t)tid)) == NULL || t->dropped) {
		what = "no such table";
		goto bad;
	}
	x.table_id = (uint32_t)tid;
	if (rdb_rd_get8(r, &x.flags) != 0 || (x.flags & ~CAT_IDX_UNIQUE) != 0) {
		what = "bad index flags";
		goto bad;
	}
	if (rdb_rd_getvar(r, &n) != 0 || n == 0 || n > RDB_MAX_INDEX_KEYS) {
		what = "bad index key count";
		goto bad;
	}
	x.cols = calloc((size_t)n, sizeof *x.cols);
	x.kflags = calloc((size_t)n, 1);
	if (x.cols == NULL || x.kflags == NULL) {
		idx_release(&x);
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		uint64_t cid;
		if (rdb_rd_getvar(r, &cid) != 0 || rdb_rd_get8(r, &x.kflags[i]) != 0 ||
		    (x.kflags[i] & ~CAT_KEY_DESC) != 0) {
			what = "bad index key";
			goto bad;
		}
		for (j = 0; j < t->ncols; j++)
			if (t->cols[j].id == cid)
				break;
		if (j == t->ncols) {
			what = "an index key is no column of its table";
			goto bad;
		}
		for (j = 0; j < i; j++)
			if (x.cols[j] == cid) {
				what = "an index key column appears twice";
				goto bad;
			}
		x.cols[i] = (uint32_t)cid;
		x.nkeys++;
	}
	if (r->pos != r->len) {
		what = "trailing bytes after an index";
		goto bad;
	}
	{
		struct rdb_idx *ni = realloc(c->indexes,
		    (c->nindexes + 1) * sizeof *ni);
		if (ni == NULL) {
			idx_release(&x);
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		}
		c->indexes = ni;
		c->indexes[c->nindexes++] = x;
		c->next_index_id++;
	}
	return RDB_OK;
bad:
	idx_release(&x);
	return rdb_err_set(e, RDB_ECORRUPT,
	    "damaged catalog operation in '%s' at offset %zu: %s", file, r->pos,
	    what);
}

struct rdb_tbl *rdb_cat_by_id(struct rdb_cat *c, uint32_t id)
{
	size_t lo = 0, hi = c->ntables;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->tables[mid].id == id)
			return &c->tables[mid];
		if (c->tables[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int rdb_tbl_col(const struct rdb_tbl *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Read a column definition; its checks are those of a new column. */
static int get_col(struct rdb_rd *r, struct rdb_col *col, struct rdb_err *e,
    const char *name, size_t off)
{
	struct rdb_column_def d;
	uint64_t id;
	uint8_t type, prec, scale, flags;
	char *cname = NULL, *dflt = NULL;

	if (rdb_rd_getvar(r, &id) != 0 || id == 0 || id > UINT32_MAX ||
	    rdb_rd_getstr(r, 255, &cname) != 0 || rdb_rd_get8(r, &type) != 0 ||
	    rdb_rd_get8(r, &prec) != 0 || rdb_rd_get8(r, &scale) != 0 ||
	    rdb_rd_get8(r, &flags) != 0 ||
	    (flags & ~(CAT_COL_NOT_NULL | CAT_COL_DEFAULT | CAT_COL_PRIMARY |
	    CAT_COL_UNIQUE)) != 0) {
		free(cname);
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged catalog operation in '%s' at offset %zu: bad column",
		    name, off);
	}
	/* the length is bounded before anything is allocated, and the bytes
	 * must lie within the operation [F-MAN-014] */
	if ((flags & CAT_COL_DEFAULT) &&
	    rdb_rd_getstr(r, RDB_MAX_DEFAULT_SQL, &dflt) != 0) {
		free(cname);
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged catalog operation in '%s' at offset %zu: a column default must be at most %d bytes within the operation, without NUL bytes",
		    name, off, RDB_MAX_DEFAULT_SQL);
	}
	d.name = cname;
	d.type = (enum rdb_type)type;
	d.precision = prec;
	d.scale = scale;
	d.not_null = flags & CAT_COL_NOT_NULL;
	d.default_sql = dflt;
	d.primary_key = (flags & CAT_COL_PRIMARY) != 0;
	d.unique = (flags & CAT_COL_UNIQUE) != 0;
	if (rdb_coldef_check(&d, e) != RDB_OK) {
		char detail[sizeof e->msg];
		rdb_strlcpy(detail, e->msg, sizeof detail);
		free(cname);
		free(dflt);
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged catalog operation in '%s' at offset %zu: %s", name,
		    off, detail);
	}
	col->id = (uint32_t)id;
	col->name = cname;
	col->type = type;
	col->precision = prec;
	col->scale = scale;
	col->flags = flags;
	col->dflt = dflt;
	return RDB_OK;
}

/*
 * CREATE VIEW and DROP VIEW, from r after the op byte. Every length is
 * checked against its bound before anything is allocated or read
 * [F-MAN-016]; the name must be free, or a view's [F-MAN-017].
 */
static int apply_view(struct rdb_cat *c, struct rdb_rd *r, uint8_t kind,
    const char *file, struct rdb_err *e)
{
	struct rdb_view v;
	struct rdb_err e2;
	uint64_t n;
	const char *what = NULL;

	memset(&v, 0, sizeof v);
	if (rdb_rd_getstr(r, 255, &v.name) != 0 ||
	    rdb_name_check("view", v.name, &e2) != RDB_OK) {
		what = "a view name must be 1 to 255 bytes of UTF-8";
		goto bad;
	}
	if (kind == CAT_DROP_VIEW) {
		struct rdb_view *d = rdb_cat_view(c, v.name);
		if (d == NULL) {
			what = "no view of that name to drop";
			goto bad;
		}
		if (r->pos != r->len) {
			what = "trailing bytes after a view";
			goto bad;
		}
		view_release(d);
		memmove(d, d + 1, (size_t)(c->views + c->nviews - d - 1) * sizeof *d);
		c->nviews--;
		view_release(&v);
		return RDB_OK;
	}
	if (rdb_cat_name_taken(c, v.name)) {
		what = rdb_cat_index(c, v.name) != NULL ?
		    "a view's name is taken by an index" :
		    "a view's name is taken by a table or view";
		goto bad;
	}
	/* each column name takes at least two bytes */
	if (rdb_rd_getvar(r, &n) != 0 || n == 0 || n > RDB_MAX_COLUMNS ||
	    n > (r->len - r->pos) / 2) {
		what = "bad view column count";
		goto bad;
	}
	if ((v.cols = calloc((size_t)n, sizeof *v.cols)) == NULL) {
		view_release(&v);
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	while (v.ncols < n) {
		char *cn = NULL;
		size_t j;
		if (rdb_rd_getstr(r, 255, &cn) == 0)
			v.cols[v.ncols++] = cn;
		if (cn == NULL || rdb_name_check("column", cn, &e2) != RDB_OK) {
			what = "a view column name must be 1 to 255 bytes of UTF-8";
			goto bad;
		}
		for (j = 0; j + 1 < v.ncols; j++)
			if (strcasecmp(v.cols[j], cn) == 0) {
				what = "a view column name appears twice";
				goto bad;
			}
	}
	if (rdb_rd_getstr(r, RDB_MAX_VIEW_SQL, &v.sql) != 0 ||
	    !rdb_view_sql_ok(v.sql, strlen(v.sql))) {
		what = "a view query must be 1 to 65536 bytes of UTF-8 within the operation, without NUL bytes";
		goto bad;
	}
	if (r->pos != r->len) {
		what = "trailing bytes after a view";
		goto bad;
	}
	{
		struct rdb_view *nv = realloc(c->views, (c->nviews + 1) * sizeof *nv);
		if (nv == NULL) {
			view_release(&v);
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		}
		c->views = nv;
		c->views[c->nviews++] = v;
	}
	return RDB_OK;
bad:
	view_release(&v);
	return rdb_err_set(e, RDB_ECORRUPT,
	    "damaged catalog operation in '%s' at offset %zu: %s", file, r->pos,
	    what);
}

int rdb_cat_apply(struct rdb_cat *c, const uint8_t *op, size_t len,
    const char *name, struct rdb_err *e)
{
	struct rdb_rd r;
	struct rdb_tbl *t = NULL, nt;
	struct rdb_col col;
	uint64_t id, n, cid;
	uint8_t kind;
	char *str = NULL;
	size_t i;
	int ci, rc = RDB_OK;

/* every operation is parsed whole before it changes anything */
#define END() do { if (r.pos != len) BAD("trailing bytes"); } while (0)
#define BAD(what) do { rc = rdb_err_set(e, RDB_ECORRUPT, \
	"damaged catalog operation in '%s' at offset %zu: %s", name, r.pos, what); \
	goto out; } while (0)

	memset(&nt, 0, sizeof nt);
	rdb_rd_init(&r, op, len);
	if (rdb_rd_get8(&r, &kind) != 0)
		BAD("truncated");
	if (kind == CAT_CREATE_VIEW || kind == CAT_DROP_VIEW) {
		if ((rc = apply_view(c, &r, kind, name, e)) == RDB_OK)
			c->stale = 1;
		goto out;
	}
	if (kind == CAT_CREATE_INDEX || kind == CAT_DROP_INDEX) {
		if ((rc = apply_index(c, &r, kind, name, e)) == RDB_OK)
			c->stale = 1;
		goto out;
	}
	if (rdb_rd_getvar(&r, &id) != 0 || id == 0 || id > UINT32_MAX)
		BAD("truncated");
	if (kind == CAT_UNDROP || kind == CAT_PURGE) {	/* [F-MAN-060] */
		t = rdb_cat_by_id(c, (uint32_t)id);
		if (t == NULL || !t->dropped || t->purged)
			BAD("no such dropped table");
	} else if (kind != CAT_CREATE) {
		t = rdb_cat_by_id(c, (uint32_t)id);
		if (t == NULL || t->dropped)
			BAD("no such table");
	}
	switch (kind) {
	case CAT_CREATE:
		if (id != c->next_table_id)			/* [F-MAN-010] */
			BAD("table id out of sequence");
		if (rdb_rd_getstr(&r, 255, &nt.name) != 0)
			BAD("bad table name");
		if (rdb_name_check("table", nt.name, e) != RDB_OK ||
		    rdb_cat_name_taken(c, nt.name))	/* [F-MAN-017] */
			BAD("bad or duplicate table name");
		if (rdb_rd_getvar(&r, &n) != 0 || n == 0 || n > RDB_MAX_COLUMNS)
			BAD("bad column count");
		nt.cols = calloc((size_t)n, sizeof *nt.cols);
		if (nt.cols == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		for (i = 0; i < n; i++) {
			rc = get_col(&r, &nt.cols[i], e, name, r.pos);
			if (rc != RDB_OK)
				goto out;
			nt.ncols++;
			if (nt.cols[i].id != i + 1 ||
			    rdb_tbl_col(&nt, nt.cols[i].name) != (int)i)
				BAD("column id out of sequence or duplicate name");
		}
		END();
		nt.id = (uint32_t)id;
		nt.next_col = (uint32_t)n + 1;
		nt.codec = -1;
		nt.retention = -1;
		{
			struct rdb_tbl *tt = realloc(c->tables,
			    (c->ntables + 1) * sizeof *tt);
			if (tt == NULL) {
				rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
				goto out;
			}
			c->tables = tt;
			c->tables[c->ntables++] = nt;
			memset(&nt, 0, sizeof nt);
			c->next_table_id++;
		}
		break;
	case CAT_DROP:
		END();
		if (c->ndrops == UINT32_MAX)
			BAD("too many drops");
		t->dropped = ++c->ndrops;
		idx_drop_of(c, t->id, 0);		/* [F-MAN-019] */
		break;
	case CAT_UNDROP:
		if (rdb_rd_getstr(&r, 255, &str) != 0 ||
		    rdb_name_check("table", str, e) != RDB_OK)
			BAD("bad table name");
		if (rdb_cat_name_taken(c, str))	/* [F-MAN-017] */
			BAD("duplicate table name");
		END();
		free(t->name);
		t->name = str;
		str = NULL;
		t->dropped = 0;
		break;
	case CAT_PURGE:
		END();
		t->purged = 1;
		break;
	case CAT_RETENTION: {
		uint8_t on;
		uint64_t sec;
		if (rdb_rd_get8(&r, &on) != 0 || rdb_rd_getvar(&r, &sec) != 0 ||
		    on > 1 || (on == 0 && sec != 0) ||
		    sec >= CAT_RETENTION_MAX)		/* [F-MAN-063] */
			BAD("bad retention");
		END();
		t->retention = on ? (int64_t)sec : -1;
		break;
	}
	case CAT_RENAME:
		if (rdb_rd_getstr(&r, 255, &str) != 0)
			BAD("bad table name");
		if (rdb_name_check("table", str, e) != RDB_OK)
			BAD("bad table name");
		if ((rdb_cat_find(c, str) != NULL && rdb_cat_find(c, str) != t) ||
		    rdb_cat_view(c, str) != NULL ||
		    rdb_cat_index(c, str) != NULL)	/* [F-MAN-017] */
			BAD("duplicate table name");
		END();
		free(t->name);
		t->name = str;
		str = NULL;
		break;
	case CAT_ADD_COL: {
		struct rdb_col *cols;
		rc = get_col(&r, &col, e, name, r.pos);
		if (rc != RDB_OK)
			goto out;
		if (col.id != t->next_col || rdb_tbl_col(t, col.name) >= 0 ||
		    t->ncols >= RDB_MAX_COLUMNS || r.pos != len) {
			free(col.name);
			free(col.dflt);
			BAD("bad column id, name or trailing bytes");
		}
		cols = realloc(t->cols, (t->ncols + 1) * sizeof *cols);
		if (cols == NULL) {
			free(col.name);
			free(col.dflt);
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		t->cols = cols;
		t->cols[t->ncols++] = col;
		t->next_col++;
		break;
	}
	case CAT_DROP_COL:
	case CAT_RENAME_COL:
		if (rdb_rd_getvar(&r, &cid) != 0)
			BAD("truncated");
		for (ci = 0; ci < (int)t->ncols; ci++)
			if (t->cols[ci].id == cid)
				break;
		if (ci == (int)t->ncols)
			BAD("no such column");
		if (kind == CAT_DROP_COL) {
			if (t->ncols == 1)
				BAD("cannot drop the last column");
			END();
			idx_drop_of(c, t->id, t->cols[ci].id);	/* [F-MAN-019] */
			free(t->cols[ci].name);
			free(t->cols[ci].dflt);		/* [F-MAN-015] */
			memmove(&t->cols[ci], &t->cols[ci + 1],
			    (t->ncols - (size_t)ci - 1) * sizeof *t->cols);
			t->ncols--;
		} else {
			if (rdb_rd_getstr(&r, 255, &str) != 0 ||
			    rdb_name_check("column", str, e) != RDB_OK)
				BAD("bad column name");
			if (rdb_tbl_col(t, str) >= 0 && rdb_tbl_col(t, str) != ci)
				BAD("duplicate column name");
			END();
			free(t->cols[ci].name);
			t->cols[ci].name = str;
			str = NULL;
		}
		break;
	case CAT_CODEC: {
		uint8_t codec, level;
		struct rdb_settings st;
		struct rdb_err e2;
		if (rdb_rd_get8(&r, &codec) != 0 || rdb_rd_get8(&r, &level) != 0)
			BAD("truncated");
		rdb_settings_init(&st);
		st.codec = (enum rdb_codec)codec;
		st.codec_level = (int8_t)level;
		if (codec != 0xff && rdb_settings_check(&st, &e2) != RDB_OK)
			BAD("bad codec or level");
		if (codec == 0xff && level != 0)
			BAD("bad codec or level");
		END();
		t->codec = codec == 0xff ? -1 : codec;
		t->codec_level = (int8_t)level;
		break;
	}
	default:
		BAD("unknown operation");
	}
	if (r.pos != len)
		BAD("trailing bytes");
	c->stale = 1;
out:
	free(str);
	tbl_release(&nt);
	return rc;
#undef BAD
#undef END
}

/* The public descriptions of the indexes: all in id order in
 * idescp[0..nindexes), then grouped by table in idescp[nindexes..). */
static int index_descs(struct rdb_cat *c)
{
	size_t i, j, nk = 0, k = 0, g = c->nindexes;

	for (i = 0; i < c->nindexes; i++)
		nk += c->indexes[i].nkeys;
	c->idesc = calloc(c->nindexes + 1, sizeof *c->idesc);
	c->idescp = calloc(2 * c->nindexes + 1, sizeof *c->idescp);
	c->ikeys = calloc(nk + 1, sizeof *c->ikeys);
	c->idescs = calloc(nk + 1, sizeof *c->idescs);
	if (c->idesc == NULL || c->idescp == NULL || c->ikeys == NULL ||
	    c->idescs == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < c->nindexes; i++) {
		const struct rdb_idx *x = &c->indexes[i];
		const struct rdb_tbl *t = rdb_cat_by_id(c, x->table_id);
		struct rdb_index_desc *d = &c->idesc[i];
		d->id = x->id;
		d->name = x->name;
		d->table_id = x->table_id;
		d->table = t->name;
		d->unique = (x->flags & CAT_IDX_UNIQUE) != 0;
		d->nkeys = x->nkeys;
		d->cols = &c->ikeys[k];
		d->desc = &c->idescs[k];
		for (j = 0; j < x->nkeys; j++, k++) {
			size_t col;
			for (col = 0; col < t->ncols; col++)
				if (t->cols[col].id == x->cols[j])
					break;
			c->ikeys[k] = col;
			c->idescs[k] = (x->kflags[j] & CAT_KEY_DESC) != 0;
		}
		c->idescp[i] = d;
	}
	for (i = 0; i < c->ndesc; i++) {
		struct rdb_table_desc *td = &c->desc[i];
		td->indexes = &c->idescp[g];
		for (j = 0; j < c->nindexes; j++)
			if (c->idesc[j].table_id == td->id)
				c->idescp[g++] = &c->idesc[j];
		td->nindexes = (size_t)(&c->idescp[g] - td->indexes);
	}
	return RDB_OK;
}

int rdb_cat_descs(struct rdb_cat *c)
{
	size_t i, j, nt = 0, nc = 0, k = 0;

	if (!c->stale)
		return RDB_OK;
	descs_release(c);
	for (i = 0; i < c->ntables; i++) {
		if (c->tables[i].dropped)
			continue;
		nt++;
		nc += c->tables[i].ncols;
	}
	c->desc = calloc(nt + 1, sizeof *c->desc);
	c->descp = calloc(nt + 1, sizeof *c->descp);
	c->cdesc = calloc(nc + 1, sizeof *c->cdesc);
	c->vdesc = calloc(c->nviews + 1, sizeof *c->vdesc);
	c->vdescp = calloc(c->nviews + 1, sizeof *c->vdescp);
	if (c->desc == NULL || c->descp == NULL || c->cdesc == NULL ||
	    c->vdesc == NULL || c->vdescp == NULL) {
		descs_release(c);
		return RDB_ENOMEM;
	}
	for (i = 0; i < c->nviews; i++) {
		c->vdesc[i].name = c->views[i].name;
		c->vdesc[i].ncols = c->views[i].ncols;
		c->vdesc[i].cols = (const char *const *)c->views[i].cols;
		c->vdesc[i].sql = c->views[i].sql;
		c->vdescp[i] = &c->vdesc[i];
	}
	for (i = 0; i < c->ntables; i++) {
		struct rdb_tbl *t = &c->tables[i];
		struct rdb_table_desc *d;
		if (t->dropped)
			continue;
		d = &c->desc[c->ndesc];
		d->id = t->id;
		d->name = t->name;
		d->ncols = t->ncols;
		d->codec = t->codec;
		d->codec_level = t->codec_level;
		d->cols = &c->cdesc[k];
		for (j = 0; j < t->ncols; j++, k++) {
			c->cdesc[k].id = t->cols[j].id;
			c->cdesc[k].name = t->cols[j].name;
			c->cdesc[k].type = (enum rdb_type)t->cols[j].type;
			c->cdesc[k].precision = t->cols[j].precision;
			c->cdesc[k].scale = t->cols[j].scale;
			c->cdesc[k].not_null = t->cols[j].flags & CAT_COL_NOT_NULL;
			c->cdesc[k].default_sql = t->cols[j].dflt;
			c->cdesc[k].primary_key =
			    (t->cols[j].flags & CAT_COL_PRIMARY) != 0;
			c->cdesc[k].unique = (t->cols[j].flags & CAT_COL_UNIQUE) != 0;
		}
		c->descp[c->ndesc] = d;
		c->ndesc++;
	}
	if (index_descs(c) != RDB_OK) {
		descs_release(c);
		return RDB_ENOMEM;
	}
	c->stale = 0;
	return RDB_OK;
}
