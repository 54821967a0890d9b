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
#define RDB_EHISTORY -14  /* a point in time outside retained history */
#define RDB_EINTR -15     /* interrupted (rdb_sql_interrupt) */
#define RDB_ESQL -16      /* an SQL statement is wrong: syntax, names,
                             types, or a value error while running */
#define RDB_ECONSTRAINT -17       /* rows break a PRIMARY KEY or UNIQUE
                                     constraint */

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

/*
 * Open another handle on the database db has open, with db's path,
 * program, lock timeout and open flags, plus flags (RDB_OPEN_READONLY).
 * A handle has one transaction at a time: a second handle reads at a
 * second snapshot. Same *dbp contract as rdb_open.
 */
RDB_API int rdb_open_again(struct rdb_db *db, unsigned flags,
    struct rdb_db **dbp);

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

/* ------------------------------------------------------------------ */
/* Types, batches, transactions, scans (format/manifest.md §Types).   */

enum rdb_type {
	RDB_BOOLEAN = 1, RDB_INTEGER = 2, RDB_BIGINT = 3, RDB_DOUBLE = 4,
	RDB_DECIMAL = 5, RDB_TEXT = 6, RDB_DATE = 7, RDB_TIMESTAMP = 8,
	RDB_JSON = 9, RDB_BLOB = 10
};
/* "BOOLEAN", ...; "?" for an unknown code. Static storage. */
RDB_API const char *rdb_type_name(enum rdb_type t);
/* Bytes per value in memory: 1, 4, 8 or 16; 0 for TEXT, JSON, BLOB. */
RDB_API size_t rdb_type_width(enum rdb_type t);

/*
 * A column of values in memory. Fixed-width values are in values:
 * BOOLEAN uint8_t (0/1), INTEGER and DATE int32_t, BIGINT and TIMESTAMP
 * int64_t, DOUBLE double, DECIMAL two uint64_t (low, high) per value
 * holding a signed 128-bit unscaled integer. TEXT, JSON and BLOB keep
 * value i in ((uint8_t *)values)[offsets[i] .. offsets[i+1]).
 * validity is a bitmap, bit i set when value i is not NULL; NULL when
 * no value is NULL.
 */
struct rdb_vec {
	enum rdb_type type;
	uint8_t precision, scale;
	/* From a slice of a scan (rdb_batch.wide), DECIMAL: every value v,
	 * NULL or not, has |v| < 2^bits; 0 when not known */
	uint8_t bits;
	uint8_t *validity;
	void *values;
	uint32_t *offsets;
};

/* Rows as columns. rowids is set by scans, NULL otherwise. */
struct rdb_batch {
	size_t nrows;
	size_t ncols;
	struct rdb_vec *cols;
	uint64_t *rowids;
	/* From a scan: bit i set when the zone maps show that predicate i
	 * of rdb_scan_options (i < 32) holds for every row of the batch
	 * (no NULL, every value in range); 0 when not known. */
	uint32_t preds_hold;
	/* A slice of a scan (rdb_scan_options.slice): BOOLEAN, INTEGER
	 * and DATE values are int64, not uint8_t and int32_t; TEXT, JSON
	 * and BLOB values are a struct rdb_str per row (offsets NULL),
	 * pointing at bytes the scan holds until its next call, which
	 * rows may share (a dictionary's entries) */
	int wide;
};

/* A string of a slice of a scan (rdb_batch.wide): its n bytes at p. */
struct rdb_str {
	const char *p;
	uint32_t n;
};

/*
 * Build batches row by row: put one value in every column, then
 * rdb_batch_end_row. The batch owns its memory; rdb_batch_free frees
 * it. Text is copied. Functions return RDB_OK, RDB_ENOMEM, or
 * RDB_EMISUSE for a value of the wrong kind for the column's type.
 */
RDB_API struct rdb_batch *rdb_batch_new(size_t ncols,
    const enum rdb_type *types);
RDB_API void rdb_batch_free(struct rdb_batch *b);
RDB_API void rdb_batch_clear(struct rdb_batch *b);
RDB_API int rdb_batch_put_null(struct rdb_batch *b, size_t col);
/* BOOLEAN, INTEGER, BIGINT, DATE, TIMESTAMP */
RDB_API int rdb_batch_put_int(struct rdb_batch *b, size_t col, int64_t v);
RDB_API int rdb_batch_put_double(struct rdb_batch *b, size_t col, double v);
RDB_API int rdb_batch_put_decimal(struct rdb_batch *b, size_t col,
    uint64_t lo, uint64_t hi);
/* TEXT, JSON, BLOB */
RDB_API int rdb_batch_put_bytes(struct rdb_batch *b, size_t col,
    const void *p, size_t n);
RDB_API int rdb_batch_end_row(struct rdb_batch *b);
/* Is value row of column col NULL? */
RDB_API int rdb_vec_is_null(const struct rdb_vec *v, size_t row);

