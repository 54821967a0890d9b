/*
 * cli.h - what every rdb program shares: the option table that drives
 * getopt_long, --help, --version and --list-options; error messages;
 * the toolkit's exit codes; parsing of durations and sizes.
 *
 * Programs are thin: declare a struct cli_prog, loop over cli_getopt(),
 * call librdb, print through out.h, and end with cli_exit().
 */
#ifndef RDB_CLI_H
#define RDB_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "rdb/rdb.h"

/* The exit codes of the whole toolkit, documented in rdb(7) and in each
 * page's EXIT STATUS. Never renumber them: scripts depend on them. */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,         /* anything else that went wrong */
	EXIT_USAGE = 2,         /* bad flags or arguments */
	EXIT_DAMAGE = 3,        /* damage found in a database */
	EXIT_REJECTED = 4,      /* a load rejected rows */
	EXIT_LOCKED = 5,        /* a lock could not be had in time */
	EXIT_RETENTION = 6,     /* time travel outside retained history */
};

/* Option groups every program may include in its table. */
#define CLI_G_OUTPUT 0x1        /* --format, --no-header */
#define CLI_G_DB 0x2            /* --force */
#define CLI_G_LOCK 0x10         /* --lock-timeout */
#define CLI_G_QUIET 0x4         /* -q, --quiet */
#define CLI_G_STOP 0x8          /* options end at the first operand */

/* Flags of one option. */
#define CLI_HIDDEN 0x1          /* not in --help */
#define CLI_ARG_FILE 0x2        /* the argument is a file name */
#define CLI_ARG_DIR 0x4         /* the argument is a directory */

struct cli_opt {
	const char *name;       /* long name without "--" */
	int key;                /* short letter, or a value >= 256 */
	const char *arg;        /* argument name ("FORMAT"), NULL for none */
	const char *choices;    /* "csv|tsv|json", NULL when free-form */
	const char *help;       /* one line */
	unsigned flags;
};

/* How a program takes its operands, for completions. */
enum cli_operands { CLI_OPER_NONE, CLI_OPER_DB, CLI_OPER_FILE, CLI_OPER_VERB };

struct cli_prog {
	const char *name;       /* "rdb-stat" */
	const char *synopsis;   /* "[options] DIR": equals the man SYNOPSIS */
	const char *summary;    /* one sentence, for --help and rdb help */
	unsigned groups;        /* CLI_G_* */
	enum cli_operands operands;
	const struct cli_opt *opts;     /* terminated by a zero entry */
};

/* Output formats (out.h). */
enum out_format { OUT_CSV, OUT_TSV, OUT_JSON, OUT_NDJSON, OUT_TABLE,
	OUT_MARKDOWN, OUT_AUTO };

/* Settings of the common option groups, filled by cli_getopt. */
struct cli_common {
	enum out_format format;         /* OUT_AUTO until resolved */
	int header;                     /* 0 after --no-header */
	int quiet;
	int force;
	int lock_timeout_ms;            /* -1: default */
};
extern struct cli_common cli;
extern const char *cli_progname;

/* Set up the process: program name, SIGPIPE, locale for widths. */
void cli_init(const struct cli_prog *p, int argc, char **argv);

/* A program whose first operand is a command (rdb-flashback log DIR):
 * its commands as "log|query", listed by --list-options for the
 * completions. Call after cli_init, before cli_getopt. */
void cli_set_commands(const char *commands);

/*
 * The next program-specific option: its key, with *arg set to its
 * argument; -1 at the end (then cli_optind() is the first operand).
 * Common options, --help, --version and --list-options are handled
 * inside; an unknown option or bad common value exits with EXIT_USAGE.
 */
int cli_getopt(int argc, char **argv, const char **arg);
int cli_optind(void);

/* Print the usage line and a pointer to --help, exit EXIT_USAGE. */
__attribute__((noreturn, format(printf, 1, 2)))
void cli_usage_error(const char *fmt, ...);

/* "prog: message" on stderr. */
__attribute__((format(printf, 1, 2)))
void cli_error(const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3)))
void cli_die(int status, const char *fmt, ...);

/* The exit code for a librdb result code. */
int cli_exit_code(int rc);

/* Print db's error (or a message for rc when db is NULL) and exit. */
__attribute__((noreturn))
void cli_die_db(struct rdb_db *db, int rc);

/* Open options from the common flags. */
void cli_open_options(struct rdb_open_options *o, unsigned flags);

/* Flush stdout and exit with status; a write error on stdout is an
 * error (EXIT_ERROR), a closed pipe ends quietly with status. */
__attribute__((noreturn))
void cli_exit(int status);

/* Check stdout after writing: on a closed pipe exit quietly, on another
 * write error report it and exit EXIT_ERROR. */
void cli_check_stdout(void);

/* Parse "7d", "90m", "1.5h", "500ms", "30" (seconds). *ms gets
 * milliseconds. Returns 0, or -1 for a malformed or huge value. */
int cli_parse_duration_ms(const char *s, uint64_t *ms);
/* Parse "64M", "1G", "4096", "4k" (powers of 1024). */
int cli_parse_size(const char *s, uint64_t *bytes);
/* Parse a decimal integer in [min, max]. */
int cli_parse_int(const char *s, long long min, long long max, long long *v);

/* Format seconds as the shortest exact "7d", "90m", "45s". */
void cli_format_duration(uint64_t seconds, char *buf, size_t n);
/* Format bytes as "4.0 KiB", "12 B". */
void cli_format_size(uint64_t bytes, char *buf, size_t n);
/* Format µs since the epoch as "2026-11-26T14:20:01Z". */
void cli_format_time(int64_t us, char *buf, size_t n);

#endif
