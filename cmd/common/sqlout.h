/*
 * sqlout.h - run SQL statements through a session and print their
 * results with out.h: what rdb-flashback query shares with rdb-query.
 */
#ifndef RDB_SQLOUT_H
#define RDB_SQLOUT_H

#include <stddef.h>

#include "cli.h"

/*
 * Run every statement of text[0..len) on session s, printing each
 * result in format fmt (OUT_AUTO: a table on a terminal, else CSV),
 * with a header unless cli.header is 0. Stops at the first failure,
 * printing the session's message. Returns the exit status: EXIT_OK,
 * EXIT_ERROR for an SQL error, or cli_exit_code of the engine's code
 * (EXIT_RETENTION outside retained history).
 */
int sqlout_run(struct rdb_sql *s, const char *text, size_t len,
    enum out_format fmt);

#endif
