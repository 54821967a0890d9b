/*
 * tpchgen: the eight TPC-H tables as CSV, for benchmarks at any scale.
 *
 *   tpchgen -s SF -o DIR [-T table[,table]]... [-j threads] [-r seed]
 *
 * Writes DIR/<table>.csv with a lower-case header row, the columns of
 * the TPC-H schema (spec clause 1.4) in order, RFC 4180 quoting, money
 * with two decimals and ISO dates: the layout of the shipped SF0.1 files.
 *
 * The values follow the data-generation rules of the TPC-H specification
 * (clause 4.2.2 and 4.2.3): cardinalities, sparse order keys, the word
 * lists and grammars of clause 4.2.2.13, the retail price formula, the
 * part/supplier bridge, the date rules and the text pool from which every
 * comment is cut. The output is not byte-identical to dbgen (our random
 * stream is our own) but every column has the same domain and
 * distribution, so the 22 queries keep their selectivities.
 *
 * Every row draws from its own random stream, seeded from (seed, table,
 * row number). Rows are thus independent of how the work is split: the
 * tables are cut into chunks, the threads take chunks in order, and each
 * thread writes its chunk when all earlier chunks of its file are out.
 * The output depends on the seed and the scale only, never on -j.
 *
 * Exit status: 0 ok, 1 error (cannot write), 2 usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- random numbers ---------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* splitmix64: tiny state, good enough statistics, and cheap to seed. */
static uint64_t
rng_next(struct rng *r)
{
	return mix64(r->s += 0x9e3779b97f4a7c15ULL);
}

/* Uniform in [lo, hi] (Lemire's multiply-shift; the bias is < 2^-32). */
static long
rnd(struct rng *r, long lo, long hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;

	return lo + (long)(((rng_next(r) >> 32) * span) >> 32);
}

static uint64_t g_seed = 19920101;

enum stream { ST_POOL, ST_NATION, ST_REGION, ST_PART, ST_PARTSUPP,
	ST_SUPPLIER, ST_CUSTOMER, ST_ORDERS };

static void
rng_seed(struct rng *r, enum stream st, uint64_t row)
{
	r->s = mix64(g_seed ^ mix64(((uint64_t)st << 48) + row));
}

/* ---- the word lists of spec clause 4.2.2.13 ----------------------------- */

struct word {
	const char *s;
	int weight;
};

/* A weighted list with a lookup table: one random draw picks a word. */
struct dist {
	const struct word *w;
	int n;
	int total;
	unsigned char *lut;
	unsigned char *len;
};

