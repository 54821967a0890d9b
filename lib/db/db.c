/*
 * db.c - open, create and describe a database.
 *
 * Opening checks, in order: the directory [F-DIR-001] [F-DIR-002], the
 * filesystem [F-DIR-007], the superblock [F-SB-003..011], then opens
 * LOCK [F-LCK-010]. Nothing is locked by opening; transactions take
 * the ranges they need.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <archive.h>
#include <lz4.h>
#include <sodium.h>
#include <xxhash.h>
#include <zstd.h>

#include "db_int.h"
#include "fs/dir.h"

const char *rdb_version(void)
{
	return RDB_VERSION_STRING;
}

const char *rdb_library_versions(void)
{
	static char buf[256];
	unsigned xxh = XXH_versionNumber();

	/* libarchive's version as built against: asking the library would
	 * make every program load it (and its dozen dependencies) at start,
	 * when only rdb-load reads archives. */
	snprintf(buf, sizeof buf,
	    "zstd %s, lz4 %s, libarchive %s, libsodium %s, xxhash %u.%u.%u",
	    ZSTD_versionString(), LZ4_versionString(), ARCHIVE_VERSION_ONLY_STRING,
	    sodium_version_string(), xxh / 10000, xxh / 100 % 100, xxh % 100);
	return buf;
}

static struct rdb_db *db_new(const char *path, const struct rdb_open_options *opt)
{
	struct rdb_db *db = calloc(1, sizeof *db);

	if (db == NULL)
		return NULL;
	db->path = strdup(path);
	if (db->path == NULL) {
		free(db);
		return NULL;
	}
	db->lock.fd = -1;
	db->lock.slot = -1;
	db->lock_timeout_ms = -1;
	if (opt != NULL) {
		db->flags = opt->flags;
		db->lock_timeout_ms = opt->lock_timeout_ms;
	}
	if (db->lock_timeout_ms < 0)
		db->lock_timeout_ms = RDB_LOCK_TIMEOUT_MS;
	db->readonly = (db->flags & RDB_OPEN_READONLY) != 0;
	rdb_strlcpy(db->program, opt != NULL && opt->program != NULL
	    ? opt->program : "librdb", sizeof db->program);
	rdb_store_init(&db->store);
	rdb_err_clear(&db->err);
	return db;
}

static int db_open(struct rdb_db *db, const struct rdb_open_options *opt)
{
	int rc;

	rc = rdb_dir_check(db->path, &db->err);
	if (rc != RDB_OK)
		return rc;
	rc = rdb_fs_check_local(db->path, (db->flags & RDB_OPEN_FORCE) != 0,
	    &db->err);
	if (rc != RDB_OK)
		return rc;
	rc = rdb_sb_read(db->path, &db->sb, &db->err);
	if (rc != RDB_OK)
		return rc;
	if (db->sb.write_version > RDB_FORMAT_VERSION)	/* [F-SB-011] */
		db->readonly = 1;
	rc = rdb_lock_open(&db->lock, db->path,
	    opt != NULL ? opt->program : NULL, &db->err);
	if (rc != RDB_OK)
		return rc;
	db->writable = db->lock.writable &&
	    db->sb.write_version <= RDB_FORMAT_VERSION;
	if (!db->lock.writable)				/* [F-LCK-009] */
		db->readonly = 1;
	db->open = 1;
	rdb_err_clear(&db->err);
	return RDB_OK;
}

int rdb_open(const char *path, const struct rdb_open_options *opt,
    struct rdb_db **dbp)
{
	struct rdb_db *db;

	*dbp = NULL;
	if (path == NULL)
		return RDB_EMISUSE;
	db = db_new(path, opt);
	if (db == NULL)
		return RDB_ENOMEM;
	*dbp = db;
	return db_open(db, opt);
}

int rdb_open_again(struct rdb_db *db, unsigned flags, struct rdb_db **dbp)
{
	struct rdb_open_options o;

	*dbp = NULL;
	if (db == NULL || !db->open)
		return RDB_EMISUSE;
	memset(&o, 0, sizeof o);
	o.flags = db->flags | flags;
	o.lock_timeout_ms = db->lock_timeout_ms;
	o.program = db->program;
	return rdb_open(db->path, &o, dbp);
}

int rdb_create(const char *path, const struct rdb_settings *s,
    const struct rdb_open_options *opt, struct rdb_db **dbp)
{
	struct rdb_db *db;
	struct rdb_sb sb;
	int rc;

	*dbp = NULL;
	if (path == NULL)
		return RDB_EMISUSE;
	db = db_new(path, opt);
	if (db == NULL)
		return RDB_ENOMEM;
	*dbp = db;
	memset(&sb, 0, sizeof sb);
	if (s != NULL)
		sb.settings = *s;
	else
		rdb_settings_init(&sb.settings);
	rc = rdb_settings_check(&sb.settings, &db->err);
	if (rc != RDB_OK)
		return rc;
	if (sodium_init() < 0)
		return rdb_err_set(&db->err, RDB_ERROR,
		    "cannot create '%s': libsodium failed to initialise", path);
	sb.size = RDB_SB_SIZE;
	sb.read_version = RDB_FORMAT_VERSION;		/* [F-SB-012] */
	sb.write_version = RDB_FORMAT_VERSION;
	randombytes_buf(sb.uuid, sizeof sb.uuid);
	sb.uuid[6] = (uint8_t)((sb.uuid[6] & 0x0f) | 0x40);	/* version 4 */
	sb.uuid[8] = (uint8_t)((sb.uuid[8] & 0x3f) | 0x80);	/* RFC 4122 */
	sb.created_us = rdb_now_us();
	rc = rdb_dir_create(path, &sb, (db->flags & RDB_OPEN_FORCE) != 0,
	    &db->err);
	if (rc != RDB_OK)
		return rc;
	return db_open(db, opt);
}

