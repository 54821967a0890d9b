/*
 * progress.h - a progress bar on stderr: done/total, rate, ETA.
 *
 * Shown only when stderr is a terminal and --quiet was not given; the
 * line is redrawn at most ten times a second and erased at the end.
 */
#ifndef RDB_PROGRESS_H
#define RDB_PROGRESS_H

#include <stdint.h>

struct progress;

/* total 0 means unknown (no bar, no ETA); unit names what is counted
 * ("rows", "bytes": bytes are shown as sizes). */
struct progress *progress_start(const char *label, uint64_t total,
    const char *unit);
void progress_update(struct progress *p, uint64_t done);
/* Erase the line and free p; accepts NULL. */
void progress_end(struct progress *p);

/* Render the status line into buf (exposed for tests). */
void progress_render(char *buf, size_t n, const char *label, uint64_t done,
    uint64_t total, const char *unit, double elapsed_s, int width);

#endif
