/*
 * asof.c - tables as they were: FROM t FOR SYSTEM_TIME AS OF point,
 * and Oracle's FROM t AS OF TIMESTAMP | COMMIT point.
 *
 * The point is a constant expression, evaluated once per table
 * reference: a time maps to the last commit made at or before it
 * (rdb_commit_at: a commit's own time finds it, a time between two
 * commits the earlier), a commit is taken as it is. A point before the
 * retained history, or after now, is RDB_EHISTORY: never an
 * approximate answer.
 *
 * A handle holds one transaction at a time, so each distinct snapshot
 * a statement reads, other than the one its own transaction reads,
 * gets a read-only handle of its own on the same database with one
 * read transaction pinning that snapshot (format/lock.md), so that
 * compaction cannot remove what it reads. The table is found in that
 * snapshot's catalog, so it has the columns it had then, and its scans
 * run in that transaction. All of them end with the statement
 * (asof_release), as files do (files.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/plan.h"

struct asof_snap {
	uint64_t commit;
	struct rdb_db *db;
	struct rdb_txn *txn;
};

/* A time already mapped to its commit in this statement: a subquery
 * planned again for each row asks again. */
struct asof_time {
	int64_t us;
	uint64_t commit;
};

struct sql_asof {
	struct asof_snap *s;
	int n, cap;
	struct asof_time *t;
	int nt, capt;
};

static struct sql_asof *asof_state(struct exec *x)
{
	if (x->asof == NULL)
		x->asof = calloc(1, sizeof(*x->asof));
	return x->asof;
}

void asof_release(struct exec *x)
{
	struct sql_asof *a = x->asof;
	int i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		rdb_txn_abort(a->s[i].txn);
		rdb_close(a->s[i].db);
	}
	free(a->s);
	free(a->t);
	free(a);
	x->asof = NULL;
}

/* An error of the storage engine's (db's message, code rc) about the
 * point at pos: RDB_EHISTORY keeps its code, so programs exit 6. */
static int point_err(struct exec *x, struct rdb_db *db, int rc, uint32_t pos)
{
	char msg[sizeof(x->cx.err.msg)];

	snprintf(msg, sizeof(msg), "%s", db != NULL ? rdb_errmsg(db) :
	    rdb_strerror(rc));
	sql_err_at(x, pos, "%s", msg);
	if (rc != RDB_ESQL)
		x->cx.err.code = rc;
	return x->cx.err.code;
}

/* The commit point e (of kind ASOF_*) names; with before, the last
 * commit before it: a time's last commit made before it, commit n's
 * n - 1 (the exclusive end of FROM ... TO). */
static int point_commit(struct exec *x, struct sql_arena *a,
    const struct sql_expr *e, int kind, int before, uint64_t *commit)
{
	struct sql_expr *c = plan_expr_copy(a, e), *b;
	struct sql_type ts = { T_TIMESTAMP, 0, 0 }, big = { T_BIGINT, 0, 0 };
	struct sql_val v;
	int rc;

	if (c == NULL)
		return sql_error(&x->cx, "out of memory");
	if ((rc = plan_bind_const(x, a, c, &b)) != 0)
		return rc;
	if (kind == ASOF_ANY) {
		if (b->t.id == T_TIMESTAMP || b->t.id == T_DATE ||
		    sql_is_strlike(b->t.id) || b->t.id == T_NULL)
			kind = ASOF_TIME;
		else
			return sql_err_at(x, e->pos, "AS OF needs a time: "
			    "write AS OF COMMIT n for a commit, AS OF TIMESTAMP t "
			    "for a time");
	}
	if ((rc = plan_coerce(x, a, &b, kind == ASOF_TIME ? ts : big)) != 0)
		return rc;
	if ((rc = sql_eval_const(x, b, &v, a)) != 0)
		return rc;
	if (v.null)
		return sql_err_at(x, e->pos, "the point of AS OF is NULL");
	if (kind == ASOF_COMMIT) {
		if (v.u.i < 1) {
			sql_err_at(x, e->pos, "commit %" PRId64 " is before the "
			    "first commit, commit 1", v.u.i);
			x->cx.err.code = RDB_EHISTORY;
			return RDB_EHISTORY;
		}
		*commit = (uint64_t)v.u.i - (before ? 1 : 0);
		return 0;
	}
	if (before) {
		if (v.u.i == INT64_MIN)
			return sql_err_at(x, e->pos, "the point is out of range");
		v.u.i--;	/* times are whole microseconds */
	}
	{
		struct sql_asof *as = asof_state(x);
		int i;
		if (as == NULL)
			return sql_error(&x->cx, "out of memory");
		for (i = 0; i < as->nt; i++)
			if (as->t[i].us == v.u.i) {
				*commit = as->t[i].commit;
				return 0;
			}
		if ((rc = rdb_commit_at(x->db, v.u.i, commit)) != RDB_OK)
			return point_err(x, x->db, rc, e->pos);
		if (as->nt == as->capt) {
			int nc = as->capt ? as->capt * 2 : 4;
			struct asof_time *nt = realloc(as->t, sizeof(*nt) * (size_t)nc);
			if (nt == NULL)
				return sql_error(&x->cx, "out of memory");
			as->t = nt;
			as->capt = nc;
		}
		as->t[as->nt].us = v.u.i;
		as->t[as->nt++].commit = *commit;
	}
	return 0;
}

