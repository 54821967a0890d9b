/*
 * test_lock.c - the lock protocol within one process: OFD locks of two
 * opens conflict just as two processes do (format/lock.md).
 */
#include <stdlib.h>
#include <unistd.h>

#include "db/db_int.h"
#include "fs/dir.h"
#include "unit.h"

static struct rdb_db *mkdb(const char *name)
{
	struct rdb_open_options oo = { 0, 0, "unit" };
	struct rdb_db *db = NULL;
	char *path = rdb_path_join(unit_tmpdir(), name);

	CHECK(rdb_create(path, NULL, &oo, &db) == RDB_OK);
	free(path);
	return db;
}

static struct rdb_db *reopen(struct rdb_db *db, const char *program)
{
	struct rdb_open_options oo = { 0, 0, program };
	struct rdb_db *d2 = NULL;

	CHECK(rdb_open(rdb_path(db), &oo, &d2) == RDB_OK);
	return d2;
}

UNIT_TEST(lock_one_writer)
{
	struct rdb_db *a = mkdb("w.rdb"), *b = reopen(a, "second");

	CHECK(rdb_lock_writer(&a->lock, 0, &a->err) == RDB_OK);
	CHECK(rdb_lock_writer(&a->lock, 0, &a->err) == RDB_EMISUSE);
	CHECK(rdb_lock_writer(&b->lock, 0, &b->err) == RDB_EBUSY);
	CHECK(strstr(b->err.msg, "is locked by writer unit (pid ") != NULL);
	rdb_unlock_writer(&a->lock);
	CHECK(rdb_lock_writer(&b->lock, 0, &b->err) == RDB_OK);
	rdb_close(b);	/* closing releases */
	CHECK(rdb_lock_writer(&a->lock, 0, &a->err) == RDB_OK);
	rdb_close(a);
}

UNIT_TEST(lock_wait_is_bounded)
{
	struct rdb_db *a = mkdb("t.rdb"), *b = reopen(a, "second");
	int64_t t0;

	CHECK(rdb_lock_writer(&a->lock, 0, &a->err) == RDB_OK);
	t0 = rdb_mono_ms();
	CHECK(rdb_lock_writer(&b->lock, 120, &b->err) == RDB_EBUSY);
	CHECK(rdb_mono_ms() - t0 >= 120);
	CHECK(rdb_mono_ms() - t0 < 2000);
	CHECK(strstr(b->err.msg, "gave up after 120 ms") != NULL);
	rdb_close(a);
	rdb_close(b);
}

UNIT_TEST(lock_holders_listed)
{
	struct rdb_db *a = mkdb("h.rdb"), *b = reopen(a, "rdb-load");
	struct rdb_db *c = reopen(a, "rdb-query");
	struct rdb_lock_holder h[8];
	size_t n;

	CHECK(rdb_lock_holders(a, h, 8, &n) == RDB_OK);
	CHECK(n == 0);
	CHECK(rdb_lock_writer(&b->lock, 0, &b->err) == RDB_OK);
	CHECK(rdb_lock_pin(&c->lock, 17, &c->err) == RDB_OK);
	CHECK(rdb_lock_holders(a, h, 8, &n) == RDB_OK);
	CHECK(n == 2);
	CHECK(h[0].kind == RDB_LOCK_WRITER);
	CHECK_STR(h[0].program, "rdb-load");
	CHECK(h[0].pid == (uint32_t)getpid());
	CHECK(h[1].kind == RDB_LOCK_READER);
	CHECK(h[1].snapshot == 17);
	CHECK_STR(h[1].program, "rdb-query");
	/* a holder does not list itself */
	CHECK(rdb_lock_holders(b, h, 8, &n) == RDB_OK);
	CHECK(n == 1 && h[0].kind == RDB_LOCK_READER);
	/* repinning moves the snapshot */
	CHECK(rdb_lock_pin(&c->lock, 20, &c->err) == RDB_OK);
	CHECK(rdb_lock_holders(a, h, 8, &n) == RDB_OK);
	CHECK(n == 2 && h[1].snapshot == 20);
	/* max smaller than the count still counts them all */
	CHECK(rdb_lock_holders(a, h, 1, &n) == RDB_OK);
	CHECK(n == 2);
	rdb_close(a);
	rdb_close(b);
	rdb_close(c);
}