/*
 * The canonical text of value row of v, as rdb writes it to CSV and
 * reads it back exactly: DECIMAL with its scale ("12.50"), DATE as
 * 2024-01-31, TIMESTAMP as 2024-01-31 12:00:00[.ffffff] (UTC), DOUBLE
 * in the shortest form that reads back to the same bits, BOOLEAN as
 * true/false, TEXT, JSON and BLOB as their bytes. Appends to out (not
 * NUL-terminated); returns RDB_OK, RDB_ENOMEM, or RDB_EINVAL for NULL.
 */
struct rdb_buf;
RDB_API int rdb_value_text(const struct rdb_vec *v, size_t row,
    char *buf, size_t cap, const char **p, size_t *len);

/* The most columns a table may have (format/manifest.md). */
#define RDB_MAX_COLUMNS 32768

/* The longest DEFAULT expression text a column may keep, in bytes. */
#define RDB_MAX_DEFAULT_SQL 4096

/* The longest query text a view may keep, in bytes. */
#define RDB_MAX_VIEW_SQL 65536
/* Key columns of an index [F-MAN-019]. */
#define RDB_MAX_INDEX_KEYS 32

/* A column of a table, as created. The strings stay the caller's: the
 * catalog keeps copies. */
struct rdb_column_def {
	const char *name;
	enum rdb_type type;
	uint8_t precision;      /* DECIMAL: 1..38 */
	uint8_t scale;          /* DECIMAL: 0..precision */
	int not_null;
	const char *default_sql;    /* DEFAULT expression text as the SQL
	                               layer wrote it, 1 to RDB_MAX_DEFAULT_SQL
	                               bytes of UTF-8, never evaluated here
	                               [F-MAN-014]; NULL: no default */
	int primary_key;            /* part of the table's PRIMARY KEY (with
	                               not_null) [F-MAN-018] */
	int unique;                 /* UNIQUE on its own [F-MAN-018] */
};

struct rdb_index_desc;

/* A column and a table as the catalog of a transaction sees them;
 * valid until the transaction ends or changes the catalog. */
struct rdb_column_desc {
	uint32_t id;
	const char *name;
	enum rdb_type type;
	uint8_t precision, scale;
	int not_null;
	const char *default_sql;    /* the column's DEFAULT expression text,
	                               NUL-terminated, owned by the catalog and
	                               living as long as name; NULL: none */
	int primary_key, unique;    /* as in rdb_column_def */
};
struct rdb_table_desc {
	uint32_t id;
	const char *name;
	size_t ncols;
	const struct rdb_column_desc *cols;
	int codec;                  /* compression of its new segments, an
	                               enum rdb_codec; -1: the database's */
	int codec_level;
	size_t nindexes;            /* its indexes, in the order they were
	                               created */
	const struct rdb_index_desc *const *indexes;
};

/* An index of a table as the catalog of a transaction sees it; valid
 * until the transaction ends or changes the catalog. */
struct rdb_index_desc {
	uint32_t id;
	const char *name;
	uint32_t table_id;
	const char *table;          /* the table's name */
	int unique;                 /* UNIQUE: no two visible rows share a
	                               key without NULLs [F-MAN-019] */
	size_t nkeys;               /* 1 to RDB_MAX_INDEX_KEYS */
	const size_t *cols;         /* key columns, as positions in the
	                               table's columns */
	const int *desc;            /* per key column: 1 descending */
};

/* A view as the catalog of a transaction sees it; valid until the
 * transaction ends or changes the catalog. */
struct rdb_view_desc {
	const char *name;
	size_t ncols;
	const char *const *cols;    /* its column names */
	const char *sql;            /* its query, as the SQL layer wrote it */
};

struct rdb_txn;

#define RDB_TXN_WRITE 0x1

/*
 * Begin a transaction. A read transaction sees the snapshot of commit
 * as_of (0: the latest) and never waits; it pins that snapshot
 * (format/lock.md). A commit after the latest, or before the horizon
 * compaction set, is RDB_EHISTORY. A write transaction (RDB_TXN_WRITE, as_of 0) takes
 * the writer lock, waiting up to the lock timeout, and sees its own
 * changes. One transaction per handle at a time.
 */
RDB_API int rdb_txn_begin(struct rdb_db *db, unsigned flags, uint64_t as_of,
    struct rdb_txn **txnp);
/* The commit id the transaction reads at. */
RDB_API uint64_t rdb_txn_snapshot(const struct rdb_txn *txn);
/* rdb_errmsg of the handle txn belongs to. */
RDB_API const char *rdb_txn_errmsg(const struct rdb_txn *txn);

/* Commit metadata kept in the commit log; any field may be NULL. */
struct rdb_commit_opts {
	const char *program;
	const char *user;
	const char *message;
};
/*
 * Commit and end txn (which is freed either way). On success *id (if
 * not NULL) is the new commit id, durable per the sync setting. A read
 * transaction, or a write one that changed nothing, just ends (*id 0).
 */
RDB_API int rdb_txn_commit(struct rdb_txn *txn,
    const struct rdb_commit_opts *o, uint64_t *id);
/* End txn, undoing its changes; accepts NULL. */
RDB_API void rdb_txn_abort(struct rdb_txn *txn);

/* Catalog changes (write transactions). Names follow [F-MAN-011]; a
 * column's default_sql is kept with it, through renames, until the
 * column is dropped [F-MAN-015], and never written into rows: rows that
 * exist when rdb_column_add runs read NULL in the new column. */
