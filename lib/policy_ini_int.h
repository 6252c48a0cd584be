/* policy_ini_int.h - what the sandbox-policy(5) reader (policy_ini.c) and
 * writer (policy_write.c) must agree on. Internal to lib/. */
#ifndef SB_POLICY_INI_INT_H
#define SB_POLICY_INI_INT_H

/* Longest line (bytes, newline excluded) we read and write: what Debian's
 * inih (INI_MAX_LINE 200: line, "\r\n"/"\n" and NUL) can hold. */
#define LINE_MAX_BYTES 198
/* The writer's fixed first line; the reader does not keep it as a comment. */
#define HEADER_COMMENT "sandbox-policy(5), written by sandbox-profile"

#endif
