/*
 * test_enc.c - value encodings (format/encoding.md): round trips of
 * every encoding on edge-case and random data, the writer's choice, and
 * every rejection a reader owes, plus truncation and byte-flip sweeps
 * that must end in RDB_OK or RDB_ECORRUPT and nothing worse (run them
 * under `make SAN=1` for the "nothing worse").
 *
 * Streams are copied into exactly-sized heap blocks before decoding, so
 * ASan sees any read past their end.
 */
#include <stdint.h>
#include <stdlib.h>

#include "seg/enc.h"
#include "unit.h"

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, so failures reproduce */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static int64_t s64(uint64_t x)
{
	int64_t v;

	memcpy(&v, &x, sizeof v);
	return v;
}

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *q = malloc(len > 0 ? len : 1);

	if (q != NULL && len > 0)
		memcpy(q, p, len);
	return q;
}

/* Decode p[0..len) as n values from an exactly-sized copy. */
static int dec_i64(const uint8_t *p, size_t len, size_t n, int64_t **outp,
    struct rdb_err *e)
{
	uint8_t *q = dup_exact(p, len);
	int64_t *out = malloc((n > 0 ? n : 1) * sizeof *out);
	int rc;

	rc = rdb_enc_i64_decode(q, len, n, out, e);
	free(q);
	if (outp != NULL)
		*outp = out;
	else
		free(out);
	return rc;
}

/* Round trip v[0..n) in encoding e (or the chosen one for e < 0);
 * returns 1 when it came back equal, 0 when it did not; -1 when the
 * encoder refused. */
static int round_trip(int e, const int64_t *v, size_t n, enum rdb_enc *used)
{
	struct rdb_buf b;
	struct rdb_err err;
	int64_t *out = NULL;
	int ok = 0, rc;

	rdb_buf_init(&b);
	rdb_buf_put8(&b, 0xee);	/* encoders append */
	if (e < 0)
		rc = rdb_enc_i64_encode(v, n, &b, used);
	else
		rc = rdb_enc_i64_encode_as((enum rdb_enc)e, v, n, &b);
	if (rc == RDB_EINVAL) {
		rdb_buf_release(&b);
		return -1;
	}
	if (rc != RDB_OK || b.p[0] != 0xee)
		goto out;
	if (e >= 0 && b.p[1] != e)
		goto out;
	if (dec_i64(b.p + 1, b.len - 1, n, &out, &err) != RDB_OK) {
		printf("#   decode failed: %s\n", err.msg);
		goto out;
	}
	ok = n == 0 || memcmp(out, v, n * sizeof *v) == 0;
	if (!ok)
		printf("#   values differ\n");
	/*
	 * The count is not in the stream [F-ENC-001], but PLAIN's size and
	 * RLE's run lengths [F-ENC-042] pin it; bit-packed streams may
	 * decode to one value more or fewer when padding allows.
	 */
	if (b.p[1] == RDB_ENC_PLAIN || b.p[1] == RDB_ENC_RLE) {
		if (n > 0 && dec_i64(b.p + 1, b.len - 1, n - 1, NULL, &err) !=
		    RDB_ECORRUPT)
			ok = 0;
		if (dec_i64(b.p + 1, b.len - 1, n + 1, NULL, &err) !=
		    RDB_ECORRUPT)
			ok = 0;
	}
out:
	free(out);
	rdb_buf_release(&b);
	return ok;
}

/* Every encoding, forced, and the chosen one; DICT may refuse only
 * past its cap. */
static int round_trip_all(const int64_t *v, size_t n)
{
	int e, r, bad = 0;

	for (e = -1; e < RDB_ENC_COUNT; e++) {
		r = round_trip(e, v, n, NULL);
		if (r == 1 || (r == -1 && e == RDB_ENC_DICT && n > RDB_ENC_DICT_MAX))
			continue;
		printf("#   round trip failed: encoding %d, n %zu\n", e, n);
		bad++;
	}
	return bad;
}

static enum rdb_enc chosen(const int64_t *v, size_t n)
{
	enum rdb_enc used = (enum rdb_enc)-1;

	CHECK(round_trip(-1, v, n, &used) == 1);
	return used;
}

UNIT_TEST(enc_names)
{
	CHECK_STR(rdb_enc_name(RDB_ENC_PLAIN), "plain");
	CHECK_STR(rdb_enc_name(RDB_ENC_RLE), "rle");
	CHECK_STR(rdb_enc_name(RDB_ENC_FOR), "for");
	CHECK_STR(rdb_enc_name(RDB_ENC_DELTA), "delta");
	CHECK_STR(rdb_enc_name(RDB_ENC_DICT), "dict");
	CHECK_STR(rdb_enc_name((enum rdb_enc)9), "unknown");
}

UNIT_TEST(enc_i64_edge_cases)
{
	int64_t v[300];
	size_t i;
	int bad = 0;

	memset(v, 0, sizeof v);
	/* [F-ENC-004] n = 0 is the tag byte alone */
	bad += round_trip_all(v, 0);
	{
		struct rdb_buf b;
		int e;

		for (e = 0; e < RDB_ENC_COUNT; e++) {
			rdb_buf_init(&b);
			CHECK(rdb_enc_i64_encode_as((enum rdb_enc)e, v, 0, &b) ==
			    RDB_OK);
			CHECK(b.len == 1 && b.p[0] == e);
			rdb_buf_release(&b);
		}
	}
	v[0] = 0;
	bad += round_trip_all(v, 1);
	v[0] = INT64_MIN;
	bad += round_trip_all(v, 1);
	v[0] = INT64_MAX;
	bad += round_trip_all(v, 1);
	v[0] = -1;
	bad += round_trip_all(v, 1);

	for (i = 0; i < 300; i++)	/* NULL-like zeros */
		v[i] = 0;
	bad += round_trip_all(v, 300);
	for (i = 0; i < 300; i++)	/* all equal */
		v[i] = -123456789;
	bad += round_trip_all(v, 300);
	for (i = 0; i < 300; i++)	/* alternating extremes */
		v[i] = i % 2 ? INT64_MAX : INT64_MIN;
	bad += round_trip_all(v, 300);
	bad += round_trip_all(v, 2);
	bad += round_trip_all(v, 3);
	for (i = 0; i < 300; i++)	/* extremes and neighbours, mixed */
		v[i] = (int64_t[]){ INT64_MIN, INT64_MAX, 0, -1, 1,
		    INT64_MIN + 1, INT64_MAX - 1 }[rnd() % 7];
	bad += round_trip_all(v, 300);
	for (i = 0; i < 300; i++)	/* sorted, wide steps */
		v[i] = s64((1ULL << 63) + i * (UINT64_MAX / 300));
	bad += round_trip_all(v, 300);
	for (i = 0; i < 300; i++)	/* reverse sorted */
		v[i] = 1000000 - (int64_t)i * 7;
	bad += round_trip_all(v, 300);
	for (i = 0; i < 300; i++)	/* arithmetic: deltas of width 0 */
		v[i] = 5 + (int64_t)i * 3;
	bad += round_trip_all(v, 300);
	for (i = 0; i < 300; i++)	/* random 64-bit patterns */
		v[i] = s64(rnd());
	bad += round_trip_all(v, 300);
	for (i = 0; i < 300; i++)	/* doubles' bit patterns */
		v[i] = s64(0x3ff0000000000000ULL + (rnd() % 5) * (1ULL << 50));
	bad += round_trip_all(v, 300);
	CHECK(bad == 0);
}

