/*
 * blocks.c - the ordered pool of blocks.h.
 *
 * Slots are used round the ring in the order blocks are handed out;
 * three counters say how far each party got: filled (handed out),
 * started (taken by a worker) and taken (back to the filling thread).
 * taken <= started <= filled <= taken + nslots always holds, so the
 * workers start blocks in order and results come back in order.
 */
#include <pthread.h>
#include <stdlib.h>

#include "load/blocks.h"

enum { SLOT_FREE, SLOT_QUEUED, SLOT_BUSY, SLOT_DONE, SLOT_TAKEN };

struct rdb_blocks {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	rdb_block_fn fn;
	void *arg;
	size_t nslots;
	struct rdb_block *blocks;
	int *state;
	uint64_t filled, started, taken;
	int stop;
	int nthreads;
	pthread_t *threads;
	struct worker { struct rdb_blocks *bp; int id; } *w;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	struct rdb_blocks *bp = w->bp;

	pthread_mutex_lock(&bp->mu);
	for (;;) {
		struct rdb_block *b;
		size_t s;
		while (!bp->stop && bp->started == bp->filled)
			pthread_cond_wait(&bp->work, &bp->mu);
		if (bp->stop)
			break;
		s = (size_t)(bp->started++ % bp->nslots);
		bp->state[s] = SLOT_BUSY;
		b = &bp->blocks[s];
		pthread_mutex_unlock(&bp->mu);
		bp->fn(b, w->id, bp->arg);
		pthread_mutex_lock(&bp->mu);
		bp->state[s] = SLOT_DONE;
		pthread_cond_broadcast(&bp->done);
	}
	pthread_mutex_unlock(&bp->mu);
	return NULL;
}

void rdb_blocks_free(struct rdb_blocks *bp)
{
	size_t i;
	int t;

	if (bp == NULL)
		return;
	if (bp->threads != NULL) {
		pthread_mutex_lock(&bp->mu);
		bp->stop = 1;
		pthread_cond_broadcast(&bp->work);
		pthread_mutex_unlock(&bp->mu);
		for (t = 0; t < bp->nthreads; t++)
			pthread_join(bp->threads[t], NULL);
		pthread_mutex_destroy(&bp->mu);
		pthread_cond_destroy(&bp->work);
		pthread_cond_destroy(&bp->done);
	}
	for (i = 0; bp->blocks != NULL && i < bp->nslots; i++)
		free(bp->blocks[i].buf);
	free(bp->blocks);
	free(bp->state);
	free(bp->threads);
	free(bp->w);
	free(bp);
}

int rdb_blocks_new(int nworkers, size_t nslots, size_t cap, rdb_block_fn fn,
    void *arg, struct rdb_blocks **bpp)
{
	struct rdb_blocks *bp = calloc(1, sizeof *bp);
	size_t i;
	int t;

	*bpp = NULL;
	if (bp == NULL)
		return RDB_ENOMEM;
	bp->fn = fn;
	bp->arg = arg;
	bp->nslots = nslots;
	bp->blocks = calloc(nslots, sizeof *bp->blocks);
	bp->state = calloc(nslots, sizeof *bp->state);
	bp->threads = calloc((size_t)nworkers, sizeof *bp->threads);
	bp->w = calloc((size_t)nworkers, sizeof *bp->w);
	if (bp->blocks == NULL || bp->state == NULL || bp->threads == NULL ||
	    bp->w == NULL) {
		free(bp->threads);
		bp->threads = NULL;
		rdb_blocks_free(bp);
		return RDB_ENOMEM;
	}
	for (i = 0; i < nslots; i++) {
		bp->blocks[i].slot = i;
		bp->blocks[i].buf = malloc(cap);
		if (bp->blocks[i].buf == NULL) {
			free(bp->threads);
			bp->threads = NULL;
			rdb_blocks_free(bp);
			return RDB_ENOMEM;
		}
		bp->blocks[i].cap = cap;
	}
	pthread_mutex_init(&bp->mu, NULL);
	pthread_cond_init(&bp->work, NULL);
	pthread_cond_init(&bp->done, NULL);
	for (t = 0; t < nworkers; t++) {
		bp->w[t].bp = bp;
		bp->w[t].id = t;
		if (pthread_create(&bp->threads[t], NULL, worker, &bp->w[t]) != 0)
			break;
		bp->nthreads++;
	}
	if (bp->nthreads == 0) {
		rdb_blocks_free(bp);
		return RDB_ERROR;
	}
	*bpp = bp;
	return RDB_OK;
}

struct rdb_block *rdb_blocks_slot(struct rdb_blocks *bp)
{
	size_t s = (size_t)(bp->filled % bp->nslots);
	int st;

	pthread_mutex_lock(&bp->mu);
	st = bp->state[s];
	pthread_mutex_unlock(&bp->mu);
	return st == SLOT_FREE ? &bp->blocks[s] : NULL;
}

void rdb_blocks_submit(struct rdb_blocks *bp, struct rdb_block *b)
{
	pthread_mutex_lock(&bp->mu);
	bp->state[b->slot] = SLOT_QUEUED;
	bp->filled++;
	pthread_cond_signal(&bp->work);
	pthread_mutex_unlock(&bp->mu);
}

struct rdb_block *rdb_blocks_take(struct rdb_blocks *bp, int wait)
{
	struct rdb_block *b = NULL;
	size_t s;

	pthread_mutex_lock(&bp->mu);
	if (bp->taken < bp->filled) {
		s = (size_t)(bp->taken % bp->nslots);
		while (wait && bp->state[s] != SLOT_DONE)
			pthread_cond_wait(&bp->done, &bp->mu);
		if (bp->state[s] == SLOT_DONE) {
			bp->state[s] = SLOT_TAKEN;
			bp->taken++;
			b = &bp->blocks[s];
		}
	}
	pthread_mutex_unlock(&bp->mu);
	return b;
}

void rdb_blocks_release(struct rdb_blocks *bp, struct rdb_block *b)
{
	pthread_mutex_lock(&bp->mu);
	bp->state[b->slot] = SLOT_FREE;
	pthread_mutex_unlock(&bp->mu);
}

int rdb_blocks_reserve(struct rdb_block *b, size_t cap)
{
	char *p;

	if (cap <= b->cap)
		return RDB_OK;
	p = realloc(b->buf, cap);
	if (p == NULL)
		return RDB_ENOMEM;
	b->buf = p;
	b->cap = cap;
	return RDB_OK;
}
