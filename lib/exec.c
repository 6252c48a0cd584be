#include "exec.h"

#include <errno.h>
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
		return -ENOENT;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	return 0;
}

int sb_resolve_program(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	int best = -ENOENT;

	if (strchr(name, '/')) {
		snprintf(buf, len, "%s", name);
		return check(buf);
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, len, "%.*s/%s", (int)n ? (int)n : 1, n ? path : ".", name);
		int r = check(buf);
		if (r == 0)
			return 0;
		if (r == -EACCES)
			best = r; /* keep looking, as execvp does */
		path += n + (path[n] == ':');
	}
	return best;
}

int sb_exit_status(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 125;
}
