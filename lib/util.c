#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void sb_freep(void *p)
{
	free(*(void **)p);
}

void sb_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

void sb_escape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (const unsigned char *s = (const unsigned char *)in; *s && o + 5 < len; s++) {
		if (*s >= 0x20 && *s < 0x7f && *s != '\\')
			out[o++] = (char)*s;
		else
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", *s);
	}
	if (len)
		out[o < len ? o : len - 1] = '\0';
}
