# SPDX-License-Identifier: GPL-2.0
#
# vss: volume shadow copy for Linux. See README.md.
#
#   make           build module (every installed kernel), library, vssctl, selftests
#   make demo      the main job, shown in a VM
#   make check     every test: host tests, then VM selftests on each kernel
#                  (KVERS=, CHECK_TESTS=, CHECK_VM=0, CHECK_HOST=0, CHECK_BENCH=0:
#                  Documentation/testing.md)
#   make vm-test KVER=... [T="get_features ..."]   selftests in one VM
#   make vm-shell KVER=...  a shell in a VM with the module loaded
#   make bench [KVER=...]   benchmarks (issue 6) in a VM per kernel; see BENCHMARKS.md
#   make debug-kernel       build and install the KASAN/lockdep/kmemleak kernel
#   make check-debug        the VM selftests on it, then a kmemleak scan
#   make install [PREFIX=/usr/local] [DESTDIR=]   library, headers, libvss.pc,
#                           vssctl, man pages, completion, systemd units, and
#                           the module's sources for DKMS (built and installed
#                           by dkms when it is there and DESTDIR is empty)
#   make uninstall          the same, removed
#   make dkms-tarball       build/vss-VERSION.dkms.tar.gz, for `dkms ldtarball`
#   make check-packages     the Debian packages (debian/) built, linted,
#                           installed in a fresh Debian 12 userland, DKMS's
#                           module booted on each kernel, purged (~15 min;
#                           not part of make check)

KVER ?= $(shell ls /lib/modules | grep -v -- -vss-debug | sort -V | tail -n 1)

.PHONY: all deps kmod lib vssctl writers selftests bench-tool man check demo vm-test vm-shell bench clean \
	debug-kernel check-debug install uninstall install-dkms-src dkms-tarball check-packages

all: kmod lib vssctl writers selftests bench-tool man

deps:
	@scripts/install-deps.sh

kmod:
	$(MAKE) -C kmod

lib:
	$(MAKE) -C lib

vssctl: lib
	$(MAKE) -C tools/vssctl
	$(MAKE) -C tools/vss-imgsync

# The writers that ship with vss (Documentation/writers.md).
writers: lib
	$(MAKE) -C tools/vss-hookd
	$(MAKE) -C tools/vss-sqlite-writer
	$(MAKE) -C tools/vss-pgsql-writer
	$(MAKE) -C tools/vss-mysql-writer

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

# The VM runner needs the tree's own tools (deps); the package build and
# the userland need theirs (the fresh and packages tags of commands.list).
check-packages: deps
	scripts/install-deps.sh fresh
	scripts/install-deps.sh packages
	scripts/check-packages.sh

vm-test: all
	selftests/vm/run.sh --kernel $(KVER) --scratch-disk 320M --pmem 32M -- selftests/run_guest.sh $(T)

# Every installed kernel, one after the other, unless KVER is given.
bench: deps all
	bench/run.sh $(if $(filter command line environment,$(origin KVER)),$(KVER))

vm-shell: all
	selftests/vm/run.sh --kernel $(KVER) --scratch-disk 320M --pmem 32M --shell -- \
		insmod build/kmod/$(KVER)/vss.ko

clean:
	$(MAKE) -C kmod clean
	$(MAKE) -C lib clean
	$(MAKE) -C tools/vssctl clean
	$(MAKE) -C tools/vss-imgsync clean
	$(MAKE) -C tools/vss-hookd clean
	$(MAKE) -C tools/vss-sqlite-writer clean
	$(MAKE) -C tools/vss-pgsql-writer clean
	$(MAKE) -C tools/vss-mysql-writer clean
	$(MAKE) -C selftests clean
	$(MAKE) -C bench clean
	$(MAKE) -C man clean
	rm -rf build

# ---- Installation ----
#
# Paths as the GNU conventions name them; each sub-make gets them
# explicitly. The module's sources go to /usr/src whatever PREFIX is: that
# is where dkms looks.
VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
DKMS_SRC := /usr/src/vss-$(VERSION)
DKMS := $(shell command -v dkms 2>/dev/null)
# The sub-makes get these by their lowercase names (INSTALL_VARS), never
# from the command line: a tool's Makefile has its own LIBDIR, the
# library's build directory, which `make install LIBDIR=/usr/lib/...`
# (debian/rules) must not replace.
MAKEOVERRIDES := $(filter-out PREFIX=% LIBDIR=% INCLUDEDIR=% SBINDIR=% MANDIR=% \
	BASHCOMPDIR=% UNITDIR=%,$(MAKEOVERRIDES))
INSTALL_VARS = DESTDIR=$(DESTDIR) prefix=$(PREFIX) libdir=$(LIBDIR) \
	includedir=$(INCLUDEDIR) sbindir=$(SBINDIR) mandir=$(MANDIR) \
	unitdir=$(UNITDIR) systemdunitdir=$(UNITDIR)
