/*
 * txn.c - transactions, catalog changes, inserts, deletes and scans.
 *
 * A read transaction pins its snapshot in a reader slot (format/lock.md)
 * while it refreshes the handle's store, then reads at commit S: a row
 * is visible iff inserted <= S and not deleted at or before S
 * [F-MAN-050]. A write transaction holds the writer lock; its changes
 * go to the WAL as they are made and into the store tagged with the
 * commit id they will get (the last one plus one), so the transaction
 * sees its own changes and an abort removes exactly them.
 */
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db_int.h"
#include "idx/idx.h"
#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/txn_int.h"
#include "txn/vec.h"

struct tcount {
	uint32_t table_id;
	uint64_t inserted, deleted;
};

struct rdb_txn {
	struct rdb_db *db;
	int write;
	uint64_t snap;
	struct rdb_cat cat;         /* read: the catalog at snap */
	/* write */
	struct rdb_cat saved;
	size_t saved_nddl;
	int changed;
	size_t ncounts;
	struct tcount *counts;
	struct rdb_wal wal;
	struct rdb_buf rec;
	int pinned;
	unsigned nbulk;             /* segments written by this transaction */
	uint64_t bulk_bytes;        /* unlogged rows per table before a flush */
	/* a segment being written in the background */
	int flushing;
	pthread_t flusher;
	struct bulk_job *job;
};

/* Rows handed to the background writer, and what it made of them. */
struct bulk_job {
	struct rdb_db *db;
	struct rdb_tdata shadow;    /* id and the rows; nothing else */
	uint64_t first;
	char name[80];
	struct rdb_segref ref;
	struct rdb_err err;
	int rc;
};

static struct rdb_cat *txn_cat(struct rdb_txn *t)
{
	return t->write ? &t->db->store.cat : &t->cat;
}

__attribute__((format(printf, 3, 4)))
static int set(struct rdb_txn *t, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->db->err.msg, sizeof t->db->err.msg, fmt, ap);
	va_end(ap);
	t->db->err.code = code;
	return code;
}

static void txn_free(struct rdb_txn *t)
{
	struct rdb_db *db = t->db;

	if (t->write) {
		rdb_wal_close(&t->wal);
		rdb_cat_release(&t->saved);
		rdb_unlock_writer(&db->lock);
		db->store.pending = 0;
	}
	if (t->pinned)
		rdb_lock_unpin(&db->lock);
	rdb_cat_release(&t->cat);
	free(t->counts);
	rdb_buf_release(&t->rec);
	db->txn = NULL;
	free(t);
}

int rdb_txn_begin(struct rdb_db *db, unsigned flags, uint64_t as_of,
    struct rdb_txn **tp)
{
	struct rdb_store *s = &db->store;
	struct rdb_txn *t;
	int rc;

	*tp = NULL;
	if (db == NULL || !db->open)
		return RDB_EMISUSE;
	rdb_err_clear(&db->err);
	if (db->txn != NULL)
		return rdb_err_set(&db->err, RDB_EMISUSE,
		    "a transaction is already open on '%s'", db->path);
	if ((flags & RDB_TXN_WRITE) && db->readonly)
		return rdb_err_set(&db->err, RDB_EREADONLY,
		    "cannot change '%s': it is open read-only", db->path);
	if ((flags & RDB_TXN_WRITE) && as_of != 0)
		return rdb_err_set(&db->err, RDB_EMISUSE,
		    "a write transaction cannot read the past");
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
	t->db = db;
	t->wal.fd = -1;
	rdb_cat_init(&t->cat);
	rdb_cat_init(&t->saved);
	db->txn = t;
	if (flags & RDB_TXN_WRITE) {
		t->write = 1;
		rc = rdb_lock_writer(&db->lock, db->lock_timeout_ms, &db->err);
		if (rc != RDB_OK) {
			t->write = 0;
			goto fail;
		}
	} else if (db->lock.writable) {
		/* pin "loading" (0) so no WAL file goes away under us */
		rc = rdb_lock_pin(&db->lock, 0, &db->err);	/* [F-LCK-008] */
		if (rc != RDB_OK)
			goto fail;
		t->pinned = 1;
	}
	rc = rdb_store_refresh(s, db->path, db->sb.uuid, &db->err);
	if (rc != RDB_OK)
		goto fail;
	if (t->write) {
		rc = rdb_wal_open(&t->wal, db->path, db->sb.uuid, &s->wal,
		    db->sb.settings.sync, &db->err);
		if (rc != RDB_OK)
			goto fail;
		if (rdb_cat_copy(&t->saved, &s->cat) != RDB_OK) {
			rc = rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
			goto fail;
		}
		t->saved_nddl = s->nddl;
		t->snap = s->last_commit + 1;
		s->pending = t->snap;
	} else {
		t->snap = as_of != 0 ? as_of : s->last_commit;
		if (t->snap > s->last_commit) {
			char a[32], b[32];
			snprintf(a, sizeof a, "%llu", (unsigned long long)as_of);
			snprintf(b, sizeof b, "%llu",
			    (unsigned long long)s->last_commit);
			/* time travel to a point that does not exist yet is as
			 * much outside history as one already dropped */
			rc = set(t, RDB_EHISTORY,
			    "commit %s is in the future: the latest is %s", a, b);
			goto fail;
		}
		if (as_of != 0 && as_of < s->horizon) {	/* [F-MAN-023] */
			char a[32], b[32];
			snprintf(a, sizeof a, "%llu", (unsigned long long)as_of);
			snprintf(b, sizeof b, "%llu", (unsigned long long)s->horizon);
			rc = set(t, RDB_EHISTORY,
			    "commit %s is outside retained history: the oldest readable is %s",
			    a, b);
			goto fail;
		}
		if (t->pinned) {
			rc = rdb_lock_pin(&db->lock, t->snap, &db->err);
			if (rc != RDB_OK)
				goto fail;
		}
		rc = rdb_store_cat_at(s, t->snap, &t->cat, &db->err);
		if (rc != RDB_OK)
			goto fail;
	}
	*tp = t;
	return RDB_OK;
fail:
	if (t->write)
		s->pending = 0;
	txn_free(t);
	return rc;
}

uint64_t rdb_txn_snapshot(const struct rdb_txn *t)
{
	return t->snap;
}

