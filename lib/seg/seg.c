/*
 * seg.c - write and read columnar segment files.
 *
 * Layout is format/segment.md: a 16-byte header, chunks, a footer
 * indexing every chunk with its zone map and checksum, and a 16-byte
 * trailer giving the footer's length. Readers trust nothing they have
 * not checked: the footer's checksum before its contents [F-SEG-001],
 * every extent against the file [F-SEG-002], a chunk's checksum before
 * decompressing it, and every decoded stream's length.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seg/codec.h"
#include "seg/enc.h"
#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/cat.h"
#include "txn/vec.h"

static const uint8_t seg_magic[8] = { 'R', 'D', 'B', 'S', 'E', 'G', 0, 0 };
static const uint8_t seg_end[8] = { 'R', 'D', 'B', 'S', 'E', 'G', 'F', 'T' };

#define SEG_HDR 16
#define SEG_TRAILER 16
#define SEG_MAX_RAW ((uint64_t)1 << 31)
#define SEG_MAX_RG_ROWS 1048576

struct rdb_seg {
	char *path;
	int fd;
	uint64_t size;
	size_t ncols;
	struct rdb_segw_col *cols;
	size_t nrg;
	size_t *rg_rows;
	struct rdb_zone *zones;     /* nrg * (2 + ncols) */
	uint64_t *offsets;          /* same shape */
	uint64_t *checks;
	uint64_t rows;
};

/* Scratch for reading chunks, one per thread, so that several threads
 * can decode row groups of one segment at once (pread is positional). */
static _Thread_local struct rdb_buf t_stored, t_raw;
/* Values of rdb_seg_check_col, t_widecap of them. */
static _Thread_local int64_t *t_wide;
static _Thread_local size_t t_widecap;

void rdb_seg_scratch_release(void)
{
	rdb_buf_release(&t_stored);
	rdb_buf_release(&t_raw);
	free(t_wide);
	t_wide = NULL;
	t_widecap = 0;
	rdb_codec_scratch_release();
}

static int is_intlike(enum rdb_type t)
{
	return t == RDB_BOOLEAN || t == RDB_INTEGER || t == RDB_BIGINT ||
	    t == RDB_DATE || t == RDB_TIMESTAMP;
}

/* ---------------------------------------------------------------- */
/* Writing                                                           */

/* What building one chunk needs besides its values; one per thread. */
struct chunk_scratch {
	struct rdb_buf raw, tmp;
	int64_t *wide;
	size_t widecap;
	struct rdb_codec_ctx cx;
};

/* One chunk of a row group: its values, then what was made of them. */
struct chunk_job {
	enum rdb_type t;
	const struct rdb_vec *v;
	const uint64_t *hidden;
	size_t cost;                /* a guess, to start the big ones first */
	struct rdb_zone z;
	struct rdb_buf out;         /* compressed */
	size_t rawlen;
	int used;
	int rc;
};

/* More threads than this gain nothing: a row group has few chunks. */
#define SEGW_MAX_THREADS 4
/* Row groups smaller than this are built by the writing thread alone. */
#define SEGW_PAR_ROWS 8192

struct rdb_segw {
	char *path;
	int fd;
	uint64_t off;
	int codec, level;
	size_t ncols;
	struct rdb_segw_col *cols;
	struct rdb_buf footer_rgs;  /* row group entries so far */
	size_t nrg;
	int threads;
	struct chunk_scratch sc[SEGW_MAX_THREADS];
	struct chunk_job *jobs;     /* 2 + ncols, kept between row groups */
	size_t *order;
	/* the row group being built by several threads */
	size_t njobs, n;
	size_t next;                /* under mu: the next job of order */
	pthread_mutex_t mu;
};

static void scratch_release(struct chunk_scratch *sc)
{
	rdb_buf_release(&sc->raw);
	rdb_buf_release(&sc->tmp);
	free(sc->wide);
	sc->wide = NULL;
	sc->widecap = 0;
	rdb_codec_ctx_release(&sc->cx);
}

