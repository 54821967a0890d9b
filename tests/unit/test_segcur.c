/*
 * test_segcur.c - segment cursors (rdb_seg_cur_*) read what
 * rdb_seg_read_col reads: every type, with and without NULLs, in
 * slices of several sizes with some skipped, over row groups of a size
 * that is no multiple of the slice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "seg/seg.h"
#include "txn/vec.h"
#include "unit.h"

#define NROWS 5003
#define NCOLS 11

static int64_t wide_of(const struct rdb_vec *v, size_t i)
{
	switch (v->type) {
	case RDB_BOOLEAN:
		return ((const uint8_t *)v->values)[i];
	case RDB_INTEGER: case RDB_DATE:
		return ((const int32_t *)v->values)[i];
	default:
		return ((const int64_t *)v->values)[i];
	}
}

static int is_null(const uint8_t *validity, size_t i)
{
	return validity != NULL && !(validity[i >> 3] >> (i & 7) & 1);
}

/* Read k rows at pos through rdb_seg_cur_read_sel (halves for a
 * DECIMAL), about 2 rows in 5, and compare them with whole's: the rows
 * that differ, or -1 when the encoding cannot (nothing read). */
static int sel_check(struct rdb_seg_cur *cur, const struct rdb_vec *whole,
    size_t pos, size_t k)
{
	static uint32_t sel[4096];
	static int64_t lo[4096], hi[4096];
	struct rdb_vec v;
	struct rdb_err e;
	const uint8_t *nb;
	int64_t hv;
	size_t m = 0, j;
	int hc, rc, bad = 0;

	for (j = 0; j < k; j++)
		if ((j * 7 + pos) % 5 < 2)
			sel[m++] = (uint32_t)j;
	if (whole->type == RDB_DECIMAL) {
		rc = rdb_seg_cur_read_halves_sel(cur, k, sel, m, lo, hi, &hc, &hv,
		    &nb, &e);
	} else {
		rc = rdb_seg_cur_read_sel(cur, k, sel, m, &v, lo, &e);
		nb = v.validity;
	}
	if (rc == 1)
		return -1;
	if (rc != RDB_OK)
		return 1;
	for (j = 0; j < m; j++) {
		size_t r = pos + sel[j];
		if (is_null(whole->validity, r) != is_null(nb, sel[j]))
			bad++;
		else if (is_null(nb, sel[j]))
			continue;
		else if (whole->type == RDB_DECIMAL)
			bad += ((const int64_t *)whole->values)[2 * r] != lo[j] ||
			    ((const int64_t *)whole->values)[2 * r + 1] !=
			    (hc ? hv : hi[j]);
		else
			bad += wide_of(whole, r) != lo[j];
	}
	return bad;
}

