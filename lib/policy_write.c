/* policy_write.c - write sandbox-policy(5) files.
 *
 * The writer emits only what the reader (policy_ini.c) accepts, lengths
 * included, so write-then-read gives an equal policy (sb_policy_equal); a
 * policy it cannot write that way is refused (-EINVAL, -ENAMETOOLONG).
 * The other way round, read-then-write-then-read is the identity for every
 * file the reader accepts: a [sandbox] line too long in the usual
 * "key = a, b" form is written "key=a,b", a 197-byte comment ";text", and
 * the reader refuses the values no form can carry (policy_ini_int.h).
 *
 * sb_policy_write() is atomic: the policy goes to a temporary file in the
 * same directory as the target, is flushed and fsync()ed, then rename()d
 * over the target (and the directory is synced). On any error the temporary
 * file is removed and an existing file at the target is left untouched.
 * It replaces only a regular file: rename() would put a file in the place
 * of a fifo, a device, a socket or a symbolic link without a word.
 */
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
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

struct writer {
	FILE *f;
	int err; /* first error, -errno */
};

/* Write one line; a line the reader could not take is an error instead. */
SB_PRINTF(2, 3) static void put(struct writer *w, const char *fmt, ...)
{
	char line[LINE_MAX_BYTES + 2];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || n > LINE_MAX_BYTES) {
		if (w->err == 0)
			w->err = -ENAMETOOLONG;
		return;
	}
	if (w->err == 0 && fprintf(w->f, "%s\n", line) < 0)
		w->err = -EIO;
}

const char *sb_ini_value_problem(const char *v)
{
	if (*v == '\0')
		return "it is empty";
	if (isspace((unsigned char)*v) || isspace((unsigned char)v[strlen(v) - 1]))
		return "it starts or ends with white space";
	if (*v == ';')
		return "it starts with ';'";
	for (const char *s = v; *s; s++) {
		if (*s != '\t' && iscntrl((unsigned char)*s))
			return "it holds a control character";
		if (*s == ';' && isspace((unsigned char)s[-1]))
			return "a ';' after white space starts a comment";
	}
	return NULL;
}

/* An action other than allow where the filters force allow: refused. */
static bool forced_listed(const struct sb_policy *p)
{
	for (int ph = 0; ph < (p->has_transition ? SB_NPHASES : 1); ph++)
		for (int nr = 0; nr < SB_NR_MAX; nr++) {
			enum sb_act_kind k = p->phase[ph][nr].act.kind;
			if (k != SB_ACT_NONE && k != SB_ACT_ALLOW &&
			    sb_policy_forced_allow(p, (enum sb_phase)ph, nr) != NULL)
				return true;
		}
	return false;
}

/* A condition on a call its phase does not allow: the reader refuses it. */
static bool cond_stray(const struct sb_policy *p)
{
	for (int ph = 0; ph < SB_NPHASES; ph++)
		for (int id = 0; id < SB_ARG_N; id++) {
			int nr = sb_arg_nr((enum sb_arg_id)id);
			if (p->cond[ph][id].kind != SB_COND_NONE &&
			    (nr < 0 || p->phase[ph][nr].act.kind != SB_ACT_ALLOW ||
			     (ph == SB_PHASE_SERVING && !p->has_transition)))
				return true;
		}
	return false;
}

static bool policy_writable(const struct sb_policy *p)
{
	return p->version == SB_POLICY_VERSION && strcmp(p->arch, "x86_64") == 0 &&
	       p->def.kind != SB_ACT_ALLOW && p->def.kind != SB_ACT_NONE &&
	       sb_ini_value_problem(p->program) == NULL && !forced_listed(p) && !cond_stray(p);
}

/* The condition line under a call's line, if it has one. */
static void put_cond(struct writer *w, const struct sb_policy *p, enum sb_phase ph, int nr)
{
	const struct sb_cond *c = sb_policy_cond(p, ph, nr);
	const struct sb_arg_def *d = sb_arg_def((enum sb_arg_id)sb_arg_for_syscall(nr));
	char text[LINE_MAX_BYTES + 1];

	if (c == NULL)
		return;
	/* the reader refused what does not fit; put() reports it otherwise */
	if (sb_cond_format((enum sb_arg_id)sb_arg_for_syscall(nr), c, text,
	                   LINE_MAX_BYTES - strlen(d->arg) - 3 + 1) == NULL) {
		if (w->err == 0)
			w->err = -ENAMETOOLONG;
		return;
	}
	put(w, "%s = %s", d->arg, text);
}

