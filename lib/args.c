/* args.c - the table of checked arguments and their value names (args.h).
 *
 * An entry belongs in the table when one value of one argument turns an
 * ordinary call into a step of an attack, so that a policy allowing the call
 * by number still leaves that step open: making memory executable (the
 * second stage of a memory-corruption exploit), new namespaces (a user
 * namespace gives the kernel's root-only attack surface to anyone), socket
 * families (netlink and packet sockets are a large kernel surface), prctl
 * options and ioctl requests that reach outside the process (TIOCSTI types
 * into the controlling terminal), and READ_IMPLIES_EXEC. Docker's default
 * profile, Chromium's and Android's seccomp policies restrict the same
 * arguments; pointers and paths are not here because seccomp cannot read
 * the memory they point to.
 *
 * Invariant: the names resolve one way and back (one name per value of an
 * argument, kept in names[]); every value is masked with the argument's
 * width before it is compared or stored.
 */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "syscalls.h" /* SB_NR_MAX */

#define INT_WIDTH_MASK 0xffffffffull
#define ALL_BITS       (~0ull)

/* Namespace flags shared by clone and unshare; CLONE_NEWTIME (0x80) lies
 * in clone's exit-signal byte, so only unshare can ask for it. */
#define CLONE_NEW_ALL                                                                                        \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |        \
	 CLONE_NEWNET)

static const uint64_t prctl_danger[] = {
    PR_SET_DUMPABLE,         /* lets others ptrace it again and read its core */
    PR_SET_PTRACER,          /* names a process that may ptrace it (Yama) */
    PR_SET_MM,               /* rewrites its memory-map descriptors (auxv, brk, exe link) */
    PR_CAP_AMBIENT,          /* raises ambient capabilities, kept across execve */
    PR_SET_SECUREBITS,       /* changes how capabilities follow setuid and execve */
    PR_SET_CHILD_SUBREAPER,  /* adopts orphaned descendants and their signals */
    PR_SET_SPECULATION_CTRL, /* turns speculation mitigations off */
    0,
};

static const uint64_t ioctl_danger[] = {
    TIOCSTI,   /* pushes bytes into a terminal's input: commands for its shell */
    TIOCLINUX, /* console selection paste: the same on a virtual console */
    TIOCCONS,  /* redirects the system console's output */
    TIOCSETD,  /* sets a line discipline: rarely used kernel code, many CVEs */
    0,
};

