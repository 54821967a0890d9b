/*
 * util.h - small helpers every subsystem of librdb uses: error records,
 * little-endian encoding, checksums, clocks and careful I/O.
 */
#ifndef RDB_UTIL_H
#define RDB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "rdb/rdb.h"

/*
 * An error record. Subsystems that have no database handle report into
 * one of these; a handle embeds one and rdb_errmsg() reads it.
 */
struct rdb_err {
	int code;
	char msg[768];
};

void rdb_err_clear(struct rdb_err *e);
/* Set e to code and a printf-style message; returns code. */
int rdb_err_set(struct rdb_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As rdb_err_set, appending ": strerror(errnum)"; the code follows
 * from errnum (rdb_code_from_errno). */
int rdb_err_sys(struct rdb_err *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int rdb_code_from_errno(int errnum);

/*
 * A growable byte buffer. len bytes of p are in use; cap is allocated.
 * Growth beyond RDB_BUF_MAX fails, so no length read from a file can
 * ask for an absurd allocation.
 */
struct rdb_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};
#define RDB_BUF_MAX ((size_t)1 << 34)

void rdb_buf_init(struct rdb_buf *b);
void rdb_buf_release(struct rdb_buf *b);
/* Make room for n more bytes; RDB_OK or RDB_ENOMEM. */
int rdb_buf_reserve(struct rdb_buf *b, size_t n);
int rdb_buf_append(struct rdb_buf *b, const void *p, size_t n);
int rdb_buf_put8(struct rdb_buf *b, uint8_t v);
int rdb_buf_put32(struct rdb_buf *b, uint32_t v);
int rdb_buf_put64(struct rdb_buf *b, uint64_t v);
/* LEB128 unsigned varint. */
int rdb_buf_putvar(struct rdb_buf *b, uint64_t v);

/* Make room for one more element in the array *p of *cap elements of
 * size bytes when n of them are in use (doubling, 16 at least); RDB_OK
 * or RDB_ENOMEM, *p untouched on failure. */
int rdb_grow(void *p, size_t *cap, size_t n, size_t size);

/*
 * Big arrays of the query operators (mem.c): zeroed memory, mapped
 * directly from RDB_BIG_MMAP bytes on, and backed by transparent huge
 * pages where the kernel allows from RDB_BIG_HUGE bytes on. The array
 * knows its size (rdb_big_size). rdb_big_grow keeps the bytes the
 * array had and zeroes the rest; it returns NULL (p untouched) when
 * memory ran out, and p itself when n is not more than p has. A NULL p
 * is an empty array for all three; free accepts NULL.
 */
#define RDB_BIG_MMAP ((size_t)1 << 20)
#define RDB_BIG_HUGE ((size_t)4 << 20)
/* Fault a mapped array's pages in now, writable (see mem.c): for hash
 * tables, read at random before they are written. */
void rdb_big_prefault(void *p);
void *rdb_big_alloc(size_t n);
void *rdb_big_grow(void *p, size_t n);
size_t rdb_big_size(const void *p);
void rdb_big_free(void *p);

/*
 * A bounds-checked reader over bytes read from disk. Every get fails
 * (returns -1 and sets bad) instead of reading past the end, so a
 * hostile length field can never cause an out-of-bounds read.
 */
struct rdb_rd {
	const uint8_t *p;
	size_t len;
	size_t pos;
	int bad;
};
static inline void rdb_rd_init(struct rdb_rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
	r->bad = 0;
}
int rdb_rd_get8(struct rdb_rd *r, uint8_t *v);
int rdb_rd_get32(struct rdb_rd *r, uint32_t *v);
int rdb_rd_get64(struct rdb_rd *r, uint64_t *v);
int rdb_rd_getvar(struct rdb_rd *r, uint64_t *v);
/* Point *p at the next n bytes and skip them. */
int rdb_rd_bytes(struct rdb_rd *r, size_t n, const uint8_t **p);

/* Is p[0..n) valid UTF-8 (no overlongs, no surrogates)? */
int rdb_utf8_valid(const uint8_t *p, size_t n);

/* Is p[0..n) one valid JSON value (RFC 8259)? The caller checks UTF-8. */
int rdb_json_valid(const uint8_t *p, size_t n);

/* Little-endian loads and stores, whatever the host order. */
static inline uint32_t rdb_load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}
static inline uint64_t rdb_load64(const uint8_t *p)
{
	return (uint64_t)rdb_load32(p) | (uint64_t)rdb_load32(p + 4) << 32;
}
static inline void rdb_store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}
static inline void rdb_store64(uint8_t *p, uint64_t v)
{
	rdb_store32(p, (uint32_t)v);
	rdb_store32(p + 4, (uint32_t)(v >> 32));
}

/* XXH3-64 with seed 0, the accident checksum of format/README.md. */
uint64_t rdb_hash64(const void *p, size_t n);

/* Wall-clock time in µs since the epoch. */
int64_t rdb_now_us(void);
/* Monotonic time in ms, for timeouts. */
int64_t rdb_mono_ms(void);
void rdb_sleep_ms(int ms);

/* Read or write exactly n bytes at off, retrying short transfers and
 * EINTR. Return 0, or -1 with errno set (errno 0 on a short read at end
 * of file for rdb_pread_full). */
int rdb_pread_full(int fd, void *buf, size_t n, off_t off);
int rdb_pwrite_full(int fd, const void *buf, size_t n, off_t off);

/*
 * All writes, truncations and syncs of librdb go through these, so the
 * tests can inject faults (rdb_io_fault). Outside tests they are the
 * system calls.
 */
ssize_t rdb_io_pwrite(int fd, const void *buf, size_t n, off_t off);
int rdb_io_fsync(int fd);
int rdb_io_ftruncate(int fd, off_t len);

/* Test faults, counted over writes and syncs (the "I/O points"). */
enum rdb_fault_kind {
	RDB_FAULT_NONE,
	RDB_FAULT_CRASH,        /* _exit(99) at point N, before it happens */
	RDB_FAULT_TORN,         /* write half of write N, then _exit(99) */
	RDB_FAULT_POWERLOSS,    /* at point N, undo every write not yet
	                           fsynced, then _exit(99) */
	RDB_FAULT_EIO,          /* point N fails with EIO */
	RDB_FAULT_ENOSPC,       /* point N fails with ENOSPC */
	RDB_FAULT_SHORT,        /* write N writes half, then fails ENOSPC */
};
void rdb_io_fault(enum rdb_fault_kind kind, uint64_t n);
/* I/O points passed so far. */
uint64_t rdb_io_points(void);

/* fsync the directory at path. */
int rdb_fsync_dir(const char *path);

/* Join a and b with '/' into a new string; NULL when out of memory. */
char *rdb_path_join(const char *a, const char *b);

/* Copy src into dst of size n, always terminating. */
void rdb_strlcpy(char *dst, const char *src, size_t n);

#endif
