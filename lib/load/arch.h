/*
 * arch.h - libarchive, loaded when a program first reads an input
 * through it.
 *
 * Linking libarchive pulls in libxml2, ICU and libstdc++: about 2 ms of
 * dynamic loading at every start of every program (measured: an empty
 * program linked with our libraries starts in 1.8 ms without it, 3.6 ms
 * with it), which is most of `rdb-query DIR 'SELECT 1'`. So librdb
 * opens it with dlopen by the soname the build found, only when rdb-load
 * or read_csv() opens an input.
 */
#ifndef RDB_LOAD_ARCH_H
#define RDB_LOAD_ARCH_H

#include <archive.h>
#include <archive_entry.h>

#include "util/util.h"

struct rdb_arch {
	struct archive *(*read_new)(void);
	int (*support_filter_all)(struct archive *);
	int (*support_format_raw)(struct archive *);
	int (*support_format_empty)(struct archive *);
	int (*open_fd)(struct archive *, int, size_t);
	int (*open_filename)(struct archive *, const char *, size_t);
	int (*next_header)(struct archive *, struct archive_entry **);
	la_ssize_t (*read_data)(struct archive *, void *, size_t);
	const char *(*error_string)(struct archive *);
	int (*read_free)(struct archive *);
	int (*filter_code)(struct archive *, int);
	la_int64_t (*filter_bytes)(struct archive *, int);
};

/* The library's functions, loaded on the first call (thread-safe);
 * NULL with e set when it cannot be loaded. */
const struct rdb_arch *rdb_arch(struct rdb_err *e);

#endif
