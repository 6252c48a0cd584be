/* caphint.c - the capability hint table (caphint.h).
 *
 * An entry belongs here only if, for a task with effective uid 0, the
 * kernel answers that call with that errno exactly when the capability is
 * missing (capabilities(7) and the calls' man pages), so that a hint is
 * never a guess about an ordinary failure. Broad capabilities that many
 * checks share (CAP_SYS_ADMIN) are left out: their EPERM says too little.
 * So is setsockopt (CAP_NET_ADMIN for SO_MARK and the like): servers call
 * it for every connection, and each call here costs a stop.
 */
#include "caphint.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <linux/capability.h>
#include <seccomp.h>

/* Ports below this one need CAP_NET_BIND_SERVICE (the default of
 * net.ipv4.ip_unprivileged_port_start). */
#define SB_PRIVILEGED_PORTS 1024

struct hint {
	const char *call;
	int err;
	int cap;
	const char *why;
};

static const struct hint table[] = {
    {"chown", EPERM, CAP_CHOWN, "changing a file's owner"},
    {"fchown", EPERM, CAP_CHOWN, "changing a file's owner"},
    {"lchown", EPERM, CAP_CHOWN, "changing a file's owner"},
    {"fchownat", EPERM, CAP_CHOWN, "changing a file's owner"},
    {"chmod", EPERM, CAP_FOWNER, "changing the mode of a file root does not own"},
    {"fchmod", EPERM, CAP_FOWNER, "changing the mode of a file root does not own"},
    {"fchmodat", EPERM, CAP_FOWNER, "changing the mode of a file root does not own"},
    {"setuid", EPERM, CAP_SETUID, "switching to another user"},
    {"setreuid", EPERM, CAP_SETUID, "switching to another user"},
    {"setresuid", EPERM, CAP_SETUID, "switching to another user"},
    {"setgid", EPERM, CAP_SETGID, "switching to another group"},
    {"setregid", EPERM, CAP_SETGID, "switching to another group"},
    {"setresgid", EPERM, CAP_SETGID, "switching to another group"},
    {"setgroups", EPERM, CAP_SETGID, "setting the supplementary groups"},
    {"bind", EACCES, CAP_NET_BIND_SERVICE, "binding a port below 1024"},
    {"setrlimit", EPERM, CAP_SYS_RESOURCE, "raising a hard resource limit"},
    {"prlimit64", EPERM, CAP_SYS_RESOURCE, "raising a hard resource limit"},
    {"chroot", EPERM, CAP_SYS_CHROOT, "changing the root directory"},
    {"kill", EPERM, CAP_KILL, "signalling a process of another user"},
    {"tgkill", EPERM, CAP_KILL, "signalling a process of another user"},
    {"mknod", EPERM, CAP_MKNOD, "making a device node"},
    {"mknodat", EPERM, CAP_MKNOD, "making a device node"},
    {"open", EACCES, CAP_DAC_OVERRIDE, "opening a file its permissions deny"},
    {"openat", EACCES, CAP_DAC_OVERRIDE, "opening a file its permissions deny"},
    {"mkdir", EACCES, CAP_DAC_OVERRIDE, "creating a file in a directory its permissions deny"},
    {"mkdirat", EACCES, CAP_DAC_OVERRIDE, "creating a file in a directory its permissions deny"},
    {"unlink", EACCES, CAP_DAC_OVERRIDE, "removing a file from a directory its permissions deny"},
    {"unlinkat", EACCES, CAP_DAC_OVERRIDE, "removing a file from a directory its permissions deny"},
    {"rename", EACCES, CAP_DAC_OVERRIDE, "renaming in a directory its permissions deny"},
    {"renameat2", EACCES, CAP_DAC_OVERRIDE, "renaming in a directory its permissions deny"},
    {"setpriority", EACCES, CAP_SYS_NICE, "raising a scheduling priority"},
    {"sched_setscheduler", EPERM, CAP_SYS_NICE, "choosing a real-time scheduler"},
    {"mlockall", EPERM, CAP_IPC_LOCK, "locking memory"},
    {"mlock", EPERM, CAP_IPC_LOCK, "locking memory"},
    {"socket", EPERM, CAP_NET_RAW, "making a raw or packet socket"},
};

#define NHINTS (sizeof(table) / sizeof(table[0]))

static uint8_t calls[SB_BITMAP_BYTES];
static int nrs[NHINTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void resolve(void)
{
	for (size_t i = 0; i < NHINTS; i++) {
		nrs[i] = seccomp_syscall_resolve_name(table[i].call);
		if (nrs[i] >= 0 && nrs[i] < SB_NR_MAX)
			sb_bit_set(calls, nrs[i]);
		else
			nrs[i] = -1; /* this libseccomp does not know it */
	}
}

const uint8_t *sb_caphint_calls(void)
{
	pthread_once(&once, resolve);
	return calls;
}

int sb_caphint_for(const struct sb_caphint_call *c, const char **why)
{
	pthread_once(&once, resolve);
	for (size_t i = 0; i < NHINTS; i++) {
		if (nrs[i] != c->nr || c->ret != -table[i].err)
			continue;
		if (table[i].cap == CAP_NET_BIND_SERVICE && (c->port <= 0 || c->port >= SB_PRIVILEGED_PORTS))
			return -1; /* EACCES for another reason (a socket path) */
		*why = table[i].why;
		return table[i].cap;
	}
	return -1;
}
