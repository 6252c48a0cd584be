/* digest.h - provenance: the SHA-256 of the executable a policy was
 * learned on (the [sandbox] key `binary`, sandbox-policy(5)).
 *
 * The digest is GNU Nettle's, not a hand-written one. Nettle, not
 * libcrypto: both binaries hash at start, and libcrypto's relocation and
 * initialisation cost every sandbox-run and sandbox-profile about 3 ms
 * (Nettle's about 0.1 ms; both use the CPU's SHA instructions). It names
 * the file's bytes at the moment it is read: a check against a stale
 * policy after an upgrade, not a defence against a binary swapped between
 * the check and execve.
 */
#ifndef SB_DIGEST_H
#define SB_DIGEST_H

#include <stddef.h>

#include "policy.h"

/* The SHA-256 of the file at path, as 64 lowercase hex digits in hex.
 * Returns 0 or -errno. */
int sb_sha256_file(const char *path, char hex[SB_SHA256_HEX + 1]);

/* Record path (resolved) and its digest in p's `binary`; a path too long
 * for the key is left out (the digest is what is compared). 0 or -errno. */
int sb_policy_set_binary(struct sb_policy *p, const char *path);

#endif