/* Every length up to 130 around the 8- and 16-value groups of the
 * unpacker, on data of several shapes. */
UNIT_TEST(enc_i64_lengths)
{
	int64_t v[130];
	size_t n, i;
	int shape, bad = 0;

	for (shape = 0; shape < 5; shape++) {
		for (n = 0; n <= 130; n++) {
			for (i = 0; i < n; i++) {
				switch (shape) {
				case 0:
					v[i] = (int64_t)(rnd() % 1000);
					break;
				case 1:
					v[i] = (int64_t)(i * 10 + rnd() % 10);
					break;
				case 2:
					v[i] = (int64_t)(i / 7);
					break;
				case 3:
					v[i] = s64(rnd() % 3 * 0x0123456789abcdefULL);
					break;
				default:
					v[i] = s64(rnd() >> (rnd() % 64));
					break;
				}
			}
			bad += round_trip_all(v, n);
		}
	}
	CHECK(bad == 0);
}

/* [F-ENC-020] [F-ENC-024]: a FOR stream of values spanning exactly 2^w
 * - 1 has width w, for every w, whatever the reference. */
UNIT_TEST(enc_i64_every_width)
{
	static const uint64_t refs[] = { 0, 1, (uint64_t)INT64_MIN,
	    (uint64_t)-1000, 0x7fffffffffffff00ULL };
	int64_t v[77];
	struct rdb_buf b;
	unsigned w, r;
	size_t i;
	int bad = 0;

	for (r = 0; r < sizeof refs / sizeof refs[0]; r++) {
		for (w = 0; w <= 64; w++) {
			uint64_t mask = w == 64 ? UINT64_MAX :
			    ((uint64_t)1 << w) - 1;
			for (i = 0; i < 77; i++)
				v[i] = s64(refs[r] + (rnd() & mask));
			v[3] = s64(refs[r]);
			v[40] = s64(refs[r] + mask);
			bad += round_trip_all(v, 77);
			/* the width is w when no value wraps past INT64_MAX,
			 * so that refs[r] is the signed minimum */
			if ((refs[r] ^ (1ULL << 63)) > UINT64_MAX - mask)
				continue;
			rdb_buf_init(&b);
			CHECK(rdb_enc_i64_encode_as(RDB_ENC_FOR, v, 77, &b) ==
			    RDB_OK);
			CHECK(b.len > 1 && b.p[1] == w);
			CHECK(b.len == 2 + (b.len - 2 - rdb_bitpack_bytes(77, w)) +
			    rdb_bitpack_bytes(77, w));
			rdb_buf_release(&b);
		}
	}
	CHECK(bad == 0);
}

/* Reference unpacker: bit k of the stream is bit k % 8 of byte k / 8. */
static uint64_t ref_get(const uint8_t *p, size_t i, unsigned w)
{
	uint64_t x = 0;
	unsigned j;

	for (j = 0; j < w; j++) {
		size_t k = i * w + j;
		x |= (uint64_t)(p[k / 8] >> (k % 8) & 1) << j;
	}
	return x;
}

/* The specialised unpackers against the reference, for every width,
 * every count to 200 and starting groups, reading exactly-sized areas. */
UNIT_TEST(enc_bitpack_unpack)
{
	uint8_t src[64 * 25];
	uint64_t out[200];
	unsigned w;
	size_t count, s, i, nb;
	int bad = 0;

	for (i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)rnd();
	for (w = 0; w <= 64; w++) {
		for (count = 0; count <= 200; count++) {
			for (s = 0; s + count <= 200; s += 8 + 24 * (s > 0)) {
				size_t skip = s / 8 * w;
				uint8_t *q;

				nb = rdb_bitpack_bytes(count, w);
				q = dup_exact(src + skip, nb);
				rdb_bitpack_unpack(q, nb, w, 12345, count, out);
				for (i = 0; i < count; i++)
					if (out[i] != 12345 +
					    ref_get(src, s + i, w))
						bad++;
				free(q);
			}
		}
	}
	CHECK(bad == 0);
	CHECK(rdb_bitpack_bytes(0, 64) == 0);
	CHECK(rdb_bitpack_bytes(1, 1) == 1);
	CHECK(rdb_bitpack_bytes(9, 7) == 8);
	CHECK(rdb_bitpack_bytes(3, 64) == 24);
}

UNIT_TEST(enc_i64_random)
{
	enum { N = 5000 };
	int64_t *v = malloc(N * sizeof *v);
	size_t n, i;
	int round, bad = 0;

	for (round = 0; round < 40; round++) {
		uint64_t range = round % 2 ? rnd() >> (rnd() % 64) : rnd() % 300;
		uint64_t base = rnd();

		n = (size_t)(rnd() % N) + 1;
		for (i = 0; i < n; i++) {
			if (round % 5 == 0 && i > 0 && rnd() % 8 != 0)
				v[i] = v[i - 1];	/* runs */
			else if (round % 5 == 1 && i > 0)	/* sorted */
				v[i] = s64((uint64_t)v[i - 1] + rnd() % (range + 1));
			else
				v[i] = s64(base + (range ? rnd() % range : 0));
		}
		bad += round_trip_all(v, n);
	}
	CHECK(bad == 0);
	free(v);
}

/* [F-ENC-080] [F-ENC-081]: the choice for obvious shapes. */
UNIT_TEST(enc_i64_choice)
{
	enum { N = 4096 };
	int64_t *v = malloc(N * sizeof *v);
	static const int64_t wide[5] = { INT64_MIN, -7777777777777LL, 3,
	    0x5555555555555LL, INT64_MAX };
	size_t i;

	for (i = 0; i < N; i++)
		v[i] = 42;
	CHECK(chosen(v, N) == RDB_ENC_RLE);
	CHECK(chosen(v, 1) == RDB_ENC_RLE);
	CHECK(chosen(v, 0) == RDB_ENC_PLAIN);
	for (i = 0; i < N; i++)
		v[i] = 0;
	CHECK(chosen(v, N) == RDB_ENC_RLE);
	for (i = 0; i < N; i++)
		v[i] = 1000 + (int64_t)(rnd() % 200);
	CHECK(chosen(v, N) == RDB_ENC_FOR);
	for (i = 0; i < N; i++)
		v[i] = 1700000000000000LL + (int64_t)(i * 1000 + rnd() % 900);
	CHECK(chosen(v, N) == RDB_ENC_DELTA);
	for (i = 0; i < N; i++)
		v[i] = 1 + (int64_t)i;
	CHECK(chosen(v, N) == RDB_ENC_DELTA);
	for (i = 0; i < N; i++)
		v[i] = wide[rnd() % 5];
	CHECK(chosen(v, N) == RDB_ENC_DICT);
	for (i = 0; i < N; i++)
		v[i] = wide[i / 1000];
	CHECK(chosen(v, N) == RDB_ENC_RLE);
	for (i = 0; i < N; i++)
		v[i] = s64(rnd());
	CHECK(chosen(v, N) == RDB_ENC_PLAIN);
	free(v);
}