static const struct word nouns[] = {
	{"packages", 40}, {"requests", 40}, {"accounts", 40}, {"deposits", 40},
	{"foxes", 20}, {"ideas", 20}, {"theodolites", 20}, {"pinto beans", 20},
	{"instructions", 20}, {"dependencies", 10}, {"excuses", 10},
	{"platelets", 10}, {"asymptotes", 10}, {"courts", 5}, {"dolphins", 5},
	{"multipliers", 1}, {"sauternes", 1}, {"warthogs", 1}, {"frets", 1},
	{"dinos", 1}, {"attainments", 1}, {"somas", 1}, {"Tiresias", 1},
	{"patterns", 1}, {"forges", 1}, {"braids", 1}, {"frays", 1},
	{"warhorses", 1}, {"dugouts", 1}, {"notornis", 1}, {"epitaphs", 1},
	{"pearls", 1}, {"tithes", 1}, {"waters", 1}, {"orbits", 1},
	{"gifts", 1}, {"sheaves", 1}, {"depths", 1}, {"sentiments", 1},
	{"decoys", 1}, {"realms", 1}, {"pains", 1}, {"grouches", 1},
	{"escapades", 1}, {"hockey players", 1},
};
static const struct word verbs[] = {
	{"sleep", 20}, {"wake", 20}, {"are", 20}, {"cajole", 20},
	{"haggle", 20}, {"nag", 10}, {"use", 10}, {"boost", 10}, {"affix", 5},
	{"detect", 5}, {"integrate", 5}, {"maintain", 1}, {"nod", 1},
	{"was", 1}, {"lose", 1}, {"sublate", 1}, {"solve", 1}, {"thrash", 1},
	{"promise", 1}, {"engage", 1}, {"hinder", 1}, {"print", 1},
	{"x-ray", 1}, {"breach", 1}, {"eat", 1}, {"grow", 1}, {"impress", 1},
	{"mold", 1}, {"poach", 1}, {"serve", 1}, {"run", 1}, {"dazzle", 1},
	{"snooze", 1}, {"doze", 1}, {"unwind", 1}, {"kindle", 1}, {"play", 1},
	{"hang", 1}, {"believe", 1}, {"doubt", 1},
};
static const struct word adverbs[] = {
	{"sometimes", 1}, {"always", 1}, {"never", 1}, {"furiously", 50},
	{"slyly", 50}, {"carefully", 50}, {"blithely", 40}, {"quickly", 30},
	{"fluffily", 20}, {"slowly", 1}, {"quietly", 1}, {"ruthlessly", 1},
	{"thinly", 1}, {"closely", 1}, {"doggedly", 1}, {"daringly", 1},
	{"bravely", 1}, {"stealthily", 1}, {"permanently", 1},
	{"enticingly", 1}, {"idly", 1}, {"busily", 1}, {"regularly", 1},
	{"finally", 1}, {"ironically", 1}, {"evenly", 1}, {"boldly", 1},
	{"silently", 1},
};
static const struct word prepositions[] = {
	{"about", 50}, {"above", 50}, {"according to", 50}, {"across", 50},
	{"after", 50}, {"against", 40}, {"along", 40}, {"alongside of", 30},
	{"among", 30}, {"around", 20}, {"at", 10}, {"atop", 1}, {"before", 1},
	{"behind", 1}, {"beneath", 1}, {"beside", 1}, {"besides", 1},
	{"between", 1}, {"beyond", 1}, {"by", 1}, {"despite", 1},
	{"during", 1}, {"except", 1}, {"for", 1}, {"from", 1},
	{"in place of", 1}, {"inside", 1}, {"instead of", 1}, {"into", 1},
	{"near", 1}, {"of", 1}, {"on", 1}, {"outside", 1}, {"over", 1},
	{"past", 1}, {"since", 1}, {"through", 1}, {"throughout", 1},
	{"to", 1}, {"toward", 1}, {"under", 1}, {"until", 1}, {"up", 1},
	{"upon", 1}, {"without", 1}, {"with", 1}, {"within", 1},
};
static const struct word auxiliaries[] = {
	{"do", 1}, {"may", 1}, {"might", 1}, {"shall", 1}, {"will", 1},
	{"would", 1}, {"can", 1}, {"could", 1}, {"should", 1}, {"ought to", 1},
	{"must", 1}, {"will have to", 1}, {"shall have to", 1},
	{"could have to", 1}, {"should have to", 1}, {"must have to", 1},
	{"need to", 1}, {"try to", 1},
};
static const struct word terminators[] = {
	{".", 50}, {";", 1}, {":", 1}, {"?", 1}, {"!", 1}, {"--", 1},
};
static const struct word adjectives[] = {
	{"special", 20}, {"pending", 20}, {"unusual", 20}, {"express", 20},
	{"furious", 1}, {"sly", 1}, {"careful", 1}, {"blithe", 1},
	{"quick", 1}, {"fluffy", 1}, {"slow", 1}, {"quiet", 1},
	{"ruthless", 1}, {"thin", 1}, {"close", 1}, {"dogged", 1},
	{"daring", 1}, {"brave", 1}, {"stealthy", 1}, {"permanent", 1},
	{"enticing", 1}, {"idle", 1}, {"busy", 1}, {"regular", 50},
	{"final", 40}, {"ironic", 40}, {"even", 30}, {"bold", 20},
	{"silent", 10},
};
/* Sentence, noun phrase and verb phrase grammars (spec 4.2.2.10). */
static const struct word grammar[] = {
	{"NVT", 3}, {"NVPT", 3}, {"NVNT", 3}, {"NPVNT", 1}, {"NPVPT", 1},
};
static const struct word np_syntax[] = {
	{"N", 10}, {"JN", 20}, {"J,JN", 10}, {"DJN", 50},
};
static const struct word vp_syntax[] = {
	{"V", 30}, {"XV", 1}, {"VD", 40}, {"XVD", 1},
};

static struct dist d_nouns, d_verbs, d_adverbs, d_preps, d_aux, d_terms,
	d_adjs, d_grammar, d_np, d_vp;

static void
dist_init(struct dist *d, const struct word *w, size_t n)
{
	size_t i, k = 0;
	int j;

	d->w = w;
	d->n = (int)n;
	d->total = 0;
	for (i = 0; i < n; i++)
		d->total += w[i].weight;
	d->lut = malloc((size_t)d->total);
	d->len = malloc(n);
	if (d->lut == NULL || d->len == NULL) {
		fprintf(stderr, "tpchgen: out of memory\n");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		d->len[i] = (unsigned char)strlen(w[i].s);
		for (j = 0; j < w[i].weight; j++)
			d->lut[k++] = (unsigned char)i;
	}
}

static int
dist_pick(struct rng *r, const struct dist *d)
{
	return d->lut[rnd(r, 0, d->total - 1)];
}

