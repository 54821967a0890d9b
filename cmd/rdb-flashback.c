/*
 * rdb-flashback - time travel from the shell: the commit log, and SQL
 * on the database as it was at a time or a commit.
 *
 *   rdb-flashback log DIR [TABLE] [--since T] [--until T]
 *   rdb-flashback query DIR --as-of T | --commit N 'SQL'
 *   rdb-flashback diff DIR TABLE --from A --to B [--key COLS]
 *   rdb-flashback restore DIR TABLE --to T | --commit N
 *   rdb-flashback undrop DIR TABLE [--as NAME]
 *   rdb-flashback retention DIR [TABLE] [--set DURATION]
 *
 * A time T is a TIMESTAMP ("2026-11-20 12:00:00", UTC unless it names
 * a zone) or a duration before now ("90m", "2d"). It maps to the last
 * commit made at or before it (rdb_commit_at); a point outside the
 * retained history, or in the future, exits 6.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/cli.h"
#include "common/out.h"
#include "common/sqlout.h"

enum { O_SINCE = 256, O_UNTIL, O_AS_OF, O_COMMIT, O_FROM, O_TO, O_KEY,
	O_MESSAGE, O_WHERE, O_BETWEEN, O_AS, O_SET, O_PARAM = 'p' };

static const struct cli_opt opts[] = {
	{ "since", O_SINCE, "TIME", NULL,
	  "log: commits made at or after TIME", 0 },
	{ "until", O_UNTIL, "TIME", NULL,
	  "log: commits made at or before TIME", 0 },
	{ "as-of", O_AS_OF, "TIME", NULL,
	  "query: read the database as it was at TIME", 0 },
	{ "commit", O_COMMIT, "N", NULL,
	  "query: read the database as commit N left it; restore: to it", 0 },
	{ "from", O_FROM, "POINT", NULL,
	  "diff: compare from POINT, a commit number or a time", 0 },
	{ "to", O_TO, "POINT", NULL,
	  "diff: compare up to POINT; restore: to the table at time POINT", 0 },
	{ "key", O_KEY, "COLS", NULL,
	  "diff: a row deleted and inserted with the same COLS is updated", 0 },
	{ "where", O_WHERE, "EXPR", NULL,
	  "versions: only the versions of rows for which EXPR is true", 0 },
	{ "between", O_BETWEEN, "POINT", NULL,
	  "versions: --between A B, the versions current in [A, B]", 0 },
	{ "message", O_MESSAGE, "TEXT", NULL,
	  "restore, undrop, retention: record TEXT with the commit in the commit log", 0 },
	{ "as", O_AS, "NAME", NULL,
	  "undrop: bring the table back as NAME", 0 },
	{ "set", O_SET, "DURATION", NULL,
	  "retention: keep DURATION of history (30d, 12h, 0; a table: or default)", 0 },
	{ "param", 'p', "NAME=VALUE", NULL,
	  "query: bind :NAME to VALUE, a string value (never SQL text)", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-flashback", "[options] log|query|diff|restore|versions|undrop|retention DIR [TABLE|SQL]",
	"Show the commit log of the database DIR, run SQL on it as it was at a time or a commit, show what changed in a table or the versions of its rows, put a table back as it was or bring a dropped one back, and show or set how long history is kept.",
	CLI_G_OUTPUT | CLI_G_DB | CLI_G_LOCK, CLI_OPER_DB, opts,
};

/*
 * A time of an option: a TIMESTAMP, or a duration before now. Exits
 * with a usage error for anything else.
 */
static int64_t parse_time(const char *opt, const char *s)
{
	struct timespec ts;
	uint64_t ms;
	int64_t us;

	if (rdb_time_parse(s, &us) == RDB_OK)
		return us;
	if (cli_parse_duration_ms(s, &ms) == 0 && ms < (uint64_t)INT64_MAX / 2000) {
		clock_gettime(CLOCK_REALTIME, &ts);
		return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 -
		    (int64_t)ms * 1000;
	}
	cli_usage_error("invalid --%s '%s': expected a time such as "
	    "'2026-11-20 12:00:00' or a duration before now such as 90m", opt,
	    s);
}

/* An SQL session of this program on db, reading at commit as_of (0:
 * now), its commits with message (or none). */
static struct rdb_sql *sql_session(struct rdb_db *db, uint64_t as_of,
    const char *message)
{
	struct rdb_sql_options so;
	struct rdb_sql *s;

	memset(&so, 0, sizeof(so));
	so.program = cli_progname;
	so.as_of = as_of;
	so.message = message;
	if (rdb_sql_open(db, &so, &s) != RDB_OK)
		cli_die(EXIT_ERROR, "out of memory");
	return s;
}

static struct rdb_db *open_db(const char *dir)
{
	struct rdb_open_options oo;
	struct rdb_db *db;
	int rc;

	cli_open_options(&oo, RDB_OPEN_READONLY);
	rc = rdb_open(dir, &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	return db;
}

/* ---- log ---- */

/* The tables of TABLE: every table called so now or when a commit
 * touched it (a table dropped and made again is two). */
struct ids {
	uint32_t *v;
	size_t n;
	const char *name;
};

static int ids_has(const struct ids *ids, uint32_t id)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		if (ids->v[i] == id)
			return 1;
	return 0;
}

