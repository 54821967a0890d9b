/*
 * cli.c - option tables, help, versions, errors and exit codes shared by
 * every rdb program.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct cli_common cli = { OUT_AUTO, 1, 0, 0, -1 };
const char *cli_progname = "rdb";

static const struct cli_prog *prog;
static const char *commands;

enum {
	K_FORMAT = 1000, K_NO_HEADER, K_LOCK_TIMEOUT, K_FORCE, K_QUIET,
	K_HELP, K_VERSION, K_LIST_OPTIONS,
};

static const struct cli_opt opts_output[] = {
	{ "format", K_FORMAT, "FORMAT", "csv|tsv|json|ndjson|table|markdown",
	  "output format (default: table on a terminal, else csv)", 0 },
	{ "no-header", K_NO_HEADER, NULL, NULL,
	  "leave out the header row of csv, tsv, table and markdown", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};
static const struct cli_opt opts_lock[] = {
	{ "lock-timeout", K_LOCK_TIMEOUT, "DURATION", NULL,
	  "wait this long for a lock (default 5s, or $RDB_LOCK_TIMEOUT)", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};
static const struct cli_opt opts_db[] = {
	{ "force", K_FORCE, NULL, NULL,
	  "allow a database on a network filesystem", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};
static const struct cli_opt opts_quiet[] = {
	{ "quiet", 'q', NULL, NULL, "no progress or notes on stderr", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};
static const struct cli_opt opts_always[] = {
	{ "help", 'h', NULL, NULL, "show this help and exit", 0 },
	{ "version", 'V', NULL, NULL, "show versions and exit", 0 },
	{ "list-options", K_LIST_OPTIONS, NULL, NULL,
	  "list options for completion scripts", CLI_HIDDEN },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

/* The option tables in effect, in --help order. */
static const struct cli_opt *tables[6];
static int ntables;

void cli_init(const struct cli_prog *p, int argc, char **argv)
{
#ifdef __GLIBC__
	/* Chunks of column values and loaded rows (up to a few MB) are
	 * allocated and freed again and again: glibc would map each from
	 * the kernel and hand it back, page faults and zeroing every time
	 * (TPC-H Q6 at SF1 0.09 -> 0.05 s; a third of the system time of a
	 * large load). Keep freed memory for reuse instead; the peak
	 * resident size barely moves, and limits still bound it. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	/* Heaps grow by 16 MB at least: each growth (brk, or mprotect of
	 * a thread's heap) takes the address space's lock for writing,
	 * which stalls the page faults of the other threads */
	mallopt(M_TOP_PAD, 16 << 20);
#endif
	(void)argc;
	(void)argv;
	prog = p;
	cli_progname = p->name;
	/* A closed pipe must not kill us in the middle of a commit: ignore
	 * SIGPIPE and handle EPIPE where we write. */
	signal(SIGPIPE, SIG_IGN);
	/* Character classes and display widths only; numbers stay "C". */
	if (setlocale(LC_CTYPE, "") == NULL)
		setlocale(LC_CTYPE, "C.UTF-8");
	ntables = 0;
	tables[ntables++] = p->opts;
	if (p->groups & CLI_G_OUTPUT)
		tables[ntables++] = opts_output;
	if (p->groups & CLI_G_LOCK)
		tables[ntables++] = opts_lock;
	if (p->groups & CLI_G_DB)
		tables[ntables++] = opts_db;
	if (p->groups & CLI_G_QUIET)
		tables[ntables++] = opts_quiet;
	tables[ntables++] = opts_always;
}

void cli_set_commands(const char *c)
{
	commands = c;
}

static void vmsg(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", cli_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void cli_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: %s %s\n", prog->name, prog->synopsis);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog->name);
	exit(EXIT_USAGE);
}

int cli_exit_code(int rc)
{
	switch (rc) {
	case RDB_OK:
		return EXIT_OK;
	case RDB_ECORRUPT:
		return EXIT_DAMAGE;
	case RDB_EBUSY:
		return EXIT_LOCKED;
	case RDB_EHISTORY:
		return EXIT_RETENTION;
	default:
		return EXIT_ERROR;
	}
}

void cli_die_db(struct rdb_db *db, int rc)
{
	if (db != NULL && rdb_errcode(db) != RDB_OK)
		cli_error("%s", rdb_errmsg(db));
	else
		cli_error("%s", rdb_strerror(rc));
	rdb_close(db);
	exit(cli_exit_code(rc));
}

void cli_open_options(struct rdb_open_options *o, unsigned flags)
{
	const char *env;
	uint64_t ms;

	memset(o, 0, sizeof *o);
	o->flags = flags | (cli.force ? RDB_OPEN_FORCE : 0);
	o->program = cli_progname;
	o->lock_timeout_ms = cli.lock_timeout_ms;
	if ((prog->groups & CLI_G_LOCK) && o->lock_timeout_ms < 0 && (env = getenv("RDB_LOCK_TIMEOUT")) != NULL &&
	    *env != '\0') {
		if (cli_parse_duration_ms(env, &ms) != 0 || ms > INT_MAX)
			cli_usage_error("invalid RDB_LOCK_TIMEOUT '%s': expected a duration such as 5s or 500ms",
			    env);
		o->lock_timeout_ms = (int)ms;
	}
}