static const struct sb_arg_def table[SB_ARG_N] = {
    [SB_ARG_MMAP_PROT] = {"mmap", "mmap.prot", 2, SB_ARG_FLAGS, SB_NAMES_PROT, INT_WIDTH_MASK, PROT_EXEC,
                          PROT_EXEC | PROT_WRITE | PROT_READ, NULL,
                          "an executable mapping is where injected code runs"},
    [SB_ARG_MPROTECT_PROT] = {"mprotect", "mprotect.prot", 2, SB_ARG_FLAGS, SB_NAMES_PROT, INT_WIDTH_MASK,
                              PROT_EXEC, PROT_EXEC | PROT_WRITE | PROT_READ, NULL,
                              "making written memory executable is the second stage of most exploits"},
    [SB_ARG_PKEY_MPROTECT_PROT] = {"pkey_mprotect", "pkey_mprotect.prot", 2, SB_ARG_FLAGS, SB_NAMES_PROT,
                                   INT_WIDTH_MASK, PROT_EXEC, PROT_EXEC | PROT_WRITE | PROT_READ, NULL,
                                   "mprotect with a protection key: the same"},
    [SB_ARG_CLONE_FLAGS] = {"clone", "clone.flags", 0, SB_ARG_FLAGS, SB_NAMES_CLONE, ALL_BITS, CLONE_NEW_ALL,
                            CLONE_NEW_ALL | CLONE_THREAD | CLONE_VM | CLONE_VFORK | CLONE_PARENT, NULL,
                            "new namespaces (a user namespace first) open root-only kernel code to the "
                            "process"},
    [SB_ARG_UNSHARE_FLAGS] = {"unshare", "unshare.flags", 0, SB_ARG_FLAGS, SB_NAMES_CLONE, ALL_BITS,
                              CLONE_NEW_ALL | CLONE_NEWTIME,
                              CLONE_NEW_ALL | CLONE_NEWTIME | CLONE_FILES | CLONE_FS, NULL,
                              "new namespaces for the process itself: as clone"},
    [SB_ARG_SOCKET_DOMAIN] = {"socket", "socket.domain", 0, SB_ARG_VALUES, SB_NAMES_AF, INT_WIDTH_MASK, 0, 0,
                              NULL,
                              "each family is its own kernel code; netlink and packet sockets "
                              "reach the network stack's configuration and raw frames"},
    [SB_ARG_SOCKETPAIR_DOMAIN] = {"socketpair", "socketpair.domain", 0, SB_ARG_VALUES, SB_NAMES_AF,
                                  INT_WIDTH_MASK, 0, 0, NULL, "as socket"},
    [SB_ARG_PRCTL_OPTION] = {"prctl", "prctl.option", 0, SB_ARG_VALUES, SB_NAMES_PR, INT_WIDTH_MASK, 0, 0,
                             prctl_danger, "a few options reach outside the process or undo its hardening"},
    [SB_ARG_IOCTL_REQUEST] = {"ioctl", "ioctl.request", 1, SB_ARG_VALUES, SB_NAMES_IOCTL, INT_WIDTH_MASK, 0,
                              0, ioctl_danger, "a few terminal requests act for the terminal's user"},
    [SB_ARG_PERSONALITY] = {"personality", "personality.persona", 0, SB_ARG_FLAGS, SB_NAMES_PER,
                            INT_WIDTH_MASK, READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE,
                            READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT, NULL,
                            "READ_IMPLIES_EXEC makes every readable mapping executable; "
                            "ADDR_NO_RANDOMIZE turns ASLR off for what it executes"},
};

struct value_name {
	enum sb_arg_names set;
	uint64_t v;
	const char *name;
};

#define N(set, v)                                                                                            \
	{                                                                                                    \
		set, v, #v                                                                                   \
	}
