/*
 * agg.c - hash aggregation.
 *
 * Hash aggregate: group keys live in a row store, an open-addressing
 * table maps a key's hash to its group id, and each aggregate keeps one
 * state per group. A chunk is processed in two steps: find (or add) the
 * group of every row, then update each aggregate over the whole chunk.
 *
 * Past the memory limit the aggregate spills to temporary files by
 * hash partitioning, as PostgreSQL's and DuckDB's do. The table may
 * hold half the limit (the other half is for a sort above it) less its
 * file buffers. When a new group would take it past three quarters of
 * that budget, the table takes no more groups: a row whose group it
 * holds still updates that group, and a row of any other group is
 * written, as its evaluated keys and aggregate arguments (FILTERs
 * applied), to one of 32 partitions chosen by 5 bits of its key hash.
 * A group is thus either wholly in the table or wholly in one
 * partition: when the input ends the table's groups are complete and
 * are returned first, then each partition is aggregated in turn in the
 * emptied table, spilling in the same way with the next 5 bits of the
 * hash (the 64-bit hash gives 12 levels), until each fits.
 *
 * The groups kept still grow (text of min/max and string_agg, the
 * values of DISTINCT sets). When the table passes its whole budget it
 * is evicted: each group's states go to its partition, then the values
 * of its DISTINCT sets, the table is emptied, and every later row goes
 * to the partitions. In a partition a group's states thus come before
 * its DISTINCT values, which come before its rows, so the group starts
 * from a copy of its one saved state and its rows update it in input
 * order: the results are those of the in-memory table bit for bit
 * (double sums, variances, the order of string_agg). A table of one
 * group is never evicted, nor one at the last level of the hash: a
 * single group's DISTINCT set or string_agg may outgrow the limit, as
 * it cannot be split.
 *
 * Parallel aggregation: each worker spills its own partitions with the
 * same hash bits. At the end, if any did, every worker's table is
 * evicted too and partition p is the files p of all workers, read in
 * worker order; a group's states then merge as the parallel merge does
 * (DISTINCT aggregates never run in parallel), so results are those of
 * the in-memory parallel aggregate up to the rounding of doubles.
 *
 * Grouping sets (op_expand feeds each row once per set) need the
 * groups of their empty sets even when no row comes: those are seeded
 * into the table before the input is read, and from then on they are
 * groups like any other (they may be evicted, merged, spilled).
 *
 * A partition file is private to the statement and never named for
 * long (O_TMPFILE, else unlinked at once after mkostemp), so nothing is
 * left behind even when the process is killed. It is a sequence of
 * records in native byte order:
 *
 *   u32 len            bytes of the record after this field
 *   u8 kind            1 row, 2 states, 3 DISTINCT value
 *   per group key      a value (below)
 *   row:               per aggregate: u8 2 when its FILTER dropped the
 *                      row, else u8 1 for count(*), else its argument
 *                      as a value followed, for a string_agg with a
 *                      separator and a non-NULL argument, by the
 *                      separator as a value
 *   states:            per aggregate: i64 n, 16 bytes of sum, min or
 *                      max, f64 mean, f64 m2, u32 n and n bytes of text
 *   DISTINCT value:    u32 aggregate, then the value
 *
 * A value is encoded as in the sort's runs (sort.c): u8 0 for NULL, or
 * u8 1 then 8 bytes (integer-like types, DOUBLE), 16 (DECIMAL's
 * __int128; INTERVAL as i32 months, i32 days, i64 µs), or u32 n and n
 * bytes (TEXT, JSON, BLOB). A reader checks each length against what
 * is left of its record and each record's len against the largest
 * written to its file, so a damaged file gives an error, never a wild
 * read or a huge allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seg/seg.h"
#include "util/util.h"
#include "sql/exec.h"
#include "sql/spill.h"

/* Hash bits of one level of partitioning, and so its partitions. */
#define AGG_BITS 5
#define AGG_FANOUT (1 << AGG_BITS)
/* Levels the 64-bit hash allows. */
#define AGG_LEVELS (64 / AGG_BITS)
/* Bytes of a file buffer at most and at least. */
#define AGG_IOBUF_MAX (64 * 1024)
#define AGG_IOBUF_MIN (4 * 1024)
/* The group of a row that went to a partition. */
#define NOGROUP UINT32_MAX
/* Groups looked for by their packed tags alone (TPC-H Q1 has 4). */
#define FEW_TAGS 8
/* A state of share_states' making, never asked for: the rows whose
 * argument is NULL (count(*) is their number plus the count of a
 * sum, avg or count of the argument). */
#define AGG_NULLS 100

/* A slot of the group table: the group (id + 1, 0 empty) and a tag that
 * settles most probes without touching the group: the key itself when
 * the table has one integer key (one cache miss a row), else the hash.
 * The table doubles when a group would fill more than three quarters of
 * its slots: with tags, a longer probe costs less than the memory (and
 * the page faults) of a sparser table. */
#define TAG_PACKED (1ULL << 63)

struct gslot {
	uint64_t tag;
	uint32_t gid1;
	uint32_t pad;
};

enum { REC_ROW = 1, REC_STATES = 2, REC_DISTINCT = 3 };

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}


struct dset {                           /* (group, value) pairs seen */
	struct rowstore rs;
	uint32_t *slot;
	uint64_t *hash;
	size_t mask, n;
};

/* The records of one partition that one table wrote. */
struct pfile {
	int fd;                         /* -1 until the first write */
	uint64_t len;                   /* bytes written */
	uint32_t maxrec;                /* the largest len field */
};

/* A partition to aggregate: its files, read one after the other. */
struct part {
	struct pfile *f;
	size_t nf;
	unsigned depth;                 /* the level whose bits chose it */
};

/* Buffered appends to one partition. */
struct pwriter {
	struct pfile f;
	uint8_t *buf;                   /* allocated at the first record */
	size_t n;                       /* buf[0..n) not yet written */
};

/* The partitions a table spills to. */
struct spill {
	struct pwriter w[AGG_FANOUT];
	unsigned depth;
	size_t cap;                     /* bytes of each buffer */
};

/* One aggregate's inputs for a batch of rows. */
struct ain {
	struct sql_vec v;               /* the argument (none for count(*)) */
	struct sql_vec sep;             /* string_agg's separator, if any */
	uint32_t *sel;                  /* rows its FILTER keeps; NULL all */
	size_t nsel;
};

/* Where an aggregate asked for reads its value: the state of one of
 * the table's aggregates and, for a count(*) sharing that state, the
 * NULL count of another (share_states). */
struct agg_map {
	int st;
	int nulls;                      /* or -1 */
};

struct agg_op {
	struct op o;
	size_t ngroups, naggs;
	struct sql_expr **groups;
	struct agg_spec *aggs;          /* the states kept (share_states) */
	int *same;                      /* per state: an earlier one with the
	                                   same inputs, or -1 */
	size_t nout;                    /* the aggregates asked for */
	struct agg_spec *oaggs;
	struct agg_map *omap;
	/* the keys, then each state's argument and FILTER (those not the
	 * same as an earlier state's), evaluated with their common
	 * subexpressions shared (cse.c) */
	struct sql_exprs cse;
	struct sql_expr **xarg, **xfilter;      /* per state, in cse */
	struct rowstore keys;
	struct gslot *slot;             /* the hash table of groups */
	uint64_t *ptag;                 /* textkeys: per chunk row, its
	                                   packed keys, or 0 */
	int intkey;                     /* one integer key: tags are keys */
	int textkeys;                   /* text keys: short ones packed */
	uint32_t null_gid;              /* intkey: the NULL key's group */
	/* intkey with keys in a short range (dmap_try): gid + 1 of key
	 * dmin + i at dmap[i], 0 when not known yet; dmap_off: not used */
	uint32_t *dmap;
	int64_t dmin;
	size_t drange;
	int dmap_off;
	uint8_t *ddone;                 /* per chunk row: its group found */
	/* the packed tags of the first groups, while they are all packed
	 * (nftag == ng): rows of so few groups find theirs by comparing
	 * tags, without a hash */
	uint64_t ftag[FEW_TAGS];
	size_t nftag;
	/* one or two text keys of one byte each: group id + 1 by their
	 * bytes (cmap_find), 0 when not known yet */
	uint32_t *cmap;
	uint64_t *ghash;                /* per group */
	size_t mask;
	size_t ng;                      /* groups so far */
	size_t gcap;
	struct agg_st **st;             /* per aggregate, per group */
	struct dset *ds;                /* per aggregate, when DISTINCT */
	struct sql_arena scratch;
	int done_input;
	size_t outpos;
	uint32_t *gid;                  /* per chunk row, or NOGROUP */
	uint32_t *ord;                  /* few groups: rows by group (hist) */
	uint32_t *pend;                 /* chunk rows of new groups */
	uint64_t *h;                    /* per chunk row: its key hash */
	uint8_t *run;                   /* per chunk row: its keys are the
	                                   row before's (find_groups_1) */
	unsigned norun;                 /* chunks in a row with few such */
	size_t keyrow;                  /* key store bytes per row of capacity */
	size_t sbytes;                  /* bytes of the states' text buffers */
	/* spilling */
	uint64_t budget;                /* bytes the table may hold; 0 any */
	uint64_t grow_limit;            /* no new group past this */
	size_t iobuf;                   /* bytes of a file buffer */
	unsigned depth;                 /* the level a spill now writes */
	int spilling;                   /* the table takes no new groups */
	struct spill *sp;               /* partitions being written */
	struct part *parts;             /* partitions to aggregate: a stack */
	size_t nparts, capparts;
	uint8_t *rec;                   /* a record being built */
	size_t reclen, reccap;
	struct sql_arena batch;         /* rows read back from a partition */
	size_t nspilled;                /* partitions written, for EXPLAIN */
	unsigned levels;
	size_t dlen;                    /* of o.detail before the spill note */
	/* groups made before the input is read (op_hashagg_seed) */
	const struct sql_val *seed;
	size_t nseed;
	/* clustered on key zkey (clus_setup): its row groups' ranges, the
	 * ranges the chunks since the last flush touched (ztlo..zthi, when
	 * zlive), the groups made before it (zdone), the slots of groups
	 * whose key two row groups share, gathered by a flush */
	const struct zones *zn;
	struct zones *zown;             /* zn when this table made it */
	size_t zkey, ztlo, zthi, zdone;
	int zlive;
	/* one integer key: while the chunks since the last flush came in
	 * its order (zsorted), their groups are runs, not in the slots;
	 * zrun is the last one's id + 1 (0: none), zrunkey its key */
	int zsorted;
	uint32_t zrun;
	int64_t zrunkey;
	struct gslot *zkept;
	size_t nzkept, capzkept;
};

/* The ranges of a group key's values in the row groups of its table,
 * sorted, no two overlapping but at an end (amb: the values two ranges
 * share). */
struct zones {
	size_t n, namb;
	int64_t *lo, *hi, *amb;
};

static int grow_groups(struct agg_op *g, size_t need)
{
	size_t cap = g->gcap, a;

	if (need <= cap)
		return 0;
	while (cap < need)
		cap = cap ? cap * 2 : 64;
	/* every array grows before gcap does: one that did not keeps its
	 * size, which rdb_big_grow knows */
	{
		uint64_t *h = rdb_big_grow(g->ghash, cap * sizeof(*h));
		if (h == NULL)
			return -1;
		g->ghash = h;
	}
	for (a = 0; a < g->naggs; a++) {
		struct agg_st *s = rdb_big_grow(g->st[a], cap * sizeof(*s));
		if (s == NULL)
			return -1;
		g->st[a] = s;
	}
	g->gcap = cap;
	return 0;
}

/* Move the slots to a table of cap slots: each keeps its tag (the key
 * or the hash), and its group's hash places it. */
/* How many rows (or slots) ahead find_groups and rehash read a group
 * slot into the cache. */
#define GROUP_AHEAD 48

/* The hash a slot's tag stands for, as find_groups makes them: one
 * integer key's tag is the key, a packed text key's tag its packed bytes
 * (and TAG_PACKED), any other tag the hash itself (TAG_PACKED cleared:
 * the bits under a mask are the hash's). The rehash needs no random
 * read of ghash. */
static inline uint64_t slot_hash(const struct agg_op *g, uint64_t tag)
{
	if (g->intkey)
		return sql_mix64(tag);
	if (g->textkeys && (tag & TAG_PACKED))
		return sql_mix64(tag & ~TAG_PACKED);
	return tag;
}

static int rehash(struct agg_op *g, size_t cap)
{
	struct gslot *slot = rdb_big_alloc(cap * sizeof(*slot));
	size_t i, mask = cap - 1;

	if (slot == NULL)
		return -1;
	rdb_big_prefault(slot);		/* probed before it is written */
	for (i = 0; i <= g->mask; i++) {
		size_t p;
		/* the new table is written at random: its slots a little
		 * ahead are fetched first */
		if (i + GROUP_AHEAD <= g->mask && g->slot[i + GROUP_AHEAD].gid1)
			__builtin_prefetch(&slot[slot_hash(g,
			    g->slot[i + GROUP_AHEAD].tag) & mask], 1);
		if (g->slot[i].gid1 == 0)
			continue;
		p = slot_hash(g, g->slot[i].tag) & mask;
		while (slot[p].gid1 != 0)
			p = (p + 1) & mask;
		slot[p] = g->slot[i];
	}
	rdb_big_free(g->slot);
	g->slot = slot;
	g->mask = mask;
	return 0;
}

/* Bytes of one value in a row store's arrays (as exec.c's val_width). */
static size_t val_width(int id)
{
	if (id == T_DECIMAL)
		return 16;
	if (sql_is_strlike(id))
		return sizeof(struct sql_str);
	if (id == T_INTERVAL)
		return sizeof(struct sql_interval);
	return 8;
}

/* Bytes of the table's arrays once they hold ng groups (they grow as
 * find_groups, rs_append and rehash grow them, and never shrink). */
static uint64_t fixed_bytes(const struct agg_op *g, size_t ng)
{
	uint64_t cap = g->gcap, kcap = g->keys.cap, s = g->mask + 1;

	while (cap < ng)
		cap = cap ? cap * 2 : 64;
	while (kcap < ng)
		kcap = kcap ? kcap * 2 : 1024;
	while (((uint64_t)ng + 1) * 4 > s * 3)
		s *= 2;
	return kcap * g->keyrow + cap * (g->naggs * sizeof(struct agg_st) +
	    sizeof(uint64_t)) + s * sizeof(struct gslot);
}

/* Bytes the table holds. */
static uint64_t table_bytes(const struct agg_op *g)
{
	uint64_t b = fixed_bytes(g, g->ng) + g->keys.text.used + g->sbytes;
	size_t a;

	for (a = 0; a < g->naggs; a++)
		if (g->aggs[a].distinct)
			b += g->ds[a].rs.bytes + g->ds[a].rs.text.used +
			    (g->ds[a].mask + 1) * (sizeof(uint32_t) +
			    sizeof(uint64_t) / 2);
	return b;
}

/* May the table send groups to partitions now? */
static int can_spill(const struct agg_op *g)
{
	return g->budget != 0 && g->ngroups > 0 && g->depth < AGG_LEVELS;
}

/* Bytes of text the keys of chunk row i add to the key store. */
static size_t key_text(const struct agg_op *g, const struct sql_vec *kv,
    size_t i)
{
	size_t c, t = 0;

	for (c = 0; c < g->ngroups; c++) {
		const struct sql_vec *v = &kv[c];
		if (!sql_is_strlike(g->keys.types[c].id) || v->t.id == T_NULL ||
		    (v->null != NULL && v->null[i]))
			continue;
		t += ((size_t)v->v.s[i].n + 15) & ~(size_t)15;
	}
	return t;
}

/* Split the limit: file buffers, then the table's budget. */
static void set_budget(struct agg_op *g, uint64_t limit)
{
	uint64_t half = limit / 2, io;

	g->budget = g->grow_limit = 0;
	g->iobuf = AGG_IOBUF_MAX;
	if (limit == 0)
		return;
	io = half / 4 / (AGG_FANOUT + 1);
	if (io > AGG_IOBUF_MAX)
		io = AGG_IOBUF_MAX;
	if (io < AGG_IOBUF_MIN)
		io = AGG_IOBUF_MIN;
	g->iobuf = (size_t)io;
	io *= AGG_FANOUT + 1;           /* the writers and a reader */
	g->budget = half > 2 * io ? half - io : half / 2;
	g->grow_limit = g->budget / 4 * 3;
}

/* Are the keys of chunk row i equal to those of group gid? A group not
 * yet in the store is pending: its keys are chunk row pend[...]. */
static int group_eq(struct agg_op *g, const struct sql_vec *kv, size_t i,
    size_t gid)
{
	size_t c;

	for (c = 0; c < g->ngroups; c++) {
		if (gid < g->keys.n) {
			struct sql_vec v;
			v.t = g->keys.types[c];
			v.null = g->keys.nulls[c];
			v.v.p = g->keys.vals[c];
			if (!sql_vec_eq(&kv[c], i, &v, gid))
				return 0;
		} else if (!sql_vec_eq(&kv[c], i, &kv[c], g->pend[gid - g->keys.n])) {
			return 0;
		}
	}
	return 1;
}

/* The packed tags (find_groups) of n rows whose text keys are each of
 * one length on every row, none NULL (flags, codes: l_returnflag),
 * column by column; 0 when the keys are not so. */
static int pack_fixed(struct agg_op *g, size_t n, const struct sql_vec *kv)
{
	unsigned used = 0, len[3];
	size_t c, i, k;

	if (n == 0 || g->ngroups > 3)
		return 0;
	for (c = 0; c < g->ngroups; c++) {
		const struct sql_vec *v = &kv[c];
		uint32_t l, diff = 0;
		if (v->t.id == T_NULL || v->null != NULL)
			return 0;
		l = v->v.s[0].n;
		if (l > 6 || used + 1 + l > 7)
			return 0;
		for (i = 0; i < n; i++)
			diff |= v->v.s[i].n ^ l;
		if (diff != 0)
			return 0;
		len[c] = l;
		used += 1 + l;
	}
	for (c = used = 0; c < g->ngroups; c++) {
		const struct sql_str *s = kv[c].v.s;
		unsigned sh = 8 * used;
		if (c == 0 && len[c] != 1)
			memset(g->ptag, 0, n * sizeof(*g->ptag));
		if (c == 0 && len[c] == 1)
			for (i = 0; i < n; i++)
				g->ptag[i] = (uint64_t)1 |
				    (uint64_t)(unsigned char)s[i].p[0] << 8;
		else if (len[c] == 1)
			for (i = 0; i < n; i++)
				g->ptag[i] |= ((uint64_t)1 |
				    (uint64_t)(unsigned char)s[i].p[0] << 8) << sh;
		else
			for (i = 0; i < n; i++) {
				uint64_t t = len[c];
				for (k = 0; k < len[c]; k++)
					t |= (uint64_t)(unsigned char)s[i].p[k] <<
					    (8 * (k + 1));
				g->ptag[i] |= t << sh;
			}
		used += 1 + len[c];
	}
	for (i = 0; i < n; i++)
		g->ptag[i] |= TAG_PACKED;
	return 1;
}

/*
 * Set gid[i] and h[i] for the n rows of keys kv, adding groups. With
 * may_spill, a group that would take the table past its growth limit
 * is not added: from then on the table is spilling, and the rows of
 * groups it lacks get NOGROUP (*nspill counts them).
 */
