/*
 * cat.h - the catalog: tables and columns, and views, changed only by
 * operations (format/manifest.md §Catalog operations) so that its
 * history can be replayed to any commit.
 */
#ifndef RDB_TXN_CAT_H
#define RDB_TXN_CAT_H

#include "util/util.h"

enum { CAT_CREATE = 1, CAT_DROP = 2, CAT_RENAME = 3, CAT_ADD_COL = 4,
	CAT_DROP_COL = 5, CAT_RENAME_COL = 6, CAT_CODEC = 7,
	CAT_CREATE_VIEW = 8, CAT_DROP_VIEW = 9, CAT_UNDROP = 10,
	CAT_PURGE = 11, CAT_RETENTION = 12, CAT_CREATE_INDEX = 13,
	CAT_DROP_INDEX = 14 };

/* Index flags and key flags [F-MAN-019]. */
#define CAT_IDX_UNIQUE 0x01
#define CAT_KEY_DESC 0x01

/* The longest retention a table may set, in seconds [F-MAN-063]. */
#define CAT_RETENTION_MAX ((uint64_t)1 << 53)

/* Column flags (format/manifest.md §Catalog operations). */
#define CAT_COL_NOT_NULL 0x01
#define CAT_COL_DEFAULT 0x02        /* a default follows [F-MAN-014] */
#define CAT_COL_PRIMARY 0x04        /* in the PRIMARY KEY [F-MAN-018] */
#define CAT_COL_UNIQUE 0x08         /* UNIQUE alone [F-MAN-018] */

struct rdb_col {
	uint32_t id;
	char *name;
	uint8_t type, precision, scale, flags;
	char *dflt;                 /* DEFAULT expression text, NULL without
	                               CAT_COL_DEFAULT */
};

struct rdb_tbl {
	uint32_t id;
	char *name;
	uint32_t dropped;           /* 0 live; else when it was dropped, as
	                               the count of drops so far (the last
	                               dropped has the highest) */
	int purged;                 /* given up for good [F-MAN-060] */
	int64_t retention;          /* seconds of history; -1: the
	                               database's [F-MAN-063] */
	size_t ncols;
	struct rdb_col *cols;
	uint32_t next_col;
	int codec;                  /* compression of new segments; -1: the
	                               database's */
	int codec_level;
};

/* A view: a name for a query whose text storage keeps [F-MAN-016]. */
struct rdb_view {
	char *name;
	size_t ncols;
	char **cols;
	char *sql;
};

/* An index: key columns of one table, by column id [F-MAN-019]. */
struct rdb_idx {
	uint32_t id;
	char *name;
	uint32_t table_id;
	uint8_t flags;              /* CAT_IDX_UNIQUE */
	size_t nkeys;
	uint32_t *cols;             /* column ids */
	uint8_t *kflags;            /* CAT_KEY_DESC */
};

struct rdb_cat {
	size_t ntables;             /* including dropped ones */
	struct rdb_tbl *tables;     /* in id order */
	uint32_t next_table_id;
	uint32_t ndrops;            /* DROP TABLE operations applied */
	size_t nviews;              /* live ones only: a view has no id */
	struct rdb_view *views;     /* in the order they were created */
	size_t nindexes;            /* live ones only */
	struct rdb_idx *indexes;    /* in id order */
	uint32_t next_index_id;
	/* public descriptions, rebuilt after a change */
	int stale;
	size_t ndesc;
	struct rdb_table_desc *desc;
	const struct rdb_table_desc **descp;
	struct rdb_column_desc *cdesc;
	struct rdb_view_desc *vdesc;
	const struct rdb_view_desc **vdescp;
	struct rdb_index_desc *idesc;
	const struct rdb_index_desc **idescp;   /* all, then per table */
	size_t *ikeys;
	int *idescs;
};

void rdb_cat_init(struct rdb_cat *c);
void rdb_cat_release(struct rdb_cat *c);
int rdb_cat_copy(struct rdb_cat *dst, const struct rdb_cat *src);

