/*
 * load.c - CSV, TSV, JSON and NDJSON into a table, in one transaction.
 *
 * A load reads its sample (the first rows, kept in memory), infers or
 * takes the schema, creates the table or maps onto the existing one by
 * column name, then converts and inserts every row in batches: CSV and
 * TSV after the sample in blocks of whole records, converted a column
 * at a time, on worker threads when there are any (load_par), while
 * the transaction encodes and compresses segments on threads of its
 * own; JSON row by row. A value
 * after the sample that does not fit an inferred type widens the column
 * where that stays exact (INTEGER to BIGINT to DECIMAL, DATE to
 * TIMESTAMP): the load starts over with the wider type when its inputs
 * can be read again, else it stops with the place, the value and a hint.
 * Nothing is committed unless everything worked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db_int.h"
#include "load/arch.h"
#include "load/blocks.h"
#include "load/conv.h"
#include "load/csv.h"
#include "load/jrec.h"
#include "txn/batch.h"
#include "txn/txn_int.h"

/* WAL bytes after a load above which the load checkpoints. */
#define LOAD_CHECKPOINT_BYTES (1u << 20)

#define LOAD_BATCH 65536
#define LOAD_SAMPLE 10000
#define LOAD_RESTARTS 16

/* ---- input: files through libarchive's decompression filters ---- */

struct input {
	const char *path;           /* as given; "-" for stdin */
	const char *name;           /* for messages */
	const struct rdb_arch *ar;     /* libarchive, loaded on first use */
	struct archive *a;
	int empty;
	int regular;                /* a regular file: can be read again */
	uint64_t size;              /* of the file as stored; 0 unknown */
	int fd;                     /* plain file read directly, or -1 */
	char peek[65536];           /* the first bytes, served first */
	size_t npeek, peekpos;
};

static ssize_t input_read(void *arg, void *p, size_t n, struct rdb_err *e)
{
	struct input *in = arg;
	la_ssize_t got;

	if (in->peekpos < in->npeek) {
		size_t k = in->npeek - in->peekpos;
		if (k > n)
			k = n;
		memcpy(p, in->peek + in->peekpos, k);
		in->peekpos += k;
		return (ssize_t)k;
	}
	if (in->empty)
		return 0;
	if (in->fd >= 0) {
		ssize_t r;
		do
			r = read(in->fd, p, n);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return rdb_err_sys(e, errno, "cannot read '%s'", in->name), -1;
		return r;
	}
	got = in->ar->read_data(in->a, p, n);
	if (got < 0)
		return rdb_err_set(e, RDB_EIO, "cannot read '%s': %s", in->name,
		    in->ar->error_string(in->a) != NULL
		    ? in->ar->error_string(in->a) : "read error"), -1;
	return got;
}

static void input_close(struct input *in)
{
	if (in->a != NULL)
		in->ar->read_free(in->a);
	in->a = NULL;
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}

static int input_open(struct input *in, const char *path, struct rdb_err *e)
{
	struct archive_entry *ent;
	struct stat st;
	ssize_t n;
	int r;

	memset(in, 0, sizeof *in);
	in->fd = -1;
	in->path = path;
	in->name = strcmp(path, "-") == 0 ? "standard input" : path;
	if (strcmp(path, "-") == 0) {
		if (fstat(0, &st) == 0 && S_ISREG(st.st_mode))
			in->size = (uint64_t)st.st_size;
	} else {
		if (stat(path, &st) != 0)
			return rdb_err_sys(e, errno, "cannot open '%s'", path);
		if (S_ISDIR(st.st_mode))
			return rdb_err_set(e, RDB_EINVAL,
			    "cannot read '%s': Is a directory", path);
		in->regular = S_ISREG(st.st_mode);
		in->size = in->regular ? (uint64_t)st.st_size : 0;
	}
	in->ar = rdb_arch(e);
	if (in->ar == NULL)
		return RDB_EIO;
	in->a = in->ar->read_new();
	if (in->a == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	in->ar->support_filter_all(in->a);
	in->ar->support_format_raw(in->a);
	in->ar->support_format_empty(in->a);
	r = strcmp(path, "-") == 0 ? in->ar->open_fd(in->a, 0, 1 << 20)
	    : in->ar->open_filename(in->a, path, 1 << 20);
	if (r != ARCHIVE_OK) {
		int rc = rdb_err_set(e, RDB_EIO, "cannot open '%s': %s", in->name,
		    in->ar->error_string(in->a) != NULL
		    ? in->ar->error_string(in->a) : "unknown error");
		input_close(in);
		return rc;
	}
	r = in->ar->next_header(in->a, &ent);
	if (r == ARCHIVE_EOF) {
		in->empty = 1;
	} else if (r != ARCHIVE_OK) {
		int rc = rdb_err_set(e, RDB_EIO, "cannot read '%s': %s", in->name,
		    in->ar->error_string(in->a) != NULL
		    ? in->ar->error_string(in->a) : "unknown error");
		input_close(in);
		return rc;
	}
	/* the first bytes, to recognise the format */
	while (!in->empty && in->npeek < sizeof in->peek) {
		n = in->ar->read_data(in->a, in->peek + in->npeek,
		    sizeof in->peek - in->npeek);
		if (n < 0) {
			int rc = rdb_err_set(e, RDB_EIO, "cannot read '%s': %s",
			    in->name, in->ar->error_string(in->a) != NULL
			    ? in->ar->error_string(in->a) : "read error");
			input_close(in);
			return rc;
		}
		if (n == 0)
			break;
		in->npeek += (size_t)n;
	}
	/* An uncompressed file is read directly: libarchive would copy
	 * every byte once more. */
	if (!in->empty && in->regular &&
	    in->ar->filter_code(in->a, 0) == ARCHIVE_FILTER_NONE) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && lseek(fd, (off_t)in->npeek, SEEK_SET) == (off_t)in->npeek) {
			in->ar->read_free(in->a);
			in->a = NULL;
			in->fd = fd;
		} else if (fd >= 0) {
			close(fd);
		}
	}
	return RDB_OK;
}

static uint64_t input_pos(struct input *in)
{
	if (in->fd >= 0) {
		off_t o = lseek(in->fd, 0, SEEK_CUR);
		return o > 0 ? (uint64_t)o : 0;
	}
	return in->a != NULL && !in->empty ? (uint64_t)in->ar->filter_bytes(in->a, -1)
	    : in->size;
}

/* ---- records, whichever the format ---- */

struct field {
	const char *p;
	size_t len;
	int null;
	int quoted;
	enum rdb_jkind kind;        /* JSON inputs */
};

/* Bytes read ahead and not yet parsed, served before the rest of the
 * input: how a file goes on in order after a parallel stretch. */
struct prefix {
	struct rdb_buf b;
	size_t pos;
	struct input *in;
};

struct reader {
	enum rdb_load_format fmt;
	struct rdb_csv *csv;
	struct rdb_csv_opts co;     /* CSV and TSV: the dialect */
	struct rdb_jrec *j;
	struct input *in;
	struct prefix *pre;
};

static enum rdb_load_format guess_format(const char *path,
    const struct input *in)
{
	static const char *const zext[] = { ".gz", ".zst", ".lz4", ".xz",
		".bz2", ".zstd", NULL };
	char name[512];
	size_t n, i;
	const char *dot;

	snprintf(name, sizeof name, "%s", path);
	n = strlen(name);
	for (i = 0; zext[i] != NULL; i++) {
		size_t l = strlen(zext[i]);
		if (n > l && strcasecmp(name + n - l, zext[i]) == 0) {
			name[n - l] = '\0';
			break;
		}
	}
	dot = strrchr(name, '.');
	if (dot != NULL) {
		if (strcasecmp(dot, ".csv") == 0)
			return RDB_LOAD_CSV;
		if (strcasecmp(dot, ".tsv") == 0 || strcasecmp(dot, ".tab") == 0)
			return RDB_LOAD_TSV;
		if (strcasecmp(dot, ".ndjson") == 0 || strcasecmp(dot, ".jsonl") == 0)
			return RDB_LOAD_NDJSON;
		if (strcasecmp(dot, ".json") == 0)
			return RDB_LOAD_JSON;
	}
	for (i = 0; i < in->npeek; i++) {
		char c = in->peek[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '\xef' && i + 2 < in->npeek && in->peek[i + 1] == '\xbb') {
			i += 2;
			continue;
		}
		if (c == '[')
			return RDB_LOAD_JSON;
		if (c == '{')
			return RDB_LOAD_NDJSON;
		break;
	}
	return RDB_LOAD_CSV;
}

/* ---- the load ---- */

struct col {
	char *name;
	enum rdb_type type;
	uint8_t prec, scale;
	int not_null;
	int given;                  /* type given (--types, existing table) */
	struct rdb_infer inf;
	int src;                    /* CSV: field index; -1 missing */
};

struct load {
	struct rdb_db *db;
	const struct rdb_load_options *o;
	struct rdb_err *e;
	const char *const *files;
	size_t nfiles;
	const char *table;
	size_t ncols;
	struct col *cols;
	int json;                   /* columns found by key */
	int tsv;                    /* the first file is TSV */
	int cur_tsv;                /* the file being read is TSV */
	uint64_t bytes_base;        /* bytes of the files already read */
	struct input *cur;          /* the input being read, for progress */
	int rereadable;
	/* the sample, kept as a copy */
	struct rdb_buf sbytes;
	struct { size_t off; size_t len; int null, quoted; enum rdb_jkind kind; } *sf;
	size_t nsf, capsf;
	struct { const char *file; uint64_t line; size_t first, n;
		size_t raw_off, raw_len; } *srec;
	size_t nsrec, capsrec;
	/* widening decided after a conflict */
	int restart;
	uint64_t bytes_total, bytes_done;
	struct rdb_batch *b;
	struct rdb_load_result *r;
	/* JSON key lookup scratch */
	struct field *row;
	int *seen;
	size_t nfields_expected;    /* CSV: fields of each record */
	char **hdr;                 /* CSV: the header of the current file */
	size_t nhdr;
	size_t null_len;            /* of --null; SIZE_MAX: none */
};

