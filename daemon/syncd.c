// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connection synchronisation daemons (syncd.h), following the kernel's
 * ip_vs_sync.c (start_sync_thread, make_send_sock, make_receive_sock,
 * sb_queue_tail, sync_thread_master, sync_thread_backup).
 *
 * There are sync_ports "ports" (threads in the kernel), fixed when the
 * first daemon starts: port id uses UDP port mcast_port + id, and a
 * connection always goes out through the same one (a hash of its client
 * address and port; the kernel uses its address in memory).
 *
 * Master.  The engine hands over each connection due for a sync
 * (xdpvs_sync_set); it goes into its port's current buffer, a message of
 * at most sync_maxlen bytes.  A full buffer is queued (at most
 * sync_qlen_max of them, beyond that dropped and counted); the queue is
 * sent 20 ms after it stops being empty, or at once when 8 buffers were
 * queued since it was last sent; a buffer not full is sent 2 s after its
 * first record went in.  Stopping discards what was not sent, as the
 * kernel does.  The socket: IP_MULTICAST_IF the interface, loopback off,
 * the TTL, no path MTU discovery (fragments allowed), bound to the
 * interface's IPv4 address, connected to group:port+id.
 *
 * Backup.  A socket per port bound to group:port+id and to the interface
 * (SO_BINDTODEVICE, as the kernel's sk_bound_dev_if), member of the group
 * there, SO_REUSEADDR; datagrams are read into a buffer of sync_maxlen
 * bytes (a longer one comes truncated and fails the size check, as in
 * the kernel), decoded (core/sync_msg.c, with the sync id filter) and
 * applied to the engine; whatever is dropped is counted by reason.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <xdpvs/engine.h>

#include "core/sync_msg.h"
#include "ctl/cmd.h"
#include "log.h"
#include "loop.h"
#include "syncd.h"

#define SYNCD_PORTS_MAX 64			/* IPVS_SYNC_PORTS_MAX */
#define SYNCD_SEND_DELAY_NS (20 * 1000000ULL)	/* IPVS_SYNC_SEND_DELAY */
#define SYNCD_WAKEUP_RATE 8			/* IPVS_SYNC_WAKEUP_RATE */
#define SYNCD_FLUSH_NS (2 * 1000000000ULL)	/* IPVS_SYNC_FLUSH_TIME */
#define SYNCD_RX_BATCH 64	/* datagrams a wake-up, then the others */
#define SYNCD_HLEN4 28		/* IPv4 + UDP headers */
#define SYNCD_HLEN6 48		/* IPv6 + UDP headers */

/* A message being filled or waiting to be sent. */
struct syncd_buf {
	struct syncd_buf *next;
	struct xdpvs_sync_buf b;
	uint8_t data[];
};

struct syncd_port {
	int fd;
	struct syncd *s;
	struct syncd_buf *cur;		/* master: being filled */
	struct syncd_buf *head;		/* master: queued, oldest first */
	struct syncd_buf **tail;
	uint32_t qlen;
	uint32_t delay;			/* queued since last sent */
	uint64_t send_at;		/* 0: no send due */
};

struct syncd_role {
	struct xdpvs_ctl_daemon cfg;	/* state 0: not running */
	uint32_t ifindex;
	struct syncd_port port[SYNCD_PORTS_MAX];
};

struct syncd_tx {
	uint64_t msgs, bytes, conns;
	uint64_t queue_full;		/* buffers dropped: queue full */
	uint64_t errors;		/* failed sends */
};

struct syncd {
	struct loop *loop;
	struct xdpvs_engine *e;
	unsigned int nports;
	struct syncd_role master, backup;
	int timer_fd;			/* the master's sends */
	uint8_t *rxbuf;
	struct xdpvs_sync_counters rx;
	struct syncd_tx tx;
	struct log_rl rl;
};

static int syncd_sysctl(const struct syncd *s, const char *name)
{
	int v = 0;

	xdpvs_sysctl_get(s->e, name, &v);
	return v;
}

/* ------------------------------------------------------------------
 * Master: buffers and sending
 */

static struct syncd_buf *syncd_buf_new(const struct syncd *s, int version)
{
	uint32_t maxlen = s->master.cfg.sync_maxlen;
	struct syncd_buf *sb = malloc(sizeof(*sb) +
				      XDPVS_SYNC_BUF_SIZE(maxlen));

	if (!sb)
		return NULL;
	sb->next = NULL;
	xdpvs_sync_buf_init(&sb->b, sb->data, maxlen, version,
			    (uint8_t)s->master.cfg.syncid);
	sb->b.firstuse = loop_now();
	return sb;
}

static void syncd_free_bufs(struct syncd_port *p)
{
	struct syncd_buf *sb;

	free(p->cur);
	p->cur = NULL;
	while ((sb = p->head)) {
		p->head = sb->next;
		free(sb);
	}
	p->tail = &p->head;
	p->qlen = p->delay = 0;
	p->send_at = 0;
}

/* Send p's queue; what the socket will not take now stays for the next
 * timer (the kernel's thread waits until it is writable). */
static void syncd_send_queue(struct syncd *s, struct syncd_port *p)
{
	struct syncd_buf *sb;

	while ((sb = p->head)) {
		ssize_t n = send(p->fd, sb->data, sb->b.len, MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			p->send_at = loop_now() + SYNCD_SEND_DELAY_NS;
			return;
		}
		if (n < 0) {
			s->tx.errors++;
			log_rl(&s->rl, loop_now(), LOG_LVL_WARN, -errno,
			       "sync master: cannot send a message");
		} else {
			s->tx.msgs++;
			s->tx.bytes += (uint64_t)n;
		}
		p->head = sb->next;
		free(sb);
		p->qlen--;
	}
	p->tail = &p->head;
	p->delay = 0;
	p->send_at = 0;
}

/* Queue p's current buffer (sb_queue_tail). */
static void syncd_queue(struct syncd *s, struct syncd_port *p)
{
	struct syncd_buf *sb = p->cur;

	p->cur = NULL;
	if (p->qlen >= (uint32_t)syncd_sysctl(s, "sync_qlen_max")) {
		s->tx.queue_full++;
		free(sb);
		return;
	}
	if (!p->qlen)
		p->send_at = loop_now() + SYNCD_SEND_DELAY_NS;
	*p->tail = sb;
	p->tail = &sb->next;
	p->qlen++;
	if (++p->delay == SYNCD_WAKEUP_RATE)
		syncd_send_queue(s, p);
}

/* Arm the timer for the master's next due send or flush. */
static void syncd_arm(struct syncd *s)
{
	struct itimerspec its = { 0 };
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; s->master.cfg.state && i < s->nports; i++) {
		const struct syncd_port *p = &s->master.port[i];

		if (p->qlen && p->send_at < next)
			next = p->send_at;
		if (p->cur && p->cur->b.firstuse + SYNCD_FLUSH_NS < next)
			next = p->cur->b.firstuse + SYNCD_FLUSH_NS;
	}
	if (next != UINT64_MAX) {
		next = next ? next : 1;	/* 0 would disarm it */
		its.it_value.tv_sec = (time_t)(next / 1000000000ULL);
		its.it_value.tv_nsec = (long)(next % 1000000000ULL);
	}
	timerfd_settime(s->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void syncd_on_timer(void *arg, uint32_t events)
{
	struct syncd *s = arg;
	uint64_t n, now = loop_now();
	unsigned int i;

	if (read(s->timer_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	for (i = 0; s->master.cfg.state && i < s->nports; i++) {
		struct syncd_port *p = &s->master.port[i];

		/* not delayed for more than 2 s */
		if (p->cur && now >= p->cur->b.firstuse + SYNCD_FLUSH_NS)
			syncd_queue(s, p);
		if (p->qlen && now >= p->send_at)
			syncd_send_queue(s, p);
	}
	syncd_arm(s);
}

/* The port a connection goes out through. */
static unsigned int syncd_port_of(const struct syncd *s,
				  const struct xdpvs_conn_info *ci)
{
	uint32_t h = ci->cport ^ ci->protocol << 16;
	int i;

	for (i = 0; i < 4; i++)
		h = (h ^ ci->caddr.ip6[i]) * 0x9e3779b1U;
	return (h >> 16) % s->nports;
}

/* The engine's hand-over (xdpvs_sync_conn_fn). */
static void syncd_master_conn(void *ctx, const struct xdpvs_conn_info *ci)
{
	struct syncd *s = ctx;
	struct syncd_port *p = &s->master.port[syncd_port_of(s, ci)];
	int version = syncd_sysctl(s, "sync_version") ? 1 : 0;
	struct xdpvs_sync_rec r = { .ci = *ci, .wire_flags = ci->flags };
	bool was_idle = !p->cur;
	int rc = -ENOSPC;

	/* a buffer of the other version goes as it is */
	if (p->cur && p->cur->b.version != version)
		syncd_queue(s, p);
	if (p->cur)
		rc = xdpvs_sync_buf_add(&p->cur->b, &r);
	if (rc == -ENOSPC) {
		if (p->cur)
			syncd_queue(s, p);
		p->cur = syncd_buf_new(s, version);
		rc = p->cur ? xdpvs_sync_buf_add(&p->cur->b, &r) : -ENOMEM;
	}
	if (!rc)
		s->tx.conns++;
	if (was_idle || p->qlen)
		syncd_arm(s);
}

/* ------------------------------------------------------------------
 * Backup: receiving
 */

static void syncd_backup_rec(void *ctx, const struct xdpvs_sync_rec *r)
{
	struct syncd *s = ctx;
	int rc = xdpvs_sync_apply(s->e, &r->ci);

	/* counted as taken by the decoder, and as not applied here */
	if (rc)
		s->rx.drops[rc == -ENOENT ? XDPVS_SYNC_DROP_PE :
					    XDPVS_SYNC_DROP_APPLY]++;
}

static void syncd_on_rx(void *arg, uint32_t events)
{
	struct syncd_port *p = arg;
	struct syncd *s = p->s;
	int i;

	for (i = 0; i < SYNCD_RX_BATCH; i++) {
		ssize_t n = recv(p->fd, s->rxbuf, s->backup.cfg.sync_maxlen,
				 MSG_DONTWAIT);
		uint64_t dropped = s->rx.drops[XDPVS_SYNC_DROP_SIZE] +
				   s->rx.drops[XDPVS_SYNC_DROP_SHORT];

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_rl(&s->rl, loop_now(), LOG_LVL_WARN,
				       -errno, "sync backup: receive");
			return;
		}
		xdpvs_engine_tick(s->e, loop_now());
		xdpvs_sync_msg_decode(s->rxbuf, (size_t)n,
				      (uint8_t)s->backup.cfg.syncid,
				      syncd_backup_rec, s, &s->rx);
		if (s->rx.drops[XDPVS_SYNC_DROP_SIZE] +
		    s->rx.drops[XDPVS_SYNC_DROP_SHORT] != dropped)
			log_rl(&s->rl, loop_now(), LOG_LVL_DEBUG, 0,
			       "sync backup: bogus message of %zd bytes", n);
	}
}

/* ------------------------------------------------------------------
 * Sockets
 */

static int syncd_setopt(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) ? -errno : 0;
}

/* group:port+id of role r. */
static socklen_t syncd_group(const struct syncd_role *r, unsigned int id,
			     struct sockaddr_storage *ss)
{
	const struct xdpvs_ctl_daemon *c = &r->cfg;
	uint16_t port = htons((uint16_t)(c->mcast_port + id));

	memset(ss, 0, sizeof(*ss));
	if (c->mcast_af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = port;
		memcpy(&s6->sin6_addr, &c->mcast_group, 16);
		s6->sin6_scope_id = r->ifindex;
		return sizeof(*s6);
	}
	((struct sockaddr_in *)ss)->sin_family = AF_INET;
	((struct sockaddr_in *)ss)->sin_port = port;
	((struct sockaddr_in *)ss)->sin_addr.s_addr = c->mcast_group.ip;
	return sizeof(struct sockaddr_in);
}

/* The first IPv4 address of interface name (the kernel's
 * inet_select_addr), or 0 (then the socket is bound to any). */
static uint32_t syncd_if_addr(const char *name)
{
	struct ifaddrs *ifa, *i;
	uint32_t a = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i && !a; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    strcmp(i->ifa_name, name) == 0)
			a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifa);
	return a;
}