RDB_API int rdb_table_create(struct rdb_txn *txn, const char *name,
    const struct rdb_column_def *cols, size_t ncols);
RDB_API int rdb_table_drop(struct rdb_txn *txn, const char *name);
RDB_API int rdb_table_rename(struct rdb_txn *txn, const char *name,
    const char *new_name);
RDB_API int rdb_column_add(struct rdb_txn *txn, const char *table,
    const struct rdb_column_def *col);
RDB_API int rdb_column_drop(struct rdb_txn *txn, const char *table,
    const char *column);
RDB_API int rdb_column_rename(struct rdb_txn *txn, const char *table,
    const char *column, const char *new_name);

/* Compress table's new segments with codec at level (a zstd level, or 0)
 * instead of the database's default; codec -1 returns to the default. */
RDB_API int rdb_table_set_codec(struct rdb_txn *txn, const char *table,
    int codec, int level);

/*
 * Views (write transactions for the changes): a name for a query, kept
 * as text that storage never parses or runs [F-MAN-016]. A view's name
 * is no table's [F-MAN-017]. cols are its column names, 1 to
 * RDB_MAX_COLUMNS, unique; sql is 1 to RDB_MAX_VIEW_SQL bytes of UTF-8.
 * The strings stay the caller's: the catalog keeps copies. Replacing a
 * view is dropping it and creating it again in one transaction.
 */
RDB_API int rdb_view_create(struct rdb_txn *txn, const char *name,
    const char *const *cols, size_t ncols, const char *sql);
RDB_API int rdb_view_drop(struct rdb_txn *txn, const char *name);
/* The views at the transaction's snapshot, in the order they were
 * created. */
RDB_API int rdb_view_list(struct rdb_txn *txn,
    const struct rdb_view_desc *const **views, size_t *n);
/* One view by name (case-insensitive); RDB_ENOENT when there is none. */
RDB_API int rdb_view_find(struct rdb_txn *txn, const char *name,
    const struct rdb_view_desc **v);

/*
 * Indexes (write transactions for the changes) [F-MAN-019]: a name, no
 * table's or view's [F-MAN-017], for key columns cols[0..ncols) of
 * table, each descending where desc[i] is non-zero (desc may be NULL).
 * A unique index refuses, when it is created (RDB_ECONSTRAINT) and
 * at every later check (rdb_table_check_unique), two visible rows whose
 * keys are equal and hold no NULL. Dropping the table, or one of the
 * key columns, drops the index.
 */
RDB_API int rdb_index_create(struct rdb_txn *txn, const char *name,
    const char *table, const char *const *cols, const int *desc,
    size_t ncols, int unique);
RDB_API int rdb_index_drop(struct rdb_txn *txn, const char *name);
/* The indexes at the transaction's snapshot, in the order they were
 * created. */
RDB_API int rdb_index_list(struct rdb_txn *txn,
    const struct rdb_index_desc *const **indexes, size_t *n);
/* One index by name (case-insensitive); RDB_ENOENT when there is none. */
RDB_API int rdb_index_find(struct rdb_txn *txn, const char *name,
    const struct rdb_index_desc **out);
/* The files of an index (format/index.md): one per segment of its table
 * in segments, those there in files, with bytes in all. */
struct rdb_index_stats {
	uint64_t segments, files, bytes;
};
RDB_API int rdb_index_stats(struct rdb_txn *txn, const char *name,
    struct rdb_index_stats *st);
/*
 * Make the files of index name (NULL: of every index) again from their
 * segments, each replacing the one there at once, whole (a repair after
 * rdb-verify found one damaged or missing); *files gets how many were
 * written. Needs a write transaction (for its lock), which it does not
 * change: abort or commit it.
 */
RDB_API int rdb_index_rebuild(struct rdb_txn *txn, const char *name,
    uint64_t *files);

/* The tables at the transaction's snapshot, in id order. */
RDB_API int rdb_table_list(struct rdb_txn *txn,
    const struct rdb_table_desc *const **tables, size_t *n);
/*
 * Check table's PRIMARY KEY and UNIQUE columns as the transaction sees
 * them: RDB_OK, or RDB_ECONSTRAINT naming the first key value held by
 * two rows (NULLs never clash). Writers call it before they commit.
 */
RDB_API int rdb_table_check_unique(struct rdb_txn *txn, const char *table);
/* One table by name; RDB_ENOENT when there is none. */
RDB_API int rdb_table_find(struct rdb_txn *txn, const char *name,
    const struct rdb_table_desc **t);

/*
 * Append the rows of b to table: b has the table's columns in order,
 * with their types. *first_rowid (if not NULL) gets the row id of the
 * first row; the others follow consecutively.
 */
RDB_API int rdb_insert(struct rdb_txn *txn, const char *table,
    const struct rdb_batch *b, uint64_t *first_rowid);
/* Delete rows by row id; ids of rows not visible are RDB_ENOENT. */
RDB_API int rdb_delete(struct rdb_txn *txn, const char *table,
    const uint64_t *rowids, size_t n);

