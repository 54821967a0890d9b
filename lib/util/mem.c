/*
 * mem.c - the big arrays of the query operators (hash tables, group
 * states, row stores).
 *
 * Fresh memory costs a page fault per 4 KB page the first time it is
 * touched; a hash table of 64 MB touched at random costs 16,384 of
 * them, and a probe that reads a slot before writing it costs two (the
 * shared zero page, then a copy on write). Arrays of RDB_BIG_MMAP bytes
 * and more are mapped directly, so they start zeroed without a memset
 * and are returned to the system when freed; those of RDB_BIG_HUGE and
 * more are aligned to 2 MB and marked MADV_HUGEPAGE, so that the kernel
 * backs them with transparent huge pages when it has some: one fault
 * per 2 MB and fewer TLB misses. Growing a mapped array moves its pages
 * (mremap) instead of copying them. Smaller arrays come from malloc.
 *
 * Under AddressSanitizer everything comes from malloc, so that the
 * sanitizer still sees every out-of-bounds access.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define BIG_MALLOC_ONLY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIG_MALLOC_ONLY 1
#endif
#endif

#define HUGE_ALIGN ((size_t)2 << 20)

/* Is an array of n bytes mapped (rather than malloc'd)? */
static int is_mapped(size_t n)
{
#ifdef BIG_MALLOC_ONLY
	(void)n;
	return 0;
#else
	return n >= RDB_BIG_MMAP;
#endif
}

/* Bytes of the mapping of an array of n bytes. */
static size_t map_len(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	if (n >= RDB_BIG_HUGE)
		pg = HUGE_ALIGN;
	return (n + pg - 1) & ~(pg - 1);
}

/* A zeroed mapping of len bytes (map_len), 2 MB aligned when huge. */
static void *map_new(size_t len)
{
	size_t extra = len >= RDB_BIG_HUGE ? HUGE_ALIGN : 0;
	uint8_t *p, *q;

	p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (extra == 0)
		return p;
	/* keep the 2 MB aligned part; give back the slack either side */
	q = (uint8_t *)(((uintptr_t)p + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1));
	if (q > p)
		munmap(p, (size_t)(q - p));
	if (q + len < p + len + extra)
		munmap(q + len, (size_t)(p + len + extra - (q + len)));
	/* a kernel without transparent huge pages says EINVAL: then the
	 * array simply has small pages */
	(void)madvise(q, len, MADV_HUGEPAGE);
	return q;
}

void *rdb_big_alloc(size_t n)
{
	if (!is_mapped(n))
		return calloc(n ? n : 1, 1);
	return map_new(map_len(n));
}

void *rdb_big_grow(void *p, size_t old, size_t n)
{
	size_t ol, nl;
	uint8_t *q;

	if (p == NULL)
		return rdb_big_alloc(n);
	if (n <= old)
		return p;
	if (!is_mapped(n)) {
		if ((q = realloc(p, n)) == NULL)
			return NULL;
		memset(q + old, 0, n - old);
		return q;
	}
	nl = map_len(n);
	if (!is_mapped(old)) {
		if ((q = map_new(nl)) == NULL)
			return NULL;
		memcpy(q, p, old);
		free(p);
		return q;
	}
	ol = map_len(old);
	if (nl == ol)
		return p;       /* the mapping's tail is zero and ours */
	/* the pages move to a new aligned mapping, not their bytes; a
	 * mapping past old is zero: so is the tail of the moved one */
	if ((q = map_new(nl)) == NULL)
		return NULL;
	if (mremap(p, ol, ol, MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED) {
		memcpy(q, p, old);
		munmap(p, ol);
	} else if (nl >= RDB_BIG_HUGE) {
		(void)madvise(q, nl, MADV_HUGEPAGE);    /* the moved part too */
	}
	return q;
}

void rdb_big_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	if (is_mapped(n))
		munmap(p, map_len(n));
	else
		free(p);
}