static const struct value_name names[] = {
    N(SB_NAMES_PROT, PROT_READ),
    N(SB_NAMES_PROT, PROT_WRITE),
    N(SB_NAMES_PROT, PROT_EXEC),
    N(SB_NAMES_PROT, PROT_GROWSDOWN),
    N(SB_NAMES_PROT, PROT_GROWSUP),
    N(SB_NAMES_CLONE, CLONE_NEWTIME),
    N(SB_NAMES_CLONE, CLONE_VM),
    N(SB_NAMES_CLONE, CLONE_FS),
    N(SB_NAMES_CLONE, CLONE_FILES),
    N(SB_NAMES_CLONE, CLONE_SIGHAND),
    N(SB_NAMES_CLONE, CLONE_PIDFD),
    N(SB_NAMES_CLONE, CLONE_PTRACE),
    N(SB_NAMES_CLONE, CLONE_VFORK),
    N(SB_NAMES_CLONE, CLONE_PARENT),
    N(SB_NAMES_CLONE, CLONE_THREAD),
    N(SB_NAMES_CLONE, CLONE_NEWNS),
    N(SB_NAMES_CLONE, CLONE_SYSVSEM),
    N(SB_NAMES_CLONE, CLONE_SETTLS),
    N(SB_NAMES_CLONE, CLONE_PARENT_SETTID),
    N(SB_NAMES_CLONE, CLONE_CHILD_CLEARTID),
    N(SB_NAMES_CLONE, CLONE_UNTRACED),
    N(SB_NAMES_CLONE, CLONE_CHILD_SETTID),
    N(SB_NAMES_CLONE, CLONE_NEWCGROUP),
    N(SB_NAMES_CLONE, CLONE_NEWUTS),
    N(SB_NAMES_CLONE, CLONE_NEWIPC),
    N(SB_NAMES_CLONE, CLONE_NEWUSER),
    N(SB_NAMES_CLONE, CLONE_NEWPID),
    N(SB_NAMES_CLONE, CLONE_NEWNET),
    N(SB_NAMES_CLONE, CLONE_IO),
    N(SB_NAMES_AF, AF_UNSPEC),
    N(SB_NAMES_AF, AF_UNIX),
    N(SB_NAMES_AF, AF_INET),
    N(SB_NAMES_AF, AF_AX25),
    N(SB_NAMES_AF, AF_IPX),
    N(SB_NAMES_AF, AF_APPLETALK),
    N(SB_NAMES_AF, AF_NETROM),
    N(SB_NAMES_AF, AF_BRIDGE),
    N(SB_NAMES_AF, AF_ATMPVC),
    N(SB_NAMES_AF, AF_X25),
    N(SB_NAMES_AF, AF_INET6),
    N(SB_NAMES_AF, AF_ROSE),
    N(SB_NAMES_AF, AF_DECnet),
    N(SB_NAMES_AF, AF_NETBEUI),
    N(SB_NAMES_AF, AF_SECURITY),
    N(SB_NAMES_AF, AF_KEY),
    N(SB_NAMES_AF, AF_NETLINK),
    N(SB_NAMES_AF, AF_PACKET),
    N(SB_NAMES_AF, AF_ASH),
    N(SB_NAMES_AF, AF_ECONET),
    N(SB_NAMES_AF, AF_ATMSVC),
    N(SB_NAMES_AF, AF_RDS),
    N(SB_NAMES_AF, AF_SNA),
    N(SB_NAMES_AF, AF_IRDA),
    N(SB_NAMES_AF, AF_PPPOX),
    N(SB_NAMES_AF, AF_WANPIPE),
    N(SB_NAMES_AF, AF_LLC),
    N(SB_NAMES_AF, AF_IB),
    N(SB_NAMES_AF, AF_MPLS),
    N(SB_NAMES_AF, AF_CAN),
    N(SB_NAMES_AF, AF_TIPC),
    N(SB_NAMES_AF, AF_BLUETOOTH),
    N(SB_NAMES_AF, AF_IUCV),
    N(SB_NAMES_AF, AF_RXRPC),
    N(SB_NAMES_AF, AF_ISDN),
    N(SB_NAMES_AF, AF_PHONET),
    N(SB_NAMES_AF, AF_IEEE802154),
    N(SB_NAMES_AF, AF_CAIF),
    N(SB_NAMES_AF, AF_ALG),
    N(SB_NAMES_AF, AF_NFC),
    N(SB_NAMES_AF, AF_VSOCK),
    N(SB_NAMES_AF, AF_KCM),
    N(SB_NAMES_AF, AF_QIPCRTR),
    N(SB_NAMES_AF, AF_SMC),
    N(SB_NAMES_AF, AF_XDP),
    N(SB_NAMES_PR, PR_SET_PDEATHSIG),
    N(SB_NAMES_PR, PR_GET_PDEATHSIG),
    N(SB_NAMES_PR, PR_GET_DUMPABLE),
    N(SB_NAMES_PR, PR_SET_DUMPABLE),
    N(SB_NAMES_PR, PR_GET_KEEPCAPS),
    N(SB_NAMES_PR, PR_SET_KEEPCAPS),
    N(SB_NAMES_PR, PR_SET_NAME),
    N(SB_NAMES_PR, PR_GET_NAME),
    N(SB_NAMES_PR, PR_GET_SECCOMP),
    N(SB_NAMES_PR, PR_SET_SECCOMP),
    N(SB_NAMES_PR, PR_CAPBSET_READ),
    N(SB_NAMES_PR, PR_CAPBSET_DROP),
    N(SB_NAMES_PR, PR_GET_SECUREBITS),
    N(SB_NAMES_PR, PR_SET_SECUREBITS),
    N(SB_NAMES_PR, PR_SET_TIMERSLACK),
    N(SB_NAMES_PR, PR_GET_TIMERSLACK),
    N(SB_NAMES_PR, PR_SET_MM),
    N(SB_NAMES_PR, PR_SET_CHILD_SUBREAPER),
    N(SB_NAMES_PR, PR_GET_CHILD_SUBREAPER),
    N(SB_NAMES_PR, PR_SET_NO_NEW_PRIVS),
    N(SB_NAMES_PR, PR_GET_NO_NEW_PRIVS),
    N(SB_NAMES_PR, PR_SET_THP_DISABLE),
    N(SB_NAMES_PR, PR_GET_THP_DISABLE),
    N(SB_NAMES_PR, PR_CAP_AMBIENT),
    N(SB_NAMES_PR, PR_SET_SPECULATION_CTRL),
    N(SB_NAMES_PR, PR_GET_SPECULATION_CTRL),
    N(SB_NAMES_PR, PR_SET_PTRACER),
    N(SB_NAMES_PR, PR_SET_VMA),
    N(SB_NAMES_IOCTL, TCGETS),
    N(SB_NAMES_IOCTL, TCSETS),
    N(SB_NAMES_IOCTL, TCSETSW),
    N(SB_NAMES_IOCTL, TCSETSF),
    N(SB_NAMES_IOCTL, TIOCSCTTY),
    N(SB_NAMES_IOCTL, TIOCGPGRP),
    N(SB_NAMES_IOCTL, TIOCSPGRP),
    N(SB_NAMES_IOCTL, TIOCSTI),
    N(SB_NAMES_IOCTL, TIOCGWINSZ),
    N(SB_NAMES_IOCTL, TIOCSWINSZ),
    N(SB_NAMES_IOCTL, FIONREAD),
    N(SB_NAMES_IOCTL, TIOCLINUX),
    N(SB_NAMES_IOCTL, TIOCCONS),
    N(SB_NAMES_IOCTL, FIONBIO),
    N(SB_NAMES_IOCTL, TIOCNOTTY),
    N(SB_NAMES_IOCTL, TIOCSETD),
    N(SB_NAMES_IOCTL, TIOCGETD),
    N(SB_NAMES_IOCTL, TIOCGPTN),
    N(SB_NAMES_IOCTL, TIOCSPTLCK),
    N(SB_NAMES_IOCTL, FIONCLEX),
    N(SB_NAMES_IOCTL, FIOCLEX),
    N(SB_NAMES_IOCTL, FIOASYNC),
    N(SB_NAMES_PER, READ_IMPLIES_EXEC),
    N(SB_NAMES_PER, ADDR_NO_RANDOMIZE),
    N(SB_NAMES_PER, ADDR_COMPAT_LAYOUT),
    N(SB_NAMES_PER, MMAP_PAGE_ZERO),
    N(SB_NAMES_PER, ADDR_LIMIT_32BIT),
    N(SB_NAMES_PER, SHORT_INODE),
    N(SB_NAMES_PER, WHOLE_SECONDS),
    N(SB_NAMES_PER, STICKY_TIMEOUTS),
    N(SB_NAMES_PER, ADDR_LIMIT_3GB),
};
#undef N

