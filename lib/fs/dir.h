/*
 * dir.h - the database directory: atomic creation, filesystem checks,
 * space accounting (format/directory.md).
 */
#ifndef RDB_FS_DIR_H
#define RDB_FS_DIR_H

#include "fs/sb.h"
#include "util/util.h"

/* Subdirectories every database has [F-DIR-002], in component order
 * RDB_COMP_WAL.. of rdb.h. */
extern const char *const rdb_dir_subdirs[];
#define RDB_DIR_NSUBDIRS 6

/* Non-zero when the statfs f_type magic names a network filesystem
 * [F-DIR-007]; *name gets its name. */
int rdb_fs_is_network(unsigned long magic, const char **name);

/* Refuse path (an existing directory or file) when it lies on a network
 * filesystem, unless force. */
int rdb_fs_check_local(const char *path, int force, struct rdb_err *e);

/* Build a complete database at path from sb, atomically [F-DIR-004]. */
int rdb_dir_create(const char *path, const struct rdb_sb *sb, int force,
    struct rdb_err *e);

/* Check that dir is a database directory [F-DIR-001] [F-DIR-002]. */
int rdb_dir_check(const char *dir, struct rdb_err *e);

/* Sum allocated bytes and files of dir per component. */
int rdb_dir_usage(const char *dir, uint64_t bytes[RDB_COMP_COUNT],
    uint64_t files[RDB_COMP_COUNT], struct rdb_err *e);

#endif
