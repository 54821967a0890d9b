/*
 * enc.c - the value encodings of format/encoding.md.
 *
 * An i64 stream is a tag byte [F-ENC-001] and a body built from two
 * primitives: vars (LEB128, zigzag for signed values) [F-ENC-010]
 * [F-ENC-011] and FOR blocks, a width byte, a reference and the values
 * minus the reference bit-packed [F-ENC-022]. PLAIN is raw words; FOR
 * is one block; DELTA is the first value and a block of the differences;
 * RLE is a run count and two blocks, run values and run lengths; DICT is
 * a sorted dictionary (DELTA-style) and a block of codes. A bytes stream
 * nests i64 streams: lengths then the bytes (PLAIN), or sorted distinct
 * strings then codes (DICT).
 *
 * All arithmetic on values is on uint64_t, modulo 2^64 [F-ENC-006]:
 * a double's bit pattern or INT64_MIN is just another 64-bit word, and
 * no signed overflow can happen. Where order matters (the reference is
 * the signed minimum, dictionaries sort in signed order) the sign bit is
 * flipped and words compared unsigned.
 *
 * Decoding trusts nothing: every count read from a stream is checked
 * against n before it sizes anything, every block is checked to lie
 * inside the stream before it is unpacked, and what is allocated is
 * bounded by n (and by RDB_ENC_DICT_MAX for dictionaries).
 */
#include <stdio.h>
#include <stdlib.h>

#include "enc.h"

#define SIGN ((uint64_t)1 << 63)
/* The i64 value counts a decoder accepts: beyond, n * 64 bits overflows
 * and no caller can have an array that large anyway. */
#define N_MAX (SIZE_MAX / 64)

static const char *const enc_names[RDB_ENC_COUNT] = {
	"plain", "rle", "for", "delta", "dict",
};

const char *rdb_enc_name(enum rdb_enc e)
{
	if ((unsigned)e >= RDB_ENC_COUNT)
		return "unknown";
	return enc_names[e];
}

/* [F-ENC-011] */
static inline uint64_t zz(uint64_t x)
{
	return (x << 1) ^ (0 - (x >> 63));
}

