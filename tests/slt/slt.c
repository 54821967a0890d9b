/*
 * slt - run sqllogictest scripts against rdb's SQL engine.
 *
 * The scripts are SQLite's (tests/slt/README.md): records separated by
 * blank lines, lines starting with '#' removed before anything else. The
 * expected results were computed by SQLite, so values are rendered the
 * way the reference runner renders SQLite's (slt_sqlite.c): I as a
 * 64-bit integer, R as "%.3f", T as text with unprintable bytes turned
 * into '@', NULL as "NULL", the empty string as "(empty)".
 *
 * Each file runs in a fresh database in a temporary directory, removed
 * afterwards. A failed record is counted, not fatal: the exit status is
 * 0 when every file ran, 1 when the runner could not run (or a
 * --min-pass floor was missed), 2 for a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <md5.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rdb/rdb.h"

#define PROG "slt"
#define SYNOPSIS "[-v] [--engine NAME] [--fail-log FILE] [--db-dir DIR]" \
	" [--min-pass FILE:COUNT] [--timeout SECONDS] [--parse-only]" \
	" FILE.test..."

/* ------------------------------------------------------------------ */
/* Memory: running out is the only error the runner cannot count.     */

static void nomem(void)
{
	fprintf(stderr, PROG ": out of memory\n");
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		nomem();
	return p;
}

/* Grow *v (of *cap elements of size sz) to hold at least need. */
static void grow(void *v, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / sz)
		nomem();
	*(void **)v = xrealloc(*(void **)v, c * sz);
	*cap = c;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xrealloc(NULL, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		nomem();
	return s;
}

