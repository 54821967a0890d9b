/*
 * verify.c - prove a database intact, or say exactly what is not.
 *
 * Everything readable is read at one pinned snapshot: the manifest and
 * the WAL (through the same loading code every reader uses, which checks
 * every checksum and record), then every segment: footer, every chunk's
 * checksum, and unless quick a full decode, with the zone maps, NULL
 * counts and row ids checked against the decoded data. Findings are
 * reported one by one; one bad chunk does not hide the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db_int.h"
#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/txn_int.h"
#include "txn/vec.h"

struct vctx {
	struct rdb_db *db;
	void (*fn)(const struct rdb_finding *, void *);
	void *arg;
	uint64_t errors;
};

const char *rdb_severity_name(enum rdb_severity s)
{
	return s == RDB_SEV_ERROR ? "error" : s == RDB_SEV_WARNING ? "warning"
	    : "note";
}

static void report(struct vctx *v, enum rdb_severity sev, const char *kind,
    const char *file, int64_t off, const char *req, const char *msg)
{
	struct rdb_finding f = { sev, kind, file, off, req, msg };

	if (sev == RDB_SEV_ERROR)
		v->errors++;
	v->fn(&f, v->arg);
}

/* The offset a damage message names ("... at offset N: ..."), or -1. */
static int64_t offset_in(const char *msg)
{
	const char *p = strstr(msg, " at offset ");
	long long o;

	if (p == NULL || sscanf(p, " at offset %lld", &o) != 1)
		return -1;
	return o;
}

static void orphan(const char *rel, void *arg)
{
	struct vctx *v = arg;

	report(v, RDB_SEV_WARNING, "orphan", rel, -1, "F-WAL-011",
	    "a file of the database that no manifest or commit names (left by an interrupted checkpoint or load; rdb-compact removes it)");
}

/* Check decoded values of chunk ci against its zone map. */
static void check_zone(struct vctx *v, const char *file, struct rdb_seg *g,
    size_t rg, int ci, const struct rdb_vec *vec, size_t n)
{
	const struct rdb_zone *z = rdb_seg_zone(g, rg, ci);
	int64_t mn = 0, mx = 0;
	double dmn = 0, dmx = 0;
	size_t i;
	int any = 0, nan = 0;
	char msg[160];

	for (i = 0; i < n; i++) {
		int64_t x = 0;
		double d;
		if (rdb_vec_is_null(vec, i))
			continue;
		switch (vec->type) {
		case RDB_BOOLEAN:
			x = ((const uint8_t *)vec->values)[i];
			break;
		case RDB_INTEGER:
		case RDB_DATE:
			x = ((const int32_t *)vec->values)[i];
			break;
		case RDB_BIGINT:
		case RDB_TIMESTAMP:
			x = ((const int64_t *)vec->values)[i];
			break;
		case RDB_DOUBLE:
			d = ((const double *)vec->values)[i];
			if (isnan(d)) {
				nan = 1;
				continue;
			}
			if (!any || d < dmn)
				dmn = d;
			if (!any || d > dmx)
				dmx = d;
			any = 1;
			continue;
		default:
			return;		/* no zone map for other types */
		}
		if (!any || x < mn)
			mn = x;
		if (!any || x > mx)
			mx = x;
		any = 1;
	}
	if (vec->type == RDB_DOUBLE) {
		double zmn, zmx;
		memcpy(&zmn, &z->min, 8);
		memcpy(&zmx, &z->max, 8);
		if (z->has_minmax && (nan || !any || zmn != dmn || zmx != dmx)) {
			snprintf(msg, sizeof msg,
			    "row group %zu, column %u: the zone map does not match the values",
			    rg, rdb_seg_col_id(g, (size_t)ci));
			report(v, RDB_SEV_ERROR, "zonemap", file, -1, "F-SEG-004", msg);
		}
		return;
	}
	if ((z->has_minmax != any) || (any && (z->min != mn || z->max != mx))) {
		snprintf(msg, sizeof msg,
		    "row group %zu, column %u: the zone map says %lld..%lld, the values are %lld..%lld",
		    rg, rdb_seg_col_id(g, (size_t)ci), (long long)z->min,
		    (long long)z->max, (long long)mn, (long long)mx);
		report(v, RDB_SEV_ERROR, "zonemap", file, -1, "F-SEG-004", msg);
	}
}

static void check_segment(struct vctx *v, struct rdb_tdata *td,
    struct rdb_segref *sr, const struct rdb_tbl *tb, unsigned flags)
{
	struct rdb_db *db = v->db;
	struct rdb_err *e = &db->err;
	uint64_t *ids = NULL, rows = 0;
	size_t rg, i;
	char msg[200];
	int rc, ci;

