/*
 * out.c - the output formats of out.h.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "rdb/rdb.h"

#include "out.h"

struct out {
	FILE *f;
	enum out_format fmt;
	int header;
	size_t ncols;
	char **names;
	size_t nrows;           /* rows written so far */
	int show_count;
	/* json */
	int json_first;
	/* markdown */
	int md_started;
	/* table */
	struct out_cell *buf;   /* buffered rows, ncols cells each */
	size_t nbuf;
	int streaming;          /* widths fixed, rows go straight out */
	size_t *width;
	int *right;             /* right-align the column */
	size_t cut;             /* values shortened to fit */
	int utf8;               /* box drawing and ellipsis in UTF-8 */
	int color;
	size_t termwidth;       /* 0: no limit */
	/* out_batch */
	char *wb;               /* delimited rows not yet written */
	size_t nwb, capwb;
	struct out_cell *cells; /* the other formats: a row's cells */
	char **vals;            /* and their text, NUL-terminated */
	size_t *caps;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	if (p == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* Decode one UTF-8 sequence at s; *cp gets the code point, or U+FFFD
 * for an invalid byte (then 1 byte is consumed). Returns bytes used. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = c;
	return n;
}

static locale_t utf8_locale(void)
{
	static locale_t loc;
	static int tried;

	if (!tried) {
		tried = 1;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

static int cp_width(uint32_t cp)
{
	locale_t loc = utf8_locale(), old;
	int w;

	if (cp < 0x80)
		return cp < 0x20 || cp == 0x7f ? 0 : 1;
	if (loc == (locale_t)0)
		return 1;
	old = uselocale(loc);
	w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w < 0 ? 1 : w;
}

/* Control characters show as escapes in a table cell. */
static const char *ctl_escape(uint32_t cp)
{
	switch (cp) {
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		return cp < 0x20 || cp == 0x7f ? "?" : NULL;
	}
}

size_t out_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	uint32_t cp;
	const char *esc;

	while (*p != '\0') {
		p += utf8_decode(p, &cp);
		esc = ctl_escape(cp);
		w += esc != NULL ? strlen(esc) : (size_t)cp_width(cp);
	}
	return w;
}

static int json_number_ok(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

/* A JSON string literal; invalid UTF-8 becomes U+FFFD so the output is
 * always valid JSON. */
static void put_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	putc('"', f);
	while (*p != '\0') {
		/* a run of printable ASCII needing no escape: at once */
		const unsigned char *q = p;
		while (*q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
			q++;
		if (q > p) {
			fwrite(p, 1, (size_t)(q - p), f);
			p = q;
			continue;
		}
		n = utf8_decode(p, &cp);
		switch (cp) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (cp < 0x20)
				fprintf(f, "\\u%04x", (unsigned)cp);
			else if (cp == 0xfffd && !(n == 3 && p[0] == 0xef))
				fputs("\\ufffd", f);
			else
				fwrite(p, 1, n, f);
		}
		p += n;
	}
	putc('"', f);
}

static void put_json_value(FILE *f, const struct out_cell *c)
{
	if (c->s == NULL)
		fputs("null", f);
	else if (c->t == OUT_NUM && json_number_ok(c->s))
		fputs(c->s, f);
	else if (c->t == OUT_BOOL && (strcmp(c->s, "true") == 0 ||
	    strcmp(c->s, "false") == 0))
		fputs(c->s, f);
	else if (c->t == OUT_JSONVAL && (c->s[strspn(c->s, " \t")] == '{' ||
	    c->s[strspn(c->s, " \t")] == '[') && strpbrk(c->s, "\r\n") == NULL)
		fputs(c->s, f);         /* an object or array, nested, on one
		                           line so NDJSON stays NDJSON; a
		                           scalar stays a string of its text,
		                           so JSON null is not SQL NULL */
	else
		put_json_string(f, c->s);
}

static void put_json_object(struct out *o, const struct out_cell *cells)
{
	size_t i;

	putc('{', o->f);
	for (i = 0; i < o->ncols; i++) {
		if (i > 0)
			putc(',', o->f);
		put_json_string(o->f, o->names[i]);
		putc(':', o->f);
		put_json_value(o->f, &cells[i]);
	}
	putc('}', o->f);
}

static void put_csv_field(FILE *f, const char *s)
{
	const char *p;
	int quote = *s == '\0';

	for (p = s; *p != '\0' && !quote; p++)
		if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
			quote = 1;
	if (!quote) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			putc('"', f);
		putc(*p, f);
	}
	putc('"', f);
}

