/*
 * verify.c - prove a database intact, or say exactly what is not.
 *
 * Everything readable is read at one pinned snapshot: the manifest and
 * the WAL (through the same loading code every reader uses, which checks
 * every checksum and record), then every segment: footer, every chunk's
 * checksum, and unless quick a full decode, with the zone maps, NULL
 * counts and row ids checked against the decoded data. Findings are
 * reported one by one; one bad chunk does not hide the next.
 *
 * Every chunk of a segment is a unit of work for every core (one thread
 * a core, up to eight); findings wait with their chunk and are reported
 * in file order, so they come in the same order whatever the timing
 * (check_chunks). The full check decompresses and decodes every chunk
 * but builds no vectors: strings are checked where they lie, never
 * copied out. --quick decompresses nothing: it hashes each column
 * chunk's stored bytes against the footer's checksum (the row id and
 * commit chunks are still decoded, for provenance).
 *
 * Beyond what a reader needs, the verifier checks what ties the files
 * together, so that a file that is valid on its own but in the wrong
 * place is found too:
 *
 *   - the manifests: every older one still in manifest/ parses and the
 *     chain of sequence numbers, commits and horizons is consistent; one
 *     newer than CURRENT holding commits the database no longer reaches
 *     means an older CURRENT was put back [F-MAN-022] [F-MAN-032];
 *   - the WAL files: the loading code refuses a log whose damage is
 *     followed by more of it, or that misses a file [F-WAL-012]
 *     [F-WAL-014]; what is left after its end is reported as notes;
 *   - provenance: the commit log says which commit inserted how many
 *     rows into which table, and row ids are handed out in that order,
 *     so every row id of a table has exactly one inserting commit. Every
 *     row of every segment must carry it, and every row id must be in
 *     exactly one segment (or the WAL) until a compaction purges rows
 *     [F-MAN-046] [F-SEG-008]. A segment copied over another table's,
 *     or over another segment of its own table, is found so.
 *
 * When what every reader loads is damaged (the manifest, a delete file,
 * a WAL record that fails its checks), that is reported and the checks
 * go on with what can still be read: the manifest without the WAL, or
 * failing that every file on its own. One damage never hides another.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db_int.h"
#include "idx/idx.h"
#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/txn_int.h"
#include "txn/vec.h"

/* lib/txn/manifest.c: load manifest seq into s, without the WAL. */
int rdb_store_load_manifest(struct rdb_store *s, uint64_t seq,
    struct rdb_err *e);

#define MAX_FRAMED ((uint64_t)1 << 30)  /* [F-MAN-020] */
#define MAX_ROWMAP ((uint64_t)1 << 32)  /* row ids a bitmap may cover */

/* Rows [first, first + n) of a table were inserted by commit. */
struct prov {
	uint64_t first, n, commit;
};

struct tprov {
	struct prov *runs;          /* by first, as the commits came */
	size_t n, cap;
	uint64_t rows;              /* the table's rows so far */
};

/* Which row ids of one table were seen, and where. */
struct rowmap {
	uint8_t *bits;
	uint64_t n;                 /* ids 0..n-1 */
	int complete;               /* every segment read its row ids */
};

/* Findings of a worker thread, reported in order once it is done. */
struct fitem {
	enum rdb_severity sev;
	const char *kind, *req;     /* static strings */
	char *file, *msg;
	int64_t off;
};

struct fbuf {
	struct fitem *items;
	size_t n, cap;
};

struct vctx {
	struct rdb_db *db;
	void (*fn)(const struct rdb_finding *, void *);
	void (*progress)(void *, uint64_t, uint64_t);
	void *arg;
	unsigned flags;
	uint64_t errors;
	uint64_t done, total;       /* segment bytes, for progress */
	const char *skip;           /* a file whose damage is reported */
	int prov_ok;                /* the commit log could be read whole */
	size_t nprov;
	struct tprov *prov;         /* by table id */
	char man[48];               /* for manifest_file() */
	struct fbuf *buf;           /* a worker's copy: findings go here */
};

const char *rdb_severity_name(enum rdb_severity s)
{
	return s == RDB_SEV_ERROR ? "error" : s == RDB_SEV_WARNING ? "warning"
	    : "note";
}