void cli_check_stdout(void)
{
	if (!ferror(stdout))
		return;
	if (errno == EPIPE)
		_exit(EXIT_OK);	/* the reader has all it wanted */
	cli_die(EXIT_ERROR, "cannot write to standard output: %s",
	    strerror(errno ? errno : EIO));
}

void cli_exit(int status)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			_exit(status);
		cli_die(EXIT_ERROR, "cannot write to standard output: %s",
		    strerror(errno ? errno : EIO));
	}
	if (fclose(stdout) != 0) {
		if (errno == EPIPE)
			_exit(status);
		cli_die(EXIT_ERROR, "cannot write to standard output: %s",
		    strerror(errno));
	}
	exit(status);
}

static void opt_label(const struct cli_opt *o, char *buf, size_t n)
{
	const char *eq = o->arg != NULL ? "=" : "";
	const char *arg = o->arg != NULL ? o->arg : "";

	if (o->key > 0 && o->key < 256)
		snprintf(buf, n, "-%c, --%s%s%s", o->key, o->name, eq, arg);
	else
		snprintf(buf, n, "    --%s%s%s", o->name, eq, arg);
}

static void print_help(void)
{
	const struct cli_opt *o;
	char label[128];
	int i;

	printf("usage: %s %s\n\n%s\n\nOptions:\n", prog->name, prog->synopsis,
	    prog->summary);
	for (i = 0; i < ntables; i++) {
		for (o = tables[i]; o->name != NULL; o++) {
			if (o->flags & CLI_HIDDEN)
				continue;
			opt_label(o, label, sizeof label);
			printf("  %-26s %s\n", label, o->help);
			if (o->choices != NULL)
				printf("  %-26s (%s)\n", "", o->choices);
		}
	}
	printf("\nExit status: 0 ok, 1 error, 2 usage, 3 damage found, "
	    "4 rows rejected,\n5 lock timeout, 6 outside retained history.\n"
	    "See %s(1).\n", prog->name);
}

static void print_version(void)
{
	printf("%s (rdb) %s\nformat version %d\n%s\n", prog->name,
	    rdb_version(), RDB_FORMAT_VERSION, rdb_library_versions());
}

static void print_list_options(void)
{
	static const char *const oper[] = { "none", "db", "file", "verb" };
	const struct cli_opt *o;
	int i;

	printf("program\t%s\nsummary\t%s\nsynopsis\t%s\noperands\t%s\n",
	    prog->name, prog->summary, prog->synopsis, oper[prog->operands]);
	if (commands != NULL)
		printf("commands\t%s\n", commands);
	for (i = 0; i < ntables; i++) {
		for (o = tables[i]; o->name != NULL; o++) {
			if (o->key == K_LIST_OPTIONS)
				continue;
			printf("option\t%s\t%c\t%s\t%s\t%s\t%s\n", o->name,
			    o->key > 0 && o->key < 256 ? o->key : '-',
			    o->arg != NULL ? o->arg : "-",
			    o->choices != NULL ? o->choices : "-",
			    o->flags & CLI_ARG_DIR ? "dir"
			    : o->flags & CLI_ARG_FILE ? "file" : "-", o->help);
		}
	}
}

static int in_choices(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (*p != '\0') {
		const char *end = strchr(p, '|');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, v, n) == 0)
			return 1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

static struct option longopts[64];
static char shortopts[64];
static int built;

static void build_getopt(void)
{
	const struct cli_opt *o;
	size_t nl = 0, ns = 0;
	int i;

	if (prog->groups & CLI_G_STOP)
		shortopts[ns++] = '+';
	shortopts[ns++] = ':';	/* report missing arguments distinctly */
	for (i = 0; i < ntables; i++) {
		for (o = tables[i]; o->name != NULL; o++) {
			if (nl + 1 >= sizeof longopts / sizeof longopts[0] ||
			    ns + 3 >= sizeof shortopts)
				abort();	/* a program's table is too big: a bug */
			longopts[nl].name = o->name;
			longopts[nl].has_arg = o->arg != NULL ? required_argument
			    : no_argument;
			longopts[nl].flag = NULL;
			longopts[nl].val = o->key;
			nl++;
			if (o->key > 0 && o->key < 256) {
				shortopts[ns++] = (char)o->key;
				if (o->arg != NULL)
					shortopts[ns++] = ':';
			}
		}
	}
	memset(&longopts[nl], 0, sizeof longopts[nl]);
	shortopts[ns] = '\0';
	built = 1;
}

static const struct cli_opt *find_opt(int key)
{
	const struct cli_opt *o;
	int i;

	for (i = 0; i < ntables; i++)
		for (o = tables[i]; o->name != NULL; o++)
			if (o->key == key)
				return o;
	return NULL;
}