	if (sr->seg == NULL) {
		rc = rdb_seg_open(db->path, sr->file, sr->bytes, &sr->seg, e);
		if (rc != RDB_OK) {
			report(v, RDB_SEV_ERROR, "segment", sr->file, offset_in(e->msg),
			    "F-SEG-001", e->msg);
			return;
		}
	}
	if (rdb_seg_rows(sr->seg) != sr->rows) {
		snprintf(msg, sizeof msg,
		    "%llu rows, the manifest says %llu",
		    (unsigned long long)rdb_seg_rows(sr->seg),
		    (unsigned long long)sr->rows);
		report(v, RDB_SEV_ERROR, "segment", sr->file, -1, "F-MAN-021", msg);
	}
	/* the catalog against the segment: a live column keeps its type */
	for (i = 0; tb != NULL && i < rdb_seg_ncols(sr->seg); i++) {
		size_t k;
		for (k = 0; k < tb->ncols; k++)
			if (tb->cols[k].id == rdb_seg_col_id(sr->seg, i) &&
			    tb->cols[k].type != rdb_seg_col_type(sr->seg, i)) {
				snprintf(msg, sizeof msg,
				    "column '%s' is %s in the catalog, %s in the segment",
				    tb->cols[k].name,
				    rdb_type_name((enum rdb_type)tb->cols[k].type),
				    rdb_type_name(rdb_seg_col_type(sr->seg, i)));
				report(v, RDB_SEV_ERROR, "catalog", sr->file, -1,
				    "F-SEG-005", msg);
			}
	}
	for (rg = 0; rg < rdb_seg_nrowgroups(sr->seg); rg++) {
		size_t n = rdb_seg_rg_rows(sr->seg, rg);
		rows += n;
		free(ids);
		ids = malloc(n * sizeof *ids);
		if (ids == NULL) {
			report(v, RDB_SEV_ERROR, "segment", sr->file, -1, NULL,
			    "out of memory");
			break;
		}
		/* hidden chunks: row ids increase, within the table's; commits
		 * within the history */
		for (ci = RDB_SEG_ROWID; ci <= RDB_SEG_COMMIT; ci++) {
			rc = rdb_seg_read_hidden(sr->seg, rg, ci, ids, e);
			if (rc != RDB_OK) {
				report(v, RDB_SEV_ERROR, "chunk", sr->file,
				    offset_in(e->msg), "F-SEG-002", e->msg);
				continue;
			}
			for (i = 0; i < n; i++) {
				if (ci == RDB_SEG_ROWID && ids[i] >= td->next_rowid) {
					snprintf(msg, sizeof msg,
					    "row group %zu: row id %llu beyond the table's next, %llu",
					    rg, (unsigned long long)ids[i],
					    (unsigned long long)td->next_rowid);
					report(v, RDB_SEV_ERROR, "chunk", sr->file, -1,
					    "F-SEG-003", msg);
					break;
				}
				if (ci == RDB_SEG_COMMIT &&
				    (ids[i] == 0 || ids[i] > db->store.last_commit)) {
					snprintf(msg, sizeof msg,
					    "row group %zu: commit %llu outside the history (1..%llu)",
					    rg, (unsigned long long)ids[i],
					    (unsigned long long)db->store.last_commit);
					report(v, RDB_SEV_ERROR, "chunk", sr->file, -1,
					    "F-SEG-003", msg);
					break;
				}
			}
		}
		for (ci = 0; ci < (int)rdb_seg_ncols(sr->seg); ci++) {
			const struct rdb_zone *z = rdb_seg_zone(sr->seg, rg, ci);
			struct rdb_vec vec;
			size_t k;
			for (k = 0; tb != NULL && k < tb->ncols; k++)
				if (tb->cols[k].id == rdb_seg_col_id(sr->seg, (size_t)ci) &&
				    (tb->cols[k].flags & 1) && z->nulls > 0) {
					snprintf(msg, sizeof msg,
					    "row group %zu: NULL in NOT NULL column '%s'",
					    rg, tb->cols[k].name);
					report(v, RDB_SEV_ERROR, "chunk", sr->file, -1,
					    "F-SEG-004", msg);
				}
			if (flags & RDB_VERIFY_QUICK) {
				unsigned mask;
				rc = rdb_seg_chunk_encodings(sr->seg, rg, ci, &mask, e);
			} else {
				rc = rdb_seg_read_col(sr->seg, rg, ci, &vec, e);
				if (rc == RDB_OK) {
					check_zone(v, sr->file, sr->seg, rg, ci, &vec, n);
					rdb_vec_release(&vec);
				}
			}
			if (rc != RDB_OK)
				report(v, RDB_SEV_ERROR, "chunk", sr->file,
				    offset_in(e->msg), "F-SEG-002", e->msg);
		}
	}
	free(ids);
	(void)rows;
}

