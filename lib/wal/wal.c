/*
 * wal.c - append, commit and replay the write-ahead log.
 *
 * Layout and rules are format/wal.md. Every record's chain value is a
 * hash over the previous one, so replay can trust a record only if it
 * follows, byte for byte, the records before it [F-WAL-003]. What
 * follows the last valid COMMIT is ignored [F-WAL-004] when it is a torn
 * tail, and refused as damage when more of the log comes after it
 * [F-WAL-012] [F-WAL-014]. A transaction never spans files: the next
 * file is started just before the COMMIT that takes a file to 64 MiB
 * [F-WAL-013], and later transactions go there.
 */
#include <dirent.h>
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
	/* a writer may truncate the file meanwhile (a rollback): what
	 * was read is all there is */
	{
		size_t want = st.st_size > from ? (size_t)(st.st_size - from) : 0;
		size_t got = 0;
		while (got < want) {
			ssize_t r = pread(fd, p + got, want - got, from + (off_t)got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				int rc = rdb_err_sys(e, errno, "cannot read '%s'", path);
				free(p);
				close(fd);
				return rc;
			}
			if (r == 0)
				break;
			got += (size_t)r;
		}
		close(fd);
		*buf = p;
		*len = (size_t)from + got;
	}
	return RDB_OK;
}

