/*
 * codec.h - chunk compression: none, lz4, zstd (format/segment.md).
 */
#ifndef RDB_SEG_CODEC_H
#define RDB_SEG_CODEC_H

#include "util/util.h"

/* Compression state kept between chunks: a zstd context costs a few
 * hundred kilobytes of freshly zeroed memory to set up, more than
 * compressing a small chunk. Zeroed to start; one user at a time. */
struct rdb_codec_ctx {
	void *zstd;             /* ZSTD_CCtx, made on first use */
};
void rdb_codec_ctx_release(struct rdb_codec_ctx *cx);

/* Compress in[0..n) with codec at level into out (replacing its
 * contents), reusing cx (NULL: none). *used is the codec actually
 * used: none when compression does not save a quarter of the bytes
 * [F-SEG-006]. */
int rdb_codec_compress(struct rdb_codec_ctx *cx, int codec, int level,
    const uint8_t *in, size_t n, struct rdb_buf *out, int *used);
/* Could these stored bytes decompress to raw bytes? Cheap, and checked
 * before allocating raw: none must match exactly, lz4 expands at most
 * 255 times, a zstd frame declares its size. */
int rdb_codec_raw_ok(int codec, const uint8_t *in, size_t n, size_t raw);
/* Decompress exactly raw bytes; RDB_ECORRUPT when the data does not
 * decompress to exactly that, RDB_ENOMEM when no zstd context could be
 * made. */
int rdb_codec_decompress(int codec, const uint8_t *in, size_t n,
    uint8_t *out, size_t raw);
/* Free the calling thread's decompression context (rdb_seg_scratch_release
 * calls it). */
void rdb_codec_scratch_release(void);

#endif
