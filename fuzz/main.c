/* main.c - run a fuzz target over its corpus, without libFuzzer.
 *
 * Usage: fuzz-run-TARGET PATH...: every regular file named, and every
 * regular file directly inside a directory named, is one input, run once
 * in the order given (a directory's files sorted by name). An input that
 * breaks an invariant aborts, naming the file first. No input at all is a
 * failure too, so that a lost corpus cannot pass.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* The sanitizers' hook, present only when they are linked in. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char *current = "";

/* A failure names its input: after an abort or a sanitizer's report. */
static void name_input(void)
{
	static const char pre[] = "fuzz: the input was ";

	if (write(2, pre, sizeof(pre) - 1) < 0 || write(2, current, strlen(current)) < 0 ||
	    write(2, "\n", 1) < 0)
		return;
}

static void on_abort(int sig)
{
	name_input();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(2);
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(2);
	}
	fclose(f);
	current = path;
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 1;
}

static int run_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), ran = 0;
	char path[4096];
	struct stat st;

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		exit(2);
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			ran += run_file(path);
		free(names[i]);
	}
	free(names);
	return ran;
}

int main(int argc, char **argv)
{
	struct stat st;
	int ran = 0;

	signal(SIGABRT, on_abort);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(name_input);
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 2;
		}
		ran += S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
	}
	fprintf(stderr, "%s: %d inputs, no invariant broken\n", argv[0], ran);
	return ran > 0 ? 0 : 1;
}
