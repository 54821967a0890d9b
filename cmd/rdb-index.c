/*
 * rdb-index - list, create, drop and rebuild a database's indexes.
 *
 *   rdb-index list DIR [TABLE]
 *   rdb-index create DIR NAME TABLE COLUMN[:desc]... [--unique]
 *   rdb-index drop DIR NAME
 *   rdb-index rebuild DIR [NAME]
 *
 * create and drop are CREATE INDEX and DROP INDEX as one commit each;
 * rebuild makes index files again from their segments (after rdb-verify
 * found one damaged or missing) and commits nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cli.h"
#include "common/out.h"

enum { O_UNIQUE = 256, O_MESSAGE };

static const struct cli_opt opts[] = {
	{ "unique", O_UNIQUE, NULL, NULL,
	  "create: a UNIQUE index (no two rows with equal keys)", 0 },
	{ "message", O_MESSAGE, "TEXT", NULL,
	  "create, drop: record TEXT with the commit in the commit log", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-index", "[options] list|create|drop|rebuild DIR [ARGS ...]",
	"List, create, drop or rebuild the indexes of the database DIR.",
	CLI_G_OUTPUT | CLI_G_DB | CLI_G_LOCK, CLI_OPER_DB, opts,
};

static struct rdb_db *open_db(const char *dir, unsigned flags)
{
	struct rdb_open_options oo;
	struct rdb_db *db;
	int rc;

	cli_open_options(&oo, flags);
	rc = rdb_open(dir, &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	return db;
}

static int cmd_list(const char *dir, const char *table)
{
	static const char *const names[] = { "name", "table", "unique",
		"columns", "segments", "files", "bytes" };
	const struct rdb_index_desc *const *l;
	struct rdb_db *db = open_db(dir, RDB_OPEN_READONLY);
	const struct rdb_table_desc *td;
	struct rdb_txn *t;
	struct out *o;
	size_t n, i, k;
	int rc;

	if ((rc = rdb_txn_begin(db, 0, 0, &t)) != RDB_OK)
		cli_die_db(db, rc);
	if (table != NULL && (rc = rdb_table_find(t, table, &td)) != RDB_OK)
		cli_die_db(db, rc);
	if ((rc = rdb_index_list(t, &l, &n)) != RDB_OK)
		cli_die_db(db, rc);
	o = out_open(stdout, cli.format, cli.header, 7, names);
	for (i = 0; i < n; i++) {
		struct rdb_index_stats st;
		struct out_cell cell[7];
		char cols[4096] = "", num[3][32];
		if (table != NULL && strcasecmp(l[i]->table, table) != 0)
			continue;
		if ((rc = rdb_table_find(t, l[i]->table, &td)) != RDB_OK ||
		    (rc = rdb_index_stats(t, l[i]->name, &st)) != RDB_OK)
			cli_die_db(db, rc);
		for (k = 0; k < l[i]->nkeys; k++) {
			size_t len = strlen(cols);
			snprintf(cols + len, sizeof(cols) - len, "%s%s%s",
			    k ? ", " : "", td->cols[l[i]->cols[k]].name,
			    l[i]->desc[k] ? " DESC" : "");
		}
		snprintf(num[0], sizeof(num[0]), "%" PRIu64, st.segments);
		snprintf(num[1], sizeof(num[1]), "%" PRIu64, st.files);
		snprintf(num[2], sizeof(num[2]), "%" PRIu64, st.bytes);
		cell[0].s = l[i]->name;
		cell[0].t = OUT_TEXT;
		cell[1].s = l[i]->table;
		cell[1].t = OUT_TEXT;
		cell[2].s = l[i]->unique ? "true" : "false";
		cell[2].t = OUT_BOOL;
		cell[3].s = cols;
		cell[3].t = OUT_TEXT;
		for (k = 0; k < 3; k++) {
			cell[4 + k].s = num[k];
			cell[4 + k].t = OUT_NUM;
		}
		out_row(o, cell);
	}
	out_close(o);
	rdb_txn_abort(t);
	rdb_close(db);
	return EXIT_OK;
}

static void commit(struct rdb_db *db, struct rdb_txn *t, const char *message)
{
	struct rdb_commit_opts co;
	int rc;

	memset(&co, 0, sizeof(co));
	co.program = cli_progname;
	co.message = message;
	if ((rc = rdb_txn_commit(t, &co, NULL)) != RDB_OK)
		cli_die_db(db, rc);
}

static int cmd_create(const char *dir, const char *name, const char *table,
    char **keys, size_t nkeys, int unique, const char *message)
{
	struct rdb_db *db;
	struct rdb_txn *t;
	const char **cols = calloc(nkeys + 1, sizeof(*cols));
	int *desc = calloc(nkeys + 1, sizeof(*desc)), rc;
	size_t i;

	if (cols == NULL || desc == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	for (i = 0; i < nkeys; i++) {
		char *c = strrchr(keys[i], ':');
		if (c != NULL && (strcasecmp(c, ":desc") == 0 ||
		    strcasecmp(c, ":asc") == 0)) {
			desc[i] = strcasecmp(c, ":desc") == 0;
			*c = '\0';
		}
		if (keys[i][0] == '\0')
			cli_usage_error("an empty column name");
		cols[i] = keys[i];
	}
	db = open_db(dir, 0);
	if ((rc = rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t)) != RDB_OK)
		cli_die_db(db, rc);
	if ((rc = rdb_index_create(t, name, table, cols, desc, nkeys,
	    unique)) != RDB_OK)
		cli_die_db(db, rc);
	commit(db, t, message);
	free(cols);
	free(desc);
	rdb_close(db);
	return EXIT_OK;
}

static int cmd_drop(const char *dir, const char *name, const char *message)
{
	struct rdb_db *db = open_db(dir, 0);
	struct rdb_txn *t;
	int rc;

	if ((rc = rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t)) != RDB_OK)
		cli_die_db(db, rc);
	if ((rc = rdb_index_drop(t, name)) != RDB_OK)
		cli_die_db(db, rc);
	commit(db, t, message);
	rdb_close(db);
	return EXIT_OK;
}

static int cmd_rebuild(const char *dir, const char *name)
{
	struct rdb_db *db = open_db(dir, 0);
	struct rdb_txn *t;
	uint64_t n = 0;
	int rc;

	if ((rc = rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t)) != RDB_OK)
		cli_die_db(db, rc);
	if ((rc = rdb_index_rebuild(t, name, &n)) != RDB_OK)
		cli_die_db(db, rc);
	rdb_txn_abort(t);
	printf("rebuilt %" PRIu64 " index file%s\n", n, n == 1 ? "" : "s");
	rdb_close(db);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const char *arg, *cmd, *dir, *message = NULL;
	int c, n, unique = 0, status;

	cli_init(&prog, argc, argv);
	cli_set_commands("list|create|drop|rebuild");
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		if (c == O_UNIQUE)
			unique = 1;
		else if (c == O_MESSAGE)
			message = arg;
	}
	n = argc - cli_optind();
	if (n < 1)
		cli_usage_error("missing the command: list, create, drop or "
		    "rebuild");
	cmd = argv[cli_optind()];
	if (n < 2)
		cli_usage_error("missing the database directory");
	dir = argv[cli_optind() + 1];
	if (unique && strcmp(cmd, "create") != 0)
		cli_usage_error("--unique is for create, not %s", cmd);
	if (message != NULL && strcmp(cmd, "create") != 0 &&
	    strcmp(cmd, "drop") != 0)
		cli_usage_error("--message is for create and drop, not %s", cmd);
	if (strcmp(cmd, "list") == 0) {
		if (n > 3)
			cli_usage_error("too many arguments: list takes DIR and at "
			    "most one TABLE");
		status = cmd_list(dir, n == 3 ? argv[cli_optind() + 2] : NULL);
	} else if (strcmp(cmd, "create") == 0) {
		if (n < 5)
			cli_usage_error("create takes DIR, NAME, TABLE and one or "
			    "more COLUMNs");
		status = cmd_create(dir, argv[cli_optind() + 2],
		    argv[cli_optind() + 3], &argv[cli_optind() + 4],
		    (size_t)(n - 4), unique, message);
	} else if (strcmp(cmd, "drop") == 0) {
		if (n != 3)
			cli_usage_error("drop takes DIR and NAME");
		status = cmd_drop(dir, argv[cli_optind() + 2], message);
	} else if (strcmp(cmd, "rebuild") == 0) {
		if (n > 3)
			cli_usage_error("too many arguments: rebuild takes DIR and at "
			    "most one NAME");
		status = cmd_rebuild(dir, n == 3 ? argv[cli_optind() + 2] : NULL);
	} else {
		cli_usage_error("unknown command '%s': expected list, create, "
		    "drop or rebuild", cmd);
	}
	cli_exit(status);
}