void rdb_close(struct rdb_db *db)
{
	if (db == NULL)
		return;
	rdb_txn_abort(db->txn);
	rdb_store_release(&db->store);
	rdb_lock_close(&db->lock);
	free(db->path);
	free(db);
}

const char *rdb_errmsg(const struct rdb_db *db)
{
	if (db == NULL)
		return "out of memory";
	if (db->err.code == RDB_OK)
		return "no error";
	return db->err.msg;
}

int rdb_errcode(const struct rdb_db *db)
{
	return db == NULL ? RDB_ENOMEM : db->err.code;
}

const char *rdb_path(const struct rdb_db *db)
{
	return db->path;
}

int rdb_readonly(const struct rdb_db *db)
{
	return db->readonly;
}

static int need_open(struct rdb_db *db)
{
	if (db == NULL)
		return RDB_EMISUSE;
	if (!db->open)
		return rdb_err_set(&db->err, RDB_EMISUSE,
		    "database '%s' is not open", db->path);
	rdb_err_clear(&db->err);
	return RDB_OK;
}

int rdb_info(struct rdb_db *db, struct rdb_info *out)
{
	int rc = need_open(db);

	if (rc != RDB_OK)
		return rc;
	memset(out, 0, sizeof *out);
	out->read_version = db->sb.read_version;
	out->write_version = db->sb.write_version;
	memcpy(out->uuid, db->sb.uuid, 16);
	out->created_us = db->sb.created_us;
	out->settings = db->sb.settings;
	out->writable = db->writable;
	return RDB_OK;
}

void rdb_uuid_format(const uint8_t u[16], char buf[37])
{
	snprintf(buf, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
	    u[11], u[12], u[13], u[14], u[15]);
}

const char *rdb_component_name(enum rdb_component c)
{
	static const char *const names[RDB_COMP_COUNT] = {
		"meta", "wal", "manifest", "tables", "indexes", "models", "audit",
	};

	return (unsigned)c < RDB_COMP_COUNT ? names[c] : "?";
}

int rdb_disk_usage(struct rdb_db *db, uint64_t bytes[RDB_COMP_COUNT],
    uint64_t files[RDB_COMP_COUNT])
{
	int rc = need_open(db);

	if (rc != RDB_OK)
		return rc;
	return rdb_dir_usage(db->path, bytes, files, &db->err);
}

int rdb_lock_holders(struct rdb_db *db, struct rdb_lock_holder *out,
    size_t max, size_t *n)
{
	int rc = need_open(db);

	if (rc != RDB_OK)
		return rc;
	return rdb_lock_list(&db->lock, out, max, n, &db->err);
}

/*
 * The superblock is replaced whole, never rewritten in place: a new one
 * in RDB.tmp, fsynced, renamed over RDB, the directory fsynced
 * (format/superblock.md), under the writer lock so that two programs
 * changing settings cannot lose one another's change.
 */
int rdb_set_retention(struct rdb_db *db, uint64_t seconds)
{
	struct rdb_sb sb;
	char *tmp = NULL, *cur = NULL;
	int rc = need_open(db);

	if (rc != RDB_OK)
		return rc;
	if (db->txn != NULL)
		return rdb_err_set(&db->err, RDB_EMISUSE,
		    "a transaction is open on '%s'", db->path);
	if (db->readonly)
		return rdb_err_set(&db->err, RDB_EREADONLY,
		    "cannot change '%s': it is open read-only", db->path);
	if (seconds >= (uint64_t)1 << 53)
		return rdb_err_set(&db->err, RDB_EINVAL,
		    "a retention of %llu seconds is too long",
		    (unsigned long long)seconds);
	if ((rc = rdb_lock_writer(&db->lock, db->lock_timeout_ms, &db->err)) != RDB_OK)
		return rc;
	/* what the file says now, not what this handle read at open */
	if ((rc = rdb_sb_read(db->path, &sb, &db->err)) != RDB_OK)
		goto out;
	if (sb.write_version > RDB_FORMAT_VERSION || sb.size != RDB_SB_SIZE) {
		rc = rdb_err_set(&db->err, RDB_EREADONLY,
		    "cannot change '%s': written by a newer format", db->path);
		goto out;
	}
	sb.settings.retention = seconds;
	if ((tmp = rdb_path_join(db->path, RDB_SB_FILE ".tmp")) == NULL ||
	    (cur = rdb_path_join(db->path, RDB_SB_FILE)) == NULL) {
		rc = rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
		goto out;
	}
	unlink(tmp);
	if ((rc = rdb_sb_write_new(tmp, &sb, &db->err)) != RDB_OK)
		goto out;
	if (rename(tmp, cur) != 0 || rdb_fsync_dir(db->path) != 0) {
		rc = rdb_err_sys(&db->err, errno, "cannot replace '%s'", cur);
		unlink(tmp);
		goto out;
	}
	db->sb = sb;
out:
	free(tmp);
	free(cur);
	rdb_unlock_writer(&db->lock);
	return rc;
}
