# SPDX-License-Identifier: GPL-2.0-only
"""A bad rules file stops xdpvs-replay with the file, the line and
ipvsadm's wording of the reason; nothing is run."""

import os
import subprocess
import sys
import tempfile

from lib import fail

CASES = [
    # (rules, expected message after "xdpvs-replay: RULES:", exit status)
    ("-A -t 198.18.100.1:80 -s rr\n\n# fine so far\n-A -t 198.18.100.2 -s rr\n",
     "4: Zero port specified for non-persistent service", 2),
    ("-A -t 198.18.100.1:80 -s nosuchsched\n",
     "1: Scheduler or persistence engine not found", 255),
    ("ipvsadm -A -t 198.18.100.1:80 -s rr\n-A -t 198.18.100.1:80 -s rr\n",
     "2: Service already exists", 255),
    ("-a -t 198.18.100.9:80 -r 198.18.1.2:80 -m\n",
     "1: Service not defined", 255),
    ("-A -t 198.18.100.1:80 -s rr -p 0\n",
     "1: invalid timeout value `0' specified", 2),
]


def main(binary):
    d = tempfile.mkdtemp(prefix="xdpvs-replay-")
    empty = os.path.join(d, "empty.pcap")
    with open(empty, "wb") as f:  # pcap header only, Ethernet
        f.write(bytes.fromhex("d4c3b2a1020004000000000000000000"
                              "ffff000001000000"))
    for rules, msg, _status in CASES:
        path = os.path.join(d, "rules")
        with open(path, "w") as f:
            f.write(rules)
        p = subprocess.run([binary, "-r", path, "-i", empty, "-o",
                            os.path.join(d, "out.pcap")],
                           capture_output=True, text=True)
        want = "xdpvs-replay: %s:%s\n" % (path, msg)
        if p.stderr != want or p.returncode != 2 or p.stdout:
            fail("rules %r: exit %d, stderr %r; expected exit 2, %r" % (
                rules, p.returncode, p.stderr, want))


main(sys.argv[1])
