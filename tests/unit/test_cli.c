/*
 * test_cli.c - parsing and formatting helpers of cmd/common, and the
 * output formats written to a memory stream.
 */
#include <stdlib.h>

#include "common/cli.h"
#include "common/out.h"
#include "common/progress.h"
#include "unit.h"

UNIT_TEST(durations)
{
	uint64_t ms;

	CHECK(cli_parse_duration_ms("5s", &ms) == 0 && ms == 5000);
	CHECK(cli_parse_duration_ms("500ms", &ms) == 0 && ms == 500);
	CHECK(cli_parse_duration_ms("7d", &ms) == 0 && ms == 604800000ULL);
	CHECK(cli_parse_duration_ms("1.5h", &ms) == 0 && ms == 5400000ULL);
	CHECK(cli_parse_duration_ms("2w", &ms) == 0 && ms == 1209600000ULL);
	CHECK(cli_parse_duration_ms("30", &ms) == 0 && ms == 30000);
	CHECK(cli_parse_duration_ms("0", &ms) == 0 && ms == 0);
	CHECK(cli_parse_duration_ms(".25s", &ms) == 0 && ms == 250);
	CHECK(cli_parse_duration_ms("", &ms) != 0);
	CHECK(cli_parse_duration_ms("s", &ms) != 0);
	CHECK(cli_parse_duration_ms("-1s", &ms) != 0);
	CHECK(cli_parse_duration_ms("5 s", &ms) != 0);
	CHECK(cli_parse_duration_ms("5x", &ms) != 0);
	CHECK(cli_parse_duration_ms("99999999999999999999d", &ms) != 0);
	CHECK(cli_parse_duration_ms("999999999999999d", &ms) != 0);
}

UNIT_TEST(sizes)
{
	uint64_t b;

	CHECK(cli_parse_size("4096", &b) == 0 && b == 4096);
	CHECK(cli_parse_size("4k", &b) == 0 && b == 4096);
	CHECK(cli_parse_size("64M", &b) == 0 && b == 64ULL << 20);
	CHECK(cli_parse_size("1GiB", &b) == 0 && b == 1ULL << 30);
	CHECK(cli_parse_size("1.5K", &b) == 0 && b == 1536);
	CHECK(cli_parse_size("1Q", &b) != 0);
	CHECK(cli_parse_size("99999999999T", &b) != 0);
}

UNIT_TEST(formatting)
{
	char buf[64];

	cli_format_duration(604800, buf, sizeof buf);
	CHECK_STR(buf, "7d");
	cli_format_duration(43200, buf, sizeof buf);
	CHECK_STR(buf, "12h");
	cli_format_duration(90, buf, sizeof buf);
	CHECK_STR(buf, "90s");
	cli_format_duration(0, buf, sizeof buf);
	CHECK_STR(buf, "0s");
	cli_format_size(12, buf, sizeof buf);
	CHECK_STR(buf, "12 B");
	cli_format_size(1536, buf, sizeof buf);
	CHECK_STR(buf, "1.5 KiB");
	cli_format_size(5ULL << 30, buf, sizeof buf);
	CHECK_STR(buf, "5.0 GiB");
	cli_format_time(0, buf, sizeof buf);
	CHECK_STR(buf, "1970-01-01T00:00:00Z");
	cli_format_time(1795000000000000LL, buf, sizeof buf);
	CHECK_STR(buf, "2026-11-18T11:06:40Z");
}

UNIT_TEST(progress_line)
{
	char buf[256];

	progress_render(buf, sizeof buf, "load", 50, 100, "rows", 2.0, 80);
	CHECK_STR(buf, "load: [########........]  50% 50/100 rows (25/s) ETA 0:02");
	progress_render(buf, sizeof buf, "load", 2500000, 0, "rows", 2.0, 80);
	CHECK_STR(buf, "load: 2.5M rows (1.2M/s)");
	progress_render(buf, sizeof buf, "copy", 3 << 20, 4 << 20, "bytes", 1.0,
	    80);
	CHECK_STR(buf, "copy: [############....]  75% 3.0 MiB/4.0 MiB bytes (3.0 MiB/s) ETA 0:00");
}

/* Render one table in fmt into a string the caller frees. */
static char *render(enum out_format fmt, int header, size_t ncols,
    const char *const *names, size_t nrows, const struct out_cell *cells)
{
	char *buf = NULL;
	size_t len = 0, r;
	FILE *f = open_memstream(&buf, &len);
	struct out *o = out_open(f, fmt, header, ncols, names);

	for (r = 0; r < nrows; r++)
		out_row(o, cells + r * ncols);
	out_close(o);
	fclose(f);
	return buf;
}

static const char *const names2[] = { "id", "note" };
static const struct out_cell rows2[] = {
	{ "1", OUT_NUM }, { "plain", OUT_TEXT },
	{ "2", OUT_NUM }, { "a,b \"q\"", OUT_TEXT },
	{ "3", OUT_NUM }, { "", OUT_TEXT },
	{ NULL, OUT_NUM }, { NULL, OUT_TEXT },
	{ "5", OUT_NUM }, { "two\nlines\ttab\\", OUT_TEXT },
};

UNIT_TEST(out_csv)
{
	char *s = render(OUT_CSV, 1, 2, names2, 5, rows2);

	CHECK_STR(s, "id,note\n1,plain\n2,\"a,b \"\"q\"\"\"\n3,\"\"\n,\n"
	    "5,\"two\nlines\ttab\\\"\n");
	free(s);
	s = render(OUT_CSV, 0, 2, names2, 1, rows2);
	CHECK_STR(s, "1,plain\n");
	free(s);
}