/* A simple predicate for zone-map pruning: column <op> value. */
enum rdb_cmp { RDB_CMP_EQ, RDB_CMP_LT, RDB_CMP_LE, RDB_CMP_GT, RDB_CMP_GE,
	RDB_CMP_BETWEEN };      /* i <= value <= i2 (not for DOUBLE) */
struct rdb_pred {
	size_t col;             /* index in the table's columns */
	enum rdb_cmp op;
	int is_double;
	int64_t i;              /* integer-like types */
	double d;               /* DOUBLE */
	int64_t i2;             /* RDB_CMP_BETWEEN's upper bound */
	/* a DECIMAL column, i and i2 unscaled at its scale: no zone-map
	 * pruning, but slices test rows (below) */
	int is_decimal;
	/*
	 * Or, with text set, a test of a TEXT, JSON or BLOB column's
	 * strings (op and the values unused): text(arg, p, n) nonzero when
	 * the string passes; NULL never does. It prunes only row groups
	 * of NULLs, but in slices (rdb_scan_options.slice) of a
	 * dictionary-encoded chunk it is called once per entry, and the
	 * rows whose entry fails are dropped. It may be called from the
	 * thread that reads the scan, during rdb_scan_next.
	 */
	int (*text)(void *arg, const char *p, size_t n);
	void *arg;
	/*
	 * Or, with set set, membership of an integer-like column's value
	 * x in a set: x - set_lo < set_n and bit x - set_lo of set (op and
	 * the values unused). Row groups whose zone maps lie outside the
	 * range are skipped, and slices drop the rows outside the set (a
	 * join's build keys, tested before the probe side is decoded).
	 */
	const uint64_t *set;
	int64_t set_lo;
	uint64_t set_n;
};
/*
 * Reading through an index (format/index.md): per segment, only the
 * rows whose index keys' leading bytes lie in one of the ranges (in the
 * key form of [F-IDX-004]; see rdb_key_range). Librdb's SQL layer
 * builds these. A segment without a usable index file is read whole,
 * and rows not yet in segments are all read: the caller still applies
 * its conditions [F-IDX-008].
 */
struct rdb_key_range {
	const uint8_t *lo, *hi;     /* NULL: open-ended */
	size_t lolen, hilen;
	int lo_open, hi_open;       /* exclude keys whose leading bytes equal
	                               the bound */
};
struct rdb_index_probe {
	uint32_t index_id;
	size_t nranges;
	const struct rdb_key_range *ranges;
};

struct rdb_scan_options {
	const size_t *cols;     /* projection: table column indexes; NULL all */
	size_t ncols;
	const struct rdb_pred *preds;   /* row groups that cannot match are
	                                   skipped; rows are not filtered,
	                                   but in slices (below) */
	size_t npreds;
	int threads;            /* threads decoding row groups; 0: one per
	                           CPU (at most 8); 1: none besides the
	                           caller. Batches come in order either way. */
	/* With nparts > 1, only part part of the table: every nparts-th
	 * row group starting at part, and the rows not yet in segments
	 * only in part 0. Scans of parts 0..nparts-1 together read each
	 * row once; each may run in a thread of its own. */
	unsigned part, nparts;
	/* With on_skip set, a damaged row group or segment is skipped (and
	 * described to on_skip) instead of ending the scan: salvage. */
	void (*on_skip)(void *arg, const char *what);
	void *skip_arg;
	/*
	 * History (format/manifest.md [F-MAN-050]). With versions set
	 * (RDB_VERSIONS), the scan returns instead of the rows visible at
	 * the snapshot S every version of a row the table had up to S: a
	 * row from the commit that inserted it (ins) to the one that
	 * deleted it (del, or none when it is not deleted at S: UINT64_MAX
	 * below), once each, those with ins_min <= ins <= ins_max and
	 * del_min <= del <= del_max. The versions visible at some snapshot
	 * of [lo, hi] (hi <= S) are ins_max = hi, del_min = lo + 1, the
	 * others 0 and UINT64_MAX. A version deleted at or before the
	 * horizon compaction set may be gone: del_min must be above it
	 * (RDB_EHISTORY). Row groups whose commit and row id zone maps
	 * [F-SEG-009] show that none of their rows, nor a delete of their
	 * rows, is in the ranges are not read (rdb_scan_skipped), so a scan
	 * of a narrow range costs what changed in it.
	 *
	 * Each batch has five more columns after the projected ones: the
	 * times of ins and del (TIMESTAMP, from the commit log; del's NULL
	 * when none), ins and del (BIGINT, del NULL when none) and an op
	 * (TEXT): "I" when the commit ins deleted no row of the table, "U"
	 * when it also deleted some (an UPDATE deletes each row it changes
	 * and inserts its new version in one commit). With
	 * RDB_VERSIONS_DELETIONS, a version deleted by a commit del that
	 * inserted no row of the table (a DELETE) is followed by a row "D"
	 * with its values, ins and del both del, when del_min - 1 <= del <=
	 * min(ins_max, del_max): the deletion is a commit of [lo, hi].
	 */
	unsigned versions;
	uint64_t ins_min, ins_max, del_min, del_max;
	/* With probe set (and no versions), read through that index. */
	const struct rdb_index_probe *probe;
	/*
	 * With slice set (and threads 1 or a predicate with a set, no
	 * versions, no on_skip), row
	 * groups are decoded a slice of at most that many rows at a time
	 * (a multiple of 8), straight into batches of the layout of
	 * rdb_batch.wide: what a vectorized reader wants, a cache's worth
	 * at a time, strings not copied. The rows of a slice failing a
	 * predicate on an integer-like column (integer constant) are
	 * dropped before the other columns are decoded, and preds_hold
	 * says so. Rows not yet in segments still come as other batches,
	 * unfiltered.
	 */
	size_t slice;
};
#define RDB_VERSIONS 0x1            /* a versions scan */
#define RDB_VERSIONS_DELETIONS 0x2  /* with its "D" rows */
#define RDB_VERSIONS_EXTRA 5        /* columns a versions scan adds */
struct rdb_scan;
RDB_API int rdb_scan_open(struct rdb_txn *txn, const char *table,
    const struct rdb_scan_options *o, struct rdb_scan **sp);