static void ids_add(struct ids *ids, uint32_t id)
{
	uint32_t *nv;

	if (ids_has(ids, id))
		return;
	if ((nv = realloc(ids->v, (ids->n + 1) * sizeof(*nv))) == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	ids->v = nv;
	ids->v[ids->n++] = id;
}

static int collect_ids(const struct rdb_commit_rec *c, void *arg)
{
	struct ids *ids = arg;
	size_t i;

	for (i = 0; i < c->ntables; i++)
		if (c->tables[i].name != NULL &&
		    strcasecmp(c->tables[i].name, ids->name) == 0)
			ids_add(ids, c->tables[i].table_id);
	return 0;
}

struct log_ctx {
	struct out *o;
	int64_t since, until;
	const struct ids *ids;      /* or NULL: every table */
};

static void changes_text(unsigned c, char *buf, size_t n)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ RDB_CHANGE_CREATE, "create" }, { RDB_CHANGE_RENAME, "rename" },
		{ RDB_CHANGE_ALTER, "alter" }, { RDB_CHANGE_DROP, "drop" },
		{ RDB_CHANGE_UNDROP, "undrop" }, { RDB_CHANGE_PURGE, "purge" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (c & names[i].bit)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
			    len > 0 ? "," : "", names[i].name);
}

static int log_row(const struct rdb_commit_rec *c, void *arg)
{
	struct log_ctx *l = arg;
	char id[24], when[40], ins[24], del[24], chg[40];
	struct out_cell cell[9];
	size_t i;

	if (c->time_us < l->since || c->time_us > l->until)
		return 0;
	snprintf(id, sizeof(id), "%llu", (unsigned long long)c->id);
	if (rdb_time_format(c->time_us, when, sizeof(when)) != RDB_OK)
		snprintf(when, sizeof(when), "?");
	cell[0] = (struct out_cell){ id, OUT_NUM };
	cell[1] = (struct out_cell){ when, OUT_TEXT };
	cell[2] = (struct out_cell){ c->program, OUT_TEXT };
	cell[3] = (struct out_cell){ c->user, OUT_TEXT };
	cell[4] = (struct out_cell){ c->message[0] != '\0' ? c->message : NULL,
		OUT_TEXT };
	/* one row per table the commit touched; a commit with none still
	 * gets its row when every table is shown */
	if (c->ntables == 0 && l->ids == NULL) {
		for (i = 5; i < 9; i++)
			cell[i] = (struct out_cell){ NULL, OUT_TEXT };
		out_row(l->o, cell);
		return 0;
	}
	for (i = 0; i < c->ntables; i++) {
		const struct rdb_commit_table *t = &c->tables[i];
		if (l->ids != NULL && !ids_has(l->ids, t->table_id))
			continue;
		snprintf(ins, sizeof(ins), "%llu", (unsigned long long)t->inserted);
		snprintf(del, sizeof(del), "%llu", (unsigned long long)t->deleted);
		changes_text(t->changes, chg, sizeof(chg));
		cell[5] = (struct out_cell){ t->name, OUT_TEXT };
		cell[6] = (struct out_cell){ ins, OUT_NUM };
		cell[7] = (struct out_cell){ del, OUT_NUM };
		cell[8] = (struct out_cell){ chg[0] != '\0' ? chg : NULL, OUT_TEXT };
		out_row(l->o, cell);
	}
	return 0;
}

static int cmd_log(const char *dir, const char *table, int64_t since,
    int64_t until)
{
	static const char *const names[] = { "commit", "time", "program",
		"user", "message", "table", "inserted", "deleted", "changes" };
	struct log_ctx l;
	struct ids ids;
	struct rdb_db *db = open_db(dir);
	int rc;

	memset(&l, 0, sizeof(l));
	memset(&ids, 0, sizeof(ids));
	l.since = since;
	l.until = until;
	if (table != NULL) {
		/* the whole history of each table that had the name: a
		 * renamed table under its old names too */
		ids.name = table;
		if ((rc = rdb_log(db, 1, 0, collect_ids, &ids)) != RDB_OK)
			cli_die_db(db, rc);
		if (ids.n == 0)
			cli_die(EXIT_ERROR, "no table '%s' in '%s', now or in its "
			    "commit log", table, dir);
		l.ids = &ids;
	}
	l.o = out_open(stdout, cli.format, cli.header, 9, names);
	rc = rdb_log(db, 1, 0, log_row, &l);
	if (rc < 0)
		cli_die_db(db, rc);
	out_close(l.o);
	free(ids.v);
	rdb_close(db);
	return EXIT_OK;
}

/* ---- query ---- */

static int cmd_query(const char *dir, const char *sql, const char *as_of,
    const char *commit, char **params, size_t nparams)
{
	struct rdb_db *db;
	struct rdb_sql *s;
	uint64_t at = 0;
	size_t i;
	int rc, status;

	if (commit != NULL) {
		long long n;
		if (cli_parse_int(commit, 0, INT64_MAX, &n) != 0)
			cli_usage_error("invalid --commit '%s': expected a commit id, "
			    "a number", commit);
		if (n == 0)
			cli_die(EXIT_RETENTION, "commit 0 is before the first commit, "
			    "commit 1");
		at = (uint64_t)n;
	}
	db = open_db(dir);
	if (as_of != NULL &&
	    (rc = rdb_commit_at(db, parse_time("as-of", as_of), &at)) != RDB_OK)
		cli_die_db(db, rc);
	s = sql_session(db, at, NULL);
	for (i = 0; i < nparams; i++) {
		char *eq = strchr(params[i], '=');
		*eq = '\0';
		if (rdb_sql_bind(s, params[i], eq + 1) != RDB_OK)
			cli_die(EXIT_ERROR, "out of memory");
	}
	status = sqlout_run(s, sql, strlen(sql), cli.format);
	rdb_sql_close(s);
	rdb_close(db);
	return status;
}