/* A comment's text after ";": the reader trims white space at both ends and
 * keeps up to LINE_MAX_BYTES - 1 bytes, which this gives back unchanged.
 * Longer comments (made in memory) are cut at a UTF-8 character boundary;
 * control characters other than tab, which the reader refuses, become
 * spaces. */
static void put_comment(struct writer *w, const char *text)
{
	char c[SB_COMMENT_LEN];
	size_t n;

	snprintf(c, sizeof(c), "%s", text);
	n = strlen(c);
	if (n > LINE_MAX_BYTES - 1) {
		n = LINE_MAX_BYTES - 2;
		while (n > 0 && ((unsigned char)c[n] & 0xc0) == 0x80)
			n--;
		c[n] = '\0';
	}
	for (char *s = c; *s; s++)
		if (*s != '\t' && iscntrl((unsigned char)*s))
			*s = ' ';
	/* "; text" as the writer likes it, ";text" if only that fits */
	put(w, ";%s%s", n > 0 && n + 2 <= LINE_MAX_BYTES ? " " : "", c);
}

int sb_ini_sandbox_line(char *line, const char *key, const char *value, bool list)
{
	size_t len = LINE_MAX_BYTES + 1, used;
	int n = snprintf(line, len, "%s%s%s", key, *value ? " = " : " =", value);

	if (n >= 0 && (size_t)n < len)
		return 0;
	/* compact: "key=a,b" */
	used = (size_t)snprintf(line, len, "%s=", key);
	for (const char *v = value; *v && used < len; v++) {
		line[used++] = *v;
		if (list && v[0] == ',' && v[1] == ' ')
			v++; /* drop the blank after a separator */
	}
	if (used >= len)
		return -ENAMETOOLONG;
	line[used] = '\0';
	return 0;
}

/* A [sandbox] line; one the format cannot hold is put()'s error. */
static void put_key(struct writer *w, const char *key, const char *value, bool list)
{
	char line[LINE_MAX_BYTES + 1];

	if (sb_ini_sandbox_line(line, key, value, list) < 0) {
		if (w->err == 0)
			w->err = -ENAMETOOLONG;
		return;
	}
	put(w, "%s", line);
}

/* `binary`, if known; a path the reader would not take back (white space
 * at its end, a control character, " ;") is an error. */
static void put_binary(struct writer *w, const struct sb_policy *p)
{
	char v[LINE_MAX_BYTES + 1];

	if (p->binary_sha256[0] == '\0')
		return;
	snprintf(v, sizeof(v), "sha256:%s%s%s", p->binary_sha256, p->binary_path[0] ? " " : "",
	         p->binary_path);
	if (sb_ini_value_problem(v) != NULL ||
	    (p->binary_path[0] && isspace((unsigned char)p->binary_path[0]))) {
		if (w->err == 0)
			w->err = -EINVAL;
		return;
	}
	put_key(w, "binary", v, false);
}

static void put_sandbox(struct writer *w, const struct sb_policy *p)
{
	char buf[SB_MAX_MARKERS * (SB_NAME_LEN + 2) + 1];
	/* Room for all 64 caps (libcap's names are shorter than SB_NAME_LEN):
	 * NULL from sb_caps_format then means a cap libcap cannot name, which
	 * the reader would refuse. */
	char caps[64 * (SB_NAME_LEN + 2) + 1];
	const char *c;

	put(w, "[sandbox]");
	put(w, "version = %d", p->version);
	put_key(w, "program", p->program, false);
	put_binary(w, p);
	put(w, "arch = %s", p->arch);
	put(w, "default = %s", sb_action_format(&p->def, buf, sizeof(buf)));
	c = sb_caps_format(p->caps, caps, sizeof(caps));
	if (c == NULL) {
		if (w->err == 0)
			w->err = -EINVAL;
		c = "";
	}
	put_key(w, "capabilities", c, true);
	put(w, "baseline = %s", sb_baseline_name(p->baseline));
	if (!p->has_transition)
		return;
	put_key(w, "transition", sb_transition_format(p->tr.markers, p->tr.nmarkers, buf, sizeof(buf)), true);
	if (p->tr.fd >= 0)
		put(w, "transition_fd = %d", p->tr.fd);
	if (p->tr.nafter > 0)
		put_key(w, "transition_after",
		        sb_transition_format(p->tr.after, p->tr.nafter, buf, sizeof(buf)), true);
	if (p->tr.nafter > 0 && p->tr.scope == SB_SCOPE_THREAD)
		put(w, "transition_scope = thread");
}

