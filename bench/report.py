#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""bench/report.py WORKDIR: bench/RESULTS.md from bench/run.sh's samples.

WORKDIR/meta holds key=value lines (machine, settings, modes); each line
of WORKDIR/samples is one kept measurement:

  REP MODE WORKLOAD RATE UNITS LBCPU_NS LBPKTS OFFERED DELIVERED SECONDS
  FOREIGN_PCT EXTRA LBWAIT_NS TRIES

Every figure in the tables is the median over the repetitions; ratios are
taken between medians of the same run.
"""
import statistics
import sys

WL = {
    # workload: title, rate unit, rate scale, per-unit label, per-unit scale
    "udp": ("64-byte UDP packets through the balancer", "Mpps", 1e-6,
            "LB ns/pkt", 1.0),
    "udp-fixed": ("64-byte UDP at a fixed offered rate: CPU per packet at "
                  "the same load", "Mpps", 1e-6, "LB ns/pkt", 1.0),
    "scale": ("UDP with a big flow table", "Mpps", 1e-6, "LB ns/pkt", 1.0),
    "scale-hot": ("UDP with a big flow table, traffic to a few of its flows",
                  "Mpps", 1e-6, "LB ns/pkt", 1.0),
    "cc": ("new TCP connections (wrk, `Connection: close`)", "conn/s", 1,
           "LB µs/conn", 1e-3),
    "ka": ("keep-alive HTTP requests (wrk)", "req/s", 1, "LB µs/req", 1e-3),
    "tput": ("single-stream TCP throughput (iperf3)", "Mbit/s", 1,
             "LB ms/GB", None),
}
ORDER = ["udp", "udp-fixed", "scale", "cc", "ka", "tput"]
UDPS = ("udp", "udp-fixed", "scale", "scale-hot")
# The scale table's rows: workload, what the traffic does during the window
SCALE_ROWS = (("scale", "all flows in turn"),
              ("scale-hot", "{udp_flows} of them"))
BUSY_BOUND = 85.0  # % of its core above which the balancer is the limit


def load(work):
    meta = {}
    with open(f"{work}/meta") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            meta[k] = v
    samples = []
    with open(f"{work}/samples") as f:
        for line in f:
            w = line.split()
            if len(w) < 14:
                continue
            s = dict(rep=int(w[0]), mode=w[1], wl=w[2], rate=float(w[3]),
                     units=float(w[4]), cpu=float(w[5]), pkts=float(w[6]),
                     offered=w[7], delivered=w[8], secs=float(w[9]),
                     foreign=float(w[10]), extra=w[11], wait=float(w[12]),
                     tries=int(w[13]))
            samples.append(s)
    return meta, samples


def per_unit(s):
    """The balancer's CPU per unit of work, in the table's unit."""
    if s["units"] <= 0:
        return None
    if s["wl"] == "tput":
        return s["cpu"] / 1e6 / (s["units"] / 1e9)
    return s["cpu"] / s["units"] * WL[s["wl"]][4]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def summarize(samples):
    """{(mode, wl): dict of medians and the per-rep values}"""
    out = {}
    for key in sorted({(s["mode"], s["wl"]) for s in samples}):
        ss = [s for s in samples if (s["mode"], s["wl"]) == key]
        r = dict(
            rate=med([s["rate"] for s in ss]),
            unit=med([per_unit(s) for s in ss]),
            nspkt=med([s["cpu"] / s["pkts"] if s["pkts"] > 0 else None
                       for s in ss]),
            busy=med([s["cpu"] / 1e7 / s["secs"] if s["secs"] > 0 else None
                      for s in ss]),
            wait=med([s["wait"] / 1e7 / s["secs"] if s["secs"] > 0 else None
                      for s in ss]),
            reps=[s["rate"] for s in sorted(ss, key=lambda s: s["rep"])],
            n=len(ss))
        if key[1] in UDPS:
            r["offered"] = med([float(s["offered"]) for s in ss
                                if s["offered"] != "-"])
            r["dlv"] = med([float(s["delivered"]) / s["rate"] * 100
                            for s in ss
                            if s["delivered"] != "-" and s["rate"] > 0])
            tab = [s["extra"].split(":") for s in ss if ":" in s["extra"]]
            r["entries"] = med([float(t[0]) for t in tab if t[0] != "-"])
            r["bytes"] = med([float(t[1]) for t in tab])
            r["fill"] = med([float(t[2]) for t in tab
                             if len(t) > 2 and t[2] != "-"])
        if key[1] in ("cc", "ka"):
            r["errors"] = sum(int(s["extra"].split(":")[1]) for s in ss
                              if s["extra"].startswith("errors:"))
        out[key] = r
    return out


def fmt(x, nd=2):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}".replace(",", " ")
    return f"{x:.{nd}f}"


def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}"


def rate_str(wl, x):
    if x is None:
        return "-"
    v = x * WL[wl][2]
    return f"{v:.3f}" if WL[wl][2] < 1 else fmt(v)


def table(wl, modes, S, meta):
    t, unit, _, pu, _ = WL[wl]
    udp = wl in UDPS
    lines = [f"### {t}", ""]
    hdr = f"| mode | {unit} | vs direct | vs xdp-ceiling |"
    sep = "|---|---:|---:|---:|"
    if wl == "scale":
        lines += [
            "Two measurements with the same full table: the traffic "
            "walks all its flows in turn (every lookup a cache and TLB "
            f"miss), or goes to {meta['udp_flows']} of them only (the "
            "table's size without its working set). \"fill\": seconds "
            "from the generator's start until the table held 99 % of the "
            "flows.", ""]
        hdr = f"| mode | traffic | {unit} | vs its udp rate |"
        sep = "|---|---|---:|---:|"
    hdr += f" {pu} | vs direct | vs nft |"
    sep += "---:|---:|---:|"
    if not udp:
        hdr += " LB ns/pkt |"
        sep += "---:|"
    hdr += " LB core busy | LB waited |"
    sep += "---:|---:|"
    if udp:
        hdr += " offered Mpps | at servers |"
        sep += "---:|---:|"
    if wl == "scale":
        hdr += " flows in table | table memory | fill |"
        sep += "---:|---:|---:|"
    hdr += " reps |"
    sep += "---|"
    lines += [hdr, sep]
    d = S.get(("direct", wl), {})
    c = S.get(("xdp-ceiling", wl), {})
    n = S.get(("nft", wl), {})
    rows = [(m, wl, None) for m in modes]
    if wl == "scale":
        rows = [(m, w, what.format(**meta)) for m in modes
                for w, what in SCALE_ROWS]
    for m, w, what in rows:
        r = S.get((m, w))
        if not r:
            continue
        row = f"| {m} | {rate_str(wl, r['rate'])} "
        if wl == "scale":
            row = (f"| {m} | {what} | {rate_str(wl, r['rate'])} "
                   f"| {ratio(r['rate'], S.get((m, 'udp'), {}).get('rate'))} |")
        else:
            row += (f"| {ratio(r['rate'], d.get('rate'))} "
                    f"| {ratio(r['rate'], c.get('rate'))} |")
        row += (f" {fmt(r['unit'])} | {ratio(r['unit'], d.get('unit'))} "
                f"| {ratio(r['unit'], n.get('unit'))} |")
        if not udp:
            row += f" {fmt(r['nspkt'], 0)} |"
        row += f" {fmt(r['busy'], 0)} % | {fmt(r['wait'], 0)} % |"
        if udp:
            row += (f" {rate_str('udp', r.get('offered'))} "
                    f"| {fmt(r.get('dlv'), 0)} % |")
        if wl == "scale":
            mib = r.get("bytes")
            fill = r.get("fill")
            row += (f" {fmt(r.get('entries'), 0)} "
                    f"| {'-' if mib is None else f'{mib / 2**20:.0f} MiB'} "
                    f"| {'-' if fill is None else f'{fill:.0f} s'} |")
        row += " " + " ".join(rate_str(wl, x) for x in r["reps"]) + " |"
        lines.append(row)
    lines.append("")
    return lines


def limits(wl, modes, S):
    """One phrase per mode: who was the bottleneck."""
    out = []
    for m in modes:
        r = S.get((m, wl))
        if not r or r["busy"] is None:
            continue
        busy = f"{fmt(r['busy'], 0)} % busy + {fmt(r['wait'], 0)} % waiting"
        full = r["busy"] + (r["wait"] or 0) >= BUSY_BOUND
        if wl in UDPS and r.get("offered"):
            fwd = r["rate"] / r["offered"] * 100
            if fwd >= 90:
                who = "generator (everything offered was forwarded)"
            elif full:
                who = "**balancer** (it wanted its whole core)"
            else:
                who = (f"**balancer's ring** ({fwd:.0f} % of the offered "
                       "frames got in, core not full: bursts and gaps)")
        elif full:
            who = "**balancer** (it wanted its whole core)"
        else:
            who = "generator / servers' core"
        out.append(f"{m} {busy} → {who}")
    return "; ".join(out)


def main():
    work = sys.argv[1]
    meta, samples = load(work)
    S = summarize(samples)
    modes = meta.get("ran", "").split()
    fr = [s["foreign"] for s in samples]
    retried = sum(1 for s in samples if s["tries"] > 1)
    p = print
    p("# xdpvs benchmark results")
    p()
    p(f"Generated by `make bench` (`bench/run.sh`) on {meta['date']}; "
      f"{meta['elapsed']} s in all.")
    p()
    p(f"- machine: {meta['cpu']}, {meta['cores']} cores, {meta['mem']}, "
      f"kernel {meta['kernel']} (a VM, shared with other work: see host "
      "load)")
    p(f"- tools: {meta['tools']}")
    done = meta.get("reps_done", meta["reps"])
    reps = (f"{done} repetitions" if done == meta["reps"] else
            f"{done} of {meta['reps']} repetitions (the time limit, "
            "BENCH_LIMIT, stopped the rest)")
    p(f"- {reps}, modes interleaved within each; "
      f"{meta['seconds']} s per measurement; every figure is the median "
      "over the repetitions, every ratio is between medians of this run")
    p(f"- host load: other work's CPU use during the kept runs: mean "
      f"{statistics.mean(fr) if fr else 0:.0f} %, max "
      f"{max(fr) if fr else 0:.0f} % of a core; {retried} of {len(samples)}"
      f" measurements were repeated (foreign load above "
      f"{meta['quiet_pct']} %; at most {meta['tries']} tries, the least "
      f"disturbed kept); {meta['waited']} s spent waiting for quiet")
    p()
    p("## Modes")
    p()
    for m in modes:
        p(f"- **{m}**: {meta.get('mode.' + m, '')}")
    for k, v in meta.items():
        if k.startswith("skip."):
            p(f"- **{k[5:]}** (skipped: {v}): {meta.get('mode.' + k[5:], '')}")
    p()
    p("## Results")
    p()
    p("Rates: higher is better. \"LB\" columns: CPU time of the balancer "
      "(its NAPI threads and processes, on their own core) per unit of "
      "work, lower is better; \"LB ns/pkt\" divides by every packet the "
      "balancer sent on any interface; \"LB core busy\" is the share of "
      "its core it used, \"LB waited\" the share it was runnable but "
      "another task had the core (schedstat run_delay, summed over its "
      "threads: the VM's other tenants, or the balancer's own threads "
      "queueing behind each other).")
    p()
    for wl in ORDER:
        if any(k[1] == wl for k in S):
            for line in table(wl, modes, S, meta):
                p(line)
    targets(meta, S)
    method(meta)
    p("## Where the load generator, not the balancer, is the limit")
    p()
    p(GEN_LIMITS)
    p()
    p("Measured here, per workload (balancer's core busy → bottleneck):")
    p()
    for wl in ORDER[:3] + ["scale-hot"] + ORDER[3:]:
        s = limits(wl, modes, S)
        if s:
            p(f"- {wl}: {s}")
    p()
    errs = {m: S[(m, w)].get("errors", 0) for (m, w) in S
            if w in ("cc", "ka") and S[(m, w)].get("errors")}
    if errs:
        p("wrk socket errors / non-2xx answers (all repetitions): " +
          ", ".join(f"{m} {e}" for m, e in sorted(errs.items())))
        p()


def targets(meta, S):
    p = print
    p("## The issue's targets (xdpvs vs the peers, same run)")
    p()
    xs = [m for m in ("xdpvs-nat", "xdpvs-dr", "xdpvs-tun", "xdpvs-nat-1rs")
          if (m, "udp") in S]
    if not xs:
        p("Not measured yet: "
          + meta.get("skip.xdpvs-nat", "xdpvsd not available")
          + ". The modes are wired (`bench/modes/xdpvs.sh`) and run as soon "
          "as `build/xdpvsd` exists. Targets: LB CPU per fast-path packet ≤ "
          "1/3 of nft's and below direct's; fast-path rate ≥ 0.90 of "
          "xdp-ceiling's; LB CPU per new connection ≤ nft's; no loss of "
          "rate with 1M flows in the table.")
        p()
        return
    n, d, c, c3 = (S.get((m, "udp"), {}) for m in ("nft", "direct",
                                                    "xdp-ceiling",
                                                    "xdp-ceiling-3"))
    p("| mode | ns/pkt vs nft (≤ 0.33) | ns/pkt vs direct (< 1) | rate vs "
      "xdp-ceiling (≥ 0.90) | rate vs the XDP ceiling of the same fan-out "
      "(xdp-ceiling-3; for 1rs xdp-ceiling) | ns/pkt vs that ceiling "
      "| µs/conn vs nft (≤ 1) | 1M-flow rate vs "
      "1k-flow (≈ 1): traffic over all 1M / over 1k of them |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|")
    for m in xs:
        u = S[(m, "udp")]
        # one server: the ceiling's own path, its fan-out
        same = c if m.endswith("-1rs") else c3
        cc = S.get((m, "cc"), {})
        sc = S.get((m, "scale"), {})
        hot = S.get((m, "scale-hot"), {})
        p(f"| {m} | {ratio(u['unit'], n.get('unit'))} "
          f"| {ratio(u['unit'], d.get('unit'))} "
          f"| {ratio(u['rate'], c.get('rate'))} "
          f"| {ratio(u['rate'], same.get('rate'))} "
          f"| {ratio(u['unit'], same.get('unit'))} "
          f"| {ratio(cc.get('unit'), S.get(('nft', 'cc'), {}).get('unit'))} "
          f"| {ratio(sc.get('rate'), u['rate'])} / "
          f"{ratio(hot.get('rate'), u['rate'])} |")
    p()
    p(TARGET_NOTES)
    p()


# What the profiles (perf record -e cpu-clock -C <LB core> -g while one
# workload ran; net.core.bpf_jit_kallsyms=1) showed about the targets
# the table above misses.  Figures from one such run each, not from the
# bench's samples: they explain, the table measures.
TARGET_NOTES = """\
xdpvs-nat-1rs is xdpvsd on the XDP ceiling's own path (every flow to
rs1, NAT): the issue's rate target like for like, without the fan-out
the three-server modes pay on veth. How much these ratios move from run
to run: the previous session's full run (03:31 UTC) gave rate vs
xdp-ceiling 0.74 / 0.72 / 0.72 (NAT / DR / TUN; vs xdp-ceiling-3 0.88 -
0.91), ns/pkt vs nft 0.13-0.14, µs/conn vs nft 0.97 for NAT, and 1M
flows 0.46 / 0.93; the two before it 0.70-0.91 vs the ceiling, 1.09 and
0.93 per connection. Each mode's three repetitions spread over 20-40 %,
so modes trade places from run to run, and this run's xdp-ceiling-3
came out at 0.99 of the ceiling (0.82 and 0.90 in earlier runs). Right
after this run, focused udp runs of xdpvs-nat and xdpvs-nat-1rs
alternating this build (multi-buffer programs: one more helper call a
packet) with the previous session's last one (2 repetitions each,
old-new-old-new) gave 484 and 479 / 363 and 335 ns per packet for this
build against 504 and 424 / 400 and 380 for the old one: no cost from
this session's changes, within the spread.

