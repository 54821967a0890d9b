/*
 * test_undrop.c - UNDROP TABLE, PURGE TABLE and TABLE RETENTION in the
 * catalog (format/manifest.md [F-MAN-060], [F-MAN-063]): the encoders'
 * bytes, and operations that break the rules refused as damage.
 */
#include <stdlib.h>

#include "txn/cat.h"
#include "unit.h"

static int ud_apply(struct rdb_cat *c, const uint8_t *op, size_t len)
{
	struct rdb_err e;

	rdb_err_clear(&e);
	return rdb_cat_apply(c, op, len, "unit", &e);
}

/* A catalog with table 1 "t" (one INTEGER column c) and, with drop,
 * that table dropped. */
static void ud_cat(struct rdb_cat *c, int drop)
{
	static const uint8_t create[] = { CAT_CREATE, 1, 1, 't', 1, 1, 1, 'c',
		RDB_INTEGER, 0, 0, 0 };
	static const uint8_t dropop[] = { CAT_DROP, 1 };

	rdb_cat_init(c);
	CHECK(ud_apply(c, create, sizeof create) == RDB_OK);
	if (drop)
		CHECK(ud_apply(c, dropop, sizeof dropop) == RDB_OK);
}

UNIT_TEST(undrop_ops)
{
	static const uint8_t undrop[] = { CAT_UNDROP, 1, 2, 'u', '2' };
	static const uint8_t purge[] = { CAT_PURGE, 1 };
	static const uint8_t dropop[] = { CAT_DROP, 1 };
	struct rdb_cat c, copy;
	struct rdb_buf b;

	/* the encoders write exactly these bytes */
	memset(&b, 0, sizeof b);
	CHECK(rdb_cat_enc_undrop(&b, 1, "u2") == RDB_OK);
	CHECK(b.len == sizeof undrop && memcmp(b.p, undrop, b.len) == 0);
	b.len = 0;
	CHECK(rdb_cat_enc_purge(&b, 1) == RDB_OK);
	CHECK(b.len == sizeof purge && memcmp(b.p, purge, b.len) == 0);
	rdb_buf_release(&b);

	/* undrop of a live table, purge of a live table: damage */
	ud_cat(&c, 0);
	CHECK(ud_apply(&c, undrop, sizeof undrop) == RDB_ECORRUPT);
	CHECK(ud_apply(&c, purge, sizeof purge) == RDB_ECORRUPT);
	rdb_cat_release(&c);

	/* undrop brings back the same table under its new name */
	ud_cat(&c, 1);
	CHECK(c.tables[0].dropped == 1 && c.ndrops == 1);
	CHECK(rdb_cat_find(&c, "t") == NULL);
	CHECK(rdb_cat_find_dropped(&c, "T") == &c.tables[0]);
	CHECK(ud_apply(&c, undrop, sizeof undrop - 1) == RDB_ECORRUPT);
	CHECK(ud_apply(&c, undrop, sizeof undrop) == RDB_OK);
	CHECK(rdb_cat_find(&c, "u2") == &c.tables[0]);
	CHECK(c.tables[0].dropped == 0 && c.tables[0].ncols == 1);
	/* a second undrop of a live table, trailing bytes: damage */
	CHECK(ud_apply(&c, undrop, sizeof undrop) == RDB_ECORRUPT);
	CHECK(ud_apply(&c, dropop, sizeof dropop) == RDB_OK);
	CHECK(c.tables[0].dropped == 2);
	/* a copy keeps the drop order */
	CHECK(rdb_cat_copy(&copy, &c) == RDB_OK);
	CHECK(copy.ndrops == 2 && copy.tables[0].dropped == 2);
	rdb_cat_release(&copy);
	{
		uint8_t longer[sizeof purge + 1];
		memcpy(longer, purge, sizeof purge);
		longer[sizeof purge] = 0;
		CHECK(ud_apply(&c, longer, sizeof longer) == RDB_ECORRUPT);
	}
	/* purged: no undrop, no second purge, no other operation */
	CHECK(ud_apply(&c, purge, sizeof purge) == RDB_OK);
	CHECK(c.tables[0].purged);
	CHECK(rdb_cat_find_dropped(&c, "u2") == NULL);
	CHECK(ud_apply(&c, undrop, sizeof undrop) == RDB_ECORRUPT);
	CHECK(ud_apply(&c, purge, sizeof purge) == RDB_ECORRUPT);
	rdb_cat_release(&c);

	/* undrop into a name a live table has [F-MAN-017] */
	{
		static const uint8_t again[] = { CAT_CREATE, 2, 1, 't', 1, 1, 1,
			'c', RDB_INTEGER, 0, 0, 0 };
		static const uint8_t back[] = { CAT_UNDROP, 1, 1, 'T' };
		ud_cat(&c, 1);
		CHECK(ud_apply(&c, again, sizeof again) == RDB_OK);
		CHECK(ud_apply(&c, back, sizeof back) == RDB_ECORRUPT);
		rdb_cat_release(&c);
	}
}

UNIT_TEST(retention_op)
{
	static const uint8_t set30[] = { CAT_RETENTION, 1, 1, 30 };
	static const uint8_t unset[] = { CAT_RETENTION, 1, 0, 0 };
	struct rdb_cat c;
	struct rdb_buf b;
	uint8_t op[16];

	memset(&b, 0, sizeof b);
	CHECK(rdb_cat_enc_retention(&b, 1, 30) == RDB_OK);
	CHECK(b.len == sizeof set30 && memcmp(b.p, set30, b.len) == 0);
	b.len = 0;
	CHECK(rdb_cat_enc_retention(&b, 1, -1) == RDB_OK);
	CHECK(b.len == sizeof unset && memcmp(b.p, unset, b.len) == 0);
	rdb_buf_release(&b);

	ud_cat(&c, 0);
	CHECK(c.tables[0].retention == -1);
	CHECK(ud_apply(&c, set30, sizeof set30) == RDB_OK);
	CHECK(c.tables[0].retention == 30);
	CHECK(ud_apply(&c, unset, sizeof unset) == RDB_OK);
	CHECK(c.tables[0].retention == -1);
	/* set 0 with seconds, set 2, 2^53 seconds, truncated [F-MAN-063] */
	memcpy(op, unset, sizeof unset);
	op[3] = 5;
	CHECK(ud_apply(&c, op, 4) == RDB_ECORRUPT);
	op[2] = 2;
	op[3] = 0;
	CHECK(ud_apply(&c, op, 4) == RDB_ECORRUPT);
	memcpy(op, "\x0c\x01\x01\x80\x80\x80\x80\x80\x80\x80\x10", 11);
	CHECK(ud_apply(&c, op, 11) == RDB_ECORRUPT);
	CHECK(ud_apply(&c, set30, 3) == RDB_ECORRUPT);
	CHECK(c.tables[0].retention == -1);
	rdb_cat_release(&c);
	/* not on a dropped table */
	ud_cat(&c, 1);
	CHECK(ud_apply(&c, set30, sizeof set30) == RDB_ECORRUPT);
	rdb_cat_release(&c);
}
