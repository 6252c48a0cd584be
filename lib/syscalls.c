/* syscalls.c - syscall names <-> numbers for the native ABI, and families.
 *
 * Every name comes from libseccomp (SCMP_ARCH_NATIVE); there is no syscall
 * table here. libseccomp 2.5.4 cannot name the newest syscalls, so a number
 * it does not know is spelled "syscall_N", and that spelling parses back.
 */
#include "syscalls.h"

#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSCALL_PREFIX "syscall_"

/* Marker families stand for every member when used as a transition marker
 * or `after` name; a family may share its name with one of its members: the
 * name then always means the whole family there. Power-only families are
 * never names in transition rules, so adding one changes no existing rule.
 *
 * A family is SB_FAMILY_POWER only if each member can do what every other
 * can, with no argument filter standing between them: the same operation
 * on a path, a descriptor or a directory descriptor, with or without
 * flags, a vector or an offset. Not so (marker only, or no family):
 * recvfrom and recvmsg (recvmsg receives descriptors, SCM_RIGHTS), sendto
 * and sendmsg (sends them), getrlimit and prlimit64 (prlimit64 sets limits,
 * of other processes too), mmap and its relatives (executable mappings).
 * Left out although of equal power, to keep what a policy allows close to
 * what was seen: the calls that change the file system (unlink, rename,
 * mkdir, link, symlink, chmod, chown, utime and their *at forms) and creat,
 * openat2 (glibc on x86_64 does not switch between these, and a reviewer
 * should see each mutation the program was seen to make).
 * No member of any family is dangerous (danger.h; a unit test checks). */
const struct sb_family sb_families[] = {
    /* accept4 is accept with flags; glibc and most servers call it. */
    {"accept",
     {"accept", "accept4", NULL},
     SB_FAMILY_MARKER | SB_FAMILY_POWER,
     "accept also matches accept4",
     {NULL}},
    /* epoll_pwait and epoll_pwait2 add a signal mask and a timespec. */
    {"epoll_wait",
     {"epoll_wait", "epoll_pwait", "epoll_pwait2", NULL},
     SB_FAMILY_MARKER | SB_FAMILY_POWER,
     "epoll_wait also matches epoll_pwait and epoll_pwait2",
     {NULL}},
    /* glibc's poll() may be ppoll underneath. */
    {"poll", {"poll", "ppoll", NULL}, SB_FAMILY_MARKER | SB_FAMILY_POWER, "poll also matches ppoll", {NULL}},
    /* glibc's select() is pselect6 on newer ports. */
    {"select",
     {"select", "pselect6", NULL},
     SB_FAMILY_MARKER | SB_FAMILY_POWER,
     "select also matches pselect6",
     {NULL}},
    /* Every plain read of an fd (stdin for interactive programs). */
    {"read",
     {"read", "readv", "pread64", "preadv", "preadv2", NULL},
     SB_FAMILY_MARKER | SB_FAMILY_POWER,
     "read also matches readv, pread64, preadv and preadv2",
     {NULL}},
    /* Datagram and message receives; no member shares the family name.
     * Not of equal power: recvmsg also receives descriptors. */
    {"recv",
     {"recvfrom", "recvmsg", "recvmmsg", NULL},
     SB_FAMILY_MARKER,
     "recv matches recvfrom, recvmsg and recvmmsg",
     {NULL}},
    /* Power only, from here on. */
    {"write",
     {"write", "writev", "pwrite64", "pwritev", "pwritev2", NULL},
     SB_FAMILY_POWER,
     "writes to a descriptor, with or without a vector or an offset",
     {NULL}},
    {"open", {"open", "openat", NULL}, SB_FAMILY_POWER, "opens a file by path", {NULL}},
    /* access answers less than stat does (may I read it, rather than
     * its owner and mode): stdio's and libraries' probes switch between
     * them (sqlite checks for a journal with access). */
    {"stat",
     {"stat", "fstat", "lstat", "newfstatat", "statx", "access", "faccessat", "faccessat2", NULL},
     SB_FAMILY_POWER,
     "reads a file's metadata, or checks access to it, by path or descriptor",
     {NULL}},
    {"readlink", {"readlink", "readlinkat", NULL}, SB_FAMILY_POWER, "reads a symbolic link", {NULL}},
    {"getdents", {"getdents", "getdents64", NULL}, SB_FAMILY_POWER, "reads a directory", {NULL}},
    {"sleep", {"nanosleep", "clock_nanosleep", NULL}, SB_FAMILY_POWER, "sleeps (glibc picks either)", {NULL}},
    {"dup", {"dup", "dup2", "dup3", NULL}, SB_FAMILY_POWER, "duplicates a descriptor", {NULL}},
    {"pipe", {"pipe", "pipe2", NULL}, SB_FAMILY_POWER, "makes a pipe", {NULL}},
    {"wait", {"wait4", "waitid", NULL}, SB_FAMILY_POWER, "waits for a child", {NULL}},
    {"epoll_create",
     {"epoll_create", "epoll_create1", NULL},
     SB_FAMILY_POWER,
     "makes an epoll instance",
     {NULL}},
    {"eventfd", {"eventfd", "eventfd2", NULL}, SB_FAMILY_POWER, "makes an eventfd", {NULL}},
    {"signalfd", {"signalfd", "signalfd4", NULL}, SB_FAMILY_POWER, "makes a signalfd", {NULL}},
    {"inotify_init",
     {"inotify_init", "inotify_init1", NULL},
     SB_FAMILY_POWER,
     "makes an inotify instance",
     {NULL}},
    /* Implied: what a phase that may open files and write can do already.
     * Invariant: openat is allowed by number, whatever its flags (no
     * argument condition on them exists); were O_TRUNC ever refused by a
     * condition, "truncate" would no longer be implied. */
    {"truncate",
     {"ftruncate", NULL},
     SB_FAMILY_POWER | SB_FAMILY_IMPLIED,
     "sets the size of an open file: open with O_TRUNC and a write of the part kept do the same",
     {"open", "write", NULL}},
    {"copy",
     {"sendfile", "copy_file_range", NULL},
     SB_FAMILY_POWER | SB_FAMILY_IMPLIED,
     "copies between two descriptors the process holds, which a read and a write do too",
     {"read", "write", NULL}},
    {"shutdown",
     {"shutdown", NULL},
     SB_FAMILY_POWER | SB_FAMILY_IMPLIED,
     "ends a connection the process holds in one direction or both, as close of its last descriptor does",
     {"close", NULL}},
    {"sync",
     {"fsync", "fdatasync", "sync_file_range", NULL},
     SB_FAMILY_POWER | SB_FAMILY_IMPLIED,
     "forces to disk what the process wrote, which the kernel writes there anyway",
     {"write", NULL}},
    {NULL, {NULL}, 0, NULL, {NULL}},
};

