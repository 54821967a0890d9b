/*
 * enc.h - value encodings of segment chunks (format/encoding.md).
 *
 * A chunk's values are stored as one or more encoded streams: i64
 * streams for every fixed-width type (doubles as their IEEE bit
 * patterns, decimals as two streams) and bytes streams for TEXT, JSON
 * and BLOB. A stream's first byte names its encoding; the value count
 * is not in the stream but comes from the chunk, and the stream's length
 * from its container, so a decoder is always told both.
 *
 * Encoders append to a caller's rdb_buf, decoders write into
 * caller-sized arrays; only a cursor (rdb_i64_cur) keeps state between
 * calls, to decode a stream a slice at a time.
 */
#ifndef RDB_SEG_ENC_H
#define RDB_SEG_ENC_H

#include "util/util.h"

/* Encodings (format/encoding.md). The first byte of an encoded stream
 * names it. */
enum rdb_enc {
	RDB_ENC_PLAIN = 0,
	RDB_ENC_RLE = 1,
	RDB_ENC_FOR = 2,	/* frame of reference + bit-packing */
	RDB_ENC_DELTA = 3,	/* deltas, then FOR */
	RDB_ENC_DICT = 4,
};
#define RDB_ENC_COUNT 5

/* Most entries a dictionary may have [F-ENC-061]; bounds what a decoder
 * allocates for it, whatever the stream claims. */
#define RDB_ENC_DICT_MAX 65536

/* "plain", "rle", "for", "delta", "dict"; "unknown" for anything else. */
const char *rdb_enc_name(enum rdb_enc e);

/*
 * Encode the n values of v, appending one stream to out, in the
 * encoding the writer's rule [F-ENC-080] picks (the smallest, in
 * practice); *used gets it (used may be NULL). Values at NULL positions
 * are whatever the caller put there (the caller zeroes them). Returns
 * RDB_OK or RDB_ENOMEM; on failure out->len is as it was.
 */
int rdb_enc_i64_encode(const int64_t *v, size_t n, struct rdb_buf *out,
    enum rdb_enc *used);

/*
 * As rdb_enc_i64_encode, in encoding e (for tests and benchmarks).
 * RDB_EINVAL when e is unknown or is RDB_ENC_DICT and v has more than
 * RDB_ENC_DICT_MAX distinct values; every other encoding represents
 * any data.
 */
int rdb_enc_i64_encode_as(enum rdb_enc e, const int64_t *v, size_t n,
    struct rdb_buf *out);

/*
 * Decode exactly n values from the stream p[0..len) into out[0..n).
 * Everything is validated: an unknown encoding byte, a bit width above
 * 64, run lengths that do not sum to n, dictionary codes out of range,
 * missing or trailing bytes give RDB_ECORRUPT with a message in e naming
 * the problem and its byte offset within the stream. Never reads outside
 * p[0..len), allocates at most O(min(n, RDB_ENC_DICT_MAX)) whatever the
 * bytes say. RDB_ENOMEM, or RDB_EINVAL for an n no array can hold. On
 * failure out[] holds garbage.
 */
int rdb_enc_i64_decode(const uint8_t *p, size_t len, size_t n, int64_t *out,
    struct rdb_err *e);

/*
 * Is the stream p[0..len) n copies of one value (one RLE run, or FOR of
 * bit width 0)? 1 with *v set, checked as rdb_enc_i64_decode checks;
 * 0 when it is some other form (decode it); RDB_ECORRUPT when damaged.
 */
int rdb_enc_i64_const(const uint8_t *p, size_t len, size_t n, int64_t *v,
    struct rdb_err *e);

/* A FOR block located in a stream (internal to the decoders). */
struct rdb_enc_blk {
	unsigned w;
	uint64_t ref;
	const uint8_t *p;	/* packed area */
	size_t nb;		/* its bytes */
	size_t off;		/* offset of the block in the stream */
};

/* Runs an RLE cursor unpacks at a time (a multiple of 8). */
#define RDB_ENC_RUNS 64

/*
 * An i64 stream decoded a slice at a time, in order, so that a scan
 * keeps a few thousand values in cache instead of a row group's worth
 * in memory. rdb_enc_i64_open makes the checks of rdb_enc_i64_decode
 * that concern the stream's layout (encoding byte, headers, block sizes
 * and padding, trailing bytes, the dictionary); the checks on values
 * (codes inside the dictionary, run lengths) are made as the values
 * are read, and "runs add up to n" when the last is. Same messages,
 * same offsets.
 */
