# sendoc — see README.md. `make deps demo` renders the samples; `make test-deps check` runs every test.
PREFIX   ?= /usr/local
DESTDIR  ?=
B        ?= build
CC       ?= cc
SAN      ?=
PKGS      = libxml-2.0 libcmark harfbuzz harfbuzz-subset icu-uc icu-i18n fontconfig libpng libcrypto
# pkg-config runs when a recipe first needs its answer, not when the Makefile
# is read: `make deps demo` on a bare machine installs pkg-config and the -dev
# packages before anything asks (lazy(V,cmd) sets V once, on first use).
lazy = $(eval $(1) := $$(shell $(2)))$($(1))
PKG_CFLAGS  = $(call lazy,PKG_CFLAGS,pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(call lazy,PKG_LIBS,pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_FLAGS = $(call lazy,CHECK_FLAGS,pkg-config --cflags --libs check 2>/dev/null)
# OpenSSL's libcrypto (sha256 of batch outputs and fingerprints) is in PKGS: the
# library runs batches; CLI_* stay for the CLI's own needs
CLI_CFLAGS  = $(call lazy,CLI_CFLAGS,pkg-config --cflags libcrypto 2>/dev/null)
CLI_LIBS    = $(call lazy,CLI_LIBS,pkg-config --libs libcrypto 2>/dev/null)
# the installed data folder, for sd_engine_new(NULL, ...) (engine/engine.c)
DATADIR  ?= $(PREFIX)/share/sendoc
# `make deps demo -j2`: nothing is compiled before deps has installed what it needs
DEPS_FIRST = $(filter deps test-deps,$(MAKECMDGOALS))
SO_MAJOR = 0
# sendoc serve: libmicrohttpd (HTTP), jansson (JSON), poppler-glib + cairo (page previews), libcsv (class lists)
SERVE_PKGS  = libmicrohttpd jansson poppler-glib cairo
SERVE_CFLAGS = $(call lazy,SERVE_CFLAGS,pkg-config --cflags $(SERVE_PKGS) 2>/dev/null)
SERVE_LIBS   = $(call lazy,SERVE_LIBS,pkg-config --libs $(SERVE_PKGS) 2>/dev/null) -lcsv

WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT      ?= -O2 -g
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) -fPIC \
             -fvisibility=hidden -DSD_BUILDING -DSD_DATA_DIR='"$(DATADIR)"' -Iengine/include -Iengine $(PKG_CFLAGS) $(SAN) $(CPPFLAGS) $(CFLAGS)
LIBS_ALL = $(PKG_LIBS) -lhpdf -lz -lm -lpthread

ENGINE_SRC = $(sort $(wildcard engine/*.c))
CLI_SRC    = $(sort $(wildcard cli/*.c))
ENGINE_OBJ = $(ENGINE_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ    = $(CLI_SRC:%.c=$(B)/obj/%.o)
CHECK_SRC  = $(sort $(wildcard tests/check_*.c))
CHECK_BIN  = $(CHECK_SRC:tests/%.c=$(B)/tests/%)
LOCALE_SRC = $(sort $(wildcard locales/*.txt))
LOCALE_RES = $(LOCALE_SRC:locales/%.txt=$(B)/share/sendoc/locales/%.res)
DATA       = $(B)/share/sendoc
DATA_FILES = $(DATA)/schema/case.xsd $(DATA)/fonts/fontmap.txt \
             $(patsubst templates/%,$(DATA)/templates/%,$(wildcard templates/*.md)) $(LOCALE_RES) \
             $(patsubst web/%,$(DATA)/web/%,$(wildcard web/*.css web/*.js))

.PHONY: all demo check check-unit check-integration check-cli check-asan check-locale check-tsan check-scaling bench fuzz deps test-deps install clean data check-web bench-web
# every entry point waits for `deps`/`test-deps` when they are asked for on the same line
all demo check check-unit check-locale check-integration check-cli check-asan check-tsan check-scaling bench fuzz install: | $(DEPS_FIRST)
all: $(B)/bin/sendoc $(B)/lib/libsendoc.so $(B)/lib/libsendoc.a data

data: $(DATA_FILES)

$(B)/obj/%.o: %.c $(wildcard engine/*.h engine/include/*.h cli/*.h) | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(CLI_OBJ): CFLAGS_ALL += $(CLI_CFLAGS) $(SERVE_CFLAGS)

$(B)/lib/libsendoc.a: $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# libsendoc.so.0: a SONAME, and only the SD_API symbols, versioned by engine/libsendoc.map
$(B)/lib/libsendoc.so.$(SO_MAJOR): $(ENGINE_OBJ) engine/libsendoc.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libsendoc.so.$(SO_MAJOR) -Wl,--version-script=engine/libsendoc.map \
	  -Wl,--no-undefined -Wl,-z,relro -Wl,-z,now -o $@ $(ENGINE_OBJ) $(LIBS_ALL) $(SAN) $(LDFLAGS)

$(B)/lib/libsendoc.so: $(B)/lib/libsendoc.so.$(SO_MAJOR)
	ln -sf libsendoc.so.$(SO_MAJOR) $@

$(B)/bin/sendoc: $(CLI_OBJ) $(B)/lib/libsendoc.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(CLI_OBJ) $(B)/lib/libsendoc.a $(LIBS_ALL) $(CLI_LIBS) $(SERVE_LIBS) $(SAN) $(LDFLAGS)

$(B)/tests/check_%: tests/check_%.c tests/testutil.h $(B)/lib/libsendoc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/lib/libsendoc.a $(CHECK_FLAGS) $(LIBS_ALL)

# Benchmarks: tests/bench/*.c against the library (run by `make bench`)
BENCH_SRC = $(sort $(wildcard tests/bench/*.c))
BENCH_BIN = $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)
$(B)/bench/%: tests/bench/%.c $(B)/lib/libsendoc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/lib/libsendoc.a $(LIBS_ALL)

# Test tools: tests/tools/*.c against the library (used by the integration tests)
TOOL_SRC = $(sort $(wildcard tests/tools/*.c))
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)
$(B)/tools/%: tests/tools/%.c $(B)/lib/libsendoc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/lib/libsendoc.a $(LIBS_ALL)

$(DATA)/schema/%: engine/schema/%
	@mkdir -p $(dir $@) && cp $< $@
$(DATA)/fonts/%: fonts/%
	@mkdir -p $(dir $@) && cp $< $@
$(DATA)/templates/%: templates/%
	@mkdir -p $(dir $@) && cp $< $@
$(DATA)/web/%: web/%
	@mkdir -p $(dir $@) && cp $< $@
$(DATA)/locales/%.res: locales/%.txt | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	genrb -q -e UTF-8 -d $(dir $@) $<

# Renders every sample into out/ (see samples/README.md for what each shows).
demo: all
	@mkdir -p out
	SOURCE_DATE_EPOCH=1764547200 sh tools/render-samples.sh $(B)/bin/sendoc out

# Every test: unit suites, integration on rendered PDFs, the suites again
# under another locale and under ASan+UBSan, batches under ThreadSanitizer. The
# accessibility kit is ../shared/a11y when ../shared is beside the clone (as in
# CI), else the project's copy in tests/a11y.
# What a stage could not run (no node/npm for pdf.js) it records in
# $(B)/skipped/, and the last line names it.
export SD_SKIPPED_DIR := $(abspath $(B))/skipped
check: check-unit check-locale check-integration check-cli check-scaling check-asan check-tsan check-web
	@if [ -n "$$(ls $(SD_SKIPPED_DIR) 2>/dev/null)" ]; then \
	  echo "make check: all test stages passed; not run: $$(cat $(SD_SKIPPED_DIR)/* | sort -u | paste -sd';'), in $$(ls $(SD_SKIPPED_DIR) | paste -sd' ')"; \
	else echo "make check: all test stages passed"; fi

check-unit: all $(CHECK_BIN)
	@sh tools/run-suites.sh $(B)
	@# every fuzz target has an answer in hostile_seeds.py, or `make fuzz` (run by CI after check) stops
	@d=$$(mktemp -d) && for t in tests/fuzz/fuzz_*.c; do \
	  python3 tests/fuzz/hostile_seeds.py $$(basename $$t .c) $$d/$$(basename $$t .c) || exit 1; done; \
	  rm -rf $$d; echo "fuzz seeds: every target has its hostile seeds or says it needs none"

check-locale: all $(CHECK_BIN)
	@LANG=fr_FR.UTF-8 LC_ALL=fr_FR.UTF-8 sh tools/run-suites.sh $(B)

check-integration: all $(TOOL_BIN)
	@sh tests/integration/run.sh $(B)
	@sh tests/lint/cli.sh $(B)
	@sh tests/text/roundtrip.sh $(B)
	@MATRIX_READERS=all MATRIX_STRICT=$${MATRIX_STRICT:-1} sh tests/integration/matrix.sh $(B)
	@sh tests/integration/tables.sh $(B)
	@sh tests/integration/readers.sh $(B)
	@python3 tests/gen/test_gen.py
	@python3 tests/gen/run.py $(B) --cases $${GEN_CASES:-400}

# Issue 13: every stage near-linear (tests/scaling/run.py doubles hostile
# inputs), and each hostile input kept as a regression test
check-scaling: all $(TOOL_BIN)
	@python3 tests/scaling/run.py $(B)/bin/sendoc
	@sh tests/scaling/hostile.sh $(B)
	@python3 tests/scaling/batch_memory.py $(B)/bin/sendoc

# The command line as other systems use it: exit codes, batch, hostile input, install;
# then every command the docs show (tests/docs/run.py)
check-cli: all
	@sh tests/cli/run.sh $(B)
	@python3 tests/docs/run.py $(B)

# (the generated cases without the five-reader sample: it reads PDFs, which
# the plain build's run already reads, not memory)
check-asan:
	@$(MAKE) --no-print-directory B=build-asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" check-unit
	@$(MAKE) --no-print-directory B=build-asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" all
	@sh tests/cli/multicase.sh build-asan
	@python3 tests/gen/run.py build-asan --cases $${GEN_ASAN_CASES:-100} --strict-every 0

# sendoc serve: attacks on every protection, and a SENCo's session in Debian's
# chromium with axe-core (tests/web/run.sh starts and stops the server itself)
check-web: all
	@sh tests/web/run.sh $(B)

# Batches on two threads built with ThreadSanitizer (tests/tsan/suppressions
# says which library-internal reports are hidden, and why)
check-tsan: all
	@sh tests/tsan/run.sh $(B)

bench: all $(BENCH_BIN)
	@sh tools/bench.sh $(B)
	@python3 tests/web/bench.py $(B)

fuzz:
	@sh tools/fuzz.sh

# Debian packages (run as root, or through sudo). `make deps`: what building
# and rendering need (compiler, -dev libraries, genrb, fonts). `make test-deps`:
# that plus the test tools (Check, clang for the fuzzers and TSan, valgrind,
# PDF readers, python3, node/npm for ../shared/a11y's pdf.js, debootstrap and
# the Debian packaging tools for tests/fresh; liblzma-dev, which libxml2's
# pkg-config --static names but libxml2-dev does not bring, for the static
# links of tests/cli/install.sh and library.sh). Node/npm come from Debian only
# when no node is installed.
DEB_PKGS = build-essential pkg-config libhpdf-dev libxml2-dev libcmark-dev libicu-dev \
  icu-devtools libharfbuzz-dev libfontconfig-dev libpng-dev zlib1g-dev libssl-dev \
  fonts-noto-core fonts-noto-cjk fonts-noto-ui-core fonts-dejavu-core fonts-wqy-microhei fonts-symbola \
  libmicrohttpd-dev libjansson-dev libcsv-dev libpoppler-glib-dev
TEST_DEB_PKGS = check libharfbuzz-bin qpdf poppler-utils mupdf-tools python3 python3-pdfminer \
  locales clang libclang-rt-14-dev libtsan2 valgrind time strace man-db \
  debootstrap debhelper dpkg-dev fakeroot lintian git sudo chromium parallel liblzma-dev iproute2
APT_GET = $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600
SUDO_IF_USER = SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo )
deps:
	@$(SUDO_IF_USER); \
	$(APT_GET) update -qq && \
	$(APT_GET) install -y -qq --no-install-recommends $(DEB_PKGS) >/dev/null
	@echo "deps: Debian packages for building and rendering installed"

test-deps: deps
	@$(SUDO_IF_USER); \
	$(APT_GET) install -y -qq --no-install-recommends $(TEST_DEB_PKGS) >/dev/null && \
	if ! command -v node >/dev/null; then $(APT_GET) install -y -qq --no-install-recommends nodejs npm >/dev/null; fi && \
	$$SUDO sh tools/node20.sh && \
	if ! locale -a 2>/dev/null | grep -qi '^fr_FR.utf8$$'; then \
	  echo 'fr_FR.UTF-8 UTF-8' | $$SUDO tee -a /etc/locale.gen >/dev/null && $$SUDO locale-gen >/dev/null; fi
	@echo "test-deps: Debian packages for the tests installed"

# `make install PREFIX=/opt/sendoc DESTDIR=/tmp/stage`: the binary finds its
# data as ../share/sendoc next to itself, so the installed tree can move.
# LIBDIR: lib, or lib/x86_64-linux-gnu for the Debian packages (debian/rules)
LIBDIR ?= lib
SD_VER = $(shell sed -n 's/^#define SD_VERSION "\(.*\)"/\1/p' engine/include/sendoc.h)
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/share/sendoc $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/bin/sendoc $(DESTDIR)$(PREFIX)/bin/sendoc
	install -m 644 $(B)/lib/libsendoc.so.$(SO_MAJOR) $(DESTDIR)$(PREFIX)/$(LIBDIR)/libsendoc.so.$(SO_MAJOR)
	ln -sf libsendoc.so.$(SO_MAJOR) $(DESTDIR)$(PREFIX)/$(LIBDIR)/libsendoc.so
	install -m 644 $(B)/lib/libsendoc.a $(DESTDIR)$(PREFIX)/$(LIBDIR)/libsendoc.a
	install -m 644 engine/include/sendoc.h $(DESTDIR)$(PREFIX)/include/sendoc.h
	cd $(DATA) && find . -type d -exec install -d -m 755 $(abspath $(DESTDIR)$(PREFIX))/share/sendoc/{} \; \
	  && find . -type f -exec install -m 644 {} $(abspath $(DESTDIR)$(PREFIX))/share/sendoc/{} \;
	install -m 644 cli/sendoc.1 $(DESTDIR)$(PREFIX)/share/man/man1/sendoc.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(SD_VER)|' \
	  -e 's|@REQUIRES@|$(PKGS)|' tools/sendoc.pc.in > $(DESTDIR)$(PREFIX)/$(LIBDIR)/pkgconfig/sendoc.pc
	chmod 644 $(DESTDIR)$(PREFIX)/$(LIBDIR)/pkgconfig/sendoc.pc

clean:
	rm -rf build build-asan out
