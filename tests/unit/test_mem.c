/*
 * test_mem.c - the big arrays of util/mem.c: zeroed at first, contents
 * kept and the new tail zeroed by every growth (malloc to malloc,
 * malloc to mapped, mapped to mapped within and past the mapping, to
 * huge pages), and freed by their pointers alone.
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/util.h"
#include "unit.h"

/* Are p[from..to) all zero? */
static int zero(const uint8_t *p, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Are p[0..n) the pattern fill() wrote? */
static int pattern(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (uint8_t)(i * 7 + 1))
			return 0;
	return 1;
}

static void fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 1);
}

UNIT_TEST(big_alloc_zeroed)
{
	static const size_t sizes[] = { 0, 1, 4096, RDB_BIG_MMAP - 1,
		RDB_BIG_MMAP, RDB_BIG_MMAP + 5, RDB_BIG_HUGE - 1, RDB_BIG_HUGE,
		3 * RDB_BIG_HUGE + 12345 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = rdb_big_alloc(sizes[i]);
		CHECK(p != NULL);
		if (p == NULL)
			continue;
		CHECK(zero(p, 0, sizes[i]));
		fill(p, sizes[i]);
		CHECK(pattern(p, sizes[i]));
#ifndef __SANITIZE_ADDRESS__    /* there all comes from malloc */
		if (sizes[i] >= RDB_BIG_HUGE)
			CHECK(((uintptr_t)p & (((uintptr_t)2 << 20) - 1)) == 64);
#endif
		CHECK(rdb_big_size(p) == sizes[i]);
		rdb_big_free(p);
	}
	rdb_big_free(NULL);
	CHECK(rdb_big_size(NULL) == 0);
}

UNIT_TEST(big_grow_keeps_and_zeroes)
{
	/* each step crosses a different border: within malloc, malloc to
	 * a small-page mapping, within that mapping's last page, to a new
	 * small-page mapping, to a huge one, within it, to a bigger one */
	static const size_t steps[] = { 100, 5000, RDB_BIG_MMAP + 10,
		RDB_BIG_MMAP + 20, 2 * RDB_BIG_MMAP + 1, RDB_BIG_HUGE + 3,
		RDB_BIG_HUGE + 4096, 4 * RDB_BIG_HUGE };
	uint8_t *p = NULL;
	size_t i, old = 0;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		uint8_t *q = rdb_big_grow(p, steps[i]);
		CHECK(q != NULL);
		if (q == NULL)
			break;
		CHECK(pattern(q, old));
		CHECK(zero(q, old, steps[i]));
		CHECK(rdb_big_size(q) == steps[i]);
		fill(q, steps[i]);
		p = q;
		old = steps[i];
	}
	/* not growing leaves the array as it is */
	CHECK(rdb_big_grow(p, old / 2) == p);
	CHECK(pattern(p, old) && rdb_big_size(p) == old);
	rdb_big_free(p);
	/* growing nothing allocates */
	p = rdb_big_grow(NULL, RDB_BIG_HUGE);
	CHECK(p != NULL && zero(p, 0, RDB_BIG_HUGE));
	rdb_big_free(p);
}
