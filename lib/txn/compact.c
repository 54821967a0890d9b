/*
 * compact.c - merge each table's segments into one, drop the rows
 * deleted before the retention horizon, and remove files nothing needs.
 *
 * The horizon is the newest commit made before the retention window
 * began: every snapshot from it on stays readable, exactly; snapshots
 * before it are refused from then on [F-MAN-023]. Rows are rewritten
 * with their row ids and inserting commits, so time travel within the
 * window sees exactly what it saw before.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db_int.h"
#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/txn_int.h"
#include "txn/vec.h"

struct horizon_arg {
	int64_t cutoff;
	uint64_t h;
};

static int horizon_fn(const struct rdb_commit_rec *c, void *arg)
{
	struct horizon_arg *a = arg;

	if (c->time_us <= a->cutoff && c->id > a->h)
		a->h = c->id;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int flush(struct rdb_segw *w, struct rdb_vbuild *vb,
    struct rdb_vec *vecs, size_t ncols, size_t n, const uint64_t *rid,
    const uint64_t *cid, struct rdb_err *e)
{
	size_t j;
	int rc;

	for (j = 0; j < ncols; j++) {
		vecs[j] = vb[j].v;
		vecs[j].validity = rdb_vb_validity(&vb[j]);
	}
	rc = rdb_segw_rowgroup(w, n, rid, cid, vecs, e);
	for (j = 0; j < ncols; j++)
		rdb_vb_reset(&vb[j]);
	return rc;
}

/* Rewrite td's segments into one at seq without rows deleted at or
 * before h. out->file stays NULL when no row is left. */
