/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The messages of connection synchronisation, byte for byte as the
 * kernel's ip_vs_sync.c writes and reads them: version 1 (the default:
 * IPv4 and IPv6, firewall mark, timeout, options for sequence numbers and
 * persistence-engine data) and the legacy version 0 (IPv4 only).  Pure
 * encoding and decoding, no I/O: daemon/syncd.c owns the sockets.
 *
 * Version 1 datagram: an 8-byte header (0, syncid, size, nr_conns,
 * version 1, 0, 0) then nr_conns records, each padded to 4 bytes before
 * the next one starts (the last one is not padded).  A record: type (bit
 * 0: IPv6), protocol, a 16-bit word of version (4 high bits, 0) and size
 * (12 bits, options included, padding not), flags (32 bits), state,
 * cport, vport, dport, fwmark, timeout (seconds), then the client,
 * virtual and real server addresses (4 or 16 bytes each), then options:
 * type, length (not 0), data.  An option type with bit 0x40 set may be
 * skipped by a receiver that does not know it.
 *
 * Version 0 datagram: a 4-byte header (nr_conns, syncid, size) then
 * 24-byte IPv4 records (reserved, protocol, cport, vport, dport, caddr,
 * vaddr, daddr, 16-bit flags, state), each followed by 24 bytes of
 * sequence data when its flags have IN_SEQ or OUT_SEQ; those bytes are
 * the kernel's struct in memory, so in the sender's byte order: x86's
 * little-endian here.  All other fields are big-endian.
 */
#ifndef XDPVS_CORE_SYNC_MSG_H
#define XDPVS_CORE_SYNC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xdpvs/engine.h>

#define XDPVS_SYNC_PORT		8848		/* IP_VS_SYNC_PORT */
#define XDPVS_SYNC_GROUP	0xe0000051	/* 224.0.0.81, host order */
#define XDPVS_SYNC_HDR_V0	4		/* bytes */
#define XDPVS_SYNC_HDR_V1	8
#define XDPVS_SYNC_REC_V0	24		/* + 24 of sequence data */
#define XDPVS_SYNC_REC_V4	36
#define XDPVS_SYNC_REC_V6	72
/* The largest v1 record: IPv6, sequence data, 255 bytes of PE data, a
 * 16-byte PE name; a buffer holds at least one whatever its maxlen. */
#define XDPVS_SYNC_REC_MAX	(XDPVS_SYNC_REC_V6 + 2 + 24 + 2 + 255 + 2 + 16)
/* The size of a buffer for messages of at most maxlen bytes. */
#define XDPVS_SYNC_BUF_SIZE(maxlen)					\
	((maxlen) > XDPVS_SYNC_HDR_V1 + XDPVS_SYNC_REC_MAX ?		\
		 (maxlen) : XDPVS_SYNC_HDR_V1 + XDPVS_SYNC_REC_MAX)

/* Sequence-number adjustment of one direction (struct ip_vs_seq). */
struct xdpvs_sync_seq {
	uint32_t init_seq;
	uint32_t delta;
	uint32_t previous_delta;
};

/*
 * One connection or template as a message carries it.  In ci: af (daf
 * is the same: sync cannot carry mixed families), protocol, state, the
 * addresses and ports, fwmark, flags, timeout (seconds; 0 in version 0,
 * which has none), pe_name and pe_data/pe_data_len.  Decoded records have
 * flags masked with XDPVS_CONN_F_BACKUP_MASK plus XDPVS_CONN_F_SYNC, as a
 * backup takes them; wire_flags keeps what was sent.
 */
struct xdpvs_sync_rec {
	struct xdpvs_conn_info ci;
	uint32_t wire_flags;
	bool has_seq;			/* the SEQ_DATA option / v0 options */
	struct xdpvs_sync_seq in_seq, out_seq;
};

