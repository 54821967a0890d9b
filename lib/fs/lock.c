/*
 * lock.c - OFD byte-range locks on LOCK, with holder records.
 *
 * Layout and rules are format/lock.md. Each lock covers one 64-byte
 * record; the record says who holds the lock (OFD locks cannot say) and,
 * for readers, which snapshot they pin. The lock is the truth and the
 * record is advice: a record whose range is not locked is stale
 * [F-LCK-005], which is how a killed holder disappears at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"

static const uint8_t lock_magic[8] = { 'R', 'D', 'B', 'L', 'O', 'C', 'K', 0 };

enum { REC_WRITER = 0, REC_CHECKPOINT = 1, REC_READER0 = 2 };

static off_t rec_offset(int rec)
{
	return (off_t)RDB_LOCK_RECSIZE * (rec + 1);
}

int rdb_lock_file_create(const char *path, struct rdb_err *e)
{
	uint8_t buf[RDB_LOCK_FILESIZE];
	int fd, rc = RDB_OK;

	memset(buf, 0, sizeof buf);
	memcpy(buf, lock_magic, sizeof lock_magic);
	rdb_store32(buf + 8, 0);
	rdb_store32(buf + 12, RDB_LOCK_RECSIZE);
	rdb_store32(buf + 16, RDB_LOCK_READERS);
	rdb_store64(buf + 56, rdb_hash64(buf, 56));
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

int rdb_lock_open(struct rdb_lock *l, const char *dir, const char *program,
    struct rdb_err *e)
{
	uint8_t hdr[64];
	struct stat st;
	char *path;
	int rc = RDB_OK;

	l->fd = -1;
	l->writable = 0;
	l->dbname = dir;
	l->has_writer = l->has_checkpoint = 0;
	l->slot = -1;
	rdb_strlcpy(l->program, program != NULL ? program : "librdb",
	    sizeof l->program);
	path = rdb_path_join(dir, RDB_LOCK_FILE);
	if (path == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	l->fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (l->fd >= 0) {
		l->writable = 1;
	} else if (errno == EACCES || errno == EROFS || errno == EPERM) {
		l->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (l->fd < 0) {
		rc = errno == ENOENT
		    ? rdb_err_set(e, RDB_ECORRUPT,
			"damaged database '%s': lock file '%s' is missing", dir, path)
		    : rdb_err_sys(e, errno, "cannot open '%s'", path);
		goto out;
	}
	/* [F-LCK-010] */
	if (fstat(l->fd, &st) != 0) {
		rc = rdb_err_sys(e, errno, "cannot stat '%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < RDB_LOCK_FILESIZE) {
		rc = rdb_err_set(e, RDB_ECORRUPT,
		    "damaged lock file '%s': %lld bytes, expected %d", path,
		    (long long)st.st_size, RDB_LOCK_FILESIZE);
		goto out;
	}
	if (rdb_pread_full(l->fd, hdr, sizeof hdr, 0) != 0) {
		rc = rdb_err_sys(e, errno ? errno : EIO, "cannot read '%s'", path);
		goto out;
	}
	if (memcmp(hdr, lock_magic, 8) != 0 || rdb_load32(hdr + 8) != 0 ||
	    rdb_load32(hdr + 12) != RDB_LOCK_RECSIZE ||
	    rdb_load32(hdr + 16) != RDB_LOCK_READERS ||
	    rdb_load64(hdr + 56) != rdb_hash64(hdr, 56)) {
		rc = rdb_err_set(e, RDB_ECORRUPT,
		    "damaged lock file '%s' at offset 0: bad header", path);
		goto out;
	}
out:
	if (rc != RDB_OK && l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
	free(path);
	return rc;
}

static int ofd_lock(int fd, int rec, short type, int cmd)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = rec_offset(rec);
	fl.l_len = RDB_LOCK_RECSIZE;
	fl.l_pid = 0;		/* must be zero for OFD locks */
	return fcntl(fd, cmd, &fl);
}

