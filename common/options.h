/* options.h - the getopt_long loop both programs share. */
#ifndef SB_OPTIONS_H
#define SB_OPTIONS_H

#include <getopt.h>
#include <stddef.h>

/* Handles one option (its argument in optarg); 0, or -1 with err filled.
 * Unknown options and missing arguments reach it as '?' and ':'. */
typedef int (*sb_option_fn)(int c, void *opts, char *err, size_t errlen);

/* Parse argv up to the first non-option (the program: its options are its
 * own). getopt is reset first, so this can run more than once (unit tests).
 * Returns the index of the program in argv, or -1 with err filled, naming
 * the offending option when getopt could not. */
int sb_parse_options(int argc, char **argv, const char *shortopts, const struct option *longopts,
                     sb_option_fn one, void *opts, char *err, size_t errlen);

/* --settle-timeout=MS, shared by both programs: 0, or -1 with err filled. */
int sb_option_settle_timeout(const char *arg, int *ms, char *err, size_t errlen);

/* A decimal in [min, max]: 0, or -1. */
int sb_parse_int(const char *s, int min, int max, int *out);

#endif