/* Decode, validate and apply one operation; RDB_ECORRUPT (from disk) or
 * the code of the rule broken. name is the file for messages. */
int rdb_cat_apply(struct rdb_cat *c, const uint8_t *op, size_t len,
    const char *name, struct rdb_err *e);

/* The live table called name (case-insensitive), or NULL. */
struct rdb_tbl *rdb_cat_find(struct rdb_cat *c, const char *name);
/* The view called name (case-insensitive), or NULL. */
struct rdb_view *rdb_cat_view(struct rdb_cat *c, const char *name);
struct rdb_tbl *rdb_cat_by_id(struct rdb_cat *c, uint32_t id);
/* The index called name (case-insensitive), or NULL. */
struct rdb_idx *rdb_cat_index(struct rdb_cat *c, const char *name);
struct rdb_idx *rdb_cat_index_by_id(struct rdb_cat *c, uint32_t id);
/* Is name taken by a table not dropped, a view or an index
 * [F-MAN-017]? */
int rdb_cat_name_taken(struct rdb_cat *c, const char *name);
int rdb_tbl_col(const struct rdb_tbl *t, const char *name);

/* Check a name against [F-MAN-011]. */
int rdb_name_check(const char *what, const char *name, struct rdb_err *e);
/* Check a default's text against [F-MAN-014]: 1 if it is valid. */
int rdb_default_ok(const char *sql, size_t n);
/* Check a column definition, its default included [F-MAN-014]. */
int rdb_coldef_check(const struct rdb_column_def *d, struct rdb_err *e);
/* Check a view's query text against [F-MAN-016]: 1 if it is valid. */
int rdb_view_sql_ok(const char *sql, size_t n);
/* Check a view's name, columns and text [F-MAN-016]. */
int rdb_view_check(const char *name, const char *const *cols, size_t ncols,
    const char *sql, struct rdb_err *e);

/* Encode operations. */
int rdb_cat_enc_create(struct rdb_buf *b, uint32_t id, const char *name,
    const struct rdb_column_def *cols, size_t ncols);
int rdb_cat_enc_drop(struct rdb_buf *b, uint32_t id);
int rdb_cat_enc_undrop(struct rdb_buf *b, uint32_t id, const char *name);
int rdb_cat_enc_purge(struct rdb_buf *b, uint32_t id);
/* seconds < 0: follow the database's retention again */
int rdb_cat_enc_retention(struct rdb_buf *b, uint32_t id, int64_t seconds);
/* The dropped, not purged table called name that was dropped last, or
 * NULL [F-MAN-062]. */
struct rdb_tbl *rdb_cat_find_dropped(struct rdb_cat *c, const char *name);
int rdb_cat_enc_rename(struct rdb_buf *b, uint32_t id, const char *name);
int rdb_cat_enc_add_col(struct rdb_buf *b, uint32_t id, uint32_t col_id,
    const struct rdb_column_def *d);
int rdb_cat_enc_drop_col(struct rdb_buf *b, uint32_t id, uint32_t col_id);
int rdb_cat_enc_rename_col(struct rdb_buf *b, uint32_t id, uint32_t col_id,
    const char *name);

int rdb_cat_enc_codec(struct rdb_buf *b, uint32_t id, int codec, int level);
int rdb_cat_enc_create_view(struct rdb_buf *b, const char *name,
    const char *const *cols, size_t ncols, const char *sql);
int rdb_cat_enc_drop_view(struct rdb_buf *b, const char *name);
int rdb_cat_enc_create_index(struct rdb_buf *b, const struct rdb_idx *x);
int rdb_cat_enc_drop_index(struct rdb_buf *b, uint32_t id);

/* Public descriptions of the live tables and the views. */
int rdb_cat_descs(struct rdb_cat *c);

/* Strings: var length + bytes. */
int rdb_buf_putstr(struct rdb_buf *b, const char *s);
/* Read a string into a new NUL-terminated copy; -1 on malformed input
 * (too long, embedded NUL) or no memory. */
int rdb_rd_getstr(struct rdb_rd *r, size_t max, char **s);


#endif
