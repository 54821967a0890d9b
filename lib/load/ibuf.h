/*
 * ibuf.h - the input buffer the CSV and JSON readers share: bytes read
 * through a callback, kept from the start of the record being parsed,
 * grown only for a record larger than the buffer.
 */
#ifndef RDB_LOAD_IBUF_H
#define RDB_LOAD_IBUF_H

#include <sys/types.h>

#include "util/util.h"

/* Read up to n bytes into p; returns bytes read, 0 at the end, or -1
 * with e set. */
typedef ssize_t (*rdb_read_fn)(void *arg, void *p, size_t n,
    struct rdb_err *e);

struct rdb_ibuf {
	rdb_read_fn read;
	void *arg;
	char *buf;
	size_t cap, pos, end;   /* buf[pos, end) is unparsed input */
	size_t max;             /* the largest record allowed */
	int eof;
	uint64_t consumed;      /* bytes before buf[0] */
};

int rdb_ibuf_init(struct rdb_ibuf *b, rdb_read_fn read, void *arg,
    size_t max);
void rdb_ibuf_release(struct rdb_ibuf *b);
/*
 * Keep buf[pos, end), moved to the front, and read more after it,
 * growing the buffer when it is full (a record past max is an error
 * naming name, line and what). A UTF-8 byte order mark at the very
 * start is skipped.
 */
int rdb_ibuf_refill(struct rdb_ibuf *b, const char *name, uint64_t line,
    const char *what, struct rdb_err *e);

#endif
