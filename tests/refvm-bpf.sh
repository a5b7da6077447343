#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# tests/refvm-bpf.sh [REFVM_DIR]: the BPF programs and their unit tests
# on another kernel: Debian 12's 6.1, in the reference VM of
# ../shared/refvm (qemu; REFVM_BUILD as that folder's README says).  Not
# part of `make check` (tests must not need the VM): run it by hand after
# changing bpf/.  Builds first; prints each program's verifier count and
# each test program's result; exits non-zero if one failed.
#
# The guest has libbpf and libxdp but not json-c nor cmocka: this host's
# (the same Debian release) are copied under build/refvm-lib/ for it.
set -eu
cd "$(dirname "$0")/.."
REFVM=${1:-../shared/refvm}
[ -x "$REFVM/run.sh" ] || { echo "no $REFVM/run.sh" >&2; exit 77; }
make -s
for t in bpf/test_xdpvs bpf/test_fastpath bpf/test_pick bpf/test_decap; do
	make -s "build/tests/unit/$t"
done
lib=build/refvm-lib
mkdir -p "$lib"
for so in libjson-c.so.5 libcmocka.so.0; do
	cp -L "/usr/lib/x86_64-linux-gnu/$so" "$lib/"
done
cc -O2 -o "$lib/vstat" -x c - -lbpf <<'EOF'
/* Load a BPF object; print the verifier's "processed" line. */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
static char log[16 << 20];
int main(int argc, char **argv)
{
	struct bpf_object *o = bpf_object__open(argv[1]);
	struct bpf_program *p;
	const char *s;
	int err;

	if (!o)
		return 2;
	bpf_object__for_each_program(p, o) {
		bpf_program__set_log_buf(p, log, sizeof(log));
		bpf_program__set_log_level(p, 4);
	}
	err = bpf_object__load(o);
	s = strstr(log, "processed");
	printf("%s: %s%s", argv[1], err ? "LOAD FAILED " : "",
	       s ? s : "(no verifier statistics)\n");
	return err ? 1 : 0;
}
EOF
cat >"$lib/guest.sh" <<'EOF'
#!/bin/sh
cd /mnt/host
mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
echo "kernel $(uname -r)"
fail=0
for o in build/bpf/xdpvs.bpf.o build/bpf/decap.bpf.o; do
	build/refvm-lib/vstat "$o" || fail=1
done
for t in bpf/test_xdpvs bpf/test_fastpath bpf/test_pick bpf/test_decap; do
	LD_LIBRARY_PATH=build/refvm-lib "build/tests/unit/$t" >/tmp/t.log 2>&1 &&
		echo "  PASS   $t ($(grep -o '[0-9]* test(s) run' /tmp/t.log))" ||
		{ echo "  FAIL   $t"; tail -20 /tmp/t.log; fail=1; }
done
exit $fail
EOF
chmod +x "$lib/guest.sh"
"$REFVM/run.sh" --share "$(pwd)" --timeout 900 --script "$lib/guest.sh"