/* [F-ENC-061] the dictionary cap */
UNIT_TEST(enc_i64_dict_cap)
{
	size_t n = RDB_ENC_DICT_MAX + 10, i;
	int64_t *v = malloc(n * sizeof *v);
	struct rdb_buf b;

	for (i = 0; i < n; i++)
		v[i] = s64(rnd());
	rdb_buf_init(&b);
	CHECK(rdb_enc_i64_encode_as(RDB_ENC_DICT, v, n, &b) == RDB_EINVAL);
	CHECK(b.len == 0);
	CHECK(rdb_enc_i64_encode_as(RDB_ENC_DICT, v, RDB_ENC_DICT_MAX, &b) ==
	    RDB_OK);
	CHECK(round_trip(RDB_ENC_DICT, v, RDB_ENC_DICT_MAX, NULL) == 1);
	CHECK(rdb_enc_i64_encode_as((enum rdb_enc)5, v, 1, &b) == RDB_EINVAL);
	rdb_buf_release(&b);
	free(v);
}

/* Decode p[0..len) expecting RDB_ECORRUPT with what and "at offset off"
 * in the message. */
static int rejects(const uint8_t *p, size_t len, size_t n, const char *what,
    size_t off)
{
	struct rdb_err e;
	char at[40];

	rdb_err_clear(&e);
	if (dec_i64(p, len, n, NULL, &e) != RDB_ECORRUPT) {
		printf("#   not rejected: %s\n", what);
		return 0;
	}
	snprintf(at, sizeof at, "at offset %zu:", off);
	if (strstr(e.msg, what) == NULL || strstr(e.msg, at) == NULL) {
		printf("#   message \"%s\" lacks \"%s\" or \"%s\"\n", e.msg,
		    what, at);
		return 0;
	}
	return 1;
}

