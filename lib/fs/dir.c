/*
 * dir.c - create, check and measure a database directory.
 *
 * Creation follows [F-DIR-004]: everything is built under a temporary
 * sibling name, synced, and renamed into place, so a crash leaves either
 * nothing or a whole database under the final name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "dir.h"
#include "lock.h"
#include "wal/wal.h"

const char *const rdb_dir_subdirs[RDB_DIR_NSUBDIRS] = {
	"wal", "manifest", "tables", "indexes", "models", "audit",
};

static const struct {
	unsigned long magic;
	const char *name;
} netfs[] = {
	{ 0x6969, "NFS" },
	{ 0x517b, "SMB" },
	{ 0xff534d42, "CIFS" },
	{ 0xfe534d42, "SMB2" },
	{ 0x5346414f, "AFS" },
	{ 0x6b414653, "AFS" },
	{ 0x73757245, "Coda" },
	{ 0x01021997, "9P" },
	{ 0x00c36400, "Ceph" },
	{ 0x0bd00bd0, "Lustre" },
	{ 0x01161970, "GFS2" },
	{ 0x7461636f, "OCFS2" },
};

int rdb_fs_is_network(unsigned long magic, const char **name)
{
	size_t i;

	for (i = 0; i < sizeof netfs / sizeof netfs[0]; i++) {
		if (netfs[i].magic == (magic & 0xffffffffUL)) {
			if (name != NULL)
				*name = netfs[i].name;
			return 1;
		}
	}
	return 0;
}

int rdb_fs_check_local(const char *path, int force, struct rdb_err *e)
{
	struct statfs sf;
	const char *name;

	if (force)
		return RDB_OK;
	if (statfs(path, &sf) != 0)
		return rdb_err_sys(e, errno, "cannot examine '%s'", path);
	if (rdb_fs_is_network((unsigned long)sf.f_type, &name))
		return rdb_err_set(e, RDB_ENETFS,
		    "'%s' is on a network filesystem (%s) whose locks are not reliable; use --force to go on anyway",
		    path, name);
	return RDB_OK;
}

/* The parent directory of path, as a new string. */
static char *parent_of(const char *path)
{
	char *copy = strdup(path), *d, *res;

	if (copy == NULL)
		return NULL;
	d = dirname(copy);
	res = strdup(d);
	free(copy);
	return res;
}

/* 0 when path does not exist or is an empty directory; otherwise sets
 * e and returns its code. [F-DIR-005] */
static int check_target(const char *path, struct rdb_err *e)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int empty = 1;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return RDB_OK;
		return rdb_err_sys(e, errno, "cannot create '%s'", path);
	}
	if (!S_ISDIR(st.st_mode))
		return rdb_err_set(e, RDB_EEXIST,
		    "cannot create '%s': File exists", path);
	d = opendir(path);
	if (d == NULL)
		return rdb_err_sys(e, errno, "cannot create '%s'", path);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	if (!empty)
		return rdb_err_set(e, RDB_EEXIST,
		    "cannot create '%s': Directory not empty", path);
	return RDB_OK;
}

/* Remove the temporary tree we built (best effort, only our names). */
static void remove_tmp(const char *tmp)
{
	char *p;
	int i;

	for (i = 0; i < RDB_DIR_NSUBDIRS; i++) {
		p = rdb_path_join(tmp, rdb_dir_subdirs[i]);
		if (p != NULL) {
			rmdir(p);
			free(p);
		}
	}
	p = rdb_path_join(tmp, RDB_SB_FILE);
	if (p != NULL) {
		unlink(p);
		free(p);
	}
	p = rdb_path_join(tmp, RDB_LOCK_FILE);
	if (p != NULL) {
		unlink(p);
		free(p);
	}
	rmdir(tmp);
}

int rdb_dir_create(const char *path, const struct rdb_sb *sb, int force,
    struct rdb_err *e)
{
	char *parent = NULL, *tmp = NULL, *p = NULL, *base, *copy = NULL;
	struct stat st;
	int rc, i, made = 0;