/* A read transaction at commit, shared by the statement's references
 * to that snapshot. */
static int snapshot(struct exec *x, uint64_t commit, uint32_t pos,
    struct rdb_txn **txn)
{
	struct sql_asof *as = x->asof;
	struct asof_snap *sn;
	struct rdb_db *db = NULL;
	struct rdb_txn *t = NULL;
	int i, rc;

	/* the statement's own transaction, when it reads that snapshot */
	if (x->txn_reads && rdb_txn_snapshot(x->txn) == commit) {
		*txn = x->txn;
		return 0;
	}
	if (as == NULL && (as = asof_state(x)) == NULL)
		return sql_error(&x->cx, "out of memory");
	for (i = 0; i < as->n; i++)
		if (as->s[i].commit == commit) {
			*txn = as->s[i].txn;
			return 0;
		}
	if (as->n == as->cap) {
		int nc = as->cap ? as->cap * 2 : 4;
		struct asof_snap *ns = realloc(as->s, sizeof(*ns) * (size_t)nc);
		if (ns == NULL)
			return sql_error(&x->cx, "out of memory");
		as->s = ns;
		as->cap = nc;
	}
	if ((rc = rdb_open_again(x->db, RDB_OPEN_READONLY, &db)) != RDB_OK) {
		point_err(x, db, rc, pos);
		rdb_close(db);
		return x->cx.err.code;
	}
	if ((rc = rdb_txn_begin(db, 0, commit, &t)) != RDB_OK) {
		point_err(x, db, rc, pos);
		rdb_close(db);
		return x->cx.err.code;
	}
	sn = &as->s[as->n++];
	sn->commit = commit;
	sn->db = db;
	sn->txn = t;
	*txn = t;
	return 0;
}

int asof_snapshot(struct exec *x, struct sql_arena *a,
    const struct sql_from *f, uint64_t *commit, struct rdb_txn **txn)
{
	int rc;

	if ((rc = point_commit(x, a, f->asof, f->asof_kind, 0, commit)) != 0)
		return rc;
	return snapshot(x, *commit, f->asof->pos, txn);
}

/* The table of f in the catalog of txn, at commit. */
static int find_at(struct exec *x, const struct sql_from *f, uint64_t commit,
    struct rdb_txn *txn, const struct rdb_table_desc **td)
{
	int rc;