static inline int is_null_field(const struct load *L, const struct field *f)
{
	if (f->null)
		return 1;
	if (!f->quoted && f->kind != J_STR && f->len == 0)
		return 1;
	/* --null: unquoted CSV fields and every TSV field, never JSON */
	if (f->len == L->null_len && !L->json && (!f->quoted || L->tsv) &&
	    memcmp(L->o->null_marker, f->p, f->len) == 0)
		return 1;
	return 0;
}

static const char *bad_value(const struct col *c, const struct field *f,
    char *why, size_t whylen)
{
	char val[64];
	size_t n = f->len < 40 ? f->len : 40;

	memcpy(val, f->p, n);
	val[n] = '\0';
	if (c->type == RDB_DECIMAL)
		snprintf(why, whylen, "'%s%s' is not a DECIMAL(%u,%u) for column '%s'",
		    val, f->len > 40 ? "..." : "", c->prec, c->scale, c->name);
	else
		snprintf(why, whylen, "'%s%s' is not a%s %s for column '%s'", val,
		    f->len > 40 ? "..." : "",
		    c->type == RDB_INTEGER ? "n" : "",
		    rdb_type_name(c->type), c->name);
	return why;
}

/* Put one value into column i of batch b, which has room for the row
 * (rdb_batch_room); NULL on success, else the reason. utf8_ok: the
 * value is known to be valid UTF-8. Reads L only, so workers call it
 * side by side. */
static const char *put(const struct load *L, struct rdb_batch *b, size_t i,
    const struct field *f, int utf8_ok, char *why, size_t whylen)
{
	const struct col *c = &L->cols[i];
	/* an inferred type takes values only in the spelling inference
	 * accepted ("007" is not 7); a declared one converts leniently */
	int strict = c->given != 1;
	int64_t v;
	int32_t d32;
	double d;
	int bv;
	__int128 dec;

	if (is_null_field(L, f) || f->kind == J_NULL) {
		if (c->not_null) {
			snprintf(why, whylen, "NULL in NOT NULL column '%s'", c->name);
			return why;
		}
		if (rdb_batch_set_null(b, i) != RDB_OK) {
			snprintf(why, whylen, "out of memory");
			return why;
		}
		return NULL;
	}
	if (f->len == 0 && c->type != RDB_TEXT && c->type != RDB_BLOB &&
	    c->type != RDB_JSON) {
		/* a quoted empty field where a number belongs: NULL */
		if (c->not_null) {
			snprintf(why, whylen, "empty value in NOT NULL column '%s'",
			    c->name);
			return why;
		}
		if (rdb_batch_set_null(b, i) != RDB_OK) {
			snprintf(why, whylen, "out of memory");
			return why;
		}
		return NULL;
	}
	switch (c->type) {
	case RDB_BOOLEAN:
		if (rdb_parse_bool(f->p, f->len, strict, &bv) != 0)
			return bad_value(c, f, why, whylen);
		rdb_batch_set_u8(b, i, (uint8_t)bv);
		return NULL;
	case RDB_INTEGER:
		if (rdb_parse_int(f->p, f->len, strict, &v) != 0 ||
		    v < INT32_MIN || v > INT32_MAX)
			return bad_value(c, f, why, whylen);
		rdb_batch_set_i32(b, i, (int32_t)v);
		return NULL;
	case RDB_BIGINT:
		if (rdb_parse_int(f->p, f->len, strict, &v) != 0)
			return bad_value(c, f, why, whylen);
		rdb_batch_set_i64(b, i, v);
		return NULL;
	case RDB_DECIMAL: {
		int id, fd;
		if (rdb_parse_decimal(f->p, f->len, strict, c->scale, &dec, &id,
		    &fd) != 0 ||
		    id > c->prec - c->scale)
			return bad_value(c, f, why, whylen);
		rdb_batch_set_dec(b, i, (uint64_t)dec, (uint64_t)(dec >> 64));
		return NULL;
	}
	case RDB_DOUBLE:
		if (rdb_parse_double(f->p, f->len, strict, &d) != 0)
			return bad_value(c, f, why, whylen);
		memcpy(&v, &d, 8);
		rdb_batch_set_i64(b, i, v);
		return NULL;
	case RDB_DATE:
		if (rdb_parse_date(f->p, f->len, &d32) != 0)
			return bad_value(c, f, why, whylen);
		rdb_batch_set_i32(b, i, d32);
		return NULL;
	case RDB_TIMESTAMP:
		if (rdb_parse_timestamp(f->p, f->len, &v) != 0)
			return bad_value(c, f, why, whylen);
		rdb_batch_set_i64(b, i, v);
		return NULL;
	case RDB_JSON:
		if (f->kind == J_STR && L->json &&
		    (!rdb_utf8_valid((const uint8_t *)f->p, f->len) ||
		    !rdb_json_valid((const uint8_t *)f->p, f->len))) {
			/* A string holding JSON text is that JSON (how rdb-query
			 * writes a JSON column's scalars, so that JSON null is
			 * not SQL NULL); any other string is refused. */
			snprintf(why, whylen, "a string where JSON is expected in '%s'",
			    c->name);
			return why;
		}
		if (!rdb_utf8_valid((const uint8_t *)f->p, f->len) ||
		    !rdb_json_valid((const uint8_t *)f->p, f->len))
			return bad_value(c, f, why, whylen);
		break;
	case RDB_TEXT:
		if (!utf8_ok && !rdb_utf8_valid((const uint8_t *)f->p, f->len)) {
			snprintf(why, whylen, "invalid UTF-8 in column '%s'", c->name);
			return why;
		}
		break;
	case RDB_BLOB:
		break;
	default:
		return bad_value(c, f, why, whylen);
	}
	if (rdb_batch_set_bytes(b, i, f->p, f->len) != RDB_OK) {
		snprintf(why, whylen, "out of memory");
		return why;
	}
	return NULL;
}

/* Could the value be held by widening column i exactly? Then 1, and
 * *out is the column widened (L is not changed). */
static int widen(const struct load *L, size_t i, const struct field *f,
    struct col *out)
{
	const struct col *c = &L->cols[i];
	struct rdb_infer inf = c->inf;
	enum rdb_type t;
	uint8_t p, s;
	int numeric_old, numeric_new;

	if (c->given == 1 || !L->rereadable || f->len == 0)
		return 0;	/* given types do not change */
	if (L->json && f->kind == J_STR)
		inf.cand &= CAND_DATE | CAND_TS;
	else if (L->json && f->kind == J_NUM)
		inf.cand &= CAND_INT | CAND_BIGINT | CAND_DEC | CAND_DOUBLE;
	rdb_infer_add(&inf, f->p, f->len);
	rdb_infer_type(&inf, &t, &p, &s);
	numeric_old = c->type == RDB_INTEGER || c->type == RDB_BIGINT ||
	    c->type == RDB_DECIMAL;
	numeric_new = t == RDB_INTEGER || t == RDB_BIGINT || t == RDB_DECIMAL;
	if (!((numeric_old && numeric_new) ||
	    (c->type == RDB_DATE && t == RDB_TIMESTAMP)))
		return 0;
	if (t == c->type && p == c->prec && s == c->scale)
		return 0;
	*out = *c;
	out->inf = inf;
	out->type = t;
	out->prec = p;
	out->scale = s;
	out->given = 2;	/* decided, not inferred again */
	return 1;
}

/* Widen column i for the value if that holds it exactly, and ask for
 * a restart. */
static int try_widen(struct load *L, size_t i, const struct field *f)
{
	struct col c;

	if (!widen(L, i, f, &c))
		return 0;
	L->cols[i] = c;
	L->restart = 1;
	return 1;
}

/* The fields of a CSV record in column order, into row: 0, 1 for a
 * blank line (nothing), -1 with why for a record of the wrong shape.
 * Reads L only. */
static int csv_fields(const struct load *L, const struct rdb_field *cf,
    size_t ncf, struct field *row, char *why, size_t whylen)
{
	size_t i;

	if (ncf == 1 && cf[0].len == 0 && !cf[0].quoted &&
	    L->nfields_expected > 1)
		return 1;	/* a blank line: nothing */
	if (ncf != L->nfields_expected) {
		snprintf(why, whylen, "%zu fields, expected %zu", ncf,
		    L->nfields_expected);
		return -1;
	}
	for (i = 0; i < L->ncols; i++) {
		struct field *f = &row[i];
		int src = L->cols[i].src;
		memset(f, 0, sizeof *f);
		f->kind = J_NUM;
		if (src < 0) {
			f->null = 1;
			continue;
		}
		f->p = cf[src].p;
		f->len = cf[src].len;
		f->quoted = cf[src].quoted;
		if (f->len == (size_t)-1) {
			f->len = 0;
			f->null = 1;
		} else if (L->cur_tsv) {
			f->quoted = 1;	/* an empty TSV field is "" */
		}
	}
	return 0;
}

/* The fields of a record in column order (JSON: by key). */
static int row_fields(struct load *L, const struct rdb_field *cf,
    size_t ncf, const struct rdb_jval *jv, size_t njv, char *why,
    size_t whylen)
{
	size_t i, k;

	if (!L->json)
		return csv_fields(L, cf, ncf, L->row, why, whylen);
	for (i = 0; i < L->ncols; i++) {
		memset(&L->row[i], 0, sizeof L->row[i]);
		L->row[i].null = 1;
		L->row[i].kind = J_NULL;
		L->seen[i] = 0;
	}
	for (k = 0; k < njv; k++) {
		for (i = 0; i < L->ncols; i++)
			if (strcasecmp(L->cols[i].name, jv[k].key) == 0)
				break;
		if (i == L->ncols) {
			snprintf(why, whylen, "key '%.60s' is not a column", jv[k].key);
			return -2;
		}
		if (L->seen[i]++) {
			snprintf(why, whylen, "key '%.60s' appears twice", jv[k].key);
			return -1;
		}
		L->row[i].p = jv[k].p;
		L->row[i].len = jv[k].len;
		L->row[i].kind = jv[k].kind;
		L->row[i].null = jv[k].kind == J_NULL;
		L->row[i].quoted = jv[k].kind == J_STR;
	}
	return 0;
}

