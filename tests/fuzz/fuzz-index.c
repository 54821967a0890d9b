/*
 * fuzz-index.c - libFuzzer target for index files (lib/idx/idx.c,
 * format/index.md): rdb_idx_open's header, trailer and footer parse,
 * then lookups through rdb_idx_range, unbounded and with bounds taken
 * from the input, each read of a block checked. Any file must open and
 * answer or be rejected as RDB_ECORRUPT, never read out of bounds,
 * crash, leak or ask for a huge allocation; every position answered
 * is below the file's row count, in increasing order.
 *
 * Input: one mode byte, then the file.
 *   mode bit 0 clear: the file is written as it is.
 *   mode bit 0 set:   "fix-up" - the header and trailer magic, every
 *                     block checksum the footer gives an in-bounds
 *                     extent for, and the footer checksum are rewritten
 *                     to be right, so mutations reach the decoders.
 * The seed corpus (tests/fuzz/corpus/index, made by mkcorpus.c) has the
 * index files of the segment seeds, over one to three key columns.
 *
 * Build and run: tools/fuzz.sh index, or as fuzz-segment.c says.
 */
#include "idx/idx.h"

#include "fuzz-util.h"

static const uint8_t idx_magic[8] = { 'R', 'D', 'B', 'I', 'D', 'X', 0, 0 };
static const uint8_t idx_end[8] = { 'R', 'D', 'B', 'I', 'D', 'X', 'F', 'T' };

static int getvar(const uint8_t *f, size_t end, size_t *pos, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*pos < end && shift < 64) {
		uint8_t b = f[(*pos)++];
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

/* Make the framing and checksums of p[0..n) right where they can be. */
static void fixup(uint8_t *p, size_t n)
{
	size_t flen, foff, pos, end, k;
	uint64_t v, nk, nb, off, len, fl;

	if (n < 32)
		return;
	memcpy(p, idx_magic, 8);
	memset(p + 8, 0, 8);
	memcpy(p + n - 8, idx_end, 8);
	memset(p + n - 12, 0, 4);
	flen = rdb_load32(p + n - 16);
	if (flen < 8 || flen > n - 32)
		return;
	foff = n - 16 - flen;
	end = foff + flen - 8;
	pos = foff;
	if (getvar(p, end, &pos, &v) || getvar(p, end, &pos, &v) ||
	    getvar(p, end, &pos, &nk) || nk > 32)
		goto sum;
	for (k = 0; k < nk; k++)
		if (getvar(p, end, &pos, &v) || (pos += 2) > end)
			goto sum;
	if (getvar(p, end, &pos, &nb))
		goto sum;
	for (k = 0; k < nb; k++) {
		if (getvar(p, end, &pos, &off) || getvar(p, end, &pos, &len) ||
		    getvar(p, end, &pos, &v) || getvar(p, end, &pos, &fl) ||
		    fl > end - pos || (pos += fl) + 8 > end)
			break;
		if (off <= foff && len <= foff - off)
			rdb_store64(p + pos, rdb_hash64(p + off, (size_t)len));
		pos += 8;
	}
sum:
	rdb_store64(p + end, rdb_hash64(p + foff, flen - 8));
}

static void lookup(struct rdb_idx *x, const uint8_t *lo, size_t lolen,
    int lo_open, const uint8_t *hi, size_t hilen, int hi_open)
{
	struct rdb_err e;
	uint32_t *pos = NULL;
	size_t n = 0, i;
	int rc;

	rdb_err_clear(&e);
	rc = rdb_idx_range(x, lo, lolen, lo_open, hi, hilen, hi_open, &pos, &n,
	    &e);
	fuzz_check_err(rc, &e);
	if (rc != RDB_OK && (pos != NULL || n != 0))
		abort();
	for (i = 0; i < n; i++)
		if (pos[i] >= rdb_idx_rows(x) || (i > 0 && pos[i] < pos[i - 1]))
			abort();
	free(pos);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdb_idx *x = NULL;
	struct rdb_err e;
	uint8_t *p;
	size_t n;
	int rc;

	if (size < 1)
		return 0;
	n = size - 1;
	p = malloc(n + 1);
	if (p == NULL)
		return 0;
	memcpy(p, data + 1, n);
	if (data[0] & 1)
		fixup(p, n);
	fuzz_write("f.idx", p, n);

	rdb_err_clear(&e);
	rc = rdb_idx_open(fuzz_path("f.idx"), &x, &e);
	fuzz_check_err(rc, &e);
	if (rc != RDB_OK) {
		if (x != NULL)
			abort();
		free(p);
		return 0;
	}
	lookup(x, NULL, 0, 0, NULL, 0, 0);
	/* bounds from the input's bytes: the first and last nine */
	if (n >= 48) {
		lookup(x, p + 16, 9, data[0] & 2, p + 16, 9, data[0] & 4);
		lookup(x, p + 16, 9, 0, NULL, 0, 0);
		lookup(x, NULL, 0, 0, p + n - 40, 9, data[0] & 8);
	}
	rdb_idx_close(x);
	free(p);
	return 0;
}