/* The most entries of a direct map of keys (4 MB). */
#define DMAP_MAX ((size_t)1 << 20)

/*
 * One integer key whose values lie in a short range (a foreign key, a
 * code: l_suppkey's 1..10000) is looked up in an array indexed by the
 * key, a cache of its groups, instead of probing the hash table: made
 * on the first chunk when its keys span at most DMAP_MAX values (room
 * left on both sides); keys outside it take the table. The table stays
 * the record of the groups.
 */
static void dmap_try(struct agg_op *g, const struct sql_vec *k, size_t n)
{
	int64_t mn = INT64_MAX, mx = INT64_MIN;
	uint64_t span, range;
	size_t i;

	g->dmap_off = 1;
	for (i = 0; i < n; i++) {
		if (k->null != NULL && k->null[i])
			continue;
		mn = k->v.i[i] < mn ? k->v.i[i] : mn;
		mx = k->v.i[i] > mx ? k->v.i[i] : mx;
	}
	if (mn > mx || (span = (uint64_t)mx - (uint64_t)mn) >= DMAP_MAX / 2)
		return;
	range = span * 2 + 1024 < DMAP_MAX ? span * 2 + 1024 : DMAP_MAX;
	if ((g->ddone = malloc(SQL_CHUNK)) == NULL ||
	    (g->dmap = rdb_big_alloc(range * sizeof(*g->dmap))) == NULL) {
		free(g->ddone);
		g->ddone = NULL;
		return;
	}
	rdb_big_prefault(g->dmap);
	g->drange = (size_t)range;
	/* the keys seen centred in it */
	g->dmin = (int64_t)((uint64_t)mn - (range - span) / 2);
	if (g->dmin > mn)               /* wrapped below INT64_MIN */
		g->dmin = INT64_MIN;
	g->dmap_off = 0;
}

/* Row i's key has group s - 1: the map learns it (not the NULL key). */
static inline void dmap_set(struct agg_op *g, const struct sql_vec *kv,
    size_t i, uint32_t s)
{
	uint64_t off;

	if (g->dmap == NULL || (kv[0].null != NULL && kv[0].null[i]))
		return;
	off = (uint64_t)kv[0].v.i[i] - (uint64_t)g->dmin;
	if (off < g->drange)
		g->dmap[off] = s;
}

/* Is every key of the n rows one byte long (no NULL)? */
static int keys_1byte(const struct agg_op *g, size_t n,
    const struct sql_vec *kv)
{
	size_t c, i;
	uint32_t diff = 0;

	if (!g->textkeys || g->ngroups > 2)
		return 0;
	for (c = 0; c < g->ngroups; c++) {
		if (kv[c].t.id == T_NULL || kv[c].null != NULL)
			return 0;
		for (i = 0; i < n; i++)
			diff |= kv[c].v.s[i].n ^ 1;
	}
	return diff == 0;
}

/* The cmap index of row i (keys_1byte). */
static inline size_t cmap_at(const struct agg_op *g, const struct sql_vec *kv,
    size_t i)
{
	size_t k = (unsigned char)kv[0].v.s[i].p[0];

	if (g->ngroups == 2)
		k = k << 8 | (unsigned char)kv[1].v.s[i].p[0];
	return k;
}

/* Rows whose keys are one or two single bytes (TPC-H Q1's l_returnflag,
 * l_linestatus) find their groups in a map indexed by the bytes: 1 when
 * it knew every row's. TPC-H Q1 at SF 0.1: 214.2M -> 192.2M instructions
 * (no packing, no compare with each group's tag). */
static int cmap_find(struct agg_op *g, size_t n, const struct sql_vec *kv)
{
	size_t i;
	uint32_t miss = 0;

	if (g->cmap == NULL || !keys_1byte(g, n, kv))
		return 0;
	for (i = 0; i < n; i++) {
		uint32_t s = g->cmap[cmap_at(g, kv, i)];
		miss |= s == 0;
		g->gid[i] = s - 1;
	}
	return !miss;
}

/* After find_groups: the map learns the groups of the rows. */
static void cmap_learn(struct agg_op *g, size_t n, const struct sql_vec *kv)
{
	size_t i;

	if (!keys_1byte(g, n, kv))
		return;
	if (g->cmap == NULL &&
	    (g->cmap = rdb_big_alloc((g->ngroups == 2 ? 65536 : 256) *
	    sizeof(*g->cmap))) == NULL)
		return;         /* only a cache */
	for (i = 0; i < n; i++)
		if (g->gid[i] != NOGROUP)
			g->cmap[cmap_at(g, kv, i)] = g->gid[i] + 1;
}

static int find_groups_1(struct exec *x, struct agg_op *g, size_t n,
    const struct sql_vec *kv, int may_spill, size_t *nspill);

static int find_groups(struct exec *x, struct agg_op *g, size_t n,
    const struct sql_vec *kv, int may_spill, size_t *nspill)
{
	int rc;

	if (g->textkeys && g->ngroups <= 2 && n <= SQL_CHUNK) {
		if (cmap_find(g, n, kv)) {
			*nspill = 0;
			return 0;
		}
		if ((rc = find_groups_1(x, g, n, kv, may_spill, nspill)) != 0)
			return rc;
		cmap_learn(g, n, kv);
		return 0;
	}
	return find_groups_1(x, g, n, kv, may_spill, nspill);
}

/* Are value i of v and the one before it the same key (both NULL, or
 * equal)? Text from one row of a join's side is the same bytes. */
static inline int same_as_prev(const struct sql_vec *v, size_t i)
{
	int a = v->null != NULL && v->null[i];
	int b = v->null != NULL && v->null[i - 1];

	if (a || b)
		return a && b;
	if (sql_is_intlike(v->t.id))
		return v->v.i[i] == v->v.i[i - 1];
	if (sql_is_strlike(v->t.id))
		return v->v.s[i].n == v->v.s[i - 1].n &&
		    (v->v.s[i].p == v->v.s[i - 1].p ||
		    memcmp(v->v.s[i].p, v->v.s[i - 1].p, v->v.s[i].n) == 0);
	return sql_vec_eq(v, i, v, i - 1);
}

/*
 * Which rows have the keys of the row before (run[i]), for several keys
 * not packed into a tag: rows joined to one row of the other side come
 * together (TPC-H Q10's customers, Q3's orders, each with its keys from
 * one row), and such a row takes the group of the row before without a
 * hash or a lookup. 0 when no row does.
 */
static int key_runs(struct agg_op *g, size_t n, const struct sql_vec *kv)
{
	size_t c, i, hits = n;

	if (n < 2 || g->norun >= 4)
		return 0;
	g->run[0] = 0;
	memset(g->run + 1, 1, n - 1);
	for (c = 0; c < g->ngroups && hits * 8 >= n; c++) {
		const struct sql_vec *v = &kv[c];
		if (v->t.id == T_NULL)
			continue;
		if (sql_is_intlike(v->t.id) && v->null == NULL) {
			for (i = 1; i < n; i++)
				g->run[i] &= v->v.i[i] == v->v.i[i - 1];
		} else {
			for (i = 1; i < n; i++)
				if (g->run[i])
					g->run[i] = (uint8_t)same_as_prev(v, i);
		}
		for (hits = 0, i = 1; i < n; i++)
			hits += g->run[i];
	}
	/* keys that seldom repeat: four such chunks in a row and the
	 * runs are no longer looked for */
	if (hits * 8 < n) {
		g->norun++;
		return 0;
	}
	g->norun = 0;
	return 1;
}

static int find_groups_1(struct exec *x, struct agg_op *g, size_t n,
    const struct sql_vec *kv, int may_spill, size_t *nspill)
{
	size_t i, c, npend = 0, base = g->ng, text = 0, k2;
	uint64_t other = 0;
	int check = may_spill && !g->spilling && g->grow_limit != 0, packed;
	int runs;	/* run[i]: row i's keys are row i - 1's */
	int done;	/* ddone[i]: row i's group known */
	size_t left = n;	/* rows whose group is not */
	int dmapped;		/* the map is asked first (below) */
	uint64_t rtag = 0;	/* intkey: the last row's key, */
	uint32_t rs = 0;	/* its group + 1 (0: none) */

	*nspill = 0;
	if (check)      /* what new groups do not change */
		other = table_bytes(g) - fixed_bytes(g, g->ng);
	/* the hashes column by column: one type test per column, not per
	 * value (the same values as sql_hash_val row by row) */
	packed = g->textkeys && pack_fixed(g, n, kv);
	runs = !packed && g->ngroups > 1 && key_runs(g, n, kv);
	/* one integer key that the map finds: the hashes of the rows it
	 * does not know alone, made after it (l_suppkey's 10,000 keys:
	 * every row but the first chunk's) */
	dmapped = g->intkey && g->dmap != NULL && n <= SQL_CHUNK;
	if (!packed && !dmapped)
		memset(g->h, 0, n * sizeof(*g->h));
	if (packed || dmapped) {
		/* every row's tag made (packed) or the map asked first:
		 * the hashes below */
	} else if (g->textkeys) {
		/* keys of at most 7 bytes in all, each length-prefixed (7:
		 * NULL), packed into a tag that is the keys: no compare */
		for (i = 0; i < n; i++) {
			uint64_t t = 0;
			unsigned used = 0;
			if (runs && g->run[i])
				continue;
			for (c = 0; c < g->ngroups && used < 8; c++) {
				const struct sql_vec *v = &kv[c];
				if (v->null != NULL && v->null[i]) {
					t |= (uint64_t)7 << (8 * used++);
					continue;
				}
				if (v->v.s[i].n > 6 || used + 1 + v->v.s[i].n > 7) {
					used = 8;
					break;
				}
				t |= (uint64_t)v->v.s[i].n << (8 * used++);
				for (k2 = 0; k2 < v->v.s[i].n; k2++)
					t |= (uint64_t)(unsigned char)v->v.s[i].p[k2] <<
					    (8 * used++);
			}
			if (used < 8) {
				g->ptag[i] = t | TAG_PACKED;
				g->h[i] = sql_mix64(t);
				continue;
			}
			g->ptag[i] = 0;
			for (c = 0; c < g->ngroups; c++)
				g->h[i] = sql_hash_val(&kv[c], i, g->h[i]);
		}
	} else for (c = 0; c < g->ngroups; c++) {
		const struct sql_vec *v = &kv[c];
		if (sql_is_intlike(v->t.id) && v->null == NULL) {
			for (i = 0; i < n; i++)
				g->h[i] = sql_mix64((uint64_t)v->v.i[i] ^ g->h[i]);
		} else if (runs) {
			for (i = 0; i < n; i++)
				if (!g->run[i])
					g->h[i] = sql_hash_val(v, i, g->h[i]);
		} else {
			for (i = 0; i < n; i++)
				g->h[i] = sql_hash_val(v, i, g->h[i]);
		}
	}
	/* a row of a run: the hash (a spill's partition) and tag of the
	 * row before */
	for (i = 1; runs && i < n; i++)
		if (g->run[i]) {
			g->h[i] = g->h[i - 1];
			if (g->textkeys)
				g->ptag[i] = g->ptag[i - 1];
		}
	if (g->intkey && !g->dmap_off && g->dmap == NULL && n > 0)
		dmap_try(g, &kv[0], n);
	done = g->dmap != NULL && n <= SQL_CHUNK;
	if (packed && g->ng > 0 && g->nftag == g->ng && n <= SQL_CHUNK &&
	    (g->ddone != NULL || (g->ddone = malloc(SQL_CHUNK)) != NULL)) {
		/* a few groups, every key packed: each row's tag against
		 * theirs, a loop a group without a branch (TPC-H Q1: 4
		 * groups, 600,000 rows at SF 0.1: 268M -> 259M
		 * instructions, and no mispredicted branch a row) */
		size_t j;
		uint64_t high = 0;
		memset(g->gid, 0, n * sizeof(*g->gid));
		for (i = 0; i < n; i++)
			high |= g->ptag[i] & ~TAG_PACKED;
		for (j = 0; j < g->nftag; j++)
			high |= g->ftag[j] & ~TAG_PACKED;
		if (high >> 32 == 0) {
			/* tags of 4 bytes (Q1's two 1-letter keys): compared
			 * as 32-bit words, 4 to an SSE2 instruction (h is free
			 * until the hashes are made below) */
			uint32_t *t32 = (uint32_t *)g->h;
			for (i = 0; i < n; i++)
				t32[i] = (uint32_t)g->ptag[i];
			for (j = 0; j < g->nftag; j++) {
				uint32_t t = (uint32_t)g->ftag[j];
				for (i = 0; i < n; i++)
					g->gid[i] |= -(uint32_t)(t32[i] == t) &
					    (uint32_t)(j + 1);
			}
		} else {
			for (j = 0; j < g->nftag; j++) {
				uint64_t t = g->ftag[j];
				for (i = 0; i < n; i++)
					g->gid[i] |= -(uint32_t)(g->ptag[i] == t) &
					    (uint32_t)(j + 1);
			}
		}
		left = 0;
		for (i = 0; i < n; i++) {
			g->gid[i]--;		/* 0, none: NOGROUP */
			g->ddone[i] = g->gid[i] != NOGROUP;
			left += g->gid[i] == NOGROUP;
		}
		done = 1;
	} else if (g->dmap != NULL && n <= SQL_CHUNK) {
		/* the rows whose key the map knows */
		const int64_t *k = kv[0].v.i;
		const uint8_t *nl = kv[0].null;
		uint64_t dmin = (uint64_t)g->dmin, drange = g->drange;
		const uint32_t *dmap = g->dmap;
		size_t miss = 0;
		if (nl == NULL)
			for (i = 0; i < n; i++) {
				uint64_t off = (uint64_t)k[i] - dmin;
				uint32_t s = off < drange ? dmap[off] : 0;
				g->gid[i] = s - 1;
				g->ddone[i] = s != 0;
				miss += s == 0;
			}
		else
			for (i = 0; i < n; i++) {
				uint64_t off = (uint64_t)k[i] - dmin;
				uint32_t s = off < drange && !nl[i] ? dmap[off] : 0;
				g->gid[i] = s - 1;
				g->ddone[i] = s != 0;
				miss += s == 0;
			}
		if (dmapped) {
			/* the rows still to look up, and their hashes (as
			 * above: sql_hash_val's values) */
			left = miss;
			for (i = 0; left > 0 && i < n; i++)
				if (!g->ddone[i])
					g->h[i] = nl == NULL ?
					    sql_mix64((uint64_t)k[i]) :
					    sql_hash_val(&kv[0], i, 0);
		}
	}
	if (packed && left > 0)	/* the hashes of the rows still to look up */
		for (i = 0; i < n; i++)
			if (!done || !g->ddone[i])
				g->h[i] = sql_mix64(g->ptag[i] & ~TAG_PACKED);
	for (i = 0; i < n && left > 0; i++) {
		uint64_t h = g->h[i], tag = h;
		uint32_t s;
		size_t p;
		int isnull = 0;
		if (done && g->ddone[i])
			continue;
		if (runs && g->run[i]) {        /* the row before's keys */
			g->gid[i] = g->gid[i - 1];
			*nspill += g->gid[i] == NOGROUP;
			continue;
		}
		/* one integer key the same as the row before's (a table in
		 * its order: lineitem's l_orderkey) */
		if (g->intkey && rs != 0 && (uint64_t)kv[0].v.i[i] == rtag &&
		    (kv[0].null == NULL || !kv[0].null[i])) {
			g->gid[i] = rs - 1;
			continue;
		}
		/* a big table misses the cache on every row: the slot of
		 * row i + GROUP_AHEAD is fetched while row i is looked up */
		if (i + GROUP_AHEAD < n)
			__builtin_prefetch(&g->slot[g->h[i + GROUP_AHEAD] & g->mask]);
		p = h & g->mask;
		if (g->intkey) {
			isnull = kv[0].null != NULL && kv[0].null[i];
			tag = (uint64_t)kv[0].v.i[i];
			if (isnull)
				s = g->null_gid == NOGROUP ? 0 : g->null_gid + 1;
			else
				while ((s = g->slot[p].gid1) != 0 && g->slot[p].tag != tag)
					p = (p + 1) & g->mask;
		} else if (g->textkeys && g->ptag[i] != 0) {
			tag = g->ptag[i];
			while ((s = g->slot[p].gid1) != 0 && g->slot[p].tag != tag)
				p = (p + 1) & g->mask;
		} else {
			if (g->textkeys)
				tag = h & ~TAG_PACKED;
			while ((s = g->slot[p].gid1) != 0 &&
			    !(g->slot[p].tag == tag && group_eq(g, kv, i, s - 1)))
				p = (p + 1) & g->mask;
		}
		if (s != 0) {
			g->gid[i] = s - 1;
			dmap_set(g, kv, i, s);
			rs = isnull ? 0 : s;
			rtag = tag;
			continue;
		}
		if (check && !g->spilling && g->ng > 0) {
			size_t t = key_text(g, kv, i);
			if (other + text + t + fixed_bytes(g, g->ng + 1) >
			    g->grow_limit)
				g->spilling = 1;
			else
				text += t;
		}
		if (may_spill && g->spilling) {
			g->gid[i] = NOGROUP;
			(*nspill)++;
			continue;
		}
		if ((g->ng + 1) * 4 > (g->mask + 1) * 3) {
			if (rehash(g, (g->mask + 1) * 2) != 0)
				return oom(x);
			p = h & g->mask;
			while (g->slot[p].gid1 != 0)
				p = (p + 1) & g->mask;
		}
		if (grow_groups(g, g->ng + 1) != 0)
			return oom(x);
		if (g->ng >= UINT32_MAX - 1)
			return sql_error(&x->cx, "too many groups");
		g->ghash[g->ng] = h;
		if (isnull) {
			g->null_gid = (uint32_t)g->ng;
		} else {
			g->slot[p].gid1 = (uint32_t)(g->ng + 1);
			g->slot[p].tag = tag;
		}
		if (g->textkeys && g->nftag == g->ng && g->ng < FEW_TAGS &&
		    (tag & TAG_PACKED))
			g->ftag[g->nftag++] = tag;
		g->pend[npend++] = (uint32_t)i;
		g->gid[i] = (uint32_t)g->ng++;
		dmap_set(g, kv, i, (uint32_t)g->ng);
		rs = isnull ? 0 : (uint32_t)g->ng;
		rtag = tag;
	}
	if (npend > 0) {
		struct sql_chunk kc;
		kc.n = n;
		kc.ncols = g->ngroups;
		kc.cols = (struct sql_vec *)kv;
		if (rs_append(&g->keys, &kc, g->pend, npend) != 0)
			return oom(x);
		if (g->keys.n != base + npend)
			return sql_error(&x->cx, "internal: group store");
	}
	return 0;
}

/* The hash of (gid, value i of v) in a distinct set. */
static uint64_t dset_hash(uint32_t gid, const struct sql_vec *v, size_t i)
{
	return sql_hash_val(v, i, gid * 0x9e3779b97f4a7c15ULL + 1);
}

/* Add (gid, value i of v), of hash h (dset_hash), to the distinct set;
 * 1 when new. */
