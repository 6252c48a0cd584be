/* caps.h - capability drop with libcap. */
#ifndef SB_CAPS_H
#define SB_CAPS_H

#include <stddef.h>
#include <stdint.h>

/* Keep only the capabilities in `keep` (bit N = libcap capability N) in the
 * bounding, permitted, effective, inheritable and ambient sets; everything
 * else is dropped for this process and whatever it executes. A kept
 * capability the process does not hold is not gained. Without CAP_SETPCAP
 * the bounding set cannot shrink: -EPERM if any uid is 0 (fail closed:
 * root's execve gets the bounding set unless no_new_privs holds), else it
 * is left alone (no_new_privs, set next by the caller, keeps execve from
 * granting file capabilities). Returns 0 or -errno; on error the caller
 * must not exec. */
int sb_caps_drop(uint64_t keep);

/* Parse a comma- or space-separated list of capability names (cap_from_name:
 * "cap_net_bind_service" or "net_bind_service", any case; numbers are
 * refused). Empty: no caps.
 * Returns 0 or -EINVAL with the bad name copied to bad (if non-NULL). */
int sb_caps_parse(const char *list, uint64_t *out, char *bad, size_t badlen);
/* Format as "cap_a, cap_b" (libcap's names, in number order; "" for none).
 * Returns buf, or NULL if the list does not fit in len bytes or libcap
 * cannot name one of the capabilities. */
const char *sb_caps_format(uint64_t caps, char *buf, size_t len);

#endif
