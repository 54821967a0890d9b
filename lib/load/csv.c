/*
 * csv.c - the streaming CSV tokenizer of csv.h.
 *
 * Input arrives in a buffer that is refilled as records are consumed;
 * unquoted fields point into it, quoted fields with escapes are copied
 * unescaped into a scratch area. A record that runs past the end of the
 * buffer is parsed again from its start after the refill, which keeps
 * the common path free of resumable state; the buffer grows only for a
 * record larger than itself, up to max_record.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "load/csv.h"


struct rdb_csv {
	struct rdb_csv_opts o;
	struct rdb_ibuf in;
	char *name;
	uint64_t line;          /* line of the next record */
	uint64_t rec_line;      /* line of the last record */
	size_t rec_start, rec_end;
	struct rdb_field *f;
	size_t nf, capf;
	struct rdb_buf scratch;
	uint8_t special[256];
	uint64_t pat[6];            /* the special bytes, repeated 8 times */
	int npat;
	int mem;                    /* in.buf is the caller's block */
	size_t nscratch;            /* fields of the record in scratch */
	int plain_delim;            /* the delimiter is no other special */
	uint64_t *bits;             /* memory: bit i set at special byte i */
	size_t nbits, capbits;      /* words */
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Bits set at the bytes of w equal to the byte repeated in pat; the
 * lowest set bit is exact (higher ones may be false after a match). */
static inline uint64_t match(uint64_t w, uint64_t pat)
{
	uint64_t x = w ^ pat;

	return (x - ONES) & ~x & HIGHS;
}

/* The first special byte at or after i: eight bytes at a time, since
 * most fields are short runs of ordinary bytes. */
static inline size_t scan_plain(const struct rdb_csv *c, const char *b,
    size_t i, size_t end)
{
	while (end - i >= 8) {
		uint64_t w, m = 0;
		int k;
		memcpy(&w, b + i, 8);
		for (k = 0; k < c->npat; k++)
			m |= match(w, c->pat[k]);
		if (m != 0)
			return i + (size_t)(__builtin_ctzll(m) >> 3);
		i += 8;
	}
	while (i < end && !c->special[(unsigned char)b[i]])
		i++;
	return i;
}

/* scan_plain in a block, from its bitmap of special bytes. */
static inline size_t scan_bits(const struct rdb_csv *c, size_t i, size_t end)
{
	size_t w = i >> 6;
	uint64_t m = c->bits[w] & (~(uint64_t)0 << (i & 63));

	while (m == 0) {
		if (++w >= c->nbits)
			return end;
		m = c->bits[w];
	}
	i = (w << 6) + (size_t)__builtin_ctzll(m);
	return i < end ? i : end;
}

/* The bitmap of the special bytes of p[0..n), sixteen bytes at a time:
 * with it a field's end is found in a few instructions, where most
 * fields (short runs of ordinary bytes) otherwise cost a loop. */
static int map_specials(struct rdb_csv *c, const char *p, size_t n)
{
	size_t words = n / 64 + 1, i, k;

	if (words > c->capbits) {
		uint64_t *nb = realloc(c->bits, words * sizeof *nb);
		if (nb == NULL)
			return RDB_ENOMEM;
		c->bits = nb;
		c->capbits = words;
	}
	c->nbits = words;
	c->bits[words - 1] = 0;
	i = 0;
#ifdef __SSE2__
	{
		/* always six patterns, the missing ones repeating the first,
		 * for straight-line code */
		__m128i p0, p1, p2, p3, p4, p5;
		char pc[6];
		for (k = 0; k < 6; k++)
			pc[k] = (char)(c->pat[k < (size_t)c->npat ? k : 0] & 0xff);
		p0 = _mm_set1_epi8(pc[0]);
		p1 = _mm_set1_epi8(pc[1]);
		p2 = _mm_set1_epi8(pc[2]);
		p3 = _mm_set1_epi8(pc[3]);
		p4 = _mm_set1_epi8(pc[4]);
		p5 = _mm_set1_epi8(pc[5]);
		for (; n - i >= 64; i += 64) {
			uint64_t m = 0;
			int q;
			for (q = 0; q < 4; q++) {
				__m128i v = _mm_loadu_si128((const __m128i *)(p + i + 16 * q));
				__m128i hit = _mm_or_si128(_mm_or_si128(
				    _mm_or_si128(_mm_cmpeq_epi8(v, p0), _mm_cmpeq_epi8(v, p1)),
				    _mm_or_si128(_mm_cmpeq_epi8(v, p2), _mm_cmpeq_epi8(v, p3))),
				    _mm_or_si128(_mm_cmpeq_epi8(v, p4), _mm_cmpeq_epi8(v, p5)));
				m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * q);
			}
			c->bits[i / 64] = m;
		}
	}