static void put_tsv_field(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\t':
			fputs("\\t", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		default:
			putc(*s, f);
		}
	}
}

static void put_md_field(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputs("<br>", f);
		else if (*s != '\r')
			putc(*s, f);
	}
}

static void put_delimited_row(struct out *o, const char *const *v, int csv)
{
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		if (i > 0)
			putc(csv ? ',' : '\t', o->f);
		if (v[i] == NULL) {
			if (!csv)
				fputs("\\N", o->f);
		} else if (csv) {
			put_csv_field(o->f, v[i]);
		} else {
			put_tsv_field(o->f, v[i]);
		}
	}
	putc('\n', o->f);
}

/* ---- batches ---- */

/* Room for n more bytes in o->wb. */
static char *wb_room(struct out *o, size_t n)
{
	if (o->capwb - o->nwb < n) {
		size_t cap = o->capwb > 0 ? o->capwb : 1 << 16;
		char *p;
		while (cap - o->nwb < n)
			cap *= 2;
		if ((p = realloc(o->wb, cap)) == NULL)
			cli_die(EXIT_ERROR, "out of memory");
		o->wb = p;
		o->capwb = cap;
	}
	return o->wb + o->nwb;
}

static void wb_flush(struct out *o)
{
	if (o->nwb > 0)
		fwrite(o->wb, 1, o->nwb, o->f);
	o->nwb = 0;
}

/* One value of a delimited row, as put_csv_field / put_tsv_field. */
static void wb_field(struct out *o, const char *s, size_t n, int csv)
{
	size_t i, k = 0;
	char *d;

	if (csv) {
		int quote = n == 0;
		for (i = 0; i < n && !quote; i++)
			quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' ||
			    s[i] == '\r';
		if (!quote) {
			memcpy(wb_room(o, n), s, n);
			o->nwb += n;
			return;
		}
		d = wb_room(o, 2 * n + 2);
		d[k++] = '"';
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				d[k++] = '"';
			d[k++] = s[i];
		}
		d[k++] = '"';
	} else {
		d = wb_room(o, 2 * n);
		for (i = 0; i < n; i++) {
			char c = s[i];
			if (c == '\t' || c == '\n' || c == '\r' || c == '\\') {
				d[k++] = '\\';
				c = c == '\t' ? 't' : c == '\n' ? 'n' :
				    c == '\r' ? 'r' : '\\';
			}
			d[k++] = c;
		}
	}
	o->nwb += k;
}

static void delimited_batch(struct out *o, const struct rdb_batch *b)
{
	int csv = o->fmt == OUT_CSV;
	char tmp[128];
	size_t r, c;

	for (r = 0; r < b->nrows; r++) {
		for (c = 0; c < o->ncols; c++) {
			const char *s;
			size_t n;
			if (c > 0)
				*wb_room(o, 1) = csv ? ',' : '\t', o->nwb++;
			if (rdb_vec_is_null(&b->cols[c], r)) {
				if (!csv) {
					memcpy(wb_room(o, 2), "\\N", 2);
					o->nwb += 2;
				}
				continue;
			}
			if (rdb_value_text(&b->cols[c], r, tmp, sizeof tmp, &s,
			    &n) != RDB_OK)
				cli_die(EXIT_ERROR, "out of memory");
			wb_field(o, s, n, csv);
		}
		*wb_room(o, 1) = '\n', o->nwb++;
		o->nrows++;
		if (o->nwb >= 1 << 16)
			wb_flush(o);
	}
	wb_flush(o);
}