/* The master's options on fd (make_send_sock, less the connect). */
static int syncd_send_opts(const struct syncd *s, int fd)
{
	const struct syncd_role *r = &s->master;
	int size = syncd_sysctl(s, "sync_sock_size"), err;
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (r->cfg.mcast_af == AF_INET6) {
		err = syncd_setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF,
				   (int)r->ifindex);
		err = err ? err : syncd_setopt(fd, IPPROTO_IPV6,
					       IPV6_MULTICAST_LOOP, 0);
		err = err ? err : syncd_setopt(fd, IPPROTO_IPV6,
					       IPV6_MULTICAST_HOPS,
					       r->cfg.mcast_ttl);
		err = err ? err : syncd_setopt(fd, IPPROTO_IPV6,
					       IPV6_MTU_DISCOVER,
					       IPV6_PMTUDISC_DONT);
	} else {
		struct ip_mreqn mr = { .imr_ifindex = (int)r->ifindex };

		err = setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr,
				 sizeof(mr)) ? -errno : 0;
		err = err ? err : syncd_setopt(fd, IPPROTO_IP,
					       IP_MULTICAST_LOOP, 0);
		err = err ? err : syncd_setopt(fd, IPPROTO_IP,
					       IP_MULTICAST_TTL,
					       r->cfg.mcast_ttl);
		err = err ? err : syncd_setopt(fd, IPPROTO_IP,
					       IP_MTU_DISCOVER,
					       IP_PMTUDISC_DONT);
		sin.sin_addr.s_addr = syncd_if_addr(r->cfg.mcast_ifn);
		if (!err && bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			err = -errno;
	}
	if (!err && size > 0)
		err = syncd_setopt(fd, SOL_SOCKET, SO_SNDBUF, size);
	return err;
}

