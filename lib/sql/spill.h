/*
 * spill.h - what the operators that spill to disk share (sort.c, agg.c):
 * nameless temporary files, and the encoding of one value in them.
 *
 * A value is a tag byte (0 NULL, 1 a value), then for a value: text,
 * JSON and BLOB as a 4-byte length and the bytes; DECIMAL as 16 bytes;
 * INTERVAL as months (4), days (4) and µs (8); every other type as 8
 * bytes. All in host order: the files live as long as one statement of
 * one process. Decoding checks every length against the record's end.
 */
#ifndef RDB_SQL_SPILL_H
#define RDB_SQL_SPILL_H

#include "sql/exec.h"

/* A new file in $TMPDIR (default /tmp) without a name: nothing is left
 * behind, whatever happens to the process. whose names the operator in
 * the error ("sort's"). */
int spill_tmpfile(struct exec *x, const char *whose, int *fdp);

/* The bytes of value v held as type tid: head[0..*headlen) then
 * tail[0..*taillen) (the text of a text value, else nothing). */
void spill_val_encode(int tid, const struct sql_val *v, uint8_t head[17],
    size_t *headlen, const void **tail, size_t *taillen);

/*
 * Make buf[lo..hi) hold at least need bytes of the file range [*off,
 * end) of fd, reading on (and growing buf, whose size is *cap) as
 * needed; *off advances past what was read. A range too short for need
 * is a damaged file. whose names the operator in errors.
 */
int spill_fill(struct exec *x, const char *whose, int fd, uint8_t **buf,
    size_t *cap, size_t *lo, size_t *hi, uint64_t *off, uint64_t end,
    size_t need);

/* Decode the value at *at of p[0..len) as type t into v (text points
 * into p) and advance *at; -1 when it does not parse. */
int spill_val_get(const uint8_t *p, size_t len, size_t *at,
    struct sql_type t, struct sql_val *v);

#endif