/* "syscall_N" with N decimal, no sign, no leading zero, 0 <= N < SB_NR_MAX. */
static int parse_numbered(const char *name)
{
	const char *d = name + strlen(SYSCALL_PREFIX);
	int nr = 0;

	if (strncmp(name, SYSCALL_PREFIX, strlen(SYSCALL_PREFIX)) != 0 || *d == '\0')
		return -ENOENT;
	if (d[0] == '0' && d[1] != '\0')
		return -ENOENT;
	for (; *d; d++) {
		if (*d < '0' || *d > '9')
			return -ENOENT;
		nr = nr * 10 + (*d - '0');
		if (nr >= SB_NR_MAX)
			return -ENOENT;
	}
	return nr;
}

int sb_syscall_nr(const char *name)
{
	int nr;

	if (name == NULL || *name == '\0')
		return -ENOENT;
	nr = parse_numbered(name);
	if (nr >= 0)
		return nr;
	/* libseccomp answers negative pseudo numbers for syscalls of other
	 * ABIs (socketcall: -10060) and __NR_SCMP_ERROR for unknown names. */
	nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name);
	if (nr < 0 || nr >= SB_NR_MAX)
		return -ENOENT;
	return nr;
}

const char *sb_syscall_name(int nr, char *buf, size_t len)
{
	char *name;

	if (nr < 0 || nr >= SB_NR_MAX || buf == NULL || len == 0)
		return NULL;
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	if (name != NULL)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, SYSCALL_PREFIX "%d", nr);
	free(name);
	return buf;
}

int sb_syscall_known_count(void)
{
	int n = 0;

	for (int nr = 0; nr < SB_NR_MAX; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name != NULL)
			n++;
		free(name);
	}
	return n;
}

const struct sb_family *sb_family_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (const struct sb_family *f = sb_families; f->name; f++)
		if ((f->use & SB_FAMILY_MARKER) && strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

int sb_family_expand(const char *name, uint8_t *set)
{
	const struct sb_family *f = sb_family_find(name);
	int n = 0;

	if (f == NULL) {
		int nr = sb_syscall_nr(name);
		if (nr < 0)
			return nr;
		sb_bit_set(set, nr);
		return 1;
	}
	for (const char *const *m = f->members; *m; m++) {
		int nr = sb_syscall_nr(*m);
		if (nr < 0)
			continue; /* not known to this libseccomp */
		sb_bit_set(set, nr);
		n++;
	}
	return n;
}

/* The marker and the power family of each number, resolved once: a
 * lookup by name costs libseccomp a scan of its table, and widening a
 * policy asks for every syscall it holds (some 2 ms a run, by name). */
static const struct sb_family *family_by_nr[2][SB_NR_MAX];
static pthread_once_t family_once = PTHREAD_ONCE_INIT;

static void family_resolve(void)
{
	static const unsigned uses[2] = {SB_FAMILY_MARKER, SB_FAMILY_POWER};

	for (int u = 0; u < 2; u++)
		for (const struct sb_family *f = sb_families; f->name; f++) {
			if (!(f->use & uses[u]))
				continue;
			for (const char *const *m = f->members; *m; m++) {
				int nr = sb_syscall_nr(*m);
				if (nr >= 0 && !family_by_nr[u][nr])
					family_by_nr[u][nr] = f; /* the first, as a scan finds */
			}
		}
}

/* The family of `use` (marker or power) that holds nr (no syscall is in
 * two families of one use). */
static const struct sb_family *family_with(int nr, unsigned use)
{
	if (nr < 0 || nr >= SB_NR_MAX)
		return NULL;
	pthread_once(&family_once, family_resolve);
	return family_by_nr[use == SB_FAMILY_POWER][nr];
}

const struct sb_family *sb_family_of(int nr)
{
	return family_with(nr, SB_FAMILY_MARKER);
}

const struct sb_family *sb_family_power_find(const char *name)
{
	for (const struct sb_family *f = sb_families; name && f->name; f++)
		if ((f->use & SB_FAMILY_POWER) && strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

const struct sb_family *sb_family_power(int nr)
{
	return family_with(nr, SB_FAMILY_POWER);
}
