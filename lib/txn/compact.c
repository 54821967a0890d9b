/*
 * compact.c - merge each table's segments into one, drop the rows
 * deleted before the retention horizon, and remove files nothing needs.
 *
 * A table's horizon is the newest commit made before its retention
 * window began (its own retention, else the database's), held back by
 * any snapshot a live reader pins: every snapshot from it on stays
 * readable, exactly; snapshots before it are refused from then on
 * [F-MAN-023] [F-MAN-064]. The manifest's horizon is the least of them.
 * Rows are rewritten with their row ids and inserting commits, so time
 * travel within the window sees exactly what it saw before. A table
 * dropped before its horizon, or purged, loses its files [F-MAN-065].
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

/* Horizons for several retentions in one pass over the commit log:
 * for each, the newest commit made at or before its cutoff. */
struct horizon_arg {
	size_t n;
	int64_t *cutoff;
	uint64_t *h;
};

static int horizon_fn(const struct rdb_commit_rec *c, void *arg)
{
	struct horizon_arg *a = arg;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (c->time_us <= a->cutoff[i] && c->id > a->h[i])
			a->h[i] = c->id;
	return 0;
}

static int64_t cutoff_of(uint64_t retention)
{
	if (retention > (uint64_t)INT64_MAX / 1000000)
		retention = INT64_MAX / 1000000;
	return rdb_now_us() - (int64_t)retention * 1000000;
}

/*
 * The newest commit a horizon may reach without passing a snapshot a
 * live reader pins [F-LCK-003]: the least pinned snapshot. A reader
 * still loading (snapshot 0) or whose record does not read may settle
 * on any commit its manifest allows: then the horizon stays where it
 * is (floor).
 */
