/* inplace.c - sandbox-run in place (the default): the launcher becomes the
 * program, as env(1) or setpriv(1) do, and a keeper process does what the
 * supervising launcher (--fork) did beside it.
 *
 * Invariants:
 *  - the program runs with the pid the caller started: signals, SIGSTOP and
 *    SIGKILL included, reach it directly, and its wait status is the
 *    caller's to collect;
 *  - the keeper is no child of the program: a child of the launcher forks
 *    it and exits at once (double fork), so the program never reaps it or
 *    sees it in wait(). It leaves the session (setsid): a terminal's ^C or
 *    a kill of the program's process group does not reach it, and it
 *    ignores the signals that would end it but SIGKILL;
 *  - a traced run execs only once the keeper said it seized the launcher; a
 *    keeper that failed or died before that ends the start with 125, and
 *    one that dies after it, until the transition, kills the program with
 *    it (PTRACE_O_EXITKILL): it never runs on under F1 alone;
 *  - after F1 the launcher makes no system call but execve and exit_group
 *    (spawn.c): a failed start is stored in a shared record that the keeper
 *    reads once the launcher is gone (it closed the close-on-exec socket, by
 *    its execve or by its exit), and reports as --fork does;
 *  - the keeper learns the program's wait status without being its parent
 *    (a zombie's /proc record, or the pidfd once reaped): the kill report
 *    is --fork's, printed as the program ends, not before its caller can
 *    see the status;
 *  - the keeper keeps stdout and stderr open until it is done: a caller that
 *    reads the program's output to its end also gets the keeper's report.
 *    It keeps no other descriptor of the program's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "exitcodes.h"
#include "launch.h"
#include "msg.h"
#include "procfs.h"
#include "spawn.h"
#include "util.h"

struct keeper_io {
	int sock;   /* the keeper's end of the handshake */
	int rec_fd; /* the launcher's error record (spawn.h) */
	int pidfd;  /* the launcher, opened while it certainly waits for us */
};

static int send_all(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static ssize_t recv_all(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	return n;
}

/* The start failed (the record says which step): one message, as --fork
 * and sandbox-profile print it. */
static bool report_start_failure(const struct launcher *L, int rec_fd)
{
	int err = sb_spawn_read_error(rec_fd);
	enum sb_spawn_step step = sb_spawn_read_step(rec_fd);
	char msg[512];

	if (step == SB_SPAWN_NONE)
		return false;
	int code = step == SB_SPAWN_SETUP ? SB_EXIT_LAUNCHER : sb_exit_for_errno(-err);
	sb_spawn_failure(msg, sizeof(msg), L->path, err, W_EXITCODE(code, 0));
	sb_warn("%s", msg);
	return true;
}

/* PIDFD_GET_INFO (Linux 6.15): a pidfd's holder reads the exit status of
 * a process it is not the parent of, once that process was reaped. */
struct pidfd_exit_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
	uint32_t coredump_mask, spare;
};
#define SB_PIDFD_GET_INFO  _IOWR(0xFF, 11, struct pidfd_exit_info)
#define SB_PIDFD_INFO_EXIT (1ull << 3)

static bool reaped_status(int pidfd, int *status)
{
	struct pidfd_exit_info i = {.mask = SB_PIDFD_INFO_EXIT};

	if (ioctl(pidfd, SB_PIDFD_GET_INFO, &i) < 0 || !(i.mask & SB_PIDFD_INFO_EXIT))
		return false;
	*status = i.exit_code;
	return true;
}

/* The exit_code field (52) of /proc/PID/stat: the wait status of a zombie
 * (state Z; comm, field 2, may hold anything: cut at its last ')'). */
static bool zombie_status(pid_t pid, int *status)
{
	char path[64], buf[1024], *end;
	int field = 2;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (sb_procfs_read(path, buf, sizeof(buf)) < 0 || !(end = strrchr(buf, ')')) ||
	    strncmp(end, ") Z ", 4))
		return false;
	for (char *s = end + 1; *s; s++)
		if (*s == ' ' && ++field == 52)
			return sscanf(s, " %d", status) == 1;
	return false;
}