/* ---- opening a file's records ---- */

static void reader_close(struct reader *rd)
{
	rdb_csv_free(rd->csv);
	rdb_jrec_free(rd->j);
	rd->csv = NULL;
	rd->j = NULL;
	if (rd->pre != NULL) {
		rdb_buf_release(&rd->pre->b);
		free(rd->pre);
		rd->pre = NULL;
	}
	if (rd->in != NULL)
		input_close(rd->in);
}

static int reader_open(struct load *L, struct reader *rd, struct input *in,
    const char *path)
{
	const struct rdb_load_options *o = L->o;
	int rc;

	memset(rd, 0, sizeof *rd);
	rd->in = in;
	if ((rc = input_open(in, path, L->e)) != RDB_OK)
		return rc;
	rd->fmt = o->format != RDB_LOAD_AUTO ? o->format : guess_format(path, in);
	if (rd->fmt == RDB_LOAD_JSON || rd->fmt == RDB_LOAD_NDJSON) {
		int array = rd->fmt == RDB_LOAD_JSON;
		if (rd->fmt == RDB_LOAD_JSON) {
			/* a .json file may hold NDJSON: look */
			size_t i;
			for (i = 0; i < in->npeek; i++)
				if (in->peek[i] != ' ' && in->peek[i] != '\n' &&
				    in->peek[i] != '\r' && in->peek[i] != '\t')
					break;
			/* anything but an array: a sequence of values */
			if (i < in->npeek && in->peek[i] == '\xef' && i + 2 < in->npeek)
				i += 3;
			if (i >= in->npeek || in->peek[i] != '[')
				array = 0, rd->fmt = RDB_LOAD_NDJSON;
		}
		{
			int json = rd->fmt == RDB_LOAD_JSON ||
			    (o->format == RDB_LOAD_AUTO && guess_format(path, in) == RDB_LOAD_JSON);
			int rc2 = rdb_jrec_new(array, input_read, in, in->name, &rd->j,
			    L->e);
			if (rc2 == RDB_OK && json)
				rdb_jrec_require(rd->j);
			return rc2;
		}
	} else {
		struct rdb_csv_opts co;
		memset(&co, 0, sizeof co);
		co.quote = o->quote == 0 ? '"' : o->quote < 0 ? 0 : o->quote;
		co.escape = o->escape;
		if (rd->fmt == RDB_LOAD_TSV) {
			co.delim = o->delimiter ? o->delimiter : '\t';
			if (o->quote == 0)
				co.quote = 0;
			co.tsv_escapes = 1;
		} else {
			co.delim = o->delimiter ? o->delimiter
			    : rdb_csv_sniff(in->peek, in->npeek, co.quote);
		}
		rd->co = co;
		return rdb_csv_new(&co, input_read, in, in->name, &rd->csv, L->e);
	}
}

/* Next record of rd: 1, 0 at the end, < 0 error. */
static int reader_next(struct reader *rd, const struct rdb_field **cf,
    size_t *ncf, const struct rdb_jval **jv, size_t *njv, struct rdb_err *e)
{
	if (rd->csv != NULL)
		return rdb_csv_next(rd->csv, cf, ncf, e);
	return rdb_jrec_next(rd->j, jv, njv, e);
}

static uint64_t reader_line(const struct reader *rd)
{
	return rd->csv != NULL ? rdb_csv_line(rd->csv) : rdb_jrec_line(rd->j);
}

static void reader_raw(const struct reader *rd, const char **p, size_t *n)
{
	if (rd->csv != NULL)
		rdb_csv_raw(rd->csv, p, n);
	else
		rdb_jrec_raw(rd->j, p, n);
}

/* ---- the schema ---- */

static void cols_release(struct load *L)
{
	size_t i;

	for (i = 0; i < L->ncols; i++)
		free(L->cols[i].name);
	free(L->cols);
	L->cols = NULL;
	L->ncols = 0;
}

static int add_col(struct load *L, const char *name, size_t n)
{
	struct col *c = realloc(L->cols, (L->ncols + 1) * sizeof *c);

	if (c == NULL)
		return RDB_ENOMEM;
	L->cols = c;
	c = &L->cols[L->ncols];
	memset(c, 0, sizeof *c);
	c->name = strndup(name, n);
	if (c->name == NULL)
		return RDB_ENOMEM;
	rdb_infer_init(&c->inf);
	c->src = (int)L->ncols;
	L->ncols++;
	return RDB_OK;
}