const struct sb_arg_def *sb_arg_def(enum sb_arg_id id)
{
	return id >= 0 && id < SB_ARG_N ? &table[id] : NULL;
}

int sb_arg_nr(enum sb_arg_id id)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	int nr = d ? seccomp_syscall_resolve_name(d->syscall) : __NR_SCMP_ERROR;

	return nr < 0 ? -1 : nr;
}

/* nr -> id + 1 (0: not checked), resolved once: the profiler asks for
 * every call it sees. */
static int8_t by_nr[SB_NR_MAX];
static pthread_once_t by_nr_once = PTHREAD_ONCE_INIT;

static void resolve_by_nr(void)
{
	for (int id = 0; id < SB_ARG_N; id++) {
		int nr = sb_arg_nr((enum sb_arg_id)id);
		if (nr >= 0 && nr < SB_NR_MAX)
			by_nr[nr] = (int8_t)(id + 1);
	}
}

int sb_arg_for_syscall(int nr)
{
	if (nr < 0 || nr >= SB_NR_MAX)
		return -1;
	pthread_once(&by_nr_once, resolve_by_nr);
	return by_nr[nr] - 1;
}

int sb_arg_by_name(const char *name)
{
	for (int id = 0; id < SB_ARG_N; id++)
		if (strcmp(table[id].arg, name) == 0)
			return id;
	return -1;
}

