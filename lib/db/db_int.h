/*
 * db_int.h - the database handle, private to librdb.
 */
#ifndef RDB_DB_INT_H
#define RDB_DB_INT_H

#include "fs/lock.h"
#include "fs/sb.h"
#include "txn/store.h"
#include "util/util.h"

struct rdb_db {
	char *path;
	unsigned flags;             /* RDB_OPEN_* as asked */
	int readonly;               /* asked for, or forced [F-SB-011] */
	int writable;               /* could be written, if asked */
	int lock_timeout_ms;
	int open;                   /* fully opened (else only an error) */
	struct rdb_sb sb;
	struct rdb_lock lock;
	struct rdb_err err;
	struct rdb_store store;     /* what this handle knows; see store.h */
	struct rdb_txn *txn;        /* the open transaction, if any */
	char program[33];
};

#endif
