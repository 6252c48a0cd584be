/* test_digest.c - provenance: the SHA-256 of a file (lib/digest.c, checked
 * against the FIPS 180-2 test vector) and the `binary` key of
 * sandbox-policy(5): read, write, equal, and its errors as file:line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "digest.h"
#include "policy.h"

#define HEAD "[sandbox]\nversion = 1\nprogram = p\narch = x86_64\n"
#define ABC  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void sha256_of_abc(void **state)
{
	char path[] = "/tmp/sb-digest.XXXXXX", hex[SB_SHA256_HEX + 1] = "";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(sb_sha256_file(path, hex), 0);
	assert_string_equal(hex, ABC);
	unlink(path);
	assert_int_equal(sb_sha256_file(path, hex), -ENOENT);
	assert_string_equal(hex, ABC); /* untouched on error */
}

static struct sb_policy *read_ok(const char *text)
{
	struct sb_policy *p = NULL;
	struct sb_error err = {0};

	if (sb_policy_read_string(text, "t.ini", &p, &err) != 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	return p;
}

static void expect_error(const char *text, int line, const char *msg)
{
	struct sb_policy *p = NULL;
	struct sb_error err = {0};
	int r = sb_policy_read_string(text, "t.ini", &p, &err);

	if (r != -EINVAL || err.line != line || strstr(err.msg, msg) == NULL)
		fail_msg("got %d, %s:%d: %s; want line %d with '%s'", r, err.file, err.line, err.msg, line,
		         msg);
	assert_null(p);
}

/* write then read gives the policy back; the key decides equality */
static struct sb_policy *round_trip(const struct sb_policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(sb_policy_write_stream(p, f), 0);
	fclose(f);
	struct sb_policy *q = read_ok(buf);
	free(buf);
	return q;
}

static void binary_key(void **state)
{
	struct sb_policy *p = read_ok(HEAD "binary = sha256:" ABC " /usr/bin/p q\n[init]\n");
	struct sb_policy *q, *none = read_ok(HEAD "[init]\n");

	assert_string_equal(p->binary_sha256, ABC);
	assert_string_equal(p->binary_path, "/usr/bin/p q");
	q = round_trip(p);
	assert_true(sb_policy_equal(p, q));
	assert_false(sb_policy_equal(p, none));
	q->binary_path[0] = '\0'; /* the path is optional, and part of equality */
	assert_false(sb_policy_equal(p, q));
	free(q);
	q = round_trip(none);
	assert_string_equal(q->binary_sha256, "");
	assert_true(sb_policy_equal(q, none));
	free(q);
	free(none);
	free(p);
}

static void binary_errors(void **state)
{
	expect_error(HEAD "binary = " ABC "\n", 5, "binary must be 'sha256:'");
	expect_error(HEAD "binary = sha256:abc\n", 5, "64 lowercase hex digits");
	expect_error(HEAD
	             "binary = sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\n",
	             5, "64 lowercase hex digits");
	expect_error(HEAD "binary = sha256:" ABC "0\n", 5, "64 lowercase hex digits");
	expect_error(HEAD "binary = sha256:" ABC " /a\nbinary = sha256:" ABC "\n", 6,
	             "duplicate key 'binary'");
}

/* The profiler's record: the digest, and the path when it fits. */
static void set_binary(void **state)
{
	char path[] = "/tmp/sb-digest.XXXXXX", longp[300];
	struct sb_policy *p = sb_policy_new();
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(sb_policy_set_binary(p, path), 0);
	assert_string_equal(p->binary_sha256, ABC);
	assert_string_equal(p->binary_path, path);
	/* the same file by a path too long for the key: digest only */
	size_t n = (size_t)snprintf(longp, sizeof(longp), "/tmp");
	while (n < SB_BINARY_PATH_LEN + 10)
		n += (size_t)snprintf(longp + n, sizeof(longp) - n, "/.");
	snprintf(longp + n, sizeof(longp) - n, "%s", path + 4);
	assert_int_equal(sb_policy_set_binary(p, longp), 0);
	assert_string_equal(p->binary_sha256, ABC);
	assert_string_equal(p->binary_path, "");
	unlink(path);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sha256_of_abc),
	    cmocka_unit_test(binary_key),
	    cmocka_unit_test(binary_errors),
	    cmocka_unit_test(set_binary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
