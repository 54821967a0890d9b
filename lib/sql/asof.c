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

/* The commit the point of f names. */
static int point_commit(struct exec *x, struct sql_arena *a,
    const struct sql_from *f, uint64_t *commit)
{
	struct sql_expr *c = plan_expr_copy(a, f->asof), *b;
	struct sql_type ts = { T_TIMESTAMP, 0, 0 }, big = { T_BIGINT, 0, 0 };
	struct sql_val v;
	int kind = f->asof_kind, rc;

	if (c == NULL)
		return sql_error(&x->cx, "out of memory");
	if ((rc = plan_bind_const(x, a, c, &b)) != 0)
		return rc;
	if (kind == ASOF_ANY) {
		if (b->t.id == T_TIMESTAMP || b->t.id == T_DATE ||
		    sql_is_strlike(b->t.id) || b->t.id == T_NULL)
			kind = ASOF_TIME;
		else
			return sql_err_at(x, f->asof->pos, "AS OF needs a time: "
			    "write AS OF COMMIT n for a commit, AS OF TIMESTAMP t "
			    "for a time");
	}
	if ((rc = plan_coerce(x, a, &b, kind == ASOF_TIME ? ts : big)) != 0)
		return rc;
	if ((rc = sql_eval_const(x, b, &v, a)) != 0)
		return rc;
	if (v.null)
		return sql_err_at(x, f->asof->pos, "the point of AS OF is NULL");
	if (kind == ASOF_COMMIT) {
		if (v.u.i < 1) {
			sql_err_at(x, f->asof->pos, "commit %" PRId64 " is before the "
			    "first commit, commit 1", v.u.i);
			x->cx.err.code = RDB_EHISTORY;
			return RDB_EHISTORY;
		}
		*commit = (uint64_t)v.u.i;
		return 0;
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
			return point_err(x, x->db, rc, f->asof->pos);
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

	if ((rc = point_commit(x, a, f, commit)) != 0)
		return rc;
	return snapshot(x, *commit, f->asof->pos, txn);
}

int asof_table(struct exec *x, struct sql_arena *a, const struct sql_from *f,
    struct rdb_txn **txn, const struct rdb_table_desc **td,
    const char **label)
{
	uint64_t commit;
	char buf[320];
	int rc;

	if ((rc = point_commit(x, a, f, &commit)) != 0)
		return rc;
	if ((rc = snapshot(x, commit, f->asof->pos, txn)) != 0)
		return rc;
	rc = rdb_table_find(*txn, f->name, td);
	if (rc == RDB_ENOENT) {
		/* a table whose name differs only in case, if just one */
		const struct rdb_table_desc *const *all;
		size_t n, k, hits = 0;
		if (rdb_table_list(*txn, &all, &n) == RDB_OK)
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
	if (label != NULL) {
		snprintf(buf, sizeof(buf), "%s as of commit %" PRIu64, (*td)->name,
		    commit);
		if ((*label = sql_arena_strdup(a, buf, strlen(buf))) == NULL)
			return sql_error(&x->cx, "out of memory");
	}
	return 0;
}
