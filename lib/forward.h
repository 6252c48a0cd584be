/* forward.h - pass signals sent to the tool on to the program, none lost,
 * none twice.
 *
 * Sequence: sb_forward_begin() before the fork (the signals are blocked and
 * handled from then on), sb_forward_child_reset() in the child before
 * execve, sb_forward_target(pid) in the parent once the child can take
 * signals (after the tracer attached): what arrived in between is delivered
 * then. A start that fails before any target calls sb_forward_end(), which
 * ends the tool as the held signal would have.
 */
#ifndef SB_FORWARD_H
#define SB_FORWARD_H

#include <stddef.h>
#include <sys/types.h>

/* Block sigs (standard signals, 1..30) and forward each to the current
 * target. Remembers the dispositions and the mask they replace, for
 * sb_forward_child_reset() and sb_forward_end(). Returns 0 or -errno. */
int sb_forward_begin(const int *sigs, size_t n);

/* The pid signals go to. The first pid > 0 unblocks the signals (held ones
 * reach pid now); 0 means no target for now (a daemon's parent exited):
 * signals arriving meanwhile are kept for the next target. */
void sb_forward_target(pid_t pid);

/* In a forked child, before execve: the forwarded signals at their default
 * dispositions (what execve gives a caught signal; so a forwarded SIGINT
 * acts even if our caller ignored it), the mask from before
 * sb_forward_begin(). A no-op if forwarding never began. 0 or -errno. */
int sb_forward_child_reset(void);

/* The start failed and no target will come: put the old dispositions and
 * mask back, so a signal that arrived in the meantime acts now (default
 * SIGTERM ends the tool with 143). Returns only if none did. */
void sb_forward_end(void);

#endif