static int merge_table(struct rdb_db *db, struct rdb_tdata *td, uint64_t seq,
    uint64_t h, struct rdb_segref *out, uint64_t *purged)
{
	struct rdb_err *e = &db->err;
	struct rdb_segw_col *cols = NULL;
	struct rdb_segw *w = NULL;
	struct rdb_vbuild *vb = NULL;
	struct rdb_vec *vecs = NULL;
	uint64_t *rid = NULL, *cid = NULL, *orid = NULL, *ocid = NULL;
	uint64_t size, rows = 0;
	uint8_t *keep = NULL;
	size_t ncols = 0, i, j, k, rg, fill = 0;
	size_t rgmax = db->sb.settings.row_group_rows;
	char *file = NULL, *path = NULL;
	struct rdb_tbl *tb;
	int rc = RDB_OK;

	/* the union of the segments' columns, by id, each of one type: the
	 * catalog's while it is live [F-SEG-005] */
	tb = rdb_cat_by_id(&db->store.cat, td->id);
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_segref *sr = &td->segs[i];
		if (sr->seg == NULL &&
		    (rc = rdb_seg_open(db->path, sr->file, sr->bytes, &sr->seg, e)) != RDB_OK)
			goto out;
		for (j = 0; j < rdb_seg_ncols(sr->seg); j++) {
			uint32_t id = rdb_seg_col_id(sr->seg, j);
			for (k = 0; tb != NULL && k < tb->ncols; k++)
				if (tb->cols[k].id == id && (rc = rdb_seg_type_ok(sr->seg,
				    (int)j, (enum rdb_type)tb->cols[k].type, e)) != RDB_OK)
					goto out;
			for (k = 0; k < ncols && cols[k].id != id; k++)
				;
			if (k < ncols && cols[k].type != rdb_seg_col_type(sr->seg, j)) {
				rc = rdb_err_set(e, RDB_ECORRUPT,
				    "damaged segment '%s': column %u is %s, but %s in another segment of the table",
				    rdb_seg_path(sr->seg), id,
				    rdb_type_name(rdb_seg_col_type(sr->seg, j)),
				    rdb_type_name(cols[k].type));
				goto out;
			}
			if (k < ncols)
				continue;
			{
				struct rdb_segw_col *c2 = realloc(cols,
				    (ncols + 1) * sizeof *c2);
				if (c2 == NULL)
					goto nomem;
				cols = c2;
			}
			rdb_seg_col(sr->seg, j, &cols[ncols]);
			ncols++;
		}
	}
	if (ncols > 0)
		qsort(cols, ncols, sizeof *cols, cmp_u32);
	vb = calloc(ncols + 1, sizeof *vb);
	vecs = calloc(ncols + 1, sizeof *vecs);
	orid = malloc(rgmax * sizeof *orid);
	ocid = malloc(rgmax * sizeof *ocid);
	if (vb == NULL || vecs == NULL || orid == NULL || ocid == NULL)
		goto nomem;
	if (asprintf(&file, "tables/%u/%016" PRIx64 ".seg", td->id, seq) < 0) {
		file = NULL;
		goto nomem;
	}
	if ((path = rdb_path_join(db->path, file)) == NULL)
		goto nomem;
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_seg *g = td->segs[i].seg;
		for (rg = 0; rg < rdb_seg_nrowgroups(g); rg++) {
			size_t n = rdb_seg_rg_rows(g, rg), kept = 0;
			free(rid);
			free(cid);
			free(keep);
			rid = malloc(n * sizeof *rid);
			cid = malloc(n * sizeof *cid);
			keep = malloc(n);
			if (rid == NULL || cid == NULL || keep == NULL)
				goto nomem;
			if (n > rgmax) {
				rc = rdb_err_set(e, RDB_ECORRUPT,
				    "damaged segment '%s': a row group larger than the database's",
				    td->segs[i].file);
				goto out;
			}
			if ((rc = rdb_seg_read_hidden(g, rg, RDB_SEG_ROWID, rid, e)) != RDB_OK ||
			    (rc = rdb_seg_read_hidden(g, rg, RDB_SEG_COMMIT, cid, e)) != RDB_OK)
				goto out;
			for (k = 0; k < n; k++) {
				uint64_t d = rdb_td_deleted(td, rid[k]);
				keep[k] = d == 0 || d > h;
				kept += keep[k];
			}
			*purged += n - kept;
			if (kept == 0)
				continue;
			if (w == NULL) {
				for (j = 0; j < ncols; j++)
					rdb_vb_init(&vb[j], cols[j].type,
					    cols[j].precision, cols[j].scale);
				int codec = tb != NULL && tb->codec >= 0 ? tb->codec
				    : (int)db->sb.settings.codec;
				int level = tb != NULL && tb->codec >= 0
				    ? tb->codec_level : db->sb.settings.codec_level;
				unlink(path);
				rc = rdb_segw_open(path, codec, level, ncols, cols, &w, e);
				if (rc != RDB_OK)
					goto out;
			}
			/* source row groups are at most rgmax rows; pack small
			 * ones together, never splitting one */
			if (fill + kept > rgmax) {
				rc = flush(w, vb, vecs, ncols, fill, orid, ocid, e);
				if (rc != RDB_OK)
					goto out;
				rows += fill;
				fill = 0;
			}
			for (j = 0; j < ncols; j++) {
				int ci = rdb_seg_find_col(g, cols[j].id);
				struct rdb_vec v;
				if (ci < 0) {
					rc = rdb_vb_append(&vb[j], NULL, 0, kept, NULL);
				} else {
					rc = rdb_seg_read_col(g, rg, ci, &v, e);
					if (rc != RDB_OK)
						goto out;
					rc = rdb_vb_append(&vb[j], &v, 0, n, keep);
					rdb_vec_release(&v);
				}
				if (rc != RDB_OK)
					goto nomem;
			}
			for (k = 0; k < n; k++) {
				if (!keep[k])
					continue;
				orid[fill] = rid[k];
				ocid[fill] = cid[k];
				fill++;
			}
		}
	}
	if (w != NULL && fill > 0) {
		rc = flush(w, vb, vecs, ncols, fill, orid, ocid, e);
		if (rc != RDB_OK)
			goto out;
		rows += fill;
	}
	if (w != NULL) {
		rc = rdb_segw_finish(w, &size, e);
		w = NULL;
		if (rc != RDB_OK)
			goto out;
		out->file = file;
		file = NULL;
		out->rows = rows;
		out->bytes = size;
	}
	rc = RDB_OK;
	goto out;