/* 1 with *b set to the next batch (valid until the next call), 0 at the
 * end, or a negative code. */
RDB_API int rdb_scan_next(struct rdb_scan *s, const struct rdb_batch **b);
/* Row groups skipped by zone maps so far (by predicates, or by the
 * ranges of a versions scan). */
RDB_API uint64_t rdb_scan_skipped(const struct rdb_scan *s);
RDB_API void rdb_scan_close(struct rdb_scan *s);

/* The commit log. */

/* Catalog changes a commit made to a table (rdb_commit_table.changes). */
#define RDB_CHANGE_CREATE 0x1       /* created it */
#define RDB_CHANGE_DROP 0x2         /* dropped it */
#define RDB_CHANGE_RENAME 0x4       /* renamed it */
#define RDB_CHANGE_ALTER 0x8        /* added, dropped or renamed columns,
                                       or set its codec or retention */
#define RDB_CHANGE_UNDROP 0x10      /* brought it back after a drop */
#define RDB_CHANGE_PURGE 0x20       /* purged it, dropped, for good */

struct rdb_commit_table {
	uint32_t table_id;
	uint64_t inserted;
	uint64_t deleted;
	const char *name;           /* rdb_log: the table's name after the
	                               commit (a dropped table's last name) */
	unsigned changes;           /* rdb_log: RDB_CHANGE_* bits */
};
struct rdb_commit_rec {
	uint64_t id;
	int64_t time_us;
	const char *program;
	const char *user;
	const char *message;
	size_t ntables;
	const struct rdb_commit_table *tables;
};
/*
 * Call fn for each commit from..to (inclusive; 0 to: the latest) in
 * order; a non-zero return of fn stops and is returned. The tables of
 * a commit are those whose rows it inserted or deleted, in the order it
 * first touched them, then those whose catalog entry alone it changed
 * (inserted and deleted 0), each with its name and changes. The record
 * and its strings live until fn returns.
 */
RDB_API int rdb_log(struct rdb_db *db, uint64_t from, uint64_t to,
    int (*fn)(const struct rdb_commit_rec *, void *), void *arg);

/* ------------------------------------------------------------------ */
/* Time travel (format/manifest.md [F-MAN-023]).                       */

/* What history a database keeps. */
struct rdb_history {
	uint64_t oldest;            /* the oldest commit a transaction may
	                               read at: the horizon compaction set
	                               (rdb_compact), or 1; 0 without commits */
	int64_t oldest_us;          /* its time, µs since the epoch, UTC */
	uint64_t latest;            /* the latest commit; 0 without commits */
	int64_t latest_us;
};
RDB_API int rdb_history(struct rdb_db *db, struct rdb_history *h);

/*
 * The commit current at time_us (µs since the epoch, UTC): the last one
 * made at or before it, so a commit's own time finds that commit, and a
 * time between two commits the earlier. Commit times strictly increase
 * [F-WAL-007], so the answer is exact. RDB_EHISTORY, with a message
 * naming the limit, when time_us is after now, before the first commit,
 * or finds a commit older than rdb_history's oldest: never an
 * approximate answer. Inside a transaction on db it answers from what
 * the transaction saw when it began.
 */
RDB_API int rdb_commit_at(struct rdb_db *db, int64_t time_us, uint64_t *id);

/*
 * Parse text as rdb reads a TIMESTAMP: "2026-11-20 12:00:00[.ffffff]"
 * ('T' may stand for the space) with an optional zone (Z, +hh, +hh:mm,
 * -hhmm), or a date alone (midnight). Without a zone it is UTC.
 * RDB_OK, or RDB_EINVAL when text is not such a time.
 */
RDB_API int rdb_time_parse(const char *text, int64_t *us);
/* Write time us as rdb writes a TIMESTAMP, "2026-11-20 12:00:00.25"
 * (UTC, the fraction only when there is one), into buf of cap bytes
 * (32 are enough). RDB_OK, or RDB_ENOMEM when it does not fit. */
RDB_API int rdb_time_format(int64_t us, char *buf, size_t cap);

