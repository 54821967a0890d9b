/*
 * mem.c - the big arrays of the query operators (hash tables, group
 * states, row stores).
 *
 * Fresh memory costs a page fault per 4 KB page the first time it is
 * touched; a hash table of 64 MB touched at random costs 16,384 of
 * them, and a probe that reads a slot before writing it costs two (the
 * shared zero page, then a copy on write). Arrays of RDB_BIG_MMAP bytes
 * and more are mapped directly, so they start zeroed without a memset
 * and go back to the system when freed (malloc would keep some of them
 * on its heaps and memset them again); those of RDB_BIG_HUGE bytes and
 * more are mapped at 2 MB boundaries and marked MADV_HUGEPAGE, so that
 * the kernel backs them with transparent huge pages when it has some:
 * one fault per 2 MB, and fewer TLB misses. Growing a mapped array
 * moves its pages (mremap) instead of copying its bytes. Smaller arrays
 * come from malloc.
 *
 * Each array starts with a header of BIG_HEAD bytes giving its size and
 * where it lives, so the caller frees and grows it by its pointer only.
 * Under AddressSanitizer every array comes from malloc, so that the
 * sanitizer still sees out-of-bounds accesses.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define BIG_MALLOC_ONLY 1
#endif

#define HUGE_ALIGN ((size_t)2 << 20)
/* The header: keeps the array 64-byte aligned (a cache line). */
#define BIG_HEAD ((size_t)64)

struct big_head {
	size_t len;                     /* bytes the array may use */
	size_t maplen;                  /* bytes mapped (header included),
	                                   0 when from malloc */
};

static struct big_head *head_of(void *p)
{
	return (struct big_head *)((uint8_t *)p - BIG_HEAD);
}

/* Bytes to map for an array of n bytes. */
static size_t map_len(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), len = n + BIG_HEAD;

	if (n >= RDB_BIG_HUGE)
		pg = HUGE_ALIGN;
	return (len + pg - 1) & ~(pg - 1);
}

/*
 * Fault the pages of p[0..len) in writable now, in one call: an array
 * read before it is written (a hash table probed as it fills) would
 * otherwise map the shared zero page first, then copy it on the first
 * write, and in a process with threads each such copy interrupts the
 * other CPUs to flush their TLBs. Kernels before 5.14 lack this: then
 * the pages come as they are touched.
 */
static void populate(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	if (len > 0)
		(void)madvise(p, len, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)len;
#endif
}

/* A zeroed mapping of len bytes, 2 MB aligned when that big. */
static uint8_t *map_new(size_t len)
{
	size_t extra = len >= RDB_BIG_HUGE ? HUGE_ALIGN : 0;
	uint8_t *p, *q;

	p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (extra == 0)
		return p;
	/* keep the aligned part; give back the slack either side */
	q = (uint8_t *)(((uintptr_t)p + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1));
	if (q > p)
		munmap(p, (size_t)(q - p));
	if (q + len < p + len + extra)
		munmap(q + len, (size_t)(p + len + extra - (q + len)));
	/* without transparent huge pages this fails (EINVAL): then the
	 * array simply has small pages */
	(void)madvise(q, len, MADV_HUGEPAGE);
	return q;
}

/* Is an array of n bytes mapped? */
static int mapped(size_t n)
{
#ifdef BIG_MALLOC_ONLY
	(void)n;
	return 0;
#else
	return n >= RDB_BIG_MMAP;
#endif
}

void *rdb_big_alloc(size_t n)
{
	struct big_head *h;
	size_t ml = 0;

	if (n > SIZE_MAX / 2)
		return NULL;
	if (mapped(n)) {
		ml = map_len(n);
		h = (struct big_head *)map_new(ml);
	} else {
		h = calloc(1, BIG_HEAD + n);
	}
	if (h == NULL)
		return NULL;
	h->len = n;
	h->maplen = ml;
	return (uint8_t *)h + BIG_HEAD;
}

void rdb_big_prefault(void *p)
{
	struct big_head *h;

	if (p == NULL)
		return;
	h = head_of(p);
	if (h->maplen > 0)
		populate(h, h->maplen);
}

void *rdb_big_grow(void *p, size_t n)
{
	struct big_head *h, *nh;
	size_t old, ml;

	if (p == NULL)
		return rdb_big_alloc(n);
	h = head_of(p);
	old = h->len;
	if (n <= old)
		return p;
	if (n > SIZE_MAX / 2)
		return NULL;
	if (!mapped(n)) {
		if ((nh = realloc(h, BIG_HEAD + n)) == NULL)
			return NULL;
		memset((uint8_t *)nh + BIG_HEAD + old, 0, n - old);
		nh->len = n;
		return (uint8_t *)nh + BIG_HEAD;
	}
	ml = map_len(n);
	if (h->maplen >= ml) {          /* the mapping's tail is ours, zero */
		h->len = n;
		return p;
	}
	/* room to grow 8 times in place: untouched pages cost nothing,
	 * and each move of the pages (mremap) interrupts the other CPUs
	 * to flush their TLBs */
	if (n <= SIZE_MAX / 16 &&
	    (nh = (struct big_head *)map_new(map_len(8 * n))) != NULL)
		ml = map_len(8 * n);
	else if ((nh = (struct big_head *)map_new(ml)) == NULL)
		return NULL;
	if (h->maplen == 0) {
		memcpy(nh, h, BIG_HEAD + old);
		free(h);
	} else if (mremap(h, h->maplen, h->maplen, MREMAP_MAYMOVE |
	    MREMAP_FIXED, nh) != MAP_FAILED) {
		/* the pages moved; the rest of the new mapping is zero. The
		 * moved part has the old one's advice: give it ours */
		if (ml >= RDB_BIG_HUGE)
			(void)madvise(nh, ml, MADV_HUGEPAGE);
	} else {
		memcpy(nh, h, BIG_HEAD + old);
		munmap(h, h->maplen);
	}
	nh->len = n;
	nh->maplen = ml;
	return (uint8_t *)nh + BIG_HEAD;
}

size_t rdb_big_size(const void *p)
{
	return p == NULL ? 0 :
	    ((const struct big_head *)((const uint8_t *)p - BIG_HEAD))->len;
}

void rdb_big_free(void *p)
{
	struct big_head *h;

	if (p == NULL)
		return;
	h = head_of(p);
	if (h->maplen)
		munmap(h, h->maplen);
	else
		free(h);
}
