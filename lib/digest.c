/* digest.c - SHA-256 of an executable through libcrypto's EVP (digest.h).
 *
 * Invariant: hex is written only once the whole file was read and the
 * digest finished; on any error the caller's buffer is left as it was.
 */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* A SHA-256 needs no configuration: not reading openssl.cnf (and the
 * providers it may name) halves libcrypto's start. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_crypto(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}

/* Feed fd to ctx to its end: 0 or -errno. */
static int feed(EVP_MD_CTX *ctx, int fd)
{
	unsigned char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			return -EIO;
	}
	return 0;
}

int sb_sha256_file(const char *path, char hex[SB_SHA256_HEX + 1])
{
	sb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *ctx;
	int r;

	if (fd < 0)
		return -errno;
	pthread_once(&init_once, init_crypto);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -ENOMEM;
	r = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 ? feed(ctx, fd) : -EIO;
	if (r == 0 && (EVP_DigestFinal_ex(ctx, md, &len) != 1 || len * 2 != SB_SHA256_HEX))
		r = -EIO;
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; r == 0 && i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return r;
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