/*
 * Dropped tables (format/manifest.md §Dropped tables). A dropped table
 * keeps its id, columns and rows until compaction's horizon for it
 * passes its drop (its retention), or it is purged.
 *
 * rdb_table_undrop brings back the dropped table called name that was
 * dropped last, with its id, columns and rows, under new_name (NULL:
 * name); *dropped_at (if not NULL) gets the commit of its drop.
 * RDB_ENOENT when no dropped table has the name, RDB_EEXIST when a
 * table or view has the name it would take, RDB_EHISTORY when its drop
 * is no longer within its retained history. rdb_table_purge gives up
 * the dropped table called name (the one dropped last) for good: it
 * can never come back, reading it at any commit is RDB_EHISTORY, and
 * the next rdb_compact removes its files. Write transactions.
 */
RDB_API int rdb_table_undrop(struct rdb_txn *txn, const char *name,
    const char *new_name, uint64_t *dropped_at);
RDB_API int rdb_table_purge(struct rdb_txn *txn, const char *name);

/*
 * Retention: how many seconds of history compaction keeps (0: none,
 * only the latest commit). The database's is sb_retention (7 days by
 * default); a table's own overrides it. rdb_table_set_retention (a
 * write transaction; seconds < 0 follows the database's again) changes
 * it as a catalog operation of the transaction, no commit when it is
 * already so. rdb_table_retention gives the table's setting as the
 * latest commit has it (-1: the database's) and, in *oldest (if not
 * NULL), the oldest commit at which its rows may be read.
 * rdb_set_retention replaces the superblock with the database's new
 * retention, taking the writer lock.
 */
RDB_API int rdb_table_set_retention(struct rdb_txn *txn, const char *table,
    int64_t seconds);
RDB_API int rdb_table_retention(struct rdb_txn *txn, const char *table,
    int64_t *seconds, uint64_t *oldest);
RDB_API int rdb_set_retention(struct rdb_db *db, uint64_t seconds);

/* Statistics of a table at a transaction's snapshot. */
struct rdb_table_stats {
	uint64_t rows;              /* visible rows */
	uint64_t deleted;           /* rows deleted at or before the snapshot */
	uint64_t wal_rows;          /* rows not yet in segments */
	uint64_t segments;
	uint64_t row_groups;
	uint64_t bytes;             /* its segment and delete files on disk */
};
/* Per column, over the table's segments. */
struct rdb_column_stats {
	uint64_t stored;            /* bytes on disk, compressed */
	uint64_t raw;               /* bytes encoded, before compression */
	uint64_t nulls;
	unsigned encodings;         /* bit (1 << e) for each encoding used:
	                               0 plain, 1 rle, 2 for, 3 delta, 4 dict */
	unsigned codecs;            /* bit (1 << c): 0 none, 1 lz4, 2 zstd */
};
/* Fill st and, when cols is not NULL, cols[0..ncols) in table column
 * order. Reads every segment footer; with cols, decompresses each
 * chunk's first bytes to learn its encodings. */
RDB_API int rdb_table_stats(struct rdb_txn *txn, const char *table,
    struct rdb_table_stats *st, struct rdb_column_stats *cols);
/* The least and greatest value of column col (an INTEGER, BIGINT or
 * DATE) of table as its segments' zone maps give them, for estimates:
 * deleted rows count, so the range may be wider than the rows'.
 * RDB_ENOENT when it is unknown (another type, rows still in the WAL). */
RDB_API int rdb_column_range(struct rdb_txn *txn, const char *table,
    size_t col, int64_t *min, int64_t *max);
/* The zone maps of column col (an INTEGER, BIGINT or DATE) of table,
 * one per row group of its segments: (*lo)[i] and (*hi)[i], i < *n
 * (arrays to free). RDB_ENOENT when they do not cover every row the
 * snapshot sees, all non-NULL: another type, rows still in the WAL, a
 * NULL in the column, a segment written before the column was added.
 * A scan reads each row group's rows one after the other, so a key no
 * two row groups' ranges share is in one row group alone. */
RDB_API int rdb_column_zones(struct rdb_txn *txn, const char *table,
    size_t col, int64_t **lo, int64_t **hi, size_t *n);
/* How many of a sample of table's rows pass text test p (rdb_pred with
 * text set, p->col its column): up to 1024 rows at the start of each
 * of up to 8 row groups spread over the table's segments, as long as
 * their chunks come to 1 MiB decompressed, for estimates. *seen counts
 * the sampled rows (NULLs included: they never pass). RDB_ENOENT when
 * there is nothing to sample (no segment yet, a first chunk over the
 * budget) or p is not a text test. */
RDB_API int rdb_pred_sample(struct rdb_txn *txn, const char *table,
    const struct rdb_pred *p, uint64_t *pass, uint64_t *seen);
/* "plain", "rle", "for", "delta", "dict" */
RDB_API const char *rdb_encoding_name(unsigned e);

/* Turn the committed WAL into segments and a new manifest now. */
RDB_API int rdb_checkpoint(struct rdb_db *db);

