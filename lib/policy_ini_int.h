/* policy_ini_int.h - what the sandbox-policy(5) reader (policy_ini.c) and
 * writer (policy_write.c) must agree on. Internal to lib/.
 *
 * Invariant: for every policy the reader accepts, the writer writes a file
 * the reader reads back to an equal policy (sb_policy_equal). Where the
 * writer could not, the reader refuses the value with file:line, asking
 * these functions, so the two cannot drift apart.
 */
#ifndef SB_POLICY_INI_INT_H
#define SB_POLICY_INI_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Longest line (bytes, newline excluded) we read and write: what Debian's
 * inih (INI_MAX_LINE 200: line, "\r\n"/"\n" and NUL) can hold. */
#define LINE_MAX_BYTES 198
/* The writer's fixed first line; the reader does not keep it as a comment. */
#define HEADER_COMMENT "sandbox-policy(5), written by sandbox-profile"

/* Why inih would not give the value v back unchanged after "key = ", or
 * NULL if it would. */
const char *sb_ini_value_problem(const char *v);

/* The [sandbox] line the writer writes for key and value, into line
 * (LINE_MAX_BYTES + 1 bytes): "key = value", or where that is too long,
 * "key=value" with a list's ", " separators written "," (list: value is a
 * ", "-separated list of names). Returns 0 or -ENAMETOOLONG. */
int sb_ini_sandbox_line(char *line, const char *key, const char *value, bool list);

#endif