/* ---- points and tables at them (diff, restore) ---- */

static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* A point is a commit number or a time: usage errors before anything
 * is opened. */
static void check_point(const char *opt, const char *s)
{
	long long n;

	if (all_digits(s)) {
		if (cli_parse_int(s, 0, INT64_MAX, &n) != 0)
			cli_usage_error("invalid --%s '%s': expected a commit number "
			    "or a time", opt, s);
		return;
	}
	(void)parse_time(opt, s);
}

/* The commit a point names; out of history exits 6. Whether the commit
 * itself is readable is found when a transaction begins at it. */
static uint64_t point_commit(struct rdb_db *db, const char *opt,
    const char *s)
{
	uint64_t at;
	long long n;
	int rc;

	if (all_digits(s)) {
		(void)cli_parse_int(s, 0, INT64_MAX, &n);
		if (n == 0)
			cli_die(EXIT_RETENTION, "commit 0 is before the first commit, "
			    "commit 1");
		return (uint64_t)n;
	}
	if ((rc = rdb_commit_at(db, parse_time(opt, s), &at)) != RDB_OK)
		cli_die_db(db, rc);
	return at;
}

/* A table as one snapshot had it: its name then, and its columns by
 * identity (a column renamed keeps its id; one dropped and added again
 * is another). */
struct tab {
	uint32_t id;
	char *name;
	size_t ncols;
	uint32_t *cid;
	char **cname;
	uint64_t at;                /* versions: the commit it was read at */
};

static void tab_free(struct tab *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->cname[i]);
	free(t->cname);
	free(t->cid);
	free(t->name);
	memset(t, 0, sizeof(*t));
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	return d;
}

/*
 * Find at commit (0: the latest) the table called name (when name is
 * not NULL: exactly, else the only one differing in case) or with id.
 * Returns 0 and fills *t, or -1 when there is none. A commit outside
 * the retained history exits 6.
 */
static int tab_at(struct rdb_db *db, uint64_t commit, const char *name,
    uint32_t id, struct tab *t)
{
	const struct rdb_table_desc *const *all;
	const struct rdb_table_desc *td = NULL;
	struct rdb_txn *txn;
	size_t n, k, hits = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = rdb_txn_begin(db, 0, commit, &txn)) != RDB_OK)
		cli_die_db(db, rc);
	if ((rc = rdb_table_list(txn, &all, &n)) != RDB_OK)
		cli_die_db(db, rc);
	for (k = 0; k < n; k++) {
		if (name == NULL) {
			if (all[k]->id == id)
				td = all[k];
		} else if (strcmp(all[k]->name, name) == 0) {
			td = all[k];
			hits = 1;
			break;
		} else if (strcasecmp(all[k]->name, name) == 0) {
			td = all[k];
			hits++;
		}
	}
	if (name != NULL && hits != 1)
		td = NULL;
	if (td != NULL) {
		t->id = td->id;
		t->name = xstrdup(td->name);
		t->ncols = td->ncols;
		t->cid = calloc(td->ncols + 1, sizeof(*t->cid));
		t->cname = calloc(td->ncols + 1, sizeof(*t->cname));
		if (t->cid == NULL || t->cname == NULL)
			cli_die(EXIT_ERROR, "out of memory");
		for (k = 0; k < td->ncols; k++) {
			t->cid[k] = td->cols[k].id;
			t->cname[k] = xstrdup(td->cols[k].name);
		}
	}
	rdb_txn_abort(txn);
	return td != NULL ? 0 : -1;
}

/* The column of t with id, or -1. */
static int tab_col(const struct tab *t, uint32_t id)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (t->cid[i] == id)
			return (int)i;
	return -1;
}

/* Has t every column of u (by identity)? */
static int covers(const struct tab *t, const struct tab *u)
{
	size_t i;

	for (i = 0; i < u->ncols; i++)
		if (tab_col(t, u->cid[i]) < 0)
			return 0;
	return 1;
}

/* Write name as an SQL identifier: "a ""b""". */
static void put_id(FILE *f, const char *name)
{
	fputc('"', f);
	for (; *name != '\0'; name++) {
		if (*name == '"')
			fputc('"', f);
		fputc(*name, f);
	}
	fputc('"', f);
}

