/*
 * wal.c - append, commit and replay the write-ahead log.
 *
 * Layout and rules are format/wal.md. Every record's chain value is a
 * hash over the previous one, so replay can trust a record only if it
 * follows, byte for byte, the records before it [F-WAL-003]; anything
 * after the last valid COMMIT is a torn tail and is ignored [F-WAL-004].
 * A transaction never spans files: files rotate between transactions.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* the streaming state on the stack needs the struct layout */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "wal/wal.h"

static const uint8_t wal_magic[8] = { 'R', 'D', 'B', 'W', 'A', 'L', 0, 0 };

char *rdb_wal_path(const char *dir, uint64_t seq)
{
	char *p;

	if (asprintf(&p, "%s/wal/%016" PRIx64 ".wal", dir, seq) < 0)
		return NULL;
	return p;
}

static uint64_t chain_of(uint64_t prev, const uint8_t *hdr16,
    const uint8_t *payload, size_t len)
{
	XXH3_state_t st;
	uint8_t p[8];

	rdb_store64(p, prev);
	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, p, 8);
	XXH3_64bits_update(&st, hdr16, 16);
	XXH3_64bits_update(&st, payload, len);
	return (uint64_t)XXH3_64bits_digest(&st);
}

/* Read a file from offset `from` to its end into memory: only what
 * follows what was replayed already (WAL files are bounded by rotation
 * and by one transaction). *len is the file's whole size. */
static int read_file(const char *path, off_t from, uint8_t **buf, size_t *len,
    struct rdb_err *e)
{
	struct stat st;
	uint8_t *p;
	int fd;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? RDB_ENOENT
		    : rdb_err_sys(e, errno, "cannot open '%s'", path);
	if (fstat(fd, &st) != 0) {
		int rc = rdb_err_sys(e, errno, "cannot stat '%s'", path);
		close(fd);
		return rc;
	}
	if (from > st.st_size)
		from = st.st_size;
	p = malloc(st.st_size > from ? (size_t)(st.st_size - from) : 1);
	if (p == NULL) {
		close(fd);
		return rdb_err_set(e, RDB_ENOMEM, "out of memory reading '%s'", path);
	}
	if (st.st_size > from && rdb_pread_full(fd, p, (size_t)(st.st_size - from),
	    from) != 0 &&
	    errno != 0) {
		int rc = rdb_err_sys(e, errno, "cannot read '%s'", path);
		free(p);
		close(fd);
		return rc;
	}
	close(fd);
	*buf = p;
	*len = (size_t)st.st_size;
	return RDB_OK;
}

static void header_encode(uint8_t *h, uint64_t seq, uint64_t lsn,
    uint64_t chain, const uint8_t uuid[16])
{
	memset(h, 0, RDB_WAL_HDR);
	memcpy(h, wal_magic, 8);
	rdb_store64(h + 16, seq);
	rdb_store64(h + 24, lsn);
	rdb_store64(h + 32, chain);
	memcpy(h + 40, uuid, 16);
	rdb_store64(h + 56, rdb_hash64(h, 56));
}

/* [F-WAL-001] [F-WAL-002] */
static int header_ok(const uint8_t *h, size_t len, const struct rdb_wal_pos *pos,
    const uint8_t uuid[16])
{
	return len >= RDB_WAL_HDR && memcmp(h, wal_magic, 8) == 0 &&
	    rdb_load32(h + 8) == 0 && rdb_load32(h + 12) == 0 &&
	    rdb_load64(h + 56) == rdb_hash64(h, 56) &&
	    memcmp(h + 40, uuid, 16) == 0 && rdb_load64(h + 16) == pos->seq &&
	    rdb_load64(h + 24) == pos->lsn && rdb_load64(h + 32) == pos->chain;
}

int rdb_wal_replay(const char *dir, const uint8_t uuid[16],
    struct rdb_wal_pos *pos, rdb_wal_fn fn, void *arg, int *tail,
    struct rdb_err *e)
{
	uint8_t *buf = NULL;
	size_t len, base;
	char *path = NULL;
	int rc = RDB_OK;

