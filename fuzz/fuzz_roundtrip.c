/* fuzz_roundtrip.c - fuzz target: read -> write -> read gives the same policy.
 *
 * For every input the reader accepts, the writer must not refuse the
 * policy, its output must read back to an equal policy (sb_policy_equal),
 * and writing that again must give the same bytes (a stable file).
 */
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_policy *p = fuzz_read(data, size), *q;
	char *a, *b;
	size_t na, nb;

	if (p == NULL)
		return 0;
	FUZZ_CHECK(fuzz_write(p, &a, &na) == 0);
	q = fuzz_read((const uint8_t *)a, na);
	FUZZ_CHECK(q != NULL);
	FUZZ_CHECK(sb_policy_equal(p, q));
	FUZZ_CHECK(fuzz_write(q, &b, &nb) == 0);
	FUZZ_CHECK(na == nb && memcmp(a, b, na) == 0);
	free(a);
	free(b);
	free(p);
	free(q);
	return 0;
}
