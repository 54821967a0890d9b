/*
 * seg.h - columnar segment files (format/segment.md).
 */
#ifndef RDB_SEG_SEG_H
#define RDB_SEG_SEG_H

#include "seg/enc.h"
#include "util/util.h"

/* Chunk indexes within a row group: the hidden ones, then columns. */
#define RDB_SEG_ROWID (-2)
#define RDB_SEG_COMMIT (-1)

struct rdb_zone {
	uint64_t nulls;
	int has_minmax;
	int64_t min, max;       /* DOUBLE: bit patterns of doubles */
	uint64_t stored, raw;
	int codec;
};

struct rdb_seg;

struct rdb_segw_col {
	uint32_t id;
	enum rdb_type type;
	uint8_t precision, scale;
};

/* Open dir/file, checking its size against the manifest's (0: any) and
 * its header, trailer and footer [F-SEG-001]. */
int rdb_seg_open(const char *dir, const char *file, uint64_t size,
    struct rdb_seg **sp, struct rdb_err *e);
void rdb_seg_close(struct rdb_seg *s);

/* The path it was opened at (dir/file), for messages. */
const char *rdb_seg_path(const struct rdb_seg *s);
/*
 * [F-SEG-005] A live column keeps its type: RDB_OK when footer column
 * ci is of type t (the catalog's), else RDB_ECORRUPT with a message in
 * e naming the segment and the column (id, both types).
 */
int rdb_seg_type_ok(const struct rdb_seg *s, int ci, enum rdb_type t,
    struct rdb_err *e);
size_t rdb_seg_ncols(const struct rdb_seg *s);
/* Footer column i: id and type. */
uint32_t rdb_seg_col_id(const struct rdb_seg *s, size_t i);
enum rdb_type rdb_seg_col_type(const struct rdb_seg *s, size_t i);
/* Footer column i as written. */
void rdb_seg_col(const struct rdb_seg *s, size_t i, struct rdb_segw_col *out);
/* The footer index of column id, or -1. */
int rdb_seg_find_col(const struct rdb_seg *s, uint32_t id);
size_t rdb_seg_nrowgroups(const struct rdb_seg *s);
size_t rdb_seg_rg_rows(const struct rdb_seg *s, size_t rg);
uint64_t rdb_seg_rows(const struct rdb_seg *s);
const struct rdb_zone *rdb_seg_zone(const struct rdb_seg *s, size_t rg,
    int chunk);

/* Decode the row id or commit chunk of rg into out[0..rows). */
int rdb_seg_read_hidden(struct rdb_seg *s, size_t rg, int chunk,
    uint64_t *out, struct rdb_err *e);
/* Decode column chunk of rg into v (arrays malloc'd; release with
 * rdb_vec_release). */
int rdb_seg_read_col(struct rdb_seg *s, size_t rg, int chunk,
    struct rdb_vec *v, struct rdb_err *e);

/*
 * A column chunk read a slice at a time, in order: the scan's way to
 * keep a slice of each column in cache instead of whole row groups in
 * memory. Open decompresses the chunk and checks its layout (as
 * rdb_seg_read_col does); reading makes the checks on values as it goes
 * (rdb_i64_cur), with rdb_seg_read_col's messages. Fixed-width values
 * come out wide: int64 for BOOLEAN, INTEGER, BIGINT, DATE and
 * TIMESTAMP, a DOUBLE's 8 bytes, a DECIMAL's 16 (low half, then high,
 * as in rdb_vec); TEXT, JSON and BLOB as views (rdb_text_cur): a
 * (start, end) pair of offsets into v->values per row, in v->offsets.
 * A cursor's buffers are kept from one open to the next; release them
 * with rdb_seg_cur_release.
 */
struct rdb_seg_cur {
	struct rdb_seg *s;
	size_t rg, n, pos;
	int chunk;
	enum rdb_type t;
	int open;
	struct rdb_buf raw;         /* the decompressed chunk */
	const uint8_t *bitmap;      /* validity, in raw; NULL: no NULL */
	struct rdb_i64_cur c[2];    /* the value stream(s) */
	int inrange;                /* BOOLEAN, INTEGER, DATE: the stream's
				       bounds keep every value in the type's
				       range, not checked value by value */
	int64_t *tmp;               /* a DECIMAL's halves: 2 * tmpcap */
	size_t tmpcap;
	struct rdb_text_cur tc;     /* TEXT, JSON, BLOB */
	struct rdb_err *e;
};

void rdb_seg_cur_init(struct rdb_seg_cur *c);
int rdb_seg_cur_open(struct rdb_seg_cur *c, struct rdb_seg *s, size_t rg,
    int chunk, struct rdb_err *e);
/*
 * The next k rows into v (pos a multiple of 8, or these the last rows):
 * v->values is buf (k * 16 bytes at least) for fixed-width types, the
 * chunk's bytes otherwise, with their pairs in buf as v->offsets;
 * v->validity a view (bit 0 is the first of these rows), NULL when the
 * chunk has no NULL.
 */