/* Every rejection of format/encoding.md, on hand-made streams. */
UNIT_TEST(enc_i64_rejects)
{
	int64_t out[4];
	struct rdb_err e;

	/* [F-ENC-002] */
	CHECK(rejects((const uint8_t *)"", 0, 1, "no encoding byte", 0));
	CHECK(rejects((const uint8_t[]){ 5 }, 1, 0, "unknown encoding 5", 0));
	CHECK(rejects((const uint8_t[]){ 0xff, 0 }, 2, 1, "unknown encoding",
	    0));
	/* [F-ENC-004] */
	CHECK(rejects((const uint8_t[]){ 2, 0, 0 }, 3, 0, "2 bytes after", 1));
	/* [F-ENC-003] [F-ENC-030] */
	CHECK(rejects((const uint8_t[]){ 0, 1, 2, 3, 4, 5, 6, 7 }, 8, 1,
	    "need 8 bytes, 7 left", 1));
	CHECK(rejects((const uint8_t[]){ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 10,
	    1, "1 bytes after", 9));
	/* [F-ENC-023] */
	CHECK(rejects((const uint8_t[]){ 2, 65, 0, 0 }, 4, 1,
	    "bit width 65 exceeds 64", 1));
	CHECK(rejects((const uint8_t[]){ 2, 8, 0, 1 }, 4, 2,
	    "need 2 bytes, 1 left", 3));
	CHECK(rejects((const uint8_t[]){ 2 }, 1, 1, "missing bit width", 1));
	/* [F-ENC-021] 3 values of 3 bits: bit 9 on is padding */
	CHECK(rejects((const uint8_t[]){ 2, 3, 0, 0xff, 0x02 }, 5, 3,
	    "padding bits", 4));
	CHECK(dec_i64((const uint8_t[]){ 2, 3, 0, 0xff, 0x01 }, 5, 3, NULL,
	    &e) == RDB_OK);
	/* [F-ENC-010] */
	CHECK(rejects((const uint8_t[]){ 2, 0, 0x80, 0x00 }, 4, 1,
	    "shortest form", 2));
	CHECK(rejects((const uint8_t[]){ 2, 0, 0x80 }, 3, 1, "truncated var",
	    2));
	CHECK(rejects((const uint8_t[]){ 3, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x02 }, 11, 1, "overflows 64 bits", 1));
	CHECK(dec_i64((const uint8_t[]){ 3, 0xfe, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x01 }, 11, 1, NULL, &e) == RDB_OK);
	/* [F-ENC-041] */
	CHECK(rejects((const uint8_t[]){ 1, 0, 0, 0, 0, 0 }, 6, 1,
	    "run count 0 is not from 1 to 1", 1));
	CHECK(rejects((const uint8_t[]){ 1, 3, 0, 0, 0, 0 }, 6, 2,
	    "run count 3", 1));
	/* [F-ENC-042]: runs of 1 and 3 for n = 3, then 1 and 1 */
	CHECK(rejects((const uint8_t[]){ 1, 2, 1, 0, 0x02, 2, 0, 0x08 }, 8,
	    3, "goes past the 3 values", 5));
	CHECK(rejects((const uint8_t[]){ 1, 2, 1, 0, 0x02, 2, 0, 0x00 }, 8,
	    3, "add up to 2 values, not 3", 5));
	CHECK(dec_i64((const uint8_t[]){ 1, 2, 1, 0, 0x02, 2, 0, 0x04 }, 8,
	    3, NULL, &e) == RDB_OK);
	/* [F-ENC-061] */
	CHECK(rejects((const uint8_t[]){ 4, 0, 0, 0, 0 }, 5, 1,
	    "dictionary size 0", 1));
	CHECK(rejects((const uint8_t[]){ 4, 3, 0, 0, 0 }, 5, 2,
	    "dictionary size 3 is not from 1 to 2", 1));
	/* [F-ENC-061] past the cap, whatever n */
	CHECK(rejects((const uint8_t[]){ 4, 0x81, 0x80, 0x04, 0, 0, 0, 0, 0 },
	    9, 70000, "dictionary size 65537 is not from 1 to 65536", 1));
	/* at the cap: 65536 entries 0, 1, 2, ... in nine bytes */
	{
		int64_t *o = NULL;

		CHECK(dec_i64((const uint8_t[]){ 4, 0x80, 0x80, 0x04, 0, 0, 2,
		    0, 0 }, 9, 70000, &o, &e) == RDB_OK);
		CHECK(o != NULL && o[0] == 0 && o[69999] == 0);
		free(o);
	}
	/* [F-ENC-062]: entries 5, 5 */
	CHECK(rejects((const uint8_t[]){ 4, 2, 10, 0, 0, 1, 0, 0x02 }, 8, 2,
	    "entry 1 is not greater", 3));
	/* [F-ENC-063]: code 2 of a dictionary of 2 */
	CHECK(rejects((const uint8_t[]){ 4, 2, 10, 0, 2, 2, 0, 0x09 }, 8, 2,
	    "code 2 of value 1 is outside", 5));
	CHECK(dec_i64((const uint8_t[]){ 4, 2, 10, 0, 2, 2, 0, 0x04 }, 8, 2,
	    NULL, &e) == RDB_OK);
	{
		int64_t *o = NULL;

		CHECK(dec_i64((const uint8_t[]){ 4, 2, 10, 0, 2, 2, 0, 0x04 },
		    8, 2, &o, &e) == RDB_OK);
		CHECK(o[0] == 5 && o[1] == 6);
		free(o);
	}
	/* [F-ENC-055]: one value, then nothing */
	CHECK(rejects((const uint8_t[]){ 3, 2, 0 }, 3, 1, "1 bytes after", 2));
	CHECK(rdb_enc_i64_decode((const uint8_t[]){ 0 }, 1, SIZE_MAX, out, &e) ==
	    RDB_EINVAL);
}

/*
 * Every truncation of a valid stream is missing bytes and every
 * extension trailing bytes; a byte flip anywhere decodes or is
 * rejected. Returns the number of misbehaviours.
 */
static int sweep_i64(const uint8_t *p, size_t len, size_t n)
{
	uint8_t *q = malloc(len + 1);
	struct rdb_err e;
	size_t cut, i;
	int bad = 0, rc, k;

	for (cut = 0; cut < len; cut++)
		if (dec_i64(p, cut, n, NULL, &e) != RDB_ECORRUPT ||
		    strstr(e.msg, "damaged value stream at offset") == NULL)
			bad++;
	memcpy(q, p, len);
	q[len] = 0;
	if (dec_i64(q, len + 1, n, NULL, &e) != RDB_ECORRUPT)
		bad++;
	for (i = 0; i < len; i++) {
		for (k = 0; k < 4; k++) {
			memcpy(q, p, len);
			q[i] ^= (uint8_t)(k == 0 ? 0xff : 1u << (rnd() % 8));
			if (k == 3)
				q[i] = (uint8_t)rnd();
			rc = dec_i64(q, len, n, NULL, &e);
			if (rc != RDB_OK && rc != RDB_ECORRUPT)
				bad++;
		}
	}
	free(q);
	return bad;
}

UNIT_TEST(enc_i64_damage_sweep)
{
	enum { N = 200 };
	int64_t v[N];
	struct rdb_buf b;
	size_t i;
	int shape, e, bad = 0;

	for (shape = 0; shape < 6; shape++) {
		for (i = 0; i < N; i++) {
			switch (shape) {
			case 0:
				v[i] = (int64_t)(rnd() % 100);
				break;
			case 1:
				v[i] = (int64_t)(i * 3 + rnd() % 3);
				break;
			case 2:
				v[i] = (int64_t)(i / 30) - 3;
				break;
			case 3:
				v[i] = s64(rnd() % 4 * 0x1111111111111111ULL);
				break;
			case 4:
				v[i] = s64(rnd());
				break;
			default:
				v[i] = i % 2 ? INT64_MIN : INT64_MAX;
				break;
			}
		}
		for (e = 0; e < RDB_ENC_COUNT; e++) {
			rdb_buf_init(&b);
			CHECK(rdb_enc_i64_encode_as((enum rdb_enc)e, v, N, &b) ==
			    RDB_OK);
			bad += sweep_i64(b.p, b.len, N);
			rdb_buf_release(&b);
			/* and the same on a single value */
			rdb_buf_init(&b);
			CHECK(rdb_enc_i64_encode_as((enum rdb_enc)e, v, 1, &b) ==
			    RDB_OK);
			bad += sweep_i64(b.p, b.len, 1);
			rdb_buf_release(&b);
		}
	}
	CHECK(bad == 0);
}

/* rdb_enc_i64_const agrees with rdb_enc_i64_decode: on every encoding
 * of constant and varying values, and on every truncation and byte
 * flip of a one-run RLE and a width-0 FOR stream (1 only when decode
 * gives n copies of that value; damage only as RDB_ECORRUPT). */
UNIT_TEST(enc_i64_const)
{
	enum { N = 300 };
	static const int64_t consts[] = { 0, -1, 7, INT64_MIN, INT64_MAX };
	int64_t v[N], c, *out;
	struct rdb_buf b;
	struct rdb_err err;
	size_t i, k, cut;
	int e, rc, drc, shape;

	for (shape = 0; shape < 6; shape++) {
		for (i = 0; i < N; i++)
			v[i] = shape < 5 ? consts[shape] : (int64_t)(i % 3);
		for (e = 0; e < RDB_ENC_COUNT; e++) {
			rdb_buf_init(&b);
			CHECK(rdb_enc_i64_encode_as((enum rdb_enc)e, v, N, &b) ==
			    RDB_OK);
			c = 12345;
			rc = rdb_enc_i64_const(b.p, b.len, N, &c, &err);
			if (shape == 5)
				CHECK(rc == 0);
			else if (e == RDB_ENC_RLE || e == RDB_ENC_FOR)
				CHECK(rc == 1 && c == consts[shape]);
			else
				CHECK(rc == 0);
			/* damaged copies: never a wrong constant */
			for (cut = 0; cut <= b.len && (e == RDB_ENC_RLE ||
			    e == RDB_ENC_FOR); cut++) {
				for (k = 0; k <= (cut < b.len ? 8u : 0u); k++) {
					uint8_t *q = dup_exact(b.p, b.len);
					size_t len = cut;
					if (cut < b.len) {      /* a flip, not a cut */
						len = b.len;
						q[cut] ^= (uint8_t)(1u << k % 8);
						if (k == 8)
							len = cut;      /* and the cut */
					}
					rc = rdb_enc_i64_const(q, len, N, &c, &err);
					drc = dec_i64(q, len, N, &out, &err);
					CHECK(rc == 0 || rc == 1 || rc == RDB_ECORRUPT);
					if (rc == 1) {
						CHECK(drc == RDB_OK);
						for (i = 0; i < N && drc == RDB_OK; i++)
							if (out[i] != c)
								break;
						CHECK(i == N);
					} else if (rc == RDB_ECORRUPT) {
						CHECK(drc == RDB_ECORRUPT);
					}
					free(out);
					free(q);
				}
			}
			rdb_buf_release(&b);
		}
	}
}

/* Random garbage of every small length, as every encoding, for small n:
 * never anything but RDB_OK or RDB_ECORRUPT. */
UNIT_TEST(enc_i64_garbage)
{
	uint8_t buf[64];
	struct rdb_err e;
	size_t len, n, i;
	int round, rc, bad = 0;

	for (round = 0; round < 20000; round++) {
		len = (size_t)(rnd() % sizeof buf) + 1;
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)(rnd() >> (rnd() % 2 ? 60 : 0));
		buf[0] = (uint8_t)(rnd() % 5);
		n = (size_t)(rnd() % 40);
		rc = dec_i64(buf, len, n, NULL, &e);
		if (rc != RDB_OK && rc != RDB_ECORRUPT)
			bad++;
	}
	CHECK(bad == 0);
}

/*
 * Byte strings.
 */

struct strs {
	uint32_t *off;
	uint8_t *data;
	size_t n;
};

static void strs_free(struct strs *s)
{
	free(s->off);
	free(s->data);
}

/* Round trip in encoding e (or chosen, e < 0); 1 when equal, -1 when
 * the encoder refused. */