Where the missed targets' time goes (perf on the balancer's core):

- **rate vs xdp-ceiling**: the ceiling sends every frame to rs1; a
  balancer spreads its flows over three servers, and on veth each NAPI
  poll then wakes three peer threads on the other core instead of one
  (`__napi_schedule` and its inter-processor interrupt). xdp-ceiling-3
  does the ceiling's work with that fan-out (~170 ns/pkt against ~150,
  and steadier: one run of each, 3 repetitions), hence the "same
  fan-out" columns. What xdpvs adds on top, ~110-130 ns per packet at
  1k flows (perf, one profile each of xdpvs-dr and xdp-ceiling-3): the
  flow lookup, ~60 ns (`lookup_nulls_elem_raw`, `htab_map_hash` over
  the 40-byte key, `memcmp`): with `--conn-max` 2M the map has 4M
  buckets (64 MiB), so a packet's bucket and entry lines come from
  memory, the ~1k flows being walked in turn; the program, ~25-35 ns,
  most of it waiting for the entry's and the frame's first lines; and
  more time in the kernel's own `veth_xdp_rcv`, `xdp_do_redirect` and
  `__napi_schedule` than the ceiling-3 spends there. The lookup's part
  shows in focused runs of xdpvs-nat: 342-347 ns per packet over 16
  flows against 400-466 over 1024; a table of 8k buckets (`--conn-max`
  4096) instead of 4M gave 386-398 against 401-475, so it is the
  entries' lines, not the bucket array's size. DR and NAT cost
  the same within the noise: their repetitions are bimodal alike (~280
  or ~440 ns/pkt, the difference in those kernel functions, not in the
  program). Where the generator's bursts overflow the balancer's
  256-frame ring, the extra ns per packet become lost frames; the rate
  is then set by how much of a burst each mode drains, the ns per
  packet being what compares it with the ceiling.
