/*
 * unit.c - the runner of unit.h: TAP output, one line per test.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static struct unit_test *head, **tail = &head;
static int failures;
static char tmpdir[256];

void unit_register(struct unit_test *t)
{
	/* constructors run in link order; keep it */
	*tail = t;
	tail = &t->next;
}

void unit_fail(const char *file, int line, const char *what)
{
	failures++;
	printf("#   %s:%d: failed: %s\n", file, line, what);
}

void unit_fail_str(const char *file, int line, const char *a, const char *b,
    const char *va, const char *vb)
{
	failures++;
	printf("#   %s:%d: failed: %s == %s\n#     got:  \"%s\"\n#     want: \"%s\"\n",
	    file, line, a, b, va != NULL ? va : "(null)",
	    vb != NULL ? vb : "(null)");
}

const char *unit_tmpdir(void)
{
	if (tmpdir[0] == '\0') {
		const char *base = getenv("TMPDIR");
		snprintf(tmpdir, sizeof tmpdir, "%s/rdb-unit-XXXXXX",
		    base != NULL ? base : "/tmp");
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			exit(2);
		}
	}
	return tmpdir;
}

static void cleanup_tmpdir(void)
{
	char cmd[300];

	if (tmpdir[0] == '\0')
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

static int selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct unit_test *t;
	int n = 0, failed = 0, before;

	/* the output formats draw UTF-8 boxes in a UTF-8 locale */
	setlocale(LC_CTYPE, "C.UTF-8");

	for (t = head; t != NULL; t = t->next)
		if (selected(t->name, argc, argv))
			n++;
	printf("1..%d\n", n);
	n = 0;
	for (t = head; t != NULL; t = t->next) {
		if (!selected(t->name, argc, argv))
			continue;
		before = failures;
		t->fn();
		cleanup_tmpdir();
		n++;
		if (failures != before) {
			failed++;
			printf("not ok %d - %s\n", n, t->name);
		} else {
			printf("ok %d - %s\n", n, t->name);
		}
		fflush(stdout);
	}
	return failed == 0 ? 0 : 1;
}
