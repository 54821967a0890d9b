/*
 * io.c - clocks, hashing and careful file I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "util.h"

uint64_t rdb_hash64(const void *p, size_t n)
{
	return (uint64_t)XXH3_64bits(p, n);
}

int64_t rdb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t rdb_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rdb_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int rdb_pread_full(int fd, void *buf, size_t n, off_t off)
{
	uint8_t *p = buf;

	while (n > 0) {
		ssize_t r = pread(fd, p, n, off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = 0;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

int rdb_pwrite_full(int fd, const void *buf, size_t n, off_t off)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t r = rdb_io_pwrite(fd, p, n, off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

int rdb_fsync_dir(const char *path)
{
	int fd, rc, saved;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = rdb_io_fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

char *rdb_path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (s == NULL)
		return NULL;
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

void rdb_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n == 0)
		return;
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* ---- fault injection for tests ---- */

static enum rdb_fault_kind fault_kind;
static uint64_t fault_at, points;

/* Writes not yet fsynced, to undo for a simulated power loss. */
struct undo {
	dev_t dev;
	ino_t ino;
	char *path;
	off_t off;
	size_t len;
	uint8_t *old;           /* the bytes before, len of them */
	off_t old_size;
};
static struct undo *undos;
static size_t nundo, capundo;

void rdb_io_fault(enum rdb_fault_kind kind, uint64_t n)
{
	fault_kind = kind;
	fault_at = n;
	points = 0;
}

uint64_t rdb_io_points(void)
{
	return points;
}

static void remember(int fd, off_t off, size_t n)
{
	char link[64], path[4096];
	struct stat st;
	struct undo *u;
	ssize_t len, got;

	if (fstat(fd, &st) != 0)
		return;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof path - 1);
	if (len <= 0)
		return;
	path[len] = '\0';
	if (nundo == capundo) {
		size_t cap = capundo < 64 ? 64 : capundo * 2;
		u = realloc(undos, cap * sizeof *u);
		if (u == NULL)
			return;
		undos = u;
		capundo = cap;
	}
	u = &undos[nundo];
	u->dev = st.st_dev;
	u->ino = st.st_ino;
	u->path = strdup(path);
	u->off = off;
	u->len = n;
	u->old = calloc(1, n > 0 ? n : 1);
	u->old_size = st.st_size;
	if (u->path == NULL || u->old == NULL) {
		free(u->path);
		free(u->old);
		return;
	}
	got = pread(fd, u->old, n, off);
	if (got < 0)
		got = 0;
	if ((size_t)got < n)
		memset(u->old + got, 0, n - (size_t)got);
	nundo++;
}

static void forget(int fd)
{
	struct stat st;
	size_t i, k;

	if (fstat(fd, &st) != 0)
		return;
	for (i = k = 0; i < nundo; i++) {
		if (undos[i].dev == st.st_dev && undos[i].ino == st.st_ino) {
			free(undos[i].path);
			free(undos[i].old);
		} else {
			undos[k++] = undos[i];
		}
	}
	nundo = k;
}

__attribute__((noreturn)) static void power_loss(void)
{
	size_t i = nundo;

	while (i-- > 0) {
		struct undo *u = &undos[i];
		int fd = open(u->path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (pwrite(fd, u->old, u->len, u->off) < 0 ||
		    ftruncate(fd, u->old_size) != 0) {
			/* nothing better to do in a simulated crash */
		}
		close(fd);
	}
	_exit(99);
}

/* Count an I/O point; returns the fault to apply to it, if any. */
static enum rdb_fault_kind point(void)
{
	if (fault_kind == RDB_FAULT_NONE)
		return RDB_FAULT_NONE;
	if (++points != fault_at)
		return RDB_FAULT_NONE;
	switch (fault_kind) {
	case RDB_FAULT_CRASH:
		_exit(99);
	case RDB_FAULT_POWERLOSS:
		power_loss();
	default:
		return fault_kind;
	}
}

ssize_t rdb_io_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	enum rdb_fault_kind f = point();
	ssize_t r;

	if (fault_kind == RDB_FAULT_POWERLOSS)
		remember(fd, off, n);
	switch (f) {
	case RDB_FAULT_TORN:
		r = pwrite(fd, buf, n / 2, off);
		(void)r;
		_exit(99);
	case RDB_FAULT_EIO:
		errno = EIO;
		return -1;
	case RDB_FAULT_ENOSPC:
		errno = ENOSPC;
		return -1;
	case RDB_FAULT_SHORT:
		if (n > 1) {
			/* the rest of this write will hit a full disk */
			fault_kind = RDB_FAULT_ENOSPC;
			fault_at = points + 1;
			return pwrite(fd, buf, n / 2, off);
		}
		errno = ENOSPC;
		return -1;
	default:
		return pwrite(fd, buf, n, off);
	}
}

int rdb_io_fsync(int fd)
{
	enum rdb_fault_kind f = point();

	if (f == RDB_FAULT_TORN)
		_exit(99);	/* nothing to tear: a plain crash */
	if (f == RDB_FAULT_EIO || f == RDB_FAULT_ENOSPC || f == RDB_FAULT_SHORT) {
		errno = f == RDB_FAULT_EIO ? EIO : ENOSPC;
		return -1;
	}
	if (fault_kind == RDB_FAULT_POWERLOSS)
		forget(fd);
	return fdatasync(fd);
}

int rdb_io_ftruncate(int fd, off_t len)
{
	enum rdb_fault_kind f = point();

	if (f == RDB_FAULT_TORN)
		_exit(99);
	if (f == RDB_FAULT_EIO || f == RDB_FAULT_ENOSPC || f == RDB_FAULT_SHORT) {
		errno = f == RDB_FAULT_EIO ? EIO : ENOSPC;
		return -1;
	}
	if (fault_kind == RDB_FAULT_POWERLOSS) {
		struct stat st;
		/* remember the bytes a truncation removes */
		if (fstat(fd, &st) == 0 && st.st_size > len)
			remember(fd, len, (size_t)(st.st_size - len));
	}
	return ftruncate(fd, len);
}