UNIT_TEST(out_tsv)
{
	char *s = render(OUT_TSV, 1, 2, names2, 5, rows2);

	CHECK_STR(s, "id\tnote\n1\tplain\n2\ta,b \"q\"\n3\t\n\\N\t\\N\n"
	    "5\ttwo\\nlines\\ttab\\\\\n");
	free(s);
}

UNIT_TEST(out_json)
{
	static const char *const names[] = { "n", "b", "s" };
	static const struct out_cell cells[] = {
		{ "-1.5e3", OUT_NUM }, { "true", OUT_BOOL }, { "\"\\\x01\xff", OUT_TEXT },
		{ "007", OUT_NUM }, { "maybe", OUT_BOOL }, { "é", OUT_TEXT },
		{ "nan", OUT_NUM }, { NULL, OUT_BOOL }, { NULL, OUT_TEXT },
	};
	char *s = render(OUT_JSON, 1, 3, names, 3, cells);

	/* numbers stay bare only when valid JSON; bad UTF-8 becomes U+FFFD */
	CHECK_STR(s, "[\n{\"n\":-1.5e3,\"b\":true,\"s\":\"\\\"\\\\\\u0001\\ufffd\"},\n"
	    "{\"n\":\"007\",\"b\":\"maybe\",\"s\":\"é\"},\n"
	    "{\"n\":\"nan\",\"b\":null,\"s\":null}\n]\n");
	free(s);
	s = render(OUT_JSON, 1, 3, names, 0, cells);
	CHECK_STR(s, "[]\n");
	free(s);
	s = render(OUT_NDJSON, 1, 3, names, 1, cells);
	CHECK_STR(s, "{\"n\":-1.5e3,\"b\":true,\"s\":\"\\\"\\\\\\u0001\\ufffd\"}\n");
	free(s);
	s = render(OUT_NDJSON, 1, 3, names, 0, cells);
	CHECK_STR(s, "");
	free(s);
}

UNIT_TEST(out_markdown)
{
	static const char *const names[] = { "a|b", "n" };
	static const struct out_cell cells[] = {
		{ "x|y\nz", OUT_TEXT }, { "1", OUT_NUM },
	};
	char *s = render(OUT_MARKDOWN, 1, 2, names, 1, cells);

	CHECK_STR(s, "| a\\|b | n |\n|---|---:|\n| x\\|y<br>z | 1 |\n");
	free(s);
	s = render(OUT_MARKDOWN, 1, 2, names, 0, cells);
	CHECK_STR(s, "| a\\|b | n |\n|---|---|\n");
	free(s);
}

UNIT_TEST(out_table)
{
	char *s;

	unsetenv("COLUMNS");
	s = render(OUT_TABLE, 1, 2, names2, 5, rows2);
	/* numbers right-aligned, NULL shown, controls escaped */
	CHECK_STR(s,
	    "┌──────┬──────────────────┐\n"
	    "│ id   │ note             │\n"
	    "├──────┼──────────────────┤\n"
	    "│    1 │ plain            │\n"
	    "│    2 │ a,b \"q\"          │\n"
	    "│    3 │                  │\n"
	    "│ NULL │ NULL             │\n"
	    "│    5 │ two\\nlines\\ttab\\ │\n"
	    "└──────┴──────────────────┘\n");
	free(s);
}

UNIT_TEST(out_table_wide_characters)
{
	static const char *const names[] = { "w" };
	static const struct out_cell cells[] = {
		{ "日本", OUT_TEXT }, { "ab", OUT_TEXT },
	};
	char *s = render(OUT_TABLE, 1, 1, names, 2, cells);

	CHECK_STR(s, "┌──────┐\n│ w    │\n├──────┤\n│ 日本 │\n│ ab   │\n└──────┘\n");
	free(s);
	CHECK(out_width("日本") == 4);
	CHECK(out_width("e\xcc\x81") == 1);	/* e + combining acute */
	CHECK(out_width("a\tb") == 4);
}

UNIT_TEST(out_table_cuts_to_width)
{
	static const char *const names[] = { "k", "v" };
	static const struct out_cell cells[] = {
		{ "key", OUT_TEXT }, { "a value far too wide for the screen", OUT_TEXT },
	};
	char *s;

	setenv("COLUMNS", "24", 1);
	s = render(OUT_TABLE, 1, 2, names, 1, cells);
	unsetenv("COLUMNS");
	CHECK_STR(s,
	    "┌─────┬────────────────┐\n"
	    "│ k   │ v              │\n"
	    "├─────┼────────────────┤\n"
	    "│ key │ a value far t… │\n"
	    "└─────┴────────────────┘\n"
	    "(1 value cut to fit; use --format csv to see it whole)\n");
	free(s);
}

/* Past OUT_TABLE_SAMPLE rows the widths are fixed and later, wider
 * values are cut: memory stays bounded. */
UNIT_TEST(out_table_streams_after_sample)
{
	static const char *const names[] = { "v" };
	struct out_cell *cells = calloc(OUT_TABLE_SAMPLE + 1, sizeof *cells);
	char *s, *last;
	int i;

	for (i = 0; i < OUT_TABLE_SAMPLE; i++)
		cells[i] = (struct out_cell){ "abc", OUT_TEXT };
	cells[OUT_TABLE_SAMPLE] = (struct out_cell){ "abcdefgh", OUT_TEXT };
	s = render(OUT_TABLE, 1, 1, names, OUT_TABLE_SAMPLE + 1, cells);
	last = strstr(s, "│ ab… │");
	CHECK(last != NULL);
	CHECK(strstr(s, "(1 value cut to fit") != NULL);
	free(s);
	free(cells);
}