struct rdb_i64_cur {
	const uint8_t *p;	/* the stream */
	size_t len;
	size_t n, pos;		/* values in it; the next one to give */
	struct rdb_err *e;
	size_t base;		/* offset in the outermost stream */
	int enc;
	int is_const;		/* every value is cval (FOR of width 0, or
				   one RLE run) */
	int64_t cval;
	struct rdb_enc_blk a, b;	/* values / deltas / codes; run lengths */
	uint64_t acc;		/* DELTA: the value before pos */
	uint64_t *dict;		/* DICT: its entries (malloc'd) */
	uint64_t nd;
	/* RLE: runs [rbase, rbase + rn) unpacked; run ri of them current,
	 * with rleft values of it still to give */
	uint64_t nruns;
	size_t rbase, rn, ri;
	uint64_t rleft;
	uint64_t rv[RDB_ENC_RUNS], rl[RDB_ENC_RUNS];
};

/* Open a cursor over the stream p[0..len) of n values: RDB_OK,
 * RDB_ECORRUPT (with e set) or RDB_ENOMEM. Close it after, even on
 * failure. */
int rdb_enc_i64_open(struct rdb_i64_cur *c, const uint8_t *p, size_t len,
    size_t n, struct rdb_err *e);
/* The next k values (k <= n - pos, pos a multiple of 8 or the slice the
 * last) into out[0..k); RDB_OK or RDB_ECORRUPT. */
int rdb_enc_i64_next(struct rdb_i64_cur *c, size_t k, int64_t *out);
/* Bounds every value of the stream lies within, when its encoding
 * tells them without decoding (a constant, FOR and RLE values of a
 * width that cannot wrap, a dictionary's first and last entries): 1
 * with *lo and *hi set, else 0. */
int rdb_enc_i64_bounds(const struct rdb_i64_cur *c, int64_t *lo, int64_t *hi);
/* Of the next k values (same rule), only those at offsets sel[0..m)
 * (increasing, < k) into out[0..m): what a selective test left, read
 * one by one from a FOR, DICT or PLAIN stream (or a constant). 1, with
 * nothing read, for the encodings that must be read in order (RLE,
 * DELTA); else RDB_OK or RDB_ECORRUPT, past the k values. */
int rdb_enc_i64_gather(struct rdb_i64_cur *c, size_t k, const uint32_t *sel,
    size_t m, int64_t *out);
/* Pass over the next k values, under the same rule. */
int rdb_enc_i64_skip(struct rdb_i64_cur *c, size_t k);
void rdb_enc_i64_close(struct rdb_i64_cur *c);

/*
 * A bytes stream (TEXT, JSON, BLOB) a slice at a time, as views: each
 * string is a (start, end) pair of offsets into bytes, which lie in the
 * stream itself (PLAIN's data, DICT's entries), so nothing is copied and
 * a dictionary's strings are shared. Open makes rdb_enc_bytes_decode's
 * checks but those on codes, made as they are read; with utf8 set,
 * *utf8 says whether every string is valid UTF-8 (a DICT's entries all
 * are). Strings adding up to more than UINT32_MAX bytes are no error
 * here, as no copy is made.
 */
struct rdb_text_cur {
	const uint8_t *bytes;
	size_t n, pos;
	int dict;
	uint32_t *off;		/* PLAIN: n + 1 string offsets, DICT: nd + 1
				   entry offsets */
	size_t offcap;
	uint64_t nd;
	struct rdb_str *strs;	/* DICT: the entries as strings
				   (rdb_enc_text_next_str) */
	size_t strcap;
	size_t codes_off;	/* DICT: the codes' offset, for messages */
	struct rdb_i64_cur codes;
	int64_t *tmp;		/* a slice of codes */
	size_t tmpcap;
	struct rdb_err *e;
};

void rdb_enc_text_init(struct rdb_text_cur *c);
int rdb_enc_text_open(struct rdb_text_cur *c, const uint8_t *p, size_t len,
    size_t n, int *utf8, struct rdb_err *e);
/* The next k strings as pairs[2i], pairs[2i + 1] (same rule as
 * rdb_enc_i64_next). */
int rdb_enc_text_next(struct rdb_text_cur *c, size_t k, uint32_t *pairs);
/* The same as strings (rdb_batch.wide), pointing into the chunk; with
 * sel, only the m at offsets sel[0..m) of the k (increasing). */
int rdb_enc_text_next_str(struct rdb_text_cur *c, size_t k,
    const uint32_t *sel, size_t m, struct rdb_str *out);
/* DICT: the codes of the next k strings alone, into c->tmp (checked);
 * then rdb_enc_text_codes_str makes strings of them (of those at sel[0..m)
 * when sel, of the first m when not). */