/* Why a datagram, the rest of one, or one record was not taken. */
enum xdpvs_sync_drop {
	/* the whole datagram */
	XDPVS_SYNC_DROP_SHORT,		/* shorter than a header */
	XDPVS_SYNC_DROP_SIZE,		/* header size is not its length */
	XDPVS_SYNC_DROP_SYNCID,		/* another sync id than ours */
	/* the rest of the datagram, from a bad record on */
	XDPVS_SYNC_DROP_TRUNCATED,	/* a record runs past the end */
	XDPVS_SYNC_DROP_VERSION,	/* record version is not 0 */
	XDPVS_SYNC_DROP_TYPE,		/* record type neither IPv4 nor IPv6 */
	XDPVS_SYNC_DROP_REC_SIZE,	/* record smaller than its addresses */
	XDPVS_SYNC_DROP_OPTION,		/* an option truncated, of length 0,
					 * of a wrong length, or twice */
	/* one record */
	XDPVS_SYNC_DROP_OPT_UNKNOWN,	/* an unknown mandatory option */
	XDPVS_SYNC_DROP_FLAGS,		/* ONE_PACKET, or NO_CPORT template */
	XDPVS_SYNC_DROP_PROTO,		/* a protocol IPVS does not handle */
	XDPVS_SYNC_DROP_STATE,		/* no such state of its protocol */
	XDPVS_SYNC_DROP_PE,		/* PE data without a known PE name */
	/* applying it (daemon/syncd.c counts these) */
	XDPVS_SYNC_DROP_APPLY,		/* no room, or the engine refused */
	XDPVS_SYNC_DROP_MAX
};

struct xdpvs_sync_counters {
	uint64_t msgs;			/* datagrams received */
	uint64_t conns;			/* records taken */
	uint64_t drops[XDPVS_SYNC_DROP_MAX];
};

const char *xdpvs_sync_drop_name(enum xdpvs_sync_drop d);

/*
 * A message being filled, as the kernel's struct ip_vs_sync_buff.
 * data must hold XDPVS_SYNC_BUF_SIZE(maxlen) bytes.  data[0..len) is
 * always a whole message (its header counts what was added).
 */
struct xdpvs_sync_buf {
	uint8_t *data;
	uint32_t maxlen;	/* sync_maxlen: UDP payload bytes */
	uint32_t end;		/* room: set when the first record goes in */
	uint32_t len;
	uint8_t version;	/* 0 or 1 */
	uint8_t nr_conns;
	uint64_t firstuse;	/* the caller's clock (the flush deadline) */
};

/* Start an empty message of version 0 or 1 from sync id syncid. */
void xdpvs_sync_buf_init(struct xdpvs_sync_buf *b, uint8_t *data,
			 uint32_t maxlen, int version, uint8_t syncid);

/*
 * Append r.  0; -ENOSPC when the message is full (send it, start another,
 * add again: into an empty message a record always goes, even one longer
 * than maxlen, as the kernel sizes a new buffer for it); -EINVAL when r
 * cannot be carried (version 0: not IPv4; families differ; an
 * unencodable PE name).
 */
int xdpvs_sync_buf_add(struct xdpvs_sync_buf *b,
		       const struct xdpvs_sync_rec *r);

/* Called with each record a datagram brings that passes the checks. */
typedef void (*xdpvs_sync_rec_fn)(void *ctx, const struct xdpvs_sync_rec *r);

/*
 * Decode the datagram buf[0..len) as a backup with sync id syncid does
 * (ip_vs_process_message; syncid 0 takes every sync id): fn gets each
 * good record in order; a bad one is counted in c->drops and skipped or,
 * when it leaves the rest unreadable, ends the datagram (records handed
 * over before it stay taken, as in the kernel).  Reads nothing past
 * buf[len).  Returns the number of records handed to fn.
 */
int xdpvs_sync_msg_decode(const uint8_t *buf, size_t len, uint8_t syncid,
			  xdpvs_sync_rec_fn fn, void *ctx,
			  struct xdpvs_sync_counters *c);

#endif