/* A growing string. */
struct sbuf {
	char *p;
	size_t len, cap;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	grow(&b->p, &b->cap, b->len + n + 1, 1);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* ------------------------------------------------------------------ */
/* Scripts and records.                                               */

/* A script in memory, split into lines in place. */
struct script {
	const char *path;       /* as given */
	const char *name;       /* its last component, for the summary */
	char *text;
	char **line;            /* line[i] is line i + 1 of the file */
	size_t nlines;
	size_t cur;             /* index of the next line to read */
};

enum rec_kind {
	REC_STATEMENT_OK, REC_STATEMENT_ERROR, REC_QUERY, REC_HASH_THRESHOLD,
	REC_HALT, REC_BAD
};

struct record {
	enum rec_kind kind;
	size_t line;            /* of its first line, 1-based */
	int skip;               /* skipif/onlyif exclude it */
	const char *bad;        /* REC_BAD: what is wrong */
	struct sbuf sql;        /* the SQL, lines joined by '\n' */
	const char *types;      /* query: one of T, I, R per column */
	const char *sort;       /* query: "nosort", "rowsort", "valuesort" */
	long threshold;         /* hash-threshold */
	char **expect;          /* query: the expected lines, into the script */
	size_t *expect_line;
	size_t nexpect, expect_cap, expect_line_cap;
};

static int script_load(struct script *s, const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0, cap = 0, i, lcap = 0;
	char *p;

	memset(s, 0, sizeof *s);
	s->path = path;
	s->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (f == NULL) {
		fprintf(stderr, PROG ": cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		grow(&s->text, &cap, n + 65536, 1);
		got = fread(s->text + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, PROG ": cannot read '%s': %s\n", path,
		    strerror(errno));
		fclose(f);
		free(s->text);
		s->text = NULL;
		return -1;
	}
	fclose(f);
	s->text[n] = '\0';

	/* The reference runner drops a '\r' before '\n' and treats a line
	 * of only spaces as blank; other trailing spaces are kept. */
	for (p = s->text; p < s->text + n;) {
		char *nl = memchr(p, '\n', (size_t)(s->text + n - p));
		char *end = nl ? nl : s->text + n;

		*end = '\0';
		if (end > p && end[-1] == '\r')
			end[-1] = '\0';
		for (i = 0; p[i] != '\0' && isspace((unsigned char)p[i]); i++)
			;
		if (p[i] == '\0')
			p[0] = '\0';
		grow(&s->line, &lcap, s->nlines + 1, sizeof *s->line);
		s->line[s->nlines++] = p;
		p = end + 1;
	}
	return 0;
}

static void script_free(struct script *s)
{
	free(s->text);
	free(s->line);
}

/* The next line that is not a comment, or NULL at the end. */
static char *next_line(struct script *s)
{
	while (s->cur < s->nlines) {
		char *l = s->line[s->cur++];

		if (l[0] != '#')
			return l;
	}
	return NULL;
}

/* Like next_line, without consuming it. */
static char *peek_line(struct script *s)
{
	size_t c = s->cur;
	char *l = next_line(s);

	s->cur = c;
	return l;
}

/* Split line in place into up to max blank-separated tokens; the rest
 * are set to "". */
static void tokenize(char *line, char **tok, int max)
{
	int i;

	for (i = 0; i < max; i++) {
		while (isspace((unsigned char)*line))
			line++;
		tok[i] = line;
		while (*line != '\0' && !isspace((unsigned char)*line))
			line++;
		if (*line != '\0')
			*line++ = '\0';
	}
}

/* Consume the lines up to the end of the record. */
static void skip_record(struct script *s)
{
	char *l;

	while ((l = peek_line(s)) != NULL && l[0] != '\0')
		next_line(s);
}

/* Append the record's lines up to a blank line (or "----" when
 * stop_at_dashes) to its SQL. Returns 1 when "----" ended it. */
static int read_sql(struct script *s, struct record *r, int stop_at_dashes)
{
	char *l;

	r->sql.len = 0;
	sbuf_add(&r->sql, "", 0);
	while ((l = peek_line(s)) != NULL && l[0] != '\0') {
		next_line(s);
		if (stop_at_dashes && strcmp(l, "----") == 0)
			return 1;
		if (r->sql.len > 0)
			sbuf_add(&r->sql, "\n", 1);
		sbuf_add(&r->sql, l, strlen(l));
	}
	return 0;
}

static void read_expected(struct script *s, struct record *r)
{
	char *l;

	while ((l = peek_line(s)) != NULL && l[0] != '\0') {
		next_line(s);
		grow(&r->expect, &r->expect_cap, r->nexpect + 1,
		    sizeof *r->expect);
		grow(&r->expect_line, &r->expect_line_cap, r->nexpect + 1,
		    sizeof *r->expect_line);
		r->expect[r->nexpect] = l;
		r->expect_line[r->nexpect++] = s->cur;
	}
}

/*
 * Read the next record into r. Returns 0 at the end of the script.
 * engine decides skipif/onlyif (compared without regard to case, as
 * scripts write "sqlite" for the reference's "SQLite").
 */
static int next_record(struct script *s, const char *engine,
    struct record *r)
{
	char *l, *tok[4];

	while ((l = next_line(s)) != NULL && l[0] == '\0')
		;
	if (l == NULL)
		return 0;
	r->line = s->cur;
	r->skip = 0;
	r->bad = NULL;
	r->nexpect = 0;
	r->sql.len = 0;
	sbuf_add(&r->sql, "", 0);
	tokenize(l, tok, 4);
	while (strcmp(tok[0], "skipif") == 0 || strcmp(tok[0], "onlyif") == 0) {
		int same = strcasecmp(tok[1], engine) == 0;

		if (tok[0][0] == 's' ? same : !same)
			r->skip = 1;
		l = peek_line(s);
		if (l == NULL || l[0] == '\0') {
			r->kind = REC_BAD;
			r->bad = "a condition without a statement or query";
			return 1;
		}
		next_line(s);
		tokenize(l, tok, 4);
	}
	if (strcmp(tok[0], "statement") == 0) {
		if (strcmp(tok[1], "ok") == 0)
			r->kind = REC_STATEMENT_OK;
		else if (strcmp(tok[1], "error") == 0)
			r->kind = REC_STATEMENT_ERROR;
		else {
			r->kind = REC_BAD;
			r->bad = "statement argument should be 'ok' or 'error'";
		}
		read_sql(s, r, 0);
	} else if (strcmp(tok[0], "query") == 0) {
		r->kind = REC_QUERY;
		r->types = tok[1];
		r->sort = tok[2][0] != '\0' ? tok[2] : "nosort";
		if (r->types[0] == '\0' ||
		    strspn(r->types, "TIR") != strlen(r->types)) {
			r->kind = REC_BAD;
			r->bad = "the type string should be letters T, I and R";
		} else if (strcmp(r->sort, "nosort") != 0 &&
		    strcmp(r->sort, "rowsort") != 0 &&
		    strcmp(r->sort, "valuesort") != 0) {
			r->kind = REC_BAD;
			r->bad = "unknown sort mode";
		}
		if (read_sql(s, r, 1))
			read_expected(s, r);
	} else if (strcmp(tok[0], "hash-threshold") == 0) {
		char *end;

		errno = 0;
		r->kind = REC_HASH_THRESHOLD;
		r->threshold = strtol(tok[1], &end, 10);
		if (tok[1][0] == '\0' || *end != '\0' || errno != 0 ||
		    r->threshold < 0) {
			r->kind = REC_BAD;
			r->bad = "hash-threshold needs a count";
		}
		skip_record(s);
	} else if (strcmp(tok[0], "halt") == 0) {
		r->kind = REC_HALT;
		skip_record(s);
	} else {
		r->kind = REC_BAD;
		r->bad = "unknown record type";
		skip_record(s);
	}
	return 1;
}

static void record_free(struct record *r)
{
	free(r->sql.p);
	free(r->expect);
	free(r->expect_line);
}

/* ------------------------------------------------------------------ */
/* Rendering values as the reference runner renders SQLite's.         */

/* Length of the number at the start of p[0..len) as SQLite reads text
 * as a number: blanks, a sign, digits, a fraction, an exponent. */
static size_t numeric_prefix(const char *p, size_t len)
{
	size_t i = 0, digits = 0, j;

	while (i < len && isspace((unsigned char)p[i]))
		i++;
	if (i < len && (p[i] == '+' || p[i] == '-'))
		i++;
	for (; i < len && isdigit((unsigned char)p[i]); i++)
		digits++;
	if (i < len && p[i] == '.') {
		for (i++; i < len && isdigit((unsigned char)p[i]); i++)
			digits++;
	}
	if (digits == 0)
		return 0;
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		j = i + 1;
		if (j < len && (p[j] == '+' || p[j] == '-'))
			j++;
		if (j < len && isdigit((unsigned char)p[j])) {
			while (j < len && isdigit((unsigned char)p[j]))
				j++;
			i = j;
		}
	}
	return i;
}

/* Text as an integer, as sqlite3_column_int64 reads it: the leading
 * digits, clamped to the int64 range; 0 when there are none. */
static int64_t text_int(const char *p, size_t len)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0, lim;

