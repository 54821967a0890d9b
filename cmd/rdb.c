/*
 * rdb - the front door: `rdb VERB ARGS...` runs rdb-VERB ARGS...
 *
 * It looks for rdb-VERB beside its own executable first, so a build
 * tree or an unusual prefix works without PATH, then along PATH.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/complete.h"

/* The programs of the toolkit, in the order `rdb help` lists them. */
static const struct verb verbs[] = {
	{ "init", "create a new, empty database" },
	{ "load", "load CSV, TSV, JSON or NDJSON into a table" },
	{ "query", "run SQL: queries, changes, tables, an interactive shell" },
	{ "stat", "show a database's format, settings, size, tables and locks" },
	{ "compact", "checkpoint, merge segments, drop expired history" },
	{ "verify", "check every byte of a database and report damage" },
	{ "flashback", "time travel: the commit log, and SQL as of a time" },
	{ "index", "list, create, drop or rebuild a table's indexes" },
};
#define NVERBS (sizeof verbs / sizeof verbs[0])

static const struct cli_opt opts[] = {
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb", "[options] VERB [ARGS ...]",
	"Run the rdb program rdb-VERB with ARGS; 'rdb help' lists them.",
	CLI_G_STOP, CLI_OPER_VERB, opts,
};

/* The directory holding this executable, or NULL. */
static char *self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(dirname(buf));
}

/* The path of rdb-VERB: beside us if there, else the bare name for
 * execvp to find on PATH. Caller frees. */
static char *find_program(const char *verb)
{
	char *dir = self_dir(), *path = NULL;

	if (dir != NULL) {
		if (asprintf(&path, "%s/rdb-%s", dir, verb) < 0)
			path = NULL;
		free(dir);
		if (path != NULL && access(path, X_OK) == 0)
			return path;
		free(path);
	}
	if (asprintf(&path, "rdb-%s", verb) < 0)
		cli_die(EXIT_ERROR, "out of memory");
	return path;
}

static int valid_verb(const char *v)
{
	if (*v == '\0' || *v == '-')
		return 0;
	for (; *v != '\0'; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
		    *v == '-' || *v == '_'))
			return 0;
	return 1;
}

__attribute__((noreturn))
static void run(const char *verb, char **args)
{
	char *path = find_program(verb);

	args[0] = path;
	if (strchr(path, '/') != NULL)
		execv(path, args);
	else
		execvp(path, args);
	if (errno == ENOENT)
		cli_usage_error("'%s' is not an rdb command; see 'rdb help'", verb);
	cli_die(EXIT_ERROR, "cannot run '%s': %s", path, strerror(errno));
}

static void list_verbs(void)
{
	size_t i;

	printf("usage: rdb %s\n\n%s\n\nPrograms:\n", prog.synopsis, prog.summary);
	for (i = 0; i < NVERBS; i++)
		printf("  %-12s %s\n", verbs[i].name, verbs[i].summary);
	printf("  %-12s %s\n", "help", "show this list, or 'rdb help VERB'");
	printf("  %-12s %s\n", "completion",
	    "print the bash, zsh or fish completion script");
	printf("\nSee rdb(1) and rdb(7).\n");
}

int main(int argc, char **argv)
{
	const char *arg, *verb;
	char **rest;
	int i;

	cli_init(&prog, argc, argv);
	while (cli_getopt(argc, argv, &arg) != -1)
		;
	i = cli_optind();
	if (i >= argc)
		cli_usage_error("missing VERB; 'rdb help' lists them");
	verb = argv[i];
	if (strcmp(verb, "help") == 0) {
		if (i + 1 == argc) {
			list_verbs();
			cli_exit(EXIT_OK);
		}
		if (i + 2 != argc)
			cli_usage_error("'help' takes at most one VERB");
		if (!valid_verb(argv[i + 1]))
			cli_usage_error("'%s' is not an rdb command; see 'rdb help'",
			    argv[i + 1]);
		{
			char *args[] = { NULL, (char *)"--help", NULL };
			fflush(stdout);
			run(argv[i + 1], args);
		}
	}
	if (strcmp(verb, "completion") == 0) {
		if (i + 2 != argc || (strcmp(argv[i + 1], "bash") != 0 &&
		    strcmp(argv[i + 1], "zsh") != 0 &&
		    strcmp(argv[i + 1], "fish") != 0))
			cli_usage_error("'completion' takes one of bash, zsh, fish");
		if (complete_script(stdout, argv[i + 1], verbs, NVERBS,
		    find_program) != 0)
			cli_exit(EXIT_ERROR);
		cli_exit(EXIT_OK);
	}
	if (!valid_verb(verb))
		cli_usage_error("'%s' is not an rdb command; see 'rdb help'", verb);
	fflush(stdout);
	rest = &argv[i];	/* rest[0] is replaced by the program path */
	run(verb, rest);
}
