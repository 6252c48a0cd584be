/* lookup.c - a policy by name on the search path (lookup.h).
 *
 * Invariant: the current directory is never searched (an empty path entry
 * is skipped, not ".", unlike PATH): a program started in a directory an
 * attacker controls cannot be given the attacker's policy by name.
 */
#include "lookup.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int sb_policy_file_name(const char *name, char *out, size_t len)
{
	size_t n = strlen(name);
	bool has_ext = n >= 4 && strcmp(name + n - 4, ".ini") == 0;
	int r = snprintf(out, len, "%s%s", name, has_ext ? "" : ".ini");

	return r < 0 || (size_t)r >= len ? -ENAMETOOLONG : 0;
}

static bool regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Try dir/file: 0 with the path in out if it is a regular file. */
static int try_dir(const char *dir, size_t dirlen, const char *file, char *out, size_t len)
{
	int r = snprintf(out, len, "%.*s%s%s", (int)dirlen, dir, dir[dirlen - 1] == '/' ? "" : "/", file);

	if (r < 0 || (size_t)r >= len)
		return -ENAMETOOLONG;
	return regular(out) ? 0 : -ENOENT;
}

/* Append dir to the ':'-list in tried (silently cut if it is full). */
static void note(char *tried, size_t len, const char *dir, size_t dirlen)
{
	size_t used = strlen(tried);

	if (used < len)
		snprintf(tried + used, len - used, "%s%.*s", used ? ":" : "", (int)dirlen, dir);
}

int sb_policy_lookup(const char *name, const char *env_path, char *out, size_t len)
{
	char file[256], tried[1024] = "";
	const char *fixed[] = {SB_POLICY_ETCDIR, SB_POLICYDIR};
	int r;

	if (strchr(name, '/') != NULL) {
		r = snprintf(out, len, "%s", name);
		return r < 0 || (size_t)r >= len ? -ENAMETOOLONG : 0;
	}
	if ((r = sb_policy_file_name(name, file, sizeof(file))) < 0)
		return r;
	for (const char *s = env_path ? env_path : ""; *s;) {
		size_t n = strcspn(s, ":");
		if (n > 0 && (r = try_dir(s, n, file, out, len)) != -ENOENT)
			return r;
		if (n > 0)
			note(tried, sizeof(tried), s, n);
		s += n + (s[n] == ':');
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if ((r = try_dir(fixed[i], strlen(fixed[i]), file, out, len)) != -ENOENT)
			return r;
		note(tried, sizeof(tried), fixed[i], strlen(fixed[i]));
	}
	snprintf(out, len, "%s", tried);
	return -ENOENT;
}