/* path relative to the database when it is inside it. */
static const char *rel_of(const struct vctx *v, const char *path)
{
	size_t n = strlen(v->db->path);

	if (path != NULL && strncmp(path, v->db->path, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

static void report(struct vctx *v, enum rdb_severity sev, const char *kind,
    const char *file, int64_t off, const char *req, const char *msg)
{
	struct rdb_finding f = { sev, kind, rel_of(v, file), off, req, msg };

	if (v->buf != NULL) {
		struct fbuf *b = v->buf;
		if (rdb_grow(&b->items, &b->cap, b->n, sizeof *b->items) != RDB_OK)
			return;	/* lost with the memory: nothing better to do */
		b->items[b->n].sev = sev;
		b->items[b->n].kind = kind;
		b->items[b->n].req = req;
		b->items[b->n].off = off;
		b->items[b->n].file = file != NULL ? strdup(file) : NULL;
		b->items[b->n].msg = strdup(msg);
		if (b->items[b->n].msg != NULL)
			b->n++;
		return;
	}
	if (sev == RDB_SEV_ERROR)
		v->errors++;
	v->fn(&f, v->arg);
}

static void reportf(struct vctx *v, enum rdb_severity sev, const char *kind,
    const char *file, int64_t off, const char *req, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void reportf(struct vctx *v, enum rdb_severity sev, const char *kind,
    const char *file, int64_t off, const char *req, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	report(v, sev, kind, file, off, req, msg);
}

/* The offset a damage message names ("... at offset N: ..."), or -1. */
static int64_t offset_in(const char *msg)
{
	const char *p = strstr(msg, " at offset ");
	long long o;

	if (p == NULL || sscanf(p, " at offset %lld", &o) != 1)
		return -1;
	return o;
}

/* The first quoted name of a message, into buf ("" when none). */
static void quoted(const char *msg, char *buf, size_t n)
{
	const char *a = strchr(msg, '\''), *b = a != NULL ? strchr(a + 1, '\'') : NULL;

	buf[0] = '\0';
	if (b != NULL && (size_t)(b - a) <= n)
		snprintf(buf, n, "%.*s", (int)(b - a - 1), a + 1);
}

static int ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * A damage message of the loading code as a finding: the file it names,
 * its kind, and the requirement its words say is broken.
 */
static void report_load(struct vctx *v, const char *msg, char *file, size_t n)
{
	const char *kind = "manifest", *req = "F-MAN-020", *rel;

	quoted(msg, file, n);
	rel = rel_of(v, file);
	if (strcmp(rel, "manifest/CURRENT") == 0)
		req = "F-MAN-031";
	else if (ends(rel, ".del")) {
		kind = "delete";
		req = strstr(msg, "bad entry") != NULL ||
		    strstr(msg, "deleted twice") != NULL ? "F-MAN-040"
		    : strstr(msg, "manifest says") != NULL ||
		    strstr(msg, "is missing") != NULL ? "F-MAN-021" : "F-MAN-020";
	} else if (ends(rel, ".log")) {
		kind = "log";
		req = "F-MAN-045";
	} else if (ends(rel, ".seg")) {
		kind = "segment";
		req = strstr(msg, "is missing") != NULL ||
		    strstr(msg, "differs from the manifest") != NULL ? "F-MAN-021"
		    : "F-SEG-001";
	} else if (ends(rel, ".wal")) {
		kind = "wal";
		req = strstr(msg, "COMMIT id or time") != NULL ? "F-WAL-007"
		    : strstr(msg, "committed end") != NULL ? "F-WAL-003"
		    : strstr(msg, "the log starts in it") != NULL ? "F-WAL-015"
		    : strstr(msg, ": missing, yet") != NULL ? "F-WAL-014"
		    : strstr(msg, "fails its checks") != NULL ||
		    strstr(msg, "follows it") != NULL ? "F-WAL-012"
		    : strstr(msg, "ATTACH") != NULL ? "F-WAL-011" : "F-WAL-010";
	} else if (strstr(msg, "default must be") != NULL)
		req = "F-MAN-014";
	else if (strstr(msg, "view") != NULL)
		req = strstr(msg, "taken") != NULL || strstr(msg, "no view") != NULL
		    ? "F-MAN-017" : "F-MAN-016";
	report(v, RDB_SEV_ERROR, kind, file[0] != '\0' ? file : NULL,
	    offset_in(msg), req, msg);
}

static void orphan(const char *rel, void *arg)
{
	struct vctx *v = arg;

	if (strncmp(rel, "indexes/", 8) == 0)
		report(v, RDB_SEV_WARNING, "orphan", rel, -1, "F-WAL-011",
		    "an index file that no index or segment names (of a dropped "
		    "index or an interrupted write; rdb-compact removes it)");
	else
		report(v, RDB_SEV_WARNING, "orphan", rel, -1, "F-WAL-011",
		    "a file of the database that no manifest or commit names (left by an interrupted checkpoint or load; rdb-compact removes it)");
}

/* The current manifest's name, relative, or NULL before the first. */
static const char *manifest_file(struct vctx *v)
{
	if (v->db->store.manifest_seq == 0)
		return NULL;
	snprintf(v->man, sizeof v->man, "manifest/%016" PRIx64 ".man",
	    v->db->store.manifest_seq);
	return v->man;
}

/* Is name <16 hex digits><ext>? Then *seq is the number. */
static int seq_name(const char *name, const char *ext, uint64_t *seq)
{
	char *end;

	if (strlen(name) != 16 + strlen(ext) || strcmp(name + 16, ext) != 0 ||
	    strspn(name, "0123456789abcdef") != 16)
		return 0;
	*seq = strtoull(name, &end, 16);
	return end == name + 16;
}

/* ---------------------------------------------------------------- */
/* Framed files and the footer, read on their own                   */

/*
 * Read the framed file path (magic, u32 version 0, u32 length, body,
 * XXH3-64; format/manifest.md) whole. 0: *body (malloc'd) and *len are
 * the body; 1: damaged, *off and *what say where and what; -1: it
 * could not be read (errno).
 */
static int read_framed(const char *path, const char *magic, uint8_t **body,
    size_t *len, int64_t *off, const char **what)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t n;
	int fd, rc = 1;

	*body = NULL;
	*off = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		rc = -1;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 24 ||
	    (uint64_t)st.st_size > MAX_FRAMED + 24) {
		*what = "bad size";
		goto out;
	}
	n = (size_t)st.st_size;
	if ((buf = malloc(n)) == NULL) {
		errno = ENOMEM;
		rc = -1;
		goto out;
	}
	if (rdb_pread_full(fd, buf, n, 0) != 0) {
		rc = -1;
		goto out;
	}
	/* manifests are of version 0 or 1 [F-MAN-020] */
	if (memcmp(buf, magic, 6) != 0 || buf[6] != 0 || buf[7] != 0 ||
	    rdb_load32(buf + 8) > (strcmp(magic, "RDBMAN") == 0 ? 1u : 0u)) {
		*what = "bad magic or version";
		goto out;
	}
	if ((size_t)rdb_load32(buf + 12) != n - 24) {
		*off = 12;
		*what = "bad length";
		goto out;
	}
	if (rdb_load64(buf + n - 8) != rdb_hash64(buf, n - 8)) {
		*off = (int64_t)(n - 8);
		*what = "checksum mismatch";
		goto out;
	}
	memmove(buf, buf + 16, n - 24);
	*body = buf;
	*len = n - 24;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

static int getvar(const uint8_t *p, size_t end, size_t *pos, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*pos < end && shift < 64) {
		uint8_t b = p[(*pos)++];
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

/* One entry of a segment's footer: a column (rg SIZE_MAX, ci its
 * index) or a chunk (ci -2 row ids, -1 commits, else the column). */
struct fentry {
	size_t rg;
	int ci;
	uint64_t off, stored, sum;  /* chunks: extent and checksum */
	int64_t entry;              /* where the entry is in the file */
};

/*
 * Walk the footer of the segment fd, calling fn for each entry until it
 * returns non-zero. The reader keeps neither chunk offsets nor entries,
 * which findings name; the footer's checksum was checked when the
 * segment opened. -1 when the footer cannot be walked.
 */
static int footer_walk(int fd, int (*fn)(const struct fentry *, void *),
    void *arg)
{
	uint8_t tr[16], *f = NULL;
	uint64_t flen, foff, ncols, nrg, rows, x, i, k;
	struct fentry e;
	struct stat st;
	size_t pos, end;
	int rc = -1;

	if (fstat(fd, &st) != 0 || st.st_size < 40 ||
	    rdb_pread_full(fd, tr, 16, st.st_size - 16) != 0)
		goto out;
	flen = rdb_load32(tr);
	if (flen < 8 || flen > (uint64_t)st.st_size - 32 ||
	    (f = malloc((size_t)flen)) == NULL)
		goto out;
	foff = (uint64_t)st.st_size - 16 - flen;
	if (rdb_pread_full(fd, f, (size_t)flen, (off_t)foff) != 0)
		goto out;
	end = (size_t)flen - 8;
	pos = 0;
	if (getvar(f, end, &pos, &ncols) != 0 || ncols > RDB_MAX_COLUMNS)
		goto out;
	memset(&e, 0, sizeof e);
	e.rg = SIZE_MAX;
	for (i = 0; i < ncols; i++) {
		e.ci = (int)i;
		e.entry = (int64_t)(foff + pos);
		if (fn(&e, arg) != 0) {
			rc = 0;
			goto out;
		}
		if (getvar(f, end, &pos, &x) != 0 || (pos += 3) > end)
			goto out;
	}
	if (getvar(f, end, &pos, &nrg) != 0)
		goto out;
	for (e.rg = 0; e.rg < nrg; e.rg++) {
		if (getvar(f, end, &pos, &rows) != 0)
			goto out;
		for (k = 0; k < ncols + 2; k++) {
			e.ci = (int)k - 2;
			e.entry = (int64_t)(foff + pos);
			if (getvar(f, end, &pos, &e.off) != 0 ||
			    getvar(f, end, &pos, &e.stored) != 0 ||
			    getvar(f, end, &pos, &x) != 0 || ++pos > end ||
			    getvar(f, end, &pos, &x) != 0 || pos >= end)
				goto out;
			pos += 1 + (f[pos] ? 16 : 0);
			if (pos + 8 > end)
				goto out;
			e.sum = rdb_load64(f + pos);
			pos += 8;
			if (fn(&e, arg) != 0) {
				rc = 0;
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(f);
	return rc;
}

struct where {
	size_t rg;
	int ci, found;
	int64_t off, entry;
};

static int where_fn(const struct fentry *e, void *arg)
{
	struct where *w = arg;

	if (e->rg != w->rg || e->ci != w->ci)
		return 0;
	w->off = e->rg == SIZE_MAX ? e->entry : (int64_t)e->off;
	w->entry = e->entry;
	w->found = 1;
	return 1;
}

/* Where chunk ci of row group rg lies and where its footer entry is
 * (rg SIZE_MAX: where footer column ci is described). */
static int chunk_where(const char *path, size_t rg, int ci, int64_t *off,
    int64_t *entry)
{
	struct where w = { rg, ci, 0, -1, -1 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	footer_walk(fd, where_fn, &w);
	close(fd);
	*off = w.off;
	*entry = w.entry;
	return w.found ? 0 : -1;
}

static int64_t chunk_off(const char *path, size_t rg, int ci)
{
	int64_t off, entry;

	return chunk_where(path, rg, ci, &off, &entry) == 0 ? off : -1;
}

static int64_t col_off(const char *path, size_t i)
{
	int64_t off, entry;

	return chunk_where(path, SIZE_MAX, (int)i, &off, &entry) == 0 ? off : -1;
}

/*
 * The requirement a chunk's damage message breaks, by its words
 * (lib/seg/seg.c, lib/seg/enc.c): most precise first.
 */
static const char *chunk_req(const char *msg)
{
	static const struct {
		const char *words, *req;
	} map[] = {
		{ "checksum mismatch", "F-SEG-001" },
		{ "null count disagrees", "F-SEG-004" },
		{ "not valid UTF-8", "F-MAN-001" },
		{ "of string", "F-ENC-074" },
		{ "outside the dictionary", "F-ENC-063" },
		{ "dictionary size", "F-ENC-061" },
		{ "dictionary: entry", "F-ENC-062" },
		{ "dictionary lengths", "F-ENC-074" },
		{ "padding bits", "F-ENC-021" },
		{ "bit width", "F-ENC-023" },
		{ " var", "F-ENC-010" },
		{ "run count", "F-ENC-041" },
		{ "run lengths", "F-ENC-042" },
		{ "unknown encoding", "F-ENC-002" },
		{ "not one for strings", "F-ENC-070" },
		{ "after the end of the encoded", "F-ENC-003" },
		{ "plain values need", "F-ENC-030" },
		{ "lengths: string", "F-ENC-072" },
		{ "after the last string", "F-ENC-072" },
		{ "strings add up", "F-ENC-075" },
		{ "empty stream", "F-ENC-001" },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof *map; i++)
		if (strstr(msg, map[i].words) != NULL)
			return map[i].req;
	return "F-SEG-002";
}

static int64_t entry_off(const char *path, size_t rg, int ci)
{
	int64_t off, entry;

	return chunk_where(path, rg, ci, &off, &entry) == 0 ? entry : -1;
}

/* ---------------------------------------------------------------- */
/* Segments                                                          */

#define VALID(bm, i) ((bm) == NULL || ((bm)[(i) >> 3] >> ((i) & 7) & 1))

/*
 * Check the decoded values of chunk ci, as int64 (a DOUBLE's bit
 * patterns), against its zone map [F-SEG-004].
 */
static void check_zone(struct vctx *v, struct rdb_seg *g, const char *path,
    size_t rg, int ci, const int64_t *a, const uint8_t *bm, size_t n)
{
	const struct rdb_zone *z = rdb_seg_zone(g, rg, ci);
	enum rdb_type t = rdb_seg_col_type(g, (size_t)ci);
	int64_t mn = 0, mx = 0;
	size_t i;
	int any = 0;

	if (t == RDB_DOUBLE) {
		double dmn = 0, dmx = 0, zmn, zmx, x;
		int nan = 0;
		for (i = 0; i < n; i++) {
			if (!VALID(bm, i))
				continue;
			memcpy(&x, &a[i], 8);
			if (isnan(x)) {
				nan = 1;
				continue;
			}
			if (!any || x < dmn)
				dmn = x;
			if (!any || x > dmx)
				dmx = x;
			any = 1;
		}
		memcpy(&zmn, &z->min, 8);
		memcpy(&zmx, &z->max, 8);
		if (z->has_minmax && (nan || !any || zmn != dmn || zmx != dmx))
			reportf(v, RDB_SEV_ERROR, "zonemap", path,
			    entry_off(path, rg, ci), "F-SEG-004",
			    "row group %zu, column %u: the zone map says %.17g..%.17g, the values are %.17g..%.17g",
			    rg, rdb_seg_col_id(g, (size_t)ci), zmn, zmx, dmn, dmx);
		return;
	}
	if (t != RDB_BOOLEAN && t != RDB_INTEGER && t != RDB_DATE &&
	    t != RDB_BIGINT && t != RDB_TIMESTAMP)
		return;		/* no zone map for other types */
	if (bm == NULL && n > 0) {
		mn = mx = a[0];
		for (i = 1; i < n; i++) {
			mn = a[i] < mn ? a[i] : mn;
			mx = a[i] > mx ? a[i] : mx;
		}
		any = 1;
	} else
		for (i = 0; i < n; i++) {
			if (!VALID(bm, i))
				continue;
			if (!any) {
				mn = mx = a[i];
				any = 1;
			} else if (a[i] < mn)
				mn = a[i];
			else if (a[i] > mx)
				mx = a[i];
		}
	if ((z->has_minmax != any) || (any && (z->min != mn || z->max != mx)))
		reportf(v, RDB_SEV_ERROR, "zonemap", path, entry_off(path, rg, ci),
		    "F-SEG-004",
		    "row group %zu, column %u: the zone map says %lld..%lld, the values are %lld..%lld",
		    rg, rdb_seg_col_id(g, (size_t)ci), (long long)z->min,
		    (long long)z->max, (long long)mn, (long long)mx);
}

/* The run of tp holding row id, or NULL; *k is a hint kept between calls. */
static const struct prov *prov_find(const struct tprov *tp, uint64_t id,
    size_t *k)
{
	size_t lo = 0, hi;

	if (*k < tp->n && id >= tp->runs[*k].first &&
	    id - tp->runs[*k].first < tp->runs[*k].n)
		return &tp->runs[*k];
	hi = tp->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tp->runs[mid].first <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || id - tp->runs[lo - 1].first >= tp->runs[lo - 1].n)
		return NULL;
	*k = lo - 1;
	return &tp->runs[lo - 1];
}

/* What a segment's hidden chunks say about its rows, over all its row
 * groups: the first of each kind of fault, and how many rows had it. */
struct rowfault {
	uint64_t count, id, got, want;
	size_t rg;
};

static void fault(struct rowfault *f, size_t rg, uint64_t id, uint64_t got,
    uint64_t want)
{
	if (f->count++ == 0) {
		f->rg = rg;
		f->id = id;
		f->got = got;
		f->want = want;
	}
}

static void progress(struct vctx *v, uint64_t add)
{
	v->done += add;
	if (v->progress != NULL)
		v->progress(v->arg, v->done, v->total);
}

/*
 * A segment's chunks are checked on every core. Each chunk is a unit of
 * work that whichever thread is free takes, in file order, keeping its
 * findings with it; the calling thread takes units too, and as soon as
 * every chunk of the oldest row group in flight is done it reports
 * their findings in order and checks that row group's row ids and
 * commits against the table. So findings come in the same order
 * whatever the timing, and only a window of row groups is ever in
 * flight, which bounds the row ids held in memory.
 */
#define MAX_THREADS 8
#define WINDOW_EXTRA 4      /* row groups in flight beyond one a thread */

struct unit {
	struct fbuf buf;    /* its findings, reported in order */
};

struct segjob {
	struct vctx proto;  /* the caller's context, findings buffered */
	struct rdb_seg *g;
	const struct rdb_tbl *tb;
	const char *path;
	size_t nrg, per;    /* row groups; chunks a row group (2 + columns) */
	size_t nunits;
	struct unit *units;
	uint64_t **ids, **cids;  /* a row group's, once decoded, or NULL */
	size_t *ndone;      /* chunks done of each row group */
	size_t *order;      /* the units in the order they are taken */
	pthread_mutex_t mu;
	pthread_cond_t cv;  /* a chunk is done, or the window moved */
	size_t next;        /* the next unit to take */
	size_t limit;       /* units below it may be taken */
};

/* The NOT NULL columns of tb with NULLs in row group rg [F-SEG-004]. */
static void check_notnull(struct vctx *v, struct rdb_seg *g,
    const struct rdb_tbl *tb, const char *path, size_t rg, int ci)
{
	const struct rdb_zone *z = rdb_seg_zone(g, rg, ci);
	size_t c;

	for (c = 0; tb != NULL && z->nulls > 0 && c < tb->ncols; c++)
		if (tb->cols[c].id == rdb_seg_col_id(g, (size_t)ci) &&
		    (tb->cols[c].flags & 1))
			reportf(v, RDB_SEV_ERROR, "chunk", path,
			    chunk_off(path, rg, ci), "F-SEG-004",
			    "row group %zu: %llu NULLs in NOT NULL column '%s'",
			    rg, (unsigned long long)z->nulls, tb->cols[c].name);
}

/*
 * The zone map of a hidden chunk (row ids or commits) against its
 * values [F-SEG-009]: a version scan skips row groups by it, so a wrong
 * one hides rows.
 */
static void check_hidden_zone(struct vctx *v, struct rdb_seg *g,
    const char *path, size_t rg, int ci, const uint64_t *a, size_t n)
{
	const struct rdb_zone *z = rdb_seg_zone(g, rg, ci);
	const char *what = ci == RDB_SEG_ROWID ? "row id" : "commit";
	uint64_t mn, mx;
	size_t i;

	if (n == 0)
		return;
	mn = mx = a[0];
	for (i = 1; i < n; i++) {
		mn = a[i] < mn ? a[i] : mn;
		mx = a[i] > mx ? a[i] : mx;
	}
	if (!z->has_minmax)
		reportf(v, RDB_SEV_WARNING, "zonemap", path, entry_off(path, rg, ci),
		    "F-SEG-009", "row group %zu: the %s chunk has no zone map",
		    rg, what);
	else if ((uint64_t)z->min != mn || (uint64_t)z->max != mx ||
	    z->nulls != 0)
		reportf(v, RDB_SEV_ERROR, "zonemap", path, entry_off(path, rg, ci),
		    "F-SEG-009", "row group %zu: the zone map of the %s chunk "
		    "says %llu..%llu, the values are %llu..%llu", rg, what,
		    (unsigned long long)z->min, (unsigned long long)z->max,
		    (unsigned long long)mn, (unsigned long long)mx);
}

/*
 * Unit u: a hidden chunk decoded into the row group's row ids or
 * commits; a column chunk's NOT NULL, then unless quick a full decode
 * and its zone map against the values, or with quick its checksum.
 */
static void do_unit(struct segjob *j, size_t u, struct rdb_err *e)
{
	struct vctx v = j->proto;
	size_t rg = u / j->per, n = rdb_seg_rg_rows(j->g, rg);
	int ci = (int)(u % j->per) - 2, rc;

	v.buf = &j->units[u].buf;
	if (ci < 0) {
		uint64_t **slot = ci == RDB_SEG_ROWID ? &j->ids[rg] : &j->cids[rg];
		uint64_t *a = malloc(n * sizeof *a + 1);
		if (a == NULL) {
			report(&v, RDB_SEV_ERROR, "segment", j->path, -1, NULL,
			    "out of memory");
			return;
		}
		rc = rdb_seg_read_hidden(j->g, rg, ci, a, e);
		if (rc != RDB_OK) {
			report(&v, RDB_SEV_ERROR, "chunk", j->path, offset_in(e->msg),
			    chunk_req(e->msg), e->msg);
			free(a);
			return;
		}
		check_hidden_zone(&v, j->g, j->path, rg, ci, a, n);
		*slot = a;
		return;
	}
	check_notnull(&v, j->g, j->tb, j->path, rg, ci);
	if (v.flags & RDB_VERIFY_QUICK)
		rc = rdb_seg_check_sum(j->g, rg, ci, e);
	else {
		const int64_t *wide;
		const uint8_t *bm;
		rc = rdb_seg_check_col(j->g, rg, ci, &wide, &bm, e);
		if (rc == RDB_OK && wide != NULL)
			check_zone(&v, j->g, j->path, rg, ci, wide, bm, n);
	}
	if (rc != RDB_OK)
		report(&v, RDB_SEV_ERROR, "chunk", j->path, offset_in(e->msg),
		    chunk_req(e->msg), e->msg);
}

/*
 * Take and do units until none is left to take; the calling thread
 * (main) also returns as soon as row group *rg is all done, to report
 * it. Called and returns with j->mu held.
 */
static void take_units(struct segjob *j, struct rdb_err *e, const size_t *rg)
{
	for (;;) {
		if (rg != NULL && j->ndone[*rg] == j->per)
			return;
		if (j->next < j->limit) {
			size_t u = j->order[j->next++];
			pthread_mutex_unlock(&j->mu);
			do_unit(j, u, e);
			pthread_mutex_lock(&j->mu);
			if (++j->ndone[u / j->per] == j->per)
				pthread_cond_broadcast(&j->cv);
			continue;
		}
		if (rg == NULL && j->next >= j->nunits)
			return;
		pthread_cond_wait(&j->cv, &j->mu);
	}
}

static void *segjob_worker(void *arg)
{
	struct segjob *j = arg;
	struct rdb_err e;

	rdb_err_clear(&e);
	pthread_mutex_lock(&j->mu);
	take_units(j, &e, NULL);
	pthread_mutex_unlock(&j->mu);
	rdb_seg_scratch_release();
	return NULL;
}

static void flush(struct vctx *v, struct fbuf *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		report(v, b->items[i].sev, b->items[i].kind, b->items[i].file,
		    b->items[i].off, b->items[i].req, b->items[i].msg);
		free(b->items[i].file);
		free(b->items[i].msg);
	}
	free(b->items);
	memset(b, 0, sizeof *b);
}

/* What the row ids and commits of a segment are checked against. */
struct rowcheck {
	struct rdb_tdata *td;
	const struct tprov *tp;
	struct rowmap *rm;
	struct rowfault order, beyond, commit, prov, dup;
	uint64_t prev;
	size_t k;
	int first;
};

/* The row ids and commits of row group rg, in order after those of
 * the row groups before it [F-SEG-003] [F-SEG-008]. */
static void check_hidden(struct vctx *v, struct rowcheck *c, size_t rg,
    const uint64_t *ids, const uint64_t *cids, size_t n)
{
	uint64_t last = v->db->store.last_commit;
	uint64_t next = c->td != NULL ? c->td->next_rowid : 0;
	struct rowmap *rm = c->rm != NULL && c->rm->bits != NULL ? c->rm : NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t id = ids[i], cm = cids[i];
		if (!c->first && id <= c->prev)
			fault(&c->order, rg, id, c->prev, 0);
		c->first = 0;
		c->prev = id;
		if (c->td != NULL && id >= next)
			fault(&c->beyond, rg, id, next, 0);
		if (c->td != NULL && (cm == 0 || cm > last))
			fault(&c->commit, rg, id, cm, last);
		if (c->tp != NULL) {
			const struct prov *p = prov_find(c->tp, id, &c->k);
			if (p == NULL || p->commit != cm)
				fault(&c->prov, rg, id, cm, p != NULL ? p->commit : 0);
		}
		if (rm != NULL && id < rm->n) {
			uint8_t bit = (uint8_t)(1u << (id & 7));
			if (rm->bits[id >> 3] & bit)
				fault(&c->dup, rg, id, 0, 0);
			rm->bits[id >> 3] |= bit;
		}
	}
}

struct bysize {
	uint64_t stored;
	size_t u;
};

static int cmp_bysize(const void *a, const void *b)
{
	const struct bysize *x = a, *y = b;

	if (x->stored != y->stored)
		return x->stored > y->stored ? -1 : 1;
	return x->u < y->u ? -1 : x->u > y->u;
}

/*
 * The order units are taken in: row group by row group, the largest
 * chunks of each first, so that what is left for the end of a segment,
 * when other threads may have nothing more to take, is small. Returns
 * -1 when out of memory.
 */
static int unit_order(struct segjob *j)
{
	struct bysize *b = malloc(j->per * sizeof *b);
	size_t rg, k;

	if (b == NULL)
		return -1;
	for (rg = 0; rg < j->nrg; rg++) {
		for (k = 0; k < j->per; k++) {
			b[k].u = rg * j->per + k;
			b[k].stored = rdb_seg_zone(j->g, rg, (int)k - 2)->stored;
		}
		qsort(b, j->per, sizeof *b, cmp_bysize);
		for (k = 0; k < j->per; k++)
			j->order[rg * j->per + k] = b[k].u;
	}
	free(b);
	return 0;
}

/* How many threads check a segment's chunks: one a core, at most
 * MAX_THREADS. */
static size_t verify_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (size_t)n;
}

/*
 * Every chunk of segment g, on every core, each row group's findings
 * reported in order as it completes, its row ids checked into c. *bytes
 * gets the chunk bytes checked. Returns 0 when every row id was read.
 */
static int check_chunks(struct vctx *v, struct rdb_seg *g,
    const struct rdb_tbl *tb, const char *path, struct rowcheck *c,
    uint64_t *bytes)
{
	struct segjob j;
	pthread_t thr[MAX_THREADS];
	size_t nthr = 0, want, window, rg, u, i;
	struct rdb_err e;
	int all = 1;

	memset(&j, 0, sizeof j);
	j.proto = *v;
	j.g = g;
	j.tb = tb;
	j.path = path;
	j.nrg = rdb_seg_nrowgroups(g);
	j.per = rdb_seg_ncols(g) + 2;
	j.nunits = j.nrg * j.per;
	*bytes = 0;
	if (j.nrg == 0)
		return 0;
	j.units = calloc(j.nunits, sizeof *j.units);
	j.ids = calloc(j.nrg, sizeof *j.ids);
	j.cids = calloc(j.nrg, sizeof *j.cids);
	j.ndone = calloc(j.nrg, sizeof *j.ndone);
	j.order = malloc(j.nunits * sizeof *j.order);
	if (j.units == NULL || j.ids == NULL || j.cids == NULL ||
	    j.ndone == NULL || j.order == NULL || unit_order(&j) != 0) {
		report(v, RDB_SEV_ERROR, "segment", path, -1, NULL, "out of memory");
		all = 0;
		goto out;
	}
	want = verify_threads();
	window = want + WINDOW_EXTRA;
	j.limit = (window < j.nrg ? window : j.nrg) * j.per;
	rdb_err_clear(&e);
	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.cv, NULL);
	for (i = 1; i < want && i < j.nunits; i++)
		if (pthread_create(&thr[nthr], NULL, segjob_worker, &j) == 0)
			nthr++;
	pthread_mutex_lock(&j.mu);
	for (rg = 0; rg < j.nrg; rg++) {
		uint64_t done = 0;
		take_units(&j, &e, &rg);
		/* the window moves on: row group rg is no thread's now */
		j.limit = (rg + 1 + window < j.nrg ? rg + 1 + window : j.nrg) *
		    j.per;
		pthread_cond_broadcast(&j.cv);
		pthread_mutex_unlock(&j.mu);
		for (u = rg * j.per; u < (rg + 1) * j.per; u++) {
			flush(v, &j.units[u].buf);
			done += rdb_seg_zone(g, rg, (int)(u - rg * j.per) - 2)->stored;
			if (u != rg * j.per + 1)
				continue;
			/* after the findings of both hidden chunks */
			if (j.ids[rg] != NULL && j.cids[rg] != NULL)
				check_hidden(v, c, rg, j.ids[rg], j.cids[rg],
				    rdb_seg_rg_rows(g, rg));
			else
				all = 0;
			free(j.ids[rg]);
			free(j.cids[rg]);
			j.ids[rg] = j.cids[rg] = NULL;
		}
		progress(v, done);
		*bytes += done;
		pthread_mutex_lock(&j.mu);
	}
	pthread_mutex_unlock(&j.mu);
	for (i = 0; i < nthr; i++)
		pthread_join(thr[i], NULL);
	pthread_cond_destroy(&j.cv);
	pthread_mutex_destroy(&j.mu);
out:
	free(j.units);
	free(j.ids);
	free(j.cids);
	free(j.ndone);
	free(j.order);
	return all ? 0 : -1;
}

/*
 * Check one segment: its footer against the manifest and the catalog,
 * its hidden chunks (row ids, commits) against the table and the commit
 * log, every column chunk, and unless quick their decoded values. td,
 * tb and rm are NULL when the segment is checked on its own, the
 * manifest being unreadable. Returns 0 when every row id was read.
 */
static int check_segment(struct vctx *v, struct rdb_tdata *td,
    struct rdb_segref *sr, const struct rdb_tbl *tb, struct rowmap *rm)
{
	struct rdb_db *db = v->db;
	struct rdb_err *e = &db->err;
	struct rowcheck c;
	uint64_t done = 0;
	char path[4096];
	size_t i;
	int rc, all;

	snprintf(path, sizeof path, "%s/%s", db->path, sr->file);
	if (sr->seg == NULL) {
		rc = rdb_seg_open(db->path, sr->file, td != NULL ? sr->bytes : 0,
		    &sr->seg, e);
		if (rc != RDB_OK) {
			report(v, RDB_SEV_ERROR, "segment", path, offset_in(e->msg),
			    strstr(e->msg, "is missing") != NULL ||
			    strstr(e->msg, "differs from the manifest") != NULL
			    ? "F-MAN-021" : "F-SEG-001", e->msg);
			progress(v, sr->bytes);
			return -1;
		}
	}
	if (td != NULL && rdb_seg_rows(sr->seg) != sr->rows)
		reportf(v, RDB_SEV_ERROR, "segment", path, -1, "F-MAN-021",
		    "%llu rows, the manifest says %llu",
		    (unsigned long long)rdb_seg_rows(sr->seg),
		    (unsigned long long)sr->rows);
	/* the catalog against the segment: a live column keeps its type */
	for (i = 0; tb != NULL && i < rdb_seg_ncols(sr->seg); i++) {
		size_t k;
		for (k = 0; k < tb->ncols; k++)
			if (tb->cols[k].id == rdb_seg_col_id(sr->seg, i) &&
			    tb->cols[k].type != rdb_seg_col_type(sr->seg, i))
				reportf(v, RDB_SEV_ERROR, "catalog", path,
				    col_off(path, i), "F-SEG-005",
				    "column '%s' is %s in the catalog, %s in the segment",
				    tb->cols[k].name,
				    rdb_type_name((enum rdb_type)tb->cols[k].type),
				    rdb_type_name(rdb_seg_col_type(sr->seg, i)));
	}
	memset(&c, 0, sizeof c);
	c.td = td;
	c.rm = rm;
	c.first = 1;
	if (td != NULL && v->prov_ok && td->id < v->nprov)
		c.tp = &v->prov[td->id];
	all = check_chunks(v, sr->seg, tb, path, &c, &done) == 0;
	if (sr->bytes > done)
		progress(v, sr->bytes - done);	/* header, footer */
	if (c.order.count > 0)
		reportf(v, RDB_SEV_ERROR, "chunk", path,
		    chunk_off(path, c.order.rg, RDB_SEG_ROWID), "F-SEG-003",
		    "row group %zu: row id %llu follows row id %llu (%llu rows out of order)",
		    c.order.rg, (unsigned long long)c.order.id,
		    (unsigned long long)c.order.got,
		    (unsigned long long)c.order.count);
	if (c.beyond.count > 0)
		reportf(v, RDB_SEV_ERROR, "chunk", path,
		    chunk_off(path, c.beyond.rg, RDB_SEG_ROWID), "F-SEG-003",
		    "row group %zu: row id %llu beyond the table's next, %llu (%llu rows)",
		    c.beyond.rg, (unsigned long long)c.beyond.id,
		    (unsigned long long)c.beyond.got,
		    (unsigned long long)c.beyond.count);
	if (c.commit.count > 0)
		reportf(v, RDB_SEV_ERROR, "chunk", path,
		    chunk_off(path, c.commit.rg, RDB_SEG_COMMIT), "F-SEG-003",
		    "row group %zu: row id %llu has commit %llu, outside the history (1..%llu; %llu rows)",
		    c.commit.rg, (unsigned long long)c.commit.id,
		    (unsigned long long)c.commit.got,
		    (unsigned long long)c.commit.want,
		    (unsigned long long)c.commit.count);
	if (c.prov.count > 0) {
		if (c.prov.want != 0)
			reportf(v, RDB_SEV_ERROR, "chunk", path,
			    chunk_off(path, c.prov.rg, RDB_SEG_COMMIT), "F-SEG-008",
			    "row group %zu: row id %llu has commit %llu, but the commit log gives it to commit %llu (%llu rows so): the rows belong elsewhere, as when a file was written in another's place",
			    c.prov.rg, (unsigned long long)c.prov.id,
			    (unsigned long long)c.prov.got,
			    (unsigned long long)c.prov.want,
			    (unsigned long long)c.prov.count);
		else
			reportf(v, RDB_SEV_ERROR, "chunk", path,
			    chunk_off(path, c.prov.rg, RDB_SEG_ROWID), "F-SEG-008",
			    "row group %zu: row id %llu was inserted by no commit of the table, by its commit log (%llu rows so)",
			    c.prov.rg, (unsigned long long)c.prov.id,
			    (unsigned long long)c.prov.count);
	}
	if (c.dup.count > 0)
		reportf(v, RDB_SEV_ERROR, "chunk", path,
		    chunk_off(path, c.dup.rg, RDB_SEG_ROWID), "F-SEG-008",
		    "row group %zu: row id %llu is in another segment of the table too (%llu rows so)",
		    c.dup.rg, (unsigned long long)c.dup.id,
		    (unsigned long long)c.dup.count);
	return all ? 0 : -1;
}

/*
 * After every segment of td: the rows in memory (from the WAL) too, then
 * unless a compaction ever purged rows (horizon 0), every row id below
 * the next must have been seen [F-SEG-008].
 */
static void check_rows(struct vctx *v, struct rdb_tdata *td,
    const struct rdb_tbl *tb, struct rowmap *rm)
{
	uint64_t missing = 0, firstmiss = 0, dups = 0, firstdup = 0, id;
	size_t i;

	if (rm->bits == NULL)
		return;
	for (i = 0; i < td->nmem; i++) {
		const struct rdb_memrows *m = &td->mem[i];
		for (id = m->first_rowid; id - m->first_rowid < m->nrows && id < rm->n;
		    id++) {
			uint8_t bit = (uint8_t)(1u << (id & 7));
			if ((rm->bits[id >> 3] & bit) && dups++ == 0)
				firstdup = id;
			rm->bits[id >> 3] |= bit;
		}
	}
	if (dups > 0)
		reportf(v, RDB_SEV_ERROR, "segment", manifest_file(v), -1, "F-SEG-008",
		    "table '%s': %llu row ids are both in a segment and in the WAL, the first %llu",
		    tb != NULL ? tb->name : "?", (unsigned long long)dups,
		    (unsigned long long)firstdup);
	if (v->db->store.horizon != 0 || td->horizon != 0 || !rm->complete)
		return;
	for (id = 0; id < rm->n; id++) {
		if ((id & 7) == 0 && rm->n - id >= 8 && rm->bits[id >> 3] == 0xff) {
			id += 7;
			continue;
		}
		if (!(rm->bits[id >> 3] >> (id & 7) & 1) && missing++ == 0)
			firstmiss = id;
	}
	if (missing > 0)
		reportf(v, RDB_SEV_ERROR, "segment", manifest_file(v), -1, "F-SEG-008",
		    "table '%s': %llu of its row ids below %llu are in no segment and not in the WAL, the first %llu: rows were lost",
		    tb != NULL ? tb->name : "?", (unsigned long long)missing,
		    (unsigned long long)rm->n, (unsigned long long)firstmiss);
}

/* ---------------------------------------------------------------- */
/* The WAL                                                           */

static int skip_record(void *arg, int type, const uint8_t *p, size_t len,
    const char *file, off_t off)
{
	(void)arg;
	(void)type;
	(void)p;
	(void)len;
	(void)file;
	(void)off;
	return 0;
}

/* Bytes after the last commit in the WAL, and every other file of
 * wal/. The load classified them already: damage in the log made it
 * fail [F-WAL-012] [F-WAL-014], so what is left here is a torn tail and
 * files no replay needs. */
static void check_wal(struct vctx *v)
{
	struct rdb_store *s = &v->db->store;
	struct rdb_wal_pos end = s->wal;
	struct rdb_err e;
	char *path, *wdir;
	struct dirent *de;
	struct stat st;
	DIR *d;

	/* a writer may have committed since the snapshot was taken: what
	 * still replays is its work, and the log ends after it */
	if (rdb_wal_replay(s->dir, s->uuid, &end, skip_record, NULL, NULL,
	    &e) != RDB_OK) {
		/* damage written since the snapshot was loaded */
		char file[4096];
		report_load(v, e.msg, file, sizeof file);
		return;
	}
	path = rdb_wal_path(s->dir, end.seq);
	if (path != NULL && stat(path, &st) == 0 && st.st_size > end.off) {
		if (end.off == 0)
			reportf(v, RDB_SEV_NOTE, "wal", path, 0, "F-WAL-013",
			    "a WAL file of %lld bytes that does not continue the log: a file started when its writer stopped; the next writer starts it again",
			    (long long)st.st_size);
		else
			reportf(v, RDB_SEV_NOTE, "wal", path, (int64_t)end.off,
			    "F-WAL-003",
			    "%lld bytes after the last commit: a write that never committed; the next writer cuts it off",
			    (long long)(st.st_size - end.off));
	}
	free(path);
	wdir = rdb_path_join(s->dir, "wal");
	if (wdir == NULL || (d = opendir(wdir)) == NULL) {
		free(wdir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		uint64_t seq;
		if (!seq_name(de->d_name, ".wal", &seq) ||
		    (seq >= s->wal_start.seq && seq <= end.seq))
			continue;
		if ((path = rdb_path_join(wdir, de->d_name)) == NULL)
			continue;
		if (seq < s->wal_start.seq)
			report(v, RDB_SEV_WARNING, "orphan", path, -1, "F-WAL-008",
			    "a WAL file before the one replay starts in: no longer needed (the next checkpoint removes it)");
		else
			report(v, RDB_SEV_NOTE, "wal", path, 0, "F-WAL-013",
			    "a WAL file holding no more than a header after the end of the log: a rotation that did not finish; the next writer removes it");
		free(path);
	}
	closedir(d);
	free(wdir);
}

/* ---------------------------------------------------------------- */
/* Commit logs and provenance                                        */

struct logchk {
	struct vctx *v;
	uint64_t next;      /* the commit id expected next */
	int64_t time;       /* the previous commit's time */
	uint64_t bad;       /* the first out-of-order id, or 0 */
};

/* Hand the rows commit c inserted into each table their row ids. */
static void prov_add(struct vctx *v, const struct rdb_commit_rec *c)
{
	uint32_t next = v->db->store.cat.next_table_id;
	size_t i;

	for (i = 0; i < c->ntables && v->prov_ok; i++) {
		const struct rdb_commit_table *t = &c->tables[i];
		struct tprov *tp;
		if (t->inserted == 0)
			continue;
		if (t->table_id == 0 || t->table_id >= next) {
			reportf(v, RDB_SEV_ERROR, "log", NULL, -1, "F-MAN-046",
			    "commit %llu inserted rows into table id %u, which was never created",
			    (unsigned long long)c->id, t->table_id);
			v->prov_ok = 0;
			return;
		}
		if (t->table_id >= v->nprov) {
			struct tprov *np = realloc(v->prov, (size_t)next * sizeof *np);
			if (np == NULL) {
				v->prov_ok = 0;
				return;
			}
			memset(np + v->nprov, 0, (next - v->nprov) * sizeof *np);
			v->prov = np;
			v->nprov = next;
		}
		tp = &v->prov[t->table_id];
		if (rdb_grow(&tp->runs, &tp->cap, tp->n, sizeof *tp->runs) != RDB_OK ||
		    t->inserted > UINT64_MAX - tp->rows) {
			v->prov_ok = 0;
			return;
		}
		tp->runs[tp->n].first = tp->rows;
		tp->runs[tp->n].n = t->inserted;
		tp->runs[tp->n].commit = c->id;
		tp->n++;
		tp->rows += t->inserted;
	}
}

static int log_one(const struct rdb_commit_rec *c, void *arg)
{
	struct logchk *k = arg;

	if (k->bad == 0 && (c->id != k->next || c->time_us <= k->time))
		k->bad = c->id != 0 ? c->id : UINT64_MAX;
	k->next = c->id + 1;
	k->time = c->time_us;
	prov_add(k->v, c);
	return 0;
}

/*
 * The commit log files: every commit from 1 to the checkpoint's, in
 * order, each file exactly what its name says [F-MAN-045]. Then the
 * commits of the WAL, and what they all say of each table's rows
 * [F-MAN-046].
 */
static void check_logs(struct vctx *v)
{
	struct rdb_db *db = v->db;
	struct rdb_store *s = &db->store;
	struct logchk k = { v, 1, INT64_MIN, 0 };
	char path[4096];
	size_t i;

	v->prov_ok = 1;
	for (i = 0; i < s->nlogs; i++) {
		const struct rdb_logref *l = &s->logs[i];
		uint64_t first = k.next;
		int rc;

		snprintf(path, sizeof path, "%s/%s", db->path, l->file);
		k.bad = 0;
		rc = rdb_log_file_each(db, i, log_one, &k);
		if (rc == RDB_ECORRUPT || rc == RDB_ENOENT) {
			report(v, RDB_SEV_ERROR, "log", path, offset_in(db->err.msg),
			    "F-MAN-045", db->err.msg);
			rdb_err_clear(&db->err);
			k.next = l->last + 1;
			v->prov_ok = 0;
			continue;
		}
		if (rc != RDB_OK) {
			report(v, RDB_SEV_ERROR, "log", path, -1, "F-MAN-045",
			    db->err.msg);
			rdb_err_clear(&db->err);
			v->prov_ok = 0;
			return;
		}
		if (k.bad != 0 || l->first != first || k.next != l->last + 1) {
			reportf(v, RDB_SEV_ERROR, "log", path, -1, "F-MAN-045",
			    "commit log out of order: named commits %" PRIu64 " to %" PRIu64
			    ", expected from %" PRIu64 ", holds up to %" PRIu64 "%s",
			    l->first, l->last, first, k.next - 1,
			    k.bad != 0 ? " with a gap or a time going backwards" : "");
			k.next = l->last + 1;
			v->prov_ok = 0;
		}
	}
	if (s->manifest_seq != 0 && k.next != s->ckpt_commit + 1) {
		reportf(v, RDB_SEV_ERROR, "log", NULL, -1, "F-MAN-045",
		    "the commit log ends at commit %" PRIu64 " but the manifest is at commit %" PRIu64,
		    k.next - 1, s->ckpt_commit);
		v->prov_ok = 0;
	}
	/* the WAL's commits (replay checked their ids and times) */
	for (i = 0; i < s->ncommits && v->prov_ok; i++) {
		struct rdb_commit_rec c;
		struct rdb_commit_table *tt;
		char *strs[3];
		if (rdb_commit_decode(s->commits[i].p, s->commits[i].len, &c, &tt,
		    strs) != RDB_OK) {
			v->prov_ok = 0;
			break;
		}
		prov_add(v, &c);
		free(tt);
		free(strs[0]);
		free(strs[1]);
		free(strs[2]);
	}
	if (!v->prov_ok)
		return;
	/* a table's next row id is the rows its commits inserted */
	for (i = 0; i < s->ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		uint64_t rows = td->id < v->nprov ? v->prov[td->id].rows : 0;
		if (rows != td->next_rowid) {
			struct rdb_tbl *tb = rdb_cat_by_id(&s->cat, td->id);
			reportf(v, RDB_SEV_ERROR, "log", manifest_file(v), -1,
			    "F-MAN-046",
			    "the commit log gives table '%s' %llu rows, but its next row id is %llu",
			    tb != NULL ? tb->name : "?", (unsigned long long)rows,
			    (unsigned long long)td->next_rowid);
			v->prov_ok = 0;
		}
	}
	for (i = 0; i < v->nprov && v->prov_ok; i++)
		if (v->prov[i].rows > 0 && rdb_store_td(s, (uint32_t)i, 0) == NULL) {
			reportf(v, RDB_SEV_ERROR, "log", NULL, -1, "F-MAN-046",
			    "the commit log gives table id %zu %llu rows, but the database has none of them",
			    i, (unsigned long long)v->prov[i].rows);
			v->prov_ok = 0;
		}
}

/* ---------------------------------------------------------------- */
/* Manifests                                                         */

/* manifest/CURRENT's sequence number, or 0 when it cannot be read. */
static uint64_t current_seq(const char *dir)
{
	uint8_t b[25];
	char *path = rdb_path_join(dir, "manifest/CURRENT");
	ssize_t n = -1;
	int fd;

	if (path != NULL && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = pread(fd, b, sizeof b, 0);
		close(fd);
	}
	free(path);
	if (n != 24 || memcmp(b, "RDBCUR\0\0", 8) != 0 ||
	    rdb_load64(b + 16) != rdb_hash64(b, 16))
		return 0;
	return rdb_load64(b + 8);
}

struct mver {
	uint64_t seq, commit, horizon;
};

static int cmp_mver(const void *a, const void *b)
{
	const struct mver *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Every manifest of manifest/ besides the current one: older ones still
 * there must parse and form a consistent chain with it [F-MAN-020]
 * [F-MAN-022] [F-MAN-023]; a newer one is the garbage of a checkpoint
 * that did not finish, unless it holds commits the database no longer
 * reaches: then CURRENT was put back [F-MAN-032].
 */
static void check_manifests(struct vctx *v, int newer)
{
	struct rdb_store *s = &v->db->store;
	struct mver *m = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	char *mdir = rdb_path_join(s->dir, "manifest"), path[4096];
	DIR *d;

	if (mdir == NULL || (d = opendir(mdir)) == NULL) {
		free(mdir);
		return;
	}
	/* a checkpoint since the snapshot made newer manifests of its own */
	if (current_seq(s->dir) != s->manifest_seq)
		newer = 0;
	while ((de = readdir(d)) != NULL) {
		uint64_t seq, bseq, commit, t, hz;
		const char *what = NULL;
		uint8_t *body;
		size_t len, pos = 0;
		int64_t off;
		int rc;
		if (!seq_name(de->d_name, ".man", &seq) || seq == s->manifest_seq)
			continue;
		snprintf(path, sizeof path, "%s/%s", mdir, de->d_name);
		if (strcmp(rel_of(v, path), v->skip != NULL ? v->skip : "") == 0)
			continue;
		rc = read_framed(path, "RDBMAN", &body, &len, &off, &what);
		if (rc < 0) {
			reportf(v, RDB_SEV_ERROR, "manifest", path, -1, "F-MAN-020",
			    "cannot read: %s", strerror(errno));
			continue;
		}
		if (rc == 0 && (getvar(body, len, &pos, &bseq) != 0 ||
		    getvar(body, len, &pos, &commit) != 0 ||
		    getvar(body, len, &pos, &t) != 0 ||
		    getvar(body, len, &pos, &hz) != 0 || bseq != seq || hz > commit)) {
			off = (int64_t)(16 + pos);
			what = "its sequence number, commit or horizon is wrong";
			rc = 1;
		}
		free(body);
		if (rc != 0) {
			if (seq > s->manifest_seq && s->manifest_seq != 0)
				reportf(v, RDB_SEV_WARNING, "orphan", path, off,
				    "F-MAN-020",
				    "a damaged manifest newer than the current one (%s): the garbage of a checkpoint that did not finish",
				    what);
			else
				reportf(v, RDB_SEV_ERROR, "manifest", path, off,
				    "F-MAN-020",
				    "an older manifest is damaged at offset %lld: %s (the database no longer reads it, but its bytes changed on disk; rdb-compact removes old manifests)",
				    (long long)off, what);
			continue;
		}
		if (rdb_grow(&m, &cap, n, sizeof *m) != RDB_OK)
			break;
		m[n].seq = seq;
		m[n].commit = commit;
		m[n].horizon = hz;
		n++;
	}
	closedir(d);
	if (s->manifest_seq != 0 && rdb_grow(&m, &cap, n, sizeof *m) == RDB_OK) {
		m[n].seq = s->manifest_seq;
		m[n].commit = s->ckpt_commit;
		m[n].horizon = s->horizon;
		n++;
	}
	if (n > 0)
		qsort(m, n, sizeof *m, cmp_mver);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%016" PRIx64 ".man", mdir, m[i].seq);
		if (m[i].seq > s->manifest_seq) {
			if (!newer)
				continue;
			if (m[i].commit > s->last_commit)
				reportf(v, RDB_SEV_ERROR, "manifest", "manifest/CURRENT", 8,
				    "F-MAN-032",
				    "CURRENT names manifest %llu, but manifest %llu is newer and holds commits up to %llu, beyond the %llu the database reaches: an older CURRENT was put back, and the commits after %llu are lost",
				    (unsigned long long)s->manifest_seq,
				    (unsigned long long)m[i].seq,
				    (unsigned long long)m[i].commit,
				    (unsigned long long)s->last_commit,
				    (unsigned long long)s->last_commit);
			else
				report(v, RDB_SEV_WARNING, "orphan", path, -1, "F-MAN-032",
				    "a manifest newer than the current one: the garbage of a checkpoint that did not finish");
			continue;
		}
		if (i == 0)
			continue;
		if (m[i].commit < m[i - 1].commit)
			reportf(v, RDB_SEV_ERROR, "manifest", path, -1, "F-MAN-022",
			    "manifest %llu is at commit %llu, before the %llu of manifest %llu",
			    (unsigned long long)m[i].seq, (unsigned long long)m[i].commit,
			    (unsigned long long)m[i - 1].commit,
			    (unsigned long long)m[i - 1].seq);
		if (m[i].horizon < m[i - 1].horizon)
			reportf(v, RDB_SEV_ERROR, "manifest", path, -1, "F-MAN-023",
			    "manifest %llu has horizon %llu, before the %llu of manifest %llu",
			    (unsigned long long)m[i].seq, (unsigned long long)m[i].horizon,
			    (unsigned long long)m[i - 1].horizon,
			    (unsigned long long)m[i - 1].seq);
	}
	free(m);
	free(mdir);
}

/* The views of the catalog, as check_catalog restates the columns':
 * names, columns and text within [F-MAN-016], names free [F-MAN-017]. */
static void check_views(struct vctx *v, const struct rdb_cat *cat)
{
	struct rdb_err e;
	size_t i, j;

	for (i = 0; i < cat->nviews; i++) {
		const struct rdb_view *w = &cat->views[i];
		if (rdb_view_check(w->name, (const char *const *)w->cols, w->ncols,
		    w->sql, &e) != RDB_OK)
			reportf(v, RDB_SEV_ERROR, "catalog", NULL, -1, "F-MAN-016",
			    "view '%s': %s", w->name, e.msg);
		for (j = 0; j < cat->ntables; j++)
			if (!cat->tables[j].dropped &&
			    strcasecmp(cat->tables[j].name, w->name) == 0)
				reportf(v, RDB_SEV_ERROR, "catalog", NULL, -1,
				    "F-MAN-017", "view '%s' has the name of a table",
				    w->name);
		for (j = 0; j < i; j++)
			if (strcasecmp(cat->views[j].name, w->name) == 0)
				reportf(v, RDB_SEV_ERROR, "catalog", NULL, -1,
				    "F-MAN-017", "two views are named '%s'", w->name);
	}
}

/*
 * The catalog at the snapshot. Loading it already applied every check of
 * format/manifest.md §Catalog operations (damage there fails the load);
 * this pass restates the per-column ones over what was loaded, so that a
 * default reaching the catalog by any path is proven bounded UTF-8.
 */
static void check_catalog(struct vctx *v, const struct rdb_cat *cat,
    const char *table)
{
	size_t i, j;

	for (i = 0; i < cat->ntables; i++) {
		const struct rdb_tbl *tb = &cat->tables[i];
		if (tb->dropped || (table != NULL && strcasecmp(tb->name, table) != 0))
			continue;
		for (j = 0; j < tb->ncols; j++) {
			const struct rdb_col *c = &tb->cols[j];
			int has = (c->flags & CAT_COL_DEFAULT) != 0;
			if (has == (c->dflt != NULL) && (c->dflt == NULL ||
			    rdb_default_ok(c->dflt, strnlen(c->dflt,
			    RDB_MAX_DEFAULT_SQL + 1))))
				continue;
			reportf(v, RDB_SEV_ERROR, "catalog", NULL, -1, "F-MAN-014",
			    "table '%s', column '%s': the default is not 1 to %d bytes of UTF-8",
			    tb->name, c->name, RDB_MAX_DEFAULT_SQL);
		}
	}
	if (table == NULL)
		check_views(v, cat);
}

/* ---------------------------------------------------------------- */
/* Files nobody named                                                */

static int is_ours(const char *name, const char *ext)
{
	size_t n = strlen(name), l = strlen(ext);

	return n > l && strcmp(name + n - l, ext) == 0 &&
	    strspn(name, "0123456789abcdef-") == n - l;
}

/* <first>-<last>.log, 16 hex digits each */
static int log_name(const char *name)
{
	uint64_t seq;

	return strlen(name) == 37 && name[16] == '-' &&
	    strspn(name, "0123456789abcdef") == 16 &&
	    seq_name(name + 17, ".log", &seq);
}

/* Is name, in the folder rel of the database, one the format names? */
static int known(const char *rel, const char *name, int isdir)
{
	static const char *const top[] = { "RDB", "LOCK", "wal", "manifest",
		"tables", "indexes", "models", "audit" };
	uint64_t seq;
	size_t i;

	if (rel == NULL) {
		for (i = 0; i < sizeof top / sizeof *top; i++)
			if (strcmp(name, top[i]) == 0)
				return 1;
		return 0;
	}
	if (strcmp(rel, "wal") == 0)
		return !isdir && seq_name(name, ".wal", &seq);
	if (strcmp(rel, "manifest") == 0)
		return !isdir && (seq_name(name, ".man", &seq) ||
		    strcmp(name, "CURRENT") == 0 || strcmp(name, "CURRENT.tmp") == 0 ||
		    log_name(name));
	if (strcmp(rel, "tables") == 0)
		return isdir && strspn(name, "0123456789") == strlen(name) &&
		    name[0] != '0';
	if (strncmp(rel, "tables/", 7) == 0)
		return !isdir && (is_ours(name, ".seg") || is_ours(name, ".del"));
	if (strcmp(rel, "indexes") == 0)	/* [F-IDX-001] */
		return isdir && strspn(name, "0123456789") == strlen(name) &&
		    name[0] != '0';
	if (strncmp(rel, "indexes/", 8) == 0)
		return !isdir && (is_ours(name, ".idx") ||
		    (strlen(name) > 8 && strcmp(name + strlen(name) - 8,
		    ".idx.tmp") == 0));
	return 0;	/* models, audit: nothing yet */
}

/* Files and folders the format does not name, as warnings [F-DIR-008]. */
static void check_unknown(struct vctx *v, const char *rel)
{
	char *path = rel != NULL ? rdb_path_join(v->db->path, rel)
	    : strdup(v->db->path), *child;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (path == NULL || (d = opendir(path)) == NULL) {
		free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		int isdir;
		/* hidden names (.keep, editors, NFS) are nobody's format */
		if (de->d_name[0] == '.' ||
		    (child = rdb_path_join(path, de->d_name)) == NULL)
			continue;
		isdir = lstat(child, &st) == 0 && S_ISDIR(st.st_mode);
		if (!known(rel, de->d_name, isdir))
			report(v, RDB_SEV_WARNING, "unknown", child, -1, "F-DIR-008",
			    isdir ? "a folder this version of rdb does not know: readers ignore it (it may belong to a newer version)"
			    : "a file this version of rdb does not know: readers ignore it (it may belong to a newer version)");
		else if (isdir)
			check_unknown(v, rel_of(v, child));
		free(child);
	}
	closedir(d);
	free(path);
}

/* ---------------------------------------------------------------- */
/* Checking what was loaded                                          */

static uint64_t segment_bytes(struct rdb_store *s, struct rdb_cat *cat,
    const char *table)
{
	uint64_t total = 0;
	size_t i, j;

	for (i = 0; i < s->ntd; i++) {
		struct rdb_tbl *tb = rdb_cat_by_id(cat, s->td[i]->id);
		if (table != NULL && (tb == NULL || tb->dropped ||
		    strcasecmp(tb->name, table) != 0))
			continue;
		for (j = 0; j < s->td[i]->nsegs; j++)
			total += s->td[i]->segs[j].bytes;
	}
	return total;
}

/* The files of the indexes of table tb for segment sr: there, whole,
 * and holding exactly the segment's rows in order [F-IDX-002]
 * [F-IDX-005] [F-IDX-007]. */
static void check_index_files(struct vctx *v, const struct rdb_cat *cat,
    const struct rdb_tbl *tb, const struct rdb_segref *sr)
{
	struct rdb_db *db = v->db;
	struct rdb_err e;
	struct rdb_seg *g = NULL;
	size_t i;

	for (i = 0; i < cat->nindexes; i++) {
		const struct rdb_idx *x = &cat->indexes[i];
		struct rdb_idx_def d;
		struct stat st;
		char *rel = NULL, *path = NULL;
		int64_t off;
		if (x->table_id != tb->id)
			continue;
		if (rdb_index_file(sr->file, x->id, &rel) != RDB_OK ||
		    (path = rdb_path_join(db->path, rel)) == NULL) {
			free(rel);
			continue;
		}
		rdb_err_clear(&e);
		if (stat(path, &st) != 0) {
			reportf(v, RDB_SEV_ERROR, "index", path, -1, "F-IDX-002",
			    "index '%s' has no file for segment '%s'", x->name,
			    sr->file);
		} else if (g == NULL && rdb_seg_open(db->path, sr->file, sr->bytes,
		    &g, &e) != RDB_OK) {
			/* the segment's own check reports it */
		} else {
			rdb_index_def(x, &d);
			if (rdb_idx_check(path, g, &d,
			    !(v->flags & RDB_VERIFY_QUICK), &off, &e) != RDB_OK)
				report(v, RDB_SEV_ERROR, "index", path, off,
				    strstr(e.msg, "does not match") != NULL ?
				    "F-IDX-007" : "F-IDX-005", e.msg);
		}
		free(rel);
		free(path);
	}
	rdb_seg_close(g);
}

/* Every table's segments, and then its rows as a whole. */
static void check_tables(struct vctx *v, struct rdb_cat *cat,
    const char *table)
{
	struct rdb_store *s = &v->db->store;
	size_t i, j;

	v->total = segment_bytes(s, cat, table);
	for (i = 0; i < s->ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		struct rdb_tbl *tb = rdb_cat_by_id(cat, td->id);
		struct rowmap rm = { NULL, 0, 1 };
		if (table != NULL && (tb == NULL || tb->dropped ||
		    strcasecmp(tb->name, table) != 0))
			continue;
		/* a table dropped before its horizon has no rows left to
		 * account for, nor files once compaction saw it; a purged
		 * one loses its files at the next compaction [F-MAN-065] */
		if (tb != NULL && tb->dropped && !tb->purged &&
		    rdb_store_drop_commit(s, td->id) <= (td->horizon > s->horizon
		    ? td->horizon : s->horizon)) {
			if (td->nsegs > 0 || td->ndelfiles > 0)
				reportf(v, RDB_SEV_ERROR, "catalog", manifest_file(v), -1,
				    "F-MAN-065", "table '%s' was dropped at commit %llu, "
				    "before its horizon, yet the manifest still lists its "
				    "files", tb->name, (unsigned long long)
				    rdb_store_drop_commit(s, td->id));
			continue;
		}
		if (tb != NULL && tb->purged)
			continue;
		if (v->prov_ok && td->next_rowid <= MAX_ROWMAP) {
			rm.n = td->next_rowid;
			rm.bits = calloc((size_t)(rm.n / 8) + 1, 1);
		}
		for (j = 0; j < td->nsegs; j++) {
			if (check_segment(v, td, &td->segs[j], tb, &rm) != 0)
				rm.complete = 0;
			if (tb != NULL && !tb->dropped)
				check_index_files(v, cat, tb, &td->segs[j]);
		}
		check_rows(v, td, tb, &rm);
		free(rm.bits);
	}
}

/* ---------------------------------------------------------------- */
/* When loading fails                                                */

/* A delete file on its own: framing, row ids increasing, commits
 * not 0 [F-MAN-040]. */
static void check_delfile(struct vctx *v, const char *path)
{
	const char *what = NULL;
	uint8_t *body;
	size_t len, i;
	int64_t off;
	int rc = read_framed(path, "RDBDEL", &body, &len, &off, &what);

	if (rc < 0) {
		reportf(v, RDB_SEV_ERROR, "delete", path, -1, "F-MAN-020",
		    "cannot read: %s", strerror(errno));
		return;
	}
	if (rc > 0) {
		reportf(v, RDB_SEV_ERROR, "delete", path, off, "F-MAN-020",
		    "damaged delete file at offset %lld: %s", (long long)off, what);
		return;
	}
	if (len % 16 != 0)
		reportf(v, RDB_SEV_ERROR, "delete", path, 12, "F-MAN-020",
		    "a body of %zu bytes is not whole entries", len);
	for (i = 0; i + 16 <= len; i += 16)
		if ((i > 0 && rdb_load64(body + i) <= rdb_load64(body + i - 16)) ||
		    rdb_load64(body + i + 8) == 0) {
			reportf(v, RDB_SEV_ERROR, "delete", path, (int64_t)(16 + i),
			    "F-MAN-040",
			    "damaged delete file at offset %zu: row ids out of order or commit 0",
			    16 + i);
			break;
		}
	free(body);
}

/* The manifests and commit log files of manifest/, each on its own. */
static void check_manifest_files(struct vctx *v)
{
	char *mdir = rdb_path_join(v->db->path, "manifest"), path[4096];
	struct dirent *de;
	DIR *d;

	if (mdir == NULL || (d = opendir(mdir)) == NULL) {
		free(mdir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *what = NULL;
		uint8_t *body;
		uint64_t seq;
		size_t len;
		int64_t off;
		int rc, man = seq_name(de->d_name, ".man", &seq);
		if (!man && !log_name(de->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", mdir, de->d_name);
		if (v->skip != NULL && strcmp(rel_of(v, path), v->skip) == 0)
			continue;
		rc = read_framed(path, man ? "RDBMAN" : "RDBLOG", &body, &len, &off,
		    &what);
		free(body);
		if (rc < 0)
			reportf(v, RDB_SEV_ERROR, man ? "manifest" : "log", path, -1,
			    man ? "F-MAN-020" : "F-MAN-045", "cannot read: %s",
			    strerror(errno));
		else if (rc > 0)
			reportf(v, RDB_SEV_ERROR, man ? "manifest" : "log", path, off,
			    man ? "F-MAN-020" : "F-MAN-045",
			    "damaged at offset %lld: %s", (long long)off, what);
	}
	closedir(d);
	free(mdir);
}

/* Every file of tables/ and manifest/ on its own, the manifest that
 * names them being unreadable. */
static void check_files_alone(struct vctx *v, const char *table)
{
	char *tdir = rdb_path_join(v->db->path, "tables"), path[8192];
	struct dirent *de, *fe;
	DIR *d, *f;

	if (table != NULL || tdir == NULL || (d = opendir(tdir)) == NULL) {
		free(tdir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char dir[4096];
		if (!known("tables", de->d_name, 1))
			continue;
		snprintf(dir, sizeof dir, "%s/%s", tdir, de->d_name);
		if ((f = opendir(dir)) == NULL)
			continue;
		while ((fe = readdir(f)) != NULL) {
			snprintf(path, sizeof path, "%s/%s", dir, fe->d_name);
			if (v->skip != NULL && strcmp(rel_of(v, path), v->skip) == 0)
				continue;
			if (is_ours(fe->d_name, ".seg")) {
				struct rdb_segref sr;
				memset(&sr, 0, sizeof sr);
				sr.file = (char *)rel_of(v, path);
				check_segment(v, NULL, &sr, NULL, NULL);
				rdb_seg_close(sr.seg);
			} else if (is_ours(fe->d_name, ".del"))
				check_delfile(v, path);
		}
		closedir(f);
	}
	closedir(d);
	free(tdir);
	check_manifest_files(v);
}

/*
 * What every reader loads is damaged; the finding is reported. Go on
 * with the manifest alone when it loads (the damage was in the WAL),
 * else with every file on its own.
 */
static void check_without_load(struct vctx *v, const char *table,
    uint64_t reach)
{
	struct rdb_db *db = v->db;
	struct rdb_store m, saved;
	struct rdb_err e;
	uint64_t seq = current_seq(db->path);

	rdb_store_init(&m);
	if (seq != 0 && (m.dir = strdup(db->path)) != NULL) {
		memcpy(m.uuid, db->store.uuid, 16);
		if (rdb_store_load_manifest(&m, seq, &e) == RDB_OK &&
		    (table == NULL || rdb_cat_find(&m.cat, table) != NULL)) {
			/* the checks read db->store: lend it the manifest's */
			saved = db->store;
			db->store = m;
			check_catalog(v, &db->store.cat, table);
			if (reach != 0) {
				/* the WAL was read up to its damage: a newer
				 * manifest beyond that is lost work too */
				uint64_t lc = db->store.last_commit;
				if (reach > lc)
					db->store.last_commit = reach;
				check_manifests(v, 1);
				db->store.last_commit = lc;
			} else
				check_manifests(v, 0);
			check_logs(v);
			check_tables(v, &db->store.cat, table);
			m = db->store;
			db->store = saved;
			rdb_store_release(&m);
			return;
		}
	}
	rdb_store_release(&m);
	check_files_alone(v, table);
}

int rdb_verify_progress(struct rdb_db *db, unsigned flags, const char *table,
    void (*fn)(const struct rdb_finding *, void *),
    void (*prog)(void *, uint64_t, uint64_t), void *arg, uint64_t *errors)
{
	struct vctx v;
	struct rdb_txn *t;
	struct rdb_cat *cat;
	char file[4096];
	int rc, lax;

	memset(&v, 0, sizeof v);
	v.db = db;
	v.fn = fn;
	v.progress = prog;
	v.arg = arg;
	v.flags = flags;
	*errors = 0;
	/* check_manifests says in detail what a reader refuses in short */
	lax = db->store.lax_current;
	db->store.lax_current = 1;
	rc = rdb_txn_begin(db, 0, 0, &t);
	db->store.lax_current = lax;
	if (rc == RDB_ECORRUPT) {
		uint64_t reach;
		report_load(&v, db->err.msg, file, sizeof file);
		v.skip = file[0] != '\0' ? rel_of(&v, file) : NULL;
		/* damage in the WAL: the commits replayed before it count */
		reach = ends(file, ".wal") ? db->store.last_commit : 0;
		rdb_err_clear(&db->err);
		check_without_load(&v, table, reach);
		check_unknown(&v, NULL);
		goto out;
	}
	if (rc != RDB_OK)
		return rc;
	cat = rdb_txn_cat(t);
	if (table != NULL && rdb_cat_find(cat, table) == NULL) {
		rdb_txn_abort(t);
		return rdb_err_set(&db->err, RDB_ENOENT, "no such table '%s'", table);
	}
	check_catalog(&v, cat, table);
	check_manifests(&v, 1);
	check_wal(&v);
	check_logs(&v);
	check_tables(&v, cat, table);
	if (table == NULL) {
		rdb_store_orphans(&db->store, 0, orphan, &v);
		check_unknown(&v, NULL);
	}
	rdb_txn_abort(t);
out:
	rdb_err_clear(&db->err);
	while (v.nprov > 0)
		free(v.prov[--v.nprov].runs);
	free(v.prov);
	*errors = v.errors;
	return RDB_OK;
}

int rdb_verify(struct rdb_db *db, unsigned flags, const char *table,
    void (*fn)(const struct rdb_finding *, void *), void *arg,
    uint64_t *errors)
{
	return rdb_verify_progress(db, flags, table, fn, NULL, arg, errors);
}