const char *sb_arg_value_name(enum sb_arg_id id, uint64_t v)
{
	const struct sb_arg_def *d = sb_arg_def(id);

	for (size_t i = 0; d && i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].set == d->names && names[i].v == v)
			return names[i].name;
	return NULL;
}

int sb_arg_value_parse(enum sb_arg_id id, const char *s, uint64_t *out)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	char *end;

	if (d == NULL || *s == '\0')
		return -EINVAL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].set == d->names && strcmp(names[i].name, s) == 0) {
			*out = names[i].v;
			return 0;
		}
	}
	/* Numbers where no name exists: decimal or 0x hex (never octal, never
	 * negative). */
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (!isxdigit((unsigned char)s[hex ? 2 : 0]) || (!hex && (*s < '0' || *s > '9')))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, hex ? 16 : 10);
	if (errno != 0 || *end != '\0' || (v & ~d->width) != 0)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool has_value(const struct sb_cond *c, uint64_t x)
{
	for (int i = 0; i < c->n; i++)
		if (c->v[i] == x)
			return true;
	return false;
}

bool sb_cond_pass(enum sb_arg_id id, const struct sb_cond *c, uint64_t x)
{
	const struct sb_arg_def *d = sb_arg_def(id);

	if (d == NULL || c->kind == SB_COND_NONE)
		return true;
	if (d->kind == SB_ARG_FLAGS)
		return (x & c->v[0]) == 0;
	x &= d->width;
	return c->kind == SB_COND_ONLY ? has_value(c, x) : !has_value(c, x);
}

bool sb_cond_equal(const struct sb_cond *a, const struct sb_cond *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == SB_COND_NONE)
		return true;
	return a->n == b->n && memcmp(a->v, b->v, sizeof(a->v[0]) * (size_t)a->n) == 0;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Add x to a sorted set; -E2BIG when full. */
static int add_value(struct sb_cond *c, uint64_t x)
{
	if (has_value(c, x))
		return 0;
	if (c->n == SB_COND_MAX)
		return -E2BIG;
	c->v[c->n++] = x;
	qsort(c->v, (size_t)c->n, sizeof(c->v[0]), by_value);
	return 0;
}

/* Keep the values of c that `other` holds (in_other) or lacks (!in_other),
 * in place and in order; none left is no condition. */
static void filter_values(struct sb_cond *c, const struct sb_cond *other, bool in_other)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (has_value(other, c->v[i]) == in_other)
			c->v[n++] = c->v[i];
	c->n = n;
	if (n == 0)
		*c = (struct sb_cond){.kind = SB_COND_NONE};
}

int sb_cond_merge(enum sb_arg_id id, struct sb_cond *dst, const struct sb_cond *src)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	struct sb_cond s = *src;

	if (dst->kind == SB_COND_NONE || s.kind == SB_COND_NONE) {
		*dst = (struct sb_cond){.kind = SB_COND_NONE};
		return 0;
	}
	if (d->kind == SB_ARG_FLAGS) { /* bits denied by both stay denied */
		dst->v[0] &= s.v[0];
		if (dst->v[0] == 0)
			*dst = (struct sb_cond){.kind = SB_COND_NONE};
		return 0;
	}
	if (dst->kind == SB_COND_ONLY && s.kind == SB_COND_ONLY) {
		for (int i = 0; i < s.n; i++)
			if (add_value(dst, s.v[i]) < 0) {
				*dst = (struct sb_cond){.kind = SB_COND_NONE};
				return -E2BIG;
			}
		return 0;
	}
	if (dst->kind == SB_COND_ONLY) { /* only A ∪ not B = not (B \ A) */
		struct sb_cond a = *dst;
		*dst = s;
		s = a;
	}
	/* dst is `not`: a value stays denied if the other side denies it too */
	filter_values(dst, &s, s.kind == SB_COND_NOT);
	return 0;
}