int cli_getopt(int argc, char **argv, const char **arg)
{
	const struct cli_opt *o;
	uint64_t ms;
	int c, longidx;

	if (!built) {
		build_getopt();
		opterr = 0;
	}
	for (;;) {
		longidx = -1;
		c = getopt_long(argc, argv, shortopts, longopts, &longidx);
		if (c == -1)
			return -1;
		if (c == '?') {
			if (optopt > 0 && optopt < 256)
				cli_usage_error("unknown option '-%c'", optopt);
			cli_usage_error("unknown option '%s'", argv[optind - 1]);
		}
		if (c == ':') {
			o = find_opt(optopt);
			if (o != NULL && longidx < 0 && optopt < 256 &&
			    argv[optind - 1][1] != '-')
				cli_usage_error("option '-%c' needs an argument (%s)",
				    optopt, o->arg);
			cli_usage_error("option '%s' needs an argument",
			    argv[optind - 1]);
		}
		o = find_opt(c);
		if (o != NULL && o->choices != NULL && !in_choices(o->choices, optarg))
			cli_usage_error("invalid --%s '%s': expected one of %s",
			    o->name, optarg, o->choices);
		switch (c) {
		case 'h':
			print_help();
			cli_exit(EXIT_OK);
		case 'V':
			print_version();
			cli_exit(EXIT_OK);
		case K_LIST_OPTIONS:
			print_list_options();
			cli_exit(EXIT_OK);
		case K_FORMAT: {
			static const char *const names[] = { "csv", "tsv", "json",
				"ndjson", "table", "markdown" };
			int i;
			for (i = 0; i < 6; i++)
				if (strcmp(optarg, names[i]) == 0)
					cli.format = (enum out_format)i;
			continue;
		}
		case K_NO_HEADER:
			cli.header = 0;
			continue;
		case K_LOCK_TIMEOUT:
			if (cli_parse_duration_ms(optarg, &ms) != 0 || ms > INT_MAX)
				cli_usage_error("invalid --lock-timeout '%s': expected a duration such as 5s or 500ms",
				    optarg);
			cli.lock_timeout_ms = (int)ms;
			continue;
		case K_FORCE:
			cli.force = 1;
			continue;
		case 'q':
			if (prog->groups & CLI_G_QUIET) {
				cli.quiet = 1;
				continue;
			}
			break;
		default:
			break;
		}
		*arg = optarg;
		return c;
	}
}

int cli_optind(void)
{
	return optind;
}

int cli_parse_int(const char *s, long long min, long long max, long long *v)
{
	char *end;
	long long x;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

/* Parse a non-negative decimal with optional fraction, then a unit
 * from units[] whose multiplier is mult[]; *out = value * mult. */
static int parse_scaled(const char *s, const char *const *units,
    const uint64_t *mult, uint64_t defmult, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, fracdiv = 1, m = defmult;
	const char *p = s;
	int digits = 0, i;

	if (s == NULL)
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (whole > UINT64_MAX / 10 - 10)
			return -1;
		whole = whole * 10 + (uint64_t)(*p++ - '0');
		digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (fracdiv < 1000000000) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fracdiv *= 10;
			}
			p++;
			digits++;
		}
	}
	if (digits == 0)
		return -1;
	if (*p != '\0') {
		for (i = 0; units[i] != NULL; i++)
			if (strcmp(p, units[i]) == 0)
				break;
		if (units[i] == NULL)
			return -1;
		m = mult[i];
	}
	if (whole != 0 && m > UINT64_MAX / whole)
		return -1;
	*out = whole * m + (frac * m) / fracdiv;
	return 0;
}

int cli_parse_duration_ms(const char *s, uint64_t *ms)
{
	static const char *const units[] = { "ms", "s", "m", "h", "d", "w",
		NULL };
	static const uint64_t mult[] = { 1, 1000, 60000, 3600000, 86400000,
		604800000 };

	return parse_scaled(s, units, mult, 1000, ms);
}

int cli_parse_size(const char *s, uint64_t *bytes)
{
	static const char *const units[] = { "B", "k", "K", "KiB", "M", "MiB",
		"G", "GiB", "T", "TiB", NULL };
	static const uint64_t mult[] = { 1, 1ULL << 10, 1ULL << 10,
		1ULL << 10, 1ULL << 20, 1ULL << 20, 1ULL << 30, 1ULL << 30,
		1ULL << 40, 1ULL << 40 };

	return parse_scaled(s, units, mult, 1, bytes);
}

void cli_format_duration(uint64_t s, char *buf, size_t n)
{
	if (s == 0)
		snprintf(buf, n, "0s");
	else if (s % 86400 == 0)
		snprintf(buf, n, "%" PRIu64 "d", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, n, "%" PRIu64 "h", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, n, "%" PRIu64 "m", s / 60);
	else
		snprintf(buf, n, "%" PRIu64 "s", s);
}

void cli_format_size(uint64_t b, char *buf, size_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)b;
	int i = -1;

	if (b < 1024) {
		snprintf(buf, n, "%" PRIu64 " B", b);
		return;
	}
	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(buf, n, "%.1f %s", v, unit[i]);
}

void cli_format_time(int64_t us, char *buf, size_t n)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		snprintf(buf, n, "?");
	else
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