const char *rdb_txn_errmsg(const struct rdb_txn *t)
{
	return rdb_errmsg(t->db);
}

void rdb_txn_abort(struct rdb_txn *t)
{
	struct rdb_err e;

	if (t == NULL)
		return;
	if (t->write) {
		struct rdb_store *s = &t->db->store;
		struct rdb_err saved = t->db->err;
		(void)rdb_txn_settle(t);	/* the segment is undone below */
		t->db->err = saved;
		if (t->changed) {
			rdb_store_undo_pending(s, &t->saved, t->saved_nddl);
			(void)rdb_wal_rollback(&t->wal, &e);
		}
	}
	txn_free(t);
}

static int need_write(struct rdb_txn *t)
{
	if (t == NULL)
		return RDB_EMISUSE;
	rdb_err_clear(&t->db->err);
	if (!t->write)
		return rdb_err_set(&t->db->err, RDB_EMISUSE,
		    "not a write transaction");
	return RDB_OK;
}

static struct tcount *count_of(struct rdb_txn *t, uint32_t id)
{
	struct tcount *c;
	size_t i;

	for (i = 0; i < t->ncounts; i++)
		if (t->counts[i].table_id == id)
			return &t->counts[i];
	c = realloc(t->counts, (t->ncounts + 1) * sizeof *c);
	if (c == NULL)
		return NULL;
	t->counts = c;
	c = &t->counts[t->ncounts++];
	memset(c, 0, sizeof *c);
	c->table_id = id;
	return c;
}

static int log_pending(struct rdb_txn *t);

/* Log a catalog operation in t->rec and apply it. */
static int ddl(struct rdb_txn *t)
{
	struct rdb_store *s = &t->db->store;
	struct rdb_ddl *d;
	int rc;

	/* rows inserted before the change reach the WAL before it;
	 * log_pending uses t->rec, which holds the operation */
	{
		struct rdb_buf op = t->rec;
		rdb_buf_init(&t->rec);
		rc = log_pending(t);
		rdb_buf_release(&t->rec);
		t->rec = op;
		if (rc != RDB_OK)
			return rc;
	}
	rc = rdb_cat_apply(&s->cat, t->rec.p, t->rec.len, "transaction",
	    &t->db->err);
	if (rc != RDB_OK)
		return rc;
	if (rdb_grow(&s->ddl, &s->capddl, s->nddl, sizeof *s->ddl) != RDB_OK)
		goto nomem;
	d = &s->ddl[s->nddl];
	d->op = malloc(t->rec.len);
	if (d->op == NULL)
		goto nomem;
	memcpy(d->op, t->rec.p, t->rec.len);
	d->len = t->rec.len;
	d->commit = t->snap;
	s->nddl++;
	t->changed = 1;
	return rdb_wal_append(&t->wal, WAL_DDL, t->rec.p, t->rec.len,
	    &t->db->err);
nomem:
	return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
}

static struct rdb_tbl *live_table(struct rdb_txn *t, const char *name)
{
	struct rdb_tbl *tb = rdb_cat_find(txn_cat(t), name);

	if (tb == NULL)
		set(t, RDB_ENOENT, "no such table '%s'", name);
	return tb;
}

