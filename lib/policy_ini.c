/* policy_ini.c - read sandbox-policy(5) files (the writer is policy_write.c).
 *
 * Reading goes through inih (ini_parse_stream) with a reader of our own. inih
 * calls the reader once per line and then the handler for that line, so the
 * reader's line count is the current line number in the handler (the Debian
 * build has INI_HANDLER_LINENO=0). The reader also sees the raw line, which
 * lets it catch what inih hides or gets wrong:
 *  - a line longer than inih's buffer, which inih splits and reports on the
 *    *next* line number;
 *  - continuation lines (multi-line values are on in Debian's build);
 *  - the " ; N calls" inline comment, which inih strips from the value;
 *  - section headers and header comments, which no handler call reports.
 * The first error stops the parse: the reader then returns EOF.
 *
 * Bounds: the reader takes bytes one at a time into a fixed buffer and stops
 * at the first byte past LINE_MAX_BYTES, so no input makes it allocate, and
 * it stops reading once SB_POLICY_MAX_BYTES are consumed. The line count is
 * therefore at most SB_POLICY_MAX_BYTES + 1 and cannot overflow an int, and
 * end of file is end of file: a read error is never taken for it.
 */
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "caps.h"
#include "policy_ini_int.h"
#include "util.h"

enum section { SEC_NONE = -1, SEC_SANDBOX, SEC_INIT, SEC_SERVING, NSECTIONS };
static const char *const section_names[NSECTIONS] = {"sandbox", "init", "serving"};

enum key {
	K_VERSION,
	K_PROGRAM,
	K_BINARY,
	K_ARCH,
	K_DEFAULT,
	K_CAPS,
	K_BASELINE,
	K_TRANSITION,
	K_TRANSITION_FD,
	K_TRANSITION_AFTER,
	K_TRANSITION_SCOPE,
	NKEYS
};

struct reader {
	FILE *f;
	char raw[LINE_MAX_BYTES + 1]; /* the current line, newline dropped */
	size_t consumed;              /* bytes read, at most SB_POLICY_MAX_BYTES + 1 line */
	int line;                     /* number of the line being parsed (1-based) */
	enum section section;
	bool has_count; /* the current line has a " ; N calls" comment */
	uint64_t count;
	struct sb_policy *p;
	struct sb_error *err;
	bool failed;
	int io_errno;
	int section_line[NSECTIONS]; /* 0: section not seen */
	int key_line[NKEYS];
	int sys_line[SB_NPHASES][SB_NR_MAX];
	int cond_line[SB_NPHASES][SB_ARG_N];
	int first_serving_key;
	char transition[LINE_MAX_BYTES + 1];
	char after[LINE_MAX_BYTES + 1];
	int fd;
	enum sb_scope scope;
};

