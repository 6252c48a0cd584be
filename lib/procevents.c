/* procevents.c - the proc connector (procevents.h).
 *
 * Invariants: a socket is returned only once the kernel acknowledged the
 * subscription, so no event after sb_procevents_open returns is missed
 * unless the kernel says it dropped some (ENOBUFS); only whole netlink
 * messages that carry a proc_event of a known kind reach the callback.
 */
#include "procevents.h"

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ACK_WAIT_MS 1000

/* PROC_CN_MCAST_LISTEN, one netlink message. */
static int subscribe(int fd)
{
	union {
		struct nlmsghdr nl;
		char b[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))];
	} m;
	struct cn_msg *cn = NLMSG_DATA(&m.nl);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;

	memset(&m, 0, sizeof(m));
	m.nl.nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	m.nl.nlmsg_type = NLMSG_DONE;
	cn->id = (struct cb_id){.idx = CN_IDX_PROC, .val = CN_VAL_PROC};
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	return send(fd, &m, m.nl.nlmsg_len, 0) < 0 ? -errno : 0;
}

/* The event in one netlink message, copied out: it sits 36 bytes in, not
 * aligned for its 64-bit fields. False if the message carries none. */
static bool event_of(const struct nlmsghdr *h, struct proc_event *out)
{
	const struct cn_msg *cn = NLMSG_DATA(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + sizeof(*out)) || cn->id.idx != CN_IDX_PROC ||
	    cn->id.val != CN_VAL_PROC)
		return false;
	memcpy(out, cn->data, sizeof(*out));
	return true;
}

/* Our view of e; false for what is not passed on (threads, other kinds). */
static bool convert(const struct proc_event *e, struct sb_pev *out)
{
	switch (e->what) {
	case PROC_EVENT_FORK:
		*out = (struct sb_pev){SB_PEV_FORK, e->event_data.fork.child_tgid,
		                       e->event_data.fork.parent_tgid, 0};
		return e->event_data.fork.child_pid == e->event_data.fork.child_tgid;
	case PROC_EVENT_EXEC:
		*out = (struct sb_pev){SB_PEV_EXEC, e->event_data.exec.process_tgid, 0, 0};
		return true;
	case PROC_EVENT_EXIT:
		*out = (struct sb_pev){SB_PEV_EXIT, e->event_data.exit.process_tgid, 0,
		                       (int)e->event_data.exit.exit_code};
		return e->event_data.exit.process_pid == e->event_data.exit.process_tgid;
	default: return false;
	}
}

/* One datagram; returns its length, 0 when the queue is empty, or -errno. */
static ssize_t recv_one(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	return n;
}

/* The acknowledgement of the subscription (PROC_EVENT_NONE, err 0); any
 * event before it is not ours to pass on. */
static int wait_ack(int fd)
{
	union {
		struct nlmsghdr nl;
		char b[4096];
	} m;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (poll(&p, 1, ACK_WAIT_MS) > 0) {
		ssize_t n = recv_one(fd, &m, sizeof(m));
		if (n < 0)
			return (int)n;
		for (struct nlmsghdr *h = &m.nl; n > 0 && NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct proc_event e;
			if (event_of(h, &e) && e.what == PROC_EVENT_NONE)
				return e.event_data.ack.err ? -(int)e.event_data.ack.err : 0;
		}
	}
	return -ETIMEDOUT;
}

int sb_procevents_open(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR), r;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		r = -errno;
	else
		r = subscribe(fd);
	if (r == 0)
		r = wait_ack(fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int sb_procevents_read(int fd, void (*fn)(void *ctx, const struct sb_pev *e), void *ctx)
{
	union {
		struct nlmsghdr nl;
		char b[16384];
	} m;
	int lost = 0;
	ssize_t n;

	while ((n = recv_one(fd, &m, sizeof(m))) != 0) {
		if (n == -ENOBUFS) {
			lost = -ENOBUFS;
			continue;
		}
		if (n < 0)
			return (int)n;
		for (struct nlmsghdr *h = &m.nl; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct proc_event e;
			struct sb_pev ev;
			if (event_of(h, &e) && convert(&e, &ev))
				fn(ctx, &ev);
		}
	}
	return lost;
}