- **new connections, NAT**: with `rr` a NAT connection sends nothing up.
  Its SYN is scheduled in XDP with the engine's choices made ahead
  (`include/xdpvs/pick.h`), and so is a SYN reusing the port of a
  connection closed by both FINs (this cc workload reuses ports: its
  28k ephemeral ports come round within the 2-minute TIME_WAIT, and
  before this more than half the SYNs went up that way). The real
  server's SYN-ACK, the ACK that establishes the connection and both
  sides' FINs stay in XDP too, which tells the engine of the new
  connection and each state move through a ring buffer; xdpvsd wakes
  once per 128 new connections. History of the ratio to nft's CPU per
  connection: five packets up 1.35x, three 1.2-1.37x, the SYN alone
  1.13-1.28x, first SYNs in XDP 1.00x (port reuses still up), all in
  XDP 0.9-1.0x; with UDP's picks added, 1.17x in one full run (19:30
  UTC, every mode ~10 % slower than the run before it: nft's own figure
  64 -> 69 µs), 0.88x in the next (19:50) and 1.00x in this one (22:46
  UTC; every mode slower again: direct's own 46 -> 62 µs per
  connection, xdp-ceiling's 50 -> 58), with the same data path;
  cc alone in the same hour, three times each the build before and this
  one, gave the same CPU per connection (58-66 µs against 60-68 µs):
  the full run's spread, not the build. What is left is the kernel's: of a connection's ten
  crossings of the balancer, each sparse packet forwarded into a veth
  wakes the peer's NAPI thread on the other core (`__napi_schedule`, an
  inter-processor interrupt, costly in this VM), as nft's forwarding
  does too; DR and tunnel modes cross it five times. A perf profile
  of the balancer's core during cc (xdpvs-nat, 6 s): xdpvsd ~6 % of its
  busy time, the NAPI threads ~82 %; the largest single item is veth
  copying each segment a socket sent into a page for XDP
  (`skb_pp_cow_data`, ~10 % of the busy time), which nft's path does not
  pay (no XDP program on its veths) and a NIC would not cost. Earlier runs'
  figures were also inflated by a transmit bug: the engine's flush
  stopped at the first EAGAIN, which copy-mode AF_XDP returns after
  every 32 frames, so frames queued during the UDP runs held a later
  SYN for seconds and stretched the cc window (and its idle CPU) from
  4 s to up to 22 s.