static int find_col(const struct load *L, const char *name)
{
	size_t i;

	for (i = 0; i < L->ncols; i++)
		if (strcasecmp(L->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The header of a CSV file: names checked [F-MAN-011]. */
static int read_header(struct load *L, struct reader *rd, const char *file)
{
	const struct rdb_field *cf;
	const struct rdb_jval *jv;
	size_t ncf, njv, i, j;
	int rc;

	for (i = 0; i < L->nhdr; i++)
		free(L->hdr[i]);
	free(L->hdr);
	L->hdr = NULL;
	L->nhdr = 0;
	if (L->o->columns != NULL || L->o->no_header) {
		if (L->o->columns != NULL && !L->o->no_header) {
			/* --columns replaces the header row, which is skipped */
			rc = reader_next(rd, &cf, &ncf, &jv, &njv, L->e);
			if (rc < 0)
				return rc;
		}
		return RDB_OK;
	}
	rc = reader_next(rd, &cf, &ncf, &jv, &njv, L->e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return RDB_OK;		/* an empty file */
	L->hdr = calloc(ncf + 1, sizeof *L->hdr);
	if (L->hdr == NULL)
		return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	for (i = 0; i < ncf; i++) {
		if (cf[i].len == (size_t)-1 || cf[i].len == 0)
			return rdb_err_set(L->e, RDB_EINVAL,
			    "%s:1: column %zu of the header has no name (give --columns)",
			    file, i + 1);
		L->hdr[i] = strndup(cf[i].p, cf[i].len);
		if (L->hdr[i] == NULL)
			return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
		L->nhdr++;
		if (rdb_name_check("column", L->hdr[i], L->e) != RDB_OK)
			return rdb_err_set(L->e, RDB_EINVAL,
			    "%s:1: column %zu of the header: %s", file, i + 1,
			    L->e->msg);
		for (j = 0; j < i; j++)
			if (strcasecmp(L->hdr[j], L->hdr[i]) == 0)
				return rdb_err_set(L->e, RDB_EINVAL,
				    "%s:1: column name '%s' appears twice in the header (columns %zu and %zu)",
				    file, L->hdr[i], j + 1, i + 1);
	}
	return RDB_OK;
}

/* Names for a CSV file's fields: the header, --columns, or c1.. */
static int field_names(struct load *L, size_t nfields, char ***names,
    size_t *n)
{
	size_t i;

	if (L->o->columns != NULL) {
		*names = (char **)L->o->columns;
		*n = L->o->ncolumns;
		return RDB_OK;
	}
	if (L->hdr != NULL) {
		*names = L->hdr;
		*n = L->nhdr;
		return RDB_OK;
	}
	/* no header: c1, c2, ... */
	L->hdr = calloc(nfields + 1, sizeof *L->hdr);
	if (L->hdr == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < nfields; i++) {
		if (asprintf(&L->hdr[i], "c%zu", i + 1) < 0)
			return RDB_ENOMEM;
		L->nhdr++;
	}
	*names = L->hdr;
	*n = L->nhdr;
	return RDB_OK;
}

/* Keep a record of the sample. */
static int keep_record(struct load *L, const char *file, uint64_t line,
    const struct field *f, size_t n, const char *raw, size_t rawlen)
{
	size_t i;

	if (L->nsrec == L->capsrec) {
		size_t cap = L->capsrec < 256 ? 256 : L->capsrec * 2;
		void *p = realloc(L->srec, cap * sizeof *L->srec);
		if (p == NULL)
			return RDB_ENOMEM;
		L->srec = p;
		L->capsrec = cap;
	}
	L->srec[L->nsrec].file = file;
	L->srec[L->nsrec].line = line;
	L->srec[L->nsrec].first = L->nsf;
	L->srec[L->nsrec].n = n;
	L->srec[L->nsrec].raw_off = L->sbytes.len;
	L->srec[L->nsrec].raw_len = rawlen;
	if (rdb_buf_append(&L->sbytes, raw, rawlen) != RDB_OK)
		return RDB_ENOMEM;
	L->nsrec++;
	for (i = 0; i < n; i++) {
		if (L->nsf == L->capsf) {
			size_t cap = L->capsf < 1024 ? 1024 : L->capsf * 2;
			void *p = realloc(L->sf, cap * sizeof *L->sf);
			if (p == NULL)
				return RDB_ENOMEM;
			L->sf = p;
			L->capsf = cap;
		}
		L->sf[L->nsf].off = L->sbytes.len;
		L->sf[L->nsf].len = f[i].len;
		L->sf[L->nsf].null = f[i].null;
		L->sf[L->nsf].quoted = f[i].quoted;
		L->sf[L->nsf].kind = f[i].kind;
		if (f[i].len > 0 && rdb_buf_append(&L->sbytes, f[i].p, f[i].len) != RDB_OK)
			return RDB_ENOMEM;
		L->nsf++;
	}
	return RDB_OK;
}

static void infer_field(struct load *L, struct col *c, const struct field *f)
{
	if (is_null_field(L, f) || f->kind == J_NULL)
		return;
	if (L->json) {
		if (f->kind == J_STR)
			c->inf.cand &= CAND_DATE | CAND_TS;
		else if (f->kind == J_NUM)
			c->inf.cand &= CAND_INT | CAND_BIGINT | CAND_DEC | CAND_DOUBLE;
		else if (f->kind == J_BOOL)
			c->inf.cand &= CAND_BOOL;
		else
			c->inf.cand &= CAND_JSON;
	} else if (f->len == 0) {
		c->inf.cand = 0;	/* a quoted empty field: text */
	}
	rdb_infer_add(&c->inf, f->p, f->len);
}

/* Apply --types and --all-text, choose every other column's type. */
static int decide_types(struct load *L)
{
	size_t i, k;

	for (k = 0; k < L->o->ntypes; k++)
		if (find_col(L, L->o->types[k].name) < 0)
			return rdb_err_set(L->e, RDB_EINVAL,
			    "column '%s' of --types or --schema is not in the input",
			    L->o->types[k].name);
	for (i = 0; i < L->ncols; i++) {
		struct col *c = &L->cols[i];
		if (c->given == 2)
			continue;	/* widened after a conflict */
		for (k = 0; k < L->o->ntypes; k++)
			if (strcasecmp(L->o->types[k].name, c->name) == 0)
				break;
		if (k < L->o->ntypes) {
			c->type = L->o->types[k].type;
			c->prec = L->o->types[k].precision;
			c->scale = L->o->types[k].scale;
			c->not_null = L->o->types[k].not_null;
			c->given = 1;
		} else if (L->o->all_text) {
			c->type = RDB_TEXT;
			c->given = 1;
		} else {
			rdb_infer_type(&c->inf, &c->type, &c->prec, &c->scale);
		}
	}
	return RDB_OK;
}

/* field: 1-based position in the line (0: none); col: the column. */
static int reject(struct load *L, const char *file, uint64_t line,
    const char *why, const char *raw, size_t rawlen, size_t field, size_t col)
{
	if (L->r->rejected < L->o->max_errors) {
		L->r->rejected++;
		if (L->o->reject != NULL &&
		    L->o->reject(L->o->arg, file, line, why, raw, rawlen) != 0)
			return rdb_err_set(L->e, RDB_ERROR, "%s:%llu: the load was stopped",
			    file, (unsigned long long)line);
		return RDB_OK;
	}
	if (field > 0)
		return rdb_err_set(L->e, RDB_EINVAL, "%s:%llu:%zu: %s%s", file,
		    (unsigned long long)line, field, why,
		    L->cols[col].given == 1 || L->cols[col].type == RDB_TEXT ? ""
		    : " (the type was inferred from the sample: give --types or --sample all)");
	return rdb_err_set(L->e, RDB_EINVAL, "%s:%llu: %s", file,
	    (unsigned long long)line, why);
}

/* Convert and append one row; RDB_OK also when it was rejected. */
static int add_row(struct load *L, struct rdb_txn *t, const char *file,
    uint64_t line, const char *raw, size_t rawlen)
{
	char why[256];
	const char *bad;
	size_t i;
	int rc;

	if (rdb_batch_room(L->b, 1) != RDB_OK)
		return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	for (i = 0; i < L->ncols; i++) {
		bad = put(L, L->b, i, &L->row[i], 0, why, sizeof why);
		if (bad != NULL) {
			rdb_batch_drop_row(L->b);
			if (try_widen(L, i, &L->row[i]))
				return RDB_OK;	/* start over, wider */
			return reject(L, file, line, bad, raw, rawlen,
			    L->json ? 0 : (size_t)L->cols[i].src + 1, i);
		}
	}
	if (rdb_batch_end_row(L->b) != RDB_OK)
		return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	if (L->b->nrows == LOAD_BATCH) {
		if ((rc = rdb_insert_checked(t, L->table, L->b)) != RDB_OK)
			return rc;
		L->r->rows += L->b->nrows;
		rdb_batch_clear(L->b);
		if (L->o->progress != NULL) {
			/* a system call for the position: once a batch only */
			L->bytes_done = L->bytes_base +
			    (L->cur != NULL ? input_pos(L->cur) : 0);
			L->o->progress(L->o->arg, L->bytes_done, L->bytes_total,
			    L->r->rows);
		}
	}
	return RDB_OK;
}

/* Map a CSV file's fields onto the table's columns. */
static int map_fields(struct load *L, const char *file, size_t nfields)
{
	char **names;
	size_t n, i;
	int c;

	if (field_names(L, nfields, &names, &n) != RDB_OK)
		return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	for (i = 0; i < L->ncols; i++)
		L->cols[i].src = -1;
	for (i = 0; i < n; i++) {
		c = find_col(L, names[i]);
		if (c < 0)
			return rdb_err_set(L->e, RDB_EINVAL,
			    "%s: column '%s' is not in table '%s'", file, names[i],
			    L->table);
		L->cols[c].src = (int)i;
	}
	for (i = 0; i < L->ncols; i++)
		if (L->cols[i].src < 0 && L->cols[i].not_null)
			return rdb_err_set(L->e, RDB_EINVAL,
			    "%s: lacks NOT NULL column '%s' of table '%s'", file,
			    L->cols[i].name, L->table);
	L->nfields_expected = n;
	return RDB_OK;
}

/* ---- the rest of a CSV or TSV file, in parallel ----
 *
 * After the header and the sample, a file's records go through a pool
 * (blocks.h): this thread reads blocks of input and cuts each after
 * its last whole record (rdb_csv_split, which follows quotes as the
 * tokenizer does and counts lines as it does); workers parse and
 * convert blocks into batches side by side; this thread takes the
 * batches back in input order and inserts them, while the transaction
 * writes segments on a thread of its own. A worker decides nothing
 * that depends on the rows before its block: a record it cannot take
 * is noted with its line, reason and value, and this thread widens,
 * rejects or stops exactly as a load in order would, at that record.
 * What the splitter would not cut exactly (a record ended by a lone
 * carriage return, or longer than PAR_BLOCK_MAX) is read in order from
 * there on.
 */

#define PAR_BLOCK ((size_t)1 << 20)
#define PAR_BLOCK_MIN ((size_t)64 << 10)
#define PAR_BLOCK_MAX ((size_t)16 << 20)
#define PAR_MAX_WORKERS 8

/* A record a worker could not take. */
struct par_fail {
	uint64_t line;
	size_t raw_off, raw_len;    /* the record, in the block */
	size_t why_off;             /* the reason, NUL-terminated, in fbytes */
	size_t val_off, val_len;    /* the value, in fbytes */
	size_t field;               /* 1-based; 0: the record as a whole */
	size_t col;
	int null, quoted;
};

/* What a worker made of a block. */
struct par_out {
	struct rdb_batch *b;
	size_t last_rows;           /* of the slot's last block, to size */
	size_t *last_bytes;         /* the batch at once for the next */
	struct par_fail *fail;
	size_t nfail, capfail;
	struct rdb_buf fbytes;
	int rc;
	struct rdb_err err;
};

/* Records converted column by column at a time, at most. */
#define PAR_ROWS 256

struct par_rec {
	uint64_t line;
	size_t raw_off, raw_len;
	size_t nfields;             /* of a record of the wrong shape, else 0 */
};

struct par_worker {
	struct rdb_csv *csv;
	struct rdb_field *m;        /* rows records of nfields_expected */
	struct par_rec *rec;
	struct field *row;          /* one record, row by row */
};

struct par {
	const struct load *L;
	struct par_out *out;        /* one per slot */
	size_t nslots;
	struct par_worker *w;
	size_t rows;                /* records a worker converts at once */
	int nworkers;
	int ascii_dialect;          /* delimiter, quote and escape < 0x80 */
};

static int par_note(struct par_out *o, uint64_t line, const char *raw,
    size_t rawlen, const char *blk, const char *why, const struct field *f,
    size_t field, size_t col)
{
	struct par_fail *x;

	if (o->nfail == o->capfail) {
		size_t cap = o->capfail < 16 ? 16 : o->capfail * 2;
		void *p = realloc(o->fail, cap * sizeof *o->fail);
		if (p == NULL)
			return RDB_ENOMEM;
		o->fail = p;
		o->capfail = cap;
	}
	x = &o->fail[o->nfail];
	memset(x, 0, sizeof *x);
	x->line = line;
	x->raw_off = (size_t)(raw - blk);
	x->raw_len = rawlen;
	x->field = field;
	x->col = col;
	x->why_off = o->fbytes.len;
	if (rdb_buf_append(&o->fbytes, why, strlen(why) + 1) != RDB_OK)
		return RDB_ENOMEM;
	x->val_off = o->fbytes.len;
	if (f != NULL) {
		x->val_len = f->len;
		x->null = f->null;
		x->quoted = f->quoted;
		if (f->len > 0 && rdb_buf_append(&o->fbytes, f->p, f->len) != RDB_OK)
			return RDB_ENOMEM;
	}
	o->nfail++;
	return RDB_OK;
}

/* A tokenizer's field as put() takes it (csv_fields does the same). */
static inline void field_of(const struct load *L, const struct rdb_field *cf,
    struct field *f)
{
	memset(f, 0, sizeof *f);
	f->kind = J_NUM;
	f->p = cf->p;
	f->len = cf->len;
	f->quoted = cf->quoted;
	if (f->len == (size_t)-1) {
		f->len = 0;
		f->null = 1;
	} else if (L->cur_tsv) {
		f->quoted = 1;	/* an empty TSV field is "" */
	}
}

/*
 * Column i of n records, fields m[r * stride + src], into b (room
 * made): 0, or -1 at the first value that does not go in (the values
 * put so far stay, for rdb_batch_drop_row). The common spellings are
 * read inline, a loop for each type; anything else goes through put().
 */
static int conv_column(const struct load *L, struct rdb_batch *b, size_t i,
    const struct rdb_field *m, size_t stride, size_t n, int utf8_ok)
{
	const struct col *c = &L->cols[i];
	const struct rdb_field *f;
	struct field fv;
	char why[256];
	size_t r, src = (size_t)c->src;
	int64_t v;
	int32_t d32;
	int id;

	/* empty, NULL (len -1) or maybe the --null marker: put() decides */
#define PLAIN(f) ((f)->len != 0 && (f)->len != (size_t)-1 && \
    (f)->len != L->null_len)
#define SLOW(f) do { \
		field_of(L, (f), &fv); \
		if (put(L, b, i, &fv, utf8_ok, why, sizeof why) != NULL) \
			return -1; \
	} while (0)
	if (c->src < 0) {
		/* not in this file: NULL */
		memset(&fv, 0, sizeof fv);
		fv.null = 1;
		fv.kind = J_NUM;
		for (r = 0; r < n; r++)
			if (put(L, b, i, &fv, utf8_ok, why, sizeof why) != NULL)
				return -1;
		return 0;
	}
	m += src;
	switch (c->type) {
	case RDB_INTEGER:
		for (r = 0; r < n; r++) {
			f = &m[r * stride];
			if (PLAIN(f) && rdb_parse_int_fast(f->p, f->len, &v) == 0 &&
			    v >= INT32_MIN && v <= INT32_MAX)
				rdb_batch_set_i32(b, i, (int32_t)v);
			else
				SLOW(f);
		}
		return 0;
	case RDB_BIGINT:
		for (r = 0; r < n; r++) {
			f = &m[r * stride];
			if (PLAIN(f) && rdb_parse_int_fast(f->p, f->len, &v) == 0)
				rdb_batch_set_i64(b, i, v);
			else
				SLOW(f);
		}
		return 0;
	case RDB_DECIMAL:
		for (r = 0; r < n; r++) {
			f = &m[r * stride];
			if (PLAIN(f) && rdb_parse_dec_fast(f->p, f->len, c->scale, &v,
			    &id) == 0 && id <= c->prec - c->scale)
				rdb_batch_set_dec(b, i, (uint64_t)v,
				    v < 0 ? UINT64_MAX : 0);
			else
				SLOW(f);
		}
		return 0;
	case RDB_DATE:
		for (r = 0; r < n; r++) {
			f = &m[r * stride];
			if (PLAIN(f) && rdb_parse_date_fast(f->p, f->len, &d32) == 0)
				rdb_batch_set_i32(b, i, d32);
			else
				SLOW(f);
		}
		return 0;
	case RDB_TEXT:
		for (r = 0; r < n; r++) {
			f = &m[r * stride];
			if (utf8_ok && PLAIN(f)) {
				if (rdb_batch_set_bytes(b, i, f->p, f->len) != RDB_OK)
					return -1;
			} else {
				SLOW(f);
			}
		}
		return 0;
	default:
		for (r = 0; r < n; r++)
			SLOW(&m[r * stride]);
		return 0;
	}
#undef PLAIN
#undef SLOW
}

/* Records [0, n) of the worker's matrix into o->b, row by row: those
 * that cannot be taken are noted. */
static int conv_rows(const struct load *L, struct par_out *o,
    struct par_worker *w, const struct rdb_block *blk, size_t n, int utf8_ok)
{
	const char *bad = NULL;
	char why[256];
	size_t r, i;

	for (r = 0; r < n; r++) {
		const struct par_rec *x = &w->rec[r];
		if (x->nfields != L->nfields_expected) {
			snprintf(why, sizeof why, "%zu fields, expected %zu",
			    x->nfields, L->nfields_expected);
			if (par_note(o, x->line, blk->buf + x->raw_off, x->raw_len,
			    blk->buf, why, NULL, 0, 0) != RDB_OK)
				return RDB_ENOMEM;
			continue;
		}
		csv_fields(L, &w->m[r * L->nfields_expected], x->nfields, w->row,
		    why, sizeof why);
		if (rdb_batch_room(o->b, 1) != RDB_OK)
			return RDB_ENOMEM;
		for (i = 0; i < L->ncols; i++) {
			bad = put(L, o->b, i, &w->row[i], utf8_ok, why, sizeof why);
			if (bad != NULL)
				break;
		}
		if (i < L->ncols) {
			rdb_batch_drop_row(o->b);
			if (par_note(o, x->line, blk->buf + x->raw_off, x->raw_len,
			    blk->buf, bad, &w->row[i], (size_t)L->cols[i].src + 1, i) !=
			    RDB_OK)
				return RDB_ENOMEM;
			continue;
		}
		if (rdb_batch_end_row(o->b) != RDB_OK)
			return RDB_ENOMEM;
	}
	return RDB_OK;
}

/*
 * A block, in a worker: records P->rows at a time into a matrix of
 * fields, then converted a column at a time, which keeps each inner
 * loop on one type. Records that are not plain (the wrong number of
 * fields, a value that does not convert) send their group row by row
 * instead, which notes exactly what a load in order would meet.
 */
static void par_work(struct rdb_block *blk, int wid, void *arg)
{
	struct par *P = arg;
	const struct load *L = P->L;
	struct par_out *o = &P->out[blk->slot];
	struct par_worker *w = &P->w[wid];
	const struct rdb_field *cf;
	const char *raw;
	size_t ncf, rawlen, n, i, nf = L->nfields_expected;
	int rc = 1, utf8_ok, plain;

	o->nfail = 0;
	o->fbytes.len = 0;
	o->rc = RDB_OK;
	rdb_err_clear(&o->err);
	rdb_batch_clear(o->b);
	/* the table takes the batch's arrays: make them the size the last
	 * block needed and a little more, not by doubling */
	if (rdb_batch_presize(o->b, o->last_rows + o->last_rows / 8,
	    o->last_bytes) != RDB_OK ||
	    rdb_csv_set_mem(w->csv, blk->buf, blk->len, blk->line) != RDB_OK)
		goto nomem;
	/* valid UTF-8 cut at ASCII bytes stays valid: one check for all
	 * the block's fields (not when an escape could be a lead byte) */
	utf8_ok = P->ascii_dialect &&
	    rdb_utf8_valid((const uint8_t *)blk->buf, blk->len);
	do {
		plain = 1;
		for (n = 0; n < P->rows; ) {
			struct par_rec *x = &w->rec[n];
			rc = rdb_csv_next(w->csv, &cf, &ncf, &o->err);
			if (rc <= 0)
				break;
			if (ncf == 1 && cf[0].len == 0 && !cf[0].quoted && nf > 1)
				continue;	/* a blank line: nothing */
			rdb_csv_raw(w->csv, &raw, &rawlen);
			x->line = rdb_csv_line(w->csv);
			x->raw_off = (size_t)(raw - blk->buf);
			x->raw_len = rawlen;
			x->nfields = ncf;
			if (ncf == nf)
				memcpy(&w->m[n * nf], cf, nf * sizeof *cf);
			else
				plain = 0;
			n++;
		}
		if (n > 0 && plain) {
			if (rdb_batch_room(o->b, n) != RDB_OK)
				goto nomem;
			for (i = 0; i < L->ncols; i++)
				if (conv_column(L, o->b, i, w->m, nf, n, utf8_ok) != 0)
					break;
			if (i == L->ncols) {
				if (rdb_batch_end_rows(o->b, n) != RDB_OK)
					goto nomem;
				n = 0;
			} else {
				rdb_batch_drop_row(o->b);	/* row by row, then */
			}
		}
		if (n > 0 && conv_rows(L, o, w, blk, n, utf8_ok) != RDB_OK)
			goto nomem;
	} while (rc > 0);
	o->rc = rc < 0 ? rc : RDB_OK;
	o->last_rows = o->b->nrows;
	for (i = 0; i < L->ncols; i++)
		if (rdb_type_is_var(L->cols[i].type)) {
			size_t by = rdb_batch_bytes(o->b, i);
			o->last_bytes[i] = by + by / 8;
		}
	return;
nomem:
	o->rc = rdb_err_set(&o->err, RDB_ENOMEM, "out of memory");
}

static void par_free(struct par *P)
{
	size_t i;
	int k;

	for (i = 0; P->out != NULL && i < P->nslots; i++) {
		rdb_batch_free(P->out[i].b);
		free(P->out[i].last_bytes);
		free(P->out[i].fail);
		rdb_buf_release(&P->out[i].fbytes);
	}
	free(P->out);
	for (k = 0; P->w != NULL && k < P->nworkers; k++) {
		rdb_csv_free(P->w[k].csv);
		free(P->w[k].m);
		free(P->w[k].rec);
		free(P->w[k].row);
	}
	free(P->w);
}

static int par_init(struct par *P, const struct load *L,
    const struct reader *rd, const char *name, int nworkers, size_t nslots)
{
	enum rdb_type *types;
	size_t i;
	int k;

	memset(P, 0, sizeof *P);
	P->L = L;
	P->ascii_dialect = (unsigned)rd->co.delim < 0x80 &&
	    (unsigned)rd->co.quote < 0x80 && (unsigned)rd->co.escape < 0x80;
	P->nslots = nslots;
	P->nworkers = nworkers;
	/* a matrix of some 200 KB */
	P->rows = L->nfields_expected > 0 ? 8192 / L->nfields_expected
	    : PAR_ROWS;
	P->rows = P->rows < 1 ? 1 : P->rows > PAR_ROWS ? PAR_ROWS : P->rows;
	P->out = calloc(nslots, sizeof *P->out);
	P->w = calloc((size_t)nworkers, sizeof *P->w);
	types = calloc(L->ncols + 1, sizeof *types);
	if (P->out == NULL || P->w == NULL || types == NULL)
		goto nomem;
	for (i = 0; i < L->ncols; i++)
		types[i] = L->cols[i].type;
	for (i = 0; i < nslots; i++)
		if ((P->out[i].b = rdb_batch_new(L->ncols, types)) == NULL ||
		    (P->out[i].last_bytes = calloc(L->ncols + 1,
		    sizeof *P->out[i].last_bytes)) == NULL)
			goto nomem;
	for (k = 0; k < nworkers; k++) {
		P->w[k].m = calloc(P->rows * L->nfields_expected + 1,
		    sizeof *P->w[k].m);
		P->w[k].rec = calloc(P->rows, sizeof *P->w[k].rec);
		P->w[k].row = calloc(L->ncols + 1, sizeof *P->w[k].row);
		if (P->w[k].m == NULL || P->w[k].rec == NULL ||
		    P->w[k].row == NULL ||
		    rdb_csv_new_mem(&rd->co, name, &P->w[k].csv, L->e) != RDB_OK)
			goto nomem;
	}
	free(types);
	return RDB_OK;
nomem:
	free(types);
	par_free(P);
	return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
}

/* Take a worked block back: its notes in order, then its rows. */
static int par_take(struct load *L, struct par *P, struct rdb_txn *t,
    const struct rdb_block *blk, const char *name, struct col *wider,
    size_t *wcol)
{
	struct par_out *o = &P->out[blk->slot];
	size_t k;
	int rc;

	for (k = 0; k < o->nfail; k++) {
		const struct par_fail *x = &o->fail[k];
		const char *why = (const char *)o->fbytes.p + x->why_off;
		if (x->field > 0) {
			struct field f;
			memset(&f, 0, sizeof f);
			f.p = (const char *)o->fbytes.p + x->val_off;
			f.len = x->val_len;
			f.null = x->null;
			f.quoted = x->quoted;
			f.kind = J_NUM;
			if (widen(L, x->col, &f, wider)) {
				*wcol = x->col;
				return 1;	/* start over, wider */
			}
		}
		rc = reject(L, name, x->line, why, blk->buf + x->raw_off, x->raw_len,
		    x->field, x->col);
		if (rc != RDB_OK)
			return rc;
	}
	if (o->rc != RDB_OK) {
		*L->e = o->err;
		return o->rc;
	}
	if (o->b->nrows > 0) {
		size_t rows = o->b->nrows;
		/* the table takes the batch's arrays; the worker makes new ones */
		if ((rc = rdb_insert_take(t, L->table, o->b)) != RDB_OK)
			return rc;
		L->r->rows += rows;
	}
	if (L->o->progress != NULL) {
		L->bytes_done = L->bytes_base + (L->cur != NULL ? input_pos(L->cur) : 0);
		L->o->progress(L->o->arg, L->bytes_done, L->bytes_total, L->r->rows);
	}
	return RDB_OK;
}

static ssize_t prefix_read(void *arg, void *p, size_t n, struct rdb_err *e)
{
	struct prefix *x = arg;

	if (x->pos < x->b.len) {
		size_t k = x->b.len - x->pos;
		if (k > n)
			k = n;
		memcpy(p, x->b.p + x->pos, k);
		x->pos += k;
		return (ssize_t)k;
	}
	return input_read(x->in, p, n, e);
}

/* Workers for a parallel stretch: --threads, or one per CPU past two;
 * none (blocks converted by this thread) for one. With two CPUs the
 * segment writer's threads keep the second busy already: workers then
 * took as long (TPC-H SF1 lineitem, 2.1 s either way) and more memory. */
static int par_workers(const struct load *L)
{
	long n = L->o->threads > 0 ? L->o->threads
	    : sysconf(_SC_NPROCESSORS_ONLN);

	if (L->o->threads <= 0 && n <= 2)
		return 0;
	if (n < 2)
		return 0;
	return n > PAR_MAX_WORKERS ? PAR_MAX_WORKERS : (int)n;
}

/* Reading blocks: what is left of the last one, and where it is. */
struct feed {
	struct rdb_buf carry;       /* bytes after the last cut */
	uint64_t line, off;         /* of carry's first byte */
	size_t bsize;
	int eof;                    /* the input is all read */
	int done;                   /* all handed out, or left in carry */
	int fallback;               /* carry and the rest go in order */
};

/* Fill blk with the next whole records: carry, then input, cut after
 * the last record that surely ends. blk->len 0: nothing more. */
static int feed_block(struct load *L, const struct reader *rd,
    struct input *in, struct feed *F, struct rdb_block *blk)
{
	size_t cut = 0, len;
	uint64_t lines = 0;

	blk->len = 0;
	if (rdb_blocks_reserve(blk, F->carry.len + F->bsize / 2) != RDB_OK)
		return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	if (F->carry.len > 0)   /* an empty carry may have no buffer */
		memcpy(blk->buf, F->carry.p, F->carry.len);
	len = F->carry.len;
	for (;;) {
		while (len < blk->cap && !F->eof) {
			ssize_t r = input_read(in, blk->buf + len, blk->cap - len,
			    L->e);
			if (r < 0)
				return L->e->code != RDB_OK ? L->e->code : RDB_EIO;
			if (r == 0)
				F->eof = 1;
			len += (size_t)r;
		}
		if (F->eof) {
			cut = len;
			break;
		}
		if (rdb_csv_split(&rd->co, blk->buf, len, &cut, &lines) < 0) {
			F->fallback = 1;
			break;
		}
		if (cut > 0)
			break;
		/* one record fills the block */
		if (blk->cap >= PAR_BLOCK_MAX) {
			F->fallback = 1;
			break;
		}
		if (rdb_blocks_reserve(blk, blk->cap * 2) != RDB_OK)
			return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	}
	F->carry.len = 0;
	if (F->fallback) {
		/* the unsplit bytes go to the tokenizer in order */
		F->done = 1;
		if (rdb_buf_append(&F->carry, blk->buf, len) != RDB_OK)
			return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
		return RDB_OK;
	}
	if (rdb_buf_append(&F->carry, blk->buf + cut, len - cut) != RDB_OK)
		return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	blk->len = cut;
	blk->line = F->line;
	F->line += lines;
	F->off += cut;
	blk->end_offset = F->off;
	if (F->eof)
		F->done = 1;
	return RDB_OK;
}

/*
 * The rest of the file rd reads, in blocks (on workers when there are
 * any): 0 when done (or when L->restart is set), 1 when the caller is
 * to go on reading rd in order (rd->csv may be a new tokenizer then),
 * or an error.
 */
static int load_par(struct load *L, struct rdb_txn *t, struct reader *rd,
    struct input *in)
{
	struct rdb_blocks *pool = NULL;
	struct rdb_block *blk, one;
	struct feed F;
	struct par P;
	struct col wider;
	const char *rest;
	size_t nrest, wcol = 0;
	int nworkers = par_workers(L), rc;

	if (rd->csv == NULL)
		return 1;
	memset(&F, 0, sizeof F);
	memset(&one, 0, sizeof one);
	F.bsize = PAR_BLOCK;
	if (L->o->memory_limit > 0) {
		F.bsize = (size_t)(L->o->memory_limit / 64);
		F.bsize = F.bsize < PAR_BLOCK_MIN ? PAR_BLOCK_MIN
		    : F.bsize > PAR_BLOCK ? PAR_BLOCK : F.bsize;
	}
	rdb_csv_rest(rd->csv, &rest, &nrest, &F.line, &F.off);
	if (nworkers > 0 && in->fd >= 0 && in->size < F.off + F.bsize)
		nworkers = 0;	/* little left: not worth the threads */
	/* the rows so far go first */
	if (L->b->nrows > 0) {
		if ((rc = rdb_insert_checked(t, L->table, L->b)) != RDB_OK)
			return rc;
		L->r->rows += L->b->nrows;
		rdb_batch_clear(L->b);
	}
	rdb_buf_init(&F.carry);
	if (rdb_buf_append(&F.carry, rest, nrest) != RDB_OK)
		return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	/* a slot for each worker, one being filled, one being taken back */
	if ((rc = par_init(&P, L, rd, in->name, nworkers > 0 ? nworkers : 1,
	    nworkers > 0 ? (size_t)nworkers + 2 : 1)) != RDB_OK) {
		rdb_buf_release(&F.carry);
		return rc;
	}
	if (nworkers > 0 && rdb_blocks_new(nworkers, P.nslots, F.bsize, par_work,
	    &P, &pool) != RDB_OK)
		nworkers = 0;	/* no threads: here, then */
	rc = RDB_OK;
	if (nworkers == 0) {
		/* one block at a time, converted here */
		one.buf = malloc(F.bsize);
		one.cap = one.buf != NULL ? F.bsize : 0;
		while (rc == RDB_OK && !F.done) {
			if ((rc = feed_block(L, rd, in, &F, &one)) != RDB_OK ||
			    one.len == 0)
				break;
			par_work(&one, 0, &P);
			rc = par_take(L, &P, t, &one, in->name, &wider, &wcol);
		}
		free(one.buf);
	}
	while (nworkers > 0 && rc == RDB_OK) {
		/* results first, in order: they free their slots */
		if ((blk = rdb_blocks_take(pool, 0)) != NULL) {
			rc = par_take(L, &P, t, blk, in->name, &wider, &wcol);
			rdb_blocks_release(pool, blk);
			continue;
		}
		if (!F.done && (blk = rdb_blocks_slot(pool)) != NULL) {
			if ((rc = feed_block(L, rd, in, &F, blk)) != RDB_OK)
				break;
			if (blk->len > 0)
				rdb_blocks_submit(pool, blk);
			continue;
		}
		if ((blk = rdb_blocks_take(pool, 1)) == NULL)
			break;	/* all in, all back */
		rc = par_take(L, &P, t, blk, in->name, &wider, &wcol);
		rdb_blocks_release(pool, blk);
	}
	rdb_blocks_free(pool);	/* workers stopped: L may change now */
	par_free(&P);
	if (rc == 1) {
		L->cols[wcol] = wider;
		L->restart = 1;
		rc = RDB_OK;
	}
	if (rc != RDB_OK || L->restart || !F.fallback) {
		rdb_buf_release(&F.carry);
		return rc;
	}
	/* in order from the first record not cut */
	rd->pre = calloc(1, sizeof *rd->pre);
	if (rd->pre == NULL) {
		rdb_buf_release(&F.carry);
		return rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
	}
	rd->pre->b = F.carry;
	rd->pre->in = in;
	rdb_csv_free(rd->csv);
	rd->csv = NULL;
	if ((rc = rdb_csv_new(&rd->co, prefix_read, rd->pre, in->name, &rd->csv,
	    L->e)) != RDB_OK)
		return rc;
	rdb_csv_resume(rd->csv, F.line, F.off);
	return 1;
}

static int scratch(struct load *L)
{
	free(L->row);
	free(L->seen);
	L->row = calloc(L->ncols + 1, sizeof *L->row);
	L->seen = calloc(L->ncols + 1, sizeof *L->seen);
	return L->row != NULL && L->seen != NULL ? RDB_OK : RDB_ENOMEM;
}

static int delete_all(struct load *L, struct rdb_txn *t)
{
	const struct rdb_batch *b;
	struct rdb_scan_options so;
	struct rdb_scan *s;
	size_t col = 0;
	int rc;

	memset(&so, 0, sizeof so);
	so.cols = &col;
	so.ncols = 1;
	so.threads = 1;
	if ((rc = rdb_scan_open(t, L->table, &so, &s)) != RDB_OK)
		return rc;
	while ((rc = rdb_scan_next(s, &b)) > 0)
		if ((rc = rdb_delete(t, L->table, b->rowids, b->nrows)) != RDB_OK)
			break;
	rdb_scan_close(s);
	return rc < 0 ? rc : RDB_OK;
}

/* One attempt at the whole load. */
static int load_once(struct load *L, int infer_only)
{
	const struct rdb_table_desc *td = NULL;
	const struct rdb_field *cf;
	const struct rdb_jval *jv;
	struct rdb_txn *t = NULL;
	struct reader rd;
	struct input in;
	struct field *tmp = NULL;
	size_t ncf, njv, fi, i;
	uint64_t sample = L->o->sample != 0 ? L->o->sample : LOAD_SAMPLE;
	int rc, exists, more = 1;
	char why[256];
	enum rdb_type *types = NULL;

	memset(&rd, 0, sizeof rd);
	for (i = 0; i < L->ncols; i++)
		if (!L->cols[i].given)
			rdb_infer_init(&L->cols[i].inf);
	L->restart = 0;
	L->nsrec = L->nsf = 0;
	L->sbytes.len = 0;
	L->r->rows = L->r->rejected = 0;
	rc = rdb_txn_begin(L->db, infer_only ? 0 : RDB_TXN_WRITE, 0, &t);
	if (rc != RDB_OK)
		return rc;
	if (L->o->memory_limit > 0) {
		/* a row group being encoded, one being filled, the batch */
		uint64_t b = L->o->memory_limit / 4;
		rdb_txn_set_bulk_bytes(t, b < ((uint64_t)4 << 20) ? (uint64_t)4 << 20 : b);
	}
	exists = rdb_table_find(t, L->table, &td) == RDB_OK;
	rdb_err_clear(L->e);
	if (exists && L->o->mode == RDB_LOAD_CREATE) {
		rc = rdb_err_set(L->e, RDB_EEXIST,
		    "table '%s' already exists (--create)", L->table);
		goto out;
	}
	if (exists && (L->o->ntypes > 0 || L->o->all_text)) {
		rc = rdb_err_set(L->e, RDB_EINVAL,
		    "table '%s' exists: its columns have their types already (drop --types, --schema types or --all-text)",
		    L->table);
		goto out;
	}
	/* the first file: its header and its sample */
	rc = reader_open(L, &rd, &in, L->files[0]);
	if (rc != RDB_OK)
		goto out;
	L->json = rd.j != NULL;
	L->tsv = rd.fmt == RDB_LOAD_TSV;
	L->cur_tsv = L->tsv;
	L->cur = &in;
	if (!L->json && (rc = read_header(L, &rd, in.name)) != RDB_OK)
		goto out;
	if (exists) {
		/* the table decides the schema; fields map by name */
		if (L->cols == NULL) {
			for (i = 0; i < td->ncols; i++) {
				if (add_col(L, td->cols[i].name,
				    strlen(td->cols[i].name)) != RDB_OK)
					goto nomem;
				L->cols[i].type = td->cols[i].type;
				L->cols[i].prec = td->cols[i].precision;
				L->cols[i].scale = td->cols[i].scale;
				L->cols[i].not_null = td->cols[i].not_null;
				L->cols[i].given = 1;
			}
		}
	}
	tmp = NULL;
	/* read the sample */
	while ((uint64_t)L->nsrec < sample) {
		const char *raw;
		size_t rawlen;
		rc = reader_next(&rd, &cf, &ncf, &jv, &njv, L->e);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			more = 0;
			break;
		}
		reader_raw(&rd, &raw, &rawlen);
		if (!L->json && ncf == 1 && cf[0].len == 0 && !cf[0].quoted &&
		    (L->nhdr > 1 || L->o->ncolumns > 1 ||
		    (L->nhdr == 0 && L->o->ncolumns == 0)))
			continue;	/* a blank line */
		if (!L->json) {
			struct field *f2 = realloc(tmp, (ncf + 1) * sizeof *f2);
			if (f2 == NULL)
				goto nomem;
			tmp = f2;
			for (i = 0; i < ncf; i++) {
				tmp[i].p = cf[i].p;
				tmp[i].len = cf[i].len == (size_t)-1 ? 0 : cf[i].len;
				tmp[i].null = cf[i].len == (size_t)-1;
				tmp[i].quoted = cf[i].quoted || rd.fmt == RDB_LOAD_TSV;
				tmp[i].kind = J_NUM;
			}
			if (keep_record(L, in.name, reader_line(&rd), tmp, ncf, raw,
			    rawlen) != RDB_OK)
				goto nomem;
		} else {
			/* JSON: keys become columns, in order of appearance */
			struct field *f2 = realloc(tmp, (njv + 1) * sizeof *f2);
			if (f2 == NULL)
				goto nomem;
			tmp = f2;
			for (i = 0; i < njv; i++) {
				if (!exists && find_col(L, jv[i].key) < 0) {
					if (rdb_name_check("column", jv[i].key, L->e) != RDB_OK) {
						char msg[200];
						rdb_strlcpy(msg, L->e->msg, sizeof msg);
						rc = rdb_err_set(L->e, RDB_EINVAL,
						    "%s:%llu: key '%.60s': %s", in.name,
						    (unsigned long long)reader_line(&rd),
						    jv[i].key, msg);
						goto out;
					}
					if (add_col(L, jv[i].key, jv[i].keylen) != RDB_OK)
						goto nomem;
				}
				tmp[i].p = jv[i].p;
				tmp[i].len = jv[i].len;
				tmp[i].null = jv[i].kind == J_NULL;
				tmp[i].quoted = jv[i].kind == J_STR;
				tmp[i].kind = jv[i].kind;
			}
			/* keep keys as the record's first fields: the key text
			 * goes in the raw copy, resolved again below */
			if (keep_record(L, in.name, reader_line(&rd), tmp, njv, raw,
			    rawlen) != RDB_OK)
				goto nomem;
			{
				size_t base = L->nsf - njv;
				for (i = 0; i < njv; i++) {
					int c = find_col(L, jv[i].key);
					if (c < 0) {
						rc = rdb_err_set(L->e, RDB_EINVAL,
						    "%s:%llu: key '%.60s' is not a column of '%s'",
						    in.name,
						    (unsigned long long)reader_line(&rd),
						    jv[i].key, L->table);
						goto out;
					}
					/* the column, in the quoted flag's high bits */
					L->sf[base + i].quoted |= (c + 1) << 1;
				}
			}
		}
	}
	/* the columns of a new table: from the header, or c1.. */
	if (!exists && !L->json && L->cols == NULL) {
		char **names;
		size_t n, nf = L->nsrec > 0 ? L->srec[0].n : L->nhdr;
		if (L->nsrec == 0 && L->hdr == NULL && L->o->columns == NULL &&
		    L->nfiles == 1) {
			rc = RDB_OK;	/* empty: nothing to load, nothing to create */
			goto out;
		}
		if (field_names(L, nf, &names, &n) != RDB_OK)
			goto nomem;
		for (i = 0; i < n; i++)
			if (add_col(L, names[i], strlen(names[i])) != RDB_OK)
				goto nomem;
	} else if (!exists && L->json && L->ncols == 0 && L->nfiles == 1) {
		rc = RDB_OK;	/* no records: nothing to load, nothing to create */
		goto out;
	}
	if (!L->json && (rc = map_fields(L, in.name, L->nsrec > 0 && L->hdr == NULL
	    && L->o->columns == NULL ? L->srec[0].n : L->nhdr > 0 ? L->nhdr
	    : L->o->ncolumns)) != RDB_OK)
		goto out;
	if ((rc = scratch(L)) != RDB_OK)
		goto nomem;
	/* infer from the sample */
	for (i = 0; i < L->nsrec; i++) {
		size_t k;
		for (k = 0; k < L->srec[i].n; k++) {
			struct field f;
			size_t x = L->srec[i].first + k;
			int c;
			f.p = (const char *)L->sbytes.p + L->sf[x].off;
			f.len = L->sf[x].len;
			f.null = L->sf[x].null;
			f.quoted = L->sf[x].quoted & 1;
			f.kind = L->sf[x].kind;
			c = -1;
			if (L->json)
				c = (L->sf[x].quoted >> 1) - 1;
			else {
				size_t j;
				for (j = 0; j < L->ncols; j++)
					if (L->cols[j].src == (int)k)
						c = (int)j;
			}
			if (c >= 0 && !L->cols[c].given)
				infer_field(L, &L->cols[c], &f);
		}
	}
	if (!exists && (rc = decide_types(L)) != RDB_OK)
		goto out;
	if (infer_only)
		goto out;
	/* create, or empty, the table */
	if (!exists) {
		struct rdb_column_def *defs = calloc(L->ncols + 1, sizeof *defs);
		if (defs == NULL)
			goto nomem;
		for (i = 0; i < L->ncols; i++) {
			defs[i].name = L->cols[i].name;
			defs[i].type = L->cols[i].type;
			defs[i].precision = L->cols[i].prec;
			defs[i].scale = L->cols[i].scale;
			defs[i].not_null = L->cols[i].not_null;
		}
		rc = rdb_table_create(t, L->table, defs, L->ncols);
		free(defs);
		if (rc != RDB_OK)
			goto out;
		L->r->created = 1;
	} else if (L->o->mode == RDB_LOAD_REPLACE) {
		if ((rc = delete_all(L, t)) != RDB_OK)
			goto out;
	}
	types = calloc(L->ncols + 1, sizeof *types);
	if (types == NULL)
		goto nomem;
	for (i = 0; i < L->ncols; i++)
		types[i] = L->cols[i].type;
	rdb_batch_free(L->b);
	L->b = rdb_batch_new(L->ncols, types);
	if (L->b == NULL)
		goto nomem;
	/* the sample's rows */
	for (i = 0; i < L->nsrec && !L->restart; i++) {
		size_t k;
		if (!L->json && L->srec[i].n != L->nfields_expected) {
			snprintf(why, sizeof why, "%zu fields, expected %zu",
			    L->srec[i].n, L->nfields_expected);
			rc = reject(L, L->srec[i].file, L->srec[i].line, why,
			    (const char *)L->sbytes.p + L->srec[i].raw_off,
			    L->srec[i].raw_len, 0, 0);
			if (rc != RDB_OK)
				goto out;
			continue;
		}
		for (k = 0; k < L->ncols; k++) {
			memset(&L->row[k], 0, sizeof L->row[k]);
			L->row[k].null = 1;
			L->row[k].kind = J_NULL;
		}
		for (k = 0; k < L->srec[i].n; k++) {
			size_t x = L->srec[i].first + k, j;
			int c = -1;
			if (L->json)
				c = (L->sf[x].quoted >> 1) - 1;
			else
				for (j = 0; j < L->ncols; j++)
					if (L->cols[j].src == (int)k)
						c = (int)j;
			if (c < 0)
				continue;
			L->row[c].p = (const char *)L->sbytes.p + L->sf[x].off;
			L->row[c].len = L->sf[x].len;
			L->row[c].null = L->sf[x].null;
			L->row[c].quoted = L->sf[x].quoted & 1;
			L->row[c].kind = L->sf[x].kind;
		}
		rc = add_row(L, t, L->srec[i].file, L->srec[i].line,
		    (const char *)L->sbytes.p + L->srec[i].raw_off, L->srec[i].raw_len);
		if (rc != RDB_OK)
			goto out;
	}
	/* the sample is in the batch now: its copy can go (an attempt
	 * after a widening reads it again) */
	rdb_buf_release(&L->sbytes);
	free(L->sf);
	free(L->srec);
	L->sf = NULL;
	L->srec = NULL;
	L->nsf = L->capsf = L->nsrec = L->capsrec = 0;
	/* the rest of the first file, then the other files */
	for (fi = 0; fi < L->nfiles && !L->restart; fi++) {
		if (fi > 0) {
			L->bytes_base += in.size;
			reader_close(&rd);
			if ((rc = reader_open(L, &rd, &in, L->files[fi])) != RDB_OK)
				goto out;
			L->cur_tsv = rd.fmt == RDB_LOAD_TSV;
			if ((rd.j != NULL) != L->json) {
				rc = rdb_err_set(L->e, RDB_EINVAL,
				    "'%s' is %s, the load's first file is not: load them separately",
				    in.name, rd.j != NULL ? "JSON" : "CSV or TSV");
				goto out;
			}
			if (!L->json && (rc = read_header(L, &rd, in.name)) != RDB_OK)
				goto out;
			if (!L->json && (rc = map_fields(L, in.name,
			    L->nhdr > 0 ? L->nhdr : L->nfields_expected)) != RDB_OK)
				goto out;
			more = 1;
		}
		if (more && !L->restart && !L->json) {
			rc = load_par(L, t, &rd, &in);
			if (rc < 0)
				goto out;
			more = rc == 1;
		}
		while (more && !L->restart) {
			const char *raw;
			size_t rawlen;
			rc = reader_next(&rd, &cf, &ncf, &jv, &njv, L->e);
			if (rc < 0)
				goto out;
			if (rc == 0)
				break;
			reader_raw(&rd, &raw, &rawlen);
			rc = row_fields(L, cf, ncf, jv, njv, why, sizeof why);
			if (rc == -2 && L->rereadable && !exists) {
				/* a key after the sample: start over with it */
				size_t k;
				for (k = 0; k < njv; k++)
					if (find_col(L, jv[k].key) < 0 &&
					    add_col(L, jv[k].key, jv[k].keylen) != RDB_OK)
						goto nomem;
				L->restart = 1;
				break;
			}
			if (rc == 1)
				continue;	/* a blank line */
			if (rc < 0) {
				rc = reject(L, in.name, reader_line(&rd), why, raw, rawlen,
				    0, 0);
				if (rc != RDB_OK)
					goto out;
				continue;
			}
			rc = add_row(L, t, in.name, reader_line(&rd), raw, rawlen);
			if (rc != RDB_OK)
				goto out;
		}
	}
	if (L->restart) {
		rc = RDB_OK;
		goto out;
	}
	if (L->b->nrows > 0) {
		if ((rc = rdb_insert_checked(t, L->table, L->b)) != RDB_OK)
			goto out;
		L->r->rows += L->b->nrows;
		rdb_batch_clear(L->b);
	}
	/* PRIMARY KEY and UNIQUE hold over old and new rows together
	 * [F-MAN-018]; a clash loads nothing */
	if ((rc = rdb_table_check_unique(t, L->table)) != RDB_OK) {
		if (L->e != &rdb_txn_db(t)->err)
			rdb_err_set(L->e, rc, "%s", rdb_txn_db(t)->err.msg);
		goto out;
	}
	if ((rc = rdb_txn_flush_bulk(t, LOAD_CHECKPOINT_BYTES)) != RDB_OK) {
		if (L->e != &rdb_txn_db(t)->err)
			rdb_err_set(L->e, rc, "%s", rdb_txn_db(t)->err.msg);
		goto out;
	}
	{
		struct rdb_commit_opts co = { L->o->program, NULL, L->o->message };
		reader_close(&rd);
		rc = rdb_txn_commit(t, &co, &L->r->commit);
		t = NULL;
	}
	goto out;
nomem:
	rc = rdb_err_set(L->e, RDB_ENOMEM, "out of memory");
out:
	free(tmp);
	free(types);
	L->cur = NULL;
	reader_close(&rd);
	if (t != NULL) {
		struct rdb_err saved = *L->e;
		rdb_txn_abort(t);
		*L->e = saved;
	}
	return rc;
}

void rdb_load_result_release(struct rdb_load_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ncols; i++)
		free((char *)r->cols[i].name);
	free(r->cols);
	r->cols = NULL;
	r->ncols = 0;
}

