/*
 * parse.c - the lexer and the recursive-descent parser of rdb's SQL.
 *
 * One token of lookahead. Every node is allocated in the statement's
 * arena and records the offset of its first token, so later errors
 * (unknown column, type mismatch) point at the right place. Keywords are
 * not reserved except where a bare word would be ambiguous (an alias
 * after an expression may not be a clause keyword).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load/conv.h"
#include "sql/sql.h"

enum tk { TK_END, TK_ID, TK_QID, TK_STR, TK_BLOB, TK_NUM, TK_PARAM, TK_OP };

struct tok {
	enum tk k;
	uint32_t pos, len;
	char op[4];             /* TK_OP text */
};

struct parser {
	struct sql_ctx *cx;
	struct sql_arena *a;
	const char *s;
	size_t n;
	size_t p;               /* lexer position */
	struct tok t;           /* current token */
	int depth;
	int failed;
	uint32_t prev_end;      /* end of the token before the current one */
	int in_default;         /* parsing a column's DEFAULT: NOT NULL
	                           after it is a constraint, not x NOT NULL */
};

#define MAX_DEPTH 1000
#define MAX_HEIGHT 2000

void sql_pos_text(const char *text, size_t len, uint32_t pos, char *buf,
    size_t n)
{
	size_t i, line = 1, col = 1;

	for (i = 0; i < pos && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	snprintf(buf, n, "line %zu, column %zu", line, col);
}

static void tok_desc(struct parser *ps, const struct tok *t, char *buf,
    size_t n)
{
	if (t->k == TK_END)
		snprintf(buf, n, "end of input");
	else
		snprintf(buf, n, "'%.*s'", t->len > 40 ? 40 : (int)t->len,
		    ps->s + t->pos);
}

/* "syntax error at line 1, column 17: expected FROM, found 'FORM'" */
static int expected(struct parser *ps, const char *what)
{
	char where[64], found[64];

	if (ps->failed)
		return -1;
	sql_pos_text(ps->s, ps->n, ps->t.pos, where, sizeof(where));
	tok_desc(ps, &ps->t, found, sizeof(found));
	sql_error(ps->cx, "syntax error at %s: expected %s, found %s", where,
	    what, found);
	ps->failed = 1;
	return -1;
}

static int perr(struct parser *ps, uint32_t pos, const char *msg)
{
	char where[64];

	if (ps->failed)
		return -1;
	sql_pos_text(ps->s, ps->n, pos, where, sizeof(where));
	sql_error(ps->cx, "syntax error at %s: %s", where, msg);
	ps->failed = 1;
	return -1;
}

/* Skip blanks and comments; -1 for an unterminated block comment. */
static int skip_space(const char *s, size_t n, size_t *pp)
{
	size_t p = *pp;

	for (;;) {
		while (p < n && isspace((unsigned char)s[p]))
			p++;
		if (p + 1 < n && s[p] == '-' && s[p + 1] == '-') {
			while (p < n && s[p] != '\n')
				p++;
			continue;
		}
		if (p + 1 < n && s[p] == '/' && s[p + 1] == '*') {
			int depth = 1;
			p += 2;
			while (p < n && depth > 0) {
				if (p + 1 < n && s[p] == '*' && s[p + 1] == '/') {
					depth--;
					p += 2;
				} else if (p + 1 < n && s[p] == '/' && s[p + 1] == '*') {
					depth++;
					p += 2;
				} else {
					p++;
				}
			}
			if (depth > 0) {
				*pp = p;
				return -1;
			}
			continue;
		}
		break;
	}
	*pp = p;
	return 0;
}

static int isid0(int c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static int isid(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static int lex(struct parser *ps)
{
	const char *s = ps->s;
	size_t n = ps->n, p = ps->p;
	struct tok *t = &ps->t;
	unsigned char c;

	if (skip_space(s, n, &p) != 0) {
		ps->t.pos = (uint32_t)p;
		return perr(ps, (uint32_t)ps->p, "unterminated comment");
	}
	t->pos = (uint32_t)p;
	if (p >= n) {
		t->k = TK_END;
		t->len = 0;
		ps->p = p;
		return 0;
	}
	c = (unsigned char)s[p];
	if ((c == 'x' || c == 'X') && p + 1 < n && s[p + 1] == '\'') {
		/* X'4142': a BLOB literal, hexadecimal digits in pairs */
		for (p += 2; p < n && s[p] != '\''; p++)
			if (!isxdigit((unsigned char)s[p]))
				return perr(ps, (uint32_t)p, "a BLOB literal X'...' "
				    "takes hexadecimal digits only");
		if (p >= n)
			return perr(ps, t->pos, "unterminated BLOB literal");
		if ((p - t->pos - 2) % 2 != 0)
			return perr(ps, t->pos, "a BLOB literal X'...' takes "
			    "an even number of hexadecimal digits");
		p++;
		t->k = TK_BLOB;
	} else if (isid0(c)) {
		while (p < n && isid((unsigned char)s[p]))
			p++;
		t->k = TK_ID;
	} else if (c == '"' || c == '`') {
		p++;
		for (;;) {
			if (p >= n)
				return perr(ps, t->pos, "unterminated quoted name");
			if ((unsigned char)s[p] == c) {
				if (p + 1 < n && (unsigned char)s[p + 1] == c) {
					p += 2;
					continue;
				}
				p++;
				break;
			}
			p++;
		}
		t->k = TK_QID;
	} else if (c == '\'') {
		p++;
		for (;;) {
			if (p >= n)
				return perr(ps, t->pos, "unterminated string");
			if (s[p] == '\'') {
				if (p + 1 < n && s[p + 1] == '\'') {
					p += 2;
					continue;
				}
				p++;
				break;
			}
			p++;
		}
		t->k = TK_STR;
	} else if (isdigit(c) || (c == '.' && p + 1 < n &&
	    isdigit((unsigned char)s[p + 1]))) {
		while (p < n && isdigit((unsigned char)s[p]))
			p++;
		if (p < n && s[p] == '.') {
			p++;
			while (p < n && isdigit((unsigned char)s[p]))
				p++;
		}
		if (p < n && (s[p] == 'e' || s[p] == 'E')) {
			size_t q = p + 1;
			if (q < n && (s[q] == '+' || s[q] == '-'))
				q++;
			if (q < n && isdigit((unsigned char)s[q])) {
				p = q;
				while (p < n && isdigit((unsigned char)s[p]))
					p++;
			}
		}
		t->k = TK_NUM;
	} else if (c == ':' && p + 1 < n && isid0((unsigned char)s[p + 1])) {
		p++;
		while (p < n && isid((unsigned char)s[p]))
			p++;
		t->k = TK_PARAM;
	} else {
		static const char *ops[] = { "->>", "::", "->", "<>", "!=", "<=",
			">=", "||", "==", "<<", ">>", NULL };
		int i;
		t->k = TK_OP;
		for (i = 0; ops[i] != NULL; i++) {
			size_t l = strlen(ops[i]);
			if (p + l <= n && !memcmp(s + p, ops[i], l)) {
				memcpy(t->op, ops[i], l + 1);
				p += l;
				break;
			}
		}
		if (ops[i] == NULL) {
			if (!strchr("+-*/%(),.;=<>[]&|#~", c)) {
				char msg[64];
				snprintf(msg, sizeof(msg), "unexpected character '%s%c'",
				    c >= 0x80 ? "\\" : "", c >= 0x80 ? 'x' : c);
				return perr(ps, t->pos, msg);
			}
			t->op[0] = (char)c;
			t->op[1] = '\0';
			p++;
		}
	}
	t->len = (uint32_t)(p - t->pos);
	ps->p = p;
	return 0;
}

static int next(struct parser *ps)
{
	int rc;

	ps->prev_end = ps->t.pos + ps->t.len;
	rc = lex(ps);
	if (rc != 0) {
		/* the rest of the text is unusable: look like its end */
		ps->t.k = TK_END;
		ps->t.len = 0;
	}
	return rc;
}

/* Is the current token the keyword kw (case-insensitive, unquoted)? */
static int is_kw(struct parser *ps, const char *kw)
{
	return ps->t.k == TK_ID && strlen(kw) == ps->t.len &&
	    !strncasecmp(ps->s + ps->t.pos, kw, ps->t.len);
}

static int accept_kw(struct parser *ps, const char *kw)
{
	if (!is_kw(ps, kw))
		return 0;
	next(ps);
	return 1;
}

static int expect_kw(struct parser *ps, const char *kw)
{
	if (accept_kw(ps, kw))
		return 0;
	return expected(ps, kw);
}

static int is_op(struct parser *ps, const char *op)
{
	return ps->t.k == TK_OP && !strcmp(ps->t.op, op);
}

static int accept_op(struct parser *ps, const char *op)
{
	if (!is_op(ps, op))
		return 0;
	next(ps);
	return 1;
}

static int expect_op(struct parser *ps, const char *op)
{
	char what[8];

	if (accept_op(ps, op))
		return 0;
	snprintf(what, sizeof(what), "'%s'", op);
	return expected(ps, what);
}

static void *alloc(struct parser *ps, size_t n)
{
	void *p = sql_arena_alloc(ps->a, n);

	if (p == NULL) {
		if (!ps->failed)
			sql_error(ps->cx, "out of memory");
		ps->failed = 1;
		return NULL;
	}
	memset(p, 0, n);
	return p;
}

/* Words that end an expression or a FROM item, so they are never taken
 * as an alias without AS. */
static const char *const clause_kw[] = { "from", "where", "group", "having",
	"order", "limit", "offset", "union", "intersect", "except", "join",
	"inner", "left", "right", "full", "cross", "natural", "on", "using",
	"and", "or", "not", "as", "select", "into", "values", "set", "when",
	"then", "else", "end", "is", "in", "like", "ilike", "between", "asc",
	"desc", "nulls", "filter", "over", "window", "qualify", "returning",
	"collate", "for", "outer", "escape", "similar", NULL };

/* The clause keyword w is a misspelling of (one letter off), or NULL. */
static const char *typo_kw(const char *w)
{
	static const char *const kws[] = { "FROM", "WHERE", "GROUP", "ORDER",
		"LIMIT", "HAVING", NULL };
	int i;

	for (i = 0; kws[i] != NULL; i++) {
		const char *k = kws[i];
		size_t n = strlen(w), m = strlen(k), a = 0, b = 0;
		int diff = 0;
		if (n + 1 < m || m + 1 < n)
			continue;
		/* one substitution, insertion, deletion or swap */
		while (a < n && b < m && diff <= 2) {
			if (tolower((unsigned char)w[a]) == tolower((unsigned char)k[b])) {
				a++;
				b++;
				continue;
			}
			diff++;
			if (n == m && a + 1 < n &&
			    tolower((unsigned char)w[a]) == tolower((unsigned char)k[b + 1]) &&
			    tolower((unsigned char)w[a + 1]) == tolower((unsigned char)k[b])) {
				a += 2;
				b += 2;
			} else if (n > m) {
				a++;
			} else if (m > n) {
				b++;
			} else {
				a++;
				b++;
			}
		}
		diff += (int)(n - a) + (int)(m - b);
		if (diff == 1)
			return k;
	}
	return NULL;
}

static int is_clause_kw(struct parser *ps)
{
	int i;

	if (ps->t.k != TK_ID)
		return 0;
	for (i = 0; clause_kw[i] != NULL; i++)
		if (is_kw(ps, clause_kw[i]))
			return 1;
	return 0;
}

/* The current identifier as a name: unquoted folds to lower case,
 * quoted keeps its case with doubled quotes undone. */
static char *ident(struct parser *ps)
{
	const char *p = ps->s + ps->t.pos;
	uint32_t n = ps->t.len, i, k = 0;
	char *r;

	if (ps->t.k == TK_ID) {
		r = alloc(ps, n + 1);
		if (r == NULL)
			return NULL;
		for (i = 0; i < n; i++)
			r[i] = (char)tolower((unsigned char)p[i]);
		next(ps);
		return r;
	}
	if (ps->t.k != TK_QID) {
		expected(ps, "a name");
		return NULL;
	}
	r = alloc(ps, n);
	if (r == NULL)
		return NULL;
	for (i = 1; i + 1 < n; i++) {
		r[k++] = p[i];
		if (p[i] == p[0])
			i++;
	}
	if (k == 0) {
		perr(ps, ps->t.pos, "empty quoted name");
		return NULL;
	}
	next(ps);
	return r;
}

static int at_name(struct parser *ps)
{
	return ps->t.k == TK_ID || ps->t.k == TK_QID;
}

/* The string literal's text with '' undone, in the arena. */
static int str_lit(struct parser *ps, struct sql_str *out)
{
	const char *p = ps->s + ps->t.pos;
	uint32_t n = ps->t.len, i, k = 0;
	char *r = alloc(ps, n);

	if (r == NULL)
		return -1;
	for (i = 1; i + 1 < n; i++) {
		r[k++] = p[i];
		if (p[i] == '\'')
			i++;
	}
	r[k] = '\0';
	out->p = r;
	out->n = k;
	return next(ps);
}

static struct sql_expr *node(struct parser *ps, enum sql_ek k, uint32_t pos)
{
	struct sql_expr *e = alloc(ps, sizeof(*e));

	if (e != NULL) {
		e->k = k;
		e->pos = pos;
	}
	return e;
}

static struct sql_expr *op_node(struct parser *ps, int op, uint32_t pos,
    int nargs, struct sql_expr *a, struct sql_expr *b, struct sql_expr *c)
{
	struct sql_expr *e = node(ps, E_OP, pos);

	if (e == NULL)
		return NULL;
	e->op = op;
	e->nargs = nargs;
	e->args = alloc(ps, sizeof(*e->args) * 3);
	if (e->args == NULL)
		return NULL;
	e->args[0] = a;
	e->args[1] = b;
	e->args[2] = c;
	/* Every later pass recurses over the tree: bound its height, not
	 * just the nesting of parentheses (1+1+...+1 is a deep tree). */
	{
		int i, h = 0;
		for (i = 0; i < 3; i++)
			if (e->args[i] != NULL && e->args[i]->height > h)
				h = e->args[i]->height;
		e->height = h + 1;
		if (e->height > MAX_HEIGHT) {
			perr(ps, pos, "expression too complex (nested deeper than "
			    "2000 operators)");
			return NULL;
		}
	}
	return e;
}

/* A growable array of pointers in the arena. */
struct plist {
	void **v;
	int n, cap;
};

static int plist_add(struct parser *ps, struct plist *l, void *x)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		void **nv = alloc(ps, sizeof(void *) * (size_t)cap);
		if (nv == NULL)
			return -1;
		if (l->n)
			memcpy(nv, l->v, sizeof(void *) * (size_t)l->n);
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = x;
	return 0;
}

static struct sql_expr *expr(struct parser *ps);
static struct sql_expr *concat(struct parser *ps);

/* expr [, expr ...] into l. */
static int expr_list(struct parser *ps, struct plist *l)
{
	do {
		struct sql_expr *e = expr(ps);
		if (e == NULL || plist_add(ps, l, e))
			return -1;
	} while (accept_op(ps, ","));
	return 0;
}
static struct sql_select *select_stmt(struct parser *ps);

static struct sql_expr *const_node(struct parser *ps, uint32_t pos, int tid)
{
	struct sql_expr *e = node(ps, E_CONST, pos);

	if (e != NULL) {
		e->val.t.id = (uint8_t)tid;
		e->t = e->val.t;
	}
	return e;
}

static struct sql_expr *number(struct parser *ps)
{
	const char *p = ps->s + ps->t.pos;
	uint32_t n = ps->t.len, pos = ps->t.pos;
	struct sql_expr *e;
	int64_t i;
	__int128 x;
	int id, fd;

	if (memchr(p, 'e', n) == NULL && memchr(p, 'E', n) == NULL) {
		if (memchr(p, '.', n) == NULL && rdb_parse_int(p, n, 0, &i) == 0) {
			e = const_node(ps, pos, i >= INT32_MIN && i <= INT32_MAX ?
			    T_INT : T_BIGINT);
			if (e != NULL)
				e->val.u.i = i;
			next(ps);
			return e;
		}
		if (rdb_parse_decimal(p, n, 0, -1, &x, &id, &fd) == 0 &&
		    id + fd <= 38) {
			e = const_node(ps, pos, T_DECIMAL);
			if (e != NULL) {
				e->val.u.x = x;
				e->val.t.prec = (uint8_t)(id + fd > fd ? id + fd : fd + 1);
				e->val.t.scale = (uint8_t)fd;
				e->t = e->val.t;
			}
			next(ps);
			return e;
		}
	}
	e = const_node(ps, pos, T_DOUBLE);
	if (e != NULL) {
		char buf[400];
		if (n >= sizeof(buf)) {
			perr(ps, pos, "number too long");
			return NULL;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		errno = 0;
		e->val.u.d = strtod(buf, NULL);
		if (errno == ERANGE && (e->val.u.d > 1 || e->val.u.d < -1)) {
			perr(ps, pos, "number out of range");
			return NULL;
		}
	}
	next(ps);
	return e;
}

/* A type name: INTEGER, DECIMAL(15,2), VARCHAR(25), DOUBLE PRECISION... */
static int type_name(struct parser *ps, struct sql_type *t)
{
	static const struct {
		const char *name;
		int id;
	} names[] = {
		{ "integer", T_INT }, { "int", T_INT }, { "int4", T_INT },
		{ "int32", T_INT }, { "smallint", T_INT }, { "int2", T_INT },
		{ "tinyint", T_INT }, { "mediumint", T_INT },
		{ "bigint", T_BIGINT }, { "int8", T_BIGINT }, { "int64", T_BIGINT },
		{ "long", T_BIGINT }, { "hugeint", T_DECIMAL },
		{ "double", T_DOUBLE }, { "float", T_DOUBLE }, { "float8", T_DOUBLE },
		{ "real", T_DOUBLE }, { "float4", T_DOUBLE },
		{ "decimal", T_DECIMAL }, { "numeric", T_DECIMAL },
		{ "dec", T_DECIMAL },
		{ "text", T_TEXT }, { "varchar", T_TEXT }, { "char", T_TEXT },
		{ "character", T_TEXT }, { "string", T_TEXT }, { "clob", T_TEXT },
		{ "nvarchar", T_TEXT }, { "nchar", T_TEXT },
		{ "boolean", T_BOOL }, { "bool", T_BOOL },
		{ "date", T_DATE },
		{ "timestamp", T_TIMESTAMP }, { "datetime", T_TIMESTAMP },
		{ "timestamptz", T_TIMESTAMP },
		{ "json", T_JSON }, { "blob", T_BLOB }, { "bytea", T_BLOB },
		{ "binary", T_BLOB }, { "varbinary", T_BLOB },
		{ "interval", T_INTERVAL },
		{ NULL, 0 }
	};
	int i, dec;
	uint32_t pos = ps->t.pos;

	memset(t, 0, sizeof(*t));
	if (ps->t.k != TK_ID)
		return expected(ps, "a type name");
	for (i = 0; names[i].name != NULL; i++)
		if (is_kw(ps, names[i].name))
			break;
	if (names[i].name == NULL)
		return expected(ps, "a type name");
	t->id = (uint8_t)names[i].id;
	dec = is_kw(ps, "decimal") || is_kw(ps, "numeric") || is_kw(ps, "dec");
	if (is_kw(ps, "hugeint")) {
		t->prec = 38;
		dec = 0;
	}
	next(ps);
	if (t->id == T_DOUBLE)
		accept_kw(ps, "precision");
	if (t->id == T_TEXT)
		accept_kw(ps, "varying");
	if (t->id == T_TIMESTAMP) {
		if (accept_kw(ps, "with") || accept_kw(ps, "without")) {
			if (expect_kw(ps, "time") || expect_kw(ps, "zone"))
				return -1;
		}
	}
	if (dec) {
		t->prec = 18;
		t->scale = 3;
	}
	if (accept_op(ps, "(")) {
		int64_t a = 0, b = 0;
		if (ps->t.k != TK_NUM ||
		    rdb_parse_int(ps->s + ps->t.pos, ps->t.len, 0, &a) != 0)
			return expected(ps, "a number");
		next(ps);
		if (accept_op(ps, ",")) {
			if (ps->t.k != TK_NUM ||
			    rdb_parse_int(ps->s + ps->t.pos, ps->t.len, 0, &b) != 0)
				return expected(ps, "a number");
			next(ps);
		}
		if (expect_op(ps, ")"))
			return -1;
		if (dec) {
			if (a < 1 || a > 38 || b < 0 || b > a)
				return perr(ps, pos, "DECIMAL precision must be 1..38 "
				    "and scale 0..precision");
			t->prec = (uint8_t)a;
			t->scale = (uint8_t)b;
		}
	}
	return 0;
}

static struct sql_expr *func_node(struct parser *ps, const char *name,
    uint32_t pos, int nargs, struct sql_expr **args)
{
	struct sql_expr *e = node(ps, E_FUNC, pos);

	if (e == NULL)
		return NULL;
	e->name = sql_arena_strdup(ps->a, name, strlen(name));
	e->nargs = nargs;
	e->args = alloc(ps, sizeof(*e->args) * (size_t)(nargs ? nargs : 1));
	if (e->name == NULL || e->args == NULL)
		return NULL;
	if (nargs > 0)
		memcpy(e->args, args, sizeof(*args) * (size_t)nargs);
	return e;
}

static struct sql_expr *text_const(struct parser *ps, uint32_t pos,
    const char *s)
{
	struct sql_expr *e = const_node(ps, pos, T_TEXT);

	if (e != NULL) {
		e->val.u.s.n = (uint32_t)strlen(s);
		e->val.u.s.p = sql_arena_strdup(ps->a, s, e->val.u.s.n);
	}
	return e;
}

/* Calls with special syntax: CAST, EXTRACT, POSITION, SUBSTRING, TRIM. */
static struct sql_expr *special_call(struct parser *ps, const char *name,
    uint32_t pos)
{
	struct sql_expr *args[3], *e;

	if (!strcmp(name, "cast") || !strcmp(name, "try_cast")) {
		e = node(ps, E_CAST, pos);
		if (e == NULL || (e->args = alloc(ps, sizeof(*e->args))) == NULL)
			return NULL;
		e->nargs = 1;
		if (name[0] == 't')
			e->flags |= EF_TRY;
		if ((e->args[0] = expr(ps)) == NULL || expect_kw(ps, "as") ||
		    type_name(ps, &e->t) || expect_op(ps, ")"))
			return NULL;
		return e;
	}
	if (!strcmp(name, "extract")) {
		char *field;
		if (ps->t.k == TK_STR) {
			struct sql_str s;
			if (str_lit(ps, &s))
				return NULL;
			field = (char *)s.p;
		} else if ((field = ident(ps)) == NULL) {
			return NULL;
		}
		if (expect_kw(ps, "from") || (args[1] = expr(ps)) == NULL ||
		    expect_op(ps, ")"))
			return NULL;
		if ((args[0] = text_const(ps, pos, field)) == NULL)
			return NULL;
		return func_node(ps, "date_part", pos, 2, args);
	}
	if (!strcmp(name, "position")) {
		/* POSITION(a IN b): a is parsed above the IN operator */
		if ((args[0] = concat(ps)) == NULL)
			return NULL;
		if (!accept_kw(ps, "in") && !accept_op(ps, ",")) {
			expected(ps, "IN");
			return NULL;
		}
		if ((args[1] = expr(ps)) == NULL || expect_op(ps, ")"))
			return NULL;
		return func_node(ps, "position", pos, 2, args);
	}
	if (!strcmp(name, "substring") || !strcmp(name, "substr")) {
		int n = 1;
		if ((args[0] = expr(ps)) == NULL)
			return NULL;
		if (accept_kw(ps, "from")) {
			if ((args[1] = expr(ps)) == NULL)
				return NULL;
			n = 2;
			if (accept_kw(ps, "for")) {
				if ((args[2] = expr(ps)) == NULL)
					return NULL;
				n = 3;
			}
		} else if (accept_kw(ps, "for")) {
			args[1] = const_node(ps, pos, T_INT);
			if (args[1] == NULL)
				return NULL;
			args[1]->val.u.i = 1;
			if ((args[2] = expr(ps)) == NULL)
				return NULL;
			n = 3;
		} else {
			while (accept_op(ps, ",")) {
				if (n == 3) {
					expected(ps, "')'");
					return NULL;
				}
				if ((args[n++] = expr(ps)) == NULL)
					return NULL;
			}
		}
		if (expect_op(ps, ")"))
			return NULL;
		return func_node(ps, "substr", pos, n, args);
	}
	if (!strcmp(name, "trim")) {
		const char *fn = "trim";
		int n = 1;
		if (accept_kw(ps, "leading"))
			fn = "ltrim";
		else if (accept_kw(ps, "trailing"))
			fn = "rtrim";
		else
			accept_kw(ps, "both");
		if (accept_kw(ps, "from")) {
			if ((args[0] = expr(ps)) == NULL)
				return NULL;
		} else {
			if ((args[0] = expr(ps)) == NULL)
				return NULL;
			if (accept_kw(ps, "from")) {
				args[1] = args[0];
				if ((args[0] = expr(ps)) == NULL)
					return NULL;
				n = 2;
			} else if (accept_op(ps, ",")) {
				if ((args[1] = expr(ps)) == NULL)
					return NULL;
				n = 2;
			}
		}
		if (expect_op(ps, ")"))
			return NULL;
		return func_node(ps, fn, pos, n, args);
	}
	return NULL;
}

static int order_items(struct parser *ps, struct sql_order **out, int *nout);

/* One frame bound: UNBOUNDED PRECEDING | n PRECEDING | CURRENT ROW | … */
static int frame_bound(struct parser *ps, int *kind, struct sql_expr **off)
{
	if (accept_kw(ps, "unbounded")) {
		if (accept_kw(ps, "preceding"))
			*kind = WB_UNBOUNDED_PRECEDING;
		else if (accept_kw(ps, "following"))
			*kind = WB_UNBOUNDED_FOLLOWING;
		else
			return expected(ps, "PRECEDING or FOLLOWING");
		return 0;
	}
	if (accept_kw(ps, "current")) {
		*kind = WB_CURRENT;
		return expect_kw(ps, "row");
	}
	if ((*off = expr(ps)) == NULL)
		return -1;
	if (accept_kw(ps, "preceding"))
		*kind = WB_PRECEDING;
	else if (accept_kw(ps, "following"))
		*kind = WB_FOLLOWING;
	else
		return expected(ps, "PRECEDING or FOLLOWING");
	return 0;
}

/* The inside of OVER ( … ) or WINDOW name AS ( … ). */
static struct sql_window *window_spec(struct parser *ps)
{
	struct sql_window *w = alloc(ps, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->pos = ps->t.pos;
	if (ps->t.k == TK_ID && !is_kw(ps, "partition") && !is_kw(ps, "order") &&
	    !is_kw(ps, "rows") && !is_kw(ps, "range") && !is_kw(ps, "groups") &&
	    (w->ref = ident(ps)) == NULL)
		return NULL;
	if (accept_kw(ps, "partition")) {
		struct plist l = { 0 };
		if (expect_kw(ps, "by") || expr_list(ps, &l))
			return NULL;
		w->part = (struct sql_expr **)l.v;
		w->npart = l.n;
	}
	if (accept_kw(ps, "order")) {
		if (expect_kw(ps, "by") || order_items(ps, &w->order, &w->norder))
			return NULL;
	}
	w->unit = accept_kw(ps, "rows") ? WF_ROWS : accept_kw(ps, "range") ?
	    WF_RANGE : accept_kw(ps, "groups") ? WF_GROUPS : 0;
	if (w->unit == 0)
		return w;
	if (accept_kw(ps, "between")) {
		if (frame_bound(ps, &w->start, &w->soff) || expect_kw(ps, "and") ||
		    frame_bound(ps, &w->end, &w->eoff))
			return NULL;
	} else {
		if (frame_bound(ps, &w->start, &w->soff))
			return NULL;
		w->end = WB_CURRENT;
	}
	if (accept_kw(ps, "exclude")) {
		if (accept_kw(ps, "current")) {
			if (expect_kw(ps, "row"))
				return NULL;
			w->exclude = WX_CURRENT_ROW;
		} else if (accept_kw(ps, "group")) {
			w->exclude = WX_GROUP;
		} else if (accept_kw(ps, "ties")) {
			w->exclude = WX_TIES;
		} else if (accept_kw(ps, "no")) {
			if (expect_kw(ps, "others"))
				return NULL;
		} else {
			expected(ps, "CURRENT ROW, GROUP, TIES or NO OTHERS");
			return NULL;
		}
	}
	return w;
}

/* [IGNORE NULLS | RESPECT NULLS], in a call or after it (where
 * `f(x) ignore` is f(x) AS ignore: look one token ahead). */
static void nulls_treatment(struct parser *ps, struct sql_expr *e)
{
	size_t save = ps->p;
	struct tok st = ps->t;
	int ignore = is_kw(ps, "ignore");

	if (!ignore && !is_kw(ps, "respect"))
		return;
	next(ps);
	if (!accept_kw(ps, "nulls")) {
		ps->p = save;
		ps->t = st;
		return;
	}
	if (ignore)
		e->flags |= EF_IGNORE_NULLS;
	else
		e->flags &= ~(unsigned)EF_IGNORE_NULLS;
}

static struct sql_expr *call(struct parser *ps, char *name, uint32_t pos)
{
	struct plist args = { 0 };
	struct sql_expr *e;

	if (!strcmp(name, "cast") || !strcmp(name, "try_cast") ||
	    !strcmp(name, "extract") || !strcmp(name, "position") ||
	    !strcmp(name, "substring") || !strcmp(name, "substr") ||
	    !strcmp(name, "trim"))
		return special_call(ps, name, pos);
	e = node(ps, E_FUNC, pos);
	if (e == NULL)
		return NULL;
	e->name = name;
	if (accept_op(ps, "*")) {
		struct sql_expr *star = node(ps, E_STAR, pos);
		if (star == NULL || plist_add(ps, &args, star))
			return NULL;
	} else if (!is_op(ps, ")")) {
		if (accept_kw(ps, "distinct"))
			e->distinct = 1;
		else
			accept_kw(ps, "all");
		do {
			struct sql_expr *a = expr(ps);
			if (a == NULL || plist_add(ps, &args, a))
				return NULL;
		} while (accept_op(ps, ","));
		if (accept_kw(ps, "order")) {
			if (expect_kw(ps, "by") || (e->order = expr(ps)) == NULL)
				return NULL;
			if (accept_kw(ps, "desc"))
				e->flags |= 0x100;
			else
				accept_kw(ps, "asc");
		}
		nulls_treatment(ps, e);
	}
	if (expect_op(ps, ")"))
		return NULL;
	e->nargs = args.n;
	e->args = (struct sql_expr **)args.v;
	nulls_treatment(ps, e);
	if (accept_kw(ps, "filter")) {
		if (expect_op(ps, "(") || expect_kw(ps, "where") ||
		    (e->filter = expr(ps)) == NULL || expect_op(ps, ")"))
			return NULL;
	}
	if (accept_kw(ps, "over")) {
		if (ps->t.k == TK_ID && !is_op(ps, "(")) {
			if ((e->over = alloc(ps, sizeof(*e->over))) == NULL)
				return NULL;
			e->over->pos = ps->t.pos;
			if ((e->over->ref = ident(ps)) == NULL)
				return NULL;
			return e;
		}
		if (expect_op(ps, "(") || (e->over = window_spec(ps)) == NULL ||
		    expect_op(ps, ")"))
			return NULL;
	}
	return e;
}

static struct sql_expr *case_expr(struct parser *ps, uint32_t pos)
{
	struct plist l = { 0 };
	struct sql_expr *e = node(ps, E_CASE, pos), *x;

	if (e == NULL)
		return NULL;
	if (!is_kw(ps, "when")) {
		if ((x = expr(ps)) == NULL || plist_add(ps, &l, x))
			return NULL;
		e->flags |= EF_CASE_OPERAND;
	}
	if (!is_kw(ps, "when")) {
		expected(ps, "WHEN");
		return NULL;
	}
	while (accept_kw(ps, "when")) {
		if ((x = expr(ps)) == NULL || plist_add(ps, &l, x) ||
		    expect_kw(ps, "then") || (x = expr(ps)) == NULL ||
		    plist_add(ps, &l, x))
			return NULL;
	}
	if (accept_kw(ps, "else")) {
		if ((x = expr(ps)) == NULL || plist_add(ps, &l, x))
			return NULL;
		e->flags |= EF_CASE_ELSE;
	}
	if (expect_kw(ps, "end"))
		return NULL;
	e->nargs = l.n;
	e->args = (struct sql_expr **)l.v;
	return e;
}

static struct sql_expr *primary(struct parser *ps)
{
	uint32_t pos = ps->t.pos;
	struct sql_expr *e;

	switch (ps->t.k) {
	case TK_NUM:
		return number(ps);
	case TK_STR:
		e = const_node(ps, pos, T_TEXT);
		if (e == NULL || str_lit(ps, &e->val.u.s))
			return NULL;
		e->flags |= EF_STRLIT;
		return e;
	case TK_BLOB: {
		const char *h = ps->s + pos + 2;
		uint32_t nb = (ps->t.len - 3) / 2, i;
		char *b = alloc(ps, nb + 1);
		e = const_node(ps, pos, T_BLOB);
		if (e == NULL || b == NULL)
			return NULL;
		for (i = 0; i < nb; i++) {
			char pair[3] = { h[2 * i], h[2 * i + 1], '\0' };
			b[i] = (char)strtoul(pair, NULL, 16);
		}
		e->val.u.s.p = b;
		e->val.u.s.n = nb;
		next(ps);
		return e;
	}
	case TK_PARAM:
		e = node(ps, E_PARAM, pos);
		if (e == NULL)
			return NULL;
		e->name = sql_arena_strdup(ps->a, ps->s + pos + 1, ps->t.len - 1);
		e->flags |= EF_STRLIT;
		next(ps);
		return e;
	case TK_OP:
		if (accept_op(ps, "(")) {
			if (is_kw(ps, "select") || is_kw(ps, "values") ||
			    is_kw(ps, "with")) {
				e = node(ps, E_SUBQUERY, pos);
				if (e == NULL || (e->sub = select_stmt(ps)) == NULL ||
				    expect_op(ps, ")"))
					return NULL;
				return e;
			}
			if ((e = expr(ps)) == NULL)
				return NULL;
			if (is_op(ps, ",")) {
				/* a row value (a, b): only useful in IN lists */
				perr(ps, ps->t.pos, "row values are not supported");
				return NULL;
			}
			if (expect_op(ps, ")"))
				return NULL;
			e->flags |= EF_PAREN;
			return e;
		}
		if (accept_op(ps, "*"))
			return node(ps, E_STAR, pos);
		expected(ps, "an expression");
		return NULL;
	case TK_END:
		expected(ps, "an expression");
		return NULL;
	case TK_ID:
		if (accept_kw(ps, "null")) {
			e = const_node(ps, pos, T_NULL);
			if (e != NULL)
				e->val.null = 1;
			return e;
		}
		if (accept_kw(ps, "true") || accept_kw(ps, "false")) {
			e = const_node(ps, pos, T_BOOL);
			if (e != NULL)
				e->val.u.i = (ps->s[pos] | 0x20) == 't';
			return e;
		}
		if (accept_kw(ps, "case"))
			return case_expr(ps, pos);
		if (accept_kw(ps, "exists")) {
			e = node(ps, E_SUBQUERY, pos);
			if (e == NULL || expect_op(ps, "(") ||
			    (e->sub = select_stmt(ps)) == NULL || expect_op(ps, ")"))
				return NULL;
			e->flags |= 0x200;      /* EXISTS */
			return e;
		}
		if (is_kw(ps, "date") || is_kw(ps, "timestamp") ||
		    is_kw(ps, "time") || is_kw(ps, "interval")) {
			/* typed literal: DATE '2020-01-01', INTERVAL '3' DAY */
			size_t save = ps->p;
			struct tok st = ps->t;
			int iv = is_kw(ps, "interval");
			int ts = is_kw(ps, "timestamp");
			next(ps);
			if (ps->t.k == TK_STR || (iv && ps->t.k == TK_NUM)) {
				struct sql_str s;
				struct sql_expr *c;
				if (ps->t.k == TK_NUM) {
					s.p = sql_arena_strdup(ps->a, ps->s + ps->t.pos,
					    ps->t.len);
					s.n = ps->t.len;
					next(ps);
				} else if (str_lit(ps, &s)) {
					return NULL;
				}
				if (iv) {
					char *unit = NULL;
					if (ps->t.k == TK_ID && !is_clause_kw(ps)) {
						static const char *units[] = { "year", "years",
							"month", "months", "day", "days", "hour",
							"hours", "minute", "minutes", "second",
							"seconds", "week", "weeks", NULL };
						int i;
						for (i = 0; units[i]; i++)
							if (is_kw(ps, units[i]))
								break;
						if (units[i] != NULL)
							unit = ident(ps);
					}
					c = const_node(ps, pos, T_INTERVAL);
					if (c == NULL)
						return NULL;
					if (sql_parse_interval(s.p, s.n, unit, &c->val.u.iv)) {
						perr(ps, pos, "invalid interval literal");
						return NULL;
					}
					return c;
				}
				c = node(ps, E_CAST, pos);
				if (c == NULL || (c->args = alloc(ps, sizeof(*c->args))) == NULL)
					return NULL;
				c->nargs = 1;
				c->t.id = ts ? T_TIMESTAMP : T_DATE;
				c->args[0] = const_node(ps, pos, T_TEXT);
				if (c->args[0] == NULL)
					return NULL;
				c->args[0]->val.u.s = s;
				c->flags |= 0x400;      /* a typed literal: fold now */
				return c;
			}
			ps->p = save;
			ps->t = st;
		}
		if (is_kw(ps, "current_date") || is_kw(ps, "current_timestamp") ||
		    is_kw(ps, "localtimestamp")) {
			char *n = ident(ps);
			if (n == NULL)
				return NULL;
			if (accept_op(ps, "(") && expect_op(ps, ")"))
				return NULL;
			return func_node(ps, !strcmp(n, "current_date") ?
			    "current_date" : "now", pos, 0, NULL);
		}
		/* FALLTHROUGH */
	case TK_QID: {
		int quoted = ps->t.k == TK_QID;
		char *name = ident(ps);
		if (name == NULL)
			return NULL;
		if (!quoted && accept_op(ps, "("))
			return call(ps, name, pos);
		e = node(ps, E_NAME, pos);
		if (e == NULL)
			return NULL;
		e->name = name;
		if (quoted)
			e->flags |= EF_QUOTED;
		if (accept_op(ps, ".")) {
			if (accept_op(ps, "*")) {
				e->k = E_STAR;
				e->qual = name;
				e->name = NULL;
				return e;
			}
			e->qual = name;
			if ((e->name = ident(ps)) == NULL)
				return NULL;
			if (accept_op(ps, ".")) {
				/* schema.table.column: ignore a "main" schema */
				e->qual = e->name;
				if ((e->name = ident(ps)) == NULL)
					return NULL;
			}
		}
		return e;
	}
	default:
		break;
	}
	expected(ps, "an expression");
	return NULL;
}

static struct sql_expr *postfix(struct parser *ps)
{
	struct sql_expr *e = primary(ps);

	while (e != NULL) {
		uint32_t pos = ps->t.pos;
		if (accept_op(ps, "::")) {
			struct sql_expr *c = node(ps, E_CAST, pos);
			if (c == NULL || (c->args = alloc(ps, sizeof(*c->args))) == NULL)
				return NULL;
			c->nargs = 1;
			c->args[0] = e;
			if (type_name(ps, &c->t))
				return NULL;
			e = c;
		} else if (is_op(ps, "->") || is_op(ps, "->>")) {
			int op = is_op(ps, "->") ? OP_JSON_GET : OP_JSON_GET_TEXT;
			struct sql_expr *r;
			next(ps);
			if ((r = primary(ps)) == NULL)
				return NULL;
			e = op_node(ps, op, pos, 2, e, r, NULL);
		} else if (accept_op(ps, "[")) {
			perr(ps, pos, "subscripts are not supported");
			return NULL;
		} else {
			break;
		}
	}
	return e;
}

static struct sql_expr *unary(struct parser *ps)
{
	uint32_t pos = ps->t.pos;

	if (++ps->depth > MAX_DEPTH) {
		perr(ps, pos, "expression nested too deeply");
		return NULL;
	}
	if (accept_op(ps, "-")) {
		struct sql_expr *e = unary(ps);
		ps->depth--;
		if (e == NULL)
			return NULL;
		/* Fold -literal here so -2147483648 is an INTEGER. */
		if (e->k == E_CONST && !(e->flags & EF_PAREN)) {
			if (e->val.t.id == T_INT || e->val.t.id == T_BIGINT) {
				if (e->val.u.i == (int64_t)2147483648LL &&
				    e->val.t.id == T_BIGINT) {
					e->val.t.id = T_INT;
					e->t = e->val.t;
				}
				if (e->val.u.i != INT64_MIN) {
					e->val.u.i = -e->val.u.i;
					e->pos = pos;
					return e;
				}
			} else if (e->val.t.id == T_DECIMAL) {
				e->val.u.x = -e->val.u.x;
				e->pos = pos;
				return e;
			} else if (e->val.t.id == T_DOUBLE) {
				e->val.u.d = -e->val.u.d;
				e->pos = pos;
				return e;
			}
		}
		return op_node(ps, OP_NEG, pos, 1, e, NULL, NULL);
	}
	if (accept_op(ps, "+")) {
		struct sql_expr *e = unary(ps);
		ps->depth--;
		return e;
	}
	if (accept_op(ps, "~")) {
		struct sql_expr *e = unary(ps);
		ps->depth--;
		return e == NULL ? NULL : func_node(ps, "~", pos, 1, &e);
	}
	{
		struct sql_expr *e = postfix(ps);
		ps->depth--;
		return e;
	}
}

static struct sql_expr *mul(struct parser *ps)
{
	struct sql_expr *e = unary(ps);

	while (e != NULL) {
		uint32_t pos = ps->t.pos;
		int op;
		if (is_op(ps, "*"))
			op = OP_MUL;
		else if (is_op(ps, "/"))
			op = OP_DIV;
		else if (is_op(ps, "%"))
			op = OP_MOD;
		else
			break;
		next(ps);
		e = op_node(ps, op, pos, 2, e, unary(ps), NULL);
		if (e != NULL && e->args[1] == NULL)
			return NULL;
	}
	return e;
}

static struct sql_expr *add(struct parser *ps)
{
	struct sql_expr *e = mul(ps);

	while (e != NULL) {
		uint32_t pos = ps->t.pos;
		int op;
		if (is_op(ps, "+"))
			op = OP_ADD;
		else if (is_op(ps, "-"))
			op = OP_SUB;
		else
			break;
		next(ps);
		e = op_node(ps, op, pos, 2, e, mul(ps), NULL);
		if (e != NULL && e->args[1] == NULL)
			return NULL;
	}
	return e;
}

/* ||, and the bitwise operators & | # << >> (functions of func.c
 * named by their symbol): one level, left to right, between + - and
 * the comparisons, as PostgreSQL's "other operators". */
static struct sql_expr *concat(struct parser *ps)
{
	static const char *const bitops[] = { "&", "|", "#", "<<", ">>" };
	struct sql_expr *e = add(ps);
	size_t k;

	while (e != NULL) {
		uint32_t pos = ps->t.pos;
		struct sql_expr *args[2];
		if (is_op(ps, "||")) {
			next(ps);
			e = op_node(ps, OP_CONCAT, pos, 2, e, add(ps), NULL);
			if (e != NULL && e->args[1] == NULL)
				return NULL;
			continue;
		}
		for (k = 0; k < sizeof bitops / sizeof *bitops; k++)
			if (is_op(ps, bitops[k]))
				break;
		if (k == sizeof bitops / sizeof *bitops)
			break;
		next(ps);
		args[0] = e;
		if ((args[1] = add(ps)) == NULL)
			return NULL;
		e = func_node(ps, bitops[k], pos, 2, args);
	}
	return e;
}

static struct sql_expr *in_list(struct parser *ps, struct sql_expr *x,
    int neg, uint32_t pos)
{
	struct plist l = { 0 };
	struct sql_expr *e;

	if (!is_op(ps, "(") && at_name(ps)) {
		/* SQLite's x IN t: x IN (SELECT * FROM t) */
		struct sql_select *s = alloc(ps, sizeof(*s));
		struct sql_from *f = alloc(ps, sizeof(*f));
		struct sql_expr *star = node(ps, E_STAR, ps->t.pos);
		if (s == NULL || f == NULL || star == NULL ||
		    (s->items = alloc(ps, sizeof(*s->items))) == NULL ||
		    (s->alias = alloc(ps, sizeof(*s->alias))) == NULL ||
		    (s->text = alloc(ps, sizeof(*s->text))) == NULL ||
		    (s->text[0] = alloc(ps, 2)) == NULL)
			return NULL;
		s->text[0][0] = '*';
		f->k = F_TABLE;
		f->pos = ps->t.pos;
		if ((f->name = ident(ps)) == NULL)
			return NULL;
		if (accept_op(ps, ".") && (f->name = ident(ps)) == NULL)
			return NULL;     /* main.t */
		s->items[0] = star;
		s->nitems = 1;
		s->from = f;
		if ((e = node(ps, E_SUBQUERY, pos)) == NULL ||
		    (e->args = alloc(ps, sizeof(*e->args))) == NULL)
			return NULL;
		e->sub = s;
		e->flags |= neg ? 0x1000 : 0x800;
		e->args[0] = x;
		e->nargs = 1;
		return e;
	}
	if (expect_op(ps, "("))
		return NULL;
	if (is_kw(ps, "select") || is_kw(ps, "values") || is_kw(ps, "with")) {
		e = node(ps, E_SUBQUERY, pos);
		if (e == NULL || (e->sub = select_stmt(ps)) == NULL ||
		    expect_op(ps, ")"))
			return NULL;
		e->flags |= neg ? 0x1000 : 0x800;       /* [NOT] IN (SELECT) */
		if ((e->args = alloc(ps, sizeof(*e->args))) == NULL)
			return NULL;
		e->args[0] = x;
		e->nargs = 1;
		return e;
	}
	if (plist_add(ps, &l, x))
		return NULL;
	if (!is_op(ps, ")")) {
		do {
			struct sql_expr *a = expr(ps);
			if (a == NULL || plist_add(ps, &l, a))
				return NULL;
		} while (accept_op(ps, ","));
	}
	if (expect_op(ps, ")"))
		return NULL;
	e = node(ps, E_OP, pos);
	if (e == NULL)
		return NULL;
	e->op = neg ? OP_NOT_IN : OP_IN;
	e->nargs = l.n;
	e->args = (struct sql_expr **)l.v;
	return e;
}

static struct sql_expr *comparison(struct parser *ps)
{
	struct sql_expr *e = concat(ps);

	while (e != NULL) {
		uint32_t pos = ps->t.pos;
		int op = -1, neg = 0;

		if (is_op(ps, "=") || is_op(ps, "=="))
			op = OP_EQ;
		else if (is_op(ps, "<>") || is_op(ps, "!="))
			op = OP_NE;
		else if (is_op(ps, "<"))
			op = OP_LT;
		else if (is_op(ps, "<="))
			op = OP_LE;
		else if (is_op(ps, ">"))
			op = OP_GT;
		else if (is_op(ps, ">="))
			op = OP_GE;
		if (op >= 0) {
			next(ps);
			if (is_kw(ps, "any") || is_kw(ps, "all") || is_kw(ps, "some")) {
				/* x op ANY|ALL (subquery) */
				int all = is_kw(ps, "all");
				struct sql_expr *q;
				next(ps);
				if (expect_op(ps, "(") || (q = node(ps, E_SUBQUERY, pos)) == NULL)
					return NULL;
				if (!is_kw(ps, "select") && !is_kw(ps, "values") &&
				    !is_kw(ps, "with")) {
					expected(ps, "a subquery");
					return NULL;
				}
				if ((q->sub = select_stmt(ps)) == NULL || expect_op(ps, ")"))
					return NULL;
				if ((q->args = alloc(ps, sizeof(*q->args))) == NULL)
					return NULL;
				q->args[0] = e;
				q->nargs = 1;
				q->flags |= all ? 0x20000 : 0x40000;    /* ALL / ANY */
				q->op = op;
				e = q;
				continue;
			}
			e = op_node(ps, op, pos, 2, e, concat(ps), NULL);
			if (e != NULL && e->args[1] == NULL)
				return NULL;
			continue;
		}
		if (accept_kw(ps, "is")) {
			int not = accept_kw(ps, "not");
			if (accept_kw(ps, "null"))
				op = not ? OP_IS_NOT_NULL : OP_IS_NULL;
			else if (accept_kw(ps, "true"))
				op = not ? OP_IS_NOT_TRUE : OP_IS_TRUE;
			else if (accept_kw(ps, "false"))
				op = not ? OP_IS_NOT_FALSE : OP_IS_FALSE;
			else if (accept_kw(ps, "unknown"))
				op = not ? OP_IS_NOT_NULL : OP_IS_NULL;
			else if (accept_kw(ps, "distinct")) {
				if (expect_kw(ps, "from"))
					return NULL;
				e = op_node(ps, not ? OP_IS_NOT_DISTINCT : OP_IS_DISTINCT,
				    pos, 2, e, concat(ps), NULL);
				if (e != NULL && e->args[1] == NULL)
					return NULL;
				continue;
			} else {
				/* IS [NOT] expr: SQLite's IS as IS NOT DISTINCT FROM */
				e = op_node(ps, not ? OP_IS_DISTINCT : OP_IS_NOT_DISTINCT,
				    pos, 2, e, concat(ps), NULL);
				if (e != NULL && e->args[1] == NULL)
					return NULL;
				continue;
			}
			e = op_node(ps, op, pos, 1, e, NULL, NULL);
			continue;
		}
		if (accept_kw(ps, "isnull")) {
			e = op_node(ps, OP_IS_NULL, pos, 1, e, NULL, NULL);
			continue;
		}
		if (accept_kw(ps, "notnull")) {
			e = op_node(ps, OP_IS_NOT_NULL, pos, 1, e, NULL, NULL);
			continue;
		}
		if (is_kw(ps, "not")) {
			/* NOT IN / NOT LIKE / NOT BETWEEN, or the NOT of a
			 * higher level: look one token ahead. */
			size_t save = ps->p;
			struct tok st = ps->t;
			uint32_t save_end = ps->prev_end;
			next(ps);
			if (is_kw(ps, "null") && !ps->in_default) {
				/* SQLite's x NOT NULL: x IS NOT NULL */
				next(ps);
				e = op_node(ps, OP_IS_NOT_NULL, pos, 1, e, NULL, NULL);
				continue;
			}
			if (!is_kw(ps, "in") && !is_kw(ps, "like") &&
			    !is_kw(ps, "ilike") && !is_kw(ps, "between")) {
				ps->p = save;
				ps->t = st;
				ps->prev_end = save_end;
				break;
			}
			neg = 1;
		}
		if (accept_kw(ps, "in")) {
			e = in_list(ps, e, neg, pos);
			continue;
		}
		if (is_kw(ps, "like") || is_kw(ps, "ilike")) {
			int ilike = is_kw(ps, "ilike");
			struct sql_expr *pat, *esc = NULL;
			next(ps);
			if ((pat = concat(ps)) == NULL)
				return NULL;
			if (accept_kw(ps, "escape") && (esc = concat(ps)) == NULL)
				return NULL;
			op = ilike ? (neg ? OP_NOT_ILIKE : OP_ILIKE) :
			    (neg ? OP_NOT_LIKE : OP_LIKE);
			e = op_node(ps, op, pos, esc ? 3 : 2, e, pat, esc);
			continue;
		}
		if (accept_kw(ps, "between")) {
			struct sql_expr *lo, *hi;
			int sym = accept_kw(ps, "symmetric");
			if (!sym)
				accept_kw(ps, "asymmetric");
			if ((lo = concat(ps)) == NULL || expect_kw(ps, "and") ||
			    (hi = concat(ps)) == NULL)
				return NULL;
			e = op_node(ps, neg ? OP_NOT_BETWEEN : OP_BETWEEN, pos, 3, e,
			    lo, hi);
			if (e != NULL && sym)
				e->flags |= EF_SYMMETRIC;
			continue;
		}
		break;
	}
	return e;
}

static struct sql_expr *not_expr(struct parser *ps)
{
	uint32_t pos = ps->t.pos;

	if (accept_kw(ps, "not")) {
		struct sql_expr *e;
		if (++ps->depth > MAX_DEPTH) {
			perr(ps, pos, "expression nested too deeply");
			return NULL;
		}
		e = not_expr(ps);
		ps->depth--;
		if (e == NULL)
			return NULL;
		return op_node(ps, OP_NOT, pos, 1, e, NULL, NULL);
	}
	return comparison(ps);
}

static struct sql_expr *and_expr(struct parser *ps)
{
	struct sql_expr *e = not_expr(ps);

	while (e != NULL && is_kw(ps, "and")) {
		uint32_t pos = ps->t.pos;
		next(ps);
		e = op_node(ps, OP_AND, pos, 2, e, not_expr(ps), NULL);
		if (e != NULL && e->args[1] == NULL)
			return NULL;
	}
	return e;
}

static struct sql_expr *expr(struct parser *ps)
{
	struct sql_expr *e;

	if (++ps->depth > MAX_DEPTH) {
		perr(ps, ps->t.pos, "expression nested too deeply");
		return NULL;
	}
	e = and_expr(ps);
	while (e != NULL && is_kw(ps, "or")) {
		uint32_t pos = ps->t.pos;
		next(ps);
		e = op_node(ps, OP_OR, pos, 2, e, and_expr(ps), NULL);
		if (e != NULL && e->args[1] == NULL)
			return NULL;
	}
	ps->depth--;
	return e;
}

/* ---- FROM ---- */

static struct sql_from *from_item(struct parser *ps);

static int alias_part(struct parser *ps, struct sql_from *f)
{
	if (accept_kw(ps, "as")) {
		if ((f->alias = ident(ps)) == NULL)
			return -1;
	} else if (at_name(ps) && !is_clause_kw(ps)) {
		struct tok at = ps->t;
		if ((f->alias = ident(ps)) == NULL)
			return -1;
		if (at.k == TK_ID && at_name(ps) && typo_kw(f->alias) != NULL) {
			/* "FROM t WHRE a = 1": a misspelt keyword */
			ps->t = at;
			return expected(ps, typo_kw(f->alias));
		}
	}
	if (f->alias != NULL && is_op(ps, "(")) {
		struct plist l = { 0 };
		next(ps);
		do {
			char *n = ident(ps);
			if (n == NULL || plist_add(ps, &l, n))
				return -1;
		} while (accept_op(ps, ","));
		if (expect_op(ps, ")"))
			return -1;
		f->colalias = (char **)l.v;
		f->ncolalias = l.n;
	}
	return 0;
}

/* A point of FOR SYSTEM_TIME: [TIMESTAMP | COMMIT] e, e an expression
 * (whole) or one above AND (a bound of BETWEEN). */
static struct sql_expr *time_point(struct parser *ps, int *kind, int whole)
{
	*kind = ASOF_ANY;
	if (accept_kw(ps, "commit")) {
		*kind = ASOF_COMMIT;
	} else if (is_kw(ps, "timestamp")) {
		size_t s2 = ps->p;
		struct tok t2 = ps->t;
		next(ps);
		*kind = ASOF_TIME;
		if (ps->t.k == TK_STR) {	/* TIMESTAMP '…': the literal */
			ps->p = s2;
			ps->t = t2;
		}
	}
	return whole ? expr(ps) : concat(ps);
}

/*
 * The point in time of a table reference, after its name:
 *   FOR SYSTEM_TIME AS OF [TIMESTAMP | COMMIT] point    (SQL:2011)
 *   AS OF TIMESTAMP point | AS OF COMMIT point          (Oracle)
 * or its history (asof.c):
 *   FOR SYSTEM_TIME BETWEEN point AND point | FROM point TO point | ALL
 * TIMESTAMP before a string is the typed literal, which is the same
 * point. "AS OF" not followed by TIMESTAMP or COMMIT is left for an
 * alias named "of". Returns 0, or -1 after an error.
 */
static int asof_part(struct parser *ps, struct sql_from *f)
{
	size_t save = ps->p;
	struct tok st = ps->t;

	if (accept_kw(ps, "for")) {
		if (expect_kw(ps, "system_time"))
			return -1;
		if (accept_kw(ps, "all")) {
			f->versions = VERS_ALL;
			return 0;
		}
		if (is_kw(ps, "between") || is_kw(ps, "from")) {
			int between = accept_kw(ps, "between");
			if (!between)
				next(ps);
			f->versions = between ? VERS_BETWEEN : VERS_FROM_TO;
			if ((f->asof = time_point(ps, &f->asof_kind, 0)) == NULL ||
			    expect_kw(ps, between ? "and" : "to") ||
			    (f->vto = time_point(ps, &f->vto_kind, 0)) == NULL)
				return -1;
			return 0;
		}
		if (expect_kw(ps, "as") || expect_kw(ps, "of"))
			return -1;
	} else if (accept_kw(ps, "as")) {
		if (!accept_kw(ps, "of") || (!is_kw(ps, "timestamp") &&
		    !is_kw(ps, "commit"))) {
			ps->p = save;
			ps->t = st;
			return 0;
		}
	} else {
		return 0;
	}
	if ((f->asof = time_point(ps, &f->asof_kind, 1)) == NULL)
		return -1;
	return 0;
}

static struct sql_from *table_ref(struct parser *ps)
{
	struct sql_from *f = alloc(ps, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->pos = ps->t.pos;
	if (is_kw(ps, "lateral")) {
		/* reserved, as in PostgreSQL: LATERAL (query), LATERAL f(x) */
		size_t save = ps->p;
		struct tok st = ps->t;
		next(ps);
		if (is_op(ps, "(") || ps->t.k == TK_ID) {
			perr(ps, st.pos, "LATERAL is not supported yet");
			return NULL;
		}
		ps->p = save;
		ps->t = st;
	}
	if (accept_op(ps, "(")) {
		if (is_kw(ps, "select") || is_kw(ps, "values") || is_kw(ps, "with")) {
			f->k = F_SUBQUERY;
			if ((f->sub = select_stmt(ps)) == NULL || expect_op(ps, ")"))
				return NULL;
		} else {
			struct sql_from *inner = from_item(ps);
			if (inner == NULL || expect_op(ps, ")"))
				return NULL;
			if (inner->k == F_JOIN)
				return inner;
			f = inner;
		}
	} else {
		f->k = F_TABLE;
		if ((f->name = ident(ps)) == NULL)
			return NULL;
		if (accept_op(ps, ".")) {       /* main.t */
			if ((f->name = ident(ps)) == NULL)
				return NULL;
		}
		if (accept_op(ps, "(")) {
			/* a table function: read_csv('f.csv', delim = ';') */
			struct plist args = { 0 }, names = { 0 };
			f->k = F_FUNC;
			if (!is_op(ps, ")"))
				do {
					size_t save = ps->p;
					struct tok st = ps->t;
					char *nm = NULL;
					struct sql_expr *e;
					if (ps->t.k == TK_ID) {
						nm = ident(ps);
						if (nm == NULL)
							return NULL;
						if (!accept_op(ps, "=") && !accept_op(ps, ":=") &&
						    !accept_op(ps, "=>")) {
							ps->p = save;
							ps->t = st;
							nm = NULL;
						}
					}
					if ((e = expr(ps)) == NULL ||
					    plist_add(ps, &args, e) || plist_add(ps, &names, nm))
						return NULL;
				} while (accept_op(ps, ","));
			if (expect_op(ps, ")"))
				return NULL;
			f->fargs = (struct sql_expr **)args.v;
			f->fnames = (char **)names.v;
			f->nfargs = args.n;
		} else if (asof_part(ps, f)) {
			return NULL;
		}
	}
	if (alias_part(ps, f))
		return NULL;
	return f;
}

static struct sql_from *from_item(struct parser *ps)
{
	struct sql_from *l = table_ref(ps);

	while (l != NULL) {
		struct sql_from *j;
		uint32_t pos = ps->t.pos;
		enum sql_join jt;
		int natural = accept_kw(ps, "natural");

		if (accept_kw(ps, "cross")) {
			jt = J_CROSS;
		} else if (accept_kw(ps, "inner")) {
			jt = J_INNER;
		} else if (accept_kw(ps, "left")) {
			accept_kw(ps, "outer");
			jt = J_LEFT;
		} else if (accept_kw(ps, "right")) {
			accept_kw(ps, "outer");
			jt = J_RIGHT;
		} else if (accept_kw(ps, "full")) {
			accept_kw(ps, "outer");
			jt = J_FULL;
		} else if (is_kw(ps, "join")) {
			jt = J_INNER;
		} else {
			if (natural) {
				expected(ps, "JOIN");
				return NULL;
			}
			break;
		}
		if (expect_kw(ps, "join"))
			return NULL;
		j = alloc(ps, sizeof(*j));
		if (j == NULL)
			return NULL;
		j->k = F_JOIN;
		j->jt = jt;
		j->l = l;
		j->pos = pos;
		j->natural = natural;
		if ((j->r = table_ref(ps)) == NULL)
			return NULL;
		if (jt != J_CROSS && !natural) {
			if (accept_kw(ps, "on")) {
				if ((j->on = expr(ps)) == NULL)
					return NULL;
			} else if (accept_kw(ps, "using")) {
				struct plist u = { 0 };
				if (expect_op(ps, "("))
					return NULL;
				do {
					char *n = ident(ps);
					if (n == NULL || plist_add(ps, &u, n))
						return NULL;
				} while (accept_op(ps, ","));
				if (expect_op(ps, ")"))
					return NULL;
				j->using = (char **)u.v;
				j->nusing = u.n;
			} else {
				expected(ps, "ON or USING");
				return NULL;
			}
		}
		l = j;
	}
	return l;
}

/* ---- SELECT ---- */

static int order_list(struct parser *ps, struct sql_select *s)
{
	return order_items(ps, &s->order, &s->norder);
}

static int order_items(struct parser *ps, struct sql_order **out, int *nout)
{
	struct sql_order *o = NULL;
	int n = 0, cap = 0;

	do {
		struct sql_order *no;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			no = alloc(ps, sizeof(*no) * (size_t)cap);
			if (no == NULL)
				return -1;
			if (n)
				memcpy(no, o, sizeof(*no) * (size_t)n);
			o = no;
		}
		if ((o[n].e = expr(ps)) == NULL)
			return -1;
		if (accept_kw(ps, "desc"))
			o[n].desc = 1;
		else
			accept_kw(ps, "asc");
		if (accept_kw(ps, "nulls")) {
			if (accept_kw(ps, "first"))
				o[n].nulls = 1;
			else if (accept_kw(ps, "last"))
				o[n].nulls = 2;
			else
				return expected(ps, "FIRST or LAST");
		}
		n++;
	} while (accept_op(ps, ","));
	*out = o;
	*nout = n;
	return 0;
}

static int values_rows(struct parser *ps, struct sql_select *s)
{
	struct plist rows = { 0 };
	int width = -1;

	do {
		struct plist r = { 0 };
		uint32_t pos = ps->t.pos;
		if (expect_op(ps, "("))
			return -1;
		do {
			struct sql_expr *e = expr(ps);
			if (e == NULL || plist_add(ps, &r, e))
				return -1;
		} while (accept_op(ps, ","));
		if (expect_op(ps, ")"))
			return -1;
		if (width >= 0 && r.n != width)
			return perr(ps, pos, "VALUES rows must all have the same "
			    "number of values");
		width = r.n;
		if (plist_add(ps, &rows, r.v))
			return -1;
	} while (accept_op(ps, ","));
	s->nvrows = rows.n;
	s->vrows = (struct sql_expr ***)rows.v;
	s->nitems = width;
	return 0;
}

/* ---- GROUP BY ---- */

/*
 * GROUP BY's elements each stand for a list of grouping sets: a plain
 * key or (a, b) for one, ROLLUP (a, b) for (a, b), (a), (), CUBE (a, b)
 * for every subset, GROUPING SETS (...) for the sets of its elements
 * one after the other, () for the empty set. The elements combine as
 * a cross product (GROUP BY a, ROLLUP (b) is (a, b), (a)), as in
 * PostgreSQL, whose order of sets this keeps.
 */

/* A list of ints in the arena. */
struct ilist {
	int *v;
	int n, cap;
};

static int ilist_add(struct parser *ps, struct ilist *l, int x)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		int *nv = alloc(ps, sizeof(int) * (size_t)cap);
		if (nv == NULL)
			return -1;
		if (l->n)
			memcpy(nv, l->v, sizeof(int) * (size_t)l->n);
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = x;
	return 0;
}

/* Grouping sets being built. */
struct gsl {
	struct sql_gset *v;
	int n, cap;
	uint32_t pos;           /* of the GROUP BY element */
};

struct gparse {
	struct plist keys;      /* every key as written: the sets' indexes */
	long total;             /* indexes in all sets made, for a cap */
	int special;            /* ROLLUP, CUBE, GROUPING SETS or () seen */
};

/* Key indexes the sets of one statement may hold in all. */
#define MAX_GSET_KEYS (1L << 20)

/* A limit, not a syntax error: "message (at line L, column C)" as the
 * binder words its errors. */
static int limit_err(struct parser *ps, uint32_t pos, const char *msg)
{
	char where[64];

	if (ps->failed)
		return -1;
	sql_pos_text(ps->s, ps->n, pos, where, sizeof(where));
	sql_error(ps->cx, "%s (at %s)", msg, where);
	ps->failed = 1;
	return -1;
}

/* Append the set of keys a[0..na) to l (pos: where, for the cap). */
static int gsl_add(struct parser *ps, struct gparse *gp, struct gsl *l,
    const int *a, int na, uint32_t pos)
{
	struct sql_gset *g;

	if (l->n >= SQL_MAX_GSETS) {
		char msg[96];
		snprintf(msg, sizeof(msg), "GROUP BY makes more than %d grouping "
		    "sets", SQL_MAX_GSETS);
		return limit_err(ps, pos, msg);
	}
	gp->total += na;
	if (gp->total > MAX_GSET_KEYS)
		return limit_err(ps, pos, "GROUP BY makes grouping sets of too "
		    "many keys");
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		struct sql_gset *nv = alloc(ps, sizeof(*nv) * (size_t)cap);
		if (nv == NULL)
			return -1;
		if (l->n)
			memcpy(nv, l->v, sizeof(*nv) * (size_t)l->n);
		l->v = nv;
		l->cap = cap;
	}
	g = &l->v[l->n];
	g->n = na;
	if ((g->keys = alloc(ps, sizeof(int) * (size_t)(na + 1))) == NULL)
		return -1;
	if (na)
		memcpy(g->keys, a, sizeof(int) * (size_t)na);
	l->n++;
	return 0;
}

/* Is the current token keyword kw, followed by keyword or operator
 * then (an operator when it is not a letter)? */
static int kw_then(struct parser *ps, const char *kw, const char *then)
{
	struct tok t = ps->t;
	size_t p = ps->p;
	uint32_t pe = ps->prev_end;
	int r;

	if (!is_kw(ps, kw))
		return 0;
	next(ps);
	r = isalpha((unsigned char)then[0]) ? is_kw(ps, then) : is_op(ps, then);
	ps->t = t;
	ps->p = p;
	ps->prev_end = pe;
	return r;
}

/*
 * One unit of keys into *l: an expression, or (e1, e2, ...) taken
 * together; (e) alone is the expression (it may go on: (e) + 1), and
 * () is no keys, where empty_ok allows it.
 */
static int gkeys(struct parser *ps, struct gparse *gp, int empty_ok,
    struct ilist *l)
{
	struct sql_expr *e;

	if (is_op(ps, "(")) {
		struct tok t = ps->t;
		size_t p = ps->p;
		uint32_t pe = ps->prev_end;
		next(ps);
		if (is_op(ps, ")")) {
			if (!empty_ok)
				return expected(ps, "an expression");
			gp->special = 1;
			next(ps);
			return 0;
		}
		if (!is_kw(ps, "select") && !is_kw(ps, "values") &&
		    !is_kw(ps, "with")) {
			if ((e = expr(ps)) == NULL)
				return -1;
			if (accept_op(ps, ",")) {
				if (plist_add(ps, &gp->keys, e) ||
				    ilist_add(ps, l, gp->keys.n - 1))
					return -1;
				do {
					if ((e = expr(ps)) == NULL ||
					    plist_add(ps, &gp->keys, e) ||
					    ilist_add(ps, l, gp->keys.n - 1))
						return -1;
				} while (accept_op(ps, ","));
				return expect_op(ps, ")");
			}
		}
		ps->t = t;
		ps->p = p;
		ps->prev_end = pe;
	}
	if ((e = expr(ps)) == NULL || plist_add(ps, &gp->keys, e))
		return -1;
	return ilist_add(ps, l, gp->keys.n - 1);
}

/* The units of ROLLUP (...) or CUBE (...), after the word. */
static int gunits(struct parser *ps, struct gparse *gp, struct plist *units)
{
	if (expect_op(ps, "("))
		return -1;
	do {
		struct ilist *u = alloc(ps, sizeof(*u));
		if (u == NULL || gkeys(ps, gp, 0, u) || plist_add(ps, units, u))
			return -1;
	} while (accept_op(ps, ","));
	return expect_op(ps, ")");
}

/* The keys of the units of u whose bits are set in mask (unit i is bit
 * n-1-i, the first the highest), or the first mask units for ROLLUP. */
static int gunion(struct parser *ps, const struct plist *u, uint32_t mask,
    int rollup, struct ilist *out)
{
	int i, k;

	out->n = 0;
	for (i = 0; i < u->n; i++) {
		const struct ilist *x = u->v[i];
		if (rollup ? (uint32_t)i >= mask :
		    !(mask & (1u << (u->n - 1 - i))))
			continue;
		for (k = 0; k < x->n; k++)
			if (ilist_add(ps, out, x->v[k]))
				return -1;
	}
	return 0;
}

/* One element of GROUP BY or of GROUPING SETS: its sets into *out. */
static int gelem(struct parser *ps, struct gparse *gp, struct gsl *out)
{
	uint32_t pos = ps->t.pos;
	int rc = 0;

	if (++ps->depth > MAX_DEPTH)
		return perr(ps, pos, "GROUP BY nested too deeply");
	if (kw_then(ps, "rollup", "(") || kw_then(ps, "cube", "(")) {
		int rollup = is_kw(ps, "rollup");
		struct plist units = { 0 };
		struct ilist set = { 0 };
		uint32_t m;
		gp->special = 1;
		next(ps);
		if (gunits(ps, gp, &units))
			return -1;
		if (!rollup && units.n > 12) {
			char msg[128];
			snprintf(msg, sizeof(msg), "CUBE of %d elements makes more "
			    "than %d grouping sets; at most 12 elements are allowed",
			    units.n, SQL_MAX_GSETS);
			return limit_err(ps, pos, msg);
		}
		/* ROLLUP: the first n units, then n-1, ... none; CUBE: every
		 * subset, the sets of more units (and earlier ones) first */
		for (m = rollup ? (uint32_t)units.n : (1u << units.n) - 1;;
		    m--) {
			if (gunion(ps, &units, m, rollup, &set) ||
			    gsl_add(ps, gp, out, set.v, set.n, pos))
				return -1;
			if (m == 0)
				break;
		}
	} else if (kw_then(ps, "grouping", "sets")) {
		gp->special = 1;
		next(ps);
		next(ps);
		if (expect_op(ps, "("))
			return -1;
		do {
			if (gelem(ps, gp, out))
				return -1;
		} while (accept_op(ps, ","));
		rc = expect_op(ps, ")");
	} else {
		struct ilist set = { 0 };
		if (gkeys(ps, gp, 1, &set) ||
		    gsl_add(ps, gp, out, set.v, set.n, pos))
			return -1;
	}
	ps->depth--;
	return rc;
}

/* GROUP BY, after GROUP: s->group, and s->gsets when they are needed. */
static int group_by(struct parser *ps, struct sql_select *s)
{
	struct gparse gp;
	struct plist els = { 0 };
	struct gsl prod = { 0 };
	struct ilist set = { 0 };
	long count = 1;
	int i, *pick;

	memset(&gp, 0, sizeof(gp));
	if (expect_kw(ps, "by"))
		return -1;
	do {
		struct gsl *el = alloc(ps, sizeof(*el));
		if (el == NULL)
			return -1;
		el->pos = ps->t.pos;
		if (gelem(ps, &gp, el) || plist_add(ps, &els, el))
			return -1;
	} while (accept_op(ps, ","));
	s->group = (struct sql_expr **)gp.keys.v;
	s->ngroup = gp.keys.n;
	if (!gp.special)
		return 0;
	/* the cross product: one set of each element's, the first
	 * element's changing slowest */
	for (i = 0; i < els.n; i++) {
		count *= ((struct gsl *)els.v[i])->n;
		if (count > SQL_MAX_GSETS) {
			char msg[96];
			snprintf(msg, sizeof(msg), "GROUP BY makes more than %d "
			    "grouping sets", SQL_MAX_GSETS);
			return limit_err(ps, ((struct gsl *)els.v[i])->pos, msg);
		}
	}
	if ((pick = alloc(ps, sizeof(int) * (size_t)els.n)) == NULL)
		return -1;
	for (;;) {
		set.n = 0;
		for (i = 0; i < els.n; i++) {
			const struct sql_gset *g = &((struct gsl *)els.v[i])->v[pick[i]];
			int k;
			for (k = 0; k < g->n; k++)
				if (ilist_add(ps, &set, g->keys[k]))
					return -1;
		}
		if (gsl_add(ps, &gp, &prod, set.v, set.n,
		    ((struct gsl *)els.v[0])->pos))
			return -1;
		for (i = els.n - 1; i >= 0; i--) {
			if (++pick[i] < ((struct gsl *)els.v[i])->n)
				break;
			pick[i] = 0;
		}
		if (i < 0)
			break;
	}
	s->gsets = prod.v;
	s->ngsets = prod.n;
	return 0;
}

/* A select list (or RETURNING's): expressions, each with its alias or
 * NULL and its text as written. */
static int select_items(struct parser *ps, struct sql_expr ***ev, char ***av,
    char ***tv, int *n)
{
	struct plist items = { 0 }, aliases = { 0 }, texts = { 0 };

	do {
		uint32_t start = ps->t.pos;
		struct sql_expr *e = expr(ps);
		char *alias = NULL, *text;
		if (e == NULL)
			return -1;
		text = sql_arena_strdup(ps->a, ps->s + start, ps->prev_end > start ?
		    ps->prev_end - start : 0);
		if (text == NULL || plist_add(ps, &texts, text))
			return -1;
		if (accept_kw(ps, "as")) {
			if (ps->t.k == TK_STR) {
				struct sql_str st;
				if (str_lit(ps, &st))
					return -1;
				alias = (char *)st.p;
			} else if ((alias = ident(ps)) == NULL) {
				return -1;
			}
		} else if (at_name(ps) && !is_clause_kw(ps) && e->k != E_STAR) {
			struct tok at = ps->t;
			if ((alias = ident(ps)) == NULL)
				return -1;
			if (at.k == TK_ID && at_name(ps) && typo_kw(alias) != NULL) {
				/* "SELECT a FORM t": a misspelt keyword, not an alias */
				ps->t = at;
				expected(ps, typo_kw(alias));
				return -1;
			}
		}
		if (plist_add(ps, &items, e) || plist_add(ps, &aliases, alias))
			return -1;
	} while (accept_op(ps, ","));
	*ev = (struct sql_expr **)items.v;
	*av = (char **)aliases.v;
	*tv = (char **)texts.v;
	*n = items.n;
	return 0;
}

static struct sql_select *select_core(struct parser *ps)
{
	struct sql_select *s = alloc(ps, sizeof(*s));

	if (s == NULL)
		return NULL;
	if (accept_kw(ps, "values")) {
		if (values_rows(ps, s))
			return NULL;
		return s;
	}
	if (expect_kw(ps, "select"))
		return NULL;
	if (accept_kw(ps, "distinct")) {
		s->distinct = 1;
		if (accept_kw(ps, "on")) {
			/* PostgreSQL's DISTINCT ON (a, b): the first row of each */
			struct plist l = { 0 };
			if (expect_op(ps, "(") || expr_list(ps, &l) ||
			    expect_op(ps, ")"))
				return NULL;
			s->distinct = 0;
			s->don = (struct sql_expr **)l.v;
			s->ndon = l.n;
		}
	} else {
		accept_kw(ps, "all");
	}
	if (select_items(ps, &s->items, &s->alias, &s->text, &s->nitems))
		return NULL;
	if (accept_kw(ps, "from")) {
		struct sql_from *f = from_item(ps);
		if (f == NULL)
			return NULL;
		while (accept_op(ps, ",")) {
			struct sql_from *j = alloc(ps, sizeof(*j));
			if (j == NULL)
				return NULL;
			j->k = F_JOIN;
			j->jt = J_CROSS;
			j->l = f;
			j->pos = ps->t.pos;
			if ((j->r = from_item(ps)) == NULL)
				return NULL;
			f = j;
		}
		s->from = f;
	}
	if (accept_kw(ps, "where") && (s->where = expr(ps)) == NULL)
		return NULL;
	if (accept_kw(ps, "group") && group_by(ps, s) != 0)
		return NULL;
	if (accept_kw(ps, "having") && (s->having = expr(ps)) == NULL)
		return NULL;
	if (accept_kw(ps, "window")) {
		struct plist names = { 0 }, wins = { 0 };
		do {
			char *name = ident(ps);
			struct sql_window *w;
			if (name == NULL || expect_kw(ps, "as") || expect_op(ps, "(") ||
			    (w = window_spec(ps)) == NULL || expect_op(ps, ")") ||
			    plist_add(ps, &names, name) || plist_add(ps, &wins, w))
				return NULL;
		} while (accept_op(ps, ","));
		s->wnames = (char **)names.v;
		s->windows = (struct sql_window **)wins.v;
		s->nwindows = names.n;
	}
	if (accept_kw(ps, "qualify") && (s->qualify = expr(ps)) == NULL)
		return NULL;
	return s;
}

/* A SELECT (or VALUES), or a parenthesized query with its own ORDER BY
 * and LIMIT, as one operand of a set operation. */
static struct sql_select *select_term(struct parser *ps)
{
	if (accept_op(ps, "(")) {
		struct sql_select *s = select_stmt(ps);
		if (s == NULL || expect_op(ps, ")"))
			return NULL;
		return s;
	}
	return select_core(ps);
}

static int setop_kw(struct parser *ps)
{
	return is_kw(ps, "union") ? SET_UNION : is_kw(ps, "intersect") ?
	    SET_INTERSECT : is_kw(ps, "except") ? SET_EXCEPT : 0;
}

static struct sql_select *setop_node(struct parser *ps, int op, int all,
    struct sql_select *l, struct sql_select *r)
{
	struct sql_select *s = alloc(ps, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->setop = op;
	s->setall = all;
	s->sl = l;
	s->sr = r;
	return s;
}

/* INTERSECT binds tighter than UNION and EXCEPT (the standard's and
 * PostgreSQL's rule); operators of one level go left to right. */
static struct sql_select *intersect_chain(struct parser *ps)
{
	struct sql_select *s = select_term(ps);

	while (s != NULL && setop_kw(ps) == SET_INTERSECT) {
		int all;
		struct sql_select *r;
		next(ps);
		all = accept_kw(ps, "all");
		if (!all)
			accept_kw(ps, "distinct");
		if ((r = select_term(ps)) == NULL)
			return NULL;
		s = setop_node(ps, SET_INTERSECT, all, s, r);
	}
	return s;
}

/* WITH [RECURSIVE] name [(columns)] AS (query) [, ...] before a query.
 * Under RECURSIVE each query may name itself (plan.c tells those that
 * do from those that do not). */
static int with_list(struct parser *ps, struct sql_cte **out, int *n)
{
	struct sql_cte *v = NULL;
	int cap = 0, recursive;

	*n = 0;
	recursive = accept_kw(ps, "recursive");
	do {
		struct sql_cte *c;
		if (*n == cap) {
			struct sql_cte *nv;
			cap = cap ? cap * 2 : 4;
			nv = alloc(ps, sizeof(*nv) * (size_t)cap);
			if (nv == NULL)
				return -1;
			if (*n)
				memcpy(nv, v, sizeof(*nv) * (size_t)*n);
			v = nv;
		}
		c = &v[(*n)++];
		memset(c, 0, sizeof(*c));
		c->pos = ps->t.pos;
		c->recursive = recursive;
		if ((c->name = ident(ps)) == NULL)
			return -1;
		if (accept_op(ps, "(")) {
			struct plist l = { 0 };
			do {
				char *nm = ident(ps);
				if (nm == NULL || plist_add(ps, &l, nm))
					return -1;
			} while (accept_op(ps, ","));
			if (expect_op(ps, ")"))
				return -1;
			c->cols = (char **)l.v;
			c->ncols = l.n;
		}
		if (expect_kw(ps, "as") || expect_op(ps, "(") ||
		    (c->sel = select_stmt(ps)) == NULL || expect_op(ps, ")"))
			return -1;
	} while (accept_op(ps, ","));
	*out = v;
	return 0;
}

static struct sql_select *select_stmt(struct parser *ps)
{
	struct sql_select *s;
	struct sql_cte *ctes = NULL;
	int nctes = 0;

	if (accept_kw(ps, "with") && with_list(ps, &ctes, &nctes) != 0)
		return NULL;
	s = intersect_chain(ps);
	if (s == NULL)
		return NULL;

	while (setop_kw(ps) == SET_UNION || setop_kw(ps) == SET_EXCEPT) {
		int op = setop_kw(ps), all;
		struct sql_select *r;
		next(ps);
		all = accept_kw(ps, "all");
		if (!all)
			accept_kw(ps, "distinct");
		if ((r = intersect_chain(ps)) == NULL)
			return NULL;
		if ((s = setop_node(ps, op, all, s, r)) == NULL)
			return NULL;
	}
	if (s->setop != 0 && (is_kw(ps, "order") || is_kw(ps, "limit") ||
	    is_kw(ps, "offset"))) {
		/* ORDER BY and LIMIT of a set operation apply to its result:
		 * SELECT * FROM (the set operation) */
		struct sql_select *w = alloc(ps, sizeof(*w));
		struct sql_from *f = alloc(ps, sizeof(*f));
		if (w == NULL || f == NULL)
			return NULL;
		f->k = F_SUBQUERY;
		f->sub = s;
		f->alias = "";
		f->pos = ps->t.pos;
		w->from = f;
		w->nitems = 1;
		w->items = alloc(ps, sizeof(*w->items));
		w->alias = alloc(ps, sizeof(*w->alias));
		w->text = alloc(ps, sizeof(*w->text));
		if (w->items == NULL || w->alias == NULL || w->text == NULL ||
		    (w->items[0] = node(ps, E_STAR, ps->t.pos)) == NULL)
			return NULL;
		s = w;
	}
	if (accept_kw(ps, "order")) {
		if (expect_kw(ps, "by") || order_list(ps, s))
			return NULL;
	}
	for (;;) {
		if (accept_kw(ps, "limit")) {
			if ((s->limit = expr(ps)) == NULL)
				return NULL;
			if (accept_op(ps, ",")) {       /* LIMIT off, n (SQLite) */
				s->offset = s->limit;
				if ((s->limit = expr(ps)) == NULL)
					return NULL;
			}
		} else if (accept_kw(ps, "offset")) {
			if ((s->offset = expr(ps)) == NULL)
				return NULL;
			if (!accept_kw(ps, "rows"))
				accept_kw(ps, "row");
		} else {
			break;
		}
	}
	if (nctes > 0) {
		/* the names hold for the whole query, ORDER BY included: put
		 * them on a wrapper when the query is a set operation */
		if (s->setop != 0 || s->ctes != NULL) {
			struct sql_select *w = alloc(ps, sizeof(*w));
			struct sql_from *f = alloc(ps, sizeof(*f));
			if (w == NULL || f == NULL)
				return NULL;
			f->k = F_SUBQUERY;
			f->sub = s;
			f->alias = "";
			w->from = f;
			w->nitems = 1;
			w->items = alloc(ps, sizeof(*w->items));
			w->alias = alloc(ps, sizeof(*w->alias));
			w->text = alloc(ps, sizeof(*w->text));
			if (w->items == NULL || w->alias == NULL || w->text == NULL ||
			    (w->items[0] = node(ps, E_STAR, ps->t.pos)) == NULL)
				return NULL;
			s = w;
		}
		s->ctes = ctes;
		s->nctes = nctes;
	}
	return s;
}

/* ---- statements ---- */

static int column_def(struct parser *ps, struct sql_coldef *d)
{
	d->pos = ps->t.pos;
	if ((d->name = ident(ps)) == NULL || type_name(ps, &d->t))
		return -1;
	if (d->t.id == T_INTERVAL)
		return perr(ps, d->pos, "INTERVAL columns cannot be stored");
	for (;;) {
		if (accept_kw(ps, "not")) {
			if (expect_kw(ps, "null"))
				return -1;
			d->not_null = 1;
		} else if (accept_kw(ps, "null")) {
			;
		} else if (accept_kw(ps, "default")) {
			uint32_t start = ps->t.pos;
			ps->in_default = 1;
			d->dflt = not_expr(ps);
			ps->in_default = 0;
			if (d->dflt == NULL)
				return -1;
			d->dflt_text = sql_arena_strdup(ps->a, ps->s + start,
			    ps->prev_end > start ? ps->prev_end - start : 0);
			if (d->dflt_text == NULL)
				return -1;
		} else if (accept_kw(ps, "constraint")) {
			if (ident(ps) == NULL)      /* its name is not kept */
				return -1;
		} else if (accept_kw(ps, "primary")) {
			if (expect_kw(ps, "key"))
				return -1;
			if (!accept_kw(ps, "asc"))
				accept_kw(ps, "desc");
			d->pk = d->not_null = 1;
		} else if (accept_kw(ps, "unique")) {
			d->unique = 1;
		} else if (is_kw(ps, "references") || is_kw(ps, "check") ||
		    is_kw(ps, "collate")) {
			return perr(ps, ps->t.pos, "constraints other than NOT NULL, "
			    "PRIMARY KEY and UNIQUE are not supported yet");
		} else {
			break;
		}
	}
	return 0;
}

static int name_list(struct parser *ps, char ***out, int *n);

static int create_table(struct parser *ps, struct sql_stmt *st)
{
	int have_pk = 0;

	if (accept_kw(ps, "if")) {
		if (expect_kw(ps, "not") || expect_kw(ps, "exists"))
			return -1;
		st->if_exists = 1;
	}
	if ((st->table = ident(ps)) == NULL)
		return -1;
	if (accept_kw(ps, "as")) {
		st->k = S_CREATE_AS;
		return (st->sel = select_stmt(ps)) == NULL ? -1 : 0;
	}
	if (expect_op(ps, "("))
		return -1;
	{
		struct sql_coldef *defs = NULL;
		int n = 0, cap = 0;
		do {
			if (n == cap) {
				struct sql_coldef *nd;
				cap = cap ? cap * 2 : 8;
				nd = alloc(ps, sizeof(*nd) * (size_t)cap);
				if (nd == NULL)
					return -1;
				if (n)
					memcpy(nd, defs, sizeof(*nd) * (size_t)n);
				defs = nd;
			}
			if (accept_kw(ps, "constraint") && ident(ps) == NULL)
				return -1;
			if (is_kw(ps, "primary") || is_kw(ps, "unique")) {
				/* PRIMARY KEY (a, b) / UNIQUE (a): names kept in
				 * st->cols, a NULL between the two kinds */
				int pk = accept_kw(ps, "primary");
				uint32_t at = ps->t.pos;
				char **names;
				int nn, k;
				if (pk ? expect_kw(ps, "key") : !accept_kw(ps, "unique"))
					return -1;
				if (expect_op(ps, "(") || name_list(ps, &names, &nn) ||
				    expect_op(ps, ")"))
					return -1;
				if (!pk && nn > 1)
					return perr(ps, at, "UNIQUE over several columns is "
					    "not supported yet");
				for (k = 0; k < nn; k++) {
					struct sql_coldef *c = NULL;
					int j;
					for (j = 0; j < n; j++)
						if (!strcmp(defs[j].name, names[k]))
							c = &defs[j];
					if (c == NULL) {
						char msg[300];
						snprintf(msg, sizeof(msg), "no column '%s' for the "
						    "%s", names[k], pk ? "PRIMARY KEY" :
						    "UNIQUE constraint");
						return perr(ps, at, msg);
					}
					if (pk && (c->pk || have_pk))
						return perr(ps, at, "a table has one PRIMARY KEY");
					if (pk)
						c->pk = c->pk_table = c->not_null = 1;
					else
						c->unique = 1;
				}
				have_pk |= pk;
				continue;
			}
			if (is_kw(ps, "foreign") || is_kw(ps, "check"))
				return perr(ps, ps->t.pos, "table constraints other than "
				    "PRIMARY KEY and UNIQUE are not supported yet");
			if (column_def(ps, &defs[n++]))
				return -1;
		} while (accept_op(ps, ","));
		st->defs = defs;
		st->ndefs = n;
	}
	return expect_op(ps, ")");
}

static int name_list(struct parser *ps, char ***out, int *n);

/* CREATE [OR REPLACE] [TEMP] VIEW [IF NOT EXISTS] name [(columns)] AS
 * query: the query is kept as its text, from its first token to its
 * last. */
static int create_view(struct parser *ps, struct sql_stmt *st)
{
	uint32_t start;

	st->k = S_CREATE_VIEW;
	if (accept_kw(ps, "if")) {
		if (expect_kw(ps, "not") || expect_kw(ps, "exists"))
			return -1;
		st->if_exists = 1;
	}
	if ((st->table = ident(ps)) == NULL)
		return -1;
	if (accept_op(ps, "(")) {
		if (name_list(ps, &st->cols, &st->ncols) || expect_op(ps, ")"))
			return -1;
	}
	if (expect_kw(ps, "as"))
		return -1;
	start = ps->t.pos;
	if (!is_kw(ps, "select") && !is_kw(ps, "values") && !is_kw(ps, "with") &&
	    !is_op(ps, "("))
		return expected(ps, "a query (SELECT, VALUES or WITH)");
	if ((st->sel = select_stmt(ps)) == NULL)
		return -1;
	st->query = sql_arena_strdup(ps->a, ps->s + start,
	    ps->prev_end > start ? ps->prev_end - start : 0);
	return st->query == NULL ? -1 : 0;
}

/* CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (column [ASC |
 * DESC], ...), after INDEX. */
static int create_index(struct parser *ps, struct sql_stmt *st)
{
	struct plist l = { 0 };
	int cap = 0;

	st->k = S_CREATE_INDEX;
	if (accept_kw(ps, "if")) {
		if (expect_kw(ps, "not") || expect_kw(ps, "exists"))
			return -1;
		st->if_exists = 1;
	}
	if ((st->name = ident(ps)) == NULL || expect_kw(ps, "on") ||
	    (st->table = ident(ps)) == NULL || expect_op(ps, "("))
		return -1;
	do {
		char *c = ident(ps);
		if (c == NULL || plist_add(ps, &l, c))
			return -1;
		if (l.n > cap) {
			int *d = alloc(ps, sizeof(*d) * (size_t)(l.n * 2));
			if (d == NULL)
				return -1;
			if (st->desc != NULL)
				memcpy(d, st->desc, sizeof(*d) * (size_t)cap);
			st->desc = d;
			cap = l.n * 2;
		}
		st->desc[l.n - 1] = 0;
		if (accept_kw(ps, "desc"))
			st->desc[l.n - 1] = 1;
		else
			accept_kw(ps, "asc");
	} while (accept_op(ps, ","));
	st->cols = (char **)l.v;
	st->ncols = l.n;
	return expect_op(ps, ")");
}

static int name_list(struct parser *ps, char ***out, int *n)
{
	struct plist l = { 0 };

	do {
		char *c = ident(ps);
		if (c == NULL || plist_add(ps, &l, c))
			return -1;
	} while (accept_op(ps, ","));
	*out = (char **)l.v;
	*n = l.n;
	return 0;
}

/*
 * FLASHBACK TABLE t TO TIMESTAMP point | TO COMMIT point
 * FLASHBACK TABLE t TO BEFORE DROP [RENAME TO t2]
 * The point becomes a table reference to t AS OF it, as in FROM.
 */
static int flashback_stmt(struct parser *ps, struct sql_stmt *st)
{
	struct sql_from *f;

	st->k = S_FLASHBACK;
	if (expect_kw(ps, "table") || (st->table = ident(ps)) == NULL ||
	    expect_kw(ps, "to"))
		return -1;
	if (accept_kw(ps, "before")) {
		if (expect_kw(ps, "drop"))
			return -1;
		st->before_drop = 1;
		if (accept_kw(ps, "rename")) {
			if (expect_kw(ps, "to"))
				return -1;
			return (st->new_name = ident(ps)) == NULL ? -1 : 0;
		}
		return 0;
	}
	if ((f = alloc(ps, sizeof(*f))) == NULL)
		return -1;
	f->k = F_TABLE;
	f->name = st->table;
	f->pos = st->pos;
	if (accept_kw(ps, "commit")) {
		f->asof_kind = ASOF_COMMIT;
	} else if (is_kw(ps, "timestamp")) {
		size_t s2 = ps->p;
		struct tok t2 = ps->t;
		next(ps);
		f->asof_kind = ASOF_TIME;
		if (ps->t.k == TK_STR) {	/* TIMESTAMP '…': the literal */
			ps->p = s2;
			ps->t = t2;
		}
	} else {
		return expected(ps, "TIMESTAMP, COMMIT or BEFORE DROP");
	}
	if ((f->asof = expr(ps)) == NULL)
		return -1;
	st->point = f;
	return 0;
}

/* RETURNING item, ... after INSERT, UPDATE or DELETE (PostgreSQL). */
static int returning(struct parser *ps, struct sql_stmt *st)
{
	if (!accept_kw(ps, "returning"))
		return 0;
	return select_items(ps, &st->ret, &st->retalias, &st->rettext,
	    &st->nret);
}

/* INSERT INTO t: the rest, [(cols)] then VALUES, a query or DEFAULT
 * VALUES. */
static int insert_body(struct parser *ps, struct sql_stmt *st)
{
	if (accept_op(ps, "(")) {
		if (name_list(ps, &st->cols, &st->ncols) || expect_op(ps, ")"))
			return -1;
	}
	if (accept_kw(ps, "default")) {
		if (expect_kw(ps, "values"))
			return -1;
		st->sel = NULL;
		return 0;
	}
	if (!is_kw(ps, "values") && !is_kw(ps, "select") &&
	    !is_kw(ps, "with") && !is_op(ps, "("))
		return expected(ps, "VALUES or SELECT");
	return (st->sel = select_stmt(ps)) == NULL ? -1 : 0;
}

static int statement(struct parser *ps, struct sql_stmt *st)
{
	if (accept_kw(ps, "explain")) {
		st->k = S_EXPLAIN;
		st->analyze = accept_kw(ps, "analyze");
		if ((st->inner = alloc(ps, sizeof(*st->inner))) == NULL)
			return -1;
		st->inner->pos = ps->t.pos;
		return statement(ps, st->inner);
	}
	if (is_kw(ps, "select") || is_kw(ps, "values") || is_kw(ps, "with") ||
	    is_op(ps, "(")) {
		st->k = S_SELECT;
		/* a parenthesized query is a set operation's first term */
		return (st->sel = select_stmt(ps)) == NULL ? -1 : 0;
	}
	if (is_kw(ps, "insert") || is_kw(ps, "replace")) {
		int rc;
		st->k = S_INSERT;
		if (accept_kw(ps, "replace")) {
			st->conflict = CONFLICT_REPLACE;        /* SQLite, MySQL */
		} else {
			next(ps);
			if (accept_kw(ps, "or")) {
				if (accept_kw(ps, "replace"))
					st->conflict = CONFLICT_REPLACE;
				else if (accept_kw(ps, "ignore"))
					st->conflict = CONFLICT_IGNORE;
				else if (!accept_kw(ps, "abort"))
					return expected(ps, "REPLACE, IGNORE or ABORT");
			}
		}
		if (expect_kw(ps, "into") || (st->table = ident(ps)) == NULL)
			return -1;
		if ((rc = insert_body(ps, st)) != 0)
			return rc;
		if (!accept_kw(ps, "on"))
			return returning(ps, st);
		/* ON CONFLICT [(cols)] DO NOTHING: any key that clashes */
		if (expect_kw(ps, "conflict"))
			return -1;
		if (accept_op(ps, "(")) {
			char **kc;
			int nkc;
			if (name_list(ps, &kc, &nkc) || expect_op(ps, ")"))
				return -1;
		}
		if (expect_kw(ps, "do"))
			return -1;
		if (is_kw(ps, "update"))
			return perr(ps, ps->t.pos, "ON CONFLICT DO UPDATE is not "
			    "supported; INSERT OR REPLACE replaces the clashing rows");
		if (!accept_kw(ps, "nothing"))
			return expected(ps, "NOTHING or UPDATE");
		if (st->conflict == CONFLICT_REPLACE)
			return perr(ps, st->pos, "INSERT OR REPLACE cannot also have "
			    "ON CONFLICT DO NOTHING");
		st->conflict = CONFLICT_IGNORE;
		return returning(ps, st);
	}
	if (accept_kw(ps, "update")) {
		struct plist cols = { 0 }, vals = { 0 };
		st->k = S_UPDATE;
		if ((st->table = ident(ps)) == NULL || expect_kw(ps, "set"))
			return -1;
		do {
			char *c = ident(ps);
			struct sql_expr *e;
			if (c == NULL || expect_op(ps, "=") || (e = expr(ps)) == NULL ||
			    plist_add(ps, &cols, c) || plist_add(ps, &vals, e))
				return -1;
		} while (accept_op(ps, ","));
		st->cols = (char **)cols.v;
		st->sets = (struct sql_expr **)vals.v;
		st->ncols = cols.n;
		if (accept_kw(ps, "where") && (st->where = expr(ps)) == NULL)
			return -1;
		return returning(ps, st);
	}
	if (accept_kw(ps, "delete")) {
		st->k = S_DELETE;
		if (expect_kw(ps, "from") || (st->table = ident(ps)) == NULL)
			return -1;
		if (accept_kw(ps, "where") && (st->where = expr(ps)) == NULL)
			return -1;
		return returning(ps, st);
	}
	if (accept_kw(ps, "create")) {
		int replace = 0, temp = 0;
		uint32_t at = ps->t.pos;
		st->k = S_CREATE;
		if (accept_kw(ps, "or")) {
			if (expect_kw(ps, "replace"))
				return -1;
			replace = 1;
		}
		if (accept_kw(ps, "temp") || accept_kw(ps, "temporary"))
			temp = 1;
		if (accept_kw(ps, "view")) {
			st->temp = temp;
			st->replace = replace;
			return create_view(ps, st);
		}
		if (!replace && !temp && accept_kw(ps, "unique")) {
			st->unique = 1;
			if (expect_kw(ps, "index"))
				return -1;
			return create_index(ps, st);
		}
		if (!replace && !temp && accept_kw(ps, "index"))
			return create_index(ps, st);
		if (replace)
			return perr(ps, at, "OR REPLACE is for views only");
		if (temp)
			return perr(ps, at, "temporary tables are not supported yet "
			    "(CREATE TEMP VIEW is)");
		if (expect_kw(ps, "table"))
			return -1;
		return create_table(ps, st);
	}
	if (accept_kw(ps, "drop")) {
		st->k = S_DROP;
		if (accept_kw(ps, "index")) {
			st->k = S_DROP_INDEX;
		} else if (accept_kw(ps, "view")) {
			st->k = S_DROP_VIEW;
		} else if (expect_kw(ps, "table"))
			return -1;
		if (accept_kw(ps, "if")) {
			if (expect_kw(ps, "exists"))
				return -1;
			st->if_exists = 1;
		}
		return (st->table = ident(ps)) == NULL ? -1 : 0;
	}
	if (accept_kw(ps, "alter")) {
		st->k = S_ALTER;
		if (expect_kw(ps, "table") || (st->table = ident(ps)) == NULL)
			return -1;
		if (accept_kw(ps, "add")) {
			st->alter = A_ADD;
			accept_kw(ps, "column");
			if ((st->defs = alloc(ps, sizeof(*st->defs))) == NULL)
				return -1;
			st->ndefs = 1;
			return column_def(ps, st->defs);
		}
		if (accept_kw(ps, "drop")) {
			st->alter = A_DROP;
			accept_kw(ps, "column");
			return (st->name = ident(ps)) == NULL ? -1 : 0;
		}
		if (accept_kw(ps, "rename")) {
			if (accept_kw(ps, "to")) {
				st->alter = A_RENAME;
				return (st->new_name = ident(ps)) == NULL ? -1 : 0;
			}
			st->alter = A_RENAME_COL;
			accept_kw(ps, "column");
			if ((st->name = ident(ps)) == NULL || expect_kw(ps, "to"))
				return -1;
			return (st->new_name = ident(ps)) == NULL ? -1 : 0;
		}
		return expected(ps, "ADD, DROP or RENAME");
	}
	if (accept_kw(ps, "begin") || (is_kw(ps, "start") && !next(ps) &&
	    !expect_kw(ps, "transaction"))) {
		st->k = S_BEGIN;
		if (!accept_kw(ps, "transaction"))
			accept_kw(ps, "work");
		return 0;
	}
	if (accept_kw(ps, "commit") || accept_kw(ps, "end")) {
		st->k = S_COMMIT;
		if (!accept_kw(ps, "transaction"))
			accept_kw(ps, "work");
		return 0;
	}
	if (accept_kw(ps, "rollback") || accept_kw(ps, "abort")) {
		st->k = S_ROLLBACK;
		if (!accept_kw(ps, "transaction"))
			accept_kw(ps, "work");
		return 0;
	}
	if (accept_kw(ps, "flashback"))
		return flashback_stmt(ps, st);
	if (accept_kw(ps, "purge")) {
		st->k = S_PURGE;
		if (expect_kw(ps, "table"))
			return -1;
		return (st->table = ident(ps)) == NULL ? -1 : 0;
	}
	return expected(ps, "a statement");
}

int sql_parse(struct sql_ctx *cx, struct sql_arena *a, const char *text,
    size_t len, size_t *pos, struct sql_stmt **stp)
{
	struct parser ps;
	struct sql_stmt *st;

	memset(&ps, 0, sizeof(ps));
	ps.cx = cx;
	ps.a = a;
	ps.s = text;
	ps.n = len;
	ps.p = *pos;
	*stp = NULL;
	if (lex(&ps))
		return RDB_ESQL;
	ps.prev_end = ps.t.pos;
	while (accept_op(&ps, ";"))
		;
	if (ps.failed)
		return RDB_ESQL;
	if (ps.t.k == TK_END) {
		*pos = ps.p;
		return RDB_OK;
	}
	st = alloc(&ps, sizeof(*st));
	if (st == NULL)
		return RDB_ENOMEM;
	st->pos = ps.t.pos;
	if (statement(&ps, st) != 0 || ps.failed)
		return cx->err.code ? cx->err.code : RDB_ESQL;
	st->end = ps.t.pos;
	if (ps.t.k != TK_END && !is_op(&ps, ";")) {
		expected(&ps, "';' or end of input");
		return RDB_ESQL;
	}
	if (is_op(&ps, ";"))
		next(&ps);
	if (ps.failed)
		return RDB_ESQL;
	*pos = ps.t.k == TK_END ? ps.p : ps.t.pos;
	*stp = st;
	return RDB_OK;
}

int rdb_sql_incomplete(const char *text, size_t len)
{
	size_t p = 0;
	int any = 0;

	while (p < len) {
		char c;
		if (skip_space(text, len, &p) != 0)
			return 1;
		if (p >= len)
			break;
		c = text[p];
		if (c == '\'' || c == '"' || c == '`') {
			p++;
			while (p < len && text[p] != c)
				p++;
			if (p >= len)
				return 1;
			p++;
			any = 1;
			continue;
		}
		if (c == ';')
			any = 0;
		else
			any = 1;
		p++;
	}
	return any;
}

int sql_parse_expr(struct sql_ctx *cx, struct sql_arena *a, const char *text,
    size_t len, struct sql_expr **e)
{
	struct parser ps;

	memset(&ps, 0, sizeof(ps));
	ps.cx = cx;
	ps.a = a;
	ps.s = text;
	ps.n = len;
	*e = NULL;
	if (lex(&ps))
		return RDB_ESQL;
	if ((*e = expr(&ps)) == NULL || ps.failed)
		return cx->err.code ? cx->err.code : RDB_ESQL;
	if (ps.t.k != TK_END) {
		expected(&ps, "end of the expression");
		return RDB_ESQL;
	}
	return RDB_OK;
}
