/*
 * jrec.c - a streaming reader of JSON objects.
 *
 * Each top-level object is parsed whole from the buffer; when it runs
 * past the end, the buffer is refilled and the object parsed again from
 * its start (as csv.c does). Strings are unescaped into a scratch area;
 * nested objects and arrays are validated and kept as their JSON text.
 */
#include <stdlib.h>
#include <string.h>

#include "load/jrec.h"

#define JREC_MAX_DEPTH 512

struct rdb_jrec {
	int array;
	int state;              /* array: 0 before '[', 1 inside, 2 after ']' */
	struct rdb_ibuf in;
	char *name;
	uint64_t line, rec_line;
	size_t rec_start, rec_end;
	struct rdb_jval *v;
	size_t nv, capv;
	struct rdb_buf scratch;
	int need_more;
	int require;            /* at least one value */
	uint64_t count;
};

void rdb_jrec_require(struct rdb_jrec *j)
{
	j->require = 1;
}

int rdb_jrec_new(int array, rdb_read_fn read, void *arg, const char *name,
    struct rdb_jrec **jp, struct rdb_err *e)
{
	struct rdb_jrec *j = calloc(1, sizeof *j);

	*jp = NULL;
	if (j == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	j->array = array;
	j->name = strdup(name);
	j->line = 1;
	if (j->name == NULL || rdb_ibuf_init(&j->in, read, arg, 0) != RDB_OK) {
		rdb_jrec_free(j);
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	*jp = j;
	return RDB_OK;
}

void rdb_jrec_free(struct rdb_jrec *j)
{
	if (j == NULL)
		return;
	free(j->name);
	rdb_ibuf_release(&j->in);
	free(j->v);
	rdb_buf_release(&j->scratch);
	free(j);
}

uint64_t rdb_jrec_line(const struct rdb_jrec *j)
{
	return j->rec_line;
}

void rdb_jrec_raw(const struct rdb_jrec *j, const char **p, size_t *len)
{
	*p = j->in.buf + j->rec_start;
	*len = j->rec_end - j->rec_start;
}

uint64_t rdb_jrec_offset(const struct rdb_jrec *j)
{
	return j->in.consumed + j->in.pos;
}

struct jp {
	struct rdb_jrec *j;
	size_t i;
	uint64_t line;
	struct rdb_err *e;
	int key;                /* parsing a member name */
};

static uint64_t col_of(const struct jp *q)
{
	size_t s = q->i;

	while (s > 0 && q->j->in.buf[s - 1] != '\n')
		s--;
	return (uint64_t)(q->i - s) + 1;
}

static int fail(struct jp *q, const char *what)
{
	if (q->i >= q->j->in.end && !q->j->in.eof) {
		q->j->need_more = 1;
		return -1;
	}
	rdb_err_set(q->e, RDB_EINVAL, "%s:%llu:%llu: %s", q->j->name,
	    (unsigned long long)q->line, (unsigned long long)col_of(q), what);
	return -1;
}

static void ws(struct jp *q)
{
	const char *b = q->j->in.buf;

	while (q->i < q->j->in.end && (b[q->i] == ' ' || b[q->i] == '\t' ||
	    b[q->i] == '\n' || b[q->i] == '\r')) {
		if (b[q->i] == '\n')
			q->line++;
		q->i++;
	}
}

static int hex4(struct jp *q, unsigned *v)
{
	unsigned x = 0;
	int k;

	if (q->j->in.end - q->i < 4)
		return fail(q, "truncated \\u escape");
	for (k = 0; k < 4; k++) {
		char c = q->j->in.buf[q->i++];
		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned)(c - 'A' + 10);
		else
			return fail(q, "bad \\u escape");
	}
	*v = x;
	return 0;
}

static int put_utf8(struct rdb_buf *b, unsigned cp)
{
	uint8_t t[4];
	size_t n;

	if (cp < 0x80) {
		t[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (uint8_t)(0xc0 | cp >> 6);
		t[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = (uint8_t)(0xe0 | cp >> 12);
		t[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		t[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		t[0] = (uint8_t)(0xf0 | cp >> 18);
		t[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		t[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		t[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return rdb_buf_append(b, t, n);
}

/* A string into scratch (unescaped, NUL-terminated); *off and *len
 * locate it there. */
static int string(struct jp *q, size_t *off, size_t *len)
{
	struct rdb_buf *s = &q->j->scratch;
	const char *b = q->j->in.buf;
	unsigned u, u2;

	if (q->i >= q->j->in.end || b[q->i] != '"')
		return fail(q, "expected a string");
	q->i++;
	*off = s->len;
	for (;;) {
		size_t run = q->i;
		while (q->i < q->j->in.end && b[q->i] != '"' && b[q->i] != '\\' &&
		    (unsigned char)b[q->i] >= 0x20)
			q->i++;
		if (rdb_buf_append(s, b + run, q->i - run) != RDB_OK)
			return rdb_err_set(q->e, RDB_ENOMEM, "out of memory"), -1;
		if (q->i >= q->j->in.end)
			return fail(q, "unterminated string");
		if (b[q->i] == '"') {
			q->i++;
			break;
		}
		if ((unsigned char)b[q->i] < 0x20)
			return fail(q, "a control character in a string");
		q->i++;	/* backslash */
		if (q->i >= q->j->in.end)
			return fail(q, "unterminated string");
		switch (b[q->i++]) {
		case '"': u = '"'; break;
		case '\\': u = '\\'; break;
		case '/': u = '/'; break;
		case 'b': u = '\b'; break;
		case 'f': u = '\f'; break;
		case 'n': u = '\n'; break;
		case 'r': u = '\r'; break;
		case 't': u = '\t'; break;
		case 'u':
			if (hex4(q, &u) != 0)
				return -1;
			if (u >= 0xdc00 && u <= 0xdfff)
				return fail(q, "a lone surrogate in \\u escape");
			if (u >= 0xd800 && u <= 0xdbff) {
				if (q->j->in.end - q->i < 2 || b[q->i] != '\\' ||
				    b[q->i + 1] != 'u')
					return fail(q, "a lone surrogate in \\u escape");
				q->i += 2;
				if (hex4(q, &u2) != 0)
					return -1;
				if (u2 < 0xdc00 || u2 > 0xdfff)
					return fail(q, "a lone surrogate in \\u escape");
				u = 0x10000 + ((u - 0xd800) << 10) + (u2 - 0xdc00);
			}
			break;
		default:
			q->i--;
			return fail(q, "bad escape in a string");
		}
		if (u == 0 && q->key) {
			/* a column name cannot hold NUL: U+FFFD instead */
			u = 0xfffd;
		}
		if (put_utf8(s, u) != RDB_OK)
			return rdb_err_set(q->e, RDB_ENOMEM, "out of memory"), -1;
	}
	*len = s->len - *off;
	if (!rdb_utf8_valid(s->p + *off, *len))
		return fail(q, "a string that is not valid UTF-8");
	if (rdb_buf_put8(s, 0) != RDB_OK)
		return rdb_err_set(q->e, RDB_ENOMEM, "out of memory"), -1;
	return 0;
}

static int number(struct jp *q)
{
	const char *b = q->j->in.buf;

#define D(c) ((c) >= '0' && (c) <= '9')
	if (q->i < q->j->in.end && b[q->i] == '-')
		q->i++;
	if (q->i < q->j->in.end && b[q->i] == '0')
		q->i++;
	else if (q->i < q->j->in.end && D(b[q->i]))
		while (q->i < q->j->in.end && D(b[q->i]))
			q->i++;
	else
		return fail(q, "bad number");
	if (q->i < q->j->in.end && b[q->i] == '.') {
		q->i++;
		if (q->i >= q->j->in.end || !D(b[q->i]))
			return fail(q, "bad number");
		while (q->i < q->j->in.end && D(b[q->i]))
			q->i++;
	}
	if (q->i < q->j->in.end && (b[q->i] == 'e' || b[q->i] == 'E')) {
		q->i++;
		if (q->i < q->j->in.end && (b[q->i] == '+' || b[q->i] == '-'))
			q->i++;
		if (q->i >= q->j->in.end || !D(b[q->i]))
			return fail(q, "bad number");
		while (q->i < q->j->in.end && D(b[q->i]))
			q->i++;
	}
	if (q->i >= q->j->in.end && !q->j->in.eof)
		return fail(q, "truncated number");	/* may continue */
#undef D
	return 0;
}

static int lit(struct jp *q, const char *w)
{
	size_t n = strlen(w);

	if (q->j->in.end - q->i < n) {
		if (memcmp(q->j->in.buf + q->i, w, q->j->in.end - q->i) == 0 && !q->j->in.eof) {
			q->j->need_more = 1;
			return -1;
		}
		return fail(q, "bad literal");
	}
	if (memcmp(q->j->in.buf + q->i, w, n) != 0)
		return fail(q, "bad literal");
	q->i += n;
	return 0;
}

/* Any value, skipped (validated); its kind in *kind. */
static int value(struct jp *q, int depth, enum rdb_jkind *kind)
{
	size_t off, len;
	const char *b = q->j->in.buf;

	if (depth > JREC_MAX_DEPTH)
		return fail(q, "nested too deeply");
	ws(q);
	if (q->i >= q->j->in.end)
		return fail(q, "expected a value");
	switch (b[q->i]) {
	case '{':
		*kind = J_NESTED;
		q->i++;
		ws(q);
		if (q->i < q->j->in.end && b[q->i] == '}') {
			q->i++;
			return 0;
		}
		for (;;) {
			enum rdb_jkind k;
			ws(q);
			if (string(q, &off, &len) != 0)
				return -1;
			q->j->scratch.len = off;	/* nested keys: not kept */
			ws(q);
			if (q->i >= q->j->in.end || b[q->i] != ':')
				return fail(q, "expected ':'");
			q->i++;
			if (value(q, depth + 1, &k) != 0)
				return -1;
			ws(q);
			if (q->i < q->j->in.end && b[q->i] == ',') {
				q->i++;
				continue;
			}
			if (q->i < q->j->in.end && b[q->i] == '}') {
				q->i++;
				return 0;
			}
			return fail(q, "expected ',' or '}'");
		}
	case '[':
		*kind = J_NESTED;
		q->i++;
		ws(q);
		if (q->i < q->j->in.end && b[q->i] == ']') {
			q->i++;
			return 0;
		}
		for (;;) {
			enum rdb_jkind k;
			if (value(q, depth + 1, &k) != 0)
				return -1;
			ws(q);
			if (q->i < q->j->in.end && b[q->i] == ',') {
				q->i++;
				continue;
			}
			if (q->i < q->j->in.end && b[q->i] == ']') {
				q->i++;
				return 0;
			}
			return fail(q, "expected ',' or ']'");
		}
	case '"':
		*kind = J_STR;
		if (string(q, &off, &len) != 0)
			return -1;
		if (depth > 1)
			q->j->scratch.len = off;	/* nested: not kept */
		return 0;
	case 't':
		*kind = J_BOOL;
		return lit(q, "true");
	case 'f':
		*kind = J_BOOL;
		return lit(q, "false");
	case 'n':
		*kind = J_NULL;
		return lit(q, "null");
	default:
		*kind = J_NUM;
		return number(q);
	}
}

static int add_val(struct rdb_jrec *j, size_t keyoff, size_t keylen,
    enum rdb_jkind kind, const char *p, size_t len)
{
	if (rdb_grow(&j->v, &j->capv, j->nv, sizeof *j->v) != RDB_OK)
		return -1;
	j->v[j->nv].key = (const char *)(uintptr_t)keyoff;
	j->v[j->nv].keylen = keylen;
	j->v[j->nv].kind = kind;
	j->v[j->nv].p = p;
	j->v[j->nv].len = len;
	j->nv++;
	return 0;
}

/* Parse the value of a member whose key is at koff in scratch. */
static int member(struct rdb_jrec *j, struct jp *q, size_t koff, size_t klen)
{
	enum rdb_jkind kind;
	size_t vs = q->i, voff = j->scratch.len;

	if (value(q, 1, &kind) != 0)
		return -1;
	if (kind == J_STR) {
		/* value() kept a top-level string in scratch */
		if (add_val(j, koff, klen, kind, (const char *)(uintptr_t)voff,
		    j->scratch.len - voff - 1) != 0)
			return rdb_err_set(q->e, RDB_ENOMEM, "out of memory"), -1;
		j->v[j->nv - 1].kind = J_STR | 0x100;
	} else if (add_val(j, koff, klen, kind, j->in.buf + vs, q->i - vs) != 0) {
		return rdb_err_set(q->e, RDB_ENOMEM, "out of memory"), -1;
	}
	return 0;
}

/* One top-level record at pos. 1 parsed, 0 need more, -1 error. */
static int object(struct rdb_jrec *j, struct rdb_err *e)
{
	struct jp q = { j, j->in.pos, j->line, e, 0 };
	const char *b = j->in.buf;
	size_t i, start;

	j->nv = 0;
	j->scratch.len = 0;
	j->need_more = 0;
	ws(&q);
	start = q.i;
	if (q.i >= j->in.end)
		return j->in.eof ? 2 : 0;
	if (j->array && b[q.i] == ']') {
		q.i++;
		j->state = 2;
		j->in.pos = q.i;
		j->line = q.line;
		return 2;
	}
	j->rec_line = q.line;
	if (b[q.i] != '{') {
		/* a value that is not an object: a record of one member,
		 * "value" */
		size_t koff = j->scratch.len;
		if (rdb_buf_append(&j->scratch, "value", 6) != RDB_OK)
			goto nomem;
		if (member(j, &q, koff, 5) != 0)
			goto out;
	} else {
		q.i++;
		ws(&q);
		if (q.i < j->in.end && b[q.i] == '}') {
			q.i++;
		} else {
			for (;;) {
				size_t koff, klen;
				int r2;
				ws(&q);
				q.key = 1;
				r2 = string(&q, &koff, &klen);
				q.key = 0;
				if (r2 != 0)
					goto out;
				if (klen == 0) {
					/* a column needs a name: "" becomes "_" */
					j->scratch.len = koff;
					if (rdb_buf_append(&j->scratch, "_", 2) != RDB_OK)
						goto nomem;
					klen = 1;
				}
				ws(&q);
				if (q.i >= j->in.end || b[q.i] != ':') {
					fail(&q, "expected ':'");
					goto out;
				}
				q.i++;
				ws(&q);
				if (member(j, &q, koff, klen) != 0)
					goto out;
				ws(&q);
				if (q.i < j->in.end && b[q.i] == ',') {
					q.i++;
					continue;
				}
				if (q.i < j->in.end && b[q.i] == '}') {
					q.i++;
					break;
				}
				fail(&q, "expected ',' or '}'");
				goto out;
			}
		}
	}
	/* after the value: NDJSON wants a line end, an array ',' or ']' */
	if (!j->array) {
		while (q.i < j->in.end && (b[q.i] == ' ' || b[q.i] == '\t' ||
		    b[q.i] == '\r'))
			q.i++;
		if (q.i >= j->in.end && !j->in.eof)
			return 0;
		if (q.i < j->in.end && b[q.i] != '\n') {
			fail(&q, "more after a JSON value on the same line");
			return -1;
		}
	}
	ws(&q);
	if (j->array) {
		if (q.i >= j->in.end && !j->in.eof)
			return 0;
		if (q.i < j->in.end && b[q.i] == ',') {
			q.i++;
			ws(&q);
			if (q.i >= j->in.end && !j->in.eof)
				return 0;
			if (q.i >= j->in.end || b[q.i] == ']') {
				fail(&q, "a comma before the end of the array");
				return -1;
			}
		} else if (q.i < j->in.end && b[q.i] == ']') {
			;	/* seen next time */
		} else {
			fail(&q, "expected ',' or ']' after a value");
			return -1;
		}
	}
	j->rec_start = start;
	j->rec_end = q.i;
	j->in.pos = q.i;
	j->line = q.line;
	for (i = 0; i < j->nv; i++) {
		j->v[i].key = (const char *)j->scratch.p + (uintptr_t)j->v[i].key;
		if (j->v[i].kind & 0x100) {
			j->v[i].kind = J_STR;
			j->v[i].p = (const char *)j->scratch.p + (uintptr_t)j->v[i].p;
		}
	}
	return 1;
nomem:
	rdb_err_set(e, RDB_ENOMEM, "out of memory");
	return -1;
out:
	return j->need_more ? 0 : -1;
}

int rdb_jrec_next(struct rdb_jrec *j, const struct rdb_jval **vals, size_t *n,
    struct rdb_err *e)
{
	int rc;

	for (;;) {
		if (j->array && j->state == 0) {
			struct jp q = { j, j->in.pos, j->line, e, 0 };
			ws(&q);
			if (q.i >= j->in.end) {
				if (j->in.eof)
					return rdb_err_set(e, RDB_EINVAL,
					    "%s: empty input, expected a JSON array",
					    j->name);
				if ((rc = rdb_ibuf_refill(&j->in, j->name, j->line, "an object", e)) != RDB_OK)
					return rc;
				continue;
			}
			if (j->in.buf[q.i] != '[') {
				fail(&q, "expected '[': the file is not a JSON array");
				return RDB_EINVAL;
			}
			j->in.pos = q.i + 1;
			j->line = q.line;
			j->state = 1;
		}
		if (j->state == 2) {
			struct jp q = { j, j->in.pos, j->line, e, 0 };
			ws(&q);
			if (q.i < j->in.end) {
				fail(&q, "data after the end of the JSON array");
				return RDB_EINVAL;
			}
			if (j->in.eof)
				return 0;
			j->in.pos = q.i;
			if ((rc = rdb_ibuf_refill(&j->in, j->name, j->line, "an object", e)) != RDB_OK)
				return rc;
			continue;
		}
		rc = object(j, e);
		if (rc == 1)
			break;
		if (rc == 2) {
			if (j->array && j->state != 2) {
				struct jp q = { j, j->in.pos, j->line, e, 0 };
				return rdb_err_set(e, RDB_EINVAL,
				    "%s:%llu:%llu: the JSON array is not closed",
				    j->name, (unsigned long long)q.line,
				    (unsigned long long)col_of(&q));
			}
			if (j->state == 2)
				continue;
			if (j->require && j->count == 0)
				return rdb_err_set(e, RDB_EINVAL,
				    "%s: no JSON value", j->name);
			return 0;
		}
		if (rc < 0)
			return e->code != RDB_OK ? e->code : RDB_EINVAL;
		if (j->in.eof)
			return rdb_err_set(e, RDB_EINVAL, "%s:%llu: truncated JSON",
			    j->name, (unsigned long long)j->line);
		if ((rc = rdb_ibuf_refill(&j->in, j->name, j->line, "an object", e)) != RDB_OK)
			return rc;
	}
	j->count++;
	*vals = j->v;
	*n = j->nv;
	return 1;
}