int rdb_load(struct rdb_db *db, const char *table, const char *const *files,
    size_t nfiles, const struct rdb_load_options *o, int infer_only,
    struct rdb_load_result *r)
{
	static const char *const stdin_only[] = { "-" };
	struct rdb_load_options defaults;
	struct load L;
	size_t i;
	int rc, attempt;

	memset(r, 0, sizeof *r);
	if (db == NULL || table == NULL)
		return RDB_EMISUSE;
	rdb_err_clear(&db->err);
	if (o == NULL) {
		memset(&defaults, 0, sizeof defaults);
		o = &defaults;
	}
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	if ((rc = rdb_name_check("table", table, &db->err)) != RDB_OK)
		return rc;
	memset(&L, 0, sizeof L);
	L.db = db;
	L.o = o;
	L.e = &db->err;
	L.files = files;
	L.nfiles = nfiles;
	L.table = table;
	L.r = r;
	L.rereadable = 1;
	L.null_len = o->null_marker != NULL ? strlen(o->null_marker) : SIZE_MAX;
	{
		/* empty files add nothing and define nothing: skip them */
		const char **kept = calloc(nfiles + 1, sizeof *kept);
		size_t k = 0;
		struct stat st;
		if (kept == NULL)
			return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
		for (i = 0; i < nfiles; i++)
			if (strcmp(files[i], "-") == 0 || stat(files[i], &st) != 0 ||
			    !S_ISREG(st.st_mode) || st.st_size > 0)
				kept[k++] = files[i];
		if (k == 0)
			kept[k++] = files[0];
		L.files = kept;
		L.nfiles = k;
		files = kept;
		nfiles = k;
	}
	for (i = 0; i < nfiles; i++) {
		struct stat st;
		if (strcmp(files[i], "-") == 0 || stat(files[i], &st) != 0 ||
		    !S_ISREG(st.st_mode))
			L.rereadable = 0;
		else
			L.bytes_total += (uint64_t)st.st_size;
	}
	for (attempt = 0; attempt < LOAD_RESTARTS; attempt++) {
		rc = load_once(&L, infer_only);
		if (rc != RDB_OK || !L.restart)
			break;
	}
	if (rc == RDB_OK && L.restart)
		rc = rdb_err_set(&db->err, RDB_EINVAL,
		    "the column types kept changing: give --types");
	/* A load that left megabytes in the WAL would make every later
	 * open replay them (a query's start-up grows with the data): move
	 * them into segments now. The load stands even if this fails. */
	if (rc == RDB_OK && !infer_only &&
	    rdb_store_wal_bytes(&db->store) >= LOAD_CHECKPOINT_BYTES) {
		(void)rdb_checkpoint(db);
		rdb_err_clear(&db->err);
	}
	if (rc == RDB_OK) {
		r->cols = calloc(L.ncols + 1, sizeof *r->cols);
		if (r->cols != NULL) {
			for (i = 0; i < L.ncols; i++) {
				r->cols[i].name = strdup(L.cols[i].name);
				r->cols[i].type = L.cols[i].type;
				r->cols[i].precision = L.cols[i].prec;
				r->cols[i].scale = L.cols[i].scale;
				r->cols[i].not_null = L.cols[i].not_null;
			}
			r->ncols = L.ncols;
		}
	}
	cols_release(&L);
	for (i = 0; i < L.nhdr; i++)
		free(L.hdr[i]);
	free(L.hdr);
	free(L.row);
	free(L.seen);
	free(L.sf);
	free(L.srec);
	rdb_buf_release(&L.sbytes);
	rdb_batch_free(L.b);
	free((void *)L.files);
	return rc;
}
