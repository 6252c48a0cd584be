/* output.h - find out, before the program runs, whether the policy a run
 * will produce can be written where it must go: afterwards, the run is lost.
 */
#ifndef SB_OUTPUT_H
#define SB_OUTPUT_H

#include <stddef.h>

#include "policy.h"

/* Check that `p` (the policy as it stands before the run: program, comments,
 * capabilities, transition) is one sb_policy_write would write, and that
 * `path` can take it: not a directory or other non-regular file, in an
 * existing directory where a file can be created and written, with room for
 * it (a probe with p's text, its blocks reserved by fallocate, or synced
 * where the file system cannot reserve; then removed: this catches a
 * read-only or full file system or an exhausted quota). Returns 0, or -errno with a message
 * naming path in msg. The file system is left as it was. */
int sb_output_check(const struct sb_policy *p, const char *path, char *msg, size_t len);

/* The directory path is in ("." for a bare name, "/" for "/x"). */
void sb_output_dir(const char *path, char *dir, size_t len);

#endif
