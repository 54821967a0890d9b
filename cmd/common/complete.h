/*
 * complete.h - shell completion scripts, generated from the programs'
 * own option tables (their hidden --list-options).
 */
#ifndef RDB_COMPLETE_H
#define RDB_COMPLETE_H

#include <stdio.h>

/* A verb of the front door: rdb VERB runs rdb-VERB. */
struct verb {
	const char *name;
	const char *summary;
};

/* Write the completion script for shell ("bash", "zsh", "fish") of the
 * rdb front door and the programs of verbs[0..n) to f. Each program is
 * run as find(verb) --list-options. Returns 0, or -1 after printing an
 * error. */
int complete_script(FILE *f, const char *shell, const struct verb *verbs,
    size_t n, char *(*find)(const char *verb));

#endif
