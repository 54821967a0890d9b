/*
 * rdb-flashback - time travel from the shell: the commit log, and SQL
 * on the database as it was at a time or a commit.
 *
 *   rdb-flashback log DIR [TABLE] [--since T] [--until T]
 *   rdb-flashback query DIR --as-of T | --commit N 'SQL'
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

enum { O_SINCE = 256, O_UNTIL, O_AS_OF, O_COMMIT, O_PARAM = 'p' };

static const struct cli_opt opts[] = {
	{ "since", O_SINCE, "TIME", NULL,
	  "log: commits made at or after TIME", 0 },
	{ "until", O_UNTIL, "TIME", NULL,
	  "log: commits made at or before TIME", 0 },
	{ "as-of", O_AS_OF, "TIME", NULL,
	  "query: read the database as it was at TIME", 0 },
	{ "commit", O_COMMIT, "N", NULL,
	  "query: read the database as commit N left it", 0 },
	{ "param", 'p', "NAME=VALUE", NULL,
	  "query: bind :NAME to VALUE, a string value (never SQL text)", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-flashback", "[options] log|query DIR [TABLE|SQL]",
	"Show the commit log of the database DIR, or run SQL on DIR as it was at a time or a commit.",
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
	struct rdb_sql_options so;
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
	memset(&so, 0, sizeof(so));
	so.program = cli_progname;
	so.as_of = at;
	if ((rc = rdb_sql_open(db, &so, &s)) != RDB_OK)
		cli_die(EXIT_ERROR, "out of memory");
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

int main(int argc, char **argv)
{
	const char *arg, *since = NULL, *until = NULL, *as_of = NULL;
	const char *commit = NULL, *cmd, *dir;
	char **params = NULL;
	size_t nparams = 0;
	int c, n, status;

	cli_init(&prog, argc, argv);
	cli_set_commands("log|query");
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
		cli_usage_error("missing the command: log or query");
	cmd = argv[cli_optind()];
	if (n < 2)
		cli_usage_error("missing the database directory");
	dir = argv[cli_optind() + 1];
	if (strcmp(cmd, "log") == 0) {
		int64_t t0 = INT64_MIN, t1 = INT64_MAX;
		if (n > 3)
			cli_usage_error("too many arguments: log takes DIR and at most "
			    "one TABLE");
		if (as_of != NULL || commit != NULL || nparams > 0)
			cli_usage_error("--as-of, --commit and -p are for query, not "
			    "log");
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
		if (as_of != NULL)
			(void)parse_time("as-of", as_of);	/* usage errors first */
		status = cmd_query(dir, argv[cli_optind() + 2], as_of, commit,
		    params, nparams);
	} else {
		cli_usage_error("unknown command '%s': expected log or query", cmd);
	}
	free(params);
	cli_exit(status);
}