/* Wait for the program to end and get its wait status, though it is no
 * child of ours. The pidfd says when it exited; its status is then the
 * zombie's, in /proc, until its parent reaps it, and the pidfd's after.
 * Read in that order and the pidfd asked again: the pid cannot have been
 * reused while the pidfd still has no status. Returns false when neither
 * could be read (a kernel before 6.15, and the parent was first). */
bool launcher_wait_status(pid_t pid, int pidfd, int *status)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int z;

	if (pidfd < 0)
		return false;
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	if (reaped_status(pidfd, status))
		return true;
	bool zombie = zombie_status(pid, &z);
	if (reaped_status(pidfd, status))
		return true;
	*status = z;
	return zombie;
}

/* The root detached (or never traced) ended: say how, as --fork would. */
static void report_end(struct launcher *L, int pidfd)
{
	int status;

	bool known = launcher_wait_status(L->root, pidfd, &status);

	watch_end(L); /* the others already ended, before the root's report */
	if (known)
		report_exit(L, status);
	else
		report_detached_end(L);
}

/* Single phase, enforce: nothing to trace. Wait for the launcher's execve
 * (the socket's close-on-exec end closes) and say so if it failed; else
 * wait for the program's end, to report a seccomp kill as --fork does. */
static void keep_untraced(struct launcher *L, struct keeper_io *k)
{
	char c;

	while (recv_all(k->sock, &c, 1) > 0)
		;
	if (!report_start_failure(L, k->rec_fd))
		report_end(L, k->pidfd);
}

/* After the handshake (our pid out, the launcher's go in, the seize's errno
 * back) the engine runs as under --fork. While the root is traced its exit
 * status comes to us; once it was detached at its transition we learn it
 * as the single-phase keeper does. */
static void keep_traced(struct launcher *L, struct keeper_io *k)
{
	struct sb_trace_opts t = launcher_trace_opts(L);
	pid_t me = getpid();
	int status = 0, r;
	char go;

	if (send_all(k->sock, &me, sizeof(me)) < 0 || recv_all(k->sock, &go, 1) != 1)
		return; /* the launcher is gone: it ran nothing */
	L->trace = sb_trace_seize(L->root, &t);
	unsigned char e = L->trace ? 0 : (unsigned char)errno;
	if (send_all(k->sock, &e, 1) < 0 || !L->trace)
		return;
	close(k->sock);
	k->sock = -1;
	r = sb_trace_run(L->trace, &status);
	if (L->o->verbose)
		sb_warn("%lu ptrace stops, %d transition%s", sb_trace_stops(L->trace), L->transitions,
		        L->transitions == 1 ? "" : "s");
	if (r < 0) {
		sb_warn("%s was killed: tracing failed: %s", L->path, strerror(-r));
		return;
	}
	if (!L->root_ended) {
		report_end(L, k->pidfd);
		return;
	}
	watch_end(L);
	if (!report_start_failure(L, k->rec_fd))
		report_exit(L, L->root_status);
}

/* The keeper: out of the program's session, stdin closed. It ends with
 * the program, and its death in init kills the program: so the signals
 * that would end it are ignored, SIGKILL aside. A service manager's
 * SIGTERM to every process of the service reaches the program as itself,
 * not as the SIGKILL of EXITKILL; a closed stderr (SIGPIPE) is harmless. */