void out_batch(struct out *o, const struct rdb_batch *b,
    const enum out_type *kinds)
{
	size_t r, c;

	if (o->fmt == OUT_CSV || o->fmt == OUT_TSV) {
		delimited_batch(o, b);
		cli_check_stdout();
		return;
	}
	if (o->cells == NULL) {
		o->cells = xmalloc((o->ncols + 1) * sizeof *o->cells);
		o->vals = xmalloc((o->ncols + 1) * sizeof *o->vals);
		o->caps = xmalloc((o->ncols + 1) * sizeof *o->caps);
		for (c = 0; c < o->ncols; c++) {
			o->caps[c] = 128;
			o->vals[c] = xmalloc(o->caps[c]);
		}
	}
	for (r = 0; r < b->nrows; r++) {
		for (c = 0; c < o->ncols; c++) {
			const char *s;
			size_t n;
			o->cells[c].t = kinds[c];
			o->cells[c].s = NULL;
			if (rdb_vec_is_null(&b->cols[c], r))
				continue;
			if (rdb_value_text(&b->cols[c], r, o->vals[c], o->caps[c],
			    &s, &n) != RDB_OK)
				cli_die(EXIT_ERROR, "out of memory");
			/* text points into the batch, unterminated */
			if (n >= o->caps[c]) {
				char *v = xmalloc(n + 1);
				free(o->vals[c]);
				o->vals[c] = v;
				o->caps[c] = n + 1;
			}
			memmove(o->vals[c], s, n);
			o->vals[c][n] = '\0';
			o->cells[c].s = o->vals[c];
		}
		out_row(o, o->cells);
	}
}

/* ---- table ---- */

static const char *const box_utf8[] = { "┌", "┬", "┐", "├", "┼", "┤", "└",
	"┴", "┘", "─", "│", "…" };
static const char *const box_ascii[] = { "+", "+", "+", "+", "+", "+", "+",
	"+", "+", "-", "|", "~" };
enum { B_TL, B_TM, B_TR, B_ML, B_MM, B_MR, B_BL, B_BM, B_BR, B_H, B_V,
	B_CUT };

static const char *box(struct out *o, int i)
{
	return o->utf8 ? box_utf8[i] : box_ascii[i];
}

static void table_rule(struct out *o, int l, int m, int r)
{
	size_t i, j;

	fputs(box(o, l), o->f);
	for (i = 0; i < o->ncols; i++) {
		for (j = 0; j < o->width[i] + 2; j++)
			fputs(box(o, B_H), o->f);
		fputs(box(o, i + 1 < o->ncols ? m : r), o->f);
	}
	putc('\n', o->f);
}

/* Write s in a cell of width w, escaping controls and cutting with an
 * ellipsis when it does not fit. */
static void table_cell(struct out *o, const char *s, size_t w, int right,
    int dim, int bold)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t sw = out_width(s), used = 0, n, pad;
	uint32_t cp;
	const char *esc;
	int cut = sw > w;
	size_t room = cut ? w - 1 : w;

	pad = cut ? 0 : w - sw;
	putc(' ', o->f);
	if (right && !cut)
		for (n = 0; n < pad; n++)
			putc(' ', o->f);
	if (o->color && (dim || bold))
		fputs(dim ? "\033[2m" : "\033[1m", o->f);
	while (*p != '\0') {
		n = utf8_decode(p, &cp);
		esc = ctl_escape(cp);
		size_t cw = esc != NULL ? strlen(esc) : (size_t)cp_width(cp);
		if (used + cw > room)
			break;
		if (esc != NULL)
			fputs(esc, o->f);
		else if (cp == 0xfffd && !(n == 3 && p[0] == 0xef))
			fputs(o->utf8 ? "\xef\xbf\xbd" : "?", o->f);
		else
			fwrite(p, 1, n, o->f);
		used += cw;
		p += n;
	}
	if (cut) {
		for (; used < room; used++)
			putc(' ', o->f);
		fputs(box(o, B_CUT), o->f);
		o->cut++;
	}
	if (o->color && (dim || bold))
		fputs("\033[0m", o->f);
	if (!right || cut)
		for (n = 0; n < pad; n++)
			putc(' ', o->f);
	putc(' ', o->f);
}

