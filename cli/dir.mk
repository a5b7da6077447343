# xdpvsadm: ipvsadm's commands and output, against xdpvsd's control socket.
PROGS += xdpvsadm
xdpvsadm_SRCS := cli/main.c cli/client.c
MANS += cli/xdpvsadm.8