	if (path[0] == '\0')
		return rdb_err_set(e, RDB_EINVAL, "cannot create '': empty path");
	rc = check_target(path, e);
	if (rc != RDB_OK)
		return rc;
	parent = parent_of(path);
	copy = strdup(path);
	if (parent == NULL || copy == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	if (stat(parent, &st) != 0) {
		rc = rdb_err_sys(e, errno, "cannot create '%s'", path);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		rc = rdb_err_sys(e, ENOTDIR, "cannot create '%s'", path);
		goto out;
	}
	rc = rdb_fs_check_local(parent, force, e);	/* [F-DIR-007] */
	if (rc != RDB_OK)
		goto out;
	base = basename(copy);
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strcmp(base, "/") == 0) {
		rc = rdb_err_set(e, RDB_EINVAL,
		    "cannot create '%s': give the database a name", path);
		goto out;
	}
	/* [F-DIR-004] a hidden sibling in the same parent, so rename is
	 * atomic and a crash leaves recognisable garbage. */
	if (asprintf(&tmp, "%s/.%s.tmp-XXXXXX", parent, base) < 0) {
		tmp = NULL;
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		rc = rdb_err_sys(e, errno, "cannot create '%s'", path);
		goto out;
	}
	made = 1;
	if (chmod(tmp, 0700) != 0) {			/* [F-DIR-003] */
		rc = rdb_err_sys(e, errno, "cannot create '%s'", path);
		goto out;
	}
	for (i = 0; i < RDB_DIR_NSUBDIRS; i++) {
		p = rdb_path_join(tmp, rdb_dir_subdirs[i]);
		if (p == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		if (mkdir(p, 0700) != 0 || rdb_fsync_dir(p) != 0) {
			rc = rdb_err_sys(e, errno, "cannot create '%s'", path);
			goto out;
		}
		free(p);
		p = NULL;
	}
	/* the log's first file, where replay starts [F-WAL-015] */
	rc = rdb_wal_start(tmp, sb->uuid, 1, 1, 0, e);
	if (rc != RDB_OK)
		goto out;
	p = rdb_path_join(tmp, RDB_LOCK_FILE);
	if (p == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	rc = rdb_lock_file_create(p, e);
	if (rc != RDB_OK)
		goto out;
	free(p);
	p = rdb_path_join(tmp, RDB_SB_FILE);
	if (p == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	rc = rdb_sb_write_new(p, sb, e);
	if (rc != RDB_OK)
		goto out;
	if (rdb_fsync_dir(tmp) != 0) {
		rc = rdb_err_sys(e, errno, "cannot sync '%s'", path);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		rc = rdb_err_sys(e, errno, "cannot create '%s'", path);
		goto out;
	}
	made = 0;
	if (rdb_fsync_dir(parent) != 0) {
		rc = rdb_err_sys(e, errno, "cannot sync '%s'", parent);
		goto out;
	}
	rc = RDB_OK;
out:
	if (made)
		remove_tmp(tmp);
	free(p);
	free(tmp);
	free(copy);
	free(parent);
	return rc;
}

int rdb_dir_check(const char *dir, struct rdb_err *e)
{
	struct stat st;
	char *p;
	int i;

	if (stat(dir, &st) != 0)
		return rdb_err_sys(e, errno, "cannot open '%s'", dir);
	if (!S_ISDIR(st.st_mode))
		return rdb_err_set(e, RDB_ENOTDB,
		    "cannot open '%s': not an rdb database (not a directory)", dir);
	p = rdb_path_join(dir, RDB_SB_FILE);
	if (p == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if (lstat(p, &st) != 0) {			/* [F-DIR-001] */
		int err = errno;
		free(p);
		if (err == ENOENT)
			return rdb_err_set(e, RDB_ENOTDB,
			    "cannot open '%s': not an rdb database (no superblock 'RDB')",
			    dir);
		return rdb_err_sys(e, err, "cannot open '%s'", dir);
	}
	free(p);
	for (i = 0; i < RDB_DIR_NSUBDIRS; i++) {	/* [F-DIR-002] */
		p = rdb_path_join(dir, rdb_dir_subdirs[i]);
		if (p == NULL)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
			int rc = rdb_err_set(e, RDB_ECORRUPT,
			    "damaged database '%s': directory '%s' is missing",
			    dir, p);
			free(p);
			return rc;
		}
		free(p);
	}
	return RDB_OK;
}

/* Add the allocated bytes and files under path to *bytes and *files,
 * without following symbolic links. */
static int usage_walk(const char *path, int depth, uint64_t *bytes,
    uint64_t *files, struct rdb_err *e)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	char *p;
	int rc = RDB_OK;

	if (depth > 16)
		return RDB_OK;	/* deeper than rdb ever nests: not ours */
	d = opendir(path);
	if (d == NULL)
		return rdb_err_sys(e, errno, "cannot read '%s'", path);
	while ((de = readdir(d)) != NULL && rc == RDB_OK) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = rdb_path_join(path, de->d_name);
		if (p == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			break;
		}
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				*bytes += (uint64_t)st.st_blocks * 512;
				rc = usage_walk(p, depth + 1, bytes, files, e);
			} else if (S_ISREG(st.st_mode)) {
				*bytes += (uint64_t)st.st_blocks * 512;
				(*files)++;
			}
		}
		free(p);
	}
	closedir(d);
	return rc;
}

int rdb_dir_usage(const char *dir, uint64_t bytes[RDB_COMP_COUNT],
    uint64_t files[RDB_COMP_COUNT], struct rdb_err *e)
{
	struct dirent *de;
	struct stat st;
	uint64_t dummy[RDB_COMP_COUNT];
	DIR *d;
	char *p;
	int i, comp, rc = RDB_OK;

	if (files == NULL)
		files = dummy;
	for (i = 0; i < RDB_COMP_COUNT; i++)
		bytes[i] = files[i] = 0;
	d = opendir(dir);
	if (d == NULL)
		return rdb_err_sys(e, errno, "cannot read '%s'", dir);
	while ((de = readdir(d)) != NULL && rc == RDB_OK) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		comp = RDB_COMP_META;
		for (i = 0; i < RDB_DIR_NSUBDIRS; i++)
			if (strcmp(de->d_name, rdb_dir_subdirs[i]) == 0)
				comp = RDB_COMP_WAL + i;
		p = rdb_path_join(dir, de->d_name);
		if (p == NULL) {
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			break;
		}
		if (lstat(p, &st) == 0) {
			bytes[comp] += (uint64_t)st.st_blocks * 512;
			if (S_ISDIR(st.st_mode))
				rc = usage_walk(p, 1, &bytes[comp], &files[comp], e);
			else if (S_ISREG(st.st_mode))
				files[comp]++;
		}
		free(p);
	}
	closedir(d);
	return rc;
}
