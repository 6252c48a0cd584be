/* util.h - small helpers of the core: attributes, cleanup, escaping.
 *
 * lib/ never prints or exits: it returns -errno and fills a struct
 * sb_error. Messages and fatal errors are the programs' (common/msg.h).
 */
#ifndef SB_UTIL_H
#define SB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#define SB_NORETURN      __attribute__((noreturn))
#define SB_PRINTF(a, b)  __attribute__((format(printf, a, b)))
#define SB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
