/* common.c - reading and writing policies in memory for the fuzz targets.
 * Linked into every target, for libFuzzer and for the corpus runner alike. */
#include "fuzz.h"

#include <errno.h>
#include <string.h>

/* Lines in the input: the most a reader's error may name is one more. */
static int count_lines(const uint8_t *data, size_t size)
{
	int n = 0;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n + 1;
}

struct sb_policy *fuzz_read(const uint8_t *data, size_t size)
{
	static char empty[1];
	FILE *f = fmemopen(size ? (void *)data : empty, size, "r");
	struct sb_policy *p = NULL;
	struct sb_error err;
	int r;

	FUZZ_CHECK(f != NULL);
	r = sb_policy_read_stream(f, "fuzz.ini", &p, &err);
	fclose(f);
	if (r == 0) {
		FUZZ_CHECK(p != NULL);
		return p;
	}
	FUZZ_CHECK(p == NULL);
	FUZZ_CHECK(r == -EINVAL || r == -ENOMEM);
	FUZZ_CHECK(err.line >= 0 && err.line <= count_lines(data, size) + 1);
	FUZZ_CHECK(err.msg[0] != '\0');
	return NULL;
}

int fuzz_write(const struct sb_policy *p, char **text, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int r;

	FUZZ_CHECK(f != NULL);
	r = sb_policy_write_stream(p, f);
	FUZZ_CHECK(fclose(f) == 0);
	if (r != 0) {
		free(buf);
		buf = NULL;
		n = 0;
	}
	*text = buf;
	*len = n;
	return r;
}
