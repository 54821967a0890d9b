/*
 * txn_int.h - what the transaction layer shares inside librdb.
 */
#ifndef RDB_TXN_INT_H
#define RDB_TXN_INT_H

#include "txn/store.h"

struct rdb_db;

/* Bytes of WAL written since the last checkpoint. */
uint64_t rdb_store_wal_bytes(const struct rdb_store *s);
/*
 * Of the manifests of dir newer than seq (CURRENT's, 0 when there is
 * none), the one holding the highest commit: *nseq and *commit, 0 when
 * none does. One that does not read whole is skipped. [F-MAN-032]
 */
int rdb_manifest_newest(const char *dir, uint64_t seq, uint64_t *nseq,
    uint64_t *commit, struct rdb_err *e);
/* Checkpoint with the writer lock already held by db. */
int rdb_checkpoint_locked(struct rdb_db *db);
int rdb_manifest_switch(struct rdb_db *db, uint64_t seq,
    const struct rdb_segref *newseg, const struct rdb_delref *newdel,
    const int *replace, const char *logfile, uint64_t first_commit,
    uint64_t horizon, uint64_t wal_seq);

int rdb_delfile_write(struct rdb_store *s, struct rdb_tdata *td, uint64_t seq,
    uint64_t above, struct rdb_delref *out, struct rdb_err *e);
int rdb_log_each(struct rdb_db *db,
    int (*fn)(const struct rdb_commit_rec *, void *), void *arg);
/* The commits of the i-th commit log file the manifest names. */
int rdb_log_file_each(struct rdb_db *db, size_t i,
    int (*fn)(const struct rdb_commit_rec *, void *), void *arg);

int rdb_segment_from_mem(struct rdb_db *db, struct rdb_tdata *td,
    size_t from, size_t to, const char *name, struct rdb_segref *out,
    struct rdb_err *e);

/* rdb_insert for rows whose values were checked already (rdb_load). */
int rdb_insert_checked(struct rdb_txn *t, const char *table,
    const struct rdb_batch *b);
/* The same for a batch from rdb_batch_new, whose arrays the table takes
 * over instead of copying: b is left empty, ready to be filled again
 * (also on failure). */
int rdb_insert_take(struct rdb_txn *t, const char *table,
    struct rdb_batch *b);

/* Wait for a segment being written in the background (bulk loads). */
int rdb_txn_settle(struct rdb_txn *t);

/* Flush a table's unlogged rows to a segment past this many bytes. */
void rdb_txn_set_bulk_bytes(struct rdb_txn *t, uint64_t bytes);
/* Before a bulk load commits: unlogged rows of at least min bytes in a
 * table go to a segment too, not through the WAL (which a checkpoint
 * would then copy into a segment anyway). */
int rdb_txn_flush_bulk(struct rdb_txn *t, uint64_t min);

/* Files of our naming the current manifest does not name. */
void rdb_store_orphans(const struct rdb_store *s, int old_manifests,
    void (*fn)(const char *rel, void *), void *arg);

/* RDB_OK when t may read the rows of table id (called name in
 * messages); RDB_EHISTORY when it was purged [F-MAN-061] or t's
 * snapshot is before the table's horizon [F-MAN-064]. */
int rdb_txn_table_readable(struct rdb_txn *t, uint32_t id, const char *name);

/* The commit of the last DROP TABLE of table id in s's catalog
 * history, or 0. */
uint64_t rdb_store_drop_commit(const struct rdb_store *s, uint32_t id);

/* The catalog a transaction reads. */
struct rdb_cat *rdb_txn_cat(struct rdb_txn *t);
struct rdb_db *rdb_txn_db(struct rdb_txn *t);

/* Check the UNIQUE index called name as t sees its table: RDB_OK or
 * RDB_ECONSTRAINT naming the key value two rows hold [F-MAN-019]. */
int rdb_index_check_unique(struct rdb_txn *t, const char *name);

/* index.c: the index files of segments (format/index.md). */
struct rdb_idx;
struct rdb_idx_def;
struct rdb_store;
/* The file of index index_id for segment segfile, relative to the
 * database, in *rel (malloc'd) [F-IDX-001]; RDB_EINVAL when segfile is
 * no segment name. */
int rdb_index_file(const char *segfile, uint32_t index_id, char **rel);
/* The definition of catalog index x for idx.c (pointing into x). */
void rdb_index_def(const struct rdb_idx *x, struct rdb_idx_def *d);
/* Make the files of segment segfile (of bytes bytes) of table_id for
 * its indexes (index_id 0) or one [F-IDX-002]: those not there yet, or
 * with force all of them. Force is for a segment just written, and a
 * new index: a file already there under its name can only be garbage
 * (of a checkpoint that did not finish, whose segment of the same name
 * held other rows, or of an index rolled back, whose id is given
 * again). */
int rdb_index_segment(struct rdb_store *s, uint32_t table_id,
    uint32_t index_id, const char *segfile, uint64_t bytes, int force,
    struct rdb_err *e);
/* The same for every segment of the table. */
int rdb_index_table(struct rdb_store *s, uint32_t table_id,
    uint32_t index_id, int force, struct rdb_err *e);
/* The positions of the rows of segment sr that probe selects, sorted,
 * each once (*pos malloc'd); RDB_ENOENT (no message) when the segment
 * has no file of the index: read it whole [F-IDX-008]. */
struct rdb_segref;
int rdb_index_select(const char *dbdir, const struct rdb_segref *sr,
    const struct rdb_index_probe *p, uint32_t **pos, size_t *n,
    struct rdb_err *e);

#endif