	while (i < len && isspace((unsigned char)p[i]))
		i++;
	if (i < len && (p[i] == '+' || p[i] == '-'))
		neg = p[i++] == '-';
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len && isdigit((unsigned char)p[i]); i++) {
		unsigned d = (unsigned)(p[i] - '0');

		if (v > (lim - d) / 10) {
			v = lim;
			break;
		}
		v = v * 10 + d;
	}
	if (neg)
		return v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	return (int64_t)v;
}

static double text_double(const char *p, size_t len)
{
	char small[64], *s;
	double d;

	len = numeric_prefix(p, len);
	if (len == 0)
		return 0.0;
	s = len < sizeof small ? small : xrealloc(NULL, len + 1);
	memcpy(s, p, len);
	s[len] = '\0';
	d = strtod(s, NULL);
	if (s != small)
		free(s);
	return d;
}

/* SQLite's conversion of a REAL to an integer: truncation, clamped. */
static int64_t double_int(double d)
{
	if (isnan(d))
		return 0;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	return (int64_t)d;
}

/* The canonical text of a non-NULL value: into tmp for fixed-width
 * types, or pointing into the vector for TEXT, JSON and BLOB. */
static void value_text(const struct rdb_vec *v, size_t row, char *tmp,
    size_t cap, const char **p, size_t *len)
{
	if (rdb_value_text(v, row, tmp, cap, p, len) != RDB_OK) {
		*p = "";
		*len = 0;
	}
}

static int64_t value_int(const struct rdb_vec *v, size_t row)
{
	char tmp[128];
	const char *p;
	size_t len;

	switch (v->type) {
	case RDB_BOOLEAN:
		return ((const uint8_t *)v->values)[row] != 0;
	case RDB_INTEGER: {
		int32_t x;
		memcpy(&x, (const char *)v->values + 4 * row, 4);
		return x;
	}
	case RDB_BIGINT: {
		int64_t x;
		memcpy(&x, (const char *)v->values + 8 * row, 8);
		return x;
	}
	case RDB_DOUBLE: {
		double x;
		memcpy(&x, (const char *)v->values + 8 * row, 8);
		return double_int(x);
	}
	default:
		/* DECIMAL truncates at its point like a REAL would; dates
		 * and text read as SQLite reads text. */
		value_text(v, row, tmp, sizeof tmp, &p, &len);
		return text_int(p, len);
	}
}

