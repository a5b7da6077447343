#!/bin/sh
# Install the Debian packages listed in mk/packages.txt (or in the list
# files given as arguments) that are missing.  Used by .ci/run, `make
# check`, `make demo` and `make bench` (with bench/packages.txt), so a
# fresh machine needs no manual step.  Does nothing when everything is
# present.
set -eu
[ $# -gt 0 ] || set -- "$(dirname "$0")/packages.txt"
missing=""
for p in $(cat "$@" | grep -v '^#'); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends $missing >/dev/null ||
	{ apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null; }
