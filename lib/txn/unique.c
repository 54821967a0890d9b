/*
 * unique.c - PRIMARY KEY and UNIQUE: no two visible rows of a table
 * share a key value [F-MAN-018].
 *
 * There is no index yet, so a writer proves a table's keys unique by
 * reading them all as its transaction sees them (its own writes
 * included) into a hash set of encoded keys: one pass, memory in
 * proportion to the keys, run once per writing statement or load
 * before the commit. A key with a NULL part never clashes (SQL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "txn/txn_int.h"
#include "util/util.h"

struct kset {
	uint64_t *hash;                 /* per slot; 0 empty */
	uint64_t *off;                  /* per slot: key offset in keys */
	size_t mask, n;
	struct rdb_buf keys;            /* u32 length, then the bytes */
};

static int kset_grow(struct kset *k)
{
	size_t cap = k->mask ? (k->mask + 1) * 2 : 1024, i;
	uint64_t *h = calloc(cap, sizeof *h), *o = calloc(cap, sizeof *o);

	if (h == NULL || o == NULL) {
		free(h);
		free(o);
		return RDB_ENOMEM;
	}
	for (i = 0; k->mask && i <= k->mask; i++) {
		size_t j;
		if (k->hash[i] == 0)
			continue;
		for (j = k->hash[i] & (cap - 1); h[j] != 0; j = (j + 1) & (cap - 1))
			;
		h[j] = k->hash[i];
		o[j] = k->off[i];
	}
	free(k->hash);
	free(k->off);
	k->hash = h;
	k->off = o;
	k->mask = cap - 1;
	return RDB_OK;
}

/* Add key p[0..n); 1 when it was there already, 0 added, or < 0. */
static int kset_add(struct kset *k, const uint8_t *p, size_t n)
{
	uint64_t h = rdb_hash64(p, n) | 1;
	size_t j;
	uint32_t len = (uint32_t)n;

	if ((k->n + 1) * 2 > k->mask + 1 && kset_grow(k) != RDB_OK)
		return RDB_ENOMEM;
	for (j = h & k->mask; k->hash[j] != 0; j = (j + 1) & k->mask) {
		uint32_t l;
		if (k->hash[j] != h)
			continue;
		memcpy(&l, k->keys.p + k->off[j], 4);
		if (l == len && memcmp(k->keys.p + k->off[j] + 4, p, n) == 0)
			return 1;
	}
	k->hash[j] = h;
	k->off[j] = k->keys.len;
	if (rdb_buf_append(&k->keys, &len, 4) != RDB_OK ||
	    rdb_buf_append(&k->keys, p, n) != RDB_OK)
		return RDB_ENOMEM;
	k->n++;
	return 0;
}

static void kset_free(struct kset *k)
{
	free(k->hash);
	free(k->off);
	rdb_buf_release(&k->keys);
	memset(k, 0, sizeof *k);
}

/* Append value row of v to key b (length-prefixed for text) and its
 * text to t, for messages; 1 when it is NULL, -1 out of memory. */
static int key_part(const struct rdb_vec *v, size_t row, struct rdb_buf *b,
    char *t, size_t tn)
{
	size_t w = rdb_type_width(v->type), len;
	const char *p;
	char tmp[96];

	if (rdb_vec_is_null(v, row))
		return 1;
	if (w > 0) {
		if (rdb_buf_append(b, (const uint8_t *)v->values + row * w,
		    w) != RDB_OK)
			return -1;
	} else {
		uint32_t n = v->offsets[row + 1] - v->offsets[row];
		if (rdb_buf_append(b, &n, 4) != RDB_OK ||
		    rdb_buf_append(b, (const uint8_t *)v->values +
		    v->offsets[row], n) != RDB_OK)
			return -1;
	}
	if (rdb_value_text(v, row, tmp, sizeof tmp, &p, &len) != RDB_OK) {
		p = "?";
		len = 1;
	}
	snprintf(t, tn, w > 0 ? "%.*s%s" : "'%.*s%s'", len > 60 ? 60 : (int)len,
	    p, len > 60 ? "..." : "");
	return 0;
}

/* Check one key: columns cols[0..n) of table; index names the UNIQUE
 * index the key is, or is NULL for the table's own keys. */
