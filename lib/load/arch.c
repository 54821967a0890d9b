/*
 * arch.c - libarchive through dlopen (see arch.h for why).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "load/arch.h"

#ifndef RDB_ARCHIVE_SONAME
#define RDB_ARCHIVE_SONAME "libarchive.so.13"
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct rdb_arch api;
static int loaded;
static char why[256];

/* One symbol into *slot; 0 when missing. */
static int sym(void *h, const char *name, void *slot)
{
	void *p = dlsym(h, name);

	if (p == NULL) {
		snprintf(why, sizeof why, "%s has no %s", RDB_ARCHIVE_SONAME,
		    name);
		return 0;
	}
	/* POSIX: a function pointer converts from dlsym's void * */
	memcpy(slot, &p, sizeof p);
	return 1;
}

static void load(void)
{
	void *h = dlopen(RDB_ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		const char *d = dlerror();
		snprintf(why, sizeof why, "%s", d != NULL ? d :
		    RDB_ARCHIVE_SONAME ": cannot load");
		return;
	}
	if (sym(h, "archive_read_new", &api.read_new) &&
	    sym(h, "archive_read_support_filter_all", &api.support_filter_all) &&
	    sym(h, "archive_read_support_format_raw", &api.support_format_raw) &&
	    sym(h, "archive_read_support_format_empty",
	    &api.support_format_empty) &&
	    sym(h, "archive_read_open_fd", &api.open_fd) &&
	    sym(h, "archive_read_open_filename", &api.open_filename) &&
	    sym(h, "archive_read_next_header", &api.next_header) &&
	    sym(h, "archive_read_data", &api.read_data) &&
	    sym(h, "archive_error_string", &api.error_string) &&
	    sym(h, "archive_read_free", &api.read_free) &&
	    sym(h, "archive_filter_code", &api.filter_code) &&
	    sym(h, "archive_filter_bytes", &api.filter_bytes))
		loaded = 1;
	else
		dlclose(h);
}

const struct rdb_arch *rdb_arch(struct rdb_err *e)
{
	pthread_once(&once, load);
	if (!loaded) {
		rdb_err_set(e, RDB_EIO, "cannot load libarchive: %s", why);
		return NULL;
	}
	return &api;
}