static int bytes_round_trip(int e, const struct strs *s, enum rdb_enc *used)
{
	struct rdb_buf b, data;
	struct rdb_err err;
	uint32_t *off = malloc((s->n + 1) * sizeof *off);
	uint8_t *q = NULL;
	size_t i;
	int ok = 0, rc;

	rdb_buf_init(&b);
	rdb_buf_init(&data);
	if (e < 0)
		rc = rdb_enc_bytes_encode(s->off, s->data, s->n, &b, used);
	else
		rc = rdb_enc_bytes_encode_as((enum rdb_enc)e, s->off, s->data,
		    s->n, &b);
	if (rc == RDB_EINVAL) {
		ok = -1;
		goto out;
	}
	if (rc != RDB_OK)
		goto out;
	/* the decoder appends after what the caller has */
	rdb_buf_append(&data, "xyz", 3);
	q = dup_exact(b.p, b.len);
	if (rdb_enc_bytes_decode(q, b.len, s->n, off, &data, &err) != RDB_OK) {
		printf("#   decode failed: %s\n", err.msg);
		goto out;
	}
	if (off[0] != 0 || memcmp(data.p, "xyz", 3) != 0 ||
	    data.len != 3 + (size_t)(s->off[s->n] - s->off[0]))
		goto out;
	for (i = 0; i < s->n; i++) {
		if (off[i + 1] - off[i] != s->off[i + 1] - s->off[i] ||
		    memcmp(data.p + 3 + off[i], s->data + s->off[i],
		    off[i + 1] - off[i]) != 0)
			goto out;
	}
	ok = 1;
out:
	free(q);
	free(off);
	rdb_buf_release(&b);
	rdb_buf_release(&data);
	return ok;
}

static int bytes_round_trip_all(const struct strs *s)
{
	int bad = 0, r;

	if (bytes_round_trip(-1, s, NULL) != 1)
		bad++;
	if (bytes_round_trip(RDB_ENC_PLAIN, s, NULL) != 1)
		bad++;
	r = bytes_round_trip(RDB_ENC_DICT, s, NULL);
	if (r != 1 && !(r == -1 && s->n > RDB_ENC_DICT_MAX))
		bad++;
	if (bad)
		printf("#   bytes round trip failed, n %zu\n", s->n);
	return bad;
}

/* n strings; gen(i, buf) writes string i into buf, returns its length. */
static void strs_make(struct strs *s, size_t n, size_t lead,
    size_t (*gen)(size_t, uint8_t *), size_t maxlen)
{
	size_t i, len, cap = lead + n * maxlen + 1;

	s->n = n;
	s->off = malloc((n + 1) * sizeof *s->off);
	s->data = malloc(cap);
	memset(s->data, '#', lead);
	s->off[0] = (uint32_t)lead;
	for (i = 0; i < n; i++) {
		len = gen(i, s->data + s->off[i]);
		s->off[i + 1] = s->off[i] + (uint32_t)len;
	}
}

static size_t gen_empty(size_t i, uint8_t *p)
{
	(void)i;
	(void)p;
	return 0;
}

static size_t gen_same(size_t i, uint8_t *p)
{
	(void)i;
	memcpy(p, "hello, world", 12);
	return 12;
}

static size_t gen_words(size_t i, uint8_t *p)
{
	static const char *const w[] = { "red", "green", "blue", "", "r",
	    "reddish", "gr\xc3\xbcn" };
	const char *s = w[(i * 7 + rnd() % 3) % 7];

	(void)i;
	memcpy(p, s, strlen(s));
	return strlen(s);
}

static size_t gen_binary(size_t i, uint8_t *p)
{
	size_t len = (size_t)(rnd() % 20), j;

	(void)i;
	for (j = 0; j < len; j++)
		p[j] = rnd() % 3 == 0 ? 0 : (uint8_t)rnd();
	return len;
}

static size_t gen_binary_few(size_t i, uint8_t *p)
{
	static const uint8_t v[3][4] = { { 0, 0, 0, 0 }, { 0, 0, 1, 0 },
	    { 0xff, 0, 0xfe, 0 } };
	size_t k = (size_t)(rnd() % 3);

	(void)i;
	memcpy(p, v[k], 1 + k);
	return 1 + k;
}

static size_t gen_long(size_t i, uint8_t *p)
{
	size_t j;

	for (j = 0; j < 100000; j++)
		p[j] = (uint8_t)('a' + (j * 31 + i) % 26);
	return 100000;
}

UNIT_TEST(enc_bytes_round_trip)
{
	struct strs s;
	int bad = 0;
	size_t n;

	for (n = 0; n <= 20; n++) {
		strs_make(&s, n, 0, gen_empty, 0);
		bad += bytes_round_trip_all(&s);
		strs_free(&s);
		strs_make(&s, n, 5, gen_same, 12);
		bad += bytes_round_trip_all(&s);
		strs_free(&s);
		strs_make(&s, n, 0, gen_binary, 20);
		bad += bytes_round_trip_all(&s);
		strs_free(&s);
	}
	strs_make(&s, 3000, 1, gen_words, 8);
	bad += bytes_round_trip_all(&s);
	strs_free(&s);
	strs_make(&s, 3000, 0, gen_binary, 20);
	bad += bytes_round_trip_all(&s);
	strs_free(&s);
	strs_make(&s, 500, 0, gen_binary_few, 4);
	bad += bytes_round_trip_all(&s);
	strs_free(&s);
	strs_make(&s, 3, 0, gen_long, 100000);	/* 100 KB strings */
	bad += bytes_round_trip_all(&s);
	strs_free(&s);
	CHECK(bad == 0);
}

/* Empty strings from an empty rdb_buf: data is NULL, and decoding into
 * an empty buffer leaves its p NULL. */
UNIT_TEST(enc_bytes_null_data)
{
	uint32_t off[6] = { 0, 0, 0, 0, 0, 0 }, got[6];
	struct rdb_buf b, data;
	struct rdb_err e;
	enum rdb_enc used;
	int enc;

	for (enc = -1; enc <= RDB_ENC_DICT; enc += 5) {
		rdb_buf_init(&b);
		rdb_buf_init(&data);
		if (enc < 0)
			CHECK(rdb_enc_bytes_encode(off, NULL, 5, &b, &used) ==
			    RDB_OK);
		else
			CHECK(rdb_enc_bytes_encode_as((enum rdb_enc)enc, off,
			    NULL, 5, &b) == RDB_OK);
		CHECK(rdb_enc_bytes_decode(b.p, b.len, 5, got, &data, &e) ==
		    RDB_OK);
		CHECK(data.len == 0 && got[5] == 0);
		rdb_buf_release(&b);
		rdb_buf_release(&data);
	}
}

UNIT_TEST(enc_bytes_choice)
{
	struct strs s;
	enum rdb_enc used;

	strs_make(&s, 1000, 0, gen_words, 8);
	CHECK(bytes_round_trip(-1, &s, &used) == 1 && used == RDB_ENC_DICT);
	strs_free(&s);
	strs_make(&s, 1000, 0, gen_same, 12);
	CHECK(bytes_round_trip(-1, &s, &used) == 1 && used == RDB_ENC_DICT);
	strs_free(&s);
	strs_make(&s, 1000, 0, gen_binary, 20);
	CHECK(bytes_round_trip(-1, &s, &used) == 1 && used == RDB_ENC_PLAIN);
	strs_free(&s);
	strs_make(&s, 1, 0, gen_same, 12);
	CHECK(bytes_round_trip(-1, &s, &used) == 1 && used == RDB_ENC_PLAIN);
	strs_free(&s);
	strs_make(&s, 0, 0, gen_same, 12);
	CHECK(bytes_round_trip(-1, &s, &used) == 1 && used == RDB_ENC_PLAIN);
	strs_free(&s);
}

static size_t gen_unique(size_t i, uint8_t *p)
{
	return (size_t)snprintf((char *)p, 16, "k%zu", i);
}