int rdb_seg_cur_read(struct rdb_seg_cur *c, size_t k, struct rdb_vec *v,
    void *buf, struct rdb_err *e);
/* The next k rows of a TEXT, JSON or BLOB column as strings in buf
 * (v->values, v->offsets NULL: the layout of rdb_batch.wide); with sel,
 * only those at offsets sel[0..m) (v->validity still the k rows'). */
int rdb_seg_cur_read_str(struct rdb_seg_cur *c, size_t k, const uint32_t *sel,
    size_t m, struct rdb_vec *v, struct rdb_str *buf, struct rdb_err *e);
/* A dictionary chunk's next k rows as their codes alone (c->tc.tmp, for
 * a test), v their validity; rdb_seg_cur_codes_str makes the strings of
 * those at sel[0..m) (or the first m) after. */
int rdb_seg_cur_read_codes(struct rdb_seg_cur *c, size_t k, struct rdb_vec *v,
    struct rdb_err *e);
void rdb_seg_cur_codes_str(const struct rdb_seg_cur *c, const uint32_t *sel,
    size_t m, struct rdb_str *buf);
/*
 * A DECIMAL chunk's next k rows as their two halves, not interleaved:
 * the low ones into lo[0..k), the high ones into hi[0..k), or, when they
 * are all one value (the usual case), *hconst = 1 and that value in *hc
 * (hi untouched). *validity as rdb_seg_cur_read's.
 */
int rdb_seg_cur_read_halves(struct rdb_seg_cur *c, size_t k, int64_t *lo,
    int64_t *hi, int *hconst, int64_t *hc, const uint8_t **validity,
    struct rdb_err *e);
/*
 * Of the next k rows, only those at offsets sel[0..m) (increasing, < k)
 * into buf: rdb_seg_cur_read for a column of 8-byte values (not TEXT,
 * JSON, BLOB, DECIMAL) but v->values holding m values, the kept rows'
 * in order, while v->validity still covers all k rows (bit i is row i).
 * The halves version is rdb_seg_cur_read_halves with lo[0..m) and
 * hi[0..m). Both return 1, nothing read, when the column's encoding
 * must be read in order (rdb_enc_i64_gather).
 */
int rdb_seg_cur_read_sel(struct rdb_seg_cur *c, size_t k, const uint32_t *sel,
    size_t m, struct rdb_vec *v, void *buf, struct rdb_err *e);
int rdb_seg_cur_read_halves_sel(struct rdb_seg_cur *c, size_t k,
    const uint32_t *sel, size_t m, int64_t *lo, int64_t *hi, int *hconst,
    int64_t *hc, const uint8_t **validity, struct rdb_err *e);
/* Pass over the next k rows, under the same rule. */
int rdb_seg_cur_skip(struct rdb_seg_cur *c, size_t k, struct rdb_err *e);
void rdb_seg_cur_release(struct rdb_seg_cur *c);

/*
 * Check column chunk of rg as rdb_seg_read_col reads it, with every
 * check and message of it, building no vector (rdb-verify). Text is
 * held to a little more: every string valid UTF-8 on its own (see
 * rdb_enc_bytes_check). For the fixed-width types but DECIMAL, *wide
 * gets the n values as int64 (a DOUBLE's bit pattern), else NULL;
 * *validity the NULL bitmap, NULL when nothing is NULL. Both are the
 * calling thread's scratch: valid until its next read of a segment.
 */
int rdb_seg_check_col(struct rdb_seg *s, size_t rg, int chunk,
    const int64_t **wide, const uint8_t **validity, struct rdb_err *e);
/* Read a chunk's stored bytes and check them against its checksum, and
 * nothing more [F-SEG-001] (rdb-verify --quick). */
int rdb_seg_check_sum(struct rdb_seg *s, size_t rg, int chunk,
    struct rdb_err *e);

/* Free the calling thread's chunk buffers (threads that read segments
 * call it before they end). */
void rdb_seg_scratch_release(void);

/* The encodings (bit 1 << enc) of the value streams of a chunk. */
int rdb_seg_chunk_encodings(struct rdb_seg *s, size_t rg, int chunk,
    unsigned *mask, struct rdb_err *e);

/* Writing. */
struct rdb_segw;

int rdb_segw_open(const char *path, int codec, int level, size_t ncols,
    const struct rdb_segw_col *cols, struct rdb_segw **wp,
    struct rdb_err *e);
/* Build the chunks of each row group on up to n threads (default 1);
 * the file is the same whatever n. */
void rdb_segw_set_threads(struct rdb_segw *w, int n);
/* Write one row group of n rows; cols in the order given at open. */
int rdb_segw_rowgroup(struct rdb_segw *w, size_t n, const uint64_t *rowids,
    const uint64_t *commits, const struct rdb_vec *cols, struct rdb_err *e);
/* Write the footer, fsync and close; *size gets the file size. */
int rdb_segw_finish(struct rdb_segw *w, uint64_t *size, struct rdb_err *e);
/* Close and remove an unfinished segment; accepts NULL. */
void rdb_segw_abort(struct rdb_segw *w);

#endif
