/*
 * manifest.c - load a manifest, and checkpoint: turn what the WAL holds
 * into segments, delete files and a commit log file, describe them in
 * a new manifest, and switch CURRENT to it (format/manifest.md).
 *
 * A checkpoint writes only new files and then replaces CURRENT
 * atomically; until that rename the old manifest and the WAL still say
 * everything, so a crash at any point leaves a database that opens to
 * the last commit. Files of a checkpoint that never reached CURRENT are
 * unreferenced garbage and are replaced by the next attempt.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db_int.h"
#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/txn_int.h"
#include "txn/vec.h"

static const uint8_t man_magic[8] = { 'R', 'D', 'B', 'M', 'A', 'N', 0, 0 };
static const uint8_t log_magic[8] = { 'R', 'D', 'B', 'L', 'O', 'G', 0, 0 };
static const uint8_t del_magic[8] = { 'R', 'D', 'B', 'D', 'E', 'L', 0, 0 };
static const uint8_t cur_magic[8] = { 'R', 'D', 'B', 'C', 'U', 'R', 0, 0 };

#define MAX_FILE ((uint64_t)1 << 30)

uint64_t rdb_store_wal_bytes(const struct rdb_store *s)
{
	/* a file holding only its header holds nothing */
	uint64_t cur = s->wal.off > RDB_WAL_HDR ? (uint64_t)s->wal.off : 0;

	if (s->wal.seq == s->wal_start.seq)
		return cur;
	return (s->wal.seq - s->wal_start.seq) * (uint64_t)RDB_WAL_ROTATE + cur;
}

/* Names in a manifest are relative, of our own making: refuse anything
 * else, so a hostile manifest cannot point outside the database. */
int rdb_file_name_ok(const char *f)
{
	const char *p;

	if ((strncmp(f, "tables/", 7) != 0 && strncmp(f, "manifest/", 9) != 0) ||
	    strstr(f, "..") != NULL)
		return 0;
	for (p = f; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '/' || *p == '.' || *p == '-'))
			return 0;
	return 1;
}

/* Read a framed file (magic, u32 version, u32 length, body, checksum)
 * of a version up to maxver, which *ver (if not NULL) receives. */