static void table_row(struct out *o, const struct out_cell *cells)
{
	size_t i;

	fputs(box(o, B_V), o->f);
	for (i = 0; i < o->ncols; i++) {
		const char *s = cells[i].s != NULL ? cells[i].s : "NULL";
		table_cell(o, s, o->width[i], o->right[i], cells[i].s == NULL, 0);
		fputs(box(o, B_V), o->f);
	}
	putc('\n', o->f);
}

/* Choose widths from the buffered rows and the terminal, print the top
 * of the table and every buffered row. */
static void table_flush(struct out *o)
{
	size_t i, r, w, total;

	for (i = 0; i < o->ncols; i++) {
		o->width[i] = o->header ? out_width(o->names[i]) : 1;
		if (o->width[i] == 0)
			o->width[i] = 1;
		o->right[i] = o->nbuf > 0;
	}
	for (r = 0; r < o->nbuf; r++) {
		for (i = 0; i < o->ncols; i++) {
			const struct out_cell *c = &o->buf[r * o->ncols + i];
			w = out_width(c->s != NULL ? c->s : "NULL");
			if (w > o->width[i])
				o->width[i] = w;
			if (c->s != NULL && c->t != OUT_NUM)
				o->right[i] = 0;
		}
	}
	/* Shrink the widest column until the table fits the terminal. */
	if (o->termwidth > 0) {
		for (;;) {
			size_t widest = 0;
			total = 1;
			for (i = 0; i < o->ncols; i++) {
				total += o->width[i] + 3;
				if (o->width[i] > o->width[widest])
					widest = i;
			}
			if (total <= o->termwidth || o->width[widest] <= 8)
				break;
			o->width[widest]--;
		}
	}
	table_rule(o, B_TL, B_TM, B_TR);
	if (o->header) {
		fputs(box(o, B_V), o->f);
		for (i = 0; i < o->ncols; i++) {
			table_cell(o, o->names[i], o->width[i], 0, 0, 1);
			fputs(box(o, B_V), o->f);
		}
		putc('\n', o->f);
		table_rule(o, B_ML, B_MM, B_MR);
	}
	for (r = 0; r < o->nbuf; r++) {
		table_row(o, &o->buf[r * o->ncols]);
		for (i = 0; i < o->ncols; i++)
			free((char *)o->buf[r * o->ncols + i].s);
	}
	o->nbuf = 0;
	o->streaming = 1;
}

static size_t term_width(FILE *f)
{
	struct winsize ws;
	const char *cols;
	long long v;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	cols = getenv("COLUMNS");
	if (cols != NULL && cli_parse_int(cols, 20, 100000, &v) == 0)
		return (size_t)v;
	return 0;
}

struct out *out_open(FILE *f, enum out_format fmt, int header, size_t ncols,
    const char *const *names)
{
	struct out *o = xmalloc(sizeof *o);
	const char *term;
	size_t i;

	memset(o, 0, sizeof *o);
	/* one thread writes the results: stdio need not lock the stream
	 * for each character (a quarter of an NDJSON export's time) */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	if (fmt == OUT_AUTO)
		fmt = isatty(fileno(f)) ? OUT_TABLE : OUT_CSV;
	o->f = f;
	o->fmt = fmt;
	o->header = header;
	o->ncols = ncols;
	o->json_first = 1;
	o->names = xmalloc(ncols * sizeof *o->names);
	for (i = 0; i < ncols; i++)
		o->names[i] = xstrdup(names[i]);
	if (fmt == OUT_TABLE) {
		const char *cs = nl_langinfo(CODESET);
		o->buf = xmalloc(OUT_TABLE_SAMPLE * ncols * sizeof *o->buf);
		o->width = xmalloc(ncols * sizeof *o->width);
		o->right = xmalloc(ncols * sizeof *o->right);
		o->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
		term = getenv("TERM");
		o->color = isatty(fileno(f)) && getenv("NO_COLOR") == NULL &&
		    (term == NULL || strcmp(term, "dumb") != 0);
		o->termwidth = term_width(f);
	}
	if (fmt == OUT_JSON)
		fputs("[", f);
	if ((fmt == OUT_CSV || fmt == OUT_TSV) && header)
		put_delimited_row(o, (const char *const *)o->names, fmt == OUT_CSV);
	return o;
}

