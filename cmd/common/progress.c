/*
 * progress.c - the progress bar of progress.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"

struct progress {
	char label[64];
	char unit[16];
	uint64_t total;
	double start;
	double last;
	int drawn;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fmt_count(char *buf, size_t n, double v, const char *unit)
{
	if (strcmp(unit, "bytes") == 0) {
		cli_format_size((uint64_t)v, buf, n);
		return;
	}
	if (v >= 1e9)
		snprintf(buf, n, "%.1fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, n, "%.1fk", v / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
}

static void fmt_eta(char *buf, size_t n, double s)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

void progress_render(char *buf, size_t n, const char *label, uint64_t done,
    uint64_t total, const char *unit, double elapsed, int width)
{
	char d[32], t[32], r[32], eta[32] = "--:--", bar[128];
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	int barw, fill, i;

	fmt_count(d, sizeof d, (double)done, unit);
	fmt_count(r, sizeof r, rate, unit);
	if (total == 0) {
		snprintf(buf, n, "%s: %s %s (%s/s)", label, d, unit, r);
		return;
	}
	if (done > total)
		done = total;
	fmt_count(t, sizeof t, (double)total, unit);
	if (rate > 0)
		fmt_eta(eta, sizeof eta, (double)(total - done) / rate);
	barw = width - (int)strlen(label) - 60;
	if (barw > 40)
		barw = 40;
	if (barw < 10)
		barw = 10;
	fill = (int)((double)done / (double)total * barw);
	for (i = 0; i < barw; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[barw] = '\0';
	snprintf(buf, n, "%s: [%s] %3d%% %s/%s %s (%s/s) ETA %s", label, bar,
	    (int)((double)done * 100 / (double)total), d, t, unit, r, eta);
}

struct progress *progress_start(const char *label, uint64_t total,
    const char *unit)
{
	struct progress *p;

	if (cli.quiet || !isatty(STDERR_FILENO))
		return NULL;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;	/* no bar is no loss */
	snprintf(p->label, sizeof p->label, "%s", label);
	snprintf(p->unit, sizeof p->unit, "%s", unit);
	p->total = total;
	p->start = now_s();
	p->last = 0;
	return p;
}

void progress_update(struct progress *p, uint64_t done)
{
	struct winsize ws;
	char line[512];
	double t;
	int width = 80;

	if (p == NULL)
		return;
	t = now_s();
	if (p->drawn && t - p->last < 0.1 && done < p->total)
		return;
	p->last = t;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		width = ws.ws_col;
	progress_render(line, sizeof line, p->label, done, p->total, p->unit,
	    t - p->start, width);
	if ((int)strlen(line) >= width)
		line[width > 1 ? width - 1 : 0] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn = 1;
}

void progress_end(struct progress *p)
{
	if (p == NULL)
		return;
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	free(p);
}