/* Uniform lists (clause 4.2.2.13 and 4.2.3). */
static const char *const colors[92] = {
	"almond", "antique", "aquamarine", "azure", "beige", "bisque", "black",
	"blanched", "blue", "blush", "brown", "burlywood", "burnished",
	"chartreuse", "chiffon", "chocolate", "coral", "cornflower",
	"cornsilk", "cream", "cyan", "dark", "deep", "dim", "dodger", "drab",
	"firebrick", "floral", "forest", "frosted", "gainsboro", "ghost",
	"goldenrod", "green", "grey", "honeydew", "hot", "indian", "ivory",
	"khaki", "lace", "lavender", "lawn", "lemon", "light", "lime", "linen",
	"magenta", "maroon", "medium", "metallic", "midnight", "mint", "misty",
	"moccasin", "navajo", "navy", "olive", "orange", "orchid", "pale",
	"papaya", "peach", "peru", "pink", "plum", "powder", "puff", "purple",
	"red", "rose", "rosy", "royal", "saddle", "salmon", "sandy",
	"seashell", "sienna", "sky", "slate", "smoke", "snow", "spring",
	"steel", "tan", "thistle", "tomato", "turquoise", "violet", "wheat",
	"white", "yellow",
};
static const char *const type1[6] = {
	"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO",
};
static const char *const type2[5] = {
	"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED",
};
static const char *const type3[5] = {
	"TIN", "NICKEL", "BRASS", "STEEL", "COPPER",
};
static const char *const cont1[5] = { "SM", "LG", "MED", "JUMBO", "WRAP" };
static const char *const cont2[8] = {
	"CASE", "BOX", "BAG", "JAR", "PACK", "PKG", "CAN", "DRUM",
};
static const char *const segments[5] = {
	"AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY",
};
static const char *const priorities[5] = {
	"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW",
};
static const char *const instructions[4] = {
	"DELIVER IN PERSON", "COLLECT COD", "TAKE BACK RETURN", "NONE",
};
static const char *const modes[7] = {
	"REG AIR", "AIR", "RAIL", "TRUCK", "MAIL", "FOB", "SHIP",
};
static const struct {
	const char *name;
	int region;
} nations[25] = {
	{"ALGERIA", 0}, {"ARGENTINA", 1}, {"BRAZIL", 1}, {"CANADA", 1},
	{"EGYPT", 4}, {"ETHIOPIA", 0}, {"FRANCE", 3}, {"GERMANY", 3},
	{"INDIA", 2}, {"INDONESIA", 2}, {"IRAN", 4}, {"IRAQ", 4},
	{"JAPAN", 2}, {"JORDAN", 4}, {"KENYA", 0}, {"MOROCCO", 0},
	{"MOZAMBIQUE", 0}, {"PERU", 1}, {"CHINA", 2}, {"ROMANIA", 3},
	{"SAUDI ARABIA", 4}, {"VIETNAM", 2}, {"RUSSIA", 3},
	{"UNITED KINGDOM", 3}, {"UNITED STATES", 1},
};
static const char *const regions[5] = {
	"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST",
};

/* ---- dates: day 0 is 1992-01-01 ----------------------------------------- */

#define STARTDATE	0	/* 1992-01-01 */
#define CURRENTDATE	1263	/* 1995-06-17 */
#define ENDDATE		2556	/* 1998-12-31 */
#define NDATES		(ENDDATE + 200)

static char dates[NDATES][10];

static void
dates_init(void)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	int y = 1992, m = 0, d = 1, i;

	for (i = 0; i < NDATES; i++) {
		char *t = dates[i];
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		t[0] = (char)('0' + y / 1000);
		t[1] = (char)('0' + y / 100 % 10);
		t[2] = (char)('0' + y / 10 % 10);
		t[3] = (char)('0' + y % 10);
		t[4] = t[7] = '-';
		t[5] = (char)('0' + (m + 1) / 10);
		t[6] = (char)('0' + (m + 1) % 10);
		t[8] = (char)('0' + d / 10);
		t[9] = (char)('0' + d % 10);
		if (++d > mdays[m] + (m == 1 && leap)) {
			d = 1;
			if (++m == 12) {
				m = 0;
				y++;
			}
		}
	}
}

/* ---- the text pool (spec 4.2.2.10) -------------------------------------- */

/*
 * Comments are substrings of one pool of grammar-made sentences, at a
 * random offset and of a random length in the column's range. dbgen's
 * pool is 300 MB; a smaller one at small scales keeps start-up short
 * without repeating text noticeably. The pool is made in 1 MB segments,
 * each from its own stream, by all threads.
 */
#define POOL_SEG	(1 << 20)

static char *pool;
static size_t pool_size;

static char *
put_word(char *o, const struct dist *d, int i)
{
	memcpy(o, d->w[i].s, d->len[i]);
	o += d->len[i];
	*o++ = ' ';
	return o;
}

static char *
noun_phrase(struct rng *r, char *o)
{
	const char *syn = d_np.w[dist_pick(r, &d_np)].s;

	for (; *syn; syn++) {
		switch (*syn) {
		case 'N': o = put_word(o, &d_nouns, dist_pick(r, &d_nouns)); break;
		case 'J': o = put_word(o, &d_adjs, dist_pick(r, &d_adjs)); break;
		case 'D': o = put_word(o, &d_adverbs, dist_pick(r, &d_adverbs)); break;
		case ',': o[-1] = ','; *o++ = ' '; break;
		}
	}
	return o;
}

static char *
verb_phrase(struct rng *r, char *o)
{
	const char *syn = d_vp.w[dist_pick(r, &d_vp)].s;

	for (; *syn; syn++) {
		switch (*syn) {
		case 'V': o = put_word(o, &d_verbs, dist_pick(r, &d_verbs)); break;
		case 'X': o = put_word(o, &d_aux, dist_pick(r, &d_aux)); break;
		case 'D': o = put_word(o, &d_adverbs, dist_pick(r, &d_adverbs)); break;
		}
	}
	return o;
}

/* One sentence into o (at most ~200 bytes); returns the end. */
static char *
sentence(struct rng *r, char *o)
{
	const char *syn = d_grammar.w[dist_pick(r, &d_grammar)].s;
	int t;

	for (; *syn; syn++) {
		switch (*syn) {
		case 'N':
			o = noun_phrase(r, o);
			break;
		case 'V':
			o = verb_phrase(r, o);
			break;
		case 'P':
			o = put_word(o, &d_preps, dist_pick(r, &d_preps));
			memcpy(o, "the ", 4);
			o = noun_phrase(r, o + 4);
			break;
		case 'T':
			t = dist_pick(r, &d_terms);
			o--;	/* the terminator follows the last word */
			o = put_word(o, &d_terms, t);
			break;
		}
	}
	return o;
}

