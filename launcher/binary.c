/* binary.c - sandbox-run: is the program the one its policy was learned
 * on? (the policy's `binary` key, digest.h).
 *
 * Invariant: without --strict-binary nothing is refused: a differing or
 * unreadable binary is said once, before the program starts. With it, a
 * policy without the key, a binary that cannot be read, or one that
 * differs, is exit 125 and nothing was run.
 */
#include <string.h>

#include "digest.h"
#include "launch.h"
#include "msg.h"

void launcher_check_binary(const struct launcher *L)
{
	const struct sb_policy *p = L->policy;
	char hex[SB_SHA256_HEX + 1];
	int r;

	if (p->binary_sha256[0] == '\0') {
		if (L->o->strict_binary)
			sb_die("--strict-binary: %s records no binary (profile it again); nothing was run",
			       L->o->policy);
		return;
	}
	if ((r = sb_sha256_file(L->path, hex)) < 0) {
		if (L->o->strict_binary)
			sb_die("--strict-binary: cannot read %s: %s; nothing was run", L->path, strerror(-r));
		if (!L->o->quiet)
			sb_warn("cannot read %s to compare it with the binary %s was learned on: %s", L->path,
			        L->o->policy, strerror(-r));
		return;
	}
	if (strcmp(hex, p->binary_sha256) == 0)
		return;
	if (L->o->strict_binary)
		sb_die("--strict-binary: %s (sha256 %s) is not the binary %s was learned on (%s, sha256 %s); "
		       "nothing was run",
		       L->path, hex, L->o->policy, p->binary_path[0] ? p->binary_path : "path not recorded",
		       p->binary_sha256);
	if (!L->o->quiet)
		sb_warn("warning: %s (sha256 %.12s...) is not the binary %s was learned on (%s, sha256 "
		        "%.12s...): "
		        "the policy may be stale",
		        L->path, hex, L->o->policy, p->binary_path[0] ? p->binary_path : "path not recorded",
		        p->binary_sha256);
}