static inline uint64_t unzz(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

static inline int slt(uint64_t a, uint64_t b)
{
	return (a ^ SIGN) < (b ^ SIGN);
}

/* Bits needed for x: 0 for 0. */
static inline unsigned width(uint64_t x)
{
	return x == 0 ? 0 : 64 - (unsigned)__builtin_clzll(x);
}

static size_t varlen(uint64_t x)
{
	size_t n = 1;

	while (x >= 0x80) {
		x >>= 7;
		n++;
	}
	return n;
}

/* Size of a FOR block of count values from min to max (signed order). */
static size_t blk_size(size_t count, uint64_t min, uint64_t max)
{
	return 1 + varlen(zz(min)) + rdb_bitpack_bytes(count, width(max - min));
}

/*
 * Encoding side.
 */

/* A bit writer over bytes reserved in advance, LSB-first [F-ENC-020]. */
struct bitw {
	uint8_t *p;
	uint64_t acc;		/* bits not yet stored, from bit 0 */
	unsigned nacc;		/* how many; always < 64 between puts */
	unsigned w;
};

static inline void bitw_put(struct bitw *b, uint64_t x)
{
	b->acc |= x << b->nacc;
	b->nacc += b->w;
	if (b->nacc >= 64) {
		rdb_store64(b->p, b->acc);
		b->p += 8;
		b->nacc -= 64;
		/* the high nacc bits of x did not fit */
		b->acc = b->nacc == 0 ? 0 : x >> (b->w - b->nacc);
	}
}

static void bitw_flush(struct bitw *b)
{
	while (b->nacc > 0) {
		*b->p++ = (uint8_t)b->acc;
		b->acc >>= 8;
		b->nacc = b->nacc > 8 ? b->nacc - 8 : 0;
	}
}

/*
 * Write the header of a FOR block of count values with reference ref
 * and width w, and reserve its packed area for b; the caller puts the
 * count values (each already minus ref) and flushes. The buffer must
 * not grow in between.
 */
static int blk_open(struct rdb_buf *out, size_t count, unsigned w,
    uint64_t ref, struct bitw *b)
{
	size_t nb = rdb_bitpack_bytes(count, w);

	if (rdb_buf_put8(out, (uint8_t)w) != RDB_OK ||
	    rdb_buf_putvar(out, zz(ref)) != RDB_OK ||
	    rdb_buf_reserve(out, nb) != RDB_OK)
		return RDB_ENOMEM;
	b->p = out->p + out->len;
	b->acc = 0;
	b->nacc = 0;
	b->w = w;
	out->len += nb;
	return RDB_OK;
}

/* What one pass over the values learns; every size follows from it. */
struct i64_stats {
	uint64_t min, max;	/* signed order */
	uint64_t dmin, dmax;	/* of v[i] - v[i-1], i >= 1, signed order */
	size_t runs;
	uint64_t lmin, lmax;	/* of run lengths minus one */
};

/* The stats but the run lengths' (see run_stats), in one pass without
 * branches: they are the encoder's cost on every stream, and on data
 * that goes up and down branches would mispredict on every value. */
static void i64_stats(const uint64_t *v, size_t n, struct i64_stats *st)
{
	int64_t min, max, dmin, dmax, min2, max2, dmin2, dmax2;
	size_t i, runs, runs2;

	memset(st, 0, sizeof *st);
	if (n == 0)
		return;
	min = max = min2 = max2 = (int64_t)v[0];
	dmin = dmin2 = INT64_MAX;
	dmax = dmax2 = INT64_MIN;
	runs = 1;
	runs2 = 0;
	/* two chains of dependences, to keep both halves of the core busy */
	for (i = 1; i + 1 < n; i += 2) {
		int64_t x = (int64_t)v[i], y = (int64_t)v[i + 1];
		int64_t d = (int64_t)(v[i] - v[i - 1]), e = (int64_t)(v[i + 1] - v[i]);
		min = x < min ? x : min;
		max = x > max ? x : max;
		dmin = d < dmin ? d : dmin;
		dmax = d > dmax ? d : dmax;
		runs += d != 0;
		min2 = y < min2 ? y : min2;
		max2 = y > max2 ? y : max2;
		dmin2 = e < dmin2 ? e : dmin2;
		dmax2 = e > dmax2 ? e : dmax2;
		runs2 += e != 0;
	}
	if (i < n) {
		int64_t x = (int64_t)v[i], d = (int64_t)(v[i] - v[i - 1]);
		min = x < min ? x : min;
		max = x > max ? x : max;
		dmin = d < dmin ? d : dmin;
		dmax = d > dmax ? d : dmax;
		runs += d != 0;
	}
	min = min2 < min ? min2 : min;
	max = max2 > max ? max2 : max;
	dmin = dmin2 < dmin ? dmin2 : dmin;
	dmax = dmax2 > dmax ? dmax2 : dmax;
	if (n == 1)
		dmin = dmax = 0;
	st->min = (uint64_t)min;
	st->max = (uint64_t)max;
	st->dmin = (uint64_t)dmin;
	st->dmax = (uint64_t)dmax;
	st->runs = runs + runs2;
	st->lmin = UINT64_MAX;	/* not yet: run_stats */
	st->lmax = 0;
}

/* The shortest and longest run, minus one, for RLE: only wanted when
 * RLE could win. */
static void run_stats(const uint64_t *v, size_t n, struct i64_stats *st)
{
	uint64_t lmin = UINT64_MAX, lmax = 0, len;
	size_t i, start = 0;

	if (n == 0 || st->lmin != UINT64_MAX)
		return;
	if (st->runs == 1) {
		st->lmin = st->lmax = n - 1;
		return;
	}
	/* without branches: where runs are short they would mispredict */
	for (i = 1; i < n; i++) {
		int ne = v[i] != v[i - 1];
		uint64_t lo, hi;
		len = i - start - 1;
		lo = ne ? len : UINT64_MAX;
		hi = ne ? len : 0;
		lmin = lo < lmin ? lo : lmin;
		lmax = hi > lmax ? hi : lmax;
		start = ne ? i : start;
	}
	len = n - start - 1;
	lmin = len < lmin ? len : lmin;
	lmax = len > lmax ? len : lmax;
	st->lmin = lmin;
	st->lmax = lmax;
}

/* A dictionary of an i64 chunk, built once and used for both the size
 * estimate and the encoding. */
struct i64_dict {
	uint64_t *vals;		/* d distinct values, increasing, signed */
	uint32_t *code;		/* n codes: vals[code[i]] == v[i] */
	size_t d;
	uint64_t ddmin, ddmax;	/* of vals[k] - vals[k-1], k >= 1 */
};

static void i64_dict_release(struct i64_dict *dt)
{
	free(dt->vals);
	free(dt->code);
	memset(dt, 0, sizeof *dt);
}

/* A 64-bit mixer (MurmurHash3's finaliser): dictionary keys are often
 * doubles or timestamps whose low bits are all zero. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

struct sortkey {
	uint64_t key;
	uint32_t idx;
};

/* Sort distinct keys by an LSD radix sort on their offsets from the
 * smallest, eleven bits a pass and only as many passes as the range
 * needs: a dictionary trial sorts up to 65536 values per chunk, which a
 * comparison sort spent a good part of a load's encoding time on. tmp
 * has room for d entries. */
static void sortkey_radix(struct sortkey *sk, struct sortkey *tmp, size_t d)
{
	uint64_t lo = UINT64_MAX, hi = 0, range;
	unsigned shift;
	size_t i;

	for (i = 0; i < d; i++) {
		lo = sk[i].key < lo ? sk[i].key : lo;
		hi = sk[i].key > hi ? sk[i].key : hi;
	}
	range = hi - lo;
	for (shift = 0; shift < 64 && (range >> shift) != 0; shift += 11) {
		size_t count[2048], sum = 0;
		struct sortkey *t;
		memset(count, 0, sizeof count);
		for (i = 0; i < d; i++)
			count[((sk[i].key - lo) >> shift) & 2047]++;
		for (i = 0; i < 2048; i++) {
			size_t c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < d; i++)
			tmp[count[((sk[i].key - lo) >> shift) & 2047]++] = sk[i];
		/* the sorted run is in tmp: swap the roles */
		t = sk;
		sk = tmp;
		tmp = t;
		if (shift + 11 >= 64 || (range >> (shift + 11)) == 0) {
			if (((shift / 11) & 1) == 0)
				memcpy(tmp, sk, d * sizeof *sk);	/* back home */
			return;
		}
	}
}

/* Slots of an open-addressing table for up to max entries: a power of
 * two at least twice as large, so probes stay short. */
static size_t table_size(size_t max, unsigned *bits)
{
	size_t sz = 16;

	*bits = 4;
	while (sz < 2 * max) {
		sz *= 2;
		(*bits)++;
	}
	return sz;
}

/*
 * Build the dictionary of v if it has at most limit distinct values.
 * Returns RDB_OK, RDB_ENOMEM, or 1 when there are more (dt is then
 * empty). Cost O(n) plus a sort of the distinct values; it gives up as
 * soon as limit is passed, which keeps the encoder's trial cheap on
 * high-cardinality data.
 */
static int i64_dict_build(const uint64_t *v, size_t n, size_t limit,
    struct i64_dict *dt)
{
	uint32_t *slot = NULL, *rank = NULL;
	uint64_t *first = NULL;
	struct sortkey *sk = NULL;
	size_t max = limit < n ? limit : n, sz, i, k, d = 0;
	unsigned bits;
	int rc = RDB_ENOMEM;

	memset(dt, 0, sizeof *dt);
	if (n == 0)
		return RDB_OK;
	sz = table_size(max, &bits);
	slot = calloc(sz, sizeof *slot);
	first = malloc(max * sizeof *first);
	dt->code = malloc(n * sizeof *dt->code);
	if (slot == NULL || first == NULL || dt->code == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		k = (size_t)(mix64(v[i]) >> (64 - bits));
		while (slot[k] != 0 && first[slot[k] - 1] != v[i])
			k = (k + 1) & (sz - 1);
		if (slot[k] == 0) {
			if (d == max) {
				rc = 1;
				goto out;
			}
			first[d] = v[i];
			slot[k] = (uint32_t)++d;
		}
		/* the index of first occurrence, replaced by the rank below */
		dt->code[i] = slot[k] - 1;
	}

	sk = malloc(2 * d * sizeof *sk);
	rank = malloc(d * sizeof *rank);
	dt->vals = malloc(d * sizeof *dt->vals);
	if (sk == NULL || rank == NULL || dt->vals == NULL)
		goto out;
	for (k = 0; k < d; k++) {
		sk[k].key = first[k] ^ SIGN;
		sk[k].idx = (uint32_t)k;
	}
	sortkey_radix(sk, sk + d, d);
	for (k = 0; k < d; k++) {
		rank[sk[k].idx] = (uint32_t)k;
		dt->vals[k] = sk[k].key ^ SIGN;
	}
	for (i = 0; i < n; i++)
		dt->code[i] = rank[dt->code[i]];
	dt->d = d;
	dt->ddmin = SIGN - 1;
	dt->ddmax = SIGN;
	for (k = 1; k < d; k++) {
		uint64_t dd = dt->vals[k] - dt->vals[k - 1];
		if (slt(dd, dt->ddmin))
			dt->ddmin = dd;
		if (slt(dt->ddmax, dd))
			dt->ddmax = dd;
	}
	rc = RDB_OK;
out:
	if (rc != RDB_OK)
		i64_dict_release(dt);
	free(slot);
	free(first);
	free(sk);
	free(rank);
	return rc;
}

static size_t dict_size(const struct i64_dict *dt, size_t n)
{
	size_t sz = 1 + varlen(dt->d) + varlen(zz(dt->vals[0]));

	if (dt->d >= 2)
		sz += blk_size(dt->d - 1, dt->ddmin, dt->ddmax);
	return sz + blk_size(n, 0, dt->d - 1);
}

/* [F-ENC-030] */
static int enc_plain(const uint64_t *v, size_t n, struct rdb_buf *out)
{
	if (rdb_buf_reserve(out, 8 * n) != RDB_OK)
		return RDB_ENOMEM;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(out->p + out->len, v, 8 * n);
#else
	for (size_t i = 0; i < n; i++)
		rdb_store64(out->p + out->len + 8 * i, v[i]);
#endif
	out->len += 8 * n;
	return RDB_OK;
}

/* [F-ENC-050] [F-ENC-024] */
static int enc_for(const uint64_t *v, size_t n, const struct i64_stats *st,
    struct rdb_buf *out)
{
	struct bitw b;
	size_t i;

	if (blk_open(out, n, width(st->max - st->min), st->min, &b) != RDB_OK)
		return RDB_ENOMEM;
	for (i = 0; i < n; i++)
		bitw_put(&b, v[i] - st->min);
	bitw_flush(&b);
	return RDB_OK;
}

/* [F-ENC-055] */
static int enc_delta(const uint64_t *v, size_t n, const struct i64_stats *st,
    struct rdb_buf *out)
{
	struct bitw b;
	size_t i;

	if (rdb_buf_putvar(out, zz(v[0])) != RDB_OK)
		return RDB_ENOMEM;
	if (n == 1)
		return RDB_OK;
	if (blk_open(out, n - 1, width(st->dmax - st->dmin), st->dmin, &b) !=
	    RDB_OK)
		return RDB_ENOMEM;
	for (i = 1; i < n; i++)
		bitw_put(&b, v[i] - v[i - 1] - st->dmin);
	bitw_flush(&b);
	return RDB_OK;
}

/* [F-ENC-040] [F-ENC-043]: maximal runs, so the run values have the
 * same minimum and maximum as the values. */
static int enc_rle(const uint64_t *v, size_t n, const struct i64_stats *st,
    struct rdb_buf *out)
{
	struct bitw b;
	size_t i, start;

	if (rdb_buf_putvar(out, st->runs) != RDB_OK ||
	    blk_open(out, st->runs, width(st->max - st->min), st->min, &b) !=
	    RDB_OK)
		return RDB_ENOMEM;
	for (i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			bitw_put(&b, v[i] - st->min);
	bitw_flush(&b);
	if (blk_open(out, st->runs, width(st->lmax - st->lmin), st->lmin, &b) !=
	    RDB_OK)
		return RDB_ENOMEM;
	for (start = 0, i = 1; i <= n; i++) {
		if (i == n || v[i] != v[i - 1]) {
			bitw_put(&b, i - start - 1 - st->lmin);
			start = i;
		}
	}
	bitw_flush(&b);
	return RDB_OK;
}

/* [F-ENC-060] [F-ENC-064] */
static int enc_dict(const struct i64_dict *dt, size_t n, struct rdb_buf *out)
{
	struct bitw b;
	size_t i, k;

	if (rdb_buf_putvar(out, dt->d) != RDB_OK ||
	    rdb_buf_putvar(out, zz(dt->vals[0])) != RDB_OK)
		return RDB_ENOMEM;
	if (dt->d >= 2) {
		if (blk_open(out, dt->d - 1, width(dt->ddmax - dt->ddmin),
		    dt->ddmin, &b) != RDB_OK)
			return RDB_ENOMEM;
		for (k = 1; k < dt->d; k++)
			bitw_put(&b, dt->vals[k] - dt->vals[k - 1] - dt->ddmin);
		bitw_flush(&b);
	}
	if (blk_open(out, n, width(dt->d - 1), 0, &b) != RDB_OK)
		return RDB_ENOMEM;
	for (i = 0; i < n; i++)
		bitw_put(&b, dt->code[i]);
	bitw_flush(&b);
	return RDB_OK;
}

static int i64_write(enum rdb_enc e, const uint64_t *v, size_t n,
    struct i64_stats *st, const struct i64_dict *dt,
    struct rdb_buf *out)
{
	size_t len0 = out->len;
	int rc;

	if (rdb_buf_put8(out, (uint8_t)e) != RDB_OK)
		return RDB_ENOMEM;
	if (n == 0)
		return RDB_OK;	/* [F-ENC-004] */
	switch (e) {
	case RDB_ENC_PLAIN:
		rc = enc_plain(v, n, out);
		break;
	case RDB_ENC_FOR:
		rc = enc_for(v, n, st, out);
		break;
	case RDB_ENC_DELTA:
		rc = enc_delta(v, n, st, out);
		break;
	case RDB_ENC_RLE:
		run_stats(v, n, st);
		rc = enc_rle(v, n, st, out);
		break;
	case RDB_ENC_DICT:
		rc = enc_dict(dt, n, out);
		break;
	default:
		rc = RDB_EINVAL;
		break;
	}
	if (rc != RDB_OK)
		out->len = len0;
	return rc;
}

int rdb_enc_i64_encode_as(enum rdb_enc e, const int64_t *v, size_t n,
    struct rdb_buf *out)
{
	/* int64_t and uint64_t may alias each other (C11 6.5p7) */
	const uint64_t *u = (const uint64_t *)v;
	struct i64_stats st;
	struct i64_dict dt;
	int rc;

	if ((unsigned)e >= RDB_ENC_COUNT)
		return RDB_EINVAL;
	i64_stats(u, n, &st);
	memset(&dt, 0, sizeof dt);
	if (e == RDB_ENC_DICT && n > 0) {
		rc = i64_dict_build(u, n, RDB_ENC_DICT_MAX, &dt);
		if (rc != RDB_OK)
			return rc == 1 ? RDB_EINVAL : rc;
	}
	rc = i64_write(e, u, n, &st, &dt, out);
	i64_dict_release(&dt);
	return rc;
}

/*
 * [F-ENC-080] [F-ENC-081]: exact sizes from one pass, the dictionary
 * tried only when its codes alone could be smaller than the best so far.
 */
int rdb_enc_i64_encode(const int64_t *v, size_t n, struct rdb_buf *out,
    enum rdb_enc *used)
{
	const uint64_t *u = (const uint64_t *)v;
	struct i64_stats st;
	struct i64_dict dt;
	enum rdb_enc best = RDB_ENC_PLAIN;
	size_t bsz, sz;
	unsigned k;
	int rc;

	memset(&dt, 0, sizeof dt);
	i64_stats(u, n, &st);
	if (n > 0 && st.runs == 1) {
		best = RDB_ENC_RLE;
		goto write;
	}
	bsz = 1 + 8 * n;
	if (n == 0)
		goto write;
	sz = 1 + blk_size(n, st.min, st.max);
	if (sz < bsz) {
		best = RDB_ENC_FOR;
		bsz = sz;
	}
	sz = 1 + varlen(zz(u[0])) + (n >= 2 ? blk_size(n - 1, st.dmin,
	    st.dmax) : 0);
	if (sz < bsz) {
		best = RDB_ENC_DELTA;
		bsz = sz;
	}
	/* The run lengths' block takes two bytes at least, and a bit a run
	 * when the runs cannot all be as long (n is no multiple of their
	 * number): only when RLE could still win are they looked at, which
	 * most streams, with runs nearly as many as values, never need. */
	sz = 1 + varlen(st.runs) + blk_size(st.runs, st.min, st.max);
	if (sz + 2 + (n % st.runs != 0 ? rdb_bitpack_bytes(st.runs, 1) : 0) <
	    bsz) {
		run_stats(u, n, &st);
		sz += blk_size(st.runs, st.lmin, st.lmax);
		if (sz < bsz) {
			best = RDB_ENC_RLE;
			bsz = sz;
		}
	}
	/* d <= 2^k distinct values need codes of at most k bits; a DICT
	 * stream is at least 5 bytes besides them. */
	for (k = 0; k < 16; k++)
		if (5 + rdb_bitpack_bytes(n, k + 1) >= bsz)
			break;
	if (k >= 1) {
		rc = i64_dict_build(u, n, (size_t)1 << k, &dt);
		if (rc == RDB_ENOMEM)
			return rc;
		if (rc == RDB_OK && dict_size(&dt, n) < bsz)
			best = RDB_ENC_DICT;
	}
write:
	rc = i64_write(best, u, n, &st, &dt, out);
	i64_dict_release(&dt);
	if (rc == RDB_OK && used != NULL)
		*used = best;
	return rc;
}

/*
 * Decoding side.
 */

/* A stream being decoded: p[0..len) is the stream (or a nested one),
 * base its offset in the outermost stream, for messages [F-ENC-005]. */
struct dec {
	const uint8_t *p;
	size_t len;
	size_t pos;
	size_t base;
	struct rdb_err *e;
};

static int bad(struct dec *d, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct dec *d, size_t off, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return rdb_err_set(d->e, RDB_ECORRUPT,
	    "damaged value stream at offset %zu: %s", d->base + off, what);
}

static int nomem(struct dec *d)
{
	return rdb_err_set(d->e, RDB_ENOMEM, "out of memory decoding values");
}

/* [F-ENC-010] */
static int get_var(struct dec *d, uint64_t *v, const char *what)
{
	size_t start = d->pos;
	uint64_t x = 0;
	unsigned shift = 0;
	uint8_t c;

	for (;;) {
		if (d->pos >= d->len)
			return bad(d, start, "%s: truncated var", what);
		c = d->p[d->pos++];
		if (shift == 63 && c > 1)
			return bad(d, start, "%s: var overflows 64 bits", what);
		x |= (uint64_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			break;
		shift += 7;
	}
	if (c == 0 && d->pos - start > 1)
		return bad(d, start, "%s: var not in its shortest form", what);
	*v = x;
	return RDB_OK;
}


/* [F-ENC-022] [F-ENC-023] [F-ENC-021] */
static int get_blk(struct dec *d, size_t count, struct rdb_enc_blk *b,
    const char *what)
{
	uint64_t z;
	unsigned rem;
	int rc;

	b->off = d->pos;
	if (d->pos >= d->len)
		return bad(d, d->pos, "%s: missing bit width", what);
	b->w = d->p[d->pos++];
	if (b->w > 64)
		return bad(d, b->off, "%s: bit width %u exceeds 64", what, b->w);
	if ((rc = get_var(d, &z, what)) != RDB_OK)
		return rc;
	b->ref = unzz(z);
	b->nb = rdb_bitpack_bytes(count, b->w);
	if (d->len - d->pos < b->nb)
		return bad(d, d->pos,
		    "%s: %zu values of %u bits need %zu bytes, %zu left",
		    what, count, b->w, b->nb, d->len - d->pos);
	b->p = d->p + d->pos;
	d->pos += b->nb;
	rem = (unsigned)(count % 8 * b->w % 8);
	if (rem != 0 && (b->p[b->nb - 1] >> rem) != 0)
		return bad(d, d->pos - 1, "%s: padding bits are not zero",
		    what);
	return RDB_OK;
}

/* Unpack values s .. s + k - 1 of a block (s a multiple of 8). */
static void blk_unpack(const struct rdb_enc_blk *b, size_t s, size_t k, uint64_t *out)
{
	size_t skip = s / 8 * b->w;

	rdb_bitpack_unpack(b->p + skip, b->nb - skip, b->w, b->ref, k, out);
}

/* Values unpacked at a time where a second pass follows (a multiple of
 * 8): 8 KiB stays in L1 between the passes. */
#define SLICE 1024

/* [F-ENC-003] */
static int at_end(struct dec *d)
{
	if (d->pos != d->len)
		return bad(d, d->pos, "%zu bytes after the end of the encoded "
		    "values", d->len - d->pos);
	return RDB_OK;
}

/* [F-ENC-030] */
static int dec_plain(struct dec *d, size_t n, uint64_t *out)
{
	if (d->len - d->pos < 8 * n)
		return bad(d, d->pos, "%zu plain values need %zu bytes, %zu left",
		    n, 8 * n, d->len - d->pos);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(out, d->p + d->pos, 8 * n);
#else
	for (size_t i = 0; i < n; i++)
		out[i] = rdb_load64(d->p + d->pos + 8 * i);
#endif
	d->pos += 8 * n;
	return at_end(d);
}

/* [F-ENC-050] */
static int dec_for(struct dec *d, size_t n, uint64_t *out)
{
	struct rdb_enc_blk b;
	int rc;

	if ((rc = get_blk(d, n, &b, "values")) != RDB_OK ||
	    (rc = at_end(d)) != RDB_OK)
		return rc;
	blk_unpack(&b, 0, n, out);
	return RDB_OK;
}

/* [F-ENC-055] */
static int dec_delta(struct dec *d, size_t n, uint64_t *out)
{
	struct rdb_enc_blk b;
	uint64_t z, acc;
	size_t i, s, k;
	int rc;

	if ((rc = get_var(d, &z, "first value")) != RDB_OK)
		return rc;
	out[0] = unzz(z);
	if (n == 1)
		return at_end(d);
	if ((rc = get_blk(d, n - 1, &b, "deltas")) != RDB_OK ||
	    (rc = at_end(d)) != RDB_OK)
		return rc;
	/* a slice at a time, summed while it is still in L1 */
	acc = out[0];
	for (s = 0; s < n - 1; s += SLICE) {
		k = n - 1 - s < SLICE ? n - 1 - s : SLICE;
		blk_unpack(&b, s, k, out + 1 + s);
		for (i = 1 + s; i < 1 + s + k; i++) {
			acc += out[i];
			out[i] = acc;
		}
	}
	return RDB_OK;
}

/* [F-ENC-040] [F-ENC-041] [F-ENC-042] */
static int dec_rle(struct dec *d, size_t n, uint64_t *out)
{
	enum { CHUNK = 256 };	/* runs unpacked at a time, a multiple of 8 */
	uint64_t vals[CHUNK], lens[CHUNK], r;
	struct rdb_enc_blk bv, bl;
	size_t s, j, k, pos = 0, off = d->pos, i, len;
	int rc;

	if ((rc = get_var(d, &r, "run count")) != RDB_OK)
		return rc;
	if (r == 0 || r > n)
		return bad(d, off, "run count %llu is not from 1 to %zu",
		    (unsigned long long)r, n);
	if ((rc = get_blk(d, r, &bv, "run values")) != RDB_OK ||
	    (rc = get_blk(d, r, &bl, "run lengths")) != RDB_OK ||
	    (rc = at_end(d)) != RDB_OK)
		return rc;
	for (s = 0; s < r; s += CHUNK) {
		k = r - s < CHUNK ? r - s : CHUNK;
		blk_unpack(&bv, s, k, vals);
		blk_unpack(&bl, s, k, lens);
		for (j = 0; j < k; j++) {
			/* lens[j] is the length minus one */
			if (lens[j] >= n - pos)
				return bad(d, bl.off, "run lengths: run %zu "
				    "goes past the %zu values", s + j, n);
			len = (size_t)lens[j] + 1;
			if (len <= 8 && n - pos >= 8) {
				/* short runs: eight stores without a branch on
				 * the length; the next run overwrites the extra */
				uint64_t v = vals[j];
				out[pos] = v;
				out[pos + 1] = v;
				out[pos + 2] = v;
				out[pos + 3] = v;
				out[pos + 4] = v;
				out[pos + 5] = v;
				out[pos + 6] = v;
				out[pos + 7] = v;
			} else {
				for (i = 0; i < len; i++)
					out[pos + i] = vals[j];
			}
			pos += len;
		}
	}
	if (pos != n)
		return bad(d, bl.off, "run lengths: runs add up to %zu values, "
		    "not %zu", pos, n);
	return RDB_OK;
}

/* [F-ENC-060] [F-ENC-061] [F-ENC-062] [F-ENC-063] */
static int dec_dict(struct dec *d, size_t n, uint64_t *out)
{
	struct rdb_enc_blk bd, bc;
	uint64_t nd, z, *dict = NULL;
	size_t off = d->pos, i, max, s, k;
	int rc;

	if ((rc = get_var(d, &nd, "dictionary size")) != RDB_OK)
		return rc;
	max = n < RDB_ENC_DICT_MAX ? n : RDB_ENC_DICT_MAX;
	if (nd == 0 || nd > max)
		return bad(d, off, "dictionary size %llu is not from 1 to %zu",
		    (unsigned long long)nd, max);
	if ((rc = get_var(d, &z, "first dictionary entry")) != RDB_OK)
		return rc;
	if (nd >= 2 && (rc = get_blk(d, nd - 1, &bd, "dictionary")) != RDB_OK)
		return rc;
	if ((rc = get_blk(d, n, &bc, "codes")) != RDB_OK ||
	    (rc = at_end(d)) != RDB_OK)
		return rc;
	if ((dict = malloc(nd * sizeof *dict)) == NULL)
		return nomem(d);
	dict[0] = unzz(z);
	if (nd >= 2) {
		blk_unpack(&bd, 0, nd - 1, dict + 1);
		for (i = 1; i < nd; i++) {
			dict[i] += dict[i - 1];
			if (!slt(dict[i - 1], dict[i])) {
				rc = bad(d, bd.off, "dictionary: entry %zu is "
				    "not greater than the one before", i);
				goto out;
			}
		}
	}
	for (s = 0; s < n; s += SLICE) {
		k = n - s < SLICE ? n - s : SLICE;
		blk_unpack(&bc, s, k, out + s);
		for (i = s; i < s + k; i++) {
			if (out[i] >= nd) {
				rc = bad(d, bc.off, "codes: code %llu of value "
				    "%zu is outside the dictionary of %llu",
				    (unsigned long long)out[i], i,
				    (unsigned long long)nd);
				goto out;
			}
			out[i] = dict[out[i]];
		}
	}
	rc = RDB_OK;
out:
	free(dict);
	return rc;
}

/* Decode the whole of d as an i64 stream of n values [F-ENC-001]. */
static int dec_i64(struct dec *d, size_t n, uint64_t *out)
{
	uint8_t tag = 0;

	if (d->len == 0)
		return bad(d, 0, "empty stream, no encoding byte");
	tag = d->p[0];
	d->pos = 1;
	if (tag >= RDB_ENC_COUNT)
		return bad(d, 0, "unknown encoding %u", tag);	/* [F-ENC-002] */
	if (n == 0)
		return at_end(d);	/* [F-ENC-004] */
	switch (tag) {
	case RDB_ENC_PLAIN:
		return dec_plain(d, n, out);
	case RDB_ENC_FOR:
		return dec_for(d, n, out);
	case RDB_ENC_DELTA:
		return dec_delta(d, n, out);
	case RDB_ENC_RLE:
		return dec_rle(d, n, out);
	default:
		return dec_dict(d, n, out);
	}
}

int rdb_enc_i64_decode(const uint8_t *p, size_t len, size_t n, int64_t *out,
    struct rdb_err *e)
{
	struct dec d = { p, len, 0, 0, e };

	if (n > N_MAX)
		return rdb_err_set(e, RDB_EINVAL, "%zu values are too many", n);
	return dec_i64(&d, n, (uint64_t *)out);
}

int rdb_enc_i64_const(const uint8_t *p, size_t len, size_t n, int64_t *v,
    struct rdb_err *e)
{
	struct dec d = { p, len, 1, 0, e };
	struct rdb_enc_blk bv, bl;
	uint64_t r, val, run;
	int rc;

	if (len == 0 || n == 0 || n > N_MAX)
		return 0;
	if (p[0] == RDB_ENC_FOR) {
		/* a bit width of 0: every value is the reference */
		if (len < 2 || p[1] != 0)
			return 0;
		if ((rc = get_blk(&d, n, &bv, "values")) != RDB_OK ||
		    (rc = at_end(&d)) != RDB_OK)
			return rc;
		*v = (int64_t)bv.ref;
		return 1;
	}
	if (p[0] != RDB_ENC_RLE)
		return 0;
	/* one run: the checks of dec_rle */
	if ((rc = get_var(&d, &r, "run count")) != RDB_OK)
		return rc;
	if (r != 1)
		return 0;
	if ((rc = get_blk(&d, 1, &bv, "run values")) != RDB_OK ||
	    (rc = get_blk(&d, 1, &bl, "run lengths")) != RDB_OK ||
	    (rc = at_end(&d)) != RDB_OK)
		return rc;
	blk_unpack(&bv, 0, 1, &val);
	blk_unpack(&bl, 0, 1, &run);
	if (run != n - 1)
		return bad(&d, bl.off, "run lengths: runs add up to %llu values, "
		    "not %zu", (unsigned long long)run + 1, n);
	*v = (int64_t)val;
	return 1;
}

/*
 * Cursors: the decoders above, a slice at a time.
 */

/* The stream as a struct dec, for bad(). */
static struct dec cur_dec(const struct rdb_i64_cur *c)
{
	struct dec d = { c->p, c->len, 0, c->base, c->e };

	return d;
}

static int cur_bad_code(struct rdb_i64_cur *c, uint64_t code, size_t i)
{
	struct dec d = cur_dec(c);

	return bad(&d, c->b.off, "codes: code %llu of value %zu is outside "
	    "the dictionary of %llu", (unsigned long long)code, i,
	    (unsigned long long)c->nd);
}

static int i64_open_at(struct rdb_i64_cur *c, const uint8_t *p, size_t len,
    size_t n, size_t base, struct rdb_err *e)
{
	struct dec d = { p, len, 0, base, e };
	uint64_t z, r;
	size_t off, i, max;
	int rc;

	memset(c, 0, sizeof *c);
	c->base = base;
	c->p = p;
	c->len = len;
	c->n = n;
	c->e = e;
	if (n > N_MAX)
		return rdb_err_set(e, RDB_EINVAL, "%zu values are too many", n);
	if (len == 0)
		return bad(&d, 0, "empty stream, no encoding byte");
	c->enc = p[0];
	d.pos = 1;
	if (c->enc >= RDB_ENC_COUNT)
		return bad(&d, 0, "unknown encoding %u", p[0]); /* [F-ENC-002] */
	if (n == 0)
		return at_end(&d);	/* [F-ENC-004] */
	switch (c->enc) {
	case RDB_ENC_PLAIN:
		if (d.len - d.pos < 8 * n)
			return bad(&d, d.pos, "%zu plain values need %zu bytes, "
			    "%zu left", n, 8 * n, d.len - d.pos);
		c->a.p = p + d.pos;
		d.pos += 8 * n;
		return at_end(&d);
	case RDB_ENC_FOR:
		if ((rc = get_blk(&d, n, &c->a, "values")) != RDB_OK)
			return rc;
		if (c->a.w == 0) {
			c->is_const = 1;
			c->cval = (int64_t)c->a.ref;
		}
		return at_end(&d);
	case RDB_ENC_DELTA:
		if ((rc = get_var(&d, &z, "first value")) != RDB_OK)
			return rc;
		c->acc = unzz(z);
		if (n >= 2 && (rc = get_blk(&d, n - 1, &c->a, "deltas")) != RDB_OK)
			return rc;
		return at_end(&d);
	case RDB_ENC_RLE:
		off = d.pos;
		if ((rc = get_var(&d, &r, "run count")) != RDB_OK)
			return rc;
		if (r == 0 || r > n)
			return bad(&d, off, "run count %llu is not from 1 to %zu",
			    (unsigned long long)r, n);
		c->nruns = r;
		if ((rc = get_blk(&d, r, &c->a, "run values")) != RDB_OK ||
		    (rc = get_blk(&d, r, &c->b, "run lengths")) != RDB_OK ||
		    (rc = at_end(&d)) != RDB_OK)
			return rc;
		if (r == 1) {
			uint64_t v, l;
			blk_unpack(&c->a, 0, 1, &v);
			blk_unpack(&c->b, 0, 1, &l);
			if (l >= n)
				return bad(&d, c->b.off, "run lengths: run 0 "
				    "goes past the %zu values", n);
			if (l != n - 1)
				return bad(&d, c->b.off, "run lengths: runs add "
				    "up to %llu values, not %zu",
				    (unsigned long long)l + 1, n);
			c->is_const = 1;
			c->cval = (int64_t)v;
		}
		return RDB_OK;
	default:
		off = d.pos;
		if ((rc = get_var(&d, &c->nd, "dictionary size")) != RDB_OK)
			return rc;
		max = n < RDB_ENC_DICT_MAX ? n : RDB_ENC_DICT_MAX;
		if (c->nd == 0 || c->nd > max)
			return bad(&d, off, "dictionary size %llu is not from 1 "
			    "to %zu", (unsigned long long)c->nd, max);
		if ((rc = get_var(&d, &z, "first dictionary entry")) != RDB_OK)
			return rc;
		{
			struct rdb_enc_blk bd;
			if (c->nd >= 2 && (rc = get_blk(&d, c->nd - 1, &bd,
			    "dictionary")) != RDB_OK)
				return rc;
			if ((rc = get_blk(&d, n, &c->b, "codes")) != RDB_OK ||
			    (rc = at_end(&d)) != RDB_OK)
				return rc;
			if ((c->dict = malloc(c->nd * sizeof *c->dict)) == NULL)
				return nomem(&d);
			c->dict[0] = unzz(z);
			if (c->nd >= 2) {
				blk_unpack(&bd, 0, c->nd - 1, c->dict + 1);
				for (i = 1; i < c->nd; i++) {
					c->dict[i] += c->dict[i - 1];
					if (!slt(c->dict[i - 1], c->dict[i]))
						return bad(&d, bd.off, "dictionary: "
						    "entry %zu is not greater than "
						    "the one before", i);
				}
			}
		}
		return RDB_OK;
	}
}

int rdb_enc_i64_open(struct rdb_i64_cur *c, const uint8_t *p, size_t len,
    size_t n, struct rdb_err *e)
{
	return i64_open_at(c, p, len, n, 0, e);
}

/* DELTA: values pos .. pos + k - 1 into out (NULL: only sum them). */
static void cur_delta(struct rdb_i64_cur *c, size_t k, uint64_t *out)
{
	uint64_t tmp[SLICE + 8], acc = c->acc;
	size_t o = 0, j, jend, a0, cnt, i;

	if (c->pos == 0) {
		if (out != NULL)
			out[0] = acc;
		o = 1;
	}
	j = c->pos + o - 1;		/* delta j leads to value j + 1 */
	jend = c->pos + k - 1;
	while (j < jend) {
		a0 = j & ~(size_t)7;
		cnt = jend - j < SLICE ? jend - j : SLICE;
		blk_unpack(&c->a, a0, j - a0 + cnt, tmp);
		if (out != NULL)
			for (i = 0; i < cnt; i++) {
				acc += tmp[j - a0 + i];
				out[o++] = acc;
			}
		else
			for (i = 0; i < cnt; i++)
				acc += tmp[j - a0 + i];
		j += cnt;
	}
	c->acc = acc;
}

/* RLE: values pos .. pos + k - 1 into out (NULL: pass over them). */
static int cur_rle(struct rdb_i64_cur *c, size_t k, uint64_t *out)
{
	struct dec d = cur_dec(c);
	size_t pos = c->pos, end = c->pos + k, t, i;

	while (pos < end) {
		if (c->rleft == 0) {
			uint64_t len;
			if (c->ri + 1 < c->rn) {
				c->ri++;
			} else {
				c->rbase += c->rn;
				if (c->rbase >= c->nruns)
					return bad(&d, c->b.off, "run lengths: "
					    "runs add up to %zu values, not %zu",
					    pos, c->n);
				c->rn = c->nruns - c->rbase < RDB_ENC_RUNS ?
				    (size_t)(c->nruns - c->rbase) : RDB_ENC_RUNS;
				blk_unpack(&c->a, c->rbase, c->rn, c->rv);
				blk_unpack(&c->b, c->rbase, c->rn, c->rl);
				c->ri = 0;
			}
			len = c->rl[c->ri];	/* the length minus one */
			if (len >= c->n - pos)
				return bad(&d, c->b.off, "run lengths: run %zu "
				    "goes past the %zu values", c->rbase + c->ri,
				    c->n);
			c->rleft = len + 1;
		}
		t = end - pos < c->rleft ? end - pos : (size_t)c->rleft;
		if (out != NULL) {
			uint64_t v = c->rv[c->ri], *o = out + (pos - c->pos);
			if (t <= 8 && end - pos >= 8) {
				/* a short run: eight stores without a branch on
				 * its length, the next run overwriting the extra */
				o[0] = v; o[1] = v; o[2] = v; o[3] = v;
				o[4] = v; o[5] = v; o[6] = v; o[7] = v;
			} else {
				for (i = 0; i < t; i++)
					o[i] = v;
			}
		}
		pos += t;
		c->rleft -= t;
	}
	/* the last value given: no run may follow */
	if (end == c->n && c->rbase + c->ri + 1 < c->nruns)
		return bad(&d, c->b.off, "run lengths: run %zu goes past the "
		    "%zu values", (size_t)(c->rbase + c->ri + 1), c->n);
	return RDB_OK;
}

int rdb_enc_i64_next(struct rdb_i64_cur *c, size_t k, int64_t *out)
{
	uint64_t *o = (uint64_t *)out;
	size_t i;
	int rc = RDB_OK;

	if (k == 0)
		return RDB_OK;
	if (c->is_const) {	/* checked whole at open */
		for (i = 0; i < k; i++)
			o[i] = (uint64_t)c->cval;
		c->pos += k;
		return RDB_OK;
	}
	switch (c->enc) {
	case RDB_ENC_PLAIN:
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(o, c->a.p + 8 * c->pos, 8 * k);
#else
		for (i = 0; i < k; i++)
			o[i] = rdb_load64(c->a.p + 8 * (c->pos + i));
#endif
		break;
	case RDB_ENC_FOR:
		blk_unpack(&c->a, c->pos, k, o);
		break;
	case RDB_ENC_DELTA:
		cur_delta(c, k, o);
		break;
	case RDB_ENC_RLE:
		rc = cur_rle(c, k, o);
		break;
	default:
		blk_unpack(&c->b, c->pos, k, o);
		for (i = 0; i < k; i++) {
			if (o[i] >= c->nd)
				return cur_bad_code(c, o[i], c->pos + i);
			o[i] = c->dict[o[i]];
		}
	}
	c->pos += k;
	return rc;
}

/* The values ref + [0, 2^w) of a packed block, when they do not wrap
 * around as signed 64-bit integers. */
static int blk_bounds(const struct rdb_enc_blk *b, int64_t *lo, int64_t *hi)
{
	int64_t r = (int64_t)b->ref, span;

	if (b->w >= 63)
		return 0;
	span = (int64_t)(((uint64_t)1 << b->w) - 1);
	if (r > INT64_MAX - span)
		return 0;
	*lo = r;
	*hi = r + span;
	return 1;
}

int rdb_enc_i64_bounds(const struct rdb_i64_cur *c, int64_t *lo, int64_t *hi)
{
	if (c->n == 0)
		return 0;
	if (c->is_const) {
		*lo = *hi = c->cval;
		return 1;
	}
	switch (c->enc) {
	case RDB_ENC_FOR:
	case RDB_ENC_RLE:
		return blk_bounds(&c->a, lo, hi);
	case RDB_ENC_DICT:
		/* entries strictly increasing (checked at open) */
		*lo = (int64_t)c->dict[0];
		*hi = (int64_t)c->dict[c->nd - 1];
		return 1;
	}
	return 0;
}

int rdb_enc_i64_gather(struct rdb_i64_cur *c, size_t k, const uint32_t *sel,
    size_t m, int64_t *out)
{
	uint64_t *o = (uint64_t *)out;
	size_t j;

	if (c->is_const) {
		for (j = 0; j < m; j++)
			o[j] = (uint64_t)c->cval;
		c->pos += k;
		return RDB_OK;
	}
	switch (c->enc) {
	case RDB_ENC_PLAIN:
		for (j = 0; j < m; j++)
			o[j] = rdb_load64(c->a.p + 8 * (c->pos + sel[j]));
		break;
	case RDB_ENC_FOR:
		rdb_bitpack_gather(c->a.p, c->a.nb, c->a.w, c->a.ref, c->pos,
		    sel, m, o);
		break;
	case RDB_ENC_DICT:
		rdb_bitpack_gather(c->b.p, c->b.nb, c->b.w, c->b.ref, c->pos,
		    sel, m, o);
		for (j = 0; j < m; j++) {
			if (o[j] >= c->nd)
				return cur_bad_code(c, o[j], c->pos + sel[j]);
			o[j] = c->dict[o[j]];
		}
		break;
	default:
		return 1;	/* read in order only */
	}
	c->pos += k;
	return RDB_OK;
}

int rdb_enc_i64_skip(struct rdb_i64_cur *c, size_t k)
{
	int rc = RDB_OK;

	if (c->is_const)
		;
	else if (c->enc == RDB_ENC_DELTA)
		cur_delta(c, k, NULL);
	else if (c->enc == RDB_ENC_RLE)
		rc = cur_rle(c, k, NULL);
	c->pos += k;
	return rc;
}

void rdb_enc_i64_close(struct rdb_i64_cur *c)
{
	free(c->dict);
	c->dict = NULL;
}

/*
 * Byte strings.
 */

/* What data points at when the caller has no bytes (every string empty,
 * and an empty rdb_buf's p is NULL): pointer arithmetic on NULL is
 * undefined even when nothing is read. */
static const uint8_t no_data[1];

/* Lengths from offsets; RDB_EINVAL when they decrease. */
static int str_lens(const uint32_t *offsets, size_t n, int64_t *lens)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (offsets[i + 1] < offsets[i])
			return RDB_EINVAL;
		lens[i] = (int64_t)(offsets[i + 1] - offsets[i]);
	}
	return RDB_OK;
}

/* var length, then a nested i64 stream [F-ENC-071] [F-ENC-073] */
static int put_nested(const int64_t *v, size_t n, struct rdb_buf *out,
    int prefixed)
{
	struct rdb_buf tmp;
	int rc;

	if (!prefixed)
		return rdb_enc_i64_encode(v, n, out, NULL);
	rdb_buf_init(&tmp);
	rc = rdb_enc_i64_encode(v, n, &tmp, NULL);
	if (rc == RDB_OK && (rdb_buf_putvar(out, tmp.len) != RDB_OK ||
	    rdb_buf_append(out, tmp.p, tmp.len) != RDB_OK))
		rc = RDB_ENOMEM;
	rdb_buf_release(&tmp);
	return rc;
}

/* [F-ENC-071] */
static int bytes_plain(const uint32_t *offsets, const uint8_t *data,
    size_t n, const int64_t *lens, struct rdb_buf *out)
{
	if (rdb_buf_put8(out, RDB_ENC_PLAIN) != RDB_OK)
		return RDB_ENOMEM;
	if (n == 0)
		return RDB_OK;
	if (put_nested(lens, n, out, 1) != RDB_OK ||
	    rdb_buf_append(out, data + offsets[0], offsets[n] - offsets[0]) !=
	    RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

struct strkey {
	const uint8_t *p;
	uint32_t len;
	uint32_t idx;
};

/* [F-ENC-074]: bytewise, a proper prefix first */
static int str_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen)
{
	size_t m = alen < blen ? alen : blen;
	/* empty strings may come from a NULL data pointer */
	int c = m == 0 ? 0 : memcmp(a, b, m);

	if (c != 0 || alen == blen)
		return c;
	return alen < blen ? -1 : 1;
}

static int strkey_cmp(const void *a, const void *b)
{
	const struct strkey *x = a, *y = b;

	return str_cmp(x->p, x->len, y->p, y->len);
}

/* The first len (<= 8) bytes at s as a number; end bounds what may be
 * read, past which the bytes are taken one at a time. */
static inline uint64_t load_short(const uint8_t *s, size_t len,
    const uint8_t *end)
{
	uint64_t x = 0;
	size_t i;

	if ((size_t)(end - s) >= 8) {
		memcpy(&x, s, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
		x = __builtin_bswap64(x);
#endif
		return len == 8 ? x : x & (((uint64_t)1 << (8 * len)) - 1);
	}
	for (i = 0; i < len; i++)
		x |= (uint64_t)s[i] << (8 * i);
	return x;
}

/* A string's hash for the dictionary's table (which only places
 * entries: any hash gives the same stream). Short strings, most of
 * those a dictionary pays for, are mixed inline. */
static inline uint64_t str_hash(const uint8_t *s, size_t len,
    const uint8_t *end)
{
	if (len > 8)
		return rdb_hash64(s, len);
	return mix64(load_short(s, len, end) ^ ((uint64_t)len << 59) ^
	    0x9e3779b97f4a7c15ULL);
}

static inline int str_eq(const uint8_t *a, const uint8_t *b, size_t len,
    const uint8_t *end)
{
	if (len > 8)
		return memcmp(a, b, len) == 0;
	return load_short(a, len, end) == load_short(b, len, end);
}

/*
 * [F-ENC-073]: the DICT stream of n strings into out; 1 when they have
 * more than RDB_ENC_DICT_MAX distinct values.
 */
static int bytes_dict(const uint32_t *offsets, const uint8_t *data,
    size_t n, const int64_t *lens, struct rdb_buf *out)
{
	uint32_t *slot = NULL, *first = NULL, *rank = NULL;
	int64_t *codes = NULL, *dlens = NULL;
	struct strkey *sk = NULL;
	const uint8_t *end;
	size_t max = n < RDB_ENC_DICT_MAX ? n : RDB_ENC_DICT_MAX, sz, i, k;
	size_t d = 0;
	unsigned bits;
	int rc = RDB_ENOMEM;

	if (rdb_buf_put8(out, RDB_ENC_DICT) != RDB_OK)
		return RDB_ENOMEM;
	if (n == 0)
		return RDB_OK;
	end = data + offsets[n];
	sz = table_size(max, &bits);
	slot = calloc(sz, sizeof *slot);
	first = malloc(max * sizeof *first);
	codes = malloc(n * sizeof *codes);
	if (slot == NULL || first == NULL || codes == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		const uint8_t *s = data + offsets[i];
		size_t len = (size_t)lens[i];

		k = (size_t)(str_hash(s, len, end) >> (64 - bits));
		while (slot[k] != 0) {
			uint32_t f = first[slot[k] - 1];
			if ((size_t)lens[f] == len &&
			    str_eq(data + offsets[f], s, len, end))
				break;
			k = (k + 1) & (sz - 1);
		}
		if (slot[k] == 0) {
			if (d == max) {
				rc = 1;
				goto out;
			}
			first[d] = (uint32_t)i;
			slot[k] = (uint32_t)++d;
		}
		codes[i] = slot[k] - 1;
	}

	sk = malloc(d * sizeof *sk);
	rank = malloc(d * sizeof *rank);
	dlens = malloc(d * sizeof *dlens);
	if (sk == NULL || rank == NULL || dlens == NULL)
		goto out;
	for (k = 0; k < d; k++) {
		sk[k].p = data + offsets[first[k]];
		sk[k].len = (uint32_t)lens[first[k]];
		sk[k].idx = (uint32_t)k;
	}
	qsort(sk, d, sizeof *sk, strkey_cmp);
	for (k = 0; k < d; k++) {
		rank[sk[k].idx] = (uint32_t)k;
		dlens[k] = sk[k].len;
	}
	for (i = 0; i < n; i++)
		codes[i] = rank[codes[i]];
	if (rdb_buf_putvar(out, d) != RDB_OK ||
	    put_nested(dlens, d, out, 1) != RDB_OK)
		goto out;
	for (k = 0; k < d; k++)
		if (rdb_buf_append(out, sk[k].p, sk[k].len) != RDB_OK)
			goto out;
	if (put_nested(codes, n, out, 0) != RDB_OK)
		goto out;
	rc = RDB_OK;
out:
	free(slot);
	free(first);
	free(rank);
	free(codes);
	free(dlens);
	free(sk);
	return rc;
}

int rdb_enc_bytes_encode_as(enum rdb_enc e, const uint32_t *offsets,
    const uint8_t *data, size_t n, struct rdb_buf *out)
{
	size_t len0 = out->len;
	int64_t *lens;
	int rc;

	if (e != RDB_ENC_PLAIN && e != RDB_ENC_DICT)
		return RDB_EINVAL;
	if (data == NULL)
		data = no_data;
	if ((lens = malloc((n > 0 ? n : 1) * sizeof *lens)) == NULL)
		return RDB_ENOMEM;
	if ((rc = str_lens(offsets, n, lens)) != RDB_OK)
		goto out;
	if (e == RDB_ENC_PLAIN)
		rc = bytes_plain(offsets, data, n, lens, out);
	else if ((rc = bytes_dict(offsets, data, n, lens, out)) == 1)
		rc = RDB_EINVAL;
out:
	if (rc != RDB_OK)
		out->len = len0;
	free(lens);
	return rc;
}

/* [F-ENC-080]: both built, the smaller kept, PLAIN on a tie. */
int rdb_enc_bytes_encode(const uint32_t *offsets, const uint8_t *data,
    size_t n, struct rdb_buf *out, enum rdb_enc *used)
{
	struct rdb_buf dict;
	enum rdb_enc best = RDB_ENC_PLAIN;
	size_t len0 = out->len;
	int64_t *lens;
	int rc;

	rdb_buf_init(&dict);
	if (data == NULL)
		data = no_data;
	if ((lens = malloc((n > 0 ? n : 1) * sizeof *lens)) == NULL)
		return RDB_ENOMEM;
	if ((rc = str_lens(offsets, n, lens)) != RDB_OK ||
	    (rc = bytes_plain(offsets, data, n, lens, out)) != RDB_OK)
		goto out;
	/* a dictionary needs a repeated string to pay for its codes */
	if (n >= 2) {
		rc = bytes_dict(offsets, data, n, lens, &dict);
		if (rc == RDB_ENOMEM)
			goto out;
		if (rc == RDB_OK && dict.len < out->len - len0) {
			out->len = len0;
			if ((rc = rdb_buf_append(out, dict.p, dict.len)) !=
			    RDB_OK)
				goto out;
			best = RDB_ENC_DICT;
		}
		rc = RDB_OK;
	}
out:
	if (rc != RDB_OK)
		out->len = len0;
	else if (used != NULL)
		*used = best;
	rdb_buf_release(&dict);
	free(lens);
	return rc;
}

/* Decode the nested i64 stream d->p[d->pos .. d->pos + len) of n values
 * into a new array *v, and step over it. */
static int get_nested(struct dec *d, size_t len, size_t n, uint64_t **v)
{
	struct dec sub = { d->p + d->pos, len, 0, d->base + d->pos, d->e };
	int rc;

	*v = malloc((n > 0 ? n : 1) * sizeof **v);
	if (*v == NULL)
		return nomem(d);
	if ((rc = dec_i64(&sub, n, *v)) != RDB_OK) {
		free(*v);
		*v = NULL;
		return rc;
	}
	d->pos += len;
	return RDB_OK;
}

/* The var length of a nested stream, checked to fit what is left. */
static int get_nested_len(struct dec *d, size_t *len, const char *what)
{
	size_t off = d->pos;
	uint64_t v;
	int rc;

	if ((rc = get_var(d, &v, what)) != RDB_OK)
		return rc;
	if (v > d->len - d->pos)
		return bad(d, off, "%s: stream of %llu bytes, %zu left", what,
		    (unsigned long long)v, d->len - d->pos);
	*len = (size_t)v;
	return RDB_OK;
}

/*
 * Is every string valid UTF-8, the strings being the bytes p[0..total)
 * cut at the lengths lens[0..n)? The bytes as a whole are, and no
 * string that is not empty starts inside a character: in valid UTF-8
 * the characters start exactly at the bytes that are not continuation
 * bytes (10xxxxxx), so that is the same as each string on its own, in
 * one pass over the bytes.
 */
static int strings_utf8(const uint8_t *p, size_t total, const uint64_t *lens,
    size_t n)
{
	size_t i, off = 0;

	if (!rdb_utf8_valid(p, total))
		return 0;
	for (i = 0; i < n; off += (size_t)lens[i], i++)
		if (lens[i] > 0 && (p[off] & 0xc0) == 0x80)
			return 0;
	return 1;
}

/* [F-ENC-071] [F-ENC-072] Only checks, writing nothing, when data is
 * NULL; then *utf8 (when utf8 is not NULL) says whether every string is
 * valid UTF-8. */
static int dec_bytes_plain(struct dec *d, size_t n, uint32_t *offsets,
    struct rdb_buf *data, int *utf8)
{
	uint64_t *lens = NULL, total = 0;
	size_t len = 0, i, off, left;
	int rc;

	if ((rc = get_nested_len(d, &len, "lengths")) != RDB_OK)
		return rc;
	off = d->pos;
	if ((rc = get_nested(d, len, n, &lens)) != RDB_OK)
		return rc;
	left = d->len - d->pos;
	for (i = 0; i < n; i++) {
		/* total <= left <= SIZE_MAX, so no sum overflows */
		if (lens[i] > left - total || lens[i] > UINT32_MAX - total) {
			rc = bad(d, off, "lengths: string %zu goes past the %zu "
			    "bytes of data", i, left);
			goto out;
		}
		total += lens[i];
		if (offsets != NULL)
			offsets[i + 1] = (uint32_t)total;
	}
	if (total != left) {
		rc = bad(d, d->pos + total, "%llu bytes after the last string",
		    (unsigned long long)(left - total));
		goto out;
	}
	if (data == NULL) {
		if (utf8 != NULL)
			*utf8 = strings_utf8(d->p + d->pos, left, lens, n);
	} else if (rdb_buf_append(data, d->p + d->pos, left) != RDB_OK) {
		rc = nomem(d);
		goto out;
	} else if (utf8 != NULL) {
		/* decoding: the bytes as a whole */
		*utf8 = rdb_utf8_valid(d->p + d->pos, left);
	}
	d->pos = d->len;
	rc = RDB_OK;
out:
	free(lens);
	return rc;
}

/* Could n strings of the dictionary doff[0..nd] add up to more than
 * UINT32_MAX bytes [F-ENC-075]? */
static int codes_may_overflow(const size_t *doff, uint64_t nd, size_t n)
{
	size_t longest = 0, i;

	for (i = 0; i < nd; i++)
		if (doff[i + 1] - doff[i] > longest)
			longest = doff[i + 1] - doff[i];
	return longest > 0 && n > UINT32_MAX / longest;
}

/* [F-ENC-073] [F-ENC-074] [F-ENC-075] Only checks when data is NULL, as
 * dec_bytes_plain; *utf8 then says whether every dictionary entry, used
 * or not, is valid UTF-8 on its own (so every string is). */
/*
 * [F-ENC-073] [F-ENC-074] A bytes dictionary at d: its size, its entries'
 * lengths (checked to fit the stream) and bytes (checked to be in
 * increasing order). *ndp entries, entry i at (*bytes)[(*doffp)[i] ..
 * (*doffp)[i + 1]) (doff malloc'd, nd + 1 of them); d is left at the
 * codes. On failure *doffp is NULL.
 */
static int dict_entries(struct dec *d, size_t n, uint64_t *ndp,
    size_t **doffp, const uint8_t **bytes)
{
	uint64_t *dlens = NULL, nd;
	size_t *doff = NULL, len = 0, i, off, max, left;
	int rc;

	*doffp = NULL;
	off = d->pos;
	if ((rc = get_var(d, &nd, "dictionary size")) != RDB_OK)
		return rc;
	max = n < RDB_ENC_DICT_MAX ? n : RDB_ENC_DICT_MAX;
	if (nd == 0 || nd > max)
		return bad(d, off, "dictionary size %llu is not from 1 to %zu",
		    (unsigned long long)nd, max);
	if ((rc = get_nested_len(d, &len, "dictionary lengths")) != RDB_OK)
		return rc;
	off = d->pos;
	if ((rc = get_nested(d, len, nd, &dlens)) != RDB_OK)
		return rc;
	if ((doff = malloc((nd + 1) * sizeof *doff)) == NULL) {
		rc = nomem(d);
		goto out;
	}
	left = d->len - d->pos;
	doff[0] = 0;
	for (i = 0; i < nd; i++) {
		if (dlens[i] > left - doff[i]) {
			rc = bad(d, off, "dictionary lengths: entry %zu goes "
			    "past the end of the stream", i);
			goto out;
		}
		doff[i + 1] = doff[i] + (size_t)dlens[i];
	}
	*bytes = d->p + d->pos;
	for (i = 1; i < nd; i++) {
		if (str_cmp(*bytes + doff[i - 1], doff[i] - doff[i - 1],
		    *bytes + doff[i], doff[i + 1] - doff[i]) >= 0) {
			rc = bad(d, d->pos + doff[i], "dictionary: entry %zu "
			    "is not greater than the one before", i);
			goto out;
		}
	}
	d->pos += doff[nd];
	*ndp = nd;
	*doffp = doff;
	doff = NULL;
	rc = RDB_OK;
out:
	free(dlens);
	free(doff);
	return rc;
}

/* Is every entry of dictionary doff[0..nd] at most 8 bytes long? */
static int dict_short(const size_t *doff, uint64_t nd)
{
	uint64_t i;

	for (i = 0; i < nd; i++)
		if (doff[i + 1] - doff[i] > 8)
			return 0;
	return 1;
}

static int dec_bytes_dict(struct dec *d, size_t n, uint32_t *offsets,
    struct rdb_buf *data, int *utf8)
{
	uint64_t *codes = NULL, nd = 0, total = 0, c;
	size_t *doff = NULL, i, off, base;
	const uint8_t *dbytes = NULL;
	int rc;

	if ((rc = dict_entries(d, n, &nd, &doff, &dbytes)) != RDB_OK)
		return rc;
	off = d->pos;
	if ((rc = get_nested(d, d->len - d->pos, n, &codes)) != RDB_OK)
		goto out;
	i = 0;
	if (data == NULL && !codes_may_overflow(doff, nd, n)) {
		/* only checking, and no strings can add up past UINT32_MAX:
		 * the codes' range is all there is to check */
		for (i = 0, c = 0; i < n; i++)
			c = codes[i] > c ? codes[i] : c;
		for (i = 0; c >= nd && i < n; i++)
			if (codes[i] >= nd) {
				rc = bad(d, off, "codes: code %llu of string %zu is "
				    "outside the dictionary of %llu",
				    (unsigned long long)codes[i], i,
				    (unsigned long long)nd);
				goto out;
			}
		i = n;
	}
	for (; i < n; i++) {
		c = codes[i];
		if (c >= nd) {
			rc = bad(d, off, "codes: code %llu of string %zu is "
			    "outside the dictionary of %llu",
			    (unsigned long long)c, i, (unsigned long long)nd);
			goto out;
		}
		if (doff[c + 1] - doff[c] > UINT32_MAX - total) {
			rc = bad(d, off, "codes: the strings add up to more "
			    "than %u bytes", UINT32_MAX);
			goto out;
		}
		total += doff[c + 1] - doff[c];
		if (offsets != NULL)
			offsets[i + 1] = (uint32_t)total;
	}
	if (data == NULL) {
		for (i = 0; utf8 != NULL && i < nd; i++)
			if (!rdb_utf8_valid(dbytes + doff[i], doff[i + 1] - doff[i]))
				break;
		if (utf8 != NULL)
			*utf8 = i == nd;
		rc = RDB_OK;
		goto out;
	}
	/* 8 bytes more: room for the short entries' 8-byte stores */
	if (rdb_buf_reserve(data, (size_t)total + 8) != RDB_OK) {
		rc = nomem(d);
		goto out;
	}
	if (utf8 != NULL) {
		/* every entry valid makes every string made of them valid */
		for (i = 0; i < nd; i++)
			if (!rdb_utf8_valid(dbytes + doff[i], doff[i + 1] - doff[i]))
				break;
		*utf8 = i == nd;
	}
	base = data->len;
	if (nd <= 256 && dict_short(doff, nd)) {
		/* entries of at most 8 bytes (flags, codes, modes): each
		 * string is one 8-byte store from a padded copy of the
		 * dictionary, the next string overwriting the excess */
		uint8_t pad[256 * 8];
		memset(pad, 0, sizeof(pad));
		for (i = 0; i < nd; i++)
			memcpy(pad + 8 * i, dbytes + doff[i], doff[i + 1] - doff[i]);
		for (i = 0; i < n; i++)
			memcpy(data->p + base + offsets[i], pad + 8 * codes[i], 8);
	} else {
		for (i = 0; total > 0 && i < n; i++) {
			c = codes[i];
			memcpy(data->p + base + offsets[i], dbytes + doff[c],
			    doff[c + 1] - doff[c]);
		}
	}
	data->len += (size_t)total;
	rc = RDB_OK;
out:
	free(codes);
	free(doff);
	return rc;
}

/* A bytes stream's encoding byte in *tag, checked [F-ENC-070]; with no
 * values, the whole stream checked as well [F-ENC-004]. */
static int bytes_tag(struct dec *d, size_t n, uint8_t *tag)
{
	if (d->len == 0)
		return bad(d, 0, "empty stream, no encoding byte");
	*tag = d->p[0];
	d->pos = 1;
	if (*tag != RDB_ENC_PLAIN && *tag != RDB_ENC_DICT)
		return bad(d, 0, "encoding %u is not one for strings", *tag);
	return n == 0 ? at_end(d) : RDB_OK;
}

static int bytes_decode(const uint8_t *p, size_t len, size_t n,
    uint32_t *offsets, struct rdb_buf *data, int *utf8, struct rdb_err *e)
{
	struct dec d = { p, len, 0, 0, e };
	size_t len0 = data != NULL ? data->len : 0;
	uint8_t tag = 0;
	int rc;

	if (n > N_MAX)
		return rdb_err_set(e, RDB_EINVAL, "%zu strings are too many", n);
	if (offsets != NULL)
		offsets[0] = 0;
	if (utf8 != NULL)
		*utf8 = 1;
	if ((rc = bytes_tag(&d, n, &tag)) != RDB_OK || n == 0)
		return rc;
	if (tag == RDB_ENC_PLAIN)
		rc = dec_bytes_plain(&d, n, offsets, data, utf8);
	else
		rc = dec_bytes_dict(&d, n, offsets, data, utf8);
	if (rc != RDB_OK && data != NULL)
		data->len = len0;
	return rc;
}

int rdb_enc_bytes_decode(const uint8_t *p, size_t len, size_t n,
    uint32_t *offsets, struct rdb_buf *data, struct rdb_err *e)
{
	return bytes_decode(p, len, n, offsets, data, NULL, e);
}

int rdb_enc_text_decode(const uint8_t *p, size_t len, size_t n,
    uint32_t *offsets, struct rdb_buf *data, int *utf8, struct rdb_err *e)
{
	return bytes_decode(p, len, n, offsets, data, utf8, e);
}

int rdb_enc_bytes_check(const uint8_t *p, size_t len, size_t n, int *utf8,
    struct rdb_err *e)
{
	return bytes_decode(p, len, n, NULL, NULL, utf8, e);
}

/*
 * Text cursors.
 */

void rdb_enc_text_init(struct rdb_text_cur *c)
{
	memset(c, 0, sizeof *c);
}

void rdb_enc_text_release(struct rdb_text_cur *c)
{
	rdb_enc_i64_close(&c->codes);
	free(c->off);
	free(c->strs);
	free(c->tmp);
	rdb_enc_text_init(c);
}

static int text_room(struct rdb_text_cur *c, struct dec *d, size_t n)
{
	uint32_t *o;

	if (n <= c->offcap)
		return RDB_OK;
	if ((o = realloc(c->off, n * sizeof *o)) == NULL)
		return nomem(d);
	c->off = o;
	c->offcap = n;
	return RDB_OK;
}

/* [F-ENC-073] [F-ENC-074]: the dictionary, and a cursor on the codes. */
static int text_dict_open(struct rdb_text_cur *c, struct dec *d, size_t n,
    int *utf8)
{
	size_t *doff = NULL, i;
	uint64_t nd = 0;
	int rc;

	if ((rc = dict_entries(d, n, &nd, &doff, &c->bytes)) != RDB_OK)
		return rc;
	/* the offsets as uint32_t: a chunk is smaller than 2^31 bytes */
	if ((rc = text_room(c, d, (size_t)nd + 1)) != RDB_OK)
		goto out;
	for (i = 0; i <= nd; i++)
		c->off[i] = (uint32_t)doff[i];
	if (nd > c->strcap) {
		struct rdb_str *t = realloc(c->strs, (size_t)nd * sizeof *t);
		if (t == NULL) {
			rc = nomem(d);
			goto out;
		}
		c->strs = t;
		c->strcap = (size_t)nd;
	}
	for (i = 0; i < nd; i++) {
		c->strs[i].p = (const char *)c->bytes + c->off[i];
		c->strs[i].n = c->off[i + 1] - c->off[i];
	}
	for (i = 0; utf8 != NULL && i < nd; i++)
		if (!rdb_utf8_valid(c->bytes + c->off[i], c->off[i + 1] - c->off[i]))
			break;
	if (utf8 != NULL)
		*utf8 = i == nd;
	c->nd = nd;
	c->codes_off = d->pos;
	rc = i64_open_at(&c->codes, d->p + d->pos, d->len - d->pos, n,
	    d->base + d->pos, d->e);
out:
	free(doff);
	return rc;
}

int rdb_enc_text_open(struct rdb_text_cur *c, const uint8_t *p, size_t len,
    size_t n, int *utf8, struct rdb_err *e)
{
	struct dec d = { p, len, 0, 0, e };
	uint8_t tag = 0;
	int rc;

	rdb_enc_i64_close(&c->codes);
	memset(&c->codes, 0, sizeof c->codes);
	c->n = n;
	c->pos = 0;
	c->nd = 0;
	c->e = e;
	c->bytes = p;
	if (utf8 != NULL)
		*utf8 = 1;
	if (n > N_MAX)
		return rdb_err_set(e, RDB_EINVAL, "%zu strings are too many", n);
	if ((rc = bytes_tag(&d, n, &tag)) != RDB_OK || n == 0)
		return rc;
	c->dict = tag == RDB_ENC_DICT;
	if (c->dict)
		return text_dict_open(c, &d, n, utf8);
	/* PLAIN: the offsets of every string, the bytes where they are */
	if (text_room(c, &d, n + 1) != RDB_OK)
		return nomem(&d);
	c->off[0] = 0;
	if ((rc = dec_bytes_plain(&d, n, c->off, NULL, utf8)) != RDB_OK)
		return rc;
	c->bytes = p + len - c->off[n];
	return RDB_OK;
}

/* A slice of codes into c->tmp (DICT). */
static int text_codes(struct rdb_text_cur *c, size_t k)
{
	if (k > c->tmpcap) {
		int64_t *t = realloc(c->tmp, k * sizeof *t);
		if (t == NULL)
			return rdb_err_set(c->e, RDB_ENOMEM, "out of memory "
			    "decoding values");
		c->tmp = t;
		c->tmpcap = k;
	}
	c->codes.e = c->e;
	return rdb_enc_i64_next(&c->codes, k, c->tmp);
}

/* Code i of the slice in c->tmp is outside the dictionary. */
static int bad_code(struct rdb_text_cur *c, size_t i)
{
	struct dec d = { NULL, 0, 0, 0, c->e };

	return bad(&d, c->codes_off, "codes: code %llu of string %zu is "
	    "outside the dictionary of %llu", (unsigned long long)c->tmp[i],
	    c->pos + i, (unsigned long long)c->nd);
}

int rdb_enc_text_next(struct rdb_text_cur *c, size_t k, uint32_t *pairs)
{
	size_t i;
	int rc;

	if (!c->dict) {
		const uint32_t *o = c->off + c->pos;
		for (i = 0; i < k; i++) {
			pairs[2 * i] = o[i];
			pairs[2 * i + 1] = o[i + 1];
		}
		c->pos += k;
		return RDB_OK;
	}
	if ((rc = text_codes(c, k)) != RDB_OK)
		return rc;
	for (i = 0; i < k; i++) {
		uint64_t code = (uint64_t)c->tmp[i];
		if (code >= c->nd)
			return bad_code(c, i);
		pairs[2 * i] = c->off[code];
		pairs[2 * i + 1] = c->off[code + 1];
	}
	c->pos += k;
	return RDB_OK;
}

int rdb_enc_text_codes(struct rdb_text_cur *c, size_t k)
{
	const int64_t *code;
	uint64_t nd = c->nd, far = 0;
	size_t i;
	int rc;

	if (!c->dict)
		return rdb_err_set(c->e, RDB_EMISUSE, "not a dictionary");
	if ((rc = text_codes(c, k)) != RDB_OK)
		return rc;
	code = c->tmp;
	for (i = 0; i < k; i++)
		far |= (uint64_t)code[i] >= nd;
	for (i = 0; far && i < k; i++)
		if ((uint64_t)code[i] >= nd)
			return bad_code(c, i);
	c->pos += k;
	return RDB_OK;
}

void rdb_enc_text_codes_str(const struct rdb_text_cur *c, const uint32_t *sel,
    size_t m, struct rdb_str *out)
{
	/* (locals: out's stores cannot change them) */
	const int64_t *code = c->tmp;
	const struct rdb_str *st = c->strs;
	size_t i;

	if (sel == NULL)
		for (i = 0; i < m; i++)
			out[i] = st[code[i]];
	else
		for (i = 0; i < m; i++)
			out[i] = st[code[sel[i]]];
}

int rdb_enc_text_next_str(struct rdb_text_cur *c, size_t k,
    const uint32_t *sel, size_t m, struct rdb_str *out)
{
	size_t i;
	int rc;

	if (sel == NULL)
		m = k;
	if (!c->dict) {
		const uint32_t *o = c->off + c->pos;
		const char *b = (const char *)c->bytes;
		for (i = 0; i < m; i++) {
			size_t r = sel != NULL ? sel[i] : i;
			out[i].p = b + o[r];
			out[i].n = o[r + 1] - o[r];
		}
		c->pos += k;
		return RDB_OK;
	}
	if ((rc = rdb_enc_text_codes(c, k)) != RDB_OK)
		return rc;
	rdb_enc_text_codes_str(c, sel, m, out);
	return RDB_OK;
}

int rdb_enc_text_skip(struct rdb_text_cur *c, size_t k)
{
	int rc = RDB_OK;

	if (c->dict) {
		c->codes.e = c->e;
		rc = rdb_enc_i64_skip(&c->codes, k);
	}
	c->pos += k;
	return rc;
}