static void
pool_segment(size_t seg)
{
	struct rng r;
	char *o = pool + seg * POOL_SEG;
	char *end = pool + pool_size;
	char tmp[512];

	if (end > o + POOL_SEG)
		end = o + POOL_SEG;
	rng_seed(&r, ST_POOL, seg);
	while (o < end) {
		size_t n = (size_t)(sentence(&r, tmp) - tmp);

		if (n > (size_t)(end - o))
			n = (size_t)(end - o);
		memcpy(o, tmp, n);
		o += n;
	}
}

/* ---- output buffers ----------------------------------------------------- */

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

static char *
buf_reserve(struct buf *b, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 1 << 20;

		while (cap - b->len < n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (b->p == NULL) {
			fprintf(stderr, "tpchgen: out of memory\n");
			exit(1);
		}
		b->cap = cap;
	}
	return b->p + b->len;
}

static void
buf_done(struct buf *b, const char *end)
{
	b->len = (size_t)(end - b->p);
}

static char *
put_uint(char *o, uint64_t v)
{
	char t[24];
	int n = 0;

	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*o++ = t[--n];
	return o;
}

/* An amount in cents as d.dd, sign first. */
static char *
put_cents(char *o, long c)
{
	if (c < 0) {
		*o++ = '-';
		c = -c;
	}
	o = put_uint(o, (uint64_t)c / 100);
	*o++ = '.';
	*o++ = (char)('0' + c / 10 % 10);
	*o++ = (char)('0' + c % 10);
	return o;
}

static char *
put_str(char *o, const char *s)
{
	size_t n = strlen(s);

	memcpy(o, s, n);
	return o + n;
}

/* A text field, quoted when it holds a comma, a quote or a line break. */
static char *
put_text(char *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			break;
	if (i == n) {
		memcpy(o, s, n);
		return o + n;
	}
	*o++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*o++ = '"';
		*o++ = s[i];
	}
	*o++ = '"';
	return o;
}

/* "Customer#000000042": the name columns, 9-digit zero-padded keys. */
static char *
put_keyname(char *o, const char *prefix, long key)
{
	int i;

	o = put_str(o, prefix);
	for (i = 8; i >= 0; i--) {
		o[i] = (char)('0' + key % 10);
		key /= 10;
	}
	return o + 9;
}

static char *
put_date(char *o, int day)
{
	memcpy(o, dates[day], 10);
	return o + 10;
}

/* A comment: text string [lo, hi] cut from the pool. */
static char *
put_comment(char *o, struct rng *r, int lo, int hi)
{
	long n = rnd(r, lo, hi);
	long at = rnd(r, 0, (long)pool_size - n);

	return put_text(o, pool + at, (size_t)n);
}

/* Random v-string [lo, hi] (spec 4.2.2.7): 64 symbols, comma and space. */
static char *
put_vstring(char *o, struct rng *r, int lo, int hi)
{
	static const char alpha[65] =
	    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, ";
	char t[64];
	long n = rnd(r, lo, hi), i;
	uint64_t bits = 0;

	for (i = 0; i < n; i++) {
		if (i % 10 == 0)
			bits = rng_next(r);
		t[i] = alpha[bits & 63];
		bits >>= 6;
	}
	return put_text(o, t, (size_t)n);
}

/* Phone number (spec 4.2.2.9): country code is nation key + 10. */
static char *
put_phone(char *o, struct rng *r, int nation)
{
	long a = rnd(r, 100, 999), b = rnd(r, 100, 999), c = rnd(r, 1000, 9999);

	o = put_uint(o, (uint64_t)nation + 10);
	*o++ = '-';
	o = put_uint(o, (uint64_t)a);
	*o++ = '-';
	o = put_uint(o, (uint64_t)b);
	*o++ = '-';
	return put_uint(o, (uint64_t)c);
}

/* ---- the tables --------------------------------------------------------- */

enum table { T_NATION, T_REGION, T_PART, T_PARTSUPP, T_SUPPLIER,
	T_CUSTOMER, T_ORDERS, T_LINEITEM, T_COUNT };

static const char *const table_names[T_COUNT] = {
	"nation", "region", "part", "partsupp", "supplier", "customer",
	"orders", "lineitem",
};

static const char *const headers[T_COUNT] = {
	"n_nationkey,n_name,n_regionkey,n_comment",
	"r_regionkey,r_name,r_comment",
	"p_partkey,p_name,p_mfgr,p_brand,p_type,p_size,p_container,"
	    "p_retailprice,p_comment",
	"ps_partkey,ps_suppkey,ps_availqty,ps_supplycost,ps_comment",
	"s_suppkey,s_name,s_address,s_nationkey,s_phone,s_acctbal,s_comment",
	"c_custkey,c_name,c_address,c_nationkey,c_phone,c_acctbal,"
	    "c_mktsegment,c_comment",
	"o_orderkey,o_custkey,o_orderstatus,o_totalprice,o_orderdate,"
	    "o_orderpriority,o_clerk,o_shippriority,o_comment",
	"l_orderkey,l_partkey,l_suppkey,l_linenumber,l_quantity,"
	    "l_extendedprice,l_discount,l_tax,l_returnflag,l_linestatus,"
	    "l_shipdate,l_commitdate,l_receiptdate,l_shipinstruct,l_shipmode,"
	    "l_comment",
};

static long n_part, n_supplier, n_customer, n_orders, n_clerk;
static int wanted[T_COUNT];

