/* tool.h - sandbox-policy(1): the subcommands and what they share.
 *
 * Invariant: every policy is read by lib/ (sb_policy_read) and written by
 * lib/ (sb_policy_write*): the tool holds no grammar of its own. Exit
 * statuses (enum tool_exit) are the man page's EXIT STATUS.
 */
#ifndef SB_TOOL_H
#define SB_TOOL_H

#include <stdbool.h>

#include "policy.h"

enum tool_exit {
	TOOL_OK = 0,
	TOOL_DIFFER = 1,  /* diff, missing, roundtrip: the answer is "no" */
	TOOL_USAGE = 2,   /* bad command line */
	TOOL_ERROR = 125, /* a policy that does not read, cannot be built or written */
};

/* Read path; on error print "file:line: message" and exit TOOL_ERROR. */
struct sb_policy *tool_read(const char *path);

/* Write p to `out` atomically, or to stdout if out is NULL; exits
 * TOOL_ERROR naming the file on failure. */
void tool_write(const struct sb_policy *p, const char *out);

/* Print the message of a lib/ error (location if any) and exit TOOL_ERROR. */
_Noreturn void tool_fail(const struct sb_error *e, const char *what, int r);

/* Print "sandbox-policy CMD: MSG" and the command's usage; exit TOOL_USAGE. */
_Noreturn void tool_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse the options of a subcommand: "-o FILE" (out, may be NULL) and the
 * long flags given in `flags` ("json", ...; each sets its bool). Returns
 * the index of the first operand; a bad option is tool_usage. */
struct tool_flag {
	const char *name;
	char letter; /* a short form, "-x", or 0 */
	bool *set;
	const char **arg; /* non-NULL: the flag takes "=VALUE" */
};
int tool_options(int argc, char **argv, const char **out, const struct tool_flag *flags);

/* The subcommands: argv[0] is the subcommand's name. */
int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_calls(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_union(int argc, char **argv);
int cmd_set_header(int argc, char **argv);
int cmd_roundtrip(int argc, char **argv);
int cmd_missing(int argc, char **argv);
int cmd_names(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* The value of [sandbox] key `key` as the writer spells it, in buf; NULL if
 * the writer writes no such line for p (show.c). */
const char *tool_key_value(const struct sb_policy *p, const char *key, char *buf, size_t len);
extern const char *const tool_keys[];
/* Every native syscall number, in the order of their names (the order of
 * a policy file's lines): nrs[0..SB_NR_MAX). */
void tool_sorted_nrs(int nrs[SB_NR_MAX]);
/* s as a JSON string on stdout (show.c). */
void tool_json_string(const char *s); /* NULL-terminated, the writer's order */

#endif