/*
 * Does the tail after the last valid commit hold a later COMMIT record?
 * Then the log was damaged in the middle and committed work after the
 * damage is lost: an error, not a torn tail. A record header is looked
 * for at every offset: the damaged record's own length may be wrong.
 */
static int64_t later_commit(const char *path, off_t from, uint64_t lsn)
{
	uint8_t *buf;
	struct stat st;
	size_t n, i;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int64_t found = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_size <= from ||
	    st.st_size - from > ((off_t)64 << 20)) {
		close(fd);
		return -1;
	}
	n = (size_t)(st.st_size - from);
	buf = malloc(n);
	if (buf != NULL && rdb_pread_full(fd, buf, n, from) == 0) {
		for (i = 0; i + RDB_WAL_REC_HDR <= n && found < 0; i++) {
			const uint8_t *h = buf + i;
			uint64_t l = rdb_load64(h + 8);
			if (h[4] == WAL_COMMIT && h[5] == 0 && h[6] == 0 && h[7] == 0 &&
			    rdb_load32(h) <= n - i - RDB_WAL_REC_HDR &&
			    l > lsn && l < lsn + ((uint64_t)1 << 20))
				found = (int64_t)(from + (off_t)i);
		}
	}
	free(buf);
	close(fd);
	return found;
}

struct logchk {
	uint64_t next;      /* the commit id expected next */
	int64_t time;       /* the previous commit's time */
	uint64_t bad;       /* the first out-of-order id, or 0 */
};

static int log_one(const struct rdb_commit_rec *c, void *arg)
{
	struct logchk *k = arg;

	if (k->bad == 0 && (c->id != k->next || c->time_us <= k->time))
		k->bad = c->id != 0 ? c->id : UINT64_MAX;
	k->next = c->id + 1;
	k->time = c->time_us;
	return 0;
}

/* The commit log files: every commit from 1 to the checkpoint's, in
 * order, each file exactly what its name says [F-MAN-045]. */
static void check_logs(struct vctx *v)
{
	struct rdb_db *db = v->db;
	struct rdb_store *s = &db->store;
	struct logchk k = { 1, INT64_MIN, 0 };
	char msg[300];
	size_t i;

	for (i = 0; i < s->nlogs; i++) {
		const struct rdb_logref *l = &s->logs[i];
		uint64_t first = k.next;
		int rc;

		k.bad = 0;
		rc = rdb_log_file_each(db, i, log_one, &k);
		if (rc == RDB_ECORRUPT || rc == RDB_ENOENT) {
			report(v, RDB_SEV_ERROR, "log", l->file,
			    offset_in(db->err.msg), "F-MAN-045", db->err.msg);
			rdb_err_clear(&db->err);
			k.next = l->last + 1;
			continue;
		}
		if (rc != RDB_OK) {
			report(v, RDB_SEV_ERROR, "log", l->file, -1, "F-MAN-045",
			    db->err.msg);
			rdb_err_clear(&db->err);
			return;
		}
		if (k.bad != 0 || l->first != first || k.next != l->last + 1) {
			snprintf(msg, sizeof msg,
			    "commit log out of order: named commits %" PRIu64 " to %" PRIu64
			    ", expected from %" PRIu64 ", holds up to %" PRIu64 "%s",
			    l->first, l->last, first, k.next - 1,
			    k.bad != 0 ? " with a gap or a time going backwards" : "");
			report(v, RDB_SEV_ERROR, "log", l->file, -1, "F-MAN-045", msg);
			k.next = l->last + 1;
		}
	}
	if (s->manifest_seq != 0 && k.next != s->ckpt_commit + 1) {
		snprintf(msg, sizeof msg,
		    "the commit log ends at commit %" PRIu64 " but the manifest is at commit %" PRIu64,
		    k.next - 1, s->ckpt_commit);
		report(v, RDB_SEV_ERROR, "log", NULL, -1, "F-MAN-045", msg);
	}
}

