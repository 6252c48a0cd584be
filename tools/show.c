/* show.c - sandbox-policy show, calls and get: what a policy holds, for
 * people (show) and for scripts (show --json, calls, get).
 *
 * Invariant: the figures are lib/'s answers (describe.h, danger.h,
 * baseline.h, sb_policy_widened_by, sb_policy_cond) and the values are
 * spelled by lib/'s
 * formatters, as the writer spells them: a script reading this reads the
 * policy as sandbox-run does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "baseline.h"
#include "caps.h"
#include "danger.h"
#include "describe.h"
#include "msg.h"
#include "tool.h"

const char *const tool_keys[] = {"version",       "program",          "binary",           "arch",
                                 "default",       "capabilities",     "baseline",         "transition",
                                 "transition_fd", "transition_after", "transition_scope", NULL};

static const char *transition_value(const struct sb_policy *p, const char *key, char *buf, size_t len)
{
	const struct sb_transition *t = &p->tr;

	if (!p->has_transition)
		return NULL;
	if (!strcmp(key, "transition"))
		return sb_transition_format(t->markers, t->nmarkers, buf, len);
	if (!strcmp(key, "transition_fd") && t->fd >= 0)
		return snprintf(buf, len, "%d", t->fd), buf;
	if (!strcmp(key, "transition_after") && t->nafter > 0)
		return sb_transition_format(t->after, t->nafter, buf, len);
	if (!strcmp(key, "transition_scope") && t->nafter > 0 && t->scope == SB_SCOPE_THREAD)
		return "thread";
	return NULL;
}

const char *tool_key_value(const struct sb_policy *p, const char *key, char *buf, size_t len)
{
	if (!strcmp(key, "version"))
		return snprintf(buf, len, "%d", p->version), buf;
	if (!strcmp(key, "program"))
		return p->program;
	if (!strcmp(key, "binary") && p->binary_sha256[0] == '\0')
		return NULL;
	if (!strcmp(key, "binary"))
		return snprintf(buf, len, "sha256:%s%s%s", p->binary_sha256, p->binary_path[0] ? " " : "",
		                p->binary_path),
		       buf;
	if (!strcmp(key, "arch"))
		return p->arch;
	if (!strcmp(key, "default"))
		return sb_action_format(&p->def, buf, len);
	if (!strcmp(key, "capabilities"))
		return sb_caps_format(p->caps, buf, len);
	if (!strcmp(key, "baseline"))
		return sb_baseline_name(p->baseline);
	return transition_value(p, key, buf, len);
}

int cmd_get(int argc, char **argv)
{
	char buf[4096];
	int i = tool_options(argc, argv, NULL, NULL);
	const char *v;

	if (argc - i != 2)
		tool_usage("expected FILE KEY");
	struct sb_policy *p = tool_read(argv[i]);
	bool known = false;
	for (int k = 0; tool_keys[k]; k++)
		known = known || !strcmp(tool_keys[k], argv[i + 1]);
	if (!known)
		tool_usage("no [sandbox] key '%s' in sandbox-policy(5)", argv[i + 1]);
	v = tool_key_value(p, argv[i + 1], buf, sizeof(buf));
	if (v != NULL)
		printf("%s\n", v);
	free(p);
	return v != NULL ? TOOL_OK : TOOL_DIFFER;
}

static int phase_arg(const struct sb_policy *p, const char *name)
{
	if (!strcmp(name, "init"))
		return SB_PHASE_INIT;
	if (!strcmp(name, "serving"))
		return SB_PHASE_SERVING;
	tool_usage("PHASE is init or serving, not '%s'", name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The names listed in phase ph, sorted as the file is; returns how many. */
static int listed(const struct sb_policy *p, enum sb_phase ph, char (*names)[SB_NAME_LEN])
{
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX && (ph == SB_PHASE_INIT || p->has_transition); nr++)
		if (p->phase[ph][nr].act.kind != SB_ACT_NONE)
			sb_syscall_name(nr, names[n++], SB_NAME_LEN);
	qsort(names, (size_t)n, SB_NAME_LEN, by_name);
	return n;
}