/* 1 when another open file description locks record rec, 0 when not,
 * -1 with errno on failure. [F-LCK-005] */
static int rec_is_locked(int fd, int rec)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = rec_offset(rec);
	fl.l_len = RDB_LOCK_RECSIZE;
	if (fcntl(fd, F_OFD_GETLK, &fl) != 0)
		return -1;
	return fl.l_type != F_UNLCK;
}

static int rec_write(struct rdb_lock *l, int rec, uint64_t snapshot)
{
	uint8_t buf[RDB_LOCK_RECSIZE];

	memset(buf, 0, sizeof buf);
	rdb_store32(buf, (uint32_t)getpid());
	rdb_store32(buf + 4, (uint32_t)getuid());
	rdb_store64(buf + 8, (uint64_t)rdb_now_us());
	rdb_store64(buf + 16, snapshot);
	memcpy(buf + 24, l->program, strlen(l->program));
	rdb_store64(buf + 56, rdb_hash64(buf, 56));
	return rdb_pwrite_full(l->fd, buf, sizeof buf, rec_offset(rec));
}

static void rec_clear(struct rdb_lock *l, int rec)
{
	static const uint8_t zero[RDB_LOCK_RECSIZE];

	/* Best effort: a stale record is ignored anyway [F-LCK-005]. */
	(void)rdb_pwrite_full(l->fd, zero, sizeof zero, rec_offset(rec));
}

/* Read the record of rec into h; 0 when it was readable and valid,
 * -1 when empty, torn or unreadable (h then says unknown). [F-LCK-006] */
static int rec_read(struct rdb_lock *l, int rec, struct rdb_lock_holder *h)
{
	uint8_t buf[RDB_LOCK_RECSIZE];
	int tries;

	memset(h, 0, sizeof *h);
	h->kind = rec == REC_WRITER ? RDB_LOCK_WRITER
	    : rec == REC_CHECKPOINT ? RDB_LOCK_CHECKPOINT : RDB_LOCK_READER;
	h->slot = rec >= REC_READER0 ? rec - REC_READER0 : -1;
	for (tries = 0; tries < 5; tries++) {
		if (tries > 0)
			rdb_sleep_ms(1);
		if (rdb_pread_full(l->fd, buf, sizeof buf, rec_offset(rec)) != 0)
			return -1;
		if (rdb_load32(buf) == 0)
			continue;	/* the holder may not have written yet */
		if (rdb_load64(buf + 56) != rdb_hash64(buf, 56))
			continue;
		h->pid = rdb_load32(buf);
		h->uid = rdb_load32(buf + 4);
		h->since_us = (int64_t)rdb_load64(buf + 8);
		h->snapshot = rdb_load64(buf + 16);
		memcpy(h->program, buf + 24, 32);
		h->program[32] = '\0';
		return 0;
	}
	return -1;
}

const char *rdb_lock_kind_name(enum rdb_lock_kind k)
{
	switch (k) {
	case RDB_LOCK_WRITER:
		return "writer";
	case RDB_LOCK_CHECKPOINT:
		return "checkpoint";
	case RDB_LOCK_READER:
		return "reader";
	}
	return "?";
}

static int busy_error(struct rdb_lock *l, int rec, int timeout_ms,
    struct rdb_err *e)
{
	struct rdb_lock_holder h;
	char since[32] = "";
	char waited[32];