	if (tail != NULL)
		*tail = 0;
	for (;;) {
		size_t off, txn_start;
		uint64_t lsn, chain;
		struct rdb_wal_pos txn_pos;

		free(path);
		free(buf);
		buf = NULL;
		path = rdb_wal_path(dir, pos->seq);
		if (path == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			break;
		}
		base = (size_t)pos->off;
		rc = read_file(path, pos->off, &buf, &len, e);
		if (rc == RDB_ENOENT) {
			rc = RDB_OK;
			break;
		}
		if (rc != RDB_OK)
			break;
		if (pos->off == 0) {
			if (!header_ok(buf, len - base, pos, uuid)) {
				if (tail != NULL && len > 0)
					*tail = 1;
				break;
			}
			pos->off = RDB_WAL_HDR;
		}
		if ((size_t)pos->off > len) {
			rc = rdb_err_set(e, RDB_ECORRUPT,
			    "damaged WAL '%s': shorter (%zu bytes) than its committed end %lld",
			    path, len, (long long)pos->off);
			break;
		}
		off = txn_start = (size_t)pos->off;
		lsn = pos->lsn;
		chain = pos->chain;
		txn_pos = *pos;
		for (;;) {
			const uint8_t *h = buf + (off - base);
			size_t rlen;
			int type;

			if (len - off < RDB_WAL_REC_HDR)
				break;
			rlen = rdb_load32(h);
			type = h[4];
			if (rlen > RDB_WAL_MAX_REC || len - off - RDB_WAL_REC_HDR < rlen ||
			    h[5] != 0 || h[6] != 0 || h[7] != 0 ||
			    rdb_load64(h + 8) != lsn || type < WAL_DDL ||
			    type > WAL_ATTACH)
				break;
			if (rdb_load64(h + 16) != chain_of(chain, h, h + 24, rlen))
				break;
			chain = rdb_load64(h + 16);
			lsn++;
			off += RDB_WAL_REC_HDR + rlen;
			if (type != WAL_COMMIT)
				continue;
			/* a whole transaction: apply it [F-WAL-004] */
			{
				size_t p = txn_start;
				while (p < off) {
					const uint8_t *q = buf + (p - base);
					size_t l = rdb_load32(q);
					rc = fn(arg, q[4], q + 24, l, path, (off_t)p);
					if (rc != 0)
						goto out;
					p += RDB_WAL_REC_HDR + l;
				}
			}
			txn_start = off;
			txn_pos.off = (off_t)off;
			txn_pos.lsn = lsn;
			txn_pos.chain = chain;
		}
		*pos = txn_pos;
		if ((size_t)txn_pos.off < len) {
			/* a torn or uncommitted tail: the log ends here */
			if (tail != NULL)
				*tail = 1;
			break;
		}
		/* this file ended cleanly; does the next one continue it? */
		{
			char *next = rdb_wal_path(dir, pos->seq + 1);
			struct stat st;
			int exists = next != NULL && stat(next, &st) == 0;
			free(next);
			if (!exists)
				break;
			pos->seq++;
			pos->off = 0;
		}
	}
out:
	free(path);
	free(buf);
	return rc;
}

static int create_file(struct rdb_wal *w, struct rdb_err *e)
{
	uint8_t h[RDB_WAL_HDR];
	char *path = rdb_wal_path(w->dir, w->cur.seq);
	int fd;

	if (path == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = rdb_err_sys(e, errno, "cannot create '%s'", path);
		free(path);
		return rc;
	}
	header_encode(h, w->cur.seq, w->cur.lsn, w->cur.chain, w->uuid);
	if (rdb_pwrite_full(fd, h, sizeof h, 0) != 0 || rdb_io_fsync(fd) != 0) {
		int rc = rdb_err_sys(e, errno, "cannot write '%s'", path);
		close(fd);
		unlink(path);
		free(path);
		return rc;
	}
	free(path);
	{
		char *wdir = rdb_path_join(w->dir, "wal");
		if (wdir == NULL || rdb_fsync_dir(wdir) != 0) {
			int rc = rdb_err_sys(e, errno ? errno : ENOMEM,
			    "cannot sync '%s/wal'", w->dir);
			free(wdir);
			close(fd);
			return rc;
		}
		free(wdir);
	}
	if (w->fd >= 0)
		close(w->fd);
	w->fd = fd;
	w->cur.off = RDB_WAL_HDR;
	w->committed = w->cur;
	return RDB_OK;
}

