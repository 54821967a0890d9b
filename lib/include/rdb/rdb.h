/*
 * rdb.h - the public interface of librdb.
 *
 * A database is a directory (see format/directory.md). librdb owns every
 * byte of it; programs reach it only through the functions declared here.
 *
 * Conventions, stated once for the whole API:
 *  - Functions return RDB_OK (0) or a negative RDB_E* code. The library
 *    never prints, exits or aborts; the detail of the last error of a
 *    handle is in rdb_errmsg(db) until the next call on that handle.
 *  - Every *_close and *_free accepts NULL.
 *  - Strings passed in are copied when the library keeps them; strings
 *    returned are owned by the library and live as long as stated at the
 *    function.
 *  - A handle is used by one thread at a time.
 */
#ifndef RDB_RDB_H
#define RDB_RDB_H

#include <stddef.h>
#include <stdint.h>

#if defined(RDB_BUILDING_LIBRARY)
#define RDB_API __attribute__((visibility("default")))
#else
#define RDB_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define RDB_VERSION_STRING "0.1.0"
/* The on-disk format version this library reads and writes. */
#define RDB_FORMAT_VERSION 0

/* Result codes. */
#define RDB_OK 0
#define RDB_ERROR -1      /* generic failure; see rdb_errmsg */
#define RDB_ENOMEM -2     /* out of memory */
#define RDB_EIO -3        /* an operating-system I/O call failed */
#define RDB_ECORRUPT -4   /* a file of the database is damaged */
#define RDB_EBUSY -5      /* a lock could not be had in time */
#define RDB_EMISUSE -6    /* the API was called wrongly */
#define RDB_ENOTDB -7     /* the path is not an rdb database */
#define RDB_EVERSION -8   /* written by a newer, unreadable format */
#define RDB_EREADONLY -9  /* the database is open read-only */
#define RDB_EEXIST -10    /* the path already exists */
#define RDB_ENOENT -11    /* a file or directory does not exist */
#define RDB_ENETFS -12    /* the database is on a network filesystem */
#define RDB_EINVAL -13    /* an argument or setting is out of range */

/* The message for a code, a static string: "damaged file". */
RDB_API const char *rdb_strerror(int code);

/* "0.1.0" */
RDB_API const char *rdb_version(void);

/*
 * The versions of the libraries librdb is linked with, as one line:
 * "zstd 1.5.4, lz4 1.9.4, ...". Static storage.
 */
RDB_API const char *rdb_library_versions(void);

/* Compression codecs (format/superblock.md, sb_codec). */
enum rdb_codec { RDB_CODEC_NONE = 0, RDB_CODEC_LZ4 = 1, RDB_CODEC_ZSTD = 2 };

/* Durability of commits (sb_sync). */
enum rdb_sync { RDB_SYNC_OFF = 0, RDB_SYNC_NORMAL = 1, RDB_SYNC_FULL = 2 };

/*
 * Database-wide settings fixed in the superblock. rdb_settings_init()
 * fills the defaults of format/superblock.md; change fields after it.
 */
struct rdb_settings {
	uint32_t page_size;         /* bytes, power of two, 4096..65536 */
	enum rdb_codec codec;
	int codec_level;            /* zstd -7..22; 0 for lz4 and none */
	enum rdb_sync sync;
	uint64_t retention;         /* seconds of history kept; 0 = none */
	uint64_t checkpoint_bytes;  /* WAL size that triggers a checkpoint */
	uint32_t row_group_rows;    /* 1024..1048576 */
};
RDB_API void rdb_settings_init(struct rdb_settings *s);

/* Flags for struct rdb_open_options.flags. */
#define RDB_OPEN_READONLY 0x1   /* never change the database */
#define RDB_OPEN_FORCE 0x2      /* allow a network filesystem */

struct rdb_open_options {
	unsigned flags;
	int lock_timeout_ms;        /* bounded wait for locks; < 0 = 5000 */
	const char *program;        /* recorded in lock holder records */
};