static FILE *sql_buf(char **sql, size_t *len)
{
	FILE *f = open_memstream(sql, len);

	if (f == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	return f;
}

static struct rdb_db *open_db_rw(const char *dir)
{
	struct rdb_open_options oo;
	struct rdb_db *db;
	int rc;

	cli_open_options(&oo, 0);
	rc = rdb_open(dir, &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	return db;
}

/* ---- diff ---- */

/* "SELECT … FROM src" with tb's columns, each from the column of src
 * (NULL: none) of the same id, else NULL. */
static void put_shaped(FILE *f, const struct tab *tb, const struct tab *src)
{
	size_t i;

	fputs("SELECT ", f);
	for (i = 0; i < tb->ncols; i++) {
		int j = src != NULL ? tab_col(src, tb->cid[i]) : -1;
		if (i > 0)
			fputs(", ", f);
		if (j >= 0)
			put_id(f, src->cname[j]);
		else
			fputs("NULL", f);
		fputs(" AS ", f);
		put_id(f, tb->cname[i]);
	}
	fputs(" FROM ", f);
	put_id(f, src != NULL ? src->name : tb->name);
}

/*
 * The versions of tb's table at hi changed in (lo, hi], in tb's shape
 * (columns by identity with the table at hi, th): inserted ones still
 * there at hi (ins), or those there at lo deleted since (!ins). A
 * versions scan reads only the row groups holding them.
 */
static void put_changed(FILE *f, const struct tab *tb, const struct tab *th,
    uint64_t lo, uint64_t hi, int ins)
{
	put_shaped(f, tb, th);
	fprintf(f, " FOR SYSTEM_TIME BETWEEN COMMIT %llu AND COMMIT %llu "
	    "WHERE rdb_op <> 'D' AND ", (unsigned long long)lo,
	    (unsigned long long)hi);
	if (ins)
		fprintf(f, "rdb_commit_from > %llu AND rdb_commit_to IS NULL",
		    (unsigned long long)lo);
	else
		fprintf(f, "rdb_commit_from <= %llu AND rdb_commit_to IS NOT NULL",
		    (unsigned long long)lo);
}

/* The rows of ta (NULL: none) at commit at, in tb's shape. */
static void put_snapshot(FILE *f, const struct tab *tb, const struct tab *ta,
    uint64_t at)
{
	put_shaped(f, tb, ta);
	fprintf(f, " AS OF COMMIT %llu%s", (unsigned long long)at,
	    ta != NULL ? "" : " WHERE false");
}

/*
 * The rows of TABLE at B that were not at A ('I') and those at A no
 * longer at B ('D'), as multisets (EXCEPT ALL both ways), through the
 * SQL engine. The snapshots differ only by the versions inserted or
 * deleted between the points, so the sides compared are those: two
 * versions scans, whose cost grows with what changed, not with the
 * table. (Going back, a column of the table at B that the table no
 * longer has at A cannot be read by a scan at A: then both snapshots
 * are read whole, AS OF COMMIT.)
 *
 * Rows are compared in the table's shape at B, columns matched by
 * identity: a column renamed between A and B is the same column, one
 * added after A is NULL at A, one dropped before B is not compared. A
 * table that did not exist at A, made after it or dropped then, has
 * every row inserted.
 */
static int cmd_diff(const char *dir, const char *table, const char *from,
    const char *to, const char *key)
{
	struct rdb_sql *s;
	struct rdb_db *db = open_db(dir);
	struct tab ta, tb;
	uint64_t a, b;
	char *sql = NULL, *keys = NULL, *kp, *tok;
	size_t len = 0, i, nkeys = 0;
	size_t *kcol = NULL;
	int have_a, status;
	FILE *f;

	a = point_commit(db, "from", from);
	b = point_commit(db, "to", to);
	if (tab_at(db, b, table, 0, &tb) != 0) {
		/* --from may be out of history too: say so first */
		if (tab_at(db, a, table, 0, &ta) == 0)
			tab_free(&ta);
		cli_die(EXIT_ERROR, "no table '%s' at commit %llu", table,
		    (unsigned long long)b);
	}
	have_a = tab_at(db, a, NULL, tb.id, &ta) == 0;
	if (key != NULL) {
		keys = xstrdup(key);
		if ((kcol = calloc(strlen(key) + 1, sizeof(*kcol))) == NULL)
			cli_die(EXIT_ERROR, "out of memory");
		for (tok = strtok_r(keys, ",", &kp); tok != NULL;
		    tok = strtok_r(NULL, ",", &kp)) {
			for (i = 0; i < tb.ncols; i++)
				if (strcasecmp(tb.cname[i], tok) == 0)
					break;
			if (i == tb.ncols)
				cli_die(EXIT_ERROR, "no column '%s' in table '%s' at "
				    "commit %llu", tok, tb.name, (unsigned long long)b);
			kcol[nkeys++] = i;
		}
	}

	f = sql_buf(&sql, &len);
	/* a table that did not exist at A (made after it, or dropped then)
	 * had no rows there: not the rows a versions scan finds before A */
	if (have_a && (a <= b || covers(&ta, &tb))) {
		/* a: the rows at A not at B, plus equal ones; b: the other way */
		uint64_t lo = a <= b ? a : b, hi = a <= b ? b : a;
		fputs("WITH a AS (", f);
		put_changed(f, &tb, a <= b ? &tb : &ta, lo, hi, a > b);
		fputs("), b AS (", f);
		put_changed(f, &tb, a <= b ? &tb : &ta, lo, hi, a <= b);
		fputs("), ", f);
	} else {
		fputs("WITH a AS (", f);
		put_snapshot(f, &tb, have_a ? &ta : NULL, have_a ? a : b);
		fputs("), b AS (SELECT * FROM ", f);
		put_id(f, tb.name);
		fprintf(f, " AS OF COMMIT %llu), ", (unsigned long long)b);
	}
	fputs("i AS (SELECT * FROM b EXCEPT ALL SELECT * FROM a), "
	    "d AS (SELECT * FROM a EXCEPT ALL SELECT * FROM b) ", f);
	if (nkeys == 0) {
		fputs("SELECT 'I' AS op, i.* FROM i "
		    "UNION ALL SELECT 'D', d.* FROM d", f);
	} else {
		/* a key deleted and inserted again is one updated row */
		for (int side = 0; side < 2; side++) {
			const char *me = side == 0 ? "i" : "d";
			const char *other = side == 0 ? "d" : "i";
			if (side == 0)
				fputs("SELECT CASE WHEN EXISTS (", f);
			else
				fputs(" UNION ALL SELECT 'D', d.* FROM d WHERE NOT "
				    "EXISTS (", f);
			fprintf(f, "SELECT 1 FROM %s WHERE ", other);
			for (i = 0; i < nkeys; i++) {
				fprintf(f, "%s%s.", i > 0 ? " AND " : "", other);
				put_id(f, tb.cname[kcol[i]]);
				fprintf(f, " IS NOT DISTINCT FROM %s.", me);
				put_id(f, tb.cname[kcol[i]]);
			}
			if (side == 0)
				fputs(") THEN 'U' ELSE 'I' END AS op, i.* FROM i", f);
			else
				fputs(")", f);
		}
	}
	/* by key, else by the whole row; a row's D before its I */
	fputs(" ORDER BY ", f);
	for (i = 0; i < nkeys; i++)
		fprintf(f, "%zu, ", kcol[i] + 2);
	for (i = 0; i < tb.ncols; i++)
		fprintf(f, "%zu, ", i + 2);
	fputs("1", f);
	if (fclose(f) != 0)
		cli_die(EXIT_ERROR, "out of memory");

	s = sql_session(db, 0, NULL);
	status = sqlout_run(s, sql, len, cli.format);
	rdb_sql_close(s);
	free(sql);
	free(keys);
	free(kcol);
	tab_free(&ta);
	tab_free(&tb);
	rdb_close(db);
	return status;
}

/* ---- restore ---- */

/* A session's error, and its exit status. */
static void sql_die(struct rdb_sql *s, int rc)
{
	cli_error("%s", rdb_sql_errmsg(s));
	cli_exit(cli_exit_code(rc));
}

/*
 * Replace the rows of TABLE with its rows at commit n, as one commit:
 * FLASHBACK TABLE t TO COMMIT n, which librdb's SQL layer runs as
 * DELETE every row, INSERT the old ones. The table keeps its schema of
 * now; its columns are matched by identity with the columns it had at
 * n (a column renamed since is the same column), a column added since
 * gets its default, one dropped since is not brought back. The checks
 * here only word the errors for the shell.
 */
static int cmd_restore(const char *dir, const char *table, const char *to,
    const char *commit, const char *message)
{
	struct rdb_sql_result res;
	struct rdb_sql *s;
	struct rdb_db *db = open_db_rw(dir);
	struct tab now, then;
	uint64_t n;
	char *sql = NULL, msg[600];
	size_t len = 0, pos = 0;
	int rc;
	FILE *f;

	n = point_commit(db, to != NULL ? "to" : "commit",
	    to != NULL ? to : commit);
	if (tab_at(db, 0, table, 0, &now) != 0)
		cli_die(EXIT_ERROR, "no table '%s' in '%s'", table, dir);
	if (tab_at(db, n, NULL, now.id, &then) != 0)
		cli_die(EXIT_ERROR, "table '%s' did not exist at commit %llu",
		    now.name, (unsigned long long)n);

	f = sql_buf(&sql, &len);
	fputs("FLASHBACK TABLE ", f);
	put_id(f, now.name);
	fprintf(f, " TO COMMIT %llu", (unsigned long long)n);
	if (fclose(f) != 0)
		cli_die(EXIT_ERROR, "out of memory");
	if (message == NULL) {
		snprintf(msg, sizeof(msg), "restore %s to commit %llu", now.name,
		    (unsigned long long)n);
		message = msg;
	}
	s = sql_session(db, 0, message);
	if ((rc = rdb_sql_exec(s, sql, len, &pos, NULL, &res)) != RDB_OK)
		sql_die(s, rc);
	rdb_sql_close(s);
	if (res.commit == 0)
		printf("nothing to restore: table '%s' has no rows now or at "
		    "commit %llu\n", now.name, (unsigned long long)n);
	else
		printf("restored table '%s' to commit %llu as commit %llu: "
		    "%llu rows deleted, %llu inserted\n"
		    "to undo: rdb-flashback restore %s %s --commit %llu\n",
		    now.name, (unsigned long long)n, (unsigned long long)res.commit,
		    (unsigned long long)res.deleted,
		    (unsigned long long)(res.changed - res.deleted),
		    dir, now.name, (unsigned long long)(res.commit - 1));
	free(sql);
	tab_free(&now);
	tab_free(&then);
	rdb_close(db);
	return EXIT_OK;
}

/* ---- undrop ---- */

/*
 * Bring back the dropped table TABLE (the one dropped last), as NAME
 * when given: the same table, with its id, columns and rows, so its
 * history before the drop reads as before.
 */
static int cmd_undrop(const char *dir, const char *table, const char *as,
    const char *message)
{
	struct rdb_commit_opts co;
	struct rdb_db *db = open_db_rw(dir);
	struct rdb_txn *t;
	uint64_t dropped = 0, made = 0;
	char msg[600];
	int rc;

	if ((rc = rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t)) != RDB_OK)
		cli_die_db(db, rc);
	if ((rc = rdb_table_undrop(t, table, as, &dropped)) != RDB_OK) {
		if (rc == RDB_EEXIST) {
			cli_error("%s (--as NAME)", rdb_errmsg(db));
			cli_exit(EXIT_ERROR);
		}
		cli_die_db(db, rc);
	}
	if (message == NULL) {
		snprintf(msg, sizeof(msg), "undrop %s%s%s", table,
		    as != NULL ? " as " : "", as != NULL ? as : "");
		message = msg;
	}
	memset(&co, 0, sizeof(co));
	co.program = cli_progname;
	co.message = message;
	if ((rc = rdb_txn_commit(t, &co, &made)) != RDB_OK)
		cli_die_db(db, rc);
	printf("undropped table '%s'%s%s%s (dropped at commit %llu) as commit "
	    "%llu\n", table, as != NULL ? " as '" : "", as != NULL ? as : "",
	    as != NULL ? "'" : "", (unsigned long long)dropped,
	    (unsigned long long)made);
	rdb_close(db);
	return EXIT_OK;
}

/* ---- retention ---- */

/* Seconds of a --set duration; "default" (tables) is -1. */
static int64_t parse_retention(const char *s, int table)
{
	uint64_t ms;

	if (table && strcmp(s, "default") == 0)
		return -1;
	if (cli_parse_duration_ms(s, &ms) != 0 || ms % 1000 != 0 ||
	    ms / 1000 >= (uint64_t)1 << 53)
		cli_usage_error("invalid --set '%s': expected a duration in whole "
		    "seconds such as 30d, 12h, 90m, 2w or 0%s", s,
		    table ? ", or default" : "");
	return (int64_t)(ms / 1000);
}

static void retention_row(struct out *o, const char *table, int64_t sec,
    const char *from, uint64_t oldest)
{
	char dur[32], secs[32], old[32];
	struct out_cell cell[5];

	cli_format_duration((uint64_t)sec, dur, sizeof(dur));
	snprintf(secs, sizeof(secs), "%lld", (long long)sec);
	snprintf(old, sizeof(old), "%llu", (unsigned long long)oldest);
	cell[0] = (struct out_cell){ table, OUT_TEXT };
	cell[1] = (struct out_cell){ dur, OUT_TEXT };
	cell[2] = (struct out_cell){ secs, OUT_NUM };
	cell[3] = (struct out_cell){ from, OUT_TEXT };
	cell[4] = (struct out_cell){ old, OUT_NUM };
	out_row(o, cell);
}

/*
 * Show the retention of the database and of each table (or of TABLE),
 * or set it: the database's in the superblock, a table's as a catalog
 * change in a commit of its own ("default" follows the database's).
 */
static int cmd_retention(const char *dir, const char *table,
    const char *setto, const char *message)
{
	static const char *const names[] = { "table", "retention", "seconds",
		"from", "oldest_commit" };
	const struct rdb_table_desc *const *all, *td;
	struct rdb_history h;
	struct rdb_info info;
	struct rdb_db *db;
	struct rdb_txn *t;
	struct out *o;
	int64_t sec = 0;
	size_t n, i;
	int rc;

	if (setto != NULL) {
		struct rdb_commit_opts co;
		char dur[32];
		sec = parse_retention(setto, table != NULL);
		db = open_db_rw(dir);
		if (table == NULL) {
			if ((rc = rdb_set_retention(db, (uint64_t)sec)) != RDB_OK)
				cli_die_db(db, rc);
			cli_format_duration((uint64_t)sec, dur, sizeof(dur));
			printf("retention of '%s' set to %s\n", dir, dur);
			rdb_close(db);
			return EXIT_OK;
		}
		if ((rc = rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t)) != RDB_OK)
			cli_die_db(db, rc);
		if ((rc = rdb_table_set_retention(t, table, sec)) != RDB_OK)
			cli_die_db(db, rc);
		memset(&co, 0, sizeof(co));
		co.program = cli_progname;
		co.message = message;
		if ((rc = rdb_txn_commit(t, &co, NULL)) != RDB_OK)
			cli_die_db(db, rc);
		if (sec < 0) {
			printf("retention of table '%s' follows the database's\n",
			    table);
		} else {
			cli_format_duration((uint64_t)sec, dur, sizeof(dur));
			printf("retention of table '%s' set to %s\n", table, dur);
		}
		rdb_close(db);
		return EXIT_OK;
	}
	db = open_db(dir);
	if ((rc = rdb_info(db, &info)) != RDB_OK ||
	    (rc = rdb_history(db, &h)) != RDB_OK ||
	    (rc = rdb_txn_begin(db, 0, 0, &t)) != RDB_OK ||
	    (rc = rdb_table_list(t, &all, &n)) != RDB_OK)
		cli_die_db(db, rc);
	if (table != NULL) {
		if (rdb_table_find(t, table, &td) != RDB_OK)
			cli_die(EXIT_ERROR, "no table '%s' in '%s'", table, dir);
		all = &td;
		n = 1;
	}
	o = out_open(stdout, cli.format, cli.header, 5, names);
	if (table == NULL)
		retention_row(o, NULL, (int64_t)info.settings.retention, "database",
		    h.oldest);
	for (i = 0; i < n; i++) {
		uint64_t oldest;
		if ((rc = rdb_table_retention(t, all[i]->name, &sec, &oldest)) !=
		    RDB_OK)
			cli_die_db(db, rc);
		if (oldest < h.oldest)
			oldest = h.oldest;
		retention_row(o, all[i]->name, sec >= 0 ? sec :
		    (int64_t)info.settings.retention, sec >= 0 ? "table" :
		    "database", oldest);
	}
	out_close(o);
	rdb_txn_abort(t);
	rdb_close(db);
	return EXIT_OK;
}