/* Record an error unless one on an earlier line is already recorded. */
SB_PRINTF(3, 4) static int fail(struct reader *r, int line, const char *fmt, ...)
{
	va_list ap;

	if (r->failed && r->err->line <= line)
		return -EINVAL;
	r->failed = true;
	r->err->line = line;
	va_start(ap, fmt);
	vsnprintf(r->err->msg, sizeof(r->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* inih's own scan: stop at one of `chars` or at a ';' that follows white
 * space (an inline comment). Mirrors ini.c so both agree on every line. */
static char *find_chars_or_comment(char *s, const char *chars)
{
	bool was_space = false;

	while (*s && (!chars || !strchr(chars, *s)) && !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

static char *skip_space(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* "N calls" / "1 call" after the ';' of an inline comment. Any other
 * comment is free text and gives no count. */
static void parse_count(struct reader *r, char *c)
{
	char *end;
	unsigned long long n;

	c = skip_space(c);
	if (!isdigit((unsigned char)*c))
		return;
	errno = 0;
	n = strtoull(c, &end, 10);
	if (errno != 0 || !isspace((unsigned char)*end))
		return;
	end = skip_space(end);
	if (strncmp(end, "call", 4) != 0)
		return;
	end += 4;
	if (*end == 's')
		end++;
	if (*skip_space(end) != '\0')
		return;
	r->has_count = true;
	r->count = n;
}

static void header_comment(struct reader *r, char *t)
{
	struct sb_policy *p = r->p;

	t = skip_space(t + 1);
	rstrip(t);
	/* Comments before the first section are the policy's own; at most
	 * SB_MAX_COMMENTS are kept. The writer's fixed first line is not one. */
	if (strcmp(t, HEADER_COMMENT) == 0 || p->ncomments == SB_MAX_COMMENTS)
		return;
	snprintf(p->comments[p->ncomments++], SB_COMMENT_LEN, "%s", t);
}

static int section_line(struct reader *r, char *t)
{
	char *end = find_chars_or_comment(t + 1, "]");
	char *rest;

	if (*end != ']')
		return fail(r, r->line, "expected ']' to close the section name");
	*end = '\0';
	rest = skip_space(end + 1);
	if (*rest != '\0' && *rest != ';')
		return fail(r, r->line, "unexpected text after [%s]", t + 1);
	for (int s = 0; s < NSECTIONS; s++) {
		if (strcmp(t + 1, section_names[s]) != 0)
			continue;
		if (r->section_line[s] != 0)
			return fail(r, r->line, "duplicate section [%s] (first at line %d)", t + 1,
			            r->section_line[s]);
		r->section_line[s] = r->line;
		r->section = (enum section)s;
		return 0;
	}
	return fail(r, r->line, "unknown section [%s] (expected [sandbox], [init] or [serving])", t + 1);
}

static int key_line(struct reader *r, char *t)
{
	char *eq = find_chars_or_comment(t, "=:");
	char *c;

	/* inih also takes "key: value"; we do not, nor a line without '='. */
	if (*eq != '=' || eq == t)
		return fail(r, r->line, "expected key = value");
	c = find_chars_or_comment(eq + 1, NULL);
	if (*c == ';')
		parse_count(r, c + 1);
	return 0;
}

/* Look at the raw line before inih does. Returns 0 or -EINVAL. */
static int scan_line(struct reader *r, char *s)
{
	char *t;

	if (r->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3; /* inih skips a UTF-8 byte order mark too */
	r->has_count = false;
	t = skip_space(s);
	if (*t == '\0')
		return 0;
	if (*t == ';' || *t == '#') {
		if (*t == ';' && r->section == SEC_NONE)
			header_comment(r, t);
		return 0;
	}
	if (t != s)
		return fail(r, r->line,
		            "continuation lines are not allowed (the line starts with white space)");
	if (*t == '[')
		return section_line(r, t);
	return key_line(r, t);
}

/* Called where getc() gave EOF: a read error is recorded, never taken for
 * end of file. Returns -1 either way. */
static long end_of_input(struct reader *r)
{
	if (ferror(r->f))
		r->io_errno = errno ? errno : EIO;
	return -1;
}

/* A byte a line may hold: tab is white space; every other control byte is
 * refused (the writer could not give it back, and a reviewer's terminal
 * would interpret it). CR is checked by the caller. */
static bool byte_ok(struct reader *r, int c)
{
	if (c == '\0')
		fail(r, r->line, "NUL byte in line");
	else if ((c < 0x20 && c != '\t') || c == 0x7f)
		fail(r, r->line, "control character 0x%02x in line (only tab is allowed)", c);
	else
		return true;
	return false;
}

/* The next byte, counted against SB_POLICY_MAX_BYTES by the caller. */
static int next_byte(struct reader *r)
{
	int c = getc(r->f);

	r->consumed += c != EOF;
	return c;
}

/* Read one line into r->raw, at most max bytes; the newline and a CR just
 * before it are dropped. Returns its length, or -1 at end of file or on an
 * error (recorded). Reads at most max + 2 bytes of the line. */
static long get_line(struct reader *r, size_t max)
{
	size_t len = 0;
	int c;

	errno = 0;
	c = next_byte(r);
	if (c == EOF)
		return end_of_input(r);
	if (r->consumed > SB_POLICY_MAX_BYTES) {
		fail(r, r->line + 1, "policy too large (more than %d bytes)", SB_POLICY_MAX_BYTES);
		return -1;
	}
	r->line++;
	while (c != EOF && c != '\n') {
		if (c == '\r') {
			c = next_byte(r);
			if (c == EOF || c == '\n')
				break;
			byte_ok(r, '\r'); /* a CR inside the line: refused */
			return -1;
		}
		if (!byte_ok(r, c))
			return -1;
		if (len == max) {
			fail(r, r->line, "line too long (more than %zu bytes)", max);
			return -1;
		}
		r->raw[len++] = (char)c;
		c = next_byte(r);
	}
	if (c == EOF && ferror(r->f))
		return end_of_input(r);
	r->raw[len] = '\0';
	return (long)len;
}

/* inih's reader: hand it one checked line at a time (num is its buffer). */
static char *read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	size_t max = num - 2 < LINE_MAX_BYTES ? (size_t)(num - 2) : LINE_MAX_BYTES;
	char scan[LINE_MAX_BYTES + 1];
	long len;

	if (r->failed)
		return NULL; /* stop at the first error */
	len = get_line(r, max);
	if (len < 0)
		return NULL;
	memcpy(str, r->raw, (size_t)len);
	memcpy(str + len, "\n", 2);            /* fits: len + 2 <= num */
	memcpy(scan, r->raw, (size_t)len + 1); /* scan_line cuts its copy */
	if (scan_line(r, scan) < 0)
		return NULL;
	return str;
}

/* A decimal int in [min, INT_MAX], nothing else. Returns 0 or -EINVAL. */
static int parse_int(const char *s, int min, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > INT_MAX)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int parse_action(struct reader *r, const char *key, const char *v, struct sb_action *out)
{
	if (sb_action_parse(v, out) == 0)
		return 0;
	if (strncmp(v, "errno", 5) == 0 && (v[5] == ' ' || v[5] == '\t'))
		return fail(r, r->line, "unknown errno name '%s' for '%s' (use a name such as EPERM)",
		            v + 5 + strspn(v + 5, " \t"), key);
	return fail(r, r->line, "unknown action '%s' for '%s' (expected allow, kill, log or errno NAME)", v,
	            key);
}

static int set_version(struct reader *r, const char *v)
{
	if (parse_int(v, 0, &r->p->version) < 0 || r->p->version != SB_POLICY_VERSION)
		return fail(r, r->line, "unsupported version '%s' (this program reads version %d)", v,
		            SB_POLICY_VERSION);
	return 0;
}

/* The line the writer would write for a [sandbox] key must fit, or
 * write-then-read would not give this policy back. */
static int check_writable(struct reader *r, const char *key, const char *canon, bool list)
{
	char line[LINE_MAX_BYTES + 1];

	if (sb_ini_sandbox_line(line, key, canon, list) < 0)
		return fail(r, r->line,
		            "%s cannot be written back: the writer's line, even as '%s=%s', is over %d bytes",
		            key, key, list ? "a,b" : "...", LINE_MAX_BYTES);
	return 0;
}

static int set_program(struct reader *r, const char *v)
{
	const char *why = sb_ini_value_problem(v);

	/* Only "program=;x" reaches here with a problem: inih trims the
	 * value and cuts it at " ;". */
	if (why != NULL)
		return fail(r, r->line, "program '%s' cannot be written back: %s", v, why);
	snprintf(r->p->program, sizeof(r->p->program), "%s", v);
	return check_writable(r, "program", r->p->program, false);
}

/* "sha256:HEX" and, after one blank, the path (the rest of the value). */
static int set_binary(struct reader *r, const char *v)
{
	size_t n = strlen("sha256:");
	const char *hex = v + n, *path = v + n + SB_SHA256_HEX;

	if (strncmp(v, "sha256:", n) != 0 || strlen(hex) < SB_SHA256_HEX ||
	    strspn(hex, "0123456789abcdef") < SB_SHA256_HEX || (*path && *path != ' '))
		return fail(r, r->line, "binary must be 'sha256:' 64 lowercase hex digits [PATH], not '%s'",
		            v);
	if (*path && strlen(path + 1) >= sizeof(r->p->binary_path))
		return fail(r, r->line, "binary: path longer than %zu bytes", sizeof(r->p->binary_path) - 1);
	memcpy(r->p->binary_sha256, hex, SB_SHA256_HEX);
	r->p->binary_sha256[SB_SHA256_HEX] = '\0';
	snprintf(r->p->binary_path, sizeof(r->p->binary_path), "%s", *path ? path + 1 : "");
	return 0;
}

static int set_arch(struct reader *r, const char *v)
{
	if (strcmp(v, "x86_64") != 0)
		return fail(r, r->line, "unsupported arch '%s' (only x86_64, the native ABI)", v);
	snprintf(r->p->arch, sizeof(r->p->arch), "%s", v);
	return 0;
}

static int set_default(struct reader *r, const char *v)
{
	if (parse_action(r, "default", v, &r->p->def) < 0)
		return -EINVAL;
	if (r->p->def.kind == SB_ACT_ALLOW)
		return fail(r, r->line,
		            "default 'allow' is refused: a policy must deny what it does not list "
		            "(use 'log' to allow and log)");
	return 0;
}

static int set_caps(struct reader *r, const char *v)
{
	char bad[LINE_MAX_BYTES + 1] = "";
	char canon[64 * (SB_NAME_LEN + 2) + 1];

	/* sb_caps_parse refuses numbers and leaves p->caps alone on error. */
	if (sb_caps_parse(v, &r->p->caps, bad, sizeof(bad)) < 0)
		return fail(r, r->line, "unknown capability '%s'", bad);
	/* The writer spells each in full (cap_ prefix): that may not fit. */
	if (sb_caps_format(r->p->caps, canon, sizeof(canon)) == NULL)
		return fail(r, r->line, "capability without a libcap name");
	return check_writable(r, "capabilities", canon, true);
}

static int set_baseline(struct reader *r, const char *v)
{
	if (sb_baseline_parse(v, &r->p->baseline) < 0)
		return fail(r, r->line, "baseline must be harmless or none, not '%s'", v);
	return 0;
}

/* Check a transition list now, so its error has the right line; it is
 * applied once the whole file is read (keys may come in any order). */
static int check_names(struct reader *r, const char *key, const char *v, char *store)
{
	char canon[SB_MAX_MARKERS * (SB_NAME_LEN + 2) + 1];
	struct sb_transition scratch;
	const char *bad = "";
	int e = sb_transition_set(&scratch, v, -1, NULL, &bad);

	if (e == -ENOENT)
		return fail(r, r->line, "unknown syscall or family '%s' in %s", bad, key);
	if (e == -E2BIG)
		return fail(r, r->line, "too many names in %s (at most %d)", key, SB_MAX_MARKERS);
	if (e < 0)
		return fail(r, r->line, "empty name in %s", key);
	snprintf(store, LINE_MAX_BYTES + 1, "%s", v);
	return check_writable(
	    r, key, sb_transition_format(scratch.markers, scratch.nmarkers, canon, sizeof(canon)), true);
}

static int set_transition(struct reader *r, const char *v)
{
	return check_names(r, "transition", v, r->transition);
}

static int set_transition_after(struct reader *r, const char *v)
{
	return check_names(r, "transition_after", v, r->after);
}

static int set_transition_fd(struct reader *r, const char *v)
{
	if (parse_int(v, 0, &r->fd) < 0)
		return fail(r, r->line, "transition_fd must be an integer >= 0, not '%s'", v);
	return 0;
}

static int set_transition_scope(struct reader *r, const char *v)
{
	if (!strcmp(v, "process"))
		r->scope = SB_SCOPE_PROCESS;
	else if (!strcmp(v, "thread"))
		r->scope = SB_SCOPE_THREAD;
	else
		return fail(r, r->line, "transition_scope must be process or thread, not '%s'", v);
	return 0;
}

static const struct {
	const char *name;
	int (*set)(struct reader *r, const char *value);
	bool required;
	bool may_be_empty;
} sandbox_keys[NKEYS] = {
    [K_VERSION] = {"version", set_version, true, false},
    [K_PROGRAM] = {"program", set_program, true, false},
    [K_BINARY] = {"binary", set_binary, false, false},
    [K_ARCH] = {"arch", set_arch, true, false},
    [K_DEFAULT] = {"default", set_default, false, false},
    [K_CAPS] = {"capabilities", set_caps, false, true},
    [K_BASELINE] = {"baseline", set_baseline, false, false},
    [K_TRANSITION] = {"transition", set_transition, false, false},
    [K_TRANSITION_FD] = {"transition_fd", set_transition_fd, false, false},
    [K_TRANSITION_AFTER] = {"transition_after", set_transition_after, false, false},
    [K_TRANSITION_SCOPE] = {"transition_scope", set_transition_scope, false, false},
};

static int sandbox_key(struct reader *r, const char *name, const char *value)
{
	for (int k = 0; k < NKEYS; k++) {
		if (strcmp(name, sandbox_keys[k].name) != 0)
			continue;
		if (r->key_line[k] != 0)
			return fail(r, r->line, "duplicate key '%s' (first at line %d)", name,
			            r->key_line[k]);
		r->key_line[k] = r->line;
		if (*value == '\0' && !sandbox_keys[k].may_be_empty)
			return fail(r, r->line, "missing value for '%s'", name);
		return sandbox_keys[k].set(r, value);
	}
	return fail(r, r->line, "unknown key '%s' in [sandbox]", name);
}

/* "mprotect.prot = not PROT_EXEC": checked here, tied to its call's line
 * once the whole phase is read (check_conds). */
static int cond_key(struct reader *r, enum sb_phase ph, const char *name, const char *value)
{
	int id = sb_arg_by_name(name);
	char bad[64], canon[LINE_MAX_BYTES + 1];
	struct sb_cond *c;

	if (id < 0)
		return fail(r, r->line, "unknown argument '%s' (sandbox-policy(5), ARGUMENTS, lists them)",
		            name);
	if (r->cond_line[ph][id] != 0)
		return fail(r, r->line, "duplicate key '%s' (first at line %d)", name, r->cond_line[ph][id]);
	r->cond_line[ph][id] = r->line;
	c = &r->p->cond[ph][id];
	if (sb_cond_parse((enum sb_arg_id)id, value, c, bad, sizeof(bad)) == 0) {
		size_t room = LINE_MAX_BYTES - strlen(name) - 3; /* "name = " */
		if (strlen(name) + 3 >= LINE_MAX_BYTES ||
		    sb_cond_format((enum sb_arg_id)id, c, canon, room + 1) == NULL)
			return fail(r, r->line, "'%s' cannot be written back in %d bytes", name,
			            LINE_MAX_BYTES);
		return 0;
	}
	if (strcspn(value, " \t") == strlen(value) || (strncmp(value, "not", 3) && strncmp(value, "only", 4)))
		return fail(r, r->line, "'%s' must be 'not VALUE, ...'%s, not '%s'", name,
		            sb_arg_def((enum sb_arg_id)id)->kind == SB_ARG_VALUES ? " or 'only VALUE, ...'"
		                                                                  : "",
		            value);
	if (bad[0] == '\0')
		return fail(r, r->line, "empty value in '%s'", name);
	return fail(r, r->line, "unknown value '%s' for '%s' (a name such as %s, or a number)", bad, name,
	            sb_arg_def((enum sb_arg_id)id)->kind == SB_ARG_FLAGS ? "PROT_EXEC" : "AF_INET");
}

static int syscall_key(struct reader *r, enum sb_phase ph, const char *name, const char *value)
{
	int nr = sb_syscall_nr(name);
	struct sb_entry *e;

	if (strchr(name, '.') != NULL)
		return *value ? cond_key(r, ph, name, value)
		              : fail(r, r->line, "missing value for '%s'", name);
	if (nr < 0)
		return fail(r, r->line, "unknown syscall '%s'", name);
	if (r->sys_line[ph][nr] != 0)
		return fail(r, r->line, "duplicate key '%s' (first at line %d)", name, r->sys_line[ph][nr]);
	r->sys_line[ph][nr] = r->line;
	if (ph == SB_PHASE_SERVING && r->first_serving_key == 0)
		r->first_serving_key = r->line;
	if (*value == '\0')
		return fail(r, r->line, "missing value for '%s'", name);
	e = &r->p->phase[ph][nr];
	if (parse_action(r, name, value, &e->act) < 0)
		return -EINVAL;
	e->count = r->has_count ? r->count : 0;
	return 0;
}

/* inih's handler: the section is ours (r->section), not inih's copy. */
static int handle_key(void *user, const char *section, const char *name, const char *value)
{
	struct reader *r = user;

	(void)section;
	if (r->failed)
		return 0;
	switch (r->section) {
	case SEC_SANDBOX: return sandbox_key(r, name, value) == 0;
	case SEC_INIT: return syscall_key(r, SB_PHASE_INIT, name, value) == 0;
	case SEC_SERVING: return syscall_key(r, SB_PHASE_SERVING, name, value) == 0;
	default: fail(r, r->line, "key '%s' outside a section", name); return 0;
	}
}

static void finish_transition(struct reader *r)
{
	bool tr = r->key_line[K_TRANSITION] != 0;
	int serving = r->first_serving_key ? r->first_serving_key : r->section_line[SEC_SERVING];

	if (!tr && r->key_line[K_TRANSITION_FD])
		fail(r, r->key_line[K_TRANSITION_FD], "transition_fd requires a transition key");
	if (!tr && r->key_line[K_TRANSITION_AFTER])
		fail(r, r->key_line[K_TRANSITION_AFTER], "transition_after requires a transition key");
	if (r->key_line[K_TRANSITION_SCOPE] && !r->key_line[K_TRANSITION_AFTER])
		fail(r, r->key_line[K_TRANSITION_SCOPE], "transition_scope requires a transition_after key");
	if (!tr && serving)
		fail(r, serving, "serving section needs a transition key in [sandbox]");
	if (!tr || r->failed)
		return;
	/* The lists were checked line by line: this cannot fail. */
	if (sb_transition_set(&r->p->tr, r->transition, r->fd, r->after, NULL) < 0)
		fail(r, r->key_line[K_TRANSITION], "bad transition rule");
	r->p->tr.scope = r->scope;
	r->p->has_transition = true;
}

/* A line the filters would not enforce as written is refused, not changed
 * behind the reader's back (needs the transition: keys come in any order). */
static void check_forced(struct reader *r)
{
	for (int ph = 0; ph < SB_NPHASES; ph++) {
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			const struct sb_action *a = &r->p->phase[ph][nr].act;
			char name[SB_NAME_LEN], act[64];
			const char *why;

			if (a->kind == SB_ACT_NONE || a->kind == SB_ACT_ALLOW)
				continue;
			why = sb_policy_forced_allow(r->p, (enum sb_phase)ph, nr);
			if (why != NULL)
				fail(r, r->sys_line[ph][nr], "'%s = %s' is refused: %s",
				     sb_syscall_name(nr, name, sizeof(name)),
				     sb_action_format(a, act, sizeof(act)), why);
		}
	}
}

/* A condition restricts an allowed call: without `allow` in its phase it
 * would mean nothing, or be taken for more than it does. */
static void check_conds(struct reader *r)
{
	for (int ph = 0; ph < SB_NPHASES; ph++) {
		for (int id = 0; id < SB_ARG_N; id++) {
			const struct sb_arg_def *d = sb_arg_def((enum sb_arg_id)id);
			int nr = sb_arg_nr((enum sb_arg_id)id);

			if (r->cond_line[ph][id] == 0)
				continue;
			if (nr < 0 || r->p->phase[ph][nr].act.kind != SB_ACT_ALLOW)
				fail(r, r->cond_line[ph][id], "'%s' needs '%s = allow' in [%s]", d->arg,
				     d->syscall, sb_phase_name((enum sb_phase)ph));
		}
	}
}

/* Checks that need the whole file; the error on the earliest line wins. */
static void finish(struct reader *r)
{
	int sb = r->section_line[SEC_SANDBOX];

	if (sb == 0) {
		fail(r, 0, "missing section [sandbox]");
		return;
	}
	for (int k = 0; k < NKEYS; k++)
		if (sandbox_keys[k].required && r->key_line[k] == 0)
			fail(r, sb, "missing key '%s' in [sandbox]", sandbox_keys[k].name);
	finish_transition(r);
	check_conds(r);
	if (!r->failed)
		check_forced(r);
}

static void error_init(struct sb_error *err, const char *name)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name ? name : "");
}

/* inih's result: 0, the first line it found bad, or -2 when it could not
 * allocate (only if built without INI_USE_STACK). */
static int parse_result(struct reader *r, int ret)
{
	if (r->io_errno != 0) {
		fail(r, r->line, "read error: %s", strerror(r->io_errno));
		return -r->io_errno;
	}
	if (ret == -2) {
		fail(r, r->line, "out of memory");
		return -ENOMEM;
	}
	if (ret > 0)
		fail(r, ret, "syntax error"); /* inih saw what we did not */
	if (!r->failed)
		finish(r);
	return r->failed ? -EINVAL : 0;
}

int sb_policy_read_stream(FILE *f, const char *name, struct sb_policy **out, struct sb_error *err)
{
	struct sb_error dummy;
	struct reader *r = calloc(1, sizeof(*r));
	int ret;

	err = err ? err : &dummy;
	error_init(err, name);
	if (r == NULL || (r->p = sb_policy_new()) == NULL) {
		free(r);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	r->f = f;
	r->err = err;
	r->section = SEC_NONE;
	r->fd = -1;
	ret = parse_result(r, ini_parse_stream(read_line, r, handle_key, r));
	if (ret == 0)
		*out = sb_steal_pointer(&r->p);
	free(r->p);
	free(r);
	return ret;
}

static const char *file_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a fifo";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	default: return "an unknown kind of file";
	}
}

/* why: the message, or "" for "cannot open: <strerror(e)>". */
static FILE *open_failed(struct sb_error *err, int e, const char *why, int *ret)
{
	*ret = -e;
	if (why[0])
		snprintf(err->msg, sizeof(err->msg), "%s", why);
	else
		snprintf(err->msg, sizeof(err->msg), "cannot open: %s", strerror(e));
	return NULL;
}

/* Open without blocking (a fifo with no writer would hang us for ever),
 * then refuse anything but a regular file: only a regular file surely ends.
 * Returns a blocking read stream, or NULL with -errno in *ret. */
static FILE *open_regular(const char *path, struct sb_error *err, int *ret)
{
	sb_autoclose int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	char why[64];
	struct stat st;
	FILE *f;

	if (fd < 0 || fstat(fd, &st) < 0)
		return open_failed(err, errno, "", ret);
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, sizeof(why), "not a regular file (%s)", file_type(st.st_mode));
		return open_failed(err, EINVAL, why, ret);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 || (f = fdopen(fd, "r")) == NULL)
		return open_failed(err, errno, "", ret);
	fd = -1; /* the stream owns it */
	return f;
}

int sb_policy_read(const char *path, struct sb_policy **out, struct sb_error *err)
{
	struct sb_error dummy;
	FILE *f;
	int r;

	err = err ? err : &dummy;
	error_init(err, path);
	f = open_regular(path, err, &r);
	if (f == NULL)
		return r;
	r = sb_policy_read_stream(f, path, out, err);
	fclose(f);
	return r;
}

int sb_policy_read_string(const char *text, const char *name, struct sb_policy **out, struct sb_error *err)
{
	struct sb_error dummy;
	FILE *f;
	int r;

	err = err ? err : &dummy;
	error_init(err, name);
	f = fmemopen((void *)text, strlen(text), "r");
	if (f == NULL) {
		r = -errno;
		snprintf(err->msg, sizeof(err->msg), "fmemopen: %s", strerror(-r));
		return r;
	}
	r = sb_policy_read_stream(f, name, out, err);
	fclose(f);
	return r;
}