UNIT_TEST(enc_bytes_misuse)
{
	struct strs s;
	struct rdb_buf b;
	uint32_t bad_off[3] = { 0, 5, 2 };

	rdb_buf_init(&b);
	strs_make(&s, RDB_ENC_DICT_MAX + 1, 0, gen_unique, 16);
	CHECK(rdb_enc_bytes_encode_as(RDB_ENC_DICT, s.off, s.data, s.n, &b) ==
	    RDB_EINVAL);
	CHECK(b.len == 0);
	CHECK(bytes_round_trip(-1, &s, NULL) == 1);
	strs_free(&s);
	CHECK(rdb_enc_bytes_encode_as(RDB_ENC_FOR, bad_off,
	    (const uint8_t *)"abcde", 1, &b) == RDB_EINVAL);
	CHECK(rdb_enc_bytes_encode(bad_off, (const uint8_t *)"abcde", 2, &b,
	    NULL) == RDB_EINVAL);
	CHECK(b.len == 0);
	rdb_buf_release(&b);
}

static int bytes_rejects(const uint8_t *p, size_t len, size_t n,
    const char *what)
{
	struct rdb_buf data;
	struct rdb_err e;
	uint32_t off[8];
	int ok;

	rdb_buf_init(&data);
	rdb_buf_append(&data, "ab", 2);
	ok = rdb_enc_bytes_decode(p, len, n, off, &data, &e) == RDB_ECORRUPT &&
	    strstr(e.msg, what) != NULL && data.len == 2;
	if (!ok)
		printf("#   not rejected as \"%s\": %s\n", what, e.msg);
	rdb_buf_release(&data);
	return ok;
}

UNIT_TEST(enc_bytes_rejects)
{
	/* [F-ENC-070] */
	CHECK(bytes_rejects((const uint8_t[]){ 2 }, 1, 0,
	    "encoding 2 is not one for strings"));
	CHECK(bytes_rejects((const uint8_t[]){ 9 }, 1, 0, "encoding 9"));
	/* [F-ENC-071]: lengths stream of 9 bytes in a stream of 4 */
	CHECK(bytes_rejects((const uint8_t[]){ 0, 9, 2, 0 }, 4, 1,
	    "stream of 9 bytes, 2 left"));
	/* [F-ENC-072]: lengths 2 (FOR width 0, ref 2), data "a" / "abc" */
	CHECK(bytes_rejects((const uint8_t[]){ 0, 3, 2, 0, 4, 'a' }, 6, 1,
	    "string 0 goes past the 1 bytes"));
	CHECK(bytes_rejects((const uint8_t[]){ 0, 3, 2, 0, 4, 'a', 'b', 'c' },
	    8, 1, "1 bytes after the last string"));
	/* a damaged nested stream reports its offset in the outer one */
	CHECK(bytes_rejects((const uint8_t[]){ 0, 3, 2, 70, 4, 'a', 'b' }, 7,
	    1, "at offset 3: values: bit width 70"));
	/* [F-ENC-073] [F-ENC-074]: dictionary "b", "a" is not sorted */
	CHECK(bytes_rejects((const uint8_t[]){ 4, 2, 3, 2, 0, 2, 'b', 'a',
	    2, 0, 0 }, 11, 2, "entry 1 is not greater"));
	/* dictionary "a", "a" */
	CHECK(bytes_rejects((const uint8_t[]){ 4, 2, 3, 2, 0, 2, 'a', 'a',
	    2, 0, 0 }, 11, 2, "entry 1 is not greater"));
	/* codes 0, 2 of a dictionary of 2 ("a", "b") */
	CHECK(bytes_rejects((const uint8_t[]){ 4, 2, 3, 2, 0, 2, 'a', 'b',
	    2, 2, 0, 0x08 }, 12, 2, "code 2 of string 1 is outside"));
	CHECK(bytes_rejects((const uint8_t[]){ 4, 3, 3, 2, 0, 2, 'a', 'b',
	    2, 1, 0, 0x04 }, 12, 2, "dictionary size 3 is not from 1 to 2"));
	/* [F-ENC-075]: 65537 copies of a 65536-byte entry pass 2^32 - 1 */
	{
		size_t n = 65537, len = 0;
		uint8_t *p = malloc(65536 + 16);
		uint32_t *off = malloc((n + 1) * sizeof *off);
		struct rdb_buf data;
		struct rdb_err e;

		p[len++] = 4;
		p[len++] = 1;				/* one entry */
		p[len++] = 5;				/* lengths stream: */
		p[len++] = 2;				/* FOR, */
		p[len++] = 0;				/* width 0, */
		p[len++] = 0x80;			/* ref 65536 */
		p[len++] = 0x80;
		p[len++] = 0x08;
		memset(p + len, 'x', 65536);
		len += 65536;
		p[len++] = 2;				/* codes: FOR */
		p[len++] = 0;
		p[len++] = 0;
		rdb_buf_init(&data);
		CHECK(rdb_enc_bytes_decode(p, len, n, off, &data, &e) ==
		    RDB_ECORRUPT);
		CHECK(strstr(e.msg, "add up to more than 4294967295") != NULL);
		CHECK(data.len == 0 && data.cap == 0);
		free(p);
		free(off);
	}
	{
		struct rdb_buf data;
		struct rdb_err e;
		uint32_t off[3];

		rdb_buf_init(&data);
		CHECK(rdb_enc_bytes_decode((const uint8_t[]){ 4, 2, 3, 2, 0,
		    2, 'a', 'b', 2, 1, 0, 0x01 }, 12, 2, off, &data, &e) ==
		    RDB_OK);
		CHECK(data.len == 2 && memcmp(data.p, "ba", 2) == 0);
		CHECK(off[0] == 0 && off[1] == 1 && off[2] == 2);
		rdb_buf_release(&data);
	}
}

static int sweep_bytes(const uint8_t *p, size_t len, size_t n)
{
	uint8_t *q = malloc(len + 1);
	uint32_t *off = malloc((n + 1) * sizeof *off);
	struct rdb_buf data;
	struct rdb_err e;
	size_t cut, i;
	int bad = 0, rc, k;

	rdb_buf_init(&data);
	for (cut = 0; cut < len; cut++) {
		uint8_t *c = dup_exact(p, cut);
		if (rdb_enc_bytes_decode(c, cut, n, off, &data, &e) !=
		    RDB_ECORRUPT || data.len != 0)
			bad++;
		free(c);
	}
	memcpy(q, p, len);
	q[len] = 0;
	if (rdb_enc_bytes_decode(q, len + 1, n, off, &data, &e) != RDB_ECORRUPT)
		bad++;
	for (i = 0; i < len; i++) {
		for (k = 0; k < 3; k++) {
			uint8_t *c;

			memcpy(q, p, len);
			q[i] ^= (uint8_t)(k == 0 ? 0xff : 1u << (rnd() % 8));
			if (k == 2)
				q[i] = (uint8_t)rnd();
			c = dup_exact(q, len);
			data.len = 0;
			rc = rdb_enc_bytes_decode(c, len, n, off, &data, &e);
			if (rc != RDB_OK && rc != RDB_ECORRUPT)
				bad++;
			free(c);
		}
	}
	rdb_buf_release(&data);
	free(off);
	free(q);
	return bad;
}

