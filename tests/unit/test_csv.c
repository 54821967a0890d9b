/*
 * test_csv.c - rdb_csv_split against the tokenizer: cutting a text where
 * the splitter says and parsing the two blocks gives the records, line
 * numbers and first error that parsing it whole gives.
 */
#include <stdlib.h>

#include "load/csv.h"
#include "unit.h"

/* What parsing gave: each record's line, fields and end, then the
 * error (code and message) or 0 at the end. */
struct trace {
	struct rdb_buf b;
	int rc;
	char msg[768];
};

static void put_u64(struct rdb_buf *b, uint64_t v)
{
	rdb_buf_append(b, &v, sizeof v);
}

/* Parse p[0..n), the records from line on, appending to tr. */
static void parse_into(const struct rdb_csv_opts *o, const char *p, size_t n,
    uint64_t line, struct trace *tr)
{
	struct rdb_csv *c;
	const struct rdb_field *f;
	struct rdb_err e;
	size_t nf, i;
	int rc;

	rdb_err_clear(&e);
	if (rdb_csv_new_mem(o, "t.csv", &c, &e) != RDB_OK) {
		tr->rc = RDB_ENOMEM;
		return;
	}
	rdb_csv_set_mem(c, p, n, line);
	while ((rc = rdb_csv_next(c, &f, &nf, &e)) > 0) {
		put_u64(&tr->b, rdb_csv_line(c));
		put_u64(&tr->b, nf);
		for (i = 0; i < nf; i++) {
			put_u64(&tr->b, f[i].len);
			put_u64(&tr->b, (uint64_t)f[i].quoted);
			if (f[i].len != (size_t)-1)
				rdb_buf_append(&tr->b, f[i].p, f[i].len);
		}
	}
	tr->rc = rc;
	if (rc < 0)
		snprintf(tr->msg, sizeof tr->msg, "%s", e.msg);
	rdb_csv_free(c);
}

static size_t gen(char *p, size_t cap, unsigned *seed)
{
	static const char *const tok[] = { "a", "b", "cd", ",", ",", "\"",
		"\"", "\n", "\n", "\r\n", "\\", "\t", "\r", "'", "\\\n" };
	size_t n = 0, want = (size_t)(rand_r(seed) % 120);

	while (n < want && n + 2 < cap) {
		const char *t = tok[rand_r(seed) % (sizeof tok / sizeof *tok)];
		size_t k = strlen(t);
		if (rand_r(seed) % 500 == 0)
			t = "\0", k = 1;
		memcpy(p + n, t, k);
		n += k;
	}
	return n;
}

UNIT_TEST(csv_split_agrees_with_the_tokenizer)
{
	static const struct rdb_csv_opts dialects[] = {
		{ ',', '"', 0, 0, 0 },          /* RFC 4180 */
		{ ',', '"', '\\', 0, 0 },       /* backslash escapes in quotes */
		{ '\t', 0, 0, 1, 0 },           /* TSV */
		{ '\t', '"', 0, 1, 0 },         /* TSV with quotes */
		{ ',', '\'', 0, 0, 0 },         /* another quote */
		{ ',', 0, 0, 0, 0 },            /* no quoting */
	};
	unsigned seed = 12345;
	size_t d, iter, checked = 0;
	char p[400];

	for (iter = 0; iter < 200000; iter++) {
		const struct rdb_csv_opts *o;
		struct trace whole, parts;
		size_t n, cut;
		uint64_t lines;

		d = iter % (sizeof dialects / sizeof *dialects);
		o = &dialects[d];
		n = gen(p, sizeof p, &seed);
		if (rdb_csv_split(o, p, n, &cut, &lines) < 0 || cut == 0)
			continue;	/* left to the tokenizer in order */
		CHECK(cut <= n);
		memset(&whole, 0, sizeof whole);
		memset(&parts, 0, sizeof parts);
		parse_into(o, p, n, 1, &whole);
		parse_into(o, p, cut, 1, &parts);
		if (parts.rc == 0)
			parse_into(o, p + cut, n - cut, 1 + lines, &parts);
		checked++;
		if (whole.rc != parts.rc || whole.b.len != parts.b.len ||
		    (whole.b.len > 0 &&
		    memcmp(whole.b.p, parts.b.p, whole.b.len) != 0) ||
		    strcmp(whole.msg, parts.msg) != 0) {
			char shown[1600];
			size_t i, k = 0;
			for (i = 0; i < n && k + 5 < sizeof shown; i++)
				k += (size_t)snprintf(shown + k, sizeof shown - k,
				    p[i] >= 32 && p[i] < 127 ? "%c" : "\\x%02x",
				    (unsigned char)p[i]);
			printf("#   dialect %zu, cut %zu of %zu: %s\n#   whole: %d %s\n"
			    "#   parts: %d %s\n", d, cut, n, shown, whole.rc,
			    whole.msg, parts.rc, parts.msg);
			CHECK(!"the blocks parse as the whole");
			iter = 200000;
		}
		rdb_buf_release(&whole.b);
		rdb_buf_release(&parts.b);
	}
	printf("#   %zu cut texts checked\n", checked);
	CHECK(checked > 20000);
}