static double value_double(const struct rdb_vec *v, size_t row)
{
	char tmp[128];
	const char *p;
	size_t len;

	switch (v->type) {
	case RDB_BOOLEAN:
	case RDB_INTEGER:
	case RDB_BIGINT:
		return (double)value_int(v, row);
	case RDB_DOUBLE: {
		double x;
		memcpy(&x, (const char *)v->values + 8 * row, 8);
		return x;
	}
	default:
		value_text(v, row, tmp, sizeof tmp, &p, &len);
		return text_double(p, len);
	}
}

/* A REAL as SQLite's "%!.15g" writes it: always with a point. */
static void sqlite_real(double d, char *out, size_t cap)
{
	char tmp[64], *e;

	snprintf(tmp, sizeof tmp, "%.15g", d);
	if (strpbrk(tmp, ".ni") != NULL) {
		snprintf(out, cap, "%s", tmp);
	} else if ((e = strchr(tmp, 'e')) != NULL) {
		snprintf(out, cap, "%.*s.0%s", (int)(e - tmp), tmp, e);
	} else {
		snprintf(out, cap, "%s.0", tmp);
	}
}

/* The rendering of value row of v in a column of type letter t. */
static char *render(char t, const struct rdb_vec *v, size_t row)
{
	char tmp[512], *out;
	const char *p;
	size_t len, i;

	if (rdb_vec_is_null(v, row))
		return xstrndup("NULL", 4);
	if (t == 'I') {
		snprintf(tmp, sizeof tmp, "%" PRId64, value_int(v, row));
		return xstrndup(tmp, strlen(tmp));
	}
	if (t == 'R') {
		/* %.3f of the largest double is about 320 bytes. */
		snprintf(tmp, sizeof tmp, "%.3f", value_double(v, row));
		return xstrndup(tmp, strlen(tmp));
	}
	if (v->type == RDB_BOOLEAN) {
		p = ((const uint8_t *)v->values)[row] ? "1" : "0";
		len = 1;
	} else if (v->type == RDB_DOUBLE) {
		double x;

		memcpy(&x, (const char *)v->values + 8 * row, 8);
		sqlite_real(x, tmp, sizeof tmp);
		p = tmp;
		len = strlen(tmp);
	} else {
		value_text(v, row, tmp, sizeof tmp, &p, &len);
	}
	if (len == 0)
		return xstrndup("(empty)", 7);
	out = xstrndup(p, len);
	for (i = 0; i < len; i++) {
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
			out[i] = '@';
	}
	return out;
}

/* ------------------------------------------------------------------ */
/* Running records.                                                   */

/* The values of a query's result, rendered. */
struct result {
	const char *types;
	size_t ntypes;
	size_t got_cols;        /* columns of a mismatched result */
	int bad_cols;
	char **v;
	size_t n, cap;
};

static int on_columns(void *arg, size_t ncols, const char *const *names,
    const struct rdb_vec *types)
{
	struct result *r = arg;

	(void)names;
	(void)types;
	if (ncols != r->ntypes) {
		r->bad_cols = 1;
		r->got_cols = ncols;
		return 1;
	}
	return 0;
}

static int on_rows(void *arg, const struct rdb_batch *b)
{
	struct result *r = arg;
	size_t row, c;

	if (b->ncols != r->ntypes) {
		r->bad_cols = 1;
		r->got_cols = b->ncols;
		return 1;
	}
	if (b->nrows > (SIZE_MAX - r->n) / (b->ncols ? b->ncols : 1))
		nomem();
	grow(&r->v, &r->cap, r->n + b->nrows * b->ncols, sizeof *r->v);
	for (row = 0; row < b->nrows; row++) {
		for (c = 0; c < b->ncols; c++)
			r->v[r->n++] = render(r->types[c], &b->cols[c], row);
	}
	return 0;
}