int rdb_table_create(struct rdb_txn *t, const char *name,
    const struct rdb_column_def *cols, size_t ncols)
{
	struct rdb_store *s;
	size_t i, j;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	s = &t->db->store;
	if ((rc = rdb_name_check("table", name, &t->db->err)) != RDB_OK)
		return rc;
	if (ncols == 0 || ncols > RDB_MAX_COLUMNS)
		return set(t, RDB_EINVAL, "table '%s' needs 1 to %d columns", name,
		    RDB_MAX_COLUMNS);
	if (rdb_cat_find(&s->cat, name) != NULL)
		return set(t, RDB_EEXIST, "table '%s' already exists", name);
	if (rdb_cat_view(&s->cat, name) != NULL)		/* [F-MAN-017] */
		return set(t, RDB_EEXIST, "a view named '%s' already exists", name);
	if (rdb_cat_index(&s->cat, name) != NULL)
		return set(t, RDB_EEXIST, "an index named '%s' already exists", name);
	for (i = 0; i < ncols; i++) {
		if ((rc = rdb_coldef_check(&cols[i], &t->db->err)) != RDB_OK)
			return rc;
		for (j = 0; j < i; j++)
			if (strcasecmp(cols[i].name, cols[j].name) == 0)
				return set(t, RDB_EINVAL,
				    "column '%s' appears twice in table '%s'",
				    cols[i].name, name);
	}
	t->rec.len = 0;
	if (rdb_cat_enc_create(&t->rec, s->cat.next_table_id, name, cols,
	    ncols) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_table_drop(struct rdb_txn *t, const char *name)
{
	struct rdb_tbl *tb;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = live_table(t, name)) == NULL)
		return RDB_ENOENT;
	t->rec.len = 0;
	if (rdb_cat_enc_drop(&t->rec, tb->id) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_table_rename(struct rdb_txn *t, const char *name, const char *new_name)
{
	struct rdb_tbl *tb, *other;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = live_table(t, name)) == NULL)
		return RDB_ENOENT;
	if ((rc = rdb_name_check("table", new_name, &t->db->err)) != RDB_OK)
		return rc;
	other = rdb_cat_find(txn_cat(t), new_name);
	if (other != NULL && other != tb)
		return set(t, RDB_EEXIST, "table '%s' already exists", new_name);
	if (rdb_cat_view(txn_cat(t), new_name) != NULL)	/* [F-MAN-017] */
		return set(t, RDB_EEXIST, "a view named '%s' already exists",
		    new_name);
	if (rdb_cat_index(txn_cat(t), new_name) != NULL)
		return set(t, RDB_EEXIST, "an index named '%s' already exists",
		    new_name);
	t->rec.len = 0;
	if (rdb_cat_enc_rename(&t->rec, tb->id, new_name) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_column_add(struct rdb_txn *t, const char *table,
    const struct rdb_column_def *col)
{
	struct rdb_tbl *tb;
	struct rdb_tdata *td;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	if ((rc = rdb_coldef_check(col, &t->db->err)) != RDB_OK)
		return rc;
	if (rdb_tbl_col(tb, col->name) >= 0)
		return set(t, RDB_EEXIST, "column '%s' already exists in '%s'",
		    col->name, table);
	if (col->primary_key)                   /* [F-MAN-018] */
		return set(t, RDB_EINVAL, "cannot add PRIMARY KEY column '%s' to "
		    "'%s': a table's key is set when it is created", col->name,
		    table);
	td = rdb_store_td(&t->db->store, tb->id, 0);
	if (col->unique && td != NULL && td->next_rowid > 0)
		return set(t, RDB_EINVAL, "cannot add UNIQUE column '%s' to '%s' "
		    "with rows: create the table with it", col->name, table);
	if (col->not_null && td != NULL && td->next_rowid > 0)
		return set(t, RDB_EINVAL,
		    "cannot add NOT NULL column '%s' to '%s': existing rows would be NULL",
		    col->name, table);
	if (tb->ncols >= RDB_MAX_COLUMNS)
		return set(t, RDB_EINVAL, "table '%s' has the most columns allowed",
		    table);
	t->rec.len = 0;
	if (rdb_cat_enc_add_col(&t->rec, tb->id, tb->next_col, col) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_column_drop(struct rdb_txn *t, const char *table, const char *column)
{
	struct rdb_tbl *tb;
	int ci, rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	if ((ci = rdb_tbl_col(tb, column)) < 0)
		return set(t, RDB_ENOENT, "no column '%s' in table '%s'", column,
		    table);
	if (tb->ncols == 1)
		return set(t, RDB_EINVAL,
		    "cannot drop '%s', the only column of '%s'", column, table);
	t->rec.len = 0;
	if (rdb_cat_enc_drop_col(&t->rec, tb->id, tb->cols[ci].id) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_column_rename(struct rdb_txn *t, const char *table, const char *column,
    const char *new_name)
{
	struct rdb_tbl *tb;
	int ci, other, rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	if ((ci = rdb_tbl_col(tb, column)) < 0)
		return set(t, RDB_ENOENT, "no column '%s' in table '%s'", column,
		    table);
	if ((rc = rdb_name_check("column", new_name, &t->db->err)) != RDB_OK)
		return rc;
	other = rdb_tbl_col(tb, new_name);
	if (other >= 0 && other != ci)
		return set(t, RDB_EEXIST, "column '%s' already exists in '%s'",
		    new_name, table);
	t->rec.len = 0;
	if (rdb_cat_enc_rename_col(&t->rec, tb->id, tb->cols[ci].id,
	    new_name) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_table_set_codec(struct rdb_txn *t, const char *table, int codec,
    int level)
{
	struct rdb_settings st;
	struct rdb_tbl *tb;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	if (codec != -1) {
		rdb_settings_init(&st);
		st.codec = (enum rdb_codec)codec;
		st.codec_level = level;
		if ((rc = rdb_settings_check(&st, &t->db->err)) != RDB_OK)
			return rc;
	} else if (level != 0) {
		return set(t, RDB_EINVAL, "a level needs a codec");
	}
	t->rec.len = 0;
	if (rdb_cat_enc_codec(&t->rec, tb->id, codec == -1 ? 0xff : codec,
	    level) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

/* ---- dropped tables and retention (format/manifest.md) ---- */

/* The oldest commit at which table id's rows may be read [F-MAN-064]. */
static uint64_t table_horizon(struct rdb_store *s, uint32_t id)
{
	struct rdb_tdata *td = rdb_store_td(s, id, 0);

	return td != NULL && td->horizon > s->horizon ? td->horizon : s->horizon;
}

int rdb_txn_table_readable(struct rdb_txn *t, uint32_t id, const char *name)
{
	struct rdb_store *s = &t->db->store;
	struct rdb_tbl *now = rdb_cat_by_id(&s->cat, id);
	uint64_t h = table_horizon(s, id);

	if (now != NULL && now->purged)				/* [F-MAN-061] */
		return set(t, RDB_EHISTORY, "table '%s' was dropped and purged: "
		    "its rows are gone", name);
	if (!t->write && t->snap < h)				/* [F-MAN-064] */
		return set(t, RDB_EHISTORY, "commit %llu is outside the retained "
		    "history of table '%s': the oldest readable is %llu",
		    (unsigned long long)t->snap, name, (unsigned long long)h);
	return RDB_OK;
}

int rdb_table_undrop(struct rdb_txn *t, const char *name,
    const char *new_name, uint64_t *dropped_at)
{
	struct rdb_store *s;
	struct rdb_tbl *tb;
	uint64_t d, h;
	const char *as = new_name != NULL ? new_name : name;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	s = &t->db->store;
	if ((tb = rdb_cat_find_dropped(&s->cat, name)) == NULL)	/* [F-MAN-062] */
		return set(t, RDB_ENOENT, "no dropped table '%s' to bring back",
		    name);
	d = rdb_store_drop_commit(s, tb->id);
	if (dropped_at != NULL)
		*dropped_at = d;
	h = table_horizon(s, tb->id);
	if (d <= h)
		return set(t, RDB_EHISTORY, "table '%s' was dropped at commit %llu, "
		    "outside its retained history (the oldest readable commit is "
		    "%llu): its rows are gone", tb->name, (unsigned long long)d,
		    (unsigned long long)h);
	if ((rc = rdb_name_check("table", as, &t->db->err)) != RDB_OK)
		return rc;
	if (rdb_cat_find(&s->cat, as) != NULL)
		return set(t, RDB_EEXIST, "table '%s' already exists: bring the "
		    "dropped one back under another name", as);
	if (rdb_cat_view(&s->cat, as) != NULL)			/* [F-MAN-017] */
		return set(t, RDB_EEXIST, "a view named '%s' already exists: bring "
		    "the dropped table back under another name", as);
	if (rdb_cat_index(&s->cat, as) != NULL)
		return set(t, RDB_EEXIST, "an index named '%s' already exists: "
		    "bring the dropped table back under another name", as);
	t->rec.len = 0;
	if (rdb_cat_enc_undrop(&t->rec, tb->id, as) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_table_purge(struct rdb_txn *t, const char *name)
{
	struct rdb_tbl *tb;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = rdb_cat_find_dropped(txn_cat(t), name)) == NULL)
		return set(t, RDB_ENOENT, "no dropped table '%s' to purge", name);
	t->rec.len = 0;
	if (rdb_cat_enc_purge(&t->rec, tb->id) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_table_set_retention(struct rdb_txn *t, const char *table,
    int64_t seconds)
{
	struct rdb_tbl *tb;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	if (seconds >= (int64_t)CAT_RETENTION_MAX)		/* [F-MAN-063] */
		return set(t, RDB_EINVAL, "a retention of %lld seconds is too long",
		    (long long)seconds);
	if (tb->retention == (seconds < 0 ? -1 : seconds))
		return RDB_OK;		/* nothing changes: no commit */
	t->rec.len = 0;
	if (rdb_cat_enc_retention(&t->rec, tb->id, seconds) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_table_retention(struct rdb_txn *t, const char *table,
    int64_t *seconds, uint64_t *oldest)
{
	struct rdb_tbl *tb;

	if (t == NULL)
		return RDB_EMISUSE;
	rdb_err_clear(&t->db->err);
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	/* a read transaction's catalog is of its snapshot; the setting is
	 * the latest one */
	{
		struct rdb_tbl *now = rdb_cat_by_id(&t->db->store.cat, tb->id);
		*seconds = now != NULL ? now->retention : tb->retention;
	}
	if (oldest != NULL)
		*oldest = table_horizon(&t->db->store, tb->id);
	return RDB_OK;
}

int rdb_view_create(struct rdb_txn *t, const char *name,
    const char *const *cols, size_t ncols, const char *sql)
{
	struct rdb_store *s;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	s = &t->db->store;
	if ((rc = rdb_view_check(name, cols, ncols, sql, &t->db->err)) != RDB_OK)
		return rc;
	if (rdb_cat_view(&s->cat, name) != NULL)
		return set(t, RDB_EEXIST, "view '%s' already exists", name);
	if (rdb_cat_find(&s->cat, name) != NULL)		/* [F-MAN-017] */
		return set(t, RDB_EEXIST, "a table named '%s' already exists", name);
	if (rdb_cat_index(&s->cat, name) != NULL)
		return set(t, RDB_EEXIST, "an index named '%s' already exists", name);
	t->rec.len = 0;
	if (rdb_cat_enc_create_view(&t->rec, name, cols, ncols, sql) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_view_drop(struct rdb_txn *t, const char *name)
{
	struct rdb_view *v;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((v = rdb_cat_view(txn_cat(t), name)) == NULL)
		return set(t, RDB_ENOENT, "no such view '%s'", name);
	t->rec.len = 0;
	/* the stored name: the operation names exactly the view it drops */
	if (rdb_cat_enc_drop_view(&t->rec, v->name) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_view_list(struct rdb_txn *t, const struct rdb_view_desc *const **views,
    size_t *n)
{
	struct rdb_cat *c;

	if (t == NULL)
		return RDB_EMISUSE;
	c = txn_cat(t);
	if (rdb_cat_descs(c) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	*views = c->vdescp;
	*n = c->nviews;
	return RDB_OK;
}

int rdb_view_find(struct rdb_txn *t, const char *name,
    const struct rdb_view_desc **out)
{
	struct rdb_cat *c;
	size_t i;

	if (t == NULL)
		return RDB_EMISUSE;
	c = txn_cat(t);
	if (rdb_cat_descs(c) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	for (i = 0; i < c->nviews; i++)
		if (strcasecmp(c->vdesc[i].name, name) == 0) {
			*out = &c->vdesc[i];
			return RDB_OK;
		}
	*out = NULL;
	return set(t, RDB_ENOENT, "no such view '%s'", name);
}

int rdb_index_create(struct rdb_txn *t, const char *name, const char *table,
    const char *const *cols, const int *desc, size_t ncols, int unique)
{
	struct rdb_cat *c;
	struct rdb_tbl *tb;
	struct rdb_idx x;
	uint32_t ids[RDB_MAX_INDEX_KEYS];
	uint8_t kf[RDB_MAX_INDEX_KEYS];
	size_t i, j;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	c = txn_cat(t);
	if ((rc = rdb_name_check("index", name, &t->db->err)) != RDB_OK)
		return rc;
	if (rdb_cat_index(c, name) != NULL)			/* [F-MAN-017] */
		return set(t, RDB_EEXIST, "index '%s' already exists", name);
	if (rdb_cat_find(c, name) != NULL)
		return set(t, RDB_EEXIST, "a table named '%s' already exists", name);
	if (rdb_cat_view(c, name) != NULL)
		return set(t, RDB_EEXIST, "a view named '%s' already exists", name);
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	if (ncols == 0 || ncols > RDB_MAX_INDEX_KEYS)	/* [F-MAN-019] */
		return set(t, RDB_EINVAL, "index '%s' needs 1 to %d key columns",
		    name, RDB_MAX_INDEX_KEYS);
	for (i = 0; i < ncols; i++) {
		int ci = rdb_tbl_col(tb, cols[i]);
		if (ci < 0)
			return set(t, RDB_ENOENT, "no column '%s' in table '%s'",
			    cols[i], tb->name);
		ids[i] = tb->cols[ci].id;
		kf[i] = desc != NULL && desc[i] ? CAT_KEY_DESC : 0;
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return set(t, RDB_EINVAL, "column '%s' appears twice in "
				    "index '%s'", cols[i], name);
	}
	memset(&x, 0, sizeof x);
	x.id = c->next_index_id;
	x.name = (char *)name;
	x.table_id = tb->id;
	x.flags = unique ? CAT_IDX_UNIQUE : 0;
	x.nkeys = ncols;
	x.cols = ids;
	x.kflags = kf;
	t->rec.len = 0;
	if (rdb_cat_enc_create_index(&t->rec, &x) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	if ((rc = ddl(t)) != RDB_OK)
		return rc;
	/* the rows already there must obey it [F-MAN-019] */
	if (unique && (rc = rdb_index_check_unique(t, name)) != RDB_OK)
		return rc;
	/* the files of the segments there, before the commit [F-IDX-002] */
	return rdb_index_table(&t->db->store, x.table_id, x.id, 1, &t->db->err);
}

int rdb_index_drop(struct rdb_txn *t, const char *name)
{
	struct rdb_idx *x;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((x = rdb_cat_index(txn_cat(t), name)) == NULL)
		return set(t, RDB_ENOENT, "no such index '%s'", name);
	t->rec.len = 0;
	if (rdb_cat_enc_drop_index(&t->rec, x->id) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	return ddl(t);
}

int rdb_index_stats(struct rdb_txn *t, const char *name,
    struct rdb_index_stats *st)
{
	struct rdb_idx *x;
	struct rdb_tdata *td;
	size_t j;

	if (t == NULL)
		return RDB_EMISUSE;
	rdb_err_clear(&t->db->err);
	memset(st, 0, sizeof *st);
	if ((x = rdb_cat_index(txn_cat(t), name)) == NULL)
		return set(t, RDB_ENOENT, "no such index '%s'", name);
	td = rdb_store_td(&t->db->store, x->table_id, 0);
	for (j = 0; td != NULL && j < td->nsegs; j++) {
		char *rel = NULL, *path = NULL;
		struct stat sb;
		if (rdb_index_file(td->segs[j].file, x->id, &rel) != RDB_OK ||
		    (path = rdb_path_join(t->db->path, rel)) == NULL) {
			free(rel);
			return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
		}
		st->segments++;
		if (stat(path, &sb) == 0) {
			st->files++;
			st->bytes += (uint64_t)sb.st_size;
		}
		free(rel);
		free(path);
	}
	return RDB_OK;
}

int rdb_index_rebuild(struct rdb_txn *t, const char *name, uint64_t *files)
{
	struct rdb_store *s;
	size_t i, j;
	int rc = need_write(t);

	if (files != NULL)
		*files = 0;
	if (rc != RDB_OK)
		return rc;
	s = &t->db->store;
	if (name != NULL && rdb_cat_index(&s->cat, name) == NULL)
		return set(t, RDB_ENOENT, "no such index '%s'", name);
	for (i = 0; i < s->cat.nindexes; i++) {
		const struct rdb_idx *x = &s->cat.indexes[i];
		struct rdb_tdata *td = rdb_store_td(s, x->table_id, 0);
		if (name != NULL && strcasecmp(x->name, name) != 0)
			continue;
		for (j = 0; td != NULL && j < td->nsegs; j++) {
			struct rdb_idx_def d;
			struct rdb_seg *g = NULL;
			char *rel = NULL, *path = NULL;
			if (rdb_index_file(td->segs[j].file, x->id, &rel) != RDB_OK ||
			    (path = rdb_path_join(s->dir, rel)) == NULL) {
				free(rel);
				return rdb_err_set(&t->db->err, RDB_ENOMEM,
				    "out of memory");
			}
			rdb_index_def(x, &d);
			rc = rdb_seg_open(s->dir, td->segs[j].file, td->segs[j].bytes,
			    &g, &t->db->err);
			if (rc == RDB_OK)	/* [F-IDX-006] */
				rc = rdb_idx_write(path, g, &d, &t->db->err);
			rdb_seg_close(g);
			free(rel);
			free(path);
			if (rc != RDB_OK)
				return rc;
			if (files != NULL)
				(*files)++;
		}
	}
	return RDB_OK;
}

int rdb_index_list(struct rdb_txn *t,
    const struct rdb_index_desc *const **indexes, size_t *n)
{
	struct rdb_cat *c;

	if (t == NULL)
		return RDB_EMISUSE;
	c = txn_cat(t);
	if (rdb_cat_descs(c) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	*indexes = c->idescp;
	*n = c->nindexes;
	return RDB_OK;
}

int rdb_index_find(struct rdb_txn *t, const char *name,
    const struct rdb_index_desc **out)
{
	const struct rdb_index_desc *const *all;
	size_t n, i;
	int rc;

	*out = NULL;
	if ((rc = rdb_index_list(t, &all, &n)) != RDB_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (strcasecmp(all[i]->name, name) == 0) {
			*out = all[i];
			return RDB_OK;
		}
	return set(t, RDB_ENOENT, "no such index '%s'", name);
}

int rdb_table_list(struct rdb_txn *t, const struct rdb_table_desc *const **tables,
    size_t *n)
{
	struct rdb_cat *c;

	if (t == NULL)
		return RDB_EMISUSE;
	c = txn_cat(t);
	if (rdb_cat_descs(c) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	*tables = c->descp;
	*n = c->ndesc;
	return RDB_OK;
}

int rdb_table_find(struct rdb_txn *t, const char *name,
    const struct rdb_table_desc **out)
{
	struct rdb_cat *c;
	size_t i;

	if (t == NULL)
		return RDB_EMISUSE;
	c = txn_cat(t);
	if (rdb_cat_descs(c) != RDB_OK)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	for (i = 0; i < c->ndesc; i++) {
		if (strcasecmp(c->desc[i].name, name) == 0) {
			*out = &c->desc[i];
			return RDB_OK;
		}
	}
	*out = NULL;
	return set(t, RDB_ENOENT, "no such table '%s'", name);
}

/* Check the rows' values against the table's rules. */
static int check_batch(struct rdb_txn *t, const struct rdb_tbl *tb,
    const struct rdb_batch *b)
{
	size_t i, r;

	if (b->ncols != tb->ncols)
		return rdb_err_set(&t->db->err, RDB_EMISUSE,
		    "table '%s' has %zu columns, the rows have %zu", tb->name,
		    tb->ncols, b->ncols);
	for (i = 0; i < b->ncols; i++) {
		const struct rdb_vec *v = &b->cols[i];
		const struct rdb_col *c = &tb->cols[i];
		if (v->type != c->type)
			return rdb_err_set(&t->db->err, RDB_EMISUSE,
			    "column '%s' of '%s' is %s, the rows have %s", c->name,
			    tb->name, rdb_type_name((enum rdb_type)c->type),
			    rdb_type_name(v->type));
		for (r = 0; r < b->nrows; r++) {
			if (rdb_vec_is_null(v, r)) {
				if (c->flags & 1)
					return rdb_err_set(&t->db->err, RDB_EINVAL,
					    "NULL in NOT NULL column '%s' of '%s' (row %zu)",
					    c->name, tb->name, r + 1);
				continue;
			}
			if (v->type == RDB_TEXT || v->type == RDB_JSON) {
				const uint8_t *p = (const uint8_t *)v->values +
				    v->offsets[r];
				size_t len = v->offsets[r + 1] - v->offsets[r];
				if (!rdb_utf8_valid(p, len))
					return rdb_err_set(&t->db->err, RDB_EINVAL,
					    "invalid UTF-8 in column '%s' of '%s' (row %zu)",
					    c->name, tb->name, r + 1);
				if (v->type == RDB_JSON && !rdb_json_valid(p, len))
					return rdb_err_set(&t->db->err, RDB_EINVAL,
					    "invalid JSON in column '%s' of '%s' (row %zu)",
					    c->name, tb->name, r + 1);
			} else if (v->type == RDB_BOOLEAN &&
			    ((const uint8_t *)v->values)[r] > 1) {
				return rdb_err_set(&t->db->err, RDB_EINVAL,
				    "BOOLEAN value not 0 or 1 in '%s' (row %zu)",
				    c->name, r + 1);
			}
		}
	}
	return RDB_OK;
}

/* The INSERT payload of memory rows m [F-WAL-010]. */
static int encode_insert(struct rdb_buf *out, uint32_t table,
    const struct rdb_memrows *m)
{
	size_t i, n = m->nrows;

	out->len = 0;
	if (rdb_buf_putvar(out, table) != RDB_OK ||
	    rdb_buf_putvar(out, m->first_rowid) != RDB_OK ||
	    rdb_buf_putvar(out, n) != RDB_OK ||
	    rdb_buf_putvar(out, m->ncols) != RDB_OK)
		return RDB_ENOMEM;
	for (i = 0; i < m->ncols; i++) {
		const struct rdb_vec *v = &m->cols[i];
		size_t w = rdb_type_width(v->type), r;
		if (rdb_buf_putvar(out, m->col_ids[i]) != RDB_OK ||
		    rdb_buf_put8(out, (uint8_t)v->type) != RDB_OK ||
		    rdb_buf_put8(out, v->validity != NULL) != RDB_OK)
			return RDB_ENOMEM;
		if (v->validity != NULL &&
		    rdb_buf_append(out, v->validity, (n + 7) / 8) != RDB_OK)
			return RDB_ENOMEM;
		if (w > 0) {
			if (rdb_buf_append(out, v->values, n * w) != RDB_OK)
				return RDB_ENOMEM;
		} else {
			if (rdb_buf_reserve(out, (n + 1) * 4) != RDB_OK)
				return RDB_ENOMEM;
			for (r = 0; r <= n; r++)
				rdb_store32(out->p + out->len + 4 * r, v->offsets[r]);
			out->len += (n + 1) * 4;
			if (rdb_buf_append(out, v->values, v->offsets[n]) != RDB_OK)
				return RDB_ENOMEM;
		}
	}
	return RDB_OK;
}

/* Write the rows inserted but not yet logged to the WAL, so that a
 * catalog change, a delete or the commit follows them there. */
static int log_pending(struct rdb_txn *t)
{
	struct rdb_store *s = &t->db->store;
	size_t i, k;
	int rc;

	if ((rc = rdb_txn_settle(t)) != RDB_OK)
		return rc;
	for (i = 0; i < s->ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		for (k = td->logged; k < td->nmem; k++) {
			if (encode_insert(&t->rec, td->id, &td->mem[k]) != RDB_OK)
				return rdb_err_set(&t->db->err, RDB_ENOMEM,
				    "out of memory");
			rc = rdb_wal_append(&t->wal, WAL_INSERT, t->rec.p, t->rec.len,
			    &t->db->err);
			if (rc != RDB_OK)
				return rc;
		}
		td->logged = td->nmem;
		td->unlogged_bytes = 0;
	}
	return RDB_OK;
}

/* Big loads skip the WAL: the unlogged rows go straight into a segment,
 * fsynced, and the WAL records only that it belongs to the table
 * (ATTACH). Memory stays bounded by BULK_BYTES per table. */
#define BULK_BYTES ((uint64_t)48 << 20)

static void *bulk_write(void *arg)
{
	struct bulk_job *j = arg;
	size_t k;

	rdb_err_clear(&j->err);
	j->rc = rdb_segment_from_mem(j->db, &j->shadow, 0, j->shadow.nmem,
	    j->name, &j->ref, &j->err);
	for (k = 0; k < j->shadow.nmem; k++)
		rdb_memrows_release(&j->shadow.mem[k]);
	free(j->shadow.mem);
	j->shadow.mem = NULL;
	rdb_seg_scratch_release();
	return NULL;
}

/* Wait for the background segment, then make it the table's: log the
 * ATTACH record (after the segment is on disk) and list the segment. */
int rdb_txn_settle(struct rdb_txn *t)
{
	struct bulk_job *j = t->job;
	struct rdb_tdata *td;
	struct rdb_segref *sr;
	int rc;

	if (!t->flushing)
		return RDB_OK;
	if (t->flushing == 1)	/* 2: written without a thread */
		pthread_join(t->flusher, NULL);
	t->flushing = 0;
	t->job = NULL;
	rc = j->rc;
	if (rc != RDB_OK) {
		t->db->err = j->err;
		free(j);
		return rc;
	}
	td = rdb_store_td(&t->db->store, j->shadow.id, 0);
	/* its index files before the ATTACH names it [F-IDX-002] */
	if (td != NULL && (rc = rdb_index_segment(&t->db->store, td->id, 0,
	    j->name, j->ref.bytes, 1, &t->db->err)) != RDB_OK) {
		free(j->ref.file);
		free(j);
		return rc;
	}
	t->rec.len = 0;
	if (td == NULL || rdb_buf_putvar(&t->rec, td->id) != RDB_OK ||
	    rdb_buf_putvar(&t->rec, j->first) != RDB_OK ||
	    rdb_buf_putvar(&t->rec, j->ref.rows) != RDB_OK ||
	    rdb_buf_putstr(&t->rec, j->name) != RDB_OK ||
	    rdb_buf_putvar(&t->rec, j->ref.bytes) != RDB_OK ||
	    (sr = realloc(td->segs, (td->nsegs + 1) * sizeof *sr)) == NULL) {
		free(j->ref.file);
		free(j);
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	}
	td->segs = sr;
	j->ref.commit = t->snap;
	td->segs[td->nsegs++] = j->ref;
	free(j);
	return rdb_wal_append(&t->wal, WAL_ATTACH, t->rec.p, t->rec.len,
	    &t->db->err);
}

/* Hand td's unlogged rows to a background writer that turns them into
 * a segment while the caller goes on producing rows: the two cores
 * share a load. */
static int flush_bulk(struct rdb_txn *t, struct rdb_tdata *td)
{
	struct bulk_job *j;
	size_t n = td->nmem - td->logged;
	int rc;

	if ((rc = rdb_txn_settle(t)) != RDB_OK)
		return rc;
	j = calloc(1, sizeof *j);
	if (j == NULL)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	j->db = t->db;
	j->shadow.id = td->id;
	j->shadow.mem = malloc(n * sizeof *j->shadow.mem);
	if (j->shadow.mem == NULL) {
		free(j);
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	}
	memcpy(j->shadow.mem, &td->mem[td->logged], n * sizeof *j->shadow.mem);
	j->shadow.nmem = n;
	j->first = td->mem[td->logged].first_rowid;
	snprintf(j->name, sizeof j->name, "tables/%u/%016llx-%04x.seg", td->id,
	    (unsigned long long)t->snap, t->nbulk++);
	td->nmem = td->logged;
	td->unlogged_bytes = 0;
	t->job = j;
	if (pthread_create(&t->flusher, NULL, bulk_write, j) != 0) {
		/* no thread to be had: write it here */
		bulk_write(j);
		t->flushing = 2;
		return rdb_txn_settle(t);
	}
	t->flushing = 1;
	return RDB_OK;
}

int rdb_txn_flush_bulk(struct rdb_txn *t, uint64_t min)
{
	struct rdb_store *s;
	size_t i;
	int rc;

	if (t == NULL || !t->write)
		return RDB_EMISUSE;
	s = &t->db->store;
	for (i = 0; i < s->ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		if (td->nmem > td->logged && td->unlogged_bytes >= min &&
		    (rc = flush_bulk(t, td)) != RDB_OK)
			return rc;
	}
	return rdb_txn_settle(t);
}

static int insert(struct rdb_txn *t, const char *table,
    const struct rdb_batch *b, uint64_t *first_rowid, int checked,
    struct rdb_batch *take);

int rdb_insert(struct rdb_txn *t, const char *table, const struct rdb_batch *b,
    uint64_t *first_rowid)
{
	return insert(t, table, b, first_rowid, 0, NULL);
}

int rdb_insert_checked(struct rdb_txn *t, const char *table,
    const struct rdb_batch *b)
{
	return insert(t, table, b, NULL, 1, NULL);
}

int rdb_insert_take(struct rdb_txn *t, const char *table, struct rdb_batch *b)
{
	return insert(t, table, b, NULL, 1, b);
}

/* checked: the caller (rdb-load) validated every value already; take:
 * b itself, whose arrays may be taken over (rdb_td_adopt). */
static int insert(struct rdb_txn *t, const char *table,
    const struct rdb_batch *b, uint64_t *first_rowid, int checked,
    struct rdb_batch *take)
{
	struct rdb_store *s;
	struct rdb_tdata *td;
	struct rdb_tbl *tb;
	struct tcount *cnt;
	size_t start, n;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	s = &t->db->store;
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	if ((rc = checked ? RDB_OK : check_batch(t, tb, b)) != RDB_OK)
		return rc;
	td = rdb_store_td(s, tb->id, 1);
	cnt = count_of(t, tb->id);
	if (td == NULL || cnt == NULL)
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	if (first_rowid != NULL)
		*first_rowid = td->next_rowid;
	if (take != NULL && b->nrows > 0 && b->nrows <= 65536) {
		n = b->nrows;
		if (rdb_td_adopt(td, tb, take, t->snap) != RDB_OK)
			return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
		t->changed = 1;
		cnt->inserted += n;
	}
	for (start = 0; start < b->nrows; start += n) {
		n = b->nrows - start;
		if (n > 65536)
			n = 65536;
		if (rdb_td_append(td, tb, b, start, n, t->snap) != RDB_OK)
			return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
		t->changed = 1;
		cnt->inserted += n;
	}
	if (td->unlogged_bytes >= (t->bulk_bytes != 0 ? t->bulk_bytes : BULK_BYTES))
		return flush_bulk(t, td);
	return RDB_OK;
}

/* Does row id exist in td? Only compaction removes rows, so below the
 * next row id every row exists unless a horizon was ever set. */
static int row_exists(struct rdb_db *db, struct rdb_tdata *td, uint64_t id,
    int *exists)
{
	uint64_t *ids = NULL;
	size_t i, rg, n, lo, hi;
	int rc;

	*exists = 0;
	if (id >= td->next_rowid)
		return RDB_OK;
	if (db->store.horizon == 0) {
		*exists = 1;
		return RDB_OK;
	}
	for (i = 0; i < td->nmem; i++)
		if (id >= td->mem[i].first_rowid &&
		    id - td->mem[i].first_rowid < td->mem[i].nrows) {
			*exists = 1;
			return RDB_OK;
		}
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_segref *sr = &td->segs[i];
		if (sr->seg == NULL && (rc = rdb_seg_open(db->path, sr->file,
		    sr->bytes, &sr->seg, &db->err)) != RDB_OK)
			return rc;
		for (rg = 0; rg < rdb_seg_nrowgroups(sr->seg); rg++) {
			const struct rdb_zone *z = rdb_seg_zone(sr->seg, rg,
			    RDB_SEG_ROWID);
			if (!z->has_minmax || (int64_t)id < z->min ||
			    (int64_t)id > z->max)
				continue;
			n = rdb_seg_rg_rows(sr->seg, rg);
			free(ids);
			ids = malloc(n * sizeof *ids);
			if (ids == NULL)
				return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
			rc = rdb_seg_read_hidden(sr->seg, rg, RDB_SEG_ROWID, ids,
			    &db->err);
			if (rc != RDB_OK) {
				free(ids);
				return rc;
			}
			for (lo = 0, hi = n; lo < hi;) {
				size_t mid = (lo + hi) / 2;
				if (ids[mid] < id)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < n && ids[lo] == id) {
				*exists = 1;
				free(ids);
				return RDB_OK;
			}
		}
	}
	free(ids);
	return RDB_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int rdb_delete(struct rdb_txn *t, const char *table, const uint64_t *rowids,
    size_t n)
{
	struct rdb_tdata *td;
	struct rdb_tbl *tb;
	struct tcount *cnt;
	uint64_t *ids = NULL;
	size_t i, k;
	int rc = need_write(t);

	if (rc != RDB_OK)
		return rc;
	if ((tb = live_table(t, table)) == NULL)
		return RDB_ENOENT;
	if (n == 0)
		return RDB_OK;
	if ((rc = rdb_txn_settle(t)) != RDB_OK)
		return rc;
	td = rdb_store_td(&t->db->store, tb->id, 1);
	cnt = count_of(t, tb->id);
	ids = malloc(n * sizeof *ids);
	if (td == NULL || cnt == NULL || ids == NULL) {
		free(ids);
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	}
	memcpy(ids, rowids, n * sizeof *ids);
	qsort(ids, n, sizeof *ids, cmp_u64);
	for (i = k = 0; i < n; i++) {
		if (k > 0 && ids[k - 1] == ids[i])
			continue;
		int exists;
		if ((rc = row_exists(t->db, td, ids[i], &exists)) != RDB_OK) {
			free(ids);
			return rc;
		}
		if (!exists || rdb_td_deleted(td, ids[i]) != 0) {
			char a[32];
			snprintf(a, sizeof a, "%llu", (unsigned long long)ids[i]);
			free(ids);
			return set(t, RDB_ENOENT,
			    "row %s of '%s' does not exist or is already deleted",
			    a, table);
		}
		ids[k++] = ids[i];
	}
	t->rec.len = 0;
	if (rdb_buf_putvar(&t->rec, tb->id) != RDB_OK ||
	    rdb_buf_putvar(&t->rec, k) != RDB_OK) {
		free(ids);
		return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
	}
	for (i = 0; i < k; i++)
		if (rdb_buf_putvar(&t->rec, ids[i]) != RDB_OK) {
			free(ids);
			return rdb_err_set(&t->db->err, RDB_ENOMEM, "out of memory");
		}
	free(ids);
	t->changed = 1;
	{
		/* log_pending reuses t->rec: keep the DELETE payload */
		struct rdb_buf del = t->rec;
		rdb_buf_init(&t->rec);
		rc = log_pending(t);
		rdb_buf_release(&t->rec);
		t->rec = del;
		if (rc != RDB_OK)
			return rc;
	}
	rc = rdb_wal_append(&t->wal, WAL_DELETE, t->rec.p, t->rec.len,
	    &t->db->err);
	if (rc == RDB_OK)
		rc = rdb_store_apply_delete(&t->db->store, t->rec.p, t->rec.len,
		    t->snap, "transaction", 0, &t->db->err);
	if (rc == RDB_OK)
		cnt->deleted += k;
	return rc;
}

static const char *user_name(char *buf, size_t n)
{
	struct passwd *pw = getpwuid(getuid());

	if (pw != NULL && pw->pw_name != NULL)
		rdb_strlcpy(buf, pw->pw_name, n);
	else
		snprintf(buf, n, "%u", (unsigned)getuid());
	return buf;
}

int rdb_txn_commit(struct rdb_txn *t, const struct rdb_commit_opts *o,
    uint64_t *id)
{
	struct rdb_db *db;
	struct rdb_store *s;
	struct rdb_buf *c;
	char user[64];
	int64_t now;
	size_t i;
	int rc;

	if (id != NULL)
		*id = 0;
	if (t == NULL)
		return RDB_EMISUSE;
	db = t->db;
	s = &db->store;
	rdb_err_clear(&db->err);
	if (!t->write || !t->changed) {
		txn_free(t);
		return RDB_OK;
	}
	if ((rc = log_pending(t)) != RDB_OK) {
		rdb_txn_abort(t);
		return rc;
	}
	now = rdb_now_us();
	if (now <= s->last_time)				/* [F-WAL-007] */
		now = s->last_time + 1;
	t->rec.len = 0;
	if (rdb_buf_putvar(&t->rec, t->snap) != RDB_OK ||
	    rdb_buf_putvar(&t->rec, (uint64_t)now) != RDB_OK ||
	    rdb_buf_putstr(&t->rec, o != NULL && o->program != NULL
		? o->program : db->program) != RDB_OK ||
	    rdb_buf_putstr(&t->rec, o != NULL && o->user != NULL ? o->user
		: user_name(user, sizeof user)) != RDB_OK ||
	    rdb_buf_putstr(&t->rec, o != NULL && o->message != NULL
		? o->message : "") != RDB_OK ||
	    rdb_buf_putvar(&t->rec, t->ncounts) != RDB_OK)
		goto nomem;
	for (i = 0; i < t->ncounts; i++)
		if (rdb_buf_putvar(&t->rec, t->counts[i].table_id) != RDB_OK ||
		    rdb_buf_putvar(&t->rec, t->counts[i].inserted) != RDB_OK ||
		    rdb_buf_putvar(&t->rec, t->counts[i].deleted) != RDB_OK)
			goto nomem;
	if (rdb_grow(&s->commits, &s->capcommits, s->ncommits,
	    sizeof *s->commits) != RDB_OK)
		goto nomem;
	rc = rdb_wal_commit(&t->wal, t->rec.p, t->rec.len, &db->err);
	if (rc != RDB_OK) {
		rdb_store_undo_pending(s, &t->saved, t->saved_nddl);
		txn_free(t);
		return rc;
	}
	/* durable: now make it part of what this handle knows */
	c = &s->commits[s->ncommits++];
	rdb_buf_init(c);
	if (rdb_buf_append(c, t->rec.p, t->rec.len) != RDB_OK)
		s->ncommits--;	/* the log is reread from the WAL next time */
	s->last_commit = t->snap;
	s->last_time = now;
	s->wal = t->wal.committed;
	if (id != NULL)
		*id = t->snap;
	rc = RDB_OK;
	if (db->sb.settings.checkpoint_bytes > 0 &&
	    rdb_store_wal_bytes(s) >= db->sb.settings.checkpoint_bytes) {
		rdb_wal_close(&t->wal);
		s->pending = 0;
		/* the commit stands even if the checkpoint fails */
		(void)rdb_checkpoint_locked(db);
		rdb_err_clear(&db->err);
	}
	txn_free(t);
	return rc;
nomem:
	rdb_txn_abort(t);
	return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
}

struct rdb_cat *rdb_txn_cat(struct rdb_txn *t)
{
	return txn_cat(t);
}

struct rdb_db *rdb_txn_db(struct rdb_txn *t)
{
	return t->db;
}

void rdb_txn_set_bulk_bytes(struct rdb_txn *t, uint64_t bytes)
{
	t->bulk_bytes = bytes;
}
