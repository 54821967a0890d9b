/*
 * idx.c - index files (format/index.md, F-IDX).
 *
 *     header (16) | block | block | ... | footer | trailer (16)
 *
 * A block is up to RDB_IDX_BLOCK entries (var key length, key bytes,
 * var position), sorted by key and then position [F-IDX-003]. The
 * footer repeats what the file is of (index id, rows, key columns) and
 * lists each block's extent, entry count, first key and checksum: that
 * list is the small sparse top level a lookup searches, so a lookup
 * reads the footer and then only the blocks its keys can be in. The
 * file is made whole in memory from the segment and written once
 * (rdb_idx_image); the checker makes it again and compares bytes, so
 * "sorted", "every row exactly once" and "keys equal to the segment's
 * values" are one comparison [F-IDX-007].
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idx/idx.h"
#include "seg/seg.h"
#include "txn/vec.h"

static const uint8_t idx_magic[8] = { 'R', 'D', 'B', 'I', 'D', 'X', 0, 0 };
static const uint8_t idx_tmagic[8] = { 'R', 'D', 'B', 'I', 'D', 'X', 'F', 'T' };

/* Footers and blocks beyond these are damage [F-IDX-005]. */
#define MAX_FOOTER ((uint32_t)1 << 30)
#define MAX_KEY ((uint64_t)1 << 24)

/* ---------------------------------------------------------------- */
/* Keys [F-IDX-004]                                                  */

static int put_be64(struct rdb_buf *b, uint64_t v, uint8_t flip)
{
	uint8_t p[8];
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i)) ^ flip;
	return rdb_buf_append(b, p, 8);
}

int rdb_idx_key_put_int(struct rdb_buf *b, int64_t i, int desc)
{
	uint8_t flip = desc ? 0xff : 0;

	if (rdb_buf_put8(b, 1 ^ flip) != RDB_OK)
		return RDB_ENOMEM;
	return put_be64(b, (uint64_t)i ^ ((uint64_t)1 << 63), flip);
}

int rdb_idx_key_put_double(struct rdb_buf *b, double d, int desc)
{
	uint8_t flip = desc ? 0xff : 0;
	uint64_t u;

	if (d == 0)
		d = 0;          /* -0.0 is 0.0 */
	memcpy(&u, &d, 8);
	u = (u >> 63) ? ~u : u ^ ((uint64_t)1 << 63);
	if (rdb_buf_put8(b, 1 ^ flip) != RDB_OK)
		return RDB_ENOMEM;
	return put_be64(b, u, flip);
}

int rdb_idx_key_put(struct rdb_buf *b, const struct rdb_vec *v, size_t row,
    int desc)
{
	uint8_t flip = desc ? 0xff : 0;

	if (v == NULL || rdb_vec_is_null(v, row))
		return rdb_buf_put8(b, 0 ^ flip);
	switch (v->type) {
	case RDB_BOOLEAN:
		return rdb_idx_key_put_int(b, ((const uint8_t *)v->values)[row],
		    desc);
	case RDB_INTEGER: case RDB_DATE:
		return rdb_idx_key_put_int(b, ((const int32_t *)v->values)[row],
		    desc);
	case RDB_BIGINT: case RDB_TIMESTAMP:
		return rdb_idx_key_put_int(b, ((const int64_t *)v->values)[row],
		    desc);
	case RDB_DOUBLE:
		return rdb_idx_key_put_double(b, ((const double *)v->values)[row],
		    desc);
	case RDB_DECIMAL: {
		const uint64_t *w = (const uint64_t *)v->values + 2 * row;
		if (rdb_buf_put8(b, 1 ^ flip) != RDB_OK ||
		    put_be64(b, w[1] ^ ((uint64_t)1 << 63), flip) != RDB_OK)
			return RDB_ENOMEM;
		return put_be64(b, w[0], flip);
	}
	default: {
		/* bytes, 0x00 as 0x00 0xff, ended by 0x00 0x00: no key is a
		 * prefix of another, so order is kept column by column */
		const uint8_t *p = (const uint8_t *)v->values + v->offsets[row];
		size_t n = v->offsets[row + 1] - v->offsets[row], i;
		if (rdb_buf_reserve(b, 3 + 2 * n) != RDB_OK)
			return RDB_ENOMEM;
		b->p[b->len++] = 1 ^ flip;
		for (i = 0; i < n; i++) {
			b->p[b->len++] = p[i] ^ flip;
			if (p[i] == 0)
				b->p[b->len++] = 0xff ^ flip;
		}
		b->p[b->len++] = flip;
		b->p[b->len++] = flip;
		return RDB_OK;
	}
	}
}