int rdb_enc_text_codes(struct rdb_text_cur *c, size_t k);
void rdb_enc_text_codes_str(const struct rdb_text_cur *c, const uint32_t *sel,
    size_t m, struct rdb_str *out);
int rdb_enc_text_skip(struct rdb_text_cur *c, size_t k);
/* Free its memory (it may be opened again after). */
void rdb_enc_text_release(struct rdb_text_cur *c);

/*
 * Variable-length byte strings (TEXT, JSON, BLOB): value i is
 * data[offsets[i] .. offsets[i+1]), so offsets has n + 1 entries and
 * need not start at 0; data may be NULL when every string is empty
 * (an empty rdb_buf). Encodings PLAIN (lengths, then bytes) and DICT
 * (sorted distinct strings, then codes); lengths and codes are nested
 * i64 streams. RDB_OK, RDB_ENOMEM, or RDB_EINVAL when offsets decrease;
 * on failure out->len is as it was.
 */
int rdb_enc_bytes_encode(const uint32_t *offsets, const uint8_t *data,
    size_t n, struct rdb_buf *out, enum rdb_enc *used);
/* As rdb_enc_bytes_encode in encoding e: PLAIN, or DICT (RDB_EINVAL
 * past RDB_ENC_DICT_MAX distinct strings); RDB_EINVAL for the others. */
int rdb_enc_bytes_encode_as(enum rdb_enc e, const uint32_t *offsets,
    const uint8_t *data, size_t n, struct rdb_buf *out);

/*
 * Decode n strings from p[0..len): fills offsets[0..n] (offsets[0] = 0)
 * and appends the bytes to data, whose len may start anywhere; offsets
 * count from where this call starts appending. The same validation as
 * rdb_enc_i64_decode. Besides O(n) scratch, what is appended is at most
 * len bytes for PLAIN; for DICT it is the decoded total, which can be
 * far more than len (a long string repeated) but is checked against
 * UINT32_MAX [F-ENC-075] before data grows. On failure data->len is as
 * it was.
 */
int rdb_enc_bytes_decode(const uint8_t *p, size_t len, size_t n,
    uint32_t *offsets, struct rdb_buf *data, struct rdb_err *e);

/*
 * rdb_enc_bytes_decode, and *utf8 whether the strings are valid UTF-8:
 * for DICT every dictionary entry (used or not), for PLAIN the decoded
 * bytes as a whole.
 */
int rdb_enc_text_decode(const uint8_t *p, size_t len, size_t n,
    uint32_t *offsets, struct rdb_buf *data, int *utf8, struct rdb_err *e);

/*
 * Every check of rdb_enc_bytes_decode on n strings of p[0..len), with
 * the same results and messages, making no strings (for rdb-verify:
 * a dictionary's strings are not copied out once per use). When utf8 is
 * not NULL, *utf8 gets whether every string is valid UTF-8 on its own:
 * for DICT every dictionary entry, used or not, for PLAIN every string
 * (a stricter test than of the decoded bytes as a whole, which strings
 * cut inside a character can pass). Scratch is as for decoding.
 */
int rdb_enc_bytes_check(const uint8_t *p, size_t len, size_t n, int *utf8,
    struct rdb_err *e);

/*
 * Bit-packing (bitpack.c), the layout of [F-ENC-020], shared by the
 * encodings above and exposed for tests and benchmarks.
 */

/* Bytes that count values of w bits occupy, padding included. Exact
 * for any count up to SIZE_MAX / 8. */
static inline size_t rdb_bitpack_bytes(size_t count, unsigned w)
{
	return count / 8 * w + (count % 8 * w + 7) / 8;
}

/*
 * Unpack count values of w bits (0..64) from p, adding ref (mod 2^64)
 * to each, into out[0..count). p is the byte of a value whose index is
 * a multiple of 8, and avail the bytes from p to the end of the packed
 * area, at least rdb_bitpack_bytes(count, w): nothing outside p[0..avail)
 * is read.
 */
void rdb_bitpack_unpack(const uint8_t *p, size_t avail, unsigned w,
    uint64_t ref, size_t count, uint64_t *out);
/*
 * Values base + idx[j] (j < m) of the packed area p[0..avail) of w-bit
 * values (0..64), plus ref, into out[0..m): each from the bytes it
 * occupies, nothing outside p[0..avail) read. Every index must be of a
 * value the area holds.
 */
void rdb_bitpack_gather(const uint8_t *p, size_t avail, unsigned w,
    uint64_t ref, size_t base, const uint32_t *idx, size_t m, uint64_t *out);

#endif
