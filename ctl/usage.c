// SPDX-License-Identifier: GPL-2.0-only
/*
 * The -h text: ipvsadm's command synopsis and the same list of commands
 * and options (so a user finds each where ipvsadm's help has it), then the
 * xdpvs extensions.
 */
#include <stdio.h>

#include "print.h"

static const char *const usage_synopsis[] = {
	"-A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]",
	"-D virtual-service",
	"-C",
	"-R",
	"-S [-n]",
	"-a|e virtual-service -r server-address [options]",
	"-d virtual-service -r server-address",
	"-L|l [virtual-service] [options]",
	"-Z [virtual-service]",
	"--set tcp tcpfin udp",
	"--start-daemon {master|backup} [daemon-options]",
	"--stop-daemon {master|backup}",
	"-h",
};

static const char usage_body[] =
	"Commands (long or short form):\n"
	"  --add-service     -A        add a virtual service\n"
	"  --edit-service    -E        change a virtual service\n"
	"  --delete-service  -D        remove a virtual service\n"
	"  --clear           -C        remove every virtual service\n"
	"  --restore         -R        read rules from standard input\n"
	"  --save            -S        write the rules to standard output\n"
	"  --add-server      -a        add a real server to a service\n"
	"  --edit-server     -e        change a real server\n"
	"  --delete-server   -d        remove a real server\n"
	"  --list            -L|-l     show the table\n"
	"  --zero            -Z        reset the counters of one or all services\n"
	"  --set tcp tcpfin udp        set the connection timeouts (seconds)\n"
	"  --start-daemon              start the connection sync daemon\n"
	"  --stop-daemon               stop the connection sync daemon\n"
	"  --help            -h        show this text\n"
	"\n"
	"virtual-service:\n"
	"  --tcp-service|-t  service-address   host[:port] of a TCP service\n"
	"  --udp-service|-u  service-address   host[:port] of a UDP service\n"
	"  --sctp-service    service-address   host[:port] of an SCTP service\n"
	"  --fwmark-service|-f fwmark          firewall mark, an integer above zero\n"
	"\n"
	"Options:\n"
	"  --ipv6         -6                   the fwmark service is IPv6\n"
	"  --scheduler    -s scheduler         rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,\n"
	"                                      wlc when not given\n"
	"  --pe            engine              persistence engine (sip), none by default\n"
	"  --persistent   -p [timeout]         make the service persistent (360 s)\n"
	"  --netmask      -M netmask           persistence granularity (mask or prefix)\n"
	"  --real-server  -r server-address    host[:port] of the real server\n"
	"  --gatewaying   -g                   direct routing (the default)\n"
	"  --ipip         -i                   tunnelling\n"
	"  --masquerading -m                   NAT\n"
	"  --tun-type      type                ipip|gue|gre, ipip when not given\n"
	"  --tun-port      port                destination port of the tunnel\n"
	"  --tun-nocsum                        tunnel without checksum\n"
	"  --tun-csum                          tunnel with checksum\n"
	"  --tun-remcsum                       tunnel with remote checksum offload\n"
	"  --weight       -w weight            relative capacity of the real server\n"
	"  --u-threshold  -x uthreshold        most connections the server takes\n"
	"  --l-threshold  -y lthreshold        connections under which it takes more\n"
	"  --connection   -c                   list the connections\n"
	"  --timeout                           list the timeouts (tcp tcpfin udp)\n"
	"  --daemon                            list the sync daemons\n"
	"  --stats                             list counters\n"
	"  --rate                              list rates\n"
	"  --exact                             print numbers in full\n"
	"  --thresholds                        list thresholds\n"
	"  --persistent-conn                   list persistent connection counts\n"
	"  --tun-info                          list tunnel settings\n"
	"  --nosort                            keep the table's own order\n"
	"  --sort                              sort (the default; no effect)\n"
	"  --ops          -o                   one-packet scheduling\n"
	"  --numeric      -n                   print addresses and ports as numbers\n"
	"  --sched-flags  -b flags             scheduler flags, comma separated\n"
	"Daemon Options:\n"
	"  --syncid sid                        sync id of the connections (0-255)\n"
	"  --sync-maxlen length                largest sync message (1472)\n"
	"  --mcast-interface interface         interface the sync messages use\n"
	"  --mcast-group address               IPv4/IPv6 group (224.0.0.81)\n"
	"  --mcast-port port                   UDP port (8848)\n"
	"  --mcast-ttl ttl                     multicast TTL (1)\n"
	"xdpvs extensions:\n"
	"  --fullnat                           full NAT: DNAT plus SNAT to a local address\n"
	"  --json                              listings as JSON\n"
	"  --sysctl [name[=value]]             show or set a behaviour switch\n"
	"  --add-mark mark:proto:prefix[:port[-port]]\n"
	"                                      mark packets for a fwmark service\n"
	"                                      (proto tcp|udp|sctp|any)\n"
	"  --del-mark mark:proto:prefix[:port[-port]]\n"
	"                                      remove a mark rule\n"
	"  --list-marks                        list the mark rules\n";

void xdpvs_ctl_print_usage(FILE *f, const char *prog)
{
	size_t i;

	xdpvs_ctl_print_version(f);
	fprintf(f, "Usage:\n");
	for (i = 0; i < sizeof(usage_synopsis) / sizeof(usage_synopsis[0]);
	     i++)
		fprintf(f, "  %s %s\n", prog, usage_synopsis[i]);
	fprintf(f, "\n%s", usage_body);
}
