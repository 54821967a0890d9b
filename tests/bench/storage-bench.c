/*
 * storage-bench - load TPC-H lineitem (CSV on stdin) into a new
 * database REPEAT times, checkpoint, and measure: load time, bytes on
 * disk, single-core decode speed of a full column scan, one-row commit
 * latency and 1000-row commit throughput. Prints "name value unit"
 * lines. Built by `make bench`; see tests/bench/run.
 *
 *   zstd -dc lineitem.csv.zst | storage-bench DIR CODEC REPEAT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rdb/rdb.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(struct rdb_db *db, const char *what)
{
	fprintf(stderr, "storage-bench: %s: %s\n", what, rdb_errmsg(db));
	exit(1);
}

/* lineitem's columns, as schema.sql has them */
static const struct rdb_column_def cols[] = {
	{ "l_orderkey", RDB_INTEGER, 0, 0, 1, NULL },
	{ "l_partkey", RDB_INTEGER, 0, 0, 1, NULL },
	{ "l_suppkey", RDB_INTEGER, 0, 0, 1, NULL },
	{ "l_linenumber", RDB_INTEGER, 0, 0, 1, NULL },
	{ "l_quantity", RDB_DECIMAL, 15, 2, 1, NULL },
	{ "l_extendedprice", RDB_DECIMAL, 15, 2, 1, NULL },
	{ "l_discount", RDB_DECIMAL, 15, 2, 1, NULL },
	{ "l_tax", RDB_DECIMAL, 15, 2, 1, NULL },
	{ "l_returnflag", RDB_TEXT, 0, 0, 1, NULL },
	{ "l_linestatus", RDB_TEXT, 0, 0, 1, NULL },
	{ "l_shipdate", RDB_DATE, 0, 0, 1, NULL },
	{ "l_commitdate", RDB_DATE, 0, 0, 1, NULL },
	{ "l_receiptdate", RDB_DATE, 0, 0, 1, NULL },
	{ "l_shipinstruct", RDB_TEXT, 0, 0, 1, NULL },
	{ "l_shipmode", RDB_TEXT, 0, 0, 1, NULL },
	{ "l_comment", RDB_TEXT, 0, 0, 1, NULL },
};
#define NCOLS 16

static long days_from_civil(long y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm */
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

/* Split one CSV line in place (quotes as RFC 4180, no embedded
 * newlines in lineitem). */
static int split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *w;

	while (n < max) {
		if (*p == '"') {
			f[n++] = w = ++p;
			for (;;) {
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else if (*p == '\0') {
					break;
				} else {
					*w++ = *p++;
				}
			}
			*w = '\0';
			if (*p == ',')
				p++;
			else
				break;
		} else {
			f[n++] = p;
			p = strchr(p, ',');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
	}
	return n;
}

static int64_t cents(const char *s)
{
	int64_t whole = 0, frac = 0;
	int neg = *s == '-', k = 0;

	if (neg)
		s++;
	while (*s >= '0' && *s <= '9')
		whole = whole * 10 + (*s++ - '0');
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9' && k < 2) {
			frac = frac * 10 + (*s++ - '0');
			k++;
		}
	}
	while (k++ < 2)
		frac *= 10;
	return (neg ? -1 : 1) * (whole * 100 + frac);
}

