/* export.h - a policy in the formats of other consumers of seccomp:
 * OCI runtime seccomp JSON (runc), systemd unit settings, minijail's
 * .policy files (sandbox-policy(1), EXPORT).
 *
 * Invariant: no format has phases, so every export is the union of init and
 * serving (sb_policy_union), and every action in it is the one the init
 * filter of that union takes (sb_filter_action, F1): lines, families,
 * baseline, base set and the calls execve needs, decided by lib/ alone.
 * The output says so in a comment (OCI JSON: a "comment" member, which
 * runtimes ignore). Argument conditions of the union (its [init], args.h)
 * are exported as the masked compares the filter makes (OCI: one rule per
 * compare; minijail: an expression per call), with clone3 answering ENOSYS
 * where clone's flags are checked, as F1 does. What a format cannot
 * express is refused (-ENOTSUP, message in err), never silently widened:
 * systemd has no argument conditions, so a union with one is refused
 * unless drop_conditions asks for it without them (and the output lists
 * what was dropped).
 */
#ifndef SB_EXPORT_H
#define SB_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "danger.h"
#include "policy.h"

enum sb_export_format {
	SB_EXPORT_OCI,
	SB_EXPORT_SYSTEMD,
	SB_EXPORT_MINIJAIL,
};

struct sb_export_opts {
	const char *source; /* the policy's file name, for the comment */
	/* systemd only: the unit's command; if set, the drop-in wraps it with
	 * `run --policy source --` (two-phase, enforced by sandbox-run) instead
	 * of the one-filter SystemCallFilter= lines. */
	const char *exec_start;
	const char *run; /* the sandbox-run to name there */
	/* systemd's SystemCallFilter= only: write the union without its
	 * argument conditions (wider), and comment each one dropped. */
	bool drop_conditions;
};

/* "oci", "systemd", "minijail": 0, or -EINVAL. */
int sb_export_parse(const char *name, enum sb_export_format *out);

/* Write p in format fmt to f. Returns 0; -ENOTSUP (err says what the
 * format lacks); -EINVAL (as sb_policy_union); -ENOMEM; -EIO. */
int sb_policy_export(FILE *f, const struct sb_policy *p, enum sb_export_format fmt,
                     const struct sb_export_opts *o, struct sb_error *err);

/* The calls runc's init makes after it has installed the container's
 * profile and before it execs the program; the OCI export allows them.
 * Terminated by name == NULL. */
extern const struct sb_danger sb_runc_init_calls[];

#endif
