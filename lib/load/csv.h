/*
 * csv.h - a streaming CSV/TSV tokenizer (RFC 4180 and its common
 * dialects): quoted fields with delimiters, quotes and newlines, CRLF or
 * LF, a UTF-8 BOM skipped, a quote doubled or escaped.
 */
#ifndef RDB_LOAD_CSV_H
#define RDB_LOAD_CSV_H

#include "load/ibuf.h"

struct rdb_field {
	const char *p;          /* not NUL-terminated */
	size_t len;
	int quoted;             /* an empty quoted field is "", not NULL */
};

struct rdb_csv_opts {
	int delim;              /* ',' '\t' ';' '|' ... */
	int quote;              /* 0: no quoting (TSV) */
	int escape;             /* 0: the quote doubled */
	int tsv_escapes;        /* decode \t \n \r \\ and \N (NULL) */
	size_t max_record;      /* bytes; a longer record is an error */
};

struct rdb_csv;

int rdb_csv_new(const struct rdb_csv_opts *o, rdb_read_fn read, void *arg,
    const char *name, struct rdb_csv **cp, struct rdb_err *e);
void rdb_csv_free(struct rdb_csv *c);

/* The next record: 1 with *fields and *n set (valid until the next
 * call), 0 at the end, or an error naming file, line and column. */
int rdb_csv_next(struct rdb_csv *c, const struct rdb_field **fields,
    size_t *n, struct rdb_err *e);
/* The line the last record began on, and the raw bytes of it. */
uint64_t rdb_csv_line(const struct rdb_csv *c);
void rdb_csv_raw(const struct rdb_csv *c, const char **p, size_t *len);
/* Bytes consumed so far. */
uint64_t rdb_csv_offset(const struct rdb_csv *c);

/*
 * Records already in memory: rdb_csv_new_mem makes a tokenizer without
 * a reader, and rdb_csv_set_mem points it at p[0..n), the whole records
 * of a block cut by rdb_csv_split, the first on line `line`; the end of
 * the block counts as the end of the input. p is read in place and
 * must outlive the records taken from it; the fields of all of the
 * block's records stay valid until the next rdb_csv_set_mem (which
 * returns RDB_ENOMEM when it cannot make sure of that).
 */
int rdb_csv_new_mem(const struct rdb_csv_opts *o, const char *name,
    struct rdb_csv **cp, struct rdb_err *e);
int rdb_csv_set_mem(struct rdb_csv *c, const char *p, size_t n,
    uint64_t line);

/* What a reading tokenizer holds but has not parsed (valid until the
 * next call), the line of its next record, and its input offset. */
void rdb_csv_rest(const struct rdb_csv *c, const char **p, size_t *n,
    uint64_t *line, uint64_t *offset);
/* Go on reading a stream that starts at line and offset (and so with
 * no byte order mark to skip), for a tokenizer not used yet. */
void rdb_csv_resume(struct rdb_csv *c, uint64_t line, uint64_t offset);

/*
 * Find where to cut p[0..n), which begins at the start of a record, so
 * that the cut falls between records exactly where the tokenizer would
 * see one end: *cut is the end of the last record that surely ends in
 * p (0: none yet) and *lines the lines the tokenizer counts up to it.
 * Quotes, escapes and TSV backslashes are followed as the tokenizer
 * follows them, so a newline inside a quoted field is never a cut.
 * Returns -1 when a record ends with a lone carriage return, which the
 * caller leaves to the tokenizer reading in order.
 */
int rdb_csv_split(const struct rdb_csv_opts *o, const char *p, size_t n,
    size_t *cut, uint64_t *lines);

/* Guess the delimiter among , ; | TAB from the start of a file: the one
 * whose count per line is steady and highest. */
int rdb_csv_sniff(const char *p, size_t n, int quote);

#endif
