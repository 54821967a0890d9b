/*
 * fuzz-util.h - what the libFuzzer targets share: a private scratch
 * directory to write inputs into (the file decoders read files, not
 * buffers), a sanity check of error records, and a main() for builds
 * without libFuzzer.
 *
 * Included by exactly one target per program, so everything here is
 * static. The scratch directory is made on first use under $TMPDIR,
 * else /dev/shm (memory: no disk traffic per execution), else /tmp,
 * and removed at a normal exit; a crash leaves it behind, which is
 * harmless and shows what the input was written as.
 *
 * -DFUZZ_MAIN adds a main() that runs every file named on the command
 * line (or every file in a named directory) through the target once:
 * the corpus as a regression test with any compiler and sanitizer.
 */
#ifndef RDB_FUZZ_UTIL_H
#define RDB_FUZZ_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_UNUSED __attribute__((unused))

/* The database uuid of the WAL seeds and of the WAL target. */
static const uint8_t fuzz_uuid[16] FUZZ_UNUSED = {
	0x72, 0x64, 0x62, 0x2d, 0x66, 0x75, 0x7a, 0x7a,
	0x2d, 0x75, 0x75, 0x69, 0x64, 0x2d, 0x31, 0x36
};

static char fuzz_root[4096];

static FUZZ_UNUSED int fuzz_rm_one(const char *p, const struct stat *st, int flag,
    struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p) != 0 && errno != ENOENT ? -1 : 0;
}