int main(int argc, char **argv)
{
	enum rdb_type types[NCOLS];
	struct rdb_settings set;
	struct rdb_db *db = NULL;
	struct rdb_txn *t;
	struct rdb_batch *b;
	char *text = NULL, *line, *end, *f[NCOLS];
	size_t cap = 1 << 20, len = 0, rows = 0, i;
	int repeat, r, c;
	double t0, t1;

	if (argc != 4) {
		fprintf(stderr, "usage: storage-bench DIR zstd|lz4|none REPEAT\n");
		return 2;
	}
	repeat = atoi(argv[3]);
	rdb_settings_init(&set);
	set.codec = strcmp(argv[2], "zstd") == 0 ? RDB_CODEC_ZSTD
	    : strcmp(argv[2], "lz4") == 0 ? RDB_CODEC_LZ4 : RDB_CODEC_NONE;
	set.codec_level = set.codec == RDB_CODEC_ZSTD ? 3 : 0;
	set.checkpoint_bytes = 0;	/* one checkpoint, at the end */
	if (rdb_create(argv[1], &set, NULL, &db) != RDB_OK)
		die(db, "create");
	/* the CSV, whole, in memory: the load is what is timed */
	text = malloc(cap);
	while (text != NULL && (i = fread(text + len, 1, cap - len - 1, stdin)) > 0) {
		len += i;
		if (len + 1 == cap)
			text = realloc(text, cap *= 2);
	}
	if (text == NULL)
		return 1;
	text[len] = '\0';
	for (c = 0; c < NCOLS; c++)
		types[c] = cols[c].type;
	b = rdb_batch_new(NCOLS, types);
	t0 = now();
	if (rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) != RDB_OK ||
	    rdb_table_create(t, "lineitem", cols, NCOLS) != RDB_OK)
		die(db, "create table");
	for (r = 0; r < repeat; r++) {
		char *copy = strdup(text);
		line = strchr(copy, '\n') + 1;	/* skip the header */
		while (*line != '\0') {
			end = strchr(line, '\n');
			if (end != NULL)
				*end = '\0';
			if (split(line, f, NCOLS) != NCOLS) {
				fprintf(stderr, "storage-bench: bad line\n");
				return 1;
			}
			for (c = 0; c < NCOLS; c++) {
				switch (types[c]) {
				case RDB_INTEGER:
					rdb_batch_put_int(b, (size_t)c, atol(f[c]));
					break;
				case RDB_DECIMAL: {
					int64_t v = cents(f[c]);
					rdb_batch_put_decimal(b, (size_t)c, (uint64_t)v,
					    v < 0 ? UINT64_MAX : 0);
					break;
				}
				case RDB_DATE:
					rdb_batch_put_int(b, (size_t)c,
					    days_from_civil(atol(f[c]),
					    (unsigned)atoi(f[c] + 5),
					    (unsigned)atoi(f[c] + 8)));
					break;
				default:
					rdb_batch_put_bytes(b, (size_t)c, f[c], strlen(f[c]));
				}
			}
			if (rdb_batch_end_row(b) != RDB_OK)
				die(db, "row");
			rows++;
			if (b->nrows == 65536) {
				if (rdb_insert(t, "lineitem", b, NULL) != RDB_OK)
					die(db, "insert");
				rdb_batch_clear(b);
			}
			if (end == NULL)
				break;
			line = end + 1;
		}
		free(copy);
	}
	if (b->nrows > 0 && rdb_insert(t, "lineitem", b, NULL) != RDB_OK)
		die(db, "insert");
	if (rdb_txn_commit(t, NULL, NULL) != RDB_OK)
		die(db, "commit");
	t1 = now();
	if (rdb_checkpoint(db) != RDB_OK)
		die(db, "checkpoint");
	printf("rows %zu rows\n", rows);
	printf("load_commit %.3f s\n", t1 - t0);
	printf("load_checkpoint %.3f s\n", now() - t1);
	{
		struct rdb_table_stats st;
		if (rdb_txn_begin(db, 0, 0, &t) != RDB_OK ||
		    rdb_table_stats(t, "lineitem", &st, NULL) != RDB_OK)
			die(db, "stats");
		printf("table_bytes %llu bytes\n", (unsigned long long)st.bytes);
		rdb_txn_abort(t);
	}
	/* decode speed: one column, every row, best of three */
	{
		static const struct { const char *name; size_t col, width; } sc[] = {
			{ "l_orderkey", 0, 4 }, { "l_extendedprice", 5, 16 },
			{ "l_shipdate", 10, 4 }, { "l_comment", 15, 0 },
		};
		for (i = 0; i < 2 * sizeof sc / sizeof sc[0]; i++) {
			size_t q = i % (sizeof sc / sizeof sc[0]);
			int threads = i < sizeof sc / sizeof sc[0] ? 1 : 0;
			double best = 1e9;
			uint64_t bytes = 0;
			int k;
			for (k = 0; k < 3; k++) {
				const struct rdb_batch *out;
				struct rdb_scan_options so = { &sc[q].col, 1, NULL, 0,
					threads };
				struct rdb_scan *s;
				double s0;
				bytes = 0;
				if (rdb_txn_begin(db, 0, 0, &t) != RDB_OK ||
				    rdb_scan_open(t, "lineitem", &so, &s) != RDB_OK)
					die(db, "scan");
				s0 = now();
				while (rdb_scan_next(s, &out) > 0)
					bytes += sc[q].width > 0 ? out->nrows * sc[q].width
					    : out->cols[0].offsets[out->nrows] +
					    4 * (uint64_t)out->nrows;
				if (now() - s0 < best)
					best = now() - s0;
				rdb_scan_close(s);
				rdb_txn_abort(t);
			}
			printf("scan%s_%s %.3f GB/s\n", threads == 1 ? "" : "_all",
			    sc[q].name, (double)bytes / best / 1e9);
		}
	}
	/* commit latency and throughput, with the database's sync */
	{
		static const struct rdb_column_def kv[] = {
			{ "k", RDB_BIGINT, 0, 0, 1, NULL }, { "v", RDB_TEXT, 0, 0, 0, NULL } };
		enum rdb_type kt[2] = { RDB_BIGINT, RDB_TEXT };
		struct rdb_batch *kb = rdb_batch_new(2, kt);
		double s0;
		int n;
		if (rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) != RDB_OK ||
		    rdb_table_create(t, "kv", kv, 2) != RDB_OK ||
		    rdb_txn_commit(t, NULL, NULL) != RDB_OK)
			die(db, "kv");
		s0 = now();
		for (n = 0; n < 200; n++) {
			rdb_batch_clear(kb);
			rdb_batch_put_int(kb, 0, n);
			rdb_batch_put_bytes(kb, 1, "value", 5);
			rdb_batch_end_row(kb);
			if (rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) != RDB_OK ||
			    rdb_insert(t, "kv", kb, NULL) != RDB_OK ||
			    rdb_txn_commit(t, NULL, NULL) != RDB_OK)
				die(db, "commit");
		}
		printf("commit_1row %.3f ms\n", (now() - s0) / 200 * 1000);
		s0 = now();
		for (n = 0; n < 50; n++) {
			int k;
			rdb_batch_clear(kb);
			for (k = 0; k < 1000; k++) {
				rdb_batch_put_int(kb, 0, n * 1000 + k);
				rdb_batch_put_bytes(kb, 1, "value", 5);
				rdb_batch_end_row(kb);
			}
			if (rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) != RDB_OK ||
			    rdb_insert(t, "kv", kb, NULL) != RDB_OK ||
			    rdb_txn_commit(t, NULL, NULL) != RDB_OK)
				die(db, "commit");
		}
		printf("commit_1000rows %.0f rows/s\n", 50000 / (now() - s0));
		rdb_batch_free(kb);
	}
	rdb_batch_free(b);
	free(text);
	rdb_close(db);
	return 0;
}