/* Retail price in cents (spec 4.2.3). */
static long
retail_cents(long partkey)
{
	return 90000 + (partkey / 10) % 20001 + 100 * (partkey % 1000);
}

/* The i-th (0..3) supplier of a part (spec 4.2.3, PS_SUPPKEY). */
static long
part_supplier(long partkey, long i)
{
	long s = n_supplier;

	return (partkey + i * (s / 4 + (partkey - 1) / s)) % s + 1;
}

static void
gen_nation(struct buf *b, long first, long count)
{
	long k;

	for (k = first; k < first + count; k++) {
		struct rng r;
		char *o = buf_reserve(b, 512);

		rng_seed(&r, ST_NATION, (uint64_t)k);
		o = put_uint(o, (uint64_t)k);
		*o++ = ',';
		o = put_str(o, nations[k].name);
		*o++ = ',';
		o = put_uint(o, (uint64_t)nations[k].region);
		*o++ = ',';
		o = put_comment(o, &r, 31, 114);
		*o++ = '\n';
		buf_done(b, o);
	}
}

static void
gen_region(struct buf *b, long first, long count)
{
	long k;

	for (k = first; k < first + count; k++) {
		struct rng r;
		char *o = buf_reserve(b, 512);

		rng_seed(&r, ST_REGION, (uint64_t)k);
		o = put_uint(o, (uint64_t)k);
		*o++ = ',';
		o = put_str(o, regions[k]);
		*o++ = ',';
		o = put_comment(o, &r, 31, 115);
		*o++ = '\n';
		buf_done(b, o);
	}
}

static void
gen_part(struct buf *bp, struct buf *bps, long first, long count)
{
	long key, i;

	for (key = first + 1; key <= first + count; key++) {
		struct rng r;
		char *o;

		if (wanted[T_PART]) {
			int pick[5], n = 0, m;

			rng_seed(&r, ST_PART, (uint64_t)key);
			o = buf_reserve(bp, 1024);
			o = put_uint(o, (uint64_t)key);
			*o++ = ',';
			/* five distinct colours */
			while (n < 5) {
				int c = (int)rnd(&r, 0, 91), j;

				for (j = 0; j < n && pick[j] != c; j++)
					;
				if (j == n)
					pick[n++] = c;
			}
			for (i = 0; i < 5; i++) {
				if (i)
					*o++ = ' ';
				o = put_str(o, colors[pick[i]]);
			}
			m = (int)rnd(&r, 1, 5);
			o = put_str(o, ",Manufacturer#");
			*o++ = (char)('0' + m);
			o = put_str(o, ",Brand#");
			*o++ = (char)('0' + m);
			*o++ = (char)('0' + rnd(&r, 1, 5));
			*o++ = ',';
			o = put_str(o, type1[rnd(&r, 0, 5)]);
			*o++ = ' ';
			o = put_str(o, type2[rnd(&r, 0, 4)]);
			*o++ = ' ';
			o = put_str(o, type3[rnd(&r, 0, 4)]);
			*o++ = ',';
			o = put_uint(o, (uint64_t)rnd(&r, 1, 50));
			*o++ = ',';
			o = put_str(o, cont1[rnd(&r, 0, 4)]);
			*o++ = ' ';
			o = put_str(o, cont2[rnd(&r, 0, 7)]);
			*o++ = ',';
			o = put_cents(o, retail_cents(key));
			*o++ = ',';
			o = put_comment(o, &r, 5, 22);
			*o++ = '\n';
			buf_done(bp, o);
		}
		if (!wanted[T_PARTSUPP])
			continue;
		rng_seed(&r, ST_PARTSUPP, (uint64_t)key);
		o = buf_reserve(bps, 4 * 512);
		for (i = 0; i < 4; i++) {
			o = put_uint(o, (uint64_t)key);
			*o++ = ',';
			o = put_uint(o, (uint64_t)part_supplier(key, i));
			*o++ = ',';
			o = put_uint(o, (uint64_t)rnd(&r, 1, 9999));
			*o++ = ',';
			o = put_cents(o, rnd(&r, 100, 100000));
			*o++ = ',';
			o = put_comment(o, &r, 49, 198);
			*o++ = '\n';
		}
		buf_done(bps, o);
	}
}

static void
gen_supplier(struct buf *b, long first, long count)
{
	long key;

	for (key = first + 1; key <= first + count; key++) {
		struct rng r;
		char *o = buf_reserve(b, 1024);
		char cmt[128];
		long n, at;
		int nation;

		rng_seed(&r, ST_SUPPLIER, (uint64_t)key);
		o = put_uint(o, (uint64_t)key);
		*o++ = ',';
		o = put_keyname(o, "Supplier#", key);
		*o++ = ',';
		o = put_vstring(o, &r, 10, 40);
		*o++ = ',';
		nation = (int)rnd(&r, 0, 24);
		o = put_uint(o, (uint64_t)nation);
		*o++ = ',';
		o = put_phone(o, &r, nation);
		*o++ = ',';
		o = put_cents(o, rnd(&r, -99999, 999999));
		*o++ = ',';
		/*
		 * SF*5 suppliers have "Customer%Complaints" in their comment
		 * and SF*5 others "Customer%Recommends" (spec 4.2.3, Q16):
		 * 10 in 10,000 are picked, half of each kind.
		 */
		n = rnd(&r, 25, 100);
		at = rnd(&r, 0, (long)pool_size - n);
		memcpy(cmt, pool + at, (size_t)n);
		if (rnd(&r, 1, 10000) <= 10) {
			long noise = rnd(&r, 0, n - 19);
			long off = rnd(&r, 0, n - 19 - noise);
			int bad = rnd(&r, 0, 99) < 50;

			memcpy(cmt + off, "Customer ", 9);
			memcpy(cmt + off + 9 + noise, bad ? "Complaints" :
			    "Recommends", 10);
		}
		o = put_text(o, cmt, (size_t)n);
		*o++ = '\n';
		buf_done(b, o);
	}
}