/* ---- versions ---- */

/*
 * Every version of the rows of TABLE that was current at some commit
 * of [A, B] (the oldest readable commit to the latest without
 * --between), as the history stood at B, through a versions scan of the
 * SQL engine (FOR SYSTEM_TIME BETWEEN), without its "D" rows: a
 * deletion shows as the end of a version.
 */
static int cmd_versions(const char *dir, const char *table, const char *where,
    const char *from, const char *to)
{
	struct rdb_history h;
	struct rdb_sql *s;
	struct rdb_db *db = open_db(dir);
	struct tab tb;
	uint64_t a = 0, b;
	char *sql = NULL;
	size_t len = 0, i;
	int status, rc;
	FILE *f;

	if ((rc = rdb_history(db, &h)) != RDB_OK)
		cli_die_db(db, rc);
	if (from != NULL)
		a = point_commit(db, "between", from);
	b = to != NULL ? point_commit(db, "between", to) : h.latest;
	if (b == 0)
		cli_die(EXIT_ERROR, "no table '%s' in '%s'", table, dir);
	if (tab_at(db, b, table, 0, &tb) != 0)
		cli_die(EXIT_ERROR, "no table '%s' at commit %llu", table,
		    (unsigned long long)b);
	if (a > 0) {
		struct tab ta;	/* a commit out of history exits 6 here */
		if (tab_at(db, a, NULL, tb.id, &ta) == 0)
			tab_free(&ta);
	} else {
		a = h.oldest;
	}

	f = sql_buf(&sql, &len);
	fputs("SELECT ", f);
	for (i = 0; i < tb.ncols; i++) {
		put_id(f, tb.cname[i]);
		fputs(", ", f);
	}
	fputs("rdb_valid_from, rdb_valid_to, rdb_commit_from, rdb_commit_to, "
	    "rdb_op FROM ", f);
	put_id(f, tb.name);
	fprintf(f, " FOR SYSTEM_TIME BETWEEN COMMIT %llu AND COMMIT %llu "
	    "WHERE rdb_op <> 'D'", (unsigned long long)a, (unsigned long long)b);
	if (where != NULL)
		fprintf(f, " AND (%s)", where);
	fputs(" ORDER BY ", f);
	for (i = 0; i < tb.ncols; i++)
		fprintf(f, "%zu, ", i + 1);
	fprintf(f, "%zu", tb.ncols + 3);
	if (fclose(f) != 0)
		cli_die(EXIT_ERROR, "out of memory");

	s = sql_session(db, 0, NULL);
	if (getenv("RDB_FLASHBACK_SHOW_SQL") != NULL)
		fprintf(stderr, "%s\n", sql);
	status = sqlout_run(s, sql, len, cli.format);
	rdb_sql_close(s);
	free(sql);
	tab_free(&tb);
	rdb_close(db);
	return status;
}