static int dset_add(struct exec *x, struct dset *d, uint32_t gid,
    const struct sql_vec *v, size_t i, uint64_t h)
{
	size_t p;

	if ((d->n + 1) * 2 > d->mask + 1) {
		size_t cap = (d->mask + 1) * 2, k;
		uint32_t *slot = calloc(cap, sizeof(*slot));
		uint64_t *hash = realloc(d->hash, cap / 2 * sizeof(*hash));
		if (slot == NULL || hash == NULL) {
			free(slot);
			if (hash != NULL)
				d->hash = hash;
			return oom(x);
		}
		d->hash = hash;
		for (k = 0; k < d->n; k++) {
			size_t q = d->hash[k] & (cap - 1);
			while (slot[q] != 0)
				q = (q + 1) & (cap - 1);
			slot[q] = (uint32_t)(k + 1);
		}
		free(d->slot);
		d->slot = slot;
		d->mask = cap - 1;
	}
	p = h & d->mask;
	for (;;) {
		uint32_t s = d->slot[p];
		if (s == 0)
			break;
		if (d->hash[s - 1] == h) {
			struct sql_vec gv, vv;
			gv.t = d->rs.types[0];
			gv.null = NULL;
			gv.v.p = d->rs.vals[0];
			vv.t = d->rs.types[1];
			vv.null = d->rs.nulls[1];
			vv.v.p = d->rs.vals[1];
			if (gv.v.i[s - 1] == gid && sql_vec_eq(v, i, &vv, s - 1))
				return 0;
		}
		p = (p + 1) & d->mask;
	}
	if (!sql_is_strlike(v->t.id) && v->t.id == d->rs.types[1].id &&
	    (v->null == NULL || !v->null[i])) {
		/* a fixed-width value: written in place (as rs_append would,
		 * without a one-row chunk a pair: TPC-H Q16's 118,000 pairs
		 * spent 6% of its instructions there) */
		size_t w = val_width(v->t.id), r = d->rs.n;
		if (rs_reserve(&d->rs, 1) != 0)
			return oom(x);
		((int64_t *)d->rs.vals[0])[r] = gid;
		memcpy((uint8_t *)d->rs.vals[1] + r * w,
		    (const uint8_t *)v->v.p + i * w, w);
		if (d->rs.nulls[0] != NULL)
			d->rs.nulls[0][r] = 0;
		if (d->rs.nulls[1] != NULL)
			d->rs.nulls[1][r] = 0;
		d->rs.n++;
	} else {
		struct sql_chunk c;
		struct sql_vec one[2];
		int64_t g64 = gid;
		size_t w = v->t.id == T_DECIMAL ? 16 : sql_is_strlike(v->t.id) ?
		    sizeof(struct sql_str) : v->t.id == T_INTERVAL ?
		    sizeof(struct sql_interval) : 8;
		one[0].t = d->rs.types[0];
		one[0].null = NULL;
		one[0].v.i = &g64;
		one[1] = *v;
		one[1].v.p = (uint8_t *)v->v.p + i * w;
		one[1].null = v->null != NULL ? v->null + i : NULL;
		c.n = 1;
		c.ncols = 2;
		c.cols = one;
		if (rs_append(&d->rs, &c, NULL, 0) != 0)
			return oom(x);
	}
	d->hash[d->n] = h;
	d->slot[p] = (uint32_t)(++d->n);
	return 1;
}

/* Put (or append) n bytes of p in the text buffer of s; *acct counts
 * the buffer's bytes. */
static int str_put(struct agg_st *s, size_t *acct, const char *p, uint32_t n,
    int append)
{
	uint32_t need = (append ? s->len : 0) + n;

	if (need > s->cap) {
		uint32_t cap = s->cap ? s->cap : 16;
		char *b;
		while (cap < need) {
			if (cap > (1u << 30))
				return -1;
			cap *= 2;
		}
		b = realloc(s->buf, cap);
		if (b == NULL)
			return -1;
		*acct += cap - s->cap;
		s->buf = b;
		s->cap = cap;
	}
	if (!append)
		s->len = 0;
	if (n)
		memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

/* Tight loops for the common aggregates; 0 when the generic path must
 * run (it also reports overflow). */
static int fast_update(const struct agg_spec *sp, struct agg_st *st,
    const uint32_t *gid, const struct sql_vec *v, const uint32_t *sel,
    size_t nsel)
{
	const uint8_t *nl = v->null;
	size_t k;

#define ROW (sel ? sel[k] : k)
	switch (sp->fn) {
	case AGG_COUNT:
		for (k = 0; k < nsel; k++)
			st[gid[ROW]].n += nl == NULL || !nl[ROW];
		return 1;
	case AGG_SUM: case AGG_AVG:
		if (v->t.id == T_DOUBLE) {
			for (k = 0; k < nsel; k++) {
				size_t i = ROW;
				if (nl != NULL && nl[i])
					continue;
				st[gid[i]].v.d += v->v.d[i];
				st[gid[i]].n++;
			}
			return 1;
		}
		if (v->t.id == T_DECIMAL && v->t.prec <= 30) {
			/* A total below 10^38 plus at most SQL_CHUNK values
			 * below 10^30 cannot wrap an __int128 (about 1.7e38):
			 * add unchecked, note any total at or past 2^126 by
			 * its high word (cheap), and only then compare the
			 * totals this chunk touched with 10^38. */
			__int128 lim = sql_pow10(38);
			uint64_t big = 0;
			for (k = 0; k < nsel; k++) {
				size_t i = ROW;
				struct agg_st *s = &st[gid[i]];
				if (nl != NULL && nl[i])
					continue;
				s->v.x += v->v.x[i];
				s->n++;
				big |= ((uint64_t)(s->v.x >> 64) +
				    ((uint64_t)1 << 62)) >> 63;
			}
			if (big)
				for (k = 0; k < nsel; k++) {
					const struct agg_st *s = &st[gid[ROW]];
					if (s->v.x >= lim || s->v.x <= -lim)
						return -1;
				}
			return 1;
		}
		if (v->t.id == T_DECIMAL) {
			/* wider decimals (products of decimals): each add checked */
			int bad = 0;
			for (k = 0; k < nsel; k++) {
				size_t i = ROW;
				struct agg_st *s = &st[gid[i]];
				if (nl != NULL && nl[i])
					continue;
				bad |= __builtin_add_overflow(s->v.x, v->v.x[i], &s->v.x);
				s->n++;
			}
			return bad ? -1 : 1;
		}
		if (sql_is_intlike(v->t.id)) {
			for (k = 0; k < nsel; k++) {
				size_t i = ROW;
				if (nl != NULL && nl[i])
					continue;
				st[gid[i]].v.x += v->v.i[i];
				st[gid[i]].n++;
			}
			return 1;
		}
		return 0;
	case AGG_MIN: case AGG_MAX: {
		int mn = sp->fn == AGG_MIN;
		if (v->t.id == T_DECIMAL) {
			for (k = 0; k < nsel; k++) {
				size_t i = ROW;
				struct agg_st *s = &st[gid[i]];
				if (nl != NULL && nl[i])
					continue;
				if (s->n == 0 || (mn ? v->v.x[i] < s->v.x : v->v.x[i] > s->v.x))
					s->v.x = v->v.x[i];
				s->n++;
			}
			return 1;
		}
		if (sql_is_intlike(v->t.id)) {
			for (k = 0; k < nsel; k++) {
				size_t i = ROW;
				struct agg_st *s = &st[gid[i]];
				if (nl != NULL && nl[i])
					continue;
				if (s->n == 0 || (mn ? v->v.i[i] < s->v.i : v->v.i[i] > s->v.i))
					s->v.i = v->v.i[i];
				s->n++;
			}
			return 1;
		}
		return 0;
	}
	default:
		return 0;
	}
#undef ROW
}

/* A table of at most this many groups takes sums in the few-groups
 * loops (few_update): its states stay in cache, and checking them all
 * after a chunk is cheaper than checking each row. */
#define FEW_GROUPS 64

/* The rows of each group among the selected rows of a chunk, counted
 * once for all the aggregates with that selection; and, when asked,
 * those rows listed group by group (in order within a group). */
struct hist {
	int valid, ordered;
	const uint32_t *sel;
	size_t nsel;
	uint32_t *ord;                  /* the rows, by group: agg_op's ord */
	int64_t n[FEW_GROUPS];
	uint32_t c[4][FEW_GROUPS];      /* n by quarter of the rows */
	size_t start[FEW_GROUPS + 1];   /* group j: ord[start[j]..start[j+1]) */
};

static const int64_t *hist_of(struct hist *h, const uint32_t *gid, size_t ng,
    const uint32_t *sel, size_t nsel)
{
	size_t k;

	if (h->valid && h->sel == sel && h->nsel == nsel)
		return h->n;
	{
		/* four counts a group, one for each quarter of the rows, made
		 * side by side: an increment waits on the one before it in
		 * its own count only (with one count, the rows of a group
		 * wait on each other's store: Q1). hist_order uses them. */
		size_t q = nsel / 4, j, l;
		memset(h->c, 0, sizeof(h->c));
		if (sel == NULL)
			for (k = 0; k < q; k++) {
				h->c[0][gid[k]]++;
				h->c[1][gid[q + k]]++;
				h->c[2][gid[2 * q + k]]++;
				h->c[3][gid[3 * q + k]]++;
			}
		else
			for (k = 0; k < q; k++) {
				h->c[0][gid[sel[k]]]++;
				h->c[1][gid[sel[q + k]]]++;
				h->c[2][gid[sel[2 * q + k]]]++;
				h->c[3][gid[sel[3 * q + k]]]++;
			}
		for (k = 4 * q; k < nsel; k++)
			h->c[3][gid[sel ? sel[k] : k]]++;
		for (j = 0; j < ng; j++)
			for (h->n[j] = 0, l = 0; l < 4; l++)
				h->n[j] += h->c[l][j];
	}
	h->valid = 1;
	h->ordered = 0;
	h->sel = sel;
	h->nsel = nsel;
	return h->n;
}

/* h's rows listed by group (h->ord, h->start): a stable counting sort,
 * its four quarters of rows placed side by side (each after the ones
 * before it in every group, so that the order holds). */
static void hist_order(struct hist *h, const uint32_t *gid, size_t ng,
    const uint32_t *sel, size_t nsel)
{
	size_t nx[4][FEW_GROUPS], j, k, l, q = nsel / 4;
	uint32_t *o = h->ord;

	hist_of(h, gid, ng, sel, nsel);
	if (h->ordered)
		return;
	h->start[0] = 0;
	for (j = 0; j < ng; j++) {
		size_t at = h->start[j];
		for (l = 0; l < 4; l++) {
			nx[l][j] = at;
			at += h->c[l][j];
		}
		h->start[j + 1] = at;
	}
	if (sel == NULL) {
		for (k = 0; k < q; k++) {
			o[nx[0][gid[k]]++] = (uint32_t)k;
			o[nx[1][gid[q + k]]++] = (uint32_t)(q + k);
			o[nx[2][gid[2 * q + k]]++] = (uint32_t)(2 * q + k);
			o[nx[3][gid[3 * q + k]]++] = (uint32_t)(3 * q + k);
		}
		for (k = 4 * q; k < nsel; k++)
			o[nx[3][gid[k]]++] = (uint32_t)k;
	} else {
		for (k = 0; k < q; k++) {
			o[nx[0][gid[sel[k]]]++] = sel[k];
			o[nx[1][gid[sel[q + k]]]++] = sel[q + k];
			o[nx[2][gid[sel[2 * q + k]]]++] = sel[2 * q + k];
			o[nx[3][gid[sel[3 * q + k]]]++] = sel[3 * q + k];
		}
		for (k = 4 * q; k < nsel; k++)
			o[nx[3][gid[sel[k]]]++] = sel[k];
	}
	h->ordered = 1;
}

/*
 * Sums and counts of a table of ng <= FEW_GROUPS groups: each row adds
 * its value and nothing else; a column without NULLs adds the rows of
 * each group to the counts at once, and the range of the totals is
 * checked after the chunk, over all the groups (fast_update checks the
 * groups a chunk touched: the others passed when they were touched).
 * Totals and errors are fast_update's: sums are exact (doubles are
 * added in the same order). 0 when fast_update must run instead.
 */
static int few_update(const struct agg_spec *sp, struct agg_st *st, size_t ng,
    const uint32_t *gid, const struct sql_vec *v, const uint32_t *sel,
    size_t nsel, struct hist *h)
{
	const uint8_t *nl = v->null;
	const int64_t *cnt;
	size_t k, j;
	int dec = v->t.id == T_DECIMAL, dbl = v->t.id == T_DOUBLE;

	if (sp->fn != AGG_SUM && sp->fn != AGG_AVG && sp->fn != AGG_COUNT)
		return 0;
	if (sp->fn != AGG_COUNT && !dec && !dbl && !sql_is_intlike(v->t.id))
		return 0;
	if (sp->fn != AGG_COUNT && dec && v->t.prec > 30) {
		/* wider decimals (products) add unchecked only when no add
		 * can wrap: every value below 2^99, every total below 2^126
		 * (2^126 + 2^11 * 2^99 < 2^127); the values' bits may say
		 * so without a look */
		uint64_t acc = 0;
		for (k = 0; (v->bits == 0 || v->bits > 99) && k < nsel; k++) {
			uint64_t w[2];
			memcpy(w, &v->v.x[sel ? sel[k] : k], 16);
			acc |= (w[1] + ((uint64_t)1 << 35)) >> 36;
		}
		for (j = 0; j < ng; j++) {
			uint64_t w[2];
			memcpy(w, &st[j].v.x, 16);
			acc |= (w[1] + ((uint64_t)1 << 62)) >> 63;
		}
		if (acc != 0)
			return 0;
	}
	if (nl == NULL) {
		cnt = hist_of(h, gid, ng, sel, nsel);
		for (j = 0; j < ng; j++)
			st[j].n += cnt[j];
	}
#define FEW_LOOP(add) do { \
		if (nl == NULL && sel == NULL) \
			for (k = 0; k < nsel; k++) { \
				struct agg_st *s = &st[gid[k]]; \
				size_t i = k; \
				add; \
			} \
		else if (nl == NULL) \
			for (k = 0; k < nsel; k++) { \
				size_t i = sel[k]; \
				struct agg_st *s = &st[gid[i]]; \
				add; \
			} \
		else \
			for (k = 0; k < nsel; k++) { \
				size_t i = sel ? sel[k] : k; \
				struct agg_st *s = &st[gid[i]]; \
				if (nl[i]) \
					continue; \
				add; \
				s->n++; \
			} \
	} while (0)
	if (sp->fn != AGG_COUNT && nl == NULL) {
		/* each group's rows in turn, its total in a register: adding
		 * into the states row by row waits on the store of the row
		 * before whenever they share a group (Q1 at SF1: 4 groups,
		 * 7 sums; 22% of its time was that wait). Within a group the
		 * rows keep their order: doubles add up as before. */
		hist_order(h, gid, ng, sel, nsel);
		for (j = 0; j < ng; j++) {
			const uint32_t *o = h->ord + h->start[j];
			size_t m = h->start[j + 1] - h->start[j];
			if (m == 0)
				continue;
			if (dec && (v->t.prec <= 15 ||
			    (v->bits != 0 && v->bits <= 50)) && m <= 8192) {
				/* |value| < 10^15 < 2^50 (or its bits say
				 * < 2^50): the sum of 8192 of them fits 64
				 * bits, and each value is its low word
				 * (little-endian, as arith_dec takes it) */
				const int64_t *w = (const int64_t *)v->v.x;
				int64_t t0 = 0, t1 = 0;
				for (k = 0; k + 1 < m; k += 2) {
					t0 += w[2 * (size_t)o[k]];
					t1 += w[2 * (size_t)o[k + 1]];
				}
				if (k < m)
					t0 += w[2 * (size_t)o[k]];
				st[j].v.x += (__int128)t0 + t1;
			} else if (dec) {
				/* two totals: each add waits on its own */
				__int128 t0 = 0, t1 = 0;
				for (k = 0; k + 1 < m; k += 2) {
					t0 += v->v.x[o[k]];
					t1 += v->v.x[o[k + 1]];
				}
				if (k < m)
					t0 += v->v.x[o[k]];
				st[j].v.x += t0 + t1;
			} else if (dbl) {
				double t = st[j].v.d;
				for (k = 0; k < m; k++)
					t += v->v.d[o[k]];
				st[j].v.d = t;
			} else {
				__int128 t = 0;
				for (k = 0; k < m; k++)
					t += v->v.i[o[k]];
				st[j].v.x += t;
			}
		}
	} else if (sp->fn == AGG_COUNT) {
		if (nl != NULL)
			for (k = 0; k < nsel; k++) {
				size_t i = sel ? sel[k] : k;
				st[gid[i]].n += !nl[i];
			}
	} else if (dec)
		FEW_LOOP(s->v.x += v->v.x[i]);
	else if (dbl)
		FEW_LOOP(s->v.d += v->v.d[i]);
	else
		FEW_LOOP(s->v.x += v->v.i[i]);
#undef FEW_LOOP
	if (sp->fn != AGG_COUNT && dec && v->t.prec <= 30) {
		/* fast_update's bound: a total below 10^38 plus a chunk of
		 * values below 10^30 cannot wrap */
		__int128 lim = sql_pow10(38);
		for (j = 0; j < ng; j++)
			if (st[j].v.x >= lim || st[j].v.x <= -lim)
				return -1;
	}
	return 1;
}

/*
 * e over the rows sel[0..nsel) of in alone, into *out of in->n rows:
 * those rows' values at their places, NULL elsewhere. An aggregate's
 * argument that fails on a row its FILTER drops is no error (as in
 * PostgreSQL): it is evaluated again this way.
 */
static int eval_kept(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, const uint32_t *sel, size_t nsel,
    struct sql_vec *out, struct sql_arena *a)
{
	struct sql_chunk dense;
	struct sql_vec dv;
	struct sql_val v;
	size_t k;
	int rc;

	memset(&dense, 0, sizeof(dense));
	if (sql_chunk_gather(in, sel, nsel, &dense, a) != 0)
		return oom(x);
	if ((rc = sql_eval(x, e, &dense, &dv, a)) != 0)
		return rc;
	if (sql_vec_alloc(out, dv.t, in->n, a) != 0 ||
	    (out->null = sql_arena_alloc(a, in->n + 1)) == NULL)
		return oom(x);
	memset(out->null, 1, in->n);
	if (dv.t.id != T_NULL)
		memset(out->v.p, 0, in->n * (dv.t.id == T_DECIMAL ? 16 :
		    sql_is_strlike(dv.t.id) ? sizeof(struct sql_str) :
		    dv.t.id == T_INTERVAL ? sizeof(struct sql_interval) : 8));
	for (k = 0; k < nsel; k++) {
		sql_vec_get(&dv, k, &v);
		if (sql_vec_set(out, sel[k], &v, a) != RDB_OK)
			return oom(x);
	}
	return 0;
}

