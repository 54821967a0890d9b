/*
 * agg.c - hash aggregation.
 *
 * Hash aggregate: group keys live in a row store, an open-addressing
 * table maps a key's hash to its group id, and each aggregate keeps one
 * state per group. A chunk is processed in two steps: find (or add) the
 * group of every row, then update each aggregate over the whole chunk.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seg/seg.h"
#include "sql/exec.h"

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

struct agg_st {
	int64_t n;                      /* non-NULL inputs seen */
	union {
		int64_t i;
		double d;
		__int128 x;
	} v;
	double mean, m2;                /* Welford, for variance */
	char *buf;                      /* text min/max, string_agg */
	uint32_t len, cap;
};

struct dset {                           /* (group, value) pairs seen */
	struct rowstore rs;
	uint32_t *slot;
	uint64_t *hash;
	size_t mask, n;
};

struct agg_op {
	struct op o;
	size_t ngroups, naggs;
	struct sql_expr **groups;
	struct agg_spec *aggs;
	struct rowstore keys;
	uint32_t *slot;                 /* group id + 1, 0 empty */
	uint64_t *ghash;                /* per group */
	size_t mask;
	size_t ng;                      /* groups so far */
	size_t gcap;
	struct agg_st **st;             /* per aggregate, per group */
	struct dset *ds;                /* per aggregate, when DISTINCT */
	struct sql_arena scratch;
	int done_input;
	size_t outpos;
	uint32_t *gid;
	uint32_t *pend;                 /* chunk rows of new groups */
};

static int grow_groups(struct agg_op *g, size_t need)
{
	size_t cap = g->gcap, a;

	if (need <= cap)
		return 0;
	while (cap < need)
		cap = cap ? cap * 2 : 1024;
	{
		uint64_t *h = realloc(g->ghash, cap * sizeof(*h));
		if (h == NULL)
			return -1;
		g->ghash = h;
	}
	for (a = 0; a < g->naggs; a++) {
		struct agg_st *s = realloc(g->st[a], cap * sizeof(*s));
		if (s == NULL)
			return -1;
		memset(s + g->gcap, 0, (cap - g->gcap) * sizeof(*s));
		g->st[a] = s;
	}
	g->gcap = cap;
	return 0;
}