#endif
	for (; i < n; i += 64) {
		uint64_t m = 0;
		for (k = 0; k < 64 && i + k < n; k++)
			if (c->special[(unsigned char)p[i + k]])
				m |= (uint64_t)1 << k;
		c->bits[i / 64] = m;
	}
	return RDB_OK;
}

static int csv_new(const struct rdb_csv_opts *o, rdb_read_fn read, void *arg,
    const char *name, struct rdb_csv **cp, struct rdb_err *e)
{
	struct rdb_csv *c = calloc(1, sizeof *c);

	*cp = NULL;
	if (c == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	c->o = *o;
	c->name = strdup(name);
	if (c->name == NULL || (read != NULL &&
	    rdb_ibuf_init(&c->in, read, arg, c->o.max_record) != RDB_OK)) {
		rdb_csv_free(c);
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	if (read == NULL) {
		c->mem = 1;
		c->in.eof = 1;
	}
	c->line = 1;
	c->plain_delim = c->o.delim != c->o.quote && c->o.delim != '\0' &&
	    !(c->o.tsv_escapes && c->o.delim == '\\');
	c->special[(unsigned char)c->o.delim] = 1;
	c->special['\n'] = 1;
	c->special['\r'] = 1;
	c->special[0] = 1;
	if (c->o.quote)
		c->special[(unsigned char)c->o.quote] = 1;
	if (c->o.tsv_escapes)
		c->special['\\'] = 1;
	{
		int ch;
		for (ch = 0; ch < 256; ch++)
			if (c->special[ch] && c->npat < 6)
				c->pat[c->npat++] = ONES * (uint64_t)ch;
	}
	*cp = c;
	return RDB_OK;
}

int rdb_csv_new(const struct rdb_csv_opts *o, rdb_read_fn read, void *arg,
    const char *name, struct rdb_csv **cp, struct rdb_err *e)
{
	return csv_new(o, read, arg, name, cp, e);
}

int rdb_csv_new_mem(const struct rdb_csv_opts *o, const char *name,
    struct rdb_csv **cp, struct rdb_err *e)
{
	return csv_new(o, NULL, NULL, name, cp, e);
}

int rdb_csv_set_mem(struct rdb_csv *c, const char *p, size_t n,
    uint64_t line)
{
	/* Unescaped fields are never longer than their input: with room
	 * for the block, scratch never moves, and the fields of every
	 * record stay where they are until the next block. */
	c->scratch.len = 0;
	if (rdb_buf_reserve(&c->scratch, n + 1) != RDB_OK ||
	    map_specials(c, p, n) != RDB_OK)
		return RDB_ENOMEM;
	c->in.buf = (char *)p;
	c->in.pos = 0;
	c->in.end = n;
	c->in.eof = 1;
	c->line = line;
	c->rec_line = line;
	c->rec_start = c->rec_end = 0;
	return RDB_OK;
}

void rdb_csv_rest(const struct rdb_csv *c, const char **p, size_t *n,
    uint64_t *line, uint64_t *offset)
{
	*p = c->in.buf + c->in.pos;
	*n = c->in.end - c->in.pos;
	*line = c->line;
	*offset = c->in.consumed + c->in.pos;
}

void rdb_csv_resume(struct rdb_csv *c, uint64_t line, uint64_t offset)
{
	c->line = line;
	/* ibuf skips a byte order mark only at offset 0 */
	c->in.consumed = offset;
}

void rdb_csv_free(struct rdb_csv *c)
{
	if (c == NULL)
		return;
	free(c->name);
	if (c->mem)
		c->in.buf = NULL;	/* the caller's */
	free(c->bits);
	rdb_ibuf_release(&c->in);
	free(c->f);
	rdb_buf_release(&c->scratch);
	free(c);
}

uint64_t rdb_csv_line(const struct rdb_csv *c)
{
	return c->rec_line;
}

void rdb_csv_raw(const struct rdb_csv *c, const char **p, size_t *len)
{
	*p = c->in.buf + c->rec_start;
	*len = c->rec_end - c->rec_start;
}

uint64_t rdb_csv_offset(const struct rdb_csv *c)
{
	return c->in.consumed + c->in.pos;
}

static inline int add_field(struct rdb_csv *c, const char *p, size_t len,
    int quoted)
{
	if (c->nf >= c->capf &&
	    rdb_grow(&c->f, &c->capf, c->nf, sizeof *c->f) != RDB_OK)
		return -1;
	c->nscratch += quoted >= 2;
	c->f[c->nf].p = p;
	c->f[c->nf].len = len;
	c->f[c->nf].quoted = quoted;
	c->nf++;
	return 0;
}

enum { PARSED = 1, NEED_MORE = 2 };

/*
 * A record of plain fields in a block, the common case: each field
 * ends at the delimiter, the record at a newline. 0 when the record
 * holds anything else (a quote, CR, NUL, TSV escape, the block's end),
 * for parse() to take it from its start.
 */
static int parse_plain(struct rdb_csv *c)
{
	const char *b = c->in.buf;
	const uint64_t *bits = c->bits;
	struct rdb_field *f = c->f;
	size_t i = c->in.pos, end = c->in.end, nf = 0, capf = c->capf;
	size_t nbits = c->nbits, start, w;
	int delim = c->o.delim, quote = c->o.quote;
	uint64_t m;

	if (!c->plain_delim)
		return 0;
	for (;;) {
		start = i;
		if (i >= end || b[i] == (char)quote)
			return 0;	/* (a NUL when there is no quote) */
		w = i >> 6;
		m = bits[w] & (~(uint64_t)0 << (i & 63));
		while (m == 0) {
			if (++w >= nbits)
				return 0;
			m = bits[w];
		}
		i = (w << 6) + (size_t)__builtin_ctzll(m);
		if (i >= end)
			return 0;
		if (nf == capf) {
			if (rdb_grow(&c->f, &c->capf, nf, sizeof *c->f) != RDB_OK)
				return 0;	/* parse() says so */
			f = c->f;
			capf = c->capf;
		}
		f[nf].p = b + start;
		f[nf].len = i - start;
		f[nf].quoted = 0;
		nf++;
		if (b[i] == (char)delim) {
			i++;
			continue;
		}
		if (b[i] != '\n')
			return 0;
		i++;
		break;
	}
	c->nf = nf;
	c->nscratch = 0;
	c->rec_start = c->in.pos;
	c->rec_end = i;
	c->in.pos = i;
	c->rec_line = c->line++;
	return PARSED;
}

/* Column (1-based, in bytes) of buf[at] within its line. */
static uint64_t column_of(const struct rdb_csv *c, size_t at)
{
	size_t s = at;

	while (s > 0 && c->in.buf[s - 1] != '\n')
		s--;
	return (uint64_t)(at - s) + 1;
}

/* Parse one record starting at pos. Field pointers into scratch are
 * fixed up at the end, since scratch may move while growing. */
static int parse(struct rdb_csv *c, struct rdb_err *e)
{
	const char *b = c->in.buf;
	size_t i = c->in.pos, end = c->in.end;
	uint64_t line = c->line;
	int delim = c->o.delim, quote = c->o.quote;
	int esc = c->o.escape ? c->o.escape : quote;

	c->nf = 0;
	c->nscratch = 0;
	if (!c->mem)
		c->scratch.len = 0;	/* in memory: kept for the block */
	for (;;) {
		size_t start = i;
		if (quote && i < end && b[i] == quote) {
			/* a quoted field: copy it unescaped to scratch */
			size_t off = c->scratch.len;
			i++;
			for (;;) {
				size_t run = i;
				while (i < end && b[i] != quote && b[i] != esc &&
				    b[i] != '\0') {
					if (b[i] == '\n')
						line++;
					i++;
				}
				if (rdb_buf_append(&c->scratch, b + run, i - run) != RDB_OK)
					return rdb_err_set(e, RDB_ENOMEM, "out of memory");
				if (i >= end)
					goto more;
				if (b[i] == '\0')
					return rdb_err_set(e, RDB_EINVAL,
					    "%s:%llu:%llu: a NUL byte", c->name,
					    (unsigned long long)line,
					    (unsigned long long)column_of(c, i));
				if (b[i] == esc && esc != quote) {
					if (i + 1 >= end)
						goto more;
					if (rdb_buf_append(&c->scratch, b + i + 1, 1) != RDB_OK)
						return rdb_err_set(e, RDB_ENOMEM, "out of memory");
					if (b[i + 1] == '\n')
						line++;
					i += 2;
					continue;
				}
				/* a quote: doubled, or the end of the field */
				if (i + 1 >= end && !c->in.eof)
					goto more;
				if (i + 1 < end && b[i + 1] == quote) {
					if (rdb_buf_append(&c->scratch, b + i, 1) != RDB_OK)
						return rdb_err_set(e, RDB_ENOMEM, "out of memory");
					i += 2;
					continue;
				}
				i++;
				break;
			}
			/* after the closing quote: a delimiter or the end */
			if (i < end && b[i] != delim && b[i] != '\n' && b[i] != '\r')
				return rdb_err_set(e, RDB_EINVAL,
				    "%s:%llu:%llu: unexpected '%c' after a closing quote",
				    c->name, (unsigned long long)line,
				    (unsigned long long)column_of(c, i), b[i]);
			/* mark as scratch: p holds the offset until fix-up */
			if (add_field(c, (const char *)(uintptr_t)off,
			    c->scratch.len - off, 2) != 0)
				return rdb_err_set(e, RDB_ENOMEM, "out of memory");
		} else {
			i = c->bits != NULL ? scan_bits(c, i, end)
			    : scan_plain(c, b, i, end);
			if (i < end && (b[i] == delim || b[i] == '\n') && c->plain_delim) {
				/* the common case: a plain field, and more after */
				if (add_field(c, b + start, i - start, 0) != 0)
					return rdb_err_set(e, RDB_ENOMEM, "out of memory");
				if (b[i] == delim) {
					i++;
					continue;
				}
				i++;
				line++;
				break;
			}
			if (i < end && b[i] == '\0')
				return rdb_err_set(e, RDB_EINVAL,
				    "%s:%llu:%llu: a NUL byte", c->name,
				    (unsigned long long)line,
				    (unsigned long long)column_of(c, i));
			if (i < end && quote && b[i] == quote)
				return rdb_err_set(e, RDB_EINVAL,
				    "%s:%llu:%llu: a quote inside an unquoted field",
				    c->name, (unsigned long long)line,
				    (unsigned long long)column_of(c, i));
			if (i < end && c->o.tsv_escapes && b[i] == '\\') {
				/* TSV escapes: copy the field decoded */
				size_t off = c->scratch.len;
				int null = 0;
				i = start;
				while (i < end && b[i] != delim && b[i] != '\n' &&
				    b[i] != '\r' && b[i] != '\0') {
					char ch = b[i];
					if (ch == '\\') {
						if (i + 1 >= end)
							goto more;
						ch = b[i + 1];
						ch = ch == 't' ? '\t' : ch == 'n' ? '\n'
						    : ch == 'r' ? '\r' : ch;
						if (b[i + 1] == 'N' && i == start)
							null = 1;
						i += 2;
					} else {
						i++;
					}
					if (rdb_buf_append(&c->scratch, &ch, 1) != RDB_OK)
						return rdb_err_set(e, RDB_ENOMEM,
						    "out of memory");
				}
				if (i >= end && !c->in.eof)
					goto more;
				if (i < end && b[i] == '\0')
					return rdb_err_set(e, RDB_EINVAL,
					    "%s:%llu:%llu: a NUL byte", c->name,
					    (unsigned long long)line,
					    (unsigned long long)column_of(c, i));
				if (null && c->scratch.len - off == 1) {
					c->scratch.len = off;
					if (add_field(c, NULL, 0, 0) != 0)
						return rdb_err_set(e, RDB_ENOMEM,
						    "out of memory");
					c->f[c->nf - 1].len = (size_t)-1;	/* NULL */
				} else if (add_field(c, (const char *)(uintptr_t)off,
				    c->scratch.len - off, 3) != 0) {
					return rdb_err_set(e, RDB_ENOMEM, "out of memory");
				}
			} else {
				if (i >= end && !c->in.eof)
					goto more;
				if (add_field(c, b + start, i - start, 0) != 0)
					return rdb_err_set(e, RDB_ENOMEM, "out of memory");
			}
		}
		if (i >= end) {
			if (!c->in.eof)
				goto more;
			break;
		}
		if (b[i] == delim) {
			i++;
			continue;
		}
		/* end of the record */
		if (b[i] == '\r') {
			if (i + 1 >= end && !c->in.eof)
				goto more;
			i++;
			if (i < end && b[i] == '\n')
				i++;
		} else {
			i++;
		}
		line++;
		break;
	}
	c->rec_start = c->in.pos;
	c->rec_end = i;
	c->in.pos = i;
	c->rec_line = c->line;
	c->line = line;
	return PARSED;
more:
	if (c->in.eof) {
		/* the file ended inside a quoted field */
		return rdb_err_set(e, RDB_EINVAL,
		    "%s:%llu: the file ends inside a quoted field that began on line %llu",
		    c->name, (unsigned long long)line, (unsigned long long)c->line);
	}
	return NEED_MORE;
}

int rdb_csv_next(struct rdb_csv *c, const struct rdb_field **fields,
    size_t *n, struct rdb_err *e)
{
	size_t i;
	int rc;

	for (;;) {
		if (c->in.pos >= c->in.end) {
			if (c->in.eof)
				return 0;
			if ((rc = rdb_ibuf_refill(&c->in, c->name, c->line,
			    "a record", e)) != RDB_OK)
				return rc;
			if (c->in.pos >= c->in.end && c->in.eof)
				return 0;
			continue;
		}
		rc = c->bits != NULL && parse_plain(c) == PARSED ? PARSED
		    : parse(c, e);
		if (rc == PARSED)
			break;
		if (rc < 0)
			return rc;
		if (c->in.eof)
			return rdb_err_set(e, RDB_EINVAL, "%s:%llu: truncated record",
			    c->name, (unsigned long long)c->line);
		if ((rc = rdb_ibuf_refill(&c->in, c->name, c->line, "a record",
		    e)) != RDB_OK)
			return rc;
	}
	for (i = 0; c->nscratch > 0 && i < c->nf; i++) {
		if (c->f[i].quoted >= 2) {
			c->f[i].p = (const char *)c->scratch.p + (uintptr_t)c->f[i].p;
			c->f[i].quoted = c->f[i].quoted == 2;
		}
	}
	*fields = c->f;
	*n = c->nf;
	return 1;
}

/*
 * The splitter follows parse() byte for byte where it matters: a quote
 * opens a quoted field only at the start of a field; inside one, a
 * doubled quote and an escaped byte stay inside and every newline is a
 * line; outside, a TSV backslash takes the next byte with it, and a
 * newline (alone or after a carriage return) ends the record. Where
 * parse() would stop with an error the splitter may cut anywhere: the
 * block holding the error is parsed, and fails, before any later one.
 * Runs of bytes without a quote, carriage return or backslash, the
 * whole of most files, are taken sixteen at a time.
 */
/* Bits set in a 16-bit mask, without a call (no popcnt in the baseline
 * instruction set). */
static inline unsigned popcount16(unsigned m)
{
	m = m - ((m >> 1) & 0x5555);
	m = (m & 0x3333) + ((m >> 2) & 0x3333);
	m = (m + (m >> 4)) & 0x0f0f;
	return (m + (m >> 8)) & 0x1f;
}

int rdb_csv_split(const struct rdb_csv_opts *o, const char *p, size_t n,
    size_t *cut, uint64_t *lines)
{
	const unsigned char *b = (const unsigned char *)p;
	int quote = o->quote, delim = o->delim;
	int esc = o->escape ? o->escape : quote, tsv = o->tsv_escapes;
	int inq = 0, fstart = 1;
	uint64_t line = 0;
	size_t i = 0, lim;

	*cut = 0;
	*lines = 0;
	while (i < n) {
		lim = n;
#ifdef __SSE2__
		{
			const __m128i nl = _mm_set1_epi8('\n');
			const __m128i cr = _mm_set1_epi8('\r');
			/* absent ones stand in as CR, odd anyway */
			const __m128i q = _mm_set1_epi8((char)(quote ? quote : '\r'));
			const __m128i bs = _mm_set1_epi8((char)(tsv ? '\\' : '\r'));
			const __m128i es = _mm_set1_epi8((char)(esc ? esc : '\r'));
			while (n - i >= 16) {
				__m128i v = _mm_loadu_si128((const __m128i *)(b + i));
				unsigned m = (unsigned)_mm_movemask_epi8(
				    _mm_cmpeq_epi8(v, nl));
				unsigned odd;
				if (inq)	/* the quote or escape ending a run */
					odd = (unsigned)_mm_movemask_epi8(_mm_or_si128(
					    _mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, es)));
				else
					odd = (unsigned)_mm_movemask_epi8(_mm_or_si128(
					    _mm_or_si128(_mm_cmpeq_epi8(v, cr),
					    _mm_cmpeq_epi8(v, q)), _mm_cmpeq_epi8(v, bs)));
				if (odd != 0) {
					/* bytes up to and with the first odd one,
					 * one at a time */
					lim = i + (size_t)__builtin_ctz(odd) + 1;
					break;
				}
				if (m != 0) {
					line += popcount16(m);
					if (!inq) {
						*cut = i + 32 - (size_t)__builtin_clz(m);
						*lines = line;
					}
				}
				if (!inq)
					fstart = b[i + 15] == '\n' || b[i + 15] == delim;
				i += 16;
			}
			if (i >= n)
				break;
		}
#endif
		while (i < lim) {
			if (inq) {
				if (b[i] == quote) {
					if (i + 1 >= n)
						return 0;
					if (b[i + 1] == quote) {
						i += 2;
						continue;
					}
					inq = 0;
					fstart = 0;
				} else if (b[i] == esc) {
					if (i + 1 >= n)
						return 0;
					if (b[i + 1] == '\n')
						line++;
					i += 2;
					continue;
				} else if (b[i] == '\n') {
					line++;
				}
				i++;
				continue;
			}
			if (quote && fstart && b[i] == quote) {
				inq = 1;
				fstart = 0;
			} else if (tsv && b[i] == '\\') {
				if (i + 1 >= n)
					return 0;
				fstart = 0;
				i += 2;
				continue;
			} else if (b[i] == '\n') {
				line++;
				*cut = i + 1;
				*lines = line;
				fstart = 1;
			} else if (b[i] == '\r') {
				if (i + 1 >= n)
					return 0;
				if (b[i + 1] != '\n')
					return -1;	/* a lone CR ends this record */
			} else {
				fstart = b[i] == delim;
			}
			i++;
		}
	}
	return 0;
}

int rdb_csv_sniff(const char *p, size_t n, int quote)
{
	static const char cands[] = { ',', '\t', ';', '|' };
	size_t counts[4][20], k, line = 0, i;
	int inq = 0, best = ',', c;
	double bestscore = 0;

	memset(counts, 0, sizeof counts);
	for (i = 0; i < n && line < 20; i++) {
		if (quote && p[i] == quote) {
			inq = !inq;
			continue;
		}
		if (inq)
			continue;
		if (p[i] == '\n') {
			line++;
			continue;
		}
		for (k = 0; k < 4; k++)
			if (p[i] == cands[k])
				counts[k][line]++;
	}
	if (i == n && line < 20 && n > 0 && p[n - 1] != '\n')
		line++;	/* a last line without its newline */
	for (k = 0; k < 4; k++) {
		size_t same = 0, first = counts[k][0];
		double score;
		if (first == 0)
			continue;
		for (c = 0; c < (int)line; c++)
			same += counts[k][c] == first;
		/* steady across lines first, then more fields */
		score = (double)same / (double)(line ? line : 1) * 1000 + (double)first;
		if (score > bestscore) {
			bestscore = score;
			best = cands[k];
		}
	}
	return best;
}