	if (timeout_ms % 1000 == 0)
		snprintf(waited, sizeof waited, "%d s", timeout_ms / 1000);
	else
		snprintf(waited, sizeof waited, "%d ms", timeout_ms);
	if (rec_read(l, rec, &h) != 0)
		return rdb_err_set(e, RDB_EBUSY,
		    "database '%s' is locked by another %s (holder unknown); gave up after %s",
		    l->dbname, rdb_lock_kind_name(h.kind), waited);
	{
		time_t t = (time_t)(h.since_us / 1000000);
		struct tm tm;

		if (gmtime_r(&t, &tm) != NULL)
			strftime(since, sizeof since, "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	return rdb_err_set(e, RDB_EBUSY,
	    "database '%s' is locked by %s %s (pid %u, since %s); gave up after %s",
	    l->dbname, rdb_lock_kind_name(h.kind), h.program, h.pid, since,
	    waited);
}

/* Take the range of rec, polling with back-off until timeout_ms has
 * passed [F-LCK-007]. */
static int lock_wait(struct rdb_lock *l, int rec, int timeout_ms,
    struct rdb_err *e)
{
	int64_t deadline;
	int delay = 1;

	if (l->fd < 0)
		return rdb_err_set(e, RDB_EMISUSE, "lock file is not open");
	if (!l->writable)
		return rdb_err_set(e, RDB_EREADONLY,
		    "cannot lock database '%s': its lock file is not writable",
		    l->dbname);
	if (timeout_ms < 0)
		timeout_ms = RDB_LOCK_TIMEOUT_MS;
	deadline = rdb_mono_ms() + timeout_ms;
	for (;;) {
		if (ofd_lock(l->fd, rec, F_WRLCK, F_OFD_SETLK) == 0)
			break;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return rdb_err_sys(e, errno, "cannot lock database '%s'",
			    l->dbname);
		if (rdb_mono_ms() >= deadline)
			return busy_error(l, rec, timeout_ms, e);
		rdb_sleep_ms(delay);
		if (delay < 50)
			delay *= 2;
	}
	if (rec_write(l, rec, 0) != 0) {		/* [F-LCK-006] */
		int rc = rdb_err_sys(e, errno, "cannot write lock file of '%s'",
		    l->dbname);
		ofd_lock(l->fd, rec, F_UNLCK, F_OFD_SETLK);
		return rc;
	}
	return RDB_OK;
}

static void unlock_rec(struct rdb_lock *l, int rec)
{
	rec_clear(l, rec);
	ofd_lock(l->fd, rec, F_UNLCK, F_OFD_SETLK);
}

int rdb_lock_writer(struct rdb_lock *l, int timeout_ms, struct rdb_err *e)
{
	int rc;

	if (l->has_writer)
		return rdb_err_set(e, RDB_EMISUSE, "writer lock already held");
	rc = lock_wait(l, REC_WRITER, timeout_ms, e);	/* [F-LCK-002] */
	if (rc == RDB_OK)
		l->has_writer = 1;
	return rc;
}

void rdb_unlock_writer(struct rdb_lock *l)
{
	if (l->fd >= 0 && l->has_writer)
		unlock_rec(l, REC_WRITER);
	l->has_writer = 0;
}

int rdb_lock_checkpoint(struct rdb_lock *l, int timeout_ms, struct rdb_err *e)
{
	int rc;

	if (l->has_checkpoint)
		return rdb_err_set(e, RDB_EMISUSE, "checkpoint lock already held");
	rc = lock_wait(l, REC_CHECKPOINT, timeout_ms, e);	/* [F-LCK-003] */
	if (rc == RDB_OK)
		l->has_checkpoint = 1;
	return rc;
}

void rdb_unlock_checkpoint(struct rdb_lock *l)
{
	if (l->fd >= 0 && l->has_checkpoint)
		unlock_rec(l, REC_CHECKPOINT);
	l->has_checkpoint = 0;
}

int rdb_lock_pin(struct rdb_lock *l, uint64_t snapshot, struct rdb_err *e)
{
	int i, start, slot;

	if (l->fd < 0)
		return rdb_err_set(e, RDB_EMISUSE, "lock file is not open");
	if (!l->writable)
		return rdb_err_set(e, RDB_EREADONLY,
		    "cannot pin a snapshot of '%s': its lock file is not writable",
		    l->dbname);
	if (l->slot >= 0) {
		if (rec_write(l, REC_READER0 + l->slot, snapshot) != 0)
			return rdb_err_sys(e, errno,
			    "cannot write lock file of '%s'", l->dbname);
		return RDB_OK;
	}
	/* Start at a slot spread by pid so concurrent readers rarely probe
	 * the same ranges; never wait [F-LCK-004]. */
	start = (int)((unsigned)getpid() % RDB_LOCK_READERS);
	for (i = 0; i < RDB_LOCK_READERS; i++) {
		slot = (start + i) % RDB_LOCK_READERS;
		if (ofd_lock(l->fd, REC_READER0 + slot, F_WRLCK,
		    F_OFD_SETLK) != 0) {
			if (errno == EAGAIN || errno == EACCES)
				continue;
			return rdb_err_sys(e, errno, "cannot lock database '%s'",
			    l->dbname);
		}
		if (rec_write(l, REC_READER0 + slot, snapshot) != 0) {
			int rc = rdb_err_sys(e, errno,
			    "cannot write lock file of '%s'", l->dbname);
			ofd_lock(l->fd, REC_READER0 + slot, F_UNLCK, F_OFD_SETLK);
			return rc;
		}
		l->slot = slot;
		return RDB_OK;
	}
	return rdb_err_set(e, RDB_EBUSY,
	    "database '%s' has too many readers (%d)", l->dbname,
	    RDB_LOCK_READERS);
}

void rdb_lock_unpin(struct rdb_lock *l)
{
	if (l->fd >= 0 && l->slot >= 0)
		unlock_rec(l, REC_READER0 + l->slot);
	l->slot = -1;
}

int rdb_lock_wait_readers(struct rdb_lock *l, uint64_t below, int timeout_ms,
    struct rdb_err *e)
{
	struct rdb_lock_holder h;
	int64_t deadline;
	int delay = 1, i, live, blocking;