UNIT_TEST(enc_bytes_damage_sweep)
{
	struct strs s;
	struct rdb_buf b;
	int bad = 0, e;

	strs_make(&s, 60, 0, gen_words, 8);
	for (e = 0; e < 2; e++) {
		rdb_buf_init(&b);
		CHECK(rdb_enc_bytes_encode_as(e ? RDB_ENC_DICT : RDB_ENC_PLAIN,
		    s.off, s.data, s.n, &b) == RDB_OK);
		bad += sweep_bytes(b.p, b.len, s.n);
		rdb_buf_release(&b);
	}
	strs_free(&s);
	strs_make(&s, 40, 0, gen_binary, 20);
	for (e = 0; e < 2; e++) {
		rdb_buf_init(&b);
		CHECK(rdb_enc_bytes_encode_as(e ? RDB_ENC_DICT : RDB_ENC_PLAIN,
		    s.off, s.data, s.n, &b) == RDB_OK);
		bad += sweep_bytes(b.p, b.len, s.n);
		rdb_buf_release(&b);
	}
	strs_free(&s);
	CHECK(bad == 0);
}

/* Read p[0..len) through a cursor, slices of step values (skipping
 * every third slice when skip), into out: the cursor's first error. */
static int cur_read(const uint8_t *p, size_t len, size_t n, size_t step,
    int skip, int64_t *out, struct rdb_err *e)
{
	uint8_t *q = dup_exact(p, len);
	struct rdb_i64_cur c;
	size_t pos = 0, k, j = 0;
	int rc;

	rc = rdb_enc_i64_open(&c, q, len, n, e);
	while (rc == RDB_OK && pos < n) {
		k = n - pos < step ? n - pos : step;
		if (skip && j++ % 3 == 1) {
			rc = rdb_enc_i64_skip(&c, k);
			for (size_t i = 0; i < k; i++)
				out[pos + i] = 0x5eed;
		} else {
			rc = rdb_enc_i64_next(&c, k, out + pos);
		}
		pos += k;
	}
	rdb_enc_i64_close(&c);
	free(q);
	return rc;
}

/* A cursor reads what rdb_enc_i64_decode reads, in every encoding, in
 * slices of any multiple of 8 (with skipped ones), and finds damage
 * exactly where it does: every truncation and bit flip of small streams
 * fails the one when it fails the other, with the same message. */
UNIT_TEST(enc_i64_cursor)
{
	enum { N = 700 };
	static const size_t steps[] = { 8, 16, 64, 696, 1024 };
	int64_t v[N], *whole, got[N];
	struct rdb_buf b;
	struct rdb_err e1, e2;
	size_t i, si, cut, n;
	int shape, enc, rc1, rc2, skip, bad = 0;

	for (shape = 0; shape < 5; shape++) {
		for (i = 0; i < N; i++)
			v[i] = shape == 0 ? (int64_t)(rnd() % 5) :
			    shape == 1 ? (int64_t)i * 3 - 100 :
			    shape == 2 ? s64(rnd()) :
			    shape == 3 ? (int64_t)(i / 37) : 42;
		for (enc = 0; enc < RDB_ENC_COUNT; enc++) {
			rdb_buf_init(&b);
			if (rdb_enc_i64_encode_as((enum rdb_enc)enc, v, N, &b) !=
			    RDB_OK) {
				rdb_buf_release(&b);
				continue;	/* a dictionary too big */
			}
			for (si = 0; si < sizeof steps / sizeof *steps; si++)
				for (skip = 0; skip < 2; skip++) {
					CHECK(cur_read(b.p, b.len, N, steps[si],
					    skip, got, &e1) == RDB_OK);
					for (i = 0; i < N; i++)
						if (got[i] != v[i] && !(skip &&
						    got[i] == 0x5eed))
							break;
					CHECK(i == N);
				}
			rdb_buf_release(&b);
		}
	}
	/* damage: small n, every cut and flip */
	for (n = 1; n <= 40; n += 13) {
		for (i = 0; i < n; i++)
			v[i] = (int64_t)(rnd() % 9) - 4;
		for (enc = 0; enc < RDB_ENC_COUNT; enc++) {
			rdb_buf_init(&b);
			if (rdb_enc_i64_encode_as((enum rdb_enc)enc, v, n, &b) !=
			    RDB_OK) {
				rdb_buf_release(&b);
				continue;
			}
			for (cut = 0; cut < b.len * 9; cut++) {
				uint8_t *q = dup_exact(b.p, b.len);
				size_t len = b.len;
				if (cut < b.len)
					len = cut;
				else
					q[cut / 9 % b.len] ^= (uint8_t)(1u << cut % 8);
				rc1 = dec_i64(q, len, n, &whole, &e1);
				rc2 = cur_read(q, len, n, 8, 0, got, &e2);
				if (rc1 != rc2 || (rc1 != RDB_OK &&
				    strcmp(e1.msg, e2.msg) != 0))
					bad++;
				else if (rc1 == RDB_OK &&
				    memcmp(whole, got, n * sizeof *got) != 0)
					bad++;
				free(whole);
				free(q);
			}
			rdb_buf_release(&b);
		}
	}
	CHECK(bad == 0);
}

/* A cursor's bounds (rdb_enc_i64_bounds) hold every value it gives: in
 * each encoding, on every shape, and on every bit flip of small streams
 * that still decode; FOR, RLE, DICT and constants of small values give
 * them, PLAIN and DELTA do not. */
UNIT_TEST(enc_i64_bounds)
{
	enum { N = 300 };
	int64_t v[N], got[N], lo, hi;
	struct rdb_buf b;
	struct rdb_err e;
	struct rdb_i64_cur c;
	size_t i, cut, n;
	int shape, enc, has, bad = 0, told = 0;

	for (shape = 0; shape < 4; shape++) {
		for (i = 0; i < N; i++)
			v[i] = shape == 0 ? (int64_t)(rnd() % 5) - 2 :
			    shape == 1 ? s64(rnd()) :
			    shape == 2 ? (int64_t)(i / 37) + INT64_MAX - 10 :
			    (i % 2 ? INT64_MIN : INT64_MAX);
		for (enc = 0; enc < RDB_ENC_COUNT; enc++) {
			rdb_buf_init(&b);
			if (rdb_enc_i64_encode_as((enum rdb_enc)enc, v, N, &b) !=
			    RDB_OK) {
				rdb_buf_release(&b);
				continue;
			}
			CHECK(rdb_enc_i64_open(&c, b.p, b.len, N, &e) == RDB_OK);
			has = rdb_enc_i64_bounds(&c, &lo, &hi);
			CHECK(rdb_enc_i64_next(&c, N, got) == RDB_OK);
			rdb_enc_i64_close(&c);
			for (i = 0; has && i < N; i++)
				bad += got[i] < lo || got[i] > hi;
			if (shape == 0)
				CHECK(has == (enc != RDB_ENC_PLAIN &&
				    enc != RDB_ENC_DELTA));
			if (shape == 0 && has)
				CHECK(lo >= -2 && hi <= 2 + 7);
			rdb_buf_release(&b);
		}
	}
	for (n = 1; n <= 40; n += 13) {
		for (i = 0; i < n; i++)
			v[i] = (int64_t)(rnd() % 9) - 4;
		for (enc = 0; enc < RDB_ENC_COUNT; enc++) {
			rdb_buf_init(&b);
			if (rdb_enc_i64_encode_as((enum rdb_enc)enc, v, n, &b) !=
			    RDB_OK) {
				rdb_buf_release(&b);
				continue;
			}
			for (cut = 0; cut < b.len * 8; cut++) {
				uint8_t *q = dup_exact(b.p, b.len);
				q[cut / 8] ^= (uint8_t)(1u << cut % 8);
				if (rdb_enc_i64_open(&c, q, b.len, n, &e) == RDB_OK &&
				    rdb_enc_i64_bounds(&c, &lo, &hi) &&
				    rdb_enc_i64_next(&c, n, got) == RDB_OK) {
					told++;
					for (i = 0; i < n; i++)
						bad += got[i] < lo || got[i] > hi;
				}
				rdb_enc_i64_close(&c);
				free(q);
			}
			rdb_buf_release(&b);
		}
	}
	CHECK(told > 0);
	CHECK(bad == 0);
}