int rdb_wal_open(struct rdb_wal *w, const char *dir, const uint8_t uuid[16],
    const struct rdb_wal_pos *pos, int sync, struct rdb_err *e)
{
	char *path;

	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->sync = sync;
	memcpy(w->uuid, uuid, 16);
	w->dir = strdup(dir);
	if (w->dir == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	w->cur = w->committed = *pos;
	if (pos->off == 0)
		return create_file(w, e);
	path = rdb_wal_path(dir, pos->seq);
	if (path == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	w->fd = open(path, O_RDWR | O_CLOEXEC);
	if (w->fd < 0) {
		int rc = rdb_err_sys(e, errno, "cannot open '%s'", path);
		free(path);
		return rc;
	}
	/* [F-WAL-006] no garbage after the last commit */
	{
		struct stat st;
		if (fstat(w->fd, &st) != 0) {
			int rc = rdb_err_sys(e, errno, "cannot stat '%s'", path);
			free(path);
			return rc;
		}
		if (st.st_size == pos->off) {
			free(path);
			goto opened;
		}
	}
	if (rdb_io_ftruncate(w->fd, pos->off) != 0 || rdb_io_fsync(w->fd) != 0) {
		int rc = rdb_err_sys(e, errno, "cannot truncate '%s'", path);
		free(path);
		return rc;
	}
	free(path);
opened:
	if (pos->off >= RDB_WAL_ROTATE)
		return rdb_wal_rotate(w, e);
	return RDB_OK;
}

void rdb_wal_close(struct rdb_wal *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	free(w->dir);
	w->dir = NULL;
}

static int put_record(struct rdb_wal *w, int type, const void *payload,
    size_t len, struct rdb_err *e)
{
	uint8_t h[RDB_WAL_REC_HDR];

	if (w->fd < 0)
		return rdb_err_set(e, RDB_EMISUSE, "WAL is not open");
	if (len > RDB_WAL_MAX_REC)
		return rdb_err_set(e, RDB_EINVAL,
		    "a single change of %zu bytes is too large for one WAL record",
		    len);
	memset(h, 0, sizeof h);
	rdb_store32(h, (uint32_t)len);
	h[4] = (uint8_t)type;
	rdb_store64(h + 8, w->cur.lsn);
	rdb_store64(h + 16, chain_of(w->cur.chain, h, payload, len));
	if (rdb_pwrite_full(w->fd, h, sizeof h, w->cur.off) != 0 ||
	    (len > 0 && rdb_pwrite_full(w->fd, payload, len,
	    w->cur.off + RDB_WAL_REC_HDR) != 0))
		return rdb_err_sys(e, errno, "cannot write the WAL of '%s'", w->dir);
	w->cur.chain = rdb_load64(h + 16);
	w->cur.lsn++;
	w->cur.off += (off_t)(RDB_WAL_REC_HDR + len);
	w->dirty = 1;
	return RDB_OK;
}

int rdb_wal_append(struct rdb_wal *w, int type, const void *payload,
    size_t len, struct rdb_err *e)
{
	return put_record(w, type, payload, len, e);
}

int rdb_wal_sync(struct rdb_wal *w, struct rdb_err *e)
{
	if (w->fd < 0 || !w->dirty)
		return RDB_OK;
	if (rdb_io_fsync(w->fd) != 0)
		return rdb_err_sys(e, errno, "cannot sync the WAL of '%s'", w->dir);
	w->dirty = 0;
	return RDB_OK;
}

int rdb_wal_commit(struct rdb_wal *w, const void *payload, size_t len,
    struct rdb_err *e)
{
	int rc = put_record(w, WAL_COMMIT, payload, len, e);

	if (rc == RDB_OK && w->sync == RDB_SYNC_FULL)	/* [F-WAL-005] */
		rc = rdb_wal_sync(w, e);
	if (rc != RDB_OK) {
		struct rdb_err e2;
		(void)rdb_wal_rollback(w, &e2);
		return rc;
	}
	w->committed = w->cur;
	return RDB_OK;
}

int rdb_wal_rollback(struct rdb_wal *w, struct rdb_err *e)
{
	if (w->fd < 0)
		return RDB_OK;
	w->cur = w->committed;
	if (rdb_io_ftruncate(w->fd, w->committed.off) != 0)
		return rdb_err_sys(e, errno, "cannot truncate the WAL of '%s'",
		    w->dir);
	return RDB_OK;
}

int rdb_wal_rotate(struct rdb_wal *w, struct rdb_err *e)
{
	int rc = rdb_wal_sync(w, e);

	if (rc != RDB_OK)
		return rc;
	w->cur = w->committed;
	w->cur.seq++;
	return create_file(w, e);
}