nomem:
	rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
out:
	rdb_segw_abort(w);
	for (j = 0; vb != NULL && j < ncols; j++)
		rdb_vb_release(&vb[j]);
	free(vb);
	free(vecs);
	free(cols);
	free(rid);
	free(cid);
	free(orid);
	free(ocid);
	free(keep);
	free(file);
	free(path);
	return rc;
}


/* Does the current manifest name the file rel? */
static int named(const struct rdb_store *s, const char *rel)
{
	size_t i, j;

	for (i = 0; i < s->ntd; i++) {
		for (j = 0; j < s->td[i]->nsegs; j++)
			if (strcmp(s->td[i]->segs[j].file, rel) == 0)
				return 1;
		for (j = 0; j < s->td[i]->ndelfiles; j++)
			if (strcmp(s->td[i]->delfiles[j].file, rel) == 0)
				return 1;
	}
	for (i = 0; i < s->nlogs; i++)
		if (strcmp(s->logs[i].file, rel) == 0)
			return 1;
	return 0;
}

static int is_ours(const char *name, const char *ext)
{
	size_t n = strlen(name), l = strlen(ext), i;

	if (n <= l || strcmp(name + n - l, ext) != 0)
		return 0;
	for (i = 0; i < n - l; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'f') || name[i] == '-'))
			return 0;
	return 1;
}

/* Call fn for each file of our naming under rel that the current
 * manifest does not name (manifests other than the current one only
 * with old_manifests set). */
static void orphans_in(const struct rdb_store *s, const char *rel,
    int old_manifests, void (*fn)(const char *rel, void *), void *arg)
{
	char *path = rdb_path_join(s->dir, rel), *r;
	char cur[40];
	struct dirent *de;
	DIR *d;

	snprintf(cur, sizeof cur, "%016" PRIx64 ".man", s->manifest_seq);
	if (path == NULL || (d = opendir(path)) == NULL) {
		free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		int cand;
		if (strcmp(rel, "manifest") == 0)
			cand = (old_manifests && ((is_ours(de->d_name, ".man") &&
			    strcmp(de->d_name, cur) != 0) ||
			    is_ours(de->d_name, ".log"))) ||
			    strcmp(de->d_name, "CURRENT.tmp") == 0;
		else
			cand = is_ours(de->d_name, ".seg") || is_ours(de->d_name, ".del");
		if (!cand || asprintf(&r, "%s/%s", rel, de->d_name) < 0)
			continue;
		if (!named(s, r))
			fn(r, arg);
		free(r);
	}
	closedir(d);
	free(path);
}

void rdb_store_orphans(const struct rdb_store *s, int old_manifests,
    void (*fn)(const char *rel, void *), void *arg)
{
	char *tdir = rdb_path_join(s->dir, "tables");
	struct dirent *de;
	DIR *d;

	orphans_in(s, "manifest", old_manifests, fn, arg);
	if (tdir == NULL || (d = opendir(tdir)) == NULL) {
		free(tdir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *rel;
		if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    asprintf(&rel, "tables/%s", de->d_name) < 0)
			continue;
		orphans_in(s, rel, old_manifests, fn, arg);
		free(rel);
	}
	closedir(d);
	free(tdir);
}

struct sweep_arg {
	const struct rdb_store *s;
	int dry;
	struct rdb_compact_stats *st;
};

static void sweep_one(const char *rel, void *arg)
{
	struct sweep_arg *a = arg;
	char *f;

	if (a->dry) {
		a->st->files_kept++;
		return;
	}
	if ((f = rdb_path_join(a->s->dir, rel)) != NULL) {
		if (unlink(f) == 0)
			a->st->files_removed++;
		free(f);
	}
}

/* Remove our files the manifest does not name; with dry set, only
 * count them. */
static void sweep(const struct rdb_store *s, int dry,
    struct rdb_compact_stats *st)
{
	struct sweep_arg a = { s, dry, st };
	char *d;

	rdb_store_orphans(s, 1, sweep_one, &a);
	if (!dry && (d = rdb_path_join(s->dir, "manifest")) != NULL) {
		rdb_fsync_dir(d);
		free(d);
	}
}