/* The backup's options on fd and its group (make_receive_sock). */
static int syncd_recv_opts(const struct syncd *s, int fd, unsigned int id)
{
	const struct syncd_role *r = &s->backup;
	int size = syncd_sysctl(s, "sync_sock_size"), err;
	struct sockaddr_storage ss;
	socklen_t len = syncd_group(r, id, &ss);

	err = syncd_setopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!err && size > 0)
		err = syncd_setopt(fd, SOL_SOCKET, SO_RCVBUF, size);
	if (!err && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
			       r->cfg.mcast_ifn, strlen(r->cfg.mcast_ifn)))
		err = -errno;
	if (!err && bind(fd, (struct sockaddr *)&ss, len))
		err = -errno;
	if (err)
		return err;
	if (r->cfg.mcast_af == AF_INET6) {
		struct ipv6_mreq m = { .ipv6mr_interface = r->ifindex };

		memcpy(&m.ipv6mr_multiaddr, &r->cfg.mcast_group, 16);
		return setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m,
				  sizeof(m)) ? -errno : 0;
	} else {
		struct ip_mreqn m = { .imr_ifindex = (int)r->ifindex };

		m.imr_multiaddr.s_addr = r->cfg.mcast_group.ip;
		return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m,
				  sizeof(m)) ? -errno : 0;
	}
}

