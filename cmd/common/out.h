/*
 * out.h - write one result table in any of the toolkit's formats.
 *
 *   csv       RFC 4180; NULL is an empty field, the empty string is ""
 *   tsv       tab-separated; NULL is \N; \t \n \r \\ escaped
 *   json      an array of objects, one per row
 *   ndjson    one object per line
 *   table     aligned and boxed for a terminal; wide values cut
 *   markdown  a GitHub-flavoured table
 *
 * Memory is bounded: the table format measures at most the first
 * OUT_TABLE_SAMPLE rows, then streams with the widths it chose.
 */
#ifndef RDB_OUT_H
#define RDB_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"

#define OUT_TABLE_SAMPLE 1000

enum out_type {
	OUT_TEXT,       /* a string */
	OUT_NUM,        /* a number, written bare in JSON when valid */
	OUT_BOOL,       /* "true" or "false" */
	OUT_JSONVAL,    /* a JSON value: an object or array is nested as
	                   itself in JSON output, a scalar is its text */
};

struct out_cell {
	const char *s;  /* NULL is SQL NULL */
	enum out_type t;
};

struct out;

/* Start a table of ncols columns named names[] on f. fmt OUT_AUTO
 * chooses table for a terminal, csv otherwise. Exits on no memory. */
struct out *out_open(FILE *f, enum out_format fmt, int header, size_t ncols,
    const char *const *names);

/* Show "N rows" under a table (the table format only). */
void out_show_count(struct out *o, int on);

/* Write one row of ncols cells; the strings are copied when kept. */
void out_row(struct out *o, const struct out_cell *cells);

/*
 * Every row of a batch of query results, column i of kind kinds[i]:
 * the same output as out_row of each row's values in their canonical
 * text (rdb_value_text), CSV and TSV written straight from the values.
 */
struct rdb_batch;
void out_batch(struct out *o, const struct rdb_batch *b,
    const enum out_type *kinds);

/* Finish the table, free o, and check stdout (cli_check_stdout). */
void out_close(struct out *o);

/* Display width of UTF-8 text in terminal columns. */
size_t out_width(const char *s);

#endif