static int check_key(struct rdb_txn *txn, const struct rdb_table_desc *td,
    const size_t *cols, size_t n, const char *index)
{
	struct rdb_db *db = rdb_txn_db(txn);
	struct rdb_scan_options so;
	struct rdb_scan *s;
	const struct rdb_batch *b;
	struct kset k;
	struct rdb_buf key;
	int rc;

	memset(&so, 0, sizeof so);
	so.cols = cols;
	so.ncols = n;
	if ((rc = rdb_scan_open(txn, td->name, &so, &s)) != RDB_OK)
		return rc;
	memset(&k, 0, sizeof k);
	rdb_buf_init(&key);
	while ((rc = rdb_scan_next(s, &b)) > 0) {
		size_t r, c;
		for (r = 0; r < b->nrows; r++) {
			char shown[8][96];
			int null = 0, p;
			key.len = 0;
			for (c = 0; c < n && !null; c++) {
				p = key_part(&b->cols[c], r, &key, shown[c < 8 ? c : 7],
				    sizeof shown[0]);
				if (p < 0) {
					rc = RDB_ENOMEM;
					goto out;
				}
				null = p;
			}
			if (null)
				continue;
			if ((p = kset_add(&k, key.p, key.len)) < 0) {
				rc = RDB_ENOMEM;
				goto out;
			}
			if (p == 1) {
				char names[256] = "", vals[1024] = "";
				for (c = 0; c < n; c++) {
					size_t ln = strlen(names), lv = strlen(vals);
					snprintf(names + ln, sizeof names - ln, "%s%s",
					    c ? ", " : "", td->cols[cols[c]].name);
					snprintf(vals + lv, sizeof vals - lv, "%s%s",
					    c ? ", " : "", shown[c < 8 ? c : 7]);
				}
				if (index != NULL)
					rc = rdb_err_set(&db->err, RDB_ECONSTRAINT,
					    "duplicate key (%s) = (%s) in table '%s': its "
					    "UNIQUE index '%s' allows each value once", names,
					    vals, td->name, index);
				else
					rc = rdb_err_set(&db->err, RDB_ECONSTRAINT,
					    "duplicate key (%s) = (%s) in table '%s': its %s "
					    "allows each value once", names, vals, td->name,
					    td->cols[cols[0]].primary_key ? "PRIMARY KEY" :
					    "UNIQUE column");
				goto out;
			}
		}
	}
out:
	rdb_scan_close(s);
	rdb_buf_release(&key);
	kset_free(&k);
	if (rc == RDB_ENOMEM)
		rc = rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
	return rc < 0 ? rc : RDB_OK;
}

int rdb_table_check_unique(struct rdb_txn *txn, const char *table)
{
	const struct rdb_table_desc *td;
	size_t *cols, n = 0, i;
	int rc;

	if ((rc = rdb_table_find(txn, table, &td)) != RDB_OK)
		return rc;
	cols = malloc(sizeof *cols * (td->ncols + 1));
	if (cols == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < td->ncols; i++)
		if (td->cols[i].primary_key)
			cols[n++] = i;
	rc = n > 0 ? check_key(txn, td, cols, n, NULL) : RDB_OK;
	for (i = 0; i < td->ncols && rc == RDB_OK; i++)
		if (td->cols[i].unique)
			rc = check_key(txn, td, &i, 1, NULL);
	for (i = 0; i < td->nindexes && rc == RDB_OK; i++)
		if (td->indexes[i]->unique)		/* [F-MAN-019] */
			rc = check_key(txn, td, td->indexes[i]->cols,
			    td->indexes[i]->nkeys, td->indexes[i]->name);
	free(cols);
	return rc;
}

int rdb_index_check_unique(struct rdb_txn *txn, const char *name)
{
	const struct rdb_index_desc *x;
	const struct rdb_table_desc *td;
	int rc;

	if ((rc = rdb_index_find(txn, name, &x)) != RDB_OK ||
	    (rc = rdb_table_find(txn, x->table, &td)) != RDB_OK)
		return rc;
	return check_key(txn, td, x->cols, x->nkeys, x->name);
}
