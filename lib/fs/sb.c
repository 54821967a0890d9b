/*
 * sb.c - encode, decode and validate the superblock.
 *
 * The superblock is format/superblock.md: 24 frozen bytes (magic, size,
 * versions, flags) [F-SB-001], settings, reserved zeros, and a trailing
 * XXH3-64 over everything before it [F-SB-002]. Decoding trusts nothing
 * before the checksum holds [F-SB-004], so a flipped bit anywhere is
 * damage, never a misread version or setting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sb.h"

static const uint8_t sb_magic[8] = { 0x89, 'R', 'D', 'B', '\r', '\n', 0x1a, '\n' };

/* Field offsets of the byte table. */
enum {
	SB_MAGIC = 0,
	SB_SIZE = 8,
	SB_READ_VERSION = 12,
	SB_WRITE_VERSION = 16,
	SB_FLAGS = 20,
	SB_UUID = 24,
	SB_CREATED = 40,
	SB_PAGE_SIZE = 48,
	SB_CODEC = 52,
	SB_CODEC_LEVEL = 53,
	SB_SYNC = 54,
	SB_CIPHER = 55,
	SB_RETENTION = 56,
	SB_CHECKPOINT = 64,
	SB_ROW_GROUP = 72,
	SB_RESERVED = 76,
	SB_CHECKSUM = 248,
};

void rdb_settings_init(struct rdb_settings *s)
{
	s->page_size = 4096;
	s->codec = RDB_CODEC_ZSTD;
	s->codec_level = 3;
	s->sync = RDB_SYNC_FULL;
	s->retention = 7 * 24 * 3600;
	s->checkpoint_bytes = 64u << 20;
	s->row_group_rows = 122880;
}

/* Validate settings; off is the byte offset reported for each field when
 * checking a superblock, or NULL when checking caller-supplied values. */
static int settings_check(const struct rdb_settings *s, const char *name,
    struct rdb_err *e)
{
	const char *what = NULL;
	int off = 0;

	if (s->page_size < 4096 || s->page_size > 65536 ||
	    (s->page_size & (s->page_size - 1)) != 0) {
		what = "page size must be a power of two from 4096 to 65536";
		off = SB_PAGE_SIZE;
	} else if (s->codec != RDB_CODEC_NONE && s->codec != RDB_CODEC_LZ4 &&
	    s->codec != RDB_CODEC_ZSTD) {
		what = "unknown compression codec";
		off = SB_CODEC;
	} else if (s->codec == RDB_CODEC_ZSTD &&
	    (s->codec_level < -7 || s->codec_level > 22)) {
		what = "zstd level must be from -7 to 22";
		off = SB_CODEC_LEVEL;
	} else if (s->codec != RDB_CODEC_ZSTD && s->codec_level != 0) {
		what = "only zstd takes a compression level";
		off = SB_CODEC_LEVEL;
	} else if (s->sync != RDB_SYNC_OFF && s->sync != RDB_SYNC_NORMAL &&
	    s->sync != RDB_SYNC_FULL) {
		what = "unknown sync mode";
		off = SB_SYNC;
	} else if (s->row_group_rows < 1024 || s->row_group_rows > 1048576) {
		what = "rows per row group must be from 1024 to 1048576";
		off = SB_ROW_GROUP;
	}
	if (what == NULL)
		return RDB_OK;
	if (name != NULL)
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset %d: %s", name, off, what);
	return rdb_err_set(e, RDB_EINVAL, "%s", what);
}

int rdb_settings_check(const struct rdb_settings *s, struct rdb_err *e)
{
	return settings_check(s, NULL, e);
}

void rdb_sb_encode(const struct rdb_sb *sb, uint8_t out[RDB_SB_SIZE])
{
	const struct rdb_settings *s = &sb->settings;

	memset(out, 0, RDB_SB_SIZE);
	memcpy(out + SB_MAGIC, sb_magic, sizeof sb_magic);
	rdb_store32(out + SB_SIZE, RDB_SB_SIZE);
	rdb_store32(out + SB_READ_VERSION, sb->read_version);
	rdb_store32(out + SB_WRITE_VERSION, sb->write_version);
	rdb_store32(out + SB_FLAGS, sb->flags);
	memcpy(out + SB_UUID, sb->uuid, 16);
	rdb_store64(out + SB_CREATED, (uint64_t)sb->created_us);
	rdb_store32(out + SB_PAGE_SIZE, s->page_size);
	out[SB_CODEC] = (uint8_t)s->codec;
	out[SB_CODEC_LEVEL] = (uint8_t)(int8_t)s->codec_level;
	out[SB_SYNC] = (uint8_t)s->sync;
	out[SB_CIPHER] = 0;
	rdb_store64(out + SB_RETENTION, s->retention);
	rdb_store64(out + SB_CHECKPOINT, s->checkpoint_bytes);
	rdb_store32(out + SB_ROW_GROUP, s->row_group_rows);
	rdb_store64(out + SB_CHECKSUM, rdb_hash64(out, SB_CHECKSUM));
}

