/* lookup.h - finding a policy by name (sandbox-run(1), POLICY LOOKUP).
 *
 * Invariant: a name without a slash is never looked up in the current
 * directory; only the search path is tried, in order: the entries of
 * $SANDBOX_POLICY_PATH (colon-separated, empty entries skipped), then
 * /etc/sandbox/policies (the local administrator's), then SB_POLICYDIR
 * ($(PREFIX)/share/sandbox/policies, the packages'). The first regular
 * file wins, so a local policy overrides a packaged one.
 */
#ifndef SB_LOOKUP_H
#define SB_LOOKUP_H

#include <stddef.h>

#ifndef SB_POLICYDIR
#define SB_POLICYDIR "/usr/local/share/sandbox/policies"
#endif
#define SB_POLICY_ETCDIR "/etc/sandbox/policies"

/* The file name a policy NAME is looked up as: NAME, with ".ini" appended
 * unless it ends so. Returns 0, or -ENAMETOOLONG. */
int sb_policy_file_name(const char *name, char *out, size_t len);

/* Resolve `name`: one with a slash is copied as is (a path, not looked
 * up); else the first regular file named sb_policy_file_name(name) in the
 * directories of env_path (the value of SANDBOX_POLICY_PATH, may be NULL),
 * SB_POLICY_ETCDIR and SB_POLICYDIR. Returns 0 with the path in out;
 * -ENOENT if none has it (the directories tried, ':'-separated, are then
 * in out, for the message); -ENAMETOOLONG. */
int sb_policy_lookup(const char *name, const char *env_path, char *out, size_t len);

#endif