/* Evaluate the FILTER, argument and separator of aggregate a over in. */
static int agg_eval(struct exec *x, struct agg_op *g, size_t a,
    const struct sql_chunk *in, struct ain *ai)
{
	struct agg_spec *sp = &g->aggs[a];
	int rc;

	if (g->same[a] >= 0) {  /* the inputs of an earlier state */
		*ai = ai[g->same[a] - (int)a];
		return 0;
	}
	memset(ai, 0, sizeof(*ai));
	ai->nsel = in->n;
	if (sp->filter != NULL) {
		ai->sel = sql_arena_alloc(&g->scratch, 4 * in->n + 4);
		if (ai->sel == NULL)
			return oom(x);
		rc = sql_eval_filter(x, g->xfilter[a], in, ai->sel, &ai->nsel,
		    &g->scratch);
		if (rc != 0)
			return rc;
	}
	if (sp->fn == AGG_COUNT_STAR)
		return 0;
	if ((rc = sql_eval(x, g->xarg[a], in, &ai->v, &g->scratch)) != 0) {
		if (ai->sel == NULL || ai->nsel == in->n || rc != RDB_ESQL)
			return rc;
		rdb_err_clear(&x->cx.err);
		if ((rc = eval_kept(x, g->xarg[a], in, ai->sel, ai->nsel,
		    &ai->v, &g->scratch)) != 0)
			return rc;
	}
	if (sp->fn == AGG_STRING_AGG && sp->arg2 != NULL &&
	    (rc = sql_eval(x, sp->arg2, in, &ai->sep, &g->scratch)) != 0) {
		if (ai->sel == NULL || ai->nsel == in->n || rc != RDB_ESQL)
			return rc;
		rdb_err_clear(&x->cx.err);
		if ((rc = eval_kept(x, sp->arg2, in, ai->sel, ai->nsel,
		    &ai->sep, &g->scratch)) != 0)
			return rc;
	}
	return 0;
}

/* One group (no GROUP BY): sums in registers. 0 when the general path
 * must run, -1 on overflow. */
static int one_group_update(const struct agg_spec *sp, struct agg_st *s,
    const struct sql_vec *v, const uint32_t *sel, size_t nsel)
{
	const uint8_t *nl = v->null;
	size_t k;
	int64_t n = 0;

	if (sp->fn != AGG_SUM && sp->fn != AGG_AVG && sp->fn != AGG_COUNT)
		return 0;
	if (sp->fn == AGG_COUNT) {
		for (k = 0; k < nsel; k++)
			n += nl == NULL || !nl[sel ? sel[k] : k];
		s->n += n;
		return 1;
	}
	if (v->t.id == T_DECIMAL && v->t.prec <= 30) {
		/* a chunk adds less than 2^11 * 10^30 < 2^122 to a total kept
		 * below 10^38: no wrap before the check */
		__int128 acc = 0, lim = sql_pow10(38);
		if (sel == NULL && nl == NULL) {
			for (k = 0; k < nsel; k++)
				acc += v->v.x[k];
			n = (int64_t)nsel;
		} else {
			for (k = 0; k < nsel; k++) {
				size_t i = sel ? sel[k] : k;
				if (nl != NULL && nl[i])
					continue;
				acc += v->v.x[i];
				n++;
			}
		}
		s->v.x += acc;
		s->n += n;
		return s->v.x >= lim || s->v.x <= -lim ? -1 : 1;
	}
	if (sql_is_intlike(v->t.id)) {
		__int128 acc = 0;
		for (k = 0; k < nsel; k++) {
			size_t i = sel ? sel[k] : k;
			if (nl != NULL && nl[i])
				continue;
			acc += v->v.i[i];
			n++;
		}
		s->v.x += acc;
		s->n += n;
		return 1;
	}
	if (v->t.id == T_DOUBLE) {
		double acc = 0;
		for (k = 0; k < nsel; k++) {
			size_t i = sel ? sel[k] : k;
			if (nl != NULL && nl[i])
				continue;
			acc += v->v.d[i];
			n++;
		}
		s->v.d += acc;
		s->n += n;
		return 1;
	}
	return 0;
}

/* Add value i of v (not NULL) to state s of aggregate sp; sep is
 * string_agg's separator; text bytes held are counted in *sbytes. */
int agg_state_add(struct exec *x, const struct agg_spec *sp,
    struct agg_st *s, const struct sql_vec *vp, const struct sql_vec *sepp,
    size_t i, size_t *sbytes)
{
	const struct sql_vec v = *vp, sep = *sepp;

	switch (sp->fn) {
	case AGG_COUNT:
		break;
	case AGG_SUM: case AGG_AVG:
		if (v.t.id == T_DOUBLE)
			s->v.d += v.v.d[i];
		else if (v.t.id == T_DECIMAL) {
			if (__builtin_add_overflow(s->v.x, v.v.x[i], &s->v.x))
				return sql_error(&x->cx, "sum out of range (overflow)");
		} else {
			if (__builtin_add_overflow(s->v.x, (__int128)v.v.i[i],
			    &s->v.x))
				return sql_error(&x->cx, "sum out of range (overflow)");
		}
		break;
	case AGG_MIN: case AGG_MAX: {
		struct sql_val cur, nv;
		int c;
		sql_vec_get(&v, i, &nv);
		if (s->n == 0) {
			c = 1;
		} else {
			cur.t = v.t;
			cur.null = 0;
			if (sql_is_strlike(v.t.id)) {
				cur.u.s.p = s->buf;
				cur.u.s.n = s->len;
			} else if (v.t.id == T_DOUBLE) {
				cur.u.d = s->v.d;
			} else if (v.t.id == T_DECIMAL) {
				cur.u.x = s->v.x;
			} else if (v.t.id == T_INTERVAL) {
				memcpy(&cur.u.iv, &s->v.x, sizeof(cur.u.iv));
			} else {
				cur.u.i = s->v.i;
			}
			c = sql_val_cmp(&nv, &cur);
			c = sp->fn == AGG_MIN ? c < 0 : c > 0;
		}
		if (c) {
			if (sql_is_strlike(v.t.id)) {
				if (str_put(s, sbytes, nv.u.s.p, nv.u.s.n,
				    0) != 0)
					return oom(x);
			} else if (v.t.id == T_DOUBLE) {
				s->v.d = nv.u.d;
			} else if (v.t.id == T_DECIMAL) {
				s->v.x = nv.u.x;
			} else if (v.t.id == T_INTERVAL) {
				memcpy(&s->v.x, &nv.u.iv, sizeof(nv.u.iv));
			} else {
				s->v.i = nv.u.i;
			}
		}
		break;
	}
	case AGG_STDDEV: case AGG_STDDEV_POP: case AGG_VARIANCE:
	case AGG_VAR_POP: {
		double d = v.t.id == T_DOUBLE ? v.v.d[i] : v.t.id == T_DECIMAL ?
		    sql_dec_to_double(v.v.x[i], v.t.scale) : (double)v.v.i[i];
		double delta = d - s->mean;
		s->mean += delta / (double)(s->n + 1);
		s->m2 += delta * (d - s->mean);
		break;
	}
	case AGG_STRING_AGG: {
		if (s->n > 0) {
			const char *sp2 = ",";
			uint32_t sn = 1;
			if (sp->arg2 != NULL) {
				if (sep.null != NULL && sep.null[i]) {
					sn = 0;
				} else {
					sp2 = sep.v.s[i].p;
					sn = sep.v.s[i].n;
				}
			}
			if (str_put(s, sbytes, sp2, sn, 1) != 0)
				return oom(x);
		}
		if (str_put(s, sbytes, v.v.s[i].p, v.v.s[i].n, 1) != 0)
			return sql_error(&x->cx, "string_agg result too long");
		break;
	}
	case AGG_BOOL_AND:
		s->v.i = s->n == 0 ? v.v.i[i] != 0 : (s->v.i && v.v.i[i]);
		break;
	case AGG_BOOL_OR:
		s->v.i = s->n == 0 ? v.v.i[i] != 0 : (s->v.i || v.v.i[i]);
		break;
	}
	s->n++;
	return 0;
}

/* Update aggregate a with the rows ai->sel (of groups g->gid). */
static int agg_apply(struct exec *x, struct agg_op *g, size_t a,
    const struct ain *ai, struct hist *h)
{
	struct agg_spec *sp = &g->aggs[a];
	struct agg_st *st = g->st[a];
	struct sql_vec v = ai->v, sep = ai->sep;
	const uint32_t *sel = ai->sel;
	size_t nsel = ai->nsel, k;
	int rc;

	if (sp->fn == AGG_COUNT_STAR) {
		if (g->ngroups > 0 && g->ng <= FEW_GROUPS) {
			const int64_t *cnt = hist_of(h, g->gid, g->ng, sel, nsel);
			for (k = 0; k < g->ng; k++)
				st[k].n += cnt[k];
			return 0;
		}
		for (k = 0; k < nsel; k++)
			st[g->gid[sel ? sel[k] : k]].n++;
		return 0;
	}
	if (sp->fn == AGG_NULLS) {
		if (v.t.id == T_NULL)
			for (k = 0; k < nsel; k++)
				st[g->gid[sel ? sel[k] : k]].n++;
		else if (v.null != NULL)
			for (k = 0; k < nsel; k++) {
				size_t i = sel ? sel[k] : k;
				st[g->gid[i]].n += v.null[i];
			}
		return 0;
	}
	if (g->ngroups == 0 && !sp->distinct && v.t.id != T_NULL &&
	    (rc = one_group_update(sp, &st[0], &v, sel, nsel)) != 0)
		return rc > 0 ? 0 : sql_error(&x->cx, "sum out of range "
		    "(overflow)");
	if (g->ngroups > 0 && g->ng <= FEW_GROUPS && !sp->distinct &&
	    v.t.id != T_NULL &&
	    (rc = few_update(sp, st, g->ng, g->gid, &v, sel, nsel, h)) != 0)
		return rc > 0 ? 0 : sql_error(&x->cx, "sum out of range "
		    "(overflow)");
	if (!sp->distinct && v.t.id != T_NULL &&
	    (rc = fast_update(sp, st, g->gid, &v, sel, nsel)) != 0)
		return rc > 0 ? 0 : sql_error(&x->cx, "sum out of range "
		    "(overflow)");
	if (sp->distinct && v.t.id != T_NULL) {
		/* the set's slots are hashed (and fetched) DSET_AHEAD rows
		 * before they are looked at: a set larger than the cache
		 * misses on nearly every row (TPC-H Q16: 118,000 pairs,
		 * 63% of dset_add's time was the load of the slot) */
#define DSET_AHEAD 8
		struct dset *d = &g->ds[a];
		uint64_t hr[DSET_AHEAD];
		for (k = 0; k < nsel + DSET_AHEAD; k++) {
			size_t i;
			if (k >= DSET_AHEAD) {
				/* row k - DSET_AHEAD, before its hash's place
				 * takes row k's */
				i = sel ? sel[k - DSET_AHEAD] : k - DSET_AHEAD;
				if (v.null == NULL || !v.null[i]) {
					rc = dset_add(x, d, g->gid[i], &v, i,
					    hr[k % DSET_AHEAD]);
					if (rc < 0)
						return rc;
					if (rc > 0 && (rc = agg_state_add(x, sp,
					    &st[g->gid[i]], &v, &sep, i,
					    &g->sbytes)) != 0)
						return rc;
				}
			}
			if (k < nsel) {
				i = sel ? sel[k] : k;
				if (v.null == NULL || !v.null[i]) {
					hr[k % DSET_AHEAD] = dset_hash(g->gid[i],
					    &v, i);
					__builtin_prefetch(&d->slot[hr[k %
					    DSET_AHEAD] & d->mask]);
				}
			}
		}
#undef DSET_AHEAD
		return 0;
	}
	for (k = 0; k < nsel; k++) {
		size_t i = sel ? sel[k] : k;
		struct agg_st *s = &st[g->gid[i]];
		if (v.t.id == T_NULL || (v.null != NULL && v.null[i]))
			continue;
		if ((rc = agg_state_add(x, sp, s, &v, &sep, i, &g->sbytes)) != 0)
			return rc;
	}
	return 0;
}

/* Fold state b (of a worker, or read back) into state a, for aggregate
 * sp. Into a state that saw nothing, b is copied exactly. */
static int merge_state(struct exec *x, struct agg_op *g,
    const struct agg_spec *sp, struct agg_st *a, const struct agg_st *b)
{
	if (b->n == 0)
		return 0;
	switch (sp->fn) {
	case AGG_COUNT_STAR: case AGG_COUNT:
		break;
	case AGG_SUM: case AGG_AVG:
		if (sp->arg->t.id == T_DOUBLE)
			a->v.d += b->v.d;
		else if (__builtin_add_overflow(a->v.x, b->v.x, &a->v.x))
			return sql_error(&x->cx, "sum out of range (overflow)");
		break;
	case AGG_MIN: case AGG_MAX: {
		struct sql_val va, vb;
		int better;
		if (a->n == 0) {
			better = 1;
		} else {
			va.t = vb.t = sp->arg->t;
			va.null = vb.null = 0;
			if (sql_is_strlike(va.t.id)) {
				va.u.s.p = a->buf;
				va.u.s.n = a->len;
				vb.u.s.p = b->buf;
				vb.u.s.n = b->len;
			} else if (va.t.id == T_DOUBLE) {
				va.u.d = a->v.d;
				vb.u.d = b->v.d;
			} else if (va.t.id == T_DECIMAL) {
				va.u.x = a->v.x;
				vb.u.x = b->v.x;
			} else if (va.t.id == T_INTERVAL) {
				memcpy(&va.u.iv, &a->v.x, sizeof(va.u.iv));
				memcpy(&vb.u.iv, &b->v.x, sizeof(vb.u.iv));
			} else {
				va.u.i = a->v.i;
				vb.u.i = b->v.i;
			}
			better = sql_val_cmp(&vb, &va);
			better = sp->fn == AGG_MIN ? better < 0 : better > 0;
		}
		if (better) {
			if (sql_is_strlike(sp->arg->t.id)) {
				if (str_put(a, &g->sbytes, b->buf, b->len, 0) != 0)
					return oom(x);
			} else {
				a->v = b->v;
			}
		}
		break;
	}
	case AGG_STDDEV: case AGG_STDDEV_POP: case AGG_VARIANCE:
	case AGG_VAR_POP: {
		double na = (double)a->n, nb = (double)b->n, n = na + nb;
		double delta = b->mean - a->mean;
		if (a->n == 0) {
			a->mean = b->mean;
			a->m2 = b->m2;
			break;
		}
		a->m2 += b->m2 + delta * delta * na * nb / n;
		a->mean += delta * nb / n;
		break;
	}
	case AGG_STRING_AGG:
		if (a->n > 0) {
			const char *sep = ",";
			uint32_t sn = 1;
			if (sp->arg2 != NULL) {
				sep = sp->arg2->val.null ? "" : sp->arg2->val.u.s.p;
				sn = sp->arg2->val.null ? 0 : sp->arg2->val.u.s.n;
			}
			if (str_put(a, &g->sbytes, sep, sn, 1) != 0)
				return oom(x);
		}
		if (str_put(a, &g->sbytes, b->buf, b->len, 1) != 0)
			return sql_error(&x->cx, "string_agg result too long");
		break;
	case AGG_BOOL_AND:
		a->v.i = a->n == 0 ? b->v.i : (a->v.i && b->v.i);
		break;
	case AGG_BOOL_OR:
		a->v.i = a->n == 0 ? b->v.i : (a->v.i || b->v.i);
		break;
	}
	a->n += b->n;
	return 0;
}

/* ---- partitions on disk ---- */

static int write_error(struct exec *x, int err)
{
	return sql_error(&x->cx, "cannot write the aggregate's temporary "
	    "file: %s", strerror(err));
}

static int damaged(struct exec *x)
{
	return sql_error(&x->cx, "the aggregate's temporary file is damaged");
}

static int interrupted(struct exec *x)
{
	if ((x->cx.interrupt == NULL || !*x->cx.interrupt) &&
	    (x->abort == NULL || !*x->abort))
		return 0;
	x->cx.err.code = RDB_EINTR;
	snprintf(x->cx.err.msg, sizeof(x->cx.err.msg), "interrupted");
	return RDB_EINTR;
}