/* [F-LCK-004] every slot taken: the next reader fails at once. */
UNIT_TEST(lock_reader_slots_run_out)
{
	struct rdb_db *a = mkdb("r.rdb"), *r[RDB_LOCK_READERS + 1];
	int i, ok = 0;
	int64_t t0;

	for (i = 0; i <= RDB_LOCK_READERS; i++)
		r[i] = reopen(a, "reader");
	for (i = 0; i < RDB_LOCK_READERS; i++)
		ok += rdb_lock_pin(&r[i]->lock, (uint64_t)i, &r[i]->err) == RDB_OK;
	CHECK(ok == RDB_LOCK_READERS);
	t0 = rdb_mono_ms();
	CHECK(rdb_lock_pin(&r[RDB_LOCK_READERS]->lock, 1,
	    &r[RDB_LOCK_READERS]->err) == RDB_EBUSY);
	CHECK(rdb_mono_ms() - t0 < 1000);
	CHECK(strstr(r[RDB_LOCK_READERS]->err.msg, "too many readers (125)") != NULL);
	rdb_lock_unpin(&r[3]->lock);
	CHECK(rdb_lock_pin(&r[RDB_LOCK_READERS]->lock, 1,
	    &r[RDB_LOCK_READERS]->err) == RDB_OK);
	/* the writer is unaffected by a full house of readers */
	CHECK(rdb_lock_writer(&a->lock, 0, &a->err) == RDB_OK);
	for (i = 0; i <= RDB_LOCK_READERS; i++)
		rdb_close(r[i]);
	rdb_close(a);
}

UNIT_TEST(lock_wait_readers)
{
	struct rdb_db *a = mkdb("v.rdb"), *r = reopen(a, "old-reader");

	CHECK(rdb_lock_checkpoint(&a->lock, 0, &a->err) == RDB_OK);
	CHECK(rdb_lock_wait_readers(&a->lock, UINT64_MAX, 0, &a->err) == RDB_OK);
	CHECK(rdb_lock_pin(&r->lock, 10, &r->err) == RDB_OK);
	CHECK(rdb_lock_wait_readers(&a->lock, 10, 0, &a->err) == RDB_OK);
	CHECK(rdb_lock_wait_readers(&a->lock, 11, 50, &a->err) == RDB_EBUSY);
	CHECK(strstr(a->err.msg, "locked by reader old-reader") != NULL);
	rdb_lock_unpin(&r->lock);
	CHECK(rdb_lock_wait_readers(&a->lock, 11, 0, &a->err) == RDB_OK);
	rdb_close(r);
	rdb_close(a);
}

UNIT_TEST(lock_program_name_is_truncated_safely)
{
	struct rdb_db *a = mkdb("n.rdb");
	struct rdb_db *b = reopen(a,
	    "a-program-name-much-longer-than-thirty-two-bytes");
	struct rdb_lock_holder h[2];
	size_t n;

	CHECK(rdb_lock_writer(&b->lock, 0, &b->err) == RDB_OK);
	CHECK(rdb_lock_holders(a, h, 2, &n) == RDB_OK);
	CHECK(n == 1);
	CHECK_STR(h[0].program, "a-program-name-much-longer-than-");
	rdb_close(a);
	rdb_close(b);
}

/* [F-DIR-007] */
UNIT_TEST(network_filesystems_recognised)
{
	const char *name = NULL;

	CHECK(rdb_fs_is_network(0x6969, &name) && strcmp(name, "NFS") == 0);
	CHECK(rdb_fs_is_network(0xff534d42, &name) && strcmp(name, "CIFS") == 0);
	CHECK(rdb_fs_is_network(0xfe534d42, &name));
	CHECK(rdb_fs_is_network(0x01021997, &name) && strcmp(name, "9P") == 0);
	CHECK(!rdb_fs_is_network(0xef53, &name));	/* ext4 */
	CHECK(!rdb_fs_is_network(0x01021994, &name));	/* tmpfs */
	CHECK(!rdb_fs_is_network(0x58465342, &name));	/* xfs */
	CHECK(!rdb_fs_is_network(0x794c7630, &name));	/* overlayfs */
}

UNIT_TEST(open_handle_carries_errors)
{
	struct rdb_db *db = NULL;
	char *path = rdb_path_join(unit_tmpdir(), "absent");

	CHECK(rdb_open(path, NULL, &db) == RDB_ENOENT);
	CHECK(db != NULL);
	CHECK(strstr(rdb_errmsg(db), "No such file or directory") != NULL);
	CHECK(rdb_errcode(db) == RDB_ENOENT);
	/* calls on a handle that failed to open are misuse, not crashes */
	{
		struct rdb_info info;
		CHECK(rdb_info(db, &info) == RDB_EMISUSE);
	}
	rdb_close(db);
	rdb_close(NULL);
	free(path);
	CHECK_STR(rdb_strerror(RDB_ECORRUPT), "damaged file");
	CHECK_STR(rdb_strerror(12345), "unknown error");
}

UNIT_TEST(create_validates_settings)
{
	struct rdb_settings s;
	struct rdb_db *db = NULL;
	char *path = rdb_path_join(unit_tmpdir(), "bad.rdb");

	rdb_settings_init(&s);
	s.page_size = 1000;
	CHECK(rdb_create(path, &s, NULL, &db) == RDB_EINVAL);
	rdb_close(db);
	CHECK(access(path, F_OK) != 0);
	free(path);
}
