/* digest.c - SHA-256 of an executable through GNU Nettle (digest.h).
 *
 * Invariant: hex is written only once the whole file was read and the
 * digest finished; on any error the caller's buffer is left as it was.
 */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Feed fd to ctx to its end: 0 or -errno. */
static int feed(struct sha256_ctx *ctx, int fd)
{
	uint8_t buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		sha256_update(ctx, (size_t)n, buf);
	}
	return 0;
}

int sb_sha256_file(const char *path, char hex[SB_SHA256_HEX + 1])
{
	sb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t md[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	int r;

	if (fd < 0)
		return -errno;
	sha256_init(&ctx);
	if ((r = feed(&ctx, fd)) < 0)
		return r;
	sha256_digest(&ctx, sizeof(md), md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int sb_policy_set_binary(struct sb_policy *p, const char *path)
{
	char hex[SB_SHA256_HEX + 1];
	int r = sb_sha256_file(path, hex);

	if (r < 0)
		return r;
	memcpy(p->binary_sha256, hex, sizeof(hex));
	if (strlen(path) < sizeof(p->binary_path))
		memcpy(p->binary_path, path, strlen(path) + 1);
	else
		p->binary_path[0] = '\0';
	return 0;
}
