/* output.c - check an output before the program runs.
 *
 * Invariants: the verdict on the policy is the writer's own
 * (sb_policy_write_stream into memory), so what passes here cannot be
 * refused after the run for its content; the probe file is created next to
 * the target as the writer's temporary file is, and always removed.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static const char *why_unwritable(int r)
{
	if (r == -ENAMETOOLONG)
		return "a line would be longer than the format's 198 bytes (a program path of about 190 "
		       "bytes or more, too many capabilities or markers)";
	if (r == -EINVAL)
		return "a value the format cannot hold (a program name with a control character other "
		       "than tab, or a ';' after a blank), or a capability libcap cannot name";
	return strerror(-r);
}

/* The policy as the writer would put it, in memory; NULL with *r set. */
static char *policy_text(const struct sb_policy *p, size_t *n, int *r)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, n);

	if (!f) {
		*r = -errno;
		return NULL;
	}
	*r = sb_policy_write_stream(p, f);
	if (fclose(f) != 0 && *r == 0)
		*r = -errno;
	if (*r < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The target itself: absent, or a regular file that rename may replace. */
static int check_target(const char *path, char *msg, size_t len)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(msg, len, "cannot write %s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(msg, len, "cannot write %s: it is a directory", path);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, len, "cannot write %s: not a regular file (it would be replaced by one)", path);
		return -EINVAL;
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

void sb_output_dir(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* Make the file system hold n bytes of fd now: a full file system or an
 * exhausted quota fails here, as it would at the save. fallocate(2)
 * reserves the blocks without waiting on the disk. Returns 1 if reserved,
 * 0 where the file system cannot reserve (ext2, NFSv3, some FUSE: they
 * report such errors only at writeback, so the caller syncs the file
 * instead), or -ENOSPC / -EDQUOT. */
static int reserve(int fd, size_t n)
{
	if (n == 0 || fallocate(fd, 0, 0, (off_t)n) == 0)
		return 1;
	if (errno == ENOSPC || errno == EDQUOT)
		return -errno;
	return 0; /* EOPNOTSUPP and the like: the old way, which finds the rest */
}

/* Create, reserve and fill a file where the writer's temporary file will
 * go (synced where the reservation is not possible). */
static int probe(const char *path, const char *text, size_t n, char *msg, size_t len)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX], tmp[PATH_MAX];
	int fd, r;

	sb_output_dir(path, dir, sizeof(dir));
	r = snprintf(tmp, sizeof(tmp), "%s/.%s.check.XXXXXX", dir, slash ? slash + 1 : path);
	if (r < 0 || (size_t)r >= sizeof(tmp)) {
		snprintf(msg, len, "cannot write %s: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			snprintf(msg, len, "cannot write %s: directory %s does not exist", path, dir);
		else if (r == -ENOTDIR)
			snprintf(msg, len, "cannot write %s: %s is not a directory", path, dir);
		else
			snprintf(msg, len, "cannot write %s: %s", path, strerror(-r));
		return r;
	}
	int reserved = reserve(fd, n);
	r = reserved < 0 ? reserved : write_all(fd, text, n);
	if (r == 0 && !reserved && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	unlink(tmp);
	if (r < 0)
		snprintf(msg, len, "cannot write %s: %s", path, strerror(-r));
	return r;
}

int sb_output_check(const struct sb_policy *p, const char *path, char *msg, size_t len)
{
	size_t n = 0;
	int r;
	sb_autofree char *text = policy_text(p, &n, &r);

	if (!text) {
		snprintf(msg, len, "cannot write %s: %s", path, why_unwritable(r));
		return r;
	}
	if ((r = check_target(path, msg, len)) < 0)
		return r;
	return probe(path, text, n, msg, len);
}
