/*
 * ibuf.c - the shared input buffer of ibuf.h.
 */
#include <stdlib.h>

#include "load/ibuf.h"

#define IBUF_CHUNK ((size_t)1 << 20)

int rdb_ibuf_init(struct rdb_ibuf *b, rdb_read_fn read, void *arg, size_t max)
{
	memset(b, 0, sizeof *b);
	b->read = read;
	b->arg = arg;
	b->max = max != 0 ? max : (size_t)1 << 30;
	b->cap = IBUF_CHUNK;
	b->buf = malloc(b->cap + 1);
	return b->buf != NULL ? RDB_OK : RDB_ENOMEM;
}

void rdb_ibuf_release(struct rdb_ibuf *b)
{
	free(b->buf);
	b->buf = NULL;
}

int rdb_ibuf_refill(struct rdb_ibuf *b, const char *name, uint64_t line,
    const char *what, struct rdb_err *e)
{
	int first = b->consumed == 0 && b->pos == 0 && b->end == 0;
	ssize_t n;

	if (b->pos > 0) {
		memmove(b->buf, b->buf + b->pos, b->end - b->pos);
		b->consumed += b->pos;
		b->end -= b->pos;
		b->pos = 0;
	}
	if (b->end == b->cap) {
		char *p;
		if (b->cap >= b->max)
			return rdb_err_set(e, RDB_EINVAL,
			    "%s:%llu: %s longer than %zu bytes", name,
			    (unsigned long long)line, what, b->max);
		p = realloc(b->buf, b->cap * 2 + 1);
		if (p == NULL)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		b->buf = p;
		b->cap *= 2;
	}
	n = b->read(b->arg, b->buf + b->end, b->cap - b->end, e);
	if (n < 0)
		return e->code != RDB_OK ? e->code : RDB_EIO;
	if (n == 0)
		b->eof = 1;
	b->end += (size_t)n;
	/* the BOM arrives in the first read (a read callback returns at
	 * least 3 bytes unless the input is shorter) */
	if (first && b->end >= 3 && memcmp(b->buf, "\xef\xbb\xbf", 3) == 0)
		b->pos = 3;
	return RDB_OK;
}