void out_show_count(struct out *o, int on)
{
	o->show_count = on;
}

static void md_start(struct out *o, const struct out_cell *first)
{
	size_t i;

	o->md_started = 1;
	if (!o->header)
		return;
	fputs("|", o->f);
	for (i = 0; i < o->ncols; i++) {
		putc(' ', o->f);
		put_md_field(o->f, o->names[i]);
		fputs(" |", o->f);
	}
	fputs("\n|", o->f);
	for (i = 0; i < o->ncols; i++)
		fputs(first != NULL && first[i].t == OUT_NUM ? "---:|" : "---|",
		    o->f);
	putc('\n', o->f);
}

void out_row(struct out *o, const struct out_cell *cells)
{
	const char **v;
	size_t i;

	o->nrows++;
	switch (o->fmt) {
	case OUT_CSV:
	case OUT_TSV:
		v = xmalloc(o->ncols * sizeof *v);
		for (i = 0; i < o->ncols; i++)
			v[i] = cells[i].s;
		put_delimited_row(o, v, o->fmt == OUT_CSV);
		free(v);
		break;
	case OUT_JSON:
		fputs(o->json_first ? "\n" : ",\n", o->f);
		o->json_first = 0;
		put_json_object(o, cells);
		break;
	case OUT_NDJSON:
		put_json_object(o, cells);
		putc('\n', o->f);
		break;
	case OUT_MARKDOWN:
		if (!o->md_started)
			md_start(o, cells);
		putc('|', o->f);
		for (i = 0; i < o->ncols; i++) {
			putc(' ', o->f);
			if (cells[i].s != NULL)
				put_md_field(o->f, cells[i].s);
			fputs(" |", o->f);
		}
		putc('\n', o->f);
		break;
	case OUT_TABLE:
		if (o->streaming) {
			table_row(o, cells);
			break;
		}
		for (i = 0; i < o->ncols; i++) {
			o->buf[o->nbuf * o->ncols + i].s =
			    cells[i].s != NULL ? xstrdup(cells[i].s) : NULL;
			o->buf[o->nbuf * o->ncols + i].t = cells[i].t;
		}
		if (++o->nbuf == OUT_TABLE_SAMPLE)
			table_flush(o);
		break;
	case OUT_AUTO:
		break;
	}
	cli_check_stdout();
}

void out_close(struct out *o)
{
	size_t i;

	if (o == NULL)
		return;
	switch (o->fmt) {
	case OUT_JSON:
		fputs(o->json_first ? "]\n" : "\n]\n", o->f);
		break;
	case OUT_MARKDOWN:
		if (!o->md_started)
			md_start(o, NULL);
		break;
	case OUT_TABLE:
		if (!o->streaming)
			table_flush(o);
		table_rule(o, B_BL, B_BM, B_BR);
		if (o->show_count)
			fprintf(o->f, "%zu row%s\n", o->nrows,
			    o->nrows == 1 ? "" : "s");
		if (o->cut > 0)
			fprintf(o->f, "(%zu value%s cut to fit; use --format csv to see %s whole)\n",
			    o->cut, o->cut == 1 ? "" : "s",
			    o->cut == 1 ? "it" : "them");
		break;
	default:
		break;
	}
	wb_flush(o);
	for (i = 0; i < o->ncols; i++) {
		free(o->names[i]);
		if (o->vals != NULL)
			free(o->vals[i]);
	}
	free(o->names);
	free(o->wb);
	free(o->cells);
	free(o->vals);
	free(o->caps);
	free(o->buf);
	free(o->width);
	free(o->right);
	free(o);
	cli_check_stdout();
}
