/* hints.c - capability hints: which dropped capability explains a failed
 * call of the program (lib/caphint.h), kept per capability and printed in
 * the summary with the --capabilities= list that keeps them.
 *
 * Invariant: a hint names a capability the profiler holds and the policy
 * drops, for a call of a task whose effective uid was 0 (caphint.h). Only
 * the first failure of each capability is kept; the rest are counted.
 */
#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "caphint.h"
#include "caps.h"
#include "msg.h"
#include "procfs.h"
#include "util.h"

/* The capabilities the profiler could have kept for the program: its own
 * permitted set, minus those the policy keeps already. */
static uint64_t droppable(uint64_t kept)
{
	uint64_t held = 0;
	cap_t c = cap_get_proc();

	if (!c)
		return 0;
	for (int cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(c, cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			held |= 1ULL << cap;
	}
	cap_free(c);
	return held & ~kept;
}

const uint8_t *hints_calls(struct profiler *pr)
{
	pr->hints.droppable = droppable(pr->policy->caps);
	return pr->hints.droppable ? sb_caphint_calls() : NULL;
}

/* The port of bind's AF_INET or AF_INET6 address, or -1. */
static int bind_port(pid_t tid, const struct sb_syscall *sc)
{
	struct {
		sa_family_t family;
		in_port_t port;
	} head;
	struct iovec local = {&head, sizeof(head)};
	struct iovec remote = {(void *)(uintptr_t)sc->args[1], sizeof(head)};

	if (sc->args[2] < sizeof(head) || process_vm_readv(tid, &local, 1, &remote, 1, 0) != sizeof(head))
		return -1;
	if (head.family != AF_INET && head.family != AF_INET6)
		return -1;
	return ntohs(head.port);
}

void hints_record(struct profiler *pr, const struct sb_thread *t, const struct sb_syscall *sc)
{
	struct sb_caphint_call c = {.nr = sc->nr, .ret = (long)sc->ret, .port = -1};
	const char *why = NULL;
	uid_t euid = 1;

	if (sc->ret != -EPERM && sc->ret != -EACCES)
		return;
	if (sc->nr == sb_syscall_nr("bind"))
		c.port = bind_port(t->tid, sc);
	int cap = sb_caphint_for(&c, &why);
	if (cap < 0 || cap >= 64 || !(pr->hints.droppable >> cap & 1))
		return;
	if (sb_procfs_euid(t->tid, &euid) < 0 || euid != 0)
		return;
	struct cap_hint *h = &pr->hints.cap[cap];
	if (!h->count++) {
		h->nr = sc->nr;
		h->err = (int)-sc->ret;
		h->pid = t->proc->pid;
		h->why = why;
		pr->hints.caps |= 1ULL << cap;
	}
}

void hints_report(const struct profiler *pr)
{
	char name[64], list[1024];
	const struct cap_hints *hs = &pr->hints;

	if (!hs->caps)
		return;
	for (int cap = 0; cap < 64; cap++) {
		const struct cap_hint *h = &hs->cap[cap];
		if (!h->count)
			continue;
		const char *capname = sb_caps_format(1ULL << cap, list, sizeof(list));
		fprintf(stderr, "%s: hint: pid %d got %s from %s (%s)%s: %s was dropped\n", sb_progname,
		        h->pid, strerrorname_np(h->err), sb_syscall_name(h->nr, name, sizeof(name)), h->why,
		        h->count > 1 ? " and more" : "", capname ? capname : "?");
	}
	if (sb_caps_format(hs->caps | pr->policy->caps, list, sizeof(list)))
		fprintf(stderr, "%s: hint: to keep %s, profile again with --capabilities='%s'\n", sb_progname,
		        hs->caps & (hs->caps - 1) ? "them" : "it", list);
}