- **1M flows**: two runs with the same full table (its count is
  shown). Traffic to 1024 of its flows goes at the 1k-flow table's rate
  and ns per packet, within the runs' spread: the table's size alone
  costs nothing measurable (1.01x, 1.17x, 1.13x and 1.12x the udp rate
  in earlier runs, 0.95x and 0.83x in the previous session's two, the
  second's scale-hot repetitions spreading 1.66-1.85 Mpps, 0.93x in
  this one; one run's 0.78x at 500 ns
  per packet, its three repetitions alike, was that run's spread: udp,
  scale and scale-hot alone right after gave 334 ns for that build and
  307 ns for the build before, whose fill took 24 s against 13). Traffic that
  walks all its flows in turn finds each packet's bucket and then its
  element cold - two dependent cache and TLB misses (4M buckets, a 64
  MiB array of 4 KiB pages; elements of 256 bytes):
  `lookup_nulls_elem_raw` took ~55 % of the balancer's time (~420 ns
  per packet, its two loads about equally) against ~7 % at 1k flows.
  Tried, one run each, none outside the run-to-run spread (740-850 ns
  per packet at 1M flows): preallocated elements (no
  `BPF_F_NO_PREALLOC`; +470 MiB), twice the buckets (128 MiB), elements
  twice as large (512 bytes). So neither a smaller bucket array (longer
  chains) nor a smaller value or key removes a miss: that is the
  kernel's hash map on this VM's nested paging, paid by any per-flow
  table (nft's conntrack, walked the same way at ~185k entries, takes
  ~30 % more per packet than at 1k); traffic with any locality pays
  less.
