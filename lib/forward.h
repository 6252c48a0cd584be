/* forward.h - pass signals sent to the tool on to the program. */
#ifndef SB_FORWARD_H
#define SB_FORWARD_H

#include <stddef.h>
#include <sys/types.h>

/* Install handlers (SA_RESTART) for sigs that forward each signal to the
 * current target. A signal the terminal sent (si_code SI_KERNEL) reached the
 * program too, being in our process group: forwarding it would deliver it
 * twice (a second SIGINT makes redis-server exit at once, without saving). */
void sb_forward_signals(const int *sigs, size_t n);

/* The pid signals go to; 0 stops forwarding. Async-signal-safe to read. */
void sb_forward_target(pid_t pid);

#endif
