/*
 * unit.h - a small unit-test harness for librdb.
 *
 * A test is a function registered with UNIT_TEST(name); CHECK(cond)
 * records a failure with file and line and goes on. main() (unit.c)
 * runs every test, or those named on the command line, and prints TAP.
 */
#ifndef RDB_UNIT_H
#define RDB_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *what);
void unit_fail_str(const char *file, int line, const char *a, const char *b,
    const char *va, const char *vb);

#define UNIT_TEST(name)                                                 \
	static void name(void);                                         \
	__attribute__((constructor)) static void name##_register(void)  \
	{                                                               \
		static struct unit_test t = { #name, name, NULL };      \
		unit_register(&t);                                      \
	}                                                               \
	static void name(void)

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond))                                            \
			unit_fail(__FILE__, __LINE__, #cond);           \
	} while (0)

#define CHECK_STR(a, b)                                                 \
	do {                                                            \
		const char *a_ = (a), *b_ = (b);                        \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)    \
			unit_fail_str(__FILE__, __LINE__, #a, #b, a_, b_); \
	} while (0)

/* A fresh temporary directory for the running test (removed after). */
const char *unit_tmpdir(void);

#endif