int main(int argc, char **argv)
{
	const char *arg, *since = NULL, *until = NULL, *as_of = NULL;
	const char *commit = NULL, *cmd, *dir, *from = NULL, *to = NULL;
	const char *key = NULL, *message = NULL, *where = NULL;
	const char *between = NULL, *between_to = NULL;
	const char *as = NULL, *setto = NULL;
	char **params = NULL;
	size_t nparams = 0;
	int c, n, status;

	cli_init(&prog, argc, argv);
	cli_set_commands("log|query|diff|restore|versions|undrop|retention");
	/* --between A B: take B out of argv before getopt sees it */
	for (c = 1; c < argc && strcmp(argv[c], "--") != 0; c++) {
		int skip = strcmp(argv[c], "--between") == 0 ? 2 :
		    strncmp(argv[c], "--between=", 10) == 0 ? 1 : 0;
		if (skip == 0)
			continue;
		if (c + skip >= argc)
			cli_usage_error("--between needs two points: --between A B");
		between_to = argv[c + skip];
		memmove(&argv[c + skip], &argv[c + skip + 1],
		    (size_t)(argc - c - skip) * sizeof(*argv));
		argc--;
		break;
	}
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		switch (c) {
		case O_SINCE:
			since = arg;
			break;
		case O_UNTIL:
			until = arg;
			break;
		case O_AS_OF:
			as_of = arg;
			break;
		case O_COMMIT:
			commit = arg;
			break;
		case O_FROM:
			from = arg;
			break;
		case O_TO:
			to = arg;
			break;
		case O_KEY:
			key = arg;
			break;
		case O_MESSAGE:
			message = arg;
			break;
		case O_WHERE:
			where = arg;
			break;
		case O_BETWEEN:
			between = arg;
			break;
		case O_AS:
			as = arg;
			break;
		case O_SET:
			setto = arg;
			break;
		case 'p': {
			char **np = realloc(params, (nparams + 1) * sizeof(*np));
			if (strchr(arg, '=') == NULL || arg[0] == '=')
				cli_usage_error("-p needs NAME=VALUE, not '%s'", arg);
			if (np == NULL)
				cli_die(EXIT_ERROR, "out of memory");
			params = np;
			params[nparams++] = (char *)arg;
			break;
		}
		}
	}
	n = argc - cli_optind();
	if (n < 1)
		cli_usage_error("missing the command: log, query, diff, restore, "
		    "versions, undrop or retention");
	cmd = argv[cli_optind()];
	if (n < 2)
		cli_usage_error("missing the database directory");
	dir = argv[cli_optind() + 1];
	if (as != NULL && strcmp(cmd, "undrop") != 0)
		cli_usage_error("--as is for undrop, not %s", cmd);
	if (setto != NULL && strcmp(cmd, "retention") != 0)
		cli_usage_error("--set is for retention, not %s", cmd);
	if (strcmp(cmd, "log") == 0) {
		int64_t t0 = INT64_MIN, t1 = INT64_MAX;
		if (n > 3)
			cli_usage_error("too many arguments: log takes DIR and at most "
			    "one TABLE");
		if (as_of != NULL || commit != NULL || nparams > 0)
			cli_usage_error("--as-of, --commit and -p are for query, not "
			    "log");
		if (from != NULL || to != NULL || key != NULL || message != NULL ||
		    where != NULL || between != NULL)
			cli_usage_error("--from, --to, --key, --message, --where and "
			    "--between are not for log");
		if (since != NULL)
			t0 = parse_time("since", since);
		if (until != NULL)
			t1 = parse_time("until", until);
		status = cmd_log(dir, n == 3 ? argv[cli_optind() + 2] : NULL, t0,
		    t1);
	} else if (strcmp(cmd, "query") == 0) {
		if (n < 3)
			cli_usage_error("missing the SQL to run");
		if (n > 3)
			cli_usage_error("too many arguments: give the SQL as one "
			    "argument");
		if ((as_of == NULL) == (commit == NULL))
			cli_usage_error("query needs one of --as-of TIME and "
			    "--commit N");
		if (since != NULL || until != NULL)
			cli_usage_error("--since and --until are for log, not query");
		if (from != NULL || to != NULL || key != NULL || message != NULL ||
		    where != NULL || between != NULL)
			cli_usage_error("--from, --to, --key, --message, --where and "
			    "--between are not for query");
		if (as_of != NULL)
			(void)parse_time("as-of", as_of);	/* usage errors first */
		status = cmd_query(dir, argv[cli_optind() + 2], as_of, commit,
		    params, nparams);
	} else if (strcmp(cmd, "diff") == 0) {
		if (n < 3)
			cli_usage_error("missing the table to compare");
		if (n > 3)
			cli_usage_error("too many arguments: diff takes DIR and TABLE");
		if (from == NULL || to == NULL)
			cli_usage_error("diff needs --from POINT and --to POINT");
		if (as_of != NULL || commit != NULL || nparams > 0 ||
		    since != NULL || until != NULL || message != NULL ||
		    where != NULL || between != NULL)
			cli_usage_error("diff takes --from, --to and --key only");
		if (key != NULL && (key[0] == '\0' || key[0] == ',' ||
		    key[strlen(key) - 1] == ',' || strstr(key, ",,") != NULL))
			cli_usage_error("invalid --key '%s': expected column names "
			    "separated by commas", key);
		check_point("from", from);
		check_point("to", to);
		status = cmd_diff(dir, argv[cli_optind() + 2], from, to, key);
	} else if (strcmp(cmd, "restore") == 0) {
		if (n < 3)
			cli_usage_error("missing the table to restore");
		if (n > 3)
			cli_usage_error("too many arguments: restore takes DIR and "
			    "TABLE");
		if ((to == NULL) == (commit == NULL))
			cli_usage_error("restore needs one of --to TIME and --commit N");
		if (as_of != NULL || from != NULL || key != NULL || nparams > 0 ||
		    since != NULL || until != NULL || where != NULL ||
		    between != NULL)
			cli_usage_error("restore takes --to or --commit, and --message, "
			    "only");
		if (to != NULL && all_digits(to))
			cli_usage_error("invalid --to '%s': a number alone is a commit "
			    "here: give --commit %s, or a time", to, to);
		if (to != NULL)
			(void)parse_time("to", to);
		else if (!all_digits(commit))
			cli_usage_error("invalid --commit '%s': expected a commit id, "
			    "a number", commit);
		else
			check_point("commit", commit);
		status = cmd_restore(dir, argv[cli_optind() + 2], to, commit,
		    message);
	} else if (strcmp(cmd, "versions") == 0) {
		if (n < 3)
			cli_usage_error("missing the table");
		if (n > 3)
			cli_usage_error("too many arguments: versions takes DIR and "
			    "TABLE");
		if (as_of != NULL || commit != NULL || nparams > 0 || from != NULL ||
		    to != NULL || key != NULL || since != NULL || until != NULL ||
		    message != NULL)
			cli_usage_error("versions takes --where and --between only");
		if (between != NULL) {
			check_point("between", between);
			check_point("between", between_to);
		}
		status = cmd_versions(dir, argv[cli_optind() + 2], where, between,
		    between_to);
	} else if (strcmp(cmd, "undrop") == 0) {
		if (n < 3)
			cli_usage_error("missing the table to bring back");
		if (n > 3)
			cli_usage_error("too many arguments: undrop takes DIR and TABLE");
		if (as_of != NULL || commit != NULL || nparams > 0 || from != NULL ||
		    to != NULL || key != NULL || since != NULL || until != NULL ||
		    where != NULL || between != NULL || setto != NULL)
			cli_usage_error("undrop takes --as and --message only");
		status = cmd_undrop(dir, argv[cli_optind() + 2], as, message);
	} else if (strcmp(cmd, "retention") == 0) {
		if (n > 3)
			cli_usage_error("too many arguments: retention takes DIR and at "
			    "most one TABLE");
		if (as_of != NULL || commit != NULL || nparams > 0 || from != NULL ||
		    to != NULL || key != NULL || since != NULL || until != NULL ||
		    where != NULL || between != NULL || as != NULL)
			cli_usage_error("retention takes --set and --message only");
		if (message != NULL && (setto == NULL || n < 3))
			cli_usage_error("--message needs --set and a TABLE: setting "
			    "the database's retention makes no commit");
		if (setto != NULL)
			(void)parse_retention(setto, n == 3);	/* usage first */
		status = cmd_retention(dir, n == 3 ? argv[cli_optind() + 2] : NULL,
		    setto, message);
	} else {
		cli_usage_error("unknown command '%s': expected log, query, diff, "
		    "restore, versions, undrop or retention", cmd);
	}
	free(params);
	cli_exit(status);
}
