# SPDX-License-Identifier: GPL-2.0
#
# vss: volume shadow copy for Linux. See README.md.
#
#   make           build module (every installed kernel), library, vssctl, selftests
#   make demo      the main job, shown in a VM
#   make check     every test: host tests, then VM selftests on each kernel
#   make vm-test KVER=... [T="get_features ..."]   selftests in one VM
#   make vm-shell KVER=...  a shell in a VM with the module loaded
#   make bench [KVER=...]   benchmarks (issue 6) in a VM per kernel; see BENCHMARKS.md
#   make debug-kernel       build and install the KASAN/lockdep/kmemleak kernel
#   make check-debug        the VM selftests on it, then a kmemleak scan

KVER ?= $(shell ls /lib/modules | grep -v -- -vss-debug | sort -V | tail -n 1)

.PHONY: all deps kmod lib vssctl selftests bench-tool man check demo vm-test vm-shell bench clean \
	debug-kernel check-debug

all: kmod lib vssctl selftests bench-tool man

deps:
	@scripts/install-deps.sh

kmod:
	$(MAKE) -C kmod

lib:
	$(MAKE) -C lib

vssctl: lib
	$(MAKE) -C tools/vssctl

selftests:
	$(MAKE) -C selftests

bench-tool:
	$(MAKE) -C bench

# Section 3 pages generated from the headers' kernel-doc (man/Makefile).
man:
	$(MAKE) -C man

check: deps
	scripts/check.sh

demo: deps all
	scripts/demo.sh

debug-kernel: deps
	scripts/debug-kernel.sh

check-debug: deps
	scripts/check-debug.sh

vm-test: all
	selftests/vm/run.sh --kernel $(KVER) --scratch-disk 320M -- selftests/run_guest.sh $(T)

# Every installed kernel, one after the other, unless KVER is given.
bench: deps all
	bench/run.sh $(if $(filter command line environment,$(origin KVER)),$(KVER))

vm-shell: all
	selftests/vm/run.sh --kernel $(KVER) --scratch-disk 320M --shell -- \
		insmod build/kmod/$(KVER)/vss.ko

clean:
	$(MAKE) -C kmod clean
	$(MAKE) -C lib clean
	$(MAKE) -C tools/vssctl clean
	$(MAKE) -C selftests clean
	$(MAKE) -C bench clean
	$(MAKE) -C man clean
	rm -rf build
