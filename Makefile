# One command builds everything: `make` (swift build + the C stubs, with cc, next to `frost`).
# The stubs are built by cc, not SwiftPM, so that they never link the Swift runtime.
#   make deps    install missing Debian packages (apt-get; sudo when not root)
#   make         build frost and every stub into $(SCRATCH)/$(CONFIG) (SCRATCH=.build)
#   make demo    deps + build + freeze samples/hello.sh and samples/stdlib_app.py, run them
#   make test    deps + build + dist + the whole test suite
#   make compat  build + the PyPI compatibility suite alone (tests/compat/README.md)
#   make floor   build + the glibc floor tests alone (docs/GLIBC.md; root; debootstraps once)
#   make live    build + the services under a booted systemd alone (root; debootstraps once)
#   make dist    frost-VERSION-linux-x86_64.tar.gz in $(DIST_SCRATCH): a static release frost,
#                every stub, the man page and shell completions (scripts/make-dist.sh)
#   make install PREFIX=/usr/local  the same tree, unpacked under PREFIX
#   make fuzz    build + each libFuzzer harness of fuzz/ for FUZZ_TIME seconds (default 600)
#   make fuzz-check  the harnesses on their seeds and regressions, a fixed number of runs, and
#                the host and Python stubs built with AddressSanitizer running samples (in test)
CONFIG ?= debug
SWIFT ?= swift
SCRATCH ?= .build
BIN := $(SCRATCH)/$(CONFIG)
KIT := $(BIN)/frost-stub-kit
CC := cc
CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -g0 -ffile-prefix-map=$(CURDIR)=. -fno-ident
LDFLAGS_STUB := -Wl,--build-id=none -Wl,-z,noexecstack
ARCHLIB := /usr/lib/x86_64-linux-gnu
PYTHON := /usr/bin/python3
PYLIBPL := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("LIBPL"))' 2>/dev/null)
PYVER := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("VERSION"))' 2>/dev/null)
PYINC := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
PYPREFIX := $(shell $(PYTHON) -c 'import sys; print(sys.base_prefix)' 2>/dev/null)
PACKAGES := libelf-dev zlib1g-dev libzstd-dev zstd liblz4-dev python3-dev libpython3-dev python3-venv python3-wheel python3-pip binutils strace time \
	systemd hyperfine xinetd util-linux pkg-config gcc g++ gdb debootstrap systemd-container lintian

# glibc's floor (docs/GLIBC.md): every stub is linked against glibc 2.28's symbols and start
# files, which scripts/glibc-floor.sh makes once with the ziglang wheel, so that it runs on
# RHEL 8, Debian 10 and later. FLOOR_START/FLOOR_END wrap the objects of a link (the no-PIE,
# PIE and shared forms); FLOOR_LIBS replace cc's default libraries.
FLOOR := $(BIN)/glibc-floor
ZIG_DIR := $(SCRATCH)/zig
FLOOR_STAMP := $(FLOOR)/floor.stamp
FLOOR_NOPIE_START = -no-pie -nostartfiles -nodefaultlibs $(FLOOR)/crt1.o $(FLOOR)/crti.o $(FLOOR)/crtbegin.o
FLOOR_NOPIE_END = $(FLOOR)/crtend.o $(FLOOR)/crtn.o
FLOOR_PIE_START = -pie -nostartfiles -nodefaultlibs $(FLOOR)/Scrt1.o $(FLOOR)/crti.o $(FLOOR)/crtbeginS.o
FLOOR_PIE_END = $(FLOOR)/crtendS.o $(FLOOR)/crtn.o
FLOOR_SHARED_START = -shared -nostartfiles -nodefaultlibs $(FLOOR)/crti.o $(FLOOR)/crtbeginS.o
FLOOR_SHARED_END = $(FLOOR)/crtendS.o $(FLOOR)/crtn.o
FLOOR_LIBS = -Wl,--as-needed $(FLOOR)/libc.so.6 $(FLOOR)/libpthread.so.0 $(FLOOR)/libld.so.2 $(FLOOR)/libc_nonshared.a $(FLOOR)/libgcc.a
# The Python stub needs libpthread, libdl, librt and libutil even where the running glibc has
# merged them into libc: on an older one they define what the payload's libraries call.
FLOOR_PY_LIBS = -Wl,--no-as-needed $(FLOOR)/libm.so.6 $(FLOOR)/libpthread.so.0 $(FLOOR)/libdl.so.2 \
	$(FLOOR)/librt.so.1 $(FLOOR)/libutil.so.1 $(FLOOR_LIBS)

