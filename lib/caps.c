/* caps.c - capability drop with libcap.
 *
 * sb_caps_drop() is one linear sequence; after each step the comment says
 * what holds. Its caller sets no_new_privs next and execs: with NNP set,
 * execve grants no file capabilities and no setuid, so what is left in the
 * permitted and ambient sets here is all the program will ever have.
 */
#include "caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <unistd.h>

#define SB_CAP_BITS 64 /* caps are bits of a uint64_t */

static bool keeps(uint64_t keep, cap_value_t c)
{
	return c >= 0 && c < SB_CAP_BITS && (keep >> c) & 1;
}

static void cap_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}
#define sb_autocap __attribute__((cleanup(cap_freep)))

static bool has_flag(cap_t set, cap_value_t c, cap_flag_t flag)
{
	cap_flag_value_t v = CAP_CLEAR;
	return cap_get_flag(set, c, flag, &v) == 0 && v == CAP_SET;
}

static bool any_uid_root(void)
{
	uid_t r, e, s;
	return getresuid(&r, &e, &s) == 0 && (r == 0 || e == 0 || s == 0);
}

/* Make CAP_SETPCAP effective if it is permitted (dropping from the bounding
 * set needs it). Returns 1 if we now have it, 0 if not permitted, -errno. */
static int raise_setpcap(cap_t cur)
{
	const cap_value_t setpcap = CAP_SETPCAP;

	if (!has_flag(cur, CAP_SETPCAP, CAP_PERMITTED))
		return 0;
	if (has_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE))
		return 1;
	if (cap_set_flag(cur, CAP_EFFECTIVE, 1, &setpcap, CAP_SET) < 0 || cap_set_proc(cur) < 0)
		return -errno;
	return 1;
}

/* Drop every capability not kept from the bounding set. Without
 * CAP_SETPCAP that is impossible; it is refused for root (any uid 0), whose
 * execve gets the bounding set back unless no_new_privs holds: fail closed
 * rather than rely on the caller's next step. A non-root process gains
 * nothing from the bounding set through an execve under no_new_privs. */
static int drop_bounding(uint64_t keep, bool have_setpcap)
{
	int max = cap_max_bits();

	for (cap_value_t c = 0; c < max; c++) {
		if (keeps(keep, c) || cap_get_bound(c) != 1)
			continue;
		if (!have_setpcap) {
			if (any_uid_root())
				return -EPERM;
			return 0;
		}
		if (cap_drop_bound(c) < 0)
			return -errno;
	}
	return 0;
}

/* Permitted = effective = inheritable = keep ∩ current permitted. */
static int set_pei(uint64_t keep, cap_t cur)
{
	sb_autocap cap_t want = cap_init();
	int max = cap_max_bits();

	if (!want)
		return -errno;
	for (cap_value_t c = 0; c < max; c++) {
		if (!keeps(keep, c) || !has_flag(cur, c, CAP_PERMITTED))
			continue;
		if (cap_set_flag(want, CAP_PERMITTED, 1, &c, CAP_SET) < 0 ||
		    cap_set_flag(want, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0 ||
		    cap_set_flag(want, CAP_INHERITABLE, 1, &c, CAP_SET) < 0)
			return -errno;
	}
	return cap_set_proc(want) < 0 ? -errno : 0;
}

/* Raise ambient for the kept caps that are now permitted and inheritable,
 * so they survive the execve of a program without file capabilities. */
static int raise_ambient(uint64_t keep)
{
	sb_autocap cap_t now = cap_get_proc();
	int max = cap_max_bits();

	if (!now)
		return -errno;
	for (cap_value_t c = 0; c < max; c++) {
		if (!keeps(keep, c) || !has_flag(now, c, CAP_PERMITTED))
			continue;
		if (cap_set_ambient(c, CAP_SET) < 0)
			return -errno;
	}
	return 0;
}

int sb_caps_drop(uint64_t keep)
{
	sb_autocap cap_t cur = cap_get_proc();
	int rc;

	if (!cur)
		return -errno;
	/* 1. CAP_SETPCAP effective if we hold it at all. */
	rc = raise_setpcap(cur);
	if (rc < 0)
		return rc;
	/* 2. Bounding set ⊆ keep (or we are not root and cannot change it). */
	rc = drop_bounding(keep, rc == 1);
	if (rc < 0)
		return rc;
	/* 3. Ambient empty: nothing unkept is handed to the program. */
	if (cap_reset_ambient() < 0)
		return -errno;
	/* 4. P = E = I = keep ∩ old P; CAP_SETPCAP is gone unless kept. */
	rc = set_pei(keep, cur);
	if (rc < 0)
		return rc;
	/* 5. Ambient = P: kept caps survive execve. */
	return raise_ambient(keep);
}

/* One name: "cap_x" or "x", any case. cap_from_name() also takes numbers and
 * stops at the first comma, so the result must name back to the input. */
static int parse_one(const char *tok, cap_value_t *out)
{
	char name[64];
	bool prefixed = strncasecmp(tok, "cap_", 4) == 0;
	int n = snprintf(name, sizeof(name), "%s%s", prefixed ? "" : "cap_", tok);
	cap_value_t c;

	if (n < 0 || (size_t)n >= sizeof(name) || cap_from_name(name, &c) < 0)
		return -EINVAL;
	if (c < 0 || c >= SB_CAP_BITS)
		return -EINVAL;
	char *back = cap_to_name(c);
	bool same = back && strcasecmp(back, name) == 0;
	cap_free(back);
	if (!same)
		return -EINVAL;
	*out = c;
	return 0;
}

static bool is_sep(char ch)
{
	return ch == ',' || isspace((unsigned char)ch);
}

int sb_caps_parse(const char *list, uint64_t *out, char *bad, size_t badlen)
{
	uint64_t caps = 0;
	const char *s = list ? list : "";

	while (*s) {
		size_t len;
		char tok[64];
		cap_value_t c;

		for (; *s && is_sep(*s); s++)
			;
		for (len = 0; s[len] && !is_sep(s[len]); len++)
			;
		if (len == 0)
			break;
		snprintf(tok, sizeof(tok), "%.*s", (int)len, s);
		if (len >= sizeof(tok) || parse_one(tok, &c) < 0) {
			if (bad && badlen)
				snprintf(bad, badlen, "%.*s", (int)len, s);
			return -EINVAL;
		}
		caps |= UINT64_C(1) << c;
		s += len;
	}
	*out = caps;
	return 0;
}

/* NULL also for a capability libcap cannot name: cap_to_name() gives its
 * number then, which sb_caps_parse() would refuse. */
const char *sb_caps_format(uint64_t caps, char *buf, size_t len)
{
	size_t used = 0;

	if (!buf || len == 0)
		return NULL;
	buf[0] = '\0';
	for (cap_value_t c = 0; c < SB_CAP_BITS; c++) {
		if (!keeps(caps, c))
			continue;
		char *name = cap_to_name(c);
		if (!name || !isalpha((unsigned char)name[0])) {
			cap_free(name);
			return NULL;
		}
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
		cap_free(name);
		if (n < 0 || (size_t)n >= len - used)
			return NULL; /* does not fit: never a silently shorter list */
		used += (size_t)n;
	}
	return buf;
}
