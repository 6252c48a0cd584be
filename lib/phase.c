/* phase.c - the phase rule of phase.h, shared by profiler and launcher.
 *
 * Only the per-call decision lives here. When the transition takes effect
 * (after the settle step) is trace.c's business: sb_phase_marker never
 * changes s->phase.
 */
#include "phase.h"

#include <errno.h>
#include <string.h>

/* Rules are tracked in an `unsigned` bitmask. */
#define MAX_RULES ((int)(sizeof(unsigned) * 8))

unsigned sb_phase_thread_start(const struct sb_transition *rules, int nrules)
{
	unsigned armed = 0;

	for (int i = 0; i < nrules && i < MAX_RULES; i++)
		if (rules[i].nafter == 0)
			armed |= 1u << i; /* no `after` list: armed from the start */
	return armed;
}

void sb_phase_start(struct sb_phase_state *s, const struct sb_transition *rules, int nrules)
{
	s->phase = SB_PHASE_INIT;
	s->rule = -1;
	s->armed = sb_phase_thread_start(rules, nrules);
}

/* The armed bit of rule i that applies to the calling thread. */
static bool rule_armed(const struct sb_transition *r, int i, const struct sb_phase_state *s,
                       const unsigned *thread_armed)
{
	unsigned bits = r->scope == SB_SCOPE_THREAD && thread_armed ? *thread_armed : s->armed;
	return bits & (1u << i);
}

bool sb_phase_armed_process(const struct sb_transition *rules, int nrules, unsigned was, unsigned now)
{
	for (int i = 0; i < nrules && i < MAX_RULES; i++)
		if ((now & ~was & (1u << i)) && rules[i].scope == SB_SCOPE_PROCESS)
			return true;
	return false;
}

bool sb_phase_armed(const struct sb_transition *rules, int nrules, const struct sb_phase_state *s,
                    unsigned thread_armed)
{
	for (int i = 0; i < nrules && i < MAX_RULES; i++)
		if (rule_armed(&rules[i], i, s, &thread_armed))
			return true;
	return false;
}

/* The fd condition compares the low 32 bits: the kernel reads an fd
 * argument as an int, whatever the upper half of the register holds. */
static bool fd_matches(const struct sb_transition *r, const uint64_t args[6])
{
	if (r->fd < 0)
		return true;
	return args != NULL && (uint32_t)args[0] == (uint32_t)r->fd;
}

int sb_phase_marker(const struct sb_transition *rules, int nrules, struct sb_phase_state *s, int nr,
                    const uint64_t args[6])
{
	return sb_phase_marker_thread(rules, nrules, s, NULL, nr, args);
}

int sb_phase_marker_thread(const struct sb_transition *rules, int nrules, struct sb_phase_state *s,
                           unsigned *thread_armed, int nr, const uint64_t args[6])
{
	if (nrules > MAX_RULES)
		nrules = MAX_RULES;
	if (s->phase != SB_PHASE_INIT)
		return -1; /* a phase never goes back, and serving has no marker */
	/* Arm first: a call can be both an `after` call and a marker. */
	for (int i = 0; i < nrules; i++)
		if (sb_bit_test(rules[i].after_set, nr)) {
			s->armed |= 1u << i;
			if (thread_armed)
				*thread_armed |= 1u << i;
		}
	for (int i = 0; i < nrules; i++) {
		if (!rule_armed(&rules[i], i, s, thread_armed) || !sb_bit_test(rules[i].marker_set, nr))
			continue;
		if (!fd_matches(&rules[i], args))
			continue;
		s->rule = i;
		return i;
	}
	return -1;
}

/* The auto rules, in the order they are tried. */
static const struct {
	const char *markers;
	int fd;
	const char *after;
} auto_rules[] = {
    /* A server: its first wait for a client once it listens. */
    {"accept, epoll_wait, poll, select", -1, "listen"},
    /* An interactive program: its first read of standard input. */
    {"read", 0, NULL},
};

int sb_phase_auto_rules(struct sb_transition *rules)
{
	int n = (int)(sizeof(auto_rules) / sizeof(auto_rules[0]));

	for (int i = 0; i < n; i++) {
		int r;

		memset(&rules[i], 0, sizeof(rules[i]));
		r = sb_transition_set(&rules[i], auto_rules[i].markers, auto_rules[i].fd, auto_rules[i].after,
		                      NULL);
		if (r < 0)
			return r;
		/* the thread that listened waits for work: workers that slept
		 * since before listen do not count */
		if (rules[i].nafter)
			rules[i].scope = SB_SCOPE_THREAD;
	}
	return n;
}

int sb_phase_resolve_auto(int which, int nr, struct sb_transition *out)
{
	struct sb_transition rules[2];
	const struct sb_family *fam = sb_family_of(nr);
	char name[SB_NAME_LEN];
	char after[SB_MAX_MARKERS * (SB_NAME_LEN + 2)];
	int n = sb_phase_auto_rules(rules);

	if (n < 0)
		return n;
	if (which < 0 || which >= n || !sb_bit_test(rules[which].marker_set, nr))
		return -EINVAL;
	if (fam != NULL)
		snprintf(name, sizeof(name), "%s", fam->name);
	else
		sb_syscall_name(nr, name, sizeof(name));
	sb_transition_format(rules[which].after, rules[which].nafter, after, sizeof(after));
	memset(out, 0, sizeof(*out));
	int r = sb_transition_set(out, name, rules[which].fd, after, NULL);
	out->scope = rules[which].scope;
	return r;
}
