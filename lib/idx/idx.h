/*
 * idx.h - index files (format/index.md): for one segment and one index,
 * the key values of the segment's rows, sorted, each with the row's
 * position in the segment.
 *
 * Keys are kept in an order-preserving byte form [F-IDX-004]: two keys
 * compare as their bytes do (memcmp, then length), so the file, its
 * lookups and its checks never look at types once a key is encoded.
 */
#ifndef RDB_IDX_IDX_H
#define RDB_IDX_IDX_H

#include "util/util.h"

struct rdb_seg;
struct rdb_vec;

/* Entries per block [F-IDX-003]. */
#define RDB_IDX_BLOCK 1024

/* What an index file is of: its index's keys (column ids, key flags),
 * for the header of the file and for checking it. */
struct rdb_idx_def {
	uint32_t index_id;
	size_t nkeys;
	const uint32_t *col_ids;
	const uint8_t *kflags;      /* CAT_KEY_DESC */
};

/* Append the key form of value row of v to b, descending when desc
 * [F-IDX-004]; v NULL: a NULL. RDB_ENOMEM or RDB_OK. */
int rdb_idx_key_put(struct rdb_buf *b, const struct rdb_vec *v, size_t row,
    int desc);
/* The same for a value given as an integer of an integer-like type, or
 * a double (is_double). */
int rdb_idx_key_put_int(struct rdb_buf *b, int64_t i, int desc);
int rdb_idx_key_put_double(struct rdb_buf *b, double d, int desc);

/*
 * The bytes of the index file of segment g for def, in a new buffer out
 * (release with rdb_buf_release). Errors reading the segment are its.
 */
int rdb_idx_image(struct rdb_seg *g, const struct rdb_idx_def *def,
    struct rdb_buf *out, struct rdb_err *e);

/*
 * Write the index file path for segment g: built in path.tmp, synced,
 * renamed over path and the folder synced, so that path is always
 * whole or absent [F-IDX-006]. The folder is made when missing.
 */
int rdb_idx_write(const char *path, struct rdb_seg *g,
    const struct rdb_idx_def *def, struct rdb_err *e);

/* An open index file. */
struct rdb_idx;

/* Open path, checking header, trailer and footer [F-IDX-005]. */
int rdb_idx_open(const char *path, struct rdb_idx **out, struct rdb_err *e);
void rdb_idx_close(struct rdb_idx *x);
uint64_t rdb_idx_rows(const struct rdb_idx *x);

/*
 * The positions, ascending, of the entries whose keys' leading bytes
 * lie between lo and hi: an entry of key K is in when K's first len(lo)
 * bytes are at least lo (above it with lo_open) and K's first len(hi)
 * bytes at most hi (below it with hi_open). A NULL bound is open-ended.
 * Only the blocks that may hold such entries are read. *pos is
 * malloc'd (NULL when *n is 0).
 */
int rdb_idx_range(struct rdb_idx *x, const uint8_t *lo, size_t lolen,
    int lo_open, const uint8_t *hi, size_t hilen, int hi_open,
    uint32_t **pos, size_t *n, struct rdb_err *e);

/*
 * Check the file path against segment g and def: every checksum, then
 * (with full) every byte against the file the segment gives
 * [F-IDX-007]. RDB_OK, or RDB_ECORRUPT with the offset of the first
 * fault in *off (-1: none).
 */
int rdb_idx_check(const char *path, struct rdb_seg *g,
    const struct rdb_idx_def *def, int full, int64_t *off,
    struct rdb_err *e);

#endif
