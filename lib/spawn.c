/* spawn.c - one way to start the program: fork, wait for go, set up, exec.
 *
 * Invariants:
 *  - the child runs nothing of the program before the go byte, and never
 *    runs it without one (the parent gone: exit 125), so a tracer can attach
 *    first and nothing runs untraced that should be traced;
 *  - the signals sb_forward_begin() blocked stay blocked in the child until
 *    the go: a ^C before the tracer attached waits instead of killing a child
 *    that cannot be seized yet;
 *  - after setup() the child makes no system call but execve and exit_group,
 *    both raw (no libc or sanitizer wrapper adds others): setup may load a
 *    filter (F1) that allows nothing else. So a failed execve is reported in
 *    a shared page, by a plain store, never by write(2) on a pipe, which F1
 *    may kill (a policy learned from a program that never writes);
 *  - the record is read only after the child ended: before, a zero may just
 *    mean the child has not tried yet. It holds -errno and the step that
 *    failed, so that a reader that cannot wait for the process (sandbox-run
 *    in place: the keeper is not its parent) still tells the two apart;
 *  - sb_spawn_exec_here() is the child's tail, for a caller that becomes the
 *    program itself: the same setup, execve and record.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitcodes.h"
#include "forward.h"
#include "util.h"

extern char **environ;

SB_NORETURN static void exit_raw(int code)
{
	syscall(SYS_exit_group, code);
	__builtin_unreachable();
}

void sb_spawn_exec_here(volatile int *rec, const char *path, char *const argv[], sb_spawn_setup_fn setup,
                        void *ctx)
{
	int r = setup ? setup(ctx) : 0;

	if (r < 0) {
		rec[0] = r;
		rec[1] = SB_SPAWN_SETUP;
		exit_raw(SB_EXIT_LAUNCHER);
	}
	syscall(SYS_execve, path, argv, environ);
	r = errno;
	rec[0] = -r;
	rec[1] = SB_SPAWN_EXEC;
	exit_raw(sb_exit_for_errno(r));
}

SB_NORETURN static void child(int go_fd, volatile int *rec, const char *path, char *const argv[],
                              sb_spawn_setup_fn setup, void *ctx)
{
	char c;
	ssize_t n;
	int r;

	do
		n = read(go_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		exit_raw(SB_EXIT_LAUNCHER); /* the parent is gone: never run untraced */
	if ((r = sb_forward_child_reset()) < 0) {
		rec[0] = r;
		rec[1] = SB_SPAWN_SETUP;
		exit_raw(SB_EXIT_LAUNCHER);
	}
	sb_spawn_exec_here(rec, path, argv, setup, ctx);
}

/* A memfd the child sees mapped: it stores its error there without a
 * syscall; the parent reads it with pread and keeps no mapping. */
int sb_spawn_record(volatile int **rec)
{
	int fd = memfd_create("sb-spawn", MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, SB_SPAWN_RECORD) < 0 ||
	    (p = mmap(NULL, SB_SPAWN_RECORD, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		int e = errno;
		close(fd);
		return -e;
	}
	*rec = p;
	return fd;
}

int sb_spawn_start(struct sb_spawn *s, const char *path, char *const argv[], sb_spawn_setup_fn setup,
                   void *ctx)
{
	volatile int *rec = NULL;
	int go[2], fd = sb_spawn_record(&rec);

	s->pid = -1;
	s->go_fd = s->err_fd = -1;
	if (fd < 0)
		return fd;
	/* a socket pair, not a pipe: send(MSG_NOSIGNAL) to a child that died
	 * meanwhile is an error, not a SIGPIPE that would kill us */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) < 0) {
		int e = errno;
		munmap((void *)rec, SB_SPAWN_RECORD);
		close(fd);
		return -e;
	}
	s->pid = fork();
	if (s->pid == 0) {
		close(go[1]);
		child(go[0], rec, path, argv, setup, ctx);
	}
	int e = errno;
	munmap((void *)rec, SB_SPAWN_RECORD);
	close(go[0]);
	if (s->pid < 0) {
		close(go[1]);
		close(fd);
		return -e;
	}
	s->go_fd = go[1];
	s->err_fd = fd;
	return 0;
}

int sb_spawn_go(struct sb_spawn *s)
{
	ssize_t n;

	do
		n = send(s->go_fd, "g", 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(s->go_fd);
	s->go_fd = -1;
	return n == 1 ? 0 : -e;
}

int sb_spawn_read_error(int err_fd)
{
	int rec = 0;

	if (err_fd < 0 || pread(err_fd, &rec, sizeof(rec), 0) != (ssize_t)sizeof(rec))
		return 0;
	return rec < 0 ? rec : 0;
}

enum sb_spawn_step sb_spawn_read_step(int err_fd)
{
	int rec[2] = {0, SB_SPAWN_NONE};

	if (err_fd < 0 || pread(err_fd, rec, sizeof(rec), 0) != (ssize_t)sizeof(rec) || rec[0] >= 0)
		return SB_SPAWN_NONE;
	return rec[1] == SB_SPAWN_SETUP || rec[1] == SB_SPAWN_EXEC ? (enum sb_spawn_step)rec[1]
	                                                           : SB_SPAWN_NONE;
}

enum sb_spawn_step sb_spawn_failed_step(int err, int wait_status)
{
	if (err >= 0 || !WIFEXITED(wait_status))
		return SB_SPAWN_NONE;
	switch (WEXITSTATUS(wait_status)) {
	case SB_EXIT_LAUNCHER: return SB_SPAWN_SETUP;
	case SB_EXIT_CANNOT_EXEC:
	case SB_EXIT_NOT_FOUND: return SB_SPAWN_EXEC;
	default: return SB_SPAWN_NONE;
	}
}

void sb_spawn_close(struct sb_spawn *s)
{
	if (s->go_fd >= 0)
		close(s->go_fd);
	if (s->err_fd >= 0)
		close(s->err_fd);
	s->go_fd = s->err_fd = -1;
}

void sb_spawn_abort(struct sb_spawn *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	}
	s->pid = -1;
	sb_spawn_close(s);
}
