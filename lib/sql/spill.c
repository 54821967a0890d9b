/*
 * spill.c - temporary files and value encoding for operators that
 * spill to disk (see spill.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sql/spill.h"

int spill_tmpfile(struct exec *x, const char *whose, int *fdp)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd, err;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*fdp = fd;
		return 0;
	}
#endif
	/* No O_TMPFILE on this file system: name the file for an instant. */
	path = malloc(strlen(dir) + sizeof("/rdb-spill-XXXXXX"));
	if (path == NULL)
		return sql_error(&x->cx, "out of memory");
	sprintf(path, "%s/rdb-spill-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	err = errno;
	if (fd >= 0)
		(void)unlink(path);
	free(path);
	if (fd < 0)
		return sql_error(&x->cx, "cannot create the %s temporary file in "
		    "'%s': %s", whose, dir, strerror(err));
	*fdp = fd;
	return 0;
}

void spill_val_encode(int tid, const struct sql_val *v, uint8_t head[17],
    size_t *headlen, const void **tail, size_t *taillen)
{
	uint8_t tag = !(v->null || tid == T_NULL || v->t.id == T_NULL);

	head[0] = tag;
	*headlen = 1;
	*tail = NULL;
	*taillen = 0;
	if (!tag)
		return;
	if (sql_is_strlike(tid)) {
		uint32_t n = v->u.s.n;
		memcpy(head + 1, &n, 4);
		*headlen = 5;
		*tail = v->u.s.p;
		*taillen = n;
	} else if (tid == T_DECIMAL) {
		memcpy(head + 1, &v->u.x, 16);
		*headlen = 17;
	} else if (tid == T_INTERVAL) {
		memcpy(head + 1, &v->u.iv.months, 4);
		memcpy(head + 5, &v->u.iv.days, 4);
		memcpy(head + 9, &v->u.iv.us, 8);
		*headlen = 17;
	} else if (tid == T_DOUBLE) {
		memcpy(head + 1, &v->u.d, 8);
		*headlen = 9;
	} else {
		memcpy(head + 1, &v->u.i, 8);
		*headlen = 9;
	}
}

int spill_val_get(const uint8_t *p, size_t len, size_t *at,
    struct sql_type t, struct sql_val *v)
{
	size_t i = *at;
	int id = t.id;

	memset(v, 0, sizeof(*v));
	v->t = t;
	if (i >= len)
		return -1;
	if (p[i] == 0) {
		v->null = 1;
		*at = i + 1;
		return 0;
	}
	if (p[i] != 1 || id == T_NULL)
		return -1;
	i++;
	if (sql_is_strlike(id)) {
		uint32_t n;
		if (len - i < 4)
			return -1;
		memcpy(&n, p + i, 4);
		i += 4;
		if (len - i < n)
			return -1;
		v->u.s.p = (const char *)p + i;
		v->u.s.n = n;
		i += n;
	} else if (id == T_DECIMAL || id == T_INTERVAL) {
		if (len - i < 16)
			return -1;
		if (id == T_DECIMAL) {
			memcpy(&v->u.x, p + i, 16);
		} else {
			memcpy(&v->u.iv.months, p + i, 4);
			memcpy(&v->u.iv.days, p + i + 4, 4);
			memcpy(&v->u.iv.us, p + i + 8, 8);
		}
		i += 16;
	} else {
		if (len - i < 8)
			return -1;
		if (id == T_DOUBLE)
			memcpy(&v->u.d, p + i, 8);
		else
			memcpy(&v->u.i, p + i, 8);
		i += 8;
	}
	*at = i;
	return 0;
}

int spill_fill(struct exec *x, const char *whose, int fd, uint8_t **buf,
    size_t *cap, size_t *lo, size_t *hi, uint64_t *off, uint64_t end,
    size_t need)
{
	if (*hi - *lo >= need)
		return 0;
	if (need - (*hi - *lo) > end - *off)
		return sql_error(&x->cx, "the %s temporary file is damaged", whose);
	if (*lo > 0) {
		memmove(*buf, *buf + *lo, *hi - *lo);
		*hi -= *lo;
		*lo = 0;
	}
	if (need > *cap) {
		/* need is at most 4 + the longest record: it was once in
		 * memory */
		uint8_t *p = realloc(*buf, need);
		if (p == NULL)
			return sql_error(&x->cx, "out of memory");
		*buf = p;
		*cap = need;
	}
	while (*hi < need) {
		size_t want = *cap - *hi;
		ssize_t n;
		if (want > end - *off)
			want = (size_t)(end - *off);
		n = pread(fd, *buf + *hi, want, (off_t)*off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sql_error(&x->cx, "cannot read the %s temporary file: "
			    "%s", whose, strerror(errno));
		if (n == 0)
			return sql_error(&x->cx, "the %s temporary file is damaged",
			    whose);
		*hi += (size_t)n;
		*off += (uint64_t)n;
	}
	return 0;
}