/* rdb_enc_i64_gather gives the values rdb_enc_i64_next gives at the
 * selected offsets: FOR of every width 1..64, DICT and PLAIN, slices of
 * several sizes, selections that take the last value (read from a
 * padded copy near the area's end); RLE and DELTA say they cannot. */
UNIT_TEST(enc_i64_gather)
{
	enum { N = 701 };
	static const size_t steps[] = { 8, 64, 696 };
	int64_t v[N], all[N], got[N];
	uint32_t sel[N];
	struct rdb_buf b;
	struct rdb_err e;
	struct rdb_i64_cur c;
	unsigned w;
	size_t i, si, pos, k, m, j;
	int enc, rc, bad = 0, done = 0, refused = 0;

	for (w = 1; w <= 64; w++) {
		for (i = 0; i < N; i++) {
			uint64_t r = rnd() ^ (rnd() << 32);
			v[i] = (int64_t)(w == 64 ? r : r & (((uint64_t)1 << w) - 1)) -
			    (w < 64 ? (int64_t)1 << (w - 1) : 0);
		}
		for (enc = 0; enc < RDB_ENC_COUNT; enc++) {
			rdb_buf_init(&b);
			if (rdb_enc_i64_encode_as((enum rdb_enc)enc, v, N, &b) !=
			    RDB_OK) {
				rdb_buf_release(&b);
				continue;
			}
			for (si = 0; si < sizeof steps / sizeof *steps; si++) {
				CHECK(rdb_enc_i64_open(&c, b.p, b.len, N, &e) == RDB_OK);
				for (pos = 0; pos < N; pos += k) {
					k = N - pos < steps[si] ? N - pos : steps[si];
					for (m = j = 0; j < k; j++)
						if ((j * 5 + w) % 3 == 0 || pos + j == N - 1)
							sel[m++] = (uint32_t)j;
					rc = rdb_enc_i64_gather(&c, k, sel, m, got);
					if (rc == 1) {
						refused++;
						CHECK(enc == RDB_ENC_RLE || enc == RDB_ENC_DELTA);
						CHECK(rdb_enc_i64_next(&c, k, all) == RDB_OK);
						continue;
					}
					CHECK(rc == RDB_OK);
					done++;
					for (j = 0; j < m; j++)
						bad += got[j] != v[pos + sel[j]];
				}
				rdb_enc_i64_close(&c);
			}
			rdb_buf_release(&b);
		}
	}
	CHECK(done > 0 && refused > 0);
	CHECK(bad == 0);
}

/* Read a bytes stream through a text cursor in slices of 8, strings
 * into one buffer as rdb_enc_text_decode lays them out. */
static int text_cur_read(const uint8_t *p, size_t len, size_t n,
    uint32_t *offsets, struct rdb_buf *data, int *utf8, struct rdb_err *e)
{
	uint8_t *q = dup_exact(p, len);
	struct rdb_text_cur c;
	uint32_t pairs[16];
	size_t pos = 0, k, i;
	int rc;

	rdb_enc_text_init(&c);
	rc = rdb_enc_text_open(&c, q, len, n, utf8, e);
	offsets[0] = 0;
	while (rc == RDB_OK && pos < n) {
		k = n - pos < 8 ? n - pos : 8;
		rc = rdb_enc_text_next(&c, k, pairs);
		for (i = 0; rc == RDB_OK && i < k; i++) {
			rdb_buf_append(data, c.bytes + pairs[2 * i],
			    pairs[2 * i + 1] - pairs[2 * i]);
			offsets[pos + i + 1] = (uint32_t)data->len;
		}
		pos += k;
	}
	rdb_enc_text_release(&c);
	free(q);
	return rc;
}

/* A text cursor reads the strings rdb_enc_text_decode reads, PLAIN and
 * DICT, and fails on every cut and flip of small streams exactly when
 * and as it does. */
UNIT_TEST(enc_text_cursor)
{
	static const char *const words[] = { "", "a", "bb", "\xc3\xa9t\xc3\xa9",
		"d", "ee", "a longer string of text" };
	uint32_t offsets[64], o1[65], o2[65];
	uint8_t text[64 * 32];
	struct rdb_buf b, d1, d2;
	struct rdb_err e1, e2;
	size_t n, i, off, cut;
	int enc, rc1, rc2, u1, u2, bad = 0;

	for (n = 1; n <= 40; n += 13) {
		off = 0;
		offsets[0] = 0;
		for (i = 0; i < n; i++) {
			const char *w = words[rnd() % 7];
			memcpy(text + off, w, strlen(w));
			off += strlen(w);
			offsets[i + 1] = (uint32_t)off;
		}
		for (enc = RDB_ENC_PLAIN; enc <= RDB_ENC_DICT; enc += RDB_ENC_DICT) {
			rdb_buf_init(&b);
			CHECK(rdb_enc_bytes_encode_as((enum rdb_enc)enc, offsets,
			    text, n, &b) == RDB_OK);
			for (cut = 0; cut <= b.len * 9; cut++) {
				uint8_t *q = dup_exact(b.p, b.len);
				size_t len = b.len;
				if (cut < b.len)
					len = cut;
				else if (cut < b.len * 9)
					q[cut / 9 % b.len] ^= (uint8_t)(1u << cut % 8);
				rdb_buf_init(&d1);
				rdb_buf_init(&d2);
				rc1 = rdb_enc_text_decode(q, len, n, o1, &d1, &u1, &e1);
				rc2 = text_cur_read(q, len, n, o2, &d2, &u2, &e2);
				if (rc1 != rc2 || (rc1 != RDB_OK &&
				    strcmp(e1.msg, e2.msg) != 0))
					bad++;
				else if (rc1 == RDB_OK && (u1 != u2 ||
				    memcmp(o1, o2, (n + 1) * sizeof *o1) != 0 ||
				    d1.len != d2.len || (d1.len > 0 &&
				    memcmp(d1.p, d2.p, d1.len) != 0)))
					bad++;
				if (cut == b.len * 9)	/* the intact stream */
					CHECK(rc2 == RDB_OK && u2 == 1 &&
					    memcmp(o2, offsets, (n + 1) *
					    sizeof *o2) == 0);
				rdb_buf_release(&d1);
				rdb_buf_release(&d2);
				free(q);
			}
			rdb_buf_release(&b);
		}
	}
	CHECK(bad == 0);
}
