/*
 * fuzz-segment.c - libFuzzer target for segment files (lib/seg/seg.c,
 * format/segment.md): rdb_seg_open's header, trailer and footer parse,
 * then every chunk of every row group through rdb_seg_read_hidden and
 * rdb_seg_read_col, and rdb_seg_check_col (the verifier's decode) held
 * to the same answers as rdb_seg_read_col. Any file must open and decode or be rejected as
 * RDB_ECORRUPT, never read out of bounds, crash, leak or ask for a
 * huge allocation.
 *
 * Input: one mode byte, then the file.
 *   mode bit 0 clear: the file is written as it is.
 *   mode bit 0 set:   "fix-up" - the header magic, trailer magic, every
 *                     chunk checksum the footer gives an in-bounds
 *                     extent for, and the footer checksum are rewritten
 *                     to be right, so mutations reach the footer and
 *                     chunk decoders instead of dying at a checksum.
 * The seed corpus (tests/fuzz/corpus/segment, made by mkcorpus.c) has
 * valid segments of every type, with NULLs and all three codecs.
 *
 * Build and run: tools/fuzz.sh, or by hand from the project root
 *
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -Ilib -Ilib/include -Icmd \
 *       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *       tests/fuzz/fuzz-segment.c $(find lib -name '*.c') \
 *       $(pkg-config --cflags --libs libzstd liblz4 libarchive libsodium libxxhash) \
 *       -o build/fuzz/fuzz-segment
 *   build/fuzz/fuzz-segment -max_len=65536 corpus-dir/
 */
#include "seg/seg.h"
#include "txn/cat.h"
#include "txn/vec.h"

#include "fuzz-util.h"

#define SEG_HDR 16
#define SEG_TRAILER 16

static const uint8_t seg_magic[8] = { 'R', 'D', 'B', 'S', 'E', 'G', 0, 0 };
static const uint8_t seg_end[8] = { 'R', 'D', 'B', 'S', 'E', 'G', 'F', 'T' };

/* A LEB128 var at f[*pos..end); -1 when truncated or too long. */
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

/* Make the checksums of file p[0..n) right, as far as its footer can
 * be walked; the rest is left as the fuzzer made it. */
static void fixup(uint8_t *p, size_t n)
{
	uint64_t flen, foff, v, ncols, nrg, i, k, rows;
	size_t pos, end;
	uint8_t *f;

	if (n < SEG_HDR + SEG_TRAILER + 8)
		return;
	memcpy(p, seg_magic, 8);
	memset(p + 8, 0, 8);
	memcpy(p + n - 8, seg_end, 8);
	memset(p + n - 12, 0, 4);
	flen = rdb_load32(p + n - SEG_TRAILER);
	if (flen < 8 || flen > n - SEG_HDR - SEG_TRAILER)
		return;
	foff = n - SEG_TRAILER - flen;
	f = p + foff;
	end = (size_t)flen - 8;
	pos = 0;
	if (getvar(f, end, &pos, &ncols) != 0 || ncols > 4096)
		goto done;
	for (i = 0; i < ncols; i++)
		if (getvar(f, end, &pos, &v) != 0 || (pos += 3) > end)
			goto done;
	if (getvar(f, end, &pos, &nrg) != 0)
		goto done;
	for (i = 0; i < nrg; i++) {
		if (getvar(f, end, &pos, &rows) != 0)
			goto done;
		for (k = 0; k < 2 + ncols; k++) {
			uint64_t off, st, raw, nulls;
			uint8_t mm;
			if (getvar(f, end, &pos, &off) != 0 ||
			    getvar(f, end, &pos, &st) != 0 ||
			    getvar(f, end, &pos, &raw) != 0 || pos + 1 > end)
				goto done;
			pos++;		/* codec */
			if (getvar(f, end, &pos, &nulls) != 0 || pos + 1 > end)
				goto done;
			mm = f[pos++];
			if (mm == 1)
				pos += 16;
			if (pos + 8 > end)
				goto done;
			if (off >= SEG_HDR && off <= foff && st <= foff - off)
				rdb_store64(f + pos, rdb_hash64(p + off, (size_t)st));
			pos += 8;
		}
	}
done:
	rdb_store64(f + flen - 8, rdb_hash64(f, (size_t)flen - 8));
}

/* What a successful decode promises about a vector. */
static void check_vec(const struct rdb_vec *v, enum rdb_type t, size_t n)
{
	size_t i;

	if (v->type != t)
		abort();
	if (rdb_type_width(t) > 0) {
		if (v->values == NULL || v->offsets != NULL)
			abort();
		if (t == RDB_BOOLEAN)
			for (i = 0; i < n; i++)
				if (((const uint8_t *)v->values)[i] > 1)
					abort();
		return;
	}
	if (v->offsets == NULL || v->offsets[0] != 0)
		abort();
	for (i = 0; i < n; i++)
		if (v->offsets[i + 1] < v->offsets[i])
			abort();
	/* every byte is there: the sanitizer sees an over-read */
	if (v->offsets[n] > 0 && v->values == NULL)
		abort();
	for (i = 0; i < v->offsets[n]; i++)
		(void)*(volatile const uint8_t *)((const uint8_t *)v->values + i);
	if (t != RDB_BLOB && !rdb_utf8_valid(v->values, v->offsets[n]))
		abort();
}