int sb_cond_allow(enum sb_arg_id id, struct sb_cond *c, uint64_t x)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	struct sb_cond one = {.kind = SB_COND_ONLY, .n = 1, .v = {x & d->width}};

	if (d->kind == SB_ARG_FLAGS)
		one = (struct sb_cond){.kind = SB_COND_NOT, .n = 1, .v = {~x & d->width}};
	if (one.kind == SB_COND_NOT && one.v[0] == 0)
		one.kind = SB_COND_NONE;
	return sb_cond_merge(id, c, &one);
}

/* The next comma-separated word of *s into w (blanks trimmed, "" for an
 * empty or overlong one); *s then points past its comma, or is NULL after
 * the last word. */
static void next_word(const char **s, char *w, size_t len)
{
	const char *p = *s + strspn(*s, " \t");
	size_t n = strcspn(p, ","), end = n;

	while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	snprintf(w, len, "%.*s", end < len ? (int)end : 0, p);
	*s = p[n] == ',' ? p + n + 1 : NULL;
}

static int parse_fail(char *bad, size_t badlen, const char *word)
{
	if (badlen > 0)
		snprintf(bad, badlen, "%s", word);
	return -EINVAL;
}

int sb_cond_parse(enum sb_arg_id id, const char *text, struct sb_cond *out, char *bad, size_t badlen)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	struct sb_cond c = {.kind = SB_COND_NOT};
	char w[64];
	uint64_t v;

	if (d == NULL)
		return parse_fail(bad, badlen, "");
	if (strncmp(text, "only", 4) == 0 && (text[4] == ' ' || text[4] == '\t') && d->kind == SB_ARG_VALUES)
		c.kind = SB_COND_ONLY;
	else if (strncmp(text, "not", 3) != 0 || (text[3] != ' ' && text[3] != '\t'))
		return parse_fail(bad, badlen, text);
	text += c.kind == SB_COND_ONLY ? 4 : 3;
	text += strspn(text, " \t");
	if (*text == '\0')
		return parse_fail(bad, badlen, "");
	while (text != NULL) {
		next_word(&text, w, sizeof(w));
		if (sb_arg_value_parse(id, w, &v) < 0 || (d->kind == SB_ARG_FLAGS && v == 0))
			return parse_fail(bad, badlen, w);
		if (d->kind == SB_ARG_FLAGS)
			c.n = 1, c.v[0] |= v;
		else if (add_value(&c, v) < 0)
			return parse_fail(bad, badlen, "(more than 12 values)");
	}
	*out = c;
	return 0;
}

/* Append ", word" (or word) to buf; false if it does not fit. */
static bool append(char *buf, size_t len, size_t *off, const char *word)
{
	int n = snprintf(buf + *off, len - *off, "%s%s", buf[*off - 1] == ' ' ? "" : ", ", word);

	if (n < 0 || (size_t)n >= len - *off)
		return false;
	*off += (size_t)n;
	return true;
}

