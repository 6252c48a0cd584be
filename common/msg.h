/* msg.h - messages and fatal errors of the programs (sandbox-profile,
 * sandbox-run), prefixed with the program's name, as minijail's and
 * bubblewrap's die/warn are. lib/ never prints or exits: it returns -errno
 * and fills a struct sb_error; only common/ and the programs use these. */
#ifndef SB_COMMON_MSG_H
#define SB_COMMON_MSG_H

#include "util.h"

/* Set once by main(); prefixes every message. */
extern const char *sb_progname;

/* Exit status of sb_die(); the programs set SB_EXIT_LAUNCHER (125). */
extern int sb_die_status;

SB_NORETURN SB_PRINTF(1, 2) void sb_die(const char *fmt, ...);
/* Like sb_die(), appending ": strerror(errno)". */
SB_NORETURN SB_PRINTF(1, 2) void sb_pdie(const char *fmt, ...);
SB_PRINTF(1, 2) void sb_warn(const char *fmt, ...);
/* Like sb_warn(), appending ": strerror(errno)". */
SB_PRINTF(1, 2) void sb_pwarn(const char *fmt, ...);

#endif