int cmd_calls(int argc, char **argv)
{
	static char names[SB_NR_MAX][SB_NAME_LEN];
	int i = tool_options(argc, argv, NULL, NULL);

	if (argc - i != 2)
		tool_usage("expected FILE PHASE");
	struct sb_policy *p = tool_read(argv[i]);
	enum sb_phase ph = (enum sb_phase)phase_arg(p, argv[i + 1]);
	int n = listed(p, ph, names);
	for (int k = 0; k < n; k++) {
		int nr = sb_syscall_nr(names[k]);
		const struct sb_family *fam = sb_policy_widened_by(p, ph, nr);
		char act[64];
		printf("%s\t%s\t%llu\t%s\n", names[k],
		       sb_action_format(&p->phase[ph][nr].act, act, sizeof(act)),
		       (unsigned long long)p->phase[ph][nr].count, fam ? fam->name : "-");
	}
	free(p);
	return fflush(stdout) == 0 ? TOOL_OK : TOOL_ERROR;
}

/* ---- show ---------------------------------------------------------------- */

/* The tiers of a phase: its lines, those seen while profiling, those a
 * family brought in, the dangerous ones it allows, what the baseline adds,
 * and what the filters let through in the end. */
struct tiers {
	int listed, seen, family, dangerous, baseline, effective;
	int conditions, closed; /* argument conditions, dangerous arguments closed */
};

static struct tiers count_tiers(const struct sb_policy *p, enum sb_phase ph)
{
	struct tiers t = {0};

	t.dangerous = sb_danger_allowed(p, ph, NULL, 0);
	t.baseline = sb_baseline_allowed(p, ph);
	t.closed = sb_describe_closed(p, ph, NULL, 0);
	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		const struct sb_entry *e = &p->phase[ph][nr];
		t.effective += sb_describe_effective(p, ph, nr);
		if (e->act.kind == SB_ACT_NONE)
			continue;
		t.listed++;
		t.seen += e->count > 0;
		t.family += sb_policy_widened_by(p, ph, nr) != NULL;
		t.conditions += sb_policy_cond(p, ph, nr) != NULL;
	}
	return t;
}

static void show_text(const struct sb_policy *p, const char *path)
{
	char buf[4096];

	printf("%s: program %s, %s, default %s, baseline %s\n", path, p->program,
	       p->has_transition ? "two phases" : "single phase", sb_action_format(&p->def, buf, sizeof(buf)),
	       sb_baseline_name(p->baseline));
	if (p->has_transition)
		printf("transition: %s\n",
		       sb_transition_format(p->tr.markers, p->tr.nmarkers, buf, sizeof(buf)));
	printf("%-8s %7s %5s %7s %10s %9s %10s %11s %7s\n", "phase", "listed", "seen", "family", "dangerous",
	       "baseline", "effective", "conditions", "closed");
	for (int ph = 0; ph < (p->has_transition ? SB_NPHASES : 1); ph++) {
		struct tiers t = count_tiers(p, (enum sb_phase)ph);
		printf("%-8s %7d %5d %7d %10d %9d %10d %11d %7d\n", sb_phase_name((enum sb_phase)ph),
		       t.listed, t.seen, t.family, t.dangerous, t.baseline, t.effective, t.conditions,
		       t.closed);
	}
}

