/*
 * enc-bench.c - decode throughput of the value encodings
 * (lib/seg/enc.c, format/encoding.md) on 6M int64 values of the shapes
 * real columns have.
 *
 * Not wired into make. After `make`, from the project root:
 *
 *   cc -O2 -g -std=c11 -D_GNU_SOURCE -Ilib -Ilib/include \
 *       -o build/enc-bench tests/bench/enc-bench.c build/librdb.a \
 *       $(pkg-config --libs libzstd liblz4 libarchive libsodium libxxhash)
 *   build/enc-bench [values]
 *
 * The values are cut into chunks of 122880 (the default rows per row
 * group, so one stream per chunk as a segment stores them); each chunk
 * is encoded once per encoding, then all chunks are decoded into one
 * reused chunk-sized buffer, as a scan does, repeatedly; the best of
 * five rounds counts. Throughput is GB/s (10^9 bytes) of decoded int64,
 * i.e. 8 bytes per value; size is encoded bytes per value. "*" marks
 * the encoding rdb_enc_i64_encode chooses; "-" an encoding that refuses
 * the data (DICT past its cap).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seg/enc.h"

#define CHUNK 122880

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t s64(uint64_t x)
{
	int64_t v;

	memcpy(&v, &x, sizeof v);
	return v;
}

enum shape {
	SORTED_KEYS,	/* ids: increasing, gaps of 1 to 8 */
	TIMESTAMPS,	/* µs times ~1 ms apart, jitter, not monotonic */
	SMALL_RANGE,	/* uniform in 0..999 (quantities, ages) */
	LOW_CARD,	/* 16 distinct wide values in random order (prices as doubles) */
	RUNS,		/* sorted status codes: runs of 1 to 4000 */
	RANDOM,		/* uniform 64-bit (hashes) */
	NSHAPES
};

static const char *const shape_names[NSHAPES] = {
	"sorted keys", "timestamps", "small range", "low cardinality",
	"runs", "random",
};

static void make(enum shape s, int64_t *v, size_t n)
{
	int64_t dict[16];
	size_t i, run = 0;
	int64_t cur = 0;

	for (i = 0; i < 16; i++) {
		double d = (double)(rnd() % 100000) / 100.0;
		memcpy(&dict[i], &d, sizeof d);
	}
	for (i = 0; i < n; i++) {
		switch (s) {
		case SORTED_KEYS:
			cur += 1 + (int64_t)(rnd() % 8);
			v[i] = cur;
			break;
		case TIMESTAMPS:
			v[i] = 1767225600000000LL + (int64_t)i * 1000 +
			    (int64_t)(rnd() % 2000);
			break;
		case SMALL_RANGE:
			v[i] = (int64_t)(rnd() % 1000);
			break;
		case LOW_CARD:
			v[i] = dict[rnd() % 16];
			break;
		case RUNS:
			if (run == 0) {
				run = 1 + (size_t)(rnd() % 4000);
				cur += 1 + (int64_t)(rnd() % 3);
			}
			run--;
			v[i] = cur;
			break;
		default:
			v[i] = s64(rnd());
			break;
		}
	}
}

/* Encode v as chunks in encoding e (e < 0: chosen); the streams go to
 * bufs[]. Returns the total bytes, 0 when the encoder refused. */
static size_t encode_all(int e, const int64_t *v, size_t n,
    struct rdb_buf *bufs, enum rdb_enc *used, double *secs)
{
	size_t c, total = 0, k;
	double t0 = now();
	int rc;

	for (c = 0; c * CHUNK < n; c++) {
		k = n - c * CHUNK < CHUNK ? n - c * CHUNK : CHUNK;
		bufs[c].len = 0;
		if (e < 0)
			rc = rdb_enc_i64_encode(v + c * CHUNK, k, &bufs[c], used);
		else
			rc = rdb_enc_i64_encode_as((enum rdb_enc)e,
			    v + c * CHUNK, k, &bufs[c]);
		if (rc != RDB_OK)
			return 0;
		total += bufs[c].len;
	}
	*secs = now() - t0;
	return total;
}

static double decode_all(const int64_t *v, size_t n, struct rdb_buf *bufs,
    int64_t *out)
{
	struct rdb_err err;
	double best = 1e9, t0, t;
	size_t c, k;
	int round;

	/* correctness first */
	for (c = 0; c * CHUNK < n; c++) {
		k = n - c * CHUNK < CHUNK ? n - c * CHUNK : CHUNK;
		if (rdb_enc_i64_decode(bufs[c].p, bufs[c].len, k, out, &err) !=
		    RDB_OK || memcmp(out, v + c * CHUNK, k * sizeof *v) != 0) {
			fprintf(stderr, "enc-bench: wrong decode: %s\n", err.msg);
			exit(1);
		}
	}
	for (round = 0; round < 5; round++) {
		t0 = now();
		for (c = 0; c * CHUNK < n; c++) {
			k = n - c * CHUNK < CHUNK ? n - c * CHUNK : CHUNK;
			rdb_enc_i64_decode(bufs[c].p, bufs[c].len, k, out, &err);
		}
		t = now() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 6000000;
	size_t nchunks = (n + CHUNK - 1) / CHUNK, c, bytes;
	int64_t *v = malloc(n * sizeof *v);
	int64_t *out = malloc(CHUNK * sizeof *out);
	struct rdb_buf *bufs = calloc(nchunks, sizeof *bufs);
	enum rdb_enc used = RDB_ENC_PLAIN;
	double secs, esecs;
	int s, e;

	if (v == NULL || out == NULL || bufs == NULL || n == 0) {
		fprintf(stderr, "enc-bench: out of memory\n");
		return 1;
	}
	printf("%zu int64 values in chunks of %d; decode GB/s (8 bytes a "
	    "value), bytes/value\n\n", n, CHUNK);
	printf("%-16s", "shape");
	for (e = 0; e < RDB_ENC_COUNT; e++)
		printf(" %17s", rdb_enc_name((enum rdb_enc)e));
	printf("   chosen (encode MB/s)\n");
	for (s = 0; s < NSHAPES; s++) {
		make((enum shape)s, v, n);
		if (encode_all(-1, v, n, bufs, &used, &esecs) == 0)
			return 1;
		printf("%-16s", shape_names[s]);
		for (e = 0; e < RDB_ENC_COUNT; e++) {
			bytes = encode_all(e, v, n, bufs, &used, &secs);
			if (bytes == 0) {
				printf(" %17s", "-");
				continue;
			}
			secs = decode_all(v, n, bufs, out);
			printf(" %5.2f GB/s %5.3f%s",
			    (double)n * 8 / secs / 1e9,
			    (double)bytes / (double)n,
			    e == (int)used ? "*" : " ");
		}
		printf("   %s (%.0f)\n", rdb_enc_name(used),
		    (double)n * 8 / esecs / 1e6);
		fflush(stdout);
	}
	for (c = 0; c < nchunks; c++)
		rdb_buf_release(&bufs[c]);
	free(bufs);
	free(v);
	free(out);
	return 0;
}