static uint64_t pinned_limit(struct rdb_db *db, uint64_t floor)
{
	struct rdb_lock_holder hs[RDB_LOCK_READERS + 3];
	uint64_t lim = UINT64_MAX;
	size_t n = 0, i;
	struct rdb_err e;

	if (rdb_lock_list(&db->lock, hs, sizeof hs / sizeof hs[0], &n,
	    &e) != RDB_OK)
		return floor;
	for (i = 0; i < n && i < sizeof hs / sizeof hs[0]; i++) {
		if (hs[i].kind != RDB_LOCK_READER)
			continue;
		if (hs[i].pid == 0 || hs[i].snapshot == 0)
			return floor;
		if (hs[i].snapshot < lim)
			lim = hs[i].snapshot;
	}
	return lim;
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

/* Is the index file indexes/<id>/name needed: its index live, its
 * segment named [F-IDX-001]? */
static int index_file_needed(const struct rdb_store *s, uint32_t id,
    const char *name)
{
	size_t i, n = strlen(name);
	char seg[80];

	if (n <= 4 || n > 64 || strcmp(name + n - 4, ".idx") != 0 ||
	    strspn(name, "0123456789abcdef-") != n - 4)
		return 0;
	for (i = 0; i < s->cat.nindexes; i++)
		if (s->cat.indexes[i].id == id)
			break;
	if (i == s->cat.nindexes)
		return 0;
	snprintf(seg, sizeof seg, "tables/%u/%.*s.seg",
	    s->cat.indexes[i].table_id, (int)(n - 4), name);
	return named(s, seg);
}

/* Index files nobody needs: of a dropped index, of a segment no longer
 * named, or a .tmp left by an interrupted write. */
static void index_orphans(const struct rdb_store *s,
    void (*fn)(const char *rel, void *), void *arg)
{
	char *idir = rdb_path_join(s->dir, "indexes");
	struct dirent *de, *fe;
	DIR *d, *f;

	if (idir == NULL || (d = opendir(idir)) == NULL) {
		free(idir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *rel = NULL, *path = NULL, *r;
		size_t n = strlen(de->d_name);
		if (n == 0 || n > 10 || strspn(de->d_name, "0123456789") != n ||
		    asprintf(&rel, "indexes/%s", de->d_name) < 0)
			continue;
		if ((path = rdb_path_join(s->dir, rel)) != NULL &&
		    (f = opendir(path)) != NULL) {
			uint32_t id = (uint32_t)strtoul(de->d_name, NULL, 10);
			while ((fe = readdir(f)) != NULL) {
				size_t l = strlen(fe->d_name);
				int tmp = l > 8 && strcmp(fe->d_name + l - 8,
				    ".idx.tmp") == 0;
				if (!tmp && (!is_ours(fe->d_name, ".idx") ||
				    index_file_needed(s, id, fe->d_name)))
					continue;
				if (asprintf(&r, "%s/%s", rel, fe->d_name) >= 0) {
					fn(r, arg);
					free(r);
				}
			}
			closedir(f);
		}
		free(path);
		free(rel);
	}
	closedir(d);
	free(idir);
}

void rdb_store_orphans(const struct rdb_store *s, int old_manifests,
    void (*fn)(const char *rel, void *), void *arg)
{
	char *tdir = rdb_path_join(s->dir, "tables");
	struct dirent *de;
	DIR *d;

	orphans_in(s, "manifest", old_manifests, fn, arg);
	index_orphans(s, fn, arg);
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

uint64_t rdb_store_drop_commit(const struct rdb_store *s, uint32_t id)
{
	uint64_t c = 0, tid;
	size_t i;

	for (i = 0; i < s->nddl; i++) {
		struct rdb_rd r;
		uint8_t kind;
		rdb_rd_init(&r, s->ddl[i].op, s->ddl[i].len);
		if (rdb_rd_get8(&r, &kind) == 0 && kind == CAT_DROP &&
		    rdb_rd_getvar(&r, &tid) == 0 && tid == id)
			c = s->ddl[i].commit;
	}
	return c;
}

/*
 * Each table's horizon from its retention, and the database's horizon
 * below them all [F-MAN-064] [F-MAN-065]: th[i] for s->td[i], *g the
 * manifest's. Never before what they were, never past a pinned
 * snapshot.
 */
static int horizons(struct rdb_db *db, uint64_t *th, uint64_t *g)
{
	struct rdb_store *s = &db->store;
	struct horizon_arg ha;
	struct rdb_sb sb;
	uint64_t dbret = db->sb.settings.retention, lim, hdb;
	size_t i, k;
	int rc = RDB_OK;

	/* the retention as the superblock says now: another program may
	 * have set it since this handle opened */
	if (rdb_sb_read(db->path, &sb, &db->err) == RDB_OK)
		dbret = db->sb.settings.retention = sb.settings.retention;
	rdb_err_clear(&db->err);
	ha.n = s->ntd + 1;
	ha.cutoff = calloc(ha.n, sizeof *ha.cutoff);
	ha.h = calloc(ha.n, sizeof *ha.h);
	if (ha.cutoff == NULL || ha.h == NULL) {
		rc = rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
		goto out;
	}
	/* slot 0 the database's retention, slot i + 1 table i's */
	for (k = 0; k < ha.n; k++) {
		uint64_t ret = dbret;
		if (k > 0) {
			struct rdb_tbl *tb = rdb_cat_by_id(&s->cat, s->td[k - 1]->id);
			if (tb != NULL && tb->retention >= 0)
				ret = (uint64_t)tb->retention;
		}
		/* retention 0: only the latest commit */
		ha.cutoff[k] = ret == 0 ? INT64_MAX : cutoff_of(ret);
	}
	if ((rc = rdb_log_each(db, horizon_fn, &ha)) != RDB_OK)
		goto out;
	lim = pinned_limit(db, s->horizon);
	for (k = 0; k < ha.n; k++) {
		uint64_t was = k == 0 ? s->horizon : s->td[k - 1]->horizon;
		if (ha.cutoff[k] == INT64_MAX)
			ha.h[k] = s->last_commit;
		if (ha.h[k] > lim)
			ha.h[k] = lim;
		if (ha.h[k] < was)
			ha.h[k] = was;
		if (ha.h[k] < s->horizon)
			ha.h[k] = s->horizon;
	}
	hdb = ha.h[0];
	for (i = 0; i < s->ntd; i++) {
		th[i] = ha.h[i + 1];
		if (th[i] < hdb)
			hdb = th[i];
	}
	*g = hdb;
out:
	free(ha.cutoff);
	free(ha.h);
	return rc;
}

int rdb_compact(struct rdb_db *db, struct rdb_compact_stats *st)
{
	struct rdb_store *s = &db->store;
	struct rdb_err *e = &db->err;
	struct rdb_segref *newseg = NULL;
	struct rdb_delref *newdel = NULL;
	struct rdb_txn *t;
	int *replace = NULL;
	uint64_t seq, h = 0, *th = NULL;
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
	ntd = s->ntd;
	if ((th = calloc(ntd + 1, sizeof *th)) == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	/* the horizons: the newest commit older than each window */
	if ((rc = horizons(db, th, &h)) != RDB_OK)
		goto out;
	st->horizon = h;
	st->bytes_before = files_bytes(s, &st->segments_before);
	rc = rdb_lock_checkpoint(&db->lock, db->lock_timeout_ms, e);
	if (rc != RDB_OK)
		goto out;
	seq = s->manifest_seq + 1;
	newseg = calloc(ntd + 1, sizeof *newseg);
	newdel = calloc(ntd + 1, sizeof *newdel);
	replace = calloc(ntd + 1, sizeof *replace);
	if (newseg == NULL || newdel == NULL || replace == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto unlock;
	}
	for (i = 0; i < ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		struct rdb_tbl *tb = rdb_cat_by_id(&s->cat, td->id);
		size_t old = 0;
		if (th[i] != td->horizon)
			any = 1;
		td->horizon = th[i];
		/* a table dropped before its horizon can no longer come
		 * back, a purged one never: their files go [F-MAN-065] */
		if (tb != NULL && (tb->purged ||
		    (tb->dropped && rdb_store_drop_commit(s, td->id) <= th[i]))) {
			if (td->nsegs > 0 || td->ndelfiles > 0) {
				replace[i] = 1;
				any = 1;
				st->tables_removed++;
			}
			continue;
		}
		for (j = 0; j < td->ndels; j++)
			old += td->dels[j].commit <= th[i];
		if (td->nsegs < 2 && old == 0)
			continue;
		rc = merge_table(db, td, seq, th[i], &newseg[i], &st->rows_purged);
		if (rc != RDB_OK)
			goto unlock;
		if (td->ndels > old &&
		    (rc = rdb_delfile_write(s, td, seq, th[i], &newdel[i], e)) != RDB_OK)
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
	free(th);
	{
		struct rdb_err saved = db->err;
		rdb_txn_abort(t);
		db->err = saved;
	}
	return rc;
}
