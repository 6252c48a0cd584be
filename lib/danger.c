/* danger.c - the table of dangerous calls (danger.h).
 *
 * A call belongs here only if it reaches outside the process (another
 * process, the kernel, the machine) or creates a capability that seccomp
 * cannot follow once it exists. Ordinary work does not belong, even where
 * it touches the outside world: opening files and sockets is what programs
 * do at any time (glibc's syslog and NSS lookups open sockets on their own),
 * the policy's own lines govern it, and the privileged kinds need the
 * capabilities the launcher drops. Docker's default profile and systemd's
 * @privileged, @module, @mount, @raw-io, @reboot, @swap and @clock groups
 * were the starting point.
 *
 * Invariant: the tier is exactly the names of `table` that libseccomp
 * resolves, computed once (resolve_once).
 */
#include "danger.h"

#include <pthread.h>

#include "filter.h"
#include "syscalls.h"

static const struct sb_danger table[] = {
    /* io_uring: operations are not syscalls, so no filter sees them. */
    {"io_uring_setup", "makes a ring whose operations seccomp never sees; one made in init outlives the "
                       "transition (SQPOLL needs no syscall at all)"},
    {"io_uring_enter", "submits io_uring operations, which are not syscalls: seccomp does not check them"},
    {"io_uring_register", "gives an io_uring ring files and buffers for operations seccomp does not check"},
    /* Other processes: a serving process can make a sibling still in init
     * do what F2 forbids. */
    {"ptrace", "controls another process: its memory, registers and system calls"},
    {"process_vm_writev", "writes into another process's memory"},
    {"process_vm_readv", "reads another process's memory"},
    {"pidfd_getfd", "copies a file descriptor out of another process"},
    {"kcmp", "compares the kernel objects of two processes (ptrace access; leaks kernel pointer order)"},
    {"process_madvise", "applies memory advice to another process"},
    /* A new program runs under a policy learned for another one. */
    {"execve", "runs another program under this policy: the usual step after an exploit (a shell)"},
    {"execveat", "runs another program under this policy: the usual step after an exploit (a shell)"},
    /* Identity and privileges. */
    {"setuid", "changes the process's user ids"},
    {"setreuid", "changes the process's user ids"},
    {"setresuid", "changes the process's user ids"},
    {"setfsuid", "changes the user id used for file access"},
    {"setgid", "changes the process's group ids"},
    {"setregid", "changes the process's group ids"},
    {"setresgid", "changes the process's group ids"},
    {"setfsgid", "changes the group id used for file access"},
    {"setgroups", "changes the process's supplementary groups"},
    {"capset", "changes the process's capabilities"},
    {"personality", "changes the execution domain (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE weaken later execs)"},
    /* Namespaces and mounts: a user namespace grants every capability
     * inside it, and with them kernel code that is otherwise root-only. */
    {"unshare", "creates namespaces: a user namespace grants every capability inside it"},
    {"setns", "enters another namespace"},
    {"mount", "changes the mount table"},
    {"umount2", "changes the mount table"},
    {"pivot_root", "changes the root of the mount namespace"},
    {"chroot", "changes the process's root directory"},
    {"fsopen", "creates a file system context (new mount API)"},
    {"fsconfig", "configures a file system context (new mount API)"},
    {"fsmount", "creates a mount (new mount API)"},
    {"fspick", "reconfigures an existing mount (new mount API)"},
    {"move_mount", "attaches or moves a mount (new mount API)"},
    {"open_tree", "clones a mount tree (new mount API)"},
    {"open_tree_attr", "clones a mount tree with new attributes (new mount API)"},
    {"mount_setattr", "changes the attributes of a mount tree"},
    /* The kernel itself. */
    {"bpf", "loads programs and maps into the kernel"},
    {"perf_event_open", "observes other processes and the kernel; a large kernel attack surface"},
    {"init_module", "loads code into the kernel"},
    {"finit_module", "loads code into the kernel"},
    {"delete_module", "unloads kernel code"},
    {"kexec_load", "replaces the running kernel"},
    {"kexec_file_load", "replaces the running kernel"},
    {"keyctl", "uses kernel keyrings, which are shared beyond the process and not namespaced"},
    {"add_key", "adds to kernel keyrings, which are shared beyond the process and not namespaced"},
    {"request_key", "searches kernel keyrings, which are shared beyond the process and not namespaced"},
    {"userfaultfd", "stalls page faults at will: the usual tool for winning kernel races in exploits"},
    {"open_by_handle_at", "opens any file by handle, past directory permissions (the 'shocker' escape)"},
    {"syslog", "reads or clears the kernel log (kernel addresses)"},
    /* The machine. */
    {"iopl", "grants direct access to every hardware I/O port"},
    {"ioperm", "grants direct access to hardware I/O ports"},
    {"reboot", "restarts or halts the machine"},
    {"swapon", "changes the machine's swap"},
    {"swapoff", "changes the machine's swap"},
    {"settimeofday", "sets the clock of every process"},
    {"clock_settime", "sets the clock of every process"},
    {NULL, NULL},
};

int sb_danger_resolve(const struct sb_danger *tab, uint8_t set[SB_BITMAP_BYTES])
{
	int n = 0;

	for (; tab->name; tab++) {
		int nr = sb_syscall_nr(tab->name);
		if (nr < 0 || sb_bit_test(set, nr))
			continue; /* unknown to this libseccomp, or named twice */
		sb_bit_set(set, nr);
		n++;
	}
	return n;
}

bool sb_reasons_has(struct sb_reasons *r, int nr)
{
	pthread_once(r->once, r->resolve);
	return sb_bit_test(r->set, nr);
}

int sb_reasons_size(struct sb_reasons *r)
{
	pthread_once(r->once, r->resolve);
	return r->size;
}

const char *sb_reasons_why(struct sb_reasons *r, int nr)
{
	if (!sb_reasons_has(r, nr))
		return NULL;
	for (const struct sb_danger *d = r->table; d->name; d++)
		if (sb_syscall_nr(d->name) == nr)
			return d->why;
	return NULL; /* unreachable: the set is the table's names */
}

SB_REASONS(tier, table);

bool sb_danger_is(int nr)
{
	return sb_reasons_has(&tier, nr);
}

int sb_danger_count(void)
{
	return sb_reasons_size(&tier);
}

const char *sb_danger_reason(int nr)
{
	return sb_reasons_why(&tier, nr);
}

static bool allows(enum sb_act_kind k)
{
	return k == SB_ACT_ALLOW || k == SB_ACT_LOG;
}

int sb_danger_allowed(const struct sb_policy *p, enum sb_phase ph, int *nrs, int max)
{
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		if (!sb_danger_is(nr) || !allows(sb_filter_phase_action(p, ph, nr).kind))
			continue;
		if (n < max)
			nrs[n] = nr;
		n++;
	}
	return n;
}
