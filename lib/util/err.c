/*
 * err.c - error records and the messages of result codes.
 */
#include <errno.h>
#include <stdio.h>

#include "util.h"

void rdb_err_clear(struct rdb_err *e)
{
	e->code = RDB_OK;
	e->msg[0] = '\0';
}

static void err_vset(struct rdb_err *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int rdb_err_set(struct rdb_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int rdb_code_from_errno(int errnum)
{
	switch (errnum) {
	case ENOMEM:
		return RDB_ENOMEM;
	case ENOENT:
	case ENOTDIR:
		return RDB_ENOENT;
	case EEXIST:
	case ENOTEMPTY:
		return RDB_EEXIST;
	case EROFS:
		return RDB_EREADONLY;
	default:
		return RDB_EIO;
	}
}

int rdb_err_sys(struct rdb_err *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	err_vset(e, rdb_code_from_errno(errnum), fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	snprintf(e->msg + len, sizeof e->msg - len, ": %s", strerror(errnum));
	return e->code;
}

const char *rdb_strerror(int code)
{
	switch (code) {
	case RDB_OK:
		return "no error";
	case RDB_ERROR:
		return "error";
	case RDB_ENOMEM:
		return "out of memory";
	case RDB_EIO:
		return "input/output error";
	case RDB_ECORRUPT:
		return "damaged file";
	case RDB_EBUSY:
		return "lock timeout";
	case RDB_EMISUSE:
		return "library misuse";
	case RDB_ENOTDB:
		return "not an rdb database";
	case RDB_EVERSION:
		return "unsupported format version";
	case RDB_EREADONLY:
		return "database is read-only";
	case RDB_EEXIST:
		return "already exists";
	case RDB_ENOENT:
		return "no such file or directory";
	case RDB_ENETFS:
		return "network filesystem";
	case RDB_EINVAL:
		return "invalid argument";
	case RDB_EHISTORY:
		return "outside retained history";
	case RDB_EINTR:
		return "interrupted";
	case RDB_ESQL:
		return "SQL error";
	case RDB_ECONSTRAINT:
		return "a PRIMARY KEY or UNIQUE constraint is broken";
	default:
		return "unknown error";
	}
}