/* The words of c, names if `named`; false if they do not fit. */
static bool format_words(enum sb_arg_id id, const struct sb_cond *c, bool named, char *buf, size_t len)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	size_t off = (size_t)snprintf(buf, len, "%s ", c->kind == SB_COND_ONLY ? "only" : "not");
	char num[24];

	if (off >= len)
		return false;
	for (int i = 0; i < (d->kind == SB_ARG_FLAGS ? 64 : c->n); i++) {
		uint64_t v = d->kind == SB_ARG_FLAGS ? c->v[0] & (1ull << i) : c->v[i];
		const char *name = named ? sb_arg_value_name(id, v) : NULL;

		if (d->kind == SB_ARG_FLAGS && v == 0)
			continue;
		if (d->kind == SB_ARG_FLAGS && !named) { /* one number for the mask */
			snprintf(num, sizeof(num), "%#llx", (unsigned long long)c->v[0]);
			return append(buf, len, &off, num);
		}
		snprintf(num, sizeof(num), "%#llx", (unsigned long long)v);
		if (!append(buf, len, &off, name ? name : num))
			return false;
	}
	return true;
}

const char *sb_cond_format(enum sb_arg_id id, const struct sb_cond *c, char *buf, size_t len)
{
	if (sb_arg_def(id) == NULL || len < 8)
		return NULL;
	if (c->kind == SB_COND_NONE) {
		snprintf(buf, len, "any");
		return buf;
	}
	if (format_words(id, c, true, buf, len) || format_words(id, c, false, buf, len))
		return buf;
	return NULL;
}

const char *sb_cond_why(enum sb_arg_id id, const struct sb_cond *c, uint64_t x, char *buf, size_t len)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	struct sb_cond bad = {.kind = SB_COND_NOT, .n = 1, .v = {x & d->width}};

	if (d->kind == SB_ARG_FLAGS && c->kind != SB_COND_NONE)
		bad.v[0] = x & c->v[0];
	/* "PROT_EXEC" or "AF_NETLINK": format_words without its "not " */
	if (!format_words(id, &bad, true, buf, len) && !format_words(id, &bad, false, buf, len))
		return "?";
	memmove(buf, buf + 4, strlen(buf + 4) + 1);
	return buf;
}

/* The index of x (masked to the width) in d's dangerous values, or -1. */
static int danger_index(const struct sb_arg_def *d, uint64_t x)
{
	for (int i = 0; d->danger && d->danger[i] && i < 64; i++)
		if ((d->danger[i] & d->width) == x)
			return i;
	return -1;
}

void sb_arg_record(enum sb_arg_id id, struct sb_arg_seen *s, uint64_t x)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	struct sb_cond set = {.kind = SB_COND_ONLY, .n = s->n};

	if (d == NULL)
		return;
	s->any = true;
	x &= d->width;
	if (d->kind == SB_ARG_FLAGS) {
		s->bits |= x;
		return;
	}
	int i = danger_index(d, x);
	if (i >= 0)
		s->danger_seen |= 1ull << i;
	memcpy(set.v, s->v, sizeof(s->v));
	if (add_value(&set, x) < 0)
		s->overflow = true;
	s->n = set.n;
	memcpy(s->v, set.v, sizeof(s->v));
}

void sb_arg_seen_merge(enum sb_arg_id id, struct sb_arg_seen *dst, const struct sb_arg_seen *src, bool danger)
{
	const struct sb_arg_def *d = sb_arg_def(id);

	if (d == NULL || !src->any)
		return;
	if (d->kind == SB_ARG_FLAGS) {
		sb_arg_record(id, dst, danger ? src->bits : src->bits & ~d->watch);
		return;
	}
	dst->any = true;
	for (int i = 0; i < src->n && i < SB_COND_MAX; i++)
		if (danger || danger_index(d, src->v[i]) < 0)
			sb_arg_record(id, dst, src->v[i]);
	if (danger) {
		dst->overflow |= src->overflow;
		dst->danger_seen |= src->danger_seen;
	}
}

/* values: deny the dangerous values the run never saw */
static struct sb_cond deny_unseen(const struct sb_arg_def *d, const struct sb_arg_seen *s)
{
	struct sb_cond c = {.kind = SB_COND_NOT};

	/* danger_seen, not the value set: that one stops at SB_COND_MAX */
	for (int i = 0; d->danger[i] && i < 64; i++)
		if (!(s->danger_seen & (1ull << i)))
			add_value(&c, d->danger[i] & d->width);
	if (c.n == 0)
		c.kind = SB_COND_NONE;
	return c;
}

