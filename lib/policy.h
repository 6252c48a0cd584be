/* policy.h - the in-memory policy: phases -> syscall sets, transition rule,
 * default action, kept capabilities and metadata. See sandbox-policy(5).
 *
 * The file format (policy_ini.c) is the public contract; this struct is its
 * exact image: write then read gives an equal policy (sb_policy_equal).
 */
#ifndef SB_POLICY_H
#define SB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "args.h"
#include "syscalls.h"

#define SB_POLICY_VERSION 1

enum sb_phase {
	SB_PHASE_INIT = 0,
	SB_PHASE_SERVING = 1,
	SB_NPHASES = 2,
};

const char *sb_phase_name(enum sb_phase ph); /* "init", "serving" */

enum sb_act_kind {
	SB_ACT_NONE = 0, /* not listed: the phase's default applies */
	SB_ACT_ALLOW,
	SB_ACT_KILL,  /* kill the whole process (SECCOMP_RET_KILL_PROCESS) */
	SB_ACT_ERRNO, /* fail with errnum */
	SB_ACT_LOG,   /* allow and log (SECCOMP_RET_LOG) */
};

struct sb_action {
	enum sb_act_kind kind;
	int errnum; /* SB_ACT_ERRNO only */
};

/* Parse "allow", "kill", "log", "errno EPERM" (errno names via strerrorname_np
 * reverse lookup; numbers are refused). Returns 0 or -EINVAL. */
int sb_action_parse(const char *text, struct sb_action *out);
/* Format an action as the parser accepts it. */
const char *sb_action_format(const struct sb_action *a, char *buf, size_t len);

struct sb_entry {
	struct sb_action act; /* kind == SB_ACT_NONE: not in this phase */
	uint64_t count;       /* calls seen while profiling (0 if hand-written) */
};

#define SB_MAX_MARKERS 16
#define SB_NAME_LEN    32

/* The rule that ends init, per process (thread group). Markers and `after`
 * hold names as written (families or syscalls); the bitmaps are their
 * expansion and are what the tracer tests. */
struct sb_transition {
	int nmarkers;
	char markers[SB_MAX_MARKERS][SB_NAME_LEN];
	uint8_t marker_set[SB_BITMAP_BYTES];
	int fd;     /* -1: any call; else only calls whose first argument is fd */
	int nafter; /* 0: markers count from the start */
	char after[SB_MAX_MARKERS][SB_NAME_LEN];
	uint8_t after_set[SB_BITMAP_BYTES]; /* markers count only after one of these */
	/* Whose `after` call arms whose markers (transition_scope): */
	enum sb_scope {
		SB_SCOPE_PROCESS = 0, /* any thread's, any thread's (the default) */
		SB_SCOPE_THREAD = 1,  /* a thread's own, or its creator's before it
		                         was created (fork included) */
	} scope;
};

/* The calls every phase allows unless the policy opts out (baseline.h).
 * A policy without the key means none: what it meant before the key. */
enum sb_baseline {
	SB_BASELINE_NONE = 0,
	SB_BASELINE_HARMLESS = 1,
};

#define SB_SHA256_HEX      64
#define SB_BINARY_PATH_LEN 112 /* the key's line must fit the format's 198 bytes */

#define SB_MAX_COMMENTS 32
#define SB_COMMENT_LEN  200

struct sb_policy {
	int version;
	char program[256];
	char arch[16];             /* "x86_64" */
	struct sb_action def;      /* default action for syscalls not listed */
	uint64_t caps;             /* bit N set: keep capability N (libcap numbering) */
	enum sb_baseline baseline; /* `baseline`: none unless the file says harmless */
	bool has_transition;       /* false: single phase, serving unused */
	struct sb_transition tr;
	/* `binary = sha256:HEX PATH`: the executable the profiler ran, "" if
	 * unknown (digest.h). Kept by merge (dst's own), compared by equal. */
	char binary_sha256[SB_SHA256_HEX + 1]; /* 64 lowercase hex digits */
	char binary_path[SB_BINARY_PATH_LEN];  /* resolved path; may be "" */
	/* Free-form header comments ("; made by ..."), kept on round trip. */
	int ncomments;
	char comments[SB_MAX_COMMENTS][SB_COMMENT_LEN];
	struct sb_entry phase[SB_NPHASES][SB_NR_MAX];
	/* Argument conditions (args.h), per phase and checked argument. A
	 * condition other than NONE is only held for a call its phase lists
	 * as `allow`: the reader refuses it elsewhere, merge and widen keep it
	 * so. */
	struct sb_cond cond[SB_NPHASES][SB_ARG_N];
};

/* A fresh policy: version 1, native arch, default kill, no caps, baseline
 * none, no transition, empty sets. Returns NULL on ENOMEM. Free with free(). */
struct sb_policy *sb_policy_new(void);

/* Record `count` calls of nr in phase ph (adds an allow entry if absent). */
void sb_policy_add(struct sb_policy *p, enum sb_phase ph, int nr, uint64_t count);

/* Number of listed syscalls in a phase. */
int sb_policy_count(const struct sb_policy *p, enum sb_phase ph);

/* Set the transition from a comma-separated list of markers, an fd (-1 for
 * any) and a comma-separated `after` list (NULL or "" for none), with the
 * default scope (SB_SCOPE_PROCESS). Names are families or syscalls. Returns
 * 0, or -ENOENT naming the bad one in *bad
 * (it points into tr), -EINVAL for no marker, an empty name or fd < -1,
 * -E2BIG for more than SB_MAX_MARKERS names in a list. */