static uint64_t files_bytes(const struct rdb_store *s, uint64_t *segs)
{
	uint64_t b = 0;
	size_t i, j;

	*segs = 0;
	for (i = 0; i < s->ntd; i++) {
		for (j = 0; j < s->td[i]->nsegs; j++)
			b += s->td[i]->segs[j].bytes;
		for (j = 0; j < s->td[i]->ndelfiles; j++)
			b += s->td[i]->delfiles[j].bytes;
		*segs += s->td[i]->nsegs;
	}
	return b;
}

int rdb_compact(struct rdb_db *db, struct rdb_compact_stats *st)
{
	struct rdb_store *s = &db->store;
	struct rdb_err *e = &db->err;
	struct rdb_segref *newseg = NULL;
	struct rdb_delref *newdel = NULL;
	struct horizon_arg ha;
	struct rdb_txn *t;
	int *replace = NULL;
	uint64_t seq, h;
	size_t i, j, ntd = 0;
	int rc, any = 0;

	memset(st, 0, sizeof *st);
	rc = rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t);
	if (rc != RDB_OK)
		return rc;
	if (rdb_store_wal_bytes(s) > 0 || s->ncommits > 0) {
		rc = rdb_checkpoint_locked(db);
		if (rc != RDB_OK)
			goto out;
	}
	/* the horizon: the newest commit older than the window */
	if (db->sb.settings.retention == 0) {
		h = s->last_commit;
	} else {
		ha.cutoff = rdb_now_us() -
		    (int64_t)(db->sb.settings.retention > (uint64_t)INT64_MAX / 1000000
		    ? INT64_MAX / 1000000 : db->sb.settings.retention) * 1000000;
		ha.h = 0;
		rc = rdb_log_each(db, horizon_fn, &ha);
		if (rc != RDB_OK)
			goto out;
		h = ha.h;
	}
	if (h < s->horizon)
		h = s->horizon;
	st->horizon = h;
	st->bytes_before = files_bytes(s, &st->segments_before);
	rc = rdb_lock_checkpoint(&db->lock, db->lock_timeout_ms, e);
	if (rc != RDB_OK)
		goto out;
	seq = s->manifest_seq + 1;
	ntd = s->ntd;
	newseg = calloc(ntd + 1, sizeof *newseg);
	newdel = calloc(ntd + 1, sizeof *newdel);
	replace = calloc(ntd + 1, sizeof *replace);
	if (newseg == NULL || newdel == NULL || replace == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto unlock;
	}
	for (i = 0; i < ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		size_t old = 0;
		for (j = 0; j < td->ndels; j++)
			old += td->dels[j].commit <= h;
		if (td->nsegs < 2 && old == 0)
			continue;
		rc = merge_table(db, td, seq, h, &newseg[i], &st->rows_purged);
		if (rc != RDB_OK)
			goto unlock;
		if (td->ndels > old &&
		    (rc = rdb_delfile_write(s, td, seq, h, &newdel[i], e)) != RDB_OK)
			goto unlock;
		replace[i] = 1;
		any = 1;
	}
	if (any || h != s->horizon)
		rc = rdb_manifest_switch(db, seq, newseg, newdel, replace, NULL, 0,
		    h, s->wal.seq);
unlock:
	rdb_unlock_checkpoint(&db->lock);
	if (rc != RDB_OK)
		goto out;
	st->bytes_after = files_bytes(s, &st->segments_after);
	/* files no manifest names may go once no reader pins anything */
	if (rdb_lock_wait_readers(&db->lock, UINT64_MAX, db->lock_timeout_ms,
	    e) == RDB_OK)
		sweep(s, 0, st);
	else
		sweep(s, 1, st);
	rdb_err_clear(e);
out:
	for (i = 0; i < ntd && newseg != NULL; i++) {
		free(newseg[i].file);
		free(newdel[i].file);
	}
	free(newseg);
	free(newdel);
	free(replace);
	{
		struct rdb_err saved = db->err;
		rdb_txn_abort(t);
		db->err = saved;
	}
	return rc;
}