struct named {
	int nr;
	char name[SB_NAME_LEN];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static void put_phase(struct writer *w, const struct sb_policy *p, enum sb_phase ph)
{
	struct named *v = calloc(SB_NR_MAX, sizeof(*v));
	int n = 0;

	if (v == NULL) {
		w->err = w->err ? w->err : -ENOMEM;
		return;
	}
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		if (p->phase[ph][nr].act.kind == SB_ACT_NONE)
			continue;
		v[n].nr = nr;
		sb_syscall_name(nr, v[n++].name, SB_NAME_LEN);
	}
	qsort(v, (size_t)n, sizeof(*v), by_name);
	put(w, "[%s]", sb_phase_name(ph));
	put(w, "; %d syscall%s", n, n == 1 ? "" : "s");
	for (int i = 0; i < n; i++) {
		const struct sb_entry *e = &p->phase[ph][v[i].nr];
		char act[64];

		const struct sb_family *fam = sb_policy_widened_by(p, ph, v[i].nr);

		sb_action_format(&e->act, act, sizeof(act));
		if (fam != NULL) /* free text for the reader: not a count */
			put(w, "%s = %s ; family %s", v[i].name, act, fam->name);
		else if (sb_policy_init_only(p, ph, v[i].nr))
			put(w, "%s = %s ; seen in init", v[i].name, act);
		else if (e->count > 0)
			put(w, "%s = %s ; %llu call%s", v[i].name, act, (unsigned long long)e->count,
			    e->count == 1 ? "" : "s");
		else
			put(w, "%s = %s", v[i].name, act);
		put_cond(w, p, ph, v[i].nr);
	}
	free(v);
}

int sb_policy_write_stream(const struct sb_policy *p, FILE *f)
{
	struct writer w = {.f = f, .err = 0};

	if (!policy_writable(p))
		return -EINVAL;
	put(&w, "; %s", HEADER_COMMENT);
	for (int i = 0; i < p->ncomments && i < SB_MAX_COMMENTS; i++)
		put_comment(&w, p->comments[i]);
	put(&w, "%s", "");
	put_sandbox(&w, p);
	put(&w, "%s", "");
	put_phase(&w, p, SB_PHASE_INIT);
	if (p->has_transition) {
		put(&w, "%s", "");
		put_phase(&w, p, SB_PHASE_SERVING);
	}
	if (w.err == 0 && ferror(f))
		w.err = -EIO;
	return w.err;
}

/* Template "<dir>/.<base>.XXXXXX": the same directory, so rename is atomic. */
static int temp_name(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	int n = snprintf(buf, len, "%.*s.%s.XXXXXX", dirlen, path, slash ? slash + 1 : path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Write, flush, set the mode and fsync; closes fd in every case. */
static int write_fd(const struct sb_policy *p, int fd)
{
	FILE *f = fdopen(fd, "w");
	int r;

	if (f == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	r = sb_policy_write_stream(p, f);
	if (r == 0 && fflush(f) != 0)
		r = -errno;
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

/* Make the rename itself durable; the new file is in place either way. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int sb_policy_write_target(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISREG(st.st_mode) ? 0 : -EEXIST;
}

int sb_policy_write(const struct sb_policy *p, const char *path)
{
	char tmp[PATH_MAX];
	int fd, r;

	r = sb_policy_write_target(path);
	if (r == 0)
		r = temp_name(path, tmp, sizeof(tmp));
	if (r < 0)
		return r;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write_fd(p, fd);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp); /* the previous file, if any, is untouched */
		return r;
	}
	sync_dir(path);
	return 0;
}