COMMON_SRC := $(wildcard stubs/common/*.c)
COMMON_HDR := $(wildcard stubs/common/*.h) stubs/include/frost_format.h
HOST_SRC := $(wildcard stubs/host/*.c)
COMPACT_SRC := $(wildcard stubs/compact/*.c)
PY_SRC := $(wildcard stubs/python/*.c)
PACKED_SRC := stubs/packed/packed.c stubs/packed/image.c stubs/packed/ldso.c stubs/packed/lz4_block.c

.PHONY: all build swift stubs deps demo test compat versions floor live dist install clean fuzz fuzz-check fuzz-harnesses asan-stubs
all: build
build: swift stubs

swift:
	$(SWIFT) build -c $(CONFIG) --scratch-path $(SCRATCH)

stubs: $(BIN)/frost-stub-host $(BIN)/frost-stub-python $(BIN)/frost-stub-python.zst \
	$(BIN)/frost-stub-python-compact $(BIN)/frost-stub-python-packed \
	$(BIN)/frost-stub-python.img.lz4 $(BIN)/frost.py $(BIN)/frost-collect.py $(KIT)/kit.list

$(FLOOR_STAMP): scripts/glibc-floor.sh scripts/glibc-floor-aliases.py
	scripts/glibc-floor.sh $(FLOOR) $(ZIG_DIR)

# The collector, run by the program's own Python at build time (collector/README.md).
$(BIN)/frost-collect.py: collector/frost_collect.py
	@mkdir -p $(BIN)
	cp $< $@

# The `frost` runtime module, bundled into every --host-python program.
$(BIN)/frost.py: stubs/python/frost.py
	@mkdir -p $(BIN)
	cp $< $@

$(BIN)/frost-stub-host: $(HOST_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/host/*.h) $(FLOOR_STAMP)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -Os -o $@.tmp $(FLOOR_PIE_START) $(HOST_SRC) $(COMMON_SRC) $(ARCHLIB)/libz.a \
		$(FLOOR_LIBS) $(FLOOR_PIE_END) $(LDFLAGS_STUB) -s
	mv $@.tmp $@

# The --compact loader: decodes the zstd-compressed frost-stub-python from its payload into a
# memfd and execs it.
$(BIN)/frost-stub-python-compact: $(COMPACT_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/compact/*.h) $(FLOOR_STAMP)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -Os -DFROST_WITH_ZSTD -o $@.tmp $(FLOOR_PIE_START) $(COMPACT_SRC) $(COMMON_SRC) \
		$(ARCHLIB)/libzstd.a $(ARCHLIB)/libz.a $(FLOOR_LIBS) $(FLOOR_PIE_END) $(LDFLAGS_STUB) -s
	mv $@.tmp $@

# Static CPython (the non-PIC archive with -no-pie, as Debian links /usr/bin/python3.11) and
# zlib; -E exports the interpreter's symbols to extension modules; --exclude-libs keeps zlib
# private. stub_inittab.c leaves the biggest built-in modules out of the stub: they are linked
# from the PIC archive as extension modules into frost-python-lib/, and the payload carries them
# only for programs that import them. bootstrap.py (the payload importer), support.py (its
# parts a program may never use, imported on first use) and frost.py (the `frost` module for
# services) are frozen into the stub by the same interpreter, so that their bytecode matches.
PY_SPLIT := unicodedata pyexpat _elementtree
PY_EXT := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))' 2>/dev/null)
PY_FROZEN := _frost_bootstrap=stubs/python/bootstrap.py _frost_support=stubs/python/support.py \
	_frost_vfs=stubs/python/vfs.py frost=stubs/python/frost.py
PY_GEN := $(BIN)/python-gen
PY_LIB := $(BIN)/frost-python-lib
$(BIN)/frost-stub-python: $(PY_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/python/*.h) $(wildcard stubs/python/*.py) $(FLOOR_STAMP)
	@mkdir -p $(PY_GEN) $(PY_LIB)
	$(PYTHON) -I stubs/python/freeze_modules.py --split "$(PY_SPLIT)" $(PY_GEN)/frost_frozen.h $(PY_FROZEN)
	for m in $(PY_SPLIT); do ar p $(PYLIBPL)/libpython$(PYVER)-pic.a $$m.o > $(PY_GEN)/$$m.o || exit 1; done
	$(CC) -s -o $(PY_LIB)/unicodedata$(PY_EXT) $(FLOOR_SHARED_START) $(PY_GEN)/unicodedata.o \
		$(FLOOR_LIBS) $(FLOOR_SHARED_END) $(LDFLAGS_STUB)
	$(CC) -s -o $(PY_LIB)/pyexpat$(PY_EXT) $(FLOOR_SHARED_START) $(PY_GEN)/pyexpat.o $(ARCHLIB)/libexpat.a \
		$(FLOOR_LIBS) $(FLOOR_SHARED_END) -Wl,--exclude-libs,ALL $(LDFLAGS_STUB)
	$(CC) -s -o $(PY_LIB)/_elementtree$(PY_EXT) $(FLOOR_SHARED_START) $(PY_GEN)/_elementtree.o \
		$(FLOOR_LIBS) $(FLOOR_SHARED_END) $(LDFLAGS_STUB)
	$(CC) $(CFLAGS) -DFROST_WITH_ZSTD -DFROST_PY_PREFIX='"$(PYPREFIX)"' -I$(PYINC) -I$(PY_GEN) \
		-o $@.tmp $(FLOOR_NOPIE_START) $(PY_SRC) $(COMMON_SRC) \
		$(ARCHLIB)/libpython$(PYVER).a $(ARCHLIB)/libz.a $(ARCHLIB)/libzstd.a $(FLOOR_PY_LIBS) $(FLOOR_NOPIE_END) \
		-s -Wl,-E -Wl,--exclude-libs,libz.a:libzstd.a $(LDFLAGS_STUB)
	mv $@.tmp $@

# The interpreter stub as four zstd-19 frames of a quarter each (content size and checksum
# recorded, a 1 MiB window as Zstd.windowLog), which the compact loader decodes on as many
# cores (stubs/compact/stub_unpack.h); made once here so that `frost build --compact` does not
# compress 6 MB at every build. Zstd.compress(_:level:frames:) splits the same way.
$(BIN)/frost-stub-python.zst: $(BIN)/frost-stub-python
	rm -rf $@.parts && mkdir $@.parts
	split -n 4 -d $< $@.parts/
	for f in $@.parts/*; do zstd -q -19 --zstd=wlog=20 --check --content-size -c $$f || exit 1; done > $@.tmp
	rm -rf $@.parts
	mv $@.tmp $@

# The packed loader (stubs/packed/packed.c): no C library, a static PIE that must need no
# relocation, since nothing would apply it.
$(BIN)/frost-stub-python-packed: $(PACKED_SRC) $(wildcard stubs/packed/*.h) stubs/include/frost_format.h
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -fPIE -static-pie -nostdlib -ffreestanding -fno-stack-protector \
		-fno-asynchronous-unwind-tables -o $@.tmp $(PACKED_SRC) $(LDFLAGS_STUB) -s
	LC_ALL=C readelf -r $@.tmp | grep -q "no relocations" || { echo "$@: has relocations"; exit 1; }
	mv $@.tmp $@

# The packed loader's interpreter: the memory image of frost-stub-python as one LZ4 block
# (stubs/packed/packed.h), compressed once here by pack.c with liblz4 (only at build time).
$(BIN)/frost-stub-python.img.lz4: $(BIN)/frost-stub-python $(PY_GEN)/pack
	$(PY_GEN)/pack $< $(PY_GEN)/frost-stub-python.img $@.tmp
	mv $@.tmp $@

$(PY_GEN)/pack: stubs/packed/pack.c stubs/packed/packed.h
	@mkdir -p $(PY_GEN)
	$(CC) $(CFLAGS) -o $@ stubs/packed/pack.c $(ARCHLIB)/liblz4.a

# The stub kit: what `frost build --python PY` needs to link the interpreter stub for another
# CPython (Sources/FrostKit/Python/StubLinker.swift): the Python stub's sources but Debian's
# table of built-ins, static zlib and zstd, and the packing tool. kit.list names its files.
# The sources that do not include Python.h come compiled (objects/NAME.o): a link compiles
# only the four that do.
KIT_PY := $(filter-out stubs/python/stub_inittab.c,$(wildcard stubs/python/*.c stubs/python/*.h stubs/python/*.py))
KIT_PLAIN := stubs/python/main.c stubs/python/stub_native.c stubs/python/stub_prefetch.c \
	stubs/python/stub_vfs.c stubs/python/stub_vfs_dir.c stubs/python/stub_maps.c stubs/python/stub_glibc.c \
	stubs/python/stub_cache.c \
	$(COMMON_SRC)
$(KIT)/kit.list: $(KIT_PY) $(COMMON_SRC) $(COMMON_HDR) $(PY_GEN)/pack Makefile $(FLOOR_STAMP)
	rm -rf $(KIT) && mkdir -p $(KIT)/python $(KIT)/common $(KIT)/include $(KIT)/objects
	cp -r $(FLOOR) $(KIT)/glibc-floor
	cp $(KIT_PY) $(KIT)/python/
	cp $(COMMON_SRC) $(wildcard stubs/common/*.h) $(KIT)/common/
	cp stubs/include/frost_format.h $(KIT)/include/
	cp $(ARCHLIB)/libz.a $(ARCHLIB)/libzstd.a $(PY_GEN)/pack $(KIT)/
	for f in $(KIT_PLAIN); do \
		$(CC) $(CFLAGS) -DFROST_WITH_ZSTD -c $$f -o $(KIT)/objects/$$(basename $$f .c).o || exit 1; \
	done
	cd $(KIT) && find . -type f ! -name 'kit.list*' | LC_ALL=C sort > kit.list.tmp && mv kit.list.tmp kit.list

deps:
	@bash scripts/install-deps.sh $(PACKAGES)

demo: deps build
	$(BIN)/frost build samples/hello.sh -o $(BIN)/hello
	$(BIN)/hello from Frost
	$(BIN)/frost build samples/stdlib_app.py -o $(BIN)/stdlib_app
	$(BIN)/stdlib_app

test: deps build dist fuzz-check
	$(SWIFT) test --scratch-path $(SCRATCH)

# Popular PyPI distributions frozen and run with host Python hidden (Tests/FrostCLITests/
# CompatTests.swift); the venv is made once, next to the build folder, by scripts/compat-venv.sh.
compat: build
	$(SWIFT) test --scratch-path $(SCRATCH) --filter CompatTests

# Every CPython 3.8 to 3.13 of the machine (pyenv's) embedded and run
# (Tests/FrostCLITests/PythonVersionTests.swift); FROST_REQUIRE_ALL_PYTHONS=1 fails on one absent.
versions: build
	$(SWIFT) test --scratch-path $(SCRATCH) --filter 'PythonVersionTests|CollectorUnitTests'

# glibc's floor alone: symbol versions of every output, and runs in bullseye, bookworm and
# trixie roots with no Python that scripts/old-roots.sh debootstraps once (root).
floor: build
	$(SWIFT) test --scratch-path $(SCRATCH) --filter GlibcFloorTests

# Generated units under a systemd booted in a container (systemd-nspawn over a bookworm root
# that scripts/systemd-root.sh debootstraps once into /var/cache/frost-tests); needs root.
live: build
	scripts/systemd-root.sh >/dev/null
	$(SWIFT) test --scratch-path $(SCRATCH) --filter SystemdLiveTests

# The release tarball: frost linked fully statically (the Swift runtime included, no shared
# library), built in a scratch folder of its own with release stubs beside it.
VERSION := $(shell sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/FrostKit/Frost.swift)
DIST_SCRATCH ?= .build-dist
DIST := $(DIST_SCRATCH)/frost-$(VERSION)-linux-x86_64.tar.gz
PREFIX ?= /usr/local
dist: build
	$(SWIFT) build -c release --scratch-path $(DIST_SCRATCH) --static-swift-stdlib \
		-Xswiftc -static-executable --product frost
	$(MAKE) stubs SCRATCH=$(DIST_SCRATCH) CONFIG=release
	scripts/make-dist.sh $(DIST_SCRATCH)/release $(BIN) $(VERSION) $(DIST)
install: dist
	mkdir -p $(PREFIX)
	tar -C $(PREFIX) --strip-components=1 --no-same-owner -xzf $(DIST)

# Fuzzing (fuzz/README.md). The harnesses are built by the Swift toolchain's clang, which has
# libFuzzer; the seeds are made from binaries that this build's `frost` freezes.
FUZZ_CC ?= /opt/swift/usr/bin/clang
FUZZ_DIR := $(SCRATCH)/fuzz
FUZZ_TIME ?= 600
FUZZ_RUNS ?= 20000
FUZZ_HARNESSES := payload lz4 manifest
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -DFROST_WITH_ZSTD -g -O1 -Wall -Wextra -fuse-ld=lld \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_COMMON := fuzz/fuzz_mutator.c fuzz/fuzz_mutator.h fuzz/fuzz_walk.h stubs/include/frost_format.h
FUZZ_READER := stubs/common/stub_payload.c stubs/common/stub_crc32.c
FUZZ_PACKED := stubs/packed/image.c stubs/packed/lz4_block.c
FUZZ_BIN := $(addprefix $(FUZZ_DIR)/fuzz-,$(FUZZ_HARNESSES))
# Run options: crashes are written into $(FUZZ_DIR), not the current folder.
FUZZ_OPTS := -artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=1
# FUZZ_MAX_LEN=4096 caps the inputs of `make fuzz` (fast: ~30,000 inputs/s for the payload
# harness against 130-500/s once its corpus holds inputs of tens of kilobytes).
FUZZ_MAX_LEN ?=

$(FUZZ_DIR)/fuzz-payload: fuzz/fuzz_payload.c $(FUZZ_COMMON) $(FUZZ_READER) $(FUZZ_PACKED) $(COMMON_HDR)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(ARCHLIB)/libzstd.a $(ARCHLIB)/libz.a
$(FUZZ_DIR)/fuzz-lz4: fuzz/fuzz_lz4.c $(FUZZ_COMMON) stubs/packed/lz4_block.c stubs/packed/lz4_block.h
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(ARCHLIB)/liblz4.a $(ARCHLIB)/libz.a
$(FUZZ_DIR)/fuzz-manifest: fuzz/fuzz_manifest.c $(FUZZ_COMMON) $(FUZZ_READER) $(COMMON_HDR)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(ARCHLIB)/libzstd.a $(ARCHLIB)/libz.a

# Seeds: one folder per harness, from `frost build` of the samples (fuzz/make-seeds.sh).
$(FUZZ_DIR)/seeds/.made: fuzz/make-seeds.sh samples/hello.sh samples/hello.py | build
	fuzz/make-seeds.sh $(BIN) $(FUZZ_DIR)/seeds
	touch $@

# Each harness's regression inputs (fuzz/regressions/HARNESS-NAME) in a folder of its own.
$(FUZZ_DIR)/regressions/.made: $(wildcard fuzz/regressions/*)
	rm -rf $(FUZZ_DIR)/regressions
	for h in $(FUZZ_HARNESSES); do mkdir -p $(FUZZ_DIR)/regressions/$$h; \
		cp fuzz/regressions/$$h-* $(FUZZ_DIR)/regressions/$$h/ 2>/dev/null || true; done
	touch $@

fuzz-harnesses: $(FUZZ_BIN) $(FUZZ_DIR)/seeds/.made $(FUZZ_DIR)/regressions/.made

# Every regression input once, then FUZZ_RUNS mutations from seeds + regressions (seed 1, a
# corpus folder made afresh: the same inputs at every run), then the ASan stubs.
fuzz-check: fuzz-harnesses asan-stubs
	for h in $(FUZZ_HARNESSES); do \
		r=$$(ls $(FUZZ_DIR)/regressions/$$h); \
		if [ -n "$$r" ]; then (cd $(FUZZ_DIR)/regressions/$$h && ../../fuzz-$$h $$r) || exit 1; fi; \
		rm -rf $(FUZZ_DIR)/check-$$h && mkdir -p $(FUZZ_DIR)/check-$$h; \
		$(FUZZ_DIR)/fuzz-$$h $(FUZZ_OPTS) -runs=$(FUZZ_RUNS) -seed=1 $(FUZZ_DIR)/check-$$h \
			$(FUZZ_DIR)/seeds/$$h $(FUZZ_DIR)/regressions/$$h 2>$(FUZZ_DIR)/check-$$h.log || \
			{ tail -40 $(FUZZ_DIR)/check-$$h.log; exit 1; }; \
		grep -E "^stat::number_of_executed_units|^Done" $(FUZZ_DIR)/check-$$h.log; \
	done

# Long runs, one harness after the other, keeping what they find in $(FUZZ_DIR)/corpus-*.
fuzz: fuzz-harnesses
	for h in $(FUZZ_HARNESSES); do mkdir -p $(FUZZ_DIR)/corpus-$$h; \
		$(FUZZ_DIR)/fuzz-$$h $(FUZZ_OPTS) $(if $(FUZZ_MAX_LEN),-max_len=$(FUZZ_MAX_LEN)) \
			-max_total_time=$(FUZZ_TIME) $(FUZZ_DIR)/corpus-$$h \
			$(FUZZ_DIR)/seeds/$$h $(FUZZ_DIR)/regressions/$$h || exit 1; done

# The host and Python stubs with AddressSanitizer (gcc's), in $(SCRATCH)/asan with links to
# what Python programs need from the build, so that `frost` (FROST_STUB_DIR) freezes samples
# onto them (the interpreter left unpacked: a packed one would be the plain stub); each frozen
# sample then runs and must succeed (ASan's exit status is 99) and print what it prints with
# the normal stubs. ASan checks the
# stubs' own C code (reading the payload, launching, the Python importer's C side), not
# libpython or zlib, which are not rebuilt. Leak checking is off: the stubs exec or exit
# without freeing what the program keeps until then.
ASAN_DIR := $(SCRATCH)/asan
ASAN_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -fsanitize=address
$(ASAN_DIR)/frost-stub-host: $(HOST_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/host/*.h)
	@mkdir -p $(ASAN_DIR)
	$(CC) $(ASAN_CFLAGS) -o $@ $(HOST_SRC) $(COMMON_SRC) $(ARCHLIB)/libz.a
$(ASAN_DIR)/frost-stub-python: $(BIN)/frost-stub-python $(PY_SRC) $(COMMON_SRC) $(COMMON_HDR)
	@mkdir -p $(ASAN_DIR)
	$(CC) $(ASAN_CFLAGS) -DFROST_WITH_ZSTD -DFROST_PY_PREFIX='"$(PYPREFIX)"' -I$(PYINC) -I$(PY_GEN) -o $@ $(PY_SRC) $(COMMON_SRC) \
		$(ARCHLIB)/libpython$(PYVER).a $(ARCHLIB)/libz.a $(ARCHLIB)/libzstd.a -lm -ldl -lpthread -lutil \
		-no-pie -Wl,-E -Wl,--exclude-libs,libz.a:libzstd.a

ASAN_RUN := ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=99 FROST_STUB_DIR=$(CURDIR)/$(ASAN_DIR)
asan-stubs: build $(ASAN_DIR)/frost-stub-host $(ASAN_DIR)/frost-stub-python
	for f in frost-python-lib frost-stub-kit frost.py frost-collect.py; do ln -sfn $(CURDIR)/$(BIN)/$$f $(ASAN_DIR)/$$f; done
	$(ASAN_RUN) $(BIN)/frost build samples/hello.sh -o $(ASAN_DIR)/hello-sh
	$(ASAN_RUN) $(ASAN_DIR)/hello-sh from asan >$(ASAN_DIR)/out && grep -q "\[asan\]" $(ASAN_DIR)/out
	$(ASAN_RUN) $(BIN)/frost build samples/hello.py -o $(ASAN_DIR)/hello-py
	$(ASAN_RUN) $(ASAN_DIR)/hello-py >$(ASAN_DIR)/out && grep -qx "hello from Frost" $(ASAN_DIR)/out
	$(ASAN_RUN) $(BIN)/frost build samples/hello.py --stdlib imported -o $(ASAN_DIR)/hello-py-imported
	$(ASAN_RUN) $(ASAN_DIR)/hello-py-imported >$(ASAN_DIR)/out && grep -qx "hello from Frost" $(ASAN_DIR)/out
	$(ASAN_RUN) $(BIN)/frost build samples/stdlib_app.py --pack-interpreter never -o $(ASAN_DIR)/stdlib_app
	$(ASAN_RUN) $(ASAN_DIR)/stdlib_app >$(ASAN_DIR)/out
	$(ASAN_RUN) $(BIN)/frost build samples/pkgapp --pack-interpreter never -o $(ASAN_DIR)/pkgapp
	$(ASAN_RUN) $(ASAN_DIR)/pkgapp >$(ASAN_DIR)/out
	@echo "asan-stubs: 5 frozen samples ran on the ASan host and Python stubs"

clean:
	rm -rf .build
