/*
 * test_conv.c - the loader's fast parsers never disagree with the full
 * ones: whatever a fast path takes, the strict and the lenient parser
 * take too, with the same value.
 */
#include <stdlib.h>

#include "load/conv.h"
#include "unit.h"

static size_t gen_num(char *p, unsigned *seed)
{
	static const char alpha[] = "0123456789000-.+ e9-";
	size_t n = (size_t)(rand_r(seed) % 22), i;

	for (i = 0; i < n; i++)
		p[i] = rand_r(seed) % 3 == 0 ? alpha[rand_r(seed) % 20]
		    : (char)('0' + rand_r(seed) % 10);
	return n;
}

UNIT_TEST(conv_fast_paths_agree)
{
	unsigned seed = 99;
	size_t iter, taken = 0;
	char p[32];

	for (iter = 0; iter < 2000000; iter++) {
		size_t n = gen_num(p, &seed);
		int64_t v, w;
		int32_t d, e;
		__int128 dec;
		int id, id2, fd, scale = (int)(iter % 6), strict;

		if (rdb_parse_int_fast(p, n, &v) == 0) {
			taken++;
			for (strict = 0; strict < 2; strict++)
				CHECK(rdb_parse_int(p, n, strict, &w) == 0 && w == v);
		}
		if (rdb_parse_dec_fast(p, n, scale, &v, &id) == 0) {
			taken++;
			for (strict = 0; strict < 2; strict++)
				CHECK(rdb_parse_decimal(p, n, strict, scale, &dec, &id2,
				    &fd) == 0 && dec == (__int128)v && id2 == id);
		}
		if (n == 10 && iter % 2 == 0) {
			/* a date shape now and then */
			p[4] = '-';
			p[7] = '-';
		}
		if (rdb_parse_date_fast(p, n, &d) == 0) {
			taken++;
			CHECK(rdb_parse_date(p, n, &e) == 0 && d == e);
		} else if (n < 4 || memcmp(p, "0000", 4) != 0) {
			/* (year 0 is left to the full parser) */
			CHECK(rdb_parse_date(p, n, &e) != 0);
		}
	}
	/* every day number of every month of four centuries, and of the
	 * first years of the era */
	for (iter = 0; iter < 420 * 372; iter++) {
		int32_t d, e;
		unsigned y = (1900 + (unsigned)(iter / 372)) % 2300, m = 1 + iter % 372 / 31,
		    dd = 1 + iter % 31;
		snprintf(p, sizeof p, "%04u-%02u-%02u", y, m, dd);
		if (y == 0) {
			CHECK(rdb_parse_date_fast(p, 10, &d) != 0);
			continue;
		}
		CHECK((rdb_parse_date_fast(p, 10, &d) == 0) ==
		    (rdb_parse_date(p, 10, &e) == 0));
		if (rdb_parse_date(p, 10, &e) == 0)
			CHECK(rdb_parse_date_fast(p, 10, &d) == 0 && d == e);
	}
	printf("#   %zu values taken by a fast path\n", taken);
	CHECK(taken > 100000);
}