/* The length of the well-formed UTF-8 sequence at s (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0. */
static int utf8_len(const unsigned char *s)
{
	unsigned lo = 0x80, hi = 0xbf;
	int n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* JSON text is UTF-8: a byte that starts no well-formed sequence (a
 * program name in another encoding) becomes U+FFFD. */
void tool_json_string(const char *s)
{
	putchar('"');
	while (*s) {
		unsigned char c = (unsigned char)*s;
		int n = utf8_len((const unsigned char *)s);
		if (n == 0)
			printf("\\ufffd");
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			fwrite(s, 1, (size_t)n, stdout);
		s += n ? n : 1;
	}
	putchar('"');
}

static void json_calls(const struct sb_policy *p, enum sb_phase ph)
{
	static char names[SB_NR_MAX][SB_NAME_LEN];
	int n = listed(p, ph, names);

	printf("{");
	for (int k = 0; k < n; k++) {
		int nr = sb_syscall_nr(names[k]);
		const struct sb_family *fam = sb_policy_widened_by(p, ph, nr);
		char act[64];
		printf("%s\n      \"%s\": {\"action\": \"%s\", \"count\": %llu, \"family\": ", k ? "," : "",
		       names[k], sb_action_format(&p->phase[ph][nr].act, act, sizeof(act)),
		       (unsigned long long)p->phase[ph][nr].count);
		fam ? tool_json_string(fam->name) : (void)printf("null");
		putchar('}');
	}
	printf("%s}", n ? "\n    " : "");
}

/* "conditions": {"mprotect.prot": "not PROT_EXEC", ...}, as written. */
static void json_conditions(const struct sb_policy *p, enum sb_phase ph)
{
	char words[512];
	int n = 0;

	printf("{");
	for (int id = 0; id < SB_ARG_N; id++) {
		int nr = sb_arg_nr((enum sb_arg_id)id);
		const struct sb_cond *c = nr >= 0 ? sb_policy_cond(p, ph, nr) : NULL;
		const char *w = c ? sb_cond_format((enum sb_arg_id)id, c, words, sizeof(words)) : NULL;
		if (c == NULL)
			continue;
		printf("%s\"%s\": ", n++ ? ", " : "", sb_arg_def((enum sb_arg_id)id)->arg);
		tool_json_string(w ? w : "?");
	}
	printf("}");
}

/* "args_closed": [{"call": "mprotect", "arg": "mprotect.prot", "value":
 * "PROT_EXEC"}, ...]: describe.h's sb_describe_closed. */
static void json_closed(const struct sb_policy *p, enum sb_phase ph)
{
	static struct sb_closed cl[SB_CLOSED_MAX];
	char name[SB_NAME_LEN], value[64];
	int n = sb_describe_closed(p, ph, cl, SB_CLOSED_MAX);

	printf("[");
	for (int i = 0; i < n && i < SB_CLOSED_MAX; i++) {
		printf("%s{\"call\": \"%s\", \"arg\": \"%s\", \"value\": ", i ? ", " : "",
		       sb_syscall_name(cl[i].nr, name, sizeof(name)), sb_arg_def(cl[i].id)->arg);
		tool_json_string(sb_describe_value(&cl[i], value, sizeof(value)));
		putchar('}');
	}
	printf("]");
}

static void json_phase(const struct sb_policy *p, enum sb_phase ph)
{
	struct tiers t = count_tiers(p, ph);

	printf(
	    "    \"%s\": {\"listed\": %d, \"seen\": %d, \"family\": %d, \"dangerous\": %d, \"baseline\": %d, "
	    "\"effective\": %d,\n     \"conditions\": ",
	    sb_phase_name(ph), t.listed, t.seen, t.family, t.dangerous, t.baseline, t.effective);
	json_conditions(p, ph);
	printf(",\n     \"args_closed\": ");
	json_closed(p, ph);
	printf(",\n     \"calls\": ");
	json_calls(p, ph);
	putchar('}');
}

/* Every [sandbox] key the writer writes, as strings spelled as written. */
static void show_json(const struct sb_policy *p, const char *path)
{
	char buf[4096];

	printf("{\n  \"file\": ");
	tool_json_string(path);
	printf(",\n  \"two_phase\": %s,\n  \"sandbox\": {", p->has_transition ? "true" : "false");
	for (int k = 0, n = 0; tool_keys[k]; k++) {
		const char *v = tool_key_value(p, tool_keys[k], buf, sizeof(buf));
		if (v == NULL)
			continue;
		printf("%s\"%s\": ", n++ ? ", " : "", tool_keys[k]);
		tool_json_string(v);
	}
	printf("},\n  \"comments\": [");
	for (int c = 0; c < p->ncomments; c++) {
		printf("%s", c ? ", " : "");
		tool_json_string(p->comments[c]);
	}
	printf("],\n  \"phases\": {\n");
	for (int ph = 0; ph < (p->has_transition ? SB_NPHASES : 1); ph++) {
		printf("%s", ph ? ",\n" : "");
		json_phase(p, (enum sb_phase)ph);
	}
	printf("\n  }\n}\n");
}

int cmd_show(int argc, char **argv)
{
	bool json = false;
	const struct tool_flag flags[] = {{"json", 0, &json, NULL}, {NULL, 0, NULL, NULL}};
	int i = tool_options(argc, argv, NULL, flags);

	if (argc - i != 1)
		tool_usage("expected one policy FILE");
	struct sb_policy *p = tool_read(argv[i]);
	json ? show_json(p, argv[i]) : show_text(p, argv[i]);
	free(p);
	return fflush(stdout) == 0 ? TOOL_OK : TOOL_ERROR;
}
