/* exec.c - find the program as execvp(3) would, and say why it cannot run.
 *
 * Invariants: the path sb_resolve_program() leaves in buf is exactly the file
 * it checked: a name that does not fit is refused (-ENAMETOOLONG), never cut,
 * since a cut path can name another, existing file. An empty name is not
 * found (-ENOENT), as execvp says, never searched as "DIR/".
 */
#include "exec.h"
#include "exitcodes.h"
#include "spawn.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int check(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	return 0;
}

/* buf = DIR/NAME (DIR empty: ./NAME, as execvp reads an empty PATH entry). */
static int join(char *buf, size_t len, const char *dir, size_t dirlen, const char *name)
{
	int n =
	    dirlen ? snprintf(buf, len, "%.*s/%s", (int)dirlen, dir, name) : snprintf(buf, len, "./%s", name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* execvp's search: a missing entry (ENOENT, ENOTDIR) is skipped, a file we
 * may not execute is remembered (EACCES wins over ENOENT at the end), any
 * other error ends the search with that error. */
static int search(const char *path, const char *name, char *buf, size_t len)
{
	int best = -ENOENT;

	while (*path) {
		size_t n = strcspn(path, ":");
		int r = join(buf, len, path, n, name);
		if (r == 0)
			r = check(buf);
		if (r == 0)
			return 0;
		if (r == -EACCES)
			best = r;
		else if (r != -ENOENT && r != -ENOTDIR)
			return r;
		path += n + (path[n] == ':');
	}
	return best;
}

int sb_resolve_program(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");

	if (len == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (*name == '\0')
		return -ENOENT;
	if (strchr(name, '/')) {
		if (strlen(name) >= len)
			return -ENAMETOOLONG;
		memcpy(buf, name, strlen(name) + 1);
		return check(buf);
	}
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG; /* as execvp: no file in any directory has it */
	return search(path ? path : "/usr/local/bin:/usr/bin:/bin", name, buf, len);
}

int sb_exec_message(char *buf, size_t len, const char *verb, const char *name, int err)
{
	size_t n = strlen(name);

	if (n == 0)
		return snprintf(buf, len, "cannot %s '': %s (empty program name)", verb, strerror(err));
	if (n > SB_EXEC_NAME_SHOWN)
		return snprintf(buf, len, "cannot %s %.*s...%s (a name of %zu bytes): %s", verb,
		                SB_EXEC_NAME_SHOWN / 2, name, name + n - SB_EXEC_NAME_SHOWN / 2, n,
		                strerror(err));
	return snprintf(buf, len, "cannot %s %s: %s", verb, name, strerror(err));
}

int sb_exit_status(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 125;
}

int sb_spawn_failure(char *msg, size_t len, const char *prog, int err, int wait_status)
{
	bool setup = sb_spawn_failed_step(err, wait_status) == SB_SPAWN_SETUP;

	sb_exec_message(msg, len, setup ? "confine" : "execute", prog, -err);
	return setup ? SB_EXIT_LAUNCHER : sb_exit_for_errno(-err);
}