	rc = rdb_table_find(txn, f->name, td);
	if (rc == RDB_ENOENT) {
		/* a table whose name differs only in case, if just one */
		const struct rdb_table_desc *const *all;
		size_t n, k, hits = 0;
		if (rdb_table_list(txn, &all, &n) == RDB_OK)
			for (k = 0; k < n; k++)
				if (strcasecmp(all[k]->name, f->name) == 0) {
					*td = all[k];
					hits++;
				}
		if (hits == 1)
			rc = RDB_OK;
	}
	if (rc == RDB_ENOENT)
		return sql_err_at(x, f->pos, "no such table '%s' at commit %"
		    PRIu64, f->name, commit);
	if (rc != RDB_OK)
		return sql_error(&x->cx, "%s", rdb_strerror(rc));
	return 0;
}

int asof_table(struct exec *x, struct sql_arena *a, const struct sql_from *f,
    struct rdb_txn **txn, const struct rdb_table_desc **td,
    const char **label)
{
	uint64_t commit;
	char buf[320];
	int rc;

	if ((rc = point_commit(x, a, f->asof, f->asof_kind, 0, &commit)) != 0)
		return rc;
	if ((rc = snapshot(x, commit, f->asof->pos, txn)) != 0)
		return rc;
	if ((rc = find_at(x, f, commit, *txn, td)) != 0)
		return rc;
	if (label != NULL) {
		snprintf(buf, sizeof(buf), "%s as of commit %" PRIu64, (*td)->name,
		    commit);
		if ((*label = sql_arena_strdup(a, buf, strlen(buf))) == NULL)
			return sql_error(&x->cx, "out of memory");
	}
	return 0;
}

/* EHISTORY at pos: msg. */
static int history_err(struct exec *x, uint32_t pos, const char *msg)
{
	sql_err_at(x, pos, "%s", msg);
	x->cx.err.code = RDB_EHISTORY;
	return RDB_EHISTORY;
}

int versions_table(struct exec *x, struct sql_arena *a,
    const struct sql_from *f, struct rdb_txn **txn,
    const struct rdb_table_desc **td, const char **label, uint64_t *lo,
    uint64_t *hi)
{
	struct rdb_history h;
	uint64_t end, latest = rdb_txn_snapshot(x->txn);
	uint32_t pos = f->asof != NULL ? f->asof->pos : f->pos;
	char buf[320], msg[160];
	int rc;

	if ((rc = rdb_history(x->db, &h)) != RDB_OK)
		return point_err(x, x->db, rc, f->pos);
	if (f->versions == VERS_ALL) {
		*lo = h.oldest;
		*hi = end = latest;
		if (end == 0)
			return history_err(x, f->pos, "FOR SYSTEM_TIME ALL: the "
			    "database has no commits yet");
	} else {
		if ((rc = point_commit(x, a, f->asof, f->asof_kind, 0, lo)) != 0 ||
		    (rc = point_commit(x, a, f->vto, f->vto_kind, 0, &end)) != 0)
			return rc;
		*hi = end;
		if (f->versions == VERS_FROM_TO && (rc = point_commit(x, a, f->vto,
		    f->vto_kind, 1, hi)) != 0)
			return rc;
		if (*lo < h.oldest) {
			snprintf(msg, sizeof(msg), "commit %" PRIu64 " is outside "
			    "retained history: the oldest readable is %" PRIu64, *lo,
			    h.oldest);
			return history_err(x, pos, msg);
		}
		if (*lo > latest) {
			snprintf(msg, sizeof(msg), "commit %" PRIu64 " is in the "
			    "future: the latest is %" PRIu64, *lo, latest);
			return history_err(x, pos, msg);
		}
	}
	/* the end point's snapshot, its catalog: the table's schema then */
	if ((rc = snapshot(x, end, f->vto != NULL ? f->vto->pos : f->pos,
	    txn)) != 0)
		return rc;
	if ((rc = find_at(x, f, end, *txn, td)) != 0)
		return rc;
	if (label != NULL) {
		snprintf(buf, sizeof(buf), "%s versions of commits %" PRIu64
		    " to %" PRIu64, (*td)->name, *lo, *hi);
		if ((*label = sql_arena_strdup(a, buf, strlen(buf))) == NULL)
			return sql_error(&x->cx, "out of memory");
	}
	return 0;
}