static int read_framed_v(const char *path, const uint8_t magic[8],
    uint32_t maxver, uint32_t *ver, uint8_t **body, size_t *len,
    struct rdb_err *e)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t n;
	int fd, rc = RDB_OK;

	*body = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT
		    ? rdb_err_set(e, RDB_ECORRUPT, "damaged database: '%s' is missing",
			path)
		    : rdb_err_sys(e, errno, "cannot open '%s'", path);
	if (fstat(fd, &st) != 0) {
		rc = rdb_err_sys(e, errno, "cannot stat '%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 24 ||
	    (uint64_t)st.st_size > MAX_FILE + 24) {
		rc = rdb_err_set(e, RDB_ECORRUPT, "damaged '%s' at offset 0: bad size",
		    path);
		goto out;
	}
	n = (size_t)st.st_size;
	buf = malloc(n);
	if (buf == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	if (rdb_pread_full(fd, buf, n, 0) != 0) {
		rc = rdb_err_sys(e, errno ? errno : EIO, "cannot read '%s'", path);
		goto out;
	}
	if (memcmp(buf, magic, 8) != 0 || rdb_load32(buf + 8) > maxver) {
		rc = rdb_err_set(e, RDB_ECORRUPT,
		    "damaged '%s' at offset 0: bad magic or version", path);
		goto out;
	}
	if ((size_t)rdb_load32(buf + 12) != n - 24) {
		rc = rdb_err_set(e, RDB_ECORRUPT, "damaged '%s' at offset 12: bad length",
		    path);
		goto out;
	}
	if (rdb_load64(buf + n - 8) != rdb_hash64(buf, n - 8)) {
		rc = rdb_err_set(e, RDB_ECORRUPT,
		    "damaged '%s' at offset %zu: checksum mismatch", path, n - 8);
		goto out;
	}
	if (ver != NULL)
		*ver = rdb_load32(buf + 8);
	memmove(buf, buf + 16, n - 24);
	*body = buf;
	*len = n - 24;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

static int read_framed(const char *path, const uint8_t magic[8],
    uint8_t **body, size_t *len, struct rdb_err *e)
{
	return read_framed_v(path, magic, 0, NULL, body, len, e);
}

int rdb_manifest_newest(const char *dir, uint64_t seq, uint64_t *nseq,
    uint64_t *commit, struct rdb_err *e)
{
	char *mdir, *path;
	struct dirent *de;
	DIR *d;

	*nseq = *commit = 0;
	if (asprintf(&mdir, "%s/manifest", dir) < 0)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if ((d = opendir(mdir)) == NULL) {
		free(mdir);
		return RDB_OK;	/* opening CURRENT or the WAL says why */
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		uint64_t s, c, v;
		struct rdb_err ignored;
		struct rdb_rd r;
		uint8_t *body;
		size_t len;
		if (strlen(n) != 20 || strspn(n, "0123456789abcdef") != 16 ||
		    strcmp(n + 16, ".man") != 0 ||
		    (s = strtoull(n, NULL, 16)) <= seq)
			continue;
		if (asprintf(&path, "%s/%s", mdir, n) < 0) {
			closedir(d);
			free(mdir);
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		}
		/* one that does not read is garbage of a checkpoint that
		 * did not finish: it holds nothing */
		if (read_framed_v(path, man_magic, 1, NULL, &body, &len,
		    &ignored) == RDB_OK) {
			rdb_rd_init(&r, body, len);
			if (rdb_rd_getvar(&r, &v) == 0 && v == s &&
			    rdb_rd_getvar(&r, &c) == 0 && c > *commit) {
				*commit = c;
				*nseq = s;
			}
			free(body);
		}
		free(path);
	}
	closedir(d);
	free(mdir);
	return RDB_OK;
}

/* Write a framed file with O_EXCL (replacing garbage of a failed
 * checkpoint first) and fsync it. */
static int write_framed_v(const char *path, const uint8_t magic[8],
    uint32_t version, const uint8_t *body, size_t len, struct rdb_err *e)
{
	uint8_t h[16], t[8];
	uint64_t chk;
	int fd, rc = RDB_OK;

	if (len > MAX_FILE)
		return rdb_err_set(e, RDB_EINVAL, "'%s' would be too large", path);
	memcpy(h, magic, 8);
	rdb_store32(h + 8, version);
	rdb_store32(h + 12, (uint32_t)len);
	{
		/* checksum of header and body without a second copy */
		uint8_t *all = malloc(16 + len + 1);
		if (all == NULL)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		memcpy(all, h, 16);
		if (len > 0)
			memcpy(all + 16, body, len);
		chk = rdb_hash64(all, 16 + len);
		free(all);
	}
	rdb_store64(t, chk);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return rdb_err_sys(e, errno, "cannot create '%s'", path);
	if (rdb_pwrite_full(fd, h, 16, 0) != 0 ||
	    (len > 0 && rdb_pwrite_full(fd, body, len, 16) != 0) ||
	    rdb_pwrite_full(fd, t, 8, (off_t)(16 + len)) != 0 || rdb_io_fsync(fd) != 0)
		rc = rdb_err_sys(e, errno, "cannot write '%s'", path);
	if (close(fd) != 0 && rc == RDB_OK)
		rc = rdb_err_sys(e, errno, "cannot close '%s'", path);
	if (rc != RDB_OK)
		unlink(path);
	return rc;
}

static int write_framed(const char *path, const uint8_t magic[8],
    const uint8_t *body, size_t len, struct rdb_err *e)
{
	return write_framed_v(path, magic, 0, body, len, e);
}

static int load_delfile(struct rdb_store *s, struct rdb_tdata *td,
    const struct rdb_delref *d, struct rdb_err *e)
{
	char *path = rdb_path_join(s->dir, d->file);
	uint8_t *body = NULL;
	size_t len, i;
	uint64_t count, prev = 0;
	int rc;

	if (path == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	rc = read_framed(path, del_magic, &body, &len, e);
	if (rc != RDB_OK)
		goto out;
	if (len % 16 != 0 || len / 16 != d->count) {
		rc = rdb_err_set(e, RDB_ECORRUPT,
		    "damaged delete file '%s': %zu entries, the manifest says %llu",
		    path, len / 16, (unsigned long long)d->count);
		goto out;
	}
	count = len / 16;
	for (i = 0; i < count; i++) {
		uint64_t id = rdb_load64(body + 16 * i);
		uint64_t c = rdb_load64(body + 16 * i + 8);
		if ((i > 0 && id <= prev) || id >= td->next_rowid || c == 0 ||
		    c > s->ckpt_commit) {			/* [F-MAN-040] */
			rc = rdb_err_set(e, RDB_ECORRUPT,
			    "damaged delete file '%s' at offset %zu: bad entry",
			    path, 16 + 16 * i);
			goto out;
		}
		prev = id;
		if (rdb_td_add_del(td, id, c) != RDB_OK) {
			rc = rdb_err_set(e, RDB_ECORRUPT,
			    "damaged delete file '%s' at offset %zu: row deleted twice",
			    path, 16 + 16 * i);
			goto out;
		}
	}
out:
	free(body);
	free(path);
	return rc;
}

int rdb_store_load_manifest(struct rdb_store *s, uint64_t seq,
    struct rdb_err *e);

int rdb_store_load_manifest(struct rdb_store *s, uint64_t seq,
    struct rdb_err *e)
{
	uint8_t *body = NULL;
	char *path = NULL;
	struct rdb_rd r;
	uint64_t v, n, i, j, commit, t, ntid, wseq, wlsn, wchain, hz;
	uint32_t mver = 0;
	size_t len;
	int rc;

	if (seq == 0)
		return RDB_OK;				/* [F-MAN-030] */
	if (asprintf(&path, "%s/manifest/%016" PRIx64 ".man", s->dir, seq) < 0)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	rc = read_framed_v(path, man_magic, 1, &mver, &body, &len,
	    e);						/* [F-MAN-020] */
	if (rc != RDB_OK)
		goto out;
#define BAD() do { rc = rdb_err_set(e, RDB_ECORRUPT, \
	"damaged manifest '%s' at offset %zu", path, 16 + r.pos); goto out; } while (0)
	rdb_rd_init(&r, body, len);
	if (rdb_rd_getvar(&r, &v) != 0 || v != seq ||
	    rdb_rd_getvar(&r, &commit) != 0 || rdb_rd_getvar(&r, &t) != 0 ||
	    t > INT64_MAX || rdb_rd_getvar(&r, &hz) != 0 || hz > commit ||
	    rdb_rd_getvar(&r, &ntid) != 0 ||
	    rdb_rd_getvar(&r, &wseq) != 0 || wseq == 0 ||
	    rdb_rd_getvar(&r, &wlsn) != 0 || wlsn == 0 ||
	    rdb_rd_get64(&r, &wchain) != 0)
		BAD();
	s->manifest_seq = seq;
	s->ckpt_commit = s->last_commit = commit;
	s->last_time = (int64_t)t;
	s->horizon = hz;
	s->wal.seq = wseq;
	s->wal.off = 0;
	s->wal.lsn = wlsn;
	s->wal.chain = wchain;
	s->wal_start = s->wal;
	/* catalog history [F-MAN-012] */
	if (rdb_rd_getvar(&r, &n) != 0 || n > len)
		BAD();
	s->ddl = calloc((size_t)n + 1, sizeof *s->ddl);
	if (s->ddl == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	s->capddl = (size_t)n + 1;
	for (i = 0; i < n; i++) {
		const uint8_t *op;
		uint64_t c, l;
		if (rdb_rd_getvar(&r, &c) != 0 || c == 0 || c > commit ||
		    (i > 0 && c < s->ddl[i - 1].commit) ||
		    rdb_rd_getvar(&r, &l) != 0 || rdb_rd_bytes(&r, (size_t)l, &op) != 0)
			BAD();
		rc = rdb_cat_apply(&s->cat, op, (size_t)l, path, e);
		if (rc != RDB_OK)
			goto out;
		s->ddl[i].op = malloc((size_t)l + 1);
		if (s->ddl[i].op == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		memcpy(s->ddl[i].op, op, (size_t)l);
		s->ddl[i].len = (size_t)l;
		s->ddl[i].commit = c;
		s->nddl++;
	}
	if (ntid != s->cat.next_table_id)
		BAD();
	/* tables */
	if (rdb_rd_getvar(&r, &n) != 0 || n > len)
		BAD();
	for (i = 0; i < n; i++) {
		struct rdb_tdata *td;
		uint64_t id, next, ns, nd, th = hz;
		/* a table's horizon: version 1 only [F-MAN-064] */
		if (rdb_rd_getvar(&r, &id) != 0 || id == 0 || id >= ntid ||
		    rdb_store_td(s, (uint32_t)id, 0) != NULL ||
		    rdb_rd_getvar(&r, &next) != 0 ||
		    (mver >= 1 && (rdb_rd_getvar(&r, &th) != 0 || th < hz ||
		    th > commit)) ||
		    rdb_rd_getvar(&r, &ns) != 0 || ns > len)
			BAD();
		td = rdb_store_td(s, (uint32_t)id, 1);
		if (td == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		td->next_rowid = next;
		td->horizon = th;
		td->segs = calloc((size_t)ns + 1, sizeof *td->segs);
		if (td->segs == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		for (j = 0; j < ns; j++) {
			struct rdb_segref *sr = &td->segs[j];
			if (rdb_rd_getstr(&r, 255, &sr->file) != 0 ||
			    !rdb_file_name_ok(sr->file) || rdb_rd_getvar(&r, &sr->rows) != 0 ||
			    rdb_rd_getvar(&r, &sr->bytes) != 0) {
				td->nsegs = (size_t)j + (sr->file != NULL);
				BAD();
			}
			td->nsegs++;
		}
		if (rdb_rd_getvar(&r, &nd) != 0 || nd > len)
			BAD();
		td->delfiles = calloc((size_t)nd + 1, sizeof *td->delfiles);
		if (td->delfiles == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		for (j = 0; j < nd; j++) {
			struct rdb_delref *d = &td->delfiles[j];
			if (rdb_rd_getstr(&r, 255, &d->file) != 0 ||
			    !rdb_file_name_ok(d->file) || rdb_rd_getvar(&r, &d->count) != 0 ||
			    rdb_rd_getvar(&r, &d->bytes) != 0) {
				td->ndelfiles = (size_t)j + (d->file != NULL);
				BAD();
			}
			td->ndelfiles++;
			rc = load_delfile(s, td, d, e);
			if (rc != RDB_OK)
				goto out;
		}
	}
	/* commit log files */
	if (rdb_rd_getvar(&r, &n) != 0 || n > len)
		BAD();
	s->logs = calloc((size_t)n + 1, sizeof *s->logs);
	if (s->logs == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct rdb_logref *l = &s->logs[i];
		if (rdb_rd_getstr(&r, 255, &l->file) != 0) {
			BAD();
		}
		s->nlogs++;
		if (!rdb_file_name_ok(l->file) || rdb_rd_getvar(&r, &l->first) != 0 ||
		    rdb_rd_getvar(&r, &l->last) != 0 || l->first > l->last ||
		    l->last > commit || (i > 0 && l->first != s->logs[i - 1].last + 1))
			BAD();
	}
	if (r.pos != len)
		BAD();
#undef BAD
out:
	free(body);
	free(path);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Checkpoint                                                        */

static int ensure_dir(const char *path, struct rdb_err *e)
{
	if (mkdir(path, 0700) == 0) {
		char *parent = strdup(path), *slash;
		int rc = RDB_OK;
		if (parent == NULL)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		slash = strrchr(parent, '/');
		if (slash != NULL)
			*slash = '\0';
		if (rdb_fsync_dir(parent) != 0)
			rc = rdb_err_sys(e, errno, "cannot sync '%s'", parent);
		free(parent);
		return rc;
	}
	if (errno == EEXIST)
		return RDB_OK;
	return rdb_err_sys(e, errno, "cannot create '%s'", path);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Write td's rows in memory, mem[from, to), as the segment file (a
 * name relative to the database); fills *out. */
int rdb_segment_from_mem(struct rdb_db *db, struct rdb_tdata *td,
    size_t from, size_t to, const char *name, struct rdb_segref *out,
    struct rdb_err *e)
{
	struct rdb_store *s = &db->store;
	struct rdb_segw_col *cols = NULL;
	struct rdb_segw *w = NULL;
	struct rdb_vbuild *vb = NULL;
	struct rdb_vec *vecs = NULL;
	uint64_t *rowids = NULL, *commits = NULL, size, rows = 0;
	uint32_t *ids = NULL;
	size_t nids = 0, i, j, k, rgmax = db->sb.settings.row_group_rows, fill = 0;
	char *dir = NULL, *file = NULL, *path = NULL;
	int rc;

	/* every column any of the rows has, in id order [F-SEG-005] */
	for (i = from; i < to; i++)
		nids += td->mem[i].ncols;
	ids = malloc((nids + 1) * sizeof *ids);
	if (ids == NULL)
		goto nomem;
	for (i = from, k = 0; i < to; i++)
		for (j = 0; j < td->mem[i].ncols; j++)
			ids[k++] = td->mem[i].col_ids[j];
	qsort(ids, k, sizeof *ids, cmp_u32);
	for (i = nids = 0; i < k; i++)
		if (nids == 0 || ids[nids - 1] != ids[i])
			ids[nids++] = ids[i];
	cols = calloc(nids + 1, sizeof *cols);
	vb = calloc(nids + 1, sizeof *vb);
	vecs = calloc(nids + 1, sizeof *vecs);
	rowids = malloc(rgmax * sizeof *rowids);
	commits = malloc(rgmax * sizeof *commits);
	if (cols == NULL || vb == NULL || vecs == NULL || rowids == NULL ||
	    commits == NULL)
		goto nomem;
	for (i = 0; i < nids; i++) {
		cols[i].id = ids[i];
		for (j = from; j < to; j++)
			for (k = 0; k < td->mem[j].ncols; k++)
				if (td->mem[j].col_ids[k] == ids[i]) {
					cols[i].type = td->mem[j].cols[k].type;
					cols[i].precision = td->mem[j].cols[k].precision;
					cols[i].scale = td->mem[j].cols[k].scale;
				}
		rdb_vb_init(&vb[i], cols[i].type, cols[i].precision, cols[i].scale);
	}
	if (asprintf(&dir, "%s/tables/%u", s->dir, td->id) < 0 ||
	    (file = strdup(name)) == NULL ||
	    (path = rdb_path_join(s->dir, file)) == NULL)
		goto nomem;
	if ((rc = ensure_dir(dir, e)) != RDB_OK)
		goto out;
	unlink(path);	/* garbage of a checkpoint that did not finish */
	{
		struct rdb_tbl *tb = rdb_cat_by_id(&s->cat, td->id);
		int codec = tb != NULL && tb->codec >= 0 ? tb->codec
		    : (int)db->sb.settings.codec;
		int level = tb != NULL && tb->codec >= 0 ? tb->codec_level
		    : db->sb.settings.codec_level;
		rc = rdb_segw_open(path, codec, level, nids, cols, &w, e);
	}
	if (rc != RDB_OK)
		goto out;
	{
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		rdb_segw_set_threads(w, ncpu > 1 ? (int)ncpu : 1);
	}
	/* Row groups are built up to rgmax rows: room for that at once,
	 * not by doubling (each doubling copies what was gathered), and
	 * for text, a row group's share of the bytes and a little more. */
	{
		uint64_t total = 0, *bytes = calloc(nids + 1, sizeof *bytes);
		size_t want;
		if (bytes == NULL)
			goto nomem;
		for (i = from; i < to; i++) {
			total += td->mem[i].nrows;
			for (k = 0; k < td->mem[i].ncols; k++) {
				const struct rdb_vec *src = &td->mem[i].cols[k];
				if (src->offsets == NULL)
					continue;
				for (j = 0; j < nids; j++)
					if (ids[j] == td->mem[i].col_ids[k])
						bytes[j] += src->offsets[td->mem[i].nrows] -
						    src->offsets[0];
			}
		}
		want = total < rgmax ? (size_t)total : rgmax;
		for (j = 0; j < nids && total > 0; j++) {
			uint64_t b = bytes[j] / total * want + bytes[j] % total *
			    want / total;
			if (rdb_vb_reserve(&vb[j], want, (size_t)(b + b / 8)) != RDB_OK) {
				free(bytes);
				goto nomem;
			}
		}
		free(bytes);
	}
	for (i = from; i < to; i++) {
		const struct rdb_memrows *m = &td->mem[i];
		size_t off = 0;
		while (off < m->nrows) {
			size_t take = m->nrows - off;
			if (take > rgmax - fill)
				take = rgmax - fill;
			for (j = 0; j < nids; j++) {
				const struct rdb_vec *src = NULL;
				for (k = 0; k < m->ncols; k++)
					if (m->col_ids[k] == ids[j])
						src = &m->cols[k];
				if (rdb_vb_append(&vb[j], src, src != NULL ? off : 0,
				    take, NULL) != RDB_OK)
					goto nomem;
			}
			for (k = 0; k < take; k++) {
				rowids[fill + k] = m->first_rowid + off + k;
				commits[fill + k] = m->commit;
			}
			fill += take;
			off += take;
			if (fill == rgmax) {
				for (j = 0; j < nids; j++) {
					vecs[j] = vb[j].v;
					vecs[j].validity = rdb_vb_validity(&vb[j]);
				}
				rc = rdb_segw_rowgroup(w, fill, rowids, commits, vecs, e);
				if (rc != RDB_OK)
					goto out;
				rows += fill;
				fill = 0;
				for (j = 0; j < nids; j++)
					rdb_vb_reset(&vb[j]);
			}
		}
	}
	if (fill > 0) {
		for (j = 0; j < nids; j++) {
			vecs[j] = vb[j].v;
			vecs[j].validity = rdb_vb_validity(&vb[j]);
		}
		rc = rdb_segw_rowgroup(w, fill, rowids, commits, vecs, e);
		if (rc != RDB_OK)
			goto out;
		rows += fill;
	}
	rc = rdb_segw_finish(w, &size, e);
	w = NULL;
	if (rc != RDB_OK)
		goto out;
	if (rdb_fsync_dir(dir) != 0) {
		rc = rdb_err_sys(e, errno, "cannot sync '%s'", dir);
		goto out;
	}
	out->file = file;
	file = NULL;
	out->rows = rows;
	out->bytes = size;
	out->seg = NULL;
	rc = RDB_OK;
	goto out;
nomem:
	rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
out:
	rdb_segw_abort(w);
	for (i = 0; vb != NULL && i < nids; i++)
		rdb_vb_release(&vb[i]);
	free(vb);
	free(vecs);
	free(cols);
	free(ids);
	free(rowids);
	free(commits);
	free(dir);
	free(file);
	free(path);
	return rc;
}

/* Write td's deletes by commits after `above` as delete file seq. */
int rdb_delfile_write(struct rdb_store *s, struct rdb_tdata *td, uint64_t seq,
    uint64_t above, struct rdb_delref *out, struct rdb_err *e)
{
	struct rdb_buf b;
	char *file = NULL, *path = NULL, *dir = NULL;
	size_t i;
	int rc;

	rdb_buf_init(&b);
	out->count = 0;
	for (i = 0; i < td->ndels; i++) {
		if (td->dels[i].commit <= above)
			continue;
		if (rdb_buf_put64(&b, td->dels[i].rowid) != RDB_OK ||
		    rdb_buf_put64(&b, td->dels[i].commit) != RDB_OK)
			goto nomem;
		out->count++;
	}
	if (asprintf(&dir, "%s/tables/%u", s->dir, td->id) < 0 ||
	    asprintf(&file, "tables/%u/%016" PRIx64 ".del", td->id, seq) < 0 ||
	    (path = rdb_path_join(s->dir, file)) == NULL)
		goto nomem;
	if ((rc = ensure_dir(dir, e)) != RDB_OK ||
	    (rc = write_framed(path, del_magic, b.p, b.len, e)) != RDB_OK)
		goto out;
	if (rdb_fsync_dir(dir) != 0) {
		rc = rdb_err_sys(e, errno, "cannot sync '%s'", dir);
		goto out;
	}
	out->file = file;
	file = NULL;
	out->bytes = b.len + 24;
	rc = RDB_OK;
	goto out;
nomem:
	rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
out:
	rdb_buf_release(&b);
	free(file);
	free(path);
	free(dir);
	return rc;
}

static int put_ref(struct rdb_buf *b, const char *file, uint64_t x, uint64_t y)
{
	if (rdb_buf_putstr(b, file) != RDB_OK || rdb_buf_putvar(b, x) != RDB_OK ||
	    rdb_buf_putvar(b, y) != RDB_OK)
		return RDB_ENOMEM;
	return RDB_OK;
}

static int write_current(const char *dir, uint64_t seq, struct rdb_err *e)
{
	uint8_t b[24];
	char *tmp = NULL, *cur = NULL, *mdir = NULL;
	int fd, rc = RDB_OK;

	memcpy(b, cur_magic, 8);
	rdb_store64(b + 8, seq);
	rdb_store64(b + 16, rdb_hash64(b, 16));
	if (asprintf(&tmp, "%s/manifest/CURRENT.tmp", dir) < 0 ||
	    asprintf(&cur, "%s/manifest/CURRENT", dir) < 0 ||
	    asprintf(&mdir, "%s/manifest", dir) < 0) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = rdb_err_sys(e, errno, "cannot create '%s'", tmp);
		goto out;
	}
	if (rdb_pwrite_full(fd, b, sizeof b, 0) != 0 || rdb_io_fsync(fd) != 0) {
		rc = rdb_err_sys(e, errno, "cannot write '%s'", tmp);
		close(fd);
		goto out;
	}
	close(fd);
	if (rename(tmp, cur) != 0 || rdb_fsync_dir(mdir) != 0)	/* [F-MAN-031] */
		rc = rdb_err_sys(e, errno, "cannot replace '%s'", cur);
out:
	free(tmp);
	free(cur);
	free(mdir);
	return rc;
}

/* Remove WAL files before seq (no longer needed [F-WAL-008]). */
static void drop_old_wal(const char *dir, uint64_t seq)
{
	char *wdir = rdb_path_join(dir, "wal");
	struct dirent *de;
	DIR *d;

	if (wdir == NULL || (d = opendir(wdir)) == NULL) {
		free(wdir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		uint64_t n;
		char *end, *p;
		if (strlen(de->d_name) != 20 || strcmp(de->d_name + 16, ".wal") != 0)
			continue;
		n = strtoull(de->d_name, &end, 16);
		if (end != de->d_name + 16 || n >= seq)
			continue;
		p = rdb_path_join(wdir, de->d_name);
		if (p != NULL)
			unlink(p);
		free(p);
	}
	closedir(d);
	rdb_fsync_dir(wdir);
	free(wdir);
}

/*
 * Write manifest seq describing the store plus, per table i (in store
 * order), the new segment newseg[i] and delete file newdel[i] (file
 * NULL: none); with replace[i] set they replace the table's files
 * instead of joining them. Then switch CURRENT to it, drop WAL files
 * before wal_seq, and reload the store from it.
 */
int rdb_manifest_switch(struct rdb_db *db, uint64_t seq,
    const struct rdb_segref *newseg, const struct rdb_delref *newdel,
    const int *replace, const char *logfile, uint64_t first_commit,
    uint64_t horizon, uint64_t wal_seq)
{
	struct rdb_store *s = &db->store;
	struct rdb_err *e = &db->err;
	struct rdb_buf m;
	char *path = NULL;
	size_t i, j;
	uint32_t mver = 0;
	int rc;

	/* the log goes on in the file the manifest names: it exists before
	 * the manifest does [F-WAL-015] */
	rc = rdb_wal_start(s->dir, s->uuid, wal_seq, s->wal.lsn, s->wal.chain, e);
	if (rc != RDB_OK)
		return rc;
	/* version 1 only when a table's horizon is its own [F-MAN-064] */
	for (i = 0; i < s->ntd; i++) {
		if (s->td[i]->horizon < horizon)
			s->td[i]->horizon = horizon;
		if (s->td[i]->horizon > horizon)
			mver = 1;
	}
	rdb_buf_init(&m);
	if (rdb_buf_putvar(&m, seq) != RDB_OK ||
	    rdb_buf_putvar(&m, s->last_commit) != RDB_OK ||
	    rdb_buf_putvar(&m, (uint64_t)s->last_time) != RDB_OK ||
	    rdb_buf_putvar(&m, horizon) != RDB_OK ||
	    rdb_buf_putvar(&m, s->cat.next_table_id) != RDB_OK ||
	    rdb_buf_putvar(&m, wal_seq) != RDB_OK ||
	    rdb_buf_putvar(&m, s->wal.lsn) != RDB_OK ||
	    rdb_buf_put64(&m, s->wal.chain) != RDB_OK ||
	    rdb_buf_putvar(&m, s->nddl) != RDB_OK)
		goto nomem;
	for (i = 0; i < s->nddl; i++)
		if (rdb_buf_putvar(&m, s->ddl[i].commit) != RDB_OK ||
		    rdb_buf_putvar(&m, s->ddl[i].len) != RDB_OK ||
		    rdb_buf_append(&m, s->ddl[i].op, s->ddl[i].len) != RDB_OK)
			goto nomem;
	/* the index files of every segment the manifest will name exist
	 * before it does [F-IDX-002] */
	for (i = 0; i < s->ntd && s->cat.nindexes > 0; i++) {
		struct rdb_tdata *td = s->td[i];
		int rep = replace != NULL && replace[i];
		for (j = 0; !rep && j < td->nsegs; j++)
			if ((rc = rdb_index_segment(s, td->id, 0, td->segs[j].file,
			    td->segs[j].bytes, 0, e)) != RDB_OK)
				goto out;
		if (newseg[i].file != NULL && (rc = rdb_index_segment(s, td->id, 0,
		    newseg[i].file, newseg[i].bytes, 1, e)) != RDB_OK)
			goto out;
	}
	if (rdb_buf_putvar(&m, s->ntd) != RDB_OK)
		goto nomem;
	for (i = 0; i < s->ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		int rep = replace != NULL && replace[i];
		size_t ns = rep ? 0 : td->nsegs, nd = rep ? 0 : td->ndelfiles;
		if (rdb_buf_putvar(&m, td->id) != RDB_OK ||
		    rdb_buf_putvar(&m, td->next_rowid) != RDB_OK ||
		    (mver >= 1 && rdb_buf_putvar(&m, td->horizon) != RDB_OK) ||
		    rdb_buf_putvar(&m, ns + (newseg[i].file != NULL)) != RDB_OK)
			goto nomem;
		for (j = 0; j < ns; j++)
			if (put_ref(&m, td->segs[j].file, td->segs[j].rows,
			    td->segs[j].bytes) != RDB_OK)
				goto nomem;
		if (newseg[i].file != NULL &&
		    put_ref(&m, newseg[i].file, newseg[i].rows, newseg[i].bytes) != RDB_OK)
			goto nomem;
		if (rdb_buf_putvar(&m, nd + (newdel[i].file != NULL)) != RDB_OK)
			goto nomem;
		for (j = 0; j < nd; j++)
			if (put_ref(&m, td->delfiles[j].file, td->delfiles[j].count,
			    td->delfiles[j].bytes) != RDB_OK)
				goto nomem;
		if (newdel[i].file != NULL &&
		    put_ref(&m, newdel[i].file, newdel[i].count, newdel[i].bytes) != RDB_OK)
			goto nomem;
	}
	if (rdb_buf_putvar(&m, s->nlogs + (logfile != NULL)) != RDB_OK)
		goto nomem;
	for (i = 0; i < s->nlogs; i++)
		if (put_ref(&m, s->logs[i].file, s->logs[i].first,
		    s->logs[i].last) != RDB_OK)
			goto nomem;
	if (logfile != NULL && put_ref(&m, logfile, first_commit,
	    s->last_commit) != RDB_OK)
		goto nomem;
	if (asprintf(&path, "%s/manifest/%016" PRIx64 ".man", s->dir, seq) < 0) {
		path = NULL;
		goto nomem;
	}
	rc = write_framed_v(path, man_magic, mver, m.p, m.len, e);
	if (rc != RDB_OK)
		goto out;
	rc = write_current(s->dir, seq, e);
	if (rc != RDB_OK)
		goto out;
	/* Switched. The old WAL may go once no reader is loading it
	 * [F-LCK-008]; if one is slow, the next checkpoint removes it. */
	if (rdb_lock_wait_readers(&db->lock, 1, db->lock_timeout_ms, e) == RDB_OK)
		drop_old_wal(s->dir, wal_seq);
	rdb_err_clear(e);
	{
		char *d = s->dir;
		s->dir = NULL;
		rdb_store_release(s);
		s->dir = d;
		memcpy(s->uuid, db->sb.uuid, 16);
		rc = rdb_store_load_manifest(s, seq, e);
	}
	goto out;
nomem:
	rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
out:
	free(path);
	rdb_buf_release(&m);
	return rc;
}

int rdb_checkpoint_locked(struct rdb_db *db)
{
	struct rdb_store *s = &db->store;
	struct rdb_err *e = &db->err;
	struct rdb_segref *newseg = NULL;
	struct rdb_delref *newdel = NULL;
	struct rdb_buf logb;
	char *logfile = NULL, *path = NULL;
	uint64_t seq = s->manifest_seq + 1, first_commit = 0, wal_seq;
	size_t i, j, ntd = s->ntd;
	int rc;

	rdb_buf_init(&logb);
	rc = rdb_lock_checkpoint(&db->lock, db->lock_timeout_ms, e);
	if (rc != RDB_OK)
		return rc;
	newseg = calloc(s->ntd + 1, sizeof *newseg);
	newdel = calloc(s->ntd + 1, sizeof *newdel);
	if (newseg == NULL || newdel == NULL)
		goto nomem;
	for (i = 0; i < s->ntd; i++) {
		struct rdb_tdata *td = s->td[i];
		int dels = 0;
		if (td->nmem > 0) {
			char name[64];
			snprintf(name, sizeof name, "tables/%u/%016" PRIx64 ".seg",
			    td->id, seq);
			rc = rdb_segment_from_mem(db, td, 0, td->nmem, name,
			    &newseg[i], e);
			if (rc != RDB_OK)
				goto out;
		}
		for (j = 0; j < td->ndels && !dels; j++)
			dels = td->dels[j].commit > s->ckpt_commit;
		if (dels && (rc = rdb_delfile_write(s, td, seq, s->ckpt_commit,
		    &newdel[i], e)) != RDB_OK)
			goto out;
	}
	if (s->ncommits > 0) {
		struct rdb_commit_rec c;
		struct rdb_commit_table *tt;
		char *strs[3];
		for (i = 0; i < s->ncommits; i++) {
			if (rdb_buf_putvar(&logb, s->commits[i].len) != RDB_OK ||
			    rdb_buf_append(&logb, s->commits[i].p,
			    s->commits[i].len) != RDB_OK)
				goto nomem;
		}
		if (rdb_commit_decode(s->commits[0].p, s->commits[0].len, &c, &tt,
		    strs) != RDB_OK) {
			rc = rdb_err_set(e, RDB_ECORRUPT, "damaged commit record");
			goto out;
		}
		first_commit = c.id;
		free(tt);
		free(strs[0]);
		free(strs[1]);
		free(strs[2]);
		if (asprintf(&logfile, "manifest/%016" PRIx64 "-%016" PRIx64 ".log",
		    first_commit, s->last_commit) < 0) {
			logfile = NULL;
			goto nomem;
		}
		path = rdb_path_join(s->dir, logfile);
		if (path == NULL)
			goto nomem;
		rc = write_framed(path, log_magic, logb.p, logb.len, e);
		free(path);
		path = NULL;
		if (rc != RDB_OK)
			goto out;
	}
	/* a file holding only its header continues the log [F-WAL-013] */
	wal_seq = s->wal.off > RDB_WAL_HDR ? s->wal.seq + 1 : s->wal.seq;
	rc = rdb_manifest_switch(db, seq, newseg, newdel, NULL, logfile,
	    first_commit, s->horizon, wal_seq);
	goto out;
nomem:
	rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
out:
	for (i = 0; i < ntd && newseg != NULL; i++) {
		free(newseg[i].file);
		free(newdel[i].file);
	}
	free(newseg);
	free(newdel);
	free(logfile);
	free(path);
	rdb_buf_release(&logb);
	rdb_unlock_checkpoint(&db->lock);
	return rc;
}

int rdb_checkpoint(struct rdb_db *db)
{
	struct rdb_txn *t;
	int rc;

	rc = rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t);
	if (rc != RDB_OK)
		return rc;
	/* the write transaction holds the writer lock and a fresh store */
	rc = rdb_checkpoint_locked(db);
	{
		struct rdb_err saved = db->err;
		rdb_txn_abort(t);
		db->err = saved;
	}
	return rc;
}

/* Call fn for the COMMIT payloads of the log file l within from..to. */
static int log_file(struct rdb_db *db, const struct rdb_logref *l,
    uint64_t from, uint64_t to, int (*fn)(const struct rdb_commit_rec *, void *),
    void *arg)
{
	char *path = rdb_path_join(db->path, l->file);
	uint8_t *body = NULL;
	struct rdb_rd r;
	size_t len;
	int rc;

	if (path == NULL)
		return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
	rc = read_framed(path, log_magic, &body, &len, &db->err);
	if (rc != RDB_OK)
		goto out;
	rdb_rd_init(&r, body, len);
	while (r.pos < len) {
		struct rdb_commit_rec c;
		struct rdb_commit_table *tt;
		const uint8_t *p;
		uint64_t l2;
		char *strs[3];
		if (rdb_rd_getvar(&r, &l2) != 0 || rdb_rd_bytes(&r, (size_t)l2, &p) != 0 ||
		    rdb_commit_decode(p, (size_t)l2, &c, &tt, strs) != RDB_OK) {
			rc = rdb_err_set(&db->err, RDB_ECORRUPT,
			    "damaged commit log '%s' at offset %zu", path, 16 + r.pos);
			goto out;
		}
		if (c.id >= from && c.id <= to)
			rc = fn(&c, arg);
		free(tt);
		free(strs[0]);
		free(strs[1]);
		free(strs[2]);
		if (rc != 0)
			goto out;
	}
out:
	free(body);
	free(path);
	return rc;
}

struct log_range {
	uint64_t from, to;
	int (*fn)(const struct rdb_commit_rec *, void *);
	void *arg;
};

int rdb_log_file_each(struct rdb_db *db, size_t i,
    int (*fn)(const struct rdb_commit_rec *, void *), void *arg)
{
	return log_file(db, &db->store.logs[i], 0, UINT64_MAX, fn, arg);
}

int rdb_log_each(struct rdb_db *db,
    int (*fn)(const struct rdb_commit_rec *, void *), void *arg)
{
	struct rdb_store *s = &db->store;
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nlogs && rc == 0; i++)
		rc = log_file(db, &s->logs[i], 0, UINT64_MAX, fn, arg);
	for (i = 0; i < s->ncommits && rc == 0; i++) {
		struct rdb_commit_rec c;
		struct rdb_commit_table *tt;
		char *strs[3];
		if (rdb_commit_decode(s->commits[i].p, s->commits[i].len, &c, &tt,
		    strs) != RDB_OK)
			return rdb_err_set(&db->err, RDB_ECORRUPT,
			    "damaged commit record");
		rc = fn(&c, arg);
		free(tt);
		free(strs[0]);
		free(strs[1]);
		free(strs[2]);
	}
	return rc;
}

/*
 * rdb_log replays the catalog history beside the commits, so that each
 * table of a commit gets its name as of that commit and the catalog
 * changes the commit made to it (the DDL entries of the store carry
 * their commit, in commit order).
 */
struct log_names {
	struct log_range r;
	struct rdb_store *s;
	struct rdb_err *e;
	struct rdb_cat cat;
	size_t next_ddl;            /* s->ddl[next_ddl] not yet applied */
	struct rdb_commit_table *t; /* the record's tables, with names */
	size_t cap;
};

static int log_table_add(struct log_names *ln, size_t *n, uint32_t id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (ln->t[i].table_id == id)
			return (int)i;
	if (*n == ln->cap) {
		size_t cap = ln->cap ? ln->cap * 2 : 8;
		struct rdb_commit_table *nt = realloc(ln->t, cap * sizeof *nt);
		if (nt == NULL)
			return -1;
		ln->t = nt;
		ln->cap = cap;
	}
	memset(&ln->t[*n], 0, sizeof ln->t[*n]);
	ln->t[*n].table_id = id;
	return (int)(*n)++;
}

static unsigned ddl_change(uint8_t kind)
{
	switch (kind) {
	case CAT_CREATE:
		return RDB_CHANGE_CREATE;
	case CAT_DROP:
		return RDB_CHANGE_DROP;
	case CAT_RENAME:
		return RDB_CHANGE_RENAME;
	case CAT_UNDROP:
		return RDB_CHANGE_UNDROP;
	case CAT_PURGE:
		return RDB_CHANGE_PURGE;
	default:
		return RDB_CHANGE_ALTER;
	}
}

static int log_named(const struct rdb_commit_rec *c, void *arg)
{
	struct log_names *ln = arg;
	struct rdb_commit_rec named;
	size_t n = 0, i;
	int k;

	for (i = 0; i < c->ntables; i++) {
		if ((k = log_table_add(ln, &n, c->tables[i].table_id)) < 0)
			return rdb_err_set(ln->e, RDB_ENOMEM, "out of memory");
		ln->t[k].inserted += c->tables[i].inserted;
		ln->t[k].deleted += c->tables[i].deleted;
	}
	while (ln->next_ddl < ln->s->nddl &&
	    ln->s->ddl[ln->next_ddl].commit <= c->id) {
		const struct rdb_ddl *d = &ln->s->ddl[ln->next_ddl++];
		struct rdb_rd r;
		uint8_t kind;
		uint64_t id;
		int rc = rdb_cat_apply(&ln->cat, d->op, d->len, "catalog", ln->e);
		if (rc != RDB_OK)
			return rc;
		rdb_rd_init(&r, d->op, d->len);
		if (d->commit != c->id || rdb_rd_get8(&r, &kind) != 0 ||
		    rdb_rd_getvar(&r, &id) != 0)
			continue;
		if ((k = log_table_add(ln, &n, (uint32_t)id)) < 0)
			return rdb_err_set(ln->e, RDB_ENOMEM, "out of memory");
		ln->t[k].changes |= ddl_change(kind);
	}
	if (c->id < ln->r.from || c->id > ln->r.to)
		return 0;
	for (i = 0; i < n; i++) {
		struct rdb_tbl *tb = rdb_cat_by_id(&ln->cat, ln->t[i].table_id);
		ln->t[i].name = tb != NULL ? tb->name : NULL;
	}
	named = *c;
	named.ntables = n;
	named.tables = ln->t;
	return ln->r.fn(&named, ln->r.arg);
}

int rdb_log(struct rdb_db *db, uint64_t from, uint64_t to,
    int (*fn)(const struct rdb_commit_rec *, void *), void *arg)
{
	struct log_names ln;
	struct rdb_txn *t;
	int rc;

	rc = rdb_txn_begin(db, 0, 0, &t);
	if (rc != RDB_OK)
		return rc;
	memset(&ln, 0, sizeof ln);
	ln.r.from = from;
	ln.r.to = to != 0 ? to : db->store.last_commit;
	ln.r.fn = fn;
	ln.r.arg = arg;
	ln.s = &db->store;
	ln.e = &db->err;
	rdb_cat_init(&ln.cat);
	rc = rdb_log_each(db, log_named, &ln);
	rdb_cat_release(&ln.cat);
	free(ln.t);
	{
		struct rdb_err saved = db->err;
		rdb_txn_abort(t);
		db->err = saved;
	}
	return rc;
}

/* ---- time travel ---- */

struct at_arg {
	int64_t t;
	uint64_t id, first;
	int64_t first_us;
};

static int at_fn(const struct rdb_commit_rec *c, void *arg)
{
	struct at_arg *a = arg;

	if (a->first == 0) {
		a->first = c->id;
		a->first_us = c->time_us;
	}
	if (c->time_us > a->t)
		return 1;	/* times strictly increase [F-WAL-007] */
	a->id = c->id;
	return 0;
}

struct id_time {
	uint64_t id;
	int64_t us;
};

static int id_time_fn(const struct rdb_commit_rec *c, void *arg)
{
	struct id_time *a = arg;

	if (c->id != a->id)
		return 0;
	a->us = c->time_us;
	return 1;
}

/* The time of commit id (0 when it is not in the log). */
static int commit_time(struct rdb_db *db, uint64_t id, int64_t *us)
{
	struct id_time a;
	int rc;

	a.id = id;
	a.us = 0;
	if (id == db->store.last_commit) {
		*us = db->store.last_time;
		return RDB_OK;
	}
	rc = rdb_log_each(db, id_time_fn, &a);
	*us = a.us;
	return rc < 0 ? rc : RDB_OK;
}

/* A read transaction for a question about the log, unless db has one
 * open, whose start then answers. */
static int log_begin(struct rdb_db *db, struct rdb_txn **own)
{
	*own = NULL;
	if (db == NULL || !db->open)
		return RDB_EMISUSE;
	if (db->txn != NULL) {
		rdb_err_clear(&db->err);
		return RDB_OK;
	}
	return rdb_txn_begin(db, 0, 0, own);
}

static void log_end(struct rdb_db *db, struct rdb_txn *own)
{
	struct rdb_err saved = db->err;

	rdb_txn_abort(own);
	db->err = saved;
}

static int history(struct rdb_db *db, struct rdb_history *h)
{
	struct rdb_store *s = &db->store;
	int rc;

	memset(h, 0, sizeof *h);
	h->latest = s->last_commit;
	h->latest_us = s->last_time;
	if (s->last_commit == 0)
		return RDB_OK;
	h->oldest = s->horizon > 1 ? s->horizon : 1;	/* [F-MAN-023] */
	if ((rc = commit_time(db, h->oldest, &h->oldest_us)) != RDB_OK)
		return rc;
	return RDB_OK;
}

int rdb_history(struct rdb_db *db, struct rdb_history *h)
{
	struct rdb_txn *own;
	int rc = log_begin(db, &own);

	memset(h, 0, sizeof *h);
	if (rc != RDB_OK)
		return rc;
	rc = history(db, h);
	log_end(db, own);
	return rc;
}

int rdb_commit_at(struct rdb_db *db, int64_t time_us, uint64_t *id)
{
	struct rdb_history h;
	struct at_arg a;
	struct rdb_txn *own;
	char t[32], u[32];
	int64_t now;
	int rc;

	*id = 0;
	if ((rc = log_begin(db, &own)) != RDB_OK)
		return rc;
	now = rdb_now_us();
	if (rdb_time_format(time_us, t, sizeof t) != RDB_OK)
		snprintf(t, sizeof t, "?");
	if (time_us > now) {
		rdb_time_format(now, u, sizeof u);
		rc = rdb_err_set(&db->err, RDB_EHISTORY,
		    "%s is in the future: it is now %s", t, u);
		goto out;
	}
	if ((rc = history(db, &h)) != RDB_OK)
		goto out;
	memset(&a, 0, sizeof a);
	a.t = time_us;
	rc = rdb_log_each(db, at_fn, &a);
	if (rc < 0)
		goto out;
	rc = RDB_OK;
	if (a.id == 0) {
		if (a.first == 0)
			rc = rdb_err_set(&db->err, RDB_EHISTORY,
			    "%s is before the first commit: '%s' has none yet", t,
			    db->path);
		else {
			rdb_time_format(a.first_us, u, sizeof u);
			rc = rdb_err_set(&db->err, RDB_EHISTORY,
			    "%s is before the first commit, commit %llu at %s", t,
			    (unsigned long long)a.first, u);
		}
	} else if (a.id < h.oldest) {
		rdb_time_format(h.oldest_us, u, sizeof u);
		rc = rdb_err_set(&db->err, RDB_EHISTORY,
		    "%s is outside retained history: the oldest readable is "
		    "commit %llu at %s", t, (unsigned long long)h.oldest, u);
	} else {
		*id = a.id;
	}
out:
	log_end(db, own);
	return rc;
}

int rdb_last_commit(struct rdb_db *db, uint64_t *id, int64_t *time_us)
{
	struct rdb_txn *t;
	int rc = rdb_txn_begin(db, 0, 0, &t);

	if (rc != RDB_OK)
		return rc;
	if (id != NULL)
		*id = db->store.last_commit;
	if (time_us != NULL)
		*time_us = db->store.last_time;
	rdb_txn_abort(t);
	return RDB_OK;
}
