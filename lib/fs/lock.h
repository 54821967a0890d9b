/*
 * lock.h - the LOCK file and its byte-range lock protocol
 * (format/lock.md).
 */
#ifndef RDB_FS_LOCK_H
#define RDB_FS_LOCK_H

#include "util/util.h"

#define RDB_LOCK_FILE "LOCK"
#define RDB_LOCK_RECSIZE 64
#define RDB_LOCK_READERS 125
#define RDB_LOCK_FILESIZE (RDB_LOCK_RECSIZE * (3 + RDB_LOCK_READERS))
#define RDB_LOCK_TIMEOUT_MS 5000

/* One open LOCK file and the ranges held through it. */
struct rdb_lock {
	int fd;                 /* -1 when closed */
	int writable;           /* opened read-write: may take locks */
	const char *dbname;     /* database path for messages; not owned */
	char program[33];
	int has_writer;
	int has_checkpoint;
	int slot;               /* reader slot held, or -1 */
};

/* Create a fresh LOCK file at path (O_EXCL, 0600), fsynced. */
int rdb_lock_file_create(const char *path, struct rdb_err *e);

/* Open and validate [F-LCK-010] the LOCK file of database dir. The
 * dbname pointer must outlive l. Falls back to read-only access
 * [F-LCK-009] when the file cannot be opened for writing. */
int rdb_lock_open(struct rdb_lock *l, const char *dir, const char *program,
    struct rdb_err *e);
void rdb_lock_close(struct rdb_lock *l);

/* Take the writer or checkpoint range, waiting up to timeout_ms
 * [F-LCK-007]; RDB_EBUSY names the holder on timeout. */
int rdb_lock_writer(struct rdb_lock *l, int timeout_ms, struct rdb_err *e);
void rdb_unlock_writer(struct rdb_lock *l);
int rdb_lock_checkpoint(struct rdb_lock *l, int timeout_ms,
    struct rdb_err *e);
void rdb_unlock_checkpoint(struct rdb_lock *l);

/* Pin snapshot in a free reader slot [F-LCK-004]; RDB_EBUSY when all
 * slots are taken. rdb_lock_pin on a held slot updates its snapshot. */
int rdb_lock_pin(struct rdb_lock *l, uint64_t snapshot, struct rdb_err *e);
void rdb_lock_unpin(struct rdb_lock *l);

/* Wait up to timeout_ms until no live reader pins a snapshot below
 * `below` (UINT64_MAX waits for every reader to go) [F-LCK-003]. */
int rdb_lock_wait_readers(struct rdb_lock *l, uint64_t below, int timeout_ms,
    struct rdb_err *e);

/* List live holders other than l itself, as rdb_lock_holders(). */
int rdb_lock_list(struct rdb_lock *l, struct rdb_lock_holder *out,
    size_t max, size_t *n, struct rdb_err *e);

#endif
