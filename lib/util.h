/* util.h - error reporting and small helpers for the programs.
 *
 * lib/ itself never prints or exits: it returns -errno and fills a
 * struct sb_error. Only the programs (profiler/, launcher/) call die()/warnx().
 */
#ifndef SB_UTIL_H
#define SB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#define SB_NORETURN      __attribute__((noreturn))
#define SB_PRINTF(a, b)  __attribute__((format(printf, a, b)))
#define SB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Set once by main(); prefixes every message. */
extern const char *sb_progname;

/* Exit status used by die(); programs set it (the launcher uses 125). */
extern int sb_die_status;

SB_NORETURN SB_PRINTF(1, 2) void die(const char *fmt, ...);
/* Like die(), appending ": strerror(errno)". */
SB_NORETURN SB_PRINTF(1, 2) void pdie(const char *fmt, ...);
SB_PRINTF(1, 2) void warnx(const char *fmt, ...);
SB_PRINTF(1, 2) void pwarn(const char *fmt, ...);

/* Copy `in` to `out` (len bytes, always terminated) with every byte that is
 * not printable ASCII, and the backslash, written as \xNN: text that a
 * program controls (its argv[0]) can then forge no line of ours. */
void sb_escape(const char *in, char *out, size_t len);

/* Cleanup-attribute helpers, as bubblewrap does: initialise what they guard. */
void sb_freep(void *p);
void sb_closep(int *fd);
#define sb_autofree  __attribute__((cleanup(sb_freep)))
#define sb_autoclose __attribute__((cleanup(sb_closep)))

static inline void *sb_steal_pointer(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}

#endif