static void result_clear(struct result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i]);
	r->n = 0;
	r->bad_cols = 0;
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	char *const *x = a, *const *y = b;
	size_t i, n = *(const size_t *)arg;
	int c = 0;

	for (i = 0; c == 0 && i < n; i++)
		c = strcmp(x[i], y[i]);
	return c;
}

static void hash_values(char *const *v, size_t n, char hex[33])
{
	MD5_CTX ctx;
	size_t i;

	MD5Init(&ctx);
	for (i = 0; i < n; i++) {
		MD5Update(&ctx, (const uint8_t *)v[i], strlen(v[i]));
		MD5Update(&ctx, (const uint8_t *)"\n", 1);
	}
	MD5End(&ctx, hex);
}

/* Is l "N values hashing to <32 hex digits>"? */
static int is_hash_line(const char *l)
{
	static const char mid[] = " values hashing to ";
	size_t i = strspn(l, "0123456789");

	if (i == 0 || strncmp(l + i, mid, sizeof mid - 1) != 0)
		return 0;
	l += i + sizeof mid - 1;
	return strspn(l, "0123456789abcdef") == 32 && l[32] == '\0';
}

/* Set by signal handlers: the session to interrupt, and why. */
static struct rdb_sql *volatile running;
static volatile sig_atomic_t timed_out, stop_signal;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (running != NULL)
		rdb_sql_interrupt(running);
}

static void on_stop(int sig)
{
	stop_signal = sig;
	if (running != NULL)
		rdb_sql_interrupt(running);
}

struct floor {
	const char *file;
	unsigned long min;
	int seen;
};

struct opts {
	int verbose;
	int parse_only;
	const char *engine;
	const char *db_dir;
	FILE *fail_log;
	unsigned timeout;
	struct floor *floors;
	size_t nfloors, floors_cap;
};

struct counts {
	unsigned long pass, fail, skip;
};

/* One file's run. */
struct run {
	const struct opts *o;
	struct script *s;
	struct rdb_sql *sql;
	long threshold;
	struct counts n;
	struct result res;
};

static void fail_to(FILE *f, const struct run *r, const struct record *rec,
    const char *msg)
{
	fprintf(f, "%s:%zu: %s\n%s\n\n", r->s->path, rec->line, msg,
	    rec->sql.p);
}