UNIT_TEST(seg_cursor)
{
	static const enum rdb_type types[NCOLS] = { RDB_BOOLEAN, RDB_INTEGER,
		RDB_BIGINT, RDB_DOUBLE, RDB_DECIMAL, RDB_TEXT, RDB_DATE,
		RDB_TIMESTAMP, RDB_INTEGER, RDB_DECIMAL, RDB_TEXT };
	static const size_t slices[] = { 8, 2048, 4096 };
	struct rdb_segw_col cols[NCOLS];
	struct rdb_vec vecs[NCOLS];
	uint64_t rowids[NROWS], commits[NROWS], size;
	char dir[] = "/tmp/rdb-segcur-XXXXXX", path[64];
	struct rdb_segw *w;
	struct rdb_seg *s;
	struct rdb_err e;
	uint8_t *buf = malloc(4096 * 16);
	size_t c, i, si, rg;
	int bad = 0, gathers = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/seg", dir);
	memset(vecs, 0, sizeof vecs);
	for (c = 0; c < NCOLS; c++) {
		size_t wd = rdb_type_width(types[c]);
		cols[c].id = (uint32_t)c + 1;
		cols[c].type = types[c];
		cols[c].precision = types[c] == RDB_DECIMAL ? 20 : 0;
		cols[c].scale = types[c] == RDB_DECIMAL ? 2 : 0;
		vecs[c].type = types[c];
		vecs[c].precision = cols[c].precision;
		vecs[c].scale = cols[c].scale;
		if (c % 2 == 1) {	/* odd columns have NULLs */
			vecs[c].validity = calloc(NROWS / 8 + 1, 1);
			for (i = 0; i < NROWS; i++)
				if (i % 7 != 3)
					vecs[c].validity[i / 8] |= (uint8_t)(1u << i % 8);
		}
		if (wd > 0) {
			vecs[c].values = calloc(NROWS, wd);
			for (i = 0; i < NROWS; i++) {
				int64_t x = (int64_t)(i * 2654435761u % 1000) - 300;
				if (c == 8)
					x = (int64_t)(i / 100);	/* runs */
				switch (types[c]) {
				case RDB_BOOLEAN:
					((uint8_t *)vecs[c].values)[i] = (uint8_t)(x & 1);
					break;
				case RDB_INTEGER: case RDB_DATE:
					((int32_t *)vecs[c].values)[i] = (int32_t)x;
					break;
				case RDB_DECIMAL:
					((int64_t *)vecs[c].values)[2 * i] = x;
					((int64_t *)vecs[c].values)[2 * i + 1] =
					    c == 9 && i % 5 == 0 ? 7 : c == 4 ? 0 :
					    x < 0 ? -1 : 0;	/* 4: one high half */
					break;
				default:
					((int64_t *)vecs[c].values)[i] = x * 1000003;
				}
			}
		} else {
			char *d = malloc(NROWS * 16);
			size_t off = 0;
			vecs[c].offsets = malloc((NROWS + 1) * sizeof(uint32_t));
			vecs[c].offsets[0] = 0;
			for (i = 0; i < NROWS; i++) {
				/* 5: a dictionary; 10: plain, every one new */
				off += (size_t)(c == 5 ? sprintf(d + off, "v%zu",
				    i % 37) : sprintf(d + off, "r%zu-%zu", i,
				    i * 7919 % 1000));
				vecs[c].offsets[i + 1] = (uint32_t)off;
			}
			vecs[c].values = d;
		}
	}
	for (i = 0; i < NROWS; i++) {
		rowids[i] = i + 1;
		commits[i] = 1;
	}
	CHECK(rdb_segw_open(path, 1, 3, NCOLS, cols, &w, &e) == RDB_OK);
	/* two row groups: 3000 rows, then the rest */
	CHECK(rdb_segw_rowgroup(w, 3000, rowids, commits, vecs, &e) == RDB_OK);
	{
		struct rdb_vec rest[NCOLS];
		for (c = 0; c < NCOLS; c++) {
			size_t wd = rdb_type_width(types[c]);
			rest[c] = vecs[c];
			rest[c].validity = NULL;	/* no NULLs here */
			if (wd > 0)
				rest[c].values = (uint8_t *)vecs[c].values + 3000 * wd;
			else
				rest[c].offsets = vecs[c].offsets + 3000;
		}
		CHECK(rdb_segw_rowgroup(w, NROWS - 3000, rowids + 3000,
		    commits + 3000, rest, &e) == RDB_OK);
	}
	CHECK(rdb_segw_finish(w, &size, &e) == RDB_OK);
	CHECK(rdb_seg_open(dir, "seg", size, &s, &e) == RDB_OK);
	for (rg = 0; rg < rdb_seg_nrowgroups(s); rg++)
		for (c = 0; c < NCOLS; c++) {
			struct rdb_vec whole;
			size_t n = rdb_seg_rg_rows(s, rg), wd = rdb_type_width(types[c]);
			CHECK(rdb_seg_read_col(s, rg, (int)c, &whole, &e) == RDB_OK);
			for (si = 0; si < sizeof slices / sizeof *slices; si++) {
				struct rdb_seg_cur cur;
				size_t pos = 0, k, j = 0;
				rdb_seg_cur_init(&cur);
				CHECK(rdb_seg_cur_open(&cur, s, rg, (int)c, &e) == RDB_OK);
				while (pos < n) {
					struct rdb_vec v;
					k = n - pos < slices[si] ? n - pos : slices[si];
					if (j++ % 3 == 2) {
						CHECK(rdb_seg_cur_skip(&cur, k, &e) == RDB_OK);
						pos += k;
						continue;
					}
					if (j % 3 == 2 && wd > 0) {
						/* some rows only (read_sel) */
						int got = sel_check(&cur, &whole, pos, k);
						if (got >= 0) {
							bad += got;
							gathers++;
							pos += k;
							continue;
						}
					}
					CHECK(rdb_seg_cur_read(&cur, k, &v, buf, &e) == RDB_OK);
					for (i = 0; i < k; i++) {
						size_t r = pos + i;
						if (is_null(whole.validity, r) !=
						    is_null(v.validity, i))
							bad++;
						else if (wd == 16)
							bad += memcmp((uint8_t *)whole.values +
							    16 * r, (uint8_t *)v.values + 16 * i,
							    16) != 0;
						else if (wd > 0)
							bad += wide_of(&whole, r) !=
							    ((int64_t *)v.values)[i];
						else
							bad += whole.offsets[r + 1] -
							    whole.offsets[r] != v.offsets[2 * i + 1]
							    - v.offsets[2 * i] || memcmp((char *)
							    whole.values + whole.offsets[r],
							    (char *)v.values + v.offsets[2 * i],
							    whole.offsets[r + 1] -
							    whole.offsets[r]) != 0;
					}
					pos += k;
				}
				rdb_seg_cur_release(&cur);
			}
			rdb_vec_release(&whole);
		}
	CHECK(bad == 0);
	CHECK(gathers > 0);
	rdb_seg_close(s);
	rdb_seg_scratch_release();
	unlink(path);
	rmdir(dir);
	for (c = 0; c < NCOLS; c++) {
		free(vecs[c].validity);
		free(vecs[c].values);
		free(vecs[c].offsets);
	}
	free(buf);
}