/*
 * rdb_seg_check_col (rdb-verify's decode) against rdb_seg_read_col,
 * whose result was rc, v, e: the same damage found with the same
 * message, the same values and NULLs; it may fail where reading did
 * not only over text that is not valid UTF-8 string by string.
 */
static void check_same(struct rdb_seg *s, size_t rg, int chunk, int rc,
    const struct rdb_vec *v, const struct rdb_err *e)
{
	enum rdb_type t = rdb_seg_col_type(s, (size_t)chunk);
	size_t n = rdb_seg_rg_rows(s, rg), i;
	const uint8_t *bm;
	const int64_t *wide;
	struct rdb_err e2;
	int rc2;

	rc2 = rdb_seg_check_col(s, rg, chunk, &wide, &bm, &e2);
	fuzz_check_err(rc2, &e2);
	if (rc == RDB_ENOMEM || rc2 == RDB_ENOMEM)
		return;
	if (rc != RDB_OK) {
		if (rc2 != rc || strcmp(e->msg, e2.msg) != 0)
			abort();
		return;
	}
	if (rc2 != RDB_OK) {
		if (rc2 != RDB_ECORRUPT ||
		    strstr(e2.msg, "text is not valid UTF-8") == NULL ||
		    t == RDB_BLOB || rdb_type_width(t) > 0)
			abort();
		return;
	}
	if ((bm == NULL) != (v->validity == NULL) ||
	    (bm != NULL && memcmp(bm, v->validity, (n + 7) / 8) != 0))
		abort();
	if ((wide != NULL) != (rdb_type_width(t) > 0 && t != RDB_DECIMAL))
		abort();
	for (i = 0; wide != NULL && i < n; i++) {
		int64_t x;
		if (t == RDB_BOOLEAN)
			x = ((const uint8_t *)v->values)[i];
		else if (t == RDB_INTEGER || t == RDB_DATE)
			x = ((const int32_t *)v->values)[i];
		else
			memcpy(&x, (const uint8_t *)v->values + 8 * i, 8);
		if (x != wide[i])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdb_seg *s = NULL;
	struct rdb_err e;
	uint8_t *p;
	size_t n, rg, i, ncols;
	int rc, chunk;

	if (size < 1)
		return 0;
	n = size - 1;
	p = malloc(n + 1);
	if (p == NULL)
		return 0;
	memcpy(p, data + 1, n);
	if (data[0] & 1)
		fixup(p, n);
	fuzz_write("f.seg", p, n);
	free(p);

	rdb_err_clear(&e);
	rc = rdb_seg_open(fuzz_dir(), "f.seg", 0, &s, &e);
	if (fuzz_verbose())
		fprintf(stderr, "open: %d %s\n", rc, e.msg);
	fuzz_check_err(rc, &e);
	if (rc != RDB_OK) {
		if (s != NULL)
			abort();
		return 0;
	}
	/* the size check against the manifest's */
	{
		struct rdb_seg *s2 = NULL;
		rc = rdb_seg_open(fuzz_dir(), "f.seg", (uint64_t)n + 1, &s2, &e);
		if (rc != RDB_ECORRUPT || s2 != NULL)
			abort();
	}
	ncols = rdb_seg_ncols(s);
	for (i = 0; i < ncols; i++) {
		struct rdb_segw_col c;
		rdb_seg_col(s, i, &c);
		if (c.id != rdb_seg_col_id(s, i) || c.type != rdb_seg_col_type(s, i) ||
		    rdb_seg_find_col(s, c.id) < 0)
			abort();
	}
	for (rg = 0; rg < rdb_seg_nrowgroups(s); rg++) {
		size_t rows = rdb_seg_rg_rows(s, rg);
		uint64_t *hidden = malloc(rows * sizeof *hidden);

		if (hidden == NULL)
			break;
		for (chunk = RDB_SEG_ROWID; chunk < (int)ncols; chunk++) {
			const struct rdb_zone *z = rdb_seg_zone(s, rg, chunk);
			unsigned mask;

			if (z->nulls > rows)
				abort();
			if (chunk < 0) {
				rc = rdb_seg_read_hidden(s, rg, chunk, hidden, &e);
				if (fuzz_verbose())
					fprintf(stderr, "rg %zu hidden %d: %d %s\n", rg,
					    chunk, rc, rc != RDB_OK ? e.msg : "");
				fuzz_check_err(rc, &e);
				if (rc == RDB_OK && chunk == RDB_SEG_ROWID)
					for (i = 1; i < rows; i++)
						if (hidden[i] <= hidden[i - 1])
							abort();
			} else {
				struct rdb_vec v;
				rc = rdb_seg_read_col(s, rg, chunk, &v, &e);
				if (fuzz_verbose())
					fprintf(stderr, "rg %zu column %d: %d %s\n", rg,
					    chunk, rc, rc != RDB_OK ? e.msg : "");
				fuzz_check_err(rc, &e);
				if (rc == RDB_OK)
					check_vec(&v, rdb_seg_col_type(s, (size_t)chunk), rows);
				check_same(s, rg, chunk, rc, &v, &e);
				if (rc == RDB_OK)
					rdb_vec_release(&v);
			}
			rc = rdb_seg_chunk_encodings(s, rg, chunk, &mask, &e);
			fuzz_check_err(rc, &e);
		}
		free(hidden);
	}
	rdb_seg_close(s);
	/* no state (or memory grown by this input) carries to the next */
	rdb_seg_scratch_release();
	return 0;
}
