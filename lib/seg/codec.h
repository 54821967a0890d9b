/*
 * codec.h - chunk compression: none, lz4, zstd (format/segment.md).
 */
#ifndef RDB_SEG_CODEC_H
#define RDB_SEG_CODEC_H

#include "util/util.h"

/* Compress in[0..n) with codec at level into out (replacing its
 * contents). *used is the codec actually used: none when compression
 * does not make the data smaller [F-SEG-006]. */
int rdb_codec_compress(int codec, int level, const uint8_t *in, size_t n,
    struct rdb_buf *out, int *used);
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
