/*
 * wal.h - the write-ahead log (format/wal.md).
 */
#ifndef RDB_WAL_H
#define RDB_WAL_H

#include <sys/types.h>

#include "util/util.h"

enum { WAL_DDL = 1, WAL_INSERT = 2, WAL_DELETE = 3, WAL_COMMIT = 4,
	WAL_ATTACH = 5 };

#define RDB_WAL_HDR 64
#define RDB_WAL_REC_HDR 24
#define RDB_WAL_MAX_REC ((size_t)1 << 30)
#define RDB_WAL_ROTATE ((off_t)64 << 20)

/* Where the committed log ends: the next record goes to file seq at
 * offset off with LSN lsn, chained on chain. */
struct rdb_wal_pos {
	uint64_t seq;
	off_t off;              /* 0: the file does not exist yet */
	uint64_t lsn;
	uint64_t chain;
};

/* Called for each record of a committed transaction, in order, the
 * COMMIT record last. A non-zero return stops the replay with it. */
typedef int (*rdb_wal_fn)(void *arg, int type, const uint8_t *payload,
    size_t len, const char *file, off_t off);

/*
 * Apply every committed transaction after *pos, advancing *pos past the
 * last one. A torn tail ends the replay quietly [F-WAL-003]; *tail (if
 * not NULL) is set when bytes after the last commit were ignored.
 * Damage that more of the log follows, or a missing file, is
 * RDB_ECORRUPT naming the file and offset [F-WAL-012] [F-WAL-014]; the
 * transactions before it were applied.
 */
int rdb_wal_replay(const char *dir, const uint8_t uuid[16],
    struct rdb_wal_pos *pos, rdb_wal_fn fn, void *arg, int *tail,
    struct rdb_err *e);

/* The writer's end of the log. */
struct rdb_wal {
	char *dir;
	uint8_t uuid[16];
	int fd;
	struct rdb_wal_pos committed;   /* after the last COMMIT */
	struct rdb_wal_pos cur;         /* after the last record written */
	int sync;                       /* enum rdb_sync */
	int dirty;                      /* written but not fsynced */
};

/* Open for appending at pos (the end of a log replayed without damage),
 * truncating the torn tail after it and removing an unfinished next
 * file [F-WAL-006]. */
int rdb_wal_open(struct rdb_wal *w, const char *dir, const uint8_t uuid[16],
    const struct rdb_wal_pos *pos, int sync, struct rdb_err *e);
void rdb_wal_close(struct rdb_wal *w);
/* Append one record (not durable until a COMMIT). */
int rdb_wal_append(struct rdb_wal *w, int type, const void *payload,
    size_t len, struct rdb_err *e);
/* Append the COMMIT record and make it durable per the sync mode. */
int rdb_wal_commit(struct rdb_wal *w, const void *payload, size_t len,
    struct rdb_err *e);
/* Drop records written since the last commit. */
int rdb_wal_rollback(struct rdb_wal *w, struct rdb_err *e);
/* Start the next file (at a transaction boundary). */
int rdb_wal_rotate(struct rdb_wal *w, struct rdb_err *e);
/* fsync what was written (sync normal: at checkpoint and close). */
int rdb_wal_sync(struct rdb_wal *w, struct rdb_err *e);

/* Begin file seq of the log of dir: its header, continuing the log at
 * lsn after chain, synced with its directory; nothing when the file has
 * its header already [F-WAL-015]. */
int rdb_wal_start(const char *dir, const uint8_t uuid[16], uint64_t seq,
    uint64_t lsn, uint64_t chain, struct rdb_err *e);

/* "dir/wal/0000000000000001.wal" */
char *rdb_wal_path(const char *dir, uint64_t seq);

#endif
