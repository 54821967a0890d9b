/*
 * txn_int.h - what the transaction layer shares inside librdb.
 */
#ifndef RDB_TXN_INT_H
#define RDB_TXN_INT_H

#include "txn/store.h"

struct rdb_db;

/* Bytes of WAL written since the last checkpoint. */
uint64_t rdb_store_wal_bytes(const struct rdb_store *s);
/* Checkpoint with the writer lock already held by db. */
int rdb_checkpoint_locked(struct rdb_db *db);
/* The catalog a transaction reads. */
struct rdb_cat *rdb_txn_cat(struct rdb_txn *t);
struct rdb_db *rdb_txn_db(struct rdb_txn *t);

#endif