static void fail_record(struct run *r, const struct record *rec,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_record(struct run *r, const struct record *rec,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		nomem();
	va_end(ap);
	r->n.fail++;
	if (r->o->fail_log != NULL)
		fail_to(r->o->fail_log, r, rec, msg);
	if (r->o->verbose)
		fail_to(stdout, r, rec, msg);
	free(msg);
}

/* Run every statement of text; the code of the first that fails. */
static int run_sql(struct run *r, const char *text, size_t len,
    const struct rdb_sql_sink *sink)
{
	struct rdb_sql_result res;
	size_t pos = 0, before;
	int rc;

	timed_out = 0;
	running = r->sql;
	if (r->o->timeout > 0)
		alarm(r->o->timeout);
	do {
		before = pos;
		memset(&res, 0, sizeof res);
		rc = rdb_sql_exec(r->sql, text, len, &pos, sink, &res);
	} while (rc == RDB_OK && res.tag[0] != '\0' && pos < len &&
	    pos > before);
	if (r->o->timeout > 0)
		alarm(0);
	running = NULL;
	return rc;
}

static const char *sql_error(const struct run *r, int rc)
{
	if (rc == RDB_EINTR && timed_out)
		return "timed out";
	return rdb_sql_errmsg(r->sql);
}

static void run_statement(struct run *r, const struct record *rec)
{
	int rc = run_sql(r, rec->sql.p, rec->sql.len, NULL);

	if (rec->kind == REC_STATEMENT_OK && rc != RDB_OK)
		fail_record(r, rec, "statement failed: %s", sql_error(r, rc));
	else if (rec->kind == REC_STATEMENT_ERROR && rc == RDB_OK)
		fail_record(r, rec, "statement succeeded; an error was expected");
	else
		r->n.pass++;
}

static void run_query(struct run *r, const struct record *rec)
{
	struct result *res = &r->res;
	struct rdb_sql_sink sink = { on_columns, on_rows, res };
	char hex[33], *got;
	size_t i, n;
	int rc;

	res->types = rec->types;
	res->ntypes = strlen(rec->types);
	rc = run_sql(r, rec->sql.p, rec->sql.len, &sink);
	if (res->bad_cols) {
		fail_record(r, rec, "expected %zu columns, got %zu",
		    res->ntypes, res->got_cols);
		goto out;
	}
	if (rc != RDB_OK) {
		fail_record(r, rec, "query failed: %s", sql_error(r, rc));
		goto out;
	}
	n = res->n;
	if (n == 0)
		;       /* nothing to sort (and res->v may be NULL) */
	else if (strcmp(rec->sort, "rowsort") == 0)
		qsort_r(res->v, n / res->ntypes, res->ntypes * sizeof *res->v,
		    cmp_rows, &res->ntypes);
	else if (strcmp(rec->sort, "valuesort") == 0) {
		size_t one = 1;

		qsort_r(res->v, n, sizeof *res->v, cmp_rows, &one);
	}

	if ((r->threshold > 0 && n > (unsigned long)r->threshold) ||
	    (rec->nexpect == 1 && is_hash_line(rec->expect[0]))) {
		hash_values(res->v, n, hex);
		got = xasprintf("%zu values hashing to %s", n, hex);
		if (rec->nexpect != 1 || strcmp(rec->expect[0], got) != 0)
			fail_record(r, rec, "expected '%s', got '%s'",
			    rec->nexpect > 0 ? rec->expect[0] : "", got);
		else
			r->n.pass++;
		free(got);
		goto out;
	}
	for (i = 0; i < n && i < rec->nexpect; i++) {
		if (strcmp(res->v[i], rec->expect[i]) != 0) {
			fail_record(r, rec,
			    "value %zu (line %zu): expected '%s', got '%s'",
			    i + 1, rec->expect_line[i], rec->expect[i],
			    res->v[i]);
			goto out;
		}
	}
	if (n != rec->nexpect)
		fail_record(r, rec, "expected %zu values, got %zu%s%s%s",
		    rec->nexpect, n, n > rec->nexpect ? ": first extra '" : "",
		    n > rec->nexpect ? res->v[rec->nexpect] : "",
		    n > rec->nexpect ? "'" : "");
	else
		r->n.pass++;
out:
	result_clear(res);
}

static int rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0)
		fprintf(stderr, PROG ": cannot remove '%s': %s\n", path,
		    strerror(errno));
	return 0;
}

/* A fresh database in a new directory under the --db-dir; *top is the
 * directory to remove afterwards (set even on failure, or NULL). */
static int db_open(const struct opts *o, char **top, struct rdb_db **db,
    struct rdb_sql **sql)
{
	const char *base = o->db_dir ? o->db_dir
	    : getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct rdb_settings st;
	struct rdb_open_options oo = { 0, -1, PROG };
	struct rdb_sql_options so = { .program = PROG, .threads = 1 };
	char *path = NULL, *tmp = NULL;
	int rc = -1;

	*db = NULL;
	*sql = NULL;
	*top = xasprintf("%s/slt.XXXXXX", base);
	if (mkdtemp(*top) == NULL) {
		fprintf(stderr, PROG ": cannot create a directory in '%s': %s\n",
		    base, strerror(errno));
		free(*top);
		*top = NULL;
		return -1;
	}
	path = xasprintf("%s/db", *top);
	tmp = xasprintf("%s/tmp", *top);
	if (mkdir(tmp, 0700) != 0) {
		fprintf(stderr, PROG ": cannot create '%s': %s\n", tmp,
		    strerror(errno));
		goto out;
	}
	rdb_settings_init(&st);
	st.sync = RDB_SYNC_OFF;
	if ((rc = rdb_create(path, &st, &oo, db)) != RDB_OK) {
		fprintf(stderr, PROG ": cannot create database '%s': %s\n",
		    path, rdb_errmsg(*db));
		goto out;
	}
	so.temp_dir = tmp;
	if ((rc = rdb_sql_open(*db, &so, sql)) != RDB_OK) {
		fprintf(stderr, PROG ": cannot start an SQL session: %s\n",
		    rdb_strerror(rc));
		goto out;
	}
out:
	free(path);
	free(tmp);
	return rc;
}

