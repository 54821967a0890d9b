/*
 * timeit - the wall time and peak memory of one command, for the
 * benchmarks: no shell, timeout(1) or time(1) process around it, whose
 * own start-up (a millisecond or two) would count as the command's.
 *
 *   timeit SECONDS OUTFILE COMMAND [ARG...]
 *
 * Runs COMMAND (its standard streams are timeit's) and writes
 * "<seconds> <peak RSS in KB>" to OUTFILE: the time from just before the
 * fork to the child's exit, its rusage's ru_maxrss. A command still
 * running after SECONDS is killed (SIGKILL) and timeit exits 124, as
 * timeout(1) does; otherwise timeit exits with the command's status
 * (128 + the signal when one killed it), 127 when it could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t expired;

static void on_alarm(int sig)
{
	(void)sig;
	expired = 1;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	struct sigaction sa;
	unsigned secs;
	pid_t pid;
	FILE *f;
	int st;

	if (argc < 4 || (secs = (unsigned)atoi(argv[1])) == 0) {
		fprintf(stderr, "usage: timeit SECONDS OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) < 0) {
		perror("timeit: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "timeit: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	alarm(secs);
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("timeit: wait4");
			return 127;
		}
		if (expired)
			kill(pid, SIGKILL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if ((f = fopen(argv[2], "w")) == NULL) {
		perror(argv[2]);
		return 127;
	}
	fprintf(f, "%.4f %ld\n", (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss);
	if (fclose(f) != 0) {
		perror(argv[2]);
		return 127;
	}
	if (expired)
		return 124;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