static void segw_free(struct rdb_segw *w)
{
	size_t i;

	free(w->path);
	free(w->cols);
	rdb_buf_release(&w->footer_rgs);
	for (i = 0; i < SEGW_MAX_THREADS; i++)
		scratch_release(&w->sc[i]);
	for (i = 0; w->jobs != NULL && i < w->ncols + 2; i++)
		rdb_buf_release(&w->jobs[i].out);
	free(w->jobs);
	free(w->order);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

int rdb_segw_open(const char *path, int codec, int level, size_t ncols,
    const struct rdb_segw_col *cols, struct rdb_segw **wp, struct rdb_err *e)
{
	struct rdb_segw *w = calloc(1, sizeof *w);
	uint8_t h[SEG_HDR];

	*wp = NULL;
	if (w == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	pthread_mutex_init(&w->mu, NULL);
	w->threads = 1;
	w->ncols = ncols;
	w->path = strdup(path);
	w->cols = malloc((ncols + 1) * sizeof *cols);
	w->jobs = calloc(ncols + 2, sizeof *w->jobs);
	w->order = calloc(ncols + 2, sizeof *w->order);
	if (w->path == NULL || w->cols == NULL || w->jobs == NULL ||
	    w->order == NULL) {
		segw_free(w);
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	memcpy(w->cols, cols, ncols * sizeof *cols);
	w->codec = codec;
	w->level = level;
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		int rc = rdb_err_sys(e, errno, "cannot create '%s'", path);
		segw_free(w);
		return rc;
	}
	memset(h, 0, sizeof h);
	memcpy(h, seg_magic, 8);
	if (rdb_pwrite_full(w->fd, h, sizeof h, 0) != 0) {
		int rc = rdb_err_sys(e, errno, "cannot write '%s'", path);
		rdb_segw_abort(w);
		return rc;
	}
	w->off = SEG_HDR;
	*wp = w;
	return RDB_OK;
}

void rdb_segw_set_threads(struct rdb_segw *w, int n)
{
	w->threads = n < 1 ? 1 : n > SEGW_MAX_THREADS ? SEGW_MAX_THREADS : n;
}

void rdb_segw_abort(struct rdb_segw *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	unlink(w->path);
	segw_free(w);
}

/* Append a var-length-prefixed i64 stream of v to sc->raw. */
static int put_i64_stream(struct chunk_scratch *sc, const int64_t *v, size_t n)
{
	enum rdb_enc used;

	sc->tmp.len = 0;
	if (rdb_enc_i64_encode(v, n, &sc->tmp, &used) != RDB_OK ||
	    rdb_buf_putvar(&sc->raw, sc->tmp.len) != RDB_OK ||
	    rdb_buf_append(&sc->raw, sc->tmp.p, sc->tmp.len) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

static int wide_room(struct chunk_scratch *sc, size_t n)
{
	if (n <= sc->widecap)
		return RDB_OK;
	free(sc->wide);
	sc->wide = malloc(n * sizeof *sc->wide);
	sc->widecap = sc->wide != NULL ? n : 0;
	return sc->wide != NULL ? RDB_OK : RDB_ENOMEM;
}

/* Encode one chunk into sc->raw and work out its zone map. */
static int encode_chunk(struct chunk_scratch *sc, enum rdb_type t,
    const struct rdb_vec *v, const uint64_t *hidden, size_t n,
    struct rdb_zone *z)
{
	size_t i, nulls = 0;
	int has_nulls = 0, nan = 0;

	memset(z, 0, sizeof *z);
	sc->raw.len = 0;
	if (v != NULL && v->validity != NULL) {
		for (i = 0; i + 8 <= n; i += 8)
			nulls += 8 - (size_t)__builtin_popcount(v->validity[i / 8]);
		for (; i < n; i++)
			nulls += rdb_vec_is_null(v, i);
	}
	has_nulls = nulls > 0;
	z->nulls = nulls;
	if (rdb_buf_put8(&sc->raw, has_nulls ? 1 : 0) != RDB_OK)
		return RDB_ENOMEM;
	if (has_nulls) {
		size_t bl = (n + 7) / 8;
		if (rdb_buf_append(&sc->raw, v->validity, bl) != RDB_OK)
			return RDB_ENOMEM;
		/* bits past n are zero so the bytes are canonical */
		if (n % 8)
			sc->raw.p[sc->raw.len - 1] &= (uint8_t)((1u << (n % 8)) - 1);
	}
	if ((hidden != NULL || (is_intlike(t) && !has_nulls)) && n > 0) {
		/* the common case, a loop for each width */
		const uint8_t *p = hidden != NULL ? (const uint8_t *)hidden
		    : v->values;
		int64_t mn, mx;
		if (wide_room(sc, n) != RDB_OK)
			return RDB_ENOMEM;
		if (hidden == NULL && t == RDB_BOOLEAN) {
			for (i = 0; i < n; i++)
				sc->wide[i] = p[i];
		} else if (hidden == NULL && (t == RDB_INTEGER || t == RDB_DATE)) {
			for (i = 0; i < n; i++) {
				int32_t y;
				memcpy(&y, p + 4 * i, 4);
				sc->wide[i] = y;
			}
		} else {
			memcpy(sc->wide, p, 8 * n);
		}
		mn = mx = sc->wide[0];
		for (i = 1; i < n; i++) {
			mn = sc->wide[i] < mn ? sc->wide[i] : mn;
			mx = sc->wide[i] > mx ? sc->wide[i] : mx;
		}
		z->min = mn;
		z->max = mx;
		z->has_minmax = 1;
		return put_i64_stream(sc, sc->wide, n);
	}
	if (hidden != NULL || is_intlike(t) || t == RDB_DOUBLE) {
		if (wide_room(sc, n) != RDB_OK)
			return RDB_ENOMEM;
		for (i = 0; i < n; i++) {
			int64_t x = 0;
			int valid = hidden != NULL || !rdb_vec_is_null(v, i);
			if (hidden != NULL)
				x = (int64_t)hidden[i];
			else if (valid) {
				const uint8_t *p = v->values;
				switch (t) {
				case RDB_BOOLEAN:
					x = p[i];
					break;
				case RDB_INTEGER:
				case RDB_DATE: {
					int32_t y;
					memcpy(&y, p + 4 * i, 4);
					x = y;
					break;
				}
				default:
					memcpy(&x, p + 8 * i, 8);
				}
			}
			sc->wide[i] = x;
			if (!valid)
				continue;
			if (t == RDB_DOUBLE && hidden == NULL) {
				double d, mn, mx;
				memcpy(&d, &x, 8);
				if (isnan(d)) {
					nan = 1;
					continue;
				}
				memcpy(&mn, &z->min, 8);
				memcpy(&mx, &z->max, 8);
				if (!z->has_minmax || d < mn)
					memcpy(&z->min, &d, 8);
				if (!z->has_minmax || d > mx)
					memcpy(&z->max, &d, 8);
			} else {
				if (!z->has_minmax || x < z->min)
					z->min = x;
				if (!z->has_minmax || x > z->max)
					z->max = x;
			}
			z->has_minmax = 1;
		}
		if (nan)
			z->has_minmax = 0;	/* no pruning around NaN */
		return put_i64_stream(sc, sc->wide, n);
	}
	if (t == RDB_DECIMAL) {
		const uint64_t *p = v->values;
		int k;
		if (wide_room(sc, n) != RDB_OK)
			return RDB_ENOMEM;
		for (k = 0; k < 2; k++) {
			if (!has_nulls)
				for (i = 0; i < n; i++)
					sc->wide[i] = (int64_t)p[2 * i + (size_t)k];
			else
				for (i = 0; i < n; i++)
					sc->wide[i] = rdb_vec_is_null(v, i) ? 0
					    : (int64_t)p[2 * i + (size_t)k];
			if (put_i64_stream(sc, sc->wide, n) != RDB_OK)
				return RDB_ENOMEM;
		}
		return RDB_OK;
	}
	/* TEXT, JSON, BLOB */
	{
		enum rdb_enc used;
		sc->tmp.len = 0;
		if (rdb_enc_bytes_encode(v->offsets, v->values, n, &sc->tmp,
		    &used) != RDB_OK ||
		    rdb_buf_putvar(&sc->raw, sc->tmp.len) != RDB_OK ||
		    rdb_buf_append(&sc->raw, sc->tmp.p, sc->tmp.len) != RDB_OK)
			return RDB_ENOMEM;
	}
	return RDB_OK;
}

/* Encode and compress job j into its out buffer. */
static void build_chunk(struct rdb_segw *w, struct chunk_scratch *sc,
    struct chunk_job *j, size_t n)
{
	j->rc = encode_chunk(sc, j->t, j->v, j->hidden, n, &j->z);
	if (j->rc == RDB_OK)
		j->rc = rdb_codec_compress(&sc->cx, w->codec, w->level, sc->raw.p,
		    sc->raw.len, &j->out, &j->used);
	j->rawlen = sc->raw.len;
}

/* Write job j's chunk at the end of the file and index it. */
static int emit_chunk(struct rdb_segw *w, const struct chunk_job *j,
    struct rdb_err *e)
{
	uint8_t mm[16];

	if (j->rc != RDB_OK)
		return rdb_err_set(e, j->rc, "out of memory writing '%s'", w->path);
	if (rdb_pwrite_full(w->fd, j->out.p, j->out.len, (off_t)w->off) != 0)
		return rdb_err_sys(e, errno, "cannot write '%s'", w->path);
	rdb_store64(mm, (uint64_t)j->z.min);
	rdb_store64(mm + 8, (uint64_t)j->z.max);
	if (rdb_buf_putvar(&w->footer_rgs, w->off) != RDB_OK ||
	    rdb_buf_putvar(&w->footer_rgs, j->out.len) != RDB_OK ||
	    rdb_buf_putvar(&w->footer_rgs, j->rawlen) != RDB_OK ||
	    rdb_buf_put8(&w->footer_rgs, (uint8_t)j->used) != RDB_OK ||
	    rdb_buf_putvar(&w->footer_rgs, j->z.nulls) != RDB_OK ||
	    rdb_buf_put8(&w->footer_rgs, j->z.has_minmax ? 1 : 0) != RDB_OK ||
	    (j->z.has_minmax && rdb_buf_append(&w->footer_rgs, mm, 16) != RDB_OK) ||
	    rdb_buf_put64(&w->footer_rgs, rdb_hash64(j->out.p, j->out.len)) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	w->off += j->out.len;
	return RDB_OK;
}

/* Build the row group's jobs, biggest first, until none is left. */
static void build_jobs(struct rdb_segw *w, struct chunk_scratch *sc)
{
	for (;;) {
		size_t k;
		pthread_mutex_lock(&w->mu);
		k = w->next < w->njobs ? w->order[w->next++] : SIZE_MAX;
		pthread_mutex_unlock(&w->mu);
		if (k == SIZE_MAX)
			return;
		build_chunk(w, sc, &w->jobs[k], w->n);
	}
}

struct helper {
	struct rdb_segw *w;
	struct chunk_scratch *sc;
};

static void *helper_run(void *arg)
{
	struct helper *h = arg;

	build_jobs(h->w, h->sc);
	return NULL;
}

static int cmp_cost(const void *a, const void *b, void *arg)
{
	const struct chunk_job *jobs = arg;
	size_t x = jobs[*(const size_t *)a].cost, y = jobs[*(const size_t *)b].cost;

	return x > y ? -1 : x < y;
}

int rdb_segw_rowgroup(struct rdb_segw *w, size_t n, const uint64_t *rowids,
    const uint64_t *commits, const struct rdb_vec *cols, struct rdb_err *e)
{
	pthread_t th[SEGW_MAX_THREADS];
	struct helper hp[SEGW_MAX_THREADS];
	size_t i, nj = w->ncols + 2;
	int t, started = 0, rc;

	if (n == 0 || n > SEG_MAX_RG_ROWS)
		return rdb_err_set(e, RDB_EMISUSE, "bad row group size %zu", n);
	if (rdb_buf_putvar(&w->footer_rgs, n) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	for (i = 0; i < nj; i++) {
		struct chunk_job *j = &w->jobs[i];
		j->hidden = i == 0 ? rowids : i == 1 ? commits : NULL;
		j->v = i < 2 ? NULL : &cols[i - 2];
		j->t = i < 2 ? RDB_BIGINT : w->cols[i - 2].type;
		j->cost = j->v == NULL ? 8 * n : rdb_type_is_var(j->t)
		    ? 8 * n + (size_t)(j->v->offsets[n] - j->v->offsets[0])
		    : (j->t == RDB_DECIMAL ? 16 : 8) * n;
		w->order[i] = i;
	}
	w->njobs = nj;
	w->n = n;
	w->next = 0;
	/* Chunks are independent until written: with threads, they are
	 * built side by side, then written in order, so the file is the
	 * same byte for byte. */
	if (w->threads > 1 && n >= SEGW_PAR_ROWS && nj >= 4) {
		qsort_r(w->order, nj, sizeof *w->order, cmp_cost, w->jobs);
		for (t = 1; t < w->threads; t++) {
			hp[t].w = w;
			hp[t].sc = &w->sc[t];
			if (pthread_create(&th[t], NULL, helper_run, &hp[t]) != 0)
				break;
			started++;
		}
	}
	build_jobs(w, &w->sc[0]);
	for (t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
	for (i = 0; i < nj; i++)
		if ((rc = emit_chunk(w, &w->jobs[i], e)) != RDB_OK)
			return rc;
	w->nrg++;
	return RDB_OK;
}

int rdb_segw_finish(struct rdb_segw *w, uint64_t *size, struct rdb_err *e)
{
	struct rdb_buf f;
	uint8_t tr[SEG_TRAILER];
	size_t i;
	int rc = RDB_OK;

	rdb_buf_init(&f);
	if (rdb_buf_putvar(&f, w->ncols) != RDB_OK)
		goto nomem;
	for (i = 0; i < w->ncols; i++)
		if (rdb_buf_putvar(&f, w->cols[i].id) != RDB_OK ||
		    rdb_buf_put8(&f, (uint8_t)w->cols[i].type) != RDB_OK ||
		    rdb_buf_put8(&f, w->cols[i].precision) != RDB_OK ||
		    rdb_buf_put8(&f, w->cols[i].scale) != RDB_OK)
			goto nomem;
	if (rdb_buf_putvar(&f, w->nrg) != RDB_OK ||
	    rdb_buf_append(&f, w->footer_rgs.p, w->footer_rgs.len) != RDB_OK ||
	    rdb_buf_put64(&f, rdb_hash64(f.p, f.len)) != RDB_OK)
		goto nomem;
	memset(tr, 0, sizeof tr);
	rdb_store32(tr, (uint32_t)f.len);
	memcpy(tr + 8, seg_end, 8);
	if (rdb_pwrite_full(w->fd, f.p, f.len, (off_t)w->off) != 0 ||
	    rdb_pwrite_full(w->fd, tr, sizeof tr, (off_t)(w->off + f.len)) != 0 ||
	    rdb_io_fsync(w->fd) != 0) {
		rc = rdb_err_sys(e, errno, "cannot write '%s'", w->path);
		goto out;
	}
	*size = w->off + f.len + SEG_TRAILER;
	if (close(w->fd) != 0) {
		w->fd = -1;
		rc = rdb_err_sys(e, errno, "cannot close '%s'", w->path);
		goto out;
	}
	w->fd = -1;
	rdb_buf_release(&f);
	segw_free(w);
	return RDB_OK;
nomem:
	rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
out:
	rdb_buf_release(&f);
	rdb_segw_abort(w);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Reading                                                           */

static int damaged(struct rdb_err *e, const struct rdb_seg *s, uint64_t off,
    const char *what)
{
	char detail[sizeof e->msg];

	/* what may be e->msg itself: copy it before formatting over it */
	rdb_strlcpy(detail, what, sizeof detail);
	return rdb_err_set(e, RDB_ECORRUPT,
	    "damaged segment '%s' at offset %llu: %s", s->path,
	    (unsigned long long)off, detail);
}

void rdb_seg_close(struct rdb_seg *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->path);
	free(s->cols);
	free(s->rg_rows);
	free(s->zones);
	free(s->offsets);
	free(s->checks);
	free(s);
}

static int parse_footer(struct rdb_seg *s, const uint8_t *f, size_t flen,
    uint64_t foff, struct rdb_err *e)
{
	struct rdb_rd r;
	uint64_t n, nrg, v;
	size_t i, k, per;
	uint8_t b;

	rdb_rd_init(&r, f, flen - 8);
	if (rdb_rd_getvar(&r, &n) != 0 || n > RDB_MAX_COLUMNS)
		return damaged(e, s, foff, "bad column count");
	s->ncols = (size_t)n;
	s->cols = calloc(s->ncols + 1, sizeof *s->cols);
	if (s->cols == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	for (i = 0; i < s->ncols; i++) {
		uint8_t t, p, sc;
		if (rdb_rd_getvar(&r, &v) != 0 || v == 0 || v > UINT32_MAX ||
		    rdb_rd_get8(&r, &t) != 0 || !rdb_type_valid(t) ||
		    rdb_rd_get8(&r, &p) != 0 || rdb_rd_get8(&r, &sc) != 0)
			return damaged(e, s, foff + r.pos, "bad column");
		s->cols[i].id = (uint32_t)v;
		s->cols[i].type = (enum rdb_type)t;
		s->cols[i].precision = p;
		s->cols[i].scale = sc;
	}
	per = 2 + s->ncols;
	/* every row group takes at least 2 bytes per chunk entry */
	if (rdb_rd_getvar(&r, &nrg) != 0 || nrg > flen / (per * 2) + 1)
		return damaged(e, s, foff + r.pos, "bad row group count");
	s->nrg = (size_t)nrg;
	s->rg_rows = calloc(s->nrg + 1, sizeof *s->rg_rows);
	s->zones = calloc(s->nrg * per + 1, sizeof *s->zones);
	s->offsets = calloc(s->nrg * per + 1, sizeof *s->offsets);
	s->checks = calloc(s->nrg * per + 1, sizeof *s->checks);
	if (s->rg_rows == NULL || s->zones == NULL || s->offsets == NULL ||
	    s->checks == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	for (i = 0; i < s->nrg; i++) {
		if (rdb_rd_getvar(&r, &v) != 0 || v == 0 || v > SEG_MAX_RG_ROWS)
			return damaged(e, s, foff + r.pos, "bad row group size");
		s->rg_rows[i] = (size_t)v;
		s->rows += v;
		for (k = 0; k < per; k++) {
			struct rdb_zone *z = &s->zones[i * per + k];
			uint64_t off, st, raw, nulls, chk;
			const uint8_t *mm;
			uint8_t codec;
			size_t at = r.pos;
			if (rdb_rd_getvar(&r, &off) != 0 || rdb_rd_getvar(&r, &st) != 0 ||
			    rdb_rd_getvar(&r, &raw) != 0 || rdb_rd_get8(&r, &codec) != 0 ||
			    rdb_rd_getvar(&r, &nulls) != 0 || rdb_rd_get8(&r, &b) != 0)
				return damaged(e, s, foff + at, "truncated chunk entry");
			/* [F-SEG-002] */
			if (codec > RDB_CODEC_ZSTD || b > 1 || nulls > v ||
			    raw > SEG_MAX_RAW || off < SEG_HDR || off > foff ||
			    st > foff - off || (k < 2 && nulls != 0))
				return damaged(e, s, foff + at, "bad chunk entry");
			if (b) {
				if (rdb_rd_bytes(&r, 16, &mm) != 0)
					return damaged(e, s, foff + at, "truncated zone map");
				z->min = (int64_t)rdb_load64(mm);
				z->max = (int64_t)rdb_load64(mm + 8);
			}
			if (rdb_rd_get64(&r, &chk) != 0)
				return damaged(e, s, foff + at, "truncated chunk entry");
			z->nulls = nulls;
			z->has_minmax = b;
			z->stored = st;
			z->raw = raw;
			z->codec = codec;
			s->offsets[i * per + k] = off;
			s->checks[i * per + k] = chk;
		}
	}
	if (r.pos != flen - 8)
		return damaged(e, s, foff + r.pos, "trailing bytes in footer");
	return RDB_OK;
}

int rdb_seg_open(const char *dir, const char *file, uint64_t size,
    struct rdb_seg **sp, struct rdb_err *e)
{
	struct rdb_seg *s = calloc(1, sizeof *s);
	uint8_t h[SEG_HDR], tr[SEG_TRAILER], *f = NULL;
	struct stat st;
	uint64_t flen, foff;
	int rc;

	*sp = NULL;
	if (s == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	s->fd = -1;
	s->path = rdb_path_join(dir, file);
	if (s->path == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto fail;
	}
	s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		rc = errno == ENOENT
		    ? rdb_err_set(e, RDB_ECORRUPT,
			"damaged database: segment '%s' is missing", s->path)
		    : rdb_err_sys(e, errno, "cannot open '%s'", s->path);
		goto fail;
	}
	if (fstat(s->fd, &st) != 0) {
		rc = rdb_err_sys(e, errno, "cannot stat '%s'", s->path);
		goto fail;
	}
	s->size = (uint64_t)st.st_size;
	if (!S_ISREG(st.st_mode)) {
		rc = damaged(e, s, 0, "not a regular file");
		goto fail;
	}
	if (size != 0 && s->size != size) {			/* [F-MAN-021] */
		rc = damaged(e, s, s->size, "size differs from the manifest's");
		goto fail;
	}
	if (s->size < SEG_HDR + SEG_TRAILER + 8 ||
	    rdb_pread_full(s->fd, h, SEG_HDR, 0) != 0 ||
	    rdb_pread_full(s->fd, tr, SEG_TRAILER, (off_t)(s->size - SEG_TRAILER)) != 0) {
		rc = damaged(e, s, 0, "too short");
		goto fail;
	}
	if (memcmp(h, seg_magic, 8) != 0 || rdb_load32(h + 8) != 0 ||
	    rdb_load32(h + 12) != 0) {
		rc = damaged(e, s, 0, "bad header");
		goto fail;
	}
	if (memcmp(tr + 8, seg_end, 8) != 0 || rdb_load32(tr + 4) != 0) {
		rc = damaged(e, s, s->size - SEG_TRAILER, "bad trailer");
		goto fail;
	}
	flen = rdb_load32(tr);
	if (flen < 8 || flen > s->size - SEG_HDR - SEG_TRAILER) {
		rc = damaged(e, s, s->size - SEG_TRAILER, "bad footer length");
		goto fail;
	}
	foff = s->size - SEG_TRAILER - flen;
	f = malloc((size_t)flen);
	if (f == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto fail;
	}
	if (rdb_pread_full(s->fd, f, (size_t)flen, (off_t)foff) != 0) {
		rc = rdb_err_sys(e, errno ? errno : EIO, "cannot read '%s'", s->path);
		goto fail;
	}
	if (rdb_load64(f + flen - 8) != rdb_hash64(f, (size_t)flen - 8)) {
		rc = damaged(e, s, foff + flen - 8, "footer checksum mismatch");
		goto fail;
	}
	rc = parse_footer(s, f, (size_t)flen, foff, e);
	if (rc != RDB_OK)
		goto fail;
	free(f);
	*sp = s;
	return RDB_OK;
fail:
	free(f);
	rdb_seg_close(s);
	return rc;
}

const char *rdb_seg_path(const struct rdb_seg *s)
{
	return s->path;
}

int rdb_seg_type_ok(const struct rdb_seg *s, int ci, enum rdb_type t,
    struct rdb_err *e)
{
	if (s->cols[ci].type == t)
		return RDB_OK;
	return rdb_err_set(e, RDB_ECORRUPT,
	    "damaged segment '%s': column %u is %s, but %s in the catalog",
	    s->path, s->cols[ci].id, rdb_type_name(s->cols[ci].type),
	    rdb_type_name(t));
}

size_t rdb_seg_ncols(const struct rdb_seg *s)
{
	return s->ncols;
}

uint32_t rdb_seg_col_id(const struct rdb_seg *s, size_t i)
{
	return s->cols[i].id;
}

enum rdb_type rdb_seg_col_type(const struct rdb_seg *s, size_t i)
{
	return s->cols[i].type;
}

void rdb_seg_col(const struct rdb_seg *s, size_t i, struct rdb_segw_col *out)
{
	*out = s->cols[i];
}

int rdb_seg_find_col(const struct rdb_seg *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < s->ncols; i++)
		if (s->cols[i].id == id)
			return (int)i;
	return -1;
}

size_t rdb_seg_nrowgroups(const struct rdb_seg *s)
{
	return s->nrg;
}

size_t rdb_seg_rg_rows(const struct rdb_seg *s, size_t rg)
{
	return s->rg_rows[rg];
}

uint64_t rdb_seg_rows(const struct rdb_seg *s)
{
	return s->rows;
}

const struct rdb_zone *rdb_seg_zone(const struct rdb_seg *s, size_t rg,
    int chunk)
{
	return &s->zones[rg * (2 + s->ncols) + (size_t)(chunk + 2)];
}

/* Read a chunk's stored bytes into buf and check its checksum
 * [F-SEG-001]. */
static int read_stored_into(struct rdb_seg *s, size_t k, struct rdb_buf *buf,
    struct rdb_err *e)
{
	const struct rdb_zone *z = &s->zones[k];
	uint64_t off = s->offsets[k];

	buf->len = 0;
	if (rdb_buf_reserve(buf, (size_t)z->stored + 1) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if (rdb_pread_full(s->fd, buf->p, (size_t)z->stored, (off_t)off) != 0)
		return errno != 0 ? rdb_err_sys(e, errno, "cannot read '%s'", s->path)
		    : damaged(e, s, off, "chunk beyond the end of the file");
	if (rdb_hash64(buf->p, (size_t)z->stored) != s->checks[k])
		return damaged(e, s, off, "chunk checksum mismatch");
	return RDB_OK;
}

static int read_stored(struct rdb_seg *s, size_t k, struct rdb_err *e)
{
	return read_stored_into(s, k, &t_stored, e);
}

int rdb_seg_check_sum(struct rdb_seg *s, size_t rg, int chunk,
    struct rdb_err *e)
{
	return read_stored(s, rg * (2 + s->ncols) + (size_t)(chunk + 2), e);
}

/* Read, verify and decompress a chunk into raw. */
static int load_into(struct rdb_seg *s, size_t rg, int chunk,
    struct rdb_buf *raw, struct rdb_err *e)
{
	size_t k = rg * (2 + s->ncols) + (size_t)(chunk + 2);
	const struct rdb_zone *z = &s->zones[k];
	uint64_t off = s->offsets[k];
	int rc;

	raw->len = 0;
	if (z->codec == RDB_CODEC_NONE) {
		/* stored as they are: read straight into raw, no copy */
		if ((rc = read_stored_into(s, k, raw, e)) != RDB_OK)
			return rc;
		raw->len = 0;
		if (z->raw != z->stored)
			return damaged(e, s, off,
			    "raw length does not fit the chunk");
		raw->len = (size_t)z->raw;
		return RDB_OK;
	}
	if ((rc = read_stored(s, k, e)) != RDB_OK)
		return rc;
	/* a raw length the stored bytes cannot produce is damage, found
	 * before allocating for it */
	if (!rdb_codec_raw_ok(z->codec, t_stored.p, (size_t)z->stored,
	    (size_t)z->raw))
		return damaged(e, s, off, "raw length does not fit the chunk");
	if (rdb_buf_reserve(raw, (size_t)z->raw + 1) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	rc = rdb_codec_decompress(z->codec, t_stored.p, (size_t)z->stored,
	    raw->p, (size_t)z->raw);
	if (rc == RDB_ENOMEM)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if (rc != RDB_OK)
		return damaged(e, s, off, "chunk does not decompress");
	raw->len = (size_t)z->raw;
	return RDB_OK;
}

static int load_chunk(struct rdb_seg *s, size_t rg, int chunk,
    struct rdb_err *e)
{
	return load_into(s, rg, chunk, &t_raw, e);
}

/* Parse flags and bitmap; leave r at the value streams. */
static int prefix_of(struct rdb_seg *s, size_t rg, int chunk,
    const struct rdb_buf *raw, struct rdb_rd *r, const uint8_t **bitmap,
    struct rdb_err *e)
{
	size_t k = rg * (2 + s->ncols) + (size_t)(chunk + 2);
	size_t n = s->rg_rows[rg], i, nulls = 0;
	uint8_t flags;

	*bitmap = NULL;
	rdb_rd_init(r, raw->p, raw->len);
	if (rdb_rd_get8(r, &flags) != 0 || flags > 1)
		return damaged(e, s, s->offsets[k], "bad chunk flags");
	if (flags) {
		if (rdb_rd_bytes(r, (n + 7) / 8, bitmap) != 0)
			return damaged(e, s, s->offsets[k], "truncated validity bitmap");
		for (i = 0; i < n; i++)
			nulls += !((*bitmap)[i / 8] & (1u << (i % 8)));
	}
	if (nulls != s->zones[k].nulls)				/* [F-SEG-004] */
		return damaged(e, s, s->offsets[k], "null count disagrees with bitmap");
	return RDB_OK;
}

static int chunk_prefix(struct rdb_seg *s, size_t rg, int chunk,
    struct rdb_rd *r, const uint8_t **bitmap, struct rdb_err *e)
{
	return prefix_of(s, rg, chunk, &t_raw, r, bitmap, e);
}

static int get_stream(struct rdb_seg *s, size_t rg, int chunk,
    struct rdb_rd *r, const uint8_t **p, size_t *len, struct rdb_err *e)
{
	size_t k = rg * (2 + s->ncols) + (size_t)(chunk + 2);
	uint64_t l;

	if (rdb_rd_getvar(r, &l) != 0 || rdb_rd_bytes(r, (size_t)l, p) != 0)
		return damaged(e, s, s->offsets[k], "truncated value stream");
	*len = (size_t)l;
	return RDB_OK;
}

int rdb_seg_read_hidden(struct rdb_seg *s, size_t rg, int chunk,
    uint64_t *out, struct rdb_err *e)
{
	size_t k = rg * (2 + s->ncols) + (size_t)(chunk + 2), len = 0, i;
	const uint8_t *bm, *p;
	struct rdb_rd r;
	int rc;

	if ((rc = load_chunk(s, rg, chunk, e)) != RDB_OK ||
	    (rc = chunk_prefix(s, rg, chunk, &r, &bm, e)) != RDB_OK ||
	    (rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
		return rc;
	if (bm != NULL || r.pos != r.len)
		return damaged(e, s, s->offsets[k], "bad hidden chunk");
	rc = rdb_enc_i64_decode(p, len, s->rg_rows[rg], (int64_t *)out, e);
	if (rc != RDB_OK)
		return damaged(e, s, s->offsets[k], e->msg);
	if (chunk == RDB_SEG_ROWID)				/* [F-SEG-003] */
		for (i = 1; i < s->rg_rows[rg]; i++)
			if (out[i] <= out[i - 1])
				return damaged(e, s, s->offsets[k],
				    "row ids not increasing");
	return RDB_OK;
}

int rdb_seg_read_col(struct rdb_seg *s, size_t rg, int chunk,
    struct rdb_vec *v, struct rdb_err *e)
{
	size_t k = rg * (2 + s->ncols) + (size_t)(chunk + 2);
	size_t n = s->rg_rows[rg], len = 0, i, w;
	enum rdb_type t = s->cols[chunk].type;
	const uint8_t *bm, *p;
	int64_t *wide = NULL;
	struct rdb_rd r;
	int rc;

	memset(v, 0, sizeof *v);
	v->type = t;
	v->precision = s->cols[chunk].precision;
	v->scale = s->cols[chunk].scale;
	if ((rc = load_chunk(s, rg, chunk, e)) != RDB_OK ||
	    (rc = chunk_prefix(s, rg, chunk, &r, &bm, e)) != RDB_OK)
		return rc;
	if (bm != NULL) {
		v->validity = malloc((n + 7) / 8);
		if (v->validity == NULL)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		memcpy(v->validity, bm, (n + 7) / 8);
	}
	w = rdb_type_width(t);
	if (w > 0) {
		v->values = malloc(n * w);
		/* 8-byte values decode in place; the others through wide
		 * (a DECIMAL's two halves: twice n) */
		if (w != 8)
			wide = malloc(n * sizeof *wide * (t == RDB_DECIMAL ? 2 : 1));
		if (v->values == NULL || (w != 8 && wide == NULL)) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (t == RDB_DECIMAL) {
		int half;
		uint64_t *d = v->values;
		const int64_t *lo = wide, *hi = wide + n;
		int64_t c = 0;
		for (half = 0; half < 2; half++) {
			if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
				goto out;
			/* the high halves are mostly one value (0): then
			 * they need no decoding */
			if (half == 1 && (rc = rdb_enc_i64_const(p, len, n, &c,
			    e)) != 0) {
				if (rc < 0) {
					rc = damaged(e, s, s->offsets[k], e->msg);
					goto out;
				}
				break;
			}
			if ((rc = rdb_enc_i64_decode(p, len, n, wide + half * n,
			    e)) != RDB_OK) {
				rc = damaged(e, s, s->offsets[k], e->msg);
				goto out;
			}
		}
		/* the halves interleaved in one pass */
		if (half == 1)
			for (i = 0; i < n; i++) {
				d[2 * i] = (uint64_t)lo[i];
				d[2 * i + 1] = (uint64_t)c;
			}
		else
			for (i = 0; i < n; i++) {
				d[2 * i] = (uint64_t)lo[i];
				d[2 * i + 1] = (uint64_t)hi[i];
			}
	} else if (w == 8) {
		if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
			goto out;
		if ((rc = rdb_enc_i64_decode(p, len, n, v->values, e)) != RDB_OK) {
			rc = damaged(e, s, s->offsets[k], e->msg);
			goto out;
		}
	} else if (w > 0) {
		if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
			goto out;
		if ((rc = rdb_enc_i64_decode(p, len, n, wide, e)) != RDB_OK) {
			rc = damaged(e, s, s->offsets[k], e->msg);
			goto out;
		}
		switch (t) {
		case RDB_BOOLEAN:
			for (i = 0; i < n; i++) {
				if ((uint64_t)wide[i] > 1) {
					rc = damaged(e, s, s->offsets[k],
					    "BOOLEAN value not 0 or 1");
					goto out;
				}
				((uint8_t *)v->values)[i] = (uint8_t)wide[i];
			}
			break;
		case RDB_INTEGER:
		case RDB_DATE:
			for (i = 0; i < n; i++) {
				if (wide[i] < INT32_MIN || wide[i] > INT32_MAX) {
					rc = damaged(e, s, s->offsets[k],
					    "32-bit value out of range");
					goto out;
				}
				((int32_t *)v->values)[i] = (int32_t)wide[i];
			}
			break;
		default:
			break;
		}
	} else {
		struct rdb_buf data;
		int utf8 = 1;
		rdb_buf_init(&data);
		v->offsets = malloc((n + 1) * sizeof *v->offsets);
		if (v->offsets == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
			goto out;
		rc = rdb_enc_text_decode(p, len, n, v->offsets, &data,
		    t != RDB_BLOB ? &utf8 : NULL, e);
		if (rc != RDB_OK) {
			rdb_buf_release(&data);
			rc = damaged(e, s, s->offsets[k], e->msg);
			goto out;
		}
		if (rdb_buf_reserve(&data, 1) != RDB_OK) {
			rdb_buf_release(&data);
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		v->values = data.p;
		if (t != RDB_BLOB && !utf8) {
			rc = damaged(e, s, s->offsets[k], "text is not valid UTF-8");
			goto out;
		}
	}
	if (r.pos != r.len) {
		rc = damaged(e, s, s->offsets[k], "trailing bytes in chunk");
		goto out;
	}
	free(wide);
	return RDB_OK;
out:
	free(wide);
	rdb_vec_release(v);
	return rc;
}

/* ---- cursors ---- */

void rdb_seg_cur_init(struct rdb_seg_cur *c)
{
	memset(c, 0, sizeof *c);
	rdb_buf_init(&c->raw);
	rdb_enc_text_init(&c->tc);
}

static void cur_close_streams(struct rdb_seg_cur *c)
{
	rdb_enc_i64_close(&c->c[0]);
	rdb_enc_i64_close(&c->c[1]);
	c->open = 0;
}

void rdb_seg_cur_release(struct rdb_seg_cur *c)
{
	cur_close_streams(c);
	rdb_buf_release(&c->raw);
	rdb_enc_text_release(&c->tc);
	free(c->tmp);
	rdb_seg_cur_init(c);
}

static uint64_t cur_off(const struct rdb_seg_cur *c)
{
	return c->s->offsets[c->rg * (2 + c->s->ncols) + (size_t)(c->chunk + 2)];
}

int rdb_seg_cur_open(struct rdb_seg_cur *c, struct rdb_seg *s, size_t rg,
    int chunk, struct rdb_err *e)
{
	size_t n = s->rg_rows[rg], len = 0, i;
	const uint8_t *p;
	struct rdb_rd r;
	int rc, nstreams;

	cur_close_streams(c);
	c->s = s;
	c->rg = rg;
	c->chunk = chunk;
	c->n = n;
	c->pos = 0;
	c->t = s->cols[chunk].type;
	c->e = e;
	if ((rc = load_into(s, rg, chunk, &c->raw, e)) != RDB_OK ||
	    (rc = prefix_of(s, rg, chunk, &c->raw, &r, &c->bitmap, e)) != RDB_OK)
		return rc;
	if (rdb_type_width(c->t) == 0) {
		int utf8 = 1;
		if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
			return rc;
		rc = rdb_enc_text_open(&c->tc, p, len, n,
		    c->t != RDB_BLOB ? &utf8 : NULL, e);
		if (rc == RDB_ENOMEM)
			return rc;
		if (rc != RDB_OK)
			return damaged(e, s, cur_off(c), e->msg);
		if (c->t != RDB_BLOB && !utf8)
			return damaged(e, s, cur_off(c), "text is not valid UTF-8");
	} else {
		nstreams = c->t == RDB_DECIMAL ? 2 : 1;
		for (i = 0; i < (size_t)nstreams; i++) {
			if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
				return rc;
			rc = rdb_enc_i64_open(&c->c[i], p, len, n, e);
			if (rc == RDB_ENOMEM)
				return rc;
			if (rc != RDB_OK)
				return damaged(e, s, cur_off(c), e->msg);
		}
		{
			int64_t lo, hi;
			c->inrange = rdb_enc_i64_bounds(&c->c[0], &lo, &hi) &&
			    (c->t == RDB_BOOLEAN ? lo >= 0 && hi <= 1 :
			    lo >= INT32_MIN && hi <= INT32_MAX);
		}
		if (c->t == RDB_DECIMAL && c->tmpcap < 2048) {
			free(c->tmp);
			c->tmpcap = 0;
			if ((c->tmp = malloc(2 * 2048 * sizeof *c->tmp)) == NULL)
				return rdb_err_set(e, RDB_ENOMEM, "out of memory");
			c->tmpcap = 2048;
		}
	}
	if (r.pos != r.len)
		return damaged(e, s, cur_off(c), "trailing bytes in chunk");
	c->open = 1;
	return RDB_OK;
}

/* The n values w read of a BOOLEAN, INTEGER or DATE column lie in its
 * type's range (not checked when the stream's bounds say so). */
static int cur_range(struct rdb_seg_cur *c, const int64_t *w, size_t n,
    struct rdb_err *e)
{
	size_t i;

	if (c->inrange) {
		;	/* the stream's bounds are the type's */
	} else if (c->t == RDB_BOOLEAN) {
		for (i = 0; i < n; i++)
			if ((uint64_t)w[i] > 1)
				return damaged(e, c->s, cur_off(c),
				    "BOOLEAN value not 0 or 1");
	} else if (c->t == RDB_INTEGER || c->t == RDB_DATE) {
		/* in range when adding 2^31 leaves the top half 0: a loop
		 * that vectorizes */
		uint64_t bad = 0;
		for (i = 0; i < n; i++)
			bad |= ((uint64_t)w[i] + ((uint64_t)1 << 31)) >> 32;
		if (bad)
			return damaged(e, c->s, cur_off(c),
			    "32-bit value out of range");
	}
	return RDB_OK;
}

int rdb_seg_cur_read(struct rdb_seg_cur *c, size_t k, struct rdb_vec *v,
    void *buf, struct rdb_err *e)
{
	int64_t *w = buf;
	size_t i, done;
	int rc = RDB_OK;

	memset(v, 0, sizeof *v);
	v->type = c->t;
	v->precision = c->s->cols[c->chunk].precision;
	v->scale = c->s->cols[c->chunk].scale;
	if (!c->open || k > c->n - c->pos)
		return rdb_err_set(e, RDB_EMISUSE, "segment cursor misused");
	c->c[0].e = c->c[1].e = e;
	if (c->bitmap != NULL)
		v->validity = (uint8_t *)c->bitmap + c->pos / 8;
	switch (c->t) {
	case RDB_TEXT: case RDB_JSON: case RDB_BLOB:
		c->tc.e = e;
		rc = rdb_enc_text_next(&c->tc, k, buf);
		v->values = (void *)c->tc.bytes;
		v->offsets = buf;
		break;
	case RDB_DECIMAL:
		/* a slice of each half at a time, then interleaved */
		for (done = 0; done < k && rc == RDB_OK; ) {
			size_t m = k - done < c->tmpcap ? k - done : c->tmpcap;
			int64_t *lo = c->tmp, *hi = c->tmp + c->tmpcap;
			uint64_t *d = (uint64_t *)buf + 2 * done;
			if ((rc = rdb_enc_i64_next(&c->c[0], m, lo)) != RDB_OK)
				break;
			if (c->c[1].is_const) {
				uint64_t h = (uint64_t)c->c[1].cval;
				c->c[1].pos += m;
				for (i = 0; i < m; i++) {
					d[2 * i] = (uint64_t)lo[i];
					d[2 * i + 1] = h;
				}
			} else {
				if ((rc = rdb_enc_i64_next(&c->c[1], m, hi)) != RDB_OK)
					break;
				for (i = 0; i < m; i++) {
					d[2 * i] = (uint64_t)lo[i];
					d[2 * i + 1] = (uint64_t)hi[i];
				}
			}
			done += m;
		}
		v->values = buf;
		break;
	default:
		rc = rdb_enc_i64_next(&c->c[0], k, w);
		if (rc == RDB_OK && (rc = cur_range(c, w, k, e)) != RDB_OK)
			return rc;
		v->values = buf;
	}
	if (rc == RDB_ENOMEM)
		return rc;
	if (rc != RDB_OK)
		return damaged(e, c->s, cur_off(c), e->msg);
	c->pos += k;
	return RDB_OK;
}

/* The next k values of stream c, or with sel those at offsets
 * sel[0..m) alone (rdb_enc_i64_gather). */
static int read_i64(struct rdb_i64_cur *c, size_t k, const uint32_t *sel,
    size_t m, int64_t *out)
{
	return sel != NULL ? rdb_enc_i64_gather(c, k, sel, m, out) :
	    rdb_enc_i64_next(c, k, out);
}

/* rdb_seg_cur_read_halves, of the rows sel[0..m) alone when sel. */
static int read_halves(struct rdb_seg_cur *c, size_t k, const uint32_t *sel,
    size_t m, int64_t *lo, int64_t *hi, int *hconst, int64_t *hc,
    const uint8_t **validity, struct rdb_err *e)
{
	int rc;

	c->c[0].e = c->c[1].e = e;
	*validity = c->bitmap != NULL ? c->bitmap + c->pos / 8 : NULL;
	*hconst = c->c[1].is_const;
	*hc = c->c[1].cval;
	rc = read_i64(&c->c[0], k, sel, m, lo);
	if (rc == RDB_OK)
		rc = *hconst ? rdb_enc_i64_skip(&c->c[1], k) :
		    read_i64(&c->c[1], k, sel, m, hi);
	if (rc == RDB_ENOMEM)
		return rc;
	if (rc != RDB_OK)
		return damaged(e, c->s, cur_off(c), e->msg);
	c->pos += k;
	return RDB_OK;
}

int rdb_seg_cur_read_halves(struct rdb_seg_cur *c, size_t k, int64_t *lo,
    int64_t *hi, int *hconst, int64_t *hc, const uint8_t **validity,
    struct rdb_err *e)
{
	if (!c->open || c->t != RDB_DECIMAL || k > c->n - c->pos)
		return rdb_err_set(e, RDB_EMISUSE, "segment cursor misused");
	return read_halves(c, k, NULL, 0, lo, hi, hconst, hc, validity, e);
}

/* May stream c[i] be gathered from (rdb_enc_i64_gather)? */
static int gatherable(const struct rdb_i64_cur *c)
{
	return c->is_const || c->enc == RDB_ENC_PLAIN || c->enc == RDB_ENC_FOR ||
	    c->enc == RDB_ENC_DICT;
}

int rdb_seg_cur_read_str(struct rdb_seg_cur *c, size_t k, const uint32_t *sel,
    size_t m, struct rdb_vec *v, struct rdb_str *buf, struct rdb_err *e)
{
	int rc;

	memset(v, 0, sizeof *v);
	v->type = c->t;
	if (!c->open || k > c->n - c->pos || rdb_type_width(c->t) != 0)
		return rdb_err_set(e, RDB_EMISUSE, "segment cursor misused");
	if (c->bitmap != NULL)
		v->validity = (uint8_t *)c->bitmap + c->pos / 8;
	c->tc.e = e;
	if ((rc = rdb_enc_text_next_str(&c->tc, k, sel, m, buf)) != RDB_OK)
		return rc == RDB_ENOMEM ? rc : damaged(e, c->s, cur_off(c),
		    e->msg);
	v->values = buf;
	c->pos += k;
	return RDB_OK;
}

int rdb_seg_cur_read_codes(struct rdb_seg_cur *c, size_t k, struct rdb_vec *v,
    struct rdb_err *e)
{
	int rc;

	memset(v, 0, sizeof *v);
	v->type = c->t;
	if (!c->open || k > c->n - c->pos || rdb_type_width(c->t) != 0 ||
	    !c->tc.dict)
		return rdb_err_set(e, RDB_EMISUSE, "segment cursor misused");
	if (c->bitmap != NULL)
		v->validity = (uint8_t *)c->bitmap + c->pos / 8;
	c->tc.e = e;
	if ((rc = rdb_enc_text_codes(&c->tc, k)) != RDB_OK)
		return rc == RDB_ENOMEM ? rc : damaged(e, c->s, cur_off(c),
		    e->msg);
	c->pos += k;
	return RDB_OK;
}

void rdb_seg_cur_codes_str(const struct rdb_seg_cur *c, const uint32_t *sel,
    size_t m, struct rdb_str *buf)
{
	rdb_enc_text_codes_str(&c->tc, sel, m, buf);
}

int rdb_seg_cur_read_sel(struct rdb_seg_cur *c, size_t k, const uint32_t *sel,
    size_t m, struct rdb_vec *v, void *buf, struct rdb_err *e)
{
	int64_t *w = buf;
	int rc;

	if (!c->open || k > c->n - c->pos || m > k)
		return rdb_err_set(e, RDB_EMISUSE, "segment cursor misused");
	if (rdb_type_width(c->t) != 8 || !gatherable(&c->c[0]))
		return 1;
	memset(v, 0, sizeof *v);
	v->type = c->t;
	v->precision = c->s->cols[c->chunk].precision;
	v->scale = c->s->cols[c->chunk].scale;
	c->c[0].e = e;
	if (c->bitmap != NULL)
		v->validity = (uint8_t *)c->bitmap + c->pos / 8;
	rc = rdb_enc_i64_gather(&c->c[0], k, sel, m, w);
	if (rc == RDB_OK && (rc = cur_range(c, w, m, e)) != RDB_OK)
		return rc;
	if (rc == RDB_ENOMEM)
		return rc;
	if (rc != RDB_OK)
		return damaged(e, c->s, cur_off(c), e->msg);
	v->values = buf;
	c->pos += k;
	return RDB_OK;
}

int rdb_seg_cur_read_halves_sel(struct rdb_seg_cur *c, size_t k,
    const uint32_t *sel, size_t m, int64_t *lo, int64_t *hi, int *hconst,
    int64_t *hc, const uint8_t **validity, struct rdb_err *e)
{
	if (!c->open || c->t != RDB_DECIMAL || k > c->n - c->pos || m > k)
		return rdb_err_set(e, RDB_EMISUSE, "segment cursor misused");
	if (!gatherable(&c->c[0]) || !gatherable(&c->c[1]))
		return 1;
	return read_halves(c, k, sel, m, lo, hi, hconst, hc, validity, e);
}

int rdb_seg_cur_skip(struct rdb_seg_cur *c, size_t k, struct rdb_err *e)
{
	int rc = RDB_OK;

	if (!c->open || k > c->n - c->pos)
		return rdb_err_set(e, RDB_EMISUSE, "segment cursor misused");
	c->c[0].e = c->c[1].e = e;
	if (rdb_type_width(c->t) > 0) {
		rc = rdb_enc_i64_skip(&c->c[0], k);
		if (rc == RDB_OK && c->t == RDB_DECIMAL)
			rc = rdb_enc_i64_skip(&c->c[1], k);
	} else {
		c->tc.e = e;
		rc = rdb_enc_text_skip(&c->tc, k);
	}
	if (rc != RDB_OK)
		return damaged(e, c->s, cur_off(c), e->msg);
	c->pos += k;
	return RDB_OK;
}

/* The values a BOOLEAN, INTEGER or DATE column may hold, as
 * rdb_seg_read_col checks them; NULL when all are in range. */
static const char *out_of_range(enum rdb_type t, const int64_t *wide,
    size_t n)
{
	size_t i;

	if (t == RDB_BOOLEAN) {
		for (i = 0; i < n; i++)
			if ((uint64_t)wide[i] > 1)
				return "BOOLEAN value not 0 or 1";
	} else if (t == RDB_INTEGER || t == RDB_DATE) {
		for (i = 0; i < n; i++)
			if (wide[i] < INT32_MIN || wide[i] > INT32_MAX)
				return "32-bit value out of range";
	}
	return NULL;
}

int rdb_seg_check_col(struct rdb_seg *s, size_t rg, int chunk,
    const int64_t **wide, const uint8_t **validity, struct rdb_err *e)
{
	size_t k = rg * (2 + s->ncols) + (size_t)(chunk + 2);
	size_t n = s->rg_rows[rg], len = 0;
	enum rdb_type t = s->cols[chunk].type;
	const uint8_t *bm, *p;
	const char *what;
	struct rdb_rd r;
	int rc, half, utf8;

	*wide = NULL;
	*validity = NULL;
	if ((rc = load_chunk(s, rg, chunk, e)) != RDB_OK ||
	    (rc = chunk_prefix(s, rg, chunk, &r, &bm, e)) != RDB_OK)
		return rc;
	if (rdb_type_width(t) > 0) {
		if (n > t_widecap) {
			free(t_wide);
			t_widecap = 0;
			if ((t_wide = malloc(n * sizeof *t_wide)) == NULL)
				return rdb_err_set(e, RDB_ENOMEM, "out of memory");
			t_widecap = n;
		}
		for (half = 0; half < (t == RDB_DECIMAL ? 2 : 1); half++) {
			if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
				return rc;
			if ((rc = rdb_enc_i64_decode(p, len, n, t_wide, e)) != RDB_OK)
				return damaged(e, s, s->offsets[k], e->msg);
		}
		if ((what = out_of_range(t, t_wide, n)) != NULL)
			return damaged(e, s, s->offsets[k], what);
	} else {
		if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
			return rc;
		rc = rdb_enc_bytes_check(p, len, n, t != RDB_BLOB ? &utf8 : NULL, e);
		if (rc != RDB_OK)
			return damaged(e, s, s->offsets[k], e->msg);
		if (t != RDB_BLOB && !utf8)
			return damaged(e, s, s->offsets[k], "text is not valid UTF-8");
	}
	if (r.pos != r.len)
		return damaged(e, s, s->offsets[k], "trailing bytes in chunk");
	if (rdb_type_width(t) > 0 && t != RDB_DECIMAL)
		*wide = t_wide;
	*validity = bm;
	return RDB_OK;
}

int rdb_seg_chunk_encodings(struct rdb_seg *s, size_t rg, int chunk,
    unsigned *mask, struct rdb_err *e)
{
	const uint8_t *bm, *p;
	struct rdb_rd r;
	size_t len = 0;
	int rc;

	*mask = 0;
	if ((rc = load_chunk(s, rg, chunk, e)) != RDB_OK ||
	    (rc = chunk_prefix(s, rg, chunk, &r, &bm, e)) != RDB_OK)
		return rc;
	while (r.pos < r.len) {
		if ((rc = get_stream(s, rg, chunk, &r, &p, &len, e)) != RDB_OK)
			return rc;
		if (len > 0 && p[0] < 32)
			*mask |= 1u << p[0];
	}
	return RDB_OK;
}