static void db_close(char *top, struct rdb_db *db, struct rdb_sql *sql)
{
	rdb_sql_close(sql);
	rdb_close(db);
	if (top != NULL)
		nftw(top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(top);
}

/* Run one script; -1 when it could not be run. */
static int run_file(const struct opts *o, const char *path,
    struct counts *out)
{
	struct script s;
	struct record rec;
	struct run r;
	struct rdb_db *db = NULL;
	char *top = NULL;
	int rc = -1;

	memset(&rec, 0, sizeof rec);
	memset(&r, 0, sizeof r);
	if (script_load(&s, path) != 0)
		return -1;
	if (db_open(o, &top, &db, &r.sql) != RDB_OK)
		goto out;
	r.o = o;
	r.s = &s;
	while (!stop_signal && next_record(&s, o->engine, &rec)) {
		/* "onlyif mssql" before "halt" ends the file for that
		 * engine only: conditions apply to control records too. */
		if (rec.kind == REC_BAD) {
			fail_record(&r, &rec, "%s", rec.bad);
		} else if (rec.skip) {
			if (rec.kind != REC_HALT && rec.kind != REC_HASH_THRESHOLD)
				r.n.skip++;
		} else if (rec.kind == REC_HALT) {
			break;
		} else if (rec.kind == REC_HASH_THRESHOLD) {
			r.threshold = rec.threshold;
		} else if (rec.kind == REC_QUERY) {
			run_query(&r, &rec);
		} else {
			run_statement(&r, &rec);
		}
	}
	*out = r.n;
	rc = 0;
out:
	db_close(top, db, r.sql);
	free(r.res.v);
	record_free(&rec);
	script_free(&s);
	return rc;
}

/* --parse-only: count the records of one script by kind. */
static int parse_file(const struct opts *o, const char *path)
{
	unsigned long n[REC_BAD + 1] = { 0 }, skipped = 0;
	struct script s;
	struct record rec;

	memset(&rec, 0, sizeof rec);
	if (script_load(&s, path) != 0)
		return -1;
	while (next_record(&s, o->engine, &rec)) {
		n[rec.kind]++;
		if (rec.kind == REC_BAD)
			fprintf(stderr, PROG ": %s:%zu: %s\n", path, rec.line,
			    rec.bad);
		else if (rec.skip)
			skipped++;
	}
	printf("%s: %lu queries, %lu statements ok, %lu statements error, "
	    "%lu hash-threshold, %lu halt, %lu skipped, %lu malformed\n",
	    s.name, n[REC_QUERY], n[REC_STATEMENT_OK], n[REC_STATEMENT_ERROR],
	    n[REC_HASH_THRESHOLD], n[REC_HALT], skipped, n[REC_BAD]);
	record_free(&rec);
	script_free(&s);
	return 0;
}

/* ------------------------------------------------------------------ */

static void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: " PROG " " SYNOPSIS "\n"
	    "Try '" PROG " --help' for more information.\n");
	exit(2);
}

static void help(void)
{
	printf("usage: " PROG " " SYNOPSIS "\n\n"
	    "Run sqllogictest scripts against rdb's SQL engine, each in a fresh\n"
	    "database, and print one line per file:\n"
	    "  NAME: PASSED/TOTAL passed (F failed, S skipped)\n\n"
	    "Options:\n"
	    "  -v, --verbose          print each failing record as it goes\n"
	    "      --engine NAME      the name skipif/onlyif test (sqlite)\n"
	    "      --fail-log FILE    append each failure to FILE\n"
	    "      --db-dir DIR       make the databases under DIR"
	    " ($TMPDIR or /tmp)\n"
	    "      --min-pass FILE:COUNT  exit 1 if FILE passed fewer than"
	    " COUNT records\n"
	    "      --timeout SECONDS  interrupt a statement after SECONDS"
	    " (0: never)\n"
	    "      --parse-only       count the records by kind; run nothing\n"
	    "  -h, --help             show this help and exit\n\n"
	    "Exit status: 0 every file ran, 1 error or a floor missed,"
	    " 2 usage.\n");
}

static void add_floor(struct opts *o, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	char *end;
	unsigned long min;

	if (colon == NULL || colon == arg || colon[1] == '\0' ||
	    !isdigit((unsigned char)colon[1]))
		usage_error("invalid --min-pass '%s': expected FILE:COUNT", arg);
	errno = 0;
	min = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || errno != 0)
		usage_error("invalid --min-pass '%s': expected FILE:COUNT", arg);
	grow(&o->floors, &o->floors_cap, o->nfloors + 1, sizeof *o->floors);
	o->floors[o->nfloors].file = xstrndup(arg, (size_t)(colon - arg));
	o->floors[o->nfloors].min = min;
	o->floors[o->nfloors++].seen = 0;
}