/* ---------------------------------------------------------------- */
/* Building                                                          */

struct ent {
	size_t off;                 /* in keys */
	uint32_t len, pos;
};

static int key_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

static int ent_cmp(const void *x, const void *y, void *arg)
{
	const struct ent *a = x, *b = y;
	const uint8_t *k = arg;
	int c = key_cmp(k + a->off, a->len, k + b->off, b->len);

	if (c != 0)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

int rdb_idx_image(struct rdb_seg *g, const struct rdb_idx_def *def,
    struct rdb_buf *out, struct rdb_err *e)
{
	struct rdb_buf keys, foot;
	struct ent *ents = NULL;
	struct rdb_vec *v = NULL;
	int *ci = NULL;
	uint64_t nrows = rdb_seg_rows(g), at = 0;
	size_t rg, k, r, i, nblocks;
	uint8_t t[16];
	int rc = RDB_OK;

	rdb_buf_init(out);
	rdb_buf_init(&keys);
	rdb_buf_init(&foot);
	if (nrows > UINT32_MAX)
		return rdb_err_set(e, RDB_EINVAL, "'%s' has too many rows to index",
		    rdb_seg_path(g));
	ents = malloc(((size_t)nrows + 1) * sizeof *ents);
	v = calloc(def->nkeys, sizeof *v);
	ci = calloc(def->nkeys, sizeof *ci);
	if (ents == NULL || v == NULL || ci == NULL)
		goto nomem;
	for (k = 0; k < def->nkeys; k++)
		ci[k] = rdb_seg_find_col(g, def->col_ids[k]);
	for (rg = 0; rg < rdb_seg_nrowgroups(g); rg++) {
		size_t n = rdb_seg_rg_rows(g, rg);
		for (k = 0; k < def->nkeys; k++) {
			memset(&v[k], 0, sizeof v[k]);
			/* a column the segment lacks reads NULL [F-SEG-005] */
			if (ci[k] >= 0 &&
			    (rc = rdb_seg_read_col(g, rg, ci[k], &v[k], e)) != RDB_OK)
				goto out;
		}
		for (r = 0; r < n; r++, at++) {
			ents[at].off = keys.len;
			ents[at].pos = (uint32_t)at;
			for (k = 0; k < def->nkeys; k++)
				if (rdb_idx_key_put(&keys, ci[k] >= 0 ? &v[k] : NULL, r,
				    def->kflags[k] & 1) != RDB_OK)
					goto nomem;
			ents[at].len = (uint32_t)(keys.len - ents[at].off);
		}
		for (k = 0; k < def->nkeys; k++)
			rdb_vec_release(&v[k]);
	}
	qsort_r(ents, (size_t)nrows, sizeof *ents, ent_cmp, keys.p);

	/* header, blocks, and the footer as they go */
	memcpy(t, idx_magic, 8);
	rdb_store32(t + 8, 0);
	rdb_store32(t + 12, 0);
	nblocks = ((size_t)nrows + RDB_IDX_BLOCK - 1) / RDB_IDX_BLOCK;
	if (rdb_buf_append(out, t, 16) != RDB_OK ||
	    rdb_buf_putvar(&foot, def->index_id) != RDB_OK ||
	    rdb_buf_putvar(&foot, nrows) != RDB_OK ||
	    rdb_buf_putvar(&foot, def->nkeys) != RDB_OK)
		goto nomem;
	for (k = 0; k < def->nkeys; k++)
		if (rdb_buf_putvar(&foot, def->col_ids[k]) != RDB_OK ||
		    rdb_buf_put8(&foot, ci[k] >= 0 ? (uint8_t)rdb_seg_col_type(g,
		    (size_t)ci[k]) : 0) != RDB_OK ||
		    rdb_buf_put8(&foot, def->kflags[k]) != RDB_OK)
			goto nomem;
	if (rdb_buf_putvar(&foot, nblocks) != RDB_OK)
		goto nomem;
	for (i = 0; i < (size_t)nrows; i += RDB_IDX_BLOCK) {
		size_t start = out->len, end = i + RDB_IDX_BLOCK;
		if (end > (size_t)nrows)
			end = (size_t)nrows;
		for (r = i; r < end; r++)
			if (rdb_buf_putvar(out, ents[r].len) != RDB_OK ||
			    rdb_buf_append(out, keys.p + ents[r].off,
			    ents[r].len) != RDB_OK ||
			    rdb_buf_putvar(out, ents[r].pos) != RDB_OK)
				goto nomem;
		if (rdb_buf_putvar(&foot, start) != RDB_OK ||
		    rdb_buf_putvar(&foot, out->len - start) != RDB_OK ||
		    rdb_buf_putvar(&foot, end - i) != RDB_OK ||
		    rdb_buf_putvar(&foot, ents[i].len) != RDB_OK ||
		    rdb_buf_append(&foot, keys.p + ents[i].off,
		    ents[i].len) != RDB_OK ||
		    rdb_buf_put64(&foot, rdb_hash64(out->p + start,
		    out->len - start)) != RDB_OK)
			goto nomem;
	}
	if (rdb_buf_put64(&foot, rdb_hash64(foot.p, foot.len)) != RDB_OK)
		goto nomem;
	if (foot.len > MAX_FOOTER) {
		rc = rdb_err_set(e, RDB_EINVAL, "the index of '%s' would be too "
		    "large", rdb_seg_path(g));
		goto out;
	}
	rdb_store32(t, (uint32_t)foot.len);
	rdb_store32(t + 4, 0);
	memcpy(t + 8, idx_tmagic, 8);
	if (rdb_buf_append(out, foot.p, foot.len) != RDB_OK ||
	    rdb_buf_append(out, t, 16) != RDB_OK)
		goto nomem;
	goto out;
nomem:
	rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
out:
	for (k = 0; v != NULL && k < def->nkeys; k++)
		rdb_vec_release(&v[k]);
	free(v);
	free(ci);
	free(ents);
	rdb_buf_release(&keys);
	rdb_buf_release(&foot);
	if (rc != RDB_OK)
		rdb_buf_release(out);
	return rc;
}

int rdb_idx_write(const char *path, struct rdb_seg *g,
    const struct rdb_idx_def *def, struct rdb_err *e)
{
	struct rdb_buf img;
	char *tmp = NULL, *dir = NULL, *slash;
	int fd = -1, rc;

	if ((rc = rdb_idx_image(g, def, &img, e)) != RDB_OK)
		return rc;
	if (asprintf(&tmp, "%s.tmp", path) < 0 || (dir = strdup(path)) == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (mkdir(dir, 0700) == 0) {
		char *up = strdup(dir), *s2;
		if (up != NULL && (s2 = strrchr(up, '/')) != NULL) {
			*s2 = '\0';
			rdb_fsync_dir(up);
		}
		free(up);
	} else if (errno != EEXIST) {
		rc = rdb_err_sys(e, errno, "cannot create '%s'", dir);
		goto out;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = rdb_err_sys(e, errno, "cannot create '%s'", tmp);
		goto out;
	}
	if (rdb_pwrite_full(fd, img.p, img.len, 0) != 0 || rdb_io_fsync(fd) != 0) {
		rc = rdb_err_sys(e, errno, "cannot write '%s'", tmp);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = rdb_err_sys(e, errno, "cannot close '%s'", tmp);
		goto out;
	}
	fd = -1;
	/* [F-IDX-006] whole or absent */
	if (rename(tmp, path) != 0) {
		rc = rdb_err_sys(e, errno, "cannot rename '%s'", tmp);
		goto out;
	}
	if (rdb_fsync_dir(dir) != 0)
		rc = rdb_err_sys(e, errno, "cannot sync '%s'", dir);
out:
	if (fd >= 0)
		close(fd);
	if (rc != RDB_OK && tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	rdb_buf_release(&img);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Reading                                                           */

struct iblock {
	uint64_t off, len, n;
	const uint8_t *first;       /* in foot */
	size_t firstlen;
	uint64_t sum;
};

struct rdb_idx {
	int fd;
	char *path;
	uint64_t size, rows, nkeys;
	uint8_t *foot;
	size_t nblocks;
	struct iblock *blocks;
	uint64_t foot_off;
};

void rdb_idx_close(struct rdb_idx *x)
{
	if (x == NULL)
		return;
	if (x->fd >= 0)
		close(x->fd);
	free(x->path);
	free(x->foot);
	free(x->blocks);
	free(x);
}

uint64_t rdb_idx_rows(const struct rdb_idx *x)
{
	return x->rows;
}

#define DAMAGED(off, what) do { rc = rdb_err_set(e, RDB_ECORRUPT, \
	"damaged index file '%s' at offset %llu: %s", path, \
	(unsigned long long)(off), what); goto out; } while (0)

int rdb_idx_open(const char *path, struct rdb_idx **out, struct rdb_err *e)
{
	struct rdb_idx *x = calloc(1, sizeof *x);
	struct stat st;
	struct rdb_rd r;
	uint8_t h[16], t[16];
	uint64_t flen, nb, k, v;
	size_t i;
	int rc = RDB_OK;

	*out = NULL;
	if (x == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	x->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (x->fd < 0) {
		rc = rdb_err_sys(e, errno, "cannot open '%s'", path);
		goto out;
	}
	if ((x->path = strdup(path)) == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	if (fstat(x->fd, &st) != 0) {
		rc = rdb_err_sys(e, errno, "cannot stat '%s'", path);
		goto out;
	}
	x->size = (uint64_t)st.st_size;
	if (x->size < 32 || rdb_pread_full(x->fd, h, 16, 0) != 0 ||
	    rdb_pread_full(x->fd, t, 16, (off_t)(x->size - 16)) != 0)
		DAMAGED(0, "shorter than its header and trailer");
	if (memcmp(h, idx_magic, 8) != 0 || rdb_load32(h + 8) != 0 ||
	    rdb_load32(h + 12) != 0)
		DAMAGED(0, "bad header");
	flen = rdb_load32(t);
	if (memcmp(t + 8, idx_tmagic, 8) != 0 || rdb_load32(t + 4) != 0)
		DAMAGED(x->size - 16, "bad trailer");
	if (flen < 8 || flen > MAX_FOOTER || flen > x->size - 32)
		DAMAGED(x->size - 16, "footer length out of the file");
	x->foot_off = x->size - 16 - flen;
	if ((x->foot = malloc((size_t)flen)) == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	if (rdb_pread_full(x->fd, x->foot, (size_t)flen, (off_t)x->foot_off) != 0)
		DAMAGED(x->foot_off, "cannot read the footer");
	if (rdb_hash64(x->foot, (size_t)flen - 8) !=
	    rdb_load64(x->foot + flen - 8))
		DAMAGED(x->foot_off, "footer checksum mismatch");
	rdb_rd_init(&r, x->foot, (size_t)flen - 8);
	if (rdb_rd_getvar(&r, &v) != 0 || rdb_rd_getvar(&r, &x->rows) != 0 ||
	    x->rows > UINT32_MAX || rdb_rd_getvar(&r, &x->nkeys) != 0 ||
	    x->nkeys == 0 || x->nkeys > 32)
		DAMAGED(x->foot_off + r.pos, "bad footer");
	for (k = 0; k < x->nkeys; k++) {
		uint8_t b1, b2;
		if (rdb_rd_getvar(&r, &v) != 0 || rdb_rd_get8(&r, &b1) != 0 ||
		    rdb_rd_get8(&r, &b2) != 0)
			DAMAGED(x->foot_off + r.pos, "bad footer key column");
	}
	if (rdb_rd_getvar(&r, &nb) != 0 ||
	    nb != (x->rows + RDB_IDX_BLOCK - 1) / RDB_IDX_BLOCK)
		DAMAGED(x->foot_off + r.pos, "bad block count");
	x->blocks = calloc((size_t)nb + 1, sizeof *x->blocks);
	if (x->blocks == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	{
		uint64_t next = 16, left = x->rows;
		for (i = 0; i < (size_t)nb; i++) {
			struct iblock *b = &x->blocks[i];
			uint64_t fl;
			if (rdb_rd_getvar(&r, &b->off) != 0 ||
			    rdb_rd_getvar(&r, &b->len) != 0 ||
			    rdb_rd_getvar(&r, &b->n) != 0 ||
			    rdb_rd_getvar(&r, &fl) != 0 || fl > MAX_KEY ||
			    rdb_rd_bytes(&r, (size_t)fl, &b->first) != 0 ||
			    rdb_rd_get64(&r, &b->sum) != 0)
				DAMAGED(x->foot_off + r.pos, "bad block entry");
			b->firstlen = (size_t)fl;
			/* blocks in order, back to back, between header and
			 * footer; all full but the last [F-IDX-003] */
			if (b->off != next || b->len == 0 ||
			    b->len > x->foot_off - b->off ||
			    b->n != (left < RDB_IDX_BLOCK ? left : RDB_IDX_BLOCK))
				DAMAGED(x->foot_off + r.pos, "block out of place");
			next = b->off + b->len;
			left -= b->n;
		}
		if (next != x->foot_off || r.pos != r.len)
			DAMAGED(x->foot_off + r.pos, "blocks do not fill the file");
	}
	x->nblocks = (size_t)nb;
	*out = x;
	x = NULL;
out:
	rdb_idx_close(x);
	return rc;
}

/* Read block i, checking its checksum. */
static int read_block(struct rdb_idx *x, size_t i, uint8_t **p,
    struct rdb_err *e)
{
	const struct iblock *b = &x->blocks[i];
	const char *path = x->path;
	int rc = RDB_OK;

	*p = malloc((size_t)b->len);
	if (*p == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if (rdb_pread_full(x->fd, *p, (size_t)b->len, (off_t)b->off) != 0)
		DAMAGED(b->off, "cannot read a block");
	if (rdb_hash64(*p, (size_t)b->len) != b->sum)
		DAMAGED(b->off, "block checksum mismatch");
	return RDB_OK;
out:
	free(*p);
	*p = NULL;
	return rc;
}

/* Compare the first blen bytes of key k (or all of it) with bound b. */
static int prefix_cmp(const uint8_t *k, size_t kn, const uint8_t *b,
    size_t bn)
{
	int c = memcmp(k, b, kn < bn ? kn : bn);

	if (c != 0)
		return c;
	return kn < bn ? -1 : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int rdb_idx_range(struct rdb_idx *x, const uint8_t *lo, size_t lolen,
    int lo_open, const uint8_t *hi, size_t hilen, int hi_open,
    uint32_t **pos, size_t *n, struct rdb_err *e)
{
	const char *path = x->path;
	size_t first = 0, i, cap = 0;
	uint8_t *blk = NULL;
	int rc = RDB_OK, done = 0;

	*pos = NULL;
	*n = 0;
	/* the last block whose first key is below lo: entries at lo may
	 * begin in it */
	if (lo != NULL) {
		size_t a = 0, b = x->nblocks;
		while (a < b) {
			size_t m = (a + b) / 2;
			if (prefix_cmp(x->blocks[m].first, x->blocks[m].firstlen, lo,
			    lolen) < 0)
				a = m + 1;
			else
				b = m;
		}
		first = a > 0 ? a - 1 : 0;
	}
	for (i = first; i < x->nblocks && !done; i++) {
		struct rdb_rd r;
		uint64_t k;
		if (hi != NULL) {
			int c = prefix_cmp(x->blocks[i].first, x->blocks[i].firstlen,
			    hi, hilen);
			if (c > 0 || (c == 0 && hi_open))
				break;
		}
		if ((rc = read_block(x, i, &blk, e)) != RDB_OK)
			goto out;
		rdb_rd_init(&r, blk, (size_t)x->blocks[i].len);
		for (k = 0; k < x->blocks[i].n; k++) {
			uint64_t kl, p;
			const uint8_t *key;
			int c;
			if (rdb_rd_getvar(&r, &kl) != 0 || kl > MAX_KEY ||
			    rdb_rd_bytes(&r, (size_t)kl, &key) != 0 ||
			    rdb_rd_getvar(&r, &p) != 0 || p >= x->rows)
				DAMAGED(x->blocks[i].off + r.pos, "bad entry");
			if (lo != NULL) {
				c = prefix_cmp(key, (size_t)kl, lo, lolen);
				if (c < 0 || (c == 0 && lo_open))
					continue;
			}
			if (hi != NULL) {
				c = prefix_cmp(key, (size_t)kl, hi, hilen);
				if (c > 0 || (c == 0 && hi_open)) {
					done = 1;
					break;
				}
			}
			if (*n == cap) {
				uint32_t *np;
				cap = cap ? cap * 2 : 64;
				if ((np = realloc(*pos, cap * sizeof *np)) == NULL) {
					rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
					goto out;
				}
				*pos = np;
			}
			(*pos)[(*n)++] = (uint32_t)p;
		}
		free(blk);
		blk = NULL;
	}
	if (*n > 1)
		qsort(*pos, *n, sizeof **pos, cmp_u32);
out:
	free(blk);
	if (rc != RDB_OK) {
		free(*pos);
		*pos = NULL;
		*n = 0;
	}
	return rc;
}

int rdb_idx_check(const char *path, struct rdb_seg *g,
    const struct rdb_idx_def *def, int full, int64_t *off,
    struct rdb_err *e)
{
	struct rdb_idx *x = NULL;
	struct rdb_buf img;
	uint8_t *all = NULL;
	size_t i;
	int rc;

	*off = -1;
	rdb_buf_init(&img);
	if ((rc = rdb_idx_open(path, &x, e)) != RDB_OK) {
		const char *at = strstr(e->msg, "at offset ");
		if (at != NULL)
			*off = strtoll(at + 10, NULL, 10);
		goto out;
	}
	for (i = 0; i < x->nblocks; i++) {
		if ((rc = read_block(x, i, &all, e)) != RDB_OK) {
			*off = (int64_t)x->blocks[i].off;
			goto out;
		}
		free(all);
		all = NULL;
	}
	if (!full)
		goto out;
	if ((rc = rdb_idx_image(g, def, &img, e)) != RDB_OK)
		goto out;
	if ((all = malloc(x->size + 1)) == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	if (rdb_pread_full(x->fd, all, (size_t)x->size, 0) != 0) {
		rc = rdb_err_sys(e, errno ? errno : EIO, "cannot read '%s'", path);
		goto out;
	}
	for (i = 0; i < img.len && i < x->size && all[i] == img.p[i]; i++)
		;
	if (i < img.len || img.len != x->size) {
		*off = (int64_t)i;
		rc = rdb_err_set(e, RDB_ECORRUPT, "index file '%s' does not match "
		    "segment '%s' from offset %zu: its keys, order or positions "
		    "are not the segment's rows", path, rdb_seg_path(g), i);
	}
out:
	free(all);
	rdb_buf_release(&img);
	rdb_idx_close(x);
	return rc;
}
