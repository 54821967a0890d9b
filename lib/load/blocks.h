/*
 * blocks.h - an ordered pool: one thread fills blocks of input, worker
 * threads work on them side by side, and the filling thread takes the
 * results back in the order it handed the blocks out.
 *
 * The pool has a fixed ring of slots, so at most that many blocks (and
 * their results) exist at once: memory stays bounded however far the
 * workers run ahead. Every call but the work function is made by the
 * one thread that made the pool.
 */
#ifndef RDB_LOAD_BLOCKS_H
#define RDB_LOAD_BLOCKS_H

#include "util/util.h"

struct rdb_block {
	size_t slot;            /* 0 .. nslots-1, fixed for the block */
	char *buf;              /* input bytes, owned by the pool */
	size_t cap, len;
	uint64_t line;          /* of its first record */
	uint64_t end_offset;    /* input offset just past it */
};

struct rdb_blocks;

/* The work on one block, in a worker thread numbered worker. */
typedef void (*rdb_block_fn)(struct rdb_block *b, int worker, void *arg);

/* Start nworkers threads over nslots slots whose buffers hold cap
 * bytes. RDB_ENOMEM, or RDB_ERROR when no thread could be started. */
int rdb_blocks_new(int nworkers, size_t nslots, size_t cap, rdb_block_fn fn,
    void *arg, struct rdb_blocks **bp);
/* Stop the workers (after the blocks they are working on) and free the
 * pool and its buffers. Accepts NULL. */
void rdb_blocks_free(struct rdb_blocks *bp);

/* The slot to fill next, or NULL while it still holds a result not
 * taken back. */
struct rdb_block *rdb_blocks_slot(struct rdb_blocks *bp);
/* Hand the block from rdb_blocks_slot to the workers. */
void rdb_blocks_submit(struct rdb_blocks *bp, struct rdb_block *b);
/* The oldest block handed out, once it is worked on: NULL when none is
 * out; with wait 0, also NULL while it is still being worked on. */
struct rdb_block *rdb_blocks_take(struct rdb_blocks *bp, int wait);
/* Done with a block from rdb_blocks_take: its slot may be filled. */
void rdb_blocks_release(struct rdb_blocks *bp, struct rdb_block *b);
/* Grow a block's buffer to hold at least cap bytes. */
int rdb_blocks_reserve(struct rdb_block *b, size_t cap);

#endif