/* The size of WAL file seq, or -1 when it does not exist. */
static off_t file_size(const char *dir, uint64_t seq)
{
	char *path = rdb_wal_path(dir, seq);
	struct stat st;
	off_t n = -1;

	if (path != NULL && stat(path, &st) == 0)
		n = st.st_size;
	free(path);
	return n;
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

/*
 * Telling a torn tail from damage [F-WAL-012] [F-WAL-014]
 *
 * Replay stops at the first record that fails its checks. A writer
 * killed while it appends leaves only the unfinished end of one write
 * there: a record cut short, after which nothing follows. So the stop is
 * damage when a record a writer wrote after it survives, in the same
 * file or in a later one, when the record is whole but wrong, or when a
 * file is known to be missing. Each test below is one clause of the
 * format; a damaged log is refused, never cut off.
 */

/* A record header at h that could be one a writer wrote after LSN lsn:
 * reserved bytes zero, a known type, an r_len ending it within the
 * room bytes left, an LSN from lsn to lsn + most. */
static int plausible(const uint8_t *h, size_t room, uint64_t lsn,
    uint64_t most)
{
	size_t rlen = rdb_load32(h);
	uint64_t l = rdb_load64(h + 8);

	return h[5] == 0 && h[6] == 0 && h[7] == 0 && h[4] >= WAL_DDL &&
	    h[4] <= WAL_ATTACH && rlen <= RDB_WAL_MAX_REC &&
	    rlen <= room - RDB_WAL_REC_HDR && l >= lsn && l - lsn <= most;
}

#define MAX_CANDIDATES 4096

/*
 * [F-WAL-012] (a): the offset of a record after the bad one at x (file
 * offsets; the buffer p holds base..len) whose chain proves a writer
 * wrote it, or -1. lsn and chain are what the record at x should have
 * had and followed.
 */
static int64_t proven_after(const uint8_t *p, size_t base, size_t len,
    size_t x, uint64_t lsn, uint64_t chain)
{
	struct cand { size_t off; uint64_t lsn, chain; } *c;
	const uint8_t *hx = p + (x - base);
	uint64_t most = (uint64_t)(len - x) / RDB_WAL_REC_HDR + 1;
	uint64_t xstored, xcomputed = 0;
	int have_computed = 0;
	size_t n = 0, y, budget = 4 * MAX_CANDIDATES;	/* chains computed */
	int64_t found = -1;

	if (len - x < RDB_WAL_REC_HDR)
		return -1;
	xstored = rdb_load64(hx + 16);
	if ((size_t)rdb_load32(hx) <= len - x - RDB_WAL_REC_HDR) {
		/* only its chain field may be what was damaged */
		xcomputed = chain_of(chain, hx, hx + 24, rdb_load32(hx));
		have_computed = 1;
	}
	c = malloc(MAX_CANDIDATES * sizeof *c);
	if (c == NULL)
		return -1;
	for (y = x; y + RDB_WAL_REC_HDR <= len && found < 0; y++) {
		const uint8_t *h = p + (y - base);
		uint64_t l, want = rdb_load64(h + 16);
		size_t rlen, i;
		if (!plausible(h, len - y, lsn, most))
			continue;
		l = rdb_load64(h + 8);
		rlen = rdb_load32(h);
		if (y > x && l == lsn + 1 &&
		    (chain_of(xstored, h, h + 24, rlen) == want ||
		    (have_computed && chain_of(xcomputed, h, h + 24, rlen) == want)))
			found = (int64_t)y;
		/* hostile bytes may hold many headers of one LSN: the
		 * chains computed are bounded */
		for (i = 0; i < n && found < 0 && y > x && budget > 0; i++)
			if (c[i].lsn + 1 == l && budget-- > 0 &&
			    chain_of(c[i].chain, h, h + 24, rlen) == want)
				found = (int64_t)y;
		if (n < MAX_CANDIDATES) {
			c[n].off = y;
			c[n].lsn = l;
			c[n].chain = want;
			n++;
		}
	}
	free(c);
	return found;
}

/* What lies after file e in wal/: the lowest file above it (0 when
 * none), the lowest holding more than a header (0 when none), and
 * whether one numbered e + 2 or above exists. */
struct later {
	uint64_t first, records;
	int beyond;
};

static int scan_later(const char *dir, uint64_t e, struct later *l,
    struct rdb_err *err)
{
	char *wdir = rdb_path_join(dir, "wal");
	struct dirent *de;
	DIR *d;

	memset(l, 0, sizeof *l);
	if (wdir == NULL)
		return rdb_err_set(err, RDB_ENOMEM, "out of memory");
	d = opendir(wdir);
	if (d == NULL) {
		int rc = errno == ENOENT ? RDB_OK
		    : rdb_err_sys(err, errno, "cannot read '%s'", wdir);
		free(wdir);
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		uint64_t seq = 0;
		off_t size;
		int i;
		if (strlen(de->d_name) != 20 || strcmp(de->d_name + 16, ".wal") != 0)
			continue;
		for (i = 0; i < 16; i++) {
			int ch = de->d_name[i];
			if (ch >= '0' && ch <= '9')
				seq = seq << 4 | (uint64_t)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				seq = seq << 4 | (uint64_t)(ch - 'a' + 10);
			else
				break;
		}
		if (i < 16 || seq <= e)
			continue;
		if (l->first == 0 || seq < l->first)
			l->first = seq;
		if (seq >= e + 2)
			l->beyond = 1;
		size = file_size(dir, seq);
		if (size > RDB_WAL_HDR && (l->records == 0 || seq < l->records))
			l->records = seq;
	}
	closedir(d);
	free(wdir);
	return RDB_OK;
}

/*
 * The log stopped in file e (exists: whether it does; at: the offset
 * where it stopped, for the message). Files after it say whether that
 * is its end [F-WAL-012] (c) [F-WAL-014].
 */
static int check_later(const char *dir, uint64_t e, int exists, off_t at,
    struct rdb_err *err)
{
	struct later l;
	char *pe, *pn;
	int rc = scan_later(dir, e, &l, err);

	if (rc != RDB_OK || (l.records == 0 && !l.beyond && (exists || l.first == 0)))
		return rc;
	pe = rdb_wal_path(dir, e);
	pn = rdb_wal_path(dir, l.first);
	if (pe == NULL || pn == NULL)
		rc = rdb_err_set(err, RDB_ENOMEM, "out of memory");
	else if (!exists)
		rc = rdb_err_set(err, RDB_ECORRUPT,
		    "damaged WAL '%s': missing, yet '%s' follows it", pe, pn);
	else if (l.first >= e + 2) {
		char *pm = rdb_wal_path(dir, e + 1);
		rc = pm == NULL ? rdb_err_set(err, RDB_ENOMEM, "out of memory")
		    : rdb_err_set(err, RDB_ECORRUPT,
			"damaged WAL '%s': missing, yet '%s' follows it", pm, pn);
		free(pm);
	} else
		rc = rdb_err_set(err, RDB_ECORRUPT,
		    "damaged WAL '%s' at offset %lld: the log stops here, yet '%s' follows it",
		    pe, (long long)at, pn);
	free(pe);
	free(pn);
	return rc;
}

/*
 * Replay stopped at offset x of file path (the buffer p holds file
 * offsets base..len), after the last COMMIT ending at committed: is
 * that a torn tail, or damage? [F-WAL-012] (a) (b)
 */
static int check_stop(const char *path, const uint8_t *p, size_t base,
    size_t len, size_t x, uint64_t lsn, uint64_t chain, struct rdb_err *err)
{
	const uint8_t *h = p + (x - base);
	int64_t y;

	if (len - x >= RDB_WAL_REC_HDR && h[5] == 0 && h[6] == 0 && h[7] == 0 &&
	    h[4] >= WAL_DDL && h[4] <= WAL_ATTACH &&
	    rdb_load64(h + 8) == lsn &&
	    (size_t)rdb_load32(h) > len - x - RDB_WAL_REC_HDR) {
		/* (a) A record cut short, as a torn write leaves it: all
		 * that follows is its payload, whatever it holds. Unless
		 * its r_len is what was damaged: the next record's header
		 * where another length would end it, and the chain of
		 * the record with that length, say so. */
		size_t budget = 64;
		for (y = (int64_t)(x + RDB_WAL_REC_HDR);
		    (size_t)y + RDB_WAL_REC_HDR <= len && budget > 0; y++) {
			const uint8_t *n = p + ((size_t)y - base);
			uint8_t fixed[16];
			size_t l = (size_t)y - x - RDB_WAL_REC_HDR;
			if (!plausible(n, len - (size_t)y, lsn + 1, 0))
				continue;
			budget--;
			memcpy(fixed, h, 16);
			rdb_store32(fixed, (uint32_t)l);
			if (chain_of(chain, fixed, h + 24, l) == rdb_load64(h + 16))
				return rdb_err_set(err, RDB_ECORRUPT,
				    "damaged WAL '%s' at offset %zu: a record that fails its checks, yet a valid record follows at offset %lld",
				    path, x, (long long)y);
		}
		return RDB_OK;
	}
	y = proven_after(p, base, len, x, lsn, chain);

	if (y >= 0)
		return rdb_err_set(err, RDB_ECORRUPT,
		    "damaged WAL '%s' at offset %zu: a record that fails its checks, yet a valid record follows at offset %lld",
		    path, x, (long long)y);
	if (len - x >= RDB_WAL_REC_HDR) {
		size_t rlen = rdb_load32(h);
		uint8_t fixed[16];
		/* (b) whole, and its LSN right or the only thing wrong:
		 * nothing here depends on where the file ends, so a
		 * prefix of a log that opens opens too */
		memcpy(fixed, h, 16);
		rdb_store64(fixed + 8, lsn);
		if (rlen <= RDB_WAL_MAX_REC && rlen <= len - x - RDB_WAL_REC_HDR &&
		    (rdb_load64(h + 8) == lsn ||
		    chain_of(chain, fixed, h + 24, rlen) == rdb_load64(h + 16)))
			return rdb_err_set(err, RDB_ECORRUPT,
			    "damaged WAL '%s' at offset %zu: a whole record that fails its checks (a torn write is cut short)",
			    path, x);
	}
	return RDB_OK;
}

int rdb_wal_replay(const char *dir, const uint8_t uuid[16],
    struct rdb_wal_pos *pos, rdb_wal_fn fn, void *arg, int *tail,
    struct rdb_err *e)
{
	uint8_t *buf = NULL;
	size_t len, base;
	char *path = NULL;
	int rc = RDB_OK, tries = 0;

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
	reread:
		base = (size_t)pos->off;
		rc = read_file(path, pos->off, &buf, &len, e);
		if (rc == RDB_ENOENT) {
			/* only the manifest's first file: later ones are
			 * looked for before replay goes on to them. It is
			 * always made before the manifest [F-WAL-015] */
			rc = check_later(dir, pos->seq, 0, 0, e);
			if (rc == RDB_OK)
				rc = rdb_err_set(e, RDB_ECORRUPT,
				    "damaged WAL '%s': missing, yet the log starts in it",
				    path);
			goto stop;
		}
		if (rc != RDB_OK)
			break;
		if (pos->off == 0) {
			if (!header_ok(buf, len - base, pos, uuid)) {
				if (len > RDB_WAL_HDR) {	/* [F-WAL-012] */
					rc = rdb_err_set(e, RDB_ECORRUPT,
					    "damaged WAL '%s' at offset 0: its header is damaged or does not continue the log, yet %zu bytes of records follow it",
					    path, len - RDB_WAL_HDR);
					goto stop;
				}
				rc = check_later(dir, pos->seq, 1, 0, e);
				if (tail != NULL && len > 0)
					*tail = 1;
				goto stop;
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
		if (off < len) {
			/* replay stopped at a record: a torn tail, unless
			 * what follows says otherwise [F-WAL-012] */
			rc = check_stop(path, buf, base, len, off, lsn, chain, e);
			if (rc != RDB_OK)
				goto stop;
		}
		if (txn_pos.off >= RDB_WAL_ROTATE &&		/* [F-WAL-014] */
		    file_size(dir, pos->seq + 1) < 0) {
			char *next;
			/* a later file there says more */
			rc = check_later(dir, pos->seq, 1, txn_pos.off, e);
			if (rc != RDB_OK)
				goto stop;
			next = rdb_wal_path(dir, pos->seq + 1);
			rc = next == NULL ? rdb_err_set(e, RDB_ENOMEM, "out of memory")
			    : rdb_err_set(e, RDB_ECORRUPT,
				"damaged WAL '%s': missing, yet '%s' ends past 64 MiB (%lld bytes), so the log continues in it",
				next, path, (long long)txn_pos.off);
			free(next);
			goto stop;
		}
		if ((size_t)txn_pos.off < len) {
			/* a torn or uncommitted tail: the log ends here */
			rc = check_later(dir, pos->seq, 1, (off_t)off, e);
			if (tail != NULL)
				*tail = 1;
			goto stop;
		}
		/* this file ended cleanly; does the next one continue it? */
		if (file_size(dir, pos->seq + 1) < 0) {
			rc = check_later(dir, pos->seq, 1, txn_pos.off, e);
			goto stop;
		}
		pos->seq++;
		pos->off = 0;
		tries = 0;
		continue;
	stop:
		/* Damage is looked at twice: a live writer may have
		 * appended, rotated or rolled back under the first look
		 * (bytes read while it truncated, a file started after
		 * this one was read). What it did is read again. */
		if (rc == RDB_ECORRUPT && tries++ == 0) {
			free(buf);
			buf = NULL;
			goto reread;
		}
		break;
	}
out:
	free(path);
	free(buf);
	return rc;
}

/* Create file seq, its header saying the log continues there at lsn
 * after chain; synced with its directory. The new descriptor in *fdp. */
static int new_file(struct rdb_wal *w, uint64_t seq, uint64_t lsn,
    uint64_t chain, int *fdp, struct rdb_err *e)
{
	uint8_t h[RDB_WAL_HDR];
	char *path = rdb_wal_path(w->dir, seq);
	int fd;

	*fdp = -1;
	if (path == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = rdb_err_sys(e, errno, "cannot create '%s'", path);
		free(path);
		return rc;
	}
	header_encode(h, seq, lsn, chain, w->uuid);
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
	*fdp = fd;
	return RDB_OK;
}

int rdb_wal_start(const char *dir, const uint8_t uuid[16], uint64_t seq,
    uint64_t lsn, uint64_t chain, struct rdb_err *e)
{
	struct rdb_wal w;
	struct stat st;
	char *path = rdb_wal_path(dir, seq);
	int fd, rc, have;

	if (path == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	have = stat(path, &st) == 0 && st.st_size >= RDB_WAL_HDR;
	free(path);
	if (have)
		return RDB_OK;  /* begun already: never rewritten */
	memset(&w, 0, sizeof w);
	w.dir = (char *)dir;
	memcpy(w.uuid, uuid, 16);
	rc = new_file(&w, seq, lsn, chain, &fd, e);
	if (rc == RDB_OK)
		close(fd);
	return rc;
}

static int create_file(struct rdb_wal *w, struct rdb_err *e)
{
	int fd, rc = new_file(w, w->cur.seq, w->cur.lsn, w->cur.chain, &fd, e);

	if (rc != RDB_OK)
		return rc;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = fd;
	w->cur.off = RDB_WAL_HDR;
	w->committed = w->cur;
	return RDB_OK;
}

/* [F-WAL-006] [F-WAL-013] A file after the one appended to that holds
 * no more than a header is a rotation that did not finish: its COMMIT
 * was never written (replay would have gone on into it otherwise). */
static void drop_unfinished(const char *dir, uint64_t seq)
{
	char *path = rdb_wal_path(dir, seq + 1);
	struct stat st;

	if (path != NULL && stat(path, &st) == 0 && st.st_size <= RDB_WAL_HDR &&
	    unlink(path) == 0) {
		char *wdir = rdb_path_join(dir, "wal");
		if (wdir != NULL)
			(void)rdb_fsync_dir(wdir);
		free(wdir);
	}
	free(path);
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
	drop_unfinished(dir, pos->seq);
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

/* The header of the next record, its chain included. */
static void record_header(const struct rdb_wal *w, uint8_t *h, int type,
    const void *payload, size_t len)
{
	memset(h, 0, RDB_WAL_REC_HDR);
	rdb_store32(h, (uint32_t)len);
	h[4] = (uint8_t)type;
	rdb_store64(h + 8, w->cur.lsn);
	rdb_store64(h + 16, chain_of(w->cur.chain, h, payload, len));
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
	record_header(w, h, type, payload, len);
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
	int rc, next = -1;

	if (w->fd >= 0 && len <= RDB_WAL_MAX_REC &&
	    w->cur.off + (off_t)(RDB_WAL_REC_HDR + len) >= RDB_WAL_ROTATE) {
		/* [F-WAL-013] the next file first, continuing the log
		 * after this COMMIT, so a file whose commits reach 64 MiB
		 * is never the last */
		uint8_t h[RDB_WAL_REC_HDR];
		record_header(w, h, WAL_COMMIT, payload, len);
		rc = new_file(w, w->cur.seq + 1, w->cur.lsn + 1, rdb_load64(h + 16),
		    &next, e);
		if (rc != RDB_OK) {
			struct rdb_err e2;
			(void)rdb_wal_rollback(w, &e2);
			return rc;
		}
	}
	rc = put_record(w, WAL_COMMIT, payload, len, e);
	if (rc == RDB_OK && (w->sync == RDB_SYNC_FULL || next >= 0))
		rc = rdb_wal_sync(w, e);	/* [F-WAL-005] */
	if (rc != RDB_OK) {
		struct rdb_err e2;
		(void)rdb_wal_rollback(w, &e2);
		if (next >= 0) {
			close(next);
			drop_unfinished(w->dir, w->cur.seq);
		}
		return rc;
	}
	if (next >= 0) {
		close(w->fd);
		w->fd = next;
		w->cur.seq++;
		w->cur.off = RDB_WAL_HDR;
	}
	w->committed = w->cur;
	return RDB_OK;
}

int rdb_wal_rollback(struct rdb_wal *w, struct rdb_err *e)
{
	if (w->fd < 0)
		return RDB_OK;
	w->cur = w->committed;
	if (rdb_io_ftruncate(w->fd, w->committed.off) != 0) {
		/* [F-WAL-006] what is left there is not to be written over
		 * (a later reader would take its remains for damage): no
		 * more appends through this handle; the next writer cuts
		 * the tail off when it opens */
		int rc = rdb_err_sys(e, errno, "cannot truncate the WAL of '%s'",
		    w->dir);
		close(w->fd);
		w->fd = -1;
		return rc;
	}
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