static FUZZ_UNUSED void fuzz_rmtree(const char *path)
{
	nftw(path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static FUZZ_UNUSED void fuzz_cleanup(void)
{
	if (fuzz_root[0] != '\0')
		fuzz_rmtree(fuzz_root);
}

/* The scratch directory; aborts when none can be made, since every
 * later result would be meaningless. */
static FUZZ_UNUSED const char *fuzz_dir(void)
{
	const char *base = getenv("TMPDIR");
	struct stat st;

	if (fuzz_root[0] != '\0')
		return fuzz_root;
	if (base == NULL || *base == '\0')
		base = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0
		    ? "/dev/shm" : "/tmp";
	snprintf(fuzz_root, sizeof fuzz_root, "%s/rdb-fuzz-XXXXXX", base);
	if (mkdtemp(fuzz_root) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_cleanup);
	return fuzz_root;
}

/* fuzz_dir()/rel, in a static buffer. */
static FUZZ_UNUSED const char *fuzz_path(const char *rel)
{
	static char p[4096 + 256];

	snprintf(p, sizeof p, "%s/%s", fuzz_dir(), rel);
	return p;
}

static FUZZ_UNUSED void fuzz_mkdir(const char *rel)
{
	if (mkdir(fuzz_path(rel), 0700) != 0 && errno != EEXIST) {
		perror("fuzz: mkdir");
		abort();
	}
}

static FUZZ_UNUSED void fuzz_unlink(const char *rel)
{
	unlink(fuzz_path(rel));
}

/* Replace the file rel with p[0..n). */
static FUZZ_UNUSED void fuzz_write(const char *rel, const void *p, size_t n)
{
	const char *path = fuzz_path(rel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (n > 0 && rdb_pwrite_full(fd, p, n, 0) != 0) ||
	    close(fd) != 0) {
		perror("fuzz: write");
		abort();
	}
}

/*
 * A decoder may fail only with the codes a damaged file explains
 * (RDB_ECORRUPT, or RDB_ENOMEM), and with a message that is terminated
 * and reads as one message. Every damage message starts "damaged "; a
 * detail text formatted into the record that holds it (snprintf with
 * overlapping source and destination) comes out with that start twice
 * and the detail lost.
 *
 * RDB_FUZZ_LAX=1 in the environment lets known, reported problems pass
 * so fuzzing can look past them: a garbled message, RDB_EIO (a manifest
 * naming a directory as a file gets "Is a directory"), and what the
 * targets say they skip.
 */
static FUZZ_UNUSED int fuzz_lax(void)
{
	static int lax = -1;

	if (lax < 0)
		lax = getenv("RDB_FUZZ_LAX") != NULL;
	return lax;
}

static FUZZ_UNUSED void fuzz_check_err(int rc, const struct rdb_err *e)
{
	int lax = fuzz_lax();
	const char *first;

	if (rc == RDB_OK)
		return;
	if (rc != RDB_ECORRUPT && rc != RDB_ENOMEM && !(lax && rc == RDB_EIO)) {
		fprintf(stderr, "fuzz: unexpected code %d: %s\n", rc, e->msg);
		abort();
	}
	if (memchr(e->msg, '\0', sizeof e->msg) == NULL) {
		fprintf(stderr, "fuzz: unterminated error message\n");
		abort();
	}
	if (lax)
		return;
	/* a message formatted over itself repeats its own start; nested
	 * details ("damaged segment ...: damaged value stream ...") and
	 * names that happen to read "damaged" do not */
	first = e->msg;
	if (strlen(first) >= 24) {
		char start[25];
		memcpy(start, first, 24);
		start[24] = '\0';
		if (strstr(first + 1, start) != NULL) {
			fprintf(stderr, "fuzz: garbled error message: %s\n", e->msg);
			abort();
		}
	}
}

#ifdef RDB_TXN_CAT_H
/* Same tables, columns, names and defaults? (With txn/cat.h included
 * first.) */
static FUZZ_UNUSED int fuzz_cat_equal(const struct rdb_cat *a,
    const struct rdb_cat *b)
{
	size_t i, j;

	if (a->ntables != b->ntables || a->next_table_id != b->next_table_id)
		return 0;
	for (i = 0; i < a->ntables; i++) {
		const struct rdb_tbl *x = &a->tables[i], *y = &b->tables[i];
		if (x->id != y->id || strcmp(x->name, y->name) != 0 ||
		    x->dropped != y->dropped || x->ncols != y->ncols ||
		    x->next_col != y->next_col)
			return 0;
		for (j = 0; j < x->ncols; j++)
			if (x->cols[j].id != y->cols[j].id ||
			    strcmp(x->cols[j].name, y->cols[j].name) != 0 ||
			    x->cols[j].type != y->cols[j].type ||
			    x->cols[j].precision != y->cols[j].precision ||
			    x->cols[j].scale != y->cols[j].scale ||
			    x->cols[j].flags != y->cols[j].flags ||
			    (x->cols[j].dflt == NULL) != (y->cols[j].dflt == NULL) ||
			    (x->cols[j].dflt != NULL &&
			    strcmp(x->cols[j].dflt, y->cols[j].dflt) != 0))
				return 0;
	}
	return 1;
}
#endif

/* RDB_FUZZ_VERBOSE=1: say what each input came to, for triage. */
static FUZZ_UNUSED int fuzz_verbose(void)
{
	static int v = -1;

	if (v < 0)
		v = getenv("RDB_FUZZ_VERBOSE") != NULL;
	return v;
}

#ifdef FUZZ_MAIN
static int fuzz_run_file(const char *path)
{
	uint8_t *buf = NULL, *nb;
	size_t len = 0, cap = 0, got;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				fclose(f);
				free(buf);
				return 1;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		if (got == 0)
			break;
		len += got;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0, n = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			struct dirent *de;
			DIR *d = opendir(argv[i]);
			while (d != NULL && (de = readdir(d)) != NULL) {
				char p[4096];
				if (de->d_name[0] == '.')
					continue;
				snprintf(p, sizeof p, "%s/%s", argv[i], de->d_name);
				rc |= fuzz_run_file(p);
				n++;
			}
			if (d != NULL)
				closedir(d);
		} else {
			rc |= fuzz_run_file(argv[i]);
			n++;
		}
	}
	fprintf(stderr, "%s: ran %d inputs\n", argv[0], n);
	return rc;
}
#endif

#endif
