#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sb_parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int sb_option_settle_timeout(const char *arg, int *ms, char *err, size_t errlen)
{
	if (sb_parse_int(arg, 1, 60000, ms) == 0)
		return 0;
	snprintf(err, errlen, "--settle-timeout: expected 1..60000 ms, got '%s'", arg);
	return -1;
}

/* getopt leaves the offending option in optopt (short) or before optind. */
static void bad_option(char **argv, char *err, size_t errlen)
{
	if (optopt)
		snprintf(err, errlen, "unknown option or missing argument: -%c (see --help)", optopt);
	else
		snprintf(err, errlen, "unknown option or missing argument: %s (see --help)",
		         argv[optind - 1]);
}

int sb_parse_options(int argc, char **argv, const char *shortopts, const struct option *longopts,
                     sb_option_fn one, void *opts, char *err, size_t errlen)
{
	char spec[64];
	int c;

	/* '+': stop at the program; ':': report a missing argument as ':' */
	snprintf(spec, sizeof(spec), "+:%s", shortopts);
	optind = 0;
	optopt = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, spec, longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			bad_option(argv, err, errlen);
			return -1;
		}
		if (one(c, opts, err, errlen) < 0)
			return -1;
	}
	return optind;
}