/* Values of equal power, for the allow-lists a run generates: a run that
 * saw one member is allowed the group (as families of equal power are for
 * syscalls, sandbox-policy(5) FAMILIES), so an unseen path does not die for
 * a value that grants nothing more. Not under --args=exact. */
static const struct {
	enum sb_arg_id id;
	uint64_t v[3]; /* 0-terminated; always[] entries have one value */
	const char *why;
} peers[] = {
    {SB_ARG_SOCKET_DOMAIN,
     {AF_INET, AF_INET6, 0},
     "IPv4 and IPv6 reach the same network (a server binds ::1 beside 127.0.0.1)"},
    {SB_ARG_SOCKETPAIR_DOMAIN, {AF_INET, AF_INET6, 0}, "as socket"},
};

/* Values every generated allow-list of the argument holds: what glibc
 * itself asks for on rare paths. */
static const struct {
	enum sb_arg_id id;
	uint64_t v;
	const char *why;
} always[] = {
    {SB_ARG_SOCKET_DOMAIN, AF_UNIX, "glibc's syslog(3) and its NSS lookups (nscd) open one on their own"},
};

/* Dangerous values of value arguments whose rule is an allow-list (no
 * danger list): named by the reports (describe.c), never a rule. */
static const struct {
	enum sb_arg_id id;
	uint64_t v;
} notable[] = {
    {SB_ARG_SOCKET_DOMAIN, AF_NETLINK}, /* the network stack's configuration */
    {SB_ARG_SOCKET_DOMAIN, AF_PACKET},  /* raw frames */
};

int sb_arg_notable(enum sb_arg_id id, uint64_t *out, int max)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(notable) / sizeof(notable[0]); i++)
		if (notable[i].id == id && n < max)
			out[n++] = notable[i].v;
	return n;
}

/* Widen an allow-list by the peers of its values and the always values;
 * a list that would overflow becomes no condition (any value), as merge
 * does: wider, never narrower than what was seen. */
static void add_peers(enum sb_arg_id id, struct sb_cond *c)
{
	struct sb_cond w = *c;
	int r = 0;

	for (size_t i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		bool hit = false;
		for (int k = 0; peers[i].id == id && peers[i].v[k]; k++)
			hit |= sb_cond_pass(id, c, peers[i].v[k]);
		for (int k = 0; hit && peers[i].v[k] && r == 0; k++)
			r = sb_cond_allow(id, &w, peers[i].v[k]);
	}
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]) && r == 0; i++)
		if (always[i].id == id)
			r = sb_cond_allow(id, &w, always[i].v);
	*c = r < 0 ? (struct sb_cond){.kind = SB_COND_NONE} : w;
}

struct sb_cond sb_arg_generate(enum sb_arg_id id, const struct sb_arg_seen *s, enum sb_args_mode mode)
{
	const struct sb_arg_def *d = sb_arg_def(id);
	struct sb_cond c = {.kind = SB_COND_NONE};

	if (d == NULL || mode == SB_ARGS_OFF || !s->any)
		return c;
	if (d->kind == SB_ARG_FLAGS) {
		uint64_t deny = (mode == SB_ARGS_EXACT ? d->exact | d->watch : d->watch) & ~s->bits;
		if (deny)
			c = (struct sb_cond){.kind = SB_COND_NOT, .n = 1, .v = {deny}};
		return c;
	}
	/* An allow-list where there is no short list of dangerous values (or
	 * --args=exact), unless the run saw more values than a line holds. */
	if ((mode == SB_ARGS_EXACT || d->danger == NULL) && !s->overflow) {
		c = (struct sb_cond){.kind = SB_COND_ONLY, .n = s->n};
		memcpy(c.v, s->v, sizeof(s->v));
		if (mode != SB_ARGS_EXACT)
			add_peers(id, &c);
		return c;
	}
	return d->danger ? deny_unseen(d, s) : c;
}
