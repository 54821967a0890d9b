/*
 * fuzz-json.c - libFuzzer target for the JSON validator
 * (lib/util/json.c rdb_json_valid, RFC 8259): any bytes must be judged
 * without reading out of bounds or exhausting the stack, and the
 * verdict must be consistent with itself:
 *
 *   - a valid text stays valid inside an array, as an object member,
 *     and with whitespace around it (unless the wrapping crosses the
 *     nesting cap, which the target works out itself);
 *   - a text followed by a comma, or cut before a closing bracket or
 *     quote it ends with, is not valid.
 *
 * The input is the text itself. The seed corpus
 * (tests/fuzz/corpus/json) is a sample of JSONTestSuite's test_parsing.
 *
 * Build: as fuzz-segment.c says, with this file; or tools/fuzz.sh.
 */
#include "fuzz-util.h"

/* lib/util/json.c: a value nested deeper than this is refused. */
#define JSON_MAX_DEPTH 512

/* Deepest bracket nesting outside strings (0 for a scalar). */
static size_t depth_of(const uint8_t *p, size_t n)
{
	size_t i, d = 0, max = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		if (in_str) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				in_str = 0;
		} else if (p[i] == '"') {
			in_str = 1;
		} else if (p[i] == '[' || p[i] == '{') {
			if (++d > max)
				max = d;
		} else if ((p[i] == ']' || p[i] == '}') && d > 0) {
			d--;
		}
	}
	return max;
}

/* rdb_json_valid on pre + p[0..n) + post, from an exactly-sized copy. */
static int valid_wrapped(const char *pre, const uint8_t *p, size_t n,
    const char *post)
{
	size_t a = strlen(pre), b = strlen(post);
	uint8_t *q = malloc(a + n + b + 1);
	int v;

	if (q == NULL)
		return -1;
	memcpy(q, pre, a);
	if (n > 0)
		memcpy(q + a, p, n);
	memcpy(q + a + n, post, b);
	v = rdb_json_valid(q, a + n + b);
	free(q);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int v;

	v = valid_wrapped("", data, size, "");
	if (v < 0)
		return 0;
	if (v != 0 && v != 1)
		abort();
	if (!v)
		return 0;
	if (depth_of(data, size) + 1 <= JSON_MAX_DEPTH) {
		if (valid_wrapped("[", data, size, "]") != 1 ||
		    valid_wrapped("{\"k\":", data, size, "}") != 1 ||
		    valid_wrapped("[1,", data, size, ",2]") != 1) {
			fprintf(stderr, "fuzz: valid text invalid when wrapped\n");
			abort();
		}
	}
	if (valid_wrapped(" \t\r\n", data, size, "\n\r\t ") != 1) {
		fprintf(stderr, "fuzz: valid text invalid with whitespace\n");
		abort();
	}
	if (valid_wrapped("", data, size, ",") == 1 ||
	    valid_wrapped(",", data, size, "") == 1) {
		fprintf(stderr, "fuzz: a stray comma is valid\n");
		abort();
	}
	/* a valid text minus its closing bracket or quote is not valid */
	{
		size_t e = size;
		while (e > 0 && (data[e - 1] == ' ' || data[e - 1] == '\t' ||
		    data[e - 1] == '\n' || data[e - 1] == '\r'))
			e--;
		if (e > 0 && (data[e - 1] == ']' || data[e - 1] == '}' ||
		    data[e - 1] == '"') &&
		    valid_wrapped("", data, e - 1, "") == 1) {
			fprintf(stderr, "fuzz: valid without its closing byte\n");
			abort();
		}
	}
	return 0;
}