static int rehash(struct agg_op *g, size_t cap)
{
	uint32_t *slot = calloc(cap, sizeof(*slot));
	size_t i, mask = cap - 1;

	if (slot == NULL)
		return -1;
	for (i = 0; i < g->ng; i++) {
		size_t p = g->ghash[i] & mask;
		while (slot[p] != 0)
			p = (p + 1) & mask;
		slot[p] = (uint32_t)(i + 1);
	}
	free(g->slot);
	g->slot = slot;
	g->mask = mask;
	return 0;
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

static int find_groups(struct exec *x, struct agg_op *g,
    const struct sql_chunk *in, struct sql_vec *kv)
{
	size_t i, c, npend = 0, base = g->ng;

	for (i = 0; i < in->n; i++) {
		uint64_t h = 0;
		size_t p;
		for (c = 0; c < g->ngroups; c++)
			h = sql_hash_val(&kv[c], i, h);
		if ((g->ng + 1) * 2 > g->mask + 1 && rehash(g, (g->mask + 1) * 2))
			return oom(x);
		p = h & g->mask;
		for (;;) {
			uint32_t s = g->slot[p];
			if (s == 0) {
				if (grow_groups(g, g->ng + 1) != 0)
					return oom(x);
				if (g->ng >= UINT32_MAX - 1)
					return sql_error(&x->cx, "too many groups");
				g->ghash[g->ng] = h;
				g->slot[p] = (uint32_t)(g->ng + 1);
				g->pend[npend++] = (uint32_t)i;
				g->gid[i] = (uint32_t)g->ng++;
				break;
			}
			if (g->ghash[s - 1] == h && group_eq(g, kv, i, s - 1)) {
				g->gid[i] = s - 1;
				break;
			}
			p = (p + 1) & g->mask;
		}
	}
	if (npend > 0) {
		struct sql_chunk kc;
		kc.n = in->n;
		kc.ncols = g->ngroups;
		kc.cols = kv;
		if (rs_append(&g->keys, &kc, g->pend, npend) != 0)
			return oom(x);
		if (g->keys.n != base + npend)
			return sql_error(&x->cx, "internal: group store");
	}
	return 0;
}

/* Add (gid, value i of v) to the distinct set; 1 when new. */
static int dset_add(struct exec *x, struct dset *d, uint32_t gid,
    const struct sql_vec *v, size_t i)
{
	uint64_t h = sql_hash_val(v, i, gid * 0x9e3779b97f4a7c15ULL + 1);
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
	{
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

static int str_put(struct agg_st *s, const char *p, uint32_t n, int append)
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
			/* A total kept below 10^38 plus a value below 10^30
			 * cannot wrap an __int128 (about 1.7e38): check the
			 * bound after each add, not the add itself. */
			__int128 lim = sql_pow10(38);
			int bad = 0;
			for (k = 0; k < nsel; k++) {
				size_t i = ROW;
				struct agg_st *s = &st[gid[i]];
				if (nl != NULL && nl[i])
					continue;
				s->v.x += v->v.x[i];
				s->n++;
				bad |= (s->v.x >= lim) | (s->v.x <= -lim);
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

static int update_agg(struct exec *x, struct agg_op *g, size_t a,
    const struct sql_chunk *in)
{
	struct agg_spec *sp = &g->aggs[a];
	struct agg_st *st = g->st[a];
	struct sql_vec v, sep;
	uint32_t *sel = NULL;
	size_t nsel = in->n, k;
	int rc;

	if (sp->filter != NULL) {
		sel = sql_arena_alloc(&g->scratch, 4 * in->n + 4);
		if (sel == NULL)
			return oom(x);
		rc = sql_eval_filter(x, sp->filter, in, sel, &nsel, &g->scratch);
		if (rc != 0)
			return rc;
	}
	if (sp->fn == AGG_COUNT_STAR) {
		for (k = 0; k < nsel; k++)
			st[g->gid[sel ? sel[k] : k]].n++;
		return 0;
	}
	if ((rc = sql_eval(x, sp->arg, in, &v, &g->scratch)) != 0)
		return rc;
	if (!sp->distinct && v.t.id != T_NULL &&
	    (rc = fast_update(sp, st, g->gid, &v, sel, nsel)) != 0)
		return rc > 0 ? 0 : sql_error(&x->cx, "sum out of range "
		    "(overflow)");
	if (sp->fn == AGG_STRING_AGG && sp->arg2 != NULL &&
	    (rc = sql_eval(x, sp->arg2, in, &sep, &g->scratch)) != 0)
		return rc;
	for (k = 0; k < nsel; k++) {
		size_t i = sel ? sel[k] : k;
		struct agg_st *s = &st[g->gid[i]];
		if (v.t.id == T_NULL || (v.null != NULL && v.null[i]))
			continue;
		if (sp->distinct) {
			rc = dset_add(x, &g->ds[a], g->gid[i], &v, i);
			if (rc < 0)
				return rc;
			if (rc == 0)
				continue;
		}
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
					if (str_put(s, nv.u.s.p, nv.u.s.n, 0) != 0)
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
				if (str_put(s, sp2, sn, 1) != 0)
					return oom(x);
			}
			if (str_put(s, v.v.s[i].p, v.v.s[i].n, 1) != 0)
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
	}
	return 0;
}

static int agg_consume_one(struct exec *x, struct agg_op *g)
{
	struct op *k = g->o.kid[0];
	struct sql_vec *kv;
	size_t a, c;
	int rc;

	while ((rc = op_next(x, k)) > 0) {
		sql_arena_reset(&g->scratch);
		kv = sql_arena_alloc(&g->scratch, sizeof(*kv) * (g->ngroups + 1));
		if (kv == NULL)
			return oom(x);
		for (c = 0; c < g->ngroups; c++) {
			rc = sql_eval(x, g->groups[c], &k->out, &kv[c], &g->scratch);
			if (rc != 0)
				return rc;
		}
		if (g->ngroups == 0) {
			size_t i;
			if (g->ng == 0) {
				if (grow_groups(g, 1) != 0)
					return oom(x);
				g->ng = 1;
			}
			for (i = 0; i < k->out.n; i++)
				g->gid[i] = 0;
		} else if ((rc = find_groups(x, g, &k->out, kv)) != 0) {
			return rc;
		}
		for (a = 0; a < g->naggs; a++)
			if ((rc = update_agg(x, g, a, &k->out)) != 0)
				return rc;
		if (x->memory_limit && g->keys.bytes + g->keys.text.used +
		    g->gcap * g->naggs * sizeof(struct agg_st) > x->memory_limit)
			return sql_error(&x->cx, "GROUP BY exceeds the memory limit "
			    "(%llu MB); raise --memory-limit",
			    (unsigned long long)(x->memory_shown >> 20));
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

/* Fold state b (of a worker) into state a, for aggregate sp. */
static int merge_state(struct exec *x, const struct agg_spec *sp,
    struct agg_st *a, const struct agg_st *b)
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
				if (str_put(a, b->buf, b->len, 0) != 0)
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
			if (str_put(a, sep, sn, 1) != 0)
				return oom(x);
		}
		if (str_put(a, b->buf, b->len, 1) != 0)
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

/* Fold the groups of worker w into g. */
static int agg_merge(struct exec *x, struct agg_op *g, struct agg_op *w)
{
	struct sql_arena ar;
	uint32_t idx[SQL_CHUNK];
	size_t done, a, i, c;
	int rc = 0;

	sql_arena_init(&ar);
	for (done = 0; done < w->ng && rc == 0; done += SQL_CHUNK) {
		size_t n = w->ng - done > SQL_CHUNK ? SQL_CHUNK : w->ng - done;
		struct sql_chunk ch;
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
		ch.n = n;
		ch.ncols = g->ngroups;
		ch.cols = kv;
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
		} else if ((rc = find_groups(x, g, &ch, kv)) != 0) {
			break;
		}
		for (a = 0; a < g->naggs && rc == 0; a++)
			for (i = 0; i < n && rc == 0; i++)
				rc = merge_state(x, &g->aggs[a], &g->st[a][g->gid[i]],
				    &w->st[a][done + i]);
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

	if (x->threads == 1 || g->o.kid[0]->est < 200000 ||
	    !op_clonable(g->o.kid[0]))
		return 1;
	for (a = 0; a < g->naggs; a++)
		if (g->aggs[a].distinct)
			return 1;
	n = x->threads > 0 ? x->threads : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
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
	int n = agg_nparts(x, g), i, started = 0, rc = 0;

	if (n <= 1)
		return agg_consume_one(x, g);
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
		    g->naggs, g->aggs);
		if (w[i].g == NULL) {
			rc = RDB_ENOMEM;
			goto out;
		}
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
	for (i = 1; i < n && rc == 0; i++)
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

static int agg_result(struct exec *x, struct agg_op *g, size_t a,
    size_t gid, struct sql_val *r)
{
	struct agg_spec *sp = &g->aggs[a];
	struct agg_st *s = &g->st[a][gid];

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
			char *p = sql_arena_alloc(&g->o.out.arena, s->len + 1);
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
	case AGG_STRING_AGG:
		r->u.s.p = s->buf ? s->buf : "";
		r->u.s.n = s->len;
		return 0;
	case AGG_BOOL_AND: case AGG_BOOL_OR:
		r->u.i = s->v.i;
		return 0;
	}
	return sql_error(&x->cx, "internal: aggregate %d", sp->fn);
}

static int agg_next(struct exec *x, struct op *o)
{
	struct agg_op *g = (struct agg_op *)o;
	size_t n, i, c, a;
	uint32_t *idx;
	int rc;

	if (!g->done_input && (rc = agg_consume(x, g)) != 0)
		return rc;
	if (g->outpos >= g->ng)
		return 0;
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
	for (a = 0; a < g->naggs; a++) {
		struct sql_vec *v = &o->out.cols[g->ngroups + a];
		if (sql_vec_alloc(v, g->aggs[a].t, n, &o->out.arena) != 0)
			return oom(x);
		for (i = 0; i < n; i++) {
			struct sql_val r;
			if ((rc = agg_result(x, g, a, g->outpos + i, &r)) != 0)
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
	free(g->slot);
	free(g->ghash);
	if (g->st != NULL)
		for (a = 0; a < g->naggs; a++) {
			if (g->st[a] != NULL)
				for (i = 0; i < g->gcap; i++)
					free(g->st[a][i].buf);
			free(g->st[a]);
		}
	free(g->st);
	if (g->ds != NULL)
		for (a = 0; a < g->naggs; a++) {
			rs_release(&g->ds[a].rs);
			free(g->ds[a].slot);
			free(g->ds[a].hash);
		}
	free(g->ds);
	free(g->gid);
	free(g->pend);
	sql_arena_release(&g->scratch);
}

static const struct op_vt agg_vt = { "HASH AGGREGATE", agg_next, agg_close };

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
	g->naggs = naggs;
	g->groups = groups;
	g->aggs = aggs;
	sql_arena_init(&g->scratch);
	g->st = calloc(naggs + 1, sizeof(*g->st));
	g->ds = calloc(naggs + 1, sizeof(*g->ds));
	g->gid = malloc(4 * (SQL_CHUNK + 1));
	g->pend = malloc(4 * (SQL_CHUNK + 1));
	g->slot = calloc(1024, sizeof(*g->slot));
	g->mask = 1023;
	if (g->st == NULL || g->ds == NULL || g->gid == NULL ||
	    g->pend == NULL || g->slot == NULL || rs_init(&g->keys, ngroups, t)) {
		free(t);
		op_free(&g->o);
		oom(x);
		return NULL;
	}
	free(t);
	for (i = 0; i < naggs; i++) {
		if (aggs[i].distinct) {
			struct sql_type dt[2];
			dt[0].id = T_BIGINT;
			dt[0].prec = dt[0].scale = 0;
			dt[1] = aggs[i].arg->t;
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
	return &g->o;
}

