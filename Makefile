# One command builds everything: `make` (swift build + the C stubs, with cc, next to `frost`).
# The stubs are built by cc, not SwiftPM, so that they never link the Swift runtime.
#   make deps    install missing Debian packages (apt-get; sudo when not root)
#   make         build frost and every stub into $(SCRATCH)/$(CONFIG) (SCRATCH=.build)
#   make demo    deps + build + freeze samples/hello.sh and run it
#   make test    deps + build + the whole test suite
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
PACKAGES := libelf-dev zlib1g-dev python3-dev libpython3-dev python3-venv binutils strace \
	systemd hyperfine xinetd util-linux pkg-config gcc

COMMON_SRC := $(wildcard stubs/common/*.c)
COMMON_HDR := $(wildcard stubs/common/*.h) stubs/include/frost_format.h
HOST_SRC := $(wildcard stubs/host/*.c)
PY_SRC := $(wildcard stubs/python/*.c)

.PHONY: all build swift stubs deps demo test clean
all: build
build: swift stubs

swift:
	$(SWIFT) build -c $(CONFIG) --scratch-path $(SCRATCH)

stubs: $(BIN)/frost-stub-host $(if $(PY_SRC),$(BIN)/frost-stub-python)

$(BIN)/frost-stub-host: $(HOST_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/host/*.h)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -Os -o $@.tmp $(HOST_SRC) $(COMMON_SRC) $(ARCHLIB)/libz.a $(LDFLAGS_STUB) -s
	mv $@.tmp $@

# Static CPython (the PIC archive, so the stub is a PIE), expat and zlib; -E exports the
# interpreter's symbols to extension modules; --exclude-libs keeps zlib/expat private.
$(BIN)/frost-stub-python: $(PY_SRC) $(COMMON_SRC) $(COMMON_HDR) $(wildcard stubs/python/*.h) $(wildcard stubs/python/*.py)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -I$(PYINC) -o $@.tmp $(PY_SRC) $(COMMON_SRC) \
		$(PYLIBPL)/libpython$(PYVER)-pic.a $(ARCHLIB)/libexpat.a $(ARCHLIB)/libz.a \
		-lm -ldl -lpthread -lutil -Wl,-E -Wl,--exclude-libs,libz.a:libexpat.a $(LDFLAGS_STUB)
	mv $@.tmp $@

deps:
	@bash scripts/install-deps.sh $(PACKAGES)

demo: deps build
	$(BIN)/frost build samples/hello.sh -o $(BIN)/hello
	$(BIN)/hello from Frost

test: deps build
	$(SWIFT) test --scratch-path $(SCRATCH)

clean:
	rm -rf .build
