/* args.h - the security-relevant system call arguments: which argument of
 * which call the policies may restrict, the names its values go by, and the
 * conditions on them (sandbox-policy(5), ARGUMENTS).
 *
 * Invariant: the table (args.c) has one entry per system call at most, so
 * a filter tests one argument per call and a condition is one set of values
 * or one mask. A condition is kept normalized (sorted unique values, masked
 * with the argument's width), so equal conditions compare equal bytewise.
 *
 * Two kinds of argument:
 *  - flags (mmap prot, clone flags...): the condition is the mask of bits
 *    that must be clear ("not PROT_EXEC"); one masked compare.
 *  - values (socket domain, ioctl request...): the condition is a set of
 *    values, either the only ones allowed ("only AF_INET, AF_UNIX") or the
 *    ones denied ("not TIOCSTI"); one masked compare per value.
 */
#ifndef SB_ARGS_H
#define SB_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sb_arg_id {
	SB_ARG_MMAP_PROT,
	SB_ARG_MPROTECT_PROT,
	SB_ARG_PKEY_MPROTECT_PROT,
	SB_ARG_CLONE_FLAGS,
	SB_ARG_UNSHARE_FLAGS,
	SB_ARG_SOCKET_DOMAIN,
	SB_ARG_SOCKETPAIR_DOMAIN,
	SB_ARG_PRCTL_OPTION,
	SB_ARG_IOCTL_REQUEST,
	SB_ARG_PERSONALITY,
	SB_ARG_N,
};

enum sb_arg_kind {
	SB_ARG_FLAGS,
	SB_ARG_VALUES,
};

/* Which names a value of the argument may use (args.c, names[]). */
enum sb_arg_names {
	SB_NAMES_PROT,
	SB_NAMES_CLONE,
	SB_NAMES_AF,
	SB_NAMES_PR,
	SB_NAMES_IOCTL,
	SB_NAMES_PER,
};

struct sb_arg_def {
	const char *syscall; /* as libseccomp spells it */
	const char *arg;     /* the name in the policy: "mprotect.prot" */
	unsigned index;      /* argument 0..5 (x86_64) */
	enum sb_arg_kind kind;
	enum sb_arg_names names;
	uint64_t width;         /* bits the kernel reads (an int: 0xffffffff) */
	uint64_t watch;         /* the dangerous bits or values' default rule (below) */
	uint64_t exact;         /* flags: the bits --args=exact denies when unseen */
	const uint64_t *danger; /* values: the dangerous values, 0-terminated, or NULL */
	const char *why;
};

/* The table entry, or NULL. */
const struct sb_arg_def *sb_arg_def(enum sb_arg_id id);
/* The entry for native syscall nr, or -1 if its arguments are not checked. */
int sb_arg_for_syscall(int nr);
/* "mprotect.prot" -> id, or -1. */
int sb_arg_by_name(const char *name);
/* The native number of the entry's syscall, or -1 (unknown to libseccomp). */
int sb_arg_nr(enum sb_arg_id id);

/* A value's name for an argument ("PROT_EXEC"), or NULL. */
const char *sb_arg_value_name(enum sb_arg_id id, uint64_t v);
/* A name or a number (decimal or 0x hex) for an argument. Returns 0 or
 * -EINVAL (unknown name, a number over the argument's width). */
int sb_arg_value_parse(enum sb_arg_id id, const char *s, uint64_t *out);

#define SB_COND_MAX 12 /* values in one condition: as numbers, always one line */

enum sb_cond_kind {
	SB_COND_NONE = 0, /* no condition: any value */
	SB_COND_ONLY,     /* values: only v[0..n) */
	SB_COND_NOT,      /* values: any but v[0..n); flags: v[0] bits clear */
};

struct sb_cond {
	enum sb_cond_kind kind;
	int n;
	uint64_t v[SB_COND_MAX];
};

/* Does value x of the argument pass the condition? */
bool sb_cond_pass(enum sb_arg_id id, const struct sb_cond *c, uint64_t x);
bool sb_cond_equal(const struct sb_cond *a, const struct sb_cond *b);
/* dst := the values either passes (a union of what each allows). An
 * argument without a condition stays so. Returns 0, or -E2BIG when the
 * union of two allow-lists has more than SB_COND_MAX values (dst then
 * becomes NONE: any value, which holds both). */
int sb_cond_merge(enum sb_arg_id id, struct sb_cond *dst, const struct sb_cond *src);
/* Widen c so that x passes (complain mode --learn). Returns as merge. */
int sb_cond_allow(enum sb_arg_id id, struct sb_cond *c, uint64_t x);

/* Parse "not A, B" / "only A, B" (values) or "not A, B" (flags). Returns 0,
 * or -EINVAL with the offending word copied into bad. */
int sb_cond_parse(enum sb_arg_id id, const char *text, struct sb_cond *out, char *bad, size_t badlen);
/* Format as the parser reads it, names where they fit in len bytes, else
 * numbers. Returns buf, or NULL if even numbers do not fit. */
const char *sb_cond_format(enum sb_arg_id id, const struct sb_cond *c, char *buf, size_t len);
/* Name the values of x that fail c, for reports ("PROT_EXEC"). */
const char *sb_cond_why(enum sb_arg_id id, const struct sb_cond *c, uint64_t x, char *buf, size_t len);

/* What a profiling run saw of one argument in one phase. */
struct sb_arg_seen {
	uint64_t bits; /* flags: union of the values */
	int n;         /* values: distinct values (up to SB_COND_MAX) */
	uint64_t v[SB_COND_MAX];
	bool overflow;        /* values: more than SB_COND_MAX distinct */
	uint64_t danger_seen; /* values: bit i set: the table's danger[i] seen */
	bool any;             /* at least one call recorded */
};

void sb_arg_record(enum sb_arg_id id, struct sb_arg_seen *s, uint64_t x);

/* Add what src recorded to dst, as if each call had been recorded there;
 * without `danger`, the dangerous values and bits (watch, danger) are left
 * out. */
void sb_arg_seen_merge(enum sb_arg_id id, struct sb_arg_seen *dst, const struct sb_arg_seen *src,
                       bool danger);

enum sb_args_mode {
	SB_ARGS_DANGER, /* deny only the dangerous part never seen (default) */
	SB_ARGS_EXACT,  /* deny every value never seen */
	SB_ARGS_OFF,    /* no conditions */
};

/* The dangerous values of an argument whose generated rule is an
 * allow-list (socket's AF_NETLINK, AF_PACKET), for reports: up to max in
 * out; how many. */
int sb_arg_notable(enum sb_arg_id id, uint64_t *out, int max);

/* The condition a run that saw s writes (sandbox-policy(5), ARGUMENTS).
 * An allow-list also holds the peers of its values (AF_INET6 beside
 * AF_INET) and the values glibc asks for itself (AF_UNIX), except under
 * SB_ARGS_EXACT. */
struct sb_cond sb_arg_generate(enum sb_arg_id id, const struct sb_arg_seen *s, enum sb_args_mode mode);

#endif