/* Port id's socket of role r (master or backup). */
static int syncd_open_port(struct syncd *s, struct syncd_role *r,
			   unsigned int id)
{
	struct syncd_port *p = &r->port[id];
	struct sockaddr_storage ss;
	socklen_t len = syncd_group(r, id, &ss);
	int err;

	p->s = s;
	p->tail = &p->head;
	p->fd = socket(r->cfg.mcast_af, SOCK_DGRAM | SOCK_NONBLOCK |
					       SOCK_CLOEXEC, IPPROTO_UDP);
	if (p->fd < 0)
		return -errno;
	if (r == &s->master) {
		err = syncd_send_opts(s, p->fd);
		if (!err && connect(p->fd, (struct sockaddr *)&ss, len))
			err = -errno;
		return err;
	}
	err = syncd_recv_opts(s, p->fd, id);
	return err ? err : loop_add(s->loop, p->fd, EPOLLIN, syncd_on_rx, p);
}

static void syncd_close_ports(struct syncd *s, struct syncd_role *r)
{
	unsigned int i;

	for (i = 0; i < SYNCD_PORTS_MAX; i++) {
		struct syncd_port *p = &r->port[i];

		if (p->fd >= 0) {
			if (r == &s->backup)
				loop_del(s->loop, p->fd);
			close(p->fd);
			p->fd = -1;
		}
		if (p->tail)
			syncd_free_bufs(p);
	}
}