/* Bytes after the last commit in the WAL: a torn or unfinished tail. */
static void check_wal_tail(struct vctx *v)
{
	struct rdb_store *s = &v->db->store;
	char *path = rdb_wal_path(s->dir, s->wal.seq), *rel;
	struct stat st;
	char msg[200];

	if (path != NULL && stat(path, &st) == 0 && st.st_size > s->wal.off) {
		int64_t at = later_commit(path, s->wal.off, s->wal.lsn);
		rel = strstr(path, "wal/");
		if (at >= 0 && s->wal.off == 0) {
			snprintf(msg, sizeof msg,
			    "the WAL file's header is damaged, but a commit follows at offset %lld: committed work is lost",
			    (long long)at);
			report(v, RDB_SEV_ERROR, "wal", rel, 0, "F-WAL-001", msg);
		} else if (at >= 0) {
			snprintf(msg, sizeof msg,
			    "a damaged record at offset %lld ends the log, but a commit follows at offset %lld: committed work after the damage is lost",
			    (long long)s->wal.off, (long long)at);
			report(v, RDB_SEV_ERROR, "wal", rel, (int64_t)s->wal.off,
			    "F-WAL-003", msg);
		} else {
			snprintf(msg, sizeof msg,
			    "%lld bytes after the last commit: a write that never committed; the next writer cuts it off",
			    (long long)(st.st_size - s->wal.off));
			report(v, RDB_SEV_NOTE, "wal", rel, (int64_t)s->wal.off,
			    "F-WAL-003", msg);
		}
	}
	free(path);
	path = rdb_wal_path(s->dir, s->wal.seq + 1);
	if (path != NULL && stat(path, &st) == 0 && s->wal.off > 0) {
		rel = strstr(path, "wal/");
		report(v, RDB_SEV_NOTE, "wal", rel, 0, "F-WAL-002",
		    "a WAL file after the end of the log: never reached by a commit");
	}
	free(path);
}

/*
 * The catalog at the snapshot. Loading it already applied every check of
 * format/manifest.md §Catalog operations (damage there fails the load);
 * this pass restates the per-column ones over what was loaded, so that a
 * default reaching the catalog by any path is proven bounded UTF-8.
 */
static void check_catalog(struct vctx *v, const struct rdb_cat *cat,
    const char *table)
{
	char msg[400];
	size_t i, j;

	for (i = 0; i < cat->ntables; i++) {
		const struct rdb_tbl *tb = &cat->tables[i];
		if (tb->dropped || (table != NULL && strcasecmp(tb->name, table) != 0))
			continue;
		for (j = 0; j < tb->ncols; j++) {
			const struct rdb_col *c = &tb->cols[j];
			int has = (c->flags & CAT_COL_DEFAULT) != 0;
			if (has == (c->dflt != NULL) && (c->dflt == NULL ||
			    rdb_default_ok(c->dflt, strnlen(c->dflt,
			    RDB_MAX_DEFAULT_SQL + 1))))
				continue;
			snprintf(msg, sizeof msg,
			    "table '%s', column '%s': the default is not 1 to %d bytes of UTF-8",
			    tb->name, c->name, RDB_MAX_DEFAULT_SQL);
			report(v, RDB_SEV_ERROR, "catalog", NULL, -1, "F-MAN-014",
			    msg);
		}
	}
}

int rdb_verify(struct rdb_db *db, unsigned flags, const char *table,
    void (*fn)(const struct rdb_finding *, void *), void *arg,
    uint64_t *errors)
{
	struct vctx v = { db, fn, arg, 0 };
	struct rdb_txn *t;
	struct rdb_cat *cat;
	size_t i, j;
	int rc;

	*errors = 0;
	rc = rdb_txn_begin(db, 0, 0, &t);
	if (rc == RDB_ECORRUPT) {
		/* what every reader loads is damaged: nothing further can be
		 * trusted, but the finding is the answer */
		const char *kind = strstr(db->err.msg, "WAL") != NULL ? "wal"
		    : strstr(db->err.msg, "segment") != NULL ? "segment" : "manifest";
		report(&v, RDB_SEV_ERROR, kind, NULL, offset_in(db->err.msg),
		    strstr(db->err.msg, "default must be") != NULL ? "F-MAN-014"
		    : strcmp(kind, "wal") == 0 ? "F-WAL-010" : "F-MAN-020",
		    db->err.msg);
		*errors = v.errors;
		rdb_err_clear(&db->err);
		return RDB_OK;
	}
	if (rc != RDB_OK)
		return rc;
	cat = rdb_txn_cat(t);
	if (table != NULL && rdb_cat_find(cat, table) == NULL) {
		rdb_txn_abort(t);
		return rdb_err_set(&db->err, RDB_ENOENT, "no such table '%s'", table);
	}
	check_catalog(&v, cat, table);
	check_wal_tail(&v);
	if (table == NULL)
		check_logs(&v);
	for (i = 0; i < db->store.ntd; i++) {
		struct rdb_tdata *td = db->store.td[i];
		struct rdb_tbl *tb = rdb_cat_by_id(cat, td->id);
		if (table != NULL && (tb == NULL || tb->dropped ||
		    strcasecmp(tb->name, table) != 0))
			continue;
		for (j = 0; j < td->nsegs; j++)
			check_segment(&v, td, &td->segs[j], tb, flags);
	}
	if (table == NULL)
		rdb_store_orphans(&db->store, 0, orphan, &v);
	rdb_txn_abort(t);
	rdb_err_clear(&db->err);
	*errors = v.errors;
	return RDB_OK;
}
