/* fuzz.h - what the fuzz targets share.
 *
 * Each target is one LLVMFuzzerTestOneInput over lib/. Built with clang
 * -fsanitize=fuzzer it is a libFuzzer program (make fuzz); built with any
 * compiler and linked with fuzz/main.c, it runs every file of its corpus
 * once (make unit, hence make check): the corpus is a regression test.
 * A target aborts through FUZZ_CHECK when an invariant of lib/ breaks, so
 * both builds report it the same way, as a crash on that input.
 */
#ifndef SB_FUZZ_H
#define SB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                                     \
	do {                                                                                                 \
		if (!(cond)) {                                                                               \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);         \
			abort();                                                                             \
		}                                                                                            \
	} while (0)

/* Read size bytes as a policy file, NUL bytes and all. NULL if the reader
 * refuses it; then the error must point inside the input (or at line 0)
 * and say something. */
struct sb_policy *fuzz_read(const uint8_t *data, size_t size);

/* Write p to a malloc'd string (its length in *len). Returns the writer's
 * result; *text is NULL unless it is 0. */
int fuzz_write(const struct sb_policy *p, char **text, size_t *len);

#endif
