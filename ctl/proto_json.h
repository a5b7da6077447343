/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the two halves of the control protocol's JSON codec share, and
 * proto.c defines for them: the messages' names and the fields each
 * request carries.  Private to ctl/proto*.c; the API is proto.h.
 */
#ifndef XDPVS_CTL_PROTO_JSON_H
#define XDPVS_CTL_PROTO_JSON_H

#include <stdint.h>

#include "proto.h"

typedef struct json_object jobj;

#define PROTO_ERR_MAX	4095	/* largest errno magnitude */

/* The fields a request of each type carries. */
#define PF_SVC		0x001	/* "svc" */
#define PF_SVC_OPT	0x002	/* "svc", may be absent */
#define PF_DEST		0x004	/* "dest" */
#define PF_TIMEOUTS	0x008	/* "timeouts" */
#define PF_NAME		0x010	/* "name" */
#define PF_NAME_OPT	0x020	/* "name", may be absent */
#define PF_VALUE	0x040	/* "value" */
#define PF_MARK		0x080	/* "mark" */
#define PF_DAEMON	0x100	/* "daemon" */
#define PF_STATE	0x200	/* "state" */

extern const uint16_t proto_req_fields[XDPVS_CTL_MSG_MAX];

/* The type named name, or XDPVS_CTL_MSG_NONE. */
enum xdpvs_ctl_msg proto_msg_type(const char *name);

/* "unspec", "inet", "inet6", or NULL for any other family. */
const char *proto_af_name(int af);

#endif