static void
gen_customer(struct buf *b, long first, long count)
{
	long key;

	for (key = first + 1; key <= first + count; key++) {
		struct rng r;
		char *o = buf_reserve(b, 1024);
		int nation;

		rng_seed(&r, ST_CUSTOMER, (uint64_t)key);
		o = put_uint(o, (uint64_t)key);
		*o++ = ',';
		o = put_keyname(o, "Customer#", key);
		*o++ = ',';
		o = put_vstring(o, &r, 10, 40);
		*o++ = ',';
		nation = (int)rnd(&r, 0, 24);
		o = put_uint(o, (uint64_t)nation);
		*o++ = ',';
		o = put_phone(o, &r, nation);
		*o++ = ',';
		o = put_cents(o, rnd(&r, -99999, 999999));
		*o++ = ',';
		o = put_str(o, segments[rnd(&r, 0, 4)]);
		*o++ = ',';
		o = put_comment(o, &r, 29, 116);
		*o++ = '\n';
		buf_done(b, o);
	}
}

/*
 * Orders and their lines, made together: the order's status and total
 * come from its lines. Order i (1-based) has key (i/8)*32 + i%8: the
 * first 8 of every 32 keys are used (spec 4.2.3, sparse keys).
 */
static void
gen_orders(struct buf *bo, struct buf *bl, long first, long count)
{
	long i;

	for (i = first + 1; i <= first + count; i++) {
		struct rng r;
		long okey = ((i >> 3) << 5) | (i & 7);
		long custkey, delta, total = 0, lines, ln;
		int odate, nf = 0, no = 0;
		char *o;

		rng_seed(&r, ST_ORDERS, (uint64_t)i);
		/*
		 * A third of the customers never order (O_CUSTKEY mod 3 is
		 * not 0). As in dbgen, a key that is a multiple of 3 moves to
		 * its neighbour, so keys = 1 mod 3 order twice as often as
		 * keys = 2 mod 3: Q13's bimodal distribution comes from this.
		 */
		custkey = rnd(&r, 1, n_customer);
		for (delta = 1; custkey % 3 == 0 && n_customer >= 3; delta = -delta) {
			custkey += delta;
			if (custkey > n_customer)
				custkey = n_customer;
		}
		odate = (int)rnd(&r, STARTDATE, ENDDATE - 151);
		lines = rnd(&r, 1, 7);
		o = wanted[T_LINEITEM] ? buf_reserve(bl, (size_t)lines * 256) :
		    NULL;
		for (ln = 1; ln <= lines; ln++) {
			long part = rnd(&r, 1, n_part);
			long supp = part_supplier(part, rnd(&r, 0, 3));
			long qty = rnd(&r, 1, 50);
			long disc = rnd(&r, 0, 10);
			long tax = rnd(&r, 0, 8);
			long eprice = qty * retail_cents(part);
			int sdate = odate + (int)rnd(&r, 1, 121);
			int cdate = odate + (int)rnd(&r, 30, 90);
			int rdate = sdate + (int)rnd(&r, 1, 30);
			int rflag = rnd(&r, 0, 1) ? 'R' : 'A';
			int ins = (int)rnd(&r, 0, 3), mode = (int)rnd(&r, 0, 6);

			if (rdate > CURRENTDATE)
				rflag = 'N';
			if (sdate > CURRENTDATE)
				no++;
			else
				nf++;
			/* dbgen's integer arithmetic, cent truncation included */
			total += eprice * (100 - disc) / 100 * (100 + tax) / 100;
			if (o == NULL) {
				/* keep the stream the same with or without lineitem */
				rnd(&r, 10, 43);
				rng_next(&r);
				continue;
			}
			o = put_uint(o, (uint64_t)okey);
			*o++ = ',';
			o = put_uint(o, (uint64_t)part);
			*o++ = ',';
			o = put_uint(o, (uint64_t)supp);
			*o++ = ',';
			o = put_uint(o, (uint64_t)ln);
			*o++ = ',';
			o = put_uint(o, (uint64_t)qty);
			*o++ = ',';
			o = put_cents(o, eprice);
			*o++ = ',';
			o = put_cents(o, disc);
			*o++ = ',';
			o = put_cents(o, tax);
			*o++ = ',';
			*o++ = (char)rflag;
			*o++ = ',';
			*o++ = sdate > CURRENTDATE ? 'O' : 'F';
			*o++ = ',';
			o = put_date(o, sdate);
			*o++ = ',';
			o = put_date(o, cdate);
			*o++ = ',';
			o = put_date(o, rdate);
			*o++ = ',';
			o = put_str(o, instructions[ins]);
			*o++ = ',';
			o = put_str(o, modes[mode]);
			*o++ = ',';
			o = put_comment(o, &r, 10, 43);
			*o++ = '\n';
		}
		if (o != NULL)
			buf_done(bl, o);
		if (!wanted[T_ORDERS])
			continue;
		o = buf_reserve(bo, 512);
		o = put_uint(o, (uint64_t)okey);
		*o++ = ',';
		o = put_uint(o, (uint64_t)custkey);
		*o++ = ',';
		*o++ = no == 0 ? 'F' : nf == 0 ? 'O' : 'P';
		*o++ = ',';
		o = put_cents(o, total);
		*o++ = ',';
		o = put_date(o, odate);
		*o++ = ',';
		o = put_str(o, priorities[rnd(&r, 0, 4)]);
		*o++ = ',';
		o = put_keyname(o, "Clerk#", rnd(&r, 1, n_clerk));
		o = put_str(o, ",0,");
		o = put_comment(o, &r, 19, 78);
		*o++ = '\n';
		buf_done(bo, o);
	}
}