int rdb_sb_decode(const uint8_t *buf, size_t n, const char *name,
    struct rdb_sb *sb, struct rdb_err *e)
{
	struct rdb_settings *s = &sb->settings;
	uint64_t want, got;
	size_t i;

	memset(sb, 0, sizeof *sb);
	if (n < 24)
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset %zu: truncated to %zu bytes",
		    name, n, n);
	if (memcmp(buf, sb_magic, sizeof sb_magic) != 0)	/* [F-SB-003] */
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset 0: bad magic", name);
	sb->size = rdb_load32(buf + SB_SIZE);
	if (sb->size < RDB_SB_SIZE || sb->size > RDB_SB_MAX)
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset %d: size %u out of range",
		    name, SB_SIZE, sb->size);
	if (n < sb->size)
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset %zu: truncated to %zu of %u bytes",
		    name, n, n, sb->size);
	want = rdb_load64(buf + sb->size - 8);			/* [F-SB-002] */
	got = rdb_hash64(buf, sb->size - 8);
	if (want != got)					/* [F-SB-004] */
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset %u: checksum mismatch",
		    name, sb->size - 8);
	sb->read_version = rdb_load32(buf + SB_READ_VERSION);
	sb->write_version = rdb_load32(buf + SB_WRITE_VERSION);
	sb->flags = rdb_load32(buf + SB_FLAGS);
	if (sb->write_version < sb->read_version)		/* [F-SB-005] */
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset %d: write version %u below read version %u",
		    name, SB_WRITE_VERSION, sb->write_version, sb->read_version);
	if (sb->read_version > RDB_FORMAT_VERSION)		/* [F-SB-010] */
		return rdb_err_set(e, RDB_EVERSION,
		    "'%s' needs format version %u to read; this rdb supports version %d",
		    name, sb->read_version, RDB_FORMAT_VERSION);
	memcpy(sb->uuid, buf + SB_UUID, 16);
	sb->created_us = (int64_t)rdb_load64(buf + SB_CREATED);
	s->page_size = rdb_load32(buf + SB_PAGE_SIZE);
	s->codec = (enum rdb_codec)buf[SB_CODEC];
	s->codec_level = (int8_t)buf[SB_CODEC_LEVEL];
	s->sync = (enum rdb_sync)buf[SB_SYNC];
	s->retention = rdb_load64(buf + SB_RETENTION);
	s->checkpoint_bytes = rdb_load64(buf + SB_CHECKPOINT);
	s->row_group_rows = rdb_load32(buf + SB_ROW_GROUP);
	if (sb->write_version > RDB_FORMAT_VERSION)
		return RDB_OK;	/* newer fields may live in what we call reserved */
	/* [F-SB-006] */
	if (sb->flags != 0)
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset %d: unknown flags 0x%x",
		    name, SB_FLAGS, sb->flags);
	if (buf[SB_CIPHER] != 0)
		return rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s' at offset %d: unknown cipher %u",
		    name, SB_CIPHER, buf[SB_CIPHER]);
	for (i = SB_RESERVED; i < sb->size - 8; i++)
		if (buf[i] != 0)
			return rdb_err_set(e, RDB_ECORRUPT,
			    "damaged superblock '%s' at offset %zu: reserved byte is not zero",
			    name, i);
	return settings_check(s, name, e);
}

int rdb_sb_read(const char *dir, struct rdb_sb *sb, struct rdb_err *e)
{
	uint8_t *buf = NULL;
	char *path;
	struct stat st;
	ssize_t got;
	size_t want;
	int fd = -1, rc;

	path = rdb_path_join(dir, RDB_SB_FILE);
	if (path == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc = rdb_err_sys(e, errno, "cannot open '%s'", path);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = rdb_err_sys(e, errno, "cannot stat '%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = rdb_err_set(e, RDB_ECORRUPT,
		    "damaged superblock '%s': not a regular file", path);
		goto out;
	}
	want = st.st_size > RDB_SB_MAX ? RDB_SB_MAX : (size_t)st.st_size;
	buf = malloc(want > 0 ? want : 1);
	if (buf == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	got = pread(fd, buf, want, 0);
	if (got < 0) {
		rc = rdb_err_sys(e, errno, "cannot read '%s'", path);
		goto out;
	}
	rc = rdb_sb_decode(buf, (size_t)got, path, sb, e);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	return rc;
}

int rdb_sb_write_new(const char *path, const struct rdb_sb *sb,
    struct rdb_err *e)
{
	uint8_t buf[RDB_SB_SIZE];
	int fd, rc = RDB_OK;

	rdb_sb_encode(sb, buf);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return rdb_err_sys(e, errno, "cannot create '%s'", path);
	if (rdb_pwrite_full(fd, buf, sizeof buf, 0) != 0)
		rc = rdb_err_sys(e, errno, "cannot write '%s'", path);
	else if (rdb_io_fsync(fd) != 0)
		rc = rdb_err_sys(e, errno, "cannot sync '%s'", path);
	if (close(fd) != 0 && rc == RDB_OK)
		rc = rdb_err_sys(e, errno, "cannot close '%s'", path);
	return rc;
}
