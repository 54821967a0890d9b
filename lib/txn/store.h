/*
 * store.h - what one handle knows of the database: the catalog and its
 * history, each table's files and in-memory rows, the commit log, and
 * where the WAL continues. Built from the current manifest and the WAL
 * (format/manifest.md, format/wal.md) and refreshed at each
 * transaction.
 */
#ifndef RDB_TXN_STORE_H
#define RDB_TXN_STORE_H

#include "txn/cat.h"
#include "wal/wal.h"

/* Rows of one committed (or pending) INSERT, held in memory until a
 * checkpoint writes them to a segment. */
struct rdb_memrows {
	uint64_t first_rowid;
	size_t nrows;
	uint64_t commit;
	size_t ncols;
	uint32_t *col_ids;
	struct rdb_vec *cols;       /* plain arrays, owned */
};

struct rdb_del {
	uint64_t rowid;
	uint64_t commit;
};

struct rdb_segref {
	char *file;                 /* relative to the database directory */
	uint64_t rows;
	uint64_t bytes;
	uint64_t commit;            /* attached by a bulk load at this commit
	                               and not yet in a manifest; else 0 */
	struct rdb_seg *seg;        /* opened lazily */
};

struct rdb_delref {
	char *file;
	uint64_t count;
	uint64_t bytes;
};

struct rdb_tdata {
	uint32_t id;
	uint64_t next_rowid;
	size_t nsegs;
	struct rdb_segref *segs;
	size_t ndelfiles;
	struct rdb_delref *delfiles;
	size_t nmem, capmem;
	struct rdb_memrows *mem;
	size_t logged;              /* mem[0, logged) are in the WAL */
	uint64_t unlogged_bytes;    /* held by mem[logged, nmem) */
	size_t ndels, capdels;
	struct rdb_del *dels;       /* sorted by row id */
	uint64_t ckpt_dels;         /* dels[] entries already in files */
	uint64_t horizon;           /* reading its rows before this commit
	                               is refused [F-MAN-064]; at least the
	                               store's horizon once in a manifest */
};

struct rdb_ddl {
	uint64_t commit;
	uint8_t *op;
	size_t len;
};

struct rdb_logref {
	char *file;
	uint64_t first, last;
};

struct rdb_store {
	char *dir;
	uint8_t uuid[16];
	uint64_t manifest_seq;      /* 0: never checkpointed */
	uint64_t ckpt_commit;
	uint64_t horizon;           /* reads before this commit are refused */
	uint64_t last_commit;
	int64_t last_time;
	struct rdb_cat cat;         /* at last_commit (or pending) */
	size_t nddl, capddl;
	struct rdb_ddl *ddl;
	size_t ntd;
	struct rdb_tdata **td;      /* by table id order; each allocated
	                               alone, so pointers to it stay valid */
	struct rdb_wal_pos wal;     /* end of the replayed log */
	struct rdb_wal_pos wal_start;   /* where the manifest's WAL begins */
	size_t nlogs;
	struct rdb_logref *logs;
	size_t ncommits, capcommits;
	struct rdb_buf *commits;    /* COMMIT payloads since the checkpoint */
	uint64_t pending;           /* commit id being written, or 0 */
	int newer_ok;               /* no newer manifest holds lost commits
	                               (checked once a load) [F-MAN-032] */
	int lax_current;            /* rdb-verify: do not check newer_ok,
	                               it reports that itself; kept across
	                               reloads */
};

void rdb_store_init(struct rdb_store *s);
void rdb_store_release(struct rdb_store *s);

/* Bring s up to date with the directory: reload if CURRENT moved, then
 * replay the WAL from where s left off. After a load, a manifest newer
 * than CURRENT's holding commits the WAL does not reach is damage: an
 * older CURRENT was put back, or CURRENT was lost [F-MAN-032]. */
int rdb_store_refresh(struct rdb_store *s, const char *dir,
    const uint8_t uuid[16], struct rdb_err *e);

struct rdb_tdata *rdb_store_td(struct rdb_store *s, uint32_t id, int create);

/* Decode an INSERT payload into memory rows for commit. */
int rdb_store_apply_insert(struct rdb_store *s, const uint8_t *p, size_t len,
    uint64_t commit, const char *file, off_t off, struct rdb_err *e);
int rdb_store_apply_attach(struct rdb_store *s, const uint8_t *p, size_t len,
    uint64_t commit, const char *file, off_t off, struct rdb_err *e);
int rdb_store_apply_delete(struct rdb_store *s, const uint8_t *p, size_t len,
    uint64_t commit, const char *file, off_t off, struct rdb_err *e);

/* A file name of the database's own making [F-MAN-020]. */
int rdb_file_name_ok(const char *f);

/* Append rows [start, start+n) of a batch to td's memory rows, tagged
 * with commit (not logged to the WAL). */
/* As rdb_td_append of all of b's rows (a builder batch from
 * rdb_batch_new, with at most 65536 rows), taking its arrays over
 * instead of copying them: b is left empty, to be filled again. */
int rdb_td_adopt(struct rdb_tdata *td, const struct rdb_tbl *tb,
    struct rdb_batch *b, uint64_t commit);
int rdb_td_append(struct rdb_tdata *td, const struct rdb_tbl *tb,
    const struct rdb_batch *b, size_t start, size_t n, uint64_t commit);
void rdb_memrows_release(struct rdb_memrows *m);

/* Delete commit of rowid in td, or 0 when it was never deleted. */
uint64_t rdb_td_deleted(const struct rdb_tdata *td, uint64_t rowid);
int rdb_td_add_del(struct rdb_tdata *td, uint64_t rowid, uint64_t commit);

/* The catalog at commit `at` into out (a copy). */
int rdb_store_cat_at(struct rdb_store *s, uint64_t at, struct rdb_cat *out,
    struct rdb_err *e);

/* Undo everything tagged with the pending commit. */
void rdb_store_undo_pending(struct rdb_store *s, const struct rdb_cat *saved,
    size_t nddl);

/* Decode a COMMIT payload. */
int rdb_commit_decode(const uint8_t *p, size_t len, struct rdb_commit_rec *c,
    struct rdb_commit_table **tables, char **strs);

#endif