	if (timeout_ms < 0)
		timeout_ms = RDB_LOCK_TIMEOUT_MS;
	deadline = rdb_mono_ms() + timeout_ms;
	for (;;) {
		blocking = -1;
		for (i = 0; i < RDB_LOCK_READERS && blocking < 0; i++) {
			live = rec_is_locked(l->fd, REC_READER0 + i);
			if (live < 0)
				return rdb_err_sys(e, errno,
				    "cannot test locks of '%s'", l->dbname);
			if (!live)
				continue;
			/* An unreadable record pins everything: be safe. */
			if (rec_read(l, REC_READER0 + i, &h) != 0 ||
			    h.snapshot < below)
				blocking = i;
		}
		if (blocking < 0)
			return RDB_OK;
		if (rdb_mono_ms() >= deadline)
			return busy_error(l, REC_READER0 + blocking, timeout_ms, e);
		rdb_sleep_ms(delay);
		if (delay < 50)
			delay *= 2;
	}
}

int rdb_lock_list(struct rdb_lock *l, struct rdb_lock_holder *out,
    size_t max, size_t *n, struct rdb_err *e)
{
	struct rdb_lock_holder h;
	int rec, live;

	*n = 0;
	if (l->fd < 0)
		return rdb_err_set(e, RDB_EMISUSE, "lock file is not open");
	for (rec = 0; rec < REC_READER0 + RDB_LOCK_READERS; rec++) {
		live = rec_is_locked(l->fd, rec);
		if (live < 0)
			return rdb_err_sys(e, errno, "cannot test locks of '%s'",
			    l->dbname);
		if (!live)
			continue;
		(void)rec_read(l, rec, &h);	/* unknown holders still count */
		if (*n < max)
			out[*n] = h;
		(*n)++;
	}
	return RDB_OK;
}

void rdb_lock_close(struct rdb_lock *l)
{
	if (l->fd < 0)
		return;
	rdb_unlock_writer(l);
	rdb_unlock_checkpoint(l);
	rdb_lock_unpin(l);
	close(l->fd);
	l->fd = -1;
}