/* ------------------------------------------------------------------
 * Start, stop, list
 */

static bool syncd_is_mcast(const struct xdpvs_ctl_daemon *d)
{
	if (d->mcast_af == AF_INET6)
		return d->mcast_group.b[0] == 0xff;
	return (ntohl(d->mcast_group.ip) & 0xf0000000) == 0xe0000000;
}

/* The interface's MTU, or 1500. */
static uint32_t syncd_if_mtu(const char *name)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint32_t mtu = 1500;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd >= 0 && ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (uint32_t)ifr.ifr_mtu;
	if (fd >= 0)
		close(fd);
	return mtu;
}

/* The kernel's defaults and clamps (start_sync_thread) on c. */
static void syncd_defaults(struct xdpvs_ctl_daemon *c, bool backup)
{
	uint32_t hlen, mtu, min, max;

	if (c->mcast_af == AF_UNSPEC) {
		c->mcast_af = AF_INET;
		memset(&c->mcast_group, 0, sizeof(c->mcast_group));
		c->mcast_group.ip = htonl(XDPVS_SYNC_GROUP);
	}
	if (!c->mcast_port)
		c->mcast_port = XDPVS_SYNC_PORT;
	if (!c->mcast_ttl)
		c->mcast_ttl = 1;
	hlen = c->mcast_af == AF_INET6 ? SYNCD_HLEN6 : SYNCD_HLEN4;
	mtu = backup ? syncd_if_mtu(c->mcast_ifn) : 1500;
	mtu = mtu < 1500 ? 1500 : mtu > 65535 ? 65535 : mtu;
	min = backup ? 1024 : 1;
	max = 65535 - hlen;
	if (c->sync_maxlen)
		c->sync_maxlen = (uint16_t)(c->sync_maxlen < min ? min :
					    c->sync_maxlen > max ? max :
								   c->sync_maxlen);
	else
		c->sync_maxlen = (uint16_t)(mtu - hlen);
}

/* Tell the engine which roles run. */
static void syncd_engine_state(struct syncd *s)
{
	unsigned int st = (s->master.cfg.state ? XDPVS_SYNC_STATE_MASTER : 0) |
			  (s->backup.cfg.state ? XDPVS_SYNC_STATE_BACKUP : 0);

	xdpvs_sync_set(s->e, st, syncd_master_conn, s);
}

/* Open role r's sockets for cfg c (checked); 0 or -errno. */
static int syncd_run(struct syncd *s, struct syncd_role *r,
		     const struct xdpvs_ctl_daemon *c, uint32_t ifindex)
{
	bool backup = r == &s->backup;
	unsigned int i;
	int err = 0;

	if (!s->master.cfg.state && !s->backup.cfg.state) {
		int n = syncd_sysctl(s, "sync_ports");

		s->nports = n < 1 ? 1 : n > SYNCD_PORTS_MAX ? SYNCD_PORTS_MAX
							    : (unsigned int)n;
	}
	r->cfg = *c;
	r->ifindex = ifindex;
	if (backup) {
		free(s->rxbuf);
		s->rxbuf = malloc(c->sync_maxlen);
		if (!s->rxbuf)
			err = -ENOMEM;
	}
	for (i = 0; !err && i < s->nports; i++)
		err = syncd_open_port(s, r, i);
	if (err) {
		syncd_close_ports(s, r);
		memset(&r->cfg, 0, sizeof(r->cfg));
		return err;
	}
	for (i = 0; i < s->nports; i++)
		log_info("sync thread started: state = %s, mcast_ifn = %s, "
			 "syncid = %u, id = %u", backup ? "BACKUP" : "MASTER",
			 c->mcast_ifn, c->syncid, i);
	return 0;
}