struct rdb_db;

/*
 * Open the database at path. On success *dbp is a handle. On failure the
 * code is returned and *dbp is still set, to a handle that carries only
 * the error message (rdb_errmsg), or to NULL when memory ran out; close
 * it with rdb_close either way. opt may be NULL for defaults.
 */
RDB_API int rdb_open(const char *path, const struct rdb_open_options *opt,
    struct rdb_db **dbp);

/*
 * Create a new database at path atomically [F-DIR-004] with settings s
 * (NULL for defaults) and open it, with the same *dbp contract as
 * rdb_open. Refuses a path that exists and is not an empty directory.
 */
RDB_API int rdb_create(const char *path, const struct rdb_settings *s,
    const struct rdb_open_options *opt, struct rdb_db **dbp);

RDB_API void rdb_close(struct rdb_db *db);

/* The message of the last error on db; never NULL; valid until the next
 * call on db. rdb_errmsg(NULL) describes running out of memory. */
RDB_API const char *rdb_errmsg(const struct rdb_db *db);

/* The code of the last error on db (RDB_OK when the last call worked). */
RDB_API int rdb_errcode(const struct rdb_db *db);

/* The path the database was opened with; lives as long as db. */
RDB_API const char *rdb_path(const struct rdb_db *db);

/* Non-zero when the database is open read-only (asked for, or forced by
 * a newer write version [F-SB-011]). */
RDB_API int rdb_readonly(const struct rdb_db *db);

/* What the superblock says. */
struct rdb_info {
	uint32_t read_version;
	uint32_t write_version;
	uint8_t uuid[16];
	int64_t created_us;         /* µs since the epoch, UTC */
	struct rdb_settings settings;
	int writable;               /* this library could change it: its
	                               write version is known and LOCK is
	                               writable (whatever db was opened as) */
};
RDB_API int rdb_info(struct rdb_db *db, struct rdb_info *out);

/* Format a uuid as 36 characters plus NUL into buf. */
RDB_API void rdb_uuid_format(const uint8_t uuid[16], char buf[37]);

/* Bytes on disk per component of the directory. */
enum rdb_component {
	RDB_COMP_META,      /* RDB, LOCK and anything at the top level */
	RDB_COMP_WAL,
	RDB_COMP_MANIFEST,
	RDB_COMP_TABLES,
	RDB_COMP_INDEXES,
	RDB_COMP_MODELS,
	RDB_COMP_AUDIT,
	RDB_COMP_COUNT
};
/* "meta", "wal", ... static storage. */
RDB_API const char *rdb_component_name(enum rdb_component c);
/* Fills bytes[RDB_COMP_COUNT] with allocated bytes (st_blocks * 512) and
 * files[] with the number of regular files, when files is not NULL. */
RDB_API int rdb_disk_usage(struct rdb_db *db, uint64_t bytes[RDB_COMP_COUNT],
    uint64_t files[RDB_COMP_COUNT]);

/* Lock holders (format/lock.md). */
enum rdb_lock_kind { RDB_LOCK_WRITER, RDB_LOCK_CHECKPOINT, RDB_LOCK_READER };
struct rdb_lock_holder {
	enum rdb_lock_kind kind;
	int slot;                   /* reader slot, or -1 */
	uint32_t pid;               /* 0 when the record was unreadable */
	uint32_t uid;
	int64_t since_us;
	uint64_t snapshot;          /* readers: the pinned commit id */
	char program[33];
};
/* "writer", "checkpoint", "reader" */
RDB_API const char *rdb_lock_kind_name(enum rdb_lock_kind k);

/*
 * Fill out[0..max) with the live holders of db's locks, not counting
 * locks held through db itself; *n receives the number found (which may
 * exceed max: then only max were stored).
 */
RDB_API int rdb_lock_holders(struct rdb_db *db, struct rdb_lock_holder *out,
    size_t max, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
