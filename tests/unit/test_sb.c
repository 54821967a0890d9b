/*
 * test_sb.c - the superblock: round trip and every rejection of
 * format/superblock.md.
 */
#include <stdlib.h>

#include "fs/sb.h"
#include "unit.h"

static void sample(struct rdb_sb *sb)
{
	int i;

	memset(sb, 0, sizeof *sb);
	sb->size = RDB_SB_SIZE;
	rdb_settings_init(&sb->settings);
	for (i = 0; i < 16; i++)
		sb->uuid[i] = (uint8_t)(i * 17);
	sb->created_us = 1795000000000000LL;
}

UNIT_TEST(sb_round_trip)
{
	uint8_t buf[RDB_SB_SIZE];
	struct rdb_sb a, b;
	struct rdb_err e;

	sample(&a);
	a.settings.codec = RDB_CODEC_LZ4;
	a.settings.codec_level = 0;
	a.settings.retention = 0;
	rdb_sb_encode(&a, buf);
	CHECK(rdb_sb_decode(buf, sizeof buf, "RDB", &b, &e) == RDB_OK);
	CHECK(memcmp(a.uuid, b.uuid, 16) == 0);
	CHECK(b.created_us == a.created_us);
	CHECK(b.settings.codec == RDB_CODEC_LZ4);
	CHECK(b.settings.retention == 0);
	CHECK(b.settings.page_size == 4096);
	CHECK(b.settings.row_group_rows == 122880);
	CHECK(b.size == RDB_SB_SIZE);
}

/* [F-SB-003] [F-SB-004]: a flip of any bit of any byte is damage. */
UNIT_TEST(sb_every_bit_flip_is_damage)
{
	uint8_t buf[RDB_SB_SIZE];
	struct rdb_sb a, b;
	struct rdb_err e;
	int i, bit, bad = 0;

	sample(&a);
	for (i = 0; i < RDB_SB_SIZE; i++) {
		for (bit = 0; bit < 8; bit++) {
			rdb_sb_encode(&a, buf);
			buf[i] ^= (uint8_t)(1 << bit);
			if (rdb_sb_decode(buf, sizeof buf, "RDB", &b, &e) !=
			    RDB_ECORRUPT)
				bad++;
			else if (strstr(e.msg, "damaged superblock 'RDB' at offset") == NULL)
				bad++;
		}
	}
	CHECK(bad == 0);
}

UNIT_TEST(sb_truncated)
{
	uint8_t buf[RDB_SB_SIZE];
	struct rdb_sb a, b;
	struct rdb_err e;
	size_t n;

	sample(&a);
	rdb_sb_encode(&a, buf);
	for (n = 0; n < RDB_SB_SIZE; n++)
		CHECK(rdb_sb_decode(buf, n, "RDB", &b, &e) == RDB_ECORRUPT);
	/* [F-SB-007] trailing bytes are ignored */
	{
		uint8_t big[RDB_SB_SIZE + 10];
		memcpy(big, buf, sizeof buf);
		memset(big + RDB_SB_SIZE, 0xab, 10);
		CHECK(rdb_sb_decode(big, sizeof big, "RDB", &b, &e) == RDB_OK);
	}
}

static int decode_with_versions(uint32_t r, uint32_t w, struct rdb_sb *b,
    struct rdb_err *e)
{
	uint8_t buf[RDB_SB_SIZE];
	struct rdb_sb a;

	sample(&a);
	a.read_version = r;
	a.write_version = w;
	rdb_sb_encode(&a, buf);
	return rdb_sb_decode(buf, sizeof buf, "RDB", b, e);
}

UNIT_TEST(sb_versions)
{
	struct rdb_sb b;
	struct rdb_err e;

	CHECK(decode_with_versions(0, 0, &b, &e) == RDB_OK);
	/* [F-SB-010] */
	CHECK(decode_with_versions(1, 1, &b, &e) == RDB_EVERSION);
	CHECK(strstr(e.msg, "needs format version 1") != NULL);
	/* [F-SB-011] decodes; the caller opens read-only */
	CHECK(decode_with_versions(0, 1, &b, &e) == RDB_OK);
	CHECK(b.write_version == 1);
	/* [F-SB-005] */
	CHECK(decode_with_versions(1, 0, &b, &e) == RDB_ECORRUPT);
}

/* [F-SB-006] values out of range with a valid checksum. */
UNIT_TEST(sb_settings_out_of_range)
{
	uint8_t buf[RDB_SB_SIZE];
	struct rdb_sb a, b;
	struct rdb_err e;

	sample(&a);
	a.settings.page_size = 5000;
	rdb_sb_encode(&a, buf);
	CHECK(rdb_sb_decode(buf, sizeof buf, "RDB", &b, &e) == RDB_ECORRUPT);
	CHECK(strstr(e.msg, "at offset 48") != NULL);

	sample(&a);
	a.settings.codec = (enum rdb_codec)7;
	rdb_sb_encode(&a, buf);
	CHECK(rdb_sb_decode(buf, sizeof buf, "RDB", &b, &e) == RDB_ECORRUPT);

	sample(&a);
	rdb_sb_encode(&a, buf);
	buf[100] = 1;	/* reserved */
	rdb_store64(buf + 248, rdb_hash64(buf, 248));
	CHECK(rdb_sb_decode(buf, sizeof buf, "RDB", &b, &e) == RDB_ECORRUPT);
	CHECK(strstr(e.msg, "reserved") != NULL);

	/* a newer write version may use the reserved bytes */
	sample(&a);
	a.write_version = 1;
	rdb_sb_encode(&a, buf);
	buf[100] = 1;
	rdb_store64(buf + 248, rdb_hash64(buf, 248));
	CHECK(rdb_sb_decode(buf, sizeof buf, "RDB", &b, &e) == RDB_OK);
}

UNIT_TEST(settings_check_ranges)
{
	struct rdb_settings s;
	struct rdb_err e;

	rdb_settings_init(&s);
	CHECK(rdb_settings_check(&s, &e) == RDB_OK);
	s.codec_level = 23;
	CHECK(rdb_settings_check(&s, &e) == RDB_EINVAL);
	rdb_settings_init(&s);
	s.codec = RDB_CODEC_LZ4;
	s.codec_level = 1;
	CHECK(rdb_settings_check(&s, &e) == RDB_EINVAL);
	rdb_settings_init(&s);
	s.row_group_rows = 100;
	CHECK(rdb_settings_check(&s, &e) == RDB_EINVAL);
	rdb_settings_init(&s);
	s.page_size = 131072;
	CHECK(rdb_settings_check(&s, &e) == RDB_EINVAL);
}
