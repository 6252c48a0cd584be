/* trace_int.h - engine internals shared by trace.c, tree.c and settle.c. */
#ifndef SB_TRACE_INT_H
#define SB_TRACE_INT_H

#include <time.h>

#include "trace.h"

#define SB_HASH_SIZE 256

struct sb_trace {
	struct sb_trace_opts o;
	pid_t root;
	bool root_done;
	int root_status;
	int ntraced;   /* live traced threads */
	int nsettling; /* processes in their settle step */
	int fatal;     /* -errno once the run must end */
	int exec_err;  /* errno of a failed initial execve, 0 if none */
	int err_fd;    /* read end of the child's close-on-exec error pipe */
	unsigned long foreign;
	unsigned long stops; /* ptrace stops handled: the cost of tracing */
	struct timespec t0;
	struct sb_thread *hash[SB_HASH_SIZE];
	struct sb_proc *procs;
	struct sb_proc **procs_tail;
};

/* tree.c: threads and processes */
struct sb_thread *sb_tree_find(struct sb_trace *tr, pid_t tid);
/* Find or create the record of tid. `parent` (may be NULL) is the process that
 * created it, when known from a fork/clone event; else /proc decides. */
struct sb_thread *sb_tree_ensure(struct sb_trace *tr, pid_t tid, struct sb_proc *parent);
struct sb_proc *sb_tree_new_proc(struct sb_trace *tr, pid_t pid, struct sb_proc *parent);
struct sb_thread *sb_tree_add_thread(struct sb_trace *tr, struct sb_proc *p, pid_t tid);
/* Forget a thread (exited or detached); ends its process when it was the last. */
void sb_tree_drop_thread(struct sb_trace *tr, struct sb_thread *t);
void sb_tree_rename(struct sb_trace *tr, struct sb_thread *t, pid_t new_tid);

/* settle.c */
void sb_settle_begin(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc);
/* Finish every process whose threads all sleep in a syscall or whose
 * timeout passed. */
void sb_settle_poll(struct sb_trace *tr);

/* trace.c */
double sb_trace_now_ms(const struct sb_trace *tr);
int sb_trace_resume(struct sb_trace *tr, struct sb_thread *t);
void sb_trace_report(struct sb_trace *tr, struct sb_thread *t, const struct sb_syscall *sc);

#endif
