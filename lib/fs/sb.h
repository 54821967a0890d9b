/*
 * sb.h - the superblock `RDB` (format/superblock.md).
 */
#ifndef RDB_FS_SB_H
#define RDB_FS_SB_H

#include "util/util.h"

#define RDB_SB_FILE "RDB"
#define RDB_SB_SIZE 256       /* sb_size written by version 0 */
#define RDB_SB_MAX 65536      /* largest sb_size a reader accepts */

struct rdb_sb {
	uint32_t size;
	uint32_t read_version;
	uint32_t write_version;
	uint32_t flags;
	uint8_t uuid[16];
	int64_t created_us;
	struct rdb_settings settings;
};

/* Check settings against the ranges of [F-SB-006]. */
int rdb_settings_check(const struct rdb_settings *s, struct rdb_err *e);

/* Encode sb as version 0 into out, checksum included. */
void rdb_sb_encode(const struct rdb_sb *sb, uint8_t out[RDB_SB_SIZE]);

/*
 * Decode the n bytes of buf, read from the file named name (used in
 * messages). Returns RDB_OK, RDB_ECORRUPT or RDB_EVERSION (read version
 * too new). A write version newer than RDB_FORMAT_VERSION decodes fine;
 * the caller opens read-only.
 */
int rdb_sb_decode(const uint8_t *buf, size_t n, const char *name,
    struct rdb_sb *sb, struct rdb_err *e);

/* Read and decode dir/RDB. RDB_ENOENT when the file does not exist. */
int rdb_sb_read(const char *dir, struct rdb_sb *sb, struct rdb_err *e);

/* Write a new superblock file at path (O_EXCL, 0600) and fsync it. */
int rdb_sb_write_new(const char *path, const struct rdb_sb *sb,
    struct rdb_err *e);

#endif
