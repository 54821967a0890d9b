/*
 * fuzz-enc.c - libFuzzer target for the value decoders (lib/seg/enc.c,
 * format/encoding.md): any bytes must decode or be rejected as
 * RDB_ECORRUPT, never read out of bounds, crash or leak.
 *
 * The first input byte picks the value count n (0..255) and the rest is
 * decoded as an i64 stream and as a bytes stream of n values. Valid
 * streams are rare in random bytes, so the target also re-encodes what
 * it decoded and checks that the result decodes to the same values,
 * which gives the fuzzer a path into the deep branches.
 *
 * Seeds: tests/fuzz/corpus/enc (one stream of each encoding, made by
 * mkcorpus.c). Build and run with tools/fuzz.sh, or by hand from the
 * project root:
 *
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -Ilib -Ilib/include -Icmd \
 *       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *       tests/fuzz/fuzz-enc.c $(find lib -name '*.c') \
 *       $(pkg-config --cflags --libs libzstd liblz4 libarchive libsodium libxxhash) \
 *       -o build/fuzz/fuzz-enc
 *   build/fuzz/fuzz-enc -max_len=4096 -max_total_time=60 corpus-dir/
 *
 * Without libFuzzer, -DFUZZ_MAIN adds a main() that runs each file
 * named on the command line through the target once.
 */
#include <stdio.h>
#include <stdlib.h>

#include "seg/enc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_i64(const uint8_t *p, size_t len, size_t n)
{
	struct rdb_err e;
	struct rdb_buf b;
	int64_t *out = malloc((n > 0 ? n : 1) * sizeof *out);
	int64_t *again = malloc((n > 0 ? n : 1) * sizeof *again);
	int rc;

	if (out == NULL || again == NULL)
		goto out;
	rc = rdb_enc_i64_decode(p, len, n, out, &e);
	if (rc != RDB_OK && rc != RDB_ECORRUPT)
		abort();
	if (rc != RDB_OK)
		goto out;
	rdb_buf_init(&b);
	if (rdb_enc_i64_encode(out, n, &b, NULL) == RDB_OK &&
	    (rdb_enc_i64_decode(b.p, b.len, n, again, &e) != RDB_OK ||
	    (n > 0 && memcmp(out, again, n * sizeof *out) != 0)))
		abort();
	rdb_buf_release(&b);
out:
	free(out);
	free(again);
}

static void check_bytes(const uint8_t *p, size_t len, size_t n)
{
	struct rdb_err e, e2;
	size_t i;
	int rc2, utf8, valid;
	struct rdb_buf data, b, data2;
	uint32_t *off = malloc((n + 1) * sizeof *off);
	uint32_t *off2 = malloc((n + 1) * sizeof *off2);
	int rc;

	rdb_buf_init(&data);
	rdb_buf_init(&data2);
	rdb_buf_init(&b);
	if (off == NULL || off2 == NULL)
		goto out;
	rc = rdb_enc_bytes_decode(p, len, n, off, &data, &e);
	if (rc != RDB_OK && rc != RDB_ECORRUPT)
		abort();
	/* the checks without the strings: the same answer, and text it
	 * calls valid UTF-8 string by string is valid as a whole */
	rc2 = rdb_enc_bytes_check(p, len, n, &utf8, &e2);
	if (rc2 != rc || (rc != RDB_OK && strcmp(e.msg, e2.msg) != 0) ||
	    (rc == RDB_OK && utf8 && !rdb_utf8_valid(data.p, data.len)))
		abort();
	if (rc != RDB_OK) {
		if (data.len != 0)
			abort();
		goto out;
	}
	if (off[0] != 0 || off[n] != data.len)
		abort();
	/* ... and string by string: exactly for PLAIN; DICT holds every
	 * dictionary entry to it, used or not */
	for (i = 0, valid = 1; i < n && valid && data.p != NULL; i++)
		valid = rdb_utf8_valid(data.p + off[i], off[i + 1] - off[i]);
	if (utf8 > valid || (p[0] == 0 && utf8 != valid))
		abort();
	if (rdb_enc_bytes_encode(off, data.p, n, &b, NULL) == RDB_OK &&
	    (rdb_enc_bytes_decode(b.p, b.len, n, off2, &data2, &e) != RDB_OK ||
	    memcmp(off, off2, (n + 1) * sizeof *off) != 0 ||
	    data.len != data2.len ||
	    (data.len > 0 && memcmp(data.p, data2.p, data.len) != 0)))
		abort();
out:
	rdb_buf_release(&data);
	rdb_buf_release(&data2);
	rdb_buf_release(&b);
	free(off);
	free(off2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p;
	size_t n;

	if (size < 1)
		return 0;
	n = data[0];
	/* an exactly-sized copy, so the sanitizer sees any over-read */
	p = malloc(size - 1 > 0 ? size - 1 : 1);
	if (p == NULL)
		return 0;
	memcpy(p, data + 1, size - 1);
	check_i64(p, size - 1, n);
	check_bytes(p, size - 1, n);
	free(p);
	return 0;
}

#ifdef FUZZ_MAIN
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	size_t len;
	FILE *f;
	int i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
	}
	return 0;
}
#endif