int syncd_start(struct syncd *s, const struct xdpvs_ctl_daemon *d)
{
	struct xdpvs_ctl_daemon c = *d;
	struct syncd_role *r;
	uint32_t ifindex;
	int err;

	/* ip_vs_genl_new_daemon's checks, then start_sync_thread's */
	if (xdpvs_sync_check(s->e) ||
	    (c.mcast_af != AF_UNSPEC && !syncd_is_mcast(&c)))
		return -EINVAL;
	c.mcast_ifn[sizeof(c.mcast_ifn) - 1] = '\0';
	ifindex = if_nametoindex(c.mcast_ifn);
	if (!ifindex) {
		log_err("Unknown mcast interface: %s", c.mcast_ifn);
		return -ENODEV;
	}
	syncd_defaults(&c, c.state == XDPVS_CTL_DAEMON_BACKUP);
	if (c.state == XDPVS_CTL_DAEMON_MASTER)
		r = &s->master;
	else if (c.state == XDPVS_CTL_DAEMON_BACKUP)
		r = &s->backup;
	else
		return -EINVAL;
	if (r->cfg.state)
		return -EEXIST;
	err = syncd_run(s, r, &c, ifindex);
	if (err) {
		log_err_r(err, "sync %s daemon on %s",
			  r == &s->master ? "master" : "backup", c.mcast_ifn);
		return err;
	}
	syncd_engine_state(s);
	return 0;
}

int syncd_stop(struct syncd *s, uint32_t state)
{
	struct syncd_role *r;

	if (state == XDPVS_CTL_DAEMON_MASTER)
		r = &s->master;
	else if (state == XDPVS_CTL_DAEMON_BACKUP)
		r = &s->backup;
	else
		return -EINVAL;
	if (!r->cfg.state)
		return -ESRCH;
	log_info("stopping %s sync daemon",
		 r == &s->master ? "master" : "backup");
	/* the engine first: no more hand-overs */
	memset(&r->cfg, 0, sizeof(r->cfg));
	syncd_engine_state(s);
	syncd_close_ports(s, r);
	syncd_arm(s);
	return 0;
}

int syncd_list(const struct syncd *s, struct xdpvs_ctl_daemon *out, int max)
{
	int n = 0;

	if (s->master.cfg.state && n < max)
		out[n++] = s->master.cfg;
	if (s->backup.cfg.state && n < max)
		out[n++] = s->backup.cfg;
	return n;
}

void syncd_dump(const struct syncd *s, FILE *f)
{
	int i;

	fprintf(f, "# sync\n");
	fprintf(f, "sync master msgs %llu\nsync master bytes %llu\n"
		"sync master conns %llu\nsync master queue_full %llu\n"
		"sync master errors %llu\n",
		(unsigned long long)s->tx.msgs, (unsigned long long)s->tx.bytes,
		(unsigned long long)s->tx.conns,
		(unsigned long long)s->tx.queue_full,
		(unsigned long long)s->tx.errors);
	fprintf(f, "sync backup msgs %llu\nsync backup conns %llu\n",
		(unsigned long long)s->rx.msgs,
		(unsigned long long)s->rx.conns);
	for (i = 0; i < XDPVS_SYNC_DROP_MAX; i++)
		fprintf(f, "sync backup drop %s %llu\n",
			xdpvs_sync_drop_name((enum xdpvs_sync_drop)i),
			(unsigned long long)s->rx.drops[i]);
}

struct syncd *syncd_new(struct loop *l, struct xdpvs_engine *e)
{
	struct syncd *s = calloc(1, sizeof(*s));
	unsigned int i;

	if (!s)
		return NULL;
	s->loop = l;
	s->e = e;
	s->rl = (struct log_rl)LOG_RL_INIT(10, 5);
	for (i = 0; i < SYNCD_PORTS_MAX; i++)
		s->master.port[i].fd = s->backup.port[i].fd = -1;
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC,
				     TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timer_fd < 0 ||
	    loop_add(l, s->timer_fd, EPOLLIN, syncd_on_timer, s)) {
		log_err_r(-errno, "sync daemons: timer");
		if (s->timer_fd >= 0)
			close(s->timer_fd);
		free(s);
		return NULL;
	}
	return s;
}

void syncd_free(struct syncd *s)
{
	if (!s)
		return;
	if (s->master.cfg.state)
		syncd_stop(s, XDPVS_CTL_DAEMON_MASTER);
	if (s->backup.cfg.state)
		syncd_stop(s, XDPVS_CTL_DAEMON_BACKUP);
	loop_del(s->loop, s->timer_fd);
	close(s->timer_fd);
	free(s->rxbuf);
	free(s);
}