/* What rdb_compact did. */
struct rdb_compact_stats {
	uint64_t horizon;           /* commits before it are no longer readable */
	uint64_t segments_before, segments_after;
	uint64_t rows_purged;       /* deleted before the horizon, now gone */
	uint64_t files_removed;     /* files no manifest needs any more */
	uint64_t files_kept;        /* unneeded, kept for a live reader */
	uint64_t tables_removed;    /* dropped or purged tables whose files
	                               this compaction gave up */
	uint64_t bytes_before, bytes_after;  /* of segment and delete files */
};
/*
 * Checkpoint, then rewrite each table's segments into one, dropping rows
 * deleted before its retention horizon (the newest commit older than
 * its retention window, never after a snapshot a live reader pins), give
 * up the files of tables dropped before their horizon and of purged
 * ones, and remove the files no longer needed once no reader pins a
 * snapshot. Takes the writer and checkpoint locks.
 */
RDB_API int rdb_compact(struct rdb_db *db, struct rdb_compact_stats *st);

/* ------------------------------------------------------------------ */
/* Loading CSV, TSV, JSON and NDJSON (rdb-load).                       */

enum rdb_load_format { RDB_LOAD_AUTO, RDB_LOAD_CSV, RDB_LOAD_TSV,
	RDB_LOAD_JSON, RDB_LOAD_NDJSON };
enum rdb_load_mode { RDB_LOAD_APPEND, RDB_LOAD_CREATE, RDB_LOAD_REPLACE };

struct rdb_load_options {
	enum rdb_load_format format;    /* AUTO: from the name, then content */
	int delimiter;                  /* 0: detect among , ; | TAB */
	int quote;                      /* 0: '"'; -1: none */
	int escape;                     /* 0: the quote doubled */
	int no_header;                  /* columns c1, c2, ... */
	const char *const *columns;     /* names instead of the header */
	size_t ncolumns;
	const char *null_marker;        /* an unquoted field equal to it is
	                                   NULL (besides the empty field) */
	uint64_t sample;                /* rows to infer types from; 0: 10000;
	                                   UINT64_MAX: all (reads files twice) */
	const struct rdb_column_def *types;  /* by column name, overriding */
	size_t ntypes;
	int all_text;                   /* every inferred column is TEXT */
	enum rdb_load_mode mode;
	uint64_t max_errors;            /* rows that may be rejected */
	/* each rejected row; non-zero stops the load */
	int (*reject)(void *arg, const char *file, uint64_t line,
	    const char *reason, const char *row, size_t len);
	/* now and then: bytes read of total (0: unknown), rows so far */
	void (*progress)(void *arg, uint64_t bytes, uint64_t total,
	    uint64_t rows);
	void *arg;
	const char *program;            /* for the commit log */
	const char *message;
	uint64_t memory_limit;          /* bytes the load may hold; 0: about
	                                   200 MB. Rows beyond a quarter of it
	                                   go to a segment at once. */
	int threads;                    /* parsing and converting CSV and TSV;
	                                   0: one per CPU; 1: in order */
};

struct rdb_load_result {
	uint64_t rows;                  /* loaded */
	uint64_t rejected;
	uint64_t commit;                /* 0 with infer_only */
	int created;                    /* the table was created */
	size_t ncols;                   /* the schema used */
	struct rdb_column_def *cols;    /* owned; rdb_load_result_release */
};

/*
 * Load files[0..nfiles) ("-" is standard input; compressed input is
 * detected by content) into table, in one write transaction that
 * commits only if everything worked: a failed load changes nothing.
 * With infer_only, read the sample, fill r->cols and load nothing.
 * Errors name the file, line and column (rdb_errmsg).
 */
RDB_API int rdb_load(struct rdb_db *db, const char *table,
    const char *const *files, size_t nfiles, const struct rdb_load_options *o,
    int infer_only, struct rdb_load_result *r);
RDB_API void rdb_load_result_release(struct rdb_load_result *r);

/* ------------------------------------------------------------------ */
/* Verification (rdb-verify).                                          */

enum rdb_severity { RDB_SEV_ERROR, RDB_SEV_WARNING, RDB_SEV_NOTE };
/* "error", "warning", "note" */
RDB_API const char *rdb_severity_name(enum rdb_severity s);

/* One thing found; the strings live until the callback returns. */
struct rdb_finding {
	enum rdb_severity severity;
	const char *kind;           /* "manifest", "wal", "log", "delete",
	                               "segment", "chunk", "zonemap",
	                               "catalog", "orphan", "unknown" */
	const char *file;           /* relative to the database, or NULL */
	int64_t offset;             /* byte offset in file, or -1 */
	const char *requirement;    /* "F-SEG-001", or NULL */
	const char *message;
};

#define RDB_VERIFY_QUICK 0x1        /* checksums and structure, no decode */

/*
 * Check db at one pinned snapshot and call fn for every finding. table
 * (if not NULL) limits the segment checks to one table. *errors gets
 * the number of findings of severity error. Returns RDB_OK when the
 * check ran (whatever it found), or the code of what stopped it.
 */
RDB_API int rdb_verify(struct rdb_db *db, unsigned flags, const char *table,
    void (*fn)(const struct rdb_finding *, void *), void *arg,
    uint64_t *errors);
