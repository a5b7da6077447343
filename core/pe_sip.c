// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SIP persistence engine (--pe sip), following the kernel's
 * ip_vs_pe_sip.c.
 *
 * A UDP datagram to a SIP service is keyed by its Call-ID: a template
 * matches when the Call-ID is the same (and the client network, virtual
 * address and port, as for plain persistence), so every message of a call
 * reaches the same server.  Templates are hashed by the Call-ID alone.
 *
 * The Call-ID is found as nf_conntrack_sip's ct_sip_get_header finds a
 * header: at the start of a line (after CR, LF or CRLF; never on the first
 * line; body lines included, as nothing stops the scan at the blank line),
 * "Call-ID" or the compact "i" (case-insensitive; "i" not followed by a
 * letter), blanks and continuation lines, ':', blanks, then a "word",
 * optionally "@" and another word (RFC 3261's word characters).  A header
 * whose value is empty is skipped and the search goes on from an offset
 * that is the sum of the value offsets so far, as the kernel's get_callid
 * adds them.  The Call-ID must be at most 255 bytes and be followed by CR
 * or LF.  "Letter" means the kernel's ctype: Latin-1 letters count.
 *
 * No Call-ID (or not UDP): the kernel's fill_param fails and the packet is
 * dropped; there is no fallback to plain persistence.
 *
 * conn_out: a UDP datagram from a SIP real server that matches no
 * connection creates one, with its template, as ip_vs_new_conn_out does,
 * so that the answer of the far end comes back to that server.
 */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conn.h"
#include "core.h"
#include "pe.h"
#include "pkt.h"

#define SIP_CALLID	"call-id"	/* the header's name, lower case */
#define SIP_CALLID_LEN	7
#define SIP_UDPHDR_LEN	8

/* The kernel's isalpha(): ASCII and Latin-1 letters (lib/ctype.c). */
static bool sip_isalpha(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= 0xc0 && c != 0xd7 && c != 0xf7);
}

static uint8_t sip_tolower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/* RFC 3261's word characters (nf_conntrack_sip's iswordc). */
static bool sip_iswordc(uint8_t c)
{
	return sip_isalpha(c) || (c >= '0' && c <= '9') || c == '!' ||
	       c == '"' || c == '%' || (c >= '(' && c <= '+') || c == ':' ||
	       c == '<' || c == '>' || c == '?' || (c >= '[' && c <= ']') ||
	       c == '_' || c == '`' || c == '{' || c == '}' || c == '~' ||
	       (c >= '-' && c <= '/') || c == '\'';
}

static uint32_t sip_word_len(const uint8_t *d, uint32_t pos, uint32_t end)
{
	uint32_t n = 0;

	while (pos + n < end && sip_iswordc(d[pos + n]))
		n++;
	return n;
}

/* word [ "@" word ]; 0 when there is none or the part after '@' is. */
static uint32_t sip_callid_len(const uint8_t *d, uint32_t pos, uint32_t end)
{
	uint32_t len = sip_word_len(d, pos, end), dlen;

	pos += len;
	if (!len || pos == end || d[pos] != '@')
		return len;
	dlen = sip_word_len(d, pos + 1, end);
	return dlen ? len + 1 + dlen : 0;
}

/* At a line break: past it and the blanks of a continuation line; -1
 * when the next line is not a continuation. */
static int64_t sip_follow_continuation(const uint8_t *d, uint32_t pos,
				       uint32_t end)
{
	if (++pos >= end)
		return -1;
	if (d[pos - 1] == '\r' && d[pos] == '\n' && ++pos >= end)
		return -1;
	if (d[pos] != ' ' && d[pos] != '\t')
		return -1;
	while (pos < end && (d[pos] == ' ' || d[pos] == '\t'))
		pos++;
	return pos;
}

/* Past blanks and continuations; -1 at a line break that ends the
 * header. */
static int64_t sip_skip_whitespace(const uint8_t *d, uint32_t pos,
				   uint32_t end)
{
	for (; pos < end; pos++) {
		if (d[pos] == ' ' || d[pos] == '\t')
			continue;
		if (d[pos] != '\r' && d[pos] != '\n')
			break;
		return sip_follow_continuation(d, pos, end);
	}
	return pos;
}

/* Does a header name start at d[pos]? Returns its length, or 0. */
static uint32_t sip_callid_name(const uint8_t *d, uint32_t pos, uint32_t end)
{
	uint32_t i;

	if (end - pos >= SIP_CALLID_LEN) {
		for (i = 0; i < SIP_CALLID_LEN; i++)
			if (sip_tolower(d[pos + i]) != (uint8_t)SIP_CALLID[i])
				break;
		if (i == SIP_CALLID_LEN)
			return SIP_CALLID_LEN;
	}
	/* The compact form must not be the start of a longer name. */
	if (end - pos >= 2 && sip_tolower(d[pos]) == 'i' &&
	    !sip_isalpha(d[pos + 1]))
		return 1;
	return 0;
}