static const int keeper_ignores[] = {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Close every descriptor from 3 up but the keeper's own: a pipe or socket
 * the program was given must see its end when the program closes it (a
 * readiness protocol may rely on that), not when the keeper exits. */
static void close_others(const struct keeper_io *k)
{
	int keep[] = {k->sock, k->rec_fd, k->pidfd};
	unsigned from = 3;

	qsort(keep, SB_ARRAY_SIZE(keep), sizeof(int), cmp_int);
	for (size_t i = 0; i < SB_ARRAY_SIZE(keep); i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

SB_NORETURN static void keeper(struct launcher *L, bool traced, struct keeper_io *k)
{
	close_others(k);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* no seccomp filter and our capabilities: a program of our uid must not
	 * write our memory (as in sb_trace_seize, for the untraced keeper too) */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		_exit(SB_EXIT_LAUNCHER); /* before the handshake: the launcher says 125 */
	setsid();
	for (size_t i = 0; i < SB_ARRAY_SIZE(keeper_ignores); i++)
		signal(keeper_ignores[i], SIG_IGN);
	/* started with stdin closed, one of our own may be fd 0: keep it */
	if (null >= 0 && k->sock != STDIN_FILENO && k->rec_fd != STDIN_FILENO && k->pidfd != STDIN_FILENO)
		dup2(null, STDIN_FILENO);
	if (traced)
		keep_traced(L, k);
	else
		keep_untraced(L, k);
	launcher_free(L);
	_exit(0);
}

/* Double fork: the intermediate child exits at once, so the keeper is
 * reparented (to init or a subreaper) before the program exists. Returns
 * in the launcher only; 0 or -errno. */
static int start_keeper(struct launcher *L, bool traced, int sock[2], int rec_fd, int pidfd)
{
	int st;
	pid_t mid = fork();

	if (mid < 0)
		return -errno;
	if (mid == 0) {
		pid_t k = fork();
		if (k == 0) {
			struct keeper_io io = {.sock = sock[1], .rec_fd = rec_fd, .pidfd = pidfd};
			close(sock[0]);
			keeper(L, traced, &io);
		}
		_exit(k < 0 ? 1 : 0);
	}
	close(sock[1]);
	while (waitpid(mid, &st, 0) < 0)
		if (errno != EINTR)
			return errno == ECHILD ? 0 : -errno; /* SIGCHLD ignored: reaped for us */
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EAGAIN;
}

/* The launcher's half of the handshake: let the keeper trace us (Yama's
 * ptrace_scope 1 allows only ancestors or a declared tracer), wait until it
 * seized us, then undeclare it. */
static void await_seize(const struct launcher *L, int sock)
{
	pid_t keeper_pid;
	unsigned char e;

	if (recv_all(sock, &keeper_pid, sizeof(keeper_pid)) != (ssize_t)sizeof(keeper_pid))
		sb_die("cannot trace %s: the tracer ended before it started", L->path);
	if (prctl(PR_SET_PTRACER, keeper_pid, 0, 0, 0) < 0 && errno != EINVAL)
		sb_die("cannot trace %s: PR_SET_PTRACER: %s", L->path, strerror(errno));
	if (send_all(sock, "g", 1) < 0 || recv_all(sock, &e, 1) != 1)
		sb_die("cannot trace %s: the tracer ended before it attached", L->path);
	if (e)
		sb_die("cannot trace %s: %s (is sandbox-run itself traced?)", L->path, strerror(e));
	if (prctl(PR_SET_PTRACER, 0, 0, 0, 0) < 0 && errno != EINVAL)
		sb_die("cannot trace %s: PR_SET_PTRACER: %s", L->path, strerror(errno));
}

void launch_inplace(struct launcher *L, bool traced)
{
	volatile int *rec = NULL;
	int sock[2], r, rec_fd = sb_spawn_record(&rec);

	if (rec_fd < 0)
		sb_die("cannot start %s: %s", L->path, strerror(-rec_fd));
	/* SOCK_CLOEXEC: our end closes at the execve, which the keeper sees */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0)
		sb_die("cannot start %s: %s", L->path, strerror(errno));
	L->root = getpid();
	/* ours, so certainly this process; close-on-exec, the keeper's copy stays */
	int pidfd = (int)syscall(SYS_pidfd_open, L->root, 0);
	clock_gettime(CLOCK_MONOTONIC, &L->started);
	if ((r = start_keeper(L, traced, sock, rec_fd, pidfd)) < 0)
		sb_die("cannot start the keeper of %s: %s", L->path, strerror(-r));
	if (traced)
		await_seize(L, sock[0]);
	sb_spawn_exec_here(rec, L->path, L->o->argv, launcher_confine, L);
}