/* 1 when the floors of file are met (or it has none). */
static int check_floors(struct opts *o, const char *path, const char *name,
    unsigned long pass)
{
	size_t i;
	int met = 1;

	for (i = 0; i < o->nfloors; i++) {
		struct floor *f = &o->floors[i];

		if (strcmp(f->file, path) != 0 && strcmp(f->file, name) != 0)
			continue;
		f->seen = 1;
		if (pass < f->min) {
			fprintf(stderr, PROG ": %s: %lu passed, fewer than the "
			    "floor of %lu\n", name, pass, f->min);
			met = 0;
		}
	}
	return met;
}

enum { O_ENGINE = 256, O_FAIL_LOG, O_DB_DIR, O_MIN_PASS, O_TIMEOUT,
	O_PARSE_ONLY };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "engine", required_argument, NULL, O_ENGINE },
		{ "fail-log", required_argument, NULL, O_FAIL_LOG },
		{ "db-dir", required_argument, NULL, O_DB_DIR },
		{ "min-pass", required_argument, NULL, O_MIN_PASS },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "parse-only", no_argument, NULL, O_PARSE_ONLY },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o;
	struct sigaction sa;
	const char *fail_log = NULL;
	int c, i, status = 0;
	size_t k;

	memset(&o, 0, sizeof o);
	o.engine = "sqlite";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		char *end;
		unsigned long t;

		switch (c) {
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			help();
			return fclose(stdout) == 0 ? 0 : 1;
		case O_ENGINE:
			o.engine = optarg;
			break;
		case O_FAIL_LOG:
			fail_log = optarg;
			break;
		case O_DB_DIR:
			o.db_dir = optarg;
			break;
		case O_MIN_PASS:
			add_floor(&o, optarg);
			break;
		case O_TIMEOUT:
			errno = 0;
			t = strtoul(optarg, &end, 10);
			if (!isdigit((unsigned char)optarg[0]) || *end != '\0' ||
			    errno != 0 || t > 86400)
				usage_error("invalid --timeout '%s': expected "
				    "seconds, 0 to 86400", optarg);
			o.timeout = (unsigned)t;
			break;
		case O_PARSE_ONLY:
			o.parse_only = 1;
			break;
		case ':':
			usage_error("option '%s' needs an argument",
			    argv[optind - 1]);
			break;
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		usage_error("no test file given");

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (fail_log != NULL && !o.parse_only &&
	    (o.fail_log = fopen(fail_log, "a")) == NULL) {
		fprintf(stderr, PROG ": cannot open '%s': %s\n", fail_log,
		    strerror(errno));
		return 1;
	}
	for (i = optind; i < argc && !stop_signal; i++) {
		const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1
		    : argv[i];
		struct counts n;

		if (o.parse_only) {
			if (parse_file(&o, argv[i]) != 0)
				status = 1;
			continue;
		}
		if (run_file(&o, argv[i], &n) != 0) {
			status = 1;
			continue;
		}
		if (stop_signal)
			break;
		printf("%s: %lu/%lu passed (%lu failed, %lu skipped)\n", name,
		    n.pass, n.pass + n.fail + n.skip, n.fail, n.skip);
		fflush(stdout);
		if (!check_floors(&o, argv[i], name, n.pass))
			status = 1;
	}
	for (k = 0; k < o.nfloors; k++) {
		if (!o.parse_only && !stop_signal && !o.floors[k].seen) {
			fprintf(stderr, PROG ": --min-pass names '%s', which was "
			    "not run\n", o.floors[k].file);
			status = 1;
		}
		free((char *)o.floors[k].file);
	}
	free(o.floors);
	if (o.fail_log != NULL && fclose(o.fail_log) != 0) {
		fprintf(stderr, PROG ": cannot write '%s': %s\n", fail_log,
		    strerror(errno));
		status = 1;
	}
	if (fclose(stdout) != 0) {
		fprintf(stderr, PROG ": cannot write standard output: %s\n",
		    strerror(errno));
		status = 1;
	}
	if (stop_signal) {
		signal(stop_signal, SIG_DFL);
		raise(stop_signal);
	}
	return status;
}