/* Write out the buffer of w, creating its file at the first time. */
static int pw_flush(struct exec *x, struct pwriter *w)
{
	size_t done = 0;
	int rc;

	if (w->n == 0)
		return 0;
	if (w->f.fd < 0 && (rc = spill_tmpfile(x, "aggregate's", &w->f.fd)) != 0)
		return rc;
	while (done < w->n) {
		ssize_t r = write(w->f.fd, w->buf + done, w->n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return write_error(x, r < 0 ? errno : ENOSPC);
		done += (size_t)r;
	}
	w->f.len += w->n;
	w->n = 0;
	return 0;
}

static int pw_put(struct exec *x, struct pwriter *w, size_t cap,
    const void *p, size_t n)
{
	const uint8_t *b = p;
	int rc;

	while (n > 0) {
		size_t k = cap - w->n;
		if (k == 0) {
			if ((rc = pw_flush(x, w)) != 0)
				return rc;
			k = cap;
		}
		if (k > n)
			k = n;
		memcpy(w->buf + w->n, b, k);
		w->n += k;
		b += k;
		n -= k;
	}
	return 0;
}

/* The partition of hash h at level depth. */
static unsigned part_of(uint64_t h, unsigned depth)
{
	return (unsigned)(h >> (64 - AGG_BITS * (depth + 1))) &
	    (AGG_FANOUT - 1);
}

/* Append the record rec[0..len) to the partition of hash h. */
static int spill_put(struct exec *x, struct agg_op *g, uint64_t h,
    const uint8_t *rec, size_t len)
{
	struct pwriter *w;
	uint32_t u = (uint32_t)len;
	int rc;

	if (g->sp == NULL) {
		size_t p;
		if ((g->sp = calloc(1, sizeof(*g->sp))) == NULL)
			return oom(x);
		for (p = 0; p < AGG_FANOUT; p++)
			g->sp->w[p].f.fd = -1;
		g->sp->depth = g->depth;
		g->sp->cap = g->iobuf;
	}
	w = &g->sp->w[part_of(h, g->sp->depth)];
	if (w->buf == NULL && (w->buf = malloc(g->sp->cap)) == NULL)
		return oom(x);
	if ((rc = pw_put(x, w, g->sp->cap, &u, 4)) != 0 ||
	    (rc = pw_put(x, w, g->sp->cap, rec, len)) != 0)
		return rc;
	if (u > w->f.maxrec)
		w->f.maxrec = u;
	return 0;
}

static void spill_free(struct agg_op *g)
{
	size_t p;

	if (g->sp == NULL)
		return;
	for (p = 0; p < AGG_FANOUT; p++) {
		if (g->sp->w[p].f.fd >= 0)
			close(g->sp->w[p].f.fd);
		free(g->sp->w[p].buf);
	}
	free(g->sp);
	g->sp = NULL;
}

static void part_close(struct part *pt)
{
	size_t i;

	for (i = 0; i < pt->nf; i++)
		close(pt->f[i].fd);
	free(pt->f);
	pt->f = NULL;
	pt->nf = 0;
}

/*
 * The spills of tables tabs[0..n) (of one level) are complete: write
 * out their buffers, and push partition p, the files p of every table
 * in table order, on the stack of g.
 */
static int spill_end(struct exec *x, struct agg_op *g, struct agg_op **tabs,
    size_t n)
{
	size_t t, p, k;
	unsigned depth = 0;
	int rc;

	for (t = 0; t < n; t++) {
		if (tabs[t]->sp == NULL)
			continue;
		depth = tabs[t]->sp->depth;
		for (p = 0; p < AGG_FANOUT; p++)
			if ((rc = pw_flush(x, &tabs[t]->sp->w[p])) != 0)
				return rc;
	}
	for (p = 0; p < AGG_FANOUT; p++) {
		struct part pt;
		pt.nf = 0;
		for (t = 0; t < n; t++)
			if (tabs[t]->sp != NULL && tabs[t]->sp->w[p].f.fd >= 0)
				pt.nf++;
		if (pt.nf == 0)
			continue;
		if (g->nparts == g->capparts) {
			size_t cap = g->capparts ? g->capparts * 2 : AGG_FANOUT;
			struct part *np = realloc(g->parts, cap * sizeof(*np));
			if (np == NULL)
				return oom(x);
			g->parts = np;
			g->capparts = cap;
		}
		if ((pt.f = calloc(pt.nf, sizeof(*pt.f))) == NULL)
			return oom(x);
		pt.depth = depth;
		for (t = k = 0; t < n; t++) {
			struct pwriter *w;
			if (tabs[t]->sp == NULL)
				continue;
			w = &tabs[t]->sp->w[p];
			if (w->f.fd < 0)
				continue;
			pt.f[k++] = w->f;
			w->f.fd = -1;
		}
		g->parts[g->nparts++] = pt;
		g->nspilled++;
		if (depth + 1 > g->levels)
			g->levels = depth + 1;
	}
	for (t = 0; t < n; t++)
		spill_free(tabs[t]);
	return 0;
}

/* ---- records ---- */

static int rec_add(struct exec *x, struct agg_op *g, const void *p, size_t n)
{
	if (n > (size_t)UINT32_MAX - g->reclen)
		return sql_error(&x->cx, "a group of more than 4 GB cannot be "
		    "written to a temporary file");
	if (n > g->reccap - g->reclen) {
		size_t cap = g->reccap ? g->reccap : 256;
		uint8_t *b;
		while (cap - g->reclen < n)
			cap *= 2;
		b = realloc(g->rec, cap);
		if (b == NULL)
			return oom(x);
		g->rec = b;
		g->reccap = cap;
	}
	if (n)
		memcpy(g->rec + g->reclen, p, n);
	g->reclen += n;
	return 0;
}

/* Append value v, held as type tid, to the record (spill.h). */
static int rec_val(struct exec *x, struct agg_op *g, int tid,
    const struct sql_val *v)
{
	uint8_t head[17];
	size_t hn, tn;
	const void *tail;
	int rc;

	spill_val_encode(tid, v, head, &hn, &tail, &tn);
	if ((rc = rec_add(x, g, head, hn)) != 0 || tn == 0)
		return rc;
	return rec_add(x, g, tail, tn);
}

/* Start a record of kind with the keys of group gid. */
static int rec_keys(struct exec *x, struct agg_op *g, int kind, size_t gid)
{
	uint8_t b = (uint8_t)kind;
	struct sql_val v;
	size_t c;
	int rc;

	g->reclen = 0;
	if ((rc = rec_add(x, g, &b, 1)) != 0)
		return rc;
	for (c = 0; c < g->ngroups; c++) {
		rs_get(&g->keys, c, gid, &v);
		if ((rc = rec_val(x, g, g->keys.types[c].id, &v)) != 0)
			return rc;
	}
	return 0;
}

/* Empty DISTINCT set d. Its arrays go back to their first sizes: the
 * table counts them among what it holds, and arrays kept from a big set
 * would leave the next table (of a partition, after an eviction) no
 * room for more than one group, each partition then spilling all but
 * one of its groups to the next level. */
static void dset_reset(struct dset *d)
{
	struct rowstore rs;
	uint32_t *slot;
	uint64_t *hash;

	if (d->mask > 1023 && (slot = calloc(1024, sizeof(*slot))) != NULL) {
		if ((hash = calloc(512, sizeof(*hash))) != NULL) {
			free(d->slot);
			free(d->hash);
			d->slot = slot;
			d->hash = hash;
			d->mask = 1023;
		} else {
			free(slot);
		}
	}
	memset(d->slot, 0, (d->mask + 1) * sizeof(*d->slot));
	if (rs_init(&rs, d->rs.ncols, d->rs.types) == RDB_OK) {
		rs_release(&d->rs);
		d->rs = rs;
	} else {
		rs_release(&rs);
		d->rs.n = 0;
		sql_arena_reset(&d->rs.text);
	}
	d->n = 0;
}

/* Empty the table (keeping its arrays) for other groups. */
static void table_reset(struct agg_op *g)
{
	size_t a, i;

	for (a = 0; a < g->naggs; a++) {
		for (i = 0; i < g->ng && AGG_TEXT_STATE(&g->aggs[a]); i++)
			free(g->st[a][i].buf);
		if (g->ng)
			memset(g->st[a], 0, g->ng * sizeof(struct agg_st));
		if (g->aggs[a].distinct)
			dset_reset(&g->ds[a]);
	}
	g->keys.n = 0;
	sql_arena_reset(&g->keys.text);
	g->zn = NULL;           /* a spill: the partitions decide */
	rdb_big_free(g->cmap);  /* its groups are gone */
	g->cmap = NULL;
	memset(g->slot, 0, (g->mask + 1) * sizeof(*g->slot));
	if (g->dmap != NULL)
		memset(g->dmap, 0, g->drange * sizeof(*g->dmap));
	g->null_gid = NOGROUP;
	g->ng = 0;
	g->nftag = 0;
	g->sbytes = 0;
	g->outpos = 0;
	g->spilling = 0;
}

/* Write every group's states, then the values of its DISTINCT sets, to
 * its partition; empty the table, which takes no more groups. */
static int evict(struct exec *x, struct agg_op *g)
{
	size_t gid, a, k;
	int rc;

	for (gid = 0; gid < g->ng; gid++) {
		if ((rc = rec_keys(x, g, REC_STATES, gid)) != 0)
			return rc;
		for (a = 0; a < g->naggs; a++) {
			const struct agg_st *s = &g->st[a][gid];
			/* n, then the text (length, bytes) or the 16 bytes of
			 * the value or of Welford's mean and m2 */
			if ((rc = rec_add(x, g, &s->n, 8)) != 0)
				return rc;
			if (AGG_TEXT_STATE(&g->aggs[a])) {
				uint32_t l = s->n > 0 || s->buf != NULL ? s->len : 0;
				if ((rc = rec_add(x, g, &l, 4)) != 0 ||
				    (rc = rec_add(x, g, s->buf, l)) != 0)
					return rc;
			} else if ((rc = rec_add(x, g, &s->v, 16)) != 0) {
				return rc;
			}
		}
		if ((rc = spill_put(x, g, g->ghash[gid], g->rec, g->reclen)) != 0)
			return rc;
	}
	for (a = 0; a < g->naggs; a++) {
		const struct dset *d = &g->ds[a];
		uint32_t a32 = (uint32_t)a;
		if (!g->aggs[a].distinct)
			continue;
		for (k = 0; k < d->n; k++) {
			size_t id = (size_t)((const int64_t *)d->rs.vals[0])[k];
			struct sql_val v;
			rs_get(&d->rs, 1, k, &v);
			if ((rc = rec_keys(x, g, REC_DISTINCT, id)) != 0 ||
			    (rc = rec_add(x, g, &a32, 4)) != 0 ||
			    (rc = rec_val(x, g, d->rs.types[1].id, &v)) != 0 ||
			    (rc = spill_put(x, g, g->ghash[id], g->rec,
			    g->reclen)) != 0)
				return rc;
		}
	}
	table_reset(g);
	g->spilling = 1;
	return 0;
}

/* Write the rows of n whose groups are not in the table (gid NOGROUP)
 * to their partitions, with their keys kv and aggregate inputs ai. */
static int spill_rows(struct exec *x, struct agg_op *g, size_t n,
    const struct sql_vec *kv, const struct ain *ai)
{
	uint8_t **pass;
	size_t a, c, i, k;
	int rc;

	pass = sql_arena_alloc(&g->scratch, sizeof(*pass) * (g->naggs + 1));
	if (pass == NULL)
		return oom(x);
	for (a = 0; a < g->naggs; a++) {
		pass[a] = NULL;
		if (ai[a].sel == NULL)
			continue;
		if ((pass[a] = sql_arena_alloc(&g->scratch, n + 1)) == NULL)
			return oom(x);
		memset(pass[a], 0, n);
		for (k = 0; k < ai[a].nsel; k++)
			pass[a][ai[a].sel[k]] = 1;
	}
	for (i = 0; i < n; i++) {
		uint8_t b = REC_ROW;
		struct sql_val v;
		if (g->gid[i] != NOGROUP)
			continue;
		g->reclen = 0;
		if ((rc = rec_add(x, g, &b, 1)) != 0)
			return rc;
		for (c = 0; c < g->ngroups; c++) {
			sql_vec_get(&kv[c], i, &v);
			if ((rc = rec_val(x, g, g->keys.types[c].id, &v)) != 0)
				return rc;
		}
		for (a = 0; a < g->naggs; a++) {
			const struct agg_spec *sp = &g->aggs[a];
			if (pass[a] != NULL && !pass[a][i]) {
				b = 2;
				rc = rec_add(x, g, &b, 1);
			} else if (sp->fn == AGG_COUNT_STAR) {
				b = 1;
				rc = rec_add(x, g, &b, 1);
			} else {
				sql_vec_get(&ai[a].v, i, &v);
				if (sp->arg->t.id == T_NULL || v.t.id == T_NULL)
					v.null = 1;
				rc = rec_val(x, g, sp->arg->t.id, &v);
				if (rc == 0 && sp->fn == AGG_STRING_AGG &&
				    sp->arg2 != NULL && !v.null) {
					sql_vec_get(&ai[a].sep, i, &v);
					rc = rec_val(x, g, sp->arg2->t.id, &v);
				}
			}
			if (rc != 0)
				return rc;
		}
		if ((rc = spill_put(x, g, g->h[i], g->rec, g->reclen)) != 0)
			return rc;
	}
	return 0;
}

/* ---- aggregating rows ---- */

/* The rows of ai, which selects among the n input rows isel[0..nsel),
 * as those nsel rows alone: arguments gathered, selections renumbered. */
static int ain_dense(struct exec *x, struct agg_op *g, struct ain *ai,
    const uint32_t *isel, size_t nsel)
{
	size_t a, k, m;

	for (a = 0; a < g->naggs; a++) {
		struct ain *p = &ai[a];
		struct sql_vec v = p->v, sep = p->sep;
		if (g->same[a] >= 0) {
			*p = ai[g->same[a]];
			continue;
		}
		if (v.v.p != NULL && v.t.id != T_NULL &&
		    sql_vec_gather(&v, isel, nsel, &p->v, &g->scratch) != 0)
			return oom(x);
		if (sep.v.p != NULL && sep.t.id != T_NULL &&
		    sql_vec_gather(&sep, isel, nsel, &p->sep, &g->scratch) != 0)
			return oom(x);
		if (p->sel == isel) {
			p->sel = NULL;
			p->nsel = nsel;
			continue;
		}
		/* p->sel is within isel, both ascending */
		for (k = m = 0; k < p->nsel; k++) {
			while (isel[m] != p->sel[k])
				m++;
			p->sel[k] = (uint32_t)m;
		}
	}
	return 0;
}

/*
 * Aggregate n rows: keys kv, inputs ai. Rows of groups the table does
 * not take go to the partitions; the table is evicted when it has
 * grown past its budget. With isel, the rows are the input's
 * isel[0..nsel) (op_take_sel): kv holds those nsel rows alone, ai all
 * n (its selections within isel).
 */
static int clus_sorted(struct exec *x, struct agg_op *g, size_t n,
    const struct sql_vec *kv);

static int agg_rows(struct exec *x, struct agg_op *g, size_t n,
    const struct sql_vec *kv, struct ain *ai, const uint32_t *isel,
    size_t nsel)
{
	size_t nspill = 0, nkeep = 0, a, i, k, m;
	uint32_t *keep = NULL;
	struct hist h;
	int rc;

	h.valid = 0;
	h.ord = g->ord;

	if (g->ngroups == 0) {
		if (g->ng == 0) {
			if (grow_groups(g, 1) != 0)
				return oom(x);
			g->ng = 1;
		}
		for (i = 0; i < n; i++)
			g->gid[i] = 0;
	} else if (g->zn != NULL && g->zsorted &&
	    (rc = clus_sorted(x, g, isel ? nsel : n, kv)) <= 0) {
		if (rc < 0)
			return rc;
	} else if ((rc = find_groups(x, g, isel ? nsel : n, kv, can_spill(g),
	    &nspill)) != 0) {
		return rc;
	}
	if (isel != NULL && nspill > 0) {
		/* the spill writes rows one by one: as nsel rows */
		if ((rc = ain_dense(x, g, ai, isel, nsel)) != 0)
			return rc;
		n = nsel;
	} else if (isel != NULL && g->ngroups > 0) {
		/* the groups of the nsel rows to their input rows, in place
		 * (isel[k] >= k: each goes up, past those still to move) */
		for (k = nsel; k-- > 0; )
			g->gid[isel[k]] = g->gid[k];
	}
	if (nspill > 0) {
		if ((rc = spill_rows(x, g, n, kv, ai)) != 0)
			return rc;
		for (a = 0; a < g->naggs; a++) {
			uint32_t *sel = ai[a].sel;
			if (sel == NULL) {
				if (keep == NULL) {
					keep = sql_arena_alloc(&g->scratch, 4 * n + 4);
					if (keep == NULL)
						return oom(x);
					for (i = 0; i < n; i++)
						if (g->gid[i] != NOGROUP)
							keep[nkeep++] = (uint32_t)i;
				}
				ai[a].sel = keep;
				ai[a].nsel = nkeep;
				continue;
			}
			/* a new array: states with the same inputs share sel */
			ai[a].sel = sql_arena_alloc(&g->scratch, 4 * ai[a].nsel + 4);
			if (ai[a].sel == NULL)
				return oom(x);
			for (k = m = 0; k < ai[a].nsel; k++)
				if (g->gid[sel[k]] != NOGROUP)
					ai[a].sel[m++] = sel[k];
			ai[a].nsel = m;
		}
	}
	for (a = 0; a < g->naggs; a++)
		if ((rc = agg_apply(x, g, a, &ai[a], &h)) != 0)
			return rc;
	if (can_spill(g) && g->ng > 1 && table_bytes(g) > g->budget)
		return evict(x, g);
	return 0;
}

/* The keys kv and aggregate inputs ai of the rows of in. */
static int agg_inputs(struct exec *x, struct agg_op *g,
    const struct sql_chunk *in, struct sql_vec *kv, struct ain *ai)
{
	struct sql_chunk view;
	size_t a, c;
	int rc;

	if ((rc = sql_exprs_begin(x, &g->cse, in, &view, &g->scratch)) != 0)
		return rc;
	for (c = 0; c < g->ngroups; c++)
		if ((rc = sql_eval(x, g->cse.roots[c], &view, &kv[c],
		    &g->scratch)) != 0)
			return rc;
	for (a = 0; a < g->naggs; a++)
		if ((rc = agg_eval(x, g, a, &view, &ai[a])) != 0)
			return rc;
	return 0;
}

/* Inputs evaluated over a whole chunk of which only isel[0..nsel) are
 * rows: the keys of those rows gathered, the aggregates' selections
 * made within isel. */
static int sel_inputs(struct exec *x, struct agg_op *g, struct sql_vec *kv,
    struct ain *ai, const uint32_t *isel, size_t nsel)
{
	size_t a, c, k, m, j;

	for (c = 0; c < g->ngroups; c++) {
		struct sql_vec all = kv[c];
		if (sql_vec_gather(&all, isel, nsel, &kv[c], &g->scratch) != 0)
			return oom(x);
	}
	for (a = 0; a < g->naggs; a++) {
		struct ain *p = &ai[a];
		if (g->same[a] >= 0) {
			*p = ai[g->same[a]];
			continue;
		}
		if (p->sel == NULL) {
			/* read only from here on (agg_rows copies what it
			 * narrows) */
			p->sel = (uint32_t *)(uintptr_t)isel;
			p->nsel = nsel;
			continue;
		}
		/* both ascending: the rows in both */
		for (k = m = j = 0; k < p->nsel; k++) {
			while (j < nsel && isel[j] < p->sel[k])
				j++;
			if (j == nsel)
				break;
			if (isel[j] == p->sel[k])
				p->sel[m++] = p->sel[k];
		}
		p->nsel = m;
	}
	return 0;
}

/* ---- clustered keys ----
 *
 * A table loaded in the order of a key (lineitem by l_orderkey) has row
 * groups whose zone maps of the key do not overlap. A scan gives each
 * row group's rows one after the other, so once a chunk of another row
 * group comes, the groups of those before are complete: a flush takes
 * them out of the hash table (their keys and states stay where they
 * are), which then holds a row group's groups, not the whole table's,
 * and the tables of parallel parts hold different groups, appended
 * rather than merged. A key two row groups share (a range's end that is
 * the next one's start) stays in the table.
 */

/* The first of the n sorted values v[] not below k. */
static size_t lower_i64(const int64_t *v, size_t n, int64_t k)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Do two row groups both have key v? */
static int zone_amb(const struct zones *z, int64_t v)
{
	size_t i = lower_i64(z->amb, z->namb, v);

	return i < z->namb && z->amb[i] == v;
}

static void zones_free(struct zones *z)
{
	if (z == NULL)
		return;
	free(z->lo);
	free(z->hi);
	free(z->amb);
	free(z);
}

static int cmp_range(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 :
	    x[1] > y[1];
}

/* The zones of key c when it is a column of a table whose row groups'
 * ranges of it do not overlap; NULL otherwise. */
static struct zones *zones_of(struct exec *x, const struct agg_op *g,
    size_t c)
{
	const struct sql_expr *e = g->groups[c];
	const char *table;
	size_t tcol, n = 0, i;
	int64_t *lo = NULL, *hi = NULL, *pr = NULL;
	struct zones *z = NULL;

	if (e->k != E_COL || e->col < 0 || !sql_is_intlike(e->t.id) ||
	    op_col_source(g->o.kid[0], (size_t)e->col, &table, &tcol) != 0 ||
	    rdb_column_zones(x->txn, table, tcol, &lo, &hi, &n) != RDB_OK)
		return NULL;
	if (n < 2 || (pr = malloc(2 * n * sizeof(*pr))) == NULL ||
	    (z = calloc(1, sizeof(*z))) == NULL)
		goto no;
	for (i = 0; i < n; i++) {
		pr[2 * i] = lo[i];
		pr[2 * i + 1] = hi[i];
	}
	qsort(pr, n, 2 * sizeof(*pr), cmp_range);
	for (i = 0; i < n; i++) {
		lo[i] = pr[2 * i];
		hi[i] = pr[2 * i + 1];
		if (lo[i] > hi[i] || (i > 0 && hi[i - 1] > lo[i]))
			goto no;
		if (i > 0 && hi[i - 1] == lo[i])
			pr[z->namb++] = lo[i];
	}
	if ((z->amb = malloc((z->namb + 1) * sizeof(*z->amb))) == NULL)
		goto no;
	/* [5,5] [5,5] [5,9]: 5 once */
	{
		size_t m = 0;
		for (i = 0; i < z->namb; i++)
			if (m == 0 || pr[i] != z->amb[m - 1])
				z->amb[m++] = pr[i];
		z->namb = m;
	}
	z->n = n;
	z->lo = lo;
	z->hi = hi;
	free(pr);
	return z;
no:
	free(pr);
	free(lo);
	free(hi);
	free(z);
	return NULL;
}

/* Cluster g on the first key that allows it (a spill turns it off:
 * table_reset). */
static void clus_setup(struct exec *x, struct agg_op *g)
{
	size_t c;

	if (g->nseed > 0)
		return;
	for (c = 0; c < g->ngroups && g->zn == NULL; c++)
		if ((g->zown = zones_of(x, g, c)) != NULL) {
			g->zn = g->zown;
			g->zkey = c;
			g->zsorted = g->intkey;
			snprintf(g->o.detail + strlen(g->o.detail),
			    sizeof(g->o.detail) - strlen(g->o.detail),
			    ", key %zu clustered", c + 1);
		}
}

/* The slot of group gid (in the slots). Every slot's place is its
 * group's hash (slot_hash of its tag is ghash). */
static size_t slot_of(const struct agg_op *g, size_t gid)
{
	size_t p = g->ghash[gid] & g->mask;

	while (g->slot[p].gid1 != gid + 1)
		p = (p + 1) & g->mask;
	return p;
}

/* Take the groups made since the last flush out of the slots, but for
 * those whose key two row groups share. */
static int clus_flush(struct exec *x, struct agg_op *g)
{
	const struct zones *z = g->zn;
	const int64_t *kv = (const int64_t *)g->keys.vals[g->zkey];
	size_t a0, a1, i, j, p, nk = g->nzkept;

	/* the shared values the chunks since the last flush may have */
	a0 = lower_i64(z->amb, z->namb, z->lo[g->ztlo]);
	a1 = lower_i64(z->amb, z->namb, z->hi[g->zthi]);
	if (a1 < z->namb && z->amb[a1] == z->hi[g->zthi])
		a1++;
	for (i = g->zdone; i < g->ng && a1 > a0; i++) {
		int m = 0;
		for (j = a0; j < a1; j++)
			m |= kv[i] == z->amb[j];
		if (!m)
			continue;
		if (nk == g->capzkept) {
			size_t cap = g->capzkept ? 2 * g->capzkept : 64;
			struct gslot *k = realloc(g->zkept, cap * sizeof(*k));
			if (k == NULL)
				return oom(x);
			g->zkept = k;
			g->capzkept = cap;
		}
		if (g->intkey) {        /* its tag is its key */
			g->zkept[nk].tag = (uint64_t)kv[i];
			g->zkept[nk].gid1 = (uint32_t)(i + 1);
			g->zkept[nk++].pad = 0;
		} else {
			g->zkept[nk++] = g->slot[slot_of(g, i)];
		}
	}
	g->nzkept = nk;
	/* slots hold no pointer: zeroed whole, the kept ones put back */
	memset(g->slot, 0, (g->mask + 1) * sizeof(*g->slot));
	for (i = 0; i < nk; i++) {
		p = slot_hash(g, g->zkept[i].tag) & g->mask;
		while (g->slot[p].gid1 != 0)
			p = (p + 1) & g->mask;
		g->slot[p] = g->zkept[i];
	}
	g->zdone = g->ng;
	g->zlive = 0;
	g->zsorted = g->intkey;
	return 0;
}

/* The groups of the chunks since the last flush into the slots: the
 * rows from now on are looked up (until the next flush). */
static int clus_unsort(struct exec *x, struct agg_op *g)
{
	const int64_t *kv = (const int64_t *)g->keys.vals[0];
	size_t i, p;

	g->zsorted = 0;
	while ((g->nzkept + g->ng - g->zdone + 1) * 4 > (g->mask + 1) * 3)
		if (rehash(g, (g->mask + 1) * 2) != 0)
			return oom(x);
	for (i = g->zdone; i < g->ng; i++) {
		p = g->ghash[i] & g->mask;
		while (g->slot[p].gid1 != 0)
			p = (p + 1) & g->mask;
		g->slot[p].tag = (uint64_t)kv[i];
		g->slot[p].gid1 = (uint32_t)(i + 1);
	}
	return 1;
}

/* The group of integer key v in the slots + 1, or 0. */
static uint32_t kept_find(const struct agg_op *g, int64_t v)
{
	size_t p = sql_mix64((uint64_t)v) & g->mask;
	uint32_t s;

	while ((s = g->slot[p].gid1) != 0 && g->slot[p].tag != (uint64_t)v)
		p = (p + 1) & g->mask;
	return s;
}

/* One integer key, clustered: a chunk whose keys go up from the last
 * group's on (a table sorted by the key) starts a group wherever a key
 * differs from the one before, no hash table asked. 0 when done, 1 when
 * the rows are to be looked up (a chunk not in order, a spill near),
 * < 0 after an error. */
static int clus_sorted(struct exec *x, struct agg_op *g, size_t n,
    const struct sql_vec *kv)
{
	const int64_t *k = kv[0].v.i;
	size_t i, nnew, npend = 0, base = g->ng;
	uint32_t cur = 0, first, last;
	int up = 1;

	if (n == 0)
		return 0;
	if (kv[0].null != NULL)
		for (i = 0; i < n; i++)
			up &= !kv[0].null[i];
	if (g->zrun != 0)
		up &= k[0] >= g->zrunkey;
	for (i = 1; i < n; i++)
		up &= k[i] >= k[i - 1];
	nnew = !(g->zrun != 0 && k[0] == g->zrunkey);
	for (i = 1; i < n; i++)
		nnew += k[i] != k[i - 1];
	if (up && can_spill(g) && (g->spilling || (g->grow_limit != 0 &&
	    table_bytes(g) - fixed_bytes(g, g->ng) + fixed_bytes(g, g->ng +
	    nnew) > g->grow_limit)))
		up = 0;         /* find_groups spills */
	if (!up)
		return clus_unsort(x, g);
	if (g->ng + nnew >= UINT32_MAX - 1)
		return sql_error(&x->cx, "too many groups");
	if (grow_groups(g, base + nnew) != 0)
		return oom(x);
	/* the slots hold the groups of keys two row groups share, made
	 * before: in this chunk's row group, such a key is its range's
	 * least or greatest, so the first run's or the last's */
	first = g->zrun != 0 && k[0] == g->zrunkey ? g->zrun :
	    kept_find(g, k[0]);
	last = k[n - 1] != k[0] ? kept_find(g, k[n - 1]) : 0;
	for (i = 0; i < n; i++) {
		if (i == 0 || k[i] != k[i - 1]) {
			if (i == 0 && first != 0) {
				cur = first;
			} else if (last != 0 && k[i] == k[n - 1]) {
				cur = last;
			} else {
				g->pend[npend++] = (uint32_t)i;
				cur = (uint32_t)(base + npend);
				g->ghash[cur - 1] = sql_mix64((uint64_t)k[i]);
			}
		}
		g->gid[i] = cur - 1;
	}
	if (npend > 0) {
		struct sql_chunk kc;
		kc.n = n;
		kc.ncols = 1;
		kc.cols = (struct sql_vec *)kv;
		if (rs_append(&g->keys, &kc, g->pend, npend) != 0)
			return oom(x);
	}
	g->ng = base + npend;
	g->zrun = cur;
	g->zrunkey = k[n - 1];
	return 0;
}

/* A chunk of n rows of key k comes: flush when it is of row groups no
 * chunk since the last flush touched. */
static int clus_chunk(struct exec *x, struct agg_op *g,
    const struct sql_vec *k, size_t n)
{
	const struct zones *z = g->zn;
	int64_t mn = INT64_MAX, mx = INT64_MIN;
	size_t i, i0, i1;
	int rc;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		mn = k->v.i[i] < mn ? k->v.i[i] : mn;
		mx = k->v.i[i] > mx ? k->v.i[i] : mx;
	}
	i0 = lower_i64(z->hi, z->n, mn);        /* the first range to mn */
	i1 = lower_i64(z->lo, z->n, mx);        /* the last from mx, + 1 */
	if (i1 < z->n && z->lo[i1] == mx)
		i1++;
	if (k->null != NULL)
		for (i = 0; i < n; i++)
			if (k->null[i])
				i1 = 0;
	if (i0 >= z->n || z->lo[i0] > mn || i1 == 0 || z->hi[--i1] < mx)
		return sql_error(&x->cx, "a key of the rows is not in the zone "
		    "maps of its table: its segments are damaged");
	/* the row groups that may hold all of the chunk (which comes from
	 * one): those holding both mn and mx. A chunk of keys K and more,
	 * K the end of one range and the start of the next, is the next
	 * one's alone (or the ranges of consecutive row groups would all
	 * touch, and no flush come) */
	{
		size_t j0 = lower_i64(z->hi, z->n, mx);
		size_t j1 = lower_i64(z->lo, z->n, mn);
		if (j1 < z->n && z->lo[j1] == mn)
			j1++;
		if (j1 > 0 && j0 <= j1 - 1) {
			i0 = j0;
			i1 = j1 - 1;
		}
	}
	if (g->zlive && (i0 > g->zthi || i1 < g->ztlo) &&
	    (rc = clus_flush(x, g)) != 0)
		return rc;
	if (!g->zlive) {
		g->ztlo = i0;
		g->zthi = i1;
		g->zlive = 1;
	} else {
		g->ztlo = i0 < g->ztlo ? i0 : g->ztlo;
		g->zthi = i1 > g->zthi ? i1 : g->zthi;
	}
	return 0;
}

