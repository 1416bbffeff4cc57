# One command builds everything: `make` (swift build + the C stubs, with cc, next to `frost`).
# The stubs are built by cc, not SwiftPM, so that they never link the Swift runtime.
#   make deps    install missing Debian packages (apt-get; sudo when not root)
#   make         build frost and every stub into $(SCRATCH)/$(CONFIG) (SCRATCH=.build)
#   make demo    deps + build + freeze samples/hello.sh and samples/stdlib_app.py, run them
#   make test    deps + build + the whole test suite
#   make compat  build + the PyPI compatibility suite alone (tests/compat/README.md)
CONFIG ?= debug
SWIFT ?= swift
SCRATCH ?= .build
BIN := $(SCRATCH)/$(CONFIG)
CC := cc
CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -g0 -ffile-prefix-map=$(CURDIR)=. -fno-ident
LDFLAGS_STUB := -Wl,--build-id=none -Wl,-z,noexecstack
ARCHLIB := /usr/lib/x86_64-linux-gnu
PYTHON := /usr/bin/python3
PYLIBPL := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("LIBPL"))' 2>/dev/null)
PYVER := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("VERSION"))' 2>/dev/null)
PYINC := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
PACKAGES := libelf-dev zlib1g-dev libzstd-dev zstd liblz4-dev python3-dev libpython3-dev python3-venv python3-wheel binutils strace time \
	systemd hyperfine xinetd util-linux pkg-config gcc

COMMON_SRC := $(wildcard stubs/common/*.c)
COMMON_HDR := $(wildcard stubs/common/*.h) stubs/include/frost_format.h
HOST_SRC := $(wildcard stubs/host/*.c)
COMPACT_SRC := $(wildcard stubs/compact/*.c)
PY_SRC := $(wildcard stubs/python/*.c)
PACKED_SRC := stubs/packed/packed.c stubs/packed/image.c stubs/packed/ldso.c stubs/packed/lz4_block.c

.PHONY: all build swift stubs deps demo test compat clean
all: build
build: swift stubs

swift:
	$(SWIFT) build -c $(CONFIG) --scratch-path $(SCRATCH)

stubs: $(BIN)/frost-stub-host $(BIN)/frost-stub-python $(BIN)/frost-stub-python.zst \
	$(BIN)/frost-stub-python-compact $(BIN)/frost-stub-python-packed \
	$(BIN)/frost-stub-python.img.lz4 $(BIN)/frost.py $(BIN)/frost-collect.py

# The collector, run by the program's own Python at build time (collector/README.md).
$(BIN)/frost-collect.py: collector/frost_collect.py
	@mkdir -p $(BIN)
	cp $< $@

# The `frost` runtime module, bundled into every --host-python program.
$(BIN)/frost.py: stubs/python/frost.py
	@mkdir -p $(BIN)
	cp $< $@

$(BIN)/frost-stub-host: $(HOST_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/host/*.h)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -Os -o $@.tmp $(HOST_SRC) $(COMMON_SRC) $(ARCHLIB)/libz.a $(LDFLAGS_STUB) -s
	mv $@.tmp $@

# The --compact loader: decodes the zstd-compressed frost-stub-python from its payload into a
# memfd and execs it.
$(BIN)/frost-stub-python-compact: $(COMPACT_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/compact/*.h)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -Os -DFROST_WITH_ZSTD -o $@.tmp $(COMPACT_SRC) $(COMMON_SRC) $(ARCHLIB)/libzstd.a \
		$(ARCHLIB)/libz.a $(LDFLAGS_STUB) -s
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
$(BIN)/frost-stub-python: $(PY_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/python/*.h) $(wildcard stubs/python/*.py)
	@mkdir -p $(PY_GEN) $(PY_LIB)
	$(PYTHON) -I stubs/python/freeze_modules.py --split "$(PY_SPLIT)" $(PY_GEN)/frost_frozen.h $(PY_FROZEN)
	for m in $(PY_SPLIT); do ar p $(PYLIBPL)/libpython$(PYVER)-pic.a $$m.o > $(PY_GEN)/$$m.o || exit 1; done
	$(CC) -shared -s -o $(PY_LIB)/unicodedata$(PY_EXT) $(PY_GEN)/unicodedata.o $(LDFLAGS_STUB)
	$(CC) -shared -s -o $(PY_LIB)/pyexpat$(PY_EXT) $(PY_GEN)/pyexpat.o $(ARCHLIB)/libexpat.a \
		-Wl,--exclude-libs,ALL $(LDFLAGS_STUB)
	$(CC) -shared -s -o $(PY_LIB)/_elementtree$(PY_EXT) $(PY_GEN)/_elementtree.o $(LDFLAGS_STUB)
	$(CC) $(CFLAGS) -DFROST_WITH_ZSTD -I$(PYINC) -I$(PY_GEN) -o $@.tmp $(PY_SRC) $(COMMON_SRC) \
		$(ARCHLIB)/libpython$(PYVER).a $(ARCHLIB)/libz.a $(ARCHLIB)/libzstd.a -lm -ldl -lpthread -lutil \
		-no-pie -s -Wl,-E -Wl,--exclude-libs,libz.a:libzstd.a $(LDFLAGS_STUB)
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
$(BIN)/frost-stub-python.img.lz4: $(BIN)/frost-stub-python stubs/packed/pack.c stubs/packed/packed.h
	@mkdir -p $(PY_GEN)
	$(CC) $(CFLAGS) -o $(PY_GEN)/pack stubs/packed/pack.c $(ARCHLIB)/liblz4.a
	$(PY_GEN)/pack $< $(PY_GEN)/frost-stub-python.img $@.tmp
	mv $@.tmp $@

deps:
	@bash scripts/install-deps.sh $(PACKAGES)

demo: deps build
	$(BIN)/frost build samples/hello.sh -o $(BIN)/hello
	$(BIN)/hello from Frost
	$(BIN)/frost build samples/stdlib_app.py -o $(BIN)/stdlib_app
	$(BIN)/stdlib_app

test: deps build
	$(SWIFT) test --scratch-path $(SCRATCH)

# Popular PyPI distributions frozen and run with host Python hidden (Tests/FrostCLITests/
# CompatTests.swift); the venv is made once, next to the build folder, by scripts/compat-venv.sh.
compat: build
	$(SWIFT) test --scratch-path $(SCRATCH) --filter CompatTests

clean:
	rm -rf .build