- **filling the table**: a new UDP flow's first datagram is scheduled
  in XDP with the engine's picks, as a SYN is (sets of 2048; the engine
  takes the next pick itself for a datagram that went up), and xdpvsd
  makes the connection from its event: a fill of 1M flows (NAT) takes
  12-15 s where it took 22 s with every first datagram going up (~45k to
  70k new flows a second then, ~140k to 157k now in a focused
  measurement, 2/3 of them made in XDP). xdpvsd gets a sixth to a third
  of the balancer's core (runnable most of the rest of the time, behind
  the NAPI thread, which forwards the flows already installed at ~1
  Mpps); per new flow it spends ~2 µs (~3 µs when all went up, ~5 µs
  before a burst's new flows went to the map in batches), most of it
  the flow inserts of the datagrams that still go up
  (`htab_map_update_elem`) and the engine's connection lookup (a bucket
  per entry of capacity now: a quarter before)."""


def method(meta):
    p = print
    p("## Method")
    p()
    p(METHOD.format(**meta))
    p()


METHOD = """\
Lab (`bench/lab.sh`): network namespaces joined by veth pairs - client
`xb-cl` (198.18.0.2) -- balancer `xb-lb` -- three real servers `xb-rs1..3`
(198.18.N.2: nginx with one worker answering `rsN`, `iperf3 -s`, and an XDP
sink dropping UDP to port 9; in tunnel mode the sink shares the XDP hook
with xdpvs-decap: behind it in libxdp's dispatcher, or, where the kernel
refuses the dispatcher's freplace programs (this VM's), in front of it,
dropping the tunnelled UDP and tail-calling decap for the rest). VIP
198.18.100.1 on the balancer's lo; the
servers' default route is the balancer (NAT); for DR and tunnel modes the
servers hold the VIP and answer over a return link of their own to the
client, as a router would carry DR replies past the balancer. Checksum
offload is off on every veth end (`ethtool -K tx off`: XDP sees full
checksums, as from a NIC) and GRO is on on every end, which gives each end
a NAPI instance: needed to receive XDP_REDIRECT, and what makes the CPU
placement below possible.