static int agg_consume_one(struct exec *x, struct agg_op *g)
{
	struct op *k = g->o.kid[0];
	struct sql_chunk dense;
	struct sql_vec *kv;
	struct ain *ai;
	int rc;

	set_budget(g, x->memory_limit);
	while ((rc = op_next(x, k)) > 0) {
		const struct sql_chunk *in = &k->out;
		const uint32_t *isel = k->osel;
		sql_arena_reset(&g->scratch);
		kv = sql_arena_alloc(&g->scratch, sizeof(*kv) * (g->ngroups + 1));
		ai = sql_arena_alloc(&g->scratch, sizeof(*ai) * (g->naggs + 1));
		if (kv == NULL || ai == NULL)
			return oom(x);
		rc = agg_inputs(x, g, in, kv, ai);
		if (rc != 0 && isel != NULL) {
			/* rows as a selection (op_take_sel): what failed over
			 * the whole chunk runs again on the selected rows */
			rdb_err_clear(&x->cx.err);
			op_drop_sel(k);
			memset(&dense, 0, sizeof(dense));
			if (sql_chunk_gather(in, isel, k->onsel, &dense,
			    &g->scratch) != 0)
				return oom(x);
			in = &dense;
			isel = NULL;
			rc = agg_inputs(x, g, in, kv, ai);
		}
		if (rc != 0)
			return rc;
		if (isel != NULL && (rc = sel_inputs(x, g, kv, ai, isel,
		    k->onsel)) != 0)
			return rc;
		if (g->zn != NULL && (rc = clus_chunk(x, g, &kv[g->zkey],
		    isel != NULL ? k->onsel : in->n)) != 0)
			return rc;
		if ((rc = agg_rows(x, g, in->n, kv, ai, isel, k->onsel)) != 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (g->ngroups == 0 && g->ng == 0) {
		if (grow_groups(g, 1) != 0)
			return oom(x);
		g->ng = 1;      /* an aggregate over no rows: one row */
	}
	g->done_input = 1;
	return 0;
}

/* ---- reading a partition back ---- */

struct reader {
	const struct part *pt;
	size_t fi;                      /* the file being read */
	uint64_t off;                   /* of its bytes not yet in buf */
	uint8_t *buf;
	size_t cap, lo, hi;             /* buf[lo..hi) read, not yet used */
};

/* Make buf[lo..hi) hold at least need bytes of the current file. */
static int rd_fill(struct exec *x, struct reader *r, size_t need)
{
	const struct pfile *f = &r->pt->f[r->fi];

	return spill_fill(x, "aggregate's", f->fd, &r->buf, &r->cap, &r->lo,
	    &r->hi, &r->off, f->len, need);
}

/* The next record: *rec (valid until the next call) and *len; 1, 0 at
 * the end of the partition, or an error. */
static int rd_next(struct exec *x, struct reader *r, const uint8_t **rec,
    uint32_t *len)
{
	const struct pfile *f;
	int rc;

	for (;;) {
		if (r->fi >= r->pt->nf)
			return 0;
		f = &r->pt->f[r->fi];
		if (r->lo < r->hi || r->off < f->len)
			break;
		r->fi++;
		r->off = 0;
		r->lo = r->hi = 0;
	}
	if ((rc = rd_fill(x, r, 4)) != 0)
		return rc;
	memcpy(len, r->buf + r->lo, 4);
	if (*len == 0 || *len > f->maxrec)
		return damaged(x);
	if ((rc = rd_fill(x, r, 4 + (size_t)*len)) != 0)
		return rc;
	*rec = r->buf + r->lo + 4;
	r->lo += 4 + (size_t)*len;
	return 1;
}

/* Rows read back, aggregated SQL_CHUNK at a time. */
struct batch {
	size_t n;
	struct sql_vec *kv;
	struct ain *ai;
	uint8_t **pass;                 /* per aggregate: its FILTER kept row */
};

static int batch_start(struct exec *x, struct agg_op *g, struct batch *b)
{
	struct sql_arena *ar = &g->batch;
	size_t a, c;

	sql_arena_reset(ar);
	b->n = 0;
	b->kv = sql_arena_alloc(ar, sizeof(*b->kv) * (g->ngroups + 1));
	b->ai = sql_arena_alloc(ar, sizeof(*b->ai) * (g->naggs + 1));
	b->pass = sql_arena_alloc(ar, sizeof(*b->pass) * (g->naggs + 1));
	if (b->kv == NULL || b->ai == NULL || b->pass == NULL)
		return oom(x);
	for (c = 0; c < g->ngroups; c++)
		if (sql_vec_alloc(&b->kv[c], g->keys.types[c], SQL_CHUNK, ar) != 0)
			return oom(x);
	for (a = 0; a < g->naggs; a++) {
		const struct agg_spec *sp = &g->aggs[a];
		memset(&b->ai[a], 0, sizeof(b->ai[a]));
		if ((b->pass[a] = sql_arena_alloc(ar, SQL_CHUNK)) == NULL)
			return oom(x);
		if (sp->fn == AGG_COUNT_STAR)
			continue;
		if (sql_vec_alloc(&b->ai[a].v, sp->arg->t, SQL_CHUNK, ar) != 0)
			return oom(x);
		if (sp->fn == AGG_STRING_AGG && sp->arg2 != NULL &&
		    sql_vec_alloc(&b->ai[a].sep, sp->arg2->t, SQL_CHUNK, ar) != 0)
			return oom(x);
	}
	return 0;
}

/* Decode row record rec[0..len) into the batch. */
static int batch_add(struct exec *x, struct agg_op *g, struct batch *b,
    const uint8_t *rec, size_t len)
{
	size_t at = 1, a, c, r = b->n;
	struct sql_val v;

	for (c = 0; c < g->ngroups; c++) {
		if (spill_val_get(rec, len, &at, g->keys.types[c], &v) != 0)
			return damaged(x);
		if (sql_vec_set(&b->kv[c], r, &v, &g->batch) != 0)
			return oom(x);
	}
	for (a = 0; a < g->naggs; a++) {
		const struct agg_spec *sp = &g->aggs[a];
		if (at >= len)
			return damaged(x);
		b->pass[a][r] = rec[at] != 2;
		if (sp->fn == AGG_COUNT_STAR) {
			if (rec[at] != 1 && rec[at] != 2)
				return damaged(x);
			at++;
			continue;
		}
		if (rec[at] == 2) {
			at++;
			memset(&v, 0, sizeof(v));
			v.t = sp->arg->t;
			v.null = 1;
		} else if (spill_val_get(rec, len, &at, sp->arg->t, &v) != 0) {
			return damaged(x);
		}
		if (sql_vec_set(&b->ai[a].v, r, &v, &g->batch) != 0)
			return oom(x);
		if (b->pass[a][r] && !v.null && sp->fn == AGG_STRING_AGG &&
		    sp->arg2 != NULL) {
			if (spill_val_get(rec, len, &at, sp->arg2->t, &v) != 0)
				return damaged(x);
			if (sql_vec_set(&b->ai[a].sep, r, &v, &g->batch) != 0)
				return oom(x);
		}
	}
	if (at != len)
		return damaged(x);
	b->n++;
	return 0;
}

/* Aggregate the rows of the batch and start a new one. */
static int batch_flush(struct exec *x, struct agg_op *g, struct batch *b)
{
	size_t a, i, m;
	int rc;

	if (b->n == 0)
		return 0;
	sql_arena_reset(&g->scratch);
	for (a = 0; a < g->naggs; a++) {
		struct ain *ai = &b->ai[a];
		ai->sel = NULL;
		ai->nsel = b->n;
		for (i = 0; i < b->n && b->pass[a][i]; i++)
			;
		if (i == b->n)
			continue;
		if ((ai->sel = sql_arena_alloc(&g->batch, 4 * b->n)) == NULL)
			return oom(x);
		for (i = m = 0; i < b->n; i++)
			if (b->pass[a][i])
				ai->sel[m++] = (uint32_t)i;
		ai->nsel = m;
	}
	if ((rc = agg_rows(x, g, b->n, b->kv, b->ai, NULL, 0)) != 0)
		return rc;
	return batch_start(x, g, b);
}

/* Aggregate one states or DISTINCT value record, or pass it on to a
 * partition of the next level when its group is not in the table. */
static int one_record(struct exec *x, struct agg_op *g, const uint8_t *rec,
    size_t len)
{
	struct sql_vec *kv, dv;
	struct agg_st *st = NULL;
	struct sql_val v;
	size_t at = 1, a, c, nspill;
	uint32_t da = 0;
	int rc;

	sql_arena_reset(&g->scratch);
	kv = sql_arena_alloc(&g->scratch, sizeof(*kv) * (g->ngroups + 1));
	if (kv == NULL)
		return oom(x);
	for (c = 0; c < g->ngroups; c++) {
		if (spill_val_get(rec, len, &at, g->keys.types[c], &v) != 0)
			return damaged(x);
		if (sql_vec_alloc(&kv[c], g->keys.types[c], 1, &g->scratch) != 0 ||
		    sql_vec_set(&kv[c], 0, &v, &g->scratch) != 0)
			return oom(x);
	}
	if (rec[0] == REC_STATES) {
		st = sql_arena_alloc(&g->scratch, sizeof(*st) * (g->naggs + 1));
		if (st == NULL)
			return oom(x);
		for (a = 0; a < g->naggs; a++) {
			struct agg_st *s = &st[a];
			memset(s, 0, sizeof(*s));
			if (len - at < 8)
				return damaged(x);
			memcpy(&s->n, rec + at, 8);
			at += 8;
			if (s->n < 0)
				return damaged(x);
			if (AGG_TEXT_STATE(&g->aggs[a])) {
				if (len - at < 4)
					return damaged(x);
				memcpy(&s->len, rec + at, 4);
				at += 4;
				if (len - at < s->len)
					return damaged(x);
				s->buf = (char *)(uintptr_t)(rec + at);
				at += s->len;
			} else {
				if (len - at < 16)
					return damaged(x);
				memcpy(&s->v, rec + at, 16);
				at += 16;
			}
		}
	} else if (rec[0] == REC_DISTINCT) {
		if (len - at < 4)
			return damaged(x);
		memcpy(&da, rec + at, 4);
		at += 4;
		if (da >= g->naggs || !g->aggs[da].distinct ||
		    spill_val_get(rec, len, &at, g->aggs[da].arg->t, &v) != 0 || v.null)
			return damaged(x);
		if (sql_vec_alloc(&dv, g->aggs[da].arg->t, 1, &g->scratch) != 0 ||
		    sql_vec_set(&dv, 0, &v, &g->scratch) != 0)
			return oom(x);
	} else {
		return damaged(x);
	}
	if (at != len)
		return damaged(x);
	if ((rc = find_groups(x, g, 1, kv, can_spill(g), &nspill)) != 0)
		return rc;
	if (nspill > 0)
		return spill_put(x, g, g->h[0], rec, len);
	if (st != NULL) {
		for (a = 0; a < g->naggs; a++)
			if ((rc = merge_state(x, g, &g->aggs[a],
			    &g->st[a][g->gid[0]], &st[a])) != 0)
				return rc;
	} else if ((rc = dset_add(x, &g->ds[da], g->gid[0], &dv, 0,
	    dset_hash(g->gid[0], &dv, 0))) < 0) {
		return rc;
	}
	if (can_spill(g) && g->ng > 1 && table_bytes(g) > g->budget)
		return evict(x, g);
	return 0;
}

/* Give the emptied table's arrays back: a partition's table grows from
 * the first sizes, as the first table did. Arrays sized by an earlier
 * table count against the budget from the first group on, and one that
 * grew to just under the limit (while its groups' text was still small)
 * would leave the next tables room for few groups, each partition then
 * spilling most of its groups to the next level. */
static void table_shrink(struct agg_op *g)
{
	struct gslot *slot;
	struct rowstore ks;
	size_t a;

	if (g->ng != 0)
		return;
	if (g->mask > 1023 &&
	    (slot = rdb_big_alloc(1024 * sizeof(*slot))) != NULL) {
		rdb_big_free(g->slot);
		g->slot = slot;
		g->mask = 1023;
	}
	for (a = 0; a < g->naggs; a++) {
		rdb_big_free(g->st[a]);
		g->st[a] = NULL;
	}
	rdb_big_free(g->ghash);
	g->ghash = NULL;
	g->gcap = 0;
	if (rs_init(&ks, g->keys.ncols, g->keys.types) == RDB_OK) {
		rs_release(&g->keys);
		g->keys = ks;
	} else {
		rs_release(&ks);
	}
}

/* Aggregate partition pt in the emptied table; groups that do not fit
 * go to partitions of the next level. */
static int process_part(struct exec *x, struct agg_op *g, const struct part *pt)
{
	struct reader r;
	struct batch b;
	const uint8_t *rec = NULL;
	uint32_t len = 0;
	uint64_t nrec = 0;
	int rc;

	table_reset(g);
	table_shrink(g);
	g->depth = pt->depth + 1;
	memset(&r, 0, sizeof(r));
	r.pt = pt;
	r.cap = g->iobuf;
	if ((r.buf = malloc(r.cap)) == NULL)
		return oom(x);
	if ((rc = batch_start(x, g, &b)) != 0)
		goto out;
	while ((rc = rd_next(x, &r, &rec, &len)) > 0) {
		if ((++nrec & 4095) == 0 && (rc = interrupted(x)) != 0)
			goto out;
		if (rec[0] == REC_ROW) {
			if ((rc = batch_add(x, g, &b, rec, len)) != 0)
				goto out;
			if (b.n == SQL_CHUNK && (rc = batch_flush(x, g, &b)) != 0)
				goto out;
		} else if ((rc = batch_flush(x, g, &b)) != 0 ||
		    (rc = one_record(x, g, rec, len)) != 0) {
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	if ((rc = batch_flush(x, g, &b)) != 0)
		goto out;
	if (g->sp != NULL)
		rc = spill_end(x, g, &g, 1);
out:
	free(r.buf);
	return rc;
}

/* ---- parallel aggregation ---- */

/* Fold the groups of worker w into g when both are clustered: a group
 * whose key no two row groups share is w's alone (its row group was
 * w's), and is appended; the others are looked up. */
static int agg_merge_clus(struct exec *x, struct agg_op *g, struct agg_op *w)
{
	struct sql_arena ar;
	uint32_t look[SQL_CHUNK], add[SQL_CHUNK];
	const int64_t *wk = (const int64_t *)w->keys.vals[g->zkey];
	size_t done, n, nl, na, a, i, c, nspill, base;
	int rc = 0;

	sql_arena_init(&ar);
	for (done = 0; done < w->ng && rc == 0; done += n) {
		struct sql_vec *kv;
		n = w->ng - done > SQL_CHUNK ? SQL_CHUNK : w->ng - done;
		nl = na = 0;
		for (i = 0; i < n; i++) {
			if (g->zn->namb > 0 && zone_amb(g->zn, wk[done + i]))
				look[nl++] = (uint32_t)(done + i);
			else
				add[na++] = (uint32_t)(done + i);
		}
		sql_arena_reset(&ar);
		if ((kv = sql_arena_alloc(&ar, sizeof(*kv) *
		    (g->ngroups + 1))) == NULL) {
			rc = oom(x);
			break;
		}
		if (nl > 0) {
			for (c = 0; c < g->ngroups && rc == 0; c++)
				if (rs_gather(&w->keys, c, look, nl, &kv[c], &ar) != 0)
					rc = oom(x);
			if (rc == 0)
				rc = find_groups(x, g, nl, kv, 0, &nspill);
			for (a = 0; a < g->naggs && rc == 0; a++)
				for (i = 0; i < nl && rc == 0; i++)
					rc = merge_state(x, g, &g->aggs[a],
					    &g->st[a][g->gid[i]], &w->st[a][look[i]]);
		}
		if (na == 0 || rc != 0)
			continue;
		for (c = 0; c < g->ngroups && rc == 0; c++)
			if (rs_gather(&w->keys, c, add, na, &kv[c], &ar) != 0)
				rc = oom(x);
		base = g->ng;
		if (rc == 0 && grow_groups(g, base + na) != 0)
			rc = oom(x);
		if (rc == 0) {
			struct sql_chunk kc;
			kc.n = na;
			kc.ncols = g->ngroups;
			kc.cols = kv;
			if (rs_append(&g->keys, &kc, NULL, na) != 0)
				rc = oom(x);
		}
		if (rc != 0)
			break;
		for (i = 0; i < na; i++)
			g->ghash[base + i] = w->ghash[add[i]];
		g->ng = base + na;
		for (a = 0; a < g->naggs && rc == 0; a++)
			for (i = 0; i < na && rc == 0; i++)
				rc = merge_state(x, g, &g->aggs[a],
				    &g->st[a][base + i], &w->st[a][add[i]]);
	}
	sql_arena_release(&ar);
	return rc;
}

/* Fold the groups of worker w into g. */
static int agg_merge(struct exec *x, struct agg_op *g, struct agg_op *w)
{
	struct sql_arena ar;
	uint32_t idx[SQL_CHUNK];
	size_t done, a, i, c, nspill;
	int rc = 0;

	if (g->zn != NULL && w->zn != NULL)
		return agg_merge_clus(x, g, w);
	sql_arena_init(&ar);
	for (done = 0; done < w->ng && rc == 0; done += SQL_CHUNK) {
		size_t n = w->ng - done > SQL_CHUNK ? SQL_CHUNK : w->ng - done;
		struct sql_vec *kv;
		sql_arena_reset(&ar);
		for (i = 0; i < n; i++)
			idx[i] = (uint32_t)(done + i);
		kv = sql_arena_alloc(&ar, sizeof(*kv) * (g->ngroups + 1));
		if (kv == NULL) {
			rc = oom(x);
			break;
		}
		for (c = 0; c < g->ngroups; c++)
			if (rs_gather(&w->keys, c, idx, n, &kv[c], &ar) != 0) {
				rc = oom(x);
				break;
			}
		if (rc != 0)
			break;
		if (g->ngroups == 0) {
			if (g->ng == 0) {
				if (grow_groups(g, 1) != 0) {
					rc = oom(x);
					break;
				}
				g->ng = 1;
			}
			for (i = 0; i < n; i++)
				g->gid[i] = 0;
		} else if ((rc = find_groups(x, g, n, kv, 0, &nspill)) != 0) {
			break;
		}
		for (a = 0; a < g->naggs && rc == 0; a++)
			for (i = 0; i < n && rc == 0; i++)
				rc = merge_state(x, g, &g->aggs[a],
				    &g->st[a][g->gid[i]], &w->st[a][done + i]);
	}
	sql_arena_release(&ar);
	return rc;
}

struct agg_worker {
	pthread_t t;
	struct exec x;
	struct agg_op *g;
	int rc;
};

static void *agg_worker_run(void *arg)
{
	struct agg_worker *w = arg;

	w->rc = agg_consume_one(&w->x, w->g);
	if (w->rc != 0 && w->x.abort != NULL)
		*w->x.abort = 1;        /* the others need not finish */
	rdb_seg_scratch_release();      /* this thread's decode buffers */
	return NULL;
}

static int agg_nparts(const struct exec *x, const struct agg_op *g)
{
	long n;
	size_t a;

	if (x->threads == 1 || !op_clonable(g->o.kid[0]) ||
	    op_scan_bytes(g->o.kid[0]) < SQL_PAR_BYTES)
		return 1;
	for (a = 0; a < g->ngroups; a++)
		if (sql_expr_has_sub(g->groups[a]))
			return 1;
	for (a = 0; a < g->naggs; a++)
		if (g->aggs[a].distinct || sql_expr_has_sub(g->aggs[a].arg) ||
		    sql_expr_has_sub(g->aggs[a].filter))
			return 1;
	n = x->threads > 0 ? x->threads : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* Some workers spilled: evict every table, so that partition p is the
 * files p of all of them. */
static int agg_spill_workers(struct exec *x, struct agg_op *g,
    struct agg_worker *w, int n)
{
	struct agg_op **tabs = calloc((size_t)n, sizeof(*tabs));
	int i, rc = 0;

	if (tabs == NULL)
		return oom(x);
	tabs[0] = g;
	for (i = 1; i < n; i++)
		tabs[i] = w[i].g;
	for (i = 0; i < n && rc == 0; i++)
		rc = evict(x, tabs[i]);
	if (rc == 0)
		rc = spill_end(x, g, tabs, (size_t)n);
	free(tabs);
	return rc;
}

/* Make the seed groups, before any row: they are then in the table
 * from the start, and a spill or a worker's table treats them as any
 * other group. */
static int agg_seed(struct exec *x, struct agg_op *g)
{
	struct sql_arena ar;
	size_t done, n, i, c, nspill;
	int rc = 0;

	sql_arena_init(&ar);
	for (done = 0; done < g->nseed && rc == 0; done += n) {
		struct sql_vec *kv;
		n = g->nseed - done > SQL_CHUNK ? SQL_CHUNK : g->nseed - done;
		sql_arena_reset(&ar);
		kv = sql_arena_alloc(&ar, sizeof(*kv) * (g->ngroups + 1));
		if (kv == NULL) {
			rc = oom(x);
			break;
		}
		for (c = 0; c < g->ngroups && rc == 0; c++) {
			if (sql_vec_alloc(&kv[c], g->keys.types[c], n, &ar) != 0)
				rc = oom(x);
			for (i = 0; i < n && rc == 0; i++)
				if (sql_vec_set(&kv[c], i,
				    &g->seed[(done + i) * g->ngroups + c], &ar) != 0)
					rc = oom(x);
		}
		if (rc == 0)
			rc = find_groups(x, g, n, kv, 0, &nspill);
	}
	sql_arena_release(&ar);
	return rc;
}

/*
 * Morsel-driven parallel aggregation: the pipeline under the aggregate
 * is split into parts that read every n-th row group each; every part
 * aggregates into a table of its own in a thread of its own, and the
 * tables are merged at the end.
 */
static int agg_consume(struct exec *x, struct agg_op *g)
{
	struct agg_worker *w;
	volatile int abort_flag = 0;
	int n, i, started = 0, rc = 0, spilled;

	if (g->nseed > 0 && (rc = agg_seed(x, g)) != 0)
		return rc;
	/* the joins built first: their key sets thin the scan */
	if (x->threads != 1 && op_clonable(g->o.kid[0]) &&
	    (rc = op_prebuild(x, g->o.kid[0])) != 0)
		return rc;
	clus_setup(x, g);
	n = agg_nparts(x, g);
	if (n <= 1) {
		rc = agg_consume_one(x, g);
		if (rc == 0 && g->sp != NULL)
			rc = spill_end(x, g, &g, 1);
		return rc;
	}
	w = calloc((size_t)n, sizeof(*w));
	if (w == NULL)
		return oom(x);
	for (i = 1; i < n; i++) {
		struct op *k = op_clone(x, g->o.kid[0], (unsigned)i, (unsigned)n);
		if (k == NULL) {
			rc = x->cx.err.code ? x->cx.err.code : RDB_ENOMEM;
			goto out;
		}
		w[i].g = (struct agg_op *)op_hashagg(x, k, g->ngroups, g->groups,
		    g->nout, g->oaggs);
		if (w[i].g == NULL) {
			rc = RDB_ENOMEM;
			goto out;
		}
		w[i].g->zn = g->zn;
		w[i].g->zkey = g->zkey;
		w[i].g->zsorted = g->zsorted;
		w[i].x = *x;
		rdb_err_clear(&w[i].x.cx.err);
		w[i].x.memory_limit = x->memory_limit / (uint64_t)n;
		w[i].x.abort = &abort_flag;
	}
	if (op_clone(x, g->o.kid[0], 0, (unsigned)n) == NULL) {
		rc = x->cx.err.code ? x->cx.err.code : RDB_ENOMEM;
		goto out;
	}
	for (i = 1; i < n; i++) {
		if (pthread_create(&w[i].t, NULL, agg_worker_run, &w[i]) != 0) {
			rc = sql_error(&x->cx, "cannot start a thread");
			abort_flag = 1;
			break;
		}
		started = i;
	}
	if (rc == 0) {
		struct exec mine = *x;
		mine.abort = &abort_flag;
		mine.memory_limit = x->memory_limit / (uint64_t)n;
		rc = agg_consume_one(&mine, g);
		if (rc != 0) {
			abort_flag = 1;
			x->cx.err = mine.cx.err;
		}
	}
	for (i = 1; i <= started; i++)
		pthread_join(w[i].t, NULL);
	/* the first real error wins over the "interrupted" of those the
	 * abort flag stopped (unless the user did interrupt) */
	for (i = 1; i <= started; i++)
		if (w[i].rc != 0 && (rc == 0 || (rc == RDB_EINTR &&
		    w[i].rc != RDB_EINTR && !*x->cx.interrupt))) {
			rc = w[i].rc;
			x->cx.err = w[i].x.cx.err;
		}
	spilled = g->sp != NULL;
	for (i = 1; i < n; i++)
		spilled |= w[i].g->sp != NULL;
	if (rc == 0 && spilled)
		rc = agg_spill_workers(x, g, w, n);
	if (rc == 0 && !spilled && g->ngroups > 0 && g->zn == NULL) {
		/* the merged table sized once for every group of the parts
		 * (disjoint at most), not doubled group by group */
		size_t total = g->ng, cap = g->mask + 1;
		for (i = 1; i < n; i++)
			total += w[i].g->ng;
		while ((total + 1) * 4 > cap * 3)
			cap *= 2;
		if (cap > g->mask + 1 && rehash(g, cap) != 0)
			rc = oom(x);
	}
	/* g's groups whose key two row groups share into its slots, where
	 * the merge looks the workers' up */
	if (rc == 0 && !spilled && g->zn != NULL && g->zlive)
		rc = clus_flush(x, g);
	for (i = 1; i < n && rc == 0 && !spilled; i++)
		rc = agg_merge(x, g, w[i].g);
	if (rc == 0)
		snprintf(g->o.detail + strlen(g->o.detail), sizeof(g->o.detail) -
		    strlen(g->o.detail), ", %d threads", n);
out:
	for (i = 1; i < n; i++)
		op_free(w[i].g ? &w[i].g->o : NULL);
	free(w);
	g->done_input = rc == 0;
	return rc;
}

/* The value of state s of aggregate sp; text copied into a. */
int agg_state_result(struct exec *x, const struct agg_spec *sp,
    const struct agg_st *s, struct sql_arena *a, struct sql_val *r)
{
	memset(r, 0, sizeof(*r));
	r->t = sp->t;
	if (sp->fn == AGG_COUNT_STAR || sp->fn == AGG_COUNT) {
		r->u.i = s->n;
		return 0;
	}
	if (s->n == 0) {
		r->null = 1;
		return 0;
	}
	switch (sp->fn) {
	case AGG_SUM:
		if (sp->t.id == T_DOUBLE) {
			r->u.d = s->v.d;
		} else if (sp->t.id == T_DECIMAL) {
			if (s->v.x >= sql_pow10(38) || s->v.x <= -sql_pow10(38))
				return sql_error(&x->cx, "sum out of range (overflow)");
			r->u.x = s->v.x;
		} else {
			if (s->v.x > INT64_MAX || s->v.x < INT64_MIN)
				return sql_error(&x->cx, "sum out of range for BIGINT "
				    "(overflow); CAST the argument to DECIMAL(38,0)");
			r->u.i = (int64_t)s->v.x;
		}
		return 0;
	case AGG_AVG: {
		const struct sql_type *at = &sp->arg->t;
		if (at->id == T_DOUBLE)
			r->u.d = s->v.d / (double)s->n;
		else if (at->id == T_DECIMAL) {
			/* exact quotient to 18 places, then to double */
			__int128 q = s->v.x / s->n, rem = s->v.x % s->n;
			r->u.d = sql_dec_to_double(q, at->scale) +
			    (double)rem / (double)s->n / (double)sql_pow10(at->scale);
		} else {
			__int128 q = s->v.x / s->n, rem = s->v.x % s->n;
			r->u.d = (double)q + (double)rem / (double)s->n;
		}
		return 0;
	}
	case AGG_MIN: case AGG_MAX:
		if (sql_is_strlike(sp->t.id)) {
			char *p = sql_arena_alloc(a, s->len + 1);
			if (p == NULL)
				return oom(x);
			if (s->len)
				memcpy(p, s->buf, s->len);
			r->u.s.p = p;
			r->u.s.n = s->len;
		} else if (sp->t.id == T_DOUBLE) {
			r->u.d = s->v.d;
		} else if (sp->t.id == T_DECIMAL) {
			r->u.x = s->v.x;
		} else if (sp->t.id == T_INTERVAL) {
			memcpy(&r->u.iv, &s->v.x, sizeof(r->u.iv));
		} else {
			r->u.i = s->v.i;
		}
		return 0;
	case AGG_STDDEV: case AGG_VARIANCE:
		if (s->n < 2) {
			r->null = 1;
			return 0;
		}
		r->u.d = s->m2 / (double)(s->n - 1);
		if (sp->fn == AGG_STDDEV)
			r->u.d = sqrt(r->u.d);
		return 0;
	case AGG_STDDEV_POP: case AGG_VAR_POP:
		r->u.d = s->m2 / (double)s->n;
		if (sp->fn == AGG_STDDEV_POP)
			r->u.d = sqrt(r->u.d);
		return 0;
	case AGG_STRING_AGG: {
		char *p = sql_arena_alloc(a, s->len + 1);
		if (p == NULL)
			return oom(x);
		if (s->len)
			memcpy(p, s->buf, s->len);
		r->u.s.p = p;
		r->u.s.n = s->len;
		return 0;
	}
	case AGG_BOOL_AND: case AGG_BOOL_OR:
		r->u.i = s->v.i;
		return 0;
	}
	return sql_error(&x->cx, "internal: aggregate %d", sp->fn);
}

/* Say in EXPLAIN how much the aggregate spilled. */
static void spill_note(struct agg_op *g)
{
	if (g->nspilled == 0)
		return;
	if (g->dlen == 0)
		g->dlen = strlen(g->o.detail);
	snprintf(g->o.detail + g->dlen, sizeof(g->o.detail) - g->dlen,
	    ", spilled %zu partition%s in %u level%s", g->nspilled,
	    g->nspilled == 1 ? "" : "s", g->levels, g->levels == 1 ? "" : "s");
}

/* Counts, and sums (DECIMAL, DOUBLE, BIGINT) inside their range, of n
 * states into v, as agg_state_result gives them, a loop each: 0, or -1
 * when a sum is out of range (the caller's agg_state_result then says
 * so) or no memory (it then finds none either). */
static int sum_out(const struct agg_spec *sp, const struct agg_st *st,
    size_t n, struct sql_vec *v, struct sql_arena *a)
{
	__int128 lim = sql_pow10(38);
	size_t i;
	int bad = 0, nulls = 0;

	if (sp->fn == AGG_COUNT) {
		for (i = 0; i < n; i++)
			v->v.i[i] = st[i].n;
		return 0;
	}
	for (i = 0; i < n; i++)
		nulls |= st[i].n == 0;
	if (sp->t.id == T_DOUBLE) {
		for (i = 0; i < n; i++)
			v->v.d[i] = st[i].n ? st[i].v.d : 0;
	} else if (sp->t.id == T_BIGINT) {
		for (i = 0; i < n; i++) {
			__int128 t = st[i].n ? st[i].v.x : 0;
			bad |= t > INT64_MAX || t < INT64_MIN;
			v->v.i[i] = (int64_t)t;
		}
	} else {
		for (i = 0; i < n; i++) {
			__int128 t = st[i].n ? st[i].v.x : 0;
			bad |= t >= lim || t <= -lim;
			v->v.x[i] = t;
		}
	}
	if (bad)
		return -1;
	if (nulls) {
		if ((v->null = sql_arena_alloc(a, n + 1)) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			v->null[i] = st[i].n == 0;
	}
	return 0;
}

static int agg_next(struct exec *x, struct op *o)
{
	struct agg_op *g = (struct agg_op *)o;
	size_t n, i, c, a;
	uint32_t *idx;
	int rc;

	if (!g->done_input) {
		if ((rc = agg_consume(x, g)) != 0)
			return rc;
		set_budget(g, x->memory_limit);
		spill_note(g);
	}
	/* the table's groups are complete: then each partition's */
	while (g->outpos >= g->ng) {
		struct part pt;
		if (g->nparts == 0)
			return 0;
		pt = g->parts[--g->nparts];
		rc = process_part(x, g, &pt);
		part_close(&pt);
		if (rc != 0)
			return rc;
		spill_note(g);
	}
	n = g->ng - g->outpos;
	if (n > SQL_CHUNK)
		n = SQL_CHUNK;
	idx = sql_arena_alloc(&o->out.arena, 4 * n);
	if (idx == NULL)
		return oom(x);
	for (i = 0; i < n; i++)
		idx[i] = (uint32_t)(g->outpos + i);
	for (c = 0; c < g->ngroups; c++)
		if (rs_gather(&g->keys, c, idx, n, &o->out.cols[c],
		    &o->out.arena) != 0)
			return oom(x);
	for (a = 0; a < g->nout; a++) {
		struct sql_vec *v = &o->out.cols[g->ngroups + a];
		const struct agg_spec *sp = &g->oaggs[a];
		const struct agg_st *st = g->st[g->omap[a].st] + g->outpos;
		if (sql_vec_alloc(v, sp->t, n, &o->out.arena) != 0)
			return oom(x);
		if (g->omap[a].nulls >= 0) {    /* count(*) */
			const struct agg_st *nst = g->st[g->omap[a].nulls] +
			    g->outpos;
			for (i = 0; i < n; i++)
				v->v.i[i] = st[i].n + nst[i].n;
			continue;
		}
		if ((sp->fn == AGG_COUNT || (sp->fn == AGG_SUM &&
		    (sp->t.id == T_DECIMAL || sp->t.id == T_DOUBLE ||
		    sp->t.id == T_BIGINT))) && sum_out(sp, st, n, v,
		    &o->out.arena) == 0)
			continue;
		for (i = 0; i < n; i++) {
			struct sql_val r;
			if ((rc = agg_state_result(x, sp, &st[i], &g->o.out.arena,
			    &r)) != 0)
				return rc;
			if (sql_vec_set(v, i, &r, &o->out.arena) != 0)
				return oom(x);
		}
	}
	g->outpos += n;
	o->out.n = n;
	return 1;
}

static void agg_close(struct op *o)
{
	struct agg_op *g = (struct agg_op *)o;
	size_t a, i;

	rs_release(&g->keys);
	rdb_big_free(g->slot);
	rdb_big_free(g->dmap);
	rdb_big_free(g->cmap);
	free(g->ddone);
	rdb_big_free(g->ghash);
	free(g->ptag);
	if (g->st != NULL)
		for (a = 0; a < g->naggs; a++) {
			if (g->st[a] != NULL && AGG_TEXT_STATE(&g->aggs[a]))
				for (i = 0; i < g->gcap; i++)
					free(g->st[a][i].buf);
			rdb_big_free(g->st[a]);
		}
	free(g->st);
	free(g->same);
	free(g->omap);
	free(g->xarg);
	free(g->xfilter);
	sql_exprs_release(&g->cse);
	if (g->ds != NULL)
		for (a = 0; a < g->naggs; a++) {
			rs_release(&g->ds[a].rs);
			free(g->ds[a].slot);
			free(g->ds[a].hash);
		}
	free(g->ds);
	free(g->gid);
	free(g->ord);
	free(g->pend);
	free(g->h);
	free(g->run);
	sql_arena_release(&g->scratch);
	spill_free(g);
	while (g->nparts > 0)
		part_close(&g->parts[--g->nparts]);
	free(g->parts);
	free(g->rec);
	sql_arena_release(&g->batch);
	if (g->aggs != g->oaggs)
		free(g->aggs);
	zones_free(g->zown);
	free(g->zkept);
}

/* The rows' columns the keys and the aggregates read (op_prune). */
static int agg_prune(struct op *o, const uint8_t *need, uint8_t **kneed)
{
	const struct agg_op *g = (const struct agg_op *)o;
	size_t n = o->kid[0]->ncols, a;

	(void)need;
	for (a = 0; a < g->ngroups; a++)
		if (sql_expr_cols(g->groups[a], kneed[0], n) != 0)
			return -1;
	for (a = 0; a < g->naggs; a++)
		if (sql_expr_cols(g->aggs[a].arg, kneed[0], n) != 0 ||
		    sql_expr_cols(g->aggs[a].arg2, kneed[0], n) != 0 ||
		    sql_expr_cols(g->aggs[a].filter, kneed[0], n) != 0)
			return -1;
	for (a = 0; a < g->nout; a++)
		if (sql_expr_cols(g->oaggs[a].arg, kneed[0], n) != 0 ||
		    sql_expr_cols(g->oaggs[a].arg2, kneed[0], n) != 0 ||
		    sql_expr_cols(g->oaggs[a].filter, kneed[0], n) != 0)
			return -1;
	return 0;
}

static const struct op_vt agg_vt = { "HASH AGGREGATE", agg_next, agg_close,
	agg_prune };

/* May the inputs of sp be evaluated once for two aggregates? */
static int agg_pure(const struct agg_spec *sp)
{
	return !sql_expr_volatile(sp->arg) && !sql_expr_volatile(sp->filter) &&
	    !sql_expr_has_sub(sp->arg) && !sql_expr_has_sub(sp->filter);
}

static int agg_same_input(const struct agg_spec *a, const struct agg_spec *b)
{
	return sql_expr_eq(a->arg, b->arg) && sql_expr_eq(a->arg2, b->arg2) &&
	    sql_expr_eq(a->filter, b->filter) && a->distinct == b->distinct;
}

/*
 * The states the table keeps for the aggregates asked for: sum(x),
 * avg(x) and count(x) of one argument (with one FILTER, one DISTINCT)
 * keep one running sum and count (a sum's updates are an avg's, and its
 * count is count(x)); count(*) with that FILTER is that count plus the
 * rows whose x is NULL (a state of its own, AGG_NULLS, that costs
 * nothing on chunks without NULLs); the same aggregate twice keeps one
 * state. Volatile arguments and subqueries are never shared. Then each
 * state whose inputs an earlier one has takes that one's (same).
 */
static int share_states(struct agg_op *g, size_t nout,
    const struct agg_spec *out)
{
	size_t a, j, n = 0;

	g->nout = nout;
	g->oaggs = (struct agg_spec *)out;
	g->omap = malloc(sizeof(*g->omap) * (nout + 1));
	g->aggs = malloc(sizeof(*g->aggs) * (2 * nout + 1));
	if (g->omap == NULL || g->aggs == NULL)
		return -1;
	for (a = 0; a < nout; a++) {
		const struct agg_spec *sp = &out[a];
		int sum = sp->fn == AGG_SUM || sp->fn == AGG_AVG;
		g->omap[a].nulls = -1;
		if (sp->fn == AGG_COUNT_STAR)
			continue;       /* below, once the sums are known */
		for (j = agg_pure(sp) ? 0 : n; j < n; j++) {
			struct agg_spec *q = &g->aggs[j];
			if (!agg_same_input(q, sp))
				continue;
			if ((sum || sp->fn == AGG_COUNT) &&
			    (q->fn == AGG_SUM || q->fn == AGG_COUNT)) {
				if (sum)
					q->fn = AGG_SUM;
				break;
			}
			if (q->fn == sp->fn && sql_expr_eq(q->arg2, sp->arg2))
				break;
		}
		if (j == n) {
			g->aggs[n] = *sp;
			if (sum)
				g->aggs[n].fn = AGG_SUM;
			n++;
		}
		g->omap[a].st = (int)j;
	}
	for (a = 0; a < nout; a++) {
		const struct agg_spec *sp = &out[a];
		size_t best = n;
		if (sp->fn != AGG_COUNT_STAR)
			continue;
		/* a sum's or count's count, preferring a plain column (no
		 * work to evaluate it again) */
		for (j = agg_pure(sp) ? 0 : n; j < n; j++) {
			const struct agg_spec *q = &g->aggs[j];
			if ((q->fn != AGG_SUM && q->fn != AGG_COUNT) || q->distinct ||
			    !sql_expr_eq(q->filter, sp->filter) || !agg_pure(q))
				continue;
			if (best == n || (q->arg->k == E_COL &&
			    g->aggs[best].arg->k != E_COL))
				best = j;
		}
		if (best < n) {
			for (j = 0; j < n; j++)
				if (g->aggs[j].fn == AGG_NULLS &&
				    agg_same_input(&g->aggs[j], &g->aggs[best]))
					break;
			if (j == n) {
				g->aggs[n] = g->aggs[best];
				g->aggs[n].fn = AGG_NULLS;
				g->aggs[n].t.id = T_BIGINT;
				n++;
			}
			g->omap[a].st = (int)best;
			g->omap[a].nulls = (int)j;
			continue;
		}
		for (j = agg_pure(sp) ? 0 : n; j < n; j++)
			if (g->aggs[j].fn == AGG_COUNT_STAR &&
			    sql_expr_eq(g->aggs[j].filter, sp->filter))
				break;
		if (j == n)
			g->aggs[n++] = *sp;
		g->omap[a].st = (int)j;
	}
	g->naggs = n;
	if ((g->same = malloc(sizeof(*g->same) * (n + 1))) == NULL ||
	    (g->xarg = calloc(n + 1, sizeof(*g->xarg))) == NULL ||
	    (g->xfilter = calloc(n + 1, sizeof(*g->xfilter))) == NULL)
		return -1;
	for (a = 0; a < n; a++) {
		g->same[a] = -1;
		for (j = 0; j < a && agg_pure(&g->aggs[a]); j++)
			/* (no match leaves same[a] -1, whatever j is) */
			if (g->aggs[j].fn != AGG_COUNT_STAR &&
			    g->aggs[a].fn != AGG_COUNT_STAR &&
			    agg_same_input(&g->aggs[j], &g->aggs[a]) &&
			    agg_pure(&g->aggs[j])) {
				g->same[a] = (int)j;
				break;
			}
	}
	return 0;
}

/* The keys, arguments and FILTERs as one list with its common
 * subexpressions shared; xarg and xfilter point into it. */
static int share_exprs(struct exec *x, struct agg_op *g)
{
	struct sql_expr **r = malloc(sizeof(*r) * (g->ngroups + 2 * g->naggs +
	    1));
	size_t n = 0, a, *ia, *fa;
	int rc;

	ia = malloc(sizeof(*ia) * (2 * g->naggs + 1));
	if (r == NULL || ia == NULL) {
		free(r);
		free(ia);
		return oom(x);
	}
	fa = ia + g->naggs;
	memcpy(r, g->groups, sizeof(*r) * g->ngroups);
	n = g->ngroups;
	for (a = 0; a < g->naggs; a++) {
		const struct agg_spec *sp = &g->aggs[a];
		ia[a] = fa[a] = SIZE_MAX;
		if (g->same[a] >= 0)
			continue;
		/* an argument under a FILTER is not shared: shared parts are
		 * computed on every row, and it may fail on a row the FILTER
		 * drops (eval_kept) */
		if (sp->fn != AGG_COUNT_STAR && sp->filter == NULL) {
			ia[a] = n;
			r[n++] = sp->arg;
		}
		if (sp->filter != NULL) {
			fa[a] = n;
			r[n++] = sp->filter;
		}
	}
	rc = sql_exprs_init(x, &g->cse, g->o.kid[0]->ncols, n, r);
	for (a = 0; a < g->naggs && rc == 0; a++) {
		g->xarg[a] = ia[a] != SIZE_MAX ? g->cse.roots[ia[a]] :
		    g->same[a] < 0 && g->aggs[a].fn != AGG_COUNT_STAR ?
		    g->aggs[a].arg : NULL;
		g->xfilter[a] = fa[a] == SIZE_MAX ? NULL : g->cse.roots[fa[a]];
	}
	free(r);
	free(ia);
	return rc;
}

struct op *op_hashagg(struct exec *x, struct op *kid, size_t ngroups,
    struct sql_expr **groups, size_t naggs, struct agg_spec *aggs)
{
	struct sql_type *t = calloc(ngroups + naggs + 1, sizeof(*t));
	struct agg_op *g;
	size_t i;

	if (t == NULL) {
		op_free(kid);
		oom(x);
		return NULL;
	}
	for (i = 0; i < ngroups; i++)
		t[i] = groups[i]->t;
	for (i = 0; i < naggs; i++)
		t[ngroups + i] = aggs[i].t;
	g = op_new(x, sizeof(*g), &agg_vt, ngroups + naggs, t);
	if (g == NULL) {
		free(t);
		op_free(kid);
		return NULL;
	}
	g->o.kid[0] = kid;
	g->ngroups = ngroups;
	g->groups = groups;
	sql_arena_init(&g->scratch);
	sql_arena_init(&g->batch);
	if (share_states(g, naggs, aggs) != 0) {
		free(t);
		op_free(&g->o);
		oom(x);
		return NULL;
	}
	if (share_exprs(x, g) != 0) {
		free(t);
		op_free(&g->o);
		return NULL;
	}
	for (i = 0; i < g->cse.n; i++)
		if (sql_expr_has_sub(g->cse.roots[i]) ||
		    sql_expr_volatile(g->cse.roots[i]))
			break;
	if (i == g->cse.n)
		op_take_sel(kid);
	for (i = 0; i < ngroups; i++)
		g->keyrow += val_width(t[i].id) + 1;
	g->st = calloc(g->naggs + 1, sizeof(*g->st));
	g->ds = calloc(g->naggs + 1, sizeof(*g->ds));
	g->gid = malloc(4 * (SQL_CHUNK + 1));
	g->ord = malloc(4 * (SQL_CHUNK + 1));
	g->pend = malloc(4 * (SQL_CHUNK + 1));
	g->h = malloc(8 * (SQL_CHUNK + 1));
	g->run = malloc(SQL_CHUNK + 1);
	g->slot = rdb_big_alloc(1024 * sizeof(*g->slot));
	g->mask = 1023;
	g->intkey = ngroups == 1 && sql_is_intlike(t[0].id);
	g->textkeys = ngroups > 0 && ngroups <= 3;
	for (i = 0; i < ngroups; i++)
		if (!sql_is_strlike(t[i].id))
			g->textkeys = 0;
	g->ptag = malloc(8 * (SQL_CHUNK + 1));
	g->null_gid = NOGROUP;
	if (g->st == NULL || g->ds == NULL || g->gid == NULL || g->ord == NULL ||
	    g->pend == NULL || g->h == NULL || g->slot == NULL || g->ptag == NULL ||
	    g->run == NULL ||
	    rs_init(&g->keys, ngroups, t)) {
		free(t);
		op_free(&g->o);
		oom(x);
		return NULL;
	}
	free(t);
	for (i = 0; i < g->naggs; i++) {
		if (g->aggs[i].distinct) {
			struct sql_type dt[2];
			dt[0].id = T_BIGINT;
			dt[0].prec = dt[0].scale = 0;
			dt[1] = g->aggs[i].arg->t;
			if (rs_init(&g->ds[i].rs, 2, dt) != 0 ||
			    (g->ds[i].slot = calloc(1024, sizeof(uint32_t))) == NULL ||
			    (g->ds[i].hash = calloc(512, sizeof(uint64_t))) == NULL) {
				op_free(&g->o);
				oom(x);
				return NULL;
			}
			g->ds[i].mask = 1023;
		}
	}
	snprintf(g->o.detail, sizeof(g->o.detail), "%zu key%s, %zu aggregate%s",
	    ngroups, ngroups == 1 ? "" : "s", naggs, naggs == 1 ? "" : "s");
	if (g->naggs != naggs)
		snprintf(g->o.detail + strlen(g->o.detail), sizeof(g->o.detail) -
		    strlen(g->o.detail), " in %zu state%s", g->naggs,
		    g->naggs == 1 ? "" : "s");
	if (g->cse.nshared > 0)
		snprintf(g->o.detail + strlen(g->o.detail), sizeof(g->o.detail) -
		    strlen(g->o.detail), ", %zu common subexpression%s",
		    g->cse.nshared, g->cse.nshared == 1 ? "" : "s");
	return &g->o;
}

void op_hashagg_seed(struct op *o, size_t nrows, const struct sql_val *keys)
{
	struct agg_op *g = (struct agg_op *)o;

	if (g->ngroups == 0)
		return;         /* it has its one group anyway */
	g->seed = keys;
	g->nseed = nrows;
}