/* rdb_verify, also calling progress (if not NULL) now and then with the
 * bytes of segment chunks checked so far and the total to check. */
RDB_API int rdb_verify_progress(struct rdb_db *db, unsigned flags,
    const char *table, void (*fn)(const struct rdb_finding *, void *),
    void (*progress)(void *, uint64_t, uint64_t), void *arg,
    uint64_t *errors);

/* The latest commit id and time (0 for a new database). */
RDB_API int rdb_last_commit(struct rdb_db *db, uint64_t *id, int64_t *time_us);


/* ------------------------------------------------------------------ */
/* SQL (rdb-query).                                                    */

/*
 * A session runs SQL statements on one database handle, one at a time.
 * Without BEGIN every statement is its own transaction; a statement that
 * fails changes nothing. BEGIN ... COMMIT spans statements; an error
 * inside leaves the transaction open (later statements are refused until
 * ROLLBACK), as in PostgreSQL.
 */
struct rdb_sql;

struct rdb_sql_options {
	const char *program;        /* for the commit log and lock records */
	uint64_t memory_limit;      /* bytes operators may hold before they
	                               spill; 0: a quarter of RAM */
	int threads;                /* 0: one per CPU (at most 8) */
	const char *temp_dir;       /* for spill files; NULL: $TMPDIR or /tmp */
	uint64_t recursion_limit;   /* rows one WITH RECURSIVE query may
	                               produce before it fails; 0: the
	                               default, RDB_RECURSION_LIMIT;
	                               UINT64_MAX: no limit */
	const char *message;        /* for the commit log of every commit the
	                               session makes; NULL: none */
	uint64_t as_of;             /* non-zero: every statement reads at this
	                               commit (a table's own FOR SYSTEM_TIME
	                               AS OF still wins) and none may write */
};
#define RDB_RECURSION_LIMIT 1000000

/* Start a session on db; *sp is NULL on failure (RDB_ENOMEM). */
RDB_API int rdb_sql_open(struct rdb_db *db, const struct rdb_sql_options *o,
    struct rdb_sql **sp);
/* End a session, rolling back an open transaction. */
RDB_API void rdb_sql_close(struct rdb_sql *s);
/* The message of the last failed call, with line and column for errors
 * in the SQL text; never NULL. */
RDB_API const char *rdb_sql_errmsg(const struct rdb_sql *s);

/*
 * Bind parameter :name to value, a string. It is a value, never SQL
 * text: like a quoted literal it takes the type its context wants
 * (WHERE n = :p compares as a number when n is one). Bindings last for
 * the session; binding a name again replaces its value.
 */
RDB_API int rdb_sql_bind(struct rdb_sql *s, const char *name,
    const char *value);

/* What a statement produced. */
struct rdb_sql_sink {
	/* Called once before the rows of a statement that returns rows. The
	 * vectors of types carry each column's type, precision and scale
	 * (no values). A non-zero return stops the statement. */
	int (*columns)(void *arg, size_t ncols, const char *const *names,
	    const struct rdb_vec *types);
	/* Called for each batch of result rows, in order. */
	int (*rows)(void *arg, const struct rdb_batch *b);
	void *arg;
};

struct rdb_sql_result {
	int returns_rows;           /* the statement produced a result */
	uint64_t changed;           /* rows inserted, updated or deleted */
	uint64_t commit;            /* the commit it made, or 0 */
	uint64_t deleted;           /* FLASHBACK TABLE ... TO a point: of
	                               changed, the rows deleted (the others
	                               were inserted) */
	char tag[24];               /* "SELECT", "INSERT", "CREATE TABLE", ... */
};

/*
 * Run the next statement of text[0..len) starting at *pos, and advance
 * *pos past it and its ';'. Line and column in errors count from
 * text[0]. Returns RDB_OK with res->tag "" when only blanks and
 * comments remained; RDB_ESQL for a wrong statement; other codes as
 * the storage engine's. The sink's callbacks may be NULL. INSERT,
 * UPDATE and DELETE ... RETURNING give their rows to the sink only
 * after the statement succeeded (and committed, outside BEGIN).
 */
RDB_API int rdb_sql_exec(struct rdb_sql *s, const char *text, size_t len,
    size_t *pos, const struct rdb_sql_sink *sink, struct rdb_sql_result *res);

/* Make the running statement stop with RDB_EINTR; async-signal-safe. */
RDB_API void rdb_sql_interrupt(struct rdb_sql *s);

/* Non-zero inside BEGIN ... COMMIT. */
RDB_API int rdb_sql_in_transaction(const struct rdb_sql *s);

/* The session's temporary views (CREATE TEMP VIEW), in the order they
 * were made: never written to the database, gone with the session, and
 * not undone by ROLLBACK. Valid until the next statement. The views of
 * the database are those of rdb_view_list. */
RDB_API int rdb_sql_temp_views(struct rdb_sql *s,
    const struct rdb_view_desc *const **views, size_t *n);

/* Non-zero when text[0..len) ends inside a statement: an unterminated
 * string, quoted name or comment, or text after the last ';' (for a
 * shell deciding whether to read another line). */
RDB_API int rdb_sql_incomplete(const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