# Tools added beside vssctl install themselves when their Makefile has an
# install target (with the same variables, bindir being sbin).
TOOL_DIRS := $(filter-out tools/vssctl/,$(wildcard tools/*/))
TOOLS_WITH_INSTALL = $(foreach d,$(TOOL_DIRS),$(if $(shell grep -s '^install:' $(d)Makefile),$(d)))
UNITS := $(wildcard tools/*/*.service tools/*/*.socket tools/*/*.timer)

install: lib vssctl man install-dkms-src
	$(MAKE) -C lib install $(INSTALL_VARS)
	$(MAKE) -C tools/vssctl install $(INSTALL_VARS) bindir=$(SBINDIR)
	$(foreach d,$(TOOLS_WITH_INSTALL),$(MAKE) -C $(d) install $(INSTALL_VARS) bindir=$(SBINDIR) &&) true
	$(MAKE) -C man install $(INSTALL_VARS)
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 tools/vssctl/vssctl.bash-completion $(DESTDIR)$(BASHCOMPDIR)/vssctl
	$(if $(UNITS),install -d $(DESTDIR)$(UNITDIR))
	$(foreach u,$(UNITS),sed 's|@sbindir@|$(SBINDIR)|g' $(u) > $(DESTDIR)$(UNITDIR)/$(notdir $(u)) && chmod 644 $(DESTDIR)$(UNITDIR)/$(notdir $(u)) &&) true
ifeq ($(DESTDIR),)
ifneq ($(DKMS),)
	-dkms remove vss/$(VERSION) --all >/dev/null 2>&1
	dkms add vss/$(VERSION)
	@if [ -d /lib/modules/$$(uname -r)/build ]; then \
		echo dkms install vss/$(VERSION); dkms install vss/$(VERSION); \
	else \
		echo "install: no headers for the running kernel $$(uname -r):" \
		     "dkms builds vss for each kernel installed from now on"; \
	fi
else
	@echo "install: dkms not found; the module's sources are in $(DKMS_SRC)" \
	      "(apt-get install dkms, then: dkms install vss/$(VERSION))"
endif
	-ldconfig
endif

# What dkms builds from: kmod's sources and Kbuild (not its Makefile, the
# per-kernel farm of the tree), the uapi header and VERSION beside them.
install-dkms-src:
	install -d $(DESTDIR)$(DKMS_SRC)/include/uapi/linux
	install -m 644 kmod/*.c kmod/*.h kmod/Kbuild VERSION $(DESTDIR)$(DKMS_SRC)/
	install -m 644 include/uapi/linux/vss.h $(DESTDIR)$(DKMS_SRC)/include/uapi/linux/
	sed 's/@VERSION@/$(VERSION)/g' kmod/dkms.conf.in > $(DESTDIR)$(DKMS_SRC)/dkms.conf
	chmod 644 $(DESTDIR)$(DKMS_SRC)/dkms.conf

# The layout `dkms ldtarball` takes: dkms_source_tree/ with dkms.conf.
dkms-tarball:
	rm -rf build/dkms-tarball
	$(MAKE) install-dkms-src DESTDIR=$(CURDIR)/build/dkms-tarball
	mv build/dkms-tarball$(DKMS_SRC) build/dkms-tarball/dkms_source_tree
	tar -C build/dkms-tarball -czf build/vss-$(VERSION).dkms.tar.gz dkms_source_tree
	@echo build/vss-$(VERSION).dkms.tar.gz

uninstall:
ifeq ($(DESTDIR),)
ifneq ($(DKMS),)
	-dkms remove vss/$(VERSION) --all
endif
endif
	rm -rf $(DESTDIR)$(DKMS_SRC)
	rm -f $(DESTDIR)$(LIBDIR)/libvss.a $(DESTDIR)$(LIBDIR)/libvss.so \
		$(DESTDIR)$(LIBDIR)/libvss.so.* $(DESTDIR)$(LIBDIR)/pkgconfig/libvss.pc
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/,libvss.h libvss-doc.h libvss-uring.h libvss_version.h)
	rm -rf $(DESTDIR)$(INCLUDEDIR)/libvss
	rm -f $(DESTDIR)$(SBINDIR)/vssctl $(DESTDIR)$(BASHCOMPDIR)/vssctl
	$(foreach d,$(TOOLS_WITH_INSTALL),$(if $(shell grep -s '^uninstall:' $(d)Makefile),$(MAKE) -C $(d) uninstall $(INSTALL_VARS) bindir=$(SBINDIR) &&)) true
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNITS)))
	$(MAKE) -C man uninstall $(INSTALL_VARS)