int sb_transition_set(struct sb_transition *tr, const char *markers, int fd, const char *after,
                      const char **bad);
/* Format the markers (or after) list back, ", "-separated. */
const char *sb_transition_format(const char (*names)[SB_NAME_LEN], int n, char *buf, size_t len);
bool sb_transition_equal(const struct sb_transition *a, const struct sb_transition *b);

/* Errors from lib/ that carry a location. */
struct sb_error {
	char file[256];
	int line; /* 0: not tied to a line */
	char msg[256];
};

/* The condition of native syscall nr in phase ph, or NULL when the phase
 * does not restrict its arguments (no entry, no condition, not `allow`). */
const struct sb_cond *sb_policy_cond(const struct sb_policy *p, enum sb_phase ph, int nr);

/* Merge `src` into `dst`: union per phase, counts added, argument
 * conditions united (sb_cond_merge: what either allows is allowed; a call
 * one policy lists without a condition keeps none), kept capabilities
 * united, comments appended (deduplicated, up to SB_MAX_COMMENTS). Refuses
 * (-EINVAL, message in err, dst untouched) a different arch, version,
 * transition rule (sb_transition_equal) or default action, and per-syscall
 * actions that differ. The program and the baseline may differ: dst keeps
 * its own (a profiled run lists every call it made whatever its baseline,
 * so the union holds under either; an old policy keeps its meaning). */
int sb_policy_merge(struct sb_policy *dst, const struct sb_policy *src, struct sb_error *err);

bool sb_policy_equal(const struct sb_policy *a, const struct sb_policy *b);

/* Families of equal power (syscalls.h, SB_FAMILY_POWER): in each phase,
 * every member of a family one of whose members the phase lists with a
 * count > 0 (seen by the profiler) is added as `allow` with count 0, unless
 * the phase lists it already or it is dangerous (danger.h; no family holds
 * one, this is a second guard). Returns the number of lines added. The
 * writer names the family on such lines (policy_write.c). */
int sb_policy_widen(struct sb_policy *p);

/* The equal-power family that brought line nr of phase ph in: the line is
 * `allow` with count 0 and another member of its family has count > 0;
 * else NULL. */
const struct sb_family *sb_policy_widened_by(const struct sb_policy *p, enum sb_phase ph, int nr);

/* True if line nr of [serving] was seen in init only: an `allow` with
 * count 0 that no family explains, whose [init] line has a count > 0 (the
 * supervisor rule's lines, restart.h). The writer marks such lines "; seen
 * in init". */
bool sb_policy_init_only(const struct sb_policy *p, enum sb_phase ph, int nr);

/* Why the filters answer allow for native syscall nr in phase ph whatever
 * the policy lists, or NULL if they follow the policy. The mechanism needs
 * these (sandbox-policy(5), FILTERS): the base set (sb_base_set) in every
 * phase; execve in [init]; and in [init] of a two-phase policy, seccomp,
 * the markers and the transition_after calls. The reader refuses any other
 * action for them, so a policy never says what is not enforced; the filter
 * builder (filter.c: f1_mechanism, sb_filter_action) follows the same set. */
const char *sb_policy_forced_allow(const struct sb_policy *p, enum sb_phase ph, int nr);

/* The most a policy file may hold; reading stops there (a policy of every
 * syscall in both phases is under 64 KiB). */
#define SB_POLICY_MAX_BYTES (1 << 20)

/* policy_ini.c: read with inih. Every problem is reported as file:line in
 * err; returns 0, -EINVAL (bad content, or not a regular file: a fifo or a
 * device is refused without blocking, line 0), -ENOMEM, or -errno (cannot
 * open, read error). */
int sb_policy_read(const char *path, struct sb_policy **out, struct sb_error *err);
/* Same, from a string (tests); `name` is used as the file name in errors. */
int sb_policy_read_string(const char *text, const char *name, struct sb_policy **out, struct sb_error *err);
/* Same, from an open stream (read up to SB_POLICY_MAX_BYTES and one line). */
int sb_policy_read_stream(FILE *f, const char *name, struct sb_policy **out, struct sb_error *err);

/* Write atomically: a temp file in the same directory, fsync, rename.
 * On any error the previous file is untouched. Returns 0 or -errno, among
 * them those of sb_policy_write_target. */
int sb_policy_write(const struct sb_policy *p, const char *path);
/* May sb_policy_write replace path? 0 for a regular file or a missing
 * path; -EISDIR for a directory; -EEXIST for anything else that exists (a
 * fifo, socket, device or symbolic link: rename would replace it with a
 * file); another -errno if it cannot be looked at (EACCES, ENOTDIR). It
 * does not check the directory: sb_policy_write reports that itself. */
int sb_policy_write_target(const char *path);
/* Write to an open stream (no atomicity). Returns 0 or -errno: -EINVAL for
 * a policy the reader would refuse (empty or unwritable program, default
 * allow, other arch or version, a capability libcap cannot name, an action
 * other than allow where sb_policy_forced_allow says the filters allow),
 * -ENAMETOOLONG for a [sandbox] line over the format's 198 bytes even in
 * its compact "key=a,b" form. Comments over 197 bytes are cut to fit and
 * their control characters other than tab become spaces: neither happens to
 * a policy the reader made, which this gives back exactly. */
int sb_policy_write_stream(const struct sb_policy *p, FILE *f);

#endif
