/*
 * codec.c - compression of chunks through liblz4 and libzstd.
 */
#include <lz4.h>
#include <zstd.h>

#include "seg/codec.h"

/* A zstd decompression context for each thread, made on first use:
 * ZSTD_decompress would make and free one for every chunk. */
static _Thread_local ZSTD_DCtx *t_dctx;

void rdb_codec_scratch_release(void)
{
	ZSTD_freeDCtx(t_dctx);
	t_dctx = NULL;
}

void rdb_codec_ctx_release(struct rdb_codec_ctx *cx)
{
	if (cx == NULL)
		return;
	ZSTD_freeCCtx(cx->zstd);
	cx->zstd = NULL;
}

int rdb_codec_compress(struct rdb_codec_ctx *cx, int codec, int level,
    const uint8_t *in, size_t n, struct rdb_buf *out, int *used)
{
	size_t bound, got = 0;

	out->len = 0;
	*used = RDB_CODEC_NONE;
	if (codec == RDB_CODEC_LZ4 && n <= LZ4_MAX_INPUT_SIZE) {
		bound = (size_t)LZ4_compressBound((int)n);
		if (rdb_buf_reserve(out, bound) != RDB_OK)
			return RDB_ENOMEM;
		got = (size_t)LZ4_compress_default((const char *)in,
		    (char *)out->p, (int)n, (int)bound);
	} else if (codec == RDB_CODEC_ZSTD) {
		bound = ZSTD_compressBound(n);
		if (rdb_buf_reserve(out, bound) != RDB_OK)
			return RDB_ENOMEM;
		if (cx != NULL && cx->zstd == NULL)
			cx->zstd = ZSTD_createCCtx();
		if (cx != NULL && cx->zstd != NULL)
			got = ZSTD_compressCCtx(cx->zstd, out->p, bound, in, n, level);
		else
			got = ZSTD_compress(out->p, bound, in, n, level);
		if (ZSTD_isError(got))
			got = 0;
	}
	/* kept when it saves a quarter of the bytes: decompressing costs
	 * more than reading the rest (TPC-H's l_discount, 4-bit FOR codes
	 * zstd shrinks by 13%: 2 ms more of Q6's 25 at SF 1) */
	if (got > 0 && got <= n - n / 4) {
		out->len = got;
		*used = codec;
		return RDB_OK;
	}
	return rdb_buf_append(out, in, n);
}

int rdb_codec_decompress(int codec, const uint8_t *in, size_t n,
    uint8_t *out, size_t raw)
{
	switch (codec) {
	case RDB_CODEC_NONE:
		if (n != raw)
			return RDB_ECORRUPT;
		memcpy(out, in, n);
		return RDB_OK;
	case RDB_CODEC_LZ4: {
		int got;
		if (n > LZ4_MAX_INPUT_SIZE || raw > (size_t)INT32_MAX)
			return RDB_ECORRUPT;
		got = LZ4_decompress_safe((const char *)in, (char *)out, (int)n,
		    (int)raw);
		return got >= 0 && (size_t)got == raw ? RDB_OK : RDB_ECORRUPT;
	}
	case RDB_CODEC_ZSTD: {
		size_t got;
		if (t_dctx == NULL && (t_dctx = ZSTD_createDCtx()) == NULL)
			return RDB_ENOMEM;
		got = ZSTD_decompressDCtx(t_dctx, out, raw, in, n);
		return !ZSTD_isError(got) && got == raw ? RDB_OK : RDB_ECORRUPT;
	}
	}
	return RDB_ECORRUPT;
}

int rdb_codec_raw_ok(int codec, const uint8_t *in, size_t n, size_t raw)
{
	switch (codec) {
	case RDB_CODEC_NONE:
		return raw == n;
	case RDB_CODEC_LZ4:
		return raw / 255 <= n;
	case RDB_CODEC_ZSTD: {
		unsigned long long sz = ZSTD_getFrameContentSize(in, n);
		return sz != ZSTD_CONTENTSIZE_ERROR &&
		    sz != ZSTD_CONTENTSIZE_UNKNOWN && sz == raw;
	}
	}
	return 0;
}
