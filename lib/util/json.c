/*
 * json.c - validate JSON text (RFC 8259): one value, surrounded only by
 * whitespace. Nesting is capped, so hostile input cannot exhaust the
 * stack.
 */
#include "util.h"

#define JSON_MAX_DEPTH 512

struct jp {
	const uint8_t *p;
	size_t n, i;
};

static void ws(struct jp *j)
{
	while (j->i < j->n && (j->p[j->i] == ' ' || j->p[j->i] == '\t' ||
	    j->p[j->i] == '\n' || j->p[j->i] == '\r'))
		j->i++;
}

static int lit(struct jp *j, const char *s)
{
	size_t l = strlen(s);

	if (j->n - j->i < l || memcmp(j->p + j->i, s, l) != 0)
		return -1;
	j->i += l;
	return 0;
}

static int hex4(struct jp *j, unsigned *v)
{
	unsigned x = 0;
	int k;

	if (j->n - j->i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		uint8_t c = j->p[j->i++];
		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= c - '0';
		else if (c >= 'a' && c <= 'f')
			x |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			x |= c - 'A' + 10;
		else
			return -1;
	}
	*v = x;
	return 0;
}

static int str(struct jp *j)
{
	unsigned u, u2;

	if (j->i >= j->n || j->p[j->i] != '"')
		return -1;
	j->i++;
	while (j->i < j->n) {
		uint8_t c = j->p[j->i];
		if (c == '"') {
			j->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			j->i++;
			if (j->i >= j->n)
				return -1;
			c = j->p[j->i++];
			if (c == 'u') {
				if (hex4(j, &u) != 0)
					return -1;
				/* a lone surrogate is not a character */
				if (u >= 0xdc00 && u <= 0xdfff)
					return -1;
				if (u >= 0xd800 && u <= 0xdbff) {
					if (lit(j, "\\u") != 0 || hex4(j, &u2) != 0 ||
					    u2 < 0xdc00 || u2 > 0xdfff)
						return -1;
				}
			} else if (!(c == '"' || c == '\\' || c == '/' || c == 'b' ||
			    c == 'f' || c == 'n' || c == 'r' || c == 't')) {
				return -1;
			}
			continue;
		}
		j->i++;
	}
	return -1;
}

static int digits(struct jp *j)
{
	size_t s = j->i;

	while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
		j->i++;
	return j->i > s ? 0 : -1;
}

static int num(struct jp *j)
{
	if (j->i < j->n && j->p[j->i] == '-')
		j->i++;
	if (j->i < j->n && j->p[j->i] == '0')
		j->i++;
	else if (digits(j) != 0)
		return -1;
	if (j->i < j->n && j->p[j->i] == '.') {
		j->i++;
		if (digits(j) != 0)
			return -1;
	}
	if (j->i < j->n && (j->p[j->i] == 'e' || j->p[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->p[j->i] == '+' || j->p[j->i] == '-'))
			j->i++;
		if (digits(j) != 0)
			return -1;
	}
	return 0;
}

static int value(struct jp *j, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return -1;
	ws(j);
	if (j->i >= j->n)
		return -1;
	switch (j->p[j->i]) {
	case '{':
		j->i++;
		ws(j);
		if (j->i < j->n && j->p[j->i] == '}') {
			j->i++;
			return 0;
		}
		for (;;) {
			ws(j);
			if (str(j) != 0)
				return -1;
			ws(j);
			if (j->i >= j->n || j->p[j->i] != ':')
				return -1;
			j->i++;
			if (value(j, depth + 1) != 0)
				return -1;
			ws(j);
			if (j->i < j->n && j->p[j->i] == ',') {
				j->i++;
				continue;
			}
			if (j->i < j->n && j->p[j->i] == '}') {
				j->i++;
				return 0;
			}
			return -1;
		}
	case '[':
		j->i++;
		ws(j);
		if (j->i < j->n && j->p[j->i] == ']') {
			j->i++;
			return 0;
		}
		for (;;) {
			if (value(j, depth + 1) != 0)
				return -1;
			ws(j);
			if (j->i < j->n && j->p[j->i] == ',') {
				j->i++;
				continue;
			}
			if (j->i < j->n && j->p[j->i] == ']') {
				j->i++;
				return 0;
			}
			return -1;
		}
	case '"':
		return str(j);
	case 't':
		return lit(j, "true");
	case 'f':
		return lit(j, "false");
	case 'n':
		return lit(j, "null");
	default:
		return num(j);
	}
}

int rdb_json_valid(const uint8_t *p, size_t n)
{
	struct jp j = { p, n, 0 };

	if (value(&j, 0) != 0)
		return 0;
	ws(&j);
	return j.i == n;
}
