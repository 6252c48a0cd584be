/* procfs.c - facts about tasks (procfs.h). Small fixed-size reads only:
 * /proc files of one task are short, and a process we cannot read is
 * reported as gone or refused, never guessed about. */
#include "procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int sb_procfs_read_len(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	if (n < 0)
		return e == ENOENT ? -ESRCH : -e;
	buf[n] = '\0';
	return (int)n;
}

int sb_procfs_read(const char *path, char *buf, size_t len)
{
	int r = sb_procfs_read_len(path, buf, len);

	return r < 0 ? r : 0;
}

int sb_procfs_argv0(pid_t pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	return sb_procfs_read(path, buf, len);
}

/* The integer after "Key:" in a status file, or -ENOENT. */
static int status_field(const char *status, const char *key, long *out)
{
	size_t klen = strlen(key);

	for (const char *s = status; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (!strncmp(s, key, klen) && s[klen] == ':') {
			*out = strtol(s + klen + 1, NULL, 10);
			return 0;
		}
	return -ENOENT;
}

static int read_status(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char path[64];

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return sb_procfs_read(path, buf, len);
}

int sb_procfs_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char buf[2048];
	long a = 0, b = 0;
	int r = read_status(tid, 0, buf, sizeof(buf));

	if (r == 0 && (r = status_field(buf, "Tgid", &a)) == 0)
		r = status_field(buf, "PPid", &b);
	*tgid = (pid_t)a;
	*ppid = (pid_t)b;
	return r;
}

int sb_procfs_euid(pid_t tid, uid_t *euid)
{
	char buf[2048];
	int r = read_status(tid, 0, buf, sizeof(buf));
	const char *s = r == 0 ? strstr(buf, "\nUid:") : NULL;
	unsigned long real, eff;

	if (r < 0)
		return r;
	if (!s || sscanf(s + 5, "%lu %lu", &real, &eff) != 2)
		return -ENOENT;
	*euid = (uid_t)eff;
	return 0;
}

int sb_procfs_filters(pid_t pid, pid_t tid)
{
	char buf[2048];
	long n = 0;
	int r = read_status(pid, tid, buf, sizeof(buf));

	if (r == 0)
		r = status_field(buf, "Seccomp_filters", &n);
	return r < 0 ? r : (int)n;
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* PF_EXITING (include/linux/sched.h): set in do_exit, the point of no
 * return; such a task never runs user code again. */
#define SB_PF_EXITING 0x00000004UL

/* True if the task is past the point of no return of its exit: the kernel
 * gives it no new filter (TSYNC skips it), and it needs none. */
static bool task_exiting(pid_t pid, pid_t tid)
{
	char path[64], buf[1024];
	unsigned long flags = 0;
	char state = '?';

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	if (sb_procfs_read(path, buf, sizeof(buf)) < 0)
		return true;               /* gone */
	const char *s = strrchr(buf, ')'); /* the name may hold anything */
	if (!s || sscanf(s + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2)
		return false;
	return state == 'Z' || state == 'X' || (flags & SB_PF_EXITING);
}

int sb_procfs_all_filters(pid_t pid, int want, pid_t *bad, int *got)
{
	char path[64];
	struct dirent *d;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while (r == 0 && (d = readdir(dir))) {
		if (!is_number(d->d_name))
			continue;
		pid_t tid = (pid_t)atoi(d->d_name);
		int n = sb_procfs_filters(pid, tid);
		if (n == -ESRCH)
			continue; /* exited meanwhile: runs no code */
		if (n >= 0 && n != want && task_exiting(pid, tid))
			continue; /* exiting: runs no code either */
		if (n < 0 || n != want) {
			*bad = tid;
			*got = n;
			r = n < 0 ? n : -EPERM;
		}
	}
	closedir(dir);
	return r;
}

/* "NR ARG1 ... ARG6 SP PC" (hex arguments) into *nr and, if asked, args;
 * -1 for "running" or anything that is not a call number. */
static int parse_syscall(const char *buf, long *nr, uint64_t args[6])
{
	uint64_t a[6];
	char *end;
	const char *s = buf;

	*nr = isdigit((unsigned char)buf[0]) ? strtol(buf, &end, 10) : -1;
	if (*nr < 0 || !args)
		return 0;
	errno = 0;
	for (int i = 0; i < 6; i++) {
		s = end;
		a[i] = strtoull(s, &end, 16);
		if (end == s || errno)
			return -EIO;
	}
	memcpy(args, a, sizeof(a));
	return 0;
}

int sb_procfs_task_state(pid_t pid, pid_t tid, char *state, long *nr, uint64_t args[6])
{
	char path[80], buf[512];
	const char *s;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	if ((r = sb_procfs_read(path, buf, sizeof(buf))) < 0)
		return r;
	s = strrchr(buf, ')');
	if (!s || s[1] != ' ' || !s[2])
		return -EIO;
	*state = s[2];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	if ((r = sb_procfs_read(path, buf, sizeof(buf))) < 0)
		return r;
	return parse_syscall(buf, nr, args);
}

static int kcmp_vm(pid_t a, pid_t b)
{
	return (int)syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0);
}

/* Kernel threads have no memory of their own: kcmp calls theirs equal to
 * that of any process whose memory is gone (an exiting one). */
static bool is_kthread(pid_t pid)
{
	char path[64], buf[1024];
	const char *s;
	unsigned long flags = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (sb_procfs_read(path, buf, sizeof(buf)) < 0 || !(s = strrchr(buf, ')')))
		return true; /* gone: nothing to fear from it either */
	/* after ")": state ppid pgrp session tty_nr tpgid flags */
	if (sscanf(s + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return true;
	return flags & 0x00200000; /* PF_KTHREAD */
}

int sb_procfs_vm_sharers(pid_t pid, pid_t *out, int max, int *n)
{
	char buf[2048];
	struct dirent *d;
	int r = read_status(pid, 0, buf, sizeof(buf));

	*n = 0;
	if (r < 0)
		return r;
	if (!strstr(buf, "\nVmSize:"))
		return -ESRCH; /* exiting: its memory is gone */
	DIR *dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (!is_number(d->d_name))
			continue;
		pid_t other = (pid_t)atoi(d->d_name);
		if (other == pid || kcmp_vm(pid, other) != 0 || is_kthread(other))
			continue; /* different memory, gone, or not ours to see */
		if (*n < max)
			out[*n] = other;
		(*n)++;
	}
	closedir(dir);
	return 0;
}

int sb_procfs_has_io_uring(pid_t pid, bool *yes)
{
	char path[32], link[64], target[64];
	struct dirent *d;

	*yes = false;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while (!*yes && (d = readdir(dir))) {
		if (!is_number(d->d_name))
			continue;
		if (snprintf(link, sizeof(link), "%s/%.16s", path, d->d_name) >= (int)sizeof(link))
			continue;
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		*yes = !strcmp(target, "anon_inode:[io_uring]");
	}
	closedir(dir);
	return 0;
}
