# SPDX-License-Identifier: GPL-2.0-only
# direct: the kernel's plain IPv4 forwarding to rs1 (no rules, no
# conntrack); the ceiling for anything done in the kernel's stack.
bench_mode direct "client -> rs1 routed by the balancer's kernel (no rules, no conntrack): the ceiling"

mode_direct_up() { TARGET=198.18.1.2; }
mode_direct_down() { :; }
