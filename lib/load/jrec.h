/*
 * jrec.h - records from JSON: an array of objects, or NDJSON (one
 * object per line). Streaming, like csv.h.
 */
#ifndef RDB_LOAD_JREC_H
#define RDB_LOAD_JREC_H

#include "load/csv.h"

enum rdb_jkind { J_NULL, J_BOOL, J_NUM, J_STR, J_NESTED };

struct rdb_jval {
	const char *key;        /* unescaped, NUL-terminated */
	size_t keylen;
	enum rdb_jkind kind;
	const char *p;          /* the number's text, the unescaped string,
	                           the nested value's JSON text, "true"... */
	size_t len;
};

struct rdb_jrec;

/* array: the input is one JSON array of objects; else NDJSON. */
int rdb_jrec_new(int array, rdb_read_fn read, void *arg, const char *name,
    struct rdb_jrec **jp, struct rdb_err *e);
void rdb_jrec_free(struct rdb_jrec *j);
/* A JSON document, not NDJSON: an input without a value is an error. */
void rdb_jrec_require(struct rdb_jrec *j);
/* The next object: 1 with its members, 0 at the end, or an error naming
 * file, line and column. */
int rdb_jrec_next(struct rdb_jrec *j, const struct rdb_jval **vals, size_t *n,
    struct rdb_err *e);
uint64_t rdb_jrec_line(const struct rdb_jrec *j);
void rdb_jrec_raw(const struct rdb_jrec *j, const char **p, size_t *len);
uint64_t rdb_jrec_offset(const struct rdb_jrec *j);

#endif