/*
 * The first Call-ID header from offset off (ct_sip_get_header): 1 with its
 * value's offset and length, 0 when there is none (or the header is cut
 * short before its value), -1 when its value is empty (*moff then tells
 * where the value would have started).
 */
static int sip_get_header(const uint8_t *d, uint32_t off, uint32_t end,
			  uint32_t *moff, uint32_t *mlen)
{
	uint32_t pos, n;
	int64_t next;

	for (pos = off; pos < end; pos++) {
		/* the start of a line */
		if (d[pos] != '\r' && d[pos] != '\n')
			continue;
		if (++pos >= end)
			break;
		if (d[pos - 1] == '\r' && d[pos] == '\n' && ++pos >= end)
			break;
		if (d[pos] == ' ' || d[pos] == '\t')
			continue;	/* a continuation line */
		n = sip_callid_name(d, pos, end);
		if (!n)
			continue;
		next = sip_skip_whitespace(d, pos + n, end);
		/* (the kernel reads the byte at the end here: not a ':') */
		if (next < 0 || next >= end || d[next] != ':' ||
		    next + 1 >= end)
			break;
		next = sip_skip_whitespace(d, (uint32_t)next + 1, end);
		if (next < 0)
			break;
		*moff = (uint32_t)next;
		*mlen = sip_callid_len(d, (uint32_t)next, end);
		return *mlen ? 1 : -1;
	}
	return 0;
}

int xdpvs_pe_sip_callid(const uint8_t *data, uint32_t len, uint32_t *off,
			uint32_t *clen)
{
	uint32_t dataoff = 0;
	int ret;

	for (;;) {
		ret = sip_get_header(data, dataoff, len, off, clen);
		if (ret > 0)
			break;
		if (ret == 0)
			return -1;
		/* The kernel adds the (absolute) offset to where it was. */
		dataoff += *off;
	}
	if (*clen > XDPVS_PEDATA_MAXLEN || *off + *clen == len)
		return -1;
	/* A header ends with a line break. */
	if (data[*off + *clen] != '\r' && data[*off + *clen] != '\n')
		return -1;
	return 0;
}

static int sip_fill_param(struct xdpvs_conn_param *p,
			  const struct xdpvs_pkt *pkt)
{
	uint32_t dataoff, off, len;

	/* Only useful with UDP; an ICMP error's quote is not. */
	if (!pkt || pkt->protocol != IPPROTO_UDP)
		return -1;
	dataoff = (uint32_t)pkt->l4_off + SIP_UDPHDR_LEN;
	if (dataoff >= pkt->len)
		return -1;
	if (xdpvs_pe_sip_callid(pkt->data + dataoff, pkt->len - dataoff, &off,
				&len))
		return -1;
	p->pe_data = (const char *)pkt->data + dataoff + off;
	p->pe_data_len = (uint8_t)len;
	return 0;
}

static bool sip_ct_match(const struct xdpvs_conn_param *p,
			 const struct xdpvs_conn *ct)
{
	/* A fwmark template's vaddr is the mark, an IPv4 address. */
	int vaf = p->protocol == IPPROTO_IP ? AF_INET : p->af;

	return ct->af == p->af &&
	       xdpvs_addr_equal(p->af, p->caddr, &ct->caddr) &&
	       xdpvs_addr_equal(vaf, p->vaddr, &ct->vaddr) &&
	       ct->vport == p->vport &&
	       (ct->flags & XDPVS_CONN_F_TEMPLATE) &&
	       ct->protocol == p->protocol && ct->pe_data &&
	       ct->pe_data_len == p->pe_data_len &&
	       memcmp(ct->pe_data, p->pe_data, p->pe_data_len) == 0;
}

/* FNV-1a over the Call-ID from the seed, then a 64-bit finaliser (the
 * kernel uses jhash; only the table's own order depends on it). */
static uint32_t sip_hashkey_raw(const char *pe_data, uint8_t len,
				uint64_t seed)
{
	uint64_t h = seed ^ 0xcbf29ce484222325ULL;
	uint8_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)pe_data[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

static struct xdpvs_conn *sip_conn_out(struct xdpvs_engine *e,
				       struct xdpvs_svc *svc,
				       struct xdpvs_dest *dest,
				       const struct xdpvs_pkt *pkt)
{
	/* Other protocols need nothing of this kind yet (the kernel's
	 * words): only UDP. */
	if (pkt->protocol != IPPROTO_UDP)
		return NULL;
	return xdpvs_core_new_conn_out(e, svc, dest, pkt);
}

const struct xdpvs_pe_ops xdpvs_pe_sip = {
	.name = "sip",
	.fill_param = sip_fill_param,
	.ct_match = sip_ct_match,
	.hashkey_raw = sip_hashkey_raw,
	.conn_out = sip_conn_out,
};