/* ---- chunks, threads and ordered writes --------------------------------- */

/* A group of files made together, written chunk by chunk in order. */
enum group { G_ORDERS, G_PART, G_CUSTOMER, G_SUPPLIER, G_NATION, G_REGION,
	G_COUNT };

static const enum table group_tables[G_COUNT][2] = {
	[G_ORDERS] = { T_ORDERS, T_LINEITEM },
	[G_PART] = { T_PART, T_PARTSUPP },
	[G_CUSTOMER] = { T_CUSTOMER, T_CUSTOMER },
	[G_SUPPLIER] = { T_SUPPLIER, T_SUPPLIER },
	[G_NATION] = { T_NATION, T_NATION },
	[G_REGION] = { T_REGION, T_REGION },
};

struct job {
	enum group g;
	long seq;	/* chunk number within the group */
	long first;	/* first row (0-based) */
	long count;
};

static struct job *jobs;
static size_t njobs;
static atomic_size_t next_job;
static atomic_size_t next_seg;
static size_t nsegs;

static int fds[T_COUNT];
static long written[G_COUNT];	/* chunks of each group written so far */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static atomic_int failed;
static const char *outdir;

static void
write_all(enum table t, const char *p, size_t n)
{
	while (n > 0 && !atomic_load(&failed)) {
		ssize_t w = write(fds[t], p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "tpchgen: cannot write '%s/%s.csv': %s\n",
			    outdir, table_names[t], strerror(errno));
			atomic_store(&failed, 1);
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void *
pool_worker(void *arg)
{
	size_t s;

	(void)arg;
	while ((s = atomic_fetch_add(&next_seg, 1)) < nsegs)
		pool_segment(s);
	return NULL;
}

static void *
worker(void *arg)
{
	struct buf b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	size_t j;
	int k;

	(void)arg;
	while ((j = atomic_fetch_add(&next_job, 1)) < njobs) {
		const struct job *jb = &jobs[j];
		const enum table *ts = group_tables[jb->g];

		if (atomic_load(&failed))
			break;
		b[0].len = b[1].len = 0;
		switch (jb->g) {
		case G_ORDERS: gen_orders(&b[0], &b[1], jb->first, jb->count); break;
		case G_PART: gen_part(&b[0], &b[1], jb->first, jb->count); break;
		case G_CUSTOMER: gen_customer(&b[0], jb->first, jb->count); break;
		case G_SUPPLIER: gen_supplier(&b[0], jb->first, jb->count); break;
		case G_NATION: gen_nation(&b[0], jb->first, jb->count); break;
		case G_REGION: gen_region(&b[0], jb->first, jb->count); break;
		case G_COUNT: break;
		}
		/*
		 * Jobs are taken in order, so every earlier chunk of this group
		 * is held by a thread that is not waiting on us: no deadlock.
		 */
		pthread_mutex_lock(&mu);
		while (written[jb->g] != jb->seq && !atomic_load(&failed))
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
		for (k = 0; k < 2; k++)
			if ((k == 0 || ts[1] != ts[0]) && wanted[ts[k]])
				write_all(ts[k], b[k].p, b[k].len);
		pthread_mutex_lock(&mu);
		written[jb->g]++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	free(b[0].p);
	free(b[1].p);
	/* wake anyone waiting on a chunk that will never come */
	pthread_mutex_lock(&mu);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void
add_jobs(enum group g, long rows, long chunk)
{
	long seq = 0, first;

	for (first = 0; first < rows; first += chunk) {
		jobs[njobs].g = g;
		jobs[njobs].seq = seq++;
		jobs[njobs].first = first;
		jobs[njobs].count = rows - first < chunk ? rows - first : chunk;
		njobs++;
	}
}

static int
run_threads(void *(*fn)(void *), int nthreads)
{
	pthread_t tid[64];
	int i, n = 0, rc = 0;

	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&tid[i], NULL, fn, NULL) != 0)
			break;
		n++;
	}
	if (n == 0) {
		fn(NULL);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (pthread_join(tid[i], NULL) != 0)
			rc = -1;
	return rc;
}

static int
mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path), i;

	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			return -1;
		tmp[i] = path[i];
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: tpchgen -s SF -o DIR [-T table[,table]]... [-j threads] "
	    "[-r seed]\n"
	    "  tables: nation region part partsupp supplier customer orders "
	    "lineitem\n");
	exit(2);
}

