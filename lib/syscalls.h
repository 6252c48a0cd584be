/* syscalls.h - syscall names <-> numbers (native x86_64 ABI) through
 * libseccomp, and the syscall families: names for transition rules, and
 * groups of equal power that the profiler allows whole.
 *
 * No hand-written syscall tables: every name comes from libseccomp. A number
 * libseccomp cannot name (newest syscalls on 2.5.4) is spelled "syscall_N".
 */
#ifndef SB_SYSCALLS_H
#define SB_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bound (exclusive) of native syscall numbers we track. x86_64 numbers
 * are below 512 (512+ is x32 territory, which the filters deny). */
#define SB_NR_MAX 512

/* Name -> native number, or -ENOENT. Accepts "syscall_N" for 0 <= N < SB_NR_MAX. */
int sb_syscall_nr(const char *name);

/* Number -> name written into buf (libseccomp's name, else "syscall_N").
 * Returns buf, or NULL if nr is out of range. */
const char *sb_syscall_name(int nr, char *buf, size_t len);

/* Number of syscall numbers libseccomp names for the native ABI. */
int sb_syscall_known_count(void);

/* What a family is used for (sandbox-policy(5), FAMILIES). */
enum sb_family_use {
	/* a name in `transition` and `transition_after`: "accept" matches
	 * accept and accept4 */
	SB_FAMILY_MARKER = 1 << 0,
	/* equal power: every member gives what any other gives (the same
	 * operation through another entry point), so a profiled run that made
	 * one is allowed all (sb_policy_widen). No member is dangerous. */
	SB_FAMILY_POWER = 1 << 1,
	/* with SB_FAMILY_POWER: the members give nothing that the families
	 * named in implied_by, together, do not give already; a run that made
	 * a call of each of those is allowed the members (sb_policy_widen).
	 * A member seen does not bring the others in. */
	SB_FAMILY_IMPLIED = 1 << 2,
};

/* A named group of syscalls that do "the same thing". One table for both
 * uses: no syscall is in two families. */
struct sb_family {
	const char *name;
	const char *members[9]; /* NULL-terminated */
	unsigned use;           /* enum sb_family_use bits */
	const char *why;        /* one line, shown in the man page and --help */
	/* SB_FAMILY_IMPLIED: names of power families, or of single syscalls
	 * in none, NULL-terminated */
	const char *implied_by[3];
};

/* The table, terminated by an entry with name == NULL. */
extern const struct sb_family sb_families[];

/* Look up a marker family by name, or NULL (power-only families are not
 * names in transition rules: "open" there is the open syscall). */
const struct sb_family *sb_family_find(const char *name);

/* Set bits in the bitmap `set` (SB_NR_MAX bits) for a family name or, if
 * `name` is not a family, for the single syscall of that name.
 * Returns the number of syscalls added (members libseccomp does not know on
 * this system are skipped), or -ENOENT for an unknown name. */
int sb_family_expand(const char *name, uint8_t *set);

/* The marker family a syscall number belongs to, or NULL. */
const struct sb_family *sb_family_of(int nr);

/* A power family by its name (including power-only ones), or NULL. */
const struct sb_family *sb_family_power_find(const char *name);

/* The equal-power family of a syscall number, or NULL. */
const struct sb_family *sb_family_power(int nr);

static inline bool sb_bit_test(const uint8_t *set, int nr)
{
	return nr >= 0 && nr < SB_NR_MAX && (set[nr / 8] >> (nr % 8)) & 1;
}

static inline void sb_bit_clear(uint8_t *set, int nr)
{
	if (nr >= 0 && nr < SB_NR_MAX)
		set[nr / 8] &= (uint8_t) ~(1u << (nr % 8));
}

static inline void sb_bit_set(uint8_t *set, int nr)
{
	if (nr >= 0 && nr < SB_NR_MAX)
		set[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

#define SB_BITMAP_BYTES (SB_NR_MAX / 8)

#endif