Workloads, each once per mode and repetition:

- **udp**: 64-byte frames (60 + FCS) made by `xbench gen`
  (`bench/xdp/gen.bpf.c`), an XDP program run with `BPF_PROG_RUN` in
  live-frames mode on the client's veth: each frame enters the balancer's
  veth as an XDP frame through `ndo_xdp_xmit`, the way a NIC driver hands
  frames over (no socket, no skb, no copy); as fast as one generator
  thread goes; {udp_flows} flows (source addresses in 198.19.0.0/16). The
  rate is what the balancer *sent towards the servers* (tx packets + tx
  drops of its server-side veths: a frame the server side had no room for
  still cost the balancer its work); "offered" is what the generator made,
  "at servers" what the servers' veths received. Frames the balancer had
  no room for are lost at its veth's 256-frame ring, as at a NIC's RX ring.
- **udp-fixed**: the same, paced by the generator (bursts of 32 frames, a
  NIC's interrupt coalescing) at {udp_rate} frames/s offered - what it
  reaches is in "offered" - so every mode is compared at about the same
  load rather than at its own saturation.
- **scale**: `udp` with {scale_flows} flows, measured once xdpvs's table
  holds them (it is asked for its count every second, for at most
  {scale_warm} + {scale_fill} s) or after {scale_warm} s of filling for
  modes that cannot count; for nft the flows stay at 3/4 of the host's
  `nf_conntrack_max` (262144 here: a global, not the lab's to raise).
  The generator's flow f is packet number mod flows, so during the
  window every flow of the table is used in turn, each lookup finding
  its entry cold.
- **scale-hot**: the same table, kept full (filled again as above unless
  it still holds the flows), then a second generator sends to the first
  {udp_flows} of those flows only: the cost of the table's size alone,
  with a working set that fits the caches.
- **cc** / **ka**: `wrk -t1 -c{conns}` for {seconds} s to port 80, with
  `Connection: close` (one TCP connection per request) / keep-alive.
- **tput**: `iperf3 -c`, one TCP stream for {seconds} s to rs1.

CPU attribution. On veth, a packet's receive processing normally runs in
the *sender's* softirq, so the balancer's work would land on whichever CPU
sent the packet. Here every veth end runs **threaded NAPI**
(`/sys/class/net/DEV/threaded`): its receive processing, XDP program
included, runs in a kernel thread `napi/DEV-N`. The balancer's threads
(`xblc`, `xblr1..3`) are pinned to CPU {lb_cpu}; the client's, the
servers', the servers' processes, wrk, iperf3 and the generator to CPU
{gen_cpu}. What the balancer does - XDP programs, forwarding,
netfilter/conntrack, transmitting into the next veth (which queues the
frame and wakes the peer's thread on the other CPU) - runs in those
threads; a userspace balancer (haproxy, xdpvsd) runs pinned to CPU
{lb_cpu} too. The LB CPU is the CPU time of those threads and processes
(`/proc/PID/task/*/schedstat`, ns), read before and after the measurement
window. Performance counters (cycles, instructions) are not available in
this VM (`perf stat -e instructions` says "not supported"), so time is the
unit. Every thread and process of the lab runs at nice -10, so that the
VM's other tenants take little of the two cores while a measurement runs.

Limits of the method: (1) the balancer gets a core of its own, which on
this 2-core machine leaves one core for client, servers and generator;
(2) threaded NAPI costs a thread wake-up per batch where a NIC costs an
interrupt and a softirq, the same for every mode; and transmitting into a
veth wakes the peer's NAPI thread on the other CPU (an inter-processor
interrupt in this VM): a profile of `direct` at full rate shows ~30 % of
the balancer's time in `__napi_schedule`, paid per packet by the kernel's
stack (each skb transmitted alone) and per batch by XDP_REDIRECT (devmap
flush) - the XDP modes' batching advantage is real, its size here is
veth's; (3) the VM's other tenants can still run on the balancer's core -
that slows the rates (hence the waits and repeats) much more than the CPU
time per unit, which is counted per thread, though caches are shared; (4)
work the kernel defers to other contexts (RCU callbacks, conntrack's
garbage collector, timers) is not counted; (5) "LB ns/pkt" divides by the
packets the balancer sent, so a proxy that terminates TCP (haproxy) is
compared on other packets than the forwarders - compare per connection /
per request there; (6) at low rates (udp-fixed) the per-wake-up cost
dominates the cheap paths, so their ns/pkt is much higher there than at
full rate.

Host load: our processes run in a cpuacct cgroup (cgroup: {cgroup});
"foreign" load is all CPU time used (`/proc/stat`) minus the cgroup's and
our NAPI threads'. Before each measurement the runner waits (≤ {quiet_wait}
s) until the last two seconds had foreign load ≤ {quiet_pct} % of a core,
and repeats a measurement during which it was above (≤ {tries} tries; the
least disturbed is kept)."""

GEN_LIMITS = """\
This machine has 2 cores. The balancer has one to itself; the other
carries the load generator **and** the client's and the servers' work.

- **udp**: one generator thread makes 2-3 Mpps of 64-byte XDP frames on
  average, but it shares its core with the servers' NAPI threads, so it
  comes in bursts that overflow the balancer's 256-frame veth ring (~100
  µs at these rates) and gaps in which the balancer drains it and sleeps.
  Hence "core not full" below while frames were lost: the kernel's paths
  (direct, nft) let in only a fraction - during bursts they are the limit,
  and their rate is theirs, lowered by the gaps; the XDP ceiling (and an
  XDP balancer's fast path) lets in ~90 % with its core half idle: its
  rate is the generator's, and only its ns per packet compares it with
  other XDP forwarders. "at servers" below 100 %: the
  servers' veths share the generator's core and drop what it leaves them
  no time for; the rate is counted where the balancer sends, before that.
- **udp-fixed**: the offered rate is set by design (what the generator
  reaches of it is shown); every mode forwards all of it.
- **cc**, **ka**: wrk and three nginx workers share one core and saturate
  it long before the balancer's core is busy, so the rates are theirs and
  close together; compare the balancer's CPU per connection / request.
  Those include the lab's fixed cost per packet burst (a NAPI thread
  wake-up on each veth crossed, several µs in this VM), the same for every
  mode: it is most of xdp-ceiling's figure.
- **tput**: iperf3's sender and receiver share one core; the stream's
  rate is theirs unless the balancer's core saturates (haproxy copies
  every byte through userspace).
- **scale**, **scale-hot**: filling the table takes the generator's
  full rate for ~15 s (xdpvsd's share of the balancer's core is the
  limit: see the targets' notes); the rates are measured after the fill,
  and the flows actually in the table at the end of each run are shown.
- **tunnel**: the servers decapsulate with xdpvs-decap, and their UDP
  sink shares its XDP hook, so the tunnelled UDP is dropped in XDP for
  almost nothing, as in the other modes: it costs the generator's core no
  skb, and xdpvs-tun's udp run is offered what the others are."""


if __name__ == "__main__":
    main()