static int
want_tables(char *list)
{
	char *tok, *save = NULL;
	int t;

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (t = 0; t < T_COUNT && strcmp(tok, table_names[t]) != 0; t++)
			;
		if (t == T_COUNT) {
			fprintf(stderr, "tpchgen: unknown table '%s'\n", tok);
			return -1;
		}
		wanted[t] = 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	double sf = 0;
	int nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	int c, t, any = 0;
	char *end;

	while ((c = getopt(argc, argv, "s:o:T:j:r:h")) != -1) {
		switch (c) {
		case 's':
			sf = strtod(optarg, &end);
			if (*end != '\0' || !(sf > 0) || sf > 100000)
				usage();
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'T':
			if (want_tables(optarg) != 0)
				usage();
			any = 1;
			break;
		case 'j':
			nthreads = atoi(optarg);
			if (nthreads < 1)
				usage();
			break;
		case 'r':
			g_seed = strtoull(optarg, &end, 0);
			if (*end != '\0')
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || sf <= 0 || outdir == NULL)
		usage();
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > 64)
		nthreads = 64;
	if (!any)
		for (t = 0; t < T_COUNT; t++)
			wanted[t] = 1;

	n_part = (long)(sf * 200000 + 0.5);
	n_supplier = (long)(sf * 10000 + 0.5);
	n_customer = (long)(sf * 150000 + 0.5);
	n_orders = (long)(sf * 1500000 + 0.5);
	/* SF*1000 clerks, but never fewer than 1000 (as dbgen) */
	n_clerk = sf < 1 ? 1000 : (long)(sf * 1000 + 0.5);
	if (n_supplier < 1 || n_part < 1 || n_customer < 1 || n_orders < 1) {
		fprintf(stderr, "tpchgen: scale factor %g is too small\n", sf);
		return 2;
	}

	dist_init(&d_nouns, nouns, sizeof nouns / sizeof *nouns);
	dist_init(&d_verbs, verbs, sizeof verbs / sizeof *verbs);
	dist_init(&d_adverbs, adverbs, sizeof adverbs / sizeof *adverbs);
	dist_init(&d_preps, prepositions, sizeof prepositions / sizeof *prepositions);
	dist_init(&d_aux, auxiliaries, sizeof auxiliaries / sizeof *auxiliaries);
	dist_init(&d_terms, terminators, sizeof terminators / sizeof *terminators);
	dist_init(&d_adjs, adjectives, sizeof adjectives / sizeof *adjectives);
	dist_init(&d_grammar, grammar, sizeof grammar / sizeof *grammar);
	dist_init(&d_np, np_syntax, sizeof np_syntax / sizeof *np_syntax);
	dist_init(&d_vp, vp_syntax, sizeof vp_syntax / sizeof *vp_syntax);
	dates_init();

	/* 300 MB from SF1 up (as dbgen), at least 32 MB below */
	pool_size = sf >= 1 ? 300u << 20 :
	    (size_t)(sf * (300u << 20)) < (32u << 20) ? 32u << 20 :
	    (size_t)(sf * (300u << 20));
	pool = malloc(pool_size);
	if (pool == NULL) {
		fprintf(stderr, "tpchgen: out of memory\n");
		return 1;
	}
	nsegs = (pool_size + POOL_SEG - 1) / POOL_SEG;
	run_threads(pool_worker, nthreads);

	if (mkdir_p(outdir) != 0) {
		fprintf(stderr, "tpchgen: cannot create '%s': %s\n", outdir,
		    strerror(errno));
		return 1;
	}
	for (t = 0; t < T_COUNT; t++) {
		char path[PATH_MAX];

		fds[t] = -1;
		if (!wanted[t])
			continue;
		snprintf(path, sizeof path, "%s/%s.csv", outdir, table_names[t]);
		fds[t] = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fds[t] < 0) {
			fprintf(stderr, "tpchgen: cannot open '%s': %s\n", path,
			    strerror(errno));
			return 1;
		}
		write_all((enum table)t, headers[t], strlen(headers[t]));
		write_all((enum table)t, "\n", 1);
	}

	/* the big tables first, so the threads finish together */
	jobs = calloc((size_t)(n_orders / 8192 + n_part / 8192 +
	    n_customer / 32768 + n_supplier / 32768 + 16), sizeof *jobs);
	if (jobs == NULL) {
		fprintf(stderr, "tpchgen: out of memory\n");
		return 1;
	}
	if (wanted[T_ORDERS] || wanted[T_LINEITEM])
		add_jobs(G_ORDERS, n_orders, 8192);
	if (wanted[T_PART] || wanted[T_PARTSUPP])
		add_jobs(G_PART, n_part, 8192);
	if (wanted[T_CUSTOMER])
		add_jobs(G_CUSTOMER, n_customer, 32768);
	if (wanted[T_SUPPLIER])
		add_jobs(G_SUPPLIER, n_supplier, 32768);
	if (wanted[T_NATION])
		add_jobs(G_NATION, 25, 25);
	if (wanted[T_REGION])
		add_jobs(G_REGION, 5, 5);
	run_threads(worker, nthreads);

	for (t = 0; t < T_COUNT; t++) {
		if (fds[t] >= 0 && close(fds[t]) != 0 && !atomic_load(&failed)) {
			fprintf(stderr, "tpchgen: cannot write '%s/%s.csv': %s\n",
			    outdir, table_names[t], strerror(errno));
			atomic_store(&failed, 1);
		}
	}
	free(jobs);
	free(pool);
	return atomic_load(&failed) ? 1 : 0;
}
