/* syscalls.c - syscall names <-> numbers for the native ABI, and families.
 *
 * Every name comes from libseccomp (SCMP_ARCH_NATIVE); there is no syscall
 * table here. libseccomp 2.5.4 cannot name the newest syscalls, so a number
 * it does not know is spelled "syscall_N", and that spelling parses back.
 */
#include "syscalls.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSCALL_PREFIX "syscall_"

/* A family stands for every member when it is used as a transition marker or
 * `after` name. A family may share its name with one of its members: the name
 * then always means the whole family. */
const struct sb_family sb_families[] = {
    /* accept4 is accept with flags; glibc and most servers call it. */
    {"accept", {"accept", "accept4", NULL}, "accept also matches accept4"},
    /* epoll_pwait and epoll_pwait2 add a signal mask and a timespec. */
    {"epoll_wait",
     {"epoll_wait", "epoll_pwait", "epoll_pwait2", NULL},
     "epoll_wait also matches epoll_pwait and epoll_pwait2"},
    /* glibc's poll() may be ppoll underneath. */
    {"poll", {"poll", "ppoll", NULL}, "poll also matches ppoll"},
    /* glibc's select() is pselect6 on newer ports. */
    {"select", {"select", "pselect6", NULL}, "select also matches pselect6"},
    /* Every plain read of an fd (stdin for interactive programs). */
    {"read",
     {"read", "readv", "pread64", "preadv", "preadv2", NULL},
     "read also matches readv, pread64, preadv and preadv2"},
    /* Datagram and message receives; no member shares the family name. */
    {"recv", {"recvfrom", "recvmsg", "recvmmsg", NULL}, "recv matches recvfrom, recvmsg and recvmmsg"},
    {NULL, {NULL}, NULL},
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
		if (strcmp(f->name, name) == 0)
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

const struct sb_family *sb_family_of(int nr)
{
	if (nr < 0 || nr >= SB_NR_MAX)
		return NULL;
	for (const struct sb_family *f = sb_families; f->name; f++)
		for (const char *const *m = f->members; *m; m++)
			if (sb_syscall_nr(*m) == nr)
				return f;
	return NULL;
}
